//! The raw configuration of the day-by-day model ([`Params`]) and its validation into a
//! [`Scenario`](super::Scenario), the only form the engine accepts.
//!
//! Every field documents its unit, its valid range and its effect. Validation never panics: it
//! returns every problem found ([`FieldError`](super::FieldError): the field's path, the allowed range, the value
//! given and the value used instead), and [`Scenario::repair`](super::Scenario::repair) builds a runnable scenario from any
//! params by replacing each bad value with its default.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::auction::Format;

/// Content and advertiser categories (fixed set; interests are weights over these).
pub const CATEGORIES: [&str; 6] = ["news", "sports", "fashion", "tech", "food", "travel"];
/// Number of categories.
pub const N_CATEGORIES: usize = CATEGORIES.len();
/// Longest feed the model serves (positions).
pub const MAX_FEED_LENGTH: usize = 60;
/// Most ads per session the model allows.
pub const MAX_ADS_PER_SESSION: usize = 12;

/// Everything the day-by-day model reads. `Default` is the balanced scenario the app opens with.
///
/// In JSON the `promotion` section is written only when it differs from its default, so every
/// configuration without promotional bandwidth prints as it did before the section existed;
/// binary encodings (the app's worker messages) always carry it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Length of the run and the seed.
    pub sim: SimParams,
    /// Weights of the ads ranking utility.
    pub utility: UtilityWeights,
    /// Auction format, reserve, squashing.
    pub auction: AuctionParams,
    /// How many ads go into each feed session and where.
    pub ad_load: AdLoadParams,
    /// The user population and its fatigue dynamics.
    pub users: UserParams,
    /// The advertiser population and its dynamics.
    pub advertisers: AdvertiserParams,
    /// An optional new ad offering launched mid-run.
    pub launch: LaunchParams,
    /// Optional promotional bandwidth: a share of sessions whose ad slots only a promoted class
    /// of ads may win.
    pub promotion: PromotionParams,
}

impl Serialize for Params {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let skip = serializer.is_human_readable() && self.promotion == PromotionParams::default();
        let mut st = serializer.serialize_struct("Params", if skip { 7 } else { 8 })?;
        st.serialize_field("sim", &self.sim)?;
        st.serialize_field("utility", &self.utility)?;
        st.serialize_field("auction", &self.auction)?;
        st.serialize_field("ad_load", &self.ad_load)?;
        st.serialize_field("users", &self.users)?;
        st.serialize_field("advertisers", &self.advertisers)?;
        st.serialize_field("launch", &self.launch)?;
        if skip {
            st.skip_field("promotion")?;
        } else {
            st.serialize_field("promotion", &self.promotion)?;
        }
        st.end()
    }
}

/// Length of the run and the seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimParams {
    /// Simulated days, 1–365.
    pub days: u32,
    /// Seed of every random stream (any u64; the same seed means the same users and draws).
    pub seed: u64,
}

/// The ranking utility `U = w_rev·bid·pCTR^q + w_eng·engagement + w_qual·quality − w_fat·fatigue_cost`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UtilityWeights {
    /// Weight of the bid term (expected revenue per impression when q = 1), 0–5. At 0 the
    /// bid no longer ranks ads (other terms must be on, or nothing is shown).
    pub w_rev: f64,
    /// Weight of the ad's expected engagement (likes, shares per impression) in currency per
    /// engagement, 0–5.
    pub w_eng: f64,
    /// Weight of the ad's quality score in (0,1), in currency, 0–0.5.
    pub w_qual: f64,
    /// Weight of the expected fatigue the impression causes this user, in currency per fatigue
    /// unit, 0–5.
    pub w_fat: f64,
}

