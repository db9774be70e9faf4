//! The Experiments views' charts, built from a `sandbox experiment` report
//! ([`crate::config::spec::experiment`]):
//!
//! - [`draw_daily_effect`]: a metric's relative lift per day with its 95% interval as a band,
//!   a zero line, and the post-period (everyone back on control) shaded — novelty and learning
//!   made visible;
//! - [`draw_estimate_vs_truth`]: per design × metric, the estimate with its interval's whisker
//!   next to the truth's bar over the test days and a marker at the long-term truth;
//! - [`draw_learning_curve`]: the post-period's daily relative difference between the former
//!   arms with the fitted exponential decay and its half-life.
//!
//! Each chart is plain data built from the report's JSON by a `…_from_report` function and drawn
//! on any plotters backend; relative lifts are fractions in the data and percentages on the
//! axes. A chart with nothing to draw shows its `message` (the report's reason when it gives
//! one) instead of an empty frame. Each draw function returns the data ranges of its axes
//! ([`Ranges`]), `None` when it drew the message.

use plotters::coord::Shift;
use plotters::element::{Circle, DashedPathElement, PathElement, Polygon, Rectangle, Text};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;
use serde_json::Value;

use super::PALETTE;

const FONT: &str = "sans-serif";
const TITLE_PX: u32 = 16;
const AXIS_DESC_PX: u32 = 13;
const TICK_PX: u32 = 12;
const NOTE_PX: u32 = 12;
const MIN_WIDTH: u32 = 160;
const MIN_HEIGHT: u32 = 140;
const TEXT: RGBColor = RGBColor(40, 40, 40);
const AXIS: RGBColor = RGBColor(110, 110, 110);
const POST_SHADE: RGBColor = RGBColor(120, 120, 120);

fn palette(i: usize) -> RGBColor {
    let c = PALETTE[i % PALETTE.len()];
    RGBColor(c.r, c.g, c.b)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The data ranges a chart's axes span (lifts in percent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranges {
    /// The x-axis: days, or the rows' positions `[−0.5, rows − 0.5]`.
    pub x: [f64; 2],
    /// The y-axis, in percent.
    pub y: [f64; 2],
}

impl Ranges {
    /// Whether `(x, y)` (y in percent) lies within the ranges.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        self.x[0] <= x && x <= self.x[1] && self.y[0] <= y && y <= self.y[1]
    }
}

fn pair(v: &Value) -> Option<[f64; 2]> {
    Some([v.get(0)?.as_f64()?, v.get(1)?.as_f64()?])
}

fn reason(v: &Value) -> Option<String> {
    v.get("reason").and_then(Value::as_str).map(String::from)
}

/// A y-range in percent spanning `values` (percent) and zero, padded by 8% of its span.
fn y_span(values: impl Iterator<Item = f64>) -> [f64; 2] {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.08).max(0.5);
    [lo - pad, hi + pad]
}

fn percent_tick(v: &f64) -> String {
    let a = v.abs();
    if a >= 10.0 || a == 0.0 {
        format!("{v:.0}%")
    } else {
        format!("{v:.1}%")
    }
}

