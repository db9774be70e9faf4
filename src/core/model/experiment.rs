//! Two arms in one world: an online experiment inside the model.
//!
//! [`run_arms`] draws one population from the world's configuration and serves it with two
//! mechanisms, control (arm 0) and treatment (arm 1), each built from the design part of its
//! configuration ([`Design`]). Which arm serves a session depends on the [`Assignment`]:
//!
//! - [`Assignment::User`]: each user is in treatment with probability `treatment_share`, drawn
//!   once from a stream keyed by the user's identity (the same user is in the same arm on every
//!   day, whatever the treatment is). Advertisers' budgets and pacing are shared: an arm that
//!   bids higher drains budgets the other arm would have spent, so its spend share exceeds its
//!   traffic share — the budget coupling of real user-randomised ad experiments.
//! - [`Assignment::BudgetSplit`]: users as above, and every advertiser's daily budget is split in
//!   proportion to the traffic into two pots, each paced on its own: the arms no longer compete
//!   for budget.
//! - [`Assignment::Switchback`]: whole days alternate between arms, by its
//!   [`SwitchbackSchedule`]: each day in treatment with probability `treatment_share` (a stream
//!   keyed by the day; the default), exactly `round(share × days)` treatment days in a seeded
//!   random order, or consecutive pairs of days with one day of each arm ([`switchback_days`]).
//! - [`Assignment::Advertiser`]: advertisers randomised (a stream keyed by the advertiser's
//!   identity); only knobs the knob table marks `per_advertiser` may differ between the arms
//!   ([`per_advertiser_only`]): bid shading, reserve, pacing. Every session runs one auction in
//!   which each advertiser bids, meets its reserve and paces under its own arm's knobs. The
//!   sessions are not split, so `control` holds the whole market's days and `treatment` is
//!   empty; the comparison is per advertiser ([`ArmsResult::advertisers`]).
//!
//! The [`Schedule`] adds a pre-period and a post-period in which both arms get control (every
//! session is served by control and budgets are whole). Units keep their experiment arm in the
//! records of the post-period: users' totals ([`ArmsResult::post`], by day and arm in
//! [`ArmsResult::post_daily`]) and advertisers' ([`ArmsResult::advertisers_post`], by day and arm
//! in [`ArmsResult::advertisers_post_daily`] for advertiser designs), so what an arm learned
//! (users' ad blindness, advertisers' ROI memory, churn) shows after the arms are equal again.
//!
//! What stays shared whatever the design: the users (visits, fatigue — a user's fatigue is what
//! its own arm's ads did to it), advertisers' churn, growth and arrivals (decided on their whole
//! day), and every random stream of [`super::engine`]. The global truth — what each design
//! would do if it served everyone — is two one-arm runs ([`truth`]).

use serde::{Deserialize, Serialize};

use super::engine::{AdvertiserTotals, Engine, RunResult, UserTotals, MAX_ARMS};
use super::knobs::{self, Role};
use super::metrics::DayMetrics;
use super::params::UtilityWeights;
use super::params::{AdLoadParams, AuctionParams, LaunchParams, Params, PromotionParams};
use super::validate::Scenario;
use crate::core::rng::{stream, Purpose, Random};

/// The design part of a configuration: what the platform decides (every knob of role
/// [`Role::Design`]). The launch and promotional bandwidth are designs too, but they change
/// who is in the market, so both arms of one world must agree on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Ranking weights.
    pub utility: UtilityWeights,
    /// Auction format, reserves, squashing, bid shading.
    pub auction: AuctionParams,
    /// Ad-load policy and guardrails.
    pub ad_load: AdLoadParams,
    /// Whether advertisers pace their budgets.
    pub pacing: bool,
    /// A launched offering.
    pub launch: LaunchParams,
    /// Promotional bandwidth.
    pub promotion: PromotionParams,
}

