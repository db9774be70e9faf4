//! What each bidding strategy got over a summary window: advertisers, spend, value, ROI, CPC,
//! budget utilisation and goal attainment ([`StrategySummary`], in
//! [`Summary::by_strategy`](super::Summary::by_strategy)).
//!
//! Goal attainment is the share of a strategy's advertisers (those active on at least one day of
//! the window) that met their goal over the window, each judged on its own totals for the days
//! it was active (spend `S`, value `V`, clicks `C`, the sum of its daily budgets `B`):
//!
//! - `target_roas` (target `T`): `S > 0` and either `|V/S − T| ≤ 10%·T` (at the target), or
//!   `V/S > T` with `S ≥ 98%·B` (above target because the budget binds first: the return
//!   constraint is slack, which is the autobidder's optimum, not a miss);
//! - `max_clicks`: `S ≥ 98%·B` (the budget spent), or a mean end-of-day bid multiplier
//!   `1/(1 + μ)` of at least 0.98 over its days (it bids within 2% of its value: the budget does
//!   not bind, so `μ = 0` is its optimum — complementary slackness within the same 2%). Under
//!   the version-1 rule (`advertisers.max_clicks_rule = skip_spend_out_hour`, set by the
//!   migration of version-1 links and documents) only the budget counts, as it did then;
//! - `target_cpc` (target `T_cpc`): `C > 0` and `S/C ≤ 1.1·T_cpc` (an advertiser that bought
//!   no click missed a goal of buying clicks);
//! - `manual` and `learning_shading`: no goal (`null`): one bids a fixed rule, the other maximises
//!   its surplus.
//!
//! The tolerances are [`GOAL_TOLERANCE`] and [`GOAL_BUDGET_SPENT`]. Strategy entries are not
//! `window.metric` names for sweeps and objectives: an entry exists only for the strategies in
//! the mix, so a sweep over the mix (`advertisers.autobid_share` from 0) would read a name that
//! is absent at some points.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::params::{AdvertiserParams, MaxClicksRule, Strategy};

/// Relative tolerance of the goals: a `target_roas` advertiser within ±10% of its target, a
/// `target_cpc` advertiser at most 10% above its target CPC, meets its goal.
pub const GOAL_TOLERANCE: f64 = 0.1;
/// Share of its budget an advertiser must spend for the budget to count as spent (`max_clicks`'
/// goal; a `target_roas` advertiser above target with its budget spent also meets its goal).
pub const GOAL_BUDGET_SPENT: f64 = 0.98;

/// Mean bid multiplier from which a `max_clicks` advertiser counts as bidding its value (its
/// budget does not bind), which meets its goal.
pub const GOAL_FULL_BID: f64 = 0.98;

/// One bidding strategy's numbers over a window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StrategySummary {
    /// Mean number of active advertisers following the strategy, per day.
    pub advertisers: f64,
    /// Their spend per day (currency); over the strategies it sums to the revenue.
    pub spend_per_day: f64,
    /// Value of their clicks per day (currency).
    pub value_per_day: f64,
    /// Value / spend over the window (0 when nothing was spent).
    pub roi: f64,
    /// Spend / clicks over the window (0 without clicks).
    pub avg_cpc: f64,
    /// Spend / budget over the window (budgets of the days each advertiser was active).
    pub budget_utilisation: f64,
    /// Share of the strategy's advertisers that met their goal over the window (see the module
    /// docs); `None` (`null`) for `manual`, which has no goal, and when no advertiser followed
    /// the strategy in the window.
    pub goal_attainment: Option<f64>,
}

/// One advertiser's day, as the engine records it for the strategy summaries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AdvertiserDay {
    /// Index of the advertiser in the population.
    pub index: u32,
    /// Its bidding strategy.
    pub strategy: Strategy,
    /// Spend today.
    pub spend: f64,
    /// Value of today's clicks.
    pub value: f64,
    /// Today's expected clicks.
    pub clicks: f64,
    /// Today's budget.
    pub budget: f64,
    /// Its controller's bid multiplier at the end of the day (1 for `manual`).
    pub multiplier: f64,
}

/// An advertiser's (or a strategy's) totals over a window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WindowTotals {
    /// Spend.
    pub spend: f64,
    /// Value of clicks.
    pub value: f64,
    /// Expected clicks.
    pub clicks: f64,
    /// Sum of daily budgets over the days active.
    pub budget: f64,
    /// Days active.
    pub days: f64,
    /// Sum of the end-of-day bid multipliers over the days active.
    pub multiplier: f64,
}

impl WindowTotals {
    fn add(&mut self, t: &WindowTotals) {
        self.spend += t.spend;
        self.value += t.value;
        self.clicks += t.clicks;
        self.budget += t.budget;
        self.days += t.days;
        self.multiplier += t.multiplier;
    }
}

