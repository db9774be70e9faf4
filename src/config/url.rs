//! The versioned, canonical link format: [`Params`] (and an optional pinned baseline) ⇄ a URL
//! query string. Links outlive releases: every link carries its version, and [`decode`] migrates
//! older versions forward.
//!
//! # Format (version 2)
//!
//! ```text
//! v=2&auction=first_price&reserve=0.25&days=90&base=1&b.days=90
//! ```
//!
//! - `v=2` comes first. Then only the keys whose value differs from [`Params::default()`], in
//!   [`table()`] order; then the two list keys that are not in the table (below).
//! - Numbers are Rust's shortest round-trip `{}` formatting of the `f64` (so `0.1`, `1e-7` is
//!   written `0.0000001`); integers have no decimal point. `seed` is written and read as an exact
//!   `u64`. Choices are their URL value (`first_price`); toggles are `1`/`0`.
//! - Bid shading is two keys: `bidding=custom` (absent = automatic) and `shading=x` (absent with
//!   `bidding=custom` = 0). See [`crate::core::model::knobs`].
//! - `autobid_share=x` is written when the share is set, whatever its value, and absent when it is
//!   unset (the strategy mix as configured): a link with a mix keeps its `strategies` alone.
//! - Fields outside the table, only when they differ from the default:
//!   - `reserve_cat` — per-category reserves per click, comma-separated in [`CATEGORIES`] order
//!     (`reserve_cat=0.1,0.2,0.1,0.1,0.3,0.1`);
//!   - `segments` — the user segments as percent-encoded JSON (the serde form of
//!     `Vec<Segment>`; missing fields take [`Segment::default`]'s values). Ugly but exact (read
//!     with [`parse_json_exact`]); only links built from a JSON configuration carry it.
//! - The view, only when it differs from the default ([`View`]): `page=model` (the Model tab; absent:
//!   the sandbox) and `window=N` (the test window of comparisons, 1–365 days; absent: 14). A view
//!   changes what is shown, never a number of a run. The Tradeoffs tab (`page=tradeoffs`) adds
//!   its sweep's settings ([`SweepView`]), each only when it differs from its default:
//!   `sweep` (the swept knob's link key, `sweep=reserve`; absent: the ad-load knob of the
//!   current policy), `sweep.from` and `sweep.to` (absent: the knob's slider range),
//!   `sweep.points` (2–101; absent: 21), `sweep.x`, `sweep.y` and `sweep.colour` (summary
//!   metrics as `window.metric`; absent: `whole_run.revenue_per_day`,
//!   `whole_run.engagement_per_day`, `whole_run.mean_fatigue`) and `sweep.weeks=1` (the first-
//!   and last-week frontiers). These keys are new in version 1 and never change a run, so older
//!   links read exactly as before.
//! - The Lab tab (`page=lab`) carries its settings under `lab.*` keys, each only when it differs
//!   from its default (see [`crate::config::lab`]); they are written last
//!   ([`encode_link_with_lab`]) and never change a run of the model.
//! - The Experiments tab (`page=experiment`) carries its settings under `exp.*` keys, each only
//!   when it differs from its default (see [`crate::config::experiment`]); they come after the
//!   lab's ([`encode_link_full`]) and never change a run of the model.
//! - Baseline: `base=1` marks a pinned baseline; `b.<key>` carries each baseline value that differs
//!   from the default, with the same keys and rules (`b.reserve_cat`, `b.segments` too). `base=1`
//!   alone pins the default configuration.
//! - Values are percent-encoded except `A–Z a–z 0–9 - . _ ~ , :`.
//!   A second knob makes the sweep a grid (the first knob varying fastest): `sweep2` (its link
//!   key; absent or `none`: no second knob), `sweep2.from`, `sweep2.to` and `sweep2.points`
//!   (absent: 7; a grid runs at most 441 points, the second knob's points are cut to fit).
//!   `sweep.heat` (a summary metric) colours the heat map (absent: the colour metric).
//!   The optimizer's settings ([`OptView`]): `opt.objective` (a summary metric's key, maximised,
//!   or `promotion.` and a promotion metric's key, such as `promotion.promoted_roi`, for runs
//!   with promotional bandwidth on; absent: no optimization), `opt.window` (`first_week`, `last_week`; absent: `whole_run`),
//!   `opt.knobs` (`knob:min:max` per knob, up to 3, comma-separated: `every:2:14,reserve:0:1.5`)
//!   and `opt.cons` (`window.metric:min:value` or `…:max:value`, up to 6; a value `xR` is R times
//!   the current design's own value: `last_week.engagement_per_day:min:x0.97`). A bad entry is
//!   reported and left out. `pol=1` shows the comparison of ad-load policies at equal engagement
//!   (the table of `sandbox policies --table`; absent or `0`: not shown), which a page opened
//!   with it reruns on the Tradeoffs tab. These keys never change a run either.
//!
//! So `decode(encode(p, b))` gives back `p` and `b` exactly, and `encode(decode(s))` is the
//! canonical form of `s`.
//!
//! # Decoding never fails
//!
//! [`decode`] always returns runnable parameters plus a list of [`UrlProblem`]s:
//! - a leading `?` is skipped; `%XX` and `+` (space) are decoded;
//! - a missing `v` means version 1 (hand-typed links such as `?days=30` keep meaning what they
//!   meant in version 1, forever), with no problem;
//! - `v` newer than [`URL_VERSION`]: a problem ("made by a newer release"), then read as the
//!   current version as well as possible; `v` that is not a known version: a problem, read as the
//!   current version;
//! - unknown key: a problem, ignored; repeated key: a problem, the later value wins;
//! - malformed value: a problem, the default is used;
//! - number outside what validation accepts (the row's [`ParamSpec::limits`]): a problem, **clamped to the nearest
//!   bound**; a fraction for an integer: a problem, rounded;
//! - last, the result goes through [`Scenario::repair`] (this catches bad `segments` and
//!   `reserve_cat` entries); each [`crate::core::model::FieldError`] becomes a problem.
//!
//! # Migrations
//!
//! A link of version `n < URL_VERSION` is migrated by the chain of [`Migration`]s in
//! `MIGRATIONS`, each rewriting the `(key, value)` pairs from version `n` to `n + 1`, before
//! any value is read. The main and the baseline pairs are migrated separately, with the `b.`
//! prefix removed, so a migration only ever sees plain keys. The chain is also tested with a
//! fake migration. The versions:
//!
//! - 1 → 2: `max_clicks` advertisers' budget dual now steps in an hour that spends the whole
//!   day's budget (before, it never stepped in the hour a budget ran out, which left an
//!   advertiser that spends out within one hour bidding its full value for ever). A version-1 link with `max_clicks`
//!   advertisers gets `max_clicks_rule=skip_spend_out_hour`, the old rule, so it reproduces
//!   its numbers; links without them read unchanged.
//!
//! # What is a version bump
//!
//! A link stores only what differs from the defaults, and it must reproduce its numbers, so a
//! new version (with a migration that writes the old meaning out explicitly) is needed whenever
//! a release changes (a) any default value in [`Params::default()`] — an absent key would silently
//! take the new default —, (b) a key's name or meaning, or (c) what the engine computes from a
//! configuration (`tests/data/golden_run.json` pins that). `tests/config_links_v1.txt` with its
//! snapshot fails on (a) and (b); `tests/golden_run.rs` fails on (c).

use std::fmt;

