//! Summary windows and metric names in text: `last_week.engagement_per_day` is the last week's
//! [`Summary::engagement_per_day`]; `promotion.last_week.promoted_roi` is the last week's
//! [`PromotionSummary::promoted_roi`](super::metrics::PromotionSummary::promoted_roi), there only
//! when promotional bandwidth is on ([`super::promotion_metrics`]). This is how sweeps, frontiers
//! and objectives name what they read from a run.

use std::fmt;
use std::str::FromStr;

use super::metric_table::{summary_rows, Direction, Metric, MetricRow};
use super::metrics::{PromotionSummaries, PromotionSummary, Summaries, Summary};
use super::promotion_metrics::{PromotionMetric, PromotionSide, PROMOTION_METRICS};

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

impl PromotionSummaries {
    /// The promotion summary over `window`.
    pub fn get(&self, window: Window) -> &PromotionSummary {
        match window {
            Window::FirstWeek => &self.first_week,
            Window::LastWeek => &self.last_week,
            Window::WholeRun => &self.whole_run,
        }
    }
}

/// What a [`WindowedMetric`] reads.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A metric table row with a summary; its accessor unwrapped once so reading cannot fail.
    Summary(&'static MetricRow, fn(&Summary) -> f64),
    /// A promotion metric (present only in runs with promotional bandwidth).
    Promotion(&'static PromotionMetric),
}

/// A summary metric over a window, such as `last_week.engagement_per_day` or
/// `promotion.last_week.promoted_roi`: one number per run.
#[derive(Debug, Clone, Copy)]
pub struct WindowedMetric {
    /// The window.
    pub window: Window,
    source: Source,
}

impl PartialEq for WindowedMetric {
    fn eq(&self, other: &Self) -> bool {
        self.window == other.window && self.key() == other.key()
    }
}

impl WindowedMetric {
    /// `metric` over `window`, or `None` when the metric has no summary (a daily-only row).
    pub fn new(window: Window, metric: Metric) -> Option<WindowedMetric> {
        let row = metric.row();
        row.summary.map(|read| WindowedMetric {
            window,
            source: Source::Summary(row, read),
        })
    }

    /// The promotion metric `metric` over `window`.
    pub fn promotion(window: Window, metric: &'static PromotionMetric) -> WindowedMetric {
        WindowedMetric {
            window,
            source: Source::Promotion(metric),
        }
    }

    /// The same metric over `window`.
    pub fn in_window(&self, window: Window) -> WindowedMetric {
        WindowedMetric { window, ..*self }
    }

    /// The metric table row, for a summary metric (`None` for a promotion metric).
    pub fn row(&self) -> Option<&'static MetricRow> {
        match self.source {
            Source::Summary(row, _) => Some(row),
            Source::Promotion(_) => None,
        }
    }

    /// The promotion metric, for a `promotion.window.key` name.
    pub fn promotion_metric(&self) -> Option<&'static PromotionMetric> {
        match self.source {
            Source::Summary(..) => None,
            Source::Promotion(m) => Some(m),
        }
    }

    /// Whether the value exists only in runs with promotional bandwidth (`promotion.enabled`).
    pub fn needs_promotion(&self) -> bool {
        matches!(self.source, Source::Promotion(_))
    }

    /// The metric's key without the window: the row's key, or `promotion.` and the promotion
    /// metric's key.
    pub fn key(&self) -> String {
        match self.source {
            Source::Summary(row, _) => row.key.to_string(),
            Source::Promotion(m) => format!("promotion.{}", m.key),
        }
    }

    /// Label for charts and tables.
    pub fn label(&self) -> String {
        match self.source {
            Source::Summary(row, _) => row.label.to_string(),
            Source::Promotion(m) => format!("{}: {}", side_label(m.side), m.label),
        }
    }

    /// Unit, if any (empty for promotion metrics, which carry theirs in the label).
    pub fn unit(&self) -> &'static str {
        match self.source {
            Source::Summary(row, _) => row.unit,
            Source::Promotion(_) => "",
        }
    }

    /// Which way is good news.
    pub fn direction(&self) -> Direction {
        match self.source {
            Source::Summary(row, _) => row.direction,
            Source::Promotion(m) => m.direction,
        }
    }

    /// Why the metric has the direction it has.
    pub fn direction_note(&self) -> &'static str {
        match self.source {
            Source::Summary(row, _) => row.direction_note,
            Source::Promotion(m) => match (m.side, m.direction) {
                (_, Direction::Neither) => {
                    "a volume or a share whose level is a trade-off between the promoted class \
                     and everyone else"
                }
                (PromotionSide::Promoted, _) => "good news for the promoted class",
                (PromotionSide::Others, _) => "good news for the advertisers not promoted",
            },
        }
    }

    /// Parses `window.key`, e.g. `last_week.engagement_per_day`: a [`Window`] name, a dot, and
    /// the key of a metric that has a summary ([`MetricRow::key`]); or `promotion.window.key`,
    /// e.g. `promotion.last_week.promoted_roi`, with the key of a [`PromotionMetric`]. Names are
    /// exact (lower-case, no spaces).
    pub fn parse(text: &str) -> Result<WindowedMetric, WindowedMetricError> {
        if let Some(rest) = text.strip_prefix("promotion.") {
            let (window_name, key) = rest.split_once('.').unwrap_or((rest, ""));
            let window = Window::from_name(window_name).ok_or_else(|| {
                WindowedMetricError::UnknownWindow {
                    text: text.to_string(),
                    window: window_name.to_string(),
                }
            })?;
            let metric = PromotionMetric::from_key(key).ok_or_else(|| {
                WindowedMetricError::UnknownPromotionMetric {
                    text: text.to_string(),
                    metric: key.to_string(),
                }
            })?;
            return Ok(WindowedMetric::promotion(window, metric));
        }
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

    /// The metric's value in `summaries` (over this window), or `None` for a promotion metric
    /// of a run without promotional bandwidth. A promotion ratio with nothing to divide by reads
    /// as the engine stores it (0), as `sandbox simulate --summary` prints it.
    pub fn try_value(&self, summaries: &Summaries) -> Option<f64> {
        match self.source {
            Source::Summary(_, read) => Some(read(summaries.get(self.window))),
            Source::Promotion(m) => summaries
                .promotion
                .as_ref()
                .map(|p| (m.read)(p.get(self.window))),
        }
    }

    /// The metric's value in `summaries` (over this window); NaN for a promotion metric of a
    /// run without promotional bandwidth (specs refuse such names up front).
    pub fn value(&self, summaries: &Summaries) -> f64 {
        self.try_value(summaries).unwrap_or(f64::NAN)
    }
}

fn side_label(side: PromotionSide) -> &'static str {
    match side {
        PromotionSide::Promoted => "Promoted class",
        PromotionSide::Others => "Other advertisers",
    }
}

impl fmt::Display for WindowedMetric {
    /// The text [`WindowedMetric::parse`] reads back: `window.key` or `promotion.window.key`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.source {
            Source::Summary(row, _) => write!(f, "{}.{}", self.window.name(), row.key),
            Source::Promotion(m) => write!(f, "promotion.{}.{}", self.window.name(), m.key),
        }
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
    /// The part after `promotion.window.` is not the key of a promotion metric.
    UnknownPromotionMetric {
        /// The text given.
        text: String,
        /// The part after the window.
        metric: String,
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
            WindowedMetricError::UnknownPromotionMetric { text, metric } => write!(
                f,
                "unknown promotion metric `{metric}` in `{text}` (names are \
                 `promotion.window.metric`, e.g. `promotion.last_week.promoted_roi`): metrics \
                 are {}",
                PROMOTION_METRICS.map(|m| m.key).join(", ")
            ),
        }
    }
}

impl std::error::Error for WindowedMetricError {}
