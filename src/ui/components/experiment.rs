//! The Experiments tab: an online experiment inside the model, with the current design as the
//! control. Define the treatment (design knobs and their treatment values), the design, share,
//! schedule, replications, metrics and the designs compared side by side; the run's jobs go to
//! the worker pool ([`crate::ui::pool`]) and the report — exactly what `sandbox experiment`
//! prints for the spec shown — becomes the estimate-vs-truth table, the side-by-side designs, the
//! SRM check, the charts ([`crate::chart::experiment`]: estimate against truth, the chosen
//! metric's daily effect and, with a post-period, its learning curve) and the readout. The power
//! calculator answers on the page. Everything computed comes from [`crate::app::experiment`];
//! this file only renders and dispatches.
//!
//! Each chart's canvas carries `data-chart` (`estimate`, `daily`, `learning`), `data-points`
//! (rows or days drawn), `data-message` (what it shows instead of data, empty when it draws
//! data) and, once drawn, `data-drawn` (`RUN` for the estimate chart, `RUN/METRIC` for the
//! others).

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use serde_json::Value as Json;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::app::experiment::{power_answer, ExperimentAction, ExperimentAnswer, ExperimentState};
use crate::app::format::{count, number, param_value};
use crate::app::state::{Action, AppState, Tab};
use crate::chart::experiment::{
    daily_effect_from_report, draw_daily_effect, draw_estimate_vs_truth, draw_learning_curve,
    estimate_vs_truth_from_report, estimate_vs_truth_height, learning_curve_from_report,
    DailyEffect, EstimateVsTruth, LearningCurve,
};
use crate::config::experiment::{
    parse_value, treatable, value_text, Design, ExperimentView, PowerEffect, MAX_APP_REPLICATIONS,
    MAX_EXP_DAYS,
};
use crate::core::model::experiment::SwitchbackSchedule;
use crate::core::model::knobs::{table, Kind, Knob, ParamSpec, Role};
use crate::core::model::metric_table::{Metric, METRICS};
use crate::core::model::Params;
use crate::ui::browser::now_ms;
use crate::ui::components::canvas::{css_width, drawing_area};
use crate::ui::components::fields::{checked, num, target_value};
use crate::ui::pool::{Lane, SweepPool};

