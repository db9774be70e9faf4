//! The one-shot mechanism lab: auctions in isolation, independent of the day-by-day model, to
//! check the mechanisms against auction theory.
//!
//! Two modes:
//!
//! - **Monte Carlo** ([`MonteCarloConfig`], [`run_monte_carlo`]): `n` bidders with iid values
//!   from a [`ValueDist`], `K ≤ n` slots with position effects `α₁ ≥ … ≥ α_K` (CTRs, all bidders
//!   have quality 1), a format, a bidding behaviour and a reserve per click, repeated over many
//!   auctions. Reports revenue and welfare per auction with standard errors, and, where auction
//!   theory gives it, the exact expected revenue and welfare to compare with.
//! - **Explicit** ([`ExplicitConfig`], [`run_explicit`]): one auction with given bids (or values)
//!   and qualities, ranked by `bid · quality^q` and priced by [`auction::price`].
//!
//! ## Bidding
//!
//! - `truthful`: bid = value (bidders with a value below the reserve are not eligible).
//! - `equilibrium`:
//!   - first price: the symmetric Bayes–Nash bid [`first_price_bne_bid`] (Riley–Samuelson), which
//!     is derived for **one slot**; with more slots it is an error (the multi-slot first-price
//!     equilibrium has no simple closed form), and in explicit mode too (no Bayesian prior there);
//!   - GSP: the lowest symmetric Nash equilibrium of Edelman–Ostrovsky–Schwarz / Varian
//!     ([`eos_bids_into`]; complete information among the auction's bidders), computed in score
//!     space `value · quality^q` and converted back per click. With a reserve per click and
//!     unequal `quality^q` (explicit mode), each bidder's reserve in score space differs and the
//!     recursion's bids can fail to be an equilibrium (a bidder may prefer a lower slot at its
//!     lower reserve); explicit GSP reports therefore carry a [`NashCheck`];
//!   - VCG: truthful (dominant strategy).
//!
//! The first-price bid function is tabulated once per run ([`FirstPriceBidTable`], cubic Hermite
//! on an adaptive grid, error ≲ 1e-10 of the typical value). One bidder without a reserve bids 0
//! in equilibrium, and a zero bid is not a bid ([`auction::is_eligible`]): nothing sells.
//!
//! ## Common random numbers
//!
//! Auction `t` (0-based) draws its `n` values, in bidder order, from one lane stream of its
//! block of [`BLOCK`] auctions ([`blocks`] says which), and nothing else is random. So two runs
//! with the same seed, distribution and number of bidders see exactly the same values auction by
//! auction, whatever the format, bidding, reserve or slots: differences between them are the
//! mechanism's effect, and [`MonteCarloLab::auction`] can replay any single auction.
//! [`run_monte_carlo_formats`] prices the same auctions by several formats in one pass.
//!
//! ## Running
//!
//! Blocks run on any number of threads ([`RunOptions`]) and their statistics are combined in
//! block order, so the report is bit for bit the same for any number of threads and natively or
//! in wasm. When every bidder bids its value, a kernel that keeps each auction's `K + 1`
//! highest values in a fixed array replaces the general per-auction path (ranking all bids,
//! pricing by [`auction::price`]) and gives the same bits.
//!
//! ## Reported quantities (Monte Carlo)
//!
//! Per auction, with winners in slots `k = 1…` paying `p_k` per click:
//! revenue `= Σ_k α_k p_k`, welfare `= Σ_k α_k v_{winner(k)}` (expected clicks × value; quality 1).
//! `revenue_se` is the standard error of the mean over auctions, `s/√T` (from each block's mean
//! and squared deviations, combined pairwise).
//!
//! Theory (Myerson 1981): every mechanism that allocates slots efficiently among bidders with
//! values at least the reserve earns `Σ_k α_k E[φ(v_(k)) · 1{v_(k) ≥ r}] − n·U(v_min)`
//! (`v_(k)` the k-th highest value, `φ` the virtual value, `U(v_min)` the payoff of the lowest
//! type: 0 unless the reserve is below the support and every bidder wins a slot, see
//! [`lowest_type_payoffs`]): VCG, GSP in the EOS equilibrium, second price (GSP with one slot)
//! and first price in the BNE. This is `revenue_theory`;
//! `welfare_theory = Σ_k α_k E[v_(k) · 1{v_(k) ≥ r}]`.
//!
//! GSP's EOS bids tie where adjacent slots have equal CTRs (`b_k = b_{k+1}`); they are an
//! equilibrium under the tie rule that favours the higher value, so in equilibrium the lab
//! ranks GSP bidders in value (score) order, which is also their bid order, ties included.

pub mod blocks;
pub mod dist;
pub mod equilibrium;
pub mod pacing;
pub mod quadrature;

use std::fmt;

use serde::{Deserialize, Serialize};

use self::dist::{show, DistError, ValueDist, MAX_VALUE};
use self::equilibrium::{
    eos_bids_into, eos_bids_with_floors, first_price_bne_bid, FirstPriceBidTable,
};
use self::quadrature::integrate_values;
use crate::core::auction::{self, pow_q, price_into, rank_into, Candidate, Format, RankingRule};
use crate::core::math;
use crate::core::rng::FastRng;

use self::blocks::{BlockAcc, FastPlan, FormatStats, BLOCK, LANES};

/// How the lab's bidders bid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Bidding {
    /// Bid the value (explicit mode: the bids as given).
    #[default]
    Truthful,
    /// The format's equilibrium (see the module docs).
    Equilibrium,
}

impl Bidding {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Bidding::Truthful => "truthful",
            Bidding::Equilibrium => "equilibrium",
        }
    }
}

/// Most bidders per auction in Monte Carlo mode.
pub const MAX_BIDDERS: usize = 1000;
/// Most slots.
pub const MAX_SLOTS: usize = 100;
/// Most auctions in one Monte Carlo run.
pub const MAX_AUCTIONS: u64 = 100_000_000;
/// Most value draws (`auctions × bidders`) in one Monte Carlo run.
pub const MAX_DRAWS: u64 = 1_000_000_000;
/// Smallest quality (click weight) in explicit mode.
pub const MIN_QUALITY: f64 = 1e-9;
/// Most bidders in explicit mode.
pub const MAX_EXPLICIT_BIDDERS: usize = 10_000;

