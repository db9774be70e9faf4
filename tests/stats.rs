//! The statistics layer (`core::stats`) against known answers: textbook values (a published
//! two-proportion interval, the sample-size formula, normal and chi-square quantiles), closed
//! forms (CUPED's variance factor 1 − ρ², an exponential decay without noise) and Monte Carlo
//! over seeded synthetic experiments (95% intervals cover the truth 95% of the time, within 4
//! standard errors; the delta method's standard error matches the estimates' spread).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::rng::{stream, Purpose, Random, SimRng};
use sandbox::core::stats::{
    chi_square_sf, cuped, cuped_ratio, fit_decay, linearise, mde, means, normal_cdf,
    normal_quantile, power, proportions, ratio_metric, sample_size, sample_size_proportion, srm,
    summarize, Asymptote, Proportion, Replicate, StatsError,
};

const Z975: f64 = 1.959_963_984_540_054;
const Z80: f64 = 0.841_621_233_572_914_3;

fn rng(test: u64, replication: u64) -> SimRng {
    stream(20_260_101, Purpose::Lab, test, replication)
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} ± {tol}"
    );
}

/// Asserts a Monte Carlo coverage is 0.95 within 4 binomial standard errors.
fn covers_95(covered: usize, replications: usize, what: &str) {
    let c = covered as f64 / replications as f64;
    let se = (0.95 * 0.05 / replications as f64).sqrt();
    assert!(
        (c - 0.95).abs() <= 4.0 * se,
        "{what}: coverage {c} is not 0.95 ± {}",
        4.0 * se
    );
}

fn contains(ci: [f64; 2], truth: f64) -> bool {
    ci[0] <= truth && truth <= ci[1]
}

// ---------------------------------------------------------------------------------------------
// Distributions

#[test]
fn normal_quantile_matches_reference_values() {
    // Reference values to 16 digits (Wichura 1988; R's qnorm).
    for (p, want) in [
        (0.975, Z975),
        (0.8, Z80),
        (0.995, 2.575_829_303_548_900_4),
        (0.999, 3.090_232_306_167_813),
        (1e-10, -6.361_340_902_404_056),
        (0.5, 0.0),
        (0.025, -Z975),
    ] {
        close(
            normal_quantile(p),
            want,
            1e-14 * want.abs().max(1.0),
            "quantile",
        );
    }
    assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
    assert_eq!(normal_quantile(1.0), f64::INFINITY);
    assert!(normal_quantile(-0.1).is_nan() && normal_quantile(f64::NAN).is_nan());
    close(normal_cdf(1.96), 0.975_002_104_851_779_6, 1e-15, "Φ(1.96)");
    close(normal_cdf(-1.0), 0.158_655_253_931_457_07, 1e-15, "Φ(−1)");
}

#[test]
fn normal_quantile_inverts_the_cdf_in_every_region() {
    // AS 241 has three rational approximations: |p − ½| ≤ 0.425, r ≤ 5 and r > 5 (p < e^−25).
    // An error dx in x moves Φ by φ(x)·dx ≈ p·|x|·dx in the tail: the bound is on x's relative
    // error, |dx/x| ≈ |dp/p| / x².
    let mut p = 1e-300;
    while p < 0.5 {
        let x = normal_quantile(p);
        let back = normal_cdf(x);
        let relative_x = (back - p).abs() / p / x.abs().max(1.0).powi(2);
        assert!(
            relative_x <= 1e-15,
            "Φ(Φ⁻¹({p})) = {back}: relative error of the quantile {relative_x}"
        );
        if p > 1e-6 {
            // Symmetry, up to the rounding of 1 − p.
            close(normal_quantile(1.0 - p), -x, 1e-15 / p, "symmetry");
        }
        p *= 1.7;
    }
}

#[test]
fn chi_square_tail_matches_tables_and_closed_forms() {
    // 95th percentiles of χ²_k (tables): 3.841458820694124 (k = 1), 7.814727903251178 (k = 3),
    // 18.307038053275146 (k = 10).
    close(chi_square_sf(3.841_458_820_694_124, 1), 0.05, 1e-14, "χ²₁");
    close(chi_square_sf(7.814_727_903_251_178, 3), 0.05, 1e-13, "χ²₃");
    close(
        chi_square_sf(18.307_038_053_275_146, 10),
        0.05,
        1e-13,
        "χ²₁₀",
    );
    for x in [0.01f64, 0.5, 1.0, 2.0, 3.0, 7.5, 20.0, 60.0] {
        // k = 2: e^(−x/2); k = 4: e^(−x/2)(1 + x/2); k = 3: erfc(√(x/2)) + √(2x/π)·e^(−x/2).
        let e = (-x / 2.0).exp();
        close(
            chi_square_sf(x, 2),
            e,
            1e-14 * e.max(1e-300) + 1e-300,
            "χ²₂",
        );
        close(
            chi_square_sf(x, 4),
            e * (1.0 + x / 2.0),
            1e-13 * e.max(1e-300),
            "χ²₄",
        );
        let k3 = chi_square_sf(x, 1) + (2.0 * x / std::f64::consts::PI).sqrt() * e;
        close(chi_square_sf(x, 3), k3, 1e-13 * k3, "χ²₃");
    }
    assert_eq!(chi_square_sf(0.0, 5), 1.0);
    assert!(chi_square_sf(1.0, 0).is_nan());
}

