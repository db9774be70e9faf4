//! `sandbox experiment SPEC`: an online experiment inside the model — both arms in one world
//! ([`crate::core::model::experiment::run_arms`]) against the global truth (each design serving
//! everyone, two one-arm runs), with the statistics computed at the randomisation unit
//! ([`crate::core::stats`]).
//!
//! ```json
//! {
//!   "base": {"users": {"count": 1000}},
//!   "treatment": {"ad_load.every": 3},
//!   "design": "user",
//!   "treatment_share": 0.5,
//!   "pre_days": 0, "days": 14, "post_days": 0,
//!   "horizon_days": 90,
//!   "replications": 1,
//!   "metrics": ["revenue_per_day", "engagement_per_day", "ctr"]
//! }
//! ```
//!
//! Keys: `base` (a configuration object or a share link, as for `sandbox sweep`: the world and
//! the control design; omitted = defaults), `treatment` (an object of dotted configuration keys
//! of design knobs to values: the treatment is the base with these changed), `design` (`user`,
//! `budget_split`, `advertiser`, `switchback`; default `user`), `treatment_share` (0.5, strictly
//! between 0 and 1), `switchback_schedule` (how a switchback, the spec's or a side-by-side one,
//! draws its days: `independent`, the default — each day in treatment with probability
//! `treatment_share`, so the count of treatment days is binomial —, `balanced` — exactly
//! `round(treatment_share × days)` treatment days in a seeded random order —, or `paired` —
//! consecutive pairs of days with one day of each arm in a random order, an odd last day a coin
//! flip; needs `treatment_share` 0.5 when a switchback runs; see
//! [`crate::core::model::experiment::switchback_days`]; the report carries it when it is not
//! the default), `pre_days` (0), `days` (14, at least 1), `post_days` (0), `horizon_days`
//! (90), `replications` (1) and `metrics` (summary metric keys; default revenue, engagement and
//! sessions per day, CTR and mean fatigue — for the advertiser design revenue, advertiser value
//! and surplus per day, average CPC and ROI).
//!
//! **Seeds.** Replication 0 runs the world's own seed `sim.seed`; replication `k ≥ 1` runs
//! `splitmix64(sim.seed + k)` (wrapping add; [`crate::core::rng::splitmix64`]). The report
//! lists them (`seeds`). Replications run on `threads` threads; every replication depends on its
//! seed only, so the report is identical whatever the number of threads.
//!
//! **The report**, per metric (of replication 0):
//! - `truth`: `control` and `treatment` are the metric over the experiment's days of the two
//!   one-arm runs (each design serving everyone, `pre_days + days + post_days` days); with
//!   `pre_days` = 0 they are the `whole_run` values `sandbox simulate --summary` prints for the
//!   two configurations with `sim.days` = `days`. `relative` = treatment / control − 1.
//! - `long_term_truth`: the same over the last 7 days of `horizon_days`-day one-arm runs.
//! - `estimate`: what the experiment measures, at the randomisation unit. User designs
//!   (`user`, `budget_split`): each user's totals over the experiment's days — sessions,
//!   engagement, clicks, impressions, revenue (the advertisers' spend on its clicks) and the
//!   advertisers' value of its clicks, so advertiser value and surplus per day and ROI are
//!   estimated per user too; a per-day metric
//!   is the arm's mean per user × all users / days (what that arm would total if it served
//!   everyone), compared by Welch's variance of the means; ratio metrics (CTR, average CPC,
//!   eCPM, ROI) are each arm's Σ numerator / Σ denominator over its users with the delta-method
//!   variance; mean fatigue is the arm's mean over its users of their mean fatigue. Advertiser
//!   design: each advertiser's totals under its own arm (revenue = spend, advertiser value,
//!   surplus, clicks per day; average CPC and ROI as ratios); metrics of users' sessions cannot
//!   be split by advertiser and are `null` with a `reason`. Switchback: days are the units, each
//!   day's value of the metric under the arm that served it, compared by Welch on days.
//!   `relative_ci` is the 95% interval of the relative lift (delta method).
//! - `cuped` (with a pre-period): the units' pre-period value of the same metric as the
//!   covariate (θ pooled across arms): the adjusted relative lift, its interval and the variance
//!   reduction. Ratio metrics (CTR, average CPC, eCPM, ROI) are adjusted on each unit's
//!   delta-method linearised values, experiment on pre-period, each linearised around its arm's
//!   ratio of the period ([`crate::core::stats::cuped_ratio`]). Switchbacks, whose units are
//!   days: each experiment day's covariate is the metric on a pre-period day (served by
//!   control, so it depends on no day's arm), the experiment's days paired in order with the
//!   pre-period's last `days` days; it removes the market's drift (fatigue building, advertisers
//!   churning), not day-to-day noise. It needs `pre_days` ≥ `days` (else `null` with a
//!   `reason`). Neither the pre-period's mean (one number for every day) nor the previous day's
//!   value (an outcome of the previous day's arm, under carry-over) would be a sound covariate.
//!   With a few dozen days the intervals use normal quantiles on few units and run slightly
//!   narrow (an A/A check over 200 seeds with 21 days: 91–94% coverage, 93–95% unadjusted).
//! - `post_period` (with a post-period): everyone gets control again. User designs (`user`,
//!   `budget_split`): the arms are the users' experiment arms; `relative` and `relative_ci`
//!   compare the arms' post-period totals per user (what the users learned: ad blindness,
//!   fatigue). Advertiser design: the arms are the advertisers' experiment arms (advertisers
//!   that arrived later have none), compared on their post-period totals as during the
//!   experiment (what the advertisers learned: pacing state, ROI memory, churn); users' metrics
//!   are `null` with a `reason`. Both: `daily_relative` is each post day's relative difference
//!   of the arms' means per unit and `half_life_days` the half-life of an exponential decay to 0
//!   fitted to it ([`crate::core::stats::fit_decay`]), `null` with a `reason` when the data do
//!   not pin it down; with a fit, `decay_amplitude` `a` and `decay_t0` `t₀` of the fitted curve
//!   `a·2^(−(t − t₀)/half_life_days)` (`t` the post day, from 1). Switchback: there are no arms after the test, so the post-period is
//!   compared with the control one-arm run on the same days and seed (`baseline`:
//!   `control_run`): `relative` and `daily_relative` are the experiment's carry-over in this
//!   world, with its half-life; `relative_ci` is `null` (one world against its own
//!   counterfactual has no sampling interval; the `reason` says so). An A/A switchback's
//!   carry-over is 0.
//! - `replications` (with `replications` ≥ 2): over the replications, the mean relative
//!   estimate, and its bias, RMSE and the coverage of its 95% interval, each measured against
//!   that replication's own truth; with a pre-period, `cuped` is the same summary (`count`,
//!   `mean_relative`, `bias`, `bias_se`, `rmse`, `coverage`) of the CUPED-adjusted estimate
//!   (with a `reason` instead when no replication has one).
//!
//! With `designs` (a list of design names), each of those designs also runs on the same world
//! (replication 0) and `designs` maps each name to its `estimate` of every metric (with the
//! truth's `truth_relative`) and its `srm_p_value`: a side-by-side table.
//!
//! - `daily` (view: the effect over time, novelty and learning): per day of the test (user
//!   designs: then per post day, everyone back on control and the arms the users' experiment
//!   arms) the day's units compared by the estimator of `estimate` — users' totals of that day
//!   (a per-day metric scaled to all users), per-user ratios by the delta method, the users'
//!   end-of-day fatigue; advertiser design: each advertiser's totals of that day under its own
//!   arm (test days only) — as `{"day": [1, 2, …], "period": ["test", …, "post", …], "control":
//!   [...], "treatment": [...], "relative": [...], "relative_ci": [[lo, hi], ...]}`; `day` counts
//!   from the first test day, and a day whose comparison fails is `null`. Runs of more than
//!   [`crate::core::model::experiment::MAX_DAILY_USER_RECORDS`] user-days: `null` with a
//!   `reason`. Switchback: `null`
//!   with a `reason` (a day is one unit of one arm). Metrics a design cannot measure: `null`
//!   with the `estimate`'s reason.
//!
//! `srm_p_value` is the sample-ratio-mismatch test of the units per arm (users, advertisers or
//! days) against the intended share ([`crate::core::stats::srm()`]). `arm_shares` (user designs;
//! else `null` with a `reason`): `[control, treatment]` shares of the `users`, of the test days'
//! `sessions` and of their `spend` — a treatment whose spend share exceeds its traffic share took
//! budget from control. `metric_keys` lists the metrics in the spec's order.
//!
//! `readout` is the report in plain sentences ([`readout`]): the estimate and its interval, the
//! truth, and explanations each derived from the numbers (the interval covering the truth;
//! budget coupling in a `user` design whose treatment outspends its traffic share; a long run
//! unlike the test window; CUPED; the post-period half-life; replications; a sample ratio
//! mismatch).
//!
//! **Jobs.** A run is [`job_count`] independent jobs — the replications, the long-term truth,
//! then the side-by-side designs — each [`run_job`] depending on the spec and its index only;
//! [`assemble`] builds the report from them, byte for byte what [`run`] prints. Jobs
//! ([`ExperimentJob`]) and specs ([`ExperimentSpec`], as its [`canonical_json`] text) cross any
//! serde format unchanged, so they can run in Web Workers.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{as_type, parse_base, parse_object, unknown_key, SpecError};
use crate::core::model::engine::{AdvertiserTotals, UserTotals};
use crate::core::model::experiment::{
    run_arms, truth, ArmAdvertiserDay, ArmDay, ArmsResult, Assignment, Schedule, SwitchbackSchedule,
};
use crate::core::model::knobs::{self, Role};
use crate::core::model::{summarise, DayMetrics, Metric, Params, Scenario};
use crate::core::rng::splitmix64;
use crate::core::stats::{self, Asymptote, Comparison};

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
    "designs",
    "switchback_schedule",
];

