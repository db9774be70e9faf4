//! Drawing a [`ChartSpec`] on any plotters backend, at any pixel density.

use plotters::coord::Shift;
use plotters::element::{DashedPathElement, PathElement, Polygon, Rectangle, Text};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::Color as _;

use super::{Band, ChartSpec, Color, Marker, YAxis};

/// Font family for all text (the browser and SVG viewers pick their sans-serif).
const FONT: &str = "sans-serif";
/// Font sizes in CSS pixels, chosen for ~560×300 px canvases (multiplied by the scale).
const TITLE_PX: u32 = 16;
const AXIS_DESC_PX: u32 = 13;
const TICK_PX: u32 = 12;
const LEGEND_PX: u32 = 12;
const NOTE_PX: u32 = 11;
const FOOTER_PX: u32 = 11;
/// Below this size (CSS pixels) nothing but the background is drawn: no room for a legible
/// chart.
const MIN_WIDTH: u32 = 120;
const MIN_HEIGHT: u32 = 90;
/// Outer margin and the label areas of the axes (CSS pixels).
const MARGIN_PX: u32 = 10;
const X_LABEL_AREA_PX: u32 = 40;
const Y_LABEL_AREA_PX: u32 = 62;
/// Line widths and dash pattern (dash, gap), in CSS pixels.
const LINE_PX: u32 = 2;
const DASH_PX: u32 = 6;
const GAP_PX: u32 = 4;
const MARKER_DASH_PX: u32 = 4;
const MARKER_GAP_PX: u32 = 3;
/// Height of one row of event labels above the plot, and the most rows used (CSS pixels).
const LABEL_ROW_PX: u32 = 15;
const MAX_LABEL_ROWS: usize = 3;
/// |values| above this are treated like NaN: plotters cannot lay out ticks over such ranges.
const MAX_ABS: f64 = 1e100;
/// Scales accepted by [`draw`] (device pixel ratios); others are clamped, non-finite ones are 1.
const MIN_SCALE: f64 = 0.25;
const MAX_SCALE: f64 = 8.0;

/// The note shown above a fitted plot whose y-axis does not include zero.
pub const Y_NOT_FROM_ZERO: &str = "y-axis does not start at 0";

const GRID_LIGHT: RGBColor = RGBColor(242, 242, 242);
const GRID_BOLD: RGBColor = RGBColor(222, 222, 222);
const AXIS: RGBColor = RGBColor(110, 110, 110);
const TEXT: RGBColor = RGBColor(40, 40, 40);
const MARKER: RGBColor = RGBColor(70, 70, 70);
/// Band fill: a translucent slate blue (about `#e9eef5` over white).
const BAND_TINT: RGBColor = RGBColor(70, 110, 170);
const BAND_ALPHA: f64 = 0.12;
const BAND_EDGE: RGBColor = RGBColor(176, 190, 210);
const FOOTER_TEXT: RGBColor = RGBColor(85, 85, 85);

fn rgb(c: Color) -> RGBColor {
    RGBColor(c.r, c.g, c.b)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("chart drawing failed: {e}")
}

/// CSS pixel sizes turned into device pixels at one scale (the device pixel ratio).
#[derive(Debug, Clone, Copy)]
struct Px(f64);

impl Px {
    fn new(scale: f64) -> Px {
        Px(if scale.is_finite() {
            scale.clamp(MIN_SCALE, MAX_SCALE)
        } else {
            1.0
        })
    }

    /// A length in device pixels, at least 1 when the CSS length is positive.
    fn u(self, css: u32) -> u32 {
        let v = (f64::from(css) * self.0).round() as u32;
        if css > 0 {
            v.max(1)
        } else {
            v
        }
    }

    fn i(self, css: u32) -> i32 {
        i32::try_from(self.u(css)).unwrap_or(i32::MAX / 4)
    }

    /// A font size in device pixels.
    fn font(self, css: u32) -> f64 {
        f64::from(css) * self.0
    }
}

/// Where a drawn chart's plot sits on the drawing area, and the data ranges it shows: the map
/// between pointer positions and data (used by [`super::tooltip`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Pixel column of the x range's start (the plot's left edge).
    pub left: f64,
    /// Pixel column of the x range's end (the plot's right edge).
    pub right: f64,
    /// Pixel row of the y range's end (the plot's top edge).
    pub top: f64,
    /// Pixel row of the y range's start (the plot's bottom edge).
    pub bottom: f64,
    /// The x range shown, in data units.
    pub x_range: (f64, f64),
    /// The y range shown, in data units.
    pub y_range: (f64, f64),
}

