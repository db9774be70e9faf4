//! Presets: valid, distinct, documented, and shareable as short links.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::collections::HashSet;

use sandbox::config::presets::{preset, presets};
use sandbox::config::url::{decode, encode};
use sandbox::core::model::{Params, Scenario};

#[test]
fn every_preset_validates() {
    for p in presets() {
        let params = (p.params)();
        assert!(
            Scenario::new(params).is_ok(),
            "preset {} does not validate",
            p.id
        );
    }
}

#[test]
fn the_first_preset_is_the_default_and_every_other_differs_from_it() {
    let all = presets();
    assert_eq!(all[0].id, "balanced");
    assert_eq!((all[0].params)(), Params::default());
    for p in &all[1..] {
        assert_ne!(
            (p.params)(),
            Params::default(),
            "preset {} is the default",
            p.id
        );
    }
    // And from each other.
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(
                (a.params)(),
                (b.params)(),
                "{} and {} are equal",
                a.id,
                b.id
            );
        }
    }
}

#[test]
fn ids_are_unique_and_texts_are_sentences() {
    let mut seen = HashSet::new();
    for p in presets() {
        assert!(seen.insert(p.id), "duplicate preset id {}", p.id);
        assert_eq!(preset(p.id).map(|q| q.id), Some(p.id));
        assert!(!p.name.is_empty());
        assert!(
            p.description.ends_with('.') && p.description.len() > 30,
            "{}: description must be a sentence",
            p.id
        );
    }
    assert!(preset("nope").is_none());
}

#[test]
fn presets_are_short_links() {
    for p in presets() {
        let params = (p.params)();
        let link = encode(&params, None);
        assert!(link.len() < 120, "{}: {link}", p.id);
        let decoded = decode(&link);
        assert!(
            decoded.problems.is_empty(),
            "{}: {:?}",
            p.id,
            decoded.problems
        );
        assert_eq!(decoded.params, params, "{}", p.id);
    }
}

#[test]
fn the_autobidding_market_is_mostly_autobid_with_budgets_that_bind() {
    let mut p = (preset("autobidding").expect("the preset exists").params)();
    for s in ["manual", "max_clicks", "target_roas", "target_cpc"] {
        assert!(p.advertisers.strategies.contains_key(s), "{s}");
    }
    // The first week of the preset itself (its 2 000 users: fewer users would buy fewer clicks
    // and loosen the budgets).
    p.sim.days = 7;
    let r = sandbox::core::model::simulate(&Scenario::new(p).expect("valid"));
    let w = &r.summaries.first_week;
    let autobid: f64 = w
        .by_strategy
        .iter()
        .filter(|(k, _)| k.as_str() != "manual")
        .map(|(_, x)| x.spend_per_day)
        .sum();
    assert!(
        autobid > 0.7 * w.revenue_per_day,
        "autobidders place {autobid} of {}",
        w.revenue_per_day
    );
    assert!(
        w.budget_utilisation > 0.75,
        "budgets bind: {}",
        w.budget_utilisation
    );
    // Budgets cap what advertisers could pay for: liquid welfare well below value.
    assert!(w.liquid_welfare_per_day < 0.8 * w.advertiser_value_per_day);
}
