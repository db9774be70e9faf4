//! The Experiments tab's settings as the link carries them: `exp.*` keys, each only when it
//! differs from its default ([`ExperimentView::default`]), so a link without them opens the
//! default experiment and every older link decodes unchanged.
//!
//! | Key | Value | Default |
//! |---|---|---|
//! | `exp.t` | the treatment: `KNOB:VALUE` per design knob (link keys of the knob table), comma-separated: `every:3,reserve:0.2` | none |
//! | `exp.design` | `user`, `budget_split`, `advertiser`, `switchback` | `user` |
//! | `exp.share` | treatment share, strictly between 0 and 1 | 0.5 |
//! | `exp.switchback` | how a switchback draws its days: `independent`, `balanced`, `paired` (paired needs share 0.5 when a switchback runs; the spec carries it only then) | `independent` |
//! | `exp.pre`, `exp.days`, `exp.post` | pre-period, test and post-period days (test ≥ 1; at most 365 together) | 0, 14, 0 |
//! | `exp.horizon` | days of the long-term truth runs, 1–365 | 90 |
//! | `exp.reps` | replications, 1–[`MAX_APP_REPLICATIONS`] | 1 |
//! | `exp.metrics` | summary metric keys, comma-separated | the spec's defaults for the design |
//! | `exp.designs` | designs run side by side, comma-separated | none |
//! | `exp.chart` | the summary metric key whose daily effect and learning curve the charts show (not part of the spec: changing it runs nothing) | the report's first metric |
//! | `exp.pw.baseline`, `exp.pw.lift` | power calculator for a proportion: baseline rate in (0, 1) and relative lift | 0.02, 0.05 |
//! | `exp.pw.sd`, `exp.pw.mde` | power calculator for a mean: per-unit SD and absolute effect (used instead of the proportion when `exp.pw.sd` is given) | none |
//! | `exp.pw.alpha`, `exp.pw.power` | significance level and power | 0.05, 0.8 |
//!
//! The control is the app's current configuration (the link's own keys); these settings are
//! the fields of a `sandbox experiment` spec ([`crate::config::spec::experiment`]) built by
//! [`ExperimentView::spec`], so the tab and the CLI give the same report. A malformed value is
//! a problem and the key's default is used; a treatment entry the experiment spec rejects (a world knob,
//! or a knob the chosen design cannot randomise) is reported with the spec parser's own message
//! and left out. Decoding never panics.

use serde_json::{json, Map, Value as Json};

use crate::config::url::{encode, UrlProblem};
use crate::core::model::experiment::SwitchbackSchedule;
use crate::core::model::knobs::{table, Kind, Knob, ParamSpec, Role, Value};
use crate::core::model::metric_table::Metric;
use crate::core::model::Params;

/// Prefix of every experiment key.
pub const EXP_PREFIX: &str = "exp.";
/// Most replications the tab runs (the CLI allows 1000).
pub const MAX_APP_REPLICATIONS: u32 = 200;
/// Longest run (days), as the spec's limit.
pub const MAX_EXP_DAYS: u32 = 365;

/// An experiment design (how units are assigned to arms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Users are randomised; advertisers' budgets are shared.
    User,
    /// Users are randomised and every advertiser's budget is split by the share.
    BudgetSplit,
    /// Advertisers are randomised.
    Advertiser,
    /// Days are randomised.
    Switchback,
}

impl Design {
    /// Every design.
    pub const ALL: [Design; 4] = [
        Design::User,
        Design::BudgetSplit,
        Design::Advertiser,
        Design::Switchback,
    ];

