//! The "Promotional bandwidth" section: shown only when the design reserves bandwidth for a
//! promoted class. Rows come from [`crate::app::promotion`].

use std::rc::Rc;

use yew::prelude::*;

use super::kpis::delta_class;
use crate::app::promotion::{promotion_section, PromoRow, PromoSection};
use crate::app::state::Computed;
use crate::core::model::{PromotionSide, Window};

/// Props of [`PromotionCard`].
#[derive(Properties, PartialEq)]
pub struct PromotionCardProps {
    /// The latest results, if any.
    pub results: Option<Rc<Computed>>,
}

fn window_title(w: Window) -> &'static str {
    match w {
        Window::FirstWeek => "First week",
        Window::LastWeek => "Last week",
        Window::WholeRun => "Whole run",
    }
}

fn row_html(row: &PromoRow) -> Html {
    let m = row.metric;
    html! {
        <tr data-metric={m.key}>
            <th scope="row">{ m.label }</th>
            { for row.cells.iter().map(|c| {
                let value = c.value.map(|x| x.to_string()).unwrap_or_default();
                let class = match (c.value, c.base) {
                    (Some(v), Some(b)) => delta_class(v - b, m.direction),
                    _ => "flat",
                };
                html! {
                    <td data-promo={m.key} data-window={c.window.name()} data-value={value}>
                        { &c.text }
                        if let Some(change) = &c.change {
                            <small class={classes!("delta", class)} data-base={c.base.map(|b| b.to_string()).unwrap_or_default()}>
                                { format!(" {change}") }
                            </small>
                        }
                    </td>
                }
            }) }
        </tr>
    }
}

fn side_html(section: &PromoSection, side: PromotionSide, title: &'static str) -> Html {
    html! {
        <>
            <tr class="promo-side"><th scope="rowgroup" colspan="4">{ title }</th></tr>
            { for section.side(side).map(row_html) }
        </>
    }
}

/// The section, or nothing when promotional bandwidth is off.
#[function_component(PromotionCard)]
pub fn promotion_card(props: &PromotionCardProps) -> Html {
    let Some(r) = props.results.as_ref() else {
        return Html::default();
    };
    let Some(section) = promotion_section(&r.result, r.baseline_result.as_deref()) else {
        return Html::default();
    };
    let compared = section
        .rows
        .iter()
        .any(|row| row.cells.iter().any(|c| c.change.is_some()));
    html! {
        <section class="card details promotion" aria-label="Promotional bandwidth" data-section="promotion">
            <h2>{ "Promotional bandwidth" }</h2>
            <p class="muted">
                { "What the promoted class gets from its reserved share of sessions, and what it costs everyone else." }
                if compared { { " Changes are against the pinned baseline." } }
                if section.baseline_without_promotion {
                    { " The pinned baseline reserves no bandwidth, so it has no promoted-class numbers to compare: pin one with a lower share." }
                }
            </p>
            <div class="table-scroll">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{ "Metric" }</th>
                        { for Window::ALL.map(|w| html! { <th scope="col">{ window_title(w) }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { side_html(&section, PromotionSide::Promoted, "Promoted class") }
                    { side_html(&section, PromotionSide::Others, "Everyone else") }
                </tbody>
            </table>
            </div>
        </section>
    }
}
