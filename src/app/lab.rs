//! The Lab tab's logic: its settings ([`LabView`], in the link), the batches it asks the worker
//! to run ([`LabJob`], each run a `sandbox auction` spec) and what it makes of the answers.
//!
//! The Monte Carlo batch runs, for one change of the settings:
//! - the experiment itself ([`Role::Main`]);
//! - [`REPLICATES`] independent replicates with seeds `seed + 1…`, each with a
//!   [`REPLICATES`]-th of the auctions: the spread of their per-slot prices estimates the
//!   standard error of the main run's price per click (batch means; the lab reports the
//!   revenue's and welfare's standard errors itself, not the prices');
//! - the experiment at [`RESERVE_POINTS`] reserves from 0 to [`reserve_grid_end`] (the revenue
//!   against reserve chart), with the theory curve evaluated by the worker;
//! - the four formats of the revenue-equivalence table ([`COMPARED`]) at the current reserve.
//!
//! The explicit batch is one spec: the editor's auction. Every spec is the JSON that
//! `sandbox auction` reads, so the tab and the CLI give the same numbers.

use std::rc::Rc;

use serde::Deserialize;

use super::protocol::{LabPart, Response, TheoryCurve};
use crate::config::lab::LabView;
use crate::config::spec::auction::{AuctionSpec, BidSpec, FormatChoice};
use crate::core::auction::Format;
use crate::core::lab::dist::ValueDist;
use crate::core::lab::{Bidding, Deviation, MonteCarloConfig};

/// Independent replicates used to estimate the standard error of the prices per slot.
pub const REPLICATES: u64 = 10;
/// Reserves in the revenue-against-reserve grid.
pub const RESERVE_POINTS: usize = 11;
/// Points of the theory curve.
pub const CURVE_POINTS: usize = 81;
/// How many standard errors a simulation may be from theory and still agree with it.
pub const AGREEMENT_SE: f64 = 4.0;

/// The formats of the revenue-equivalence table: format, bidding and label.
pub const COMPARED: [(Format, Bidding, &str); 4] = [
    (
        Format::FirstPrice,
        Bidding::Equilibrium,
        "First price (Bayes–Nash bids)",
    ),
    (
        Format::Gsp,
        Bidding::Truthful,
        "Second price / GSP, truthful bids",
    ),
    (
        Format::Gsp,
        Bidding::Equilibrium,
        "GSP at the EOS equilibrium",
    ),
    (Format::Vcg, Bidding::Truthful, "VCG (truthful)"),
];

/// What one spec of a batch is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    /// The experiment as set.
    Main,
    /// Replicate `i` (1-based seed offset) for the price standard errors.
    Replicate(u64),
    /// The experiment at this reserve.
    Reserve(f64),
    /// Row `i` of [`COMPARED`].
    Compare(usize),
    /// The explicit auction.
    Explicit,
    /// The pacing market.
    Pacing,
}

/// A batch sent to the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct LabJob {
    /// Request id (increasing, shared by both parts).
    pub id: u64,
    /// Which part.
    pub part: LabPart,
    /// The specs.
    pub specs: Vec<String>,
    /// What each spec is for.
    pub roles: Vec<Role>,
    /// The theory curve to evaluate.
    pub curve: Option<TheoryCurve>,
}

/// A Monte Carlo report as the Lab tab reads it (a subset of the CLI's JSON).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct McReport {
    /// Reserve per click.
    pub reserve: f64,
    /// Mean revenue per auction.
    pub revenue_per_auction: f64,
    /// Its standard error.
    pub revenue_se: f64,
    /// Mean welfare per auction.
    pub welfare_per_auction: f64,
    /// Its standard error.
    pub welfare_se: f64,
    /// Share of auctions selling at least one slot.
    pub sale_rate: f64,
    /// Share of auctions selling each slot.
    pub slot_sale_rate: Vec<f64>,
    /// Mean price per click of each slot when sold.
    pub slot_price_per_click: Vec<Option<f64>>,
    /// Exact expected revenue, where theory gives it.
    pub revenue_theory: Option<f64>,
    /// Exact expected welfare, where theory gives it.
    pub welfare_theory: Option<f64>,
    /// Myerson's optimal reserve.
    pub myerson_reserve: f64,
}

