//! Criterion benchmarks of the engine: the app's default scenario end to end, one simulated day,
//! and a million mechanism-lab auctions. Run: `cargo bench --bench engine`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, Criterion};
    use sandbox::config::spec;
    use sandbox::core::model::{engine::Engine, simulate, Params, Scenario};
    use std::hint::black_box;

    fn default_run(c: &mut Criterion) {
        let scenario = Scenario::new(Params::default()).expect("defaults are valid");
        let mut group = c.benchmark_group("model");
        group.sample_size(20);
        group.bench_function("default scenario (2000 users x 60 days)", |b| {
            b.iter(|| simulate(black_box(&scenario)))
        });
        group.bench_function("one day (2000 users, day 30)", |b| {
            b.iter_batched(
                || {
                    let mut engine = Engine::new(&scenario);
                    for _ in 0..29 {
                        engine.step_day();
                    }
                    engine
                },
                |mut engine| engine.step_day(),
                criterion::BatchSize::LargeInput,
            )
        });
        for users in [500usize, 1000, 2000, 4000] {
            let mut p = Params::default();
            p.users.count = users;
            let s = Scenario::new(p).expect("valid");
            group.bench_function(format!("scaling: {users} users x 60 days"), |b| {
                b.iter(|| simulate(black_box(&s)))
            });
        }
        group.finish();
    }

    fn lab(c: &mut Criterion) {
        use sandbox::core::auction::Format;
        use sandbox::core::lab::{self, dist::ValueDist, Bidding, MonteCarloConfig, RunOptions};
        // The mechanism lab's headline case: 10 uniform bidders, 3 slots, truthful bids, GSP
        // and VCG priced on the same auctions, one thread (scripts/bench.sh times the same
        // auctions in NumPy).
        let cfg = MonteCarloConfig {
            format: Format::Gsp,
            bidding: Bidding::Truthful,
            bidders: 10,
            values: ValueDist::Uniform {
                low: 0.0,
                high: 1.0,
            },
            slot_ctrs: vec![1.0, 0.6, 0.3],
            reserve: 0.0,
            auctions: 1_000_000,
            seed: 7,
        };
        let mut group = c.benchmark_group("lab");
        group.sample_size(10);
        group.bench_function(
            "1M auctions, 10 uniform bidders, 3 slots, GSP+VCG, 1 thread",
            |b| {
                b.iter(|| {
                    lab::run_monte_carlo_formats(
                        black_box(&cfg),
                        &[Format::Gsp, Format::Vcg],
                        RunOptions::default(),
                    )
                    .expect("valid config")
                })
            },
        );
        let spec = r#"{"format":"gsp","bidding":"truthful","bidders":5,
            "values":{"uniform":{"low":0,"high":1}},"slot_ctrs":[1.0,0.6,0.3],
            "auctions":1000000,"seed":7}"#;
        group.bench_function("1M GSP auctions, 5 bidders, 3 slots", |b| {
            b.iter(|| spec::auction::run_json(black_box(spec)).expect("valid spec"))
        });
        group.finish();
    }

    criterion_group!(benches, default_run, lab);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
