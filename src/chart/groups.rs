//! Advertiser-group views: price per click and clicks by incumbent quality tier and for the
//! launched cohort.
//!
//! The day records keep each group's spend and average price per click
//! ([`DayMetrics::spend_by_group`], [`DayMetrics::cpc_by_group`]) but no click count, so clicks
//! are derived: spend ÷ price per click, which is the engine's own click total of the group
//! (the price is spend ÷ clicks) up to rounding. A group with no spend shows zero clicks: free
//! clicks (a zero price) cannot be told apart from none.

use super::{ChartSpec, Color, Series, YAxis, BASELINE_LIGHTEN, BASELINE_SUFFIX, PALETTE};
use crate::core::model::{DayMetrics, RunResult, SPEND_GROUPS};

/// Index of the launched cohort in the group arrays.
const LAUNCHED: usize = SPEND_GROUPS.len() - 1;

/// Clicks of each advertiser group on `day`, derived as spend ÷ price per click (0 for a group
/// without a positive price).
pub fn clicks_by_group(day: &DayMetrics) -> [f64; 4] {
    let mut clicks = [0.0; 4];
    for (g, c) in clicks.iter_mut().enumerate() {
        let (spend, cpc) = (day.spend_by_group[g], day.cpc_by_group[g]);
        if cpc > 0.0 && spend.is_finite() && cpc.is_finite() {
            *c = spend / cpc;
        }
    }
    clicks
}

/// Price per click of group `g`, or NaN (a gap) on a day the group paid for no click.
fn price(day: &DayMetrics, g: usize) -> f64 {
    if day.spend_by_group[g] > 0.0 {
        day.cpc_by_group[g]
    } else {
        f64::NAN
    }
}

/// The group charts of `result` (with `baseline`'s lines dashed and lighter when pinned):
///
/// 1. Price per click by advertiser group (currency), on a fitted axis; days a group paid for
///    no click are gaps;
/// 2. Clicks by advertiser group (clicks/day, derived: see the module notes).
///
/// One line per [`SPEND_GROUPS`] entry; the launched cohort's only when it paid for clicks in
/// either run.
pub fn group_charts(result: &RunResult, baseline: Option<&RunResult>) -> Vec<ChartSpec> {
    let paid = |days: &[DayMetrics], g: usize| days.iter().any(|d| d.spend_by_group[g] > 0.0);
    let groups: Vec<usize> = (0..SPEND_GROUPS.len())
        .filter(|&g| {
            g != LAUNCHED || paid(&result.days, g) || baseline.is_some_and(|b| paid(&b.days, g))
        })
        .collect();
    let chart =
        |title: &str, y_label: &str, y_axis: YAxis, value: fn(&DayMetrics, usize) -> f64| {
            let mut series = Vec::new();
            let mut base_series = Vec::new();
            for &g in &groups {
                let color = PALETTE[g % PALETTE.len()];
                let label = capitalise(SPEND_GROUPS[g]);
                series.push(line(&label, color, false, &result.days, |d| value(d, g)));
                if let Some(base) = baseline {
                    base_series.push(line(
                        &format!("{label}{BASELINE_SUFFIX}"),
                        color.lighten(BASELINE_LIGHTEN),
                        true,
                        &base.days,
                        |d| value(d, g),
                    ));
                }
            }
            series.extend(base_series);
            ChartSpec {
                title: title.into(),
                x_label: "Day".into(),
                y_label: y_label.into(),
                series,
                y_axis,
                ..ChartSpec::default()
            }
        };
    vec![
        chart(
            "Price per click by advertiser group",
            "Price per click (currency)",
            YAxis::FitData,
            price,
        ),
        chart(
            "Clicks by advertiser group",
            "Clicks per day",
            YAxis::FromZero,
            |d, g| clicks_by_group(d)[g],
        ),
    ]
}

fn line(
    label: &str,
    color: Color,
    dashed: bool,
    days: &[DayMetrics],
    value: impl Fn(&DayMetrics) -> f64,
) -> Series {
    Series {
        label: label.into(),
        points: days.iter().map(|d| (f64::from(d.day), value(d))).collect(),
        color,
        dashed,
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
