//! The "Welfare and bidding strategies" section's rows and texts, natively.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::app::strategies::{
    has_autobidders, strategy_label, strategy_row, strategy_rows, welfare, COLUMNS,
};
use sandbox::core::model::{simulate, Metric, Params, Scenario, StrategySummary, Summary};

fn summary(entries: &[(&str, StrategySummary)]) -> Summary {
    Summary {
        by_strategy: entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        ..Summary::default()
    }
}

fn some(spend: f64, goal: Option<f64>) -> StrategySummary {
    StrategySummary {
        advertisers: 12.5,
        spend_per_day: spend,
        value_per_day: 2.0 * spend,
        roi: if spend > 0.0 { 2.0 } else { 0.0 },
        avg_cpc: if spend > 0.0 { 0.4567 } else { 0.0 },
        budget_utilisation: 0.875,
        goal_attainment: goal,
    }
}

#[test]
fn a_row_shows_every_column_with_undefined_ratios_and_goals_spelled_out() {
    assert_eq!(COLUMNS.len(), 7);
    let row = strategy_row("target_roas", &some(12.345, Some(0.8)));
    assert_eq!(row.label, "Target ROAS");
    assert_eq!(
        row.cells,
        ["12.50", "12.35", "24.69", "2", "0.4567", "87.50%", "80.00%"].map(String::from)
    );
    assert_eq!(row.values[6], Some(0.8));
    // Nothing spent: no ROI or CPC to show; a strategy nobody followed has no attainment.
    let idle = strategy_row("max_clicks", &some(0.0, None));
    assert_eq!(idle.cells[3], "—");
    assert_eq!(idle.cells[4], "—");
    assert_eq!(idle.cells[6], "—");
    assert_eq!(idle.values[3], None);
    // Manual bidders have no goal.
    let manual = strategy_row("manual", &some(1.0, None));
    assert_eq!(manual.cells[6], "no goal");
    assert_eq!(strategy_label("target_cpc"), "Target CPC");
    assert_eq!(strategy_label("max_clicks"), "Max clicks");
}

#[test]
fn the_table_shows_only_when_the_mix_has_autobidders() {
    let manual_only = summary(&[("manual", some(1.0, None))]);
    assert!(!has_autobidders(&manual_only));
    assert!(strategy_rows(&manual_only).is_empty());
    let mixed = summary(&[
        ("manual", some(1.0, None)),
        ("max_clicks", some(2.0, Some(0.5))),
    ]);
    assert!(has_autobidders(&mixed));
    let keys: Vec<String> = strategy_rows(&mixed).into_iter().map(|r| r.key).collect();
    assert_eq!(keys, ["manual", "max_clicks"]);
}

#[test]
fn the_welfare_line_puts_liquid_welfare_next_to_revenue_and_surplus() {
    let mut p = Params::default();
    p.sim.days = 3;
    p.users.count = 300;
    p.advertisers.count = 20;
    let r = simulate(&Scenario::new(p).expect("valid"));
    let w = &r.summaries.whole_run;
    let line = welfare(w);
    let metrics: Vec<Metric> = line.iter().map(|(m, _, _)| *m).collect();
    assert_eq!(
        metrics,
        [
            Metric::RevenuePerDay,
            Metric::AdvertiserSurplusPerDay,
            Metric::LiquidWelfarePerDay
        ]
    );
    assert_eq!(line[0].1, w.revenue_per_day);
    assert_eq!(line[2].1, w.liquid_welfare_per_day);
    assert_eq!(
        line[2].2,
        sandbox::app::format::number(w.liquid_welfare_per_day)
    );
    assert!(w.liquid_welfare_per_day > 0.0);
}
