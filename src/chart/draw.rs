//! Drawing a [`ChartSpec`] on any plotters backend.

use plotters::coord::Shift;
use plotters::element::{DashedPathElement, PathElement, Text};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartSpec, Color};

/// Font family for all text (the browser and SVG viewers pick their sans-serif).
const FONT: &str = "sans-serif";
/// Font sizes in pixels, chosen for ~560×300 px canvases.
const TITLE_PX: u32 = 16;
const AXIS_DESC_PX: u32 = 13;
const TICK_PX: u32 = 12;
const LEGEND_PX: u32 = 12;
/// Below this size (pixels) nothing but the background is drawn: no room for a legible chart.
const MIN_WIDTH: u32 = 120;
const MIN_HEIGHT: u32 = 90;
/// Line widths (pixels) and dash pattern (dash, gap in pixels).
const LINE_PX: u32 = 2;
const DASH_PX: u32 = 6;
const GAP_PX: u32 = 4;
/// |values| above this are treated like NaN: plotters cannot lay out ticks over such ranges.
const MAX_ABS: f64 = 1e100;

const GRID_LIGHT: RGBColor = RGBColor(242, 242, 242);
const GRID_BOLD: RGBColor = RGBColor(222, 222, 222);
const AXIS: RGBColor = RGBColor(110, 110, 110);
const TEXT: RGBColor = RGBColor(40, 40, 40);

fn rgb(c: Color) -> RGBColor {
    RGBColor(c.r, c.g, c.b)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("chart drawing failed: {e}")
}

