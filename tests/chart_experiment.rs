//! The Experiments views' charts, built from real `sandbox experiment` reports and from hand-made
//! ones: they draw, their axes span the data, and missing or null sections draw a message
//! instead (no panic).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::chart::experiment::{
    daily_effect_from_report, estimate_layout, estimate_vs_truth_from_report,
    estimate_vs_truth_height, learning_curve_from_report, render_daily_effect_svg,
    render_estimate_vs_truth_svg, render_learning_curve_svg, DailyEffect, EstimateRow,
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
    // Each row's metric under it; each design once, under its run of rows.
    for (label, times) in [
        ("ctr", 3),
        ("revenue_per_day", 3),
        ("mean_fatigue", 3),
        ("user", 1),
        ("budget_split", 1),
        ("switchback", 1),
    ] {
        let n = labels.iter().filter(|t| *t == label).count();
        assert_eq!(n, times, "{label}: {labels:?}");
    }
    // Rows wide enough for their labels show them across; narrow ones turn them upright,
    // whole.
    let (wide, _) = render_estimate_vs_truth_svg(&chart, 9 * 160, HEIGHT);
    // (The y-axis' description is upright in every chart.)
    assert_eq!(wide.matches("rotate(").count(), 1, "across");
    let wide = texts(&wide);
    assert_eq!(wide.iter().filter(|t| *t == "revenue_per_day").count(), 3);
    assert!(!wide.iter().any(|t| t.ends_with('…')), "{wide:?}");
    let (narrow, _) = render_estimate_vs_truth_svg(&chart, 9 * 50, HEIGHT);
    assert_eq!(
        narrow.matches("rotate(270").count(),
        1 + 9,
        "upright metric labels"
    );
    let narrow = texts(&narrow);
    assert_eq!(narrow.iter().filter(|t| *t == "revenue_per_day").count(), 3);
    assert!(labels.iter().any(|t| t == "long-term truth"));
    // A row without an estimate or a truth says so.
    let mut none = chart.clone();
    none.rows[0].estimate = f64::NAN;
    none.rows[0].truth = f64::NAN;
    none.rows[0].ci = None;
    let (svg, _) = render_estimate_vs_truth_svg(&none, 9 * 160, HEIGHT);
    let labels = texts(&svg);
    assert_eq!(labels.iter().filter(|t| *t == "n/a").count(), 1);
    assert_eq!(labels.iter().filter(|t| *t == "user").count(), 1);
}

/// A `<text>` element of an SVG: its x, its anchor and its text.
fn text_elements(svg: &str) -> Vec<(f64, String, String, bool)> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let (attrs, body) = t.split_once('>')?;
            let attr = |name: &str| -> Option<String> {
                let from = attrs.find(&format!(" {name}=\""))? + name.len() + 3;
                Some(attrs[from..].split('"').next()?.to_string())
            };
            Some((
                attr("x")?.parse().ok()?,
                attr("text-anchor").unwrap_or_else(|| "start".into()),
                body.split("</text>").next()?.trim().to_string(),
                attrs.contains("rotate("),
            ))
        })
        .collect()
}

/// Whether an across text element lies within `[0, width]` (12 px sans-serif: 6.8 px a
/// character at most).
fn inside(x: f64, anchor: &str, text: &str, width: f64) -> bool {
    let w = 6.8 * text.chars().count() as f64;
    let (from, to) = match anchor {
        "end" => (x - w, x),
        "middle" => (x - w / 2.0, x + w / 2.0),
        _ => (x, x + w),
    };
    from >= 0.0 && to <= width
}

/// 15 rows (three designs × five metrics) on a phone (390 px): the metrics' labels are upright
/// and whole or nearly (at least 12 characters), every design's name and legend item lies
/// within the chart, and the chart grows taller to hold them; at 1280 px it keeps its height.
#[test]
fn fifteen_rows_fit_a_narrow_chart() {
    let spec = experiment::parse(
        r#"{"base": {"users": {"count": 200}}, "treatment": {"ad_load.every": 3},
            "days": 3, "horizon_days": 2, "designs": ["budget_split", "switchback"]}"#,
    )
    .expect("valid");
    let r = experiment::run(&spec, 2).expect("runs");
    let chart = estimate_vs_truth_from_report(&r);
    assert_eq!(chart.rows.len(), 15);
    let width = 390;
    let height = estimate_vs_truth_height(&chart, width, 320);
    assert!(height > 320, "{height}");
    assert_eq!(estimate_vs_truth_height(&chart, 2400, 320), 320);
    let layout = estimate_layout(&chart, width);
    assert!(layout.upright);
    assert!(
        layout.legend.iter().any(|&(_, line)| line > 0),
        "the legend wraps"
    );
    let (svg, ranges) = render_estimate_vs_truth_svg(&chart, width, height);
    assert!(ranges.is_some());
    let elements = text_elements(&svg);
    let metric_labels: Vec<&(f64, String, String, bool)> = elements
        .iter()
        .filter(|e| e.3 && e.2 != "Treatment vs control (%)")
        .collect();
    assert_eq!(metric_labels.len(), 15);
    for (_, _, text, _) in &metric_labels {
        let key = text.trim_end_matches('…');
        assert!(key.chars().count() >= 12 || !text.ends_with('…'), "{text}");
        assert!(
            chart.rows.iter().any(|r| r.metric.starts_with(key)),
            "{text}"
        );
    }
    for label in ["user", "budget_split", "switchback"].into_iter().chain([
        "truth (test days)",
        "estimate, 95% CI",
        "long-term truth",
    ]) {
        let (x, anchor, text, _) = elements
            .iter()
            .find(|e| e.2 == label)
            .unwrap_or_else(|| panic!("{label}: {elements:?}"));
        assert!(
            inside(*x, anchor, text, f64::from(width)),
            "{label} at {x} ({anchor})"
        );
    }
}

