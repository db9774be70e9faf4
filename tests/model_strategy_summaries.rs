//! What an economist reads of an autobidding market: the per-strategy summaries, liquid welfare
//! and the share of auctions with a bid above value.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::auction::Format;
use sandbox::core::model::{
    goal_met, simulate, Goals, MaxClicksRule, Params, RunResult, Scenario, Strategy, Window,
    WindowTotals,
};

/// A stationary market (no fatigue, no churn, no arrivals) with the given strategy mix.
fn market(strategies: &[(&str, f64)]) -> Params {
    let mut p = Params::default();
    p.users.count = 1200;
    p.users.fatigue = false;
    p.sim.days = 21;
    p.advertisers.count = 40;
    p.advertisers.churn_probability = 0.0;
    p.advertisers.budget_mean = 1.0;
    p.advertisers.strategies = strategies
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    p
}

fn run(p: Params) -> RunResult {
    simulate(&Scenario::new(p).expect("valid"))
}

const MIX: [(&str, f64); 4] = [
    ("manual", 0.2),
    ("max_clicks", 0.4),
    ("target_roas", 0.3),
    ("target_cpc", 0.1),
];

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

#[test]
fn spend_over_the_strategies_is_the_revenue_in_every_format_and_window() {
    for format in [Format::FirstPrice, Format::Gsp, Format::Vcg] {
        let mut p = market(&MIX);
        p.auction.format = format;
        let r = run(p);
        for w in Window::ALL {
            let s = r.summaries.get(w);
            let names: Vec<&str> = s.by_strategy.keys().map(String::as_str).collect();
            assert_eq!(
                names,
                ["manual", "max_clicks", "target_cpc", "target_roas"],
                "{format:?} {w}"
            );
            let spend: f64 = s.by_strategy.values().map(|x| x.spend_per_day).sum();
            let value: f64 = s.by_strategy.values().map(|x| x.value_per_day).sum();
            let advertisers: f64 = s.by_strategy.values().map(|x| x.advertisers).sum();
            assert!(s.revenue_per_day > 0.0);
            assert!(
                close(spend, s.revenue_per_day, 1e-9),
                "{format:?} {w}: Σ spend {spend} vs revenue {}",
                s.revenue_per_day
            );
            assert!(
                close(value, s.advertiser_value_per_day, 1e-9),
                "{format:?} {w}"
            );
            assert!(
                close(advertisers, s.active_advertisers, 1e-12),
                "{format:?} {w}"
            );
            for (name, x) in &s.by_strategy {
                // Each strategy's ratios are ratios of its own totals.
                if x.spend_per_day > 0.0 {
                    assert!(
                        close(x.roi * x.spend_per_day, x.value_per_day, 1e-12),
                        "{name}"
                    );
                }
                assert!((0.0..=1.05).contains(&x.budget_utilisation), "{name}");
                match name.as_str() {
                    "manual" => assert_eq!(x.goal_attainment, None),
                    _ => assert!(x.goal_attainment.is_some_and(|g| (0.0..=1.0).contains(&g))),
                }
            }
        }
    }
}