/// Draws `spec` on `root`: title, axes with their labels (and units), light gridlines, the
/// series and a legend in a strip below the plot (so it never hides data). Non-finite points
/// leave gaps; with no finite point at all it draws an empty frame saying "no data". Canvases
/// smaller than 120×90 px are only cleared. Errors come only from the backend.
///
/// The legend lists every series; when that needs more than one row, the dashed baseline
/// overlays (labels ending in [`super::BASELINE_SUFFIX`]) share one entry, "Baseline (dashed)".
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(err)?;
    let (width, height) = root.dim_in_pixel();
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return Ok(());
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
        return draw_empty(root, spec);
    };
    let (x0, x1) = if x1 > x0 {
        (x0, x1)
    } else {
        (x0 - 1.0, x1 + 1.0)
    };
    let (y0, y1) = y_range(y0, y1);

    let legend = Legend::layout(root, spec, width, height / 3);
    let (plot_area, legend_area) = root.split_vertically(height - legend.height());

    let mut chart = ChartBuilder::on(&plot_area)
        .caption(&spec.title, (FONT, TITLE_PX).into_font().color(&TEXT))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(62)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    let x_fmt = |x: &f64| tick_label(*x);
    let y_fmt = |y: &f64| tick_label(*y);
    chart
        .configure_mesh()
        .light_line_style(GRID_LIGHT)
        .bold_line_style(GRID_BOLD)
        .axis_style(AXIS)
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FONT, TICK_PX).into_font().color(&TEXT))
        .axis_desc_style((FONT, AXIS_DESC_PX).into_font().color(&TEXT))
        .x_desc(spec.x_label.as_str())
        .y_desc(spec.y_label.as_str())
        .draw()
        .map_err(err)?;

    // Dashed overlays first, so the current run's solid lines stay on top.
    let pairs = spec.series.iter().zip(&runs);
    let ordered = pairs
        .clone()
        .filter(|(s, _)| s.dashed)
        .chain(pairs.filter(|(s, _)| !s.dashed));
    for (series, runs) in ordered {
        let style = ShapeStyle::from(rgb(series.color)).stroke_width(LINE_PX);
        for run in runs {
            if run.len() == 1 {
                // A lone point between gaps: a dot, or it would not show.
                chart
                    .draw_series(std::iter::once(Circle::new(run[0], 2, style.filled())))
                    .map_err(err)?;
            } else if series.dashed {
                chart
                    .draw_series(DashedLineSeries::new(
                        run.iter().copied(),
                        DASH_PX,
                        GAP_PX,
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
    legend.draw(&legend_area)?;
    root.present().map_err(err)
}

/// Height of one legend row (pixels).
const LEGEND_ROW_PX: u32 = 18;
/// Length of a legend swatch, the space after it and between entries (pixels).
const SWATCH_PX: i32 = 24;
const SWATCH_GAP_PX: i32 = 6;
const ENTRY_GAP_PX: i32 = 18;
/// Colour of the shared baseline entry.
const BASELINE_GREY: RGBColor = RGBColor(150, 150, 150);

/// One legend entry.
struct Entry {
    label: String,
    color: RGBColor,
    dashed: bool,
    /// Estimated width in pixels, swatch included.
    width: i32,
}

/// The legend laid out in centred rows below the plot.
struct Legend {
    rows: Vec<Vec<Entry>>,
}

impl Legend {
    /// Lays out the entries in rows of at most `width` pixels; gives up (no legend) beyond
    /// `max_height` pixels.
    fn layout<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        spec: &ChartSpec,
        width: u32,
        max_height: u32,
    ) -> Legend {
        let font = TextStyle::from((FONT, LEGEND_PX).into_font());
        let entry = |label: &str, color: RGBColor, dashed: bool| {
            // The naive width estimate is a fallback only: backends measure text themselves.
            let text_width = root
                .estimate_text_size(label, &font)
                .map(|(w, _)| w)
                .unwrap_or(LEGEND_PX * label.len() as u32 * 6 / 10);
            Entry {
                label: label.to_string(),
                color,
                dashed,
                width: SWATCH_PX
                    + SWATCH_GAP_PX
                    + i32::try_from(text_width).unwrap_or(i32::MAX / 4),
            }
        };
        let all: Vec<Entry> = spec
            .series
            .iter()
            .map(|s| entry(&s.label, rgb(s.color), s.dashed))
            .collect();
        let available = i32::try_from(width).unwrap_or(i32::MAX) - 20;
        let mut rows = flow(all, available);
        if rows.len() > 1 {
            // Too long: one shared entry for the baseline overlays.
            let is_baseline =
                |s: &super::Series| s.dashed && s.label.ends_with(super::BASELINE_SUFFIX);
            let mut short: Vec<Entry> = spec
                .series
                .iter()
                .filter(|s| !is_baseline(s))
                .map(|s| entry(&s.label, rgb(s.color), s.dashed))
                .collect();
            if spec.series.iter().any(is_baseline) {
                short.push(entry("Baseline (dashed)", BASELINE_GREY, true));
            }
            rows = flow(short, available);
        }
        let legend = Legend { rows };
        if legend.height() > max_height {
            return Legend { rows: Vec::new() };
        }
        legend
    }

    /// Pixels the legend needs below the plot (0 without entries).
    fn height(&self) -> u32 {
        if self.rows.is_empty() {
            0
        } else {
            self.rows.len() as u32 * LEGEND_ROW_PX + 6
        }
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (width, _) = area.dim_in_pixel();
        let font = (FONT, LEGEND_PX)
            .into_font()
            .color(&TEXT)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (r, row) in self.rows.iter().enumerate() {
            let row_width: i32 =
                row.iter().map(|e| e.width).sum::<i32>() + ENTRY_GAP_PX * (row.len() as i32 - 1);
            let mut x = (i32::try_from(width).unwrap_or(0) - row_width).max(0) / 2;
            let y = (r as i32) * LEGEND_ROW_PX as i32 + LEGEND_ROW_PX as i32 / 2;
            for e in row {
                let style = ShapeStyle::from(e.color).stroke_width(LINE_PX);
                let swatch = vec![(x, y), (x + SWATCH_PX, y)];
                if e.dashed {
                    area.draw(&DashedPathElement::new(swatch, DASH_PX, GAP_PX, style))
                        .map_err(err)?;
                } else {
                    area.draw(&PathElement::new(swatch, style)).map_err(err)?;
                }
                area.draw(&Text::new(
                    e.label.as_str(),
                    (x + SWATCH_PX + SWATCH_GAP_PX, y),
                    font.clone(),
                ))
                .map_err(err)?;
                x += e.width + ENTRY_GAP_PX;
            }
        }
        Ok(())
    }
}

/// Greedy rows of entries no wider than `available` pixels (an over-wide entry gets a row).
fn flow(entries: Vec<Entry>, available: i32) -> Vec<Vec<Entry>> {
    let mut rows: Vec<Vec<Entry>> = Vec::new();
    let mut used = 0;
    for e in entries {
        match rows.last_mut() {
            Some(row) if used + ENTRY_GAP_PX + e.width <= available => {
                used += ENTRY_GAP_PX + e.width;
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
) -> Result<(), String> {
    let mut chart = ChartBuilder::on(root)
        .caption(&spec.title, (FONT, TITLE_PX).into_font().color(&TEXT))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(62)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(AXIS)
        .x_labels(0)
        .y_labels(0)
        .axis_desc_style((FONT, AXIS_DESC_PX).into_font().color(&TEXT))
        .x_desc(spec.x_label.as_str())
        .y_desc(spec.y_label.as_str())
        .draw()
        .map_err(err)?;
    let style = (FONT, AXIS_DESC_PX)
        .into_font()
        .color(&AXIS)
        .pos(Pos::new(HPos::Center, VPos::Center));
    chart
        .plotting_area()
        .draw(&Text::new("no data", (0.5, 0.5), style))
        .map_err(err)?;
    root.present().map_err(err)
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

/// The y range: always includes 0 (levels are compared honestly), with 5% headroom.
fn y_range(lo: f64, hi: f64) -> (f64, f64) {
    let lo = lo.min(0.0);
    let hi = hi.max(0.0);
    let span = hi - lo;
    if span > 0.0 {
        let pad = 0.05 * span;
        (
            if lo < 0.0 { lo - pad } else { lo },
            if hi > 0.0 { hi + pad } else { hi },
        )
    } else {
        (0.0, 1.0)
    }
}

/// A short tick label: `12k`, `1.5M`, `0.004`, `250`.
fn tick_label(v: f64) -> String {
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

/// Renders `spec` as a standalone SVG document of `width`×`height` pixels. Text is emitted as
/// `<text>` elements (no font files needed). Drawing into a string cannot fail; the SVG is
/// returned whatever happens.
pub fn render_svg(spec: &ChartSpec, width: u32, height: u32) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        // The string backend reports no errors; a failed draw leaves a partial chart.
        let _ = draw(&root, spec);
        let _ = root.present();
    }
    svg
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
    fn y_range_includes_zero_and_has_headroom() {
        assert_eq!(y_range(5.0, 10.0), (0.0, 10.5));
        assert_eq!(y_range(-10.0, -5.0), (-10.5, 0.0));
        assert_eq!(y_range(0.0, 0.0), (0.0, 1.0));
    }
}
