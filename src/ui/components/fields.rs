//! Reading form events: the value of the input or select that fired, a checkbox's state, a
//! typed number. Shared by the tabs whose forms dispatch on change.

use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlInputElement, HtmlSelectElement};

/// The value of the input or select element that fired `e`.
pub fn target_value(e: &Event) -> Option<String> {
    let t = e.target()?;
    if let Some(s) = t.dyn_ref::<HtmlSelectElement>() {
        return Some(s.value());
    }
    t.dyn_into::<HtmlInputElement>().ok().map(|i| i.value())
}

/// Whether the checkbox that fired `e` is checked.
pub fn checked(e: &Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

/// A typed number: finite, surrounding spaces ignored.
pub fn num(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}
