//! The serialised contract: configuration JSON, the versioned URL codec, the parameter table.

pub mod spec;
