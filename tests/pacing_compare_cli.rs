//! `sandbox pacing` with a `config`: a configuration's `max_clicks` controllers against the
//! first-price pacing equilibrium of its market, as the library computes it.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

include!("cli_common.rs.inc");

use sandbox::config::export::parse_config_json;
use sandbox::core::model::{compare_with_fppe, Scenario};

/// The README's example: 2 000 users with 5 sessions a day, 20 `max_clicks` advertisers, 40
/// days, one ad per session at position 1, first price without reserve or shading.
const CONFIG: &str = r#"{
  "sim": {"days": 40},
  "users": {"count": 2000, "fatigue": false, "segments": [{"visits_per_day": 5}]},
  "auction": {"format": "first_price", "reserve": 0, "bid_shading": 0},
  "ad_load": {"first_position": 1, "top_slot": 1, "max_ads": 1, "frequency_cap": 20},
  "advertisers": {"count": 20, "budget_mean": 5, "targeted_share": 0, "churn_probability": 0,
                  "strategies": {"max_clicks": 1}}
}"#;

fn spec(config: &str) -> String {
    format!(r#"{{"config": {config}}}"#)
}

#[test]
fn the_report_has_its_keys_and_the_library_numbers() {
    let out = ok(&["pacing", "-"], Some(&spec(CONFIG)));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let keys: Vec<&str> = doc
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = [
        "advertisers",
        "correlation",
        "mean_abs_difference",
        "mean_difference",
        "stuck",
        "fppe_conditions_hold",
    ];
    want.sort_unstable();
    assert_eq!(keys, want);

    let (params, warnings) = parse_config_json(CONFIG).expect("config");
    assert!(warnings.is_empty(), "{warnings:?}");
    let c = compare_with_fppe(&Scenario::new(params).expect("valid")).expect("maps");
    let rows = doc["advertisers"].as_array().expect("list");
    assert_eq!(rows.len(), c.advertisers.len());
    assert_eq!(rows.len(), 20);
    for (row, a) in rows.iter().zip(&c.advertisers) {
        let mut fields: Vec<&str> = row
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "budget",
                "controller_multiplier",
                "fppe_multiplier",
                "fppe_spend"
            ]
        );
        assert_eq!(row["fppe_multiplier"].as_f64(), Some(a.fppe_multiplier));
        assert_eq!(
            row["controller_multiplier"].as_f64(),
            Some(a.controller_multiplier)
        );
        assert_eq!(row["budget"].as_f64(), Some(a.budget));
        assert_eq!(row["fppe_spend"].as_f64(), Some(a.fppe_spend));
    }
    assert_eq!(doc["correlation"].as_f64(), c.correlation);
    assert_eq!(doc["mean_abs_difference"].as_f64(), c.mean_abs_difference);
    assert_eq!(doc["mean_difference"].as_f64(), c.mean_difference);
    assert_eq!(doc["stuck"].as_u64(), Some(c.stuck as u64));
    assert!(c.fppe_check.is_empty());
    assert_eq!(doc["fppe_conditions_hold"], serde_json::json!(true));
    // The README's numbers (seed 1), as the comparison test measures them.
    assert_eq!(c.stuck, 0);
    assert!(c.correlation.expect("defined") > 0.995);
    assert!(c.mean_abs_difference.expect("defined") < 0.015);

    // The same configuration as a share link gives the same bytes.
    let link = ok(&["link", "-"], Some(CONFIG));
    let from_link = ok(
        &["pacing", "-"],
        Some(&format!(r#"{{"config": {:?}}}"#, link.trim())),
    );
    assert_eq!(from_link, out);
}

/// The README's example spec runs and prints what the spec above prints.
#[test]
fn the_readme_example_runs() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("cat > fppe.json <<'EOF'\n")
        .expect("the README's example")
        + "cat > fppe.json <<'EOF'\n".len();
    let len = readme[start..].find("\nEOF\n").expect("its end");
    let example = &readme[start..start + len];
    assert_eq!(
        ok(&["pacing", "-"], Some(example)),
        ok(&["pacing", "-"], Some(&spec(CONFIG)))
    );
}

#[test]
fn bad_specs_exit_2_naming_the_field() {
    // Both forms.
    let both = r#"{"config": {}, "values": [[1]]}"#;
    let e = err(&["pacing", "-"], Some(both));
    assert!(e.contains("`values`") && e.contains("not both"), "{e}");
    // A condition of the mapping: a second-price configuration.
    let gsp = CONFIG.replace("\"first_price\"", "\"gsp\"");
    let e = err(&["pacing", "-"], Some(&spec(&gsp)));
    assert!(e.contains("`auction.format` must be `first_price`"), "{e}");
    assert_eq!(e.matches(" must be ").count(), 1, "{e}");
    // Two ads a session.
    let two = CONFIG.replace("\"max_ads\": 1", "\"max_ads\": 2");
    let e = err(&["pacing", "-"], Some(&spec(&two)));
    assert!(e.contains("`ad_load.max_ads` must be 1"), "{e}");
    // Fatigue on, manual bidders.
    let e = err(&["pacing", "-"], Some(&spec("{}")));
    for field in ["`users.fatigue`", "`advertisers.strategies`"] {
        assert!(e.contains(field), "{field}: {e}");
    }
    // An invalid configuration names its field.
    let e = err(
        &["pacing", "-"],
        Some(&spec(r#"{"ad_load": {"max_ads": 99}}"#)),
    );
    assert!(e.contains("ad_load.max_ads"), "{e}");
    // Another key with `config`.
    let e = err(
        &["pacing", "-"],
        Some(&spec(CONFIG).replacen('{', r#"{"format": "first_price", "#, 1)),
    );
    assert!(e.contains("`format`"), "{e}");
}

#[test]
fn explicit_markets_are_unchanged() {
    let out = ok(
        &["pacing", "-"],
        Some(r#"{"values": [[3, 1], [1, 2]], "budgets": [1, 1]}"#),
    );
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["format"], "first_price");
    assert_eq!(doc["conditions_hold"], serde_json::json!(true));
    let e = err(&["pacing", "-"], Some(r#"{"budgets": [1]}"#));
    assert!(e.contains("`values` is missing"), "{e}");
}
