//! The day-by-day marketplace model: users with fatigue, advertisers with budgets, pacing, churn
//! and arrivals, a feed blended by the ad-load policy, and per-day metrics.
//!
//! Entry point: [`simulate`] (a validated [`Scenario`] in, a [`RunResult`] out). See
//! [`engine`] for the equations.

pub mod constants;
pub mod engine;
pub mod experiment;
pub mod fppe_compare;
pub mod hourly;
pub mod knobs;
pub mod learning;
pub mod metric_table;
pub mod metrics;
pub mod params;
pub mod promotion_metrics;
pub mod strategy_metrics;
pub mod validate;
pub mod window;

pub use constants::*;
pub use engine::{
    initial_bids, simulate, AdvertiserBidding, AdvertiserTotals, Engine, RunResult, UserTotals,
    MAX_ARMS,
};
pub use experiment::{run_arms, ArmsResult, Assignment, Design, ExperimentError, Schedule};
pub use fppe_compare::{
    compare_with_fppe, mapping_conditions, AdvertiserComparison, FppeCompareError, FppeComparison,
    UnmetCondition,
};
pub use hourly::{spend_curves, HourlySpend, SpendCurve};
pub use metric_table::{
    daily_rows, summary_rows, Daily, Direction, Format, Metric, MetricRow, METRICS,
    SUMMARY_BREAKDOWN_FIELDS, SUMMARY_WINDOW_FIELDS,
};
pub use metrics::{
    promotion_summaries, summaries, summarise, summarise_promotion, DayMetrics, PromotionDay,
    PromotionSummaries, PromotionSummary, Summaries, Summary, SPEND_GROUPS,
};
pub use params::*;
pub use promotion_metrics::{PromotionMetric, PromotionSide, PROMOTION_METRICS};
pub use strategy_metrics::{
    goal_met, Goals, StrategySummary, WindowTotals, GOAL_BUDGET_SPENT, GOAL_FULL_BID,
    GOAL_TOLERANCE,
};
pub use validate::{FieldError, Scenario, MAX_SEGMENTS};
pub use window::{Window, WindowedMetric, WindowedMetricError};
