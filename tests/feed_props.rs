//! Property tests of feed blending: guardrails hold for every method, the hot path agrees with
//! `blend` and reuses its buffers, reported sums are the layout's, the optima dominate.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use proptest::prelude::*;
use sandbox::core::feed::{
    blend, blend_into, default_position_weights, evaluate, validate, AdItem, BlendRequest,
    FeedError, FeedScratch, Guardrails, Layout, Method,
};

#[derive(Debug, Clone)]
struct Instance {
    organic: Vec<f64>,
    ads: Vec<AdItem>,
    length: usize,
    weights: Vec<f64>,
    guard: Guardrails,
}

impl Instance {
    fn request(&self, method: Method) -> BlendRequest<'_> {
        BlendRequest {
            organic: &self.organic,
            ads: &self.ads,
            length: self.length,
            position_weights: &self.weights,
            guardrails: self.guard,
            method,
        }
    }
}

fn instance() -> impl Strategy<Value = Instance> {
    (1usize..=30)
        .prop_flat_map(|length| {
            (
                Just(length),
                prop::collection::vec(0.0f64..2.0, 0..=length + 3),
                prop::collection::vec((0.0f64..2.0, 0.0f64..1.0), 0..=8),
                prop::option::of(prop::collection::vec(0.0f64..1.0, length..=length + 2)),
                1usize..=6,
                1usize..=6,
                0usize..=10,
            )
        })
        .prop_map(
            |(length, organic, ads, weights, top_slot, min_gap, max_ads)| Instance {
                organic,
                ads: ads
                    .into_iter()
                    .map(|(revenue, engagement)| AdItem {
                        revenue,
                        engagement,
                    })
                    .collect(),
                length,
                weights: weights.unwrap_or_else(|| default_position_weights(length)),
                guard: Guardrails {
                    top_slot,
                    min_gap,
                    max_ads,
                },
            },
        )
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        (1usize..=8, 1usize..=8).prop_map(|(first, every)| Method::Fixed { first, every }),
        (0.0f64..4.0).prop_map(|lambda| Method::Threshold { lambda }),
        (0.0f64..4.0).prop_map(|lambda| Method::Exact { lambda }),
        (0.0f64..1.3).prop_map(|floor| Method::ExactFloor { floor }),
    ]
}

fn check_guardrails(inst: &Instance, positions: &[usize]) -> Result<(), TestCaseError> {
    prop_assert!(positions.len() <= inst.guard.max_ads.min(inst.ads.len()));
    for &p in positions {
        prop_assert!(p >= inst.guard.top_slot && p >= 1 && p <= inst.length);
    }
    for w in positions.windows(2) {
        prop_assert!(w[1] >= w[0] + inst.guard.min_gap, "gap {:?}", positions);
    }
    Ok(())
}

