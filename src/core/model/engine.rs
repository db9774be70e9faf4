//! The day loop: users visit, each session gets a feed with ads, advertisers pay, users tire,
//! advertisers pace, churn and arrive.
//!
//! ## Users
//!
//! User `u` belongs to a segment and draws (stream `UserInit`, `u`): a visit rate `v_u` (segment
//! mean × log-normal noise, σ = 0.3 ([`USER_VISIT_SIGMA`]), mean-preserving), an ad click
//! propensity `c_u` (σ = 0.5, [`USER_CLICK_SIGMA`]), an organic engagement propensity `o_u`
//! (σ = 0.3, [`USER_ORGANIC_SIGMA`], capped at 1), and interests `I_u[c]` over the categories
//! (Dirichlet around the segment's weights, concentration 6 ([`INTEREST_CONCENTRATION`]), scaled
//! so the mean over categories is 1). Fatigue `F_u` starts at 0.
//!
//! Each day the user has `Poisson(v_u · e^{−γ·F_u})` sessions (`γ` = `visit_sensitivity`: tired
//! users return less — Goldstein, McAfee & Suri 2013; Huang, Reiley & Riabov 2018), each at a
//! uniformly drawn hour.
//!
//! ## One session
//!
//! 1. **Click propensity** of ad `i` for user `u` (slot-independent, "separable CTRs"):
//!    `e_ui = c_u · B(F_u) · 2·quality_i · m_i · I_u[cat_i]`, where `B(F) = e^{−β·F}` is ad
//!    blindness (`β` = `blindness`; Hohnhold, O'Brien & Tang 2015) and `m_i` is the format's CTR
//!    multiplier (1 except for a launched offering). A quality-0.5 ad for an average-interest,
//!    unfatigued user has `e = c_u`.
//! 2. **Candidates**: active advertisers with budget left (`spend < budget`), below the frequency
//!    cap for this user today, matching their targeting, with bid `≥` reserve. The bid per click
//!    is `value · (1 − shading) · pacing multiplier`.
//! 3. **Ranking utility** (in currency per impression):
//!    `U_ui = w_rev · bid_i · e_ui^q + w_eng · a · e_ui + w_qual · quality_i − w_fat · ΔF_ui`
//!    where `a` = `ad_engagement_per_click` (engagement per unit of click propensity) and
//!    `ΔF_ui` the fatigue this impression would add (below). The top `max_ads + 1` candidates by
//!    `U` are kept; equal utilities rank the lower advertiser index first. (With
//!    `no_adjacent_same_category`, ads that would follow an ad of the same category are
//!    skipped.)
//! 4. **Blending** ([`crate::core::feed`]): organic item `r` (1-based) has utility
//!    `o_u · ρ^{r−1}` (`ρ` = `organic_decay`). *fixed*: ads at `first_position`, then every
//!    `every`; *threshold*: an ad goes at an allowed position iff `U ≥ θ · u_org` of the organic
//!    item it displaces; *exact*: the layout maximising `Σ_p w_p (r_p + λ·u_p)` with
//!    `r = bid · e_ui` (expected revenue per view) and `u` the item's engagement, with
//!    `w_p = 1/log2(p+1)` — the platform's attention model. Guardrails (`top_slot`, `min_gap`,
//!    `max_ads`) bind every policy.
//! 5. **Prices** per click ([`crate::core::auction::price`]): over the placed ads in rank order plus
//!    the first unplaced candidate; VCG uses `w_p` at the ads' positions as slot CTRs.
//! 6. **Scrolling**: the user views position 1, then continues to the next with probability
//!    `1 − h_p`, `h_p = 1/depth + h_ad · (ads seen so far)` (`h_ad` = `ad_exit_hazard`: ads make
//!    users leave sooner). Let `s_p` be the probability position `p` is viewed.
//! 7. **Outcomes** (expected values): an ad at `p` gets `s_p` impressions and
//!    `s_p · e_ui · g_p` clicks, with the gap effect `g_p = 1 − gap_penalty / d` for an ad `d`
//!    positions after the previous ad (1 for the first ad; Yan et al. 2020). The advertiser pays
//!    price × clicks and gains value × clicks. Organic item `r` viewed at `p` yields
//!    `s_p · o_u · ρ^{r−1}` engagements; an ad yields `s_p · a · e_ui · g_p`.
//!
//! Prices come from the competition among ads: GSP charges the least bid that keeps an ad's
//! rank against the next ad (at least the reserve), as in the auction literature. Under the
//! threshold and exact policies an ad also competes with the organic item it displaces; that
//! competition decides *whether* it is shown, not its price. VCG uses the planner's attention
//! weights `w_p` as slot CTRs, so it is VCG for the platform's model of the feed, not for the
//! realised scroll behaviour.
//!
//! ## Fatigue (long-term ad blindness)
//!
//! An ad impression adds `ΔF_ui = k · σ_u · (κ + (1 − κ) · 2·(1 − quality_i))` to the user's
//! fatigue, with `k = 0.005` fatigue units ([`FATIGUE_PER_IMPRESSION`]), `σ_u` the user's
//! sensitivity (segment × global) and `κ` = `count_share`: with `κ < 1`, low-quality ads tire
//! users more than high-quality ones — Hohnhold et al. found ad quality, not ad count alone,
//! drives ads blindness. At the end of each day `F ← F · 2^{−1/half_life} + Σ ΔF` (expected
//! impressions). So under a constant load fatigue approaches its steady state along
//! `1 − e^{−βt}` with `β = ln 2 / half_life` — Hohnhold's learning curve. With `fatigue` off,
//! `F ≡ 0` and, since nothing else in the user model depends on time, user behaviour is
//! stationary.
//!
//! ## Advertisers
//!
//! Advertiser `i` (stream `AdvertiserInit`) has a category (uniform), a value per click
//! (log-normal with mean `value_mean`, log-sd `value_sigma`), a daily budget (log-normal, mean
//! `budget_mean`), a quality (Beta with mean `quality_mean`, sd `quality_spread`) and, with
//! probability `targeted_share`, targeting: it competes only for users with above-average interest
//! in its category.
//!
//! **Pacing** (bid multiplier): the day has 24 hours ([`HOURS`]) with uniform traffic. After hour
//! `h` an advertiser whose spend exceeds `budget · (h+1)/24` multiplies its pacing multiplier by
//! 0.8 ([`PACING_SLOWDOWN`]), otherwise by 1.25 ([`PACING_RECOVERY`]), capped at 1
//! ([`PACING_MAX_MULTIPLIER`]). Independently of pacing, an advertiser with `spend ≥ budget`
//! stops competing; since one impression costs at most one click's price, a day's spend never
//! exceeds the budget by more than one click's price.
//!
//! **Bidding strategies** (`advertisers.strategies`; each advertiser draws its strategy once, one
//! uniform from its own stream `Strategy` keyed by its identity, so a mix reshuffles nothing
//! else). `manual` bids `value · (1 − shading)` as above. The autobidders' controllers step after
//! every hour `h` from the hour's spend `S_h`, value `V_h` and clicks `C_h`, and keep their state
//! from day to day; once a pot is spent they rest:
//!
//! - `max_clicks` — adaptive pacing (Balseiro & Gur 2019): bid `value·(1 − shading)/(1 + μ)`,
//!   `μ ← clamp(μ + ε·(S_h − ρ)/ρ, 0, μ̄)` with `ρ = budget/24` ([`MAX_CLICKS_STEP`],
//!   [`MAX_CLICKS_MAX_DUAL`]): the dual of the budget constraint, whose fixed point spends the
//!   budget exactly when it binds (and `μ = 0`, bidding value, when it cannot). The hour the
//!   budget runs out is censored (its spend is cut short by the budget) and is skipped, except
//!   when the whole day's budget went in that one hour: then the day has no other hour with
//!   spend to learn from, and the dual steps with `S_h` = the budget (`g = 23`), so a bidder
//!   that spends out at once lowers its bid. `advertisers.max_clicks_rule =
//!   skip_spend_out_hour` keeps the rule of link version 1, which skipped that hour too and
//!   left such a bidder at `μ = 0`, bidding its full value, for ever. (Stepping in every
//!   spend-out hour instead biases `μ` up: in a stationary market the budgets are then only
//!   96.6% spent, against 99.96% — measured.)
//! - `target_roas` — uniform bid scaling (Aggarwal, Badanidiyuru & Mehta 2019): bid `α·value`,
//!   `ln α ← ln α + η·clip((V_h − T·S_h)/(T·S̄), ±1)` with `T` = `target_roas` and `S̄` the running
//!   hourly spend ([`TARGET_ROAS_STEP`], [`AUTOBID_MEMORY`]): fixed point `ΣV = T·ΣS`. A day
//!   without a win bids up; while pacing holds the bid back (the budget binds) `α` only falls.
//! - `target_cpc` — bid `β·T_cpc`, `ln β ← ln β + η·clip((T_cpc·C_h − S_h)/(T_cpc·C̄), ±1)`
//!   ([`TARGET_CPC_STEP`]): fixed point average CPC = `T_cpc`, buying as many clicks as that allows.
//! - `learning_shading` — empirical shading in first price (AuctionGym; Jeunen, Murphy & Allison
//!   2022; [`super::learning`]): bid `(1 − s_k)·value` at one level `s_k` of the grid
//!   [`LEARN_SHADING_LEVELS`](super::constants::LEARN_SHADING_LEVELS) per hour; after the hour the level's win-rate estimate takes the
//!   hour's clicks per session, `Ŵ_k ← λ·Ŵ_k + (1 − λ)·C_h/n_h` (`λ` = `learning_memory`), and
//!   the next level is `argmax_k s_k·Ŵ_k` — the estimated surplus `(value − bid)·Ŵ` — or, with
//!   probability `ε` = `learning_exploration`, a uniform level (stream `Shading`, keyed by
//!   identity, day and hour). Every level is tried once first. In GSP and VCG it bids as `manual`
//!   (the auctions where shading is not the question) and learns nothing.
//!
//! **Pacing methods** (`advertisers.pacing_method`, with pacing on; `max_clicks` paces through its
//! own controller): `multiplicative` is the bid multiplier above; `throttling` applies the same
//! schedule test to a participation probability — ×min(0.8, schedule/spend) after an hour ahead
//! of schedule, ×1.25 (at most 1) otherwise, at least [`THROTTLE_MIN_PARTICIPATION`] — and each
//! advertiser-hour draws whether it competes (stream `Throttle`, keyed by identity, day, hour);
//! `none` bids fully until the budget runs out.
//!
//! **End of day**: ROI = value / spend; its exponentially weighted average over the days with
//! spend (weight 0.3 on today, [`ROI_WEIGHT_TODAY`], and 0.7 on the past, [`ROI_MEMORY`], so
//! about a week's memory). After at least 7 days with spend ([`CHURN_MIN_DAYS_WITH_SPEND`]), an
//! advertiser whose weighted ROI is below `roi_target` leaves with probability
//! `churn_probability`; one at or above target that spent ≥ 90% of its budget
//! ([`GROWTH_MIN_BUDGET_SPENT`]) grows the budget by `budget_growth`. `Poisson(arrival_rate)` new advertisers arrive
//! each day. A launch adds its cohort at the start of `launch.day`.
//!
//! **What a day records of bidding**: the liquid welfare `Σ_i min(value_i, budget_i)` over the
//! advertisers active that day (value of the clicks won, that day's budget); the auctions —
//! sessions that place at least one ad — and those in which a bid the pricing sees (the placed ads
//! and the first unplaced candidate, as they bid that hour) exceeded its value per click; and each advertiser's spend, value, clicks and budget,
//! which [`simulate`] folds into the per-strategy summaries ([`super::strategy_metrics`]).
//!
//! ## Promotional bandwidth
//!
//! With `promotion.enabled`, each session is a promoted session with probability
//! `promotion.share`: one uniform draw per session from the user's day stream, after its visit
//! draws (so they move nothing else), and none at all when the share is 0. The promoted class is
//! the launched cohort or every advertiser of `promotion.category`. In a promoted session steps
//! 1–5 run on the promoted class's candidates alone — the same utility, blending and pricing rule,
//! so a promoted ad's price is set by the next promoted ad (or the reserve) — and when none is
//! eligible the session runs on every candidate. Each day records the promoted class's
//! impressions, clicks, spend and value and how many promoted sessions were restricted
//! ([`PromotionDay`]).
//!
//! ## Structure: population, mechanism, scratch
//!
//! An [`Engine`] is three parts:
//!
//! - the **population** (`Population`): what the platform faces — users (with their fatigue and
//!   today's frequency counts), advertisers (value, quality, budget, ROI history, and today's
//!   budget pots with their spend and pacing multipliers), the day count, and the world's
//!   parameters. Churn, growth and arrivals act on it once a day, whatever served the sessions;
//! - one **mechanism** per arm (`Mechanism`): what a design decides — ranking weights, auction
//!   (format, reserves, squashing, bid shading), ad-load policy and guardrails, pacing, the
//!   promoted share — precomputed once (layouts, scroll tables, users' squashed interests). Each
//!   arm also owns its order book (today's bids under its mechanism and the hour's live
//!   candidates) and its day accumulators: the sessions it served, the spend they caused, its
//!   users' fatigue;
//! - **scratch** (`Scratch`): reusable buffers, shared because sessions run one at a time.
//!
//! A one-arm engine is the model above ([`simulate`]). With two arms (see
//! [`super::experiment`]) a routing decides each day which arm serves each session (by user, or
//! the whole day) and whether the arms share each advertiser's budget (one pot, one pacing
//! multiplier: the arms compete for it) or split it into one pot per arm, each paced on its own.
//! An advertiser that exhausts a pot leaves every arm spending from it.
//!
//! A day runs in phases: `Engine::arrivals`, `Engine::start_advertiser_day`,
//! `Engine::draw_visits`, `Engine::run_sessions` (hour by hour, `Engine::pace` between
//! hours), `Engine::end_user_day`, `Engine::end_advertiser_day`,
//! `Engine::derive_day_metrics`.
//!
//! ## Randomness
//!
//! Users, advertisers, visits, churn and arrivals each draw from their own stream
//! ([`crate::core::rng`]): two designs on one seed share every user and every visit decision
//! until their designs make them differ (e.g. through fatigue).

use serde::{Deserialize, Serialize};

use super::hourly::{strategy_index, HourlySpend, N_STRATEGIES};
use super::learning::ShadingLearner;
use super::metrics::{promotion_summaries, summaries, DayMetrics, PromotionDay, Summaries};
use super::params::{
    AdLoadParams, AdLoadPolicy, AdvertiserParams, AuctionParams, MaxClicksRule, PacingMethod,
    Params, PromotedClass, Strategy, UtilityWeights, N_CATEGORIES,
};
use super::strategy_metrics::{AdvertiserDay, StrategyFold};
use super::validate::Scenario;
use crate::core::auction::{self, pow_q, Candidate, Format, RankingRule};
use crate::core::feed::{self, AdItem, BlendRequest, FeedScratch, Guardrails, Method};
use crate::core::math;
use crate::core::rng::{fast_stream, stream, Purpose, Random};