/// Draws `message` centred on `root` (under `title`).
fn draw_message<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let title_style = (FONT, TITLE_PX)
        .into_font()
        .color(&TEXT)
        .pos(Pos::new(HPos::Center, VPos::Top));
    root.draw(&Text::new(title.to_string(), (w / 2, 10), title_style))
        .map_err(err)?;
    let style = (FONT, AXIS_DESC_PX)
        .into_font()
        .color(&AXIS)
        .pos(Pos::new(HPos::Center, VPos::Center));
    // Long reasons are wrapped on word boundaries to the width.
    let per_line = ((w - 40).max(60) / 7) as usize;
    let mut lines: Vec<String> = Vec::new();
    for word in message.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= per_line => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    let top = h / 2 - 9 * lines.len() as i32;
    for (i, line) in lines.into_iter().enumerate() {
        root.draw(&Text::new(
            line,
            (w / 2, top + 18 * i as i32),
            style.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// Starts a drawing: white background; `false` when the area is too small to draw on.
fn begin<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> Result<bool, String> {
    root.fill(&WHITE).map_err(err)?;
    let (w, h) = root.dim_in_pixel();
    Ok(w >= MIN_WIDTH && h >= MIN_HEIGHT)
}

/// One day of the daily effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyPoint {
    /// Day, from the first test day (1).
    pub day: f64,
    /// Whether the day is after the test (everyone on control).
    pub post: bool,
    /// The relative lift (a fraction); NaN when the day has none.
    pub relative: f64,
    /// Its 95% interval, when the day has one.
    pub ci: Option<[f64; 2]>,
}

/// The daily effect of one metric.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DailyEffect {
    /// Title.
    pub title: String,
    /// The days, in order.
    pub points: Vec<DailyPoint>,
    /// What to show instead when there is nothing to draw.
    pub message: Option<String>,
}

/// The daily effect of `metric` in `report` (its `daily` section).
pub fn daily_effect_from_report(report: &Value, metric: &str) -> DailyEffect {
    let title = format!("Daily effect on {metric}");
    let d = &report["metrics"][metric]["daily"];
    let empty = |message: String| DailyEffect {
        title: title.clone(),
        points: Vec::new(),
        message: Some(message),
    };
    if report["metrics"][metric].is_null() {
        return empty(format!("no metric `{metric}` in the report"));
    }
    if let Some(r) = reason(d) {
        return empty(format!("no daily effect: {r}"));
    }
    let Some(days) = d["day"].as_array() else {
        return empty("no daily effect in the report".into());
    };
    let points: Vec<DailyPoint> = days
        .iter()
        .enumerate()
        .filter_map(|(i, day)| {
            Some(DailyPoint {
                day: day.as_f64()?,
                post: d["period"][i].as_str() == Some("post"),
                relative: d["relative"][i].as_f64().unwrap_or(f64::NAN),
                ci: pair(&d["relative_ci"][i]),
            })
        })
        .collect();
    let message = (!points.iter().any(|p| p.relative.is_finite()))
        .then(|| "no day has an estimate".to_string());
    DailyEffect {
        title,
        points,
        message,
    }
}

/// Draws the daily effect: the interval as a band (per period), the lift as a line with dots, a
/// zero line, the post-period shaded and labelled.
pub fn draw_daily_effect<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &DailyEffect,
) -> Result<Option<Ranges>, String> {
    if !begin(root)? {
        return Ok(None);
    }
    if let Some(message) = &chart.message {
        draw_message(root, &chart.title, message)?;
        root.present().map_err(err)?;
        return Ok(None);
    }
    let pts = &chart.points;
    let x0 = pts.iter().map(|p| p.day).fold(f64::INFINITY, f64::min) - 0.5;
    let x1 = pts.iter().map(|p| p.day).fold(f64::NEG_INFINITY, f64::max) + 0.5;
    let y = y_span(pts.iter().flat_map(|p| {
        let [lo, hi] = p.ci.unwrap_or([p.relative; 2]);
        [100.0 * p.relative, 100.0 * lo, 100.0 * hi]
    }));
    let mut cc = ChartBuilder::on(root)
        .caption(&chart.title, (FONT, TITLE_PX).into_font().color(&TEXT))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(58)
        .build_cartesian_2d(x0..x1, y[0]..y[1])
        .map_err(err)?;
    cc.configure_mesh()
        .light_line_style(RGBColor(242, 242, 242))
        .bold_line_style(RGBColor(222, 222, 222))
        .axis_style(AXIS)
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&day_tick)
        .y_label_formatter(&percent_tick)
        .label_style((FONT, TICK_PX).into_font().color(&TEXT))
        .axis_desc_style((FONT, AXIS_DESC_PX).into_font().color(&TEXT))
        .x_desc("Day of the test")
        .y_desc("Treatment vs control (%)")
        .draw()
        .map_err(err)?;
    // The post-period, shaded.
    if let Some(first) = pts.iter().find(|p| p.post) {
        let from = first.day - 0.5;
        cc.draw_series(std::iter::once(Rectangle::new(
            [(from, y[0]), (x1, y[1])],
            POST_SHADE.mix(0.12).filled(),
        )))
        .map_err(err)?;
        // The label starts at the shade's left edge when it fits before the plot's right
        // edge; else it ends at the right edge (over the last test days: a short post-period
        // on a narrow chart), so it is never cut.
        let text = "after the test";
        let text_px = (text.chars().count() as f64 * LEGEND_CHAR_PX).ceil() as i32;
        let (left, top) = cc.backend_coord(&(from, y[1]));
        let (right, _) = cc.backend_coord(&(x1, y[1]));
        let (at, h_pos) = if left + 3 + text_px <= right - 2 {
            (left + 3, HPos::Left)
        } else {
            (right - 3, HPos::Right)
        };
        let label = (FONT, NOTE_PX)
            .into_font()
            .color(&AXIS)
            .pos(Pos::new(h_pos, VPos::Top));
        root.draw(&Text::new(text, (at, top + 2), label))
            .map_err(err)?;
    }
    // Zero: no difference.
    cc.draw_series(std::iter::once(DashedPathElement::new(
        vec![(x0, 0.0), (x1, 0.0)],
        5,
        4,
        ShapeStyle::from(AXIS).stroke_width(1),
    )))
    .map_err(err)?;
    let colour = palette(0);
    // The band: one polygon per run of consecutive days of one period with an interval.
    let mut runs: Vec<Vec<(f64, [f64; 2])>> = Vec::new();
    let mut last: Option<(f64, bool)> = None;
    for p in pts {
        match p.ci {
            Some([lo, hi]) if lo.is_finite() && hi.is_finite() => {
                let joined = last.is_some_and(|(d, post)| post == p.post && p.day - d <= 1.0);
                if !joined {
                    runs.push(Vec::new());
                }
                if let Some(run) = runs.last_mut() {
                    run.push((p.day, [100.0 * lo, 100.0 * hi]));
                }
                last = Some((p.day, p.post));
            }
            _ => last = None,
        }
    }
    for run in &runs {
        if run.len() == 1 {
            let (d, [lo, hi]) = run[0];
            cc.draw_series(std::iter::once(PathElement::new(
                vec![(d, lo), (d, hi)],
                ShapeStyle::from(colour).stroke_width(2),
            )))
            .map_err(err)?;
            continue;
        }
        let outline: Vec<(f64, f64)> = run
            .iter()
            .map(|&(d, [_, hi])| (d, hi))
            .chain(run.iter().rev().map(|&(d, [lo, _])| (d, lo)))
            .collect();
        cc.draw_series(std::iter::once(Polygon::new(
            outline,
            colour.mix(0.18).filled(),
        )))
        .map_err(err)?;
    }
    // The lift: a line through each run of finite days, and dots.
    let mut line: Vec<(f64, f64)> = Vec::new();
    let mut lines = Vec::new();
    for p in pts {
        if p.relative.is_finite() {
            line.push((p.day, 100.0 * p.relative));
        } else if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
    }
    lines.push(line);
    for l in lines.into_iter().filter(|l| !l.is_empty()) {
        cc.draw_series(std::iter::once(PathElement::new(
            l,
            ShapeStyle::from(colour).stroke_width(2),
        )))
        .map_err(err)?;
    }
    cc.draw_series(
        pts.iter()
            .filter(|p| p.relative.is_finite())
            .map(|p| Circle::new((p.day, 100.0 * p.relative), 3, colour.filled())),
    )
    .map_err(err)?;
    root.present().map_err(err)?;
    Ok(Some(Ranges { x: [x0, x1], y }))
}

