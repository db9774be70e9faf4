//! The charts panel as data: sections of charts with their event markers and shaded bands.

use super::hourly::{hourly_spend_chart, pacing_label};
use super::{daily_charts, group_charts, lift_chart, Band, ChartSpec, Marker};
use crate::core::model::{Params, RunResult};

/// Events and spans drawn on every daily chart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Annotations {
    /// The design's launch day, when the launch is on and falls within the run.
    pub launch_day: Option<u32>,
    /// The baseline's launch day, when it has one that differs from the design's.
    pub baseline_launch_day: Option<u32>,
    /// Days of the comparison's test window (days 1 to N), shaded when a baseline is pinned.
    pub test_window_days: u32,
    /// How the design paces (`multiplicative`, `throttling`, `none` or `off`), for the hourly
    /// spend chart's title.
    pub pacing: &'static str,
    /// How the baseline paces, when one is pinned.
    pub baseline_pacing: Option<&'static str>,
}

/// The launch day of `params`, when the launch acts (on, and within the run).
fn launch_day(params: &Params) -> Option<u32> {
    (params.launch.enabled && params.launch.day <= params.sim.days).then_some(params.launch.day)
}

impl Annotations {
    /// The annotations of a design (and its pinned baseline) with a test window of
    /// `test_window_days`.
    pub fn new(params: &Params, baseline: Option<&Params>, test_window_days: u32) -> Annotations {
        let launch = launch_day(params);
        Annotations {
            launch_day: launch,
            baseline_launch_day: baseline.and_then(launch_day).filter(|&d| Some(d) != launch),
            test_window_days,
            pacing: pacing_label(params),
            baseline_pacing: baseline.map(pacing_label),
        }
    }

    /// Adds the markers (launch days; the test window's end when `comparing`) and the test
    /// window's band (when `comparing`) to `spec`. Day boundaries sit half-way between day
    /// points: the launch takes effect at the start of its day (x = day − ½, never before the
    /// first day) and the window covers days 1 to N whole (x from ½ to N + ½).
    pub fn apply(&self, spec: &mut ChartSpec, comparing: bool) {
        let start_of = |day: u32| (f64::from(day) - 0.5).max(1.0);
        if comparing && self.test_window_days > 0 {
            let n = self.test_window_days;
            spec.bands.push(Band {
                from: 0.5,
                to: f64::from(n) + 0.5,
                label: format!("Test window (days 1–{n})"),
            });
            spec.markers.push(Marker {
                x: f64::from(n) + 0.5,
                label: "Test window ends".into(),
            });
        }
        if let Some(day) = self.launch_day {
            spec.markers.push(Marker {
                x: start_of(day),
                label: format!("Launch (day {day})"),
            });
        }
        if let Some(day) = self.baseline_launch_day {
            spec.markers.push(Marker {
                x: start_of(day),
                label: format!("Baseline launch (day {day})"),
            });
        }
    }
}

/// A titled group of charts, shown as one grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Stable id (`lift`, `daily`, `groups`), for DOM ids and tests.
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
    /// The charts, in display order.
    pub charts: Vec<ChartSpec>,
}

/// Every chart of the charts panel, in sections, annotated:
///
/// 1. with a baseline pinned, "Against the baseline": the [`lift_chart`];
/// 2. "Daily metrics": [`daily_charts`] but the spend chart;
/// 3. "Spend through the day" (`hourly`): the [`hourly_spend_chart`], when the runs recorded
///    hourly spend;
/// 4. "Advertiser groups": spend, then [`group_charts`] (price per click, clicks).
///
/// Every daily chart gets the launch marker(s); with a baseline, the test window's band and
/// end. The hourly chart's x is the hour of the day, so it gets neither.
pub fn chart_sections(
    result: &RunResult,
    baseline: Option<&RunResult>,
    annotations: &Annotations,
) -> Vec<Section> {
    let comparing = baseline.is_some();
    let mut daily = daily_charts(result, baseline);
    let spend = daily.pop();
    let mut sections = Vec::new();
    if let Some(base) = baseline {
        sections.push(Section {
            id: "lift",
            title: "Against the baseline",
            charts: vec![lift_chart(result, base)],
        });
    }
    sections.push(Section {
        id: "daily",
        title: "Daily metrics",
        charts: daily,
    });
    let hourly = hourly_spend_chart(
        result,
        baseline,
        (annotations.pacing, annotations.baseline_pacing),
    );
    sections.push(Section {
        id: "groups",
        title: "Advertiser groups",
        charts: spend
            .into_iter()
            .chain(group_charts(result, baseline))
            .collect(),
    });
    for section in &mut sections {
        for chart in &mut section.charts {
            annotations.apply(chart, comparing);
        }
    }
    if let Some(chart) = hourly {
        let groups = sections.len() - 1;
        sections.insert(
            groups,
            Section {
                id: "hourly",
                title: "Spend through the day",
                charts: vec![chart],
            },
        );
    }
    sections
}
