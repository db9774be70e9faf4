//! The app's one state and its reducer: plain Rust, no web types, compiled and tested natively
//! (`tests/app_state.rs`). The Yew front end implements `yew::Reducible` by calling
//! [`AppState::reduce`].
//!
//! What is state: the configuration ([`AppState::params`]), the pinned baseline, UI flags (tab,
//! banner, share box), the engine's mode and the id of the latest request. What is not: results.
//! They are derived from the configuration by the engine and kept only as the answer to the latest
//! request ([`Computed`], keyed by its request id), never edited.
//!
//! The request cycle: a configuration change re-renders; the app's debounced effect dispatches
//! [`Action::Submit`], which snapshots the configuration into a [`PendingRequest`] with a fresh,
//! larger id; an effect sends it to the engine; the answer comes back as
//! [`Action::Engine`] and is kept only if its id is still the latest.

use std::rc::Rc;

use super::experiment::{ExperimentAction, ExperimentState};
use super::lab::{LabAction, LabState};
use super::optimize::{BatchRun, OptimizeRun, PoliciesRun, Search};
use super::protocol::Response;
use super::sweep::Sweep;
use crate::config::presets::presets;
use crate::config::url::{
    decode, encode_link_full, sweepable, OptView, SweepView, UrlProblem, View, MAX_SWEEP_POINTS,
    MAX_TEST_WINDOW_DAYS, MIN_SWEEP_POINTS,
};
use crate::core::model::knobs::{Kind, Knob, ParamSpec, Value};
use crate::core::model::{Params, RunResult, Summaries};

/// The page's tabs (part of the link: `page=model`).
pub use crate::config::url::Page as Tab;

/// Where the engine runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineMode {
    /// In the Web Worker (the normal case).
    Worker,
    /// On the main thread: the fallback when the worker cannot start, and the test pages' mode.
    MainThread,
}

/// One problem found in the link, as the banner shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct BannerProblem {
    /// The URL key.
    pub key: String,
    /// The value given in the link.
    pub value: String,
    /// What was wrong.
    pub message: String,
    /// What was used instead.
    pub used: String,
}

impl From<&UrlProblem> for BannerProblem {
    fn from(p: &UrlProblem) -> Self {
        BannerProblem {
            key: p.key.clone(),
            value: p.value.clone(),
            message: p.message.clone(),
            used: p.used.clone(),
        }
    }
}

/// A request as sent to the engine: a snapshot of the configuration with its id.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRequest {
    /// Strictly increasing request id.
    pub id: u64,
    /// The configuration to run.
    pub params: Rc<Params>,
    /// The baseline to run alongside, if pinned.
    pub baseline: Option<Rc<Params>>,
}

/// The engine's answer to the latest request (derived data, never edited).
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    /// The request it answers.
    pub id: u64,
    /// The configuration that produced it.
    pub params: Rc<Params>,
    /// The run.
    pub result: Rc<RunResult>,
    /// The baseline configuration pinned at request time, if any.
    pub baseline: Option<Rc<Params>>,
    /// The baseline's run, when a baseline was pinned at request time.
    pub baseline_result: Option<Rc<RunResult>>,
    /// Engine wall time of the main run (ms).
    pub engine_ms: f64,
}

/// The "Copy link" box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareBox {
    /// Nothing shown.
    Closed,
    /// The link was copied to the clipboard.
    Copied(String),
    /// The clipboard refused: the link is shown in a field to copy by hand.
    Manual(String),
}

