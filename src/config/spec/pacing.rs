//! `sandbox pacing SPEC`: the pacing equilibrium of an explicit market, by
//! [`crate::core::lab::pacing`].
//!
//! ```json
//! {"values": [[3, 1], [1, 2]], "budgets": [1, 1], "format": "first_price"}
//! ```
//!
//! Keys: `values` (a list per bidder of its value per good, all of one length, each ≥ 0),
//! `budgets` (one per bidder, ≥ 0), optional `format` (`"first_price"`, the default; the only
//! format computed). At most
//! [`MAX_PACING_BIDDERS`](crate::core::lab::pacing::MAX_PACING_BIDDERS) bidders and
//! [`MAX_PACING_GOODS`](crate::core::lab::pacing::MAX_PACING_GOODS) goods.
//! Unknown keys are errors.
//!
//! The report has `format`, `multipliers` (one per bidder), `prices` (one per good),
//! `allocation` (a list per bidder of its share of each good; the shares of a good with a
//! positive price sum to 1), `spend` (one per bidder), `revenue`, and `conditions_hold`: `true`
//! when [`check_fppe`] finds the equilibrium conditions met to a relative 1e-9, else the list of
//! broken conditions.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{as_type, missing, parse_object, unknown_key, SpecError};

use crate::core::lab::pacing::{check_fppe, first_price_pacing, Market, PacingOutcome, Violation};

/// Relative tolerance of the conditions reported in `conditions_hold`.
pub const CONDITIONS_TOLERANCE: f64 = 1e-9;

const KEYS: [&str; 3] = ["values", "budgets", "format"];

/// Which auction sells each good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PacingFormat {
    /// First price: the first-price pacing equilibrium (unique).
    #[default]
    FirstPrice,
}

/// The raw `sandbox pacing` specification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacingSpec {
    /// `values[i][j]`: bidder `i`'s value for good `j`.
    pub values: Vec<Vec<f64>>,
    /// `budgets[i]`: bidder `i`'s budget.
    pub budgets: Vec<f64>,
    /// The auction format (default first price).
    #[serde(default)]
    pub format: PacingFormat,
}

/// Whether the reported equilibrium meets its conditions: `true`, or what is broken.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Conditions {
    /// Every condition holds (serialised as `true`).
    Hold(bool),
    /// The broken conditions.
    Broken(Vec<Violation>),
}

/// The `sandbox pacing` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PacingReport {
    /// The format computed.
    pub format: PacingFormat,
    /// The equilibrium.
    #[serde(flatten)]
    pub outcome: PacingOutcome,
    /// `true` when the conditions hold to [`CONDITIONS_TOLERANCE`], else the broken ones.
    pub conditions_hold: Conditions,
}

fn check_key(key: &str, value: &Value) -> Result<(), String> {
    match key {
        "values" => as_type::<Vec<Vec<f64>>>(key, value).map_err(|e| {
            format!("{e} (expected a list per bidder of its value per good, e.g. [[3, 1], [1, 2]])")
        }),
        "budgets" => as_type::<Vec<f64>>(key, value)
            .map_err(|e| format!("{e} (expected one budget per bidder, e.g. [1, 1])")),
        "format" => match value {
            Value::String(s) if s == "first_price" => Ok(()),
            Value::String(s) if s == "second_price" => Err(
                "`format`: \"second_price\" is not computed; the lab computes the first-price \
                 pacing equilibrium (\"first_price\")"
                    .to_string(),
            ),
            other => Err(format!("`format`: expected \"first_price\", got {other}")),
        },
        _ => Err(unknown_key(key, &KEYS)),
    }
}

/// Parses a spec, with errors naming the offending key.
pub fn parse(input: &str) -> Result<PacingSpec, SpecError> {
    let value = parse_object(input, "pacing spec", check_key)?;
    for key in ["values", "budgets"] {
        if value.get(key).is_none() {
            return Err(missing(key, "pacing spec"));
        }
    }
    PacingSpec::deserialize(&value)
        .map_err(|e| SpecError::Invalid(format!("invalid pacing spec: {e}")))
}

/// Validates a parsed spec into a market (errors name the field, e.g. `values[1]`).
pub fn validate(spec: &PacingSpec) -> Result<Market, SpecError> {
    Ok(Market::new(spec.values.clone(), spec.budgets.clone())?)
}

/// Parses, validates and solves a spec; returns the report as pretty JSON or a readable error.
/// Deterministic (same input, same output) and never panics.
pub fn run_json(input: &str) -> Result<String, SpecError> {
    let spec = parse(input)?;
    let market = validate(&spec)?;
    let outcome = first_price_pacing(&market)?;
    let broken = check_fppe(&market, &outcome, CONDITIONS_TOLERANCE);
    let report = PacingReport {
        format: spec.format,
        outcome,
        conditions_hold: if broken.is_empty() {
            Conditions::Hold(true)
        } else {
            Conditions::Broken(broken)
        },
    };
    serde_json::to_string_pretty(&report).map_err(|e| SpecError::Report(e.to_string()))
}
