//! `sandbox feed` spec.
