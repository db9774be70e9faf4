//! The page header: title, tabs and the engine status line.

use std::rc::Rc;

use yew::prelude::*;

use crate::app::format;
use crate::app::state::{Action, Computed, EngineMode, Tab};

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The visible tab.
    pub tab: Tab,
    /// Whether an answer is awaited.
    pub computing: bool,
    /// The latest results.
    pub results: Option<Rc<Computed>>,
    /// Engine failure, if any.
    pub failure: Option<String>,
    /// Where the engine runs.
    pub engine: EngineMode,
    /// Where tab changes go.
    pub dispatch: Callback<Action>,
    /// Reopens the first step's questions, if the page has them.
    #[prop_or_default]
    pub on_first_step: Option<Callback<()>>,
}

/// The status text: "computing…" or "N users × D days in X ms".
pub fn status_text(computing: bool, results: Option<&Computed>) -> String {
    match results {
        _ if computing => "computing…".into(),
        Some(r) => format!(
            "{} users × {} days in {} ms",
            format::count(r.result.users as u64),
            r.result.days.len(),
            if r.engine_ms < 10.0 {
                format!("{:.1}", r.engine_ms)
            } else {
                format!("{:.0}", r.engine_ms)
            }
        ),
        None => "starting…".into(),
    }
}

/// Title, tabs and status.
#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let tab_button = |tab: Tab, label: &'static str| {
        let dispatch = props.dispatch.clone();
        let selected = props.tab == tab;
        html! {
            <button type="button" role="tab" class={classes!("tab", selected.then_some("selected"))}
                aria-selected={selected.to_string()}
                onclick={Callback::from(move |_| dispatch.emit(Action::SetTab(tab)))}>
                { label }
            </button>
        }
    };
    let status = status_text(props.computing, props.results.as_deref());
    let result_id = props.results.as_ref().map(|r| r.id).unwrap_or(0);
    html! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">{ "◆" }</span>
                <div>
                    <h1>{ "Marketplace Sandbox" }</h1>
                    <p class="tagline">{ "Auctions, ad load and long-term user and advertiser dynamics" }</p>
                </div>
            </div>
            <nav class="tabs" role="tablist" aria-label="Views">
                { tab_button(Tab::Sandbox, "Sandbox") }
                { tab_button(Tab::Tradeoffs, "Tradeoffs") }
                { tab_button(Tab::Lab, "Lab") }
                { tab_button(Tab::Experiment, "Experiments") }
                { tab_button(Tab::Model, "Model") }
            </nav>
            if let Some(open) = &props.on_first_step {
                <button type="button" class="button ghost small first-step-open" data-action="open-first-step"
                    onclick={open.reform(|_: MouseEvent| ())}>{ "Start here" }</button>
            }
            <div class="status-box">
                <p class={classes!("status", props.computing.then_some("busy"))} role="status" aria-live="polite"
                    data-result-id={result_id.to_string()} data-computing={props.computing.to_string()}>
                    if props.computing { <span class="spinner" aria-hidden="true"></span> }
                    { status }
                </p>
                <p class="engine-mode">{
                    match props.engine {
                        EngineMode::Worker => "engine: Web Worker",
                        EngineMode::MainThread => "engine: main thread",
                    }
                }</p>
                if let Some(failure) = &props.failure {
                    <p class="failure" role="alert">{ failure.clone() }</p>
                }
            </div>
        </header>
    }
}
