//! The time-series charts: [`chart::daily_charts`] drawn by [`chart::draw`] on canvases, each
//! with a PNG download.
//!
//! Drawing happens in one effect of [`ChartsPanel`] that depends on the results (compared by
//! address) and on the panel's width, so charts redraw exactly when there is something new to
//! show. After drawing it sets `performance.mark("results-drawn")` and the panel's `data-drawn`
//! attribute to the result's request id (used by the browser tests and the benchmark).

use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use web_sys::{Element, HtmlCanvasElement};
use yew::prelude::*;

use crate::app::state::Computed;
use crate::chart::{self, ChartSpec};
use crate::ui::browser;
use crate::ui::commands::FILE_STEM;

/// Height of every chart canvas (CSS pixels).
pub const CHART_HEIGHT: u32 = 300;
/// Narrowest canvas drawn.
pub const MIN_CHART_WIDTH: u32 = 280;

/// A file-name and DOM-id friendly slug of a chart title.
pub fn slug(title: &str) -> String {
    crate::config::slug::slug(title, '-')
}

/// Sizes `canvas` to its parent's width and draws `spec` on it.
fn draw_on(canvas: &HtmlCanvasElement, spec: &ChartSpec) -> Result<(), String> {
    let width = canvas
        .parent_element()
        .map(|p| p.client_width().max(0) as u32)
        .unwrap_or(0)
        .max(MIN_CHART_WIDTH);
    // Setting the size clears the canvas; skip it when unchanged.
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != CHART_HEIGHT {
        canvas.set_height(CHART_HEIGHT);
    }
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "no 2D context for the chart canvas".to_string())?;
    let area = backend.into_drawing_area();
    chart::draw(&area, spec, 1.0)?;
    area.present()
        .map_err(|e| format!("chart drawing failed: {e}"))
}

/// The window's inner width, updated (debounced) on resize.
#[hook]
fn use_window_width() -> i32 {
    let width = use_state(|| {
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .unwrap_or(1280.0) as i32
    });
    {
        let width = width.clone();
        use_effect_with((), move |_| {
            let pending: Rc<std::cell::RefCell<Option<Timeout>>> = Rc::default();
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "resize", move |_| {
                    let width = width.clone();
                    let timer = Timeout::new(150, move || {
                        if let Some(w) = web_sys::window()
                            .and_then(|w| w.inner_width().ok())
                            .and_then(|w| w.as_f64())
                        {
                            width.set(w as i32);
                        }
                    });
                    *pending.borrow_mut() = Some(timer);
                })
            });
            move || drop(listener)
        });
    }
    *width
}

/// Props of [`ChartsPanel`].
#[derive(Properties, PartialEq)]
pub struct ChartsPanelProps {
    /// The latest results.
    pub results: Option<Rc<Computed>>,
}

/// Every daily chart of the latest results (with the baseline overlaid when pinned).
#[function_component(ChartsPanel)]
pub fn charts_panel(props: &ChartsPanelProps) -> Html {
    let specs: Rc<Vec<ChartSpec>> = use_memo(props.results.clone(), |results| {
        results
            .as_ref()
            .map(|r| chart::daily_charts(&r.result, r.baseline_result.as_deref()))
            .unwrap_or_default()
    });
    let canvases = use_memo(specs.len(), |n| {
        (0..*n).map(|_| NodeRef::default()).collect::<Vec<_>>()
    });
    let panel = use_node_ref();
    let width = use_window_width();
    {
        let (specs, canvases, panel) = (specs.clone(), canvases.clone(), panel.clone());
        let result_id = props.results.as_ref().map(|r| r.id);
        use_effect_with((specs.clone(), width, result_id), move |_| {
            for (spec, node) in specs.iter().zip(canvases.iter()) {
                let Some(canvas) = node.cast::<HtmlCanvasElement>() else {
                    continue;
                };
                if let Err(e) = draw_on(&canvas, spec) {
                    gloo::console::error!(format!("{}: {e}", spec.title));
                }
            }
            if let Some(id) = result_id {
                browser::performance_mark("results-drawn");
                if let Some(panel) = panel.cast::<Element>() {
                    let _ = panel.set_attribute("data-drawn", &id.to_string());
                }
            }
        });
    }

    if specs.is_empty() {
        return html! {
            <section class="charts" ref={panel} aria-label="Charts">
                <p class="placeholder">{ "Charts appear when the first run finishes…" }</p>
            </section>
        };
    }
    html! {
        <section class="charts" ref={panel} aria-label="Charts">
            { for specs.iter().zip(canvases.iter()).map(|(spec, node)| {
                let name = AttrValue::from(slug(&spec.title));
                html! {
                    <ChartCard key={name.to_string()} title={AttrValue::from(spec.title.clone())}
                        name={name.clone()} canvas={node.clone()} />
                }
            }) }
        </section>
    }
}

/// Props of [`ChartCard`].
#[derive(Properties, PartialEq)]
pub struct ChartCardProps {
    /// The chart's title (also its accessible name).
    pub title: AttrValue,
    /// Slug for the PNG file name.
    pub name: AttrValue,
    /// The canvas, drawn by the panel.
    pub canvas: NodeRef,
}

/// One chart: its canvas and a PNG download button.
#[function_component(ChartCard)]
pub fn chart_card(props: &ChartCardProps) -> Html {
    let on_png = {
        let (canvas, name) = (props.canvas.clone(), props.name.clone());
        Callback::from(move |_| {
            let Some(canvas) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            if let Ok(data) = canvas.to_data_url() {
                browser::download_url(&format!("{FILE_STEM}-{name}.png"), &data);
            }
        })
    };
    html! {
        <figure class="chart card" data-chart={props.name.clone()}>
            <div class="canvas-box">
                <canvas ref={props.canvas.clone()} role="img" aria-label={props.title.clone()}></canvas>
            </div>
            <figcaption>
                <span class="visually-hidden">{ props.title.clone() }</span>
                <button type="button" class="button ghost small" onclick={on_png}
                    aria-label={format!("Download “{}” as PNG", props.title)}>{ "PNG" }</button>
            </figcaption>
        </figure>
    }
}
