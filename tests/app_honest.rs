//! Honest results and controls, natively: ratios with nothing to divide by show "—", sliders
//! widen to a link's value, the reducer clamps to validation's limits, a run with no ads says why,
//! and the first step's questions load their presets and read their numbers off the results.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::rc::Rc;

use sandbox::app::first_step::{self, FirstStep, FirstStepAction, QUESTIONS};
use sandbox::app::format;
use sandbox::app::no_ads::{no_ads_reason, shows_no_ads};
use sandbox::app::protocol::Response;
use sandbox::app::state::{Action, AppState, EngineMode};
use sandbox::config::presets::preset;
use sandbox::core::model::knobs::{Knob, Value};
use sandbox::core::model::{
    initial_bids, simulate, summary_rows, Metric, Params, RunResult, Scenario, Summary,
};

fn run(p: &Params) -> RunResult {
    simulate(&Scenario::new(p.clone()).expect("valid"))
}

fn small() -> Params {
    let mut p = Params::default();
    p.users.count = 300;
    p.sim.days = 8;
    p.advertisers.count = 40;
    p
}

// ---------------------------------------------------------------------------------------------
// Ratios with no denominator
// ---------------------------------------------------------------------------------------------

#[test]
fn ratios_without_a_denominator_show_a_dash_and_others_their_value() {
    let mut p = small();
    p.auction.reserve = 10.0;
    let dead = run(&p);
    let w = &dead.summaries.whole_run;
    assert_eq!(w.impressions_per_day, 0.0);
    for metric in [Metric::Roi, Metric::AvgCpc, Metric::Ctr, Metric::Ecpm] {
        assert!(format::ratio_undefined(metric, w), "{metric:?}");
        assert_eq!(
            format::metric_value(metric.row(), w).as_deref(),
            Some(format::UNDEFINED),
            "{metric:?}"
        );
    }
    // Totals are real zeros, not undefined.
    assert_eq!(
        format::metric_value(Metric::RevenuePerDay.row(), w).as_deref(),
        Some("0")
    );
    // A live market: every summary row shows its formatted value.
    let live = run(&small());
    let w = &live.summaries.whole_run;
    assert!(w.impressions_per_day > 0.0 && w.revenue_per_day > 0.0);
    for row in summary_rows() {
        assert!(!format::ratio_undefined(row.metric, w), "{}", row.key);
        let x = row.value(w).expect("summary row");
        assert_eq!(
            format::metric_value(row, w),
            Some(format::show(row.format, x))
        );
    }
    // Each ratio is undefined exactly when its own denominator is 0.
    let mut s = Summary {
        impressions_per_day: 5.0,
        sessions_per_day: 3.0,
        ..Summary::default()
    };
    assert!(!format::ratio_undefined(Metric::Ctr, &s));
    assert!(format::ratio_undefined(Metric::AvgCpc, &s));
    assert!(format::ratio_undefined(Metric::Roi, &s));
    s.clicks_per_day = 1.0;
    assert!(!format::ratio_undefined(Metric::AvgCpc, &s));
    assert!(format::ratio_undefined(Metric::Roi, &s));
    s.revenue_per_day = 2.0;
    assert!(!format::ratio_undefined(Metric::Roi, &s));
    // Daily-only rows have no summary value.
    assert_eq!(
        format::metric_value(Metric::PositionsViewed.row(), &s),
        None
    );
}

// ---------------------------------------------------------------------------------------------
// Sliders and the reducer's limits
// ---------------------------------------------------------------------------------------------

#[test]
fn a_value_beyond_the_slider_widens_it_and_the_texts_agree() {
    let spec = Knob::Reserve.spec();
    let slider = spec.slider().expect("slider");
    let limits = spec.limits().expect("limits");
    assert!(slider.max < 8.0 && 8.0 <= limits.max);
    let (shown, widened) = format::slider_for(spec, 8.0).expect("numeric");
    assert!(widened);
    assert_eq!(
        (shown.min, shown.max, shown.step),
        (slider.min, 8.0, slider.step)
    );
    let sentence = format::range_sentence_for(spec, &Value::Number(8.0));
    let (readout, _) = format::readout_parts(spec, 8.0);
    assert_eq!(readout, "8.00");
    assert!(
        sentence.contains(&format!("0.00–{readout} currency per click")),
        "{sentence}"
    );
    assert!(sentence.contains("usual range is 0.00–5.00"), "{sentence}");
    assert!(sentence.contains("accepted: 0–10"), "{sentence}");
    // Inside the slider nothing changes.
    let (shown, widened) = format::slider_for(spec, 3.0).expect("numeric");
    assert!(!widened);
    assert_eq!(shown, slider);
    assert_eq!(
        format::range_sentence_for(spec, &Value::Number(3.0)),
        format::range_sentence(spec)
    );
    // Below the slider too (an integer knob: the seed's slider ends at 1000).
    let seed = Knob::Seed.spec();
    let (shown, widened) = format::slider_for(seed, 5000.0).expect("numeric");
    assert!(widened && shown.max == 5000.0);
}

