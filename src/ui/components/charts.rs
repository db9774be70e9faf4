//! The charts panel: [`chart::chart_sections`] drawn by [`chart::draw`] on canvases at the
//! device pixel ratio, each with a hover read-out and a PNG download at 2× with the design
//! written under the chart.
//!
//! Drawing happens in one effect of [`ChartsPanel`] that depends on the charts (rebuilt when
//! the results, the pinned baseline or the test window change), the window's width and the
//! device pixel ratio, so charts redraw exactly when there is something new to show. Each
//! canvas's backing store is its CSS size × `devicePixelRatio` (fonts and lines scaled to
//! match), so charts stay crisp at 1×, 2× and 3× and after a zoom or a move to another screen.
//! After drawing it sets `performance.mark("results-drawn")` and the panel's `data-drawn`
//! attribute to the result's request id (used by the browser tests and the benchmark).
//!
//! Sections are grids of two columns (one when narrow); a section with an odd number of charts
//! gives its last chart the full width (CSS), so no chart is left alone in half a row.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement};
use yew::prelude::*;

use crate::app::state::Computed;
use crate::chart::{self, Annotations, ChartSpec, Frame, Tooltip};
use crate::core::model::Params;
use crate::ui::browser;
use crate::ui::commands::{self, FILE_STEM};

/// Height of every chart canvas (CSS pixels).
pub const CHART_HEIGHT: u32 = 300;
/// Narrowest canvas drawn (CSS pixels).
pub const MIN_CHART_WIDTH: u32 = 280;
/// Pixel ratio of the exported PNG: sharp on slides and high-density screens.
pub const EXPORT_SCALE: f64 = 2.0;

/// A file-name and DOM-id friendly slug of a chart title.
pub fn slug(title: &str) -> String {
    crate::config::slug::slug(title, '-')
}

/// Backing-store size for a canvas of `css_width` CSS pixels at `ratio`.
fn backing_size(css_width: f64, ratio: f64) -> (u32, u32) {
    let css_width = css_width.max(f64::from(MIN_CHART_WIDTH));
    (
        (css_width * ratio).round() as u32,
        (f64::from(CHART_HEIGHT) * ratio).round() as u32,
    )
}

/// Sizes `canvas` to its box's CSS width × `ratio` and draws `spec` on it at `ratio`.
fn draw_on(
    canvas: &HtmlCanvasElement,
    spec: &ChartSpec,
    ratio: f64,
) -> Result<Option<Frame>, String> {
    let css_width = canvas
        .parent_element()
        .map(|p| p.get_bounding_client_rect().width())
        .unwrap_or(0.0);
    let (width, height) = backing_size(css_width, ratio);
    // Setting the size clears the canvas; skip it when unchanged.
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "no 2D context for the chart canvas".to_string())?;
    let area = backend.into_drawing_area();
    let frame = chart::draw(&area, spec, ratio)?;
    area.present()
        .map_err(|e| format!("chart drawing failed: {e}"))?;
    Ok(frame)
}

/// The PNG of `spec` at [`EXPORT_SCALE`]: the chart as wide as `css_width`, with `footer`
/// written under it, drawn on an offscreen canvas. Returns a `data:` URL.
fn export_png(spec: &ChartSpec, footer: &[String], css_width: f64) -> Result<String, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|_| "cannot create a canvas")?
        .dyn_into()
        .map_err(|_| "not a canvas")?;
    let (width, chart_height) = backing_size(css_width, EXPORT_SCALE);
    let wrapped = chart::wrap_footer(footer, width, EXPORT_SCALE);
    canvas.set_width(width);
    canvas.set_height(chart_height + chart::footer_height(&wrapped, EXPORT_SCALE));
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or("no 2D context for the export canvas")?;
    let area = backend.into_drawing_area();
    chart::draw_with_footer(&area, spec, &wrapped, EXPORT_SCALE)?;
    area.present()
        .map_err(|e| format!("chart drawing failed: {e}"))?;
    canvas
        .to_data_url()
        .map_err(|_| "the canvas cannot be exported".to_string())
}

/// Writes where the plot is on `canvas` as data attributes (for the browser tests): `data-plot`
/// = left top right bottom in backing-store pixels, `data-x-range` = the x range shown.
fn mark_plot(canvas: &HtmlCanvasElement, frame: Option<&Frame>) {
    match frame {
        Some(f) => {
            let plot = format!("{} {} {} {}", f.left, f.top, f.right, f.bottom);
            let _ = canvas.set_attribute("data-plot", &plot);
            let range = format!("{} {}", f.x_range.0, f.x_range.1);
            let _ = canvas.set_attribute("data-x-range", &range);
        }
        None => {
            let _ = canvas.remove_attribute("data-plot");
            let _ = canvas.remove_attribute("data-x-range");
        }
    }
}

