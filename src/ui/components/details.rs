//! The full summary table: every summary metric for the first week, the last week and the whole
//! run; with a baseline pinned, the design's value, the baseline's and the change in each of the
//! four comparison windows (first week, test window, last week, whole run).

use std::rc::Rc;

use yew::prelude::*;

use super::kpis::{delta_class, use_comparison};
use crate::app::compare::{CompareWindow, Comparison};
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
    /// Days of the comparison's test window (days 1 to N).
    pub test_window_days: u32,
}

/// `days 1–7` for a window's summary (empty for an empty window).
fn window_label(summary: &Summary) -> String {
    if summary.days == 0 {
        String::new()
    } else {
        format!("days {}–{}", summary.from_day, summary.to_day)
    }
}

/// The full summary table.
#[function_component(DetailsTable)]
pub fn details_table(props: &DetailsTableProps) -> Html {
    let comparison = use_comparison(props.results.clone(), props.test_window_days);
    let Some(results) = props.results.as_ref() else {
        return Html::default();
    };
    if let Some(comparison) = comparison {
        return compared_table(&comparison);
    }
    let s = &results.result.summaries;
    // Summary rows always have a summary value; NaN would show as "—".
    let get = |row: &MetricRow, summary: &Summary| row.value(summary).unwrap_or(f64::NAN);
    let cell = |row: &MetricRow, window: &'static str, summary: &Summary| {
        let x = get(row, summary);
        // "—" for a ratio with nothing to divide by (no ads, clicks or spend).
        let text = format::metric_value(row, summary).unwrap_or_else(|| show(row.format, x));
        html! { <td data-window={window} data-col="design" data-value={x.to_string()}>{ text }</td> }
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
                    </tr>
                </thead>
                <tbody>
                    { for summary_rows().map(|row| html! {
                        <tr data-metric={row.key}>
                            <th scope="row">{ row.label }</th>
                            { for Window::ALL.map(|w| cell(row, w.name(), s.get(w))) }
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// The table with a baseline: for each of the four windows, the design's value, the baseline's
/// and the change.
fn compared_table(comparison: &Comparison) -> Html {
    let window_head = |w: CompareWindow| {
        let i = w as usize;
        let (ours, theirs) = (
            comparison.design_spans[i].text(),
            comparison.baseline_spans[i].text(),
        );
        let days = if ours == theirs {
            ours
        } else {
            format!("{ours} vs {theirs}")
        };
        let title = match w {
            CompareWindow::FirstWeek => "First week".to_string(),
            CompareWindow::TestWindow => "Test window".to_string(),
            CompareWindow::LastWeek => "Last week".to_string(),
            CompareWindow::WholeRun => "Whole run".to_string(),
        };
        html! {
            <th scope="colgroup" colspan="3" class="window-group" data-window-group={w.name()}>
                { title }<small>{ days }</small>
            </th>
        }
    };
    html! {
        <section class="card details compared" aria-label="All metrics">
            <h2>{ "All metrics" }<span class="details-note">{ "design, baseline and change in each window" }</span></h2>
            <div class="table-scroll">
            <table>
                <colgroup><col /></colgroup>
                { for CompareWindow::ALL.iter().map(|_| html! { <colgroup span="3" class="window-cols"></colgroup> }) }
                <thead>
                    <tr>
                        <th scope="col" rowspan="2">{ "Metric" }</th>
                        { for CompareWindow::ALL.map(window_head) }
                    </tr>
                    <tr class="sub-head">
                        { for CompareWindow::ALL.iter().map(|_| html! { <>
                            <th scope="col" class="group-start">{ "Design" }</th>
                            <th scope="col">{ "Baseline" }</th>
                            <th scope="col">{ "Change" }</th>
                        </> }) }
                    </tr>
                </thead>
                <tbody>
                    { for comparison.metrics.iter().map(|m| {
                        let row = m.row();
                        html! {
                            <tr data-metric={row.key}>
                                <th scope="row">{ row.label }</th>
                                { for CompareWindow::ALL.iter().map(|&w| {
                                    let d = m.delta(w);
                                    html! { <>
                                        <td class="group-start" data-window={w.name()} data-col="design"
                                            data-value={d.design.to_string()}>{ show(row.format, d.design) }</td>
                                        <td data-window={w.name()} data-col="baseline"
                                            data-value={d.baseline.to_string()}>{ show(row.format, d.baseline) }</td>
                                        <td class={classes!("change", delta_class(d.absolute(), row.direction))}
                                            data-window={w.name()} data-col="change"
                                            data-value={d.absolute().to_string()}
                                            data-delta={d.relative().map(|r| r.to_string()).unwrap_or_default()}>
                                            { d.text() }
                                        </td>
                                    </> }
                                }) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}
