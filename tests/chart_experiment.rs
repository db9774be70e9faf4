//! The Experiments views' charts, built from real `sandbox experiment` reports and from hand-made
//! ones: they draw, their axes span the data, and missing or null sections draw a message
//! instead (no panic).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::chart::experiment::{
    daily_effect_from_report, estimate_vs_truth_from_report, learning_curve_from_report,
    render_daily_effect_svg, render_estimate_vs_truth_svg, render_learning_curve_svg, DailyEffect,
    EstimateVsTruth, LearningCurve, Ranges,
};
use sandbox::config::spec::experiment;
use serde_json::{json, Value};

const WIDTH: u32 = 640;
const HEIGHT: u32 = 360;

/// A small user test of an ad-load increase with a post-period and two designs side by side.
fn report() -> Value {
    let spec = experiment::parse(
        r#"{"base": {"users": {"count": 1500, "blindness": 2, "fatigue_half_life_days": 3}},
            "treatment": {"ad_load.every": 2, "ad_load.max_ads": 8}, "days": 6, "post_days": 8,
            "horizon_days": 10, "metrics": ["ctr", "revenue_per_day", "mean_fatigue"],
            "designs": ["budget_split", "switchback"]}"#,
    )
    .expect("valid");
    experiment::run(&spec, 2).expect("runs")
}

/// The texts of an SVG's `<text>` elements, trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = t.split_once('>')?.1;
            Some(body.split("</text>").next()?.trim().to_string())
        })
        .collect()
}

fn daily_svg(c: &DailyEffect) -> (String, Option<Ranges>) {
    render_daily_effect_svg(c, WIDTH, HEIGHT)
}
fn estimate_svg(c: &EstimateVsTruth) -> (String, Option<Ranges>) {
    render_estimate_vs_truth_svg(c, WIDTH, HEIGHT)
}
fn learning_svg(c: &LearningCurve) -> (String, Option<Ranges>) {
    render_learning_curve_svg(c, WIDTH, HEIGHT)
}

#[test]
fn the_daily_effect_spans_every_day_and_interval_and_shades_the_post_period() {
    let r = report();
    let chart = daily_effect_from_report(&r, "ctr");
    assert_eq!(chart.message, None);
    assert_eq!(chart.points.len(), 14);
    assert_eq!(chart.points.iter().filter(|p| p.post).count(), 8);
    let (svg, ranges) = daily_svg(&chart);
    let ranges = ranges.expect("drawn");
    for p in &chart.points {
        assert!(
            ranges.contains(p.day, 100.0 * p.relative),
            "{p:?} {ranges:?}"
        );
        let [lo, hi] = p.ci.expect("an interval every day");
        assert!(ranges.contains(p.day, 100.0 * lo) && ranges.contains(p.day, 100.0 * hi));
    }
    assert!(
        ranges.y[0] < 0.0 && ranges.y[1] > 0.0,
        "zero is on the axis"
    );
    let labels = texts(&svg);
    assert!(
        labels.iter().any(|t| t == "Daily effect on ctr"),
        "{labels:?}"
    );
    assert!(labels.iter().any(|t| t == "after the test"), "{labels:?}");
    assert!(svg.contains("<polygon"), "the interval band");
    // Without a post-period nothing is shaded.
    let mut test_only = chart.clone();
    test_only.points.retain(|p| !p.post);
    let (svg, _) = daily_svg(&test_only);
    assert!(!svg.contains("after the test"));
}

#[test]
fn the_estimate_against_truth_has_a_row_per_design_and_metric_within_its_range() {
    let r = report();
    let chart = estimate_vs_truth_from_report(&r);
    assert_eq!(chart.rows.len(), 3 * 3);
    assert_eq!(chart.rows[0].design, "user");
    assert_eq!(chart.rows[0].metric, "ctr");
    assert_eq!(chart.rows[3].design, "budget_split");
    // The truth is the design's own; the long-term truth the world's.
    assert_eq!(
        chart.rows[0].truth,
        r["metrics"]["ctr"]["truth"]["relative"].as_f64().unwrap()
    );
    assert_eq!(chart.rows[3].long_term, chart.rows[0].long_term);
    let (svg, ranges) = estimate_svg(&chart);
    let ranges = ranges.expect("drawn");
    for (i, row) in chart.rows.iter().enumerate() {
        let x = i as f64;
        for v in [row.estimate, row.truth, row.long_term] {
            assert!(!v.is_finite() || ranges.contains(x, 100.0 * v), "{row:?}");
        }
        if let Some([lo, hi]) = row.ci {
            assert!(ranges.contains(x, 100.0 * lo) && ranges.contains(x, 100.0 * hi));
        }
    }
    let labels = texts(&svg);
    for label in [
        "ctr",
        "revenue_per_day",
        "mean_fatigue",
        "user",
        "budget_split",
        "switchback",
    ] {
        // Whole, or cut with "…" to fit its row.
        let n = labels
            .iter()
            .filter(|t| {
                *t == label
                    || t.strip_suffix('…')
                        .is_some_and(|cut| cut.len() >= 2 && label.starts_with(cut))
            })
            .count();
        assert_eq!(n, 3, "{label}: {labels:?}");
    }
    // Rows wide enough for their labels show them whole; narrow ones cut the long ones.
    let (wide, _) = render_estimate_vs_truth_svg(&chart, 9 * 160, HEIGHT);
    let wide = texts(&wide);
    assert_eq!(wide.iter().filter(|t| *t == "revenue_per_day").count(), 3);
    assert!(!wide.iter().any(|t| t.ends_with('…')), "{wide:?}");
    let (narrow, _) = render_estimate_vs_truth_svg(&chart, 9 * 50, HEIGHT);
    let narrow = texts(&narrow);
    assert!(!narrow.iter().any(|t| t == "revenue_per_day"), "{narrow:?}");
    assert!(
        narrow
            .iter()
            .any(|t| t.starts_with("reven") && t.ends_with('…')),
        "{narrow:?}"
    );
    assert!(labels.iter().any(|t| t == "long-term truth"));
    // A row without an estimate or a truth says so.
    let mut none = chart.clone();
    none.rows[0].estimate = f64::NAN;
    none.rows[0].truth = f64::NAN;
    none.rows[0].ci = None;
    let (svg, _) = render_estimate_vs_truth_svg(&none, 9 * 160, HEIGHT);
    let labels = texts(&svg);
    assert_eq!(labels.iter().filter(|t| *t == "user (none)").count(), 1);
    assert_eq!(labels.iter().filter(|t| *t == "user").count(), 2);
}

