//! The mechanism lab against auction theory (the papers: the Model page's references).
//!
//! Each test names the result it checks. Monte Carlo tolerances are 4 standard errors computed
//! from the run's own `revenue_se` (or, for paired comparisons on common random numbers, from
//! the per-auction differences).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::auction::Format;
use sandbox::core::lab::dist::ValueDist;
use sandbox::core::lab::equilibrium::{
    eos_bids, eos_bids_with_floors, first_price_bne_bid, FirstPriceBidTable,
};
use sandbox::core::lab::{
    efficient_expectation, run_explicit, run_monte_carlo, Bidding, ExplicitBidder, ExplicitConfig,
    MonteCarloConfig, MonteCarloLab, MonteCarloReport,
};
use sandbox::core::rng::{self, Purpose, Random};

const U01: ValueDist = ValueDist::Uniform {
    low: 0.0,
    high: 1.0,
};

fn mc(
    format: Format,
    bidding: Bidding,
    n: usize,
    values: ValueDist,
    slot_ctrs: &[f64],
    reserve: f64,
    auctions: u64,
) -> MonteCarloConfig {
    MonteCarloConfig {
        format,
        bidding,
        bidders: n,
        values,
        slot_ctrs: slot_ctrs.to_vec(),
        reserve,
        auctions,
        seed: 7,
    }
}

fn run(cfg: &MonteCarloConfig) -> MonteCarloReport {
    run_monte_carlo(cfg).expect("valid config")
}

/// Second price = GSP with one slot, truthful.
fn second_price(n: usize, values: ValueDist, reserve: f64, auctions: u64) -> MonteCarloConfig {
    mc(
        Format::Gsp,
        Bidding::Truthful,
        n,
        values,
        &[1.0],
        reserve,
        auctions,
    )
}

fn first_price_bne(n: usize, values: ValueDist, reserve: f64, auctions: u64) -> MonteCarloConfig {
    mc(
        Format::FirstPrice,
        Bidding::Equilibrium,
        n,
        values,
        &[1.0],
        reserve,
        auctions,
    )
}

/// Mean and standard error of the per-auction revenue difference `a − b` on common random
/// numbers (both labs replay auction t from the same stream).
fn paired_revenue_difference(a: &MonteCarloConfig, b: &MonteCarloConfig) -> (f64, f64) {
    let mut la = MonteCarloLab::new(a.clone()).unwrap();
    let mut lb = MonteCarloLab::new(b.clone()).unwrap();
    let n = a.auctions;
    let (mut sum, mut sum2) = (0.0, 0.0);
    for t in 0..n {
        let d = la.auction(t).revenue - lb.auction(t).revenue;
        sum += d;
        sum2 += d * d;
    }
    let mean = sum / n as f64;
    let var = (sum2 / n as f64 - mean * mean) * n as f64 / (n - 1) as f64;
    (mean, (var / n as f64).sqrt())
}

fn harmonic(n: usize) -> f64 {
    (1..=n).map(|k| 1.0 / k as f64).sum()
}

/// Vickrey (1961) with U[0,1] values and reserve r: expected revenue
/// `E[φ(v_(1)) 1{v_(1) ≥ r}] = ∫_r^1 (2v − 1) n v^{n−1} dv = (n−1)/(n+1) + rⁿ − 2n r^{n+1}/(n+1)`.
fn uniform_second_price_revenue(n: usize, r: f64) -> f64 {
    let nf = n as f64;
    (nf - 1.0) / (nf + 1.0) + r.powi(n as i32) - 2.0 * nf * r.powi(n as i32 + 1) / (nf + 1.0)
}

#[test]
fn vickrey_uniform_revenue_is_n_minus_1_over_n_plus_1() {
    // Vickrey: truthful second price earns E[second-highest] = (n−1)/(n+1) for U[0,1]
    // (order statistics: E[k-th highest of n] = (n+1−k)/(n+1)); welfare is E[highest] = n/(n+1).
    for n in [2usize, 3, 5] {
        let r = run(&second_price(n, U01, 0.0, 200_000));
        let want = (n as f64 - 1.0) / (n as f64 + 1.0);
        assert!(
            (r.revenue_per_auction - want).abs() < 4.0 * r.revenue_se,
            "n {n}: {} ± {} vs {want}",
            r.revenue_per_auction,
            r.revenue_se
        );
        let w = n as f64 / (n as f64 + 1.0);
        assert!((r.welfare_per_auction - w).abs() < 4.0 * r.welfare_se);
        assert_eq!(r.sale_rate, 1.0);
        // The lab's exact expectation (numerical Myerson integral) agrees with the closed form.
        assert!((r.revenue_theory.unwrap() - want).abs() < 1e-10);
        assert!((r.welfare_theory.unwrap() - w).abs() < 1e-10);
    }
}

#[test]
fn vickrey_uniform_with_reserve_matches_closed_form() {
    // Second price with reserve r, U[0,1]: revenue (n−1)/(n+1) + rⁿ − 2n r^{n+1}/(n+1) (derived
    // from Myerson's E[φ(v_(1))·1{v_(1) ≥ r}] with φ(v) = 2v − 1); sale probability 1 − rⁿ.
    for n in [1usize, 2, 5] {
        for r in [0.3, 0.5, 0.8] {
            let rep = run(&second_price(n, U01, r, 100_000));
            let want = uniform_second_price_revenue(n, r);
            assert!(
                (rep.revenue_per_auction - want).abs() < 4.0 * rep.revenue_se,
                "n {n} r {r}: {} ± {} vs {want}",
                rep.revenue_per_auction,
                rep.revenue_se
            );
            assert!((rep.revenue_theory.unwrap() - want).abs() < 1e-10);
            let p = 1.0 - r.powi(n as i32);
            let se = (p * (1.0 - p) / 100_000.0).sqrt();
            assert!((rep.sale_rate - p).abs() < 4.0 * se);
            // Whenever the item sells, the price per click is at least the reserve.
            assert!(rep.slot_price_per_click[0].unwrap() >= r - 1e-12);
        }
    }
}

