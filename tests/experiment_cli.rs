//! `sandbox experiment`: the truth is what `sandbox simulate` prints for the two
//! configurations, the estimates are computed at the randomisation unit and behave as the
//! designs predict (A/A covers 0, shared budgets bias a bid increase up, split budgets do not,
//! the post-period's learned effect decays), the output does not depend on the thread count, and
//! bad specs name their key.
#![cfg(not(target_arch = "wasm32"))]

include!("cli_common.rs.inc");

use sandbox::config::spec::experiment;
use serde_json::Value;

fn report(stdout: &str) -> Value {
    serde_json::from_str(stdout).expect("JSON report")
}

fn run(spec: &str) -> Value {
    report(&ok(&["experiment", "--threads", "2", "-"], Some(spec)))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number, got {v}"))
}

fn ci(v: &Value) -> [f64; 2] {
    [num(&v[0]), num(&v[1])]
}

#[test]
fn the_truth_is_what_simulate_prints_for_the_two_configurations() {
    let metrics = [
        "revenue_per_day",
        "engagement_per_day",
        "sessions_per_day",
        "ctr",
        "mean_fatigue",
        "advertiser_surplus_per_day",
    ];
    let spec = format!(
        r#"{{"base": {{"users": {{"count": 300}}, "sim": {{"seed": 7}}}},
            "treatment": {{"ad_load.every": 3}}, "days": 5, "post_days": 2, "horizon_days": 6,
            "metrics": {}}}"#,
        serde_json::to_string(&metrics).unwrap()
    );
    let r = run(&spec);
    let simulate = |config: &str| {
        let doc = report(&ok(&["simulate", "--summary", "-"], Some(config)));
        doc["summary"]["whole_run"].clone()
    };
    let control = simulate(r#"{"users": {"count": 300}, "sim": {"seed": 7, "days": 5}}"#);
    let treatment = simulate(
        r#"{"users": {"count": 300}, "sim": {"seed": 7, "days": 5}, "ad_load": {"every": 3}}"#,
    );
    let long_c = simulate(r#"{"users": {"count": 300}, "sim": {"seed": 7, "days": 6}}"#);
    assert_eq!(r["seeds"][0], 7);
    for m in metrics {
        let truth = &r["metrics"][m]["truth"];
        assert_eq!(truth["control"], control[m], "{m}");
        assert_eq!(truth["treatment"], treatment[m], "{m}");
        let (c, t) = (num(&control[m]), num(&treatment[m]));
        assert_eq!(num(&truth["relative"]), t / c - 1.0, "{m}");
        // The long-term truth is the horizon run's last week (here its 6 days).
        assert_eq!(
            r["metrics"][m]["long_term_truth"]["control"], long_c[m],
            "{m}"
        );
    }
    assert!(num(&r["metrics"]["revenue_per_day"]["truth"]["relative"]) > 0.0);
}

#[test]
fn an_a_a_test_has_zero_truth_and_intervals_that_cover_zero_whatever_the_threads() {
    let spec = r#"{"base": {"users": {"count": 1000}}, "treatment": {}, "days": 4,
                   "horizon_days": 4, "replications": 3}"#;
    let one = ok(&["experiment", "--threads", "1", "-"], Some(spec));
    let two = ok(&["experiment", "--threads", "2", "-"], Some(spec));
    assert_eq!(one, two, "the report does not depend on the thread count");
    let r = report(&one);
    assert_eq!(r["design"], "user");
    let metrics = r["metrics"].as_object().expect("metrics");
    assert_eq!(metrics.len(), 5, "the default set");
    for (name, m) in metrics {
        assert_eq!(m["truth"]["relative"], 0.0, "{name}");
        assert_eq!(m["long_term_truth"]["relative"], 0.0, "{name}");
        let [lo, hi] = ci(&m["estimate"]["relative_ci"]);
        assert!(lo < 0.0 && 0.0 < hi, "{name}: [{lo}, {hi}]");
        let reps = &m["replications"];
        assert_eq!(reps["count"], 3, "{name}");
        assert!((0.0..=1.0).contains(&num(&reps["coverage"])), "{name}");
        assert!(num(&reps["rmse"]) >= num(&reps["bias"]).abs(), "{name}");
    }
    let seeds = r["seeds"].as_array().expect("seeds");
    assert_eq!(seeds.len(), 3);
    let seed = |v: &Value| v.as_u64().expect("a seed");
    assert_eq!(
        seed(&seeds[1]),
        experiment::replication_seed(seed(&seeds[0]), 1)
    );
    assert!(num(&r["srm_p_value"]) > 0.001);
    let units = &r["units"];
    assert_eq!(num(&units["control"]) + num(&units["treatment"]), 1000.0);
}

/// Tight budgets that bind, and a treatment whose advertisers bid more (no bid shading against
/// control's 30%).
fn binding_budgets(design: &str) -> String {
    format!(
        r#"{{"base": {{"users": {{"count": 3000}},
              "advertisers": {{"budget_mean": 0.3, "budget_sigma": 0.3, "arrival_rate": 0.0}},
              "auction": {{"bid_shading": 0.3}}}},
            "treatment": {{"auction.bid_shading": 0.0}}, "design": "{design}", "days": 3,
            "horizon_days": 3, "metrics": ["revenue_per_day"]}}"#
    )
}

#[test]
fn shared_budgets_bias_a_bid_increase_up_and_split_budgets_do_not() {
    let user = run(&binding_budgets("user"));
    let split = run(&binding_budgets("budget_split"));
    let m = |r: &Value| r["metrics"]["revenue_per_day"].clone();
    let truth = num(&m(&user)["truth"]["relative"]);
    assert_eq!(truth, num(&m(&split)["truth"]["relative"]));
    assert!(
        truth > 0.0 && truth < 0.1,
        "higher bids, spend capped by budgets: {truth}"
    );
    // Shared budgets: the higher-bidding arm takes the other arm's budget; the estimate is far
    // above the truth and its interval misses it.
    let biased = num(&m(&user)["estimate"]["relative"]);
    assert!(
        biased > truth + 0.3,
        "user design: {biased} vs truth {truth}"
    );
    assert!(ci(&m(&user)["estimate"]["relative_ci"])[0] > truth);
    // Split budgets: each arm spends its own pot.
    // The same two designs side by side on one world give the same estimates.
    let mut both: Value = serde_json::from_str(&binding_budgets("user")).unwrap();
    both["designs"] = serde_json::json!(["user", "budget_split"]);
    let both = run(&both.to_string());
    for (name, r) in [("user", &user), ("budget_split", &split)] {
        let side = &both["designs"][name]["metrics"]["revenue_per_day"];
        assert_eq!(side["relative"], m(r)["estimate"]["relative"], "{name}");
        assert_eq!(side["truth_relative"], truth, "{name}");
    }
    let fair = num(&m(&split)["estimate"]["relative"]);
    assert!(
        (fair - truth).abs() < 0.1,
        "budget split: {fair} vs truth {truth}"
    );
    let [lo, hi] = ci(&m(&split)["estimate"]["relative_ci"]);
    assert!(lo <= truth && truth <= hi, "[{lo}, {hi}] vs {truth}");
}

#[test]
fn after_an_ad_load_increase_the_learned_ctr_loss_decays_at_the_fatigue_half_life() {
    // Users are the units of both user designs; budget_split's post-period is the user one's.
    for design in ["user", "budget_split"] {
        learned_ctr_loss_decays(design);
    }
}

