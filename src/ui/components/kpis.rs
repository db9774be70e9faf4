//! KPI cards: the whole-run value of each headline metric, its first week → last week trend and,
//! with a baseline, the change against it.

use std::rc::Rc;

use yew::prelude::*;

use crate::app::format;
use crate::app::state::Computed;
use crate::core::model::Summary;

/// One headline metric.
#[derive(Debug, Clone, Copy)]
pub struct Kpi {
    /// Stable key (`data-kpi` attribute).
    pub key: &'static str,
    /// Card title.
    pub label: &'static str,
    /// What the number is, in a few words.
    pub hint: &'static str,
    /// Reads the metric from a summary.
    pub get: fn(&Summary) -> f64,
    /// Whether a rise is good news (colours the deltas).
    pub higher_is_better: bool,
}

/// The headline metrics, in display order.
pub const KPIS: [Kpi; 6] = [
    Kpi {
        key: "revenue",
        label: "Revenue / day",
        hint: "advertiser spend, currency",
        get: |s| s.revenue_per_day,
        higher_is_better: true,
    },
    Kpi {
        key: "engagement",
        label: "Engagement / day",
        hint: "organic + ad engagements",
        get: |s| s.engagement_per_day,
        higher_is_better: true,
    },
    Kpi {
        key: "sessions",
        label: "Sessions / day",
        hint: "feed visits",
        get: |s| s.sessions_per_day,
        higher_is_better: true,
    },
    Kpi {
        key: "fatigue",
        label: "Mean fatigue",
        hint: "fatigue units per user",
        get: |s| s.mean_fatigue,
        higher_is_better: false,
    },
    Kpi {
        key: "roi",
        label: "Advertiser ROI",
        hint: "value of clicks / spend",
        get: |s| s.roi,
        higher_is_better: true,
    },
    Kpi {
        key: "advertisers",
        label: "Active advertisers",
        hint: "mean per day",
        get: |s| s.active_advertisers,
        higher_is_better: true,
    },
];

/// The CSS class of a change: good, bad or flat news.
pub fn delta_class(delta: f64, higher_is_better: bool) -> &'static str {
    if delta.abs() < 1e-12 {
        "flat"
    } else if (delta > 0.0) == higher_is_better {
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
    let Some(results) = props.results.as_ref() else {
        return html! {
            <article class="kpi pending" data-kpi={kpi.key}>
                <h3>{ kpi.label }</h3>
                <p class="kpi-value">{ "…" }</p>
                <p class="kpi-hint">{ kpi.hint }</p>
            </article>
        };
    };
    let s = &results.result.summaries;
    let whole = (kpi.get)(&s.whole_run);
    let first = (kpi.get)(&s.first_week);
    let last = (kpi.get)(&s.last_week);
    let trend = last - first;
    let baseline = results
        .baseline_result
        .as_ref()
        .map(|b| (kpi.get)(&b.summaries.whole_run));
    html! {
        <article class="kpi" data-kpi={kpi.key} data-value={whole.to_string()}>
            <h3>{ kpi.label }</h3>
            <p class="kpi-value">{ format::number(whole) }</p>
            <p class="kpi-hint">{ kpi.hint }</p>
            <p class="kpi-trend">
                <span class="muted">{ "Week 1 " }</span>
                <span data-week="first" data-value={first.to_string()}>{ format::number(first) }</span>
                <span class="muted">{ " → last week " }</span>
                <span data-week="last" data-value={last.to_string()}>{ format::number(last) }</span>
                <span class={classes!("delta", delta_class(trend, kpi.higher_is_better))}>
                    { format!(" ({})", format::relative_change(last, first).unwrap_or_else(|| format::signed(trend))) }
                </span>
            </p>
            if let Some(base) = baseline {
                <p class={classes!("kpi-baseline", delta_class(whole - base, kpi.higher_is_better))}
                    data-delta={(whole - base).to_string()}>
                    <span class="muted">{ "vs baseline " }</span>
                    <strong class="delta-abs">{ format::signed(whole - base) }</strong>
                    { " " }
                    <span class="delta-rel">{ format::relative_change(whole, base).map(|r| format!("({r})")).unwrap_or_default() }</span>
                    <span class="muted">{ format!(" · base {}", format::number(base)) }</span>
                </p>
            }
        </article>
    }
}
