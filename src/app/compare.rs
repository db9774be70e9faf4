//! Comparing a design with the pinned baseline: what the change does in a short test and after
//! users and advertisers have adapted.
//!
//! [`compare`] gives, for every summary metric of the metric table, the design's value, the
//! baseline's value and the change (absolute and relative) in four windows ([`CompareWindow`]):
//! the first week, the test window (days 1 to N, what a two-week A/B test would read), the last
//! week and the whole run. Both runs share the seed's users and draws when their seeds are equal
//! (common random numbers), so the change is the design's effect, not noise.
//!
//! [`changed_knobs`] lists the knobs (and the list-valued fields) whose values differ, formatted
//! as the controls show them, so the page can say *what* was changed next to *what it did*.

use crate::app::format;
use crate::config::url::MAX_TEST_WINDOW_DAYS;
use crate::core::model::knobs::{table, Knob};
use crate::core::model::{
    summarise, summary_rows, DayMetrics, Metric, MetricRow, Params, RunResult, Summary, Window,
};

/// A window of days a comparison reads: the run's three summary [`Window`]s plus the test window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompareWindow {
    /// Days 1–7 (or fewer): the novelty effect.
    FirstWeek,
    /// Days 1–N, N the test window (clamped to the shorter run): what a test of that length reads.
    TestWindow,
    /// The last 7 days (or fewer) of each run: after users and advertisers have adapted.
    LastWeek,
    /// Every day of each run.
    WholeRun,
}

impl CompareWindow {
    /// Every window, in display order.
    pub const ALL: [CompareWindow; 4] = [
        CompareWindow::FirstWeek,
        CompareWindow::TestWindow,
        CompareWindow::LastWeek,
        CompareWindow::WholeRun,
    ];

    /// Stable name (`data-window` attributes): `first_week`, `test_window`, `last_week`,
    /// `whole_run`. The three run windows share their [`Window::name`].
    pub fn name(self) -> &'static str {
        match self {
            CompareWindow::FirstWeek => Window::FirstWeek.name(),
            CompareWindow::TestWindow => "test_window",
            CompareWindow::LastWeek => Window::LastWeek.name(),
            CompareWindow::WholeRun => Window::WholeRun.name(),
        }
    }

    /// The run's summary window this is, or `None` for the test window.
    pub fn run_window(self) -> Option<Window> {
        match self {
            CompareWindow::FirstWeek => Some(Window::FirstWeek),
            CompareWindow::TestWindow => None,
            CompareWindow::LastWeek => Some(Window::LastWeek),
            CompareWindow::WholeRun => Some(Window::WholeRun),
        }
    }

    /// A short label: `week 1`, `days 1–14` (the test window's days), `last week`, `whole run`.
    pub fn label(self, test_window_days: u32) -> String {
        match self {
            CompareWindow::FirstWeek => "week 1".into(),
            CompareWindow::TestWindow => test_window_label(test_window_days),
            CompareWindow::LastWeek => "last week".into(),
            CompareWindow::WholeRun => "whole run".into(),
        }
    }
}

/// `days 1–N` (`day 1` for one day).
pub fn test_window_label(days: u32) -> String {
    if days <= 1 {
        "day 1".into()
    } else {
        format!("days 1–{days}")
    }
}

/// The test window actually read: `requested` clamped to 1–[`MAX_TEST_WINDOW_DAYS`] and to the
/// shorter of the two runs (so both runs are read over the same days); 0 when a run is empty.
pub fn effective_test_window(requested: u32, design_days: usize, baseline_days: usize) -> u32 {
    let shorter = u32::try_from(design_days.min(baseline_days)).unwrap_or(u32::MAX);
    requested.clamp(1, MAX_TEST_WINDOW_DAYS).min(shorter)
}

/// The summary of days 1–`n` of `days` (all of them when there are fewer).
pub fn first_days(days: &[DayMetrics], n: u32) -> Summary {
    let n = usize::try_from(n).unwrap_or(usize::MAX).min(days.len());
    summarise(&days[..n])
}

/// The summary of `result` over `window`, the test window being days 1–`test_window_days`.
pub fn window_summary(result: &RunResult, window: CompareWindow, test_window_days: u32) -> Summary {
    match window.run_window() {
        Some(w) => result.summaries.get(w).clone(),
        None => first_days(&result.days, test_window_days),
    }
}

/// The change of one metric in one window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delta {
    /// The design's value.
    pub design: f64,
    /// The baseline's value.
    pub baseline: f64,
}

impl Delta {
    /// `design − baseline`.
    pub fn absolute(&self) -> f64 {
        self.design - self.baseline
    }

