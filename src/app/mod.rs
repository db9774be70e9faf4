//! The app's logic without the browser: the one reducer ([`state`]), the comparison with a
//! pinned baseline ([`compare`]), the worker protocol and its request handler ([`protocol`]),
//! the Tradeoffs tab's sweep and its frontier ([`sweep`]), its optimizer and policy comparison
//! ([`optimize`](mod@optimize)), the Lab tab's batches ([`lab`]), the Experiments tab's runs
//! and power calculator ([`experiment`]),
//! number formatting ([`format`](mod@format)), the welfare line and the by-strategy table
//! ([`strategies`]), the first step's questions ([`first_step`]), the "no ads were shown"
//! diagnosis ([`no_ads`]) and the Model page's bidding and pacing equations ([`model_text`]).
//!
//! Compiled on every target, so the reducer and the jobs the worker runs are unit-tested natively
//! (`tests/app_state.rs`, `tests/app_protocol.rs`); only the Yew components and the browser glue
//! (`crate::ui`) are wasm32-only.
//!
//! Architecture invariant: `app` depends on `core` and `config` and on no web crate (the
//! architecture test scans it like the core).

pub mod compare;
pub mod experiment;
pub mod first_step;
pub mod format;
pub mod lab;
pub mod model_text;
pub mod no_ads;
pub mod optimize;
pub mod promotion;
pub mod protocol;
pub mod state;
pub mod strategies;
pub mod sweep;
