//! The Tradeoffs tab's sweep: one knob (optionally a second) over a range, each point run as its
//! own [`Request::SweepPoint`] and answered with its summaries, plus the frontier read from them.
//!
//! A sweep has an id, strictly increasing ([`crate::app::state::AppState::latest_sweep`]); the
//! reducer keeps only answers to the current sweep, so answers to a sweep that was restarted,
//! cancelled or superseded by a change of the base design are dropped. Changing only the swept
//! knob (applying a point to the design) keeps the sweep: its points do not depend on it.

use std::rc::Rc;

use super::protocol::Request;
use crate::config::url::{sweepable, SweepView, MAX_SWEEP_TOTAL};
use crate::core::model::knobs::Knob;
use crate::core::model::metric_table::summary_rows;
use crate::core::model::{
    AdLoadPolicy, Params, Summaries, Window, WindowedMetric, PROMOTION_METRICS,
};
use crate::core::tradeoff::{linspace, pareto_frontier, set_knob, snap, Goal};

/// One sweep and the answers received so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The sweep's id.
    pub id: u64,
    /// The swept knob.
    pub knob: Knob,
    /// A second swept knob (varying slowest), if any.
    pub knob2: Option<Knob>,
    /// The range's start.
    pub from: f64,
    /// The range's end.
    pub to: f64,
    /// The first knob's values (snapped, deduplicated).
    pub values: Vec<f64>,
    /// The second knob's values (empty without a second knob).
    pub values2: Vec<f64>,
    /// The design the points vary (the swept knobs' own values in it do not matter).
    pub base: Rc<Params>,
    /// Each point's summaries, by index, once answered.
    pub results: Vec<Option<Rc<Summaries>>>,
    /// When the sweep started (host clock, ms).
    pub started_ms: f64,
    /// Time from the start to the last clock tick while running (ms); frozen once done or
    /// cancelled.
    pub elapsed_ms: f64,
    /// Whether the sweep was cancelled (its outstanding answers are dropped).
    pub cancelled: bool,
}

/// The ad-load knob of `params`' policy: `every` (fixed), `theta` (threshold), `lambda` (exact).
pub fn default_knob(params: &Params) -> Knob {
    match params.ad_load.policy {
        AdLoadPolicy::Fixed => Knob::Every,
        AdLoadPolicy::Threshold => Knob::Theta,
        AdLoadPolicy::Exact => Knob::Lambda,
    }
}

/// Every knob the Tradeoffs tab can sweep, in table order.
pub fn sweepable_knobs() -> Vec<Knob> {
    Knob::ALL
        .iter()
        .copied()
        .filter(|k| sweepable(*k))
        .collect()
}

/// The metrics the Tradeoffs tab's menus offer on `params` (the frontier's axes and colour, the
/// heat map, the optimizer's objective and constraints): for each window, every summary metric,
/// then, when `params` has promotional bandwidth on, every promotion metric
/// (`promotion.window.key`, as `sandbox sweep` and `sandbox optimize` read them; they are absent
/// from runs without it).
pub fn menu_metrics(params: &Params) -> Vec<WindowedMetric> {
    let promotion = params.promotion.enabled;
    Window::ALL
        .into_iter()
        .flat_map(|w| {
            let summaries = summary_rows().filter_map(move |r| WindowedMetric::new(w, r.metric));
            let promoted = PROMOTION_METRICS
                .iter()
                .filter(move |_| promotion)
                .map(move |m| WindowedMetric::promotion(w, m));
            summaries.chain(promoted)
        })
        .collect()
}

/// The knob, range and points a sweep with settings `view` would run on `params`: the settings
/// resolved against their defaults, clamped into the knob's limits and put in order.
pub fn resolve(params: &Params, view: &SweepView) -> (Knob, f64, f64, usize) {
    let knob = view
        .knob
        .filter(|k| sweepable(*k))
        .unwrap_or_else(|| default_knob(params));
    let spec = knob.spec();
    let (lo, hi) = spec
        .limits()
        .map_or((f64::MIN, f64::MAX), |l| (l.min, l.max));
    let slider = spec.slider();
    let from = view
        .from
        .or(slider.map(|s| s.min))
        .unwrap_or(lo)
        .clamp(lo, hi);
    let to = view
        .to
        .or(slider.map(|s| s.max))
        .unwrap_or(hi)
        .clamp(lo, hi);
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    let points = if from == to { 1 } else { view.points as usize };
    (knob, from, to, points)
}