/// Longest run a spec may ask for (days), as the configuration's own limit.
const MAX_DAYS: u64 = 365;
/// Most replications a spec may ask for.
const MAX_REPLICATIONS: u64 = 1000;

fn check_key(key: &str, value: &Value) -> Result<(), String> {
    match key {
        "base" => Ok(()),
        "treatment" => as_type::<Map<String, Value>>(key, value),
        "design" => as_type::<String>(key, value),
        "treatment_share" => as_type::<f64>(key, value),
        "pre_days" | "days" | "post_days" | "horizon_days" | "replications" => {
            as_type::<u64>(key, value)
        }
        "metrics" | "designs" => as_type::<Vec<String>>(key, value),
        "switchback_schedule" => as_type::<String>(key, value),
        other => Err(unknown_key(other, KEYS)),
    }
}

/// A parsed experiment spec.
///
/// Serde carries it as its canonical JSON text ([`canonical_json`]), which [`parse`] reads back
/// to an equal spec (every format, JSON or binary, carries it as that one string). The
/// `warnings` are notes on the text it was parsed from and are not carried: a spec read back
/// has none.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentSpec {
    /// The world and control design.
    pub base: Params,
    /// The treatment configuration.
    pub treatment: Params,
    /// The design and share.
    pub assignment: Assignment,
    /// How switchback designs (the spec's own or a side-by-side one) draw their days.
    pub switchback_schedule: SwitchbackSchedule,
    /// Pre-period, experiment, post-period.
    pub schedule: Schedule,
    /// Length of the long-term one-arm runs.
    pub horizon_days: u32,
    /// Seeds run.
    pub replications: u32,
    /// Metrics reported.
    pub metrics: Vec<Metric>,
    /// More designs run on the same world, side by side (replication 0 only).
    pub designs: Vec<Assignment>,
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

