//! The decay of a difference over time, fitted by nonlinear least squares: after a design is
//! switched back, the remaining difference between the arms is learned behaviour (ad blindness)
//! and fades; its half-life says how long users remember.
//!
//! Model: `y(t) = a·e^(−k·(t − t₀)) + c`, with `t₀` the first time, `k = ln 2 / h` and the
//! asymptote `c` either 0 ([`Asymptote::Zero`]: the behaviour is fully unlearned) or fitted
//! ([`Asymptote::Free`]: a lasting part remains).
//!
//! **Fit.** For a fixed rate `k` the model is linear in `a` (and `c`), so the least-squares
//! amplitude is closed form and the residual sum of squares is a function of `k` alone
//! (variable projection, Golub & Pereyra 1973). That profile is scanned on a log grid of
//! half-lives from a quarter of the closest spacing of the times to 100× their span, refined by
//! golden-section search, and polished by Gauss–Newton on all parameters. No starting values are
//! needed and a local minimum of the full problem cannot trap the fit.
//!
//! **Uncertainty.** The parameters' covariance is `s²·(JᵀJ)⁻¹` with `J` the Jacobian at the
//! optimum and `s² = RSS/(n − p)` the residual variance (p = 2 or 3 parameters); the half-life's
//! standard error follows by the delta method, `se(h) = ln 2 · se(k) / k²`, and its 95% interval
//! is `h ± 1.96·se(h)` (normal quantile; with a handful of points a t quantile would be wider).

use serde::Serialize;

use super::{check_finite, z_critical, StatsError};
use crate::core::math;

/// The asymptote of the decay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Asymptote {
    /// The difference decays to 0: `y = a·e^(−k·(t − t₀))`.
    Zero,
    /// The difference decays to a fitted constant `c`: `y = a·e^(−k·(t − t₀)) + c`.
    Free,
}

/// A fitted exponential decay.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecayFit {
    /// The asymptote model fitted.
    pub model: Asymptote,
    /// `a`: the fitted value above the asymptote at the first time `t₀`.
    pub amplitude: f64,
    /// Standard error of `a`.
    pub amplitude_se: f64,
    /// `k`, the decay rate per unit of time.
    pub rate: f64,
    /// Standard error of `k`.
    pub rate_se: f64,
    /// `h = ln 2 / k`, in the unit of the times.
    pub half_life: f64,
    /// Standard error of `h` (delta method).
    pub half_life_se: f64,
    /// 95% confidence interval of `h`, symmetric on the log scale (delta method on `ln h`):
    /// `h·exp(∓z·se/h)`. A half-life is positive, and with few or noisy points the interval
    /// `h ± z·se` would reach below 0; this one stays positive and contains `h`.
    pub half_life_ci: [f64; 2],
    /// The fitted asymptote `c` (`None` for [`Asymptote::Zero`]).
    pub asymptote: Option<f64>,
    /// Standard error of `c`.
    pub asymptote_se: Option<f64>,
    /// `√(RSS/(n − p))`.
    pub residual_sd: f64,
    /// The first time `t₀`.
    pub t0: f64,
    /// `false` when the best half-life is at an end of the searched range (from a quarter of
    /// the closest spacing to 100× the span): the data do not pin the half-life down.
    pub identified: bool,
}

/// Least-squares linear parameters `(a, c)` and the residual sum of squares for a fixed rate.
fn profile(s: &[f64], y: &[f64], k: f64, model: Asymptote) -> (f64, f64, f64) {
    let e: Vec<f64> = s.iter().map(|&s| math::exp(-k * s)).collect();
    let (a, c) = match model {
        Asymptote::Zero => {
            let see: f64 = e.iter().map(|e| e * e).sum();
            let sye: f64 = e.iter().zip(y).map(|(e, y)| e * y).sum();
            (if see > 0.0 { sye / see } else { 0.0 }, 0.0)
        }
        Asymptote::Free => {
            let n = s.len() as f64;
            let (se, see) = (e.iter().sum::<f64>(), e.iter().map(|e| e * e).sum::<f64>());
            let (sy, sye) = (
                y.iter().sum::<f64>(),
                e.iter().zip(y).map(|(e, y)| e * y).sum::<f64>(),
            );
            let det = see * n - se * se;
            if det.abs() <= 1e-14 * see * n {
                (0.0, sy / n)
            } else {
                ((n * sye - se * sy) / det, (see * sy - se * sye) / det)
            }
        }
    };
    let rss = e
        .iter()
        .zip(y)
        .map(|(e, y)| (y - a * e - c) * (y - a * e - c))
        .sum();
    (a, c, rss)
}