fn learned_ctr_loss_decays(design: &str) {
    let r = run(&format!(
        r#"{{"base": {{"users": {{"count": 4000, "blindness": 2, "fatigue_half_life_days": 3}}}},
            "treatment": {{"ad_load.every": 2, "ad_load.max_ads": 8}}, "design": "{design}",
            "days": 7, "post_days": 10, "horizon_days": 7, "metrics": ["ctr", "mean_fatigue"]}}"#
    ));
    let ctr = &r["metrics"]["ctr"]["post_period"];
    let daily: Vec<f64> = ctr["daily_relative"]
        .as_array()
        .expect("daily")
        .iter()
        .map(num)
        .collect();
    assert_eq!(daily.len(), 10);
    let early = daily[..3].iter().sum::<f64>() / 3.0;
    let late = daily[7..].iter().sum::<f64>() / 3.0;
    assert!(
        early < -0.02,
        "blinder users click less after the test: {daily:?}"
    );
    assert!(late > early, "and less so as they forget: {daily:?}");
    let h = num(&ctr["half_life_days"]);
    assert!(h.is_finite() && h > 0.0, "{ctr}");
    // The arms' fatigue gap decays at exactly the fatigue half-life (both arms add the same
    // fatigue after the test), so its fitted half-life is about 3 days.
    let fatigue = &r["metrics"]["mean_fatigue"]["post_period"];
    let h = num(&fatigue["half_life_days"]);
    assert!((h - 3.0).abs() < 0.5, "{fatigue}");
}

#[test]
fn a_pre_period_feeds_cuped_which_narrows_the_interval() {
    let r = run(
        r#"{"base": {"users": {"count": 1000}}, "treatment": {"ad_load.every": 3},
            "pre_days": 7, "days": 7, "horizon_days": 7,
            "metrics": ["revenue_per_day", "sessions_per_day", "ctr"]}"#,
    );
    // Ratio metrics too (CTR: on each user's delta-method linearised CTR).
    for m in ["revenue_per_day", "sessions_per_day", "ctr"] {
        let c = &r["metrics"][m]["cuped"];
        let v = num(&c["variance_reduction"]);
        assert!(v > 0.3 && v < 1.0, "{m}: {c}");
        let width = |ci: [f64; 2]| ci[1] - ci[0];
        let raw = width(ci(&r["metrics"][m]["estimate"]["relative_ci"]));
        let adjusted = width(ci(&c["relative_ci"]));
        assert!(adjusted < raw, "{m}: {adjusted} vs {raw}");
    }
    // An A/A test: every adjusted interval, ratio metrics' included, covers 0.
    let metrics = ["revenue_per_day", "ctr", "avg_cpc", "ecpm", "roi"];
    let r = run(&format!(
        r#"{{"base": {{"users": {{"count": 1000}}}}, "treatment": {{}}, "pre_days": 7,
            "days": 7, "horizon_days": 1, "metrics": {}}}"#,
        serde_json::to_string(&metrics).unwrap()
    ));
    for m in metrics {
        let c = &r["metrics"][m]["cuped"];
        let [lo, hi] = ci(&c["relative_ci"]);
        assert!(lo < 0.0 && 0.0 < hi, "{m}: {c}");
        assert!(num(&c["variance_reduction"]) > 0.0, "{m}: {c}");
    }
}

#[test]
fn the_srm_p_value_is_not_small_for_a_fair_split() {
    // The assignment of one seed is one draw; over seeds the p-values spread over (0, 1).
    let mut p = Vec::new();
    for seed in 1..=8 {
        let spec = experiment::parse(&format!(
            r#"{{"base": {{"users": {{"count": 2000}}, "sim": {{"seed": {seed}}}}},
                "treatment": {{}}, "treatment_share": 0.3, "days": 1, "horizon_days": 1,
                "metrics": ["sessions_per_day"]}}"#
        ))
        .expect("valid");
        let r = experiment::run(&spec, 1).expect("runs");
        let units = &r["units"];
        let t = num(&units["treatment"]) / (num(&units["control"]) + num(&units["treatment"]));
        assert!((t - 0.3).abs() < 0.05, "seed {seed}: treatment share {t}");
        p.push(num(&r["srm_p_value"]));
    }
    assert!(p.iter().all(|&p| p > 0.001), "{p:?}");
    assert!(p.iter().any(|&p| p > 0.5), "{p:?}");
}

#[test]
fn other_designs_measure_their_own_units() {
    // Advertisers randomised: a per-advertiser knob (the reserve); users' metrics are not theirs.
    let r = run(
        r#"{"base": {"users": {"count": 500}, "advertisers": {"arrival_rate": 0.0}},
            "treatment": {"auction.reserve": 0.5},
            "design": "advertiser", "days": 3, "horizon_days": 3,
            "metrics": ["revenue_per_day", "avg_cpc", "engagement_per_day"]}"#,
    );
    assert!(num(&r["metrics"]["revenue_per_day"]["estimate"]["relative"]).is_finite());
    let [lo, hi] = ci(&r["metrics"]["avg_cpc"]["estimate"]["relative_ci"]);
    assert!(lo < hi);
    // Every advertiser is a unit (the default 100; no arrivals here).
    assert_eq!(
        num(&r["units"]["control"]) + num(&r["units"]["treatment"]),
        100.0
    );
    assert!(r["metrics"]["engagement_per_day"]["estimate"]["reason"].is_string());
    // Switchback: days are the units.
    let r = run(
        r#"{"base": {"users": {"count": 300}}, "treatment": {"ad_load.every": 3},
            "design": "switchback", "days": 20, "horizon_days": 3,
            "metrics": ["revenue_per_day"]}"#,
    );
    assert_eq!(
        num(&r["units"]["control"]) + num(&r["units"]["treatment"]),
        20.0
    );
    assert!(num(&r["metrics"]["revenue_per_day"]["estimate"]["relative"]).is_finite());
}

#[test]
fn user_designs_estimate_advertiser_value_and_surplus_per_user() {
    // Each click's value is the user's whose session it was: the user designs estimate
    // advertiser value, surplus and ROI at the user. An A/A test covers 0; the control arm's
    // level (its mean per user × users) is the truth's within its interval's reach.
    for design in ["user", "budget_split"] {
        let r = run(&format!(
            r#"{{"base": {{"users": {{"count": 1000}}}}, "treatment": {{}}, "design": "{design}",
                "days": 4, "horizon_days": 1,
                "metrics": ["advertiser_value_per_day", "advertiser_surplus_per_day", "roi"]}}"#
        ));
        for m in [
            "advertiser_value_per_day",
            "advertiser_surplus_per_day",
            "roi",
        ] {
            let e = &r["metrics"][m]["estimate"];
            let [lo, hi] = ci(&e["relative_ci"]);
            assert!(lo < 0.0 && 0.0 < hi, "{design} {m}: {e}");
            let (c, truth) = (
                num(&e["control"]),
                num(&r["metrics"][m]["truth"]["control"]),
            );
            // Half the interval's relative width, as a bound on the control level's error.
            assert!(
                (c / truth - 1.0).abs() < (hi - lo),
                "{design} {m}: control {c} vs truth {truth}"
            );
        }
    }
    // A real treatment (30% bid shading: lower bids) has an estimate.
    let r = run(
        r#"{"base": {"users": {"count": 1000}}, "treatment": {"auction.bid_shading": 0.3},
            "design": "budget_split", "days": 4, "horizon_days": 1,
            "metrics": ["advertiser_surplus_per_day"]}"#,
    );
    let e = &r["metrics"]["advertiser_surplus_per_day"]["estimate"];
    assert!(num(&e["relative"]).is_finite(), "{e}");
}

