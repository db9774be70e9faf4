//! The hourly spend chart: built from hand-made hourly records (not from the engine), its lines
//! (one per strategy present, the baseline's dashed, the even-pacing reference), its title
//! naming the pacing methods, its place in the charts panel, and an SVG snapshot
//! (`tests/snapshots/hourly_*.svg`; a missing one is written and the test fails asking for
//! review; `UPDATE_SNAPSHOTS=1` rewrites them).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::chart::hourly::{hourly_spend_chart, pacing_label, EVEN_COLOR, EVEN_LABEL};
use sandbox::chart::{chart_sections, render_svg, Annotations, ValueFormat};
use sandbox::core::model::hourly::{strategy_index, HourlySpend};
use sandbox::core::model::{PacingMethod, Params, RunResult, Strategy, HOURS};

include!("snapshot_common.rs.inc");

const WIDTH: u32 = 560;
const HEIGHT: u32 = 300;

fn check_snapshot(name: &str, svg: &str) -> Option<String> {
    compare_snapshot(&format!("hourly_{name}.svg"), svg)
}

/// Two days of spend: `manual` advertisers spending out by `out` hours (front-loaded when
/// `out` < 24), `target_roas` advertisers more in the afternoon (in proportion to hour + 12).
fn result(out: usize) -> RunResult {
    let days = (1..=2)
        .map(|day| {
            let mut h = HourlySpend {
                day,
                ..HourlySpend::default()
            };
            for hour in 0..HOURS {
                h.by_strategy[strategy_index(Strategy::Manual)][hour] =
                    if hour < out { 2.0 / out as f64 } else { 0.0 };
                h.by_strategy[strategy_index(Strategy::TargetRoas)][hour] = (hour + 12) as f64;
            }
            h
        })
        .collect();
    RunResult {
        hourly_spend: days,
        ..RunResult::default()
    }
}

#[test]
fn one_line_per_strategy_present_and_the_even_line() {
    let chart = hourly_spend_chart(&result(8), None, ("none", None)).expect("a chart");
    assert_eq!(chart.title, "Spend through the day (pacing: none)");
    assert_eq!(chart.value_format, ValueFormat::Percent);
    let labels: Vec<&str> = chart.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["manual", "target_roas", EVEN_LABEL]);
    for s in &chart.series {
        assert_eq!(s.points.len(), HOURS);
        let xs: Vec<f64> = s.points.iter().map(|p| p.0).collect();
        assert_eq!(xs, (1..=HOURS).map(|h| h as f64).collect::<Vec<_>>());
        let total: f64 = s.points.iter().map(|p| p.1).sum();
        assert!((total - 100.0).abs() < 1e-9, "{}: {total}%", s.label);
    }
    // Manual spends out by hour 8: 12.5% in each of the first 8 hours, then nothing.
    assert!((chart.series[0].points[0].1 - 12.5).abs() < 1e-12);
    assert_eq!(chart.series[0].points[8].1, 0.0);
    let even = &chart.series[2];
    assert_eq!(even.color, EVEN_COLOR);
    assert!(!even.dashed);
    assert!(even
        .points
        .iter()
        .all(|p| (p.1 - 100.0 / HOURS as f64).abs() < 1e-12));
}

#[test]
fn a_baseline_adds_dashed_lines_and_its_pacing_to_the_title() {
    let chart = hourly_spend_chart(
        &result(24),
        Some(&result(8)),
        ("multiplicative", Some("none")),
    )
    .expect("a chart");
    assert_eq!(
        chart.title,
        "Spend through the day (pacing: multiplicative; baseline: none)"
    );
    let dashed: Vec<&str> = chart
        .series
        .iter()
        .filter(|s| s.dashed)
        .map(|s| s.label.as_str())
        .collect();
    assert_eq!(dashed, ["manual (baseline)", "target_roas (baseline)"]);
    // The same pacing on both sides is named once.
    let same =
        hourly_spend_chart(&result(24), Some(&result(8)), ("none", Some("none"))).expect("a chart");
    assert_eq!(same.title, "Spend through the day (pacing: none)");
}

#[test]
fn no_hourly_records_no_chart() {
    assert!(hourly_spend_chart(&RunResult::default(), None, ("none", None)).is_none());
}

#[test]
fn the_panel_shows_the_chart_before_the_advertiser_groups_without_day_markers() {
    let mut p = Params::default();
    p.launch.enabled = true;
    p.launch.day = 2;
    p.advertisers.pacing_method = PacingMethod::Throttling;
    let notes = Annotations::new(&p, Some(&Params::default()), 1);
    assert_eq!(notes.pacing, "throttling");
    assert_eq!(notes.baseline_pacing, Some("multiplicative"));
    let sections = chart_sections(&result(8), Some(&result(24)), &notes);
    let ids: Vec<&str> = sections.iter().map(|s| s.id).collect();
    assert_eq!(ids, ["lift", "daily", "hourly", "groups"]);
    let hourly = &sections[2].charts[0];
    assert!(hourly.markers.is_empty() && hourly.bands.is_empty());
    assert_eq!(
        hourly.title,
        "Spend through the day (pacing: throttling; baseline: multiplicative)"
    );
    let mut off = Params::default();
    off.advertisers.pacing = false;
    assert_eq!(pacing_label(&off), "off");
}

#[test]
fn snapshots_match() {
    let mut failures = Vec::new();
    let alone = hourly_spend_chart(&result(8), None, ("none", None)).expect("a chart");
    failures.extend(check_snapshot(
        "spend_none",
        &render_svg(&alone, WIDTH, HEIGHT),
    ));
    let compared = hourly_spend_chart(
        &result(16),
        Some(&result(8)),
        ("multiplicative", Some("none")),
    )
    .expect("a chart");
    let svg = render_svg(&compared, WIDTH, HEIGHT);
    for text in ["Hour", "Share of the day", EVEN_LABEL, "manual"] {
        assert!(svg.contains(text), "no {text:?} in the SVG");
    }
    failures.extend(check_snapshot("spend_vs_baseline", &svg));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
