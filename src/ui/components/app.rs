//! The root component: owns the one reducer, wires the engine and the URL, lays out the page.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use yew::prelude::*;

use super::banner::ProblemsBanner;
use super::charts::ChartsPanel;
use super::controls::ControlsPanel;
use super::details::DetailsTable;
use super::experiment::ExperimentPage;
use super::first_step::{FirstStepPanel, NoAdsNotice};
use super::header::Header;
use super::kpis::KpiCards;
use super::lab::LabPage;
use super::model_page::ModelPage;
use super::toolbar::{BaselineBar, ShareField, Toolbar};
use super::tradeoffs::TradeoffsPage;
use crate::app::experiment::ExperimentAction;
use crate::app::first_step::{self, FirstStep, FirstStepAction, STORAGE_KEY};
use crate::app::lab::{LabAction, LabJob};
use crate::app::no_ads::no_ads_reason;
use crate::app::state::{Action, AppState, EngineMode, PendingRequest, Tab};
use crate::core::model::Params;
use crate::ui::browser;
use crate::ui::engine::Engine;

/// Quiet time after the last control change before a run is requested and the URL updated.
/// Quiet time before a run is requested: long enough to coalesce the input events of one drag
/// frame, short enough not to add visible latency (the worker drops superseded requests anyway).
pub const DEBOUNCE_MS: u32 = 25;
/// Quiet time before the URL is rewritten (history replace), so dragging does not churn history.
pub const URL_DEBOUNCE_MS: u32 = 250;

/// Props of [`App`].
#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    /// The query to start from; `None` reads the page's URL.
    #[prop_or_default]
    pub query: Option<AttrValue>,
    /// Where the engine runs (tests mount with [`EngineMode::MainThread`]).
    #[prop_or(EngineMode::Worker)]
    pub engine: EngineMode,
    /// Whether to mirror the configuration into the page's URL.
    #[prop_or(true)]
    pub sync_url: bool,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            query: None,
            engine: EngineMode::Worker,
            sync_url: true,
        }
    }
}

/// A stable `Callback<Action>` for the reducer (so props that hold it compare equal).
#[hook]
fn use_dispatch(state: &UseReducerHandle<AppState>) -> Callback<Action> {
    let dispatcher = state.dispatcher();
    (*use_memo((), move |_| {
        Callback::from(move |action: Action| dispatcher.dispatch(action))
    }))
    .clone()
}

/// The Lab tab's latest batches: Monte Carlo, explicit auction, pacing market, benchmark run.
type LabJobs = [Option<Rc<LabJob>>; 4];

/// Starts the engine (again when its mode changes) and sends every new request to it.
#[hook]
fn use_engine(
    mode: EngineMode,
    request: Option<Rc<PendingRequest>>,
    lab_jobs: LabJobs,
    dispatch: Callback<Action>,
) {
    let engine: Rc<RefCell<Option<Engine>>> = use_mut_ref(|| None);
    {
        let engine = engine.clone();
        use_effect_with(mode, move |mode| {
            *engine.borrow_mut() = Some(Engine::start(
                *mode,
                dispatch.reform(Action::Engine),
                dispatch.reform(|()| Action::EngineUnavailable),
            ));
            move || {
                engine.borrow_mut().take();
            }
        });
    }
    {
        let engine = engine.clone();
        use_effect_with(request, move |request| {
            if let (Some(request), Some(engine)) = (request, engine.borrow().as_ref()) {
                engine.send(request);
            }
        });
    }
    // The Lab tab's batches, each sent once when it becomes the latest of its part.
    use_effect_with(lab_jobs, move |jobs| {
        if let Some(engine) = engine.borrow().as_ref() {
            for job in jobs.iter().flatten() {
                engine.send_lab(job);
            }
        }
    });
}

/// While the Lab tab is shown, once its settings are quiet for [`DEBOUNCE_MS`], ask for the
/// batches whose specs changed.
#[hook]
fn use_lab_submit(lab: crate::config::lab::LabView, shown: bool, dispatch: Callback<Action>) {
    use_effect_with((lab, shown), move |(_, shown)| {
        let run = shown.then(|| {
            Timeout::new(DEBOUNCE_MS, move || {
                dispatch.emit(Action::Lab(LabAction::Submit))
            })
        });
        move || drop(run)
    });
}

/// While the Experiments tab is shown, once its settings and the current design are quiet for
/// [`DEBOUNCE_MS`], run the experiment if its spec changed.
#[hook]
fn use_experiment_submit(
    view: crate::config::experiment::ExperimentView,
    params: Rc<Params>,
    shown: bool,
    dispatch: Callback<Action>,
) {
    use_effect_with((view, params, shown), move |(_, _, shown)| {
        let run = shown.then(|| {
            Timeout::new(DEBOUNCE_MS, move || {
                dispatch.emit(Action::Experiment(ExperimentAction::Submit {
                    now_ms: browser::now_ms(),
                }))
            })
        });
        move || drop(run)
    });
}

/// After each configuration change: once the controls are quiet for [`DEBOUNCE_MS`], request a
/// run. The first run starts at once.
#[hook]
fn use_debounced_submit(
    params: Rc<Params>,
    baseline: Option<Rc<Params>>,
    first: bool,
    dispatch: Callback<Action>,
) {
    use_effect_with((params, baseline), move |_| {
        let delay = if first { 0 } else { DEBOUNCE_MS };
        let run = Timeout::new(delay, move || dispatch.emit(Action::Submit));
        move || drop(run)
    });
}

