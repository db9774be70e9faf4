//! The parameter table: one row per user-visible knob — its URL key, label, unit, range, help and
//! how to read and write it in [`Params`]. The UI renders every control from this table with one
//! component, and the URL codec reads and writes exactly these keys, in this order.

use crate::core::auction::Format;
use crate::core::model::{AdLoadPolicy, Params};

/// Control groups, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Weights of the ranking utility.
    Utility,
    /// Auction format, reserve, squashing.
    Auction,
    /// Ad-load policy and guardrails.
    AdLoad,
    /// Users and fatigue.
    Users,
    /// Advertisers.
    Advertisers,
    /// New ad offering launch.
    Launch,
    /// Days and seed.
    Simulation,
}

impl Group {
    /// Every group in display order.
    pub const ALL: [Group; 7] = [
        Group::Utility,
        Group::Auction,
        Group::AdLoad,
        Group::Users,
        Group::Advertisers,
        Group::Launch,
        Group::Simulation,
    ];

    /// Heading shown in the UI.
    pub fn label(self) -> &'static str {
        match self {
            Group::Utility => "Ranking utility",
            Group::Auction => "Auction",
            Group::AdLoad => "Ad load",
            Group::Users => "Users",
            Group::Advertisers => "Advertisers",
            Group::Launch => "New ad offering",
            Group::Simulation => "Simulation",
        }
    }
}

/// What kind of control a parameter has, with its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A number on a slider from `min` to `max` in steps of `step`.
    Slider {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// Step (integers use 1).
        step: f64,
    },
    /// One of a fixed set of options: `(value in the URL, label)`.
    Select {
        /// The options.
        options: &'static [(&'static str, &'static str)],
    },
    /// On or off (`1`/`0` in the URL).
    Toggle,
}

/// A parameter's value as the UI and the URL see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Sliders.
    Number(f64),
    /// Selects: the option's URL value.
    Choice(String),
    /// Toggles.
    Flag(bool),
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// URL key and stable id, human-readable (`w_eng`, `auction`, `reserve`…).
    pub id: &'static str,
    /// Label shown next to the control.
    pub label: &'static str,
    /// Unit shown after the value ("" when dimensionless).
    pub unit: &'static str,
    /// Group the control belongs to.
    pub group: Group,
    /// Control kind and range.
    pub kind: Kind,
    /// One or two sentences: what the knob does in the model and in which direction.
    pub help: &'static str,
    /// Reads the value from params.
    pub get: fn(&Params) -> Value,
    /// Writes the value into params (the value is already in range).
    pub set: fn(&mut Params, &Value),
}

// ---------------------------------------------------------------------------------------------
// The table.
//
// Keys are URL keys: short, human-readable and stable forever (renaming one is a URL version
// bump with a migration in `config::url`). Slider ranges may be narrower than what validation
// accepts (a JSON file or a hand-edited link may go further, up to [`limits`]) but never wider.
//
// Bid shading (`Option<f64>`, `None` = automatic) is two rows: the select `bidding`
// (`auto` | `custom`) and the slider `shading`. With `bidding=auto` the `shading` row reads 0 (the
// UI should grey it out: the engine uses 0 in GSP/VCG and 0.3 in first price); moving the slider
// (setting `shading`) switches to custom; switching to `custom` keeps the current custom value or
// starts at 0. Only `None`, `Some(0)` and `Some(x)` exist, and each has exactly one encoding:
// `{}`, `{bidding=custom}`, `{bidding=custom, shading=x}`.
// ---------------------------------------------------------------------------------------------

/// What validation ([`crate::core::model::Scenario`]) accepts for a slider row: the codecs clamp
/// to this range, which contains the slider's range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Smallest valid value.
    pub min: f64,
    /// Largest valid value.
    pub max: f64,
    /// Whether the field is an integer (its slider step is 1; set rounds to the nearest integer).
    pub integer: bool,
}

/// The number in a [`Value::Number`], if it is one.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(x) => Some(*x),
        _ => None,
    }
}

/// Nearest non-negative integer (saturating; NaN gives 0). Values reaching `set` are in range.
fn whole(x: f64) -> u64 {
    // `as` saturates and maps NaN to 0.
    x.round() as u64
}

fn whole_usize(x: f64) -> usize {
    usize::try_from(whole(x)).unwrap_or(usize::MAX)
}

