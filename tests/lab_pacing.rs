//! Pacing equilibria of explicit markets (`core::lab::pacing`): the first-price pacing
//! equilibrium meets its conditions on random markets, equals hand-solved markets, and minimises
//! the Eisenberg–Gale-type dual better than every point of a fine grid (brute force).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::lab::pacing::{
    check_fppe, check_sppe, eg_dual_objective, first_price_pacing, first_price_pacing_reference,
    second_price_pacing, Market, PacingOutcome, SppeStart, SPPE_MAX_SWEEPS,
};
use sandbox::core::rng::{self, Purpose, Random};

/// Tolerance of the equilibrium conditions (relative, see `check_fppe`).
const TOL: f64 = 1e-9;

fn market(values: &[&[f64]], budgets: &[f64]) -> Market {
    Market::new(
        values.iter().map(|r| r.to_vec()).collect(),
        budgets.to_vec(),
    )
    .expect("valid")
}

fn solve(m: &Market) -> PacingOutcome {
    let out = first_price_pacing(m).expect("the solver converges");
    let problems = check_fppe(m, &out, TOL);
    assert!(problems.is_empty(), "{problems:#?}");
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn assert_all_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w), "{what}: got {got:?}, want {want:?}");
    }
}

/// A random market: values uniform on [0, 1) with a share of exact zeros, and (when `ties`)
/// values drawn from a few levels so that paced bids tie.
fn random_market(seed: u64, n: usize, m: usize, ties: bool, budget_scale: f64) -> Market {
    let mut g = rng::stream(seed, Purpose::Lab, n as u64, m as u64);
    let values = (0..n)
        .map(|_| {
            (0..m)
                .map(|_| {
                    if g.bernoulli(0.2) {
                        0.0
                    } else if ties {
                        (1 + g.index(4)) as f64 / 4.0
                    } else {
                        g.uniform_range(0.0, 1.0)
                    }
                })
                .collect()
        })
        .collect();
    let budgets = (0..n)
        .map(|_| budget_scale * g.uniform_range(0.0, 1.0) * m as f64 / n as f64)
        .collect();
    Market::new(values, budgets).expect("valid")
}

#[test]
fn hand_solved_two_by_two_markets() {
    // Each bidder prefers its own good. Guess: bidder 0 buys good 0 only, at 3α₀ = B₀ = 1, so
    // α₀ = 1/3; bidder 1 buys good 1 only, at 2α₁ = 1, so α₁ = 1/2. Check: good 0's paced bids
    // are 1 and 1/2, good 1's are 1/3 and 1, so each bidder wins its good at price 1, spends
    // its budget and paces below 1: the equilibrium.
    let m = market(&[&[3.0, 1.0], &[1.0, 2.0]], &[1.0, 1.0]);
    let out = solve(&m);
    assert_all_close(&out.multipliers, &[1.0 / 3.0, 0.5], "multipliers");
    assert_all_close(&out.prices, &[1.0, 1.0], "prices");
    assert_all_close(&out.allocation[0], &[1.0, 0.0], "allocation[0]");
    assert_all_close(&out.allocation[1], &[0.0, 1.0], "allocation[1]");

    // A split good. Bidder 0 values both goods at 2 with budget 1; bidder 1 values only good 0,
    // at 2, with budget 1/2. Both pace to the same a and tie on good 0; bidder 0 alone bids on
    // good 1. Prices 2a and 2a; both budgets spent: 4a = 1.5, a = 3/8, prices 3/4. Bidder 1
    // spends 1/2 = (2/3)·(3/4): it gets 2/3 of good 0; bidder 0 gets the other 1/3 and good 1,
    // spending 1/4 + 3/4 = 1.
    let m = market(&[&[2.0, 2.0], &[2.0, 0.0]], &[1.0, 0.5]);
    let out = solve(&m);
    assert_all_close(&out.multipliers, &[0.375, 0.375], "multipliers");
    assert_all_close(&out.prices, &[0.75, 0.75], "prices");
    assert_all_close(&out.allocation[0], &[1.0 / 3.0, 1.0], "allocation[0]");
    assert_all_close(&out.allocation[1], &[2.0 / 3.0, 0.0], "allocation[1]");
    assert_all_close(&out.spend, &[1.0, 0.5], "spend");
    assert!(close(out.revenue, 1.5));
}