/// Why a lab configuration was rejected: the offending field and what is wrong with it.
///
/// Displays as `field: problem`, e.g. `slot_ctrs[1]: must be a click-through rate in (0, 1],
/// got 2`.
#[derive(Debug, Clone, PartialEq)]
pub struct LabError {
    /// The field, as written in a spec: `bidders`, `slot_ctrs[1]`, `bids[0].quality`,
    /// `values.uniform.high`…
    pub field: String,
    /// What is wrong: the allowed range or rule, and the value given.
    pub problem: String,
}

impl LabError {
    pub(crate) fn new(field: impl Into<String>, problem: String) -> Self {
        LabError {
            field: field.into(),
            problem,
        }
    }
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for LabError {}

impl From<DistError> for LabError {
    fn from(e: DistError) -> Self {
        LabError {
            field: e.field.to_string(),
            problem: e.problem,
        }
    }
}

/// Check slot CTRs: 1 to [`MAX_SLOTS`] entries, each in `(0, 1]`, non-increasing.
pub fn validate_slot_ctrs(slot_ctrs: &[f64]) -> Result<(), LabError> {
    if slot_ctrs.is_empty() || slot_ctrs.len() > MAX_SLOTS {
        return Err(LabError::new(
            "slot_ctrs",
            format!(
                "must list 1 to {MAX_SLOTS} slot click-through rates, got {}",
                slot_ctrs.len()
            ),
        ));
    }
    for (k, &a) in slot_ctrs.iter().enumerate() {
        if !(a > 0.0 && a <= 1.0) {
            return Err(LabError::new(
                format!("slot_ctrs[{k}]"),
                format!("must be a click-through rate in (0, 1], got {}", show(a)),
            ));
        }
        if k > 0 && a > slot_ctrs[k - 1] {
            return Err(LabError::new(
                format!("slot_ctrs[{k}]"),
                format!(
                    "must not exceed the slot above (slot_ctrs[{}] = {}): CTRs are non-increasing down the page, got {a}",
                    k - 1,
                    slot_ctrs[k - 1],
                ),
            ));
        }
    }
    Ok(())
}

fn validate_reserve(reserve: f64) -> Result<(), LabError> {
    if !(reserve.is_finite() && (0.0..=MAX_VALUE).contains(&reserve)) {
        return Err(LabError::new(
            "reserve",
            format!(
                "must be a price per click in [0, 1e9], got {}",
                show(reserve)
            ),
        ));
    }
    Ok(())
}

/// A Monte Carlo experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct MonteCarloConfig {
    /// How winners pay.
    pub format: Format,
    /// How bidders bid.
    pub bidding: Bidding,
    /// Bidders per auction `n` (1 to [`MAX_BIDDERS`]).
    pub bidders: usize,
    /// Distribution of each bidder's value per click (iid).
    pub values: ValueDist,
    /// Position effects `α₁ ≥ … ≥ α_K` in `(0, 1]`, `K ≤ n`.
    pub slot_ctrs: Vec<f64>,
    /// Reserve price per click (currency), `≥ 0`.
    pub reserve: f64,
    /// Number of auctions `T` (1 to [`MAX_AUCTIONS`]).
    pub auctions: u64,
    /// Seed of the value streams.
    pub seed: u64,
}

impl MonteCarloConfig {
    /// Check every field; the message names the field and the allowed range.
    pub fn validate(&self) -> Result<(), LabError> {
        if self.bidders == 0 || self.bidders > MAX_BIDDERS {
            return Err(LabError::new(
                "bidders",
                format!(
                    "must be a whole number from 1 to {MAX_BIDDERS}, got {}",
                    self.bidders
                ),
            ));
        }
        self.values.validate()?;
        validate_slot_ctrs(&self.slot_ctrs)?;
        if self.slot_ctrs.len() > self.bidders {
            return Err(LabError::new(
                "slot_ctrs",
                format!(
                    "{} slots but only {} bidders; the number of slots must be at most the number of bidders",
                    self.slot_ctrs.len(),
                    self.bidders,
                ),
            ));
        }
        validate_reserve(self.reserve)?;
        if self.auctions == 0 || self.auctions > MAX_AUCTIONS {
            return Err(LabError::new(
                "auctions",
                format!(
                    "must be a whole number from 1 to {MAX_AUCTIONS}, got {}",
                    self.auctions
                ),
            ));
        }
        if self.auctions.saturating_mul(self.bidders as u64) > MAX_DRAWS {
            return Err(LabError::new(
                "auctions",
                format!(
                    "auctions × bidders must be at most {MAX_DRAWS} value draws, got {} × {}",
                    self.auctions, self.bidders
                ),
            ));
        }
        if self.format == Format::FirstPrice
            && self.bidding == Bidding::Equilibrium
            && self.slot_ctrs.len() > 1
        {
            return Err(LabError::new(
                "bidding",
                format!(
                    "equilibrium first-price bidding is only defined for one slot (the symmetric Bayes–Nash bid); slot_ctrs has {} entries",
                    self.slot_ctrs.len(),
                ),
            ));
        }
        Ok(())
    }
}

/// The outcome of one Monte Carlo auction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AuctionOutcome {
    /// `Σ_k α_k p_k` (currency per auction).
    pub revenue: f64,
    /// `Σ_k α_k v_{winner(k)}` (currency per auction).
    pub welfare: f64,
    /// Number of slots sold (winners).
    pub slots_sold: usize,
}

/// A prepared Monte Carlo experiment: the equilibrium bid table and scratch buffers, so each
/// auction allocates nothing.
#[derive(Debug, Clone)]
pub struct MonteCarloLab {
    cfg: MonteCarloConfig,
    rule: RankingRule,
    table: Option<FirstPriceBidTable>,
    values: Vec<f64>,
    bids: Vec<f64>,
    order: Vec<usize>,
    sorted: Vec<f64>,
    eq: Vec<f64>,
    candidates: Vec<Candidate>,
    ranked_idx: Vec<usize>,
    ranked: Vec<Candidate>,
    prices: Vec<f64>,
    replay: Option<Replay>,
}

