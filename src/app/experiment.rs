//! The Experiments tab's logic: its settings ([`ExperimentView`], in the link), the run it asks
//! the workers for ([`ExperimentRun`]: a `sandbox experiment` spec split into jobs), the report
//! assembled from the jobs' outputs ([`ExperimentAnswer`]) and the power calculator
//! ([`power_answer`]).
//!
//! The control is the app's current configuration; the spec is [`ExperimentView::spec`] of it.
//! A run is [`job_count`] jobs, each one [`crate::app::protocol::Request::Experiment`] spread
//! over the worker pool like the points of a sweep; [`run_job`] computes one in a worker and
//! [`assemble`] builds the report from all of them on the page. The report is exactly what
//! `sandbox experiment` prints for the spec (`tests/app_experiment.rs` checks it byte for byte).

use std::rc::Rc;

use serde_json::Value as Json;

use super::protocol::{Request, Response};
use crate::config::experiment::{ExperimentView, PowerEffect, PowerView};
use crate::config::spec::experiment;
use crate::core::model::Params;
use crate::core::stats;

/// The number of jobs `spec` (a `sandbox experiment` spec) splits into
/// ([`experiment::job_count`]): the replications, the long-term truth and the side-by-side
/// designs.
pub fn job_count(spec: &str) -> Result<usize, String> {
    let spec = experiment::parse(spec).map_err(|e| e.to_string())?;
    Ok(experiment::job_count(&spec))
}

/// Runs job `index` of `spec` ([`experiment::run_job`]) and returns it as JSON text (what
/// crosses the worker boundary; every number keeps its bits).
pub fn run_job(spec: &str, index: usize) -> Result<String, String> {
    let spec = experiment::parse(spec).map_err(|e| e.to_string())?;
    let job = experiment::run_job(&spec, index).map_err(|e| e.to_string())?;
    serde_json::to_string(&job).map_err(|e| e.to_string())
}

/// The report of `spec` from the outputs of its jobs ([`experiment::assemble`]): the text
/// `sandbox experiment` prints.
pub fn assemble(spec: &str, outputs: &[String]) -> Result<String, String> {
    let spec = experiment::parse(spec).map_err(|e| e.to_string())?;
    let jobs = outputs
        .iter()
        .map(|text| serde_json::from_str::<experiment::ExperimentJob>(text))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("a job's output does not read: {e}"))?;
    let report = experiment::assemble(&spec, jobs).map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())
}

/// One run of the experiment: its spec and the outputs of its jobs as they arrive.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentRun {
    /// Run id (increasing).
    pub id: u64,
    /// The spec (pretty JSON, as `sandbox experiment` reads it).
    pub spec: Rc<String>,
    /// Per job, its output once answered.
    pub outputs: Vec<Option<String>>,
    /// The first error a job answered, if any.
    pub error: Option<String>,
    /// The host's clock when the run started (ms).
    pub started_ms: f64,
    /// Time since the start at the latest answer (ms).
    pub elapsed_ms: f64,
}

impl ExperimentRun {
    /// Whether answers are still awaited.
    pub fn running(&self) -> bool {
        self.error.is_none() && self.outputs.iter().any(Option::is_none)
    }

    /// Jobs answered.
    pub fn done(&self) -> usize {
        self.outputs.iter().filter(|o| o.is_some()).count()
    }

    /// The requests of the jobs not yet answered.
    pub fn requests(&self) -> Vec<Request> {
        self.outputs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.is_none())
            .map(|(index, _)| Request::Experiment {
                id: self.id,
                spec: (*self.spec).clone(),
                index,
            })
            .collect()
    }
}

/// A finished run's report.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentAnswer {
    /// The run's id.
    pub id: u64,
    /// The spec it ran.
    pub spec: Rc<String>,
    /// The report as `sandbox experiment` prints it.
    pub text: Rc<String>,
    /// The report, parsed.
    pub report: Rc<Json>,
    /// Jobs the run was split into.
    pub jobs: usize,
    /// Wall time from the start to the last answer (ms).
    pub elapsed_ms: f64,
}

/// The Experiments tab's state: settings, the latest run and the latest finished report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExperimentState {
    /// The settings (in the link).
    pub view: ExperimentView,
    /// The latest run id (0 before the first).
    pub latest: u64,
    /// The latest run.
    pub run: Option<Rc<ExperimentRun>>,
    /// The latest finished run's report (while a newer run computes, an older one's).
    pub answer: Option<Rc<ExperimentAnswer>>,
    /// Why the latest settings do not run, if they do not.
    pub problem: Option<String>,
}

/// What can happen on the Experiments tab.
#[derive(Debug, Clone, PartialEq)]
pub enum ExperimentAction {
    /// New settings.
    Set(ExperimentView),
    /// Run the experiment of the current settings on the current design if its spec changed
    /// since the last run (dispatched by the page's debounced effect while the tab is shown).
    Submit {
        /// The host's clock (ms).
        now_ms: f64,
    },
}

impl ExperimentState {
    /// A fresh state with `view`.
    pub fn new(view: ExperimentView) -> ExperimentState {
        ExperimentState {
            view,
            ..ExperimentState::default()
        }
    }