/// One design × metric of the estimate-against-truth chart (lifts as fractions; NaN when
/// missing).
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateRow {
    /// The design's name.
    pub design: String,
    /// The metric's key.
    pub metric: String,
    /// The estimate.
    pub estimate: f64,
    /// Its 95% interval.
    pub ci: Option<[f64; 2]>,
    /// The truth over the test days.
    pub truth: f64,
    /// The long-term truth (last week of the horizon).
    pub long_term: f64,
}

/// The estimate-against-truth chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EstimateVsTruth {
    /// Title.
    pub title: String,
    /// The rows, in order: the report's design, then the side-by-side designs, each over the
    /// metrics.
    pub rows: Vec<EstimateRow>,
    /// What to show instead when there is nothing to draw.
    pub message: Option<String>,
}

/// The estimate-against-truth chart of `report`: its design's estimate of every metric, then
/// each side-by-side design's (`designs`) but the report's own (the same run, drawn once), with
/// the truth and the long-term truth (the same for every design: they share the world and the
/// treatment).
pub fn estimate_vs_truth_from_report(report: &Value) -> EstimateVsTruth {
    let title = "Estimate vs truth".to_string();
    let metrics = &report["metrics"];
    let keys: Vec<String> = match report["metric_keys"].as_array() {
        Some(list) => list
            .iter()
            .filter_map(|k| k.as_str().map(String::from))
            .collect(),
        None => metrics
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
    };
    let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let design = report["design"].as_str().unwrap_or("design").to_string();
    let mut rows = Vec::new();
    for key in &keys {
        let m = &metrics[key.as_str()];
        rows.push(EstimateRow {
            design: design.clone(),
            metric: key.clone(),
            estimate: num(&m["estimate"]["relative"]),
            ci: pair(&m["estimate"]["relative_ci"]),
            truth: num(&m["truth"]["relative"]),
            long_term: num(&m["long_term_truth"]["relative"]),
        });
    }
    if let Some(designs) = report["designs"].as_object() {
        // The report's own design among them is the same run: its rows are drawn once.
        for (name, d) in designs.iter().filter(|(name, _)| **name != design) {
            for key in &keys {
                let e = &d["metrics"][key.as_str()];
                rows.push(EstimateRow {
                    design: name.clone(),
                    metric: key.clone(),
                    estimate: num(&e["relative"]),
                    ci: pair(&e["relative_ci"]),
                    truth: num(&e["truth_relative"]),
                    long_term: num(&metrics[key.as_str()]["long_term_truth"]["relative"]),
                });
            }
        }
    }
    let any = rows
        .iter()
        .any(|r| r.estimate.is_finite() || r.truth.is_finite() || r.long_term.is_finite());
    EstimateVsTruth {
        title,
        message: (!any).then(|| "no estimate or truth in the report".to_string()),
        rows,
    }
}

