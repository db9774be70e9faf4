//! The tradeoff chart of the Tradeoffs tab: a sweep's points in two summary metrics, coloured by a
//! third with a colour legend, the Pareto frontier as a line, dominated points dimmed and the
//! current design ringed; or, "short vs long term", the first-week and the last-week frontiers
//! with an arrow from each point's first-week position to its last-week one.
//!
//! Described as data ([`FrontierChart`], built from a sweep by [`frontier_chart`]) and drawn on
//! any plotters backend by [`draw_frontier`], which returns where each point landed (for clicks);
//! [`render_frontier_svg`] renders it to an SVG string (snapshot tests).

use plotters::coord::Shift;
use plotters::element::{Circle, DashedPathElement, PathElement, Rectangle, Text};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Color;
use crate::app::sweep::{in_window, Sweep};
use crate::config::url::SweepView;
use crate::core::model::{Window, WindowedMetric};

/// One point of a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    /// The point's index in the sweep.
    pub index: usize,
    /// Its x value.
    pub x: f64,
    /// Its y value.
    pub y: f64,
    /// The colour metric's value.
    pub colour: f64,
    /// Whether another point dominates it (drawn dimmed).
    pub dominated: bool,
}

/// One set of points with its frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Legend label ("Whole run", "First week", "Last week").
    pub label: String,
    /// The answered points.
    pub points: Vec<FrontierPoint>,
    /// The frontier, in x order, in data units.
    pub frontier: Vec<(f64, f64)>,
    /// Whether the frontier line is dashed (the first week's, under the last week's).
    pub dashed: bool,
    /// Whether the points are clickable (their positions are returned by [`draw_frontier`]).
    pub primary: bool,
}

/// A whole tradeoff chart, in data units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontierChart {
    /// Title above the chart.
    pub title: String,
    /// X-axis description with its unit.
    pub x_label: String,
    /// Y-axis description with its unit.
    pub y_label: String,
    /// The colour metric's description with its unit.
    pub colour_label: String,
    /// The layers, drawn in order (the primary one last, on top).
    pub layers: Vec<Layer>,
    /// Arrows from each point's first-week to its last-week position.
    pub arrows: Vec<((f64, f64), (f64, f64))>,
    /// The current design's position, if it is a point of the sweep.
    pub current: Option<(f64, f64)>,
}

const FONT: &str = "sans-serif";
const TITLE_PX: u32 = 16;
const AXIS_DESC_PX: u32 = 13;
const TICK_PX: u32 = 12;
const LEGEND_PX: u32 = 12;
const LEGEND_STRIP_PX: u32 = 44;
const POINT_PX: i32 = 5;
const MIN_WIDTH: u32 = 160;
const MIN_HEIGHT: u32 = 140;
/// How much lighter dominated points are (toward white).
pub const DIMMED: f64 = 0.65;
const TEXT: RGBColor = RGBColor(40, 40, 40);
const AXIS: RGBColor = RGBColor(110, 110, 110);
const FRONTIER: RGBColor = RGBColor(20, 20, 20);
const ARROW: RGBColor = RGBColor(150, 150, 150);

/// The colour scale's stops (viridis, dark blue for low values to yellow for high).
const STOPS: [Color; 5] = [
    Color::rgb(68, 1, 84),
    Color::rgb(59, 82, 139),
    Color::rgb(33, 145, 140),
    Color::rgb(94, 201, 98),
    Color::rgb(253, 231, 37),
];

/// The colour of `t` in `[0, 1]` on the scale (clamped; NaN gives the middle).
pub fn scale_colour(t: f64) -> Color {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    Color::rgb(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b))
}

fn rgb(c: Color) -> RGBColor {
    RGBColor(c.r, c.g, c.b)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("chart drawing failed: {e}")
}

/// A metric's axis description: "Revenue per day, whole run (currency/day)".
pub fn metric_label(metric: &WindowedMetric) -> String {
    let window = match metric.window {
        Window::FirstWeek => "first week",
        Window::LastWeek => "last week",
        Window::WholeRun => "whole run",
    };
    if metric.unit().is_empty() {
        format!("{}, {window}", metric.label())
    } else {
        format!("{}, {window} ({})", metric.label(), metric.unit())
    }
}