// ---------------------------------------------------------------------------------------------
// Two arms compared

#[test]
fn two_proportions_match_newcombes_wald_interval() {
    // Newcombe (1998), Statistics in Medicine 17, Table II, example (a): 56/70 vs 48/80; the
    // simple asymptotic (Wald) interval of the difference 0.2 is 0.0575 to 0.3425.
    let c = proportions(
        Proportion {
            successes: 48,
            n: 80,
        },
        Proportion {
            successes: 56,
            n: 70,
        },
    )
    .unwrap();
    close(c.difference, 0.2, 1e-15, "difference");
    close(c.difference_ci[0], 0.0575, 5e-5, "low");
    close(c.difference_ci[1], 0.3425, 5e-5, "high");
    // By hand: se = √(0.8·0.2/70 + 0.6·0.4/80).
    let se = (0.8 * 0.2 / 70.0 + 0.6 * 0.4 / 80.0_f64).sqrt();
    close(c.difference_ci[0], 0.2 - Z975 * se, 1e-14, "low by hand");
    // Pooled z-test: p̄ = 104/150, z = 0.2/√(p̄(1−p̄)(1/70 + 1/80)) = 2.65017, p = 0.0080451.
    close(c.p_value, 0.008_045_081_368_196_568, 1e-12, "p-value");
    // Relative lift 0.8/0.6 − 1 = 1/3, delta-method se √(v_T/C² + (T/C)²·v_C/C²) = 0.145479.
    close(c.relative.unwrap(), 1.0 / 3.0, 1e-14, "relative");
    close(
        c.relative_se.unwrap(),
        0.145_478_593_490_661_58,
        1e-12,
        "relative se",
    );
    let ci = c.relative_ci.unwrap();
    close(ci[0], 0.048_200_529_570_093_686, 1e-12, "relative low");
    close(ci[1], 0.618_466_137_096_573_3, 1e-12, "relative high");
    // No difference: p = 1; a control rate of 0 has no relative lift.
    let same = proportions(
        Proportion {
            successes: 0,
            n: 10,
        },
        Proportion {
            successes: 0,
            n: 20,
        },
    )
    .unwrap();
    assert_eq!(same.p_value, 1.0);
    assert!(same.relative.is_none() && same.relative_ci.is_none());
}

#[test]
fn proportion_intervals_cover_the_truth() {
    // 1 000 experiments of 4 000 users per arm, rates 0.10 and 0.11: the difference's and the
    // relative lift's 95% intervals each cover the truth 95% of the time (± 4 SE = 2.8 points).
    let (pc, pt, n, reps) = (0.10, 0.11, 4_000u64, 1_000usize);
    let (mut diff, mut rel) = (0, 0);
    for r in 0..reps {
        let mut g = rng(1, r as u64);
        let draw = |g: &mut SimRng, p: f64| (0..n).filter(|_| g.bernoulli(p)).count() as u64;
        let c = draw(&mut g, pc);
        let t = draw(&mut g, pt);
        let cmp = proportions(
            Proportion { successes: c, n },
            Proportion { successes: t, n },
        )
        .unwrap();
        diff += contains(cmp.difference_ci, pt - pc) as usize;
        rel += contains(cmp.relative_ci.unwrap(), pt / pc - 1.0) as usize;
    }
    covers_95(diff, reps, "difference");
    covers_95(rel, reps, "relative lift");
}

#[test]
fn unit_means_use_welchs_variance_and_cover_the_truth() {
    // By hand: control 1, 2, 3, 4 (mean 2.5, s² = 5/3); treatment 2, 4, 6 (mean 4, s² = 4).
    let c = means(&[1.0, 2.0, 3.0, 4.0], &[2.0, 4.0, 6.0]).unwrap();
    close(c.difference, 1.5, 1e-15, "difference");
    close(
        c.difference_se,
        (5.0 / 3.0 / 4.0 + 4.0 / 3.0_f64).sqrt(),
        1e-15,
        "se",
    );
    close(c.relative.unwrap(), 0.6, 1e-15, "relative");
    // Skewed (exponential) revenue per user, means 1.0 and 1.05, 2 000 users per arm.
    let reps = 600;
    let (mut diff, mut rel) = (0, 0);
    for r in 0..reps {
        let mut g = rng(2, r);
        let control: Vec<f64> = (0..2_000).map(|_| g.exponential(1.0)).collect();
        let treatment: Vec<f64> = (0..2_000).map(|_| g.exponential(1.0 / 1.05)).collect();
        let cmp = means(&control, &treatment).unwrap();
        diff += contains(cmp.difference_ci, 0.05) as usize;
        rel += contains(cmp.relative_ci.unwrap(), 0.05) as usize;
    }
    covers_95(diff, reps as usize, "difference of means");
    covers_95(rel, reps as usize, "relative lift of means");
}

/// A synthetic user: impressions ~ Poisson(λ), λ log-normal; each impression clicked with the
/// user's own propensity p ~ Beta(mean 0.05, κ 8) × `lift`. The users' propensities and
/// volumes differ, so impressions are not independent draws: the user is the unit.
fn user(g: &mut SimRng, lift: f64) -> (f64, f64) {
    let lambda = g.lognormal(2.0, 0.8);
    let p = g.beta_mean(0.05, 8.0) * lift;
    let impressions = g.poisson(lambda);
    let clicks = (0..impressions).filter(|_| g.bernoulli(p)).count();
    (clicks as f64, impressions as f64)
}