#[test]
fn myerson_reserve_uniform_is_one_half() {
    // Myerson (1981): φ(v) = 2v − 1 for U[0,1], so the optimal reserve is 1/2 for any n.
    assert!((U01.myerson_reserve() - 0.5).abs() < 1e-12);
    // Brute force over a grid of reserves: exact revenue curve (fine grid) and Monte Carlo on
    // common random numbers (coarse grid) both peak at r = 1/2.
    let n = 2;
    let exact: Vec<(f64, f64)> = (0..=100)
        .map(|i| {
            let r = i as f64 / 100.0;
            (r, efficient_expectation(&U01, n, &[1.0], r, true))
        })
        .collect();
    let best = exact.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert!((best.0 - 0.5).abs() < 1e-9, "exact argmax {best:?}");
    for &(r, rev) in &exact {
        assert!((rev - uniform_second_price_revenue(n, r)).abs() < 1e-10);
    }
    let grid: Vec<f64> = (0..10).map(|i| i as f64 / 10.0).collect();
    let mc_rev: Vec<f64> = grid
        .iter()
        .map(|&r| run(&second_price(n, U01, r, 100_000)).revenue_per_auction)
        .collect();
    let arg = (0..grid.len())
        .max_by(|&a, &b| mc_rev[a].total_cmp(&mc_rev[b]))
        .unwrap();
    assert_eq!(grid[arg], 0.5, "MC revenue by reserve {mc_rev:?}");
    // At the optimum, revenue = E[max(φ(v_(1)), 0)] auction by auction in expectation: compare
    // with the same draws.
    let cfg = second_price(n, U01, 0.5, 100_000);
    let mut lab = MonteCarloLab::new(cfg.clone()).unwrap();
    let (mut sum, mut sum2) = (0.0, 0.0);
    for t in 0..cfg.auctions {
        let rev = lab.auction(t).revenue;
        let top = lab.values().iter().cloned().fold(f64::MIN, f64::max);
        let d = rev - U01.virtual_value(top).max(0.0);
        sum += d;
        sum2 += d * d;
    }
    let m = cfg.auctions as f64;
    let mean = sum / m;
    let se = ((sum2 / m - mean * mean) / m).sqrt();
    assert!(mean.abs() < 4.0 * se, "{mean} ± {se}");
}

#[test]
fn myerson_reserve_exponential_is_one_over_rate() {
    // Exp(λ): φ(v) = v − 1/λ, optimal reserve 1/λ.
    let rate = 2.0;
    let d = ValueDist::Exponential { rate };
    assert!((d.myerson_reserve() - 0.5).abs() < 1e-12);
    let n = 2;
    let exact: Vec<(f64, f64)> = (0..=150)
        .map(|i| {
            let r = i as f64 / 100.0;
            (r, efficient_expectation(&d, n, &[1.0], r, true))
        })
        .collect();
    let best = exact.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert!((best.0 - 0.5).abs() < 1e-9, "exact argmax {best:?}");
    // Monte Carlo on common random numbers: r = 1/λ beats r = 1/(2λ) and r = 2/λ by more than
    // 4 standard errors of the paired difference, and matches the exact revenue.
    let at = |r: f64| second_price(n, d, r, 100_000);
    for other in [0.25, 1.0] {
        let (diff, se) = paired_revenue_difference(&at(0.5), &at(other));
        assert!(diff > 4.0 * se, "r = 0.5 vs {other}: {diff} ± {se}");
    }
    let rep = run(&at(0.5));
    assert!((rep.revenue_per_auction - best.1).abs() < 4.0 * rep.revenue_se);
}

#[test]
fn exponential_second_highest_is_harmonic_minus_one() {
    // Exp(1) order statistics: E[highest] = H_n, E[second-highest] = H_n − 1, so truthful second
    // price earns H_n − 1 and allocates welfare H_n.
    let d = ValueDist::Exponential { rate: 1.0 };
    for n in [2usize, 5] {
        let r = run(&second_price(n, d, 0.0, 200_000));
        let want = harmonic(n) - 1.0;
        assert!(
            (r.revenue_per_auction - want).abs() < 4.0 * r.revenue_se,
            "n {n}: {} ± {} vs {want}",
            r.revenue_per_auction,
            r.revenue_se
        );
        assert!((r.welfare_per_auction - harmonic(n)).abs() < 4.0 * r.welfare_se);
        assert!((r.revenue_theory.unwrap() - want).abs() < 1e-10);
        assert!((r.welfare_theory.unwrap() - harmonic(n)).abs() < 1e-10);
    }
}

#[test]
fn first_price_bne_closed_forms_uniform() {
    // Riley–Samuelson BNE for U[0,1]: b(v) = (n−1)v/n, and with reserve r:
    // b(v) = (n−1)v/n + rⁿ/(n v^{n−1}) for v ≥ r (no bid below r).
    for n in [2usize, 3, 5, 10] {
        let table = FirstPriceBidTable::new(&U01, n, 0.0);
        for i in 1..=50 {
            let v = i as f64 / 50.0;
            let want = (n as f64 - 1.0) * v / n as f64;
            assert!((first_price_bne_bid(&U01, n, 0.0, v) - want).abs() < 1e-9);
            assert!((table.bid(v) - want).abs() < 1e-9);
        }
        for r in [0.2, 0.5] {
            let table = FirstPriceBidTable::new(&U01, n, r);
            for i in 0..=40 {
                let v = r + (1.0 - r) * i as f64 / 40.0;
                let nf = n as f64;
                let want = (nf - 1.0) * v / nf + r.powi(n as i32) / (nf * v.powi(n as i32 - 1));
                let got = first_price_bne_bid(&U01, n, r, v);
                assert!(
                    (got - want).abs() < 1e-9,
                    "n {n} r {r} v {v}: {got} vs {want}"
                );
                assert!((table.bid(v) - want).abs() < 1e-9);
            }
            assert_eq!(first_price_bne_bid(&U01, n, r, 0.9 * r), 0.0);
            assert_eq!(table.bid(0.9 * r), 0.0);
        }
    }
}

