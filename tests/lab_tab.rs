//! The Lab tab natively: the worker handler answers each lab spec exactly as `sandbox auction`
//! does, the batches the tab asks for, the reducer keeping only the latest answers, the theory
//! the tab draws (revenue against the reserve, Myerson's reserve), and the chart's snapshot.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::rc::Rc;

use sandbox::app::lab::{
    agrees, monte_carlo_job, reserve_grid, LabAction, LabState, Outcome, Role, COMPARED,
    RESERVE_POINTS,
};
use sandbox::app::protocol::{handle, EngineCache, JobKind, LabPart, Request, Response};
use sandbox::app::state::{Action, AppState, EngineMode, Tab};
use sandbox::chart::lab::{render_reserve_svg, ReserveChart};
use sandbox::config::lab::LabView;
use sandbox::config::spec::auction::run_json;
use sandbox::core::auction::Format;
use sandbox::core::lab::Bidding;

fn lab_answer(job: &sandbox::app::lab::LabJob) -> Response {
    let request = Request::Lab {
        id: job.id,
        part: job.part,
        specs: job.specs.clone(),
        curve: job.curve.clone(),
    };
    assert_eq!(request.kind(), JobKind::Lab(job.part));
    handle(request, &mut EngineCache::default(), || 0.0)
}

fn run_batch(view: &LabView) -> (LabState, Response) {
    let state = LabState::new(view.clone())
        .reduce(LabAction::Submit)
        .expect("a first submit asks for both parts");
    let response = lab_answer(state.monte_carlo.as_ref().expect("a Monte Carlo batch"));
    let answered = state
        .answer(&response)
        .expect("the latest batch's answer is kept");
    (answered, response)
}

#[test]
fn the_handler_answers_exactly_what_the_cli_prints() {
    let view = LabView {
        format: Format::FirstPrice,
        bidding: Bidding::Equilibrium,
        reserve: 0.25,
        auctions: 4000,
        ..LabView::default()
    };
    let (_, response) = run_batch(&view);
    let Response::Lab { reports, .. } = &response else {
        panic!("unexpected {response:?}")
    };
    // The main spec is the CLI spec of the same settings, written by hand.
    let cli = r#"{"format":"first_price","bidding":"equilibrium","bidders":5,
        "values":{"uniform":{"low":0,"high":1}},"slot_ctrs":[1.0],"reserve":0.25,
        "auctions":4000,"seed":1}"#;
    assert_eq!(reports[0].as_ref().unwrap(), &run_json(cli).unwrap());
    // And the explicit part likewise.
    let state = LabState::new(view).reduce(LabAction::Submit).unwrap();
    let job = state.explicit.clone().unwrap();
    let Response::Lab { reports, .. } = lab_answer(&job) else {
        panic!()
    };
    let cli = r#"{"format":"gsp","bids":[{"bid":2,"value":2,"quality":1},
        {"bid":1,"value":1,"quality":1},{"bid":0.5,"value":0.5,"quality":1}],
        "slot_ctrs":[0.3,0.2],"reserve":0,"squashing":1}"#;
    assert_eq!(reports[0].as_ref().unwrap(), &run_json(cli).unwrap());
}

#[test]
fn the_batch_carries_replicates_a_reserve_grid_and_the_formats() {
    let view = LabView::default();
    let job = monte_carlo_job(&view, 1).unwrap();
    assert_eq!(job.roles[0], Role::Main);
    assert_eq!(reserve_grid(&view.values).len(), RESERVE_POINTS);
    assert_eq!(reserve_grid(&view.values)[RESERVE_POINTS - 1], 1.0);
    let grid = job
        .roles
        .iter()
        .filter(|r| matches!(r, Role::Reserve(_)))
        .count();
    let compared = job
        .roles
        .iter()
        .filter(|r| matches!(r, Role::Compare(_)))
        .count();
    assert_eq!((grid, compared), (RESERVE_POINTS, COMPARED.len()));
    // Settings that do not run ask for nothing.
    let bad = LabView {
        bidders: 1,
        slot_ctrs: vec![1.0, 0.5],
        ..LabView::default()
    };
    assert!(monte_carlo_job(&bad, 1).is_none());
}

