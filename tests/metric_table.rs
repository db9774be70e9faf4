//! The metric table: one row per summary field and per daily series, accessors that read their
//! own field, the `window.metric` parser, and the orders and labels the app and the CSV show.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::collections::BTreeSet;

use sandbox::config::export::daily_csv;
use sandbox::core::model::{
    daily_rows, summary_rows, DayMetrics, Direction, Format, Metric, RunResult, Summaries, Summary,
    Window, WindowedMetric, WindowedMetricError, METRICS, SUMMARY_BREAKDOWN_FIELDS,
    SUMMARY_WINDOW_FIELDS,
};
use serde_json::Value;

/// The object keys of `json` in the order they are written. The structs serialised here hold
/// numbers and arrays of numbers only, so every quoted string is a key.
fn keys_in_order(json: &str) -> Vec<String> {
    json.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// `value` with every number replaced by a distinct whole number (1, 2, 3… in the order they
/// are written), so an accessor that reads the wrong field reads the wrong number.
fn distinct_numbers(value: &mut Value, next: &mut u64) {
    match value {
        Value::Number(n) => {
            *n = (*next).into();
            *next += 1;
        }
        Value::Array(items) => items.iter_mut().for_each(|v| distinct_numbers(v, next)),
        Value::Object(map) => map.values_mut().for_each(|v| distinct_numbers(v, next)),
        _ => {}
    }
}

fn distinct_summary(start: u64) -> (Summary, Value) {
    let mut value = serde_json::to_value(Summary::default()).unwrap();
    distinct_numbers(&mut value, &mut { start });
    (serde_json::from_value(value.clone()).unwrap(), value)
}

fn distinct_day() -> (DayMetrics, Value) {
    let mut value = serde_json::to_value(DayMetrics {
        segment_sessions: vec![0; 3],
        segment_engagement: vec![0.0; 3],
        segment_fatigue: vec![0.0; 3],
        segment_revenue: vec![0.0; 3],
        ..DayMetrics::default()
    })
    .unwrap();
    distinct_numbers(&mut value, &mut 1);
    (serde_json::from_value(value.clone()).unwrap(), value)
}

#[test]
fn one_row_per_summary_field_in_field_order() {
    let fields: Vec<String> = keys_in_order(&serde_json::to_string(&Summary::default()).unwrap())
        .into_iter()
        .filter(|k| !SUMMARY_WINDOW_FIELDS.contains(&k.as_str()))
        .filter(|k| !SUMMARY_BREAKDOWN_FIELDS.contains(&k.as_str()))
        .collect();
    let rows: Vec<&str> = summary_rows().map(|r| r.key).collect();
    assert_eq!(rows, fields, "summary rows against the fields of Summary");
    // The same through the serde_json map the brief names (sorted keys there).
    let Value::Object(map) = serde_json::to_value(Summary::default()).unwrap() else {
        panic!("Summary is an object")
    };
    let json_keys: BTreeSet<&str> = map.keys().map(String::as_str).collect();
    let table_keys: BTreeSet<&str> = summary_rows()
        .map(|r| r.key)
        .chain(SUMMARY_WINDOW_FIELDS)
        .chain(SUMMARY_BREAKDOWN_FIELDS)
        .collect();
    assert_eq!(table_keys, json_keys);
}

#[test]
fn every_summary_accessor_reads_its_own_field() {
    let (summary, value) = distinct_summary(1);
    for row in summary_rows() {
        let expected = value[row.key].as_f64().unwrap();
        assert_eq!(row.value(&summary), Some(expected), "{}", row.key);
    }
}

#[test]
fn every_daily_accessor_reads_its_own_column() {
    let (day, value) = distinct_day();
    for row in daily_rows() {
        let daily = row.daily.unwrap();
        let expected = value[daily.column].as_f64();
        assert!(
            expected.is_some(),
            "{} is not a DayMetrics field",
            daily.column
        );
        assert_eq!(row.daily_value(&day), expected, "{}", row.key);
    }
}

/// Scalar fields of [`DayMetrics`] that are not daily series of the table: the day itself, and
/// the incumbents' CPC, which the CSV has never had (adding it would change the export).
/// The liquid welfare and the auction counts are read through their summaries only (the CSV
/// keeps its columns).
const DAILY_SCALARS_OUTSIDE_THE_TABLE: [&str; 5] = [
    "day",
    "incumbent_cpc",
    "liquid_welfare",
    "auctions",
    "auctions_bid_above_value",
];

#[test]
fn every_scalar_day_column_is_a_row_in_field_order() {
    let (_, value) = distinct_day();
    let scalars: Vec<String> = keys_in_order(&serde_json::to_string(&value).unwrap())
        .into_iter()
        .filter(|k| value[k.as_str()].is_number())
        .filter(|k| !DAILY_SCALARS_OUTSIDE_THE_TABLE.contains(&k.as_str()))
        .collect();
    let columns: Vec<&str> = daily_rows().map(|r| r.daily.unwrap().column).collect();
    // `to_value` sorts keys; read the declaration order from the struct itself.
    let ordered: Vec<String> =
        keys_in_order(&serde_json::to_string(&DayMetrics::default()).unwrap())
            .into_iter()
            .filter(|k| scalars.contains(k))
            .collect();
    assert_eq!(columns, ordered);
}

#[test]
fn keys_and_columns_are_unique_and_ids_match_rows() {
    let keys: BTreeSet<&str> = METRICS.iter().map(|r| r.key).collect();
    assert_eq!(keys.len(), METRICS.len(), "duplicate keys");
    let columns: BTreeSet<&str> = daily_rows().map(|r| r.daily.unwrap().column).collect();
    assert_eq!(columns.len(), daily_rows().count(), "duplicate columns");
    for (i, row) in METRICS.iter().enumerate() {
        assert_eq!(row.metric as usize, i, "{}", row.key);
        assert_eq!(row.metric.row().key, row.key);
        assert_eq!(Metric::from_key(row.key), Some(row.metric));
        assert_eq!(row.metric.has_summary(), row.summary.is_some());
        assert_eq!(row.metric.has_daily(), row.daily.is_some());
        assert!(
            row.summary.is_some() || row.daily.is_some(),
            "{} has no value at all",
            row.key
        );
    }
    assert_eq!(
        Metric::from_key("revenue"),
        None,
        "CSV columns are not keys"
    );
}

#[test]
fn every_row_has_a_direction_with_a_reason_and_texts() {
    for row in &METRICS {
        for (what, text) in [
            ("label", row.label),
            ("short label", row.short_label()),
            ("unit", row.unit),
            ("hint", row.hint),
            ("direction note", row.direction_note),
        ] {
            assert!(!text.trim().is_empty(), "{} has no {what}", row.key);
        }
    }
    let direction = |m: Metric| m.row().direction;
    for m in [
        Metric::RevenuePerDay,
        Metric::EngagementPerDay,
        Metric::SessionsPerDay,
        Metric::Roi,
        Metric::AdvertiserSurplusPerDay,
        Metric::ActiveAdvertisers,
        Metric::MeanBlindness, // a multiplier: 1 = no blindness
    ] {
        assert_eq!(direction(m), Direction::HigherIsBetter, "{m:?}");
    }
    for m in [
        Metric::MeanFatigue,
        Metric::ChurnedAdvertisers,
        Metric::SpendHhi,
    ] {
        assert_eq!(direction(m), Direction::LowerIsBetter, "{m:?}");
    }
    for m in [
        Metric::AdLoad,
        Metric::AvgCpc,
        Metric::Ecpm,
        Metric::AdsPerSession,
    ] {
        assert_eq!(direction(m), Direction::Neither, "{m:?}");
    }
    assert_eq!(Direction::HigherIsBetter.sign(), 1.0);
    assert_eq!(Direction::LowerIsBetter.sign(), -1.0);
    assert_eq!(Direction::Neither.sign(), 0.0);
}

/// The details table's rows as the app showed them before the table existed: key, label, and
/// whether the value is a percentage. The app reads them from the table now.
#[test]
fn details_rows_keep_their_keys_labels_and_formats() {
    let expected: [(&str, &str, bool); 24] = [
        ("revenue_per_day", "Revenue / day", false),
        ("impressions_per_day", "Ad impressions / day", false),
        ("clicks_per_day", "Ad clicks / day", false),
        ("ctr", "CTR", true),
        ("avg_cpc", "Average CPC", false),
        ("ecpm", "eCPM", false),
        ("sessions_per_day", "Sessions / day", false),
        ("active_users_per_day", "Active users / day", false),
        ("ads_per_session", "Ads placed / session", false),
        ("ad_load", "Ad load (ads / position viewed)", true),
        (
            "organic_engagement_per_day",
            "Organic engagement / day",
            false,
        ),
        ("engagement_per_day", "Total engagement / day", false),
        ("mean_fatigue", "Mean fatigue", false),
        ("advertiser_value_per_day", "Advertiser value / day", false),
        (
            "advertiser_surplus_per_day",
            "Advertiser surplus / day",
            false,
        ),
        ("roi", "Advertiser ROI", false),
        ("active_advertisers", "Active advertisers", false),
        ("churned_advertisers", "Advertisers churned", false),
        ("new_advertisers", "New advertisers", false),
        ("budget_utilisation", "Budget utilisation", true),
        ("reserve_binding_rate", "Clicks priced at reserve", true),
        ("spend_hhi", "Spend concentration (HHI)", false),
        // Added with the autobidding metrics, after every earlier row.
        ("liquid_welfare_per_day", "Liquid welfare / day", false),
        (
            "bid_above_value_share",
            "Auctions with a bid above value",
            true,
        ),
    ];
    let rows: Vec<(&str, &str, bool)> = summary_rows()
        .map(|r| (r.key, r.label, r.format == Format::Percent))
        .collect();
    assert_eq!(rows, expected);
    // Counts are the window totals, the only summary fields that are integers.
    let counts: Vec<&str> = summary_rows()
        .filter(|r| r.format == Format::Count)
        .map(|r| r.key)
        .collect();
    assert_eq!(counts, ["churned_advertisers", "new_advertisers"]);
}

/// The KPI cards' titles, hints and colouring as the app showed them before the table existed.
#[test]
fn kpi_card_texts_come_from_the_table_unchanged() {
    let expected = [
        (
            Metric::RevenuePerDay,
            "Revenue / day",
            "advertiser spend, currency",
        ),
        (
            Metric::EngagementPerDay,
            "Engagement / day",
            "organic + ad engagements",
        ),
        (Metric::SessionsPerDay, "Sessions / day", "feed visits"),
        (
            Metric::MeanFatigue,
            "Mean fatigue",
            "fatigue units per user",
        ),
        (Metric::Roi, "Advertiser ROI", "value of clicks / spend"),
        (
            Metric::ActiveAdvertisers,
            "Active advertisers",
            "mean per day",
        ),
    ];
    for (metric, title, hint) in expected {
        let row = metric.row();
        assert_eq!((row.short_label(), row.hint), (title, hint), "{metric:?}");
        assert!(row.summary.is_some());
        assert_ne!(
            row.direction,
            Direction::Neither,
            "{metric:?} colours its change"
        );
    }
}

#[test]
fn csv_scalar_columns_and_cells_come_from_the_table_unchanged() {
    let (day, _) = distinct_day();
    let result = RunResult {
        days: vec![day.clone()],
        segment_names: vec!["casual".into(), "regular".into(), "heavy".into()],
        ..RunResult::default()
    };
    let csv = daily_csv(&result);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cells: Vec<&str> = lines.next().unwrap().split(',').collect();
    // The header the export has always written for three named segments.
    assert_eq!(
        header.join(","),
        "day,revenue,impressions,clicks,ctr,avg_cpc,ecpm,sessions,active_users,ads_per_session,\
         ad_load,positions_viewed,organic_engagement,ad_engagement,total_engagement,mean_fatigue,\
         mean_blindness,advertiser_value,advertiser_surplus,roi,active_advertisers,\
         churned_advertisers,new_advertisers,budget_utilisation,reserve_binding_rate,spend_hhi,\
         spend_low_quality_incumbents,spend_mid_quality_incumbents,spend_high_quality_incumbents,\
         spend_launched_cohort,sessions_casual,engagement_casual,fatigue_casual,revenue_casual,\
         sessions_regular,engagement_regular,fatigue_regular,revenue_regular,sessions_heavy,\
         engagement_heavy,fatigue_heavy,revenue_heavy"
    );
    // Counts print as integers and fractions in full, exactly as the fields print themselves.
    let cell = |name: &str| cells[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("sessions"), day.sessions.to_string());
    assert_eq!(cell("active_users"), day.active_users.to_string());
    assert_eq!(
        cell("active_advertisers"),
        day.active_advertisers.to_string()
    );
    assert_eq!(
        cell("churned_advertisers"),
        day.churned_advertisers.to_string()
    );
    let fractional = DayMetrics {
        ctr: 0.1 + 0.2,
        sessions: 9_007_199_254_740_992, // 2^53: still exact as f64
        ..day
    };
    let csv = daily_csv(&RunResult {
        days: vec![fractional.clone()],
        ..result
    });
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[4], "0.30000000000000004");
    assert_eq!(row[7], "9007199254740992");
}

