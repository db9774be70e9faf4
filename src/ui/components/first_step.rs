//! The first step: a short panel of questions for first-time visitors, each one click away, with
//! what to notice in the results once they answer it. Its logic (questions, the actions that load
//! them, the sentence) is native in [`crate::app::first_step`].

use yew::prelude::*;

use crate::app::first_step::{ask, QUESTIONS};
use crate::app::state::Action;

/// Props of [`FirstStepPanel`].
#[derive(Properties, PartialEq)]
pub struct FirstStepProps {
    /// The question whose configuration is shown, if any.
    #[prop_or_default]
    pub active: Option<&'static str>,
    /// What to notice in the shown results, once they answer the active question.
    #[prop_or_default]
    pub notice: Option<AttrValue>,
    /// Where the questions' actions go.
    pub dispatch: Callback<Action>,
    /// "Hide" (dismisses the panel; the header's "Start here" brings it back).
    pub on_dismiss: Callback<()>,
}

/// The panel.
#[function_component(FirstStepPanel)]
pub fn first_step_panel(props: &FirstStepProps) -> Html {
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <section class="card first-step" id="first-step" aria-labelledby="first-step-title">
            <div class="first-step-head">
                <h2 id="first-step-title">{ "Start with a question" }</h2>
                <button type="button" class="button ghost small" data-action="dismiss-first-step"
                    onclick={dismiss}>{ "Hide" }</button>
            </div>
            <p class="first-step-intro">{
                "Each question loads a configuration and pins the default as the baseline, so the \
                 cards, charts and table below compare the two on the same users."
            }</p>
            <ul class="questions">
                { for QUESTIONS.iter().map(|q| {
                    let dispatch = props.dispatch.clone();
                    let onclick = Callback::from(move |_: MouseEvent| {
                        for action in ask(q) {
                            dispatch.emit(action);
                        }
                    });
                    let active = props.active == Some(q.id);
                    html! {
                        <li>
                            <button type="button" class={classes!("question", active.then_some("active"))}
                                data-question={q.id} aria-pressed={active.to_string()} {onclick}>
                                { q.text }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            if let (Some(id), Some(notice)) = (props.active, props.notice.clone()) {
                <p class="first-step-notice" data-notice-for={id} aria-live="polite">
                    <strong>{ "What to notice: " }</strong>{ notice }
                </p>
            }
        </section>
    }
}

/// Props of [`NoAdsNotice`].
#[derive(Properties, PartialEq)]
pub struct NoAdsProps {
    /// The likely cause.
    pub reason: AttrValue,
}

/// The "no ads were shown" state of the results.
#[function_component(NoAdsNotice)]
pub fn no_ads_notice(props: &NoAdsProps) -> Html {
    html! {
        <section class="card no-ads" role="status" data-state="no-ads">
            <h2>{ "No ads were shown in this run" }</h2>
            <p>{ props.reason.clone() }</p>
            <p class="muted">{
                "Revenue, clicks and spend are zero, so ratios such as ROI, cost per click and \
                 click-through rate have nothing to divide by and show —."
            }</p>
        </section>
    }
}
