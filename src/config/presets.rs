//! presets (being written).
