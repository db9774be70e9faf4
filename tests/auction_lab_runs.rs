//! How the mechanism lab's Monte Carlo is run, not what it estimates: the fast kernel prices
//! exactly like the general path (auction by auction and whole reports, bit for bit), any number
//! of threads gives the same report, several formats priced together equal separate runs, and
//! replaying auctions one by one sees the run's values.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::auction::Format;
use sandbox::core::lab::blocks::fast_auction;
use sandbox::core::lab::dist::ValueDist;
use sandbox::core::lab::{
    run_monte_carlo, run_monte_carlo_formats, Bidding, MonteCarloConfig, MonteCarloLab, RunOptions,
};
use sandbox::core::rng::{self, Purpose, Random};

const U01: ValueDist = ValueDist::Uniform {
    low: 0.0,
    high: 1.0,
};

fn cfg(
    bidding: Bidding,
    n: usize,
    values: ValueDist,
    slot_ctrs: &[f64],
    reserve: f64,
    auctions: u64,
) -> MonteCarloConfig {
    MonteCarloConfig {
        format: Format::Gsp,
        bidding,
        bidders: n,
        values,
        slot_ctrs: slot_ctrs.to_vec(),
        reserve,
        auctions,
        seed: 11,
    }
}

fn options(threads: usize, general_path: bool) -> RunOptions {
    RunOptions {
        threads,
        general_path,
    }
}

const ALL: [Format; 3] = [Format::Gsp, Format::Vcg, Format::FirstPrice];

#[test]
fn fast_kernel_prices_like_the_general_path_auction_by_auction() {
    // Random values, with ties (values on a coarse grid), zeros and values below the reserve.
    let mut g = rng::stream(5, Purpose::Lab, 99, 0);
    for case in 0..3000 {
        let n = 1 + g.index(12);
        let slots = 1 + g.index(n.min(7));
        let mut ctrs: Vec<f64> = (0..slots).map(|_| 0.05 + 0.95 * g.uniform()).collect();
        ctrs.sort_by(|a, b| b.total_cmp(a));
        if case % 4 == 0 && slots > 1 {
            ctrs[1] = ctrs[0]; // equal adjacent CTRs
        }
        let reserve = [0.0, 0.25, 0.5, 2.0][g.index(4)];
        let values: Vec<f64> = (0..n)
            .map(|_| {
                if case % 2 == 0 {
                    (g.index(5) as f64) / 4.0
                } else {
                    g.uniform()
                }
            })
            .collect();
        for format in ALL {
            let c = MonteCarloConfig {
                format,
                ..cfg(Bidding::Truthful, n, U01, &ctrs, reserve, 1)
            };
            let mut lab = MonteCarloLab::new(c).unwrap();
            let out = lab.auction_on(&values);
            let (prices, revenue, welfare) =
                fast_auction(&values, &ctrs, reserve, format).expect("fast kernel applies");
            assert_eq!(
                prices,
                lab.prices(),
                "{format:?} {values:?} {ctrs:?} r {reserve}"
            );
            assert_eq!(
                revenue.to_bits(),
                out.revenue.to_bits(),
                "{format:?} {values:?}"
            );
            assert_eq!(
                welfare.to_bits(),
                out.welfare.to_bits(),
                "{format:?} {values:?}"
            );
            assert_eq!(prices.len(), out.slots_sold);
        }
    }
}

#[test]
fn fast_and_general_paths_give_the_same_report() {
    let cases = [
        // The headline case: 10 uniform bidders, 3 slots.
        cfg(Bidding::Truthful, 10, U01, &[1.0, 0.6, 0.3], 0.0, 5_000),
        cfg(Bidding::Truthful, 4, U01, &[0.5, 0.5, 0.2], 0.4, 3_001),
        cfg(
            Bidding::Truthful,
            3,
            ValueDist::Uniform {
                low: 1.0,
                high: 3.0,
            },
            &[0.9, 0.5, 0.4],
            0.5,
            2_500,
        ),
        cfg(
            Bidding::Truthful,
            7,
            ValueDist::Exponential { rate: 2.0 },
            &[0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3],
            0.3,
            2_049,
        ),
        cfg(Bidding::Truthful, 2, U01, &[1.0], 2.0, 1_000),
    ];
    for c in cases {
        let fast = run_monte_carlo_formats(&c, &ALL, options(1, false)).unwrap();
        let general = run_monte_carlo_formats(&c, &ALL, options(1, true)).unwrap();
        assert_eq!(fast, general, "{c:?}");
    }
    // VCG in equilibrium bids truthfully: the fast kernel applies and agrees too.
    let c = cfg(Bidding::Equilibrium, 6, U01, &[0.4, 0.2], 0.1, 3_000);
    let fast = run_monte_carlo_formats(&c, &[Format::Vcg], options(1, false)).unwrap();
    let general = run_monte_carlo_formats(&c, &[Format::Vcg], options(1, true)).unwrap();
    assert_eq!(fast, general);
}

