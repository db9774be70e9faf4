//! The Tradeoffs tab's sweep, natively: each point's answer is exactly a single run of that
//! configuration, only answers to the current sweep count, cancelling drops the rest, progress
//! counts answered points, and applying a point keeps the sweep while a base change drops it.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::rc::Rc;

use sandbox::app::protocol::{handle, EngineCache, JobKind, Request, Response};
use sandbox::app::state::{Action, AppState, EngineMode, Tab};
use sandbox::app::sweep::{default_knob, marginal_rates, resolve, table_metrics, Sweep};
use sandbox::config::url::SweepView;
use sandbox::core::model::knobs::{Knob, Value};
use sandbox::core::model::{simulate, Params, Scenario, WindowedMetric};
use sandbox::core::tradeoff::{pareto_frontier, Axis, AxisValues, Goal, Grid};

/// A small design (200 users, 10 days) on the Tradeoffs tab, sweeping `every` over 7 points.
const LINK: &str = "v=1&users=200&days=10&page=tradeoffs&sweep.from=2&sweep.to=14&sweep.points=7";

fn state() -> Rc<AppState> {
    Rc::new(AppState::from_query(LINK, EngineMode::MainThread))
}

fn started(s: Rc<AppState>) -> Rc<AppState> {
    s.reduce(Action::StartSweep { now_ms: 1000.0 })
}

fn sweep(s: &AppState) -> &Sweep {
    s.sweep.as_deref().expect("a sweep")
}

/// Runs point `i` of the current sweep through the worker's handler.
fn answer(s: &AppState, i: usize) -> Response {
    handle(sweep(s).request(i), &mut EngineCache::default(), || 0.0)
}

#[test]
fn the_link_opens_the_tab_with_the_sweep_settings_and_asks_for_a_sweep() {
    let s = state();
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(s.tab, Tab::Tradeoffs);
    assert!(s.needs_sweep());
    let s = started(s);
    assert!(!s.needs_sweep());
    let w = sweep(&s);
    assert_eq!(w.knob, Knob::Every, "the fixed policy sweeps its spacing");
    assert_eq!(w.values, vec![2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0]);
    assert_eq!((w.done(), w.len()), (0, 7));
    assert!(w.running());
}