/// Whether `design` can give the arms different values of the knob at dotted key `key`; the
/// reason if not.
fn randomisable(key: &str, design: Assignment) -> Result<(), String> {
    let Some(knob) = knobs::table().iter().find(|s| s.key == key) else {
        return Err(format!(
            "`treatment.{key}`: not a knob of the knob table (`sandbox knobs` lists them); an experiment treats design knobs"
        ));
    };
    if knob.role != Role::Design {
        return Err(format!(
            "`treatment.{key}`: a knob of the world, not of the design; both arms of one world share it"
        ));
    }
    if key.starts_with("launch.") || key.starts_with("promotion.") {
        return Err(format!(
            "`treatment.{key}`: a launch or the promotional bandwidth changes who is in the market, so both arms of one world must share it"
        ));
    }
    match design {
        Assignment::Advertiser { .. } if !knob.per_advertiser => Err(format!(
            "`treatment.{key}`: the advertiser design can only randomise per-advertiser knobs ({}); use a user design",
            knobs::table()
                .iter()
                .filter(|s| s.per_advertiser)
                .map(|s| s.key)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Assignment::User { .. } if key == "advertisers.pacing" => Err(format!(
            "`treatment.{key}`: with shared budgets pacing is the advertiser's; use the budget_split design"
        )),
        _ => Ok(()),
    }
}

/// Parses and validates a spec.
pub fn parse(input: &str) -> Result<ExperimentSpec, SpecError> {
    let value = parse_object(input, "experiment spec", check_key)?;
    let map = value
        .as_object()
        .expect("parse_object checks for an object");
    let (base, mut warnings) = parse_base(map.get("base")).map_err(invalid)?;
    let share = map
        .get("treatment_share")
        .and_then(Value::as_f64)
        .unwrap_or(0.5);
    if !(share > 0.0 && share < 1.0) {
        return Err(invalid(format!(
            "`treatment_share`: must be strictly between 0 and 1, got {share}"
        )));
    }
    let plan = match map.get("switchback_schedule").and_then(Value::as_str) {
        None => SwitchbackSchedule::default(),
        Some(name) => SwitchbackSchedule::from_name(name).ok_or_else(|| {
            invalid(format!(
                "`switchback_schedule`: unknown schedule `{name}`; expected `independent`, `balanced` or `paired`"
            ))
        })?,
    };
    let design = map.get("design").and_then(Value::as_str).unwrap_or("user");
    let assignment =
        design_named(design, share, plan).map_err(|e| invalid(format!("`design`: {e}")))?;
    let designs = map
        .get("designs")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .enumerate()
                .map(|(i, d)| {
                    design_named(d.as_str().unwrap_or_default(), share, plan)
                        .map_err(|e| invalid(format!("`designs[{i}]`: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
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
    for key in changes.keys() {
        randomisable(key, assignment).map_err(invalid)?;
        for (i, &d) in designs.iter().enumerate() {
            randomisable(key, d).map_err(|e| invalid(format!("`designs[{i}]`: {e}")))?;
        }
    }
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
    let defaults: &[&str] = match assignment {
        Assignment::Advertiser { .. } => &[
            "revenue_per_day",
            "advertiser_value_per_day",
            "advertiser_surplus_per_day",
            "avg_cpc",
            "roi",
        ],
        _ => &[
            "revenue_per_day",
            "engagement_per_day",
            "sessions_per_day",
            "ctr",
            "mean_fatigue",
        ],
    };
    let metrics = match map.get("metrics").and_then(Value::as_array) {
        None => defaults
            .iter()
            .filter_map(|k| Metric::from_key(k))
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
    let switchbacks = std::iter::once(&assignment)
        .chain(&designs)
        .any(|d| matches!(d, Assignment::Switchback { .. }));
    if switchbacks && plan == SwitchbackSchedule::Paired && share != 0.5 {
        return Err(invalid(format!(
            "`switchback_schedule`: `paired` puts one day of each arm in every pair of days, so it needs `treatment_share` 0.5, got {share}"
        )));
    }
    if !plan.is_independent() && !switchbacks {
        warnings.push(format!(
            "`switchback_schedule` `{}` has no effect: no switchback design is run",
            plan.name()
        ));
    }
    Ok(ExperimentSpec {
        base,
        treatment,
        assignment,
        switchback_schedule: plan,
        schedule,
        horizon_days,
        replications: replications as u32,
        metrics,
        designs,
        warnings,
    })
}

/// The canonical spec of `spec`: every key written out — `base` as a full configuration
/// object, `treatment` as the design knobs (dotted keys of the knob table) on which the treatment
/// differs from the base — which [`parse`] reads back to an equal spec (without its warnings).
pub fn canonical_json(spec: &ExperimentSpec) -> Value {
    let base = serde_json::to_value(&spec.base).unwrap_or(Value::Null);
    let treated = serde_json::to_value(&spec.treatment).unwrap_or(Value::Null);
    let at = |config: &Value, key: &str| {
        key.split('.')
            .try_fold(config, |node, part| node.get(part))
            .cloned()
    };
    let mut treatment = Map::new();
    for knob in knobs::table().iter().filter(|k| k.role == Role::Design) {
        let t = at(&treated, knob.key);
        if t.is_some() && t != at(&base, knob.key) {
            treatment.insert(knob.key.into(), t.unwrap_or(Value::Null));
        }
    }
    let s = spec.schedule;
    let mut out = json!({
        "base": base,
        "treatment": treatment,
        "design": spec.assignment.name(),
        "treatment_share": spec.assignment.treatment_share(),
        "pre_days": s.pre_days,
        "days": s.days,
        "post_days": s.post_days,
        "horizon_days": spec.horizon_days,
        "replications": spec.replications,
        "metrics": spec.metrics.iter().map(|m| m.key()).collect::<Vec<_>>(),
        "designs": spec.designs.iter().map(|d| d.name()).collect::<Vec<_>>(),
    });
    if !spec.switchback_schedule.is_independent() {
        out["switchback_schedule"] = json!(spec.switchback_schedule.name());
    }
    out
}

impl Serialize for ExperimentSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&canonical_json(self).to_string())
    }
}

impl<'de> Deserialize<'de> for ExperimentSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ExperimentSpec, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).map_err(|e| serde::de::Error::custom(e.to_string()))
    }
}

/// The design called `name` at treatment share `share` (a switchback with `plan`).
fn design_named(name: &str, share: f64, plan: SwitchbackSchedule) -> Result<Assignment, String> {
    let treatment_share = share;
    Ok(match name {
        "user" => Assignment::User { treatment_share },
        "budget_split" => Assignment::BudgetSplit { treatment_share },
        "switchback" => Assignment::Switchback {
            treatment_share,
            schedule: plan,
        },
        "advertiser" => Assignment::Advertiser { treatment_share },
        other => {
            return Err(format!(
                "unknown design `{other}`; expected `user`, `budget_split`, `advertiser` or `switchback`"
            ))
        }
    })
}

/// How a metric is read from a user's totals.
#[derive(Clone, Copy)]
enum UserMeasure {
    /// A per-day total: the user's total over the period / days.
    Total(fn(&UserTotals) -> f64),
    /// A ratio Σ numerator / Σ denominator over the arm's users.
    Ratio(fn(&UserTotals) -> f64, fn(&UserTotals) -> f64),
    /// The user's mean end-of-day fatigue.
    Fatigue,
}

fn user_measure(key: &str) -> Option<UserMeasure> {
    use UserMeasure::*;
    Some(match key {
        "revenue_per_day" => Total(|t| t.revenue),
        "engagement_per_day" => Total(|t| t.engagement),
        "sessions_per_day" => Total(|t| t.sessions),
        "clicks_per_day" => Total(|t| t.clicks),
        "impressions_per_day" => Total(|t| t.impressions),
        "ctr" => Ratio(|t| t.clicks, |t| t.impressions),
        "avg_cpc" => Ratio(|t| t.revenue, |t| t.clicks),
        "ecpm" => Ratio(|t| 1000.0 * t.revenue, |t| t.impressions),
        "advertiser_value_per_day" => Total(|t| t.value),
        "advertiser_surplus_per_day" => Total(|t| t.value - t.revenue),
        "roi" => Ratio(|t| t.value, |t| t.revenue),
        "mean_fatigue" => Fatigue,
        _ => return None,
    })
}

/// How a metric is read from an advertiser's totals.
#[derive(Clone, Copy)]
enum AdvertiserMeasure {
    /// A per-day total.
    Total(fn(&AdvertiserTotals) -> f64),
    /// A ratio over the arm's advertisers.
    Ratio(fn(&AdvertiserTotals) -> f64, fn(&AdvertiserTotals) -> f64),
}

fn advertiser_measure(key: &str) -> Option<AdvertiserMeasure> {
    use AdvertiserMeasure::*;
    Some(match key {
        "revenue_per_day" => Total(|t| t.spend),
        "advertiser_value_per_day" => Total(|t| t.value),
        "advertiser_surplus_per_day" => Total(|t| t.value - t.spend),
        "clicks_per_day" => Total(|t| t.clicks),
        "avg_cpc" => Ratio(|t| t.spend, |t| t.clicks),
        "roi" => Ratio(|t| t.value, |t| t.spend),
        _ => return None,
    })
}

/// The units of one comparison, split by arm.
enum Units {
    /// One value per unit; an arm's level is its mean × `scale`.
    Means {
        control: Vec<f64>,
        treatment: Vec<f64>,
        scale: f64,
    },
    /// `(numerator, denominator)` per unit; an arm's level is Σ numerator / Σ denominator.
    Ratios {
        control: Vec<(f64, f64)>,
        treatment: Vec<(f64, f64)>,
    },
}

impl Units {
    fn compare(&self) -> Result<Comparison, String> {
        let scaled = |mut c: Comparison, s: f64| {
            c.control *= s;
            c.treatment *= s;
            c.difference *= s;
            c.difference_se *= s;
            c.difference_ci = [c.difference_ci[0] * s, c.difference_ci[1] * s];
            c
        };
        match self {
            Units::Means {
                control,
                treatment,
                scale,
            } => stats::means(control, treatment).map(|c| scaled(c, *scale)),
            Units::Ratios { control, treatment } => stats::ratio_metric(control, treatment),
        }
        .map_err(|e| e.to_string())
    }
}

/// Splits `values` (one per unit) by `arm`.
fn split<T: Copy>(values: impl Iterator<Item = T>, arm: &[u8]) -> (Vec<T>, Vec<T>) {
    let (mut c, mut t) = (Vec::new(), Vec::new());
    for (v, &k) in values.zip(arm) {
        if k == 0 {
            c.push(v);
        } else {
            t.push(v);
        }
    }
    (c, t)
}

/// Users' units over a period of `days` days (`users` and `fatigue` per user, `arm` per user).
fn user_units(
    m: UserMeasure,
    users: &[UserTotals],
    fatigue: &[f64],
    arm: &[u8],
    days: f64,
) -> Units {
    let n = arm.len() as f64;
    let zero = UserTotals::default();
    let total = |u: usize| users.get(u).unwrap_or(&zero);
    match m {
        UserMeasure::Total(f) => {
            let (control, treatment) = split((0..arm.len()).map(|u| f(total(u)) / days), arm);
            Units::Means {
                control,
                treatment,
                scale: n,
            }
        }
        UserMeasure::Fatigue => {
            let (control, treatment) = split(
                (0..arm.len()).map(|u| fatigue.get(u).copied().unwrap_or(0.0) / days),
                arm,
            );
            Units::Means {
                control,
                treatment,
                scale: 1.0,
            }
        }
        UserMeasure::Ratio(num, den) => {
            let (control, treatment) =
                split((0..arm.len()).map(|u| (num(total(u)), den(total(u)))), arm);
            Units::Ratios { control, treatment }
        }
    }
}

/// Advertisers' units (`totals` per advertiser with an arm, `arm` per advertiser).
fn advertiser_units(
    m: AdvertiserMeasure,
    totals: &[AdvertiserTotals],
    arm: &[u8],
    days: f64,
) -> Units {
    match m {
        AdvertiserMeasure::Total(f) => {
            let (control, treatment) = split(totals.iter().map(|t| f(t) / days), arm);
            Units::Means {
                control,
                treatment,
                scale: arm.len() as f64,
            }
        }
        AdvertiserMeasure::Ratio(num, den) => {
            let (control, treatment) = split(totals.iter().map(|t| (num(t), den(t))), arm);
            Units::Ratios { control, treatment }
        }
    }
}

/// A metric of a window of day records.
fn value(metric: Metric, days: &[DayMetrics]) -> f64 {
    metric.row().value(&summarise(days)).unwrap_or(f64::NAN)
}

/// `t / c − 1`, or `None` when `c` is 0.
fn relative(c: f64, t: f64) -> Option<f64> {
    (c != 0.0).then(|| t / c - 1.0)
}

fn truth_json(c: f64, t: f64) -> Value {
    json!({"control": c, "treatment": t, "relative": relative(c, t)})
}

fn null_because(reason: impl Into<String>) -> Value {
    json!({"reason": reason.into()})
}

/// One metric of one replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct MetricOutcome {
    /// The metric's report (without the long-term truth and the replications summary), carried
    /// as JSON text so that any serde format (JSON, bincode) carries it unchanged.
    #[serde(with = "json_text")]
    report: Map<String, Value>,
    /// The truth's relative difference.
    truth_relative: Option<Exact>,
    /// The estimate's relative difference and its interval.
    estimate: Option<Estimate>,
    /// The CUPED-adjusted relative difference and its interval (with a pre-period, when CUPED
    /// has one).
    #[serde(default)]
    cuped: Option<Estimate>,
}

/// A relative difference and its 95% interval.
type Estimate = (Exact, [Exact; 2]);

/// One replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Replication {
    seed: u64,
    units: [u64; 2],
    srm_p_value: Option<Exact>,
    metrics: Vec<MetricOutcome>,
    arm_shares: Option<ArmShares>,
}

