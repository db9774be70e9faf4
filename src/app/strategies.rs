//! The "Bidding strategies" section: the welfare line (revenue, advertiser surplus and liquid
//! welfare per day) and, when the mix has autobidders, one row per strategy — advertisers,
//! spend, value, ROI, CPC, budget utilisation and goal attainment — from
//! [`Summary::by_strategy`]. Pure, so the component only lays rows out.

use super::format;
use crate::core::model::{Metric, StrategySummary, Summary};

/// The table's columns after the strategy, in order.
pub const COLUMNS: [&str; 7] = [
    "Advertisers",
    "Spend / day",
    "Value / day",
    "ROI",
    "CPC",
    "Budget used",
    "Goal met",
];

/// How a strategy is named in the app (its configuration name when unknown).
pub fn strategy_label(name: &str) -> &str {
    match name {
        "manual" => "Manual",
        "max_clicks" => "Max clicks",
        "target_roas" => "Target ROAS",
        "target_cpc" => "Target CPC",
        other => other,
    }
}

/// One strategy over one window.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyRow {
    /// The strategy's configuration name (`max_clicks`).
    pub key: String,
    /// Its label (`Max clicks`).
    pub label: String,
    /// The values of [`COLUMNS`], `None` where undefined (a ratio with nothing to divide by, or
    /// no goal).
    pub values: [Option<f64>; 7],
    /// The cells as shown: [`format::UNDEFINED`] for a ratio with nothing to divide by, "no
    /// goal" for manual bidders' goal.
    pub cells: [String; 7],
}

/// Whether the section shows the table: the mix has a strategy other than `manual`.
pub fn has_autobidders(summary: &Summary) -> bool {
    summary.by_strategy.keys().any(|k| k != "manual")
}

/// The row of one strategy.
pub fn strategy_row(name: &str, s: &StrategySummary) -> StrategyRow {
    let spent = s.spend_per_day > 0.0;
    let values = [
        Some(s.advertisers),
        Some(s.spend_per_day),
        Some(s.value_per_day),
        spent.then_some(s.roi),
        spent.then_some(s.avg_cpc),
        Some(s.budget_utilisation),
        s.goal_attainment,
    ];
    let text = |i: usize, x: Option<f64>| match (i, x) {
        (6, None) if name == "manual" => "no goal".to_string(),
        (_, None) => format::UNDEFINED.to_string(),
        (5 | 6, Some(x)) => format::percent(x),
        (_, Some(x)) => format::number(x),
    };
    StrategyRow {
        key: name.to_string(),
        label: strategy_label(name).to_string(),
        values,
        cells: std::array::from_fn(|i| text(i, values[i])),
    }
}

/// The rows of a window, in name order; empty when every advertiser bids manually.
pub fn strategy_rows(summary: &Summary) -> Vec<StrategyRow> {
    if !has_autobidders(summary) {
        return Vec::new();
    }
    summary
        .by_strategy
        .iter()
        .map(|(name, s)| strategy_row(name, s))
        .collect()
}

/// The welfare line of a window: revenue, advertiser surplus and liquid welfare per day, each
/// as (metric, value, text).
pub fn welfare(summary: &Summary) -> [(Metric, f64, String); 3] {
    [
        Metric::RevenuePerDay,
        Metric::AdvertiserSurplusPerDay,
        Metric::LiquidWelfarePerDay,
    ]
    .map(|m| {
        let row = m.row();
        let x = row.value(summary).unwrap_or(f64::NAN);
        let text = format::metric_value(row, summary).unwrap_or_default();
        (m, x, text)
    })
}
