//! Feed blending: one request's ranked organic list and ranked ad list merged into one feed of
//! `L` positions, keeping each list's order, under guardrails (Yan, Xu, Tiwana & Chatterjee,
//! "Ads allocation in feed via constrained optimization", KDD 2020 — LinkedIn's feed).
//!
//! ## The feed
//!
//! A layout is the set `P ⊆ {1, …, L}` of 1-based positions taken by ads. The i-th position of
//! `P` (in increasing order) shows ad `i` of the ranked ad list; the other positions show the
//! organic items in rank order (organic #1, #2, …). Organics pushed beyond `L` fall off the feed.
//! If the organic list runs out, the remaining non-ad positions are **empty** and contribute
//! nothing. With position weights `w_p` (default `w_p = 1/log2(p + 1)`), ad revenues `r_i`, ad
//! engagements `u^ad_i` and organic utilities `u^org_j`:
//!
//! ```text
//! R(P) = Σ_{i-th ad at p_i ∈ P} w_{p_i} · r_i
//! E(P) = Σ_{p ∉ P, organic j(p) exists} w_p · u^org_{j(p)} + Σ_{i-th ad at p_i ∈ P} w_{p_i} · u^ad_i
//! j(p) = p − |{q ∈ P : q < p}|          (1-based organic rank shown at position p)
//! ```
//!
//! ## Guardrails (apply to every method)
//!
//! - no ad before position `top_slot` (`p_1 ≥ top_slot`, `top_slot ≥ 1`);
//! - consecutive ads at least `min_gap` apart (`p_{i+1} − p_i ≥ min_gap`; `min_gap = 1` allows
//!   adjacent ads);
//! - at most `max_ads` ads, and never more than the ad list holds.
//!
//! ## Methods
//!
//! - **Fixed** `{first, every}`: target positions `first + i·every` (i = 0, 1, …). A target that
//!   breaks a guardrail is moved later, to `max(target, top_slot, previous ad + min_gap)`; later
//!   targets are *not* re-based on the moved ad (they stay on the `first + i·every` grid unless
//!   the gap pushes them too). Stops at `L`, at `max_ads` or when the ads run out.
//! - **Threshold** `{λ}`: LinkedIn's slot-by-slot Lagrangian serving rule. Scan positions in
//!   order; where the guardrails allow an ad, place the next ad iff
//!   `r_i + λ·u^ad_i ≥ λ·u^org_next`, where `u^org_next` is the utility of the next organic not yet
//!   shown (0 if none is left). The rule is greedy: it ignores that displacing an organic shifts
//!   every later organic down a slot (so the organic really lost is the one falling off the end)
//!   and that placing an ad now may block a better slot later (gap, `max_ads`). The weights do not
//!   enter the decision (both sides would be multiplied by the same `w_p`).
//! - **Exact** `{λ}`: the layout maximising `R + λ·E` over every layout satisfying the guardrails,
//!   by dynamic programming over (position `p`, ads used `k`, distance since the last ad capped at
//!   `min_gap`): `O(L · K · G)` time and memory, `K = min(max_ads, #ads, 1 + ⌊(L − top_slot)/G⌋)`,
//!   `G = min(min_gap, L)`; since `K·G ≤ L + G` this is at most `O(L²)`. Ties (equal objective in
//!   floating point) go to **fewer ads**, then to the **earliest** first differing ad position.
//! - **ExactFloor** `{floor}`: maximise `R` subject to `E ≥ floor · E_noads`, where `E_noads` is
//!   `E` of the all-organic feed — the constrained problem of the paper, solved exactly per
//!   request (branch and bound over a Pareto dynamic program):
//!   1. a Lagrangian line search (a few **Exact** solves) finds the dual price
//!      `λ* = argmin_{λ≥0} max_P R + λ·(E − target)` and a feasible layout (the incumbent);
//!   2. one backward sweep gives, per state, `V_λ(s) = max` over completions of `R + λ·E` for
//!      nine multiples of `λ*`, and the largest completion `E`;
//!   3. a forward dynamic program keeps, per state (position, ads used, capped gap), the Pareto
//!      frontier of (R, E) prefix pairs — two prefixes in the same state face the same future,
//!      so a dominated one can never finish better — and drops a prefix `(r, e)` that cannot
//!      reach the floor or whose bound `min_λ r + λ·(e − target) + V_λ(s)` (valid for every
//!      feasible completion) is below the incumbent. A first pass capped at 3 prefixes per
//!      state improves the incumbent; the second, uncapped pass is exact. Every bound carries a
//!      `1e-9` relative slack, so rounding never prunes an optimal prefix.
//!
//!   Time `O(L · K · G · F)` with `F` the largest frontier kept, which is exponential in the
//!   worst case but small in practice: with `L = 50`, `max_ads = 10`, a solve takes tens of
//!   microseconds (median), with `L = 100`, `max_ads = 100` up to a few tenths of a second.
//!   Ties: larger `E`, then fewer ads, then a fixed internal order. `floor ≤ 1` is always
//!   feasible (no ads gives `E_noads`); `floor > 1` may be infeasible: [`blend`] then returns
//!   [`FeedError::InfeasibleFloor`] and [`blend_into`] returns the engagement-maximising layout
//!   (ties: larger `R`).
//!
//! Why an exact per-request solver: the greedy threshold rule can be strictly worse than the
//! exact Lagrangian layout for the same λ (the shift effect), and a constrained optimum need not be
//! the Lagrangian optimum for any single λ (integrality: the reachable (E, R) points are
//! discrete, and λ only reaches the upper concave envelope). Both are pinned by tests.
//!
//! Values must be finite and non-negative (utilities, revenues, engagements, weights, λ, floor),
//! and all but the floor at most [`MAX_VALUE`].
//! [`blend`] validates and names the offending field; [`blend_into`] is the allocation-free hot
//! path that assumes valid input (checked by `debug_assert!` only) and clamps instead of failing.

