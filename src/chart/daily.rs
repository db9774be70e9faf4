//! The default charts of a run's daily metrics, with an optional pinned baseline overlaid.

use super::{
    ChartSpec, Color, Series, ValueFormat, YAxis, BASELINE_LIGHTEN, BASELINE_SUFFIX, PALETTE,
};
use crate::core::model::{DayMetrics, Format, Metric, RunResult, SPEND_GROUPS};

/// X-axis label of every daily chart.
const DAY: &str = "Day";

/// A chart of one metric's daily series (read from the metric table).
struct SingleChart {
    /// Chart title.
    title: &'static str,
    /// Y-axis label, with the unit as drawn.
    y_label: &'static str,
    /// Legend label of the line.
    label: &'static str,
    /// The metric; its row must have a daily series.
    metric: Metric,
    /// Totals (revenue) start at zero so levels compare; rates and populations are fitted so
    /// their movement shows (the chart then says its axis does not start at zero).
    y_axis: YAxis,
}

/// The one-metric charts, in display order.
const SINGLE_CHARTS: [SingleChart; 6] = [
    SingleChart {
        title: "Daily revenue",
        y_label: "Revenue (currency/day)",
        label: "Revenue",
        metric: Metric::RevenuePerDay,
        y_axis: YAxis::FromZero,
    },
    SingleChart {
        title: "Daily engagement",
        y_label: "Engagements per day",
        label: "Engagement",
        metric: Metric::EngagementPerDay,
        y_axis: YAxis::FitData,
    },
    SingleChart {
        title: "Daily sessions",
        y_label: "Sessions per day",
        label: "Sessions",
        metric: Metric::SessionsPerDay,
        y_axis: YAxis::FitData,
    },
    SingleChart {
        title: "Mean user fatigue",
        y_label: "Fatigue (mean over users)",
        label: "Mean fatigue",
        metric: Metric::MeanFatigue,
        y_axis: YAxis::FitData,
    },
    SingleChart {
        title: "Click-through rate",
        y_label: "CTR (% of impressions)",
        label: "CTR",
        metric: Metric::Ctr,
        y_axis: YAxis::FitData,
    },
    SingleChart {
        title: "Active advertisers",
        y_label: "Advertisers",
        label: "Active advertisers",
        metric: Metric::ActiveAdvertisers,
        y_axis: YAxis::FitData,
    },
];

// Every one-metric chart has a series to draw.
const _: () = {
    let mut i = 0;
    while i < SINGLE_CHARTS.len() {
        assert!(
            SINGLE_CHARTS[i].metric.has_daily(),
            "a chart's metric must have a daily series"
        );
        i += 1;
    }
};

/// The daily charts of `result`, with `baseline`'s series dashed, lighter and labelled
/// "… (baseline)" when one is pinned:
///
/// 1. Daily revenue (currency/day), from zero;
/// 2. Daily engagement (engagements/day, organic plus ads), fitted;
/// 3. Daily sessions (sessions/day), fitted — a chart of its own: sessions and engagements
///    differ in scale by an order of magnitude, and two axes on one chart mislead;
/// 4. Mean user fatigue (fatigue units), fitted;
/// 5. Click-through rate (% of impressions), fitted;
/// 6. Active advertisers (count), fitted;
/// 7. Spend by advertiser group (currency/day), from zero, one line per [`SPEND_GROUPS`] entry;
///    the launched cohort's line only when it spent something in either run.
///
/// A fitted axis ([`YAxis::FitData`]) fits the data with padding and, when it does not start
/// at zero, the drawing marks the break and says so.
pub fn daily_charts(result: &RunResult, baseline: Option<&RunResult>) -> Vec<ChartSpec> {
    let single = |chart: &SingleChart| {
        // Never skips: the check above keeps every entry daily.
        let row = chart.metric.row();
        let get = row.daily?.get;
        // Percent metrics (CTR) are drawn in percent, the unit their axis names; `1.0 * x` is
        // `x` exactly, so the other series keep every bit.
        let (scale, value_format) = if row.format == Format::Percent {
            (100.0, ValueFormat::Percent)
        } else {
            (1.0, ValueFormat::Number)
        };
        let value = move |d: &DayMetrics| scale * get(d);
        let mut series = vec![line(chart.label, PALETTE[0], false, &result.days, value)];
        if let Some(base) = baseline {
            series.push(baseline_line(chart.label, PALETTE[0], &base.days, value));
        }
        Some(ChartSpec {
            title: chart.title.into(),
            x_label: DAY.into(),
            y_label: chart.y_label.into(),
            series,
            y_axis: chart.y_axis,
            value_format,
            ..ChartSpec::default()
        })
    };

    let mut charts: Vec<ChartSpec> = SINGLE_CHARTS.iter().filter_map(single).collect();

    let spent = |days: &[DayMetrics], g: usize| days.iter().any(|d| d.spend_by_group[g] != 0.0);
    let mut series = Vec::new();
    let mut base_series = Vec::new();
    for (g, name) in SPEND_GROUPS.iter().enumerate() {
        let launched = g == SPEND_GROUPS.len() - 1;
        let any = spent(&result.days, g) || baseline.is_some_and(|b| spent(&b.days, g));
        if launched && !any {
            continue;
        }
        let color = PALETTE[g % PALETTE.len()];
        let label = capitalise(name);
        let metric = move |d: &DayMetrics| d.spend_by_group[g];
        series.push(line(&label, color, false, &result.days, metric));
        if let Some(base) = baseline {
            base_series.push(baseline_line(&label, color, &base.days, metric));
        }
    }
    series.extend(base_series);
    charts.push(ChartSpec {
        title: "Spend by advertiser group".into(),
        x_label: DAY.into(),
        y_label: "Spend (currency/day)".into(),
        series,
        ..ChartSpec::default()
    });
    charts
}

fn line(
    label: &str,
    color: Color,
    dashed: bool,
    days: &[DayMetrics],
    metric: impl Fn(&DayMetrics) -> f64,
) -> Series {
    Series {
        label: label.into(),
        points: days.iter().map(|d| (f64::from(d.day), metric(d))).collect(),
        color,
        dashed,
    }
}

fn baseline_line(
    label: &str,
    color: Color,
    days: &[DayMetrics],
    metric: impl Fn(&DayMetrics) -> f64,
) -> Series {
    line(
        &format!("{label}{BASELINE_SUFFIX}"),
        color.lighten(BASELINE_LIGHTEN),
        true,
        days,
        metric,
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