impl Design {
    /// The design part of `scenario`.
    pub fn of(scenario: &Scenario) -> Design {
        let p = scenario.params();
        Design {
            utility: p.utility.clone(),
            auction: p.auction.clone(),
            ad_load: p.ad_load.clone(),
            pacing: p.advertisers.pacing,
            launch: p.launch.clone(),
            promotion: p.promotion.clone(),
        }
    }

    /// `world`'s parameters with this design: what the arm would be as a one-arm run.
    pub fn apply(&self, world: &Params) -> Params {
        let mut p = world.clone();
        p.utility = self.utility.clone();
        p.auction = self.auction.clone();
        p.ad_load = self.ad_load.clone();
        p.advertisers.pacing = self.pacing;
        p.launch = self.launch.clone();
        p.promotion = self.promotion.clone();
        p
    }
}

/// How units are assigned to arms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "design", rename_all = "snake_case")]
pub enum Assignment {
    /// Users randomised; budgets and pacing shared.
    User {
        /// Probability that a user is in treatment.
        treatment_share: f64,
    },
    /// Users randomised; every budget split into one pot per arm, in the traffic's proportion.
    BudgetSplit {
        /// Probability that a user is in treatment, and treatment's share of every budget.
        treatment_share: f64,
    },
    /// Advertisers randomised (only per-advertiser knobs may differ).
    Advertiser {
        /// Probability that an advertiser is in treatment.
        treatment_share: f64,
    },
    /// Whole days randomised.
    Switchback {
        /// Probability that a day is a treatment day (with [`SwitchbackSchedule::Balanced`], the
        /// share of treatment days).
        treatment_share: f64,
        /// How the days are drawn.
        #[serde(default, skip_serializing_if = "SwitchbackSchedule::is_independent")]
        schedule: SwitchbackSchedule,
    },
}

/// How a switchback assigns its days to arms ([`switchback_days`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwitchbackSchedule {
    /// Each day in treatment with probability `treatment_share`, independently: the number of
    /// treatment days is binomial (14 days at 0.5 give 13 or more treatment days, or 1 or
    /// fewer, with probability 0.2%).
    #[default]
    Independent,
    /// Exactly `round(treatment_share × days)` treatment days, in a seeded random order (a
    /// uniformly random permutation).
    Balanced,
    /// Consecutive pairs of days (1–2, 3–4, …), one day of each arm per pair in a random order;
    /// an odd last day is a coin flip. Needs `treatment_share` 0.5. Pairs balance slow drift
    /// (fatigue building, advertisers churning) between the arms.
    Paired,
}

impl SwitchbackSchedule {
    /// Every schedule.
    pub const ALL: [SwitchbackSchedule; 3] = [
        SwitchbackSchedule::Independent,
        SwitchbackSchedule::Balanced,
        SwitchbackSchedule::Paired,
    ];

    /// The name in specs and links.
    pub fn name(self) -> &'static str {
        match self {
            SwitchbackSchedule::Independent => "independent",
            SwitchbackSchedule::Balanced => "balanced",
            SwitchbackSchedule::Paired => "paired",
        }
    }

    /// The schedule called `name`.
    pub fn from_name(name: &str) -> Option<SwitchbackSchedule> {
        SwitchbackSchedule::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether this is the default, [`SwitchbackSchedule::Independent`].
    pub fn is_independent(&self) -> bool {
        *self == SwitchbackSchedule::Independent
    }
}

impl Assignment {
    /// The design's name, as the configuration spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Assignment::User { .. } => "user",
            Assignment::BudgetSplit { .. } => "budget_split",
            Assignment::Advertiser { .. } => "advertiser",
            Assignment::Switchback { .. } => "switchback",
        }
    }

    /// The treatment share.
    pub fn treatment_share(&self) -> f64 {
        match *self {
            Assignment::User { treatment_share }
            | Assignment::BudgetSplit { treatment_share }
            | Assignment::Advertiser { treatment_share }
            | Assignment::Switchback {
                treatment_share, ..
            } => treatment_share,
        }
    }
}

/// Day ranges: a pre-period, the experiment, a post-period (both arms get control outside the
/// experiment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Days before the experiment.
    pub pre_days: u32,
    /// Days of the experiment.
    pub days: u32,
    /// Days after it.
    pub post_days: u32,
}