#[test]
fn the_learning_curve_draws_the_post_days_and_the_fitted_half_life() {
    let r = report();
    let chart = learning_curve_from_report(&r, "mean_fatigue");
    assert_eq!(chart.points.len(), 8);
    let (a, t0, h) = chart.fit.expect("the fatigue gap decays");
    assert!(a > 0.0 && t0 == 1.0, "{a} {t0}");
    // The fatigue gap decays at the fatigue half-life (3 days, see experiment_cli).
    assert!((h - 3.0).abs() < 0.5, "{h}");
    // The fitted curve goes through the points: within 20% of the first day's gap.
    for &(t, v) in &chart.points {
        let f = chart.fitted(t).expect("fitted");
        assert!(
            (f - v).abs() < 0.2 * chart.points[0].1,
            "day {t}: {f} vs {v}"
        );
    }
    let (svg, ranges) = learning_svg(&chart);
    let ranges = ranges.expect("drawn");
    for &(t, v) in &chart.points {
        assert!(ranges.contains(t, 100.0 * v));
    }
    assert!(svg.contains(&format!("half-life {h:.1} days")), "{svg}");
}

#[test]
fn missing_or_null_sections_draw_a_message_and_never_panic() {
    // No post-period, a switchback's daily section, an empty report, a null report.
    let plain = experiment::run(
        &experiment::parse(
            r#"{"base": {"users": {"count": 300}}, "treatment": {"ad_load.every": 3},
                "design": "switchback", "days": 4, "horizon_days": 2,
                "metrics": ["revenue_per_day"]}"#,
        )
        .expect("valid"),
        1,
    )
    .expect("runs");
    let daily = daily_effect_from_report(&plain, "revenue_per_day");
    let message = daily.message.clone().expect("switchback: no daily effect");
    assert!(message.contains("switchback"), "{message}");
    let (svg, ranges) = daily_svg(&daily);
    assert_eq!(ranges, None);
    assert!(svg.contains("no daily effect"), "{svg}");
    let learning = learning_curve_from_report(&plain, "revenue_per_day");
    let (svg, ranges) = learning_svg(&learning);
    assert_eq!(ranges, None);
    assert!(svg.contains("no post-period"), "{svg}");
    for report in [json!({}), Value::Null, json!({"metrics": {"ctr": null}})] {
        for (svg, ranges) in [
            daily_svg(&daily_effect_from_report(&report, "ctr")),
            learning_svg(&learning_curve_from_report(&report, "ctr")),
            estimate_svg(&estimate_vs_truth_from_report(&report)),
        ] {
            assert_eq!(ranges, None);
            assert!(svg.contains("no "), "{svg}");
        }
    }
    // Null days and a fit that found nothing draw what there is.
    let report = json!({"metrics": {"ctr": {
        "daily": {"day": [1, 2, 3], "period": ["test", "test", "post"],
                  "relative": [0.1, null, -0.05], "relative_ci": [[0.0, 0.2], null, null]},
        "post_period": {"daily_relative": [0.02, null, 0.01], "half_life_days": null,
                        "half_life_reason": "the fit found no decay"}}}});
    let (_, ranges) = daily_svg(&daily_effect_from_report(&report, "ctr"));
    let ranges = ranges.expect("drawn");
    assert!(ranges.contains(1.0, 20.0) && ranges.contains(3.0, -5.0));
    let (svg, ranges) = learning_svg(&learning_curve_from_report(&report, "ctr"));
    assert!(ranges.is_some());
    assert!(
        svg.contains("no decay fitted: the fit found no decay"),
        "{svg}"
    );
    // Too small to draw on: nothing but the background, no panic.
    let (svg, ranges) = render_daily_effect_svg(&daily_effect_from_report(&report, "ctr"), 50, 40);
    assert_eq!(ranges, None);
    assert!(!svg.contains("<polygon"));
}
