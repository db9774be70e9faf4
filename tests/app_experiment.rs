//! The Experiments tab natively: the spec it builds from the current design and its settings,
//! the jobs the workers run and the report assembled from them (byte for byte the CLI's), the
//! reducer keeping only the latest run's answers, and the power calculator.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::rc::Rc;

use sandbox::app::experiment::{
    assemble, job_count, power_answer, run_job, ExperimentAction, ExperimentState,
};
use sandbox::app::protocol::{handle, EngineCache, JobKind, Request, Response};
use sandbox::app::state::{Action, AppState, EngineMode, Tab};
use sandbox::config::experiment::{Design, ExperimentView, PowerEffect, PowerView};
use sandbox::config::spec::experiment::run_json;
use sandbox::core::model::experiment::SwitchbackSchedule;
use sandbox::core::model::knobs::{Knob, Value};
use sandbox::core::model::metric_table::Metric;
use sandbox::core::model::Params;
use sandbox::core::stats;

fn small_control() -> Params {
    let mut p = Params::default();
    p.users.count = 300;
    p.sim.days = 21;
    p
}

fn treatment_every_3() -> ExperimentView {
    ExperimentView {
        treatment: vec![(Knob::Every, Value::Number(3.0))],
        days: 5,
        horizon_days: 10,
        ..ExperimentView::default()
    }
}

/// Runs every job of `state`'s latest run through the worker handler, answering in reverse order
/// (the order must not matter), and returns the state after the last answer.
fn run_all(mut state: ExperimentState) -> ExperimentState {
    let run = state.run.clone().expect("a run");
    let requests = run.requests();
    assert_eq!(requests.len(), run.outputs.len());
    for request in requests.into_iter().rev() {
        assert_eq!(request.kind(), JobKind::Experiment);
        let response = handle(request, &mut EngineCache::default(), || 0.0);
        state = state
            .answer(&response)
            .expect("an answer of the latest run");
    }
    state
}

#[test]
fn the_assembled_report_is_the_clis_byte_for_byte() {
    let control = small_control();
    let view = ExperimentView {
        replications: 3,
        pre_days: 2,
        post_days: 2,
        designs: vec![Design::User, Design::Switchback],
        metrics: vec![Metric::RevenuePerDay, Metric::Ctr],
        ..treatment_every_3()
    };
    let spec = view.spec_text(&control);
    let n = job_count(&spec).unwrap();
    // Three replications, the long-term truth and two side-by-side designs.
    assert_eq!(n, 3 + 1 + 2);
    let outputs: Vec<String> = (0..n).map(|i| run_job(&spec, i).unwrap()).collect();
    assert!(run_job(&spec, n).is_err(), "no job beyond the count");
    let (cli, _) = run_json(&spec, 2).unwrap();
    assert_eq!(assemble(&spec, &outputs).unwrap(), cli);

    // Through the reducer and the worker handler: the same text.
    let state = ExperimentState::new(view)
        .reduce(ExperimentAction::Submit { now_ms: 0.0 }, &control)
        .expect("a first submit starts a run");
    let state = run_all(state);
    let answer = state.answer.as_ref().expect("a report");
    assert_eq!(*answer.text, cli);
    assert_eq!(answer.report["design"], "user");
    assert!(!state.computing());
}

#[test]
fn the_spec_is_the_control_with_the_treatment_knobs_changed() {
    let control = small_control();
    let view = ExperimentView {
        treatment: vec![
            (Knob::Every, Value::Number(3.0)),
            (Knob::Auction, Value::Choice("first_price".into())),
        ],
        ..ExperimentView::default()
    };
    let spec = view.spec(&control);
    assert_eq!(spec["treatment"]["ad_load.every"], 3);
    assert_eq!(spec["treatment"]["auction.format"], "first_price");
    assert_eq!(
        spec["base"],
        format!("?{}", sandbox::config::url::encode(&control, None))
    );
    let parsed = sandbox::config::spec::experiment::parse(&view.spec_text(&control)).unwrap();
    assert_eq!(parsed.base, control);
    assert_eq!(parsed.treatment, view.treatment_params(&control));
    assert_ne!(parsed.treatment, control);
}

#[test]
fn a_world_knob_is_not_a_treatment_and_the_message_names_it() {
    let control = small_control();
    let view = ExperimentView {
        treatment: vec![(Knob::Users, Value::Number(500.0))],
        ..ExperimentView::default()
    };
    let problem = view.problem(&control).expect("a world knob does not run");
    assert!(problem.contains("users.count"), "{problem}");
    assert!(problem.contains("world"), "{problem}");
    let state = ExperimentState::new(view)
        .reduce(ExperimentAction::Submit { now_ms: 0.0 }, &control)
        .unwrap();
    assert!(state.run.is_none());
    assert_eq!(state.problem.as_deref(), Some(problem.as_str()));
    // No treatment at all: nothing runs, and the tab says what to do.
    let empty = ExperimentView::default().problem(&control).unwrap();
    assert!(empty.contains("no treatment"), "{empty}");
}

