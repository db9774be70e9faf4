//! The Lab tab's chart: expected revenue per auction against the reserve. Simulated points with
//! ±2 standard-error bars over a reserve grid, the theory curve (Myerson: the revenue of every
//! efficient mechanism) where a closed form exists, Myerson's optimal reserve as a dashed
//! vertical line and the current reserve as a dotted one.
//!
//! Described as data ([`ReserveChart`]) and drawn on any plotters backend by [`draw_reserve`];
//! [`render_reserve_svg`] renders it to an SVG string (snapshot tests).

use plotters::coord::Shift;
use plotters::element::{Circle, DashedPathElement, PathElement, Text};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PALETTE;

/// The revenue-against-reserve chart, in data units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReserveChart {
    /// Title.
    pub title: String,
    /// Simulated `(reserve, mean revenue, standard error)`.
    pub points: Vec<(f64, f64, f64)>,
    /// The theory curve `(reserve, revenue)`; empty when theory has no closed form here.
    pub theory: Vec<(f64, f64)>,
    /// Myerson's optimal reserve, marked when within the grid.
    pub myerson: Option<f64>,
    /// The current reserve.
    pub current: Option<f64>,
}

const FONT: &str = "sans-serif";
const TITLE_PX: u32 = 16;
const AXIS_DESC_PX: u32 = 13;
const TICK_PX: u32 = 12;
const LEGEND_PX: u32 = 12;
const LEGEND_STRIP_PX: u32 = 30;
const MIN_WIDTH: u32 = 160;
const MIN_HEIGHT: u32 = 140;
const TEXT: RGBColor = RGBColor(40, 40, 40);
const AXIS: RGBColor = RGBColor(110, 110, 110);

fn rgb(i: usize) -> RGBColor {
    let c = PALETTE[i];
    RGBColor(c.r, c.g, c.b)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .into()
    } else {
        format!("{v:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .into()
    }
}