fn distinct_summaries() -> Summaries {
    Summaries {
        first_week: distinct_summary(100).0,
        last_week: distinct_summary(200).0,
        whole_run: distinct_summary(300).0,
        promotion: None,
    }
}

#[test]
fn windows_name_and_read_their_summary() {
    let s = distinct_summaries();
    assert_eq!(s.get(Window::FirstWeek), &s.first_week);
    assert_eq!(s.get(Window::LastWeek), &s.last_week);
    assert_eq!(s.get(Window::WholeRun), &s.whole_run);
    // Names are the fields of Summaries, in order.
    let fields = keys_in_order(&serde_json::to_string(&Summaries::default()).unwrap());
    let fields: Vec<&String> = fields
        .iter()
        .filter(|k| !["from_day", "to_day", "days"].contains(&k.as_str()))
        .filter(|k| !SUMMARY_BREAKDOWN_FIELDS.contains(&k.as_str()))
        .filter(|k| !summary_rows().any(|r| r.key == k.as_str()))
        .collect();
    assert_eq!(fields, Window::ALL.map(Window::name));
    for w in Window::ALL {
        assert_eq!(Window::from_name(w.name()), Some(w));
        assert_eq!(w.to_string(), w.name());
    }
    assert_eq!(Window::from_name("Last_week"), None);
}