    /// The name in specs and links.
    pub fn as_str(self) -> &'static str {
        match self {
            Design::User => "user",
            Design::BudgetSplit => "budget_split",
            Design::Advertiser => "advertiser",
            Design::Switchback => "switchback",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Design::User => "User-randomised",
            Design::BudgetSplit => "User-randomised, budgets split",
            Design::Advertiser => "Advertiser-randomised",
            Design::Switchback => "Switchback (days)",
        }
    }

    /// The design called `name`.
    pub fn from_name(name: &str) -> Option<Design> {
        Design::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// The power calculator's effect: a proportion's relative lift, or a mean's absolute effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PowerEffect {
    /// A rate `baseline` in (0, 1) and a relative `lift` (σ² = p(1 − p), δ = p·lift).
    Proportion {
        /// Baseline rate.
        baseline: f64,
        /// Relative lift to detect.
        lift: f64,
    },
    /// A per-unit standard deviation and the absolute effect to detect.
    Mean {
        /// Per-unit standard deviation.
        sd: f64,
        /// Absolute effect (minimum detectable effect).
        mde: f64,
    },
}

/// The power / minimum-detectable-effect calculator's inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerView {
    /// What is measured and the effect to detect.
    pub effect: PowerEffect,
    /// Two-sided significance level.
    pub alpha: f64,
    /// Power.
    pub power: f64,
}

impl Default for PowerView {
    fn default() -> Self {
        PowerView {
            effect: PowerEffect::Proportion {
                baseline: 0.02,
                lift: 0.05,
            },
            alpha: 0.05,
            power: 0.8,
        }
    }
}

/// The Experiments tab's settings (everything but the control, which is the current design).
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentView {
    /// The treatment: design knobs and their values in the treatment arm, in the order given.
    pub treatment: Vec<(Knob, Value)>,
    /// The design.
    pub design: Design,
    /// Treatment share, strictly between 0 and 1.
    pub share: f64,
    /// How switchback designs draw their days (the spec's `switchback_schedule`).
    pub switchback: SwitchbackSchedule,
    /// Pre-period days.
    pub pre_days: u32,
    /// Test days (at least 1).
    pub days: u32,
    /// Post-period days.
    pub post_days: u32,
    /// Days of the long-term truth runs.
    pub horizon_days: u32,
    /// Replications.
    pub replications: u32,
    /// Metrics (empty: the spec's defaults for the design).
    pub metrics: Vec<Metric>,
    /// Designs run side by side on the same world.
    pub designs: Vec<Design>,
    /// The metric whose daily effect and learning curve the charts show (`None`: the report's
    /// first). A view setting only: it is not part of the spec.
    pub chart: Option<Metric>,
    /// The power calculator.
    pub power: PowerView,
}

impl Default for ExperimentView {
    fn default() -> Self {
        ExperimentView {
            treatment: Vec::new(),
            design: Design::User,
            share: 0.5,
            switchback: SwitchbackSchedule::Independent,
            pre_days: 0,
            days: 14,
            post_days: 0,
            horizon_days: 90,
            replications: 1,
            metrics: Vec::new(),
            designs: Vec::new(),
            chart: None,
            power: PowerView::default(),
        }
    }
}

/// Whether `knob` may be offered as a treatment knob (a design knob other than the launch and
/// promotion knobs, which change who is in the market).
pub fn treatable(spec: &ParamSpec) -> bool {
    spec.role == Role::Design
        && !spec.key.starts_with("launch.")
        && !spec.key.starts_with("promotion.")
}

/// A knob's value as written in a link (`3`, `first_price`, `1`).
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Number(x) => x.to_string(),
        Value::Choice(s) => s.clone(),
        Value::Flag(b) => if *b { "1" } else { "0" }.to_string(),
    }
}

