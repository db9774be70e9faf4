//! The toolbar above the results: presets, seed, baseline, link and exports; and, with a
//! baseline pinned, the comparison bar: what differs from the baseline and the test window.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::compare::{changed_knobs, test_window_label};
use crate::app::state::{Action, Computed, ShareBox};
use crate::config::presets::presets;
use crate::config::url::MAX_TEST_WINDOW_DAYS;
use crate::core::model::knobs::Knob;
use crate::core::model::Params;
use crate::ui::{browser, commands};

/// Props of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// The configuration.
    pub params: Rc<Params>,
    /// The pinned baseline.
    pub baseline: Option<Rc<Params>>,
    /// The query string that reproduces the page (configuration, baseline, view).
    pub query: AttrValue,
    /// The preset the configuration equals.
    pub preset: Option<&'static str>,
    /// The latest results (exports need them).
    pub results: Option<Rc<Computed>>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// Presets, seed, baseline, share and export buttons.
#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let dispatch = &props.dispatch;
    let on_preset = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            else {
                return;
            };
            let value = select.value();
            if let Some(p) = presets().iter().find(|p| p.id == value) {
                dispatch.emit(Action::ApplyPreset(p.id));
            }
        })
    };
    let on_new_seed = {
        let dispatch = dispatch.clone();
        let current = props.params.sim.seed;
        Callback::from(move |_| dispatch.emit(Action::SetSeed(browser::random_seed(current))))
    };
    let on_copy = {
        let (dispatch, query) = (dispatch.clone(), props.query.clone());
        Callback::from(move |_| commands::copy_link(&query, dispatch.clone()))
    };
    let on_csv = {
        let results = props.results.clone();
        Callback::from(move |_| {
            if let Some(r) = &results {
                commands::export_csv(r);
            }
        })
    };
    let on_json = {
        let results = props.results.clone();
        Callback::from(move |_| {
            if let Some(r) = &results {
                commands::export_json(r);
            }
        })
    };
    let description = props
        .preset
        .and_then(|id| presets().iter().find(|p| p.id == id))
        .map_or(
            "Your own configuration: no preset matches it exactly.",
            |p| p.description,
        );
    let no_results = props.results.is_none();
    let pinned_here = props.baseline.as_deref() == Some(&*props.params);

    html! {
        <section class="toolbar card" aria-label="Scenario tools">
            <div class="preset-picker">
                <label>
                    <span class="field-label">{ "Preset" }</span>
                    <select onchange={on_preset} data-testid="preset">
                        <option value="" selected={props.preset.is_none()}>{ "Custom" }</option>
                        { for presets().iter().map(|p| html! {
                            <option value={p.id} selected={props.preset == Some(p.id)}>{ p.name }</option>
                        }) }
                    </select>
                </label>
                <p class="preset-description">{ description }</p>
            </div>
            <div class="button-groups">
                <div class="button-group" role="group" aria-label="Scenario">
                    <button type="button" class="button" onclick={on_new_seed}
                        title="Draw a new seed: new users and draws, same design">{ "New seed" }</button>
                    <button type="button" class="button" onclick={dispatch.reform(|_| Action::ResetDefaults)}>{ "Reset" }</button>
                </div>
                <div class="button-group" role="group" aria-label="Compare">
                    <button type="button" class="button primary" disabled={pinned_here}
                        onclick={dispatch.reform(|_| Action::PinBaseline)}
                        title="Freeze the current configuration; later changes are compared to it">{ "Pin as baseline" }</button>
                    <button type="button" class="button" disabled={props.baseline.is_none()}
                        onclick={dispatch.reform(|_| Action::ClearBaseline)}>{ "Clear baseline" }</button>
                </div>
                <div class="button-group" role="group" aria-label="Share and export">
                    <button type="button" class="button" onclick={on_copy}>{ "Copy link" }</button>
                    <button type="button" class="button" disabled={no_results} onclick={on_csv}>{ "Export CSV" }</button>
                    <button type="button" class="button" disabled={no_results} onclick={on_json}>{ "Export JSON" }</button>
                </div>
            </div>
        </section>
    }
}

