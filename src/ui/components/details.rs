//! The full summary table: every summary metric for the first week, the last week and the whole
//! run, with the baseline's whole run and the change when a baseline is pinned.

use std::rc::Rc;

use yew::prelude::*;

use crate::app::format;
use crate::app::state::Computed;
use crate::core::model::{summary_rows, Format, MetricRow, Summary, Window};

/// `x` shown as a metric of format `format`. Counts are whole numbers, which
/// [`format::number`] prints exactly, with thousands separators.
pub fn show(format: Format, x: f64) -> String {
    match format {
        Format::Number | Format::Count => format::number(x),
        Format::Percent => format::percent(x),
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
    // Summary rows always have a summary value; NaN would show as "—".
    let get = |row: &MetricRow, summary: &Summary| row.value(summary).unwrap_or(f64::NAN);
    let cell = |row: &MetricRow, window: &'static str, summary: &Summary| {
        let x = get(row, summary);
        // "—" for a ratio with nothing to divide by (no ads, clicks or spend).
        let text = format::metric_value(row, summary).unwrap_or_else(|| show(row.format, x));
        html! { <td data-window={window} data-value={x.to_string()}>{ text }</td> }
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
                    { for summary_rows().map(|row| html! {
                        <tr data-metric={row.key}>
                            <th scope="row">{ row.label }</th>
                            { for Window::ALL.map(|w| cell(row, w.name(), s.get(w))) }
                            if let Some(b) = base {
                                { cell(row, "baseline", b) }
                                <td data-window="change">{
                                    format::relative_change(get(row, &s.whole_run), get(row, b))
                                        .unwrap_or_else(|| format::signed(get(row, &s.whole_run) - get(row, b)))
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