#[test]
fn revenue_against_reserve_follows_theory_and_peaks_at_myersons_reserve() {
    let view = LabView {
        bidders: 2,
        auctions: 40_000,
        ..LabView::default()
    };
    let (state, _) = run_batch(&view);
    let answer = state.monte_carlo_answer.clone().unwrap();
    let main = answer.report(Role::Main).unwrap();
    assert!((main.myerson_reserve - 0.5).abs() < 1e-9);
    // Two bidders, uniform [0, 1]: E[revenue](r) = 1/3 + r² − 4r³/3, maximal at r = 1/2.
    let exact = |r: f64| 1.0 / 3.0 + r * r - 4.0 * r * r * r / 3.0;
    for &(r, rev) in &answer.curve {
        assert!((rev - exact(r)).abs() < 1e-9, "theory at {r}: {rev}");
    }
    let points = answer.reserve_points();
    assert_eq!(points.len(), RESERVE_POINTS);
    for &(r, mean, se) in &points {
        assert!(
            agrees(mean, se, exact(r)),
            "simulated {mean} ± {se} at {r}, theory {}",
            exact(r)
        );
    }
    let best = points.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert!(
        (best.0 - 0.5).abs() <= 0.1 + 1e-12,
        "best simulated reserve {}",
        best.0
    );
    // Revenue equivalence: the equilibrium formats agree with one theory value.
    let theory = exact(0.0);
    for (i, (format, bidding, _)) in COMPARED.iter().enumerate() {
        let m = answer.report(Role::Compare(i)).unwrap();
        let efficient = !(*format == Format::FirstPrice && *bidding == Bidding::Truthful);
        if efficient {
            assert!((m.revenue_theory.unwrap() - theory).abs() < 1e-9);
            assert!(
                agrees(m.revenue_per_auction, m.revenue_se, theory),
                "{format:?} {bidding:?}"
            );
        }
    }
    // Price standard errors come from the replicates and are of the revenue's order.
    let se = answer.price_se(1)[0].unwrap();
    assert!(
        se > 0.2 * main.revenue_se && se < 5.0 * main.revenue_se,
        "{se} vs {}",
        main.revenue_se
    );
}