/// Props of [`ExperimentPage`].
#[derive(Properties, PartialEq)]
pub struct ExperimentProps {
    /// The app's state (the control is its configuration).
    pub state: Rc<AppState>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// A relative change as a signed percentage (`+12.34%`), "—" when absent.
fn rel(v: &Json) -> String {
    match v.as_f64() {
        Some(x) if x.is_finite() => {
            let sign = if x > 0.0 {
                "+"
            } else if x < 0.0 {
                "−"
            } else {
                "±"
            };
            format!("{sign}{:.2}%", 100.0 * x.abs())
        }
        _ => "—".into(),
    }
}

/// A 95% interval of relative changes.
fn ci(v: &Json) -> String {
    match v.as_array().map(|a| a.as_slice()) {
        Some([lo, hi]) => format!("[{}, {}]", rel(lo), rel(hi)),
        _ => "—".into(),
    }
}

/// A relative change with its 95% interval on a second, smaller line.
fn with_ci(value: &Json, interval: &Json) -> Html {
    html! { <>{ rel(value) }<span class="ci">{ ci(interval) }</span></> }
}

fn raw(v: &Json) -> String {
    v.as_f64().map(|x| x.to_string()).unwrap_or_default()
}

/// A setter: applies `change` to a copy of the settings and dispatches it.
type Set = Rc<dyn Fn(Box<dyn FnOnce(&mut ExperimentView)>)>;

/// A setter as a prop (compared by pointer).
#[derive(Clone)]
pub struct SetProp(Set);

impl PartialEq for SetProp {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The whole tab.
#[function_component(ExperimentPage)]
pub fn experiment_page(props: &ExperimentProps) -> Html {
    let state = &props.state;
    let dispatch = props.dispatch.clone();
    let exp = state.experiment.clone();

    // The pool lives as long as the tab is shown.
    let pool: Rc<RefCell<Option<SweepPool>>> = use_mut_ref(|| None);
    {
        let (pool, dispatch, mode) = (pool.clone(), dispatch.clone(), state.engine);
        use_effect_with(mode, move |mode| {
            *pool.borrow_mut() = Some(SweepPool::new(*mode, dispatch));
            move || {
                pool.borrow_mut().take();
            }
        });
    }
    // The latest run's unanswered jobs go to the pool (a finished or replaced run empties it).
    {
        let pool = pool.clone();
        let run = exp.run.clone();
        let key = run.as_ref().map(|r| (r.id, r.running()));
        use_effect_with((key, state.engine), move |_| {
            if let Some(pool) = pool.borrow().as_ref() {
                let requests = run
                    .filter(|r| r.running())
                    .map(|r| r.requests())
                    .unwrap_or_default();
                pool.submit(Lane::Experiment, requests);
            }
        });
    }
    // The elapsed time ticks while the run computes.
    {
        let dispatch = dispatch.clone();
        use_effect_with(exp.computing(), move |running| {
            let tick = running
                .then(|| Interval::new(250, move || dispatch.emit(Action::SweepClock(now_ms()))));
            move || drop(tick)
        });
    }
    let set: Set = {
        let (exp, dispatch) = (exp.clone(), dispatch.clone());
        Rc::new(move |change: Box<dyn FnOnce(&mut ExperimentView)>| {
            let mut view = exp.view.clone();
            change(&mut view);
            dispatch.emit(Action::Experiment(ExperimentAction::Set(view)));
        })
    };
    let sessions = state
        .results
        .as_ref()
        .filter(|r| *r.params == *state.params)
        .map(|r| r.result.summaries.whole_run.sessions_per_day);
    html! {
        <main class="layout-exp" aria-label="Experiments">
            <DefineCard exp={exp.clone()} params={state.params.clone()} set={SetProp(set.clone())}
                to_sandbox={dispatch.reform(|_: MouseEvent| Action::SetTab(Tab::Sandbox))} />
            <ExperimentResults exp={exp.clone()} set={SetProp(set.clone())} />
            <PowerCard exp={exp.clone()} set={SetProp(set)} sessions={sessions} />
        </main>
    }
}

/// Props of [`DefineCard`].
#[derive(Properties, PartialEq)]
pub struct DefineProps {
    /// The tab's state.
    pub exp: Rc<ExperimentState>,
    /// The current design (the control).
    pub params: Rc<Params>,
    /// The setter.
    pub set: SetProp,
    /// Go to the Sandbox tab (to change the control).
    pub to_sandbox: Callback<MouseEvent>,
}

/// The value editor's control for `spec` (number, choice or switch), with DOM id `id`.
fn value_input(spec: &ParamSpec, value: &str, id: &str, onchange: Callback<Event>) -> Html {
    match spec.kind {
        Kind::Number { limits, slider } | Kind::Integer { limits, slider } => html! {
            <input id={id.to_string()} type="number" min={limits.0.to_string()} max={limits.1.to_string()}
                step={slider.step.to_string()} value={value.to_string()} onchange={onchange} />
        },
        Kind::Choice { options } => html! {
            <select id={id.to_string()} onchange={onchange}>
                { for options.iter().map(|(v, label)| html! {
                    <option value={*v} selected={*v == value}>{ *label }</option>
                }) }
            </select>
        },
        Kind::Switch => html! {
            <select id={id.to_string()} onchange={onchange}>
                <option value="1" selected={value == "1"}>{ "On" }</option>
                <option value="0" selected={value == "0"}>{ "Off" }</option>
            </select>
        },
    }
}

/// A switchback schedule's label for people.
fn switchback_label(s: SwitchbackSchedule) -> &'static str {
    match s {
        SwitchbackSchedule::Independent => "Independent (a coin per day)",
        SwitchbackSchedule::Balanced => "Balanced (exactly share × days)",
        SwitchbackSchedule::Paired => "Paired (one of each per two days)",
    }
}

/// Define: the control (the current design), the treatment editor and the experiment's
/// settings.
#[function_component(DefineCard)]
pub fn define_card(props: &DefineProps) -> Html {
    let v = &props.exp.view;
    let set = props.set.0.clone();
    let params = props.params.clone();
    // The knob being edited: by default the first design knob not yet treated.
    let picked = use_state(|| None::<Knob>);
    let draft = use_state(String::new);
    let draft_error = use_state(|| None::<String>);
    // The spec parser's message for a world knob (the same for every world knob but its name).
    let world_note = use_memo((), |_| {
        table()
            .iter()
            .filter(|s| s.role == Role::World && s.id != Knob::Seed)
            .map(|s| s.label)
            .collect::<Vec<_>>()
            .join(", ")
    });
    let knob = (*picked)
        .or_else(|| {
            table()
                .iter()
                .find(|s| treatable(s) && !v.treatment.iter().any(|(k, _)| *k == s.id))
                .map(|s| s.id)
        })
        .unwrap_or(Knob::Every);
    let spec = knob.spec();
    let control_value = (spec.get)(&params);
    let shown_value = if draft.is_empty() {
        value_text(&control_value)
    } else {
        (*draft).clone()
    };
    let pick = {
        let (picked, draft, draft_error) = (picked.clone(), draft.clone(), draft_error.clone());
        Callback::from(move |e: Event| {
            if let Some(spec) = target_value(&e).and_then(|t| table().iter().find(|s| s.url == t)) {
                picked.set(Some(spec.id));
                draft.set(String::new());
                draft_error.set(None);
            }
        })
    };
    let edit = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            if let Some(t) = target_value(&e) {
                draft.set(t);
            }
        })
    };
    let add = {
        let (set, draft, draft_error) = (set.clone(), draft.clone(), draft_error.clone());
        let text = shown_value.clone();
        Callback::from(move |_: MouseEvent| match parse_value(spec, &text) {
            Ok(value) => {
                draft_error.set(None);
                draft.set(String::new());
                set(Box::new(move |v| {
                    v.treatment.retain(|(k, _)| *k != knob);
                    v.treatment.push((knob, value));
                }));
            }
            Err(e) => draft_error.set(Some(e)),
        })
    };
    let on = |apply: fn(&mut ExperimentView, &str)| {
        let set = set.clone();
        Callback::from(move |e: Event| {
            if let Some(text) = target_value(&e) {
                set(Box::new(move |v| apply(v, &text)));
            }
        })
    };
    let days_field = |id: &'static str,
                      label: &'static str,
                      value: u32,
                      min: u32,
                      apply: fn(&mut ExperimentView, u32)| {
        let set = set.clone();
        html! {
            <label class="sweep-field narrow" for={id}>
                <span>{ label }</span>
                <input id={id} type="number" min={min.to_string()} max={MAX_EXP_DAYS.to_string()} step="1"
                    value={value.to_string()} onchange={Callback::from(move |e: Event| {
                        if let Some(n) = target_value(&e).and_then(|t| t.trim().parse::<u32>().ok()) {
                            let n = n.clamp(min, MAX_EXP_DAYS);
                            set(Box::new(move |v| apply(v, n)));
                        }
                    })} />
            </label>
        }
    };
    let default_metrics = v.metrics.is_empty();
    html! {
        <section class="exp-define card" aria-label="Define the experiment">
            <h2>{ "Define" }</h2>
            <div class="exp-steps">
                <div class="exp-step">
                    <h3>{ "1 · Control: use the current design" }</h3>
                    <p class="hint">
                        { format!("The control is the current configuration ({} users, {} advertisers, seed {}). ",
                            count(params.users.count as u64), count(params.advertisers.count as u64), params.sim.seed) }
                        <button type="button" class="button ghost small" onclick={props.to_sandbox.clone()}>{ "Change it in the Sandbox" }</button>
                    </p>
                </div>
                <div class="exp-step">
                    <h3>{ "2 · Treatment: change design knobs" }</h3>
                    <table class="lab-table exp-treatment" id="exp-treatment">
                        <thead><tr><th>{ "Knob" }</th><th>{ "Control" }</th><th>{ "Treatment" }</th><th></th></tr></thead>
                        <tbody>
                            if v.treatment.is_empty() {
                                <tr><td colspan="4" class="muted">{ "No change yet: pick a knob below." }</td></tr>
                            }
                            { for v.treatment.iter().map(|(k, value)| {
                                let s = k.spec();
                                let remove = {
                                    let (set, k) = (set.clone(), *k);
                                    Callback::from(move |_: MouseEvent| set(Box::new(move |v| v.treatment.retain(|(x, _)| *x != k))))
                                };
                                html! {
                                    <tr data-knob={s.url}>
                                        <th scope="row">{ s.label }</th>
                                        <td>{ param_value(s, &(s.get)(&params)) }</td>
                                        <td data-value={value_text(value)}>{ param_value(s, value) }</td>
                                        <td><button type="button" class="button ghost small" aria-label={format!("Remove {}", s.label)} onclick={remove}>{ "Remove" }</button></td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                    <div class="exp-editor">
                        <label class="sweep-field" for="exp-knob">
                            <span>{ "Design knob" }</span>
                            <select id="exp-knob" onchange={pick}>
                                { for table().iter().filter(|s| treatable(s)).map(|s| html! {
                                    <option value={s.url} selected={s.id == knob}>{ s.label }</option>
                                }) }
                                <optgroup label="World (both arms share it; cannot be a treatment)">
                                    { for table().iter().filter(|s| s.role == Role::World).map(|s| html! {
                                        <option value={s.url} disabled=true title="A knob of the world, not of the design: both arms of one world share it">{ s.label }</option>
                                    }) }
                                </optgroup>
                            </select>
                        </label>
                        <label class="sweep-field" for="exp-value">
                            <span>{ format!("Treatment value{}", if spec.unit.is_empty() { String::new() } else { format!(" ({})", spec.unit) }) }</span>
                            { value_input(spec, &shown_value, "exp-value", edit) }
                        </label>
                        <button type="button" class="button" id="exp-add" onclick={add}>{ "This is the treatment" }</button>
                    </div>
                    if let Some(e) = &*draft_error {
                        <p class="lab-problem" role="alert">{ e.clone() }</p>
                    }
                    <p class="hint">{ format!("World knobs ({}) cannot be a treatment: both arms of one world share them.", world_note) }</p>
                </div>
                <div class="exp-step">
                    <h3>{ "3 · Design, schedule and metrics" }</h3>
                    <div class="lab-controls exp-settings">
                        <label class="sweep-field" for="exp-design">
                            <span>{ "Design" }</span>
                            <select id="exp-design" onchange={on(|v, t| if let Some(d) = Design::from_name(t) { v.design = d })}>
                                { for Design::ALL.into_iter().map(|d| html! {
                                    <option value={d.as_str()} selected={d == v.design}>{ d.label() }</option>
                                }) }
                            </select>
                        </label>
                        <label class="sweep-field narrow" for="exp-share">
                            <span>{ "Treatment share" }</span>
                            <input id="exp-share" type="number" min="0.01" max="0.99" step="0.05" value={v.share.to_string()}
                                onchange={on(|v, t| if let Some(x) = num(t).filter(|x| *x > 0.0 && *x < 1.0) { v.share = x })} />
                        </label>
                        if v.runs_switchback() {
                            <label class="sweep-field" for="exp-switchback">
                                <span>{ "Switchback days" }</span>
                                <select id="exp-switchback" onchange={on(|v, t| if let Some(s) = SwitchbackSchedule::from_name(t) { v.switchback = s })}>
                                    { for SwitchbackSchedule::ALL.into_iter().map(|s| html! {
                                        <option value={s.name()} selected={s == v.switchback}>{ switchback_label(s) }</option>
                                    }) }
                                </select>
                            </label>
                        }
                        { days_field("exp-pre", "Pre-period days", v.pre_days, 0, |v, n| v.pre_days = n) }
                        { days_field("exp-days", "Test days", v.days, 1, |v, n| v.days = n) }
                        { days_field("exp-post", "Post-period days", v.post_days, 0, |v, n| v.post_days = n) }
                        { days_field("exp-horizon", "Long-term horizon (days)", v.horizon_days, 1, |v, n| v.horizon_days = n) }
                        <label class="sweep-field narrow" for="exp-reps">
                            <span>{ "Replications" }</span>
                            <input id="exp-reps" type="number" min="1" max={MAX_APP_REPLICATIONS.to_string()} step="1" value={v.replications.to_string()}
                                onchange={on(|v, t| if let Ok(n) = t.trim().parse::<u32>() { v.replications = n.clamp(1, MAX_APP_REPLICATIONS) })} />
                        </label>
                    </div>
                    <fieldset class="exp-checks" id="exp-designs">
                        <legend>{ "Compare designs side by side (same world)" }</legend>
                        { for Design::ALL.into_iter().map(|d| {
                            let set = set.clone();
                            let on = Callback::from(move |e: Event| {
                                let on = checked(&e);
                                set(Box::new(move |v| {
                                    v.designs.retain(|x| *x != d);
                                    if on {
                                        v.designs.push(d);
                                        v.designs.sort_by_key(|x| Design::ALL.iter().position(|y| y == x));
                                    }
                                }))
                            });
                            html! {
                                <label class="check"><input type="checkbox" data-design={d.as_str()} checked={v.designs.contains(&d)} onchange={on} />{ d.label() }</label>
                            }
                        }) }
                    </fieldset>
                    <fieldset class="exp-checks" id="exp-metrics">
                        <legend>{ if default_metrics { "Metrics (the design's defaults; tick to choose)" } else { "Metrics" } }</legend>
                        { for METRICS.iter().filter(|r| r.summary.is_some()).map(|r| {
                            let (set, metric) = (set.clone(), r.metric);
                            let on = Callback::from(move |e: Event| {
                                let on = checked(&e);
                                set(Box::new(move |v| {
                                    v.metrics.retain(|m| *m != metric);
                                    if on {
                                        v.metrics.push(metric);
                                        v.metrics.sort_by_key(|m| *m as usize);
                                    }
                                }))
                            });
                            html! {
                                <label class="check"><input type="checkbox" data-metric={r.key} checked={v.metrics.contains(&r.metric)} onchange={on} />{ r.label }</label>
                            }
                        }) }
                    </fieldset>
                </div>
            </div>
        </section>
    }
}

/// Props of [`ExperimentResults`].
#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    /// The tab's state.
    pub exp: Rc<ExperimentState>,
    /// The setter (the charts' metric).
    pub set: SetProp,
}

fn metric_label(key: &str) -> String {
    Metric::from_key(key)
        .map(|m| m.row().label.to_string())
        .unwrap_or_else(|| key.to_string())
}

fn reason(v: &Json) -> Option<String> {
    v.get("reason").and_then(Json::as_str).map(str::to_string)
}

/// The report: status, estimate against truth, designs side by side, SRM, charts, readout.
#[function_component(ExperimentResults)]
pub fn experiment_results(props: &ResultsProps) -> Html {
    let exp = &props.exp;
    let computing = exp.computing();
    let progress = exp.run.as_ref().map(|r| {
        html! {
            <p class="exp-progress sweep-progress" data-done={r.done().to_string()} data-total={r.outputs.len().to_string()}
                data-run-id={r.id.to_string()}>
                { format!("{} of {} jobs · {:.1} s", r.done(), r.outputs.len(), r.elapsed_ms / 1000.0) }
            </p>
        }
    });
    let answer_id = exp.answer.as_ref().map(|a| a.id).unwrap_or(0);
    html! {
        <section class={classes!("exp-results", "card", computing.then_some("stale"))} aria-label="Experiment report"
            data-run-id={answer_id.to_string()} data-computing={computing.to_string()}>
            <h2>{ "Report" }</h2>
            { progress.unwrap_or_default() }
            if let Some(problem) = &exp.problem {
                <p class="lab-problem" role="alert" id="exp-problem">{ problem.clone() }</p>
            }
            if let Some(answer) = &exp.answer {
                { report_view(&answer.report, html! {
                    <ExperimentCharts answer={answer.clone()} chart={exp.view.chart} set={props.set.clone()} />
                }) }
                <details class="exp-spec">
                    <summary>{ "Spec and report (the CLI gives the same report)" }</summary>
                    <p class="hint">{ format!("Save the spec as spec.json and run `sandbox experiment spec.json`: it prints the report below. Run in {} job(s), {:.2} s.", answer.jobs, answer.elapsed_ms / 1000.0) }</p>
                    <pre id="exp-spec-json">{ (*answer.spec).clone() }</pre>
                    <pre id="exp-report-json">{ (*answer.text).clone() }</pre>
                </details>
            } else if exp.problem.is_none() {
                <p class="hint">{ "Running…" }</p>
            }
        </section>
    }
}

/// The report's tables, with `charts` between the side-by-side designs and the readout.
fn report_view(report: &Json, charts: Html) -> Html {
    let metrics = report["metrics"].as_object().cloned().unwrap_or_default();
    let reps = report["replications"].as_u64().unwrap_or(1);
    let srm = report["srm_p_value"].as_f64();
    let units = &report["units"];
    let srm_flag = srm.is_some_and(|p| p < 0.001);
    // CUPED's replications summary, when the report has one for some metric.
    let cuped_reps = reps >= 2
        && metrics
            .values()
            .any(|m| m["replications"]["cuped"]["coverage"].is_number());
    let coverage = |r: &Json| {
        r["coverage"]
            .as_f64()
            .map(|c| format!("{:.0}%", 100.0 * c))
            .unwrap_or_else(|| "—".into())
    };
    let readout: Vec<String> = report["readout"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|l| l.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    html! {
        <>
            <p class={classes!("exp-srm", srm_flag.then_some("bad"))} data-p={srm.map(|p| p.to_string()).unwrap_or_default()}>
                { format!("Design: {} · units: {} control, {} treatment · sample-ratio check p = {}",
                    report["design"].as_str().unwrap_or(""), units["control"], units["treatment"],
                    srm.map(number).unwrap_or_else(|| "—".into())) }
                { if srm_flag { " — the split is off: distrust the estimates" } else if srm.is_some() { " (no mismatch)" } else { "" } }
            </p>
            <div class="table-scroll">
            <table class="lab-table exp-table" id="exp-estimates">
                <caption>{ "Estimate against truth (relative change, treatment vs control)" }</caption>
                <thead><tr>
                    <th>{ "Metric" }</th><th>{ "Estimate [95% CI]" }</th><th>{ "Truth" }</th>
                    <th>{ "Long-term truth" }</th><th>{ "CUPED" }</th><th>{ "Post-period" }</th>
                    if reps >= 2 { <th>{ format!("Bias ({reps} reps)") }</th><th>{ "RMSE" }</th><th>{ "Coverage" }</th> }
                    if cuped_reps { <th>{ "CUPED bias" }</th><th>{ "CUPED RMSE" }</th><th>{ "CUPED coverage" }</th> }
                </tr></thead>
                <tbody>
                    { for metrics.iter().map(|(key, m)| {
                        let e = &m["estimate"];
                        let cuped = m.get("cuped");
                        let post = m.get("post_period");
                        let r = m.get("replications");
                        html! {
                            <tr data-metric={key.clone()} data-estimate={raw(&e["relative"])} data-truth={raw(&m["truth"]["relative"])}
                                data-long-term={raw(&m["long_term_truth"]["relative"])}>
                                <th scope="row">{ metric_label(key) }</th>
                                <td title={reason(e)}>{ if let Some(r) = reason(e) { html!{ <span class="muted" title={r}>{ "n/a" }</span> } } else { with_ci(&e["relative"], &e["relative_ci"]) } }</td>
                                <td>{ rel(&m["truth"]["relative"]) }</td>
                                <td>{ rel(&m["long_term_truth"]["relative"]) }</td>
                                <td title={cuped.and_then(reason)}>{ match cuped {
                                    None => html! { "—" },
                                    Some(c) if c["relative"].is_number() => with_ci(&c["relative"], &c["relative_ci"]),
                                    Some(_) => html! { "n/a" },
                                } }</td>
                                <td title={post.and_then(reason)}>{ match post {
                                    None => html! { "—" },
                                    Some(p) => {
                                        let hl = p["half_life_days"].as_f64().map(|h| format!("half-life {} d", number(h))).unwrap_or_default();
                                        html! { <>{ rel(&p["relative"]) }<span class="ci">{ hl }</span></> }
                                    }
                                } }</td>
                                if reps >= 2 {
                                    <td>{ r.map(|r| rel(&r["bias"])).unwrap_or_default() }</td>
                                    <td>{ r.map(|r| rel(&r["rmse"])).unwrap_or_default() }</td>
                                    <td data-coverage={r.map(|r| raw(&r["coverage"])).unwrap_or_default()}>{ r.map(coverage).unwrap_or_else(|| "—".into()) }</td>
                                }
                                if cuped_reps {
                                    <td title={r.and_then(|r| reason(&r["cuped"]))}>{ r.map(|r| rel(&r["cuped"]["bias"])).unwrap_or_default() }</td>
                                    <td>{ r.map(|r| rel(&r["cuped"]["rmse"])).unwrap_or_default() }</td>
                                    <td data-cuped-coverage={r.map(|r| raw(&r["cuped"]["coverage"])).unwrap_or_default()}>{ r.map(|r| coverage(&r["cuped"])).unwrap_or_else(|| "—".into()) }</td>
                                }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
            { designs_view(report) }
            { charts }
            <section class="exp-readout" aria-label="Readout">
                <h3>{ "Readout" }</h3>
                if readout.is_empty() {
                    <p class="hint">{ readout_fallback(report) }</p>
                } else {
                    <ul>{ for readout.iter().map(|l| html! { <li>{ l.clone() }</li> }) }</ul>
                }
            </section>
        </>
    }
}

/// Height of the experiment charts (CSS pixels).
const EXP_CHART_HEIGHT: u32 = 320;

/// One experiment chart, as data.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpChart {
    /// Estimate against truth, every metric and design.
    Estimate(EstimateVsTruth),
    /// The chosen metric's daily effect.
    Daily(DailyEffect),
    /// The chosen metric's learning curve after the test.
    Learning(LearningCurve),
}

impl ExpChart {
    /// The `data-chart` name.
    fn name(&self) -> &'static str {
        match self {
            ExpChart::Estimate(_) => "estimate",
            ExpChart::Daily(_) => "daily",
            ExpChart::Learning(_) => "learning",
        }
    }

    /// What the canvas shows, for screen readers.
    fn label(&self) -> &'static str {
        match self {
            ExpChart::Estimate(_) => "Estimate against truth per design and metric: the estimate with its 95% interval, the truth over the test days as a bar and the long-term truth as a dashed tick",
            ExpChart::Daily(_) => "The chosen metric's relative effect per day with its 95% interval; the post-period shaded",
            ExpChart::Learning(_) => "After the test: the daily difference between the former arms and the fitted decay with its half-life",
        }
    }

    /// Rows (estimate) or days (daily effect, learning curve) drawn; 0 when a message is shown.
    fn points(&self) -> usize {
        match self {
            ExpChart::Estimate(c) if c.message.is_none() => c.rows.len(),
            ExpChart::Daily(c) if c.message.is_none() => c.points.len(),
            ExpChart::Learning(c) if c.message.is_none() => c.points.len(),
            _ => 0,
        }
    }

    /// What the chart shows instead of data, if anything.
    fn message(&self) -> Option<&str> {
        match self {
            ExpChart::Estimate(c) => c.message.as_deref(),
            ExpChart::Daily(c) => c.message.as_deref(),
            ExpChart::Learning(c) => c.message.as_deref(),
        }
    }

    fn draw(&self, el: &HtmlCanvasElement) -> Result<(), String> {
        // The estimate chart grows taller when its rows' labels or its legend need it.
        let height = match self {
            ExpChart::Estimate(c) => estimate_vs_truth_height(c, css_width(el), EXP_CHART_HEIGHT),
            _ => EXP_CHART_HEIGHT,
        };
        let area = drawing_area(el, height).ok_or("no 2D context on the canvas")?;
        match self {
            ExpChart::Estimate(c) => draw_estimate_vs_truth(&area, c),
            ExpChart::Daily(c) => draw_daily_effect(&area, c),
            ExpChart::Learning(c) => draw_learning_curve(&area, c),
        }
        .map(|_| ())
    }
}

/// Props of [`ExpChartCanvas`].
#[derive(Properties, PartialEq)]
pub struct ExpChartProps {
    /// The chart.
    pub chart: Rc<ExpChart>,
    /// What it shows (`RUN` or `RUN/METRIC`), written to `data-drawn` once drawn.
    pub drawn: String,
}

/// One experiment chart's canvas (see the module docs for its `data-*` attributes).
#[function_component(ExpChartCanvas)]
pub fn exp_chart_canvas(props: &ExpChartProps) -> Html {
    let canvas = use_node_ref();
    {
        let (canvas, chart, drawn) = (canvas.clone(), props.chart.clone(), props.drawn.clone());
        use_effect_with((chart, drawn), move |(chart, drawn)| {
            let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            match chart.draw(&el) {
                Ok(()) => {
                    let _ = el.set_attribute("data-drawn", drawn);
                }
                Err(e) => gloo::console::error!(e),
            }
        });
    }
    let c = &props.chart;
    html! {
        <div class="canvas-box">
            <canvas ref={canvas} role="img" class="exp-canvas" aria-label={c.label()}
                data-chart={c.name()} data-points={c.points().to_string()}
                data-message={c.message().unwrap_or_default().to_string()}></canvas>
        </div>
    }
}

/// Props of [`ExperimentCharts`].
#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    /// The report shown.
    pub answer: Rc<ExperimentAnswer>,
    /// The chosen metric (`None`, or one the report lacks: its first).
    pub chart: Option<Metric>,
    /// The setter.
    pub set: SetProp,
}

/// The report's metric keys, in the report's order.
fn report_metric_keys(report: &Json) -> Vec<String> {
    match report["metric_keys"].as_array() {
        Some(list) => list
            .iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect(),
        None => report["metrics"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default(),
    }
}

/// The charts: estimate against truth; the chosen metric's daily effect and, when the report
/// has a post-period, its learning curve.
#[function_component(ExperimentCharts)]
pub fn experiment_charts(props: &ChartsProps) -> Html {
    let answer = &props.answer;
    let report = &answer.report;
    let keys = report_metric_keys(report);
    let metric = props
        .chart
        .map(|m| m.key().to_string())
        .filter(|k| keys.contains(k))
        .or_else(|| keys.first().cloned())
        .unwrap_or_default();
    let post = report["schedule"]["post_days"].as_u64().unwrap_or(0) > 0;
    let estimate = {
        let report = report.clone();
        use_memo(answer.id, move |_| {
            let mut chart = estimate_vs_truth_from_report(&report);
            // The metrics' short labels under the rows.
            for row in &mut chart.rows {
                if let Some(m) = Metric::from_key(&row.metric) {
                    row.metric = m.row().short_label().to_string();
                }
            }
            ExpChart::Estimate(chart)
        })
    };
    let per_metric = {
        let report = report.clone();
        use_memo((answer.id, metric.clone()), move |(_, metric)| {
            let label = metric_label(metric);
            let mut daily = daily_effect_from_report(&report, metric);
            daily.title = format!("Daily effect on {label}");
            let learning = post.then(|| {
                let mut c = learning_curve_from_report(&report, metric);
                c.title = format!("After the test: {label}");
                Rc::new(ExpChart::Learning(c))
            });
            (Rc::new(ExpChart::Daily(daily)), learning)
        })
    };
    let (daily, learning) = (*per_metric).clone();
    let pick = {
        let set = props.set.0.clone();
        Callback::from(move |e: Event| {
            if let Some(m) = target_value(&e).and_then(|t| Metric::from_key(&t)) {
                set(Box::new(move |v| v.chart = Some(m)));
            }
        })
    };
    let id = answer.id;
    html! {
        <section class="exp-charts" id="exp-charts" aria-label="Experiment charts" data-metric={metric.clone()}>
            <figure class="card exp-chart wide">
                <ExpChartCanvas chart={estimate} drawn={id.to_string()} />
                <figcaption class="hint">{ "Per design and metric: the estimate (dot) with its 95% interval, the truth over the test days (bar) and the long-term truth (dashed)." }</figcaption>
            </figure>
            <div class="exp-chart-pick wide">
                <label class="sweep-field" for="exp-chart-metric">
                    <span>{ "Metric shown day by day" }</span>
                    <select id="exp-chart-metric" onchange={pick}>
                        { for keys.iter().map(|k| html! {
                            <option value={k.clone()} selected={*k == metric}>{ metric_label(k) }</option>
                        }) }
                    </select>
                </label>
            </div>
            <figure class="card exp-chart">
                <ExpChartCanvas chart={daily} drawn={format!("{id}/{metric}")} />
            </figure>
            if let Some(learning) = learning {
                <figure class="card exp-chart">
                    <ExpChartCanvas chart={learning} drawn={format!("{id}/{metric}")} />
                </figure>
            }
        </section>
    }
}

/// A one-line reading of the first metric when the report carries no readout.
fn readout_fallback(report: &Json) -> String {
    let Some((key, m)) = report["metrics"].as_object().and_then(|o| o.iter().next()) else {
        return String::new();
    };
    format!(
        "{}: the experiment estimates {} {} against a true {} (long-term {}).",
        metric_label(key),
        rel(&m["estimate"]["relative"]),
        ci(&m["estimate"]["relative_ci"]),
        rel(&m["truth"]["relative"]),
        rel(&m["long_term_truth"]["relative"]),
    )
}

/// The side-by-side designs table.
fn designs_view(report: &Json) -> Html {
    let Some(designs) = report["designs"].as_object() else {
        return html! {};
    };
    let names: Vec<&String> = designs.keys().collect();
    let metric_keys: Vec<String> = report["metrics"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    html! {
        <div class="table-scroll">
        <table class="lab-table exp-table" id="exp-designs-table">
            <caption>{ "Designs side by side on the same world: estimate [95% CI] against the truth" }</caption>
            <thead><tr>
                <th>{ "Metric" }</th><th>{ "Truth" }</th>
                { for names.iter().map(|n| html! { <th data-design={(*n).clone()}>{ Design::from_name(n).map(|d| d.label()).unwrap_or(n) }</th> }) }
            </tr></thead>
            <tbody>
                { for metric_keys.iter().map(|key| {
                    let truth = names.first().map(|n| designs[*n]["metrics"][key]["truth_relative"].clone()).unwrap_or(Json::Null);
                    html! {
                        <tr data-metric={key.clone()}>
                            <th scope="row">{ metric_label(key) }</th>
                            <td>{ rel(&truth) }</td>
                            { for names.iter().map(|n| {
                                let e = &designs[*n]["metrics"][key];
                                html! {
                                    <td data-design={(*n).clone()} data-estimate={raw(&e["relative"])} title={reason(e)}>{
                                        if e["relative"].is_number() { with_ci(&e["relative"], &e["relative_ci"]) } else { html! { "n/a" } }
                                    }</td>
                                }
                            }) }
                        </tr>
                    }
                }) }
                <tr class="srm-row">
                    <th scope="row">{ "Sample-ratio check p" }</th><td></td>
                    { for names.iter().map(|n| html! { <td>{ designs[*n]["srm_p_value"].as_f64().map(number).unwrap_or_else(|| "—".into()) }</td> }) }
                </tr>
            </tbody>
        </table>
        </div>
    }
}

/// Props of [`PowerCard`].
#[derive(Properties, PartialEq)]
pub struct PowerProps {
    /// The tab's state.
    pub exp: Rc<ExperimentState>,
    /// The setter.
    pub set: SetProp,
    /// Sessions per day of the current design, when its run is known.
    pub sessions: Option<f64>,
}

/// The power / minimum-detectable-effect calculator.
#[function_component(PowerCard)]
pub fn power_card(props: &PowerProps) -> Html {
    let v = &props.exp.view;
    let p = v.power;
    let set = props.set.0.clone();
    let answer = power_answer(&p, v.share, v.days, props.sessions);
    let on = |apply: fn(&mut ExperimentView, f64)| {
        let set = set.clone();
        Callback::from(move |e: Event| {
            if let Some(x) = target_value(&e).as_deref().and_then(num) {
                set(Box::new(move |v| apply(v, x)));
            }
        })
    };
    let proportion = matches!(p.effect, PowerEffect::Proportion { .. });
    let mode = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            let mean = target_value(&e).as_deref() == Some("mean");
            set(Box::new(move |v| {
                v.power.effect = match (mean, v.power.effect) {
                    (true, PowerEffect::Proportion { baseline, lift }) => PowerEffect::Mean {
                        sd: (baseline * (1.0 - baseline)).sqrt(),
                        mde: baseline * lift,
                    },
                    (false, PowerEffect::Mean { .. }) => {
                        crate::config::experiment::PowerView::default().effect
                    }
                    (_, e) => e,
                }
            }))
        })
    };
    let (a_label, a_value, b_label, b_value) = match p.effect {
        PowerEffect::Proportion { baseline, lift } => {
            ("Baseline rate", baseline, "Relative lift", lift)
        }
        PowerEffect::Mean { sd, mde } => ("SD per unit", sd, "Absolute effect (MDE)", mde),
    };
    let set_a: fn(&mut ExperimentView, f64) = |v, x| match &mut v.power.effect {
        PowerEffect::Proportion { baseline, .. } => *baseline = x,
        PowerEffect::Mean { sd, .. } => *sd = x,
    };
    let set_b: fn(&mut ExperimentView, f64) = |v, x| match &mut v.power.effect {
        PowerEffect::Proportion { lift, .. } => *lift = x,
        PowerEffect::Mean { mde, .. } => *mde = x,
    };
    html! {
        <section class="exp-power card" aria-label="Power calculator">
            <h2>{ "Power and minimum detectable effect" }</h2>
            <div class="lab-controls">
                <label class="sweep-field" for="exp-pw-mode">
                    <span>{ "Metric kind" }</span>
                    <select id="exp-pw-mode" onchange={mode}>
                        <option value="proportion" selected={proportion}>{ "A rate (CTR…)" }</option>
                        <option value="mean" selected={!proportion}>{ "A mean (SD known)" }</option>
                    </select>
                </label>
                <label class="sweep-field narrow" for="exp-pw-a">
                    <span>{ a_label }</span>
                    <input id="exp-pw-a" type="number" step="any" value={a_value.to_string()} onchange={on(set_a)} />
                </label>
                <label class="sweep-field narrow" for="exp-pw-b">
                    <span>{ b_label }</span>
                    <input id="exp-pw-b" type="number" step="any" value={b_value.to_string()} onchange={on(set_b)} />
                </label>
                <label class="sweep-field narrow" for="exp-pw-alpha">
                    <span>{ "α (two-sided)" }</span>
                    <input id="exp-pw-alpha" type="number" min="0.001" max="0.5" step="0.01" value={p.alpha.to_string()}
                        onchange={on(|v, x| if x > 0.0 && x < 1.0 { v.power.alpha = x })} />
                </label>
                <label class="sweep-field narrow" for="exp-pw-power">
                    <span>{ "Power" }</span>
                    <input id="exp-pw-power" type="number" min="0.5" max="0.99" step="0.05" value={p.power.to_string()}
                        onchange={on(|v, x| if x > 0.0 && x < 1.0 { v.power.power = x })} />
                </label>
            </div>
            <div class="exp-power-answer" id="exp-power-answer"
                data-n={answer.sample.as_ref().map(|s| s.n_per_arm.to_string()).unwrap_or_default()}
                data-days={answer.days.map(|d| d.to_string()).unwrap_or_default()}>
                { match &answer.sample {
                    Ok(s) => html! { <p><strong>{ format!("{} units per arm", count(s.n_per_arm)) }</strong>{ format!(" (exact {:.1}; σ = {}, δ = {})", s.n_per_arm_exact, number(s.sd), number(s.mde)) }</p> },
                    Err(e) => html! { <p class="lab-problem" role="alert">{ e.clone() }</p> },
                } }
                { match (answer.units_per_day, answer.days) {
                    (Some(u), Some(d)) => html! {
                        <p>{ format!("The current design serves about {} sessions a day; with sessions as units and {} of them in the smaller arm, a test needs about {} day{} (a lower bound: one user's sessions are correlated).",
                            number(u / v.share.min(1.0 - v.share)), number(u), count(d), if d == 1 { "" } else { "s" }) }</p>
                    },
                    _ => html! { <p class="hint">{ "Days for the current population: waiting for the current design's run." }</p> },
                } }
                if let Some(m) = answer.mde_for_days {
                    <p>{ if proportion {
                        format!("With the experiment's {} test days it detects a relative lift of {} or more.", v.days, rel(&Json::from(m)))
                    } else {
                        format!("With the experiment's {} test days it detects an absolute effect of {} or more.", v.days, number(m))
                    } }</p>
                }
            </div>
        </section>
    }
}
