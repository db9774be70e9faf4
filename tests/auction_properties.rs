//! Property tests of the position-auction pricing, the EOS equilibrium and the `sandbox auction`
//! spec runner.
//!
//! - GSP and VCG never charge more than the bid nor less than the reserve (individual
//!   rationality at the bid; the reserve is a floor).
//! - GSP prices per unit of utility (`p_k · e_k^q`) are non-increasing down the slots; with equal
//!   qualities prices per click are.
//! - VCG revenue ≤ GSP revenue on the same bids (Edelman, Ostrovsky & Schwarz 2007).
//! - EOS bids are below values, non-increasing, and GSP at them equals VCG at the values.
//! - `run_json` never panics, on arbitrary text or on random specs.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use proptest::prelude::*;
use sandbox::config::spec::auction::run_json;
use sandbox::core::auction::{price, rank, Candidate, Format, RankingRule};
use sandbox::core::lab::equilibrium::eos_bids;

#[derive(Debug, Clone)]
struct Case {
    candidates: Vec<Candidate>,
    ctrs: Vec<f64>,
    q: f64,
    w_rev: f64,
}

fn case(equal_quality: bool) -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(
            (0.0..10.0f64, 0.01..1.0f64, 0.0..3.0f64, -1.0..3.0f64),
            1..9,
        ),
        prop::collection::vec(0.01..1.0f64, 1..6),
        prop_oneof![Just(0.0), Just(0.5), Just(1.0), 0.0..2.0f64],
        prop::bool::ANY,
        prop_oneof![Just(1.0), 0.1..5.0f64],
    )
        .prop_map(move |(raw, mut ctrs, q, common_reserve, w_rev)| {
            ctrs.sort_by(|a, b| b.total_cmp(a));
            let candidates = raw
                .iter()
                .map(|&(bid, e, r, bonus)| Candidate {
                    bid,
                    click_weight: if equal_quality { 0.7 } else { e },
                    // The engine adds non-bid utility terms (engagement, quality, minus fatigue);
                    // per-click monotonicity is only claimed with equal qualities and no bonus.
                    bonus: if equal_quality { 0.0 } else { bonus },
                    reserve: if common_reserve { raw[0].2 } else { r },
                })
                .collect();
            Case {
                candidates,
                ctrs,
                q,
                w_rev,
            }
        })
}

/// Ranked candidates (winners plus the first loser) and per-click prices under `format`.
fn priced(c: &Case, format: Format) -> (Vec<Candidate>, Vec<f64>) {
    let rule = RankingRule {
        w_rev: c.w_rev,
        squashing: c.q,
    };
    let order = rank(&c.candidates, &rule, c.ctrs.len() + 1);
    let ranked: Vec<Candidate> = order.iter().map(|&i| c.candidates[i]).collect();
    let prices = price(&ranked, &c.ctrs, &rule, format);
    (ranked, prices)
}

