//! Hover read-outs: from a pointer's pixel column to the hovered day and every series' value.

use super::draw::tick_label;
use super::{ChartSpec, Color, Frame, ValueFormat};
use crate::app::format::number;

/// One series' line in a tooltip.
#[derive(Debug, Clone, PartialEq)]
pub struct TooltipRow {
    /// The series' legend label.
    pub label: String,
    /// Its value at the hovered x, formatted ("—" when it has none there).
    pub value: String,
    /// The series' colour (for a swatch).
    pub color: Color,
    /// Whether the series is dashed (a baseline overlay).
    pub dashed: bool,
}

/// What a tooltip shows for one pointer position.
#[derive(Debug, Clone, PartialEq)]
pub struct Tooltip {
    /// The hovered x (a day), snapped to the nearest x with data.
    pub x: f64,
    /// Its pixel column on the drawing (same pixels as the [`Frame`]).
    pub px: f64,
    /// "Day 12".
    pub heading: String,
    /// One row per series, in legend order.
    pub rows: Vec<TooltipRow>,
}

/// `value` as text in `format`: `1,234` / `1.834%` / `+1.834%` (`—` when not finite).
pub fn format_value(value: f64, format: ValueFormat) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    match format {
        ValueFormat::Number => number(value),
        ValueFormat::Percent => format!("{}%", number(value)),
        ValueFormat::SignedPercent => {
            if value > 0.0 {
                format!("+{}%", number(value))
            } else if value < 0.0 {
                format!("−{}%", number(-value))
            } else {
                "±0%".into()
            }
        }
    }
}

/// The tooltip for a pointer at pixel column `px` over `spec` drawn in `frame`: the x with data
/// nearest to the pointer (among every series' finite points) and each series' value there.
/// `None` when the pointer is outside the plot (beyond half a day's width on either side) or
/// the chart has no finite point.
pub fn tooltip(spec: &ChartSpec, frame: &Frame, px: f64) -> Option<Tooltip> {
    if !px.is_finite() || frame.right <= frame.left {
        return None;
    }
    let (x0, x1) = frame.x_range;
    let mut xs: Vec<f64> = spec
        .series
        .iter()
        .flat_map(|s| s.points.iter())
        .filter(|(x, y)| x.is_finite() && y.is_finite() && *x >= x0 && *x <= x1)
        .map(|&(x, _)| x)
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    // Half the spacing of the distinct xs, in pixels: the slack outside the plot.
    let slack = 0.5 * (frame.right - frame.left) / (xs.len().max(2) - 1) as f64;
    if px < frame.left - slack || px > frame.right + slack {
        return None;
    }
    let target = frame.x_at(px);
    let x = xs
        .iter()
        .copied()
        .min_by(|a, b| (a - target).abs().total_cmp(&(b - target).abs()))?;
    let rows = spec
        .series
        .iter()
        .map(|s| {
            let y = s.points.iter().find(|p| p.0 == x).map_or(f64::NAN, |p| p.1);
            TooltipRow {
                label: s.label.clone(),
                value: format_value(y, spec.value_format),
                color: s.color,
                dashed: s.dashed,
            }
        })
        .collect();
    let heading = if spec.x_label.is_empty() {
        tick_label(x)
    } else {
        format!("{} {}", spec.x_label, tick_label(x))
    };
    Some(Tooltip {
        x,
        px: frame.px_of(x),
        heading,
        rows,
    })
}