/// Auction and pricing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuctionParams {
    /// Pricing rule: `first_price`, `gsp` or `vcg`.
    pub format: Format,
    /// Reserve price per click (currency), 0–10. Bids below it do not compete.
    pub reserve: f64,
    /// Per-category reserve per click (currency); empty means the global reserve everywhere.
    /// Otherwise exactly one entry per category, each 0–10.
    pub reserve_by_category: Vec<f64>,
    /// Squashing exponent `q` on pCTR in the bid term, 0–2 (0 ranks by bid, 1 by expected revenue).
    pub squashing: f64,
    /// Bid shading: advertisers bid `(1 − shading) × value` per click, 0–0.95. `null` means
    /// automatic: 0 in GSP and VCG (truthful), 0.3 in first price.
    pub bid_shading: Option<f64>,
}

/// Ad-load policy: how ads are blended into the organic feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AdLoadPolicy {
    /// First ad at `first_position`, then every `every` positions.
    #[default]
    Fixed,
    /// At each allowed position place the best remaining ad iff `U_ad ≥ θ · u_org`.
    Threshold,
    /// The layout maximising `revenue + λ·engagement` for the request, exactly.
    Exact,
}

impl AdLoadPolicy {
    /// Every policy, in display order.
    pub const ALL: [AdLoadPolicy; 3] = [
        AdLoadPolicy::Fixed,
        AdLoadPolicy::Threshold,
        AdLoadPolicy::Exact,
    ];
    /// The name used in JSON and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            AdLoadPolicy::Fixed => "fixed",
            AdLoadPolicy::Threshold => "threshold",
            AdLoadPolicy::Exact => "exact",
        }
    }
}

/// Ad load and guardrails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdLoadParams {
    /// Blending policy.
    pub policy: AdLoadPolicy,
    /// Feed positions served per session, 5–60 (users leave before the end; see `users`).
    pub feed_length: usize,
    /// Fixed policy: position of the first ad, 1–60 (1-based).
    pub first_position: usize,
    /// Fixed policy: positions between consecutive ads, 1–60.
    pub every: usize,
    /// Threshold policy: θ, currency per engagement, 0–1. Higher θ ⇒ fewer ads.
    pub theta: f64,
    /// Exact policy: λ, the shadow price of engagement in currency per engagement, 0–1.
    /// Higher λ ⇒ fewer ads, more engagement.
    pub lambda: f64,
    /// Guardrail: first position an ad may take (1-based), 1–60.
    pub top_slot: usize,
    /// Guardrail: consecutive ad positions differ by at least this, 1–20.
    pub min_gap: usize,
    /// Guardrail: most ads in one session, 0–12.
    pub max_ads: usize,
    /// Guardrail: most impressions of one advertiser to one user per day, 1–20.
    pub frequency_cap: u32,
    /// Guardrail: no two consecutive ads from the same category.
    pub no_adjacent_same_category: bool,
}

/// One user segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Segment {
    /// Display name.
    pub name: String,
    /// Share of the population (shares are normalised to sum to 1), 0–1.
    pub share: f64,
    /// Mean sessions per day with no fatigue, 0–20.
    pub visits_per_day: f64,
    /// Mean feed positions viewed per session with no ads, 1–60.
    pub feed_depth: f64,
    /// Probability of engaging with the top organic item when it is viewed, 0–1.
    pub organic_engagement: f64,
    /// Click probability on an average ad (quality 0.5, average interest) with no fatigue, 0–1.
    pub ad_click: f64,
    /// Multiplier on fatigue gained per ad impression, 0–10.
    pub fatigue_sensitivity: f64,
    /// Interest weights over [`CATEGORIES`] (normalised), each ≥ 0; empty means uniform.
    pub interests: Vec<f64>,
}

