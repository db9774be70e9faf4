//! The Tradeoffs tab: sweep one knob of the current design over a range on a pool of workers
//! ([`crate::ui::pool`]) and draw the tradeoff as the points arrive ([`crate::chart::frontier`]):
//! any two summary metrics, coloured by a third, the Pareto frontier, the current design; or the
//! first-week and last-week frontiers. Clicking a point (or a row of the frontier table) applies
//! its knob value to the design.
//!
//! The canvas carries what the browser tests read: `data-sweep` (the sweep's id), `data-done`,
//! `data-total`, `data-frontier` (the frontier's point indices, comma-separated, as drawn),
//! `data-drawn-done` (points drawn) and `data-positions` (`index:x:y` in canvas pixels, for
//! clicks). Each redraw of the frontier is a `performance.measure("frontier-draw")`.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Interval;

use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::format;
use crate::app::state::{Action, AppState};
use crate::app::sweep::{
    marginal_rates, menu_metrics, nearest_point, resolve, resolve2, sweepable_knobs, table_metrics,
    Readout, Sweep,
};
use crate::chart::frontier::{draw_frontier, frontier_chart, metric_label};
use crate::chart::heatmap::{draw_heatmap, heatmap_chart, CellRect};
use crate::config::url::SweepView;
use crate::core::model::knobs::Knob;
use crate::core::model::{Summaries, WindowedMetric};
use crate::ui::browser::{self, now_ms};
use crate::ui::components::canvas::drawing_area;
use crate::ui::components::optimizer::{OptimizerPanel, PoliciesPanel};
use crate::ui::pool::{Lane, SweepPool};

/// Height of the frontier canvas (CSS pixels).
pub const FRONTIER_HEIGHT: u32 = 460;
/// Height of the heat map canvas (CSS pixels).
pub const HEATMAP_HEIGHT: u32 = 420;
/// How far from a point a click still picks it (pixels).
const PICK_PX: i32 = 14;

