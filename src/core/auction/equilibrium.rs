//! Equilibrium bidding (filled in below).