#[test]
fn a_switchbacks_cuped_pairs_each_day_with_a_pre_period_day() {
    use sandbox::core::model::experiment::SwitchbackSchedule;
    use sandbox::core::model::{
        run_arms, summarise, Assignment, Metric, Params, Scenario, Schedule,
    };
    use sandbox::core::stats;
    let (pre_days, days) = (24, 20);
    let metrics = ["revenue_per_day", "ctr", "mean_fatigue"];
    let r = run(&format!(
        r#"{{"base": {{"users": {{"count": 400}}, "sim": {{"seed": 3}}}},
            "treatment": {{"ad_load.every": 3}}, "design": "switchback",
            "pre_days": {pre_days}, "days": {days}, "horizon_days": 1, "metrics": {}}}"#,
        serde_json::to_string(&metrics).unwrap()
    ));
    // By hand: the same two arms in one world; experiment day pre_days + j against pre-period
    // day pre_days − days + j (served by control), CUPED on days.
    let mut p = Params::default();
    p.users.count = 400;
    p.sim.seed = 3;
    p.sim.days = pre_days + days;
    let world = Scenario::new(p.clone()).unwrap();
    p.ad_load.every = 3;
    let treatment = Scenario::new(p).unwrap();
    let schedule = Schedule {
        pre_days,
        days,
        post_days: 0,
    };
    let design = Assignment::Switchback {
        treatment_share: 0.5,
        schedule: SwitchbackSchedule::Independent,
    };
    let arms = run_arms(&world, &world, &treatment, design, schedule).unwrap();
    for m in metrics {
        let metric = Metric::from_key(m).unwrap();
        let day_value = |d: &[_]| metric.row().value(&summarise(d)).unwrap();
        let (mut y, mut x) = ([vec![], vec![]], [vec![], vec![]]);
        for j in 1..=days {
            let (i, p) = (
                (pre_days + j - 1) as usize,
                (pre_days - days + j - 1) as usize,
            );
            let k = arms.day_arm[i].expect("a switchback day has one arm") as usize;
            let served = if k == 0 {
                &arms.control
            } else {
                &arms.treatment
            };
            y[k].push(day_value(&served[i..=i]));
            x[k].push(day_value(&arms.control[p..=p]));
        }
        let want = stats::cuped(&y[0], &x[0], &y[1], &x[1]).unwrap();
        let c = &r["metrics"][m]["cuped"];
        assert_eq!(num(&c["relative"]), want.adjusted.relative.unwrap(), "{m}");
        assert_eq!(
            num(&c["variance_reduction"]),
            want.variance_reduction,
            "{m}"
        );
        let raw = &r["metrics"][m]["estimate"];
        assert_eq!(num(&raw["relative"]), want.raw.relative.unwrap(), "{m}");
    }
    // The market drifts (fatigue builds over the run): the paired day explains most of a
    // day's mean fatigue.
    assert!(num(&r["metrics"]["mean_fatigue"]["cuped"]["variance_reduction"]) > 0.9);
    // A pre-period shorter than the experiment pairs no day: `null` with the reason.
    let r = run(
        r#"{"base": {"users": {"count": 200}}, "treatment": {}, "design": "switchback",
            "pre_days": 5, "days": 6, "horizon_days": 1, "metrics": ["revenue_per_day"]}"#,
    );
    let reason = &r["metrics"]["revenue_per_day"]["cuped"]["reason"];
    assert!(
        reason.as_str().unwrap().contains("pre_days ≥ days"),
        "{reason}"
    );
}

#[test]
fn after_a_switchback_the_carry_over_is_the_gap_to_the_control_run() {
    let daily = |v: &Value| -> Vec<f64> {
        v["daily_relative"]
            .as_array()
            .expect("daily")
            .iter()
            .map(num)
            .collect()
    };
    // A/A: the post-period is the control run's, exactly (1e-9: sums in another order).
    let r = run(
        r#"{"base": {"users": {"count": 500}, "sim": {"seed": 2}}, "treatment": {},
            "design": "switchback", "days": 8, "post_days": 4, "horizon_days": 1,
            "metrics": ["revenue_per_day", "ctr"]}"#,
    );
    for m in ["revenue_per_day", "ctr"] {
        let post = &r["metrics"][m]["post_period"];
        assert!(num(&post["relative"]).abs() < 1e-9, "{m}: {post}");
        assert!(daily(post).iter().all(|d| d.abs() < 1e-9), "{m}: {post}");
        assert!(post["relative_ci"].is_null() && post["reason"].is_string());
    }
    // Twice the ad load on the treatment days: afterwards users are more fatigued than in the
    // control run, and the gap decays at the fatigue half-life (both runs add the same fatigue
    // after the test), 3 ± 0.5 days; blinder users click less.
    let r = run(
        r#"{"base": {"users": {"count": 2000, "blindness": 2, "fatigue_half_life_days": 3},
                     "sim": {"seed": 2}},
            "treatment": {"ad_load.every": 2, "ad_load.max_ads": 8}, "design": "switchback",
            "days": 14, "post_days": 10, "horizon_days": 1, "metrics": ["ctr", "mean_fatigue"]}"#,
    );
    assert!(num(&r["units"]["treatment"]) >= 3.0, "{}", r["units"]);
    let fatigue = &r["metrics"]["mean_fatigue"]["post_period"];
    let d = daily(fatigue);
    assert!(d[0] > 0.1 && d.windows(2).all(|w| w[1] < w[0]), "{d:?}");
    let h = num(&fatigue["half_life_days"]);
    assert!((h - 3.0).abs() < 0.5, "{fatigue}");
    let ctr = &r["metrics"]["ctr"]["post_period"];
    assert!(
        num(&ctr["relative"]) < -0.02 && daily(ctr)[0] < daily(ctr)[9],
        "{ctr}"
    );
}

