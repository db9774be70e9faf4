//! Pacing equilibria of an explicit market: bidders with a value per good and a budget, every good
//! sold by its own first-price (or second-price) auction, every bidder shading all its bids by one
//! multiplier.
//!
//! The first-price equilibrium is unique and computed exactly ([`first_price_pacing`]); a
//! second-price pacing equilibrium exists but need not be unique, and finding one is PPAD-hard
//! in general, so [`second_price_pacing`] searches (best-response dynamics from several starts,
//! finished by exact solves of the active set) and may fail, and [`check_sppe`] says whether the
//! point found is one.
//!
//! ## The equilibrium (Conitzer, Kroer, Panigrahi et al., Management Science 2022)
//!
//! Bidder `i` has value `v_ij ≥ 0` for good `j` and budget `B_i ≥ 0`. A **first-price pacing
//! equilibrium** (FPPE) is a vector of pacing multipliers `α_i ∈ [0, 1]` with an allocation
//! `x_ij ≥ 0` such that
//!
//! 1. prices are the highest paced bids: `p_j = max_i α_i v_ij`;
//! 2. only a highest paced bid wins: `x_ij > 0 ⇒ α_i v_ij = p_j`, and a good with `p_j > 0` is
//!    sold in full, `Σ_i x_ij = 1` (a tied good is split);
//! 3. budgets hold: `spend_i = Σ_j x_ij p_j ≤ B_i`;
//! 4. complementary slackness: `α_i < 1 ⇒ spend_i = B_i` (a bidder shades only if its budget
//!    binds).
//!
//! The FPPE exists and is unique. Its multipliers solve the Eisenberg–Gale-type convex program's
//! dual
//!
//! ```text
//!   minimise over 0 < β ≤ 1:   F(β) = Σ_j max_i β_i v_ij  −  Σ_i B_i ln β_i        (D)
//! ```
//!
//! whose primal is `max Σ_i B_i ln u_i − δ_i` s.t. `u_i ≤ Σ_j x_ij v_ij + δ_i`, `Σ_i x_ij ≤ 1`,
//! `x, δ ≥ 0`: the prices are the goods' multipliers, `β_i = α_i`, and the optimality conditions
//! of (D) in `γ_i = ln β_i ≤ 0` are exactly 1–4 (the subgradient of `Σ_j max_i e^{γ_i} v_ij` in
//! `γ_i` is bidder `i`'s spend under some split of the tied goods, and the one of `−B_i γ_i` is
//! `−B_i`, so `0 ∈ spend_i − B_i + N_{γ_i ≤ 0}` reads `spend_i ≤ B_i`, with equality when
//! `γ_i < 0`). [`eg_dual_objective`] evaluates `F`; the tests check that no point of a fine grid
//! does better than the computed equilibrium.
//!
//! ## Why an ascending algorithm
//!
//! Call `α` *budget-feasible* if some allocation meeting 1–3 exists at `α`. The FPPE is the
//! componentwise **largest** budget-feasible vector (Conitzer et al.; in short: if a feasible `α`
//! had `α_i > α*_i` somewhere, the bidders with the largest ratio `α_i/α*_i > 1` would have to pay
//! for goods at `α` that cost them `1/ratio` as much at `α*`, where they spend their whole
//! budget — more than they have). So any budget-feasible vector is a lower bound, and the solver
//! raises one, never losing feasibility, until conditions 1–4 hold. It is the mirror image of
//! the ascending-price algorithm of Devanur, Papadimitriou, Saberi and Vazirani for Fisher
//! markets:
//!
//! - Start at `α_i = min(1, B_i / Σ_j v_ij)`: no bidder can overspend even winning everything.
//! - Feasibility at `α` is a max-flow: source → good `j` (capacity `p_j`) → every bidder tied at
//!   the top of `j` (unbounded) → sink (capacity `B_i`). `α` is feasible iff the flow sells every
//!   good (`Σ_j p_j`), and the flow is the allocation (`x_ij = f_ij / p_j`).
//! - In the residual network, bidders that cannot reach the sink form the largest *tight* set:
//!   they spend their whole budget in every feasible allocation and must not rise. The others
//!   with `α_i < 1` are *active*; when none is left, conditions 1–4 hold and the loop stops.
//! - All active multipliers rise by one common factor `x > 1` (so ties among them persist), as
//!   far as allowed by: an active multiplier reaching 1; an active bidder's paced bid reaching
//!   the price of a good held by a non-active bidder (a new tie); and feasibility, found by
//!   Dinkelbach steps: if the flow at `x` fails, its min cut names goods `S` and their top
//!   bidders `Γ(S)` with `p_S(x) > B(Γ(S))`, and `x` drops to the factor where they balance
//!   (`p_S` is affine in `x`).
//!
//! Each round adds a tie, tightens a set, or caps a multiplier at 1.
//!
//! ## Warm start
//!
//! From the safe start the rounds number in the thousands on large markets (one new tie each),
//! so [`first_price_pacing`] starts close below the equilibrium instead; the plain algorithm
//! stays as [`first_price_pacing_reference`], which the tests compare it with.
//!
//! 1. A few hundred iterations of proportional response dynamics for the quasi-linear Fisher
//!    market (Gao and Kroer 2020) give approximate multipliers `β̂` (relative error about 1e-5;
//!    ties converge slowly).
//! 2. `β̂` lowered by a relative 1e-7 is repaired to a budget-feasible vector: while the
//!    max-flow fails, its min cut names goods `S` and their top bidders `Γ(S)`, which buy only
//!    goods of `S`; all of `Γ(S)` is lowered by the largest common factor at which it can pay
//!    for the goods of `S` it still outbids (goods pass to the best outside bidder as the
//!    factor falls through its bid). Multipliers only fall, and each step hands over goods or
//!    balances the set; past a step limit the safe start is used instead.
//! 3. The ascending rounds finish exactly from there (a few dozen on 200 × 2 000).
//!
//! Correctness does not rest on the approximation: any budget-feasible start leads the
//! ascending rounds to the same unique equilibrium.
//!
//! ## Tolerances
//!
//! Two paced bids tie when they agree to a relative [`TIE_TOLERANCE`] (1e-12); flows are exact
//! up to a relative 1e-12 of the market's total price. The result meets 1–4 to a relative 1e-9
//! ([`check_fppe`] with `tol = 1e-9`), and the multipliers agree with the exact equilibrium to
//! about that as well. Deterministic: no randomness, a fixed order of operations.

use serde::Serialize;

use super::LabError;
use crate::core::math;
use crate::core::rng::{self, Purpose, Random, SimRng};

/// Most bidders in a market.
pub const MAX_PACING_BIDDERS: usize = 200;
/// Most goods in a market.
pub const MAX_PACING_GOODS: usize = 2_000;
/// Largest value or budget accepted (keeps the solver's relative tolerances meaningful).
pub const MAX_PACING_AMOUNT: f64 = 1e12;
/// Relative gap below which two paced bids count as tied.
pub const TIE_TOLERANCE: f64 = 1e-12;

/// Relative precision of the max-flow (of the market's total price).
const FLOW_TOLERANCE: f64 = 1e-12;

/// A market: values per bidder and good, a budget per bidder. Built by [`Market::new`], which
/// validates it.
#[derive(Debug, Clone, PartialEq)]
pub struct Market {
    values: Vec<Vec<f64>>,
    budgets: Vec<f64>,
}

impl Market {
    /// Validates and builds a market. `values[i][j]` is bidder `i`'s value for good `j` (every
    /// row the same length), `budgets[i]` its budget; both in `[0, MAX_PACING_AMOUNT]`, at
    /// most [`MAX_PACING_BIDDERS`] bidders and [`MAX_PACING_GOODS`] goods. Errors name the field
    /// (`values[2][5]`, `budgets`, …).
    pub fn new(values: Vec<Vec<f64>>, budgets: Vec<f64>) -> Result<Self, LabError> {
        let n = values.len();
        if n == 0 {
            return Err(LabError::new(
                "values",
                "needs at least one bidder (a list per bidder of its value per good)".into(),
            ));
        }
        if n > MAX_PACING_BIDDERS {
            return Err(LabError::new(
                "values",
                format!("at most {MAX_PACING_BIDDERS} bidders, got {n}"),
            ));
        }
        let m = values[0].len();
        if m == 0 {
            return Err(LabError::new("values[0]", "needs at least one good".into()));
        }
        if m > MAX_PACING_GOODS {
            return Err(LabError::new(
                "values[0]",
                format!("at most {MAX_PACING_GOODS} goods, got {m}"),
            ));
        }
        let amount = |x: f64| x.is_finite() && (0.0..=MAX_PACING_AMOUNT).contains(&x);
        for (i, row) in values.iter().enumerate() {
            if row.len() != m {
                return Err(LabError::new(
                    format!("values[{i}]"),
                    format!(
                        "every bidder needs a value for each good: values[0] has {m}, values[{i}] has {}",
                        row.len()
                    ),
                ));
            }
            if let Some((j, v)) = row.iter().enumerate().find(|(_, v)| !amount(**v)) {
                return Err(LabError::new(
                    format!("values[{i}][{j}]"),
                    format!("must be a value in [0, {MAX_PACING_AMOUNT:e}], got {v}"),
                ));
            }
        }
        if budgets.len() != n {
            return Err(LabError::new(
                "budgets",
                format!("needs one budget per bidder ({n}), got {}", budgets.len()),
            ));
        }
        if let Some((i, b)) = budgets.iter().enumerate().find(|(_, b)| !amount(**b)) {
            return Err(LabError::new(
                format!("budgets[{i}]"),
                format!("must be a budget in [0, {MAX_PACING_AMOUNT:e}], got {b}"),
            ));
        }
        Ok(Market { values, budgets })
    }

