//! Two arms compared: the difference `treatment − control` and the relative lift
//! `treatment / control − 1`, each with a 95% confidence interval, and a two-sided p-value.
//!
//! **The relative lift's interval** is the delta method on the ratio `T/C` itself (not on its
//! logarithm): with independent arms, `Var(T/C) ≈ Var(T)/C² + T²·Var(C)/C⁴`, and the interval is
//! symmetric, `T/C − 1 ± z·se`. It is the formula of Deng, Knoblich & Lu (2018, §3.3) and what
//! experimentation platforms report; it needs the control's mean to be many standard errors
//! from zero, which it is for any metric worth a lift. (The log-ratio interval would be
//! asymmetric and never cross −100%; at the sample sizes here the two agree to a few parts in a
//! thousand of the width.)

use serde::Serialize;

use super::normal::two_sided_p;
use super::{check_finite, mean_var, z_critical, StatsError};

/// An arm's binary outcome: `successes` out of `n` units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proportion {
    /// Units with the outcome (0..=n).
    pub successes: u64,
    /// Units in the arm (≥ 1).
    pub n: u64,
}

/// Two arms compared (see the module docs for the relative lift's interval).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The control arm's estimate (a rate, a mean or a ratio).
    pub control: f64,
    /// The treatment arm's estimate.
    pub treatment: f64,
    /// `treatment − control`.
    pub difference: f64,
    /// Standard error of the difference.
    pub difference_se: f64,
    /// 95% confidence interval of the difference, `[low, high]`.
    pub difference_ci: [f64; 2],
    /// `treatment / control − 1`; `None` when the control's estimate is 0.
    pub relative: Option<f64>,
    /// Standard error of the relative lift (delta method).
    pub relative_se: Option<f64>,
    /// 95% confidence interval of the relative lift.
    pub relative_ci: Option<[f64; 2]>,
    /// Two-sided p-value of "no difference".
    pub p_value: f64,
}

/// Builds a comparison from each arm's estimate and the variance of that estimate; `p_value`
/// overrides the Wald p-value (the pooled test for proportions).
pub(crate) fn compare(
    control: f64,
    var_control: f64,
    treatment: f64,
    var_treatment: f64,
    p_value: Option<f64>,
) -> Comparison {
    let z = z_critical();
    let difference = treatment - control;
    let difference_se = (var_control + var_treatment).sqrt();
    let (relative, relative_se, relative_ci) = if control != 0.0 {
        let ratio = treatment / control;
        let c2 = control * control;
        let se = (var_treatment / c2 + ratio * ratio * var_control / c2).sqrt();
        let relative = ratio - 1.0;
        (
            Some(relative),
            Some(se),
            Some([relative - z * se, relative + z * se]),
        )
    } else {
        (None, None, None)
    };
    let p_value = p_value.unwrap_or_else(|| wald_p(difference, difference_se));
    Comparison {
        control,
        treatment,
        difference,
        difference_se,
        difference_ci: [
            difference - z * difference_se,
            difference + z * difference_se,
        ],
        relative,
        relative_se,
        relative_ci,
        p_value,
    }
}

/// Two-sided p-value of `estimate / se`; 1 for a zero estimate with zero standard error.
fn wald_p(estimate: f64, se: f64) -> f64 {
    if se > 0.0 {
        two_sided_p(estimate / se)
    } else if estimate == 0.0 {
        1.0
    } else {
        0.0
    }
}

fn check_proportion(field: &str, arm: Proportion) -> Result<(), StatsError> {
    if arm.n == 0 {
        return Err(StatsError::new(field, "needs at least 1 unit (n ≥ 1)"));
    }
    if arm.successes > arm.n {
        return Err(StatsError::new(
            field,
            format!("successes ({}) cannot exceed n ({})", arm.successes, arm.n),
        ));
    }
    Ok(())
}

/// Two proportions: rates `p = successes / n`, the difference with the unpooled Wald interval
/// `p_T − p_C ± z·√(p_T(1−p_T)/n_T + p_C(1−p_C)/n_C)`, the relative lift by the delta method, and
/// the p-value of the pooled two-proportion z-test,
/// `z = (p_T − p_C) / √(p̄(1−p̄)(1/n_T + 1/n_C))` with `p̄` the pooled rate.
///
/// Errors name `control` or `treatment` for an empty arm or more successes than units.
pub fn proportions(control: Proportion, treatment: Proportion) -> Result<Comparison, StatsError> {
    check_proportion("control", control)?;
    check_proportion("treatment", treatment)?;
    let rate = |a: Proportion| a.successes as f64 / a.n as f64;
    let (pc, pt) = (rate(control), rate(treatment));
    let (nc, nt) = (control.n as f64, treatment.n as f64);
    let pooled = (control.successes as f64 + treatment.successes as f64) / (nc + nt);
    let pooled_se = (pooled * (1.0 - pooled) * (1.0 / nc + 1.0 / nt)).sqrt();
    let p_value = wald_p(pt - pc, pooled_se);
    Ok(compare(
        pc,
        pc * (1.0 - pc) / nc,
        pt,
        pt * (1.0 - pt) / nt,
        Some(p_value),
    ))
}

