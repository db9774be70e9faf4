//! Promotional bandwidth: a share of sessions whose ad slots only a promoted class may win.
//! Off and at share 0 nothing moves; the share of sessions drawn matches the share asked for; the
//! promoted class's impression share rises with the share and everyone else's revenue falls;
//! with no promoted ad eligible every session falls back to the normal auction.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::model::{simulate, Params, PromotedClass, RunResult, Scenario};

fn run(p: &Params) -> RunResult {
    simulate(&Scenario::new(p.clone()).expect("valid"))
}

/// A small market with a launch on day 4.
fn small(seed: u64) -> Params {
    let mut p = Params::default();
    p.sim.seed = seed;
    p.sim.days = 10;
    p.users.count = 600;
    p.advertisers.count = 40;
    p.launch.enabled = true;
    p.launch.day = 4;
    p.launch.count = 8;
    p
}

fn promoted(mut p: Params, class: PromotedClass, share: f64) -> Params {
    p.promotion.enabled = true;
    p.promotion.class = class;
    p.promotion.category = 3;
    p.promotion.share = share;
    p
}

/// The run without its promotion records: the marketplace's own numbers.
fn market(mut r: RunResult) -> RunResult {
    r.promotion.clear();
    r.summaries.promotion = None;
    r
}

#[test]
fn off_or_at_share_zero_every_number_is_the_run_without_promotion() {
    for seed in [1, 2] {
        let base = run(&small(seed));
        assert!(base.promotion.is_empty() && base.summaries.promotion.is_none());
        // Off, whatever the other promotion knobs say: the same result, records and all.
        let mut off = promoted(small(seed), PromotedClass::Category, 0.8);
        off.promotion.enabled = false;
        assert_eq!(run(&off), base);
        // On at share 0: records, but the marketplace is bit for bit the same.
        for class in PromotedClass::ALL {
            let r = run(&promoted(small(seed), class, 0.0));
            assert_eq!(r.promotion.len(), 10);
            assert!(r.promotion.iter().all(|d| d.promoted_sessions == 0));
            let s = r.summaries.promotion.clone().expect("summaries");
            assert!(s.whole_run.promoted_impression_share > 0.0, "{class:?}");
            assert_eq!(market(r), base, "{class:?}");
        }
    }
    // The JSON of a run without promotion has no promotion key (the golden fingerprint's text).
    let text = serde_json::to_string(&run(&small(1))).unwrap();
    assert!(!text.contains("promotion"));
}

#[test]
fn the_share_of_promoted_sessions_is_the_share_asked_for() {
    for share in [0.1, 0.5, 0.9] {
        let r = run(&promoted(small(3), PromotedClass::Category, share));
        let sessions: f64 = r.days.iter().map(|d| d.sessions as f64).sum();
        let drawn: f64 = r.promotion.iter().map(|d| d.promoted_sessions as f64).sum();
        let se = (share * (1.0 - share) / sessions).sqrt();
        let got = drawn / sessions;
        assert!(
            (got - share).abs() < 4.0 * se,
            "share {share}: {got} ± {se} over {sessions} sessions"
        );
        let s = r.summaries.promotion.expect("summaries").whole_run;
        assert_eq!(s.promoted_session_share, got);
    }
}

#[test]
fn more_promoted_share_gives_the_class_more_impressions_and_costs_the_others_revenue() {
    let shares = [0.0, 0.25, 0.5, 0.75, 1.0];
    let seeds = [11, 12, 13, 14];
    for class in PromotedClass::ALL {
        // Per seed and share: (promoted impression share, others' revenue per day).
        let runs: Vec<Vec<(f64, f64)>> = seeds
            .iter()
            .map(|&seed| {
                shares
                    .iter()
                    .map(|&share| {
                        let s = run(&promoted(small(seed), class, share))
                            .summaries
                            .promotion
                            .expect("summaries")
                            .whole_run;
                        (s.promoted_impression_share, s.others_revenue_per_day)
                    })
                    .collect()
            })
            .collect();
        // Each step up the grid: the paired difference over seeds is positive beyond 4 standard
        // errors for the promoted share, negative for the others' revenue.
        for k in 1..shares.len() {
            let diff = |f: &dyn Fn(&(f64, f64)) -> f64| -> (f64, f64) {
                let d: Vec<f64> = runs.iter().map(|r| f(&r[k]) - f(&r[k - 1])).collect();
                let n = d.len() as f64;
                let mean = d.iter().sum::<f64>() / n;
                let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
                (mean, (var / n).sqrt())
            };
            let (gain, se) = diff(&|x| x.0);
            assert!(
                gain > 0.0 && gain > 4.0 * se - 1e-12,
                "{class:?} {} → {}: impression share +{gain} ± {se}",
                shares[k - 1],
                shares[k]
            );
            let (loss, se) = diff(&|x| x.1);
            assert!(
                loss < 0.0 && -loss > 4.0 * se - 1e-12,
                "{class:?} {} → {}: others' revenue {loss} ± {se}",
                shares[k - 1],
                shares[k]
            );
        }
    }
}

