//! The day-by-day `max_clicks` controllers against the first-price pacing equilibrium (FPPE) of
//! the same market (Conitzer, Kroer, Panigrahi et al. 2022: budget-constrained first-price
//! bidders who pace converge to the FPPE multipliers).
//!
//! The engine's market maps onto the FPPE's as follows. With one ad per session at position 1
//! (always viewed), ranking by `w_rev · bid · e` alone (squashing 1, the other weights 0), first
//! price, no reserve and no shading, a session of user `u` is a first-price auction in which
//! advertiser `i` bids `α_i · value_i · e_ui` per impression (`e_ui` its click propensity, the
//! expected clicks of the impression) and pays that bid: the FPPE with bidder `i`'s value
//! `value_i · e_ui` for a session of `u`. Users are the goods, each with supply `v_u` (expected
//! sessions per day), so the value for good `u` is `v_u · value_i · e_ui`; budgets are the daily
//! budgets; a `max_clicks` multiplier is `1/(1 + μ)`.

use sandbox::core::auction::Format;
use sandbox::core::lab::pacing::{check_fppe, first_price_pacing, Market};
use sandbox::core::model::{Engine, Params, Scenario, Segment, Strategy};

const DAYS: u32 = 40;

/// A stationary first-price market as close to the FPPE's setting as the knobs allow: one ad
/// per session at position 1, ranking by `bid · e` alone, no reserve, no shading, the loosest
/// frequency cap, no targeting, no fatigue, churn, growth or arrivals, only `max_clicks`
/// advertisers. 2 000 users with 5 sessions a day (about 17 auctions per advertiser and hour).
fn market(budget_mean: f64, value_sigma: f64, budget_sigma: f64) -> Params {
    let mut p = Params::default();
    p.sim.days = DAYS;
    p.users.count = 2000;
    p.users.fatigue = false;
    p.users.segments = vec![Segment {
        visits_per_day: 5.0,
        ..Segment::default()
    }];
    p.auction.format = Format::FirstPrice;
    p.auction.reserve = 0.0;
    p.auction.squashing = 1.0;
    p.auction.bid_shading = Some(0.0);
    p.ad_load.first_position = 1;
    p.ad_load.top_slot = 1;
    p.ad_load.max_ads = 1;
    // The largest allowed: binds only for a user with more than 20 sessions in a day.
    p.ad_load.frequency_cap = 20;
    p.advertisers.count = 20;
    p.advertisers.targeted_share = 0.0;
    p.advertisers.churn_probability = 0.0;
    p.advertisers.arrival_rate = 0.0;
    p.advertisers.budget_growth = 0.0;
    p.advertisers.budget_mean = budget_mean;
    p.advertisers.value_sigma = value_sigma;
    p.advertisers.budget_sigma = budget_sigma;
    p.advertisers.strategies = [("max_clicks".to_string(), 1.0)].into_iter().collect();
    p
}

/// What the comparison found.
struct Comparison {
    /// Advertisers compared (those not stuck).
    compared: usize,
    /// Advertisers whose controller never moved while their FPPE multiplier is below 1.
    stuck: usize,
    /// Compared advertisers whose FPPE multiplier is below 0.99 (budget binding).
    binding: usize,
    correlation: f64,
    mean_abs_diff: f64,
    /// Mean of controller − FPPE.
    mean_diff: f64,
}