fn layer(sweep: &Sweep, x: &WindowedMetric, y: &WindowedMetric, colour: &WindowedMetric) -> Layer {
    let xs = sweep.metric(x);
    let ys = sweep.metric(y);
    let cs = sweep.metric(colour);
    let frontier = sweep.frontier(x, y);
    let points = (0..sweep.len())
        .filter(|&i| xs[i].is_finite() && ys[i].is_finite())
        .map(|i| FrontierPoint {
            index: i,
            x: xs[i],
            y: ys[i],
            colour: cs[i],
            dominated: !frontier.contains(&i),
        })
        .collect();
    Layer {
        label: String::new(),
        points,
        frontier: frontier.iter().map(|&i| (xs[i], ys[i])).collect(),
        dashed: false,
        primary: true,
    }
}

/// The chart of `sweep`'s answered points with the settings of `view`; `current` is the index
/// of the point that is the current design, if any. With `view.weeks`, the x and y metrics are
/// read over the first and the last week.
pub fn frontier_chart(sweep: &Sweep, view: &SweepView, current: Option<usize>) -> FrontierChart {
    let spec = sweep.knob.spec();
    let title = format!("Tradeoff: sweeping {}", spec.label.to_lowercase());
    if view.weeks {
        let (x1, y1) = (
            in_window(&view.x, Window::FirstWeek),
            in_window(&view.y, Window::FirstWeek),
        );
        let (x2, y2) = (
            in_window(&view.x, Window::LastWeek),
            in_window(&view.y, Window::LastWeek),
        );
        let first = Layer {
            label: "First week".into(),
            dashed: true,
            primary: false,
            ..layer(sweep, &x1, &y1, &view.colour)
        };
        let last = Layer {
            label: "Last week".into(),
            ..layer(sweep, &x2, &y2, &view.colour)
        };
        let arrows = first
            .points
            .iter()
            .filter_map(|a| {
                let b = last.points.iter().find(|b| b.index == a.index)?;
                Some(((a.x, a.y), (b.x, b.y)))
            })
            .collect();
        let current = current.and_then(|i| last.points.iter().find(|p| p.index == i));
        let row = |m: &WindowedMetric| {
            let label = metric_label(m);
            label.replacen(", last week", ", first → last week", 1)
        };
        FrontierChart {
            title,
            x_label: row(&x2),
            y_label: row(&y2),
            colour_label: metric_label(&view.colour),
            current: current.map(|p| (p.x, p.y)),
            layers: vec![first, last],
            arrows,
        }
    } else {
        let main = Layer {
            label: "Frontier".into(),
            ..layer(sweep, &view.x, &view.y, &view.colour)
        };
        let current = current.and_then(|i| main.points.iter().find(|p| p.index == i));
        FrontierChart {
            title,
            x_label: metric_label(&view.x),
            y_label: metric_label(&view.y),
            colour_label: metric_label(&view.colour),
            current: current.map(|p| (p.x, p.y)),
            layers: vec![main],
            arrows: Vec::new(),
        }
    }
}

/// Data range with 6% padding on both sides (a unit around a single value).
fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if hi > lo {
        let pad = 0.06 * (hi - lo);
        (lo - pad, hi + pad)
    } else {
        let pad = if lo == 0.0 { 1.0 } else { 0.05 * lo.abs() };
        (lo - pad, hi + pad)
    }
}

