//! The points of a sweep: one or two knobs, each with its values.
//!
//! A knob is named by its dotted configuration key (`ad_load.every`, `auction.reserve`) and must
//! be a numeric row of the knob table marked sweepable (switches and choices are not: they have
//! no order to sweep along; the seed is not a quantity). Values are given as a list, or as a
//! range `{from, to, points}`: `points` evenly spaced values with both ends included exactly.
//! Whole-number knobs snap every value to the nearest integer; a range that then repeats a value
//! keeps it once. Every value must lie within the knob's accepted range. With two knobs the grid
//! is their product, the first knob varying fastest: point `i` is
//! `(values[i % n1], values2[i / n1])`.

use std::fmt;

use crate::core::model::knobs::{table, Kind, Limits, ParamSpec, Value};
use crate::core::model::Params;

/// Most points a sweep may have (the product of both knobs' value counts).
pub const MAX_POINTS: usize = 10_000;

/// A knob's values as given.
#[derive(Debug, Clone, PartialEq)]
pub enum AxisValues {
    /// These values, in this order.
    List(Vec<f64>),
    /// `points` evenly spaced values from `from` to `to`, both included.
    Range {
        /// First value.
        from: f64,
        /// Last value.
        to: f64,
        /// How many values (1 only when `from == to`).
        points: usize,
    },
}

/// Why a knob or its values cannot be swept. The message does not name the spec's field: the
/// caller knows which field it read.
#[derive(Debug, Clone, PartialEq)]
pub enum AxisError {
    /// No knob has this configuration key.
    UnknownKnob {
        /// The key given.
        key: String,
    },
    /// The knob is a switch or a choice.
    NotNumeric {
        /// The key given.
        key: String,
        /// "a switch" or "a choice".
        kind: &'static str,
    },
    /// The knob is numeric but the table marks it not sweepable (the seed).
    NotSweepable {
        /// The key given.
        key: String,
    },
    /// An empty list of values, or a range of zero points.
    Empty,
    /// A range whose `from` is above its `to`.
    Reversed {
        /// `from`.
        from: f64,
        /// `to`.
        to: f64,
    },
    /// A range of several points from a value to itself.
    Degenerate {
        /// The value.
        at: f64,
        /// Points asked for.
        points: usize,
    },
    /// A value outside the knob's accepted range (or not finite).
    OutOfRange {
        /// Position in the list (`None` for a range's ends); the message leaves it to the caller.
        index: Option<usize>,
        /// The value.
        value: f64,
        /// What the knob accepts.
        limits: Limits,
    },
    /// More than [`MAX_POINTS`] points.
    TooMany {
        /// Points asked for.
        points: usize,
    },
}

/// Every sweepable key, for error messages.
fn sweepable_keys() -> String {
    table()
        .iter()
        .filter(|s| s.sweepable)
        .map(|s| s.key)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for AxisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AxisError::UnknownKnob { key } => write!(
                f,
                "unknown knob `{key}`; sweepable knobs are {}",
                sweepable_keys()
            ),
            AxisError::NotNumeric { key, kind } => write!(
                f,
                "`{key}` is {kind}, not a number, and cannot be swept; sweepable knobs are {}",
                sweepable_keys()
            ),
            AxisError::NotSweepable { key } => write!(
                f,
                "`{key}` cannot be swept; sweepable knobs are {}",
                sweepable_keys()
            ),
            AxisError::Empty => write!(f, "no values to sweep (give at least one)"),
            AxisError::Reversed { from, to } => {
                write!(f, "reversed range: from {from} is above to {to}")
            }
            AxisError::Degenerate { at, points } => write!(
                f,
                "empty range: {points} points from {at} to {at} (give from < to, or points 1)"
            ),
            AxisError::OutOfRange { value, limits, .. } => write!(
                f,
                "{value} is outside the knob's accepted range {}",
                limits.range_text()
            ),
            AxisError::TooMany { points } => write!(
                f,
                "{points} points is more than the {MAX_POINTS} a sweep may have"
            ),
        }
    }
}

impl std::error::Error for AxisError {}

/// The numeric, sweepable knob with configuration key `key`.
pub fn sweep_knob(key: &str) -> Result<&'static ParamSpec, AxisError> {
    let rows: Vec<&'static ParamSpec> = table().iter().filter(|s| s.key == key).collect();
    if rows.is_empty() {
        return Err(AxisError::UnknownKnob {
            key: key.to_string(),
        });
    }
    // `auction.bid_shading` is two rows, a choice and a number: the number is what sweeps.
    let Some(spec) = rows.iter().copied().find(|s| s.limits().is_some()) else {
        let kind = match rows[0].kind {
            Kind::Switch => "a switch",
            _ => "a choice",
        };
        return Err(AxisError::NotNumeric {
            key: key.to_string(),
            kind,
        });
    };
    if !spec.sweepable {
        return Err(AxisError::NotSweepable {
            key: key.to_string(),
        });
    }
    Ok(spec)
}

/// `x` as the knob stores it: whole-number knobs round to the nearest integer.
pub fn snap(spec: &ParamSpec, x: f64) -> f64 {
    match spec.limits() {
        Some(limits) if limits.integer => x.round(),
        _ => x,
    }
}

/// Writes `x` (snapped) into `params` as the value of `spec`.
pub fn set_knob(params: &mut Params, spec: &ParamSpec, x: f64) {
    (spec.set)(params, &Value::Number(snap(spec, x)));
}

