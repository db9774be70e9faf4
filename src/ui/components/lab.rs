//! The Lab tab: one-shot auctions against auction theory. Settings (format, bidders, value
//! distribution, slots, reserve, bidding), the result table with standard errors and theory,
//! revenue against the reserve, revenue equivalence across formats and the explicit-auction
//! editor. Everything shown is computed by the worker from `sandbox auction` specs
//! ([`crate::app::lab`]); this file only renders and dispatches.

use std::rc::Rc;

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::app::lab::{agrees, LabAction, LabState, Outcome, Role, AGREEMENT_SE, COMPARED};
use crate::app::state::Action;
use crate::chart::lab::{draw_reserve, ReserveChart};
use crate::config::lab::{
    format_text, pacing_format_text, ExplicitRow, LabView, MAX_EXPLICIT_BIDDERS, MAX_LAB_BIDDERS,
    MAX_PACING_EDITOR_BIDDERS, MAX_PACING_EDITOR_GOODS,
};
use crate::config::spec::pacing::PacingFormat;
use crate::core::auction::Format;
use crate::core::lab::dist::ValueDist;
use crate::core::lab::Bidding;
use crate::ui::components::canvas::drawing_area;
use crate::ui::components::fields::{num, target_value};

/// Height of the chart (CSS pixels).
const CHART_HEIGHT: u32 = 360;

/// Props of [`LabPage`].
#[derive(Properties, PartialEq)]
pub struct LabProps {
    /// The lab's state.
    pub lab: Rc<LabState>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

fn fmt(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x.abs() >= 100.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    }
}

fn format_label(f: Format) -> &'static str {
    match f {
        Format::FirstPrice => "First price",
        Format::Gsp => "Second price / GSP",
        Format::Vcg => "VCG",
    }
}