/// The explicit Nash check as the tab reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NashView {
    /// No profitable unilateral deviation.
    pub nash: bool,
    /// The most profitable one.
    pub deviation: Option<Deviation>,
}

/// An explicit report as the Lab tab reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExplicitView {
    /// Winner per sold slot (0-based bidder).
    pub allocation: Vec<usize>,
    /// Price per click per sold slot.
    pub slot_price_per_click: Vec<f64>,
    /// Expected payment per sold slot.
    pub slot_payment: Vec<f64>,
    /// Expected revenue.
    pub revenue: f64,
    /// Expected welfare.
    pub welfare: f64,
    /// Equilibrium bids (equilibrium bidding only).
    #[serde(default)]
    pub bids: Option<Vec<f64>>,
    /// GSP only.
    #[serde(default)]
    pub nash_check: Option<NashView>,
}

/// A broken equilibrium condition as the tab reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PacingViolationView {
    /// The condition (`slackness`, `allocation`, …).
    pub condition: String,
    /// What is wrong.
    pub message: String,
}

/// How a second-price point was found, as the tab reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PacingMethodView {
    /// Whether the search reached an equilibrium.
    pub converged: bool,
    /// Best-response sweeps run (over all starts).
    pub sweeps: usize,
}

/// A `sandbox pacing` report as the Lab tab reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PacingResultView {
    /// `first_price` or `second_price`.
    pub format: String,
    /// One multiplier per bidder.
    pub multipliers: Vec<f64>,
    /// One price per good.
    pub prices: Vec<f64>,
    /// Shares per bidder and good.
    pub allocation: Vec<Vec<f64>>,
    /// Spend per bidder.
    pub spend: Vec<f64>,
    /// Total spend.
    pub revenue: f64,
    /// Each condition checked, in the report's order.
    pub conditions: std::collections::BTreeMap<String, bool>,
    /// Every condition holds.
    pub verified: bool,
    /// The worst broken condition.
    pub worst_violation: Option<PacingViolationView>,
    /// Second price: how the point was found.
    #[serde(default)]
    pub method: Option<PacingMethodView>,
}

/// A spec's answer, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A pacing report.
    Pacing(PacingResultView),
    /// A Monte Carlo report.
    MonteCarlo(McReport),
    /// An explicit report.
    Explicit(ExplicitView),
    /// The lab's error message.
    Error(String),
}

/// The worker's answer to a batch, read.
#[derive(Debug, Clone, PartialEq)]
pub struct LabAnswer {
    /// The batch.
    pub job: Rc<LabJob>,
    /// Per spec, in order.
    pub outcomes: Vec<Outcome>,
    /// The raw JSON of each report (what the CLI prints).
    pub raw: Vec<Result<String, String>>,
    /// The theory curve.
    pub curve: Vec<(f64, f64)>,
    /// Engine time (ms).
    pub engine_ms: f64,
}

impl LabAnswer {
    /// The outcome of the first spec with `role`.
    pub fn outcome(&self, role: Role) -> Option<&Outcome> {
        self.job
            .roles
            .iter()
            .position(|r| *r == role)
            .and_then(|i| self.outcomes.get(i))
    }

    /// The Monte Carlo report of `role`, or its error.
    pub fn report(&self, role: Role) -> Result<&McReport, String> {
        match self.outcome(role) {
            Some(Outcome::MonteCarlo(r)) => Ok(r),
            Some(Outcome::Error(e)) => Err(e.clone()),
            _ => Err("not run".into()),
        }
    }

    /// The simulated reserve grid: `(reserve, revenue, standard error)`.
    pub fn reserve_points(&self) -> Vec<(f64, f64, f64)> {
        self.job
            .roles
            .iter()
            .zip(&self.outcomes)
            .filter_map(|(role, o)| match (role, o) {
                (Role::Reserve(r), Outcome::MonteCarlo(m)) => {
                    Some((*r, m.revenue_per_auction, m.revenue_se))
                }
                _ => None,
            })
            .collect()
    }

