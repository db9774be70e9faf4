//! The knob table: complete, consistent with validation, every row reads back what it writes,
//! every "no effect" condition is true, and the README's configuration table is generated from it.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::collections::{BTreeSet, HashSet};

use sandbox::config::reference::configuration_markdown;
use sandbox::core::model::knobs::{
    spec, table, Group, Kind, Knob, Needs, ParamSpec, Role, Value, SEGMENT_FIELDS,
};
use sandbox::core::model::{simulate, AdLoadPolicy, Params, Scenario, Segment, Strategy};

fn sliders() -> impl Iterator<Item = (&'static ParamSpec, f64, f64, f64)> {
    table().iter().filter_map(|s| match s.kind {
        Kind::Number { slider, .. } | Kind::Integer { slider, .. } => {
            Some((s, slider.min, slider.max, slider.step))
        }
        Kind::Switch | Kind::Choice { .. } => None,
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
        assert!(seen.insert(s.url), "duplicate link key {}", s.url);
        assert!(
            !s.url.is_empty()
                && s.url.len() <= 16
                && s.url
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "id {:?} must be short snake_case",
            s.url
        );
        assert!(
            !["v", "base", "reserve_cat", "segments"].contains(&s.url),
            "{} is a reserved link key",
            s.url
        );
        assert_eq!(spec(s.url).map(|r| r.id), Some(s.id));
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
        assert!(!s.label.is_empty(), "{} has no label", s.url);
        assert!(
            s.help.len() > 20 && s.help.ends_with('.'),
            "{}: help must be a sentence",
            s.url
        );
        if let Kind::Choice { options } = s.kind {
            assert!(options.len() >= 2, "{} has too few options", s.url);
        }
    }
}

#[test]
fn every_row_round_trips_get_set() {
    for s in table() {
        let values: Vec<Value> = match s.kind {
            Kind::Number { slider, .. } | Kind::Integer { slider, .. } => {
                let (min, max, step) = (slider.min, slider.max, slider.step);
                let mid = min + ((max - min) / step / 2.0).floor() * step;
                vec![min, mid, max, min + step]
                    .into_iter()
                    .map(Value::Number)
                    .collect()
            }
            Kind::Choice { options } => options
                .iter()
                .map(|(v, _)| Value::Choice((*v).into()))
                .collect(),
            Kind::Switch => vec![Value::Flag(true), Value::Flag(false)],
        };
        for v in values {
            let p = with(s, v.clone());
            assert_eq!((s.get)(&p), v, "{} does not read back {v:?}", s.url);
        }
    }
}

#[test]
fn each_row_writes_only_its_own_value() {
    // The link codec encodes rows independently, so a row may not move another row's value
    // (bid shading's two rows are the documented exception).
    for s in table() {
        let value = match s.kind {
            Kind::Number { slider, .. } | Kind::Integer { slider, .. } => Value::Number(slider.max),
            Kind::Choice { options } => Value::Choice(options[options.len() - 1].0.into()),
            Kind::Switch => Value::Flag(!matches!((s.get)(&Params::default()), Value::Flag(true))),
        };
        let p = with(s, value);
        for other in table() {
            if other.id == s.id || (s.id == Knob::Shading && other.id == Knob::Bidding) {
                continue;
            }
            assert_eq!(
                (other.get)(&p),
                (other.get)(&Params::default()),
                "setting {} changed {}",
                s.url,
                other.url
            );
        }
    }
}

#[test]
fn slider_ranges_lie_inside_validation() {
    for (s, min, max, step) in sliders() {
        assert!(min < max && step > 0.0, "{}: bad range", s.url);
        for x in [min, max] {
            let p = with(s, Value::Number(x));
            assert!(
                Scenario::new(p).is_ok(),
                "{}={x} (a slider bound) is rejected by validation",
                s.url
            );
        }
        let l = s
            .limits()
            .unwrap_or_else(|| panic!("{} has no limits", s.url));
        assert!(
            l.min <= min && max <= l.max,
            "{}: slider wider than limits",
            s.url
        );
    }
}

#[test]
fn limits_are_exactly_validations_range() {
    for (s, _, _, step) in sliders() {
        let Some(l) = s.limits() else {
            panic!("{} has no limits", s.url)
        };
        assert_eq!(l.integer, step == 1.0 && s.url != "half_life", "{}", s.url);
        for x in [l.min, l.max] {
            assert!(
                Scenario::new(with(s, Value::Number(x))).is_ok(),
                "{}={x}",
                s.url
            );
        }
        if s.id == Knob::Seed {
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
                s.url
            );
        }
        assert!(
            Scenario::new(with(s, Value::Number(above))).is_err(),
            "{}={above} should be invalid",
            s.url
        );
    }
    for s in table() {
        if !matches!(s.kind, Kind::Number { .. } | Kind::Integer { .. }) {
            assert_eq!(s.limits(), None, "{}", s.url);
        }
    }
}