// Kept public here too: they were first defined in this module.
use super::constants::{
    AUTOBID_LOG_MULT_MAX, AUTOBID_MEMORY, CHURN_MIN_DAYS_WITH_SPEND, GROWTH_MIN_BUDGET_SPENT,
    INTEREST_CONCENTRATION, MAX_CLICKS_MAX_DUAL, MAX_CLICKS_STEP, PACING_MAX_MULTIPLIER,
    PACING_RECOVERY, PACING_SLOWDOWN, ROI_MEMORY, ROI_WEIGHT_TODAY, TARGET_CPC_STEP,
    TARGET_ROAS_STEP, THROTTLE_MIN_PARTICIPATION, USER_CLICK_SIGMA, USER_ORGANIC_SIGMA,
    USER_VISIT_SIGMA,
};
pub use super::constants::{FATIGUE_PER_IMPRESSION, HOURS, QUALITY_TERCILES};

/// The most arms one world serves: control (arm 0) and treatment (arm 1).
pub const MAX_ARMS: usize = 2;

/// Everything a run produces.
///
/// In JSON `promotion` is written only when it has records, so runs without promotional
/// bandwidth print as before it existed; binary encodings always carry it. `hourly_spend` is
/// carried by binary encodings only (the app's worker messages): the JSON result keeps the
/// shape whose fingerprint pins shared links, and the hourly spend chart draws from the binary.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct RunResult {
    /// Users simulated.
    pub users: usize,
    /// One record per simulated day.
    pub days: Vec<DayMetrics>,
    /// First week, last week, whole run.
    pub summaries: Summaries,
    /// Segment names, in the order of the per-segment metrics.
    pub segment_names: Vec<String>,
    /// With promotional bandwidth on, one record per day (else empty).
    #[serde(default)]
    pub promotion: Vec<PromotionDay>,
    /// Spend per hour and bidding strategy, one record per day (see [`super::hourly`]).
    #[serde(default)]
    pub hourly_spend: Vec<HourlySpend>,
}

impl Serialize for RunResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let human = serializer.is_human_readable();
        let skip = human && self.promotion.is_empty();
        let fields = 4 + usize::from(!skip) + usize::from(!human);
        let mut st = serializer.serialize_struct("RunResult", fields)?;
        st.serialize_field("users", &self.users)?;
        st.serialize_field("days", &self.days)?;
        st.serialize_field("summaries", &self.summaries)?;
        st.serialize_field("segment_names", &self.segment_names)?;
        if skip {
            st.skip_field("promotion")?;
        } else {
            st.serialize_field("promotion", &self.promotion)?;
        }
        if human {
            st.skip_field("hourly_spend")?;
        } else {
            st.serialize_field("hourly_spend", &self.hourly_spend)?;
        }
        st.end()
    }
}

/// Each advertiser a run starts with: its bid per click at full pacing (`value · (1 − shading)`)
/// and the reserve of its category. A candidate needs a bid at least its reserve, so when every
/// bid here is below its reserve no incumbent ever shows an ad (arrivals and a launch add
/// advertisers later). Draws the same populations as [`simulate`] and runs no day.
pub fn initial_bids(scenario: &Scenario) -> Vec<(f64, f64)> {
    let engine = Engine::new(scenario);
    let mech = &engine.arms[0].mech;
    engine
        .pop
        .advertisers
        .iter()
        .map(|a| (a.value * (1.0 - mech.shading), mech.reserves[a.category]))
        .collect()
}

/// Runs the day-by-day model from day 1 to the configured number of days.
pub fn simulate(scenario: &Scenario) -> RunResult {
    let mut engine = Engine::new(scenario);
    let days = scenario.params().sim.days;
    let mut records = Vec::with_capacity(days as usize);
    let mut by_strategy = StrategyFold::new(days as usize, &scenario.params().advertisers);
    for day in 0..days as usize {
        records.push(engine.step_day());
        by_strategy.add_day(day, &engine.arms[0].acc.advertisers);
    }
    let promotion = std::mem::take(&mut engine.arms[0].promotion_days);
    let hourly_spend = std::mem::take(&mut engine.arms[0].hourly.days);
    let mut summaries = summaries(&records);
    let [first, last, whole] = by_strategy.finish();
    summaries.first_week.by_strategy = first;
    summaries.last_week.by_strategy = last;
    summaries.whole_run.by_strategy = whole;
    if scenario.params().promotion.enabled {
        summaries.promotion = Some(promotion_summaries(&records, &promotion));
    }
    RunResult {
        users: engine.pop.users.len(),
        summaries,
        promotion,
        hourly_spend,
        days: records,
        segment_names: scenario
            .params()
            .users
            .segments
            .iter()
            .map(|s| s.name.clone())
            .collect(),
    }
}

#[derive(Debug, Clone)]
struct User {
    segment: usize,
    visit_rate: f64,
    organic: f64,
    click: f64,
    sensitivity: f64,
    interest: [f64; N_CATEGORIES],
    fatigue: f64,
    /// Ad blindness `e^{−β·F}` for the current fatigue (updated with it, at the end of a day).
    blindness: f64,
    /// Fatigue gained today (expected), applied at the end of the day.
    fatigue_today: f64,
    /// (advertiser, impressions placed today) for the frequency cap.
    shown_today: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cohort {
    Incumbent,
    Launched,
}

/// A budget pot: the part of an advertiser's daily budget one or more arms spend from, with its
/// own pacing multiplier. A one-arm run, and a two-arm run whose arms share budgets, use pot 0
/// with the whole budget; a split budget gives each arm its own pot.
#[derive(Debug, Clone, Copy, Default)]
struct Pot {
    /// Today's budget of the pot (the advertiser's budget × the pot's share).
    budget: f64,
    spend: f64,
    pacing: f64,
    /// Throttling: the probability of competing in the coming hour (1 otherwise).
    participation: f64,
    /// Value and clicks bought from the pot today (the autobidders' controllers read them).
    value: f64,
    clicks: f64,
    /// Spend, value and clicks at the end of the last hour (for the hour's increments).
    mark: [f64; 3],
    /// The hour (0-based) by whose end the pot was spent, or [`HOURS`] while it is not.
    spent_out: usize,
}

impl Pot {
    fn fresh(budget: f64) -> Pot {
        Pot {
            budget,
            spend: 0.0,
            pacing: PACING_MAX_MULTIPLIER,
            participation: 1.0,
            value: 0.0,
            clicks: 0.0,
            mark: [0.0; 3],
            spent_out: HOURS,
        }
    }
}

/// An advertiser's bidding state, as [`Engine::advertiser_bidding`] reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdvertiserBidding {
    /// Still in the market (not churned).
    pub active: bool,
    /// Competes only for users with above-average interest in its category.
    pub targeted: bool,
    /// Its bidding strategy.
    pub strategy: Strategy,
    /// Value per click.
    pub value: f64,
    /// Today's daily budget.
    pub budget: f64,
    /// The strategy's bid multiplier on its base bid: `1/(1 + μ)` for `max_clicks`, `α` or `β`
    /// for `target_roas` and `target_cpc`, `1 − s_k` for `learning_shading`, 1 for `manual`.
    pub multiplier: f64,
}

/// An autobidder's controller state for one pot, kept from day to day.
#[derive(Debug, Clone, Copy, Default)]
struct Controller {
    /// `max_clicks`: the dual variable `μ` (bid = base / (1 + μ)); `target_roas`,
    /// `target_cpc`: the log bid multiplier `ln α` or `ln β`.
    state: f64,
    /// Running hourly averages of spend and clicks (memory [`AUTOBID_MEMORY`]).
    avg_spend: f64,
    avg_clicks: f64,
    /// Hours in a row without spend while the pot had budget left.
    idle_hours: u32,
    /// `learning_shading`: the shading levels' win-rate estimates and the current level.
    learner: ShadingLearner,
}

/// What one arm's sessions brought an advertiser today.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    spend: f64,
    clicks: f64,
    value: f64,
}

/// An advertiser of the population: drawn once, shared by every arm.
#[derive(Debug, Clone)]
struct Advertiser {
    active: bool,
    /// Names the advertiser's random streams (see `Population::add_advertiser`).
    identity: (u64, u64),
    cohort: Cohort,
    /// Whether the advertiser belongs to the promoted class (fixed for the run).
    promoted: bool,
    category: usize,
    value: f64,
    budget: f64,
    quality: f64,
    /// `2·quality·m`: the advertiser's factor in the click propensity.
    click_factor: f64,
    targeted: bool,
    /// `κ + (1 − κ)·2·(1 − quality)`: the fatigue factor of its impressions.
    annoyance: f64,
    /// Bidding strategy (drawn once, from the advertiser's identity).
    strategy: Strategy,
    /// Its controller per pot (autobidders only).
    ctl: [Controller; MAX_ARMS],
    // Per-day state.
    pots: [Pot; MAX_ARMS],
    tally: [Tally; MAX_ARMS],
    // History.
    roi_ewma: f64,
    days_with_spend: u32,
}

impl Advertiser {
    fn spend_today(&self) -> f64 {
        self.pots[0].spend + self.pots[1].spend
    }

    fn value_today(&self) -> f64 {
        self.tally[0].value + self.tally[1].value
    }

