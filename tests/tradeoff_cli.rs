//! `sandbox sweep` and `sandbox optimize` on the command line: every point is exactly a
//! `simulate --summary` run, shards merge into the whole sweep, threads change no byte, bad specs
//! name their field.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use serde_json::Value;
use std::path::PathBuf;

include!("cli_common.rs.inc");

/// A fresh folder for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandbox-tradeoff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const SMALL: &str =
    r#"{"sim":{"days":8,"seed":5},"users":{"count":300},"advertisers":{"count":30}}"#;

fn two_knob_sweep() -> String {
    format!(
        r#"{{"base":{SMALL},"knob":"ad_load.every","values":[3,8],
            "knob2":"auction.reserve","range2":{{"from":0.1,"to":0.9,"points":3}},
            "frontier":{{"x":"first_week.revenue_per_day","y":"whole_run.mean_fatigue"}}}}"#
    )
}

#[test]
fn every_sweep_point_is_exactly_a_simulate_summary() {
    let out = ok(&["sweep", "-"], Some(&two_knob_sweep()));
    let doc: Value = serde_json::from_str(&out).unwrap();
    let points = doc["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    assert_eq!(doc["knob"], "ad_load.every");
    assert_eq!(doc["knob2"], "auction.reserve");
    for (i, point) in points.iter().enumerate() {
        // The first knob varies fastest.
        let every = [3, 8][i % 2];
        let reserve = [0.1, 0.5, 0.9][i / 2];
        assert_eq!(point["value"], every);
        assert_eq!(point["value2"].as_f64(), Some(reserve));
        let mut config: Value = serde_json::from_str(SMALL).unwrap();
        config["ad_load"] = serde_json::json!({ "every": every });
        config["auction"] = serde_json::json!({ "reserve": reserve });
        let single: Value = serde_json::from_str(&ok(
            &["simulate", "--summary", "-"],
            Some(&config.to_string()),
        ))
        .unwrap();
        // Same numbers to the bit, same keys, same order: the same bytes once re-indented.
        assert_eq!(
            serde_json::to_string(&point["summary"]).unwrap(),
            serde_json::to_string(&single["summary"]).unwrap()
        );
    }
    // The frontier: first-week revenue (higher is better) against fatigue (lower is better).
    let revenue = |i: usize| {
        points[i]["summary"]["first_week"]["revenue_per_day"]
            .as_f64()
            .unwrap()
    };
    let fatigue = |i: usize| {
        points[i]["summary"]["whole_run"]["mean_fatigue"]
            .as_f64()
            .unwrap()
    };
    let frontier: Vec<usize> = doc["frontier"]["indices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    assert!(!frontier.is_empty());
    for i in 0..points.len() {
        let dominated = (0..points.len()).any(|j| {
            revenue(j) >= revenue(i)
                && fatigue(j) <= fatigue(i)
                && (revenue(j) > revenue(i) || fatigue(j) < fatigue(i))
        });
        let duplicate_of_earlier =
            (0..i).any(|j| revenue(j) == revenue(i) && fatigue(j) == fatigue(i));
        assert_eq!(
            frontier.contains(&i),
            !dominated && !duplicate_of_earlier,
            "point {i}"
        );
    }
    assert_eq!(doc["frontier"]["x"], "first_week.revenue_per_day");
}

#[test]
fn a_share_link_base_is_the_configuration_it_encodes() {
    let link = ok(&["link", "-"], Some(SMALL));
    let spec =
        |base: &str| format!(r#"{{"base":{base},"knob":"auction.reserve","values":[0.2,0.4]}}"#);
    let from_object = ok(&["sweep", "-"], Some(&spec(SMALL)));
    let url = Value::from(format!("http://127.0.0.1:8080/{}", link.trim())).to_string();
    let from_link = ok(&["sweep", "-"], Some(&spec(&url)));
    assert_eq!(from_object, from_link);
    // No base: the default configuration (its first point is the default reserve's run).
    let defaults = ok(&["sweep", "-"], Some(r#"{"knob":"sim.days","values":[3]}"#));
    let doc: Value = serde_json::from_str(&defaults).unwrap();
    let single: Value = serde_json::from_str(&ok(
        &["simulate", "--summary", "-"],
        Some(r#"{"sim":{"days":3}}"#),
    ))
    .unwrap();
    assert_eq!(doc["points"][0]["summary"], single["summary"]);
}

#[test]
fn shards_merge_into_the_whole_sweep_and_threads_change_nothing() {
    let dir = scratch("shards");
    let spec = dir.join("spec.json");
    std::fs::write(&spec, two_knob_sweep()).unwrap();
    let spec = spec.to_str().unwrap();
    let whole = ok(&["sweep", "--threads", "1", spec], None);
    assert_eq!(whole, ok(&["sweep", "--threads", "2", spec], None));
    // 6 points in 4 shards: sizes 2, 2, 1, 1.
    let mut files = Vec::new();
    for k in 1..=4 {
        let shard = ok(&["sweep", "--shard", &format!("{k}/4"), spec], None);
        let doc: Value = serde_json::from_str(&shard).unwrap();
        let indices: Vec<u64> = doc["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["index"].as_u64().unwrap())
            .collect();
        let expected: Vec<u64> = (0..6).filter(|i| i % 4 == k - 1).collect();
        assert_eq!(indices, expected);
        let file = dir.join(format!("shard-{k}.json"));
        std::fs::write(&file, shard).unwrap();
        files.push(file.to_str().unwrap().to_string());
    }
    let mut args = vec!["sweep", "--merge"];
    args.extend(files.iter().map(String::as_str).rev());
    assert_eq!(ok(&args, None), whole);
    // A missing shard, or one given twice, is an error.
    let message = err(&["sweep", "--merge", &files[0], &files[1], &files[3]], None);
    assert!(message.contains("missing shards: 3/4"), "{message}");
    let message = err(&["sweep", "--merge", &files[0], &files[0]], None);
    assert!(message.contains("twice"), "{message}");
    assert!(err(&["sweep", "--shard", "0/4", spec], None).contains("--shard"));
    assert!(err(&["sweep", "--shard", "5/4", spec], None).contains("--shard"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_readme_shell_loop_over_shards_reproduces_the_whole_sweep() {
    let dir = scratch("loop");
    std::fs::write(
        dir.join("spec.json"),
        format!(
            r#"{{"base":{SMALL},"knob":"ad_load.every","range":{{"from":2,"to":12,"points":6}}}}"#
        ),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_sandbox");
    // The recipe of the README, with the binary's path.
    let script = "N=3\nfor k in $(seq 1 $N); do\n  sandbox sweep --shard $k/$N spec.json > shard-$k.json &\ndone\nwait\nsandbox sweep --merge shard-*.json > sweep.json\n";
    let status = Command::new("bash")
        .arg("-c")
        .arg(format!("sandbox() {{ '{bin}' \"$@\"; }}\n{script}"))
        .current_dir(&dir)
        .status()
        .expect("bash runs");
    assert!(status.success());
    let merged = std::fs::read_to_string(dir.join("sweep.json")).unwrap();
    let whole = ok(&["sweep", dir.join("spec.json").to_str().unwrap()], None);
    assert_eq!(merged, whole);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn optimize_reports_the_best_design_and_threads_change_nothing() {
    let spec = format!(
        r#"{{"base":{SMALL},"objective":"whole_run.revenue_per_day",
            "knobs":[{{"key":"ad_load.every","min":2,"max":12}}],
            "constraints":[{{"metric":"whole_run.engagement_per_day","min":1}},
                           {{"metric":"whole_run.ad_load","max":0.9}}]}}"#
    );
    let one = ok(&["optimize", "--threads", "1", "-"], Some(&spec));
    let two = ok(&["optimize", "--threads", "2", "-"], Some(&spec));
    assert_eq!(one, two);
    let doc: Value = serde_json::from_str(&one).unwrap();
    assert_eq!(doc["feasible"], true);
    // Every constraint is slack: no binding constraint, no shadow price.
    assert_eq!(doc["binding"], serde_json::json!([]));
    assert_eq!(doc["shadow_prices"], serde_json::json!({}));
    let every = doc["best"]["ad_load.every"].as_u64().unwrap();
    assert!((2..=12).contains(&every));
    // The summary is the best design's `simulate --summary`, and the objective is read from it.
    let mut config: Value = serde_json::from_str(SMALL).unwrap();
    config["ad_load"] = serde_json::json!({ "every": every });
    let single: Value = serde_json::from_str(&ok(
        &["simulate", "--summary", "-"],
        Some(&config.to_string()),
    ))
    .unwrap();
    assert_eq!(
        serde_json::to_string(&doc["summary"]).unwrap(),
        serde_json::to_string(&single["summary"]).unwrap()
    );
    assert_eq!(
        doc["objective"],
        single["summary"]["whole_run"]["revenue_per_day"]
    );
    // Revenue falls as ads get sparser, so the densest spacing wins: check against a sweep.
    let sweep: Value = serde_json::from_str(&ok(
        &["sweep", "-"],
        Some(&format!(
            r#"{{"base":{SMALL},"knob":"ad_load.every","range":{{"from":2,"to":12,"points":11}}}}"#
        )),
    ))
    .unwrap();
    let best_swept = sweep["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["summary"]["whole_run"]["revenue_per_day"]
                .as_f64()
                .unwrap()
        })
        .fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(doc["objective"].as_f64(), Some(best_swept));
    let base: Value =
        serde_json::from_str(&ok(&["simulate", "--summary", "-"], Some(SMALL))).unwrap();
    let gain = best_swept
        - base["summary"]["whole_run"]["revenue_per_day"]
            .as_f64()
            .unwrap();
    assert_eq!(doc["gain"].as_f64(), Some(gain));
    assert!(doc["evaluations"].as_u64().unwrap() >= 2);
}

#[test]
fn bad_specs_exit_2_and_name_the_field() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "sweep",
            r#"{"knob":"auction.nope","values":[1]}"#,
            &["`knob`", "unknown knob"],
        ),
        (
            "sweep",
            r#"{"knob":"ad_load.policy","values":[1]}"#,
            &["`knob`", "a choice"],
        ),
        (
            "sweep",
            r#"{"knob":"users.fatigue","values":[1]}"#,
            &["`knob`", "a switch"],
        ),
        (
            "sweep",
            r#"{"knob":"sim.seed","values":[1]}"#,
            &["`knob`", "cannot be swept"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[]}"#,
            &["`values`", "no values"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[0.5, 11]}"#,
            &["`values[1]`", "0–10"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":["a"]}"#,
            &["`values`"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","range":{"from":1,"to":0,"points":3}}"#,
            &["`range`", "reversed"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","range":{"from":1,"to":1,"points":3}}"#,
            &["`range`", "empty range"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","range":{"from":0,"to":1,"points":0}}"#,
            &["`range`"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","range":{"from":0,"to":1,"points":10001}}"#,
            &["`range`", "10000"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","range":{"from":0,"to":1,"points":101},"knob2":"ad_load.lambda","range2":{"from":0,"to":1,"points":100}}"#,
            &["`range2`", "10100"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[1],"values2":[1]}"#,
            &["`values2`", "knob2"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[1],"range":{"from":0,"to":1,"points":2}}"#,
            &["`values`", "`range`"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve"}"#,
            &["`knob`", "`values`"],
        ),
        ("sweep", r#"{"values":[1]}"#, &["`knob` is missing"]),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[1],"frontier":{"x":"whole_run.revenue","y":"whole_run.mean_fatigue"}}"#,
            &["`frontier.x`", "unknown metric"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[1],"frontier":{"x":"whole_run.revenue_per_day","y":"whole_run.ad_load"}}"#,
            &["`frontier.y`"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[1],"colour":"red"}"#,
            &["unknown key `colour`"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[1],"base":{"auction":{"reserve":99}}}"#,
            &["`base`", "auction.reserve"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[1],"base":3}"#,
            &["`base`"],
        ),
        (
            "sweep",
            r#"{"knob":"auction.reserve","values":[1]"#,
            &["invalid sweep spec JSON"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[]}"#,
            &["`knobs`", "1 to 3"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[{"key":"auction.reserve","min":0,"max":1},{"key":"ad_load.lambda","min":0,"max":1},{"key":"ad_load.theta","min":0,"max":1},{"key":"auction.squashing","min":0,"max":1}]}"#,
            &["`knobs`", "1 to 3"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[{"key":"auction.nope","min":0,"max":1}]}"#,
            &["`knobs[0].key`"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[{"key":"auction.reserve","min":0,"max":1},{"key":"ad_load.policy","min":0,"max":1}]}"#,
            &["`knobs[1].key`", "a choice"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[{"key":"auction.reserve","min":-1,"max":1}]}"#,
            &["`knobs[0].min`", "0–10"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[{"key":"auction.reserve","min":1,"max":0}]}"#,
            &["`knobs[0]`", "reversed"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[{"key":"ad_load.every","min":2.2,"max":2.8}]}"#,
            &["`knobs[0]`", "empty range"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenu","knobs":[{"key":"auction.reserve","min":0,"max":1}]}"#,
            &["`objective`", "unknown metric"],
        ),
        (
            "optimize",
            r#"{"objective":{"metric":"last_week.mean_fatigue","goal":"least"},"knobs":[{"key":"auction.reserve","min":0,"max":1}]}"#,
            &["`objective`"],
        ),
        (
            "optimize",
            r#"{"knobs":[{"key":"auction.reserve","min":0,"max":1}]}"#,
            &["`objective` is missing"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[{"key":"auction.reserve","min":0,"max":1}],"constraints":[{"metric":"week.fatigue","max":1}]}"#,
            &["`constraints[0].metric`", "unknown window"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[{"key":"auction.reserve","min":0,"max":1}],"constraints":[{"metric":"whole_run.mean_fatigue"}]}"#,
            &["`constraints[0]`", "`min`"],
        ),
        (
            "optimize",
            r#"{"objective":"whole_run.revenue_per_day","knobs":[{"key":"auction.reserve","min":0,"max":1}],"constraints":[{"metric":"whole_run.mean_fatigue","max":1,"least":0}]}"#,
            &["`constraints`", "least"],
        ),
    ];
    for (command, spec, needles) in cases {
        let message = err(&[command, "-"], Some(spec));
        assert!(message.starts_with("sandbox: "), "{message}");
        for needle in *needles {
            assert!(
                message.contains(needle),
                "{command} {spec}: `{needle}` not in: {message}"
            );
        }
    }
}

const PROMOTED: &str = r#"{"sim":{"days":8,"seed":5},"users":{"count":300},"advertisers":{"count":30},
    "promotion":{"enabled":true,"class":"category","category":1}}"#;

#[test]
fn a_frontier_of_promotion_metrics_reads_simulate_summary_values() {
    let spec = format!(
        r#"{{"base":{PROMOTED},"knob":"promotion.share","values":[0.0,0.2,0.5,0.8],
            "frontier":{{"x":"promotion.last_week.promoted_impression_share",
                         "y":"promotion.whole_run.others_roi"}}}}"#
    );
    let doc: Value = serde_json::from_str(&ok(&["sweep", "-"], Some(&spec))).unwrap();
    assert_eq!(
        doc["frontier"]["x"],
        "promotion.last_week.promoted_impression_share"
    );
    assert_eq!(doc["frontier"]["y"], "promotion.whole_run.others_roi");
    let points = doc["points"].as_array().unwrap();
    let mut xy = Vec::new();
    for (i, point) in points.iter().enumerate() {
        let share = [0.0, 0.2, 0.5, 0.8][i];
        let mut config: Value = serde_json::from_str(PROMOTED).unwrap();
        config["promotion"]["share"] = serde_json::json!(share);
        let single: Value = serde_json::from_str(&ok(
            &["simulate", "--summary", "-"],
            Some(&config.to_string()),
        ))
        .unwrap();
        let promo = &single["summary"]["promotion"];
        let x = promo["last_week"]["promoted_impression_share"]
            .as_f64()
            .unwrap();
        let y = promo["whole_run"]["others_roi"].as_f64().unwrap();
        // The point's own values are the single run's, to the bit.
        assert_eq!(
            point["summary"]["promotion"]["last_week"]["promoted_impression_share"].as_f64(),
            Some(x)
        );
        assert_eq!(
            point["summary"]["promotion"]["whole_run"]["others_roi"].as_f64(),
            Some(y)
        );
        xy.push((x, y));
    }
    // More promoted sessions: a larger impression share for the promoted category.
    assert!(xy[3].0 > xy[0].0, "{xy:?}");
    // The frontier (both higher is better) by brute force over the simulate values.
    let expected: Vec<u64> = {
        let mut keep: Vec<usize> = (0..xy.len())
            .filter(|&i| {
                !(0..xy.len()).any(|j| {
                    xy[j].0 >= xy[i].0
                        && xy[j].1 >= xy[i].1
                        && (xy[j].0 > xy[i].0 || xy[j].1 > xy[i].1)
                })
            })
            .collect();
        keep.sort_by(|&a, &b| xy[a].0.total_cmp(&xy[b].0));
        keep.into_iter().map(|i| i as u64).collect()
    };
    let frontier: Vec<u64> = doc["frontier"]["indices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(frontier, expected);
}

#[test]
fn optimize_reads_promotion_metrics_and_refuses_them_without_promotion() {
    let spec = format!(
        r#"{{"base":{PROMOTED},"objective":"promotion.whole_run.promoted_spend_per_day",
            "knobs":[{{"key":"promotion.share","min":0,"max":1}}],
            "constraints":[{{"metric":"promotion.last_week.others_revenue_per_day","min":0}}]}}"#
    );
    let doc: Value = serde_json::from_str(&ok(&["optimize", "-"], Some(&spec))).unwrap();
    assert_eq!(
        doc["objective"],
        doc["summary"]["promotion"]["whole_run"]["promoted_spend_per_day"]
    );
    // Without promotional bandwidth the values are absent: the spec names the field and says so.
    let off = format!(
        r#"{{"base":{SMALL},"objective":"whole_run.revenue_per_day",
            "knobs":[{{"key":"ad_load.every","min":2,"max":12}}],
            "constraints":[{{"metric":"promotion.last_week.others_roi","min":0}}]}}"#
    );
    let message = err(&["optimize", "-"], Some(&off));
    for part in ["`constraints[0].metric`", "promotion.enabled"] {
        assert!(message.contains(part), "{message}");
    }
    let sweep_off = format!(
        r#"{{"base":{SMALL},"knob":"ad_load.every","values":[3,8],
            "frontier":{{"x":"whole_run.revenue_per_day","y":"promotion.last_week.promoted_roi"}}}}"#
    );
    let message = err(&["sweep", "-"], Some(&sweep_off));
    for part in ["`frontier.y`", "promotion.enabled", "promotional bandwidth"] {
        assert!(message.contains(part), "{message}");
    }
    // An unknown promotion key lists the real ones.
    let typo = format!(
        r#"{{"base":{PROMOTED},"knob":"promotion.share","values":[0.2],
            "frontier":{{"x":"promotion.last_week.roi","y":"whole_run.revenue_per_day"}}}}"#
    );
    let message = err(&["sweep", "-"], Some(&typo));
    for part in [
        "`frontier.x`",
        "unknown promotion metric `roi`",
        "promoted_roi",
    ] {
        assert!(message.contains(part), "{message}");
    }
}

#[test]
fn a_sweep_over_the_autobidder_share_runs_and_reads_the_new_metrics() {
    let base = r#"{"sim":{"days":6,"seed":5},"users":{"count":300},"advertisers":{"count":30,"budget_mean":1.0,"strategies":{"manual":0.2,"max_clicks":0.4,"target_roas":0.3,"target_cpc":0.1}}}"#;
    let spec = format!(
        r#"{{"base":{base},"knob":"advertisers.autobid_share","values":[0,0.5,1],
            "frontier":{{"x":"whole_run.revenue_per_day","y":"last_week.liquid_welfare_per_day"}}}}"#
    );
    let doc: Value = serde_json::from_str(&ok(&["sweep", "-"], Some(&spec))).unwrap();
    assert_eq!(doc["knob"], "advertisers.autobid_share");
    let points = doc["points"].as_array().unwrap();
    let strategies: Vec<Vec<String>> = points
        .iter()
        .map(|p| {
            let by = p["summary"]["whole_run"]["by_strategy"]
                .as_object()
                .unwrap();
            by.keys().cloned().collect()
        })
        .collect();
    assert_eq!(strategies[0], ["manual"]);
    assert_eq!(
        strategies[1],
        ["manual", "max_clicks", "target_cpc", "target_roas"]
    );
    assert_eq!(strategies[2], ["max_clicks", "target_cpc", "target_roas"]);
    for (point, share) in points.iter().zip([0.0, 0.5, 1.0]) {
        assert_eq!(point["value"].as_f64(), Some(share));
        let w = &point["summary"]["last_week"];
        assert!(w["liquid_welfare_per_day"].as_f64().unwrap() > 0.0);
        assert!(w["bid_above_value_share"].as_f64().is_some());
        // Each point is the single run with the knob set.
        let mut config: Value = serde_json::from_str(base).unwrap();
        config["advertisers"]["autobid_share"] = serde_json::json!(share);
        let single: Value = serde_json::from_str(&ok(
            &["simulate", "--summary", "-"],
            Some(&config.to_string()),
        ))
        .unwrap();
        assert_eq!(
            serde_json::to_string(&point["summary"]).unwrap(),
            serde_json::to_string(&single["summary"]).unwrap()
        );
    }
    assert_eq!(doc["frontier"]["y"], "last_week.liquid_welfare_per_day");
}