/// The lane streams of the block last replayed by [`MonteCarloLab::auction`], so replaying
/// auctions in order draws each value once.
#[derive(Debug, Clone)]
struct Replay {
    block: u64,
    lanes: Vec<FastRng>,
    /// Per lane: the step its stream is positioned at.
    next: [u64; LANES],
}

impl MonteCarloLab {
    /// Validate `cfg` and prepare (tabulates the first-price equilibrium bid if needed).
    pub fn new(cfg: MonteCarloConfig) -> Result<Self, LabError> {
        cfg.validate()?;
        let n = cfg.bidders;
        let table = (cfg.format == Format::FirstPrice && cfg.bidding == Bidding::Equilibrium)
            .then(|| FirstPriceBidTable::new(&cfg.values, n, cfg.reserve));
        let k = cfg.slot_ctrs.len();
        Ok(MonteCarloLab {
            rule: RankingRule {
                w_rev: 1.0,
                squashing: 1.0,
            },
            table,
            values: vec![0.0; n],
            bids: vec![0.0; n],
            order: Vec::with_capacity(n),
            sorted: Vec::with_capacity(n),
            eq: Vec::with_capacity(n),
            candidates: Vec::with_capacity(n),
            ranked_idx: Vec::with_capacity(n),
            ranked: Vec::with_capacity(k + 1),
            prices: Vec::with_capacity(k),
            replay: None,
            cfg,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &MonteCarloConfig {
        &self.cfg
    }

    /// Run auction `t` (its values come from its lane stream, see [`blocks`]). Replaying
    /// auctions in increasing order is as fast as a run; out of order, each replay redraws up to
    /// [`BLOCK`]` / `[`LANES`] auctions' values.
    pub fn auction(&mut self, t: u64) -> AuctionOutcome {
        let (block, lane, step) = blocks::locate(t);
        let (seed, n) = (self.cfg.seed, self.cfg.bidders);
        let words = n as u64 * blocks::words_per_value(&self.cfg.values);
        let replay = match &mut self.replay {
            Some(r) if r.block == block => r,
            slot => slot.insert(Replay {
                block,
                lanes: (0..LANES)
                    .map(|l| blocks::lane_stream(seed, block, l))
                    .collect(),
                next: [0; LANES],
            }),
        };
        if replay.next[lane] > step {
            replay.lanes[lane] = blocks::lane_stream(seed, block, lane);
            replay.next[lane] = 0;
        }
        let stream = &mut replay.lanes[lane];
        for _ in 0..(step - replay.next[lane]) * words {
            crate::core::rng::Random::next_u64(stream);
        }
        for v in self.values.iter_mut() {
            *v = blocks::draw_value(&self.cfg.values, stream);
        }
        replay.next[lane] = step + 1;
        self.evaluate()
    }

    /// Run one auction on the given values (one per bidder, in bidder order), as
    /// [`MonteCarloLab::auction`] does on its drawn values.
    ///
    /// # Panics
    ///
    /// If `values.len()` is not the number of bidders.
    pub fn auction_on(&mut self, values: &[f64]) -> AuctionOutcome {
        self.values.copy_from_slice(values);
        self.evaluate()
    }

    fn evaluate(&mut self) -> AuctionOutcome {
        let cfg = &self.cfg;
        match (cfg.bidding, cfg.format) {
            (Bidding::Truthful, _) | (Bidding::Equilibrium, Format::Vcg) => {
                self.bids.copy_from_slice(&self.values);
            }
            (Bidding::Equilibrium, Format::FirstPrice) => {
                for (b, &v) in self.bids.iter_mut().zip(&self.values) {
                    *b = match &self.table {
                        Some(table) => table.bid(v),
                        None => first_price_bne_bid(&cfg.values, cfg.bidders, cfg.reserve, v),
                    };
                }
            }
            (Bidding::Equilibrium, Format::Gsp) => {
                // Sort by value (ties: lower index first, as the ranking does), EOS bids, back.
                let values = &self.values;
                self.order.clear();
                self.order.extend(0..values.len());
                self.order
                    .sort_unstable_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
                self.sorted.clear();
                self.sorted.extend(self.order.iter().map(|&i| values[i]));
                eos_bids_into(&self.sorted, &cfg.slot_ctrs, cfg.reserve, &mut self.eq);
                for (r, &i) in self.order.iter().enumerate() {
                    self.bids[i] = self.eq[r];
                }
            }
        }
        self.candidates.clear();
        self.candidates
            .extend(self.bids.iter().map(|&bid| Candidate {
                bid,
                click_weight: 1.0,
                bonus: 0.0,
                reserve: cfg.reserve,
            }));
        let slots = cfg.slot_ctrs.len();
        if cfg.bidding == Bidding::Equilibrium && cfg.format == Format::Gsp {
            // The EOS bids follow the value order, with ties where adjacent slots have equal
            // CTRs; they are an equilibrium under the tie rule that favours the higher value.
            let values = &self.values;
            self.ranked_idx.clear();
            self.ranked_idx.extend(
                self.order
                    .iter()
                    .copied()
                    .filter(|&i| takes_part(values[i], cfg.reserve))
                    .take(slots + 1),
            );
        } else {
            rank_into(
                &self.candidates,
                &self.rule,
                slots + 1,
                &mut self.ranked_idx,
            );
        }
        self.ranked.clear();
        self.ranked
            .extend(self.ranked_idx.iter().map(|&i| self.candidates[i]));
        price_into(
            &self.ranked,
            &cfg.slot_ctrs,
            &self.rule,
            cfg.format,
            &mut self.prices,
        );
        let mut revenue = 0.0;
        let mut welfare = 0.0;
        for (k, &p) in self.prices.iter().enumerate() {
            let alpha = cfg.slot_ctrs[k];
            revenue += alpha * p;
            welfare += alpha * self.values[self.ranked_idx[k]];
        }
        AuctionOutcome {
            revenue,
            welfare,
            slots_sold: self.prices.len(),
        }
    }

    /// Values of the last auction run, in bidder order.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Bids of the last auction run, in bidder order.
    pub fn bids(&self) -> &[f64] {
        &self.bids
    }

    /// Winners of the last auction run (bidder indices, one per sold slot, in slot order).
    pub fn winners(&self) -> &[usize] {
        &self.ranked_idx[..self.prices.len()]
    }

    /// Prices per click of the last auction run, one per sold slot.
    pub fn prices(&self) -> &[f64] {
        &self.prices
    }

    /// Run all auctions and summarise (one thread).
    pub fn run(&mut self) -> MonteCarloReport {
        let formats = [self.cfg.format];
        let mut reports = run_formats(&self.cfg, &formats, RunOptions::default());
        reports.remove(0)
    }
}

/// Summary of a Monte Carlo run. Money is currency per auction unless the name says per click.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonteCarloReport {
    /// The format run.
    pub format: Format,
    /// The bidding behaviour.
    pub bidding: Bidding,
    /// Bidders per auction.
    pub bidders: usize,
    /// Number of slots `K`.
    pub slots: usize,
    /// The value distribution.
    pub values: ValueDist,
    /// The slots' position effects `α_k`.
    pub slot_ctrs: Vec<f64>,
    /// Number of auctions `T`.
    pub auctions: u64,
    /// Reserve per click.
    pub reserve: f64,
    /// Seed.
    pub seed: u64,
    /// Mean revenue per auction, `Σ_k α_k p_k` averaged over auctions.
    pub revenue_per_auction: f64,
    /// Standard error of `revenue_per_auction`.
    pub revenue_se: f64,
    /// Mean welfare per auction, `Σ_k α_k v_{winner(k)}`.
    pub welfare_per_auction: f64,
    /// Standard error of `welfare_per_auction`.
    pub welfare_se: f64,
    /// Fraction of auctions with at least one slot sold.
    pub sale_rate: f64,
    /// Per slot: fraction of auctions in which the slot was sold.
    pub slot_sale_rate: Vec<f64>,
    /// Per slot: mean price per click over the auctions in which it sold (`null` if never sold).
    pub slot_price_per_click: Vec<Option<f64>>,
    /// Exact expected revenue per auction by Myerson's lemma,
    /// `Σ_k α_k E[φ(v_(k)) 1{v_(k) ≥ r}] − n·U(v_min)`, when the format and bidding allocate
    /// efficiently (VCG; GSP in equilibrium or with one slot; first price in equilibrium);
    /// `null` otherwise (GSP truthful with several slots, first price truthful). `U(v_min)` is
    /// the lowest type's payoff, nonzero only when `r` is below the support and `n ≤ K`
    /// ([`lowest_type_payoffs`]).
    pub revenue_theory: Option<f64>,
    /// Exact expected welfare per auction `Σ_k α_k E[v_(k) 1{v_(k) ≥ r}]` (every format and
    /// bidding here allocates efficiently above the reserve); `null` in the one case that does
    /// not sell: first price in equilibrium with one bidder and no reserve (the bid is 0).
    pub welfare_theory: Option<f64>,
    /// Myerson's optimal reserve for the value distribution (`φ(r) = 0`), for reference.
    pub myerson_reserve: f64,
}

/// Validate, run and summarise a Monte Carlo experiment (one thread).
pub fn run_monte_carlo(cfg: &MonteCarloConfig) -> Result<MonteCarloReport, LabError> {
    let mut reports = run_monte_carlo_formats(cfg, &[cfg.format], RunOptions::default())?;
    Ok(reports.remove(0))
}

/// How a Monte Carlo run is carried out. The report does not depend on it: any number of
/// threads, and either path, give the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Threads to run blocks of auctions on (natively; wasm runs on one). At least 1.
    pub threads: usize,
    /// Run every auction through the general path ([`MonteCarloLab::auction_on`]) even where
    /// the fast kernel applies (for checking that the two agree).
    pub general_path: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: 1,
            general_path: false,
        }
    }
}