fn whole_u32(x: f64) -> u32 {
    u32::try_from(whole(x)).unwrap_or(u32::MAX)
}

/// A float slider bound to one `f64` field.
macro_rules! real {
    ($id:literal, $label:literal, $unit:literal, $group:ident, $min:expr, $max:expr, $step:expr,
     $help:literal, $($field:ident).+) => {
        ParamSpec {
            id: $id,
            label: $label,
            unit: $unit,
            group: Group::$group,
            kind: Kind::Slider { min: $min, max: $max, step: $step },
            help: $help,
            get: |p| Value::Number(p.$($field).+),
            set: |p, v| {
                if let Some(x) = number(v) {
                    p.$($field).+ = x;
                }
            },
        }
    };
}

/// An integer slider (step 1) bound to one integer field, converted by `$conv`.
macro_rules! int {
    ($id:literal, $label:literal, $unit:literal, $group:ident, $min:expr, $max:expr,
     $help:literal, $conv:ident, $($field:ident).+) => {
        ParamSpec {
            id: $id,
            label: $label,
            unit: $unit,
            group: Group::$group,
            kind: Kind::Slider { min: $min, max: $max, step: 1.0 },
            help: $help,
            get: |p| Value::Number(p.$($field).+ as f64),
            set: |p, v| {
                if let Some(x) = number(v) {
                    p.$($field).+ = $conv(x);
                }
            },
        }
    };
}

/// A toggle bound to one `bool` field.
macro_rules! flag {
    ($id:literal, $label:literal, $group:ident, $help:literal, $($field:ident).+) => {
        ParamSpec {
            id: $id,
            label: $label,
            unit: "",
            group: Group::$group,
            kind: Kind::Toggle,
            help: $help,
            get: |p| Value::Flag(p.$($field).+),
            set: |p, v| {
                if let Value::Flag(b) = v {
                    p.$($field).+ = *b;
                }
            },
        }
    };
}

const FORMAT_OPTIONS: &[(&str, &str)] = &[
    ("first_price", "First price"),
    ("gsp", "Generalised second price (GSP)"),
    ("vcg", "Vickrey–Clarke–Groves (VCG)"),
];

const BIDDING_OPTIONS: &[(&str, &str)] =
    &[("auto", "Automatic shading"), ("custom", "Custom shading")];

const POLICY_OPTIONS: &[(&str, &str)] = &[
    ("fixed", "Fixed positions"),
    ("threshold", "Threshold (θ)"),
    ("exact", "Exact optimum (λ)"),
];

fn format_from(value: &str) -> Option<Format> {
    Format::ALL.into_iter().find(|f| f.as_str() == value)
}

fn policy_from(value: &str) -> Option<AdLoadPolicy> {
    AdLoadPolicy::ALL.into_iter().find(|p| p.as_str() == value)
}