fn revenue(ranked: &[Candidate], prices: &[f64], ctrs: &[f64]) -> f64 {
    prices
        .iter()
        .enumerate()
        .map(|(k, p)| p * ranked[k].click_weight * ctrs[k])
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn payments_between_reserve_and_bid(c in case(false)) {
        for format in [Format::Gsp, Format::Vcg, Format::FirstPrice] {
            let (ranked, prices) = priced(&c, format);
            prop_assert_eq!(prices.len(), ranked.len().min(c.ctrs.len()));
            for (p, cand) in prices.iter().zip(&ranked) {
                prop_assert!(*p <= cand.bid + 1e-12, "{format:?}: price {p} > bid {}", cand.bid);
                prop_assert!(*p >= cand.reserve - 1e-12, "{format:?}: price {p} < reserve {}", cand.reserve);
            }
        }
    }

    #[test]
    fn gsp_prices_per_utility_non_increasing(c in case(false)) {
        let (ranked, prices) = priced(&c, Format::Gsp);
        let per_utility: Vec<f64> = prices
            .iter()
            .zip(&ranked)
            .map(|(p, cand)| c.w_rev * p * cand.click_weight.powf(c.q) + cand.bonus)
            .collect();
        // Without reserve binding, per-utility prices are the next utilities: non-increasing.
        // A reserve can lift a lower slot's price, so compare the unclamped part only.
        for k in 1..per_utility.len() {
            let floor_k =
                c.w_rev * ranked[k].reserve * ranked[k].click_weight.powf(c.q) + ranked[k].bonus;
            if per_utility[k] > floor_k + 1e-12 {
                prop_assert!(per_utility[k] <= per_utility[k - 1] + 1e-9);
            }
        }
    }

    #[test]
    fn gsp_prices_per_click_non_increasing_with_equal_qualities(c in case(true)) {
        let (ranked, prices) = priced(&c, Format::Gsp);
        let common = ranked.iter().all(|r| r.reserve == ranked.first().map_or(0.0, |f| f.reserve));
        if common {
            for k in 1..prices.len() {
                prop_assert!(prices[k] <= prices[k - 1] + 1e-12, "{prices:?}");
            }
        }
    }

    #[test]
    fn vcg_revenue_at_most_gsp(c in case(false)) {
        let (ranked, gsp) = priced(&c, Format::Gsp);
        let (ranked_v, vcg) = priced(&c, Format::Vcg);
        prop_assert_eq!(&ranked, &ranked_v);
        for (v, g) in vcg.iter().zip(&gsp) {
            prop_assert!(*v <= *g + 1e-9, "slot: VCG {v} > GSP {g}");
        }
        prop_assert!(revenue(&ranked, &vcg, &c.ctrs) <= revenue(&ranked, &gsp, &c.ctrs) + 1e-9);
    }

    #[test]
    fn eos_bids_are_an_equilibrium_replicating_vcg(
        mut values in prop::collection::vec(0.0..10.0f64, 1..9),
        mut ctrs in prop::collection::vec(0.01..1.0f64, 1..6),
    ) {
        values.sort_by(|a, b| b.total_cmp(a));
        ctrs.sort_by(|a, b| b.total_cmp(a));
        let bids = eos_bids(&values, &ctrs);
        for (b, v) in bids.iter().zip(&values) {
            prop_assert!(*b <= *v + 1e-12);
        }
        for w in bids.windows(2) {
            prop_assert!(w[1] <= w[0] + 1e-12);
        }
        let unit = |xs: &[f64]| -> Vec<Candidate> {
            xs.iter().map(|&bid| Candidate { bid, click_weight: 1.0, bonus: 0.0, reserve: 0.0 }).collect()
        };
        let rule = RankingRule::default();
        let c_eq = unit(&bids);
        let c_val = unit(&values);
        let o_eq = rank(&c_eq, &rule, ctrs.len() + 1);
        let o_val = rank(&c_val, &rule, ctrs.len() + 1);
        let r_eq: Vec<Candidate> = o_eq.iter().map(|&i| c_eq[i]).collect();
        let r_val: Vec<Candidate> = o_val.iter().map(|&i| c_val[i]).collect();
        let gsp = price(&r_eq, &ctrs, &rule, Format::Gsp);
        let vcg = price(&r_val, &ctrs, &rule, Format::Vcg);
        prop_assert_eq!(gsp.len(), vcg.len());
        let rev_gsp: f64 = gsp.iter().zip(&ctrs).map(|(p, a)| p * a).sum();
        let rev_vcg: f64 = vcg.iter().zip(&ctrs).map(|(p, a)| p * a).sum();
        prop_assert!((rev_gsp - rev_vcg).abs() < 1e-9, "{rev_gsp} vs {rev_vcg}");
    }
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1e308".to_string()),
        Just("2.5".to_string()),
        Just("null".to_string()),
        Just("\"x\"".to_string()),
        Just("[]".to_string()),
        (-3.0..3.0f64).prop_map(|x| format!("{x}")),
        (0u32..2000).prop_map(|x| format!("{x}")),
    ]
}

