//! Charts beyond the drawing: the y-axis fit, the hover read-out's pixel → day map (checked
//! against where the SVG actually puts the points), the lift values (against a hand
//! computation from two runs' daily series), the derived clicks by group (against the engine's
//! click total), the panel's sections and annotations, and the exported image's footer.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs and e2e/

use sandbox::chart::{
    changed_knobs, chart_sections, clicks_by_group, export_footer, footer_height, format_value,
    frame_of, group_charts, lift_chart, lift_percent, render_export_svg, render_svg,
    render_svg_scaled, tooltip, wrap_footer, y_range, Annotations, ChartSpec, Series, ValueFormat,
    YAxis, FIT_PADDING, PALETTE, Y_NOT_FROM_ZERO,
};
use sandbox::core::model::{simulate, DayMetrics, Params, RunResult, Scenario};

const W: u32 = 560;
const H: u32 = 300;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn spec(points: Vec<(f64, f64)>, y_axis: YAxis) -> ChartSpec {
    ChartSpec {
        title: "Test".into(),
        x_label: "Day".into(),
        y_label: "Value".into(),
        series: vec![Series {
            label: "A".into(),
            points,
            color: PALETTE[0],
            dashed: false,
        }],
        y_axis,
        ..ChartSpec::default()
    }
}