#[test]
fn after_an_advertiser_experiment_advertisers_are_compared_by_their_arm() {
    use sandbox::core::model::{run_arms, Assignment, Params, Scenario, Schedule};
    use sandbox::core::stats;
    let r = run(
        r#"{"base": {"users": {"count": 500}, "advertisers": {"count": 200, "arrival_rate": 0.5,
                     "churn_probability": 0.3, "roi_target": 1.2}, "sim": {"seed": 4}},
            "treatment": {"auction.reserve": 2.0}, "design": "advertiser", "days": 6,
            "post_days": 5, "horizon_days": 1,
            "metrics": ["revenue_per_day", "roi", "engagement_per_day"]}"#,
    );
    // By hand: each advertiser with an experiment arm, its post-period spend per day, by arm;
    // ROI as Σ value / Σ spend per arm with the delta method.
    let mut p = Params::default();
    p.users.count = 500;
    p.advertisers.count = 200;
    p.advertisers.arrival_rate = 0.5;
    p.advertisers.churn_probability = 0.3;
    p.advertisers.roi_target = 1.2;
    p.sim.seed = 4;
    p.sim.days = 11;
    let world = Scenario::new(p.clone()).unwrap();
    p.auction.reserve = 2.0;
    let treatment = Scenario::new(p).unwrap();
    let schedule = Schedule {
        pre_days: 0,
        days: 6,
        post_days: 5,
    };
    let design = Assignment::Advertiser {
        treatment_share: 0.5,
    };
    let arms = run_arms(&world, &world, &treatment, design, schedule).unwrap();
    let (mut spend, mut roi) = ([vec![], vec![]], [vec![], vec![]]);
    for (i, &k) in arms.advertiser_arm.iter().enumerate() {
        let t = arms.advertisers_post[i];
        spend[k as usize].push(t.spend / 5.0);
        roi[k as usize].push((t.value, t.spend));
    }
    let post = |m: &str| r["metrics"][m]["post_period"].clone();
    let want = stats::means(&spend[0], &spend[1]).unwrap();
    assert_eq!(
        num(&post("revenue_per_day")["relative"]),
        want.relative.unwrap()
    );
    let want = stats::ratio_metric(&roi[0], &roi[1]).unwrap();
    assert_eq!(ci(&post("roi")["relative_ci"]), want.relative_ci.unwrap());
    // Each post day's relative difference: the arms' mean spend per advertiser.
    let day0 = arms.advertisers_post_daily[0];
    let mean = |k: usize| day0[k].totals.spend / day0[k].advertisers as f64;
    assert_eq!(
        num(&post("revenue_per_day")["daily_relative"][0]),
        mean(1) / mean(0) - 1.0
    );
    assert_eq!(
        post("revenue_per_day")["daily_relative"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    // Users' sessions are not the advertisers': named.
    assert!(post("engagement_per_day")["reason"].is_string());
}

#[test]
fn bad_specs_exit_2_naming_their_field() {
    for (spec, key) in [
        (r#"{"colour": 1}"#, "`colour`"),
        (
            r#"{"treatment": {"ad_load.nope": 1}}"#,
            "treatment.ad_load.nope",
        ),
        (
            r#"{"treatment": {"ad_load.max_ads": 99}}"#,
            "treatment.ad_load.max_ads",
        ),
        (
            r#"{"treatment": {"ad_load.every": 3}, "design": "advertiser"}"#,
            "`treatment.ad_load.every`",
        ),
        (
            r#"{"treatment": {"users.count": 10}}"#,
            "`treatment.users.count`",
        ),
        (
            r#"{"treatment": {"advertisers.pacing": false}}"#,
            "`treatment.advertisers.pacing`",
        ),
        (r#"{"design": "cluster"}"#, "`design`"),
        (r#"{"designs": ["user", "cluster"]}"#, "`designs[1]`"),
        (
            r#"{"treatment": {"ad_load.every": 3}, "designs": ["advertiser"]}"#,
            "`designs[0]`: `treatment.ad_load.every`",
        ),
        (r#"{"treatment_share": 0}"#, "`treatment_share`"),
        (r#"{"treatment_share": 1}"#, "`treatment_share`"),
        (r#"{"treatment_share": 1.5}"#, "`treatment_share`"),
        (r#"{"days": 0}"#, "`days`"),
        (r#"{"replications": 0}"#, "`replications`"),
        (r#"{"metrics": ["nope"]}"#, "`metrics`"),
    ] {
        let stderr = err(&["experiment", "-"], Some(spec));
        assert!(stderr.contains(key), "{spec}: {stderr}");
    }
}

/// 200 A/A replications: the 95% intervals of the unit-level estimates, and CUPED's, cover the
/// truth (0) about 95% of the time (binomial SE 1.5%: within 4 SE). Release builds only: `scripts/test.sh` runs
/// it with `cargo test --release --test experiment_cli release_only`.
#[cfg(not(debug_assertions))]
mod release_only {
    use super::*;

    #[test]
    fn a_a_intervals_cover_zero_95_percent_of_the_time() {
        let r = run(
            r#"{"base": {"users": {"count": 1000}}, "treatment": {}, "days": 3,
                "horizon_days": 1, "replications": 200,
                "metrics": ["revenue_per_day", "sessions_per_day", "ctr"]}"#,
        );
        for m in ["revenue_per_day", "sessions_per_day", "ctr"] {
            let reps = &r["metrics"][m]["replications"];
            assert_eq!(reps["count"], 200);
            let c = num(&reps["coverage"]);
            assert!((c - 0.95).abs() < 4.0 * 0.0154, "{m}: coverage {c}");
            assert!(
                num(&reps["bias"]).abs() < 4.0 * num(&reps["bias_se"]) + 1e-12,
                "{m}"
            );
        }
    }

    /// 200 A/A replications with a pre-period: the replications' CUPED summary covers 0 at
    /// 95% ± 4 binomial SE, without bias; so do a balanced switchback's 200 replications.
    #[test]
    fn replication_summaries_of_cuped_and_balanced_switchbacks_cover_zero() {
        let se = (0.95 * 0.05 / 200.0_f64).sqrt();
        let r = run(
            r#"{"base": {"users": {"count": 600}}, "treatment": {}, "pre_days": 3, "days": 3,
                "horizon_days": 1, "replications": 200,
                "metrics": ["revenue_per_day", "ctr", "avg_cpc"]}"#,
        );
        for m in ["revenue_per_day", "ctr", "avg_cpc"] {
            let cuped = &r["metrics"][m]["replications"]["cuped"];
            assert_eq!(cuped["count"], 200);
            let c = num(&cuped["coverage"]);
            assert!((c - 0.95).abs() <= 4.0 * se, "{m}: CUPED coverage {c}");
            assert!(
                num(&cuped["bias"]).abs() < 4.0 * num(&cuped["bias_se"]) + 1e-12,
                "{m}"
            );
        }
        let r = run(
            r#"{"base": {"users": {"count": 200}}, "treatment": {}, "design": "switchback",
                "switchback_schedule": "balanced", "days": 40, "horizon_days": 1,
                "replications": 200, "metrics": ["revenue_per_day", "ctr"]}"#,
        );
        for m in ["revenue_per_day", "ctr"] {
            let c = num(&r["metrics"][m]["replications"]["coverage"]);
            assert!(
                (c - 0.95).abs() <= 4.0 * se,
                "{m}: balanced switchback coverage {c}"
            );
        }
    }

    /// A/A coverage of the CUPED intervals, one run per seed in process: per metric, the
    /// fraction of seeds whose `cuped.relative_ci` covers 0, and the mean variance reduction.
    fn cuped_a_a_coverage(spec: &str, metrics: &[&str], seeds: u64) -> Vec<(f64, f64)> {
        let mut covered = vec![0usize; metrics.len()];
        let mut reduction = vec![0.0; metrics.len()];
        for seed in 1..=seeds {
            let spec = experiment::parse(&spec.replace("SEED", &seed.to_string())).expect("valid");
            let r = experiment::run(&spec, 2).expect("runs");
            for (i, m) in metrics.iter().enumerate() {
                let c = &r["metrics"][m]["cuped"];
                let [lo, hi] = ci(&c["relative_ci"]);
                covered[i] += usize::from(lo <= 0.0 && 0.0 <= hi);
                reduction[i] += num(&c["variance_reduction"]) / seeds as f64;
            }
        }
        covered
            .iter()
            .zip(reduction)
            .map(|(&c, v)| (c as f64 / seeds as f64, v))
            .collect()
    }

    /// 200 A/A seeds, users randomised: CUPED's intervals (ratio metrics on linearised values,
    /// and a total) cover 0 at 95% ± 4 binomial SE, with a real variance reduction.
    #[test]
    fn ratio_cuped_intervals_cover_zero_95_percent_of_the_time() {
        let seeds = 200;
        let se = (0.95 * 0.05 / seeds as f64).sqrt();
        let metrics = ["ctr", "avg_cpc", "ecpm", "revenue_per_day"];
        let coverage = cuped_a_a_coverage(
            r#"{"base": {"users": {"count": 600}, "sim": {"seed": SEED}}, "treatment": {},
                "pre_days": 3, "days": 3, "horizon_days": 1,
                "metrics": ["ctr", "avg_cpc", "ecpm", "revenue_per_day"]}"#,
            &metrics,
            seeds,
        );
        for (m, (c, v)) in metrics.iter().zip(coverage) {
            assert!((c - 0.95).abs() <= 4.0 * se, "{m}: coverage {c}");
            assert!(v > 0.2, "{m}: mean variance reduction {v}");
        }
    }

    /// 200 A/A seeds of a 40-day switchback (about 20 days per arm, where normal quantiles are
    /// close to Student's: t₃₈ gives 94.3%), each day against its paired pre-period day: CUPED's
    /// intervals cover 0 at 95% ± 4 binomial SE, and the drift of mean fatigue is removed.
    #[test]
    fn switchback_cuped_intervals_cover_zero_95_percent_of_the_time() {
        let seeds = 200;
        let se = (0.95 * 0.05 / seeds as f64).sqrt();
        let metrics = ["revenue_per_day", "ctr", "mean_fatigue"];
        let coverage = cuped_a_a_coverage(
            r#"{"base": {"users": {"count": 300}, "sim": {"seed": SEED}}, "treatment": {},
                "design": "switchback", "pre_days": 40, "days": 40, "horizon_days": 1,
                "metrics": ["revenue_per_day", "ctr", "mean_fatigue"]}"#,
            &metrics,
            seeds,
        );
        for (m, &(c, _)) in metrics.iter().zip(&coverage) {
            assert!((c - 0.95).abs() <= 4.0 * se, "{m}: coverage {c}");
        }
        assert!(coverage[2].1 > 0.9, "mean fatigue: {:?}", coverage[2]);
    }
}

/// The spec of the job tests: replications, a pre-period, a post-period and side-by-side designs.
const JOBS_SPEC: &str = r#"{"base": {"users": {"count": 300}},
    "treatment": {"ad_load.every": 2, "ad_load.max_ads": 8},
    "pre_days": 2, "days": 3, "post_days": 3, "horizon_days": 4, "replications": 2,
    "designs": ["budget_split", "switchback"]}"#;

#[test]
fn jobs_that_crossed_a_serde_boundary_assemble_into_the_same_report() {
    let spec = experiment::parse(JOBS_SPEC).expect("valid");
    let report = experiment::run(&spec, 2).expect("runs");
    let n = experiment::job_count(&spec);
    assert_eq!(n, 2 + 1 + 2);
    // The spec crosses too: as JSON and as bincode (the worker codec).
    let text = serde_json::to_string(&spec).expect("spec to JSON");
    let sent: experiment::ExperimentSpec = serde_json::from_str(&text).expect("spec from JSON");
    assert_eq!(sent, spec);
    let bytes = bincode::serialize(&spec).expect("spec to bincode");
    let sent: experiment::ExperimentSpec = bincode::deserialize(&bytes).expect("from bincode");
    assert_eq!(sent, spec);
    // Each job runs on its own (in reverse order), goes through JSON, and comes back.
    let mut jobs = Vec::new();
    for i in (0..n).rev() {
        let job = experiment::run_job(&sent, i).expect("job runs");
        let text = serde_json::to_string(&job).expect("job to JSON");
        let back: experiment::ExperimentJob = serde_json::from_str(&text).expect("job from JSON");
        assert_eq!(back, job);
        let bytes = bincode::serialize(&job).expect("job to bincode");
        let binary: experiment::ExperimentJob = bincode::deserialize(&bytes).expect("bincode");
        assert_eq!(binary, job);
        jobs.push(back);
    }
    let assembled = experiment::assemble(&spec, jobs.clone()).expect("assembles");
    assert_eq!(
        serde_json::to_string_pretty(&assembled).expect("text"),
        serde_json::to_string_pretty(&report).expect("text")
    );
    // A job missing or given twice is an error, not a wrong report.
    let mut twice = jobs.clone();
    twice[0] = jobs[1].clone();
    assert!(experiment::assemble(&spec, twice).is_err());
    assert!(experiment::assemble(&spec, jobs[1..].to_vec()).is_err());
    assert!(experiment::run_job(&spec, n).is_err());
}

#[test]
fn the_canonical_spec_reads_back_to_an_equal_spec() {
    for input in [
        JOBS_SPEC,
        r#"{}"#,
        r#"{"base": {"users": {"count": 500}}, "treatment": {"auction.reserve": 0.5},
            "design": "advertiser", "treatment_share": 0.3, "metrics": ["roi"]}"#,
        r#"{"base": "?users=700", "treatment": {"advertisers.pacing": false},
            "design": "budget_split", "days": 5}"#,
    ] {
        let spec = experiment::parse(input).expect("valid");
        let canonical = experiment::canonical_json(&spec).to_string();
        let mut back = experiment::parse(&canonical).expect("canonical parses");
        back.warnings = spec.warnings.clone();
        assert_eq!(back, spec, "{input}\n{canonical}");
    }
}

fn daily(r: &Value, metric: &str) -> (Vec<f64>, Vec<[f64; 2]>, Vec<String>) {
    let d = &r["metrics"][metric]["daily"];
    let relative = d["relative"].as_array().expect("relative").iter().map(num);
    let cis = d["relative_ci"].as_array().expect("CIs").iter().map(ci);
    let period = d["period"].as_array().expect("period").iter();
    (
        relative.collect(),
        cis.collect(),
        period
            .map(|p| p.as_str().expect("a name").to_string())
            .collect(),
    )
}

#[test]
fn in_an_a_a_test_the_daily_intervals_cover_zero_on_most_days() {
    let r = run(
        r#"{"base": {"users": {"count": 2000}}, "treatment": {}, "days": 14, "post_days": 3,
            "horizon_days": 3,
            "metrics": ["revenue_per_day", "ctr", "sessions_per_day", "mean_fatigue"]}"#,
    );
    for m in ["revenue_per_day", "ctr", "sessions_per_day", "mean_fatigue"] {
        let (relative, cis, period) = daily(&r, m);
        assert_eq!(relative.len(), 17, "{m}");
        assert!(period[..14].iter().all(|p| p == "test"), "{m}: {period:?}");
        assert!(period[14..].iter().all(|p| p == "post"), "{m}: {period:?}");
        let days = &r["metrics"][m]["daily"]["day"];
        assert_eq!(days[0], 1);
        assert_eq!(days[16], 17);
        // 95% intervals: 13.3 of 14 test days expected; at most 3 misses (P ≈ 0.004 were the
        // days independent).
        let covered = cis[..14]
            .iter()
            .filter(|c| c[0] <= 0.0 && 0.0 <= c[1])
            .count();
        assert!(covered >= 11, "{m}: {covered} of 14 days cover 0: {cis:?}");
        for (r, c) in relative.iter().zip(&cis) {
            assert!(c[0] <= *r && *r <= c[1], "{m}");
        }
    }
}

#[test]
fn after_an_ad_load_increase_the_daily_ctr_effect_deepens_as_users_grow_blind() {
    let input = r#"{"base": {"users": {"count": 4000, "blindness": 2, "fatigue_half_life_days": 3}},
        "treatment": {"ad_load.every": 2, "ad_load.max_ads": 8}, "days": 10, "post_days": 4,
        "horizon_days": 7, "metrics": ["ctr", "mean_fatigue"]}"#;
    let r = run(input);
    let (relative, _, period) = daily(&r, "ctr");
    assert_eq!(relative.len(), 14);
    assert_eq!(period.iter().filter(|p| *p == "test").count(), 10);
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    let (early, late) = (mean(&relative[..3]), mean(&relative[7..10]));
    // The model: click propensity × exp(−blindness · fatigue); the treatment's fatigue builds up
    // over the first days (half-life 3 days), so its CTR falls further behind control's.
    let spec = experiment::parse(input).expect("valid");
    let scenario = |p: &sandbox::core::model::Params| {
        let mut p = p.clone();
        p.sim.days = 14;
        sandbox::core::model::Scenario::new(p).expect("valid")
    };
    let [c, t] = [
        sandbox::core::model::simulate(&scenario(&spec.base)),
        sandbox::core::model::simulate(&scenario(&spec.treatment)),
    ];
    let truth: Vec<f64> = (0..10)
        .map(|d| t.days[d].ctr / c.days[d].ctr - 1.0)
        .collect();
    let (truth_early, truth_late) = (mean(&truth[..3]), mean(&truth[7..10]));
    assert!(
        truth_late < truth_early - 0.03,
        "the model's CTR effect deepens: {truth:?}"
    );
    assert!(
        late < early - 0.03,
        "and the experiment sees it: {relative:?} vs the truth {truth:?}"
    );
    // The direction only: the global truth (everyone treated, budgets and advertisers reacting
    // to it) is not what a 50/50 split measures, and here it is deeper (−23% vs −15%).
    assert!(late < 0.0 && truth_late < 0.0, "{late} vs {truth_late}");
    // After the test everyone gets control again and the gap closes.
    assert!(relative[13] > late + 0.05, "{relative:?}");
    // The fatigue gap is there from day 1 (it is what treatment's ads did that day).
    let (fatigue, cis, _) = daily(&r, "mean_fatigue");
    assert!(cis[..10].iter().all(|c| c[0] > 0.0), "{fatigue:?}");
}

