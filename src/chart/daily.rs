//! The default charts of a run's daily metrics, with an optional pinned baseline overlaid.

use super::{ChartSpec, Color, Series, BASELINE_LIGHTEN, BASELINE_SUFFIX, PALETTE};
use crate::core::model::{DayMetrics, RunResult, SPEND_GROUPS};

/// X-axis label of every daily chart.
const DAY: &str = "Day";

/// The daily charts of `result`, with `baseline`'s series dashed, lighter and labelled
/// "… (baseline)" when one is pinned:
///
/// 1. Daily revenue (currency/day);
/// 2. Daily engagement (engagements/day, organic plus ads);
/// 3. Daily sessions (sessions/day) — a chart of its own: sessions and engagements differ in
///    scale by an order of magnitude, and two axes on one chart mislead;
/// 4. Mean user fatigue (fatigue units);
/// 5. Click-through rate (% of impressions);
/// 6. Active advertisers (count);
/// 7. Spend by advertiser group (currency/day), one line per [`SPEND_GROUPS`] entry; the launched
///    cohort's line only when it spent something in either run.
pub fn daily_charts(result: &RunResult, baseline: Option<&RunResult>) -> Vec<ChartSpec> {
    let single = |title: &str, y_label: &str, label: &str, metric: fn(&DayMetrics) -> f64| {
        let mut series = vec![line(label, PALETTE[0], false, &result.days, metric)];
        if let Some(base) = baseline {
            series.push(baseline_line(label, PALETTE[0], &base.days, metric));
        }
        ChartSpec {
            title: title.into(),
            x_label: DAY.into(),
            y_label: y_label.into(),
            series,
        }
    };

    let mut charts = vec![
        single("Daily revenue", "Revenue (currency/day)", "Revenue", |d| {
            d.revenue
        }),
        single(
            "Daily engagement",
            "Engagements per day",
            "Engagement",
            |d| d.total_engagement,
        ),
        single("Daily sessions", "Sessions per day", "Sessions", |d| {
            d.sessions as f64
        }),
        single(
            "Mean user fatigue",
            "Fatigue (mean over users)",
            "Mean fatigue",
            |d| d.mean_fatigue,
        ),
        single("Click-through rate", "CTR (% of impressions)", "CTR", |d| {
            100.0 * d.ctr
        }),
        single(
            "Active advertisers",
            "Advertisers",
            "Active advertisers",
            |d| f64::from(d.active_advertisers),
        ),
    ];

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
