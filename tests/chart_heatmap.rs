//! The heat map of a two-knob sweep: built from a sweep with hand-made summaries (not from the
//! engine), drawn as SVG and compared with snapshots (`tests/snapshots/heatmap_*.svg`; a missing
//! one is written and the test fails asking for review; `UPDATE_SNAPSHOTS=1` rewrites them).
//! Also what the map says: the cell colours rise with the values, the best and current cells,
//! the hatched missing cells, the cells' rectangles for clicks.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::rc::Rc;

use sandbox::app::sweep::Sweep;
use sandbox::chart::heatmap::{cell_colour, heatmap_chart, render_heatmap_svg, HeatmapChart};
use sandbox::chart::Color;
use sandbox::config::url::SweepView;
use sandbox::core::model::knobs::Knob;
use sandbox::core::model::{Params, Summaries, Summary, WindowedMetric};

const WIDTH: u32 = 720;
const HEIGHT: u32 = 420;

/// A 4×3 sweep of `every` (2 to 14) and the reserve price (0 to 1); revenue rises with ad
/// density and falls with the reserve; fatigue rises with density. Cells 10 and 11 are missing.
fn sweep() -> Sweep {
    let view = SweepView {
        from: Some(2.0),
        to: Some(14.0),
        points: 4,
        knob2: Some(Knob::Reserve),
        from2: Some(0.0),
        to2: Some(1.0),
        points2: 3,
        ..SweepView::default()
    };
    let mut sweep = Sweep::new(1, Rc::new(Params::default()), &view, 0.0);
    assert_eq!(sweep.len(), 12);
    for i in 0..10 {
        let (every, reserve) = sweep.point(i);
        let reserve = reserve.expect("a second knob");
        let s = Summary {
            revenue_per_day: 400.0 / every.sqrt() - 50.0 * reserve,
            mean_fatigue: 2.0 / every,
            ..Summary::default()
        };
        sweep.results[i] = Some(Rc::new(Summaries {
            first_week: s.clone(),
            last_week: s.clone(),
            whole_run: s,
            promotion: None,
        }));
    }
    sweep
}

fn metric(text: &str) -> WindowedMetric {
    WindowedMetric::parse(text).expect("a metric")
}

fn chart(metric_text: &str, current: Option<usize>) -> HeatmapChart {
    heatmap_chart(&sweep(), &metric(metric_text), current).expect("a two-knob sweep")
}

include!("snapshot_common.rs.inc");

/// [`compare_snapshot`] of `heatmap_<name>.svg`.
fn check_snapshot(name: &str, svg: &str) -> Option<String> {
    compare_snapshot(&format!("heatmap_{name}.svg"), svg)
}

#[test]
fn snapshots_match() {
    let failures: Vec<String> = [
        ("revenue", chart("whole_run.revenue_per_day", Some(5))),
        ("fatigue", chart("whole_run.mean_fatigue", None)),
    ]
    .iter()
    .filter_map(|(name, c)| check_snapshot(name, &render_heatmap_svg(c, WIDTH, HEIGHT)))
    .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Relative luminance (sRGB weights), which rises along the scale.
fn luminance(c: Color) -> f64 {
    0.2126 * f64::from(c.r) + 0.7152 * f64::from(c.g) + 0.0722 * f64::from(c.b)
}

#[test]
fn a_cells_colour_is_monotone_in_its_value() {
    let c = chart("whole_run.revenue_per_day", None);
    let (lo, hi) = c.range().expect("answered cells");
    let mut cells: Vec<f64> = c.values.iter().copied().filter(|v| v.is_finite()).collect();
    assert_eq!(cells.len(), 10);
    cells.sort_by(f64::total_cmp);
    assert_eq!((cells[0], cells[9]), (lo, hi));
    for w in cells.windows(2) {
        let (a, b) = (cell_colour(w[0], lo, hi), cell_colour(w[1], lo, hi));
        assert!(
            luminance(a) <= luminance(b),
            "{} ({a:?}) vs {} ({b:?})",
            w[0],
            w[1]
        );
    }
    // The ends of the range are the ends of the scale, and they differ.
    assert_ne!(cell_colour(lo, lo, hi), cell_colour(hi, lo, hi));
    assert!(luminance(cell_colour(lo, lo, hi)) + 100.0 < luminance(cell_colour(hi, lo, hi)));
}

#[test]
fn the_map_marks_the_best_cell_in_the_metrics_direction_and_keeps_missing_cells_blank() {
    let sweep = sweep();
    // Revenue is best high: the densest ads with no reserve, cell 0 (every 2, reserve 0).
    let revenue = chart("whole_run.revenue_per_day", Some(5));
    let values = sweep.metric(&metric("whole_run.revenue_per_day"));
    let brute = (0..values.len())
        .filter(|&i| values[i].is_finite())
        .max_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap();
    assert_eq!(revenue.best, Some(brute));
    assert_eq!(revenue.best, Some(0));
    assert_eq!(revenue.current, Some(5));
    // Fatigue is best low: the sparsest ads among the answered cells (every 14, cell 3 or 7).
    let fatigue = chart("whole_run.mean_fatigue", None);
    let best = fatigue.best.expect("a best cell");
    assert_eq!(sweep.point(best).0, 14.0);
    // Missing cells stay NaN; axes list the knobs' values.
    assert!(revenue.values[10].is_nan() && revenue.values[11].is_nan());
    assert_eq!((revenue.xs.len(), revenue.ys.len()), (4, 3));
    // A one-knob sweep has no heat map.
    let one = Sweep::new(2, Rc::new(Params::default()), &SweepView::default(), 0.0);
    assert!(heatmap_chart(&one, &metric("whole_run.revenue_per_day"), None).is_none());
}

#[test]
fn cells_tile_the_plot_for_clicks() {
    use plotters::prelude::*;
    use sandbox::chart::heatmap::draw_heatmap;
    let c = chart("whole_run.revenue_per_day", Some(5));
    let mut svg = String::new();
    let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
    let cells = draw_heatmap(&root, &c).expect("drawn");
    assert_eq!(cells.len(), 12);
    // Cell 0 is bottom-left, cell 1 to its right, cell 4 above it.
    let at = |i: usize| *cells.iter().find(|c| c.0 == i).unwrap();
    let (c0, c1, c4) = (at(0), at(1), at(4));
    assert_eq!(c1.1, c0.3, "adjacent columns share an edge");
    assert_eq!(c4.4, c0.2, "adjacent rows share an edge");
    assert!(c4.2 < c0.2, "the second row is above the first");
    // A tiny canvas draws nothing.
    let mut small = String::new();
    let root = SVGBackend::with_string(&mut small, (100, 80)).into_drawing_area();
    assert!(draw_heatmap(&root, &c).expect("drawn").is_empty());
}