#[test]
fn the_daily_section_follows_the_design() {
    // Advertiser design: per advertiser, per test day; users' metrics are not theirs.
    let r = run(
        r#"{"base": {"users": {"count": 500}, "advertisers": {"arrival_rate": 0.0}},
            "treatment": {"auction.reserve": 0.5}, "design": "advertiser", "days": 3,
            "post_days": 2, "horizon_days": 3, "metrics": ["revenue_per_day", "engagement_per_day"]}"#,
    );
    let (relative, cis, period) = daily(&r, "revenue_per_day");
    assert_eq!(relative.len(), 3);
    assert!(period.iter().all(|p| p == "test"));
    assert!(cis.iter().all(|c| c[0] < c[1]));
    assert!(r["metrics"]["engagement_per_day"]["daily"]["reason"].is_string());
    assert!(r["arm_shares"]["reason"].is_string());
    // Switchback: a day is one unit of one arm.
    let r = run(
        r#"{"base": {"users": {"count": 300}}, "treatment": {"ad_load.every": 3},
            "design": "switchback", "days": 6, "horizon_days": 3, "metrics": ["revenue_per_day"]}"#,
    );
    assert!(r["metrics"]["revenue_per_day"]["daily"]["reason"].is_string());
    // User design: the arms' shares of users, sessions and spend.
    let r = run(
        r#"{"base": {"users": {"count": 300}}, "treatment": {"ad_load.every": 3}, "days": 2,
            "horizon_days": 2, "metrics": ["revenue_per_day"]}"#,
    );
    for key in ["users", "sessions", "spend"] {
        let [c, t] = ci(&r["arm_shares"][key]);
        assert!((c + t - 1.0).abs() < 1e-12 && c > 0.0 && t > 0.0, "{key}");
    }
    let [_, t] = ci(&r["arm_shares"]["users"]);
    assert_eq!(t, num(&r["units"]["treatment"]) / 300.0);
}