    /// `values[i][j]`: bidder `i`'s value for good `j`.
    pub fn values(&self) -> &[Vec<f64>] {
        &self.values
    }

    /// `budgets[i]`: bidder `i`'s budget.
    pub fn budgets(&self) -> &[f64] {
        &self.budgets
    }

    /// Number of bidders.
    pub fn bidders(&self) -> usize {
        self.values.len()
    }

    /// Number of goods.
    pub fn goods(&self) -> usize {
        self.values[0].len()
    }

    /// `p_j = max_i α_i v_ij` for each good.
    pub fn prices(&self, multipliers: &[f64]) -> Vec<f64> {
        let mut prices = vec![0.0f64; self.goods()];
        for (row, &a) in self.values.iter().zip(multipliers) {
            for (p, &v) in prices.iter_mut().zip(row) {
                *p = p.max(a * v);
            }
        }
        prices
    }
}

/// A pacing equilibrium.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PacingOutcome {
    /// `α_i ∈ [0, 1]`: each bidder's bids are `α_i v_ij`.
    pub multipliers: Vec<f64>,
    /// `p_j`: what the good sells for (0: unsold, nobody bids on it).
    pub prices: Vec<f64>,
    /// `x_ij`: bidder `i`'s share of good `j`; each good with a positive price sums to 1 over
    /// bidders, a good with price 0 is not allocated (all zeros).
    pub allocation: Vec<Vec<f64>>,
    /// `Σ_j x_ij p_j`.
    pub spend: Vec<f64>,
    /// `Σ_i spend_i` (= the prices of the goods sold).
    pub revenue: f64,
}

/// The first-price pacing equilibrium of `market` (see the module docs for the method).
///
/// Errors only if the solver fails to converge within its round limit, which the tests have not
/// seen happen; the error names `values`.
pub fn first_price_pacing(market: &Market) -> Result<PacingOutcome, LabError> {
    ascend(market, warm_start(market))
}

/// The same equilibrium by the plain ascending algorithm from the safe start
/// `α_i = min(1, B_i / Σ_j v_ij)`, without the warm start: the reference that
/// [`first_price_pacing`] is tested against. Much slower on large markets (thousands of rounds).
pub fn first_price_pacing_reference(market: &Market) -> Result<PacingOutcome, LabError> {
    ascend(market, safe_start(market))
}

/// `α_i = min(1, B_i / Σ_j v_ij)` (1 for a bidder that values nothing): budget-feasible, since no
/// bidder can overspend even winning every good.
fn safe_start(market: &Market) -> Vec<f64> {
    let budgets = market.budgets();
    market
        .values()
        .iter()
        .zip(budgets)
        .map(|(row, &b)| {
            let total: f64 = row.iter().sum();
            if total > 0.0 {
                (b / total).min(1.0)
            } else {
                1.0
            }
        })
        .collect()
}

/// The ascending rounds from a budget-feasible `alpha` up to the equilibrium.
fn ascend(market: &Market, mut alpha: Vec<f64>) -> Result<PacingOutcome, LabError> {
    let max_rounds = 20 * (market.bidders() + market.goods()) + 1_000;
    for _ in 0..max_rounds {
        let state = State::at(market, &alpha);
        if !state.flow.sells_all {
            // Feasibility is the loop invariant; losing it means rounding went wrong.
            return Err(not_converged("lost budget feasibility"));
        }
        let active = state.active(market, &alpha, &state.flow);
        if !active.iter().any(|&a| a) {
            return Ok(state.outcome(market, alpha));
        }
        match raise(market, &alpha, &active, &state) {
            Some(next) => alpha = next,
            // Nothing can rise: the conditions hold to the flow's precision.
            None => return Ok(state.outcome(market, alpha)),
        }
    }
    Err(not_converged("too many rounds"))
}

/// Proportional-response iterations before the warm start is rounded to a feasible vector.
const RESPONSE_ROUNDS: usize = 400;
/// The proportional response stops early once no multiplier moves by more than this (relative).
const RESPONSE_SETTLED: f64 = 1e-11;
/// How far below the proportional response's multipliers the warm start begins (relative).
const WARM_MARGIN: f64 = 1e-7;
/// Most repair steps before the warm start gives way to the safe start.
const REPAIR_STEPS: usize = 20_000;

/// A budget-feasible vector close below the equilibrium, where the ascending rounds have little
/// left to do (see the module docs): the proportional response's multipliers, lowered by
/// [`WARM_MARGIN`], then repaired until one max-flow sells every good. Falls back to
/// [`safe_start`] if the repair does not finish.
fn warm_start(market: &Market) -> Vec<f64> {
    let n = market.bidders();
    let mut alpha: Vec<f64> = proportional_response(market)
        .iter()
        .map(|&b| b * (1.0 - WARM_MARGIN))
        .collect();
    for _ in 0..REPAIR_STEPS {
        let state = State::at(market, &alpha);
        if state.flow.sells_all {
            return alpha;
        }
        // The min cut: goods `S` whose prices their top bidders `Γ(S)` cannot pay; `Γ(S)` buys
        // only goods of `S`. Lower all of `Γ(S)` by one factor `y`, as little as makes `S`
        // affordable: a good of `S` passes to the best bidder outside `Γ(S)` (bid `h_j`) once
        // `y p_j` falls to `h_j` (there it ties and may be handed over), so `Γ(S)` must pay
        // `y · Σ_{j ∈ S, y p_j > h_j} p_j`, and `y` is the largest factor where that is at most
        // `B(Γ(S))`. The bidders who receive goods may overspend in turn, hence the loop.
        let (goods, bidders) = state.flow.source_side(&state.tops, n);
        let budget: f64 = (0..n)
            .filter(|&i| bidders[i])
            .map(|i| market.budgets()[i])
            .sum();
        let mut handover: Vec<(f64, f64)> = (0..market.goods())
            .filter(|&j| goods[j] && state.prices[j] > 0.0)
            .map(|j| {
                let outside = (0..n)
                    .filter(|&k| !bidders[k])
                    .map(|k| alpha[k] * market.values()[k][j])
                    .fold(0.0f64, f64::max);
                (outside / state.prices[j], state.prices[j])
            })
            .collect();
        handover.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut kept: f64 = handover.iter().map(|g| g.1).sum();
        let mut upper = 1.0f64;
        let mut factor = 0.0f64;
        for &(threshold, price) in handover.iter().chain(std::iter::once(&(0.0, 0.0))) {
            let y = if kept > 0.0 {
                budget / kept
            } else {
                f64::INFINITY
            };
            if y > threshold {
                factor = y.min(upper);
                break;
            }
            kept -= price;
            upper = threshold;
        }
        let factor = factor.min(1.0) * (1.0 - 1e-13);
        if factor.is_nan() || factor >= 1.0 {
            break;
        }
        for (a, &lower) in alpha.iter_mut().zip(&bidders) {
            if lower {
                *a *= factor;
            }
        }
    }
    safe_start(market)
}

