//! Validation: [`Params`] → [`Scenario`]. Never panics; every problem names the field, the
//! allowed range, the value given and the value used instead.

use std::fmt;

use serde::Serialize;

use super::knobs::{table, Knob, Limits, ParamSpec, Value, SEGMENT_FIELDS};
use super::params::*;

/// One problem with a configuration value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `users.count`.
    pub field: String,
    /// What was wrong, with the allowed range.
    pub message: String,
    /// The value used instead, as text.
    pub used: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (using {})", self.field, self.message, self.used)
    }
}

/// A validated configuration: every value in range. Only this reaches the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    params: Params,
}

impl Scenario {
    /// Validates `params`; any problem is an error (use [`Scenario::repair`] to run anyway).
    pub fn new(params: Params) -> Result<Scenario, Vec<FieldError>> {
        let (scenario, problems) = Scenario::repair(params);
        if problems.is_empty() {
            Ok(scenario)
        } else {
            Err(problems)
        }
    }

    /// Replaces every invalid value by its default and reports what it replaced.
    pub fn repair(mut params: Params) -> (Scenario, Vec<FieldError>) {
        let mut problems = Vec::new();
        check_all(&mut params, &mut problems);
        (Scenario { params }, problems)
    }

    /// The validated parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Effective bid shading: the configured value, or the automatic one for the format.
    pub fn bid_shading(&self) -> f64 {
        self.params
            .auction
            .bid_shading
            .unwrap_or(match self.params.auction.format {
                crate::core::auction::Format::FirstPrice => {
                    super::constants::AUTO_SHADING_FIRST_PRICE
                }
                _ => super::constants::AUTO_SHADING_GSP_VCG,
            })
    }

    /// Reserve per click for category `c`.
    pub fn reserve_for(&self, c: usize) -> f64 {
        self.params
            .auction
            .reserve_by_category
            .get(c)
            .copied()
            .unwrap_or(self.params.auction.reserve)
    }
}

/// Most user segments a configuration may have.
pub const MAX_SEGMENTS: usize = 16;

/// Checks every knob of the table against its limits, and the lists (per-category reserves,
/// segments). Each bad value is replaced by the default's and reported; the reports come in the
/// order of the fields in a configuration file ([`Params`]' field order), whatever the table's
/// display order.
fn check_all(p: &mut Params, problems: &mut Vec<FieldError>) {
    let default = Params::default();
    let first = problems.len();
    for spec in table() {
        if spec.id == Knob::AutobidShare {
            check_autobid_share(p, problems);
        } else if let Some(limits) = spec.limits() {
            check_knob(spec, limits, p, &default, problems);
        }
        match spec.id {
            Knob::Squashing => check_reserves_by_category(p, problems),
            Knob::Users => check_segments(p, problems),
            Knob::Pacing => check_strategies(p, problems),
            _ => {}
        }
    }
    let order = field_order(&default);
    // Stable: the problems of one list (segment by segment) keep their order.
    problems[first..].sort_by_key(|problem| rank(&order, &problem.field));
}

