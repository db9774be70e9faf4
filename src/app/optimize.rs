//! The Tradeoffs tab's optimizer and its comparison of ad-load policies, as state machines that
//! ask for batches of configurations and receive their summaries from the worker pool.
//!
//! The core's searches ([`crate::core::tradeoff::optimize()`],
//! [`crate::core::tradeoff::policies::compare_policies`]) call a batch evaluator synchronously,
//! and each step depends on the answers before it. The browser cannot block on its workers, so a
//! run here *replays* the whole search from the start every time a batch is complete, with an
//! evaluator that answers from the summaries received so far ([`Batches`]). The search is
//! deterministic, so each replay follows the same path as the one before and goes one batch
//! further: the first batch with a configuration not yet answered is asked of the pool
//! ([`Request::Evaluate`], one request per configuration) and the replay stops there. When a
//! replay meets no unanswered batch, its result is the search's result: the same, number for
//! number, as `sandbox optimize` or `sandbox policies` on the same problem (replays cost no
//! simulations; `tests/app_optimize.rs` checks the equality).
//!
//! A batch has a job id, strictly increasing ([`crate::app::state::AppState::latest_job`]); only
//! answers to the current batch of the current, uncancelled run count. That bookkeeping (ids,
//! stale answers, progress, the clock, cancelling) is one [`BatchRun`] for both searches; what
//! differs is their [`Search`]: [`OptimizeRun`] is a `BatchRun<OptimizeSearch>`, [`PoliciesRun`]
//! a `BatchRun<PoliciesSearch>`.
//!
//! The optimizer's settings come from the link ([`OptView`]). A constraint relative to the
//! current design ("≥ 0.97 × the current last-week engagement") is resolved to an absolute bound
//! when the run starts: the run first asks for the current design alone, then builds the same
//! optimize spec `sandbox optimize` reads (the design as a share link, the absolute bounds), so
//! the problem is by construction the command line's.

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::json;

use super::protocol::Request;
use crate::config::spec::optimize::{parse as parse_spec, report};
use crate::config::url::{encode, OptConstraint, OptView, Side};
use crate::core::model::knobs::Knob;
use crate::core::model::{Params, Summaries, WindowedMetric};
use crate::core::tradeoff::grid::set_knob;
use crate::core::tradeoff::policies::{compare_policies, PolicyComparison};
use crate::core::tradeoff::{optimize, OptimizeError, Options, Outcome, Problem};

/// What a replay found: a batch still to be evaluated, or the search's result.
#[derive(Debug)]
pub enum Step<T> {
    /// These configurations (not yet answered, in the search's order) are needed next.
    Need(Vec<Params>),
    /// The search finished.
    Done(Result<T, OptimizeError>),
}

/// The key a configuration's summaries are remembered by: its canonical share link (exact).
fn key(params: &Params) -> String {
    encode(params, None)
}

/// The summaries received so far and the batch currently asked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Batches {
    /// The current batch's job id.
    pub job: u64,
    /// The configurations of the current batch.
    pub asked: Vec<Params>,
    /// Their summaries, by index, once answered.
    pub received: Vec<Option<Rc<Summaries>>>,
    /// Every configuration answered, by [`key`].
    known: HashMap<String, Rc<Summaries>>,
    /// Configurations simulated for this run (answers received).
    pub simulated: usize,
    /// Batches asked for this run.
    pub batches: usize,
}

impl Batches {
    /// Asks for `batch` as job `job`.
    fn ask(&mut self, job: u64, batch: Vec<Params>) {
        self.job = job;
        self.received = vec![None; batch.len()];
        self.asked = batch;
        self.batches += 1;
    }

    /// The requests of the current batch not answered yet.
    pub fn requests(&self) -> Vec<Request> {
        self.asked
            .iter()
            .enumerate()
            .filter(|(i, _)| self.received[*i].is_none())
            .map(|(index, params)| Request::Evaluate {
                job: self.job,
                index,
                params: params.clone(),
            })
            .collect()
    }

    /// Whether the current batch is fully answered.
    pub fn complete(&self) -> bool {
        self.received.iter().all(Option::is_some)
    }

    /// Takes an answer to job `job`; `false` when it is not one this batch awaits.
    fn receive(&mut self, job: u64, index: usize, summaries: Rc<Summaries>) -> bool {
        if job != self.job || self.received.get(index).is_none_or(|r| r.is_some()) {
            return false;
        }
        self.known
            .insert(key(&self.asked[index]), summaries.clone());
        self.received[index] = Some(summaries);
        self.simulated += 1;
        true
    }