    /// `(design − baseline) / |baseline|`, or `None` when the baseline is 0 or a value is not
    /// finite.
    pub fn relative(&self) -> Option<f64> {
        if self.baseline == 0.0 || !self.baseline.is_finite() || !self.design.is_finite() {
            None
        } else {
            Some((self.design - self.baseline) / self.baseline.abs())
        }
    }

    /// The change as text: the relative change (`+12.3%`), or the absolute one (`+0.5`) when the
    /// relative one is undefined.
    pub fn text(&self) -> String {
        format::relative_change(self.design, self.baseline)
            .unwrap_or_else(|| format::signed(self.absolute()))
    }
}

/// One metric compared in every window.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricComparison {
    /// The metric's row.
    pub metric: Metric,
    /// The change in each window, in the order of [`CompareWindow::ALL`].
    pub deltas: [Delta; 4],
}

impl MetricComparison {
    /// The metric's row in the metric table.
    pub fn row(&self) -> &'static MetricRow {
        self.metric.row()
    }

    /// The change in `window`.
    pub fn delta(&self, window: CompareWindow) -> &Delta {
        &self.deltas[window as usize]
    }
}

/// The days a window covers in each run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First day (from 1), 0 for an empty window.
    pub from_day: u32,
    /// Last day.
    pub to_day: u32,
}

impl Span {
    fn of(summary: &Summary) -> Span {
        Span {
            from_day: summary.from_day,
            to_day: summary.to_day,
        }
    }

    /// `days 1–7` (`day 5` for one day; empty for an empty window).
    pub fn text(&self) -> String {
        match (self.from_day, self.to_day) {
            (0, _) => String::new(),
            (a, b) if a == b => format!("day {a}"),
            (a, b) => format!("days {a}–{b}"),
        }
    }
}

/// A design compared with a baseline: every summary metric in every window.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The test window read (see [`effective_test_window`]).
    pub test_window_days: u32,
    /// The days each window covers in the design's run, in the order of [`CompareWindow::ALL`].
    pub design_spans: [Span; 4],
    /// The days each window covers in the baseline's run (they differ from the design's only in
    /// the last week and the whole run, when the runs have different lengths).
    pub baseline_spans: [Span; 4],
    /// Every summary metric, in metric-table order.
    pub metrics: Vec<MetricComparison>,
}

impl Comparison {
    /// The comparison of `metric`, if it has a summary value.
    pub fn metric(&self, metric: Metric) -> Option<&MetricComparison> {
        self.metrics.iter().find(|m| m.metric == metric)
    }

    /// The label of `window` for this comparison (`days 1–14` for the test window read).
    pub fn label(&self, window: CompareWindow) -> String {
        window.label(self.test_window_days)
    }
}

/// Compares `design` with `baseline` over the four windows; the test window is days 1 to
/// `test_window_days`, clamped as [`effective_test_window`] says.
pub fn compare(design: &RunResult, baseline: &RunResult, test_window_days: u32) -> Comparison {
    let n = effective_test_window(test_window_days, design.days.len(), baseline.days.len());
    let windows = |result: &RunResult| CompareWindow::ALL.map(|w| window_summary(result, w, n));
    let (ours, theirs) = (windows(design), windows(baseline));
    let metrics = summary_rows()
        .filter_map(|row| {
            let read = row.summary?;
            Some(MetricComparison {
                metric: row.metric,
                deltas: std::array::from_fn(|i| Delta {
                    design: read(&ours[i]),
                    baseline: read(&theirs[i]),
                }),
            })
        })
        .collect();
    Comparison {
        test_window_days: n,
        design_spans: std::array::from_fn(|i| Span::of(&ours[i])),
        baseline_spans: std::array::from_fn(|i| Span::of(&theirs[i])),
        metrics,
    }
}

/// A knob (or list-valued field) whose value differs between the design and the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnobChange {
    /// The knob, or `None` for a list-valued field (per-category reserves, user segments).
    pub knob: Option<Knob>,
    /// Its link key (`every`, `reserve_cat`, `segments`).
    pub key: &'static str,
    /// Its label, as next to its control.
    pub label: &'static str,
    /// The baseline's value, as the control shows it.
    pub baseline: String,
    /// The design's value, as the control shows it.
    pub design: String,
}

impl KnobChange {
    /// `label: baseline → design`.
    pub fn text(&self) -> String {
        format!("{}: {} → {}", self.label, self.baseline, self.design)
    }
}

/// A knob's value as its control shows it; the seed exactly (a `u64` may exceed `f64`'s
/// integers).
fn knob_text(knob: Knob, params: &Params) -> String {
    let spec = knob.spec();
    if knob == Knob::Seed {
        return params.sim.seed.to_string();
    }
    format::param_value(spec, &(spec.get)(params))
}

