//! The app's reducer, natively: decoding the page's link, writing knobs through the table,
//! request ids and stale answers, baselines, presets, the worker fallback.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::rc::Rc;

use sandbox::app::protocol::Response;
use sandbox::app::state::{Action, AppState, EngineMode};
use sandbox::config::url::decode;
use sandbox::core::model::knobs::{Knob, Value};
use sandbox::core::model::Params;

const MALFORMED: &str = "v=1&reserve=abc&days=99999&bogus=1";

// ---------------------------------------------------------------------------------------------
// The reducer (pure)
// ---------------------------------------------------------------------------------------------

fn fresh() -> Rc<AppState> {
    Rc::new(AppState::from_query("", EngineMode::MainThread))
}

fn simulated(id: u64) -> Action {
    Action::Engine(Response::Simulated {
        id,
        result: Box::default(),
        baseline_result: None,
        engine_ms: 1.0,
    })
}

#[test]
fn empty_query_gives_defaults_without_problems() {
    let s = fresh();
    assert_eq!(*s.params, Params::default());
    assert!(s.problems.is_empty());
    assert!(!s.banner_open);
    assert_eq!(s.preset, Some("balanced"));
}

#[test]
fn malformed_query_lists_each_problem_and_uses_safe_values() {
    let s = AppState::from_query(&format!("?{MALFORMED}"), EngineMode::MainThread);
    let keys: Vec<&str> = s.problems.iter().map(|p| p.key.as_str()).collect();
    for key in ["reserve", "days", "bogus"] {
        assert!(keys.contains(&key), "no problem for {key}: {keys:?}");
    }
    assert!(s.banner_open);
    assert_eq!(s.params.auction.reserve, Params::default().auction.reserve);
    assert!(s.params.sim.days <= 365);
    // Same path as the decoder: the state holds exactly what decode returned.
    assert_eq!(*s.params, decode(MALFORMED).params);
}

#[test]
fn set_param_writes_through_the_table_and_clamps() {
    let s = fresh().reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(0.5),
    });
    assert_eq!(s.params.auction.reserve, 0.5);
    assert_eq!(s.preset, None);
    let s = s.reduce(Action::SetParam {
        id: Knob::Days,
        value: Value::Number(1e9),
    });
    assert_eq!(s.params.sim.days, 365, "clamped to the slider's max");
    // Wrong kind and unknown ids are ignored (same state, no re-render).
    let before = s.clone();
    let s = s.reduce(Action::SetParam {
        id: Knob::Days,
        value: Value::Flag(true),
    });
    assert!(Rc::ptr_eq(&before, &s));
    // (Unknown knobs cannot be named: ids are typed.)
}

#[test]
fn requests_get_increasing_ids_and_stale_answers_are_dropped() {
    let s = fresh().reduce(Action::Submit);
    assert_eq!(s.latest_request, 1);
    let s = s.reduce(Action::Submit);
    assert_eq!(s.latest_request, 2);
    assert!(s.computing());
    let stale = s.clone().reduce(simulated(1));
    assert!(
        stale.results.is_none(),
        "answer to request 1 must not be shown"
    );
    let s = s.reduce(simulated(2));
    assert_eq!(s.results.as_ref().map(|r| r.id), Some(2));
    assert!(!s.computing());
    // A late answer to an older request never overwrites the newer one.
    let s = s.reduce(simulated(1));
    assert_eq!(s.results.as_ref().map(|r| r.id), Some(2));
}

#[test]
fn pin_and_clear_baseline_round_trip_through_the_url() {
    let s = fresh().reduce(Action::PinBaseline);
    assert_eq!(s.baseline.as_deref(), Some(&Params::default()));
    let s = s.reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(1.0),
    });
    let reopened = AppState::from_query(&s.query(), EngineMode::MainThread);
    assert_eq!(reopened.params, s.params);
    assert_eq!(reopened.baseline, s.baseline);
    let s = s.reduce(Action::ClearBaseline);
    assert!(s.baseline.is_none());
}

#[test]
fn presets_and_seed() {
    let s = fresh().reduce(Action::ApplyPreset("aggressive_load"));
    assert_eq!(s.preset, Some("aggressive_load"));
    let s = s.reduce(Action::SetSeed(42));
    assert_eq!(s.params.sim.seed, 42);
}

#[test]
fn worker_failure_falls_back_and_reissues_the_request() {
    let s = Rc::new(AppState::from_query("", EngineMode::Worker)).reduce(Action::Submit);
    let s = s.reduce(Action::EngineUnavailable);
    assert_eq!(s.engine, EngineMode::MainThread);
    assert_eq!(s.latest_request, 2);
    assert_eq!(s.request.as_ref().map(|r| r.id), Some(2));
}

#[test]
fn the_tab_and_the_test_window_are_in_the_link() {
    use sandbox::app::state::Tab;
    let s = fresh()
        .reduce(Action::SetTab(Tab::Model))
        .reduce(Action::SetTestWindow(28));
    assert_eq!(s.query(), "v=2&page=model&window=28");
    let reopened = AppState::from_query(&s.query(), EngineMode::MainThread);
    assert_eq!(reopened.tab, Tab::Model);
    assert_eq!(reopened.test_window_days, 28);
    // Clamped, and no change means the same state.
    let s = s.reduce(Action::SetTestWindow(0));
    assert_eq!(s.test_window_days, 1);
    let same = s.clone().reduce(Action::SetTestWindow(1));
    assert!(Rc::ptr_eq(&s, &same));
}

#[test]
fn the_autobidding_preset_loads_from_the_menu() {
    let s = fresh().reduce(Action::ApplyPreset("autobidding"));
    assert_eq!(s.preset, Some("autobidding"));
    assert_eq!(s.params.advertisers.strategies.len(), 4);
}
