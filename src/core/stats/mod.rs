//! Experiment statistics, computed at the randomisation unit: what an A/B test of two designs
//! reports and how far to trust it.
//!
//! - [`normal`] — the standard normal CDF and quantile (Wichura's AS 241) and the chi-square
//!   upper tail.
//! - [`compare`] — two arms compared: proportions (Wald CI, pooled z-test), unit-level means
//!   (Welch variance) and ratio metrics such as CTR = Σclicks/Σimpressions over users (the delta
//!   method of Deng, Knoblich & Lu 2018); each gives the difference and the relative lift with
//!   95% confidence intervals.
//! - [`cuped`](mod@cuped) — variance reduction with the pre-period value of the same metric (Deng, Xu,
//!   Kohavi & Walker 2013), θ pooled across arms; for ratio metrics on the units' delta-method
//!   linearised values (Deng, Knoblich & Lu 2018).
//! - [`srm`](mod@srm) — the sample-ratio-mismatch check (chi-square of observed counts against the
//!   intended split).
//! - [`power`](mod@power) — sample size per arm, minimum detectable effect and power.
//! - [`replication`] — mean, bias, RMSE and 95%-CI coverage of an estimator over replications.
//! - [`decay`] — the exponential decay `y = a·e^(−k·t)` (+ an optional asymptote) fitted by
//!   nonlinear least squares, with the half-life `ln 2 / k` and its confidence interval.
//!
//! **Conventions.** Intervals are two-sided at 95% ([`ALPHA`]) and use normal quantiles, not
//! Student's t: the units of an online experiment number in the thousands, where the two agree
//! to three digits (with 30 units per arm the normal interval is about 4% too narrow). Every
//! function is pure (no randomness, no clock) and validates its input, returning a
//! [`StatsError`] that names the offending field instead of panicking.

pub mod compare;
pub mod cuped;
pub mod decay;
pub mod normal;
pub mod power;
pub mod replication;
pub mod srm;

use std::fmt;

pub use compare::{means, proportions, ratio_metric, Comparison, Proportion};
pub use cuped::{cuped, cuped_ratio, linearise, CupedResult};
pub use decay::{fit_decay, Asymptote, DecayFit};
pub use normal::{chi_square_sf, normal_cdf, normal_quantile, normal_sf};
pub use power::{mde, power, sample_size, sample_size_proportion, SampleSize};
pub use replication::{summarize, Replicate, ReplicationSummary};
pub use srm::{srm, SrmResult};

/// Two-sided significance level of every confidence interval here: 95% intervals.
pub const ALPHA: f64 = 0.05;

/// Why a statistic could not be computed: the offending input (`field`) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsError {
    /// The input that is wrong, as the caller named it (`control`, `treatment[3]`, `alpha`…).
    pub field: String,
    /// What is wrong with it, and what is allowed.
    pub message: String,
}

impl StatsError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        StatsError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error with `prefix.` in front of the field (`proportions.control`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for StatsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for StatsError {}

/// The two-sided critical value `z_{1−α/2}` of the 95% intervals (1.959963984540054).
pub fn z_critical() -> f64 {
    normal_quantile(1.0 - ALPHA / 2.0)
}

/// Checks that every value of `values` is finite, naming `field[i]` otherwise.
pub(crate) fn check_finite(field: &str, values: &[f64]) -> Result<(), StatsError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(StatsError::new(
            format!("{field}[{i}]"),
            format!("must be a finite number, got {}", values[i]),
        )),
        None => Ok(()),
    }
}

/// Mean and sample variance (divisor n − 1) of `values`, by two passes (n ≥ 2).
pub(crate) fn mean_var(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, ss / (n - 1.0))
}