/// What the autobidders aim for: the configuration's targets and the max-clicks rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goals {
    /// `advertisers.target_roas`.
    pub target_roas: f64,
    /// `advertisers.target_cpc`.
    pub target_cpc: f64,
    /// `advertisers.max_clicks_rule` (the version-1 rule keeps the version-1 goal).
    pub max_clicks_rule: MaxClicksRule,
}

impl Goals {
    /// The goals of the advertisers `a`.
    pub fn of(a: &AdvertiserParams) -> Goals {
        Goals {
            target_roas: a.target_roas,
            target_cpc: a.target_cpc,
            max_clicks_rule: a.max_clicks_rule,
        }
    }
}

/// Whether an advertiser following `strategy` with window totals `t` met its goal (see the
/// module docs); `None` for `manual` and `learning_shading`, which have none.
pub fn goal_met(strategy: Strategy, t: &WindowTotals, goals: &Goals) -> Option<bool> {
    let Goals {
        target_roas,
        target_cpc,
        max_clicks_rule,
    } = *goals;
    let budget_spent = t.spend >= GOAL_BUDGET_SPENT * t.budget;
    match strategy {
        // Neither states a goal: manual bids a fixed rule, a learner maximises its surplus.
        Strategy::Manual | Strategy::LearningShading => None,
        Strategy::MaxClicks => Some(
            budget_spent
                || (max_clicks_rule == MaxClicksRule::OneHourSpendOut
                    && t.days > 0.0
                    && t.multiplier >= GOAL_FULL_BID * t.days),
        ),
        Strategy::TargetRoas => Some(
            t.spend > 0.0 && {
                let roi = t.value / t.spend;
                (roi - target_roas).abs() <= GOAL_TOLERANCE * target_roas
                    || (roi > target_roas && budget_spent)
            },
        ),
        Strategy::TargetCpc => {
            Some(t.clicks > 0.0 && t.spend / t.clicks <= (1.0 + GOAL_TOLERANCE) * target_cpc)
        }
    }
}

/// Folds the advertisers' days of a run into the three summary windows (first week, last week,
/// whole run, as [`super::summaries`] cuts them).
pub(crate) struct StrategyFold {
    /// Day indices (0-based, end exclusive) of each window.
    ranges: [(usize, usize); 3],
    /// The strategies of the mix, in name order.
    present: Vec<Strategy>,
    goals: Goals,
    /// Per window, per advertiser index: its strategy and totals.
    windows: [Vec<Option<(Strategy, WindowTotals)>>; 3],
}

impl StrategyFold {
    /// A fold for a run of `days` days with the advertisers `a`.
    pub fn new(days: usize, a: &AdvertiserParams) -> StrategyFold {
        let week = days.min(7);
        let mut present: Vec<Strategy> = Strategy::ALL.into_iter().filter(|&s| a.uses(s)).collect();
        present.sort_by_key(|s| s.as_str());
        StrategyFold {
            ranges: [(0, week), (days - week, days), (0, days)],
            present,
            goals: Goals::of(a),
            windows: Default::default(),
        }
    }

    /// Adds day `day` (0-based) of the run.
    pub fn add_day(&mut self, day: usize, records: &[AdvertiserDay]) {
        for (w, &(from, to)) in self.ranges.iter().enumerate() {
            if day < from || day >= to {
                continue;
            }
            let list = &mut self.windows[w];
            for r in records {
                let i = r.index as usize;
                if list.len() <= i {
                    list.resize(i + 1, None);
                }
                let entry = list[i].get_or_insert((r.strategy, WindowTotals::default()));
                entry.1.add(&WindowTotals {
                    spend: r.spend,
                    value: r.value,
                    clicks: r.clicks,
                    budget: r.budget,
                    days: 1.0,
                    multiplier: r.multiplier,
                });
            }
        }
    }

    /// The strategy summaries of each window, in the order first week, last week, whole run.
    pub fn finish(&self) -> [BTreeMap<String, StrategySummary>; 3] {
        std::array::from_fn(|w| {
            let (from, to) = self.ranges[w];
            let n = (to - from) as f64;
            self.present
                .iter()
                .map(|&s| {
                    let mut total = WindowTotals::default();
                    let (mut followers, mut met) = (0usize, 0usize);
                    for (_, t) in self.windows[w].iter().flatten().filter(|(k, _)| *k == s) {
                        total.add(t);
                        followers += 1;
                        if goal_met(s, t, &self.goals) == Some(true) {
                            met += 1;
                        }
                    }
                    let per_day = |x: f64| if n > 0.0 { x / n } else { 0.0 };
                    let summary = StrategySummary {
                        advertisers: per_day(total.days),
                        spend_per_day: per_day(total.spend),
                        value_per_day: per_day(total.value),
                        roi: ratio(total.value, total.spend),
                        avg_cpc: ratio(total.spend, total.clicks),
                        budget_utilisation: ratio(total.spend, total.budget),
                        goal_attainment: (s != Strategy::Manual && followers > 0)
                            .then(|| met as f64 / followers as f64),
                    };
                    (s.as_str().to_string(), summary)
                })
                .collect()
        })
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}
