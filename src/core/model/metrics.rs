//! Per-day metrics and their summaries: pure folds over the day records.
//!
//! Counts of impressions, clicks and engagements are **expected values** accumulated over the
//! sessions that happened (see the crate docs: only visits, churn and arrivals are drawn).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::strategy_metrics::StrategySummary;

/// What happened on one simulated day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayMetrics {
    /// Day number, from 1.
    pub day: u32,
    /// Advertiser spend = platform revenue (currency).
    pub revenue: f64,
    /// Expected ad impressions (ads viewed).
    pub impressions: f64,
    /// Expected ad clicks.
    pub clicks: f64,
    /// Clicks per impression.
    pub ctr: f64,
    /// Average cost per click (currency).
    pub avg_cpc: f64,
    /// Revenue per thousand impressions (currency).
    pub ecpm: f64,
    /// Feed sessions.
    pub sessions: u64,
    /// Users with at least one session.
    pub active_users: u64,
    /// Ads placed per session (served, whether or not viewed).
    pub ads_per_session: f64,
    /// Ad impressions per viewed feed position.
    pub ad_load: f64,
    /// Expected feed positions viewed (organic and ads).
    pub positions_viewed: f64,
    /// Expected organic engagements.
    pub organic_engagement: f64,
    /// Expected engagements with ads.
    pub ad_engagement: f64,
    /// Organic plus ad engagements.
    pub total_engagement: f64,
    /// Mean fatigue over all users at the end of the day.
    pub mean_fatigue: f64,
    /// Mean ad-blindness multiplier on click propensity over all users (1 = none).
    pub mean_blindness: f64,
    /// Value advertisers got from clicks (currency).
    pub advertiser_value: f64,
    /// Value minus spend (currency).
    pub advertiser_surplus: f64,
    /// Value per unit of spend (0 when nothing was spent).
    pub roi: f64,
    /// Advertisers active during the day.
    pub active_advertisers: u32,
    /// Advertisers that left at the end of the day.
    pub churned_advertisers: u32,
    /// Advertisers that joined at the start of the day (arrivals and launches).
    pub new_advertisers: u32,
    /// Spend / budget over active advertisers.
    pub budget_utilisation: f64,
    /// Share of expected clicks whose price was the reserve.
    pub reserve_binding_rate: f64,
    /// Herfindahl–Hirschman index of spend shares (0–1).
    pub spend_hhi: f64,
    /// Spend by advertiser group: incumbents by quality tercile (low, mid, high), then launched.
    pub spend_by_group: [f64; 4],
    /// Average price per click by advertiser group (same groups; 0 when a group got no clicks).
    pub cpc_by_group: [f64; 4],
    /// Average price per click paid by incumbents (every advertiser not in a launched cohort).
    pub incumbent_cpc: f64,
    /// Sessions per segment, in segment order.
    pub segment_sessions: Vec<u64>,
    /// Total engagement per segment.
    pub segment_engagement: Vec<f64>,
    /// Mean fatigue per segment at the end of the day.
    pub segment_fatigue: Vec<f64>,
    /// Revenue per segment.
    pub segment_revenue: Vec<f64>,
    /// Liquid welfare (currency): `Σ_i min(value_i, budget_i)` over the advertisers active
    /// during the day, `value_i` the value of the clicks it won today and `budget_i` its daily
    /// budget (Aggarwal, Badanidiyuru & Mehta 2019). Value an advertiser got beyond its budget
    /// counts only up to the budget: what it could have paid for.
    #[serde(default)]
    pub liquid_welfare: f64,
    /// Ad auctions held: sessions that placed at least one ad (see
    /// [`Summary::bid_above_value_share`]).
    #[serde(default)]
    pub auctions: u64,
    /// Auctions in which at least one submitted bid per click exceeded its bidder's value per
    /// click (see [`Summary::bid_above_value_share`]).
    #[serde(default)]
    pub auctions_bid_above_value: u64,
}