/// Each arm's share (control, treatment) over the test days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ArmShares {
    spend: [Exact; 2],
    sessions: [Exact; 2],
    users: [Exact; 2],
}

/// One job of a run ([`run_job`]): a replication, the long-term truth or a side-by-side
/// design. Plain data that any serde format carries unchanged (every number keeps its bits, NaN
/// and infinities included), so jobs can run elsewhere (a Web Worker, another process) and
/// come back to [`assemble`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentJob(JobOutput);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum JobOutput {
    /// Replication `k` of the spec's design.
    Replication { k: u32, outcome: Box<Replication> },
    /// The long-term truth: per metric, control's and treatment's value over the last 7 days of
    /// the horizon runs.
    Horizon { last_week: Vec<[Exact; 2]> },
    /// Side-by-side design `d` (an index into the spec's `designs`), replication 0.
    Design { d: usize, outcome: Box<Replication> },
}

/// An `f64` that every serde format carries with its bits: a number in human-readable formats
/// (JSON prints the shortest form that reads back to the same bits), `"NaN"`, `"inf"` or
/// `"-inf"` for the values JSON has no number for; the raw `f64` in binary formats.
#[derive(Debug, Clone, Copy)]
struct Exact(f64);

impl PartialEq for Exact {
    fn eq(&self, other: &Exact) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Serialize for Exact {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.0;
        if !s.is_human_readable() || x.is_finite() {
            s.serialize_f64(x)
        } else if x.is_nan() {
            s.serialize_str("NaN")
        } else if x > 0.0 {
            s.serialize_str("inf")
        } else {
            s.serialize_str("-inf")
        }
    }
}

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Exact, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Exact;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, \"NaN\", \"inf\" or \"-inf\"")
            }
            fn visit_f64<E>(self, x: f64) -> Result<Exact, E> {
                Ok(Exact(x))
            }
            fn visit_u64<E>(self, x: u64) -> Result<Exact, E> {
                Ok(Exact(x as f64))
            }
            fn visit_i64<E>(self, x: i64) -> Result<Exact, E> {
                Ok(Exact(x as f64))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Exact, E> {
                match s {
                    "NaN" => Ok(Exact(f64::NAN)),
                    "inf" => Ok(Exact(f64::INFINITY)),
                    "-inf" => Ok(Exact(f64::NEG_INFINITY)),
                    other => Err(E::invalid_value(serde::de::Unexpected::Str(other), &self)),
                }
            }
        }
        if d.is_human_readable() {
            d.deserialize_any(Visitor)
        } else {
            f64::deserialize(d).map(Exact)
        }
    }
}

/// A JSON object carried as its JSON text (serde_json is built with `float_roundtrip`, so the
/// text reads back to the same numbers).
mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::{Map, Value};

    pub fn serialize<S: Serializer>(map: &Map<String, Value>, s: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(map).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// The seed of replication `k` (see the module docs).
pub fn replication_seed(seed: u64, k: u32) -> u64 {
    if k == 0 {
        seed
    } else {
        splitmix64(seed.wrapping_add(k as u64))
    }
}

fn scenario(p: &Params, seed: u64, days: u32) -> Result<Scenario, SpecError> {
    let mut p = p.clone();
    p.sim.seed = seed;
    p.sim.days = days;
    Scenario::new(p).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        invalid(lines.join("; "))
    })
}

/// The estimate of `metric` in `r`, as units of the design (`None` with a reason when the
/// design cannot measure it).
fn experiment_units(
    metric: Metric,
    r: &ArmsResult,
    s: Schedule,
) -> Result<(Units, Option<Units>), String> {
    let days = s.days as f64;
    let pre = s.pre_days as f64;
    match r.assignment {
        Assignment::User { .. } | Assignment::BudgetSplit { .. } => {
            let m = user_measure(metric.key()).ok_or(
                "not recorded per user (users' totals are sessions, engagement, clicks, impressions, revenue, advertisers' value and fatigue); a per-user estimate is not available",
            )?;
            let y = user_units(m, &r.users, &r.user_fatigue, &r.user_arm, days);
            let x = (s.pre_days > 0)
                .then(|| user_units(m, &r.pre.users, &r.pre.fatigue, &r.user_arm, pre));
            Ok((y, x))
        }
        Assignment::Advertiser { .. } => {
            let m = advertiser_measure(metric.key()).ok_or(
                "an advertiser design measures advertisers' spend, value, surplus, clicks, CPC and ROI; this metric is of users' sessions, which every arm shares",
            )?;
            let arm = &r.advertiser_arm;
            let totals: Vec<AdvertiserTotals> = arm
                .iter()
                .enumerate()
                .map(|(i, &k)| r.advertisers[i].arms[k as usize])
                .collect();
            let y = advertiser_units(m, &totals, arm, days);
            let x = (s.pre_days > 0).then(|| {
                let pre: Vec<AdvertiserTotals> =
                    (0..arm.len()).map(|i| r.advertisers_pre[i]).collect();
                advertiser_units(m, &pre, arm, pre_days_or_one(s))
            });
            Ok((y, x))
        }
        Assignment::Switchback { .. } => {
            // Each experiment day's covariate is its paired pre-period day (see
            // `switchback_pre_day`): control served it, so it is the same for either arm.
            let paired = s.pre_days >= s.days;
            let (mut control, mut treatment) = (Vec::new(), Vec::new());
            let (mut control_pre, mut treatment_pre) = (Vec::new(), Vec::new());
            for d in s.pre_days + 1..=s.pre_days + s.days {
                let i = (d - 1) as usize;
                let x = switchback_pre_day(s, d).map(|p| {
                    let p = (p - 1) as usize;
                    value(metric, &r.control[p..=p])
                });
                match r.day_arm[i] {
                    Some(0) => {
                        control.push(value(metric, &r.control[i..=i]));
                        control_pre.extend(x);
                    }
                    Some(_) => {
                        treatment.push(value(metric, &r.treatment[i..=i]));
                        treatment_pre.extend(x);
                    }
                    None => {}
                }
            }
            let x = paired.then_some(Units::Means {
                control: control_pre,
                treatment: treatment_pre,
                scale: 1.0,
            });
            Ok((
                Units::Means {
                    control,
                    treatment,
                    scale: 1.0,
                },
                x,
            ))
        }
    }
}

