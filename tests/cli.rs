//! The `sandbox` command line: deterministic bytes, links reproduce, errors are clear.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

include!("cli_common.rs.inc");

const SMALL: &str =
    r#"{"sim":{"days":8,"seed":5},"users":{"count":300},"advertisers":{"count":30}}"#;

#[test]
fn simulate_is_deterministic_to_the_byte() {
    let a = ok(&["simulate", "-"], Some(SMALL));
    let b = ok(&["simulate", "-"], Some(SMALL));
    assert_eq!(a, b);
    let doc: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(doc["days"].as_array().unwrap().len(), 8);
    assert!(
        doc["summary"]["first_week"]["revenue_per_day"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert_eq!(doc["config"]["users"]["count"], 300);
}

#[test]
fn defaults_round_trip_through_simulate() {
    let defaults = ok(&["defaults"], None);
    let params: sandbox::core::model::Params = serde_json::from_str(&defaults).unwrap();
    assert_eq!(params, sandbox::core::model::Params::default());
}

#[test]
fn a_link_reproduces_the_json_configuration() {
    let link = ok(&["link", "-"], Some(SMALL));
    let link = link.trim();
    assert!(link.starts_with("?v=2&"), "{link}");
    let from_json = ok(&["simulate", "--summary", "-"], Some(SMALL));
    let url = format!("http://127.0.0.1:8080/{link}");
    let from_link = ok(&["simulate", "--summary", "--link", &url], None);
    assert_eq!(from_json, from_link);
    let from_query = ok(&["simulate", "--summary", "--link", link], None);
    assert_eq!(from_json, from_query);
}

#[test]
fn an_export_document_is_accepted_back_with_the_same_numbers() {
    let first = ok(&["simulate", "--summary", "-"], Some(SMALL));
    // The summary output is itself an export document: {version, config, summary, …}.
    let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
    let export =
        serde_json::json!({"version": 1, "config": doc["config"], "summary": doc["summary"]});
    let again = ok(&["simulate", "--summary", "-"], Some(&export.to_string()));
    assert_eq!(first, again);
}

#[test]
fn a_bad_link_warns_and_runs_like_the_app() {
    let out = sandbox(
        &[
            "simulate",
            "--summary",
            "--link",
            "?v=1&days=abc&bogus=1&users=300",
        ],
        None,
    );
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("days"), "{stderr}");
    assert!(stderr.contains("bogus"), "{stderr}");
}

#[test]
fn csv_output_has_a_row_per_day() {
    let csv = ok(&["simulate", "--csv", "-"], Some(SMALL));
    assert_eq!(csv.lines().count(), 9);
    assert!(csv.lines().next().unwrap().contains("revenue"));
}

#[test]
fn bad_configurations_fail_with_the_field_named() {
    let e = err(&["simulate", "-"], Some(r#"{"users":{"count":0}}"#));
    assert!(e.contains("users.count"), "{e}");
    let e = err(
        &["simulate", "-"],
        Some(r#"{"advertisers":{"budget_mean":-5}}"#),
    );
    assert!(e.contains("advertisers.budget_mean"), "{e}");
    let e = err(
        &["simulate", "-"],
        Some(r#"{"users":{"segments":[{"ad_click":1.5}]}}"#),
    );
    assert!(e.contains("ad_click"), "{e}");
    let e = err(&["simulate", "-"], Some(r#"{"userz":{}}"#));
    assert!(e.contains("userz"), "{e}");
    let e = err(&["simulate", "-"], Some("not json"));
    assert!(!e.is_empty());
    let e = err(&["simulate", "/no/such/file.json"], None);
    assert!(e.contains("/no/such/file.json"), "{e}");
    let e = err(&["frobnicate"], None);
    assert!(e.contains("unknown command"), "{e}");
}

#[test]
fn auction_subcommand_runs_the_lab() {
    let spec = r#"{"format":"gsp","bidders":2,"values":{"uniform":{"low":0,"high":1}},
                   "slot_ctrs":[1.0],"auctions":20000,"seed":3}"#;
    let out = ok(&["auction", "-"], Some(spec));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Vickrey with two U[0,1] bidders: E[second-highest] = 1/3.
    let rev = doc["revenue_per_auction"].as_f64().unwrap();
    let se = doc["revenue_se"].as_f64().unwrap();
    assert!((rev - 1.0 / 3.0).abs() < 4.0 * se, "{rev} ± {se}");
    assert_eq!(out, ok(&["auction", "-"], Some(spec)));
    let e = err(
        &["auction", "-"],
        Some(
            r#"{"format":"gsp","bidders":1,"values":{"uniform":{"low":0,"high":1}},"slot_ctrs":[1.0,0.5]}"#,
        ),
    );
    assert!(e.contains("slot"), "{e}");
}

#[test]
fn auction_threads_do_not_change_the_output_and_formats_can_be_listed() {
    let spec = r#"{"format":["gsp","vcg"],"bidders":10,"values":{"uniform":{"low":0,"high":1}},
                   "slot_ctrs":[1.0,0.6,0.3],"auctions":5000,"seed":3}"#;
    let one = ok(&["auction", "--threads", "1", "-"], Some(spec));
    assert_eq!(one, ok(&["auction", "-", "--threads", "2"], Some(spec)));
    assert_eq!(one, ok(&["auction", "-"], Some(spec)));
    let doc: serde_json::Value = serde_json::from_str(&one).unwrap();
    let reports = doc.as_array().expect("one report per format");
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["format"], "gsp");
    assert_eq!(reports[1]["format"], "vcg");
    // Same values: same welfare; VCG earns no more than GSP on the same bids.
    assert_eq!(
        reports[0]["welfare_per_auction"],
        reports[1]["welfare_per_auction"]
    );
    assert!(
        reports[1]["revenue_per_auction"].as_f64() <= reports[0]["revenue_per_auction"].as_f64()
    );
    let e = err(&["auction", "--threads", "0", "-"], Some(spec));
    assert!(e.contains("--threads"), "{e}");
    let e = err(
        &["auction", "-"],
        Some(r#"{"format":["gsp","gsp"],"bidders":2,"values":{"uniform":{"low":0,"high":1}}}"#),
    );
    assert!(e.contains("format[1]"), "{e}");
}

#[test]
fn feed_subcommand_blends_one_request() {
    let spec = r#"{"organic":[1.0,0.9,0.8,0.7],"ads":[{"revenue":0.5,"engagement":0.1}],
                   "length":4,"method":"exact","lambda":0.1}"#;
    let out = ok(&["feed", "-"], Some(spec));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["ad_positions"], serde_json::json!([1]));
    let e = err(
        &["feed", "-"],
        Some(r#"{"organic":[],"ads":[],"length":0,"method":"exact","lambda":1}"#),
    );
    assert!(e.contains("length"), "{e}");
}

#[test]
fn knobs_lists_every_row_of_the_knob_table_and_the_readme_table() {
    use sandbox::core::model::knobs::table;
    let json: serde_json::Value = serde_json::from_str(&ok(&["knobs"], None)).expect("JSON");
    let rows = json.as_array().expect("a list");
    assert_eq!(rows.len(), table().len());
    for (row, spec) in rows.iter().zip(table()) {
        assert_eq!(row["key"], spec.key);
        assert_eq!(row["link_key"], spec.url);
        assert_eq!(row["sweepable"], spec.sweepable);
        if let Some(limits) = spec.limits() {
            assert_eq!(row["min"], limits.min);
            assert_eq!(row["max"], limits.max);
        }
    }
    let reserve = rows
        .iter()
        .find(|r| r["key"] == "auction.reserve")
        .expect("reserve");
    assert_eq!(reserve["default"], "0.25");
    assert_eq!(reserve["role"], "design");
    assert_eq!(
        ok(&["knobs", "--markdown"], None).trim_end(),
        sandbox::config::reference::configuration_markdown().trim_end()
    );
    assert!(err(&["knobs", "--json"], None).contains("--markdown"));
}