impl Schedule {
    /// Days simulated.
    pub fn total(&self) -> u32 {
        self.pre_days + self.days + self.post_days
    }

    /// The period of day `day` (from 1).
    pub fn period(&self, day: u32) -> Period {
        if day <= self.pre_days {
            Period::Pre
        } else if day <= self.pre_days + self.days {
            Period::Experiment
        } else {
            Period::Post
        }
    }
}

/// Where a day falls in the [`Schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Before the experiment: control everywhere.
    Pre,
    /// The experiment.
    Experiment,
    /// After it: control everywhere.
    Post,
}

/// An advertiser's totals over the experiment period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AdvertiserUnit {
    /// Its identity `(tag, serial)`: `(0, i)` initial, `(1, j)` launched, `(2 + day, j)` arrived.
    pub identity: (u64, u64),
    /// Per arm: what that arm's sessions brought it.
    pub arms: [AdvertiserTotals; MAX_ARMS],
}

/// Per-user records over one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserPeriod {
    /// Per user: totals.
    pub users: Vec<UserTotals>,
    /// Per user: the sum over the period's days of its end-of-day fatigue.
    pub fatigue: Vec<f64>,
}

/// One arm's users on one day: the sums of their totals and end-of-day fatigue, and how many
/// users they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ArmDay {
    /// Sums of the users' totals.
    pub totals: UserTotals,
    /// Sum of the users' end-of-day fatigue.
    pub fatigue: f64,
    /// Users in the arm.
    pub users: usize,
}

/// One arm's advertisers on one day (advertiser designs): the sums of their totals and how many
/// advertisers the arm has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ArmAdvertiserDay {
    /// Sums of the advertisers' totals.
    pub totals: AdvertiserTotals,
    /// Advertisers in the arm (churned ones included: they count with zeros).
    pub advertisers: usize,
}

fn add_user(to: &mut UserTotals, t: &UserTotals) {
    to.sessions += t.sessions;
    to.engagement += t.engagement;
    to.clicks += t.clicks;
    to.impressions += t.impressions;
    to.revenue += t.revenue;
    to.value += t.value;
}

fn add_advertiser(to: &mut AdvertiserTotals, t: &AdvertiserTotals) {
    to.spend += t.spend;
    to.value += t.value;
    to.clicks += t.clicks;
}

/// Adds one day's per-user records to a period's.
fn add_day(users: &mut Vec<UserTotals>, fatigue: &mut Vec<f64>, day: &[UserTotals], now: &[f64]) {
    users.resize(now.len(), UserTotals::default());
    fatigue.resize(now.len(), 0.0);
    for (u, t) in day.iter().enumerate() {
        add_user(&mut users[u], t);
    }
    for (f, x) in fatigue.iter_mut().zip(now) {
        *f += x;
    }
}