    /// The bid multiplier of an autobidder's controller for pot `pot` (1 for manual bidders).
    fn strategy_multiplier(&self, pot: usize) -> f64 {
        let c = &self.ctl[pot];
        match self.strategy {
            Strategy::Manual => 1.0,
            Strategy::MaxClicks => 1.0 / (1.0 + c.state),
            Strategy::TargetRoas | Strategy::TargetCpc => math::exp(c.state),
            Strategy::LearningShading => 1.0 - c.learner.shading(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Ranked {
    advertiser: u32,
    utility: f64,
    click: f64,
    bid: f64,
    bonus: f64,
}

/// An advertiser able to compete this hour, with its utility terms precomputed: for a user with
/// per-category factors `A[c] = (c_u·B)^q·I_u[c]^q` and `E[c] = c_u·B·I_u[c]`,
/// `U = bid_term·A[cat] + eng_term·E[cat] + quality_term − fatigue_unit_u·fatigue_term`.
#[derive(Debug, Clone, Copy)]
struct Live {
    advertiser: u32,
    targeted: bool,
    /// In the promoted class.
    promoted: bool,
    exhausted: bool,
    bid: f64,
    bid_term: f64,
    eng_term: f64,
    /// `w_rev · bid` and `w_eng · a`: the terms for a click propensity capped at 1.
    bid_weight: f64,
    eng_weight: f64,
    /// `2·quality·m`, as in [`Advertiser`].
    click_factor: f64,
    quality_term: f64,
    fatigue_term: f64,
    /// Maxima of `bid_term`, `eng_term`, `quality_term` over this and every later entry: with the
    /// user's largest `A[c]` and `E[c]` they bound the utility of everything not yet scanned.
    suffix_max: [f64; 3],
}

impl Live {
    /// An upper bound on the utility of this entry and every later one in its category, for a
    /// user whose factors for the category are `a` and `e`.
    #[inline]
    fn bound(&self, a: f64, e: f64) -> f64 {
        self.suffix_max[0] * a + self.suffix_max[1] * e + self.suffix_max[2]
    }
}

/// The population: what the platform faces and every arm shares — the users (with their
/// fatigue), the advertisers (with their budgets, pacing pots, ROI history, churn), the day
/// count, and the world's parameters (users, advertisers, seed, and the launch and promoted class,
/// which change who is in the market).
struct Population {
    /// The world's parameters (in a one-arm run, the whole configuration).
    p: Params,
    users: Vec<User>,
    advertisers: Vec<Advertiser>,
    day: u32,
    /// Fatigue kept from one day to the next, `2^{−1/half_life}`.
    decay: f64,
}

/// The mechanism: everything a design decides — ranking weights, auction (format, reserve,
/// squashing, shading), ad-load policy and guardrails, pacing, promotional share — precomputed
/// from the design part of a configuration. One per arm; it never changes during a run.
struct Mechanism {
    utility: UtilityWeights,
    auction: AuctionParams,
    load: AdLoadParams,
    /// Whether advertisers pace their budget pots in this arm (pacing on, method not `none`).
    pacing: bool,
    /// How they pace.
    pacing_method: PacingMethod,
    shading: f64,
    /// Targets of the `target_roas` and `target_cpc` advertisers bidding under this arm.
    target_roas: f64,
    target_cpc: f64,
    /// Whether the auction is first price: only then do `learning_shading` advertisers learn
    /// (elsewhere they bid as `manual`).
    first_price: bool,
    /// `learning_shading`: memory `λ` of the win-rate estimates and exploration probability `ε`.
    learning_memory: f64,
    learning_exploration: f64,
    /// `max_clicks`: whether the dual steps in an hour that spent the whole day's budget.
    max_clicks_rule: MaxClicksRule,
    reserves: [f64; N_CATEGORIES],
    rule: RankingRule,
    /// `a`: engagements per unit of click propensity (a world parameter, copied for the session).
    ad_engagement_per_click: f64,
    /// The planner's attention weights `w_p`.
    weights: Vec<f64>,
    guard: Guardrails,
    /// The fixed policy's ad positions for each number of available ads, 0..=max_ads.
    fixed_layouts: Vec<Vec<usize>>,
    /// `ρ^(r−1)` for organic ranks r = 1..L.
    organic_decay: Vec<f64>,
    /// Per segment: the scroll factors of organic runs (see [`ScrollTable`]).
    scroll: Vec<ScrollTable>,
    /// The gap effect `g = 1 − gap_penalty / d` for an ad `d` positions after the previous ad.
    gap_factor: Vec<f64>,
    /// Probability that a session is promoted: the promoted share when promotional bandwidth is
    /// on, else 0 (then no promotion draw is ever made).
    promo_share: f64,
    /// Per user: `I_u[c]^q` with this mechanism's squashing `q`.
    interest_q: Vec<[f64; N_CATEGORIES]>,
}

/// What an arm's auction knows of one advertiser today.
#[derive(Debug, Clone, Copy, Default)]
struct ArmBid {
    /// Bid per click at full pacing, `value · (1 − shading)` for manual bidders; for
    /// autobidders the strategy's base (see [`strategy_base`]) times the controller's multiplier
    /// at the start of the day.
    bid: f64,
    /// Autobidders: the strategy's base bid, which the controller's multiplier scales hourly.
    base: f64,
    /// Throttled in this arm.
    throttled: bool,
    /// `(2·quality·m)^q`.
    click_factor_q: f64,
    reserve: f64,
}

/// An arm's order book: today's bids under its mechanism and this hour's live candidates.
#[derive(Default)]
struct Book {
    bids: Vec<ArmBid>,
    live: Vec<Live>,
    /// Active advertisers ordered by their bid term at the start of the day (at full pacing): the
    /// hourly lists start from this order, which pacing changes only a little.
    day_order: Vec<u32>,
    /// Position of each advertiser in `live` this hour (`u32::MAX` when absent).
    live_index: Vec<u32>,
    /// `live[start..end]` holds the live advertisers of each category.
    live_ranges: [(usize, usize); N_CATEGORIES],
}

/// One arm: its mechanism, its order book, the budget pot it spends from, and its own day
/// accumulators (sessions served by the arm, spend its sessions caused, its users' fatigue).
struct Arm {
    mech: Mechanism,
    book: Book,
    acc: DayAcc,
    /// One record per day stepped, with promotional bandwidth on.
    promotion_days: Vec<PromotionDay>,
    /// Spend through the day by strategy, from this arm's sessions.
    hourly: HourlyAcc,
}

/// An arm's hourly spend accumulator: today's record, the spend by strategy at the end of the
/// last hour, and the finished days.
#[derive(Default)]
struct HourlyAcc {
    today: HourlySpend,
    mark: [f64; N_STRATEGIES],
    days: Vec<HourlySpend>,
}

impl HourlyAcc {
    /// Records hour `hour`'s spend of arm `k` by strategy: today's spend so far minus the mark.
    fn record(&mut self, advertisers: &[Advertiser], k: usize, hour: usize) {
        let mut spend = [0.0; N_STRATEGIES];
        for a in advertisers.iter().filter(|a| a.active) {
            spend[strategy_index(a.strategy)] += a.tally[k].spend;
        }
        for (s, total) in spend.iter().enumerate() {
            self.today.by_strategy[s][hour] = total - self.mark[s];
        }
        self.mark = spend;
    }
}

/// Reusable buffers: no allocation per session after warm-up. Sessions run one at a time, so
/// the arms share them.
struct Scratch {
    /// Per hour: the day's sessions, as user indices tagged with [`PROMOTED_SESSION`] and
    /// [`TREATMENT_SESSION`].
    buckets: Vec<Vec<u32>>,
    ranked: Vec<Ranked>,
    capped_stamp: Vec<u64>,
    session_stamp: u64,
    organic: Vec<f64>,
    ads: Vec<AdItem>,
    positions: Vec<usize>,
    feed: FeedScratch,
    cands: Vec<Candidate>,
    slot_ctrs: Vec<f64>,
    prices: Vec<f64>,
    /// (hour, index in the hour's bucket) of each session of the current user, for the
    /// promotion draws.
    session_slots: Vec<(usize, usize)>,
}

/// Which arm serves which session today, and how budgets are split: set by an experiment before
/// each day (a one-arm run keeps the default: everything on arm 0, one pot).
#[derive(Debug, Clone)]
pub(crate) struct Routing {
    /// Arm of each user when users are randomised (empty otherwise).
    pub user_arm: Vec<u8>,
    /// The arm serving every session today (day-level designs, pre- and post-periods); wins over
    /// `user_arm`.
    pub day_arm: Option<u8>,
    /// The pot each arm spends from.
    pub pot_of_arm: [usize; MAX_ARMS],
    /// Share of each advertiser's budget in each pot (they sum to 1).
    pub pot_share: [f64; MAX_ARMS],
    /// Pots in use (1 or 2).
    pub pots: usize,
    /// Share of each advertiser's budget an arm's metrics count as its own.
    pub budget_weight: [f64; MAX_ARMS],
    /// When advertisers are randomised: the treatment share. Each advertiser then bids, prices
    /// against its reserve and paces under its own arm's mechanism, in one auction that arm 0
    /// runs (only per-advertiser knobs may differ between the arms).
    pub advertiser_share: Option<f64>,
}

impl Default for Routing {
    fn default() -> Self {
        Routing {
            user_arm: Vec::new(),
            day_arm: None,
            pot_of_arm: [0, 0],
            pot_share: [1.0, 0.0],
            pots: 1,
            budget_weight: [1.0, 0.0],
            advertiser_share: None,
        }
    }
}

impl Routing {
    /// The arm serving user `u`'s sessions today.
    #[inline]
    fn arm_of_user(&self, u: usize) -> usize {
        match self.day_arm {
            Some(k) => k as usize,
            None => self.user_arm.get(u).map_or(0, |&k| k as usize),
        }
    }

    /// Whether user `u` counts in arm `k`'s user metrics (fatigue): its own arm when users are
    /// randomised, every arm otherwise.
    #[inline]
    fn user_counts_in(&self, u: usize, k: usize) -> bool {
        self.user_arm.is_empty() || self.user_arm[u] as usize == k
    }
}

/// Per-unit totals an experiment's statistics need (recorded only when asked for).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct UserTotals {
    /// Feed sessions.
    pub sessions: f64,
    /// Organic plus ad engagement.
    pub engagement: f64,
    /// Expected ad clicks.
    pub clicks: f64,
    /// Expected ad impressions.
    pub impressions: f64,
    /// Revenue from the user's sessions: the advertisers' spend on its clicks.
    pub revenue: f64,
    /// Advertisers' value from the clicks of the user's sessions (each click's value to the
    /// advertiser clicked); `value − revenue` is the advertisers' surplus from this user.
    pub value: f64,
}

/// An advertiser's totals from one arm's sessions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct AdvertiserTotals {
    /// Spend.
    pub spend: f64,
    /// Value from clicks.
    pub value: f64,
    /// Expected clicks.
    pub clicks: f64,
}

/// Per-unit recording, filled while `recording` is on.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnitRecord {
    pub recording: bool,
    pub users: Vec<UserTotals>,
    /// Per advertiser, per arm.
    pub advertisers: Vec<[AdvertiserTotals; MAX_ARMS]>,
}

/// The day-by-day engine: a population served by one mechanism per arm, with shared scratch
/// buffers (see the module docs).
///
/// A one-arm engine ([`Engine::new`]) is the model [`simulate`] runs. A two-arm engine
/// (`Engine::with_arms`, built by [`super::experiment::run_arms`]) puts both arms of an
/// experiment in one world: each session is served by its unit's arm, and what the arms share —
/// advertisers' budgets and pacing (unless split), users' fatigue, churn and arrivals — couples
/// them as it would for real.
pub struct Engine {
    pop: Population,
    arms: Vec<Arm>,
    scratch: Scratch,
    pub(crate) routing: Routing,
    pub(crate) units: UnitRecord,
    /// Arm of each advertiser, drawn from its identity when it first meets a day with
    /// advertisers randomised (see [`super::experiment::advertiser_in_treatment`]).
    advertiser_arm: Vec<u8>,
}

/// Marks a promoted session in an hour's bucket of user indices.
const PROMOTED_SESSION: u32 = 1 << 31;
/// Marks a session served by arm 1 (users are far fewer than 2^30).
const TREATMENT_SESSION: u32 = 1 << 30;
/// The user index of a bucket entry.
const USER_BITS: u32 = !(PROMOTED_SESSION | TREATMENT_SESSION);

/// Per-day accumulators of one arm.
#[derive(Default)]
struct DayAcc {
    m: DayMetrics,
    promo: PromotionDay,
    placed: f64,
    reserve_clicks: f64,
    /// Each active advertiser's day in this arm (for the strategy summaries).
    advertisers: Vec<AdvertiserDay>,
}

impl DayAcc {
    fn start(day: u32, n_seg: usize) -> DayAcc {
        let mut acc = DayAcc::default();
        acc.m.day = day;
        acc.m.segment_sessions = vec![0; n_seg];
        acc.m.segment_engagement = vec![0.0; n_seg];
        acc.m.segment_fatigue = vec![0.0; n_seg];
        acc.m.segment_revenue = vec![0.0; n_seg];
        acc
    }
}

impl Mechanism {
    /// Precomputes the mechanism of `scenario` (its design part; the world part it reads — the
    /// users' scroll and engagement parameters — must be the population's).
    fn new(scenario: &Scenario, users: &[User]) -> Mechanism {
        let p = scenario.params();
        let mut reserves = [0.0; N_CATEGORIES];
        for (c, r) in reserves.iter_mut().enumerate() {
            *r = scenario.reserve_for(c);
        }
        let q = p.auction.squashing;
        Mechanism {
            utility: p.utility.clone(),
            auction: p.auction.clone(),
            load: p.ad_load.clone(),
            pacing: p.advertisers.pacing && p.advertisers.pacing_method != PacingMethod::None,
            pacing_method: p.advertisers.pacing_method,
            shading: scenario.bid_shading(),
            target_roas: p.advertisers.target_roas,
            target_cpc: p.advertisers.target_cpc,
            first_price: p.auction.format == Format::FirstPrice,
            learning_memory: p.advertisers.learning_memory,
            learning_exploration: p.advertisers.learning_exploration,
            max_clicks_rule: p.advertisers.max_clicks_rule,
            reserves,
            rule: RankingRule {
                w_rev: p.utility.w_rev,
                squashing: q,
            },
            ad_engagement_per_click: p.users.ad_engagement_per_click,
            weights: feed::default_position_weights(p.ad_load.feed_length),
            guard: Guardrails {
                top_slot: p.ad_load.top_slot,
                min_gap: p.ad_load.min_gap,
                max_ads: p.ad_load.max_ads,
            },
            fixed_layouts: fixed_layouts(p),
            organic_decay: (0..p.ad_load.feed_length)
                .map(|r| math::powi(p.users.organic_decay, r as i32))
                .collect(),
            scroll: p
                .users
                .segments
                .iter()
                .map(|s| ScrollTable::new(p, 1.0 / s.feed_depth))
                .collect(),
            gap_factor: (0..=p.ad_load.feed_length)
                .map(|d| 1.0 - p.users.gap_penalty / d as f64)
                .collect(),
            promo_share: if p.promotion.enabled {
                p.promotion.share
            } else {
                0.0
            },
            interest_q: users
                .iter()
                .map(|user| {
                    let mut iq = [1.0; N_CATEGORIES];
                    for (iq, i) in iq.iter_mut().zip(&user.interest) {
                        *iq = pow_q(*i, q);
                    }
                    iq
                })
                .collect(),
        }
    }
}

impl Population {
    /// Draws the users and the initial advertisers of `p`.
    fn new(p: &Params) -> Population {
        let shares = segment_shares(p);
        let users = (0..p.users.count)
            .map(|u| draw_user(p, &shares, u as u64))
            .collect();
        let mut pop = Population {
            p: p.clone(),
            users,
            advertisers: Vec::new(),
            day: 0,
            decay: math::pow(0.5, 1.0 / p.users.fatigue_half_life_days),
        };
        for i in 0..pop.p.advertisers.count {
            pop.add_advertiser(Cohort::Incumbent, (0, i as u64));
        }
        pop
    }

    /// Adds an advertiser whose draws come from the stream named by `identity`: `(0, i)` for the
    /// i-th initial advertiser, `(1, j)` for the j-th member of a launched cohort, `(2 + day, j)`
    /// for the j-th arrival of a day. Identities do not depend on how many advertisers other
    /// cohorts added, so a launch leaves every arrival's draws unchanged (common random numbers).
    fn add_advertiser(&mut self, cohort: Cohort, identity: (u64, u64)) {
        let a = &self.p.advertisers;
        let l = &self.p.launch;
        let (value_mean, budget_mean, quality_mean, ctr_mult) = match cohort {
            Cohort::Incumbent => (a.value_mean, a.budget_mean, a.quality_mean, 1.0),
            Cohort::Launched => (
                l.value_mean,
                l.budget_mean,
                l.quality_mean,
                l.ctr_multiplier,
            ),
        };
        let mut rng = stream(
            self.p.sim.seed,
            Purpose::AdvertiserInit,
            identity.1,
            identity.0,
        );
        let category = rng.index(N_CATEGORIES);
        let value = lognormal_with_mean(&mut rng, value_mean, a.value_sigma);
        let budget = lognormal_with_mean(&mut rng, budget_mean, a.budget_sigma);
        let quality = beta_with_sd(&mut rng, quality_mean, a.quality_spread);
        let targeted = rng.bernoulli(a.targeted_share);
        let strategy = draw_strategy(self.p.sim.seed, a, identity);
        let promo = &self.p.promotion;
        let promoted = promo.enabled
            && match promo.class {
                PromotedClass::Launch => cohort == Cohort::Launched,
                PromotedClass::Category => category == promo.category,
            };
        self.advertisers.push(Advertiser {
            active: true,
            identity,
            cohort,
            promoted,
            category,
            value,
            budget,
            quality,
            click_factor: 2.0 * quality * ctr_mult,
            targeted,
            annoyance: 0.0,
            strategy,
            ctl: [Controller::default(); MAX_ARMS],
            pots: [Pot::fresh(0.0); MAX_ARMS],
            tally: [Tally::default(); MAX_ARMS],
            roi_ewma: 0.0,
            days_with_spend: 0,
        });
    }
}

impl Book {
    /// Today's bids of every active advertiser under `mech`, and the day's order.
    ///
    /// With `treated = Some((mech_1, arms))`, an advertiser whose arm is 1 bids under `mech_1`
    /// (advertiser designs: one auction, each advertiser under its own arm's knobs).
    fn start_day(
        &mut self,
        advertisers: &[Advertiser],
        mech: &Mechanism,
        treated: Option<(&Mechanism, &[u8])>,
    ) {
        let n = advertisers.len();
        self.bids.resize(n, ArmBid::default());
        self.live_index.resize(n, u32::MAX);
        let q = mech.auction.squashing;
        for (i, (b, a)) in self.bids.iter_mut().zip(advertisers).enumerate() {
            if a.active {
                let m = match treated {
                    Some((m1, arms)) if arms[i] == 1 => m1,
                    _ => mech,
                };
                let base = strategy_base(a, m);
                *b = ArmBid {
                    bid: match a.strategy {
                        Strategy::Manual => base,
                        _ => base * a.strategy_multiplier(0),
                    },
                    base,
                    throttled: m.pacing && m.pacing_method == PacingMethod::Throttling,
                    click_factor_q: pow_q(a.click_factor, q),
                    reserve: m.reserves[a.category],
                };
            }
        }
        self.day_order.clear();
        self.day_order
            .extend((0..n as u32).filter(|&i| advertisers[i as usize].active));
        let bids = &self.bids;
        let key = |i: &u32| {
            let b = &bids[*i as usize];
            b.bid * b.click_factor_q
        };
        self.day_order
            .sort_by(|x, y| key(y).total_cmp(&key(x)).then(x.cmp(y)));
    }