    /// Per slot, the standard error of the main run's mean price per click, from the spread
    /// of the replicates' prices (`sd / √R`: the R replicates together have the main run's
    /// number of auctions). `None` where fewer than two replicates sold the slot.
    pub fn price_se(&self, slots: usize) -> Vec<Option<f64>> {
        let reps: Vec<&McReport> = self
            .job
            .roles
            .iter()
            .zip(&self.outcomes)
            .filter_map(|(role, o)| match (role, o) {
                (Role::Replicate(_), Outcome::MonteCarlo(m)) => Some(m),
                _ => None,
            })
            .collect();
        (0..slots)
            .map(|k| {
                let xs: Vec<f64> = reps
                    .iter()
                    .filter_map(|m| m.slot_price_per_click.get(k).copied().flatten())
                    .collect();
                if xs.len() < 2 {
                    return None;
                }
                let n = xs.len() as f64;
                let mean = xs.iter().sum::<f64>() / n;
                let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
                Some((var / n).sqrt())
            })
            .collect()
    }
}

/// Whether a simulated `mean` with standard error `se` agrees with `theory` (within
/// [`AGREEMENT_SE`] standard errors; an exact match when the standard error is 0).
pub fn agrees(mean: f64, se: f64, theory: f64) -> bool {
    (mean - theory).abs() <= AGREEMENT_SE * se + 1e-9 * theory.abs().max(1.0)
}

/// The `sandbox auction` spec of a Monte Carlo configuration.
pub fn monte_carlo_spec(cfg: &MonteCarloConfig) -> AuctionSpec {
    AuctionSpec {
        format: FormatChoice::One(cfg.format),
        bidding: cfg.bidding,
        bidders: Some(cfg.bidders as u64),
        values: Some(cfg.values),
        slot_ctrs: Some(cfg.slot_ctrs.clone()),
        reserve: Some(cfg.reserve),
        auctions: Some(cfg.auctions),
        seed: Some(cfg.seed),
        bids: None,
        squashing: None,
    }
}

/// The `sandbox auction` spec of the explicit editor's auction.
pub fn explicit_spec(view: &LabView) -> AuctionSpec {
    let x = &view.explicit;
    let truthful = x.bidding == Bidding::Truthful;
    AuctionSpec {
        format: FormatChoice::One(x.format),
        bidding: x.bidding,
        bidders: None,
        values: None,
        slot_ctrs: Some(x.slot_ctrs.clone()),
        reserve: Some(x.reserve),
        auctions: None,
        seed: None,
        bids: Some(
            x.rows
                .iter()
                .map(|r| BidSpec {
                    bid: truthful.then_some(r.bid),
                    value: Some(r.value),
                    quality: Some(r.quality),
                })
                .collect(),
        ),
        squashing: Some(x.squashing),
    }
}

fn json(spec: &AuctionSpec) -> String {
    // Plain data: serialising cannot fail.
    serde_json::to_string(spec).unwrap_or_default()
}

/// The last reserve of the grid: the top of a uniform support, else the larger of the 95th
/// percentile and 1.5 × Myerson's reserve.
pub fn reserve_grid_end(values: &ValueDist) -> f64 {
    match *values {
        ValueDist::Uniform { high, .. } => high,
        _ => values
            .quantile(0.95)
            .max(1.5 * values.myerson_reserve())
            .max(1e-6),
    }
}

/// The reserves of the grid.
pub fn reserve_grid(values: &ValueDist) -> Vec<f64> {
    let end = reserve_grid_end(values);
    (0..RESERVE_POINTS)
        .map(|i| end * i as f64 / (RESERVE_POINTS - 1) as f64)
        .collect()
}