#[test]
fn only_the_latest_runs_answers_count_and_a_same_spec_does_not_rerun() {
    let control = small_control();
    let first = ExperimentState::new(treatment_every_3())
        .reduce(ExperimentAction::Submit { now_ms: 0.0 }, &control)
        .unwrap();
    // Submitting the same settings again changes nothing.
    assert!(first
        .reduce(ExperimentAction::Submit { now_ms: 5.0 }, &control)
        .is_none());
    // Another chart metric is a view setting: it is kept, and nothing reruns.
    let charted = first
        .reduce(
            ExperimentAction::Set(ExperimentView {
                chart: Some(Metric::Ctr),
                ..first.view.clone()
            }),
            &control,
        )
        .unwrap();
    assert_eq!(charted.view.chart, Some(Metric::Ctr));
    assert!(charted
        .reduce(ExperimentAction::Submit { now_ms: 6.0 }, &control)
        .is_none());
    let old_requests = first.run.as_ref().unwrap().requests();
    // New settings: a new run supersedes the first.
    let view = ExperimentView {
        treatment: vec![(Knob::Every, Value::Number(2.0))],
        ..first.view.clone()
    };
    let second = first
        .reduce(ExperimentAction::Set(view), &control)
        .unwrap()
        .reduce(ExperimentAction::Submit { now_ms: 10.0 }, &control)
        .unwrap();
    assert_eq!(
        second.run.as_ref().unwrap().id,
        first.run.as_ref().unwrap().id + 1
    );
    for request in old_requests {
        let stale = handle(request, &mut EngineCache::default(), || 0.0);
        assert!(
            second.answer(&stale).is_none(),
            "a superseded run's answer is dropped"
        );
    }
    let done = run_all(second);
    let report = &done.answer.as_ref().unwrap().report;
    let rev = &report["metrics"]["revenue_per_day"];
    assert!(rev["estimate"]["relative"].is_number());
    assert!(rev["truth"]["relative"].is_number());
    // A duplicate answer after completion is ignored.
    let again = handle(
        Request::Experiment {
            id: done.run.as_ref().unwrap().id,
            spec: (*done.run.as_ref().unwrap().spec).clone(),
            index: 0,
        },
        &mut EngineCache::default(),
        || 0.0,
    );
    assert!(done.answer(&again).is_none());
}

#[test]
fn changing_the_design_reruns_with_the_new_control() {
    let control = small_control();
    let mut app = Rc::new(AppState::from_query(
        "v=1&users=300&page=experiment&exp.t=every:3&exp.days=5&exp.horizon=10",
        EngineMode::MainThread,
    ));
    assert_eq!(app.tab, Tab::Experiment);
    assert!(app.problems.is_empty(), "{:?}", app.problems);
    assert_eq!(
        app.experiment.view.treatment,
        vec![(Knob::Every, Value::Number(3.0))]
    );
    app = app.reduce(Action::Experiment(ExperimentAction::Submit { now_ms: 0.0 }));
    let first = app.experiment.run.clone().unwrap();
    assert!(first.spec.contains("users=300"));
    // Moving a knob of the current design (the control) makes the next submit a new run.
    app = app.reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(0.3),
    });
    app = app.reduce(Action::Experiment(ExperimentAction::Submit { now_ms: 1.0 }));
    let second = app.experiment.run.clone().unwrap();
    assert_eq!(second.id, first.id + 1);
    assert!(second.spec.contains("reserve=0.3"));
    // Answers reach the tab through the app's reducer.
    for request in second.requests() {
        let response = handle(request, &mut EngineCache::default(), || 0.0);
        app = app.reduce(Action::Engine(response));
    }
    let answer = app.experiment.answer.clone().expect("a report");
    let mut p = control.clone();
    p.auction.reserve = 0.3;
    let (cli, _) = run_json(&app.experiment.view.spec_text(&p), 1).unwrap();
    assert_eq!(*answer.text, cli);
    // The link carries the tab's settings.
    let query = app.query();
    assert!(query.contains("page=experiment"), "{query}");
    assert!(query.contains("exp.t=every:3"), "{query}");
}

