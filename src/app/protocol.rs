//! The worker protocol: what the app asks the engine worker and what it answers.
//!
//! Messages cross the worker boundary serialised (gloo-worker's default bincode codec), so they
//! are plain data: [`Params`] in, [`RunResult`] out. Every request carries an `id` chosen by the
//! app, strictly increasing; every answer echoes it. The app keeps only the answer to its latest
//! request, so a slow answer to an older request can never overwrite a newer one.
//!
//! ## Variants and how the protocol grows
//!
//! | Request | Answer | Meaning |
//! |---|---|---|
//! | *(bridge connected)* | [`Response::Ready`] | the worker's wasm is loaded; sent once per bridge |
//! | [`Request::Simulate`] | [`Response::Simulated`] or [`Response::Failed`] | one run, plus the baseline run when a baseline is pinned |
//! | [`Request::SweepPoint`] | [`Response::SweepPoint`] | one point of a sweep (the Tradeoffs tab): its summaries only |
//! | [`Request::Evaluate`] | [`Response::Evaluated`] | one configuration of an optimizer's batch (the Tradeoffs tab's optimizer and policy comparison; see [`crate::app::optimize`]): its summaries only |
//! | [`Request::Lab`] | [`Response::Lab`] | a batch of mechanism-lab runs (the Lab tab): each answered exactly as `sandbox auction` prints it |
//! | [`Request::Experiment`] | [`Response::Experiment`] | one job of a `sandbox experiment` spec (the Experiments tab; see [`crate::app::experiment`]) |
//! | [`Request::Pacing`] | [`Response::Pacing`] | the Lab tab's pacing market: answered exactly as `sandbox pacing` prints it (job kind `Lab(Pacing)`) |
//!
//! New work gets new variants (and a [`JobKind`]), never new meanings for old ones. A sweep is
//! one [`Request::SweepPoint`] per point, spread by the app over a pool of workers (each worker
//! holds two points: one running, the next queued), each answer carrying its sweep's id and the point's index; the app
//! keeps only answers to its latest sweep (see [`crate::app::sweep`]). Both sides are compiled
//! from this one file, so they cannot disagree on the encoding.
//!
//! ## Superseding
//!
//! The worker does not start a request the moment it arrives: it keeps only the newest pending
//! id per connection and [`JobKind`] (a run, or every point of one sweep or batch) and runs them
//! on the next turn of its event loop (see `crate::ui::worker`). Requests that were queued behind
//! a running simulation and already superseded are dropped without being computed. A request that
//! is already running finishes (wasm cannot be interrupted) and its answer is ignored by the app;
//! the sweep pool instead terminates a worker running a cancelled sweep's point.

use serde::{Deserialize, Serialize};

use crate::config::spec::auction::run_json;
use crate::core::lab::dist::ValueDist;
use crate::core::lab::{efficient_expectation, lowest_type_payoffs};
use crate::core::model::{simulate, Params, RunResult, Scenario, Summaries};

/// The two parts of the Lab tab, each its own job kind (editing the explicit auction never
/// drops the Monte Carlo batch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LabPart {
    /// The Monte Carlo experiment, its replicates, reserve grid and format comparison.
    MonteCarlo,
    /// The explicit auction editor.
    Explicit,
    /// The pacing market editor ([`Request::Pacing`]).
    Pacing,
    /// A timed run of one `sandbox auction` spec asked by the benchmark (`e2e/bench.mjs`,
    /// through the page's `sandboxLabBench(spec)`), answered like any lab batch.
    Bench,
}

/// The theory curve of expected revenue against the reserve (Myerson: every efficient
/// mechanism earns `Σ_k α_k E[φ(v_(k))·1{v_(k) ≥ r}] − n·U(v_min)`), `points` reserves evenly
/// from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TheoryCurve {
    /// The value distribution.
    pub values: ValueDist,
    /// Bidders per auction.
    pub bidders: usize,
    /// Slot CTRs.
    pub slot_ctrs: Vec<f64>,
    /// First reserve.
    pub from: f64,
    /// Last reserve.
    pub to: f64,
    /// Number of reserves (at least 2).
    pub points: usize,
}

impl TheoryCurve {
    /// `(reserve, expected revenue)` at each reserve of the curve.
    pub fn evaluate(&self) -> Vec<(f64, f64)> {
        let points = self.points.max(2);
        (0..points)
            .map(|i| {
                let r = self.from + (self.to - self.from) * i as f64 / (points - 1) as f64;
                let revenue =
                    efficient_expectation(&self.values, self.bidders, &self.slot_ctrs, r, true)
                        - lowest_type_payoffs(&self.values, self.bidders, &self.slot_ctrs, r);
                (r, revenue)
            })
            .collect()
    }
}