/// Proportional response dynamics for the quasi-linear Fisher market (Gao and Kroer 2020), a
/// mirror-descent method on the Eisenberg–Gale-type program: each bidder splits a bid over the
/// goods it values, a good's price is the sum of its bids and each bidder gets the bid's share
/// `x_ij = b_ij / p_j`; then with `u_i = Σ_j v_ij x_ij` every bidder bids
/// `b_ij = B_i v_ij x_ij / max(u_i, B_i)`. At the fixed point `β_i = min(1, B_i / u_i)` are the
/// equilibrium multipliers (bidder `i` pays `β_i v_ij` for what it wins, and spends
/// `min(u_i, B_i)`). Returns those `β`; only an approximation (ties converge slowly), which
/// [`warm_start`] rounds to a feasible vector.
fn proportional_response(market: &Market) -> Vec<f64> {
    let n = market.bidders();
    let m = market.goods();
    let budgets = market.budgets();
    // Sparse rows: (good, value) with a positive value, for bidders with a positive budget.
    let rows: Vec<Vec<(usize, f64)>> = market
        .values()
        .iter()
        .zip(budgets)
        .map(|(row, &b)| {
            if b > 0.0 {
                row.iter()
                    .enumerate()
                    .filter(|(_, &v)| v > 0.0)
                    .map(|(j, &v)| (j, v))
                    .collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    let mut bids: Vec<Vec<f64>> = rows
        .iter()
        .zip(budgets)
        .map(|(row, &b)| {
            let total: f64 = row.iter().map(|(_, v)| v).sum();
            row.iter().map(|(_, v)| b * v / total).collect()
        })
        .collect();
    let mut beta: Vec<f64> = safe_start(market);
    let mut prices = vec![0.0f64; m];
    for _ in 0..RESPONSE_ROUNDS {
        prices.fill(0.0);
        for (row, b) in rows.iter().zip(&bids) {
            for (&(j, _), &bid) in row.iter().zip(b) {
                prices[j] += bid;
            }
        }
        let mut moved = 0.0f64;
        for i in 0..n {
            if rows[i].is_empty() {
                continue;
            }
            let share = |j: usize, bid: f64| {
                if prices[j] > 0.0 {
                    bid / prices[j]
                } else {
                    0.0
                }
            };
            let utility: f64 = rows[i]
                .iter()
                .zip(&bids[i])
                .map(|(&(j, v), &bid)| v * share(j, bid))
                .sum();
            let scale = budgets[i] / utility.max(budgets[i]);
            for (&(j, v), bid) in rows[i].iter().zip(bids[i].iter_mut()) {
                *bid = scale * v * share(j, *bid);
            }
            let next = scale;
            moved = moved.max((next - beta[i]).abs() / next.max(f64::MIN_POSITIVE));
            beta[i] = next;
        }
        if moved < RESPONSE_SETTLED {
            break;
        }
    }
    beta
}

fn not_converged(why: &str) -> LabError {
    LabError::new(
        "values",
        format!("the pacing solver did not converge on this market ({why})"),
    )
}

/// Prices, ties and a max-flow allocation at one multiplier vector.
struct State {
    prices: Vec<f64>,
    /// `tops[j]`: the bidders whose paced bid ties the price of good `j` (empty if `p_j = 0`).
    tops: Vec<Vec<usize>>,
    flow: Flow,
}

impl State {
    fn at(market: &Market, alpha: &[f64]) -> State {
        let prices = market.prices(alpha);
        let tops = ties(market, alpha, &prices);
        let flow = Flow::solve(market.budgets(), alpha, &prices, &tops);
        State { prices, tops, flow }
    }

    /// Paced bidders that can rise: in the residual network of the stage-1 flow (only paced
    /// bidders paid), those that reach a paced bidder with budget to spare — directly, or by
    /// handing a tied good's share to another paced bidder who can. Unpaced bidders are left
    /// out of the search: they do not rise, so a rising bidder takes their tied goods whole.
    fn active(&self, market: &Market, alpha: &[f64], flow: &Flow) -> Vec<bool> {
        let n = market.bidders();
        let m = market.goods();
        let eps = flow.eps;
        let paced = |i: usize| alpha[i] < 1.0;
        let mut bidder_reach = vec![false; n];
        let mut good_reach = vec![false; m];
        // goods_of[i]: goods where bidder i ties at the top.
        let mut goods_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (j, tops) in self.tops.iter().enumerate() {
            for &i in tops {
                goods_of[i].push(j);
            }
        }
        let mut queue: Vec<usize> = Vec::new();
        for i in (0..n).filter(|&i| paced(i)) {
            if market.budgets()[i] - flow.paced_spend[i] > eps {
                bidder_reach[i] = true;
                queue.push(i);
            }
        }
        while let Some(i) = queue.pop() {
            // A good tied at i's top can send more to i.
            for &j in &goods_of[i] {
                if good_reach[j] {
                    continue;
                }
                good_reach[j] = true;
                // A paced bidder paid by j can hand that money back to j.
                for (&k, &f) in self.tops[j].iter().zip(&flow.paced_shares[j]) {
                    if paced(k) && f > eps && !bidder_reach[k] {
                        bidder_reach[k] = true;
                        queue.push(k);
                    }
                }
            }
        }
        bidder_reach
    }

    // Bidder-by-good matrices read most plainly with indices.
    #[allow(clippy::needless_range_loop)]
    fn outcome(&self, market: &Market, alpha: Vec<f64>) -> PacingOutcome {
        let n = market.bidders();
        let m = market.goods();
        let mut allocation = vec![vec![0.0; m]; n];
        for j in 0..m {
            let total: f64 = self.flow.shares[j].iter().sum();
            if self.prices[j] > 0.0 && total > 0.0 {
                for (&i, &f) in self.tops[j].iter().zip(&self.flow.shares[j]) {
                    allocation[i][j] = f / total;
                }
            }
        }
        let spend: Vec<f64> = allocation
            .iter()
            .map(|row| row.iter().zip(&self.prices).map(|(x, p)| x * p).sum())
            .collect();
        let revenue = spend.iter().sum();
        PacingOutcome {
            multipliers: alpha,
            prices: self.prices.clone(),
            allocation,
            spend,
            revenue,
        }
    }
}

/// For each good with a positive price, the bidders whose paced bid is within
/// [`TIE_TOLERANCE`] of it.
fn ties(market: &Market, alpha: &[f64], prices: &[f64]) -> Vec<Vec<usize>> {
    let mut tops = vec![Vec::new(); market.goods()];
    for (i, row) in market.values().iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            let p = prices[j];
            if p > 0.0 && alpha[i] * v >= p * (1.0 - TIE_TOLERANCE) {
                tops[j].push(i);
            }
        }
    }
    tops
}

/// One round: the largest common factor for the active multipliers that keeps the market
/// budget-feasible, capped by the first multiplier reaching 1 and the first new tie. `None` when
/// no active bidder can rise after all (rounding: a set that balances at factor 1 is tight).
fn raise(market: &Market, alpha: &[f64], active: &[bool], state: &State) -> Option<Vec<f64>> {
    let mut active = active.to_vec();
    while active.iter().any(|&a| a) {
        match raise_step(market, alpha, &active, state) {
            Step::Raised(next) => return Some(next),
            Step::Tight(bidders) => {
                let before = active.iter().filter(|&&a| a).count();
                for (a, t) in active.iter_mut().zip(&bidders) {
                    *a &= !t;
                }
                if active.iter().filter(|&&a| a).count() == before {
                    return None;
                }
            }
        }
    }
    None
}

enum Step {
    /// The new multipliers.
    Raised(Vec<f64>),
    /// A set balances at factor 1: these bidders cannot rise.
    Tight(Vec<bool>),
}

fn raise_step(market: &Market, alpha: &[f64], active: &[bool], state: &State) -> Step {
    let v = market.values();
    let n = market.bidders();
    let m = market.goods();
    // A good is active-priced when an active bidder holds its price: it rises with the factor.
    let active_priced: Vec<bool> = state
        .tops
        .iter()
        .map(|t| t.iter().any(|&i| active[i]))
        .collect();
    let mut x_hi = f64::INFINITY;
    for (i, &a) in alpha.iter().enumerate() {
        if active[i] {
            x_hi = x_hi.min(1.0 / a);
        }
    }
    for j in (0..m).filter(|&j| !active_priced[j]) {
        let p = state.prices[j];
        for (i, row) in v.iter().enumerate() {
            let bid = alpha[i] * row[j];
            if active[i] && bid > 0.0 {
                // Here p > 0: an active bidder has α > 0, and a positive bid would hold p.
                x_hi = x_hi.min(p / bid);
            }
        }
    }
    let trial = |x: f64| -> Vec<f64> {
        alpha
            .iter()
            .zip(active)
            .map(|(&a, &act)| if act { (a * x).min(1.0) } else { a })
            .collect()
    };
    let mut x = x_hi;
    let mut last_cut = vec![false; n];
    // Dinkelbach steps: each failed flow names a set whose balance point is a smaller factor
    // (a handful in practice; the bound only guards against rounding cycles).
    for _ in 0..(4 * n + 20) {
        let next = trial(x);
        let at = State::at(market, &next);
        if at.flow.sells_all {
            return Step::Raised(next);
        }
        // The min cut: goods the source still reaches, and their top bidders.
        let (goods, bidders) = at.flow.source_side(&at.tops, n);
        let mut fixed = 0.0;
        let mut rising = 0.0;
        for j in (0..m).filter(|&j| goods[j]) {
            if active_priced[j] {
                rising += state.prices[j];
            } else {
                fixed += state.prices[j];
            }
        }
        let budget: f64 = (0..n)
            .filter(|&i| bidders[i])
            .map(|i| market.budgets()[i])
            .sum();
        let balance = (budget - fixed) / rising;
        // `p_S(x)` is affine and `p_S(x) > B(Γ(S))`, so the balance lies below `x`; at or
        // below factor 1 (rounding) the set is tight and its active bidders stay.
        if !(balance > 1.0 + 4.0 * f64::EPSILON && balance < x) {
            return Step::Tight(bidders);
        }
        x = balance;
        last_cut = bidders;
    }
    Step::Tight(last_cut)
}

/// A max-flow from the goods (capacity `p_j`) through ties to the bidders (capacity `B_i`).
struct Flow {
    /// `shares[j][k]`: money from good `j` to its `k`-th top bidder (`tops[j][k]`).
    shares: Vec<Vec<f64>>,
    /// The same after stage 1, when only paced bidders receive money.
    paced_shares: Vec<Vec<f64>>,
    /// Money each paced bidder receives after stage 1 (0 for unpaced ones).
    paced_spend: Vec<f64>,
    /// Money each good sends (`p_j` when sold in full).
    sent: Vec<f64>,
    /// The goods' prices (the source's capacities).
    prices: Vec<f64>,
    /// Whether every good is sold in full (to the flow's precision).
    sells_all: bool,
    /// The flow's precision, in money.
    eps: f64,
}

impl Flow {
    /// Dinic's algorithm on the bipartite network source → goods → bidders → sink, the sink
    /// edges' capacities being `budgets`.
    fn solve(budgets: &[f64], alpha: &[f64], prices: &[f64], tops: &[Vec<usize>]) -> Flow {
        let n = budgets.len();
        let m = prices.len();
        let total: f64 = prices.iter().sum();
        let eps = FLOW_TOLERANCE * total.max(f64::MIN_POSITIVE);
        // Nodes: 0 source, 1 sink, 2..2+m goods, 2+m.. bidders.
        let mut net = Network::new(2 + m + n);
        let mut share_edges: Vec<Vec<usize>> = Vec::with_capacity(m);
        for j in 0..m {
            if prices[j] > 0.0 {
                net.add(0, 2 + j, prices[j]);
            }
            share_edges.push(
                tops[j]
                    .iter()
                    .map(|&i| net.add(2 + j, 2 + m + i, f64::INFINITY))
                    .collect(),
            );
        }
        // Stage 1: only paced bidders (α < 1) may receive money, so they get as much as any
        // allocation can give them; stage 2 opens the unpaced bidders' budgets and completes the
        // max-flow. An augmenting path ends at the sink, so stage 2 never takes money from a
        // paced bidder: the final flow sells as much as possible and, among such flows, pays
        // the paced bidders as much as possible.
        let sink_edges: Vec<usize> = (0..n)
            .map(|i| {
                let cap = if alpha[i] < 1.0 { budgets[i] } else { 0.0 };
                net.add(2 + m + i, 1, cap)
            })
            .collect();
        let flow_eps = eps * 1e-3;
        let mut value = net.max_flow(0, 1, flow_eps);
        let paced_shares: Vec<Vec<f64>> = share_edges
            .iter()
            .map(|edges| edges.iter().map(|&e| net.flow(e)).collect())
            .collect();
        let paced_spend: Vec<f64> = sink_edges.iter().map(|&e| net.flow(e)).collect();
        for (i, &e) in sink_edges.iter().enumerate() {
            if alpha[i] >= 1.0 {
                net.capacity[e] = budgets[i];
            }
        }
        value += net.max_flow(0, 1, flow_eps);
        let shares: Vec<Vec<f64>> = share_edges
            .iter()
            .map(|edges| edges.iter().map(|&e| net.flow(e)).collect())
            .collect();
        let sent = shares.iter().map(|s| s.iter().sum()).collect();
        Flow {
            shares,
            paced_shares,
            paced_spend,
            sent,
            prices: prices.to_vec(),
            sells_all: value >= total - eps * (1.0 + (n + m) as f64).sqrt(),
            eps,
        }
    }

    /// The goods the source reaches in the residual network (unsold money can still flow from
    /// them), and the bidders tied at their top: the source side of a minimum cut.
    fn source_side(&self, tops: &[Vec<usize>], n: usize) -> (Vec<bool>, Vec<bool>) {
        let m = tops.len();
        let mut good_in = vec![false; m];
        let mut bidder_in = vec![false; n];
        // goods paying bidder i (reverse residual edges i → j).
        let mut payers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (j, t) in tops.iter().enumerate() {
            for (&i, &f) in t.iter().zip(&self.shares[j]) {
                if f > self.eps {
                    payers[i].push(j);
                }
            }
        }
        let mut queue: Vec<usize> = Vec::new();
        for j in 0..m {
            if !tops[j].is_empty() && self.sent[j] < self.prices[j] - self.eps {
                good_in[j] = true;
                queue.push(j);
            }
        }
        while let Some(j) = queue.pop() {
            for &i in &tops[j] {
                if bidder_in[i] {
                    continue;
                }
                bidder_in[i] = true;
                for &k in &payers[i] {
                    if !good_in[k] {
                        good_in[k] = true;
                        queue.push(k);
                    }
                }
            }
        }
        (good_in, bidder_in)
    }
}

/// A flow network for Dinic's algorithm (edges stored in pairs: `e` and its reverse `e ^ 1`).
struct Network {
    adjacency: Vec<Vec<usize>>,
    to: Vec<usize>,
    capacity: Vec<f64>,
    flow: Vec<f64>,
}

impl Network {
    fn new(nodes: usize) -> Self {
        Network {
            adjacency: vec![Vec::new(); nodes],
            to: Vec::new(),
            capacity: Vec::new(),
            flow: Vec::new(),
        }
    }

    /// Adds `from → to` with `capacity`; returns the edge's index.
    fn add(&mut self, from: usize, to: usize, capacity: f64) -> usize {
        let e = self.to.len();
        self.adjacency[from].push(e);
        self.to.push(to);
        self.capacity.push(capacity);
        self.flow.push(0.0);
        self.adjacency[to].push(e + 1);
        self.to.push(from);
        self.capacity.push(0.0);
        self.flow.push(0.0);
        e
    }

    fn flow(&self, e: usize) -> f64 {
        self.flow[e]
    }

    fn residual(&self, e: usize) -> f64 {
        self.capacity[e] - self.flow[e]
    }

    /// Dinic's max-flow from `s` to `t`; residuals of at most `eps` count as saturated.
    fn max_flow(&mut self, s: usize, t: usize, eps: f64) -> f64 {
        let nodes = self.adjacency.len();
        let mut total = 0.0;
        let mut level = vec![usize::MAX; nodes];
        let mut next_edge = vec![0usize; nodes];
        let mut queue = Vec::with_capacity(nodes);
        loop {
            level.fill(usize::MAX);
            level[s] = 0;
            queue.clear();
            queue.push(s);
            let mut head = 0;
            while head < queue.len() {
                let u = queue[head];
                head += 1;
                for &e in &self.adjacency[u] {
                    let w = self.to[e];
                    if level[w] == usize::MAX && self.residual(e) > eps {
                        level[w] = level[u] + 1;
                        queue.push(w);
                    }
                }
            }
            if level[t] == usize::MAX {
                return total;
            }
            next_edge.fill(0);
            loop {
                let pushed = self.augment(s, t, f64::INFINITY, eps, &level, &mut next_edge);
                if pushed <= eps {
                    break;
                }
                total += pushed;
            }
        }
    }

    /// One blocking-flow path search (depth-first along increasing levels).
    fn augment(
        &mut self,
        u: usize,
        t: usize,
        limit: f64,
        eps: f64,
        level: &[usize],
        next_edge: &mut [usize],
    ) -> f64 {
        if u == t {
            return limit;
        }
        while next_edge[u] < self.adjacency[u].len() {
            let e = self.adjacency[u][next_edge[u]];
            let w = self.to[e];
            let room = self.residual(e);
            if room > eps && level[w] == level[u] + 1 {
                let pushed = self.augment(w, t, limit.min(room), eps, level, next_edge);
                if pushed > eps {
                    self.flow[e] += pushed;
                    self.flow[e ^ 1] -= pushed;
                    return pushed;
                }
            }
            next_edge[u] += 1;
        }
        0.0
    }
}

/// Default cap on best-response sweeps of [`second_price_pacing`], over all its starts.
pub const SPPE_MAX_SWEEPS: usize = 1_000;
/// Most best-response sweeps accepted (keeps a run's time bounded).
pub const SPPE_SWEEPS_LIMIT: usize = 100_000;
/// Relative tolerance at which [`second_price_pacing`] counts a point as an equilibrium
/// ([`check_sppe`] with this `tol`; the same as the CLI reports).
pub const SPPE_TOLERANCE: f64 = 1e-9;
/// The dynamics stop once a whole sweep moves no multiplier by more than this (relative).
const SPPE_SETTLED: f64 = 1e-14;
/// Most sweeps of the first start (`α = 1`).
const FIRST_START_SWEEPS: usize = 200;
/// Most sweeps of each later start.
const LATER_START_SWEEPS: usize = 50;
/// While the dynamics have not settled, every this many sweeps the exact solve is tried at
/// the current point (it counts as a sweep).
const PROBE_EVERY: usize = 5;
/// Tie tolerances (relative) at which the exact solve reads the active set off a point.
const ACTIVE_SET_TOLERANCES: [f64; 3] = [1e-9, 1e-6, 1e-3];
/// Most exact solves in a row from one tolerance (each reads the active set off the last).
const ACTIVE_SET_STEPS: usize = 4;

/// Where the search that found a point started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SppeStart {
    /// `α = 1`, bidders in a fixed order.
    Ones,
    /// The first-price pacing equilibrium's multipliers.
    FirstPrice,
    /// A seeded random point between the first-price multipliers and 1, bidders in a seeded
    /// random order each sweep.
    Random,
}

