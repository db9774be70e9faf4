//! The heat map of a two-knob sweep: x = the first knob, y = the second, each cell coloured by
//! a metric on the frontier chart's colour scale ([`scale_colour`]) with a legend giving the
//! value range. Cells not answered yet are hatched, the current design's cell is outlined and the
//! best cell (in the metric's direction) is marked with a ring.
//!
//! Described as data ([`HeatmapChart`], built from a sweep by [`heatmap_chart`]) and drawn on any
//! plotters backend by [`draw_heatmap`], which returns each cell's pixel rectangle (for clicks);
//! [`render_heatmap_svg`] renders it to an SVG string (snapshot tests).

use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Rectangle, Text};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::Color as _;

use super::frontier::{metric_label, scale_colour};
use super::Color;
use crate::app::format;
use crate::app::sweep::{goal, Sweep};
use crate::core::model::WindowedMetric;
use crate::core::tradeoff::Goal;

/// A heat map, in data units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HeatmapChart {
    /// Title above the map.
    pub title: String,
    /// The first knob's name (x axis).
    pub x_label: String,
    /// The second knob's name (y axis).
    pub y_label: String,
    /// The metric's description with its unit (legend).
    pub value_label: String,
    /// The first knob's values, as shown (columns, left to right).
    pub xs: Vec<String>,
    /// The second knob's values, as shown (rows, bottom to top).
    pub ys: Vec<String>,
    /// Each cell's value, the first knob varying fastest (NaN: not answered yet).
    pub values: Vec<f64>,
    /// The current design's cell, if any.
    pub current: Option<usize>,
    /// The best answered cell in the metric's direction, if any.
    pub best: Option<usize>,
}

impl HeatmapChart {
    /// The smallest and largest answered values (`None` before the first answer).
    pub fn range(&self) -> Option<(f64, f64)> {
        self.values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(None, |acc, v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            })
    }
}

/// The colour of a cell of value `value` on a map whose values run from `lo` to `hi` (the
/// middle of the scale when they are all equal).
pub fn cell_colour(value: f64, lo: f64, hi: f64) -> Color {
    let t = if hi > lo {
        (value - lo) / (hi - lo)
    } else {
        0.5
    };
    scale_colour(t)
}

/// The heat map of a two-knob `sweep` in `metric`; `current` is the current design's point.
/// `None` for a one-knob sweep.
pub fn heatmap_chart(
    sweep: &Sweep,
    metric: &WindowedMetric,
    current: Option<usize>,
) -> Option<HeatmapChart> {
    let knob2 = sweep.knob2?;
    let (s1, s2) = (sweep.knob.spec(), knob2.spec());
    let values = sweep.metric(metric);
    let better = |a: f64, b: f64| match goal(metric) {
        Goal::Max => a > b,
        Goal::Min => a < b,
    };
    let best =
        (0..values.len())
            .filter(|&i| values[i].is_finite())
            .fold(None, |acc: Option<usize>, i| match acc {
                Some(b) if !better(values[i], values[b]) => Some(b),
                _ => Some(i),
            });
    Some(HeatmapChart {
        title: format!("{} by {} and {}", metric.label(), s1.label, s2.label),
        x_label: s1.label.to_string(),
        y_label: s2.label.to_string(),
        value_label: metric_label(metric),
        xs: sweep.values.iter().map(|&v| format::number(v)).collect(),
        ys: sweep.values2.iter().map(|&v| format::number(v)).collect(),
        values,
        current,
        best,
    })
}

const FONT: &str = "sans-serif";
const TITLE_PX: u32 = 16;
const DESC_PX: u32 = 13;
const TICK_PX: u32 = 12;
const MIN_WIDTH: u32 = 200;
const MIN_HEIGHT: u32 = 160;
const LEFT: i32 = 90;
const TOP: i32 = 34;
const BOTTOM: i32 = 52;
const RIGHT: i32 = 120;
const TEXT: RGBColor = RGBColor(40, 40, 40);
const MISSING: RGBColor = RGBColor(240, 240, 240);
const HATCH: RGBColor = RGBColor(200, 200, 200);

fn rgb(c: Color) -> RGBColor {
    RGBColor(c.r, c.g, c.b)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("chart drawing failed: {e}")
}

/// A cell's index and pixel rectangle `(i, x0, y0, x1, y1)` (corners included, excluded).
pub type CellRect = (usize, i32, i32, i32, i32);