/// Width of a character of the rows' labels (11 px sans-serif), for fitting them.
const LABEL_CHAR_PX: f64 = 6.2;
/// Width of a character of the legend (12 px sans-serif).
const LEGEND_CHAR_PX: f64 = 6.8;
/// Longest metric label drawn upright under a row too narrow for it (cut with "…" beyond).
const MAX_UPRIGHT_CHARS: usize = 18;
/// The y-axis labels' area and the chart's margin (pixels), as the chart builder is given them.
const Y_LABEL_AREA: u32 = 58;
const MARGIN: u32 = 10;
/// The legend's line height (pixels).
const LEGEND_LINE: u32 = 18;
/// The legend's items: their labels.
const LEGEND: [&str; 3] = ["truth (test days)", "estimate, 95% CI", "long-term truth"];

/// How the estimate-against-truth chart lays out at a width: the rows' labels (across when
/// they fit their rows, else turned upright), the legend's lines and the height it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateLayout {
    /// Whether the metrics' labels are turned upright (reading upwards).
    pub upright: bool,
    /// Lines of a metric's label across its row (1, or 2 when wrapped at spaces to fit).
    pub metric_lines: usize,
    /// The most characters of a metric's label shown (longer ones end in "…").
    pub metric_chars: usize,
    /// Pixels under the plot for the labels: the metrics', then the designs' line.
    pub label_area: u32,
    /// Per legend item: its left edge and its line (from 0).
    pub legend: Vec<(u32, u32)>,
    /// Pixels of the legend.
    pub legend_height: u32,
    /// The height the chart needs at this width (at least the plot's minimum).
    pub height: u32,
}