/// Draws `chart` on `root`. With no point it draws a frame saying "running…". Errors come
/// only from the backend.
pub fn draw_reserve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ReserveChart,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(err)?;
    let (width, height) = root.dim_in_pixel();
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return Ok(());
    }
    let xs = chart
        .points
        .iter()
        .map(|p| p.0)
        .chain(chart.theory.iter().map(|p| p.0));
    let x1 = xs.fold(0.0_f64, f64::max).max(1e-9);
    let ys = chart
        .points
        .iter()
        .map(|p| p.1 + 2.0 * p.2)
        .chain(chart.theory.iter().map(|p| p.1));
    let y1 = ys.fold(0.0_f64, f64::max).max(1e-9) * 1.08;
    let (plot_area, legend_area) = root.split_vertically(height - LEGEND_STRIP_PX);
    let mut cc = ChartBuilder::on(&plot_area)
        .caption(&chart.title, (FONT, TITLE_PX).into_font().color(&TEXT))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(58)
        .build_cartesian_2d(0.0..x1, 0.0..y1)
        .map_err(err)?;
    let fmt = |v: &f64| tick(*v);
    cc.configure_mesh()
        .light_line_style(RGBColor(242, 242, 242))
        .bold_line_style(RGBColor(222, 222, 222))
        .axis_style(AXIS)
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .label_style((FONT, TICK_PX).into_font().color(&TEXT))
        .axis_desc_style((FONT, AXIS_DESC_PX).into_font().color(&TEXT))
        .x_desc("Reserve per click")
        .y_desc("Revenue per auction")
        .draw()
        .map_err(err)?;
    if chart.points.is_empty() && chart.theory.is_empty() {
        let style = (FONT, AXIS_DESC_PX)
            .into_font()
            .color(&AXIS)
            .pos(Pos::new(HPos::Center, VPos::Center));
        cc.plotting_area()
            .draw(&Text::new("running…", (x1 / 2.0, y1 / 2.0), style))
            .map_err(err)?;
        root.present().map_err(err)?;
        return Ok(());
    }
    let vline = |x: f64| vec![(x, 0.0), (x, y1)];
    if let Some(m) = chart.myerson.filter(|m| *m <= x1) {
        let style = ShapeStyle::from(rgb(1)).stroke_width(2);
        cc.draw_series(std::iter::once(DashedPathElement::new(
            vline(m),
            6,
            4,
            style,
        )))
        .map_err(err)?;
        let label = (FONT, LEGEND_PX)
            .into_font()
            .color(&rgb(1))
            .pos(Pos::new(HPos::Left, VPos::Top));
        cc.draw_series(std::iter::once(Text::new(
            format!("Myerson r* = {}", tick(m)),
            (m + 0.01 * x1, y1),
            label,
        )))
        .map_err(err)?;
    }
    if let Some(r) = chart.current.filter(|r| *r <= x1) {
        let style = ShapeStyle::from(AXIS).stroke_width(1);
        cc.draw_series(std::iter::once(DashedPathElement::new(
            vline(r),
            2,
            3,
            style,
        )))
        .map_err(err)?;
    }
    if !chart.theory.is_empty() {
        let style = ShapeStyle::from(rgb(6)).stroke_width(2);
        cc.draw_series(std::iter::once(PathElement::new(
            chart.theory.clone(),
            style,
        )))
        .map_err(err)?;
    }
    let sim = rgb(0);
    for &(x, y, se) in &chart.points {
        let bar = ShapeStyle::from(sim).stroke_width(1);
        cc.draw_series(std::iter::once(PathElement::new(
            vec![(x, (y - 2.0 * se).max(0.0)), (x, y + 2.0 * se)],
            bar,
        )))
        .map_err(err)?;
    }
    cc.draw_series(
        chart
            .points
            .iter()
            .map(|&(x, y, _)| Circle::new((x, y), 4, ShapeStyle::from(sim).filled())),
    )
    .map_err(err)?;

    // Legend.
    let font = (FONT, LEGEND_PX).into_font().color(&TEXT);
    let mut x = 70;
    let y = 12;
    let mut item = |label: &str, draw: &dyn Fn(i32) -> Result<(), String>| -> Result<(), String> {
        draw(x)?;
        legend_area
            .draw(&Text::new(label.to_string(), (x + 24, y - 7), font.clone()))
            .map_err(err)?;
        x += 34 + 6 * label.chars().count() as i32;
        Ok(())
    };
    item("simulated ± 2 SE", &|x| {
        legend_area
            .draw(&Circle::new((x + 8, y), 4, ShapeStyle::from(sim).filled()))
            .map_err(err)
    })?;
    if !chart.theory.is_empty() {
        item("theory (revenue equivalence)", &|x| {
            legend_area
                .draw(&PathElement::new(
                    vec![(x, y), (x + 18, y)],
                    ShapeStyle::from(rgb(6)).stroke_width(2),
                ))
                .map_err(err)
        })?;
    }
    if chart.myerson.is_some() {
        item("optimal reserve", &|x| {
            legend_area
                .draw(&DashedPathElement::new(
                    vec![(x, y), (x + 18, y)],
                    4,
                    3,
                    ShapeStyle::from(rgb(1)).stroke_width(2),
                ))
                .map_err(err)
        })?;
    }
    if chart.current.is_some() {
        item("current reserve", &|x| {
            legend_area
                .draw(&DashedPathElement::new(
                    vec![(x, y), (x + 18, y)],
                    2,
                    3,
                    ShapeStyle::from(AXIS).stroke_width(1),
                ))
                .map_err(err)
        })?;
    }
    root.present().map_err(err)?;
    Ok(())
}

/// Renders `chart` as a standalone SVG of `width`×`height` pixels (text as `<text>` elements).
pub fn render_reserve_svg(chart: &ReserveChart, width: u32, height: u32) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = draw_reserve(&root, chart);
        let _ = root.present();
    }
    svg
}
