//! `sandbox feed SPEC`: the JSON contract, its error messages, and that no input panics.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use proptest::prelude::*;
use sandbox::config::spec::feed::run_json;
use serde_json::{json, Value};

fn ok(spec: Value) -> Value {
    let out = run_json(&spec.to_string()).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&out).unwrap()
}

fn err(spec: Value) -> String {
    run_json(&spec.to_string())
        .expect_err("expected an error")
        .to_string()
}

fn base() -> Value {
    json!({
        "organic": [0.9, 0.8, 0.5, 0.4, 0.2],
        "ads": [{"revenue": 0.6, "engagement": 0.1}, {"revenue": 0.4, "engagement": 0.2}],
        "length": 5,
        "position_weights": [1, 1, 1, 1, 1],
        "top_slot": 2,
        "min_gap": 2,
        "method": "threshold",
        "lambda": 1.0
    })
}

fn with(mut v: Value, key: &str, x: Value) -> Value {
    v[key] = x;
    v
}

fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

#[test]
fn threshold_report() {
    let out = ok(base());
    assert_eq!(out["method"], "threshold");
    assert_eq!(out["ad_positions"], json!([3, 5]));
    assert!((out["revenue"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    assert!((out["engagement"].as_f64().unwrap() - 2.5).abs() < 1e-12);
    assert!((out["engagement_no_ads"].as_f64().unwrap() - 2.8).abs() < 1e-12);
    assert!((out["objective"].as_f64().unwrap() - 3.5).abs() < 1e-12);
}

#[test]
fn exact_fixed_and_floor_reports() {
    let exact = ok(with(base(), "method", json!("exact")));
    assert_eq!(exact["method"], "exact");
    assert!(exact["objective"].as_f64().unwrap() >= 3.5 - 1e-12);

    let floor = ok(without(
        with(
            with(base(), "method", json!("exact")),
            "engagement_floor",
            json!(0.9),
        ),
        "lambda",
    ));
    assert!(floor["engagement"].as_f64().unwrap() >= 0.9 * 2.8);
    assert!(floor.get("objective").is_none());

    let fixed = ok(without(
        with(
            with(with(base(), "method", json!("fixed")), "first", json!(1)),
            "every",
            json!(2),
        ),
        "lambda",
    ));
    // Targets 1, 3 → 2 (top slot), 4 (gap).
    assert_eq!(fixed["ad_positions"], json!([2, 4]));

    // Defaults: weights 1/log2(p+1), top slot 1, gap 1, all ads.
    let d = ok(json!({
        "organic": [1.0, 1.0], "ads": [{"revenue": 1, "engagement": 0}], "length": 2,
        "method": "exact", "lambda": 0
    }));
    assert_eq!(d["ad_positions"], json!([1]));
    assert!((d["engagement_no_ads"].as_f64().unwrap() - (1.0 + 1.0 / 3f64.log2())).abs() < 1e-12);
}

#[test]
fn errors_are_clear() {
    let cases: Vec<(Value, &str)> = vec![
        (with(base(), "lamda", json!(1)), "unknown key `lamda`"),
        (
            with(
                with(base(), "method", json!("exact")),
                "engagement_floor",
                json!(0.9),
            ),
            "lambda and engagement_floor are mutually exclusive",
        ),
        (
            without(with(base(), "engagement_floor", json!(0.9)), "lambda"),
            "engagement_floor needs method exact",
        ),
        (without(base(), "lambda"), "method threshold needs `lambda`"),
        (
            without(with(base(), "method", json!("exact")), "lambda"),
            "method exact needs `lambda` (maximise R + λ·E) or `engagement_floor`",
        ),
        (
            without(with(base(), "method", json!("fixed")), "lambda"),
            "method fixed needs `first` and `every`",
        ),
        (
            with(
                with(with(base(), "method", json!("fixed")), "first", json!(1)),
                "every",
                json!(1),
            ),
            "`lambda` does not apply to method fixed",
        ),
        (
            with(base(), "first", json!(1)),
            "`first` does not apply to method threshold",
        ),
        (
            with(base(), "method", json!("greedy")),
            "`method`: unknown variant `greedy`",
        ),
        (
            with(base(), "length", json!(0)),
            "length must be at least 1",
        ),
        (
            with(base(), "length", json!(-3)),
            "`length`: invalid value: integer `-3`",
        ),
        (with(base(), "length", json!(1.5)), "`length`: invalid type"),
        (
            with(base(), "length", json!(100000)),
            "length must be between 1 and 1000",
        ),
        (
            with(base(), "length", json!(6)),
            "position_weights has 5 entries but length is 6",
        ),
        (
            with(base(), "top_slot", json!(0)),
            "top_slot must be at least 1",
        ),
        (
            with(base(), "min_gap", json!(0)),
            "min_gap must be at least 1",
        ),
        (
            with(base(), "lambda", json!(-1)),
            "lambda must be a number in the allowed range 0–1e12 (got -1)",
        ),
        (
            with(base(), "organic", json!([1, -0.5])),
            "organic[1] must be a number in the allowed range 0–1e12",
        ),
        (
            with(base(), "organic", json!("abc")),
            "`organic`: invalid type",
        ),
        (
            with(base(), "ads", json!([{"revenue": 1, "engagment": 0}])),
            "`ads`: unknown field `engagment`",
        ),
        (
            with(base(), "ads", json!([{"revenue": -1, "engagement": 0}])),
            "ads[0].revenue must be a number in the allowed range 0–1e12",
        ),
        (
            with(base(), "position_weights", json!([1, 1, -1, 1, 1])),
            "position_weights[2] must be a number in the allowed range 0–1e12",
        ),
        (
            with(base(), "organic", json!([1e308, 1])),
            "organic[0] must be a number in the allowed range 0–1e12 (got 1e308)",
        ),
        (
            with(base(), "lambda", json!(1e300)),
            "lambda must be a number in the allowed range 0–1e12",
        ),
        (without(base(), "length"), "missing field `length`"),
        (
            without(
                with(
                    with(base(), "method", json!("exact")),
                    "engagement_floor",
                    json!(-0.1),
                ),
                "lambda",
            ),
            "engagement_floor must be a finite number >= 0",
        ),
        (
            without(
                with(
                    with(base(), "method", json!("exact")),
                    "engagement_floor",
                    json!(5.0),
                ),
                "lambda",
            ),
            "engagement_floor 5 is infeasible",
        ),
        (json!([1, 2]), "must be a JSON object"),
    ];
    for (spec, needle) in cases {
        let e = err(spec.clone());
        assert!(
            e.contains(needle),
            "spec {spec}\nerror {e:?}\nexpected {needle:?}"
        );
    }
    assert!(run_json("{")
        .unwrap_err()
        .to_string()
        .starts_with("invalid feed spec JSON"));
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-5i64..2000).prop_map(|n| json!(n)),
        (-2.0f64..3.0).prop_map(|x| json!(x)),
        prop_oneof![Just("exact"), Just("threshold"), Just("fixed"), Just("x")]
            .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(2, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![Just("revenue".to_string()), Just("engagement".to_string())],
                    inner
                ),
                0..3
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

const KEYS: [&str; 13] = [
    "organic",
    "ads",
    "length",
    "position_weights",
    "top_slot",
    "min_gap",
    "max_ads",
    "method",
    "lambda",
    "engagement_floor",
    "first",
    "every",
    "bogus",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_strings_never_panic(s in ".{0,200}") {
        let _ = run_json(&s);
    }

    #[test]
    fn random_specs_never_panic(
        fields in prop::collection::vec((0usize..KEYS.len(), json_value()), 0..14),
        base_fields in any::<bool>(),
    ) {
        let mut spec = if base_fields { base() } else { json!({}) };
        for (k, v) in fields {
            spec[KEYS[k]] = v;
        }
        match run_json(&spec.to_string()) {
            Ok(out) => {
                let v: Value = serde_json::from_str(&out).unwrap();
                prop_assert!(v["ad_positions"].is_array());
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
