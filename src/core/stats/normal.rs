//! The standard normal distribution and the chi-square upper tail, in pure Rust on
//! [`crate::core::math`] (so the same bits natively and in the browser).

use crate::core::math;

/// `Φ(x)`, the standard normal CDF: `erfc(−x/√2)/2`, accurate to a few ulps relative even in
/// the far lower tail.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * math::erfc(-x / std::f64::consts::SQRT_2)
}

/// `1 − Φ(x)`, the upper tail, computed without cancellation.
pub fn normal_sf(x: f64) -> f64 {
    0.5 * math::erfc(x / std::f64::consts::SQRT_2)
}

/// Two-sided p-value of a z statistic: `P(|Z| ≥ |z|)`.
pub fn two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    math::erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

/// `Φ⁻¹(p)`, the standard normal quantile, by Wichura's algorithm AS 241 (`PPND16`, Applied
/// Statistics 37, 1988), relative error about 1e-16. `−∞` at 0, `+∞` at 1, NaN outside [0, 1].
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = ((((((r * 2_509.080_928_730_122_7 + 33_430.575_583_588_13) * r
            + 67_265.770_927_008_7)
            * r
            + 45_921.953_931_549_87)
            * r
            + 13_731.693_765_509_46)
            * r
            + 1_971.590_950_306_551_4)
            * r
            + 133.141_667_891_784_38)
            * r
            + 3.387_132_872_796_366_5;
        let den = ((((((r * 5_226.495_278_852_854 + 28_729.085_735_721_943) * r
            + 39_307.895_800_092_71)
            * r
            + 21_213.794_301_586_596)
            * r
            + 5_394.196_021_424_751)
            * r
            + 687.187_007_492_057_9)
            * r
            + 42.313_330_701_600_91)
            * r
            + 1.0;
        return q * num / den;
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-math::ln(tail)).sqrt();
    let value = if r <= 5.0 {
        r -= 1.6;
        let num = ((((((r * 7.745_450_142_783_414e-4 + 0.022_723_844_989_269_184) * r
            + 0.241_780_725_177_450_6)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_546)
            * r
            + 1.423_437_110_749_683_5;
        let den = ((((((r * 1.050_750_071_644_416_8e-9 + 5.475_938_084_995_345e-4) * r
            + 0.015_198_666_563_616_457)
            * r
            + 0.148_103_976_427_480_08)
            * r
            + 0.689_767_334_985_1)
            * r
            + 1.676_384_830_183_803_8)
            * r
            + 2.053_191_626_637_759)
            * r
            + 1.0;
        num / den
    } else {
        r -= 5.0;
        let num = ((((((r * 2.010_334_399_292_288_1e-7 + 2.711_555_568_743_487_6e-5) * r
            + 0.001_242_660_947_388_078_4)
            * r
            + 0.026_532_189_526_576_124)
            * r
            + 0.296_560_571_828_504_87)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114)
            * r
            + 6.657_904_643_501_103;
        let den = ((((((r * 2.044_263_103_389_939_7e-15 + 1.421_511_758_316_446e-7) * r
            + 1.846_318_317_510_054_8e-5)
            * r
            + 7.868_691_311_456_133e-4)
            * r
            + 0.014_875_361_290_850_615)
            * r
            + 0.136_929_880_922_735_8)
            * r
            + 0.599_832_206_555_888)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 {
        -value
    } else {
        value
    }
}

/// `P(χ²_k ≥ x)`, the upper tail of the chi-square distribution with `k ≥ 1` degrees of
/// freedom: the regularised upper incomplete gamma `Q(k/2, x/2)` (series below `a + 1`,
/// Lentz's continued fraction above; Numerical Recipes §6.2). For `k = 1` it is exactly
/// `erfc(√(x/2))`. NaN for `k = 0` or a NaN `x`; 1 for `x ≤ 0`.
pub fn chi_square_sf(x: f64, k: u32) -> f64 {
    if k == 0 || x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if k == 1 {
        return math::erfc((x / 2.0).sqrt());
    }
    gamma_q(k as f64 / 2.0, x / 2.0)
}

/// Regularised upper incomplete gamma `Q(a, x)` for `a > 0`, `x > 0`.
fn gamma_q(a: f64, x: f64) -> f64 {
    let log_prefactor = a * math::ln(x) - x - math::ln_gamma(a);
    if x < a + 1.0 {
        // P(a, x) = e^(−x) x^a / Γ(a) · Σ xⁿ / (a (a+1) … (a+n)).
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut ap = a;
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        (1.0 - sum * math::exp(log_prefactor)).clamp(0.0, 1.0)
    } else {
        // Q(a, x) = e^(−x) x^a / Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − …)).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let step = d * c;
            h *= step;
            if (step - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (math::exp(log_prefactor) * h).clamp(0.0, 1.0)
    }
}