/// Names of [`DayMetrics::spend_by_group`]'s entries.
pub const SPEND_GROUPS: [&str; 4] = [
    "low-quality incumbents",
    "mid-quality incumbents",
    "high-quality incumbents",
    "launched cohort",
];

/// Totals and means over a window of days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// First day of the window (from 1).
    pub from_day: u32,
    /// Last day of the window.
    pub to_day: u32,
    /// Days in the window.
    pub days: u32,
    /// Revenue per day.
    pub revenue_per_day: f64,
    /// Expected impressions per day.
    pub impressions_per_day: f64,
    /// Expected clicks per day.
    pub clicks_per_day: f64,
    /// Clicks / impressions over the window.
    pub ctr: f64,
    /// Revenue / clicks over the window.
    pub avg_cpc: f64,
    /// Revenue per thousand impressions over the window.
    pub ecpm: f64,
    /// Sessions per day.
    pub sessions_per_day: f64,
    /// Active users per day.
    pub active_users_per_day: f64,
    /// Ads placed per session over the window.
    pub ads_per_session: f64,
    /// Ad impressions per viewed position over the window.
    pub ad_load: f64,
    /// Organic engagements per day.
    pub organic_engagement_per_day: f64,
    /// Total engagements per day.
    pub engagement_per_day: f64,
    /// Mean of the daily mean fatigue.
    pub mean_fatigue: f64,
    /// Advertiser value per day.
    pub advertiser_value_per_day: f64,
    /// Advertiser surplus per day.
    pub advertiser_surplus_per_day: f64,
    /// Value / spend over the window.
    pub roi: f64,
    /// Mean active advertisers.
    pub active_advertisers: f64,
    /// Advertisers that left during the window.
    pub churned_advertisers: u32,
    /// Advertisers that joined during the window.
    pub new_advertisers: u32,
    /// Mean daily budget utilisation.
    pub budget_utilisation: f64,
    /// Share of clicks priced at the reserve over the window.
    pub reserve_binding_rate: f64,
    /// Mean daily spend HHI.
    pub spend_hhi: f64,
    /// Liquid welfare per day: `Σ_i min(value_i, budget_i)` over advertisers, each day's value
    /// of clicks against that day's budget ([`DayMetrics::liquid_welfare`]), averaged over the
    /// window. At most the advertiser value and at most the sum of budgets.
    #[serde(default)]
    pub liquid_welfare_per_day: f64,
    /// Share of the window's auctions in which at least one submitted bid exceeded its bidder's
    /// value per click. An auction is a session that places at least one ad; its submitted bids
    /// are the bids its pricing sees — the placed ads' and the first unplaced candidate's (the
    /// best by ranking utility after them), each bid per click as it stood at that hour (after
    /// pacing and the strategy's multiplier); a bid exceeds the value when `bid > value`
    /// strictly. Manual bidders with
    /// shading ≥ 0 never do (their bid is `value·(1 − shading)·pacing`, pacing ≤ 1); autobidders
    /// whose multiplier is above 1 (a `target_roas` below what truthful bidding earns) do.
    /// 0 when there were no auctions.
    #[serde(default)]
    pub bid_above_value_share: f64,
    /// Per bidding strategy present in the mix (its name → its numbers over the window). Filled
    /// by [`super::simulate`]; empty in summaries folded from day records alone ([`summarise`]),
    /// which do not know who bid how.
    #[serde(default)]
    pub by_strategy: BTreeMap<String, StrategySummary>,
}

/// Summaries of a run: first week, last week, whole run.
///
/// In JSON `promotion` is written only when present, so runs without promotional bandwidth print
/// as before it existed; binary encodings always carry it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Summaries {
    /// Days 1–7 (or fewer).
    pub first_week: Summary,
    /// The last 7 days (or fewer).
    pub last_week: Summary,
    /// Every day.
    pub whole_run: Summary,
    /// The promoted class and everyone else over the same windows, when promotional bandwidth is
    /// on.
    #[serde(default)]
    pub promotion: Option<PromotionSummaries>,
}

