//! The first step: a short panel for first-time visitors with a few questions, each one click
//! away. A question loads a preset (and, where a comparison answers it, pins another preset as
//! the baseline first); once its results are on screen it ends with one sentence on what to
//! notice, computed from those results.
//!
//! The panel's state (open or dismissed) is remembered by the browser (see `crate::ui`); its
//! logic is here, native and tested (`tests/app_honest.rs`).

use super::format;
use super::state::{Action, AppState, Computed};
use crate::config::presets::preset;
use crate::core::model::{RunResult, Summary};

/// Where the browser remembers that the panel was dismissed (`localStorage`).
pub const STORAGE_KEY: &str = "sandbox.first_step.dismissed";

/// One question of the first step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    /// Stable id (`data-question` in the page).
    pub id: &'static str,
    /// The question as shown.
    pub text: &'static str,
    /// The preset that answers it.
    pub preset: &'static str,
    /// The preset pinned as the baseline first, if the answer is a comparison.
    pub baseline: Option<&'static str>,
}

/// The questions, in display order.
pub const QUESTIONS: [Question; 4] = [
    Question {
        id: "ad_load",
        text: "What does more ad load cost, short vs long term?",
        preset: "aggressive_load",
        baseline: Some("balanced"),
    },
    Question {
        id: "launch",
        text: "What does a new ad format do to incumbents?",
        preset: "launch",
        baseline: Some("balanced"),
    },
    Question {
        id: "reserve",
        text: "Which reserve maximises revenue?",
        preset: "high_reserve",
        baseline: Some("balanced"),
    },
    Question {
        id: "churn",
        text: "What if advertisers leave when their return is poor?",
        preset: "advertiser_churn",
        baseline: Some("balanced"),
    },
];

/// The question with this id.
pub fn question(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

/// The app actions that load `q`: pin its baseline preset (or clear the baseline), then load its
/// preset.
pub fn ask(q: &Question) -> Vec<Action> {
    match q.baseline {
        Some(base) => vec![
            Action::ApplyPreset(base),
            Action::PinBaseline,
            Action::ApplyPreset(q.preset),
        ],
        None => vec![Action::ClearBaseline, Action::ApplyPreset(q.preset)],
    }
}

/// The question whose configuration (preset and baseline) the app shows, if any.
pub fn active(state: &AppState) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| {
        state.preset == Some(q.preset)
            && match q.baseline {
                Some(base) => match (preset(base), state.baseline.as_deref()) {
                    (Some(p), Some(b)) => (p.params)() == *b,
                    _ => false,
                },
                None => state.baseline.is_none(),
            }
    })
}

/// The panel: open for first-time visitors, closed once dismissed (remembered), reopened from
/// the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstStep {
    /// Whether the panel is shown.
    pub open: bool,
}

/// What can happen to the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstStepAction {
    /// Close it (and remember).
    Dismiss,
    /// Show it again (from the header).
    Reopen,
}

impl FirstStep {
    /// The panel for a visitor: open unless dismissed before (`stored` is the value kept under
    /// [`STORAGE_KEY`], if any).
    pub fn new(stored: Option<&str>) -> FirstStep {
        FirstStep {
            open: stored != Some("1"),
        }
    }

    /// The panel after `action`.
    pub fn reduce(self, action: FirstStepAction) -> FirstStep {
        match action {
            FirstStepAction::Dismiss => FirstStep { open: false },
            FirstStepAction::Reopen => FirstStep { open: true },
        }
    }

    /// The value to keep under [`STORAGE_KEY`]: `Some("1")` once dismissed, `None` (remove it)
    /// while open.
    pub fn stored(self) -> Option<&'static str> {
        (!self.open).then_some("1")
    }
}

/// A relative change as text (`+12.3%`), or "no change measurable" when the base is 0.
fn change(value: f64, base: f64) -> String {
    format::relative_change(value, base).unwrap_or_else(|| format::signed(value - base))
}

fn incumbent_spend(s: &Summary, r: &RunResult) -> f64 {
    // Incumbents' spend per day over the summary's window (groups 0–2 of the spend split).
    let days = r
        .days
        .iter()
        .filter(|d| d.day >= s.from_day && d.day <= s.to_day);
    let (sum, n) = days.fold((0.0, 0u32), |(sum, n), d| {
        (sum + d.spend_by_group[..3].iter().sum::<f64>(), n + 1)
    });
    if n == 0 {
        0.0
    } else {
        sum / f64::from(n)
    }
}

fn cohort_share(s: &Summary, r: &RunResult) -> f64 {
    let (cohort, total) = r
        .days
        .iter()
        .filter(|d| d.day >= s.from_day && d.day <= s.to_day)
        .fold((0.0, 0.0), |(c, t), d| {
            (
                c + d.spend_by_group[3],
                t + d.spend_by_group.iter().sum::<f64>(),
            )
        });
    if total > 0.0 {
        cohort / total
    } else {
        0.0
    }
}