#[test]
fn every_point_is_a_single_run_of_its_configuration() {
    let s = started(state());
    // The same grid as the command line's sweep.
    let grid = Grid::new(
        Axis::new(
            "ad_load.every",
            &AxisValues::Range {
                from: 2.0,
                to: 14.0,
                points: 7,
            },
        )
        .unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(grid.len(), sweep(&s).len());
    for i in 0..grid.len() {
        let params = grid.params(&s.params, i);
        assert_eq!(sweep(&s).point_params(i), params);
        let expected = simulate(&Scenario::new(params).expect("valid")).summaries;
        match answer(&s, i) {
            Response::SweepPoint {
                sweep: id,
                index,
                summaries,
                ..
            } => {
                assert_eq!((id, index), (sweep(&s).id, i));
                assert_eq!(*summaries, expected, "point {i}");
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    // Points differ where the knob acts: every 2 and every 14 are different designs.
    let first = answer(&s, 0);
    let last = answer(&s, 6);
    assert_ne!(first, last);
}

#[test]
fn a_sweep_point_is_its_own_kind_of_job() {
    let s = started(state());
    let request = sweep(&s).request(3);
    assert_eq!(request.kind(), JobKind::SweepPoint);
    assert_eq!(request.id(), sweep(&s).id);
    let json = serde_json::to_string(&request).expect("serialises");
    assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), request);
}

#[test]
fn progress_counts_answered_points_and_the_clock_stops_when_done() {
    let mut s = started(state());
    let total = sweep(&s).len();
    for i in 0..total {
        assert_eq!(sweep(&s).done(), i);
        // The host ticks the clock as each answer arrives.
        s = s.reduce(Action::SweepClock(1000.0 + 100.0 * (i + 1) as f64));
        let response = answer(&s, i);
        s = s.reduce(Action::Engine(response.clone()));
        // A repeated answer counts once.
        s = s.reduce(Action::Engine(response));
    }
    let w = sweep(&s);
    assert_eq!(w.done(), total);
    assert!(w.finished() && !w.running());
    assert_eq!(w.elapsed_ms, 100.0 * total as f64);
    // Once done, the clock no longer moves.
    let after = s.clone().reduce(Action::SweepClock(99_999.0));
    assert!(Rc::ptr_eq(&after, &s));
    // The frontier is the core's frontier of the answered points.
    let x = WindowedMetric::parse("whole_run.revenue_per_day").unwrap();
    let y = WindowedMetric::parse("whole_run.engagement_per_day").unwrap();
    let xs = w.metric(&x);
    let ys = w.metric(&y);
    let points: Vec<(f64, f64)> = xs.iter().copied().zip(ys.iter().copied()).collect();
    let frontier = w.frontier(&x, &y);
    assert_eq!(frontier, pareto_frontier(&points, Goal::Max, Goal::Max));
    assert!(
        frontier.len() >= 2,
        "denser ads trade engagement for revenue"
    );
    let rates = marginal_rates(&xs, &ys, &frontier);
    assert_eq!(rates.len(), frontier.len() - 1);
    for (k, rate) in rates.iter().enumerate() {
        let (a, b) = (frontier[k], frontier[k + 1]);
        assert!((rate - ((xs[b] - xs[a]) / (ys[b] - ys[a])).abs()).abs() < 1e-12);
    }
}

#[test]
fn answers_to_an_older_sweep_are_dropped() {
    let s = started(state());
    let old = answer(&s, 0);
    let s = s.reduce(Action::StartSweep { now_ms: 2000.0 });
    assert_eq!(sweep(&s).id, 2);
    let after = s.clone().reduce(Action::Engine(old));
    assert!(Rc::ptr_eq(&after, &s), "a stale answer changes nothing");
    assert_eq!(sweep(&after).done(), 0);
    let fresh = answer(&s, 0);
    assert_eq!(sweep(&s.reduce(Action::Engine(fresh))).done(), 1);
}

#[test]
fn cancelling_drops_outstanding_answers() {
    let s = started(state());
    let s = s.clone().reduce(Action::Engine(answer(&s, 0)));
    let s = s.reduce(Action::CancelSweep);
    let w = sweep(&s);
    assert!(w.cancelled && !w.running());
    assert_eq!(w.done(), 1, "what was answered stays");
    let late = s.clone().reduce(Action::Engine(answer(&s, 1)));
    assert!(Rc::ptr_eq(&late, &s));
    // A cancelled sweep is not restarted by itself; starting again runs every point.
    assert!(!s.needs_sweep());
    let again = s.reduce(Action::StartSweep { now_ms: 5.0 });
    assert_eq!((sweep(&again).done(), sweep(&again).len()), (0, 7));
}

#[test]
fn changing_the_base_design_supersedes_the_sweep_but_applying_a_point_does_not() {
    let s = started(state());
    let s = s.clone().reduce(Action::Engine(answer(&s, 2)));
    let applied = s.clone().reduce(Action::ApplySweepPoint(4));
    assert_eq!(applied.params.ad_load.every, 10);
    assert_eq!(sweep(&applied).id, sweep(&s).id, "the sweep is kept");
    assert_eq!(sweep(&applied).current_index(&applied.params), Some(4));
    assert_eq!(
        applied.query(),
        "v=2&every=10&users=200&days=10&page=tradeoffs&sweep.from=2&sweep.to=14&sweep.points=7",
        "the link follows"
    );
    // A change of anything else supersedes it: its answers are dropped, a new one is asked for.
    let moved = applied.reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(0.3),
    });
    assert!(moved.sweep.is_none());
    assert!(moved.needs_sweep());
    let late = moved.clone().reduce(Action::Engine(answer(&s, 3)));
    assert!(late.sweep.is_none());
}

