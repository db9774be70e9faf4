//! Side effects the buttons trigger (copy a link, download a file). Components call these from
//! their callbacks; outcomes that the page must show come back as [`Action`]s.

use std::rc::Rc;

use yew::Callback;

use super::browser;
use crate::app::state::{Action, Computed};
use crate::config::export::{daily_csv, daily_csv_with_baseline, file_name, ExportDoc};

/// File name stem of every download.
pub use crate::config::export::FILE_STEM;

/// The download name for the latest results: both configurations' names, `what` (a chart's
/// slug) if given, today's date (the browser's clock) and `extension`.
pub fn download_name(results: &Computed, what: Option<&str>, extension: &str) -> String {
    file_name(
        &results.params,
        results.baseline.as_deref(),
        what,
        browser::today(),
        extension,
    )
}

/// Copies the link with `query` (configuration, baseline, view) to the clipboard; reports the
/// outcome.
pub fn copy_link(query: &str, dispatch: Callback<Action>) {
    let link = browser::link_with_query(query);
    yew::platform::spawn_local(async move {
        if browser::copy_to_clipboard(&link).await {
            dispatch.emit(Action::LinkCopied(link));
        } else {
            dispatch.emit(Action::LinkCopyFailed(link));
        }
    });
}

/// Downloads the daily metrics of the latest run as CSV, with the baseline's (`baseline_…`
/// columns) when one was pinned.
pub fn export_csv(results: &Rc<Computed>) {
    let csv = match results.baseline_result.as_deref() {
        Some(base) => daily_csv_with_baseline(&results.result, base),
        None => daily_csv(&results.result),
    };
    browser::download_text(&download_name(results, None, "csv"), "text/csv", &csv);
}

/// Downloads the configuration and summaries of the latest run as JSON, with the baseline's
/// configuration, summaries and days when one was pinned.
pub fn export_json(results: &Rc<Computed>) {
    let doc = match (
        results.baseline.as_deref(),
        results.baseline_result.as_deref(),
    ) {
        (Some(base), Some(base_result)) => {
            ExportDoc::with_baseline(&results.params, &results.result, base, base_result)
        }
        _ => ExportDoc::new(&results.params, &results.result),
    };
    browser::download_text(
        &download_name(results, None, "json"),
        "application/json",
        &doc.to_json(),
    );
}