/// What a two-arm run produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmsResult {
    /// The design.
    pub assignment: Assignment,
    /// The schedule.
    pub schedule: Schedule,
    /// Per day: the period.
    pub periods: Vec<Period>,
    /// Per day: the arm that served every session (outside the experiment and on switchback
    /// days), or `None` when the day's sessions were split between arms by unit.
    pub day_arm: Vec<Option<u8>>,
    /// Control's day metrics: its sessions, the spend they caused, its users' fatigue. Counts
    /// every advertiser (active, churned, new) in both arms.
    pub control: Vec<DayMetrics>,
    /// Treatment's day metrics (as control's).
    pub treatment: Vec<DayMetrics>,
    /// Per user (user designs; else empty): the arm.
    pub user_arm: Vec<u8>,
    /// Per user: totals over the experiment period.
    pub users: Vec<UserTotals>,
    /// Per user: the sum over the experiment's days of its end-of-day fatigue (divide by the
    /// days for its mean fatigue).
    pub user_fatigue: Vec<f64>,
    /// Per user: totals and fatigue over the pre-period (every design; empty without one).
    pub pre: UserPeriod,
    /// Per user: totals and fatigue over the post-period (every design; empty without one).
    pub post: UserPeriod,
    /// Per post-period day (user designs; else empty): the sums over each arm's users (by the
    /// arm they had during the experiment) of their day's totals and end-of-day fatigue.
    pub post_daily: Vec<[ArmDay; 2]>,
    /// Per advertiser: totals over the pre-period (all arms together), in the order of
    /// `advertisers`.
    pub advertisers_pre: Vec<AdvertiserTotals>,
    /// Per advertiser: totals over the post-period (all arms together), in the order of
    /// `advertisers` (empty without a post-period).
    pub advertisers_post: Vec<AdvertiserTotals>,
    /// Per post-period day (advertiser designs; else empty): the sums over each arm's
    /// advertisers (by the arm they had during the experiment) of their day's totals.
    pub advertisers_post_daily: Vec<[ArmAdvertiserDay; 2]>,
    /// Per advertiser ever present: totals over the experiment period (in advertiser designs,
    /// under the advertiser's own arm).
    pub advertisers: Vec<AdvertiserUnit>,
    /// Per advertiser (advertiser designs; else empty): the arm, in the order of `advertisers`
    /// (advertisers that joined after the experiment have none).
    pub advertiser_arm: Vec<u8>,
    /// Per experiment day, then per post-period day (user designs with at most
    /// [`MAX_DAILY_USER_RECORDS`] users × those days; else empty): each user's totals that day
    /// and its end-of-day fatigue (`fatigue` is that one day's, not a sum).
    pub daily_users: Vec<UserPeriod>,
    /// Per experiment day (advertiser designs; else empty): per advertiser, in the order of
    /// `advertisers` (those not yet present are missing), what each arm's sessions brought it
    /// that day.
    pub daily_advertisers: Vec<Vec<[AdvertiserTotals; MAX_ARMS]>>,
}

/// The most user-days [`ArmsResult::daily_users`] keeps (users × (experiment + post-period
/// days)): about 100 MB of records. Larger runs keep none.
pub const MAX_DAILY_USER_RECORDS: usize = 2_000_000;

/// Why a two-arm run cannot be made.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentError {
    /// The field at fault (`treatment_share`, `treatment.auction.reserve`…).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ExperimentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn error(field: impl Into<String>, message: impl Into<String>) -> ExperimentError {
    ExperimentError {
        field: field.into(),
        message: message.into(),
    }
}

/// Whether user `u` is in treatment: one draw from a stream keyed by the seed and the user's
/// identity alone, so the same user is in the same arm on every day, under every treatment and
/// at every share it stays below (a lower share's treatment users are a subset of a higher one's).
pub fn user_in_treatment(seed: u64, u: u64, share: f64) -> bool {
    stream(seed, Purpose::Assignment, u, 0).uniform() < share
}

/// Whether the advertiser named `identity` is in treatment (keyed by its identity).
pub fn advertiser_in_treatment(seed: u64, identity: (u64, u64), share: f64) -> bool {
    stream(seed, Purpose::Assignment, identity.1, (identity.0 << 8) | 1).uniform() < share
}

/// Whether experiment day `day` (from 1) is a treatment day in a switchback.
pub fn day_in_treatment(seed: u64, day: u32, share: f64) -> bool {
    stream(seed, Purpose::Assignment, day as u64, 2).uniform() < share
}

