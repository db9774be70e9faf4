//! In headless Chromium: the mechanism lab's fast Monte Carlo kernel, as wasm runs it (compiled
//! with `simd128`, two lanes at a time), gives bit for bit the reports of the general
//! per-auction path (`auction::price`, plain scalar code), which natively equal the fast
//! kernel's too (`tests/auction_lab_runs.rs`): the browser's lab numbers are the CLI's.
#![cfg(target_arch = "wasm32")]

use sandbox::core::auction::Format;
use sandbox::core::lab::dist::ValueDist;
use sandbox::core::lab::{run_monte_carlo_formats, Bidding, MonteCarloConfig, RunOptions};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const U01: ValueDist = ValueDist::Uniform {
    low: 0.0,
    high: 1.0,
};

fn cfg(
    n: usize,
    values: ValueDist,
    slot_ctrs: &[f64],
    reserve: f64,
    auctions: u64,
) -> MonteCarloConfig {
    MonteCarloConfig {
        format: Format::Gsp,
        bidding: Bidding::Truthful,
        bidders: n,
        values,
        slot_ctrs: slot_ctrs.to_vec(),
        reserve,
        auctions,
        seed: 11,
    }
}

#[wasm_bindgen_test]
fn the_wasm_fast_kernel_prices_like_the_general_path() {
    let all = [Format::Gsp, Format::Vcg, Format::FirstPrice];
    let cases = [
        // The benchmark's case: 10 uniform bidders, 3 slots; several blocks, the last partial.
        cfg(10, U01, &[1.0, 0.6, 0.3], 0.0, 5_001),
        // Equal adjacent CTRs and a reserve; a last block ending in lane 2.
        cfg(4, U01, &[0.5, 0.5, 0.2], 0.4, 3_002),
        cfg(
            7,
            ValueDist::Exponential { rate: 2.0 },
            &[0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3],
            0.3,
            2_051,
        ),
        // Fewer auctions than lanes.
        cfg(3, U01, &[1.0, 0.5], 0.1, 3),
    ];
    for c in cases {
        let fast = run_monte_carlo_formats(&c, &all, RunOptions::default()).unwrap();
        let general = run_monte_carlo_formats(
            &c,
            &all,
            RunOptions {
                general_path: true,
                ..RunOptions::default()
            },
        )
        .unwrap();
        assert_eq!(fast, general, "{c:?}");
        for (f, g) in fast.iter().zip(&general) {
            assert_eq!(f.revenue_se.to_bits(), g.revenue_se.to_bits(), "{c:?}");
            assert_eq!(f.welfare_se.to_bits(), g.welfare_se.to_bits(), "{c:?}");
        }
    }
}
