//! The knob table: the one description of every user-visible knob of the day-by-day model.
//!
//! Each knob is one [`ParamSpec`] row: its typed id ([`Knob`]), its link key, its dotted
//! configuration key, label, unit, help, kind with the range validation accepts and the slider's
//! range and step, how to read and write it in [`Params`], the condition under which it has an
//! effect ([`Needs`]), and what later work needs to know about it (whether it is a design choice
//! or part of the simulated world, whether it can be swept, whether it can differ per
//! advertiser). Everything else reads this table:
//!
//! - validation ([`super::Scenario`]) checks every numeric row against its limits;
//! - the link codec (`config::url`) writes and reads exactly these link keys, in this order, and
//!   clamps to the limits;
//! - the JSON configuration's type errors name the allowed range from here (`config::export`);
//! - the app renders one control per row, with its help, range and "no effect" note;
//! - the README's configuration table is generated from it (`sandbox knobs --markdown`) and a
//!   test keeps the two equal.
//!
//! Adding a knob is a field in [`Params`] (with its default) and one row here.
//!
//! Fields that are lists rather than knobs — the user segments and the per-category reserves —
//! are described by [`SEGMENT_FIELDS`] and validated against the rows they refine.

use std::borrow::Cow;

use crate::core::auction::Format;

use super::params::{
    AdLoadPolicy, MaxClicksRule, PacingMethod, Params, PromotedClass, Segment, Strategy,
};

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
    /// Promotional bandwidth.
    Promotion,
    /// Days and seed.
    Simulation,
}

impl Group {
    /// Every group in display order.
    pub const ALL: [Group; 8] = [
        Group::Utility,
        Group::Auction,
        Group::AdLoad,
        Group::Users,
        Group::Advertisers,
        Group::Launch,
        Group::Promotion,
        Group::Simulation,
    ];

    /// Whether the group is one people use most (ranking, auction, ad load): the app shows
    /// it open; the others start collapsed unless one of their knobs differs from its default.
    pub fn common(self) -> bool {
        matches!(self, Group::Utility | Group::Auction | Group::AdLoad)
    }

    /// Heading shown in the UI.
    pub fn label(self) -> &'static str {
        match self {
            Group::Utility => "Ranking utility",
            Group::Auction => "Auction",
            Group::AdLoad => "Ad load",
            Group::Users => "Users",
            Group::Advertisers => "Advertisers",
            Group::Launch => "New ad offering",
            Group::Promotion => "Promotional bandwidth",
            Group::Simulation => "Simulation",
        }
    }
}

/// The slider a numeric knob gets: a range (inside the knob's [`Limits`], often narrower:
/// a JSON file or a hand-edited link may go further) and a step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slider {
    /// Left end.
    pub min: f64,
    /// Right end.
    pub max: f64,
    /// Step (1 for integers).
    pub step: f64,
}

/// What validation accepts for a numeric knob (both ends included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Smallest valid value.
    pub min: f64,
    /// Largest valid value.
    pub max: f64,
    /// Whether the field is a whole number (writing a fraction rounds it).
    pub integer: bool,
}

impl Limits {
    /// Whether `x` is finite and within the limits.
    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && x >= self.min && x <= self.max
    }

    /// A value of this knob as text: whole numbers exactly (`18446744073709551615`, not
    /// `18446744073709552000`), reals in Rust's shortest round-trip form.
    pub fn show(&self, x: f64) -> String {
        if self.integer && x.is_finite() && x >= 0.0 && x.fract() == 0.0 {
            // `as` saturates at u64::MAX, the largest integer field.
            (x as u64).to_string()
        } else {
            x.to_string()
        }
    }

    /// The range as text, `min–max` (`0–10`, `1–365`).
    pub fn range_text(&self) -> String {
        format!("{}–{}", self.show(self.min), self.show(self.max))
    }
}

/// What kind of value a knob takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A real number.
    Number {
        /// What validation accepts.
        limits: (f64, f64),
        /// The control.
        slider: Slider,
    },
    /// A whole number (a fraction written to it is rounded).
    Integer {
        /// What validation accepts.
        limits: (f64, f64),
        /// The control (step 1).
        slider: Slider,
    },
    /// On or off (`1`/`0` in a link).
    Switch,
    /// One of a fixed set of options: `(value in links and JSON, label)`.
    Choice {
        /// The options.
        options: &'static [(&'static str, &'static str)],
    },
}

/// A knob's value as the UI and the link see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Numbers and whole numbers.
    Number(f64),
    /// Choices: the option's value.
    Choice(String),
    /// Switches.
    Flag(bool),
}

/// When a knob has an effect. The app dims a knob whose condition fails and says why; a test
/// checks that moving such a knob leaves every number of a run unchanged, or, for a knob that
/// another one overrides, that its value gives the same run as the value it acts as
/// ([`Needs::acts_as`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Always acts.
    Always,
    /// Acts only under this ad-load policy.
    Policy(AdLoadPolicy),
    /// Acts only with user fatigue on.
    Fatigue,
    /// Acts with user fatigue on, or through the fatigue penalty weight of the ranking.
    FatigueOrPenalty,
    /// Acts only when the launch is on and its day falls within the run.
    Launch,
    /// Acts only with promotional bandwidth on.
    Promotion,
    /// Acts only with promotional bandwidth on for a category.
    PromotionCategory,
    /// Acts only with custom bid shading (moving it switches shading to custom).
    CustomShading,
    /// `every`: fixed policy only; below the minimum gap it acts as the gap (each ad goes at
    /// least `min_gap` after the previous one, and `first + i·every` never reaches further).
    FixedEvery,
    /// `first_position`: fixed policy only; before the top ad slot it is moved to the top slot
    /// (and when every later ad lands where it would from the top slot, it acts as the top slot).
    FixedFirst,
    /// `top_slot`: under the fixed policy, a top slot at or before the first ad position never
    /// moves an ad (it acts as the first ad position).
    TopSlot,
    /// `min_gap`: does not bind when the fixed positions are already that far apart, or when at
    /// most one ad is placed (it acts as 1).
    MinGap,
    /// `max_ads`: above the number of ads that fit in the feed (under the guardrails or the
    /// fixed positions) it acts as that number. Not claimed with the no-adjacent-category rule,
    /// which looks further down the ranking when more ads are allowed.
    MaxAds,
    /// `w_rev`: the ranking's order and prices depend only on the ratios of the four weights
    /// (prices are utility differences divided by `w_rev · pCTR^q`), so with the other weights
    /// at 0 every revenue weight above 0 gives the same run, up to rounding in the last digits.
    /// Not under the threshold policy, which compares the utility itself with θ × the organic
    /// item's engagement.
    RevenueWeight,
    /// Acts only with budget pacing on.
    Pacing,
    /// Acts only when some advertisers follow this bidding strategy.
    Strategy(Strategy),
    /// Acts only when some advertisers learn their shading (`learning_shading`) and the auction
    /// is first price (elsewhere they bid as `manual` and learn nothing).
    ShadingLearners,
}

