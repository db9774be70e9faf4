//! Two arms in one world (`core::model::experiment`): assignment alone changes nothing, the
//! extreme shares are the one-arm runs, units keep their arm, and shared budgets couple the arms
//! in the direction the literature describes.
#![cfg(not(target_arch = "wasm32"))]

use sandbox::core::model::experiment::{
    advertiser_in_treatment, arm_scenarios, day_in_treatment, per_advertiser_only, switchback_days,
    user_in_treatment, Period, SwitchbackSchedule,
};
use sandbox::core::model::knobs::{self, Role};
use sandbox::core::model::{
    run_arms, simulate, Assignment, DayMetrics, Design, Params, Scenario, Schedule,
};

fn world(users: usize, days: u32) -> Scenario {
    let mut p = Params::default();
    p.users.count = users;
    p.sim.days = days;
    p.advertisers.arrival_rate = 1.0;
    p.advertisers.churn_probability = 0.2;
    p.advertisers.roi_target = 1.2;
    Scenario::new(p).expect("valid")
}

fn schedule(days: u32) -> Schedule {
    Schedule {
        pre_days: 0,
        days,
        post_days: 0,
    }
}

fn treatment_of(world: &Scenario, edit: impl FnOnce(&mut Params)) -> Scenario {
    let mut p = world.params().clone();
    edit(&mut p);
    Scenario::new(p).expect("valid")
}

fn designs() -> [Assignment; 3] {
    [
        Assignment::User {
            treatment_share: 0.0,
        },
        Assignment::BudgetSplit {
            treatment_share: 0.0,
        },
        Assignment::Switchback {
            treatment_share: 0.0,
            schedule: SwitchbackSchedule::Independent,
        },
    ]
}