fn dist() -> impl Strategy<Value = String> {
    prop_oneof![
        (number(), number())
            .prop_map(|(a, b)| format!(r#"{{"uniform":{{"low":{a},"high":{b}}}}}"#)),
        number().prop_map(|r| format!(r#"{{"exponential":{{"rate":{r}}}}}"#)),
        (number(), number())
            .prop_map(|(m, s)| format!(r#"{{"lognormal":{{"mu":{m},"sigma":{s}}}}}"#)),
        Just(r#"{"normal":{"mu":0}}"#.to_string()),
        Just(r#"{"uniform":{"low":0,"high":1,"x":2}}"#.to_string()),
        Just(r#"{"uniform":{"low":0.1,"high":1}}"#.to_string()),
        Just(r#"{"exponential":{"rate":2}}"#.to_string()),
        Just(r#"{"lognormal":{"mu":0,"sigma":0.5}}"#.to_string()),
        number(),
    ]
}

fn bids() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            (number(), number()).prop_map(|(b, e)| format!(r#"{{"bid":{b},"quality":{e}}}"#)),
            number().prop_map(|v| format!(r#"{{"value":{v}}}"#)),
            (number(), number()).prop_map(|(b, v)| format!(r#"{{"bid":{b},"value":{v}}}"#)),
            Just(r#"{"oops":1}"#.to_string()),
            Just("{}".to_string()),
        ],
        0..5,
    )
    .prop_map(|items| format!("[{}]", items.join(",")))
}

/// A random spec: a subset of keys with random, often invalid, values.
fn spec() -> impl Strategy<Value = String> {
    let format = prop_oneof![
        Just(r#""gsp""#.to_string()),
        Just(r#""vcg""#.to_string()),
        Just(r#""first_price""#.to_string()),
        Just(r#""second_price""#.to_string()),
        number(),
    ];
    let bidding = prop_oneof![
        Just(r#""truthful""#.to_string()),
        Just(r#""equilibrium""#.to_string()),
        number(),
    ];
    let ctrs = prop_oneof![
        prop::collection::vec(number(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
        Just("[1.0, 0.5]".to_string()),
        Just("[0.5, 1.0]".to_string()),
        number(),
    ];
    // Keep Monte Carlo runs small: auctions from a small set, bidders small.
    let auctions = prop_oneof![
        Just("0".to_string()),
        Just("50".to_string()),
        Just("1000000000".to_string()),
        Just("-3".to_string()),
        Just("1.5".to_string()),
    ];
    let bidders = prop_oneof![
        Just("0".to_string()),
        Just("1".to_string()),
        Just("3".to_string()),
        Just("1001".to_string()),
        Just("-2".to_string()),
        Just("2.5".to_string()),
    ];
    (
        prop::option::of(format),
        prop::option::of(bidding),
        prop::option::of(bidders),
        prop::option::of(dist()),
        prop::option::of(ctrs),
        prop::option::of(number()),
        prop::option::of(auctions),
        prop::option::of(number()),
        prop::option::of(bids()),
        prop::option::of(number()),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(
                format,
                bidding,
                bidders,
                values,
                ctrs,
                reserve,
                auctions,
                seed,
                bids,
                squashing,
                extra,
            )| {
                let mut parts = Vec::new();
                let mut push = |k: &str, v: Option<String>| {
                    if let Some(v) = v {
                        parts.push(format!(r#""{k}":{v}"#));
                    }
                };
                push("format", format);
                push("bidding", bidding);
                push("bidders", bidders);
                push("values", values);
                push("slot_ctrs", ctrs);
                push("reserve", reserve);
                push("auctions", auctions);
                push("seed", seed);
                push("bids", bids);
                push("squashing", squashing);
                if extra {
                    push("colour", Some("1".to_string()));
                }
                format!("{{{}}}", parts.join(","))
            },
        )
}

/// `valid` most of the time, otherwise one of the invalid alternatives.
fn mostly(valid: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop_oneof![9 => valid, 1 => number()].boxed()
}

fn valid_dist() -> BoxedStrategy<String> {
    prop_oneof![
        (0.0..1.0f64, 0.01..3.0f64)
            .prop_map(|(l, w)| format!(r#"{{"uniform":{{"low":{l},"high":{}}}}}"#, l + w)),
        (0.1..10.0f64).prop_map(|r| format!(r#"{{"exponential":{{"rate":{r}}}}}"#)),
        (-2.0..2.0f64, 0.05..2.0f64)
            .prop_map(|(m, s)| format!(r#"{{"lognormal":{{"mu":{m},"sigma":{s}}}}}"#)),
    ]
    .boxed()
}

fn valid_ctrs(max_len: usize) -> BoxedStrategy<String> {
    prop::collection::vec(0.01..=1.0f64, 1..=max_len)
        .prop_map(|mut v| {
            v.sort_by(|a, b| b.total_cmp(a));
            format!("{v:?}")
        })
        .boxed()
}

/// Mostly valid specs of either mode, each field occasionally replaced by a bad value, so that
/// the deeper validation and the runs themselves are exercised.
fn near_valid_spec() -> impl Strategy<Value = String> {
    let format = mostly(
        prop_oneof![
            Just(r#""gsp""#.to_string()),
            Just(r#""vcg""#.to_string()),
            Just(r#""first_price""#.to_string()),
        ]
        .boxed(),
    );
    let bidding = mostly(
        prop_oneof![
            Just(r#""truthful""#.to_string()),
            Just(r#""equilibrium""#.to_string()),
        ]
        .boxed(),
    );
    let monte_carlo = (
        mostly((1u32..7).prop_map(|n| n.to_string()).boxed()),
        mostly(valid_dist()),
        mostly(valid_ctrs(4)),
        mostly((0.0..1.5f64).prop_map(|r| r.to_string()).boxed()),
        mostly((1u32..300).prop_map(|n| n.to_string()).boxed()),
        mostly(any::<u64>().prop_map(|n| n.to_string()).boxed()),
    )
        .prop_map(|(n, d, c, r, a, seed)| {
            format!(
                r#""bidders":{n},"values":{d},"slot_ctrs":{c},"reserve":{r},"auctions":{a},"seed":{seed}"#
            )
        });
    let bidder = prop_oneof![
        (0.0..10.0f64, 0.01..1.0f64).prop_map(|(b, e)| format!(r#"{{"bid":{b},"quality":{e}}}"#)),
        (0.0..10.0f64, 0.01..1.0f64).prop_map(|(v, e)| format!(r#"{{"value":{v},"quality":{e}}}"#)),
        (0.0..10.0f64).prop_map(|v| format!(r#"{{"value":{v}}}"#)),
        number().prop_map(|b| format!(r#"{{"bid":{b}}}"#)),
    ];
    let explicit = (
        prop::collection::vec(bidder, 0..7).prop_map(|v| format!("[{}]", v.join(","))),
        mostly(valid_ctrs(5)),
        mostly((0.0..2.0f64).prop_map(|q| q.to_string()).boxed()),
        mostly((0.0..5.0f64).prop_map(|r| r.to_string()).boxed()),
    )
        .prop_map(|(b, c, q, r)| {
            format!(r#""bids":{b},"slot_ctrs":{c},"squashing":{q},"reserve":{r}"#)
        });
    (format, bidding, prop_oneof![monte_carlo, explicit])
        .prop_map(|(f, b, rest)| format!(r#"{{"format":{f},"bidding":{b},{rest}}}"#))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn run_json_never_panics_on_near_valid_specs(s in near_valid_spec()) {
        match run_json(&s) {
            Ok(out) => {
                let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON out");
                prop_assert!(v.is_object());
                prop_assert_eq!(run_json(&s).unwrap(), out);
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn run_json_never_panics_on_text(s in ".{0,200}") {
        let _ = run_json(&s);
    }

    #[test]
    fn run_json_never_panics_on_random_specs(s in spec()) {
        match run_json(&s) {
            Ok(out) => {
                let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON out");
                prop_assert!(v.is_object());
                // Deterministic: the same input gives the same output.
                prop_assert_eq!(run_json(&s).unwrap(), out);
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
