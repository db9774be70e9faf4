//! Feed blending against brute force: every layout of small feeds is enumerated and scored by an
//! independent evaluator; the exact solvers must reach the brute-force optima.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::feed::{
    blend, blend_into, default_position_weights, evaluate, AdItem, BlendRequest, FeedError,
    FeedScratch, Guardrails, Layout, Method,
};

const TOL: f64 = 1e-9;

/// SplitMix64: a tiny deterministic generator for the test instances.
struct Gen(u64);

impl Gen {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: usize, hi_inclusive: usize) -> usize {
        lo + (self.next_u64() % (hi_inclusive - lo + 1) as u64) as usize
    }
}

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

fn random_instance(g: &mut Gen, max_len: usize) -> Instance {
    let length = g.range(1, max_len);
    let n_org = g.range(0, length + 2);
    let n_ads = g.range(0, 6);
    let mut organic: Vec<f64> = (0..n_org).map(|_| g.uniform()).collect();
    if g.uniform() < 0.5 {
        organic.sort_by(|a, b| b.total_cmp(a));
    }
    let ads: Vec<AdItem> = (0..n_ads)
        .map(|_| AdItem {
            revenue: 1.5 * g.uniform(),
            engagement: 0.5 * g.uniform(),
        })
        .collect();
    let weights = if g.uniform() < 0.5 {
        default_position_weights(length)
    } else {
        (0..length).map(|_| g.uniform()).collect()
    };
    let guard = Guardrails {
        top_slot: g.range(1, 4),
        min_gap: g.range(1, 4),
        max_ads: g.range(0, 5),
    };
    Instance {
        organic,
        ads,
        length,
        weights,
        guard,
    }
}

/// Independent evaluator: builds the feed item by item.
fn naive_eval(inst: &Instance, positions: &[usize]) -> (f64, f64) {
    let mut org = inst.organic.iter();
    let mut ads = inst.ads.iter();
    let (mut r, mut e) = (0.0, 0.0);
    for p in 1..=inst.length {
        let w = inst.weights[p - 1];
        if positions.contains(&p) {
            let ad = ads.next().expect("layout uses more ads than given");
            r += w * ad.revenue;
            e += w * ad.engagement;
        } else if let Some(u) = org.next() {
            e += w * u;
        }
    }
    (r, e)
}

fn satisfies_guardrails(inst: &Instance, positions: &[usize]) -> bool {
    positions.len() <= inst.guard.max_ads.min(inst.ads.len())
        && positions
            .iter()
            .all(|&p| p >= inst.guard.top_slot && p <= inst.length)
        && positions
            .windows(2)
            .all(|w| w[1] >= w[0] + inst.guard.min_gap)
}

/// Every layout satisfying the guardrails, with its (R, E).
fn all_layouts(inst: &Instance) -> Vec<(Vec<usize>, f64, f64)> {
    let mut out = Vec::new();
    for mask in 0u32..(1 << inst.length) {
        let positions: Vec<usize> = (1..=inst.length)
            .filter(|p| mask & (1 << (p - 1)) != 0)
            .collect();
        if satisfies_guardrails(inst, &positions) {
            let (r, e) = naive_eval(inst, &positions);
            out.push((positions, r, e));
        }
    }
    out
}

fn run(inst: &Instance, method: Method) -> Result<Layout, FeedError> {
    blend(&inst.request(method))
}

#[test]
fn evaluate_matches_the_naive_evaluator() {
    let mut g = Gen(1);
    for _ in 0..300 {
        let inst = random_instance(&mut g, 12);
        for (positions, r, e) in all_layouts(&inst).into_iter().take(50) {
            let (r2, e2) = evaluate(
                &inst.organic,
                &inst.ads,
                inst.length,
                &inst.weights,
                &positions,
            );
            assert!((r - r2).abs() < TOL && (e - e2).abs() < TOL);
        }
    }
}