use crate::config::experiment::{ExperimentView, EXP_PREFIX};
use crate::config::export::parse_json_exact;
use crate::config::lab::{LabView, LAB_PREFIX};
use crate::core::model::knobs::{numeric_by_key, table, Kind, Knob, Limits, ParamSpec, Value};
use crate::core::model::metric_table::Metric;
use crate::core::model::{
    AdvertiserParams, FieldError, MaxClicksRule, Params, PromotionMetric, Scenario, Segment,
    Strategy, Window, WindowedMetric, CATEGORIES,
};

/// Version of the link format this release writes.
pub const URL_VERSION: u32 = 2;

/// Key of the per-category reserves (not in the parameter table).
pub const RESERVE_CAT_KEY: &str = "reserve_cat";
/// Key of the user segments (not in the parameter table).
pub const SEGMENTS_KEY: &str = "segments";
/// Key of the advertisers' bidding-strategy mix (not in the parameter table):
/// `manual:0.5,target_roas:0.5`, each strategy's name and share.
pub const STRATEGIES_KEY: &str = "strategies";
/// Key marking a pinned baseline.
pub const BASE_KEY: &str = "base";
/// Prefix of baseline keys.
pub const BASE_PREFIX: &str = "b.";
/// Key of the version.
pub const VERSION_KEY: &str = "v";
/// Key of the page shown ([`Page`]).
pub const PAGE_KEY: &str = "page";
/// Key of the comparison's test window in days.
pub const WINDOW_KEY: &str = "window";
/// Key of the swept knob (its link key) on the Tradeoffs tab.
pub const SWEEP_KEY: &str = "sweep";
/// Key of the sweep range's start.
pub const SWEEP_FROM_KEY: &str = "sweep.from";
/// Key of the sweep range's end.
pub const SWEEP_TO_KEY: &str = "sweep.to";
/// Key of the sweep's number of points.
pub const SWEEP_POINTS_KEY: &str = "sweep.points";
/// Key of the frontier's x metric.
pub const SWEEP_X_KEY: &str = "sweep.x";
/// Key of the frontier's y metric.
pub const SWEEP_Y_KEY: &str = "sweep.y";
/// Key of the metric that colours the points.
pub const SWEEP_COLOUR_KEY: &str = "sweep.colour";
/// Key of the "short vs long term" toggle.
pub const SWEEP_WEEKS_KEY: &str = "sweep.weeks";
/// Key of the second swept knob (its link key; absent: no second knob).
pub const SWEEP2_KEY: &str = "sweep2";
/// Key of the second knob's range start.
pub const SWEEP2_FROM_KEY: &str = "sweep2.from";
/// Key of the second knob's range end.
pub const SWEEP2_TO_KEY: &str = "sweep2.to";
/// Key of the second knob's number of points.
pub const SWEEP2_POINTS_KEY: &str = "sweep2.points";
/// Key of the heat map's metric (absent: the colour metric).
pub const SWEEP_HEAT_KEY: &str = "sweep.heat";
/// Every key of the sweep's settings.
pub const SWEEP_KEYS: [&str; 13] = [
    SWEEP_KEY,
    SWEEP_FROM_KEY,
    SWEEP_TO_KEY,
    SWEEP_POINTS_KEY,
    SWEEP_X_KEY,
    SWEEP_Y_KEY,
    SWEEP_COLOUR_KEY,
    SWEEP_WEEKS_KEY,
    SWEEP2_KEY,
    SWEEP2_FROM_KEY,
    SWEEP2_TO_KEY,
    SWEEP2_POINTS_KEY,
    SWEEP_HEAT_KEY,
];
/// Key of the optimizer's objective metric (absent: no optimization).
pub const OPT_OBJECTIVE_KEY: &str = "opt.objective";
/// Key of the objective's window (absent: the whole run).
pub const OPT_WINDOW_KEY: &str = "opt.window";
/// Key of the optimizer's knobs and ranges.
pub const OPT_KNOBS_KEY: &str = "opt.knobs";
/// Key of the optimizer's constraints.
pub const OPT_CONS_KEY: &str = "opt.cons";
/// Every key of the optimizer's settings.
pub const OPT_KEYS: [&str; 4] = [
    OPT_OBJECTIVE_KEY,
    OPT_WINDOW_KEY,
    OPT_KNOBS_KEY,
    OPT_CONS_KEY,
];
/// Key of the comparison of ad-load policies at equal engagement (`1`: shown).
pub const POLICIES_KEY: &str = "pol";
/// Most knobs the optimizer varies at once (as [`crate::core::tradeoff::optimize::MAX_KNOBS`]).
pub const MAX_OPT_KNOBS: usize = 3;
/// Most constraints of an optimization from the Tradeoffs tab.
pub const MAX_OPT_CONSTRAINTS: usize = 6;
/// Points of a sweep when the link does not say.
pub const DEFAULT_SWEEP_POINTS: u32 = 21;
/// Fewest points of a sweep from the Tradeoffs tab.
pub const MIN_SWEEP_POINTS: u32 = 2;
/// Most points of a sweep from the Tradeoffs tab.
pub const MAX_SWEEP_POINTS: u32 = 101;
/// Points of the second knob when the link does not say.
pub const DEFAULT_SWEEP2_POINTS: u32 = 7;
/// Most points of a two-knob sweep in all (21 × 21).
pub const MAX_SWEEP_TOTAL: u32 = 441;
/// The test window a comparison shows when the link does not say (a two-week A/B test).
pub const DEFAULT_TEST_WINDOW_DAYS: u32 = 14;
/// The longest test window (the longest run).
pub const MAX_TEST_WINDOW_DAYS: u32 = 365;

/// The page a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    /// Controls, KPIs and charts.
    #[default]
    Sandbox,
    /// Equations, assumptions and references.
    Model,
    /// Tradeoff curves: a sweep of one knob and its Pareto frontier.
    Tradeoffs,
    /// The mechanism lab: one-shot auctions against auction theory (`lab.*` keys,
    /// [`crate::config::lab`]).
    Lab,
    /// Online experiments inside the model: the current design as control against a treatment
    /// (`exp.*` keys, [`crate::config::experiment`]).
    Experiment,
}

impl Page {
    /// Every page.
    pub const ALL: [Page; 5] = [
        Page::Sandbox,
        Page::Model,
        Page::Tradeoffs,
        Page::Lab,
        Page::Experiment,
    ];

    /// The value in a link.
    pub fn as_str(self) -> &'static str {
        match self {
            Page::Sandbox => "sandbox",
            Page::Model => "model",
            Page::Tradeoffs => "tradeoffs",
            Page::Lab => "lab",
            Page::Experiment => "experiment",
        }
    }
}

/// The Tradeoffs tab's sweep settings, as the link carries them. `None` means "the default for
/// the design": the ad-load knob of the current policy, over its slider range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepView {
    /// The swept knob (a sweepable numeric knob); `None`: the current policy's ad-load knob.
    pub knob: Option<Knob>,
    /// The range's start; `None`: the slider's minimum.
    pub from: Option<f64>,
    /// The range's end; `None`: the slider's maximum.
    pub to: Option<f64>,
    /// Number of points, [`MIN_SWEEP_POINTS`]–[`MAX_SWEEP_POINTS`].
    pub points: u32,
    /// The frontier's x metric.
    pub x: WindowedMetric,
    /// The frontier's y metric.
    pub y: WindowedMetric,
    /// The metric that colours the points.
    pub colour: WindowedMetric,
    /// Whether the first-week and last-week frontiers are drawn ("short vs long term").
    pub weeks: bool,
    /// A second swept knob (varying slowest); `None`: a one-knob sweep.
    pub knob2: Option<Knob>,
    /// The second knob's range start; `None`: its slider's minimum.
    pub from2: Option<f64>,
    /// The second knob's range end; `None`: its slider's maximum.
    pub to2: Option<f64>,
    /// The second knob's number of points, [`MIN_SWEEP_POINTS`]–[`MAX_SWEEP_POINTS`] (a sweep
    /// runs at most [`MAX_SWEEP_TOTAL`] points in all).
    pub points2: u32,
    /// The metric that colours the heat map's cells; `None`: the colour metric.
    pub heat: Option<WindowedMetric>,
}