impl Serialize for Summaries {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let skip = serializer.is_human_readable() && self.promotion.is_none();
        let mut st = serializer.serialize_struct("Summaries", if skip { 3 } else { 4 })?;
        st.serialize_field("first_week", &self.first_week)?;
        st.serialize_field("last_week", &self.last_week)?;
        st.serialize_field("whole_run", &self.whole_run)?;
        if skip {
            st.skip_field("promotion")?;
        } else {
            st.serialize_field("promotion", &self.promotion)?;
        }
        st.end()
    }
}

/// One day of promotional bandwidth: what the promoted class got (expected values, like every
/// count of [`DayMetrics`]). Everyone else's share is the day's total minus these.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromotionDay {
    /// Day number, from 1.
    pub day: u32,
    /// Sessions drawn as promoted.
    pub promoted_sessions: u64,
    /// Promoted sessions in which at least one promoted ad was eligible, so only promoted ads
    /// competed (the others fell back to the normal auction).
    pub restricted_sessions: u64,
    /// Expected impressions of promoted ads (in any session).
    pub impressions: f64,
    /// Expected clicks on promoted ads.
    pub clicks: f64,
    /// Spend of promoted advertisers.
    pub spend: f64,
    /// Value promoted advertisers got from clicks.
    pub value: f64,
}

/// The promoted class against everyone else over one window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromotionSummary {
    /// Share of sessions drawn as promoted.
    pub promoted_session_share: f64,
    /// Share of promoted sessions that fell back to the normal auction (no promoted ad eligible).
    pub fallback_rate: f64,
    /// The promoted class's share of all ad impressions.
    pub promoted_impression_share: f64,
    /// Promoted impressions per day.
    pub promoted_impressions_per_day: f64,
    /// Clicks on promoted ads per day.
    pub promoted_clicks_per_day: f64,
    /// Promoted advertisers' spend per day.
    pub promoted_spend_per_day: f64,
    /// Promoted advertisers' spend / clicks.
    pub promoted_cpc: f64,
    /// Promoted advertisers' value / spend.
    pub promoted_roi: f64,
    /// Everyone else's impressions per day.
    pub others_impressions_per_day: f64,
    /// Everyone else's spend per day: the platform's revenue from them.
    pub others_revenue_per_day: f64,
    /// Everyone else's spend / clicks.
    pub others_cpc: f64,
    /// Everyone else's value minus spend, per day.
    pub others_surplus_per_day: f64,
    /// Everyone else's value / spend.
    pub others_roi: f64,
}

/// [`PromotionSummary`] over the windows of [`Summaries`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromotionSummaries {
    /// Days 1–7 (or fewer).
    pub first_week: PromotionSummary,
    /// The last 7 days (or fewer).
    pub last_week: PromotionSummary,
    /// Every day.
    pub whole_run: PromotionSummary,
}

/// Summarises a window of promotion records against the same window of day records.
pub fn summarise_promotion(days: &[DayMetrics], promo: &[PromotionDay]) -> PromotionSummary {
    if days.is_empty() {
        return PromotionSummary::default();
    }
    let n = days.len() as f64;
    let sum = |f: fn(&DayMetrics) -> f64| days.iter().map(f).sum::<f64>();
    let psum = |f: fn(&PromotionDay) -> f64| promo.iter().map(f).sum::<f64>();
    let (sessions, impressions, clicks, revenue, value) = (
        sum(|d| d.sessions as f64),
        sum(|d| d.impressions),
        sum(|d| d.clicks),
        sum(|d| d.revenue),
        sum(|d| d.advertiser_value),
    );
    let promoted = psum(|p| p.promoted_sessions as f64);
    let restricted = psum(|p| p.restricted_sessions as f64);
    let (p_imp, p_clicks, p_spend, p_value) = (
        psum(|p| p.impressions),
        psum(|p| p.clicks),
        psum(|p| p.spend),
        psum(|p| p.value),
    );
    let (o_imp, o_clicks, o_spend, o_value) = (
        impressions - p_imp,
        clicks - p_clicks,
        revenue - p_spend,
        value - p_value,
    );
    PromotionSummary {
        promoted_session_share: ratio(promoted, sessions),
        fallback_rate: ratio(promoted - restricted, promoted),
        promoted_impression_share: ratio(p_imp, impressions),
        promoted_impressions_per_day: p_imp / n,
        promoted_clicks_per_day: p_clicks / n,
        promoted_spend_per_day: p_spend / n,
        promoted_cpc: ratio(p_spend, p_clicks),
        promoted_roi: ratio(p_value, p_spend),
        others_impressions_per_day: o_imp / n,
        others_revenue_per_day: o_spend / n,
        others_cpc: ratio(o_spend, o_clicks),
        others_surplus_per_day: (o_value - o_spend) / n,
        others_roi: ratio(o_value, o_spend),
    }
}