#[test]
fn window_metric_names_parse_and_read_their_value() {
    let s = distinct_summaries();
    let m = WindowedMetric::parse("last_week.engagement_per_day").unwrap();
    assert_eq!(m.window, Window::LastWeek);
    assert_eq!(m.row().map(|r| r.metric), Some(Metric::EngagementPerDay));
    assert_eq!(m.value(&s), s.last_week.engagement_per_day);
    let m: WindowedMetric = "first_week.churned_advertisers".parse().unwrap();
    assert_eq!(m.value(&s), f64::from(s.first_week.churned_advertisers));
    // Every window and every summary metric round-trips through its name.
    for w in Window::ALL {
        for row in summary_rows() {
            let name = format!("{}.{}", w.name(), row.key);
            let m = WindowedMetric::parse(&name).unwrap();
            assert_eq!(m.to_string(), name);
            assert_eq!(Some(m.value(&s)), row.value(s.get(w)), "{name}");
            assert_eq!(WindowedMetric::new(w, row.metric), Some(m));
        }
    }
    assert_eq!(
        WindowedMetric::new(Window::WholeRun, Metric::PositionsViewed),
        None
    );
}

#[test]
fn unknown_window_names_the_part_and_lists_windows() {
    let err = WindowedMetric::parse("lastweek.engagement_per_day").unwrap_err();
    assert_eq!(
        err,
        WindowedMetricError::UnknownWindow {
            text: "lastweek.engagement_per_day".into(),
            window: "lastweek".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "unknown window `lastweek` in `lastweek.engagement_per_day`: windows are first_week, \
         last_week, whole_run"
    );
    let err: Box<dyn std::error::Error> = Box::new(err);
    assert!(err.to_string().contains("lastweek"));
}

#[test]
fn unknown_metric_names_the_part_and_lists_metrics() {
    let err = WindowedMetric::parse("whole_run.revenue").unwrap_err();
    assert!(matches!(
        &err,
        WindowedMetricError::UnknownMetric { metric, daily_only: false, .. } if metric == "revenue"
    ));
    let message = err.to_string();
    assert!(
        message.starts_with("unknown metric `revenue` in `whole_run.revenue`: metrics are "),
        "{message}"
    );
    for row in summary_rows() {
        assert!(message.contains(row.key), "{message} lacks {}", row.key);
    }
    assert!(!message.contains("positions_viewed"), "{message}");

    let err = WindowedMetric::parse("whole_run.positions_viewed").unwrap_err();
    assert!(matches!(
        err,
        WindowedMetricError::UnknownMetric {
            daily_only: true,
            ..
        }
    ));
    assert!(
        err.to_string().contains("daily series with no summary"),
        "{err}"
    );

    // A second dot is part of the metric name, not a separator.
    let err = WindowedMetric::parse("last_week.roi.x").unwrap_err();
    assert!(err.to_string().contains("unknown metric `roi.x`"), "{err}");
}

#[test]
fn text_without_a_dot_is_an_error() {
    for text in ["", "engagement_per_day", "last_week"] {
        let err = WindowedMetric::parse(text).unwrap_err();
        assert_eq!(
            err,
            WindowedMetricError::MissingDot {
                text: text.to_string()
            }
        );
        assert!(err.to_string().contains("windows are first_week"), "{err}");
    }
    assert!(matches!(
        WindowedMetric::parse(".roi"),
        Err(WindowedMetricError::UnknownWindow { .. })
    ));
    assert!(matches!(
        WindowedMetric::parse("last_week."),
        Err(WindowedMetricError::UnknownMetric { .. })
    ));
}

#[test]
fn promotion_metric_names_parse_and_read_their_value_only_with_promotion() {
    use sandbox::core::model::{PromotionSummaries, PROMOTION_METRICS};
    // Distinct values in every field of every window.
    let mut json = serde_json::to_value(PromotionSummaries::default()).unwrap();
    let mut next = 1.0;
    for window in json.as_object_mut().unwrap().values_mut() {
        for field in window.as_object_mut().unwrap().values_mut() {
            if field.is_number() {
                next += 1.0;
                *field = serde_json::json!(next + 0.25);
            }
        }
    }
    let promotion: PromotionSummaries = serde_json::from_value(json).unwrap();
    let mut s = distinct_summaries();
    for w in Window::ALL {
        for metric in &PROMOTION_METRICS {
            let name = format!("promotion.{}.{}", w.name(), metric.key);
            let m = WindowedMetric::parse(&name).unwrap();
            assert_eq!(m.to_string(), name);
            assert!(m.needs_promotion() && m.row().is_none());
            assert_eq!(m.promotion_metric(), Some(metric));
            assert_eq!(m.try_value(&s), None, "absent without promotion: {name}");
            assert!(m.value(&s).is_nan());
            assert_eq!(m.in_window(Window::FirstWeek).window, Window::FirstWeek);
        }
    }
    s.promotion = Some(promotion.clone());
    let mut seen = BTreeSet::new();
    for w in Window::ALL {
        for metric in &PROMOTION_METRICS {
            let m =
                WindowedMetric::parse(&format!("promotion.{}.{}", w.name(), metric.key)).unwrap();
            let v = m.value(&s);
            assert_eq!(v, (metric.read)(promotion.get(w)));
            assert!(seen.insert(v.to_bits()), "each name reads its own field");
        }
    }
    for (text, part) in [
        ("promotion.last_week.roi", "unknown promotion metric `roi`"),
        ("promotion.last_week", "unknown promotion metric ``"),
        ("promotion.week.promoted_roi", "unknown window `week`"),
    ] {
        let e = WindowedMetric::parse(text).unwrap_err();
        assert!(e.to_string().contains(part), "{e}");
    }
    assert!(matches!(
        WindowedMetric::parse("promotion.whole_run.nope"),
        Err(WindowedMetricError::UnknownPromotionMetric { .. })
    ));
}
