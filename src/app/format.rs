//! Number formatting for the UI (pure functions, so components only call them).

use crate::core::model::knobs::{Kind, ParamSpec, Slider, Value};
use crate::core::model::{Format, Metric, MetricRow, Summary};

/// Groups the integer part of a decimal string with commas: `1234567.5` → `1,234,567.5`.
fn group_thousands(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match rest.find('.') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}{frac}")
}

/// A number with a precision that suits its size: four significant digits below 1 000, whole
/// numbers with thousands separators above.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let a = x.abs();
    let text = if a == 0.0 {
        "0".to_string()
    } else if a >= 1000.0 || (x.fract() == 0.0 && a < 1e15) {
        format!("{x:.0}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 10.0 {
        format!("{x:.2}")
    } else if a >= 1.0 {
        format!("{x:.3}")
    } else if a >= 0.001 {
        format!("{x:.4}")
    } else {
        format!("{x:.2e}")
    };
    group_thousands(&text)
}

/// A whole count with thousands separators.
pub fn count(x: u64) -> String {
    group_thousands(&x.to_string())
}

/// A share in `[0, 1]` as a percentage.
pub fn percent(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    if x.abs() < 0.001 && x != 0.0 {
        format!("{:.3}%", 100.0 * x)
    } else {
        format!("{:.2}%", 100.0 * x)
    }
}

/// A signed change: `+12.3` / `−4.56`.
pub fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", number(x))
    } else if x < 0.0 {
        format!("−{}", number(-x))
    } else {
        "±0".into()
    }
}

/// The relative change from `base` to `value` as a signed percentage, if defined.
pub fn relative_change(value: f64, base: f64) -> Option<String> {
    if base == 0.0 || !base.is_finite() || !value.is_finite() {
        return None;
    }
    let r = 100.0 * (value - base) / base.abs();
    Some(if r > 0.0 {
        format!("+{r:.1}%")
    } else if r < 0.0 {
        format!("−{:.1}%", -r)
    } else {
        "±0.0%".into()
    })
}

/// Decimals needed to show a slider step exactly (`0.05` → 2, `1` → 0).
pub fn step_decimals(step: f64) -> usize {
    let mut decimals = 0;
    let mut s = step.abs();
    while decimals < 6 && s > 0.0 && (s - s.round()).abs() > 1e-9 {
        s *= 10.0;
        decimals += 1;
    }
    decimals
}

/// A parameter's value as its control's readout shows it.
pub fn param_value(spec: &ParamSpec, value: &Value) -> String {
    match (value, spec.slider()) {
        (Value::Number(x), Some(slider)) => {
            let text = group_thousands(&format!("{:.*}", step_decimals(slider.step), x));
            match spec.unit {
                "" => text,
                // Count units are one plural word (positions, ads, days…): "1 position".
                unit if text == "1" && !unit.contains(' ') => {
                    format!("{text} {}", unit.strip_suffix('s').unwrap_or(unit))
                }
                unit => format!("{text} {unit}"),
            }
        }
        (Value::Number(x), None) => number(*x),
        (Value::Choice(choice), _) => match spec.kind {
            Kind::Choice { options } => options
                .iter()
                .find(|(v, _)| v == choice)
                .map_or_else(|| choice.clone(), |(_, label)| (*label).to_string()),
            _ => choice.clone(),
        },
        (Value::Flag(on), _) => if *on { "on" } else { "off" }.into(),
    }
}

/// The range sentence after a knob's help text: ` Range: 0–10 unit.` for sliders,
/// ` Options: a · b.` for selects, nothing for toggles.
pub fn range_sentence(spec: &ParamSpec) -> String {
    match spec.kind {
        Kind::Number { .. } | Kind::Integer { .. } => format!(" Range: {}.", param_range(spec)),
        Kind::Choice { .. } => format!(" Options: {}.", param_range(spec)),
        Kind::Switch => String::new(),
    }
}

/// The condition under which a knob acts, as a sentence after its help (` Needs fatigue on.`),
/// or nothing for knobs that always act.
pub fn needs_sentence(spec: &ParamSpec) -> String {
    let Some(text) = spec.needs.describe() else {
        return String::new();
    };
    let mut chars = text.chars();
    let capitalised: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    format!(" {capitalised}.")
}