/// Reads a value of `spec` from link text: numbers within the knob's limits (integers whole),
/// one of a choice's options, `1`/`0` for a switch.
pub fn parse_value(spec: &ParamSpec, text: &str) -> Result<Value, String> {
    let text = text.trim();
    match spec.kind {
        Kind::Number { limits, .. } | Kind::Integer { limits, .. } => {
            let integer = matches!(spec.kind, Kind::Integer { .. });
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= limits.0 && x <= limits.1 => {
                    if integer && x.fract() != 0.0 {
                        Err(format!("`{}` takes whole numbers", spec.url))
                    } else {
                        Ok(Value::Number(x))
                    }
                }
                _ => Err(format!(
                    "`{}` takes a number from {} to {}",
                    spec.url, limits.0, limits.1
                )),
            }
        }
        Kind::Choice { options } => options
            .iter()
            .find(|(v, _)| v.eq_ignore_ascii_case(text))
            .map(|(v, _)| Value::Choice((*v).to_string()))
            .ok_or_else(|| {
                format!(
                    "`{}` takes one of {}",
                    spec.url,
                    options
                        .iter()
                        .map(|(v, _)| *v)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        Kind::Switch => match text {
            "1" | "true" | "on" => Ok(Value::Flag(true)),
            "0" | "false" | "off" => Ok(Value::Flag(false)),
            _ => Err(format!("`{}` takes 1 or 0", spec.url)),
        },
    }
}

/// The knob whose link key is `url` (or whose dotted configuration key is `url`).
pub fn knob_named(url: &str) -> Option<&'static ParamSpec> {
    let url = url.trim();
    table().iter().find(|s| s.url == url || s.key == url)
}

impl ExperimentView {
    /// The treatment configuration: `control` with each treatment knob set (numbers clamped
    /// into the knob's limits).
    pub fn treatment_params(&self, control: &Params) -> Params {
        let mut p = control.clone();
        for (knob, value) in &self.treatment {
            let spec = knob.spec();
            let value = match (spec.limits(), value) {
                (Some(l), Value::Number(x)) => Value::Number(x.clamp(l.min, l.max)),
                _ => value.clone(),
            };
            (spec.set)(&mut p, &value);
        }
        p
    }

    /// Whether a switchback runs: the design's or a side-by-side one (the switchback schedule
    /// matters then only, and goes into the spec then only).
    pub fn runs_switchback(&self) -> bool {
        self.design == Design::Switchback || self.designs.contains(&Design::Switchback)
    }

    /// The `sandbox experiment` spec of these settings with `control` as the base: the base as
    /// its share link, the treatment as the dotted configuration keys of the treated knobs with
    /// the treatment configuration's values. Running it with `sandbox experiment` gives the
    /// report the tab shows.
    pub fn spec(&self, control: &Params) -> Json {
        let treated = self.treatment_params(control);
        let config = serde_json::to_value(&treated).unwrap_or(Json::Null);
        let mut treatment = Map::new();
        for (knob, _) in &self.treatment {
            let key = knob.spec().key;
            let value = key
                .split('.')
                .try_fold(&config, |node, part| node.get(part))
                .cloned()
                .unwrap_or(Json::Null);
            treatment.insert(key.to_string(), value);
        }
        let mut spec = json!({
            "base": format!("?{}", encode(control, None)),
            "treatment": treatment,
            "design": self.design.as_str(),
            "treatment_share": self.share,
            "pre_days": self.pre_days,
            "days": self.days,
            "post_days": self.post_days,
            "horizon_days": self.horizon_days,
            "replications": self.replications,
        });
        if !self.metrics.is_empty() {
            spec["metrics"] = json!(self.metrics.iter().map(|m| m.key()).collect::<Vec<_>>());
        }
        if !self.designs.is_empty() {
            spec["designs"] = json!(self.designs.iter().map(|d| d.as_str()).collect::<Vec<_>>());
        }
        if !self.switchback.is_independent() && self.runs_switchback() {
            spec["switchback_schedule"] = json!(self.switchback.name());
        }
        spec
    }

    /// [`ExperimentView::spec`] as pretty JSON (what the tab offers to save for the CLI).
    pub fn spec_text(&self, control: &Params) -> String {
        serde_json::to_string_pretty(&self.spec(control)).unwrap_or_default()
    }

    /// Why these settings do not run on `control`, if they do not: no treatment, or the
    /// experiment spec parser's own message.
    pub fn problem(&self, control: &Params) -> Option<String> {
        if self.treatment.is_empty() {
            return Some(
                "no treatment yet: pick a design knob and give its value in the treatment".into(),
            );
        }
        crate::config::spec::experiment::parse(&self.spec_text(control))
            .err()
            .map(|e| e.to_string())
    }

    /// The `(key, value)` pairs of the settings that differ from the default, in table order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let d = ExperimentView::default();
        let mut out = Vec::new();
        let mut push = |key: &str, value: String| out.push((format!("{EXP_PREFIX}{key}"), value));
        if !self.treatment.is_empty() {
            let text = self
                .treatment
                .iter()
                .map(|(k, v)| format!("{}:{}", k.spec().url, value_text(v)))
                .collect::<Vec<_>>()
                .join(",");
            push("t", text);
        }
        if self.design != d.design {
            push("design", self.design.as_str().into());
        }
        if self.share != d.share {
            push("share", self.share.to_string());
        }
        if self.switchback != d.switchback {
            push("switchback", self.switchback.name().into());
        }
        if self.pre_days != d.pre_days {
            push("pre", self.pre_days.to_string());
        }
        if self.days != d.days {
            push("days", self.days.to_string());
        }
        if self.post_days != d.post_days {
            push("post", self.post_days.to_string());
        }
        if self.horizon_days != d.horizon_days {
            push("horizon", self.horizon_days.to_string());
        }
        if self.replications != d.replications {
            push("reps", self.replications.to_string());
        }
        if !self.metrics.is_empty() {
            let keys: Vec<&str> = self.metrics.iter().map(|m| m.key()).collect();
            push("metrics", keys.join(","));
        }
        if !self.designs.is_empty() {
            let names: Vec<&str> = self.designs.iter().map(|d| d.as_str()).collect();
            push("designs", names.join(","));
        }
        if let Some(m) = self.chart {
            push("chart", m.key().into());
        }
        let (p, dp) = (&self.power, &d.power);
        match p.effect {
            PowerEffect::Proportion { baseline, lift } => {
                let PowerEffect::Proportion {
                    baseline: b0,
                    lift: l0,
                } = dp.effect
                else {
                    unreachable!("the default is a proportion")
                };
                if baseline != b0 {
                    push("pw.baseline", baseline.to_string());
                }
                if lift != l0 {
                    push("pw.lift", lift.to_string());
                }
            }
            PowerEffect::Mean { sd, mde } => {
                push("pw.sd", sd.to_string());
                push("pw.mde", mde.to_string());
            }
        }
        if p.alpha != dp.alpha {
            push("pw.alpha", p.alpha.to_string());
        }
        if p.power != dp.power {
            push("pw.power", p.power.to_string());
        }
        out
    }

    /// The settings from the link's `exp.*` pairs (prefix included). Bad values are reported in
    /// `problems` and replaced by defaults (see the module docs).
    pub fn read(pairs: Vec<(String, String)>, problems: &mut Vec<UrlProblem>) -> ExperimentView {
        let mut view = ExperimentView::default();
        let mut treatment_text = None;
        let (mut sd, mut mde) = (None, None);
        for (key, value) in pairs {
            let name = key.strip_prefix(EXP_PREFIX).unwrap_or(&key).to_string();
            if name == "t" {
                treatment_text = Some((key, value));
                continue;
            }
            let result = match name.as_str() {
                "pw.sd" => positive(&value).map(|x| sd = Some(x)).ok_or((
                    "not a positive standard deviation".to_string(),
                    "the proportion calculator".to_string(),
                )),
                "pw.mde" => number(&value)
                    .filter(|x| *x != 0.0)
                    .map(|x| mde = Some(x))
                    .ok_or((
                        "not a non-zero effect".to_string(),
                        "the proportion calculator".to_string(),
                    )),
                _ => read_pair(&mut view, &name, value.trim()),
            };
            if let Err((message, used)) = result {
                problems.push(UrlProblem {
                    key,
                    value,
                    message,
                    used,
                });
            }
        }
        match (sd, mde) {
            (Some(sd), Some(mde)) => view.power.effect = PowerEffect::Mean { sd, mde },
            (None, None) => {}
            _ => problems.push(UrlProblem {
                key: format!("{EXP_PREFIX}pw.sd"),
                value: String::new(),
                message: "`exp.pw.sd` and `exp.pw.mde` go together".into(),
                used: "the proportion calculator".into(),
            }),
        }
        if view.pre_days + view.days + view.post_days > MAX_EXP_DAYS {
            problems.push(UrlProblem {
                key: format!("{EXP_PREFIX}days"),
                value: view.days.to_string(),
                message: format!(
                    "pre-period, test and post-period together are at most {MAX_EXP_DAYS} days"
                ),
                used: "the default schedule (0, 14, 0)".into(),
            });
            let d = ExperimentView::default();
            (view.pre_days, view.days, view.post_days) = (d.pre_days, d.days, d.post_days);
        }
        if view.switchback == SwitchbackSchedule::Paired
            && view.share != 0.5
            && view.runs_switchback()
        {
            problems.push(UrlProblem {
                key: format!("{EXP_PREFIX}switchback"),
                value: "paired".into(),
                message: format!(
                    "`paired` puts one day of each arm in every pair of days, so it needs share 0.5, not {}",
                    view.share
                ),
                used: "independent".into(),
            });
            view.switchback = SwitchbackSchedule::Independent;
        }
        if let Some((key, value)) = treatment_text {
            view.treatment = read_treatment(&view, &key, &value, problems);
        }
        view
    }
}

