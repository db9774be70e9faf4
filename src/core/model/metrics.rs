//! Per-day metrics and their summaries: pure folds over the day records.
//!
//! Counts of impressions, clicks and engagements are **expected values** accumulated over the
//! sessions that happened (see the crate docs: only visits, churn and arrivals are drawn).

use serde::{Deserialize, Serialize};

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
}

/// Summaries of a run: first week, last week, whole run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summaries {
    /// Days 1–7 (or fewer).
    pub first_week: Summary,
    /// The last 7 days (or fewer).
    pub last_week: Summary,
    /// Every day.
    pub whole_run: Summary,
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
    }
}

/// First week, last week and whole-run summaries.
pub fn summaries(days: &[DayMetrics]) -> Summaries {
    let week = days.len().min(7);
    Summaries {
        first_week: summarise(&days[..week]),
        last_week: summarise(&days[days.len() - week..]),
        whole_run: summarise(days),
    }
}
