//! The promotional-bandwidth metrics by name: what the promoted class gets and what it costs
//! everyone else, read from a [`PromotionSummary`]. The app's section and `promotion.window.key`
//! names (see [`super::window`]) both read this table.

use super::metric_table::{Direction, Format};
use super::metrics::PromotionSummary;

/// Whose number a promotion metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromotionSide {
    /// The promoted class.
    Promoted,
    /// Every other advertiser.
    Others,
}

/// One promotion metric.
#[derive(Debug, Clone, Copy)]
pub struct PromotionMetric {
    /// Stable key: the [`PromotionSummary`] field name.
    pub key: &'static str,
    /// Short label.
    pub label: &'static str,
    /// Whose number it is.
    pub side: PromotionSide,
    /// How it is shown.
    pub format: Format,
    /// Which way is good news for the advertisers it describes.
    pub direction: Direction,
    /// Reads the value.
    pub read: fn(&PromotionSummary) -> f64,
    /// Whether the value is a ratio with nothing to divide by (stored as 0 by the engine).
    pub undefined: fn(&PromotionSummary) -> bool,
}

impl PartialEq for PromotionMetric {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl PromotionMetric {
    /// The value in `summary`, or `None` when it is a ratio with no denominator.
    pub fn value(&self, summary: &PromotionSummary) -> Option<f64> {
        (!(self.undefined)(summary)).then(|| (self.read)(summary))
    }

    /// The metric keyed `key`, if any.
    pub fn from_key(key: &str) -> Option<&'static PromotionMetric> {
        PROMOTION_METRICS.iter().find(|m| m.key == key)
    }
}

fn never(_: &PromotionSummary) -> bool {
    false
}

/// The metrics, in display order: the promoted class's, then everyone else's.
pub const PROMOTION_METRICS: [PromotionMetric; 8] = [
    PromotionMetric {
        key: "promoted_impression_share",
        label: "Impression share",
        side: PromotionSide::Promoted,
        format: Format::Percent,
        direction: Direction::HigherIsBetter,
        read: |s| s.promoted_impression_share,
        undefined: |s| s.promoted_impressions_per_day + s.others_impressions_per_day == 0.0,
    },
    PromotionMetric {
        key: "promoted_spend_per_day",
        label: "Spend / day",
        side: PromotionSide::Promoted,
        format: Format::Number,
        direction: Direction::Neither,
        read: |s| s.promoted_spend_per_day,
        undefined: never,
    },
    PromotionMetric {
        key: "promoted_cpc",
        label: "Price per click",
        side: PromotionSide::Promoted,
        format: Format::Number,
        direction: Direction::LowerIsBetter,
        read: |s| s.promoted_cpc,
        undefined: |s| s.promoted_clicks_per_day == 0.0,
    },
    PromotionMetric {
        key: "promoted_roi",
        label: "ROI",
        side: PromotionSide::Promoted,
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        read: |s| s.promoted_roi,
        undefined: |s| s.promoted_spend_per_day == 0.0,
    },
    PromotionMetric {
        key: "others_revenue_per_day",
        label: "Revenue from them / day",
        side: PromotionSide::Others,
        format: Format::Number,
        direction: Direction::Neither,
        read: |s| s.others_revenue_per_day,
        undefined: never,
    },
    PromotionMetric {
        key: "others_cpc",
        label: "Price per click",
        side: PromotionSide::Others,
        format: Format::Number,
        direction: Direction::LowerIsBetter,
        read: |s| s.others_cpc,
        undefined: |s| s.others_impressions_per_day == 0.0,
    },
    PromotionMetric {
        key: "others_roi",
        label: "ROI",
        side: PromotionSide::Others,
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        read: |s| s.others_roi,
        undefined: |s| s.others_revenue_per_day == 0.0,
    },
    PromotionMetric {
        key: "fallback_rate",
        label: "Promoted sessions with no promoted ad",
        side: PromotionSide::Promoted,
        format: Format::Percent,
        direction: Direction::Neither,
        read: |s| s.fallback_rate,
        undefined: |s| s.promoted_session_share == 0.0,
    },
];