/// What [`second_price_pacing`] found: the multipliers of the best point its search reached,
/// with prices and an allocation at them. `converged` says whether the point passed
/// [`check_sppe`] at [`SPPE_TOLERANCE`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecondPriceRun {
    /// The multipliers, prices (second-highest paced bids), allocation and spend.
    pub outcome: PacingOutcome,
    /// Whether the point meets every condition ([`check_sppe`] at [`SPPE_TOLERANCE`]).
    pub converged: bool,
    /// Best-response sweeps run over all starts (each bidder once per sweep; an exact solve of
    /// an active set counts as one).
    pub sweeps: usize,
    /// Times a tie group was rescaled at a point stable under best responses.
    pub rebalances: usize,
    /// Starts tried (1: the dynamics from `α = 1` sufficed).
    pub starts: usize,
    /// The start of the reported point.
    pub start: SppeStart,
    /// Whether the reported point came from the exact solve of an active set.
    pub exact: bool,
}

/// A second-price pacing equilibrium (SPPE; Conitzer, Kroer, Sodomka & Stier-Moses, OR 2022)
/// sought by **budget-feasible best-response dynamics** from several starts, each finished by an
/// **exact solve of its active set**.
///
/// Each good is sold by a second-price auction on the paced bids: the price is the
/// second-highest paced bid `α_i v_ij`, only a highest paced bid wins (a tie is split), spend
/// stays within budget, and `α_i < 1 ⇒` the budget is spent. An SPPE always exists but need not
/// be unique, and finding one is PPAD-hard in general (Chen, Kroer & Kumar 2021), so no
/// polynomial method is known to always succeed; this one is a heuristic whose result is
/// checked, never assumed:
///
/// - **Dynamics.** Bidders take turns (one **sweep**). Bidder `i`, facing the others' highest
///   paced bid `h_j` on each good, would at multiplier `a` win every good with `h_j < a v_ij`
///   and pay `h_j` for it. Its move is the **largest `a ≤ 1` at which that spend fits its
///   budget**: sorting its goods by the threshold `h_j / v_ij`, `a` is the threshold of the
///   first good whose cost would exceed the budget (there it ties and may take part of the
///   good), or 1 if everything it can win fits. A sweep that moves no multiplier (relative
///   1e-14) is a point stable under best responses; there tie groups that cannot split their
///   tied goods (or leave a paced budget unspent) are rescaled by one common factor
///   (`rebalance_ties`) and the sweeps resume, until the tied goods split.
/// - **Exact solve.** Every 5 sweeps while the dynamics have not settled, and once when a start
///   ends without an equilibrium (cycling, or a tie group that rescaling does not fix), the
///   active set is read off the point at a tie tolerance (1e-9, 1e-6, 1e-3): which bidders tie
///   at the top of each good, who wins alone, who sets each second price, who is paced (a paced
///   bidder tied to nobody is read as tied on the good where its bid is nearest the top). Ties
///   fix the ratios of multipliers within a connected tie group, so each group has one unknown
///   scale (groups with an unpaced bidder are fixed); a paced group spends its budgets exactly
///   when `Σ budgets = Σ outright prices + scale · Σ tied prices`, linear in the scales (an
///   outright price is its setter's scaled bid). The square system is solved by Gaussian
///   elimination and the tied goods split by the max-flow; the point is read again at
///   tolerance 1e-9 and solved anew, up to 4 times. If no solved point is an equilibrium, the
///   dynamics continue from the one with the smallest worst violation (a jump that breaks
///   cycles). An exact solve counts as one sweep.
/// - **Starts**, while the sweep budget `max_sweeps` lasts: `α = 1` in a fixed order (up to
///   200 sweeps), then the first-price pacing equilibrium (its multipliers are budget-feasible
///   under first price, and second price charges less), then seeded random points between the
///   first-price multipliers and 1 with the bidders in a seeded random order each sweep (up to
///   50 sweeps each). The seed is a hash of the market, so the same market gives the same
///   bytes.
///
/// Every candidate is checked by [`check_sppe`] at [`SPPE_TOLERANCE`]; the first that passes is
/// returned with `converged`. If none does, the candidate with the smallest worst violation is
/// returned, unconverged. At the final multipliers, goods with one top bidder go to it at the
/// second-highest bid; goods where two or more tie at the top (price = that bid) are split by a
/// max-flow that first fills the paced bidders' remaining budgets, then the others'.
/// Deterministic: no clock, a seeded generator, a fixed order of operations.
///
/// Measured on the seeded random markets of `tests/lab_pacing.rs` (values uniform with 20%
/// zeros, budgets from 0.05 to 2 times the fair share), with the default `max_sweeps`: found for
/// 100% of 2 × 2, 98% of 3 × 5, 97% of 8 × 12 and 23% of 20 × 60 markets, where the dynamics from
/// `α = 1` alone found 93%, 69%, 45% and 3% (another 100 seeds: 98% of 8 × 12, 15% of
/// 20 × 60). Release build: median 0.7 ms per 8 × 12 market, 73 ms per 20 × 60; at
/// 200 × 2 000 a search that spends its whole budget takes about 30 s.
pub fn second_price_pacing(market: &Market, max_sweeps: usize) -> SecondPriceRun {
    let n = market.bidders();
    let mut left = max_sweeps;
    let mut sweeps = 0;
    let mut rebalances = 0;
    let mut starts = 0;
    // The candidate with the smallest worst violation so far.
    let mut best: Option<(f64, PacingOutcome, SppeStart, bool)> = None;
    let mut first_price: Option<Vec<f64>> = None;
    let mut rng: Option<SimRng> = None;
    while left > 0 {
        let (kind, alpha) = match starts {
            0 => (SppeStart::Ones, vec![1.0; n]),
            1 => {
                let fp = match first_price_pacing(market) {
                    Ok(out) => out.multipliers,
                    Err(_) => safe_start(market),
                };
                first_price = Some(fp.clone());
                (SppeStart::FirstPrice, fp)
            }
            _ => {
                let g = rng.get_or_insert_with(|| market_stream(market));
                let floor = first_price.get_or_insert_with(|| safe_start(market));
                let alpha = floor.iter().map(|&f| f + g.uniform() * (1.0 - f)).collect();
                (SppeStart::Random, alpha)
            }
        };
        starts += 1;
        let cap = left.min(if starts == 1 {
            FIRST_START_SWEEPS
        } else {
            LATER_START_SWEEPS
        });
        let order = if kind == SppeStart::Random {
            rng.as_mut()
        } else {
            None
        };
        let attempt = best_response_dynamics(market, alpha, cap, order);
        left -= attempt.sweeps;
        sweeps += attempt.sweeps;
        rebalances += attempt.rebalances;
        let mut candidates = Vec::new();
        if let Some(out) = attempt.exact {
            candidates.push((out, true));
        } else {
            candidates.push((attempt.outcome, false));
            if left > 0 {
                left -= 1;
                sweeps += 1;
                if let Some(out) = exact_active_set(market, &attempt.alpha) {
                    candidates.push((out, true));
                }
            }
        }
        for (outcome, exact) in candidates {
            let worst = worst_violation(&check_sppe(market, &outcome, SPPE_TOLERANCE))
                .map_or(0.0, |v| v.excess);
            if worst == 0.0 {
                return SecondPriceRun {
                    outcome,
                    converged: true,
                    sweeps,
                    rebalances,
                    starts,
                    start: kind,
                    exact,
                };
            }
            if best.as_ref().is_none_or(|b| worst < b.0) {
                best = Some((worst, outcome, kind, exact));
            }
        }
    }
    let (outcome, start, exact) = match best {
        Some((_, outcome, start, exact)) => (outcome, start, exact),
        None => (
            second_price_outcome(market, vec![1.0; n]),
            SppeStart::Ones,
            false,
        ),
    };
    SecondPriceRun {
        outcome,
        converged: false,
        sweeps,
        rebalances,
        starts,
        start,
        exact,
    }
}