#[test]
fn exact_equals_the_brute_force_lagrangian_optimum() {
    let mut g = Gen(2);
    for case in 0..400 {
        let inst = random_instance(&mut g, 12);
        let lambda = [0.0, 0.3, 1.0, 2.5][case % 4] * g.uniform() * 2.0;
        let layouts = all_layouts(&inst);
        let best = layouts
            .iter()
            .map(|(_, r, e)| r + lambda * e)
            .fold(f64::NEG_INFINITY, f64::max);
        let got = run(&inst, Method::Exact { lambda }).unwrap();
        assert!(
            satisfies_guardrails(&inst, &got.ad_positions),
            "{inst:?} {got:?}"
        );
        let (r, e) = naive_eval(&inst, &got.ad_positions);
        assert!((r - got.revenue).abs() < TOL && (e - got.engagement).abs() < TOL);
        assert!(
            (r + lambda * e - best).abs() < TOL,
            "case {case}: exact {} vs brute force {best}\n{inst:?}\n{got:?}",
            r + lambda * e
        );
        // Ties go to fewer ads: no optimal layout has fewer ads than the one returned.
        let fewest = layouts
            .iter()
            .filter(|(_, r, e)| r + lambda * e >= best - 1e-12)
            .map(|(p, ..)| p.len())
            .min()
            .unwrap();
        assert!(got.ad_positions.len() <= fewest, "{inst:?} {got:?}");
    }
}

#[test]
fn exact_floor_equals_the_brute_force_constrained_optimum() {
    let mut g = Gen(3);
    let mut infeasible_seen = 0;
    for case in 0..400 {
        let inst = random_instance(&mut g, 12);
        let floor = match case % 5 {
            0 => 1.0,
            1 => 0.0,
            _ => 1.2 * g.uniform(),
        };
        let layouts = all_layouts(&inst);
        let (_, e0) = naive_eval(&inst, &[]);
        let target = floor * e0;
        let best_r = layouts
            .iter()
            .filter(|(_, _, e)| *e >= target)
            .map(|(_, r, _)| *r)
            .fold(f64::NEG_INFINITY, f64::max);
        let max_e = layouts
            .iter()
            .map(|(_, _, e)| *e)
            .fold(f64::NEG_INFINITY, f64::max);
        match run(&inst, Method::ExactFloor { floor }) {
            Ok(got) => {
                assert!(satisfies_guardrails(&inst, &got.ad_positions));
                let (_, lib_e0) =
                    evaluate(&inst.organic, &inst.ads, inst.length, &inst.weights, &[]);
                assert!(got.engagement >= floor * lib_e0, "{got:?}");
                assert!(
                    (got.revenue - best_r).abs() < TOL,
                    "case {case}: floor {floor}: exact {} vs brute force {best_r}\n{inst:?}\n{got:?}",
                    got.revenue
                );
            }
            Err(FeedError::InfeasibleFloor {
                floor: f,
                best_ratio,
            }) => {
                infeasible_seen += 1;
                assert!(floor > 1.0 && f == floor);
                assert!(max_e < target + TOL, "brute force found a feasible layout");
                assert!((best_ratio * e0 - max_e).abs() < 1e-6);
                // The hot path falls back to the most engaging layout.
                let mut positions = Vec::new();
                let (_, e) = blend_into(
                    &inst.request(Method::ExactFloor { floor }),
                    &mut FeedScratch::new(),
                    &mut positions,
                );
                assert!((e - max_e).abs() < TOL);
            }
            Err(other) => panic!("unexpected error {other}"),
        }
    }
    assert!(infeasible_seen > 0, "no infeasible floor was exercised");
}