    /// Rebuilds the list of advertisers able to compete, with their utility terms (hourly: pacing
    /// multipliers change between hours), spending from pot `pot`.
    ///
    /// Entries are grouped by category and, within a category, ordered by this hour's bid term,
    /// so that a session can stop scanning a category once no remaining advertiser in it can beat
    /// its current top list.
    fn refresh_live(
        &mut self,
        advertisers: &[Advertiser],
        mech: &Mechanism,
        pot: usize,
        (seed, day, hour): (u64, u32, usize),
    ) {
        let pot_index = pot;
        let util = &mech.utility;
        let eng_per_click = mech.ad_engagement_per_click;
        self.live.clear();
        for &i in &self.day_order {
            self.live_index[i as usize] = u32::MAX;
        }
        // Category by category (each in the day's bid-term order), so a session can bound each
        // category with its own interest factor.
        for category in 0..N_CATEGORIES {
            let start = self.live.len();
            for &i in &self.day_order {
                let i = i as usize;
                let a = &advertisers[i];
                let b = &self.bids[i];
                let pot = &a.pots[pot_index];
                let bid = match a.strategy {
                    Strategy::Manual => b.bid * pot.pacing,
                    _ => b.base * a.strategy_multiplier(pot_index) * pot.pacing,
                };
                if a.category != category
                    || !a.active
                    || pot.spend >= pot.budget
                    || bid < b.reserve
                    || bid <= 0.0
                {
                    continue;
                }
                if b.throttled
                    && pot.participation < 1.0
                    && throttle_draw(seed, a.identity, day, hour) >= pot.participation
                {
                    continue;
                }
                self.live.push(Live {
                    advertiser: i as u32,
                    targeted: a.targeted,
                    promoted: a.promoted,
                    exhausted: false,
                    bid,
                    bid_term: util.w_rev * bid * b.click_factor_q,
                    eng_term: util.w_eng * eng_per_click * a.click_factor,
                    bid_weight: util.w_rev * bid,
                    eng_weight: util.w_eng * eng_per_click,
                    click_factor: a.click_factor,
                    quality_term: util.w_qual * a.quality,
                    fatigue_term: util.w_fat * a.annoyance,
                    suffix_max: [0.0; 3],
                });
            }
            // Best bid term first (this hour's pacing), so the suffix maxima below are tight.
            self.live[start..].sort_unstable_by(|x, y| {
                y.bid_term
                    .total_cmp(&x.bid_term)
                    .then(x.advertiser.cmp(&y.advertiser))
            });
            for (k, l) in self.live.iter().enumerate().skip(start) {
                self.live_index[l.advertiser as usize] = k as u32;
            }
            let mut running = [f64::NEG_INFINITY; 3];
            for l in self.live[start..].iter_mut().rev() {
                running[0] = running[0].max(l.bid_term);
                running[1] = running[1].max(l.eng_term);
                running[2] = running[2].max(l.quality_term);
                l.suffix_max = running;
            }
            self.live_ranges[category] = (start, self.live.len());
        }
    }
}

impl Engine {
    /// Draws the population for `scenario` and builds its one mechanism.
    pub fn new(scenario: &Scenario) -> Engine {
        Engine::with_arms(scenario, &[scenario])
    }

    /// Draws the population of `world` and builds one mechanism per arm from `designs` (each a
    /// full configuration whose world part must be `world`'s: see
    /// [`super::experiment::Design::apply`]). Routing starts as a one-arm run on arm 0.
    pub(crate) fn with_arms(world: &Scenario, designs: &[&Scenario]) -> Engine {
        assert!(!designs.is_empty() && designs.len() <= MAX_ARMS);
        let pop = Population::new(world.params());
        let n_seg = world.params().users.segments.len();
        let arms = designs
            .iter()
            .map(|d| Arm {
                mech: Mechanism::new(d, &pop.users),
                book: Book::default(),
                acc: DayAcc::start(0, n_seg),
                promotion_days: Vec::new(),
                hourly: HourlyAcc::default(),
            })
            .collect();
        Engine {
            pop,
            arms,
            scratch: Scratch {
                buckets: vec![Vec::new(); HOURS],
                ranked: Vec::new(),
                capped_stamp: Vec::new(),
                session_stamp: 0,
                organic: Vec::with_capacity(world.params().ad_load.feed_length),
                ads: Vec::new(),
                positions: Vec::new(),
                feed: FeedScratch::new(),
                cands: Vec::new(),
                slot_ctrs: Vec::new(),
                prices: Vec::new(),
                session_slots: Vec::new(),
            },
            routing: Routing::default(),
            units: UnitRecord::default(),
            advertiser_arm: Vec::new(),
        }
    }

    /// The day last stepped (0 before the first).
    pub fn day(&self) -> u32 {
        self.pop.day
    }

    /// Users in the population.
    pub fn user_count(&self) -> usize {
        self.pop.users.len()
    }

    /// Each user's fatigue now (at the end of the last day stepped), in user order.
    pub(crate) fn user_fatigue(&self) -> impl Iterator<Item = f64> + '_ {
        self.pop.users.iter().map(|u| u.fatigue)
    }

    /// Arm of each advertiser ever assigned (advertiser designs), in index order.
    pub(crate) fn advertiser_arms(&self) -> &[u8] {
        &self.advertiser_arm
    }

    /// Advertisers ever in the population, with their identities `(tag, serial)` (see
    /// `Population::add_advertiser`), in index order.
    pub fn advertiser_identities(&self) -> Vec<(u64, u64)> {
        self.pop.advertisers.iter().map(|a| a.identity).collect()
    }

    /// Each user's expected sessions per day before fatigue (`v_u`), in user order.
    pub fn visit_rates(&self) -> Vec<f64> {
        self.pop.users.iter().map(|u| u.visit_rate).collect()
    }

    /// The click propensity `e_ui` of advertiser `advertiser`'s ad for user `user` at the user's
    /// current fatigue (step 1 of a session, capped at 1), whatever the ad's eligibility.
    pub fn click_propensity(&self, user: usize, advertiser: usize) -> f64 {
        let u = &self.pop.users[user];
        let a = &self.pop.advertisers[advertiser];
        (u.click * u.blindness * u.interest[a.category] * a.click_factor).min(1.0)
    }

    /// Each advertiser ever in the population, in index order: its bidding state now (at the
    /// end of the last day stepped), for arm 0's pot.
    pub fn advertiser_bidding(&self) -> Vec<AdvertiserBidding> {
        self.pop
            .advertisers
            .iter()
            .map(|a| AdvertiserBidding {
                active: a.active,
                targeted: a.targeted,
                strategy: a.strategy,
                value: a.value,
                budget: a.budget,
                multiplier: a.strategy_multiplier(0),
            })
            .collect()
    }

    /// Simulates the next day and returns arm 0's metrics (in a one-arm run, the day's).
    pub fn step_day(&mut self) -> DayMetrics {
        self.step();
        std::mem::take(&mut self.arms[0].acc.m)
    }

    /// Simulates the next day and returns each arm's metrics, in arm order.
    pub(crate) fn step_arms(&mut self) -> Vec<DayMetrics> {
        self.step();
        self.arms
            .iter_mut()
            .map(|arm| std::mem::take(&mut arm.acc.m))
            .collect()
    }

    /// One day, phase by phase.
    fn step(&mut self) {
        self.pop.day += 1;
        let n_seg = self.pop.p.users.segments.len();
        for arm in &mut self.arms {
            arm.acc = DayAcc::start(self.pop.day, n_seg);
            arm.hourly.today = HourlySpend {
                day: self.pop.day,
                ..HourlySpend::default()
            };
            arm.hourly.mark = [0.0; N_STRATEGIES];
        }
        self.arrivals();
        self.start_advertiser_day();
        self.draw_visits();
        self.run_sessions();
        self.end_user_day();
        self.end_advertiser_day();
        self.derive_day_metrics();
    }

    /// Phase 1: launches and arrivals join at the start of the day.
    fn arrivals(&mut self) {
        let pop = &mut self.pop;
        let day = pop.day;
        let before = pop.advertisers.len();
        if pop.p.launch.enabled && pop.p.launch.day == day {
            for j in 0..pop.p.launch.count {
                pop.add_advertiser(Cohort::Launched, (1, j as u64));
            }
        }
        let arrivals = stream(pop.p.sim.seed, Purpose::Arrivals, day as u64, 0)
            .poisson(pop.p.advertisers.arrival_rate);
        for j in 0..arrivals {
            pop.add_advertiser(Cohort::Incumbent, (2 + day as u64, j as u64));
        }
        let new = (pop.advertisers.len() - before) as u32;
        for arm in &mut self.arms {
            arm.acc.m.new_advertisers = new;
        }
        self.scratch.capped_stamp.resize(pop.advertisers.len(), 0);
    }

    /// Phase 2: advertisers' per-day state — full pacing, empty pots split as routed, and each
    /// arm's bids under its mechanism.
    fn start_advertiser_day(&mut self) {
        let count_share = self.pop.p.users.count_share;
        let shares = self.routing.pot_share;
        for a in self.pop.advertisers.iter_mut().filter(|a| a.active) {
            a.annoyance = count_share + (1.0 - count_share) * 2.0 * (1.0 - a.quality);
            for (pot, share) in a.pots.iter_mut().zip(shares) {
                *pot = Pot::fresh(a.budget * share);
            }
            a.tally = [Tally::default(); MAX_ARMS];
        }
        if let Some(share) = self.routing.advertiser_share {
            let seed = self.pop.p.sim.seed;
            for a in &self.pop.advertisers[self.advertiser_arm.len()..] {
                let treated = super::experiment::advertiser_in_treatment(seed, a.identity, share);
                self.advertiser_arm.push(u8::from(treated));
            }
        }
        let (first, rest) = self.arms.split_at_mut(1);
        let treated = match (self.routing.advertiser_share, rest.first()) {
            (Some(_), Some(arm1)) => Some((&arm1.mech, &self.advertiser_arm[..])),
            _ => None,
        };
        first[0]
            .book
            .start_day(&self.pop.advertisers, &first[0].mech, treated);
        for arm in rest {
            arm.book.start_day(&self.pop.advertisers, &arm.mech, None);
        }
    }

    /// Phase 3: who visits, and when; each session tagged with the arm serving it.
    fn draw_visits(&mut self) {
        let seed = self.pop.p.sim.seed;
        let day = self.pop.day;
        let s = &mut self.scratch;
        for b in &mut s.buckets {
            b.clear();
        }
        let visit_sens = self.pop.p.users.visit_sensitivity;
        for (u, user) in self.pop.users.iter_mut().enumerate() {
            user.shown_today.clear();
            user.fatigue_today = 0.0;
            let k = self.routing.arm_of_user(u);
            let arm = &mut self.arms[k];
            let tag = u as u32 | if k == 1 { TREATMENT_SESSION } else { 0 };
            let promo_share = arm.mech.promo_share;
            let mut rng = fast_stream(seed, Purpose::UserDay, u as u64, day as u64);
            let rate = user.visit_rate * math::exp(-visit_sens * user.fatigue);
            let sessions = rng.poisson(rate);
            if sessions > 0 {
                arm.acc.m.active_users += 1;
            }
            for _ in 0..sessions {
                let hour = rng.index(HOURS);
                if promo_share > 0.0 {
                    s.session_slots.push((hour, s.buckets[hour].len()));
                }
                s.buckets[hour].push(tag);
            }
            // Promotion draws come after every other draw of the user's day, so they move
            // nothing else; with no promoted share none is made.
            for (hour, k) in s.session_slots.drain(..) {
                if rng.uniform() < promo_share {
                    s.buckets[hour][k] |= PROMOTED_SESSION;
                }
            }
        }
    }

    /// Phase 4: sessions hour by hour, pacing between hours.
    fn run_sessions(&mut self) {
        let buckets = std::mem::take(&mut self.scratch.buckets);
        for (hour, bucket) in buckets.iter().enumerate() {
            let when = (self.pop.p.sim.seed, self.pop.day, hour);
            for (k, arm) in self.arms.iter_mut().enumerate() {
                arm.book.refresh_live(
                    &self.pop.advertisers,
                    &arm.mech,
                    self.routing.pot_of_arm[k],
                    when,
                );
            }
            let mut sessions = [0usize; MAX_ARMS];
            for &entry in bucket {
                let k = usize::from(entry & TREATMENT_SESSION != 0);
                sessions[k] += 1;
                session(
                    &mut self.pop,
                    &mut self.arms,
                    k,
                    &self.routing,
                    &mut self.scratch,
                    &mut self.units,
                    (entry & USER_BITS) as usize,
                    entry & PROMOTED_SESSION != 0,
                );
            }
            for (k, arm) in self.arms.iter_mut().enumerate() {
                arm.hourly.record(&self.pop.advertisers, k, hour);
            }
            self.pace(hour, sessions);
        }
        for arm in &mut self.arms {
            let today = std::mem::take(&mut arm.hourly.today);
            arm.hourly.days.push(today);
        }
        self.scratch.buckets = buckets;
    }

    /// After hour `hour`: each autobidder's controller steps (see [`step_controller`]); then
    /// pacing — each pot whose spend ran ahead of its schedule slows down, the others recover
    /// (the bid multiplier, or under throttling the participation probability). A pot is paced
    /// when the first arm spending from it paces. `max_clicks` advertisers pace through their own
    /// controller only. `sessions` counts the hour's sessions served by each arm (the auctions a
    /// shading learner could enter).
    fn pace(&mut self, hour: usize, sessions: [usize; MAX_ARMS]) {
        let target_share = (hour + 1) as f64 / HOURS as f64;
        let (seed, day) = (self.pop.p.sim.seed, self.pop.day);
        let mixed = self.routing.advertiser_share.is_some();
        for pot in 0..self.routing.pots {
            let Some(k) = (0..self.arms.len()).find(|&k| self.routing.pot_of_arm[k] == pot) else {
                continue;
            };
            let auctions: usize = (0..self.arms.len())
                .filter(|&j| self.routing.pot_of_arm[j] == pot)
                .map(|j| sessions[j])
                .sum();
            for (i, a) in self.pop.advertisers.iter_mut().enumerate() {
                let p = &mut a.pots[pot];
                if p.spent_out == HOURS && p.spend >= p.budget {
                    p.spent_out = hour;
                }
                if !a.active || a.strategy == Strategy::Manual {
                    continue;
                }
                let mech = if mixed {
                    &self.arms[self.advertiser_arm[i] as usize].mech
                } else {
                    &self.arms[k].mech
                };
                step_controller(a, pot, mech, auctions, (seed, day, hour));
            }
            if !mixed && !self.arms[k].mech.pacing {
                continue;
            }
            for (i, a) in self.pop.advertisers.iter_mut().enumerate() {
                if !a.active || (mixed && !self.arms[self.advertiser_arm[i] as usize].mech.pacing) {
                    continue;
                }
                if a.strategy == Strategy::MaxClicks {
                    continue;
                }
                let method = if mixed {
                    self.arms[self.advertiser_arm[i] as usize]
                        .mech
                        .pacing_method
                } else {
                    self.arms[k].mech.pacing_method
                };
                let p = &mut a.pots[pot];
                let ahead = p.spend > p.budget * target_share;
                if method == PacingMethod::Throttling {
                    p.participation = if ahead {
                        let on_schedule = p.budget * target_share / p.spend;
                        (p.participation * on_schedule.min(PACING_SLOWDOWN))
                            .max(THROTTLE_MIN_PARTICIPATION)
                    } else {
                        (p.participation * PACING_RECOVERY).min(1.0)
                    };
                } else if ahead {
                    p.pacing *= PACING_SLOWDOWN;
                } else {
                    p.pacing = (p.pacing * PACING_RECOVERY).min(PACING_MAX_MULTIPLIER);
                }
            }
        }
    }