/// The user population and its long-term dynamics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserParams {
    /// Number of users, 1–200 000.
    pub count: usize,
    /// Segments; at least one, shares sum to a positive number.
    pub segments: Vec<Segment>,
    /// Tilts the segment mix toward the last segment (heavy users), −1 to 1: shares are multiplied
    /// by `exp(mix_tilt · 2 · (i/(S−1) − ½))` and renormalised. 0 keeps the given shares.
    pub mix_tilt: f64,
    /// Switch: with fatigue off, users never tire and user behaviour is stationary (with the
    /// default, stationary advertiser dynamics nothing trends over time).
    pub fatigue: bool,
    /// Global multiplier on every segment's fatigue sensitivity, 0–10.
    pub fatigue_sensitivity: f64,
    /// Half-life of fatigue in days, 1–365 (Hohnhold et al.: ≈ 60 days on desktop).
    pub fatigue_half_life_days: f64,
    /// Share of the per-impression fatigue that every ad causes regardless of quality, 0–1;
    /// the rest scales with `2·(1 − quality)`. Low values: quality, not count, drives blindness.
    pub count_share: f64,
    /// Ad blindness: click propensity is multiplied by `exp(−blindness · F)`, 0–5.
    pub blindness: f64,
    /// Visit-rate sensitivity to fatigue: visits are multiplied by `exp(−visit_sensitivity · F)`, 0–5.
    pub visit_sensitivity: f64,
    /// Added per-position chance of leaving the session after each ad seen, 0–0.5.
    pub ad_exit_hazard: f64,
    /// Engagement decay down the organic ranking: item r has `ρ^(r−1)` of the top item's, 0.5–1.
    pub organic_decay: f64,
    /// Expected engagements per ad impression per unit of click propensity (ads are content too), 0–5.
    pub ad_engagement_per_click: f64,
    /// CTR penalty of the gap effect: an ad `d` positions after the previous ad has its CTR
    /// multiplied by `1 − gap_penalty / d`, 0–0.9.
    pub gap_penalty: f64,
}

/// The advertiser population and its dynamics.
///
/// In JSON the bidding fields (`strategies`, `target_roas`, `target_cpc`, `pacing_method`,
/// `learning_memory`, `learning_exploration`, `autobid_share`, `max_clicks_rule`) are written only when they differ
/// from their defaults, so configurations without autobidders
/// print as they did before these fields existed; binary encodings always carry them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdvertiserParams {
    /// Advertisers at the start, 1–2 000.
    pub count: usize,
    /// Mean value per click (currency) of the log-normal value distribution, 0.01–100.
    pub value_mean: f64,
    /// Log-scale spread σ of values per click, 0–2.
    pub value_sigma: f64,
    /// Mean daily budget (currency), 0–10 000.
    pub budget_mean: f64,
    /// Log-scale spread σ of daily budgets, 0–2.
    pub budget_sigma: f64,
    /// Mean ad quality in (0,1): 0.05–0.95.
    pub quality_mean: f64,
    /// Quality spread: standard deviation of the Beta quality distribution, 0–0.3 (capped by the mean).
    pub quality_spread: f64,
    /// Share of advertisers that target only users with above-average interest in their category, 0–1.
    pub targeted_share: f64,
    /// Return on spend (value of clicks / spend) an advertiser needs, 0–10. Below it, it may churn.
    /// Truthful bidders' ROI is at least `1/(1 − shading)`, so targets at or below that (the
    /// default 1) keep the advertiser base stationary.
    pub roi_target: f64,
    /// Daily probability that an advertiser whose 7-day ROI is below target leaves, 0–1.
    pub churn_probability: f64,
    /// Mean new advertisers arriving per day (Poisson), 0–50.
    pub arrival_rate: f64,
    /// Daily budget growth of satisfied advertisers (ROI ≥ target and budget ≥ 90% spent), 0–0.2.
    pub budget_growth: f64,
    /// Budget pacing: an hourly controller spreads spend over the day (off = no pacing,
    /// whatever `pacing_method` says).
    pub pacing: bool,
    /// Bidding strategies: strategy name (`manual`, `max_clicks`, `target_roas`, `target_cpc`,
    /// `learning_shading`) → share of advertisers (shares are normalised to sum to 1). Each advertiser's strategy is
    /// drawn once from its own random stream.
    pub strategies: BTreeMap<String, f64>,
    /// Return on spend (value / spend) `target_roas` advertisers aim for, 0.1–20.
    pub target_roas: f64,
    /// Average cost per click `target_cpc` advertisers aim to stay under (currency), 0.01–100.
    pub target_cpc: f64,
    /// How advertisers pace (when `pacing` is on): `multiplicative`, `throttling` or `none`.
    pub pacing_method: PacingMethod,
    /// `learning_shading`: memory `λ` of each shading level's win-rate estimate, the weight of
    /// the past per observation (an hour bid at that level), 0–0.999.
    pub learning_memory: f64,
    /// `learning_shading`: probability `ε` of bidding at a uniformly drawn shading level in an
    /// hour instead of the best estimated one, 0–1.
    pub learning_exploration: f64,
    /// Share of advertisers that autobid, 0–1, or unset (`null`, the default): the mix is
    /// `strategies` as configured. When set to `s`, the mix becomes `manual` = `1 − s` and the
    /// autobidding strategies (every strategy but `manual`, the shading learner included) share `s`
    /// in the proportions `strategies` gives them (`max_clicks`
    /// alone when it configures none). Unset acts as `s` = the mix's own autobidding share, so
    /// setting that value changes nothing. Strategies are drawn by walking the shares with
    /// `manual` first, so raising `s` moves advertisers from `manual` to autobidding and no one
    /// the other way (common random numbers along a sweep).
    pub autobid_share: Option<f64>,
    /// `max_clicks`: whether the dual `μ` of the budget constraint steps in the hour the budget
    /// runs out. `one_hour_spend_out` (the default): only when the whole day's budget went in
    /// that one hour (nothing was spent before it that day), with that hour's spend;
    /// `skip_spend_out_hour`: never, the rule of link and export version 1 (kept so they
    /// reproduce: under it an advertiser that spends its whole budget within one hour never
    /// lowers its bid).
    pub max_clicks_rule: MaxClicksRule,
}