/// Per experiment day (from 1 to `days`): whether a switchback with `schedule` serves it with
/// treatment. Every schedule draws from the seed's assignment streams alone (purpose
/// [`Purpose::Assignment`], keys no user or advertiser draw uses), so nothing else moves:
/// - `Independent`: [`day_in_treatment`] per day (a stream keyed by the day);
/// - `Balanced`: `round(share × days)` treatment days placed by a Fisher–Yates shuffle drawn
///   from one stream (keyed `(days, 3)`);
/// - `Paired`: per pair of days one coin flip (from one stream keyed `(days, 4)`) says which of
///   the two is the treatment day; an odd last day is a further coin flip.
pub fn switchback_days(
    seed: u64,
    days: u32,
    share: f64,
    schedule: SwitchbackSchedule,
) -> Vec<bool> {
    let n = days as usize;
    match schedule {
        SwitchbackSchedule::Independent => (1..=days)
            .map(|d| day_in_treatment(seed, d, share))
            .collect(),
        SwitchbackSchedule::Balanced => {
            let treated = ((share * f64::from(days)).round().max(0.0) as usize).min(n);
            let mut out: Vec<bool> = (0..n).map(|i| i < treated).collect();
            let mut rng = stream(seed, Purpose::Assignment, u64::from(days), 3);
            for i in (1..n).rev() {
                let j = rng.index(i + 1);
                out.swap(i, j);
            }
            out
        }
        SwitchbackSchedule::Paired => {
            let mut rng = stream(seed, Purpose::Assignment, u64::from(days), 4);
            let mut out = Vec::with_capacity(n);
            while out.len() + 2 <= n {
                let first = rng.uniform() < 0.5;
                out.push(first);
                out.push(!first);
            }
            if out.len() < n {
                out.push(rng.uniform() < 0.5);
            }
            out
        }
    }
}

/// The knobs (URL keys) on which `control` and `treatment` differ but which cannot differ per
/// advertiser: empty when an advertiser-randomised experiment may compare them.
pub fn per_advertiser_only(control: &Scenario, treatment: &Scenario) -> Vec<&'static str> {
    knobs::table()
        .iter()
        .filter(|s| s.role == Role::Design && !s.per_advertiser)
        .filter(|s| (s.get)(control.params()) != (s.get)(treatment.params()))
        .map(|s| s.url)
        .collect()
}

/// The arms' configurations as one-arm runs: `world` with each design, run for the schedule's
/// days.
pub fn arm_scenarios(
    world: &Scenario,
    control: &Scenario,
    treatment: &Scenario,
    schedule: Schedule,
) -> Result<[Scenario; 2], ExperimentError> {
    let mut out = Vec::with_capacity(2);
    for (name, design) in [("control", control), ("treatment", treatment)] {
        let mut p = Design::of(design).apply(world.params());
        p.sim.days = schedule.total();
        let scenario = Scenario::new(p).map_err(|problems| {
            let first = &problems[0];
            error(format!("{name}.{}", first.field), first.message.clone())
        })?;
        out.push(scenario);
    }
    let treatment = out.pop().expect("two arms");
    let control = out.pop().expect("two arms");
    Ok([control, treatment])
}

/// The global truth: each design serving everyone, as one-arm runs over the schedule's days.
pub fn truth(
    world: &Scenario,
    control: &Scenario,
    treatment: &Scenario,
    schedule: Schedule,
) -> Result<[RunResult; 2], ExperimentError> {
    let [c, t] = arm_scenarios(world, control, treatment, schedule)?;
    Ok([super::simulate(&c), super::simulate(&t)])
}