    /// Phase 5: end of day for users — fatigue decays and grows, blindness follows; each arm
    /// averages over its users.
    fn end_user_day(&mut self) {
        let pop = &mut self.pop;
        let fatigue_on = pop.p.users.fatigue;
        let blindness = pop.p.users.blindness;
        let n_seg = pop.p.users.segments.len();
        let n_arms = self.arms.len();
        let mut fatigue_sum = [0.0; MAX_ARMS];
        let mut blind_sum = [0.0; MAX_ARMS];
        let mut n_users = [0usize; MAX_ARMS];
        let mut seg_users = vec![[0usize; MAX_ARMS]; n_seg];
        for (u, user) in pop.users.iter_mut().enumerate() {
            if fatigue_on {
                user.fatigue = user.fatigue * pop.decay + user.fatigue_today;
            }
            user.blindness = math::exp(-blindness * user.fatigue);
            for k in 0..n_arms {
                if self.routing.user_counts_in(u, k) {
                    fatigue_sum[k] += user.fatigue;
                    blind_sum[k] += user.blindness;
                    self.arms[k].acc.m.segment_fatigue[user.segment] += user.fatigue;
                    seg_users[user.segment][k] += 1;
                    n_users[k] += 1;
                }
            }
        }
        for (k, arm) in self.arms.iter_mut().enumerate() {
            let m = &mut arm.acc.m;
            for (f, n) in m.segment_fatigue.iter_mut().zip(&seg_users) {
                if n[k] > 0 {
                    *f /= n[k] as f64;
                }
            }
            let n = n_users[k].max(1) as f64;
            m.mean_fatigue = fatigue_sum[k] / n;
            m.mean_blindness = blind_sum[k] / n;
        }
    }

    /// Phase 6: end of day for advertisers — each arm's spend statistics, then ROI history,
    /// churn and budget growth on the advertiser's whole day.
    fn end_advertiser_day(&mut self) {
        let seed = self.pop.p.sim.seed;
        let day = self.pop.day;
        let ap = &self.pop.p.advertisers;
        let n_arms = self.arms.len();
        let (lo, hi) = QUALITY_TERCILES;
        let mut budget_total = [0.0; MAX_ARMS];
        let mut spend_total = [0.0; MAX_ARMS];
        let mut spends: Vec<[f64; MAX_ARMS]> = Vec::new();
        let mut clicks_by_group = [[0.0; 4]; MAX_ARMS];
        let mut churned = 0;
        let mut active = 0;
        let record = self.units.recording;
        if record {
            self.units
                .advertisers
                .resize(self.pop.advertisers.len(), Default::default());
        }
        for (i, a) in self.pop.advertisers.iter_mut().enumerate() {
            if !a.active {
                continue;
            }
            active += 1;
            let group = match a.cohort {
                Cohort::Launched => 3,
                Cohort::Incumbent if a.quality < lo => 0,
                Cohort::Incumbent if a.quality > hi => 2,
                Cohort::Incumbent => 1,
            };
            for k in 0..n_arms {
                let t = a.tally[k];
                let budget = a.budget * self.routing.budget_weight[k];
                budget_total[k] += budget;
                spend_total[k] += t.spend;
                let acc = &mut self.arms[k].acc;
                acc.advertisers.push(AdvertiserDay {
                    index: i as u32,
                    strategy: a.strategy,
                    spend: t.spend,
                    value: t.value,
                    clicks: t.clicks,
                    budget,
                    multiplier: a.strategy_multiplier(self.routing.pot_of_arm[k]),
                });
                let m = &mut acc.m;
                m.liquid_welfare += t.value.min(budget);
                m.advertiser_value += t.value;
                m.spend_by_group[group] += t.spend;
                clicks_by_group[k][group] += t.clicks;
                if record {
                    // Advertiser designs count each advertiser under its own arm.
                    let slot = match self.routing.advertiser_share {
                        Some(_) => self.advertiser_arm[i] as usize,
                        None => k,
                    };
                    let r = &mut self.units.advertisers[i][slot];
                    r.spend += t.spend;
                    r.value += t.value;
                    r.clicks += t.clicks;
                }
            }
            spends.push([a.tally[0].spend, a.tally[1].spend]);
            let spend = a.spend_today();
            if spend > 0.0 {
                let roi = a.value_today() / spend;
                a.roi_ewma = if a.days_with_spend == 0 {
                    roi
                } else {
                    ROI_MEMORY * a.roi_ewma + ROI_WEIGHT_TODAY * roi
                };
                a.days_with_spend += 1;
            }
            let (tag, serial) = a.identity;
            let mut rng = fast_stream(
                seed,
                Purpose::AdvertiserDay,
                serial,
                (tag << 32) ^ day as u64,
            );
            let draw = rng.uniform();
            if a.days_with_spend >= CHURN_MIN_DAYS_WITH_SPEND && a.roi_ewma < ap.roi_target {
                if draw < ap.churn_probability {
                    a.active = false;
                    churned += 1;
                }
            } else if a.days_with_spend > 0
                && a.roi_ewma >= ap.roi_target
                && spend >= GROWTH_MIN_BUDGET_SPENT * a.budget
            {
                a.budget *= 1.0 + ap.budget_growth;
            }
        }
        for (k, arm) in self.arms.iter_mut().enumerate() {
            let m = &mut arm.acc.m;
            m.active_advertisers = active;
            m.churned_advertisers = churned;
            m.budget_utilisation = ratio(spend_total[k], budget_total[k]);
            for ((cpc, spend), clicks) in m
                .cpc_by_group
                .iter_mut()
                .zip(&m.spend_by_group)
                .zip(&clicks_by_group[k])
            {
                *cpc = ratio(*spend, *clicks);
            }
            m.incumbent_cpc = ratio(
                m.spend_by_group[..3].iter().sum(),
                clicks_by_group[k][..3].iter().sum(),
            );
            m.spend_hhi = if spend_total[k] > 0.0 {
                spends
                    .iter()
                    .map(|s| (s[k] / spend_total[k]) * (s[k] / spend_total[k]))
                    .sum()
            } else {
                0.0
            };
        }
    }

    /// Phase 7: each arm's derived day metrics (ratios of the day's totals).
    fn derive_day_metrics(&mut self) {
        let promotion = self.pop.p.promotion.enabled;
        let day = self.pop.day;
        for arm in &mut self.arms {
            let acc = &mut arm.acc;
            let m = &mut acc.m;
            m.ctr = ratio(m.clicks, m.impressions);
            m.avg_cpc = ratio(m.revenue, m.clicks);
            m.ecpm = 1000.0 * ratio(m.revenue, m.impressions);
            m.ads_per_session = ratio(acc.placed, m.sessions as f64);
            m.ad_load = ratio(m.impressions, m.positions_viewed);
            m.total_engagement = m.organic_engagement + m.ad_engagement;
            m.advertiser_surplus = m.advertiser_value - m.revenue;
            m.roi = ratio(m.advertiser_value, m.revenue);
            m.reserve_binding_rate = ratio(acc.reserve_clicks, m.clicks);
            if promotion {
                acc.promo.day = day;
                arm.promotion_days.push(std::mem::take(&mut acc.promo));
            }
        }
    }
}

/// The strategy's base bid per click, before its controller's multiplier: `value · (1 −
/// shading)` for `manual` and `max_clicks`, `value` for `target_roas` (its multiplier `α`
/// learns any shading), the target for `target_cpc`; for `learning_shading`, `value` in first
/// price (its multiplier is `1 − s_k`, the learnt shading) and the manual bid elsewhere (its
/// multiplier stays 1: it learns only in first price).
fn strategy_base(a: &Advertiser, m: &Mechanism) -> f64 {
    match a.strategy {
        Strategy::LearningShading if m.first_price => a.value,
        Strategy::Manual | Strategy::MaxClicks | Strategy::LearningShading => {
            a.value * (1.0 - m.shading)
        }
        Strategy::TargetRoas => a.value,
        Strategy::TargetCpc => m.target_cpc,
    }
}

/// The strategy of an advertiser: one uniform draw from its own stream (`Strategy`, keyed by
/// its identity), walking the normalised shares in [`Strategy::ALL`] order. With every
/// advertiser manual no draw is made.
fn draw_strategy(seed: u64, a: &AdvertiserParams, identity: (u64, u64)) -> Strategy {
    if a.strategy_share(Strategy::Manual) >= 1.0 {
        return Strategy::Manual;
    }
    let u = stream(seed, Purpose::Strategy, identity.1, identity.0).uniform();
    let mut cumulative = 0.0;
    let mut last = Strategy::Manual;
    for s in Strategy::ALL {
        let share = a.strategy_share(s);
        if share > 0.0 {
            cumulative += share;
            last = s;
            if u < cumulative {
                return s;
            }
        }
    }
    last
}

/// The throttling draw of an advertiser in one hour of one day: uniform on [0, 1), from its own
/// stream (`Throttle`, keyed by identity, day and hour), so it moves no other draw.
fn throttle_draw(seed: u64, identity: (u64, u64), day: u32, hour: usize) -> f64 {
    let (tag, serial) = identity;
    fast_stream(
        seed,
        Purpose::Throttle,
        serial,
        (tag << 40) ^ ((day as u64) << 8) ^ hour as u64,
    )
    .uniform()
}

/// A shading learner's two uniforms for the level it bids at after hour `hour` of day `day`
/// from pot `pot`: whether to explore, and which level. From its own stream (`Shading`, keyed by
/// identity, day, hour and pot), so learning moves no other draw.
fn shading_draws(
    seed: u64,
    identity: (u64, u64),
    (day, hour): (u32, usize),
    pot: usize,
) -> (f64, f64) {
    let (tag, serial) = identity;
    let mut rng = fast_stream(
        seed,
        Purpose::Shading,
        serial,
        (tag << 40) ^ ((day as u64) << 8) ^ ((pot as u64) << 5) ^ hour as u64,
    );
    let explore = rng.uniform();
    (explore, rng.uniform())
}

/// One hourly step of an autobidder's controller on pot `pot`, from the hour's spend `S_h`,
/// value `V_h` and clicks `C_h`. Nothing moves once the pot is spent (the budget, not the
/// controller, then stops the bidder), except that `max_clicks` steps in an hour that spent the
/// whole day's budget (nothing was spent before it that day) unless
/// `advertisers.max_clicks_rule` is `skip_spend_out_hour` (the version-1 rule).
///
/// - `max_clicks` (adaptive pacing, Balseiro & Gur 2019): the dual variable of the budget
///   constraint, `μ ← clamp(μ + ε·(S_h − ρ)/ρ, 0, μ̄)` with `ρ = budget/HOURS` the
///   per-hour budget, `ε` = [`MAX_CLICKS_STEP`], `μ̄` = [`MAX_CLICKS_MAX_DUAL`]; bid
///   `value·(1 − shading)/(1 + μ)`. Its fixed point spends `ρ` per hour: the whole budget.
/// - `target_roas` (uniform bid scaling, Aggarwal, Badanidiyuru & Mehta 2019): bid `α·value`,
///   `ln α ← ln α + η·clip((V_h − T·S_h)/(T·S̄), ±1)`, `T` the target ROAS, `S̄` the running
///   hourly spend, `η` = [`TARGET_ROAS_STEP`]. Its fixed point has `Σ V = T·Σ S`: return on spend
///   at the target (or above it when the budget binds first); with no spend yet it bids up.
/// - `target_cpc`: bid `β·T_cpc`, `ln β ← ln β + η·clip((T_cpc·C_h − S_h)/(T_cpc·C̄), ±1)`;
///   fixed point: average CPC at the target.
///
/// - `learning_shading` (first price only; see [`super::learning`]): the level bid at this
///   hour observes the win rate `r = C_h / n_h`, clicks per session of the hour (`auctions` =
///   `n_h`), folded in with memory `λ` = `learning_memory`; the next hour's level is the best
///   estimated surplus `v·s_k·Ŵ_k`, or with probability `ε` = `learning_exploration` a uniform
///   level (two draws from [`shading_draws`]). Pacing, when on, still multiplies the bid, so the
///   estimates are those of the paced bids.
fn step_controller(
    a: &mut Advertiser,
    pot: usize,
    mech: &Mechanism,
    auctions: usize,
    (seed, day, hour): (u64, u32, usize),
) {
    let identity = a.identity;
    let p = a.pots[pot];
    let [spend0, value0, clicks0] = p.mark;
    let (s_h, v_h, c_h) = (p.spend - spend0, p.value - value0, p.clicks - clicks0);
    a.pots[pot].mark = [p.spend, p.value, p.clicks];
    let exhausted = p.spend >= p.budget;
    let rho = p.budget / HOURS as f64;
    let c = &mut a.ctl[pot];
    c.avg_spend = AUTOBID_MEMORY * c.avg_spend + (1.0 - AUTOBID_MEMORY) * s_h;
    c.avg_clicks = AUTOBID_MEMORY * c.avg_clicks + (1.0 - AUTOBID_MEMORY) * c_h;
    // A spend-out hour's spend is cut short by the budget, so it is skipped; but when the whole
    // day's budget went in this one hour the day has no other observation, and `max_clicks`
    // steps with it (far above `ρ`), unless the version-1 rule is asked for.
    let spent_out_now = exhausted
        && s_h > 0.0
        && spend0 <= 0.0
        && a.strategy == Strategy::MaxClicks
        && mech.max_clicks_rule == MaxClicksRule::OneHourSpendOut;
    if (exhausted && !spent_out_now) || rho <= 0.0 {
        return;
    }
    let clip = |g: f64| g.clamp(-1.0, 1.0);
    c.idle_hours = if s_h > 0.0 { 0 } else { c.idle_hours + 1 };
    // Not a whole day without a win, and the budget (paced) not binding: bid up; while pacing
    // holds the bid back, the budget binds and the target is slack, so the bid only comes down.
    let idle = c.idle_hours >= HOURS as u32;
    let paced = p.pacing < PACING_MAX_MULTIPLIER || p.participation < 1.0;
    let up = |g: f64| if paced { g.min(0.0) } else { g };
    match a.strategy {
        Strategy::Manual => {}
        Strategy::LearningShading => {
            if mech.first_price && auctions > 0 {
                c.learner
                    .observe(c_h / auctions as f64, mech.learning_memory);
                let (explore, pick) = shading_draws(seed, identity, (day, hour), pot);
                c.learner.choose(explore, pick, mech.learning_exploration);
            }
        }
        Strategy::MaxClicks => {
            let g = (s_h - rho) / rho;
            c.state = (c.state + MAX_CLICKS_STEP * g).clamp(0.0, MAX_CLICKS_MAX_DUAL);
        }
        Strategy::TargetRoas => {
            let t = mech.target_roas;
            let g = if c.avg_spend > 0.0 && !idle {
                up(clip((v_h - t * s_h) / (t * c.avg_spend)))
            } else {
                up(1.0)
            };
            c.state =
                (c.state + TARGET_ROAS_STEP * g).clamp(-AUTOBID_LOG_MULT_MAX, AUTOBID_LOG_MULT_MAX);
        }
        Strategy::TargetCpc => {
            let t = mech.target_cpc;
            let g = if c.avg_clicks > 0.0 && !idle {
                up(clip((t * c_h - s_h) / (t * c.avg_clicks)))
            } else {
                up(1.0)
            };
            c.state =
                (c.state + TARGET_CPC_STEP * g).clamp(-AUTOBID_LOG_MULT_MAX, AUTOBID_LOG_MULT_MAX);
        }
    }
}

