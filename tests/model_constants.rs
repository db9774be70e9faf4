//! The model's named constants and the texts that cite them: the engine's documentation, the
//! parameter help, the configuration docs and the Model page must say what the engine does.
//! (The engine's own unit tests pin that the day loop uses the constants.)
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::auction::Format;
use sandbox::core::model::constants::*;
use sandbox::core::model::knobs::spec;
use sandbox::core::model::{Params, Scenario};

/// A fraction as the texts write it: `0.9` → `90%`.
fn percent(fraction: f64) -> String {
    format!("{:.0}%", fraction * 100.0)
}

/// A source file's `//!` and `///` comments, as one line of prose (line breaks become spaces).
fn doc_text(source: &str) -> String {
    source
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            l.strip_prefix("//!").or_else(|| l.strip_prefix("///"))
        })
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

fn help(id: &str) -> &'static str {
    spec(id).unwrap_or_else(|| panic!("no parameter {id}")).help
}

#[test]
fn automatic_shading_is_the_named_constant_per_format() {
    for format in Format::ALL {
        let mut p = Params::default();
        p.auction.format = format;
        p.auction.bid_shading = None;
        let expected = match format {
            Format::FirstPrice => AUTO_SHADING_FIRST_PRICE,
            Format::Gsp | Format::Vcg => AUTO_SHADING_GSP_VCG,
        };
        let shading = Scenario::new(p).expect("valid").bid_shading();
        assert_eq!(shading, expected, "{}", format.as_str());
    }
}

#[test]
fn roi_weights_sum_to_one() {
    assert_eq!(ROI_MEMORY + ROI_WEIGHT_TODAY, 1.0);
}

#[test]
fn engine_docs_cite_the_constants_values() {
    let docs = doc_text(include_str!("../src/core/model/engine.rs"));
    for cited in [
        format!("{HOURS} hours ([`HOURS`])"),
        format!("by {PACING_SLOWDOWN} ([`PACING_SLOWDOWN`])"),
        format!("by {PACING_RECOVERY} ([`PACING_RECOVERY`])"),
        format!("capped at {PACING_MAX_MULTIPLIER} ([`PACING_MAX_MULTIPLIER`])"),
        format!("weight {ROI_WEIGHT_TODAY} on today, [`ROI_WEIGHT_TODAY`]"),
        format!("{ROI_MEMORY} on the past, [`ROI_MEMORY`]"),
        format!("{CHURN_MIN_DAYS_WITH_SPEND} days with spend ([`CHURN_MIN_DAYS_WITH_SPEND`])"),
        format!(
            "≥ {} of its budget ([`GROWTH_MIN_BUDGET_SPENT`])",
            percent(GROWTH_MIN_BUDGET_SPENT)
        ),
        format!("k = {FATIGUE_PER_IMPRESSION}` fatigue units ([`FATIGUE_PER_IMPRESSION`])"),
        format!("σ = {USER_VISIT_SIGMA} ([`USER_VISIT_SIGMA`])"),
        format!("σ = {USER_CLICK_SIGMA}, [`USER_CLICK_SIGMA`]"),
        format!("σ = {USER_ORGANIC_SIGMA}, [`USER_ORGANIC_SIGMA`]"),
        format!("concentration {INTEREST_CONCENTRATION} ([`INTEREST_CONCENTRATION`])"),
    ] {
        assert!(docs.contains(&cited), "engine docs lack {cited:?}");
    }
}

#[test]
fn parameter_help_and_config_docs_cite_the_constants_values() {
    let shading = format!("shade {} in first price", percent(AUTO_SHADING_FIRST_PRICE));
    assert!(
        help("bidding").contains(&shading),
        "bidding help lacks {shading:?}"
    );
    let window = format!("after {CHURN_MIN_DAYS_WITH_SPEND} days with spend");
    assert!(
        help("roi_target").contains(&window),
        "roi_target help lacks {window:?}"
    );
    let growth = format!("at least {} spent", percent(GROWTH_MIN_BUDGET_SPENT));
    assert!(
        help("growth").contains(&growth),
        "growth help lacks {growth:?}"
    );

    let automatic = format!(
        "{AUTO_SHADING_GSP_VCG} in GSP and VCG (truthful), {AUTO_SHADING_FIRST_PRICE} in first price"
    );
    let threshold = format!("budget ≥ {} spent", percent(GROWTH_MIN_BUDGET_SPENT));
    // (The README's configuration table is generated from the knob help checked above.)
    let params_docs = doc_text(include_str!("../src/core/model/params.rs"));
    assert!(
        params_docs.contains(&automatic),
        "params.rs lacks {automatic:?}"
    );
    assert!(
        params_docs.contains(&threshold),
        "params.rs lacks {threshold:?}"
    );
}

/// The Model page renders only in the browser; natively we check that it formats the constants
/// in rather than spelling out their values.
#[test]
fn model_page_formats_the_constants_in() {
    let page = include_str!("../src/ui/components/model_page.rs");
    for name in [
        "HOURS",
        "PACING_SLOWDOWN",
        "PACING_RECOVERY",
        "PACING_MAX_MULTIPLIER",
        "ROI_WEIGHT_TODAY",
        "CHURN_MIN_DAYS_WITH_SPEND",
        "GROWTH_MIN_BUDGET_SPENT",
        "AUTO_SHADING_FIRST_PRICE",
        "FATIGUE_PER_IMPRESSION",
        "QUALITY_TERCILES",
        "USER_VISIT_SIGMA",
        "USER_CLICK_SIGMA",
        "USER_ORGANIC_SIGMA",
        "INTEREST_CONCENTRATION",
    ] {
        // Imported, and used (an unused import fails the lint run).
        assert!(
            page.contains(name),
            "the Model page does not format {name} in"
        );
    }
    for spelled in [
        "× 0.8",
        "× 1.25",
        "weight 0.3",
        "after 7 days",
        "90% of budget",
        "shade 30%",
        "k = 0.005",
        "24 hours",
    ] {
        assert!(!page.contains(spelled), "the Model page spells {spelled:?}");
    }
}
