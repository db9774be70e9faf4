//! The components. Each renders part of the state and dispatches [`crate::app::state::Action`]s;
//! none holds state of its own beyond DOM references.

pub mod app;
pub mod banner;
pub mod canvas;
pub mod charts;
pub mod controls;
pub mod details;
pub mod experiment;
pub mod fields;
pub mod first_step;
pub mod header;
pub mod kpis;
pub mod lab;
pub mod model_page;
pub mod optimizer;
pub mod promotion;
pub mod strategies;
pub mod toolbar;
pub mod tradeoffs;