/// The `points` attribute of every polyline drawn in `stroke` (upper-case hex, as plotters
/// writes it), as pixel pairs.
fn polylines(svg: &str, stroke: &str) -> Vec<Vec<(f64, f64)>> {
    svg.lines()
        .filter(|l| l.starts_with("<polyline") && l.contains(&format!("stroke=\"{stroke}\"")))
        .filter_map(|l| {
            let start = l.find("points=\"")? + 8;
            let end = start + l[start..].find('"')?;
            Some(
                l[start..end]
                    .split_whitespace()
                    .filter_map(|p| {
                        let (x, y) = p.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn a_fitted_axis_fits_the_data_with_padding_and_says_when_it_leaves_zero_out() {
    // Sessions-like data far from zero: padded by 8% of the span on both sides.
    let r = y_range(2200.0, 2600.0, YAxis::FitData);
    assert!(close(r.lo, 2200.0 - FIT_PADDING * 400.0) && close(r.hi, 2600.0 + 32.0));
    assert!(!r.includes_zero() && !r.spans_zero());
    // Close to zero: starting at zero costs little, so it does (no break).
    let r = y_range(0.1, 0.8, YAxis::FitData);
    assert_eq!(r.lo, 0.0);
    assert!(r.hi > 0.8 && r.includes_zero());
    // Never below zero for positive data, never above for negative data.
    let r = y_range(0.02, 10.0, YAxis::FitData);
    assert_eq!(r.lo, 0.0);
    let r = y_range(-10.0, -0.5, YAxis::FitData);
    assert_eq!(r.hi, 0.0);
    let r = y_range(-10.0, -8.0, YAxis::FitData);
    assert!(close(r.hi, -8.0 + 0.16) && close(r.lo, -10.16) && !r.includes_zero());
    // Across zero: padded both ways, zero strictly inside.
    let r = y_range(-3.0, 5.0, YAxis::FitData);
    assert!(close(r.lo, -3.64) && close(r.hi, 5.64) && r.spans_zero());
    // Flat data fall back to the from-zero axis.
    assert_eq!(
        y_range(5.0, 5.0, YAxis::FitData),
        y_range(5.0, 5.0, YAxis::FromZero)
    );

    // The drawing: a fitted axis away from zero says so; from zero, or fitted down to it, not.
    let far: Vec<(f64, f64)> = (1..=10)
        .map(|d| (f64::from(d), 2200.0 + 40.0 * f64::from(d)))
        .collect();
    assert!(render_svg(&spec(far.clone(), YAxis::FitData), W, H).contains(Y_NOT_FROM_ZERO));
    assert!(!render_svg(&spec(far.clone(), YAxis::FromZero), W, H).contains(Y_NOT_FROM_ZERO));
    let near: Vec<(f64, f64)> = (1..=10)
        .map(|d| (f64::from(d), 0.1 * f64::from(d)))
        .collect();
    assert!(!render_svg(&spec(near, YAxis::FitData), W, H).contains(Y_NOT_FROM_ZERO));
    // The fitted plot uses its height: the data span most of the plot's rows.
    let frame = frame_of(&spec(far.clone(), YAxis::FitData), W, H, 1.0).expect("drawn");
    let used = (frame.py_of(2240.0) - frame.py_of(2600.0)) / (frame.bottom - frame.top);
    assert!(used > 0.8, "fitted data use {used} of the height");
}

#[test]
fn a_zero_line_is_drawn_exactly_when_the_range_spans_zero() {
    let across = spec(vec![(1.0, -2.0), (2.0, 3.0), (3.0, 1.0)], YAxis::FromZero);
    let svg = render_svg(&across, W, H);
    let frame = frame_of(&across, W, H, 1.0).expect("drawn");
    let zero_row = frame.py_of(0.0);
    let axis_lines = polylines(&svg, "#6E6E6E");
    let horizontal_at_zero = |lines: &[Vec<(f64, f64)>]| {
        lines.iter().any(|l| {
            l.len() == 2
                && l[0].1 == l[1].1
                && (l[0].1 - zero_row).abs() <= 1.0
                && (l[0].0 - frame.left).abs() <= 1.0
                && (l[1].0 - frame.right).abs() <= 1.0
        })
    };
    assert!(
        horizontal_at_zero(&axis_lines),
        "no zero line at row {zero_row}"
    );
    let above = spec(vec![(1.0, 2.0), (2.0, 3.0)], YAxis::FromZero);
    let frame = frame_of(&above, W, H, 1.0).expect("drawn");
    let lines = polylines(&render_svg(&above, W, H), "#6E6E6E");
    // Only the x-axis itself lies on the zero row (it is the bottom edge, one pixel below).
    assert!(lines.iter().all(|l| !(l.len() == 2
        && l[0].1 == l[1].1
        && (l[0].1 - frame.py_of(0.0)).abs() < 0.5
        && (l[0].0 - frame.left).abs() <= 1.0)));
}

#[test]
fn the_tooltip_maps_pixel_columns_to_the_day_the_svg_draws_there() {
    let days: Vec<(f64, f64)> = (1..=30)
        .map(|d| (f64::from(d), 100.0 + f64::from(d * d)))
        .collect();
    let mut chart = spec(days.clone(), YAxis::FitData);
    chart.series.push(Series {
        label: "B (baseline)".into(),
        points: days.iter().map(|&(x, y)| (x, y / 2.0)).collect(),
        color: PALETTE[0].lighten(0.45),
        dashed: true,
    });
    for (scale, w, h) in [(1.0, W, H), (2.0, 2 * W, 2 * H), (3.0, 3 * W, 3 * H)] {
        let svg = render_svg_scaled(&chart, w, h, scale);
        let frame = frame_of(&chart, w, h, scale).expect("drawn");
        // The solid series' polyline: its i-th vertex is day i + 1.
        let line = polylines(&svg, "#0072B2")
            .into_iter()
            .max_by_key(Vec::len)
            .expect("the series is drawn");
        assert_eq!(line.len(), 30);
        for (i, &(px, py)) in line.iter().enumerate() {
            let day = i as f64 + 1.0;
            assert!((frame.px_of(day) - px).abs() <= 1.0, "day {day} at {px}");
            assert!((frame.py_of(days[i].1) - py).abs() <= 1.0);
            let tip = tooltip(&chart, &frame, px).expect("inside the plot");
            assert_eq!(tip.x, day, "pixel {px} at scale {scale}");
            assert_eq!(tip.heading, format!("Day {day}"));
            assert_eq!(tip.rows.len(), 2);
            assert_eq!(tip.rows[0].label, "A");
            assert_eq!(
                tip.rows[0].value,
                format_value(days[i].1, ValueFormat::Number)
            );
            assert_eq!(
                tip.rows[1].value,
                format_value(days[i].1 / 2.0, ValueFormat::Number)
            );
            assert!(tip.rows[1].dashed && !tip.rows[0].dashed);
            assert!((tip.px - px).abs() <= 1.0);
        }
        // Between days: the nearer one.
        let spacing = frame.px_of(2.0) - frame.px_of(1.0);
        assert_eq!(
            tooltip(&chart, &frame, frame.px_of(7.0) + 0.4 * spacing).map(|t| t.x),
            Some(7.0)
        );
        assert_eq!(
            tooltip(&chart, &frame, frame.px_of(7.0) + 0.6 * spacing).map(|t| t.x),
            Some(8.0)
        );
        // Outside the plot (the y-axis labels, the right margin): nothing.
        assert_eq!(tooltip(&chart, &frame, frame.left - spacing), None);
        assert_eq!(tooltip(&chart, &frame, frame.right + spacing), None);
        assert_eq!(tooltip(&chart, &frame, f64::NAN), None);
    }
    // Larger pixel ratios give proportionally larger frames.
    let one = frame_of(&chart, W, H, 1.0).expect("drawn");
    let two = frame_of(&chart, 2 * W, 2 * H, 2.0).expect("drawn");
    assert!((two.left - 2.0 * one.left).abs() <= 2.0 && (two.right - 2.0 * one.right).abs() <= 2.0);
    assert!((two.bottom - 2.0 * one.bottom).abs() <= 3.0);
}

#[test]
fn tooltip_values_show_gaps_and_percent_formats() {
    let mut chart = spec(
        vec![(1.0, 1.5), (2.0, f64::NAN), (3.0, -0.25)],
        YAxis::FromZero,
    );
    chart.series.push(Series {
        label: "Short".into(),
        points: vec![(1.0, 2.0)],
        color: PALETTE[1],
        dashed: false,
    });
    chart.value_format = ValueFormat::SignedPercent;
    let frame = frame_of(&chart, W, H, 1.0).expect("drawn");
    let at = |day: f64| tooltip(&chart, &frame, frame.px_of(day)).expect("tooltip");
    let t = at(1.0);
    assert_eq!(
        (t.rows[0].value.as_str(), t.rows[1].value.as_str()),
        ("+1.500%", "+2%")
    );
    let t = at(3.0);
    assert_eq!(
        (t.rows[0].value.as_str(), t.rows[1].value.as_str()),
        ("−0.2500%", "—")
    );
    // Day 2 has no finite point at all: the pointer snaps to a day with data.
    assert_ne!(at(2.0).x, 2.0);
    assert_eq!(format_value(1.834, ValueFormat::Percent), "1.834%");
    assert_eq!(format_value(0.0, ValueFormat::SignedPercent), "±0%");
    assert_eq!(format_value(1234.6, ValueFormat::Number), "1,235");
}

fn day(d: u32, revenue: f64, engagement: f64, sessions: u64) -> DayMetrics {
    DayMetrics {
        day: d,
        revenue,
        total_engagement: engagement,
        sessions,
        ..DayMetrics::default()
    }
}

#[test]
fn lift_is_the_daily_relative_difference_computed_by_hand() {
    let design = [
        day(1, 110.0, 950.0, 200),
        day(2, 90.0, 1000.0, 210),
        day(3, 50.0, 0.0, 0),
        day(4, 80.0, 500.0, 100),
    ];
    let base = [
        day(1, 100.0, 1000.0, 200),
        day(2, 100.0, 800.0, 168),
        day(3, 0.0, 10.0, 5),
    ];
    let revenue = lift_percent(&design, &base, |d| d.revenue);
    // (110 − 100)/100, (90 − 100)/100; a zero baseline and a missing day are gaps.
    assert!(close(revenue[0].1, 10.0) && close(revenue[1].1, -10.0));
    assert!(revenue[2].1.is_nan() && revenue[3].1.is_nan());
    assert_eq!(
        revenue.iter().map(|p| p.0).collect::<Vec<_>>(),
        [1.0, 2.0, 3.0, 4.0]
    );
    let engagement = lift_percent(&design, &base, |d| d.total_engagement);
    assert!(close(engagement[0].1, -5.0) && close(engagement[1].1, 25.0));
    assert!(close(engagement[2].1, -100.0));
    let sessions = lift_percent(&design, &base, |d| d.sessions as f64);
    assert!(close(sessions[0].1, 0.0) && close(sessions[1].1, 25.0));
    // A negative baseline: the change is relative to its size, so a rise reads as a rise.
    let neg = lift_percent(&[day(1, -5.0, 0.0, 0)], &[day(1, -10.0, 0.0, 0)], |d| {
        d.revenue
    });
    assert!(close(neg[0].1, 50.0));
}

/// A small, fast market.
fn small() -> Params {
    let mut p = Params::default();
    p.users.count = 300;
    p.advertisers.count = 40;
    p.sim.days = 12;
    p
}

fn run(p: &Params) -> RunResult {
    simulate(&Scenario::new(p.clone()).expect("valid"))
}

#[test]
fn the_lift_chart_of_two_runs_matches_their_daily_series() {
    let base_params = small();
    let mut design_params = small();
    design_params.auction.reserve = 0.3;
    let (design, base) = (run(&design_params), run(&base_params));
    let chart = lift_chart(&design, &base);
    assert_eq!(
        chart
            .series
            .iter()
            .map(|s| s.label.as_str())
            .collect::<Vec<_>>(),
        ["Revenue", "Engagement", "Sessions"]
    );
    assert_eq!(chart.value_format, ValueFormat::SignedPercent);
    for (i, (d, b)) in design.days.iter().zip(&base.days).enumerate() {
        let by_hand = [
            100.0 * (d.revenue - b.revenue) / b.revenue,
            100.0 * (d.total_engagement - b.total_engagement) / b.total_engagement,
            100.0 * (d.sessions as f64 - b.sessions as f64) / b.sessions as f64,
        ];
        for (s, want) in chart.series.iter().zip(by_hand) {
            assert_eq!(s.points[i].0, f64::from(d.day));
            assert!(
                close(s.points[i].1, want),
                "{} day {}: {} vs {want}",
                s.label,
                d.day,
                s.points[i].1
            );
        }
    }
    // The reserve changes the run: the lift is not zero everywhere.
    assert!(chart.series[0].points.iter().any(|p| p.1.abs() > 1e-6));
    // A design against itself: zero on every day.
    let same = lift_chart(&base, &base);
    assert!(same
        .series
        .iter()
        .all(|s| s.points.iter().all(|p| p.1 == 0.0)));
}

#[test]
fn derived_clicks_by_group_add_up_to_the_engines_clicks() {
    let mut p = small();
    p.launch.enabled = true;
    p.launch.day = 4;
    let result = run(&p);
    let mut launched_clicks = 0.0;
    for d in &result.days {
        let clicks = clicks_by_group(d);
        let total: f64 = clicks.iter().sum();
        assert!(
            (total - d.clicks).abs() <= 1e-6 * d.clicks.max(1.0),
            "day {}: groups {total} vs total {}",
            d.day,
            d.clicks
        );
        if d.day < 4 {
            assert_eq!(clicks[3], 0.0, "no launched clicks before the launch");
        }
        launched_clicks += clicks[3];
    }
    assert!(launched_clicks > 0.0, "the launched cohort gets clicks");
    let charts = group_charts(&result, None);
    assert_eq!(charts[0].title, "Price per click by advertiser group");
    assert_eq!(charts[1].title, "Clicks by advertiser group");
    assert_eq!(charts[1].series.len(), 4);
    // Price per click: a gap before the launched cohort exists, its price after.
    let launched = &charts[0].series[3].points;
    assert!(launched[0].1.is_nan());
    assert!(close(launched[5].1, result.days[5].cpc_by_group[3]));
    // Without a launch the cohort has no line.
    assert_eq!(group_charts(&run(&small()), None)[0].series.len(), 3);
}

#[test]
fn sections_mark_the_launch_and_shade_the_test_window_with_a_baseline() {
    let mut p = small();
    p.launch.enabled = true;
    p.launch.day = 5;
    let result = run(&p);
    let base = run(&small());

    let alone = chart_sections(&result, None, &Annotations::new(&p, None, 7));
    let ids: Vec<&str> = alone.iter().map(|s| s.id).collect();
    assert_eq!(ids, ["daily", "hourly", "groups"]);
    assert_eq!(alone[0].charts.len(), 6);
    let titles: Vec<&str> = alone[2].charts.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Spend by advertiser group",
            "Price per click by advertiser group",
            "Clicks by advertiser group"
        ]
    );
    // The hourly spend chart's x is the hour of the day: no day markers (tests/chart_hourly.rs).
    let daily = |sections: &[sandbox::chart::Section]| -> Vec<ChartSpec> {
        sections
            .iter()
            .filter(|s| s.id != "hourly")
            .flat_map(|s| s.charts.clone())
            .collect()
    };
    for chart in &daily(&alone) {
        assert!(
            chart.bands.is_empty(),
            "{}: no band without a baseline",
            chart.title
        );
        assert_eq!(chart.markers.len(), 1, "{}", chart.title);
        assert_eq!(
            chart.markers[0].x, 4.5,
            "the launch acts from the start of day 5"
        );
        assert_eq!(chart.markers[0].label, "Launch (day 5)");
        assert!(
            render_svg(chart, W, H).contains("Launch (day 5)"),
            "{}",
            chart.title
        );
    }

    let with_base = chart_sections(
        &result,
        Some(&base),
        &Annotations::new(&p, Some(&small()), 7),
    );
    assert_eq!(with_base[0].id, "lift");
    assert_eq!(with_base[0].charts[0].title, "Lift vs baseline");
    for chart in &daily(&with_base) {
        assert_eq!(chart.bands.len(), 1, "{}", chart.title);
        assert_eq!((chart.bands[0].from, chart.bands[0].to), (0.5, 7.5));
        assert!(chart
            .markers
            .iter()
            .any(|m| m.x == 7.5 && m.label == "Test window ends"));
        let svg = render_svg(chart, W, H);
        assert!(
            svg.contains("Test window (days 1–7)"),
            "{}: band in the legend",
            chart.title
        );
        assert!(svg.contains("Test window ends"));
    }
    // No launch: no launch marker; a launch after the last day does not act and is not marked.
    let mut late = small();
    late.launch.enabled = true;
    late.launch.day = 40;
    assert_eq!(Annotations::new(&late, None, 7).launch_day, None);
    assert_eq!(Annotations::new(&small(), None, 7).launch_day, None);
    // The baseline's own launch is marked when it differs.
    let notes = Annotations::new(&small(), Some(&p), 7);
    assert_eq!(
        (notes.launch_day, notes.baseline_launch_day),
        (None, Some(5))
    );
}

#[test]
fn the_export_footer_names_changed_knobs_the_baseline_and_the_seed() {
    let defaults = Params::default();
    assert!(changed_knobs(&defaults).is_empty());
    let mut p = Params::default();
    p.auction.reserve = 0.4;
    p.launch.enabled = true;
    p.sim.seed = 77;
    let changed = changed_knobs(&p);
    assert_eq!(changed.len(), 2, "{changed:?} (the seed has its own line)");
    assert!(
        changed
            .iter()
            .any(|c| c.starts_with("Reserve") && c.contains("0.40")),
        "{changed:?}"
    );
    assert!(changed.iter().any(|c| c.ends_with(": on")), "{changed:?}");
    let mut later = Params::default();
    later.launch.day = 45;
    assert_eq!(
        changed_knobs(&later),
        ["Launch day: 45"],
        "units are left out"
    );

    let footer = export_footer(&p, Some(&defaults));
    assert_eq!(footer.len(), 3);
    assert!(footer[0].starts_with("Design: changed from the defaults: "));
    assert_eq!(footer[1], "Baseline: every knob at its default.");
    assert_eq!(footer[2], "Seed 77 (baseline seed 1) · Marketplace Sandbox");
    assert_eq!(export_footer(&defaults, None).len(), 2);

    // Wrapping keeps every word, in order, and narrows lines to the width.
    let long = vec![format!("Design: {}", "word ".repeat(80).trim())];
    let wrapped = wrap_footer(&long, 400, 1.0);
    assert!(wrapped.len() > 2);
    assert_eq!(wrapped.join(" "), long[0]);
    assert!(wrapped.iter().all(|l| l.chars().count() <= 62));
    // At 2x the same text in a twice-as-wide image wraps the same way.
    assert_eq!(wrap_footer(&long, 800, 2.0), wrapped);

    // The image: taller by the footer, which is written in it.
    let chart = spec(vec![(1.0, 1.0), (2.0, 2.0)], YAxis::FromZero);
    let svg = render_export_svg(&chart, &footer, 1120, 600, 2.0);
    let wrapped = wrap_footer(&footer, 1120, 2.0);
    let height = 600 + footer_height(&wrapped, 2.0);
    assert!(
        svg.contains(&format!("height=\"{height}\"")),
        "{}",
        &svg[..200]
    );
    for line in &wrapped {
        assert!(svg.contains(line.as_str()), "{line:?} not in the image");
    }
    assert!(svg.contains("Test"), "the title");
}

#[test]
fn drawing_at_a_pixel_ratio_scales_fonts_and_lines() {
    let chart = spec(
        (1..=5).map(|d| (f64::from(d), f64::from(d))).collect(),
        YAxis::FromZero,
    );
    let one = render_svg_scaled(&chart, W, H, 1.0);
    let two = render_svg_scaled(&chart, 2 * W, 2 * H, 2.0);
    assert_eq!(one, render_svg(&chart, W, H));
    // Every text at twice the size, in the same order.
    let sizes = |svg: &str| -> Vec<f64> {
        svg.split("font-size=\"")
            .skip(1)
            .filter_map(|r| r.split('"').next()?.parse().ok())
            .collect()
    };
    let (a, b) = (sizes(&one), sizes(&two));
    assert!(!a.is_empty() && a.len() == b.len());
    assert!(
        a.iter().zip(&b).all(|(x, y)| close(2.0 * x, *y)),
        "{a:?} {b:?}"
    );
    let series_width = |svg: &str| {
        svg.lines()
            .find(|l| l.contains("stroke=\"#0072B2\""))
            .and_then(|l| l.split("stroke-width=\"").nth(1))
            .and_then(|r| r.split('"').next())
            .map(str::to_string)
    };
    assert_eq!(series_width(&one).as_deref(), Some("2"));
    assert_eq!(series_width(&two).as_deref(), Some("4"));
    // Nonsense ratios draw at 1.
    assert_eq!(render_svg_scaled(&chart, W, H, f64::NAN), one);
}
