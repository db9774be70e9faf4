//! The Tradeoffs tab's optimizer panel (maximise a summary metric over up to three knobs under
//! constraints on other metrics; [`crate::app::optimize::OptimizeRun`]) and its comparison of
//! ad-load policies at equal engagement ([`crate::app::optimize::PoliciesRun`]). Both run their
//! batches on the tab's worker pool; the tab hands the batches over.
//!
//! What the browser tests read: the report's `data-feasible`, `data-evaluations`, `data-best`
//! (`key=value` pairs, comma-separated) and `data-binding` (binding metrics); the policy table's
//! rows carry `data-policy`.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::format;
use crate::app::optimize::{OptimizeRun, PoliciesRun};
use crate::app::state::{Action, AppState};
use crate::app::sweep::{default_knob, menu_metrics, sweepable_knobs};
use crate::chart::frontier::metric_label;
use crate::config::url::{
    OptConstraint, OptKnob, OptView, Side, MAX_OPT_CONSTRAINTS, MAX_OPT_KNOBS,
};
use crate::core::model::knobs::{Knob, Value};
use crate::core::model::metric_table::Metric;
use crate::core::model::{Window, WindowedMetric};
use crate::ui::browser::now_ms;

fn select_value(e: &Event) -> Option<String> {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
}

fn input_number(e: &Event) -> Option<f64> {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value_as_number())
        .filter(|x| x.is_finite())
}

fn input_checked(e: &Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

fn window_label(w: Window) -> &'static str {
    match w {
        Window::FirstWeek => "first week",
        Window::LastWeek => "last week",
        Window::WholeRun => "whole run",
    }
}

fn knob_value(knob: Knob, x: f64) -> String {
    format::param_value(knob.spec(), &Value::Number(x))
}

/// A knob's default search range: its slider's.
fn default_range(knob: Knob) -> (f64, f64) {
    let spec = knob.spec();
    match (spec.slider(), spec.limits()) {
        (Some(s), _) => (s.min, s.max),
        (None, Some(l)) => (l.min, l.max),
        _ => (0.0, 1.0),
    }
}

/// An edit of one constraint from a control's event.
type EditConstraint = dyn Fn(&mut OptConstraint, &Event);