#[test]
fn threshold_matches_a_hand_computed_example() {
    // Unit weights; organic utilities 0.9, 0.8, 0.5, 0.4, 0.2; ads (r, u) = (0.6, 0.1), (0.4, 0.2).
    // top_slot 2, min_gap 2. λ = 1:
    //   p1: before top_slot → organic 0.9
    //   p2: 0.6 + 0.1 = 0.7 < 0.8 → organic 0.8
    //   p3: 0.7 ≥ 0.5 → ad #1
    //   p4: gap 1 < 2 → organic 0.5
    //   p5: 0.4 + 0.2 = 0.6 ≥ 0.4 → ad #2
    let inst = Instance {
        organic: vec![0.9, 0.8, 0.5, 0.4, 0.2],
        ads: vec![
            AdItem {
                revenue: 0.6,
                engagement: 0.1,
            },
            AdItem {
                revenue: 0.4,
                engagement: 0.2,
            },
        ],
        length: 5,
        weights: vec![1.0; 5],
        guard: Guardrails {
            top_slot: 2,
            min_gap: 2,
            max_ads: 3,
        },
    };
    let got = run(&inst, Method::Threshold { lambda: 1.0 }).unwrap();
    assert_eq!(got.ad_positions, vec![3, 5]);
    assert!((got.revenue - 1.0).abs() < 1e-12);
    assert!((got.engagement - (0.9 + 0.8 + 0.1 + 0.5 + 0.2)).abs() < 1e-12);
    // λ = 2: p2: 0.8 < 1.6; p3: 0.8 < 1.0; p4: 0.8 ≥ 0.8 (ties place the ad); p5: gap.
    let got = run(&inst, Method::Threshold { lambda: 2.0 }).unwrap();
    assert_eq!(got.ad_positions, vec![4]);
    // Default weights: the decision does not depend on the weights.
    let weighted = Instance {
        weights: default_position_weights(5),
        ..inst.clone()
    };
    let got = run(&weighted, Method::Threshold { lambda: 1.0 }).unwrap();
    assert_eq!(got.ad_positions, vec![3, 5]);
    let w = |p: f64| 1.0 / (p + 1.0).log2();
    assert!((got.revenue - (0.6 * w(3.0) + 0.4 * w(5.0))).abs() < 1e-12);
    // λ = 0: every allowed slot takes an ad.
    let got = run(&inst, Method::Threshold { lambda: 0.0 }).unwrap();
    assert_eq!(got.ad_positions, vec![2, 4]);
}

#[test]
fn fixed_slots_move_later_only_when_a_guardrail_requires() {
    let inst = Instance {
        organic: vec![1.0; 10],
        ads: vec![
            AdItem {
                revenue: 1.0,
                engagement: 0.0,
            };
            5
        ],
        length: 10,
        weights: vec![1.0; 10],
        guard: Guardrails {
            top_slot: 3,
            min_gap: 3,
            max_ads: 4,
        },
    };
    // Targets 1, 3, 5, 7, 9 → 3 (top slot), 6 (gap), 9 (gap), 12 > L stop.
    let got = run(&inst, Method::Fixed { first: 1, every: 2 }).unwrap();
    assert_eq!(got.ad_positions, vec![3, 6, 9]);
    // Targets 4, 8 with room: unchanged; max_ads 4 is not binding.
    let got = run(&inst, Method::Fixed { first: 4, every: 4 }).unwrap();
    assert_eq!(got.ad_positions, vec![4, 8]);
    // max_ads binds.
    let tight = Instance {
        guard: Guardrails {
            top_slot: 1,
            min_gap: 1,
            max_ads: 2,
        },
        ..inst.clone()
    };
    let got = run(&tight, Method::Fixed { first: 1, every: 1 }).unwrap();
    assert_eq!(got.ad_positions, vec![1, 2]);
}

fn objective(l: &Layout, lambda: f64) -> f64 {
    l.revenue + lambda * l.engagement
}

