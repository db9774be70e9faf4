//! The "Promotional bandwidth" section: what the promoted class gets and what it costs everyone
//! else, per window, and the change against a pinned baseline that also reserved bandwidth
//! (a lower share, say). Pure, so the component only lays rows out.
//!
//! A baseline with promotional bandwidth off has no promoted-class records, so there is no
//! change to show: the section says so instead.

use super::format;
use crate::core::model::metrics::PromotionSummary;
use crate::core::model::{PromotionMetric, PromotionSide, RunResult, Window, PROMOTION_METRICS};

/// The metrics the section shows, in order (the fallback rate is left to the details).
pub fn shown_metrics() -> impl Iterator<Item = &'static PromotionMetric> {
    PROMOTION_METRICS
        .iter()
        .filter(|m| m.key != "fallback_rate")
}

/// One window of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct PromoCell {
    /// The window.
    pub window: Window,
    /// The value, `None` when undefined (a ratio with nothing to divide by).
    pub value: Option<f64>,
    /// The value as shown ("—" when undefined).
    pub text: String,
    /// The baseline's value, when a baseline with promotion on was pinned and it is defined.
    pub base: Option<f64>,
    /// The change against the baseline as shown (signed, and relative when defined).
    pub change: Option<String>,
}

/// One metric over the three windows.
#[derive(Debug, Clone, PartialEq)]
pub struct PromoRow {
    /// The metric.
    pub metric: &'static PromotionMetric,
    /// First week, last week, whole run.
    pub cells: Vec<PromoCell>,
}

/// The section's content.
#[derive(Debug, Clone, PartialEq)]
pub struct PromoSection {
    /// The promoted class's rows, then everyone else's.
    pub rows: Vec<PromoRow>,
    /// Whether a baseline was pinned but has no promotion records (off), so no change is shown.
    pub baseline_without_promotion: bool,
}

impl PromoSection {
    /// The rows on one side.
    pub fn side(&self, side: PromotionSide) -> impl Iterator<Item = &PromoRow> {
        self.rows.iter().filter(move |r| r.metric.side == side)
    }

    /// The cell of metric `key` over `window`, if shown.
    pub fn cell(&self, key: &str, window: Window) -> Option<&PromoCell> {
        self.rows
            .iter()
            .find(|r| r.metric.key == key)?
            .cells
            .iter()
            .find(|c| c.window == window)
    }
}

fn summary(s: &crate::core::model::metrics::PromotionSummaries, w: Window) -> &PromotionSummary {
    match w {
        Window::FirstWeek => &s.first_week,
        Window::LastWeek => &s.last_week,
        Window::WholeRun => &s.whole_run,
    }
}

/// The text of a value of `metric` ("—" when undefined).
pub fn value_text(metric: &PromotionMetric, value: Option<f64>) -> String {
    value.map_or_else(
        || format::UNDEFINED.to_string(),
        |x| format::show(metric.format, x),
    )
}

fn change_text(metric: &PromotionMetric, value: f64, base: f64) -> String {
    let diff = value - base;
    let abs = match metric.format {
        crate::core::model::Format::Percent => {
            let pp = 100.0 * diff;
            if pp > 0.0 {
                format!("+{pp:.2} pp")
            } else if pp < 0.0 {
                format!("−{:.2} pp", -pp)
            } else {
                "±0 pp".into()
            }
        }
        _ => format::signed(diff),
    };
    match format::relative_change(value, base) {
        Some(rel) if metric.format != crate::core::model::Format::Percent => {
            format!("{abs} ({rel})")
        }
        _ => abs,
    }
}

/// The section for `result` against `baseline` (if pinned); `None` when `result` has no
/// promotional bandwidth.
pub fn promotion_section(result: &RunResult, baseline: Option<&RunResult>) -> Option<PromoSection> {
    let s = result.summaries.promotion.as_ref()?;
    let base = baseline.and_then(|b| b.summaries.promotion.as_ref());
    let rows = shown_metrics()
        .map(|metric| PromoRow {
            metric,
            cells: Window::ALL
                .into_iter()
                .map(|window| {
                    let value = metric.value(summary(s, window));
                    let base_value = base.and_then(|b| metric.value(summary(b, window)));
                    PromoCell {
                        window,
                        value,
                        text: value_text(metric, value),
                        base: base_value,
                        change: value
                            .zip(base_value)
                            .map(|(v, b)| change_text(metric, v, b)),
                    }
                })
                .collect(),
        })
        .collect();
    Some(PromoSection {
        rows,
        baseline_without_promotion: baseline.is_some() && base.is_none(),
    })
}