impl Frame {
    /// The x value (data units) under pixel column `px`.
    pub fn x_at(&self, px: f64) -> f64 {
        let (x0, x1) = self.x_range;
        if self.right == self.left {
            return x0;
        }
        x0 + (px - self.left) / (self.right - self.left) * (x1 - x0)
    }

    /// The pixel column of x value `x` (data units).
    pub fn px_of(&self, x: f64) -> f64 {
        let (x0, x1) = self.x_range;
        if x1 == x0 {
            return self.left;
        }
        self.left + (x - x0) / (x1 - x0) * (self.right - self.left)
    }

    /// The pixel row of y value `y` (data units).
    pub fn py_of(&self, y: f64) -> f64 {
        let (y0, y1) = self.y_range;
        if y1 == y0 {
            return self.bottom;
        }
        self.bottom - (y - y0) / (y1 - y0) * (self.bottom - self.top)
    }
}

/// The y range a chart shows (data units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YRange {
    /// Bottom of the axis.
    pub lo: f64,
    /// Top of the axis.
    pub hi: f64,
}

impl YRange {
    /// Whether the axis includes zero (levels read true; no break mark).
    pub fn includes_zero(&self) -> bool {
        self.lo <= 0.0 && self.hi >= 0.0
    }

    /// Whether zero lies strictly inside the axis (a zero line is drawn).
    pub fn spans_zero(&self) -> bool {
        self.lo < 0.0 && self.hi > 0.0
    }
}

/// Share of the data's span added above and below a fitted axis.
pub const FIT_PADDING: f64 = 0.08;
/// A fitted axis that would leave less empty room below the data than this share of the data's
/// span starts at zero instead (the break would save almost nothing).
pub const FIT_SNAP_TO_ZERO: f64 = 0.25;

/// The y-axis range for data from `lo` to `hi` (finite, `lo <= hi`):
///
/// - [`YAxis::FromZero`]: from zero (or the negative minimum) to the maximum, with 5% headroom
///   on the side(s) away from zero;
/// - [`YAxis::FitData`]: the data's range with [`FIT_PADDING`] of its span on both sides. It
///   starts at zero instead when the data are all on one side of zero and the gap to zero is
///   at most [`FIT_SNAP_TO_ZERO`] of the span (and never crosses zero for one-signed data);
///   flat data fall back to [`YAxis::FromZero`].
pub fn y_range(lo: f64, hi: f64, mode: YAxis) -> YRange {
    let span = hi - lo;
    if mode == YAxis::FitData && span > 0.0 && span.is_finite() {
        let pad = FIT_PADDING * span;
        let (mut a, mut b) = (lo - pad, hi + pad);
        if lo >= 0.0 && lo <= (FIT_PADDING + FIT_SNAP_TO_ZERO) * span {
            a = 0.0;
        }
        if hi <= 0.0 && -hi <= (FIT_PADDING + FIT_SNAP_TO_ZERO) * span {
            b = 0.0;
        }
        return YRange { lo: a, hi: b };
    }
    let lo = lo.min(0.0);
    let hi = hi.max(0.0);
    let span = hi - lo;
    if span > 0.0 {
        let pad = 0.05 * span;
        YRange {
            lo: if lo < 0.0 { lo - pad } else { lo },
            hi: if hi > 0.0 { hi + pad } else { hi },
        }
    } else {
        YRange { lo: 0.0, hi: 1.0 }
    }
}

/// Draws `spec` on `root` at `scale` device pixels per CSS pixel (the device pixel ratio: fonts,
/// margins and line widths grow with it, so a canvas of CSS size × ratio looks the same, only
/// sharper). Draws the title, axes with their labels (and units), light gridlines, shaded bands
/// (under everything), a zero line when the y range spans zero, event markers (dashed vertical
/// lines labelled above the plot), the series and a legend in a strip below the plot (so it
/// never hides data). A fitted y-axis that does not include zero gets a break mark on the axis
/// and the note [`Y_NOT_FROM_ZERO`] above the plot.
///
/// Non-finite points leave gaps; with no finite point at all it draws an empty frame saying
/// "no data". Areas smaller than 120×90 CSS px are only cleared. Returns where the plot was
/// drawn (`None` when no plot was), for pointer hit-testing. Errors come only from the backend.
///
/// The legend lists every series and band; when that needs more than one row, the dashed
/// baseline overlays (labels ending in [`super::BASELINE_SUFFIX`]) share one entry, "Baseline
/// (dashed)".
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    scale: f64,
) -> Result<Option<Frame>, String> {
    let frame = draw_chart(root, spec, scale)?;
    root.present().map_err(err)?;
    Ok(frame)
}