#[test]
fn an_engine_answer_of_another_kind_leaves_the_tab_alone() {
    let state = ExperimentState::new(treatment_every_3());
    assert!(state.answer(&Response::Ready).is_none());
}

#[test]
fn the_power_calculator_matches_the_closed_form() {
    // n = 2 (z_{0.975} + z_{0.8})² p(1 − p) / (p r)², p = 0.1, r = 0.1.
    let view = PowerView {
        effect: PowerEffect::Proportion {
            baseline: 0.1,
            lift: 0.1,
        },
        alpha: 0.05,
        power: 0.8,
    };
    let z = stats::normal_quantile(0.975) + stats::normal_quantile(0.8);
    let exact = 2.0 * z * z * 0.09 / (0.01 * 0.01);
    let answer = power_answer(&view, 0.5, 14, Some(1000.0));
    let n = answer.sample.clone().unwrap();
    assert!((n.n_per_arm_exact - exact).abs() < 1e-6 * exact);
    assert_eq!(n.n_per_arm, exact.ceil() as u64);
    // 1000 sessions a day, half per arm: days = ⌈n / 500⌉.
    assert_eq!(answer.units_per_day, Some(500.0));
    assert_eq!(
        answer.days,
        Some((n.n_per_arm as f64 / 500.0).ceil() as u64)
    );
    // Direction: a bigger share in the smaller arm needs fewer days; a smaller lift more.
    let lopsided = power_answer(&view, 0.1, 14, Some(1000.0));
    assert!(lopsided.days.unwrap() > answer.days.unwrap());
    // The MDE of 14 days at 7000 units per arm: (z) · √(p(1−p)) · √(2/7000) / p.
    let mde = answer.mde_for_days.unwrap();
    let expected = z * 0.09f64.sqrt() * (2.0f64 / 7000.0).sqrt() / 0.1;
    assert!((mde - expected).abs() < 1e-9, "{mde} vs {expected}");
    // A mean: sd and absolute mde.
    let mean = PowerView {
        effect: PowerEffect::Mean { sd: 2.0, mde: 0.5 },
        ..view
    };
    let n = power_answer(&mean, 0.5, 14, None).sample.unwrap();
    assert_eq!(n.n_per_arm, (2.0 * z * z * 4.0 / 0.25f64).ceil() as u64);
    // Bad input: the error names the field; no sessions known: no days.
    let bad = PowerView { alpha: 1.5, ..view };
    let answer = power_answer(&bad, 0.5, 14, None);
    assert!(answer.sample.unwrap_err().contains("alpha"));
    assert_eq!(answer.days, None);
}

#[test]
fn the_switchback_schedule_goes_into_the_spec_only_when_chosen() {
    let control = small_control();
    let default = ExperimentView {
        design: Design::Switchback,
        ..treatment_every_3()
    };
    assert!(!default.spec_text(&control).contains("switchback_schedule"));
    let balanced = ExperimentView {
        switchback: SwitchbackSchedule::Balanced,
        replications: 2,
        pre_days: 5,
        ..default.clone()
    };
    let spec = balanced.spec_text(&control);
    assert!(
        spec.contains(r#""switchback_schedule": "balanced""#),
        "{spec}"
    );
    assert_eq!(balanced.problem(&control), None);
    // The jobs assemble into the CLI's report, which carries the schedule and CUPED's
    // replications summary.
    let n = job_count(&spec).unwrap();
    let outputs: Vec<String> = (0..n).map(|i| run_job(&spec, i).unwrap()).collect();
    let (cli, _) = run_json(&spec, 2).unwrap();
    assert_eq!(assemble(&spec, &outputs).unwrap(), cli);
    let report: serde_json::Value = serde_json::from_str(&cli).unwrap();
    assert_eq!(report["switchback_schedule"], "balanced");
    // 5 days at 0.5: round(2.5) = 3 treatment days.
    assert_eq!(report["units"]["control"], 2);
    assert_eq!(report["units"]["treatment"], 3);
    assert!(report["metrics"]["revenue_per_day"]["replications"]["cuped"].is_object());
    // Paired days at a share other than 0.5: the spec parser's message names the field.
    let paired = ExperimentView {
        switchback: SwitchbackSchedule::Paired,
        share: 0.3,
        ..default
    };
    let problem = paired.problem(&control).expect("paired needs share 0.5");
    assert!(problem.contains("`switchback_schedule`"), "{problem}");
    // Without a switchback the schedule stays out of the spec, which runs.
    let user = ExperimentView {
        design: Design::User,
        ..paired
    };
    assert!(!user.spec_text(&control).contains("switchback_schedule"));
    assert_eq!(user.problem(&control), None);
}
