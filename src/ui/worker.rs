//! The engine's Web Worker (registered by `src/bin/worker.rs`, spawned by [`crate::ui::engine`]).
//!
//! It answers [`Request`]s with [`Response`]s (see [`crate::app::protocol`]). To supersede work
//! that is queued but not started, a request is not run when it arrives: it joins the pending
//! requests, dropping those of its connection and job kind with an older id (and, for runs, the
//! same id), and a zero-delay timer runs the pending requests on a later turn of the worker's
//! event loop — after every message already queued has been read. While one simulation runs,
//! the messages posted meanwhile pile up; when it ends they are read one after another and only
//! the newest of them is computed. Points of one sweep (or configurations of one batch) share an
//! id and all run, in the order sent: the sweep pool keeps two in each worker.

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
    pending: Vec<(HandlerId, Request)>,
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
                let mut pending = std::mem::take(&mut self.pending);
                pending.sort_by_key(|(_, request)| request.id()); // stable: sent order per id
                for (who, request) in pending {
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
        let kind = msg.kind();
        let same = |who: &HandlerId, queued: &Request| *who == id && queued.kind() == kind;
        let newer = !self
            .pending
            .iter()
            .any(|(who, queued)| same(who, queued) && queued.id() > msg.id());
        if newer {
            // A run replaces a pending run of the same id; points and configurations add up.
            let replaces = |queued: &Request| {
                queued.id() < msg.id() || (kind == JobKind::Simulate && queued.id() == msg.id())
            };
            self.pending
                .retain(|(who, queued)| !(same(who, queued) && replaces(queued)));
            self.pending.push((id, msg));
        }
        if !self.scheduled {
            self.scheduled = true;
            let scope = scope.clone();
            Timeout::new(0, move || scope.send_message(WorkerMsg::RunPending)).forget();
        }
    }

    fn disconnected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        self.pending.retain(|(who, _)| *who != id);
    }
}
