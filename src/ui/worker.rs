//! The engine's Web Worker (registered by `src/bin/worker.rs`, spawned by [`crate::ui::engine`]).
//!
//! It answers [`Request`]s with [`Response`]s (see [`crate::app::protocol`]). To supersede work
//! that is queued but not started, a request is not run when it arrives: it becomes the pending
//! request of its connection and job kind, replacing any older one of that kind, and a zero-delay timer runs the pending
//! requests on a later turn of the worker's event loop — after every message already queued has
//! been read. While one simulation runs, the messages posted meanwhile pile up; when it ends they
//! are read one after another and only the newest of them is computed.

use std::collections::HashMap;

use gloo::timers::callback::Timeout;
use gloo::worker::{HandlerId, Worker, WorkerScope};

use crate::app::protocol::{handle, EngineCache, JobKind, Request, Response};

/// Internal messages of the worker.
#[derive(Debug)]
pub enum WorkerMsg {
    /// Run every pending request.
    RunPending,
}

/// The engine worker.
#[derive(Debug, Default)]
pub struct EngineWorker {
    pending: HashMap<(HandlerId, JobKind), Request>,
    scheduled: bool,
    cache: EngineCache,
}

impl Worker for EngineWorker {
    type Message = WorkerMsg;
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        EngineWorker::default()
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Self::Message) {
        match msg {
            WorkerMsg::RunPending => {
                self.scheduled = false;
                let mut pending: Vec<((HandlerId, JobKind), Request)> =
                    self.pending.drain().collect();
                pending.sort_by_key(|(_, request)| request.id());
                for ((who, _), request) in pending {
                    let response = handle(request, &mut self.cache, super::browser::now_ms);
                    scope.respond(who, response);
                }
            }
        }
    }

    fn connected(&mut self, scope: &WorkerScope<Self>, id: HandlerId) {
        scope.respond(id, Response::Ready);
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        let slot = (id, msg.kind());
        let newer = self
            .pending
            .get(&slot)
            .is_none_or(|queued| queued.id() <= msg.id());
        if newer {
            self.pending.insert(slot, msg);
        }
        if !self.scheduled {
            self.scheduled = true;
            let scope = scope.clone();
            Timeout::new(0, move || scope.send_message(WorkerMsg::RunPending)).forget();
        }
    }

    fn disconnected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        self.pending.retain(|(who, _), _| *who != id);
    }
}
