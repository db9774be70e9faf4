//! `sandbox stats SPEC`: the experiment statistics of [`crate::core::stats`] on numbers given
//! directly. A spec is a JSON object with exactly one of these keys:
//!
//! | key | value | prints |
//! |---|---|---|
//! | `proportions` | `{"control": [successes, n], "treatment": [successes, n]}` | `control`, `treatment` (rates), `difference`, `difference_se`, `difference_ci`, `relative`, `relative_se`, `relative_ci`, `p_value` |
//! | `means` | `{"control": [v, …], "treatment": [v, …]}` (one value per unit) | the same keys for the means |
//! | `ratio` | `{"control": {"numerator": [y, …], "denominator": [x, …]}, "treatment": …}` (per unit) | the same keys for `Σy/Σx` (delta method) |
//! | `cuped` | `{"control": {"values": [y, …], "pre": [x, …]}, "treatment": …}` | `theta`, `correlation`, `variance_reduction`, `raw` and `adjusted` comparisons |
//! | `srm` | `{"counts": [c, …], "shares": [w, …]}` (`shares` default equal) | `chi_square`, `degrees_of_freedom`, `p_value`, `expected` |
//! | `sample_size` | `{"baseline": p, "relative_lift": r, "alpha": a, "power": b}` or `{"sd": s, "mde": d, "alpha": a, "power": b}` | `n_per_arm` (rounded up), `n_per_arm_exact`, `sd`, `mde`, `alpha`, `power` |
//! | `mde` | `{"baseline": p, "n_per_arm": n, …}` or `{"sd": s, "n_per_arm": n, …}` | `mde` (absolute), `relative_mde` (for a proportion), `sd`, `n_per_arm`, `alpha`, `power` |
//! | `decay` | `{"times": [t, …], "values": [y, …], "asymptote": "zero" \| "free"}` | `half_life`, `half_life_se`, `half_life_ci`, `rate`, `amplitude`, `asymptote`, `identified`, … |
//!
//! `alpha` defaults to 0.05 and `power` to 0.8; intervals are 95%. Unknown keys, missing keys
//! and bad values are errors that name the key (`proportions.control[1]`); [`run_json`] never
//! panics.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{parse_object, unknown_key, SpecError};

use crate::core::stats::{self, Asymptote, Proportion, StatsError};

const MODES: [&str; 8] = [
    "proportions",
    "means",
    "ratio",
    "cuped",
    "srm",
    "sample_size",
    "mde",
    "decay",
];

/// Default two-sided significance level of `sample_size` and `mde`.
pub const DEFAULT_ALPHA: f64 = 0.05;
/// Default power of `sample_size` and `mde`.
pub const DEFAULT_POWER: f64 = 0.8;

fn check_key(key: &str, _: &Value) -> Result<(), String> {
    if MODES.contains(&key) {
        Ok(())
    } else {
        Err(unknown_key(key, &MODES))
    }
}

/// An error about the spec's key `path`.
fn bad(path: &str, message: impl std::fmt::Display) -> String {
    format!("`{path}`: {message}")
}

fn object<'a>(
    value: &'a Value,
    path: &str,
    keys: &[&str],
) -> Result<&'a Map<String, Value>, String> {
    let Value::Object(map) = value else {
        return Err(bad(path, format!("must be an object, got {value}")));
    };
    for key in map.keys() {
        if !keys.contains(&key.as_str()) {
            return Err(bad(path, unknown_key(key, keys)));
        }
    }
    Ok(map)
}

fn required<'a>(map: &'a Map<String, Value>, path: &str, key: &str) -> Result<&'a Value, String> {
    map.get(key)
        .ok_or_else(|| bad(&format!("{path}.{key}"), "is missing"))
}

fn number(value: &Value, path: &str) -> Result<f64, String> {
    value
        .as_f64()
        .filter(|v| v.is_finite())
        .ok_or_else(|| bad(path, format!("must be a number, got {value}")))
}

fn optional_number(
    map: &Map<String, Value>,
    path: &str,
    key: &str,
    default: f64,
) -> Result<f64, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => number(v, &format!("{path}.{key}")),
    }
}

fn whole(value: &Value, path: &str) -> Result<u64, String> {
    value
        .as_u64()
        .ok_or_else(|| bad(path, format!("must be a whole number ≥ 0, got {value}")))
}

fn list<'a>(value: &'a Value, path: &str) -> Result<&'a Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| bad(path, format!("must be a list, got {value}")))
}

fn numbers(value: &Value, path: &str) -> Result<Vec<f64>, String> {
    list(value, path)?
        .iter()
        .enumerate()
        .map(|(i, v)| number(v, &format!("{path}[{i}]")))
        .collect()
}

/// A core error, its field placed under the spec's key `path`.
fn core(path: &str, e: StatsError) -> String {
    let e = e.within(path);
    bad(&e.field, e.message)
}

