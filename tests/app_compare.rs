//! Comparing a design with a pinned baseline: the change of every summary metric in the first
//! week, the test window (days 1–N), the last week and the whole run, checked against values
//! computed here from the two runs' daily series; the knobs that differ; exports and file names
//! with and without a baseline.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::sync::OnceLock;

use sandbox::app::compare::{
    changed_knobs, compare, difference_text, CompareWindow, Comparison, Delta,
};
use sandbox::config::export::{
    config_name, daily_csv, daily_csv_with_baseline, file_name, parse_config_json, Date, ExportDoc,
};
use sandbox::config::url::encode;
use sandbox::core::model::knobs::Knob;
use sandbox::core::model::{
    simulate, AdLoadPolicy, DayMetrics, Metric, Params, RunResult, Scenario,
};

const DAYS: u32 = 120;

fn run(params: &Params) -> RunResult {
    simulate(&Scenario::new(params.clone()).expect("test scenarios are valid"))
}

fn baseline_params() -> Params {
    let mut p = Params::default();
    p.sim.days = DAYS;
    p
}

fn design_params() -> Params {
    let mut p = baseline_params();
    p.ad_load.every = 3;
    p
}

/// The default design and the same with an ad every third position, 120 days, one seed.
fn runs() -> &'static (RunResult, RunResult) {
    static RUNS: OnceLock<(RunResult, RunResult)> = OnceLock::new();
    RUNS.get_or_init(|| (run(&design_params()), run(&baseline_params())))
}

/// Days `from..=to` (1-based) of a run.
fn span(days: &[DayMetrics], from: usize, to: usize) -> &[DayMetrics] {
    &days[from - 1..to]
}