#[test]
fn integer_rows_round_and_real_rows_are_exact() {
    for (s, min, _, step) in sliders() {
        let Some(l) = s.limits() else { continue };
        let x = min + 0.25;
        let got = (s.get)(&with(s, Value::Number(x)));
        let want = if l.integer { min } else { x };
        assert_eq!(got, Value::Number(want), "{}", s.url);
        if l.integer {
            assert_eq!(step, 1.0, "{}: integers step by 1", s.url);
        }
    }
}

#[test]
fn defaults_lie_within_slider_ranges_and_options() {
    let d = Params::default();
    for s in table() {
        match (s.kind, (s.get)(&d)) {
            (Kind::Number { slider, .. } | Kind::Integer { slider, .. }, Value::Number(x)) => {
                let (min, max) = (slider.min, slider.max);
                assert!(
                    min <= x && x <= max,
                    "{}: default {x} outside {min}–{max}",
                    s.url
                )
            }
            (Kind::Choice { options }, Value::Choice(c)) => {
                assert!(options.iter().any(|(v, _)| *v == c), "{}: {c}", s.url)
            }
            (Kind::Switch, Value::Flag(_)) => {}
            (kind, value) => panic!("{}: {kind:?} reads {value:?}", s.url),
        }
    }
}

/// The configuration as JSON with every section, including the ones JSON leaves out at their
/// defaults (`promotion`).
fn full_json(p: &Params) -> serde_json::Value {
    let mut v = serde_json::to_value(p).unwrap();
    if v.get("promotion").is_none() {
        v["promotion"] = serde_json::to_value(&p.promotion).unwrap();
    }
    // The bidding fields are written only when they differ from their defaults.
    let a = &p.advertisers;
    let fill = [
        ("strategies", serde_json::to_value(&a.strategies).unwrap()),
        ("target_roas", serde_json::to_value(a.target_roas).unwrap()),
        ("target_cpc", serde_json::to_value(a.target_cpc).unwrap()),
        (
            "pacing_method",
            serde_json::to_value(a.pacing_method).unwrap(),
        ),
        (
            "learning_memory",
            serde_json::to_value(a.learning_memory).unwrap(),
        ),
        (
            "learning_exploration",
            serde_json::to_value(a.learning_exploration).unwrap(),
        ),
        (
            "autobid_share",
            serde_json::to_value(a.autobid_share).unwrap(),
        ),
        (
            "max_clicks_rule",
            serde_json::to_value(a.max_clicks_rule).unwrap(),
        ),
    ];
    for (key, value) in fill {
        if v["advertisers"].get(key).is_none() {
            v["advertisers"][key] = value;
        }
    }
    v
}

#[test]
fn the_promotion_section_is_written_only_when_it_differs_from_its_default() {
    let default = serde_json::to_value(Params::default()).unwrap();
    assert!(default.get("promotion").is_none());
    let mut p = Params::default();
    p.promotion.share = 0.5;
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["promotion"]["share"], 0.5);
    let back: Params = serde_json::from_value(v).unwrap();
    assert_eq!(back, p);
    let back: Params = serde_json::from_value(default).unwrap();
    assert_eq!(back, Params::default());
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
    let default = full_json(&Params::default());
    let mut covered = BTreeSet::new();
    for s in table() {
        let value = match s.kind {
            Kind::Number { slider, .. } | Kind::Integer { slider, .. } => Value::Number(slider.max),
            Kind::Choice { options } => Value::Choice(options[options.len() - 1].0.into()),
            Kind::Switch => Value::Flag(!matches!((s.get)(&Params::default()), Value::Flag(true))),
        };
        let p = full_json(&with(s, value));
        let mut changed = BTreeSet::new();
        changed_leaves(&default, &p, "", &mut changed);
        assert!(!changed.is_empty(), "{} changes nothing", s.url);
        covered.extend(changed);
    }
    let mut all = BTreeSet::new();
    leaves(&default, "", &mut all);
    let missing: Vec<_> = all
        .difference(&covered)
        .filter(|p| {
            *p != "users.segments"
                && *p != "auction.reserve_by_category"
                && !p.starts_with("advertisers.strategies")
        })
        .collect();
    assert!(missing.is_empty(), "fields with no table row: {missing:?}");
}