fn run(inst: &Instance, method: &Method) -> Result<Layout, FeedError> {
    blend(&inst.request(*method))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_method_respects_the_guardrails(inst in instance(), m in method()) {
        prop_assert_eq!(validate(&inst.request(m)), Ok(()));
        match run(&inst, &m) {
            Ok(l) => {
                check_guardrails(&inst, &l.ad_positions)?;
                let (r, e) = evaluate(&inst.organic, &inst.ads, inst.length, &inst.weights, &l.ad_positions);
                prop_assert_eq!((r, e), (l.revenue, l.engagement));
                if let Method::ExactFloor { floor } = m {
                    let (_, e0) = evaluate(&inst.organic, &inst.ads, inst.length, &inst.weights, &[]);
                    // Bit-exact: the solver's sums are the evaluator's.
                    prop_assert!(l.engagement >= floor * e0);
                }
            }
            Err(FeedError::InfeasibleFloor { floor, .. }) => prop_assert!(floor > 1.0),
            Err(e) => prop_assert!(false, "unexpected error {}", e),
        }
    }

    #[test]
    fn blend_into_agrees_with_blend_and_reuses_buffers(
        insts in prop::collection::vec((instance(), method()), 1..6)
    ) {
        // One scratch across requests of different shapes, as the day-by-day model uses it.
        let mut scratch = FeedScratch::new();
        let mut positions = vec![99, 98];
        for (inst, m) in &insts {
            let (r, e) = blend_into(&inst.request(*m), &mut scratch, &mut positions);
            match run(inst, m) {
                Ok(l) => {
                    prop_assert_eq!(&l.ad_positions, &positions);
                    prop_assert_eq!((l.revenue, l.engagement), (r, e));
                }
                Err(FeedError::InfeasibleFloor { .. }) => check_guardrails(inst, &positions)?,
                Err(e) => prop_assert!(false, "unexpected error {}", e),
            }
        }
    }

    #[test]
    fn exact_dominates_and_floor_beats_every_feasible_alternative(
        inst in instance(), lambda in 0.0f64..3.0, floor in 0.0f64..1.0,
        first in 1usize..5, every in 1usize..5,
    ) {
        let exact = run(&inst, &Method::Exact { lambda }).unwrap();
        let obj = |l: &Layout| l.revenue + lambda * l.engagement;
        let constrained = run(&inst, &Method::ExactFloor { floor }).unwrap();
        let (_, e0) = evaluate(&inst.organic, &inst.ads, inst.length, &inst.weights, &[]);
        for m in [Method::Threshold { lambda }, Method::Fixed { first, every }, Method::ExactFloor { floor }] {
            let other = run(&inst, &m).unwrap();
            prop_assert!(obj(&exact) >= obj(&other) - 1e-9);
            if other.engagement >= floor * e0 {
                prop_assert!(constrained.revenue >= other.revenue - 1e-9);
            }
        }
        if exact.engagement >= floor * e0 {
            prop_assert!(constrained.revenue >= exact.revenue - 1e-9);
        }
    }
}

#[test]
fn validation_names_the_field_and_range() {
    let ads = [AdItem {
        revenue: 1.0,
        engagement: 0.0,
    }];
    let w = default_position_weights(5);
    let g = Guardrails::default();
    let ex = Method::Exact { lambda: 1.0 };
    let msg = |r: Result<Layout, FeedError>| r.unwrap_err().to_string();
    let base = BlendRequest {
        organic: &[1.0],
        ads: &ads,
        length: 5,
        position_weights: &w,
        guardrails: g,
        method: ex,
    };
    assert!(msg(blend(&BlendRequest { length: 0, ..base })).contains("length must be at least 1"));
    assert!(
        msg(blend(&BlendRequest { length: 6, ..base })).contains("position_weights has 5 entries")
    );
    let top0 = Guardrails { top_slot: 0, ..g };
    assert!(msg(blend(&BlendRequest {
        guardrails: top0,
        ..base
    }))
    .contains("top_slot must be at least 1"));
    let gap0 = Guardrails { min_gap: 0, ..g };
    assert!(msg(blend(&BlendRequest {
        guardrails: gap0,
        ..base
    }))
    .contains("min_gap must be at least 1"));
    assert_eq!(
        msg(blend(&BlendRequest {
            organic: &[1.0, f64::NAN],
            ..base
        })),
        "organic[1] must be a number in the allowed range 0–1e12 (got NaN)"
    );
    let bad_ad = [AdItem {
        revenue: -1.0,
        engagement: 0.0,
    }];
    assert!(msg(blend(&BlendRequest {
        ads: &bad_ad,
        ..base
    }))
    .starts_with("ads[0].revenue must be"));
    let bad_w = [1.0, 1.0, f64::INFINITY];
    assert!(msg(blend(&BlendRequest {
        length: 3,
        position_weights: &bad_w,
        ..base
    }))
    .starts_with("position_weights[2]"));
    assert!(msg(blend(&BlendRequest {
        method: Method::Exact { lambda: -0.5 },
        ..base
    }))
    .starts_with("lambda must be a number in the allowed range 0–1e12"));
    assert!(msg(blend(&BlendRequest {
        method: Method::ExactFloor { floor: -0.1 },
        ..base
    }))
    .starts_with("engagement_floor must be"));
    assert!(msg(blend(&BlendRequest {
        method: Method::Fixed { first: 0, every: 1 },
        ..base
    }))
    .starts_with("first must be at least 1"));
    assert!(msg(blend(&BlendRequest {
        method: Method::Fixed { first: 1, every: 0 },
        ..base
    }))
    .starts_with("every must be at least 1"));
    // An ad as engaging as nothing cannot lift E above the no-ads feed.
    let e = blend(&BlendRequest {
        organic: &[1.0, 1.0],
        length: 2,
        method: Method::ExactFloor { floor: 1.5 },
        ..base
    })
    .unwrap_err();
    assert!(matches!(e, FeedError::InfeasibleFloor { .. }));
    assert!(e.to_string().contains("engagement_floor 1.5 is infeasible"));
}