/// The pre-period day (from 1) paired with switchback experiment day `day` (from 1) as its CUPED
/// covariate: the experiment's `days` days are paired in order with the pre-period's last `days`
/// days, so day `pre_days + j` with day `pre_days − days + j`, a fixed `days` days earlier.
/// `None` when the pre-period is shorter than the experiment.
///
/// Why this covariate: control served every pre-period day, so its value cannot depend on any
/// day's arm, and days are assigned independently of it — CUPED stays unbiased and its interval
/// valid. What it captures is the market's drift (fatigue building, advertisers churning and
/// arriving, budgets growing): a day late in the experiment is paired with a day late in the
/// pre-period. Day-to-day noise (which users visit) is independent between days and is not
/// reduced. The alternatives are worse: the pre-period's mean is one number for every day
/// (it explains nothing), and the previous day's value depends on the previous day's arm, so
/// with carry-over (fatigue) it is an outcome of the treatment, and the adjusted days would be
/// correlated with each other, which Welch's variance on days ignores.
fn switchback_pre_day(s: Schedule, day: u32) -> Option<u32> {
    (s.pre_days >= s.days && day > s.pre_days && day <= s.pre_days + s.days).then(|| day - s.days)
}

fn pre_days_or_one(s: Schedule) -> f64 {
    f64::from(s.pre_days.max(1))
}

/// The CUPED section: `y` the experiment units, `x` the pre-period units.
fn cuped_json(y: &Units, x: Option<&Units>, design: Assignment) -> Value {
    let Some(x) = x else {
        return null_because(match design {
            Assignment::Switchback { .. } => {
                "days are the units of a switchback: each experiment day's covariate is the pre-period day as many days before the experiment's start as it is before its end, so CUPED needs pre_days ≥ days"
            }
            _ => "no pre-period",
        });
    };
    let (result, scale) = match (y, x) {
        (
            Units::Means {
                control: yc,
                treatment: yt,
                scale,
            },
            Units::Means {
                control: xc,
                treatment: xt,
                ..
            },
        ) => (stats::cuped(yc, xc, yt, xt), *scale),
        // Ratio metrics: each unit's delta-method linearised values, experiment on pre-period.
        (
            Units::Ratios {
                control: yc,
                treatment: yt,
            },
            Units::Ratios {
                control: xc,
                treatment: xt,
            },
        ) => (stats::cuped_ratio(yc, xc, yt, xt), 1.0),
        _ => return null_because("the pre-period's units are not the experiment's"),
    };
    match result {
        Ok(c) => json!({
            "relative": c.adjusted.relative,
            "relative_ci": c.adjusted.relative_ci,
            "control": c.adjusted.control * scale,
            "treatment": c.adjusted.treatment * scale,
            "variance_reduction": c.variance_reduction,
            "theta": c.theta,
        }),
        Err(e) => null_because(e.to_string()),
    }
}

/// The post-period section. `truth` is the control one-arm run's days (the switchback's
/// baseline).
fn post_json(metric: Metric, r: &ArmsResult, truth: &[DayMetrics], s: Schedule) -> Value {
    if s.post_days == 0 {
        return null_because("no post-period");
    }
    let post_days = f64::from(s.post_days);
    match r.assignment {
        Assignment::User { .. } | Assignment::BudgetSplit { .. } => {
            let Some(m) = user_measure(metric.key()) else {
                return null_because("not recorded per user");
            };
            let units = user_units(m, &r.post.users, &r.post.fatigue, &r.user_arm, post_days);
            let arm_value = |a: &ArmDay| match m {
                UserMeasure::Total(f) => f(&a.totals) / a.users.max(1) as f64,
                UserMeasure::Fatigue => a.fatigue / a.users.max(1) as f64,
                UserMeasure::Ratio(num, den) => ratio_or_nan(num(&a.totals), den(&a.totals)),
            };
            let daily = r
                .post_daily
                .iter()
                .map(|[c, t]| relative(arm_value(c), arm_value(t)).filter(|v| v.is_finite()))
                .collect();
            arms_post_json(units.compare(), daily)
        }
        Assignment::Advertiser { .. } => {
            let Some(m) = advertiser_measure(metric.key()) else {
                return null_because(
                    "the post-period compares advertisers by their experiment arm (spend, value, surplus, clicks, CPC, ROI); this metric is of users' sessions, which every arm shares",
                );
            };
            let arm = &r.advertiser_arm;
            let units = advertiser_units(m, &r.advertisers_post[..arm.len()], arm, post_days);
            let arm_value = |a: &ArmAdvertiserDay| match m {
                AdvertiserMeasure::Total(f) => f(&a.totals) / a.advertisers.max(1) as f64,
                AdvertiserMeasure::Ratio(num, den) => ratio_or_nan(num(&a.totals), den(&a.totals)),
            };
            let daily = r
                .advertisers_post_daily
                .iter()
                .map(|[c, t]| relative(arm_value(c), arm_value(t)).filter(|v| v.is_finite()))
                .collect();
            arms_post_json(units.compare(), daily)
        }
        Assignment::Switchback { .. } => {
            // No arms after the test: every day is control's. The experiment's carry-over is
            // the post-period against the control one-arm run on the same days and seed.
            let from = (s.pre_days + s.days) as usize;
            let to = from + s.post_days as usize;
            let daily: Vec<Option<f64>> = (from..to)
                .map(|i| {
                    relative(
                        value(metric, &truth[i..=i]),
                        value(metric, &r.control[i..=i]),
                    )
                    .filter(|v| v.is_finite())
                })
                .collect();
            let mut out = json!({
                "relative": relative(value(metric, &truth[from..to]), value(metric, &r.control[from..to])),
                "relative_ci": null,
                "baseline": "control_run",
                "reason": "a switchback has no arms after the test (control serves every day): the post-period is compared with the control one-arm run on the same days and seed, which is the experiment's carry-over in this world; one world against its own counterfactual has no sampling interval",
            });
            decay_json(&mut out, &daily);
            out
        }
    }
}

fn ratio_or_nan(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        f64::NAN
    }
}

/// A post-period comparing the units' experiment arms: the comparison of the period's totals
/// and each day's relative difference with its fitted decay.
fn arms_post_json(comparison: Result<Comparison, String>, daily: Vec<Option<f64>>) -> Value {
    let mut out = match comparison {
        Ok(c) => json!({"relative": c.relative, "relative_ci": c.relative_ci}),
        Err(e) => json!({"relative": null, "relative_ci": null, "reason": e}),
    };
    decay_json(&mut out, &daily);
    out
}

/// Adds `daily_relative` and the half-life of an exponential decay to 0 fitted to it.
fn decay_json(out: &mut Value, daily: &[Option<f64>]) {
    let (times, values): (Vec<f64>, Vec<f64>) = daily
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| ((i + 1) as f64, v)))
        .unzip();
    let (half_life, reason) = match stats::fit_decay(&times, &values, Asymptote::Zero) {
        Ok(fit) if !fit.identified => (
            None,
            Some(
                "not identified: the best half-life is at an end of the searched range".to_string(),
            ),
        ),
        Ok(fit) if fit.half_life.is_finite() && fit.half_life > 0.0 => (Some(fit), None),
        Ok(_) => (None, Some("the fit found no decay".to_string())),
        Err(e) => (None, Some(e.to_string())),
    };
    out["daily_relative"] = json!(daily);
    out["half_life_days"] = json!(half_life.as_ref().map(|f| f.half_life));
    if let Some(fit) = &half_life {
        out["half_life_ci"] = json!(fit.half_life_ci);
        out["decay_amplitude"] = json!(fit.amplitude);
        out["decay_t0"] = json!(fit.t0);
    }
    if let Some(reason) = reason {
        out["half_life_reason"] = json!(reason);
    }
}

