//! Position auctions as data-in/data-out functions: rank candidates by utility, then price the
//! slots by the chosen format.
//!
//! ## The ranking utility
//!
//! A candidate `i` has a bid per click `b_i`, a click weight `e_i` (its slot-independent click
//! propensity for this viewer: the click-through rate in slot `k` is `e_i · α_k`, "separable
//! CTRs"), and a `bonus_i` collecting every non-bid term of the ranking utility (engagement value,
//! quality, minus the fatigue cost), in the same units as the bid term:
//!
//! ```text
//! U_i = w_rev · b_i · e_i^q + bonus_i
//! ```
//!
//! `q` is the Lahaie–Pennock squashing exponent (q = 0 ranks by bid, q = 1 by expected revenue).
//! Candidates whose bid is below their reserve, or whose utility is not positive, are not ranked.
//!
//! ## Prices (per click)
//!
//! - **First price**: the winner pays its bid.
//! - **GSP**: the least bid that keeps the winner's utility at or above the next ranked
//!   candidate's (`U_{k+1}`), `p_k = (U_{k+1} − bonus_k) / (w_rev · e_k^q)`, clamped to
//!   `[reserve_k, b_k]`; with no next candidate, `U_{k+1} = 0` (ads need positive utility), so
//!   the last winner pays its reserve unless a negative bonus makes the zero-utility bid higher. With one slot, q = 1, unit weights
//!   and no bonus this is the Vickrey (second-price) auction.
//! - **VCG**: each winner pays its externality on the others (the seller included, who values a
//!   slot at the reserve), in utility units
//!   `T_k = Σ_{j=k}^{K} (α_j − α_{j+1}) · max(U_{j+1}, R_k)` (with `α_{K+1} = 0`,
//!   `R_k = w_rev · e_k^q · reserve_k + bonus_k` the utility at which `k` just meets its reserve,
//!   and `U_{j+1} = R_k` when there is no such candidate), converted to a per-click bid level
//!   exactly as GSP's:
//!   `p_k = (T_k/α_k − bonus_k) / (w_rev · e_k^q)`, clamped to `[reserve_k, b_k]`. With unit weights
//!   and no bonus this is
//!   `p_k·α_k·e_k = Σ_{j≥k} (α_j − α_{j+1}) · max(e_{j+1}^q b_{j+1}, e_k^q r_k) · e_k^{1−q}`, the
//!   textbook VCG payment (with reserve) for q = 1.
//!
//! Invariants (property-tested): GSP and VCG prices never exceed bids; GSP prices per unit of
//! utility are non-increasing down the slots; VCG revenue ≤ GSP revenue on the same bids.

use serde::{Deserialize, Serialize};

/// How winners pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Pay your bid per click.
    FirstPrice,
    /// Generalised second price: the least bid that keeps your rank.
    #[default]
    Gsp,
    /// Vickrey–Clarke–Groves: your externality on the others.
    Vcg,
}

impl Format {
    /// Every format, in display order.
    pub const ALL: [Format; 3] = [Format::FirstPrice, Format::Gsp, Format::Vcg];

    /// The name used in JSON and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::FirstPrice => "first_price",
            Format::Gsp => "gsp",
            Format::Vcg => "vcg",
        }
    }
}

/// One ad competing in one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Bid per click (currency).
    pub bid: f64,
    /// Slot-independent click propensity `e_i` (CTR in slot k is `e_i · α_k`).
    pub click_weight: f64,
    /// Sum of the non-bid utility terms, in utility units.
    pub bonus: f64,
    /// Reserve price per click that applies to this candidate.
    pub reserve: f64,
}

/// The weights of the ranking utility that involve the bid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankingRule {
    /// Weight of the bid term `w_rev` (> 0).
    pub w_rev: f64,
    /// Squashing exponent `q` in `[0, 2]`.
    pub squashing: f64,
}

impl Default for RankingRule {
    fn default() -> Self {
        RankingRule {
            w_rev: 1.0,
            squashing: 1.0,
        }
    }
}

impl RankingRule {
    /// `w_rev · e^q`: the factor that turns a bid per click into utility.
    #[inline]
    pub fn bid_factor(&self, click_weight: f64) -> f64 {
        self.w_rev * pow_q(click_weight, self.squashing)
    }

    /// The ranking utility `U = w_rev · b · e^q + bonus`.
    #[inline]
    pub fn utility(&self, c: &Candidate) -> f64 {
        self.bid_factor(c.click_weight) * c.bid + c.bonus
    }

    /// The bid level (per click) at which `c`'s utility equals `target_utility`.
    #[inline]
    pub fn bid_for_utility(&self, c: &Candidate, target_utility: f64) -> f64 {
        let f = self.bid_factor(c.click_weight);
        if f > 0.0 {
            (target_utility - c.bonus) / f
        } else {
            0.0
        }
    }
}