#[test]
fn first_price_bne_solves_its_ode_for_other_distributions() {
    // The BNE bid satisfies b'(v) = (n−1) f(v)/F(v) (v − b(v)), b(r) = r, b(v) < v: checked by
    // central differences for exponential and log-normal values (numerical integrals).
    let dists = [
        ValueDist::Exponential { rate: 1.5 },
        ValueDist::Lognormal {
            mu: 0.2,
            sigma: 0.7,
        },
    ];
    for d in dists {
        for (n, r) in [(2usize, 0.0), (4, 0.0), (4, 0.6)] {
            let table = FirstPriceBidTable::new(&d, n, r);
            assert!((first_price_bne_bid(&d, n, r, r.max(1e-9)) - r.max(1e-9)).abs() < 1e-6);
            for p in [0.3, 0.6, 0.9, 0.99] {
                let v = d.quantile(p).max(r + 0.05);
                let b = first_price_bne_bid(&d, n, r, v);
                assert!(b < v && b >= r);
                let h = 1e-5 * v;
                let slope = (first_price_bne_bid(&d, n, r, v + h)
                    - first_price_bne_bid(&d, n, r, v - h))
                    / (2.0 * h);
                let ode = (n - 1) as f64 * d.pdf(v) / d.cdf(v) * (v - b);
                assert!(
                    (slope - ode).abs() < 1e-5 * (1.0 + ode.abs()),
                    "{d:?} n {n} r {r} v {v}: {slope} vs {ode}"
                );
                assert!((table.bid(v) - b).abs() < 1e-9 * (1.0 + b));
            }
        }
    }
}

#[test]
fn revenue_equivalence_first_price_bne_vs_second_price() {
    // Revenue equivalence (Myerson 1981; Riley & Samuelson 1981): first price at the symmetric
    // BNE and truthful second price, same reserve, have the same expected revenue — checked on
    // common random numbers (paired difference within 4 SE) and against the exact expectation.
    // Only means are equal: the first-price revenue has the smaller variance.
    let lognormal = ValueDist::Lognormal {
        mu: 0.0,
        sigma: 0.5,
    };
    let cases = [
        (U01, 3usize, 0.0),
        (U01, 3, 0.4),
        (ValueDist::Exponential { rate: 1.0 }, 4, 0.0),
        (ValueDist::Exponential { rate: 1.0 }, 4, 1.0),
        (lognormal, 4, 0.0),
        (lognormal, 4, lognormal.myerson_reserve()),
    ];
    for (d, n, r) in cases {
        let fp = first_price_bne(n, d, r, 100_000);
        let sp = second_price(n, d, r, 100_000);
        let (diff, se) = paired_revenue_difference(&fp, &sp);
        assert!(
            diff.abs() < 4.0 * se,
            "{d:?} n {n} r {r}: FP − SP = {diff} ± {se}"
        );
        let rfp = run(&fp);
        let rsp = run(&sp);
        let theory = rsp.revenue_theory.unwrap();
        assert!((rfp.revenue_theory.unwrap() - theory).abs() < 1e-12);
        assert!((rfp.revenue_per_auction - theory).abs() < 4.0 * rfp.revenue_se);
        assert!((rsp.revenue_per_auction - theory).abs() < 4.0 * rsp.revenue_se);
        assert!(rfp.revenue_se < rsp.revenue_se, "{d:?}: variances");
        // Same allocation (the highest value at or above the reserve wins): same welfare.
        assert!((rfp.welfare_per_auction - rsp.welfare_per_auction).abs() < 1e-12);
    }
}

/// Explicit auction with values (truthful bids) and unit qualities.
fn explicit(format: Format, values: &[f64], ctrs: &[f64], reserve: f64) -> ExplicitConfig {
    ExplicitConfig {
        format,
        bidding: Bidding::Truthful,
        bidders: values
            .iter()
            .map(|&v| ExplicitBidder {
                bid: Some(v),
                value: None,
                quality: 1.0,
            })
            .collect(),
        slot_ctrs: ctrs.to_vec(),
        squashing: 1.0,
        reserve,
    }
}

/// Textbook VCG total payment of slot k (1-based, values sorted), reserve as a phantom bidder:
/// `p_k = Σ_{j=k}^{K} (α_j − α_{j+1}) · max(v_{j+1}, r)`, `v_{j+1} = r` when missing.
fn vcg_textbook(sorted: &[f64], ctrs: &[f64], r: f64) -> Vec<f64> {
    let k_max = ctrs.len().min(sorted.iter().filter(|&&v| v >= r).count());
    (0..k_max)
        .map(|k| {
            (k..ctrs.len())
                .map(|j| {
                    let next = if j + 1 < ctrs.len() { ctrs[j + 1] } else { 0.0 };
                    let below = sorted.get(j + 1).copied().unwrap_or(r).max(r);
                    (ctrs[j] - next) * below
                })
                .sum()
        })
        .collect()
}