/// What to notice in the results on screen for `q`: one sentence with the shown numbers. `None`
/// until the results answer the question's configuration (preset and baseline).
pub fn notice(q: &Question, computed: &Computed) -> Option<String> {
    let params = (preset(q.preset)?.params)();
    if *computed.params != params {
        return None;
    }
    let run = &computed.result;
    let base = match q.baseline {
        Some(_) => Some(computed.baseline_result.as_deref()?),
        None => None,
    };
    let (first, last) = (&run.summaries.first_week, &run.summaries.last_week);
    Some(match (q.id, base) {
        ("ad_load", Some(b)) => {
            let (bf, bl) = (&b.summaries.first_week, &b.summaries.last_week);
            let eng_first = first.engagement_per_day - bf.engagement_per_day;
            let eng_last = last.engagement_per_day - bl.engagement_per_day;
            let trend = if eng_last.abs() > eng_first.abs() {
                "the engagement cost grows as users tire"
            } else {
                "the engagement cost does not grow over the run"
            };
            format!(
                "Against the baseline, revenue is {} in the first week and {} in the last, while \
                 engagement is {} then {}: {trend}.",
                change(first.revenue_per_day, bf.revenue_per_day),
                change(last.revenue_per_day, bl.revenue_per_day),
                change(first.engagement_per_day, bf.engagement_per_day),
                change(last.engagement_per_day, bl.engagement_per_day),
            )
        }
        ("launch", Some(b)) => {
            let day = params.launch.day;
            let before = &run.summaries.first_week;
            format!(
                "From day {day} the new cohort takes {} of spend in the last week; incumbents' \
                 spend per day is {} against the baseline's last week (it was {} in the first \
                 week), and their cost per click went from {} to {}.",
                format::percent(cohort_share(last, run)),
                change(
                    incumbent_spend(last, run),
                    incumbent_spend(&b.summaries.last_week, b)
                ),
                change(
                    incumbent_spend(before, run),
                    incumbent_spend(&b.summaries.first_week, b)
                ),
                format::number(incumbent_cpc(run, before)),
                format::number(incumbent_cpc(run, last)),
            )
        }
        ("reserve", Some(b)) => {
            let (w, bw) = (&run.summaries.whole_run, &b.summaries.whole_run);
            let base_reserve = (preset(q.baseline?)?.params)().auction.reserve;
            let verdict = if w.revenue_per_day > bw.revenue_per_day {
                "raises"
            } else {
                "lowers"
            };
            let (ads, base_ads) = (
                format::number(w.ads_per_session),
                format::number(bw.ads_per_session),
            );
            let ads = if ads == base_ads {
                format!("the same {ads} ads per session")
            } else {
                format!("{ads} ads per session instead of {base_ads}")
            };
            format!(
                "A reserve of {:.2} {verdict} revenue to {} per day from {} at {:.2} ({}), with \
                 {} of clicks priced at the reserve and {ads}: move the reserve slider to find \
                 the peak.",
                params.auction.reserve,
                format::number(w.revenue_per_day),
                format::number(bw.revenue_per_day),
                base_reserve,
                change(w.revenue_per_day, bw.revenue_per_day),
                format::percent(w.reserve_binding_rate),
            )
        }
        ("churn", Some(b)) => {
            let w = &run.summaries.whole_run;
            format!(
                "Active advertisers go from {} in the first week to {} in the last ({} left, {} \
                 joined) against {} in the baseline, and last-week revenue is {} against it.",
                format::number(first.active_advertisers),
                format::number(last.active_advertisers),
                format::count(u64::from(w.churned_advertisers)),
                format::count(u64::from(w.new_advertisers)),
                format::number(b.summaries.last_week.active_advertisers),
                change(last.revenue_per_day, b.summaries.last_week.revenue_per_day),
            )
        }
        _ => return None,
    })
}

/// Incumbents' cost per click over the summary's window.
fn incumbent_cpc(r: &RunResult, s: &Summary) -> f64 {
    let (spend, weighted) = r
        .days
        .iter()
        .filter(|d| d.day >= s.from_day && d.day <= s.to_day)
        .fold((0.0, 0.0), |(sp, cl), d| {
            let spend: f64 = d.spend_by_group[..3].iter().sum();
            // Clicks from spend and CPC: the day's incumbent CPC is spend / clicks.
            let clicks = if d.incumbent_cpc > 0.0 {
                spend / d.incumbent_cpc
            } else {
                0.0
            };
            (sp + spend, cl + clicks)
        });
    if weighted > 0.0 {
        spend / weighted
    } else {
        f64::NAN
    }
}