#[test]
fn the_reducer_keeps_a_links_value_beyond_the_slider_and_clamps_to_the_limits() {
    let s = Rc::new(AppState::from_query("reserve=8", EngineMode::MainThread));
    assert_eq!(s.params.auction.reserve, 8.0);
    assert!(s.problems.is_empty());
    let s = s.reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(9.5),
    });
    assert_eq!(
        s.params.auction.reserve, 9.5,
        "within the limits, beyond the slider"
    );
    let s = s.reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(1e9),
    });
    assert_eq!(
        s.params.auction.reserve, 10.0,
        "clamped to the accepted maximum"
    );
    let s = s.reduce(Action::SetParam {
        id: Knob::Reserve,
        value: Value::Number(-3.0),
    });
    assert_eq!(s.params.auction.reserve, 0.0);
    // Every numeric knob clamps to exactly its limits.
    for knob in Knob::ALL {
        let spec = knob.spec();
        let Some(limits) = spec.limits() else {
            continue;
        };
        if *knob == Knob::Seed {
            continue;
        }
        for (x, want) in [(1e12, limits.max), (-1e12, limits.min)] {
            let s = Rc::new(AppState::from_query("", EngineMode::MainThread)).reduce(
                Action::SetParam {
                    id: *knob,
                    value: Value::Number(x),
                },
            );
            assert_eq!((spec.get)(&s.params), Value::Number(want), "{}", spec.url);
            assert!(Scenario::new((*s.params).clone()).is_ok(), "{}", spec.url);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// No ads shown
// ---------------------------------------------------------------------------------------------

#[test]
fn a_reserve_above_every_bid_is_named_with_the_highest_bid() {
    let mut p = small();
    p.auction.reserve = 10.0;
    let r = run(&p);
    assert!(shows_no_ads(&r));
    let highest = initial_bids(&Scenario::new(p.clone()).expect("valid"))
        .iter()
        .map(|b| b.0)
        .fold(0.0, f64::max);
    let reason = no_ads_reason(&p, &r).expect("no ads");
    assert!(reason.contains("reserve (10 per click)"), "{reason}");
    assert!(reason.contains(&format::number(highest)), "{reason}");
    // The bids are the ones the auction uses: a reserve just below the highest bid lets ads
    // through, one just above it does not.
    p.auction.reserve = highest * 0.999;
    assert!(!shows_no_ads(&run(&p)));
    assert_eq!(no_ads_reason(&p, &run(&p)), None);
    p.auction.reserve = highest * 1.001;
    assert!(shows_no_ads(&run(&p)));
}

#[test]
fn other_causes_of_an_empty_feed_are_named() {
    type Change = fn(&mut Params);
    let cases: [(Change, &str); 4] = [
        (|p| p.ad_load.max_ads = 0, "Max ads per session is 0"),
        (
            |p| {
                p.ad_load.top_slot = 30;
                p.ad_load.feed_length = 20;
            },
            "top ad slot (30) is beyond the 20-position feed",
        ),
        (
            |p| p.ad_load.first_position = 40,
            "first ad position (40) is beyond the 25-position feed",
        ),
        (|p| p.utility.w_rev = 0.0, "weights are all 0"),
    ];
    for (change, text) in cases {
        let mut p = small();
        change(&mut p);
        let r = run(&p);
        assert!(shows_no_ads(&r), "{text}");
        let reason = no_ads_reason(&p, &r).expect("no ads");
        assert!(reason.contains(text), "{reason}");
    }
}

// ---------------------------------------------------------------------------------------------
// The first step
// ---------------------------------------------------------------------------------------------

fn answered(state: Rc<AppState>) -> Rc<AppState> {
    let s = state.reduce(Action::Submit);
    let request = s.request.clone().expect("request");
    let result = run(&request.params);
    let baseline_result = request.baseline.as_deref().map(|b| Box::new(run(b)));
    s.reduce(Action::Engine(Response::Simulated {
        id: request.id,
        result: Box::new(result),
        baseline_result,
        engine_ms: 1.0,
    }))
}

#[test]
fn each_question_loads_its_preset_and_baseline_in_one_step() {
    for q in &QUESTIONS {
        let mut s = Rc::new(AppState::from_query("reserve=0.4", EngineMode::MainThread));
        assert_eq!(first_step::active(&s), None);
        for action in first_step::ask(q) {
            s = s.reduce(action);
        }
        let want = (preset(q.preset).expect("preset").params)();
        assert_eq!(*s.params, want, "{}", q.id);
        assert_eq!(s.preset, Some(q.preset));
        let base = q.baseline.map(|b| (preset(b).expect("preset").params)());
        assert_eq!(s.baseline.as_deref(), base.as_ref(), "{}", q.id);
        assert_eq!(first_step::active(&s).map(|a| a.id), Some(q.id));
        assert!(
            s.query().contains("base="),
            "{}: the link carries the baseline",
            q.id
        );
        // Moving a knob leaves the question.
        let moved = s.reduce(Action::SetParam {
            id: Knob::Days,
            value: Value::Number(20.0),
        });
        assert_eq!(first_step::active(&moved), None);
    }
}

#[test]
fn the_notice_reads_the_numbers_on_screen() {
    for q in &QUESTIONS {
        let mut s = Rc::new(AppState::from_query("", EngineMode::MainThread));
        for action in first_step::ask(q) {
            s = s.reduce(action);
        }
        let s = answered(s);
        let computed = s.results.as_deref().expect("results");
        let notice = first_step::notice(q, computed).expect("a notice");
        assert!(notice.ends_with('.'), "{notice}");
        let run = &computed.result.summaries;
        let base = &computed
            .baseline_result
            .as_deref()
            .expect("baseline")
            .summaries;
        let pct = |a: f64, b: f64| format::relative_change(a, b).expect("defined");
        let expected: Vec<String> = match q.id {
            "ad_load" => vec![
                pct(
                    run.first_week.revenue_per_day,
                    base.first_week.revenue_per_day,
                ),
                pct(
                    run.last_week.revenue_per_day,
                    base.last_week.revenue_per_day,
                ),
                pct(
                    run.last_week.engagement_per_day,
                    base.last_week.engagement_per_day,
                ),
            ],
            "reserve" => vec![
                format::number(run.whole_run.revenue_per_day),
                format::number(base.whole_run.revenue_per_day),
                format::percent(run.whole_run.reserve_binding_rate),
            ],
            "churn" => vec![
                format::number(run.first_week.active_advertisers),
                format::number(run.last_week.active_advertisers),
                format::count(u64::from(run.whole_run.churned_advertisers)),
            ],
            "launch" => {
                let last = computed
                    .result
                    .days
                    .iter()
                    .filter(|d| d.day >= run.last_week.from_day);
                let (cohort, total) = last.fold((0.0, 0.0), |(c, t), d| {
                    (
                        c + d.spend_by_group[3],
                        t + d.spend_by_group.iter().sum::<f64>(),
                    )
                });
                assert!(cohort > 0.0, "the cohort spends after the launch");
                vec![format::percent(cohort / total), "day 30".into()]
            }
            other => panic!("untested question {other}"),
        };
        for text in expected {
            assert!(notice.contains(&text), "{}: {notice:?} lacks {text}", q.id);
        }
        // Other results (another configuration) get no notice.
        let mut other = computed.clone();
        let mut p = (*other.params).clone();
        p.sim.seed += 1;
        other.params = Rc::new(p);
        assert_eq!(first_step::notice(q, &other), None, "{}", q.id);
    }
}

#[test]
fn the_panel_is_open_until_dismissed_and_remembers_it() {
    let fresh = FirstStep::new(None);
    assert!(fresh.open);
    assert_eq!(fresh.stored(), None);
    let dismissed = fresh.reduce(FirstStepAction::Dismiss);
    assert!(!dismissed.open);
    assert_eq!(dismissed.stored(), Some("1"));
    // A later visit reads what was kept.
    assert!(!FirstStep::new(dismissed.stored()).open);
    let reopened = dismissed.reduce(FirstStepAction::Reopen);
    assert!(reopened.open);
    assert!(FirstStep::new(reopened.stored()).open);
}

#[test]
fn a_count_of_one_reads_in_the_singular_and_other_values_keep_their_unit() {
    use sandbox::app::format::param_value;
    use sandbox::core::model::knobs::{Knob, Value};
    let show = |knob: Knob, x: f64| param_value(knob.spec(), &Value::Number(x));
    assert_eq!(show(Knob::Every, 1.0), "1 position");
    assert_eq!(show(Knob::Every, 6.0), "6 positions");
    assert_eq!(show(Knob::MaxAds, 1.0), "1 ad");
    assert_eq!(show(Knob::Days, 1.0), "1 day");
    assert_eq!(show(Knob::Users, 1_000.0), "1,000 users");
}