/// A request from the app to the engine.
// A request is built once and sent across the worker boundary; its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Run the model on `params`; when `baseline` is set, run it too (cached while unchanged).
    Simulate {
        /// Increasing request id chosen by the app.
        id: u64,
        /// The configuration to run (repaired again by the engine host: only a valid
        /// [`Scenario`] reaches the engine).
        params: Params,
        /// The pinned baseline configuration, if any.
        baseline: Option<Params>,
    },
    /// Run one point of a sweep and answer with its summaries.
    SweepPoint {
        /// The sweep's id (increasing; a newer sweep supersedes the older).
        sweep: u64,
        /// The point's index in the sweep.
        index: usize,
        /// The point's configuration (repaired again by the engine host).
        params: Params,
    },
    /// Run one configuration of an optimizer's batch and answer with its summaries.
    Evaluate {
        /// The batch's job id (increasing; only the current batch's answers count).
        job: u64,
        /// The configuration's index in the batch.
        index: usize,
        /// The configuration (repaired again by the engine host).
        params: Params,
    },
    /// Run a batch of lab specs (`sandbox auction` JSON) and, if asked, a theory curve.
    Lab {
        /// Increasing id chosen by the app (shared by both parts).
        id: u64,
        /// Which part of the Lab tab asks.
        part: LabPart,
        /// The specs, each as `sandbox auction` reads it.
        specs: Vec<String>,
        /// The theory curve to evaluate, if any.
        curve: Option<TheoryCurve>,
    },
    /// Run job `index` of an experiment spec (`sandbox experiment` JSON).
    Experiment {
        /// The experiment's run id (increasing; only the latest run's answers count).
        id: u64,
        /// The spec, as `sandbox experiment` reads it.
        spec: String,
        /// The job's index (see [`crate::app::experiment::run_job`]).
        index: usize,
    },
    /// Solve a pacing market (the Lab tab's pacing editor): one `sandbox pacing` spec.
    Pacing {
        /// Increasing id chosen by the app (shared with the other lab parts).
        id: u64,
        /// The spec, as `sandbox pacing` reads it.
        spec: String,
    },
}

/// The kinds of job the engine host runs. A newer request supersedes a queued older one of the
/// same kind only, so that, say, the points of a sweep never drop the single run the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// One run (and its baseline): what the page shows.
    Simulate,
    /// One point of a sweep.
    SweepPoint,
    /// One configuration of an optimizer's batch.
    Evaluate,
    /// A batch of the Lab tab (per part).
    Lab(LabPart),
    /// A job of the Experiments tab.
    Experiment,
}

impl Request {
    /// The request's id.
    pub fn id(&self) -> u64 {
        match self {
            Request::Simulate { id, .. } => *id,
            Request::SweepPoint { sweep, .. } => *sweep,
            Request::Evaluate { job, .. } => *job,
            Request::Lab { id, .. } => *id,
            Request::Experiment { id, .. } => *id,
            Request::Pacing { id, .. } => *id,
        }
    }

    /// The request's kind of job.
    pub fn kind(&self) -> JobKind {
        match self {
            Request::Simulate { .. } => JobKind::Simulate,
            Request::SweepPoint { .. } => JobKind::SweepPoint,
            Request::Evaluate { .. } => JobKind::Evaluate,
            Request::Lab { part, .. } => JobKind::Lab(*part),
            Request::Experiment { .. } => JobKind::Experiment,
            Request::Pacing { .. } => JobKind::Lab(LabPart::Pacing),
        }
    }
}