#[test]
fn random_markets_meet_the_conditions() {
    for (seed, n, m, ties) in [
        (1, 2, 3, false),
        (2, 3, 5, true),
        (3, 5, 20, false),
        (4, 10, 40, true),
        (5, 30, 100, false),
        (6, 40, 200, true),
        (7, 100, 100, false),
    ] {
        for scale in [0.05, 0.5, 2.0] {
            let mk = random_market(seed, n, m, ties, scale);
            let out = solve(&mk);
            // Revenue is the total spend and the total price of the goods sold.
            let spend: f64 = out.spend.iter().sum();
            let sold: f64 = out.prices.iter().sum();
            assert!(close(out.revenue, spend) && close(out.revenue, sold));
        }
    }
}

#[test]
fn huge_budgets_mean_no_pacing_and_prices_at_the_highest_value() {
    let mk = random_market(8, 6, 30, true, 1e6);
    let out = solve(&mk);
    assert!(out.multipliers.iter().all(|&a| a == 1.0));
    for j in 0..mk.goods() {
        let top = (0..mk.bidders())
            .map(|i| mk.values()[i][j])
            .fold(0.0, f64::max);
        assert_eq!(out.prices[j], top);
    }
}

#[test]
fn zero_values_and_zero_budgets() {
    // Good 2 nobody values: price 0, not allocated. Bidder 2 values nothing: unpaced, spends 0.
    // Bidder 1 has no budget: its multiplier is 0 and it wins nothing with a positive price.
    let mk = market(
        &[&[1.0, 2.0, 0.0], &[3.0, 0.0, 0.0], &[0.0, 0.0, 0.0]],
        &[1.0, 0.0, 5.0],
    );
    let out = solve(&mk);
    assert_eq!(out.prices[2], 0.0);
    assert!(out.allocation.iter().all(|row| row[2] == 0.0));
    assert_eq!(out.multipliers[2], 1.0);
    assert_eq!(out.spend[2], 0.0);
    assert_eq!(out.multipliers[1], 0.0);
    assert_eq!(out.spend[1], 0.0);
    // Bidder 0 alone bids: it buys goods 0 and 1 at α₀·1 + α₀·2 = 1, α₀ = 1/3.
    assert!(close(out.multipliers[0], 1.0 / 3.0));
}

/// Brute force over the Eisenberg–Gale-type dual: on a grid of step `h` over `(0, 1]ⁿ`, no point
/// has a lower `F` than the computed multipliers, and the grid's best point is within the
/// distance that `F`'s strong convexity allows. `F(β) − F(β*) ≥ (B_min/2)|β − β*|²` (the
/// log terms have curvature `B_i/β_i² ≥ B_i`), and the grid point next to `β*` is within
/// `h√n` of it, where `F` rises at most `L·h√n` with `L` the gradient bound
/// `√Σ_i (Σ_j v_ij + B_i/(β*_i − h))²`; so the grid's best point `ĝ` has
/// `|ĝ − β*|² ≤ 2 L h √n / B_min`.
#[test]
fn brute_force_over_the_dual_agrees_on_tiny_markets() {
    let mut g = rng::stream(21, Purpose::Lab, 7, 0);
    for case in 0..12 {
        let (n, m, steps) = match case % 3 {
            0 => (2, 2, 800),
            1 => (2, 3, 800),
            _ => (3, 2, 120),
        };
        let values: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..m).map(|_| g.uniform_range(0.1, 1.0)).collect())
            .collect();
        let budgets: Vec<f64> = (0..n).map(|_| g.uniform_range(0.1, 1.0)).collect();
        let mk = Market::new(values.clone(), budgets.clone()).expect("valid");
        let out = solve(&mk);
        let ours = eg_dual_objective(&mk, &out.multipliers);
        let h = 1.0 / steps as f64;
        let mut best = (f64::INFINITY, vec![0.0; n]);
        let mut point = vec![0usize; n];
        loop {
            let beta: Vec<f64> = point.iter().map(|&k| (k + 1) as f64 * h).collect();
            let f = eg_dual_objective(&mk, &beta);
            assert!(
                f >= ours - 1e-12 * (1.0 + ours.abs()),
                "case {case}: grid point {beta:?} has F = {f} below the equilibrium's {ours}"
            );
            if f < best.0 {
                best = (f, beta);
            }
            // Next grid point (odometer).
            let mut d = 0;
            while d < n {
                point[d] += 1;
                if point[d] < steps {
                    break;
                }
                point[d] = 0;
                d += 1;
            }
            if d == n {
                break;
            }
        }
        let lip: f64 = (0..n)
            .map(|i| {
                let v: f64 = values[i].iter().sum();
                (v + budgets[i] / (out.multipliers[i] - h)).powi(2)
            })
            .sum::<f64>()
            .sqrt();
        let b_min = budgets.iter().cloned().fold(f64::INFINITY, f64::min);
        let bound = (2.0 * lip * h * (n as f64).sqrt() / b_min).sqrt();
        let dist = best
            .1
            .iter()
            .zip(&out.multipliers)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!(
            dist <= bound,
            "case {case}: grid optimum {:?} is {dist} from {:?} (bound {bound})",
            best.1,
            out.multipliers
        );
    }
}

