//! The hourly spend chart: each hour's share of the day's spend, one line per bidding strategy
//! present in the run, against the even-pacing line `100/HOURS`%.
//!
//! One run has one pacing method, so the chart compares the strategies of that run (each
//! strategy's spend summed over the run's days, then shared out by hour: see
//! [`crate::core::model::hourly`]). To compare pacing methods, pin a run with another method as
//! the baseline: its lines are drawn dashed and lighter, and the title names both methods.
//! Without pacing, binding budgets run out early and the lines sit above the even line in the
//! morning and fall to zero later: the cost of front-loading.

use super::{
    ChartSpec, Color, Series, ValueFormat, YAxis, BASELINE_LIGHTEN, BASELINE_SUFFIX, PALETTE,
};
use crate::core::model::hourly::{spend_curves, strategy_index, SpendCurve};
use crate::core::model::{Params, RunResult, HOURS};

/// The even-pacing reference line's colour (grey: a reference, not a strategy).
pub const EVEN_COLOR: Color = Color::rgb(110, 110, 110);

/// The even-pacing line's legend label.
pub const EVEN_LABEL: &str = "Even pacing";

/// The chart's title.
pub const HOURLY_TITLE: &str = "Spend through the day";

/// How a configuration paces, in words for the chart: the pacing method, or `off`.
pub fn pacing_label(params: &Params) -> &'static str {
    if params.advertisers.pacing {
        params.advertisers.pacing_method.as_str()
    } else {
        "off"
    }
}

/// The hourly spend chart of `result` (with `baseline`'s lines dashed and lighter when pinned),
/// or `None` when neither run recorded any hourly spend. `pacing` names the run's pacing and
/// the baseline's (see [`pacing_label`]), for the title. x is the hour of the day, 1 to
/// [`HOURS`] (hour `h` covers `[h − 1, h)`); y is the hour's share of the day's spend in percent.
pub fn hourly_spend_chart(
    result: &RunResult,
    baseline: Option<&RunResult>,
    pacing: (&str, Option<&str>),
) -> Option<ChartSpec> {
    let curves = spend_curves(&result.hourly_spend);
    let base_curves = baseline.map(|b| spend_curves(&b.hourly_spend));
    if curves.is_empty() && base_curves.as_ref().is_none_or(|c| c.is_empty()) {
        return None;
    }
    let mut series: Vec<Series> = curves.iter().map(|c| curve_line(c, "", false)).collect();
    for c in base_curves.iter().flatten() {
        series.push(curve_line(c, BASELINE_SUFFIX, true));
    }
    series.push(Series {
        label: EVEN_LABEL.into(),
        points: (1..=HOURS)
            .map(|h| (h as f64, 100.0 / HOURS as f64))
            .collect(),
        color: EVEN_COLOR,
        dashed: false,
    });
    let title = match pacing {
        (design, Some(base)) if baseline.is_some() && base != design => {
            format!("{HOURLY_TITLE} (pacing: {design}; baseline: {base})")
        }
        (design, _) => format!("{HOURLY_TITLE} (pacing: {design})"),
    };
    Some(ChartSpec {
        title,
        x_label: "Hour".into(),
        y_label: "Share of the day's spend (%)".into(),
        series,
        y_axis: YAxis::FromZero,
        value_format: ValueFormat::Percent,
        ..ChartSpec::default()
    })
}

/// A strategy's line, in its colour (lighter and dashed for a baseline).
fn curve_line(curve: &SpendCurve, suffix: &str, dashed: bool) -> Series {
    let color = PALETTE[strategy_index(curve.strategy) % PALETTE.len()];
    Series {
        label: format!("{}{suffix}", curve.strategy.as_str()),
        points: curve
            .shares
            .iter()
            .enumerate()
            .map(|(h, s)| ((h + 1) as f64, 100.0 * s))
            .collect(),
        color: if dashed {
            color.lighten(BASELINE_LIGHTEN)
        } else {
            color
        },
        dashed,
    }
}