/// Runs the market, builds its FPPE and compares each advertiser's FPPE multiplier with its
/// controller's mean end-of-day multiplier over the last week.
fn compare(p: Params) -> Comparison {
    let scenario = Scenario::new(p).expect("valid");
    let mut engine = Engine::new(&scenario);
    let n = engine.advertiser_bidding().len();
    let mut last_week = vec![0.0; n];
    for day in 0..DAYS {
        engine.step_day();
        if day >= DAYS - 7 {
            for (m, a) in last_week.iter_mut().zip(engine.advertiser_bidding()) {
                *m += a.multiplier / 7.0;
            }
        }
    }
    let bidding = engine.advertiser_bidding();
    for a in &bidding {
        assert!(a.active && !a.targeted && a.strategy == Strategy::MaxClicks);
    }
    let rates = engine.visit_rates();
    let values: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            rates
                .iter()
                .enumerate()
                .map(|(u, v)| v * bidding[i].value * engine.click_propensity(u, i))
                .collect()
        })
        .collect();
    let budgets = bidding.iter().map(|a| a.budget).collect();
    let mk = Market::new(values, budgets).expect("valid market");
    let fppe = first_price_pacing(&mk).expect("converges");
    assert!(check_fppe(&mk, &fppe, 1e-9).is_empty());

    let stuck = |a: f64, c: f64| c > 1.0 - 1e-9 && a < 1.0 - 1e-9;
    let pairs: Vec<(f64, f64)> = fppe
        .multipliers
        .iter()
        .zip(&last_week)
        .filter(|(a, c)| !stuck(**a, **c))
        .map(|(a, c)| (*a, *c))
        .collect();
    let k = pairs.len() as f64;
    let mean = |f: &dyn Fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>() / k;
    let (ma, mc) = (mean(&|p| p.0), mean(&|p| p.1));
    let cov = mean(&|p| (p.0 - ma) * (p.1 - mc));
    let var_a = mean(&|p| (p.0 - ma).powi(2));
    let var_c = mean(&|p| (p.1 - mc).powi(2));
    Comparison {
        compared: pairs.len(),
        stuck: n - pairs.len(),
        binding: pairs.iter().filter(|(a, _)| *a < 0.99).count(),
        correlation: cov / (var_a * var_c).sqrt(),
        mean_abs_diff: mean(&|p| (p.0 - p.1).abs()),
        mean_diff: mc - ma,
    }
}

/// Tolerances: the controllers step once an hour by `ε = 0.05` on a noisy hourly spend (Poisson
/// sessions at uniform hours, a budget that stops a bidder once spent), and the FPPE values each
/// user at its expected sessions, so the last-week multipliers scatter around the equilibrium
/// rather than sit on it; 40 days are several times the controllers' settling time (about a
/// week here).
///
/// Measured (seed 1): correlation 0.999 over the 16 compared advertisers, mean absolute
/// difference 0.041; the controllers sit below the FPPE (mean difference −0.041, all but one
/// of 16 below). Part of that bias comes from the stuck advertisers below; with none stuck
/// (next test) it is −0.013.
///
/// Known defect, not loosened away: a controller does not step in the hour its pot runs out, so
/// an advertiser that spends its whole budget within hour 0 of day 1 at multiplier 1 (a high
/// value per click on a small budget; FPPE multipliers 0.09–0.17 here) never moves `μ` off 0
/// and bids its full value for the whole run, spending out each day in hour 0 — which leaves the
/// other 23 hours with less competition and, presumably, the others shading more than the FPPE
/// says. Those
/// advertisers (multiplier 1 all week while the FPPE's is below 1: 4 of 20 here) are left out of
/// the comparison and counted (at most a quarter may be).
#[test]
fn max_clicks_multipliers_approach_the_first_price_pacing_equilibrium() {
    let c = compare(market(5.0, 0.5, 0.6));
    assert!(c.stuck <= 5, "{} stuck controllers", c.stuck);
    assert!(
        c.binding >= 14,
        "only {} of {} budgets bind",
        c.binding,
        c.compared
    );
    assert!(c.correlation > 0.98, "correlation {}", c.correlation);
    assert!(
        c.mean_abs_diff < 0.06,
        "mean |difference| {}",
        c.mean_abs_diff
    );
    assert!(c.mean_diff < 0.0, "mean difference {}", c.mean_diff);
}

/// Budgets large enough that nobody spends out in hour 0 of day 1 (mean 15, values and budgets
/// less dispersed): no controller is stuck, 14 of 20 budgets bind, and the controllers come
/// closer. Measured: correlation 0.989, mean absolute difference 0.018, mean difference −0.013.
#[test]
fn with_no_stuck_controller_the_multipliers_come_closer() {
    let c = compare(market(15.0, 0.2, 0.2));
    assert_eq!(c.stuck, 0, "stuck controllers");
    assert!(
        c.binding >= 12,
        "only {} of {} budgets bind",
        c.binding,
        c.compared
    );
    assert!(c.correlation > 0.97, "correlation {}", c.correlation);
    assert!(
        c.mean_abs_diff < 0.03,
        "mean |difference| {}",
        c.mean_abs_diff
    );
}
