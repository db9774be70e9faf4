//! Ad-load policies compared at equal engagement: for one market, the best whole-run revenue per
//! day each policy reaches while keeping the last week's engagement per day at least the
//! configuration's own.
//!
//! Each policy has one ad-load knob that sets how many ads it shows: the fixed policy's spacing
//! `ad_load.every` (1 to the feed length), the threshold policy's θ and the exact policy's λ
//! (each 0–1). For each policy the [optimizer](mod@super::optimize) moves that knob alone, every other
//! knob as configured, maximising `whole_run.revenue_per_day` subject to
//! `last_week.engagement_per_day ≥ floor`, where the floor is the configuration's own last-week
//! engagement. Comparing policies at one engagement level separates a policy's skill at choosing
//! *which* ads to show from the mere number it shows.

use serde::Serialize;

use super::frontier::Goal;
use super::optimize::{
    optimize, Constraint, KnobRange, Objective, OptimizeError, Options, Problem,
};
use crate::core::model::knobs::Knob;
use crate::core::model::{AdLoadPolicy, Metric, Params, Summaries, Window, WindowedMetric};

/// The objective: whole-run revenue per day.
pub fn objective_metric() -> WindowedMetric {
    WindowedMetric::new(Window::WholeRun, Metric::RevenuePerDay).expect("a summary metric")
}

/// The constrained metric: last-week engagement per day.
pub fn floor_metric() -> WindowedMetric {
    WindowedMetric::new(Window::LastWeek, Metric::EngagementPerDay).expect("a summary metric")
}

/// The knob that sets a policy's ad load, and the range searched under `params`.
pub fn policy_knob(policy: AdLoadPolicy, params: &Params) -> KnobRange {
    match policy {
        AdLoadPolicy::Fixed => KnobRange {
            spec: Knob::Every.spec(),
            min: 1.0,
            max: params.ad_load.feed_length.max(2) as f64,
        },
        AdLoadPolicy::Threshold => KnobRange {
            spec: Knob::Theta.spec(),
            min: 0.0,
            max: 1.0,
        },
        AdLoadPolicy::Exact => KnobRange {
            spec: Knob::Lambda.spec(),
            min: 0.0,
            max: 1.0,
        },
    }
}

/// One policy's best design at the engagement floor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyRow {
    /// The policy (`fixed`, `threshold`, `exact`).
    pub policy: &'static str,
    /// The knob optimised (its configuration key).
    pub knob: &'static str,
    /// Its best value.
    pub value: f64,
    /// Whole-run revenue per day at that value.
    pub revenue_per_day: f64,
    /// Last-week engagement per day at that value.
    pub engagement_per_day: f64,
    /// Whether the floor is met (when no value meets it: the value closest to it).
    pub feasible: bool,
    /// Whether the floor binds: engagement within 1% of it.
    pub floor_binds: bool,
    /// Simulations the search ran.
    pub evaluations: usize,
}

/// The configuration's own outcome, which sets the floor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnDesign {
    /// Its policy.
    pub policy: &'static str,
    /// Its ad-load knob's configuration key.
    pub knob: &'static str,
    /// Its value of that knob.
    pub value: f64,
    /// Whole-run revenue per day.
    pub revenue_per_day: f64,
    /// Last-week engagement per day: the floor.
    pub engagement_per_day: f64,
}

/// Every policy at the configuration's engagement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyComparison {
    /// What is maximised (`whole_run.revenue_per_day`).
    pub objective: String,
    /// What is held (`last_week.engagement_per_day`).
    pub floor_metric: String,
    /// The floor: the configuration's own last-week engagement per day.
    pub floor: f64,
    /// The configuration as given.
    pub own: OwnDesign,
    /// Fixed, threshold and exact, in that order.
    pub policies: Vec<PolicyRow>,
}

/// A relative tolerance below which the floor counts as binding.
const BINDS_WITHIN: f64 = 0.01;

/// Compares the three policies on `base`'s market at `base`'s own last-week engagement.
/// `evaluate` runs a batch of configurations (as for [`optimize()`]).
pub fn compare_policies<E: FnMut(&[Params]) -> Vec<Summaries>>(
    base: &Params,
    options: &Options,
    mut evaluate: E,
) -> Result<PolicyComparison, OptimizeError> {
    let own_summaries = evaluate(std::slice::from_ref(base))
        .into_iter()
        .next()
        .ok_or(OptimizeError::Evaluator { asked: 1, got: 0 })?;
    let objective = objective_metric();
    let held = floor_metric();
    let floor = held.value(&own_summaries);
    let own_knob = policy_knob(base.ad_load.policy, base);
    let own_value = match (own_knob.spec.get)(base) {
        crate::core::model::knobs::Value::Number(x) => x,
        _ => f64::NAN,
    };
    let own = OwnDesign {
        policy: base.ad_load.policy.as_str(),
        knob: own_knob.spec.key,
        value: own_value,
        revenue_per_day: objective.value(&own_summaries),
        engagement_per_day: floor,
    };
    // Shadow prices would rerun each search; the comparison needs the optima only.
    let options = Options {
        binding_tolerance: 0.0,
        ..*options
    };
    let mut policies = Vec::new();
    for policy in AdLoadPolicy::ALL {
        let mut params = base.clone();
        params.ad_load.policy = policy;
        let knob = policy_knob(policy, &params);
        let problem = Problem {
            base: params,
            knobs: vec![knob],
            objective: Objective {
                metric: objective,
                goal: Goal::Max,
            },
            constraints: vec![Constraint {
                metric: held,
                min: Some(floor),
                max: None,
            }],
        };
        let out = optimize(&problem, &options, &mut evaluate)?;
        let engagement = held.value(&out.summaries);
        policies.push(PolicyRow {
            policy: policy.as_str(),
            knob: knob.spec.key,
            value: out.best[0],
            revenue_per_day: out.objective,
            engagement_per_day: engagement,
            feasible: out.feasible,
            floor_binds: (engagement - floor).abs() <= BINDS_WITHIN * floor.abs(),
            evaluations: out.evaluations,
        });
    }
    Ok(PolicyComparison {
        objective: objective.to_string(),
        floor_metric: held.to_string(),
        floor,
        own,
        policies,
    })
}

/// The comparison as a small text table.
pub fn table(c: &PolicyComparison) -> String {
    let mut out = format!(
        "Best {} per policy at {} ≥ {:.1} (the configuration's own: {} policy, {} = {}, revenue/day {:.2})\n\n",
        c.objective, c.floor_metric, c.floor, c.own.policy, c.own.knob, c.own.value, c.own.revenue_per_day
    );
    out.push_str(&format!(
        "{:<10} {:<16} {:>8} {:>12} {:>15} {:>9}\n",
        "policy", "knob", "value", "revenue/day", "engagement/day", "feasible"
    ));
    for r in &c.policies {
        out.push_str(&format!(
            "{:<10} {:<16} {:>8} {:>12.2} {:>15.1} {:>9}\n",
            r.policy,
            r.knob,
            format!("{:.4}", r.value)
                .trim_end_matches('0')
                .trim_end_matches('.'),
            r.revenue_per_day,
            r.engagement_per_day,
            if r.feasible { "yes" } else { "no" }
        ));
    }
    out
}
