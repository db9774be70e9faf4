//! Validation: [`Params`] → [`Scenario`]. Never panics; every problem names the field, the
//! allowed range, the value given and the value used instead.

use std::fmt;

use serde::Serialize;

use super::params::*;

/// One problem with a configuration value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `users.count`.
    pub field: String,
    /// What was wrong, with the allowed range.
    pub message: String,
    /// The value used instead, as text.
    pub used: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (using {})", self.field, self.message, self.used)
    }
}

/// A validated configuration: every value in range. Only this reaches the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    params: Params,
}

impl Scenario {
    /// Validates `params`; any problem is an error (use [`Scenario::repair`] to run anyway).
    pub fn new(params: Params) -> Result<Scenario, Vec<FieldError>> {
        let (scenario, problems) = Scenario::repair(params);
        if problems.is_empty() {
            Ok(scenario)
        } else {
            Err(problems)
        }
    }

    /// Replaces every invalid value by its default and reports what it replaced.
    pub fn repair(mut params: Params) -> (Scenario, Vec<FieldError>) {
        let mut problems = Vec::new();
        check_all(&mut params, &mut problems);
        (Scenario { params }, problems)
    }

    /// The validated parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Effective bid shading: the configured value, or the automatic one for the format.
    pub fn bid_shading(&self) -> f64 {
        self.params
            .auction
            .bid_shading
            .unwrap_or(match self.params.auction.format {
                crate::core::auction::Format::FirstPrice => {
                    super::constants::AUTO_SHADING_FIRST_PRICE
                }
                _ => super::constants::AUTO_SHADING_GSP_VCG,
            })
    }

    /// Reserve per click for category `c`.
    pub fn reserve_for(&self, c: usize) -> f64 {
        self.params
            .auction
            .reserve_by_category
            .get(c)
            .copied()
            .unwrap_or(self.params.auction.reserve)
    }
}

struct Checker<'a> {
    problems: &'a mut Vec<FieldError>,
}

impl Checker<'_> {
    fn f64(&mut self, field: &str, value: &mut f64, default: f64, min: f64, max: f64) {
        if !(value.is_finite() && *value >= min && *value <= max) {
            self.problems.push(FieldError {
                field: field.to_string(),
                message: format!("{value} is outside the allowed range {min}–{max}"),
                used: default.to_string(),
            });
            *value = default;
        }
    }

    fn usize(&mut self, field: &str, value: &mut usize, default: usize, min: usize, max: usize) {
        if *value < min || *value > max {
            self.problems.push(FieldError {
                field: field.to_string(),
                message: format!("{value} is outside the allowed range {min}–{max}"),
                used: default.to_string(),
            });
            *value = default;
        }
    }

    fn u32(&mut self, field: &str, value: &mut u32, default: u32, min: u32, max: u32) {
        let mut v = *value as usize;
        self.usize(field, &mut v, default as usize, min as usize, max as usize);
        *value = v as u32;
    }

    fn problem(&mut self, field: &str, message: String, used: String) {
        self.problems.push(FieldError {
            field: field.into(),
            message,
            used,
        });
    }
}