/// Steps 1–3 for one session of user `u` in an arm: fills `s.ranked` with the best candidates,
/// best first (see [`ranks_above`]).
///
/// Each category's live list is sorted by bid term, and `suffix_max` bounds the utility of an
/// entry and everything after it, so a category is scanned only until its bound falls below
/// the last entry of a full list. The result equals ranking every candidate (tested against
/// that brute force).
///
/// With `promoted_only`, only advertisers of the promoted class are candidates (a promoted
/// session's restricted auction).
fn rank_candidates(
    pop: &Population,
    mech: &Mechanism,
    book: &Book,
    s: &mut Scratch,
    u: usize,
    promoted_only: bool,
) {
    let load = &mech.load;
    let user = &pop.users[u];
    let interest_q = &mech.interest_q[u];
    s.session_stamp += 1;
    let stamp = s.session_stamp;
    for &(adv, n) in &user.shown_today {
        if n >= load.frequency_cap {
            s.capped_stamp[adv as usize] = stamp;
        }
    }
    let click_u = user.click * user.blindness;
    let click_u_q = pow_q(click_u, mech.auction.squashing);
    let fatigue_unit = FATIGUE_PER_IMPRESSION * user.sensitivity;
    let keep = if load.no_adjacent_same_category {
        2 * load.max_ads + 1
    } else {
        load.max_ads + 1
    };
    s.ranked.clear();
    if load.max_ads > 0 {
        let mut a_cat = [0.0; N_CATEGORIES];
        let mut e_cat = [0.0; N_CATEGORIES];
        let mut above_avg = [false; N_CATEGORIES];
        for c in 0..N_CATEGORIES {
            a_cat[c] = click_u_q * interest_q[c];
            e_cat[c] = click_u * user.interest[c];
            above_avg[c] = user.interest[c] >= 1.0;
        }
        // The category whose best entry could score highest goes first: it fills the top
        // list with strong candidates, so the bounds cut the other categories short. (Fully
        // sorting the six categories costs more than it saves.)
        let mut head_bound = [f64::NEG_INFINITY; N_CATEGORIES];
        for (c, hb) in head_bound.iter_mut().enumerate() {
            let (start, end) = book.live_ranges[c];
            if start < end {
                *hb = book.live[start].bound(a_cat[c], e_cat[c]);
            }
        }
        let mut best = 0;
        for c in 1..N_CATEGORIES {
            if head_bound[c] > head_bound[best] {
                best = c;
            }
        }
        let mut order = [0usize, 1, 2, 3, 4, 5];
        order.swap(0, best);
        for &c in &order {
            let (start, end) = book.live_ranges[c];
            for l in &book.live[start..end] {
                // Nothing further in this category can enter the list (fatigue terms only
                // lower utility; an equal utility enters only with a lower advertiser index).
                if s.ranked.len() == keep
                    && s.ranked
                        .last()
                        .is_some_and(|r| l.bound(a_cat[c], e_cat[c]) < r.utility)
                {
                    break;
                }
                if l.exhausted
                    || (promoted_only && !l.promoted)
                    || s.capped_stamp[l.advertiser as usize] == stamp
                    || (l.targeted && !above_avg[c])
                {
                    continue;
                }
                let mut click = e_cat[c] * l.click_factor;
                let (bonus, utility) = if click < 1.0 {
                    let bonus =
                        l.eng_term * e_cat[c] + l.quality_term - fatigue_unit * l.fatigue_term;
                    (bonus, l.bid_term * a_cat[c] + bonus)
                } else {
                    // A click propensity is a probability: capped at 1 (extreme settings only).
                    click = 1.0;
                    let bonus = l.eng_weight + l.quality_term - fatigue_unit * l.fatigue_term;
                    (bonus, l.bid_weight + bonus)
                };
                if utility <= 0.0 {
                    continue;
                }
                insert_top(
                    &mut s.ranked,
                    keep,
                    Ranked {
                        advertiser: l.advertiser,
                        utility,
                        click,
                        bid: l.bid,
                        bonus,
                    },
                );
            }
        }
        if load.no_adjacent_same_category {
            skip_adjacent_categories(&mut s.ranked, &pop.advertisers, load.max_ads + 1);
        }
    }
}

/// One feed session of user `u`, served by arm `k`.
#[allow(clippy::too_many_arguments)]
fn session(
    pop: &mut Population,
    arms: &mut [Arm],
    k: usize,
    routing: &Routing,
    s: &mut Scratch,
    units: &mut UnitRecord,
    u: usize,
    promoted: bool,
) {
    let pot_index = routing.pot_of_arm[k];
    // 1–3: candidates and ranking. A promoted session ranks the promoted class only, and
    // falls back to every candidate when none of it is eligible.
    {
        let arm = &mut arms[k];
        if promoted {
            arm.acc.promo.promoted_sessions += 1;
            rank_candidates(pop, &arm.mech, &arm.book, s, u, true);
            if s.ranked.is_empty() {
                rank_candidates(pop, &arm.mech, &arm.book, s, u, false);
            } else {
                arm.acc.promo.restricted_sessions += 1;
            }
        } else {
            rank_candidates(pop, &arm.mech, &arm.book, s, u, false);
        }
    }

    let (before, rest) = arms.split_at_mut(k);
    let (arm, after) = rest.split_first_mut().expect("arm k exists");
    let mech = &arm.mech;
    let acc = &mut arm.acc;
    let load = &mech.load;
    let user = &pop.users[u];
    let seg = user.segment;
    acc.m.sessions += 1;
    acc.m.segment_sessions[seg] += 1;
    let fatigue_unit = FATIGUE_PER_IMPRESSION * user.sensitivity;

    // 4: blending. The fixed policy's layout depends only on how many ads there are: it is
    // looked up; the other policies solve the request.
    let length = load.feed_length;
    let n_ads = s.ranked.len().min(load.max_ads);
    s.positions.clear();
    if load.policy == AdLoadPolicy::Fixed {
        s.positions.extend_from_slice(&mech.fixed_layouts[n_ads]);
    } else {
        s.organic.clear();
        s.organic
            .extend(mech.organic_decay.iter().map(|d| user.organic * d));
        s.ads.clear();
        let threshold = load.policy == AdLoadPolicy::Threshold;
        for r in &s.ranked[..n_ads] {
            s.ads.push(if threshold {
                AdItem {
                    revenue: r.utility,
                    engagement: 0.0,
                }
            } else {
                AdItem {
                    revenue: r.bid * r.click,
                    engagement: mech.ad_engagement_per_click * r.click,
                }
            });
        }
        let method = if threshold {
            Method::Threshold { lambda: load.theta }
        } else {
            Method::Exact {
                lambda: load.lambda,
            }
        };
        let request = BlendRequest {
            organic: &s.organic,
            ads: &s.ads,
            length,
            position_weights: &mech.weights,
            guardrails: mech.guard,
            method,
        };
        feed::blend_into(&request, &mut s.feed, &mut s.positions);
    }
    let placed = s.positions.len();
    acc.placed += placed as f64;
    // An auction: a session that places an ad; its bids are those the pricing sees (see
    // `Summary::bid_above_value_share`).
    if placed > 0 {
        acc.m.auctions += 1;
        let advertisers = &pop.advertisers;
        if s.ranked
            .iter()
            .take(placed + 1)
            .any(|r| r.bid > advertisers[r.advertiser as usize].value)
        {
            acc.m.auctions_bid_above_value += 1;
        }
    }

    // 5: prices over the placed ads plus the first unplaced candidate.
    s.cands.clear();
    s.slot_ctrs.clear();
    for (j, r) in s.ranked.iter().take(placed + 1).enumerate() {
        s.cands.push(Candidate {
            bid: r.bid,
            click_weight: r.click,
            bonus: r.bonus,
            reserve: arm.book.bids[r.advertiser as usize].reserve,
        });
        if j < placed {
            s.slot_ctrs.push(mech.weights[s.positions[j] - 1]);
        }
    }
    auction::price_into(
        &s.cands,
        &s.slot_ctrs,
        &mech.rule,
        mech.auction.format,
        &mut s.prices,
    );

    // 6–7: scroll and accumulate expected outcomes. Between two ads the hazard is constant,
    // so each run of organic positions is summed in closed form (geometric series) rather
    // than position by position.
    let user = &mut pop.users[u];
    let scroll = &mech.scroll[seg];
    let mut survive = 1.0;
    let mut organic_rank = 0;
    let mut next_pos = 1;
    let mut last_ad: Option<usize> = None;
    let mut engagement = 0.0;
    let mut revenue = 0.0;
    let mut impressions = 0.0;
    let mut clicks_sum = 0.0;
    let mut value_sum = 0.0;
    for j in 0..=placed {
        // Organic positions next_pos..end, with end the next ad's position or past the feed.
        let end = if j < placed {
            s.positions[j]
        } else {
            length + 1
        };
        let run = end - next_pos;
        if run > 0 && survive > 0.0 {
            let t = scroll.run(j, run);
            let first_item = user.organic * mech.organic_decay[organic_rank];
            let viewed = survive * t.viewed;
            let e = survive * first_item * t.engaged;
            acc.m.positions_viewed += viewed;
            acc.m.organic_engagement += e;
            engagement += e;
            survive *= t.survive;
        }
        organic_rank += run;
        if j == placed {
            break;
        }
        let pos = end;
        let r = s.ranked[j];
        let price = s.prices[j];
        let reserve = arm.book.bids[r.advertiser as usize].reserve;
        let a = &mut pop.advertisers[r.advertiser as usize];
        let gap = last_ad.map_or(1.0, |prev| mech.gap_factor[pos - prev]);
        let clicks = survive * r.click * gap;
        acc.m.impressions += survive;
        acc.m.positions_viewed += survive;
        acc.m.clicks += clicks;
        impressions += survive;
        clicks_sum += clicks;
        value_sum += clicks * a.value;
        let pot = &mut a.pots[pot_index];
        pot.spend += clicks * price;
        pot.value += clicks * a.value;
        pot.clicks += clicks;
        let tally = &mut a.tally[k];
        tally.spend += clicks * price;
        tally.clicks += clicks;
        if pot.spend >= pot.budget {
            // Every arm spending from this pot loses the advertiser.
            let li = arm.book.live_index[r.advertiser as usize];
            if let Some(l) = arm.book.live.get_mut(li as usize) {
                l.exhausted = true;
            }
            for (j2, other) in before.iter_mut().chain(after.iter_mut()).enumerate() {
                let other_k = if j2 < k { j2 } else { j2 + 1 };
                if routing.pot_of_arm[other_k] == pot_index {
                    let li = other.book.live_index[r.advertiser as usize];
                    if let Some(l) = other.book.live.get_mut(li as usize) {
                        l.exhausted = true;
                    }
                }
            }
        }
        tally.value += clicks * a.value;
        if a.promoted {
            acc.promo.impressions += survive;
            acc.promo.clicks += clicks;
            acc.promo.spend += clicks * price;
            acc.promo.value += clicks * a.value;
        }
        revenue += clicks * price;
        if price <= reserve * (1.0 + 1e-12) {
            acc.reserve_clicks += clicks;
        }
        let e = survive * mech.ad_engagement_per_click * r.click * gap;
        acc.m.ad_engagement += e;
        engagement += e;
        user.fatigue_today += survive * fatigue_unit * a.annoyance;
        match user
            .shown_today
            .iter_mut()
            .find(|(adv, _)| *adv == r.advertiser)
        {
            Some((_, n)) => *n += 1,
            None => user.shown_today.push((r.advertiser, 1)),
        }
        survive *= scroll.stay[j + 1];
        last_ad = Some(pos);
        next_pos = pos + 1;
    }
    acc.m.revenue += revenue;
    acc.m.segment_revenue[seg] += revenue;
    acc.m.segment_engagement[seg] += engagement;
    if units.recording {
        if units.users.len() < pop.users.len() {
            units.users.resize(pop.users.len(), UserTotals::default());
        }
        let t = &mut units.users[u];
        t.sessions += 1.0;
        t.engagement += engagement;
        t.clicks += clicks_sum;
        t.impressions += impressions;
        t.revenue += revenue;
        t.value += value_sum;
    }
}
/// The scroll factors of one segment's sessions, tabulated once per run. After `k` ads the exit
/// hazard is `h_k = min(1, 1/depth + h_ad·k)` and the user stays with probability
/// `t_k = 1 − h_k`. A run of `n` organic positions entered with probability `s` is viewed
/// `s·Σ_{j<n} t_k^j` times and yields `s·o·ρ^(r−1)·Σ_{j<n} (t_k·ρ)^j` engagements (first organic
/// rank `r`); afterwards the user is still there with probability `s·t_k^n`.
#[derive(Debug, Clone)]
struct ScrollTable {
    /// `t_k` for k = 0..=max_ads + 1.
    stay: Vec<f64>,
    /// Row `k·(L+1) + n`: the factors of an `n`-position run after `k` ads.
    runs: Vec<RunFactors>,
    length: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct RunFactors {
    /// `Σ_{j<n} t^j`: expected positions viewed per unit of entry probability.
    viewed: f64,
    /// `Σ_{j<n} (t·ρ)^j`: organic engagement per unit of entry probability and first-item utility.
    engaged: f64,
    /// `t^n`: probability of reaching the end of the run.
    survive: f64,
}

impl ScrollTable {
    fn new(p: &Params, exit_hazard: f64) -> ScrollTable {
        let length = p.ad_load.feed_length;
        let max_ads = p.ad_load.max_ads.min(length);
        let stay: Vec<f64> = (0..=max_ads + 1)
            .map(|k| 1.0 - (exit_hazard + p.users.ad_exit_hazard * k as f64).min(1.0))
            .collect();
        let mut runs = vec![RunFactors::default(); (max_ads + 1) * (length + 1)];
        for (k, &t) in stay.iter().take(max_ads + 1).enumerate() {
            for n in 0..=length {
                runs[k * (length + 1) + n] = RunFactors {
                    viewed: geometric_sum(t, n),
                    engaged: geometric_sum(t * p.users.organic_decay, n),
                    survive: math::powi(t, n as i32),
                };
            }
        }
        ScrollTable { stay, runs, length }
    }