mod exact;
mod pareto;

use std::fmt;

use super::math;

/// Where and how many ads may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guardrails {
    /// First 1-based position an ad may take (`≥ 1`).
    pub top_slot: usize,
    /// Consecutive ad positions differ by at least this (`≥ 1`; 1 allows adjacent ads).
    pub min_gap: usize,
    /// At most this many ads in the feed.
    pub max_ads: usize,
}

impl Default for Guardrails {
    /// No constraint: ads anywhere, adjacent allowed, as many as given.
    fn default() -> Self {
        Guardrails {
            top_slot: 1,
            min_gap: 1,
            max_ads: usize::MAX,
        }
    }
}

/// One ranked ad: its revenue and its engagement (utility) if shown, both per unit position weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdItem {
    /// Expected revenue `r` (currency).
    pub revenue: f64,
    /// Engagement utility `u` of the ad itself, in the organic utilities' units.
    pub engagement: f64,
}

/// How the ads are placed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Fixed slots `first, first + every, …` (1-based), moved later when a guardrail requires.
    Fixed {
        /// First target position (`≥ 1`).
        first: usize,
        /// Distance between targets (`≥ 1`).
        every: usize,
    },
    /// Greedy slot-by-slot rule `r + λ·u_ad ≥ λ·u_org`.
    Threshold {
        /// Shadow price of engagement (`≥ 0`).
        lambda: f64,
    },
    /// Exact maximiser of `R + λ·E`.
    Exact {
        /// Shadow price of engagement (`≥ 0`).
        lambda: f64,
    },
    /// Exact maximiser of `R` subject to `E ≥ floor · E_noads`.
    ExactFloor {
        /// Engagement floor as a fraction of the no-ads engagement (`≥ 0`).
        floor: f64,
    },
}

/// One blend request: the ranked lists, the feed's shape and the placement rule.
///
/// Borrowed, so the engine's hot path builds one per session from its own buffers without
/// copying them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlendRequest<'a> {
    /// Utilities of the ranked organic items, best first (in the organic utilities' units).
    pub organic: &'a [f64],
    /// The ranked ads, best first.
    pub ads: &'a [AdItem],
    /// Feed length `L` in positions (`≥ 1`, at most `position_weights.len()`).
    pub length: usize,
    /// Position weights `w_p` for `p = 1..=L` (attention; see [`default_position_weights`]).
    pub position_weights: &'a [f64],
    /// Where and how many ads may appear.
    pub guardrails: Guardrails,
    /// How the ads are placed.
    pub method: Method,
}

/// A blended feed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// 1-based positions of the ads, increasing; the i-th holds ad `i` of the ranked list.
    pub ad_positions: Vec<usize>,
    /// `R`: position-weighted ad revenue.
    pub revenue: f64,
    /// `E`: position-weighted engagement of everything shown.
    pub engagement: f64,
}

