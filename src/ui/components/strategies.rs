//! The "Bidding strategies" section: revenue, advertiser surplus and liquid welfare side by side,
//! and, when the mix has autobidders, what each strategy got (last week and whole run). Rows come
//! from [`crate::app::strategies`].

use std::rc::Rc;

use yew::prelude::*;

use crate::app::state::Computed;
use crate::app::strategies::{has_autobidders, strategy_rows, welfare, COLUMNS};
use crate::core::model::Window;

/// Props of [`StrategiesCard`].
#[derive(Properties, PartialEq)]
pub struct StrategiesCardProps {
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

/// The section (nothing before the first results).
#[function_component(StrategiesCard)]
pub fn strategies_card(props: &StrategiesCardProps) -> Html {
    let Some(r) = props.results.as_ref() else {
        return Html::default();
    };
    let s = &r.result.summaries;
    let windows = [Window::LastWeek, Window::WholeRun];
    let table = has_autobidders(&s.whole_run);
    html! {
        <section class="card details strategies" aria-label="Welfare and bidding strategies" data-section="strategies">
            <h2>{ if table { "Welfare and bidding strategies" } else { "Welfare" } }</h2>
            <dl class="welfare">
                { for welfare(&s.whole_run).into_iter().map(|(m, x, text)| {
                    let row = m.row();
                    html! {
                        <div data-metric={row.key} data-value={x.to_string()} title={row.direction_note}>
                            <dt>{ row.label }</dt>
                            <dd>{ text }<small class="muted">{ format!(" {}", row.hint) }</small></dd>
                        </div>
                    }
                }) }
            </dl>
            <p class="muted">
                { "Whole run, per day. Liquid welfare counts each advertiser's value only up to its budget: what it could have paid for." }
            </p>
            if table {
                <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{ "Strategy" }</th>
                            { for COLUMNS.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
                        </tr>
                    </thead>
                    { for windows.iter().map(|&w| html! {
                        <tbody data-window={w.name()}>
                            <tr class="promo-side"><th scope="rowgroup" colspan={(COLUMNS.len() + 1).to_string()}>{ window_title(w) }</th></tr>
                            { for strategy_rows(s.get(w)).into_iter().map(|row| html! {
                                <tr data-strategy={row.key.clone()}>
                                    <th scope="row">{ row.label.clone() }</th>
                                    { for row.cells.iter().zip(row.values).enumerate().map(|(i, (text, value))| html! {
                                        <td data-col={i.to_string()} data-value={value.map(|x| x.to_string()).unwrap_or_default()}>{ text.clone() }</td>
                                    }) }
                                </tr>
                            }) }
                        </tbody>
                    }) }
                </table>
                </div>
                <p class="muted">
                    { "Goal met: target ROAS within ±10% of its target, or above it with the budget spent (≥ 98%); max clicks with its budget spent (≥ 98%) or bidding within 2% of its value (its budget does not bind); target CPC at most 10% above its target. Each advertiser is judged on its own totals over the window." }
                </p>
            }
        </section>
    }
}