/// The daily section: each day's relative lift with its interval, computed at the
/// randomisation unit by the estimator of `estimate` on that day's units (user designs: the test
/// days, then the post days; advertiser design: the test days).
fn daily_json(metric: Metric, r: &ArmsResult, s: Schedule) -> Value {
    let days: Vec<Result<Comparison, String>> = match r.assignment {
        Assignment::Switchback { .. } => {
            return null_because(
                "days are the units of a switchback: each day is one unit of one arm, so a day has no comparison of its own",
            )
        }
        Assignment::User { .. } | Assignment::BudgetSplit { .. } => {
            let Some(m) = user_measure(metric.key()) else {
                return null_because("not recorded per user");
            };
            if r.daily_users.is_empty() {
                return null_because(format!(
                    "more than {} user-days (users × test and post days): the per-user days are not kept",
                    crate::core::model::experiment::MAX_DAILY_USER_RECORDS
                ));
            }
            r.daily_users
                .iter()
                .map(|d| user_units(m, &d.users, &d.fatigue, &r.user_arm, 1.0).compare())
                .collect()
        }
        Assignment::Advertiser { .. } => {
            let Some(m) = advertiser_measure(metric.key()) else {
                return null_because(
                    "an advertiser design measures advertisers' spend, value, surplus, clicks, CPC and ROI; this metric is of users' sessions, which every arm shares",
                );
            };
            let arm = &r.advertiser_arm;
            r.daily_advertisers
                .iter()
                .map(|d| {
                    let totals: Vec<AdvertiserTotals> = arm
                        .iter()
                        .enumerate()
                        .map(|(i, &k)| d.get(i).map(|a| a[k as usize]).unwrap_or_default())
                        .collect();
                    advertiser_units(m, &totals, arm, 1.0).compare()
                })
                .collect()
        }
    };
    let n = days.len();
    let ok = |f: fn(&Comparison) -> Value| -> Vec<Value> {
        days.iter()
            .map(|c| c.as_ref().map_or(Value::Null, f))
            .collect()
    };
    json!({
        "day": (1..=n).collect::<Vec<_>>(),
        "period": (0..n)
            .map(|i| if i < s.days as usize { "test" } else { "post" })
            .collect::<Vec<_>>(),
        "control": ok(|c| json!(c.control)),
        "treatment": ok(|c| json!(c.treatment)),
        "relative": ok(|c| json!(c.relative)),
        "relative_ci": ok(|c| json!(c.relative_ci)),
    })
}

/// Each arm's share of the spend and of the sessions over the test days (user designs; else
/// `None`).
fn arm_shares(r: &ArmsResult, s: Schedule) -> Option<ArmShares> {
    if r.user_arm.is_empty() {
        return None;
    }
    let (from, to) = (s.pre_days as usize, (s.pre_days + s.days) as usize);
    let sum = |days: &[DayMetrics], f: fn(&DayMetrics) -> f64| -> f64 {
        days[from..to].iter().map(f).sum()
    };
    let share = |f: fn(&DayMetrics) -> f64| {
        let (c, t) = (sum(&r.control, f), sum(&r.treatment, f));
        let total = c + t;
        [Exact(c / total), Exact(t / total)]
    };
    let treated = r.user_arm.iter().filter(|&&k| k == 1).count() as f64;
    let n = r.user_arm.len() as f64;
    Some(ArmShares {
        spend: share(|d| d.revenue),
        sessions: share(|d| d.sessions as f64),
        users: [Exact((n - treated) / n), Exact(treated / n)],
    })
}

fn arm_shares_json(shares: Option<&ArmShares>) -> Value {
    let pair = |p: &[Exact; 2]| json!([p[0].0, p[1].0]);
    match shares {
        Some(a) => json!({
            "spend": pair(&a.spend),
            "sessions": pair(&a.sessions),
            "users": pair(&a.users),
        }),
        None => null_because(
            "the arms share out users' sessions in user designs only (switchback: whole days; advertiser: one auction for both arms)",
        ),
    }
}

/// Runs replication `k`.
fn replicate(spec: &ExperimentSpec, k: u32) -> Result<Replication, SpecError> {
    let s = spec.schedule;
    let seed = replication_seed(spec.base.sim.seed, k);
    let world = scenario(&spec.base, seed, s.total())?;
    let treatment = scenario(&spec.treatment, seed, s.total())?;
    let err = |e: crate::core::model::ExperimentError| invalid(e.to_string());
    let arms = run_arms(&world, &world, &treatment, spec.assignment, s).map_err(err)?;
    let [tc, tt] = truth(&world, &world, &treatment, s).map_err(err)?;
    let (from, to) = (s.pre_days as usize, (s.pre_days + s.days) as usize);
    let share = spec.assignment.treatment_share();
    let arm_of_unit: Vec<u8> = match spec.assignment {
        Assignment::User { .. } | Assignment::BudgetSplit { .. } => arms.user_arm.clone(),
        Assignment::Advertiser { .. } => arms.advertiser_arm.clone(),
        Assignment::Switchback { .. } => arms.day_arm[from..to]
            .iter()
            .map(|k| k.unwrap_or(0))
            .collect(),
    };
    let treated = arm_of_unit.iter().filter(|&&k| k == 1).count() as u64;
    let units = [arm_of_unit.len() as u64 - treated, treated];
    let srm_p_value = stats::srm(&units, &[1.0 - share, share])
        .ok()
        .map(|r| r.p_value);
    let metrics = spec
        .metrics
        .iter()
        .map(|&metric| {
            let (c, t) = (
                value(metric, &tc.days[from..to]),
                value(metric, &tt.days[from..to]),
            );
            let mut report = Map::new();
            report.insert("truth".into(), truth_json(c, t));
            let mut estimate = None;
            let mut cuped = None;
            match experiment_units(metric, &arms, s) {
                Ok((y, x)) => {
                    let e = match y.compare() {
                        Ok(cmp) => {
                            if let (Some(r), Some(ci)) = (cmp.relative, cmp.relative_ci) {
                                estimate = Some((r, ci));
                            }
                            json!({
                                "control": cmp.control,
                                "treatment": cmp.treatment,
                                "relative": cmp.relative,
                                "relative_ci": cmp.relative_ci,
                            })
                        }
                        Err(e) => null_because(e),
                    };
                    report.insert("estimate".into(), e);
                    if s.pre_days > 0 {
                        let c = cuped_json(&y, x.as_ref(), spec.assignment);
                        if let (Some(r), Some([lo, hi])) =
                            (c["relative"].as_f64(), pair(&c["relative_ci"]))
                        {
                            cuped = Some((Exact(r), [Exact(lo), Exact(hi)]));
                        }
                        report.insert("cuped".into(), c);
                    }
                }
                Err(reason) => {
                    report.insert("estimate".into(), null_because(reason));
                }
            }
            if s.post_days > 0 {
                report.insert("post_period".into(), post_json(metric, &arms, &tc.days, s));
            }
            report.insert("daily".into(), daily_json(metric, &arms, s));
            MetricOutcome {
                report,
                truth_relative: relative(c, t).map(Exact),
                estimate: estimate.map(|(r, ci): (f64, [f64; 2])| (Exact(r), ci.map(Exact))),
                cuped,
            }
        })
        .collect();
    Ok(Replication {
        seed,
        units,
        srm_p_value: srm_p_value.map(Exact),
        metrics,
        arm_shares: arm_shares(&arms, s),
    })
}

/// Maps `f` over `0..n` on up to `threads` threads; the results come back in index order and
/// do not depend on the number of threads.
fn par_map<R: Send>(n: usize, threads: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let threads = threads.clamp(1, n.max(1));
    if threads == 1 {
        return (0..n).map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= n {
            break;
        }
        let r = f(i);
        if let Ok(mut slot) = slots[i].lock() {
            *slot = Some(r);
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(work);
        }
    });
    slots
        .into_iter()
        .map(|s| s.into_inner().ok().flatten().expect("every index ran"))
        .collect()
}

/// How many jobs a run of `spec` is: its replications, the long-term truth, then one per
/// side-by-side design. Each job depends on the spec and its index only.
pub fn job_count(spec: &ExperimentSpec) -> usize {
    spec.replications as usize + 1 + spec.designs.len()
}