/// Everything the app remembers.
#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    /// The configuration being explored.
    pub params: Rc<Params>,
    /// The pinned baseline configuration.
    pub baseline: Option<Rc<Params>>,
    /// The preset the configuration equals, if any.
    pub preset: Option<&'static str>,
    /// The visible tab.
    pub tab: Tab,
    /// Days of the test window that comparisons show (days 1 to N), in the link as `window`.
    pub test_window_days: u32,
    /// Problems found in the link the page was opened with.
    pub problems: Rc<Vec<BannerProblem>>,
    /// Whether the problems banner is shown.
    pub banner_open: bool,
    /// Where the engine runs.
    pub engine: EngineMode,
    /// Whether the worker reported ready.
    pub engine_ready: bool,
    /// Id of the latest request (0 before the first).
    pub latest_request: u64,
    /// The latest request, to be sent by the app's effect.
    pub request: Option<Rc<PendingRequest>>,
    /// The answer to the latest answered request.
    pub results: Option<Rc<Computed>>,
    /// The last engine failure for the latest request, if any.
    pub failure: Option<String>,
    /// The share box.
    pub share: ShareBox,
    /// The Tradeoffs tab's sweep settings (in the link).
    pub sweep_view: SweepView,
    /// Id of the latest sweep (0 before the first).
    pub latest_sweep: u64,
    /// The current sweep and its answers; `None` before the first and after the base design or
    /// the sweep's knob, range or points changed (the Tradeoffs tab then starts a new one).
    pub sweep: Option<Rc<Sweep>>,
    /// The Tradeoffs tab's optimizer settings (in the link).
    pub opt_view: OptView,
    /// Whether the optimizer should run when the Tradeoffs tab shows (set by a link that carries
    /// runnable optimizer settings; cleared once a run starts).
    pub opt_autorun: bool,
    /// Whether the comparison of policies should run when the Tradeoffs tab shows (set by a link
    /// with `pol=1`; cleared once a comparison starts).
    pub pol_autorun: bool,
    /// Id of the latest optimizer batch (shared by optimizations and policy comparisons).
    pub latest_job: u64,
    /// Id of the latest optimization or policy comparison.
    pub latest_run: u64,
    /// The current optimization; dropped when the design changes other than in its knobs.
    pub optimize: Option<Rc<OptimizeRun>>,
    /// The current comparison of ad-load policies; dropped when the design changes.
    pub policies: Option<Rc<PoliciesRun>>,
    /// The Lab tab: its settings (in the link), batches and answers.
    pub lab: Rc<LabState>,
    /// The Experiments tab: its settings (in the link), its run and its report.
    pub experiment: Rc<ExperimentState>,
}

/// Everything that can happen.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A control changed.
    SetParam {
        /// The knob.
        id: Knob,
        /// The new value (clamped to the table's range; ignored if of the wrong kind).
        value: Value,
    },
    /// Load a preset by id.
    ApplyPreset(&'static str),
    /// Set the seed (the "New seed" button draws it).
    SetSeed(u64),
    /// Back to the default configuration.
    ResetDefaults,
    /// Freeze the current configuration as the baseline.
    PinBaseline,
    /// Forget the baseline.
    ClearBaseline,
    /// Show a tab.
    SetTab(Tab),
    /// Set the comparison's test window (days; clamped to 1–365).
    SetTestWindow(u32),
    /// Hide the link-problems banner.
    DismissBanner,
    /// Snapshot the configuration into a new request (dispatched by the debounced effect).
    Submit,
    /// An answer from the engine.
    Engine(Response),
    /// The worker did not start: run on the main thread from now on.
    EngineUnavailable,
    /// The link was copied.
    LinkCopied(String),
    /// The clipboard refused; show the link instead.
    LinkCopyFailed(String),
    /// Close the share box.
    CloseShare,
    /// Change the sweep's settings. A change of knob, range or points drops the current sweep
    /// (the Tradeoffs tab starts a new one); a change of metrics or the toggle only redraws.
    SetSweepView(SweepView),
    /// Start a new sweep of the current design with the current settings, superseding any
    /// other. `now_ms` is the host's clock.
    StartSweep {
        /// The host's clock (ms).
        now_ms: f64,
    },
    /// Stop the current sweep: its outstanding answers are dropped.
    CancelSweep,
    /// The host's clock while a sweep runs (updates its elapsed time).
    SweepClock(f64),
    /// Apply point `index` of the current sweep to the design (its knob value(s)).
    ApplySweepPoint(usize),
    /// Change the optimizer's settings (they apply to the next run).
    SetOptView(OptView),
    /// Start an optimization of the current design with the current settings.
    StartOptimize {
        /// The host's clock (ms).
        now_ms: f64,
    },
    /// Stop the current optimization.
    CancelOptimize,
    /// Put the optimum's knob values into the design.
    ApplyOptimum,
    /// Start a comparison of the ad-load policies on the current design's market.
    StartPolicies {
        /// The host's clock (ms).
        now_ms: f64,
    },
    /// Stop the current comparison of policies.
    CancelPolicies,
    /// Something on the Lab tab.
    Lab(LabAction),
    /// Something on the Experiments tab.
    Experiment(ExperimentAction),
}