#[test]
fn greedy_threshold_is_strictly_worse_than_exact_because_of_the_shift() {
    // (a) Organic ranked by relevance, not by utility: the greedy rule compares the ad with the
    // next organic (0.1) and places it, pushing the valuable second organic (5.0) off the feed.
    let a = Instance {
        organic: vec![0.1, 5.0],
        ads: vec![AdItem {
            revenue: 0.5,
            engagement: 0.0,
        }],
        length: 2,
        weights: vec![1.0, 1.0],
        guard: Guardrails::default(),
    };
    let greedy = run(&a, Method::Threshold { lambda: 1.0 }).unwrap();
    let exact = run(&a, Method::Exact { lambda: 1.0 }).unwrap();
    assert_eq!(greedy.ad_positions, vec![1]);
    assert!(exact.ad_positions.is_empty());
    assert!((objective(&greedy, 1.0) - 0.6).abs() < 1e-12);
    assert!((objective(&exact, 1.0) - 5.1).abs() < 1e-12);

    // (b) Sorted organics 1, 1, 0, 0 with unit weights, two ads (0.5, 0), min_gap 2. An ad at
    // position 1 really costs only the 0-utility organic that falls off the end, but greedy
    // compares it with organic #1 (1.0) and waits until position 3; the gap then blocks the
    // second ad. Greedy: 1 + 1 + 0.5 + 0 = 2.5; exact: ads at 1 and 3, 0.5 + 1 + 0.5 + 1 = 3.
    let b = Instance {
        organic: vec![1.0, 1.0, 0.0, 0.0],
        ads: vec![
            AdItem {
                revenue: 0.5,
                engagement: 0.0,
            };
            2
        ],
        length: 4,
        weights: vec![1.0; 4],
        guard: Guardrails {
            top_slot: 1,
            min_gap: 2,
            max_ads: 2,
        },
    };
    let greedy = run(&b, Method::Threshold { lambda: 1.0 }).unwrap();
    let exact = run(&b, Method::Exact { lambda: 1.0 }).unwrap();
    assert_eq!(greedy.ad_positions, vec![3]);
    // Three optimal layouts ({1,3}, {1,4}, {2,4}) tie; the earliest wins.
    assert_eq!(exact.ad_positions, vec![1, 3]);
    assert!((objective(&greedy, 1.0) - 2.5).abs() < 1e-12);
    assert!((objective(&exact, 1.0) - 3.0).abs() < 1e-12);
}

#[test]
fn exact_never_loses_to_threshold_or_fixed() {
    let mut g = Gen(4);
    let mut strictly_better = 0;
    for _ in 0..300 {
        let inst = random_instance(&mut g, 12);
        let lambda = 2.0 * g.uniform();
        let exact = objective(&run(&inst, Method::Exact { lambda }).unwrap(), lambda);
        let greedy = objective(&run(&inst, Method::Threshold { lambda }).unwrap(), lambda);
        let fixed = run(
            &inst,
            Method::Fixed {
                first: g.range(1, 4),
                every: g.range(1, 4),
            },
        )
        .unwrap();
        assert!(exact >= greedy - TOL && exact >= objective(&fixed, lambda) - TOL);
        if exact > greedy + 1e-6 {
            strictly_better += 1;
        }
    }
    assert!(strictly_better > 0);
}

/// The λ ≥ 0 for which `(r*, e*)` maximises `R + λE` over `points`, as an interval `[lo, hi]`
/// (empty when `lo > hi`): `(e* − e)·λ ≥ r − r*` for every point.
fn lagrangian_interval(points: &[(f64, f64)], r_star: f64, e_star: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, f64::INFINITY);
    for &(r, e) in points {
        if e < e_star {
            lo = lo.max((r - r_star) / (e_star - e));
        } else if e > e_star {
            hi = hi.min((r_star - r) / (e - e_star));
        } else if r > r_star {
            hi = f64::NEG_INFINITY;
        }
    }
    (lo, hi)
}

/// Checks that the constrained optimum of `inst` at `floor` is not the Lagrangian optimum for
/// any λ, and that a sweep of `Exact` never finds it. Returns false if it is reachable.
fn floor_optimum_unreachable_by_lambda(inst: &Instance, floor: f64) -> bool {
    let Ok(constrained) = run(inst, Method::ExactFloor { floor }) else {
        return false;
    };
    let points: Vec<(f64, f64)> = all_layouts(inst).iter().map(|(_, r, e)| (*r, *e)).collect();
    let (lo, hi) = lagrangian_interval(&points, constrained.revenue, constrained.engagement);
    if lo <= hi + 1e-9 {
        return false;
    }
    // Consistency: no λ on a fine grid gives a layout as good under the floor.
    let (_, e0) = naive_eval(inst, &[]);
    for i in 0..=400 {
        let lambda = 0.025 * i as f64;
        let l = run(inst, Method::Exact { lambda }).unwrap();
        assert!(
            !(l.engagement >= floor * e0 && l.revenue >= constrained.revenue - 1e-9),
            "λ = {lambda} reached the constrained optimum"
        );
    }
    true
}