impl Default for SweepView {
    fn default() -> Self {
        let whole = |m| WindowedMetric::new(Window::WholeRun, m).expect("a summary metric");
        SweepView {
            knob: None,
            from: None,
            to: None,
            points: DEFAULT_SWEEP_POINTS,
            x: whole(Metric::RevenuePerDay),
            y: whole(Metric::EngagementPerDay),
            colour: whole(Metric::MeanFatigue),
            weeks: false,
            knob2: None,
            from2: None,
            to2: None,
            points2: DEFAULT_SWEEP2_POINTS,
            heat: None,
        }
    }
}

/// Whether `knob` can be swept from the Tradeoffs tab (a numeric knob the table marks sweepable).
pub fn sweepable(knob: Knob) -> bool {
    let spec = knob.spec();
    spec.sweepable && spec.limits().is_some()
}

impl SweepView {
    /// The `(key, value)` pairs of the settings that differ from the default, in
    /// [`SWEEP_KEYS`] order.
    fn pairs(&self) -> Vec<(String, String)> {
        let default = SweepView::default();
        let mut pairs = Vec::new();
        let mut push = |key: &str, value: String| pairs.push((key.to_string(), value));
        if let Some(knob) = self.knob {
            push(SWEEP_KEY, knob.spec().url.to_string());
        }
        if let Some(from) = self.from {
            push(SWEEP_FROM_KEY, from.to_string());
        }
        if let Some(to) = self.to {
            push(SWEEP_TO_KEY, to.to_string());
        }
        if self.points != default.points {
            push(SWEEP_POINTS_KEY, self.points.to_string());
        }
        if self.x != default.x {
            push(SWEEP_X_KEY, self.x.to_string());
        }
        if self.y != default.y {
            push(SWEEP_Y_KEY, self.y.to_string());
        }
        if self.colour != default.colour {
            push(SWEEP_COLOUR_KEY, self.colour.to_string());
        }
        if self.weeks {
            push(SWEEP_WEEKS_KEY, "1".to_string());
        }
        if let Some(knob) = self.knob2 {
            push(SWEEP2_KEY, knob.spec().url.to_string());
        }
        if let Some(from) = self.from2 {
            push(SWEEP2_FROM_KEY, from.to_string());
        }
        if let Some(to) = self.to2 {
            push(SWEEP2_TO_KEY, to.to_string());
        }
        if self.points2 != default.points2 {
            push(SWEEP2_POINTS_KEY, self.points2.to_string());
        }
        if let Some(heat) = self.heat {
            push(SWEEP_HEAT_KEY, heat.to_string());
        }
        pairs
    }

    /// The heat map's metric: its own, or the colour metric.
    pub fn heat_metric(&self) -> WindowedMetric {
        self.heat.unwrap_or(self.colour)
    }
}

/// A knob the optimizer moves and its range, as the link carries it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptKnob {
    /// The knob (sweepable and numeric).
    pub knob: Knob,
    /// Smallest value searched.
    pub min: f64,
    /// Largest value searched (above `min`).
    pub max: f64,
}

/// Which side of a constraint's metric is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The metric must be at least the bound.
    Min,
    /// The metric must be at most the bound.
    Max,
}

impl Side {
    /// The side's name in a link (`min`, `max`).
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Min => "min",
            Side::Max => "max",
        }
    }
}

/// A constraint of the optimizer, as the link carries it: `metric ≥ value` or `metric ≤ value`,
/// where a relative value is a multiple of the current design's own value of the metric
/// (`0.97`: 97% of it), resolved to an absolute bound when a run starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptConstraint {
    /// The constrained metric.
    pub metric: WindowedMetric,
    /// Lower or upper bound.
    pub side: Side,
    /// The bound, or with `relative` the multiple of the current design's value.
    pub value: f64,
    /// Whether `value` is a multiple of the current design's value.
    pub relative: bool,
}

/// The optimizer's settings on the Tradeoffs tab (see the module docs for the link keys). The
/// objective is maximised; `objective: None` means no optimization.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptView {
    /// The objective metric (one with a summary value); `None`: no optimization, or the
    /// promotion objective.
    pub objective: Option<Metric>,
    /// A promotion metric as the objective (read from runs with promotional bandwidth on); when
    /// set, `objective` is `None`.
    pub promotion_objective: Option<&'static PromotionMetric>,
    /// The window the objective is read over.
    pub window: Window,
    /// Up to [`MAX_OPT_KNOBS`] knobs with their ranges, first ones first.
    pub knobs: [Option<OptKnob>; MAX_OPT_KNOBS],
    /// Up to [`MAX_OPT_CONSTRAINTS`] constraints, first ones first.
    pub constraints: [Option<OptConstraint>; MAX_OPT_CONSTRAINTS],
}

impl Default for OptView {
    fn default() -> Self {
        OptView {
            objective: None,
            promotion_objective: None,
            window: Window::WholeRun,
            knobs: [None; MAX_OPT_KNOBS],
            constraints: [None; MAX_OPT_CONSTRAINTS],
        }
    }
}

impl OptView {
    /// The objective over its window, if an objective is set.
    pub fn objective_metric(&self) -> Option<WindowedMetric> {
        match self.promotion_objective {
            Some(m) => Some(WindowedMetric::promotion(self.window, m)),
            None => self
                .objective
                .and_then(|m| WindowedMetric::new(self.window, m)),
        }
    }

    /// `self` with the objective keyed `key` (without its window, as
    /// [`WindowedMetric::key`] gives it: `revenue_per_day`, `promotion.promoted_roi`), or with no
    /// objective when `key` names no metric with a summary.
    pub fn with_objective_key(mut self, key: &str) -> OptView {
        self.objective = None;
        self.promotion_objective = None;
        match key.strip_prefix("promotion.") {
            Some(rest) => self.promotion_objective = PromotionMetric::from_key(rest),
            None => self.objective = Metric::from_key(key).filter(|m| m.has_summary()),
        }
        self
    }

    /// The knobs set, in order.
    pub fn knob_list(&self) -> Vec<OptKnob> {
        self.knobs.iter().flatten().copied().collect()
    }

    /// The constraints set, in order.
    pub fn constraint_list(&self) -> Vec<OptConstraint> {
        self.constraints.iter().flatten().copied().collect()
    }

    /// `self` with the knobs `list` (at most [`MAX_OPT_KNOBS`] kept).
    pub fn with_knobs(mut self, list: &[OptKnob]) -> OptView {
        self.knobs = [None; MAX_OPT_KNOBS];
        for (slot, k) in self.knobs.iter_mut().zip(list) {
            *slot = Some(*k);
        }
        self
    }

    /// `self` with the constraints `list` (at most [`MAX_OPT_CONSTRAINTS`] kept).
    pub fn with_constraints(mut self, list: &[OptConstraint]) -> OptView {
        self.constraints = [None; MAX_OPT_CONSTRAINTS];
        for (slot, c) in self.constraints.iter_mut().zip(list) {
            *slot = Some(*c);
        }
        self
    }