static TABLE: &[ParamSpec] = &[
    // ----- Ranking utility -----
    real!("w_rev", "Revenue weight", "", Utility, 0.0, 5.0, 0.05,
        "Weight of the bid term bid·pCTR^q in the ranking utility. Higher ranks ads more by what they pay; at 0 bids no longer rank ads.",
        utility.w_rev),
    real!("w_eng", "Engagement weight", "currency per engagement", Utility, 0.0, 5.0, 0.05,
        "Weight of an ad's expected engagement (likes, shares per impression) in the ranking utility. Higher favours engaging ads over high bidders.",
        utility.w_eng),
    real!("w_qual", "Quality weight", "currency", Utility, 0.0, 0.5, 0.01,
        "Weight of the ad's quality score (0–1) in the ranking utility. Higher favours high-quality ads, which tire users less.",
        utility.w_qual),
    real!("w_fat", "Fatigue penalty", "currency per fatigue unit", Utility, 0.0, 5.0, 0.05,
        "Weight subtracted for the fatigue an impression causes this user. Higher ranks tiring ads lower and, with thresholds, shows fewer of them.",
        utility.w_fat),
    // ----- Auction -----
    ParamSpec {
        id: "auction",
        label: "Auction format",
        unit: "",
        group: Group::Auction,
        kind: Kind::Select { options: FORMAT_OPTIONS },
        help: "How winners pay: their bid (first price), the least bid that keeps their rank against the next ad (GSP) or their externality on the other ads (VCG, with the planner's position weights as slot CTRs). Organic items decide whether an ad is shown, not its price.",
        get: |p| Value::Choice(p.auction.format.as_str().to_string()),
        set: |p, v| {
            if let Some(f) = match v {
                Value::Choice(s) => format_from(s),
                _ => None,
            } {
                p.auction.format = f;
            }
        },
    },
    real!("reserve", "Reserve price", "currency per click", Auction, 0.0, 5.0, 0.01,
        "Bids below the reserve do not compete, and it floors second prices. Higher raises prices per click but leaves more slots unsold.",
        auction.reserve),
    real!("squashing", "Squashing q", "", Auction, 0.0, 2.0, 0.05,
        "Exponent q on pCTR in the bid term bid·pCTR^q: 0 ranks by bid alone, 1 by expected revenue, above 1 favours clickable ads further.",
        auction.squashing),
    ParamSpec {
        id: "bidding",
        label: "Bid shading mode",
        unit: "",
        group: Group::Auction,
        kind: Kind::Select { options: BIDDING_OPTIONS },
        help: "Automatic: advertisers bid their value in GSP and VCG (truthful) and shade 30% in first price. Custom: everyone shades by the amount below.",
        get: |p| {
            Value::Choice(if p.auction.bid_shading.is_some() { "custom" } else { "auto" }.to_string())
        },
        set: |p, v| match v {
            Value::Choice(s) if s == "auto" => p.auction.bid_shading = None,
            Value::Choice(s) if s == "custom" => {
                p.auction.bid_shading = Some(p.auction.bid_shading.unwrap_or(0.0));
            }
            _ => {}
        },
    },
    ParamSpec {
        id: "shading",
        label: "Bid shading",
        unit: "share of value",
        group: Group::Auction,
        kind: Kind::Slider { min: 0.0, max: 0.95, step: 0.01 },
        help: "Custom shading: advertisers bid (1 − shading) × value per click. Higher lowers bids and, in first price, prices. Reads 0 while shading is automatic; setting it switches to custom.",
        get: |p| Value::Number(p.auction.bid_shading.unwrap_or(0.0)),
        set: |p, v| {
            if let Some(x) = number(v) {
                p.auction.bid_shading = Some(x);
            }
        },
    },
    // ----- Ad load -----
    ParamSpec {
        id: "policy",
        label: "Ad-load policy",
        unit: "",
        group: Group::AdLoad,
        kind: Kind::Select { options: POLICY_OPTIONS },
        help: "Fixed: ads at fixed positions. Threshold: an ad takes an allowed position iff its utility beats θ × the organic item's. Exact: the layout maximising revenue + λ·engagement.",
        get: |p| Value::Choice(p.ad_load.policy.as_str().to_string()),
        set: |p, v| {
            if let Some(policy) = match v {
                Value::Choice(s) => policy_from(s),
                _ => None,
            } {
                p.ad_load.policy = policy;
            }
        },
    },
    int!("feed_len", "Feed length", "positions", AdLoad, 5.0, 60.0,
        "Feed positions served per session. Users usually leave before the end, so longer feeds matter only for deep scrollers.",
        whole_usize, ad_load.feed_length),
    int!("first_ad", "First ad position", "position", AdLoad, 1.0, 30.0,
        "Fixed policy: the position of the first ad (1 = top). Lower shows more ads to users who leave early.",
        whole_usize, ad_load.first_position),
    int!("every", "Ad every", "positions", AdLoad, 1.0, 30.0,
        "Fixed policy: positions from one ad to the next. Lower means more ads per session, more revenue now and more fatigue.",
        whole_usize, ad_load.every),
    real!("theta", "Threshold θ", "currency per engagement", AdLoad, 0.0, 1.0, 0.005,
        "Threshold policy: an ad is shown at an allowed position iff its utility is at least θ × the organic item's engagement. Higher θ ⇒ fewer ads.",
        ad_load.theta),
    real!("lambda", "Engagement price λ", "currency per engagement", AdLoad, 0.0, 1.0, 0.005,
        "Exact policy: the shadow price of engagement in revenue + λ·engagement. Higher λ ⇒ fewer ads, more engagement.",
        ad_load.lambda),
    int!("top_slot", "Top ad slot", "position", AdLoad, 1.0, 30.0,
        "Guardrail: the first position any ad may take (1 = top). Higher keeps the top of the feed organic.",
        whole_usize, ad_load.top_slot),
    int!("min_gap", "Minimum gap", "positions", AdLoad, 1.0, 20.0,
        "Guardrail: consecutive ads are at least this many positions apart. Higher caps ad density.",
        whole_usize, ad_load.min_gap),
    int!("max_ads", "Max ads per session", "ads", AdLoad, 0.0, 12.0,
        "Guardrail: the most ads in one session. 0 turns ads off.",
        whole_usize, ad_load.max_ads),
    int!("freq_cap", "Frequency cap", "impressions per user per day", AdLoad, 1.0, 20.0,
        "Guardrail: the most impressions of one advertiser to one user per day. Lower spreads impressions over more advertisers.",
        whole_u32, ad_load.frequency_cap),
    flag!("no_adj_cat", "No adjacent same-category ads", AdLoad,
        "Guardrail: two consecutive ads never share a category. On: more variety, slightly fewer or cheaper ads.",
        ad_load.no_adjacent_same_category),
    // ----- Users -----
    int!("users", "Users", "users", Users, 100.0, 20_000.0,
        "Number of simulated users. More users give smoother curves and take longer to run.",
        whole_usize, users.count),
    real!("mix", "Heavy-user tilt", "", Users, -1.0, 1.0, 0.05,
        "Tilts the segment mix toward heavy users (positive) or casual users (negative); 0 keeps the segments' shares.",
        users.mix_tilt),
    flag!("fatigue", "User fatigue", Users,
        "On: ads tire users, who then click less and visit less. Off: users never tire and user behaviour is stationary (advertiser churn, arrivals and budget growth still run when set).",
        users.fatigue),
    real!("fat_sens", "Fatigue sensitivity", "×", Users, 0.0, 5.0, 0.05,
        "Multiplier on the fatigue every ad impression adds, over all segments. Higher ⇒ ad load hurts engagement and visits more. Acts with fatigue on, or through the fatigue penalty weight.",
        users.fatigue_sensitivity),
    real!("half_life", "Fatigue half-life", "days", Users, 1.0, 180.0, 1.0,
        "Days for a user's fatigue to halve with no ads. Longer ⇒ fatigue accumulates and long-run effects exceed short-run ones. Needs fatigue on.",
        users.fatigue_half_life_days),
    real!("count_share", "Fatigue from ad count", "share", Users, 0.0, 1.0, 0.01,
        "Share of per-impression fatigue every ad causes regardless of quality; the rest grows as quality falls. Lower ⇒ quality, not count, drives fatigue. Acts with fatigue on, or through the fatigue penalty weight.",
        users.count_share),
    real!("blindness", "Ad blindness", "per fatigue unit", Users, 0.0, 5.0, 0.05,
        "Click propensity is multiplied by exp(−blindness × fatigue). Higher ⇒ tired users click less. Needs fatigue on.",
        users.blindness),
    real!("visit_sens", "Visit sensitivity", "per fatigue unit", Users, 0.0, 2.0, 0.01,
        "Visits are multiplied by exp(−visit sensitivity × fatigue). Higher ⇒ tired users come back less often. Needs fatigue on.",
        users.visit_sensitivity),
    real!("exit_hazard", "Exit hazard per ad", "probability per ad", Users, 0.0, 0.2, 0.005,
        "Added chance of leaving the session after each ad seen. Higher ⇒ ads shorten sessions.",
        users.ad_exit_hazard),
    real!("gap_penalty", "Gap penalty", "", Users, 0.0, 0.9, 0.01,
        "An ad d positions after the previous ad has its CTR multiplied by 1 − gap penalty / d. Higher ⇒ closely spaced ads get fewer clicks.",
        users.gap_penalty),
    real!("decay", "Organic decay ρ", "per position", Users, 0.5, 1.0, 0.005,
        "Organic item r has ρ^(r−1) of the top item's engagement. Lower ⇒ engagement concentrates at the top, where ads displace more of it.",
        users.organic_decay),
    real!("ad_eng", "Ad engagement", "engagements per unit click propensity", Users, 0.0, 2.0, 0.05,
        "Engagements an ad impression earns per unit of click propensity (ads are content too). Higher ⇒ ads cost less engagement.",
        users.ad_engagement_per_click),
    // ----- Advertisers -----
    int!("advertisers", "Advertisers", "advertisers", Advertisers, 1.0, 1_000.0,
        "Advertisers at the start. More ⇒ thicker auctions and higher prices.",
        whole_usize, advertisers.count),
    real!("value", "Mean value per click", "currency per click", Advertisers, 0.05, 10.0, 0.05,
        "Mean of the log-normal distribution of advertisers' values per click. Higher ⇒ higher bids and prices.",
        advertisers.value_mean),
    real!("value_sigma", "Value spread σ", "log scale", Advertisers, 0.0, 2.0, 0.05,
        "Log-scale spread of values per click. Higher ⇒ more dispersed bids, bigger gaps between first and second prices.",
        advertisers.value_sigma),
    real!("budget", "Mean daily budget", "currency/day", Advertisers, 0.0, 100.0, 0.5,
        "Mean of the log-normal distribution of daily budgets. Lower ⇒ budgets bind and pacing matters.",
        advertisers.budget_mean),
    real!("budget_sigma", "Budget spread σ", "log scale", Advertisers, 0.0, 2.0, 0.05,
        "Log-scale spread of daily budgets. Higher ⇒ a few large advertisers hold most of the budget.",
        advertisers.budget_sigma),
    real!("quality", "Mean ad quality", "", Advertisers, 0.05, 0.95, 0.01,
        "Mean of the advertisers' ad quality (0–1). Higher ⇒ more clicks and less fatigue per impression.",
        advertisers.quality_mean),
    real!("quality_sd", "Quality spread", "standard deviation", Advertisers, 0.0, 0.3, 0.01,
        "Standard deviation of ad quality across advertisers (capped by the mean). Higher ⇒ quality-aware ranking has more to choose from.",
        advertisers.quality_spread),
    real!("targeted", "Targeted share", "share of advertisers", Advertisers, 0.0, 1.0, 0.01,
        "Share of advertisers that target only users with above-average interest in their category. Higher ⇒ fewer bidders per request, better-matched ads.",
        advertisers.targeted_share),
    real!("roi_target", "ROI target", "value per unit spend", Advertisers, 0.0, 5.0, 0.05,
        "Return on spend (value of clicks / spend) an advertiser needs; below it, after 7 days with spend, it may leave. Higher ⇒ more churn. Truthful bidders never pay more than their value, so their ROI is at least 1/(1 − shading): targets at or below that cause no churn.",
        advertisers.roi_target),
    real!("churn", "Churn probability", "per day", Advertisers, 0.0, 1.0, 0.01,
        "Daily probability that an advertiser below its ROI target leaves. Higher ⇒ high prices shrink the advertiser base faster.",
        advertisers.churn_probability),
    real!("arrivals", "New advertisers", "advertisers per day", Advertisers, 0.0, 20.0, 0.1,
        "Mean new advertisers arriving per day (Poisson). Higher ⇒ the base replenishes after churn.",
        advertisers.arrival_rate),
    real!("growth", "Budget growth", "share per day", Advertisers, 0.0, 0.2, 0.005,
        "Daily budget growth of satisfied advertisers (ROI at target and budget at least 90% spent). Higher ⇒ good outcomes compound.",
        advertisers.budget_growth),
    flag!("pacing", "Budget pacing", Advertisers,
        "On: an hourly bid multiplier spreads each budget over the day. Off: advertisers bid fully until their budget runs out.",
        advertisers.pacing),
    // ----- New ad offering -----
    flag!("launch", "Launch a new ad offering", Launch,
        "On: a cohort of new advertisers with its own quality, CTR and value joins on the launch day.",
        launch.enabled),
    int!("launch_day", "Launch day", "day", Launch, 1.0, 365.0,
        "Day the cohort joins (from the start of that day). After the last day, nothing launches.",
        whole_u32, launch.day),
    int!("launch_n", "Cohort size", "advertisers", Launch, 1.0, 200.0,
        "Advertisers in the new cohort. More ⇒ a bigger shock to prices and ad quality.",
        whole_usize, launch.count),
    real!("launch_quality", "Cohort quality", "", Launch, 0.05, 0.95, 0.01,
        "Mean ad quality of the cohort (0–1). Higher ⇒ its ads tire users less.",
        launch.quality_mean),
    real!("launch_ctr", "Cohort CTR multiplier", "×", Launch, 0.1, 5.0, 0.05,
        "Multiplier on the cohort's click propensity (a new format). Higher ⇒ it wins more auctions under pCTR-weighted ranking.",
        launch.ctr_multiplier),
    real!("launch_value", "Cohort value per click", "currency per click", Launch, 0.05, 10.0, 0.05,
        "Mean value per click of the cohort. Higher ⇒ it bids more.",
        launch.value_mean),
    real!("launch_budget", "Cohort daily budget", "currency/day", Launch, 0.0, 100.0, 0.5,
        "Mean daily budget of the cohort. Higher ⇒ it can take more impressions from incumbents.",
        launch.budget_mean),
    // ----- Simulation -----
    int!("days", "Days", "days", Simulation, 1.0, 365.0,
        "Length of the run. Fatigue and advertiser churn play out over weeks: compare the first and last week.",
        whole_u32, sim.days),
    ParamSpec {
        id: "seed",
        label: "Seed",
        unit: "",
        group: Group::Simulation,
        kind: Kind::Slider { min: 0.0, max: 1_000.0, step: 1.0 },
        help: "Seed of every random stream: the same seed gives the same users and draws, so two designs on one seed differ only by the design.",
        // Seeds above 2^53 are not exact as f64; the URL codec reads and writes `seed` as an
        // integer directly (see `config::url`).
        get: |p| Value::Number(p.sim.seed as f64),
        set: |p, v| {
            if let Some(x) = number(v) {
                p.sim.seed = whole(x);
            }
        },
    },
];

