//! The browser front end (wasm32 only): a thin Yew app over the engine.
//!
//! ## Map
//!
//! - [`state`] — the one reducer: [`state::AppState`] (configuration, baseline, UI flags, latest
//!   request id, latest results as `Rc`) and [`state::Action`]. Pure Rust, no web types.
//! - [`protocol`] — the worker protocol ([`protocol::Request`], [`protocol::Response`]) and the
//!   request handler shared by the worker and the main-thread fallback.
//! - [`worker`] — the Web Worker ([`worker::EngineWorker`]), registered by `src/bin/worker.rs`.
//! - [`engine`] — starts the worker (or the fallback) and sends requests.
//! - [`components`] — the page: controls rendered from the parameter table by one generic
//!   control, KPI cards, canvas charts, the summary table, the link-problems banner, the Model tab.
//! - [`commands`] — side effects of buttons (copy link, downloads); [`browser`] — thin,
//!   non-panicking wrappers over browser APIs; [`format`] — number formatting.
//!
//! ## Data flow
//!
//! ```text
//! URL ──decode──► AppState ──(debounce 25 ms; URL 250 ms)──► Action::Submit ──► Request{id} ──► worker
//!  ▲                 │  ▲                                                              │
//!  └─replaceState────┘  └──────────── Action::Engine(Response{id}) (latest id only) ◄───┘
//! ```
//!
//! Invariants: results are never state that components edit — they are the engine's answer to
//! the latest request, kept by id; an answer to an older request is dropped. The URL is replaced,
//! never pushed. Components render state and dispatch actions; no component holds a copy of the
//! configuration.

pub mod browser;
pub mod commands;
pub mod components;
pub mod engine;
pub mod format;
pub mod protocol;
pub mod state;
pub mod worker;

pub use components::app::{App, AppProps};

/// Mounts the app on the element with id `app` (or the body) of the current page.
pub fn start_app() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}

/// Registers the engine worker in the current worker scope.
pub fn start_worker() {
    use gloo::worker::Registrable;
    worker::EngineWorker::registrar().register();
}