    #[inline]
    fn run(&self, ads_seen: usize, n: usize) -> RunFactors {
        self.runs[ads_seen * (self.length + 1) + n]
    }
}

/// The fixed policy's layouts: for `n` available ads, the positions it gives them.
fn fixed_layouts(p: &Params) -> Vec<Vec<usize>> {
    let load = &p.ad_load;
    let length = load.feed_length;
    let organic = vec![0.0; length];
    let weights = feed::default_position_weights(length);
    let guard = Guardrails {
        top_slot: load.top_slot,
        min_gap: load.min_gap,
        max_ads: load.max_ads,
    };
    let method = Method::Fixed {
        first: load.first_position,
        every: load.every,
    };
    let mut scratch = FeedScratch::new();
    (0..=load.max_ads)
        .map(|n| {
            let ads = vec![
                AdItem {
                    revenue: 0.0,
                    engagement: 0.0,
                };
                n
            ];
            let mut positions = Vec::new();
            let request = BlendRequest {
                organic: &organic,
                ads: &ads,
                length,
                position_weights: &weights,
                guardrails: guard,
                method,
            };
            feed::blend_into(&request, &mut scratch, &mut positions);
            positions
        })
        .collect()
}

/// `Σ_{j=0}^{n−1} x^j` for `0 ≤ x ≤ 1`.
#[inline]
fn geometric_sum(x: f64, n: usize) -> f64 {
    if x >= 1.0 {
        n as f64
    } else {
        (1.0 - math::powi(x, n as i32)) / (1.0 - x)
    }
}

/// Whether `a` ranks above `b`: higher utility, and on equal utility the lower advertiser index,
/// so the top list does not depend on the order candidates are examined in.
#[inline]
fn ranks_above(a: &Ranked, b: &Ranked) -> bool {
    a.utility > b.utility || (a.utility == b.utility && a.advertiser < b.advertiser)
}

/// Keeps `ranked` sorted best first (see [`ranks_above`]) with at most `keep` entries.
#[inline]
fn insert_top(ranked: &mut Vec<Ranked>, keep: usize, item: Ranked) {
    if ranked.len() == keep {
        match ranked.last() {
            Some(last) if ranks_above(&item, last) => {
                ranked.pop();
            }
            _ => return,
        }
    }
    // Insertion sort step from the back: the list is short (max_ads + 1 entries).
    ranked.push(item);
    let mut i = ranked.len() - 1;
    while i > 0 && ranks_above(&item, &ranked[i - 1]) {
        ranked[i] = ranked[i - 1];
        i -= 1;
    }
    ranked[i] = item;
}

/// Drops ads whose category equals the previous kept ad's, keeping at most `keep`.
fn skip_adjacent_categories(ranked: &mut Vec<Ranked>, advertisers: &[Advertiser], keep: usize) {
    let mut out = 0;
    let mut last_cat = usize::MAX;
    for i in 0..ranked.len() {
        let cat = advertisers[ranked[i].advertiser as usize].category;
        if cat != last_cat && out < keep {
            ranked[out] = ranked[i];
            out += 1;
            last_cat = cat;
        }
    }
    ranked.truncate(out);
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

/// Segment shares after the mix tilt, normalised.
fn segment_shares(p: &Params) -> Vec<f64> {
    let segs = &p.users.segments;
    let n = segs.len();
    let mut shares: Vec<f64> = segs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let pos = if n > 1 {
                i as f64 / (n - 1) as f64 - 0.5
            } else {
                0.0
            };
            s.share * math::exp(p.users.mix_tilt * 2.0 * pos)
        })
        .collect();
    let total: f64 = shares.iter().sum();
    for s in &mut shares {
        *s /= total;
    }
    shares
}

fn draw_user(p: &Params, shares: &[f64], u: u64) -> User {
    let seed = p.sim.seed;
    let rng = &mut stream(seed, Purpose::UserInit, u, 0);
    let x = rng.uniform();
    let mut acc = 0.0;
    let mut segment = shares.len() - 1;
    for (i, s) in shares.iter().enumerate() {
        acc += s;
        if x < acc {
            segment = i;
            break;
        }
    }
    let s = &p.users.segments[segment];
    let visit_rate = lognormal_with_mean(rng, s.visits_per_day, USER_VISIT_SIGMA);
    let click = lognormal_with_mean(rng, s.ad_click, USER_CLICK_SIGMA).min(1.0);
    let organic = lognormal_with_mean(rng, s.organic_engagement, USER_ORGANIC_SIGMA).min(1.0);
    let mut interest = [1.0; N_CATEGORIES];
    let total_w: f64 = s.interests.iter().sum();
    let mut sum = 0.0;
    for (c, w) in interest.iter_mut().enumerate() {
        let mean = if s.interests.len() == N_CATEGORIES && total_w > 0.0 {
            s.interests[c] / total_w
        } else {
            1.0 / N_CATEGORIES as f64
        };
        *w = rng.gamma(INTEREST_CONCENTRATION * N_CATEGORIES as f64 * mean);
        sum += *w;
    }
    for w in &mut interest {
        *w = if sum > 0.0 {
            *w * N_CATEGORIES as f64 / sum
        } else {
            1.0
        };
    }
    User {
        segment,
        visit_rate,
        organic,
        click,
        sensitivity: s.fatigue_sensitivity * p.users.fatigue_sensitivity,
        interest,
        fatigue: 0.0,
        blindness: 1.0,
        fatigue_today: 0.0,
        shown_today: Vec::new(),
    }
}

/// Log-normal draw with the given mean and log-scale sd (`mean = 0` gives 0).
fn lognormal_with_mean(rng: &mut impl Random, mean: f64, sigma: f64) -> f64 {
    if mean <= 0.0 {
        rng.normal();
        return 0.0;
    }
    rng.lognormal(math::ln(mean) - 0.5 * sigma * sigma, sigma)
}

