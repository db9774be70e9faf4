//! Summary windows and metric names in text: `last_week.engagement_per_day` is the last week's
//! [`Summary::engagement_per_day`]. This is how sweeps, frontiers and objectives name what they
//! read from a run.

use std::fmt;
use std::str::FromStr;

use super::metric_table::{summary_rows, Metric, MetricRow};
use super::metrics::{Summaries, Summary};

/// A window of days that a run is summarised over (the fields of [`Summaries`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Window {
    /// Days 1–7 (or fewer): the short-run effect of a design.
    FirstWeek,
    /// The last 7 days (or fewer): where users and advertisers have adapted.
    LastWeek,
    /// Every day of the run.
    WholeRun,
}

impl Window {
    /// Every window, in the order of [`Summaries`]' fields.
    pub const ALL: [Window; 3] = [Window::FirstWeek, Window::LastWeek, Window::WholeRun];

    /// The window's name: its [`Summaries`] field name (`first_week`, `last_week`, `whole_run`).
    pub fn name(self) -> &'static str {
        match self {
            Window::FirstWeek => "first_week",
            Window::LastWeek => "last_week",
            Window::WholeRun => "whole_run",
        }
    }

    /// The window named `name`, if any.
    pub fn from_name(name: &str) -> Option<Window> {
        Window::ALL.into_iter().find(|w| w.name() == name)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Summaries {
    /// The summary over `window`.
    pub fn get(&self, window: Window) -> &Summary {
        match window {
            Window::FirstWeek => &self.first_week,
            Window::LastWeek => &self.last_week,
            Window::WholeRun => &self.whole_run,
        }
    }
}

/// A summary metric over a window, such as `last_week.engagement_per_day`: one number per run.
#[derive(Debug, Clone, Copy)]
pub struct WindowedMetric {
    /// The window.
    pub window: Window,
    /// The metric's row (always one with a summary value).
    pub row: &'static MetricRow,
    /// The row's summary accessor, unwrapped once here so reading cannot fail.
    read: fn(&Summary) -> f64,
}

impl PartialEq for WindowedMetric {
    fn eq(&self, other: &Self) -> bool {
        self.window == other.window && self.row.metric == other.row.metric
    }
}

impl WindowedMetric {
    /// `metric` over `window`, or `None` when the metric has no summary (a daily-only row).
    pub fn new(window: Window, metric: Metric) -> Option<WindowedMetric> {
        let row = metric.row();
        row.summary.map(|read| WindowedMetric { window, row, read })
    }

    /// Parses `window.key`, e.g. `last_week.engagement_per_day`: a [`Window`] name, a dot, and
    /// the key of a metric that has a summary ([`MetricRow::key`]). Names are exact
    /// (lower-case, no spaces).
    pub fn parse(text: &str) -> Result<WindowedMetric, WindowedMetricError> {
        let Some((window_name, key)) = text.split_once('.') else {
            return Err(WindowedMetricError::MissingDot {
                text: text.to_string(),
            });
        };
        let window =
            Window::from_name(window_name).ok_or_else(|| WindowedMetricError::UnknownWindow {
                text: text.to_string(),
                window: window_name.to_string(),
            })?;
        let unknown = |daily_only| WindowedMetricError::UnknownMetric {
            text: text.to_string(),
            metric: key.to_string(),
            daily_only,
        };
        let metric = Metric::from_key(key).ok_or_else(|| unknown(false))?;
        WindowedMetric::new(window, metric).ok_or_else(|| unknown(true))
    }

    /// The metric's value in `summaries` (over this window).
    pub fn value(&self, summaries: &Summaries) -> f64 {
        (self.read)(summaries.get(self.window))
    }
}

impl fmt::Display for WindowedMetric {
    /// The text [`WindowedMetric::parse`] reads back: `window.key`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.window.name(), self.row.key)
    }
}

impl FromStr for WindowedMetric {
    type Err = WindowedMetricError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        WindowedMetric::parse(text)
    }
}

/// Why a `window.metric` name could not be read. Every message names the text, the unknown
/// part, and the valid names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowedMetricError {
    /// No `.` between a window and a metric.
    MissingDot {
        /// The text given.
        text: String,
    },
    /// The part before the dot is not a window name.
    UnknownWindow {
        /// The text given.
        text: String,
        /// The part before the first dot.
        window: String,
    },
    /// The part after the dot is not the key of a metric with a summary.
    UnknownMetric {
        /// The text given.
        text: String,
        /// The part after the first dot.
        metric: String,
        /// The key is a metric with a daily series only (e.g. `positions_viewed`), which has
        /// no value per window.
        daily_only: bool,
    },
}

fn window_names() -> String {
    Window::ALL.map(Window::name).join(", ")
}

fn summary_keys() -> String {
    summary_rows()
        .map(|row| row.key)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for WindowedMetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WindowedMetricError::MissingDot { text } => write!(
                f,
                "`{text}` is not `window.metric` (e.g. `last_week.engagement_per_day`): windows \
                 are {}",
                window_names()
            ),
            WindowedMetricError::UnknownWindow { text, window } => write!(
                f,
                "unknown window `{window}` in `{text}`: windows are {}",
                window_names()
            ),
            WindowedMetricError::UnknownMetric {
                text,
                metric,
                daily_only,
            } => {
                write!(f, "unknown metric `{metric}` in `{text}`")?;
                if *daily_only {
                    write!(f, " (it is a daily series with no summary)")?;
                }
                write!(f, ": metrics are {}", summary_keys())
            }
        }
    }
}

impl std::error::Error for WindowedMetricError {}