#[test]
fn vcg_position_auction_payments_match_the_formula() {
    // VCG (Edelman–Ostrovsky–Schwarz, Varian): p_k = Σ_{j=k}^{K} (α_j − α_{j+1}) v_{j+1}.
    // values 10, 8, 5, 3, 1 and α = 0.5, 0.3, 0.1: p = 2.9, 1.3, 0.3.
    let rep = run_explicit(&explicit(
        Format::Vcg,
        &[3.0, 10.0, 1.0, 8.0, 5.0],
        &[0.5, 0.3, 0.1],
        0.0,
    ))
    .unwrap();
    assert_eq!(rep.allocation, vec![1, 3, 4]);
    for (got, want) in rep.slot_payment.iter().zip([2.9, 1.3, 0.3]) {
        assert!((got - want).abs() < 1e-12, "{:?}", rep.slot_payment);
    }
    // With a reserve and fewer bidders than slots the reserve is a phantom bidder:
    // values 10, 8 with r = 2 and α = 0.5, 0.3, 0.1: p₁ = 0.2·8 + 0.2·2 + 0.1·2 = 2.2,
    // p₂ = 0.2·2 + 0.1·2 = 0.6 (= α₂·r: the last winner pays the reserve).
    let rep = run_explicit(&explicit(
        Format::Vcg,
        &[8.0, 10.0, 1.0],
        &[0.5, 0.3, 0.1],
        2.0,
    ))
    .unwrap();
    assert_eq!(rep.allocation, vec![1, 0]);
    assert!((rep.slot_payment[0] - 2.2).abs() < 1e-12);
    assert!((rep.slot_payment[1] - 0.6).abs() < 1e-12);
    // Random instances against the textbook formula.
    let mut g = rng::stream(11, Purpose::Lab, 1, 0);
    for _ in 0..300 {
        let n = 1 + g.index(7);
        let k = 1 + g.index(5);
        let values: Vec<f64> = (0..n).map(|_| g.uniform_range(0.0, 10.0)).collect();
        let mut ctrs: Vec<f64> = (0..k).map(|_| g.uniform_range(0.01, 1.0)).collect();
        ctrs.sort_by(|a, b| b.total_cmp(a));
        let r = if g.bernoulli(0.5) {
            0.0
        } else {
            g.uniform_range(0.0, 6.0)
        };
        let rep = run_explicit(&explicit(Format::Vcg, &values, &ctrs, r)).unwrap();
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let want = vcg_textbook(&sorted, &ctrs, r);
        assert_eq!(rep.slot_payment.len(), want.len());
        for (got, want) in rep.slot_payment.iter().zip(&want) {
            assert!((got - want).abs() < 1e-9, "{values:?} {ctrs:?} r {r}");
        }
        // GSP on the same bids earns at least VCG's revenue (EOS 2007).
        let gsp = run_explicit(&explicit(Format::Gsp, &values, &ctrs, r)).unwrap();
        assert!(gsp.revenue >= rep.revenue - 1e-9);
        assert_eq!(gsp.allocation, rep.allocation);
    }
}

/// Varian's upper-bound recursion (the highest symmetric equilibrium):
/// `α_{k−1} b_k = v_{k−1}(α_{k−1} − α_k) + α_k b_{k+1}`, `b_{K+1} = v_{K+1}`.
fn varian_upper_bids(v: &[f64], a: &[f64]) -> Vec<f64> {
    let mut b = v.to_vec();
    let winners = a.len().min(v.len());
    for k in (1..winners).rev() {
        let below = if k + 1 < v.len() { b[k + 1] } else { 0.0 };
        b[k] = (v[k - 1] * (a[k - 1] - a[k]) + a[k] * below) / a[k - 1];
    }
    b
}

/// Symmetric Nash equilibrium check (Varian 2007): with prices p_j = b_{j+1} (0-based slot j
/// paid by the bid ranked j+1), every bidder weakly prefers its slot: α_k(v_k − p_k) ≥
/// α_j(v_k − p_j) for every slot j, and losers would not gain from any slot.
fn is_symmetric_nash(v: &[f64], b: &[f64], a: &[f64], tol: f64) -> bool {
    let k_slots = a.len().min(v.len());
    let price = |j: usize| b.get(j + 1).copied().unwrap_or(0.0);
    let payoff = |i: usize, j: usize| {
        if j < k_slots {
            a[j] * (v[i] - price(j))
        } else {
            0.0
        }
    };
    (0..v.len()).all(|i| (0..k_slots).all(|j| payoff(i, i) >= payoff(i, j) - tol))
}

#[test]
fn eos_equilibrium_bids_reproduce_vcg_and_are_locally_envy_free() {
    // EOS (2007) / Varian (2007): at the lowest locally envy-free bids, b_{K+1} = v_{K+1},
    // b_k = v_k − (α_k/α_{k−1})(v_k − b_{k+1}); GSP then has VCG's allocation and payments.
    let mut g = rng::stream(12, Purpose::Lab, 2, 0);
    for case in 0..400 {
        let n = 2 + g.index(7);
        let k = 1 + g.index(n.min(5));
        let mut v: Vec<f64> = (0..n).map(|_| g.uniform_range(0.0, 10.0)).collect();
        v.sort_by(|a, b| b.total_cmp(a));
        let mut a: Vec<f64> = (0..k).map(|_| g.uniform_range(0.01, 1.0)).collect();
        a.sort_by(|x, y| y.total_cmp(x));
        let b = eos_bids(&v, &a);
        // The recursion (Varian's lower bound) holds with equality: bidder k is indifferent
        // between its slot at b_{k+1} and the slot above at b_k ...
        for kk in 1..k.min(n) {
            let below = b.get(kk + 1).copied().unwrap_or(0.0);
            let lhs = a[kk - 1] * (v[kk] - b[kk]);
            let rhs = a[kk] * (v[kk] - below);
            assert!(
                (lhs - rhs).abs() < 1e-9,
                "case {case}: indifference at {kk}"
            );
            // ... and Varian's upper bound holds as an inequality.
            let upper = v[kk - 1] * (a[kk - 1] - a[kk]) + a[kk] * below;
            assert!(a[kk - 1] * b[kk] <= upper + 1e-9);
        }
        assert!(
            is_symmetric_nash(&v, &b, &a, 1e-9),
            "case {case}: {v:?} {a:?} {b:?}"
        );
        // The upper-bound bids are a symmetric equilibrium too, with revenue at least VCG's.
        let up = varian_upper_bids(&v, &a);
        assert!(is_symmetric_nash(&v, &up, &a, 1e-9), "case {case}: upper");
        assert!(up.iter().zip(&b).all(|(u, l)| *u >= *l - 1e-9));
        // GSP at the EOS bids = VCG at the values, slot by slot.
        let gsp = run_explicit(&explicit(Format::Gsp, &b, &a, 0.0)).unwrap();
        let vcg = run_explicit(&explicit(Format::Vcg, &v, &a, 0.0)).unwrap();
        assert_eq!(gsp.allocation, vcg.allocation);
        for (x, y) in gsp.slot_payment.iter().zip(&vcg.slot_payment) {
            assert!((x - y).abs() < 1e-9, "case {case}");
        }
    }
}

