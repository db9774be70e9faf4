//! The parameter table: complete, consistent with validation, and every row reads back what it
//! writes.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::collections::{BTreeSet, HashSet};

use sandbox::config::params_table::{limits, spec, table, Group, Kind, ParamSpec, Value};
use sandbox::core::model::{Params, Scenario};

fn sliders() -> impl Iterator<Item = (&'static ParamSpec, f64, f64, f64)> {
    table().iter().filter_map(|s| match s.kind {
        Kind::Slider { min, max, step } => Some((s, min, max, step)),
        _ => None,
    })
}

fn with(spec: &ParamSpec, value: Value) -> Params {
    let mut p = Params::default();
    (spec.set)(&mut p, &value);
    p
}

#[test]
fn ids_are_unique_short_and_do_not_clash_with_link_keys() {
    let mut seen = HashSet::new();
    for s in table() {
        assert!(seen.insert(s.id), "duplicate id {}", s.id);
        assert!(
            !s.id.is_empty()
                && s.id.len() <= 16
                && s.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "id {:?} must be short snake_case",
            s.id
        );
        assert!(
            !["v", "base", "reserve_cat", "segments"].contains(&s.id),
            "{} is a reserved link key",
            s.id
        );
        assert_eq!(spec(s.id).map(|r| r.id), Some(s.id));
    }
}

#[test]
fn rows_are_grouped_in_display_order_and_documented() {
    let order: Vec<usize> = table()
        .iter()
        .map(|s| Group::ALL.iter().position(|g| *g == s.group).unwrap_or(99))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] <= w[1]),
        "groups out of order"
    );
    for g in Group::ALL {
        assert!(table().iter().any(|s| s.group == g), "{g:?} has no rows");
    }
    for s in table() {
        assert!(!s.label.is_empty(), "{} has no label", s.id);
        assert!(
            s.help.len() > 20 && s.help.ends_with('.'),
            "{}: help must be a sentence",
            s.id
        );
        if let Kind::Select { options } = s.kind {
            assert!(options.len() >= 2, "{} has too few options", s.id);
        }
    }
}

#[test]
fn every_row_round_trips_get_set() {
    for s in table() {
        let values: Vec<Value> = match s.kind {
            Kind::Slider { min, max, step } => {
                let mid = min + ((max - min) / step / 2.0).floor() * step;
                vec![min, mid, max, min + step]
                    .into_iter()
                    .map(Value::Number)
                    .collect()
            }
            Kind::Select { options } => options
                .iter()
                .map(|(v, _)| Value::Choice((*v).into()))
                .collect(),
            Kind::Toggle => vec![Value::Flag(true), Value::Flag(false)],
        };
        for v in values {
            let p = with(s, v.clone());
            assert_eq!((s.get)(&p), v, "{} does not read back {v:?}", s.id);
        }
    }
}

#[test]
fn each_row_writes_only_its_own_value() {
    // The link codec encodes rows independently, so a row may not move another row's value
    // (bid shading's two rows are the documented exception).
    for s in table() {
        let value = match s.kind {
            Kind::Slider { max, .. } => Value::Number(max),
            Kind::Select { options } => Value::Choice(options[options.len() - 1].0.into()),
            Kind::Toggle => Value::Flag(!matches!((s.get)(&Params::default()), Value::Flag(true))),
        };
        let p = with(s, value);
        for other in table() {
            if other.id == s.id || (s.id == "shading" && other.id == "bidding") {
                continue;
            }
            assert_eq!(
                (other.get)(&p),
                (other.get)(&Params::default()),
                "setting {} changed {}",
                s.id,
                other.id
            );
        }
    }
}

#[test]
fn slider_ranges_lie_inside_validation() {
    for (s, min, max, step) in sliders() {
        assert!(min < max && step > 0.0, "{}: bad range", s.id);
        for x in [min, max] {
            let p = with(s, Value::Number(x));
            assert!(
                Scenario::new(p).is_ok(),
                "{}={x} (a slider bound) is rejected by validation",
                s.id
            );
        }
        let l = limits(s.id).unwrap_or_else(|| panic!("{} has no limits", s.id));
        assert!(
            l.min <= min && max <= l.max,
            "{}: slider wider than limits",
            s.id
        );
    }
}

