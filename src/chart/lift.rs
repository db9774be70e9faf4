//! The lift chart: the design's daily relative difference from the pinned baseline.

use super::{ChartSpec, Color, Series, ValueFormat, PALETTE};
use crate::core::model::{DayMetrics, Metric, RunResult};

/// The metrics the lift chart compares, with their legend labels and colours: the outcomes a
/// design is judged on (revenue now, engagement and sessions for the users' side). Fatigue and
/// ads per session are left out: they move by far more than the outcomes whenever the ad load
/// changes (or are near zero with fatigue off) and would flatten the lines that matter.
pub const LIFT_METRICS: [(Metric, &str, Color); 3] = [
    (Metric::RevenuePerDay, "Revenue", PALETTE[0]),
    (Metric::EngagementPerDay, "Engagement", PALETTE[1]),
    (Metric::SessionsPerDay, "Sessions", PALETTE[2]),
];

// Every lift metric has a daily series.
const _: () = {
    let mut i = 0;
    while i < LIFT_METRICS.len() {
        assert!(
            LIFT_METRICS[i].0.has_daily(),
            "a lift metric needs a daily series"
        );
        i += 1;
    }
};

/// Title of the lift chart.
pub const LIFT_TITLE: &str = "Lift vs baseline";

/// The daily relative difference of `get` between `design` and `baseline`, in percent:
/// `(day, 100 × (design − baseline) / |baseline|)` for every design day (matched to the
/// baseline's day with the same number). NaN (a gap) where the baseline has no such day, its
/// value is zero, or either value is not finite.
pub fn lift_percent(
    design: &[DayMetrics],
    baseline: &[DayMetrics],
    get: impl Fn(&DayMetrics) -> f64,
) -> Vec<(f64, f64)> {
    design
        .iter()
        .map(|d| {
            let base = baseline.iter().find(|b| b.day == d.day).map(&get);
            let value = get(d);
            let lift = match base {
                Some(b) if b != 0.0 && b.is_finite() && value.is_finite() => {
                    100.0 * (value - b) / b.abs()
                }
                _ => f64::NAN,
            };
            (f64::from(d.day), lift)
        })
        .collect()
}

/// The lift chart of `result` against `baseline`: one line per [`LIFT_METRICS`] entry, in
/// percent, on an axis that always includes zero (so "no difference" is a visible line).
pub fn lift_chart(result: &RunResult, baseline: &RunResult) -> ChartSpec {
    let series = LIFT_METRICS
        .iter()
        .filter_map(|&(metric, label, color)| {
            let get = metric.row().daily?.get;
            Some(Series {
                label: label.into(),
                points: lift_percent(&result.days, &baseline.days, get),
                color,
                dashed: false,
            })
        })
        .collect();
    ChartSpec {
        title: LIFT_TITLE.into(),
        x_label: "Day".into(),
        y_label: "Difference vs baseline (%)".into(),
        series,
        value_format: ValueFormat::SignedPercent,
        ..ChartSpec::default()
    }
}