#[test]
fn eos_equilibrium_with_qualities_in_score_space() {
    // With qualities e and squashing q, payoffs are e^{1−q}·α_j (V_i − s_{j+1}) in score space
    // V = v e^q, so EOS on scores, converted back b = s/e^q, is again an equilibrium that
    // reproduces VCG (explicit mode with bidding = equilibrium), with no reserve or with a reserve
    // and equal qualities.
    let mut g = rng::stream(13, Purpose::Lab, 3, 0);
    for case in 0..300 {
        let n = 2 + g.index(6);
        let k = 1 + g.index(4);
        let equal_quality = case % 2 == 1;
        let bidders: Vec<ExplicitBidder> = (0..n)
            .map(|_| ExplicitBidder {
                bid: None,
                value: Some(g.uniform_range(0.0, 10.0)),
                quality: if equal_quality {
                    0.8
                } else {
                    g.uniform_range(0.05, 1.0)
                },
            })
            .collect();
        let mut ctrs: Vec<f64> = (0..k).map(|_| g.uniform_range(0.01, 1.0)).collect();
        ctrs.sort_by(|a, b| b.total_cmp(a));
        let q = [0.0, 0.5, 1.0, 1.5][g.index(4)];
        let reserve = if equal_quality {
            g.uniform_range(0.0, 5.0)
        } else {
            0.0
        };
        let cfg = |format, bidding| ExplicitConfig {
            format,
            bidding,
            bidders: bidders.clone(),
            slot_ctrs: ctrs.clone(),
            squashing: q,
            reserve,
        };
        let gsp = run_explicit(&cfg(Format::Gsp, Bidding::Equilibrium)).unwrap();
        let vcg = run_explicit(&cfg(Format::Vcg, Bidding::Truthful)).unwrap();
        assert_eq!(gsp.allocation, vcg.allocation, "case {case}");
        for (x, y) in gsp
            .slot_price_per_click
            .iter()
            .zip(&vcg.slot_price_per_click)
        {
            assert!((x - y).abs() < 1e-9 * (1.0 + y), "case {case}: {x} vs {y}");
        }
        let bids = gsp.bids.unwrap();
        for (b, bidder) in bids.iter().zip(&bidders) {
            let v = bidder.value.unwrap();
            assert!(*b <= v + 1e-12);
            if v >= reserve {
                assert!(*b >= reserve);
            }
        }
        // Per-bidder reserves in score space (heterogeneous qualities): bidders who can afford
        // the reserve still all bid at least it.
        let floors: Vec<f64> = (0..n).map(|i| 2.0 * (i as f64 + 1.0) / n as f64).collect();
        let mut scores: Vec<f64> = (0..n).map(|_| g.uniform_range(0.0, 10.0)).collect();
        scores.sort_by(|a, b| b.total_cmp(a));
        let s = eos_bids_with_floors(&scores, &ctrs, &floors);
        for i in 0..n {
            if scores[i] >= floors[i] {
                assert!(s[i] >= floors[i] && s[i] <= scores[i]);
            } else {
                assert_eq!(s[i], scores[i]);
            }
        }
    }
}

#[test]
fn gsp_equilibrium_revenue_equals_vcg_per_auction() {
    // EOS: GSP at the lowest envy-free equilibrium = VCG truthful, auction by auction (common
    // random numbers), with and without reserve, with fewer and more bidders than slots + 1.
    // And both equal Myerson's expected revenue Σ_k α_k E[φ(v_(k)) 1{v_(k) ≥ r}].
    let ctrs = [0.3, 0.2, 0.1];
    for (n, r, d) in [
        (5usize, 0.0, U01),
        (5, 0.3, U01),
        (3, 0.2, U01),
        (6, 0.5, ValueDist::Exponential { rate: 2.0 }),
    ] {
        let g = mc(Format::Gsp, Bidding::Equilibrium, n, d, &ctrs, r, 50_000);
        let v = mc(Format::Vcg, Bidding::Truthful, n, d, &ctrs, r, 50_000);
        let mut lg = MonteCarloLab::new(g.clone()).unwrap();
        let mut lv = MonteCarloLab::new(v.clone()).unwrap();
        for t in 0..20_000 {
            let a = lg.auction(t);
            let b = lv.auction(t);
            assert_eq!(lg.winners(), lv.winners(), "t {t}");
            assert!(
                (a.revenue - b.revenue).abs() < 1e-12 * (1.0 + b.revenue),
                "t {t}"
            );
        }
        let rg = run(&g);
        let rv = run(&v);
        assert!((rg.revenue_per_auction - rv.revenue_per_auction).abs() < 1e-9);
        let theory = rv.revenue_theory.unwrap();
        assert!((rv.revenue_per_auction - theory).abs() < 4.0 * rv.revenue_se);
        // Truthful GSP earns more than VCG (same bids).
        let rt = run(&mc(Format::Gsp, Bidding::Truthful, n, d, &ctrs, r, 50_000));
        assert!(rt.revenue_per_auction > rv.revenue_per_auction);
        assert!(rt.revenue_theory.is_none());
    }
}