/// The dotted paths of the fields of `params` two levels deep (`sim.days`, `sim.seed`,
/// `utility.w_rev`…), in declaration order: serde writes a struct's fields in that order, and
/// this reads the keys back off the JSON text.
fn field_order(params: &Params) -> Vec<String> {
    let text = serde_json::to_string(params).unwrap_or_default();
    let mut order = Vec::new();
    let mut depth = 0usize;
    let mut group = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth = depth.saturating_sub(1),
            '"' => {
                let mut word = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        c => word.push(c),
                    }
                }
                if chars.peek() == Some(&':') {
                    match depth {
                        1 => group = word,
                        2 => order.push(format!("{group}.{word}")),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    order
}

/// Position of the field `field` (`users.segments[2].share` is at `users.segments`) in `order`.
fn rank(order: &[String], field: &str) -> usize {
    order
        .iter()
        .position(|path| {
            field
                .strip_prefix(path.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
        .unwrap_or(order.len())
}

fn out_of_range(limits: Limits, value: f64) -> String {
    format!(
        "{} is outside the allowed range {}",
        limits.show(value),
        limits.range_text()
    )
}

fn check_knob(
    spec: &ParamSpec,
    limits: Limits,
    p: &mut Params,
    default: &Params,
    problems: &mut Vec<FieldError>,
) {
    let Value::Number(x) = (spec.get)(p) else {
        return;
    };
    if limits.contains(x) {
        return;
    }
    let fallback = (spec.get)(default);
    let used = match &fallback {
        Value::Number(d) => limits.show(*d),
        _ => String::new(),
    };
    problems.push(FieldError {
        field: spec.key.to_string(),
        message: out_of_range(limits, x),
        used,
    });
    (spec.set)(p, &fallback);
}

/// `advertisers.autobid_share`: unset, or a share in 0–1. A bad value is dropped: unset keeps the
/// strategy mix as configured (the default), where 0 would turn every autobidder manual.
fn check_autobid_share(p: &mut Params, problems: &mut Vec<FieldError>) {
    let Some(x) = p.advertisers.autobid_share else {
        return;
    };
    let Some(limits) = Knob::AutobidShare.spec().limits() else {
        return;
    };
    if !limits.contains(x) {
        problems.push(FieldError {
            field: Knob::AutobidShare.spec().key.to_string(),
            message: out_of_range(limits, x),
            used: "unset (the strategy mix as configured)".into(),
        });
        p.advertisers.autobid_share = None;
    }
}

fn check_reserves_by_category(p: &mut Params, problems: &mut Vec<FieldError>) {
    let a = &mut p.auction;
    if !a.reserve_by_category.is_empty() && a.reserve_by_category.len() != N_CATEGORIES {
        problems.push(FieldError {
            field: "auction.reserve_by_category".into(),
            message: format!(
                "needs exactly {N_CATEGORIES} entries (one per category: {}), got {}",
                CATEGORIES.join(", "),
                a.reserve_by_category.len()
            ),
            used: "[] (the global reserve)".into(),
        });
        a.reserve_by_category.clear();
    }
    // Each entry is a reserve: the global reserve's limits, and the global reserve instead.
    let Some(limits) = Knob::Reserve.spec().limits() else {
        return;
    };
    let global = a.reserve;
    for (i, r) in a.reserve_by_category.iter_mut().enumerate() {
        if !limits.contains(*r) {
            problems.push(FieldError {
                field: format!("auction.reserve_by_category[{i}]"),
                message: out_of_range(limits, *r),
                used: limits.show(global),
            });
            *r = global;
        }
    }
}

/// `advertisers.strategies`: known names, finite non-negative shares, not all zero. A bad entry
/// is dropped; a mix with nothing left is the default (everyone manual).
fn check_strategies(p: &mut Params, problems: &mut Vec<FieldError>) {
    let a = &mut p.advertisers;
    let names: Vec<&str> = Strategy::ALL.iter().map(|s| s.as_str()).collect();
    let mut bad = Vec::new();
    for (name, share) in &a.strategies {
        if Strategy::from_name(name).is_none() {
            problems.push(FieldError {
                field: format!("advertisers.strategies.{name}"),
                message: format!("unknown strategy (known: {})", names.join(", ")),
                used: "nothing (dropped)".into(),
            });
            bad.push(name.clone());
        } else if !share.is_finite() || *share < 0.0 {
            problems.push(FieldError {
                field: format!("advertisers.strategies.{name}"),
                message: format!(
                    "{share} is not a share: needs a number ≥ 0 (shares are normalised)"
                ),
                used: "0".into(),
            });
            bad.push(name.clone());
        }
    }
    for name in bad {
        a.strategies.remove(&name);
    }
    if a.strategies.values().sum::<f64>() <= 0.0 {
        problems.push(FieldError {
            field: "advertisers.strategies".into(),
            message: "needs at least one strategy with a share above 0".into(),
            used: "{\"manual\": 1}".into(),
        });
        a.strategies = default_strategies();
    }
}

fn check_segments(p: &mut Params, problems: &mut Vec<FieldError>) {
    let mut problem = |field: &str, message: String, used: &str| {
        problems.push(FieldError {
            field: field.into(),
            message,
            used: used.into(),
        })
    };
    let us = &mut p.users;
    if us.segments.is_empty() {
        problem(
            "users.segments",
            "needs at least one segment".into(),
            "the three default segments",
        );
        us.segments = default_segments();
    }
    if us.segments.len() > MAX_SEGMENTS {
        problem(
            "users.segments",
            format!("at most {MAX_SEGMENTS} segments, got {}", us.segments.len()),
            &format!("the first {MAX_SEGMENTS}"),
        );
        us.segments.truncate(MAX_SEGMENTS);
    }
    let mut fallback_segment = Segment::default();
    for (i, s) in us.segments.iter_mut().enumerate() {
        for f in SEGMENT_FIELDS {
            let value = (f.field)(s);
            if !f.limits.contains(*value) {
                let fallback = *(f.field)(&mut fallback_segment);
                problem(
                    &format!("users.segments[{i}].{}", f.name),
                    out_of_range(f.limits, *value),
                    &f.limits.show(fallback),
                );
                *value = fallback;
            }
        }
        let bad_interests = !s.interests.is_empty()
            && (s.interests.len() != N_CATEGORIES
                || s.interests.iter().any(|w| !(w.is_finite() && *w >= 0.0))
                || s.interests.iter().sum::<f64>() <= 0.0);
        if bad_interests {
            problem(
                &format!("users.segments[{i}].interests"),
                format!(
                    "needs {N_CATEGORIES} non-negative weights ({}) with a positive sum",
                    CATEGORIES.join(", ")
                ),
                "uniform interests",
            );
            s.interests.clear();
        }
    }
    if us.segments.iter().map(|s| s.share).sum::<f64>() <= 0.0 {
        problem(
            "users.segments",
            "segment shares sum to zero: the population would be empty".into(),
            "equal shares",
        );
        for s in &mut us.segments {
            s.share = 1.0;
        }
    }
}
