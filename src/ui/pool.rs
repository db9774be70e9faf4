//! A pool of engine workers for sweeps: `navigator.hardwareConcurrency − 1` instances of the
//! worker (at least 1, at most [`MAX_WORKERS`]), each given one [`Request::SweepPoint`] at a
//! time; a point goes to the next worker that frees up. Starting a sweep replaces the queue;
//! cancelling empties it, and the answers of points still running are dropped by the reducer
//! (their sweep is no longer the current, uncancelled one). On the main-thread engine the pool
//! is one slot that runs each point on a zero-delay timer.
//!
//! The optimizer and the policy comparison ([`crate::app::optimize`]) hand the pool their
//! batches through [`SweepPool::submit`], each in its own lane; a free worker takes the
//! optimizer's work first, then the comparison's, then the sweep's.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use gloo::worker::{Spawnable, WorkerBridge};
use yew::Callback;

use super::browser::now_ms;
use super::engine::WORKER_PATH;
use super::worker::EngineWorker;
use crate::app::protocol::{handle, EngineCache, Request, Response};
use crate::app::state::{Action, EngineMode};
use crate::app::sweep::Sweep;

/// Most workers a pool starts.
pub const MAX_WORKERS: usize = 8;

/// Workers for this browser: one fewer than its logical processors (the page needs one), at
/// least 1, at most [`MAX_WORKERS`].
pub fn pool_size() -> usize {
    let cores = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .filter(|n| n.is_finite() && *n >= 1.0)
        .unwrap_or(2.0) as usize;
    cores.saturating_sub(1).clamp(1, MAX_WORKERS)
}

enum Slot {
    Worker(WorkerBridge<EngineWorker>),
    MainThread,
}

/// A queue of evaluations besides the sweep's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// The optimizer's batches.
    Optimize,
    /// The policy comparison's batches.
    Policies,
}

struct Inner {
    slots: Vec<Slot>,
    busy: Vec<bool>,
    queue: VecDeque<Request>,
    lanes: [VecDeque<Request>; 2],
    dispatch: Callback<Action>,
}

/// The pool (dropping it drops its workers).
pub struct SweepPool {
    inner: Rc<RefCell<Inner>>,
}

impl SweepPool {
    /// Starts the pool's workers (or its main-thread slot). Answers go to `dispatch` as a clock
    /// tick followed by [`Action::Engine`].
    pub fn new(mode: EngineMode, dispatch: Callback<Action>) -> SweepPool {
        let inner = Rc::new(RefCell::new(Inner {
            slots: Vec::new(),
            busy: Vec::new(),
            queue: VecDeque::new(),
            lanes: [VecDeque::new(), VecDeque::new()],
            dispatch,
        }));
        let slots: Vec<Slot> = match mode {
            EngineMode::MainThread => vec![Slot::MainThread],
            EngineMode::Worker => (0..pool_size())
                .map(|k| {
                    let weak = Rc::downgrade(&inner);
                    Slot::Worker(
                        EngineWorker::spawner()
                            .callback(move |response: Response| answered(&weak, k, response))
                            .spawn(WORKER_PATH),
                    )
                })
                .collect(),
        };
        {
            let mut i = inner.borrow_mut();
            i.busy = vec![false; slots.len()];
            i.slots = slots;
        }
        SweepPool { inner }
    }

    /// Number of workers.
    pub fn size(&self) -> usize {
        self.inner.borrow().slots.len()
    }

    /// Queues every unanswered point of `sweep` (replacing whatever was queued) and hands
    /// points to the free workers.
    pub fn start(&self, sweep: &Sweep) {
        {
            let mut i = self.inner.borrow_mut();
            i.queue = (0..sweep.len())
                .filter(|&k| sweep.results[k].is_none())
                .map(|k| sweep.request(k))
                .collect();
        }
        pump(&self.inner);
    }

    /// Drops every queued point (running ones finish; their answers are ignored).
    pub fn cancel(&self) {
        self.inner.borrow_mut().queue.clear();
    }

    /// Queues `requests` in `lane` (replacing what was queued there) and hands them to the free
    /// workers; an empty list empties the lane.
    pub fn submit(&self, lane: Lane, requests: Vec<Request>) {
        self.inner.borrow_mut().lanes[lane as usize] = requests.into();
        pump(&self.inner);
    }
}

/// An answer from slot `k`.
fn answered(weak: &Weak<RefCell<Inner>>, k: usize, response: Response) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if !matches!(
        response,
        Response::SweepPoint { .. } | Response::Evaluated { .. }
    ) {
        return; // `Ready`: the worker loaded; it was not given this answer's work.
    }
    let dispatch = {
        let mut i = inner.borrow_mut();
        if let Some(busy) = i.busy.get_mut(k) {
            *busy = false;
        }
        i.dispatch.clone()
    };
    dispatch.emit(Action::SweepClock(now_ms()));
    dispatch.emit(Action::Engine(response));
    pump(&inner);
}

/// Gives queued points to free slots.
fn pump(inner: &Rc<RefCell<Inner>>) {
    loop {
        let mut i = inner.borrow_mut();
        let Some(k) = i.busy.iter().position(|b| !b) else {
            return;
        };
        let next = match i.lanes[0].pop_front() {
            Some(r) => Some(r),
            None => match i.lanes[1].pop_front() {
                Some(r) => Some(r),
                None => i.queue.pop_front(),
            },
        };
        let Some(request) = next else {
            return;
        };
        i.busy[k] = true;
        match &i.slots[k] {
            Slot::Worker(bridge) => bridge.send(request),
            Slot::MainThread => {
                let weak = Rc::downgrade(inner);
                Timeout::new(0, move || {
                    let response = handle(request, &mut EngineCache::default(), now_ms);
                    answered(&weak, k, response);
                })
                .forget();
            }
        }
    }
}
