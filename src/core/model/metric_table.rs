//! The metric table: every summary and daily metric of the model as one row — its key, labels,
//! unit, display format, which way is better, a hint, and how to read it from a [`Summary`] and
//! from a [`DayMetrics`].
//!
//! Everything that lists metrics reads this table: the KPI cards and the details table in the
//! app, the daily CSV export, the daily charts, and anything that names a metric in text (see
//! [`super::window`]). Adding a metric is one row here (plus its field in [`Summary`] or
//! [`DayMetrics`] and the fold that fills it); the details table and the CSV pick it up in table
//! order. The KPI cards and the charts are hand-picked selections that name rows by [`Metric`].
//!
//! Row order is the order of the details table (the summary rows, the same order as the fields of
//! [`Summary`]) and of the CSV's scalar columns (the daily rows, the same order as the fields of
//! [`DayMetrics`]); the daily-only rows sit where their fields sit in [`DayMetrics`].

use super::metrics::{DayMetrics, Summary};

/// Which way a metric should move for the marketplace to be doing better, judged as an economist
/// reviewing the platform would: welfare of users and advertisers and the platform's income, not
/// any one side's take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// More is better news (revenue, engagement, advertiser surplus…).
    HigherIsBetter,
    /// Less is better news (fatigue, churn, concentration).
    LowerIsBetter,
    /// Neither: a price, a volume or a policy lever whose level is a trade-off (ad load, average
    /// CPC…); the outcomes it trades between have their own rows.
    Neither,
}

impl Direction {
    /// `1.0` for higher is better, `-1.0` for lower is better, `0.0` for neither: multiply a
    /// change by it to get "how much better" (for optimisers and colouring).
    pub fn sign(self) -> f64 {
        match self {
            Direction::HigherIsBetter => 1.0,
            Direction::LowerIsBetter => -1.0,
            Direction::Neither => 0.0,
        }
    }
}

/// How a metric's value is shown to people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A plain number, precision suited to its size.
    Number,
    /// A share in `[0, 1]` shown as a percentage.
    Percent,
    /// A whole count (a total over the window, not a mean).
    Count,
}

/// How to read a metric's daily series.
#[derive(Debug, Clone, Copy)]
pub struct Daily {
    /// Column name in the daily CSV export (the [`DayMetrics`] field name).
    pub column: &'static str,
    /// Reads the day's value (counts converted exactly to `f64`).
    pub get: fn(&DayMetrics) -> f64,
}

/// One metric: everything the app, the exports and the charts need to know about it.
#[derive(Debug, Clone, Copy)]
pub struct MetricRow {
    /// The metric's typed id.
    pub metric: Metric,
    /// Stable key: the [`Summary`] field name, exactly as `sandbox simulate --summary` prints it;
    /// for a daily-only row (no summary), the [`DayMetrics`] field name.
    pub key: &'static str,
    /// Label in the details table (and wherever there is room).
    pub label: &'static str,
    /// A shorter label for cards, when [`MetricRow::label`] is too long; see
    /// [`MetricRow::short_label`].
    pub short: Option<&'static str>,
    /// Unit of the summary value (of the daily value for a daily-only row).
    pub unit: &'static str,
    /// How the value is shown.
    pub format: Format,
    /// Which way is better.
    pub direction: Direction,
    /// Why that direction: the reasoning behind [`MetricRow::direction`], in one sentence.
    pub direction_note: &'static str,
    /// What the number is, in a few words (shown under the KPI card value).
    pub hint: &'static str,
    /// Reads the metric from a summary; `None` for a daily-only row.
    pub summary: Option<fn(&Summary) -> f64>,
    /// The daily series, if [`DayMetrics`] has one. A summary is not always the mean of its
    /// daily series: ratios (CTR, average CPC…) are ratios of the window's totals.
    pub daily: Option<Daily>,
}

impl MetricRow {
    /// The label for tight places (KPI cards): [`MetricRow::short`] if set, else the label.
    pub fn short_label(&self) -> &'static str {
        self.short.unwrap_or(self.label)
    }

    /// The metric's value in `summary`, or `None` for a daily-only row.
    pub fn value(&self, summary: &Summary) -> Option<f64> {
        self.summary.map(|get| get(summary))
    }

    /// The metric's value on `day`, or `None` when it has no daily series.
    pub fn daily_value(&self, day: &DayMetrics) -> Option<f64> {
        self.daily.map(|daily| (daily.get)(day))
    }
}