/// A hand-built report: a 14-day user test of revenue and CTR, every section present.
fn hand_report() -> Value {
    serde_json::json!({
        "design": "user", "treatment_share": 0.5,
        "schedule": {"pre_days": 7, "days": 14, "post_days": 10}, "horizon_days": 90,
        "units": {"control": 1000, "treatment": 1000}, "srm_p_value": 0.6,
        "arm_shares": {"users": [0.5, 0.5], "sessions": [0.5, 0.5], "spend": [0.45, 0.55]},
        "metric_keys": ["revenue_per_day", "ctr"],
        "metrics": {
            "revenue_per_day": {
                "truth": {"relative": 0.012},
                "estimate": {"relative": 0.041, "relative_ci": [0.020, 0.062]},
                "cuped": {"relative": 0.039, "relative_ci": [0.028, 0.050],
                          "variance_reduction": 0.37},
                "long_term_truth": {"relative": -0.008},
                "post_period": {"half_life_days": 4.24},
            },
            "ctr": {
                "truth": {"relative": -0.05},
                "estimate": {"relative": -0.04, "relative_ci": [-0.07, -0.01]},
                "cuped": {"reason": "a ratio"},
                "long_term_truth": {"relative": -0.12},
                "post_period": {"half_life_days": null, "half_life_reason": "no decay"},
            }
        }
    })
}

fn said(r: &Value, words: &str) -> bool {
    experiment::readout(r).iter().any(|s| s.contains(words))
}

#[test]
fn the_readout_states_the_estimate_and_the_truth() {
    let r = hand_report();
    let lines = experiment::readout(&r);
    assert_eq!(
        lines[0],
        "A 14-day user-split test estimates +4.1% revenue per day (95% CI +2.0% to +6.2%)."
    );
    assert!(lines[1].starts_with("The true effect over those days is +1.2%"));
    assert!(said(
        &r,
        "The test estimates \u{2212}4.0% CTR (95% CI \u{2212}7.0% to \u{2212}1.0%)."
    ));
    // No estimate: the reason instead.
    let mut r = hand_report();
    r["metrics"]["ctr"]["estimate"] = serde_json::json!({"reason": "not measured"});
    assert!(said(&r, "The test cannot estimate CTR: not measured."));
}

#[test]
fn the_readout_says_the_interval_covers_the_truth_only_when_it_does() {
    let r = hand_report();
    assert!(said(
        &r,
        "The true effect over those days is \u{2212}5.0%: the estimate's CI covers the truth."
    ));
    assert!(!said(&r, "+1.2%: the estimate's CI covers"));
}

#[test]
fn the_readout_blames_budget_coupling_only_in_a_user_design_whose_treatment_outspends_its_traffic()
{
    let r = hand_report();
    assert!(said(&r, "+1.2%: the treatment arm took budget from control (its spend share 55.0% against its traffic share 50.0%)."));
    // Split budgets: no coupling to blame.
    let mut split = hand_report();
    split["design"] = "budget_split".into();
    assert!(!said(&split, "took budget"));
    assert!(said(&split, "+1.2%: the estimate's CI misses it."));
    // Spend in proportion to traffic: no coupling either.
    let mut even = hand_report();
    even["arm_shares"]["spend"] = serde_json::json!([0.5, 0.5]);
    assert!(!said(&even, "took budget"));
    // Control outspending its traffic: the other way round.
    let mut other = hand_report();
    other["arm_shares"]["spend"] = serde_json::json!([0.6, 0.4]);
    assert!(said(
        &other,
        "the control arm took budget from treatment (its spend share 60.0%"
    ));
    // The interval covering the truth: nothing to explain.
    let mut covered = hand_report();
    covered["metrics"]["revenue_per_day"]["truth"]["relative"] = 0.03.into();
    assert!(!said(&covered, "took budget"));
}

