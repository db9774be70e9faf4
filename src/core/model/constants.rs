//! The model's fixed behavioural constants: the numbers the day loop ([`super::engine`]) uses
//! that are not configuration knobs.
//!
//! They live in one place so that the engine, the validated scenario
//! ([`super::Scenario::bid_shading`]) and the in-app Model page, which formats them into its
//! text, cannot disagree. Changing one changes what a configuration computes: that is a URL
//! version bump (see [`crate::config::url`]) and a new golden run.

/// Hours in a simulated day: the pacing periods. Traffic is uniform over them.
pub const HOURS: usize = 24;

/// Pacing: the factor applied to an advertiser's bid multiplier after an hour `h` (0-based) at
/// whose end its spend exceeds `budget · (h+1)/HOURS` — it slows down by 20%.
pub const PACING_SLOWDOWN: f64 = 0.8;

/// Pacing: the factor applied to the bid multiplier after an hour that ended on or under the
/// spend schedule (capped at [`PACING_MAX_MULTIPLIER`]). `1/0.8`, so one hour behind schedule
/// undoes one hour ahead of it.
pub const PACING_RECOVERY: f64 = 1.25;

/// Pacing: the largest bid multiplier, and its value at the start of each day (full bid).
pub const PACING_MAX_MULTIPLIER: f64 = 1.0;

// The recovery undoes the slowdown exactly, and the start of a day is full speed.
const _: () = assert!(PACING_SLOWDOWN * PACING_RECOVERY == PACING_MAX_MULTIPLIER);
const _: () = assert!(PACING_SLOWDOWN > 0.0 && PACING_SLOWDOWN < 1.0);

/// ROI memory: the weight of yesterday's weighted ROI in today's exponentially weighted average
/// (dimensionless). [`ROI_WEIGHT_TODAY`] is its complement.
pub const ROI_MEMORY: f64 = 1.0 - ROI_WEIGHT_TODAY;

/// The weight of today's ROI (value / spend) in an advertiser's exponentially weighted ROI
/// (dimensionless): a mean age of `1/0.3 ≈ 3.3` days, so the average forgets within about a week.
pub const ROI_WEIGHT_TODAY: f64 = 0.3;

const _: () = assert!(ROI_WEIGHT_TODAY > 0.0 && ROI_WEIGHT_TODAY < 1.0);

/// Churn window: an advertiser may leave for a poor weighted ROI only once it has had this many
/// days with spend (days), so one bad first day does not end it.
pub const CHURN_MIN_DAYS_WITH_SPEND: u32 = 7;

/// Growth threshold: a satisfied advertiser (weighted ROI at or above target) grows its budget
/// only if it spent at least this share of it today (fraction of the daily budget): a budget it
/// does not use is not what holds it back.
pub const GROWTH_MIN_BUDGET_SPENT: f64 = 0.9;

/// Automatic bid shading in a first-price auction (fraction of value): advertisers bid
/// `(1 − 0.3) × value`. The symmetric equilibrium with uniform values shades by `1/n`, about 30%
/// with three competitors (Riley & Samuelson 1981).
pub const AUTO_SHADING_FIRST_PRICE: f64 = 0.3;

/// Automatic bid shading in GSP and VCG (fraction of value): none, advertisers bid their value
/// (dominant in VCG; GSP is not truthful in general, but value bidding is its usual benchmark).
pub const AUTO_SHADING_GSP_VCG: f64 = 0.0;

/// Fatigue units added by one impression of a quality-0.5 ad to a user of sensitivity 1.
pub const FATIGUE_PER_IMPRESSION: f64 = 0.005;

/// Quality below which an incumbent is in the "low" spend group, and above which "high".
pub const QUALITY_TERCILES: (f64, f64) = (0.4, 0.6);

/// Spread of a user's visit rate around its segment's mean: the log-scale σ of the
/// mean-preserving log-normal noise (log scale). Users of one segment differ in how often they
/// come.
pub const USER_VISIT_SIGMA: f64 = 0.3;

/// Spread of a user's ad click propensity around its segment's mean (log-scale σ of the
/// mean-preserving log-normal; the draw is capped at 1).
pub const USER_CLICK_SIGMA: f64 = 0.5;

/// Spread of a user's organic engagement propensity around its segment's mean (log-scale σ of
/// the mean-preserving log-normal; the draw is capped at 1).
pub const USER_ORGANIC_SIGMA: f64 = 0.3;

/// Concentration of a user's interests around its segment's interest weights (the Dirichlet's
/// total concentration per category, dimensionless): higher makes users of a segment more alike.
pub const INTEREST_CONCENTRATION: f64 = 6.0;

/// `max_clicks`: step `ε` of the dual update `μ ← clamp(μ + ε·(z_h − ρ)/ρ, 0, μ̄)` after each
/// hour (`z_h` the hour's spend, `ρ = budget / HOURS`).
pub const MAX_CLICKS_STEP: f64 = 0.05;

/// `max_clicks`: the largest dual variable `μ̄` (the bid never falls below value / (1 + μ̄)).
pub const MAX_CLICKS_MAX_DUAL: f64 = 50.0;

/// `target_roas`: step `η` of `ln α ← ln α + η·g` after each hour, with
/// `g = clip((V_h − T·S_h) / (T·S̄), ±1)`.
pub const TARGET_ROAS_STEP: f64 = 0.05;

/// `target_cpc`: step `η` of `ln β ← ln β + η·g` after each hour, with
/// `g = clip((T·C_h − S_h) / (T·C̄), ±1)`.
pub const TARGET_CPC_STEP: f64 = 0.05;

/// Autobidders: the memory per hour of the running hourly averages `S̄` (spend) and `C̄`
/// (clicks) that scale the controllers' gradients (about a day's memory).
pub const AUTOBID_MEMORY: f64 = 0.96;

/// Autobidders: bounds of the log bid multiplier `ln α`, `ln β` (multipliers from about 0.01 to
/// 100).
pub const AUTOBID_LOG_MULT_MAX: f64 = 4.6;

/// Throttling: the smallest participation probability (an advertiser never stops for good).
pub const THROTTLE_MIN_PARTICIPATION: f64 = 0.01;

/// `learning_shading`: the shading levels (fractions of value) the learner chooses among, from
/// truthful (0) to shading 60% (bidding 40% of value). A grid, so that each level's win rate is
/// estimated from the auctions actually bid at it; steps of 0.05 put the analytic best
/// responses of the tests (1/2 against uniform highest bids, 1/n in the symmetric equilibrium of
/// n uniform bidders) on the grid. The first level is truthful: a learner starts there, and stays
/// there outside first price.
pub const LEARN_SHADING_LEVELS: [f64; 13] = [
    0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6,
];

const _: () = assert!(LEARN_SHADING_LEVELS[0] == 0.0);
