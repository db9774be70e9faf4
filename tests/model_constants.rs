//! The model's named constants and the texts that cite them: the engine's documentation, the
//! parameter help, the configuration docs and the Model page must say what the engine does.
//! (The engine's own unit tests pin that the day loop uses the constants.)
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::app::model_text::{learning_equations, pacing_equations, strategy_equations};
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

/// The Model page's bidding and pacing equations print every step size, memory and bound as the
/// code has it (formatted in by `app::model_text`), and the learner's knob defaults.
#[test]
fn model_page_bidding_text_prints_the_constants_as_the_code_has_them() {
    let strategies = strategy_equations();
    for cited in [
        format!("ρ = budget / {HOURS}"),
        format!("ε = {MAX_CLICKS_STEP}"),
        format!("μ̄ = {MAX_CLICKS_MAX_DUAL}"),
        format!("clip((V_h − T·S_h) / (T·S̄), ±1),   η = {TARGET_ROAS_STEP}"),
        format!("clip((T_cpc·C_h − S_h) / (T_cpc·C̄), ±1),   η = {TARGET_CPC_STEP}"),
        format!("memory {AUTOBID_MEMORY} per hour"),
        format!("≤ {AUTOBID_LOG_MULT_MAX}"),
    ] {
        assert!(strategies.contains(&cited), "strategies lack {cited:?}");
    }
    let d = Params::default().advertisers;
    let learning = learning_equations();
    for cited in [
        format!(
            "s_k ∈ {{{}, {}, …, {}}}",
            LEARN_SHADING_LEVELS[0],
            LEARN_SHADING_LEVELS[1],
            LEARN_SHADING_LEVELS[LEARN_SHADING_LEVELS.len() - 1]
        ),
        format!("learning memory (default {})", d.learning_memory),
        format!("learning exploration (default {})", d.learning_exploration),
    ] {
        assert!(learning.contains(&cited), "learning lacks {cited:?}");
    }
    // The grid is evenly spaced, so "…" hides nothing.
    let step = LEARN_SHADING_LEVELS[1] - LEARN_SHADING_LEVELS[0];
    for w in LEARN_SHADING_LEVELS.windows(2) {
        assert!((w[1] - w[0] - step).abs() < 1e-12);
    }
    let pacing = pacing_equations();
    for cited in [
        format!("budget · (h+1)/{HOURS}"),
        format!("m ← {PACING_SLOWDOWN}·m"),
        format!("min({PACING_RECOVERY}·m, {PACING_MAX_MULTIPLIER})"),
        format!("min({PACING_SLOWDOWN}, schedule/spend), {THROTTLE_MIN_PARTICIPATION})"),
        format!("q ← min({PACING_RECOVERY}·q, 1)"),
    ] {
        assert!(pacing.contains(&cited), "pacing lacks {cited:?}");
    }
}

/// The Model page cites each strategy's and pacing equilibrium's source, and formats the bidding
/// equations in rather than spelling their step sizes.
#[test]
fn model_page_documents_every_strategy_and_controller_with_references() {
    let page = include_str!("../src/ui/components/model_page.rs");
    for needed in [
        "strategy_equations()",
        "learning_equations()",
        "pacing_equations()",
        "Balseiro & Gur 2019",
        "Aggarwal, Badanidiyuru & Mehta 2019",
        "Jeunen, Murphy & Allison 2022",
        "Balseiro, Kim, Mahdian & Mirrokni 2021",
        "Conitzer, Kroer, Panigrahi et al. 2022",
        "Conitzer, Kroer, Sodomka & Stier-Moses 2022",
        "FPPE",
        "SPPE",
    ] {
        assert!(page.contains(needed), "the Model page lacks {needed:?}");
    }
    let text = include_str!("../src/app/model_text.rs");
    for name in [
        "MAX_CLICKS_STEP",
        "MAX_CLICKS_MAX_DUAL",
        "TARGET_ROAS_STEP",
        "TARGET_CPC_STEP",
        "AUTOBID_MEMORY",
        "AUTOBID_LOG_MULT_MAX",
        "THROTTLE_MIN_PARTICIPATION",
        "LEARN_SHADING_LEVELS",
    ] {
        assert!(
            text.contains(name),
            "the bidding text does not format {name} in"
        );
    }
    let all = format!(
        "{}{}{}",
        strategy_equations(),
        learning_equations(),
        pacing_equations()
    );
    for strategy in sandbox::core::model::Strategy::ALL {
        assert!(
            all.contains(strategy.as_str()),
            "no equation for {}",
            strategy.as_str()
        );
    }
    for method in sandbox::core::model::PacingMethod::ALL {
        assert!(
            all.contains(method.as_str()),
            "no equation for {}",
            method.as_str()
        );
    }
}