/// The warm-started solver (proportional response, repair, ascending rounds) equals the plain
/// ascending algorithm from the safe start on many seeded markets, with and without ties, zero
/// values and zero budgets: multipliers, prices and revenue to 1e-9 (these are unique; a tied
/// good's split need not be).
#[test]
fn the_warm_start_equals_the_reference_algorithm() {
    for seed in 0..40u64 {
        let (n, m) = [(2, 3), (4, 9), (8, 30), (15, 60), (25, 120)][(seed % 5) as usize];
        let ties = seed % 2 == 0;
        let scale = [0.05, 0.5, 2.0, 20.0][(seed / 5 % 4) as usize];
        let mut mk = random_market(100 + seed, n, m, ties, scale);
        if seed % 3 == 0 {
            // A bidder without budget and one that values nothing.
            let mut values = mk.values().to_vec();
            let mut budgets = mk.budgets().to_vec();
            budgets[0] = 0.0;
            values[n - 1] = vec![0.0; m];
            mk = Market::new(values, budgets).expect("valid");
        }
        let fast = solve(&mk);
        let reference = first_price_pacing_reference(&mk).expect("the reference converges");
        assert!(check_fppe(&mk, &reference, TOL).is_empty(), "seed {seed}");
        assert_all_close(&fast.multipliers, &reference.multipliers, "multipliers");
        assert_all_close(&fast.prices, &reference.prices, "prices");
        assert!(
            close(fast.revenue, reference.revenue),
            "seed {seed}: revenue"
        );
    }
}

/// The largest accepted market (200 bidders × 2 000 goods) is solved and meets the conditions.
/// Release only (`cargo test --release --test lab_pacing release_only`): a debug build takes
/// minutes. No timing assertion.
#[test]
#[cfg(not(debug_assertions))]
fn release_only_the_largest_market_meets_the_conditions() {
    for (seed, ties) in [(31, false), (32, true)] {
        let mk = random_market(seed, 200, 2_000, ties, 0.5);
        let out = solve(&mk);
        assert!(out.multipliers.iter().any(|&a| a < 1.0));
    }
}

// ---- Second-price pacing equilibria (Conitzer, Kroer, Sodomka & Stier-Moses, OR 2022) ----

/// The SPPE found by the search, which must have converged and meet every condition.
fn solve_sppe(m: &Market) -> PacingOutcome {
    let run = second_price_pacing(m, SPPE_MAX_SWEEPS);
    let problems = check_sppe(m, &run.outcome, TOL);
    assert!(run.converged, "did not converge: {problems:#?}");
    assert!(problems.is_empty(), "{problems:#?}");
    run.outcome
}

