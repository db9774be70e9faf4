//! A pool of engine workers for sweeps: `navigator.hardwareConcurrency − 1` instances of the
//! worker (at least 1, at most [`MAX_WORKERS`]), each kept [`DEPTH`] points ahead — one running
//! and one waiting in its message queue — so a worker starts its next point the moment it ends
//! one, without waiting for the page to take the answer and send more. Points go to the worker
//! with the fewest in hand. Starting a sweep replaces the queue; cancelling empties it, and every
//! worker still running a point of a sweep (wasm cannot be interrupted) is terminated and
//! replaced by a fresh one, so the pool keeps its size and the processor is freed at once. The
//! evaluations those workers held for the optimizer or the comparison go back to the front of
//! their lanes. On the main-thread engine the pool is one slot that runs each point on a
//! zero-delay timer.
//!
//! The optimizer and the policy comparison ([`crate::app::optimize`]) and the Experiments tab's
//! runs ([`crate::app::experiment`]) hand the pool their batches through [`SweepPool::submit`],
//! each in its own lane; a free worker takes the optimizer's work first, then the comparison's,
//! then the experiment's, then the sweep's.
//!
//! The pool writes how many requests its workers hold to `data-pool-busy` on `<body>` (0 when
//! idle), for the page's tests.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use gloo::worker::{Spawnable, WorkerBridge};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

use super::browser::now_ms;
use super::engine::WORKER_PATH;
use super::worker::EngineWorker;
use crate::app::protocol::{handle, EngineCache, Request, Response};
use crate::app::state::{Action, EngineMode};
use crate::app::sweep::Sweep;

/// Most workers a pool starts.
pub const MAX_WORKERS: usize = 8;

/// Requests a worker holds at once: the one it runs and the next.
pub const DEPTH: usize = 2;

/// Workers for this browser: one fewer than its logical processors (the page needs one), at
/// least 1, at most [`MAX_WORKERS`].
pub fn pool_size() -> usize {
    let cores = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .filter(|n| n.is_finite() && *n >= 1.0)
        .unwrap_or(2.0) as usize;
    cores.saturating_sub(1).clamp(1, MAX_WORKERS)
}

/// A running worker: its bridge and the browser's `Worker` behind it (to terminate it).
struct Spawned {
    bridge: WorkerBridge<EngineWorker>,
    handle: Option<web_sys::Worker>,
}

enum Slot {
    Worker(Spawned),
    MainThread,
}

/// A queue of evaluations besides the sweep's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// The optimizer's batches.
    Optimize,
    /// The policy comparison's batches.
    Policies,
    /// The jobs of an experiment run.
    Experiment,
}

/// Number of lanes.
const LANES: usize = 3;

/// Where a request held by a worker came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Sweep,
    Lane(Lane),
}

