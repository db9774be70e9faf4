//! The constrained optimizer: the best values of one to three knobs for an objective metric,
//! subject to bounds on other metrics. The method is described in the [module docs](super).
//!
//! Generic over the batch evaluator `FnMut(&[Params]) -> Vec<Summaries>`: it is handed every
//! configuration a step needs at once (a coarse grid, a poll), in a fixed order, and must return
//! their summaries in that order. Whether it runs them on one thread or many changes nothing.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use super::frontier::Goal;
use super::grid::{linspace, set_knob, snap};
use crate::core::model::knobs::ParamSpec;
use crate::core::model::{Params, Summaries, WindowedMetric};

/// Most knobs the optimizer varies at once.
pub const MAX_KNOBS: usize = 3;

/// A knob the optimizer may move, and how far.
#[derive(Debug, Clone, Copy)]
pub struct KnobRange {
    /// The knob's row (numeric and sweepable).
    pub spec: &'static ParamSpec,
    /// Smallest value tried.
    pub min: f64,
    /// Largest value tried (above `min`).
    pub max: f64,
}

/// What to maximise or minimise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    /// The metric.
    pub metric: WindowedMetric,
    /// Maximise or minimise it.
    pub goal: Goal,
}

/// A bound on a metric: `min ≤ metric ≤ max` (either side optional).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constraint {
    /// The metric.
    pub metric: WindowedMetric,
    /// Lower bound, if any.
    pub min: Option<f64>,
    /// Upper bound, if any.
    pub max: Option<f64>,
}

/// An optimisation problem.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The configuration the knobs are set in (and the design `gain` is measured against).
    pub base: Params,
    /// One to three knobs with their ranges.
    pub knobs: Vec<KnobRange>,
    /// The objective.
    pub objective: Objective,
    /// The constraints (possibly none).
    pub constraints: Vec<Constraint>,
}

/// Tuning of the search. The defaults are what `sandbox optimize` uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Coarse grid values per knob, by number of knobs (1, 2, 3).
    pub coarse_points: [usize; MAX_KNOBS],
    /// Refinement stops at this share of each knob's range.
    pub tolerance: f64,
    /// Most simulations of one search (the shadow-price searches have their own budget).
    pub max_evaluations: usize,
    /// A constraint binds when its value is within this share of its bound.
    pub binding_tolerance: f64,
    /// A binding constraint is tightened by this share of its bound for its shadow price.
    pub shadow_step: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            coarse_points: [11, 7, 5],
            tolerance: 1e-3,
            max_evaluations: 1000,
            binding_tolerance: 0.01,
            shadow_step: 0.01,
        }
    }
}

/// The answer.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The best value of each knob, in the problem's order.
    pub best: Vec<f64>,
    /// The objective metric at the best design.
    pub objective: f64,
    /// The best design's summaries.
    pub summaries: Summaries,
    /// Whether the best design meets every constraint.
    pub feasible: bool,
    /// Indices of the binding constraints (for an infeasible answer: the violated ones).
    pub binding: Vec<usize>,
    /// For each binding constraint of a feasible answer: its index and shadow price (objective
    /// lost per unit of tightening; `None` when the tightened problem has no feasible design).
    pub shadow_prices: Vec<(usize, Option<f64>)>,
    /// The objective metric of the base configuration.
    pub base_objective: f64,
    /// Improvement over the base configuration in the goal's sense (`best − base` when
    /// maximising, `base − best` when minimising).
    pub gain: f64,
    /// Simulations run, the base and the shadow-price searches included.
    pub evaluations: usize,
}

/// Why a problem cannot be solved.
#[derive(Debug, Clone, PartialEq)]
pub enum OptimizeError {
    /// No knob, or more than [`MAX_KNOBS`].
    KnobCount(usize),
    /// A knob's range is empty, reversed or not finite.
    BadRange {
        /// Index of the knob.
        index: usize,
    },
    /// A constraint with neither bound, or with `min > max`.
    BadConstraint {
        /// Index of the constraint.
        index: usize,
    },
    /// The evaluator returned a different number of summaries than configurations.
    Evaluator {
        /// Configurations handed over.
        asked: usize,
        /// Summaries returned.
        got: usize,
    },
}