/// Typed id of a metric: one variant per row of [`METRICS`], in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// `revenue_per_day`.
    RevenuePerDay,
    /// `impressions_per_day`.
    ImpressionsPerDay,
    /// `clicks_per_day`.
    ClicksPerDay,
    /// `ctr`.
    Ctr,
    /// `avg_cpc`.
    AvgCpc,
    /// `ecpm`.
    Ecpm,
    /// `sessions_per_day`.
    SessionsPerDay,
    /// `active_users_per_day`.
    ActiveUsersPerDay,
    /// `ads_per_session`.
    AdsPerSession,
    /// `ad_load`.
    AdLoad,
    /// `positions_viewed` (daily only).
    PositionsViewed,
    /// `organic_engagement_per_day`.
    OrganicEngagementPerDay,
    /// `ad_engagement` (daily only).
    AdEngagement,
    /// `engagement_per_day`.
    EngagementPerDay,
    /// `mean_fatigue`.
    MeanFatigue,
    /// `mean_blindness` (daily only).
    MeanBlindness,
    /// `advertiser_value_per_day`.
    AdvertiserValuePerDay,
    /// `advertiser_surplus_per_day`.
    AdvertiserSurplusPerDay,
    /// `roi`.
    Roi,
    /// `active_advertisers`.
    ActiveAdvertisers,
    /// `churned_advertisers`.
    ChurnedAdvertisers,
    /// `new_advertisers`.
    NewAdvertisers,
    /// `budget_utilisation`.
    BudgetUtilisation,
    /// `reserve_binding_rate`.
    ReserveBindingRate,
    /// `spend_hhi`.
    SpendHhi,
    /// `liquid_welfare_per_day`.
    LiquidWelfarePerDay,
    /// `bid_above_value_share`.
    BidAboveValueShare,
}

impl Metric {
    /// The metric's row in [`METRICS`].
    pub fn row(self) -> &'static MetricRow {
        // The variants are declared in table order; a test checks `METRICS[i].metric`.
        &METRICS[self as usize]
    }

    /// The metric's stable key (see [`MetricRow::key`]).
    pub fn key(self) -> &'static str {
        self.row().key
    }

    /// Whether the metric has a summary value (usable in `const` checks of hand-picked lists).
    pub const fn has_summary(self) -> bool {
        METRICS[self as usize].summary.is_some()
    }

    /// Whether the metric has a daily series (usable in `const` checks of hand-picked lists).
    pub const fn has_daily(self) -> bool {
        METRICS[self as usize].daily.is_some()
    }

    /// The metric whose key is `key`, if any (summary and daily-only rows alike).
    pub fn from_key(key: &str) -> Option<Metric> {
        METRICS
            .iter()
            .find(|row| row.key == key)
            .map(|row| row.metric)
    }
}

/// The rows that have a summary value, in table order (the details table's rows).
pub fn summary_rows() -> impl Iterator<Item = &'static MetricRow> {
    METRICS.iter().filter(|row| row.summary.is_some())
}

/// The rows that have a daily series, in table order (the CSV's scalar columns after `day`).
pub fn daily_rows() -> impl Iterator<Item = &'static MetricRow> {
    METRICS.iter().filter(|row| row.daily.is_some())
}

/// Fields of [`Summary`] that describe its window rather than measure anything (`from_day`,
/// `to_day`, `days`); every other field is a row of [`METRICS`].
pub const SUMMARY_WINDOW_FIELDS: [&str; 3] = ["from_day", "to_day", "days"];

/// Fields of [`Summary`] that break the window down rather than measure it as one number
/// (`by_strategy`: one entry per bidding strategy of the mix, see
/// [`super::strategy_metrics`]); they are not rows of [`METRICS`].
pub const SUMMARY_BREAKDOWN_FIELDS: [&str; 1] = ["by_strategy"];

// `Metric::row` indexes the table by variant: the rows must be in variant order.
const _: () = {
    let mut i = 0;
    while i < METRICS.len() {
        assert!(
            METRICS[i].metric as usize == i,
            "METRICS rows must be in the order of the Metric variants"
        );
        i += 1;
    }
};

