//! The serialised contract: configuration JSON, the versioned URL codec with its migrations,
//! presets, the configuration reference generated from the knob table, and the CLI's one-shot
//! specs.
//!
//! Architecture invariant: `config` depends on `core`, never the reverse; it imports no web crate
//! either (the UI turns its outputs into DOM).

pub mod experiment;
pub mod export;
pub mod lab;
pub mod presets;
pub mod reference;
pub mod slug;
pub mod spec;
pub mod url;