#[test]
fn liquid_welfare_is_at_most_the_value_and_at_most_the_budgets() {
    // Binding budgets (mean 0.3 a day): welfare is capped by the budgets, well below the value.
    let mut tight = market(&MIX);
    tight.advertisers.budget_mean = 0.3;
    let r = run(tight);
    for d in &r.days {
        assert!(
            d.liquid_welfare <= d.advertiser_value * (1.0 + 1e-12),
            "day {}",
            d.day
        );
        assert!(d.liquid_welfare > 0.0);
    }
    for w in Window::ALL {
        let s = r.summaries.get(w);
        // Σ budgets per day, recovered from each strategy's spend and utilisation.
        let budgets: f64 = s
            .by_strategy
            .values()
            .filter(|x| x.budget_utilisation > 0.0)
            .map(|x| x.spend_per_day / x.budget_utilisation)
            .sum();
        assert!(s.liquid_welfare_per_day <= s.advertiser_value_per_day * (1.0 + 1e-12));
        assert!(
            s.liquid_welfare_per_day <= budgets * (1.0 + 1e-9),
            "{w}: {} vs budgets {budgets}",
            s.liquid_welfare_per_day
        );
        assert!(
            s.liquid_welfare_per_day < 0.9 * s.advertiser_value_per_day,
            "{w}"
        );
    }
    // Budgets that never bind: min(value, budget) is the value, so welfare is the value.
    let mut loose = market(&[("manual", 1.0)]);
    loose.advertisers.budget_mean = 5_000.0;
    loose.advertisers.budget_sigma = 0.0;
    let r = run(loose);
    for d in &r.days {
        assert!(
            close(d.liquid_welfare, d.advertiser_value, 1e-12),
            "day {}",
            d.day
        );
    }
}

#[test]
fn an_all_manual_market_has_only_manual_in_its_breakdown() {
    let r = run(market(&[("manual", 1.0)]));
    for w in Window::ALL {
        let s = r.summaries.get(w);
        let names: Vec<&str> = s.by_strategy.keys().map(String::as_str).collect();
        assert_eq!(names, ["manual"], "{w}");
        let m = &s.by_strategy["manual"];
        assert_eq!(m.goal_attainment, None);
        assert!(close(m.spend_per_day, s.revenue_per_day, 1e-12));
        assert!(close(m.roi, s.roi, 1e-12));
        assert!(close(m.avg_cpc, s.avg_cpc, 1e-12));
        assert!(close(m.advertisers, s.active_advertisers, 1e-12));
    }
}

#[test]
fn target_roas_bidders_meet_their_target_in_a_stationary_market_with_loose_budgets() {
    // Stationary users (no fatigue), no churn or arrivals, budgets that never bind: each
    // target-ROAS bidder faces the same market every day, so its uniform bid scaling converges
    // to the fixed point Σ value = T·Σ spend (Aggarwal, Badanidiyuru & Mehta 2019) and its
    // last-week return sits at the target. A bidder that wins too little to steer (cents of
    // spend a week at the margin of every auction) can miss the ±10% band: in a crowded market
    // with widely spread values those are many (measured: 55% attain with 40 advertisers and
    // σ = 0.5 on 1 200 users), so this market gives each of 12 advertisers with similar values
    // (σ = 0.3) a real share of the auctions (measured: 92–100% attain over seeds 1–5).
    let mut p = market(&[("target_roas", 1.0)]);
    p.advertisers.count = 12;
    p.advertisers.value_sigma = 0.3;
    p.advertisers.budget_mean = 5_000.0;
    p.advertisers.target_roas = 1.5;
    p.advertisers.roi_target = 0.0;
    p.sim.days = 35;
    let r = run(p);
    let s = &r.summaries.last_week.by_strategy["target_roas"];
    let g = s.goal_attainment.expect("target_roas has a goal");
    assert!(g >= 0.8, "goal attainment {g}");
    assert!(s.budget_utilisation < 0.5, "budgets should not bind");
    // The market as a whole returns about the target.
    assert!((s.roi / 1.5 - 1.0).abs() < 0.1, "ROI {}", s.roi);
}

