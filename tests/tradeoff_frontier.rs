//! Pareto frontiers against brute force, and the sweep grid's construction rules.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use proptest::prelude::*;

use sandbox::core::model::Params;
use sandbox::core::tradeoff::{pareto_frontier, Axis, AxisError, AxisValues, Goal, Grid};

/// The definition, checked pair by pair: `i` is on the frontier iff no point is at least as good
/// on both coordinates and strictly better on one, and no point with the very same coordinates
/// has a lower index. Sorted by x.
fn brute_force(points: &[(f64, f64)], gx: Goal, gy: Goal) -> Vec<usize> {
    let better_eq = |a: f64, b: f64, g: Goal| match g {
        Goal::Max => a >= b,
        Goal::Min => a <= b,
    };
    let mut out: Vec<usize> = (0..points.len())
        .filter(|&i| {
            let (xi, yi) = points[i];
            if !xi.is_finite() || !yi.is_finite() {
                return false;
            }
            !points.iter().enumerate().any(|(j, &(xj, yj))| {
                if j == i || !xj.is_finite() || !yj.is_finite() {
                    return false;
                }
                let weakly = better_eq(xj, xi, gx) && better_eq(yj, yi, gy);
                let same = xj == xi && yj == yi;
                (weakly && !same) || (same && j < i)
            })
        })
        .collect();
    out.sort_by(|&a, &b| points[a].0.total_cmp(&points[b].0));
    out
}

fn goal() -> impl Strategy<Value = Goal> {
    prop_oneof![Just(Goal::Max), Just(Goal::Min)]
}

/// Coordinates from a few values, so that ties in x, in y and whole duplicates are common; now
/// and then a NaN or an infinity.
fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        12 => (0i32..6).prop_map(f64::from),
        4 => -10.0f64..10.0,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_frontier_is_the_brute_force_one(
        points in prop::collection::vec((coordinate(), coordinate()), 0..40),
        gx in goal(),
        gy in goal(),
    ) {
        let fast = pareto_frontier(&points, gx, gy);
        prop_assert_eq!(&fast, &brute_force(&points, gx, gy));
        // Adjacent frontier points differ in both coordinates, in opposite senses.
        for w in fast.windows(2) {
            let (a, b) = (points[w[0]], points[w[1]]);
            prop_assert!(a.0 < b.0);
            // Moving right along x is better iff x is maximised; then y must get worse.
            let right_is_better = gx == Goal::Max;
            let y_rises = b.1 > a.1;
            let y_rising_is_better = gy == Goal::Max;
            prop_assert!(a.1 != b.1);
            prop_assert_eq!(y_rises, right_is_better != y_rising_is_better, "{:?} {:?}", a, b);
        }
    }
}

#[test]
fn ties_and_a_lower_is_better_metric() {
    // (revenue, fatigue): more revenue is better, less fatigue is better.
    let points = [
        (10.0, 3.0), // 0: dominated by 3 (same revenue, less fatigue)
        (12.0, 5.0), // 1: on the frontier
        (8.0, 1.0),  // 2: on the frontier
        (10.0, 2.0), // 3: on the frontier
        (10.0, 2.0), // 4: a duplicate of 3: listed once, by the lower index
        (7.0, 1.0),  // 5: dominated by 2
    ];
    assert_eq!(
        pareto_frontier(&points, Goal::Max, Goal::Min),
        vec![2, 3, 1]
    );
    assert_eq!(brute_force(&points, Goal::Max, Goal::Min), vec![2, 3, 1]);
}

#[test]
fn grids_include_both_ends_and_the_first_knob_varies_fastest() {
    let reserve = Axis::new(
        "auction.reserve",
        &AxisValues::Range {
            from: 0.0,
            to: 0.3,
            points: 4,
        },
    )
    .unwrap();
    assert_eq!(reserve.values.first(), Some(&0.0));
    assert_eq!(reserve.values.last(), Some(&0.3));
    let steps: Vec<f64> = reserve.values.windows(2).map(|w| w[1] - w[0]).collect();
    for s in &steps {
        assert!((s - 0.1).abs() < 1e-12, "{steps:?}");
    }
    // Whole-number knobs snap, and a range keeps each whole number once.
    let every = Axis::new(
        "ad_load.every",
        &AxisValues::Range {
            from: 2.0,
            to: 4.0,
            points: 7,
        },
    )
    .unwrap();
    assert_eq!(every.values, vec![2.0, 3.0, 4.0]);
    let grid = Grid::new(every, Some(reserve)).unwrap();
    assert_eq!(grid.len(), 12);
    let order: Vec<(f64, Option<f64>)> = (0..4).map(|i| grid.point(i)).collect();
    assert_eq!(
        order,
        vec![
            (2.0, Some(0.0)),
            (3.0, Some(0.0)),
            (4.0, Some(0.0)),
            (2.0, reserve_at(&grid, 1))
        ]
    );
    let p = grid.params(&Params::default(), 4);
    assert_eq!(p.ad_load.every, 3);
    assert_eq!(Some(p.auction.reserve), reserve_at(&grid, 1));
}

fn reserve_at(grid: &Grid, i: usize) -> Option<f64> {
    grid.second.as_ref().map(|a| a.values[i])
}

#[test]
fn bad_axes_are_rejected() {
    let list = |v: Vec<f64>| AxisValues::List(v);
    let range = |from, to, points| AxisValues::Range { from, to, points };
    assert!(matches!(
        Axis::new("ad_load.policy", &list(vec![1.0])),
        Err(AxisError::NotNumeric { .. })
    ));
    assert!(matches!(
        Axis::new("users.fatigue", &list(vec![1.0])),
        Err(AxisError::NotNumeric { .. })
    ));
    assert!(matches!(
        Axis::new("sim.seed", &list(vec![1.0])),
        Err(AxisError::NotSweepable { .. })
    ));
    assert!(matches!(
        Axis::new("auction.reservе", &list(vec![1.0])),
        Err(AxisError::UnknownKnob { .. })
    ));
    assert!(matches!(
        Axis::new("auction.reserve", &list(vec![])),
        Err(AxisError::Empty)
    ));
    assert!(matches!(
        Axis::new("auction.reserve", &range(0.0, 1.0, 0)),
        Err(AxisError::Empty)
    ));
    assert!(matches!(
        Axis::new("auction.reserve", &range(1.0, 0.0, 3)),
        Err(AxisError::Reversed { .. })
    ));
    assert!(matches!(
        Axis::new("auction.reserve", &range(1.0, 1.0, 3)),
        Err(AxisError::Degenerate { .. })
    ));
    assert!(matches!(
        Axis::new("auction.reserve", &list(vec![0.5, 11.0])),
        Err(AxisError::OutOfRange { index: Some(1), .. })
    ));
    assert!(matches!(
        Axis::new("auction.reserve", &range(0.0, 1.0, 10_001)),
        Err(AxisError::TooMany { .. })
    ));
    let a = Axis::new("auction.reserve", &range(0.0, 1.0, 101)).unwrap();
    let b = Axis::new("ad_load.lambda", &range(0.0, 1.0, 100)).unwrap();
    assert!(matches!(
        Grid::new(a, Some(b)),
        Err(AxisError::TooMany { points: 10_100 })
    ));
    // The bid-shading key is a choice and a number; the number sweeps.
    let shading = Axis::new("auction.bid_shading", &list(vec![0.1])).unwrap();
    let mut p = Params::default();
    sandbox::core::tradeoff::set_knob(&mut p, shading.spec, 0.1);
    assert_eq!(p.auction.bid_shading, Some(0.1));
}
