//! The optimizer against brute force on small ad-load problems: an integer knob, a real knob, two
//! knobs; binding and slack constraints, shadow prices, infeasible problems.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::cell::Cell;

use sandbox::core::model::{simulate, AdLoadPolicy, Params, Scenario, Summaries, WindowedMetric};
use sandbox::core::tradeoff::{
    optimize, set_knob, sweep_knob, Constraint, Goal, KnobRange, Objective, Options, Outcome,
    Problem,
};

/// A small marketplace so that a brute-force grid of a few hundred runs takes about a second.
fn small(policy: AdLoadPolicy) -> Params {
    let mut p = Params::default();
    p.sim.days = 10;
    p.sim.seed = 3;
    p.users.count = 250;
    p.advertisers.count = 30;
    p.ad_load.policy = policy;
    p
}

fn run(p: &Params) -> Summaries {
    simulate(&Scenario::new(p.clone()).expect("valid")).summaries
}

fn metric(name: &str) -> WindowedMetric {
    WindowedMetric::parse(name).expect("a metric")
}

fn knob(key: &str, min: f64, max: f64) -> KnobRange {
    KnobRange {
        spec: sweep_knob(key).expect("a knob"),
        min,
        max,
    }
}

fn at(base: &Params, knobs: &[(&str, f64)]) -> Params {
    let mut p = base.clone();
    for &(key, x) in knobs {
        set_knob(&mut p, sweep_knob(key).unwrap(), x);
    }
    p
}

/// Solves sequentially, counting the configurations handed to the evaluator.
fn solve(problem: &Problem) -> (Outcome, usize) {
    let handed = Cell::new(0usize);
    let outcome = optimize(problem, &Options::default(), |batch: &[Params]| {
        handed.set(handed.get() + batch.len());
        batch.iter().map(run).collect()
    })
    .expect("solvable");
    (outcome, handed.get())
}

const REVENUE: &str = "whole_run.revenue_per_day";
const ENGAGEMENT: &str = "whole_run.engagement_per_day";

#[test]
fn one_integer_knob_finds_the_brute_force_optimum() {
    // Revenue per day over the fixed policy's spacing, subject to an engagement floor halfway
    // between what every 4 and every 10 positions give.
    let base = small(AdLoadPolicy::Fixed);
    let runs: Vec<(f64, Summaries)> = (1..=20)
        .map(|e| {
            (
                f64::from(e),
                run(&at(&base, &[("ad_load.every", f64::from(e))])),
            )
        })
        .collect();
    let eng = metric("last_week.engagement_per_day");
    let rev = metric(REVENUE);
    let floor = (eng.value(&runs[3].1) + eng.value(&runs[9].1)) / 2.0;
    let (best_every, best_revenue) = runs
        .iter()
        .filter(|(_, s)| eng.value(s) >= floor)
        .map(|(e, s)| (*e, rev.value(s)))
        .fold(
            (0.0, f64::NEG_INFINITY),
            |acc, x| if x.1 > acc.1 { x } else { acc },
        );
    let problem = Problem {
        base: base.clone(),
        knobs: vec![knob("ad_load.every", 1.0, 20.0)],
        objective: Objective {
            metric: rev,
            goal: Goal::Max,
        },
        constraints: vec![Constraint {
            metric: eng,
            min: Some(floor),
            max: None,
        }],
    };
    let (out, handed) = solve(&problem);
    assert!(out.feasible);
    assert_eq!(out.objective, best_revenue);
    assert_eq!(out.best, vec![best_every]);
    // Every simulation is counted once, and fewer than brute force needs.
    assert_eq!(out.evaluations, handed);
    assert!(out.evaluations < 20, "{} evaluations", out.evaluations);
    assert_eq!(out.gain, best_revenue - rev.value(&run(&base)));
}

/// Brute force over `lambdas` of the exact policy's engagement price.
fn lambda_runs(base: &Params, lambdas: &[f64]) -> Vec<Summaries> {
    lambdas
        .iter()
        .map(|&l| run(&at(base, &[("ad_load.lambda", l)])))
        .collect()
}

fn lambda_problem(base: &Params, floor: f64) -> Problem {
    Problem {
        base: base.clone(),
        knobs: vec![knob("ad_load.lambda", 0.0, 0.3)],
        objective: Objective {
            metric: metric(REVENUE),
            goal: Goal::Max,
        },
        constraints: vec![Constraint {
            metric: metric(ENGAGEMENT),
            min: Some(floor),
            max: None,
        }],
    }
}