/// After each change of what the link carries (configuration, baseline, view), once quiet for
/// [`URL_DEBOUNCE_MS`], replace the URL's query (never push). A view change (tab, test window)
/// updates the link without running the engine.
#[hook]
fn use_debounced_url(query: String, first: bool, sync_url: bool) {
    use_effect_with(query, move |query| {
        let query = query.clone();
        let url = sync_url.then(|| {
            Timeout::new(if first { 0 } else { URL_DEBOUNCE_MS }, move || {
                browser::replace_query(&query);
            })
        });
        move || drop(url)
    });
}

/// The whole page.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = {
        let (query, engine) = (props.query.clone(), props.engine);
        use_reducer(move || {
            let query = query.map_or_else(browser::current_query, |q| q.to_string());
            AppState::from_query(&query, engine)
        })
    };
    let dispatch = use_dispatch(&state);
    use_engine(
        state.engine,
        state.request.clone(),
        [
            state.lab.monte_carlo.clone(),
            state.lab.explicit.clone(),
            state.lab.pacing.clone(),
            state.lab.bench.clone(),
        ],
        dispatch.clone(),
    );
    use_lab_submit(
        state.lab.view.clone(),
        state.tab == Tab::Lab && state.engine_ready,
        dispatch.clone(),
    );
    use_experiment_submit(
        state.experiment.view.clone(),
        state.params.clone(),
        state.tab == Tab::Experiment && state.engine_ready,
        dispatch.clone(),
    );
    use_debounced_submit(
        state.params.clone(),
        state.baseline.clone(),
        state.latest_request == 0,
        dispatch.clone(),
    );
    use_debounced_url(state.query(), state.latest_request == 0, props.sync_url);

    let computing = state.computing();

    // The first step: open for first-time visitors, dismissal remembered by the browser.
    let first = use_state(|| FirstStep::new(browser::stored(STORAGE_KEY).as_deref()));
    let first_step_do = {
        let first = first.clone();
        Callback::from(move |action: FirstStepAction| {
            let next = (*first).reduce(action);
            browser::store(STORAGE_KEY, next.stored());
            first.set(next);
        })
    };
    let active_question = first_step::active(&state);
    let notice = active_question
        .zip(state.results.as_deref())
        .and_then(|(q, r)| first_step::notice(q, r))
        .map(AttrValue::from);
    // The "no ads" diagnosis draws the advertisers once per answer, not per render.
    let no_ads = {
        let results = state.results.clone();
        use_memo(results.as_ref().map(|r| r.id), move |_| {
            results.and_then(|r| no_ads_reason(&r.params, &r.result))
        })
    };
    html! {
        <div class="app">
            <a class="skip-link" href="#results">{ "Skip to results" }</a>
            <Header tab={state.tab} computing={computing} results={state.results.clone()}
                failure={state.failure.clone()} engine={state.engine} dispatch={dispatch.clone()}
                on_first_step={{
                    let (first_step_do, dispatch) = (first_step_do.clone(), dispatch.clone());
                    Callback::from(move |()| {
                        first_step_do.emit(FirstStepAction::Reopen);
                        dispatch.emit(Action::SetTab(Tab::Sandbox));
                    })
                }} />
            if state.banner_open && !state.problems.is_empty() {
                <ProblemsBanner problems={state.problems.clone()} dispatch={dispatch.clone()} />
            }
            {
                match state.tab {
                    Tab::Sandbox => html! {
                        <main class="layout">
                            <aside class="sidebar" aria-label="Controls">
                                <ControlsPanel params={state.params.clone()} dispatch={dispatch.clone()} />
                            </aside>
                            <div class={classes!("results", computing.then_some("stale"))} id="results">
                                <Toolbar params={state.params.clone()} baseline={state.baseline.clone()} query={AttrValue::from(state.query())}
                                    preset={state.preset} results={state.results.clone()} dispatch={dispatch.clone()} />
                                <ShareField share={state.share.clone()} dispatch={dispatch.clone()} />
                                if let Some(baseline) = state.baseline.clone() {
                                    <BaselineBar params={state.params.clone()} baseline={baseline}
                                        test_window_days={state.test_window_days} dispatch={dispatch.clone()} />
                                }
                                if first.open {
                                    <FirstStepPanel active={active_question.map(|q| q.id)} notice={notice}
                                        dispatch={dispatch.clone()} on_dismiss={first_step_do.reform(|_| FirstStepAction::Dismiss)} />
                                }
                                if let Some(reason) = (*no_ads).clone() {
                                    <NoAdsNotice reason={reason} />
                                }
                                <KpiCards results={state.results.clone()} test_window_days={state.test_window_days} />
                                <super::promotion::PromotionCard results={state.results.clone()} />
                                <super::strategies::StrategiesCard results={state.results.clone()} />
                                <ChartsPanel results={state.results.clone()} baseline={state.baseline.clone()}
                                    test_window_days={state.test_window_days} />
                                <DetailsTable results={state.results.clone()} test_window_days={state.test_window_days} />
                            </div>
                        </main>
                    },
                    Tab::Model => html! { <main class="layout-model"><ModelPage /></main> },
                    Tab::Tradeoffs => html! { <TradeoffsPage state={Rc::new((*state).clone())} dispatch={dispatch.clone()} /> },
                    Tab::Lab => html! { <LabPage lab={state.lab.clone()} dispatch={dispatch.clone()} /> },
                    Tab::Experiment => html! { <ExperimentPage state={Rc::new((*state).clone())} dispatch={dispatch.clone()} /> },
                }
            }
            <footer class="footer">
                <p>{ "Marketplace Sandbox · the same seed and link give the same numbers in the browser and the command-line tool." }</p>
            </footer>
        </div>
    }
}