/// [`draw`] without presenting the drawing (so more can be drawn on the same backend).
fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    scale: f64,
) -> Result<Option<Frame>, String> {
    let px = Px::new(scale);
    root.fill(&WHITE).map_err(err)?;
    let (width, height) = root.dim_in_pixel();
    if width < px.u(MIN_WIDTH) || height < px.u(MIN_HEIGHT) {
        return Ok(None);
    }

    // Each series as runs of finite points.
    let runs: Vec<Vec<Vec<(f64, f64)>>> =
        spec.series.iter().map(|s| finite_runs(&s.points)).collect();
    let finite = runs.iter().flatten().flatten();
    let bounds = finite.fold(None, |acc: Option<(f64, f64, f64, f64)>, &(x, y)| {
        Some(match acc {
            None => (x, x, y, y),
            Some((x0, x1, y0, y1)) => (x0.min(x), x1.max(x), y0.min(y), y1.max(y)),
        })
    });
    let Some((x0, x1, y0, y1)) = bounds else {
        draw_empty(root, spec, px)?;
        return Ok(None);
    };
    let (x0, x1) = if x1 > x0 {
        (x0, x1)
    } else {
        (x0 - 1.0, x1 + 1.0)
    };
    let yr = y_range(y0, y1, spec.y_axis);
    let (y0, y1) = (yr.lo, yr.hi);

    let legend = Legend::layout(root, spec, width, height / 3, px);
    let (plot_area, legend_area) = root.split_vertically(height - legend.height());

    // Title, then a strip for the event labels and the axis note, then the chart.
    let margin = px.i(MARGIN_PX);
    let titled = plot_area
        .margin(margin, margin, margin, margin)
        .titled(
            &spec.title,
            (FONT, px.font(TITLE_PX)).into_font().color(&TEXT),
        )
        .map_err(err)?;
    let markers: Vec<&Marker> = spec
        .markers
        .iter()
        .filter(|m| m.x.is_finite() && m.x >= x0 && m.x <= x1)
        .collect();
    let note = (!yr.includes_zero()).then_some(Y_NOT_FROM_ZERO);
    let strip = Strip::layout(root, &markers, note, (x0, x1), width, px);
    let chart_area = if strip.height() > 0 {
        titled.margin(strip.height(), 0, 0, 0)
    } else {
        titled
    };

    let mut chart = ChartBuilder::on(&chart_area)
        .x_label_area_size(px.u(X_LABEL_AREA_PX))
        .y_label_area_size(px.u(Y_LABEL_AREA_PX))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;

    let x_fmt = |x: &f64| tick_label(*x);
    let y_fmt = |y: &f64| tick_label(*y);
    chart
        .configure_mesh()
        .light_line_style(ShapeStyle::from(GRID_LIGHT).stroke_width(px.u(1)))
        .bold_line_style(ShapeStyle::from(GRID_BOLD).stroke_width(px.u(1)))
        .axis_style(ShapeStyle::from(AXIS).stroke_width(px.u(1)))
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FONT, px.font(TICK_PX)).into_font().color(&TEXT))
        .axis_desc_style((FONT, px.font(AXIS_DESC_PX)).into_font().color(&TEXT))
        .x_desc(spec.x_label.as_str())
        .y_desc(spec.y_label.as_str())
        .draw()
        .map_err(err)?;

    // Bands over the gridlines (translucent, so the grid shows through), under the data.
    for band in &spec.bands {
        if let Some((a, b)) = clip_band(band, x0, x1) {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, y0), (b, y1)],
                    BAND_TINT.mix(BAND_ALPHA).filled(),
                )))
                .map_err(err)?;
            let edge = ShapeStyle::from(BAND_EDGE).stroke_width(px.u(1));
            for x in [a, b] {
                if x > x0 && x < x1 {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(x, y0), (x, y1)],
                            edge,
                        )))
                        .map_err(err)?;
                }
            }
        }
    }

    if yr.spans_zero() {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x0, 0.0), (x1, 0.0)],
                ShapeStyle::from(AXIS).stroke_width(px.u(1)),
            )))
            .map_err(err)?;
    }

    let marker_style = ShapeStyle::from(MARKER).stroke_width(px.u(1));
    for m in &markers {
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(m.x, y0), (m.x, y1)],
                px.u(MARKER_DASH_PX),
                px.u(MARKER_GAP_PX),
                marker_style,
            )))
            .map_err(err)?;
    }

    // Dashed overlays first, so the current run's solid lines stay on top.
    let pairs = spec.series.iter().zip(&runs);
    let ordered = pairs
        .clone()
        .filter(|(s, _)| s.dashed)
        .chain(pairs.filter(|(s, _)| !s.dashed));
    for (series, runs) in ordered {
        let style = ShapeStyle::from(rgb(series.color)).stroke_width(px.u(LINE_PX));
        for run in runs {
            if run.len() == 1 {
                // A lone point between gaps: a dot, or it would not show.
                chart
                    .draw_series(std::iter::once(Circle::new(
                        run[0],
                        px.u(2),
                        style.filled(),
                    )))
                    .map_err(err)?;
            } else if series.dashed {
                chart
                    .draw_series(DashedLineSeries::new(
                        run.iter().copied(),
                        px.u(DASH_PX),
                        px.u(GAP_PX),
                        style,
                    ))
                    .map_err(err)?;
            } else {
                chart
                    .draw_series(LineSeries::new(run.iter().copied(), style))
                    .map_err(err)?;
            }
        }
    }

    let area = chart.plotting_area();
    let (left, bottom) = area.map_coordinate(&(x0, y0));
    let (right, top) = area.map_coordinate(&(x1, y1));
    let frame = Frame {
        left: f64::from(left),
        right: f64::from(right),
        top: f64::from(top),
        bottom: f64::from(bottom),
        x_range: (x0, x1),
        y_range: (y0, y1),
    };
    strip.draw(root, &frame, px)?;
    if !yr.includes_zero() {
        // The axis is cut where zero would be: at the bottom for positive data, else the top.
        let y = if yr.lo > 0.0 {
            bottom - px.i(8)
        } else {
            top + px.i(8)
        };
        draw_break_mark(root, left, y, px)?;
    }
    legend.draw(&legend_area, px)?;
    Ok(Some(frame))
}

