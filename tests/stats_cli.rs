//! `sandbox stats SPEC`: the documented keys and textbook numbers on stdout, the same bytes on
//! every run, and bad specs exiting 2 with a message that names the key.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

include!("cli_common.rs.inc");

use serde_json::Value;

fn stats(spec: &str) -> Value {
    let out = ok(&["stats", "-"], Some(spec));
    assert_eq!(out, ok(&["stats", "-"], Some(spec)), "same bytes every run");
    serde_json::from_str(&out).expect("the report is JSON")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

#[test]
fn proportions_print_the_difference_and_lift_with_intervals() {
    // Newcombe (1998), example (a): 56/70 vs 48/80, Wald interval 0.0575 to 0.3425.
    let v = stats(r#"{"proportions": {"control": [48, 80], "treatment": [56, 70]}}"#);
    for key in [
        "difference",
        "difference_ci",
        "relative",
        "relative_ci",
        "p_value",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert!((num(&v, "difference") - 0.2).abs() < 1e-12);
    assert!((v["difference_ci"][0].as_f64().unwrap() - 0.0575).abs() < 5e-5);
    assert!((v["difference_ci"][1].as_f64().unwrap() - 0.3425).abs() < 5e-5);
    assert!((num(&v, "relative") - 1.0 / 3.0).abs() < 1e-12);
    assert!((num(&v, "p_value") - 0.008_045_081_368_196_568).abs() < 1e-12);
}

#[test]
fn sample_size_prints_n_per_arm() {
    // 2(z_{0.975} + z_{0.8})²·1²/0.1² = 1569.78 → 1570.
    let v = stats(r#"{"sample_size": {"sd": 1, "mde": 0.1, "alpha": 0.05, "power": 0.8}}"#);
    assert_eq!(v["n_per_arm"], 1570);
    // A proportion: σ² = 0.1·0.9, δ = 0.1·0.05 → 56 511.93 → 56 512; α and power by default.
    let v = stats(r#"{"sample_size": {"baseline": 0.1, "relative_lift": 0.05}}"#);
    assert_eq!(v["n_per_arm"], 56_512);
    assert_eq!((num(&v, "alpha"), num(&v, "power")), (0.05, 0.8));
    // The MDE at that n is the lift asked for, just below.
    let v = stats(r#"{"mde": {"baseline": 0.1, "n_per_arm": 56512}}"#);
    let relative = num(&v, "relative_mde");
    assert!(relative < 0.05 && relative > 0.0499, "{relative}");
}

#[test]
fn every_other_statistic_runs_from_the_command_line() {
    let v = stats(r#"{"srm": {"counts": [1000, 1100]}}"#);
    assert!((num(&v, "p_value") - 0.029_096_331_741_252_21).abs() < 1e-12);
    let v = stats(r#"{"means": {"control": [1, 2, 3, 4], "treatment": [2, 4, 6]}}"#);
    assert!((num(&v, "difference") - 1.5).abs() < 1e-12);
    let v = stats(
        r#"{"ratio": {"control": {"numerator": [1, 3], "denominator": [10, 10]},
                      "treatment": {"numerator": [2, 2], "denominator": [10, 10]}}}"#,
    );
    assert!((num(&v, "difference_se") - 0.1).abs() < 1e-12);
    let v = stats(
        r#"{"cuped": {"control": {"values": [1, 2, 3, 4], "pre": [1, 2, 2, 5]},
                      "treatment": {"values": [2, 3, 5, 6], "pre": [1, 3, 4, 5]}}}"#,
    );
    // Equal arms: the variance reduction is the pooled ρ² = 15²/(17.75·15).
    assert!((num(&v, "variance_reduction") - 15.0 / 17.75).abs() < 1e-12);
    assert!(v["adjusted"]["difference_ci"].is_array());
    let times: Vec<f64> = (0..30).map(f64::from).collect();
    let values: Vec<f64> = times.iter().map(|t| 3.0 * 0.5f64.powf(t / 6.0)).collect();
    let spec = serde_json::json!({"decay": {"times": times, "values": values}});
    let v = stats(&spec.to_string());
    assert!((num(&v, "half_life") - 6.0).abs() < 1e-6, "{v}");
}

#[test]
fn bad_specs_exit_2_and_name_the_key() {
    for (spec, needle) in [
        ("{", "invalid stats spec JSON"),
        ("[1]", "must be a JSON object"),
        ("{}", "give exactly one of `proportions`"),
        (r#"{"t_test": {}}"#, "unknown key `t_test`"),
        (
            r#"{"srm": {"counts": [1, 2]}, "means": {}}"#,
            "give exactly one of",
        ),
        (
            r#"{"proportions": {"control": [1, 2]}}"#,
            "`proportions.treatment`: is missing",
        ),
        (
            r#"{"proportions": {"control": [1, 2], "treatment": [3]}}"#,
            "`proportions.treatment`: must be [successes, n]",
        ),
        (
            r#"{"proportions": {"control": [1.5, 2], "treatment": [1, 2]}}"#,
            "`proportions.control[0]`: must be a whole number",
        ),
        (
            r#"{"proportions": {"control": [3, 2], "treatment": [1, 2]}}"#,
            "`proportions.control`: successes (3) cannot exceed n (2)",
        ),
        (
            r#"{"proportions": {"control": [1, 2], "treatment": [1, 2], "pooled": true}}"#,
            "`proportions`: unknown key `pooled`",
        ),
        (
            r#"{"sample_size": {"sd": 1, "mde": 0.1, "power": 1}}"#,
            "`sample_size.power`: must be a probability",
        ),
        (
            r#"{"sample_size": {"sd": -1, "mde": 0.1}}"#,
            "`sample_size.sd`: must be a positive number",
        ),
        (
            r#"{"sample_size": {"baseline": 1.2, "relative_lift": 0.1}}"#,
            "`sample_size.baseline`",
        ),
        (
            r#"{"sample_size": {"baseline": 0.1, "sd": 1, "mde": 0.1}}"#,
            "`sample_size.sd`: give either `baseline`",
        ),
        (
            r#"{"sample_size": {"baseline": 0.1, "mde": 0.1}}"#,
            "`sample_size.mde`: with `baseline`",
        ),
        (
            r#"{"sample_size": {"mde": 0.1}}"#,
            "`sample_size`: needs `baseline`",
        ),
        (
            r#"{"sample_size": {"sd": 1, "mde": "big"}}"#,
            "`sample_size.mde`: must be a number",
        ),
        (
            r#"{"mde": {"sd": 1, "n_per_arm": 0}}"#,
            "`mde.n_per_arm`: must be at least 1",
        ),
        (
            r#"{"means": {"control": [1], "treatment": [1, 2]}}"#,
            "`means.control`: needs at least 2 units",
        ),
        (
            r#"{"ratio": {"control": {"numerator": [1, 2], "denominator": [1]}, "treatment": {"numerator": [1, 2], "denominator": [1, 1]}}}"#,
            "`ratio.control.denominator`: needs one entry per unit",
        ),
        (
            r#"{"cuped": {"control": {"values": [1, 2], "pre": [1, 1]}, "treatment": {"values": [1, 2], "pre": [3, 3]}}}"#,
            "`cuped.control.pre`",
        ),
        (
            r#"{"srm": {"counts": [10, 12], "shares": [1, 0]}}"#,
            "`srm.shares[1]`: must be a positive number",
        ),
        (
            r#"{"decay": {"times": [0, 1, 2], "values": [1, 0.5, 0.25], "asymptote": "one"}}"#,
            "`decay.asymptote`: must be \"zero\" or \"free\"",
        ),
        (
            r#"{"decay": {"times": [0, 1], "values": [1, 0.5]}}"#,
            "`decay.times`: needs at least 3 points",
        ),
    ] {
        let e = err(&["stats", "-"], Some(spec));
        assert!(e.contains(needle), "{spec}: {e}");
        assert!(!e.contains("panicked"), "{spec}: {e}");
    }
    assert!(err(&["stats"], None).contains("needs a SPEC"));
    assert!(ok(&["help"], None).contains("sandbox stats SPEC"));
}