    /// The summaries of `params`, if answered.
    pub fn get(&self, params: &Params) -> Option<&Rc<Summaries>> {
        self.known.get(&key(params))
    }

    /// Runs `search` with an evaluator that answers from the summaries received; stops at the
    /// first batch holding a configuration not answered yet.
    pub fn replay<T>(
        &self,
        search: impl FnOnce(&mut dyn FnMut(&[Params]) -> Vec<Summaries>) -> Result<T, OptimizeError>,
    ) -> Step<T> {
        let mut missing: Vec<Params> = Vec::new();
        let result = search(&mut |batch: &[Params]| {
            if !missing.is_empty() {
                return Vec::new();
            }
            let found: Option<Vec<Summaries>> = batch
                .iter()
                .map(|p| self.known.get(&key(p)).map(|s| (**s).clone()))
                .collect();
            match found {
                Some(all) => all,
                None => {
                    let mut keys: Vec<String> = Vec::new();
                    for p in batch {
                        let k = key(p);
                        if !self.known.contains_key(&k) && !keys.contains(&k) {
                            keys.push(k);
                            missing.push(p.clone());
                        }
                    }
                    // A short answer stops the search with an error, which is discarded.
                    Vec::new()
                }
            }
        });
        if missing.is_empty() {
            Step::Done(result)
        } else {
            Step::Need(missing)
        }
    }
}

/// A constraint of the settings with its bound resolved against the current design.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResolvedConstraint {
    /// The constraint as set.
    pub spec: OptConstraint,
    /// The current design's value of the metric.
    pub current: f64,
    /// The absolute bound (the value, or the multiple of `current`).
    pub bound: f64,
}

/// Resolves every constraint of `view` against the current design's `summaries`.
pub fn resolve_constraints(view: &OptView, summaries: &Summaries) -> Vec<ResolvedConstraint> {
    view.constraint_list()
        .into_iter()
        .map(|c| {
            let current = c.metric.value(summaries);
            let bound = if c.relative {
                c.value * current
            } else {
                c.value
            };
            ResolvedConstraint {
                spec: c,
                current,
                bound,
            }
        })
        .collect()
}

/// The optimize spec (`sandbox optimize`'s JSON) for maximising `view`'s objective over its
/// knobs from `base`, under the resolved constraints: entries on one metric are merged (the
/// tightest lower and upper bound).
pub fn spec_json(base: &Params, view: &OptView, constraints: &[ResolvedConstraint]) -> String {
    let objective = view
        .objective_metric()
        .map(|m| m.to_string())
        .unwrap_or_default();
    let knobs: Vec<serde_json::Value> = view
        .knob_list()
        .iter()
        .map(|k| json!({"key": k.knob.spec().key, "min": k.min, "max": k.max}))
        .collect();
    let mut merged: Vec<(WindowedMetric, Option<f64>, Option<f64>)> = Vec::new();
    for c in constraints {
        let i = match merged.iter().position(|m| m.0 == c.spec.metric) {
            Some(i) => i,
            None => {
                merged.push((c.spec.metric, None, None));
                merged.len() - 1
            }
        };
        let entry = &mut merged[i];
        match c.spec.side {
            Side::Min => entry.1 = Some(entry.1.map_or(c.bound, |b: f64| b.max(c.bound))),
            Side::Max => entry.2 = Some(entry.2.map_or(c.bound, |b: f64| b.min(c.bound))),
        }
    }
    let constraints: Vec<serde_json::Value> = merged
        .iter()
        .map(|(m, min, max)| {
            let mut entry = json!({"metric": m.to_string()});
            if let Some(min) = min {
                entry["min"] = json!(min);
            }
            if let Some(max) = max {
                entry["max"] = json!(max);
            }
            entry
        })
        .collect();
    json!({
        "base": encode(base, None),
        "objective": objective,
        "knobs": knobs,
        "constraints": constraints,
    })
    .to_string()
}

/// A finished optimization.
#[derive(Debug, Clone)]
pub struct Optimum {
    /// The problem solved (as `sandbox optimize` parses the spec).
    pub problem: Problem,
    /// The answer.
    pub outcome: Outcome,
    /// Notes from the spec (a knob with no effect on the design).
    pub warnings: Vec<String>,
}

impl Optimum {
    /// The report `sandbox optimize` prints for the same problem.
    pub fn report_json(&self) -> String {
        report(&self.problem, &self.outcome).unwrap_or_default()
    }

    /// The best value of each knob, with the knob.
    pub fn best(&self) -> Vec<(Knob, f64)> {
        self.problem
            .knobs
            .iter()
            .zip(&self.outcome.best)
            .map(|(k, &x)| (k.spec.id, x))
            .collect()
    }

