//! `sandbox sweep SPEC`: run a configuration over a grid of one or two knobs and extract the
//! Pareto frontier of two metrics ([`crate::core::tradeoff`]).
//!
//! ```json
//! {
//!   "base": {"users": {"count": 1000}},
//!   "knob": "ad_load.every",
//!   "range": {"from": 2, "to": 12, "points": 11},
//!   "frontier": {"x": "first_week.revenue_per_day", "y": "last_week.engagement_per_day"}
//! }
//! ```
//!
//! Keys: `base` (a configuration object as `sandbox simulate` takes it, or a string holding a
//! share link; omitted: the defaults), `knob` (a dotted configuration key of a numeric knob) with
//! `values` (a list) or `range` (`{"from", "to", "points"}`, both ends included, evenly spaced),
//! optionally `knob2` with `values2` or `range2` (the first knob varies fastest), and `frontier`
//! (`{"x": metric, "y": metric}`, `window.metric` names whose direction is higher or lower is
//! better, or `promotion.window.metric` names when `base` has promotional bandwidth on; default `whole_run.revenue_per_day` vs `whole_run.engagement_per_day`). At most
//! [`MAX_POINTS`](crate::core::tradeoff::MAX_POINTS) points. Unknown keys are errors.
//!
//! The report: `knob` (and `knob2`), `points` (`value`, `value2`, and `summary`: the summaries
//! exactly as `sandbox simulate --summary` prints them), and `frontier` (`x`, `y`, `indices`: the
//! non-dominated points, sorted by x). A shard (`--shard K/N`) reports only the points with
//! `index % N == K − 1`, each with its `index`, and no frontier indices; [`merge`] joins the
//! shards into exactly the whole sweep's report.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{as_type, missing, parse_base, parse_object, unknown_key, SpecError};
use crate::core::model::knobs::ParamSpec;
use crate::core::model::{Params, Summaries, WindowedMetric};
use crate::core::tradeoff::{pareto_frontier, sweep_knob, Axis, AxisError, AxisValues, Goal, Grid};

const WHAT: &str = "sweep spec";

const KEYS: [&str; 8] = [
    "base", "knob", "values", "range", "knob2", "values2", "range2", "frontier",
];

/// A range of values as written in a spec.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    /// First value.
    pub from: f64,
    /// Last value.
    pub to: f64,
    /// Number of values.
    pub points: usize,
}

/// The two metrics of a frontier, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontierSpec {
    /// Metric on the x axis (`window.metric`).
    pub x: String,
    /// Metric on the y axis.
    pub y: String,
}

fn check_key(key: &str, value: &Value) -> Result<(), String> {
    match key {
        "base" => match value {
            Value::Object(_) | Value::String(_) | Value::Null => Ok(()),
            other => Err(format!(
                "`base`: expected a configuration object or a share link string, got {other}"
            )),
        },
        "knob" | "knob2" => as_type::<String>(key, value),
        "values" | "values2" => as_type::<Vec<f64>>(key, value),
        "range" | "range2" => as_type::<RangeSpec>(key, value),
        "frontier" => as_type::<FrontierSpec>(key, value),
        _ => Err(unknown_key(key, &KEYS)),
    }
}

/// A validated sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The configuration every point starts from (valid).
    pub base: Params,
    /// The points.
    pub grid: Grid,
    /// The frontier's x metric and its goal.
    pub x: (WindowedMetric, Goal),
    /// The frontier's y metric and its goal.
    pub y: (WindowedMetric, Goal),
    /// Notes for stderr: a knob with no effect under the base, a link's repaired values.
    pub warnings: Vec<String>,
}

fn invalid(message: String) -> SpecError {
    SpecError::Invalid(format!("invalid {WHAT}: {message}"))
}