#[test]
fn one_real_knob_meets_the_brute_force_optimum_within_a_grid_step_and_prices_the_floor() {
    let base = small(AdLoadPolicy::Exact);
    let lambdas: Vec<f64> = (0..=30).map(|i| f64::from(i) / 100.0).collect();
    let runs = lambda_runs(&base, &lambdas);
    let (rev, eng) = (metric(REVENUE), metric(ENGAGEMENT));
    let floor = (eng.value(&runs[10]) + eng.value(&runs[20])) / 2.0;
    let best = (0..runs.len())
        .filter(|&i| eng.value(&runs[i]) >= floor)
        .max_by(|&a, &b| rev.value(&runs[a]).total_cmp(&rev.value(&runs[b])))
        .unwrap();
    // One grid step's worth of objective around the brute-force optimum.
    let step_worth = [best.saturating_sub(1), (best + 1).min(runs.len() - 1)]
        .iter()
        .map(|&j| (rev.value(&runs[j]) - rev.value(&runs[best])).abs())
        .fold(0.0, f64::max);
    let (out, _) = solve(&lambda_problem(&base, floor));
    assert!(out.feasible);
    assert!(eng.value(&out.summaries) >= floor);
    assert!(
        out.objective >= rev.value(&runs[best]) - step_worth,
        "optimizer {} vs brute force {} (one step = {step_worth})",
        out.objective,
        rev.value(&runs[best])
    );
    assert!(
        (out.best[0] - lambdas[best]).abs() <= 0.01 + 1e-12,
        "{:?}",
        out.best
    );
    // The floor binds, and its price is the frontier's slope near the optimum: revenue lost per
    // unit of engagement demanded, between the brute-force points on either side of the floor.
    assert_eq!(out.binding, vec![0]);
    let lo = (0..runs.len())
        .rev()
        .find(|&i| eng.value(&runs[i]) < floor)
        .unwrap();
    let hi = (0..runs.len())
        .find(|&i| eng.value(&runs[i]) >= floor)
        .unwrap();
    let slope = (rev.value(&runs[lo]) - rev.value(&runs[hi]))
        / (eng.value(&runs[hi]) - eng.value(&runs[lo]));
    let [(0, Some(price))] = out.shadow_prices[..] else {
        panic!("one shadow price expected: {:?}", out.shadow_prices);
    };
    assert!(
        price > 0.0 && price / slope > 0.5 && price / slope < 2.0,
        "shadow price {price} vs frontier slope {slope}"
    );
}

#[test]
fn a_slack_constraint_has_no_shadow_price_and_changes_nothing() {
    let base = small(AdLoadPolicy::Exact);
    let runs = lambda_runs(&base, &[0.1, 0.2]);
    let eng = metric(ENGAGEMENT);
    let floor = (eng.value(&runs[0]) + eng.value(&runs[1])) / 2.0;
    let plain = lambda_problem(&base, floor);
    let mut with_slack = plain.clone();
    // Ads are far below 95% of the feed anywhere in this range.
    with_slack.constraints.push(Constraint {
        metric: metric("whole_run.ad_load"),
        min: None,
        max: Some(0.95),
    });
    let (a, _) = solve(&plain);
    let (b, _) = solve(&with_slack);
    assert_eq!(a.best, b.best);
    assert_eq!(a.objective, b.objective);
    assert!(b.feasible);
    assert_eq!(b.binding, vec![0]);
    assert!(b.shadow_prices.iter().all(|&(i, _)| i == 0));
    assert!(metric("whole_run.ad_load").value(&b.summaries) < 0.95 * 0.99);
}

#[test]
fn an_infeasible_problem_returns_the_least_violating_design() {
    let base = small(AdLoadPolicy::Exact);
    let lambdas: Vec<f64> = (0..=30).map(|i| f64::from(i) / 100.0).collect();
    let runs = lambda_runs(&base, &lambdas);
    let eng = metric(ENGAGEMENT);
    let most = runs
        .iter()
        .map(|s| eng.value(s))
        .fold(f64::NEG_INFINITY, f64::max);
    // Twice the most engagement any λ reaches.
    let (out, _) = solve(&lambda_problem(&base, 2.0 * most));
    assert!(!out.feasible);
    assert_eq!(out.binding, vec![0]);
    assert!(out.shadow_prices.is_empty());
    assert!(
        eng.value(&out.summaries) >= most,
        "least violating: {} vs the grid's best {most}",
        eng.value(&out.summaries)
    );
}