impl fmt::Display for OptimizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptimizeError::KnobCount(n) => {
                write!(f, "{n} knobs: the optimizer varies 1 to {MAX_KNOBS}")
            }
            OptimizeError::BadRange { index } => {
                write!(f, "knob {index}: min must be below max, both finite")
            }
            OptimizeError::BadConstraint { index } => {
                write!(f, "constraint {index}: give min, max or both, min ≤ max")
            }
            OptimizeError::Evaluator { asked, got } => write!(
                f,
                "the evaluator returned {got} summaries for {asked} configurations"
            ),
        }
    }
}

impl std::error::Error for OptimizeError {}

/// How good a design is: violation first (less is better), objective second.
#[derive(Debug, Clone, Copy)]
struct Score {
    violation: f64,
    /// The objective turned so that higher is better (NaN as −∞).
    value: f64,
}

impl Score {
    fn feasible(&self) -> bool {
        self.violation == 0.0
    }

    /// `Greater` when `self` is better.
    fn cmp(&self, other: &Score) -> Ordering {
        other
            .violation
            .total_cmp(&self.violation)
            .then(self.value.total_cmp(&other.value))
    }
}

/// Relative violations below this count as none (rounding in the metrics' folds).
const FEASIBILITY_SLACK: f64 = 1e-9;

/// The scale a bound's misses are measured in.
fn scale(bound: f64) -> f64 {
    bound.abs().max(1e-12)
}

fn score(problem: &Problem, summaries: &Summaries) -> Score {
    let value = problem
        .objective
        .goal
        .oriented(problem.objective.metric.value(summaries));
    let value = if value.is_nan() {
        f64::NEG_INFINITY
    } else {
        value
    };
    let mut violation = 0.0;
    for c in &problem.constraints {
        let v = c.metric.value(summaries);
        if v.is_nan() {
            violation = f64::INFINITY;
            continue;
        }
        if let Some(min) = c.min {
            let miss = (min - v) / scale(min);
            if miss > FEASIBILITY_SLACK {
                violation += miss;
            }
        }
        if let Some(max) = c.max {
            let miss = (v - max) / scale(max);
            if miss > FEASIBILITY_SLACK {
                violation += miss;
            }
        }
    }
    Score { violation, value }
}

/// Knob values snapped, as a cache key.
fn key_of(x: &[f64]) -> Vec<u64> {
    x.iter().map(|v| v.to_bits()).collect()
}

/// Runs configurations through the evaluator once each, remembering every answer.
struct Cache<'a, E> {
    base: &'a Params,
    knobs: &'a [KnobRange],
    evaluate: E,
    index: HashMap<Vec<u64>, usize>,
    summaries: Vec<Summaries>,
}

impl<E: FnMut(&[Params]) -> Vec<Summaries>> Cache<'_, E> {
    /// The snapped design nearest `x` within the knobs' ranges.
    fn snap(&self, x: &[f64]) -> Vec<f64> {
        x.iter()
            .zip(self.knobs)
            .map(|(&v, k)| snap(k.spec, v.clamp(k.min, k.max)))
            .collect()
    }

    fn params(&self, x: &[f64]) -> Params {
        let mut params = self.base.clone();
        for (&v, k) in x.iter().zip(self.knobs) {
            set_knob(&mut params, k.spec, v);
        }
        params
    }

    /// Evaluates every design of `xs` not yet seen, as one batch; returns their cache slots.
    fn run(&mut self, xs: &[Vec<f64>]) -> Result<Vec<usize>, OptimizeError> {
        let mut fresh: Vec<Vec<f64>> = Vec::new();
        for x in xs {
            let k = key_of(x);
            if !self.index.contains_key(&k) && !fresh.iter().any(|f| key_of(f) == k) {
                fresh.push(x.clone());
            }
        }
        if !fresh.is_empty() {
            let batch: Vec<Params> = fresh.iter().map(|x| self.params(x)).collect();
            let out = (self.evaluate)(&batch);
            if out.len() != batch.len() {
                return Err(OptimizeError::Evaluator {
                    asked: batch.len(),
                    got: out.len(),
                });
            }
            for (x, s) in fresh.iter().zip(out) {
                self.index.insert(key_of(x), self.summaries.len());
                self.summaries.push(s);
            }
        }
        Ok(xs.iter().map(|x| self.index[&key_of(x)]).collect())
    }
}

