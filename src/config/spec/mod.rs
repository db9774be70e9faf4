//! JSON specifications of the CLI's one-shot subcommands (`sandbox auction`, `sandbox feed`):
//! raw serde structs, validated into core types, run, and reported as JSON.

pub mod auction;
pub mod feed;

use serde_json::Value;

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
) -> Result<Value, String> {
    let value: Value =
        serde_json::from_str(input).map_err(|e| format!("invalid {what} JSON: {e}"))?;
    crate::config::export::check_unique_keys(input).map_err(|e| format!("invalid {what}: {e}"))?;
    let Value::Object(map) = &value else {
        return Err(format!("the {what} must be a JSON object"));
    };
    for (key, v) in map {
        check(key, v).map_err(|e| format!("invalid {what}: {e}"))?;
    }
    Ok(value)
}