/// Draws `chart` on `root`. Returns the pixel position (relative to `root`) of every point of
/// the primary layer, as `(sweep index, x, y)`. With no point yet it draws a frame saying
/// "waiting for the first points…". Errors come only from the backend.
pub fn draw_frontier<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &FrontierChart,
) -> Result<Vec<(usize, i32, i32)>, String> {
    root.fill(&WHITE).map_err(err)?;
    let (width, height) = root.dim_in_pixel();
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return Ok(Vec::new());
    }
    let all = chart.layers.iter().flat_map(|l| l.points.iter());
    let bounds = all
        .clone()
        .fold(None, |acc: Option<(f64, f64, f64, f64)>, p| {
            Some(match acc {
                None => (p.x, p.x, p.y, p.y),
                Some((x0, x1, y0, y1)) => (x0.min(p.x), x1.max(p.x), y0.min(p.y), y1.max(p.y)),
            })
        });
    let colours: Vec<f64> = all.map(|p| p.colour).filter(|c| c.is_finite()).collect();
    let c_lo = colours.iter().copied().fold(f64::INFINITY, f64::min);
    let c_hi = colours.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let to_t = |c: f64| {
        if c_hi > c_lo {
            (c - c_lo) / (c_hi - c_lo)
        } else {
            0.5
        }
    };

    let (plot_area, legend_area) = root.split_vertically(height - LEGEND_STRIP_PX);
    let ((x0, x1), (y0, y1)) = match bounds {
        Some((x0, x1, y0, y1)) => (padded(x0, x1), padded(y0, y1)),
        None => ((0.0, 1.0), (0.0, 1.0)),
    };
    let mut cc = ChartBuilder::on(&plot_area)
        .caption(&chart.title, (FONT, TITLE_PX).into_font().color(&TEXT))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    let fmt = |v: &f64| tick(*v);
    cc.configure_mesh()
        .light_line_style(RGBColor(242, 242, 242))
        .bold_line_style(RGBColor(222, 222, 222))
        .axis_style(AXIS)
        .x_labels(7)
        .y_labels(6)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .label_style((FONT, TICK_PX).into_font().color(&TEXT))
        .axis_desc_style((FONT, AXIS_DESC_PX).into_font().color(&TEXT))
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .draw()
        .map_err(err)?;
    if bounds.is_none() {
        let style = (FONT, AXIS_DESC_PX)
            .into_font()
            .color(&AXIS)
            .pos(Pos::new(HPos::Center, VPos::Center));
        cc.plotting_area()
            .draw(&Text::new(
                "waiting for the first points…",
                (0.5, 0.5),
                style,
            ))
            .map_err(err)?;
        root.present().map_err(err)?;
        return Ok(Vec::new());
    }

    // Arrows underneath: a line and a small head at the last-week end.
    for &(a, b) in &chart.arrows {
        let style = ShapeStyle::from(ARROW).stroke_width(1);
        cc.draw_series(std::iter::once(PathElement::new(vec![a, b], style)))
            .map_err(err)?;
        let (pa, pb) = (cc.backend_coord(&a), cc.backend_coord(&b));
        let (dx, dy) = (f64::from(pb.0 - pa.0), f64::from(pb.1 - pa.1));
        let len = (dx * dx + dy * dy).sqrt();
        if len > 20.0 {
            // The head's tip stops at the last-week point's edge, so the point does not hide it.
            let (ux, uy) = (dx / len, dy / len);
            let back = f64::from(POINT_PX + 2);
            let tip = (
                pb.0 - (back * ux).round() as i32,
                pb.1 - (back * uy).round() as i32,
            );
            let head = |s: f64| {
                (
                    tip.0 - (8.0 * ux - s * 4.0 * uy).round() as i32,
                    tip.1 - (8.0 * uy + s * 4.0 * ux).round() as i32,
                )
            };
            let bold = ShapeStyle::from(ARROW).stroke_width(2);
            plot_pixels(&cc, vec![head(1.0), tip, head(-1.0)], bold)?;
        }
    }
    // Frontier lines, then points, layer by layer (the primary layer last).
    let mut positions = Vec::new();
    let mut order: Vec<&Layer> = chart.layers.iter().filter(|l| !l.primary).collect();
    order.extend(chart.layers.iter().filter(|l| l.primary));
    for layer in order {
        let style = ShapeStyle::from(FRONTIER).stroke_width(2);
        if layer.frontier.len() > 1 {
            if layer.dashed {
                cc.draw_series(DashedLineSeries::new(
                    layer.frontier.iter().copied(),
                    6,
                    4,
                    style,
                ))
                .map_err(err)?;
            } else {
                cc.draw_series(LineSeries::new(layer.frontier.iter().copied(), style))
                    .map_err(err)?;
            }
        }
        // Dominated points first, so a frontier point is never hidden under a duplicate of it.
        let points = layer
            .points
            .iter()
            .filter(|p| p.dominated)
            .chain(layer.points.iter().filter(|p| !p.dominated));
        for p in points {
            let mut colour = scale_colour(to_t(p.colour));
            if p.dominated || !layer.primary {
                colour = colour.lighten(DIMMED);
            }
            let radius = if layer.primary {
                POINT_PX
            } else {
                POINT_PX - 1
            };
            cc.draw_series(std::iter::once(Circle::new(
                (p.x, p.y),
                radius,
                ShapeStyle::from(rgb(colour)).filled(),
            )))
            .map_err(err)?;
            if !p.dominated && layer.primary {
                cc.draw_series(std::iter::once(Circle::new(
                    (p.x, p.y),
                    radius,
                    ShapeStyle::from(FRONTIER).stroke_width(1),
                )))
                .map_err(err)?;
            }
            if layer.primary {
                let (px, py) = cc.backend_coord(&(p.x, p.y));
                positions.push((p.index, px, py));
            }
        }
    }
    if let Some(c) = chart.current {
        let ring = ShapeStyle::from(RGBColor(213, 94, 0)).stroke_width(3);
        cc.draw_series(std::iter::once(Circle::new(c, POINT_PX + 5, ring)))
            .map_err(err)?;
    }
    draw_legend(&legend_area, chart, c_lo, c_hi)?;
    root.present().map_err(err)?;
    Ok(positions)
}

