//! The day-by-day `max_clicks` controllers against the first-price pacing equilibrium (FPPE) of
//! the same market (Conitzer, Kroer, Panigrahi et al. 2022: budget-constrained first-price
//! bidders who pace converge to the FPPE multipliers): [`compare_with_fppe`].
//!
//! ## The mapping
//!
//! With one ad per session at position 1 (always viewed, no gap effect), ranking by
//! `w_rev · bid · e` alone (squashing 1, the other utility weights 0), first price, no reserve
//! and no shading, a session of user `u` is a first-price auction in which advertiser `i` bids
//! `α_i · value_i · e_ui` per impression (`e_ui` its click propensity, the expected clicks of the
//! impression, [`Engine::click_propensity`]) and pays that bid: the FPPE with bidder `i`'s value
//! `value_i · e_ui` for a session of `u`. Users are the goods, each with supply `v_u` (expected
//! sessions per day, [`Engine::visit_rates`]), so the value for good `u` is
//! `v_u · value_i · e_ui`; budgets are the daily budgets ([`Engine::advertiser_bidding`]); a
//! `max_clicks` multiplier is `1/(1 + μ)`.
//!
//! The mapping needs a configuration in which nothing else acts ([`mapping_conditions`] lists
//! what does not hold, each naming the field and the value it needs):
//!
//! - `auction.format` = `first_price`, `auction.reserve` = 0 and `auction.reserve_by_category`
//!   empty or all 0 (every bid competes), `auction.squashing` = 1 (rank by `bid · e`),
//!   `auction.bid_shading` = 0 (the controller bids `value/(1 + μ)`; unset means 0.3 in first
//!   price);
//! - `utility.w_eng`, `w_qual`, `w_fat` = 0 and `utility.w_rev` > 0 (rank by the bid term
//!   alone);
//! - `ad_load.policy` = `fixed`, `ad_load.first_position` = 1, `ad_load.top_slot` = 1 and
//!   `ad_load.max_ads` = 1 (one ad, at the position every session views, with no gap effect or
//!   exit hazard before it; the other policies may show no ad);
//! - `ad_load.frequency_cap` = 20, the largest allowed: it binds only for a user with more than
//!   20 sessions in a day (the FPPE has no cap);
//! - `users.fatigue` off (no ad blindness or visit decay: click propensities and visit rates
//!   stay what the FPPE is built from);
//! - every advertiser `max_clicks` (`advertisers.strategies`, with `advertisers.autobid_share`
//!   unset or 1), none targeted (`advertisers.targeted_share` = 0), no churn, arrivals or budget
//!   growth (`advertisers.churn_probability`, `arrival_rate`, `budget_growth` = 0), no launch
//!   (`launch.enabled` off) and no promotional bandwidth (`promotion.enabled` off): the same
//!   bidders and budgets every day, each competing for every user;
//! - at most [`MAX_PACING_GOODS`] users and [`MAX_PACING_BIDDERS`] advertisers (the solver's
//!   limits).
//!
//! What stays approximate: the engine draws Poisson sessions at uniform hours and its controllers
//! step once an hour on a noisy spend, with a budget that stops a bidder once spent; the FPPE
//! values each user at its expected sessions. Click propensities are capped at 1 in the engine's
//! outcomes (the FPPE uses the capped value), which matters only for extreme `ad_click`.
//!
//! ## What is compared
//!
//! Each advertiser's FPPE multiplier against its controller's mean end-of-day multiplier over the
//! last 7 days (all days when the run is shorter). An advertiser is **stuck** when its controller
//! is at 1 (`μ = 0`) while its FPPE multiplier is below 1 (both to 1e-9); the correlation and the
//! differences are over the advertisers that are not stuck.

use std::fmt;

use super::{Engine, Params, Scenario, Strategy};
use crate::core::auction::Format;
use crate::core::lab::pacing::{
    check_fppe, first_price_pacing, Market, Violation, MAX_PACING_BIDDERS, MAX_PACING_GOODS,
};
use crate::core::lab::LabError;

/// Relative tolerance of the FPPE's conditions ([`check_fppe`]) in [`FppeComparison::fppe_check`].
pub const FPPE_CHECK_TOLERANCE: f64 = 1e-9;

/// Days at the end of the run whose end-of-day multipliers are averaged.
pub const COMPARE_LAST_DAYS: u32 = 7;

/// The largest frequency cap the model allows: the one the mapping needs.
pub const LOOSEST_FREQUENCY_CAP: u32 = 20;

/// A condition of the mapping that the configuration does not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmetCondition {
    /// The configuration field, e.g. `auction.format`.
    pub field: &'static str,
    /// What the field must be, e.g. `` `first_price` ``.
    pub needs: String,
    /// The value configured.
    pub got: String,
}

