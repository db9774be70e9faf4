//! Pacing equilibria of explicit markets (`core::lab::pacing`): the first-price pacing
//! equilibrium meets its conditions on random markets, equals hand-solved markets, and minimises
//! the Eisenberg–Gale-type dual better than every point of a fine grid (brute force).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::lab::pacing::{
    check_fppe, eg_dual_objective, first_price_pacing, Market, PacingOutcome,
};
use sandbox::core::rng::{self, Purpose, Random};

/// Tolerance of the equilibrium conditions (relative, see `check_fppe`).
const TOL: f64 = 1e-9;

fn market(values: &[&[f64]], budgets: &[f64]) -> Market {
    Market::new(values.iter().map(|r| r.to_vec()).collect(), budgets.to_vec()).expect("valid")
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
        (6, 50, 300, true),
        (7, 60, 600, false),
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