/// Sets `spec` to a value different from the default.
fn changed_value(s: &ParamSpec) -> Value {
    match s.kind {
        Kind::Number { slider, .. } | Kind::Integer { slider, .. } => {
            let Value::Number(d) = s.default_value() else {
                unreachable!("numeric rows read numbers")
            };
            Value::Number(if d == slider.max {
                slider.min
            } else {
                slider.max
            })
        }
        Kind::Choice { options } => {
            let d = s.default_value();
            let other = options
                .iter()
                .find(|(v, _)| Value::Choice((*v).into()) != d)
                .map(|(v, _)| *v)
                .unwrap_or_default();
            Value::Choice(other.into())
        }
        Kind::Switch => Value::Flag(!matches!(s.default_value(), Value::Flag(true))),
    }
}

#[test]
fn each_key_is_the_json_field_its_row_writes() {
    let default = full_json(&Params::default());
    for s in table() {
        let p = full_json(&with(s, changed_value(s)));
        let mut changed = BTreeSet::new();
        changed_leaves(&default, &p, "", &mut changed);
        assert_eq!(
            changed.into_iter().collect::<Vec<_>>(),
            vec![s.key.to_string()],
            "{}: the key must name the one field the row writes",
            s.url
        );
    }
}

#[test]
fn validation_reports_each_knob_under_its_key_with_the_tables_range() {
    for s in table() {
        let Some(l) = s.limits() else { continue };
        if s.id == Knob::Seed {
            continue; // every u64 is valid
        }
        let mut p = Params::default();
        (s.set)(&mut p, &Value::Number(l.max + 1.0));
        let problems = Scenario::new(p.clone()).expect_err(s.url);
        assert_eq!(problems.len(), 1, "{}: {problems:?}", s.url);
        assert_eq!(problems[0].field, s.key);
        assert!(
            problems[0]
                .message
                .ends_with(&format!("allowed range {}", l.range_text())),
            "{}: {}",
            s.url,
            problems[0].message
        );
        let (repaired, _) = Scenario::repair(p);
        assert_eq!(
            (s.get)(repaired.params()),
            s.default_value(),
            "{}: repair must restore the default",
            s.url
        );
    }
}

#[test]
fn segment_fields_are_validated_against_their_limits() {
    for f in SEGMENT_FIELDS {
        let mut p = Params::default();
        *(f.field)(&mut p.users.segments[1]) = f.limits.max + 1.0;
        let problems = Scenario::new(p).expect_err(f.name);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, format!("users.segments[1].{}", f.name));
        assert!(problems[0]
            .message
            .ends_with(&format!("allowed range {}", f.limits.range_text())));
        let mut ok = Params::default();
        for x in [f.limits.min, f.limits.max] {
            *(f.field)(&mut ok.users.segments[1]) = x;
            // A segment share of 0 is fine while the others are positive.
            assert!(Scenario::new(ok.clone()).is_ok(), "{}={x}", f.name);
        }
    }
    // Every numeric field of a segment has a row.
    let segment = serde_json::to_value(Segment::default()).unwrap();
    let numeric: BTreeSet<&str> = segment
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v.is_number())
        .map(|(k, _)| k.as_str())
        .collect();
    let rows: BTreeSet<&str> = SEGMENT_FIELDS.iter().map(|f| f.name).collect();
    assert_eq!(numeric, rows);
}

#[test]
fn typed_ids_index_the_table_in_order() {
    assert_eq!(Knob::ALL.len(), table().len());
    for (i, (knob, s)) in Knob::ALL.iter().zip(table()).enumerate() {
        assert_eq!(*knob, s.id, "row {i}");
        assert_eq!(knob.spec().url, s.url);
        assert_eq!(Knob::from_url(s.url), Some(*knob));
    }
}

#[test]
fn flags_are_consistent_with_kinds() {
    for s in table() {
        let numeric = s.limits().is_some();
        assert!(
            !s.sweepable || numeric,
            "{}: only numbers can be swept",
            s.url
        );
        if numeric && s.id != Knob::Seed {
            assert!(s.sweepable, "{}: numeric knobs can be swept", s.url);
        }
    }
    // The design/world split an experiment relies on.
    for (knob, role) in [
        (Knob::Reserve, Role::Design),
        (Knob::Lambda, Role::Design),
        (Knob::Pacing, Role::Design),
        (Knob::Launch, Role::Design),
        (Knob::Users, Role::World),
        (Knob::Advertisers, Role::World),
        (Knob::Days, Role::World),
        (Knob::Seed, Role::World),
    ] {
        assert_eq!(knob.spec().role, role, "{knob:?}");
    }
    for knob in [
        Knob::Reserve,
        Knob::Shading,
        Knob::Budget,
        Knob::Quality,
        Knob::Targeted,
    ] {
        assert!(knob.spec().per_advertiser, "{knob:?}");
    }
    for knob in [Knob::Lambda, Knob::Policy, Knob::MaxAds, Knob::Users] {
        assert!(!knob.spec().per_advertiser, "{knob:?}");
    }
}