fn list_text(xs: &[f64]) -> String {
    xs.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_list(text: &str) -> Option<Vec<f64>> {
    text.split(',').map(num).collect()
}

/// A setter: applies `change` to a copy of the settings and dispatches it.
type Set = Rc<dyn Fn(Box<dyn FnOnce(&mut LabView)>)>;

/// An edit of the settings from a control's text.
type Edit = Box<dyn Fn(&mut LabView, &str)>;

/// The whole tab.
#[function_component(LabPage)]
pub fn lab_page(props: &LabProps) -> Html {
    let set: Set = {
        let (lab, dispatch) = (props.lab.clone(), props.dispatch.clone());
        Rc::new(move |change: Box<dyn FnOnce(&mut LabView)>| {
            let mut view = lab.view.clone();
            change(&mut view);
            dispatch.emit(Action::Lab(LabAction::Set(view)));
        })
    };
    // The benchmark's entry point (e2e/bench.mjs): `sandboxLabBench(spec)` runs one
    // `sandbox auction` spec in the worker; #lab-bench shows its id and engine time.
    {
        let dispatch = props.dispatch.clone();
        use_effect_with((), move |_| {
            let hook =
                wasm_bindgen::closure::Closure::<dyn Fn(String)>::new(move |spec: String| {
                    dispatch.emit(Action::Lab(LabAction::Bench(spec)));
                });
            if let Some(window) = web_sys::window() {
                let _ = js_sys::Reflect::set(&window, &"sandboxLabBench".into(), hook.as_ref());
            }
            move || drop(hook)
        });
    }
    let lab = &props.lab;
    let problem = lab.view.monte_carlo_problem();
    let bench = lab.bench_answer.as_ref().map(|a| {
        // The lab's own error, if any (the report itself is read by no one here).
        let error = match a.raw.first() {
            Some(Err(e)) => e.clone(),
            _ => String::new(),
        };
        html! { <output id="lab-bench" hidden=true data-id={a.job.id.to_string()} data-engine-ms={a.engine_ms.to_string()} data-error={error}></output> }
    });
    html! {
        <main class="layout-lab" aria-label="Mechanism lab">
            { for bench }
            <LabControls view={lab.view.clone()} set={SetProp(set.clone())} />
            if let Some((field, message)) = problem {
                <p class="lab-problem" role="alert">{ format!("These settings do not run: `{field}` {message}") }</p>
            } else {
                <LabResults lab={lab.clone()} />
            }
            <ExplicitEditor lab={lab.clone()} set={SetProp(set.clone())} />
            <PacingEditor lab={lab.clone()} set={SetProp(set)} />
        </main>
    }
}

/// A setter as a prop (compared by pointer).
#[derive(Clone)]
pub struct SetProp(Set);

impl PartialEq for SetProp {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Props of [`LabControls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// The settings.
    pub view: LabView,
    /// The setter.
    pub set: SetProp,
}

/// The Monte Carlo settings.
#[function_component(LabControls)]
pub fn lab_controls(props: &ControlsProps) -> Html {
    let v = &props.view;
    let set = props.set.0.clone();
    let on = |apply: fn(&mut LabView, &str)| {
        let set = set.clone();
        Callback::from(move |e: Event| {
            if let Some(text) = target_value(&e) {
                set(Box::new(move |v| apply(v, &text)));
            }
        })
    };
    let multi_slot = v.slot_ctrs.len() > 1;
    let fp_eq_reason = "The first-price Bayes–Nash bid is derived for one slot";
    let (dist_name, p1, p2) = match v.values {
        ValueDist::Uniform { low, high } => ("uniform", ("Low", low), Some(("High", high))),
        ValueDist::Exponential { rate } => ("exponential", ("Rate λ", rate), None),
        ValueDist::Lognormal { mu, sigma } => {
            ("lognormal", ("μ of ln v", mu), Some(("σ of ln v", sigma)))
        }
    };
    html! {
        <section class="lab-controls card" aria-label="Lab settings">
            <label class="sweep-field" for="lab-format">
                <span>{ "Format" }</span>
                <select id="lab-format" onchange={on(|v, t| if let Some(f) = Format::ALL.into_iter().find(|f| format_text(*f) == t) { v.format = f })}>
                    { for Format::ALL.into_iter().map(|f| html! {
                        <option value={format_text(f)} selected={f == v.format}
                            disabled={f == Format::FirstPrice && v.bidding == Bidding::Equilibrium && multi_slot}
                            title={(f == Format::FirstPrice && multi_slot).then_some(fp_eq_reason)}>{ format_label(f) }</option>
                    }) }
                </select>
            </label>
            <label class="sweep-field" for="lab-bidding">
                <span>{ "Bidding" }</span>
                <select id="lab-bidding" onchange={on(|v, t| v.bidding = if t == "equilibrium" { Bidding::Equilibrium } else { Bidding::Truthful })}>
                    <option value="truthful" selected={v.bidding == Bidding::Truthful}>{ "Truthful (bid = value)" }</option>
                    <option value="equilibrium" selected={v.bidding == Bidding::Equilibrium}
                        disabled={v.format == Format::FirstPrice && multi_slot}
                        title={(v.format == Format::FirstPrice && multi_slot).then_some(fp_eq_reason)}>{ "Equilibrium" }</option>
                </select>
            </label>
            <label class="sweep-field narrow" for="lab-bidders">
                <span>{ "Bidders" }</span>
                <input id="lab-bidders" type="number" min="1" max={MAX_LAB_BIDDERS.to_string()} step="1" value={v.bidders.to_string()}
                    onchange={on(|v, t| if let Ok(n) = t.trim().parse::<usize>() { v.bidders = n.clamp(1, MAX_LAB_BIDDERS) })} />
            </label>
            <label class="sweep-field" for="lab-values">
                <span>{ "Values" }</span>
                <select id="lab-values" onchange={on(|v, t| v.values = match t {
                    "exponential" => ValueDist::Exponential { rate: 1.0 },
                    "lognormal" => ValueDist::Lognormal { mu: 0.0, sigma: 0.5 },
                    _ => ValueDist::Uniform { low: 0.0, high: 1.0 },
                })}>
                    <option value="uniform" selected={dist_name == "uniform"}>{ "Uniform" }</option>
                    <option value="exponential" selected={dist_name == "exponential"}>{ "Exponential" }</option>
                    <option value="lognormal" selected={dist_name == "lognormal"}>{ "Log-normal" }</option>
                </select>
            </label>
            <label class="sweep-field narrow" for="lab-p1">
                <span>{ p1.0 }</span>
                <input id="lab-p1" type="number" step="0.1" value={p1.1.to_string()}
                    onchange={on(|v, t| if let Some(x) = num(t) { v.values = match v.values {
                        ValueDist::Uniform { high, .. } => ValueDist::Uniform { low: x, high },
                        ValueDist::Exponential { .. } => ValueDist::Exponential { rate: x },
                        ValueDist::Lognormal { sigma, .. } => ValueDist::Lognormal { mu: x, sigma },
                    } })} />
            </label>
            if let Some(p2) = p2 {
                <label class="sweep-field narrow" for="lab-p2">
                    <span>{ p2.0 }</span>
                    <input id="lab-p2" type="number" step="0.1" value={p2.1.to_string()}
                        onchange={on(|v, t| if let Some(x) = num(t) { v.values = match v.values {
                            ValueDist::Uniform { low, .. } => ValueDist::Uniform { low, high: x },
                            ValueDist::Lognormal { mu, .. } => ValueDist::Lognormal { mu, sigma: x },
                            other => other,
                        } })} />
                </label>
            }
            <label class="sweep-field" for="lab-ctrs">
                <span>{ "Slot CTRs" }</span>
                <input id="lab-ctrs" type="text" inputmode="decimal" value={list_text(&v.slot_ctrs)}
                    title="Click-through rate of each slot, top first, comma-separated"
                    onchange={on(|v, t| if let Some(xs) = parse_list(t) { v.slot_ctrs = xs })} />
            </label>
            <label class="sweep-field narrow" for="lab-reserve">
                <span>{ "Reserve" }</span>
                <input id="lab-reserve" type="number" min="0" step="0.05" value={v.reserve.to_string()}
                    onchange={on(|v, t| if let Some(x) = num(t) { v.reserve = x.max(0.0) })} />
            </label>
            <label class="sweep-field narrow" for="lab-auctions">
                <span>{ "Auctions" }</span>
                <input id="lab-auctions" type="number" min="1000" step="1000" value={v.auctions.to_string()}
                    onchange={on(|v, t| if let Ok(n) = t.trim().parse::<u64>() { v.auctions = n.max(1) })} />
            </label>
            <label class="sweep-field narrow" for="lab-seed">
                <span>{ "Seed" }</span>
                <input id="lab-seed" type="number" min="0" step="1" value={v.seed.to_string()}
                    onchange={on(|v, t| if let Ok(n) = t.trim().parse::<u64>() { v.seed = n })} />
            </label>
            if v.format == Format::FirstPrice && multi_slot {
                <p class="sweep-note">{ format!("{fp_eq_reason}: with {} slots first price runs with truthful bids only.", v.slot_ctrs.len()) }</p>
            }
        </section>
    }
}

/// Props of the result views.
#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    /// The lab's state.
    pub lab: Rc<LabState>,
}

fn mean_se(mean: f64, se: f64) -> String {
    format!("{} ± {}", fmt(mean), fmt(se))
}

fn verdict(mean: f64, se: f64, theory: Option<f64>) -> Html {
    match theory {
        Some(t) if agrees(mean, se, t) => {
            html! { <td class="agree" data-agree="true">{ format!("{} ✓ within {AGREEMENT_SE} SE", fmt(t)) }</td> }
        }
        Some(t) => {
            html! { <td class="disagree" data-agree="false">{ format!("{} ✗ {:.1} SE away", fmt(t), (mean - t).abs() / se.max(1e-300)) }</td> }
        }
        None => html! { <td class="no-theory">{ "no closed form" }</td> },
    }
}

/// The result table, the chart and the format comparison.
#[function_component(LabResults)]
pub fn lab_results(props: &ResultsProps) -> Html {
    let lab = &props.lab;
    let computing = lab.computing();
    let Some(answer) = lab.monte_carlo_answer.clone() else {
        return html! { <section class="lab-results card" data-computing="true"><p>{ "running…" }</p></section> };
    };
    let main = answer.report(Role::Main);
    let slots = lab.view.slot_ctrs.len();
    let price_se = answer.price_se(slots);
    let table = match main {
        Err(e) => html! { <p class="lab-problem" role="alert">{ e }</p> },
        Ok(m) => html! {
            <table class="lab-table" id="lab-results-table">
                <thead><tr><th scope="col">{ "Per auction" }</th><th scope="col">{ "Simulated ± SE" }</th><th scope="col">{ "Theory" }</th></tr></thead>
                <tbody>
                    <tr data-metric="revenue" data-value={m.revenue_per_auction.to_string()}>
                        <th scope="row">{ "Revenue" }</th><td>{ mean_se(m.revenue_per_auction, m.revenue_se) }</td>
                        { verdict(m.revenue_per_auction, m.revenue_se, m.revenue_theory) }</tr>
                    <tr data-metric="welfare" data-value={m.welfare_per_auction.to_string()}>
                        <th scope="row">{ "Welfare" }</th><td>{ mean_se(m.welfare_per_auction, m.welfare_se) }</td>
                        { verdict(m.welfare_per_auction, m.welfare_se, m.welfare_theory) }</tr>
                    <tr><th scope="row">{ "Sale rate" }</th><td>{ format!("{:.2}%", 100.0 * m.sale_rate) }</td><td></td></tr>
                    { for m.slot_price_per_click.iter().enumerate().map(|(k, p)| html! {
                        <tr data-metric={format!("price{}", k + 1)}>
                            <th scope="row">{ format!("Price per click, slot {} (sold {:.1}%)", k + 1, 100.0 * m.slot_sale_rate.get(k).copied().unwrap_or(0.0)) }</th>
                            <td>{ match (p, price_se.get(k).copied().flatten()) {
                                (Some(p), Some(se)) => mean_se(*p, se),
                                (Some(p), None) => fmt(*p),
                                (None, _) => "never sold".into(),
                            } }</td>
                            <td class="no-theory">{ "" }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        },
    };
    let chart = match answer.report(Role::Main) {
        Ok(m) => ReserveChart {
            title: "Revenue against the reserve".into(),
            points: answer.reserve_points(),
            theory: if m.revenue_theory.is_some() {
                answer.curve.clone()
            } else {
                Vec::new()
            },
            myerson: Some(m.myerson_reserve),
            current: Some(lab.view.reserve),
        },
        Err(_) => ReserveChart::default(),
    };
    let theory_note = match answer.report(Role::Main) {
        Ok(m) if m.revenue_theory.is_none() => Some(format!(
            "No theory curve: revenue equivalence covers efficient formats in equilibrium, and {} with {} bids{} is not one.",
            format_label(lab.view.format),
            lab.view.bidding.as_str(),
            if lab.view.slot_ctrs.len() > 1 { " on several slots" } else { "" }
        )),
        _ => None,
    };
    let myerson = answer.report(Role::Main).ok().map(|m| m.myerson_reserve);
    html! {
        <>
        <section class={classes!("lab-results", "card", computing.then_some("stale"))} aria-label="Lab results"
            data-computing={computing.to_string()} data-lab-id={answer.job.id.to_string()}>
            <h2>{ format!("{}, {} bidding, {} bidders", format_label(lab.view.format), lab.view.bidding.as_str(), lab.view.bidders) }</h2>
            { table }
            <p class="hint">{ format!(
                "{} auctions, seed {}. Standard errors of prices from {} independent replicates (batch means). Theory agrees when within {AGREEMENT_SE} SE. Engine {:.0} ms.",
                lab.view.auctions, lab.view.seed, crate::app::lab::REPLICATES, answer.engine_ms) }</p>
        </section>
        <figure class="card lab-chart">
            <ReserveCanvas chart={Rc::new(chart)} id={answer.job.id} />
            <figcaption class="hint">
                { myerson.map(|m| format!("Myerson's optimal reserve r* solves φ(r*) = r* − (1 − F(r*))/f(r*) = 0: here r* = {}. ", fmt(m))).unwrap_or_default() }
                { theory_note.unwrap_or_default() }
            </figcaption>
        </figure>
        <section class="lab-equivalence card" aria-label="Revenue equivalence">
            <h2>{ "Revenue equivalence across formats" }</h2>
            <p class="hint">{ "Same values auction by auction (common random numbers), same reserve. Every efficient format in equilibrium earns the same expected revenue (Myerson 1981); GSP with truthful bids earns more than VCG with several slots, and is not an equilibrium." }</p>
            <div class="table-scroll">
            <table class="lab-table" id="lab-equivalence-table">
                <thead><tr><th scope="col">{ "Format" }</th><th scope="col">{ "Revenue ± SE" }</th><th scope="col">{ "Theory" }</th><th scope="col">{ "Welfare ± SE" }</th></tr></thead>
                <tbody>
                { for COMPARED.iter().enumerate().map(|(i, (_, _, label))| match answer.outcome(Role::Compare(i)) {
                    Some(Outcome::MonteCarlo(m)) => html! {
                        <tr data-row={i.to_string()} data-value={m.revenue_per_auction.to_string()}>
                            <th scope="row">{ *label }</th>
                            <td>{ mean_se(m.revenue_per_auction, m.revenue_se) }</td>
                            { verdict(m.revenue_per_auction, m.revenue_se, m.revenue_theory) }
                            <td>{ mean_se(m.welfare_per_auction, m.welfare_se) }</td>
                        </tr>
                    },
                    Some(Outcome::Error(e)) => html! {
                        <tr data-row={i.to_string()} class="disabled-row"><th scope="row">{ *label }</th><td colspan="3">{ format!("not run: {e}") }</td></tr>
                    },
                    _ => html! {},
                }) }
                </tbody>
            </table>
            </div>
        </section>
        </>
    }
}

/// Props of [`ReserveCanvas`].
#[derive(Properties, PartialEq)]
pub struct ReserveCanvasProps {
    /// The chart.
    pub chart: Rc<ReserveChart>,
    /// The batch it shows.
    pub id: u64,
}

/// The revenue-against-reserve canvas; `data-drawn` is the batch id last drawn.
#[function_component(ReserveCanvas)]
pub fn reserve_canvas(props: &ReserveCanvasProps) -> Html {
    let canvas = use_node_ref();
    {
        let (canvas, chart, id) = (canvas.clone(), props.chart.clone(), props.id);
        use_effect_with((chart.clone(), id), move |_| {
            let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            if let Some(area) = drawing_area(&el, CHART_HEIGHT) {
                if let Err(e) = draw_reserve(&area, &chart) {
                    gloo::console::error!(e);
                }
                let _ = el.set_attribute("data-drawn", &id.to_string());
            }
        });
    }
    html! {
        <div class="canvas-box">
            <canvas ref={canvas} role="img" class="lab-canvas"
                aria-label="Revenue per auction against the reserve: simulated points with two-standard-error bars, the theory curve and Myerson's optimal reserve"
                data-points={props.chart.points.len().to_string()}
                data-theory={(!props.chart.theory.is_empty()).to_string()}
                data-myerson={props.chart.myerson.map(|m| m.to_string()).unwrap_or_default()}></canvas>
        </div>
    }
}

/// Props of [`ExplicitEditor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The lab's state.
    pub lab: Rc<LabState>,
    /// The setter.
    pub set: SetProp,
}

/// The explicit-auction editor: bidders in, allocation, prices and the Nash check out.
#[function_component(ExplicitEditor)]
pub fn explicit_editor(props: &EditorProps) -> Html {
    let x = &props.lab.view.explicit;
    let set = props.set.0.clone();
    let on = |apply: Edit| {
        let set = set.clone();
        let apply = Rc::new(apply);
        Callback::from(move |e: Event| {
            if let Some(text) = target_value(&e) {
                let apply = apply.clone();
                set(Box::new(move |v| apply(v, &text)));
            }
        })
    };
    let equilibrium = x.bidding == Bidding::Equilibrium;
    let cell = |i: usize,
                field: &'static str,
                value: f64,
                disabled: bool,
                title: Option<&'static str>| {
        let onchange = on(Box::new(move |v: &mut LabView, t: &str| {
            if let (Some(n), Some(row)) = (num(t), v.explicit.rows.get_mut(i)) {
                match field {
                    "value" => {
                        // A truthful bid follows its value until edited apart.
                        if row.bid == row.value {
                            row.bid = n;
                        }
                        row.value = n;
                    }
                    "bid" => row.bid = n,
                    _ => row.quality = n,
                }
            }
        }));
        html! {
            <td><input type="number" step="0.1" min="0" class="cell" aria-label={format!("Bidder {} {field}", i + 1)}
                data-bidder={i.to_string()} data-field={field} value={value.to_string()} {disabled} title={title} {onchange} /></td>
        }
    };
    let add = {
        let set = set.clone();
        Callback::from(move |_: MouseEvent| {
            set(Box::new(|v| {
                if v.explicit.rows.len() < MAX_EXPLICIT_BIDDERS {
                    let last = v.explicit.rows.last().map_or(1.0, |r| r.value / 2.0);
                    v.explicit.rows.push(ExplicitRow {
                        value: last,
                        bid: last,
                        quality: 1.0,
                    });
                }
            }))
        })
    };
    let remove = |i: usize| {
        let set = set.clone();
        Callback::from(move |_: MouseEvent| {
            set(Box::new(move |v| {
                if v.explicit.rows.len() > 1 {
                    v.explicit.rows.remove(i);
                }
            }))
        })
    };
    let report = props
        .lab
        .explicit_answer
        .as_ref()
        .and_then(|a| a.outcome(Role::Explicit).cloned());
    let problem = props.lab.view.explicit_problem();
    let fp_reason = "A single explicit auction has no Bayesian prior, so first price has no equilibrium bid here";
    let outcome = match (&problem, report) {
        (Some((field, message)), _) => {
            html! { <p class="lab-problem" role="alert">{ format!("This auction does not run: `{field}` {message}") }</p> }
        }
        (None, Some(Outcome::Explicit(r))) => {
            let nash = match (&r.nash_check, x.format) {
                (Some(n), _) if n.nash => {
                    html! { <p class="nash ok" data-nash="true">{ "Nash check: no bidder gains by changing its bid alone — these bids are an equilibrium." }</p> }
                }
                (Some(n), _) => {
                    let d = n.deviation;
                    html! { <p class="nash bad" data-nash="false">{ match d {
                        Some(d) => format!("Nash check: not an equilibrium. Bidder {}'s best deviation is to bid {} and {}, gaining {} in expected surplus.",
                            d.bidder + 1, fmt(d.bid), d.slot.map_or("drop out".to_string(), |s| format!("take slot {}", s + 1)), fmt(d.gain)),
                        None => "Nash check: not an equilibrium.".into(),
                    } }</p> }
                }
                (None, Format::Vcg) => {
                    html! { <p class="nash" data-nash="na">{ "Nash check: VCG is truthful in dominant strategies, so truthful bids are always an equilibrium." }</p> }
                }
                (None, _) => {
                    html! { <p class="nash" data-nash="na">{ "Nash check: computed for GSP only (first price has no complete-information check here)." }</p> }
                }
            };
            html! {
                <>
                <div class="table-scroll">
                <table class="lab-table" id="lab-allocation">
                    <thead><tr><th scope="col">{ "Slot" }</th><th scope="col">{ "CTR" }</th><th scope="col">{ "Winner" }</th><th scope="col">{ "Price per click" }</th><th scope="col">{ "Payment" }</th></tr></thead>
                    <tbody>
                    { for x.slot_ctrs.iter().enumerate().map(|(k, a)| html! {
                        <tr data-slot={k.to_string()}>
                            <th scope="row">{ k + 1 }</th><td>{ fmt(*a) }</td>
                            <td>{ r.allocation.get(k).map_or("unsold".to_string(), |b| format!("bidder {}", b + 1)) }</td>
                            <td>{ r.slot_price_per_click.get(k).map_or(String::new(), |p| fmt(*p)) }</td>
                            <td>{ r.slot_payment.get(k).map_or(String::new(), |p| fmt(*p)) }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                </div>
                <p data-explicit-revenue={r.revenue.to_string()}>{ format!("Revenue {} · welfare {}", fmt(r.revenue), fmt(r.welfare)) }
                    { r.bids.as_ref().map(|b| format!(" · equilibrium bids {}", b.iter().map(|x| fmt(*x)).collect::<Vec<_>>().join(", "))).unwrap_or_default() }</p>
                { nash }
                </>
            }
        }
        (None, Some(Outcome::Error(e))) => html! { <p class="lab-problem" role="alert">{ e }</p> },
        _ => html! { <p>{ "running…" }</p> },
    };
    html! {
        <section class="lab-explicit card" aria-label="Explicit auction">
            <h2>{ "Explicit auction" }</h2>
            <div class="lab-controls">
                <label class="sweep-field" for="lab-x-format">
                    <span>{ "Format" }</span>
                    <select id="lab-x-format" onchange={on(Box::new(|v, t| if let Some(f) = Format::ALL.into_iter().find(|f| format_text(*f) == t) { v.explicit.format = f }))}>
                        { for Format::ALL.into_iter().map(|f| html! {
                            <option value={format_text(f)} selected={f == x.format}
                                disabled={f == Format::FirstPrice && equilibrium} title={(f == Format::FirstPrice && equilibrium).then_some(fp_reason)}>{ format_label(f) }</option>
                        }) }
                    </select>
                </label>
                <label class="sweep-field" for="lab-x-bidding">
                    <span>{ "Bids" }</span>
                    <select id="lab-x-bidding" onchange={on(Box::new(|v, t| v.explicit.bidding = if t == "equilibrium" { Bidding::Equilibrium } else { Bidding::Truthful }))}>
                        <option value="truthful" selected={!equilibrium}>{ "As typed" }</option>
                        <option value="equilibrium" selected={equilibrium} disabled={x.format == Format::FirstPrice}
                            title={(x.format == Format::FirstPrice).then_some(fp_reason)}>{ "Equilibrium (from values)" }</option>
                    </select>
                </label>
                <label class="sweep-field" for="lab-x-ctrs">
                    <span>{ "Slot CTRs" }</span>
                    <input id="lab-x-ctrs" type="text" value={list_text(&x.slot_ctrs)}
                        onchange={on(Box::new(|v, t| if let Some(xs) = parse_list(t) { v.explicit.slot_ctrs = xs }))} />
                </label>
                <label class="sweep-field narrow" for="lab-x-reserve">
                    <span>{ "Reserve" }</span>
                    <input id="lab-x-reserve" type="number" min="0" step="0.05" value={x.reserve.to_string()}
                        onchange={on(Box::new(|v, t| if let Some(r) = num(t) { v.explicit.reserve = r.max(0.0) }))} />
                </label>
                <label class="sweep-field narrow" for="lab-x-squash">
                    <span>{ "Squashing q" }</span>
                    <input id="lab-x-squash" type="number" min="0" max="2" step="0.1" value={x.squashing.to_string()}
                        onchange={on(Box::new(|v, t| if let Some(q) = num(t) { v.explicit.squashing = q.clamp(0.0, 2.0) }))} />
                </label>
            </div>
            <div class="table-scroll">
            <table class="lab-table lab-bidders" id="lab-bidders">
                <thead><tr><th scope="col">{ "Bidder" }</th><th scope="col">{ "Value" }</th><th scope="col">{ "Bid" }</th><th scope="col">{ "Quality" }</th><th scope="col"><span class="visually-hidden">{ "Remove" }</span></th></tr></thead>
                <tbody>
                { for x.rows.iter().enumerate().map(|(i, r)| html! {
                    <tr>
                        <th scope="row">{ i + 1 }</th>
                        { cell(i, "value", r.value, false, None) }
                        { cell(i, "bid", r.bid, equilibrium, equilibrium.then_some("Computed from the values in equilibrium")) }
                        { cell(i, "quality", r.quality, false, None) }
                        <td><button type="button" class="button ghost small" disabled={x.rows.len() <= 1}
                            title={(x.rows.len() <= 1).then_some("An auction needs a bidder")}
                            aria-label={format!("Remove bidder {}", i + 1)} onclick={remove(i)}>{ "×" }</button></td>
                    </tr>
                }) }
                </tbody>
            </table>
            </div>
            <button type="button" class="button small" data-action="add-bidder" onclick={add}
                disabled={x.rows.len() >= MAX_EXPLICIT_BIDDERS}>{ "Add bidder" }</button>
            { outcome }
        </section>
    }
}

/// What a pacing condition means, for its row in the checks list.
fn condition_label(key: &str) -> &'static str {
    match key {
        "multipliers" => "multipliers in [0, 1]",
        "prices" => "prices set by the format (highest or second-highest paced bid)",
        "allocation" => "goods only to the highest paced bids, sold in full",
        "spend" => "spend and revenue add up",
        "budgets" => "spend ≤ budget",
        "slackness" => "α < 1 only with the budget spent",
        _ => "",
    }
}

/// The pacing market editor: values per bidder and good, budgets, first or second price in;
/// multipliers, prices, allocation, spend against budget and each equilibrium condition out.
#[function_component(PacingEditor)]
pub fn pacing_editor(props: &EditorProps) -> Html {
    let pv = &props.lab.view.pacing;
    let set = props.set.0.clone();
    let on = |apply: Edit| {
        let set = set.clone();
        let apply = Rc::new(apply);
        Callback::from(move |e: Event| {
            if let Some(text) = target_value(&e) {
                let apply = apply.clone();
                set(Box::new(move |v| apply(v, &text)));
            }
        })
    };
    let goods = pv.values.first().map_or(0, Vec::len);
    let value_cell = |i: usize, j: usize, x: f64| {
        let onchange = on(Box::new(move |v: &mut LabView, t: &str| {
            if let Some(n) = num(t) {
                if let Some(cell) = v.pacing.values.get_mut(i).and_then(|r| r.get_mut(j)) {
                    *cell = n;
                }
            }
        }));
        html! {
            <td><input type="number" step="0.1" min="0" class="cell" aria-label={format!("Bidder {} value for good {}", i + 1, j + 1)}
                data-pacing-bidder={i.to_string()} data-pacing-good={j.to_string()} value={x.to_string()} {onchange} /></td>
        }
    };
    let budget_cell = |i: usize, b: f64| {
        let onchange = on(Box::new(move |v: &mut LabView, t: &str| {
            if let (Some(n), Some(cell)) = (num(t), v.pacing.budgets.get_mut(i)) {
                *cell = n;
            }
        }));
        html! {
            <td><input type="number" step="0.1" min="0" class="cell" aria-label={format!("Bidder {} budget", i + 1)}
                data-pacing-budget={i.to_string()} value={b.to_string()} {onchange} /></td>
        }
    };
    let edit = |change: fn(&mut LabView)| {
        let set = set.clone();
        Callback::from(move |_: MouseEvent| set(Box::new(change)))
    };
    let add_bidder = edit(|v| {
        let g = v.pacing.values.first().map_or(1, Vec::len);
        if v.pacing.values.len() < MAX_PACING_EDITOR_BIDDERS {
            v.pacing.values.push(vec![1.0; g]);
            v.pacing.budgets.push(1.0);
        }
    });
    let remove_bidder = edit(|v| {
        if v.pacing.values.len() > 1 {
            v.pacing.values.pop();
            v.pacing.budgets.pop();
        }
    });
    let add_good = edit(|v| {
        if v.pacing.values.first().map_or(0, Vec::len) < MAX_PACING_EDITOR_GOODS {
            for row in &mut v.pacing.values {
                row.push(1.0);
            }
        }
    });
    let remove_good = edit(|v| {
        if v.pacing.values.first().map_or(0, Vec::len) > 1 {
            for row in &mut v.pacing.values {
                row.pop();
            }
        }
    });
    let report = props
        .lab
        .pacing_answer
        .as_ref()
        .and_then(|a| a.outcome(Role::Pacing).cloned());
    let problem = pv.problem();
    let outcome = match (&problem, report) {
        (Some((field, message)), _) => {
            html! { <p class="lab-problem" role="alert">{ format!("This market does not run: `{field}` {message}") }</p> }
        }
        (None, Some(Outcome::Pacing(r))) => {
            let verdict = if r.verified {
                "Every equilibrium condition holds (to a relative 1e-9).".to_string()
            } else {
                let method = r.method.as_ref().map_or(String::new(), |m| {
                    if m.converged {
                        String::new()
                    } else {
                        format!(" The search (best-response dynamics from several starts with exact solves) found none in {} sweeps (finding a second-price pacing equilibrium is PPAD-hard in general); the point shown is the closest it reached.", m.sweeps)
                    }
                });
                format!(
                    "Not an equilibrium:{} worst: {}",
                    method,
                    r.worst_violation
                        .as_ref()
                        .map_or(String::new(), |w| w.message.clone())
                )
            };
            html! {
                <>
                <div class="table-scroll">
                <table class="lab-table" id="lab-pacing-result" data-format={r.format.clone()} data-revenue={r.revenue.to_string()}>
                    <thead><tr><th scope="col">{ "Bidder" }</th><th scope="col">{ "Multiplier α" }</th>
                        { for (0..r.prices.len()).map(|j| html! { <th scope="col">{ format!("Share of good {}", j + 1) }</th> }) }
                        <th scope="col">{ "Spend / budget" }</th></tr></thead>
                    <tbody>
                    { for r.multipliers.iter().enumerate().map(|(i, a)| html! {
                        <tr data-pacing-row={i.to_string()}>
                            <th scope="row">{ i + 1 }</th>
                            <td data-multiplier={a.to_string()}>{ fmt(*a) }</td>
                            { for r.allocation.get(i).into_iter().flatten().map(|x| html! { <td>{ fmt(*x) }</td> }) }
                            <td>{ format!("{} / {}", fmt(r.spend.get(i).copied().unwrap_or(0.0)), fmt(pv.budgets.get(i).copied().unwrap_or(0.0))) }</td>
                        </tr>
                    }) }
                    <tr><th scope="row">{ "Price" }</th><td></td>
                        { for r.prices.iter().map(|p| html! { <td data-price={p.to_string()}>{ fmt(*p) }</td> }) }
                        <td>{ format!("revenue {}", fmt(r.revenue)) }</td></tr>
                    </tbody>
                </table>
                </div>
                <ul class="pacing-conditions" id="lab-pacing-conditions">
                    { for r.conditions.iter().map(|(k, ok)| html! {
                        <li data-condition={k.clone()} data-holds={ok.to_string()}>{ format!("{} {}", if *ok { "✓" } else { "✗" }, condition_label(k)) }</li>
                    }) }
                </ul>
                <p class={if r.verified { "pacing-verdict ok" } else { "pacing-verdict bad" }} data-verified={r.verified.to_string()}>{ verdict }</p>
                </>
            }
        }
        (None, Some(Outcome::Error(e))) => html! { <p class="lab-problem" role="alert">{ e }</p> },
        _ => html! { <p>{ "running…" }</p> },
    };
    html! {
        <section class="lab-pacing card" aria-label="Pacing equilibrium">
            <h2>{ "Pacing equilibrium" }</h2>
            <p class="hint">{ "Each bidder scales all its bids by one multiplier α ≤ 1 so as not to overspend; each good is sold by its own auction. First price: the unique equilibrium, exact. Second price: one equilibrium sought by best-response dynamics, then checked." }</p>
            <div class="lab-controls">
                <label class="sweep-field" for="lab-pacing-format">
                    <span>{ "Auction" }</span>
                    <select id="lab-pacing-format" onchange={on(Box::new(|v, t| v.pacing.format = if t == "second_price" { PacingFormat::SecondPrice } else { PacingFormat::FirstPrice }))}>
                        { for [PacingFormat::FirstPrice, PacingFormat::SecondPrice].into_iter().map(|f| html! {
                            <option value={pacing_format_text(f)} selected={f == pv.format}>{ if f == PacingFormat::FirstPrice { "First price" } else { "Second price" } }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="table-scroll">
            <table class="lab-table" id="lab-pacing-market">
                <thead><tr><th scope="col">{ "Bidder" }</th>
                    { for (0..goods).map(|j| html! { <th scope="col">{ format!("Value of good {}", j + 1) }</th> }) }
                    <th scope="col">{ "Budget" }</th></tr></thead>
                <tbody>
                { for pv.values.iter().enumerate().map(|(i, row)| html! {
                    <tr>
                        <th scope="row">{ i + 1 }</th>
                        { for row.iter().enumerate().map(|(j, x)| value_cell(i, j, *x)) }
                        { budget_cell(i, pv.budgets.get(i).copied().unwrap_or(0.0)) }
                    </tr>
                }) }
                </tbody>
            </table>
            </div>
            <div class="lab-controls">
                <button type="button" class="button small" data-action="pacing-add-bidder" onclick={add_bidder}
                    disabled={pv.values.len() >= MAX_PACING_EDITOR_BIDDERS}>{ "Add bidder" }</button>
                <button type="button" class="button small" data-action="pacing-remove-bidder" onclick={remove_bidder}
                    disabled={pv.values.len() <= 1}>{ "Remove bidder" }</button>
                <button type="button" class="button small" data-action="pacing-add-good" onclick={add_good}
                    disabled={goods >= MAX_PACING_EDITOR_GOODS}>{ "Add good" }</button>
                <button type="button" class="button small" data-action="pacing-remove-good" onclick={remove_good}
                    disabled={goods <= 1}>{ "Remove good" }</button>
            </div>
            { outcome }
        </section>
    }
}