/// Props of [`TradeoffsPage`].
#[derive(Properties, PartialEq)]
pub struct TradeoffsProps {
    /// The app's state.
    pub state: Rc<AppState>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

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

/// The whole tab.
#[function_component(TradeoffsPage)]
pub fn tradeoffs_page(props: &TradeoffsProps) -> Html {
    let state = &props.state;
    let dispatch = props.dispatch.clone();
    let view = state.sweep_view;

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
    // No sweep (first visit, a new base design or new settings): start one.
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.needs_sweep(), move |needs| {
            if *needs {
                dispatch.emit(Action::StartSweep { now_ms: now_ms() });
            }
        });
    }
    // A new sweep (or a cancelled one): hand its points to the pool, or drop the queue.
    let sweep = state.sweep.clone();
    let running = sweep.as_ref().is_some_and(|s| s.running());
    {
        let (pool, sweep) = (pool.clone(), sweep.clone());
        let key = sweep.as_ref().map(|s| (s.id, s.cancelled));
        use_effect_with((key, state.engine), move |_| {
            if let (Some(pool), Some(sweep)) = (pool.borrow().as_ref(), sweep.as_ref()) {
                if sweep.running() {
                    pool.start(sweep);
                } else {
                    pool.cancel();
                }
            }
        });
    }
    // A link with optimizer settings: run them once.
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.needs_optimize(), move |needs| {
            if *needs {
                dispatch.emit(Action::StartOptimize { now_ms: now_ms() });
            }
        });
    }
    // A link with `pol=1`: compare the policies once.
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.needs_policies(), move |needs| {
            if *needs {
                dispatch.emit(Action::StartPolicies { now_ms: now_ms() });
            }
        });
    }
    // The optimizer's and the comparison's current batches go to the pool (or their lanes empty).
    {
        let pool = pool.clone();
        let run = state.optimize.clone();
        let key = run.as_ref().map(|r| (r.id, r.batches.job, r.running()));
        use_effect_with((key, state.engine), move |_| {
            if let Some(pool) = pool.borrow().as_ref() {
                let requests = run
                    .filter(|r| r.running())
                    .map(|r| r.batches.requests())
                    .unwrap_or_default();
                pool.submit(Lane::Optimize, requests);
            }
        });
    }
    {
        let pool = pool.clone();
        let run = state.policies.clone();
        let key = run.as_ref().map(|r| (r.id, r.batches.job, r.running()));
        use_effect_with((key, state.engine), move |_| {
            if let Some(pool) = pool.borrow().as_ref() {
                let requests = run
                    .filter(|r| r.running())
                    .map(|r| r.batches.requests())
                    .unwrap_or_default();
                pool.submit(Lane::Policies, requests);
            }
        });
    }
    let running = running
        || state.optimize.as_ref().is_some_and(|r| r.running())
        || state.policies.as_ref().is_some_and(|r| r.running());
    // The elapsed time ticks while the sweep, the optimizer or the comparison runs.
    {
        let dispatch = dispatch.clone();
        use_effect_with(running, move |running| {
            let tick = running
                .then(|| Interval::new(250, move || dispatch.emit(Action::SweepClock(now_ms()))));
            move || drop(tick)
        });
    }

    let current = sweep.as_ref().and_then(|s| s.current_index(&state.params));
    // The current design's own run, when it is not a point but lies on the sweep's line.
    let design = match (&sweep, &state.results) {
        (Some(s), Some(r))
            if current.is_none() && *r.params == *state.params && s.same_base(&state.params) =>
        {
            Some(Rc::new(r.result.summaries.clone()))
        }
        _ => None,
    };
    let (tx, ty) = table_metrics(&view);
    let frontier = sweep
        .as_ref()
        .map(|s| s.frontier(&tx, &ty))
        .unwrap_or_default();

    html! {
        <main class="layout-tradeoffs" aria-label="Tradeoffs">
            <SweepControls state={state.clone()} dispatch={dispatch.clone()} />
            if let Some(sweep) = sweep.clone() {
                <SweepProgress sweep={sweep.clone()} dispatch={dispatch.clone()} />
                if sweep.knob2.is_some() {
                    <HeatmapCanvas sweep={sweep.clone()} metric={view.heat_metric()} current={current}
                    extra={vec![tx, ty]}
                        dispatch={dispatch.clone()} />
                }
                <FrontierCanvas sweep={sweep.clone()} view={view} current={current}
                    frontier={frontier.clone()} design={design} dispatch={dispatch.clone()} />
                <FrontierTable sweep={sweep} view={view} current={current}
                    frontier={frontier} dispatch={dispatch.clone()} />
            }
            <OptimizerPanel state={state.clone()} dispatch={dispatch.clone()} />
            <PoliciesPanel run={state.policies.clone()} dispatch={dispatch.clone()} />
        </main>
    }
}