#[test]
fn hand_solved_second_price_markets() {
    // One good each, budgets ample: nobody paces; each good costs the other bidder's value.
    // Bidder 0 wins good 0 at 1 (bidder 1's bid), bidder 1 wins good 1 at 1.
    let m = market(&[&[3.0, 1.0], &[1.0, 2.0]], &[1.0, 1.0]);
    let out = solve_sppe(&m);
    assert_all_close(&out.multipliers, &[1.0, 1.0], "multipliers");
    assert_all_close(&out.prices, &[1.0, 1.0], "prices");
    assert_all_close(&out.spend, &[1.0, 1.0], "spend");

    // A split good. Bidder 0 values both goods at 2 (budget 1), bidder 1 only good 0 at 2
    // (budget 1/2). If α₀ > α₁ bidder 1 wins nothing, so α₁ = 1 > α₀: impossible; if α₁ > α₀,
    // bidder 1 pays 2α₀ ≤ 1/2 and bidder 0 spends nothing, so α₀ = 1: impossible. So they tie at
    // a, good 0 costs 2a, and (a = 1 costs 2 > 1.5) both pace and spend their budgets: 2a = 1.5,
    // a = 3/4, bidder 1 holds 1/3 of good 0 and bidder 0 the other 2/3. Good 1 has one bid:
    // its second-highest paced bid is 0, bidder 0 gets it free. The unique SPPE.
    let m = market(&[&[2.0, 2.0], &[2.0, 0.0]], &[1.0, 0.5]);
    let out = solve_sppe(&m);
    assert_all_close(&out.multipliers, &[0.75, 0.75], "multipliers");
    assert_all_close(&out.prices, &[1.5, 0.0], "prices");
    assert_all_close(&out.allocation[0], &[2.0 / 3.0, 1.0], "allocation[0]");
    assert_all_close(&out.allocation[1], &[1.0 / 3.0, 0.0], "allocation[1]");
    assert_all_close(&out.spend, &[1.0, 0.5], "spend");
    assert!(close(out.revenue, 1.5));

    // One paced bidder against a rich one. Bidder 1 (values 2, 2, budget 10) can spend at most
    // 4, so α₁ = 1. Bidder 0 (values 4, 4, budget 1): above α₀ = 1/2 it wins both goods at 2
    // each (4 > 1), below it spends nothing; so α₀ = 1/2, tied on both goods at price 2,
    // bidder 0 spending 1 and bidder 1 the other 3.
    let m = market(&[&[4.0, 4.0], &[2.0, 2.0]], &[1.0, 10.0]);
    let out = solve_sppe(&m);
    assert_all_close(&out.multipliers, &[0.5, 1.0], "multipliers");
    assert_all_close(&out.prices, &[2.0, 2.0], "prices");
    assert_all_close(&out.spend, &[1.0, 3.0], "spend");

    // Second price charges less than first price: one good, values 2 and 1, ample budgets.
    let m = market(&[&[2.0], &[1.0]], &[10.0, 10.0]);
    let sp = solve_sppe(&m);
    let fp = solve(&m);
    assert!(close(sp.revenue, 1.0) && close(fp.revenue, 2.0));
}

/// The second-price conditions straight from the definition, with no code shared with
/// `check_sppe`: each price is the second entry of the good's sorted paced bids; shares go only
/// to bids equal to the highest; budgets; slackness. Plus the best-response property that makes
/// it an equilibrium, by perturbing each multiplier alone: a bidder with `α_i < 1` raised by a
/// relative `δ` would win outright goods costing more than its budget, and lowered by `δ` would
/// still afford what it then wins outright.
#[allow(clippy::needless_range_loop)] // bidder-by-good matrices read most plainly with indices
fn assert_sppe_from_the_definition(mk: &Market, out: &PacingOutcome, what: &str) {
    let n = mk.bidders();
    let m = mk.goods();
    let v = mk.values();
    let tol = 1e-8;
    let bids = |alpha: &[f64], j: usize| -> Vec<f64> {
        let mut b: Vec<f64> = (0..n).map(|i| alpha[i] * v[i][j]).collect();
        b.sort_by(|x, y| y.total_cmp(x));
        b
    };
    for j in 0..m {
        let b = bids(&out.multipliers, j);
        let second = if n > 1 { b[1] } else { 0.0 };
        assert!(
            (out.prices[j] - second).abs() <= tol * (1.0 + second),
            "{what}: good {j} price {} vs second-highest bid {second}",
            out.prices[j]
        );
        let mut sold = 0.0;
        for i in 0..n {
            let x = out.allocation[i][j];
            sold += x;
            if x > tol {
                assert!(
                    out.multipliers[i] * v[i][j] >= b[0] - tol * (1.0 + b[0]),
                    "{what}: good {j} goes to bidder {i} below the top bid"
                );
            }
        }
        if out.prices[j] > tol {
            assert!((sold - 1.0).abs() <= tol, "{what}: good {j} sold {sold}");
        }
    }
    for i in 0..n {
        let spend: f64 = (0..m).map(|j| out.allocation[i][j] * out.prices[j]).sum();
        let b = mk.budgets()[i];
        assert!(
            spend <= b + tol * (1.0 + b),
            "{what}: bidder {i} overspends"
        );
        if out.multipliers[i] < 1.0 - tol {
            assert!(
                spend >= b - tol * (1.0 + b),
                "{what}: bidder {i} paced, budget left"
            );
        }
        // Unilateral deviations: what bidder i wins outright (strictly above every other
        // paced bid) at α_i·(1 ± δ), at the others' paced bids.
        let outright = |a: f64| -> f64 {
            (0..m)
                .map(|j| {
                    let other = (0..n)
                        .filter(|&k| k != i)
                        .map(|k| out.multipliers[k] * v[k][j])
                        .fold(0.0f64, f64::max);
                    if a * v[i][j] > other {
                        other
                    } else {
                        0.0
                    }
                })
                .sum()
        };
        let delta = 1e-6;
        let a = out.multipliers[i];
        assert!(
            outright(a * (1.0 - delta)) <= b + tol * (1.0 + b),
            "{what}: bidder {i} cannot afford even a slightly lower multiplier"
        );
        if a < 1.0 - tol && a > 0.0 {
            assert!(
                outright((a * (1.0 + delta)).min(1.0)) > b - tol * (1.0 + b),
                "{what}: bidder {i} could raise its multiplier within budget"
            );
        }
    }
}

