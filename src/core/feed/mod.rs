//! Feed blending.
