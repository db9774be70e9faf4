//! The serialised contract: configuration JSON, the versioned URL codec with its migrations, the
//! parameter table that drives the UI's controls, presets, and the CLI's one-shot specs.
//!
//! Architecture invariant: `config` depends on `core`, never the reverse; it imports no web crate
//! either (the UI turns its outputs into DOM).

pub mod export;
pub mod params_table;
pub mod presets;
pub mod spec;
pub mod url;