/// Found rates of the search on seeded random markets (values uniform with 20% zeros, budgets
/// at 0.05, 0.5 or 2 times the fair share, seeds 500–599; ties: values on four levels), and
/// every point found is an SPPE by the definition and the best-response property. Measured
/// when this test was written: 100% of 2 × 2, 100% of 2 × 3 with ties, 98% of 3 × 5 and 97% of
/// 8 × 12 (the best-response dynamics from `α = 1` alone: 93%, 69% and 45% on the untied
/// sizes); the thresholds leave a margin of a few markets.
#[test]
fn second_price_search_finds_equilibria_by_the_definition() {
    for (n, m, ties, min_found) in [
        (2, 2, false, 97),
        (2, 3, true, 95),
        (3, 5, false, 95),
        (8, 12, false, 90),
    ] {
        let mut found = 0;
        let mut beyond_first = 0;
        for seed in 0..100u64 {
            let scale = [0.05, 0.5, 2.0][(seed % 3) as usize];
            let mk = random_market(500 + seed, n, m, ties, scale);
            let run = second_price_pacing(&mk, SPPE_MAX_SWEEPS);
            let problems = check_sppe(&mk, &run.outcome, TOL);
            // `converged` is exactly "the check passes".
            assert_eq!(run.converged, problems.is_empty(), "{n}x{m} seed {seed}");
            assert!(run.sweeps <= SPPE_MAX_SWEEPS, "{n}x{m} seed {seed}");
            if run.converged {
                found += 1;
                beyond_first += usize::from(run.start != SppeStart::Ones || run.exact);
                assert_sppe_from_the_definition(&mk, &run.outcome, &format!("{n}x{m} {seed}"));
            }
        }
        assert!(found >= min_found, "{n}x{m}: only {found} of 100 found");
        if (n, m) == (8, 12) {
            // The later starts and the exact solves do part of the work (58 of the 97 when
            // this test was written).
            assert!(
                beyond_first >= 20,
                "8x12: {beyond_first} found beyond the first start"
            );
        }
    }
}

/// The search is deterministic: the same market gives the same run, to the bit, also when the
/// point comes from a seeded random start.
#[test]
fn second_price_search_is_deterministic() {
    let mut random_starts = 0;
    for seed in 0..30u64 {
        let mk = random_market(
            700 + seed,
            8,
            12,
            false,
            [0.05, 0.5, 2.0][(seed % 3) as usize],
        );
        let once = second_price_pacing(&mk, SPPE_MAX_SWEEPS);
        let again = second_price_pacing(&mk, SPPE_MAX_SWEEPS);
        random_starts += usize::from(once.start == SppeStart::Random);
        assert_eq!(
            serde_json::to_string(&once).expect("json"),
            serde_json::to_string(&again).expect("json"),
            "seed {seed}"
        );
    }
    assert!(random_starts >= 1, "no point came from a random start");
}