/// Props of [`OptimizerPanel`].
#[derive(Properties, PartialEq)]
pub struct OptimizerProps {
    /// The app's state.
    pub state: Rc<AppState>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// The settings, the run's progress and its report.
#[function_component(OptimizerPanel)]
pub fn optimizer_panel(props: &OptimizerProps) -> Html {
    let state = &props.state;
    let view = state.opt_view;
    let set = {
        let dispatch = props.dispatch.clone();
        move |next: OptView| dispatch.emit(Action::SetOptView(next))
    };
    let knobs = view.knob_list();
    let cons = view.constraint_list();
    // Every summary metric, and the promotion metrics when promotion is on.
    let metrics = menu_metrics(&state.params);
    let objective_key = view.objective_metric().map(|m| m.key());

    let on_objective = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            let Some(key) = select_value(&e) else { return };
            set(view.with_objective_key(&key));
        })
    };
    let on_window = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            if let Some(w) = select_value(&e).and_then(|t| Window::from_name(&t)) {
                let mut next = view;
                next.window = w;
                set(next);
            }
        })
    };
    let add_knob = {
        let (set, knobs) = (set.clone(), knobs.clone());
        let preferred = default_knob(&state.params);
        Callback::from(move |_: MouseEvent| {
            let used = |k: Knob| knobs.iter().any(|o| o.knob == k);
            let knob = if used(preferred) {
                sweepable_knobs().into_iter().find(|k| !used(*k))
            } else {
                Some(preferred)
            };
            if let Some(knob) = knob {
                let (min, max) = default_range(knob);
                let mut list = knobs.clone();
                list.push(OptKnob { knob, min, max });
                set(view.with_knobs(&list));
            }
        })
    };
    let add_constraint = {
        let (set, cons) = (set.clone(), cons.clone());
        Callback::from(move |_: MouseEvent| {
            let mut list = cons.clone();
            list.push(OptConstraint {
                metric: WindowedMetric::new(Window::LastWeek, Metric::EngagementPerDay)
                    .expect("a summary metric"),
                side: Side::Min,
                value: 0.97,
                relative: true,
            });
            set(view.with_constraints(&list));
        })
    };

    let knob_rows = knobs.iter().enumerate().map(|(i, k)| {
        let change = |apply: fn(&mut OptKnob, f64)| {
            let (set, knobs) = (set.clone(), knobs.clone());
            Callback::from(move |e: Event| {
                if let Some(x) = input_number(&e) {
                    let mut list = knobs.clone();
                    apply(&mut list[i], x);
                    set(view.with_knobs(&list));
                }
            })
        };
        let on_knob = {
            let (set, knobs) = (set.clone(), knobs.clone());
            Callback::from(move |e: Event| {
                let Some(knob) = select_value(&e).and_then(|t| Knob::from_url(&t)) else {
                    return;
                };
                let (min, max) = default_range(knob);
                let mut list = knobs.clone();
                list[i] = OptKnob { knob, min, max };
                set(view.with_knobs(&list));
            })
        };
        let remove = {
            let (set, knobs) = (set.clone(), knobs.clone());
            Callback::from(move |_: MouseEvent| {
                let mut list = knobs.clone();
                list.remove(i);
                set(view.with_knobs(&list));
            })
        };
        let step = k.knob.spec().slider().map_or(0.01, |s| s.step).to_string();
        html! {
            <div class="opt-row" data-knob={k.knob.spec().url}>
                <label class="sweep-field" for={format!("opt-knob-{i}")}>
                    <span>{ format!("Knob {}", i + 1) }</span>
                    <select id={format!("opt-knob-{i}")} name={format!("opt.knob{i}")} onchange={on_knob}>
                        { for sweepable_knobs().into_iter()
                            .filter(|o| *o == k.knob || !knobs.iter().any(|x| x.knob == *o))
                            .map(|o| html! {
                                <option value={o.spec().url} selected={o == k.knob}>{ o.spec().label }</option>
                            }) }
                    </select>
                </label>
                <label class="sweep-field narrow" for={format!("opt-min-{i}")}>
                    <span>{ "From" }</span>
                    <input type="number" id={format!("opt-min-{i}")} name={format!("opt.min{i}")} step={step.clone()}
                        value={k.min.to_string()} onchange={change(|k, x| k.min = x)} />
                </label>
                <label class="sweep-field narrow" for={format!("opt-max-{i}")}>
                    <span>{ "To" }</span>
                    <input type="number" id={format!("opt-max-{i}")} name={format!("opt.max{i}")} step={step}
                        value={k.max.to_string()} onchange={change(|k, x| k.max = x)} />
                </label>
                <button type="button" class="button ghost small" onclick={remove}
                    aria-label={format!("Remove knob {}", i + 1)}>{ "Remove" }</button>
            </div>
        }
    });

    let resolved = state
        .optimize
        .as_ref()
        .filter(|r| r.view == view)
        .and_then(|r| r.constraints.clone());
    let cons_rows = cons.iter().enumerate().map(|(i, c)| {
        let update = |apply: Rc<EditConstraint>| {
            let (set, cons) = (set.clone(), cons.clone());
            Callback::from(move |e: Event| {
                let mut list = cons.clone();
                apply(&mut list[i], &e);
                set(view.with_constraints(&list));
            })
        };
        let on_metric = update(Rc::new(|c, e| {
            if let Some(m) = select_value(e).and_then(|t| WindowedMetric::parse(&t).ok()) {
                c.metric = m;
            }
        }));
        let on_side = update(Rc::new(|c, e| {
            c.side = if select_value(e).as_deref() == Some("max") {
                Side::Max
            } else {
                Side::Min
            };
        }));
        let on_value = update(Rc::new(|c, e| {
            if let Some(x) = input_number(e) {
                c.value = if c.relative { x / 100.0 } else { x };
            }
        }));
        let on_relative = update(Rc::new(|c, e| {
            let on = input_checked(e);
            if on != c.relative {
                c.relative = on;
                c.value = if on { 1.0 } else { 0.0 };
            }
        }));
        let remove = {
            let (set, cons) = (set.clone(), cons.clone());
            Callback::from(move |_: MouseEvent| {
                let mut list = cons.clone();
                list.remove(i);
                set(view.with_constraints(&list));
            })
        };
        let shown = if c.relative {
            format!("{}", (c.value * 100.0 * 1e6).round() / 1e6)
        } else {
            c.value.to_string()
        };
        let absolute = resolved
            .as_ref()
            .and_then(|r| r.get(i))
            .filter(|r| r.spec.relative)
            .map(|r| format!("= {} (current {})", format::number(r.bound), format::number(r.current)));
        html! {
            <div class="opt-row" data-constraint={i.to_string()}>
                <label class="sweep-field" for={format!("opt-con-{i}")}>
                    <span>{ format!("Constraint {}", i + 1) }</span>
                    <select id={format!("opt-con-{i}")} name={format!("opt.con{i}")} onchange={on_metric}>
                        { for metrics.iter().map(|m| html! {
                            <option value={m.to_string()} selected={*m == c.metric}>{ metric_label(m) }</option>
                        }) }
                    </select>
                </label>
                <label class="sweep-field narrow" for={format!("opt-side-{i}")}>
                    <span>{ "Bound" }</span>
                    <select id={format!("opt-side-{i}")} name={format!("opt.side{i}")} onchange={on_side}>
                        <option value="min" selected={c.side == Side::Min}>{ "≥" }</option>
                        <option value="max" selected={c.side == Side::Max}>{ "≤" }</option>
                    </select>
                </label>
                <label class="sweep-field narrow" for={format!("opt-value-{i}")}>
                    <span>{ if c.relative { "% of current" } else { "Value" } }</span>
                    <input type="number" id={format!("opt-value-{i}")} name={format!("opt.value{i}")} step="any"
                        value={shown} onchange={on_value} />
                </label>
                <label class="sweep-field toggle" for={format!("opt-rel-{i}")}>
                    <input type="checkbox" id={format!("opt-rel-{i}")} name={format!("opt.rel{i}")}
                        checked={c.relative} onchange={on_relative} />
                    <span>{ "relative to the current design" }</span>
                </label>
                if let Some(text) = absolute {
                    <span class="opt-resolved">{ text }</span>
                }
                <button type="button" class="button ghost small" onclick={remove}
                    aria-label={format!("Remove constraint {}", i + 1)}>{ "Remove" }</button>
            </div>
        }
    });

    let run = state.optimize.clone();
    let running = run.as_ref().is_some_and(|r| r.running());
    let start = props
        .dispatch
        .reform(|_: MouseEvent| Action::StartOptimize { now_ms: now_ms() });
    let cancel = props
        .dispatch
        .reform(|_: MouseEvent| Action::CancelOptimize);
    html! {
        <section class="optimizer card" aria-label="Optimizer">
            <h2>{ "Optimize" }</h2>
            <p class="hint">{ "Maximise a metric over up to three knobs of the current design, each within a range, \
                subject to bounds on other metrics. Each evaluation is one run on the worker pool." }</p>
            <div class="opt-row">
                <label class="sweep-field" for="opt-objective">
                    <span>{ "Maximise" }</span>
                    <select id="opt-objective" name="opt.objective" onchange={on_objective}>
                        <option value="none" selected={objective_key.is_none()}>{ "— choose a metric —" }</option>
                        { for metrics.iter().filter(|m| m.window == view.window).map(|m| {
                            let key = m.key();
                            let selected = objective_key.as_ref() == Some(&key);
                            html! { <option value={key} {selected}>{ m.label() }</option> }
                        }) }
                    </select>
                </label>
                <label class="sweep-field" for="opt-window">
                    <span>{ "Over" }</span>
                    <select id="opt-window" name="opt.window" onchange={on_window}>
                        { for Window::ALL.into_iter().map(|w| html! {
                            <option value={w.name()} selected={w == view.window}>{ window_label(w) }</option>
                        }) }
                    </select>
                </label>
            </div>
            { for knob_rows }
            { for cons_rows }
            <div class="opt-actions">
                <button type="button" class="button small" data-action="add-opt-knob" onclick={add_knob}
                    disabled={knobs.len() >= MAX_OPT_KNOBS}>{ "Add knob" }</button>
                <button type="button" class="button small" data-action="add-opt-constraint" onclick={add_constraint}
                    disabled={cons.len() >= MAX_OPT_CONSTRAINTS}>{ "Add constraint" }</button>
                if running {
                    <button type="button" class="button small" data-action="cancel-optimize" onclick={cancel}>{ "Cancel" }</button>
                } else {
                    <button type="button" class="button primary small" data-action="run-optimize" onclick={start}
                        disabled={!view.runnable()}>{ "Optimize" }</button>
                }
            </div>
            if let Some(run) = run {
                <OptimizeReport run={run} state={state.clone()} dispatch={props.dispatch.clone()} />
            }
        </section>
    }
}