/// `band` clipped to `x0..=x1`, or `None` when nothing of it is visible.
fn clip_band(band: &Band, x0: f64, x1: f64) -> Option<(f64, f64)> {
    if !(band.from.is_finite() && band.to.is_finite()) {
        return None;
    }
    let (a, b) = (
        band.from.min(band.to).max(x0),
        band.from.max(band.to).min(x1),
    );
    (a < b).then_some((a, b))
}

/// Two short parallel slashes across the y-axis at pixel row `y`, the axis blanked between
/// them: the conventional sign that the axis is cut.
fn draw_break_mark<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    x: i32,
    y: i32,
    px: Px,
) -> Result<(), String> {
    let (w, h, gap) = (px.i(7), px.i(3), px.i(4));
    root.draw(&Polygon::new(
        vec![
            (x - w, y + h),
            (x + w, y - h),
            (x + w, y - h + gap),
            (x - w, y + h + gap),
        ],
        ShapeStyle::from(WHITE).filled(),
    ))
    .map_err(err)?;
    let style = ShapeStyle::from(AXIS).stroke_width(px.u(1));
    for dy in [0, gap] {
        root.draw(&PathElement::new(
            vec![(x - w, y + h + dy), (x + w, y - h + dy)],
            style,
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// One text in the strip above the plot.
struct StripLabel {
    text: String,
    /// Marker x (data units), or `None` for the axis note (right-aligned on the plot).
    x: Option<f64>,
    /// Whether the text sits left of its marker (it would overflow the plot on the right).
    left_of_line: bool,
    row: usize,
}

/// The event labels and the axis note, packed in rows above the plot so none overlap.
struct Strip {
    labels: Vec<StripLabel>,
    rows: usize,
    /// Height of one row (device pixels).
    row_height: u32,
}

impl Strip {
    fn layout<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        markers: &[&Marker],
        note: Option<&str>,
        (x0, x1): (f64, f64),
        width: u32,
        px: Px,
    ) -> Strip {
        if markers.is_empty() && note.is_none() {
            return Strip {
                labels: Vec::new(),
                rows: 0,
                row_height: px.u(LABEL_ROW_PX),
            };
        }
        let font = TextStyle::from((FONT, px.font(NOTE_PX)).into_font());
        let text_width = |text: &str| {
            let w = root
                .estimate_text_size(text, &font)
                .map(|(w, _)| w)
                .unwrap_or(px.u(NOTE_PX) * text.len() as u32 * 6 / 10);
            f64::from(w)
        };
        // The plot's columns as the chart will have them (to a pixel: enough to avoid overlaps).
        let left = f64::from(px.u(MARGIN_PX) + px.u(Y_LABEL_AREA_PX));
        let right = f64::from(width) - f64::from(px.u(MARGIN_PX));
        let at = |x: f64| left + (x - x0) / (x1 - x0) * (right - left);
        let pad = f64::from(px.u(4));
        let gap = f64::from(px.u(8));

        let mut labels = Vec::new();
        let mut spans: Vec<(f64, f64, usize)> = Vec::new();
        let mut place = |a: f64, b: f64| {
            let row = (0..MAX_LABEL_ROWS)
                .find(|&r| {
                    spans
                        .iter()
                        .all(|&(c, d, rr)| rr != r || b + gap <= c || a >= d + gap)
                })
                .unwrap_or(MAX_LABEL_ROWS - 1);
            spans.push((a, b, row));
            row
        };
        if let Some(note) = note {
            let w = text_width(note);
            let row = place(right - w, right);
            labels.push(StripLabel {
                text: note.to_string(),
                x: None,
                left_of_line: false,
                row,
            });
        }
        let mut sorted: Vec<&&Marker> = markers.iter().collect();
        sorted.sort_by(|a, b| a.x.total_cmp(&b.x));
        for m in sorted {
            let w = text_width(&m.label);
            let p = at(m.x);
            let left_of_line = p + pad + w > right && p - pad - w >= left - f64::from(px.u(40));
            let (a, b) = if left_of_line {
                (p - pad - w, p)
            } else {
                (p, p + pad + w)
            };
            let row = place(a, b);
            labels.push(StripLabel {
                text: m.label.clone(),
                x: Some(m.x),
                left_of_line,
                row,
            });
        }
        let rows = labels.iter().map(|l| l.row + 1).max().unwrap_or(0);
        Strip {
            labels,
            rows,
            row_height: px.u(LABEL_ROW_PX),
        }
    }

    /// Pixels the strip takes above the plot (0 without labels).
    fn height(&self) -> u32 {
        self.rows as u32 * self.row_height
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        frame: &Frame,
        px: Px,
    ) -> Result<(), String> {
        let row_h = f64::from(self.row_height);
        let strip_top = frame.top - row_h * self.rows as f64;
        let pad = px.i(4);
        for label in &self.labels {
            let y = (strip_top + row_h * (label.row as f64 + 0.5)).round() as i32;
            let (x, hpos, color) = match label.x {
                None => (frame.right.round() as i32, HPos::Right, AXIS),
                Some(x) => {
                    let p = frame.px_of(x).round() as i32;
                    // The marker's line reaches up to its label.
                    root.draw(&PathElement::new(
                        vec![(p, y), (p, frame.top.round() as i32)],
                        ShapeStyle::from(MARKER).stroke_width(px.u(1)),
                    ))
                    .map_err(err)?;
                    if label.left_of_line {
                        (p - pad, HPos::Right, TEXT)
                    } else {
                        (p + pad, HPos::Left, TEXT)
                    }
                }
            };
            let style = (FONT, px.font(NOTE_PX))
                .into_font()
                .color(&color)
                .pos(Pos::new(hpos, VPos::Center));
            root.draw(&Text::new(label.text.as_str(), (x, y), style))
                .map_err(err)?;
        }
        Ok(())
    }
}

/// Height of one legend row (CSS pixels).
const LEGEND_ROW_PX: u32 = 18;
/// Length of a legend swatch, the space after it and between entries (CSS pixels).
const SWATCH_PX: u32 = 24;
const SWATCH_GAP_PX: u32 = 6;
const ENTRY_GAP_PX: u32 = 18;
/// Colour of the shared baseline entry.
const BASELINE_GREY: RGBColor = RGBColor(150, 150, 150);

/// How a legend entry's swatch looks.
#[derive(Clone, Copy, PartialEq)]
enum Swatch {
    Line,
    Dashed,
    Band,
}

/// One legend entry.
struct Entry {
    label: String,
    color: RGBColor,
    swatch: Swatch,
    /// Estimated width in pixels, swatch included.
    width: i32,
}

/// The legend laid out in centred rows below the plot.
struct Legend {
    rows: Vec<Vec<Entry>>,
    /// Height of one row and the padding under the last (device pixels).
    row_height: u32,
    pad: u32,
}

impl Legend {
    /// Lays out the entries in rows of at most `width` pixels; gives up (no legend) beyond
    /// `max_height` pixels.
    fn layout<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        spec: &ChartSpec,
        width: u32,
        max_height: u32,
        px: Px,
    ) -> Legend {
        let font = TextStyle::from((FONT, px.font(LEGEND_PX)).into_font());
        let entry = |label: &str, color: RGBColor, swatch: Swatch| {
            // The naive width estimate is a fallback only: backends measure text themselves.
            let text_width = root
                .estimate_text_size(label, &font)
                .map(|(w, _)| w)
                .unwrap_or(px.u(LEGEND_PX) * label.len() as u32 * 6 / 10);
            Entry {
                label: label.to_string(),
                color,
                swatch,
                width: px.i(SWATCH_PX)
                    + px.i(SWATCH_GAP_PX)
                    + i32::try_from(text_width).unwrap_or(i32::MAX / 4),
            }
        };
        let series_swatch = |s: &super::Series| {
            if s.dashed {
                Swatch::Dashed
            } else {
                Swatch::Line
            }
        };
        let bands = || {
            spec.bands
                .iter()
                .filter(|b| !b.label.is_empty())
                .map(|b| entry(&b.label, BAND_TINT, Swatch::Band))
        };
        let all: Vec<Entry> = spec
            .series
            .iter()
            .map(|s| entry(&s.label, rgb(s.color), series_swatch(s)))
            .chain(bands())
            .collect();
        let available = i32::try_from(width).unwrap_or(i32::MAX) - px.i(20);
        let gap = px.i(ENTRY_GAP_PX);
        let mut rows = flow(all, available, gap);
        if rows.len() > 1 {
            // Too long: one shared entry for the baseline overlays.
            let is_baseline =
                |s: &super::Series| s.dashed && s.label.ends_with(super::BASELINE_SUFFIX);
            let mut short: Vec<Entry> = spec
                .series
                .iter()
                .filter(|s| !is_baseline(s))
                .map(|s| entry(&s.label, rgb(s.color), series_swatch(s)))
                .collect();
            if spec.series.iter().any(is_baseline) {
                short.push(entry("Baseline (dashed)", BASELINE_GREY, Swatch::Dashed));
            }
            short.extend(bands());
            rows = flow(short, available, gap);
        }
        let legend = Legend {
            rows,
            row_height: px.u(LEGEND_ROW_PX),
            pad: px.u(6),
        };
        if legend.height() > max_height {
            return Legend {
                rows: Vec::new(),
                ..legend
            };
        }
        legend
    }

    /// Pixels the legend needs below the plot (0 without entries).
    fn height(&self) -> u32 {
        if self.rows.is_empty() {
            0
        } else {
            self.rows.len() as u32 * self.row_height + self.pad
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), String> {
        let (width, _) = area.dim_in_pixel();
        let font = (FONT, px.font(LEGEND_PX))
            .into_font()
            .color(&TEXT)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let gap = px.i(ENTRY_GAP_PX);
        let row_h = i32::try_from(self.row_height).unwrap_or(18);
        let swatch_w = px.i(SWATCH_PX);
        for (r, row) in self.rows.iter().enumerate() {
            let row_width: i32 =
                row.iter().map(|e| e.width).sum::<i32>() + gap * (row.len() as i32 - 1);
            let mut x = (i32::try_from(width).unwrap_or(0) - row_width).max(0) / 2;
            let y = (r as i32) * row_h + row_h / 2;
            for e in row {
                let style = ShapeStyle::from(e.color).stroke_width(px.u(LINE_PX));
                let swatch = vec![(x, y), (x + swatch_w, y)];
                match e.swatch {
                    Swatch::Dashed => {
                        area.draw(&DashedPathElement::new(
                            swatch,
                            px.u(DASH_PX),
                            px.u(GAP_PX),
                            style,
                        ))
                        .map_err(err)?;
                    }
                    Swatch::Line => {
                        area.draw(&PathElement::new(swatch, style)).map_err(err)?;
                    }
                    Swatch::Band => {
                        let h = px.i(5);
                        let corners = [(x, y - h), (x + swatch_w, y + h)];
                        area.draw(&Rectangle::new(corners, BAND_TINT.mix(BAND_ALPHA).filled()))
                            .map_err(err)?;
                        area.draw(&Rectangle::new(
                            corners,
                            ShapeStyle::from(BAND_EDGE).stroke_width(px.u(1)),
                        ))
                        .map_err(err)?;
                    }
                }
                area.draw(&Text::new(
                    e.label.as_str(),
                    (x + swatch_w + px.i(SWATCH_GAP_PX), y),
                    font.clone(),
                ))
                .map_err(err)?;
                x += e.width + gap;
            }
        }
        Ok(())
    }
}

/// Greedy rows of entries no wider than `available` pixels (an over-wide entry gets a row).
fn flow(entries: Vec<Entry>, available: i32, gap: i32) -> Vec<Vec<Entry>> {
    let mut rows: Vec<Vec<Entry>> = Vec::new();
    let mut used = 0;
    for e in entries {
        match rows.last_mut() {
            Some(row) if used + gap + e.width <= available => {
                used += gap + e.width;
                row.push(e);
            }
            _ => {
                used = e.width;
                rows.push(vec![e]);
            }
        }
    }
    rows
}

/// A frame with the title and axis labels and "no data" in the middle.
fn draw_empty<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    px: Px,
) -> Result<(), String> {
    let mut chart = ChartBuilder::on(root)
        .caption(
            &spec.title,
            (FONT, px.font(TITLE_PX)).into_font().color(&TEXT),
        )
        .margin(px.u(MARGIN_PX))
        .x_label_area_size(px.u(X_LABEL_AREA_PX))
        .y_label_area_size(px.u(Y_LABEL_AREA_PX))
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(ShapeStyle::from(AXIS).stroke_width(px.u(1)))
        .x_labels(0)
        .y_labels(0)
        .axis_desc_style((FONT, px.font(AXIS_DESC_PX)).into_font().color(&TEXT))
        .x_desc(spec.x_label.as_str())
        .y_desc(spec.y_label.as_str())
        .draw()
        .map_err(err)?;
    let style = (FONT, px.font(AXIS_DESC_PX))
        .into_font()
        .color(&AXIS)
        .pos(Pos::new(HPos::Center, VPos::Center));
    chart
        .plotting_area()
        .draw(&Text::new("no data", (0.5, 0.5), style))
        .map_err(err)?;
    Ok(())
}

/// Splits points into runs of finite (and not absurdly large) points.
fn finite_runs(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for &(x, y) in points {
        let ok = x.is_finite() && y.is_finite() && x.abs() <= MAX_ABS && y.abs() <= MAX_ABS;
        if ok {
            run.push((x, y));
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// A short tick label: `12k`, `1.5M`, `0.004`, `250`.
pub(crate) fn tick_label(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || !v.is_finite() {
        return "0".into();
    }
    // Thousands from 10 000 on: "2500" reads better than "2.5k".
    let scales = [
        (1e12, 1e12, "T"),
        (1e9, 1e9, "G"),
        (1e6, 1e6, "M"),
        (1e4, 1e3, "k"),
    ];
    for (from, scale, suffix) in scales {
        if a >= from {
            return format!("{}{suffix}", trim(format!("{:.2}", v / scale)));
        }
    }
    // Enough decimals for three significant digits, at most 8.
    let decimals = (2 - a.log10().floor() as i32).clamp(0, 8) as usize;
    trim(format!("{v:.decimals$}"))
}

/// Drops trailing zeros after a decimal point, and the point itself.
fn trim(text: String) -> String {
    if text.contains('.') {
        let t = text.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" {
            "0".into()
        } else {
            t.into()
        }
    } else {
        text
    }
}

/// Height of one footer line and the footer's padding (CSS pixels).
const FOOTER_LINE_PX: u32 = 15;
const FOOTER_PAD_PX: u32 = 8;
/// Average width of a footer character as a share of the font size: a generous estimate for
/// sans-serif text, so wrapped lines fit whatever font the host picks.
const FOOTER_CHAR_EM: f64 = 0.56;

/// `lines` word-wrapped to fit `width` device pixels at `scale` (an estimate by character
/// count: the wrap must be known before a canvas of the right height exists).
pub fn wrap_footer(lines: &[String], width: u32, scale: f64) -> Vec<String> {
    let px = Px::new(scale);
    let usable = f64::from(width) - 2.0 * f64::from(px.u(MARGIN_PX));
    let max_chars = (usable / (FOOTER_CHAR_EM * px.font(FOOTER_PX)))
        .floor()
        .max(10.0) as usize;
    let mut out = Vec::new();
    for line in lines {
        let mut current = String::new();
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            let len = current.chars().count();
            if len > 0 && len + 1 + word.chars().count() > max_chars {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

/// Device pixels a footer of `wrapped` lines takes at `scale` (0 without lines).
pub fn footer_height(wrapped: &[String], scale: f64) -> u32 {
    if wrapped.is_empty() {
        return 0;
    }
    let px = Px::new(scale);
    2 * px.u(FOOTER_PAD_PX) + wrapped.len() as u32 * px.u(FOOTER_LINE_PX)
}

/// Draws `spec` as an image to share: the chart (as [`draw`]) with `footer` (already wrapped by
/// [`wrap_footer`]) written below it, under a thin rule, in small grey text. The chart gets the
/// area's height minus [`footer_height`].
pub fn draw_with_footer<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    footer: &[String],
    scale: f64,
) -> Result<Option<Frame>, String> {
    let px = Px::new(scale);
    root.fill(&WHITE).map_err(err)?;
    let (width, height) = root.dim_in_pixel();
    let footer_h = footer_height(footer, scale).min(height / 2);
    let (chart_area, footer_area) = root.split_vertically(height - footer_h);
    let frame = draw_chart(&chart_area, spec, scale)?;
    if footer_h > 0 {
        let margin = px.i(MARGIN_PX);
        let w = i32::try_from(width).unwrap_or(0);
        footer_area
            .draw(&PathElement::new(
                vec![(margin, 0), (w - margin, 0)],
                ShapeStyle::from(GRID_BOLD).stroke_width(px.u(1)),
            ))
            .map_err(err)?;
        let style = (FONT, px.font(FOOTER_PX))
            .into_font()
            .color(&FOOTER_TEXT)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let line_h = px.i(FOOTER_LINE_PX);
        for (i, line) in footer.iter().enumerate() {
            let y = px.i(FOOTER_PAD_PX) + line_h * i as i32 + line_h / 2;
            footer_area
                .draw(&Text::new(line.as_str(), (margin, y), style.clone()))
                .map_err(err)?;
        }
    }
    root.present().map_err(err)?;
    Ok(frame)
}

/// Renders `spec` as a standalone SVG document of `width`×`height` pixels. Text is emitted as
/// `<text>` elements (no font files needed). Drawing into a string cannot fail; the SVG is
/// returned whatever happens.
pub fn render_svg(spec: &ChartSpec, width: u32, height: u32) -> String {
    render_svg_scaled(spec, width, height, 1.0)
}

/// [`render_svg`] at `scale` device pixels per CSS pixel (`width`×`height` are device pixels).
pub fn render_svg_scaled(spec: &ChartSpec, width: u32, height: u32, scale: f64) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        // The string backend reports no errors; a failed draw leaves a partial chart.
        let _ = draw(&root, spec, scale);
        let _ = root.present();
    }
    svg
}

/// The shared image of `spec` as SVG: a chart of `width`×`chart_height` device pixels with
/// `footer` wrapped below it (the image is taller by the footer).
pub fn render_export_svg(
    spec: &ChartSpec,
    footer: &[String],
    width: u32,
    chart_height: u32,
    scale: f64,
) -> String {
    let wrapped = wrap_footer(footer, width, scale);
    let height = chart_height + footer_height(&wrapped, scale);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = draw_with_footer(&root, spec, &wrapped, scale);
        let _ = root.present();
    }
    svg
}

/// The frame [`draw`] would return for `spec` on a `width`×`height` area at `scale`, without
/// keeping the drawing (for hit-testing natively).
pub fn frame_of(spec: &ChartSpec, width: u32, height: u32, scale: f64) -> Option<Frame> {
    let mut svg = String::new();
    let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
    draw(&root, spec, scale).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(12_000.0), "12k");
        assert_eq!(tick_label(1_500_000.0), "1.5M");
        assert_eq!(tick_label(250.0), "250");
        assert_eq!(tick_label(2.5), "2.5");
        assert_eq!(tick_label(0.004), "0.004");
        assert_eq!(tick_label(-0.25), "-0.25");
        assert_eq!(tick_label(30.0), "30");
    }

    #[test]
    fn gaps_split_runs() {
        let runs = finite_runs(&[(0.0, 1.0), (1.0, f64::NAN), (2.0, 3.0), (3.0, 4.0)]);
        assert_eq!(runs, vec![vec![(0.0, 1.0)], vec![(2.0, 3.0), (3.0, 4.0)]]);
    }

    #[test]
    fn y_range_from_zero_includes_zero_and_has_headroom() {
        let r = |lo, hi| {
            let y = y_range(lo, hi, YAxis::FromZero);
            (y.lo, y.hi)
        };
        assert_eq!(r(5.0, 10.0), (0.0, 10.5));
        assert_eq!(r(-10.0, -5.0), (-10.5, 0.0));
        assert_eq!(r(0.0, 0.0), (0.0, 1.0));
    }

    #[test]
    fn scale_is_clamped_and_lengths_stay_visible() {
        assert_eq!(Px::new(f64::NAN).u(10), 10);
        assert_eq!(Px::new(100.0).u(10), 80);
        assert_eq!(Px::new(0.01).u(1), 1);
        assert_eq!(Px::new(2.0).u(0), 0);
        assert_eq!(Px::new(1.5).u(3), 5);
    }
}