/// Every user-visible knob, grouped by [`Group`] in display order. Keys are stable forever.
pub fn table() -> &'static [ParamSpec] {
    TABLE
}

/// The row with URL key `id`.
pub fn spec(id: &str) -> Option<&'static ParamSpec> {
    TABLE.iter().find(|s| s.id == id)
}

/// Validation's range for slider row `id` (what [`crate::core::model::Scenario::new`] accepts);
/// `None` for selects, toggles and unknown ids. Pinned against validation by a test.
pub fn limits(id: &str) -> Option<Limits> {
    let (min, max, integer) = match id {
        "w_rev" | "w_eng" | "w_fat" => (0.0, 5.0, false),
        "w_qual" => (0.0, 0.5, false),
        "reserve" => (0.0, 10.0, false),
        "squashing" => (0.0, 2.0, false),
        "shading" => (0.0, 0.95, false),
        "feed_len" => (5.0, 60.0, true),
        "first_ad" | "every" | "top_slot" => (1.0, 60.0, true),
        "theta" | "lambda" => (0.0, 1.0, false),
        "min_gap" | "freq_cap" => (1.0, 20.0, true),
        "max_ads" => (0.0, 12.0, true),
        "users" => (1.0, 200_000.0, true),
        "mix" => (-1.0, 1.0, false),
        "fat_sens" => (0.0, 10.0, false),
        "half_life" => (1.0, 365.0, false),
        "count_share" | "targeted" | "churn" => (0.0, 1.0, false),
        "blindness" | "visit_sens" | "ad_eng" => (0.0, 5.0, false),
        "exit_hazard" => (0.0, 0.5, false),
        "gap_penalty" => (0.0, 0.9, false),
        "decay" => (0.5, 1.0, false),
        "advertisers" => (1.0, 2_000.0, true),
        "value" | "launch_value" => (0.01, 100.0, false),
        "value_sigma" | "budget_sigma" => (0.0, 2.0, false),
        "budget" | "launch_budget" => (0.0, 10_000.0, false),
        "quality" | "launch_quality" => (0.05, 0.95, false),
        "quality_sd" => (0.0, 0.3, false),
        "roi_target" => (0.0, 10.0, false),
        "arrivals" => (0.0, 50.0, false),
        "growth" => (0.0, 0.2, false),
        "launch_day" | "days" => (1.0, 365.0, true),
        "launch_n" => (1.0, 1_000.0, true),
        "launch_ctr" => (0.1, 5.0, false),
        "seed" => (0.0, u64::MAX as f64, true),
        _ => return None,
    };
    Some(Limits { min, max, integer })
}