    /// Whether the settings describe a run: an objective and at least one knob.
    pub fn runnable(&self) -> bool {
        self.objective_metric().is_some() && self.knobs.iter().any(Option::is_some)
    }

    /// The `(key, value)` pairs of the settings that differ from the default, in [`OPT_KEYS`]
    /// order.
    fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if let Some(m) = self.promotion_objective {
            pairs.push((
                OPT_OBJECTIVE_KEY.to_string(),
                format!("promotion.{}", m.key),
            ));
        } else if let Some(m) = self.objective {
            pairs.push((OPT_OBJECTIVE_KEY.to_string(), m.key().to_string()));
        }
        if self.window != Window::WholeRun {
            pairs.push((OPT_WINDOW_KEY.to_string(), self.window.name().to_string()));
        }
        let knobs = self.knob_list();
        if !knobs.is_empty() {
            let text = knobs
                .iter()
                .map(|k| format!("{}:{}:{}", k.knob.spec().url, k.min, k.max))
                .collect::<Vec<_>>()
                .join(",");
            pairs.push((OPT_KNOBS_KEY.to_string(), text));
        }
        let cons = self.constraint_list();
        if !cons.is_empty() {
            let text = cons
                .iter()
                .map(|c| {
                    format!(
                        "{}:{}:{}{}",
                        c.metric,
                        c.side.as_str(),
                        if c.relative { "x" } else { "" },
                        c.value
                    )
                })
                .collect::<Vec<_>>()
                .join(",");
            pairs.push((OPT_CONS_KEY.to_string(), text));
        }
        pairs
    }
}

/// What a link shows besides the configurations: the page, the comparison's test window and the
/// Tradeoffs tab's sweep settings. It never changes a number of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// The page shown.
    pub page: Page,
    /// Days of the test window that comparisons with a baseline show next to the first week, the
    /// last week and the whole run (days 1 to N), 1–[`MAX_TEST_WINDOW_DAYS`].
    pub test_window_days: u32,
    /// The Tradeoffs tab's sweep settings.
    pub sweep: SweepView,
    /// The Tradeoffs tab's optimizer settings.
    pub opt: OptView,
    /// Whether the Tradeoffs tab shows the comparison of ad-load policies at equal engagement.
    pub policies: bool,
}

impl Default for View {
    fn default() -> Self {
        View {
            page: Page::Sandbox,
            test_window_days: DEFAULT_TEST_WINDOW_DAYS,
            sweep: SweepView::default(),
            opt: OptView::default(),
            policies: false,
        }
    }
}

/// One problem found while decoding a link. Decoding goes on; `used` says what was used instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlProblem {
    /// The key as written in the link (`reserve`, `b.days`, `v`…).
    pub key: String,
    /// The value as written (percent-decoded); empty when the key had none.
    pub value: String,
    /// What was wrong, with the allowed values.
    pub message: String,
    /// What was used instead.
    pub used: String,
}

impl fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={}: {}; using {}",
            self.key, self.value, self.message, self.used
        )
    }
}

/// What a link decodes to: always runnable (validated) parameters, plus every problem found.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The configuration (valid: it went through [`Scenario::repair`]).
    pub params: Params,
    /// The pinned baseline, if the link has one (also valid).
    pub baseline: Option<Params>,
    /// The view (page, test window).
    pub view: View,
    /// The Lab tab's settings (`lab.*` keys).
    pub lab: LabView,
    /// The Experiments tab's settings (`exp.*` keys).
    pub experiment: ExperimentView,
    /// Everything that was wrong, in the order found.
    pub problems: Vec<UrlProblem>,
}

/// Rewrites a link's `(key, value)` pairs from one version to the next.
pub type Migration = fn(&mut Vec<(String, String)>);

/// `(from_version, migration to from_version + 1)`, in order.
const MIGRATIONS: &[(u32, Migration)] = &[(1, v1_max_clicks_rule)];

/// Version 1 → 2. Version 2 changed what the engine computes for `max_clicks` advertisers: their
/// budget dual steps in an hour that spends the whole day's budget
/// ([`crate::core::model::MaxClicksRule`]). A version-1 link whose market has `max_clicks`
/// advertisers (its `strategies`, or `autobid_share` over a mix with no autobidder) gets
/// `max_clicks_rule=skip_spend_out_hour`, so it keeps its numbers; any other link is unchanged.
fn v1_max_clicks_rule(pairs: &mut Vec<(String, String)>) {
    let last = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let mut advertisers = AdvertiserParams::default();
    if let Some(mix) = last(STRATEGIES_KEY).as_deref().and_then(parse_strategies) {
        advertisers.strategies = mix;
    }
    let share_key = Knob::AutobidShare.spec().url;
    if let Some(Ok(share)) = last(share_key).map(|v| v.trim().parse::<f64>()) {
        advertisers.autobid_share = Some(share);
    }
    if advertisers.uses(Strategy::MaxClicks) {
        pairs.push((
            Knob::MaxClicksRule.spec().url.to_string(),
            MaxClicksRule::SkipSpendOutHour.as_str().to_string(),
        ));
    }
}

