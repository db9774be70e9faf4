//! Chart drawing, generic over the plotters backend: SVG natively (snapshot tests, exports), a
//! canvas in the browser. Charts are described as data ([`ChartSpec`]: title, axis labels with
//! units, series, event markers, shaded bands, y-axis mode) built from results by
//! [`chart_sections`] (the daily metrics, the advertiser groups and, with a baseline pinned, the
//! lift against it), then drawn by [`draw`] on any [`plotters::prelude::DrawingBackend`] at any
//! device pixel ratio, or rendered to an SVG string by [`render_svg`].
//!
//! Around the drawing, pure functions the UI only calls: [`tooltip`] maps a pointer column to
//! the hovered day and every series' value there (using the [`Frame`] [`draw`] returns), and
//! [`export_footer`] writes what a shared image must say (the design's changed knobs, the
//! baseline's, the seed), drawn under the chart by [`draw_with_footer`].
//!
//! Architecture invariant: no web crate here; the UI hands a canvas-backed drawing area to
//! [`draw`].
//!
//! Colours come from the Okabe–Ito palette, which stays distinguishable under the common forms
//! of colour blindness; a pinned baseline is drawn dashed in a lighter shade of its series'
//! colour, so colour is never the only cue.

mod daily;
mod draw;
mod export;
pub mod frontier;
mod groups;
pub mod heatmap;
pub mod hourly;
pub mod lab;
mod lift;
mod panel;
pub mod scaled;
mod tooltip;

pub use daily::daily_charts;
pub use draw::{
    draw, draw_with_footer, footer_height, frame_of, render_export_svg, render_svg,
    render_svg_scaled, wrap_footer, y_range, Frame, YRange, FIT_PADDING, FIT_SNAP_TO_ZERO,
    Y_NOT_FROM_ZERO,
};
pub use export::{changed_knobs, export_footer};
pub use groups::{clicks_by_group, group_charts};
pub use lift::{lift_chart, lift_percent, LIFT_METRICS};
pub use panel::{chart_sections, Annotations, Section};
pub use tooltip::{format_value, tooltip, Tooltip, TooltipRow};

/// An sRGB colour (0–255 per channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
}

impl Color {
    /// A colour from its channels.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b }
    }

    /// Mixes with white: `amount` 0 keeps the colour, 1 gives white (clamped to 0–1).
    pub fn lighten(self, amount: f64) -> Color {
        let t = if amount.is_finite() {
            amount.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // In 0–255 by construction; `as` saturates anyway.
        let mix = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * t).round() as u8;
        Color::rgb(mix(self.r), mix(self.g), mix(self.b))
    }

    /// `#rrggbb`, for CSS.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// The Okabe–Ito colours used for series, in order (yellow is left out: too pale on white).
pub const PALETTE: [Color; 7] = [
    Color::rgb(0, 114, 178),   // blue
    Color::rgb(213, 94, 0),    // vermillion
    Color::rgb(0, 158, 115),   // bluish green
    Color::rgb(230, 159, 0),   // orange
    Color::rgb(204, 121, 167), // reddish purple
    Color::rgb(86, 180, 233),  // sky blue
    Color::rgb(0, 0, 0),       // black
];

/// How much lighter a baseline series is than the series it is compared with (0–1, toward
/// white).
pub const BASELINE_LIGHTEN: f64 = 0.45;

/// Suffix appended to a baseline series' label.
pub const BASELINE_SUFFIX: &str = " (baseline)";

/// One line on a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// `(x, y)` points in data units, in x order. Non-finite points leave a gap in the line.
    pub points: Vec<(f64, f64)>,
    /// Line colour.
    pub color: Color,
    /// Dashed line (a pinned baseline overlay).
    pub dashed: bool,
}

/// A vertical line at an event (the launch day, the end of a test window).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Where, in x data units.
    pub x: f64,
    /// What happened there ("Launch").
    pub label: String,
}

/// A shaded span of x (a test window, a post-period).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Start, in x data units.
    pub from: f64,
    /// End, in x data units.
    pub to: f64,
    /// What the span is ("Test window").
    pub label: String,
}

/// How the y-axis is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum YAxis {
    /// From zero (or the data's negative minimum) to the data's maximum: levels read true.
    #[default]
    FromZero,
    /// Fitted to the data's range, so small differences show; the chart says the axis does
    /// not start at zero.
    FitData,
}

/// How a chart's values read in text (tooltips).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueFormat {
    /// A plain number (`1,234`, `0.5432`).
    #[default]
    Number,
    /// Already in percent: `1.834%`.
    Percent,
    /// A signed change in percent: `+1.834%`, `−0.25%`.
    SignedPercent,
}

/// A whole chart: what to draw, in data units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartSpec {
    /// Title above the chart.
    pub title: String,
    /// X-axis description, with its unit (e.g. "Day").
    pub x_label: String,
    /// Y-axis description, with its unit (e.g. "Revenue (currency/day)").
    pub y_label: String,
    /// The lines, listed in the legend in this order; dashed ones are drawn first (underneath).
    pub series: Vec<Series>,
    /// Vertical event lines.
    pub markers: Vec<Marker>,
    /// Shaded spans of x.
    pub bands: Vec<Band>,
    /// How the y-axis is scaled.
    pub y_axis: YAxis,
    /// How values read in tooltips.
    pub value_format: ValueFormat,
}