#[test]
fn squashing_one_maximises_welfare_and_zero_ranks_by_bid() {
    // Lahaie & Pennock (2007): with separable CTRs (CTR = e·α_k) ranking by b·e^q, q = 1 ranks by
    // expected value and maximises welfare Σ α_k e_k v_k (rearrangement inequality) — instance by
    // instance, hence on average; q = 0 ranks by bid alone. GSP price per click for slot k is
    // score_{k+1}/e_k^q.
    let grid = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0];
    let mut total = [0.0; 8];
    let mut g = rng::stream(14, Purpose::Lab, 4, 0);
    for case in 0..500 {
        let n = 2 + g.index(7);
        let k = 1 + g.index(4);
        let bidders: Vec<ExplicitBidder> = (0..n)
            .map(|_| ExplicitBidder {
                bid: Some(g.uniform_range(0.1, 10.0)),
                value: None,
                quality: g.uniform_range(0.02, 1.0),
            })
            .collect();
        let mut ctrs: Vec<f64> = (0..k).map(|_| g.uniform_range(0.05, 1.0)).collect();
        ctrs.sort_by(|a, b| b.total_cmp(a));
        let mut welfare = [0.0; 8];
        for (i, &q) in grid.iter().enumerate() {
            let rep = run_explicit(&ExplicitConfig {
                format: Format::Gsp,
                bidding: Bidding::Truthful,
                bidders: bidders.clone(),
                slot_ctrs: ctrs.clone(),
                squashing: q,
                reserve: 0.0,
            })
            .unwrap();
            welfare[i] = rep.welfare;
            total[i] += rep.welfare;
            // GSP price per click = next score / own e^q.
            let score = |j: usize| bidders[j].bid.unwrap() * bidders[j].quality.powf(q);
            let mut ranked: Vec<usize> = (0..n).collect();
            ranked.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));
            assert_eq!(
                rep.allocation,
                ranked[..k.min(n)].to_vec(),
                "case {case} q {q}"
            );
            for (slot, &i_win) in rep.allocation.iter().enumerate() {
                let want = if slot + 1 < n {
                    score(ranked[slot + 1]) / bidders[i_win].quality.powf(q)
                } else {
                    0.0
                };
                let got = rep.slot_price_per_click[slot];
                assert!(
                    (got - want).abs() < 1e-9 * (1.0 + want),
                    "case {case} q {q}"
                );
            }
            if q == 0.0 {
                let mut by_bid: Vec<usize> = (0..n).collect();
                by_bid.sort_by(|&a, &b| {
                    bidders[b]
                        .bid
                        .unwrap()
                        .total_cmp(&bidders[a].bid.unwrap())
                        .then(a.cmp(&b))
                });
                assert_eq!(rep.allocation, by_bid[..k.min(n)].to_vec());
            }
        }
        for w in welfare {
            assert!(
                welfare[4] >= w - 1e-12,
                "case {case}: q = 1 not optimal {welfare:?}"
            );
        }
    }
    let best = (0..grid.len())
        .max_by(|&a, &b| total[a].total_cmp(&total[b]))
        .unwrap();
    assert_eq!(grid[best], 1.0, "{total:?}");
    assert!(total[4] > total[0], "q = 1 strictly beats q = 0 on average");
}

#[test]
fn monte_carlo_is_deterministic_with_common_random_numbers() {
    // Same seed, same values auction by auction whatever the mechanism; same report twice.
    let a = mc(
        Format::Gsp,
        Bidding::Truthful,
        4,
        U01,
        &[0.5, 0.2],
        0.1,
        5_000,
    );
    let b = mc(
        Format::FirstPrice,
        Bidding::Truthful,
        4,
        U01,
        &[0.5, 0.2],
        0.4,
        5_000,
    );
    assert_eq!(run(&a), run(&a));
    let mut la = MonteCarloLab::new(a).unwrap();
    let mut lb = MonteCarloLab::new(b).unwrap();
    for t in [0u64, 1, 17, 4_999] {
        la.auction(t);
        lb.auction(t);
        assert_eq!(la.values(), lb.values());
    }
    // First price truthful: the winner pays its value, so revenue = welfare.
    let r = run(&mc(
        Format::FirstPrice,
        Bidding::Truthful,
        4,
        U01,
        &[0.5, 0.2],
        0.1,
        5_000,
    ));
    assert!((r.revenue_per_auction - r.welfare_per_auction).abs() < 1e-12);
}

#[test]
fn unsold_slots_report_null_prices() {
    // A reserve above every value: nothing sells; prices per click are null (None).
    let r = run(&second_price(3, U01, 1.5, 1_000));
    assert_eq!(r.sale_rate, 0.0);
    assert_eq!(r.revenue_per_auction, 0.0);
    assert_eq!(r.slot_price_per_click, vec![None]);
    assert_eq!(r.revenue_theory, Some(0.0));
}

