use sandbox::core::auction::equilibrium::*;
use sandbox::core::auction::Format;
use sandbox::core::dist::ValueDist;
use sandbox::core::lab::*;
use sandbox::core::rng::Random;
use std::time::Instant;

#[test]
fn scratch() {
    for d in [
        ValueDist::Uniform {
            low: 0.0,
            high: 1.0,
        },
        ValueDist::Exponential { rate: 1.0 },
        ValueDist::Lognormal {
            mu: 0.0,
            sigma: 1.0,
        },
        ValueDist::Lognormal {
            mu: 0.0,
            sigma: 5.0,
        },
    ] {
        for (n, r) in [(2usize, 0.0), (5, 0.0), (5, 0.5), (100, 0.0), (1000, 0.3)] {
            let t0 = Instant::now();
            let t = FirstPriceBidTable::new(&d, n, r);
            let dt = t0.elapsed();
            let mut maxerr: f64 = 0.0;
            for i in 1..200 {
                let v = d.quantile(i as f64 / 200.0);
                maxerr = maxerr.max((t.bid(v) - first_price_bne_bid(&d, n, r, v)).abs());
            }
            println!(
                "{d:?} n {n} r {r}: {} pts in {:?}, maxerr {maxerr:e}",
                t.len(),
                dt
            );
        }
    }
    for (fmt, bid, k) in [
        (Format::Gsp, Bidding::Truthful, 3),
        (Format::Gsp, Bidding::Equilibrium, 3),
        (Format::Vcg, Bidding::Truthful, 3),
        (Format::FirstPrice, Bidding::Equilibrium, 1),
    ] {
        let cfg = MonteCarloConfig {
            format: fmt,
            bidding: bid,
            bidders: 5,
            values: ValueDist::Uniform {
                low: 0.0,
                high: 1.0,
            },
            slot_ctrs: if k == 3 {
                vec![0.3, 0.2, 0.1]
            } else {
                vec![1.0]
            },
            reserve: 0.1,
            auctions: 1_000_000,
            seed: 1,
        };
        let t0 = Instant::now();
        let r = run_monte_carlo(&cfg).unwrap();
        println!(
            "{fmt:?} {bid:?}: {:?} rev {} ± {} theory {:?}",
            t0.elapsed(),
            r.revenue_per_auction,
            r.revenue_se,
            r.revenue_theory
        );
    }
    let t0 = Instant::now();
    let mut s = 0u64;
    for t in 0..1_000_000u64 {
        s = s.wrapping_add(
            sandbox::core::rng::stream(1, sandbox::core::rng::Purpose::Lab, t, 0).next_u64(),
        );
    }
    println!("1M streams {:?} {s}", t0.elapsed());
}
#[test]
fn fast() {
    let t0 = Instant::now();
    let mut s = 0u64;
    for t in 0..1_000_000u64 {
        s = s.wrapping_add(
            sandbox::core::rng::fast_stream(1, sandbox::core::rng::Purpose::Lab, t, 0).next_u64(),
        );
    }
    println!("1M fast streams {:?} {s}", t0.elapsed());
}