/// One search: the designs it looked at, in order, and the best of them.
struct Search {
    best: Vec<f64>,
    best_slot: usize,
    score: Score,
}

/// The designs one search visits, scored under one problem.
struct Visits<'p> {
    problem: &'p Problem,
    best: Option<(Vec<f64>, usize, Score)>,
    evaluations: usize,
}

impl Visits<'_> {
    /// Evaluates `xs` (snapped) as one batch and keeps the best; returns their scores.
    fn visit<E: FnMut(&[Params]) -> Vec<Summaries>>(
        &mut self,
        cache: &mut Cache<'_, E>,
        xs: &[Vec<f64>],
    ) -> Result<Vec<Score>, OptimizeError> {
        let before = cache.summaries.len();
        let slots = cache.run(xs)?;
        self.evaluations += cache.summaries.len() - before;
        let mut scores = Vec::with_capacity(xs.len());
        for (x, &slot) in xs.iter().zip(&slots) {
            let s = score(self.problem, &cache.summaries[slot]);
            scores.push(s);
            // Strictly better only: the first design evaluated wins ties.
            if self
                .best
                .as_ref()
                .is_none_or(|(_, _, b)| s.cmp(b) == Ordering::Greater)
            {
                self.best = Some((x.clone(), slot, s));
            }
        }
        Ok(scores)
    }
}

