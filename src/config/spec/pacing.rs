//! `sandbox pacing SPEC`: the pacing equilibrium of an explicit market, by
//! [`crate::core::lab::pacing`].
//!
//! ```json
//! {"values": [[3, 1], [1, 2]], "budgets": [1, 1], "format": "first_price"}
//! ```
//!
//! Keys: `values` (a list per bidder of its value per good, all of one length, each ≥ 0),
//! `budgets` (one per bidder, ≥ 0), optional `format` (`"first_price"`, the default, or
//! `"second_price"`), optional `max_sweeps` (second price only: the cap on best-response sweeps
//! over all starts, 1 to [`SPPE_SWEEPS_LIMIT`], default [`SPPE_MAX_SWEEPS`]). At most
//! [`MAX_PACING_BIDDERS`](crate::core::lab::pacing::MAX_PACING_BIDDERS) bidders and
//! [`MAX_PACING_GOODS`](crate::core::lab::pacing::MAX_PACING_GOODS) goods.
//! Unknown keys are errors.
//!
//! The report has `format`, `multipliers` (one per bidder), `prices` (one per good),
//! `allocation` (a list per bidder of its share of each good; the shares of a good with a
//! positive price sum to 1), `spend` (one per bidder), `revenue`, `conditions` (each condition
//! checked: `multipliers`, `prices`, `allocation`, `spend`, `budgets`, `slackness`), `verified`
//! (all of them hold to a relative 1e-9), `worst_violation` (the broken condition missed by the
//! most, or `null`), and `conditions_hold`: `true` when verified, else the list of broken
//! conditions.
//!
//! - **First price**: the unique first-price pacing equilibrium by
//!   [`first_price_pacing`], checked by [`check_fppe`].
//! - **Second price**: one second-price pacing equilibrium sought by best-response dynamics
//!   from several starts (`α = 1`, the first-price multipliers, seeded random points), each
//!   finished by exact solves of its active set ([`second_price_pacing`]; an SPPE exists but
//!   need not be unique, and finding one is PPAD-hard in general), checked by [`check_sppe`]
//!   (prices = second-highest paced bid). The report adds `method` (`name`, `converged`,
//!   `sweeps`, `rebalances`, `max_sweeps`, `starts`, `start`, `exact`). When the search finds
//!   no equilibrium, the point closest to one is reported with `"verified": false` and its
//!   worst violation; the exit status is still 0. The random starts are seeded by a hash of the
//!   market: the same spec prints the same bytes.
//!
//! A spec with the key `config` instead (a configuration or a share link) compares the
//! configuration's `max_clicks` controllers with the first-price pacing equilibrium of its
//! market: see [`compare`].

pub mod compare;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{as_type, missing, parse_object, unknown_key, SpecError};

use crate::core::lab::pacing::{
    check_fppe, check_sppe, first_price_pacing, second_price_pacing, worst_violation,
    ConditionsChecked, Market, PacingOutcome, SppeStart, Violation, SPPE_MAX_SWEEPS,
    SPPE_SWEEPS_LIMIT,
};

/// Relative tolerance of the conditions reported in `conditions_hold`.
pub const CONDITIONS_TOLERANCE: f64 = 1e-9;

const KEYS: [&str; 4] = ["values", "budgets", "format", "max_sweeps"];

/// Which auction sells each good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PacingFormat {
    /// First price: the first-price pacing equilibrium (unique).
    #[default]
    FirstPrice,
    /// Second price: a second-price pacing equilibrium (one of possibly several).
    SecondPrice,
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
    /// Second price: the cap on best-response sweeps (default [`SPPE_MAX_SWEEPS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_sweeps: Option<usize>,
}