/// The canvas's accessible name: the title and what is marked and shaded on it.
fn describe(spec: &ChartSpec) -> String {
    let mut text = spec.title.clone();
    if !spec.markers.is_empty() {
        let marks: Vec<&str> = spec.markers.iter().map(|m| m.label.as_str()).collect();
        text.push_str(&format!(". Marked: {}", marks.join("; ")));
    }
    if !spec.bands.is_empty() {
        let bands: Vec<&str> = spec.bands.iter().map(|b| b.label.as_str()).collect();
        text.push_str(&format!(". Shaded: {}", bands.join("; ")));
    }
    text
}

/// The window's inner width and device pixel ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Viewport {
    width: i32,
    ratio: f64,
}

fn viewport() -> Viewport {
    Viewport {
        width: web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .unwrap_or(1280.0) as i32,
        ratio: browser::device_pixel_ratio(),
    }
}

/// The viewport, updated (debounced) on resize and at once when the device pixel ratio changes
/// (browser zoom, a move to a screen of another density).
#[hook]
fn use_viewport() -> Viewport {
    let state = use_state(viewport);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let pending: Rc<RefCell<Option<Timeout>>> = Rc::default();
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "resize", move |_| {
                    let state = state.clone();
                    let timer = Timeout::new(150, move || state.set(viewport()));
                    *pending.borrow_mut() = Some(timer);
                })
            });
            move || drop(listener)
        });
    }
    {
        // A media query that matches only the current ratio: its change is the ratio's change.
        let setter = state.clone();
        use_effect_with(state.ratio.to_bits(), move |_| {
            let listener = web_sys::window()
                .and_then(|w| {
                    w.match_media(&format!("(resolution: {}dppx)", setter.ratio))
                        .ok()
                        .flatten()
                })
                .map(|query| EventListener::new(&query, "change", move |_| setter.set(viewport())));
            move || drop(listener)
        });
    }
    *state
}

/// Where each chart was drawn (for hit-testing the pointer), shared by the panel that draws
/// and the cards that show tooltips. Equal when it is the same store.
#[derive(Clone, Default)]
pub struct Frames(Rc<RefCell<Vec<Option<Frame>>>>);