/// Unit-level means: one value per randomised unit (a user's revenue, sessions…). The difference
/// of means has Welch's variance `s_T²/n_T + s_C²/n_C` (sample variances, divisor n − 1); the
/// p-value is the Wald test on it with normal quantiles.
///
/// Errors name `control` or `treatment` for fewer than 2 units or a non-finite value.
pub fn means(control: &[f64], treatment: &[f64]) -> Result<Comparison, StatsError> {
    let arm = |field: &str, values: &[f64]| -> Result<(f64, f64), StatsError> {
        if values.len() < 2 {
            return Err(StatsError::new(
                field,
                format!("needs at least 2 units, got {}", values.len()),
            ));
        }
        check_finite(field, values)?;
        let (mean, var) = mean_var(values);
        Ok((mean, var / values.len() as f64))
    };
    let (mc, vc) = arm("control", control)?;
    let (mt, vt) = arm("treatment", treatment)?;
    Ok(compare(mc, vc, mt, vt, None))
}

/// One arm's ratio metric `R = Σy / Σx` over units `(y, x)` (clicks and impressions per user)
/// and the variance of `R` by the delta method (Deng, Knoblich & Lu 2018, eq. 4):
/// `Var(R) ≈ (σ_y²/μ_x² − 2μ_y·σ_xy/μ_x³ + μ_y²·σ_x²/μ_x⁴) / n`.
fn ratio_arm(field: &str, units: &[(f64, f64)]) -> Result<(f64, f64), StatsError> {
    if units.len() < 2 {
        return Err(StatsError::new(
            field,
            format!("needs at least 2 units, got {}", units.len()),
        ));
    }
    for (i, &(y, x)) in units.iter().enumerate() {
        if !y.is_finite() || !x.is_finite() {
            return Err(StatsError::new(
                format!("{field}[{i}]"),
                format!("must be two finite numbers (numerator, denominator), got ({y}, {x})"),
            ));
        }
    }
    let n = units.len() as f64;
    let mean_y = units.iter().map(|u| u.0).sum::<f64>() / n;
    let mean_x = units.iter().map(|u| u.1).sum::<f64>() / n;
    if mean_x == 0.0 {
        return Err(StatsError::new(
            field,
            "the denominators sum to 0: the ratio is undefined",
        ));
    }
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for &(y, x) in units {
        sxx += (x - mean_x) * (x - mean_x);
        syy += (y - mean_y) * (y - mean_y);
        sxy += (x - mean_x) * (y - mean_y);
    }
    let (var_x, var_y, cov) = (sxx / (n - 1.0), syy / (n - 1.0), sxy / (n - 1.0));
    let ratio = mean_y / mean_x;
    let mx2 = mean_x * mean_x;
    let var = (var_y / mx2 - 2.0 * ratio * cov / mx2 + ratio * ratio * var_x / mx2) / n;
    Ok((ratio, var.max(0.0)))
}

/// A ratio metric compared between arms: per unit `(numerator, denominator)` — clicks and
/// impressions for CTR, spend and clicks for CPC — each arm's `Σ numerator / Σ denominator`
/// with its delta-method variance
/// `Var(R) ≈ (σ_y²/μ_x² − 2μ_y·σ_xy/μ_x³ + μ_y²·σ_x²/μ_x⁴) / n` (Deng, Knoblich & Lu 2018, eq. 4),
/// the difference and the relative lift. The unit is the randomisation unit (the user), so the correlation of a
/// user's impressions is in the variance; treating impressions as independent would understate it.
///
/// Errors name `control` or `treatment` for fewer than 2 units, a non-finite value, or
/// denominators summing to 0.
pub fn ratio_metric(
    control: &[(f64, f64)],
    treatment: &[(f64, f64)],
) -> Result<Comparison, StatsError> {
    let (rc, vc) = ratio_arm("control", control)?;
    let (rt, vt) = ratio_arm("treatment", treatment)?;
    Ok(compare(rc, vc, rt, vt, None))
}