/// A larger market (20 × 60) where the dynamics from `α = 1` rarely settle: the search finds
/// SPPEs on some of them (23 of 100 seeded markets, 15 of another 100, when this test was
/// written, against 3 for the dynamics alone), each one checked from the definition.
#[test]
fn second_price_search_on_larger_markets() {
    let mut found = 0;
    for seed in 0..30u64 {
        let mk = random_market(
            500 + seed,
            20,
            60,
            false,
            [0.05, 0.5, 2.0][(seed % 3) as usize],
        );
        let run = second_price_pacing(&mk, SPPE_MAX_SWEEPS);
        if run.converged {
            found += 1;
            assert_sppe_from_the_definition(&mk, &run.outcome, &format!("20x60 {seed}"));
        }
    }
    assert!(found >= 3, "20x60: only {found} of 30 found");
}

/// Conitzer, Kroer, Panigrahi et al. (Management Science 2022): the FPPE's revenue is at least
/// that of any SPPE of the same market. Checked on every random market where an SPPE was found
/// (all 60 when this test was written).
#[test]
fn first_price_revenue_is_at_least_second_price_revenue() {
    let mut checked = 0;
    for seed in 0..60u64 {
        let (n, m) = [(2, 2), (2, 4), (3, 5), (4, 6)][(seed % 4) as usize];
        let scale = [0.05, 0.5, 2.0][(seed / 4 % 3) as usize];
        let mk = random_market(900 + seed, n, m, seed % 2 == 0, scale);
        let run = second_price_pacing(&mk, SPPE_MAX_SWEEPS);
        if !run.converged {
            continue;
        }
        checked += 1;
        let fp = solve(&mk);
        assert!(
            fp.revenue >= run.outcome.revenue - 1e-9 * (1.0 + fp.revenue),
            "seed {seed}: FPPE revenue {} below SPPE revenue {}",
            fp.revenue,
            run.outcome.revenue
        );
    }
    assert!(checked >= 55, "only {checked} markets had an SPPE found");
}

/// The checker catches a point that is not an SPPE: the FPPE of a market where a bidder wins
/// alone (its first price is not the second-highest bid).
#[test]
fn the_second_price_check_rejects_first_price_prices() {
    let m = market(&[&[2.0], &[1.0]], &[10.0, 10.0]);
    let fp = solve(&m);
    let problems = check_sppe(&m, &fp, TOL);
    assert!(!problems.is_empty());
}

mod cli {
    include!("cli_common.rs.inc");

    use serde_json::Value;