impl AppState {
    /// The state for a page opened with `query` (with or without its leading `?`): the decoded
    /// configuration and baseline, and every problem the decoder reported.
    pub fn from_query(query: &str, engine: EngineMode) -> AppState {
        let decoded = decode(query.trim_start_matches('?'));
        let problems: Vec<BannerProblem> = decoded.problems.iter().map(Into::into).collect();
        let params = Rc::new(decoded.params);
        AppState {
            preset: matching_preset(&params),
            params,
            baseline: decoded.baseline.map(Rc::new),
            tab: decoded.view.page,
            test_window_days: decoded.view.test_window_days,
            banner_open: !problems.is_empty(),
            problems: Rc::new(problems),
            engine,
            engine_ready: engine == EngineMode::MainThread,
            latest_request: 0,
            request: None,
            results: None,
            failure: None,
            share: ShareBox::Closed,
            sweep_view: decoded.view.sweep,
            latest_sweep: 0,
            sweep: None,
            opt_autorun: decoded.view.opt.runnable(),
            opt_view: decoded.view.opt,
            pol_autorun: decoded.view.policies,
            latest_job: 0,
            latest_run: 0,
            optimize: None,
            policies: None,
            lab: Rc::new(LabState::new(decoded.lab)),
            experiment: Rc::new(ExperimentState::new(decoded.experiment)),
        }
    }

    /// The query string that reproduces this state (no leading `?`).
    pub fn query(&self) -> String {
        encode_link_full(
            &self.params,
            self.baseline.as_deref(),
            self.view(),
            &self.lab.view,
            &self.experiment.view,
        )
    }

    /// The view the link carries: the tab and the test window.
    pub fn view(&self) -> View {
        View {
            page: self.tab,
            test_window_days: self.test_window_days,
            sweep: self.sweep_view,
            opt: self.opt_view,
            policies: self.policies_shown(),
        }
    }

    /// Whether the comparison of ad-load policies is shown (running or done, not cancelled), or
    /// asked for by the link and not started yet: what `pol=1` in the link says.
    pub fn policies_shown(&self) -> bool {
        self.pol_autorun || self.policies.as_ref().is_some_and(|p| !p.cancelled)
    }

    /// Whether the Tradeoffs tab should start a comparison of policies: it is shown and a link
    /// asked for one that has not started yet.
    pub fn needs_policies(&self) -> bool {
        self.tab == Tab::Tradeoffs && self.pol_autorun && self.policies.is_none()
    }

    /// Whether the Tradeoffs tab should start an optimization: it is shown and a link asked for
    /// one that has not started yet.
    pub fn needs_optimize(&self) -> bool {
        self.tab == Tab::Tradeoffs && self.opt_autorun && self.optimize.is_none()
    }

    /// Whether the Tradeoffs tab should start a sweep: it is shown and has none.
    pub fn needs_sweep(&self) -> bool {
        self.tab == Tab::Tradeoffs && self.sweep.is_none()
    }

    /// Whether an answer to the latest request is still awaited.
    pub fn computing(&self) -> bool {
        self.latest_request > 0 && self.results.as_ref().map(|r| r.id) != Some(self.latest_request)
    }

    fn with(self: &Rc<Self>, change: impl FnOnce(&mut AppState)) -> Rc<AppState> {
        let mut next = (**self).clone();
        change(&mut next);
        Rc::new(next)
    }

    fn with_params(self: &Rc<Self>, params: Params, preset: Option<&'static str>) -> Rc<Self> {
        if *self.params == params && self.preset == preset {
            return self.clone();
        }
        self.with(|s| {
            // A sweep of another base design no longer describes this one.
            if s.sweep.as_ref().is_some_and(|w| !w.same_base(&params)) {
                s.sweep = None;
            }
            // So does an optimization (applying its optimum keeps it) or a policy comparison.
            if s.optimize.as_ref().is_some_and(|o| !o.same_base(&params)) {
                s.optimize = None;
            }
            if s.policies.as_ref().is_some_and(|p| *p.base != params) {
                s.policies = None;
            }
            s.params = Rc::new(params);
            s.preset = preset;
            s.share = ShareBox::Closed;
        })
    }
}