/// A `strategies` value, `name:share` pairs separated by commas; `None` when one is malformed.
/// Names and shares are not checked here (validation reports them).
fn parse_strategies(value: &str) -> Option<std::collections::BTreeMap<String, f64>> {
    value
        .split(',')
        .map(|item| {
            let (name, share) = item.split_once(':')?;
            let share: f64 = share.trim().parse().ok()?;
            Some((name.trim().to_string(), share))
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// Encoding
// ------------------------------------------------------------------------------------------

/// The canonical query string (without a leading `?`) for `params` and an optional pinned
/// `baseline`: `v=` [`URL_VERSION`], then the non-default values (see the module docs).
pub fn encode(params: &Params, baseline: Option<&Params>) -> String {
    encode_link(params, baseline, View::default())
}

/// [`encode_link`] followed by the Lab tab's `lab.*` keys that differ from their defaults.
pub fn encode_link_with_lab(
    params: &Params,
    baseline: Option<&Params>,
    view: View,
    lab: &LabView,
) -> String {
    encode_link_full(params, baseline, view, lab, &ExperimentView::default())
}

/// [`encode_link`] followed by the Lab tab's `lab.*` keys and the Experiments tab's `exp.*`
/// keys that differ from their defaults.
pub fn encode_link_full(
    params: &Params,
    baseline: Option<&Params>,
    view: View,
    lab: &LabView,
    experiment: &ExperimentView,
) -> String {
    let mut query = encode_link(params, baseline, view);
    for (k, v) in lab.pairs().into_iter().chain(experiment.pairs()) {
        query.push_str(&format!("&{}={}", percent_encode(&k), percent_encode(&v)));
    }
    query
}

/// The canonical query string for `params`, an optional pinned `baseline` and a `view` (its keys
/// come after the configuration's, only when they differ from the default view).
pub fn encode_link(params: &Params, baseline: Option<&Params>, view: View) -> String {
    let mut pairs = vec![(VERSION_KEY.to_string(), URL_VERSION.to_string())];
    encode_into(params, "", &mut pairs);
    if view.page != Page::default() {
        pairs.push((PAGE_KEY.to_string(), view.page.as_str().to_string()));
    }
    if view.test_window_days != DEFAULT_TEST_WINDOW_DAYS {
        pairs.push((WINDOW_KEY.to_string(), view.test_window_days.to_string()));
    }
    pairs.extend(view.sweep.pairs());
    pairs.extend(view.opt.pairs());
    if view.policies {
        pairs.push((POLICIES_KEY.to_string(), "1".to_string()));
    }
    if let Some(base) = baseline {
        pairs.push((BASE_KEY.to_string(), "1".to_string()));
        encode_into(base, BASE_PREFIX, &mut pairs);
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Appends `prefix + key = value` for every value of `params` that differs from the default.
fn encode_into(params: &Params, prefix: &str, pairs: &mut Vec<(String, String)>) {
    let default = Params::default();
    for spec in table() {
        if let Some(text) = value_text_if_changed(spec, params, &default) {
            pairs.push((format!("{prefix}{}", spec.url), text));
        }
    }
    let reserves = &params.auction.reserve_by_category;
    if *reserves != default.auction.reserve_by_category {
        let text = reserves
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(",");
        pairs.push((format!("{prefix}{RESERVE_CAT_KEY}"), text));
    }
    if params.advertisers.strategies != default.advertisers.strategies {
        let text = params
            .advertisers
            .strategies
            .iter()
            .map(|(name, share)| format!("{name}:{share}"))
            .collect::<Vec<_>>()
            .join(",");
        pairs.push((format!("{prefix}{STRATEGIES_KEY}"), text));
    }
    if params.users.segments != default.users.segments {
        // Serialising plain data cannot fail; an empty value would decode to a reported problem.
        let text = serde_json::to_string(&params.users.segments).unwrap_or_default();
        pairs.push((format!("{prefix}{SEGMENTS_KEY}"), text));
    }
}

/// The text of `spec`'s value in `params`, or `None` when it equals the default's.
fn value_text_if_changed(spec: &ParamSpec, params: &Params, default: &Params) -> Option<String> {
    if spec.id == Knob::Seed {
        // Exact u64, not through the f64 of `Value::Number`.
        return (params.sim.seed != default.sim.seed).then(|| params.sim.seed.to_string());
    }
    if spec.id == Knob::AutobidShare {
        // Written when set, whatever the mix: unset reads the mix's own share, which links
        // with a mix have always carried as `strategies` alone.
        return params.advertisers.autobid_share.map(|x| x.to_string());
    }
    let value = (spec.get)(params);
    if value == (spec.get)(default) {
        return None;
    }
    Some(value_text(&value))
}

/// A value as written in a link.
fn value_text(value: &Value) -> String {
    match value {
        Value::Number(x) => x.to_string(),
        Value::Choice(s) => s.clone(),
        Value::Flag(b) => if *b { "1" } else { "0" }.to_string(),
    }
}

/// Percent-encodes everything except `A–Z a–z 0–9 - . _ ~ , :`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~,:".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// Decoding
// ------------------------------------------------------------------------------------------

/// Decodes a query string (with or without the leading `?`). Never fails, never panics: see the
/// module docs for what happens to each kind of problem.
pub fn decode(query: &str) -> Decoded {
    let mut problems = Vec::new();
    let query = query.strip_prefix('?').unwrap_or(query);

    let mut version_pairs = Vec::new();
    let mut view_pairs = Vec::new();
    let mut base_pairs = Vec::new();
    let mut main = Vec::new();
    let mut baseline = Vec::new();
    let mut lab_pairs = Vec::new();
    let mut exp_pairs = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = piece.split_once('=').unwrap_or((piece, ""));
        let key = percent_decode(raw_key).trim().to_string();
        let value = percent_decode(raw_value);
        if key == VERSION_KEY {
            version_pairs.push((key, value));
        } else if key == PAGE_KEY
            || key == WINDOW_KEY
            || SWEEP_KEYS.contains(&key.as_str())
            || OPT_KEYS.contains(&key.as_str())
            || key == POLICIES_KEY
        {
            view_pairs.push((key, value));
        } else if key.starts_with(LAB_PREFIX) {
            lab_pairs.push((key, value));
        } else if key.starts_with(EXP_PREFIX) {
            exp_pairs.push((key, value));
        } else if key == BASE_KEY {
            base_pairs.push((key, value));
        } else if let Some(rest) = key.strip_prefix(BASE_PREFIX) {
            baseline.push((rest.to_string(), value));
        } else {
            main.push((key, value));
        }
    }

    let version = read_version(dedup(version_pairs, "", &mut problems), &mut problems);
    migrate_or_report(&mut main, version, "", &mut problems);
    migrate_or_report(&mut baseline, version, BASE_PREFIX, &mut problems);

    let params = read_params(main, "", &mut problems);
    let view = read_view(dedup(view_pairs, "", &mut problems), &mut problems);
    let lab = LabView::read(dedup(lab_pairs, "", &mut problems), &mut problems);
    let experiment = ExperimentView::read(dedup(exp_pairs, "", &mut problems), &mut problems);
    let base_flag =
        dedup(base_pairs, "", &mut problems)
            .pop()
            .map(|(key, value)| match parse_flag(&value) {
                Some(b) => b,
                // `base` with no value pins a baseline too.
                None if value.trim().is_empty() => true,
                None => {
                    problems.push(UrlProblem {
                        key,
                        value,
                        message: "expected 1 (a baseline is pinned) or 0".into(),
                        used: "1".into(),
                    });
                    true
                }
            });
    let baseline = match base_flag {
        Some(false) if !baseline.is_empty() => {
            problems.push(UrlProblem {
                key: BASE_KEY.into(),
                value: "0".into(),
                message: "the link also has baseline (b.) keys".into(),
                used: "1 (the baseline is kept)".into(),
            });
            Some(read_params(baseline, BASE_PREFIX, &mut problems))
        }
        Some(false) => None,
        Some(true) => Some(read_params(baseline, BASE_PREFIX, &mut problems)),
        None if baseline.is_empty() => None,
        None => Some(read_params(baseline, BASE_PREFIX, &mut problems)),
    };

    Decoded {
        params,
        baseline,
        view,
        lab,
        experiment,
        problems,
    }
}

/// The view from its (deduplicated) pairs; a bad value is reported and the default used.
fn read_view(pairs: Vec<(String, String)>, problems: &mut Vec<UrlProblem>) -> View {
    let mut view = View::default();
    for (key, value) in pairs {
        let trimmed = value.trim();
        if key == PAGE_KEY {
            match Page::ALL
                .into_iter()
                .find(|p| p.as_str().eq_ignore_ascii_case(trimmed))
            {
                Some(page) => view.page = page,
                None => problems.push(UrlProblem {
                    key,
                    value,
                    message: "not one of sandbox, model, tradeoffs, lab, experiment".into(),
                    used: "the default sandbox".into(),
                }),
            }
        } else if OPT_KEYS.contains(&key.as_str()) {
            read_opt_pair(&mut view.opt, key, value, problems);
        } else if key == POLICIES_KEY {
            match parse_flag(trimmed) {
                Some(on) => view.policies = on,
                None => problems.push(UrlProblem {
                    key,
                    value,
                    message: "expected 1 (the comparison of policies is shown) or 0".into(),
                    used: "0".into(),
                }),
            }
        } else if key != WINDOW_KEY {
            read_sweep_pair(&mut view.sweep, key, value, problems);
        } else {
            match trimmed.parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    let days = x.round().clamp(1.0, f64::from(MAX_TEST_WINDOW_DAYS)) as u32;
                    if f64::from(days) != x {
                        problems.push(UrlProblem {
                            key,
                            value,
                            message: format!(
                                "not a whole number of days from 1 to {MAX_TEST_WINDOW_DAYS}"
                            ),
                            used: days.to_string(),
                        });
                    }
                    view.test_window_days = days;
                }
                _ => problems.push(UrlProblem {
                    key,
                    value,
                    message: "not a number of days".into(),
                    used: format!("the default {DEFAULT_TEST_WINDOW_DAYS}"),
                }),
            }
        }
    }
    view
}

/// Reads one of the sweep's settings; a bad value is reported and the default kept.
fn read_sweep_pair(
    sweep: &mut SweepView,
    key: String,
    value: String,
    problems: &mut Vec<UrlProblem>,
) {
    let trimmed = value.trim();
    let mut problem = |message: String, used: String| {
        problems.push(UrlProblem {
            key: key.clone(),
            value: value.clone(),
            message,
            used,
        })
    };
    let metric = |text: &str| WindowedMetric::parse(text).map_err(|e| e.to_string());
    match key.as_str() {
        SWEEP_KEY => match Knob::from_url(trimmed).filter(|k| sweepable(*k)) {
            Some(knob) => sweep.knob = Some(knob),
            None => problem(
                "not the link key of a sweepable numeric knob".into(),
                "the ad-load knob of the current policy".into(),
            ),
        },
        SWEEP2_KEY if trimmed == "none" => sweep.knob2 = None,
        SWEEP2_KEY => match Knob::from_url(trimmed).filter(|k| sweepable(*k)) {
            Some(knob) => sweep.knob2 = Some(knob),
            None => problem(
                "not the link key of a sweepable numeric knob".into(),
                "no second knob".into(),
            ),
        },
        SWEEP_FROM_KEY | SWEEP_TO_KEY | SWEEP2_FROM_KEY | SWEEP2_TO_KEY => {
            match trimmed.parse::<f64>() {
                Ok(x) if x.is_finite() => match key.as_str() {
                    SWEEP_FROM_KEY => sweep.from = Some(x),
                    SWEEP_TO_KEY => sweep.to = Some(x),
                    SWEEP2_FROM_KEY => sweep.from2 = Some(x),
                    _ => sweep.to2 = Some(x),
                },
                _ => problem("not a number".into(), "the knob's slider range".into()),
            }
        }
        SWEEP_POINTS_KEY | SWEEP2_POINTS_KEY => match trimmed.parse::<f64>() {
            Ok(x) if x.is_finite() => {
                let points = x
                    .round()
                    .clamp(f64::from(MIN_SWEEP_POINTS), f64::from(MAX_SWEEP_POINTS))
                    as u32;
                if f64::from(points) != x {
                    problem(
                        format!(
                            "not a whole number of points from {MIN_SWEEP_POINTS} to \
                             {MAX_SWEEP_POINTS}"
                        ),
                        points.to_string(),
                    );
                }
                if key == SWEEP_POINTS_KEY {
                    sweep.points = points;
                } else {
                    sweep.points2 = points;
                }
            }
            _ => problem(
                "not a number of points".into(),
                format!(
                    "the default {}",
                    if key == SWEEP_POINTS_KEY {
                        DEFAULT_SWEEP_POINTS
                    } else {
                        DEFAULT_SWEEP2_POINTS
                    }
                ),
            ),
        },
        SWEEP_X_KEY | SWEEP_Y_KEY | SWEEP_COLOUR_KEY | SWEEP_HEAT_KEY => match metric(trimmed) {
            Ok(m) => match key.as_str() {
                SWEEP_X_KEY => sweep.x = m,
                SWEEP_Y_KEY => sweep.y = m,
                SWEEP_HEAT_KEY => sweep.heat = Some(m),
                _ => sweep.colour = m,
            },
            Err(message) => problem(message, "the default".into()),
        },
        _ => match parse_flag(trimmed) {
            Some(on) => sweep.weeks = on,
            None => problem("expected 1 or 0".into(), "0".into()),
        },
    }
}

/// Reads one of the optimizer's settings; a bad value (or list entry) is reported and left out.
fn read_opt_pair(opt: &mut OptView, key: String, value: String, problems: &mut Vec<UrlProblem>) {
    let trimmed = value.trim();
    let mut problem = |message: String, used: String| {
        problems.push(UrlProblem {
            key: key.clone(),
            value: value.clone(),
            message,
            used,
        })
    };
    match key.as_str() {
        OPT_OBJECTIVE_KEY => {
            let read = opt.with_objective_key(trimmed);
            if read.objective_metric().is_some() {
                *opt = read;
            } else {
                problem(
                    "not the key of a summary metric (such as revenue_per_day) or promotion. \
                     and a promotion metric's key (such as promotion.promoted_roi)"
                        .into(),
                    "no optimization".into(),
                );
            }
        }
        OPT_WINDOW_KEY => match Window::from_name(trimmed) {
            Some(w) => opt.window = w,
            None => problem(
                "not one of first_week, last_week, whole_run".into(),
                "the default whole_run".into(),
            ),
        },
        OPT_KNOBS_KEY => {
            let mut list: Vec<OptKnob> = Vec::new();
            let mut bad: Vec<String> = Vec::new();
            for entry in trimmed.split(',').filter(|e| !e.trim().is_empty()) {
                match parse_opt_knob(entry.trim()) {
                    Ok(k) if list.iter().any(|o| o.knob == k.knob) => {
                        bad.push(format!("`{entry}`: the knob is listed twice"))
                    }
                    Ok(_) if list.len() == MAX_OPT_KNOBS => {
                        bad.push(format!("`{entry}`: at most {MAX_OPT_KNOBS} knobs"))
                    }
                    Ok(k) => list.push(k),
                    Err(e) => bad.push(format!("`{entry}`: {e}")),
                }
            }
            if !bad.is_empty() {
                problem(
                    format!("{} (each entry is knob:min:max)", bad.join("; ")),
                    "the other knobs".into(),
                );
            }
            *opt = opt.with_knobs(&list);
        }
        _ => {
            let mut list: Vec<OptConstraint> = Vec::new();
            let mut bad: Vec<String> = Vec::new();
            for entry in trimmed.split(',').filter(|e| !e.trim().is_empty()) {
                match parse_opt_constraint(entry.trim()) {
                    Ok(_) if list.len() == MAX_OPT_CONSTRAINTS => bad.push(format!(
                        "`{entry}`: at most {MAX_OPT_CONSTRAINTS} constraints"
                    )),
                    Ok(c) => list.push(c),
                    Err(e) => bad.push(format!("`{entry}`: {e}")),
                }
            }
            if !bad.is_empty() {
                problem(
                    format!(
                        "{} (each entry is window.metric:min:value or :max:value; xR for R times \
                         the current design's value)",
                        bad.join("; ")
                    ),
                    "the other constraints".into(),
                );
            }
            *opt = opt.with_constraints(&list);
        }
    }
}

/// `knob:min:max`: a sweepable knob's link key and a range within its limits.
fn parse_opt_knob(entry: &str) -> Result<OptKnob, String> {
    let parts: Vec<&str> = entry.split(':').collect();
    let [name, min, max] = parts[..] else {
        return Err("expected knob:min:max".into());
    };
    let knob = Knob::from_url(name.trim())
        .filter(|k| sweepable(*k))
        .ok_or("not the link key of a sweepable numeric knob")?;
    let number = |t: &str| t.trim().parse::<f64>().ok().filter(|x| x.is_finite());
    let (Some(min), Some(max)) = (number(min), number(max)) else {
        return Err("the range is not two numbers".into());
    };
    let limits = knob.spec().limits().ok_or("not a numeric knob")?;
    if !(limits.contains(min) && limits.contains(max)) {
        return Err(format!(
            "the range is outside the knob's {} to {}",
            limits.min, limits.max
        ));
    }
    if min >= max {
        return Err("min must be below max".into());
    }
    Ok(OptKnob { knob, min, max })
}

/// `window.metric:min:value` or `…:max:value`; a value `xR` is R times the current design's.
fn parse_opt_constraint(entry: &str) -> Result<OptConstraint, String> {
    let parts: Vec<&str> = entry.split(':').collect();
    let [metric, side, value] = parts[..] else {
        return Err("expected window.metric:min:value or window.metric:max:value".into());
    };
    let metric = WindowedMetric::parse(metric.trim()).map_err(|e| e.to_string())?;
    let side = match side.trim() {
        "min" => Side::Min,
        "max" => Side::Max,
        _ => return Err("the side is not min or max".into()),
    };
    let value = value.trim();
    let (relative, number) = match value.strip_prefix('x') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let value = number
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or("the bound is not a number")?;
    Ok(OptConstraint {
        metric,
        side,
        value,
        relative,
    })
}

/// The link's version from its (deduplicated) `v` pairs; reports unreadable and unknown ones.
fn read_version(pairs: Vec<(String, String)>, problems: &mut Vec<UrlProblem>) -> u32 {
    let Some((key, value)) = pairs.into_iter().last() else {
        // No `v`: a hand-typed link, read as version 1 (see the module docs).
        return 1;
    };
    match value.trim().parse::<u32>() {
        Ok(v) if (1..=URL_VERSION).contains(&v) => v,
        Ok(v) if v > URL_VERSION => {
            problems.push(UrlProblem {
                key,
                value,
                message: format!(
                    "made by a newer release (link version {v}; this release reads up to \
                     version {URL_VERSION}); values are read as well as possible and may differ"
                ),
                used: format!("version {URL_VERSION}"),
            });
            URL_VERSION
        }
        _ => {
            problems.push(UrlProblem {
                key,
                value,
                message: format!("not a link version (1–{URL_VERSION})"),
                used: format!("version {URL_VERSION}"),
            });
            URL_VERSION
        }
    }
}

/// Migrates `pairs` from `version` to [`URL_VERSION`] with [`MIGRATIONS`].
fn migrate_or_report(
    pairs: &mut Vec<(String, String)>,
    version: u32,
    prefix: &str,
    problems: &mut Vec<UrlProblem>,
) {
    if let Err(stuck) = migrate(pairs, version, URL_VERSION, MIGRATIONS) {
        problems.push(UrlProblem {
            key: format!("{prefix}{VERSION_KEY}"),
            value: version.to_string(),
            message: format!("no migration from link version {stuck}"),
            used: format!("the values as if version {URL_VERSION}"),
        });
    }
}

/// Applies the migrations from `from` up to `to`, in order. `Err(v)` when no migration starts at
/// version `v` (the pairs are left as migrated so far).
fn migrate(
    pairs: &mut Vec<(String, String)>,
    from: u32,
    to: u32,
    migrations: &[(u32, Migration)],
) -> Result<(), u32> {
    let mut version = from;
    while version < to {
        let step = migrations.iter().find(|(start, _)| *start == version);
        match step {
            Some((_, migration)) => migration(pairs),
            None => return Err(version),
        }
        version += 1;
    }
    Ok(())
}

/// Keeps the last value of each key (in first-appearance order), reporting the earlier ones.
fn dedup(
    pairs: Vec<(String, String)>,
    prefix: &str,
    problems: &mut Vec<UrlProblem>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        if let Some(slot) = out.iter_mut().find(|(k, _)| *k == key) {
            let earlier = std::mem::replace(&mut slot.1, value);
            problems.push(UrlProblem {
                key: format!("{prefix}{key}"),
                value: earlier,
                message: "the key appears again later in the link".into(),
                used: format!("the later value {}", slot.1),
            });
        } else {
            out.push((key, value));
        }
    }
    out
}

/// Builds params from defaults and the (migrated) pairs, then repairs them.
fn read_params(
    pairs: Vec<(String, String)>,
    prefix: &str,
    problems: &mut Vec<UrlProblem>,
) -> Params {
    let pairs = dedup(pairs, prefix, problems);
    let default = Params::default();
    let mut params = Params::default();
    let mut known = vec![false; pairs.len()];

    // Table order, so that dependent rows (`bidding` then `shading`) apply in a fixed order
    // whatever the order in the link.
    for spec in table() {
        if let Some(i) = pairs.iter().position(|(k, _)| k == spec.url) {
            known[i] = true;
            let (key, value) = &pairs[i];
            let mut report = |message: String, used: String| {
                problems.push(UrlProblem {
                    key: format!("{prefix}{key}"),
                    value: value.clone(),
                    message,
                    used,
                })
            };
            read_value(spec, value, &default, &mut params, &mut report);
        }
    }
    if let Some(i) = pairs.iter().position(|(k, _)| k == RESERVE_CAT_KEY) {
        known[i] = true;
        let value = &pairs[i].1;
        match parse_list(value) {
            Some(list) => params.auction.reserve_by_category = list,
            None => problems.push(UrlProblem {
                key: format!("{prefix}{RESERVE_CAT_KEY}"),
                value: value.clone(),
                message: format!(
                    "expected {} comma-separated numbers (per click, for {})",
                    CATEGORIES.len(),
                    CATEGORIES.join(", ")
                ),
                used: "the global reserve in every category".into(),
            }),
        }
    }
    if let Some(i) = pairs.iter().position(|(k, _)| k == STRATEGIES_KEY) {
        known[i] = true;
        let value = &pairs[i].1;
        // Names and shares are checked by validation below (unknown names and negative shares
        // are reported there, with this key).
        match parse_strategies(value) {
            Some(mix) if !mix.is_empty() => params.advertisers.strategies = mix,
            _ => problems.push(UrlProblem {
                key: format!("{prefix}{STRATEGIES_KEY}"),
                value: value.clone(),
                message: "expected comma-separated strategy:share pairs \
                          (e.g. manual:0.5,target_roas:0.5)"
                    .into(),
                used: "every advertiser bidding manually".into(),
            }),
        }
    }
    if let Some(i) = pairs.iter().position(|(k, _)| k == SEGMENTS_KEY) {
        known[i] = true;
        let value = &pairs[i].1;
        let parsed = parse_json_exact(value).and_then(|json| {
            serde_json::from_value::<Vec<Segment>>(json).map_err(|e| e.to_string())
        });
        match parsed {
            Ok(segments) => params.users.segments = segments,
            Err(e) => problems.push(UrlProblem {
                key: format!("{prefix}{SEGMENTS_KEY}"),
                value: value.clone(),
                message: format!("not a JSON list of segments ({e})"),
                used: "the default segments".into(),
            }),
        }
    }
    for ((key, value), known) in pairs.iter().zip(known) {
        if !known {
            problems.push(UrlProblem {
                key: format!("{prefix}{key}"),
                value: value.clone(),
                message: "not a parameter of this release, ignored".into(),
                used: "nothing".into(),
            });
        }
    }

    let (scenario, errors) = Scenario::repair(params);
    for error in errors {
        problems.push(field_error_problem(&error, &pairs, prefix));
    }
    scenario.params().clone()
}

/// Reads one table row's value into `params`, reporting through `report(message, used)`.
fn read_value(
    spec: &ParamSpec,
    text: &str,
    default: &Params,
    params: &mut Params,
    report: &mut dyn FnMut(String, String),
) {
    let default_text = || {
        if spec.id == Knob::Seed {
            default.sim.seed.to_string()
        } else {
            value_text(&(spec.get)(default))
        }
    };
    match spec.kind {
        Kind::Choice { options } => {
            let trimmed = text.trim();
            match options
                .iter()
                .find(|(value, _)| value.eq_ignore_ascii_case(trimmed))
            {
                Some((value, _)) => (spec.set)(params, &Value::Choice((*value).to_string())),
                None => {
                    let allowed: Vec<&str> = options.iter().map(|(v, _)| *v).collect();
                    report(
                        format!("not one of {}", allowed.join(", ")),
                        format!("the default {}", default_text()),
                    );
                }
            }
        }
        Kind::Switch => match parse_flag(text) {
            Some(b) => (spec.set)(params, &Value::Flag(b)),
            None => report(
                "expected 1 (on) or 0 (off)".into(),
                format!("the default {}", default_text()),
            ),
        },
        Kind::Integer { .. } if spec.id == Knob::Seed => match text.trim().parse::<u64>() {
            Ok(seed) => params.sim.seed = seed,
            Err(_) => match text.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    // `as` saturates: negative seeds become 0, huge ones u64::MAX.
                    let seed = x.round() as u64;
                    report(
                        "not a whole number from 0 to 18446744073709551615".into(),
                        seed.to_string(),
                    );
                    params.sim.seed = seed;
                }
                _ => report(
                    "not a number".into(),
                    format!("the default {}", default_text()),
                ),
            },
        },
        Kind::Number { .. } | Kind::Integer { .. } => {
            let Some(Limits { min, max, integer }) = spec.limits() else {
                return; // numeric kinds always have limits
            };
            let x = match text.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => x,
                Ok(_) => {
                    report(
                        "not a finite number".into(),
                        format!("the default {}", default_text()),
                    );
                    return;
                }
                Err(_) => {
                    report(
                        "not a number".into(),
                        format!("the default {}", default_text()),
                    );
                    return;
                }
            };
            let mut used = x;
            if x < min || x > max {
                used = x.clamp(min, max);
                report(
                    format!("outside the allowed range {min}–{max}, clamped to the nearest bound"),
                    used.to_string(),
                );
            } else if integer && x.fract() != 0.0 {
                used = x.round();
                report("not a whole number, rounded".into(), used.to_string());
            }
            (spec.set)(params, &Value::Number(used));
        }
    }
}