fn with_share(a: Assignment, s: f64) -> Assignment {
    match a {
        Assignment::User { .. } => Assignment::User { treatment_share: s },
        Assignment::BudgetSplit { .. } => Assignment::BudgetSplit { treatment_share: s },
        Assignment::Advertiser { .. } => Assignment::Advertiser { treatment_share: s },
        Assignment::Switchback { .. } => Assignment::Switchback {
            treatment_share: s,
            schedule: SwitchbackSchedule::Independent,
        },
    }
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn shares_zero_and_one_are_the_one_arm_runs() {
    let w = world(500, 6);
    let t = treatment_of(&w, |p| {
        p.utility.w_fat = 2.0;
        p.ad_load.max_ads = 3;
        p.auction.squashing = 0.7;
    });
    let sched = schedule(6);
    let [cs, ts] = arm_scenarios(&w, &w, &t, sched).expect("valid");
    let (truth_c, truth_t) = (simulate(&cs), simulate(&ts));
    for design in designs() {
        let zero = run_arms(&w, &w, &t, with_share(design, 0.0), sched).expect("runs");
        assert_eq!(zero.control, truth_c.days, "{} share 0", design.name());
        assert!(zero.treatment.iter().all(|d| d.sessions == 0));
        let one = run_arms(&w, &w, &t, with_share(design, 1.0), sched).expect("runs");
        assert_eq!(one.treatment, truth_t.days, "{} share 1", design.name());
        assert!(one.control.iter().all(|d| d.sessions == 0));
    }
}

#[test]
fn pre_and_post_periods_serve_control() {
    let w = world(400, 7);
    let t = treatment_of(&w, |p| p.ad_load.max_ads = 2);
    let sched = Schedule {
        pre_days: 2,
        days: 3,
        post_days: 2,
    };
    let truth_c = simulate(&arm_scenarios(&w, &w, &t, sched).expect("valid")[0]);
    for design in designs() {
        let r = run_arms(&w, &w, &t, with_share(design, 1.0), sched).expect("runs");
        assert_eq!(
            r.periods,
            [Period::Pre, Period::Pre]
                .into_iter()
                .chain([Period::Experiment; 3])
                .chain([Period::Post; 2])
                .collect::<Vec<_>>()
        );
        // Before the experiment the world is the control run's.
        assert_eq!(r.control[..2], truth_c.days[..2], "{}", design.name());
        // During it, treatment serves everyone; after it, control again.
        for (day, period) in r.periods.iter().enumerate() {
            let (served, idle) = if *period == Period::Experiment {
                (&r.treatment[day], &r.control[day])
            } else {
                (&r.control[day], &r.treatment[day])
            };
            assert!(
                served.sessions > 0 && idle.sessions == 0,
                "{}",
                design.name()
            );
        }
        // The experiment moved the world: after it, control's days differ from the control run.
        assert_ne!(r.control[5..], truth_c.days[5..]);
    }
}

/// Sums of the additive day metrics of both arms.
fn additive(d: &DayMetrics) -> [f64; 8] {
    [
        d.revenue,
        d.impressions,
        d.clicks,
        d.positions_viewed,
        d.organic_engagement,
        d.ad_engagement,
        d.advertiser_value,
        d.active_users as f64,
    ]
}

#[test]
fn assignment_alone_changes_nothing() {
    let w = world(600, 6);
    let sched = schedule(6);
    let truth = simulate(&arm_scenarios(&w, &w, &w, sched).expect("valid")[0]);
    for design in [
        Assignment::User {
            treatment_share: 0.3,
        },
        Assignment::User {
            treatment_share: 0.5,
        },
        Assignment::Switchback {
            treatment_share: 0.5,
            schedule: SwitchbackSchedule::Independent,
        },
        Assignment::Switchback {
            treatment_share: 0.5,
            schedule: SwitchbackSchedule::Balanced,
        },
        Assignment::Switchback {
            treatment_share: 0.5,
            schedule: SwitchbackSchedule::Paired,
        },
    ] {
        let r = run_arms(&w, &w, &w, design, sched).expect("runs");
        let mut both_served = false;
        for (day, truth_day) in truth.days.iter().enumerate() {
            let (c, t) = (&r.control[day], &r.treatment[day]);
            both_served |= c.sessions > 0 && t.sessions > 0;
            assert_eq!(c.sessions + t.sessions, truth_day.sessions);
            assert_eq!(c.new_advertisers, truth_day.new_advertisers);
            assert_eq!(c.churned_advertisers, truth_day.churned_advertisers);
            assert_eq!(t.active_advertisers, truth_day.active_advertisers);
            for ((x, y), want) in additive(c).iter().zip(additive(t)).zip(additive(truth_day)) {
                close(x + y, want, design.name());
            }
            for (s, want) in truth_day.segment_sessions.iter().enumerate() {
                assert_eq!(c.segment_sessions[s] + t.segment_sessions[s], *want);
            }
        }
        if let Assignment::User { .. } = design {
            assert!(both_served, "both arms must serve users every day");
            // Per-user totals add up to the arms' totals.
            for (k, arm) in [&r.control, &r.treatment].into_iter().enumerate() {
                let sessions: u64 = arm.iter().map(|d| d.sessions).sum();
                let from_users: f64 = r
                    .users
                    .iter()
                    .zip(&r.user_arm)
                    .filter(|(_, &a)| a as usize == k)
                    .map(|(u, _)| u.sessions)
                    .sum();
                assert_eq!(sessions as f64, from_users);
                let revenue: f64 = arm.iter().map(|d| d.revenue).sum();
                let adv: f64 = r.advertisers.iter().map(|a| a.arms[k].spend).sum();
                close(revenue, adv, "advertiser spend = arm revenue");
            }
        }
    }
}

#[test]
fn users_keep_their_arm_across_days_treatments_and_shares() {
    let w = world(800, 4);
    let sched = schedule(4);
    let t1 = treatment_of(&w, |p| p.ad_load.max_ads = 2);
    let t2 = treatment_of(&w, |p| p.utility.w_qual = 0.2);
    let a = run_arms(
        &w,
        &w,
        &t1,
        Assignment::User {
            treatment_share: 0.3,
        },
        sched,
    )
    .unwrap();
    let b = run_arms(
        &w,
        &w,
        &t2,
        Assignment::User {
            treatment_share: 0.3,
        },
        sched,
    )
    .unwrap();
    let c = run_arms(
        &w,
        &w,
        &t2,
        Assignment::User {
            treatment_share: 0.6,
        },
        sched,
    )
    .unwrap();
    assert_eq!(a.user_arm, b.user_arm);
    let treated = a.user_arm.iter().filter(|&&k| k == 1).count() as f64;
    // Binomial(800, 0.3): within 4 SE.
    let se = (800.0 * 0.3 * 0.7f64).sqrt();
    assert!((treated - 240.0).abs() < 4.0 * se, "{treated}");
    // A higher share only adds treated users.
    for (lo, hi) in a.user_arm.iter().zip(&c.user_arm) {
        assert!(lo <= hi);
    }
    let seed = w.params().sim.seed;
    for (u, &k) in a.user_arm.iter().enumerate() {
        assert_eq!(k == 1, user_in_treatment(seed, u as u64, 0.3));
    }
    // Every day, each arm's active users are exactly its own users with sessions: a user's
    // sessions all go to its arm (the per-user totals count only the arm's sessions).
    let control_sessions: u64 = a.control.iter().map(|d| d.sessions).sum();
    let own: f64 = a
        .users
        .iter()
        .zip(&a.user_arm)
        .filter(|(_, &k)| k == 0)
        .map(|(u, _)| u.sessions)
        .sum();
    assert_eq!(control_sessions as f64, own);
}

/// Tight budgets that bind, and a treatment whose advertisers bid more (no bid shading against
/// control's 50%).
fn binding_budgets() -> (Scenario, Scenario) {
    let mut p = Params::default();
    p.users.count = 3000;
    p.sim.days = 3;
    p.advertisers.budget_mean = 0.3;
    p.advertisers.budget_sigma = 0.3;
    p.advertisers.arrival_rate = 0.0;
    p.auction.bid_shading = Some(0.3);
    let control = Scenario::new(p.clone()).expect("valid");
    p.auction.bid_shading = Some(0.0);
    (control, Scenario::new(p).expect("valid"))
}

fn spend_share(r: &sandbox::core::model::ArmsResult) -> f64 {
    let c: f64 = r.control.iter().map(|d| d.revenue).sum();
    let t: f64 = r.treatment.iter().map(|d| d.revenue).sum();
    t / (c + t)
}

#[test]
fn shared_budgets_tilt_spend_to_the_higher_bidding_arm_and_split_budgets_do_not() {
    let (control, treatment) = binding_budgets();
    let sched = schedule(3);
    let share = 0.5;
    let user = run_arms(
        &control,
        &control,
        &treatment,
        Assignment::User {
            treatment_share: share,
        },
        sched,
    )
    .unwrap();
    let split = run_arms(
        &control,
        &control,
        &treatment,
        Assignment::BudgetSplit {
            treatment_share: share,
        },
        sched,
    )
    .unwrap();
    // Budgets bind: the advertisers spend nearly all of them in both runs (an arm's utilisation
    // counts its share of every budget, so under shared budgets the arms' average is the whole).
    for day in 0..3 {
        let whole = (1.0 - share) * user.control[day].budget_utilisation
            + share * user.treatment[day].budget_utilisation;
        assert!(whole > 0.9, "user design, day {day}: {whole}");
        assert!(split.control[day].budget_utilisation > 0.9);
        assert!(split.treatment[day].budget_utilisation > 0.9);
        // The higher-bidding arm spends more than its share of budgets only when they are shared.
        assert!(user.treatment[day].budget_utilisation > 1.1);
        assert!(user.control[day].budget_utilisation < 0.9);
    }
    // The traffic really is split about evenly.
    let traffic: f64 = user
        .treatment
        .iter()
        .map(|d| d.sessions as f64)
        .sum::<f64>()
        / user
            .control
            .iter()
            .chain(&user.treatment)
            .map(|d| d.sessions as f64)
            .sum::<f64>();
    assert!((traffic - share).abs() < 0.05, "traffic share {traffic}");
    let (s_user, s_split) = (spend_share(&user), spend_share(&split));
    assert!(
        s_user > traffic + 0.05,
        "user design: spend share {s_user}, traffic {traffic}"
    );
    assert!(
        (s_split - share).abs() < 0.03,
        "budget split: spend share {s_split}"
    );
}

#[test]
fn design_apply_moves_every_design_knob_and_no_world_knob() {
    let world = Params::default();
    let mut other = Params::default();
    // Every numeric design knob moved to its upper limit, every flag flipped.
    for spec in knobs::table().iter().filter(|s| s.role == Role::Design) {
        if let Some(l) = spec.limits() {
            (spec.set)(
                &mut other,
                &knobs::Value::Number(if l.integer { l.max.floor() } else { l.max }),
            );
        } else if let knobs::Value::Flag(b) = (spec.get)(&other) {
            (spec.set)(&mut other, &knobs::Value::Flag(!b));
        }
    }
    let (design, _) = Scenario::repair(other.clone());
    let applied = Design::of(&design).apply(&world);
    for spec in knobs::table() {
        let want = if spec.role == Role::Design {
            (spec.get)(design.params())
        } else {
            (spec.get)(&world)
        };
        assert_eq!((spec.get)(&applied), want, "{}", spec.url);
    }
}

#[test]
fn bad_experiments_name_their_field() {
    let w = world(50, 2);
    let t = treatment_of(&w, |p| p.ad_load.max_ads = 2);
    let err = run_arms(
        &w,
        &w,
        &t,
        Assignment::User {
            treatment_share: 1.5,
        },
        schedule(2),
    )
    .unwrap_err();
    assert_eq!(err.field, "treatment_share");
    let launch = treatment_of(&w, |p| p.launch.enabled = true);
    let err = run_arms(
        &w,
        &w,
        &launch,
        Assignment::User {
            treatment_share: 0.5,
        },
        schedule(2),
    )
    .unwrap_err();
    assert_eq!(err.field, "treatment.launch");
    // Advertiser randomisation accepts only per-advertiser knobs.
    assert_eq!(per_advertiser_only(&w, &t), vec!["max_ads"]);
    let reserve = treatment_of(&w, |p| p.auction.reserve = 0.2);
    assert!(per_advertiser_only(&w, &reserve).is_empty());
    let err = run_arms(
        &w,
        &w,
        &t,
        Assignment::Advertiser {
            treatment_share: 0.5,
        },
        schedule(2),
    )
    .unwrap_err();
    assert_eq!(err.field, "treatment");
}

#[test]
fn advertiser_randomisation_keys_by_identity_and_extreme_shares_are_the_one_arm_runs() {
    let w = world(500, 5);
    let sched = schedule(5);
    // Only per-advertiser knobs: treatment advertisers bid their full value (no shading) and
    // face a higher reserve.
    let base = treatment_of(&w, |p| p.auction.bid_shading = Some(0.3));
    let t = treatment_of(&w, |p| {
        p.auction.bid_shading = Some(0.0);
        p.auction.reserve = 0.08;
    });
    assert!(per_advertiser_only(&base, &t).is_empty());
    let [cs, ts] = arm_scenarios(&w, &base, &t, sched).expect("valid");
    let zero = run_arms(
        &w,
        &base,
        &t,
        Assignment::Advertiser {
            treatment_share: 0.0,
        },
        sched,
    )
    .unwrap();
    assert_eq!(zero.control, simulate(&cs).days);
    let one = run_arms(
        &w,
        &base,
        &t,
        Assignment::Advertiser {
            treatment_share: 1.0,
        },
        sched,
    )
    .unwrap();
    // One auction for everyone: the whole market is in `control`, under treatment's knobs.
    assert_eq!(one.control, simulate(&ts).days);
    assert!(one.advertiser_arm.iter().all(|&k| k == 1));

    let half = run_arms(
        &w,
        &base,
        &t,
        Assignment::Advertiser {
            treatment_share: 0.5,
        },
        sched,
    )
    .unwrap();
    let seed = w.params().sim.seed;
    assert!(!half.advertiser_arm.is_empty());
    for (unit, &k) in half.advertisers.iter().zip(&half.advertiser_arm) {
        assert_eq!(
            k == 1,
            advertiser_in_treatment(seed, unit.identity, 0.5),
            "{:?}",
            unit.identity
        );
        // Each advertiser's totals sit under its own arm.
        assert_eq!(unit.arms[1 - k as usize].spend, 0.0);
    }
    // Per-advertiser spend sums to the market's revenue.
    let market: f64 = half.control.iter().map(|d| d.revenue).sum();
    let units: f64 = half
        .advertisers
        .iter()
        .map(|a| a.arms[0].spend + a.arms[1].spend)
        .sum();
    assert!((market - units).abs() <= 1e-9 * market);
    // Treated advertisers bid more: they win more and spend more on average.
    let mean_spend = |k: u8| {
        let spends: Vec<f64> = half
            .advertisers
            .iter()
            .zip(&half.advertiser_arm)
            .filter(|(_, &a)| a == k)
            .map(|(u, _)| u.arms[k as usize].spend)
            .collect();
        spends.iter().sum::<f64>() / spends.len() as f64
    };
    assert!(
        mean_spend(1) > 1.2 * mean_spend(0),
        "{} vs {}",
        mean_spend(1),
        mean_spend(0)
    );
}

#[test]
fn every_period_keeps_its_own_unit_records_and_they_add_up_to_the_days() {
    let w = world(600, 7);
    let t = treatment_of(&w, |p| p.ad_load.every = 3);
    let sched = Schedule {
        pre_days: 2,
        days: 3,
        post_days: 2,
    };
    let r = run_arms(
        &w,
        &w,
        &t,
        Assignment::User {
            treatment_share: 0.5,
        },
        sched,
    )
    .expect("runs");
    let days = |from: usize, to: usize, k: usize| -> Vec<&DayMetrics> {
        let arm = if k == 0 { &r.control } else { &r.treatment };
        arm[from..to].iter().collect()
    };
    let revenue = |d: Vec<&DayMetrics>| d.iter().map(|d| d.revenue).sum::<f64>();
    // Pre-period: control serves everyone.
    let pre_users: f64 = r.pre.users.iter().map(|u| u.revenue).sum();
    close(pre_users, revenue(days(0, 2, 0)), "pre-period revenue");
    let pre_adv: f64 = r.advertisers_pre.iter().map(|a| a.spend).sum();
    close(pre_adv, revenue(days(0, 2, 0)), "pre-period spend");
    // Experiment: each arm's users, and each user's mean fatigue averages to the arm's.
    for k in 0..2 {
        let mine = |u: &usize| r.user_arm[*u] as usize == k;
        let users: Vec<usize> = (0..r.user_arm.len()).filter(mine).collect();
        let rev: f64 = users.iter().map(|&u| r.users[u].revenue).sum();
        close(rev, revenue(days(2, 5, k)), "experiment revenue");
        let fatigue: f64 =
            users.iter().map(|&u| r.user_fatigue[u]).sum::<f64>() / users.len() as f64 / 3.0;
        let arm_fatigue = days(2, 5, k).iter().map(|d| d.mean_fatigue).sum::<f64>() / 3.0;
        close(fatigue, arm_fatigue, "experiment mean fatigue");
    }
    // Post-period: control serves everyone; the days split by the users' experiment arms.
    assert_eq!(r.post_daily.len(), 2);
    for (i, [c, t]) in r.post_daily.iter().enumerate() {
        close(
            c.totals.revenue + t.totals.revenue,
            r.control[5 + i].revenue,
            "post day revenue",
        );
        assert_eq!(c.users + t.users, 600);
        close(
            (c.fatigue + t.fatigue) / 600.0,
            r.control[5 + i].mean_fatigue,
            "post day fatigue",
        );
    }
    let post: f64 = r.post.users.iter().map(|u| u.sessions).sum();
    let want: u64 = r.control[5..].iter().map(|d| d.sessions).sum();
    assert_eq!(post, want as f64);
}

#[test]
fn each_users_advertiser_value_and_spend_add_up_to_the_runs() {
    // Every click's value to its advertiser is attributed to the user whose session it was: over
    // each period and arm the users' totals are the days' advertiser value and spend (1e-9
    // relative: the same products, summed in another order), and in the experiment period the
    // advertisers' totals too.
    let w = world(600, 7);
    let t = treatment_of(&w, |p| {
        p.auction.bid_shading = Some(0.3);
        p.ad_load.every = 3;
    });
    let sched = Schedule {
        pre_days: 2,
        days: 3,
        post_days: 2,
    };
    for design in [
        Assignment::User {
            treatment_share: 0.4,
        },
        Assignment::BudgetSplit {
            treatment_share: 0.4,
        },
    ] {
        let r = run_arms(&w, &w, &t, design, sched).expect("runs");
        let sum = |days: &[DayMetrics], f: fn(&DayMetrics) -> f64| days.iter().map(f).sum::<f64>();
        let name = design.name();
        // Pre- and post-periods: control serves everyone.
        for (users, days, what) in [
            (&r.pre.users, &r.control[0..2], "pre"),
            (&r.post.users, &r.control[5..7], "post"),
        ] {
            let value: f64 = users.iter().map(|u| u.value).sum();
            let spend: f64 = users.iter().map(|u| u.revenue).sum();
            close(
                value,
                sum(days, |d| d.advertiser_value),
                &format!("{name} {what} value"),
            );
            close(
                value - spend,
                sum(days, |d| d.advertiser_surplus),
                &format!("{name} {what} surplus"),
            );
        }
        // Experiment: each arm's users.
        for k in 0..2 {
            let arm = if k == 0 {
                &r.control[2..5]
            } else {
                &r.treatment[2..5]
            };
            let users = (0..r.user_arm.len()).filter(|&u| r.user_arm[u] as usize == k);
            let (value, spend) = users.fold((0.0, 0.0), |(v, s), u| {
                (v + r.users[u].value, s + r.users[u].revenue)
            });
            assert!(value > 0.0, "{name}: arm {k} has advertiser value");
            close(
                value,
                sum(arm, |d| d.advertiser_value),
                &format!("{name} arm {k} value"),
            );
            close(
                value - spend,
                sum(arm, |d| d.advertiser_surplus),
                &format!("{name} arm {k} surplus"),
            );
            let advertisers: f64 = r.advertisers.iter().map(|a| a.arms[k].value).sum();
            close(
                value,
                advertisers,
                &format!("{name} arm {k} advertisers' value"),
            );
        }
    }
}

#[test]
fn advertisers_post_period_records_add_up_to_the_days() {
    // After an advertiser experiment control serves every session; each advertiser's
    // post-period totals, and each post day's sums over the arms' advertisers (by their
    // experiment arm), are the days' spend and advertiser value (1e-9).
    let w = world(400, 7);
    let t = treatment_of(&w, |p| p.auction.reserve = 1.0);
    let sched = Schedule {
        pre_days: 1,
        days: 3,
        post_days: 3,
    };
    let design = Assignment::Advertiser {
        treatment_share: 0.5,
    };
    let r = run_arms(&w, &w, &t, design, sched).expect("runs");
    let post = &r.control[4..7];
    assert_eq!(r.advertisers_post.len(), r.advertisers.len());
    let spend: f64 = r.advertisers_post.iter().map(|a| a.spend).sum();
    close(spend, post.iter().map(|d| d.revenue).sum(), "post spend");
    let value: f64 = r.advertisers_post.iter().map(|a| a.value).sum();
    close(
        value,
        post.iter().map(|d| d.advertiser_value).sum(),
        "post value",
    );
    assert_eq!(r.advertisers_post_daily.len(), 3);
    // Advertisers that arrived after the experiment have no arm: the arms' sums leave them out.
    let armed = r.advertiser_arm.len();
    let armed_spend: f64 = r.advertisers_post[..armed].iter().map(|a| a.spend).sum();
    let daily_spend: f64 = r
        .advertisers_post_daily
        .iter()
        .map(|[c, t]| c.totals.spend + t.totals.spend)
        .sum();
    close(daily_spend, armed_spend, "post spend by arm");
    for [c, t] in &r.advertisers_post_daily {
        assert_eq!(c.advertisers + t.advertisers, armed);
        assert!(c.advertisers > 0 && t.advertisers > 0);
    }
    // Other designs keep no advertisers' arms after the test, but their post totals.
    let r = run_arms(
        &w,
        &w,
        &t,
        Assignment::BudgetSplit {
            treatment_share: 0.5,
        },
        sched,
    )
    .expect("runs");
    assert!(r.advertisers_post_daily.is_empty());
    let spend: f64 = r.advertisers_post.iter().map(|a| a.spend).sum();
    close(
        spend,
        r.control[4..7].iter().map(|d| d.revenue).sum(),
        "post spend",
    );
}

fn switchback(share: f64, schedule: SwitchbackSchedule) -> Assignment {
    Assignment::Switchback {
        treatment_share: share,
        schedule,
    }
}

#[test]
fn the_independent_switchback_schedule_is_one_draw_per_day() {
    for seed in 1..=20 {
        for share in [0.2, 0.5, 0.9] {
            let days = switchback_days(seed, 14, share, SwitchbackSchedule::Independent);
            let each: Vec<bool> = (1..=14).map(|d| day_in_treatment(seed, d, share)).collect();
            assert_eq!(days, each, "seed {seed}, share {share}");
        }
    }
    // On seed 1, 14 days at 0.5: 13 treatment days and 1 control day (what `balanced` fixes).
    let days = switchback_days(1, 14, 0.5, SwitchbackSchedule::Independent);
    assert_eq!(days.iter().filter(|&&t| t).count(), 13);
}

#[test]
fn a_balanced_switchback_has_exactly_round_share_times_days_treatment_days() {
    for seed in 1..=60 {
        for days in [1, 2, 7, 14, 15, 40] {
            for share in [0.1, 0.3, 0.5, 0.75] {
                let plan = switchback_days(seed, days, share, SwitchbackSchedule::Balanced);
                assert_eq!(plan.len(), days as usize);
                let want = (share * f64::from(days)).round() as usize;
                assert_eq!(
                    plan.iter().filter(|&&t| t).count(),
                    want,
                    "seed {seed}, {days} days at {share}"
                );
            }
        }
    }
    // A uniformly random order: over 400 seeds each day is a treatment day in 7/14 = 50% of
    // them, within 4 binomial SE (2.5%), and the orders differ between seeds.
    let seeds = 400;
    let mut treated = [0usize; 14];
    let mut orders = std::collections::HashSet::new();
    for seed in 1..=seeds {
        let plan = switchback_days(seed, 14, 0.5, SwitchbackSchedule::Balanced);
        for (d, &t) in plan.iter().enumerate() {
            treated[d] += usize::from(t);
        }
        orders.insert(plan);
    }
    let se = (0.25 / seeds as f64).sqrt();
    for (d, &n) in treated.iter().enumerate() {
        let f = n as f64 / seeds as f64;
        assert!((f - 0.5).abs() <= 4.0 * se, "day {}: {f}", d + 1);
    }
    // Distinct orders: of C(14, 7) = 3432 equally likely ones, 400 draws give
    // 3432 · (1 − (1 − 1/3432)^400) ≈ 377.6 distinct on average (about 22 repeats, SD ≈ 4.6).
    let n = 3432.0_f64;
    let expected = n * (1.0 - (1.0 - 1.0 / n).powi(seeds as i32));
    let distinct = orders.len() as f64;
    assert!(
        (distinct - expected).abs() < 4.0 * 4.7,
        "{distinct} distinct orders, {expected:.1} expected"
    );
}

#[test]
fn a_paired_switchback_has_one_day_of_each_arm_per_pair() {
    let seeds = 400;
    let (mut first_treated, mut odd_treated) = (0usize, 0usize);
    for seed in 1..=seeds {
        for days in [1, 2, 13, 14] {
            let plan = switchback_days(seed, days, 0.5, SwitchbackSchedule::Paired);
            assert_eq!(plan.len(), days as usize);
            for pair in plan.chunks_exact(2) {
                assert_ne!(pair[0], pair[1], "seed {seed}, {days} days: {plan:?}");
            }
            if days == 14 {
                first_treated += usize::from(plan[0]);
            }
            if days == 13 {
                odd_treated += usize::from(plan[12]);
            }
        }
    }
    // The order within a pair and the odd last day are coin flips (within 4 binomial SE).
    let se = (0.25 / seeds as f64).sqrt();
    for n in [first_treated, odd_treated] {
        let f = n as f64 / seeds as f64;
        assert!((f - 0.5).abs() <= 4.0 * se, "{f}");
    }
}

#[test]
fn a_switchback_serves_each_day_with_its_scheduled_arm() {
    let w = world(200, 10);
    let sched = Schedule {
        pre_days: 2,
        days: 7,
        post_days: 1,
    };
    let seed = w.params().sim.seed;
    for (share, plan) in [
        (0.5, SwitchbackSchedule::Independent),
        (0.3, SwitchbackSchedule::Balanced),
        (0.5, SwitchbackSchedule::Paired),
    ] {
        let r = run_arms(&w, &w, &w, switchback(share, plan), sched).expect("runs");
        let want = switchback_days(seed, 7, share, plan);
        let served: Vec<bool> = r.day_arm[2..9].iter().map(|k| *k == Some(1)).collect();
        assert_eq!(served, want, "{plan:?}");
        assert_eq!(r.day_arm[0], Some(0));
        assert_eq!(r.day_arm[9], Some(0));
    }
    // Paired days need share 0.5: the error names the field.
    let e = run_arms(
        &w,
        &w,
        &w,
        switchback(0.3, SwitchbackSchedule::Paired),
        sched,
    )
    .expect_err("paired needs share 0.5");
    assert_eq!(e.field, "switchback_schedule");
    assert!(e.message.contains("0.5"), "{e}");
}