/// A generator seeded by a hash of the market's values and budgets (same market, same draws).
fn market_stream(market: &Market) -> SimRng {
    let mut h = rng::splitmix64(market.bidders() as u64 ^ ((market.goods() as u64) << 32));
    for row in market.values() {
        for &v in row {
            h = rng::splitmix64(h ^ v.to_bits());
        }
    }
    for &b in market.budgets() {
        h = rng::splitmix64(h ^ b.to_bits());
    }
    rng::stream(
        h,
        Purpose::Lab,
        market.bidders() as u64,
        market.goods() as u64,
    )
}

/// Where one start of the best-response dynamics ended.
struct Attempt {
    /// The last multipliers.
    alpha: Vec<f64>,
    /// Prices and an allocation at them.
    outcome: PacingOutcome,
    /// An equilibrium found by an exact solve during the dynamics.
    exact: Option<PacingOutcome>,
    /// Sweeps and exact solves run.
    sweeps: usize,
    rebalances: usize,
}

/// Budget-feasible best-response dynamics from `alpha` (see [`second_price_pacing`]), at most
/// `max_sweeps` sweeps; bidders in index order, or shuffled by `order` before each sweep.
// Bidder-by-good matrices read most plainly with indices.
#[allow(clippy::needless_range_loop)]
fn best_response_dynamics(
    market: &Market,
    mut alpha: Vec<f64>,
    max_sweeps: usize,
    mut order: Option<&mut SimRng>,
) -> Attempt {
    let n = market.bidders();
    let m = market.goods();
    let values = market.values();
    // The two highest paced bids of each good and the bidder with the highest.
    let mut first = vec![0.0f64; m];
    let mut second = vec![0.0f64; m];
    let mut leader = vec![usize::MAX; m];
    let top_two = |alpha: &[f64], j: usize| {
        let (mut f, mut s, mut l) = (0.0f64, 0.0f64, usize::MAX);
        for (k, row) in values.iter().enumerate() {
            let bid = alpha[k] * row[j];
            if bid > f || l == usize::MAX {
                s = f;
                f = bid;
                l = k;
            } else if bid > s {
                s = bid;
            }
        }
        (f, s, l)
    };
    for j in 0..m {
        (first[j], second[j], leader[j]) = top_two(&alpha, j);
    }
    let mut turns: Vec<usize> = (0..n).collect();
    let mut goods: Vec<(f64, f64)> = Vec::with_capacity(m);
    let mut sweeps = 0;
    let mut rebalances = 0;
    while sweeps < max_sweeps {
        sweeps += 1;
        if let Some(g) = order.as_deref_mut() {
            for k in (1..n).rev() {
                turns.swap(k, g.index(k + 1));
            }
        }
        let mut moved = 0.0f64;
        for &i in &turns {
            let row = &values[i];
            goods.clear();
            for j in 0..m {
                if row[j] > 0.0 {
                    let h = if leader[j] == i { second[j] } else { first[j] };
                    let t = h / row[j];
                    if t <= 1.0 {
                        goods.push((t, h));
                    }
                }
            }
            goods.sort_by(|a, b| a.0.total_cmp(&b.0));
            let budget = market.budgets()[i];
            let mut spent = 0.0;
            let mut a = 1.0;
            for &(t, h) in &goods {
                if spent + h > budget {
                    a = t;
                    break;
                }
                spent += h;
            }
            let old = alpha[i];
            if a == old {
                continue;
            }
            moved = moved.max((a - old).abs() / old.max(a));
            alpha[i] = a;
            for j in 0..m {
                let bid = a * row[j];
                if leader[j] == i {
                    if bid >= second[j] {
                        first[j] = bid;
                    } else {
                        (first[j], second[j], leader[j]) = top_two(&alpha, j);
                    }
                } else if bid > first[j] {
                    second[j] = first[j];
                    first[j] = bid;
                    leader[j] = i;
                } else if bid > second[j] || old * row[j] >= second[j] {
                    // It entered the second place, or held it and fell.
                    (first[j], second[j], leader[j]) = top_two(&alpha, j);
                }
            }
        }
        if moved > SPPE_SETTLED {
            if sweeps % PROBE_EVERY == 0 && sweeps < max_sweeps {
                sweeps += 1;
                match exact_active_set_nearest(market, &alpha) {
                    (Some(outcome), _) => {
                        return Attempt {
                            outcome: outcome.clone(),
                            exact: Some(outcome),
                            alpha,
                            sweeps,
                            rebalances,
                        };
                    }
                    (None, Some((_, point))) => {
                        alpha = point;
                        for j in 0..m {
                            (first[j], second[j], leader[j]) = top_two(&alpha, j);
                        }
                    }
                    _ => {}
                }
            }
            continue;
        }
        // Stable under best responses: done if the tied goods can be split, else rescale the
        // tie groups that cannot and resume.
        match rebalance_ties(market, &mut alpha) {
            (Rebalance::Moved, _) => rebalances += 1,
            (_, outcome) => {
                return Attempt {
                    alpha,
                    outcome,
                    exact: None,
                    sweeps,
                    rebalances,
                }
            }
        }
        for j in 0..m {
            (first[j], second[j], leader[j]) = top_two(&alpha, j);
        }
    }
    Attempt {
        outcome: second_price_outcome(market, alpha.clone()),
        exact: None,
        alpha,
        sweeps,
        rebalances,
    }
}

