//! Floating-point functions with the same bits on every target.
//!
//! `f64::exp`, `ln`, `powf`, `cos`… call the platform's math library: glibc natively, a port of
//! musl in wasm. Both are accurate to about one unit in the last place, but not always the *same*
//! unit, and a shared link must give bit-identical numbers in the CLI and in the browser. So the
//! core computes them with the pure-Rust `libm` crate on every target. Basic arithmetic and
//! `sqrt` are exactly rounded by IEEE 754 everywhere and need no wrapper. `tests/architecture.rs`
//! fails if the core calls a platform transcendental directly.

/// `e^x`.
#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// Natural logarithm.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// Base-2 logarithm.
#[inline]
pub fn log2(x: f64) -> f64 {
    libm::log2(x)
}

/// `x^y`.
#[inline]
pub fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// `x^n` for an integer exponent, by repeated squaring in a fixed order.
#[inline]
pub fn powi(x: f64, n: i32) -> f64 {
    let mut base = if n < 0 { 1.0 / x } else { x };
    let mut e = n.unsigned_abs();
    let mut acc = 1.0;
    while e > 0 {
        if e & 1 == 1 {
            acc *= base;
        }
        base *= base;
        e >>= 1;
    }
    acc
}

/// `e^x − 1`, accurate near 0.
#[inline]
pub fn exp_m1(x: f64) -> f64 {
    libm::expm1(x)
}

/// `ln(1 + x)`, accurate near 0.
#[inline]
pub fn ln_1p(x: f64) -> f64 {
    libm::log1p(x)
}

/// Base-10 logarithm.
#[inline]
pub fn log10(x: f64) -> f64 {
    libm::log10(x)
}

/// Cosine.
#[inline]
pub fn cos(x: f64) -> f64 {
    libm::cos(x)
}

/// Sine.
#[inline]
pub fn sin(x: f64) -> f64 {
    libm::sin(x)
}

/// Complementary error function.
#[inline]
pub fn erfc(x: f64) -> f64 {
    libm::erfc(x)
}

/// Error function.
#[inline]
pub fn erf(x: f64) -> f64 {
    libm::erf(x)
}

/// Natural log of the gamma function.
#[inline]
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_std_to_a_few_ulps() {
        for &x in &[-3.5, -0.1, 0.0, 0.3, 1.0, 2.5, 10.0] {
            assert!((exp(x) - x.exp()).abs() <= 4.0 * f64::EPSILON * x.exp());
            assert!((cos(x) - x.cos()).abs() <= 4.0 * f64::EPSILON);
        }
        for &x in &[0.01, 0.5, 1.0, 2.0, 1e6] {
            assert!((ln(x) - x.ln()).abs() <= 4.0 * f64::EPSILON * x.ln().abs().max(1.0));
            assert!((log2(x) - x.log2()).abs() <= 4.0 * f64::EPSILON * x.log2().abs().max(1.0));
        }
        assert_eq!(powi(2.0, 10), 1024.0);
        assert_eq!(powi(2.0, -2), 0.25);
        assert_eq!(powi(0.97, 0), 1.0);
        assert!((pow(0.5, 1.0 / 30.0) - 0.5f64.powf(1.0 / 30.0)).abs() < 1e-15);
        assert!((erfc(0.5) - 0.479_500_122_186_953_5).abs() < 1e-15);
    }
}
