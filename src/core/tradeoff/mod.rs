//! Tradeoff curves: sweeps of one or two knobs, Pareto frontiers, and a constrained optimizer over
//! one to three knobs. Pure: no threads, no clock, no IO. Running a configuration is the caller's
//! job, handed in as a *batch evaluator* (`FnMut(&[Params]) -> Vec<Summaries>`), so the CLI can
//! spread a batch over threads and the browser over workers, with the same answers.
//!
//! - [`grid`] — the points of a sweep: a knob (by its dotted configuration key) and its values,
//!   listed or as a range `{from, to, points}` (both ends included, evenly spaced; whole-number
//!   knobs snap to integers); with a second knob the first varies fastest.
//! - [`frontier`] — the Pareto frontier of a set of `(x, y)` outcomes, each metric judged in its
//!   own direction (higher or lower is better).
//! - [`optimize`](mod@optimize) — the best knob values for an objective metric under metric constraints, with
//!   which constraints bind and what each costs (its shadow price).
//! - [`policies`] — the fixed, threshold and exact ad-load policies compared at the configuration's
//!   own last-week engagement: each policy's ad-load knob optimised for whole-run revenue.
//!
//! # The optimizer's method
//!
//! The simulation is a deterministic but not smooth function of the knobs (integer knobs,
//! discrete auctions and churn), so the method uses comparisons only, never derivatives:
//!
//! 1. **Coarse grid.** Each knob gets evenly spaced values over its `[min, max]` (11 for one knob,
//!    7 × 7 for two, 5 × 5 × 5 for three, ends included, integer knobs snapped and deduplicated);
//!    the grid is evaluated as one batch.
//! 2. **Bounded local refinement** around the best grid point. One knob: golden-section search on
//!    the bracket formed by the best grid point's two neighbours, down to 1/1000 of the knob's
//!    range (integer knobs: until the bracket holds at most three integers, which are then all
//!    evaluated). Two or three knobs: compass (pattern) search: poll ± one step along every knob
//!    as one batch, move to the best poll point if it is strictly better, otherwise halve the
//!    steps; steps start at half the grid spacing and stop at 1/1000 of the range (integer knobs:
//!    at a step of 1). At most [`optimize::Options::max_evaluations`] simulations.
//! 3. **Constraints by an exact penalty.** A design's violation is the sum over constraints of how
//!    far it misses each bound, relative to the bound. Designs are compared by violation first
//!    and objective second: the limit of the penalty `objective − M · violation` as `M → ∞`. So a
//!    feasible design beats every infeasible one, and when nothing is feasible the search returns
//!    the least-violating design, reported with `feasible = false`.
//! 4. **Binding constraints and shadow prices.** A constraint binds when the best design's value
//!    is within [`optimize::Options::binding_tolerance`] (relative) of its bound. For each binding
//!    constraint the whole search is run again with the bound tightened by
//!    [`optimize::Options::shadow_step`] (relative); the shadow price is the objective lost per
//!    unit of tightening, `(objective − objective_tightened) / step`, in the goal's sense (a
//!    positive price means the constraint costs objective). Slack constraints have none.
//!
//! Every step is deterministic: grid order, poll order and ties (the first evaluated design wins)
//! are fixed, and evaluations are cached, so the same problem gives the same answer whatever the
//! evaluator's parallelism.

pub mod frontier;
pub mod grid;
pub mod optimize;
pub mod policies;

pub use frontier::{pareto_frontier, Goal};
pub use grid::{
    linspace, set_knob, snap, sweep_knob, Axis, AxisError, AxisValues, Grid, MAX_POINTS,
};
pub use optimize::{
    optimize, Constraint, KnobRange, Objective, OptimizeError, Options, Outcome, Problem,
};