/// The Monte Carlo batch of `view` (see the module docs); `None` when the settings do not run.
pub fn monte_carlo_job(view: &LabView, id: u64) -> Option<LabJob> {
    if view.monte_carlo_problem().is_some() {
        return None;
    }
    let main = view.monte_carlo();
    let mut roles = vec![Role::Main];
    let mut specs = vec![json(&monte_carlo_spec(&main))];
    let per = (view.auctions / REPLICATES).max(1);
    for i in 1..=REPLICATES {
        roles.push(Role::Replicate(i));
        specs.push(json(&monte_carlo_spec(&MonteCarloConfig {
            auctions: per,
            seed: view.seed.wrapping_add(i),
            ..main.clone()
        })));
    }
    for r in reserve_grid(&view.values) {
        roles.push(Role::Reserve(r));
        specs.push(json(&monte_carlo_spec(&MonteCarloConfig {
            reserve: r,
            ..main.clone()
        })));
    }
    for (i, (format, bidding, _)) in COMPARED.iter().enumerate() {
        roles.push(Role::Compare(i));
        specs.push(json(&monte_carlo_spec(&view.monte_carlo_with(
            *format,
            *bidding,
            view.reserve,
        ))));
    }
    Some(LabJob {
        id,
        part: LabPart::MonteCarlo,
        specs,
        roles,
        curve: Some(TheoryCurve {
            values: view.values,
            bidders: view.bidders,
            slot_ctrs: view.slot_ctrs.clone(),
            from: 0.0,
            to: reserve_grid_end(&view.values),
            points: CURVE_POINTS,
        }),
    })
}

/// The explicit batch of `view`; `None` when the auction does not run.
pub fn explicit_job(view: &LabView, id: u64) -> Option<LabJob> {
    if view.explicit_problem().is_some() {
        return None;
    }
    Some(LabJob {
        id,
        part: LabPart::Explicit,
        specs: vec![json(&explicit_spec(view))],
        roles: vec![Role::Explicit],
        curve: None,
    })
}

/// The pacing batch of `view` (one `sandbox pacing` spec); `None` when the market does not run.
pub fn pacing_job(view: &LabView, id: u64) -> Option<LabJob> {
    if view.pacing.problem().is_some() {
        return None;
    }
    Some(LabJob {
        id,
        part: LabPart::Pacing,
        specs: vec![serde_json::to_string(&view.pacing.spec()).unwrap_or_default()],
        roles: vec![Role::Pacing],
        curve: None,
    })
}

/// The Lab tab's state: settings, the latest batch of each part and its answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabState {
    /// The settings (in the link).
    pub view: LabView,
    /// The latest request id (0 before the first).
    pub latest: u64,
    /// The latest Monte Carlo batch.
    pub monte_carlo: Option<Rc<LabJob>>,
    /// The answer to it (or, while it runs, to an earlier one).
    pub monte_carlo_answer: Option<Rc<LabAnswer>>,
    /// The latest explicit batch.
    pub explicit: Option<Rc<LabJob>>,
    /// Its answer.
    pub explicit_answer: Option<Rc<LabAnswer>>,
    /// The latest pacing batch.
    pub pacing: Option<Rc<LabJob>>,
    /// Its answer.
    pub pacing_answer: Option<Rc<LabAnswer>>,
    /// The latest benchmark run (one spec, asked by `sandboxLabBench`).
    pub bench: Option<Rc<LabJob>>,
    /// Its answer (the engine time is what the benchmark reads).
    pub bench_answer: Option<Rc<LabAnswer>>,
}

/// What can happen on the Lab tab.
#[derive(Debug, Clone, PartialEq)]
// Settings change once per edit; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum LabAction {
    /// New settings.
    Set(LabView),
    /// Ask for the batches whose specs changed since they were last asked for (dispatched by
    /// the page's debounced effect while the Lab tab is shown).
    Submit,
    /// Time one `sandbox auction` spec in the worker (the benchmark's run; a new id each time).
    Bench(String),
}

impl LabState {
    /// A fresh state with `view`.
    pub fn new(view: LabView) -> LabState {
        LabState {
            view,
            ..LabState::default()
        }
    }

    /// Whether an answer to the latest Monte Carlo batch is awaited.
    pub fn computing(&self) -> bool {
        self.monte_carlo.as_ref().map(|j| j.id)
            != self.monte_carlo_answer.as_ref().map(|a| a.job.id)
    }