/// Reads one axis from `knob_key` and `values_key`/`range_key`, naming them in errors.
fn axis(
    map: &serde_json::Map<String, Value>,
    knob_key: &str,
    values_key: &str,
    range_key: &str,
) -> Result<Axis, SpecError> {
    let knob: String = match map.get(knob_key) {
        Some(v) => String::deserialize(v).map_err(|e| invalid(format!("`{knob_key}`: {e}")))?,
        None => return Err(missing(knob_key, WHAT)),
    };
    let values = match (map.get(values_key), map.get(range_key)) {
        (Some(_), Some(_)) => {
            return Err(invalid(format!(
                "give `{values_key}` or `{range_key}`, not both"
            )))
        }
        (None, None) => {
            return Err(invalid(format!(
                "`{knob_key}` needs `{values_key}` (a list) or `{range_key}` ({{\"from\", \"to\", \"points\"}})"
            )))
        }
        (Some(v), None) => AxisValues::List(
            Vec::<f64>::deserialize(v).map_err(|e| invalid(format!("`{values_key}`: {e}")))?,
        ),
        (None, Some(r)) => {
            let r = RangeSpec::deserialize(r).map_err(|e| invalid(format!("`{range_key}`: {e}")))?;
            AxisValues::Range {
                from: r.from,
                to: r.to,
                points: r.points,
            }
        }
    };
    let values_field = if matches!(values, AxisValues::List(_)) {
        values_key
    } else {
        range_key
    };
    Axis::new(&knob, &values).map_err(|e| {
        let field = match &e {
            AxisError::UnknownKnob { .. }
            | AxisError::NotNumeric { .. }
            | AxisError::NotSweepable { .. } => knob_key.to_string(),
            AxisError::OutOfRange { index: Some(i), .. } => format!("{values_field}[{i}]"),
            _ => values_field.to_string(),
        };
        invalid(format!("`{field}`: {e}"))
    })
}

/// A frontier metric: a `window.metric` name with a better direction. Errors name `field`.
pub(crate) fn frontier_metric(
    text: &str,
    field: &str,
) -> Result<(WindowedMetric, Goal), SpecError> {
    let metric = WindowedMetric::parse(text).map_err(|e| invalid(format!("`{field}`: {e}")))?;
    let goal = Goal::of(metric.direction()).ok_or_else(|| {
        invalid(format!(
            "`{field}`: `{text}` is neither better higher nor better lower ({}), so it has no frontier; \
             pick a metric where more or less is better",
            metric.direction_note()
        ))
    })?;
    Ok((metric, goal))
}

/// Refuses a promotion metric (`promotion.window.key`) when `base` has promotional bandwidth
/// off: every point's value would be absent. (`promotion.enabled` is not sweepable, so the base
/// decides for every point.) Errors name `field`.
pub(crate) fn check_promotion(
    metric: &WindowedMetric,
    field: &str,
    base: &Params,
) -> Result<(), String> {
    if metric.needs_promotion() && !base.promotion.enabled {
        return Err(format!(
            "`{field}`: `{metric}` is a promotion metric, absent from runs without promotional \
             bandwidth: set `promotion.enabled` to true in `base`"
        ));
    }
    Ok(())
}

/// Parses and validates a sweep spec; errors name the offending key.
pub fn parse(input: &str) -> Result<Sweep, SpecError> {
    let value = parse_object(input, WHAT, check_key)?;
    let Value::Object(map) = &value else {
        return Err(invalid("the sweep spec must be a JSON object".into()));
    };
    let (base, mut warnings) = parse_base(map.get("base")).map_err(invalid)?;
    let first = axis(map, "knob", "values", "range")?;
    let second = if map.contains_key("knob2") {
        Some(axis(map, "knob2", "values2", "range2")?)
    } else {
        for key in ["values2", "range2"] {
            if map.contains_key(key) {
                return Err(invalid(format!("`{key}` needs `knob2`")));
            }
        }
        None
    };
    if let Some(second) = &second {
        if second.spec.key == first.spec.key {
            return Err(invalid(format!(
                "`knob2`: `{}` is already the first knob",
                second.spec.key
            )));
        }
    }
    for (axis, field) in
        std::iter::once((&first, "knob")).chain(second.as_ref().map(|a| (a, "knob2")))
    {
        if let Some(note) = axis.spec.inactive_note(&base) {
            warnings.push(format!(
                "`{field}`: `{}` has no effect in the base configuration: {note}",
                axis.spec.key
            ));
        }
    }
    let second_field = if map.contains_key("values2") {
        "values2"
    } else {
        "range2"
    };
    let grid = Grid::new(first, second)
        .map_err(|e| invalid(format!("`{second_field}`: the grid of both knobs: {e}")))?;
    let frontier: FrontierSpec = match map.get("frontier") {
        Some(v) => FrontierSpec::deserialize(v).map_err(|e| invalid(format!("`frontier`: {e}")))?,
        None => FrontierSpec {
            x: "whole_run.revenue_per_day".into(),
            y: "whole_run.engagement_per_day".into(),
        },
    };
    let x = frontier_metric(&frontier.x, "frontier.x")?;
    let y = frontier_metric(&frontier.y, "frontier.y")?;
    check_promotion(&x.0, "frontier.x", &base).map_err(invalid)?;
    check_promotion(&y.0, "frontier.y", &base).map_err(invalid)?;
    Ok(Sweep {
        base,
        grid,
        x,
        y,
        warnings,
    })
}