/// `e^q` with the common exponents computed exactly and fast.
#[inline]
pub fn pow_q(e: f64, q: f64) -> f64 {
    if q == 1.0 {
        e
    } else if q == 0.0 {
        1.0
    } else if q == 0.5 {
        e.sqrt()
    } else if q == 2.0 {
        e * e
    } else {
        crate::core::math::pow(e, q)
    }
}

/// Whether a candidate may be ranked at all: bid at or above its reserve and positive utility.
#[inline]
pub fn is_eligible(rule: &RankingRule, c: &Candidate) -> bool {
    c.bid >= c.reserve && c.bid > 0.0 && rule.utility(c) > 0.0
}

/// Indices of eligible candidates in decreasing utility (ties: lower index first), at most `limit`.
pub fn rank(candidates: &[Candidate], rule: &RankingRule, limit: usize) -> Vec<usize> {
    let mut order = Vec::with_capacity(candidates.len());
    rank_into(candidates, rule, limit, &mut order);
    order
}

/// As [`rank`], writing into `out` (cleared first) so hot loops allocate nothing.
///
/// The order is a total order (utility descending, then index ascending), so the result is the
/// same as [`rank`]'s whatever sorting algorithm is used.
pub fn rank_into(candidates: &[Candidate], rule: &RankingRule, limit: usize, out: &mut Vec<usize>) {
    out.clear();
    out.extend(
        candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| is_eligible(rule, c))
            .map(|(i, _)| i),
    );
    out.sort_unstable_by(|&a, &b| {
        let ua = rule.utility(&candidates[a]);
        let ub = rule.utility(&candidates[b]);
        ub.total_cmp(&ua).then(a.cmp(&b))
    });
    out.truncate(limit);
}

/// Per-click prices for ranked winners.
///
/// `ranked` are the candidates in rank order: the first `slot_ctrs.len()` of them (or fewer) are
/// winners, one per slot in order; the next one, if any, is the first loser and sets the GSP
/// price of the last winner. `slot_ctrs` are the position effects `α_1 ≥ α_2 ≥ …` of the slots the
/// winners take (only VCG reads them). Returns one price per winner.
pub fn price(
    ranked: &[Candidate],
    slot_ctrs: &[f64],
    rule: &RankingRule,
    format: Format,
) -> Vec<f64> {
    let winners = ranked.len().min(slot_ctrs.len());
    let mut prices = Vec::with_capacity(winners);
    price_into(ranked, slot_ctrs, rule, format, &mut prices);
    prices
}

/// As [`price`], writing into `out` (cleared first) so hot loops allocate nothing.
pub fn price_into(
    ranked: &[Candidate],
    slot_ctrs: &[f64],
    rule: &RankingRule,
    format: Format,
    out: &mut Vec<f64>,
) {
    out.clear();
    let winners = ranked.len().min(slot_ctrs.len());
    let utility_at = |j: usize| ranked.get(j).map_or(0.0, |c| rule.utility(c).max(0.0));
    for k in 0..winners {
        let c = &ranked[k];
        let raw = match format {
            Format::FirstPrice => c.bid,
            // With no next candidate the competitor is the eligibility threshold U = 0 (which
            // binds only when the bonus is negative; otherwise the reserve does).
            Format::Gsp => rule.bid_for_utility(c, utility_at(k + 1)),
            Format::Vcg => {
                let alpha_k = slot_ctrs[k];
                if alpha_k <= 0.0 {
                    c.reserve
                } else {
                    // T_k = Σ_{j=k}^{K-1} (α_j − α_{j+1}) · max(U_{j+1}, R_k), 0-based, α_K = 0,
                    // where R_k = w_rev·e_k^q·reserve_k + bonus_k is the utility at which
                    // candidate k just meets its reserve: the seller values every slot at least
                    // at the reserve (a missing candidate counts as R_k), as in textbook VCG with
                    // a reserve, p_k·α_k = Σ_{j≥k} (α_j − α_{j+1})·max(v_{j+1}, r).
                    let floor = (rule.bid_factor(c.click_weight) * c.reserve + c.bonus).max(0.0);
                    let slots = slot_ctrs.len();
                    let mut externality = 0.0;
                    for j in k..slots {
                        let alpha_next = if j + 1 < slots { slot_ctrs[j + 1] } else { 0.0 };
                        let below = ranked
                            .get(j + 1)
                            .map_or(floor, |d| rule.utility(d).max(floor));
                        externality += (slot_ctrs[j] - alpha_next) * below;
                    }
                    rule.bid_for_utility(c, externality / alpha_k)
                }
            }
        };
        out.push(raw.max(c.reserve).min(c.bid));
    }
}