/// The same auctions (the same values, auction by auction) priced by each of `formats`:
/// one report per format, in order, each exactly what [`run_monte_carlo`] reports for `cfg`
/// with that format (`cfg.format` itself is not used). The fast kernel prices every format
/// from one selection of the top values when it applies ([`blocks`]).
pub fn run_monte_carlo_formats(
    cfg: &MonteCarloConfig,
    formats: &[Format],
    options: RunOptions,
) -> Result<Vec<MonteCarloReport>, LabError> {
    validate_formats(cfg, formats)?;
    Ok(run_formats(cfg, formats, options))
}

/// Check a list of formats for [`run_monte_carlo_formats`]: 1 to 3 distinct formats, each valid
/// with `cfg` (which is checked too).
pub fn validate_formats(cfg: &MonteCarloConfig, formats: &[Format]) -> Result<(), LabError> {
    if formats.is_empty() || formats.len() > Format::ALL.len() {
        return Err(LabError::new(
            "format",
            format!(
                "must name 1 to {} formats, got {}",
                Format::ALL.len(),
                formats.len()
            ),
        ));
    }
    for (i, f) in formats.iter().enumerate() {
        if formats[..i].contains(f) {
            return Err(LabError::new(
                format!("format[{i}]"),
                format!("\"{}\" is listed twice", f.as_str()),
            ));
        }
        MonteCarloConfig {
            format: *f,
            ..cfg.clone()
        }
        .validate()?;
    }
    Ok(())
}

/// The engine of a run: the fast kernel, or one general lab per format with a buffer for the
/// values they share.
#[derive(Debug, Clone)]
enum Engine {
    Fast(FastPlan),
    General(Vec<MonteCarloLab>, Vec<f64>),
}

