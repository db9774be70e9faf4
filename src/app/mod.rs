//! The app's logic without the browser: the one reducer ([`state`]), the comparison with a
//! pinned baseline ([`compare`]), the worker protocol and its
//! request handler ([`protocol`]) and number formatting ([`format`](mod@format)).
//!
//! Compiled on every target, so the reducer and the jobs the worker runs are unit-tested natively
//! (`tests/app_state.rs`, `tests/app_protocol.rs`); only the Yew components and the browser glue
//! (`crate::ui`) are wasm32-only.
//!
//! Architecture invariant: `app` depends on `core` and `config` and on no web crate (the
//! architecture test scans it like the core).

pub mod compare;
pub mod format;
pub mod protocol;
pub mod state;
