//! Exports: the daily CSV and the JSON document the CLI reads back.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::config::export::{
    daily_csv, parse_config_json, parse_json_exact, ExportDoc, EXPORT_VERSION,
};
use sandbox::config::presets::presets;
use sandbox::core::model::{summaries, DayMetrics, Params, RunResult};

fn result(days: u32) -> RunResult {
    let days: Vec<DayMetrics> = (1..=days)
        .map(|d| {
            let x = f64::from(d);
            DayMetrics {
                day: d,
                revenue: 100.0 + x,
                impressions: 5000.0,
                clicks: 0.1 + 0.2,
                ctr: 0.02,
                sessions: 1000 + u64::from(d),
                active_users: 800,
                active_advertisers: 90,
                spend_by_group: [1.0, 2.0, 3.0, 0.0],
                segment_sessions: vec![500, 300, 200],
                segment_engagement: vec![10.0, 20.5, 30.25],
                segment_fatigue: vec![0.1, 0.2, 0.3],
                segment_revenue: vec![50.0, 30.0, 20.0 + x],
                ..DayMetrics::default()
            }
        })
        .collect();
    RunResult {
        summaries: summaries(&days),
        days,
        segment_names: vec!["casual".into(), "regular".into(), "Heavy users!".into()],
        ..RunResult::default()
    }
}

#[test]
fn csv_has_a_header_and_one_row_per_day() {
    let csv = daily_csv(&result(5));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 6);
    let header: Vec<&str> = lines[0].split(',').collect();
    for name in [
        "day",
        "revenue",
        "ctr",
        "sessions",
        "mean_fatigue",
        "active_advertisers",
        "spend_low_quality_incumbents",
        "spend_mid_quality_incumbents",
        "spend_high_quality_incumbents",
        "spend_launched_cohort",
        "sessions_casual",
        "engagement_regular",
        "fatigue_heavy_users",
        "revenue_heavy_users",
    ] {
        assert!(header.contains(&name), "missing column {name}: {header:?}");
    }
    assert_eq!(header[0], "day");
    for name in &header {
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{name}"
        );
    }
    let unique: std::collections::HashSet<_> = header.iter().collect();
    assert_eq!(unique.len(), header.len(), "duplicate column names");
    for (i, line) in lines[1..].iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "row {i}");
        assert_eq!(cells[0], (i + 1).to_string());
    }
    // Full precision.
    let clicks = header.iter().position(|h| *h == "clicks").unwrap();
    assert_eq!(lines[1].split(',').nth(clicks), Some("0.30000000000000004"));
    let sessions = header.iter().position(|h| *h == "sessions_casual").unwrap();
    assert_eq!(lines[1].split(',').nth(sessions), Some("500"));
}

#[test]
fn csv_of_an_empty_run_is_just_the_header() {
    let csv = daily_csv(&RunResult::default());
    assert_eq!(csv.lines().count(), 1);
    assert!(csv.starts_with("day,revenue,"));
}

#[test]
fn csv_names_repeated_or_missing_segments() {
    let mut r = result(2);
    r.segment_names = vec!["a".into(), "a".into()];
    let csv = daily_csv(&r);
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("sessions_a,")
            && header.contains("sessions_a_2,")
            && header.contains("sessions_segment_3,"),
        "{header}"
    );
}

#[test]
fn export_docs_round_trip_through_the_cli_reader() {
    for preset in presets() {
        let mut params = (preset.params)();
        params.advertisers.value_mean = 99.99999999999999; // one ulp below 100: must survive
        params.users.segments[0].ad_click = 0.9799337370463213;
        params.sim.seed = u64::MAX;
        let doc = ExportDoc::new(&params, &result(3));
        let json = doc.to_json();
        assert!(
            json.contains(&format!("\"version\": {EXPORT_VERSION}"))
                && json.contains("\"summary\"")
        );
        let (read, warnings) = parse_config_json(&json).expect("export doc");
        assert_eq!(read, params, "{}", preset.id);
        assert!(warnings.is_empty(), "{warnings:?}");
        // And the document itself.
        let back: ExportDoc = serde_json::from_value(parse_json_exact(&json).unwrap()).unwrap();
        assert_eq!(back, doc);
        assert_eq!(back.version, EXPORT_VERSION);
    }
}

