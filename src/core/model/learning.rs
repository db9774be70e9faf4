//! `learning_shading`: an advertiser that learns how much to shade its bids in a first-price
//! auction from the win rates it observes, in the spirit of AuctionGym's empirically shaded
//! bidders (Jeunen, Murphy & Allison 2022).
//!
//! The learner keeps a grid of shading levels `s_k` ([`LEARN_SHADING_LEVELS`]) and, for each,
//! an estimate `Ŵ_k` of its win rate at the bid `b_k = (1 − s_k)·v` (`v` its value per click).
//! Each hour it bids at one level; after the hour it observes the hour's win rate `r` at that
//! level and updates that level's estimate alone, with exponential memory `λ`
//! (`advertisers.learning_memory`):
//!
//! ```text
//!   Ŵ_k ← r                      (first observation of level k)
//!   Ŵ_k ← λ·Ŵ_k + (1 − λ)·r      (afterwards)
//! ```
//!
//! so an estimate's mean age is `1/(1 − λ)` observations of its level. It then picks the next
//! hour's level: every level is tried once first (in grid order, from truthful); afterwards,
//! with probability `ε` (`advertisers.learning_exploration`) a uniformly drawn level
//! (exploration), else the level maximising the estimated expected surplus per auction
//!
//! ```text
//!   (v − b_k)·Ŵ_k = v·s_k·Ŵ_k
//! ```
//!
//! (the value factors out, so the choice does not depend on it; ties go to the smaller
//! shading). The two uniforms of the choice are inputs: the engine draws them from the
//! advertiser's own stream, keyed by its identity, the day and the hour, so learning moves no
//! other draw.
//!
//! In the engine the win rate is measured in clicks: `r` = the hour's clicks per session of the
//! hour (sessions are the auctions the advertiser could enter; a win places its ad, and the
//! clicks a win brings depend on the slot it got). Then `(v − b_k)·Ŵ_k` is the expected surplus
//! per session, since a first-price winner pays its bid per click.
//!
//! In a stationary market each `Ŵ_k` converges to the level's true rate (up to the noise that
//! memory `λ` averages), and the greedy choice to the grid's best response — pinned against
//! closed forms in `tests/model_learning.rs`.

use super::constants::LEARN_SHADING_LEVELS;

/// Number of shading levels.
pub const LEVELS: usize = LEARN_SHADING_LEVELS.len();

/// A learner's state: the level it bids at this hour and its win-rate estimate per level.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ShadingLearner {
    /// Index of the current level in [`LEARN_SHADING_LEVELS`] (0: truthful).
    level: usize,
    /// `Ŵ_k`, meaningful where `seen[k]`.
    win: [f64; LEVELS],
    /// Whether level `k` has been observed.
    seen: [bool; LEVELS],
}

impl ShadingLearner {
    /// A learner that has observed nothing and bids truthfully.
    pub fn new() -> ShadingLearner {
        ShadingLearner::default()
    }

    /// The shading it bids at now (fraction of value): its bid is `(1 − shading)·value`.
    pub fn shading(&self) -> f64 {
        LEARN_SHADING_LEVELS[self.level]
    }

    /// Index of the current level.
    pub fn level(&self) -> usize {
        self.level
    }

    /// The win-rate estimate `Ŵ_k` of level `k`, once observed.
    pub fn estimate(&self, k: usize) -> Option<f64> {
        self.seen[k].then_some(self.win[k])
    }

    /// Records the win rate `rate` observed while bidding at the current level, with memory
    /// `memory` (`λ` in `[0, 1)`: the weight of the past).
    pub fn observe(&mut self, rate: f64, memory: f64) {
        let k = self.level;
        self.win[k] = if self.seen[k] {
            memory * self.win[k] + (1.0 - memory) * rate
        } else {
            rate
        };
        self.seen[k] = true;
    }

    /// The observed level with the largest estimated surplus per unit of value, `s_k·Ŵ_k`
    /// (the smaller shading on ties); level 0 while nothing is observed.
    pub fn greedy(&self) -> usize {
        let mut best = 0;
        let mut best_surplus = f64::NEG_INFINITY;
        for (k, s) in LEARN_SHADING_LEVELS.iter().enumerate() {
            if self.seen[k] {
                let surplus = s * self.win[k];
                if surplus > best_surplus {
                    best = k;
                    best_surplus = surplus;
                }
            }
        }
        best
    }

    /// Picks the next level: the first level not yet observed; else, when `explore < epsilon`,
    /// level `⌊pick·LEVELS⌋`; else [`ShadingLearner::greedy`]. `explore` and `pick` are uniforms
    /// on `[0, 1)`.
    pub fn choose(&mut self, explore: f64, pick: f64, epsilon: f64) {
        self.level = if let Some(k) = self.seen.iter().position(|&seen| !seen) {
            k
        } else if explore < epsilon {
            ((pick * LEVELS as f64) as usize).min(LEVELS - 1)
        } else {
            self.greedy()
        };
    }
}