impl Engine {
    fn run_block(
        &mut self,
        cfg: &MonteCarloConfig,
        block: u64,
        acc: &mut BlockAcc,
    ) -> Vec<FormatStats> {
        let count = (cfg.auctions - block * BLOCK).min(BLOCK) as usize;
        match self {
            Engine::Fast(plan) => plan.run_block(block, count, acc),
            Engine::General(labs, values) => {
                let mut lanes: Vec<FastRng> = (0..LANES)
                    .map(|l| blocks::lane_stream(cfg.seed, block, l))
                    .collect();
                for i in 0..count {
                    let stream = &mut lanes[i % LANES];
                    for v in values.iter_mut() {
                        *v = blocks::draw_value(&cfg.values, stream);
                    }
                    for (f, lab) in labs.iter_mut().enumerate() {
                        let out = lab.auction_on(values);
                        acc.record(f, i, out.revenue, out.welfare, &lab.prices);
                    }
                }
            }
        }
        acc.finish(count)
    }
}

/// Runs validated configurations: blocks on threads, combined in block order.
fn run_formats(
    cfg: &MonteCarloConfig,
    formats: &[Format],
    options: RunOptions,
) -> Vec<MonteCarloReport> {
    let cfgs: Vec<MonteCarloConfig> = formats
        .iter()
        .map(|&format| MonteCarloConfig {
            format,
            ..cfg.clone()
        })
        .collect();
    let bids_are_values =
        cfg.bidding == Bidding::Truthful || formats.iter().all(|&f| f == Format::Vcg);
    let fast = (!options.general_path)
        .then(|| {
            FastPlan::new(
                formats,
                bids_are_values,
                &cfg.values,
                cfg.bidders,
                &cfg.slot_ctrs,
                cfg.reserve,
                cfg.seed,
            )
        })
        .flatten();
    let engine = match fast {
        Some(plan) => Engine::Fast(plan),
        None => Engine::General(
            cfgs.iter()
                .filter_map(|c| MonteCarloLab::new(c.clone()).ok())
                .collect(),
            vec![0.0; cfg.bidders],
        ),
    };
    let slots = cfg.slot_ctrs.len();
    let blocks = cfg.auctions.div_ceil(BLOCK);
    let run_range = |range: std::ops::Range<u64>| -> Vec<Vec<FormatStats>> {
        let mut engine = engine.clone();
        let mut acc = BlockAcc::new(formats.len(), slots);
        range.map(|b| engine.run_block(cfg, b, &mut acc)).collect()
    };
    let threads = if cfg!(target_arch = "wasm32") {
        1
    } else {
        (options.threads.max(1) as u64).min(blocks)
    };
    // Blocks' statistics are merged in block order, as they come on one thread (a run of many
    // auctions holds one block's statistics at a time), and after the threads end otherwise.
    let mut totals: Vec<FormatStats> = Vec::new();
    let mut add = |block: Vec<FormatStats>| {
        if totals.is_empty() {
            totals = block;
        } else {
            for (t, b) in totals.iter_mut().zip(&block) {
                t.merge(b);
            }
        }
    };
    if threads <= 1 {
        let mut engine = engine.clone();
        let mut acc = BlockAcc::new(formats.len(), slots);
        for b in 0..blocks {
            add(engine.run_block(cfg, b, &mut acc));
        }
    } else {
        let chunk = blocks.div_ceil(threads);
        let per_block: Vec<Vec<FormatStats>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|j| {
                    let range = (j * chunk).min(blocks)..((j + 1) * chunk).min(blocks);
                    scope.spawn(move || run_range(range))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        per_block.into_iter().for_each(add);
    }
    cfgs.iter()
        .zip(&totals)
        .map(|(c, stats)| report(c, stats))
        .collect()
}

fn report(cfg: &MonteCarloConfig, stats: &FormatStats) -> MonteCarloReport {
    let auctions = cfg.auctions as f64;
    let theory = Theory::new(cfg);
    MonteCarloReport {
        format: cfg.format,
        bidding: cfg.bidding,
        bidders: cfg.bidders,
        slots: cfg.slot_ctrs.len(),
        values: cfg.values,
        slot_ctrs: cfg.slot_ctrs.clone(),
        auctions: cfg.auctions,
        reserve: cfg.reserve,
        seed: cfg.seed,
        revenue_per_auction: stats.revenue.mean,
        revenue_se: stats.revenue.se(),
        welfare_per_auction: stats.welfare.mean,
        welfare_se: stats.welfare.se(),
        sale_rate: stats.sales as f64 / auctions,
        slot_sale_rate: stats
            .slot_sold
            .iter()
            .map(|&c| c as f64 / auctions)
            .collect(),
        slot_price_per_click: stats
            .slot_sold
            .iter()
            .zip(&stats.price_sum)
            .map(|(&c, &s)| (c > 0).then(|| s / c as f64))
            .collect(),
        revenue_theory: theory.revenue,
        welfare_theory: theory.welfare,
        myerson_reserve: cfg.values.myerson_reserve(),
    }
}

struct Theory {
    revenue: Option<f64>,
    welfare: Option<f64>,
}

impl Theory {
    fn new(cfg: &MonteCarloConfig) -> Self {
        let one_slot = cfg.slot_ctrs.len() == 1;
        let revenue_applies = match (cfg.format, cfg.bidding) {
            (Format::Vcg, _) => true,
            (Format::Gsp, Bidding::Equilibrium) => true,
            (Format::Gsp, Bidding::Truthful) => one_slot,
            (Format::FirstPrice, Bidding::Equilibrium) => one_slot,
            (Format::FirstPrice, Bidding::Truthful) => false,
        };
        let no_sale = cfg.format == Format::FirstPrice
            && cfg.bidding == Bidding::Equilibrium
            && cfg.bidders == 1
            && cfg.reserve == 0.0;
        Theory {
            revenue: revenue_applies.then(|| {
                efficient_expectation(&cfg.values, cfg.bidders, &cfg.slot_ctrs, cfg.reserve, true)
                    - lowest_type_payoffs(&cfg.values, cfg.bidders, &cfg.slot_ctrs, cfg.reserve)
            }),
            welfare: (!no_sale).then(|| {
                efficient_expectation(&cfg.values, cfg.bidders, &cfg.slot_ctrs, cfg.reserve, false)
            }),
        }
    }
}

/// `n · U(v_min)`: what the lowest possible type keeps, summed over the bidders, for the
/// efficient formats here (each charges the bottom winner the reserve when nobody is below).
///
/// Myerson's lemma gives revenue `= E[Σ φ(v_i) x_i] − n·U(v_min)`. The lowest participating type
/// is `max(r, v_min)`; it keeps a positive payoff only when the reserve is below the support
/// (`r < v_min`) and every bidder gets a slot (`n ≤ K`): it then always takes the last slot `α_n`
/// at the reserve, so `U(v_min) = α_n (v_min − r)`. Otherwise the payoff is 0.
pub fn lowest_type_payoffs(dist: &ValueDist, n: usize, slot_ctrs: &[f64], reserve: f64) -> f64 {
    let low = dist.support().0;
    if n >= 1 && n <= slot_ctrs.len() && low > reserve {
        n as f64 * slot_ctrs[n - 1] * (low - reserve)
    } else {
        0.0
    }
}

/// `Σ_k α_k E[g(v_(k)) · 1{v_(k) ≥ r}]` for `n` iid values from `dist`, with `g = φ` (the
/// virtual value: expected revenue of any efficient mechanism with reserve `r` and zero payoff
/// at the reserve, Myerson 1981) when `virtual_values`, else `g(v) = v` (expected welfare).
///
/// The k-th highest of `n` has density `n·C(n−1, k−1) F^{n−k} (1−F)^{k−1} f`, and
/// `φ(v) f(v) = v f(v) − (1 − F(v))`. Integrated by adaptive Gauss–Legendre quadrature over the support above the
/// reserve (log-normal: in `ln v`, up to `ln v = μ + 40σ`; exponential: up to `r + 60/λ`).
pub fn efficient_expectation(
    dist: &ValueDist,
    n: usize,
    slot_ctrs: &[f64],
    reserve: f64,
    virtual_values: bool,
) -> f64 {
    let n = n.max(1);
    let mut total = 0.0;
    for (k0, &alpha) in slot_ctrs.iter().enumerate().take(n) {
        let k = k0 + 1;
        // ln(n · C(n−1, k−1))
        let mut ln_c = math::ln(n as f64);
        for j in 1..k {
            ln_c += math::ln((n - j) as f64) - math::ln(j as f64);
        }
        let h = |v: f64| -> f64 {
            let big_f = dist.cdf(v);
            let s = dist.survival(v);
            let f = dist.pdf(v);
            if f <= 0.0 && s <= 0.0 {
                return 0.0;
            }
            let mut ln_w = ln_c;
            if n > k {
                if big_f <= 0.0 {
                    return 0.0;
                }
                ln_w += (n - k) as f64 * math::ln(big_f);
            }
            if k > 1 {
                if s <= 0.0 {
                    return 0.0;
                }
                ln_w += (k - 1) as f64 * math::ln(s);
            }
            let g = if virtual_values { v * f - s } else { v * f };
            math::exp(ln_w) * g
        };
        let scale = dist.mean().max(reserve).max(1e-300);
        let tol = 1e-13 * scale;
        let a = reserve.max(dist.support().0);
        let b = match *dist {
            ValueDist::Uniform { high, .. } => high,
            ValueDist::Exponential { rate } => a + 60.0 / rate,
            ValueDist::Lognormal { mu, sigma } => math::exp(mu + 40.0 * sigma),
        };
        let part = integrate_values(dist, &h, a, b, tol, 8, 1e-14 * (1.0 + n as f64));
        total += alpha * part;
    }
    total
}

/// One bidder of an explicit auction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExplicitBidder {
    /// Bid per click (currency); with truthful bidding and no bid, the value is bid.
    pub bid: Option<f64>,
    /// Value per click (currency); defaults to the bid (for welfare).
    pub value: Option<f64>,
    /// Click weight `e` (quality): CTR in slot k is `e · α_k`.
    pub quality: f64,
}

