//! url (being written).