/// Reads `exp.t`: each entry must name a knob, carry a valid value and be accepted by the
/// experiment spec parser for the design (and the side-by-side designs); rejected entries are
/// reported with the parser's message and left out.
fn read_treatment(
    view: &ExperimentView,
    key: &str,
    text: &str,
    problems: &mut Vec<UrlProblem>,
) -> Vec<(Knob, Value)> {
    let mut out: Vec<(Knob, Value)> = Vec::new();
    for entry in text.split(',').filter(|e| !e.trim().is_empty()) {
        let mut report = |message: String| {
            problems.push(UrlProblem {
                key: key.to_string(),
                value: entry.to_string(),
                message,
                used: "the treatment without this entry".into(),
            })
        };
        let Some((name, value)) = entry.split_once(':') else {
            report("not KNOB:VALUE (a knob's link key and its treatment value)".into());
            continue;
        };
        let Some(spec) = knob_named(name) else {
            report(format!(
                "`{}` is not a knob of the knob table (`sandbox knobs` lists them)",
                name.trim()
            ));
            continue;
        };
        let value = match parse_value(spec, value) {
            Ok(v) => v,
            Err(e) => {
                report(e);
                continue;
            }
        };
        // The spec parser decides what can be a treatment: its message names the knob.
        let single = ExperimentView {
            treatment: vec![(spec.id, value.clone())],
            metrics: Vec::new(),
            ..view.clone()
        };
        if let Err(e) =
            crate::config::spec::experiment::parse(&single.spec_text(&Params::default()))
        {
            let message = e.to_string();
            let message = message
                .strip_prefix("invalid experiment spec: ")
                .unwrap_or(&message)
                .to_string();
            report(message);
            continue;
        }
        out.retain(|(k, _)| *k != spec.id);
        out.push((spec.id, value));
    }
    out
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

fn positive(text: &str) -> Option<f64> {
    number(text).filter(|x| *x > 0.0)
}

fn probability(text: &str) -> Option<f64> {
    number(text).filter(|x| *x > 0.0 && *x < 1.0)
}

fn whole(text: &str, min: u32, max: u32) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
}