/// One explicit auction.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplicitConfig {
    /// How winners pay.
    pub format: Format,
    /// `truthful` uses the bids as given (or values when no bid); `equilibrium` computes bids
    /// from values (GSP: EOS lowest equilibrium; VCG: truthful; first price: an error).
    pub bidding: Bidding,
    /// The bidders in input order.
    pub bidders: Vec<ExplicitBidder>,
    /// Position effects `α₁ ≥ … ≥ α_K` in `(0, 1]` (may exceed the number of bidders).
    pub slot_ctrs: Vec<f64>,
    /// Squashing exponent `q ∈ [0, 2]`: rank by `bid · quality^q`.
    pub squashing: f64,
    /// Reserve price per click (currency).
    pub reserve: f64,
}

impl ExplicitConfig {
    /// Check every field; the message names the field and the allowed range.
    pub fn validate(&self) -> Result<(), LabError> {
        let n = self.bidders.len();
        if n == 0 || n > MAX_EXPLICIT_BIDDERS {
            return Err(LabError::new(
                "bids",
                format!("must list 1 to {MAX_EXPLICIT_BIDDERS} bidders, got {n}"),
            ));
        }
        validate_slot_ctrs(&self.slot_ctrs)?;
        validate_reserve(self.reserve)?;
        if !(self.squashing.is_finite() && (0.0..=2.0).contains(&self.squashing)) {
            return Err(LabError::new(
                "squashing",
                format!(
                    "must be an exponent q in [0, 2] (rank by bid × quality^q), got {}",
                    show(self.squashing)
                ),
            ));
        }
        let max_quality = 1.0 / self.slot_ctrs[0];
        for (i, b) in self.bidders.iter().enumerate() {
            for (name, x) in [("bid", b.bid), ("value", b.value)] {
                if let Some(x) = x {
                    if !(x.is_finite() && (0.0..=MAX_VALUE).contains(&x)) {
                        return Err(LabError::new(
                            format!("bids[{i}].{name}"),
                            format!("must be an amount per click in [0, 1e9], got {}", show(x)),
                        ));
                    }
                }
            }
            if b.bid.is_none() && b.value.is_none() {
                return Err(LabError::new(
                    format!("bids[{i}]"),
                    "needs a `bid` or a `value`".to_string(),
                ));
            }
            if self.bidding == Bidding::Equilibrium {
                if b.value.is_none() {
                    return Err(LabError::new(
                        format!("bids[{i}].value"),
                        "required with bidding = equilibrium (bids are computed from values)"
                            .to_string(),
                    ));
                }
                if b.bid.is_some() {
                    return Err(LabError::new(
                        format!("bids[{i}].bid"),
                        "not allowed with bidding = equilibrium (bids are computed from values); give only `value` and `quality`".to_string(),
                    ));
                }
            }
            if !(b.quality.is_finite()
                && b.quality >= MIN_QUALITY
                && b.quality <= max_quality * (1.0 + 1e-12))
            {
                return Err(LabError::new(
                    format!("bids[{i}].quality"),
                    format!(
                        "must be in [{}, {}] (a click weight; quality × slot_ctrs[0] must be a click probability), got {}",
                        show(MIN_QUALITY),
                        show(max_quality),
                        show(b.quality),
                    ),
                ));
            }
        }
        if self.bidding == Bidding::Equilibrium && self.format == Format::FirstPrice {
            return Err(LabError::new(
                "bidding",
                "equilibrium first-price bidding is only available in Monte Carlo mode with one slot (the symmetric Bayes–Nash bid needs a value distribution); use truthful bids or format gsp/vcg"
                    .to_string(),
            ));
        }
        Ok(())
    }
}