impl PartialEq for Frames {
    fn eq(&self, other: &Frames) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Props of [`ChartsPanel`].
#[derive(Properties, PartialEq)]
pub struct ChartsPanelProps {
    /// The latest results.
    pub results: Option<Rc<Computed>>,
    /// The pinned baseline's configuration (its launch day is marked; exports name it).
    #[prop_or_default]
    pub baseline: Option<Rc<Params>>,
    /// Days of the comparison's test window, shaded when a baseline is pinned.
    #[prop_or(14)]
    pub test_window_days: u32,
}

/// One chart ready to show.
#[derive(PartialEq)]
struct Shown {
    section: usize,
    spec: Rc<ChartSpec>,
}

/// Every chart of the latest results, in sections: the lift against a pinned baseline, the
/// daily metrics, spend through the day (hourly, by strategy), the advertiser groups.
#[function_component(ChartsPanel)]
pub fn charts_panel(props: &ChartsPanelProps) -> Html {
    let deps = (
        props.results.clone(),
        props.baseline.clone(),
        props.test_window_days,
    );
    let built = use_memo(deps, |(results, baseline, window)| {
        let Some(r) = results.as_ref() else {
            return (Vec::new(), Vec::new(), Vec::new());
        };
        // The baseline's configuration only matters while its run is shown.
        let base_params = baseline.as_deref().filter(|_| r.baseline_result.is_some());
        let notes = Annotations::new(&r.params, base_params, *window);
        let sections = chart::chart_sections(&r.result, r.baseline_result.as_deref(), &notes);
        let heads: Vec<(&'static str, &'static str, usize)> = sections
            .iter()
            .map(|s| (s.id, s.title, s.charts.len()))
            .collect();
        let shown: Vec<Shown> = sections
            .into_iter()
            .enumerate()
            .flat_map(|(i, s)| {
                s.charts.into_iter().map(move |c| Shown {
                    section: i,
                    spec: Rc::new(c),
                })
            })
            .collect();
        let footer = chart::export_footer(&r.params, base_params);
        (heads, shown, footer)
    });
    let footer = Rc::new(built.2.clone());
    let canvases = use_memo(built.1.len(), |n| {
        (0..*n).map(|_| NodeRef::default()).collect::<Vec<_>>()
    });
    let frames = use_state(Frames::default);
    let panel = use_node_ref();
    let view = use_viewport();
    {
        let (built, canvases, panel, frames) = (
            built.clone(),
            canvases.clone(),
            panel.clone(),
            (*frames).clone(),
        );
        let result_id = props.results.as_ref().map(|r| r.id);
        use_effect_with((built.clone(), view, result_id), move |_| {
            let mut drawn = Vec::with_capacity(built.1.len());
            for (shown, node) in built.1.iter().zip(canvases.iter()) {
                let frame = match node.cast::<HtmlCanvasElement>() {
                    Some(canvas) => {
                        let frame = draw_on(&canvas, &shown.spec, view.ratio).unwrap_or_else(|e| {
                            gloo::console::error!(format!("{}: {e}", shown.spec.title));
                            None
                        });
                        mark_plot(&canvas, frame.as_ref());
                        frame
                    }
                    None => None,
                };
                drawn.push(frame);
            }
            *frames.0.borrow_mut() = drawn;
            if let Some(id) = result_id {
                browser::performance_mark("results-drawn");
                if let Some(panel) = panel.cast::<Element>() {
                    let _ = panel.set_attribute("data-drawn", &id.to_string());
                }
            }
        });
    }

    let (heads, shown, _) = &*built;
    if shown.is_empty() {
        return html! {
            <section class="charts" ref={panel} aria-label="Charts">
                <p class="placeholder">{ "Charts appear when the first run finishes…" }</p>
            </section>
        };
    }
    html! {
        <section class="charts" ref={panel} aria-label="Charts">
            { for heads.iter().enumerate().map(|(i, (id, title, _))| {
                let heading_id = format!("charts-{id}");
                html! {
                    <section class="chart-section" key={*id} data-section={*id}
                        aria-labelledby={heading_id.clone()}>
                        <h3 class="chart-section-title" id={heading_id}>{ *title }</h3>
                        <div class="chart-grid">
                            { for shown.iter().zip(canvases.iter()).enumerate()
                                .filter(|(_, (s, _))| s.section == i)
                                .map(|(index, (s, node))| {
                                    let name = AttrValue::from(slug(&s.spec.title));
                                    html! {
                                        <ChartCard key={name.to_string()} name={name.clone()}
                                            spec={s.spec.clone()} canvas={node.clone()}
                                            frames={(*frames).clone()} index={index}
                                            footer={footer.clone()}
                                            file_name={props.results.as_ref().map(|r| AttrValue::from(commands::download_name(r, Some(&name), "png")))} />
                                    }
                                }) }
                        </div>
                    </section>
                }
            }) }
        </section>
    }
}

/// Props of [`ChartCard`].
#[derive(Properties, PartialEq)]
pub struct ChartCardProps {
    /// Slug for the PNG file name and the `data-chart` attribute.
    pub name: AttrValue,
    /// The chart (its title is the canvas's accessible name).
    pub spec: Rc<ChartSpec>,
    /// The canvas, drawn by the panel.
    pub canvas: NodeRef,
    /// Where the panel drew each chart.
    pub frames: Frames,
    /// This chart's index in `frames`.
    pub index: usize,
    /// What the exported image says under the chart.
    pub footer: Rc<Vec<String>>,
    /// The PNG's file name (see `commands::download_name`); by default from the slug.
    #[prop_or_default]
    pub file_name: Option<AttrValue>,
}

/// The hovered day's read-out and where to put it (CSS pixels in the canvas box).
#[derive(Clone, PartialEq)]
struct Hover {
    tip: Tooltip,
    /// Column of the hovered day.
    x: f64,
    /// Top and height of the plot.
    top: f64,
    height: f64,
    /// Whether the day is in the plot's right half (the read-out then goes on its left).
    flip: bool,
    /// Left and right edges of the plot; the read-out sits in the opposite corner of the plot
    /// instead of beside the line when the box is too narrow for both.
    plot_left: f64,
    plot_right_gap: f64,
    narrow: bool,
}

/// Boxes narrower than this (CSS pixels) show the read-out in a corner of the plot.
const NARROW_BOX: f64 = 560.0;

/// One chart: its canvas, a tooltip on hover and a PNG download button.
#[function_component(ChartCard)]
pub fn chart_card(props: &ChartCardProps) -> Html {
    let hover = use_state(|| None::<Hover>);
    let on_move = {
        let (canvas, frames, spec, index, hover) = (
            props.canvas.clone(),
            props.frames.clone(),
            props.spec.clone(),
            props.index,
            hover.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            let Some(canvas) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let Some(frame) = frames.0.borrow().get(index).copied().flatten() else {
                return;
            };
            let rect = canvas.get_bounding_client_rect();
            if rect.width() <= 0.0 {
                return;
            }
            // CSS pixels to backing-store pixels, the frame's unit.
            let scale = f64::from(canvas.width()) / rect.width();
            let x_css = f64::from(e.client_x()) - rect.left();
            let next = chart::tooltip(&spec, &frame, x_css * scale).map(|tip| Hover {
                x: tip.px / scale,
                top: frame.top / scale,
                height: (frame.bottom - frame.top) / scale,
                flip: tip.px > 0.5 * (frame.left + frame.right),
                plot_left: frame.left / scale,
                plot_right_gap: rect.width() - frame.right / scale,
                narrow: rect.width() < NARROW_BOX,
                tip,
            });
            if *hover != next {
                hover.set(next);
            }
        })
    };
    let on_leave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let on_png = {
        let (canvas, name, spec, footer) = (
            props.canvas.clone(),
            props.name.clone(),
            props.spec.clone(),
            props.footer.clone(),
        );
        let file_name = props.file_name.clone();
        Callback::from(move |_| {
            let Some(canvas) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let css_width = canvas.get_bounding_client_rect().width();
            match export_png(&spec, &footer, css_width) {
                Ok(data) => {
                    let file_name = file_name
                        .as_ref()
                        .map_or_else(|| format!("{FILE_STEM}-{name}.png"), |f| f.to_string());
                    browser::download_url(&file_name, &data);
                }
                Err(e) => gloo::console::error!(format!("{}: {e}", spec.title)),
            }
        })
    };
    let title = props.spec.title.clone();
    let tooltip = hover.as_ref().map(|h| {
        let top = h.top + 4.0;
        let place = match (h.narrow, h.flip) {
            (true, true) => format!("left: {:.1}px; top: {top:.1}px;", h.plot_left + 4.0),
            (true, false) => format!("right: {:.1}px; top: {top:.1}px;", h.plot_right_gap + 4.0),
            (false, true) => format!(
                "left: {:.1}px; top: {top:.1}px; transform: translateX(calc(-100% - 10px));",
                h.x
            ),
            (false, false) => format!(
                "left: {:.1}px; top: {top:.1}px; transform: translateX(10px);",
                h.x
            ),
        };
        html! {
            <>
                <div class="chart-hover-line" aria-hidden="true"
                    style={format!("left: {:.1}px; top: {:.1}px; height: {:.1}px;", h.x, h.top, h.height)}></div>
                <div class="chart-tooltip" role="tooltip" data-day={h.tip.x.to_string()}
                    style={place}>
                    <div class="chart-tooltip-day">{ h.tip.heading.clone() }</div>
                    <table>
                        { for h.tip.rows.iter().map(|row| html! {
                            <tr>
                                <td><span class={classes!("chart-swatch", row.dashed.then_some("dashed"))}
                                    style={format!("--swatch: {};", row.color.to_hex())}></span>{ row.label.clone() }</td>
                                <td class="num">{ row.value.clone() }</td>
                            </tr>
                        }) }
                    </table>
                </div>
            </>
        }
    });
    html! {
        <figure class="chart card" data-chart={props.name.clone()}>
            <div class="canvas-box" onmousemove={on_move} onmouseleave={on_leave}>
                <canvas ref={props.canvas.clone()} role="img" aria-label={describe(&props.spec)}></canvas>
                // Always present, so the canvas keeps its place (and its drawing) among the
                // box's children when a read-out comes and goes.
                <div class="chart-overlay">{ for tooltip }</div>
            </div>
            <figcaption>
                <span class="visually-hidden">{ title.clone() }</span>
                <button type="button" class="button ghost small"
                    onclick={on_png}
                    aria-label={format!("Download “{title}” as PNG (2×, with the design written under it)")}>{ "PNG" }</button>
            </figcaption>
        </figure>
    }
}