/// Why a blend request was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedError {
    /// `length` is 0.
    EmptyFeed,
    /// Fewer position weights than positions.
    TooFewWeights {
        /// Number of weights given.
        weights: usize,
        /// Feed length `L`.
        length: usize,
    },
    /// `top_slot` is 0.
    TopSlotZero,
    /// `min_gap` is 0.
    MinGapZero,
    /// A fixed-method parameter (`first` or `every`) is 0.
    FixedParamZero {
        /// `"first"` or `"every"`.
        field: &'static str,
    },
    /// A number is NaN, infinite or negative.
    InvalidNumber {
        /// The field, with its index (e.g. `organic[3]`, `ads[0].revenue`, `lambda`).
        field: String,
        /// The value given.
        value: f64,
    },
    /// The engagement floor is negative or not a number.
    InvalidFloor {
        /// The floor given.
        floor: f64,
    },
    /// `E ≥ floor · E_noads` cannot be met by any layout.
    InfeasibleFloor {
        /// The floor asked for.
        floor: f64,
        /// The largest achievable `E / E_noads`.
        best_ratio: f64,
    },
}

impl fmt::Display for FeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeedError::EmptyFeed => write!(f, "length must be at least 1 (got 0: an empty feed)"),
            FeedError::TooFewWeights { weights, length } => write!(
                f,
                "position_weights has {weights} entries but length is {length}: \
                 need at least one weight per position"
            ),
            FeedError::TopSlotZero => write!(
                f,
                "top_slot must be at least 1 (it is a 1-based position; got 0)"
            ),
            FeedError::MinGapZero => write!(
                f,
                "min_gap must be at least 1 (1 allows adjacent ads; got 0)"
            ),
            FeedError::FixedParamZero { field } => {
                write!(f, "{field} must be at least 1 for method fixed (got 0)")
            }
            FeedError::InvalidNumber { field, value } => {
                write!(
                    f,
                    "{field} must be a number in the allowed range 0–{MAX_VALUE:e} (got {})",
                    show(*value)
                )
            }
            FeedError::InvalidFloor { floor } => write!(
                f,
                "engagement_floor must be a finite number >= 0 (a share of the no-ads \
                 engagement; got {})",
                show(*floor)
            ),
            FeedError::InfeasibleFloor { floor, best_ratio } => write!(
                f,
                "engagement_floor {floor} is infeasible: the most engaging layout reaches \
                 E = {best_ratio} × E_no_ads (allowed range: 0 to {best_ratio})"
            ),
        }
    }
}

impl std::error::Error for FeedError {}