/// Coarse grid, then golden section (one knob) or compass search (two or three).
fn search<E: FnMut(&[Params]) -> Vec<Summaries>>(
    problem: &Problem,
    options: &Options,
    cache: &mut Cache<'_, E>,
) -> Result<Search, OptimizeError> {
    let knobs = &problem.knobs;
    let n = options.coarse_points[knobs.len() - 1].max(2);
    let axes: Vec<Vec<f64>> = knobs
        .iter()
        .map(|k| {
            let mut values: Vec<f64> = linspace(k.min, k.max, n)
                .into_iter()
                .map(|x| snap(k.spec, x))
                .collect();
            values.dedup();
            values
        })
        .collect();
    // The product, the first knob varying fastest.
    let mut grid: Vec<Vec<f64>> = vec![Vec::new()];
    for axis in &axes {
        grid = axis
            .iter()
            .flat_map(|&v| {
                grid.iter().map(move |prefix| {
                    let mut x = prefix.clone();
                    x.push(v);
                    x
                })
            })
            .collect();
    }
    // Reorder so that the first knob varies fastest (the loop above made the last one fastest).
    grid.sort_by(|a, b| {
        for k in (0..a.len()).rev() {
            match a[k].total_cmp(&b[k]) {
                Ordering::Equal => continue,
                other => return other,
            }
        }
        Ordering::Equal
    });
    let mut visits = Visits {
        problem,
        best: None,
        evaluations: 0,
    };
    visits.visit(cache, &grid)?;
    let tolerance: Vec<f64> = knobs
        .iter()
        .map(|k| (k.max - k.min) * options.tolerance)
        .collect();
    let integer: Vec<bool> = knobs
        .iter()
        .map(|k| k.spec.limits().is_some_and(|l| l.integer))
        .collect();
    let start = visits
        .best
        .as_ref()
        .map(|b| b.0.clone())
        .unwrap_or_default();

    if knobs.len() == 1 {
        // Golden section on the best grid value's neighbours.
        let axis = &axes[0];
        let i = axis.iter().position(|&v| v == start[0]).unwrap_or_default();
        let mut a = axis[i.saturating_sub(1)];
        let mut b = axis[(i + 1).min(axis.len() - 1)];
        const INV_PHI: f64 = 0.618_033_988_749_894_9;
        let probe = |visits: &mut Visits, cache: &mut Cache<'_, E>, x: f64| {
            let x = cache.snap(&[x]);
            visits.visit(cache, &[x]).map(|s| s[0])
        };
        let done = |a: f64, b: f64| {
            if integer[0] {
                b - a <= 2.0
            } else {
                b - a <= tolerance[0]
            }
        };
        let mut c = b - (b - a) * INV_PHI;
        let mut d = a + (b - a) * INV_PHI;
        // The first two probes go out as one batch.
        let first = [cache.snap(&[c]), cache.snap(&[d])];
        let scores = visits.visit(cache, &first)?;
        let (mut fc, mut fd) = (scores[0], scores[1]);
        while !done(a, b) && visits.evaluations < options.max_evaluations {
            if fc.cmp(&fd) != Ordering::Less {
                // The optimum is left of d.
                b = d;
                d = c;
                fd = fc;
                c = b - (b - a) * INV_PHI;
                fc = probe(&mut visits, cache, c)?;
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + (b - a) * INV_PHI;
                fd = probe(&mut visits, cache, d)?;
            }
        }
        if integer[0] {
            let last: Vec<Vec<f64>> = (a.ceil() as i64..=b.floor() as i64)
                .map(|v| cache.snap(&[v as f64]))
                .collect();
            visits.visit(cache, &last)?;
        } else {
            let mid = cache.snap(&[(a + b) / 2.0]);
            visits.visit(cache, &[mid])?;
        }
    } else {
        // Compass search from the best grid point.
        let mut step: Vec<f64> = knobs
            .iter()
            .zip(&axes)
            .zip(&integer)
            .map(|((k, axis), &int)| {
                let spacing = (k.max - k.min) / (axis.len().max(2) - 1) as f64;
                if int {
                    (spacing / 2.0).round().max(1.0)
                } else {
                    spacing / 2.0
                }
            })
            .collect();
        let mut converged: Vec<bool> = vec![false; knobs.len()];
        let mut x = start;
        while !converged.iter().all(|&c| c) && visits.evaluations < options.max_evaluations {
            let mut poll: Vec<Vec<f64>> = Vec::new();
            for k in 0..knobs.len() {
                if converged[k] {
                    continue;
                }
                for sign in [1.0, -1.0] {
                    let mut y = x.clone();
                    y[k] += sign * step[k];
                    let y = cache.snap(&y);
                    if y != x && !poll.contains(&y) {
                        poll.push(y);
                    }
                }
            }
            let current = visits.best.as_ref().map(|b| b.2).unwrap_or(Score {
                violation: f64::INFINITY,
                value: f64::NEG_INFINITY,
            });
            let scores = visits.visit(cache, &poll)?;
            let mut moved = false;
            // Move to the best poll point if it beats the best so far (which is `x`).
            if let Some((j, _)) = scores
                .iter()
                .enumerate()
                .filter(|(_, s)| s.cmp(&current) == Ordering::Greater)
                .fold(None::<(usize, Score)>, |acc, (j, s)| match acc {
                    Some((_, b)) if s.cmp(&b) != Ordering::Greater => acc,
                    _ => Some((j, *s)),
                })
            {
                x = poll[j].clone();
                moved = true;
            }
            if !moved {
                for k in 0..knobs.len() {
                    if converged[k] {
                        continue;
                    }
                    if integer[k] {
                        if step[k] <= 1.0 {
                            converged[k] = true;
                        } else {
                            step[k] = (step[k] / 2.0).floor().max(1.0);
                        }
                    } else {
                        step[k] /= 2.0;
                        if step[k] < tolerance[k] {
                            converged[k] = true;
                        }
                    }
                }
            }
        }
    }
    let (best, best_slot, score) = visits.best.unwrap_or((
        Vec::new(),
        0,
        Score {
            violation: f64::INFINITY,
            value: f64::NEG_INFINITY,
        },
    ));
    Ok(Search {
        best,
        best_slot,
        score,
    })
}

