//! The "Promotional bandwidth" section's rows on a real small run: absent when promotion is off,
//! values read from the run's promotion summaries, "—" for undefined ratios, and changes against
//! a baseline with a lower share.
#![cfg(not(target_arch = "wasm32"))]

use sandbox::app::promotion::promotion_section;
use sandbox::core::model::{
    simulate, Params, PromotedClass, PromotionSide, RunResult, Scenario, Window,
};

fn run(p: &Params) -> RunResult {
    simulate(&Scenario::new(p.clone()).expect("valid"))
}

fn small(share: Option<f64>) -> Params {
    let mut p = Params::default();
    p.sim.seed = 3;
    p.sim.days = 10;
    p.users.count = 600;
    p.advertisers.count = 40;
    p.launch.enabled = true;
    p.launch.day = 4;
    p.launch.count = 8;
    if let Some(share) = share {
        p.promotion.enabled = true;
        p.promotion.class = PromotedClass::Launch;
        p.promotion.share = share;
    }
    p
}

#[test]
fn off_has_no_section_on_shows_the_run_numbers() {
    assert!(promotion_section(&run(&small(None)), None).is_none());
    let r = run(&small(Some(0.5)));
    let s = promotion_section(&r, None).expect("section");
    let p = r.summaries.promotion.as_ref().unwrap();
    assert_eq!(s.side(PromotionSide::Promoted).count(), 4);
    assert_eq!(s.side(PromotionSide::Others).count(), 3);
    let share = s
        .cell("promoted_impression_share", Window::LastWeek)
        .unwrap();
    assert_eq!(share.value, Some(p.last_week.promoted_impression_share));
    assert!(share.text.ends_with('%'));
    let rev = s.cell("others_revenue_per_day", Window::WholeRun).unwrap();
    assert_eq!(rev.value, Some(p.whole_run.others_revenue_per_day));
    // The launch is on day 4: in the first week the launched class is present for 4 days; no
    // baseline, no change.
    assert!(s
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .all(|c| c.change.is_none()));
    assert!(!s.baseline_without_promotion);
}

#[test]
fn undefined_ratios_show_a_dash() {
    // A launch after the run's first week: in the first week the promoted class has no ads.
    let mut p = small(Some(0.5));
    p.launch.day = 9;
    let r = run(&p);
    let s = promotion_section(&r, None).unwrap();
    for key in ["promoted_cpc", "promoted_roi"] {
        let c = s.cell(key, Window::FirstWeek).unwrap();
        assert_eq!(c.value, None, "{key}");
        assert_eq!(c.text, "—");
    }
    let c = s
        .cell("promoted_impression_share", Window::FirstWeek)
        .unwrap();
    assert_eq!(c.value, Some(0.0));
}

#[test]
fn a_lower_share_baseline_gives_changes_and_more_share_wins_more_impressions() {
    let base = run(&small(Some(0.1)));
    let r = run(&small(Some(0.6)));
    let s = promotion_section(&r, Some(&base)).unwrap();
    let c = s
        .cell("promoted_impression_share", Window::LastWeek)
        .unwrap();
    let (v, b) = (c.value.unwrap(), c.base.unwrap());
    assert!(v > b, "{v} vs {b}");
    assert!(c.change.as_deref().unwrap().starts_with('+'));
    let o = s.cell("others_revenue_per_day", Window::LastWeek).unwrap();
    assert!(o.value.unwrap() < o.base.unwrap());
    assert!(o.change.as_deref().unwrap().starts_with('−'));
    // A baseline with promotion off has no promoted-class numbers: no change, and the section says so.
    let s = promotion_section(&r, Some(&run(&small(None)))).unwrap();
    assert!(s.baseline_without_promotion);
    assert!(s
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .all(|c| c.change.is_none()));
}