/// The fixed policy's ad positions for a feed that never runs out of ads, under the guardrails
/// `top_slot` and `min_gap`, at most `cap` ads: the rule of `core::feed`'s fixed method (targets
/// `first + i·every`, each moved to `max(target, top_slot, previous + min_gap)`, stopping at the
/// feed's end).
fn fixed_positions(
    first: usize,
    every: usize,
    top: usize,
    gap: usize,
    length: usize,
    cap: usize,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut last: Option<usize> = None;
    for i in 0..cap.min(length) {
        let target = first.saturating_add(i.saturating_mul(every));
        let mut p = target.max(top);
        if let Some(q) = last {
            p = p.max(q.saturating_add(gap));
        }
        if p > length {
            break;
        }
        out.push(p);
        last = Some(p);
    }
    out
}

/// How many ads a session can hold whatever the ranking: the fixed positions that fit in the
/// feed, or the positions the guardrails allow (`1 + ⌊(L − top_slot) / min_gap⌋`).
pub fn ads_that_fit(params: &Params) -> usize {
    let load = &params.ad_load;
    let length = load.feed_length;
    match load.policy {
        AdLoadPolicy::Fixed => fixed_positions(
            load.first_position,
            load.every,
            load.top_slot,
            load.min_gap,
            length,
            length,
        )
        .len(),
        AdLoadPolicy::Threshold | AdLoadPolicy::Exact => {
            if load.top_slot > length || load.top_slot == 0 {
                0
            } else {
                1 + (length - load.top_slot) / load.min_gap.max(1)
            }
        }
    }
}

/// Why a knob has no effect, and the value it acts as when another knob overrides it.
struct Unmet {
    why: Cow<'static, str>,
    acts_as: Option<f64>,
}

impl Unmet {
    fn idle(why: &'static str) -> Option<Unmet> {
        Some(Unmet {
            why: Cow::Borrowed(why),
            acts_as: None,
        })
    }

    fn acts_as(why: String, value: f64) -> Option<Unmet> {
        Some(Unmet {
            why: Cow::Owned(why),
            acts_as: Some(value),
        })
    }
}

fn policy_only(policy: AdLoadPolicy) -> &'static str {
    match policy {
        AdLoadPolicy::Fixed => "Used by the fixed ad-load policy only.",
        AdLoadPolicy::Threshold => "Used by the threshold ad-load policy only.",
        AdLoadPolicy::Exact => "Used by the exact ad-load policy only.",
    }
}

impl Needs {
    /// Why the knob has no effect under `params` (or acts as another value, which the sentence
    /// names with the numbers: "Minimum gap 3 overrides this: ad every 2 acts as 3."), or `None`
    /// when it acts.
    pub fn unmet(self, params: &Params) -> Option<Cow<'static, str>> {
        self.check(params).map(|u| u.why)
    }

    /// When another knob overrides this one under `params`, the value this knob acts as: the run
    /// is the same with the knob set to it. `None` when the knob acts, or when it has no effect
    /// at all (then any value gives the same run).
    pub fn acts_as(self, params: &Params) -> Option<f64> {
        self.check(params).and_then(|u| u.acts_as)
    }

    fn check(self, params: &Params) -> Option<Unmet> {
        let load = &params.ad_load;
        let fixed = load.policy == AdLoadPolicy::Fixed;
        match self {
            Needs::Always => None,
            Needs::Policy(policy) if load.policy != policy => Unmet::idle(policy_only(policy)),
            Needs::Policy(_) => None,
            Needs::Fatigue if !params.users.fatigue => Unmet::idle("User fatigue is off."),
            Needs::FatigueOrPenalty if !params.users.fatigue && params.utility.w_fat == 0.0 => {
                Unmet::idle("User fatigue is off and the fatigue penalty weight is 0.")
            }
            Needs::Launch if !params.launch.enabled => Unmet::idle("The launch is off."),
            Needs::Launch if params.launch.day > params.sim.days => {
                Unmet::idle("The launch day is after the last simulated day.")
            }
            Needs::Promotion | Needs::PromotionCategory if !params.promotion.enabled => {
                Unmet::idle("Promotional bandwidth is off.")
            }
            Needs::PromotionCategory if params.promotion.class != PromotedClass::Category => {
                Unmet::idle("The promoted class is the launched cohort, not a category.")
            }
            Needs::Pacing if !params.advertisers.pacing => Unmet::idle("Budget pacing is off."),
            Needs::Strategy(Strategy::TargetRoas)
                if !params.advertisers.uses(Strategy::TargetRoas) =>
            {
                Unmet::idle("No advertiser bids for a target ROAS.")
            }
            Needs::Strategy(Strategy::TargetCpc)
                if !params.advertisers.uses(Strategy::TargetCpc) =>
            {
                Unmet::idle("No advertiser bids for a target CPC.")
            }
            Needs::Strategy(Strategy::MaxClicks)
                if !params.advertisers.uses(Strategy::MaxClicks) =>
            {
                Unmet::idle("No advertiser bids for maximum clicks.")
            }
            Needs::ShadingLearners if !params.advertisers.uses(Strategy::LearningShading) => {
                Unmet::idle("No advertiser learns its shading.")
            }
            Needs::ShadingLearners if params.auction.format != Format::FirstPrice => {
                Unmet::idle("Shading learners learn only in first price; here they bid as manual.")
            }
            Needs::Strategy(s) if !params.advertisers.uses(s) => {
                Unmet::idle("No advertiser follows this strategy.")
            }
            Needs::CustomShading if params.auction.bid_shading.is_none() => {
                Unmet::idle("Shading is automatic; moving this switches to custom shading.")
            }
            Needs::FixedEvery | Needs::FixedFirst if !fixed => {
                Unmet::idle(policy_only(AdLoadPolicy::Fixed))
            }
            Needs::FixedEvery if load.every < load.min_gap => Unmet::acts_as(
                format!(
                    "Minimum gap {gap} overrides this: ad every {every} acts as {gap}.",
                    gap = load.min_gap,
                    every = load.every
                ),
                load.min_gap as f64,
            ),
            Needs::FixedFirst if load.first_position < load.top_slot => {
                let layout = |first| {
                    fixed_positions(
                        first,
                        load.every,
                        load.top_slot,
                        load.min_gap,
                        load.feed_length,
                        load.max_ads,
                    )
                };
                (layout(load.first_position) == layout(load.top_slot)).then(|| Unmet {
                    why: Cow::Owned(format!(
                        "Top ad slot {top} overrides this: first ad position {first} acts as {top}.",
                        top = load.top_slot,
                        first = load.first_position
                    )),
                    acts_as: Some(load.top_slot as f64),
                })
            }
            Needs::TopSlot if fixed && load.top_slot < load.first_position => Unmet::acts_as(
                format!(
                    "Under the fixed policy the first ad position ({first}) overrides this: \
                     top ad slot {top} acts as {first}.",
                    first = load.first_position,
                    top = load.top_slot
                ),
                load.first_position as f64,
            ),
            Needs::MinGap if load.min_gap > 1 && load.max_ads <= 1 => Unmet::acts_as(
                format!(
                    "At most one ad per session: minimum gap {} does not bind (acts as 1).",
                    load.min_gap
                ),
                1.0,
            ),
            Needs::MinGap if fixed && load.min_gap > 1 => {
                let layout = |gap| {
                    fixed_positions(
                        load.first_position,
                        load.every,
                        load.top_slot,
                        gap,
                        load.feed_length,
                        load.max_ads,
                    )
                };
                let free = layout(1);
                if free != layout(load.min_gap) {
                    return None;
                }
                let closest = free.windows(2).map(|w| w[1] - w[0]).min();
                Unmet::acts_as(
                    match closest {
                        Some(d) => format!(
                            "The fixed positions are already {d} or more apart: minimum gap {} \
                             does not bind (acts as 1).",
                            load.min_gap
                        ),
                        None => format!(
                            "At most one ad fits at the fixed positions: minimum gap {} does not \
                             bind (acts as 1).",
                            load.min_gap
                        ),
                    },
                    1.0,
                )
            }
            Needs::MaxAds if !load.no_adjacent_same_category => {
                let fit = ads_that_fit(params);
                (fit < load.max_ads).then(|| {
                    let why = if fixed {
                        format!(
                            "Only {fit} ads fit at the fixed positions of a {}-position feed: \
                             max ads {} acts as {fit}.",
                            load.feed_length, load.max_ads
                        )
                    } else {
                        format!(
                            "Only {fit} ads fit in a {}-position feed from position {} with gap \
                             {}: max ads {} acts as {fit}.",
                            load.feed_length, load.top_slot, load.min_gap, load.max_ads
                        )
                    };
                    Unmet {
                        why: Cow::Owned(why),
                        acts_as: Some(fit as f64),
                    }
                })
            }
            Needs::RevenueWeight
                if load.policy != AdLoadPolicy::Threshold
                    && params.utility.w_rev > 0.0
                    && params.utility.w_eng == 0.0
                    && params.utility.w_qual == 0.0
                    && params.utility.w_fat == 0.0 =>
            {
                Some(Unmet {
                    why: Cow::Borrowed(
                        "The other ranking weights are 0, and only the weights' ratios matter: \
                         any revenue weight above 0 ranks and prices ads the same.",
                    ),
                    acts_as: Some(1.0),
                })
            }
            _ => None,
        }
    }

    /// The condition in a few words for reference tables ("fixed policy only"), or `None` for
    /// [`Needs::Always`].
    pub fn describe(self) -> Option<&'static str> {
        Some(match self {
            Needs::Always => return None,
            Needs::Policy(AdLoadPolicy::Fixed) => "fixed policy only",
            Needs::Policy(AdLoadPolicy::Threshold) => "threshold policy only",
            Needs::Policy(AdLoadPolicy::Exact) => "exact policy only",
            Needs::Fatigue => "needs fatigue on",
            Needs::FatigueOrPenalty => "needs fatigue on or a fatigue penalty weight",
            Needs::Launch => "needs the launch on",
            Needs::Promotion => "needs promotional bandwidth on",
            Needs::PromotionCategory => "needs promotional bandwidth on for a category",
            Needs::CustomShading => "custom shading only",
            Needs::Pacing => "needs pacing on",
            Needs::Strategy(Strategy::TargetRoas) => "needs `target_roas` advertisers",
            Needs::Strategy(Strategy::TargetCpc) => "needs `target_cpc` advertisers",
            Needs::Strategy(Strategy::MaxClicks) => "needs `max_clicks` advertisers",
            Needs::ShadingLearners => "needs `learning_shading` advertisers in first price",
            Needs::Strategy(_) => "needs advertisers of that strategy",
            Needs::FixedEvery => "fixed policy only; below the minimum gap it acts as the gap",
            Needs::FixedFirst => {
                "fixed policy only; before the top ad slot it acts as the top slot"
            }
            Needs::TopSlot => "under the fixed policy, acts only beyond the first ad position",
            Needs::MinGap => "binds only where ads would come closer",
            Needs::MaxAds => "acts only up to the ads that fit in the feed",
            Needs::RevenueWeight => {
                "only the ratios of the weights matter, except under the threshold policy"
            }
        })
    }
}