#[test]
fn threads_do_not_change_the_report() {
    // Fast path (several blocks, the last one partial), general path (GSP equilibrium bids,
    // log-normal values, more slots than the kernel keeps).
    let cases = [
        (
            cfg(Bidding::Truthful, 10, U01, &[1.0, 0.6, 0.3], 0.0, 10_000),
            vec![Format::Gsp, Format::Vcg],
        ),
        (
            cfg(Bidding::Equilibrium, 5, U01, &[0.3, 0.2, 0.1], 0.2, 5_123),
            vec![Format::Gsp, Format::Vcg],
        ),
        (
            cfg(
                Bidding::Truthful,
                9,
                ValueDist::Lognormal {
                    mu: 0.0,
                    sigma: 0.5,
                },
                &[0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2],
                0.0,
                4_100,
            ),
            vec![Format::FirstPrice],
        ),
    ];
    for (c, formats) in cases {
        let one = run_monte_carlo_formats(&c, &formats, options(1, false)).unwrap();
        for threads in [2, 3, 7] {
            let many = run_monte_carlo_formats(&c, &formats, options(threads, false)).unwrap();
            assert_eq!(one, many, "{threads} threads, {c:?}");
            for (a, b) in one.iter().zip(&many) {
                assert_eq!(
                    a.revenue_per_auction.to_bits(),
                    b.revenue_per_auction.to_bits()
                );
                assert_eq!(a.revenue_se.to_bits(), b.revenue_se.to_bits());
            }
        }
    }
}

#[test]
fn formats_priced_together_equal_separate_runs() {
    for bidding in [Bidding::Truthful, Bidding::Equilibrium] {
        let c = cfg(bidding, 6, U01, &[0.5, 0.3], 0.1, 4_000);
        let formats = [Format::Gsp, Format::Vcg];
        let together = run_monte_carlo_formats(&c, &formats, options(1, false)).unwrap();
        for (f, report) in formats.iter().zip(&together) {
            let alone = run_monte_carlo(&MonteCarloConfig {
                format: *f,
                ..c.clone()
            })
            .unwrap();
            assert_eq!(report, &alone, "{bidding:?} {f:?}");
        }
    }
    // A format listed twice, or an invalid one for the configuration, is an error naming it.
    let c = cfg(Bidding::Equilibrium, 3, U01, &[0.5, 0.3], 0.0, 10);
    let e = run_monte_carlo_formats(&c, &[Format::Gsp, Format::Gsp], RunOptions::default())
        .unwrap_err();
    assert_eq!(e.field, "format[1]");
    let e = run_monte_carlo_formats(&c, &[Format::FirstPrice], RunOptions::default()).unwrap_err();
    assert_eq!(e.field, "bidding");
}

#[test]
fn replayed_auctions_see_the_runs_values() {
    // Replaying every auction in order, and some out of order, gives the run's figures.
    let c = MonteCarloConfig {
        format: Format::Vcg,
        ..cfg(Bidding::Truthful, 5, U01, &[0.6, 0.3], 0.2, 3_000)
    };
    let report = run_monte_carlo(&c).unwrap();
    let mut lab = MonteCarloLab::new(c.clone()).unwrap();
    let revenue: Vec<f64> = (0..c.auctions).map(|t| lab.auction(t).revenue).collect();
    let mean = revenue.iter().sum::<f64>() / c.auctions as f64;
    assert!((mean - report.revenue_per_auction).abs() < 1e-12, "{mean}");
    for t in [2_999u64, 5, 1_030, 4, 1_024] {
        assert_eq!(
            lab.auction(t).revenue.to_bits(),
            revenue[t as usize].to_bits()
        );
        let values = lab.values().to_vec();
        let mut fresh = MonteCarloLab::new(c.clone()).unwrap();
        fresh.auction(t);
        assert_eq!(fresh.values(), &values[..]);
    }
}