/// The tab's short labels ("Engagement / day") on 15 rows 1200 px wide: wrapped at a space onto
/// two lines across their rows rather than turned upright; 390 px wide: upright, whole.
#[test]
fn short_labels_wrap_across_before_turning_upright() {
    let short = [
        "Revenue / day",
        "Engagement / day",
        "Sessions / day",
        "CTR",
        "Mean fatigue",
    ];
    let rows = (0..15)
        .map(|i| EstimateRow {
            design: ["user", "budget_split", "switchback"][i / 5].into(),
            metric: short[i % 5].into(),
            estimate: 0.01 * i as f64,
            ci: Some([-0.1, 0.2]),
            truth: 0.05,
            long_term: 0.03,
        })
        .collect();
    let chart = EstimateVsTruth {
        title: "Estimate vs truth".into(),
        rows,
        message: None,
    };
    let layout = estimate_layout(&chart, 1200);
    assert!(!layout.upright);
    assert_eq!(layout.metric_lines, 2);
    let (svg, _) = render_estimate_vs_truth_svg(&chart, 1200, 320);
    let labels = texts(&svg);
    assert_eq!(labels.iter().filter(|t| *t == "Engagement").count(), 3);
    assert_eq!(labels.iter().filter(|t| *t == "Revenue").count(), 3);
    assert_eq!(labels.iter().filter(|t| *t == "/ day").count(), 9);
    assert_eq!(labels.iter().filter(|t| *t == "CTR").count(), 3);
    assert_eq!(
        svg.matches("rotate(").count(),
        1,
        "only the y-axis description"
    );
    let layout = estimate_layout(&chart, 390);
    assert!(layout.upright);
    let (svg, _) = render_estimate_vs_truth_svg(&chart, 390, layout.height);
    let labels = texts(&svg);
    assert_eq!(
        labels.iter().filter(|t| *t == "Engagement / day").count(),
        3
    );
}

#[test]
fn the_reports_own_design_among_the_compared_ones_is_drawn_once() {
    let m = json!({"estimate": {"relative": 0.1, "relative_ci": [0.0, 0.2]},
                   "truth": {"relative": 0.12}, "long_term_truth": {"relative": 0.05}});
    let side = json!({"relative": 0.1, "relative_ci": [0.0, 0.2], "truth_relative": 0.12});
    let report = json!({"design": "user", "metric_keys": ["ctr"], "metrics": {"ctr": m},
        "designs": {"switchback": {"metrics": {"ctr": side}}, "user": {"metrics": {"ctr": side}}}});
    let chart = estimate_vs_truth_from_report(&report);
    let designs: Vec<&str> = chart.rows.iter().map(|r| r.design.as_str()).collect();
    assert_eq!(designs, ["user", "switchback"]);
}

/// A two-day post-period on a phone-wide daily chart: "after the test" stays within the chart.
#[test]
fn the_after_the_test_label_is_never_cut() {
    let r = report();
    let mut chart = daily_effect_from_report(&r, "ctr");
    // Keep the 6 test days and the first post day only: a narrow shade at the right edge.
    chart.points.truncate(7);
    for width in [320, 390, 640] {
        let (svg, _) = render_daily_effect_svg(&chart, width, 320);
        let (x, anchor, text, _) = text_elements(&svg)
            .into_iter()
            .find(|e| e.2 == "after the test")
            .expect("labelled");
        assert!(
            inside(x, &anchor, &text, f64::from(width) - 2.0),
            "{width}: {x} {anchor}"
        );
    }
    // With a long post-period it starts at the shade.
    let (svg, _) = render_daily_effect_svg(&daily_effect_from_report(&r, "ctr"), 640, 320);
    let (_, anchor, _, _) = text_elements(&svg)
        .into_iter()
        .find(|e| e.2 == "after the test")
        .expect("labelled");
    assert_eq!(anchor, "start");
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
