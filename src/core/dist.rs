//! Value distributions.