fn mean(days: &[DayMetrics], f: impl Fn(&DayMetrics) -> f64) -> f64 {
    days.iter().map(f).sum::<f64>() / days.len() as f64
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn assert_delta(delta: &Delta, design: f64, baseline: f64, what: &str) {
    assert!(
        close(delta.design, design),
        "{what}: design {} vs {design}",
        delta.design
    );
    assert!(
        close(delta.baseline, baseline),
        "{what}: baseline {} vs {baseline}",
        delta.baseline
    );
    assert!(
        close(delta.absolute(), design - baseline),
        "{what}: absolute"
    );
    let relative = delta.relative().expect("non-zero baseline");
    assert!(
        close(relative, (design - baseline) / baseline.abs()),
        "{what}: relative {relative}"
    );
}

/// The four windows as 1-based day ranges for a run of `n` days and a test window of `test`.
fn windows(n: usize, test: usize) -> [(CompareWindow, usize, usize); 4] {
    [
        (CompareWindow::FirstWeek, 1, 7),
        (CompareWindow::TestWindow, 1, test),
        (CompareWindow::LastWeek, n - 6, n),
        (CompareWindow::WholeRun, 1, n),
    ]
}

#[test]
fn revenue_deltas_in_the_four_windows_match_the_daily_series() {
    let (design, baseline) = runs();
    assert_eq!(design.days.len(), DAYS as usize);
    let comparison = compare(design, baseline, 14);
    assert_eq!(comparison.test_window_days, 14);
    let revenue = comparison.metric(Metric::RevenuePerDay).unwrap();
    for (window, from, to) in windows(DAYS as usize, 14) {
        let ours = mean(span(&design.days, from, to), |d| d.revenue);
        let theirs = mean(span(&baseline.days, from, to), |d| d.revenue);
        assert_delta(revenue.delta(window), ours, theirs, window.name());
        let index = window as usize;
        assert_eq!(comparison.design_spans[index].from_day, from as u32);
        assert_eq!(comparison.design_spans[index].to_day, to as u32);
    }
    // Twice the ad slots sell more in the first week, before users have tired of them.
    assert!(revenue.delta(CompareWindow::FirstWeek).absolute() > 0.0);
    assert!(revenue.delta(CompareWindow::TestWindow).absolute() > 0.0);
    // Fatigue builds up: the effect on revenue is not the same at the end as at the start.
    let first = revenue.delta(CompareWindow::FirstWeek).relative().unwrap();
    let last = revenue.delta(CompareWindow::LastWeek).relative().unwrap();
    assert!((first - last).abs() > 1e-3, "first {first} last {last}");
}

#[test]
fn every_summary_metric_is_compared_and_ratios_are_ratios_of_window_totals() {
    let (design, baseline) = runs();
    let comparison = compare(design, baseline, 21);
    let summary_metrics = sandbox::core::model::summary_rows().count();
    assert_eq!(comparison.metrics.len(), summary_metrics);
    for (window, from, to) in windows(DAYS as usize, 21) {
        let (ours, theirs) = (span(&design.days, from, to), span(&baseline.days, from, to));
        let ctr = |days: &[DayMetrics]| {
            days.iter().map(|d| d.clicks).sum::<f64>()
                / days.iter().map(|d| d.impressions).sum::<f64>()
        };
        assert_delta(
            comparison.metric(Metric::Ctr).unwrap().delta(window),
            ctr(ours),
            ctr(theirs),
            &format!("ctr {}", window.name()),
        );
        let sessions = |days: &[DayMetrics]| mean(days, |d| d.sessions as f64);
        assert_delta(
            comparison
                .metric(Metric::SessionsPerDay)
                .unwrap()
                .delta(window),
            sessions(ours),
            sessions(theirs),
            &format!("sessions {}", window.name()),
        );
        let fatigue = |days: &[DayMetrics]| mean(days, |d| d.mean_fatigue);
        assert_delta(
            comparison
                .metric(Metric::MeanFatigue)
                .unwrap()
                .delta(window),
            fatigue(ours),
            fatigue(theirs),
            &format!("fatigue {}", window.name()),
        );
        // Counts are totals over the window.
        let new = |days: &[DayMetrics]| {
            days.iter()
                .map(|d| f64::from(d.new_advertisers))
                .sum::<f64>()
        };
        let delta = comparison
            .metric(Metric::NewAdvertisers)
            .unwrap()
            .delta(window);
        assert_eq!(delta.design, new(ours));
        assert_eq!(delta.baseline, new(theirs));
    }
    // Daily-only metrics have no window value.
    assert!(comparison.metric(Metric::PositionsViewed).is_none());
}

#[test]
fn the_test_window_follows_its_length_and_seven_days_is_the_first_week() {
    let (design, baseline) = runs();
    let revenue = |c: &Comparison, w| *c.metric(Metric::RevenuePerDay).unwrap().delta(w);
    let week = compare(design, baseline, 7);
    assert_eq!(
        revenue(&week, CompareWindow::TestWindow),
        revenue(&week, CompareWindow::FirstWeek)
    );
    let month = compare(design, baseline, 28);
    let expected = (
        mean(span(&design.days, 1, 28), |d| d.revenue),
        mean(span(&baseline.days, 1, 28), |d| d.revenue),
    );
    assert_delta(
        &revenue(&month, CompareWindow::TestWindow),
        expected.0,
        expected.1,
        "days 1–28",
    );
    assert_ne!(
        revenue(&month, CompareWindow::TestWindow),
        revenue(&week, CompareWindow::TestWindow)
    );
    // The other windows do not depend on the test window.
    for w in [
        CompareWindow::FirstWeek,
        CompareWindow::LastWeek,
        CompareWindow::WholeRun,
    ] {
        assert_eq!(revenue(&month, w), revenue(&week, w));
    }
    assert_eq!(month.label(CompareWindow::TestWindow), "days 1–28");
    // A window longer than the run reads the whole run.
    let all = compare(design, baseline, 365);
    assert_eq!(all.test_window_days, DAYS);
    assert_eq!(
        revenue(&all, CompareWindow::TestWindow),
        revenue(&all, CompareWindow::WholeRun)
    );
}

#[test]
fn runs_of_different_lengths_share_the_test_window_and_keep_their_own_last_week() {
    let (_, baseline) = runs();
    let mut short = baseline_params();
    short.sim.days = 30;
    let design = run(&short);
    let comparison = compare(&design, baseline, 45);
    assert_eq!(
        comparison.test_window_days, 30,
        "clamped to the shorter run"
    );
    let last = CompareWindow::LastWeek as usize;
    assert_eq!(
        (
            comparison.design_spans[last].from_day,
            comparison.design_spans[last].to_day
        ),
        (24, 30)
    );
    assert_eq!(
        (
            comparison.baseline_spans[last].from_day,
            comparison.baseline_spans[last].to_day
        ),
        (114, 120)
    );
    // Same design and seed: the first 30 days are the same days, so the test window shows no
    // change, while the whole run compares 30 days with 120.
    let revenue = comparison.metric(Metric::RevenuePerDay).unwrap();
    assert_eq!(revenue.delta(CompareWindow::TestWindow).absolute(), 0.0);
    assert_eq!(revenue.delta(CompareWindow::FirstWeek).absolute(), 0.0);
    assert_delta(
        revenue.delta(CompareWindow::WholeRun),
        mean(&design.days, |d| d.revenue),
        mean(&baseline.days, |d| d.revenue),
        "whole run",
    );
}

#[test]
fn a_run_compared_with_itself_changes_nothing() {
    let (design, _) = runs();
    let comparison = compare(design, design, 14);
    for m in &comparison.metrics {
        for w in CompareWindow::ALL {
            let d = m.delta(w);
            assert_eq!(d.absolute(), 0.0, "{} {}", m.row().key, w.name());
            assert!(matches!(d.relative(), None | Some(0.0)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What differs
// ---------------------------------------------------------------------------------------------

#[test]
fn changed_knobs_lists_what_differs_as_the_controls_show_it() {
    let changes = changed_knobs(&design_params(), &baseline_params());
    assert_eq!(changes.len(), 1, "{changes:?}");
    let every = &changes[0];
    assert_eq!(every.knob, Some(Knob::Every));
    assert_eq!(every.key, "every");
    assert_eq!(every.label, Knob::Every.spec().label);
    assert_eq!(every.baseline, "6 positions");
    assert_eq!(every.design, "3 positions");
    assert_eq!(
        every.text(),
        format!("{}: 6 positions → 3 positions", every.label)
    );

    let mut other = baseline_params();
    other.ad_load.policy = AdLoadPolicy::Threshold;
    other.users.fatigue = false;
    other.auction.reserve = 0.4;
    let changes = changed_knobs(&other, &baseline_params());
    let keys: Vec<&str> = changes.iter().map(|c| c.key).collect();
    // In the knob table's order.
    let table_order: Vec<&str> = sandbox::core::model::knobs::table()
        .iter()
        .map(|s| s.url)
        .filter(|k| keys.contains(k))
        .collect();
    assert_eq!(keys, table_order);
    assert_eq!(keys.len(), 3, "{keys:?}");
    let fatigue = changes
        .iter()
        .find(|c| c.knob == Some(Knob::Fatigue))
        .unwrap();
    assert_eq!(
        (fatigue.baseline.as_str(), fatigue.design.as_str()),
        ("on", "off")
    );
    let policy = changes.iter().find(|c| c.key == "policy").unwrap();
    assert_eq!(policy.baseline, "Fixed positions");
    assert!(
        policy.design.to_lowercase().contains("threshold"),
        "{policy:?}"
    );
    assert!(changes
        .iter()
        .any(|c| c.knob == Some(Knob::Reserve) && c.design.starts_with("0.4")));
}

#[test]
fn changed_knobs_covers_the_seed_and_the_list_fields() {
    let base = baseline_params();
    assert!(changed_knobs(&base, &base).is_empty());
    assert_eq!(difference_text(&base, &base), "same configuration");

    let mut reseeded = base.clone();
    reseeded.sim.seed = u64::MAX;
    let changes = changed_knobs(&reseeded, &base);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].design, "18446744073709551615",
        "the seed exactly"
    );
    assert_eq!(
        difference_text(&reseeded, &base),
        format!(
            "same design, other seed ({} → 18446744073709551615)",
            base.sim.seed
        )
    );

    let mut listed = base.clone();
    listed.auction.reserve_by_category = vec![0.1, 0.4];
    listed.users.segments[0].share += 0.05;
    listed.users.segments[1].share -= 0.05;
    let changes = changed_knobs(&listed, &base);
    let keys: Vec<&str> = changes.iter().map(|c| c.key).collect();
    assert_eq!(keys, ["reserve_cat", "segments"]);
    assert_eq!(changes[0].design, "0.1000 / 0.4000");
    assert!(changes[1].design.ends_with(", edited"), "{:?}", changes[1]);
    assert_eq!(
        difference_text(&listed, &base),
        format!("{} · {}", changes[0].text(), changes[1].text())
    );
}

// ---------------------------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------------------------

fn rows(csv: &str) -> Vec<Vec<&str>> {
    csv.lines().map(|l| l.split(',').collect()).collect()
}

#[test]
fn csv_with_a_baseline_adds_a_baseline_column_for_every_daily_column() {
    let (design, baseline) = runs();
    let plain = daily_csv(design);
    let compared = daily_csv_with_baseline(design, baseline);
    let (plain, compared) = (rows(&plain), rows(&compared));
    assert_eq!(compared.len(), plain.len());
    let width = plain[0].len();
    let header = &compared[0];
    assert_eq!(header.len(), 2 * width - 1);
    for (i, name) in plain[0].iter().enumerate().skip(1) {
        assert_eq!(header[width - 1 + i], format!("baseline_{name}"));
    }
    let base_csv = daily_csv(baseline);
    let base_plain = rows(&base_csv);
    for (r, row) in compared.iter().enumerate() {
        // The design's columns are the plain export's, cell for cell.
        assert_eq!(&row[..width], &plain[r][..], "row {r}");
        if r > 0 {
            assert_eq!(&row[width..], &base_plain[r][1..], "row {r}");
        }
    }
    let revenue = header
        .iter()
        .position(|h| *h == "baseline_revenue")
        .unwrap();
    assert_eq!(
        compared[1][revenue].parse::<f64>().unwrap(),
        baseline.days[0].revenue
    );
}

#[test]
fn csv_with_a_shorter_run_leaves_its_cells_empty() {
    let (_, baseline) = runs();
    let mut short = baseline_params();
    short.sim.days = 10;
    let design = run(&short);
    let csv = daily_csv_with_baseline(&design, baseline);
    let table = rows(&csv);
    assert_eq!(table.len(), 1 + DAYS as usize);
    let width = table[0].len();
    // `day`, the design's columns, then as many baseline columns.
    let half = width.div_ceil(2);
    assert_eq!(table[11][0], "11");
    assert!(table[11][1..half].iter().all(|c| c.is_empty()));
    assert!(table[11][half..].iter().all(|c| !c.is_empty()));
    assert!(table[10][1..].iter().all(|c| !c.is_empty()));
}

#[test]
fn json_with_a_baseline_carries_its_config_summary_and_days() {
    let (design, baseline) = runs();
    let (ours, theirs) = (design_params(), baseline_params());
    let plain = ExportDoc::new(&ours, design).to_json();
    assert!(
        !plain.contains("\"baseline\""),
        "no baseline key without a baseline"
    );
    let doc = ExportDoc::with_baseline(&ours, design, &theirs, baseline);
    let json = doc.to_json();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["config"]["ad_load"]["every"], 3);
    assert_eq!(value["baseline"]["config"]["ad_load"]["every"], 6);
    assert_eq!(
        value["baseline"]["summary"]["whole_run"]["revenue_per_day"]
            .as_f64()
            .unwrap(),
        baseline.summaries.whole_run.revenue_per_day
    );
    let days = value["baseline"]["days"].as_array().unwrap();
    assert_eq!(days.len(), DAYS as usize);
    assert_eq!(
        days[0]["revenue"].as_f64().unwrap(),
        baseline.days[0].revenue
    );
    // Without the baseline part, the document is the plain export.
    let mut without: serde_json::Value = value.clone();
    without.as_object_mut().unwrap().remove("baseline");
    assert_eq!(
        without,
        serde_json::from_str::<serde_json::Value>(&plain).unwrap()
    );
    // The CLI reads the design's configuration back, without warnings.
    let (params, warnings) = parse_config_json(&json).unwrap();
    assert_eq!(params, ours);
    assert!(warnings.is_empty(), "{warnings:?}");
}

fn fnv1a(text: &str) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(16_777_619);
    }
    h
}

#[test]
fn file_names_say_which_configurations_and_when() {
    let date = Date {
        year: 2026,
        month: 3,
        day: 5,
    };
    let default = Params::default();
    assert_eq!(
        file_name(&default, None, None, date, "csv"),
        "marketplace-sandbox-balanced-2026-03-05.csv"
    );
    let aggressive = (sandbox::config::presets::presets()
        .iter()
        .find(|p| p.id == "aggressive_load")
        .unwrap()
        .params)();
    assert_eq!(config_name(&aggressive), "aggressive-load");
    // Not a preset: the hash of the canonical link query.
    let custom = design_params();
    let hash = format!("{:08x}", fnv1a(&encode(&custom, None)));
    assert_eq!(config_name(&custom), hash);
    assert_eq!(
        file_name(&custom, Some(&default), None, date, "json"),
        format!("marketplace-sandbox-{hash}-vs-balanced-2026-03-05.json")
    );
    assert_eq!(
        file_name(&custom, Some(&default), Some("Daily revenue"), date, "png"),
        format!("marketplace-sandbox-{hash}-vs-balanced-daily-revenue-2026-03-05.png")
    );
    // Equal configurations get equal names, different ones different names.
    assert_eq!(config_name(&design_params()), hash);
    assert_ne!(config_name(&baseline_params()), hash);
    let mut seeded = custom.clone();
    seeded.sim.seed += 1;
    assert_ne!(config_name(&seeded), hash);
    assert_eq!(
        Date {
            year: 2027,
            month: 12,
            day: 31
        }
        .to_string(),
        "2027-12-31"
    );
}