#[test]
fn the_readout_calls_the_long_run_different_only_when_it_is() {
    // Revenue flips sign and CTR falls 7 points further: users learn to ignore ads.
    let r = hand_report();
    assert!(said(&r, "Long-term (last week of day 90) the effect is \u{2212}0.8%, against +1.2% over the test, as users learn to ignore ads."));
    // The same revenue numbers without CTR's evidence: different, no cause named.
    let mut no_ctr = hand_report();
    no_ctr["metrics"]["ctr"]["long_term_truth"]["relative"] = (-0.06).into();
    assert!(!said(&no_ctr, "ignore ads"));
    assert!(said(
        &no_ctr,
        "against +1.2% over the test: the test window does not show the long run."
    ));
    // A long run above the test window is not blindness's doing, nor is a metric clicks do not
    // drive.
    let mut up = hand_report();
    up["metrics"]["revenue_per_day"]["long_term_truth"]["relative"] = 0.05.into();
    assert!(said(&up, "the effect is +5.0%, against +1.2% over the test: the test window does not show the long run."));
    let mut fatigue = hand_report();
    fatigue["metric_keys"] = serde_json::json!(["mean_fatigue", "ctr"]);
    fatigue["metrics"]["mean_fatigue"] = fatigue["metrics"]["revenue_per_day"].clone();
    assert!(said(
        &fatigue,
        "the effect is \u{2212}0.8%, against +1.2% over the test: the test window"
    ));
    // Within the gap and the same sign: close to the test's.
    let mut close = hand_report();
    close["metrics"]["revenue_per_day"]["long_term_truth"]["relative"] = 0.025.into();
    assert!(said(
        &close,
        "the effect is +2.5%, close to the test window's."
    ));
    assert!(!said(&close, "+2.5%, against"));
}

#[test]
fn the_readout_reports_cuped_the_half_life_replications_and_srm_when_present() {
    let r = hand_report();
    assert!(said(&r, "With the 7-day pre-period as covariate (CUPED) the variance falls by 37.0%: +3.9% (95% CI +2.8% to +5.0%)."));
    assert_eq!(
        experiment::readout(&r)
            .iter()
            .filter(|s| s.contains("CUPED"))
            .count(),
        1
    );
    assert!(said(
        &r,
        "After the test the former arms' revenue per day gap decays with a half-life of 4.2 days."
    ));
    assert!(!said(&r, "CTR gap decays"));
    assert!(!said(&r, "Sample ratio mismatch"));
    assert!(!said(&r, "replications"));
    let mut r = hand_report();
    r["srm_p_value"] = 0.0002.into();
    r["metrics"]["ctr"]["replications"] =
        serde_json::json!({"count": 20, "coverage": 0.8, "bias": 0.064});
    let lines = experiment::readout(&r);
    assert!(lines[0].starts_with("Sample ratio mismatch: 1000 control and 1000 treatment units"));
    assert!(lines[0].contains("(p = 2.0e-4)"));
    assert!(said(&r, "Over 20 replications the 95% CI covered the truth 80.0% of the time; the estimate's bias is +6.4 points."));
    // At the threshold: no warning.
    r["srm_p_value"] = 0.001.into();
    assert!(!said(&r, "Sample ratio mismatch"));
}

#[test]
fn the_printed_readout_explains_real_runs() {
    let user = run(&binding_budgets("user"));
    let lines: Vec<&str> = user["readout"]
        .as_array()
        .expect("readout")
        .iter()
        .map(|s| s.as_str().expect("a sentence"))
        .collect();
    assert_eq!(lines, experiment::readout(&user));
    assert!(
        lines[0].starts_with("A 3-day user-split test estimates +"),
        "{lines:?}"
    );
    let [_, spend] = ci(&user["arm_shares"]["spend"]);
    let [_, traffic] = ci(&user["arm_shares"]["sessions"]);
    assert!(spend > traffic + 0.05, "{spend} vs {traffic}");
    assert!(
        lines[1].contains("the treatment arm took budget from control"),
        "{lines:?}"
    );
    let split = run(&binding_budgets("budget_split"));
    assert!(
        said(&split, "the estimate's CI covers the truth"),
        "{split}"
    );
    assert!(!said(&split, "took budget"));
}

/// A switchback spec whose report was saved before switchback schedules existed
/// (`tests/data/experiment_switchback_independent.json`): a pre-period (CUPED), a post-period,
/// replications and side-by-side designs.
const SWITCHBACK_SPEC: &str = r#"{"base": {"users": {"count": 200}},
    "treatment": {"ad_load.every": 3}, "design": "switchback",
    "pre_days": 14, "days": 14, "post_days": 3, "horizon_days": 7, "replications": 3,
    "designs": ["user", "switchback"]}"#;

/// The report without the replications' `cuped` summaries (new fields, added with a
/// pre-period), printed as the CLI prints reports.
fn without_cuped_replications(text: &str) -> String {
    let mut r = report(text);
    let mut removed = 0;
    for m in r["metrics"].as_object_mut().expect("metrics").values_mut() {
        if let Some(reps) = m["replications"].as_object_mut() {
            removed += usize::from(reps.remove("cuped").is_some());
        }
    }
    assert_eq!(removed, 5, "every metric's replications summarise CUPED");
    serde_json::to_string_pretty(&r).expect("JSON") + "\n"
}

#[test]
fn the_default_switchback_schedule_gives_the_same_bytes_as_before() {
    let saved = include_str!("data/experiment_switchback_independent.json");
    // The saved report reads back and prints to its own bytes.
    assert_eq!(
        serde_json::to_string_pretty(&report(saved)).unwrap() + "\n",
        saved
    );
    let now = ok(
        &["experiment", "--threads", "2", "-"],
        Some(SWITCHBACK_SPEC),
    );
    assert_eq!(without_cuped_replications(&now), saved);
    // Naming the default changes nothing either.
    let named = SWITCHBACK_SPEC.replace(
        r#""design": "switchback","#,
        r#""design": "switchback", "switchback_schedule": "independent","#,
    );
    assert_eq!(
        ok(&["experiment", "--threads", "2", "-"], Some(&named)),
        now
    );
    assert!(report(&now).get("switchback_schedule").is_none());
}

fn switchback_on_seed_1(schedule: &str, days: u32) -> Value {
    run(&format!(
        r#"{{"base": {{"users": {{"count": 200}}}}, "treatment": {{"ad_load.every": 3}},
            "design": "switchback", "switchback_schedule": "{schedule}", "days": {days},
            "horizon_days": 2}}"#
    ))
}

#[test]
fn a_balanced_switchback_on_seed_1_estimates_every_metric() {
    // Independent days on seed 1: 13 treatment days and 1 control day, a sample ratio mismatch
    // and no interval.
    let independent = switchback_on_seed_1("independent", 14);
    assert_eq!(independent["units"]["control"], 1);
    assert_eq!(independent["units"]["treatment"], 13);
    assert!(num(&independent["srm_p_value"]) < 0.002, "p = 0.0013");
    assert!(independent["metrics"]["revenue_per_day"]["estimate"]["relative_ci"].is_null());
    for (schedule, days, control, treatment) in [
        ("balanced", 14, 7, 7),
        ("balanced", 15, 7, 8),
        ("paired", 14, 7, 7),
    ] {
        let r = switchback_on_seed_1(schedule, days);
        assert_eq!(r["switchback_schedule"], schedule);
        assert_eq!(r["units"]["control"], control, "{schedule} {days}");
        assert_eq!(r["units"]["treatment"], treatment, "{schedule} {days}");
        assert!(num(&r["srm_p_value"]) > 0.5, "{schedule}");
        let metrics = r["metrics"].as_object().expect("metrics");
        assert_eq!(metrics.len(), 5);
        for (name, m) in metrics {
            let e = &m["estimate"];
            assert!(e.get("reason").is_none(), "{schedule} {name}: {e}");
            let [lo, hi] = ci(&e["relative_ci"]);
            let x = num(&e["relative"]);
            assert!(lo <= x && x <= hi, "{schedule} {name}");
        }
        // The readout reads the estimate, with no sample ratio warning.
        let readout = r["readout"].to_string();
        assert!(readout.contains("switchback test estimates"), "{readout}");
        assert!(!readout.contains("Sample ratio mismatch"), "{readout}");
    }
}

