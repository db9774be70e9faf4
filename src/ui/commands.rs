//! Side effects the buttons trigger (copy a link, download a file). Components call these from
//! their callbacks; outcomes that the page must show come back as [`Action`]s.

use std::rc::Rc;

use yew::Callback;

use super::browser;
use crate::app::state::{Action, Computed};
use crate::config::export::{daily_csv, ExportDoc};

/// File name stem of every download.
pub const FILE_STEM: &str = "marketplace-sandbox";

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

/// Downloads the daily metrics of the latest run as CSV.
pub fn export_csv(results: &Rc<Computed>) {
    let csv = daily_csv(&results.result);
    browser::download_text(&format!("{FILE_STEM}-daily.csv"), "text/csv", &csv);
}

/// Downloads the configuration and summaries of the latest run as JSON.
pub fn export_json(results: &Rc<Computed>) {
    let doc = ExportDoc::new(&results.params, &results.result);
    browser::download_text(
        &format!("{FILE_STEM}-run.json"),
        "application/json",
        &doc.to_json(),
    );
}