/// A validation error on the final params, as a problem under the link's key.
fn field_error_problem(error: &FieldError, pairs: &[(String, String)], prefix: &str) -> UrlProblem {
    let key = key_for_field(&error.field);
    let value = pairs
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let message = if error.field == key {
        error.message.clone()
    } else {
        format!("{}: {}", error.field, error.message)
    };
    UrlProblem {
        key: format!("{prefix}{key}"),
        value,
        message,
        used: error.used.clone(),
    }
}

/// The link key of a validation field path (`users.segments[0].share` → `segments`,
/// `auction.reserve` → `reserve`).
fn key_for_field(field: &str) -> String {
    if field.starts_with("users.segments") {
        return SEGMENTS_KEY.into();
    }
    if field.starts_with("auction.reserve_by_category") {
        return RESERVE_CAT_KEY.into();
    }
    if field.starts_with("advertisers.strategies") {
        return STRATEGIES_KEY.into();
    }
    numeric_by_key(field).map_or_else(|| field.into(), |spec| spec.url.into())
}

/// `1/0`, `true/false`, `on/off`, `yes/no` (any case).
fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Some(true),
        "0" | "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

/// A comma-separated list of numbers (empty text: the empty list).
fn parse_list(text: &str) -> Option<Vec<f64>> {
    if text.trim().is_empty() {
        return Some(Vec::new());
    }
    text.split(',')
        .map(|t| t.trim().parse::<f64>().ok())
        .collect()
}