/// The exact solve of the active set read off `alpha` (see [`second_price_pacing`]): from each
/// tolerance of [`ACTIVE_SET_TOLERANCES`], up to [`ACTIVE_SET_STEPS`] solves in a row. The
/// first outcome that passes [`check_sppe`] at [`SPPE_TOLERANCE`], if any.
fn exact_active_set(market: &Market, alpha: &[f64]) -> Option<PacingOutcome> {
    exact_active_set_nearest(market, alpha).0
}

/// [`exact_active_set`], with the solved point of smallest worst violation when none passes.
fn exact_active_set_nearest(
    market: &Market,
    alpha: &[f64],
) -> (Option<PacingOutcome>, Option<(f64, Vec<f64>)>) {
    let mut nearest: Option<(f64, Vec<f64>)> = None;
    for &tol in &ACTIVE_SET_TOLERANCES {
        let mut point = alpha.to_vec();
        let mut read_at = tol;
        for _ in 0..ACTIVE_SET_STEPS {
            let Some(next) = solve_active_set(market, &point, read_at) else {
                break;
            };
            if next == point {
                break;
            }
            let outcome = second_price_outcome(market, next.clone());
            let broken = check_sppe(market, &outcome, SPPE_TOLERANCE);
            let Some(worst) = worst_violation(&broken).map(|v| v.excess) else {
                return (Some(outcome), None);
            };
            if nearest.as_ref().is_none_or(|(w, _)| worst < *w) {
                nearest = Some((worst, next.clone()));
            }
            point = next;
            read_at = ACTIVE_SET_TOLERANCES[0];
        }
    }
    (None, nearest)
}

/// One exact solve: reads the active set off `alpha` at relative tie tolerance `tol` and returns
/// the multipliers at which, with that active set, every paced tie group spends its budgets
/// exactly (see [`second_price_pacing`]). `None` when the linear system is singular or gives a
/// scale that is not positive.
// Bidder-by-good matrices read most plainly with indices.
#[allow(clippy::needless_range_loop)]
fn solve_active_set(market: &Market, alpha: &[f64], tol: f64) -> Option<Vec<f64>> {
    let n = market.bidders();
    let m = market.goods();
    let v = market.values();
    let budgets = market.budgets();
    let a: Vec<f64> = alpha
        .iter()
        .map(|&x| if x >= 1.0 - tol { 1.0 } else { x })
        .collect();
    // Top bidders of each good (within `tol` of the highest bid), and for a good with one top
    // bidder, the bidder whose bid sets its price.
    let mut tops: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut setter: Vec<Option<usize>> = vec![None; m];
    for j in 0..m {
        let top = (0..n).map(|i| a[i] * v[i][j]).fold(0.0f64, f64::max);
        if top <= 0.0 {
            continue;
        }
        tops[j] = (0..n)
            .filter(|&i| a[i] * v[i][j] >= top * (1.0 - tol))
            .collect();
        if let [w] = tops[j][..] {
            let mut price = 0.0;
            for i in (0..n).filter(|&i| i != w) {
                if a[i] * v[i][j] > price {
                    price = a[i] * v[i][j];
                    setter[j] = Some(i);
                }
            }
        }
    }
    // A paced bidder (with a positive multiplier) spends its budget exactly only by taking
    // part of a tied good: one tied to nobody is read as tied on the good where its bid is
    // nearest the top (its marginal good), with the top bidders there, or with the price
    // setter where it wins alone.
    let mut tied = vec![false; n];
    for t in tops.iter().filter(|t| t.len() >= 2) {
        for &i in t {
            tied[i] = true;
        }
    }
    for i in 0..n {
        if tied[i] || a[i] >= 1.0 || a[i] <= 0.0 {
            continue;
        }
        let mut nearest: Option<(f64, usize)> = None;
        for j in 0..m {
            let bid = a[i] * v[i][j];
            if bid <= 0.0 {
                continue;
            }
            let other = match tops[j][..] {
                [w] if w == i => setter[j].map_or(0.0, |s| a[s] * v[s][j]),
                [w, ..] => a[w] * v[w][j],
                [] => 0.0,
            };
            if other <= 0.0 {
                continue;
            }
            let gap = (bid / other).max(other / bid);
            if nearest.is_none_or(|(g, _)| gap < g) {
                nearest = Some((gap, j));
            }
        }
        if let Some((_, j)) = nearest {
            if let ([w], Some(s)) = (&tops[j][..], setter[j]) {
                if *w == i {
                    tops[j] = vec![i, s];
                    setter[j] = None;
                    continue;
                }
            }
            tops[j].push(i);
            setter[j] = None;
        }
    }
    // Tie groups (bidders connected through tied goods), each member's multiplier a fixed
    // ratio of the group's scale (1 at the group's first bidder).
    let mut ties: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for j in 0..m {
        if tops[j].len() >= 2 {
            let h = tops[j][0];
            for &k in &tops[j][1..] {
                ties[h].push((k, j));
                ties[k].push((h, j));
            }
        }
    }
    let mut group = vec![usize::MAX; n];
    let mut ratio = vec![0.0f64; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for root in 0..n {
        if group[root] != usize::MAX {
            continue;
        }
        let g = groups.len();
        group[root] = g;
        ratio[root] = 1.0;
        let mut members = vec![root];
        let mut next = 0;
        while next < members.len() {
            let i = members[next];
            next += 1;
            for &(k, j) in &ties[i] {
                if group[k] == usize::MAX {
                    group[k] = g;
                    ratio[k] = ratio[i] * v[i][j] / v[k][j];
                    members.push(k);
                }
            }
        }
        groups.push(members);
    }
    // A group with an unpaced bidder has its scale fixed by that bidder's α = 1; a paced bidder
    // tied to nobody keeps its multiplier; the other groups' scales are the unknowns.
    let mut scale = vec![0.0f64; groups.len()];
    let mut unknown = vec![usize::MAX; groups.len()];
    let mut count = 0;
    for (g, members) in groups.iter().enumerate() {
        if let Some(&u) = members.iter().find(|&&i| a[i] >= 1.0) {
            scale[g] = 1.0 / ratio[u];
        } else if members.len() == 1 {
            scale[g] = a[members[0]];
        } else {
            unknown[g] = count;
            count += 1;
        }
    }
    // Row of group g: Σ_j (outright price) + scale_g · Σ (tied prices at scale 1) = Σ budgets.
    let mut matrix = vec![vec![0.0f64; count]; count];
    let mut rhs = vec![0.0f64; count];
    for (g, members) in groups.iter().enumerate() {
        if unknown[g] != usize::MAX {
            rhs[unknown[g]] = members.iter().map(|&i| budgets[i]).sum();
        }
    }
    for j in 0..m {
        match tops[j][..] {
            [] => {}
            [w] => {
                let r = unknown[group[w]];
                if let (true, Some(s)) = (r != usize::MAX, setter[j]) {
                    let c = unknown[group[s]];
                    if c == usize::MAX {
                        rhs[r] -= scale[group[s]] * ratio[s] * v[s][j];
                    } else {
                        matrix[r][c] += ratio[s] * v[s][j];
                    }
                }
            }
            [i, ..] => {
                let r = unknown[group[i]];
                if r != usize::MAX {
                    matrix[r][r] += ratio[i] * v[i][j];
                }
            }
        }
    }
    let solution = solve_linear(matrix, rhs)?;
    for (g, u) in unknown.iter().enumerate() {
        if *u != usize::MAX {
            let s = solution[*u];
            if !(s > 0.0 && s.is_finite()) {
                return None;
            }
            scale[g] = s;
        }
    }
    Some(
        (0..n)
            .map(|i| (scale[group[i]] * ratio[i]).min(1.0))
            .collect(),
    )
}

/// Solves the square system `matrix · x = rhs` by Gaussian elimination with partial pivoting;
/// `None` when a pivot vanishes (relative to the matrix's largest entry).
fn solve_linear(mut matrix: Vec<Vec<f64>>, mut rhs: Vec<f64>) -> Option<Vec<f64>> {
    let k = rhs.len();
    let size = matrix
        .iter()
        .flatten()
        .fold(0.0f64, |acc, &x| acc.max(x.abs()));
    for col in 0..k {
        let pivot =
            (col..k).max_by(|&a, &b| matrix[a][col].abs().total_cmp(&matrix[b][col].abs()))?;
        if matrix[pivot][col].is_nan() || matrix[pivot][col].abs() <= 1e-13 * size {
            return None;
        }
        matrix.swap(col, pivot);
        rhs.swap(col, pivot);
        for row in col + 1..k {
            let f = matrix[row][col] / matrix[col][col];
            if f != 0.0 {
                let (upper, lower) = matrix.split_at_mut(row);
                for (x, &p) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                    *x -= f * p;
                }
                rhs[row] -= f * rhs[col];
            }
        }
    }
    let mut x = vec![0.0f64; k];
    for row in (0..k).rev() {
        let tail: f64 = (row + 1..k).map(|c| matrix[row][c] * x[c]).sum();
        x[row] = (rhs[row] - tail) / matrix[row][row];
    }
    Some(x)
}

