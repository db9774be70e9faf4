//! `sandbox experiment SPEC`: an online experiment inside the model — both arms in one world
//! ([`crate::core::model::experiment::run_arms`]) against the global truth (each design serving
//! everyone, two one-arm runs).
//!
//! ```json
//! {
//!   "base": {"users": {"count": 1000}},
//!   "treatment": {"ad_load.max_ads": 2},
//!   "design": "user",
//!   "treatment_share": 0.5,
//!   "pre_days": 0, "days": 14, "post_days": 0,
//!   "horizon_days": 90,
//!   "replications": 1,
//!   "metrics": ["revenue_per_day", "engagement_per_day"]
//! }
//! ```
//!
//! Keys: `base` (a configuration object or a share link, as for `sandbox sweep`: the world and
//! the control design), `treatment` (an object of dotted configuration keys to values: the
//! treatment is the base with these changed), `design` (`user`, `budget_split`, `switchback`,
//! `advertiser`; default `user`), `treatment_share` (0.5), `pre_days` (0), `days` (14),
//! `post_days` (0), `horizon_days` (90), `replications` (1: seeds `seed`, `seed + 1`, …) and
//! `metrics` (summary metric keys; default revenue and engagement per day).
//!
//! For each metric the report gives, averaged over replications:
//! - `truth`: treatment's one-arm run minus control's, over the experiment's days;
//! - `long_term_truth`: the same over the last 7 days of `horizon_days`-day one-arm runs;
//! - `estimate`: what the experiment measures — the treatment arm's value minus the control
//!   arm's over the experiment's days, each per-day total divided by its arm's share of the
//!   traffic (user and budget-split designs) or taken over the days the arm served (switchback).
//!   Advertiser designs split no sessions: their estimate is per advertiser (not reported here,
//!   `null`).

use serde::Serialize;
use serde_json::{Map, Value};

use super::{as_type, parse_base, parse_object, unknown_key, SpecError};
use crate::core::model::experiment::{run_arms, truth, ArmsResult, Assignment, Schedule};
use crate::core::model::{summarise, DayMetrics, Metric, Params, Scenario, Summary};

const KEYS: &[&str] = &[
    "base",
    "treatment",
    "design",
    "treatment_share",
    "pre_days",
    "days",
    "post_days",
    "horizon_days",
    "replications",
    "metrics",
];

/// Longest run a spec may ask for (days), as the configuration's own limit.
const MAX_DAYS: u64 = 365;
/// Most replications a spec may ask for.
const MAX_REPLICATIONS: u64 = 100;

fn check_key(key: &str, value: &Value) -> Result<(), String> {
    match key {
        "base" => Ok(()),
        "treatment" => as_type::<Map<String, Value>>(key, value),
        "design" => as_type::<String>(key, value),
        "treatment_share" => as_type::<f64>(key, value),
        "pre_days" | "days" | "post_days" | "horizon_days" | "replications" => {
            as_type::<u64>(key, value)
        }
        "metrics" => as_type::<Vec<String>>(key, value),
        other => Err(unknown_key(other, KEYS)),
    }
}

/// A parsed experiment spec.
#[derive(Debug, Clone)]
pub struct ExperimentSpec {
    /// The world and control design.
    pub base: Params,
    /// The treatment configuration.
    pub treatment: Params,
    /// The design and share.
    pub assignment: Assignment,
    /// Pre-period, experiment, post-period.
    pub schedule: Schedule,
    /// Length of the long-term one-arm runs.
    pub horizon_days: u32,
    /// Seeds run.
    pub replications: u32,
    /// Metrics reported.
    pub metrics: Vec<Metric>,
    /// Notes for stderr.
    pub warnings: Vec<String>,
}

fn invalid(message: String) -> SpecError {
    SpecError::Invalid(format!("invalid experiment spec: {message}"))
}

fn days_key(map: &Map<String, Value>, key: &str, default: u64, min: u64) -> Result<u32, SpecError> {
    let n = map.get(key).and_then(Value::as_u64).unwrap_or(default);
    if n < min || n > MAX_DAYS {
        return Err(invalid(format!(
            "`{key}`: must be {min}–{MAX_DAYS}, got {n}"
        )));
    }
    Ok(n as u32)
}

/// Sets the dotted key `key` of a configuration object to `value`; the key must exist.
fn set_dotted(config: &mut Value, key: &str, value: &Value) -> Result<(), String> {
    let mut node = config;
    for part in key.split('.') {
        node = node
            .get_mut(part)
            .ok_or_else(|| format!("`treatment.{key}`: no such configuration key"))?;
    }
    *node = value.clone();
    Ok(())
}

