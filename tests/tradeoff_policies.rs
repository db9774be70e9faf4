//! Ad-load policies compared at equal engagement: every row meets the configuration's own
//! last-week engagement, and its revenue is at least a brute-force grid's best feasible revenue
//! (up to the revenue one grid step moves near that best point).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::process::Command;

use sandbox::core::model::knobs::Value;
use sandbox::core::model::{simulate, AdLoadPolicy, Params, Scenario, Summaries};
use sandbox::core::tradeoff::policies::{
    compare_policies, floor_metric, objective_metric, policy_knob, table,
};
use sandbox::core::tradeoff::Options;

fn small() -> Params {
    let mut p = Params::default();
    p.users.count = 300;
    p.sim.days = 10;
    p.advertisers.count = 40;
    p
}

fn evaluate(batch: &[Params]) -> Vec<Summaries> {
    batch
        .iter()
        .map(|p| simulate(&Scenario::repair(p.clone()).0).summaries)
        .collect()
}

/// (value, revenue, engagement) over an even grid of the policy's knob (every integer for a
/// whole-number knob).
fn grid(base: &Params, policy: AdLoadPolicy, points: usize) -> Vec<(f64, f64, f64)> {
    let mut p = base.clone();
    p.ad_load.policy = policy;
    let knob = policy_knob(policy, &p);
    let integer = knob.spec.limits().is_some_and(|l| l.integer);
    let values: Vec<f64> = if integer {
        (knob.min as usize..=knob.max as usize)
            .map(|v| v as f64)
            .collect()
    } else {
        (0..points)
            .map(|i| knob.min + (knob.max - knob.min) * i as f64 / (points - 1) as f64)
            .collect()
    };
    let configs: Vec<Params> = values
        .iter()
        .map(|&v| {
            let mut q = p.clone();
            (knob.spec.set)(&mut q, &Value::Number(v));
            q
        })
        .collect();
    evaluate(&configs)
        .iter()
        .zip(&values)
        .map(|(s, &v)| (v, objective_metric().value(s), floor_metric().value(s)))
        .collect()
}

#[test]
fn each_policy_meets_the_floor_and_beats_the_brute_force_grid() {
    for own_policy in [AdLoadPolicy::Fixed, AdLoadPolicy::Exact] {
        let mut base = small();
        base.ad_load.policy = own_policy;
        let c = compare_policies(&base, &Options::default(), evaluate).expect("solves");
        let own = evaluate(std::slice::from_ref(&base));
        assert_eq!(c.floor, floor_metric().value(&own[0]));
        assert_eq!(c.own.revenue_per_day, objective_metric().value(&own[0]));
        assert_eq!(c.policies.len(), 3);
        for (row, policy) in c.policies.iter().zip(AdLoadPolicy::ALL) {
            assert_eq!(row.policy, policy.as_str());
            assert!(row.feasible, "{row:?}");
            assert!(
                row.engagement_per_day >= c.floor,
                "{row:?} floor {}",
                c.floor
            );
            // The row's numbers are its design's.
            let mut p = base.clone();
            p.ad_load.policy = policy;
            (policy_knob(policy, &p).spec.set)(&mut p, &Value::Number(row.value));
            let s = &evaluate(&[p])[0];
            assert_eq!(row.revenue_per_day, objective_metric().value(s));
            assert_eq!(row.engagement_per_day, floor_metric().value(s));

            let g = grid(&base, policy, 41);
            let (best, _) = g
                .iter()
                .enumerate()
                .filter(|(_, x)| x.2 >= c.floor)
                .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
                .expect("the grid has a feasible point (no ads at all is one)");
            // How much revenue one grid step moves next to the best feasible point.
            let step = [best.wrapping_sub(1), best + 1]
                .iter()
                .filter_map(|&k| g.get(k))
                .map(|x| (x.1 - g[best].1).abs())
                .fold(0.0, f64::max);
            assert!(
                row.revenue_per_day >= g[best].1 - step,
                "{own_policy:?} base, {policy:?}: {} < grid best {} at {} (step {step})",
                row.revenue_per_day,
                g[best].1,
                g[best].0
            );
            if policy == own_policy {
                // The configuration itself is feasible: its own policy does at least nearly as
                // well as it.
                assert!(
                    row.revenue_per_day >= c.own.revenue_per_day - step,
                    "{row:?} vs own {}",
                    c.own.revenue_per_day
                );
            }
        }
        assert!(table(&c).lines().count() >= 5);
    }
}

#[test]
fn the_command_prints_json_and_a_table() {
    let dir = std::env::temp_dir().join(format!("policies-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("small.json");
    std::fs::write(
        &path,
        r#"{"sim": {"days": 8}, "users": {"count": 200}, "advertisers": {"count": 30}}"#,
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .arg("policies")
            .arg(&path)
            .args(["--threads", "2"])
            .args(extra)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run(&[])).expect("JSON");
    let floor = json["floor"].as_f64().unwrap();
    let rows = json["policies"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for (row, name) in rows.iter().zip(["fixed", "threshold", "exact"]) {
        assert_eq!(row["policy"], name);
        assert!(row["engagement_per_day"].as_f64().unwrap() >= floor);
    }
    let text = run(&["--table"]);
    assert!(
        text.contains("threshold") && text.contains("ad_load.lambda"),
        "{text}"
    );
    // Deterministic whatever the threads.
    let one = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["policies", path.to_str().unwrap(), "--threads", "1"])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&one.stdout).unwrap(),
        json
    );
    std::fs::remove_dir_all(&dir).ok();
}