/// A slice of a sweep: `k` of `n` (1-based), the points with `index % n == k − 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// Which slice, 1 to `n`.
    pub k: usize,
    /// How many slices.
    pub n: usize,
}

impl Shard {
    /// Reads `K/N` (`1/4`), with `1 ≤ K ≤ N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard takes K/N with 1 ≤ K ≤ N (e.g. 1/4), got `{text}`");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl Sweep {
    /// The indices of the points to run: all of them, or a shard's.
    pub fn indices(&self, shard: Option<Shard>) -> Vec<usize> {
        (0..self.grid.len())
            .filter(|i| shard.is_none_or(|s| i % s.n == s.k - 1))
            .collect()
    }

    /// The configuration of each point in `indices`.
    pub fn configs(&self, indices: &[usize]) -> Vec<Params> {
        indices
            .iter()
            .map(|&i| self.grid.params(&self.base, i))
            .collect()
    }

    /// The report of the points `indices` with their summaries (in the same order): the whole
    /// sweep when `shard` is `None`, else that shard's document.
    pub fn report(
        &self,
        shard: Option<Shard>,
        indices: &[usize],
        summaries: &[Summaries],
    ) -> Result<String, SpecError> {
        let points = indices
            .iter()
            .zip(summaries)
            .map(|(&i, s)| {
                let (value, value2) = self.grid.point(i);
                Ok(Point {
                    index: shard.map(|_| i),
                    value: knob_value(self.grid.first.spec, value),
                    value2: self
                        .grid
                        .second
                        .as_ref()
                        .zip(value2)
                        .map(|(a, v)| knob_value(a.spec, v)),
                    summary: serde_json::to_value(s)
                        .map_err(|e| SpecError::Report(e.to_string()))?,
                })
            })
            .collect::<Result<Vec<Point>, SpecError>>()?;
        let doc = Document {
            knob: self.grid.first.spec.key.to_string(),
            knob2: self.grid.second.as_ref().map(|a| a.spec.key.to_string()),
            shard: shard.map(|s| ShardInfo {
                k: s.k,
                n: s.n,
                points: self.grid.len(),
            }),
            frontier: FrontierOut {
                x: self.x.0.to_string(),
                y: self.y.0.to_string(),
                indices: None,
            },
            points,
        };
        match shard {
            Some(_) => to_json(&doc),
            None => finish(doc),
        }
    }
}