/// The knobs whose values differ between `design` and `baseline`, in the knob table's order,
/// then the per-category reserves and the user segments when those differ.
pub fn changed_knobs(design: &Params, baseline: &Params) -> Vec<KnobChange> {
    let mut changes: Vec<KnobChange> = table()
        .iter()
        .filter(|spec| {
            if spec.id == Knob::Seed {
                design.sim.seed != baseline.sim.seed
            } else {
                (spec.get)(design) != (spec.get)(baseline)
            }
        })
        .map(|spec| KnobChange {
            knob: Some(spec.id),
            key: spec.url,
            label: spec.label,
            baseline: knob_text(spec.id, baseline),
            design: knob_text(spec.id, design),
        })
        .collect();
    let (ours, theirs) = (
        &design.auction.reserve_by_category,
        &baseline.auction.reserve_by_category,
    );
    if ours != theirs {
        let text = |reserves: &[f64]| {
            if reserves.is_empty() {
                "none".to_string()
            } else {
                reserves
                    .iter()
                    .map(|r| format::number(*r))
                    .collect::<Vec<_>>()
                    .join(" / ")
            }
        };
        changes.push(KnobChange {
            knob: None,
            key: crate::config::url::RESERVE_CAT_KEY,
            label: "Reserves by category",
            baseline: text(theirs),
            design: text(ours),
        });
    }
    if design.users.segments != baseline.users.segments {
        let names = |params: &Params| {
            params
                .users
                .segments
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let (ours, theirs) = (names(design), names(baseline));
        let (baseline_text, design_text) = if ours == theirs {
            // Same segments, other numbers.
            (theirs, format!("{ours}, edited"))
        } else {
            (theirs, ours)
        };
        changes.push(KnobChange {
            knob: None,
            key: crate::config::url::SEGMENTS_KEY,
            label: "User segments",
            baseline: baseline_text,
            design: design_text,
        });
    }
    changes
}

/// One line on what separates the design from the baseline: the changed knobs
/// (`Ad every: 6 positions → 3 positions`), `same design, other seed (seed 1 → 2)` when only the
/// seed differs, or `same configuration` when nothing does.
pub fn difference_text(design: &Params, baseline: &Params) -> String {
    let changes = changed_knobs(design, baseline);
    match changes.as_slice() {
        [] => "same configuration".into(),
        [only] if only.knob == Some(Knob::Seed) => format!(
            "same design, other seed ({} → {})",
            only.baseline, only.design
        ),
        _ => changes
            .iter()
            .map(KnobChange::text)
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_window_is_clamped_to_the_shorter_run_and_to_at_least_one_day() {
        assert_eq!(effective_test_window(14, 60, 60), 14);
        assert_eq!(effective_test_window(14, 10, 60), 10);
        assert_eq!(effective_test_window(14, 60, 9), 9);
        assert_eq!(effective_test_window(0, 60, 60), 1);
        assert_eq!(
            effective_test_window(10_000, 400, 400),
            MAX_TEST_WINDOW_DAYS
        );
        assert_eq!(effective_test_window(14, 0, 60), 0);
    }

    #[test]
    fn labels() {
        assert_eq!(CompareWindow::TestWindow.label(14), "days 1–14");
        assert_eq!(CompareWindow::TestWindow.label(1), "day 1");
        assert_eq!(CompareWindow::FirstWeek.label(14), "week 1");
        assert_eq!(
            CompareWindow::ALL.map(CompareWindow::name),
            ["first_week", "test_window", "last_week", "whole_run"]
        );
        assert_eq!(
            Span {
                from_day: 3,
                to_day: 3
            }
            .text(),
            "day 3"
        );
        assert_eq!(
            Span {
                from_day: 1,
                to_day: 7
            }
            .text(),
            "days 1–7"
        );
        assert_eq!(
            Span {
                from_day: 0,
                to_day: 0
            }
            .text(),
            ""
        );
    }

    #[test]
    fn relative_change_is_undefined_on_a_zero_baseline() {
        let d = Delta {
            design: 2.5,
            baseline: 0.0,
        };
        assert_eq!(d.relative(), None);
        assert_eq!(d.absolute(), 2.5);
        // The absolute change stands in for the undefined relative one.
        assert_eq!(d.text(), "+2.500");
        let d = Delta {
            design: 90.0,
            baseline: -100.0,
        };
        // Against a negative baseline, a rise is still a positive change.
        assert_eq!(d.relative(), Some(1.9));
    }
}
