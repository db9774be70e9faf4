//! `advertisers.autobid_share`: the strategy mix it defines, its validation and link key, and the
//! direction of its effect in a GSP market whose budgets bind.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::config::url::{decode, encode};
use sandbox::core::model::knobs::{Knob, Value};
use sandbox::core::model::{simulate, AdvertiserParams, Params, RunResult, Scenario, Strategy};

fn mix(shares: &[(&str, f64)]) -> AdvertiserParams {
    AdvertiserParams {
        strategies: shares.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..AdvertiserParams::default()
    }
}

fn shares(a: &AdvertiserParams) -> [f64; 5] {
    Strategy::ALL.map(|s| a.strategy_share(s))
}

fn assert_shares(a: &AdvertiserParams, expected: [f64; 5]) {
    let got = shares(a);
    for (g, e) in got.iter().zip(expected) {
        assert!((g - e).abs() < 1e-15, "{got:?} vs {expected:?}");
    }
}

#[test]
fn the_share_sets_manual_and_keeps_the_autobidders_proportions() {
    // Order of Strategy::ALL: manual, max_clicks, target_roas, target_cpc, learning_shading.
    let mut a = mix(&[
        ("manual", 0.2),
        ("max_clicks", 0.4),
        ("target_roas", 0.3),
        ("target_cpc", 0.1),
    ]);
    assert_eq!(a.autobid_share, None, "unset by default");
    assert_shares(&a, [0.2, 0.4, 0.3, 0.1, 0.0]);
    assert!((a.effective_autobid_share() - 0.8).abs() < 1e-15);
    a.autobid_share = Some(0.5);
    assert_shares(&a, [0.5, 0.25, 0.1875, 0.0625, 0.0]);
    a.autobid_share = Some(1.0);
    assert_shares(&a, [0.0, 0.5, 0.375, 0.125, 0.0]);
    // A mix with no autobidder: the share goes to max_clicks.
    let mut manual = mix(&[("manual", 1.0)]);
    assert_eq!(manual.effective_autobid_share(), 0.0);
    manual.autobid_share = Some(0.3);
    assert_shares(&manual, [0.7, 0.3, 0.0, 0.0, 0.0]);
    assert!(manual.uses(Strategy::MaxClicks) && !manual.uses(Strategy::TargetRoas));
    // Every strategy but manual is an automated bidder, the shading learner too: it keeps its
    // proportion among them.
    let mut learners = mix(&[
        ("manual", 0.5),
        ("learning_shading", 0.25),
        ("max_clicks", 0.25),
    ]);
    learners.autobid_share = Some(1.0);
    assert_shares(&learners, [0.0, 0.5, 0.0, 0.0, 0.5]);
}

fn small() -> Params {
    let mut p = Params::default();
    p.sim.days = 6;
    p.users.count = 400;
    p.advertisers.count = 30;
    p
}

fn run(p: Params) -> RunResult {
    simulate(&Scenario::new(p).expect("valid"))
}

#[test]
fn unset_and_zero_on_an_all_manual_mix_are_todays_run() {
    let base = run(small());
    let mut zero = small();
    zero.advertisers.autobid_share = Some(0.0);
    assert_eq!(run(zero), base);
    // Setting the mix's own share moves nobody: the same strategies, the same numbers.
    let mut p = small();
    p.advertisers.strategies = mix(&[("manual", 0.5), ("target_roas", 0.5)]).strategies;
    let unset = run(p.clone());
    p.advertisers.autobid_share = Some(0.5);
    assert_eq!(run(p), unset);
}

#[test]
fn raising_the_share_only_moves_advertisers_from_manual_to_autobidding() {
    // Strategies are drawn walking the shares with manual first, so the manual advertisers at a
    // higher share are a subset of those at a lower one: their count never rises.
    let mut last = f64::INFINITY;
    for s in [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] {
        let mut p = small();
        p.sim.days = 1;
        p.advertisers.autobid_share = Some(s);
        let r = run(p);
        let manual = r
            .summaries
            .whole_run
            .by_strategy
            .get("manual")
            .map_or(0.0, |m| m.advertisers);
        assert!(manual <= last, "share {s}: {manual} manual after {last}");
        last = manual;
    }
    assert_eq!(last, 0.0);
}