/// How a second-price equilibrium was sought.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PacingMethod {
    /// `"best_response"`: budget-feasible best-response dynamics from several starts, each
    /// finished by an exact solve of its active set.
    pub name: &'static str,
    /// Whether the search reached a point meeting every condition.
    pub converged: bool,
    /// Sweeps run over all starts (an exact solve counts as one).
    pub sweeps: usize,
    /// Tie groups rescaled.
    pub rebalances: usize,
    /// The cap on sweeps (over all starts).
    pub max_sweeps: usize,
    /// Starts tried (1: the dynamics from `α = 1` sufficed).
    pub starts: usize,
    /// The start of the reported point: `ones` (`α = 1`), `first_price` (the first-price
    /// equilibrium's multipliers) or `random` (seeded by the market).
    pub start: SppeStart,
    /// Whether the reported point came from the exact solve of an active set.
    pub exact: bool,
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
    /// Each condition, checked to [`CONDITIONS_TOLERANCE`].
    pub conditions: ConditionsChecked,
    /// Whether every condition holds.
    pub verified: bool,
    /// The condition missed by the most (`None` when verified).
    pub worst_violation: Option<Violation>,
    /// Second price: how the point was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<PacingMethod>,
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
            Value::String(s) if s == "first_price" || s == "second_price" => Ok(()),
            other => Err(format!(
                "`format`: expected \"first_price\" or \"second_price\", got {other}"
            )),
        },
        "max_sweeps" => match value.as_u64() {
            Some(k) if (1..=SPPE_SWEEPS_LIMIT as u64).contains(&k) => Ok(()),
            _ => Err(format!(
                "`max_sweeps`: expected a whole number from 1 to {SPPE_SWEEPS_LIMIT}, got {value}"
            )),
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
    let spec = PacingSpec::deserialize(&value)
        .map_err(|e| SpecError::Invalid(format!("invalid pacing spec: {e}")))?;
    if spec.max_sweeps.is_some() && spec.format == PacingFormat::FirstPrice {
        return Err(SpecError::Invalid(
            "`max_sweeps`: only for \"format\": \"second_price\" (the first-price equilibrium \
             is computed exactly)"
                .into(),
        ));
    }
    Ok(spec)
}

/// Validates a parsed spec into a market (errors name the field, e.g. `values[1]`).
pub fn validate(spec: &PacingSpec) -> Result<Market, SpecError> {
    Ok(Market::new(spec.values.clone(), spec.budgets.clone())?)
}

/// Solves a validated market in `format` and checks the result (`max_sweeps`: second price
/// only, default [`SPPE_MAX_SWEEPS`]).
pub fn solve(
    market: &Market,
    format: PacingFormat,
    max_sweeps: Option<usize>,
) -> Result<PacingReport, SpecError> {
    let (outcome, broken, method) = match format {
        PacingFormat::FirstPrice => {
            let outcome = first_price_pacing(market)?;
            let broken = check_fppe(market, &outcome, CONDITIONS_TOLERANCE);
            (outcome, broken, None)
        }
        PacingFormat::SecondPrice => {
            let cap = max_sweeps.unwrap_or(SPPE_MAX_SWEEPS);
            let run = second_price_pacing(market, cap);
            let broken = check_sppe(market, &run.outcome, CONDITIONS_TOLERANCE);
            let method = PacingMethod {
                name: "best_response",
                converged: run.converged && broken.is_empty(),
                sweeps: run.sweeps,
                rebalances: run.rebalances,
                max_sweeps: cap,
                starts: run.starts,
                start: run.start,
                exact: run.exact,
            };
            (run.outcome, broken, Some(method))
        }
    };
    let conditions = ConditionsChecked::from_violations(&broken);
    Ok(PacingReport {
        format,
        outcome,
        conditions,
        verified: broken.is_empty(),
        worst_violation: worst_violation(&broken).cloned(),
        method,
        conditions_hold: if broken.is_empty() {
            Conditions::Hold(true)
        } else {
            Conditions::Broken(broken)
        },
    })
}

/// Parses, validates and solves a spec; returns the report as pretty JSON or a readable error.
/// Deterministic (same input, same output) and never panics.
pub fn run_json(input: &str) -> Result<String, SpecError> {
    let spec = parse(input)?;
    let market = validate(&spec)?;
    let report = solve(&market, spec.format, spec.max_sweeps)?;
    serde_json::to_string_pretty(&report).map_err(|e| SpecError::Report(e.to_string()))
}