#[test]
fn ratio_metric_delta_method_matches_the_spread_and_covers_the_truth() {
    // By hand: units (clicks, impressions) (1, 10), (3, 10) → R = 0.2, var_y = 2, var_x = 0,
    // cov = 0: Var(R) = 2/10²/2 = 0.01.
    let c = ratio_metric(&[(1.0, 10.0), (3.0, 10.0)], &[(2.0, 10.0), (2.0, 10.0)]).unwrap();
    close(c.control, 0.2, 1e-15, "CTR");
    close(c.difference_se, 0.1, 1e-15, "se");
    // CTR = E[clicks]/E[impressions] = E[p] (λ and p independent): 0.05 and 0.055 (+10%).
    let (truth_c, lift, reps, users) = (0.05, 1.1, 500u64, 800);
    let (mut diff, mut rel) = (0, 0);
    let mut estimates = Vec::new();
    let mut ses = Vec::new();
    let mut naive = 0;
    for r in 0..reps {
        let mut g = rng(3, r);
        let control: Vec<(f64, f64)> = (0..users).map(|_| user(&mut g, 1.0)).collect();
        let treatment: Vec<(f64, f64)> = (0..users).map(|_| user(&mut g, lift)).collect();
        let cmp = ratio_metric(&control, &treatment).unwrap();
        diff += contains(cmp.difference_ci, truth_c * (lift - 1.0)) as usize;
        rel += contains(cmp.relative_ci.unwrap(), lift - 1.0) as usize;
        estimates.push(cmp.difference);
        ses.push(cmp.difference_se);
        // The naive interval treats every impression as an independent Bernoulli draw.
        let rate = |units: &[(f64, f64)]| {
            let (y, x) = units.iter().fold((0.0, 0.0), |a, u| (a.0 + u.0, a.1 + u.1));
            (y / x, x)
        };
        let ((pc, nc), (pt, nt)) = (rate(&control), rate(&treatment));
        let se = (pc * (1.0 - pc) / nc + pt * (1.0 - pt) / nt).sqrt();
        naive += ((pt - pc - truth_c * (lift - 1.0)).abs() <= Z975 * se) as usize;
    }
    covers_95(diff, reps as usize, "CTR difference");
    covers_95(rel, reps as usize, "CTR relative lift");
    // The delta-method standard error is the estimates' spread (sd of an sd: ~3%).
    let n = estimates.len() as f64;
    let mean = estimates.iter().sum::<f64>() / n;
    let sd = (estimates.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let mean_se = ses.iter().sum::<f64>() / n;
    assert!(
        (mean_se / sd - 1.0).abs() < 0.13,
        "delta-method se {mean_se} vs Monte Carlo sd {sd}"
    );
    // Ignoring the unit under-covers: heterogeneous users make clicks overdispersed.
    let naive = naive as f64 / reps as f64;
    assert!(
        naive < 0.85,
        "the naive impression-level interval covered {naive}"
    );
}

// ---------------------------------------------------------------------------------------------
// CUPED

/// Units with pre-period X ~ N(10, 2²) and Y = 10 + ρ·(X − 10) + √(1 − ρ²)·2·ε + effect, so
/// that corr(X, Y) = ρ within an arm.
fn cuped_arm(g: &mut SimRng, n: usize, rho: f64, effect: f64) -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..n).map(|_| 10.0 + 2.0 * g.normal()).collect();
    let y = x
        .iter()
        .map(|&x| 10.0 + rho * (x - 10.0) + (1.0 - rho * rho).sqrt() * 2.0 * g.normal() + effect)
        .collect();
    (y, x)
}

#[test]
fn cuped_variance_factor_is_one_minus_rho_squared() {
    for (test, rho) in [(10, 0.0), (11, 0.5), (12, 0.8), (13, -0.7)] {
        let mut g = rng(test, 0);
        let (yc, xc) = cuped_arm(&mut g, 20_000, rho, 0.0);
        let (yt, xt) = cuped_arm(&mut g, 20_000, rho, 0.3);
        let r = cuped(&yc, &xc, &yt, &xt).unwrap();
        // θ = cov/var = ρ (both sd 2); the sampling error of ρ̂ is (1 − ρ²)/√n ≈ 0.005.
        close(r.theta, rho, 0.03, "theta");
        close(r.correlation, rho, 0.03, "correlation");
        close(r.variance_reduction, rho * rho, 0.03, "variance reduction");
        let factor = (r.adjusted.difference_se / r.raw.difference_se).powi(2);
        close(factor, 1.0 - rho * rho, 0.03, "variance factor");
        close(
            r.adjusted.difference,
            0.3,
            4.0 * r.adjusted.difference_se,
            "adjusted effect",
        );
    }
}