/// Decodes `%XX` (invalid escapes are kept as written) and `+` as a space; invalid UTF-8 becomes
/// U+FFFD.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                // Exactly two hex digits (`from_str_radix` alone would also accept a sign: `%+f`).
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_need_two_hex_digits() {
        assert_eq!(percent_decode("a%2Cb"), "a,b");
        // A sign is not a hex digit: `%` stays literal (and `+` is a space, as in forms).
        assert_eq!(percent_decode("%+f"), "% f");
        assert_eq!(percent_decode("%-1x"), "%-1x");
        assert_eq!(percent_decode("%4"), "%4");
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // A fake history: version 1 called `w_eng` `eng`; version 2 doubled `days`.
    #[allow(clippy::ptr_arg)] // the `Migration` signature: real migrations may add pairs
    fn rename_eng(pairs: &mut Vec<(String, String)>) {
        for (k, _) in pairs.iter_mut() {
            if k == "eng" {
                *k = "w_eng".into();
            }
        }
    }

    #[allow(clippy::ptr_arg)] // the `Migration` signature
    fn double_days(pairs: &mut Vec<(String, String)>) {
        for (k, v) in pairs.iter_mut() {
            if k == "days" {
                if let Ok(d) = v.parse::<u32>() {
                    *v = (2 * d).to_string();
                }
            }
        }
    }

    const FAKE: &[(u32, Migration)] = &[(1, rename_eng), (2, double_days)];

    #[test]
    fn migrations_chain_in_order() {
        let mut p = pairs(&[("eng", "0.5"), ("days", "10")]);
        assert_eq!(migrate(&mut p, 1, 3, FAKE), Ok(()));
        assert_eq!(p, pairs(&[("w_eng", "0.5"), ("days", "20")]));

        let mut p = pairs(&[("eng", "0.5"), ("days", "10")]);
        assert_eq!(migrate(&mut p, 2, 3, FAKE), Ok(()));
        assert_eq!(p, pairs(&[("eng", "0.5"), ("days", "20")]));
    }

    #[test]
    fn current_version_needs_no_migration() {
        let mut p = pairs(&[("days", "10")]);
        assert_eq!(migrate(&mut p, 3, 3, FAKE), Ok(()));
        assert_eq!(
            migrate(&mut p, URL_VERSION, URL_VERSION, MIGRATIONS),
            Ok(())
        );
        assert_eq!(p, pairs(&[("days", "10")]));
    }

    #[test]
    fn a_gap_in_the_chain_is_reported() {
        let mut p = pairs(&[("days", "10")]);
        assert_eq!(migrate(&mut p, 0, 3, FAKE), Err(0));
    }

    #[test]
    fn every_version_before_the_current_one_has_a_migration() {
        let missing: Vec<u32> = (1..)
            .take_while(|v| *v < URL_VERSION)
            .filter(|v| !MIGRATIONS.iter().any(|(from, _)| from == v))
            .collect();
        assert!(missing.is_empty(), "no migration from versions {missing:?}");
    }

    #[test]
    fn percent_coding() {
        assert_eq!(percent_decode("a%20b+c%zz%4"), "a b c%zz%4");
        assert_eq!(percent_decode("%E2%88%92"), "−");
        assert_eq!(
            percent_encode("[{\"a\":1}] &="),
            "%5B%7B%22a%22:1%7D%5D%20%26%3D"
        );
        let text = "{\"name\":\"caf\u{e9} & co\",\"x\":[1,2]}";
        assert_eq!(percent_decode(&percent_encode(text)), text);
    }
}
