//! Spend through the day: each day's spend per hour and bidding strategy, and the shares of a
//! run's spend per hour that the hourly spend chart draws.
//!
//! Traffic is uniform over the day's [`HOURS`] hours, so a budget spread evenly spends `1/HOURS`
//! of the day's spend per hour. Without pacing (`pacing_method = none`) a budget that binds is
//! spent at full bids until it runs out, so its spend is front-loaded: a budget spent out by
//! hour `h` spends all of it in the first `h` hours. Pacing (a bid multiplier or throttling)
//! holds spend back to the schedule `budget·(h+1)/HOURS`, so its shares stay closer to even.
//! [`first_half_share`] and [`dispersion`] measure the difference.

use serde::{Deserialize, Serialize};

use super::constants::HOURS;
use super::params::Strategy;

/// Number of bidding strategies ([`Strategy::ALL`]).
pub const N_STRATEGIES: usize = Strategy::ALL.len();

/// One day's spend per hour, per bidding strategy (currency): `by_strategy[s][h]` is what the
/// advertisers following `Strategy::ALL[s]` spent in hour `h` (0-based) of day `day`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HourlySpend {
    /// Day number, from 1.
    pub day: u32,
    /// Spend per strategy (in [`Strategy::ALL`] order) and hour.
    pub by_strategy: [[f64; HOURS]; N_STRATEGIES],
}

/// A run's spend through the day for one strategy: each hour's share of the strategy's spend
/// over the run's days (fractions summing to 1; a spend-weighted mean of the daily shares).
#[derive(Debug, Clone, PartialEq)]
pub struct SpendCurve {
    /// The strategy.
    pub strategy: Strategy,
    /// Share of the spend in each hour (0-based).
    pub shares: [f64; HOURS],
    /// Total spend of the strategy over the days (currency).
    pub total: f64,
}

/// Index of `strategy` in [`Strategy::ALL`].
pub fn strategy_index(strategy: Strategy) -> usize {
    Strategy::ALL
        .iter()
        .position(|&s| s == strategy)
        .unwrap_or(0)
}

/// The spend curves of every strategy with positive spend over `days`, in [`Strategy::ALL`]
/// order.
pub fn spend_curves(days: &[HourlySpend]) -> Vec<SpendCurve> {
    Strategy::ALL
        .iter()
        .enumerate()
        .filter_map(|(s, &strategy)| {
            let mut spend = [0.0; HOURS];
            for day in days {
                for (total, x) in spend.iter_mut().zip(&day.by_strategy[s]) {
                    *total += x;
                }
            }
            let total: f64 = spend.iter().sum();
            (total > 0.0 && total.is_finite()).then(|| SpendCurve {
                strategy,
                shares: spend.map(|x| x / total),
                total,
            })
        })
        .collect()
}

/// The share of the spend in the first half of the day (hours `0..HOURS/2`): 1/2 when spend is
/// even, up to 1 when budgets run out before noon.
pub fn first_half_share(shares: &[f64; HOURS]) -> f64 {
    shares[..HOURS / 2].iter().sum()
}

/// How far spend is from even: the coefficient of variation of the hourly spend,
/// `sqrt(mean_h (HOURS·share_h − 1)²)` — 0 when every hour spends `1/HOURS`, `sqrt(HOURS − 1)`
/// when one hour spends everything.
pub fn dispersion(shares: &[f64; HOURS]) -> f64 {
    let n = HOURS as f64;
    let mean_sq: f64 = shares
        .iter()
        .map(|s| (n * s - 1.0) * (n * s - 1.0))
        .sum::<f64>()
        / n;
    mean_sq.sqrt()
}