struct Inner {
    slots: Vec<Slot>,
    /// Per slot: the requests it holds, in the order sent.
    held: Vec<Vec<(Source, Request)>>,
    /// Per slot: bumped when its worker is replaced, so a late answer of the old one is ignored.
    generation: Vec<u64>,
    queue: VecDeque<Request>,
    lanes: [VecDeque<Request>; LANES],
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
            held: Vec::new(),
            generation: Vec::new(),
            queue: VecDeque::new(),
            lanes: [VecDeque::new(), VecDeque::new(), VecDeque::new()],
            dispatch,
        }));
        let slots: Vec<Slot> = match mode {
            EngineMode::MainThread => vec![Slot::MainThread],
            EngineMode::Worker => (0..pool_size())
                .map(|k| Slot::Worker(spawn(&inner, k, 0)))
                .collect(),
        };
        {
            let mut i = inner.borrow_mut();
            i.held = slots.iter().map(|_| Vec::new()).collect();
            i.generation = vec![0; slots.len()];
            i.slots = slots;
        }
        report_busy(&inner.borrow());
        SweepPool { inner }
    }

    /// Number of workers.
    pub fn size(&self) -> usize {
        self.inner.borrow().slots.len()
    }

    /// Queues every unanswered point of `sweep` (replacing whatever was queued), replaces the
    /// workers still running points of another sweep, and hands points to the free workers.
    pub fn start(&self, sweep: &Sweep) {
        self.stop_sweep_points(Some(sweep.id));
        {
            let mut i = self.inner.borrow_mut();
            let held: Vec<usize> = i
                .held
                .iter()
                .flatten()
                .filter_map(|(_, r)| match r {
                    Request::SweepPoint {
                        sweep: s, index, ..
                    } if *s == sweep.id => Some(*index),
                    _ => None,
                })
                .collect();
            i.queue = (0..sweep.len())
                .filter(|&k| sweep.results[k].is_none() && !held.contains(&k))
                .map(|k| sweep.request(k))
                .collect();
        }
        pump(&self.inner);
    }

    /// Drops every queued point and replaces the workers still running points, so none of the
    /// cancelled sweep's work goes on.
    pub fn cancel(&self) {
        self.inner.borrow_mut().queue.clear();
        self.stop_sweep_points(None);
        pump(&self.inner);
    }

    /// Queues `requests` in `lane` (replacing what was queued there) and hands them to the free
    /// workers; an empty list empties the lane.
    ///
    /// An experiment's new run supersedes the old one's jobs the workers hold: a worker drops a
    /// queued request when a newer one of its kind arrives (see `crate::ui::worker`), so those
    /// jobs may never be answered; the pool stops counting them, and the worker still running
    /// one answers it late (the page ignores the answer).
    pub fn submit(&self, lane: Lane, requests: Vec<Request>) {
        {
            let mut i = self.inner.borrow_mut();
            if lane == Lane::Experiment {
                let current: Vec<u64> = requests.iter().map(Request::id).collect();
                for held in i.held.iter_mut() {
                    held.retain(|(source, r)| {
                        *source != Source::Lane(lane) || current.contains(&r.id())
                    });
                }
            }
            i.lanes[lane as usize] = requests.into();
        }
        pump(&self.inner);
    }

    /// Terminates and respawns every worker holding a sweep point (of any sweep but `keep`);
    /// the lane work those workers held goes back to the front of its lane.
    fn stop_sweep_points(&self, keep: Option<u64>) {
        let mut i = self.inner.borrow_mut();
        for k in 0..i.slots.len() {
            let stale = i.held[k].iter().any(|(_, r)| match r {
                Request::SweepPoint { sweep, .. } => Some(*sweep) != keep,
                _ => false,
            });
            if !stale || !matches!(i.slots[k], Slot::Worker(_)) {
                continue;
            }
            let held = std::mem::take(&mut i.held[k]);
            for (source, request) in held.into_iter().rev() {
                if let Source::Lane(lane) = source {
                    i.lanes[lane as usize].push_front(request);
                }
            }
            i.generation[k] += 1;
            let generation = i.generation[k];
            let fresh = spawn(&self.inner, k, generation);
            if let Slot::Worker(old) = std::mem::replace(&mut i.slots[k], Slot::Worker(fresh)) {
                if let Some(handle) = &old.handle {
                    handle.terminate();
                }
            }
        }
        report_busy(&i);
    }
}

/// Spawns the worker of slot `k` (its `generation`), catching the browser's `Worker` object
/// that the bridge wraps: `Worker` is briefly replaced by a proxy whose `construct` trap keeps
/// the instance.
fn spawn(inner: &Rc<RefCell<Inner>>, k: usize, generation: u64) -> Spawned {
    let weak = Rc::downgrade(inner);
    let caught: Rc<RefCell<Option<JsValue>>> = Rc::new(RefCell::new(None));
    let global = js_sys::global();
    let original = js_sys::Reflect::get(&global, &JsValue::from_str("Worker")).ok();
    let trap = {
        let caught = caught.clone();
        Closure::<dyn FnMut(JsValue, js_sys::Array) -> Result<JsValue, JsValue>>::new(
            move |target: JsValue, args: js_sys::Array| {
                let made =
                    js_sys::Reflect::construct(target.unchecked_ref::<js_sys::Function>(), &args)?;
                *caught.borrow_mut() = Some(made.clone());
                Ok(made)
            },
        )
    };
    let proxied = original.as_ref().and_then(|original| {
        let handler = js_sys::Object::new();
        js_sys::Reflect::set(&handler, &JsValue::from_str("construct"), trap.as_ref()).ok()?;
        let proxy = js_sys::Proxy::new(original, &handler);
        js_sys::Reflect::set(&global, &JsValue::from_str("Worker"), &proxy).ok()
    });
    let bridge = EngineWorker::spawner()
        .callback(move |response: Response| answered(&weak, k, generation, response))
        .spawn(WORKER_PATH);
    if let (Some(original), Some(_)) = (&original, proxied) {
        let _ = js_sys::Reflect::set(&global, &JsValue::from_str("Worker"), original);
    }
    drop(trap);
    let handle = caught
        .borrow_mut()
        .take()
        .and_then(|w| w.dyn_into::<web_sys::Worker>().ok());
    Spawned { bridge, handle }
}