    /// `params` with the knobs set to the best design.
    pub fn apply(&self, params: &Params) -> Params {
        let mut out = params.clone();
        for (k, &x) in self.problem.knobs.iter().zip(&self.outcome.best) {
            set_knob(&mut out, k.spec, x);
        }
        out
    }
}

/// What differs between the runs of the Tradeoffs tab's searches: the search itself and its own
/// state. The bookkeeping they share (ids, stale answers, progress, the clock, cancelling) is
/// [`BatchRun`]'s.
pub trait Search: Clone + PartialEq + std::fmt::Debug {
    /// The search's result.
    type Output: std::fmt::Debug;

    /// Replays the search on `base` from the answers in `batches`: the next batch to ask, or the
    /// result (an error for settings that cannot run).
    fn next(&mut self, base: &Rc<Params>, batches: &Batches) -> Next<Self::Output>;
}

/// What a [`Search`] needs next.
#[derive(Debug)]
pub enum Next<T> {
    /// Ask the pool for these configurations.
    Ask(Vec<Params>),
    /// The search finished: its result, or why it cannot run.
    Done(Result<T, String>),
}

impl<T> Next<T> {
    /// The result mapped by `f`.
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Next<U> {
        match self {
            Next::Ask(batch) => Next::Ask(batch),
            Next::Done(result) => Next::Done(result.map(f)),
        }
    }
}

impl<T> From<Step<T>> for Next<T> {
    fn from(step: Step<T>) -> Next<T> {
        match step {
            Step::Need(batch) => Next::Ask(batch),
            Step::Done(result) => Next::Done(result.map_err(|e| e.to_string())),
        }
    }
}

/// One search in progress (or done) on the worker pool: [`OptimizeRun`] or [`PoliciesRun`]. It
/// dereferences to its search's own state (the optimizer's settings and resolved constraints).
#[derive(Debug)]
pub struct BatchRun<S: Search> {
    /// The run's id.
    pub id: u64,
    /// The design the search starts from (the current design when it started).
    pub base: Rc<Params>,
    /// The search and its own state.
    pub search: S,
    /// The evaluations.
    pub batches: Batches,
    /// The result, or why the search cannot run.
    pub outcome: Option<Result<Rc<S::Output>, String>>,
    /// When it started (host clock, ms).
    pub started_ms: f64,
    /// Time from the start to the last clock tick while running (ms).
    pub elapsed_ms: f64,
    /// Whether it was cancelled.
    pub cancelled: bool,
}

impl<S: Search> Clone for BatchRun<S> {
    fn clone(&self) -> Self {
        BatchRun {
            id: self.id,
            base: self.base.clone(),
            search: self.search.clone(),
            batches: self.batches.clone(),
            outcome: self.outcome.clone(),
            started_ms: self.started_ms,
            elapsed_ms: self.elapsed_ms,
            cancelled: self.cancelled,
        }
    }
}

impl<S: Search> PartialEq for BatchRun<S> {
    fn eq(&self, other: &Self) -> bool {
        // The outcome follows from the search and the answers received.
        self.id == other.id
            && self.base == other.base
            && self.search == other.search
            && self.batches == other.batches
            && self.outcome.is_some() == other.outcome.is_some()
            && self.elapsed_ms == other.elapsed_ms
            && self.cancelled == other.cancelled
    }
}

impl<S: Search> std::ops::Deref for BatchRun<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.search
    }
}

impl<S: Search> BatchRun<S> {
    /// A new run of `search` from `base` whose first batch is job `job` (a search that cannot
    /// run finishes at once with the reason).
    pub fn start(id: u64, job: u64, base: Rc<Params>, search: S, now_ms: f64) -> BatchRun<S> {
        let mut run = BatchRun {
            id,
            base,
            search,
            batches: Batches::default(),
            outcome: None,
            started_ms: now_ms,
            elapsed_ms: 0.0,
            cancelled: false,
        };
        run.advance(&mut || job);
        run
    }

    /// Whether answers are still awaited.
    pub fn running(&self) -> bool {
        !self.cancelled && self.outcome.is_none()
    }

    /// Takes the answer to configuration `index` of job `job`; when that completes the batch,
    /// goes on to the next batch (job `next_job()`) or to the result. `false` when the answer is
    /// not one this run awaits (another job, a repeated answer, a cancelled or finished run).
    pub fn receive(
        &mut self,
        job: u64,
        index: usize,
        summaries: Rc<Summaries>,
        next_job: &mut dyn FnMut() -> u64,
    ) -> bool {
        if !self.running() || !self.batches.receive(job, index, summaries) {
            return false;
        }
        if self.batches.complete() {
            self.advance(next_job);
        }
        true
    }

