//! Named starting points: each preset is a complete [`Params`] that shows one effect of the model.
//! Every preset validates and differs from the default (tested). Ids are stable: the UI may put
//! them in links or menus.

use crate::core::auction::Format;
use crate::core::model::{AdLoadPolicy, Params};

/// A named configuration.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// Stable id (`snake_case`).
    pub id: &'static str,
    /// Short name shown in the menu.
    pub name: &'static str,
    /// One sentence on what the preset shows.
    pub description: &'static str,
    /// Builds the configuration.
    pub params: fn() -> Params,
}

static PRESETS: &[Preset] = &[
    Preset {
        id: "balanced",
        name: "Balanced (default)",
        description: "GSP with a small reserve, an ad every six positions from position 3 (at most four), and \
                      users who tire slowly: the reference point for every comparison.",
        params: Params::default,
    },
    Preset {
        id: "aggressive_load",
        name: "Aggressive ad load",
        description: "An ad every third position from position 2, up to 8 per session: revenue \
                      jumps in the first week, then fatigue erodes visits, clicks and engagement.",
        params: aggressive_load,
    },
    Preset {
        id: "quality_first",
        name: "Quality-first ranking",
        description: "Ranking rewards quality and engagement and penalises fatigue, with stronger \
                      pCTR squashing: less revenue per impression now, healthier users later.",
        params: quality_first,
    },
    Preset {
        id: "fatigue_sensitive",
        name: "Fatigue-sensitive users",
        description: "Users tire three times faster and leave sooner when tired: the same ad load \
                      now costs much more engagement over the run.",
        params: fatigue_sensitive,
    },
    Preset {
        id: "first_price",
        name: "First-price auction",
        description: "Winners pay their bid, with automatic shading (bids at 70% of value): \
                      compare prices and revenue with GSP on the same users.",
        params: first_price,
    },
    Preset {
        id: "launch",
        name: "New ad offering launch",
        description: "A cohort of 20 high-quality, high-CTR advertisers joins on day 30: watch \
                      spend shift from incumbents to the launched cohort.",
        params: launch,
    },
    Preset {
        id: "threshold_policy",
        name: "Threshold ad load",
        description: "Ads are shown only where their utility beats θ times the organic item's: \
                      ad load adapts to each user and request instead of fixed slots.",
        params: threshold_policy,
    },
    Preset {
        id: "exact_policy",
        name: "Exact ad load (λ)",
        description: "Each feed is laid out to maximise revenue + λ·engagement exactly: the \
                      efficient frontier the fixed and threshold policies approximate.",
        params: exact_policy,
    },
    Preset {
        id: "advertiser_churn",
        name: "Demanding advertisers",
        description: "Advertisers want twice the return and leave quickly when they miss it, \
                      while new ones keep arriving: high prices shrink the market.",
        params: advertiser_churn,
    },
    Preset {
        id: "high_reserve",
        name: "Higher reserve",
        description: "The reserve rises from 0.25 to 0.75 per click: prices rise where bids \
                      clear it, slots go unsold where they do not; compare revenue with the \
                      default to look for the revenue-maximising reserve.",
        params: high_reserve,
    },
    Preset {
        id: "autobidding",
        name: "Autobidding market",
        description: "Most advertisers let an autobidder bid (40% max clicks, 30% target ROAS \
                      1.5, 10% target CPC, 20% manual) on budgets that bind (mean 0.6 a day): \
                      read spend, ROI and goal attainment per strategy, and liquid welfare \
                      against advertiser value.",
        params: autobidding,
    },
];

/// Every preset, in menu order; the first is the default configuration.
pub fn presets() -> &'static [Preset] {
    PRESETS
}

/// The preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

fn aggressive_load() -> Params {
    let mut p = Params::default();
    p.ad_load.first_position = 2;
    p.ad_load.every = 3;
    p.ad_load.top_slot = 2;
    p.ad_load.min_gap = 2;
    p.ad_load.max_ads = 8;
    p.ad_load.frequency_cap = 5;
    p
}

fn quality_first() -> Params {
    let mut p = Params::default();
    p.utility.w_eng = 0.5;
    p.utility.w_qual = 0.2;
    p.utility.w_fat = 1.0;
    p.auction.squashing = 1.5;
    p
}

fn fatigue_sensitive() -> Params {
    let mut p = Params::default();
    p.users.fatigue_sensitivity = 3.0;
    p.users.visit_sensitivity = 0.4;
    p.users.ad_exit_hazard = 0.03;
    p.users.blindness = 0.6;
    p
}

fn first_price() -> Params {
    let mut p = Params::default();
    p.auction.format = Format::FirstPrice;
    p.auction.bid_shading = None;
    p
}

fn launch() -> Params {
    let mut p = Params::default();
    p.launch.enabled = true;
    p.launch.day = 30;
    p
}

fn threshold_policy() -> Params {
    let mut p = Params::default();
    p.ad_load.policy = AdLoadPolicy::Threshold;
    p.ad_load.theta = 0.05;
    p.utility.w_fat = 0.5;
    p
}

fn exact_policy() -> Params {
    let mut p = Params::default();
    p.ad_load.policy = AdLoadPolicy::Exact;
    p.ad_load.lambda = 0.05;
    p
}

fn advertiser_churn() -> Params {
    let mut p = Params::default();
    p.advertisers.roi_target = 2.0;
    p.advertisers.churn_probability = 0.3;
    p.advertisers.arrival_rate = 2.0;
    p
}

fn high_reserve() -> Params {
    let mut p = Params::default();
    p.auction.reserve = 0.75;
    p
}

fn autobidding() -> Params {
    let mut p = Params::default();
    p.advertisers.budget_mean = 0.6;
    p.advertisers.target_roas = 1.5;
    p.advertisers.strategies = [
        ("manual", 0.2),
        ("max_clicks", 0.4),
        ("target_roas", 0.3),
        ("target_cpc", 0.1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    p
}
