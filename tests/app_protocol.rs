//! The worker protocol's request handler, natively: it computes exactly what the engine computes,
//! repairs what it is sent, and reuses the baseline's run while the baseline is unchanged.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::cell::Cell;

use sandbox::app::protocol::{handle, EngineCache, JobKind, Request, Response};
use sandbox::core::model::{simulate, Params, RunResult, Scenario};

fn small() -> Params {
    let mut p = Params::default();
    p.users.count = 200;
    p.sim.days = 5;
    p
}

fn run(params: &Params) -> RunResult {
    simulate(&Scenario::new(params.clone()).expect("valid"))
}

fn answer(request: Request, cache: &mut EngineCache) -> (u64, RunResult, Option<RunResult>) {
    match handle(request, cache, || 0.0) {
        Response::Simulated {
            id,
            result,
            baseline_result,
            ..
        } => (id, *result, baseline_result.map(|b| *b)),
        other => panic!("unexpected answer {other:?}"),
    }
}

#[test]
fn a_simulate_request_is_answered_with_the_engines_run_and_its_id() {
    let mut cache = EngineCache::default();
    let params = small();
    let request = Request::Simulate {
        id: 7,
        params: params.clone(),
        baseline: None,
    };
    assert_eq!(request.kind(), JobKind::Simulate);
    let (id, result, baseline) = answer(request, &mut cache);
    assert_eq!(id, 7);
    assert_eq!(result, run(&params));
    assert_eq!(baseline, None);
}

#[test]
fn the_baseline_is_run_too_and_reused_while_unchanged() {
    let mut cache = EngineCache::default();
    let mut base = small();
    base.auction.reserve = 0.5;
    let mut params = small();
    params.ad_load.every = 3;
    let (_, result, baseline) = answer(
        Request::Simulate {
            id: 1,
            params: params.clone(),
            baseline: Some(base.clone()),
        },
        &mut cache,
    );
    assert_eq!(result, run(&params));
    assert_eq!(baseline.as_ref(), Some(&run(&base)));

    // The next request with the same baseline costs one run: the clock is read twice (around
    // the main run) and the baseline's answer is the cached one.
    let reads = Cell::new(0);
    params.ad_load.every = 4;
    let answer = handle(
        Request::Simulate {
            id: 2,
            params: params.clone(),
            baseline: Some(base.clone()),
        },
        &mut cache,
        || {
            reads.set(reads.get() + 1);
            0.0
        },
    );
    assert_eq!(reads.get(), 2);
    let Response::Simulated {
        baseline_result, ..
    } = answer
    else {
        panic!("unexpected answer");
    };
    assert_eq!(baseline_result.map(|b| *b), Some(run(&base)));

    // A different baseline is run afresh.
    base.auction.reserve = 0.1;
    let (_, _, baseline) = answer_with(&mut cache, params, base.clone());
    assert_eq!(baseline, Some(run(&base)));
}

fn answer_with(
    cache: &mut EngineCache,
    params: Params,
    base: Params,
) -> (u64, RunResult, Option<RunResult>) {
    answer(
        Request::Simulate {
            id: 3,
            params,
            baseline: Some(base),
        },
        cache,
    )
}

#[test]
fn invalid_params_are_repaired_before_they_reach_the_engine() {
    let mut cache = EngineCache::default();
    let mut params = small();
    params.auction.reserve = f64::NAN;
    params.users.segments.clear();
    let (_, result, _) = answer(
        Request::Simulate {
            id: 1,
            params: params.clone(),
            baseline: None,
        },
        &mut cache,
    );
    let (repaired, problems) = Scenario::repair(params);
    assert_eq!(problems.len(), 2);
    assert_eq!(result, simulate(&repaired));
}

#[test]
fn messages_survive_the_wire_encoding() {
    // Both sides of the worker boundary are this crate; the messages are plain data that
    // round-trips through serde.
    let request = Request::Simulate {
        id: 9,
        params: small(),
        baseline: Some(Params::default()),
    };
    let json = serde_json::to_string(&request).expect("serialises");
    let back: Request = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, request);
}