/// The id of the preset whose configuration equals `params`, if any.
pub fn matching_preset(params: &Params) -> Option<&'static str> {
    presets()
        .iter()
        .find(|p| (p.params)() == *params)
        .map(|p| p.id)
}

/// `value` made valid for `spec`: numbers clamped into what validation accepts (the knob
/// table's limits, which may reach beyond the slider: a link's `reserve=8` stays 8), unknown
/// options and kind mismatches rejected.
pub fn sanitize(spec: &ParamSpec, value: Value) -> Option<Value> {
    match (spec.kind, value) {
        (Kind::Number { limits, .. } | Kind::Integer { limits, .. }, Value::Number(x))
            if x.is_finite() =>
        {
            Some(Value::Number(x.clamp(limits.0, limits.1)))
        }
        (Kind::Choice { options }, Value::Choice(c)) if options.iter().any(|(v, _)| *v == c) => {
            Some(Value::Choice(c))
        }
        (Kind::Switch, Value::Flag(on)) => Some(Value::Flag(on)),
        _ => None,
    }
}

impl AppState {
    /// The reducer: the state after `action`. Returns `self` itself (the same `Rc`) when nothing
    /// changes, so the page does not re-render.
    pub fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::SetParam { id, value } => {
                let spec = id.spec();
                let Some(value) = sanitize(spec, value) else {
                    return self;
                };
                if (spec.get)(&self.params) == value {
                    return self;
                }
                let mut params = (*self.params).clone();
                (spec.set)(&mut params, &value);
                let preset = matching_preset(&params);
                self.with_params(params, preset)
            }
            Action::ApplyPreset(id) => match presets().iter().find(|p| p.id == id) {
                Some(preset) => self.with_params((preset.params)(), Some(preset.id)),
                None => self,
            },
            Action::SetSeed(seed) => {
                let mut params = (*self.params).clone();
                params.sim.seed = seed;
                let preset = matching_preset(&params);
                self.with_params(params, preset)
            }
            Action::ResetDefaults => {
                let params = Params::default();
                let preset = matching_preset(&params);
                self.with_params(params, preset)
            }
            Action::PinBaseline => {
                if self.baseline.as_deref() == Some(&*self.params) {
                    return self;
                }
                self.with(|s| s.baseline = Some(s.params.clone()))
            }
            Action::ClearBaseline => {
                if self.baseline.is_none() {
                    return self;
                }
                self.with(|s| s.baseline = None)
            }
            Action::SetTab(tab) => {
                if self.tab == tab {
                    return self;
                }
                self.with(|s| s.tab = tab)
            }
            Action::SetTestWindow(days) => {
                let days = days.clamp(1, MAX_TEST_WINDOW_DAYS);
                if self.test_window_days == days {
                    return self;
                }
                self.with(|s| s.test_window_days = days)
            }
            Action::DismissBanner => self.with(|s| s.banner_open = false),
            Action::Submit => self.with(|s| {
                s.latest_request += 1;
                s.request = Some(Rc::new(PendingRequest {
                    id: s.latest_request,
                    params: s.params.clone(),
                    baseline: s.baseline.clone(),
                }));
            }),
            Action::Engine(response) => reduce_response(self, response),
            Action::EngineUnavailable => {
                if self.engine == EngineMode::MainThread {
                    return self;
                }
                self.with(|s| {
                    s.engine = EngineMode::MainThread;
                    s.engine_ready = true;
                    // Re-issue the latest request: it may have gone to the dead worker.
                    if let Some(request) = s.request.clone() {
                        s.latest_request += 1;
                        s.request = Some(Rc::new(PendingRequest {
                            id: s.latest_request,
                            ..(*request).clone()
                        }));
                    }
                })
            }
            Action::LinkCopied(link) => self.with(|s| s.share = ShareBox::Copied(link)),
            Action::LinkCopyFailed(link) => self.with(|s| s.share = ShareBox::Manual(link)),
            Action::CloseShare => self.with(|s| s.share = ShareBox::Closed),
            Action::SetSweepView(view) => reduce_sweep_view(self, view),
            Action::StartSweep { now_ms } => self.with(|s| {
                s.latest_sweep += 1;
                s.sweep = Some(Rc::new(Sweep::new(
                    s.latest_sweep,
                    s.params.clone(),
                    &s.sweep_view,
                    now_ms,
                )));
            }),
            Action::CancelSweep => match &self.sweep {
                Some(sweep) if sweep.running() => {
                    let mut sweep = (**sweep).clone();
                    sweep.cancelled = true;
                    self.with(|s| s.sweep = Some(Rc::new(sweep)))
                }
                _ => self,
            },
            Action::SweepClock(now_ms) => {
                let sweep = self.sweep.as_ref().filter(|w| w.running()).map(|w| {
                    let mut w = (**w).clone();
                    w.elapsed_ms = (now_ms - w.started_ms).max(w.elapsed_ms);
                    Rc::new(w)
                });
                let opt = self
                    .optimize
                    .as_ref()
                    .and_then(|o| o.ticked(now_ms))
                    .map(Rc::new);
                let pol = self
                    .policies
                    .as_ref()
                    .and_then(|p| p.ticked(now_ms))
                    .map(Rc::new);
                let exp = self.experiment.tick(now_ms).map(Rc::new);
                if sweep.is_none() && opt.is_none() && pol.is_none() && exp.is_none() {
                    return self;
                }
                self.with(|s| {
                    if let Some(exp) = exp {
                        s.experiment = exp;
                    }
                    if sweep.is_some() {
                        s.sweep = sweep;
                    }
                    if opt.is_some() {
                        s.optimize = opt;
                    }
                    if pol.is_some() {
                        s.policies = pol;
                    }
                })
            }
            Action::ApplySweepPoint(index) => match &self.sweep {
                Some(sweep) if index < sweep.len() => {
                    let params = sweep.apply(&self.params, index);
                    let preset = matching_preset(&params);
                    self.with_params(params, preset)
                }
                _ => self,
            },
            Action::SetOptView(view) => {
                if self.opt_view == view {
                    return self;
                }
                self.with(|s| s.opt_view = view)
            }
            Action::StartOptimize { now_ms } => self.with(|s| {
                s.latest_run += 1;
                s.latest_job += 1;
                s.opt_autorun = false;
                s.optimize = Some(Rc::new(OptimizeRun::new(
                    s.latest_run,
                    s.latest_job,
                    s.params.clone(),
                    s.opt_view,
                    now_ms,
                )));
            }),
            Action::CancelOptimize => match self.optimize.as_ref().and_then(|r| r.cancel()) {
                Some(run) => self.with(|s| s.optimize = Some(Rc::new(run))),
                None => self,
            },
            Action::ApplyOptimum => match self.optimize.as_ref().and_then(|o| o.optimum()) {
                Some(optimum) => {
                    let params = optimum.apply(&self.params);
                    let preset = matching_preset(&params);
                    self.with_params(params, preset)
                }
                None => self,
            },
            Action::StartPolicies { now_ms } => self.with(|s| {
                s.latest_run += 1;
                s.latest_job += 1;
                s.pol_autorun = false;
                s.policies = Some(Rc::new(PoliciesRun::new(
                    s.latest_run,
                    s.latest_job,
                    s.params.clone(),
                    now_ms,
                )));
            }),
            Action::CancelPolicies => match self.policies.as_ref().and_then(|r| r.cancel()) {
                Some(run) => self.with(|s| s.policies = Some(Rc::new(run))),
                None => self,
            },
            Action::Lab(action) => match self.lab.reduce(action) {
                Some(lab) => self.with(|s| s.lab = Rc::new(lab)),
                None => self,
            },
            Action::Experiment(action) => match self.experiment.reduce(action, &self.params) {
                Some(experiment) => self.with(|s| s.experiment = Rc::new(experiment)),
                None => self,
            },
        }
    }
}