/// The outcome of an explicit auction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplicitReport {
    /// The format run.
    pub format: Format,
    /// The bidding behaviour.
    pub bidding: Bidding,
    /// Squashing exponent used.
    pub squashing: f64,
    /// Reserve per click.
    pub reserve: f64,
    /// Winner of each sold slot, in slot order: bidder index (0-based, input order). Fewer
    /// entries than slots when fewer bidders are eligible.
    pub allocation: Vec<usize>,
    /// Price per click of each sold slot (currency per click).
    pub slot_price_per_click: Vec<f64>,
    /// Expected payment of each sold slot's winner, `p_k · e_k · α_k`.
    pub slot_payment: Vec<f64>,
    /// `Σ_k p_k · e_k · α_k` (expected revenue of the page view).
    pub revenue: f64,
    /// `Σ_k v_k · e_k · α_k` (value = bid when no value is given).
    pub welfare: f64,
    /// Equilibrium bids per click, in input order (only with bidding = equilibrium).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bids: Option<Vec<f64>>,
    /// GSP only: the most profitable unilateral deviation from this outcome, or `null` when no
    /// bidder can gain by changing its bid alone (the bids are a Nash equilibrium). See
    /// [`gsp_best_deviation`]. Truthful GSP bids are generally not an equilibrium; the EOS
    /// bids are, except that with a reserve and unequal `quality^q` the per-bidder reserves in
    /// score space `R_i` can make a bidder prefer a lower slot at its lower reserve. Then no
    /// envy-free equilibrium in the efficient order exists: keeping bidder `k−1` from dropping
    /// needs `s_k ≤ V_{k−1} − (α_k/α_{k−1})(V_{k−1} − R_{k−1})`, while bidder `k` not envying
    /// slot `k−1` needs `s_k ≥ V_k − (α_k/α_{k−1})(V_k − max(s_{k+1}, R_k))`, and with
    /// `R_k > R_{k−1}` the second bound can exceed the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nash_check: Option<NashCheck>,
}

/// The result of checking an explicit GSP outcome for profitable unilateral deviations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NashCheck {
    /// Whether no bidder can gain by changing its bid alone.
    pub nash: bool,
    /// The most profitable deviation, when there is one.
    pub deviation: Option<Deviation>,
}

/// A unilateral deviation in an explicit GSP auction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Deviation {
    /// The bidder (0-based, input order).
    pub bidder: usize,
    /// The slot it would take (0-based), or `null` for dropping out.
    pub slot: Option<usize>,
    /// The bid per click that gets it there (the least one, per the GSP tie rule).
    pub bid: f64,
    /// Its gain in expected surplus, `e·α·(v − p)` there minus now.
    pub gain: f64,
}

/// Validate and run an explicit auction.
pub fn run_explicit(cfg: &ExplicitConfig) -> Result<ExplicitReport, LabError> {
    cfg.validate()?;
    let q = cfg.squashing;
    let rule = RankingRule {
        w_rev: 1.0,
        squashing: q,
    };
    let values: Vec<f64> = cfg
        .bidders
        .iter()
        .map(|b| b.value.or(b.bid).unwrap_or(0.0))
        .collect();
    // With GSP equilibrium bidding, also the bidders in score order (see below).
    let (bids, score_order): (Vec<f64>, Option<Vec<usize>>) = match (cfg.bidding, cfg.format) {
        (Bidding::Truthful, _) => (
            cfg.bidders
                .iter()
                .map(|b| b.bid.or(b.value).unwrap_or(0.0))
                .collect(),
            None,
        ),
        (Bidding::Equilibrium, Format::Vcg) => (values.clone(), None),
        (Bidding::Equilibrium, _) => {
            let (bids, order) = explicit_eos_bids(cfg, &values);
            (bids, Some(order))
        }
    };
    let candidates: Vec<Candidate> = cfg
        .bidders
        .iter()
        .zip(&bids)
        .map(|(b, &bid)| Candidate {
            bid,
            click_weight: b.quality,
            bonus: 0.0,
            reserve: cfg.reserve,
        })
        .collect();
    let limit = cfg.slot_ctrs.len() + 1;
    let ranked_idx = match score_order {
        // Score order, ties to the higher value score (see `MonteCarloLab::auction`).
        Some(order) => order
            .into_iter()
            .filter(|&i| takes_part(values[i], cfg.reserve))
            .take(limit)
            .collect(),
        None => auction::rank(&candidates, &rule, limit),
    };
    let ranked: Vec<Candidate> = ranked_idx.iter().map(|&i| candidates[i]).collect();
    let prices = auction::price(&ranked, &cfg.slot_ctrs, &rule, cfg.format);
    let allocation: Vec<usize> = ranked_idx[..prices.len()].to_vec();
    let mut revenue = 0.0;
    let mut welfare = 0.0;
    let mut slot_payment = Vec::with_capacity(prices.len());
    for (k, (&p, &i)) in prices.iter().zip(&allocation).enumerate() {
        let clicks = cfg.bidders[i].quality * cfg.slot_ctrs[k];
        slot_payment.push(p * clicks);
        revenue += p * clicks;
        welfare += values[i] * clicks;
    }
    let nash_check = (cfg.format == Format::Gsp).then(|| {
        let deviation = gsp_best_deviation(cfg, &values, &bids, &allocation, &prices);
        NashCheck {
            nash: deviation.is_none(),
            deviation,
        }
    });
    Ok(ExplicitReport {
        format: cfg.format,
        bidding: cfg.bidding,
        squashing: q,
        reserve: cfg.reserve,
        allocation,
        slot_price_per_click: prices,
        slot_payment,
        revenue,
        welfare,
        nash_check,
        bids: (cfg.bidding == Bidding::Equilibrium).then_some(bids),
    })
}