/// Beta draw with the given mean and standard deviation (sd is capped so the Beta exists).
fn beta_with_sd(rng: &mut impl Random, mean: f64, sd: f64) -> f64 {
    let max_var = mean * (1.0 - mean);
    let var = (sd * sd).min(0.95 * max_var);
    if var <= 0.0 {
        return mean;
    }
    let kappa = max_var / var - 1.0;
    rng.beta_mean(mean, kappa).clamp(1e-4, 1.0 - 1e-4)
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Engine {
        /// Rebuilds arm 0's live list for this hour's state.
        fn refresh_arm0(&mut self) {
            let arm = &mut self.arms[0];
            arm.book
                .refresh_live(&self.pop.advertisers, &arm.mech, 0, (0, self.pop.day, 0));
        }

        /// Ranks user `u`'s candidates in arm 0 into `scratch.ranked`.
        fn rank_arm0(&mut self, u: usize) {
            let arm = &self.arms[0];
            rank_candidates(&self.pop, &arm.mech, &arm.book, &mut self.scratch, u, false);
        }
    }

    fn tight_budgets(pacing: bool) -> Scenario {
        let mut p = Params::default();
        p.users.count = 800;
        p.sim.days = 5;
        p.advertisers.budget_mean = 0.4;
        p.advertisers.budget_sigma = 1.0;
        p.advertisers.pacing = pacing;
        Scenario::new(p).expect("valid")
    }

    /// A stationary market (no fatigue, churn or arrivals) with budgets that bind, all
    /// advertisers on `strategy`.
    fn stationary(strategy: &str, days: u32) -> Params {
        let mut p = Params::default();
        p.users.count = 1500;
        p.users.fatigue = false;
        p.sim.days = days;
        p.advertisers.count = 40;
        p.advertisers.churn_probability = 0.0;
        p.advertisers.budget_mean = 0.5;
        p.advertisers.strategies = [(strategy.to_string(), 1.0)].into();
        p
    }

    /// Per advertiser over the last `window` days: (strategy, spend, value, clicks, budget,
    /// days spent out).
    type Totals = (Strategy, f64, f64, f64, f64, u32);

    fn last_days(p: Params, window: u32) -> (Engine, Vec<Totals>) {
        let scenario = Scenario::new(p).expect("valid");
        let days = scenario.params().sim.days;
        let mut engine = Engine::new(&scenario);
        let n = engine.pop.advertisers.len();
        let mut out: Vec<Totals> = engine
            .pop
            .advertisers
            .iter()
            .map(|a| (a.strategy, 0.0, 0.0, 0.0, 0.0, 0))
            .collect();
        for day in 1..=days {
            engine.step_day();
            if day + window > days {
                for (o, a) in out.iter_mut().zip(&engine.pop.advertisers[..n]) {
                    o.1 += a.pots[0].spend;
                    o.2 += a.pots[0].value;
                    o.3 += a.pots[0].clicks;
                    o.4 += a.pots[0].budget;
                    o.5 += u32::from(a.pots[0].spend >= a.pots[0].budget);
                }
            }
        }
        (engine, out)
    }

    #[test]
    fn strategies_are_drawn_from_the_advertisers_own_streams() {
        let mut p = stationary("manual", 1);
        p.advertisers.count = 400;
        p.advertisers.strategies = [("manual".into(), 3.0), ("target_roas".into(), 1.0)].into();
        let mixed = Engine::new(&Scenario::new(p.clone()).unwrap());
        let manual = Engine::new(&Scenario::new(stationary("manual", 1)).unwrap());
        let roas = mixed
            .pop
            .advertisers
            .iter()
            .filter(|a| a.strategy == Strategy::TargetRoas)
            .count() as f64;
        // Binomial(400, 1/4): mean 100, sd ≈ 8.7.
        assert!((roas - 100.0).abs() < 4.0 * 8.7, "{roas}");
        // Same values, budgets and qualities as the all-manual population: the mix reshuffles
        // nothing else.
        for (a, b) in mixed.pop.advertisers.iter().zip(&manual.pop.advertisers) {
            assert_eq!(
                (a.value, a.budget, a.quality),
                (b.value, b.budget, b.quality)
            );
        }
        // And it is a function of the identity: the same draw in a fresh engine.
        let again = Engine::new(&Scenario::new(p).unwrap());
        for (a, b) in mixed.pop.advertisers.iter().zip(&again.pop.advertisers) {
            assert_eq!(a.strategy, b.strategy);
        }
    }

    #[test]
    fn max_clicks_spends_its_budget() {
        let (engine, out) = last_days(stationary("max_clicks", 40), 7);
        let (mut bound, mut within) = (0, 0);
        let (mut spend_sum, mut budget_sum) = (0.0, 0.0);
        for ((_, spend, _, _, budget, _), a) in out.iter().zip(&engine.pop.advertisers) {
            // Advertisers whose dual is (near) 0 bid their value and cannot spend more: the
            // budget does not bind for them.
            if a.ctl[0].state > 0.05 {
                bound += 1;
                spend_sum += spend;
                budget_sum += budget;
                within += u32::from((spend / budget - 1.0).abs() <= 0.02);
            }
        }
        assert!(bound >= 20, "budgets must bind: {bound}");
        let share = spend_sum / budget_sum;
        assert!((share - 1.0).abs() <= 0.02, "spent {share} of the budgets");
        // Measured: 37 of 39 within 2%; 99.96% of the budgets spent.
        assert!(
            within as f64 >= 0.9 * bound as f64,
            "{within} of {bound} within 2%"
        );
    }

    #[test]
    fn target_roas_meets_its_target_or_spends_its_budget() {
        let mut p = stationary("target_roas", 40);
        p.advertisers.target_roas = 2.0;
        p.advertisers.budget_mean = 2.0;
        // The controller alone (pacing would hold bids back on its own schedule).
        p.advertisers.pacing_method = PacingMethod::None;
        let (_, out) = last_days(p, 7);
        let (mut at_target, mut spent) = (0, 0);
        for (_, spend, value, _, budget, _) in &out {
            let roi = value / spend;
            // Advertisers that win a sliver of traffic (under 5% of their budget) buy in bursts.
            if *spend < 0.05 * budget {
                continue;
            }
            if (roi / 2.0 - 1.0).abs() <= 0.05 {
                at_target += 1;
            } else {
                assert!(
                    *spend >= 0.98 * budget,
                    "ROI {roi}, spent {} of the budget",
                    spend / budget
                );
                spent += 1;
            }
        }
        assert!(
            at_target >= 10,
            "{at_target} at target, {spent} budget-bound"
        );
    }

    #[test]
    fn target_cpc_keeps_the_average_cpc_at_its_target() {
        let mut p = stationary("target_cpc", 40);
        p.advertisers.target_cpc = 0.3;
        p.advertisers.budget_mean = 5.0;
        let (_, out) = last_days(p, 7);
        let mut at_target = 0;
        for (_, spend, _, clicks, budget, _) in &out {
            let cpc = spend / clicks;
            // Advertisers that win a sliver of traffic (under 1% of their budget) buy in
            // bursts; the others hold the target.
            if *spend >= 0.95 * budget {
                assert!(cpc <= 0.3 * 1.05, "budget-bound CPC {cpc}");
            } else if *spend >= 0.01 * budget {
                assert!((cpc / 0.3 - 1.0).abs() <= 0.05, "CPC {cpc}");
                at_target += 1;
            }
        }
        let (spend, clicks) = out.iter().fold((0.0, 0.0), |(s, c), o| (s + o.1, c + o.3));
        let cpc = spend / clicks;
        assert!((cpc / 0.3 - 1.0).abs() <= 0.02, "average CPC {cpc}");
        assert!(at_target >= 20, "{at_target}");
    }

    /// Mean hour by whose end budgets ran out, over the budget-bound advertisers of day `days`,
    /// and whether every spend stayed within one click of its budget.
    fn spent_out_hours(method: PacingMethod) -> (f64, usize) {
        let mut p = stationary("manual", 3);
        p.advertisers.budget_mean = 1.5;
        p.advertisers.pacing_method = method;
        let scenario = Scenario::new(p).unwrap();
        let mut engine = Engine::new(&scenario);
        let (mut hours, mut n) = (0.0, 0);
        for _ in 0..3 {
            engine.step_day();
            for (a, b) in engine.pop.advertisers.iter().zip(&engine.arms[0].book.bids) {
                let pot = &a.pots[0];
                assert!(pot.spend <= pot.budget + b.bid + 1e-9);
                if pot.spent_out < HOURS {
                    hours += pot.spent_out as f64;
                    n += 1;
                }
            }
        }
        (hours / n.max(1) as f64, n)
    }

    #[test]
    fn pacing_methods_spread_spend_and_none_runs_out_early() {
        let (none, n_none) = spent_out_hours(PacingMethod::None);
        let (mult, _) = spent_out_hours(PacingMethod::Multiplicative);
        let (throttle, _) = spent_out_hours(PacingMethod::Throttling);
        assert!(n_none > 20, "budgets must bind: {n_none}");
        // Measured: none ≈ 8.6, multiplicative ≈ 14.2, throttling ≈ 13.1.
        assert!(none < 10.0, "without pacing budgets run out at hour {none}");
        assert!(mult > none + 4.0, "multiplicative {mult} vs none {none}");
        assert!(
            throttle > none + 4.0,
            "throttling {throttle} vs none {none}"
        );
    }

    #[test]
    fn spend_never_exceeds_budget_by_more_than_one_click() {
        for pacing in [true, false] {
            let scenario = tight_budgets(pacing);
            let mut engine = Engine::new(&scenario);
            let mut exhausted = 0;
            for _ in 0..5 {
                engine.step_day();
                let bids = &engine.arms[0].book.bids;
                for (a, b) in engine
                    .pop
                    .advertisers
                    .iter()
                    .zip(bids)
                    .filter(|(a, _)| a.active)
                {
                    // The highest price one click can cost is the bid (GSP and VCG never
                    // charge more; the pacing multiplier only lowers it).
                    let spend = a.pots[0].spend;
                    assert!(
                        spend <= a.budget + b.bid + 1e-9,
                        "spend {} budget {} bid {}",
                        spend,
                        a.budget,
                        b.bid
                    );
                    if spend >= a.budget {
                        exhausted += 1;
                    }
                }
            }
            assert!(
                exhausted > 0,
                "the scenario must make budgets bind (pacing {pacing})"
            );
        }
    }

    #[test]
    fn split_budget_pots_are_spent_and_paced_each_on_its_own() {
        // Two arms on one design, users split 30/70, each advertiser's budget split 30/70.
        let scenario = tight_budgets(true);
        let mut engine = Engine::with_arms(&scenario, &[&scenario, &scenario]);
        let n = engine.pop.users.len();
        engine.routing = Routing {
            user_arm: (0..n).map(|u| u8::from(u % 10 >= 3)).collect(),
            day_arm: None,
            pot_of_arm: [0, 1],
            pot_share: [0.3, 0.7],
            pots: 2,
            budget_weight: [0.3, 0.7],
            advertiser_share: None,
        };
        let mut exhausted = [0; MAX_ARMS];
        let mut paced_apart = 0;
        for _ in 0..3 {
            engine.step_arms();
            for (i, a) in engine.pop.advertisers.iter().enumerate() {
                if !a.active {
                    continue;
                }
                for k in 0..MAX_ARMS {
                    let pot = a.pots[k];
                    let bid = engine.arms[k].book.bids[i].bid;
                    assert_eq!(pot.budget, a.budget * [0.3, 0.7][k]);
                    // Each arm spends only from its own pot, at most one click past it.
                    assert_eq!(pot.spend, a.tally[k].spend);
                    assert!(pot.spend <= pot.budget + bid + 1e-9);
                    if pot.spend >= pot.budget {
                        exhausted[k] += 1;
                    }
                }
                if a.pots[0].pacing != a.pots[1].pacing {
                    paced_apart += 1;
                }
            }
        }
        assert!(exhausted.iter().all(|&e| e > 0), "{exhausted:?}");
        assert!(paced_apart > 0, "each pot has its own pacing multiplier");
    }

    #[test]
    fn pacing_lowers_multipliers_of_fast_spenders_only() {
        let scenario = tight_budgets(true);
        let mut engine = Engine::new(&scenario);
        engine.step_day();
        let paced: Vec<&Advertiser> = engine
            .pop
            .advertisers
            .iter()
            .filter(|a| a.pots[0].pacing < 1.0)
            .collect();
        assert!(!paced.is_empty());
        let rich = Scenario::new(Params {
            advertisers: crate::core::model::AdvertiserParams {
                budget_mean: 10_000.0,
                ..Default::default()
            },
            ..tight_budgets(true).params().clone()
        })
        .expect("valid");
        let mut engine = Engine::new(&rich);
        engine.step_day();
        assert!(engine
            .pop
            .advertisers
            .iter()
            .all(|a| a.pots[0].pacing == 1.0));
    }

    // The named constants are the numbers the day loop uses: each test below fails if the
    // engine's arithmetic drifts from its constant (the Model page prints the constants).

    #[test]
    fn pacing_multipliers_are_powers_of_the_pacing_factors() {
        let scenario = tight_budgets(true);
        let mut engine = Engine::new(&scenario);
        engine.step_day();
        let mut slowed = 0;
        for a in engine.pop.advertisers.iter().filter(|a| a.active) {
            let pacing = a.pots[0].pacing;
            assert!(pacing <= PACING_MAX_MULTIPLIER);
            // Each hour multiplies by 0.8 or by 1.25 = 1/0.8 (capped at 1): the day ends on a
            // whole power of the slowdown, at most one per hour.
            let k = math::ln(pacing) / math::ln(PACING_SLOWDOWN);
            assert!((k - k.round()).abs() < 1e-9, "multiplier {pacing}");
            assert!(k.round() <= HOURS as f64);
            if k.round() >= 1.0 {
                slowed += 1;
            }
        }
        assert!(slowed > 0, "the scenario must make pacing bind");
    }

    #[test]
    fn roi_average_weighs_today_by_roi_weight_today() {
        let scenario = tight_budgets(false);
        let mut engine = Engine::new(&scenario);
        engine.step_day();
        let before: Vec<(u32, f64)> = engine
            .pop
            .advertisers
            .iter()
            .map(|a| (a.days_with_spend, a.roi_ewma))
            .collect();
        engine.step_day();
        let mut checked = 0;
        for (a, &(days, ewma)) in engine.pop.advertisers.iter().zip(&before) {
            if days == 1 && a.days_with_spend == 2 {
                let roi = a.value_today() / a.spend_today();
                assert_eq!(a.roi_ewma, ROI_MEMORY * ewma + ROI_WEIGHT_TODAY * roi);
                checked += 1;
            }
        }
        assert!(checked > 0);
    }

    #[test]
    fn churn_waits_for_the_churn_window() {
        let mut p = tight_budgets(false).params().clone();
        // Nobody reaches this ROI, and everyone the window lets go leaves.
        p.advertisers.roi_target = 10.0;
        p.advertisers.churn_probability = 1.0;
        p.advertisers.arrival_rate = 0.0;
        let scenario = Scenario::new(p).expect("valid");
        let mut engine = Engine::new(&scenario);
        for _ in 1..CHURN_MIN_DAYS_WITH_SPEND {
            assert_eq!(engine.step_day().churned_advertisers, 0);
        }
        assert!(engine.step_day().churned_advertisers > 0);
        assert!(engine
            .pop
            .advertisers
            .iter()
            .filter(|a| a.active && a.roi_ewma < 10.0)
            .all(|a| a.days_with_spend < CHURN_MIN_DAYS_WITH_SPEND));
    }

    #[test]
    fn budgets_grow_only_above_the_growth_threshold() {
        let mut p = tight_budgets(false).params().clone();
        p.advertisers.roi_target = 0.0;
        p.advertisers.budget_growth = 0.1;
        p.advertisers.arrival_rate = 0.0;
        let scenario = Scenario::new(p).expect("valid");
        let mut engine = Engine::new(&scenario);
        let budgets: Vec<f64> = engine.pop.advertisers.iter().map(|a| a.budget).collect();
        engine.step_day();
        let (mut grew, mut kept) = (0, 0);
        for (a, &old) in engine.pop.advertisers.iter().zip(&budgets) {
            if a.spend_today() > 0.0 && a.spend_today() >= GROWTH_MIN_BUDGET_SPENT * old {
                assert_eq!(a.budget, old * (1.0 + 0.1));
                grew += 1;
            } else {
                assert_eq!(a.budget, old);
                kept += 1;
            }
        }
        assert!(grew > 0 && kept > 0, "grew {grew}, kept {kept}");
    }

    /// Every live candidate ranked without bounds: the reference for `rank_candidates`. The
    /// utility is computed from the same precomputed terms, so the lists must agree exactly.
    fn rank_brute(engine: &Engine, u: usize) -> Vec<Ranked> {
        let mech = &engine.arms[0].mech;
        let load = &mech.load;
        let user = &engine.pop.users[u];
        let interest_q = &mech.interest_q[u];
        let click_u = user.click * user.blindness;
        let click_u_q = pow_q(click_u, mech.auction.squashing);
        let fatigue_unit = FATIGUE_PER_IMPRESSION * user.sensitivity;
        let mut all: Vec<Ranked> = Vec::new();
        if load.max_ads == 0 {
            return all;
        }
        for l in &engine.arms[0].book.live {
            let a = &engine.pop.advertisers[l.advertiser as usize];
            let c = a.category;
            let capped = user
                .shown_today
                .iter()
                .any(|&(adv, n)| adv == l.advertiser && n >= load.frequency_cap);
            if l.exhausted || capped || (a.targeted && user.interest[c] < 1.0) {
                continue;
            }
            let e_cat = click_u * user.interest[c];
            let a_cat = click_u_q * interest_q[c];
            let click = e_cat * a.click_factor;
            let (click, bonus, utility) = if click < 1.0 {
                let bonus = l.eng_term * e_cat + l.quality_term - fatigue_unit * l.fatigue_term;
                (click, bonus, l.bid_term * a_cat + bonus)
            } else {
                let bonus = l.eng_weight + l.quality_term - fatigue_unit * l.fatigue_term;
                (1.0, bonus, l.bid_weight + bonus)
            };
            if utility > 0.0 {
                all.push(Ranked {
                    advertiser: l.advertiser,
                    utility,
                    click,
                    bid: l.bid,
                    bonus,
                });
            }
        }
        all.sort_by(|x, y| {
            if ranks_above(x, y) {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        });
        let keep = if load.no_adjacent_same_category {
            2 * load.max_ads + 1
        } else {
            load.max_ads + 1
        };
        all.truncate(keep);
        if load.no_adjacent_same_category {
            skip_adjacent_categories(&mut all, &engine.pop.advertisers, load.max_ads + 1);
        }
        all
    }

    #[test]
    fn bounded_candidate_scan_equals_ranking_every_candidate() {
        let mut rng = stream(5, Purpose::UserInit, 99, 99);
        let mut compared = 0usize;
        let mut lists = 0usize;
        for case in 0..24 {
            let mut p = Params::default();
            p.sim.seed = case;
            p.sim.days = 3;
            p.users.count = 300;
            p.utility.w_eng = [0.0, 0.5, 3.0][rng.index(3)];
            p.utility.w_qual = [0.0, 0.002, 0.02][rng.index(3)];
            p.utility.w_fat = [0.0, 1.0, 5.0][rng.index(3)];
            p.auction.squashing = [1.0, 0.5, 0.7, 2.0][rng.index(4)];
            p.ad_load.max_ads = 1 + rng.index(6);
            p.ad_load.frequency_cap = 1 + rng.index(3) as u32;
            p.ad_load.no_adjacent_same_category = rng.bernoulli(0.5);
            p.advertisers.targeted_share = rng.uniform();
            p.advertisers.budget_mean = [0.4, 5.0][rng.index(2)];
            p.advertisers.budget_sigma = 1.0;
            if rng.bernoulli(0.3) {
                // Click propensities above 1 exercise the capped branch.
                p.users.segments[0].ad_click = 0.4;
            }
            let (scenario, problems) = Scenario::repair(p);
            assert!(problems.is_empty(), "{problems:?}");
            let mut engine = Engine::new(&scenario);
            for _ in 0..3 {
                engine.step_day();
                // This hour's lists, with some advertisers marked as having run out of budget.
                engine.refresh_arm0();
                for l in &mut engine.arms[0].book.live {
                    l.exhausted = rng.bernoulli(0.1);
                }
                for u in 0..engine.pop.users.len() {
                    engine.rank_arm0(u);
                    let want = rank_brute(&engine, u);
                    let got = &engine.scratch.ranked;
                    let key = |r: &Ranked| (r.advertiser, r.utility.to_bits(), r.click.to_bits());
                    assert_eq!(
                        got.iter().map(key).collect::<Vec<_>>(),
                        want.iter().map(key).collect::<Vec<_>>(),
                        "case {case}, user {u}"
                    );
                    compared += want.len();
                    lists += 1;
                }
            }
        }
        // The comparison must have had something to compare.
        assert!(
            compared > 5 * lists / 2,
            "{compared} entries in {lists} lists"
        );
    }

    #[test]
    fn ranking_utility_matches_its_formula() {
        // U = w_rev·bid·e^q + w_eng·a·e + w_qual·quality − w_fat·ΔF, with e = c_u·B·2·quality·I.
        let mut p = Params::default();
        p.users.count = 200;
        p.utility.w_eng = 0.7;
        p.utility.w_qual = 0.01;
        p.utility.w_fat = 3.0;
        p.auction.squashing = 0.6;
        let scenario = Scenario::new(p).expect("valid");
        let mut engine = Engine::new(&scenario);
        engine.step_day();
        engine.refresh_arm0();
        let mut checked = 0;
        for u in 0..engine.pop.users.len() {
            engine.rank_arm0(u);
            let user = &engine.pop.users[u];
            for r in &engine.scratch.ranked {
                let a = &engine.pop.advertisers[r.advertiser as usize];
                let e = user.click * user.blindness * 2.0 * a.quality * user.interest[a.category];
                let fatigue = FATIGUE_PER_IMPRESSION * user.sensitivity * a.annoyance;
                let util = &engine.pop.p.utility;
                let want = util.w_rev * r.bid * math::pow(e, 0.6)
                    + util.w_eng * engine.pop.p.users.ad_engagement_per_click * e
                    + util.w_qual * a.quality
                    - util.w_fat * fatigue;
                assert!(
                    (r.utility - want).abs() <= 1e-12 * want.abs().max(1e-9),
                    "{} vs {want}",
                    r.utility
                );
                assert!((r.click - e).abs() <= 1e-15);
                checked += 1;
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn insert_top_keeps_the_best_in_order() {
        let mut list = Vec::new();
        let item = |u: f64| Ranked {
            advertiser: u as u32,
            utility: u,
            click: 0.0,
            bid: 0.0,
            bonus: 0.0,
        };
        for u in [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0] {
            insert_top(&mut list, 3, item(u));
        }
        let got: Vec<f64> = list.iter().map(|r| r.utility).collect();
        assert_eq!(got, vec![9.0, 6.0, 5.0]);
    }
}