/// Which hours step a `max_clicks` advertiser's dual (see
/// [`AdvertiserParams::max_clicks_rule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxClicksRule {
    /// The spend-out hour steps when the whole day's budget went in it (nothing spent before it
    /// that day); other spend-out hours are skipped, their spend being cut short by the budget.
    #[default]
    OneHourSpendOut,
    /// Never step in the spend-out hour (link and export version 1).
    SkipSpendOutHour,
}

impl MaxClicksRule {
    /// Every rule.
    pub const ALL: [MaxClicksRule; 2] = [
        MaxClicksRule::OneHourSpendOut,
        MaxClicksRule::SkipSpendOutHour,
    ];

    /// Name in configurations.
    pub fn as_str(self) -> &'static str {
        match self {
            MaxClicksRule::OneHourSpendOut => "one_hour_spend_out",
            MaxClicksRule::SkipSpendOutHour => "skip_spend_out_hour",
        }
    }
}

impl Serialize for AdvertiserParams {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let d = AdvertiserParams::default();
        let human = serializer.is_human_readable();
        let show = [
            !human || self.strategies != d.strategies,
            !human || self.target_roas != d.target_roas,
            !human || self.target_cpc != d.target_cpc,
            !human || self.pacing_method != d.pacing_method,
            !human || self.learning_memory != d.learning_memory,
            !human || self.learning_exploration != d.learning_exploration,
            !human || self.autobid_share != d.autobid_share,
            !human || self.max_clicks_rule != d.max_clicks_rule,
        ];
        let n = 13 + show.iter().filter(|&&b| b).count();
        let mut st = serializer.serialize_struct("AdvertiserParams", n)?;
        st.serialize_field("count", &self.count)?;
        st.serialize_field("value_mean", &self.value_mean)?;
        st.serialize_field("value_sigma", &self.value_sigma)?;
        st.serialize_field("budget_mean", &self.budget_mean)?;
        st.serialize_field("budget_sigma", &self.budget_sigma)?;
        st.serialize_field("quality_mean", &self.quality_mean)?;
        st.serialize_field("quality_spread", &self.quality_spread)?;
        st.serialize_field("targeted_share", &self.targeted_share)?;
        st.serialize_field("roi_target", &self.roi_target)?;
        st.serialize_field("churn_probability", &self.churn_probability)?;
        st.serialize_field("arrival_rate", &self.arrival_rate)?;
        st.serialize_field("budget_growth", &self.budget_growth)?;
        st.serialize_field("pacing", &self.pacing)?;
        macro_rules! opt {
            ($i:expr, $name:literal, $field:expr) => {
                if show[$i] {
                    st.serialize_field($name, $field)?;
                } else {
                    st.skip_field($name)?;
                }
            };
        }
        opt!(0, "strategies", &self.strategies);
        opt!(1, "target_roas", &self.target_roas);
        opt!(2, "target_cpc", &self.target_cpc);
        opt!(3, "pacing_method", &self.pacing_method);
        opt!(4, "learning_memory", &self.learning_memory);
        opt!(5, "learning_exploration", &self.learning_exploration);
        opt!(6, "autobid_share", &self.autobid_share);
        opt!(7, "max_clicks_rule", &self.max_clicks_rule);
        st.end()
    }
}