/// The layout of `chart` at `width` pixels (see [`EstimateLayout`]).
pub fn estimate_layout(chart: &EstimateVsTruth, width: u32) -> EstimateLayout {
    let n = chart.rows.len().max(1) as f64;
    let plot_w = f64::from(width.saturating_sub(2 * MARGIN + Y_LABEL_AREA).max(1));
    let row_px = plot_w / n;
    let longest = chart
        .rows
        .iter()
        .map(|r| r.metric.chars().count())
        .max()
        .unwrap_or(0);
    let row_chars = ((row_px - 4.0) / LABEL_CHAR_PX).floor().max(0.0) as usize;
    // Across on one line when every label fits its row, on two when every label wrapped at its
    // spaces does; else upright.
    let lines = chart
        .rows
        .iter()
        .map(|r| wrap_words(&r.metric, row_chars).len())
        .max()
        .unwrap_or(1);
    let (upright, metric_lines, metric_chars, metric_room) = if longest <= row_chars {
        (false, 1, longest, 16)
    } else if lines <= 2 {
        (false, 2, row_chars, 34)
    } else {
        let chars = longest.min(MAX_UPRIGHT_CHARS);
        (
            true,
            1,
            chars,
            (chars as f64 * LABEL_CHAR_PX).ceil() as u32 + 8,
        )
    };
    let label_area = metric_room + 18;
    // The legend: its items in a row from the plot's left edge when they fit, else wrapped
    // into lines from the chart's left edge.
    let widths: Vec<u32> = LEGEND
        .iter()
        .map(|t| 22 + (t.chars().count() as f64 * LEGEND_CHAR_PX).ceil() as u32)
        .collect();
    let gap = 24;
    let total: u32 = widths.iter().sum::<u32>() + gap * (widths.len() as u32 - 1);
    let left = if MARGIN + Y_LABEL_AREA + total + MARGIN <= width {
        MARGIN + Y_LABEL_AREA
    } else {
        MARGIN
    };
    let mut legend = Vec::new();
    let (mut x, mut line) = (left, 0);
    for w in widths {
        if x > left && x + w > width.saturating_sub(MARGIN) {
            line += 1;
            x = left;
        }
        legend.push((x, line));
        x += w + gap;
    }
    let legend_height = (line + 1) * LEGEND_LINE + 10;
    // Title, margins and a plot of at least 180 pixels above the labels and the legend.
    let height = 36 + 2 * MARGIN + 180 + label_area + legend_height;
    EstimateLayout {
        upright,
        metric_lines,
        metric_chars,
        label_area,
        legend,
        legend_height,
        height,
    }
}

/// The height (pixels) to draw `chart` at `width`: `base`, or more when its labels and legend
/// need it (many rows on a narrow screen).
pub fn estimate_vs_truth_height(chart: &EstimateVsTruth, width: u32, base: u32) -> u32 {
    if chart.message.is_some() {
        return base;
    }
    estimate_layout(chart, width).height.max(base)
}

