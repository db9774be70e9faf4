//! KPI cards: the whole-run value of each headline metric, its first week → last week trend and,
//! with a baseline, the change against it.

use std::rc::Rc;

use yew::prelude::*;

use super::details::show;
use crate::app::format;
use crate::app::state::Computed;
use crate::core::model::{Direction, Metric, Summary};

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
}

/// The row of KPI cards.
#[function_component(KpiCards)]
pub fn kpi_cards(props: &KpiCardsProps) -> Html {
    html! {
        <section class="kpis" aria-label="Key metrics">
            { for KPIS.iter().map(|kpi| html! { <KpiCard kpi={KpiRef(kpi)} results={props.results.clone()} /> }) }
        </section>
    }
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
    let baseline = results
        .baseline_result
        .as_ref()
        .map(|b| get(&b.summaries.whole_run));
    html! {
        <article class="kpi" data-kpi={kpi.key} data-value={whole.to_string()}>
            <h3>{ row.short_label() }</h3>
            <p class="kpi-value">{ format::metric_value(row, &s.whole_run).unwrap_or_default() }</p>
            <p class="kpi-hint">{ row.hint }</p>
            <p class="kpi-trend">
                <span class="muted">{ "Week 1 " }</span>
                <span data-week="first" data-value={first.to_string()}>{ format::metric_value(row, &s.first_week).unwrap_or_default() }</span>
                <span class="muted">{ " → last week " }</span>
                <span data-week="last" data-value={last.to_string()}>{ format::metric_value(row, &s.last_week).unwrap_or_default() }</span>
                <span class={classes!("delta", delta_class(trend, row.direction))}>
                    { format!(" ({})", format::relative_change(last, first).unwrap_or_else(|| format::signed(trend))) }
                </span>
            </p>
            if let Some(base) = baseline {
                <p class={classes!("kpi-baseline", delta_class(whole - base, row.direction))}
                    data-delta={(whole - base).to_string()}>
                    <span class="muted">{ "vs baseline " }</span>
                    <strong class="delta-abs">{ format::signed(whole - base) }</strong>
                    { " " }
                    <span class="delta-rel">{ format::relative_change(whole, base).map(|r| format!("({r})")).unwrap_or_default() }</span>
                    <span class="muted">{ format!(" · base {}", show(row.format, base)) }</span>
                </p>
            }
        </article>
    }
}
