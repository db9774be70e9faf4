//! `sandbox optimize SPEC`: the best values of one to three knobs for an objective metric under
//! metric constraints ([`crate::core::tradeoff::optimize`](mod@crate::core::tradeoff::optimize)).
//!
//! ```json
//! {
//!   "objective": "whole_run.revenue_per_day",
//!   "knobs": [{"key": "ad_load.every", "min": 2, "max": 12}],
//!   "constraints": [{"metric": "last_week.engagement_per_day", "min": 20000}]
//! }
//! ```
//!
//! Keys: `base` (as in `sandbox sweep`: a configuration object, a share link string, or omitted
//! for the defaults), `objective` (a `window.metric` name — or `promotion.window.metric` when
//! `base` has promotional bandwidth on —, maximised, or
//! `{"metric": m, "goal": "min" | "max"}`), `knobs` (1 to 3 of `{"key", "min", "max"}`: a numeric
//! knob's dotted key and the range to search, within the knob's accepted range; whole-number
//! knobs search whole numbers), `constraints` (optional; each `{"metric", "min"}`,
//! `{"metric", "max"}` or both, one entry per metric). Unknown keys are errors.
//!
//! The report: `best` (`{key: value}`), `objective` (the metric at the best design), `summary`
//! (as `sandbox simulate --summary` prints it), `feasible`, `binding` (the metrics of the binding
//! constraints; of the violated ones when infeasible), `shadow_prices` (`{metric: price}` for
//! each binding constraint of a feasible answer: objective lost per unit the bound is tightened,
//! `null` when tightening leaves no feasible design), `base_objective`, `gain` (over the base
//! configuration, in the goal's sense) and `evaluations` (simulations run).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{as_type, missing, parse_base, parse_object, unknown_key, SpecError};
use crate::core::model::{Params, Summaries, WindowedMetric};
use crate::core::tradeoff::grid::snap;
use crate::core::tradeoff::{
    sweep_knob, AxisError, Constraint, Goal, KnobRange, Objective, Outcome, Problem,
};

const WHAT: &str = "optimize spec";

const KEYS: [&str; 4] = ["base", "objective", "knobs", "constraints"];

/// A knob and its search range, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnobSpec {
    /// Dotted configuration key.
    pub key: String,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// A constraint, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstraintSpec {
    /// `window.metric`.
    pub metric: String,
    /// Lower bound.
    #[serde(default)]
    pub min: Option<f64>,
    /// Upper bound.
    #[serde(default)]
    pub max: Option<f64>,
}

/// The objective's long form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveSpec {
    /// `window.metric`.
    pub metric: String,
    /// `"max"` (default) or `"min"`.
    #[serde(default)]
    pub goal: Option<GoalName>,
}

/// `"max"` or `"min"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoalName {
    /// Maximise.
    Max,
    /// Minimise.
    Min,
}

fn check_key(key: &str, value: &Value) -> Result<(), String> {
    match key {
        "base" => match value {
            Value::Object(_) | Value::String(_) | Value::Null => Ok(()),
            other => Err(format!(
                "`base`: expected a configuration object or a share link string, got {other}"
            )),
        },
        "objective" => match value {
            Value::String(_) => Ok(()),
            _ => as_type::<ObjectiveSpec>(key, value),
        },
        "knobs" => as_type::<Vec<KnobSpec>>(key, value),
        "constraints" => as_type::<Vec<ConstraintSpec>>(key, value),
        _ => Err(unknown_key(key, &KEYS)),
    }
}

fn invalid(message: String) -> SpecError {
    SpecError::Invalid(format!("invalid {WHAT}: {message}"))
}

/// A `window.metric` (or, with promotional bandwidth on in `base`, `promotion.window.metric`)
/// name; errors name `field`.
fn metric(text: &str, field: &str, base: &Params) -> Result<WindowedMetric, SpecError> {
    let metric = WindowedMetric::parse(text).map_err(|e| invalid(format!("`{field}`: {e}")))?;
    super::sweep::check_promotion(&metric, field, base).map_err(invalid)?;
    Ok(metric)
}

/// A validated optimisation problem, plus notes for stderr.
#[derive(Debug, Clone)]
pub struct OptimizeSpec {
    /// The problem.
    pub problem: Problem,
    /// Notes: a knob with no effect under the base, a link's repaired values.
    pub warnings: Vec<String>,
}