/// Prices and an allocation of a second-price market at `alpha`: a good with one top bidder goes
/// to it at the second-highest paced bid; goods where bids tie at the top (to
/// [`TIE_TOLERANCE`]) cost that bid and are split by a max-flow over the bidders' remaining
/// budgets, paced bidders first. Shares a flow cannot place stay unsold (the check says so).
pub fn second_price_outcome(market: &Market, alpha: Vec<f64>) -> PacingOutcome {
    SecondPriceState::at(market, alpha).outcome
}

/// [`second_price_outcome`] with the tied goods' flow, for `rebalance_ties`.
struct SecondPriceState {
    outcome: PacingOutcome,
    /// Budget left after the goods won outright (≥ 0).
    left: Vec<f64>,
    /// Prices of the tied goods (0 for the others).
    tied_prices: Vec<f64>,
    /// The bidders tied at the top of each tied good (empty for the others).
    tied_tops: Vec<Vec<usize>>,
    /// The flow splitting the tied goods (`None` when there are none).
    flow: Option<Flow>,
}

impl SecondPriceState {
    // Bidder-by-good matrices read most plainly with indices.
    #[allow(clippy::needless_range_loop)]
    fn at(market: &Market, alpha: Vec<f64>) -> SecondPriceState {
        let n = market.bidders();
        let m = market.goods();
        let highest = market.prices(&alpha);
        let seconds = second_prices(market, &alpha);
        let tops = ties(market, &alpha, &highest);
        let mut allocation = vec![vec![0.0; m]; n];
        let mut prices = vec![0.0; m];
        let mut left = market.budgets().to_vec();
        let mut tied_prices = vec![0.0; m];
        let mut tied_tops: Vec<Vec<usize>> = vec![Vec::new(); m];
        for j in 0..m {
            match tops[j].len() {
                0 => {}
                1 => {
                    let i = tops[j][0];
                    prices[j] = seconds[j];
                    allocation[i][j] = 1.0;
                    left[i] -= seconds[j];
                }
                _ => {
                    prices[j] = highest[j];
                    tied_prices[j] = highest[j];
                    tied_tops[j] = tops[j].clone();
                }
            }
        }
        let left: Vec<f64> = left.iter().map(|&b| b.max(0.0)).collect();
        let mut flow = None;
        if tied_prices.iter().any(|&p| p > 0.0) {
            let f = Flow::solve(&left, &alpha, &tied_prices, &tied_tops);
            for j in 0..m {
                let total: f64 = f.shares[j].iter().sum();
                let scale = if f.sells_all { total } else { tied_prices[j] };
                if tied_prices[j] > 0.0 && scale > 0.0 {
                    for (&i, &x) in tied_tops[j].iter().zip(&f.shares[j]) {
                        allocation[i][j] = x / scale;
                    }
                }
            }
            flow = Some(f);
        }
        let spend: Vec<f64> = allocation
            .iter()
            .map(|row| row.iter().zip(&prices).map(|(x, p)| x * p).sum())
            .collect();
        let revenue = spend.iter().sum();
        SecondPriceState {
            outcome: PacingOutcome {
                multipliers: alpha,
                prices,
                allocation,
                spend,
                revenue,
            },
            left,
            tied_prices,
            tied_tops,
            flow,
        }
    }
}

/// What `rebalance_ties` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rebalance {
    /// The tied goods are split and every paced bidder spends its budget: done.
    Done,
    /// Some multipliers moved.
    Moved,
    /// Something is off and no rescaling helps.
    Stuck,
}

/// Relative slack in a tie group's budgets or shares that `rebalance_ties` leaves alone.
const REBALANCE_SLACK: f64 = 1e-11;

/// At a point stable under best responses, ties at the top of goods may still be wrong:
///
/// - **Too little budget**: the max-flow cannot sell the tied goods. Its minimum cut names tied
///   goods `S` and the bidders `Γ(S)` tied on them, whose remaining budgets `B(Γ)` fall short of
///   the price `p_S`; all of `Γ(S)` is lowered by the common factor `B(Γ) / p_S` (the ties among
///   them stay, and `p_S` falls by that factor).
/// - **Too much budget**: a paced bidder keeps budget while its tied goods are sold. Its group
///   (bidders connected through tied goods) rises by the common factor remaining budget over
///   the price of the group's tied goods, capped so that no multiplier passes 1.
// Bidder-by-good matrices read most plainly with indices.
#[allow(clippy::needless_range_loop)]
fn rebalance_ties(market: &Market, alpha: &mut [f64]) -> (Rebalance, PacingOutcome) {
    let n = market.bidders();
    let m = market.goods();
    let state = SecondPriceState::at(market, alpha.to_vec());
    let Some(flow) = &state.flow else {
        let slack = (0..n).any(|i| {
            let b = market.budgets()[i];
            alpha[i] < 1.0 && state.outcome.spend[i] < b - REBALANCE_SLACK * (1.0 + b)
        });
        let verdict = if slack {
            Rebalance::Stuck
        } else {
            Rebalance::Done
        };
        return (verdict, state.outcome);
    };
    if !flow.sells_all {
        let (goods, bidders) = flow.source_side(&state.tied_tops, n);
        let budget: f64 = (0..n).filter(|&i| bidders[i]).map(|i| state.left[i]).sum();
        let price: f64 = (0..m)
            .filter(|&j| goods[j])
            .map(|j| state.tied_prices[j])
            .sum();
        let r = if price > 0.0 { budget / price } else { 1.0 };
        if r < 1.0 - 4.0 * f64::EPSILON {
            for i in (0..n).filter(|&i| bidders[i]) {
                alpha[i] *= r;
            }
            return (Rebalance::Moved, state.outcome);
        }
        return (Rebalance::Stuck, state.outcome);
    }
    // Groups of bidders connected through tied goods (union-find).
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let tied: Vec<usize> = (0..m).filter(|&j| state.tied_prices[j] > 0.0).collect();
    for &j in &tied {
        let a = root(&mut parent, state.tied_tops[j][0]);
        for &k in &state.tied_tops[j][1..] {
            let b = root(&mut parent, k);
            parent[b] = a;
        }
    }
    let mut left = vec![0.0f64; n];
    let mut price = vec![0.0f64; n];
    let mut top_alpha = vec![0.0f64; n];
    let mut member = vec![false; n];
    for &j in &tied {
        let g = root(&mut parent, state.tied_tops[j][0]);
        price[g] += state.tied_prices[j];
        for &k in &state.tied_tops[j] {
            member[k] = true;
        }
    }
    let mut slack = vec![false; n];
    let mut any_slack = false;
    for i in 0..n {
        let b = market.budgets()[i];
        let short = alpha[i] < 1.0 && state.outcome.spend[i] < b - REBALANCE_SLACK * (1.0 + b);
        any_slack |= short;
        if member[i] {
            let g = root(&mut parent, i);
            left[g] += state.left[i];
            top_alpha[g] = top_alpha[g].max(alpha[i]);
            slack[g] |= short;
        }
    }
    if !any_slack {
        return (Rebalance::Done, state.outcome);
    }
    let mut factor = vec![1.0f64; n];
    let mut moved = false;
    for g in 0..n {
        if slack[g] && price[g] > 0.0 && top_alpha[g] > 0.0 {
            let r = (left[g] / price[g]).min(1.0 / top_alpha[g]);
            if r > 1.0 + 4.0 * f64::EPSILON {
                factor[g] = r;
                moved = true;
            }
        }
    }
    if !moved {
        return (Rebalance::Stuck, state.outcome);
    }
    for i in (0..n).filter(|&i| member[i]) {
        let g = root(&mut parent, i);
        alpha[i] = (alpha[i] * factor[g]).min(1.0);
    }
    (Rebalance::Moved, state.outcome)
}