#[test]
fn with_every_promoted_ad_always_eligible_share_one_gives_the_class_every_impression() {
    // No targeting, a loose frequency cap and budgets that never run out: every session has an
    // eligible ad of the promoted category, so every placed ad is promoted.
    let mut p = promoted(small(5), PromotedClass::Category, 1.0);
    p.advertisers.targeted_share = 0.0;
    p.ad_load.frequency_cap = 20;
    p.advertisers.budget_mean = 10_000.0;
    p.advertisers.value_sigma = 0.0;
    p.launch.enabled = false;
    let r = run(&p);
    let s = r.summaries.promotion.expect("summaries").whole_run;
    assert_eq!(s.fallback_rate, 0.0);
    assert!((s.promoted_impression_share - 1.0).abs() < 1e-12, "{s:?}");
    assert!(s.others_revenue_per_day.abs() < 1e-9 * s.promoted_spend_per_day);
    assert!(s.others_impressions_per_day.abs() < 1e-9 * s.promoted_impressions_per_day);
}

#[test]
fn a_restricted_auction_is_the_engines_auction_among_the_promoted_ads_alone() {
    // Every session promoted and restricted: the run equals one in which the other categories'
    // reserves are above every bid, so only the promoted category's ads ever compete. Ranking,
    // blending and prices are the engine's, applied to the promoted ads alone.
    let mut p = promoted(small(9), PromotedClass::Category, 1.0);
    p.advertisers.targeted_share = 0.0;
    p.ad_load.frequency_cap = 20;
    p.advertisers.budget_mean = 10_000.0;
    p.advertisers.value_sigma = 0.0;
    p.launch.enabled = false;
    let restricted = run(&p);
    assert_eq!(
        restricted
            .summaries
            .promotion
            .as_ref()
            .expect("summaries")
            .whole_run
            .fallback_rate,
        0.0
    );
    let mut only = p.clone();
    only.promotion.enabled = false;
    only.auction.reserve_by_category = (0..6)
        .map(|c| if c == 3 { p.auction.reserve } else { 10.0 })
        .collect();
    let alone = run(&only);
    assert!(alone.days.iter().all(|d| d.revenue > 0.0));
    assert_eq!(market(restricted), alone);
}

#[test]
fn with_no_promoted_ad_eligible_every_session_falls_back_to_the_normal_auction() {
    // The launched class before the launch (and with no launch at all) is empty.
    let mut none = promoted(small(7), PromotedClass::Launch, 1.0);
    none.launch.enabled = false;
    let r = run(&none);
    let s = r.summaries.promotion.clone().expect("summaries").whole_run;
    assert_eq!(s.fallback_rate, 1.0);
    assert_eq!(s.promoted_impression_share, 0.0);
    let mut base = small(7);
    base.launch.enabled = false;
    assert_eq!(market(r), run(&base));

    // With a launch on day 4: days 1–3 fall back entirely and match the run without promotion;
    // from day 4 the cohort takes most impressions.
    let with_launch = run(&promoted(small(7), PromotedClass::Launch, 1.0));
    let plain = run(&small(7));
    for d in 0..3 {
        let p = &with_launch.promotion[d];
        assert_eq!(p.restricted_sessions, 0);
        assert!(p.promoted_sessions > 0);
        assert_eq!(with_launch.days[d], plain.days[d]);
    }
    let after = &with_launch.promotion[5];
    assert!(after.restricted_sessions > after.promoted_sessions / 2);
    assert!(after.impressions > 0.5 * with_launch.days[5].impressions);
    // Without reserved sessions the cohort gets fewer impressions that day.
    let unreserved = run(&promoted(small(7), PromotedClass::Launch, 0.0));
    assert!(unreserved.promotion[5].impressions < after.impressions);
}

#[test]
fn the_binary_encoding_of_the_worker_messages_carries_the_promotion() {
    // JSON leaves `promotion` out at its default; the binary encoding (not self-describing)
    // must always carry it, with or without promotion.
    for p in [small(1), promoted(small(1), PromotedClass::Category, 0.4)] {
        let bytes = bincode::serialize(&p).expect("encodes");
        let back: Params = bincode::deserialize(&bytes).expect("decodes");
        assert_eq!(back, p);
        let mut short = p.clone();
        short.sim.days = 5;
        let r = run(&short);
        let bytes = bincode::serialize(&r).expect("encodes");
        let back: RunResult = bincode::deserialize(&bytes).expect("decodes");
        assert_eq!(back, r);
    }
}

#[test]
fn the_daily_csv_has_the_promotion_columns_only_with_promotion_on() {
    use sandbox::config::export::daily_csv;
    let off = daily_csv(&run(&small(2)));
    assert!(!off.contains("promoted"));
    let r = run(&promoted(small(2), PromotedClass::Launch, 0.5));
    let csv = daily_csv(&r);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    for (line, p) in lines.zip(&r.promotion) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(
            cells[col("promoted_sessions")],
            p.promoted_sessions.to_string()
        );
        assert_eq!(cells[col("promoted_spend")], p.spend.to_string());
    }
    // The rest of the table is the run's own columns, unchanged.
    assert!(csv.starts_with(off.lines().next().unwrap()));
}