/// A number as a person would write it: `1e308` rather than its 309 digits.
fn show(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-6..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The default position weights `w_p = 1/log2(p + 1)` for `p = 1..=length` (1, 0.63, 0.5, …),
/// computed with the portable [`math::log2`] (the same bits natively and in wasm).
pub fn default_position_weights(length: usize) -> Vec<f64> {
    (1..=length)
        .map(|p| 1.0 / math::log2((p + 1) as f64))
        .collect()
}

/// The largest utility, revenue, engagement, weight or λ a request may carry: products and sums
/// of a few such numbers over a feed stay far from overflow (1e12 is far beyond any sensible
/// utility scale; rescale larger units).
pub const MAX_VALUE: f64 = 1e12;

fn check_number(field: impl FnOnce() -> String, value: f64) -> Result<(), FeedError> {
    if value.is_finite() && (0.0..=MAX_VALUE).contains(&value) {
        Ok(())
    } else {
        Err(FeedError::InvalidNumber {
            field: field(),
            value,
        })
    }
}

/// Checks a request; the first problem found is returned, naming the field and its allowed range.
pub fn validate(request: &BlendRequest) -> Result<(), FeedError> {
    let BlendRequest {
        organic,
        ads,
        length,
        position_weights: weights,
        guardrails: ref guard,
        ref method,
    } = *request;
    if length == 0 {
        return Err(FeedError::EmptyFeed);
    }
    if weights.len() < length {
        return Err(FeedError::TooFewWeights {
            weights: weights.len(),
            length,
        });
    }
    if guard.top_slot == 0 {
        return Err(FeedError::TopSlotZero);
    }
    if guard.min_gap == 0 {
        return Err(FeedError::MinGapZero);
    }
    for (i, &u) in organic.iter().enumerate() {
        check_number(|| format!("organic[{i}]"), u)?;
    }
    for (i, a) in ads.iter().enumerate() {
        check_number(|| format!("ads[{i}].revenue"), a.revenue)?;
        check_number(|| format!("ads[{i}].engagement"), a.engagement)?;
    }
    for (i, &w) in weights[..length].iter().enumerate() {
        check_number(|| format!("position_weights[{i}]"), w)?;
    }
    match *method {
        Method::Fixed { first, every } => {
            if first == 0 {
                return Err(FeedError::FixedParamZero { field: "first" });
            }
            if every == 0 {
                return Err(FeedError::FixedParamZero { field: "every" });
            }
        }
        Method::Threshold { lambda } | Method::Exact { lambda } => {
            check_number(|| "lambda".to_string(), lambda)?;
        }
        Method::ExactFloor { floor } => {
            // A ratio: any finite value >= 0 (above the reachable maximum it is infeasible).
            if !(floor.is_finite() && floor >= 0.0) {
                return Err(FeedError::InvalidFloor { floor });
            }
        }
    }
    Ok(())
}

/// Blends the request's ranked organic utilities and ranked ads into a feed of `length`
/// positions.
///
/// Validates the request (see [`FeedError`]), then runs [`blend_into`] with fresh buffers.
/// With [`Method::ExactFloor`] and an unreachable floor (only possible for `floor > 1`) this
/// returns [`FeedError::InfeasibleFloor`].
pub fn blend(request: &BlendRequest) -> Result<Layout, FeedError> {
    validate(request)?;
    let mut scratch = FeedScratch::new();
    let mut positions = Vec::new();
    let (revenue, engagement) = blend_into(request, &mut scratch, &mut positions);
    if let Method::ExactFloor { floor } = request.method {
        let (_, e0) = evaluate(
            request.organic,
            request.ads,
            request.length,
            request.position_weights,
            &[],
        );
        if engagement < floor * e0 {
            return Err(FeedError::InfeasibleFloor {
                floor,
                best_ratio: engagement / e0,
            });
        }
    }
    Ok(Layout {
        ad_positions: positions,
        revenue,
        engagement,
    })
}

/// Reusable buffers for [`blend_into`]; keep one per worker and pass it to every call.
#[derive(Debug, Clone, Default)]
pub struct FeedScratch {
    /// DP table of [`Method::Exact`]; the engagement bound of [`Method::ExactFloor`].
    cells: Vec<exact::Cell>,
    /// Bound tables of [`Method::ExactFloor`]: several Lagrangian bounds and the E bound per state.
    bounds: Vec<f64>,
    /// Pareto frontiers of [`Method::ExactFloor`], all layers, with back pointers.
    nodes: Vec<pareto::Node>,
    /// Per state, the range of its frontier in `nodes`.
    ranges: Vec<(usize, usize)>,
    /// Candidate layouts of the Lagrangian line search.
    layout: Vec<usize>,
    /// Bounds of one frontier, for the heuristic pass of [`Method::ExactFloor`].
    potentials: Vec<f64>,
}

impl FeedScratch {
    /// Empty buffers; they grow on first use and are then reused.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The request after clamping, shared by the methods.
#[derive(Debug, Clone, Copy)]
struct Problem<'a> {
    organic: &'a [f64],
    ads: &'a [AdItem],
    weights: &'a [f64],
    /// Feed length, at most `weights.len()`.
    length: usize,
    top_slot: usize,
    /// `min_gap` capped at `length` (equivalent: no two ads fit further apart than `length − 1`).
    gap: usize,
    /// Most ads any layout can hold: `min(max_ads, #ads, 1 + ⌊(L − top_slot)/gap⌋)`.
    kmax: usize,
}

impl<'a> Problem<'a> {
    fn new(
        organic: &'a [f64],
        ads: &'a [AdItem],
        length: usize,
        weights: &'a [f64],
        guard: &Guardrails,
    ) -> Self {
        let length = length.min(weights.len());
        let top_slot = guard.top_slot.max(1);
        let gap = guard.min_gap.clamp(1, length.max(1));
        let fit = if top_slot > length {
            0
        } else {
            1 + (length - top_slot) / gap
        };
        Problem {
            organic,
            ads,
            weights,
            length,
            top_slot,
            gap,
            kmax: guard.max_ads.min(ads.len()).min(fit),
        }
    }

    /// Utility of the organic with 0-based rank `j`, or 0 if the list has run out.
    #[inline]
    fn organic_utility(&self, j: usize) -> f64 {
        self.organic.get(j).copied().unwrap_or(0.0)
    }
}

fn clamp_nonneg(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.max(0.0)
    }
}

