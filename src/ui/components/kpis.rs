//! KPI cards: the whole-run value of each headline metric and, with a baseline pinned, its
//! change against the baseline in the first week, the test window (days 1–N), the last week and
//! the whole run; without one, the within-run trend from the first week to the last.

use std::rc::Rc;

use yew::prelude::*;

use super::details::show;
use crate::app::compare::{compare, CompareWindow, Comparison, Delta};
use crate::app::format;
use crate::app::state::Computed;
use crate::core::model::{Direction, Metric, MetricRow, Summary};

/// One headline metric: a card. Its label, hint and direction come from the metric table.
#[derive(Debug, Clone, Copy)]
pub struct Kpi {
    /// Stable key (`data-kpi` attribute); older and shorter than the metric's key, and kept
    /// because pages and tests select cards by it.
    pub key: &'static str,
    /// The metric shown (one with a summary value).
    pub metric: Metric,
}

/// The headline metrics, in display order.
pub const KPIS: [Kpi; 6] = [
    Kpi {
        key: "revenue",
        metric: Metric::RevenuePerDay,
    },
    Kpi {
        key: "engagement",
        metric: Metric::EngagementPerDay,
    },
    Kpi {
        key: "sessions",
        metric: Metric::SessionsPerDay,
    },
    Kpi {
        key: "fatigue",
        metric: Metric::MeanFatigue,
    },
    Kpi {
        key: "roi",
        metric: Metric::Roi,
    },
    Kpi {
        key: "advertisers",
        metric: Metric::ActiveAdvertisers,
    },
];

// A card shows a summary value: every card's metric has one.
const _: () = {
    let mut i = 0;
    while i < KPIS.len() {
        assert!(
            KPIS[i].metric.has_summary(),
            "a KPI card's metric must have a summary value"
        );
        i += 1;
    }
};

/// The CSS class of a change: good, bad or flat news. A change in a metric where neither way is
/// better is shown as flat (no colour).
pub fn delta_class(delta: f64, direction: Direction) -> &'static str {
    if delta.abs() < 1e-12 || direction == Direction::Neither {
        "flat"
    } else if (delta > 0.0) == (direction == Direction::HigherIsBetter) {
        "good"
    } else {
        "bad"
    }
}

/// Props of [`KpiCards`].
#[derive(Properties, PartialEq)]
pub struct KpiCardsProps {
    /// The latest results, if any.
    pub results: Option<Rc<Computed>>,
    /// Days of the comparison's test window (days 1 to N).
    pub test_window_days: u32,
}

/// The row of KPI cards.
#[function_component(KpiCards)]
pub fn kpi_cards(props: &KpiCardsProps) -> Html {
    let comparison = use_comparison(props.results.clone(), props.test_window_days);
    html! {
        <section class="kpis" aria-label="Key metrics">
            { for KPIS.iter().map(|kpi| html! {
                <KpiCard kpi={KpiRef(kpi)} results={props.results.clone()} comparison={comparison.clone()} />
            }) }
        </section>
    }
}

/// The comparison of the latest results with their baseline (when one was pinned), recomputed
/// only when the results or the test window change.
#[hook]
pub fn use_comparison(
    results: Option<Rc<Computed>>,
    test_window_days: u32,
) -> Option<Rc<Comparison>> {
    let memo = use_memo((results, test_window_days), |(results, days)| {
        let r = results.as_ref()?;
        let base = r.baseline_result.as_ref()?;
        Some(Rc::new(compare(&r.result, base, *days)))
    });
    (*memo).clone()
}