/// Draws the estimate-against-truth chart: per row a grey truth bar from 0, the estimate as a
/// dot with its interval's whisker beside it, the long-term truth as a dashed tick across the
/// bar (a row with none of them says "n/a"); under the data each row's metric (across, or
/// upright when the rows are too narrow: [`estimate_layout`]) and, once per run of rows of one
/// design, the design, runs separated by a line; the legend under it all, wrapped into lines on
/// narrow charts.
pub fn draw_estimate_vs_truth<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &EstimateVsTruth,
) -> Result<Option<Ranges>, String> {
    if !begin(root)? {
        return Ok(None);
    }
    if let Some(message) = &chart.message {
        draw_message(root, &chart.title, message)?;
        root.present().map_err(err)?;
        return Ok(None);
    }
    let (width, height) = root.dim_in_pixel();
    let layout = estimate_layout(chart, width);
    let rows = &chart.rows;
    let n = rows.len() as f64;
    let y = y_span(rows.iter().flat_map(|r| {
        let [a, b] = r.ci.unwrap_or([r.estimate; 2]);
        [r.estimate, a, b, r.truth, r.long_term].map(|v| 100.0 * v)
    }));
    let x = [-0.5, n - 0.5];
    let legend_h = layout.legend_height.min(height / 3);
    let (plot, legend) = root.split_vertically(height - legend_h);
    let label_area = layout.label_area.min((height - legend_h) / 3);
    let mut cc = ChartBuilder::on(&plot)
        .caption(&chart.title, (FONT, TITLE_PX).into_font().color(&TEXT))
        .margin(MARGIN)
        .x_label_area_size(label_area)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x[0]..x[1], y[0]..y[1])
        .map_err(err)?;
    cc.configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .light_line_style(RGBColor(242, 242, 242))
        .bold_line_style(RGBColor(222, 222, 222))
        .axis_style(AXIS)
        .y_labels(6)
        .y_label_formatter(&percent_tick)
        .label_style((FONT, TICK_PX).into_font().color(&TEXT))
        .axis_desc_style((FONT, AXIS_DESC_PX).into_font().color(&TEXT))
        .y_desc("Treatment vs control (%)")
        .draw()
        .map_err(err)?;
    cc.draw_series(std::iter::once(PathElement::new(
        vec![(x[0], 0.0), (x[1], 0.0)],
        ShapeStyle::from(AXIS).stroke_width(1),
    )))
    .map_err(err)?;
    let truth_fill = RGBColor(190, 190, 190);
    let estimate = palette(0);
    let long_term = palette(1);
    // Runs of rows of one design: `(first, last)` row.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        match groups.last_mut() {
            Some((first, last)) if rows[*first].design == r.design => *last = i,
            _ => groups.push((i, i)),
        }
    }
    for &(first, _) in groups.iter().skip(1) {
        let at = first as f64 - 0.5;
        cc.draw_series(std::iter::once(PathElement::new(
            vec![(at, y[0]), (at, y[1])],
            ShapeStyle::from(RGBColor(200, 200, 200)).stroke_width(1),
        )))
        .map_err(err)?;
    }
    let note = (FONT, TICK_PX - 1)
        .into_font()
        .color(&AXIS)
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    for (i, r) in rows.iter().enumerate() {
        let c = i as f64;
        if r.truth.is_finite() {
            cc.draw_series(std::iter::once(Rectangle::new(
                [(c - 0.32, 0.0), (c - 0.02, 100.0 * r.truth)],
                truth_fill.filled(),
            )))
            .map_err(err)?;
        }
        if r.long_term.is_finite() {
            cc.draw_series(std::iter::once(DashedPathElement::new(
                vec![
                    (c - 0.38, 100.0 * r.long_term),
                    (c + 0.04, 100.0 * r.long_term),
                ],
                4,
                2,
                ShapeStyle::from(long_term).stroke_width(3),
            )))
            .map_err(err)?;
        }
        if let Some([a, b]) = r.ci {
            cc.draw_series(std::iter::once(PathElement::new(
                vec![(c + 0.17, 100.0 * a), (c + 0.17, 100.0 * b)],
                ShapeStyle::from(estimate).stroke_width(2),
            )))
            .map_err(err)?;
            for end in [a, b] {
                cc.draw_series(std::iter::once(PathElement::new(
                    vec![(c + 0.1, 100.0 * end), (c + 0.24, 100.0 * end)],
                    ShapeStyle::from(estimate).stroke_width(2),
                )))
                .map_err(err)?;
            }
        }
        if r.estimate.is_finite() {
            cc.draw_series(std::iter::once(Circle::new(
                (c + 0.17, 100.0 * r.estimate),
                4,
                estimate.filled(),
            )))
            .map_err(err)?;
        }
        if !r.estimate.is_finite() && !r.truth.is_finite() {
            cc.draw_series(std::iter::once(Text::new("n/a", (c, 0.0), note.clone())))
                .map_err(err)?;
        }
    }
    // The labels, in pixels under the plot.
    let (_, axis_y) = cc.backend_coord(&(x[0], y[0]));
    let px = |c: f64| cc.backend_coord(&(c, y[0])).0;
    let row_px = f64::from(cc.plotting_area().dim_in_pixel().0) / n.max(1.0);
    let label_font = (FONT, TICK_PX - 1).into_font().color(&TEXT);
    for (i, r) in rows.iter().enumerate() {
        if layout.upright {
            let style = label_font
                .clone()
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Right, VPos::Center));
            let text = fit_label(r.metric.clone(), layout.metric_chars);
            plot.draw(&Text::new(text, (px(i as f64), axis_y + 4), style))
                .map_err(err)?;
            continue;
        }
        let style = label_font.clone().pos(Pos::new(HPos::Center, VPos::Top));
        let lines = if layout.metric_lines > 1 {
            wrap_words(&r.metric, layout.metric_chars)
        } else {
            vec![r.metric.clone()]
        };
        for (k, line) in lines.into_iter().enumerate() {
            let at = (px(i as f64), axis_y + 3 + 14 * k as i32);
            plot.draw(&Text::new(line, at, style.clone()))
                .map_err(err)?;
        }
    }
    let design_y = axis_y + label_area as i32 - 16;
    for &(first, last) in &groups {
        let centre = (px(first as f64) + px(last as f64)) / 2;
        let room = row_px * (last - first + 1) as f64;
        let text = fit_label(
            rows[first].design.clone(),
            (room / LABEL_CHAR_PX).floor().max(3.0) as usize,
        );
        plot.draw(&Text::new(
            text,
            (centre, design_y),
            label_font
                .clone()
                .color(&AXIS)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
    }
    // Legend.
    let font = (FONT, NOTE_PX)
        .into_font()
        .color(&TEXT)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (k, (&(left, line), label)) in layout.legend.iter().zip(LEGEND).enumerate() {
        let (at, y0) = (left as i32, (line * LEGEND_LINE) as i32 + 12);
        match k {
            0 => legend
                .draw(&Rectangle::new(
                    [(at, y0 - 5), (at + 16, y0 + 5)],
                    truth_fill.filled(),
                ))
                .map_err(err)?,
            1 => legend
                .draw(&Circle::new((at + 8, y0), 4, estimate.filled()))
                .map_err(err)?,
            _ => legend
                .draw(&DashedPathElement::new(
                    vec![(at, y0), (at + 16, y0)],
                    4,
                    2,
                    ShapeStyle::from(long_term).stroke_width(3),
                ))
                .map_err(err)?,
        }
        legend
            .draw(&Text::new(label, (at + 22, y0), font.clone()))
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(Some(Ranges { x, y }))
}

/// `text` in lines of at most `max` characters, broken at spaces (not after a lone "/"); a word longer than `max`
/// makes it more than two lines (it cannot be wrapped to fit).
fn wrap_words(text: &str, max: usize) -> Vec<String> {
    // A lone "/" goes with the word after it ("Revenue" / "/ day").
    let mut words: Vec<String> = Vec::new();
    let mut slash = false;
    for word in text.split_whitespace() {
        if slash {
            if let Some(last) = words.last_mut() {
                last.push(' ');
                last.push_str(word);
            }
        } else {
            words.push(word.to_string());
        }
        slash = word == "/";
    }
    let mut lines: Vec<String> = Vec::new();
    for word in &words {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.clone()),
        }
    }
    if lines.iter().any(|l| l.chars().count() > max) {
        lines.resize(lines.len().max(3), String::new());
    }
    lines
}