/// The hot path of [`blend`]: writes the ad positions (1-based, increasing) into
/// `positions_out` and returns `(R, E)` of the layout.
///
/// No allocation once `scratch` and `positions_out` have grown to the largest request seen. The
/// inputs are assumed valid (checked by `debug_assert!`); in release builds it never panics and
/// clamps instead: `length` to `weights.len()`, `top_slot`, `min_gap`, `first`, `every` to at
/// least 1, NaN or negative `λ` and `floor` to 0. An unreachable engagement floor yields the
/// engagement-maximising layout. Memory is `O(L · K · G) ≤ O(L²)` cells (plus the Pareto
/// frontiers for [`Method::ExactFloor`]).
pub fn blend_into(
    request: &BlendRequest,
    scratch: &mut FeedScratch,
    positions_out: &mut Vec<usize>,
) -> (f64, f64) {
    debug_assert_eq!(
        validate(request),
        Ok(()),
        "blend_into expects a valid request"
    );
    let BlendRequest {
        organic,
        ads,
        length,
        position_weights: weights,
        guardrails: ref guard,
        method,
    } = *request;
    positions_out.clear();
    let pb = Problem::new(organic, ads, length, weights, guard);
    if pb.length == 0 {
        return (0.0, 0.0);
    }
    match method {
        Method::Fixed { first, every } => fixed(&pb, first.max(1), every.max(1), positions_out),
        Method::Threshold { lambda } => threshold(&pb, clamp_nonneg(lambda), positions_out),
        Method::Exact { lambda } => {
            exact::solve(&pb, clamp_nonneg(lambda), &mut scratch.cells, positions_out)
        }
        Method::ExactFloor { floor } => {
            let (_, e0) = evaluate(organic, ads, pb.length, weights, &[]);
            let target = clamp_nonneg(floor) * e0;
            pareto::solve(&pb, target, scratch, positions_out);
        }
    }
    evaluate(organic, ads, pb.length, weights, positions_out)
}

/// `(R, E)` of the layout with ads at `ad_positions` (1-based, increasing; the i-th holds
/// `ads[i]`). Entries beyond `length`, not increasing, or beyond the number of ads are ignored;
/// `length` is capped at `weights.len()`. Sums run in position order.
pub fn evaluate(
    organic: &[f64],
    ads: &[AdItem],
    length: usize,
    weights: &[f64],
    ad_positions: &[usize],
) -> (f64, f64) {
    let length = length.min(weights.len());
    let mut revenue = 0.0;
    let mut engagement = 0.0;
    let mut next = 0; // index into ad_positions
    let mut shown_ads = 0; // also the index of the next ad
    let mut shown_organic = 0;
    for p in 1..=length {
        while next < ad_positions.len() && ad_positions[next] < p {
            next += 1;
        }
        let w = weights[p - 1];
        if next < ad_positions.len() && ad_positions[next] == p && shown_ads < ads.len() {
            let ad = ads[shown_ads];
            revenue += w * ad.revenue;
            engagement += w * ad.engagement;
            shown_ads += 1;
            next += 1;
        } else {
            if let Some(&u) = organic.get(shown_organic) {
                engagement += w * u;
            }
            shown_organic += 1;
        }
    }
    (revenue, engagement)
}

/// Guardrail check shared by the greedy methods: may the next ad go at 1-based position `p`?
#[inline]
fn ad_allowed(pb: &Problem, p: usize, placed: usize, last: Option<usize>) -> bool {
    placed < pb.kmax && p >= pb.top_slot && last.is_none_or(|q| p - q >= pb.gap)
}

fn fixed(pb: &Problem, first: usize, every: usize, out: &mut Vec<usize>) {
    let mut last: Option<usize> = None;
    for i in 0..pb.kmax {
        let target = first.saturating_add(i.saturating_mul(every));
        let mut p = target.max(pb.top_slot);
        if let Some(q) = last {
            p = p.max(q.saturating_add(pb.gap));
        }
        if p > pb.length {
            break;
        }
        debug_assert!(ad_allowed(pb, p, i, last));
        out.push(p);
        last = Some(p);
    }
}

fn threshold(pb: &Problem, lambda: f64, out: &mut Vec<usize>) {
    let mut last: Option<usize> = None;
    let mut shown_organic = 0;
    for p in 1..=pb.length {
        let placed = out.len();
        if ad_allowed(pb, p, placed, last) {
            let ad = pb.ads[placed];
            let u_org = pb.organic_utility(shown_organic);
            if ad.revenue + lambda * ad.engagement >= lambda * u_org {
                out.push(p);
                last = Some(p);
                continue;
            }
        }
        shown_organic += 1;
    }
}