/// A small, fast market in which every mechanism is exercised.
fn small() -> Params {
    let mut p = Params::default();
    p.users.count = 300;
    p.sim.days = 8;
    p.advertisers.count = 40;
    p.launch.day = 3;
    p
}

/// Configurations where `needs` is unmet (the knob should do nothing) and met (it acts).
fn unmet_and_met(needs: Needs) -> Vec<(Params, bool)> {
    let with = |f: &dyn Fn(&mut Params)| {
        let mut p = small();
        f(&mut p);
        p
    };
    match needs {
        Needs::Always | Needs::CustomShading => Vec::new(),
        // The override conditions are checked value by value in
        // `an_overridden_knob_gives_the_run_of_the_value_it_acts_as`; here, where they act.
        Needs::TopSlot | Needs::MinGap => {
            vec![(with(&|p| p.ad_load.policy = AdLoadPolicy::Threshold), true)]
        }
        Needs::MaxAds => vec![(small(), true)],
        Needs::RevenueWeight => vec![(with(&|p| p.utility.w_qual = 0.01), true)],
        Needs::FixedEvery | Needs::FixedFirst => AdLoadPolicy::ALL
            .into_iter()
            .map(|other| {
                (
                    with(&|p| p.ad_load.policy = other),
                    other == AdLoadPolicy::Fixed,
                )
            })
            .collect(),
        Needs::Policy(policy) => AdLoadPolicy::ALL
            .into_iter()
            .map(|other| (with(&|p| p.ad_load.policy = other), other == policy))
            .collect(),
        Needs::Fatigue => vec![
            (with(&|p| p.users.fatigue = false), false),
            (with(&|p| p.users.fatigue = true), true),
        ],
        Needs::FatigueOrPenalty => vec![
            (with(&|p| p.users.fatigue = false), false),
            (
                with(&|p| {
                    p.users.fatigue = false;
                    p.utility.w_fat = 1.0;
                }),
                true,
            ),
            (with(&|p| p.users.fatigue = true), true),
        ],
        Needs::Launch => vec![
            (with(&|p| p.launch.enabled = false), false),
            (with(&|p| p.launch.enabled = true), true),
        ],
        // Promotion of a category: `small()` has no launch, so the launched class is empty.
        Needs::Promotion => vec![
            (with(&|p| p.promotion.enabled = false), false),
            (
                with(&|p| {
                    p.promotion.enabled = true;
                    p.promotion.class = sandbox::core::model::PromotedClass::Category;
                }),
                true,
            ),
        ],
        Needs::Pacing => vec![
            (with(&|p| p.advertisers.pacing = false), false),
            (with(&|p| p.advertisers.budget_mean = 0.5), true),
        ],
        Needs::Strategy(strategy) => vec![
            (small(), false),
            (
                with(&|p| {
                    p.advertisers.strategies = [(strategy.as_str().to_string(), 1.0)].into();
                    if strategy == Strategy::MaxClicks {
                        // The max-clicks rule acts only when a whole budget goes in one hour:
                        // small budgets and widely spread values.
                        p.advertisers.budget_mean = 0.1;
                        p.advertisers.value_sigma = 1.5;
                    }
                }),
                true,
            ),
        ],
        Needs::ShadingLearners => vec![
            (small(), false),
            (
                with(&|p| {
                    p.advertisers.strategies = [("learning_shading".to_string(), 1.0)].into();
                }),
                false,
            ),
            (
                with(&|p| {
                    p.advertisers.strategies = [("learning_shading".to_string(), 1.0)].into();
                    p.auction.format = sandbox::core::auction::Format::FirstPrice;
                }),
                true,
            ),
        ],
        Needs::PromotionCategory => vec![
            (with(&|p| p.promotion.enabled = false), false),
            (
                with(&|p| {
                    p.promotion.enabled = true;
                    p.promotion.class = sandbox::core::model::PromotedClass::Launch;
                }),
                false,
            ),
            (
                with(&|p| {
                    p.promotion.enabled = true;
                    p.promotion.class = sandbox::core::model::PromotedClass::Category;
                }),
                true,
            ),
        ],
    }
}

