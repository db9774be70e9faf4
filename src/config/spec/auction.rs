//! `sandbox auction` spec.
