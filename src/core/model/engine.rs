//! The day loop (being written).
use serde::{Deserialize, Serialize};

use super::metrics::{DayMetrics, Summaries};
use super::validate::Scenario;

/// Everything a run produces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// One record per simulated day.
    pub days: Vec<DayMetrics>,
    /// First week, last week, whole run.
    pub summaries: Summaries,
    /// Segment names, in the order of the per-segment metrics.
    pub segment_names: Vec<String>,
}

/// Runs the day-by-day model.
pub fn simulate(scenario: &Scenario) -> RunResult {
    let _ = scenario;
    RunResult::default()
}