/// The most profitable unilateral deviation from an explicit GSP outcome, if any gains more
/// than `1e-9·(1 + |current surplus|)`.
///
/// Bidder `i` (value `v_i`, click weight `e_i`, `f_i = e_i^q`) is listed with the others in
/// the outcome's order: the winners by slot, then the rest by score `b·f`. Moving up to slot
/// `j` it must outbid the occupant's score `s_j` and pays `max(s_j / f_i, r)` per click (an
/// empty slot: `r`); moving down to slot `j` the occupants in between move up and it pays
/// `max(s_{j+1} / f_i, r)`; dropping out earns 0. Its current surplus uses the reported price.
pub fn gsp_best_deviation(
    cfg: &ExplicitConfig,
    values: &[f64],
    bids: &[f64],
    allocation: &[usize],
    prices: &[f64],
) -> Option<Deviation> {
    let q = cfg.squashing;
    let r = cfg.reserve;
    let f: Vec<f64> = cfg.bidders.iter().map(|b| pow_q(b.quality, q)).collect();
    let mut order = allocation.to_vec();
    let mut rest: Vec<usize> = (0..values.len())
        .filter(|i| !allocation.contains(i))
        .collect();
    rest.sort_by(|&a, &b| {
        (bids[b] * f[b])
            .total_cmp(&(bids[a] * f[a]))
            .then(a.cmp(&b))
    });
    order.extend(rest);
    let score = |x: usize| order.get(x).map_or(0.0, |&i| bids[i] * f[i]);
    let sold = allocation.len();
    let slots = cfg.slot_ctrs.len();
    let mut best: Option<Deviation> = None;
    for (p, &i) in order.iter().enumerate() {
        let e = cfg.bidders[i].quality;
        let v = values[i];
        let now = if p < sold {
            e * cfg.slot_ctrs[p] * (v - prices[p])
        } else {
            0.0
        };
        let tol = 1e-9 * (1.0 + now.abs());
        let mut consider = |slot: Option<usize>, bid: f64, surplus: f64| {
            let gain = surplus - now;
            if gain > tol && best.is_none_or(|d| gain > d.gain) {
                best = Some(Deviation {
                    bidder: i,
                    slot,
                    bid,
                    gain,
                });
            }
        };
        consider(None, 0.0, 0.0);
        for j in 0..slots {
            let competitor = if p < sold {
                // A winner cannot leave a gap: it can only move among the sold slots.
                if j == p || j >= sold {
                    continue;
                }
                if j < p {
                    score(j)
                } else {
                    score(j + 1)
                }
            } else if j < sold {
                score(j)
            } else {
                0.0
            };
            let price = if f[i] > 0.0 {
                (competitor / f[i]).max(r)
            } else {
                f64::INFINITY
            };
            if price.is_finite() {
                consider(Some(j), price, e * cfg.slot_ctrs[j] * (v - price));
            }
            // Past the first empty slot: the same price, fewer clicks.
            if j >= sold {
                break;
            }
        }
    }
    best
}

/// Whether a bidder with value `v` per click takes part in the GSP equilibrium with reserve `r`.
fn takes_part(v: f64, r: f64) -> bool {
    v >= r && v > 0.0
}

/// EOS bids per click for an explicit GSP auction: scores `V_i = v_i e_i^q`, reserves in score
/// space `R_i = r e_i^q` (bidders with `v_i < r` do not take part and bid their value),
/// [`eos_bids_with_floors`] on the sorted scores, then `b_i = max(s_i / e_i^q, r)`. Also returns
/// the bidders in decreasing score order (ties: lower index first).
fn explicit_eos_bids(cfg: &ExplicitConfig, values: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let q = cfg.squashing;
    let factor: Vec<f64> = cfg.bidders.iter().map(|b| pow_q(b.quality, q)).collect();
    let scores: Vec<f64> = values.iter().zip(&factor).map(|(v, f)| v * f).collect();
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let sorted: Vec<f64> = order.iter().map(|&i| scores[i]).collect();
    let floors: Vec<f64> = order
        .iter()
        .map(|&i| {
            if values[i] >= cfg.reserve {
                cfg.reserve * factor[i]
            } else {
                f64::INFINITY
            }
        })
        .collect();
    let score_bids = eos_bids_with_floors(&sorted, &cfg.slot_ctrs, &floors);
    let mut bids = values.to_vec();
    for (r, &i) in order.iter().enumerate() {
        if values[i] >= cfg.reserve {
            bids[i] = (score_bids[r] / factor[i]).max(cfg.reserve).min(values[i]);
        }
    }
    (bids, order)
}
