//! CUPED (Deng, Xu, Kohavi & Walker 2013): a unit's pre-period value `X` of the same metric
//! predicts its experiment-period value `Y` but cannot depend on the treatment, so subtracting
//! `θ·(X − X̄)` removes the part of `Y`'s variance that `X` explains without biasing the difference.
//!
//! - `θ = Σ_arms Σ (y − ȳ_a)(x − x̄_a) / Σ_arms Σ (x − x̄_a)²`: pooled across the arms, with each
//!   arm centred on its own means, so a treatment effect on `Y` does not leak into `θ`.
//! - adjusted values `y − θ·(x − x̄)`, with `x̄` the mean of `X` over both arms, so adjusted means
//!   stay on `Y`'s scale and the control's adjusted mean is close to its raw mean;
//! - the difference and relative lift of the adjusted means as in [`super::compare`] (θ treated
//!   as known, as is standard: its estimation error is O(1/n));
//! - `variance_reduction = 1 − Var(adjusted difference) / Var(raw difference)`, which is about
//!   `ρ²`, the squared within-arm correlation of `Y` and `X`.
//!
//! **Ratio metrics** (CTR = Σclicks / Σimpressions over an arm's users, average CPC, eCPM): a
//! unit has no value of the metric of its own, only a numerator and a denominator. The delta
//! method linearises the arm's ratio `R = ȳ/x̄` around its means (Deng, Knoblich & Lu 2018, §3.3;
//! Deng et al. 2013, §3.3): `R ≈ R₀ + (ȳ − R₀·x̄)/x̄`, the mean of the units' **linearised values**
//! `L_i = R + (y_i − R·x_i)/x̄` ([`linearise`]). Their mean is `R` exactly and their sample
//! variance / n is exactly the delta-method variance of `R` ([`super::ratio_metric`]), so a
//! ratio is a mean of unit values and CUPED applies unchanged ([`cuped_ratio`]): `Y` is each
//! unit's experiment-period linearised value (around its arm's experiment ratio), `X` its
//! pre-period linearised value (around its arm's pre-period ratio), θ pooled as above. The
//! adjusted ratio of an arm is `R − θ·(R_pre,arm − R̄_pre)` and the variance is reduced by about
//! `ρ²`, the within-arm correlation of the two linearised values.

use serde::Serialize;

use super::compare::{compare, Comparison};
use super::{check_finite, StatsError};

/// The CUPED comparison and what it gained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CupedResult {
    /// `θ`, the pooled within-arm regression slope of `Y` on `X`.
    pub theta: f64,
    /// The pooled within-arm correlation `ρ` of `Y` and `X`.
    pub correlation: f64,
    /// `1 − Var(adjusted difference) / Var(raw difference)` (≈ ρ²).
    pub variance_reduction: f64,
    /// The comparison of the raw means.
    pub raw: Comparison,
    /// The comparison of the adjusted means.
    pub adjusted: Comparison,
}

fn check_arm(field: &str, y: &[f64], x: &[f64]) -> Result<(), StatsError> {
    if y.len() != x.len() {
        return Err(StatsError::new(
            field,
            format!(
                "needs one pre-period value per unit: {} values but {} pre-period values",
                y.len(),
                x.len()
            ),
        ));
    }
    if y.len() < 2 {
        return Err(StatsError::new(
            field,
            format!("needs at least 2 units, got {}", y.len()),
        ));
    }
    check_finite(field, y)?;
    check_finite(&format!("{field}_pre"), x)
}

/// Sums of squares and cross-products around the arm's own means: `(Sxx, Syy, Sxy)`.
fn centred_sums(y: &[f64], x: &[f64]) -> (f64, f64, f64) {
    let n = y.len() as f64;
    let (my, mx) = (y.iter().sum::<f64>() / n, x.iter().sum::<f64>() / n);
    y.iter()
        .zip(x)
        .fold((0.0, 0.0, 0.0), |(sxx, syy, sxy), (&y, &x)| {
            (
                sxx + (x - mx) * (x - mx),
                syy + (y - my) * (y - my),
                sxy + (x - mx) * (y - my),
            )
        })
}

/// Mean and variance of that mean (sample variance / n) of `y − θ·(x − x_bar)`.
fn adjusted_mean(y: &[f64], x: &[f64], theta: f64, x_bar: f64) -> (f64, f64) {
    let adjusted: Vec<f64> = y
        .iter()
        .zip(x)
        .map(|(&y, &x)| y - theta * (x - x_bar))
        .collect();
    let (mean, var) = super::mean_var(&adjusted);
    (mean, var / adjusted.len() as f64)
}