/// Props of [`SweepControls`].
#[derive(Properties, PartialEq)]
pub struct SweepControlsProps {
    /// The app's state.
    pub state: Rc<AppState>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// Knob, range, points, metrics and the short-vs-long toggle.
#[function_component(SweepControls)]
pub fn sweep_controls(props: &SweepControlsProps) -> Html {
    let view = props.state.sweep_view;
    let (knob, from, to, _) = resolve(&props.state.params, &view);
    let metrics = menu_metrics(&props.state.params);
    let spec = knob.spec();
    let set = {
        let dispatch = props.dispatch.clone();
        move |change: Box<dyn Fn(&mut SweepView)>| {
            let mut next = view;
            change(&mut next);
            dispatch.emit(Action::SetSweepView(next));
        }
    };
    let on_knob = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            let Some(url) = select_value(&e) else { return };
            let knob = Knob::from_url(&url);
            set(Box::new(move |v| {
                v.knob = knob;
                v.from = None;
                v.to = None;
            }));
        })
    };
    let number = |apply: fn(&mut SweepView, f64)| {
        let set = set.clone();
        Callback::from(move |e: Event| {
            if let Some(x) = input_number(&e) {
                set(Box::new(move |v| apply(v, x)));
            }
        })
    };
    let metric_select = |id: &'static str,
                         label: &'static str,
                         current: WindowedMetric,
                         apply: fn(&mut SweepView, WindowedMetric)| {
        let set = set.clone();
        let onchange = Callback::from(move |e: Event| {
            if let Some(m) = select_value(&e).and_then(|t| WindowedMetric::parse(&t).ok()) {
                set(Box::new(move |v| apply(v, m)));
            }
        });
        html! {
            <label class="sweep-field" for={id}>
                <span>{ label }</span>
                <select id={id} name={id} {onchange}>
                    { for metrics.iter().map(|m| {
                        let text = m.to_string();
                        html! { <option value={text.clone()} selected={*m == current}>{ metric_label(m) }</option> }
                    }) }
                </select>
            </label>
        }
    };
    let on_weeks = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .is_some_and(|i| i.checked());
            set(Box::new(move |v| v.weeks = on));
        })
    };
    let on_knob2 = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            let Some(url) = select_value(&e) else { return };
            let knob = Knob::from_url(&url);
            set(Box::new(move |v| {
                v.knob2 = knob;
                v.from2 = None;
                v.to2 = None;
            }));
        })
    };
    let second = resolve2(&props.state.params, &view);
    let step = spec.slider().map_or(0.01, |s| s.step).to_string();
    let second_fields = second.map(|(k2, from2, to2, points2)| {
        let step2 = k2.spec().slider().map_or(0.01, |s| s.step).to_string();
        html! { <>
            <label class="sweep-field narrow" for="sweep2-from">
                <span>{ "From" }</span>
                <input type="number" id="sweep2-from" name="sweep2.from" step={step2.clone()}
                    value={from2.to_string()} onchange={number(|v, x| v.from2 = Some(x))} />
            </label>
            <label class="sweep-field narrow" for="sweep2-to">
                <span>{ "To" }</span>
                <input type="number" id="sweep2-to" name="sweep2.to" step={step2}
                    value={to2.to_string()} onchange={number(|v, x| v.to2 = Some(x))} />
            </label>
            <label class="sweep-field narrow" for="sweep2-points">
                <span>{ "Points" }</span>
                <input type="number" id="sweep2-points" name="sweep2.points" min="2" max="101" step="1"
                    value={points2.to_string()}
                    onchange={number(|v, x| v.points2 = x.round().clamp(2.0, 101.0) as u32)} />
            </label>
        </> }
    });
    html! {
        <section class="sweep-controls card" aria-label="Sweep settings">
            <label class="sweep-field" for="sweep-knob">
                <span>{ "Knob" }</span>
                <select id="sweep-knob" name="sweep" onchange={on_knob}>
                    { for sweepable_knobs().into_iter().map(|k| html! {
                        <option value={k.spec().url} selected={k == knob}>{ k.spec().label }</option>
                    }) }
                </select>
            </label>
            <label class="sweep-field narrow" for="sweep-from">
                <span>{ "From" }</span>
                <input type="number" id="sweep-from" name="sweep.from" step={step.clone()}
                    value={from.to_string()} onchange={number(|v, x| v.from = Some(x))} />
            </label>
            <label class="sweep-field narrow" for="sweep-to">
                <span>{ "To" }</span>
                <input type="number" id="sweep-to" name="sweep.to" step={step}
                    value={to.to_string()} onchange={number(|v, x| v.to = Some(x))} />
            </label>
            <label class="sweep-field narrow" for="sweep-points">
                <span>{ "Points" }</span>
                <input type="number" id="sweep-points" name="sweep.points" min="2" max="101" step="1"
                    value={view.points.to_string()}
                    onchange={number(|v, x| v.points = x.round().clamp(2.0, 101.0) as u32)} />
            </label>
            <label class="sweep-field" for="sweep2-knob">
                <span>{ "Second knob" }</span>
                <select id="sweep2-knob" name="sweep2" onchange={on_knob2}>
                    <option value="none" selected={second.is_none()}>{ "none" }</option>
                    { for sweepable_knobs().into_iter().filter(|k| *k != knob).map(|k| html! {
                        <option value={k.spec().url} selected={second.is_some_and(|s| s.0 == k)}>{ k.spec().label }</option>
                    }) }
                </select>
            </label>
            { for second_fields }
            { metric_select("sweep-x", "x", view.x, |v, m| v.x = m) }
            { metric_select("sweep-y", "y", view.y, |v, m| v.y = m) }
            { metric_select("sweep-colour", "Colour", view.colour, |v, m| v.colour = m) }
            if second.is_some() {
                { metric_select("sweep-heat", "Heat map", view.heat_metric(), |v, m| v.heat = Some(m)) }
            }
            <label class="sweep-field toggle" for="sweep-weeks">
                <input type="checkbox" id="sweep-weeks" name="sweep.weeks" checked={view.weeks} onchange={on_weeks} />
                <span>{ "Short vs long term (first and last week)" }</span>
            </label>
            <p class="sweep-note">{ format!("Current {}: {}", spec.label.to_lowercase(),
                format::param_value(spec, &(spec.get)(&props.state.params))) }</p>
        </section>
    }
}

