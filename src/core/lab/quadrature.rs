//! Numerical integration for the lab's theory values and equilibrium bids: adaptive
//! Gauss–Legendre quadrature, and integration over a value distribution's support (in `ln x` for
//! the log-normal, whose integrands are smooth over many decades).

use std::cmp::Ordering;

use super::dist::ValueDist;
use crate::core::math;

/// `∫_a^b h(x) dx` over values by [`adaptive_gauss_legendre`] (same `tol`, `min_levels` and
/// `rel_noise`); for the log-normal in `w = ln x`
/// (`dx = x dw`, from `w = μ − 40σ` at the lowest, where `F` is 0 to double precision), where
/// the integrands of value distributions are smooth over many decades.
pub fn integrate_values(
    dist: &ValueDist,
    h: &impl Fn(f64) -> f64,
    a: f64,
    b: f64,
    tol: f64,
    min_levels: u32,
    rel_noise: f64,
) -> f64 {
    if b.partial_cmp(&a) != Some(Ordering::Greater) {
        return 0.0;
    }
    match *dist {
        ValueDist::Lognormal { mu, sigma } => {
            let floor = mu - 40.0 * sigma;
            let wa = if a > 0.0 {
                math::ln(a).max(floor)
            } else {
                floor
            };
            let wb = math::ln(b);
            if wb.partial_cmp(&wa) != Some(Ordering::Greater) {
                return 0.0;
            }
            let hw = |w: f64| {
                let x = math::exp(w);
                h(x) * x
            };
            adaptive_gauss_legendre(&hw, wa, wb, tol, min_levels, rel_noise)
        }
        _ => adaptive_gauss_legendre(h, a, b, tol, min_levels, rel_noise),
    }
}

/// Number of Gauss–Legendre nodes per panel of [`adaptive_gauss_legendre`].
const GL_N: usize = 10;

/// Nodes (in `[−1, 1]`) and weights of the `GL_N`-point Gauss–Legendre rule, computed by Newton's
/// method on the Legendre polynomial `P_N` (three-term recurrence), to full double precision.
fn gauss_legendre_rule() -> ([f64; GL_N], [f64; GL_N]) {
    let n = GL_N;
    let mut x = [0.0; GL_N];
    let mut w = [0.0; GL_N];
    for i in 0..n.div_ceil(2) {
        // Initial guess for the i-th largest root, then Newton.
        let mut z = math::cos(std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5));
        let mut dp = 1.0;
        for _ in 0..100 {
            // P_0 = 1, P_1 = z, (k+1) P_{k+1} = (2k+1) z P_k − k P_{k−1}
            let (mut p0, mut p1) = (1.0, z);
            for k in 1..n {
                let k = k as f64;
                let p2 = ((2.0 * k + 1.0) * z * p1 - k * p0) / (k + 1.0);
                p0 = p1;
                p1 = p2;
            }
            // P_N'(z) = N (z P_N − P_{N−1}) / (z² − 1)
            dp = n as f64 * (z * p1 - p0) / (z * z - 1.0);
            let dz = p1 / dp;
            z -= dz;
            if dz.abs() < 1e-16 {
                break;
            }
        }
        let wi = 2.0 / ((1.0 - z * z) * dp * dp);
        x[i] = z;
        x[n - 1 - i] = -z;
        w[i] = wi;
        w[n - 1 - i] = wi;
    }
    (x, w)
}

/// Adaptive Gauss–Legendre quadrature of `f` on `[a, b]` to absolute tolerance `tol`: a panel's
/// 10-point estimate is compared with the sum over its two halves, and the panel is bisected
/// until they agree within the panel's share of `tol` (the halves' sum is returned, whose error
/// is far smaller than the difference for smooth integrands). The first `min_levels` bisections
/// are always made (2^min_levels panels) so a narrow peak is not missed by the first estimate.
/// A panel is also accepted when its share of the tolerance is below the rounding noise of its
/// estimate, `rel_noise × ∫|f|` over the panel (`rel_noise` is the relative error of `f`'s
/// values, at least 1e-15), at 40 levels deep, or once 10⁶ evaluations are spent: the cost is
/// bounded whatever `tol` and `f` are.
pub fn adaptive_gauss_legendre(
    f: &impl Fn(f64) -> f64,
    a: f64,
    b: f64,
    tol: f64,
    min_levels: u32,
    rel_noise: f64,
) -> f64 {
    if b.partial_cmp(&a) != Some(Ordering::Greater) {
        return 0.0;
    }
    let (nodes, weights) = gauss_legendre_rule();
    let mut q = Quadrature {
        f,
        nodes,
        weights,
        budget: 1_000_000,
        rel_noise: rel_noise.max(1e-15),
    };
    let (whole, abs) = q.panel(a, b);
    let max_depth = 40;
    q.run(
        a,
        b,
        whole,
        abs,
        tol,
        max_depth,
        max_depth - min_levels.min(max_depth),
    )
}

struct Quadrature<'a, F: Fn(f64) -> f64> {
    f: &'a F,
    nodes: [f64; GL_N],
    weights: [f64; GL_N],
    budget: u64,
    rel_noise: f64,
}

impl<F: Fn(f64) -> f64> Quadrature<'_, F> {
    /// The Gauss–Legendre estimate on `[a, b]` and the same with `|f|`.
    fn panel(&mut self, a: f64, b: f64) -> (f64, f64) {
        let half = 0.5 * (b - a);
        let mid = 0.5 * (a + b);
        let mut sum = 0.0;
        let mut abs = 0.0;
        for (x, w) in self.nodes.iter().zip(&self.weights) {
            let y = (self.f)(mid + half * x);
            sum += w * y;
            abs += w * y.abs();
        }
        self.budget = self.budget.saturating_sub(GL_N as u64);
        (half * sum, half * abs)
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        a: f64,
        b: f64,
        whole: f64,
        whole_abs: f64,
        tol: f64,
        depth: u32,
        forced_until: u32,
    ) -> f64 {
        let c = 0.5 * (a + b);
        let (left, left_abs) = self.panel(a, c);
        let (right, right_abs) = self.panel(c, b);
        let fine = left + right;
        let diff = (fine - whole).abs();
        let noise = self.rel_noise * whole_abs.max(left_abs + right_abs);
        let forced = depth > forced_until;
        let done = diff <= tol.max(noise) || !diff.is_finite();
        if depth == 0 || self.budget == 0 || c <= a || c >= b || (!forced && done) {
            return fine;
        }
        self.run(a, c, left, left_abs, 0.5 * tol, depth - 1, forced_until)
            + self.run(c, b, right, right_abs, 0.5 * tol, depth - 1, forced_until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrature_is_exact_for_polynomials_and_accurate_for_peaks() {
        let (x, w) = gauss_legendre_rule();
        assert!((w.iter().sum::<f64>() - 2.0).abs() < 1e-14);
        // 10 points integrate degree 19 exactly: ∫_{-1}^{1} x^18 = 2/19.
        let s: f64 = x.iter().zip(&w).map(|(x, w)| w * math::powi(*x, 18)).sum();
        assert!((s - 2.0 / 19.0).abs() < 1e-14);
        let i = adaptive_gauss_legendre(
            &|t: f64| math::exp(-1e4 * (t - 0.3) * (t - 0.3)),
            0.0,
            1.0,
            1e-14,
            3,
            0.0,
        );
        let want = (std::f64::consts::PI / 1e4).sqrt();
        assert!((i - want).abs() < 1e-13, "{i} vs {want}");
    }
}