#[test]
fn gsp_equilibrium_with_equal_adjacent_ctrs_is_efficient_and_equals_vcg() {
    // With α_{k−1} = α_k the EOS recursion gives b_k = b_{k+1}: bids tie (and at the bottom,
    // with nobody below and no reserve, they are 0). The bids are an equilibrium under the tie
    // rule that favours the higher value, which the lab applies: the allocation is efficient and
    // payments equal VCG's, explicit and Monte Carlo alike.
    let mut g = rng::stream(21, Purpose::Lab, 5, 0);
    for case in 0..300 {
        let n = 2 + g.index(6);
        let k = 2 + g.index(4);
        let mut a: Vec<f64> = (0..k).map(|_| g.uniform_range(0.05, 1.0)).collect();
        a.sort_by(|x, y| y.total_cmp(x));
        // Make one or more adjacent pairs equal.
        for j in 1..k {
            if g.bernoulli(0.5) {
                a[j] = a[j - 1];
            }
        }
        let values: Vec<f64> = (0..n).map(|_| g.uniform_range(0.0, 1.0)).collect();
        let reserve = if g.bernoulli(0.5) { 0.0 } else { 0.2 };
        let eq = ExplicitConfig {
            bidding: Bidding::Equilibrium,
            bidders: values
                .iter()
                .map(|&v| ExplicitBidder {
                    bid: None,
                    value: Some(v),
                    quality: 1.0,
                })
                .collect(),
            ..explicit(Format::Gsp, &values, &a, reserve)
        };
        let gsp = run_explicit(&eq).unwrap();
        let vcg = run_explicit(&explicit(Format::Vcg, &values, &a, reserve)).unwrap();
        assert_eq!(
            gsp.allocation, vcg.allocation,
            "case {case}: {values:?} {a:?}"
        );
        assert!((gsp.welfare - vcg.welfare).abs() < 1e-12, "case {case}");
        for (x, y) in gsp.slot_payment.iter().zip(&vcg.slot_payment) {
            assert!((x - y).abs() < 1e-9, "case {case}: {x} vs {y}");
        }
        // No bidder gains by taking another slot at the price it would pay there.
        let bids = gsp.bids.as_ref().unwrap();
        let mut order: Vec<usize> = gsp.allocation.clone();
        let mut rest: Vec<usize> = (0..n).filter(|i| !order.contains(i)).collect();
        rest.sort_by(|&x, &y| values[y].total_cmp(&values[x]));
        order.extend(rest);
        let v: Vec<f64> = order.iter().map(|&i| values[i]).collect();
        let b: Vec<f64> = order.iter().map(|&i| bids[i]).collect();
        assert_eq!(
            gsp_nash_violation(&v, &b, &a, gsp.allocation.len(), reserve),
            None,
            "case {case}: values {v:?} bids {b:?} ctrs {a:?}"
        );
    }
    // Monte Carlo: every slot sells, welfare and revenue match the efficient theory.
    for (n, ctrs) in [(3usize, vec![0.5, 0.5, 0.5]), (4, vec![1.0, 0.5, 0.5])] {
        let cfg = mc(
            Format::Gsp,
            Bidding::Equilibrium,
            n,
            U01,
            &ctrs,
            0.0,
            40_000,
        );
        let r = run(&cfg);
        assert!(
            r.slot_sale_rate.iter().all(|&s| s == 1.0),
            "{:?}",
            r.slot_sale_rate
        );
        let wt = r.welfare_theory.unwrap();
        assert!(
            (r.welfare_per_auction - wt).abs() < 4.0 * r.welfare_se,
            "n {n}"
        );
        let rt = r.revenue_theory.unwrap();
        assert!(
            (r.revenue_per_auction - rt).abs() <= 4.0 * r.revenue_se + 1e-12,
            "n {n}"
        );
        let mut lg = MonteCarloLab::new(cfg.clone()).unwrap();
        let mut lv = MonteCarloLab::new(MonteCarloConfig {
            format: Format::Vcg,
            bidding: Bidding::Truthful,
            ..cfg
        })
        .unwrap();
        for t in 0..5_000 {
            let x = lg.auction(t);
            let y = lv.auction(t);
            assert_eq!(lg.winners(), lv.winners(), "t {t}");
            assert!((x.revenue - y.revenue).abs() < 1e-12, "t {t}");
        }
    }
}

#[test]
fn revenue_theory_counts_the_payoff_of_the_lowest_type() {
    // Uniform[2, 5], reserve below the support: when every bidder wins a slot, the lowest type
    // keeps α_n (v_min − r), so revenue = Σ α_k E[φ(v_(k))] − n·α_n (v_min − r).
    let u25 = ValueDist::Uniform {
        low: 2.0,
        high: 5.0,
    };
    // n = 2, α = (1, 0.5), r = 0: slot 1 pays α₂·v_(2)/α₁... per click 0.5·v_(2); slot 2 pays 0.
    // Revenue = 0.5·E[min] = 0.5·3 = 1.5.
    let cases: [(Format, Bidding, usize, Vec<f64>, f64, f64); 5] = [
        (Format::Vcg, Bidding::Truthful, 2, vec![1.0, 0.5], 0.0, 1.5),
        (
            Format::Gsp,
            Bidding::Equilibrium,
            2,
            vec![1.0, 0.5],
            0.0,
            1.5,
        ),
        // One bidder pays the reserve, whatever its value.
        (Format::Vcg, Bidding::Truthful, 1, vec![1.0], 1.0, 1.0),
        (
            Format::FirstPrice,
            Bidding::Equilibrium,
            1,
            vec![1.0],
            1.0,
            1.0,
        ),
        // More bidders than slots: no correction; second price = E[v_(2)] of 3 = 2 + 3·2/4.
        (Format::Gsp, Bidding::Truthful, 3, vec![1.0], 0.0, 3.5),
    ];
    for (format, bidding, n, ctrs, r, want) in cases {
        let rep = run(&mc(format, bidding, n, u25, &ctrs, r, 40_000));
        let theory = rep.revenue_theory.unwrap();
        assert!(
            (theory - want).abs() < 1e-9,
            "{format:?} n {n}: theory {theory} vs {want}"
        );
        assert!(
            (rep.revenue_per_auction - want).abs() <= 4.0 * rep.revenue_se + 1e-12,
            "{format:?} n {n}: {} ± {} vs {want}",
            rep.revenue_per_auction,
            rep.revenue_se
        );
    }
}