    fn advance(&mut self, next_job: &mut dyn FnMut() -> u64) {
        match self.search.next(&self.base, &self.batches) {
            Next::Ask(batch) => self.batches.ask(next_job(), batch),
            Next::Done(result) => self.outcome = Some(result.map(Rc::new)),
        }
    }

    /// The run cancelled, if it is running (`None`: nothing to cancel).
    pub fn cancel(&self) -> Option<BatchRun<S>> {
        self.running().then(|| BatchRun {
            cancelled: true,
            ..self.clone()
        })
    }

    /// The run with its elapsed time at the host's clock `now_ms`, if it is running (`None`: the
    /// clock no longer moves it).
    pub fn ticked(&self, now_ms: f64) -> Option<BatchRun<S>> {
        self.running().then(|| BatchRun {
            elapsed_ms: (now_ms - self.started_ms).max(self.elapsed_ms),
            ..self.clone()
        })
    }
}

/// The optimizer's own state: its settings, and once the current design's run is known, the
/// constraints resolved against it and the spec solved.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizeSearch {
    /// The settings it runs.
    pub view: OptView,
    /// The constraints resolved against the current design, once its run is known.
    pub constraints: Option<Vec<ResolvedConstraint>>,
    /// The spec it solves, once the constraints are resolved.
    pub spec: Option<String>,
}

impl Search for OptimizeSearch {
    type Output = Optimum;

    fn next(&mut self, base: &Rc<Params>, batches: &Batches) -> Next<Optimum> {
        if self.view.objective_metric().is_none() {
            return Next::Done(Err("choose an objective".into()));
        }
        if self.view.knob_list().is_empty() {
            return Next::Done(Err("add a knob to vary".into()));
        }
        if self.spec.is_none() {
            // The current design alone first, to resolve relative bounds.
            let Some(own) = batches.get(base).cloned() else {
                return Next::Ask(vec![(**base).clone()]);
            };
            let resolved = resolve_constraints(&self.view, &own);
            self.spec = Some(spec_json(base, &self.view, &resolved));
            self.constraints = Some(resolved);
        }
        let spec = match parse_spec(self.spec.as_deref().unwrap_or_default()) {
            Ok(spec) => spec,
            Err(e) => return Next::Done(Err(e.to_string())),
        };
        let step =
            batches.replay(|evaluate| optimize(&spec.problem, &Options::default(), evaluate));
        Next::from(step).map(|outcome| Optimum {
            problem: spec.problem.clone(),
            outcome,
            warnings: spec.warnings.clone(),
        })
    }
}

/// One optimization in progress (or done).
pub type OptimizeRun = BatchRun<OptimizeSearch>;

impl OptimizeRun {
    /// A new run of `view` from `base` whose first batch (the current design alone) is job
    /// `job`. Settings that cannot run give a finished run with the reason.
    pub fn new(id: u64, job: u64, base: Rc<Params>, view: OptView, now_ms: f64) -> OptimizeRun {
        let search = OptimizeSearch {
            view,
            constraints: None,
            spec: None,
        };
        BatchRun::start(id, job, base, search, now_ms)
    }

    /// The optimum, once found.
    pub fn optimum(&self) -> Option<&Rc<Optimum>> {
        self.outcome.as_ref().and_then(|o| o.as_ref().ok())
    }

    /// Whether `params` differs from the run's base only in the run's knobs (so the run still
    /// describes it).
    pub fn same_base(&self, params: &Params) -> bool {
        let mut p = params.clone();
        for k in self.view.knob_list() {
            let spec = k.knob.spec();
            (spec.set)(&mut p, &(spec.get)(&self.base));
        }
        p == *self.base
    }
}

/// The comparison of ad-load policies: the search has no state of its own.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PoliciesSearch;

impl Search for PoliciesSearch {
    type Output = PolicyComparison;

    fn next(&mut self, base: &Rc<Params>, batches: &Batches) -> Next<PolicyComparison> {
        batches
            .replay(|evaluate| compare_policies(base, &Options::default(), evaluate))
            .into()
    }
}

/// One comparison of the ad-load policies in progress (or done).
pub type PoliciesRun = BatchRun<PoliciesSearch>;

impl PoliciesRun {
    /// A new comparison on `base`'s market whose first batch is job `job`.
    pub fn new(id: u64, job: u64, base: Rc<Params>, now_ms: f64) -> PoliciesRun {
        BatchRun::start(id, job, base, PoliciesSearch, now_ms)
    }
}