fn reduce_response(state: Rc<AppState>, response: Response) -> Rc<AppState> {
    match response {
        Response::Ready => state.with(|s| s.engine_ready = true),
        Response::Simulated {
            id,
            result,
            baseline_result,
            engine_ms,
        } => {
            // Stale answers never overwrite newer ones.
            let Some(request) = state.request.clone().filter(|r| r.id == id) else {
                return state;
            };
            let computed = Computed {
                id,
                params: request.params.clone(),
                baseline: request
                    .baseline
                    .clone()
                    .filter(|_| baseline_result.is_some()),
                result: Rc::from(result),
                baseline_result: baseline_result.map(Rc::from),
                engine_ms,
            };
            state.with(|s| {
                s.results = Some(Rc::new(computed));
                s.failure = None;
            })
        }
        Response::SweepPoint {
            sweep: id,
            index,
            summaries,
            ..
        } => {
            // Only answers to the current, uncancelled sweep count; each point once.
            let Some(sweep) = state.sweep.as_ref().filter(|w| {
                w.id == id && !w.cancelled && w.results.get(index).is_some_and(|r| r.is_none())
            }) else {
                return state;
            };
            let mut sweep = (**sweep).clone();
            sweep.results[index] = Some(Rc::from(summaries));
            state.with(|s| s.sweep = Some(Rc::new(sweep)))
        }
        Response::Evaluated {
            job,
            index,
            summaries,
            ..
        } => {
            // Only answers to the current batch of a running optimization or comparison count.
            let summaries: Rc<Summaries> = Rc::from(summaries);
            let mut latest_job = state.latest_job;
            if let Some(run) = receive(&state.optimize, job, index, &summaries, &mut latest_job) {
                return state.with(|s| {
                    s.optimize = Some(run);
                    s.latest_job = latest_job;
                });
            }
            if let Some(run) = receive(&state.policies, job, index, &summaries, &mut latest_job) {
                return state.with(|s| {
                    s.policies = Some(run);
                    s.latest_job = latest_job;
                });
            }
            state
        }
        Response::Lab { .. } | Response::Pacing { .. } => match state.lab.answer(&response) {
            Some(lab) => state.with(|s| s.lab = Rc::new(lab)),
            None => state,
        },
        Response::Experiment { .. } => match state.experiment.answer(&response) {
            Some(experiment) => state.with(|s| s.experiment = Rc::new(experiment)),
            None => state,
        },
        Response::Failed { id, message } => {
            if id != state.latest_request {
                return state;
            }
            state.with(|s| s.failure = Some(message))
        }
    }
}