/// A knob's value in the report: whole-number knobs as integers.
fn knob_value(spec: &ParamSpec, x: f64) -> Value {
    match spec.limits() {
        Some(l) if l.integer && x.is_finite() && x >= 0.0 && x.fract() == 0.0 => {
            Value::from(x as u64)
        }
        _ => Value::from(x),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Point {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    value: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value2: Option<Value>,
    summary: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShardInfo {
    k: usize,
    n: usize,
    /// Points in the whole sweep.
    points: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontierOut {
    x: String,
    y: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    indices: Option<Vec<usize>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    knob: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    knob2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard: Option<ShardInfo>,
    points: Vec<Point>,
    frontier: FrontierOut,
}

fn to_json(doc: &Document) -> Result<String, SpecError> {
    serde_json::to_string_pretty(doc).map_err(|e| SpecError::Report(e.to_string()))
}

/// The whole sweep's report from all its points in index order: computes the frontier.
fn finish(mut doc: Document) -> Result<String, SpecError> {
    let (x, x_goal) = frontier_metric(&doc.frontier.x, "frontier.x")?;
    let (y, y_goal) = frontier_metric(&doc.frontier.y, "frontier.y")?;
    let mut xy = Vec::with_capacity(doc.points.len());
    for point in &doc.points {
        let s = Summaries::deserialize(&point.summary)
            .map_err(|e| SpecError::Invalid(format!("a point's summary: {e}")))?;
        xy.push((x.value(&s), y.value(&s)));
    }
    doc.frontier.indices = Some(pareto_frontier(&xy, x_goal, y_goal));
    doc.shard = None;
    for point in &mut doc.points {
        point.index = None;
    }
    to_json(&doc)
}

/// Joins shard reports (`sandbox sweep --shard K/N`, in any order) into exactly the bytes the
/// whole sweep prints. Every shard of one sweep must be there, once.
pub fn merge(shards: &[(String, String)]) -> Result<String, SpecError> {
    let bad = |name: &str, message: String| SpecError::Invalid(format!("{name}: {message}"));
    let mut docs = Vec::new();
    for (name, text) in shards {
        let doc: Document =
            serde_json::from_str(text).map_err(|e| bad(name, format!("not a sweep shard: {e}")))?;
        let Some(info) = &doc.shard else {
            return Err(bad(name, "not a shard (no `shard` key)".into()));
        };
        if info.k == 0 || info.k > info.n {
            return Err(bad(
                name,
                format!("shard {}/{} is not a slice", info.k, info.n),
            ));
        }
        docs.push((name.as_str(), doc));
    }
    let Some((_, first)) = docs.first() else {
        return Err(SpecError::Invalid(
            "--merge needs at least one shard file".into(),
        ));
    };
    let (n, total) = first
        .shard
        .as_ref()
        .map(|s| (s.n, s.points))
        .unwrap_or_default();
    let (knob, knob2, frontier) = (
        first.knob.clone(),
        first.knob2.clone(),
        first.frontier.clone(),
    );
    let mut seen = vec![false; n];
    let mut points: Vec<Option<Point>> = vec![None; total];
    for (name, doc) in docs {
        let info = doc.shard.as_ref().map(|s| (s.k, s.n, s.points));
        let Some((k, this_n, this_total)) = info else {
            continue;
        };
        if this_n != n
            || this_total != total
            || doc.knob != knob
            || doc.knob2 != knob2
            || doc.frontier != frontier
        {
            return Err(bad(
                name,
                "belongs to a different sweep (knobs, frontier, points or shard count differ)"
                    .into(),
            ));
        }
        if std::mem::replace(&mut seen[k - 1], true) {
            return Err(bad(name, format!("shard {k}/{n} is given twice")));
        }
        for point in doc.points {
            let Some(i) = point.index.filter(|&i| i < total && i % n == k - 1) else {
                return Err(bad(
                    name,
                    format!("a point's index does not belong to shard {k}/{n}"),
                ));
            };
            if points[i].replace(point).is_some() {
                return Err(bad(name, format!("point {i} is given twice")));
            }
        }
    }
    let missing_shards: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| !**s)
        .map(|(k, _)| format!("{}/{n}", k + 1))
        .collect();
    if !missing_shards.is_empty() {
        return Err(SpecError::Invalid(format!(
            "missing shards: {}",
            missing_shards.join(", ")
        )));
    }
    let points = points
        .into_iter()
        .enumerate()
        .map(|(i, p)| p.ok_or_else(|| SpecError::Invalid(format!("point {i} is missing"))))
        .collect::<Result<Vec<Point>, SpecError>>()?;
    // Knob keys come from the shard files: check they are knobs.
    sweep_knob(&knob).map_err(|e| SpecError::Invalid(format!("`knob`: {e}")))?;
    finish(Document {
        knob,
        knob2,
        shard: None,
        points,
        frontier,
    })
}
