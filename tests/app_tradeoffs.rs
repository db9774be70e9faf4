//! The Tradeoffs tab's link, natively: the comparison of ad-load policies is in the link
//! (`pol=1`) exactly while it is shown, and a page opened with it reruns the comparison to the
//! same table as `sandbox policies --table`; the optimizer maximises a promotion metric under a
//! promotion constraint with the same report as `sandbox optimize`.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::rc::Rc;

use sandbox::app::protocol::{handle, EngineCache, Request};
use sandbox::app::state::{Action, AppState, EngineMode, Tab};
use sandbox::config::spec::optimize::run_json;
use sandbox::config::url::{OptConstraint, OptKnob, OptView, Side};
use sandbox::core::model::knobs::{Knob, Value};
use sandbox::core::model::{simulate, Params, Scenario, Summaries, Window, WindowedMetric};
use sandbox::core::tradeoff::policies::{compare_policies, table};
use sandbox::core::tradeoff::Options;

/// A small design (200 users, 10 days) on the Tradeoffs tab.
const DESIGN: &str = "v=1&users=200&days=10&page=tradeoffs";

fn run_serially(batch: &[Params]) -> Vec<Summaries> {
    batch
        .iter()
        .map(|p| simulate(&Scenario::repair(p.clone()).0).summaries)
        .collect()
}

fn answer_all(mut s: Rc<AppState>, requests: Vec<Request>) -> Rc<AppState> {
    for request in requests.into_iter().rev() {
        let response = handle(request, &mut EngineCache::default(), || 0.0);
        s = s.reduce(Action::Engine(response));
    }
    s
}

fn finish_policies(mut s: Rc<AppState>) -> Rc<AppState> {
    let mut n = 0;
    while s.policies.as_ref().is_some_and(|p| p.running()) {
        let requests = s.policies.as_ref().unwrap().batches.requests();
        assert!(!requests.is_empty());
        s = answer_all(s, requests);
        n += 1;
        assert!(n < 10_000);
    }
    s
}

fn has_pol(query: &str) -> bool {
    query.split('&').any(|kv| kv == "pol=1")
}

#[test]
fn the_policy_table_is_in_the_link_while_it_is_shown() {
    let s = Rc::new(AppState::from_query(DESIGN, EngineMode::MainThread));
    assert!(!has_pol(&s.query()));
    assert!(
        !s.needs_policies(),
        "a link without the key asks for nothing"
    );
    let running = s.reduce(Action::StartPolicies { now_ms: 0.0 });
    assert!(has_pol(&running.query()), "shown while it runs");
    let done = finish_policies(running.clone());
    assert!(done.policies.as_ref().unwrap().outcome.is_some());
    assert!(has_pol(&done.query()));
    // Its link puts the key after the optimizer's and before a baseline's.
    let pinned = done.clone().reduce(Action::PinBaseline);
    let q = pinned.query();
    assert!(q.contains("&pol=1&base=1"), "{q}");
    // Cancelled: no table, no key.
    let cancelled = running.reduce(Action::CancelPolicies);
    assert!(cancelled.policies.as_ref().unwrap().cancelled);
    assert!(!has_pol(&cancelled.query()));
    // A change of the market drops the comparison, and the key with it.
    let moved = done.reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(1.5),
    });
    assert!(moved.policies.is_none());
    assert!(!has_pol(&moved.query()));
}

