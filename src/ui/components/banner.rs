//! The banner listing what was wrong with the link the page was opened with.

use std::rc::Rc;

use yew::prelude::*;

use crate::app::state::{Action, BannerProblem};

/// Props of [`ProblemsBanner`].
#[derive(Properties, PartialEq)]
pub struct ProblemsBannerProps {
    /// The problems.
    pub problems: Rc<Vec<BannerProblem>>,
    /// Where "Dismiss" goes.
    pub dispatch: Callback<Action>,
}

/// Every problem in the link: key, value, what was wrong and what was used instead.
#[function_component(ProblemsBanner)]
pub fn problems_banner(props: &ProblemsBannerProps) -> Html {
    let dismiss = props.dispatch.reform(|_| Action::DismissBanner);
    let n = props.problems.len();
    html! {
        <section class="banner" role="alert">
            <div class="banner-head">
                <strong>{
                    if n == 1 { "The link had 1 problem; the app used safe values instead:".to_string() }
                    else { format!("The link had {n} problems; the app used safe values instead:") }
                }</strong>
                <button type="button" class="button ghost small" onclick={dismiss}>{ "Dismiss" }</button>
            </div>
            <ul>
                { for props.problems.iter().map(|p| html! {
                    <li data-key={p.key.clone()}>
                        <code>{ if p.value.is_empty() { p.key.clone() } else { format!("{}={}", p.key, p.value) } }</code>
                        { format!(" — {}; using ", p.message) }
                        <code>{ p.used.clone() }</code>
                    </li>
                }) }
            </ul>
        </section>
    }
}
