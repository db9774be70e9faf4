//! The Model page's equations for bidding strategies and pacing, with the engine's step sizes
//! and memories formatted in from [`crate::core::model::constants`] and the learner's knob
//! defaults from [`Params::default`], so the page cannot drift from the code. Plain text,
//! compiled natively, so a test checks that it prints each constant as the code has it.

use crate::core::model::constants::{
    AUTOBID_LOG_MULT_MAX, AUTOBID_MEMORY, HOURS, LEARN_SHADING_LEVELS, MAX_CLICKS_MAX_DUAL,
    MAX_CLICKS_STEP, PACING_MAX_MULTIPLIER, PACING_RECOVERY, PACING_SLOWDOWN, TARGET_CPC_STEP,
    TARGET_ROAS_STEP, THROTTLE_MIN_PARTICIPATION,
};
use crate::core::model::Params;

/// The bidding strategies' bids and hourly controller updates (`S_h`, `V_h`, `C_h`: the hour's
/// spend, value and clicks).
pub fn strategy_equations() -> String {
    format!(
        "manual:        bid = value · (1 − shading)\n\
         max_clicks:    bid = value · (1 − shading) / (1 + μ)\n\
         \x20              after hour h:  μ ← clamp(μ + ε·(S_h − ρ)/ρ, 0, μ̄),   ρ = budget / {HOURS},  ε = {MAX_CLICKS_STEP},  μ̄ = {MAX_CLICKS_MAX_DUAL}\n\
         \x20              (the hour the budget runs out is skipped unless the whole day's budget went in it; max_clicks_rule = skip_spend_out_hour, as version-1 links, always skips it)\n\
         target_roas:   bid = α · value\n\
         \x20              after hour h:  ln α ← ln α + η·clip((V_h − T·S_h) / (T·S̄), ±1),   η = {TARGET_ROAS_STEP}\n\
         target_cpc:    bid = β · T_cpc\n\
         \x20              after hour h:  ln β ← ln β + η·clip((T_cpc·C_h − S_h) / (T_cpc·C̄), ±1),   η = {TARGET_CPC_STEP}\n\
         \n\
         S̄, C̄ = running hourly spend and clicks (memory {AUTOBID_MEMORY} per hour);   |ln α|, |ln β| ≤ {AUTOBID_LOG_MULT_MAX}"
    )
}

/// The shading learner's bid, estimate update and choice, with its grid and knob defaults.
pub fn learning_equations() -> String {
    let d = Params::default().advertisers;
    let levels = LEARN_SHADING_LEVELS;
    format!(
        "learning_shading (first price):  bid = (1 − s_k) · value,   s_k ∈ {{{}, {}, …, {}}}\n\
         after hour h at level k:   Ŵ_k ← λ·Ŵ_k + (1 − λ)·C_h / n_h      (first observation: Ŵ_k = C_h / n_h)\n\
         next level:   argmax_k (value − bid_k)·Ŵ_k = argmax_k s_k·Ŵ_k;   with probability ε a uniformly drawn level\n\
         \n\
         n_h = the hour's sessions;  λ = learning memory (default {}),  ε = learning exploration (default {});  every level is tried once first",
        levels[0],
        levels[1],
        levels[levels.len() - 1],
        d.learning_memory,
        d.learning_exploration,
    )
}

/// The pacing methods' hourly updates.
pub fn pacing_equations() -> String {
    format!(
        "schedule after hour h:  budget · (h+1)/{HOURS};   ahead = spend > schedule\n\
         multiplicative:  ahead ⇒ m ← {PACING_SLOWDOWN}·m,  else m ← min({PACING_RECOVERY}·m, {PACING_MAX_MULTIPLIER});   bid × m\n\
         throttling:      ahead ⇒ q ← max(q · min({PACING_SLOWDOWN}, schedule/spend), {THROTTLE_MIN_PARTICIPATION}),  else q ← min({PACING_RECOVERY}·q, 1);   competes in an hour with probability q\n\
         none:            full bids until spend ≥ budget"
    )
}