/// A [`Kpi`] by reference, compared by key.
#[derive(Debug, Clone, Copy)]
pub struct KpiRef(pub &'static Kpi);

impl PartialEq for KpiRef {
    fn eq(&self, other: &Self) -> bool {
        self.0.key == other.0.key
    }
}

/// Props of [`KpiCard`].
#[derive(Properties, PartialEq)]
pub struct KpiCardProps {
    /// The metric.
    pub kpi: KpiRef,
    /// The latest results, if any.
    pub results: Option<Rc<Computed>>,
    /// The comparison with the baseline, when one is pinned.
    #[prop_or_default]
    pub comparison: Option<Rc<Comparison>>,
}

/// `data-delta`: the relative change as a number, empty when it is undefined (zero baseline).
fn delta_attr(delta: &Delta) -> String {
    delta.relative().map(|r| r.to_string()).unwrap_or_default()
}

/// The change of one card's metric in the four windows: a small labelled list.
fn delta_list(row: &'static MetricRow, comparison: &Comparison) -> Html {
    let Some(m) = comparison.metric(row.metric) else {
        return Html::default();
    };
    html! {
        <div class="kpi-baseline">
            <p class="kpi-baseline-title muted">{ "vs baseline" }</p>
            <dl class="kpi-deltas">
                { for CompareWindow::ALL.iter().map(|&w| {
                    let d = m.delta(w);
                    let i = w as usize;
                    let days = comparison.design_spans[i].text();
                    let base_days = comparison.baseline_spans[i].text();
                    let title = if days == base_days {
                        format!("{}: {} vs baseline {}", days, show(row.format, d.design), show(row.format, d.baseline))
                    } else {
                        format!("{} vs baseline's {}: {} vs {}", days, base_days, show(row.format, d.design), show(row.format, d.baseline))
                    };
                    html! {
                        <div class={classes!("kpi-delta", delta_class(d.absolute(), row.direction))}
                            data-window={w.name()} data-delta={delta_attr(d)}
                            data-abs={d.absolute().to_string()} title={title}>
                            <dt>{ comparison.label(w) }</dt>
                            <dd>
                                <span class="delta-rel">{ d.text() }</span>
                                if d.relative().is_some() {
                                    <span class="delta-abs">{ format::signed(d.absolute()) }</span>
                                }
                            </dd>
                        </div>
                    }
                }) }
            </dl>
        </div>
    }
}

/// One KPI card.
#[function_component(KpiCard)]
pub fn kpi_card(props: &KpiCardProps) -> Html {
    let kpi = props.kpi.0;
    let row = kpi.metric.row();
    // Every card's metric has a summary value (checked above); NaN would show as "—".
    let get = |summary: &Summary| row.value(summary).unwrap_or(f64::NAN);
    let Some(results) = props.results.as_ref() else {
        return html! {
            <article class="kpi pending" data-kpi={kpi.key}>
                <h3>{ row.short_label() }</h3>
                <p class="kpi-value">{ "…" }</p>
                <p class="kpi-hint">{ row.hint }</p>
            </article>
        };
    };
    let s = &results.result.summaries;
    let whole = get(&s.whole_run);
    let first = get(&s.first_week);
    let last = get(&s.last_week);
    let trend = last - first;
    html! {
        <article class="kpi" data-kpi={kpi.key} data-value={whole.to_string()}>
            <h3>{ row.short_label() }</h3>
            <p class="kpi-value">{ format::metric_value(row, &s.whole_run).unwrap_or_default() }</p>
            <p class="kpi-hint">{ row.hint }</p>
            if let Some(comparison) = props.comparison.as_deref() {
                { delta_list(row, comparison) }
            } else {
                <p class="kpi-trend" title="Within this run: the first week's value against the last week's">
                    <span class="muted">{ "Within run: week 1 " }</span>
                    <span data-week="first" data-value={first.to_string()}>{ format::metric_value(row, &s.first_week).unwrap_or_default() }</span>
                    <span class="muted">{ " → last week " }</span>
                    <span data-week="last" data-value={last.to_string()}>{ format::metric_value(row, &s.last_week).unwrap_or_default() }</span>
                    <span class={classes!("delta", delta_class(trend, row.direction))}>
                        { format!(" ({})", format::relative_change(last, first).unwrap_or_else(|| format::signed(trend))) }
                    </span>
                </p>
            }
        </article>
    }
}