    /// Whether the latest run is still computing.
    pub fn computing(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.running())
    }

    /// The state after `action` with `control` as the current design (`None`: nothing changed).
    pub fn reduce(&self, action: ExperimentAction, control: &Params) -> Option<ExperimentState> {
        match action {
            ExperimentAction::Set(view) => (view != self.view).then(|| ExperimentState {
                view,
                ..self.clone()
            }),
            ExperimentAction::Submit { now_ms } => {
                if let Some(problem) = self.view.problem(control) {
                    if self.problem.as_ref() == Some(&problem) && self.run.is_none() {
                        return None;
                    }
                    return Some(ExperimentState {
                        run: None,
                        problem: Some(problem),
                        ..self.clone()
                    });
                }
                let spec = self.view.spec_text(control);
                if self.run.as_ref().is_some_and(|r| *r.spec == spec) {
                    return None;
                }
                let mut next = self.clone();
                next.problem = None;
                next.latest += 1;
                let (outputs, error) = match job_count(&spec) {
                    Ok(n) => (vec![None; n], None),
                    Err(e) => (Vec::new(), Some(e)),
                };
                next.problem = error.clone();
                next.run = Some(Rc::new(ExperimentRun {
                    id: next.latest,
                    spec: Rc::new(spec),
                    outputs,
                    error,
                    started_ms: now_ms,
                    elapsed_ms: 0.0,
                }));
                Some(next)
            }
        }
    }

    /// The state after the host's clock reads `now_ms` while a run computes.
    pub fn tick(&self, now_ms: f64) -> Option<ExperimentState> {
        let run = self.run.as_ref().filter(|r| r.running())?;
        let mut run = (**run).clone();
        run.elapsed_ms = (now_ms - run.started_ms).max(run.elapsed_ms);
        Some(ExperimentState {
            run: Some(Rc::new(run)),
            ..self.clone()
        })
    }

    /// The state after a worker's answer (`None`: not an answer the latest run awaits).
    pub fn answer(&self, response: &Response) -> Option<ExperimentState> {
        let Response::Experiment {
            id, index, output, ..
        } = response
        else {
            return None;
        };
        let run = self
            .run
            .as_ref()
            .filter(|r| r.id == *id && r.running())
            .filter(|r| r.outputs.get(*index).is_some_and(Option::is_none))?;
        let mut run = (**run).clone();
        let mut next = self.clone();
        match output {
            Ok(text) => run.outputs[*index] = Some(text.clone()),
            Err(e) => {
                run.error = Some(e.clone());
                next.problem = Some(e.clone());
            }
        }
        if run.error.is_none() && !run.running() {
            let outputs: Vec<String> = run.outputs.iter().flatten().cloned().collect();
            let report = assemble(&run.spec, &outputs).and_then(|text| {
                Ok((
                    serde_json::from_str(&text).map_err(|e| e.to_string())?,
                    text,
                ))
            });
            match report {
                Ok((report, text)) => {
                    next.answer = Some(Rc::new(ExperimentAnswer {
                        id: run.id,
                        spec: run.spec.clone(),
                        text: Rc::new(text),
                        report: Rc::new(report),
                        jobs: run.outputs.len(),
                        elapsed_ms: run.elapsed_ms,
                    }));
                }
                Err(e) => {
                    run.error = Some(e.clone());
                    next.problem = Some(e);
                }
            }
        }
        next.run = Some(Rc::new(run));
        Some(next)
    }
}

/// What the power calculator answers.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerAnswer {
    /// Units per arm (or the calculator's error, naming the input).
    pub sample: Result<stats::SampleSize, String>,
    /// Units (sessions) per day in the smaller arm of the current design and share, when the
    /// current design's run is known.
    pub units_per_day: Option<f64>,
    /// Days of the current population a test needs (sessions as units), when known.
    pub days: Option<u64>,
    /// The smallest relative effect (for a proportion; absolute for a mean) the experiment's
    /// test days can detect at this level and power, when known.
    pub mde_for_days: Option<f64>,
}

/// The power calculator: units per arm for `power`, and, with `sessions_per_day` of the current
/// design, the days a test of the current population needs when each session is a unit and
/// the smaller arm gets `min(share, 1 − share)` of them (a lower bound: one user's sessions are
/// correlated), and the minimum detectable effect of `days` test days.
pub fn power_answer(
    power: &PowerView,
    share: f64,
    days: u32,
    sessions_per_day: Option<f64>,
) -> PowerAnswer {
    let sample = match power.effect {
        PowerEffect::Proportion { baseline, lift } => {
            stats::sample_size_proportion(baseline, lift, power.alpha, power.power)
        }
        PowerEffect::Mean { sd, mde } => stats::sample_size(sd, mde, power.alpha, power.power),
    }
    .map_err(|e| e.to_string());
    let units_per_day = sessions_per_day
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| s * share.min(1.0 - share));
    let days_needed = match (&sample, units_per_day) {
        (Ok(n), Some(u)) if u > 0.0 => Some((n.n_per_arm as f64 / u).ceil().max(1.0) as u64),
        _ => None,
    };
    let mde_for_days = units_per_day.and_then(|u| {
        let n = (u * f64::from(days)).floor() as u64;
        let sd = match power.effect {
            PowerEffect::Proportion { baseline, .. } => (baseline * (1.0 - baseline)).sqrt(),
            PowerEffect::Mean { sd, .. } => sd,
        };
        let abs = stats::mde(sd, n, power.alpha, power.power).ok()?;
        Some(match power.effect {
            PowerEffect::Proportion { baseline, .. } => abs / baseline,
            PowerEffect::Mean { .. } => abs,
        })
    });
    PowerAnswer {
        sample,
        units_per_day,
        days: days_needed,
        mde_for_days,
    }
}
