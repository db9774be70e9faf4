//! The sample-ratio-mismatch check: were units split between the arms as intended? A mismatch
//! (Fabijan et al. 2019) means the assignment or the logging is broken and the comparison is
//! not to be trusted, whatever its p-value. Pearson's chi-square of the observed counts against
//! the counts the intended shares predict, with `k − 1` degrees of freedom.

use serde::Serialize;

use super::normal::chi_square_sf;
use super::StatsError;

/// The result of a sample-ratio-mismatch check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SrmResult {
    /// Pearson's `Σ (observed − expected)² / expected`.
    pub chi_square: f64,
    /// Arms − 1.
    pub degrees_of_freedom: u32,
    /// `P(χ² ≥ chi_square)`; conventionally a mismatch below 0.001.
    pub p_value: f64,
    /// Each arm's expected count under the intended split.
    pub expected: Vec<f64>,
}

/// Checks `counts` (units per arm) against the intended `shares` (any positive weights, e.g.
/// `[1, 1]` or `[0.5, 0.5]`; normalised here). Errors name `counts` (fewer than 2 arms, or no
/// unit at all) or `shares` (a length that differs from `counts`, or a weight that is not a
/// positive finite number).
pub fn srm(counts: &[u64], shares: &[f64]) -> Result<SrmResult, StatsError> {
    if counts.len() < 2 {
        return Err(StatsError::new(
            "counts",
            format!("needs at least 2 arms, got {}", counts.len()),
        ));
    }
    if shares.len() != counts.len() {
        return Err(StatsError::new(
            "shares",
            format!(
                "needs one share per arm: {} counts but {} shares",
                counts.len(),
                shares.len()
            ),
        ));
    }
    if let Some(i) = shares.iter().position(|s| !(s.is_finite() && *s > 0.0)) {
        return Err(StatsError::new(
            format!("shares[{i}]"),
            format!("must be a positive number, got {}", shares[i]),
        ));
    }
    let total: f64 = counts.iter().map(|&c| c as f64).sum();
    if total <= 0.0 {
        return Err(StatsError::new("counts", "no unit in any arm"));
    }
    let weight: f64 = shares.iter().sum();
    let expected: Vec<f64> = shares.iter().map(|s| total * s / weight).collect();
    let chi_square: f64 = counts
        .iter()
        .zip(&expected)
        .map(|(&o, &e)| (o as f64 - e) * (o as f64 - e) / e)
        .sum();
    let degrees_of_freedom = (counts.len() - 1) as u32;
    Ok(SrmResult {
        chi_square,
        degrees_of_freedom,
        p_value: chi_square_sf(chi_square, degrees_of_freedom),
        expected,
    })
}