#[test]
fn a_floor_optimum_no_lambda_reaches_hand_constructed() {
    // Unit weights, organics 1, 1; ads ranked (0.2, 0) then (2, 0); floor 0.5 → E ≥ 1.
    // Layouts (E, R): none (2, 0); one ad (1, 0.2); both (0, 2.2). The constrained optimum is
    // one ad, R = 0.2, but it lies below the chord from (2, 0) to (0, 2.2): it would need
    // λ ≤ 0.2 (to beat no ads) and λ ≥ 2 (to beat both ads) at once.
    let inst = Instance {
        organic: vec![1.0, 1.0],
        ads: vec![
            AdItem {
                revenue: 0.2,
                engagement: 0.0,
            },
            AdItem {
                revenue: 2.0,
                engagement: 0.0,
            },
        ],
        length: 2,
        weights: vec![1.0, 1.0],
        guard: Guardrails::default(),
    };
    let got = run(&inst, Method::ExactFloor { floor: 0.5 }).unwrap();
    assert_eq!(got.ad_positions.len(), 1);
    assert!((got.revenue - 0.2).abs() < 1e-12);
    assert!(floor_optimum_unreachable_by_lambda(&inst, 0.5));
}

#[test]
fn a_floor_optimum_no_lambda_reaches_found_by_search() {
    // Natural instances: organics and ads sorted (ads by revenue), default weights.
    let mut g = Gen(5);
    let mut found = None;
    for attempt in 0..2000 {
        let mut inst = random_instance(&mut g, 8);
        inst.weights = default_position_weights(inst.length);
        inst.organic.sort_by(|a, b| b.total_cmp(a));
        inst.ads.sort_by(|a, b| b.revenue.total_cmp(&a.revenue));
        let floor = 0.5 + 0.5 * g.uniform();
        if floor_optimum_unreachable_by_lambda(&inst, floor) {
            found = Some((attempt, inst, floor));
            break;
        }
    }
    let (attempt, inst, floor) = found.expect("no integrality gap found");
    eprintln!("integrality gap after {attempt} attempts: floor {floor}, {inst:?}");
}

#[test]
fn larger_lambda_lowers_revenue_and_raises_engagement() {
    // Revealed preference: for λ1 < λ2 with optima x1, x2,
    // R1 + λ1 E1 ≥ R2 + λ1 E2 and R2 + λ2 E2 ≥ R1 + λ2 E1 ⇒ E2 ≥ E1 and R2 ≤ R1.
    let mut g = Gen(6);
    for _ in 0..200 {
        let inst = random_instance(&mut g, 12);
        let mut prev: Option<Layout> = None;
        for i in 0..=40 {
            let lambda = 0.1 * i as f64;
            let l = run(&inst, Method::Exact { lambda }).unwrap();
            if let Some(p) = &prev {
                assert!(l.revenue <= p.revenue + TOL, "R rose at λ = {lambda}");
                assert!(l.engagement >= p.engagement - TOL, "E fell at λ = {lambda}");
            }
            prev = Some(l);
        }
    }
}

#[test]
fn larger_lambda_never_adds_ads_when_ads_are_least_engaging() {
    // With unit weights and every ad less engaging than every organic, each ad costs engagement,
    // so a larger λ never shows more ads.
    let mut g = Gen(7);
    for _ in 0..200 {
        let mut inst = random_instance(&mut g, 10);
        inst.weights = vec![1.0; inst.length];
        inst.organic = inst.organic.iter().map(|u| 0.5 + u).collect();
        inst.organic.resize(inst.length + 2, 0.5);
        let mut prev = usize::MAX;
        for i in 0..=40 {
            let lambda = 0.1 * i as f64;
            let n = run(&inst, Method::Exact { lambda })
                .unwrap()
                .ad_positions
                .len();
            assert!(n <= prev, "{inst:?} at λ = {lambda}");
            prev = n;
        }
    }
}

