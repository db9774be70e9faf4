//! Bidding strategies and pacing methods: directions of their knobs.

use sandbox::core::model::{simulate, Params, Scenario};

/// A stationary GSP market (no fatigue or churn) whose budgets bind.
fn market(strategies: &[(&str, f64)]) -> Params {
    let mut p = Params::default();
    p.users.count = 1500;
    p.users.fatigue = false;
    p.sim.days = 30;
    p.advertisers.count = 40;
    p.advertisers.churn_probability = 0.0;
    p.advertisers.budget_mean = 1.0;
    p.advertisers.strategies = strategies
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    p
}

/// Spend, ROI and average CPC over the last week.
fn last_week(p: Params) -> (f64, f64, f64) {
    let run = simulate(&Scenario::new(p).expect("valid"));
    let week = &run.days[run.days.len() - 7..];
    let spend: f64 = week.iter().map(|d| d.revenue).sum();
    let value: f64 = week.iter().map(|d| d.advertiser_value).sum();
    let clicks: f64 = week.iter().map(|d| d.clicks).sum();
    (spend, value / spend, spend / clicks)
}

#[test]
fn a_higher_roas_target_lowers_spend_and_raises_roi() {
    let mut low = market(&[("target_roas", 1.0)]);
    low.advertisers.target_roas = 1.5;
    let mut high = low.clone();
    high.advertisers.target_roas = 3.0;
    let (spend_low, roi_low, _) = last_week(low);
    let (spend_high, roi_high, _) = last_week(high);
    assert!(spend_high < spend_low, "spend {spend_high} vs {spend_low}");
    assert!(roi_high > roi_low, "ROI {roi_high} vs {roi_low}");
}

#[test]
fn more_autobidders_raise_prices_in_gsp_with_binding_budgets() {
    // ROAS target 1: autobidders bid above value until return on spend falls to 1, where manual
    // bidders (truthful in GSP) keep the margin between value and price.
    let cpc = |share: f64| {
        let mut p = market(&[("manual", 1.0 - share), ("target_roas", share)]);
        p.advertisers.target_roas = 1.0;
        last_week(p).2
    };
    let (none, half, all) = (cpc(0.0), cpc(0.5), cpc(1.0));
    assert!(none < half && half < all, "CPC {none} < {half} < {all}");
}
