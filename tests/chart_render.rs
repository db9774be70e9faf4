//! Charts: snapshot SVGs of the default daily charts for a fixed small run, labels present,
//! and no panic on degenerate data or canvas sizes.
//!
//! Snapshots live in `tests/snapshots/chart_*.svg`. A missing snapshot is written and the test
//! fails asking for review; `UPDATE_SNAPSHOTS=1` rewrites them all (then review the diff).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use sandbox::chart::{
    chart_sections, daily_charts, export_footer, render_export_svg, render_svg, render_svg_scaled,
    Annotations, ChartSpec, Color, Series, PALETTE,
};
use sandbox::core::model::{summaries, DayMetrics, Params, RunResult};

const WIDTH: u32 = 560;
const HEIGHT: u32 = 300;

/// A fixed 14-day run with smooth, hand-made dynamics (not from the engine).
fn run(scale: f64, launch_day: u32) -> RunResult {
    let days: Vec<DayMetrics> = (1..=14u32)
        .map(|d| {
            let t = f64::from(d);
            let fatigue = scale * 0.8 * (1.0 - (-t / 6.0).exp());
            let launched = if d >= launch_day { 2.0 * scale } else { 0.0 };
            DayMetrics {
                day: d,
                revenue: scale * (120.0 - 2.5 * t) + launched,
                impressions: 6000.0 - 50.0 * t,
                clicks: 110.0 - 2.0 * t,
                ctr: (110.0 - 2.0 * t) / (6000.0 - 50.0 * t),
                sessions: 2600 - (d as u64) * 25,
                total_engagement: 9000.0 - 140.0 * t * scale,
                mean_fatigue: fatigue,
                active_advertisers: 100 - d / 2,
                spend_by_group: [20.0 - t, 40.0 - t * scale, 60.0 - 0.5 * t, launched],
                cpc_by_group: [
                    0.40 + 0.004 * t,
                    0.55 + 0.01 * scale * t,
                    0.70 - 0.006 * t,
                    if d >= launch_day { 0.35 } else { 0.0 },
                ],
                ..DayMetrics::default()
            }
        })
        .collect();
    RunResult {
        summaries: summaries(&days),
        days,
        segment_names: vec!["casual".into(), "regular".into(), "heavy".into()],
        ..RunResult::default()
    }
}

