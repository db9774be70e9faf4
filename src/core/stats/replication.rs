//! How an estimator behaves over replications of one experiment with a known truth: its mean,
//! bias, spread, RMSE and the coverage of its confidence interval (a 95% interval should
//! contain the truth in 95% of the replications; fewer means it is too narrow or biased).

use serde::Serialize;

use super::StatsError;

/// One replication's estimate and its confidence interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Replicate {
    /// The estimate.
    pub estimate: f64,
    /// Its confidence interval.
    pub ci: [f64; 2],
}

/// An estimator's behaviour over replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplicationSummary {
    /// Number of replications R.
    pub replications: usize,
    /// The true value.
    pub truth: f64,
    /// Mean of the estimates.
    pub mean: f64,
    /// Standard error of that mean (`sd / √R`).
    pub mean_se: f64,
    /// `mean − truth`.
    pub bias: f64,
    /// Standard deviation of the estimates (divisor R − 1; 0 for one replication).
    pub sd: f64,
    /// `√(mean of (estimate − truth)²)`.
    pub rmse: f64,
    /// Share of the intervals that contain the truth (ends included).
    pub coverage: f64,
    /// Binomial standard error of the coverage, `√(c(1 − c)/R)`.
    pub coverage_se: f64,
}

/// Summarises `replicates` against `truth`. Errors name `replicates` (none) or
/// `replicates[i]` (a non-finite estimate, or an interval whose low end exceeds its high end),
/// or `truth` (not finite).
pub fn summarize(replicates: &[Replicate], truth: f64) -> Result<ReplicationSummary, StatsError> {
    if replicates.is_empty() {
        return Err(StatsError::new(
            "replicates",
            "needs at least 1 replication",
        ));
    }
    if !truth.is_finite() {
        return Err(StatsError::new(
            "truth",
            format!("must be a finite number, got {truth}"),
        ));
    }
    for (i, r) in replicates.iter().enumerate() {
        if !r.estimate.is_finite() || r.ci[0].is_nan() || r.ci[1].is_nan() || r.ci[0] > r.ci[1] {
            return Err(StatsError::new(
                format!("replicates[{i}]"),
                format!(
                    "needs a finite estimate and an interval [low, high] with low ≤ high, got {} in [{}, {}]",
                    r.estimate, r.ci[0], r.ci[1]
                ),
            ));
        }
    }
    let n = replicates.len() as f64;
    let mean = replicates.iter().map(|r| r.estimate).sum::<f64>() / n;
    let ss: f64 = replicates
        .iter()
        .map(|r| (r.estimate - mean) * (r.estimate - mean))
        .sum();
    let sd = if replicates.len() > 1 {
        (ss / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    let mse = replicates
        .iter()
        .map(|r| (r.estimate - truth) * (r.estimate - truth))
        .sum::<f64>()
        / n;
    let covered = replicates
        .iter()
        .filter(|r| r.ci[0] <= truth && truth <= r.ci[1])
        .count() as f64;
    let coverage = covered / n;
    Ok(ReplicationSummary {
        replications: replicates.len(),
        truth,
        mean,
        mean_se: sd / n.sqrt(),
        bias: mean - truth,
        sd,
        rmse: mse.sqrt(),
        coverage,
        coverage_se: (coverage * (1.0 - coverage) / n).sqrt(),
    })
}
