//! The "no ads were shown" state: when a run shows no ad at all, its revenue, clicks and prices
//! are zeros and its ratios (ROI, CPC, CTR) have nothing to divide by. The results say so, with
//! the most likely cause read from the configuration and the advertisers' bids.

use super::format;
use crate::core::model::knobs::ads_that_fit;
use crate::core::model::{initial_bids, AdLoadPolicy, Params, RunResult, Scenario};

/// Whether the run showed no ad on any day.
pub fn shows_no_ads(result: &RunResult) -> bool {
    !result.days.is_empty() && result.days.iter().all(|d| d.impressions == 0.0)
}

/// Why the run of `params` showed no ad, when it showed none: one or two sentences naming the
/// first cause found (ads turned off, no position that fits, a reserve above every bid, no
/// budget, no positive ranking utility, the ad-load policy's bar), with its numbers.
pub fn no_ads_reason(params: &Params, result: &RunResult) -> Option<String> {
    if !shows_no_ads(result) {
        return None;
    }
    let load = &params.ad_load;
    let n = format::number;
    if load.max_ads == 0 {
        return Some("Max ads per session is 0: ads are turned off.".into());
    }
    if ads_that_fit(params) == 0 {
        let (what, position) =
            if load.policy == AdLoadPolicy::Fixed && load.first_position > load.top_slot {
                ("first ad position", load.first_position)
            } else {
                ("top ad slot", load.top_slot)
            };
        return Some(format!(
            "The {what} ({position}) is beyond the {}-position feed: no position can take an ad.",
            load.feed_length
        ));
    }
    if let Ok(scenario) = Scenario::new(params.clone()) {
        let bids = initial_bids(&scenario);
        let highest = bids.iter().map(|b| b.0).fold(f64::NEG_INFINITY, f64::max);
        if !bids.is_empty() && bids.iter().all(|(bid, reserve)| bid < reserve) {
            let later = if params.advertisers.arrival_rate > 0.0 || params.launch.enabled {
                " (advertisers who joined later bid below it too)"
            } else {
                ""
            };
            return Some(if params.auction.reserve_by_category.is_empty() {
                format!(
                    "The reserve ({} per click) is above every advertiser's bid: the highest bid \
                     is {} per click{later}. Lower the reserve below it.",
                    n(params.auction.reserve),
                    n(highest)
                )
            } else {
                format!(
                    "Every advertiser's bid is below the reserve of its category (the highest \
                     bid is {} per click){later}.",
                    n(highest)
                )
            });
        }
    }
    if params.advertisers.budget_mean == 0.0 {
        return Some("Daily budgets are 0: no advertiser can pay for a click.".into());
    }
    let u = &params.utility;
    if u.w_rev == 0.0 && u.w_eng == 0.0 && u.w_qual == 0.0 {
        return Some(
            "The revenue, engagement and quality weights are all 0: no ad has a positive \
             ranking utility."
                .into(),
        );
    }
    Some(match load.policy {
        AdLoadPolicy::Threshold => format!(
            "No ad's utility reached θ × the organic item's engagement (θ = {}): lower θ.",
            n(load.theta)
        ),
        AdLoadPolicy::Exact => format!(
            "At an engagement price λ = {}, no ad was worth the engagement it would displace: \
             lower λ.",
            n(load.lambda)
        ),
        AdLoadPolicy::Fixed => {
            "No advertiser passed the reserve, its budget, the frequency cap and its targeting."
                .into()
        }
    })
}