/// `points` evenly spaced values from `from` to `to`, both ends exact, every value within them.
pub fn linspace(from: f64, to: f64, points: usize) -> Vec<f64> {
    match points {
        0 => Vec::new(),
        1 => vec![from],
        _ => {
            let last = (points - 1) as f64;
            (0..points)
                .map(|i| {
                    if i == points - 1 {
                        to
                    } else {
                        (from + (to - from) * i as f64 / last).clamp(from, to)
                    }
                })
                .collect()
        }
    }
}

/// One swept knob and its values (snapped, within the knob's limits).
#[derive(Debug, Clone)]
pub struct Axis {
    /// The knob's row.
    pub spec: &'static ParamSpec,
    /// Its values, in sweep order.
    pub values: Vec<f64>,
}

impl Axis {
    /// Checks the knob and its values.
    pub fn new(key: &str, values: &AxisValues) -> Result<Axis, AxisError> {
        let spec = sweep_knob(key)?;
        let limits = spec.limits().ok_or(AxisError::NotSweepable {
            key: key.to_string(),
        })?;
        let check = |index: Option<usize>, value: f64| {
            if limits.contains(value) {
                Ok(())
            } else {
                Err(AxisError::OutOfRange {
                    index,
                    value,
                    limits,
                })
            }
        };
        let values = match values {
            AxisValues::List(list) => {
                if list.is_empty() {
                    return Err(AxisError::Empty);
                }
                if list.len() > MAX_POINTS {
                    return Err(AxisError::TooMany { points: list.len() });
                }
                for (i, &x) in list.iter().enumerate() {
                    check(Some(i), x)?;
                }
                list.iter().map(|&x| snap(spec, x)).collect()
            }
            &AxisValues::Range { from, to, points } => {
                if points == 0 {
                    return Err(AxisError::Empty);
                }
                if points > MAX_POINTS {
                    return Err(AxisError::TooMany { points });
                }
                check(None, from)?;
                check(None, to)?;
                if from > to {
                    return Err(AxisError::Reversed { from, to });
                }
                if from == to && points > 1 {
                    return Err(AxisError::Degenerate { at: from, points });
                }
                if points == 1 && from != to {
                    return Err(AxisError::Degenerate { at: from, points });
                }
                let mut values: Vec<f64> = linspace(from, to, points)
                    .into_iter()
                    .map(|x| snap(spec, x))
                    .collect();
                values.dedup();
                values
            }
        };
        Ok(Axis { spec, values })
    }
}

/// A sweep: one knob, or two with the first varying fastest.
#[derive(Debug, Clone)]
pub struct Grid {
    /// The first knob.
    pub first: Axis,
    /// The second knob, if any.
    pub second: Option<Axis>,
}

impl Grid {
    /// The grid of `first` (times `second`), at most [`MAX_POINTS`] points.
    pub fn new(first: Axis, second: Option<Axis>) -> Result<Grid, AxisError> {
        let grid = Grid { first, second };
        let points = grid
            .first
            .values
            .len()
            .saturating_mul(grid.second.as_ref().map_or(1, |a| a.values.len()));
        if points > MAX_POINTS {
            return Err(AxisError::TooMany { points });
        }
        Ok(grid)
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.first.values.len() * self.second.as_ref().map_or(1, |a| a.values.len())
    }

    /// Whether the grid has no point (never, once built).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The knob values of point `i`: `(first, second)`.
    pub fn point(&self, i: usize) -> (f64, Option<f64>) {
        let n1 = self.first.values.len();
        (
            self.first.values[i % n1],
            self.second.as_ref().map(|a| a.values[i / n1]),
        )
    }

    /// The configuration of point `i`: `base` with the knob(s) set.
    pub fn params(&self, base: &Params, i: usize) -> Params {
        let (x, y) = self.point(i);
        let mut params = base.clone();
        set_knob(&mut params, self.first.spec, x);
        if let (Some(axis), Some(y)) = (&self.second, y) {
            set_knob(&mut params, axis.spec, y);
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_include_both_ends_and_integers_snap() {
        let axis = Axis::new(
            "auction.reserve",
            &AxisValues::Range {
                from: 0.1,
                to: 0.7,
                points: 4,
            },
        )
        .unwrap();
        assert_eq!(axis.values.len(), 4);
        assert_eq!(axis.values[0], 0.1);
        assert_eq!(axis.values[3], 0.7);
        let every = Axis::new(
            "ad_load.every",
            &AxisValues::Range {
                from: 1.0,
                to: 3.0,
                points: 5,
            },
        )
        .unwrap();
        assert_eq!(every.values, vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn second_knob_varies_slowest() {
        let a = Axis::new("ad_load.every", &AxisValues::List(vec![2.0, 4.0, 6.0])).unwrap();
        let b = Axis::new("auction.reserve", &AxisValues::List(vec![0.1, 0.2])).unwrap();
        let grid = Grid::new(a, Some(b)).unwrap();
        assert_eq!(grid.len(), 6);
        assert_eq!(grid.point(1), (4.0, Some(0.1)));
        assert_eq!(grid.point(3), (2.0, Some(0.2)));
        let p = grid.params(&Params::default(), 5);
        assert_eq!(p.ad_load.every, 6);
        assert_eq!(p.auction.reserve, 0.2);
    }

    #[test]
    fn bad_knobs_are_named() {
        assert!(matches!(
            Axis::new("ad_load.policy", &AxisValues::List(vec![1.0])),
            Err(AxisError::NotNumeric { .. })
        ));
        assert!(matches!(
            Axis::new("sim.seed", &AxisValues::List(vec![1.0])),
            Err(AxisError::NotSweepable { .. })
        ));
        assert!(matches!(
            Axis::new("nope", &AxisValues::List(vec![1.0])),
            Err(AxisError::UnknownKnob { .. })
        ));
    }
}