/// A profitable unilateral deviation in GSP (quality 1), if any: `(bidder rank, slot, gain)`.
/// Bidders are listed in allocation order (`sold` winners first, then the rest); a bidder that
/// moves up to slot `j` must outbid its occupant and pays `max(b_j, r)` (an empty slot: `r`);
/// one that moves down to slot `j` pays the bid below it there, `max(b_{j+1}, r)`.
fn gsp_nash_violation(
    v: &[f64],
    b: &[f64],
    ctrs: &[f64],
    sold: usize,
    r: f64,
) -> Option<(usize, usize, f64)> {
    let bid = |j: usize| b.get(j).copied().unwrap_or(0.0).max(r);
    let payoff_now = |i: usize| {
        if i < sold {
            ctrs[i] * (v[i] - bid(i + 1))
        } else {
            0.0
        }
    };
    for (i, &vi) in v.iter().enumerate() {
        for (j, &aj) in ctrs.iter().enumerate() {
            if j == i && i < sold {
                continue;
            }
            let price = if j <= i {
                if j < sold {
                    bid(j)
                } else {
                    r
                }
            } else {
                bid(j + 1)
            };
            let gain = aj * (vi - price) - payoff_now(i);
            if gain > 1e-9 {
                return Some((i, j, gain));
            }
        }
    }
    None
}

#[test]
fn explicit_gsp_reports_profitable_deviations() {
    let bidder = |v: f64, e: f64| ExplicitBidder {
        bid: None,
        value: Some(v),
        quality: e,
    };
    // Truthful GSP is not an equilibrium: values 1, .6, .3 and α = (.5, .3). The top bidder
    // earns .5·(1 − .6) = .20 in slot 1, but .3·(1 − .3) = .21 by bidding just above .3 for
    // slot 2: a gain of .01.
    let truthful = ExplicitConfig {
        bidders: vec![bidder(1.0, 1.0), bidder(0.6, 1.0), bidder(0.3, 1.0)],
        ..explicit(Format::Gsp, &[1.0, 0.6, 0.3], &[0.5, 0.3], 0.0)
    };
    let rep = run_explicit(&truthful).unwrap();
    let check = rep.nash_check.unwrap();
    assert!(!check.nash);
    let d = check.deviation.unwrap();
    assert_eq!((d.bidder, d.slot), (0, Some(1)));
    assert!(
        (d.bid - 0.3).abs() < 1e-12 && (d.gain - 0.01).abs() < 1e-12,
        "{d:?}"
    );
    // The EOS bids of the same auction are an equilibrium.
    let eq = ExplicitConfig {
        bidding: Bidding::Equilibrium,
        ..truthful.clone()
    };
    assert_eq!(
        run_explicit(&eq).unwrap().nash_check.unwrap(),
        sandbox::core::lab::NashCheck {
            nash: true,
            deviation: None
        }
    );
    // VCG prices are not GSP's: no check.
    let vcg = ExplicitConfig {
        format: Format::Vcg,
        ..truthful
    };
    assert!(run_explicit(&vcg).unwrap().nash_check.is_none());

    // Without a reserve the EOS bids in score space are an equilibrium for any qualities and q.
    let mut g = rng::stream(33, Purpose::Lab, 7, 0);
    for case in 0..300 {
        let n = 2 + g.index(6);
        let k = 1 + g.index(4);
        let mut a: Vec<f64> = (0..k).map(|_| g.uniform_range(0.05, 1.0)).collect();
        a.sort_by(|x, y| y.total_cmp(x));
        let q = [0.0, 0.5, 1.0, 2.0][g.index(4)];
        let cfg = ExplicitConfig {
            format: Format::Gsp,
            bidding: Bidding::Equilibrium,
            bidders: (0..n)
                .map(|_| bidder(g.uniform_range(0.0, 2.0), g.uniform_range(0.1, 1.0)))
                .collect(),
            slot_ctrs: a,
            squashing: q,
            reserve: 0.0,
        };
        let check = run_explicit(&cfg).unwrap().nash_check.unwrap();
        assert!(check.nash, "case {case}: {check:?} {cfg:?}");
    }

    // With a reserve and unequal quality^q, per-bidder reserves in score space can make the
    // recursion's bids fail: values .978/.679, qualities .6/.687, q = 2, r = .2. Bidder 0
    // earns .6·1·(.978 − p₁) in slot 1, and more, .6·.6·(.978 − .2), in slot 2 at the reserve.
    let cfg = ExplicitConfig {
        format: Format::Gsp,
        bidding: Bidding::Equilibrium,
        bidders: vec![bidder(0.978, 0.6), bidder(0.679, 0.687)],
        slot_ctrs: vec![1.0, 0.6, 0.3, 0.25, 0.2],
        squashing: 2.0,
        reserve: 0.2,
    };
    let rep = run_explicit(&cfg).unwrap();
    let check = rep.nash_check.unwrap();
    let d = check.deviation.unwrap();
    assert!(!check.nash);
    assert_eq!((d.bidder, d.slot), (0, Some(1)));
    let now = 0.6 * 1.0 * (0.978 - rep.slot_price_per_click[0]);
    let there = 0.6 * 0.6 * (0.978 - 0.2);
    assert!((d.gain - (there - now)).abs() < 1e-12, "{d:?}");
}