fn slug(title: &str) -> String {
    title
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

include!("snapshot_common.rs.inc");

/// [`compare_snapshot`] of `chart_<name>.svg`.
fn check_snapshot(name: &str, svg: &str) -> Option<String> {
    compare_snapshot(&format!("chart_{name}.svg"), svg)
}

fn specials() -> Vec<(&'static str, ChartSpec)> {
    let base = |series: Vec<Series>| ChartSpec {
        title: "Edge case".into(),
        x_label: "Day".into(),
        y_label: "Value (units)".into(),
        series,
        ..ChartSpec::default()
    };
    let line = |label: &str, points: Vec<(f64, f64)>, color: Color, dashed: bool| Series {
        label: label.into(),
        points,
        color,
        dashed,
    };
    vec![
        ("empty", base(vec![])),
        (
            "no_finite_points",
            base(vec![line(
                "Broken",
                vec![(1.0, f64::NAN), (f64::INFINITY, 2.0)],
                PALETTE[0],
                false,
            )]),
        ),
        (
            "gaps_and_negatives",
            base(vec![
                line(
                    "Surplus",
                    vec![
                        (1.0, -2.0),
                        (2.0, 1.5),
                        (3.0, f64::NAN),
                        (4.0, 3.0),
                        (5.0, f64::INFINITY),
                        (6.0, -1.0),
                        (7.0, 0.5),
                    ],
                    PALETTE[1],
                    false,
                ),
                line(
                    "Flat",
                    vec![(1.0, 1.0), (7.0, 1.0)],
                    PALETTE[2].lighten(0.45),
                    true,
                ),
            ]),
        ),
    ]
}

#[test]
fn default_charts_match_their_snapshots() {
    let current = run(1.0, 8);
    let baseline = run(0.8, 99);
    let mut failures = Vec::new();
    let with_base = daily_charts(&current, Some(&baseline));
    assert_eq!(with_base.len(), 7);
    for spec in &with_base {
        let svg = render_svg(spec, WIDTH, HEIGHT);
        failures.extend(check_snapshot(&slug(&spec.title), &svg));
    }
    let alone = daily_charts(&current, None);
    failures.extend(check_snapshot(
        "daily_revenue_no_baseline",
        &render_svg(&alone[0], WIDTH, HEIGHT),
    ));
    for (name, spec) in specials() {
        failures.extend(check_snapshot(name, &render_svg(&spec, WIDTH, HEIGHT)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The launch on day 8 of the 14-day fixture, a baseline without it, a 10-day test window.
fn annotated() -> (RunResult, RunResult, Annotations) {
    let mut design = Params::default();
    design.sim.days = 14;
    design.launch.enabled = true;
    design.launch.day = 8;
    let mut base = design.clone();
    base.launch.enabled = false;
    (
        run(1.0, 8),
        run(0.8, 99),
        Annotations::new(&design, Some(&base), 10),
    )
}

#[test]
fn panel_charts_match_their_snapshots() {
    let (current, baseline, notes) = annotated();
    let mut failures = Vec::new();
    let sections = chart_sections(&current, Some(&baseline), &notes);
    let pick = |title: &str| -> ChartSpec {
        sections
            .iter()
            .flat_map(|s| &s.charts)
            .find(|c| c.title == title)
            .cloned()
            .unwrap_or_else(|| panic!("no chart {title:?}"))
    };
    for (name, title) in [
        ("panel_lift_vs_baseline", "Lift vs baseline"),
        ("panel_daily_sessions", "Daily sessions"),
        ("panel_daily_revenue", "Daily revenue"),
        (
            "panel_price_per_click",
            "Price per click by advertiser group",
        ),
        ("panel_clicks", "Clicks by advertiser group"),
    ] {
        failures.extend(check_snapshot(
            name,
            &render_svg(&pick(title), WIDTH, HEIGHT),
        ));
    }
    // Device pixel ratio 2: the same chart, twice the pixels, fonts and lines.
    failures.extend(check_snapshot(
        "panel_daily_sessions_2x",
        &render_svg_scaled(&pick("Daily sessions"), 2 * WIDTH, 2 * HEIGHT, 2.0),
    ));
    // The shared image: 2x, with the design, the baseline and the seed written below.
    let mut design = Params::default();
    design.launch.enabled = true;
    design.launch.day = 8;
    design.auction.reserve = 0.4;
    let footer = export_footer(&design, Some(&Params::default()));
    failures.extend(check_snapshot(
        "panel_export_lift_2x",
        &render_export_svg(
            &pick("Lift vs baseline"),
            &footer,
            2 * WIDTH,
            2 * HEIGHT,
            2.0,
        ),
    ));
    // Without a baseline: no lift chart, no band, the launch still marked.
    let alone = chart_sections(&current, None, &Annotations::new(&design, None, 10));
    let groups = &alone.last().expect("sections").charts;
    failures.extend(check_snapshot(
        "panel_clicks_no_baseline",
        &render_svg(&groups[2], WIDTH, HEIGHT),
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn svg_contains_title_axis_and_legend_labels() {
    let charts = daily_charts(&run(1.0, 8), Some(&run(0.8, 99)));
    for spec in &charts {
        let svg = render_svg(spec, WIDTH, HEIGHT);
        assert!(svg.starts_with("<svg"), "{}", spec.title);
        for text in [&spec.title, &spec.x_label, &spec.y_label] {
            assert!(
                svg.contains(text.as_str()),
                "{}: no {text:?} in the SVG",
                spec.title
            );
        }
        for s in &spec.series {
            // Baseline overlays may share one legend entry when the legend would wrap.
            let shown = svg.contains(&s.label) || (s.dashed && svg.contains("Baseline (dashed)"));
            assert!(shown, "{}: no legend {:?}", spec.title, s.label);
        }
        assert!(svg.contains("<text"), "text is drawn as <text> elements");
    }
}

#[test]
fn daily_charts_have_the_promised_series() {
    let current = run(1.0, 8);
    let titles: Vec<String> = daily_charts(&current, None)
        .into_iter()
        .map(|c| c.title)
        .collect();
    assert_eq!(
        titles,
        [
            "Daily revenue",
            "Daily engagement",
            "Daily sessions",
            "Mean user fatigue",
            "Click-through rate",
            "Active advertisers",
            "Spend by advertiser group",
        ]
    );
    let charts = daily_charts(&current, Some(&run(0.8, 99)));
    for c in &charts {
        let (base, main): (Vec<&Series>, Vec<&Series>) = c.series.iter().partition(|s| s.dashed);
        assert_eq!(base.len(), main.len(), "{}", c.title);
        for (b, m) in base.iter().zip(&main) {
            assert_eq!(b.label, format!("{} (baseline)", m.label));
            assert_ne!(b.color, m.color);
            assert_eq!(b.points.len(), 14);
        }
    }
    // CTR is in percent; spend has one line per group, the launched cohort only when it spent.
    assert!((charts[4].series[0].points[0].1 - 100.0 * current.days[0].ctr).abs() < 1e-12);
    assert_eq!(charts[6].series.len(), 8);
    let no_launch = daily_charts(&run(1.0, 99), None);
    assert_eq!(no_launch[6].series.len(), 3);
    assert!(daily_charts(&RunResult::default(), None)
        .iter()
        .all(|c| c.series.iter().all(|s| s.points.is_empty())));
}

#[test]
fn degenerate_data_and_canvases_never_panic() {
    let nasty = [
        vec![],
        vec![(1.0, 5.0)],
        vec![(1.0, 5.0), (1.0, 5.0)],
        vec![(f64::NAN, f64::NAN)],
        vec![(1.0, f64::MAX), (2.0, -f64::MAX)],
        vec![(1.0, 1e99), (2.0, -1e99)],
        vec![(1.0, 1e-300), (2.0, 2e-300)],
        vec![(-1e9, 0.0), (1e9, 1.0)],
        vec![(1.0, -0.0), (2.0, 0.0)],
    ];
    for points in nasty {
        let spec = ChartSpec {
            title: "T".into(),
            x_label: "X".into(),
            y_label: "Y".into(),
            series: vec![Series {
                label: "s".into(),
                points: points.clone(),
                color: PALETTE[0],
                dashed: true,
            }],
            ..ChartSpec::default()
        };
        for (w, h) in [
            (0, 0),
            (1, 1),
            (50, 30),
            (119, 300),
            (130, 95),
            (200, 120),
            (WIDTH, HEIGHT),
            (2000, 1000),
        ] {
            let svg = render_svg(&spec, w, h);
            assert!(svg.contains("<svg"), "{points:?} at {w}×{h}");
        }
    }
    let empty = render_svg(&specials()[0].1, WIDTH, HEIGHT);
    assert!(empty.contains("no data"));
}

#[test]
fn palette_is_okabe_ito_and_lightening_goes_toward_white() {
    assert_eq!(PALETTE[0], Color::rgb(0, 114, 178));
    assert_eq!(PALETTE[0].lighten(1.0), Color::rgb(255, 255, 255));
    assert_eq!(PALETTE[0].lighten(0.0), PALETTE[0]);
    assert_eq!(PALETTE[0].lighten(f64::NAN), PALETTE[0]);
    assert_eq!(Color::rgb(213, 94, 0).to_hex(), "#d55e00");
}
