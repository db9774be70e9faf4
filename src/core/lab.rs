//! The one-shot mechanism lab.
