//! What a shared chart image says under the chart: which design it shows and how to rerun it.

use crate::app::format::param_value;
use crate::core::model::knobs::{table, ParamSpec};
use crate::core::model::Params;

/// Dotted key of the seed, which the footer states on its own line.
const SEED_KEY: &str = "sim.seed";

/// The knobs of `params` that differ from the defaults, as `Label: value` (as the control reads
/// it, without the unit: the footer is one line, and the labels say enough) in the knob table's
/// order (the seed excepted: the footer states it separately). Edited lists that are
/// not knobs (user segments, per-category reserves) are named too.
pub fn changed_knobs(params: &Params) -> Vec<String> {
    let defaults = Params::default();
    let mut changed: Vec<String> = table()
        .iter()
        .filter(|spec: &&ParamSpec| spec.key != SEED_KEY)
        .filter_map(|spec| {
            let value = (spec.get)(params);
            (value != (spec.get)(&defaults)).then(|| {
                let text = param_value(spec, &value);
                let unit = format!(" {}", spec.unit);
                let text = match text.strip_suffix(unit.as_str()) {
                    Some(bare) if !spec.unit.is_empty() => bare.to_string(),
                    _ => text,
                };
                format!("{}: {text}", spec.label)
            })
        })
        .collect();
    if params.users.segments != defaults.users.segments {
        changed.push("User segments: edited".into());
    }
    if params.auction.reserve_by_category != defaults.auction.reserve_by_category {
        changed.push("Reserve by category: edited".into());
    }
    changed
}

fn describe(params: &Params) -> String {
    let changed = changed_knobs(params);
    if changed.is_empty() {
        "every knob at its default".into()
    } else {
        format!("changed from the defaults: {}", changed.join(" · "))
    }
}

/// The footer of an exported chart: the design's changed knobs, the pinned baseline's (when
/// one is), and the seed(s), so the image says what it shows and how to rerun it.
pub fn export_footer(params: &Params, baseline: Option<&Params>) -> Vec<String> {
    let mut lines = vec![format!("Design: {}.", describe(params))];
    let mut seed = format!("Seed {}", params.sim.seed);
    if let Some(base) = baseline {
        lines.push(format!("Baseline: {}.", describe(base)));
        if base.sim.seed != params.sim.seed {
            seed.push_str(&format!(" (baseline seed {})", base.sim.seed));
        }
    }
    lines.push(format!("{seed} · Marketplace Sandbox"));
    lines
}