/// An advertiser's bidding strategy (see the engine's module docs for the controllers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    /// Bids `value · (1 − shading)`, paced.
    Manual,
    /// Spends its budget exactly: bid `value / (1 + μ)`, `μ` the dual of the budget constraint.
    MaxClicks,
    /// Maximises value subject to return on spend ≥ its target: bid `α · value`.
    TargetRoas,
    /// Maximises clicks subject to average CPC ≤ its target: bid `β · target_cpc`.
    TargetCpc,
    /// Learns its shading in first price from the win rates it observes (see
    /// [`super::learning`]); bids as `manual` in GSP and VCG.
    LearningShading,
}

impl Strategy {
    /// Every strategy, in the order the assignment draw walks the shares.
    pub const ALL: [Strategy; 5] = [
        Strategy::Manual,
        Strategy::MaxClicks,
        Strategy::TargetRoas,
        Strategy::TargetCpc,
        Strategy::LearningShading,
    ];

    /// Name in configurations and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Manual => "manual",
            Strategy::MaxClicks => "max_clicks",
            Strategy::TargetRoas => "target_roas",
            Strategy::TargetCpc => "target_cpc",
            Strategy::LearningShading => "learning_shading",
        }
    }

    /// The strategy named `name`.
    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// How advertisers spread their budget over the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PacingMethod {
    /// An hourly bid multiplier: ×0.8 when spend runs ahead of schedule, else ×1.25 (at most 1).
    #[default]
    Multiplicative,
    /// An hourly participation probability, adjusted like the multiplier; each advertiser-hour
    /// draws whether the advertiser competes.
    Throttling,
    /// No pacing: bid fully until the budget runs out.
    None,
}

impl PacingMethod {
    /// Every method.
    pub const ALL: [PacingMethod; 3] = [
        PacingMethod::Multiplicative,
        PacingMethod::Throttling,
        PacingMethod::None,
    ];

    /// Name in configurations.
    pub fn as_str(self) -> &'static str {
        match self {
            PacingMethod::Multiplicative => "multiplicative",
            PacingMethod::Throttling => "throttling",
            PacingMethod::None => "none",
        }
    }
}

impl AdvertiserParams {
    /// The share of advertisers following `strategy`: the mix normalised (unknown names and
    /// negative shares count as 0, as validation reports them), with `manual` at `1 − s` and the
    /// autobidders scaled to `s` when [`AdvertiserParams::autobid_share`] is set to `s`.
    pub fn strategy_share(&self, strategy: Strategy) -> f64 {
        let Some(s) = self.autobid_share.filter(|s| s.is_finite()) else {
            return self.configured_share(strategy);
        };
        let s = s.clamp(0.0, 1.0);
        if strategy == Strategy::Manual {
            return 1.0 - s;
        }
        let autobid: f64 = Strategy::ALL[1..]
            .iter()
            .map(|&k| self.configured_share(k))
            .sum();
        if autobid > 0.0 {
            s * self.configured_share(strategy) / autobid
        } else if strategy == Strategy::MaxClicks {
            s
        } else {
            0.0
        }
    }

