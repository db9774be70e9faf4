//! The browser app in headless Chromium (wasm-bindgen-test): the mounted app's DOM — title, one
//! labelled control per parameter, live updates, the link banner, results on the main-thread
//! engine (the test page serves no `/worker.js`). The reducer's logic is tested natively
//! (`tests/app_state.rs`).
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test wasm_app` (`scripts/test.sh` runs it
//! with the other browser tests); a separate `CARGO_TARGET_DIR` keeps the wasm build from
//! displacing the native one's incremental artefacts.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use sandbox::app::state::EngineMode;
use sandbox::core::model::knobs::{table, Kind};
use sandbox::ui::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};
use yew::platform::time::sleep;
use yew::AttrValue;

wasm_bindgen_test_configure!(run_in_browser);

const MALFORMED: &str = "v=1&reserve=abc&days=99999&bogus=1";

// ---------------------------------------------------------------------------------------------
// The mounted app
// ---------------------------------------------------------------------------------------------

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// Mounts the app on a fresh div with `query`, the main-thread engine and no URL sync.
fn mount(query: &str) -> Element {
    let div = document().create_element("div").expect("a div");
    document()
        .body()
        .expect("a body")
        .append_child(&div)
        .expect("appended");
    let props = AppProps {
        query: Some(AttrValue::from(query.to_string())),
        engine: EngineMode::MainThread,
        sync_url: false,
    };
    yew::Renderer::<App>::with_root_and_props(div.clone(), props).render();
    div
}

fn unmount(root: Element) {
    root.remove();
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Waits (up to ~20 s) until `ready` holds.
async fn wait_for(mut ready: impl FnMut() -> bool) -> bool {
    for _ in 0..400 {
        if ready() {
            return true;
        }
        sleep(Duration::from_millis(50)).await;
    }
    ready()
}

// Small runs keep the main-thread engine quick.
const SMALL: &str = "v=1&users=200&days=14";

#[wasm_bindgen_test]
async fn app_mounts_with_title_and_a_labelled_control_per_parameter() {
    let root = mount(SMALL);
    sleep(Duration::from_millis(50)).await;
    assert_eq!(text(&root, "h1"), "Marketplace Sandbox");
    for spec in table() {
        let id = format!("param-{}", spec.url);
        let control = find(&root, &format!("#{id}"));
        assert!(control.is_some(), "no control for {}", spec.url);
        let label = find(&root, &format!("label[for=\"{id}\"]"));
        let label_text = label.and_then(|l| l.text_content()).unwrap_or_default();
        assert!(
            label_text.contains(spec.label),
            "label of {} is {label_text:?}",
            spec.url
        );
        let tag = control
            .map(|c| c.tag_name().to_lowercase())
            .unwrap_or_default();
        let expected = match spec.kind {
            Kind::Choice { .. } => "select",
            Kind::Number { .. } | Kind::Integer { .. } | Kind::Switch => "input",
        };
        assert_eq!(tag, expected, "control of {}", spec.url);
    }
    // Ids are unique.
    let n = root
        .query_selector_all("input[id^=\"param-\"], select[id^=\"param-\"]")
        .map(|l| l.length())
        .unwrap_or(0);
    assert_eq!(n as usize, table().len());
    unmount(root);
}

#[wasm_bindgen_test]
async fn moving_a_slider_updates_its_readout() {
    let root = mount(SMALL);
    sleep(Duration::from_millis(50)).await;
    let readout = || text(&root, "[data-param=\"reserve\"] output");
    let before = readout();
    let input = find(&root, "#param-reserve")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .expect("the reserve slider");
    input.set_value("2.5");
    let event = web_sys::Event::new("input").expect("an event");
    input.dispatch_event(&event).expect("dispatched");
    sleep(Duration::from_millis(50)).await;
    let after = readout();
    assert_ne!(before, after);
    assert_eq!(after, "2.50");
    unmount(root);
}

#[wasm_bindgen_test]
async fn malformed_link_shows_the_banner_and_the_app_still_renders() {
    let root = mount(MALFORMED);
    sleep(Duration::from_millis(50)).await;
    let banner = text(&root, ".banner");
    for key in ["reserve", "days", "bogus"] {
        assert!(banner.contains(key), "banner does not name {key}: {banner}");
    }
    assert!(
        find(&root, "#param-reserve").is_some(),
        "controls still render"
    );
    assert_eq!(text(&root, "h1"), "Marketplace Sandbox");
    unmount(root);
}

#[wasm_bindgen_test]
async fn results_arrive_on_the_main_thread_engine() {
    let root = mount(SMALL);
    let done = wait_for(|| text(&root, ".status").contains("users × 14 days in")).await;
    assert!(done, "status is {:?}", text(&root, ".status"));
    assert!(text(&root, ".status").starts_with("200 users"));
    let kpi = find(&root, "[data-kpi=\"revenue\"]")
        .and_then(|e| e.get_attribute("data-value"))
        .unwrap_or_default();
    assert!(kpi.parse::<f64>().is_ok(), "revenue KPI {kpi:?}");
    let canvases = root
        .query_selector_all(".charts canvas")
        .map(|l| l.length())
        .unwrap_or(0);
    assert!(canvases >= 7, "{canvases} charts");
    unmount(root);
}

#[wasm_bindgen_test]
async fn without_a_worker_the_app_mounts_and_falls_back_to_the_main_thread() {
    // The test page serves no /worker.js: the worker never reports ready.
    let div = document().create_element("div").expect("a div");
    document()
        .body()
        .expect("a body")
        .append_child(&div)
        .expect("appended");
    let props = AppProps {
        query: Some(AttrValue::from(SMALL)),
        engine: EngineMode::Worker,
        sync_url: false,
    };
    yew::Renderer::<App>::with_root_and_props(div.clone(), props).render();
    sleep(Duration::from_millis(50)).await;
    assert_eq!(text(&div, "h1"), "Marketplace Sandbox");
    assert!(find(&div, "#param-days").is_some());
    let done = wait_for(|| text(&div, ".status").contains("users × 14 days in")).await;
    assert!(done, "status is {:?}", text(&div, ".status"));
    assert_eq!(text(&div, ".engine-mode"), "engine: main thread");
    unmount(div);
}