/// Every metric, in table order.
pub const METRICS: [MetricRow; 27] = [
    MetricRow {
        metric: Metric::RevenuePerDay,
        key: "revenue_per_day",
        label: "Revenue / day",
        short: None,
        unit: "currency/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "the platform's income; advertisers pay only for clicks they bid for, so \
                         more of it, other rows equal, is more trade",
        hint: "advertiser spend, currency",
        summary: Some(|s| s.revenue_per_day),
        daily: Some(Daily {
            column: "revenue",
            get: |d| d.revenue,
        }),
    },
    MetricRow {
        metric: Metric::ImpressionsPerDay,
        key: "impressions_per_day",
        label: "Ad impressions / day",
        short: None,
        unit: "impressions/day",
        format: Format::Number,
        direction: Direction::Neither,
        direction_note: "a volume: more impressions sell more attention but also show users more \
                         ads; revenue, engagement and fatigue say whether it paid",
        hint: "expected ads viewed",
        summary: Some(|s| s.impressions_per_day),
        daily: Some(Daily {
            column: "impressions",
            get: |d| d.impressions,
        }),
    },
    MetricRow {
        metric: Metric::ClicksPerDay,
        key: "clicks_per_day",
        label: "Ad clicks / day",
        short: None,
        unit: "clicks/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "a click is a match the user chose and the advertiser values; more \
                         matches is more value created",
        hint: "expected ad clicks",
        summary: Some(|s| s.clicks_per_day),
        daily: Some(Daily {
            column: "clicks",
            get: |d| d.clicks,
        }),
    },
    MetricRow {
        metric: Metric::Ctr,
        key: "ctr",
        label: "CTR",
        short: None,
        unit: "share of impressions",
        format: Format::Percent,
        direction: Direction::HigherIsBetter,
        direction_note: "more clicks from the same attention: ads that are more relevant to the \
                         users who see them",
        hint: "clicks / impressions",
        summary: Some(|s| s.ctr),
        daily: Some(Daily {
            column: "ctr",
            get: |d| d.ctr,
        }),
    },
    MetricRow {
        metric: Metric::AvgCpc,
        key: "avg_cpc",
        label: "Average CPC",
        short: None,
        unit: "currency/click",
        format: Format::Number,
        direction: Direction::Neither,
        direction_note: "a price, so a transfer between advertisers and the platform: revenue \
                         and advertiser surplus show who gains from it",
        hint: "revenue / clicks",
        summary: Some(|s| s.avg_cpc),
        daily: Some(Daily {
            column: "avg_cpc",
            get: |d| d.avg_cpc,
        }),
    },
    MetricRow {
        metric: Metric::Ecpm,
        key: "ecpm",
        label: "eCPM",
        short: None,
        unit: "currency per 1000 impressions",
        format: Format::Number,
        direction: Direction::Neither,
        direction_note: "a price of attention: it rises when ads get scarcer as well as when they \
                         get better; revenue and engagement carry the verdict",
        hint: "revenue per thousand impressions",
        summary: Some(|s| s.ecpm),
        daily: Some(Daily {
            column: "ecpm",
            get: |d| d.ecpm,
        }),
    },
    MetricRow {
        metric: Metric::SessionsPerDay,
        key: "sessions_per_day",
        label: "Sessions / day",
        short: None,
        unit: "sessions/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "users coming back is the clearest sign the feed is worth their time",
        hint: "feed visits",
        summary: Some(|s| s.sessions_per_day),
        daily: Some(Daily {
            column: "sessions",
            get: |d| d.sessions as f64,
        }),
    },
    MetricRow {
        metric: Metric::ActiveUsersPerDay,
        key: "active_users_per_day",
        label: "Active users / day",
        short: None,
        unit: "users/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "more people finding the feed worth a visit",
        hint: "users with at least one session",
        summary: Some(|s| s.active_users_per_day),
        daily: Some(Daily {
            column: "active_users",
            get: |d| d.active_users as f64,
        }),
    },
    MetricRow {
        metric: Metric::AdsPerSession,
        key: "ads_per_session",
        label: "Ads placed / session",
        short: None,
        unit: "ads/session",
        format: Format::Number,
        direction: Direction::Neither,
        direction_note: "a policy lever, not an outcome: it trades revenue now against fatigue \
                         and sessions later",
        hint: "ads placed per session, viewed or not",
        summary: Some(|s| s.ads_per_session),
        daily: Some(Daily {
            column: "ads_per_session",
            get: |d| d.ads_per_session,
        }),
    },
    MetricRow {
        metric: Metric::AdLoad,
        key: "ad_load",
        label: "Ad load (ads / position viewed)",
        short: None,
        unit: "share of viewed positions",
        format: Format::Percent,
        direction: Direction::Neither,
        direction_note: "the trade-off itself: revenue against the users' experience, each with \
                         its own rows",
        hint: "ad impressions per viewed feed position",
        summary: Some(|s| s.ad_load),
        daily: Some(Daily {
            column: "ad_load",
            get: |d| d.ad_load,
        }),
    },
    MetricRow {
        metric: Metric::PositionsViewed,
        key: "positions_viewed",
        label: "Feed positions viewed",
        short: None,
        unit: "positions/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "attention users chose to give the feed, organic and ads",
        hint: "expected positions viewed, organic and ads",
        summary: None,
        daily: Some(Daily {
            column: "positions_viewed",
            get: |d| d.positions_viewed,
        }),
    },
    MetricRow {
        metric: Metric::OrganicEngagementPerDay,
        key: "organic_engagement_per_day",
        label: "Organic engagement / day",
        short: None,
        unit: "engagements/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "what users come for; ads that crowd it out cost the platform its users",
        hint: "expected organic engagements",
        summary: Some(|s| s.organic_engagement_per_day),
        daily: Some(Daily {
            column: "organic_engagement",
            get: |d| d.organic_engagement,
        }),
    },
    MetricRow {
        metric: Metric::AdEngagement,
        key: "ad_engagement",
        label: "Ad engagement",
        short: None,
        unit: "engagements/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "ads users engage with are ads they found worth their attention",
        hint: "expected engagements with ads",
        summary: None,
        daily: Some(Daily {
            column: "ad_engagement",
            get: |d| d.ad_engagement,
        }),
    },
    MetricRow {
        metric: Metric::EngagementPerDay,
        key: "engagement_per_day",
        label: "Total engagement / day",
        short: Some("Engagement / day"),
        unit: "engagements/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "the users' side of the marketplace: value they get from the feed",
        hint: "organic + ad engagements",
        summary: Some(|s| s.engagement_per_day),
        daily: Some(Daily {
            column: "total_engagement",
            get: |d| d.total_engagement,
        }),
    },
    MetricRow {
        metric: Metric::MeanFatigue,
        key: "mean_fatigue",
        label: "Mean fatigue",
        short: None,
        unit: "fatigue units per user",
        format: Format::Number,
        direction: Direction::LowerIsBetter,
        direction_note: "fatigue is the users' cost of ads and lowers future sessions",
        hint: "fatigue units per user",
        summary: Some(|s| s.mean_fatigue),
        daily: Some(Daily {
            column: "mean_fatigue",
            get: |d| d.mean_fatigue,
        }),
    },
    MetricRow {
        metric: Metric::MeanBlindness,
        key: "mean_blindness",
        label: "Mean ad-blindness multiplier",
        short: None,
        unit: "multiplier on click propensity (1 = no blindness)",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "a multiplier, 1 when users still see ads: lower means they have learnt \
                         to ignore them, which every future click pays for",
        hint: "mean multiplier on click propensity, 1 = none",
        summary: None,
        daily: Some(Daily {
            column: "mean_blindness",
            get: |d| d.mean_blindness,
        }),
    },
    MetricRow {
        metric: Metric::AdvertiserValuePerDay,
        key: "advertiser_value_per_day",
        label: "Advertiser value / day",
        short: None,
        unit: "currency/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "value created for advertisers, before what they pay",
        hint: "value advertisers got from clicks",
        summary: Some(|s| s.advertiser_value_per_day),
        daily: Some(Daily {
            column: "advertiser_value",
            get: |d| d.advertiser_value,
        }),
    },
    MetricRow {
        metric: Metric::AdvertiserSurplusPerDay,
        key: "advertiser_surplus_per_day",
        label: "Advertiser surplus / day",
        short: None,
        unit: "currency/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "the advertisers' welfare: what keeps them bidding",
        hint: "value minus spend",
        summary: Some(|s| s.advertiser_surplus_per_day),
        daily: Some(Daily {
            column: "advertiser_surplus",
            get: |d| d.advertiser_surplus,
        }),
    },
    MetricRow {
        metric: Metric::Roi,
        key: "roi",
        label: "Advertiser ROI",
        short: None,
        unit: "value per unit of spend",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "advertisers getting more for their money stay and spend more",
        hint: "value of clicks / spend",
        summary: Some(|s| s.roi),
        daily: Some(Daily {
            column: "roi",
            get: |d| d.roi,
        }),
    },
    MetricRow {
        metric: Metric::ActiveAdvertisers,
        key: "active_advertisers",
        label: "Active advertisers",
        short: None,
        unit: "advertisers (mean per day)",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "a thicker market: more competition for each slot and more variety for \
                         users",
        hint: "mean per day",
        summary: Some(|s| s.active_advertisers),
        daily: Some(Daily {
            column: "active_advertisers",
            get: |d| f64::from(d.active_advertisers),
        }),
    },
    MetricRow {
        metric: Metric::ChurnedAdvertisers,
        key: "churned_advertisers",
        label: "Advertisers churned",
        short: None,
        unit: "advertisers (total over the window)",
        format: Format::Count,
        direction: Direction::LowerIsBetter,
        direction_note: "advertisers leaving thins the market and lowers future revenue",
        hint: "advertisers that left",
        summary: Some(|s| f64::from(s.churned_advertisers)),
        daily: Some(Daily {
            column: "churned_advertisers",
            get: |d| f64::from(d.churned_advertisers),
        }),
    },
    MetricRow {
        metric: Metric::NewAdvertisers,
        key: "new_advertisers",
        label: "New advertisers",
        short: None,
        unit: "advertisers (total over the window)",
        format: Format::Count,
        direction: Direction::HigherIsBetter,
        direction_note: "entry: the market attracting new demand",
        hint: "advertisers that joined (arrivals and launches)",
        summary: Some(|s| f64::from(s.new_advertisers)),
        daily: Some(Daily {
            column: "new_advertisers",
            get: |d| f64::from(d.new_advertisers),
        }),
    },
    MetricRow {
        metric: Metric::BudgetUtilisation,
        key: "budget_utilisation",
        label: "Budget utilisation",
        short: None,
        unit: "share of budget",
        format: Format::Percent,
        direction: Direction::Neither,
        direction_note: "spent budgets mean revenue, but budgets that run out mean advertisers \
                         priced out of the rest of the day; neither end is the goal",
        hint: "spend / budget over active advertisers",
        summary: Some(|s| s.budget_utilisation),
        daily: Some(Daily {
            column: "budget_utilisation",
            get: |d| d.budget_utilisation,
        }),
    },
    MetricRow {
        metric: Metric::ReserveBindingRate,
        key: "reserve_binding_rate",
        label: "Clicks priced at reserve",
        short: None,
        unit: "share of clicks",
        format: Format::Percent,
        direction: Direction::Neither,
        direction_note: "a diagnostic of the reserve: a binding reserve raises prices but also \
                         excludes bids; revenue and surplus judge it",
        hint: "share of clicks whose price was the reserve",
        summary: Some(|s| s.reserve_binding_rate),
        daily: Some(Daily {
            column: "reserve_binding_rate",
            get: |d| d.reserve_binding_rate,
        }),
    },
    MetricRow {
        metric: Metric::SpendHhi,
        key: "spend_hhi",
        label: "Spend concentration (HHI)",
        short: None,
        unit: "index, 0–1",
        format: Format::Number,
        direction: Direction::LowerIsBetter,
        direction_note: "a market that depends on few advertisers is less competitive and more \
                         fragile, as in merger review",
        hint: "Herfindahl–Hirschman index of spend shares",
        summary: Some(|s| s.spend_hhi),
        daily: Some(Daily {
            column: "spend_hhi",
            get: |d| d.spend_hhi,
        }),
    },
    MetricRow {
        metric: Metric::LiquidWelfarePerDay,
        key: "liquid_welfare_per_day",
        label: "Liquid welfare / day",
        short: None,
        unit: "currency/day",
        format: Format::Number,
        direction: Direction::HigherIsBetter,
        direction_note: "value created for advertisers counted only up to what each could pay                          (its budget): the welfare measure for budget- and ROI-constrained                          bidders, whose value beyond their budget they could not have bought",
        hint: "Σ min(value, budget) over advertisers",
        summary: Some(|s| s.liquid_welfare_per_day),
        daily: None,
    },
    MetricRow {
        metric: Metric::BidAboveValueShare,
        key: "bid_above_value_share",
        label: "Auctions with a bid above value",
        short: None,
        unit: "share of auctions",
        format: Format::Percent,
        direction: Direction::Neither,
        direction_note: "a diagnostic of autobidding: ROI-constrained autobidders bid above value                          by design when their target allows it; prices, surplus and welfare                          judge the outcome",
        hint: "auctions where some bid exceeded its bidder's value",
        summary: Some(|s| s.bid_above_value_share),
        daily: None,
    },
];