    /// The share of advertisers that autobid: [`AdvertiserParams::autobid_share`] when set, else
    /// the configured mix's share of strategies other than `manual`.
    pub fn effective_autobid_share(&self) -> f64 {
        match self.autobid_share.filter(|s| s.is_finite()) {
            Some(s) => s.clamp(0.0, 1.0),
            None => 1.0 - self.configured_share(Strategy::Manual),
        }
    }

    /// The share of `strategy` in the configured mix alone (`strategies`, normalised).
    fn configured_share(&self, strategy: Strategy) -> f64 {
        let total: f64 = self
            .strategies
            .iter()
            .filter(|(k, v)| Strategy::from_name(k).is_some() && v.is_finite() && **v > 0.0)
            .map(|(_, v)| *v)
            .sum();
        let own = self
            .strategies
            .get(strategy.as_str())
            .copied()
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(0.0);
        if total > 0.0 {
            own / total
        } else {
            f64::from(u8::from(strategy == Strategy::Manual))
        }
    }

    /// Whether any advertiser may follow `strategy`.
    pub fn uses(&self, strategy: Strategy) -> bool {
        self.strategy_share(strategy) > 0.0
    }
}

/// The default strategy mix: every advertiser bids manually.
pub fn default_strategies() -> BTreeMap<String, f64> {
    BTreeMap::from([("manual".to_string(), 1.0)])
}

/// A new ad offering launched on a given day: a cohort of new advertisers with its own quality,
/// click-through and value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LaunchParams {
    /// Whether the launch happens.
    pub enabled: bool,
    /// Day of the launch, 1–365 (takes effect at the start of that day).
    pub day: u32,
    /// Advertisers in the new cohort, 1–1 000.
    pub count: usize,
    /// Mean ad quality of the cohort, 0.05–0.95.
    pub quality_mean: f64,
    /// Multiplier on the cohort's click propensity (a new format), 0.1–5.
    pub ctr_multiplier: f64,
    /// Mean value per click of the cohort (currency), 0.01–100.
    pub value_mean: f64,
    /// Mean daily budget of the cohort (currency), 0–10 000.
    pub budget_mean: f64,
}

/// The class of ads promotional bandwidth is reserved for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PromotedClass {
    /// The launched cohort (the new ad offering, see [`LaunchParams`]).
    #[default]
    Launch,
    /// Every advertiser of one category ([`PromotionParams::category`]).
    Category,
}

impl PromotedClass {
    /// Every class, in display order.
    pub const ALL: [PromotedClass; 2] = [PromotedClass::Launch, PromotedClass::Category];
    /// The name used in JSON and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            PromotedClass::Launch => "launch",
            PromotedClass::Category => "category",
        }
    }
}

/// Promotional bandwidth: a share of sessions whose ad slots are reserved for a promoted class.
/// In a promoted session only promoted ads compete (the same ranking, blending and pricing rule,
/// restricted to them); when none is eligible the session runs the normal auction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PromotionParams {
    /// Whether promotional bandwidth is on (off: no draw is made and nothing changes).
    pub enabled: bool,
    /// Share of sessions whose ad slots are reserved for the promoted class, 0–1 (0 reserves
    /// nothing and draws nothing).
    pub share: f64,
    /// The promoted class: `launch` (the launched cohort) or `category`.
    pub class: PromotedClass,
    /// The promoted category when the class is `category`: an index into [`CATEGORIES`], 0–5.
    pub category: usize,
}

impl Default for PromotionParams {
    fn default() -> Self {
        PromotionParams {
            enabled: false,
            share: 0.2,
            class: PromotedClass::Launch,
            category: 0,
        }
    }
}

impl Default for SimParams {
    fn default() -> Self {
        SimParams { days: 60, seed: 1 }
    }
}