/// The report as pretty JSON, keys in the struct's order.
fn pretty<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value).map_err(|e| format!("cannot write the report: {e}"))
}

/// What `sample_size` prints.
#[derive(Serialize)]
struct SampleSizeReport {
    n_per_arm: u64,
    n_per_arm_exact: f64,
    sd: f64,
    mde: f64,
    alpha: f64,
    power: f64,
}

/// What `mde` prints.
#[derive(Serialize)]
struct MdeReport {
    mde: f64,
    relative_mde: Option<f64>,
    sd: f64,
    n_per_arm: u64,
    alpha: f64,
    power: f64,
}

fn proportions(value: &Value) -> Result<String, String> {
    let map = object(value, "proportions", &["control", "treatment"])?;
    let arm = |key: &str| -> Result<Proportion, String> {
        let path = format!("proportions.{key}");
        let items = list(required(map, "proportions", key)?, &path)?;
        let [successes, n] = items.as_slice() else {
            return Err(bad(
                &path,
                format!("must be [successes, n], got {} entries", items.len()),
            ));
        };
        Ok(Proportion {
            successes: whole(successes, &format!("{path}[0]"))?,
            n: whole(n, &format!("{path}[1]"))?,
        })
    };
    let (control, treatment) = (arm("control")?, arm("treatment")?);
    pretty(&stats::proportions(control, treatment).map_err(|e| core("proportions", e))?)
}

fn means(value: &Value) -> Result<String, String> {
    let map = object(value, "means", &["control", "treatment"])?;
    let arm = |key: &str| numbers(required(map, "means", key)?, &format!("means.{key}"));
    let (control, treatment) = (arm("control")?, arm("treatment")?);
    pretty(&stats::means(&control, &treatment).map_err(|e| core("means", e))?)
}

/// Two equally long lists `first` and `second` of the arm `mode.key`.
fn paired(
    map: &Map<String, Value>,
    mode: &str,
    key: &str,
    [first, second]: [&str; 2],
) -> Result<(Vec<f64>, Vec<f64>), String> {
    let path = format!("{mode}.{key}");
    let arm = object(required(map, mode, key)?, &path, &[first, second])?;
    let a = numbers(required(arm, &path, first)?, &format!("{path}.{first}"))?;
    let b = numbers(required(arm, &path, second)?, &format!("{path}.{second}"))?;
    if a.len() != b.len() {
        return Err(bad(
            &format!("{path}.{second}"),
            format!(
                "needs one entry per unit: {} in `{first}` but {} in `{second}`",
                a.len(),
                b.len()
            ),
        ));
    }
    Ok((a, b))
}

fn ratio(value: &Value) -> Result<String, String> {
    let map = object(value, "ratio", &["control", "treatment"])?;
    let arm = |key: &str| -> Result<Vec<(f64, f64)>, String> {
        let (y, x) = paired(map, "ratio", key, ["numerator", "denominator"])?;
        Ok(y.into_iter().zip(x).collect())
    };
    let (control, treatment) = (arm("control")?, arm("treatment")?);
    pretty(&stats::ratio_metric(&control, &treatment).map_err(|e| core("ratio", e))?)
}

fn cuped(value: &Value) -> Result<String, String> {
    let map = object(value, "cuped", &["control", "treatment"])?;
    let (yc, xc) = paired(map, "cuped", "control", ["values", "pre"])?;
    let (yt, xt) = paired(map, "cuped", "treatment", ["values", "pre"])?;
    let result = stats::cuped(&yc, &xc, &yt, &xt).map_err(|mut e| {
        // The core names the pre-period values `control_pre`; here they are `control.pre`.
        e.field = e.field.replace("_pre", ".pre");
        core("cuped", e)
    })?;
    pretty(&result)
}

fn srm(value: &Value) -> Result<String, String> {
    let map = object(value, "srm", &["counts", "shares"])?;
    let counts = list(required(map, "srm", "counts")?, "srm.counts")?
        .iter()
        .enumerate()
        .map(|(i, v)| whole(v, &format!("srm.counts[{i}]")))
        .collect::<Result<Vec<u64>, String>>()?;
    let shares = match map.get("shares") {
        None | Some(Value::Null) => vec![1.0; counts.len()],
        Some(v) => numbers(v, "srm.shares")?,
    };
    pretty(&stats::srm(&counts, &shares).map_err(|e| core("srm", e))?)
}