#[test]
fn two_knobs_meet_the_brute_force_optimum_within_a_grid_step() {
    // Reserve price × engagement price: revenue subject to an engagement floor.
    let base = small(AdLoadPolicy::Exact);
    let reserves: Vec<f64> = (0..=10).map(|i| f64::from(i) / 5.0).collect();
    let lambdas: Vec<f64> = (0..=15).map(|i| f64::from(i) / 50.0).collect();
    let (rev, eng) = (metric(REVENUE), metric(ENGAGEMENT));
    let grid: Vec<Vec<Summaries>> = reserves
        .iter()
        .map(|&r| {
            lambdas
                .iter()
                .map(|&l| run(&at(&base, &[("auction.reserve", r), ("ad_load.lambda", l)])))
                .collect()
        })
        .collect();
    let floor = (eng.value(&grid[0][5]) + eng.value(&grid[0][10])) / 2.0;
    let mut best = (0, 0);
    let mut best_rev = f64::NEG_INFINITY;
    for (i, row) in grid.iter().enumerate() {
        for (j, s) in row.iter().enumerate() {
            if eng.value(s) >= floor && rev.value(s) > best_rev {
                best = (i, j);
                best_rev = rev.value(s);
            }
        }
    }
    // The most objective one grid step away from the brute-force optimum changes.
    let (bi, bj) = best;
    let mut step_worth: f64 = 0.0;
    for (di, dj) in [(-1i32, 0i32), (1, 0), (0, -1), (0, 1)] {
        let (i, j) = (bi as i32 + di, bj as i32 + dj);
        if i >= 0 && j >= 0 && (i as usize) < reserves.len() && (j as usize) < lambdas.len() {
            step_worth =
                step_worth.max((rev.value(&grid[i as usize][j as usize]) - best_rev).abs());
        }
    }
    let problem = Problem {
        base: base.clone(),
        knobs: vec![
            knob("auction.reserve", 0.0, 2.0),
            knob("ad_load.lambda", 0.0, 0.3),
        ],
        objective: Objective {
            metric: rev,
            goal: Goal::Max,
        },
        constraints: vec![Constraint {
            metric: eng,
            min: Some(floor),
            max: None,
        }],
    };
    let (out, handed) = solve(&problem);
    assert!(out.feasible);
    assert!(eng.value(&out.summaries) >= floor);
    assert!(
        out.objective >= best_rev - step_worth,
        "optimizer {} at {:?} vs brute force {best_rev} at ({}, {}) (one step = {step_worth})",
        out.objective,
        out.best,
        reserves[bi],
        lambdas[bj]
    );
    assert_eq!(out.evaluations, handed);
    assert!(out.evaluations < reserves.len() * lambdas.len());
}

#[test]
fn minimising_finds_the_least_ad_load_that_keeps_revenue() {
    // The dual problem: the fewest ads (share of the feed) that keep revenue above a level.
    let base = small(AdLoadPolicy::Exact);
    let lambdas: Vec<f64> = (0..=30).map(|i| f64::from(i) / 100.0).collect();
    let runs = lambda_runs(&base, &lambdas);
    let (rev, load) = (metric(REVENUE), metric("whole_run.ad_load"));
    let level = (rev.value(&runs[5]) + rev.value(&runs[15])) / 2.0;
    let brute = runs
        .iter()
        .filter(|s| rev.value(s) >= level)
        .map(|s| load.value(s))
        .fold(f64::INFINITY, f64::min);
    let problem = Problem {
        base: base.clone(),
        knobs: vec![knob("ad_load.lambda", 0.0, 0.3)],
        objective: Objective {
            metric: load,
            goal: Goal::Min,
        },
        constraints: vec![Constraint {
            metric: rev,
            min: Some(level),
            max: None,
        }],
    };
    let (out, _) = solve(&problem);
    assert!(out.feasible);
    assert!(out.objective <= brute, "{} vs {brute}", out.objective);
    assert!(rev.value(&out.summaries) >= level);
    let base_load = load.value(&run(&base));
    assert_eq!(out.gain, base_load - out.objective);
}