/// An answer from the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The worker is loaded and listening (sent when a bridge connects).
    Ready,
    /// The result of [`Request::Simulate`].
    Simulated {
        /// The request's id.
        id: u64,
        /// The run of `params`.
        result: Box<RunResult>,
        /// The run of the baseline, when one was requested.
        baseline_result: Option<Box<RunResult>>,
        /// Wall time of the main run inside the engine host, in milliseconds.
        engine_ms: f64,
    },
    /// The result of [`Request::SweepPoint`].
    SweepPoint {
        /// The sweep's id.
        sweep: u64,
        /// The point's index.
        index: usize,
        /// The point's summaries (first week, last week, whole run).
        summaries: Box<Summaries>,
        /// Wall time of the run inside the engine host, in milliseconds.
        engine_ms: f64,
    },
    /// The result of [`Request::Evaluate`].
    Evaluated {
        /// The batch's job id.
        job: u64,
        /// The configuration's index in the batch.
        index: usize,
        /// Its summaries.
        summaries: Box<Summaries>,
        /// Wall time of the run inside the engine host, in milliseconds.
        engine_ms: f64,
    },
    /// The answer to [`Request::Lab`].
    Lab {
        /// The request's id.
        id: u64,
        /// Which part asked.
        part: LabPart,
        /// Per spec, in order: the report exactly as [`run_json`] gives it (the CLI's output),
        /// or its error message.
        reports: Vec<Result<String, String>>,
        /// The theory curve's `(reserve, revenue)` points (empty when none was asked).
        curve: Vec<(f64, f64)>,
        /// Wall time inside the engine host, in milliseconds.
        engine_ms: f64,
    },
    /// The answer to [`Request::Experiment`].
    Experiment {
        /// The run id.
        id: u64,
        /// The job's index.
        index: usize,
        /// The job's output (see [`crate::app::experiment::run_job`]), or the spec's error.
        output: Result<String, String>,
        /// Wall time inside the engine host, in milliseconds.
        engine_ms: f64,
    },
    /// The answer to [`Request::Pacing`].
    Pacing {
        /// The request's id.
        id: u64,
        /// The report exactly as `sandbox pacing` prints it, or its error message.
        report: Result<String, String>,
        /// Wall time inside the engine host, in milliseconds.
        engine_ms: f64,
    },
    /// The request could not be run (kept for robustness: the engine itself does not fail on
    /// repaired input).
    Failed {
        /// The request's id.
        id: u64,
        /// What went wrong.
        message: String,
    },
}

/// What the engine host remembers between requests: the last baseline and its run, so that
/// moving a knob with a pinned baseline costs one run, not two.
#[derive(Debug, Default)]
pub struct EngineCache {
    baseline: Option<(Params, RunResult)>,
}

/// Runs one request. Shared by the worker and the main-thread fallback, so both compute the same
/// thing. `now_ms` is the host's clock (the engine itself reads none).
pub fn handle(request: Request, cache: &mut EngineCache, now_ms: impl Fn() -> f64) -> Response {
    match request {
        Request::Simulate {
            id,
            params,
            baseline,
        } => {
            let started = now_ms();
            let (scenario, _problems) = Scenario::repair(params);
            let result = simulate(&scenario);
            let engine_ms = now_ms() - started;
            let baseline_result = baseline.map(|b| Box::new(cached_baseline(cache, b)));
            Response::Simulated {
                id,
                result: Box::new(result),
                baseline_result,
                engine_ms,
            }
        }
        Request::SweepPoint {
            sweep,
            index,
            params,
        } => {
            let started = now_ms();
            let (scenario, _problems) = Scenario::repair(params);
            let summaries = simulate(&scenario).summaries;
            Response::SweepPoint {
                sweep,
                index,
                summaries: Box::new(summaries),
                engine_ms: now_ms() - started,
            }
        }
        Request::Evaluate { job, index, params } => {
            let started = now_ms();
            let (scenario, _problems) = Scenario::repair(params);
            let summaries = simulate(&scenario).summaries;
            Response::Evaluated {
                job,
                index,
                summaries: Box::new(summaries),
                engine_ms: now_ms() - started,
            }
        }
        Request::Lab {
            id,
            part,
            specs,
            curve,
        } => {
            let started = now_ms();
            let reports = specs
                .iter()
                .map(|spec| run_json(spec).map_err(|e| e.to_string()))
                .collect();
            let curve = curve.map(|c| c.evaluate()).unwrap_or_default();
            Response::Lab {
                id,
                part,
                reports,
                curve,
                engine_ms: now_ms() - started,
            }
        }
        Request::Experiment { id, spec, index } => {
            let started = now_ms();
            let output = crate::app::experiment::run_job(&spec, index);
            Response::Experiment {
                id,
                index,
                output,
                engine_ms: now_ms() - started,
            }
        }
        Request::Pacing { id, spec } => {
            let started = now_ms();
            let report = crate::config::spec::pacing::run_json(&spec).map_err(|e| e.to_string());
            Response::Pacing {
                id,
                report,
                engine_ms: now_ms() - started,
            }
        }
    }
}

fn cached_baseline(cache: &mut EngineCache, baseline: Params) -> RunResult {
    if let Some((params, result)) = &cache.baseline {
        if *params == baseline {
            return result.clone();
        }
    }
    let (scenario, _problems) = Scenario::repair(baseline.clone());
    let result = simulate(&scenario);
    cache.baseline = Some((baseline, result.clone()));
    result
}