#[test]
fn new_settings_rerun_only_when_the_points_change() {
    let s = started(state());
    let id = sweep(&s).id;
    let redraw = s.clone().reduce(Action::SetSweepView(SweepView {
        weeks: true,
        y: WindowedMetric::parse("last_week.engagement_per_day").unwrap(),
        ..s.sweep_view
    }));
    assert_eq!(sweep(&redraw).id, id, "metrics and the toggle only redraw");
    assert!(redraw.query().contains("sweep.weeks=1"));
    // With short vs long term on, the table and the frontier's indices read the last week.
    let (x, y) = table_metrics(&redraw.sweep_view);
    assert_eq!(x.to_string(), "last_week.revenue_per_day");
    assert_eq!(y.to_string(), "last_week.engagement_per_day");
    let rerun = redraw.reduce(Action::SetSweepView(SweepView {
        knob: Some(Knob::Reserve),
        from: None,
        to: None,
        ..s.sweep_view
    }));
    assert!(rerun.needs_sweep());
    let rerun = rerun.reduce(Action::StartSweep { now_ms: 0.0 });
    let w = sweep(&rerun);
    assert_eq!(w.knob, Knob::Reserve);
    let slider = Knob::Reserve.spec().slider().unwrap();
    assert_eq!((w.from, w.to), (slider.min, slider.max));
    assert_eq!(w.len(), 7);
}

#[test]
fn the_default_knob_follows_the_policy_and_ranges_are_put_in_order() {
    let mut p = Params::default();
    assert_eq!(default_knob(&p), Knob::Every);
    p.ad_load.policy = sandbox::core::model::AdLoadPolicy::Exact;
    assert_eq!(default_knob(&p), Knob::Lambda);
    p.ad_load.policy = sandbox::core::model::AdLoadPolicy::Threshold;
    assert_eq!(default_knob(&p), Knob::Theta);
    let view = SweepView {
        knob: Some(Knob::Reserve),
        from: Some(4.0),
        to: Some(-1.0),
        ..SweepView::default()
    };
    assert_eq!(resolve(&p, &view), (Knob::Reserve, 0.0, 4.0, 21));
}

#[test]
fn the_knob_list_is_the_sweepable_numeric_knobs_of_the_table() {
    use sandbox::app::sweep::sweepable_knobs;
    use sandbox::core::tradeoff::sweep_knob;
    let knobs = sweepable_knobs();
    for knob in [Knob::Every, Knob::Theta, Knob::Lambda, Knob::Reserve] {
        assert!(knobs.contains(&knob), "{knob:?}");
    }
    for knob in [Knob::Seed, Knob::Policy, Knob::Fatigue] {
        assert!(!knobs.contains(&knob), "{knob:?}");
    }
    // The same knobs the command line's sweep accepts.
    for spec in sandbox::core::model::knobs::table() {
        let accepted = sweep_knob(spec.key).is_ok_and(|s| s.id == spec.id);
        assert_eq!(knobs.contains(&spec.id), accepted, "{}", spec.key);
    }
}

/// The small design swept over `every` (3 points) and the reserve price (3 points).
const LINK_2D: &str =
    "v=1&users=200&days=10&page=tradeoffs&sweep.from=2&sweep.to=14&sweep.points=3\
                       &sweep2=reserve&sweep2.from=0&sweep2.to=1&sweep2.points=3";