/// Whether a knob is a choice of the platform's design or a fact of the simulated world.
/// Experiments may treat design knobs only; both can be swept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Ranking, auction, ad load, pacing, a launch: what the platform decides.
    Design,
    /// Users, advertisers, days, seed: what the platform faces.
    World,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// Typed id.
    pub id: Knob,
    /// Link key and stable DOM id, short and human-readable (`w_eng`, `reserve`…). Stable
    /// forever: renaming one is a link version bump with a migration in `config::url`.
    pub url: &'static str,
    /// Dotted path of the field in the JSON configuration (`auction.reserve`).
    pub key: &'static str,
    /// Label shown next to the control.
    pub label: &'static str,
    /// Unit shown after the value ("" when dimensionless).
    pub unit: &'static str,
    /// Group the control belongs to.
    pub group: Group,
    /// Value kind, limits and slider.
    pub kind: Kind,
    /// One or two sentences: what the knob does in the model and in which direction.
    pub help: &'static str,
    /// When it has an effect.
    pub needs: Needs,
    /// Design choice or world.
    pub role: Role,
    /// Whether a sweep or optimizer may vary it (numeric knobs except the seed).
    pub sweepable: bool,
    /// Whether it can take a different value for each advertiser (so an experiment that
    /// randomises advertisers may treat it).
    pub per_advertiser: bool,
    /// Reads the value from params.
    pub get: fn(&Params) -> Value,
    /// Writes the value into params (numbers already within the limits; integers are rounded).
    pub set: fn(&mut Params, &Value),
}

impl ParamSpec {
    /// What validation accepts, for numeric knobs.
    pub fn limits(&self) -> Option<Limits> {
        match self.kind {
            Kind::Number { limits, .. } => Some(Limits {
                min: limits.0,
                max: limits.1,
                integer: false,
            }),
            Kind::Integer { limits, .. } => Some(Limits {
                min: limits.0,
                max: limits.1,
                integer: true,
            }),
            Kind::Switch | Kind::Choice { .. } => None,
        }
    }

    /// The slider, for numeric knobs.
    pub fn slider(&self) -> Option<Slider> {
        match self.kind {
            Kind::Number { slider, .. } | Kind::Integer { slider, .. } => Some(slider),
            Kind::Switch | Kind::Choice { .. } => None,
        }
    }

    /// Why the knob has no effect under `params`, if it has none.
    pub fn inactive_note(&self, params: &Params) -> Option<Cow<'static, str>> {
        self.needs.unmet(params)
    }

    /// The value of this knob in the default configuration.
    pub fn default_value(&self) -> Value {
        (self.get)(&Params::default())
    }
}

/// Every row, in display order (grouped by [`Group`]). Link keys are stable forever.
pub fn table() -> &'static [ParamSpec] {
    TABLE
}

/// The row with link key `url` (`reserve`).
pub fn spec(url: &str) -> Option<&'static ParamSpec> {
    TABLE.iter().find(|s| s.url == url)
}

/// The numeric row stored at the dotted configuration key `key` (`auction.reserve`), if any.
/// (Bid shading is two rows on one key, `bidding` and `shading`; this finds `shading`.)
pub fn numeric_by_key(key: &str) -> Option<&'static ParamSpec> {
    TABLE.iter().find(|s| s.key == key && s.limits().is_some())
}

impl Knob {
    /// The knob's row.
    pub fn spec(self) -> &'static ParamSpec {
        &TABLE[self as usize]
    }

    /// The knob with link key `url`.
    pub fn from_url(url: &str) -> Option<Knob> {
        spec(url).map(|s| s.id)
    }
}

