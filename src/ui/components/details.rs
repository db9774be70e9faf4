//! The full summary table: every summary metric for the first week, the last week and the whole
//! run, with the baseline's whole run and the change when a baseline is pinned.

use std::rc::Rc;

use yew::prelude::*;

use crate::app::format;
use crate::app::state::Computed;
use crate::core::model::Summary;

/// How a metric is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// A plain number.
    Number,
    /// A share shown as a percentage.
    Percent,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Stable key (`data-metric` attribute).
    pub key: &'static str,
    /// Row label.
    pub label: &'static str,
    /// How to show it.
    pub shown: Shown,
    /// Reads it from a summary.
    pub get: fn(&Summary) -> f64,
}

/// The rows, in display order.
pub const METRICS: &[Metric] = &[
    Metric {
        key: "revenue_per_day",
        label: "Revenue / day",
        shown: Shown::Number,
        get: |s| s.revenue_per_day,
    },
    Metric {
        key: "impressions_per_day",
        label: "Ad impressions / day",
        shown: Shown::Number,
        get: |s| s.impressions_per_day,
    },
    Metric {
        key: "clicks_per_day",
        label: "Ad clicks / day",
        shown: Shown::Number,
        get: |s| s.clicks_per_day,
    },
    Metric {
        key: "ctr",
        label: "CTR",
        shown: Shown::Percent,
        get: |s| s.ctr,
    },
    Metric {
        key: "avg_cpc",
        label: "Average CPC",
        shown: Shown::Number,
        get: |s| s.avg_cpc,
    },
    Metric {
        key: "ecpm",
        label: "eCPM",
        shown: Shown::Number,
        get: |s| s.ecpm,
    },
    Metric {
        key: "sessions_per_day",
        label: "Sessions / day",
        shown: Shown::Number,
        get: |s| s.sessions_per_day,
    },
    Metric {
        key: "active_users_per_day",
        label: "Active users / day",
        shown: Shown::Number,
        get: |s| s.active_users_per_day,
    },
    Metric {
        key: "ads_per_session",
        label: "Ads placed / session",
        shown: Shown::Number,
        get: |s| s.ads_per_session,
    },
    Metric {
        key: "ad_load",
        label: "Ad load (ads / position viewed)",
        shown: Shown::Percent,
        get: |s| s.ad_load,
    },
    Metric {
        key: "organic_engagement_per_day",
        label: "Organic engagement / day",
        shown: Shown::Number,
        get: |s| s.organic_engagement_per_day,
    },
    Metric {
        key: "engagement_per_day",
        label: "Total engagement / day",
        shown: Shown::Number,
        get: |s| s.engagement_per_day,
    },
    Metric {
        key: "mean_fatigue",
        label: "Mean fatigue",
        shown: Shown::Number,
        get: |s| s.mean_fatigue,
    },
    Metric {
        key: "advertiser_value_per_day",
        label: "Advertiser value / day",
        shown: Shown::Number,
        get: |s| s.advertiser_value_per_day,
    },
    Metric {
        key: "advertiser_surplus_per_day",
        label: "Advertiser surplus / day",
        shown: Shown::Number,
        get: |s| s.advertiser_surplus_per_day,
    },
    Metric {
        key: "roi",
        label: "Advertiser ROI",
        shown: Shown::Number,
        get: |s| s.roi,
    },
    Metric {
        key: "active_advertisers",
        label: "Active advertisers",
        shown: Shown::Number,
        get: |s| s.active_advertisers,
    },
    Metric {
        key: "churned_advertisers",
        label: "Advertisers churned",
        shown: Shown::Number,
        get: |s| f64::from(s.churned_advertisers),
    },
    Metric {
        key: "new_advertisers",
        label: "New advertisers",
        shown: Shown::Number,
        get: |s| f64::from(s.new_advertisers),
    },
    Metric {
        key: "budget_utilisation",
        label: "Budget utilisation",
        shown: Shown::Percent,
        get: |s| s.budget_utilisation,
    },
    Metric {
        key: "reserve_binding_rate",
        label: "Clicks priced at reserve",
        shown: Shown::Percent,
        get: |s| s.reserve_binding_rate,
    },
    Metric {
        key: "spend_hhi",
        label: "Spend concentration (HHI)",
        shown: Shown::Number,
        get: |s| s.spend_hhi,
    },
];

fn show(metric: &Metric, x: f64) -> String {
    match metric.shown {
        Shown::Number => format::number(x),
        Shown::Percent => format::percent(x),
    }
}

/// Props of [`DetailsTable`].
#[derive(Properties, PartialEq)]
pub struct DetailsTableProps {
    /// The latest results, if any.
    pub results: Option<Rc<Computed>>,
}

/// The full summary table.
#[function_component(DetailsTable)]
pub fn details_table(props: &DetailsTableProps) -> Html {
    let Some(results) = props.results.as_ref() else {
        return Html::default();
    };
    let s = &results.result.summaries;
    let base = results
        .baseline_result
        .as_ref()
        .map(|b| &b.summaries.whole_run);
    let cell = |metric: &Metric, window: &'static str, summary: &Summary| {
        let x = (metric.get)(summary);
        html! { <td data-window={window} data-value={x.to_string()}>{ show(metric, x) }</td> }
    };
    let window_label = |summary: &Summary| {
        if summary.days == 0 {
            String::new()
        } else {
            format!("days {}–{}", summary.from_day, summary.to_day)
        }
    };
    html! {
        <section class="card details" aria-label="All metrics">
            <h2>{ "All metrics" }</h2>
            <div class="table-scroll">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{ "Metric" }</th>
                        <th scope="col">{ "First week" }<small>{ window_label(&s.first_week) }</small></th>
                        <th scope="col">{ "Last week" }<small>{ window_label(&s.last_week) }</small></th>
                        <th scope="col">{ "Whole run" }<small>{ window_label(&s.whole_run) }</small></th>
                        if base.is_some() {
                            <th scope="col">{ "Baseline" }<small>{ "whole run" }</small></th>
                            <th scope="col">{ "Change" }<small>{ "vs baseline" }</small></th>
                        }
                    </tr>
                </thead>
                <tbody>
                    { for METRICS.iter().map(|metric| html! {
                        <tr data-metric={metric.key}>
                            <th scope="row">{ metric.label }</th>
                            { cell(metric, "first_week", &s.first_week) }
                            { cell(metric, "last_week", &s.last_week) }
                            { cell(metric, "whole_run", &s.whole_run) }
                            if let Some(b) = base {
                                { cell(metric, "baseline", b) }
                                <td data-window="change">{
                                    format::relative_change((metric.get)(&s.whole_run), (metric.get)(b))
                                        .unwrap_or_else(|| format::signed((metric.get)(&s.whole_run) - (metric.get)(b)))
                                }</td>
                            }
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}