fn check_all(p: &mut Params, problems: &mut Vec<FieldError>) {
    let d = Params::default();
    let mut c = Checker { problems };

    c.u32("sim.days", &mut p.sim.days, d.sim.days, 1, 365);

    let u = &mut p.utility;
    c.f64("utility.w_rev", &mut u.w_rev, d.utility.w_rev, 0.0, 5.0);
    c.f64("utility.w_eng", &mut u.w_eng, d.utility.w_eng, 0.0, 5.0);
    c.f64("utility.w_qual", &mut u.w_qual, d.utility.w_qual, 0.0, 0.5);
    c.f64("utility.w_fat", &mut u.w_fat, d.utility.w_fat, 0.0, 5.0);

    let a = &mut p.auction;
    c.f64(
        "auction.reserve",
        &mut a.reserve,
        d.auction.reserve,
        0.0,
        10.0,
    );
    c.f64("auction.squashing", &mut a.squashing, 1.0, 0.0, 2.0);
    if !a.reserve_by_category.is_empty() && a.reserve_by_category.len() != N_CATEGORIES {
        c.problem(
            "auction.reserve_by_category",
            format!(
                "needs exactly {N_CATEGORIES} entries (one per category: {}), got {}",
                CATEGORIES.join(", "),
                a.reserve_by_category.len()
            ),
            "[] (the global reserve)".into(),
        );
        a.reserve_by_category.clear();
    }
    for (i, r) in a.reserve_by_category.iter_mut().enumerate() {
        let global = a.reserve;
        c.f64(
            &format!("auction.reserve_by_category[{i}]"),
            r,
            global,
            0.0,
            10.0,
        );
    }
    if let Some(s) = a.bid_shading.as_mut() {
        c.f64("auction.bid_shading", s, 0.0, 0.0, 0.95);
    }

    let l = &mut p.ad_load;
    let dl = &d.ad_load;
    c.usize(
        "ad_load.feed_length",
        &mut l.feed_length,
        dl.feed_length,
        5,
        MAX_FEED_LENGTH,
    );
    c.usize(
        "ad_load.first_position",
        &mut l.first_position,
        dl.first_position,
        1,
        MAX_FEED_LENGTH,
    );
    c.usize("ad_load.every", &mut l.every, dl.every, 1, MAX_FEED_LENGTH);
    c.f64("ad_load.theta", &mut l.theta, dl.theta, 0.0, 1.0);
    c.f64("ad_load.lambda", &mut l.lambda, dl.lambda, 0.0, 1.0);
    c.usize(
        "ad_load.top_slot",
        &mut l.top_slot,
        dl.top_slot,
        1,
        MAX_FEED_LENGTH,
    );
    c.usize("ad_load.min_gap", &mut l.min_gap, dl.min_gap, 1, 20);
    c.usize(
        "ad_load.max_ads",
        &mut l.max_ads,
        dl.max_ads,
        0,
        MAX_ADS_PER_SESSION,
    );
    c.u32(
        "ad_load.frequency_cap",
        &mut l.frequency_cap,
        dl.frequency_cap,
        1,
        20,
    );

    let us = &mut p.users;
    let du = &d.users;
    c.usize("users.count", &mut us.count, du.count, 1, 200_000);
    if us.segments.is_empty() {
        c.problem(
            "users.segments",
            "needs at least one segment".into(),
            "the three default segments".into(),
        );
        us.segments = default_segments();
    }
    if us.segments.len() > 16 {
        c.problem(
            "users.segments",
            format!("at most 16 segments, got {}", us.segments.len()),
            "the first 16".into(),
        );
        us.segments.truncate(16);
    }
    let ds = Segment::default();
    for (i, s) in us.segments.iter_mut().enumerate() {
        let f = |name: &str| format!("users.segments[{i}].{name}");
        c.f64(&f("share"), &mut s.share, 1.0, 0.0, 1.0);
        c.f64(
            &f("visits_per_day"),
            &mut s.visits_per_day,
            ds.visits_per_day,
            0.0,
            20.0,
        );
        c.f64(
            &f("feed_depth"),
            &mut s.feed_depth,
            ds.feed_depth,
            1.0,
            60.0,
        );
        c.f64(
            &f("organic_engagement"),
            &mut s.organic_engagement,
            ds.organic_engagement,
            0.0,
            1.0,
        );
        c.f64(&f("ad_click"), &mut s.ad_click, ds.ad_click, 0.0, 1.0);
        c.f64(
            &f("fatigue_sensitivity"),
            &mut s.fatigue_sensitivity,
            ds.fatigue_sensitivity,
            0.0,
            10.0,
        );
        let bad_interests = !s.interests.is_empty()
            && (s.interests.len() != N_CATEGORIES
                || s.interests.iter().any(|w| !(w.is_finite() && *w >= 0.0))
                || s.interests.iter().sum::<f64>() <= 0.0);
        if bad_interests {
            c.problem(
                &f("interests"),
                format!(
                    "needs {N_CATEGORIES} non-negative weights ({}) with a positive sum",
                    CATEGORIES.join(", ")
                ),
                "uniform interests".into(),
            );
            s.interests.clear();
        }
    }
    if us.segments.iter().map(|s| s.share).sum::<f64>() <= 0.0 {
        c.problem(
            "users.segments",
            "segment shares sum to zero: the population would be empty".into(),
            "equal shares".into(),
        );
        for s in &mut us.segments {
            s.share = 1.0;
        }
    }
    c.f64("users.mix_tilt", &mut us.mix_tilt, 0.0, -1.0, 1.0);
    c.f64(
        "users.fatigue_sensitivity",
        &mut us.fatigue_sensitivity,
        du.fatigue_sensitivity,
        0.0,
        10.0,
    );
    c.f64(
        "users.fatigue_half_life_days",
        &mut us.fatigue_half_life_days,
        du.fatigue_half_life_days,
        1.0,
        365.0,
    );
    c.f64(
        "users.count_share",
        &mut us.count_share,
        du.count_share,
        0.0,
        1.0,
    );
    c.f64("users.blindness", &mut us.blindness, du.blindness, 0.0, 5.0);
    c.f64(
        "users.visit_sensitivity",
        &mut us.visit_sensitivity,
        du.visit_sensitivity,
        0.0,
        5.0,
    );
    c.f64(
        "users.ad_exit_hazard",
        &mut us.ad_exit_hazard,
        du.ad_exit_hazard,
        0.0,
        0.5,
    );
    c.f64(
        "users.organic_decay",
        &mut us.organic_decay,
        du.organic_decay,
        0.5,
        1.0,
    );
    c.f64(
        "users.ad_engagement_per_click",
        &mut us.ad_engagement_per_click,
        du.ad_engagement_per_click,
        0.0,
        5.0,
    );
    c.f64(
        "users.gap_penalty",
        &mut us.gap_penalty,
        du.gap_penalty,
        0.0,
        0.9,
    );

    let ad = &mut p.advertisers;
    let da = &d.advertisers;
    c.usize("advertisers.count", &mut ad.count, da.count, 1, 2_000);
    c.f64(
        "advertisers.value_mean",
        &mut ad.value_mean,
        da.value_mean,
        0.01,
        100.0,
    );
    c.f64(
        "advertisers.value_sigma",
        &mut ad.value_sigma,
        da.value_sigma,
        0.0,
        2.0,
    );
    c.f64(
        "advertisers.budget_mean",
        &mut ad.budget_mean,
        da.budget_mean,
        0.0,
        10_000.0,
    );
    c.f64(
        "advertisers.budget_sigma",
        &mut ad.budget_sigma,
        da.budget_sigma,
        0.0,
        2.0,
    );
    c.f64(
        "advertisers.quality_mean",
        &mut ad.quality_mean,
        da.quality_mean,
        0.05,
        0.95,
    );
    c.f64(
        "advertisers.quality_spread",
        &mut ad.quality_spread,
        da.quality_spread,
        0.0,
        0.3,
    );
    c.f64(
        "advertisers.targeted_share",
        &mut ad.targeted_share,
        da.targeted_share,
        0.0,
        1.0,
    );
    c.f64(
        "advertisers.roi_target",
        &mut ad.roi_target,
        da.roi_target,
        0.0,
        10.0,
    );
    c.f64(
        "advertisers.churn_probability",
        &mut ad.churn_probability,
        da.churn_probability,
        0.0,
        1.0,
    );
    c.f64(
        "advertisers.arrival_rate",
        &mut ad.arrival_rate,
        da.arrival_rate,
        0.0,
        50.0,
    );
    c.f64(
        "advertisers.budget_growth",
        &mut ad.budget_growth,
        da.budget_growth,
        0.0,
        0.2,
    );

    let la = &mut p.launch;
    let dla = &d.launch;
    c.u32("launch.day", &mut la.day, dla.day, 1, 365);
    c.usize("launch.count", &mut la.count, dla.count, 1, 1_000);
    c.f64(
        "launch.quality_mean",
        &mut la.quality_mean,
        dla.quality_mean,
        0.05,
        0.95,
    );
    c.f64(
        "launch.ctr_multiplier",
        &mut la.ctr_multiplier,
        dla.ctr_multiplier,
        0.1,
        5.0,
    );
    c.f64(
        "launch.value_mean",
        &mut la.value_mean,
        dla.value_mean,
        0.01,
        100.0,
    );
    c.f64(
        "launch.budget_mean",
        &mut la.budget_mean,
        dla.budget_mean,
        0.0,
        10_000.0,
    );
}