#[test]
fn cuped_with_equal_arms_reduces_the_variance_by_exactly_rho_squared() {
    // With n units in each arm and θ = Sxy/Sxx pooled, the adjusted difference's variance is
    // (Syy − Sxy²/Sxx)/(n(n − 1)) against Syy/(n(n − 1)): a reduction of exactly ρ̂².
    let mut g = rng(15, 0);
    let (yc, xc) = cuped_arm(&mut g, 50, 0.6, 0.0);
    let (yt, xt) = cuped_arm(&mut g, 50, 0.6, 1.0);
    let r = cuped(&yc, &xc, &yt, &xt).unwrap();
    close(
        r.variance_reduction,
        r.correlation * r.correlation,
        1e-12,
        "reduction = ρ̂²",
    );
    // By hand: Sxx = 9 + 8.75 = 17.75, Sxy = 6 + 9 = 15, Syy = 5 + 10 = 15.
    let r = cuped(
        &[1.0, 2.0, 3.0, 4.0],
        &[1.0, 2.0, 2.0, 5.0],
        &[2.0, 3.0, 5.0, 6.0],
        &[1.0, 3.0, 4.0, 5.0],
    )
    .unwrap();
    close(r.theta, 15.0 / 17.75, 1e-15, "θ");
    close(r.variance_reduction, 15.0 / 17.75, 1e-12, "reduction");
    // The adjusted control mean moves by θ·(x̄ − x̄_C) = θ·(2.875 − 2.5).
    close(
        r.adjusted.control,
        2.5 - 15.0 / 17.75 * (2.5 - 2.875),
        1e-14,
        "adjusted control",
    );
}

#[test]
fn cuped_intervals_cover_the_truth_and_stay_unbiased() {
    let reps = 600;
    let (mut covered, mut sum) = (0, 0.0);
    for r in 0..reps {
        let mut g = rng(14, r);
        let (yc, xc) = cuped_arm(&mut g, 500, 0.7, 0.0);
        let (yt, xt) = cuped_arm(&mut g, 500, 0.7, 0.2);
        let adj = cuped(&yc, &xc, &yt, &xt).unwrap().adjusted;
        covered += contains(adj.difference_ci, 0.2) as usize;
        sum += adj.difference;
    }
    covers_95(covered, reps as usize, "CUPED difference");
    // se of one estimate ≈ 2·√(1 − 0.49)·√(2/500) ≈ 0.0904; of the mean of 600: 0.0037.
    close(sum / reps as f64, 0.2, 4.0 * 0.0037, "mean CUPED estimate");
}

/// A synthetic user in two periods: impressions ~ Poisson(λ) in each, λ log-normal; clicks with
/// the user's own propensity p ~ Beta(mean 0.05, κ 8), × `lift` in the experiment. λ and p
/// persist, so the user's linearised CTRs of the two periods are correlated.
fn user_two_periods(g: &mut SimRng, lift: f64) -> ((f64, f64), (f64, f64)) {
    let lambda = g.lognormal(2.0, 0.8);
    let p = g.beta_mean(0.05, 8.0);
    let mut period = |p: f64| {
        let impressions = g.poisson(lambda);
        let clicks = (0..impressions).filter(|_| g.bernoulli(p)).count();
        (clicks as f64, impressions as f64)
    };
    let pre = period(p);
    (period(p * lift), pre)
}

/// The pooled within-arm correlation of `y` and `x` over arms (brute force).
fn pooled_correlation(arms: &[(&[f64], &[f64])]) -> f64 {
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (y, x) in arms {
        let n = y.len() as f64;
        let (my, mx) = (y.iter().sum::<f64>() / n, x.iter().sum::<f64>() / n);
        for (y, x) in y.iter().zip(x.iter()) {
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
            sxy += (x - mx) * (y - my);
        }
    }
    sxy / (sxx * syy).sqrt()
}

#[test]
fn linearised_ratios_have_the_ratio_as_mean_and_the_delta_method_variance() {
    // Units (clicks, impressions) (1, 10), (3, 10), (0, 4), (2, 0): R = 6/24 = 0.25, x̄ = 6,
    // L = 0.25 + (y − 0.25·x)/6: 0.25 − 1.5/6, 0.25 + 0.5/6, 0.25 − 1/6, 0.25 + 2/6.
    let units = [(1.0, 10.0), (3.0, 10.0), (0.0, 4.0), (2.0, 0.0)];
    let l = linearise("control", &units).unwrap();
    let want = [0.0, 1.0 / 3.0, 1.0 / 12.0, 7.0 / 12.0];
    for (got, want) in l.iter().zip(want) {
        close(*got, want, 1e-15, "linearised value");
    }
    close(l.iter().sum::<f64>() / 4.0, 0.25, 1e-15, "mean = R");
    // Their variance / n is ratio_metric's delta-method variance, on random users too.
    let mut g = rng(16, 0);
    let control: Vec<(f64, f64)> = (0..300).map(|_| user(&mut g, 1.0)).collect();
    let treatment: Vec<(f64, f64)> = (0..200).map(|_| user(&mut g, 1.2)).collect();
    let delta = ratio_metric(&control, &treatment).unwrap();
    let (lc, lt) = (
        linearise("control", &control).unwrap(),
        linearise("treatment", &treatment).unwrap(),
    );
    let lin = means(&lc, &lt).unwrap();
    close(lin.control, delta.control, 1e-15, "control ratio");
    close(lin.treatment, delta.treatment, 1e-15, "treatment ratio");
    close(
        lin.difference_se / delta.difference_se,
        1.0,
        1e-12,
        "delta-method se",
    );
    // CUPED on ratios: its raw comparison is the ratio comparison.
    let pre_c: Vec<(f64, f64)> = (0..300).map(|_| user(&mut g, 1.0)).collect();
    let pre_t: Vec<(f64, f64)> = (0..200).map(|_| user(&mut g, 1.0)).collect();
    let r = cuped_ratio(&control, &pre_c, &treatment, &pre_t).unwrap();
    close(r.raw.control, delta.control, 1e-15, "raw control");
    close(
        r.raw.difference_se / delta.difference_se,
        1.0,
        1e-12,
        "raw se",
    );
    // A pre-period without a single impression leaves the ratio undefined: named.
    let empty = vec![(0.0, 0.0); 300];
    let e = cuped_ratio(&control, &empty, &treatment, &pre_t).unwrap_err();
    assert_eq!(e.field, "control_pre");
}

