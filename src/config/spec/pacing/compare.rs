//! `sandbox pacing SPEC` with a `config`: the day-by-day `max_clicks` controllers of a
//! configuration against the first-price pacing equilibrium of the same market, by
//! [`compare_with_fppe`].
//!
//! ```json
//! {"config": {"auction": {"format": "first_price", "reserve": 0, "bid_shading": 0}, "...": "..."}}
//! ```
//!
//! The one key `config` is a configuration object as `sandbox simulate` reads it (a bare
//! configuration or an export document) or a share link string (a full URL or its query; its
//! problems are warnings and replaced as the app replaces them). It replaces `values` and
//! `budgets`, which it cannot be given with. The configuration must map onto an FPPE (see
//! [`crate::core::model::fppe_compare`]); each condition that does not hold is an error naming
//! the field and the value it needs.
//!
//! The report has `advertisers` (per advertiser `fppe_multiplier`, `controller_multiplier` — the
//! mean end-of-day `1/(1 + μ)` over the last 7 days, or all days when fewer — `budget` and
//! `fppe_spend`), `correlation`, `mean_abs_difference` and `mean_difference` (controller − FPPE)
//! over the advertisers not stuck (`null` when undefined), `stuck` (advertisers whose
//! controller is at 1 while their FPPE multiplier is below 1) and `fppe_conditions_hold`
//! (`true`, or the FPPE's broken conditions).

use serde::Serialize;
use serde_json::Value;

use super::Conditions;
use crate::config::spec::SpecError;
use crate::core::model::{compare_with_fppe, FppeComparison, Scenario};

/// The key of the comparison form.
pub const CONFIG_KEY: &str = "config";

/// One advertiser of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdvertiserRow {
    /// Its FPPE multiplier.
    pub fppe_multiplier: f64,
    /// Its controller's mean end-of-day multiplier over the last week.
    pub controller_multiplier: f64,
    /// Its daily budget.
    pub budget: f64,
    /// Its FPPE spend.
    pub fppe_spend: f64,
}

/// The report of the comparison form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareReport {
    /// Each advertiser, in index order.
    pub advertisers: Vec<AdvertiserRow>,
    /// Correlation of the multipliers over the advertisers not stuck.
    pub correlation: Option<f64>,
    /// Mean `|controller − FPPE|` over the advertisers not stuck.
    pub mean_abs_difference: Option<f64>,
    /// Mean `controller − FPPE` over the advertisers not stuck.
    pub mean_difference: Option<f64>,
    /// Advertisers stuck at 1 while their FPPE multiplier is below 1.
    pub stuck: usize,
    /// `true` when the FPPE meets its conditions, else the broken ones.
    pub fppe_conditions_hold: Conditions,
}

impl From<FppeComparison> for CompareReport {
    fn from(c: FppeComparison) -> Self {
        CompareReport {
            advertisers: c
                .advertisers
                .iter()
                .map(|a| AdvertiserRow {
                    fppe_multiplier: a.fppe_multiplier,
                    controller_multiplier: a.controller_multiplier,
                    budget: a.budget,
                    fppe_spend: a.fppe_spend,
                })
                .collect(),
            correlation: c.correlation,
            mean_abs_difference: c.mean_abs_difference,
            mean_difference: c.mean_difference,
            stuck: c.stuck,
            fppe_conditions_hold: if c.fppe_check.is_empty() {
                Conditions::Hold(true)
            } else {
                Conditions::Broken(c.fppe_check)
            },
        }
    }
}

/// Whether `input` is a spec of the comparison form: a JSON object with the key `config`.
pub fn is_compare_spec(input: &str) -> bool {
    matches!(serde_json::from_str::<Value>(input), Ok(Value::Object(map)) if map.contains_key(CONFIG_KEY))
}

/// Reads the `config` value: a configuration object or a share link string. Returns the
/// validated scenario and the warnings.
fn read_config(value: &Value) -> Result<(Scenario, Vec<String>), SpecError> {
    let invalid = |m: String| SpecError::Invalid(format!("invalid pacing spec: {m}"));
    // `null` is not a configuration here (it would read as the defaults).
    if value.is_null() {
        return Err(invalid(
            "`config`: expected a configuration object or a share link string, got null".into(),
        ));
    }
    let (params, warnings) =
        super::super::parse_config_value(Some(value), "config").map_err(invalid)?;
    let scenario = Scenario::new(params).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        invalid(format!(
            "`config`: invalid configuration:\n{}",
            lines.join("\n")
        ))
    })?;
    Ok((scenario, warnings))
}

/// Parses a comparison spec (the object with `config` and no other key) and runs it. Returns
/// the report and the warnings of the configuration reader.
pub fn run(input: &str) -> Result<(CompareReport, Vec<String>), SpecError> {
    let value: Value = serde_json::from_str(input)
        .map_err(|e| SpecError::Invalid(format!("invalid pacing spec JSON: {e}")))?;
    crate::config::export::check_unique_keys(input)
        .map_err(|e| SpecError::Invalid(format!("invalid pacing spec: {e}")))?;
    let Value::Object(map) = &value else {
        return Err(SpecError::Invalid(
            "the pacing spec must be a JSON object".into(),
        ));
    };
    for key in map.keys() {
        if key == CONFIG_KEY {
            continue;
        }
        let why = match key.as_str() {
            "values" | "budgets" => "give either `config` or `values` and `budgets`, not both",
            "format" | "max_sweeps" => {
                "the comparison with `config` is first price (set `auction.format` in the config)"
            }
            _ => "with `config`, no other key is allowed",
        };
        return Err(SpecError::Invalid(format!(
            "invalid pacing spec: `{key}`: {why}"
        )));
    }
    let (scenario, warnings) = read_config(&map[CONFIG_KEY])?;
    let comparison = compare_with_fppe(&scenario)
        .map_err(|e| SpecError::Invalid(format!("invalid pacing spec: `config`: {e}")))?;
    Ok((comparison.into(), warnings))
}

/// [`run`], with the report as pretty JSON.
pub fn run_json(input: &str) -> Result<(String, Vec<String>), SpecError> {
    let (report, warnings) = run(input)?;
    let json =
        serde_json::to_string_pretty(&report).map_err(|e| SpecError::Report(e.to_string()))?;
    Ok((json, warnings))
}
