//! The parameter table: one row per user-visible knob — its URL key, label, unit, range, help and
//! how to read and write it in [`Params`]. The UI renders every control from this table with one
//! component, and the URL codec reads and writes exactly these keys, in this order.

use crate::core::model::Params;

/// Control groups, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Weights of the ranking utility.
    Utility,
    /// Auction format, reserve, squashing.
    Auction,
    /// Ad-load policy and guardrails.
    AdLoad,
    /// Users and fatigue.
    Users,
    /// Advertisers.
    Advertisers,
    /// New ad offering launch.
    Launch,
    /// Days and seed.
    Simulation,
}

impl Group {
    /// Every group in display order.
    pub const ALL: [Group; 7] = [
        Group::Utility,
        Group::Auction,
        Group::AdLoad,
        Group::Users,
        Group::Advertisers,
        Group::Launch,
        Group::Simulation,
    ];

    /// Heading shown in the UI.
    pub fn label(self) -> &'static str {
        match self {
            Group::Utility => "Ranking utility",
            Group::Auction => "Auction",
            Group::AdLoad => "Ad load",
            Group::Users => "Users",
            Group::Advertisers => "Advertisers",
            Group::Launch => "New ad offering",
            Group::Simulation => "Simulation",
        }
    }
}

/// What kind of control a parameter has, with its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A number on a slider from `min` to `max` in steps of `step`.
    Slider {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// Step (integers use 1).
        step: f64,
    },
    /// One of a fixed set of options: `(value in the URL, label)`.
    Select {
        /// The options.
        options: &'static [(&'static str, &'static str)],
    },
    /// On or off (`1`/`0` in the URL).
    Toggle,
}

/// A parameter's value as the UI and the URL see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Sliders.
    Number(f64),
    /// Selects: the option's URL value.
    Choice(String),
    /// Toggles.
    Flag(bool),
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// URL key and stable id, human-readable (`w_eng`, `auction`, `reserve`…).
    pub id: &'static str,
    /// Label shown next to the control.
    pub label: &'static str,
    /// Unit shown after the value ("" when dimensionless).
    pub unit: &'static str,
    /// Group the control belongs to.
    pub group: Group,
    /// Control kind and range.
    pub kind: Kind,
    /// One or two sentences: what the knob does in the model and in which direction.
    pub help: &'static str,
    /// Reads the value from params.
    pub get: fn(&Params) -> Value,
    /// Writes the value into params (the value is already in range).
    pub set: fn(&mut Params, &Value),
}
