//! Power analysis for a two-arm test with equal arms and a two-sided z-test at level `α`:
//!
//! `n per arm = 2·(z_{1−α/2} + z_{power})²·σ² / δ²`, rounded up,
//!
//! where `σ` is the metric's per-unit standard deviation and `δ` the absolute effect to detect.
//! For a proportion with baseline `p` and relative lift `r`, `σ² = p(1 − p)` and `δ = p·r` (the
//! common planning approximation: the variance at the baseline for both arms). The inverse gives
//! the minimum detectable effect `δ = (z_{1−α/2} + z_{power})·σ·√(2/n)`, and the power of a
//! design is `Φ(|δ|/(σ·√(2/n)) − z_{1−α/2})` (the far tail's sliver of rejections ignored, as in
//! the sample-size formula).

use serde::Serialize;

use super::normal::{normal_cdf, normal_quantile};
use super::StatsError;

/// Largest sample size reported (units per arm); beyond it the effect is too small to test.
pub const MAX_N_PER_ARM: f64 = 1e15;

/// A sample size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SampleSize {
    /// Units per arm, rounded up.
    pub n_per_arm: u64,
    /// The formula's value before rounding.
    pub n_per_arm_exact: f64,
    /// The per-unit standard deviation used.
    pub sd: f64,
    /// The absolute effect used.
    pub mde: f64,
}

fn check_level(field: &str, value: f64) -> Result<(), StatsError> {
    if value.is_finite() && value > 0.0 && value < 1.0 {
        Ok(())
    } else {
        Err(StatsError::new(
            field,
            format!("must be a probability strictly between 0 and 1, got {value}"),
        ))
    }
}

fn check_positive(field: &str, value: f64) -> Result<(), StatsError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(StatsError::new(
            field,
            format!("must be a positive number, got {value}"),
        ))
    }
}

/// `z_{1−α/2} + z_{power}`.
fn z_sum(alpha: f64, power: f64) -> Result<f64, StatsError> {
    check_level("alpha", alpha)?;
    check_level("power", power)?;
    Ok(normal_quantile(1.0 - alpha / 2.0) + normal_quantile(power))
}

/// Units per arm to detect an absolute effect `mde` on a metric with per-unit standard
/// deviation `sd` with probability `power` at two-sided level `alpha`. Errors name `sd`, `mde`
/// (0, not finite, or so small that more than 10¹⁵ units would be needed), `alpha` or `power`.
pub fn sample_size(sd: f64, mde: f64, alpha: f64, power: f64) -> Result<SampleSize, StatsError> {
    check_positive("sd", sd)?;
    if !mde.is_finite() || mde == 0.0 {
        return Err(StatsError::new(
            "mde",
            format!("must be a non-zero number, got {mde}"),
        ));
    }
    let z = z_sum(alpha, power)?;
    let exact = 2.0 * z * z * sd * sd / (mde * mde);
    if exact.is_nan() || exact > MAX_N_PER_ARM {
        return Err(StatsError::new(
            "mde",
            format!("{mde} is too small to detect: it needs more than 10^15 units per arm"),
        ));
    }
    Ok(SampleSize {
        n_per_arm: exact.ceil().max(1.0) as u64,
        n_per_arm_exact: exact,
        sd,
        mde: mde.abs(),
    })
}

/// Units per arm to detect a relative lift `relative_lift` on a proportion with rate
/// `baseline` (σ² = p(1 − p), δ = p·r). Errors name `baseline` (outside (0, 1)),
/// `relative_lift`, `alpha` or `power`.
pub fn sample_size_proportion(
    baseline: f64,
    relative_lift: f64,
    alpha: f64,
    power: f64,
) -> Result<SampleSize, StatsError> {
    check_level("baseline", baseline)?;
    if !relative_lift.is_finite() || relative_lift == 0.0 {
        return Err(StatsError::new(
            "relative_lift",
            format!("must be a non-zero number, got {relative_lift}"),
        ));
    }
    let sd = (baseline * (1.0 - baseline)).sqrt();
    sample_size(sd, baseline * relative_lift, alpha, power).map_err(|e| {
        if e.field == "mde" {
            StatsError::new("relative_lift", e.message)
        } else {
            e
        }
    })
}

/// The minimum detectable absolute effect with `n_per_arm` units per arm:
/// `(z_{1−α/2} + z_{power})·sd·√(2/n)`. Errors name `sd`, `n_per_arm` (0), `alpha` or `power`.
pub fn mde(sd: f64, n_per_arm: u64, alpha: f64, power: f64) -> Result<f64, StatsError> {
    check_positive("sd", sd)?;
    if n_per_arm == 0 {
        return Err(StatsError::new("n_per_arm", "must be at least 1"));
    }
    Ok(z_sum(alpha, power)? * sd * (2.0 / n_per_arm as f64).sqrt())
}

/// The power to detect an absolute effect `mde` with `n_per_arm` units per arm:
/// `Φ(|mde|/(sd·√(2/n)) − z_{1−α/2})`. Errors name `sd`, `mde`, `n_per_arm` or `alpha`.
pub fn power(sd: f64, mde: f64, n_per_arm: u64, alpha: f64) -> Result<f64, StatsError> {
    check_positive("sd", sd)?;
    if !mde.is_finite() {
        return Err(StatsError::new(
            "mde",
            format!("must be a finite number, got {mde}"),
        ));
    }
    if n_per_arm == 0 {
        return Err(StatsError::new("n_per_arm", "must be at least 1"));
    }
    check_level("alpha", alpha)?;
    let se = sd * (2.0 / n_per_arm as f64).sqrt();
    Ok(normal_cdf(
        mde.abs() / se - normal_quantile(1.0 - alpha / 2.0),
    ))
}