#[test]
fn bare_params_and_partial_configs_are_accepted() {
    let params = presets()[1].params;
    let json = serde_json::to_string(&params()).unwrap();
    assert_eq!(parse_config_json(&json).unwrap().0, params());
    let (p, w) = parse_config_json(r#"{"sim": {"days": 30}}"#).unwrap();
    assert_eq!(p.sim.days, 30);
    assert_eq!(p.sim.seed, Params::default().sim.seed);
    assert!(w.is_empty());
    let (p, _) = parse_config_json("{}").unwrap();
    assert_eq!(p, Params::default());
}

#[test]
fn export_docs_ignore_summary_and_days_and_warn_about_the_rest() {
    let (p, w) = parse_config_json(
        r#"{"version": 1, "config": {"sim": {"days": 7}}, "summary": {"x": 1}, "days": [1, 2]}"#,
    )
    .unwrap();
    assert_eq!(p.sim.days, 7);
    assert!(w.is_empty(), "{w:?}");
    let (_, w) = parse_config_json(r#"{"version": 9, "config": {}, "extra": true}"#).unwrap();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains("newer release"));
    assert!(w[1].contains("`extra`"));
    let (_, w) = parse_config_json(r#"{"config": {}}"#).unwrap();
    assert_eq!(w.len(), 1);
}

#[test]
fn unknown_keys_are_errors_naming_the_key() {
    let e = parse_config_json(r#"{"sim": {"days": 7}, "colour": 1}"#).unwrap_err();
    assert!(e.contains("colour"), "{e}");
    let e = parse_config_json(r#"{"config": {"users": {"cuont": 7}}}"#).unwrap_err();
    assert!(e.contains("cuont"), "{e}");
    let e = parse_config_json(r#"{"sim": {"days": "ten"}}"#).unwrap_err();
    assert!(e.contains("invalid configuration"), "{e}");
}

#[test]
fn type_errors_name_the_field_and_its_range() {
    for (text, want) in [
        (
            r#"{"auction": {"reserve": "0.5"}}"#,
            "auction.reserve: invalid type: string \"0.5\", expected f64 (allowed range 0–10)",
        ),
        (r#"{"users": {"count": -5}}"#, "users.count: invalid value"),
        (r#"{"users": {"count": -5}}"#, "(allowed range 1–"),
        (r#"{"sim": {"days": 1.5}}"#, "sim.days:"),
        (r#"{"sim": {"days": 1.5}}"#, "(allowed range 1–365)"),
        (
            r#"{"users": {"fatigue": 1}}"#,
            "users.fatigue: invalid type",
        ),
        (
            r#"{"ad_load": {"policy": "random"}}"#,
            "ad_load.policy: unknown variant `random`",
        ),
        (r#"{"auction": null}"#, "auction: invalid type: null"),
        (
            r#"{"users": {"segments": [{"name": "x", "share": "a"}]}}"#,
            "users.segments[0].share: invalid type: string \"a\", expected f64 (allowed range 0–1)",
        ),
        (
            r#"{"config": {"launch": {"enabled": "yes"}}}"#,
            "launch.enabled: invalid type",
        ),
    ] {
        let e = parse_config_json(text).unwrap_err();
        assert!(e.contains(want), "{text}: {e}");
        assert!(e.starts_with("invalid configuration: "), "{e}");
    }
}

#[test]
fn duplicate_keys_are_errors_naming_the_key() {
    for (text, key) in [
        (
            r#"{"auction": {"reserve": 1, "reserve": 2}}"#,
            "auction.reserve",
        ),
        (r#"{"sim": {}, "sim": {}}"#, "`sim`"),
        (
            r#"{"users": {"segments": [{"name": "a", "name": "b"}]}}"#,
            "users.segments[0].name",
        ),
        (
            r#"{"version": 1, "config": {"sim": {"seed": 1, "seed": 2}}}"#,
            "config.sim.seed",
        ),
    ] {
        let e = parse_config_json(text).unwrap_err();
        assert!(
            e.contains("duplicate key") && e.contains(key),
            "{text}: {e}"
        );
    }
    // The same key in different objects is fine.
    assert!(parse_config_json(r#"{"sim": {"seed": 3}, "auction": {"reserve": 0.1}}"#).is_ok());
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    for text in [
        "",
        "[1, 2]",
        "{",
        "nul",
        "{\"sim\": 1e999}",
        "\"text\"",
        "{\"a\":\"\\u0000\"}",
    ] {
        assert!(parse_config_json(text).is_err(), "{text:?}");
    }
    let e = parse_config_json("{\n  \"sim\": {,}\n}").unwrap_err();
    assert!(e.contains("line 2"), "{e}");
}

#[test]
fn exact_json_numbers() {
    let v = parse_json_exact(r#"{"a": [0.1, -2, 18446744073709551615, -9223372036854775808, 1e-7, "x\"1", 99.99999999999999]}"#).unwrap();
    let a = v["a"].as_array().unwrap();
    assert_eq!(a[0].as_f64(), Some(0.1));
    assert_eq!(a[1].as_i64(), Some(-2));
    assert_eq!(a[2].as_u64(), Some(u64::MAX));
    assert_eq!(a[3].as_i64(), Some(i64::MIN));
    assert_eq!(a[4].as_f64(), Some(1e-7));
    assert_eq!(a[5].as_str(), Some("x\"1"));
    assert_eq!(a[6].as_f64(), Some(99.99999999999999));
}

/// Version 2 changed the `max_clicks` controller; a document written before it keeps the old
/// rule, so it reproduces its numbers, and one without max-clicks advertisers reads unchanged.
#[test]
fn version_1_documents_with_max_clicks_keep_the_old_dual_rule() {
    use sandbox::core::model::MaxClicksRule;
    let mix = r#"{"advertisers": {"strategies": {"max_clicks": 1}}}"#;
    let rule = |text: &str| {
        parse_config_json(text)
            .expect("config")
            .0
            .advertisers
            .max_clicks_rule
    };
    // An export document of version 1 (and a bare configuration that says version 1).
    assert_eq!(
        rule(&format!(
            r#"{{"version": 1, "config": {mix}, "summary": {{}}}}"#
        )),
        MaxClicksRule::SkipSpendOutHour
    );
    assert_eq!(
        rule(r#"{"version": 1, "advertisers": {"strategies": {"max_clicks": 1}}}"#),
        MaxClicksRule::SkipSpendOutHour
    );
    // The current version, and a bare configuration without a version: today's rule.
    assert_eq!(
        rule(&format!(r#"{{"version": 2, "config": {mix}}}"#)),
        MaxClicksRule::OneHourSpendOut
    );
    assert_eq!(rule(mix), MaxClicksRule::OneHourSpendOut);
    // An explicit rule is kept whatever the version.
    assert_eq!(
        rule(
            r#"{"version": 1, "config": {"advertisers": {"strategies": {"max_clicks": 1},
                "max_clicks_rule": "one_hour_spend_out"}}}"#
        ),
        MaxClicksRule::OneHourSpendOut
    );
    // Without max-clicks advertisers a version-1 document reads exactly as the current one.
    let roas = r#"{"advertisers": {"strategies": {"manual": 1, "target_roas": 1}}}"#;
    let old = parse_config_json(&format!(r#"{{"version": 1, "config": {roas}}}"#)).unwrap();
    assert_eq!(old.0, parse_config_json(roas).unwrap().0);
    assert!(old.1.is_empty(), "{:?}", old.1);
    // A version from a newer release is read as this one's, with a warning.
    let (_, warnings) = parse_config_json(r#"{"version": 9, "sim": {"days": 7}}"#).unwrap();
    assert!(warnings[0].contains("newer release"), "{warnings:?}");
}
