//! JSON specifications of the CLI's one-shot subcommands (`sandbox auction`, `sandbox feed`):
//! raw serde structs, validated into core types, run, and reported as JSON.

pub mod auction;
pub mod feed;