#[test]
fn limits_are_exactly_validations_range() {
    for (s, _, _, step) in sliders() {
        let Some(l) = limits(s.id) else {
            panic!("{} has no limits", s.id)
        };
        assert_eq!(l.integer, step == 1.0 && s.id != "half_life", "{}", s.id);
        for x in [l.min, l.max] {
            assert!(
                Scenario::new(with(s, Value::Number(x))).is_ok(),
                "{}={x}",
                s.id
            );
        }
        if s.id == "seed" {
            continue; // every u64 is valid
        }
        let (below, above) = if l.integer {
            (l.min - 1.0, l.max + 1.0)
        } else {
            (l.min.next_down(), l.max.next_up())
        };
        if below >= 0.0 || !l.integer {
            assert!(
                Scenario::new(with(s, Value::Number(below))).is_err(),
                "{}={below} should be invalid",
                s.id
            );
        }
        assert!(
            Scenario::new(with(s, Value::Number(above))).is_err(),
            "{}={above} should be invalid",
            s.id
        );
    }
    for s in table() {
        if !matches!(s.kind, Kind::Slider { .. }) {
            assert_eq!(limits(s.id), None, "{}", s.id);
        }
    }
}

#[test]
fn integer_rows_round_and_real_rows_are_exact() {
    for (s, min, _, step) in sliders() {
        let Some(l) = limits(s.id) else { continue };
        let x = min + 0.25;
        let got = (s.get)(&with(s, Value::Number(x)));
        let want = if l.integer { min } else { x };
        assert_eq!(got, Value::Number(want), "{}", s.id);
        if l.integer {
            assert_eq!(step, 1.0, "{}: integers step by 1", s.id);
        }
    }
}

#[test]
fn defaults_lie_within_slider_ranges_and_options() {
    let d = Params::default();
    for s in table() {
        match (s.kind, (s.get)(&d)) {
            (Kind::Slider { min, max, .. }, Value::Number(x)) => {
                assert!(
                    min <= x && x <= max,
                    "{}: default {x} outside {min}–{max}",
                    s.id
                )
            }
            (Kind::Select { options }, Value::Choice(c)) => {
                assert!(options.iter().any(|(v, _)| *v == c), "{}: {c}", s.id)
            }
            (Kind::Toggle, Value::Flag(_)) => {}
            (kind, value) => panic!("{}: {kind:?} reads {value:?}", s.id),
        }
    }
}

/// Dotted paths of the JSON leaves that differ between two configurations.
fn changed_leaves(
    a: &serde_json::Value,
    b: &serde_json::Value,
    path: &str,
    out: &mut BTreeSet<String>,
) {
    match (a, b) {
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            for (k, v) in x {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                changed_leaves(v, &y[k], &p, out);
            }
        }
        _ if a != b => {
            out.insert(path.to_string());
        }
        _ => {}
    }
}

fn leaves(v: &serde_json::Value, path: &str, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(x) => {
            for (k, v) in x {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(v, &p, out);
            }
        }
        _ => {
            out.insert(path.to_string());
        }
    }
}

#[test]
fn the_table_covers_every_scalar_field_of_params() {
    let default = serde_json::to_value(Params::default()).unwrap();
    let mut covered = BTreeSet::new();
    for s in table() {
        let value = match s.kind {
            Kind::Slider { max, .. } => Value::Number(max),
            Kind::Select { options } => Value::Choice(options[options.len() - 1].0.into()),
            Kind::Toggle => Value::Flag(!matches!((s.get)(&Params::default()), Value::Flag(true))),
        };
        let p = serde_json::to_value(with(s, value)).unwrap();
        let mut changed = BTreeSet::new();
        changed_leaves(&default, &p, "", &mut changed);
        assert!(!changed.is_empty(), "{} changes nothing", s.id);
        covered.extend(changed);
    }
    let mut all = BTreeSet::new();
    leaves(&default, "", &mut all);
    let missing: Vec<_> = all
        .difference(&covered)
        .filter(|p| *p != "users.segments" && *p != "auction.reserve_by_category")
        .collect();
    assert!(missing.is_empty(), "fields with no table row: {missing:?}");
}