/// Writes the number of requests the workers hold to `<body data-pool-busy>`.
fn report_busy(i: &Inner) {
    let busy: usize = i.held.iter().map(Vec::len).sum();
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-pool-busy", &busy.to_string());
    }
}

/// An answer from slot `k` (its worker of `generation`).
fn answered(weak: &Weak<RefCell<Inner>>, k: usize, generation: u64, response: Response) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let key = match &response {
        Response::SweepPoint { sweep, index, .. } => (0, *sweep, *index),
        Response::Evaluated { job, index, .. } => (1, *job, *index),
        Response::Experiment { id, index, .. } => (2, *id, *index),
        // `Ready`: the worker loaded; it was not given this answer's work.
        _ => return,
    };
    let dispatch = {
        let mut i = inner.borrow_mut();
        if i.generation.get(k) != Some(&generation) {
            return; // a replaced worker's answer
        }
        if let Some(held) = i.held.get_mut(k) {
            if let Some(at) = held.iter().position(|(_, r)| match r {
                Request::SweepPoint { sweep, index, .. } => key == (0, *sweep, *index),
                Request::Evaluate { job, index, .. } => key == (1, *job, *index),
                Request::Experiment { id, index, .. } => key == (2, *id, *index),
                Request::Simulate { .. } | Request::Lab { .. } | Request::Pacing { .. } => false,
            }) {
                held.remove(at);
            }
        }
        i.dispatch.clone()
    };
    // Refill the worker before the page takes the answer (and redraws).
    pump(&inner);
    dispatch.emit(Action::SweepClock(now_ms()));
    dispatch.emit(Action::Engine(response));
}

/// Gives queued points to the slots with room, the emptiest first.
fn pump(inner: &Rc<RefCell<Inner>>) {
    loop {
        let mut i = inner.borrow_mut();
        let room = |slot: &Slot| match slot {
            Slot::Worker(_) => DEPTH,
            Slot::MainThread => 1,
        };
        let Some(k) = (0..i.slots.len())
            .filter(|&k| i.held[k].len() < room(&i.slots[k]))
            .min_by_key(|&k| i.held[k].len())
        else {
            report_busy(&i);
            return;
        };
        let next = if let Some(r) = i.lanes[0].pop_front() {
            Some((Source::Lane(Lane::Optimize), r))
        } else if let Some(r) = i.lanes[1].pop_front() {
            Some((Source::Lane(Lane::Policies), r))
        } else if let Some(r) = i.lanes[2].pop_front() {
            Some((Source::Lane(Lane::Experiment), r))
        } else {
            i.queue.pop_front().map(|r| (Source::Sweep, r))
        };
        let Some((source, request)) = next else {
            report_busy(&i);
            return;
        };
        i.held[k].push((source, request.clone()));
        match &i.slots[k] {
            Slot::Worker(spawned) => spawned.bridge.send(request),
            Slot::MainThread => {
                let weak = Rc::downgrade(inner);
                let generation = i.generation[k];
                Timeout::new(0, move || {
                    let response = handle(request, &mut EngineCache::default(), now_ms);
                    answered(&weak, k, generation, response);
                })
                .forget();
            }
        }
    }
}
