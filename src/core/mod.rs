//! The pure simulation engine. No web, no clock, no global randomness (see the crate docs).

pub mod auction;
pub mod feed;
pub mod lab;
pub mod math;
pub mod model;
pub mod rng;
pub mod stats;
pub mod tradeoff;