    #[test]
    fn prints_the_equilibrium_as_json() {
        let spec = r#"{"values": [[2, 2], [2, 0]], "budgets": [1, 0.5]}"#;
        let out = ok(&["pacing", "-"], Some(spec));
        let v: Value = serde_json::from_str(&out).expect("JSON");
        let keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "format",
            "multipliers",
            "prices",
            "allocation",
            "spend",
            "revenue",
            "conditions_hold",
        ] {
            assert!(keys.contains(&key), "{key} missing in {out}");
        }
        assert_eq!(v["format"], "first_price");
        assert_eq!(v["conditions_hold"], true);
        assert_eq!(v["multipliers"].as_array().expect("list").len(), 2);
        assert_eq!(v["allocation"][0].as_array().expect("list").len(), 2);
        assert!((v["revenue"].as_f64().expect("number") - 1.5).abs() < 1e-9);
        // Same input, same bytes; the explicit default format gives the same output.
        assert_eq!(out, ok(&["pacing", "-"], Some(spec)));
        let explicit =
            r#"{"values": [[2, 2], [2, 0]], "budgets": [1, 0.5], "format": "first_price"}"#;
        assert_eq!(out, ok(&["pacing", "-"], Some(explicit)));
    }

    #[test]
    fn bad_specs_exit_2_naming_the_field() {
        let many_bidders = format!(
            r#"{{"values": {}, "budgets": {}}}"#,
            serde_json::to_string(&vec![vec![1.0]; 201]).expect("json"),
            serde_json::to_string(&vec![1.0; 201]).expect("json")
        );
        let many_goods = format!(
            r#"{{"values": [{}], "budgets": [1]}}"#,
            serde_json::to_string(&vec![1.0; 2001]).expect("json")
        );
        for (spec, field) in [
            (
                r#"{"values": [[1, 2], [1]], "budgets": [1, 1]}"#,
                "values[1]",
            ),
            (r#"{"values": [[1, -2]], "budgets": [1]}"#, "values[0][1]"),
            (r#"{"values": [[1, 2]], "budgets": [-1]}"#, "budgets[0]"),
            (r#"{"values": [[1, 2]], "budgets": [1, 2]}"#, "budgets"),
            (r#"{"values": [[1, 2]]}"#, "budgets"),
            (r#"{"budgets": [1]}"#, "values"),
            (r#"{"values": "x", "budgets": [1]}"#, "values"),
            (
                r#"{"values": [[1]], "budgets": [1], "format": "gsp"}"#,
                "format",
            ),
            (r#"{"values": [[1]], "budgets": [1], "bids": []}"#, "bids"),
            (many_bidders.as_str(), "values"),
            (many_goods.as_str(), "values[0]"),
        ] {
            let message = err(&["pacing", "-"], Some(spec));
            assert!(
                message.contains(field),
                "{spec}: the message should name {field}: {message}"
            );
        }
        assert!(err(&["pacing"], None).contains("SPEC"));
        for (spec, field) in [
            (
                r#"{"values": [[1]], "budgets": [1], "max_sweeps": 5}"#,
                "max_sweeps",
            ),
            (
                r#"{"values": [[1]], "budgets": [1], "format": "second_price", "max_sweeps": 0}"#,
                "max_sweeps",
            ),
        ] {
            let message = err(&["pacing", "-"], Some(spec));
            assert!(message.contains(field), "{spec}: {message}");
        }
    }

    #[test]
    fn second_price_reports_the_conditions_and_the_method() {
        let spec = r#"{"values": [[2, 2], [2, 0]], "budgets": [1, 0.5], "format": "second_price"}"#;
        let out = ok(&["pacing", "-"], Some(spec));
        let v: Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(v["format"], "second_price");
        assert_eq!(v["verified"], true);
        assert_eq!(v["worst_violation"], Value::Null);
        for c in [
            "multipliers",
            "prices",
            "allocation",
            "spend",
            "budgets",
            "slackness",
        ] {
            assert_eq!(v["conditions"][c], true, "{c}");
        }
        assert_eq!(v["method"]["name"], "best_response");
        assert_eq!(v["method"]["converged"], true);
        // Found by the dynamics from α = 1 alone.
        assert_eq!(v["method"]["starts"], 1);
        assert_eq!(v["method"]["start"], "ones");
        assert_eq!(v["method"]["exact"], false);
        assert!((v["multipliers"][0].as_f64().expect("number") - 0.75).abs() < 1e-9);
        assert!((v["prices"][0].as_f64().expect("number") - 1.5).abs() < 1e-9);
    }

    /// The second-price search on 8 × 12 markets (some found from seeded random starts) prints
    /// the same bytes twice.
    #[test]
    fn second_price_output_is_byte_identical_on_repeat() {
        for seed in 0..6u64 {
            let mk = super::random_market(
                700 + seed,
                8,
                12,
                false,
                [0.05, 0.5, 2.0][(seed % 3) as usize],
            );
            let spec = serde_json::json!({
                "values": mk.values(),
                "budgets": mk.budgets(),
                "format": "second_price",
            })
            .to_string();
            let out = ok(&["pacing", "-"], Some(&spec));
            assert_eq!(out, ok(&["pacing", "-"], Some(&spec)), "seed {seed}");
        }
    }

    /// Dynamics stopped before they settle (a cap of one sweep on a market where the first
    /// sweep moves every multiplier): the report says so with exit status 0,
    /// `verified: false` and the worst violation.
    #[test]
    fn second_price_without_convergence_is_reported_not_hidden() {
        let values = [
            [0.9, 0.1, 0.6, 0.3],
            [0.2, 0.8, 0.5, 0.7],
            [0.7, 0.6, 0.1, 0.9],
        ];
        let spec = serde_json::json!({
            "values": values,
            "budgets": [0.2, 0.3, 0.25],
            "format": "second_price",
            "max_sweeps": 1,
        })
        .to_string();
        let out = ok(&["pacing", "-"], Some(&spec));
        let v: Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(v["method"]["converged"], false, "{out}");
        assert_eq!(v["verified"], false, "{out}");
        assert!(v["worst_violation"]["condition"].is_string(), "{out}");
        assert!(v["worst_violation"]["excess"].as_f64().expect("number") > 0.0);
    }
}
