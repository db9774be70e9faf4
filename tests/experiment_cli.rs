//! `sandbox experiment`: the spec's treatment is the base with its dotted keys changed, the
//! truths are one-arm runs, the output is deterministic, and bad specs name their key.
#![cfg(not(target_arch = "wasm32"))]

include!("cli_common.rs.inc");

use sandbox::config::spec::experiment;
use sandbox::core::model::{simulate, summarise, Metric, Params, Scenario};

fn report(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).expect("JSON report")
}

#[test]
fn equal_arms_have_zero_truths_and_the_output_is_deterministic() {
    let spec = r#"{"base": {"users": {"count": 300}}, "treatment": {}, "days": 4, "horizon_days": 6,
                   "metrics": ["revenue_per_day", "ctr", "mean_fatigue"]}"#;
    let first = ok(&["experiment", "-"], Some(spec));
    assert_eq!(first, ok(&["experiment", "-"], Some(spec)));
    let r = report(&first);
    assert_eq!(r["design"], "user");
    let metrics = r["metrics"].as_array().expect("metrics");
    assert_eq!(metrics.len(), 3);
    for m in metrics {
        assert_eq!(m["truth"], 0.0, "{m}");
        assert_eq!(m["long_term_truth"], 0.0, "{m}");
        assert!(m["estimate"].as_f64().is_some_and(f64::is_finite), "{m}");
    }
}

#[test]
fn truths_are_the_one_arm_runs_over_their_windows() {
    let spec = experiment::parse(
        r#"{"base": {"users": {"count": 300}}, "treatment": {"ad_load.max_ads": 2,
            "utility.w_fat": 1.5}, "pre_days": 2, "days": 3, "horizon_days": 9,
            "design": "switchback"}"#,
    )
    .expect("valid");
    let mut want = Params::default();
    want.users.count = 300;
    assert_eq!(spec.base, want);
    want.ad_load.max_ads = 2;
    want.utility.w_fat = 1.5;
    assert_eq!(spec.treatment, want);
    let r = experiment::run(&spec).expect("runs");
    let run = |p: &Params, days: u32| {
        let mut p = p.clone();
        p.sim.days = days;
        simulate(&Scenario::new(p).expect("valid")).days
    };
    let (c, t) = (run(&spec.base, 5), run(&spec.treatment, 5));
    let (lc, lt) = (run(&spec.base, 9), run(&spec.treatment, 9));
    let metric = Metric::from_key("revenue_per_day").expect("metric");
    let v = |days: &[sandbox::core::model::DayMetrics]| {
        metric
            .row()
            .value(&summarise(days))
            .expect("summary metric")
    };
    let line = &r.metrics[0];
    assert_eq!(line.metric, "revenue_per_day");
    assert_eq!(line.truth, v(&t[2..5]) - v(&c[2..5]));
    assert_eq!(line.long_term_truth, v(&lt[2..9]) - v(&lc[2..9]));
    assert!(line.truth < 0.0, "fewer ads earn less: {}", line.truth);
}

#[test]
fn bad_specs_name_their_key() {
    for (spec, key) in [
        (
            r#"{"treatment": {"ad_load.nope": 1}}"#,
            "treatment.ad_load.nope",
        ),
        (
            r#"{"treatment": {"ad_load.max_ads": 99}}"#,
            "treatment.ad_load.max_ads",
        ),
        (r#"{"design": "cluster"}"#, "`design`"),
        (r#"{"treatment_share": 1.5}"#, "`treatment_share`"),
        (r#"{"days": 0}"#, "`days`"),
        (r#"{"replications": 0}"#, "`replications`"),
        (r#"{"metrics": ["nope"]}"#, "`metrics`"),
        (r#"{"colour": 1}"#, "`colour`"),
    ] {
        let stderr = err(&["experiment", "-"], Some(spec));
        assert!(stderr.contains(key), "{spec}: {stderr}");
    }
}
