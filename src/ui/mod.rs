//! The browser front end (wasm32 only): a thin Yew app over the engine.
//!
//! ## Map
//!
//! - [`crate::app`] (compiled on every target, tested natively) holds the app's logic: the one
//!   reducer ([`crate::app::state`]), the worker protocol and its request handler
//!   ([`crate::app::protocol`]) and number formatting ([`crate::app::format`]). This module only
//!   connects them to the browser: `yew::Reducible` below calls [`AppState::reduce`].
//! - [`worker`] — the Web Worker ([`worker::EngineWorker`]), registered by `src/bin/worker.rs`.
//! - [`engine`] — starts the worker (or the fallback) and sends requests.
//! - [`pool`] — a pool of worker instances for the Tradeoffs tab's sweeps.
//! - [`components`] — the page: controls rendered from the knob table by one generic
//!   control, KPI cards, canvas charts, the summary table, the link-problems banner, the Model tab.
//! - [`commands`] — side effects of buttons (copy link, downloads); [`browser`] — thin,
//!   non-panicking wrappers over browser APIs.
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
pub mod pool;
pub mod worker;

use std::rc::Rc;

use crate::app::state::{Action, AppState};
pub use components::app::{App, AppProps};

impl yew::Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        AppState::reduce(self, action)
    }
}

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
