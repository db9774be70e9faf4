//! The Tradeoffs tab's optimizer and policy comparison, natively: driven batch by batch through
//! the worker's handler, they give exactly what `sandbox optimize` and `sandbox policies` give on
//! the same problem (the same report, byte for byte); only answers to the current batch count;
//! relative constraints resolve against the current design; the optimum applies to the design;
//! a link with optimizer settings asks for a run.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::rc::Rc;

use sandbox::app::optimize::{Batches, OptimizeRun};
use sandbox::app::protocol::{handle, EngineCache, JobKind, Request, Response};
use sandbox::app::state::{Action, AppState, EngineMode, Tab};
use sandbox::config::spec::optimize::run_json;
use sandbox::config::url::{decode, OptConstraint, OptKnob, OptView, Side};
use sandbox::core::model::knobs::{Knob, Value};
use sandbox::core::model::metric_table::Metric;
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

fn metric(text: &str) -> WindowedMetric {
    WindowedMetric::parse(text).unwrap()
}

fn optimizer(s: &AppState) -> &OptimizeRun {
    s.optimize.as_deref().expect("an optimization")
}

/// Answers every request of `requests` through the worker's handler, in reverse order (the pool
/// answers in any order), each through the reducer.
fn answer_all(mut s: Rc<AppState>, requests: Vec<Request>) -> Rc<AppState> {
    for request in requests.into_iter().rev() {
        assert_eq!(request.kind(), JobKind::Evaluate);
        let response = handle(request, &mut EngineCache::default(), || 0.0);
        s = s.reduce(Action::Engine(response));
    }
    s
}

/// Runs the current optimization to its end; returns the state and the number of batches.
fn finish_optimize(mut s: Rc<AppState>) -> (Rc<AppState>, usize) {
    let mut batches = 0;
    while optimizer(&s).running() {
        let requests = optimizer(&s).batches.requests();
        assert!(!requests.is_empty(), "a running optimization asks for work");
        s = answer_all(s, requests);
        batches += 1;
        assert!(batches < 10_000);
    }
    (s, batches)
}

/// Revenue over one knob, the ad spacing, under a floor on last-week engagement at 97% of the
/// current design's and a cap on fatigue.
fn one_knob_view() -> OptView {
    OptView {
        objective: Some(Metric::RevenuePerDay),
        window: Window::WholeRun,
        ..OptView::default()
    }
    .with_knobs(&[OptKnob {
        knob: Knob::Every,
        min: 2.0,
        max: 14.0,
    }])
    .with_constraints(&[
        OptConstraint {
            metric: metric("last_week.engagement_per_day"),
            side: Side::Min,
            value: 0.97,
            relative: true,
        },
        OptConstraint {
            metric: metric("whole_run.mean_fatigue"),
            side: Side::Max,
            value: 0.9,
            relative: false,
        },
    ])
}

fn start(view: OptView) -> Rc<AppState> {
    let s = Rc::new(AppState::from_query(DESIGN, EngineMode::MainThread));
    s.reduce(Action::SetOptView(view))
        .reduce(Action::StartOptimize { now_ms: 0.0 })
}

/// The command line's report for the same problem, the bounds written out by hand.
fn cli_report(objective: &str, knobs: &str, constraints: &str) -> String {
    let spec = format!(
        r#"{{"base": "{DESIGN}", "objective": "{objective}", "knobs": {knobs}, "constraints": {constraints}}}"#
    );
    run_json(&spec, run_serially, &mut |_| {}).expect("the spec runs")
}

#[test]
fn one_knob_gives_the_command_lines_answer_with_a_relative_floor() {
    let (s, batches) = finish_optimize(start(one_knob_view()));
    let run = optimizer(&s);
    let optimum = run.optimum().expect("an optimum").clone();
    // The floor resolved against the current design's own last-week engagement.
    let own = simulate(&Scenario::new(decode(DESIGN).params).unwrap()).summaries;
    let floor = 0.97 * metric("last_week.engagement_per_day").value(&own);
    let resolved = run.constraints.clone().expect("resolved");
    assert_eq!(
        resolved[0].current,
        metric("last_week.engagement_per_day").value(&own)
    );
    assert_eq!(resolved[0].bound, floor);
    assert_eq!(resolved[1].bound, 0.9, "absolute bounds stay as set");
    let expected = cli_report(
        "whole_run.revenue_per_day",
        r#"[{"key": "ad_load.every", "min": 2, "max": 14}]"#,
        &format!(
            r#"[{{"metric": "last_week.engagement_per_day", "min": {floor}}}, {{"metric": "whole_run.mean_fatigue", "max": 0.9}}]"#
        ),
    );
    assert_eq!(optimum.report_json(), expected);
    let out = &optimum.outcome;
    assert!(out.feasible);
    assert_eq!(out.binding, vec![0], "the engagement floor binds");
    assert_eq!(out.shadow_prices.len(), 1);
    assert!(out.shadow_prices[0].1.is_some_and(|p| p.is_finite()));
    // The simulations run are the optimizer's evaluations, each configuration once: the
    // optimizer counts the current design twice when the search visits it too (its spacing,
    // 6, is on the coarse grid).
    assert_eq!(s.params.ad_load.every, 6);
    let visited = out.evaluations - 1;
    assert_eq!(run.batches.simulated, visited);
    assert_eq!(run.batches.batches, batches);
    assert!(
        out.gain >= 0.0,
        "the current design is in the range: no loss"
    );
}