/// The knob's two test values under `p`: the ends of its slider (for the launch day, two days
/// inside the run, or after it when `after_run`).
fn two_values(s: &ParamSpec, p: &Params, after_run: bool) -> [Value; 2] {
    if s.id == Knob::LaunchDay {
        let days = f64::from(p.sim.days);
        return if after_run {
            [Value::Number(days + 1.0), Value::Number(days + 5.0)]
        } else {
            [Value::Number(2.0), Value::Number(days)]
        };
    }
    match s.kind {
        Kind::Number { slider, .. } | Kind::Integer { slider, .. } => {
            [Value::Number(slider.min), Value::Number(slider.max)]
        }
        Kind::Choice { options } => [
            Value::Choice(options[0].0.into()),
            Value::Choice(options[options.len() - 1].0.into()),
        ],
        Kind::Switch => [Value::Flag(false), Value::Flag(true)],
    }
}

fn run_with(p: &Params, s: &ParamSpec, value: &Value) -> sandbox::core::model::RunResult {
    let mut p = p.clone();
    (s.set)(&mut p, value);
    simulate(&Scenario::new(p).expect("valid"))
}

#[test]
fn a_knob_whose_condition_fails_changes_no_number_and_acts_when_it_holds() {
    // Shading's condition is the exception by design: moving the slider switches to custom
    // shading, so it acts.
    let mut checked = 0;
    for s in table() {
        for (p, met) in unmet_and_met(s.needs) {
            assert_eq!(s.inactive_note(&p).is_none(), met, "{}: {p:?}", s.url);
            let [a, b] = two_values(s, &p, false);
            let (ra, rb) = (run_with(&p, s, &a), run_with(&p, s, &b));
            if met {
                assert_ne!(ra, rb, "{} should act here", s.url);
            } else {
                assert_eq!(ra, rb, "{}: '{:?}' but it acts", s.url, s.inactive_note(&p));
            }
            checked += 1;
        }
        if s.needs == Needs::Launch {
            // A launch after the last day does nothing either.
            let mut p = small();
            p.launch.enabled = true;
            p.launch.day = p.sim.days + 1;
            assert!(s.inactive_note(&p).is_some(), "{}", s.url);
            let [a, b] = two_values(s, &p, true);
            if s.id != Knob::LaunchDay {
                assert_eq!(run_with(&p, s, &a), run_with(&p, s, &b), "{}", s.url);
            } else {
                let mut pa = p.clone();
                (s.set)(&mut pa, &a);
                let mut pb = p.clone();
                (s.set)(&mut pb, &b);
                assert_eq!(
                    simulate(&Scenario::repair(pa).0),
                    simulate(&Scenario::repair(pb).0)
                );
            }
        }
    }
    assert!(checked >= 30, "only {checked} cases");
}

#[test]
fn the_readme_configuration_table_is_generated_from_the_knob_table() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let begin = readme.find("<!-- knobs:begin").expect("begin marker");
    let body = &readme[begin..];
    let body = &body[body.find('\n').expect("marker line") + 1..];
    let end = body.find("<!-- knobs:end -->").expect("end marker");
    assert_eq!(
        &body[..end],
        configuration_markdown(),
        "README.md's configuration table is stale: replace it with `cargo run -- knobs --markdown`"
    );
    // Every knob and list key is in it.
    for s in table() {
        assert!(body[..end].contains(&format!("| `{}` | `{}` |", s.key, s.url)));
    }
}

#[test]
fn problems_come_in_the_order_of_the_configuration_file() {
    let mut p = Params::default();
    p.users.gap_penalty = 2.0;
    p.users.segments[0].share = 2.0;
    p.auction.reserve = 11.0;
    p.sim.days = 0;
    p.launch.count = 0;
    p.users.ad_engagement_per_click = -1.0;
    let fields: Vec<String> = Scenario::new(p)
        .expect_err("invalid")
        .into_iter()
        .map(|e| e.field)
        .collect();
    // `Params`' field order (sim first; within users, gap_penalty last), not the controls' order.
    assert_eq!(
        fields,
        [
            "sim.days",
            "auction.reserve",
            "users.segments[0].share",
            "users.ad_engagement_per_click",
            "users.gap_penalty",
            "launch.count",
        ]
    );
}