impl Default for UtilityWeights {
    fn default() -> Self {
        UtilityWeights {
            w_rev: 1.0,
            w_eng: 0.0,
            w_qual: 0.0,
            w_fat: 0.0,
        }
    }
}

impl Default for AuctionParams {
    fn default() -> Self {
        AuctionParams {
            format: Format::Gsp,
            reserve: 0.25,
            reserve_by_category: Vec::new(),
            squashing: 1.0,
            bid_shading: None,
        }
    }
}

impl Default for AdLoadParams {
    fn default() -> Self {
        AdLoadParams {
            policy: AdLoadPolicy::Fixed,
            feed_length: 25,
            first_position: 3,
            every: 6,
            theta: 0.05,
            lambda: 0.05,
            top_slot: 2,
            min_gap: 3,
            max_ads: 4,
            frequency_cap: 3,
            no_adjacent_same_category: false,
        }
    }
}

impl Default for Segment {
    fn default() -> Self {
        Segment {
            name: "regular".into(),
            share: 1.0,
            visits_per_day: 1.5,
            feed_depth: 15.0,
            organic_engagement: 0.3,
            ad_click: 0.02,
            fatigue_sensitivity: 1.0,
            interests: Vec::new(),
        }
    }
}

/// The three default segments: casual, regular and heavy users.
pub fn default_segments() -> Vec<Segment> {
    vec![
        Segment {
            name: "casual".into(),
            share: 0.5,
            visits_per_day: 0.6,
            feed_depth: 10.0,
            organic_engagement: 0.25,
            ad_click: 0.008,
            fatigue_sensitivity: 1.0,
            interests: vec![3.0, 1.0, 2.0, 1.0, 2.0, 1.0],
        },
        Segment {
            name: "regular".into(),
            share: 0.35,
            visits_per_day: 1.3,
            feed_depth: 15.0,
            organic_engagement: 0.3,
            ad_click: 0.01,
            fatigue_sensitivity: 1.0,
            interests: vec![2.0, 2.0, 1.0, 2.0, 1.0, 2.0],
        },
        Segment {
            name: "heavy".into(),
            share: 0.15,
            visits_per_day: 2.8,
            feed_depth: 22.0,
            organic_engagement: 0.35,
            ad_click: 0.012,
            fatigue_sensitivity: 1.5,
            interests: vec![1.0, 3.0, 1.0, 3.0, 1.0, 1.0],
        },
    ]
}

impl Default for UserParams {
    fn default() -> Self {
        UserParams {
            count: 2000,
            segments: default_segments(),
            mix_tilt: 0.0,
            fatigue: true,
            fatigue_sensitivity: 1.0,
            fatigue_half_life_days: 30.0,
            count_share: 0.3,
            blindness: 0.3,
            visit_sensitivity: 0.15,
            ad_exit_hazard: 0.01,
            organic_decay: 0.97,
            ad_engagement_per_click: 0.5,
            gap_penalty: 0.3,
        }
    }
}

impl Default for AdvertiserParams {
    fn default() -> Self {
        AdvertiserParams {
            count: 100,
            value_mean: 1.0,
            value_sigma: 0.5,
            budget_mean: 1.5,
            budget_sigma: 0.6,
            quality_mean: 0.5,
            quality_spread: 0.15,
            targeted_share: 0.3,
            roi_target: 1.0,
            churn_probability: 0.1,
            arrival_rate: 0.0,
            budget_growth: 0.0,
            pacing: true,
            strategies: default_strategies(),
            target_roas: 2.0,
            target_cpc: 0.5,
            pacing_method: PacingMethod::Multiplicative,
            learning_memory: 0.9,
            learning_exploration: 0.1,
            autobid_share: None,
            max_clicks_rule: MaxClicksRule::OneHourSpendOut,
        }
    }
}

impl Default for LaunchParams {
    fn default() -> Self {
        LaunchParams {
            enabled: false,
            day: 30,
            count: 20,
            quality_mean: 0.7,
            ctr_multiplier: 1.5,
            value_mean: 1.2,
            budget_mean: 1.5,
        }
    }
}