/// Reads one pair into `view`; on a bad value returns `(message, what is used instead)`.
fn read_pair(view: &mut ExperimentView, name: &str, text: &str) -> Result<(), (String, String)> {
    let d = ExperimentView::default();
    let bad = |message: String, used: String| Err((message, used));
    let days = |min: u32, default: u32| {
        whole(text, min, MAX_EXP_DAYS).ok_or((
            format!("not a whole number of days from {min} to {MAX_EXP_DAYS}"),
            default.to_string(),
        ))
    };
    match name {
        "design" => match Design::from_name(text) {
            Some(design) => view.design = design,
            None => {
                return bad(
                    "not one of user, budget_split, advertiser, switchback".into(),
                    "user".into(),
                )
            }
        },
        "switchback" => match SwitchbackSchedule::from_name(text) {
            Some(plan) => view.switchback = plan,
            None => {
                return bad(
                    "not one of independent, balanced, paired".into(),
                    "independent".into(),
                )
            }
        },
        "share" => match probability(text) {
            Some(x) => view.share = x,
            None => {
                return bad(
                    "not a treatment share strictly between 0 and 1".into(),
                    d.share.to_string(),
                )
            }
        },
        "pre" => view.pre_days = days(0, d.pre_days)?,
        "days" => view.days = days(1, d.days)?,
        "post" => view.post_days = days(0, d.post_days)?,
        "horizon" => view.horizon_days = days(1, d.horizon_days)?,
        "reps" => match whole(text, 1, MAX_APP_REPLICATIONS) {
            Some(n) => view.replications = n,
            None => {
                return bad(
                    format!("not a whole number of replications from 1 to {MAX_APP_REPLICATIONS}"),
                    d.replications.to_string(),
                )
            }
        },
        "metrics" => match text
            .split(',')
            .map(|k| Metric::from_key(k.trim()).filter(|m| m.row().summary.is_some()))
            .collect::<Option<Vec<_>>>()
        {
            Some(list) if !list.is_empty() => view.metrics = list,
            _ => {
                return bad(
                    "not a comma-separated list of summary metric keys (revenue_per_day, ctr…)"
                        .into(),
                    "the design's default metrics".into(),
                )
            }
        },
        "designs" => match text
            .split(',')
            .map(Design::from_name)
            .collect::<Option<Vec<_>>>()
        {
            Some(list) => {
                let mut unique: Vec<Design> = Vec::new();
                for d in list {
                    if !unique.contains(&d) {
                        unique.push(d);
                    }
                }
                view.designs = unique;
            }
            None => {
                return bad(
                    "not a comma-separated list of user, budget_split, advertiser, switchback"
                        .into(),
                    "no side-by-side designs".into(),
                )
            }
        },
        "chart" => match Metric::from_key(text).filter(|m| m.row().summary.is_some()) {
            Some(m) => view.chart = Some(m),
            None => {
                return bad(
                    "not a summary metric key (revenue_per_day, ctr…)".into(),
                    "the report's first metric".into(),
                )
            }
        },
        "pw.baseline" | "pw.lift" => {
            let PowerEffect::Proportion { baseline, lift } = view.power.effect else {
                return Ok(());
            };
            if name == "pw.baseline" {
                match probability(text) {
                    Some(b) => {
                        view.power.effect = PowerEffect::Proportion { baseline: b, lift };
                    }
                    None => {
                        return bad(
                            "not a baseline rate strictly between 0 and 1".into(),
                            baseline.to_string(),
                        )
                    }
                }
            } else {
                match number(text).filter(|x| *x != 0.0) {
                    Some(l) => {
                        view.power.effect = PowerEffect::Proportion { baseline, lift: l };
                    }
                    None => return bad("not a non-zero relative lift".into(), lift.to_string()),
                }
            }
        }
        "pw.alpha" => match probability(text) {
            Some(a) => view.power.alpha = a,
            None => {
                return bad(
                    "not a significance level strictly between 0 and 1".into(),
                    d.power.alpha.to_string(),
                )
            }
        },
        "pw.power" => match probability(text) {
            Some(p) => view.power.power = p,
            None => {
                return bad(
                    "not a power strictly between 0 and 1".into(),
                    d.power.power.to_string(),
                )
            }
        },
        _ => return bad("not an experiment key".into(), "nothing (ignored)".into()),
    }
    Ok(())
}