#[test]
fn a_two_knob_sweep_is_the_command_line_grid_and_each_point_a_single_run() {
    let s = started(Rc::new(AppState::from_query(
        LINK_2D,
        EngineMode::MainThread,
    )));
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let sw = sweep(&s);
    assert_eq!(sw.knob2, Some(Knob::Reserve));
    // The command line's grid: the first knob varying fastest.
    let range = |from, to| AxisValues::Range {
        from,
        to,
        points: 3,
    };
    let grid = Grid::new(
        Axis::new("ad_load.every", &range(2.0, 14.0)).unwrap(),
        Some(Axis::new(Knob::Reserve.spec().key, &range(0.0, 1.0)).unwrap()),
    )
    .unwrap();
    assert_eq!(grid.len(), 9);
    assert_eq!(sw.len(), 9);
    for i in 0..grid.len() {
        let params = grid.params(&s.params, i);
        assert_eq!(sw.point_params(i), params, "point {i}");
        let expected = simulate(&Scenario::new(params).expect("valid")).summaries;
        match answer(&s, i) {
            Response::SweepPoint { summaries, .. } => assert_eq!(*summaries, expected, "{i}"),
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(
        sw.point(1),
        (8.0, Some(0.0)),
        "the first knob varies fastest"
    );
    assert_eq!(sw.point(3), (2.0, Some(0.5)));
    // Applying a cell sets both knobs and keeps the sweep.
    let applied = s.clone().reduce(Action::ApplySweepPoint(5));
    assert_eq!(*applied.params, sw.point_params(5));
    assert_eq!(applied.sweep.as_ref().map(|x| x.id), Some(sw.id));
    assert_eq!(sweep(&applied).current_index(&applied.params), Some(5));
}

#[test]
fn a_two_knob_sweep_runs_at_most_441_points() {
    let view = SweepView {
        points: 101,
        knob2: Some(Knob::Reserve),
        points2: 101,
        ..SweepView::default()
    };
    let s = Sweep::new(1, Rc::new(Params::default()), &view, 0.0);
    assert_eq!(s.values.len(), 30, "every 2 to 31 in whole steps");
    assert_eq!(
        s.values2.len(),
        4,
        "441 / 101 = 4 points of the second knob"
    );
    assert!(s.len() <= 441);
    // The same knob twice is a one-knob sweep.
    let same = SweepView {
        knob: Some(Knob::Reserve),
        knob2: Some(Knob::Reserve),
        ..SweepView::default()
    };
    let s = Sweep::new(1, Rc::new(Params::default()), &same, 0.0);
    assert_eq!((s.knob2, s.len()), (None, 21));
}

#[test]
fn a_hover_read_out_names_the_knob_values_and_the_metrics_of_the_nearest_point() {
    use sandbox::app::sweep::nearest_point;
    let mut s = started(state());
    let response = answer(&s, 3);
    s = s.reduce(Action::Engine(response));
    let w = sweep(&s);
    let x = WindowedMetric::parse("whole_run.revenue_per_day").unwrap();
    let y = WindowedMetric::parse("whole_run.mean_fatigue").unwrap();
    let r = w.readout(3, &[x, y], |m| m.to_string()).expect("a point");
    assert_eq!(r.index, 3);
    assert!(r.heading.contains(": 8"), "{}", r.heading);
    let summaries = w.results[3].clone().unwrap();
    assert_eq!(
        r.rows[0],
        (
            x.to_string(),
            sandbox::app::format::number(x.value(&summaries))
        )
    );
    assert_eq!(r.rows[1].0, y.to_string());
    // An unanswered point reads "—"; a point beyond the sweep has none.
    assert_eq!(
        w.readout(0, &[x], |m| m.to_string()).unwrap().rows[0].1,
        "—"
    );
    assert!(w.readout(7, &[x], |m| m.to_string()).is_none());
    // The nearest point within the radius, or none.
    let positions = [(0, 10, 10), (1, 40, 10), (2, 70, 12)];
    assert_eq!(nearest_point(&positions, 37, 14, 14), Some(1));
    assert_eq!(nearest_point(&positions, 58, 11, 14), Some(2));
    assert_eq!(nearest_point(&positions, 200, 200, 14), None);
}

/// The small design with promotional bandwidth on for one category (sports, 30% of sessions),
/// sweeping `every` over 7 points; the frontier's axes are promotion metrics.
const PROMO: &str = "v=1&users=200&days=10&promo=1&promo_share=0.3&promo_class=category\
                     &promo_cat=1&page=tradeoffs&sweep.from=2&sweep.to=14&sweep.points=7\
                     &sweep.x=promotion.last_week.promoted_roi\
                     &sweep.y=promotion.last_week.others_roi";

#[test]
fn the_menus_offer_the_promotion_metrics_exactly_when_promotion_is_on() {
    use sandbox::app::sweep::menu_metrics;
    use sandbox::chart::frontier::metric_label;
    use sandbox::core::model::metric_table::summary_rows;
    use sandbox::core::model::{Window, PROMOTION_METRICS};
    let off = Rc::new(AppState::from_query(LINK, EngineMode::MainThread));
    assert!(!off.params.promotion.enabled);
    let plain = menu_metrics(&off.params);
    // Without promotion: every summary metric over every window, nothing else.
    assert_eq!(plain.len(), 3 * summary_rows().count());
    assert!(plain.iter().all(|m| !m.needs_promotion()));
    // Turning promotion on (the control) adds the promotion metrics of every window.
    let on = off.reduce(Action::SetParam {
        id: Knob::Promotion,
        value: Value::Flag(true),
    });
    let with = menu_metrics(&on.params);
    let promoted: Vec<String> = with
        .iter()
        .filter(|m| m.needs_promotion())
        .map(|m| m.to_string())
        .collect();
    let expected: Vec<String> = Window::ALL
        .iter()
        .flat_map(|w| {
            PROMOTION_METRICS
                .iter()
                .map(move |p| format!("promotion.{}.{}", w.name(), p.key))
        })
        .collect();
    assert_eq!(promoted, expected);
    assert_eq!(promoted.len(), 3 * 8);
    // The other entries are the menu without promotion, in the same order.
    let rest: Vec<WindowedMetric> = with
        .iter()
        .filter(|m| !m.needs_promotion())
        .copied()
        .collect();
    assert_eq!(rest, plain);
    // Each entry's value reads back as the same metric (what the select and the link carry),
    // and promotion entries say whose number they are.
    for m in &with {
        assert_eq!(WindowedMetric::parse(&m.to_string()).unwrap(), *m);
    }
    let roi = WindowedMetric::parse("promotion.last_week.promoted_roi").unwrap();
    assert_eq!(metric_label(&roi), "Promoted class: ROI, last week");
    let others = WindowedMetric::parse("promotion.whole_run.others_cpc").unwrap();
    assert_eq!(
        metric_label(&others),
        "Other advertisers: Price per click, whole run"
    );
    // Off again: gone.
    let again = on.reduce(Action::SetParam {
        id: Knob::Promotion,
        value: Value::Flag(false),
    });
    assert_eq!(menu_metrics(&again.params), plain);
}

#[test]
fn a_sweep_over_promotion_metrics_gives_the_command_lines_values_and_frontier() {
    use sandbox::config::export::parse_json_exact;
    use sandbox::config::url::encode;
    let mut s = started(Rc::new(AppState::from_query(PROMO, EngineMode::MainThread)));
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let (x, y) = (s.sweep_view.x, s.sweep_view.y);
    assert_eq!(x.to_string(), "promotion.last_week.promoted_roi");
    assert_eq!(y.to_string(), "promotion.last_week.others_roi");
    for i in (0..sweep(&s).len()).rev() {
        let response = answer(&s, i);
        s = s.reduce(Action::Engine(response));
    }
    let w = sweep(&s);
    assert!(w.finished());
    assert!(
        w.results
            .iter()
            .all(|r| r.as_ref().unwrap().promotion.is_some()),
        "every point's summaries carry the promotion metrics"
    );
    // The command line's sweep of the same design, knob, range and frontier.
    let spec = format!(
        r#"{{"base": "{}", "knob": "ad_load.every", "range": {{"from": 2, "to": 14, "points": 7}},
            "frontier": {{"x": "{x}", "y": "{y}"}}}}"#,
        encode(&s.params, None)
    );
    let cli = sandbox::config::spec::sweep::parse(&spec).expect("the spec parses");
    let indices = cli.indices(None);
    let summaries: Vec<_> = cli
        .configs(&indices)
        .into_iter()
        .map(|p| simulate(&Scenario::repair(p).0).summaries)
        .collect();
    let report = cli.report(None, &indices, &summaries).expect("a report");
    let doc = parse_json_exact(&report).expect("JSON");
    let points = doc["points"].as_array().expect("points");
    assert_eq!(points.len(), w.len());
    let read = |i: usize, window: &str, key: &str| {
        points[i]["summary"]["promotion"][window][key]
            .as_f64()
            .expect("a number")
    };
    let xs = w.metric(&x);
    let ys = w.metric(&y);
    for i in 0..w.len() {
        assert_eq!(
            xs[i],
            read(i, "last_week", "promoted_roi"),
            "x of point {i}"
        );
        assert_eq!(ys[i], read(i, "last_week", "others_roi"), "y of point {i}");
    }
    // Not a constant: the ad spacing moves the promoted class's ROI.
    assert!(xs.iter().all(|v| v.is_finite() && *v > 0.0), "{xs:?}");
    assert!(xs.iter().any(|v| *v != xs[0]), "{xs:?}");
    let indices: Vec<usize> = doc["frontier"]["indices"]
        .as_array()
        .expect("frontier indices")
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    assert_eq!(w.frontier(&x, &y), indices);
    assert!(!indices.is_empty());
}