#[test]
fn gsp_at_eos_against_vcg_with_two_slots_and_first_price_disabled_honestly() {
    let view = LabView {
        slot_ctrs: vec![1.0, 0.5],
        bidders: 4,
        auctions: 20_000,
        ..LabView::default()
    };
    let (state, _) = run_batch(&view);
    let answer = state.monte_carlo_answer.clone().unwrap();
    let eos = answer.report(Role::Compare(2)).unwrap();
    let vcg = answer.report(Role::Compare(3)).unwrap();
    let truthful_gsp = answer.report(Role::Compare(1)).unwrap();
    assert!(agrees(
        eos.revenue_per_auction,
        eos.revenue_se,
        vcg.revenue_theory.unwrap()
    ));
    assert!(agrees(
        vcg.revenue_per_auction,
        vcg.revenue_se,
        vcg.revenue_theory.unwrap()
    ));
    assert!(truthful_gsp.revenue_per_auction > vcg.revenue_per_auction + 4.0 * vcg.revenue_se);
    // First price in equilibrium is not defined for two slots: the row says why.
    match answer.outcome(Role::Compare(0)) {
        Some(Outcome::Error(e)) => assert!(e.contains("one slot"), "{e}"),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn the_explicit_editor_reports_allocation_prices_and_the_nash_check() {
    let state = LabState::new(LabView::default())
        .reduce(LabAction::Submit)
        .unwrap();
    let job = state.explicit.clone().unwrap();
    let state = state.answer(&lab_answer(&job)).unwrap();
    let Some(Outcome::Explicit(r)) = state
        .explicit_answer
        .unwrap()
        .outcome(Role::Explicit)
        .cloned()
    else {
        panic!()
    };
    // Truthful GSP bids 2, 1, 0.5 on slots 0.3, 0.2: bidder 1 pays 1 per click, bidder 2 pays 0.5.
    assert_eq!(r.allocation, vec![0, 1]);
    assert_eq!(r.slot_price_per_click, vec![1.0, 0.5]);
    let nash = r.nash_check.unwrap();
    // Bidder 1 earns 0.3·(2 − 1) = 0.3 on top, 0.2·(2 − 0.5) = 0.3 below: no gain. Bidder 2 in
    // slot 2 earns 0.2·0.5 = 0.1 and would earn 0.3·(1 − 2) < 0 on top: truthful is Nash here
    // unless a deviation says otherwise; the check agrees with a brute force over the slots.
    let brute_gain = {
        let values = [2.0, 1.0, 0.5];
        let ctrs = [0.3, 0.2];
        let prices_if = |slot: usize, me: usize| -> f64 {
            // Price of `slot` for bidder `me` taking it: the next bid below among the others.
            let mut others: Vec<f64> = (0..3).filter(|&j| j != me).map(|j| values[j]).collect();
            others.sort_by(|a, b| b.total_cmp(a));
            others.get(slot).copied().unwrap_or(0.0)
        };
        let mut best: f64 = 0.0;
        for (me, value) in values.iter().enumerate() {
            let now = match r.allocation.iter().position(|&b| b == me) {
                Some(k) => ctrs[k] * (value - r.slot_price_per_click[k]),
                None => 0.0,
            };
            for (k, a) in ctrs.iter().enumerate() {
                best = best.max(a * (value - prices_if(k, me)) - now);
            }
            best = best.max(-now);
        }
        best
    };
    assert_eq!(
        nash.nash,
        brute_gain <= 1e-12,
        "brute-force gain {brute_gain}"
    );
    if let Some(d) = nash.deviation {
        assert!((d.gain - brute_gain).abs() < 1e-9);
    }
}

#[test]
fn the_reducer_keeps_only_the_latest_batch_and_the_link_carries_the_settings() {
    let state = Rc::new(AppState::from_query(
        "page=lab&lab.reserve=0.3",
        EngineMode::MainThread,
    ));
    assert_eq!(state.tab, Tab::Lab);
    assert_eq!(state.lab.view.reserve, 0.3);
    assert_eq!(state.query(), "v=2&page=lab&lab.reserve=0.3");
    let first = state.reduce(Action::Lab(LabAction::Submit));
    let old = first.lab.monte_carlo.clone().unwrap();
    // Submitting again with the same settings asks for nothing new.
    let same = first.clone().reduce(Action::Lab(LabAction::Submit));
    assert!(Rc::ptr_eq(&same, &first));
    let view = LabView {
        reserve: 0.4,
        ..first.lab.view.clone()
    };
    let second = first
        .reduce(Action::Lab(LabAction::Set(view)))
        .reduce(Action::Lab(LabAction::Submit));
    assert_eq!(second.query(), "v=2&page=lab&lab.reserve=0.4");
    let new = second.lab.monte_carlo.clone().unwrap();
    assert!(new.id > old.id);
    // Only the Monte Carlo part changed: the explicit batch is not asked again.
    assert_eq!(second.lab.explicit.as_ref().unwrap().specs.len(), 1);
    // A stale answer is dropped; the latest is kept.
    let stale = second.clone().reduce(Action::Engine(lab_answer(&old)));
    assert!(stale.lab.monte_carlo_answer.is_none());
    let kept = second.reduce(Action::Engine(lab_answer(&new)));
    let answer = kept.lab.monte_carlo_answer.clone().unwrap();
    assert_eq!(answer.report(Role::Main).unwrap().reserve, 0.4);
    assert!(!kept.lab.computing());
    assert_eq!(answer.job.part, LabPart::MonteCarlo);
}

include!("snapshot_common.rs.inc");

#[test]
fn reserve_chart_snapshot() {
    let exact = |r: f64| 1.0 / 3.0 + r * r - 4.0 * r * r * r / 3.0;
    let chart = ReserveChart {
        title: "Revenue against the reserve".into(),
        points: (0..=10)
            .map(|i| {
                let r = f64::from(i) / 10.0;
                (r, exact(r) + 0.002 * f64::from(i % 3) - 0.002, 0.003)
            })
            .collect(),
        theory: (0..=40)
            .map(|i| (f64::from(i) / 40.0, exact(f64::from(i) / 40.0)))
            .collect(),
        myerson: Some(0.5),
        current: Some(0.3),
    };
    let svg = render_reserve_svg(&chart, 720, 360);
    assert!(svg.contains("Myerson r* = 0.5"));
    assert!(svg.contains("theory (revenue equivalence)"));
    if let Some(problem) = compare_snapshot("lab_reserve.svg", &svg) {
        panic!("{problem}");
    }
    let empty = render_reserve_svg(&ReserveChart::default(), 720, 360);
    assert!(empty.contains("running…"));
}

/// The pacing editor: its spec is `sandbox pacing`'s, the worker answers it with a new request
/// kind (`Request::Pacing`, job kind `Lab(Pacing)`) exactly as the CLI prints it, and the reducer
/// keeps the answer with the multipliers, prices and every condition read.
#[test]
fn the_pacing_editor_is_answered_as_the_cli_prints_it() {
    use sandbox::config::lab::PacingView;
    use sandbox::config::spec::pacing::{run_json as pacing_json, PacingFormat};
    for format in [PacingFormat::FirstPrice, PacingFormat::SecondPrice] {
        let view = LabView {
            pacing: PacingView {
                format,
                ..PacingView::default()
            },
            ..LabView::default()
        };
        let state = LabState::new(view).reduce(LabAction::Submit).unwrap();
        let job = state.pacing.clone().expect("a pacing batch");
        assert_eq!(job.part, LabPart::Pacing);
        let request = Request::Pacing {
            id: job.id,
            spec: job.specs[0].clone(),
        };
        assert_eq!(request.kind(), JobKind::Lab(LabPart::Pacing));
        let response = handle(request, &mut EngineCache::default(), || 0.0);
        let Response::Pacing { report, .. } = &response else {
            panic!("unexpected {response:?}")
        };
        let name = if format == PacingFormat::FirstPrice {
            "first_price"
        } else {
            "second_price"
        };
        let cli =
            format!(r#"{{"values": [[2, 2], [2, 0]], "budgets": [1, 0.5], "format": "{name}"}}"#);
        assert_eq!(report.as_ref().unwrap(), &pacing_json(&cli).unwrap());
        let answered = state.answer(&response).expect("kept");
        let Some(Outcome::Pacing(r)) = answered
            .pacing_answer
            .as_ref()
            .and_then(|a| a.outcome(Role::Pacing))
        else {
            panic!("no pacing outcome")
        };
        assert!(r.verified);
        assert_eq!(r.conditions.len(), 6);
        assert!(r.conditions.values().all(|&ok| ok));
        // FPPE: both pace to 3/8; SPPE: both pace to 3/4 (tests/lab_pacing.rs solves both).
        let want = if format == PacingFormat::FirstPrice {
            0.375
        } else {
            0.75
        };
        assert!(
            r.multipliers.iter().all(|a| (a - want).abs() < 1e-9),
            "{r:?}"
        );
        // A stale answer (an older id) is ignored.
        let Response::Pacing {
            report, engine_ms, ..
        } = response
        else {
            unreachable!()
        };
        let stale = Response::Pacing {
            id: job.id - 1,
            report,
            engine_ms,
        };
        assert!(answered.answer(&stale).is_none());
    }
    // A market that does not run asks for no batch.
    let mut view = LabView::default();
    view.pacing.budgets = vec![1.0];
    let state = LabState::new(view).reduce(LabAction::Submit).unwrap();
    assert!(state.pacing.is_none());
}

/// The benchmark's run: one `sandbox auction` spec as its own job kind (`Lab(Bench)`), a new id
/// per run, answered with the CLI's bytes and kept with the engine time.
#[test]
fn a_bench_run_is_one_spec_answered_like_the_cli() {
    let spec = r#"{"format":["gsp","vcg"],"bidding":"truthful","bidders":10,
        "values":{"uniform":{"low":0,"high":1}},"slot_ctrs":[1.0,0.6,0.3],"auctions":2000,"seed":7}"#;
    let state = LabState::default();
    let a = state.reduce(LabAction::Bench(spec.into())).unwrap();
    let b = a.reduce(LabAction::Bench(spec.into())).unwrap();
    let job = b.bench.clone().unwrap();
    assert_eq!(job.part, LabPart::Bench);
    assert!(job.id > a.bench.as_ref().unwrap().id);
    let response = lab_answer(&job);
    let Response::Lab { reports, .. } = &response else {
        panic!()
    };
    assert_eq!(reports[0].as_ref().unwrap(), &run_json(spec).unwrap());
    let answered = b.answer(&response).unwrap();
    assert_eq!(answered.bench_answer.as_ref().unwrap().job.id, job.id);
    assert!(answered.bench_answer.as_ref().unwrap().raw[0].is_ok());
}