/// Draws a polyline given in pixels of the chart's plotting area's parent.
fn plot_pixels<DB: DrawingBackend>(
    cc: &ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    points: Vec<(i32, i32)>,
    style: ShapeStyle,
) -> Result<(), String> {
    let area = cc.plotting_area();
    let (ox, oy) = area.get_base_pixel();
    let local: Vec<(i32, i32)> = points.into_iter().map(|(x, y)| (x - ox, y - oy)).collect();
    area.strip_coord_spec()
        .draw(&PathElement::new(local, style))
        .map_err(err)
}

/// The strip below the plot: the colour scale with its range, and the line styles.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &FrontierChart,
    lo: f64,
    hi: f64,
) -> Result<(), String> {
    let (width, _) = area.dim_in_pixel();
    let font = (FONT, LEGEND_PX)
        .into_font()
        .color(&TEXT)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let left = 16;
    let bar_w = 120.min(width as i32 / 4);
    let y = 12;
    area.draw(&Text::new(
        format!("Colour: {}", chart.colour_label),
        (left, y),
        font.clone(),
    ))
    .map_err(err)?;
    let y2 = 32;
    area.draw(&Text::new(tick(lo), (left, y2), font.clone()))
        .map_err(err)?;
    let bar_x = left + 48;
    for k in 0..bar_w {
        let c = scale_colour(f64::from(k) / f64::from(bar_w - 1).max(1.0));
        area.draw(&Rectangle::new(
            [(bar_x + k, y2 - 5), (bar_x + k + 1, y2 + 5)],
            ShapeStyle::from(rgb(c)).filled(),
        ))
        .map_err(err)?;
    }
    area.draw(&Text::new(tick(hi), (bar_x + bar_w + 6, y2), font.clone()))
        .map_err(err)?;
    // Line styles: the frontier (and, for two layers, which is which), dimmed = dominated.
    let mut x = bar_x + bar_w + 70;
    let style = ShapeStyle::from(FRONTIER).stroke_width(2);
    for l in chart.layers.iter().filter(|l| !l.label.is_empty()) {
        if x + 120 > width as i32 {
            break;
        }
        let swatch = vec![(x, y2), (x + 22, y2)];
        if l.dashed {
            area.draw(&DashedPathElement::new(swatch, 6, 4, style))
                .map_err(err)?;
        } else {
            area.draw(&PathElement::new(swatch, style)).map_err(err)?;
        }
        area.draw(&Text::new(l.label.as_str(), (x + 28, y2), font.clone()))
            .map_err(err)?;
        x += 110;
    }
    if x + 190 <= width as i32 {
        area.draw(&Circle::new(
            (x + 6, y2),
            POINT_PX,
            ShapeStyle::from(rgb(Color::rgb(59, 82, 139).lighten(DIMMED))).filled(),
        ))
        .map_err(err)?;
        let label = if chart.layers.len() > 1 {
            "first week or dominated"
        } else {
            "dominated"
        };
        area.draw(&Text::new(label, (x + 16, y2), font.clone()))
            .map_err(err)?;
        x += if chart.layers.len() > 1 { 170 } else { 100 };
    }
    if chart.current.is_some() && x + 110 <= width as i32 {
        area.draw(&Circle::new(
            (x + 8, y2),
            POINT_PX + 3,
            ShapeStyle::from(RGBColor(213, 94, 0)).stroke_width(3),
        ))
        .map_err(err)?;
        area.draw(&Text::new("current design", (x + 22, y2), font))
            .map_err(err)?;
    }
    Ok(())
}

/// A short number: `12k`, `0.25`, `5 586` → `5586`.
fn tick(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        return "—".into();
    }
    if a >= 1e4 {
        return format!("{:.1}k", v / 1e3);
    }
    let decimals = if a == 0.0 {
        0
    } else {
        (2 - a.log10().floor() as i32).clamp(0, 6) as usize
    };
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Renders `chart` as a standalone SVG of `width`×`height` pixels (text as `<text>` elements).
pub fn render_frontier_svg(chart: &FrontierChart, width: u32, height: u32) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = draw_frontier(&root, chart);
        let _ = root.present();
    }
    svg
}