/// The second knob, range and points of a two-knob sweep with settings `view` on `params`
/// (`None` without a second knob, or when it is the first knob); its points are cut so that the
/// grid has at most [`MAX_SWEEP_TOTAL`] points.
pub fn resolve2(params: &Params, view: &SweepView) -> Option<(Knob, f64, f64, usize)> {
    let (knob1, _, _, points1) = resolve(params, view);
    let knob2 = view.knob2.filter(|k| sweepable(*k) && *k != knob1)?;
    let as_first = SweepView {
        knob: Some(knob2),
        from: view.from2,
        to: view.to2,
        points: view.points2,
        ..*view
    };
    let (knob, from, to, points) = resolve(params, &as_first);
    let most = (MAX_SWEEP_TOTAL as usize / points1.max(1)).max(1);
    Some((knob, from, to, points.min(most)))
}

/// `points` values from `from` to `to`, snapped to `knob`'s step and deduplicated.
fn knob_values(knob: Knob, from: f64, to: f64, points: usize) -> Vec<f64> {
    let spec = knob.spec();
    let mut values: Vec<f64> = linspace(from, to, points)
        .into_iter()
        .map(|x| snap(spec, x))
        .collect();
    values.dedup();
    values
}

impl Sweep {
    /// A new sweep of `params` with settings `view`, no point answered yet.
    pub fn new(id: u64, params: Rc<Params>, view: &SweepView, now_ms: f64) -> Sweep {
        let (knob, from, to, points) = resolve(&params, view);
        let values = knob_values(knob, from, to, points);
        let second = resolve2(&params, view);
        let values2 = second
            .map(|(k, from, to, points)| knob_values(k, from, to, points))
            .unwrap_or_default();
        let n = values.len() * values2.len().max(1);
        Sweep {
            id,
            knob,
            knob2: second.map(|(k, ..)| k),
            from,
            to,
            values,
            values2,
            base: params,
            results: vec![None; n],
            started_ms: now_ms,
            elapsed_ms: 0.0,
            cancelled: false,
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// Whether the sweep has no point (never: a range has at least one).
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// Points answered.
    pub fn done(&self) -> usize {
        self.results.iter().filter(|r| r.is_some()).count()
    }

    /// Whether every point is answered.
    pub fn finished(&self) -> bool {
        self.done() == self.len()
    }

    /// Whether answers are still awaited (not finished, not cancelled).
    pub fn running(&self) -> bool {
        !self.cancelled && !self.finished()
    }

    /// The knob values of point `i`: the first knob's, and the second's if any (the first
    /// varies fastest).
    pub fn point(&self, i: usize) -> (f64, Option<f64>) {
        let n1 = self.values.len().max(1);
        (
            self.values[i % n1],
            self.knob2.map(|_| self.values2[i / n1]),
        )
    }

    /// `params` with the swept knob(s) set to point `i`'s values.
    pub fn apply(&self, params: &Params, i: usize) -> Params {
        let (x, y) = self.point(i);
        let mut out = params.clone();
        set_knob(&mut out, self.knob.spec(), x);
        if let (Some(knob2), Some(y)) = (self.knob2, y) {
            set_knob(&mut out, knob2.spec(), y);
        }
        out
    }

    /// The configuration of point `i`.
    pub fn point_params(&self, i: usize) -> Params {
        self.apply(&self.base, i)
    }

    /// The request that runs point `i`.
    pub fn request(&self, i: usize) -> Request {
        Request::SweepPoint {
            sweep: self.id,
            index: i,
            params: self.point_params(i),
        }
    }

    /// Whether `params` differs from the sweep's base only in the swept knob(s), so that the
    /// sweep still describes it.
    pub fn same_base(&self, params: &Params) -> bool {
        let mut p = params.clone();
        for knob in std::iter::once(self.knob).chain(self.knob2) {
            let spec = knob.spec();
            (spec.set)(&mut p, &(spec.get)(&self.base));
        }
        p == *self.base
    }

    /// The index of the point whose knob values equal `params`' (the current design), if any.
    pub fn current_index(&self, params: &Params) -> Option<usize> {
        if !self.same_base(params) {
            return None;
        }
        (0..self.len()).find(|&i| self.point_params(i) == *params)
    }

    /// `metric` of every point (NaN for points not answered yet).
    pub fn metric(&self, metric: &WindowedMetric) -> Vec<f64> {
        self.results
            .iter()
            .map(|r| r.as_deref().map_or(f64::NAN, |s| metric.value(s)))
            .collect()
    }

    /// The Pareto frontier of the answered points in `(x, y)`, each judged in its metric's
    /// direction (a metric that is neither better higher nor lower is maximised); indices sorted
    /// by x.
    pub fn frontier(&self, x: &WindowedMetric, y: &WindowedMetric) -> Vec<usize> {
        let xs = self.metric(x);
        let ys = self.metric(y);
        let points: Vec<(f64, f64)> = xs.into_iter().zip(ys).collect();
        pareto_frontier(&points, goal(x), goal(y))
    }
}

/// The goal of a metric (its direction; maximise when it has none).
pub fn goal(metric: &WindowedMetric) -> Goal {
    Goal::of(metric.direction()).unwrap_or(Goal::Max)
}

/// `metric` over `window` instead of its own (for the short- vs long-term frontiers).
pub fn in_window(metric: &WindowedMetric, window: Window) -> WindowedMetric {
    metric.in_window(window)
}

/// The x and y metrics the frontier table and the frontier's indices use: the settings' own, or
/// with "short vs long term" on, the same metrics over the last week (where the design ends up).
pub fn table_metrics(view: &SweepView) -> (WindowedMetric, WindowedMetric) {
    if view.weeks {
        (
            in_window(&view.x, Window::LastWeek),
            in_window(&view.y, Window::LastWeek),
        )
    } else {
        (view.x, view.y)
    }
}

/// The marginal rate of substitution between adjacent frontier points: for each pair of
/// consecutive indices in `frontier`, how much x is given up per unit of y gained, `|Δx / Δy|`
/// (`NaN` when y does not change).
pub fn marginal_rates(xs: &[f64], ys: &[f64], frontier: &[usize]) -> Vec<f64> {
    frontier
        .windows(2)
        .map(|w| {
            let dx = xs[w[1]] - xs[w[0]];
            let dy = ys[w[1]] - ys[w[0]];
            if dy == 0.0 {
                f64::NAN
            } else {
                (dx / dy).abs()
            }
        })
        .collect()
}

/// What a hover read-out shows for one point of a sweep: its knob values as the heading, then
/// each metric's label and value (`—` before the point is answered).
#[derive(Debug, Clone, PartialEq)]
pub struct Readout {
    /// The point's index.
    pub index: usize,
    /// "Ad every: 6 positions · Reserve price: 0.5".
    pub heading: String,
    /// `(label, value)` per metric, in the order asked.
    pub rows: Vec<(String, String)>,
}

impl Sweep {
    /// The hover read-out of point `i` with `metrics` (labelled as `label` names them).
    pub fn readout(
        &self,
        i: usize,
        metrics: &[WindowedMetric],
        label: impl Fn(&WindowedMetric) -> String,
    ) -> Option<Readout> {
        if i >= self.len() {
            return None;
        }
        let (x, y) = self.point(i);
        let knob_text = |knob: Knob, v: f64| {
            let spec = knob.spec();
            format!(
                "{}: {}",
                spec.label,
                super::format::param_value(spec, &crate::core::model::knobs::Value::Number(v))
            )
        };
        let mut heading = knob_text(self.knob, x);
        if let (Some(k2), Some(y)) = (self.knob2, y) {
            heading = format!("{heading} · {}", knob_text(k2, y));
        }
        let rows = metrics
            .iter()
            .map(|m| {
                let v = self.results[i].as_deref().map_or(f64::NAN, |s| m.value(s));
                (label(m), super::format::number(v))
            })
            .collect();
        Some(Readout {
            index: i,
            heading,
            rows,
        })
    }
}

/// The point of `positions` (`(index, x, y)` in drawing pixels) nearest `(x, y)`, if within
/// `radius` pixels.
pub fn nearest_point(
    positions: &[(usize, i32, i32)],
    x: i32,
    y: i32,
    radius: i32,
) -> Option<usize> {
    positions
        .iter()
        .map(|&(i, px, py)| (i, (px - x).pow(2) + (py - y).pow(2)))
        .min_by_key(|&(_, d)| d)
        .filter(|&(_, d)| d <= radius * radius)
        .map(|(i, _)| i)
}
