//! `sandbox feed SPEC`: one request's organic and ad lists blended by [`crate::core::feed`].
//!
//! ```json
//! {
//!   "organic": [0.9, 0.8, 0.5, 0.4, 0.2],
//!   "ads": [{"revenue": 0.6, "engagement": 0.1}, {"revenue": 0.4, "engagement": 0.2}],
//!   "length": 5,
//!   "top_slot": 2, "min_gap": 2, "max_ads": 2,
//!   "method": "exact", "lambda": 0.5
//! }
//! ```
//!
//! Keys: `organic` (ranked utilities), `ads` (ranked `{revenue, engagement}`), `length` (L,
//! 1..=[`MAX_LENGTH`]), optional `position_weights` (at least L entries; default `1/log2(p + 1)`),
//! `top_slot` (1-based, default 1), `min_gap` (default 1), `max_ads` (default: number of ads),
//! `method` (`"exact"`, `"threshold"` or `"fixed"`), and the method's parameters: `lambda`
//! (maximise `R + λ·E`; exact and threshold) or `engagement_floor` (maximise `R` subject to
//! `E ≥ floor · E_no_ads`; exact only), `first` and `every` (fixed only). Unknown keys are errors.
//!
//! The report has `method`, `ad_positions` (1-based), `revenue`, `engagement`,
//! `engagement_no_ads`, and `objective` (`R + λ·E`) when `lambda` is given.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{as_type, parse_object, unknown_key, SpecError};

use crate::core::feed::{self, AdItem, BlendRequest, Guardrails, Method};

/// Largest feed length the CLI accepts (the exact solvers need `O(L²)` memory at worst).
pub const MAX_LENGTH: usize = 1000;

/// Largest feed length accepted with `engagement_floor` (the Pareto frontiers grow with L and the
/// number of ads; at 100 positions and 100 ads a solve takes up to a few tenths of a second).
pub const MAX_LENGTH_FLOOR: usize = 100;

/// Which blending policy to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MethodName {
    /// Exact optimum (Lagrangian with `lambda`, or constrained with `engagement_floor`).
    Exact,
    /// LinkedIn's greedy slot-by-slot rule with `lambda`.
    Threshold,
    /// Fixed slots `first`, `first + every`, ….
    Fixed,
}

impl MethodName {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MethodName::Exact => "exact",
            MethodName::Threshold => "threshold",
            MethodName::Fixed => "fixed",
        }
    }
}

/// One ranked ad.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdSpec {
    /// Expected revenue.
    pub revenue: f64,
    /// Engagement utility of the ad.
    pub engagement: f64,
}

/// The raw `sandbox feed` specification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedSpec {
    /// Ranked organic utilities.
    pub organic: Vec<f64>,
    /// Ranked ads.
    pub ads: Vec<AdSpec>,
    /// Feed length L.
    pub length: usize,
    /// Position weights (default `1/log2(p + 1)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_weights: Option<Vec<f64>>,
    /// First 1-based position an ad may take (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_slot: Option<usize>,
    /// Minimum distance between consecutive ads (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gap: Option<usize>,
    /// Most ads shown (default: all given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ads: Option<usize>,
    /// The policy.
    pub method: MethodName,
    /// Engagement shadow price λ (exact, threshold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
    /// Engagement floor as a fraction of the no-ads engagement (exact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement_floor: Option<f64>,
    /// First fixed slot (fixed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<usize>,
    /// Distance between fixed slots (fixed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<usize>,
}

/// The `sandbox feed` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedReport {
    /// The method run.
    pub method: String,
    /// 1-based ad positions.
    pub ad_positions: Vec<usize>,
    /// R: position-weighted ad revenue.
    pub revenue: f64,
    /// E: position-weighted engagement.
    pub engagement: f64,
    /// E of the all-organic feed.
    pub engagement_no_ads: f64,
    /// `R + λ·E`, when `lambda` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<f64>,
}

const KEYS: [&str; 12] = [
    "organic",
    "ads",
    "length",
    "position_weights",
    "top_slot",
    "min_gap",
    "max_ads",
    "method",
    "lambda",
    "engagement_floor",
    "first",
    "every",
];

/// Checks that `value` decodes as the type of `key`, naming the key if it does not.
fn check_key(key: &str, value: &Value) -> Result<(), String> {
    match key {
        "organic" => as_type::<Vec<f64>>(key, value),
        "ads" => as_type::<Vec<AdSpec>>(key, value),
        "length" | "top_slot" | "min_gap" | "max_ads" | "first" | "every" => {
            as_type::<usize>(key, value)
        }
        "position_weights" => as_type::<Option<Vec<f64>>>(key, value),
        "method" => as_type::<MethodName>(key, value),
        "lambda" | "engagement_floor" => as_type::<Option<f64>>(key, value),
        _ => Err(unknown_key(key, &KEYS)),
    }
}

/// Parses a spec, with errors naming the offending key.
pub fn parse(input: &str) -> Result<FeedSpec, SpecError> {
    let value = parse_object(input, "feed spec", check_key)?;
    FeedSpec::deserialize(&value).map_err(|e| SpecError::Invalid(format!("invalid feed spec: {e}")))
}