#[test]
fn manual_bidders_with_shading_never_bid_above_value_and_low_roas_targets_do() {
    for (format, shading) in [
        (Format::Gsp, None),
        (Format::Gsp, Some(0.0)),
        (Format::Vcg, Some(0.2)),
        (Format::FirstPrice, None),
    ] {
        let mut p = market(&[("manual", 1.0)]);
        p.auction.format = format;
        p.auction.bid_shading = shading;
        let r = run(p);
        let auctions: u64 = r.days.iter().map(|d| d.auctions).sum();
        assert!(auctions > 1000, "{format:?}: {auctions} auctions");
        for w in Window::ALL {
            assert_eq!(
                r.summaries.get(w).bid_above_value_share,
                0.0,
                "{format:?} {shading:?} {w}"
            );
        }
    }
    // A ROAS target of 0.5 is below what bidding value earns in GSP (price ≤ bid = value gives a
    // return of at least 1), so the controller scales bids above value (multiplier > 1).
    let mut p = market(&[("manual", 0.5), ("target_roas", 0.5)]);
    p.advertisers.target_roas = 0.5;
    let r = run(p);
    let s = &r.summaries;
    assert!(s.last_week.bid_above_value_share > 0.0);
    assert!(s.whole_run.bid_above_value_share > 0.0);
    let above: u64 = r.days.iter().map(|d| d.auctions_bid_above_value).sum();
    let auctions: u64 = r.days.iter().map(|d| d.auctions).sum();
    assert!(
        (s.whole_run.bid_above_value_share - above as f64 / auctions as f64).abs() < 1e-15,
        "the share is the window's count over its auctions"
    );
}

#[test]
fn goals_follow_their_definitions() {
    let t = |spend, value, clicks, budget| WindowTotals {
        spend,
        value,
        clicks,
        budget,
        days: 7.0,
        multiplier: 7.0 * 0.5,
    };
    let goals = Goals {
        target_roas: 2.0,
        target_cpc: 0.5,
        max_clicks_rule: MaxClicksRule::OneHourSpendOut,
    };
    let roas = |x: &WindowTotals| goal_met(Strategy::TargetRoas, x, &goals);
    assert_eq!(roas(&t(10.0, 21.0, 5.0, 100.0)), Some(true)); // ROI 2.1, within 10%
    assert_eq!(roas(&t(10.0, 17.0, 5.0, 100.0)), Some(false)); // ROI 1.7, below
    assert_eq!(roas(&t(10.0, 30.0, 5.0, 100.0)), Some(false)); // ROI 3, budget not spent
    assert_eq!(roas(&t(99.0, 300.0, 5.0, 100.0)), Some(true)); // ROI 3, budget spent
    assert_eq!(roas(&t(0.0, 0.0, 0.0, 100.0)), Some(false)); // bought nothing
    let clicks = |x: &WindowTotals| goal_met(Strategy::MaxClicks, x, &goals);
    assert_eq!(clicks(&t(98.0, 0.0, 1.0, 100.0)), Some(true));
    assert_eq!(clicks(&t(97.0, 0.0, 1.0, 100.0)), Some(false));
    // Bidding (within 2% of) its value: the budget does not bind, μ = 0 is the optimum.
    let full = |m: f64| WindowTotals {
        multiplier: 7.0 * m,
        ..t(50.0, 0.0, 1.0, 100.0)
    };
    assert_eq!(clicks(&full(0.98)), Some(true));
    assert_eq!(clicks(&full(0.97)), Some(false));
    // The version-1 rule keeps the version-1 goal: the budget alone.
    let v1 = Goals {
        max_clicks_rule: MaxClicksRule::SkipSpendOutHour,
        ..goals
    };
    assert_eq!(goal_met(Strategy::MaxClicks, &full(1.0), &v1), Some(false));
    assert_eq!(
        goal_met(Strategy::MaxClicks, &t(98.0, 0.0, 1.0, 100.0), &v1),
        Some(true)
    );
    let cpc = |x: &WindowTotals| goal_met(Strategy::TargetCpc, x, &goals);
    assert_eq!(cpc(&t(5.5, 0.0, 10.0, 100.0)), Some(true)); // CPC 0.55 = 1.1 × target
    assert_eq!(cpc(&t(5.6, 0.0, 10.0, 100.0)), Some(false));
    assert_eq!(cpc(&t(0.0, 0.0, 0.0, 100.0)), Some(false));
    assert_eq!(
        goal_met(Strategy::Manual, &t(1.0, 1.0, 1.0, 1.0), &goals),
        None
    );
}
