use sandbox::core::auction::Format;
use sandbox::core::dist::ValueDist;
use sandbox::core::lab::*;
use std::time::Instant;

#[test]
fn perf_mc() {
    let cfg = MonteCarloConfig {
        format: Format::Gsp,
        bidding: Bidding::Equilibrium,
        bidders: 5,
        values: ValueDist::Uniform {
            low: 0.0,
            high: 1.0,
        },
        slot_ctrs: vec![0.3, 0.2, 0.1],
        reserve: 0.1,
        auctions: 1_000_000,
        seed: 1,
    };
    for _ in 0..5 {
        let t0 = Instant::now();
        let r = run_monte_carlo(&cfg).unwrap();
        println!("{:?} {}", t0.elapsed(), r.revenue_per_auction);
    }
    let t0 = Instant::now();
    let th = efficient_expectation(
        &ValueDist::Uniform {
            low: 0.0,
            high: 1.0,
        },
        5,
        &[0.3, 0.2, 0.1],
        0.1,
        false,
    );
    println!("theory {th} in {:?}", t0.elapsed());
}