/// Residual sum of squares of parameters `[a, k, c]`.
fn rss_of(s: &[f64], y: &[f64], p: &[f64; 3]) -> f64 {
    s.iter()
        .zip(y)
        .map(|(&s, &y)| {
            let r = y - p[0] * math::exp(-p[1] * s) - p[2];
            r * r
        })
        .sum()
}

/// `JᵀJ` (dim × dim) and `Jᵀr` for parameters `[a, k, c]`, the first `dim` of them free.
fn normal_equations(s: &[f64], y: &[f64], p: &[f64; 3], dim: usize) -> ([[f64; 3]; 3], [f64; 3]) {
    let mut jtj = [[0.0; 3]; 3];
    let mut jtr = [0.0; 3];
    for (&s, &y) in s.iter().zip(y) {
        let e = math::exp(-p[1] * s);
        let r = y - p[0] * e - p[2];
        let g = [e, -p[0] * s * e, 1.0];
        for i in 0..dim {
            jtr[i] += g[i] * r;
            for j in 0..dim {
                jtj[i][j] += g[i] * g[j];
            }
        }
    }
    (jtj, jtr)
}

/// Inverse of the leading `dim × dim` block by Gauss–Jordan with partial pivoting; `None` if
/// singular.
fn invert(m: &[[f64; 3]; 3], dim: usize) -> Option<[[f64; 3]; 3]> {
    let mut a = *m;
    let mut inv = [[0.0; 3]; 3];
    for (i, row) in inv.iter_mut().enumerate().take(dim) {
        row[i] = 1.0;
    }
    let scale = (0..dim).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    for col in 0..dim {
        let pivot = (col..dim).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= 1e-300_f64.max(scale * 1e-15) {
            return None;
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let d = a[col][col];
        for j in 0..dim {
            a[col][j] /= d;
            inv[col][j] /= d;
        }
        for i in 0..dim {
            if i != col {
                let f = a[i][col];
                for j in 0..dim {
                    a[i][j] -= f * a[col][j];
                    inv[i][j] -= f * inv[col][j];
                }
            }
        }
    }
    Some(inv)
}

/// Fits `y = a·e^(−k·(t − t₀)) (+ c)` to `(times, values)` (see the module docs).
///
/// Errors name `times` or `values`: lengths that differ, a non-finite value, or fewer points
/// than parameters + 1 (3 for [`Asymptote::Zero`], 4 for [`Asymptote::Free`]) or fewer distinct
/// times than parameters; and `values` when the fit is degenerate (all values 0, or a singular
/// Jacobian, e.g. a fitted amplitude of 0).
pub fn fit_decay(times: &[f64], values: &[f64], model: Asymptote) -> Result<DecayFit, StatsError> {
    if times.len() != values.len() {
        return Err(StatsError::new(
            "values",
            format!(
                "needs one value per time: {} times but {} values",
                times.len(),
                values.len()
            ),
        ));
    }
    check_finite("times", times)?;
    check_finite("values", values)?;
    let dim = match model {
        Asymptote::Zero => 2,
        Asymptote::Free => 3,
    };
    if times.len() < dim + 1 {
        return Err(StatsError::new(
            "times",
            format!(
                "needs at least {} points to fit {dim} parameters with a residual variance, got {}",
                dim + 1,
                times.len()
            ),
        ));
    }
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    if sorted.len() < dim {
        return Err(StatsError::new(
            "times",
            format!("needs at least {dim} distinct times, got {}", sorted.len()),
        ));
    }
    let t0 = sorted[0];
    let span = sorted[sorted.len() - 1] - t0;
    let min_gap = sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min);
    let s: Vec<f64> = times.iter().map(|t| t - t0).collect();
    let y = values;

    // Profile scan on log k, half-lives from min_gap/4 to 100·span.
    const GRID: usize = 400;
    let ln2 = std::f64::consts::LN_2;
    let (log_k_lo, log_k_hi) = (
        math::ln(ln2 / (100.0 * span)),
        math::ln(4.0 * ln2 / min_gap),
    );
    let log_k = |i: usize| log_k_lo + (log_k_hi - log_k_lo) * i as f64 / (GRID - 1) as f64;
    let rss_at = |lk: f64| profile(&s, y, math::exp(lk), model).2;
    let best = (0..GRID)
        .map(|i| (i, rss_at(log_k(i))))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0, |(i, _)| i);
    let identified = best > 0 && best < GRID - 1;
    // Golden-section search on the bracketing grid cells.
    let (mut lo, mut hi) = (
        log_k(best.saturating_sub(1)),
        log_k((best + 1).min(GRID - 1)),
    );
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let (mut x1, mut x2) = (hi - phi * (hi - lo), lo + phi * (hi - lo));
    let (mut f1, mut f2) = (rss_at(x1), rss_at(x2));
    for _ in 0..200 {
        if hi - lo < 1e-13 {
            break;
        }
        if f1 <= f2 {
            hi = x2;
            (x2, f2) = (x1, f1);
            x1 = hi - phi * (hi - lo);
            f1 = rss_at(x1);
        } else {
            lo = x1;
            (x1, f1) = (x2, f2);
            x2 = lo + phi * (hi - lo);
            f2 = rss_at(x2);
        }
    }
    let k = math::exp((lo + hi) / 2.0);
    let (a, c, _) = profile(&s, y, k, model);
    let mut p = [a, k, c];

    // Gauss–Newton polish with step halving; only steps that lower the RSS are taken.
    let mut rss = rss_of(&s, y, &p);
    for _ in 0..20 {
        let (jtj, jtr) = normal_equations(&s, y, &p, dim);
        let Some(inv) = invert(&jtj, dim) else { break };
        let mut step = [0.0; 3];
        for i in 0..dim {
            step[i] = (0..dim).map(|j| inv[i][j] * jtr[j]).sum();
        }
        let mut t = 1.0;
        let mut improved = false;
        for _ in 0..30 {
            let trial = [p[0] + t * step[0], p[1] + t * step[1], p[2] + t * step[2]];
            let trial_rss = rss_of(&s, y, &trial);
            if trial[1] > 0.0 && trial_rss < rss {
                improved = rss - trial_rss > 1e-15 * rss;
                p = trial;
                rss = trial_rss;
                break;
            }
            t /= 2.0;
        }
        if !improved {
            break;
        }
    }

    let n = s.len() as f64;
    let s2 = rss / (n - dim as f64);
    let (jtj, _) = normal_equations(&s, y, &p, dim);
    let Some(inv) = invert(&jtj, dim) else {
        return Err(StatsError::new(
            "values",
            "no decay to fit: the best fit has no decaying part (an amplitude of 0, or constant values)",
        ));
    };
    let se = |i: usize| (s2 * inv[i][i]).max(0.0).sqrt();
    let (k, k_se) = (p[1], se(1));
    let half_life = ln2 / k;
    let half_life_se = ln2 * k_se / (k * k);
    let z = z_critical();
    Ok(DecayFit {
        model,
        amplitude: p[0],
        amplitude_se: se(0),
        rate: k,
        rate_se: k_se,
        half_life,
        half_life_se,
        half_life_ci: {
            let w = math::exp(z * half_life_se / half_life);
            [half_life / w, half_life * w]
        },
        asymptote: (model == Asymptote::Free).then_some(p[2]),
        asymptote_se: (model == Asymptote::Free).then(|| se(2)),
        residual_sd: s2.sqrt(),
        t0,
        identified,
    })
}