/// Draws `chart` on `root`; returns each cell's index and pixel rectangle.
pub fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &HeatmapChart,
) -> Result<Vec<CellRect>, String> {
    root.fill(&WHITE).map_err(err)?;
    let (width, height) = root.dim_in_pixel();
    let (nx, ny) = (chart.xs.len(), chart.ys.len());
    if width < MIN_WIDTH || height < MIN_HEIGHT || nx == 0 || ny == 0 {
        return Ok(Vec::new());
    }
    let text =
        |size: u32, h: HPos, v: VPos| (FONT, size).into_font().color(&TEXT).pos(Pos::new(h, v));
    root.draw(&Text::new(
        chart.title.clone(),
        (width as i32 / 2, 8),
        text(TITLE_PX, HPos::Center, VPos::Top),
    ))
    .map_err(err)?;
    let (px0, py0) = (LEFT, TOP);
    let (px1, py1) = (width as i32 - RIGHT, height as i32 - BOTTOM);
    let cw = f64::from(px1 - px0) / nx as f64;
    let ch = f64::from(py1 - py0) / ny as f64;
    let range = chart.range();
    let mut cells = Vec::with_capacity(nx * ny);
    for iy in 0..ny {
        for ix in 0..nx {
            let i = ix + iy * nx;
            let x0 = px0 + (ix as f64 * cw).round() as i32;
            let x1 = px0 + ((ix + 1) as f64 * cw).round() as i32;
            // Row 0 at the bottom.
            let y1 = py1 - (iy as f64 * ch).round() as i32;
            let y0 = py1 - ((iy + 1) as f64 * ch).round() as i32;
            let value = chart.values.get(i).copied().unwrap_or(f64::NAN);
            match range {
                Some((lo, hi)) if value.is_finite() => {
                    let c = rgb(cell_colour(value, lo, hi));
                    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
                        .map_err(err)?;
                }
                _ => {
                    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], MISSING.filled()))
                        .map_err(err)?;
                    // Hatching: diagonal strokes every 8 pixels, clipped to the cell.
                    let mut k = 0;
                    while k < (x1 - x0) + (y1 - y0) {
                        let a = (x0 + k.min(x1 - x0), y1 - (k - (x1 - x0)).max(0));
                        let b = (x0 + (k - (y1 - y0)).max(0), y1 - k.min(y1 - y0));
                        root.draw(&PathElement::new(vec![a, b], HATCH))
                            .map_err(err)?;
                        k += 8;
                    }
                }
            }
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], WHITE))
                .map_err(err)?;
            cells.push((i, x0, y0, x1, y1));
        }
    }
    // The best cell: a ring in its centre; the current design's cell: a thick outline.
    if let Some(&(_, x0, y0, x1, y1)) = chart.best.and_then(|b| cells.iter().find(|c| c.0 == b)) {
        let r = ((x1 - x0).min(y1 - y0) / 4).clamp(3, 10);
        let centre = ((x0 + x1) / 2, (y0 + y1) / 2);
        root.draw(&Circle::new(centre, r, WHITE.stroke_width(3)))
            .map_err(err)?;
        root.draw(&Circle::new(centre, r, BLACK.stroke_width(1)))
            .map_err(err)?;
    }
    if let Some(&(_, x0, y0, x1, y1)) = chart.current.and_then(|c| cells.iter().find(|k| k.0 == c))
    {
        // Nested one-pixel rectangles (a stroke width is not kept by every backend).
        for (k, colour) in [(1, BLACK), (2, BLACK), (3, BLACK), (4, WHITE)] {
            root.draw(&Rectangle::new(
                [(x0 + k, y0 + k), (x1 - k, y1 - k)],
                colour,
            ))
            .map_err(err)?;
        }
    }
    // Tick labels: at most about 12 per axis.
    let every = |n: usize| n.div_ceil(12).max(1);
    for (ix, label) in chart.xs.iter().enumerate().step_by(every(nx)) {
        let x = px0 + ((ix as f64 + 0.5) * cw).round() as i32;
        root.draw(&Text::new(
            label.clone(),
            (x, py1 + 5),
            text(TICK_PX, HPos::Center, VPos::Top),
        ))
        .map_err(err)?;
    }
    for (iy, label) in chart.ys.iter().enumerate().step_by(every(ny)) {
        let y = py1 - ((iy as f64 + 0.5) * ch).round() as i32;
        root.draw(&Text::new(
            label.clone(),
            (px0 - 6, y),
            text(TICK_PX, HPos::Right, VPos::Center),
        ))
        .map_err(err)?;
    }
    root.draw(&Text::new(
        chart.x_label.clone(),
        ((px0 + px1) / 2, height as i32 - 8),
        text(DESC_PX, HPos::Center, VPos::Bottom),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        chart.y_label.clone(),
        (10, py0 - 6),
        text(DESC_PX, HPos::Left, VPos::Bottom),
    ))
    .map_err(err)?;
    // The colour legend: a vertical bar, high values on top, with the range.
    let (lx0, lx1) = (px1 + 16, px1 + 32);
    let steps = 40;
    for k in 0..steps {
        let t = (f64::from(k) + 0.5) / f64::from(steps);
        let y1 = py1 - (f64::from(k) * f64::from(py1 - py0) / f64::from(steps)).round() as i32;
        let y0 = py1 - (f64::from(k + 1) * f64::from(py1 - py0) / f64::from(steps)).round() as i32;
        root.draw(&Rectangle::new(
            [(lx0, y0), (lx1, y1)],
            rgb(scale_colour(t)).filled(),
        ))
        .map_err(err)?;
    }
    let (lo, hi) = match range {
        Some((lo, hi)) => (format::number(lo), format::number(hi)),
        None => ("—".to_string(), "—".to_string()),
    };
    root.draw(&Text::new(
        hi,
        (lx1 + 4, py0),
        text(TICK_PX, HPos::Left, VPos::Top),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        lo,
        (lx1 + 4, py1),
        text(TICK_PX, HPos::Left, VPos::Bottom),
    ))
    .map_err(err)?;
    let legend = short(&chart.value_label, 18);
    root.draw(&Text::new(
        legend,
        (lx0 - 4, py0 - 6),
        text(TICK_PX, HPos::Left, VPos::Bottom),
    ))
    .map_err(err)?;
    Ok(cells)
}

fn short(text: &str, chars: usize) -> String {
    if text.chars().count() > chars {
        let mut s: String = text.chars().take(chars - 1).collect();
        s.push('…');
        s
    } else {
        text.to_string()
    }
}

/// Renders `chart` as a standalone SVG of `width`×`height` pixels (text as `<text>` elements).
pub fn render_heatmap_svg(chart: &HeatmapChart, width: u32, height: u32) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = draw_heatmap(&root, chart);
        let _ = root.present();
    }
    svg
}