/// Runs both arms in one world (see the module docs).
pub fn run_arms(
    world: &Scenario,
    control: &Scenario,
    treatment: &Scenario,
    assignment: Assignment,
    schedule: Schedule,
) -> Result<ArmsResult, ExperimentError> {
    let share = assignment.treatment_share();
    if !(0.0..=1.0).contains(&share) {
        return Err(error("treatment_share", "must be between 0 and 1"));
    }
    if schedule.total() == 0 {
        return Err(error("days", "the run needs at least one day"));
    }
    if let Assignment::Switchback {
        schedule: SwitchbackSchedule::Paired,
        ..
    } = assignment
    {
        if share != 0.5 {
            return Err(error(
                "switchback_schedule",
                format!("`paired` puts one day of each arm in every pair of days, so it needs treatment_share 0.5, got {share}"),
            ));
        }
    }
    let [c, t] = arm_scenarios(world, control, treatment, schedule)?;
    let (cp, tp) = (c.params(), t.params());
    if cp.launch != tp.launch {
        return Err(error(
            "treatment.launch",
            "both arms of one world must launch the same offering (a launch changes who is in the market)",
        ));
    }
    if cp.promotion != tp.promotion {
        return Err(error(
            "treatment.promotion",
            "both arms of one world must use the same promotional bandwidth",
        ));
    }
    if matches!(assignment, Assignment::User { .. })
        && cp.advertisers.pacing != tp.advertisers.pacing
    {
        return Err(error(
            "treatment.advertisers.pacing",
            "with shared budgets pacing is the advertiser's; use budget_split to pace each arm's pot on its own",
        ));
    }
    if let Assignment::Advertiser { .. } = assignment {
        let bad = per_advertiser_only(&c, &t);
        if !bad.is_empty() {
            return Err(error(
                "treatment",
                format!(
                    "an advertiser experiment may change only per-advertiser knobs; these are not: {}",
                    bad.join(", ")
                ),
            ));
        }
    }

    // The population is the control configuration's world (the world with control's launch and
    // promotion, which both arms share).
    let mut engine = Engine::with_arms(&c, &[&c, &t]);
    let seed = cp.sim.seed;
    let n_users = engine.user_count();
    let switchback: Vec<bool> = match assignment {
        Assignment::Switchback { schedule: plan, .. } => {
            switchback_days(seed, schedule.days, share, plan)
        }
        _ => Vec::new(),
    };
    let user_arm: Vec<u8> = match assignment {
        Assignment::User { .. } | Assignment::BudgetSplit { .. } => (0..n_users as u64)
            .map(|u| u8::from(user_in_treatment(seed, u, share)))
            .collect(),
        _ => Vec::new(),
    };
    let mut result = ArmsResult {
        assignment,
        schedule,
        periods: Vec::new(),
        day_arm: Vec::new(),
        control: Vec::new(),
        treatment: Vec::new(),
        user_arm: user_arm.clone(),
        users: Vec::new(),
        user_fatigue: Vec::new(),
        pre: UserPeriod::default(),
        post: UserPeriod::default(),
        post_daily: Vec::new(),
        advertisers: Vec::new(),
        advertiser_arm: Vec::new(),
        advertisers_pre: Vec::new(),
        daily_users: Vec::new(),
        daily_advertisers: Vec::new(),
        advertisers_post: Vec::new(),
        advertisers_post_daily: Vec::new(),
    };
    let daily_days = (schedule.days + schedule.post_days) as usize;
    let by_user =
        !user_arm.is_empty() && n_users.saturating_mul(daily_days) <= MAX_DAILY_USER_RECORDS;
    let by_advertiser = matches!(assignment, Assignment::Advertiser { .. });
    let mut during = UserPeriod::default();
    let mut advertisers: Vec<[AdvertiserTotals; MAX_ARMS]> = Vec::new();
    for day in 1..=schedule.total() {
        let period = schedule.period(day);
        let r = &mut engine.routing;
        *r = Default::default();
        // Every period is recorded, one day at a time, and the day's records added to its
        // period's below (recording changes no draw and no metric).
        engine.units.recording = true;
        if period == Period::Experiment {
            match assignment {
                Assignment::User { .. } => {
                    r.user_arm = user_arm.clone();
                    r.budget_weight = [1.0 - share, share];
                }
                Assignment::BudgetSplit { .. } => {
                    r.user_arm = user_arm.clone();
                    r.pots = 2;
                    r.pot_of_arm = [0, 1];
                    r.pot_share = [1.0 - share, share];
                    r.budget_weight = [1.0 - share, share];
                }
                Assignment::Switchback { .. } => {
                    let k = u8::from(switchback[(day - schedule.pre_days - 1) as usize]);
                    r.day_arm = Some(k);
                    r.budget_weight = [0.0; MAX_ARMS];
                    r.budget_weight[k as usize] = 1.0;
                }
                Assignment::Advertiser { .. } => {
                    // One auction, run by control's mechanism, each advertiser under its own
                    // arm's per-advertiser knobs.
                    r.day_arm = Some(0);
                    r.advertiser_share = Some(share);
                }
            }
        } else {
            r.day_arm = Some(0);
        }
        result.day_arm.push(r.day_arm);
        result.periods.push(period);
        let mut days = engine.step_arms().into_iter();
        result.control.push(days.next().expect("control"));
        result.treatment.push(days.next().expect("treatment"));
        let day_users = std::mem::take(&mut engine.units.users);
        let day_advertisers = std::mem::take(&mut engine.units.advertisers);
        let fatigue: Vec<f64> = engine.user_fatigue().collect();
        match period {
            Period::Pre => {
                add_day(
                    &mut result.pre.users,
                    &mut result.pre.fatigue,
                    &day_users,
                    &fatigue,
                );
                let pre = &mut result.advertisers_pre;
                pre.resize(day_advertisers.len(), AdvertiserTotals::default());
                for (to, arms) in pre.iter_mut().zip(&day_advertisers) {
                    for t in arms {
                        add_advertiser(to, t);
                    }
                }
            }
            Period::Experiment => {
                if by_user {
                    result.daily_users.push(UserPeriod {
                        users: day_users.clone(),
                        fatigue: fatigue.clone(),
                    });
                }
                if by_advertiser {
                    result.daily_advertisers.push(day_advertisers.clone());
                }
                add_day(&mut during.users, &mut during.fatigue, &day_users, &fatigue);
                advertisers.resize(day_advertisers.len(), Default::default());
                for (to, arms) in advertisers.iter_mut().zip(&day_advertisers) {
                    for (to, t) in to.iter_mut().zip(arms) {
                        add_advertiser(to, t);
                    }
                }
            }
            Period::Post => {
                if by_user {
                    result.daily_users.push(UserPeriod {
                        users: day_users.clone(),
                        fatigue: fatigue.clone(),
                    });
                }
                add_day(
                    &mut result.post.users,
                    &mut result.post.fatigue,
                    &day_users,
                    &fatigue,
                );
                if !user_arm.is_empty() {
                    let mut arms = [ArmDay::default(); 2];
                    for (u, &k) in user_arm.iter().enumerate() {
                        let a = &mut arms[k as usize];
                        if let Some(t) = day_users.get(u) {
                            add_user(&mut a.totals, t);
                        }
                        a.fatigue += fatigue[u];
                        a.users += 1;
                    }
                    result.post_daily.push(arms);
                }
                let post = &mut result.advertisers_post;
                post.resize(day_advertisers.len(), AdvertiserTotals::default());
                for (to, arms) in post.iter_mut().zip(&day_advertisers) {
                    for t in arms {
                        add_advertiser(to, t);
                    }
                }
                if matches!(assignment, Assignment::Advertiser { .. }) {
                    let mut arms = [ArmAdvertiserDay::default(); 2];
                    for (i, &k) in engine.advertiser_arms().iter().enumerate() {
                        let a = &mut arms[k as usize];
                        if let Some(t) = day_advertisers.get(i) {
                            for t in t {
                                add_advertiser(&mut a.totals, t);
                            }
                        }
                        a.advertisers += 1;
                    }
                    result.advertisers_post_daily.push(arms);
                }
            }
        }
    }
    engine.units.recording = false;
    result.advertiser_arm = engine.advertiser_arms().to_vec();
    during.users.resize(n_users, UserTotals::default());
    during.fatigue.resize(n_users, 0.0);
    result.users = during.users;
    result.user_fatigue = during.fatigue;
    result.advertisers = engine
        .advertiser_identities()
        .into_iter()
        .enumerate()
        .map(|(i, identity)| AdvertiserUnit {
            identity,
            arms: advertisers.get(i).copied().unwrap_or_default(),
        })
        .collect();
    result
        .advertisers_pre
        .resize(result.advertisers.len(), AdvertiserTotals::default());
    if schedule.post_days > 0 {
        result
            .advertisers_post
            .resize(result.advertisers.len(), AdvertiserTotals::default());
    }
    Ok(result)
}