fn forbid(present: bool, key: &str, method: MethodName, why: &str) -> Result<(), SpecError> {
    if present {
        Err(SpecError::Invalid(format!(
            "`{key}` does not apply to method {}: {why}",
            method.as_str()
        )))
    } else {
        Ok(())
    }
}

fn only_fixed(spec: &FeedSpec) -> Result<(), SpecError> {
    let key = if spec.first.is_some() {
        "first"
    } else {
        "every"
    };
    forbid(
        spec.first.is_some() || spec.every.is_some(),
        key,
        spec.method,
        "first and every only apply to method fixed",
    )
}

/// Validates and runs a spec.
pub fn run(spec: &FeedSpec) -> Result<FeedReport, SpecError> {
    if spec.length == 0 {
        return Err(SpecError::Feed(feed::FeedError::EmptyFeed));
    }
    let max_length = if spec.engagement_floor.is_some() {
        MAX_LENGTH_FLOOR
    } else {
        MAX_LENGTH
    };
    if spec.length > max_length {
        let with = if spec.engagement_floor.is_some() {
            " with engagement_floor"
        } else {
            ""
        };
        return Err(SpecError::Invalid(format!(
            "length must be between 1 and {max_length}{with} (got {})",
            spec.length
        )));
    }
    let method = match spec.method {
        MethodName::Exact => {
            only_fixed(spec)?;
            match (spec.lambda, spec.engagement_floor) {
                (Some(_), Some(_)) => {
                    return Err(SpecError::Invalid(
                        "lambda and engagement_floor are mutually exclusive: give \
                                `lambda` to maximise R + λ·E or `engagement_floor` to maximise R \
                                subject to E ≥ floor · E_no_ads"
                            .to_string(),
                    ))
                }
                (Some(lambda), None) => Method::Exact { lambda },
                (None, Some(floor)) => Method::ExactFloor { floor },
                (None, None) => {
                    return Err(SpecError::Invalid(
                        "method exact needs `lambda` (maximise R + λ·E) or \
                                `engagement_floor` (maximise R subject to E ≥ floor · E_no_ads)"
                            .to_string(),
                    ))
                }
            }
        }
        MethodName::Threshold => {
            if spec.engagement_floor.is_some() {
                return Err(SpecError::Invalid(
                    "engagement_floor needs method exact (threshold and fixed do not \
                            solve the constrained problem)"
                        .to_string(),
                ));
            }
            only_fixed(spec)?;
            let Some(lambda) = spec.lambda else {
                return Err(SpecError::Invalid(
                    "method threshold needs `lambda` (a number in 0–1e12: the engagement \
                     shadow price)"
                        .to_string(),
                ));
            };
            Method::Threshold { lambda }
        }
        MethodName::Fixed => {
            if spec.engagement_floor.is_some() {
                return Err(SpecError::Invalid(
                    "engagement_floor needs method exact (threshold and fixed do not \
                            solve the constrained problem)"
                        .to_string(),
                ));
            }
            forbid(
                spec.lambda.is_some(),
                "lambda",
                spec.method,
                "fixed slots do not depend on a shadow price",
            )?;
            let (Some(first), Some(every)) = (spec.first, spec.every) else {
                return Err(SpecError::Invalid(format!(
                    "method fixed needs `first` and `every` (integers >= 1; missing: {})",
                    match (spec.first, spec.every) {
                        (None, None) => "first, every",
                        (None, _) => "first",
                        _ => "every",
                    }
                )));
            };
            Method::Fixed { first, every }
        }
    };
    let weights = match &spec.position_weights {
        Some(w) => w.clone(),
        None => feed::default_position_weights(spec.length),
    };
    let guard = Guardrails {
        top_slot: spec.top_slot.unwrap_or(1),
        min_gap: spec.min_gap.unwrap_or(1),
        max_ads: spec.max_ads.unwrap_or(spec.ads.len()),
    };
    let ads: Vec<AdItem> = spec
        .ads
        .iter()
        .map(|a| AdItem {
            revenue: a.revenue,
            engagement: a.engagement,
        })
        .collect();
    let layout = feed::blend(&BlendRequest {
        organic: &spec.organic,
        ads: &ads,
        length: spec.length,
        position_weights: &weights,
        guardrails: guard,
        method,
    })?;
    let (_, engagement_no_ads) = feed::evaluate(&spec.organic, &ads, spec.length, &weights, &[]);
    Ok(FeedReport {
        method: spec.method.as_str().to_string(),
        objective: spec
            .lambda
            .map(|lambda| layout.revenue + lambda * layout.engagement),
        ad_positions: layout.ad_positions,
        revenue: layout.revenue,
        engagement: layout.engagement,
        engagement_no_ads,
    })
}

/// Parses, validates and runs a spec; returns the report as pretty JSON or a readable error.
/// Never panics.
pub fn run_json(input: &str) -> Result<String, SpecError> {
    let spec = parse(input)?;
    let report = run(&spec)?;
    serde_json::to_string_pretty(&report).map_err(|e| SpecError::Report(e.to_string()))
}