/// A slider's readout split for display: the number (with a `×` suffix for multipliers) and the
/// unit shown under the label, if any.
pub fn readout_parts(spec: &ParamSpec, x: f64) -> (String, Option<&'static str>) {
    let step = spec.slider().map_or(1.0, |s| s.step);
    let text = group_thousands(&format!("{:.*}", step_decimals(step), x));
    match spec.unit {
        "" => (text, None),
        "×" => (format!("{text}×"), None),
        unit => (text, Some(unit)),
    }
}

/// The range of a slider as text, e.g. `0–10 per click`.
pub fn param_range(spec: &ParamSpec) -> String {
    match spec.kind {
        Kind::Number { slider, .. } | Kind::Integer { slider, .. } => {
            let (min, max) = (slider.min, slider.max);
            let d = step_decimals(slider.step);
            let unit = if spec.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", spec.unit)
            };
            format!(
                "{}–{}{unit}",
                group_thousands(&format!("{min:.d$}")),
                group_thousands(&format!("{max:.d$}"))
            )
        }
        Kind::Choice { options } => options
            .iter()
            .map(|(_, label)| *label)
            .collect::<Vec<_>>()
            .join(" · "),
        Kind::Switch => "on / off".into(),
    }
}

/// Shown for a value that does not exist: a ratio with nothing to divide by (ROI with no spend,
/// CPC with no clicks, CTR with no impressions).
pub const UNDEFINED: &str = "—";

/// Whether `metric` is a ratio whose denominator is 0 in `summary` (the engine stores such a
/// ratio as 0, which would read as a measured zero).
pub fn ratio_undefined(metric: Metric, summary: &Summary) -> bool {
    match metric {
        Metric::Ctr | Metric::Ecpm => summary.impressions_per_day == 0.0,
        Metric::AvgCpc | Metric::ReserveBindingRate => summary.clicks_per_day == 0.0,
        Metric::Roi => summary.revenue_per_day == 0.0,
        Metric::AdsPerSession | Metric::AdLoad => summary.sessions_per_day == 0.0,
        // No ad placed, no auction (impressions come from placed ads).
        Metric::BidAboveValueShare => summary.impressions_per_day == 0.0,
        _ => false,
    }
}

/// `x` shown as a metric of format `format`: counts are whole numbers, which [`number`] prints
/// exactly, with thousands separators.
pub fn show(format: Format, x: f64) -> String {
    match format {
        Format::Number | Format::Count => number(x),
        Format::Percent => percent(x),
    }
}

/// A summary metric as the cards and the table show it: [`UNDEFINED`] for a ratio with no
/// denominator, else its value in the row's format. `None` for a daily-only row.
pub fn metric_value(row: &MetricRow, summary: &Summary) -> Option<String> {
    let x = row.value(summary)?;
    Some(if ratio_undefined(row.metric, summary) {
        UNDEFINED.to_string()
    } else {
        show(row.format, x)
    })
}

/// The slider a control shows for the value `x`: the table's slider, widened to include `x` when
/// a link or a file carries a value outside it (but within what validation accepts), with
/// whether it was widened.
pub fn slider_for(spec: &ParamSpec, x: f64) -> Option<(Slider, bool)> {
    let slider = spec.slider()?;
    if !x.is_finite() || (slider.min <= x && x <= slider.max) {
        return Some((slider, false));
    }
    Some((
        Slider {
            min: slider.min.min(x),
            max: slider.max.max(x),
            step: slider.step,
        },
        true,
    ))
}

fn range_text(slider: Slider, unit: &str) -> String {
    let d = step_decimals(slider.step);
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    format!(
        "{}–{}{unit}",
        group_thousands(&format!("{:.d$}", slider.min)),
        group_thousands(&format!("{:.d$}", slider.max))
    )
}

/// The range sentence of a control showing `value`: the slider's range (` Range: 0–5 currency
/// per click.`), or, when the value lies outside the table's slider, the widened range with a
/// note (` Range: 0–8 currency per click, widened to show this value (the slider's usual range
/// is 0–5; accepted: 0–10).`). Selects and switches get [`range_sentence`].
pub fn range_sentence_for(spec: &ParamSpec, value: &Value) -> String {
    let x = match value {
        Value::Number(x) => *x,
        _ => return range_sentence(spec),
    };
    match slider_for(spec, x) {
        Some((slider, true)) => {
            let usual = spec
                .slider()
                .map_or_else(String::new, |s| range_text(s, ""));
            let accepted = spec.limits().map_or_else(String::new, |l| l.range_text());
            format!(
                " Range: {}, widened to show this value (the slider's usual range is {usual}; \
                 accepted: {accepted}).",
                range_text(slider, spec.unit)
            )
        }
        _ => range_sentence(spec),
    }
}