/// The doc comments of `Params`' fields, by dotted key (`auction.reserve`,
/// `users.segments[].share`), read from the source.
fn params_field_docs() -> Vec<(String, String)> {
    let source = include_str!("../src/core/model/params.rs");
    let prefix_of = |name: &str| match name {
        "SimParams" => Some("sim"),
        "UtilityWeights" => Some("utility"),
        "AuctionParams" => Some("auction"),
        "AdLoadParams" => Some("ad_load"),
        "UserParams" => Some("users"),
        "AdvertiserParams" => Some("advertisers"),
        "LaunchParams" => Some("launch"),
        "PromotionParams" => Some("promotion"),
        "Segment" => Some("users.segments[]"),
        _ => None,
    };
    let (mut prefix, mut doc, mut out) = (None, String::new(), Vec::new());
    for line in source.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("pub struct ") {
            prefix = prefix_of(rest.split_whitespace().next().unwrap_or(""));
            doc.clear();
        } else if let Some(text) = line.strip_prefix("///") {
            doc.push_str(text);
            doc.push(' ');
        } else if let (Some(p), Some(rest)) = (prefix, line.strip_prefix("pub ")) {
            if let Some((field, _)) = rest.split_once(':') {
                out.push((format!("{p}.{field}"), std::mem::take(&mut doc)));
            }
        } else if line == "}" {
            prefix = None;
        } else if !line.starts_with("#[") {
            doc.clear();
        }
    }
    out
}

/// `1–200 000` → `1–200000`, `−1 to 1` → `-1–1`: the form of [`Limits::range_text`].
fn normalise_ranges(text: &str) -> String {
    let chars: Vec<char> = text
        .replace(" to ", "–")
        .replace('−', "-")
        .chars()
        .collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if !(c.is_whitespace() && between_digits) {
            out.push(*c);
        }
    }
    out
}

#[test]
fn the_params_docs_state_the_tables_ranges() {
    let docs = params_field_docs();
    assert!(docs.len() > 50, "parsed only {} fields", docs.len());
    let mut checked = 0;
    for (key, doc) in &docs {
        let limits = match key.strip_prefix("users.segments[].") {
            Some(name) => sandbox::core::model::knobs::segment_field(name).map(|f| f.limits),
            None => sandbox::core::model::knobs::numeric_by_key(key)
                .filter(|s| s.id != Knob::Seed)
                .and_then(|s| s.limits()),
        };
        let Some(limits) = limits else { continue };
        let range = limits.range_text();
        assert!(
            normalise_ranges(doc).contains(&range),
            "the doc of {key} does not state the accepted range {range}: {doc}"
        );
        checked += 1;
    }
    assert_eq!(
        checked,
        table().iter().filter(|s| s.limits().is_some()).count() - 1 + SEGMENT_FIELDS.len()
    );
}

/// Every number of two runs, equal up to a relative `tol` (0: exactly).
fn assert_runs_close(
    a: &sandbox::core::model::RunResult,
    b: &sandbox::core::model::RunResult,
    tol: f64,
    what: &str,
) {
    if tol == 0.0 {
        assert_eq!(a, b, "{what}");
        return;
    }
    fn walk(a: &serde_json::Value, b: &serde_json::Value, tol: f64, path: &str, what: &str) {
        use serde_json::Value as J;
        match (a, b) {
            (J::Number(x), J::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                assert!(
                    (x - y).abs() <= tol * x.abs().max(y.abs()).max(1e-300),
                    "{what}: {path}: {x} vs {y}"
                );
            }
            (J::Array(xs), J::Array(ys)) => {
                assert_eq!(xs.len(), ys.len(), "{what}: {path}");
                for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                    walk(x, y, tol, &format!("{path}[{i}]"), what);
                }
            }
            (J::Object(xs), J::Object(ys)) => {
                assert_eq!(xs.len(), ys.len(), "{what}: {path}");
                for (k, x) in xs {
                    walk(x, &ys[k], tol, &format!("{path}.{k}"), what);
                }
            }
            _ => assert_eq!(a, b, "{what}: {path}"),
        }
    }
    let (ja, jb) = (
        serde_json::to_value(a).expect("json"),
        serde_json::to_value(b).expect("json"),
    );
    walk(&ja, &jb, tol, "", what);
}

/// A smaller market still (the override checks run many configurations).
fn tiny() -> Params {
    let mut p = small();
    p.users.count = 120;
    p.sim.days = 4;
    p.launch.enabled = false;
    p
}

fn set(p: &Params, knob: Knob, x: f64) -> Params {
    let mut q = p.clone();
    (knob.spec().set)(&mut q, &Value::Number(x));
    q
}

fn run(p: &Params) -> sandbox::core::model::RunResult {
    simulate(&Scenario::new(p.clone()).expect("valid"))
}

