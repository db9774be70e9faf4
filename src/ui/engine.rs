//! Where requests are computed: the Web Worker, or — only as a fallback — the main thread.
//!
//! [`Engine::start`] spawns the worker and arms a watchdog: if the worker does not report
//! [`Response::Ready`] within [`WORKER_START_TIMEOUT_MS`] (no `/worker.js`, as on the
//! wasm-bindgen-test page, or a browser without workers), the app is told to fall back
//! ([`crate::app::state::Action::EngineUnavailable`]) and re-issues its latest request to a
//! main-thread engine. The main-thread engine runs each request on a zero-delay timer so the
//! "computing…" state paints first, and skips requests superseded while they waited.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use gloo::worker::{Spawnable, WorkerBridge};
use yew::Callback;

use super::browser::now_ms;
use super::worker::EngineWorker;
use crate::app::lab::LabJob;
use crate::app::protocol::{handle, EngineCache, LabPart, Request, Response};
use crate::app::state::{EngineMode, PendingRequest};

/// Where Trunk puts the worker's JavaScript shim (its wasm is next to it as `worker_bg.wasm`).
pub const WORKER_PATH: &str = "/worker.js";
/// How long the worker may take to load before the app falls back to the main thread.
pub const WORKER_START_TIMEOUT_MS: u32 = 6_000;

/// A running engine.
pub enum Engine {
    /// Requests go to the Web Worker.
    Worker {
        /// The connection (dropping it disconnects).
        bridge: WorkerBridge<EngineWorker>,
        /// Fires the fallback if the worker never reports ready (dropping it disarms it).
        _watchdog: Timeout,
    },
    /// Requests run on the main thread.
    MainThread {
        /// Baseline cache, as in the worker.
        cache: Rc<RefCell<EngineCache>>,
        /// The newest request id seen; older queued requests are skipped.
        latest: Rc<Cell<u64>>,
        /// Where answers go.
        on_response: Callback<Response>,
    },
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Engine::Worker { .. } => f.write_str("Engine::Worker"),
            Engine::MainThread { .. } => f.write_str("Engine::MainThread"),
        }
    }
}

impl Engine {
    /// Starts an engine in `mode`. Answers go to `on_response`; `on_unavailable` fires once if
    /// the worker does not start.
    pub fn start(
        mode: EngineMode,
        on_response: Callback<Response>,
        on_unavailable: Callback<()>,
    ) -> Engine {
        match mode {
            EngineMode::Worker => {
                let ready = Rc::new(Cell::new(false));
                let bridge = {
                    let ready = ready.clone();
                    EngineWorker::spawner()
                        .callback(move |response: Response| {
                            if response == Response::Ready {
                                ready.set(true);
                            }
                            on_response.emit(response);
                        })
                        .spawn(WORKER_PATH)
                };
                let watchdog = Timeout::new(WORKER_START_TIMEOUT_MS, move || {
                    if !ready.get() {
                        on_unavailable.emit(());
                    }
                });
                Engine::Worker {
                    bridge,
                    _watchdog: watchdog,
                }
            }
            EngineMode::MainThread => Engine::MainThread {
                cache: Rc::default(),
                latest: Rc::default(),
                on_response,
            },
        }
    }

    /// Sends a request.
    pub fn send(&self, request: &PendingRequest) {
        let message = Request::Simulate {
            id: request.id,
            params: (*request.params).clone(),
            baseline: request.baseline.as_deref().cloned(),
        };
        match self {
            Engine::Worker { bridge, .. } => bridge.send(message),
            Engine::MainThread {
                cache,
                latest,
                on_response,
            } => {
                latest.set(latest.get().max(request.id));
                let (cache, latest, on_response) =
                    (cache.clone(), latest.clone(), on_response.clone());
                Timeout::new(0, move || {
                    if message.id() < latest.get() {
                        return;
                    }
                    let response = handle(message, &mut cache.borrow_mut(), now_ms);
                    on_response.emit(response);
                })
                .forget();
            }
        }
    }

    /// Sends a batch of the Lab tab (the worker keeps only the newest pending batch per part).
    pub fn send_lab(&self, job: &LabJob) {
        let message = match job.part {
            LabPart::Pacing => Request::Pacing {
                id: job.id,
                spec: job.specs.first().cloned().unwrap_or_default(),
            },
            _ => Request::Lab {
                id: job.id,
                part: job.part,
                specs: job.specs.clone(),
                curve: job.curve.clone(),
            },
        };
        match self {
            Engine::Worker { bridge, .. } => bridge.send(message),
            Engine::MainThread {
                cache, on_response, ..
            } => {
                let (cache, on_response) = (cache.clone(), on_response.clone());
                Timeout::new(0, move || {
                    let response = handle(message, &mut cache.borrow_mut(), now_ms);
                    on_response.emit(response);
                })
                .forget();
            }
        }
    }
}
