//! Property tests: any configuration, however wrong, is repaired into one that runs, and the run
//! never panics and never reports impossible numbers.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use proptest::prelude::*;
use sandbox::core::model::{simulate, AdLoadPolicy, Params, Scenario};

fn wild() -> impl Strategy<Value = f64> {
    prop_oneof![
        -10.0..10.0f64,
        0.0..1.0f64,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-1e300),
        Just(1e300),
        Just(0.0),
    ]
}

prop_compose! {
    fn any_params()(
        floats in proptest::collection::vec(wild(), 24),
        ints in proptest::collection::vec(0usize..80, 8),
        policy in 0usize..3,
        format in 0usize..3,
        flags in proptest::collection::vec(any::<bool>(), 4),
        seed in any::<u64>(),
    ) -> Params {
        let mut p = Params::default();
        p.sim.seed = seed;
        p.sim.days = (ints[0] % 6) as u32;
        p.users.count = ints[1] % 60;
        p.advertisers.count = ints[2] % 25;
        p.ad_load.max_ads = ints[3] % 14;
        p.ad_load.min_gap = ints[4] % 8;
        p.ad_load.top_slot = ints[5];
        p.ad_load.first_position = ints[6];
        p.ad_load.every = ints[7] % 10;
        p.ad_load.policy = AdLoadPolicy::ALL[policy];
        p.auction.format = sandbox::core::auction::Format::ALL[format];
        p.utility.w_rev = floats[0];
        p.utility.w_eng = floats[1];
        p.utility.w_qual = floats[2];
        p.utility.w_fat = floats[3];
        p.auction.reserve = floats[4];
        p.auction.squashing = floats[5];
        p.auction.bid_shading = if flags[0] { Some(floats[6]) } else { None };
        p.ad_load.theta = floats[7];
        p.ad_load.lambda = floats[8];
        p.users.fatigue_half_life_days = floats[9] * 50.0;
        p.users.blindness = floats[10];
        p.users.ad_exit_hazard = floats[11];
        p.users.mix_tilt = floats[12];
        p.users.segments[0].share = floats[13];
        p.users.segments[1].ad_click = floats[14];
        p.advertisers.value_mean = floats[15];
        p.advertisers.budget_mean = floats[16];
        p.advertisers.quality_mean = floats[17];
        p.advertisers.quality_spread = floats[18];
        p.advertisers.arrival_rate = floats[19];
        p.launch.enabled = flags[1];
        p.launch.day = 2;
        p.launch.ctr_multiplier = floats[20];
        p.users.fatigue = flags[2];
        p.ad_load.no_adjacent_same_category = flags[3];
        p.users.gap_penalty = floats[21];
        p.users.organic_decay = floats[22];
        p.advertisers.roi_target = floats[23];
        p
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn repaired_configurations_run_and_report_sane_numbers(p in any_params()) {
        let (scenario, _problems) = Scenario::repair(p);
        // A repaired scenario validates cleanly.
        prop_assert!(Scenario::new(scenario.params().clone()).is_ok());
        let r = simulate(&scenario);
        prop_assert_eq!(r.days.len(), scenario.params().sim.days as usize);
        for d in &r.days {
            for x in [d.revenue, d.impressions, d.clicks, d.ctr, d.avg_cpc, d.mean_fatigue,
                      d.total_engagement, d.budget_utilisation, d.spend_hhi] {
                prop_assert!(x.is_finite() && x >= 0.0, "{:?}", d);
            }
            prop_assert!(d.ctr <= 1.0);
            prop_assert!(d.spend_hhi <= 1.0 + 1e-12);
            prop_assert!(d.reserve_binding_rate <= 1.0 + 1e-12);
            prop_assert!(d.ads_per_session <= scenario.params().ad_load.max_ads as f64 + 1e-12);
            prop_assert!(d.active_users <= scenario.params().users.count as u64);
            // Advertisers never pay more than their clicks are worth under GSP/VCG with truthful bids.
            if scenario.bid_shading() == 0.0 && d.revenue > 0.0 {
                prop_assert!(d.advertiser_value >= d.revenue * (1.0 - 1e-9));
            }
        }
    }
}
