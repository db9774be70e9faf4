//! The day-by-day model: every knob moves what it should, in the documented direction, and the
//! long-run claims of the literature hold in the model.
//!
//! Scenarios are smaller than the app's default (600 users, 4 weeks) to keep the suite fast; each
//! comparison runs both designs on one seed (common random numbers), so differences are the
//! design's effect. Where a comparison is statistical, the tolerance is stated.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::core::model::{simulate, AdLoadPolicy, Params, RunResult, Scenario, Summary};

fn base() -> Params {
    let mut p = Params::default();
    p.users.count = 600;
    p.sim.days = 28;
    p.advertisers.count = 60;
    p
}

fn run(edit: impl FnOnce(&mut Params)) -> RunResult {
    let mut p = base();
    edit(&mut p);
    let scenario = Scenario::new(p).expect("test scenarios are valid");
    simulate(&scenario)
}

fn first(r: &RunResult) -> &Summary {
    &r.summaries.first_week
}
fn last(r: &RunResult) -> &Summary {
    &r.summaries.last_week
}
fn whole(r: &RunResult) -> &Summary {
    &r.summaries.whole_run
}

/// Mean and standard error of a daily series over `days`.
fn mean_se(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = values.collect();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// First-week vs last-week means of a daily metric agree within 4 standard errors.
fn assert_no_trend(r: &RunResult, name: &str, f: fn(&sandbox::core::model::DayMetrics) -> f64) {
    let n = r.days.len();
    let (m1, se1) = mean_se(r.days[..7].iter().map(f));
    let (m2, se2) = mean_se(r.days[n - 7..].iter().map(f));
    let tol = 4.0 * (se1 * se1 + se2 * se2).sqrt();
    assert!(
        (m1 - m2).abs() <= tol.max(1e-12),
        "{name} trends with fatigue off: first week {m1}, last week {m2}, tolerance {tol}"
    );
}

#[test]
fn same_seed_same_bytes_other_seed_other_numbers() {
    let a = serde_json::to_string(&run(|_| {})).unwrap();
    let b = serde_json::to_string(&run(|_| {})).unwrap();
    assert_eq!(a, b);
    let c = serde_json::to_string(&run(|p| p.sim.seed = 2)).unwrap();
    assert_ne!(a, c);
}

#[test]
fn fatigue_off_nothing_trends() {
    let r = run(|p| {
        p.users.fatigue = false;
        p.sim.days = 35;
    });
    assert!(r.days.iter().all(|d| d.mean_fatigue == 0.0));
    assert!(r.days.iter().all(|d| d.mean_blindness == 1.0));
    assert_no_trend(&r, "sessions", |d| d.sessions as f64);
    assert_no_trend(&r, "revenue", |d| d.revenue);
    assert_no_trend(&r, "clicks", |d| d.clicks);
    assert_no_trend(&r, "ctr", |d| d.ctr);
    assert_no_trend(&r, "engagement", |d| d.total_engagement);
    assert_eq!(whole(&r).churned_advertisers, 0);
}

#[test]
fn fatigue_builds_and_costs_sessions_clicks_and_revenue() {
    let r = run(|_| {});
    assert!(last(&r).mean_fatigue > 3.0 * first(&r).mean_fatigue);
    assert!(last(&r).ctr < first(&r).ctr, "ad blindness lowers CTR");
    assert!(last(&r).sessions_per_day < first(&r).sessions_per_day);
    assert!(last(&r).revenue_per_day < first(&r).revenue_per_day);
    // Fatigue is non-decreasing under a constant design from a fresh start.
    let f: Vec<f64> = r.days.iter().map(|d| d.mean_fatigue).collect();
    assert!(f.windows(2).all(|w| w[1] >= w[0] * 0.97), "{f:?}");
}

#[test]
fn fatigue_follows_hohnhold_learning_curve() {
    // With visits and session length independent of fatigue, expected impressions per day are
    // constant, so E[F_t] = i·(1 − δ^t)/(1 − δ): the 1 − e^{−βt} learning curve with
    // β = ln 2 / half-life (Hohnhold, O'Brien & Tang 2015).
    let half_life = 20.0;
    let r = run(|p| {
        p.users.visit_sensitivity = 0.0;
        p.users.fatigue_half_life_days = half_life;
        p.users.count = 2000;
        p.sim.days = 40;
    });
    let delta: f64 = 0.5f64.powf(1.0 / half_life);
    let f_t = |t: usize| r.days[t - 1].mean_fatigue;
    let curve = |t: usize| (1.0 - delta.powi(t as i32)) / (1.0 - delta);
    // Normalise by day 1 (= i) and compare the shape; daily impressions vary with Poisson
    // visits, about 1% per day for 2000 users: allow 5%.
    for t in [5, 10, 20, 40] {
        let ratio = f_t(t) / f_t(1);
        let expected = curve(t);
        assert!(
            (ratio / expected - 1.0).abs() < 0.05,
            "day {t}: F_t/F_1 = {ratio}, curve {expected}"
        );
    }
}

#[test]
fn more_ad_load_more_revenue_now_more_fatigue_later() {
    let light = run(|p| {
        p.ad_load.every = 8;
        p.ad_load.max_ads = 3;
    });
    let heavy = run(|p| {
        p.ad_load.every = 3;
        p.ad_load.min_gap = 2;
        p.ad_load.max_ads = 8;
    });
    assert!(
        heavy.summaries.first_week.ads_per_session > light.summaries.first_week.ads_per_session
    );
    assert!(first(&heavy).revenue_per_day > first(&light).revenue_per_day);
    assert!(last(&heavy).mean_fatigue > last(&light).mean_fatigue);
    assert!(first(&heavy).organic_engagement_per_day < first(&light).organic_engagement_per_day);
    // The revenue advantage shrinks as users learn to ignore ads.
    let gain_first = first(&heavy).revenue_per_day / first(&light).revenue_per_day;
    let gain_last = last(&heavy).revenue_per_day / last(&light).revenue_per_day;
    assert!(gain_last < gain_first, "{gain_first} -> {gain_last}");
}

#[test]
fn lower_ad_quality_same_load_more_blindness() {
    let good = run(|p| p.advertisers.quality_mean = 0.7);
    let bad = run(|p| p.advertisers.quality_mean = 0.3);
    assert!(last(&bad).mean_fatigue > last(&good).mean_fatigue);
    assert!(last(&bad).ctr < last(&good).ctr);
    // When every impression tires equally (count_share = 1), quality no longer drives fatigue:
    // the fixed policy places the same number of ads, so fatigue is identical.
    let good_c = run(|p| {
        p.advertisers.quality_mean = 0.7;
        p.users.count_share = 1.0;
    });
    let bad_c = run(|p| {
        p.advertisers.quality_mean = 0.3;
        p.users.count_share = 1.0;
    });
    for (g, b) in good_c.days.iter().zip(&bad_c.days) {
        assert!((g.mean_fatigue - b.mean_fatigue).abs() < 1e-12);
    }
}

#[test]
fn higher_reserve_fewer_sales_higher_prices() {
    let low = run(|p| p.auction.reserve = 0.0);
    let high = run(|p| p.auction.reserve = 1.2);
    assert!(whole(&high).impressions_per_day < whole(&low).impressions_per_day);
    assert!(whole(&high).clicks_per_day < whole(&low).clicks_per_day);
    assert!(whole(&high).avg_cpc > whole(&low).avg_cpc);
    assert_eq!(whole(&low).reserve_binding_rate, 0.0);
    assert!(whole(&high).reserve_binding_rate > 0.0);
    // A per-category reserve applies only to its category.
    // A per-category reserve applies only to its category: a prohibitive reserve on the first
    // category removes its ads (fewer impressions than with no reserve) but leaves the others
    // (more impressions than a prohibitive reserve everywhere).
    let cat = run(|p| p.auction.reserve_by_category = vec![5.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    let all = run(|p| p.auction.reserve = 5.0);
    assert!(whole(&cat).impressions_per_day < whole(&low).impressions_per_day);
    assert!(whole(&cat).impressions_per_day > whole(&all).impressions_per_day);
    assert_eq!(whole(&all).impressions_per_day, 0.0);
}

#[test]
fn formats_order_revenue_as_theory_says() {
    // Same bids (truthful, no binding budgets, fatigue off so placements match day by day):
    // VCG ≤ GSP ≤ first price (first price charges the bid itself).
    let setup = |p: &mut Params| {
        p.advertisers.budget_mean = 10_000.0;
        p.users.fatigue = false;
        p.auction.bid_shading = Some(0.0);
    };
    let gsp = run(|p| setup(p));
    let vcg = run(|p| {
        setup(p);
        p.auction.format = sandbox::core::auction::Format::Vcg;
    });
    let fp = run(|p| {
        setup(p);
        p.auction.format = sandbox::core::auction::Format::FirstPrice;
    });
    for ((g, v), f) in gsp.days.iter().zip(&vcg.days).zip(&fp.days) {
        assert_eq!(g.impressions, v.impressions);
        assert!(
            v.revenue <= g.revenue + 1e-9,
            "VCG {} > GSP {}",
            v.revenue,
            g.revenue
        );
        assert!(g.revenue <= f.revenue + 1e-9);
    }
    // Automatic shading applies to first price only, and lowers its prices.
    let fp_auto = run(|p| {
        setup(p);
        p.auction.bid_shading = None;
        p.auction.format = sandbox::core::auction::Format::FirstPrice;
    });
    assert!(whole(&fp_auto).avg_cpc < whole(&fp).avg_cpc);
}

#[test]
fn squashing_trades_price_for_clicks() {
    let by_bid = run(|p| p.auction.squashing = 0.0);
    let by_revenue = run(|p| p.auction.squashing = 1.0);
    // Ranking by expected revenue favours ads users click: CTR rises.
    assert!(whole(&by_revenue).ctr > whole(&by_bid).ctr);
}

#[test]
fn utility_weights_move_what_they_weigh() {
    let plain = run(|_| {});
    let quality = run(|p| p.utility.w_qual = 0.5);
    assert!(last(&quality).mean_fatigue < last(&plain).mean_fatigue);
    let fatigue = run(|p| p.utility.w_fat = 5.0);
    assert!(last(&fatigue).mean_fatigue < last(&plain).mean_fatigue);
    let engagement = run(|p| p.utility.w_eng = 5.0);
    assert!(
        whole(&engagement).ctr > whole(&plain).ctr,
        "weighting ad engagement favours clickable ads"
    );
    let no_bid = run(|p| p.utility.w_rev = 0.0);
    assert_eq!(
        whole(&no_bid).impressions_per_day,
        0.0,
        "no utility, no ads"
    );
}

#[test]
fn policy_parameters_move_ad_load() {
    let t_low = run(|p| {
        p.ad_load.policy = AdLoadPolicy::Threshold;
        p.ad_load.theta = 0.01;
    });
    let t_high = run(|p| {
        p.ad_load.policy = AdLoadPolicy::Threshold;
        p.ad_load.theta = 0.2;
    });
    assert!(whole(&t_high).ads_per_session < whole(&t_low).ads_per_session);
    let e_low = run(|p| {
        p.ad_load.policy = AdLoadPolicy::Exact;
        p.ad_load.lambda = 0.01;
    });
    let e_high = run(|p| {
        p.ad_load.policy = AdLoadPolicy::Exact;
        p.ad_load.lambda = 0.2;
    });
    assert!(whole(&e_high).ads_per_session < whole(&e_low).ads_per_session);
    assert!(first(&e_high).organic_engagement_per_day > first(&e_low).organic_engagement_per_day);
    assert!(first(&e_high).revenue_per_day < first(&e_low).revenue_per_day);
}

#[test]
fn guardrails_bind() {
    let capped = run(|p| p.ad_load.max_ads = 2);
    assert!(whole(&capped).ads_per_session <= 2.0 + 1e-12);
    let none = run(|p| p.ad_load.max_ads = 0);
    assert_eq!(whole(&none).revenue_per_day, 0.0);
    let dense = run(|p| {
        p.ad_load.every = 1;
        p.ad_load.min_gap = 1;
        p.ad_load.max_ads = 12;
    });
    let gapped = run(|p| {
        p.ad_load.every = 1;
        p.ad_load.min_gap = 6;
        p.ad_load.max_ads = 12;
    });
    assert!(whole(&gapped).ads_per_session < whole(&dense).ads_per_session);
    let late = run(|p| {
        p.ad_load.first_position = 1;
        p.ad_load.top_slot = 12;
    });
    let early = run(|p| {
        p.ad_load.first_position = 1;
        p.ad_load.top_slot = 1;
    });
    assert!(whole(&late).impressions_per_day < whole(&early).impressions_per_day);
    let cap1 = run(|p| {
        p.ad_load.frequency_cap = 1;
        p.advertisers.count = 8;
    });
    let cap20 = run(|p| {
        p.ad_load.frequency_cap = 20;
        p.advertisers.count = 8;
    });
    assert!(whole(&cap1).ads_per_session < whole(&cap20).ads_per_session);
    // Few advertisers in six categories: forbidding same-category neighbours leaves fewer ads.
    let same_cat = run(|p| {
        p.ad_load.no_adjacent_same_category = false;
        p.advertisers.count = 12;
    });
    let diff_cat = run(|p| {
        p.ad_load.no_adjacent_same_category = true;
        p.advertisers.count = 12;
    });
    assert!(whole(&diff_cat).ads_per_session < whole(&same_cat).ads_per_session);
    // Ads at 3, 11, 19, 27 fit in 30 positions; a fifth at 35 needs a longer feed.
    let short = run(|p| p.ad_load.every = 8);
    let longer = run(|p| {
        p.ad_load.every = 8;
        p.ad_load.feed_length = 50;
    });
    assert!(whole(&longer).ads_per_session > whole(&short).ads_per_session);
}

#[test]
fn user_knobs_move_user_behaviour() {
    let plain = run(|_| {});
    let more = run(|p| p.users.count = 1200);
    assert!(whole(&more).sessions_per_day > 1.8 * whole(&plain).sessions_per_day);
    let heavy = run(|p| p.users.mix_tilt = 1.0);
    assert!(whole(&heavy).sessions_per_day > whole(&plain).sessions_per_day);
    let sensitive = run(|p| p.users.fatigue_sensitivity = 3.0);
    assert!(last(&sensitive).mean_fatigue > last(&plain).mean_fatigue);
    let slow = run(|p| p.users.fatigue_half_life_days = 120.0);
    assert!(last(&slow).mean_fatigue > last(&plain).mean_fatigue);
    let blind = run(|p| p.users.blindness = 2.0);
    assert!(last(&blind).ctr < last(&plain).ctr);
    let leave = run(|p| p.users.visit_sensitivity = 2.0);
    assert!(last(&leave).sessions_per_day < last(&plain).sessions_per_day);
    let exit = run(|p| p.users.ad_exit_hazard = 0.1);
    assert!(first(&exit).organic_engagement_per_day < first(&plain).organic_engagement_per_day);
    let steep = run(|p| p.users.organic_decay = 0.8);
    assert!(first(&steep).organic_engagement_per_day < first(&plain).organic_engagement_per_day);
    let social = run(|p| p.users.ad_engagement_per_click = 3.0);
    assert!(first(&social).engagement_per_day > first(&plain).engagement_per_day);
    let gap = run(|p| p.users.gap_penalty = 0.8);
    assert!(first(&gap).ctr < first(&plain).ctr);
}

#[test]
fn advertiser_knobs_move_the_market() {
    let plain = run(|_| {});
    let crowded = run(|p| p.advertisers.count = 200);
    assert!(whole(&crowded).active_advertisers > whole(&plain).active_advertisers);
    assert!(
        first(&crowded).avg_cpc > first(&plain).avg_cpc,
        "more competition, higher prices"
    );
    let rich = run(|p| p.advertisers.value_mean = 2.0);
    assert!(first(&rich).avg_cpc > first(&plain).avg_cpc);
    let tight = run(|p| p.advertisers.budget_mean = 0.5);
    assert!(whole(&tight).budget_utilisation > whole(&plain).budget_utilisation);
    assert!(whole(&tight).revenue_per_day < whole(&plain).revenue_per_day);
    let good = run(|p| p.advertisers.quality_mean = 0.8);
    assert!(first(&good).ctr > first(&plain).ctr);
    let targeted = run(|p| p.advertisers.targeted_share = 1.0);
    let broad = run(|p| p.advertisers.targeted_share = 0.0);
    assert!(
        first(&targeted).ctr > first(&broad).ctr,
        "targeting reaches interested users"
    );
    let demanding = run(|p| p.advertisers.roi_target = 2.0);
    assert!(whole(&demanding).churned_advertisers > 0);
    assert!(last(&demanding).active_advertisers < first(&demanding).active_advertisers);
    let patient = run(|p| {
        p.advertisers.roi_target = 2.0;
        p.advertisers.churn_probability = 0.0;
    });
    assert_eq!(whole(&patient).churned_advertisers, 0);
    let arrivals = run(|p| p.advertisers.arrival_rate = 2.0);
    assert!(whole(&arrivals).new_advertisers > 20);
    assert!(last(&arrivals).active_advertisers > first(&arrivals).active_advertisers);
    let growing = run(|p| {
        p.advertisers.budget_growth = 0.1;
        p.advertisers.budget_mean = 0.5;
        p.users.fatigue = false;
    });
    let flat = run(|p| {
        p.advertisers.budget_mean = 0.5;
        p.users.fatigue = false;
    });
    assert!(last(&growing).revenue_per_day > last(&flat).revenue_per_day);
    // Pacing spreads tight budgets by lowering bids: cheaper clicks than spending out at once.
    let paced = run(|p| p.advertisers.budget_mean = 0.5);
    let unpaced = run(|p| {
        p.advertisers.budget_mean = 0.5;
        p.advertisers.pacing = false;
    });
    assert!(whole(&paced).avg_cpc < whole(&unpaced).avg_cpc);
    let spread = run(|p| p.advertisers.value_sigma = 1.5);
    assert!(whole(&spread).spend_hhi > whole(&plain).spend_hhi);
    let budget_spread = run(|p| p.advertisers.budget_sigma = 1.5);
    assert!(whole(&budget_spread).spend_hhi > whole(&plain).spend_hhi);
}

#[test]
fn launch_adds_a_cohort_and_moves_incumbents() {
    let plain = run(|p| p.users.fatigue = false);
    let launched = run(|p| {
        p.users.fatigue = false;
        p.launch.enabled = true;
        p.launch.day = 14;
        p.launch.count = 30;
    });
    let d = |r: &RunResult, day: usize| r.days[day - 1].clone();
    assert_eq!(d(&launched, 14).new_advertisers, 30);
    assert!(launched.days[..13]
        .iter()
        .all(|x| x.spend_by_group[3] == 0.0));
    assert!(launched.days[13..]
        .iter()
        .all(|x| x.spend_by_group[3] > 0.0));
    // Before the launch the two runs are identical (common random numbers).
    for day in 1..14 {
        assert_eq!(d(&plain, day), d(&launched, day));
    }
    // After: incumbents face more competition and pay more per click, every day.
    for day in 15..=28 {
        assert!(
            d(&launched, day).incumbent_cpc > d(&plain, day).incumbent_cpc,
            "day {day}"
        );
    }
    assert!(launched.days[13..].iter().all(|x| x.cpc_by_group[3] > 0.0));
    let incumbents = |r: &RunResult| {
        r.days[14..]
            .iter()
            .map(|x| x.spend_by_group[..3].iter().sum::<f64>())
            .sum::<f64>()
    };
    assert!(
        incumbents(&launched) < incumbents(&plain),
        "the cohort takes share"
    );
    let better = run(|p| {
        p.users.fatigue = false;
        p.launch.enabled = true;
        p.launch.day = 14;
        p.launch.ctr_multiplier = 3.0;
    });
    let worse = run(|p| {
        p.users.fatigue = false;
        p.launch.enabled = true;
        p.launch.day = 14;
        p.launch.ctr_multiplier = 0.5;
    });
    assert!(last(&better).ctr > last(&worse).ctr);
}

#[test]
fn common_random_numbers_share_users_and_first_day_visits() {
    let a = run(|p| p.ad_load.every = 3);
    let b = run(|p| p.ad_load.every = 9);
    // No fatigue yet on day 1: the same users visit the same number of times.
    assert_eq!(a.days[0].sessions, b.days[0].sessions);
    assert_eq!(a.days[0].active_users, b.days[0].active_users);
}

#[test]
fn days_and_seed_knobs() {
    let short = run(|p| p.sim.days = 10);
    assert_eq!(short.days.len(), 10);
    assert_eq!(short.days.last().map(|d| d.day), Some(10));
    // The seed changes the draws, not the model: the same users count, different sessions.
    let other = run(|p| {
        p.sim.days = 10;
        p.sim.seed = 99;
    });
    assert_ne!(short.days[0].sessions, other.days[0].sessions);
    let again = run(|p| {
        p.sim.days = 10;
        p.sim.seed = 99;
    });
    assert_eq!(other, again);
}

#[test]
fn bad_configurations_are_named_errors() {
    let mut p = Params::default();
    p.users.count = 0;
    p.advertisers.budget_mean = -1.0;
    p.users.segments[0].ad_click = 1.5;
    let problems = Scenario::new(p).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"users.count"));
    assert!(fields.contains(&"advertisers.budget_mean"));
    assert!(fields.contains(&"users.segments[0].ad_click"));
    let text = problems[0].to_string();
    assert!(text.contains("allowed range"), "{text}");

    let mut empty = Params::default();
    empty.users.segments.clear();
    assert!(Scenario::new(empty).is_err());

    let unknown = serde_json::from_str::<Params>(r#"{"users":{"cont":5}}"#);
    assert!(unknown.unwrap_err().to_string().contains("cont"));
}

#[test]
fn first_position_and_launch_cohort_knobs() {
    // A later first ad leaves fewer slots for ads in the same feed and more organic views on top.
    let early = run(|p| {
        p.ad_load.first_position = 2;
        p.ad_load.every = 8;
    });
    let late = run(|p| {
        p.ad_load.first_position = 10;
        p.ad_load.every = 8;
    });
    assert!(whole(&late).ads_per_session < whole(&early).ads_per_session);
    assert!(first(&late).organic_engagement_per_day > first(&early).organic_engagement_per_day);

    let launch = |edit: fn(&mut Params)| {
        run(move |p| {
            p.users.fatigue = false;
            p.launch.enabled = true;
            p.launch.day = 8;
            edit(p);
        })
    };
    let cohort_spend = |r: &RunResult| r.days.iter().map(|d| d.spend_by_group[3]).sum::<f64>();
    let base_launch = launch(|_| {});
    // A richer cohort (higher value per click) bids more and wins more.
    let rich = launch(|p| p.launch.value_mean = 3.0);
    assert!(cohort_spend(&rich) > cohort_spend(&base_launch));
    // A bigger cohort budget lets it spend more.
    let funded = launch(|p| {
        p.launch.budget_mean = 6.0;
        p.launch.value_mean = 3.0;
    });
    assert!(cohort_spend(&funded) > cohort_spend(&rich));
    // More cohort members, more cohort spend.
    let crowd = launch(|p| p.launch.count = 60);
    assert!(cohort_spend(&crowd) > cohort_spend(&base_launch));
    // A higher-quality cohort is clicked more (CTR up after the launch).
    let good = launch(|p| p.launch.quality_mean = 0.9);
    let poor = launch(|p| p.launch.quality_mean = 0.2);
    assert!(last(&good).ctr > last(&poor).ctr);
}

#[test]
fn quality_spread_lets_ranking_pick_better_ads() {
    // Ranking by bid × click propensity selects the top of the quality distribution: a wider
    // spread at the same mean raises the CTR of what is shown.
    let narrow = run(|p| p.advertisers.quality_spread = 0.0);
    let wide = run(|p| p.advertisers.quality_spread = 0.3);
    assert!(first(&wide).ctr > first(&narrow).ctr);
}

#[test]
fn segment_fields_move_their_segment() {
    let plain = run(|_| {});
    let keen = run(|p| p.users.segments[2].visits_per_day = 6.0);
    assert!(whole(&keen).sessions_per_day > whole(&plain).sessions_per_day);
    assert!(keen.days[0].segment_sessions[2] > plain.days[0].segment_sessions[2]);
    assert_eq!(
        keen.days[0].segment_sessions[0],
        plain.days[0].segment_sessions[0]
    );
    let clicky = run(|p| {
        for s in &mut p.users.segments {
            s.ad_click *= 2.0;
        }
    });
    assert!(first(&clicky).ctr > first(&plain).ctr);
    let deep = run(|p| {
        for s in &mut p.users.segments {
            s.feed_depth = 40.0;
        }
    });
    assert!(first(&deep).impressions_per_day > first(&plain).impressions_per_day);
}

#[test]
fn a_launch_leaves_arrivals_and_churn_draws_unchanged() {
    // Common random numbers across designs: a cohort that never bids (zero budget) must not
    // change anything else, even with arrivals and churn running.
    let setup = |p: &mut Params| {
        p.users.fatigue = false;
        p.advertisers.arrival_rate = 2.0;
        p.advertisers.roi_target = 1.6;
    };
    let plain = run(|p| setup(p));
    let silent_launch = run(|p| {
        setup(p);
        p.launch.enabled = true;
        p.launch.day = 5;
        p.launch.count = 10;
        p.launch.budget_mean = 0.0;
    });
    for (a, b) in plain.days.iter().zip(&silent_launch.days) {
        assert_eq!(a.revenue, b.revenue, "day {}", a.day);
        assert_eq!(
            a.churned_advertisers, b.churned_advertisers,
            "day {}",
            a.day
        );
        assert_eq!(a.sessions, b.sessions, "day {}", a.day);
    }
    assert!(whole(&plain).churned_advertisers > 0);
    assert!(whole(&plain).new_advertisers > 0);
}

#[test]
fn budgets_grow_only_for_satisfied_advertisers() {
    // Unreachable ROI target: nobody is satisfied, so growth changes nothing.
    let setup = |p: &mut Params| {
        p.users.fatigue = false;
        p.advertisers.budget_mean = 0.5;
        p.advertisers.roi_target = 9.0;
        p.advertisers.churn_probability = 0.0;
    };
    let flat = run(|p| setup(p));
    let growth = run(|p| {
        setup(p);
        p.advertisers.budget_growth = 0.2;
    });
    assert_eq!(flat, growth);
}
