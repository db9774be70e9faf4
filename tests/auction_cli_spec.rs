//! The `sandbox auction SPEC` contract: `config::spec::auction::run_json` — output keys, worked
//! examples, determinism, and an error naming the field and the allowed range for each kind of
//! bad input.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::config::spec::auction::run_json;
use serde_json::Value;

fn ok(spec: &str) -> Value {
    let out = run_json(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
    serde_json::from_str(&out).expect("the report is JSON")
}

fn err(spec: &str) -> String {
    match run_json(spec) {
        Ok(out) => panic!("expected an error for {spec}, got {out}"),
        Err(e) => e.to_string(),
    }
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

#[test]
fn monte_carlo_report_has_the_documented_keys() {
    let spec = r#"{
        "format": "first_price", "bidding": "equilibrium", "bidders": 3,
        "values": {"uniform": {"low": 0, "high": 1}}, "reserve": 0.25,
        "auctions": 20000, "seed": 3
    }"#;
    let v = ok(spec);
    for key in [
        "revenue_per_auction",
        "revenue_se",
        "welfare_per_auction",
        "welfare_se",
        "sale_rate",
        "slot_sale_rate",
        "slot_price_per_click",
        "revenue_theory",
        "welfare_theory",
        "myerson_reserve",
        "bidders",
        "auctions",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    // Revenue equivalence: first price in the BNE earns the second-price revenue
    // (n−1)/(n+1) + rⁿ − 2n r^{n+1}/(n+1) = 0.5 + 0.015625 − 0.0029296875 for n = 3, r = 1/4.
    let want = 0.5 + 0.25f64.powi(3) - 6.0 * 0.25f64.powi(4) / 4.0;
    assert!((num(&v, "revenue_theory") - want).abs() < 1e-10);
    assert!((num(&v, "revenue_per_auction") - want).abs() < 4.0 * num(&v, "revenue_se"));
    assert!((num(&v, "myerson_reserve") - 0.5).abs() < 1e-12);
    // Same input, same output, byte for byte.
    assert_eq!(run_json(spec).unwrap(), run_json(spec).unwrap());
    // Defaults: truthful, one slot, no reserve, 100 000 auctions, seed 1.
    let v = ok(r#"{"format": "vcg", "bidders": 2, "values": {"exponential": {"rate": 1}}}"#);
    assert_eq!(v["auctions"], 100_000);
    assert_eq!(v["seed"], 1);
    assert_eq!(v["bidding"], "truthful");
    assert_eq!(v["slot_ctrs"], serde_json::json!([1.0]));
}

#[test]
fn never_sold_slots_have_null_price() {
    let v = ok(
        r#"{"format": "gsp", "bidders": 2, "values": {"uniform": {"low": 0, "high": 1}},
                  "slot_ctrs": [0.5, 0.4], "reserve": 2, "auctions": 100}"#,
    );
    assert_eq!(v["slot_price_per_click"], serde_json::json!([null, null]));
    assert_eq!(num(&v, "sale_rate"), 0.0);
    // GSP truthful with several slots has no revenue-equivalence prediction.
    assert!(v["revenue_theory"].is_null());
}

#[test]
fn explicit_gsp_worked_example() {
    // Scores bid·quality: 1.2, 1.0, 0.45. Slot 1 goes to bidder 0 at 1.0/0.6 per click, slot 2
    // to bidder 1 at 0.45. Revenue = (1/0.6)·0.6·0.3 + 0.45·1·0.2 = 0.39; welfare = 2·0.6·0.3 +
    // 1·1·0.2 = 0.56.
    let v = ok(r#"{"format": "gsp",
                   "bids": [{"bid": 2.0, "quality": 0.6}, {"bid": 1.0}, {"bid": 0.5, "quality": 0.9}],
                   "slot_ctrs": [0.3, 0.2], "squashing": 1.0, "reserve": 0.1}"#);
    assert_eq!(v["allocation"], serde_json::json!([0, 1]));
    let prices: Vec<f64> = serde_json::from_value(v["slot_price_per_click"].clone()).unwrap();
    assert!((prices[0] - 1.0 / 0.6).abs() < 1e-12 && (prices[1] - 0.45).abs() < 1e-12);
    assert!((num(&v, "revenue") - 0.39).abs() < 1e-12);
    assert!((num(&v, "welfare") - 0.56).abs() < 1e-12);
    assert!(v.get("bids").is_none());
    // q = 0 ranks by bid: bidder 0 (2.0), then bidder 1 (1.0).
    let v = ok(
        r#"{"format": "vcg", "bids": [{"bid": 0.5, "quality": 1.0}, {"bid": 2.0, "quality": 0.1}],
                   "squashing": 0}"#,
    );
    assert_eq!(v["allocation"], serde_json::json!([1]));
}

#[test]
fn explicit_equilibrium_reports_bids() {
    // EOS: values 3, 2, 1 and α = 1, 0.5: bids 3, 2 − 0.5·(2 − 1) = 1.5, 1; GSP then charges VCG:
    // slot 1 pays 1.5 per click, slot 2 pays 1.
    let v = ok(r#"{"format": "gsp", "bidding": "equilibrium",
                   "bids": [{"value": 1}, {"value": 3}, {"value": 2}], "slot_ctrs": [1, 0.5]}"#);
    assert_eq!(v["bids"], serde_json::json!([1.0, 3.0, 1.5]));
    assert_eq!(v["allocation"], serde_json::json!([1, 2]));
    assert_eq!(v["slot_price_per_click"], serde_json::json!([1.5, 1.0]));
    let vcg = ok(
        r#"{"format": "vcg", "bids": [{"bid": 1}, {"bid": 3}, {"bid": 2}], "slot_ctrs": [1, 0.5]}"#,
    );
    assert_eq!(vcg["slot_price_per_click"], v["slot_price_per_click"]);
    assert_eq!(num(&vcg, "revenue"), num(&v, "revenue"));
}

#[test]
fn errors_name_the_field_and_the_range() {
    let mc = |extra: &str| {
        format!(
            r#"{{"format": "gsp", "bidders": 3, "values": {{"uniform": {{"low": 0, "high": 1}}}}{extra}}}"#
        )
    };
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "invalid auction spec JSON"),
        ("[1, 2]".into(), "must be a JSON object"),
        (r#"{"bidders": 3}"#.into(), "missing key `format`"),
        (
            mc(r#", "reserve": -1"#),
            "reserve: must be a price per click in [0, 1e9]",
        ),
        (mc(r#", "reserve": 1e300"#), "got 1e300"),
        (
            r#"{"format": "gsp", "bidders": 0, "values": {"exponential": {"rate": 1}}}"#.into(),
            "bidders: must be a whole number from 1 to 1000, got 0",
        ),
        (
            r#"{"format": "gsp", "bidders": 2.5, "values": {"exponential": {"rate": 1}}}"#.into(),
            "`bidders`: must be a whole number",
        ),
        (
            mc(r#", "slot_ctrs": [0.5, 0.4, 0.3, 0.2]"#),
            "at most the number of bidders",
        ),
        (
            mc(r#", "slot_ctrs": [0]"#),
            "slot_ctrs[0]: must be a click-through rate in (0, 1]",
        ),
        (
            mc(r#", "slot_ctrs": [1.5]"#),
            "slot_ctrs[0]: must be a click-through rate in (0, 1]",
        ),
        (
            mc(r#", "slot_ctrs": [0.2, 0.5]"#),
            "slot_ctrs[1]: must not exceed the slot above",
        ),
        (mc(r#", "slot_ctrs": []"#), "slot_ctrs: must list 1 to 100"),
        (mc(r#", "colour": "red""#), "unknown key `colour`"),
        (
            mc(r#", "auctions": 0"#),
            "auctions: must be a whole number from 1 to 100000000",
        ),
        (
            mc(r#", "auctions": 1000000000"#),
            "auctions: must be a whole number from 1 to 100000000",
        ),
        (
            mc(r#", "auctions": -4"#),
            "`auctions`: must be a whole number",
        ),
        (mc(r#", "seed": -4"#), "`seed`: must be a whole number"),
        (
            mc(r#", "squashing": 0.5"#),
            "`squashing` only applies to explicit mode",
        ),
        (
            mc(r#", "bids": [{"bid": 1}]"#),
            "cannot be combined with `bids`",
        ),
        (
            r#"{"format": "second_price", "bidders": 3, "values": {"uniform": {"low": 0, "high": 1}}}"#
                .into(),
            "`format`: unknown variant `second_price`",
        ),
        (
            mc(r#", "bidding": "nash""#),
            "`bidding`: unknown variant `nash`",
        ),
        (
            r#"{"format": "first_price", "bidders": 3, "values": {"uniform": {"low": 0, "high": 1}}, "bidding": "equilibrium", "slot_ctrs": [0.5, 0.3]}"#
                .into(),
            "equilibrium first-price bidding is only defined for one slot",
        ),
        (
            r#"{"format": "gsp", "bidders": 3, "values": {"normal": {"mu": 0}}}"#.into(),
            "`values`: unknown variant `normal`",
        ),
        (
            r#"{"format": "gsp", "bidders": 3, "values": {"uniform": {"low": 1, "high": 0.5}}}"#
                .into(),
            "values.uniform.high: must be greater than low",
        ),
        (
            r#"{"format": "gsp", "bidders": 3, "values": {"exponential": {"rate": 0}}}"#.into(),
            "values.exponential.rate: must be in [1e-9, 1e9]",
        ),
        (
            r#"{"format": "gsp", "bidders": 3, "values": {"lognormal": {"mu": 0, "sigma": 9}}}"#
                .into(),
            "values.lognormal.sigma: must be in (0, 5]",
        ),
        (
            r#"{"format": "gsp", "bidders": 3, "values": {"uniform": {"low": 0}}}"#.into(),
            "missing field `high`",
        ),
        (
            r#"{"format": "gsp"}"#.into(),
            "Monte Carlo mode needs `bidders`",
        ),
        (
            r#"{"format": "gsp", "bids": []}"#.into(),
            "bids: must list 1 to 10000 bidders",
        ),
        (
            r#"{"format": "gsp", "bids": [{}]}"#.into(),
            "bids[0]: needs a `bid` or a `value`",
        ),
        (
            r#"{"format": "gsp", "bids": [{"bid": -1}]}"#.into(),
            "bids[0].bid: must be an amount per click in [0, 1e9]",
        ),
        (
            r#"{"format": "gsp", "bids": [{"bid": 1, "q": 1}]}"#.into(),
            "`bids[0]`: unknown field `q`",
        ),
        (
            r#"{"format": "gsp", "bids": [{"bid": 1, "quality": 0}]}"#.into(),
            "bids[0].quality: must be in [1e-9, 1]",
        ),
        (
            r#"{"format": "gsp", "bids": [{"bid": 1, "quality": 3}], "slot_ctrs": [0.5]}"#.into(),
            "bids[0].quality: must be in [1e-9, 2]",
        ),
        (
            r#"{"format": "gsp", "bids": [{"bid": 1}], "squashing": 3}"#.into(),
            "squashing: must be an exponent q in [0, 2]",
        ),
        (
            r#"{"format": "gsp", "bidding": "equilibrium", "bids": [{"bid": 1}]}"#.into(),
            "bids[0].value: required with bidding = equilibrium",
        ),
        (
            r#"{"format": "gsp", "bidding": "equilibrium", "bids": [{"bid": 1, "value": 2}]}"#
                .into(),
            "bids[0].bid: not allowed with bidding = equilibrium",
        ),
        (
            r#"{"format": "first_price", "bidding": "equilibrium", "bids": [{"value": 1}]}"#.into(),
            "only available in Monte Carlo mode with one slot",
        ),
    ];
    for (spec, want) in cases {
        let e = err(&spec);
        assert!(e.contains(want), "{spec}\n  error: {e}\n  wanted: {want}");
    }
}

#[test]
fn duplicate_keys_are_errors() {
    let e = err(r#"{"format": "gsp", "format": "vcg", "bids": [{"bid": 1}], "slot_ctrs": [1]}"#);
    assert!(e.contains("duplicate key `format`"), "{e}");
    let e = err(r#"{"format": "gsp", "bids": [{"bid": 1, "bid": 2}], "slot_ctrs": [1]}"#);
    assert!(e.contains("duplicate key `bids[0].bid`"), "{e}");
}