/// `text` cut to `max` characters, the last one "…", when longer.
fn fit_label(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A day axis's tick: whole days only (a fractional tick is left blank).
fn day_tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// The post-period's learning curve of one metric.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LearningCurve {
    /// Title.
    pub title: String,
    /// `(post day from 1, relative difference)`: the former treatment arm against control.
    pub points: Vec<(f64, f64)>,
    /// The fitted decay `(amplitude a, t₀, half-life h)`: `a·2^(−(t − t₀)/h)`.
    pub fit: Option<(f64, f64, f64)>,
    /// The half-life's 95% interval.
    pub half_life_ci: Option<[f64; 2]>,
    /// Why there is no fit (shown on the chart), when there is none.
    pub fit_note: Option<String>,
    /// What to show instead when there is nothing to draw.
    pub message: Option<String>,
}

impl LearningCurve {
    /// The fitted curve at post day `t` (a fraction), when fitted.
    pub fn fitted(&self, t: f64) -> Option<f64> {
        self.fit.map(|(a, t0, h)| a * libm::exp2(-(t - t0) / h))
    }
}

/// The learning curve of `metric` in `report` (its `post_period` section).
pub fn learning_curve_from_report(report: &Value, metric: &str) -> LearningCurve {
    let title = format!("After the test: {metric}");
    let post = &report["metrics"][metric]["post_period"];
    let empty = |message: String| LearningCurve {
        title: title.clone(),
        message: Some(message),
        ..LearningCurve::default()
    };
    if report["metrics"][metric].is_null() {
        return empty(format!("no metric `{metric}` in the report"));
    }
    if post.is_null() {
        return empty("no post-period: add `post_days` to the spec".into());
    }
    if let (Some(r), None) = (reason(post), post.get("daily_relative")) {
        return empty(format!("no learning curve: {r}"));
    }
    let points: Vec<(f64, f64)> = post["daily_relative"]
        .as_array()
        .map(|days| {
            days.iter()
                .enumerate()
                .filter_map(|(i, v)| Some(((i + 1) as f64, v.as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    if points.is_empty() {
        return empty("no post day has a difference".into());
    }
    let fit = match (
        post["decay_amplitude"].as_f64(),
        post["decay_t0"].as_f64(),
        post["half_life_days"].as_f64(),
    ) {
        (Some(a), Some(t0), Some(h)) if h > 0.0 => Some((a, t0, h)),
        _ => None,
    };
    LearningCurve {
        title,
        points,
        fit,
        half_life_ci: pair(&post["half_life_ci"]),
        fit_note: fit.is_none().then(|| {
            post["half_life_reason"]
                .as_str()
                .map_or("no decay fitted".to_string(), |r| {
                    format!("no decay fitted: {r}")
                })
        }),
        message: None,
    }
}

/// Draws the learning curve: the daily differences as dots, the fitted decay as a line, a zero
/// line, and the half-life (with its interval) or why there is no fit.
pub fn draw_learning_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &LearningCurve,
) -> Result<Option<Ranges>, String> {
    if !begin(root)? {
        return Ok(None);
    }
    if let Some(message) = &chart.message {
        draw_message(root, &chart.title, message)?;
        root.present().map_err(err)?;
        return Ok(None);
    }
    let last = chart.points.iter().map(|p| p.0).fold(1.0_f64, f64::max);
    let x = [0.5, last + 0.5];
    let samples: Vec<(f64, f64)> = (0..=100)
        .filter_map(|i| {
            let t = 1.0 + (last - 1.0) * f64::from(i) / 100.0;
            chart.fitted(t).map(|v| (t, 100.0 * v))
        })
        .collect();
    let y = y_span(
        chart
            .points
            .iter()
            .map(|p| 100.0 * p.1)
            .chain(samples.iter().map(|p| p.1)),
    );
    let mut cc = ChartBuilder::on(root)
        .caption(&chart.title, (FONT, TITLE_PX).into_font().color(&TEXT))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(58)
        .build_cartesian_2d(x[0]..x[1], y[0]..y[1])
        .map_err(err)?;
    cc.configure_mesh()
        .light_line_style(RGBColor(242, 242, 242))
        .bold_line_style(RGBColor(222, 222, 222))
        .axis_style(AXIS)
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&day_tick)
        .y_label_formatter(&percent_tick)
        .label_style((FONT, TICK_PX).into_font().color(&TEXT))
        .axis_desc_style((FONT, AXIS_DESC_PX).into_font().color(&TEXT))
        .x_desc("Day after the test")
        .y_desc("Former treatment vs control (%)")
        .draw()
        .map_err(err)?;
    cc.draw_series(std::iter::once(DashedPathElement::new(
        vec![(x[0], 0.0), (x[1], 0.0)],
        5,
        4,
        ShapeStyle::from(AXIS).stroke_width(1),
    )))
    .map_err(err)?;
    if samples.len() > 1 {
        cc.draw_series(std::iter::once(PathElement::new(
            samples,
            ShapeStyle::from(palette(1)).stroke_width(2),
        )))
        .map_err(err)?;
    }
    cc.draw_series(
        chart
            .points
            .iter()
            .map(|&(t, v)| Circle::new((t, 100.0 * v), 4, palette(0).filled())),
    )
    .map_err(err)?;
    let note = match (chart.fit, chart.half_life_ci) {
        (Some((_, _, h)), Some([a, b])) => {
            format!("half-life {h:.1} days (95% CI {a:.1}–{b:.1})")
        }
        (Some((_, _, h)), None) => format!("half-life {h:.1} days"),
        _ => chart.fit_note.clone().unwrap_or_default(),
    };
    let style = (FONT, NOTE_PX)
        .into_font()
        .color(&TEXT)
        .pos(Pos::new(HPos::Right, VPos::Top));
    cc.draw_series(std::iter::once(Text::new(
        note,
        (x[1] - 0.02 * (x[1] - x[0]), y[1] - 0.02 * (y[1] - y[0])),
        style,
    )))
    .map_err(err)?;
    root.present().map_err(err)?;
    Ok(Some(Ranges { x, y }))
}

macro_rules! render_svg {
    ($(#[$doc:meta])* $name:ident, $chart:ty, $draw:ident) => {
        $(#[$doc])*
        pub fn $name(chart: &$chart, width: u32, height: u32) -> (String, Option<Ranges>) {
            let mut svg = String::new();
            let ranges;
            {
                let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
                ranges = $draw(&root, chart).ok().flatten();
                let _ = root.present();
            }
            (svg, ranges)
        }
    };
}

render_svg!(
    /// Renders the daily effect as a standalone SVG of `width`×`height` pixels, with the ranges
    /// of its axes (`None` when it drew its message or nothing).
    render_daily_effect_svg,
    DailyEffect,
    draw_daily_effect
);
render_svg!(
    /// Renders the estimate-against-truth chart as a standalone SVG (as
    /// [`render_daily_effect_svg`]).
    render_estimate_vs_truth_svg,
    EstimateVsTruth,
    draw_estimate_vs_truth
);
render_svg!(
    /// Renders the learning curve as a standalone SVG (as [`render_daily_effect_svg`]).
    render_learning_curve_svg,
    LearningCurve,
    draw_learning_curve
);