#[test]
fn two_knobs_give_the_command_lines_answer() {
    let view = OptView {
        objective: Some(Metric::RevenuePerDay),
        window: Window::LastWeek,
        ..OptView::default()
    }
    .with_knobs(&[
        OptKnob {
            knob: Knob::Every,
            min: 2.0,
            max: 12.0,
        },
        OptKnob {
            knob: Knob::Reserve,
            min: 0.0,
            max: 2.0,
        },
    ])
    .with_constraints(&[OptConstraint {
        metric: metric("whole_run.engagement_per_day"),
        side: Side::Min,
        value: 0.95,
        relative: true,
    }]);
    let (s, _) = finish_optimize(start(view));
    let run = optimizer(&s);
    let floor = run.constraints.as_ref().unwrap()[0].bound;
    let expected = cli_report(
        "last_week.revenue_per_day",
        r#"[{"key": "ad_load.every", "min": 2, "max": 12}, {"key": "auction.reserve", "min": 0, "max": 2}]"#,
        &format!(r#"[{{"metric": "whole_run.engagement_per_day", "min": {floor}}}]"#),
    );
    assert_eq!(run.optimum().unwrap().report_json(), expected);
    assert!(run.batches.simulated <= run.optimum().unwrap().outcome.evaluations);
}

#[test]
fn an_impossible_constraint_reports_the_least_violating_design() {
    let view = one_knob_view().with_constraints(&[OptConstraint {
        metric: metric("last_week.engagement_per_day"),
        side: Side::Min,
        value: 10.0,
        relative: true,
    }]);
    let (s, _) = finish_optimize(start(view));
    let out = &optimizer(&s).optimum().unwrap().outcome;
    assert!(!out.feasible);
    assert_eq!(out.binding, vec![0], "the violated constraint is named");
    assert!(out.shadow_prices.is_empty());
    // The least violating: the most engagement, the sparsest ads of the range.
    assert_eq!(out.best, vec![14.0]);
}

#[test]
fn only_answers_to_the_current_batch_count_and_cancel_drops_the_rest() {
    let s = start(one_knob_view());
    let first = optimizer(&s).batches.requests();
    assert_eq!(
        first.len(),
        1,
        "the current design alone, to resolve relative bounds"
    );
    let Request::Evaluate { params, .. } = &first[0] else {
        panic!("an evaluation")
    };
    assert_eq!(*params, *s.params);
    // An answer to another job is ignored, as is a repeated one.
    let stale = Response::Evaluated {
        job: optimizer(&s).batches.job + 7,
        index: 0,
        summaries: Box::new(simulate(&Scenario::new(Params::default()).unwrap()).summaries),
        engine_ms: 0.0,
    };
    let same = s.clone().reduce(Action::Engine(stale));
    assert!(Rc::ptr_eq(&same, &s));
    let s = answer_all(s, first.clone());
    let job = optimizer(&s).batches.job;
    assert_eq!(
        optimizer(&s).batches.requests().len(),
        10,
        "the coarse grid: 11 spacings from 2 to 14, less the current design's, already run"
    );
    let again = answer_all(s.clone(), first);
    assert_eq!(
        again.optimize, s.optimize,
        "an answer to a finished batch is dropped"
    );
    // Cancelled: no answer counts any more.
    let c = s.clone().reduce(Action::CancelOptimize);
    assert!(!optimizer(&c).running() && optimizer(&c).cancelled);
    let after = answer_all(c.clone(), optimizer(&s).batches.requests());
    assert_eq!(optimizer(&after).batches.job, job);
    assert_eq!(optimizer(&after).batches.simulated, 1);
    // A new run supersedes: the old run's answers are dropped.
    let old = optimizer(&s).batches.requests();
    let s2 = s.clone().reduce(Action::StartOptimize { now_ms: 5.0 });
    let s3 = answer_all(s2.clone(), old);
    assert_eq!(optimizer(&s3).batches.simulated, 0);
}

#[test]
fn apply_puts_the_optimum_into_the_design_and_keeps_the_report() {
    let (s, _) = finish_optimize(start(one_knob_view()));
    let best = optimizer(&s).optimum().unwrap().outcome.best[0];
    let pinned = s.clone().reduce(Action::PinBaseline);
    let applied = pinned.reduce(Action::ApplyOptimum);
    assert_eq!(applied.params.ad_load.every as f64, best);
    assert!(
        applied.baseline.is_some(),
        "the pinned design stays to compare"
    );
    assert!(
        applied.optimize.is_some(),
        "only the optimized knob changed"
    );
    assert!(applied.query().contains("opt.objective=revenue_per_day"));
    assert!(applied.query().contains(&format!("every={best}")));
    // Another knob changes the market: the report no longer describes it.
    let moved = applied.reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(1.5),
    });
    assert!(moved.optimize.is_none());
    assert!(
        !moved.needs_optimize(),
        "a dropped run is not rerun by itself"
    );
}