/// Props of [`SweepProgress`].
#[derive(Properties, PartialEq)]
pub struct SweepProgressProps {
    /// The sweep.
    pub sweep: Rc<Sweep>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// "done / total · elapsed s", a bar, and Cancel (or Run again).
#[function_component(SweepProgress)]
pub fn sweep_progress(props: &SweepProgressProps) -> Html {
    let s = &props.sweep;
    let (done, total) = (s.done(), s.len());
    let status = if s.cancelled {
        " · cancelled"
    } else if s.finished() {
        " · done"
    } else {
        ""
    };
    let text = format!(
        "{done} / {total} · {:.1} s{status}",
        s.elapsed_ms.max(0.0) / 1000.0
    );
    let cancel = props.dispatch.reform(|_: MouseEvent| Action::CancelSweep);
    let rerun = props
        .dispatch
        .reform(|_: MouseEvent| Action::StartSweep { now_ms: now_ms() });
    html! {
        <section class="sweep-progress" aria-label="Sweep progress" data-done={done.to_string()}
            data-total={total.to_string()} data-cancelled={s.cancelled.to_string()}>
            <progress max={total.to_string()} value={done.to_string()}></progress>
            <span class="sweep-status" role="status" aria-live="polite">{ text }</span>
            if s.running() {
                <button type="button" class="button small" data-action="cancel-sweep" onclick={cancel}>{ "Cancel" }</button>
            } else {
                <button type="button" class="button ghost small" data-action="rerun-sweep" onclick={rerun}>{ "Run again" }</button>
            }
        </section>
    }
}

/// Props of [`FrontierCanvas`].
#[derive(Properties, PartialEq)]
pub struct FrontierCanvasProps {
    /// The sweep.
    pub sweep: Rc<Sweep>,
    /// The settings.
    pub view: SweepView,
    /// The current design's point, if any.
    pub current: Option<usize>,
    /// The frontier's indices.
    pub frontier: Vec<usize>,
    /// The current design's summaries, when it is not a point of the sweep but varies only the
    /// swept knob and its run is known.
    #[prop_or_default]
    pub design: Option<Rc<Summaries>>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// The chart, redrawn whenever a point arrives or a setting changes; a click applies the
/// nearest point.
#[function_component(FrontierCanvas)]
pub fn frontier_canvas(props: &FrontierCanvasProps) -> Html {
    let canvas = use_node_ref();
    let positions: Rc<RefCell<Vec<(usize, i32, i32)>>> = use_mut_ref(Vec::new);
    {
        let (canvas, positions) = (canvas.clone(), positions.clone());
        let (sweep, view, current) = (props.sweep.clone(), props.view, props.current);
        let frontier = props.frontier.clone();
        let design = props.design.clone();
        // Keyed on the answers, not the clock: a tick of the elapsed time redraws nothing.
        use_effect_with(
            (drawn_key(&sweep), view, current, props.design.clone()),
            move |_| {
                let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                    return;
                };
                browser::performance_mark("frontier-draw-start");
                let Some(area) = drawing_area(&el, FRONTIER_HEIGHT) else {
                    return;
                };
                let mut chart = frontier_chart(&sweep, &view, current);
                // The current design between two points: mark it from its own run.
                if chart.current.is_none() {
                    if let Some(summaries) = design.as_deref() {
                        let (x, y) = table_metrics(&view);
                        chart.current = Some((x.value(summaries), y.value(summaries)));
                    }
                }
                match draw_frontier(&area, &chart) {
                    Ok(p) => {
                        let text = p
                            .iter()
                            .map(|(i, x, y)| format!("{i}:{x}:{y}"))
                            .collect::<Vec<_>>()
                            .join(" ");
                        let _ = el.set_attribute("data-positions", &text);
                        *positions.borrow_mut() = p;
                    }
                    Err(e) => gloo::console::error!(e),
                }
                let list = frontier
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(",");
                let _ = el.set_attribute("data-frontier", &list);
                let _ = el.set_attribute("data-drawn-done", &sweep.done().to_string());
                browser::performance_measure("frontier-draw", "frontier-draw-start");
            },
        );
    }
    let onclick = {
        let (positions, dispatch, canvas) =
            (positions.clone(), props.dispatch.clone(), canvas.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let (x, y) = drawing_point(&el, &e);
            let nearest = positions
                .borrow()
                .iter()
                .map(|&(i, px, py)| (i, (px - x).pow(2) + (py - y).pow(2)))
                .min_by_key(|&(_, d)| d);
            if let Some((i, d)) = nearest {
                if d <= PICK_PX * PICK_PX {
                    dispatch.emit(Action::ApplySweepPoint(i));
                }
            }
        })
    };
    let hover = use_state(|| None::<Hover>);
    let onmousemove = {
        let (positions, canvas, hover) = (positions.clone(), canvas.clone(), hover.clone());
        let (sweep, view) = (props.sweep.clone(), props.view);
        Callback::from(move |e: MouseEvent| {
            let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let (x, y) = drawing_point(&el, &e);
            let (tx, ty) = table_metrics(&view);
            let next = nearest_point(&positions.borrow(), x, y, 2 * PICK_PX).and_then(|i| {
                sweep
                    .readout(i, &[tx, ty, view.colour], metric_label)
                    .map(|readout| Hover::at(&el, &e, readout))
            });
            if *hover != next {
                hover.set(next);
            }
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let s = &props.sweep;
    html! {
        <figure class="chart card frontier-chart">
            <div class="canvas-box" {onmousemove} {onmouseleave}>
                <canvas ref={canvas} role="img" class="frontier-canvas" {onclick}
                    aria-label="Tradeoff frontier: click a point to apply its knob value"
                    data-sweep={s.id.to_string()} data-done={s.done().to_string()}
                    data-total={s.len().to_string()}></canvas>
                <div class="chart-overlay">{ for hover.as_ref().map(Hover::view) }</div>
            </div>
        </figure>
    }
}

/// A hover read-out over a tradeoff canvas: the point's read-out and where to show it (CSS
/// pixels in the canvas box; flipped to the pointer's left on the right half).
#[derive(Debug, Clone, PartialEq)]
struct Hover {
    readout: Readout,
    x: f64,
    y: f64,
    flip: bool,
}

impl Hover {
    fn at(el: &HtmlCanvasElement, e: &MouseEvent, readout: Readout) -> Hover {
        let rect = el.get_bounding_client_rect();
        let x = f64::from(e.client_x()) - rect.left();
        let y = f64::from(e.client_y()) - rect.top();
        Hover {
            readout,
            x,
            y,
            flip: x > 0.5 * rect.width(),
        }
    }

    fn view(&self) -> Html {
        let place = if self.flip {
            format!(
                "left: {:.1}px; top: {:.1}px; transform: translateX(calc(-100% - 12px));",
                self.x,
                self.y + 12.0
            )
        } else {
            format!(
                "left: {:.1}px; top: {:.1}px; transform: translateX(12px);",
                self.x,
                self.y + 12.0
            )
        };
        html! {
            <div class="chart-tooltip tradeoff-tooltip" role="tooltip"
                data-index={self.readout.index.to_string()} style={place}>
                <div class="chart-tooltip-day">{ self.readout.heading.clone() }</div>
                <table>
                    { for self.readout.rows.iter().map(|(label, value)| html! {
                        <tr><td>{ label.clone() }</td><td class="num">{ value.clone() }</td></tr>
                    }) }
                </table>
            </div>
        }
    }
}

/// Props of [`HeatmapCanvas`].
#[derive(Properties, PartialEq)]
pub struct HeatmapCanvasProps {
    /// The sweep (with a second knob).
    pub sweep: Rc<Sweep>,
    /// The metric that colours the cells.
    pub metric: WindowedMetric,
    /// More metrics the hover read-out shows (the frontier's x and y).
    #[prop_or_default]
    pub extra: Vec<WindowedMetric>,
    /// The current design's point, if any.
    pub current: Option<usize>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// The heat map of a two-knob sweep, redrawn as points arrive; clicking a cell applies both
/// knob values. The canvas carries `data-cells` (`index:x0:y0:x1:y1` in canvas pixels),
/// `data-best`, `data-current` and `data-drawn-done`.
#[function_component(HeatmapCanvas)]
pub fn heatmap_canvas(props: &HeatmapCanvasProps) -> Html {
    let canvas = use_node_ref();
    let cells: Rc<RefCell<Vec<CellRect>>> = use_mut_ref(Vec::new);
    {
        let (canvas, cells) = (canvas.clone(), cells.clone());
        let (sweep, metric, current) = (props.sweep.clone(), props.metric, props.current);
        use_effect_with((drawn_key(&sweep), metric, current), move |_| {
            let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let Some(area) = drawing_area(&el, HEATMAP_HEIGHT) else {
                return;
            };
            let Some(chart) = heatmap_chart(&sweep, &metric, current) else {
                return;
            };
            match draw_heatmap(&area, &chart) {
                Ok(c) => {
                    let text = c
                        .iter()
                        .map(|(i, x0, y0, x1, y1)| format!("{i}:{x0}:{y0}:{x1}:{y1}"))
                        .collect::<Vec<_>>()
                        .join(" ");
                    let _ = el.set_attribute("data-cells", &text);
                    *cells.borrow_mut() = c;
                }
                Err(e) => gloo::console::error!(e),
            }
            let opt = |i: Option<usize>| i.map_or(String::new(), |i| i.to_string());
            let _ = el.set_attribute("data-best", &opt(chart.best));
            let _ = el.set_attribute("data-current", &opt(chart.current));
            let _ = el.set_attribute("data-drawn-done", &sweep.done().to_string());
        });
    }
    let onclick = {
        let (cells, dispatch, canvas) = (cells.clone(), props.dispatch.clone(), canvas.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let (x, y) = drawing_point(&el, &e);
            let hit = cells
                .borrow()
                .iter()
                .find(|&&(_, x0, y0, x1, y1)| (x0..x1).contains(&x) && (y0..y1).contains(&y))
                .map(|c| c.0);
            if let Some(i) = hit {
                dispatch.emit(Action::ApplySweepPoint(i));
            }
        })
    };
    let hover = use_state(|| None::<Hover>);
    let onmousemove = {
        let (cells, canvas, hover) = (cells.clone(), canvas.clone(), hover.clone());
        let (sweep, metric, extra) = (props.sweep.clone(), props.metric, props.extra.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let (x, y) = drawing_point(&el, &e);
            let hit = cells
                .borrow()
                .iter()
                .find(|&&(_, x0, y0, x1, y1)| (x0..x1).contains(&x) && (y0..y1).contains(&y))
                .map(|c| c.0);
            let mut metrics = vec![metric];
            metrics.extend(extra.iter().filter(|m| **m != metric));
            let next = hit.and_then(|i| {
                sweep
                    .readout(i, &metrics, metric_label)
                    .map(|readout| Hover::at(&el, &e, readout))
            });
            if *hover != next {
                hover.set(next);
            }
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let s = &props.sweep;
    html! {
        <figure class="chart card heatmap-chart">
            <div class="canvas-box" {onmousemove} {onmouseleave}>
                <canvas ref={canvas} role="img" class="heatmap-canvas" {onclick}
                    aria-label="Heat map of the two-knob sweep: click a cell to apply both knob values"
                    data-sweep={s.id.to_string()} data-done={s.done().to_string()}
                    data-total={s.len().to_string()}></canvas>
                <div class="chart-overlay">{ for hover.as_ref().map(Hover::view) }</div>
            </div>
        </figure>
    }
}

/// Props of [`FrontierTable`].
#[derive(Properties, PartialEq)]
pub struct FrontierTableProps {
    /// The sweep.
    pub sweep: Rc<Sweep>,
    /// The settings.
    pub view: SweepView,
    /// The current design's point, if any.
    pub current: Option<usize>,
    /// The frontier's indices.
    pub frontier: Vec<usize>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// The frontier's points with the marginal rate of substitution between neighbours; a row's
/// button applies its knob value.
#[function_component(FrontierTable)]
pub fn frontier_table(props: &FrontierTableProps) -> Html {
    let s = &props.sweep;
    let spec = s.knob.spec();
    let (x, y) = table_metrics(&props.view);
    let xs = s.metric(&x);
    let ys = s.metric(&y);
    let cs = s.metric(&props.view.colour);
    let rates = marginal_rates(&xs, &ys, &props.frontier);
    let num = |x: f64| {
        if x.is_finite() {
            format::number(x)
        } else {
            "—".to_string()
        }
    };
    html! {
        <section class="frontier-table card" aria-label="Frontier points">
            <h2>{ "Frontier points" }</h2>
            <p class="hint">{ format!(
                "MRS: {} given up per unit of {} gained, between a point and the one before it.",
                x.label().to_lowercase(), y.label().to_lowercase()) }</p>
            <div class="table-scroll">
                <table>
                    <thead><tr>
                        <th scope="col">{ spec.label }</th>
                        <th scope="col">{ metric_label(&x) }</th>
                        <th scope="col">{ metric_label(&y) }</th>
                        <th scope="col">{ metric_label(&props.view.colour) }</th>
                        <th scope="col">{ "MRS" }</th>
                        <th scope="col"><span class="visually-hidden">{ "Apply" }</span></th>
                    </tr></thead>
                    <tbody>
                        { for props.frontier.iter().enumerate().map(|(k, &i)| {
                            let apply = props.dispatch.reform(move |_: MouseEvent| Action::ApplySweepPoint(i));
                            let (value, _) = s.point(i);
                            let rate = if k == 0 { "—".to_string() } else { num(rates[k - 1]) };
                            let current = props.current == Some(i);
                            html! {
                                <tr data-index={i.to_string()} class={classes!(current.then_some("current"))}>
                                    <td>{ format::param_value(spec, &crate::core::model::knobs::Value::Number(value)) }</td>
                                    <td>{ num(xs[i]) }</td>
                                    <td>{ num(ys[i]) }</td>
                                    <td>{ num(cs[i]) }</td>
                                    <td>{ rate }</td>
                                    <td><button type="button" class="button ghost small" data-action="apply-point"
                                        data-index={i.to_string()} onclick={apply} disabled={current}>
                                        { if current { "current" } else { "Apply" } }</button></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// What a chart of `sweep` draws from: its id, cancel flag and answers (the answers of one id
/// only ever grow, so their count stands for them); its clock is left out.
fn drawn_key(sweep: &Sweep) -> (u64, bool, usize) {
    (sweep.id, sweep.cancelled, sweep.done())
}

/// Where a click on `el` falls in the pixels the chart was laid out in (CSS pixels at drawing
/// time: the backing store divided by the device pixel ratio), whatever size CSS shows it at.
fn drawing_point(el: &HtmlCanvasElement, e: &MouseEvent) -> (i32, i32) {
    let rect = el.get_bounding_client_rect();
    let ratio = browser::device_pixel_ratio();
    let sx = f64::from(el.width()) / ratio / rect.width().max(1.0);
    let sy = f64::from(el.height()) / ratio / rect.height().max(1.0);
    (
        (f64::from(e.offset_x()) * sx) as i32,
        (f64::from(e.offset_y()) * sy) as i32,
    )
}