#[test]
fn exact_floor_is_fast_for_fifty_positions_and_ten_ads() {
    let mut g = Gen(8);
    let mut scratch = FeedScratch::new();
    let mut positions = Vec::new();
    for _ in 0..20 {
        let length = 50;
        let mut organic: Vec<f64> = (0..length + 10).map(|_| g.uniform()).collect();
        organic.sort_by(|a, b| b.total_cmp(a));
        let ads: Vec<AdItem> = (0..15)
            .map(|_| AdItem {
                revenue: g.uniform(),
                engagement: 0.3 * g.uniform(),
            })
            .collect();
        let weights = default_position_weights(length);
        for gap in [1, 2, 3] {
            let guard = Guardrails {
                top_slot: 2,
                min_gap: gap,
                max_ads: 10,
            };
            let floor = 0.8 + 0.2 * g.uniform();
            let request = BlendRequest {
                organic: &organic,
                ads: &ads,
                length,
                position_weights: &weights,
                guardrails: guard,
                method: Method::ExactFloor { floor },
            };
            let (_, e) = blend_into(&request, &mut scratch, &mut positions);
            let (_, e0) = evaluate(&organic, &ads, length, &weights, &[]);
            assert!(e >= floor * e0);
            assert!(positions.len() <= 10);
        }
    }
}

/// Reference for mid-size feeds (too long to enumerate): a plain forward DP over
/// (ads shown, last ad position) keeping every non-dominated (R, E) prefix, no pruning.
fn reference_frontier(inst: &Instance) -> Vec<(f64, f64)> {
    let kmax = inst.guard.max_ads.min(inst.ads.len());
    // state: (ads shown k, last ad position or 0) → frontier
    let mut layer: std::collections::BTreeMap<(usize, usize), Vec<(f64, f64)>> =
        std::collections::BTreeMap::new();
    layer.insert((0, 0), vec![(0.0, 0.0)]);
    for p in 1..=inst.length {
        let w = inst.weights[p - 1];
        let mut next: std::collections::BTreeMap<(usize, usize), Vec<(f64, f64)>> =
            std::collections::BTreeMap::new();
        for (&(k, last), pairs) in &layer {
            let org = inst.organic.get(p - 1 - k).copied().unwrap_or(0.0);
            // Only the gap constraint needs `last`; cap it so the state space stays small.
            let capped = if last == 0 || p - last >= inst.guard.min_gap {
                0
            } else {
                last
            };
            next.entry((k, capped))
                .or_default()
                .extend(pairs.iter().map(|&(r, e)| (r, e + w * org)));
            let gap_ok = last == 0 || p - last >= inst.guard.min_gap;
            if k < kmax && p >= inst.guard.top_slot && gap_ok {
                let ad = inst.ads[k];
                let last_new = if inst.guard.min_gap > 1 { p } else { 0 };
                next.entry((k + 1, last_new)).or_default().extend(
                    pairs
                        .iter()
                        .map(|&(r, e)| (r + w * ad.revenue, e + w * ad.engagement)),
                );
            }
        }
        for pairs in next.values_mut() {
            pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
            let mut best_e = f64::NEG_INFINITY;
            pairs.retain(|&(_, e)| {
                let keep = e > best_e;
                best_e = best_e.max(e);
                keep
            });
        }
        layer = next;
    }
    layer.into_values().flatten().collect()
}

#[test]
fn exact_solvers_match_an_unpruned_reference_on_longer_feeds() {
    let mut g = Gen(9);
    for case in 0..60 {
        let mut inst = random_instance(&mut g, 30);
        inst.length = inst.length.max(13);
        inst.weights = default_position_weights(inst.length);
        inst.organic = (0..inst.length + 3).map(|_| g.uniform()).collect();
        inst.organic.sort_by(|a, b| b.total_cmp(a));
        inst.guard.max_ads = g.range(2, 6);
        let points = reference_frontier(&inst);
        let (_, e0) = naive_eval(&inst, &[]);
        for floor in [0.7, 0.9, 0.97, 1.0] {
            let best = points
                .iter()
                .filter(|p| p.1 >= floor * e0)
                .map(|p| p.0)
                .fold(f64::NEG_INFINITY, f64::max);
            let got = run(&inst, Method::ExactFloor { floor }).unwrap();
            assert!(satisfies_guardrails(&inst, &got.ad_positions));
            assert!(
                (got.revenue - best).abs() < TOL,
                "case {case} floor {floor}: {} vs {best}",
                got.revenue
            );
        }
        for lambda in [0.2, 0.8, 1.5] {
            let best = points
                .iter()
                .map(|p| p.0 + lambda * p.1)
                .fold(f64::NEG_INFINITY, f64::max);
            let got = run(&inst, Method::Exact { lambda }).unwrap();
            assert!((objective(&got, lambda) - best).abs() < TOL);
        }
    }
}
