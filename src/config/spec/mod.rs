//! JSON specifications of the CLI's one-shot subcommands (`sandbox auction`, `sandbox feed`,
//! `sandbox sweep`, `sandbox optimize`, `sandbox stats`, `sandbox experiment`,
//! `sandbox pacing`): raw serde structs, validated into core types, run, and reported as JSON.

pub mod auction;
pub mod experiment;
pub mod feed;
pub mod optimize;
pub mod pacing;
pub mod stats;
pub mod sweep;

use std::fmt;

use serde_json::Value;

use crate::core::feed::FeedError;
use crate::core::lab::LabError;
use crate::core::model::{Params, Scenario};

/// Why a spec was rejected or could not be run. Displays as the message the CLI prints after
/// `sandbox: `.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecError {
    /// The input is not a valid spec: JSON syntax, a duplicate or unknown key, a value of the
    /// wrong type, a missing key, or keys that do not apply together. The message names the key.
    Invalid(String),
    /// The mechanism lab rejected the configuration (the field and its allowed range).
    Lab(LabError),
    /// The feed request was rejected (the field and its allowed range, or an unreachable
    /// engagement floor).
    Feed(FeedError),
    /// The report could not be written as JSON (serde's message).
    Report(String),
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Invalid(message) => f.write_str(message),
            SpecError::Lab(e) => e.fmt(f),
            SpecError::Feed(e) => e.fmt(f),
            SpecError::Report(message) => write!(f, "cannot write the report: {message}"),
        }
    }
}

impl std::error::Error for SpecError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SpecError::Lab(e) => Some(e),
            SpecError::Feed(e) => Some(e),
            SpecError::Invalid(_) | SpecError::Report(_) => None,
        }
    }
}

impl From<LabError> for SpecError {
    fn from(e: LabError) -> Self {
        SpecError::Lab(e)
    }
}

impl From<FeedError> for SpecError {
    fn from(e: FeedError) -> Self {
        SpecError::Feed(e)
    }
}

/// Checks that `value` has the type `T`, naming `key` in the error.
pub(crate) fn as_type<T: serde::de::DeserializeOwned>(
    key: &str,
    value: &Value,
) -> Result<(), String> {
    T::deserialize(value)
        .map(|_| ())
        .map_err(|e| format!("`{key}`: {e}"))
}

/// The error for a key that is not in `keys`.
pub(crate) fn unknown_key(key: &str, keys: &[&str]) -> String {
    let expected: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    format!(
        "unknown key `{key}`; expected one of {}",
        expected.join(", ")
    )
}

/// Parses `input` as a JSON object and checks each key with `check`, so that errors name the
/// offending key (serde's own messages often do not). `what` names the spec in messages.
pub(crate) fn parse_object(
    input: &str,
    what: &str,
    check: fn(&str, &Value) -> Result<(), String>,
) -> Result<Value, SpecError> {
    let invalid = |message: String| SpecError::Invalid(message);
    let value: Value =
        serde_json::from_str(input).map_err(|e| invalid(format!("invalid {what} JSON: {e}")))?;
    crate::config::export::check_unique_keys(input)
        .map_err(|e| invalid(format!("invalid {what}: {e}")))?;
    let Value::Object(map) = &value else {
        return Err(invalid(format!("the {what} must be a JSON object")));
    };
    for (key, v) in map {
        check(key, v).map_err(|e| invalid(format!("invalid {what}: {e}")))?;
    }
    Ok(value)
}

/// Reads a spec's `base` configuration: a configuration object as `sandbox simulate` takes it (a
/// bare configuration or an export document), a string holding a share link (a full URL or its
/// query), or nothing for the defaults. Returns the validated parameters and warnings (an export
/// document's notes; a link's problems, replaced as the app replaces them, like
/// `sandbox simulate --link`). Errors name `base`.
pub(crate) fn parse_base(value: Option<&Value>) -> Result<(Params, Vec<String>), String> {
    parse_config_value(value, "base")
}

/// Reads the configuration under the spec key `key` as [`parse_base`] reads `base`; errors and
/// warnings name `key`.
pub(crate) fn parse_config_value(
    value: Option<&Value>,
    key: &str,
) -> Result<(Params, Vec<String>), String> {
    let (params, warnings) = match value {
        None | Some(Value::Null) => (Params::default(), Vec::new()),
        Some(Value::String(link)) => {
            let query = link.split_once('?').map_or(link.as_str(), |(_, q)| q);
            let query = query.split('#').next().unwrap_or("");
            let decoded = crate::config::url::decode(query);
            let warnings = decoded
                .problems
                .iter()
                .map(|p| format!("`{key}` link: {p}"))
                .collect();
            (decoded.params, warnings)
        }
        Some(object @ Value::Object(_)) => {
            // serde_json is built with `float_roundtrip`: writing the object back out and reading
            // it with the configuration reader keeps every number's bits.
            let text = serde_json::to_string(object).map_err(|e| format!("`{key}`: {e}"))?;
            let (params, warnings) = crate::config::export::parse_config_json(&text)
                .map_err(|e| format!("`{key}`: {e}"))?;
            let warnings = warnings
                .into_iter()
                .map(|w| format!("`{key}`: {w}"))
                .collect();
            (params, warnings)
        }
        Some(other) => {
            return Err(format!(
                "`{key}`: expected a configuration object or a share link string, got {other}"
            ))
        }
    };
    let scenario = Scenario::new(params).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        format!("`{key}`: invalid configuration:\n{}", lines.join("\n"))
    })?;
    Ok((scenario.params().clone(), warnings))
}

/// The error for a key that must be given.
pub(crate) fn missing(key: &str, what: &str) -> SpecError {
    SpecError::Invalid(format!("invalid {what}: `{key}` is missing"))
}