/// Parses and validates a spec.
pub fn parse(input: &str) -> Result<ExperimentSpec, SpecError> {
    let value = parse_object(input, "experiment spec", check_key)?;
    let map = value
        .as_object()
        .expect("parse_object checks for an object");
    let (base, warnings) = parse_base(map.get("base")).map_err(invalid)?;
    // The treatment: the base with each dotted key changed, validated like any configuration.
    let mut config = serde_json::to_value(&base).map_err(|e| invalid(e.to_string()))?;
    let changes = map
        .get("treatment")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, v) in &changes {
        set_dotted(&mut config, key, v).map_err(invalid)?;
    }
    let text = serde_json::to_string(&config).map_err(|e| invalid(e.to_string()))?;
    let (treatment, _) = crate::config::export::parse_config_json(&text)
        .map_err(|e| invalid(format!("`treatment`: {e}")))?;
    Scenario::new(treatment.clone()).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("treatment.{p}")).collect();
        invalid(lines.join("; "))
    })?;
    let share = map
        .get("treatment_share")
        .and_then(Value::as_f64)
        .unwrap_or(0.5);
    if !(0.0..=1.0).contains(&share) {
        return Err(invalid(format!(
            "`treatment_share`: must be 0–1, got {share}"
        )));
    }
    let design = map.get("design").and_then(Value::as_str).unwrap_or("user");
    let assignment = match design {
        "user" => Assignment::User {
            treatment_share: share,
        },
        "budget_split" => Assignment::BudgetSplit {
            treatment_share: share,
        },
        "switchback" => Assignment::Switchback {
            treatment_share: share,
        },
        "advertiser" => Assignment::Advertiser {
            treatment_share: share,
        },
        other => {
            return Err(invalid(format!(
                "`design`: unknown design `{other}`; expected `user`, `budget_split`, `switchback` or `advertiser`"
            )))
        }
    };
    let schedule = Schedule {
        pre_days: days_key(map, "pre_days", 0, 0)?,
        days: days_key(map, "days", 14, 1)?,
        post_days: days_key(map, "post_days", 0, 0)?,
    };
    if schedule.total() as u64 > MAX_DAYS {
        return Err(invalid(format!(
            "`pre_days` + `days` + `post_days`: at most {MAX_DAYS} days"
        )));
    }
    let horizon_days = days_key(map, "horizon_days", 90, 1)?;
    let replications = map.get("replications").and_then(Value::as_u64).unwrap_or(1);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(invalid(format!(
            "`replications`: must be 1–{MAX_REPLICATIONS}, got {replications}"
        )));
    }
    let metrics = match map.get("metrics").and_then(Value::as_array) {
        None => vec![
            Metric::from_key("revenue_per_day"),
            Metric::from_key("engagement_per_day"),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Some(list) => list
            .iter()
            .map(|m| {
                let key = m.as_str().unwrap_or_default();
                Metric::from_key(key)
                    .filter(|metric| metric.row().summary.is_some())
                    .ok_or_else(|| invalid(format!("`metrics`: no summary metric `{key}`")))
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(ExperimentSpec {
        base,
        treatment,
        assignment,
        schedule,
        horizon_days,
        replications: replications as u32,
        metrics,
        warnings,
    })
}

/// One metric's line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct MetricReport {
    /// The metric's key.
    pub metric: &'static str,
    /// Treatment minus control over the experiment's days, one-arm runs.
    pub truth: f64,
    /// Treatment minus control over the last week of the horizon, one-arm runs.
    pub long_term_truth: f64,
    /// What the experiment measures (`null` for advertiser designs).
    pub estimate: Option<f64>,
}

/// The report.
#[derive(Debug, Clone, Serialize)]
pub struct ExperimentReport {
    /// The design's name.
    pub design: &'static str,
    /// Treatment share.
    pub treatment_share: f64,
    /// The schedule.
    pub schedule: Schedule,
    /// Horizon of the long-term truth (days).
    pub horizon_days: u32,
    /// Replications (seeds) averaged.
    pub replications: u32,
    /// One line per metric.
    pub metrics: Vec<MetricReport>,
}

/// Days `from..=to` (1-based) of `days`.
fn window(days: &[DayMetrics], from: u32, to: u32) -> &[DayMetrics] {
    &days[(from - 1) as usize..to as usize]
}

/// A metric of a summary, with per-day totals divided by `scale`.
fn value(metric: Metric, summary: &Summary, scale: f64) -> f64 {
    let v = metric.row().value(summary).unwrap_or(f64::NAN);
    if metric.key().ends_with("_per_day") && scale > 0.0 {
        v / scale
    } else {
        v
    }
}

/// The experiment's estimate of `metric`: the arms compared over the experiment's days.
fn estimate(metric: Metric, r: &ArmsResult, from: u32, to: u32) -> Option<f64> {
    let share = r.assignment.treatment_share();
    match r.assignment {
        Assignment::Advertiser { .. } => None,
        Assignment::User { .. } | Assignment::BudgetSplit { .. } => {
            let c = summarise(window(&r.control, from, to));
            let t = summarise(window(&r.treatment, from, to));
            Some(value(metric, &t, share) - value(metric, &c, 1.0 - share))
        }
        Assignment::Switchback { .. } => {
            let served = |days: &[DayMetrics], k: u8| -> Vec<DayMetrics> {
                (from..=to)
                    .filter(|d| r.day_arm[(*d - 1) as usize] == Some(k))
                    .map(|d| days[(d - 1) as usize].clone())
                    .collect()
            };
            let c = served(&r.control, 0);
            let t = served(&r.treatment, 1);
            if c.is_empty() || t.is_empty() {
                return Some(f64::NAN);
            }
            Some(value(metric, &summarise(&t), 1.0) - value(metric, &summarise(&c), 1.0))
        }
    }
}

/// Runs the spec.
pub fn run(spec: &ExperimentSpec) -> Result<ExperimentReport, SpecError> {
    let n = spec.metrics.len();
    let (mut truths, mut long, mut est) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut has_estimate = true;
    let from = spec.schedule.pre_days + 1;
    let to = spec.schedule.pre_days + spec.schedule.days;
    for rep in 0..spec.replications {
        let seeded = |p: &Params, days: u32| {
            let mut p = p.clone();
            p.sim.seed = p.sim.seed.wrapping_add(rep as u64);
            p.sim.days = days;
            Scenario::new(p).map_err(|e| invalid(format!("{e:?}")))
        };
        let world = seeded(&spec.base, spec.schedule.total())?;
        let treatment = seeded(&spec.treatment, spec.schedule.total())?;
        let err = |e: crate::core::model::ExperimentError| invalid(e.to_string());
        let arms =
            run_arms(&world, &world, &treatment, spec.assignment, spec.schedule).map_err(err)?;
        let [tc, tt] = truth(&world, &world, &treatment, spec.schedule).map_err(err)?;
        let horizon = Schedule {
            pre_days: 0,
            days: spec.horizon_days,
            post_days: 0,
        };
        let [lc, lt] = truth(&world, &world, &treatment, horizon).map_err(err)?;
        let (sc, st) = (
            summarise(window(&tc.days, from, to)),
            summarise(window(&tt.days, from, to)),
        );
        let last = spec.horizon_days;
        let first = last.saturating_sub(6).max(1);
        let (lsc, lst) = (
            summarise(window(&lc.days, first, last)),
            summarise(window(&lt.days, first, last)),
        );
        for (i, &m) in spec.metrics.iter().enumerate() {
            truths[i] += value(m, &st, 1.0) - value(m, &sc, 1.0);
            long[i] += value(m, &lst, 1.0) - value(m, &lsc, 1.0);
            match estimate(m, &arms, from, to) {
                Some(e) => est[i] += e,
                None => has_estimate = false,
            }
        }
    }
    let reps = spec.replications as f64;
    Ok(ExperimentReport {
        design: spec.assignment.name(),
        treatment_share: spec.assignment.treatment_share(),
        schedule: spec.schedule,
        horizon_days: spec.horizon_days,
        replications: spec.replications,
        metrics: spec
            .metrics
            .iter()
            .enumerate()
            .map(|(i, m)| MetricReport {
                metric: m.key(),
                truth: truths[i] / reps,
                long_term_truth: long[i] / reps,
                estimate: has_estimate.then(|| est[i] / reps),
            })
            .collect(),
    })
}

/// Parses, runs and writes the report as pretty JSON; warnings go to the caller.
pub fn run_json(input: &str) -> Result<(String, Vec<String>), SpecError> {
    let spec = parse(input)?;
    let report = run(&spec)?;
    let text =
        serde_json::to_string_pretty(&report).map_err(|e| SpecError::Report(e.to_string()))?;
    Ok((text, spec.warnings))
}