/// Props of [`ShareField`].
#[derive(Properties, PartialEq)]
pub struct ShareFieldProps {
    /// The share box state.
    pub share: ShareBox,
    /// Where "Close" goes.
    pub dispatch: Callback<Action>,
}

/// After "Copy link": confirmation, or the link in a field to copy by hand.
#[function_component(ShareField)]
pub fn share_field(props: &ShareFieldProps) -> Html {
    let (message, link) = match &props.share {
        ShareBox::Closed => return Html::default(),
        ShareBox::Copied(link) => (
            "Link copied to the clipboard. It reproduces this exact run:",
            link,
        ),
        ShareBox::Manual(link) => ("The clipboard is not available here; copy this link:", link),
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        {
            input.select();
        }
    });
    html! {
        <div class="share card" role="status">
            <label class="share-label">
                <span>{ message }</span>
                <input type="text" readonly=true class="share-link" value={link.clone()} onfocus={select_all} />
            </label>
            <button type="button" class="button ghost small" onclick={props.dispatch.reform(|_| Action::CloseShare)}>{ "Close" }</button>
        </div>
    }
}

/// Props of [`BaselineBar`].
#[derive(Properties, PartialEq)]
pub struct BaselineBarProps {
    /// The configuration.
    pub params: Rc<Params>,
    /// The pinned baseline.
    pub baseline: Rc<Params>,
    /// Days of the test window.
    pub test_window_days: u32,
    /// Where the test window goes.
    pub dispatch: Callback<Action>,
}

/// With a baseline pinned: what differs from it (`Ad every: 6 positions → 3 positions`, or
/// "same design, other seed"), and the test window's length.
#[function_component(BaselineBar)]
pub fn baseline_bar(props: &BaselineBarProps) -> Html {
    let changes = changed_knobs(&props.params, &props.baseline);
    let on_window = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            if let Ok(days) = input.value().trim().parse::<u32>() {
                dispatch.emit(Action::SetTestWindow(days));
            }
        })
    };
    let only_seed = matches!(changes.as_slice(), [only] if only.knob == Some(Knob::Seed));
    let difference = match changes.as_slice() {
        [] => html! {
            <p class="baseline-diff same" data-testid="baseline-diff">
                { "Same configuration as the baseline: change a knob to see its effect." }
            </p>
        },
        [only] if only_seed => html! {
            <p class="baseline-diff same" data-testid="baseline-diff">
                { "Same design, other seed " }
                <span class="knob-change" data-knob={only.key}>
                    { format!("(seed {} → {})", only.baseline, only.design) }
                </span>
                { ": the change is noise, not an effect." }
            </p>
        },
        _ => html! {
            <div class="baseline-diff" data-testid="baseline-diff">
                <span class="diff-title">{ "Changed:" }</span>
                <ul class="knob-changes">
                    { for changes.iter().map(|c| html! {
                        <li class="knob-change" data-knob={c.key}>
                            <span class="knob-label">{ c.label }</span>
                            { ": " }
                            <span class="from">{ c.baseline.clone() }</span>
                            <span class="arrow">{ " → " }</span>
                            <strong class="to">{ c.design.clone() }</strong>
                        </li>
                    }) }
                </ul>
            </div>
        },
    };
    html! {
        <section class="baseline-bar card" aria-label="Comparison with the baseline">
            <div class="baseline-head">
                <p class="baseline-note">
                    <span class="swatch" aria-hidden="true"></span>
                    <strong>{ "Baseline pinned" }</strong>
                    <span class="muted">{ "Cards and table show the change against it; charts overlay it as dashed, lighter lines." }</span>
                </p>
                <label class="test-window"
                    title={format!("The cards' and table's test window, {}: what an A/B test of this length would read", test_window_label(props.test_window_days))}>
                    <span>{ "Test window" }</span>
                    <input id="test-window" type="number" inputmode="numeric" min="1"
                        max={MAX_TEST_WINDOW_DAYS.to_string()} step="1"
                        value={props.test_window_days.to_string()} oninput={on_window} />
                    <span class="muted">{ "days" }</span>
                </label>
            </div>
            { difference }
        </section>
    }
}