/// `run` after the answer to configuration `index` of job `job`, if it is one the run awaits;
/// the next batches take their job ids after `latest_job`, which follows.
fn receive<S: Search>(
    run: &Option<Rc<BatchRun<S>>>,
    job: u64,
    index: usize,
    summaries: &Rc<Summaries>,
    latest_job: &mut u64,
) -> Option<Rc<BatchRun<S>>> {
    let mut run = (**run.as_ref().filter(|r| r.batches.job == job)?).clone();
    let mut next = || {
        *latest_job += 1;
        *latest_job
    };
    run.receive(job, index, summaries.clone(), &mut next)
        .then(|| Rc::new(run))
}

fn reduce_sweep_view(state: Rc<AppState>, view: SweepView) -> Rc<AppState> {
    let view = SweepView {
        knob: view.knob.filter(|k| sweepable(*k)),
        from: view.from.filter(|x| x.is_finite()),
        to: view.to.filter(|x| x.is_finite()),
        points: view.points.clamp(MIN_SWEEP_POINTS, MAX_SWEEP_POINTS),
        knob2: view.knob2.filter(|k| sweepable(*k)),
        from2: view.from2.filter(|x| x.is_finite()),
        to2: view.to2.filter(|x| x.is_finite()),
        points2: view.points2.clamp(MIN_SWEEP_POINTS, MAX_SWEEP_POINTS),
        ..view
    };
    if state.sweep_view == view {
        return state;
    }
    let old = state.sweep_view;
    // A new knob, range or number of points is a new sweep; the metrics and the toggle only
    // change what is drawn.
    let rerun = (old.knob, old.from, old.to, old.points)
        != (view.knob, view.from, view.to, view.points)
        || (old.knob2, old.from2, old.to2, old.points2)
            != (view.knob2, view.from2, view.to2, view.points2);
    state.with(|s| {
        s.sweep_view = view;
        if rerun {
            s.sweep = None;
        }
    })
}