// ---------------------------------------------------------------------------------------------
// Row builders
// ---------------------------------------------------------------------------------------------

/// The number in a [`Value::Number`], if it is one.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(x) => Some(*x),
        _ => None,
    }
}

/// Nearest non-negative integer (saturating; NaN gives 0).
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

/// Declares the table: `Knob` gets one variant per row, `TABLE` the rows in the same order
/// (so `Knob as usize` indexes `TABLE`).
macro_rules! knobs {
    ($( $mac:ident ! ( $id:ident , $url:literal , $label:literal , $($rest:tt)* ) ),* $(,)?) => {
        /// Typed knob ids, one per row of the table, in display order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Knob {
            $(
                #[doc = concat!($label, " (`", $url, "`).")]
                $id,
            )*
        }

        impl Knob {
            /// Every knob, in display order.
            pub const ALL: &'static [Knob] = &[$(Knob::$id),*];
        }

        static TABLE: &[ParamSpec] = &[$( $mac!($id, $url, $label, $($rest)*) ),*];
    };
}

/// A real number bound to one `f64` field.
macro_rules! real {
    ($id:ident, $url:literal, $label:literal, $unit:literal, $group:ident,
     limits($min:expr, $max:expr), slider($smin:expr, $smax:expr, $step:expr),
     $needs:expr, $role:expr, per_advertiser: $per:literal,
     $help:literal, $($field:ident).+) => {
        ParamSpec {
            id: Knob::$id,
            url: $url,
            key: stringify!($($field).+),
            label: $label,
            unit: $unit,
            group: Group::$group,
            kind: Kind::Number {
                limits: ($min, $max),
                slider: Slider { min: $smin, max: $smax, step: $step },
            },
            help: $help,
            needs: $needs,
            role: $role,
            sweepable: true,
            per_advertiser: $per,
            get: |p| Value::Number(p.$($field).+),
            set: |p, v| {
                if let Some(x) = number(v) {
                    p.$($field).+ = x;
                }
            },
        }
    };
}

/// A whole number bound to one integer field, converted by `$conv`.
macro_rules! int {
    ($id:ident, $url:literal, $label:literal, $unit:literal, $group:ident,
     limits($min:expr, $max:expr), slider($smin:expr, $smax:expr),
     $needs:expr, $role:expr, per_advertiser: $per:literal,
     $help:literal, $conv:ident, $($field:ident).+) => {
        ParamSpec {
            id: Knob::$id,
            url: $url,
            key: stringify!($($field).+),
            label: $label,
            unit: $unit,
            group: Group::$group,
            kind: Kind::Integer {
                limits: ($min, $max),
                slider: Slider { min: $smin, max: $smax, step: 1.0 },
            },
            help: $help,
            needs: $needs,
            role: $role,
            sweepable: true,
            per_advertiser: $per,
            get: |p| Value::Number(p.$($field).+ as f64),
            set: |p, v| {
                if let Some(x) = number(v) {
                    p.$($field).+ = $conv(x);
                }
            },
        }
    };
}

/// A switch bound to one `bool` field.
macro_rules! flag {
    ($id:ident, $url:literal, $label:literal, $group:ident,
     $needs:expr, $role:expr, per_advertiser: $per:literal,
     $help:literal, $($field:ident).+) => {
        ParamSpec {
            id: Knob::$id,
            url: $url,
            key: stringify!($($field).+),
            label: $label,
            unit: "",
            group: Group::$group,
            kind: Kind::Switch,
            help: $help,
            needs: $needs,
            role: $role,
            sweepable: false,
            per_advertiser: $per,
            get: |p| Value::Flag(p.$($field).+),
            set: |p, v| {
                if let Value::Flag(b) = v {
                    p.$($field).+ = *b;
                }
            },
        }
    };
}