#[test]
fn a_link_with_the_policy_table_reruns_it_to_the_same_numbers() {
    let s = Rc::new(AppState::from_query(DESIGN, EngineMode::MainThread));
    let done = finish_policies(s.reduce(Action::StartPolicies { now_ms: 0.0 }));
    let shown = done
        .policies
        .as_ref()
        .unwrap()
        .outcome
        .clone()
        .unwrap()
        .unwrap();
    let link = done.query();
    assert!(has_pol(&link), "{link}");

    let opened = Rc::new(AppState::from_query(&link, EngineMode::MainThread));
    assert!(opened.problems.is_empty(), "{:?}", opened.problems);
    assert_eq!(opened.tab, Tab::Tradeoffs);
    assert!(opened.needs_policies());
    assert_eq!(
        opened.query(),
        link,
        "the link stays as opened until the comparison starts"
    );
    let started = opened.reduce(Action::StartPolicies { now_ms: 0.0 });
    assert!(!started.needs_policies());
    assert_eq!(started.query(), link);
    let again = finish_policies(started);
    let rerun = again
        .policies
        .as_ref()
        .unwrap()
        .outcome
        .clone()
        .unwrap()
        .unwrap();
    assert_eq!(*rerun, *shown);
    assert_eq!(table(&rerun), table(&shown));
    // The command line's table for the same design.
    let cli = compare_policies(&again.params, &Options::default(), run_serially).unwrap();
    assert_eq!(table(&rerun), table(&cli));
    assert_eq!(again.query(), link);

    // On another tab the comparison waits for the Tradeoffs tab; the key stays in the link.
    let elsewhere = link.replace("page=tradeoffs", "page=model");
    let other = Rc::new(AppState::from_query(&elsewhere, EngineMode::MainThread));
    assert!(!other.needs_policies());
    assert!(has_pol(&other.query()));
    assert!(other
        .reduce(Action::SetTab(Tab::Tradeoffs))
        .needs_policies());
    // A cancelled rerun drops the key.
    let cancelled = Rc::new(AppState::from_query(&link, EngineMode::MainThread))
        .reduce(Action::StartPolicies { now_ms: 0.0 })
        .reduce(Action::CancelPolicies);
    assert!(!has_pol(&cancelled.query()));
    assert!(!cancelled.needs_policies());
}

/// Promotional bandwidth on for sports (30% of sessions) in the small design.
const PROMO: &str = "v=1&users=200&days=10&promo=1&promo_share=0.3&promo_class=category\
                     &promo_cat=1&page=tradeoffs";

fn promo_view() -> OptView {
    OptView {
        window: Window::LastWeek,
        ..OptView::default()
    }
    .with_objective_key("promotion.promoted_impression_share")
    .with_knobs(&[OptKnob {
        knob: Knob::Every,
        min: 2.0,
        max: 14.0,
    }])
    .with_constraints(&[OptConstraint {
        metric: WindowedMetric::parse("promotion.last_week.others_roi").unwrap(),
        side: Side::Min,
        value: 0.98,
        relative: true,
    }])
}

#[test]
fn the_optimizer_reads_promotion_metrics_as_the_command_line_does() {
    let s = Rc::new(AppState::from_query(PROMO, EngineMode::MainThread));
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let mut s = s
        .reduce(Action::SetOptView(promo_view()))
        .reduce(Action::StartOptimize { now_ms: 0.0 });
    let mut n = 0;
    while s.optimize.as_ref().unwrap().running() {
        let requests = s.optimize.as_ref().unwrap().batches.requests();
        s = answer_all(s, requests);
        n += 1;
        assert!(n < 10_000);
    }
    let run = s.optimize.as_ref().unwrap();
    let optimum = run.optimum().expect("an optimum").clone();
    // The relative floor resolved against the current design's own promotion summary.
    let own = simulate(&Scenario::new(s.params.as_ref().clone()).unwrap()).summaries;
    let current = own.promotion.as_ref().unwrap().last_week.others_roi;
    let resolved = run.constraints.clone().unwrap();
    assert_eq!(resolved[0].current, current);
    assert_eq!(resolved[0].bound, 0.98 * current);
    let spec = format!(
        r#"{{"base": "{}", "objective": "promotion.last_week.promoted_impression_share",
            "knobs": [{{"key": "ad_load.every", "min": 2, "max": 14}}],
            "constraints": [{{"metric": "promotion.last_week.others_roi", "min": {}}}]}}"#,
        sandbox::config::url::encode(&s.params, None),
        0.98 * current
    );
    let expected = run_json(&spec, run_serially, &mut |_| {}).expect("the spec runs");
    assert_eq!(optimum.report_json(), expected);
    assert_eq!(
        optimum.problem.objective.metric.to_string(),
        "promotion.last_week.promoted_impression_share"
    );
    assert!(optimum.outcome.objective.is_finite());
    // Without promotional bandwidth the same settings say why they cannot run.
    let off = Rc::new(AppState::from_query(DESIGN, EngineMode::MainThread))
        .reduce(Action::SetOptView(promo_view()))
        .reduce(Action::StartOptimize { now_ms: 0.0 });
    let off = answer_all(
        off.clone(),
        off.optimize.as_ref().unwrap().batches.requests(),
    );
    let run = off.optimize.as_ref().unwrap();
    assert!(!run.running());
    let message = run.outcome.clone().unwrap().unwrap_err();
    assert!(message.contains("promotional bandwidth"), "{message}");
}
