//! Chart drawing, generic over the plotters backend.