impl fmt::Display for UnmetCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` must be {} (got {})",
            self.field, self.needs, self.got
        )
    }
}

/// Why [`compare_with_fppe`] could not compare.
#[derive(Debug, Clone, PartialEq)]
pub enum FppeCompareError {
    /// The configuration does not map onto an FPPE: every unmet condition.
    Conditions(Vec<UnmetCondition>),
    /// The FPPE solver rejected the market or did not converge.
    Lab(LabError),
}

impl fmt::Display for FppeCompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FppeCompareError::Conditions(unmet) => {
                f.write_str(
                    "the configuration does not map onto a first-price pacing equilibrium:",
                )?;
                for u in unmet {
                    write!(f, "\n  {u}")?;
                }
                Ok(())
            }
            FppeCompareError::Lab(e) => write!(f, "the first-price pacing equilibrium: {e}"),
        }
    }
}

impl std::error::Error for FppeCompareError {}

impl From<LabError> for FppeCompareError {
    fn from(e: LabError) -> Self {
        FppeCompareError::Lab(e)
    }
}

/// One advertiser: its FPPE multiplier and spend, its controller's multiplier, its budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdvertiserComparison {
    /// `α_i` of the FPPE.
    pub fppe_multiplier: f64,
    /// The controller's mean end-of-day multiplier `1/(1 + μ)` over the last
    /// [`COMPARE_LAST_DAYS`] days (all days when fewer).
    pub controller_multiplier: f64,
    /// Its daily budget.
    pub budget: f64,
    /// Its spend in the FPPE (per day).
    pub fppe_spend: f64,
}

impl AdvertiserComparison {
    /// Whether the controller is at 1 while the FPPE multiplier is below 1 (to 1e-9).
    pub fn stuck(&self) -> bool {
        self.controller_multiplier > 1.0 - 1e-9 && self.fppe_multiplier < 1.0 - 1e-9
    }
}

/// What [`compare_with_fppe`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct FppeComparison {
    /// Each advertiser, in index order.
    pub advertisers: Vec<AdvertiserComparison>,
    /// Pearson correlation of FPPE and controller multipliers over the advertisers not stuck
    /// (`None` with fewer than two, or when either side does not vary).
    pub correlation: Option<f64>,
    /// Mean `|controller − FPPE|` over the advertisers not stuck (`None` when all are stuck).
    pub mean_abs_difference: Option<f64>,
    /// Mean `controller − FPPE` over the advertisers not stuck (`None` when all are stuck).
    pub mean_difference: Option<f64>,
    /// Advertisers whose controller is at 1 while their FPPE multiplier is below 1.
    pub stuck: usize,
    /// The FPPE's broken conditions ([`check_fppe`] to [`FPPE_CHECK_TOLERANCE`]); empty when it
    /// is verified.
    pub fppe_check: Vec<Violation>,
}

fn unmet(field: &'static str, needs: &str, got: impl fmt::Display) -> UnmetCondition {
    UnmetCondition {
        field,
        needs: needs.to_string(),
        got: got.to_string(),
    }
}

/// Every condition of the mapping (see the module docs) that `scenario` does not meet; empty
/// when it maps onto an FPPE.
pub fn mapping_conditions(scenario: &Scenario) -> Vec<UnmetCondition> {
    let p: &Params = scenario.params();
    let mut out = Vec::new();
    let a = &p.auction;
    if a.format != Format::FirstPrice {
        out.push(unmet(
            "auction.format",
            "`first_price`",
            format!("`{}`", a.format.as_str()),
        ));
    }
    if a.reserve != 0.0 {
        out.push(unmet("auction.reserve", "0", a.reserve));
    }
    if a.reserve_by_category.iter().any(|r| *r != 0.0) {
        out.push(unmet(
            "auction.reserve_by_category",
            "empty or all 0",
            format!("{:?}", a.reserve_by_category),
        ));
    }
    if a.squashing != 1.0 {
        out.push(unmet("auction.squashing", "1", a.squashing));
    }
    let shading = scenario.bid_shading();
    if shading != 0.0 {
        let got = match a.bid_shading {
            Some(s) => s.to_string(),
            None => format!("null, which is {shading} in this format"),
        };
        out.push(unmet("auction.bid_shading", "0", got));
    }
    let w = &p.utility;
    if w.w_rev <= 0.0 {
        out.push(unmet("utility.w_rev", "above 0", w.w_rev));
    }
    for (field, value) in [
        ("utility.w_eng", w.w_eng),
        ("utility.w_qual", w.w_qual),
        ("utility.w_fat", w.w_fat),
    ] {
        if value != 0.0 {
            out.push(unmet(field, "0", value));
        }
    }
    let l = &p.ad_load;
    if l.policy != super::AdLoadPolicy::Fixed {
        out.push(unmet(
            "ad_load.policy",
            "`fixed`",
            format!("`{}`", l.policy.as_str()),
        ));
    }
    for (field, value) in [
        ("ad_load.first_position", l.first_position),
        ("ad_load.top_slot", l.top_slot),
        ("ad_load.max_ads", l.max_ads),
    ] {
        if value != 1 {
            out.push(unmet(field, "1", value));
        }
    }
    if l.frequency_cap != LOOSEST_FREQUENCY_CAP {
        out.push(unmet(
            "ad_load.frequency_cap",
            "20 (the loosest)",
            l.frequency_cap,
        ));
    }
    if p.users.fatigue {
        out.push(unmet("users.fatigue", "false", true));
    }
    if p.users.count > MAX_PACING_GOODS {
        out.push(unmet(
            "users.count",
            &format!("at most {MAX_PACING_GOODS} (the goods of the FPPE)"),
            p.users.count,
        ));
    }
    let ad = &p.advertisers;
    if ad.strategy_share(Strategy::MaxClicks) != 1.0 {
        match ad.autobid_share {
            Some(s) if s < 1.0 => {
                out.push(unmet("advertisers.autobid_share", "unset or 1", s));
            }
            _ => {
                let mix: Vec<String> = ad
                    .strategies
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                out.push(unmet(
                    "advertisers.strategies",
                    "`max_clicks` only",
                    format!("{{{}}}", mix.join(", ")),
                ));
            }
        }
    }
    if ad.count > MAX_PACING_BIDDERS {
        out.push(unmet(
            "advertisers.count",
            &format!("at most {MAX_PACING_BIDDERS} (the bidders of the FPPE)"),
            ad.count,
        ));
    }
    for (field, value) in [
        ("advertisers.targeted_share", ad.targeted_share),
        ("advertisers.churn_probability", ad.churn_probability),
        ("advertisers.arrival_rate", ad.arrival_rate),
        ("advertisers.budget_growth", ad.budget_growth),
    ] {
        if value != 0.0 {
            out.push(unmet(field, "0", value));
        }
    }
    if p.launch.enabled {
        out.push(unmet("launch.enabled", "false", true));
    }
    if p.promotion.enabled {
        out.push(unmet("promotion.enabled", "false", true));
    }
    out
}

/// Runs `scenario` day by day and compares each advertiser's `max_clicks` multiplier (the mean of
/// its end-of-day multipliers over the last [`COMPARE_LAST_DAYS`] days, all days when fewer) with
/// the FPPE of the same market (see the module docs). Errors list every unmet condition of the
/// mapping, each naming the configuration field and the value it needs.
pub fn compare_with_fppe(scenario: &Scenario) -> Result<FppeComparison, FppeCompareError> {
    let unmet_conditions = mapping_conditions(scenario);
    if !unmet_conditions.is_empty() {
        return Err(FppeCompareError::Conditions(unmet_conditions));
    }
    let days = scenario.params().sim.days;
    let window = days.min(COMPARE_LAST_DAYS);
    let mut engine = Engine::new(scenario);
    let n = engine.advertiser_bidding().len();
    let mut last_days = vec![0.0; n];
    for day in 0..days {
        engine.step_day();
        if day >= days - window {
            for (m, a) in last_days.iter_mut().zip(engine.advertiser_bidding()) {
                *m += a.multiplier / window as f64;
            }
        }
    }
    let bidding = engine.advertiser_bidding();
    // The conditions keep every advertiser active, untargeted and `max_clicks`.
    debug_assert!(bidding
        .iter()
        .all(|a| a.active && !a.targeted && a.strategy == Strategy::MaxClicks));
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
    let budgets: Vec<f64> = bidding.iter().map(|a| a.budget).collect();
    let market = Market::new(values, budgets.clone())?;
    let fppe = first_price_pacing(&market)?;
    let fppe_check = check_fppe(&market, &fppe, FPPE_CHECK_TOLERANCE);

    let advertisers: Vec<AdvertiserComparison> = (0..n)
        .map(|i| AdvertiserComparison {
            fppe_multiplier: fppe.multipliers[i],
            controller_multiplier: last_days[i],
            budget: budgets[i],
            fppe_spend: fppe.spend[i],
        })
        .collect();
    let pairs: Vec<(f64, f64)> = advertisers
        .iter()
        .filter(|a| !a.stuck())
        .map(|a| (a.fppe_multiplier, a.controller_multiplier))
        .collect();
    let stuck = n - pairs.len();
    let k = pairs.len() as f64;
    let mean = |f: &dyn Fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>() / k;
    let (mean_abs_difference, mean_difference, correlation) = if pairs.is_empty() {
        (None, None, None)
    } else {
        let (ma, mc) = (mean(&|p| p.0), mean(&|p| p.1));
        let cov = mean(&|p| (p.0 - ma) * (p.1 - mc));
        let var_a = mean(&|p| (p.0 - ma) * (p.0 - ma));
        let var_c = mean(&|p| (p.1 - mc) * (p.1 - mc));
        let correlation =
            (pairs.len() >= 2 && var_a > 0.0 && var_c > 0.0).then(|| cov / (var_a * var_c).sqrt());
        (
            Some(mean(&|p| (p.0 - p.1).abs())),
            Some(mc - ma),
            correlation,
        )
    };
    Ok(FppeComparison {
        advertisers,
        correlation,
        mean_abs_difference,
        mean_difference,
        stuck,
        fppe_check,
    })
}