#[test]
fn a_link_with_optimizer_settings_reruns_the_same_optimization() {
    let (s, _) = finish_optimize(start(one_knob_view()));
    let link = s.query();
    assert!(
        link.contains(
            "opt.objective=revenue_per_day&opt.knobs=every:2:14\
             &opt.cons=last_week.engagement_per_day:min:x0.97,whole_run.mean_fatigue:max:0.9"
        ),
        "{link}"
    );
    let opened = Rc::new(AppState::from_query(&link, EngineMode::MainThread));
    assert!(opened.problems.is_empty(), "{:?}", opened.problems);
    assert_eq!(opened.tab, Tab::Tradeoffs);
    assert!(opened.needs_optimize());
    let started = opened.reduce(Action::StartOptimize { now_ms: 0.0 });
    assert!(!started.needs_optimize());
    let (done, _) = finish_optimize(started);
    assert_eq!(
        optimizer(&done).optimum().unwrap().report_json(),
        optimizer(&s).optimum().unwrap().report_json()
    );
    // Settings without an objective ask for nothing.
    let plain = AppState::from_query(
        "v=1&page=tradeoffs&opt.knobs=every:2:14",
        EngineMode::MainThread,
    );
    assert!(!plain.needs_optimize());
}

#[test]
fn settings_that_cannot_run_say_why() {
    let s = start(OptView::default());
    let run = optimizer(&s);
    assert!(!run.running());
    assert_eq!(
        run.outcome.clone().unwrap().unwrap_err(),
        "choose an objective"
    );
    let s = start(OptView {
        objective: Some(Metric::RevenuePerDay),
        ..OptView::default()
    });
    assert_eq!(
        optimizer(&s).outcome.clone().unwrap().unwrap_err(),
        "add a knob to vary"
    );
}

#[test]
fn the_policy_comparison_gives_the_command_lines_table() {
    let s = Rc::new(AppState::from_query(DESIGN, EngineMode::MainThread));
    let mut s = s.reduce(Action::StartPolicies { now_ms: 0.0 });
    let mut n = 0;
    while s.policies.as_ref().unwrap().running() {
        let requests = s.policies.as_ref().unwrap().batches.requests();
        s = answer_all(s, requests);
        n += 1;
        assert!(n < 10_000);
    }
    let run = s.policies.clone().unwrap();
    let got = run.outcome.clone().unwrap().unwrap();
    let expected = compare_policies(&s.params, &Options::default(), run_serially).unwrap();
    assert_eq!(*got, expected);
    assert_eq!(table(&got), table(&expected));
    assert_eq!(got.policies.len(), 3);
    // A change of the market drops the comparison.
    let moved = s.reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(1.5),
    });
    assert!(moved.policies.is_none());
}

#[test]
fn a_replay_asks_only_for_what_is_missing() {
    let b = Batches::default();
    let p = Params::default();
    let mut q = Params::default();
    q.ad_load.every = 3;
    match b.replay(|evaluate| {
        let out = evaluate(&[p.clone(), q.clone(), p.clone()]);
        Ok::<usize, sandbox::core::tradeoff::OptimizeError>(out.len())
    }) {
        sandbox::app::optimize::Step::Need(batch) => assert_eq!(batch, vec![p, q]),
        other => panic!("{other:?}"),
    }
}
