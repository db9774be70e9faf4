//! The browser at the edges: clock, URL, clipboard, downloads, performance marks, randomness for
//! "New seed". Every function here degrades quietly (returns `false`/`None`) instead of
//! panicking, because the app must keep running in odd hosts (test pages, old browsers).

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Performance, Url};

/// Milliseconds from the host's monotonic clock (`performance.now()`), in a window or a worker.
pub fn now_ms() -> f64 {
    Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<Performance>().ok())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Today's date on the browser's clock, in the user's time zone (for download names).
pub fn today() -> crate::config::export::Date {
    let now = js_sys::Date::new_0();
    crate::config::export::Date {
        year: now.get_full_year() as i32,
        month: now.get_month() + 1,
        day: now.get_date(),
    }
}

/// The current query string without its leading `?` (empty outside a window).
pub fn current_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|s| s.trim_start_matches('?').to_string())
        .unwrap_or_default()
}

/// Replaces the page's query (never pushes a history entry). Returns whether it worked.
pub fn replace_query(query: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(history) = window.history() else {
        return false;
    };
    let path = window.location().pathname().unwrap_or_else(|_| "/".into());
    let url = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .is_ok()
}

/// The absolute link to this page with `query`.
pub fn link_with_query(query: &str) -> String {
    let Some(window) = web_sys::window() else {
        return format!("?{query}");
    };
    let location = window.location();
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    format!("{origin}{path}?{query}")
}

/// Copies `text` to the clipboard. Resolves to `false` when the clipboard is unavailable or the
/// browser refuses (the caller then shows the text in a field).
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    // `navigator.clipboard` is undefined on insecure origins: check before calling.
    let has_clipboard = Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has_clipboard {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}

/// Offers `text` as a file download named `filename` with MIME type `mime`.
pub fn download_text(filename: &str, mime: &str, text: &str) -> bool {
    let parts = Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return false;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let ok = download_url(filename, &url);
    // Revoke later: the download reads the blob asynchronously.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    ok
}

/// Offers the resource at `url` (e.g. a `data:` URL) as a download named `filename`.
pub fn download_url(filename: &str, url: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(element) = document.create_element("a") else {
        return false;
    };
    let Ok(anchor) = element.dyn_into::<HtmlAnchorElement>() else {
        return false;
    };
    anchor.set_href(url);
    anchor.set_download(filename);
    anchor.set_rel("noopener");
    anchor.click();
    true
}

/// `performance.mark(name)`, for measuring input → redraw in the browser.
pub fn performance_mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// `performance.measure(name, start_mark)`: the time from the newest mark `start_mark` to now.
pub fn performance_measure(name: &str, start_mark: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.measure_with_start_mark(name, start_mark);
    }
}

/// A fresh seed for "New seed", different from `current`, within the seed slider's range
/// (0–1000) so the slider can show it.
pub fn random_seed(current: u64) -> u64 {
    let step = 1 + (js_sys::Math::random() * 1000.0) as u64; // 1..=1000
    (current % 1001 + step) % 1001
}

/// The value kept under `key` in the browser's `localStorage`, if any (`None` when storage is
/// unavailable).
pub fn stored(key: &str) -> Option<String> {
    use gloo::storage::{LocalStorage, Storage};
    LocalStorage::raw().get_item(key).ok().flatten()
}

/// Keeps `value` under `key` in `localStorage`, or removes the key for `None`. Returns whether
/// it worked.
pub fn store(key: &str, value: Option<&str>) -> bool {
    use gloo::storage::{LocalStorage, Storage};
    let storage = LocalStorage::raw();
    match value {
        Some(v) => storage.set_item(key, v).is_ok(),
        None => storage.remove_item(key).is_ok(),
    }
}

/// The window's device pixel ratio (1 when unknown): canvases' backing stores are their CSS size
/// times it.
pub fn device_pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0)
}