/// First week, last week and whole run of the promotion records (one per day record).
pub fn promotion_summaries(days: &[DayMetrics], promo: &[PromotionDay]) -> PromotionSummaries {
    let week = days.len().min(7);
    let n = days.len();
    PromotionSummaries {
        first_week: summarise_promotion(&days[..week], &promo[..week.min(promo.len())]),
        last_week: summarise_promotion(
            &days[n - week..],
            &promo[promo.len().saturating_sub(week)..],
        ),
        whole_run: summarise_promotion(days, promo),
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

/// Summarises `days` (a contiguous window); an empty window gives zeros.
pub fn summarise(days: &[DayMetrics]) -> Summary {
    let n = days.len() as f64;
    if days.is_empty() {
        return Summary::default();
    }
    let sum = |f: fn(&DayMetrics) -> f64| days.iter().map(f).sum::<f64>();
    let revenue = sum(|d| d.revenue);
    let impressions = sum(|d| d.impressions);
    let clicks = sum(|d| d.clicks);
    let sessions = sum(|d| d.sessions as f64);
    let value = sum(|d| d.advertiser_value);
    let positions = sum(|d| d.positions_viewed);
    let placed = sum(|d| d.ads_per_session * d.sessions as f64);
    let reserve_clicks = sum(|d| d.reserve_binding_rate * d.clicks);
    let auctions = sum(|d| d.auctions as f64);
    Summary {
        from_day: days[0].day,
        to_day: days[days.len() - 1].day,
        days: days.len() as u32,
        revenue_per_day: revenue / n,
        impressions_per_day: impressions / n,
        clicks_per_day: clicks / n,
        ctr: ratio(clicks, impressions),
        avg_cpc: ratio(revenue, clicks),
        ecpm: 1000.0 * ratio(revenue, impressions),
        sessions_per_day: sessions / n,
        active_users_per_day: sum(|d| d.active_users as f64) / n,
        ads_per_session: ratio(placed, sessions),
        ad_load: ratio(impressions, positions),
        organic_engagement_per_day: sum(|d| d.organic_engagement) / n,
        engagement_per_day: sum(|d| d.total_engagement) / n,
        mean_fatigue: sum(|d| d.mean_fatigue) / n,
        advertiser_value_per_day: value / n,
        advertiser_surplus_per_day: (value - revenue) / n,
        roi: ratio(value, revenue),
        active_advertisers: sum(|d| d.active_advertisers as f64) / n,
        churned_advertisers: days.iter().map(|d| d.churned_advertisers).sum(),
        new_advertisers: days.iter().map(|d| d.new_advertisers).sum(),
        budget_utilisation: sum(|d| d.budget_utilisation) / n,
        reserve_binding_rate: ratio(reserve_clicks, clicks),
        spend_hhi: sum(|d| d.spend_hhi) / n,
        liquid_welfare_per_day: sum(|d| d.liquid_welfare) / n,
        bid_above_value_share: ratio(sum(|d| d.auctions_bid_above_value as f64), auctions),
        by_strategy: BTreeMap::new(),
    }
}

/// First week, last week and whole-run summaries.
pub fn summaries(days: &[DayMetrics]) -> Summaries {
    let week = days.len().min(7);
    Summaries {
        first_week: summarise(&days[..week]),
        last_week: summarise(&days[days.len() - week..]),
        whole_run: summarise(days),
        promotion: None,
    }
}