#[test]
fn empty_lists_and_short_organic_lists() {
    let w = vec![1.0; 4];
    let g = Guardrails::default();
    let feed = |organic: &[f64], ads: &[AdItem], method: Method| {
        blend(&BlendRequest {
            organic,
            ads,
            length: 4,
            position_weights: &w,
            guardrails: g,
            method,
        })
    };
    // No organic at all: non-ad positions are empty.
    let ads = [AdItem {
        revenue: 1.0,
        engagement: 0.5,
    }];
    let l = feed(&[], &ads, Method::Exact { lambda: 1.0 }).unwrap();
    assert_eq!(l.ad_positions, vec![1]);
    assert_eq!((l.revenue, l.engagement), (1.0, 0.5));
    // No ads: the all-organic feed.
    let l = feed(&[3.0, 2.0], &[], Method::Threshold { lambda: 0.0 }).unwrap();
    assert!(l.ad_positions.is_empty());
    assert_eq!(l.engagement, 5.0);
    // Floor 1 with no ad engagement and enough organics: no ad may displace anything.
    let zero = [AdItem {
        revenue: 1.0,
        engagement: 0.0,
    }; 3];
    let l = feed(&[1.0; 10], &zero, Method::ExactFloor { floor: 1.0 }).unwrap();
    assert!(l.ad_positions.is_empty());
    // …but with only two organics, ads fill the empty tail for free.
    let l = feed(&[1.0, 1.0], &zero, Method::ExactFloor { floor: 1.0 }).unwrap();
    assert_eq!(l.ad_positions.len(), 2);
    assert_eq!((l.revenue, l.engagement), (2.0, 2.0));
}

/// In release builds the hot path clamps invalid input instead of panicking.
#[cfg(not(debug_assertions))]
mod release_only {
    use super::*;

    proptest! {
        #[test]
        fn blend_into_never_panics(
            organic in prop::collection::vec(prop::num::f64::ANY, 0..8),
            ads in prop::collection::vec((prop::num::f64::ANY, prop::num::f64::ANY), 0..5),
            length in 0usize..12,
            weights in prop::collection::vec(prop::num::f64::ANY, 0..12),
            top_slot in 0usize..20, min_gap in 0usize..20, max_ads in prop::num::usize::ANY,
            x in prop::num::f64::ANY, first in prop::num::usize::ANY, every in prop::num::usize::ANY,
        ) {
            let ads: Vec<AdItem> = ads.into_iter().map(|(revenue, engagement)| AdItem { revenue, engagement }).collect();
            let guard = Guardrails { top_slot, min_gap, max_ads };
            let mut scratch = FeedScratch::new();
            let mut out = Vec::new();
            for m in [Method::Fixed { first, every }, Method::Threshold { lambda: x },
                      Method::Exact { lambda: x }, Method::ExactFloor { floor: x }] {
                let request = BlendRequest { organic: &organic, ads: &ads, length,
                    position_weights: &weights, guardrails: guard, method: m };
                blend_into(&request, &mut scratch, &mut out);
                prop_assert!(out.iter().all(|&p| p >= 1 && p <= length.min(weights.len())));
            }
        }
    }
}
