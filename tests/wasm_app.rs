//! The browser app in headless Chromium (wasm-bindgen-test): the reducer's pure logic, and the
//! mounted app's DOM — title, one labelled control per parameter, live updates, the link
//! banner, results on the main-thread engine (the test page serves no `/worker.js`).
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test wasm_app` (`scripts/test.sh` runs it
//! with the other browser tests); a separate `CARGO_TARGET_DIR` keeps the wasm build from
//! displacing the native one's incremental artefacts.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;
use std::time::Duration;

use sandbox::config::params_table::{table, Kind, Value};
use sandbox::config::url::decode;
use sandbox::core::model::Params;
use sandbox::ui::protocol::Response;
use sandbox::ui::state::{Action, AppState, EngineMode};
use sandbox::ui::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};
use yew::platform::time::sleep;
use yew::{AttrValue, Reducible};

wasm_bindgen_test_configure!(run_in_browser);

const MALFORMED: &str = "v=1&reserve=abc&days=99999&bogus=1";

// ---------------------------------------------------------------------------------------------
// The reducer (pure)
// ---------------------------------------------------------------------------------------------

fn fresh() -> Rc<AppState> {
    Rc::new(AppState::from_query("", EngineMode::MainThread))
}

fn simulated(id: u64) -> Action {
    Action::Engine(Response::Simulated {
        id,
        result: Box::default(),
        baseline_result: None,
        engine_ms: 1.0,
    })
}

#[wasm_bindgen_test]
fn empty_query_gives_defaults_without_problems() {
    let s = fresh();
    assert_eq!(*s.params, Params::default());
    assert!(s.problems.is_empty());
    assert!(!s.banner_open);
    assert_eq!(s.preset, Some("balanced"));
}

#[wasm_bindgen_test]
fn malformed_query_lists_each_problem_and_uses_safe_values() {
    let s = AppState::from_query(&format!("?{MALFORMED}"), EngineMode::MainThread);
    let keys: Vec<&str> = s.problems.iter().map(|p| p.key.as_str()).collect();
    for key in ["reserve", "days", "bogus"] {
        assert!(keys.contains(&key), "no problem for {key}: {keys:?}");
    }
    assert!(s.banner_open);
    assert_eq!(s.params.auction.reserve, Params::default().auction.reserve);
    assert!(s.params.sim.days <= 365);
    // Same path as the decoder: the state holds exactly what decode returned.
    assert_eq!(*s.params, decode(MALFORMED).params);
}

#[wasm_bindgen_test]
fn set_param_writes_through_the_table_and_clamps() {
    let s = fresh().reduce(Action::SetParam {
        id: "reserve",
        value: Value::Number(0.5),
    });
    assert_eq!(s.params.auction.reserve, 0.5);
    assert_eq!(s.preset, None);
    let s = s.reduce(Action::SetParam {
        id: "days",
        value: Value::Number(1e9),
    });
    assert_eq!(s.params.sim.days, 365, "clamped to the slider's max");
    // Wrong kind and unknown ids are ignored (same state, no re-render).
    let before = s.clone();
    let s = s.reduce(Action::SetParam {
        id: "days",
        value: Value::Flag(true),
    });
    assert!(Rc::ptr_eq(&before, &s));
    let s = s.reduce(Action::SetParam {
        id: "nope",
        value: Value::Number(1.0),
    });
    assert!(Rc::ptr_eq(&before, &s));
}

#[wasm_bindgen_test]
fn requests_get_increasing_ids_and_stale_answers_are_dropped() {
    let s = fresh().reduce(Action::Submit);
    assert_eq!(s.latest_request, 1);
    let s = s.reduce(Action::Submit);
    assert_eq!(s.latest_request, 2);
    assert!(s.computing());
    let stale = s.clone().reduce(simulated(1));
    assert!(
        stale.results.is_none(),
        "answer to request 1 must not be shown"
    );
    let s = s.reduce(simulated(2));
    assert_eq!(s.results.as_ref().map(|r| r.id), Some(2));
    assert!(!s.computing());
    // A late answer to an older request never overwrites the newer one.
    let s = s.reduce(simulated(1));
    assert_eq!(s.results.as_ref().map(|r| r.id), Some(2));
}

#[wasm_bindgen_test]
fn pin_and_clear_baseline_round_trip_through_the_url() {
    let s = fresh().reduce(Action::PinBaseline);
    assert_eq!(s.baseline.as_deref(), Some(&Params::default()));
    let s = s.reduce(Action::SetParam {
        id: "reserve",
        value: Value::Number(1.0),
    });
    let reopened = AppState::from_query(&s.query(), EngineMode::MainThread);
    assert_eq!(reopened.params, s.params);
    assert_eq!(reopened.baseline, s.baseline);
    let s = s.reduce(Action::ClearBaseline);
    assert!(s.baseline.is_none());
}

#[wasm_bindgen_test]
fn presets_and_seed() {
    let s = fresh().reduce(Action::ApplyPreset("aggressive_load"));
    assert_eq!(s.preset, Some("aggressive_load"));
    let s = s.reduce(Action::SetSeed(42));
    assert_eq!(s.params.sim.seed, 42);
}

#[wasm_bindgen_test]
fn worker_failure_falls_back_and_reissues_the_request() {
    let s = Rc::new(AppState::from_query("", EngineMode::Worker)).reduce(Action::Submit);
    let s = s.reduce(Action::EngineUnavailable);
    assert_eq!(s.engine, EngineMode::MainThread);
    assert_eq!(s.latest_request, 2);
    assert_eq!(s.request.as_ref().map(|r| r.id), Some(2));
}

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
        let id = format!("param-{}", spec.id);
        let control = find(&root, &format!("#{id}"));
        assert!(control.is_some(), "no control for {}", spec.id);
        let label = find(&root, &format!("label[for=\"{id}\"]"));
        let label_text = label.and_then(|l| l.text_content()).unwrap_or_default();
        assert!(
            label_text.contains(spec.label),
            "label of {} is {label_text:?}",
            spec.id
        );
        let tag = control
            .map(|c| c.tag_name().to_lowercase())
            .unwrap_or_default();
        let expected = match spec.kind {
            Kind::Select { .. } => "select",
            Kind::Slider { .. } | Kind::Toggle => "input",
        };
        assert_eq!(tag, expected, "control of {}", spec.id);
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