#[test]
fn ratio_cuped_reduces_the_variance_by_rho_squared_of_the_linearised_values() {
    // Equal arms: the reduction is exactly ρ̂², the pooled within-arm correlation of the
    // linearised values (each linearised around its own arm's ratio), computed here by brute
    // force.
    let mut g = rng(17, 0);
    let (yc, xc): (Vec<_>, Vec<_>) = (0..400).map(|_| user_two_periods(&mut g, 1.0)).unzip();
    let (yt, xt): (Vec<_>, Vec<_>) = (0..400).map(|_| user_two_periods(&mut g, 1.2)).unzip();
    let r = cuped_ratio(&yc, &xc, &yt, &xt).unwrap();
    let lin = |units: &[(f64, f64)]| {
        let (sy, sx) = units.iter().fold((0.0, 0.0), |a, u| (a.0 + u.0, a.1 + u.1));
        let (ratio, mean_x) = (sy / sx, sx / units.len() as f64);
        units
            .iter()
            .map(|&(y, x)| ratio + (y - ratio * x) / mean_x)
            .collect::<Vec<f64>>()
    };
    let rho = pooled_correlation(&[(&lin(&yc), &lin(&xc)), (&lin(&yt), &lin(&xt))]);
    assert!(
        rho > 0.3,
        "persistent propensities correlate the periods: ρ̂ = {rho}"
    );
    close(r.correlation, rho, 1e-12, "ρ̂");
    close(r.variance_reduction, rho * rho, 1e-12, "reduction = ρ̂²");
    // Over replications: the adjusted estimate's spread is √(1 − ρ²) of the raw one's, its
    // reported standard error is that spread, and its intervals cover the truth, 0 in an A/A
    // test and +20% CTR with the lift.
    let reps = 400;
    for (test, lift) in [(18, 1.0), (19, 1.2)] {
        let (mut raw, mut adjusted, mut ses, mut rho2) = (vec![], vec![], vec![], 0.0);
        let mut covered = 0;
        for k in 0..reps {
            let mut g = rng(test, k);
            let (yc, xc): (Vec<_>, Vec<_>) =
                (0..600).map(|_| user_two_periods(&mut g, 1.0)).unzip();
            let (yt, xt): (Vec<_>, Vec<_>) =
                (0..600).map(|_| user_two_periods(&mut g, lift)).unzip();
            let r = cuped_ratio(&yc, &xc, &yt, &xt).unwrap();
            raw.push(r.raw.relative.unwrap());
            adjusted.push(r.adjusted.relative.unwrap());
            ses.push(r.adjusted.relative_se.unwrap());
            rho2 += r.correlation * r.correlation / reps as f64;
            covered += contains(r.adjusted.relative_ci.unwrap(), lift - 1.0) as usize;
        }
        let var = |v: &[f64]| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64
        };
        // The variance ratio of two correlated spreads over 400 replications: ~5% noise.
        let factor = var(&adjusted) / var(&raw);
        close(
            factor,
            1.0 - rho2,
            0.2 * (1.0 - rho2),
            "variance factor 1 − ρ²",
        );
        let mean_se = ses.iter().sum::<f64>() / reps as f64;
        let sd = var(&adjusted).sqrt();
        assert!(
            (mean_se / sd - 1.0).abs() < 0.13,
            "lift {lift}: reported se {mean_se} vs spread {sd}"
        );
        covers_95(covered, reps as usize, "ratio CUPED relative lift");
        let mean = adjusted.iter().sum::<f64>() / reps as f64;
        close(
            mean,
            lift - 1.0,
            4.0 * sd / (reps as f64).sqrt(),
            "mean adjusted lift",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Sample ratio mismatch

#[test]
fn srm_matches_hand_computed_chi_square() {
    // 1 000 vs 1 100 at 50/50: expected 1 050 each, χ² = 2·50²/1050 = 4.7619, p = 0.029096.
    let r = srm(&[1_000, 1_100], &[0.5, 0.5]).unwrap();
    close(r.chi_square, 2.0 * 2_500.0 / 1_050.0, 1e-12, "χ²");
    close(r.p_value, 0.029_096_331_741_252_21, 1e-12, "p");
    assert_eq!(r.degrees_of_freedom, 1);
    // Three arms at 1:1:2 (weights need not sum to 1): expected 250, 250, 500; df = 2 and
    // p = e^(−χ²/2).
    let r = srm(&[260, 240, 500], &[1.0, 1.0, 2.0]).unwrap();
    assert_eq!(r.expected, vec![250.0, 250.0, 500.0]);
    close(r.chi_square, 0.8, 1e-12, "χ² of three arms");
    close(r.p_value, (-0.4f64).exp(), 1e-14, "p of three arms");
    // An exact split is no mismatch.
    assert_eq!(srm(&[500, 500], &[1.0, 1.0]).unwrap().p_value, 1.0);
}

// ---------------------------------------------------------------------------------------------
// Power

#[test]
fn sample_size_is_the_textbook_formula() {
    // n = 2(z_{0.975} + z_{0.8})²σ²/δ² with σ = 1, δ = 0.1: 1569.78 → 1570.
    let s = sample_size(1.0, 0.1, 0.05, 0.8).unwrap();
    let by_hand = 2.0 * (Z975 + Z80).powi(2) / 0.01;
    close(s.n_per_arm_exact, by_hand, 1e-9, "exact n");
    close(s.n_per_arm_exact, 1_569.775_946_869_817, 1e-8, "n");
    assert_eq!(s.n_per_arm, 1_570);
    // The sign of the effect does not matter; the sd scales n by σ².
    assert_eq!(sample_size(1.0, -0.1, 0.05, 0.8).unwrap().n_per_arm, 1_570);
    close(
        sample_size(2.0, 0.1, 0.05, 0.8).unwrap().n_per_arm_exact,
        4.0 * by_hand,
        1e-8,
        "σ = 2",
    );
    // A proportion: baseline 10%, +5% relative: σ² = 0.09, δ = 0.005 → 56 511.93 → 56 512.
    let p = sample_size_proportion(0.1, 0.05, 0.05, 0.8).unwrap();
    close(
        p.n_per_arm_exact,
        56_511.934_087_313_4,
        1e-6,
        "proportion n",
    );
    assert_eq!(p.n_per_arm, 56_512);
}

#[test]
fn mde_and_power_invert_the_sample_size() {
    let exact = 2.0 * (Z975 + Z80).powi(2) / 0.01;
    // The MDE at n = 1570 is just below 0.1, and the power to detect 0.1 just above 0.8.
    let m = mde(1.0, 1_570, 0.05, 0.8).unwrap();
    close(m, 0.1 * (exact / 1_570.0).sqrt(), 1e-15, "mde");
    assert!(m < 0.1);
    let pw = power(1.0, 0.1, 1_570, 0.05).unwrap();
    assert!(pw > 0.8 && pw < 0.801, "power {pw}");
    // More units, more power; at n = 1 and a tiny effect the power is about α/2.
    assert!(power(1.0, 0.1, 3_000, 0.05).unwrap() > pw);
    close(
        power(1.0, 1e-9, 1, 0.05).unwrap(),
        0.025,
        1e-6,
        "null power",
    );
}

#[test]
fn sample_size_achieves_the_power_in_simulation() {
    // 400 experiments at the formula's n for σ = 1, δ = 0.2 (n = 393): the share that reject
    // at 5% is the power 0.8 ± 4 SE (0.08).
    let s = sample_size(1.0, 0.2, 0.05, 0.8).unwrap();
    assert_eq!(s.n_per_arm, 393);
    let reps = 400;
    let mut rejected = 0;
    for r in 0..reps {
        let mut g = rng(20, r);
        let control: Vec<f64> = (0..s.n_per_arm).map(|_| g.normal()).collect();
        let treatment: Vec<f64> = (0..s.n_per_arm).map(|_| 0.2 + g.normal()).collect();
        rejected += (means(&control, &treatment).unwrap().p_value < 0.05) as usize;
    }
    let share = rejected as f64 / reps as f64;
    close(
        share,
        0.8,
        4.0 * (0.8 * 0.2 / reps as f64).sqrt(),
        "rejection rate",
    );
}

// ---------------------------------------------------------------------------------------------
// Replications

#[test]
fn replication_summary_by_hand() {
    let reps = [
        Replicate {
            estimate: 1.0,
            ci: [0.0, 1.5],
        },
        Replicate {
            estimate: 2.0,
            ci: [1.0, 3.0],
        },
        Replicate {
            estimate: 4.0,
            ci: [2.0, 6.0],
        },
    ];
    let s = summarize(&reps, 2.0).unwrap();
    assert_eq!(s.replications, 3);
    close(s.mean, 7.0 / 3.0, 1e-15, "mean");
    close(s.bias, 1.0 / 3.0, 1e-15, "bias");
    close(s.rmse, (5.0f64 / 3.0).sqrt(), 1e-15, "rmse"); // (1 + 0 + 4)/3
    close(s.sd, (14.0f64 / 9.0 / 2.0 * 3.0).sqrt(), 1e-15, "sd"); // Σ(e − 7/3)² = 14/3
    close(s.coverage, 2.0 / 3.0, 1e-15, "coverage"); // the ends count: [2, 6] contains 2
    close(
        s.coverage_se,
        (2.0f64 / 9.0 / 3.0).sqrt(),
        1e-15,
        "coverage se",
    );
}

// ---------------------------------------------------------------------------------------------
// Decay

#[test]
fn decay_fit_recovers_an_exact_curve() {
    let times: Vec<f64> = (0..40).map(f64::from).collect();
    let zero: Vec<f64> = times
        .iter()
        .map(|t| 2.0 * (-t * 2f64.ln() / 14.0).exp())
        .collect();
    let fit = fit_decay(&times, &zero, Asymptote::Zero).unwrap();
    close(fit.half_life, 14.0, 1e-7, "half-life");
    close(fit.amplitude, 2.0, 1e-8, "amplitude");
    assert!(fit.identified && fit.asymptote.is_none());
    // With an asymptote, and times that start later (the amplitude is at the first time).
    let times: Vec<f64> = (30..90).map(f64::from).collect();
    let free: Vec<f64> = times
        .iter()
        .map(|t| 0.4 + 1.5 * (-(t - 30.0) * 2f64.ln() / 9.0).exp())
        .collect();
    let fit = fit_decay(&times, &free, Asymptote::Free).unwrap();
    close(fit.half_life, 9.0, 1e-6, "half-life with asymptote");
    close(fit.asymptote.unwrap(), 0.4, 1e-8, "asymptote");
    close(fit.amplitude, 1.5, 1e-7, "amplitude at t₀");
    assert_eq!(fit.t0, 30.0);
}

#[test]
fn decay_half_life_interval_is_positive_and_log_symmetric() {
    // Three noisy points: the standard error is large next to the half-life, so `h ± 1.96·se`
    // would reach below 0; the interval is symmetric on the log scale instead.
    let times = [1.0, 2.0, 3.0];
    let values = [-0.10, -0.04, -0.07];
    let fit = fit_decay(&times, &values, Asymptote::Zero).unwrap();
    let [lo, hi] = fit.half_life_ci;
    assert!(
        fit.half_life_se > fit.half_life / 1.96,
        "a wide fit: {fit:?}"
    );
    assert!(
        lo > 0.0 && lo < fit.half_life && fit.half_life < hi,
        "{fit:?}"
    );
    close(
        (lo * hi).sqrt(),
        fit.half_life,
        1e-9 * fit.half_life,
        "geometric centre",
    );
    let w = (normal_quantile(0.975) * fit.half_life_se / fit.half_life).exp();
    close(hi / fit.half_life, w, 1e-9 * w, "log half-width");
}

#[test]
fn decay_half_life_interval_covers_the_truth() {
    // 60 days of a difference 2·2^(−t/14) with noise sd 0.1 (zero asymptote), and
    // 0.3 + 1.5·2^(−t/10) with noise sd 0.05 (free asymptote): the half-life's 95% interval
    // covers the truth in 95% ± 4 SE of 300 seeded replications, and the estimates centre on it.
    let times: Vec<f64> = (0..60).map(f64::from).collect();
    let reps = 300;
    for (test, model, h, amp, floor, noise) in [
        (30, Asymptote::Zero, 14.0, 2.0, 0.0, 0.1),
        (31, Asymptote::Free, 10.0, 1.5, 0.3, 0.05),
    ] {
        let mut replicates = Vec::new();
        for r in 0..reps {
            let mut g = rng(test, r);
            let values: Vec<f64> = times
                .iter()
                .map(|t| floor + amp * (-t * 2f64.ln() / h).exp() + noise * g.normal())
                .collect();
            let fit = fit_decay(&times, &values, model).unwrap();
            assert!(fit.identified);
            replicates.push(Replicate {
                estimate: fit.half_life,
                ci: fit.half_life_ci,
            });
        }
        let s = summarize(&replicates, h).unwrap();
        covers_95(
            (s.coverage * reps as f64).round() as usize,
            reps as usize,
            &format!("{model:?} half-life"),
        );
        close(s.bias, 0.0, 4.0 * s.mean_se, "half-life bias");
    }
}

// ---------------------------------------------------------------------------------------------
// Bad input names the field

fn field<T: std::fmt::Debug>(r: Result<T, StatsError>) -> String {
    r.expect_err("an error").field
}

#[test]
fn bad_input_names_the_field() {
    let p = |successes, n| Proportion { successes, n };
    assert_eq!(field(proportions(p(0, 0), p(1, 2))), "control");
    assert_eq!(field(proportions(p(1, 2), p(3, 2))), "treatment");
    assert_eq!(field(means(&[1.0], &[1.0, 2.0])), "control");
    assert_eq!(field(means(&[1.0, 2.0], &[1.0, f64::NAN])), "treatment[1]");
    assert_eq!(
        field(ratio_metric(
            &[(1.0, 0.0), (1.0, 0.0)],
            &[(1.0, 1.0), (1.0, 1.0)]
        )),
        "control"
    );
    assert_eq!(
        field(cuped(&[1.0, 2.0], &[1.0], &[1.0, 2.0], &[1.0, 2.0])),
        "control"
    );
    assert_eq!(
        field(cuped(&[1.0, 2.0], &[1.0, 1.0], &[1.0, 2.0], &[3.0, 3.0])),
        "control_pre"
    );
    assert_eq!(field(srm(&[10], &[1.0])), "counts");
    assert_eq!(field(srm(&[10, 10], &[1.0])), "shares");
    assert_eq!(field(srm(&[10, 10], &[1.0, -1.0])), "shares[1]");
    assert_eq!(field(sample_size(0.0, 0.1, 0.05, 0.8)), "sd");
    assert_eq!(field(sample_size(1.0, 0.0, 0.05, 0.8)), "mde");
    assert_eq!(field(sample_size(1.0, 1e-12, 0.05, 0.8)), "mde");
    assert_eq!(field(sample_size(1.0, 0.1, 1.0, 0.8)), "alpha");
    assert_eq!(field(sample_size(1.0, 0.1, 0.05, 0.0)), "power");
    assert_eq!(
        field(sample_size_proportion(1.0, 0.1, 0.05, 0.8)),
        "baseline"
    );
    assert_eq!(
        field(sample_size_proportion(0.1, 0.0, 0.05, 0.8)),
        "relative_lift"
    );
    assert_eq!(field(mde(1.0, 0, 0.05, 0.8)), "n_per_arm");
    assert_eq!(field(summarize(&[], 0.0)), "replicates");
    let bad = Replicate {
        estimate: 1.0,
        ci: [2.0, 1.0],
    };
    assert_eq!(field(summarize(&[bad], 0.0)), "replicates[0]");
    assert_eq!(
        field(fit_decay(&[0.0, 1.0], &[1.0, 0.5], Asymptote::Zero)),
        "times"
    );
    assert_eq!(
        field(fit_decay(&[0.0, 1.0, 2.0], &[1.0], Asymptote::Zero)),
        "values"
    );
    assert_eq!(
        field(fit_decay(
            &[0.0, 1.0, 2.0],
            &[0.0, 0.0, 0.0],
            Asymptote::Zero
        )),
        "values"
    );
    // The message reads as "`field`: what is wrong".
    let e = proportions(p(5, 4), p(1, 2)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`control`: successes (5) cannot exceed n (4)"
    );
}

// ---------------------------------------------------------------------------------------------
// Arbitrary input

mod arbitrary {
    use super::*;
    use proptest::prelude::*;

    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            prop::num::f64::ANY,
            -1e3..1e3f64,
            Just(0.0),
            Just(f64::MAX),
            Just(f64::MIN_POSITIVE),
        ]
    }

    fn decay_model() -> impl Strategy<Value = Asymptote> {
        prop_oneof![Just(Asymptote::Zero), Just(Asymptote::Free)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Every function returns a value or an error naming a field; none panics, whatever
        /// the numbers (NaN, infinities, extremes, empty lists, u64::MAX counts).
        #[test]
        fn nothing_panics(
            a in prop::collection::vec(any_f64(), 0..12),
            b in prop::collection::vec(any_f64(), 0..12),
            c in prop::collection::vec(any_f64(), 0..12),
            d in prop::collection::vec(any_f64(), 0..12),
            counts in prop::collection::vec(any::<u64>(), 0..5),
            s in any::<u64>(), n in any::<u64>(), s2 in any::<u64>(), n2 in any::<u64>(),
            x in any_f64(), y in any_f64(), z in any_f64(), w in any_f64(),
            model in decay_model(),
        ) {
            let named = |e: StatsError| assert!(!e.field.is_empty() && !e.message.is_empty());
            let _ = proportions(Proportion { successes: s, n }, Proportion { successes: s2, n: n2 })
                .map_err(named);
            let _ = proportions(Proportion { successes: s % (n | 1), n: n | 1 },
                Proportion { successes: s2 % (n2 | 1), n: n2 | 1 }).map_err(named);
            let _ = means(&a, &b).map_err(named);
            let pairs = |u: &[f64], v: &[f64]| u.iter().copied().zip(v.iter().copied()).collect::<Vec<_>>();
            let _ = ratio_metric(&pairs(&a, &b), &pairs(&c, &d)).map_err(named);
            let _ = cuped(&a, &b, &c, &d).map_err(named);
            let _ = srm(&counts, &a[..counts.len().min(a.len())]).map_err(named);
            let _ = sample_size(x, y, z, w).map_err(named);
            let _ = sample_size_proportion(x, y, z, w).map_err(named);
            let _ = mde(x, n, z, w).map_err(named);
            let _ = power(x, y, n, z).map_err(named);
            let reps: Vec<Replicate> = a.iter().zip(&b).zip(&c)
                .map(|((&e, &l), &h)| Replicate { estimate: e, ci: [l, h] }).collect();
            let _ = summarize(&reps, x).map_err(named);
            let _ = fit_decay(&a, &b, model).map_err(named);
        }

        /// On moderate numbers every interval that is computed is finite and holds its estimate.
        #[test]
        fn moderate_input_gives_finite_intervals(
            a in prop::collection::vec(-1e3..1e3f64, 2..30),
            b in prop::collection::vec(-1e3..1e3f64, 2..30),
            t in prop::collection::vec(0.0..100.0f64, 4..30),
            model in decay_model(),
        ) {
            if let Ok(cmp) = means(&a, &b) {
                let [lo, hi] = cmp.difference_ci;
                prop_assert!(lo.is_finite() && hi.is_finite() && lo <= cmp.difference && cmp.difference <= hi);
                prop_assert!((0.0..=1.0).contains(&cmp.p_value));
            }
            let values: Vec<f64> = t.iter().zip(a.iter().cycle()).map(|(t, a)| (-t / 10.0).exp() + a / 1e4).collect();
            if let Ok(fit) = fit_decay(&t, &values, model) {
                prop_assert!(fit.half_life > 0.0 && fit.rate > 0.0);
                prop_assert!(!fit.half_life_ci[0].is_nan() && !fit.half_life_ci[1].is_nan());
            }
        }
    }
}