#[test]
fn a_paired_switchback_puts_one_day_of_each_arm_in_every_pair() {
    // Pairs of consecutive days, per replication seed: the day records show one arm each.
    use sandbox::core::model::experiment::{run_arms, Assignment, Schedule, SwitchbackSchedule};
    use sandbox::core::model::{Params, Scenario};
    for seed in 1..=8 {
        let mut p = Params::default();
        p.users.count = 100;
        p.sim.seed = seed;
        p.sim.days = 11;
        let world = Scenario::new(p).unwrap();
        let design = Assignment::Switchback {
            treatment_share: 0.5,
            schedule: SwitchbackSchedule::Paired,
        };
        let schedule = Schedule {
            pre_days: 1,
            days: 10,
            post_days: 0,
        };
        let r = run_arms(&world, &world, &world, design, schedule).unwrap();
        for pair in r.day_arm[1..].chunks_exact(2) {
            assert_ne!(pair[0], pair[1], "seed {seed}: {:?}", r.day_arm);
        }
    }
}

/// A/A: 40 replications of a 14-day balanced switchback; the days' 95% intervals cover the
/// truth (0) in 95% ± 4 binomial SE (3.4%) of them.
#[test]
fn balanced_switchback_a_a_intervals_cover_zero() {
    let r = run(
        r#"{"base": {"users": {"count": 100}}, "treatment": {}, "design": "switchback",
            "switchback_schedule": "balanced", "days": 14, "horizon_days": 1,
            "replications": 40, "metrics": ["revenue_per_day", "ctr"]}"#,
    );
    let se = (0.95 * 0.05 / 40.0_f64).sqrt();
    for m in ["revenue_per_day", "ctr"] {
        let reps = &r["metrics"][m]["replications"];
        assert_eq!(reps["count"], 40, "{m}: every replication has an interval");
        let c = num(&reps["coverage"]);
        assert!((c - 0.95).abs() <= 4.0 * se, "{m}: coverage {c}");
    }
    assert_eq!(r["units"]["control"], 7);
}

#[test]
fn bad_switchback_schedules_exit_2_naming_the_field() {
    for spec in [
        r#"{"design": "switchback", "switchback_schedule": "alternate"}"#,
        r#"{"design": "switchback", "switchback_schedule": 2}"#,
        r#"{"design": "switchback", "switchback_schedule": "paired", "treatment_share": 0.3}"#,
    ] {
        let stderr = err(&["experiment", "-"], Some(spec));
        assert!(stderr.contains("`switchback_schedule`"), "{spec}: {stderr}");
    }
    let stderr = err(
        &["experiment", "-"],
        Some(
            r#"{"designs": ["switchback"], "switchback_schedule": "paired", "treatment_share": 0.3}"#,
        ),
    );
    assert!(stderr.contains("0.5"), "{stderr}");
    // Without a switchback, paired days at 0.3 do nothing: a warning, not an error.
    let spec = experiment::parse(r#"{"switchback_schedule": "paired", "treatment_share": 0.3}"#)
        .expect("valid");
    assert!(spec.warnings.iter().any(|w| w.contains("no switchback")));
    // Without a switchback the schedule does nothing, and the parser says so.
    let spec = experiment::parse(r#"{"switchback_schedule": "balanced"}"#).expect("valid");
    assert!(
        spec.warnings
            .iter()
            .any(|w| w.contains("switchback_schedule")),
        "{:?}",
        spec.warnings
    );
    // The canonical spec carries a schedule that is not the default.
    let spec = experiment::parse(
        r#"{"design": "switchback", "switchback_schedule": "paired", "days": 4}"#,
    )
    .expect("valid");
    let back = experiment::parse(&experiment::canonical_json(&spec).to_string()).expect("reads");
    assert_eq!(back, spec);
}

/// With a pre-period, the replications summarise CUPED's estimate too: recomputed here from one
/// run per replication seed, exactly.
#[test]
fn the_replications_summarise_cupeds_estimate_against_each_truth() {
    let spec = r#"{"base": {"users": {"count": 300}, "sim": {"seed": SEED}},
        "treatment": {"ad_load.every": 3}, "pre_days": 3, "days": 3, "horizon_days": 1,
        "replications": REPS, "metrics": ["revenue_per_day", "ctr"]}"#;
    let r = run(&spec.replace("SEED", "1").replace("REPS", "4"));
    for m in ["revenue_per_day", "ctr"] {
        let reps = &r["metrics"][m]["replications"];
        let mut rows = Vec::new();
        let mut plain = Vec::new();
        for seed in r["seeds"].as_array().expect("seeds") {
            let one = run(&spec.replace("SEED", &seed.to_string()).replace("REPS", "1"));
            let x = &one["metrics"][m];
            let truth = num(&x["truth"]["relative"]);
            let c = &x["cuped"];
            rows.push((
                num(&c["relative"]) - truth,
                ci(&c["relative_ci"]).map(|v| v - truth),
            ));
            let e = &x["estimate"];
            plain.push((
                num(&e["relative"]) - truth,
                ci(&e["relative_ci"]).map(|v| v - truth),
            ));
        }
        for (summary, rows) in [(&reps["cuped"], &rows), (reps, &plain)] {
            let n = rows.len() as f64;
            assert_eq!(summary["count"], 4, "{m}");
            let bias = rows.iter().map(|r| r.0).sum::<f64>() / n;
            let rmse = (rows.iter().map(|r| r.0 * r.0).sum::<f64>() / n).sqrt();
            let covered = rows
                .iter()
                .filter(|r| r.1[0] <= 0.0 && 0.0 <= r.1[1])
                .count();
            assert!((num(&summary["bias"]) - bias).abs() < 1e-12, "{m}");
            assert!((num(&summary["rmse"]) - rmse).abs() < 1e-12, "{m}");
            assert_eq!(num(&summary["coverage"]), covered as f64 / n, "{m}");
        }
        // CUPED's errors are not the unadjusted ones (it adjusted something).
        assert_ne!(reps["cuped"]["bias"], reps["bias"], "{m}");
    }
    // Without a pre-period there is no CUPED summary; a switchback whose pre-period is too
    // short has one with the reason.
    let none = run(&spec
        .replace("SEED", "1")
        .replace("REPS", "2")
        .replace(r#""pre_days": 3, "#, ""));
    assert!(none["metrics"]["ctr"]["replications"]
        .get("cuped")
        .is_none());
    let short = run(
        r#"{"base": {"users": {"count": 100}}, "treatment": {}, "design": "switchback",
            "switchback_schedule": "balanced", "pre_days": 2, "days": 4, "horizon_days": 1,
            "replications": 2, "metrics": ["ctr"]}"#,
    );
    assert!(short["metrics"]["ctr"]["replications"]["cuped"]["reason"].is_string());
}

/// A/A with a pre-period: over 40 replications CUPED's 95% intervals cover the truth (0) in
/// 95% ± 4 binomial SE (3.4%) of them (200 in the release-only check).
#[test]
fn cuped_a_a_replications_cover_zero() {
    let r = run(
        r#"{"base": {"users": {"count": 300}}, "treatment": {}, "pre_days": 3, "days": 3,
            "horizon_days": 1, "replications": 40, "metrics": ["revenue_per_day", "ctr"]}"#,
    );
    let se = (0.95 * 0.05 / 40.0_f64).sqrt();
    for m in ["revenue_per_day", "ctr"] {
        let cuped = &r["metrics"][m]["replications"]["cuped"];
        assert_eq!(cuped["count"], 40, "{m}");
        let c = num(&cuped["coverage"]);
        assert!((c - 0.95).abs() <= 4.0 * se, "{m}: coverage {c}");
        assert!(num(&cuped["rmse"]) >= num(&cuped["bias"]).abs(), "{m}");
    }
}
