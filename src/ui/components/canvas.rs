//! Chart canvases drawn at the device pixel ratio: the drawing area shared by the Tradeoffs, Lab
//! and Experiments tabs' canvases.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::chart::scaled::Scaled;
use crate::ui::browser;

/// The width (CSS pixels) [`drawing_area`] gives `el`: its parent's, at least 300 px.
pub fn css_width(el: &HtmlCanvasElement) -> u32 {
    el.parent_element()
        .map(|p| p.client_width().max(0) as u32)
        .unwrap_or(0)
        .max(300)
}

/// The drawing area of `el` in CSS pixels: as wide as its parent (at least 300 px) and `height`
/// tall, its backing store sized at the device pixel ratio (`None` when the canvas has no 2D
/// context).
pub fn drawing_area(
    el: &HtmlCanvasElement,
    height: u32,
) -> Option<DrawingArea<Scaled<CanvasBackend>, Shift>> {
    let width = css_width(el);
    let ratio = browser::device_pixel_ratio();
    let (bw, bh) = (
        (f64::from(width) * ratio).round() as u32,
        (f64::from(height) * ratio).round() as u32,
    );
    if el.width() != bw {
        el.set_width(bw);
    }
    if el.height() != bh {
        el.set_height(bh);
    }
    let _ = el.set_attribute("style", &format!("width: {width}px; height: {height}px"));
    let backend = CanvasBackend::with_canvas_object(el.clone())?;
    Some(Scaled::new(backend, ratio).into_drawing_area())
}