/// The dual objective `F(β) = Σ_j max_i β_i v_ij − Σ_i B_i ln β_i` of the Eisenberg–Gale-type
/// program (D) in the module docs; the FPPE multipliers minimise it over `(0, 1]ⁿ`. A bidder
/// with budget 0 contributes no log term; `β_i = 0` with a positive budget gives `+∞`.
pub fn eg_dual_objective(market: &Market, multipliers: &[f64]) -> f64 {
    let prices: f64 = market.prices(multipliers).iter().sum();
    let logs: f64 = market
        .budgets()
        .iter()
        .zip(multipliers)
        .filter(|(b, _)| **b > 0.0)
        .map(|(b, a)| b * math::ln(*a))
        .sum();
    prices - logs
}

/// Which equilibrium condition a [`Violation`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The outcome's lists have the wrong lengths for the market.
    Shape,
    /// A multiplier outside `[0, 1]`.
    Multiplier,
    /// A price that is not the highest paced bid.
    Price,
    /// A share to a bidder whose paced bid is below the price, a negative share, or a good with
    /// a positive price not sold in full.
    Allocation,
    /// A reported spend (or the revenue) that is not what the allocation and prices give.
    Spend,
    /// A spend above the budget.
    Budget,
    /// A multiplier below 1 with budget left over.
    Slackness,
    /// (Second price) a price that is not the second-highest paced bid.
    SecondPrice,
}

/// One broken condition, with the bidder or good and the numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// The condition.
    pub condition: Condition,
    /// What is wrong, naming the bidder or good.
    pub message: String,
    /// By how much the condition is missed, relative to the quantity's size
    /// (`|a − b| / (1 + max(|a|, |b|))`): comparable across conditions, so the largest is the
    /// worst violation.
    pub excess: f64,
}

fn violation(condition: Condition, message: String, a: f64, b: f64) -> Violation {
    Violation {
        condition,
        message,
        excess: (a - b).abs() / (1.0 + a.abs().max(b.abs())),
    }
}

/// The largest [`Violation::excess`] among `found` (`None` when empty).
pub fn worst_violation(found: &[Violation]) -> Option<&Violation> {
    found.iter().max_by(|a, b| a.excess.total_cmp(&b.excess))
}

/// Checks conditions 1–4 of a first-price pacing equilibrium (module docs) on `outcome`, each to
/// a relative tolerance `tol` (a quantity `q` may be off by `tol · (1 + |q|)`). Empty when all
/// hold.
pub fn check_fppe(market: &Market, outcome: &PacingOutcome, tol: f64) -> Vec<Violation> {
    let prices = market.prices(&outcome.multipliers);
    check_common(market, outcome, &prices, Condition::Price, tol)
}

/// Checks the conditions of a second-price pacing equilibrium (see [`second_price_pacing`]) on
/// `outcome`, each to a relative tolerance `tol`: prices are the second-highest paced bids
/// ([`Condition::SecondPrice`]), and conditions 2–4 as in first price. Empty when all hold.
pub fn check_sppe(market: &Market, outcome: &PacingOutcome, tol: f64) -> Vec<Violation> {
    let prices = second_prices(market, &outcome.multipliers);
    check_common(market, outcome, &prices, Condition::SecondPrice, tol)
}

/// `p_j` = the second-highest paced bid `α_i v_ij` of each good (0 with fewer than two bids;
/// the highest when two or more tie at the top).
pub fn second_prices(market: &Market, multipliers: &[f64]) -> Vec<f64> {
    let mut first = vec![0.0f64; market.goods()];
    let mut second = vec![0.0f64; market.goods()];
    for (row, &a) in market.values().iter().zip(multipliers) {
        for j in 0..row.len() {
            let bid = a * row[j];
            if bid > first[j] {
                second[j] = first[j];
                first[j] = bid;
            } else if bid > second[j] {
                second[j] = bid;
            }
        }
    }
    second
}

/// The conditions shared by both formats, with `want_prices` the prices the format sets
/// (reported under `price_condition`).
// Bidder-by-good matrices read most plainly with indices.
#[allow(clippy::needless_range_loop)]
fn check_common(
    market: &Market,
    outcome: &PacingOutcome,
    want_prices: &[f64],
    price_condition: Condition,
    tol: f64,
) -> Vec<Violation> {
    use Condition::*;
    let n = market.bidders();
    let m = market.goods();
    let mut found = Vec::new();
    let off = |a: f64, b: f64| (a - b).abs() > tol * (1.0 + a.abs().max(b.abs()));
    if outcome.multipliers.len() != n
        || outcome.spend.len() != n
        || outcome.allocation.len() != n
        || outcome.prices.len() != m
        || outcome.allocation.iter().any(|row| row.len() != m)
    {
        found.push(violation(
            Shape,
            format!("expected {n} bidders and {m} goods"),
            f64::INFINITY,
            0.0,
        ));
        return found;
    }
    let alpha = &outcome.multipliers;
    for (i, &a) in alpha.iter().enumerate() {
        if !(0.0..=1.0).contains(&a) {
            found.push(violation(
                Multiplier,
                format!("bidder {i}: multiplier {a} outside [0, 1]"),
                a,
                a.clamp(0.0, 1.0),
            ));
        }
    }
    for j in 0..m {
        let p = outcome.prices[j];
        if off(p, want_prices[j]) {
            found.push(violation(
                price_condition,
                format!("good {j}: price {p}, the format sets {}", want_prices[j]),
                p,
                want_prices[j],
            ));
        }
        let top = (0..n)
            .map(|i| alpha[i] * market.values()[i][j])
            .fold(0.0f64, f64::max);
        let mut sold = 0.0;
        for i in 0..n {
            let x = outcome.allocation[i][j];
            sold += x;
            if x < -tol {
                found.push(violation(
                    Allocation,
                    format!("good {j}: bidder {i} has a negative share {x}"),
                    x,
                    0.0,
                ));
            }
            let bid = alpha[i] * market.values()[i][j];
            if x > tol && off(bid, top) {
                found.push(violation(
                    Allocation,
                    format!(
                        "good {j}: bidder {i} gets share {x} with paced bid {bid} below the highest {top}"
                    ),
                    x,
                    0.0,
                ));
            }
        }
        let must_sell = p > tol * (1.0 + top);
        if (must_sell && off(sold, 1.0)) || sold > 1.0 + tol {
            found.push(violation(
                Allocation,
                format!("good {j}: shares sum to {sold} at price {p}"),
                sold,
                1.0,
            ));
        }
    }
    let mut revenue = 0.0;
    for i in 0..n {
        let spend: f64 = (0..m)
            .map(|j| outcome.allocation[i][j] * outcome.prices[j])
            .sum();
        revenue += spend;
        let reported = outcome.spend[i];
        if off(spend, reported) {
            found.push(violation(
                Spend,
                format!("bidder {i}: reported spend {reported}, the allocation costs {spend}"),
                reported,
                spend,
            ));
        }
        let budget = market.budgets()[i];
        if spend > budget + tol * (1.0 + budget) {
            found.push(violation(
                Budget,
                format!("bidder {i}: spends {spend} over its budget {budget}"),
                spend,
                budget,
            ));
        }
        if alpha[i] < 1.0 - tol && spend < budget - tol * (1.0 + budget) {
            found.push(violation(
                Slackness,
                format!(
                    "bidder {i}: multiplier {} below 1 but spends {spend} of its budget {budget}",
                    alpha[i]
                ),
                spend,
                budget,
            ));
        }
    }
    if off(revenue, outcome.revenue) {
        found.push(violation(
            Spend,
            format!(
                "revenue {} is not the total spend {revenue}",
                outcome.revenue
            ),
            outcome.revenue,
            revenue,
        ));
    }
    found
}

/// Each equilibrium condition, checked: `true` when it holds (see [`Condition`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ConditionsChecked {
    /// Multipliers in `[0, 1]` (and the lists have the market's shape).
    pub multipliers: bool,
    /// Prices are what the format sets: the highest paced bid (first price) or the
    /// second-highest (second price).
    pub prices: bool,
    /// Goods go only to highest paced bids, and a good with a positive price is sold in full.
    pub allocation: bool,
    /// Reported spend and revenue are what the allocation and prices give.
    pub spend: bool,
    /// No bidder spends more than its budget.
    pub budgets: bool,
    /// A multiplier below 1 only with the budget spent.
    pub slackness: bool,
}

impl ConditionsChecked {
    /// Which conditions `found` leaves intact.
    pub fn from_violations(found: &[Violation]) -> Self {
        let holds = |c: &[Condition]| !found.iter().any(|v| c.contains(&v.condition));
        use Condition::*;
        ConditionsChecked {
            multipliers: holds(&[Shape, Multiplier]),
            prices: holds(&[Shape, Price, SecondPrice]),
            allocation: holds(&[Shape, Allocation]),
            spend: holds(&[Shape, Spend]),
            budgets: holds(&[Shape, Budget]),
            slackness: holds(&[Shape, Slackness]),
        }
    }

    /// Whether every condition holds.
    pub fn all(&self) -> bool {
        self.multipliers
            && self.prices
            && self.allocation
            && self.spend
            && self.budgets
            && self.slackness
    }
}