/// Runs job `i` (below [`job_count`]) of `spec`: job `k` < `replications` is replication `k`,
/// the next is the long-term truth (the two designs over the horizon), the ones after it the
/// side-by-side designs.
pub fn run_job(spec: &ExperimentSpec, i: usize) -> Result<ExperimentJob, SpecError> {
    let reps = spec.replications as usize;
    if i >= job_count(spec) {
        return Err(invalid(format!(
            "job {i}: the spec has {} jobs",
            job_count(spec)
        )));
    }
    if i < reps {
        let outcome = Box::new(replicate(spec, i as u32)?);
        return Ok(ExperimentJob(JobOutput::Replication {
            k: i as u32,
            outcome,
        }));
    }
    if i > reps {
        let d = i - reps - 1;
        let mut other = spec.clone();
        other.assignment = spec.designs[d];
        let outcome = Box::new(replicate(&other, 0)?);
        return Ok(ExperimentJob(JobOutput::Design { d, outcome }));
    }
    let seed = spec.base.sim.seed;
    let world = scenario(&spec.base, seed, spec.horizon_days)?;
    let treatment = scenario(&spec.treatment, seed, spec.horizon_days)?;
    let horizon = Schedule {
        pre_days: 0,
        days: spec.horizon_days,
        post_days: 0,
    };
    let [c, t] = truth(&world, &world, &treatment, horizon).map_err(|e| invalid(e.to_string()))?;
    let (hc, ht) = (c.days, t.days);
    let last = hc.len();
    let week = last.saturating_sub(7)..last;
    let last_week = spec
        .metrics
        .iter()
        .map(|&metric| {
            [
                Exact(value(metric, &hc[week.clone()])),
                Exact(value(metric, &ht[week.clone()])),
            ]
        })
        .collect();
    Ok(ExperimentJob(JobOutput::Horizon { last_week }))
}

/// Runs the spec on up to `threads` threads and builds the report: [`run_job`] for every job,
/// then [`assemble`].
pub fn run(spec: &ExperimentSpec, threads: usize) -> Result<Value, SpecError> {
    let jobs = par_map(job_count(spec), threads, |i| run_job(spec, i));
    assemble(spec, jobs.into_iter().collect::<Result<Vec<_>, _>>()?)
}

/// Builds the report of `spec` from its jobs (every job of [`job_count`] once, in any order):
/// the same report [`run`] gives.
pub fn assemble(spec: &ExperimentSpec, jobs: Vec<ExperimentJob>) -> Result<Value, SpecError> {
    let reps = spec.replications as usize;
    let wrong = |what: String| invalid(format!("the jobs do not belong to this spec: {what}"));
    if jobs.len() != job_count(spec) {
        return Err(wrong(format!(
            "{} jobs, expected {}",
            jobs.len(),
            job_count(spec)
        )));
    }
    let mut replications: Vec<Option<Replication>> = (0..reps).map(|_| None).collect();
    let mut horizon = None;
    let mut designs: Vec<Option<Replication>> = spec.designs.iter().map(|_| None).collect();
    let n_metrics = spec.metrics.len();
    for ExperimentJob(job) in jobs {
        let (slot, outcome) = match job {
            JobOutput::Replication { k, outcome } => (replications.get_mut(k as usize), outcome),
            JobOutput::Design { d, outcome } => (designs.get_mut(d), outcome),
            JobOutput::Horizon { last_week } => {
                if last_week.len() != n_metrics || horizon.is_some() {
                    return Err(wrong("the long-term truth".into()));
                }
                horizon = Some(last_week);
                continue;
            }
        };
        match slot {
            Some(slot @ None) if outcome.metrics.len() == n_metrics => *slot = Some(*outcome),
            _ => {
                return Err(wrong(
                    "a replication or design twice, or out of range".into(),
                ))
            }
        }
    }
    let replications: Vec<Replication> = replications.into_iter().flatten().collect();
    let designs: Vec<Replication> = designs.into_iter().flatten().collect();
    let Some(horizon) = horizon else {
        return Err(wrong("no long-term truth".into()));
    };
    if replications.len() != reps || designs.len() != spec.designs.len() {
        return Err(wrong("a job is missing".into()));
    }
    let first = &replications[0];
    let mut metrics = Map::new();
    for (i, &metric) in spec.metrics.iter().enumerate() {
        let mut report = first.metrics[i].report.clone();
        let [c, t] = horizon[i];
        report.insert("long_term_truth".into(), truth_json(c.0, t.0));
        if reps >= 2 {
            let mut summary = replication_json(&replications, i, |m| m.estimate);
            if spec.schedule.pre_days > 0 {
                summary["cuped"] = replication_json(&replications, i, |m| m.cuped);
            }
            report.insert("replications".into(), summary);
        }
        metrics.insert(metric.key().into(), Value::Object(report));
    }
    let mut side_by_side = Map::new();
    for (d, r) in spec.designs.iter().zip(&designs) {
        let mut metrics = Map::new();
        for (m, outcome) in spec.metrics.iter().zip(&r.metrics) {
            let mut e = outcome
                .report
                .get("estimate")
                .cloned()
                .unwrap_or(Value::Null);
            e["truth_relative"] = json!(outcome.truth_relative.map(|x| x.0));
            metrics.insert(m.key().into(), e);
        }
        side_by_side.insert(
            d.name().into(),
            json!({"srm_p_value": r.srm_p_value.map(|x| x.0), "metrics": metrics}),
        );
    }
    let mut out = json!({
        "design": spec.assignment.name(),
        "treatment_share": spec.assignment.treatment_share(),
        "schedule": spec.schedule,
        "horizon_days": spec.horizon_days,
        "replications": spec.replications,
        "seeds": replications.iter().map(|r| r.seed).collect::<Vec<_>>(),
        "units": {"control": first.units[0], "treatment": first.units[1]},
        "srm_p_value": first.srm_p_value.map(|x| x.0),
        "arm_shares": arm_shares_json(first.arm_shares.as_ref()),
        "metric_keys": spec.metrics.iter().map(|m| m.key()).collect::<Vec<_>>(),
        "metrics": metrics,
    });
    if !spec.designs.is_empty() {
        out["designs"] = Value::Object(side_by_side);
    }
    if !spec.switchback_schedule.is_independent() {
        out["switchback_schedule"] = json!(spec.switchback_schedule.name());
    }
    out["readout"] = json!(readout(&out));
    Ok(out)
}

/// How far (in relative-lift points: 0.02 = 2 points) the long-term truth must be from the
/// test window's truth, when both have the same sign, for the readout to call the long run
/// different from the test.
pub const LEARNING_GAP: f64 = 0.02;

/// The p-value below which the readout warns of a sample ratio mismatch.
pub const SRM_ALARM: f64 = 0.001;

/// A relative lift as a signed percentage with one decimal (`+4.1%`, `−0.8%`, `0.0%`).
fn pct(x: f64) -> String {
    let v = (x * 1000.0).round() / 10.0;
    if v == 0.0 {
        "0.0%".into()
    } else if v > 0.0 {
        format!("+{v:.1}%")
    } else {
        format!("\u{2212}{:.1}%", -v)
    }
}

/// A share as a plain percentage with one decimal.
fn share_pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A metric's name for a sentence: its label with "/ day" read "per day", lower case unless it
/// is an acronym (`CTR`, `ROI`).
fn metric_phrase(key: &str) -> String {
    let label = Metric::from_key(key).map_or(key, |m| m.row().label);
    let label = label.replace(" / ", " per ");
    let acronym = label
        .split_whitespace()
        .next()
        .is_some_and(|w| w.len() > 1 && w.chars().all(|c| !c.is_lowercase()));
    if acronym {
        label
    } else {
        let mut c = label.chars();
        c.next()
            .map(|f| f.to_lowercase().chain(c).collect())
            .unwrap_or_default()
    }
}

fn design_phrase(design: &str) -> &'static str {
    match design {
        "user" => "user-split",
        "budget_split" => "user-split (budgets split)",
        "advertiser" => "advertiser-split",
        "switchback" => "switchback",
        _ => "two-arm",
    }
}

fn pair(v: &Value) -> Option<[f64; 2]> {
    Some([v.get(0)?.as_f64()?, v.get(1)?.as_f64()?])
}