/// Checks one configuration for `knob`: when its note says it acts as another value, the run is
/// that value's run (`tol`: relative rounding allowed); returns whether it said so.
fn check_override(p: &Params, knob: Knob, tol: f64) -> bool {
    let s = knob.spec();
    let note = s.inactive_note(p);
    match s.needs.acts_as(p) {
        Some(v) => {
            let note = note.expect("acts_as comes with a note");
            // The note names the value it acts as (the revenue weight's: any value above 0).
            let named = if knob == Knob::WRev {
                "above 0".to_string()
            } else {
                format!("acts as {}", shown(s, v))
            };
            assert!(note.contains(&named), "{}: '{note}' names {named}", s.url);
            assert_runs_close(
                &run(p),
                &run(&set(p, knob, v)),
                tol,
                &format!("{}: '{note}'", s.url),
            );
            true
        }
        None => false,
    }
}

fn shown(s: &ParamSpec, v: f64) -> String {
    s.limits().map_or_else(|| v.to_string(), |l| l.show(v))
}

#[test]
fn an_overridden_knob_gives_the_run_of_the_value_it_acts_as() {
    let mut said = std::collections::HashMap::<Knob, usize>::new();
    let mut count = |k: Knob, yes: bool| {
        if yes {
            *said.entry(k).or_default() += 1;
        }
    };
    // The fixed grid: first, every, top slot and gap against each other.
    for (first, every, top, gap) in [
        (3, 2, 2, 3),
        (1, 1, 1, 4),
        (2, 5, 6, 3),
        (1, 3, 5, 3),
        (5, 4, 2, 3),
        (4, 2, 7, 2),
        (2, 8, 4, 3),
        (6, 1, 3, 5),
        (1, 6, 9, 2),
    ] {
        let mut p = tiny();
        p.ad_load.first_position = first;
        p.ad_load.every = every;
        p.ad_load.top_slot = top;
        p.ad_load.min_gap = gap;
        p.ad_load.max_ads = 5;
        for knob in [
            Knob::Every,
            Knob::FirstAd,
            Knob::TopSlot,
            Knob::MinGap,
            Knob::MaxAds,
        ] {
            count(knob, check_override(&p, knob, 0.0));
        }
    }
    // Max ads and the gap under every policy.
    for policy in AdLoadPolicy::ALL {
        for (len, top, gap, max) in [
            (10, 4, 3, 6),
            (12, 13, 2, 2),
            (25, 2, 3, 12),
            (8, 1, 1, 1),
            (10, 2, 4, 1),
        ] {
            let mut p = tiny();
            p.ad_load.policy = policy;
            p.ad_load.feed_length = len;
            p.ad_load.top_slot = top;
            p.ad_load.min_gap = gap;
            p.ad_load.max_ads = max;
            for knob in [Knob::MaxAds, Knob::MinGap, Knob::TopSlot] {
                count(knob, check_override(&p, knob, 0.0));
            }
            if max == 1 && gap > 1 {
                // One ad per session: the gap never binds, under every policy.
                let note = Knob::MinGap.spec().inactive_note(&p);
                assert!(
                    note.as_deref()
                        .is_some_and(|n| n.starts_with("At most one ad")),
                    "{policy:?}: {note:?}"
                );
            }
        }
    }
    // The revenue weight: only ratios matter while the other weights are 0.
    for policy in [AdLoadPolicy::Fixed, AdLoadPolicy::Exact] {
        for format in sandbox::core::auction::Format::ALL {
            for w in [0.05, 0.7, 5.0] {
                let mut p = tiny();
                p.ad_load.policy = policy;
                p.auction.format = format;
                p.utility.w_rev = w;
                p.utility.w_eng = 0.0;
                p.utility.w_qual = 0.0;
                p.utility.w_fat = 0.0;
                count(Knob::WRev, check_override(&p, Knob::WRev, 1e-9));
            }
        }
    }
    for knob in [
        Knob::Every,
        Knob::FirstAd,
        Knob::TopSlot,
        Knob::MinGap,
        Knob::MaxAds,
    ] {
        assert!(
            said.get(&knob).copied().unwrap_or(0) >= 2,
            "{knob:?}: {said:?}"
        );
    }
    assert!(
        said.get(&Knob::WRev).copied().unwrap_or(0) >= 15,
        "{said:?}"
    );
}