/// Parses and validates an optimize spec; errors name the offending key.
pub fn parse(input: &str) -> Result<OptimizeSpec, SpecError> {
    let value = parse_object(input, WHAT, check_key)?;
    let Value::Object(map) = &value else {
        return Err(invalid("the optimize spec must be a JSON object".into()));
    };
    let (base, mut warnings) = parse_base(map.get("base")).map_err(invalid)?;
    let objective = match map.get("objective") {
        None => return Err(missing("objective", WHAT)),
        Some(Value::String(text)) => Objective {
            metric: metric(text, "objective", &base)?,
            goal: Goal::Max,
        },
        Some(v) => {
            let spec =
                ObjectiveSpec::deserialize(v).map_err(|e| invalid(format!("`objective`: {e}")))?;
            Objective {
                metric: metric(&spec.metric, "objective.metric", &base)?,
                goal: match spec.goal {
                    Some(GoalName::Min) => Goal::Min,
                    _ => Goal::Max,
                },
            }
        }
    };
    let knob_specs: Vec<KnobSpec> = match map.get("knobs") {
        None => return Err(missing("knobs", WHAT)),
        Some(v) => Vec::deserialize(v).map_err(|e| invalid(format!("`knobs`: {e}")))?,
    };
    if knob_specs.is_empty() || knob_specs.len() > 3 {
        return Err(invalid(format!(
            "`knobs`: {} knobs given; the optimizer varies 1 to 3",
            knob_specs.len()
        )));
    }
    let mut knobs: Vec<KnobRange> = Vec::new();
    for (i, k) in knob_specs.iter().enumerate() {
        let spec = sweep_knob(&k.key).map_err(|e| invalid(format!("`knobs[{i}].key`: {e}")))?;
        if knobs.iter().any(|other| other.spec.key == spec.key) {
            return Err(invalid(format!(
                "`knobs[{i}].key`: `{}` is listed twice",
                k.key
            )));
        }
        let limits = spec
            .limits()
            .ok_or_else(|| invalid(format!("`knobs[{i}].key`: `{}` is not numeric", k.key)))?;
        for (field, x) in [("min", k.min), ("max", k.max)] {
            if !limits.contains(x) {
                return Err(invalid(format!(
                    "`knobs[{i}].{field}`: {}",
                    AxisError::OutOfRange {
                        index: None,
                        value: x,
                        limits
                    }
                )));
            }
        }
        if k.min > k.max {
            return Err(invalid(format!(
                "`knobs[{i}]`: reversed range: min {} is above max {}",
                k.min, k.max
            )));
        }
        // Whole-number knobs search the whole numbers within [min, max].
        let (min, max) = if limits.integer {
            (k.min.ceil(), k.max.floor())
        } else {
            (k.min, k.max)
        };
        if min >= max {
            return Err(invalid(format!(
                "`knobs[{i}]`: empty range from {} to {}: nothing to search",
                k.min, k.max
            )));
        }
        if let Some(note) = spec.inactive_note(&base) {
            warnings.push(format!(
                "`knobs[{i}].key`: `{}` has no effect in the base configuration: {note}",
                spec.key
            ));
        }
        knobs.push(KnobRange {
            spec,
            min: snap(spec, min),
            max: snap(spec, max),
        });
    }
    let constraint_specs: Vec<ConstraintSpec> = match map.get("constraints") {
        None => Vec::new(),
        Some(v) => Vec::deserialize(v).map_err(|e| invalid(format!("`constraints`: {e}")))?,
    };
    let mut constraints: Vec<Constraint> = Vec::new();
    for (i, c) in constraint_specs.iter().enumerate() {
        let m = metric(&c.metric, &format!("constraints[{i}].metric"), &base)?;
        if constraints.iter().any(|other| other.metric == m) {
            return Err(invalid(format!(
                "`constraints[{i}].metric`: `{}` is constrained twice; give one entry with \
                 `min` and `max`",
                c.metric
            )));
        }
        match (c.min, c.max) {
            (None, None) => {
                return Err(invalid(format!(
                    "`constraints[{i}]`: give `min`, `max` or both"
                )))
            }
            (Some(a), Some(b)) if a > b => {
                return Err(invalid(format!(
                    "`constraints[{i}]`: min {a} is above max {b}"
                )))
            }
            _ => {}
        }
        constraints.push(Constraint {
            metric: m,
            min: c.min,
            max: c.max,
        });
    }
    Ok(OptimizeSpec {
        problem: Problem {
            base,
            knobs,
            objective,
            constraints,
        },
        warnings,
    })
}

#[derive(Serialize)]
struct Report {
    best: BTreeMap<String, Value>,
    objective: f64,
    summary: Value,
    feasible: bool,
    binding: Vec<String>,
    shadow_prices: BTreeMap<String, Option<f64>>,
    base_objective: f64,
    gain: f64,
    evaluations: usize,
}

/// The report of `outcome` for `problem`, as pretty JSON.
pub fn report(problem: &Problem, outcome: &Outcome) -> Result<String, SpecError> {
    let name = |i: usize| problem.constraints[i].metric.to_string();
    let report = Report {
        best: problem
            .knobs
            .iter()
            .zip(&outcome.best)
            .map(|(k, &x)| {
                let value = match k.spec.limits() {
                    Some(l) if l.integer && x >= 0.0 => Value::from(x as u64),
                    _ => Value::from(x),
                };
                (k.spec.key.to_string(), value)
            })
            .collect(),
        objective: outcome.objective,
        summary: serde_json::to_value(&outcome.summaries)
            .map_err(|e| SpecError::Report(e.to_string()))?,
        feasible: outcome.feasible,
        binding: outcome.binding.iter().map(|&i| name(i)).collect(),
        shadow_prices: outcome
            .shadow_prices
            .iter()
            .map(|&(i, p)| (name(i), p))
            .collect(),
        base_objective: outcome.base_objective,
        gain: outcome.gain,
        evaluations: outcome.evaluations,
    };
    serde_json::to_string_pretty(&report).map_err(|e| SpecError::Report(e.to_string()))
}

/// Parses, solves with `evaluate` (a batch evaluator) and reports. Warnings go to `warn`.
pub fn run_json<E: FnMut(&[Params]) -> Vec<Summaries>>(
    input: &str,
    evaluate: E,
    warn: &mut dyn FnMut(&str),
) -> Result<String, SpecError> {
    let spec = parse(input)?;
    for w in &spec.warnings {
        warn(w);
    }
    let outcome = crate::core::tradeoff::optimize(
        &spec.problem,
        &crate::core::tradeoff::Options::default(),
        evaluate,
    )
    .map_err(|e| invalid(e.to_string()))?;
    report(&spec.problem, &outcome)
}