/// The per-unit standard deviation and, for a proportion, its baseline, from either
/// `baseline` or `sd`.
fn sd_or_baseline(map: &Map<String, Value>, mode: &str) -> Result<(f64, Option<f64>), String> {
    match (map.get("baseline"), map.get("sd")) {
        (Some(_), Some(_)) => Err(bad(
            &format!("{mode}.sd"),
            "give either `baseline` (a proportion) or `sd`, not both",
        )),
        (Some(b), None) => {
            let path = format!("{mode}.baseline");
            let p = number(b, &path)?;
            if !(p > 0.0 && p < 1.0) {
                return Err(bad(
                    &path,
                    format!("must be a proportion strictly between 0 and 1, got {p}"),
                ));
            }
            Ok(((p * (1.0 - p)).sqrt(), Some(p)))
        }
        (None, Some(s)) => Ok((number(s, &format!("{mode}.sd"))?, None)),
        (None, None) => Err(bad(
            mode,
            "needs `baseline` (a proportion) or `sd` (the per-unit standard deviation)",
        )),
    }
}

fn sample_size(value: &Value) -> Result<String, String> {
    let mode = "sample_size";
    let map = object(
        value,
        mode,
        &["baseline", "relative_lift", "sd", "mde", "alpha", "power"],
    )?;
    let alpha = optional_number(map, mode, "alpha", DEFAULT_ALPHA)?;
    let power = optional_number(map, mode, "power", DEFAULT_POWER)?;
    let (sd, baseline) = sd_or_baseline(map, mode)?;
    let size = match baseline {
        Some(p) => {
            if map.contains_key("mde") {
                return Err(bad(
                    &format!("{mode}.mde"),
                    "with `baseline` give the effect as `relative_lift`",
                ));
            }
            let r = number(
                required(map, mode, "relative_lift")?,
                &format!("{mode}.relative_lift"),
            )?;
            stats::sample_size_proportion(p, r, alpha, power)
        }
        None => {
            if map.contains_key("relative_lift") {
                return Err(bad(
                    &format!("{mode}.relative_lift"),
                    "with `sd` give the absolute effect as `mde`",
                ));
            }
            let d = number(required(map, mode, "mde")?, &format!("{mode}.mde"))?;
            stats::sample_size(sd, d, alpha, power)
        }
    }
    .map_err(|e| core(mode, e))?;
    pretty(&SampleSizeReport {
        n_per_arm: size.n_per_arm,
        n_per_arm_exact: size.n_per_arm_exact,
        sd: size.sd,
        mde: size.mde,
        alpha,
        power,
    })
}

fn mde(value: &Value) -> Result<String, String> {
    let mode = "mde";
    let map = object(
        value,
        mode,
        &["baseline", "sd", "n_per_arm", "alpha", "power"],
    )?;
    let alpha = optional_number(map, mode, "alpha", DEFAULT_ALPHA)?;
    let power = optional_number(map, mode, "power", DEFAULT_POWER)?;
    let (sd, baseline) = sd_or_baseline(map, mode)?;
    let n = whole(required(map, mode, "n_per_arm")?, "mde.n_per_arm")?;
    let effect = stats::mde(sd, n, alpha, power).map_err(|e| core(mode, e))?;
    pretty(&MdeReport {
        mde: effect,
        relative_mde: baseline.map(|p| effect / p),
        sd,
        n_per_arm: n,
        alpha,
        power,
    })
}

fn decay(value: &Value) -> Result<String, String> {
    let map = object(value, "decay", &["times", "values", "asymptote"])?;
    let times = numbers(required(map, "decay", "times")?, "decay.times")?;
    let values = numbers(required(map, "decay", "values")?, "decay.values")?;
    let model = match map.get("asymptote") {
        None | Some(Value::Null) => Asymptote::Zero,
        Some(Value::String(s)) if s == "zero" => Asymptote::Zero,
        Some(Value::String(s)) if s == "free" => Asymptote::Free,
        Some(other) => {
            return Err(bad(
                "decay.asymptote",
                format!("must be \"zero\" or \"free\", got {other}"),
            ))
        }
    };
    pretty(&stats::fit_decay(&times, &values, model).map_err(|e| core("decay", e))?)
}

/// Parses and runs a spec; returns the report as pretty JSON or an error naming the key.
/// Deterministic (same input, same output) and never panics.
pub fn run_json(input: &str) -> Result<String, SpecError> {
    let spec = parse_object(input, "stats spec", check_key)?;
    let Value::Object(map) = &spec else {
        return Err(SpecError::Invalid(
            "the stats spec must be a JSON object".into(),
        ));
    };
    let mut entries = map.iter();
    let (Some((mode, value)), None) = (entries.next(), entries.next()) else {
        let expected: Vec<String> = MODES.iter().map(|m| format!("`{m}`")).collect();
        return Err(SpecError::Invalid(format!(
            "invalid stats spec: give exactly one of {} (got {} keys)",
            expected.join(", "),
            map.len()
        )));
    };
    match mode.as_str() {
        "proportions" => proportions(value),
        "means" => means(value),
        "ratio" => ratio(value),
        "cuped" => cuped(value),
        "srm" => srm(value),
        "sample_size" => sample_size(value),
        "mde" => mde(value),
        _ => decay(value),
    }
    .map_err(|message| SpecError::Invalid(format!("invalid stats spec: {message}")))
}