#[test]
fn the_override_conditions_are_sharp() {
    // Just past each boundary the knob acts, so the notes do not claim more than is true.
    let fixed = |first, every, top, gap, max| {
        let mut p = tiny();
        p.ad_load.first_position = first;
        p.ad_load.every = every;
        p.ad_load.top_slot = top;
        p.ad_load.min_gap = gap;
        p.ad_load.max_ads = max;
        p
    };
    // every = 4 with gap 3: no note, and it differs from every = 3 (what 2 acts as).
    let p = fixed(3, 4, 2, 3, 4);
    assert!(Knob::Every.spec().inactive_note(&p).is_none());
    assert_ne!(run(&p), run(&set(&p, Knob::Every, 3.0)));
    let p = fixed(3, 2, 2, 3, 4);
    let note = Knob::Every.spec().inactive_note(&p).expect("overridden");
    assert_eq!(note, "Minimum gap 3 overrides this: ad every 2 acts as 3.");
    assert_eq!(run(&p), run(&set(&p, Knob::Every, 1.0)));
    // First ad before the top slot, but with ads far apart the later ads follow the first
    // position: no note, and it acts.
    let p = fixed(1, 6, 4, 2, 4);
    assert!(Knob::FirstAd.spec().inactive_note(&p).is_none());
    assert_ne!(run(&p), run(&set(&p, Knob::FirstAd, 4.0)));
    // The top slot beyond the first ad position acts.
    let p = fixed(3, 6, 4, 3, 4);
    assert!(Knob::TopSlot.spec().inactive_note(&p).is_none());
    assert_ne!(run(&p), run(&set(&p, Knob::TopSlot, 3.0)));
    // A gap larger than the fixed spacing acts.
    let p = fixed(3, 4, 2, 5, 4);
    assert!(Knob::MinGap.spec().inactive_note(&p).is_none());
    assert_ne!(run(&p), run(&set(&p, Knob::MinGap, 1.0)));
    // Max ads at what fits acts (one fewer changes the run) under each policy.
    for policy in AdLoadPolicy::ALL {
        let mut p = fixed(2, 3, 2, 3, 1);
        p.ad_load.policy = policy;
        p.ad_load.feed_length = 12;
        p.ad_load.theta = 0.0;
        p.ad_load.lambda = 0.0;
        let fit = sandbox::core::model::knobs::ads_that_fit(&p);
        assert!(fit >= 2, "{policy:?}");
        p.ad_load.max_ads = fit;
        assert!(
            Knob::MaxAds.spec().inactive_note(&p).is_none(),
            "{policy:?}"
        );
        assert_ne!(
            run(&p),
            run(&set(&p, Knob::MaxAds, fit as f64 - 1.0)),
            "{policy:?}"
        );
        p.ad_load.max_ads = fit + 1;
        assert!(
            Knob::MaxAds.spec().inactive_note(&p).is_some(),
            "{policy:?}"
        );
        // With the no-adjacent-category rule the note claims nothing.
        p.ad_load.no_adjacent_same_category = true;
        assert!(
            Knob::MaxAds.spec().inactive_note(&p).is_none(),
            "{policy:?}"
        );
    }
    // The revenue weight acts as soon as another weight is not 0, and under the threshold policy.
    let mut p = tiny();
    p.utility.w_eng = 0.0;
    p.utility.w_qual = 0.0;
    p.utility.w_fat = 0.0;
    p.utility.w_rev = 2.0;
    assert!(Knob::WRev.spec().inactive_note(&p).is_some());
    let mut q = p.clone();
    q.utility.w_qual = 0.01;
    assert!(Knob::WRev.spec().inactive_note(&q).is_none());
    assert_ne!(run(&q), run(&set(&q, Knob::WRev, 0.1)));
    let mut q = p.clone();
    q.ad_load.policy = AdLoadPolicy::Threshold;
    assert!(Knob::WRev.spec().inactive_note(&q).is_none());
    assert_ne!(run(&q), run(&set(&q, Knob::WRev, 0.1)));
}

#[test]
fn strategies_are_validated_and_written_only_when_set() {
    let mut p = Params::default();
    p.advertisers.strategies = [
        ("manual".to_string(), 1.0),
        ("sniper".to_string(), 1.0),
        ("max_clicks".to_string(), -1.0),
    ]
    .into();
    let errors = Scenario::new(p).expect_err("bad strategies");
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(
        fields.contains(&"advertisers.strategies.sniper"),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"advertisers.strategies.max_clicks"),
        "{fields:?}"
    );
    let mut p = Params::default();
    p.advertisers.strategies = [("manual".to_string(), 0.0)].into();
    let errors = Scenario::new(p).expect_err("all-zero mix");
    assert_eq!(errors[0].field, "advertisers.strategies");
    // Defaults are not written; a mix is, and reads back.
    let text = serde_json::to_string(&Params::default()).unwrap();
    assert!(!text.contains("strategies") && !text.contains("pacing_method"));
    let mut p = Params::default();
    p.advertisers.strategies = [("target_roas".to_string(), 2.0)].into();
    let text = serde_json::to_string(&p).unwrap();
    let back: Params = serde_json::from_str(&text).unwrap();
    assert_eq!(back, p);
    assert_eq!(p.advertisers.strategy_share(Strategy::TargetRoas), 1.0);
}