/// Finds the best knob values (see the [module docs](super) for the method).
pub fn optimize<E: FnMut(&[Params]) -> Vec<Summaries>>(
    problem: &Problem,
    options: &Options,
    mut evaluate: E,
) -> Result<Outcome, OptimizeError> {
    if problem.knobs.is_empty() || problem.knobs.len() > MAX_KNOBS {
        return Err(OptimizeError::KnobCount(problem.knobs.len()));
    }
    for (index, k) in problem.knobs.iter().enumerate() {
        if !(k.min.is_finite() && k.max.is_finite() && k.min < k.max) {
            return Err(OptimizeError::BadRange { index });
        }
    }
    for (index, c) in problem.constraints.iter().enumerate() {
        let ok = match (c.min, c.max) {
            (None, None) => false,
            (Some(a), Some(b)) => a.is_finite() && b.is_finite() && a <= b,
            (Some(a), None) | (None, Some(a)) => a.is_finite(),
        };
        if !ok {
            return Err(OptimizeError::BadConstraint { index });
        }
    }

    // The base design first, on its own.
    let base_summaries = {
        let out = evaluate(std::slice::from_ref(&problem.base));
        if out.len() != 1 {
            return Err(OptimizeError::Evaluator {
                asked: 1,
                got: out.len(),
            });
        }
        out.into_iter()
            .next()
            .ok_or(OptimizeError::Evaluator { asked: 1, got: 0 })?
    };
    let mut cache = Cache {
        base: &problem.base,
        knobs: &problem.knobs,
        evaluate,
        index: HashMap::new(),
        summaries: Vec::new(),
    };
    let found = search(problem, options, &mut cache)?;
    let summaries = cache.summaries[found.best_slot].clone();
    let feasible = found.score.feasible();

    let mut binding = Vec::new();
    for (i, c) in problem.constraints.iter().enumerate() {
        let v = c.metric.value(&summaries);
        let near = |bound: f64| (v - bound).abs() <= options.binding_tolerance * scale(bound);
        let violated = c.min.is_some_and(|m| v < m) || c.max.is_some_and(|m| v > m);
        if c.min.is_some_and(near) || c.max.is_some_and(near) || (!feasible && violated) {
            binding.push(i);
        }
    }

    let mut shadow_prices = Vec::new();
    if feasible {
        for &i in &binding {
            let c = problem.constraints[i];
            let v = c.metric.value(&summaries);
            let near = |bound: f64| (v - bound).abs() <= options.binding_tolerance * scale(bound);
            let mut tight = problem.clone();
            // Tighten the side that binds, by a share of its bound.
            let step = if let Some(min) = c.min.filter(|&m| near(m)) {
                let step = options.shadow_step * scale(min);
                tight.constraints[i].min = Some(min + step);
                step
            } else if let Some(max) = c.max {
                let step = options.shadow_step * scale(max);
                tight.constraints[i].max = Some(max - step);
                step
            } else {
                continue;
            };
            let again = search(&tight, options, &mut cache)?;
            let price = again
                .score
                .feasible()
                .then(|| (found.score.value - again.score.value) / step);
            shadow_prices.push((i, price));
        }
    }

    let objective = problem.objective.metric.value(&summaries);
    let base_objective = problem.objective.metric.value(&base_summaries);
    let goal = problem.objective.goal;
    Ok(Outcome {
        best: found.best,
        objective,
        summaries,
        feasible,
        binding,
        shadow_prices,
        base_objective,
        gain: goal.oriented(objective) - goal.oriented(base_objective),
        evaluations: cache.summaries.len() + 1,
    })
}