    /// The state after `action` (`None`: nothing changed).
    pub fn reduce(&self, action: LabAction) -> Option<LabState> {
        match action {
            LabAction::Set(view) => (view != self.view).then(|| LabState {
                view,
                ..self.clone()
            }),
            LabAction::Submit => {
                let mut next = self.clone();
                let mut changed = false;
                let same = |job: &Option<Rc<LabJob>>, fresh: &Option<LabJob>| match (job, fresh) {
                    (Some(a), Some(b)) => a.specs == b.specs,
                    (None, None) => true,
                    _ => false,
                };
                let fresh = monte_carlo_job(&self.view, self.latest + 1);
                if !same(&self.monte_carlo, &fresh) {
                    next.latest += 1;
                    next.monte_carlo = fresh.map(Rc::new);
                    if next.monte_carlo.is_none() {
                        next.monte_carlo_answer = None;
                    }
                    changed = true;
                }
                let fresh = explicit_job(&self.view, next.latest + 1);
                if !same(&self.explicit, &fresh) {
                    next.latest += 1;
                    next.explicit = fresh.map(Rc::new);
                    if next.explicit.is_none() {
                        next.explicit_answer = None;
                    }
                    changed = true;
                }
                let fresh = pacing_job(&self.view, next.latest + 1);
                if !same(&self.pacing, &fresh) {
                    next.latest += 1;
                    next.pacing = fresh.map(Rc::new);
                    if next.pacing.is_none() {
                        next.pacing_answer = None;
                    }
                    changed = true;
                }
                changed.then_some(next)
            }
            LabAction::Bench(spec) => {
                let mut next = self.clone();
                next.latest += 1;
                next.bench = Some(Rc::new(LabJob {
                    id: next.latest,
                    part: LabPart::Bench,
                    specs: vec![spec],
                    roles: vec![Role::Main],
                    curve: None,
                }));
                Some(next)
            }
        }
    }

    /// The state after a worker answer (`None`: not an answer to a latest batch).
    pub fn answer(&self, response: &Response) -> Option<LabState> {
        let (id, part, reports, curve, engine_ms) = match response {
            Response::Lab {
                id,
                part,
                reports,
                curve,
                engine_ms,
            } => (*id, *part, reports.clone(), curve.clone(), *engine_ms),
            Response::Pacing {
                id,
                report,
                engine_ms,
            } => (
                *id,
                LabPart::Pacing,
                vec![report.clone()],
                Vec::new(),
                *engine_ms,
            ),
            _ => return None,
        };
        let job = match part {
            LabPart::MonteCarlo => &self.monte_carlo,
            LabPart::Explicit => &self.explicit,
            LabPart::Pacing => &self.pacing,
            LabPart::Bench => &self.bench,
        };
        let job = job.as_ref().filter(|j| j.id == id)?.clone();
        let outcomes = reports
            .iter()
            .map(|r| match r {
                Err(e) => Outcome::Error(e.clone()),
                Ok(text) => match part {
                    LabPart::MonteCarlo | LabPart::Bench => serde_json::from_str(text)
                        .map(Outcome::MonteCarlo)
                        .unwrap_or_else(|e| Outcome::Error(e.to_string())),
                    LabPart::Explicit => serde_json::from_str(text)
                        .map(Outcome::Explicit)
                        .unwrap_or_else(|e| Outcome::Error(e.to_string())),
                    LabPart::Pacing => serde_json::from_str(text)
                        .map(Outcome::Pacing)
                        .unwrap_or_else(|e| Outcome::Error(e.to_string())),
                },
            })
            .collect();
        let answer = Rc::new(LabAnswer {
            job,
            outcomes,
            raw: reports,
            curve,
            engine_ms,
        });
        let mut next = self.clone();
        match part {
            LabPart::MonteCarlo => next.monte_carlo_answer = Some(answer),
            LabPart::Explicit => next.explicit_answer = Some(answer),
            LabPart::Pacing => next.pacing_answer = Some(answer),
            LabPart::Bench => next.bench_answer = Some(answer),
        }
        Some(next)
    }
}
