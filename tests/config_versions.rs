//! Configurations saved by an earlier release keep their numbers.
//!
//! `tests/data/v1_max_clicks_summary.json` is what `sandbox simulate --summary --link LINK`
//! printed in link and export version 1 (before the `max_clicks` controller's dual stepped in an
//! hour that spends the whole budget) for [`LINK`]: a market whose small budgets go in one hour.
//! Today that link, and that document fed back as a configuration, must give the same summaries
//! to the last bit; the same market as a version-2 link runs the current rule and differs.

#![cfg(not(target_arch = "wasm32"))] // reads files; native only

use sandbox::config::export::{parse_config_json, parse_json_exact};
use sandbox::config::url::decode;
use sandbox::core::model::{simulate, Params, Scenario};

const LINK: &str =
    "v=1&strategies=manual:0.3,max_clicks:0.7&users=300&advertisers=40&budget=0.3&value_sigma=1&days=14";

fn stored() -> serde_json::Value {
    let text = std::fs::read_to_string("tests/data/v1_max_clicks_summary.json").expect("stored");
    parse_json_exact(&text).expect("JSON")
}

fn summaries(params: Params) -> serde_json::Value {
    let result = simulate(&Scenario::new(params).expect("valid"));
    serde_json::to_value(&result.summaries).expect("summaries")
}

#[test]
fn a_version_1_link_with_max_clicks_keeps_its_numbers() {
    let doc = stored();
    assert_eq!(doc["version"], 1);
    let decoded = decode(LINK);
    assert!(decoded.problems.is_empty(), "{:?}", decoded.problems);
    assert_eq!(summaries(decoded.params), doc["summary"]);
}

#[test]
fn a_version_1_document_with_max_clicks_keeps_its_numbers() {
    let text = std::fs::read_to_string("tests/data/v1_max_clicks_summary.json").expect("stored");
    let (params, _warnings) = parse_config_json(&text).expect("configuration");
    assert_eq!(summaries(params), stored()["summary"]);
}

#[test]
fn the_same_market_as_a_version_2_link_runs_the_current_rule() {
    let current = decode(&LINK.replacen("v=1", "v=2", 1));
    assert!(current.problems.is_empty(), "{:?}", current.problems);
    let now = summaries(current.params);
    let then = &stored()["summary"];
    assert_ne!(&now, then);
    // The budgets are small: spend shrinks a little as early spenders learn to bid less.
    let revenue = |s: &serde_json::Value| s["last_week"]["revenue_per_day"].as_f64().unwrap();
    assert!(
        revenue(&now) < revenue(then),
        "{} vs {}",
        revenue(&now),
        revenue(then)
    );
}
