//! The configuration reference, generated from the knob table: the README's configuration
//! table (`sandbox knobs --markdown`; a test keeps the README equal to it) and the machine-readable
//! list of knobs (`sandbox knobs`) that scripts, sweeps and optimizers read.

use serde::Serialize;

use crate::config::url::{RESERVE_CAT_KEY, SEGMENTS_KEY, STRATEGIES_KEY};
use crate::core::model::knobs::{table, Kind, Needs, ParamSpec, Role, Value, SEGMENT_FIELDS};
use crate::core::model::{CATEGORIES, MAX_SEGMENTS};

/// One knob as `sandbox knobs` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnobInfo {
    /// Dotted configuration key (`auction.reserve`).
    pub key: &'static str,
    /// Link key (`reserve`).
    pub link_key: &'static str,
    /// Label shown in the app.
    pub label: &'static str,
    /// Unit ("" when dimensionless).
    pub unit: &'static str,
    /// `number`, `integer`, `switch` or `choice`.
    pub kind: &'static str,
    /// Smallest accepted value (numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest accepted value (numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The slider's range and step in the app (numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slider: Option<[f64; 3]>,
    /// The options (choices).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<&'static str>>,
    /// The default value, as in a link.
    pub default: String,
    /// `design` or `world`.
    pub role: &'static str,
    /// Whether sweeps and the optimizer may vary it.
    pub sweepable: bool,
    /// Whether it can differ per advertiser.
    pub per_advertiser: bool,
    /// When it has an effect (absent: always).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<&'static str>,
    /// What it does.
    pub help: &'static str,
}

/// The whole table as [`KnobInfo`]s, in display order.
pub fn knobs() -> Vec<KnobInfo> {
    table().iter().map(knob_info).collect()
}

fn knob_info(spec: &ParamSpec) -> KnobInfo {
    let limits = spec.limits();
    KnobInfo {
        key: spec.key,
        link_key: spec.url,
        label: spec.label,
        unit: spec.unit,
        kind: match spec.kind {
            Kind::Number { .. } => "number",
            Kind::Integer { .. } => "integer",
            Kind::Switch => "switch",
            Kind::Choice { .. } => "choice",
        },
        min: limits.map(|l| l.min),
        max: limits.map(|l| l.max),
        slider: spec.slider().map(|s| [s.min, s.max, s.step]),
        options: match spec.kind {
            Kind::Choice { options } => Some(options.iter().map(|(v, _)| *v).collect()),
            _ => None,
        },
        default: default_text(spec),
        role: match spec.role {
            Role::Design => "design",
            Role::World => "world",
        },
        sweepable: spec.sweepable,
        per_advertiser: spec.per_advertiser,
        needs: spec.needs.describe(),
        help: spec.help,
    }
}

/// The default value as a link writes it (`0.25`, `gsp`, `on`).
fn default_text(spec: &ParamSpec) -> String {
    if spec.id == crate::core::model::knobs::Knob::AutobidShare {
        // Unset: the strategy mix as configured (all manual by default).
        return "unset".into();
    }
    match (spec.default_value(), spec.limits()) {
        (Value::Number(x), Some(limits)) => limits.show(x),
        (Value::Number(x), None) => x.to_string(),
        (Value::Choice(c), _) => c,
        (Value::Flag(b), _) => if b { "on" } else { "off" }.into(),
    }
}

/// The range column: `0–10 currency per click`, `` `gsp` · `vcg` ``, `on / off`.
fn range_text(spec: &ParamSpec) -> String {
    match spec.kind {
        Kind::Number { .. } | Kind::Integer { .. } => {
            let range = spec.limits().map(|l| l.range_text()).unwrap_or_default();
            if spec.unit.is_empty() {
                range
            } else {
                format!("{range} {}", spec.unit)
            }
        }
        Kind::Choice { options } => options
            .iter()
            .map(|(v, _)| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(" · "),
        Kind::Switch => "on / off".into(),
    }
}

/// `|` would end a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The README's configuration table, generated: one row per knob (in display order), then the
/// list-valued keys. JSON keys are the dotted keys; links use the link keys.
pub fn configuration_markdown() -> String {
    let mut out = String::from(
        "| key | link key | accepted range | default | meaning |\n|---|---|---|---|---|\n",
    );
    for spec in table() {
        let needs = match spec.needs {
            Needs::Always => String::new(),
            needs => format!(" *({}.)*", needs.describe().unwrap_or_default()),
        };
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} | **{}.** {}{} |\n",
            spec.key,
            spec.url,
            cell(&range_text(spec)),
            cell(&default_text(spec)),
            cell(spec.label),
            cell(spec.help),
            needs
        ));
    }
    out.push_str(&format!(
        "| `auction.reserve_by_category` | `{RESERVE_CAT_KEY}` | empty, or {} entries within the reserve's range | empty | **Per-category reserves** per click, in the order {}; empty means the global reserve everywhere. |\n",
        CATEGORIES.len(),
        CATEGORIES.join(", ")
    ));
    out.push_str(&format!(
        "| `users.segments` | `{SEGMENTS_KEY}` (JSON) | 1–{MAX_SEGMENTS} segments | casual, regular, heavy | **User segments**; shares must sum to a positive number. Fields below. |\n"
    ));
    out.push_str(&format!(
        "| `advertisers.strategies` | `{STRATEGIES_KEY}` (`manual:0.5,target_roas:0.5`) | object: `manual`, `max_clicks`, `target_roas`, `target_cpc`, `learning_shading` → share ≥ 0 | `{{\"manual\": 1}}` | **Bidding strategies**: the share of advertisers following each (normalised). Each advertiser's strategy is drawn once from its own random stream. See \"Bidding and budgeting\". |\n",
    ));
    out.push_str("| `users.segments[].name` | | text | | **Display name** of the segment. |\n");
    for field in SEGMENT_FIELDS {
        out.push_str(&format!(
            "| `users.segments[].{}` | | {} | | {} |\n",
            field.name,
            field.limits.range_text(),
            cell(field.help)
        ));
    }
    out.push_str(&format!(
        "| `users.segments[].interests` | | empty, or {} weights ≥ 0 | empty (uniform) | **Interest weights** over the categories {} (normalised). |\n",
        CATEGORIES.len(),
        CATEGORIES.join(", ")
    ));
    out
}