/// The report in plain sentences. Every explanation is derived from the report's numbers:
/// - a sample-ratio-mismatch warning first when `srm_p_value` < [`SRM_ALARM`];
/// - per metric (in `metric_keys` order): the estimate with its 95% interval (or why there is
///   none); the truth over the test days, with "the estimate's CI covers the truth" when it does,
///   and, when it does not in a `user` design, that the treatment arm took budget from control if
///   its spend share exceeds its traffic (sessions) share (control took it from treatment in the
///   opposite case); CUPED's variance reduction and adjusted estimate when present; the
///   long-term truth, said to differ from the test window when its sign differs or it is more
///   than [`LEARNING_GAP`] away — "as users learn to ignore ads" only for a metric clicks drive
///   (revenue, clicks, CTR, eCPM, advertiser value and surplus) whose long run is below the test
///   window, when the report's CTR also falls further in the long run than over the test; the post-period half-life when
///   fitted; the replications' coverage and bias when present.
pub fn readout(report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let design = report["design"].as_str().unwrap_or_default();
    let days = report["schedule"]["days"].as_u64().unwrap_or(0);
    let pre_days = report["schedule"]["pre_days"].as_u64().unwrap_or(0);
    let horizon = report["horizon_days"].as_u64().unwrap_or(0);
    if let Some(p) = report["srm_p_value"].as_f64().filter(|&p| p < SRM_ALARM) {
        let share = report["treatment_share"].as_f64().unwrap_or(f64::NAN);
        out.push(format!(
            "Sample ratio mismatch: {} control and {} treatment units are unlikely under the intended {} treatment share (p = {p:.1e}); check the assignment before trusting the estimates.",
            report["units"]["control"],
            report["units"]["treatment"],
            share_pct(share),
        ));
    }
    let spend = pair(&report["arm_shares"]["spend"]);
    let traffic = pair(&report["arm_shares"]["sessions"]);
    let keys: Vec<String> = match report["metric_keys"].as_array() {
        Some(list) => list
            .iter()
            .filter_map(|k| k.as_str().map(String::from))
            .collect(),
        None => report["metrics"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
    };
    // The learning clause's evidence: CTR falling further in the long run than over the test.
    let ctr_learning = {
        let ctr = &report["metrics"]["ctr"];
        match (
            ctr["truth"]["relative"].as_f64(),
            ctr["long_term_truth"]["relative"].as_f64(),
        ) {
            (Some(test), Some(long)) => long < test - LEARNING_GAP,
            _ => false,
        }
    };
    for (i, key) in keys.iter().enumerate() {
        let m = &report["metrics"][key.as_str()];
        if !m.is_object() {
            continue;
        }
        let name = metric_phrase(key);
        let lead = if i == 0 {
            format!("A {days}-day {} test", design_phrase(design))
        } else {
            "The test".to_string()
        };
        let estimate = m["estimate"]["relative"].as_f64();
        let ci = pair(&m["estimate"]["relative_ci"]);
        match (estimate, ci) {
            (Some(e), Some([lo, hi])) => out.push(format!(
                "{lead} estimates {} {name} (95% CI {} to {}).",
                pct(e),
                pct(lo),
                pct(hi)
            )),
            (Some(e), None) => {
                out.push(format!("{lead} estimates {} {name} (no interval).", pct(e)))
            }
            _ => {
                let reason = m["estimate"]["reason"].as_str().unwrap_or("no estimate");
                out.push(format!("{lead} cannot estimate {name}: {reason}."));
            }
        }
        let truth = m["truth"]["relative"].as_f64();
        if let Some(t) = truth {
            let clause = match (estimate, ci) {
                (Some(_), Some([lo, hi])) if lo <= t && t <= hi => {
                    ": the estimate's CI covers the truth".to_string()
                }
                (Some(_), Some(_)) => match (design, spend, traffic) {
                    ("user", Some([_, s]), Some([_, q])) if s > q => format!(
                        ": the treatment arm took budget from control (its spend share {} against its traffic share {})",
                        share_pct(s),
                        share_pct(q)
                    ),
                    ("user", Some([s, _]), Some([q, _])) if s > q => format!(
                        ": the control arm took budget from treatment (its spend share {} against its traffic share {})",
                        share_pct(s),
                        share_pct(q)
                    ),
                    _ => ": the estimate's CI misses it".to_string(),
                },
                _ => String::new(),
            };
            out.push(format!(
                "The true effect over those days is {}{clause}.",
                pct(t)
            ));
        }
        if let (Some(v), Some(r), Some([lo, hi])) = (
            m["cuped"]["variance_reduction"].as_f64(),
            m["cuped"]["relative"].as_f64(),
            pair(&m["cuped"]["relative_ci"]),
        ) {
            out.push(format!(
                "With the {pre_days}-day pre-period as covariate (CUPED) the variance falls by {}: {} (95% CI {} to {}).",
                share_pct(v),
                pct(r),
                pct(lo),
                pct(hi)
            ));
        }
        if let Some(long) = m["long_term_truth"]["relative"].as_f64() {
            let head = format!(
                "Long-term (last week of day {horizon}) the effect is {}",
                pct(long)
            );
            let differs = truth.is_some_and(|t| {
                (long * t < 0.0 && long.abs().max(t.abs()) >= 0.0005)
                    || (long - t).abs() > LEARNING_GAP
            });
            // Blindness lowers clicks, so it explains a long run below the test window in the
            // metrics clicks drive.
            let click_driven = matches!(
                key.as_str(),
                "revenue_per_day"
                    | "clicks_per_day"
                    | "ctr"
                    | "ecpm"
                    | "advertiser_value_per_day"
                    | "advertiser_surplus_per_day"
            );
            let tail = match truth {
                Some(t) if differs && ctr_learning && click_driven && long < t => {
                    format!(
                        ", against {} over the test, as users learn to ignore ads",
                        pct(t)
                    )
                }
                Some(t) if differs => format!(
                    ", against {} over the test: the test window does not show the long run",
                    pct(t)
                ),
                Some(_) => ", close to the test window's".to_string(),
                None => String::new(),
            };
            out.push(format!("{head}{tail}."));
        }
        if let Some(h) = m["post_period"]["half_life_days"].as_f64() {
            out.push(format!(
                "After the test the former arms' {name} gap decays with a half-life of {h:.1} days."
            ));
        }
        let reps = &m["replications"];
        if let (Some(n), Some(c), Some(b)) = (
            reps["count"].as_u64(),
            reps["coverage"].as_f64(),
            reps["bias"].as_f64(),
        ) {
            let points = |b: f64| pct(b).trim_end_matches('%').to_string();
            out.push(format!(
                "Over {n} replications the 95% CI covered the truth {} of the time; the estimate's bias is {} points.",
                share_pct(c),
                points(b)
            ));
        }
    }
    out
}

/// The replications summary of metric `i`: each replication's relative estimate (`estimate`
/// picks it: the unadjusted one, or CUPED's) against its own truth.
fn replication_json(
    replications: &[Replication],
    i: usize,
    estimate: fn(&MetricOutcome) -> Option<Estimate>,
) -> Value {
    let mut errors = Vec::new();
    let mut estimates = Vec::new();
    for r in replications {
        let m = &r.metrics[i];
        if let (Some(Exact(truth)), Some((Exact(e), ci))) = (m.truth_relative, estimate(m)) {
            let ci = ci.map(|x| x.0);
            estimates.push(e);
            errors.push(stats::Replicate {
                estimate: e - truth,
                ci: [ci[0] - truth, ci[1] - truth],
            });
        }
    }
    match stats::summarize(&errors, 0.0) {
        Ok(s) => json!({
            "count": s.replications,
            "mean_relative": estimates.iter().sum::<f64>() / estimates.len() as f64,
            "bias": s.bias,
            "bias_se": s.mean_se,
            "rmse": s.rmse,
            "coverage": s.coverage,
        }),
        Err(_) => null_because("no replication has an estimate with an interval and a truth"),
    }
}

/// Parses, runs on up to `threads` threads and writes the report as pretty JSON; warnings go
/// to the caller.
pub fn run_json(input: &str, threads: usize) -> Result<(String, Vec<String>), SpecError> {
    let spec = parse(input)?;
    let report = run(&spec, threads)?;
    let text =
        serde_json::to_string_pretty(&report).map_err(|e| SpecError::Report(e.to_string()))?;
    Ok((text, spec.warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_numbers_keep_their_bits_through_json_nan_and_infinities_included() {
        let xs = [
            0.1 + 0.2,
            -0.0,
            f64::MIN_POSITIVE,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let exact: Vec<Exact> = xs.iter().map(|&x| Exact(x)).collect();
        let text = serde_json::to_string(&exact).expect("to JSON");
        let back: Vec<Exact> = serde_json::from_str(&text).expect("from JSON");
        assert_eq!(back, exact, "{text}");
        assert!(serde_json::from_str::<Exact>("\"nan\"").is_err());
    }
}