/// CUPED with the pre-period value of the same metric: `control`/`treatment` are the units'
/// experiment-period values, `control_pre`/`treatment_pre` their pre-period values, in the
/// same order (see the module docs for the formulas).
///
/// Errors name the arm for fewer than 2 units, lengths that differ or a non-finite value, and
/// `control_pre` when the pre-period values are constant within both arms (θ is undefined).
pub fn cuped(
    control: &[f64],
    control_pre: &[f64],
    treatment: &[f64],
    treatment_pre: &[f64],
) -> Result<CupedResult, StatsError> {
    check_arm("control", control, control_pre)?;
    check_arm("treatment", treatment, treatment_pre)?;
    let (cxx, cyy, cxy) = centred_sums(control, control_pre);
    let (txx, tyy, txy) = centred_sums(treatment, treatment_pre);
    let (sxx, syy, sxy) = (cxx + txx, cyy + tyy, cxy + txy);
    if sxx <= 0.0 {
        return Err(StatsError::new(
            "control_pre",
            "the pre-period values are constant within each arm: they explain nothing",
        ));
    }
    let theta = sxy / sxx;
    let correlation = if syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        0.0
    };
    let n_all = (control.len() + treatment.len()) as f64;
    let x_bar = (control_pre.iter().sum::<f64>() + treatment_pre.iter().sum::<f64>()) / n_all;
    let (rc, rvc) = adjusted_mean(control, control_pre, 0.0, x_bar);
    let (rt, rvt) = adjusted_mean(treatment, treatment_pre, 0.0, x_bar);
    let (ac, avc) = adjusted_mean(control, control_pre, theta, x_bar);
    let (at, avt) = adjusted_mean(treatment, treatment_pre, theta, x_bar);
    let raw_var = rvc + rvt;
    let variance_reduction = if raw_var > 0.0 {
        1.0 - (avc + avt) / raw_var
    } else {
        0.0
    };
    Ok(CupedResult {
        theta,
        correlation,
        variance_reduction,
        raw: compare(rc, rvc, rt, rvt, None),
        adjusted: compare(ac, avc, at, avt, None),
    })
}

/// The linearised values of a ratio metric over units `(numerator, denominator)`:
/// `L_i = R + (y_i − R·x_i)/x̄` with `R = Σy/Σx` and `x̄ = Σx/n` (see the module docs). Their
/// mean is `R` and their sample variance / n is the delta-method variance of `R`.
///
/// Errors name `field` for no units, or denominators summing to 0, and `field[i]` for a
/// non-finite value.
pub fn linearise(field: &str, units: &[(f64, f64)]) -> Result<Vec<f64>, StatsError> {
    if units.is_empty() {
        return Err(StatsError::new(field, "needs at least 1 unit"));
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
    let (sy, sx) = units
        .iter()
        .fold((0.0, 0.0), |(sy, sx), &(y, x)| (sy + y, sx + x));
    if sx == 0.0 {
        return Err(StatsError::new(
            field,
            "the denominators sum to 0: the ratio is undefined",
        ));
    }
    let (ratio, mean_x) = (sy / sx, sx / n);
    Ok(units
        .iter()
        .map(|&(y, x)| ratio + (y - ratio * x) / mean_x)
        .collect())
}

/// CUPED for a ratio metric: units `(numerator, denominator)` in the experiment
/// (`control`, `treatment`) and in the pre-period (`control_pre`, `treatment_pre`, the same
/// units in the same order), each arm's values linearised around that arm's own ratio of the
/// period ([`linearise`]), then [`cuped`] on the linearised values (see the module docs). The
/// raw comparison is [`super::ratio_metric`]'s; the adjusted one is the ratios adjusted by the
/// pre-period.
///
/// Errors name the arm (`control_pre`… for the pre-period) as [`linearise`] and [`cuped`] do.
pub fn cuped_ratio(
    control: &[(f64, f64)],
    control_pre: &[(f64, f64)],
    treatment: &[(f64, f64)],
    treatment_pre: &[(f64, f64)],
) -> Result<CupedResult, StatsError> {
    cuped(
        &linearise("control", control)?,
        &linearise("control_pre", control_pre)?,
        &linearise("treatment", treatment)?,
        &linearise("treatment_pre", treatment_pre)?,
    )
}
