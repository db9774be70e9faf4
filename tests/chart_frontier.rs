//! The Tradeoffs tab's chart: built from a sweep with hand-made summaries (not from the engine),
//! drawn as SVG and compared with snapshots (`tests/snapshots/frontier_*.svg`; a missing one is
//! written and the test fails asking for review; `UPDATE_SNAPSHOTS=1` rewrites them). Also what
//! the chart says: which points are dimmed, the frontier line, the current design, the arrows.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::rc::Rc;

use plotters::prelude::*;
use sandbox::app::sweep::Sweep;
use sandbox::chart::frontier::{
    draw_frontier, frontier_chart, render_frontier_svg, scale_colour, FrontierChart,
};
use sandbox::config::url::SweepView;
use sandbox::core::model::{Params, Summaries, Summary};

const WIDTH: u32 = 720;
const HEIGHT: u32 = 440;

/// A summary where ads every `every` positions trade revenue for engagement, with a bend.
fn summary(every: f64, scale: f64) -> Summary {
    let density = 1.0 / every;
    Summary {
        revenue_per_day: scale * 400.0 * density.sqrt(),
        engagement_per_day: 6000.0 - scale * 3000.0 * density,
        mean_fatigue: 2.0 * density,
        ..Summary::default()
    }
}

/// A 7-point sweep of `every` (2 to 14) on a small design; point 3 (every 8) is made dominated
/// by point 4 in the whole run, point 6 is not answered yet.
fn sweep() -> Sweep {
    let base = Rc::new(Params::default());
    let view = SweepView {
        from: Some(2.0),
        to: Some(14.0),
        points: 7,
        ..SweepView::default()
    };
    let mut sweep = Sweep::new(1, base, &view, 0.0);
    for i in 0..6 {
        let every = sweep.values[i];
        let mut whole = summary(every, 1.0);
        if i == 3 {
            whole.revenue_per_day = summary(sweep.values[4], 1.0).revenue_per_day - 1.0;
            whole.engagement_per_day = summary(sweep.values[4], 1.0).engagement_per_day - 10.0;
        }
        sweep.results[i] = Some(Rc::new(Summaries {
            first_week: summary(every, 1.1),
            last_week: summary(every, 0.8),
            whole_run: whole,
            promotion: None,
        }));
    }
    sweep
}

include!("snapshot_common.rs.inc");

/// [`compare_snapshot`] of `frontier_<name>.svg`.
fn check_snapshot(name: &str, svg: &str) -> Option<String> {
    compare_snapshot(&format!("frontier_{name}.svg"), svg)
}

fn charts() -> Vec<(&'static str, FrontierChart)> {
    let s = sweep();
    let weeks = SweepView {
        weeks: true,
        ..SweepView::default()
    };
    vec![
        (
            "whole_run",
            frontier_chart(&s, &SweepView::default(), Some(2)),
        ),
        ("weeks", frontier_chart(&s, &weeks, Some(2))),
        (
            "waiting",
            frontier_chart(
                &Sweep::new(2, Rc::new(Params::default()), &SweepView::default(), 0.0),
                &SweepView::default(),
                None,
            ),
        ),
    ]
}

#[test]
fn snapshots_match() {
    let failures: Vec<String> = charts()
        .iter()
        .filter_map(|(name, chart)| {
            check_snapshot(name, &render_frontier_svg(chart, WIDTH, HEIGHT))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_chart_says_what_the_frontier_is() {
    let s = sweep();
    let chart = frontier_chart(&s, &SweepView::default(), Some(2));
    assert_eq!(chart.layers.len(), 1);
    let layer = &chart.layers[0];
    // Six answered points; point 6 is not drawn yet.
    let indices: Vec<usize> = layer.points.iter().map(|p| p.index).collect();
    assert_eq!(indices, [0, 1, 2, 3, 4, 5]);
    // Only point 3 is dominated (by point 4): dimmed, and not on the line.
    let dominated: Vec<usize> = layer
        .points
        .iter()
        .filter(|p| p.dominated)
        .map(|p| p.index)
        .collect();
    assert_eq!(dominated, [3]);
    assert_eq!(layer.frontier.len(), 5);
    let xs: Vec<f64> = layer.frontier.iter().map(|p| p.0).collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "the line runs along x");
    let p2 = &layer.points[2];
    assert_eq!(chart.current, Some((p2.x, p2.y)));
    assert!(chart.x_label.contains("Revenue") && chart.x_label.contains("whole run"));
    assert!(chart.colour_label.contains("atigue"));
    // The SVG has the labels and one filled circle per point, at least.
    let svg = render_frontier_svg(&chart, WIDTH, HEIGHT);
    assert!(svg.contains("whole run"));
    assert!(svg.contains("current design"));
    assert!(svg.matches("<circle").count() >= 6);
}

#[test]
fn short_vs_long_term_has_two_frontiers_and_an_arrow_per_point() {
    let s = sweep();
    let view = SweepView {
        weeks: true,
        ..SweepView::default()
    };
    let chart = frontier_chart(&s, &view, None);
    assert_eq!(chart.layers.len(), 2);
    assert_eq!(chart.layers[0].label, "First week");
    assert_eq!(chart.layers[1].label, "Last week");
    assert_eq!(chart.arrows.len(), 6);
    for (a, b) in &chart.arrows {
        // Every design earns less and engages less by the last week (hand-made: scale 1.1 → 0.8).
        assert!(b.0 < a.0);
    }
    let first = &chart.layers[0].points[1];
    assert_eq!(first.x, summary(s.values[1], 1.1).revenue_per_day);
    assert!(
        chart.layers.iter().all(|l| l.frontier.len() == 6),
        "no week dominates a point"
    );
}

#[test]
fn positions_are_returned_for_clicks_and_tiny_canvases_draw_nothing() {
    let chart = frontier_chart(&sweep(), &SweepView::default(), None);
    let mut svg = String::new();
    let positions = {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw_frontier(&root, &chart).expect("draws")
    };
    assert_eq!(positions.len(), 6);
    // Higher revenue is further right: point 0 (ads every 2) is rightmost.
    let right = positions.iter().max_by_key(|p| p.1).unwrap();
    assert_eq!(right.0, 0);
    for &(_, x, y) in &positions {
        assert!((0..WIDTH as i32).contains(&x) && (0..HEIGHT as i32).contains(&y));
    }
    let tiny = {
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (80, 60)).into_drawing_area();
        draw_frontier(&root, &chart).expect("draws")
    };
    assert!(tiny.is_empty());
    assert_eq!(scale_colour(0.0), scale_colour(-1.0));
    assert_ne!(scale_colour(0.0), scale_colour(1.0));
}