#[test]
fn out_of_range_values_are_reported_and_leave_the_mix_as_configured() {
    let mut p = small();
    p.advertisers.strategies = mix(&[("manual", 0.5), ("max_clicks", 0.5)]).strategies;
    p.advertisers.autobid_share = Some(1.5);
    let errors = Scenario::new(p.clone()).expect_err("1.5 is out of range");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "advertisers.autobid_share");
    assert!(
        errors[0].message.contains("outside the allowed range 0–1"),
        "{}",
        errors[0].message
    );
    assert!(errors[0].used.starts_with("unset"), "{}", errors[0].used);
    let (repaired, _) = Scenario::repair(p);
    assert_eq!(repaired.params().advertisers.autobid_share, None);
    assert_eq!(
        repaired
            .params()
            .advertisers
            .strategy_share(Strategy::Manual),
        0.5
    );
    // In a JSON configuration.
    let bad: Result<Params, _> = serde_json::from_str(r#"{"advertisers":{"autobid_share":-0.1}}"#);
    let errors = Scenario::new(bad.expect("parses")).expect_err("negative");
    assert_eq!(errors[0].field, "advertisers.autobid_share");
}

#[test]
fn the_share_has_a_link_key_and_a_json_key_written_only_when_set() {
    let mut p = Params::default();
    assert!(!serde_json::to_string(&p).unwrap().contains("autobid_share"));
    assert!(!encode(&p, None).contains("autobid_share"));
    p.advertisers.autobid_share = Some(0.7);
    assert!(serde_json::to_string(&p)
        .unwrap()
        .contains(r#""autobid_share":0.7"#));
    let link = encode(&p, None);
    assert!(link.contains("autobid_share=0.7"), "{link}");
    let back = decode(&link);
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    assert_eq!(back.params.advertisers.autobid_share, Some(0.7));
    // The knob row: key, link key, the value it reads (the effective share when unset).
    let spec = Knob::AutobidShare.spec();
    assert_eq!(spec.key, "advertisers.autobid_share");
    assert_eq!(spec.url, "autobid_share");
    assert!(spec.sweepable);
    let mut q = Params::default();
    q.advertisers.strategies = mix(&[("manual", 0.25), ("target_cpc", 0.75)]).strategies;
    assert_eq!((spec.get)(&q), Value::Number(0.75));
    // A mix-only link keeps its text: unset writes nothing.
    assert!(!encode(&q, None).contains("autobid_share"));
}

#[test]
fn in_gsp_with_binding_budgets_more_autobidders_lower_revenue_and_liquid_welfare() {
    // A GSP market whose budgets bind (mean 1 a day, utilisation ≈ 0.85), autobidders in the
    // proportions 40 max clicks : 30 target ROAS (target 1) : 10 target CPC. Max-clicks bidders,
    // the largest group, shade through the budget's dual instead of the ×0.8/×1.25 multiplier
    // and leave more of their budgets unspent, so prices and revenue fall as they replace
    // manual bidders (measured over seeds 1–3, last week: revenue −5% to −8% from share 0 to 1,
    // liquid welfare −4% to −9%). Truthful manual bidders earn a return of at least 1, the
    // churn target, so nobody churns at share 0; autobidders at a return target of 1 hover
    // around it and a few leave.
    let at = |share: f64| {
        let mut p = Params::default();
        p.sim.days = 28;
        p.users.count = 1500;
        p.advertisers.count = 40;
        p.advertisers.budget_mean = 1.0;
        p.advertisers.target_roas = 1.0;
        p.advertisers.strategies = mix(&[
            ("manual", 0.2),
            ("max_clicks", 0.4),
            ("target_roas", 0.3),
            ("target_cpc", 0.1),
        ])
        .strategies;
        p.advertisers.autobid_share = Some(share);
        run(p).summaries
    };
    let (none, all) = (at(0.0), at(1.0));
    let (n, a) = (&none.last_week, &all.last_week);
    assert!(
        n.budget_utilisation > 0.8,
        "budgets bind: {}",
        n.budget_utilisation
    );
    assert!(
        a.revenue_per_day < 0.97 * n.revenue_per_day,
        "revenue {} → {}",
        n.revenue_per_day,
        a.revenue_per_day
    );
    assert!(a.liquid_welfare_per_day < n.liquid_welfare_per_day);
    assert_eq!(none.whole_run.churned_advertisers, 0);
    assert!(all.whole_run.churned_advertisers >= none.whole_run.churned_advertisers);
    // What each end is made of.
    assert_eq!(n.by_strategy.keys().collect::<Vec<_>>(), ["manual"]);
    assert!(!a.by_strategy.contains_key("manual"));
}