/// A row written out in full (choices, and knobs whose field is not a plain number).
macro_rules! custom {
    ($id:ident, $url:literal, $label:literal, $($field:ident : $value:expr),* $(,)?) => {
        ParamSpec { id: Knob::$id, url: $url, label: $label, $($field: $value),* }
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

const PACING_METHOD_OPTIONS: &[(&str, &str)] = &[
    ("multiplicative", "Bid multiplier"),
    ("throttling", "Throttling (participation)"),
    ("none", "None (spend until the budget runs out)"),
];

fn pacing_method_from(value: &str) -> Option<PacingMethod> {
    PacingMethod::ALL.into_iter().find(|m| m.as_str() == value)
}

const MAX_CLICKS_RULE_OPTIONS: &[(&str, &str)] = &[
    ("one_hour_spend_out", "Also when a budget goes in one hour"),
    ("skip_spend_out_hour", "Never (version-1 links)"),
];

fn max_clicks_rule_from(value: &str) -> Option<MaxClicksRule> {
    MaxClicksRule::ALL.into_iter().find(|m| m.as_str() == value)
}

const PROMOTED_CLASS_OPTIONS: &[(&str, &str)] = &[
    ("launch", "The launched cohort"),
    ("category", "One category"),
];

fn promoted_class_from(value: &str) -> Option<PromotedClass> {
    PromotedClass::ALL.into_iter().find(|c| c.as_str() == value)
}

fn format_from(value: &str) -> Option<Format> {
    Format::ALL.into_iter().find(|f| f.as_str() == value)
}

fn policy_from(value: &str) -> Option<AdLoadPolicy> {
    AdLoadPolicy::ALL.into_iter().find(|p| p.as_str() == value)
}

// ---------------------------------------------------------------------------------------------
// The table.
//
// Bid shading (`Option<f64>`, `None` = automatic) is two rows on one key: the choice `bidding`
// (`auto` | `custom`) and the number `shading`. With `bidding=auto` the `shading` row reads 0
// (the engine uses the automatic shading of the format); moving the slider (setting `shading`)
// switches to custom; switching to `custom` keeps the current custom value or starts at 0. Only
// `None`, `Some(0)` and `Some(x)` exist, and each has exactly one link encoding: `{}`,
// `{bidding=custom}`, `{bidding=custom, shading=x}`.
// ---------------------------------------------------------------------------------------------

knobs! {
    real!(WRev, "w_rev", "Revenue weight", "", Utility, limits(0.0, 5.0), slider(0.0, 5.0, 0.05),
        Needs::RevenueWeight, Role::Design, per_advertiser: false,
        "Weight of the bid term bid·pCTR^q in the ranking utility. Higher ranks ads more by what they pay; at 0 bids no longer rank ads.",
        utility.w_rev),
    real!(WEng, "w_eng", "Engagement weight", "currency per engagement", Utility, limits(0.0, 5.0), slider(0.0, 5.0, 0.05),
        Needs::Always, Role::Design, per_advertiser: false,
        "Weight of an ad's expected engagement (likes, shares per impression) in the ranking utility. Higher favours engaging ads over high bidders.",
        utility.w_eng),
    real!(WQual, "w_qual", "Quality weight", "currency", Utility, limits(0.0, 0.5), slider(0.0, 0.5, 0.01),
        Needs::Always, Role::Design, per_advertiser: false,
        "Weight of the ad's quality score (0–1) in the ranking utility. Higher favours high-quality ads, which tire users less.",
        utility.w_qual),
    real!(WFat, "w_fat", "Fatigue penalty", "currency per fatigue unit", Utility, limits(0.0, 5.0), slider(0.0, 5.0, 0.05),
        Needs::Always, Role::Design, per_advertiser: false,
        "Weight subtracted for the fatigue an impression causes this user. Higher ranks tiring ads lower and, with thresholds, shows fewer of them.",
        utility.w_fat),
    custom!(Auction, "auction", "Auction format",
        key: "auction.format",
        unit: "",
        group: Group::Auction,
        kind: Kind::Choice { options: FORMAT_OPTIONS },
        help: "How winners pay: their bid (first price), the least bid that keeps their rank against the next ad (GSP) or their externality on the other ads (VCG, with the planner's position weights as slot CTRs). Organic items decide whether an ad is shown, not its price.",
        needs: Needs::Always,
        role: Role::Design,
        sweepable: false,
        per_advertiser: false,
        get: |p| Value::Choice(p.auction.format.as_str().to_string()),
        set: |p, v| {
            if let Some(f) = match v {
                Value::Choice(s) => format_from(s),
                _ => None,
            } {
                p.auction.format = f;
            }
        },
    ),
    real!(Reserve, "reserve", "Reserve price", "currency per click", Auction, limits(0.0, 10.0), slider(0.0, 5.0, 0.01),
        Needs::Always, Role::Design, per_advertiser: true,
        "Bids below the reserve do not compete, and it floors second prices. Higher raises prices per click but leaves more slots unsold.",
        auction.reserve),
    real!(Squashing, "squashing", "Squashing q", "", Auction, limits(0.0, 2.0), slider(0.0, 2.0, 0.05),
        Needs::Always, Role::Design, per_advertiser: false,
        "Exponent q on pCTR in the bid term bid·pCTR^q: 0 ranks by bid alone, 1 by expected revenue, above 1 favours clickable ads further.",
        auction.squashing),
    custom!(Bidding, "bidding", "Bid shading mode",
        key: "auction.bid_shading",
        unit: "",
        group: Group::Auction,
        kind: Kind::Choice { options: BIDDING_OPTIONS },
        help: "Automatic: advertisers bid their value in GSP and VCG (truthful) and shade 30% in first price. Custom: everyone shades by the amount below.",
        needs: Needs::Always,
        role: Role::Design,
        sweepable: false,
        per_advertiser: true,
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
    ),
    custom!(Shading, "shading", "Bid shading",
        key: "auction.bid_shading",
        unit: "share of value",
        group: Group::Auction,
        kind: Kind::Number {
            limits: (0.0, 0.95),
            slider: Slider { min: 0.0, max: 0.95, step: 0.01 },
        },
        help: "Advertisers bid (1 − shading) × value per click. Higher lowers bids and, in first price, prices. Reads 0 while shading is automatic; setting it switches to custom.",
        needs: Needs::CustomShading,
        role: Role::Design,
        sweepable: true,
        per_advertiser: true,
        get: |p| Value::Number(p.auction.bid_shading.unwrap_or(0.0)),
        set: |p, v| {
            if let Some(x) = number(v) {
                p.auction.bid_shading = Some(x);
            }
        },
    ),
    custom!(Policy, "policy", "Ad-load policy",
        key: "ad_load.policy",
        unit: "",
        group: Group::AdLoad,
        kind: Kind::Choice { options: POLICY_OPTIONS },
        help: "Fixed: ads at fixed positions. Threshold: an ad takes an allowed position iff its utility beats θ × the organic item's. Exact: the layout maximising revenue + λ·engagement.",
        needs: Needs::Always,
        role: Role::Design,
        sweepable: false,
        per_advertiser: false,
        get: |p| Value::Choice(p.ad_load.policy.as_str().to_string()),
        set: |p, v| {
            if let Some(policy) = match v {
                Value::Choice(s) => policy_from(s),
                _ => None,
            } {
                p.ad_load.policy = policy;
            }
        },
    ),
    int!(FeedLen, "feed_len", "Feed length", "positions", AdLoad, limits(5.0, 60.0), slider(5.0, 60.0),
        Needs::Always, Role::Design, per_advertiser: false,
        "Feed positions served per session. Users usually leave before the end, so longer feeds matter only for deep scrollers.",
        whole_usize, ad_load.feed_length),
    int!(FirstAd, "first_ad", "First ad position", "position", AdLoad, limits(1.0, 60.0), slider(1.0, 30.0),
        Needs::FixedFirst, Role::Design, per_advertiser: false,
        "The position of the first ad (1 = top). Lower shows more ads to users who leave early.",
        whole_usize, ad_load.first_position),
    int!(Every, "every", "Ad every", "positions", AdLoad, limits(1.0, 60.0), slider(1.0, 30.0),
        Needs::FixedEvery, Role::Design, per_advertiser: false,
        "Positions from one ad to the next. Lower means more ads per session, more revenue now and more fatigue.",
        whole_usize, ad_load.every),
    real!(Theta, "theta", "Threshold θ", "currency per engagement", AdLoad, limits(0.0, 1.0), slider(0.0, 1.0, 0.005),
        Needs::Policy(AdLoadPolicy::Threshold), Role::Design, per_advertiser: false,
        "An ad is shown at an allowed position iff its utility is at least θ × the organic item's engagement. Higher θ ⇒ fewer ads.",
        ad_load.theta),
    real!(Lambda, "lambda", "Engagement price λ", "currency per engagement", AdLoad, limits(0.0, 1.0), slider(0.0, 1.0, 0.005),
        Needs::Policy(AdLoadPolicy::Exact), Role::Design, per_advertiser: false,
        "The shadow price of engagement in revenue + λ·engagement. Higher λ ⇒ fewer ads, more engagement.",
        ad_load.lambda),
    int!(TopSlot, "top_slot", "Top ad slot", "position", AdLoad, limits(1.0, 60.0), slider(1.0, 30.0),
        Needs::TopSlot, Role::Design, per_advertiser: false,
        "Guardrail: the first position any ad may take (1 = top). Higher keeps the top of the feed organic.",
        whole_usize, ad_load.top_slot),
    int!(MinGap, "min_gap", "Minimum gap", "positions", AdLoad, limits(1.0, 20.0), slider(1.0, 20.0),
        Needs::MinGap, Role::Design, per_advertiser: false,
        "Guardrail: consecutive ads are at least this many positions apart. Higher caps ad density.",
        whole_usize, ad_load.min_gap),
    int!(MaxAds, "max_ads", "Max ads per session", "ads", AdLoad, limits(0.0, 12.0), slider(0.0, 12.0),
        Needs::MaxAds, Role::Design, per_advertiser: false,
        "Guardrail: the most ads in one session. 0 turns ads off.",
        whole_usize, ad_load.max_ads),
    int!(FreqCap, "freq_cap", "Frequency cap", "impressions per user per day", AdLoad, limits(1.0, 20.0), slider(1.0, 20.0),
        Needs::Always, Role::Design, per_advertiser: false,
        "Guardrail: the most impressions of one advertiser to one user per day. Lower spreads impressions over more advertisers.",
        whole_u32, ad_load.frequency_cap),
    flag!(NoAdjCat, "no_adj_cat", "No adjacent same-category ads", AdLoad, Needs::Always, Role::Design, per_advertiser: false,
        "Guardrail: two consecutive ads never share a category. On: more variety, slightly fewer or cheaper ads.",
        ad_load.no_adjacent_same_category),
    int!(Users, "users", "Users", "users", Users, limits(1.0, 200_000.0), slider(100.0, 20_000.0),
        Needs::Always, Role::World, per_advertiser: false,
        "Number of simulated users. More users give smoother curves and take longer to run.",
        whole_usize, users.count),
    real!(Mix, "mix", "Heavy-user tilt", "", Users, limits(-1.0, 1.0), slider(-1.0, 1.0, 0.05),
        Needs::Always, Role::World, per_advertiser: false,
        "Tilts the segment mix toward heavy users (positive) or casual users (negative); 0 keeps the segments' shares.",
        users.mix_tilt),
    flag!(Fatigue, "fatigue", "User fatigue", Users, Needs::Always, Role::World, per_advertiser: false,
        "On: ads tire users, who then click less and visit less. Off: users never tire and user behaviour is stationary (advertiser churn, arrivals and budget growth still run when set).",
        users.fatigue),
    real!(FatSens, "fat_sens", "Fatigue sensitivity", "×", Users, limits(0.0, 10.0), slider(0.0, 5.0, 0.05),
        Needs::FatigueOrPenalty, Role::World, per_advertiser: false,
        "Multiplier on the fatigue every ad impression adds, over all segments. Higher ⇒ ad load hurts engagement and visits more.",
        users.fatigue_sensitivity),
    real!(HalfLife, "half_life", "Fatigue half-life", "days", Users, limits(1.0, 365.0), slider(1.0, 180.0, 1.0),
        Needs::Fatigue, Role::World, per_advertiser: false,
        "Days for a user's fatigue to halve with no ads. Longer ⇒ fatigue accumulates and long-run effects exceed short-run ones.",
        users.fatigue_half_life_days),
    real!(CountShare, "count_share", "Fatigue from ad count", "share", Users, limits(0.0, 1.0), slider(0.0, 1.0, 0.01),
        Needs::FatigueOrPenalty, Role::World, per_advertiser: false,
        "Share of per-impression fatigue every ad causes regardless of quality; the rest grows as quality falls. Lower ⇒ quality, not count, drives fatigue.",
        users.count_share),
    real!(Blindness, "blindness", "Ad blindness", "per fatigue unit", Users, limits(0.0, 5.0), slider(0.0, 5.0, 0.05),
        Needs::Fatigue, Role::World, per_advertiser: false,
        "Click propensity is multiplied by exp(−blindness × fatigue). Higher ⇒ tired users click less.",
        users.blindness),
    real!(VisitSens, "visit_sens", "Visit sensitivity", "per fatigue unit", Users, limits(0.0, 5.0), slider(0.0, 2.0, 0.01),
        Needs::Fatigue, Role::World, per_advertiser: false,
        "Visits are multiplied by exp(−visit sensitivity × fatigue). Higher ⇒ tired users come back less often.",
        users.visit_sensitivity),
    real!(ExitHazard, "exit_hazard", "Exit hazard per ad", "probability per ad", Users, limits(0.0, 0.5), slider(0.0, 0.2, 0.005),
        Needs::Always, Role::World, per_advertiser: false,
        "Added chance of leaving the session after each ad seen. Higher ⇒ ads shorten sessions.",
        users.ad_exit_hazard),
    real!(GapPenalty, "gap_penalty", "Gap penalty", "", Users, limits(0.0, 0.9), slider(0.0, 0.9, 0.01),
        Needs::Always, Role::World, per_advertiser: false,
        "An ad d positions after the previous ad has its CTR multiplied by 1 − gap penalty / d. Higher ⇒ closely spaced ads get fewer clicks.",
        users.gap_penalty),
    real!(Decay, "decay", "Organic decay ρ", "per position", Users, limits(0.5, 1.0), slider(0.5, 1.0, 0.005),
        Needs::Always, Role::World, per_advertiser: false,
        "Organic item r has ρ^(r−1) of the top item's engagement. Lower ⇒ engagement concentrates at the top, where ads displace more of it.",
        users.organic_decay),
    real!(AdEng, "ad_eng", "Ad engagement", "engagements per unit click propensity", Users, limits(0.0, 5.0), slider(0.0, 2.0, 0.05),
        Needs::Always, Role::World, per_advertiser: false,
        "Engagements an ad impression earns per unit of click propensity (ads are content too). Higher ⇒ ads cost less engagement.",
        users.ad_engagement_per_click),
    int!(Advertisers, "advertisers", "Advertisers", "advertisers", Advertisers, limits(1.0, 2_000.0), slider(1.0, 1_000.0),
        Needs::Always, Role::World, per_advertiser: false,
        "Advertisers at the start. More ⇒ thicker auctions and higher prices.",
        whole_usize, advertisers.count),
    real!(Value, "value", "Mean value per click", "currency per click", Advertisers, limits(0.01, 100.0), slider(0.05, 10.0, 0.05),
        Needs::Always, Role::World, per_advertiser: true,
        "Mean of the log-normal distribution of advertisers' values per click. Higher ⇒ higher bids and prices.",
        advertisers.value_mean),
    real!(ValueSigma, "value_sigma", "Value spread σ", "log scale", Advertisers, limits(0.0, 2.0), slider(0.0, 2.0, 0.05),
        Needs::Always, Role::World, per_advertiser: true,
        "Log-scale spread of values per click. Higher ⇒ more dispersed bids, bigger gaps between first and second prices.",
        advertisers.value_sigma),
    real!(Budget, "budget", "Mean daily budget", "currency/day", Advertisers, limits(0.0, 10_000.0), slider(0.0, 100.0, 0.5),
        Needs::Always, Role::World, per_advertiser: true,
        "Mean of the log-normal distribution of daily budgets. Lower ⇒ budgets bind and pacing matters.",
        advertisers.budget_mean),
    real!(BudgetSigma, "budget_sigma", "Budget spread σ", "log scale", Advertisers, limits(0.0, 2.0), slider(0.0, 2.0, 0.05),
        Needs::Always, Role::World, per_advertiser: true,
        "Log-scale spread of daily budgets. Higher ⇒ a few large advertisers hold most of the budget.",
        advertisers.budget_sigma),
    real!(Quality, "quality", "Mean ad quality", "", Advertisers, limits(0.05, 0.95), slider(0.05, 0.95, 0.01),
        Needs::Always, Role::World, per_advertiser: true,
        "Mean of the advertisers' ad quality (0–1). Higher ⇒ more clicks and less fatigue per impression.",
        advertisers.quality_mean),
    real!(QualitySd, "quality_sd", "Quality spread", "standard deviation", Advertisers, limits(0.0, 0.3), slider(0.0, 0.3, 0.01),
        Needs::Always, Role::World, per_advertiser: true,
        "Standard deviation of ad quality across advertisers (capped by the mean). Higher ⇒ quality-aware ranking has more to choose from.",
        advertisers.quality_spread),
    real!(Targeted, "targeted", "Targeted share", "share of advertisers", Advertisers, limits(0.0, 1.0), slider(0.0, 1.0, 0.01),
        Needs::Always, Role::World, per_advertiser: true,
        "Share of advertisers that target only users with above-average interest in their category. Higher ⇒ fewer bidders per request, better-matched ads.",
        advertisers.targeted_share),
    real!(RoiTarget, "roi_target", "ROI target", "value per unit spend", Advertisers, limits(0.0, 10.0), slider(0.0, 5.0, 0.05),
        Needs::Always, Role::World, per_advertiser: true,
        "Return on spend (value of clicks / spend) an advertiser needs; below it, after 7 days with spend, it may leave. Higher ⇒ more churn. Truthful bidders never pay more than their value, so their ROI is at least 1/(1 − shading): targets at or below that cause no churn.",
        advertisers.roi_target),
    real!(Churn, "churn", "Churn probability", "per day", Advertisers, limits(0.0, 1.0), slider(0.0, 1.0, 0.01),
        Needs::Always, Role::World, per_advertiser: false,
        "Daily probability that an advertiser below its ROI target leaves. Higher ⇒ high prices shrink the advertiser base faster.",
        advertisers.churn_probability),
    real!(Arrivals, "arrivals", "New advertisers", "advertisers per day", Advertisers, limits(0.0, 50.0), slider(0.0, 20.0, 0.1),
        Needs::Always, Role::World, per_advertiser: false,
        "Mean new advertisers arriving per day (Poisson). Higher ⇒ the base replenishes after churn.",
        advertisers.arrival_rate),
    real!(Growth, "growth", "Budget growth", "share per day", Advertisers, limits(0.0, 0.2), slider(0.0, 0.2, 0.005),
        Needs::Always, Role::World, per_advertiser: false,
        "Daily budget growth of satisfied advertisers (ROI at target and budget at least 90% spent). Higher ⇒ good outcomes compound.",
        advertisers.budget_growth),
    flag!(Pacing, "pacing", "Budget pacing", Advertisers, Needs::Always, Role::Design, per_advertiser: true,
        "On: an hourly bid multiplier spreads each budget over the day. Off: advertisers bid fully until their budget runs out.",
        advertisers.pacing),
    custom!(PacingMethod, "pacing_method", "Pacing method",
        key: "advertisers.pacing_method",
        unit: "",
        group: Group::Advertisers,
        kind: Kind::Choice { options: PACING_METHOD_OPTIONS },
        help: "How pacing spreads a budget: a bid multiplier (×0.8 after an hour ahead of schedule, else ×1.25, at most 1), throttling (the same controller on the probability of competing each hour), or none (bid fully until the budget runs out). Max-clicks advertisers pace through their own controller.",
        needs: Needs::Pacing,
        role: Role::Design,
        sweepable: false,
        per_advertiser: true,
        get: |p| Value::Choice(p.advertisers.pacing_method.as_str().to_string()),
        set: |p, v| {
            if let Some(m) = match v {
                Value::Choice(s) => pacing_method_from(s),
                _ => None,
            } {
                p.advertisers.pacing_method = m;
            }
        },
    ),
    real!(TargetRoas, "target_roas", "Target ROAS", "value per unit spend", Advertisers, limits(0.1, 20.0), slider(0.5, 10.0, 0.05),
        Needs::Strategy(Strategy::TargetRoas), Role::World, per_advertiser: true,
        "Return on spend that target-ROAS advertisers aim for: they scale their bids (possibly above value) until value / spend meets it, spending at most their budget. Higher ⇒ lower bids, less spend, higher ROI.",
        advertisers.target_roas),
    real!(TargetCpc, "target_cpc", "Target CPC", "currency per click", Advertisers, limits(0.01, 100.0), slider(0.05, 5.0, 0.05),
        Needs::Strategy(Strategy::TargetCpc), Role::World, per_advertiser: true,
        "Average cost per click that target-CPC advertisers keep under while buying as many clicks as they can. Higher ⇒ higher bids and prices.",
        advertisers.target_cpc),
    real!(LearningMemory, "learn_memory", "Shading learner memory", "weight of the past", Advertisers, limits(0.0, 0.999), slider(0.5, 0.99, 0.01),
        Needs::ShadingLearners, Role::World, per_advertiser: true,
        "Learning-shading advertisers (first price) estimate each shading level's win rate with exponential memory: Ŵ ← λ·Ŵ + (1 − λ)·(this hour's rate), λ this weight of the past. Higher ⇒ steadier estimates, slower to follow a changing market.",
        advertisers.learning_memory),
    real!(LearningExploration, "learn_explore", "Shading learner exploration", "share of hours", Advertisers, limits(0.0, 1.0), slider(0.0, 0.5, 0.01),
        Needs::ShadingLearners, Role::World, per_advertiser: true,
        "Probability that a learning-shading advertiser bids at a randomly drawn shading level for an hour instead of the level with the best estimated surplus (value − bid) × win rate. Higher ⇒ estimates stay fresh, more hours at poor levels.",
        advertisers.learning_exploration),
    custom!(MaxClicksRule, "max_clicks_rule", "Max-clicks spend-out step",
        key: "advertisers.max_clicks_rule",
        unit: "",
        group: Group::Advertisers,
        kind: Kind::Choice { options: MAX_CLICKS_RULE_OPTIONS },
        help: "Whether a max-clicks advertiser's budget dual μ (bid = value / (1 + μ)) steps in the hour its budget runs out. Default: only when the whole day's budget went in that one hour, with that hour's spend, so a bidder that spends out at once lowers its bid; other spend-out hours are skipped, their spend being cut short by the budget. Skip: never — the rule of version-1 links and exports, kept so they reproduce; under it an advertiser that spends its whole budget within one hour bids its full value for ever.",
        needs: Needs::Strategy(Strategy::MaxClicks),
        role: Role::World,
        sweepable: false,
        per_advertiser: true,
        get: |p| Value::Choice(p.advertisers.max_clicks_rule.as_str().to_string()),
        set: |p, v| {
            if let Some(m) = match v {
                Value::Choice(s) => max_clicks_rule_from(s),
                _ => None,
            } {
                p.advertisers.max_clicks_rule = m;
            }
        },
    ),
    custom!(AutobidShare, "autobid_share", "Autobidder share",
        key: "advertisers.autobid_share",
        unit: "share of advertisers",
        group: Group::Advertisers,
        kind: Kind::Number {
            limits: (0.0, 1.0),
            slider: Slider { min: 0.0, max: 1.0, step: 0.05 },
        },
        help: "Share of advertisers that autobid: manual bidders become 1 − this share, and the autobidding strategies of the mix keep their relative shares (max clicks when the mix has none). Unset (the default) reads the mix's own autobidding share and changes nothing. Raising it moves advertisers from manual to autobidding, no one the other way.",
        needs: Needs::Always,
        role: Role::World,
        sweepable: true,
        per_advertiser: false,
        get: |p| Value::Number(p.advertisers.effective_autobid_share()),
        set: |p, v| {
            if let Some(x) = number(v) {
                p.advertisers.autobid_share = Some(x);
            }
        },
    ),
    flag!(Launch, "launch", "Launch a new ad offering", Launch, Needs::Always, Role::Design, per_advertiser: false,
        "On: a cohort of new advertisers with its own quality, CTR and value joins on the launch day.",
        launch.enabled),
    int!(LaunchDay, "launch_day", "Launch day", "day", Launch, limits(1.0, 365.0), slider(1.0, 365.0),
        Needs::Launch, Role::Design, per_advertiser: false,
        "Day the cohort joins (from the start of that day). After the last day, nothing launches.",
        whole_u32, launch.day),
    int!(LaunchN, "launch_n", "Cohort size", "advertisers", Launch, limits(1.0, 1_000.0), slider(1.0, 200.0),
        Needs::Launch, Role::Design, per_advertiser: false,
        "Advertisers in the new cohort. More ⇒ a bigger shock to prices and ad quality.",
        whole_usize, launch.count),
    real!(LaunchQuality, "launch_quality", "Cohort quality", "", Launch, limits(0.05, 0.95), slider(0.05, 0.95, 0.01),
        Needs::Launch, Role::Design, per_advertiser: false,
        "Mean ad quality of the cohort (0–1). Higher ⇒ its ads tire users less.",
        launch.quality_mean),
    real!(LaunchCtr, "launch_ctr", "Cohort CTR multiplier", "×", Launch, limits(0.1, 5.0), slider(0.1, 5.0, 0.05),
        Needs::Launch, Role::Design, per_advertiser: false,
        "Multiplier on the cohort's click propensity (a new format). Higher ⇒ it wins more auctions under pCTR-weighted ranking.",
        launch.ctr_multiplier),
    real!(LaunchValue, "launch_value", "Cohort value per click", "currency per click", Launch, limits(0.01, 100.0), slider(0.05, 10.0, 0.05),
        Needs::Launch, Role::Design, per_advertiser: false,
        "Mean value per click of the cohort. Higher ⇒ it bids more.",
        launch.value_mean),
    real!(LaunchBudget, "launch_budget", "Cohort daily budget", "currency/day", Launch, limits(0.0, 10_000.0), slider(0.0, 100.0, 0.5),
        Needs::Launch, Role::Design, per_advertiser: false,
        "Mean daily budget of the cohort. Higher ⇒ it can take more impressions from incumbents.",
        launch.budget_mean),
    flag!(Promotion, "promo", "Reserve promotional bandwidth", Promotion, Needs::Always, Role::Design, per_advertiser: false,
        "On: each session is drawn as a promoted session with the promoted share's probability; in a promoted session only the promoted class's ads compete for the ad slots (same ranking, blending and pricing, restricted to them), and when none is eligible the normal auction runs.",
        promotion.enabled),
    real!(PromoShare, "promo_share", "Promoted share", "share of sessions", Promotion, limits(0.0, 1.0), slider(0.0, 1.0, 0.01),
        Needs::Promotion, Role::Design, per_advertiser: false,
        "Share of sessions whose ad slots only promoted ads may win. Higher ⇒ more impressions for the promoted class, fewer and dearer ones for everyone else. 0 reserves nothing.",
        promotion.share),
    custom!(PromoClass, "promo_class", "Promoted class",
        key: "promotion.class",
        unit: "",
        group: Group::Promotion,
        kind: Kind::Choice { options: PROMOTED_CLASS_OPTIONS },
        help: "Which ads the reserved slots are for: the launched cohort (the new ad offering, from its launch day) or every advertiser of one category.",
        needs: Needs::Promotion,
        role: Role::Design,
        sweepable: false,
        per_advertiser: false,
        get: |p| Value::Choice(p.promotion.class.as_str().to_string()),
        set: |p, v| {
            if let Some(c) = match v {
                Value::Choice(s) => promoted_class_from(s),
                _ => None,
            } {
                p.promotion.class = c;
            }
        },
    ),
    int!(PromoCategory, "promo_cat", "Promoted category", "category index", Promotion, limits(0.0, 5.0), slider(0.0, 5.0),
        Needs::PromotionCategory, Role::Design, per_advertiser: false,
        "The promoted category: 0 news, 1 sports, 2 fashion, 3 tech, 4 food, 5 travel.",
        whole_usize, promotion.category),
    int!(Days, "days", "Days", "days", Simulation, limits(1.0, 365.0), slider(1.0, 365.0),
        Needs::Always, Role::World, per_advertiser: false,
        "Length of the run. Fatigue and advertiser churn play out over weeks: compare the first and last week.",
        whole_u32, sim.days),
    custom!(Seed, "seed", "Seed",
        key: "sim.seed",
        unit: "",
        group: Group::Simulation,
        // Every u64 is a valid seed. Seeds above 2^53 are not exact as f64: the link codec reads
        // and writes `seed` as an integer directly (see `config::url`).
        kind: Kind::Integer {
            limits: (0.0, u64::MAX as f64),
            slider: Slider { min: 0.0, max: 1_000.0, step: 1.0 },
        },
        help: "Seed of every random stream: the same seed gives the same users and draws, so two designs on one seed differ only by the design.",
        needs: Needs::Always,
        role: Role::World,
        sweepable: false,
        per_advertiser: false,
        get: |p| Value::Number(p.sim.seed as f64),
        set: |p, v| {
            if let Some(x) = number(v) {
                p.sim.seed = whole(x);
            }
        },
    ),
}

/// One numeric field of a user segment (`users.segments[i].<name>`). Segments are a list in the
/// JSON configuration (and in links, as JSON), not knobs with controls, but their ranges live
/// here with the knobs' so that validation and error messages read one place.
#[derive(Debug, Clone, Copy)]
pub struct SegmentField {
    /// Field name inside a segment (`share`).
    pub name: &'static str,
    /// What it means, with its unit.
    pub help: &'static str,
    /// What validation accepts.
    pub limits: Limits,
    /// The field (validation replaces a bad value by [`Segment::default`]'s).
    pub field: fn(&mut Segment) -> &mut f64,
}

macro_rules! segment_field {
    ($name:ident, $min:expr, $max:expr, $help:literal) => {
        SegmentField {
            name: stringify!($name),
            help: $help,
            limits: Limits {
                min: $min,
                max: $max,
                integer: false,
            },
            field: |s| &mut s.$name,
        }
    };
}

/// The numeric fields of a segment, in validation order. (`name` is free text; `interests` is a
/// list of non-negative weights, one per category, or empty for uniform interests.)
pub static SEGMENT_FIELDS: &[SegmentField] = &[
    segment_field!(
        share,
        0.0,
        1.0,
        "Share of the population (shares are normalised to sum to 1)."
    ),
    segment_field!(
        visits_per_day,
        0.0,
        20.0,
        "Mean sessions per day with no fatigue."
    ),
    segment_field!(
        feed_depth,
        1.0,
        60.0,
        "Mean feed positions viewed per session with no ads."
    ),
    segment_field!(
        organic_engagement,
        0.0,
        1.0,
        "Probability of engaging with the top organic item when it is viewed."
    ),
    segment_field!(
        ad_click,
        0.0,
        1.0,
        "Click probability on an average ad (quality 0.5, average interest) with no fatigue."
    ),
    segment_field!(
        fatigue_sensitivity,
        0.0,
        10.0,
        "Multiplier on fatigue gained per ad impression."
    ),
];

/// The numeric segment field named `name` (`share`).
pub fn segment_field(name: &str) -> Option<&'static SegmentField> {
    SEGMENT_FIELDS.iter().find(|f| f.name == name)
}