/// Props of [`OptimizeReport`].
#[derive(Properties, PartialEq)]
pub struct ReportProps {
    /// The run.
    pub run: Rc<OptimizeRun>,
    /// The app's state.
    pub state: Rc<AppState>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// Progress while running; then the best design, its metrics, the constraints and the buttons.
#[function_component(OptimizeReport)]
pub fn optimize_report(props: &ReportProps) -> Html {
    let run = &props.run;
    let b = &run.batches;
    let seconds = run.elapsed_ms.max(0.0) / 1000.0;
    let status = if run.cancelled {
        format!("cancelled after {} runs · {seconds:.1} s", b.simulated)
    } else if run.running() {
        format!(
            "batch {} · {} runs · {seconds:.1} s",
            b.batches, b.simulated
        )
    } else {
        format!(
            "{} runs in {} batches · {seconds:.1} s",
            b.simulated, b.batches
        )
    };
    let progress = html! {
        <p class="sweep-status opt-status" role="status" aria-live="polite"
            data-running={run.running().to_string()}>{ status }</p>
    };
    let Some(outcome) = run.outcome.clone() else {
        return progress;
    };
    let optimum = match outcome {
        Ok(o) => o,
        Err(message) => {
            return html! { <>
                { progress }
                <p class="opt-error" role="alert">{ format!("Cannot optimize: {message}") }</p>
            </> }
        }
    };
    let out = &optimum.outcome;
    let problem = &optimum.problem;
    let objective = problem.objective.metric;
    let best: Vec<(Knob, f64)> = optimum.best();
    let best_attr = best
        .iter()
        .map(|(k, x)| format!("{}={x}", k.spec().url))
        .collect::<Vec<_>>()
        .join(",");
    let binding_attr = out
        .binding
        .iter()
        .map(|&i| problem.constraints[i].metric.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let own = b.get(&run.base).cloned();
    let applied = best
        .iter()
        .all(|(k, x)| (k.spec().get)(&props.state.params) == Value::Number(*x));
    let pinned = props.state.baseline.as_deref() == Some(&*props.state.params);
    let apply = props.dispatch.reform(|_: MouseEvent| Action::ApplyOptimum);
    let pin = props.dispatch.reform(|_: MouseEvent| Action::PinBaseline);
    let price = |i: usize| {
        out.shadow_prices
            .iter()
            .find(|(j, _)| *j == i)
            .map(|(_, p)| match p {
                Some(p) => format::number(*p),
                None => "— (no feasible design when tightened)".into(),
            })
    };
    let resolved = run.constraints.clone().unwrap_or_default();
    let summary_line = if out.feasible {
        "Feasible: the best design meets every constraint.".to_string()
    } else {
        "No design in the ranges meets every constraint: this is the least-violating one."
            .to_string()
    };
    html! { <>
        { progress }
        <div class="opt-report" data-feasible={out.feasible.to_string()}
            data-evaluations={out.evaluations.to_string()} data-best={best_attr}
            data-binding={binding_attr}>
            <p class={classes!("opt-verdict", (!out.feasible).then_some("infeasible"))}>{ summary_line }</p>
            <dl class="opt-facts">
                { for best.iter().map(|(k, x)| html! { <>
                    <dt>{ k.spec().label }</dt>
                    <dd data-knob={k.spec().url}>{ knob_value(*k, *x) }
                        <span class="muted">{ format!(" (now {})",
                            format::param_value(k.spec(), &(k.spec().get)(&run.base))) }</span></dd>
                </> }) }
                <dt>{ metric_label(&objective) }</dt>
                <dd>{ format::number(out.objective) }</dd>
                <dt>{ "Gain over the current design" }</dt>
                <dd data-gain={out.gain.to_string()}>{ format!("{} ({})", format::signed(out.gain),
                    format::relative_change(out.objective, out.base_objective).unwrap_or_default()) }</dd>
                <dt>{ "Evaluations" }</dt>
                <dd>{ out.evaluations }
                    <span class="muted">{ format!(" ({} runs on the pool: a design met twice is run once)", b.simulated) }</span></dd>
            </dl>
            if !problem.constraints.is_empty() {
                <div class="table-scroll">
                    <table class="opt-constraints">
                        <thead><tr>
                            <th scope="col">{ "Constraint" }</th>
                            <th scope="col">{ "Bound" }</th>
                            <th scope="col">{ "At the optimum" }</th>
                            <th scope="col">{ "Binds" }</th>
                            <th scope="col">{ "Shadow price" }</th>
                        </tr></thead>
                        <tbody>
                            { for problem.constraints.iter().enumerate().map(|(i, c)| {
                                let value = c.metric.value(&out.summaries);
                                let binds = out.binding.contains(&i);
                                let mut bounds: Vec<String> = Vec::new();
                                for r in resolved.iter().filter(|r| r.spec.metric == c.metric) {
                                    let sign = if r.spec.side == Side::Min { "≥" } else { "≤" };
                                    bounds.push(if r.spec.relative {
                                        format!("{sign} {}% of current = {}",
                                            (r.spec.value * 1e4).round() / 1e2, format::number(r.bound))
                                    } else {
                                        format!("{sign} {}", format::number(r.bound))
                                    });
                                }
                                html! {
                                    <tr data-metric={c.metric.to_string()} class={classes!(binds.then_some("binding"))}>
                                        <th scope="row">{ metric_label(&c.metric) }</th>
                                        <td>{ bounds.join("; ") }</td>
                                        <td>{ format::number(value) }</td>
                                        <td>{ if binds { "yes" } else { "no" } }</td>
                                        <td>{ price(i).unwrap_or_else(|| "—".into()) }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
                <p class="hint">{ "Shadow price: objective lost per unit the bound is tightened (binding constraints of a feasible answer)." }</p>
            }
            <details class="opt-metrics">
                <summary>{ "All metrics of the best design" }</summary>
                <div class="table-scroll">
                    <table>
                        <thead><tr>
                            <th scope="col">{ "Metric" }</th>
                            <th scope="col">{ "Current" }</th>
                            <th scope="col">{ "Best" }</th>
                        </tr></thead>
                        <tbody>
                            { for menu_metrics(&run.base).into_iter().filter(|m| m.window == objective.window).map(|m| html! {
                                <tr>
                                    <th scope="row">{ metric_label(&m) }</th>
                                    <td>{ own.as_deref().map_or("—".into(), |s| format::number(m.value(s))) }</td>
                                    <td>{ format::number(m.value(&out.summaries)) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </details>
            { for optimum.warnings.iter().map(|w| html! { <p class="hint">{ w.clone() }</p> }) }
            <div class="opt-actions">
                <button type="button" class="button small" data-action="pin-current" onclick={pin}
                    disabled={pinned}>{ if pinned { "Current design pinned" } else { "Pin current as baseline" } }</button>
                <button type="button" class="button primary small" data-action="apply-optimum" onclick={apply}
                    disabled={applied}>{ if applied { "Applied" } else { "Apply" } }</button>
            </div>
        </div>
    </> }
}

/// Props of [`PoliciesPanel`].
#[derive(Properties, PartialEq)]
pub struct PoliciesProps {
    /// The current comparison, if any.
    pub run: Option<Rc<PoliciesRun>>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// "Compare policies at equal engagement": a button, the progress and the table.
#[function_component(PoliciesPanel)]
pub fn policies_panel(props: &PoliciesProps) -> Html {
    let start = props
        .dispatch
        .reform(|_: MouseEvent| Action::StartPolicies { now_ms: now_ms() });
    let cancel = props
        .dispatch
        .reform(|_: MouseEvent| Action::CancelPolicies);
    let running = props.run.as_ref().is_some_and(|r| r.running());
    let body = props.run.as_ref().map(|run| {
        let b = &run.batches;
        let seconds = run.elapsed_ms.max(0.0) / 1000.0;
        let status = if run.cancelled {
            format!("cancelled after {} runs", b.simulated)
        } else {
            format!("{} runs · {seconds:.1} s", b.simulated)
        };
        let table = match &run.outcome {
            Some(Ok(c)) => html! { <>
                <p class="hint">{ format!(
                    "Best whole-run revenue/day each policy reaches with last-week engagement/day ≥ {} \
                     (the current design's: {} policy, revenue/day {}).",
                    format::number(c.floor), c.own.policy, format::number(c.own.revenue_per_day)) }</p>
                <div class="table-scroll">
                    <table class="policies-table">
                        <thead><tr>
                            <th scope="col">{ "Policy" }</th>
                            <th scope="col">{ "Knob" }</th>
                            <th scope="col">{ "Value" }</th>
                            <th scope="col">{ "Revenue/day" }</th>
                            <th scope="col">{ "Engagement/day" }</th>
                            <th scope="col">{ "Feasible" }</th>
                        </tr></thead>
                        <tbody>
                            { for c.policies.iter().map(|r| html! {
                                <tr data-policy={r.policy} data-revenue={r.revenue_per_day.to_string()}
                                    class={classes!((r.policy == c.own.policy).then_some("current"))}>
                                    <th scope="row">{ r.policy }</th>
                                    <td title={r.knob}>{ r.knob.rsplit('.').next().unwrap_or(r.knob) }</td>
                                    <td>{ format::number(r.value) }</td>
                                    <td>{ format::number(r.revenue_per_day) }</td>
                                    <td>{ format::number(r.engagement_per_day) }</td>
                                    <td>{ if r.feasible { "yes" } else { "no" } }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </> },
            Some(Err(message)) => html! { <p class="opt-error" role="alert">{ message.clone() }</p> },
            None => html! {},
        };
        html! { <>
            <p class="sweep-status" role="status" aria-live="polite">{ status }</p>
            { table }
        </> }
    });
    html! {
        <section class="policies card" aria-label="Ad-load policies at equal engagement">
            <h2>{ "Ad-load policies at equal engagement" }</h2>
            <p class="hint">{ "For the current market: the best revenue fixed, threshold and exact blending reach \
                at the current design's last-week engagement, each policy's ad-load knob optimised." }</p>
            <div class="opt-actions">
                if running {
                    <button type="button" class="button small" data-action="cancel-policies" onclick={cancel}>{ "Cancel" }</button>
                } else {
                    <button type="button" class="button small" data-action="run-policies" onclick={start}>{ "Compare policies" }</button>
                }
            </div>
            { for body }
        </section>
    }
}
