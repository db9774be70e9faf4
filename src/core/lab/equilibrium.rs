//! Equilibrium bidding: the symmetric Bayes–Nash equilibrium of the first-price auction and the
//! lowest symmetric Nash equilibrium of the GSP position auction.
//!
//! ## First price (one item, n bidders, iid values with CDF F, reserve r)
//!
//! Riley & Samuelson (1981): a bidder with value `v ≥ r` bids
//!
//! ```text
//! b(v) = v − ∫_r^v F(x)^{n−1} dx / F(v)^{n−1}   =   v − ∫_r^v (F(x)/F(v))^{n−1} dx
//! ```
//!
//! and a bidder with `v < r` does not bid. The second form (ratios ≤ 1) is what is integrated, so
//! large `n` does not underflow. For U(0, 1): `b(v) = (n−1)v/n + rⁿ/(n v^{n−1})`. The bid solves
//! the ODE `b'(v) = (n−1) · f(v)/F(v) · (v − b(v))`, used for the derivatives of the
//! [`FirstPriceBidTable`]'s cubic Hermite interpolation.
//!
//! ## GSP (K slots, position effects α₁ ≥ … ≥ α_K, α_{K+1} = 0)
//!
//! Edelman, Ostrovsky & Schwarz (2007) and Varian (2007): in the lowest locally envy-free
//! (symmetric Nash) equilibrium, with values sorted `v₁ ≥ v₂ ≥ …`,
//!
//! ```text
//! b_{K+1} = v_{K+1},    b_k = v_k − (α_k/α_{k−1}) · (v_k − b_{k+1})   for k = K … 2,
//! ```
//!
//! i.e. each bidder `k` is exactly indifferent between its slot at price `b_{k+1}` and the slot
//! above at price `b_k`: `α_k (v_k − b_{k+1}) = α_{k−1} (v_k − b_k)`. The top bidder's bid only
//! needs to stay above `b₂`; we use its value `b₁ = v₁`. Bidders below `K+1` bid their values.
//! GSP at these bids has VCG's allocation and payments: `α_{k−1} b_k = Σ_{j≥k−1}(α_j − α_{j+1}) v_{j+1}`.
//! In Varian's terms the recursion is the *lower* bound of the symmetric equilibria, met with
//! equality; his upper bound `α_{k−1} b_k ≤ v_{k−1}(α_{k−1} − α_k) + α_k b_{k+1}` (bidder `k−1`
//! does not want to move down) holds as an inequality (both are checked in
//! `tests/auction_theory.rs`).
//!
//! **Qualities and squashing.** With click weights `e_i` and ranking by `score = b·e^q`, bidder
//! `i` in slot `j` pays `s_{j+1}/e_i^q` per click and gets `α_j e_i` clicks, so its payoff is
//! `α_j e_i (v_i − s_{j+1}/e_i^q) = e_i^{1−q} · α_j (V_i − s_{j+1})` with `V_i = v_i e_i^q`. The
//! positive factor `e_i^{1−q}` does not change preferences, so the game is the textbook one in
//! **score space**: pass the scores `V_i` (sorted descending) to [`eos_bids`], get score bids
//! `s_i`, and convert each back to a bid per click `b_i = s_i / e_i^q`.
//!
//! **Reserve.** A bidder whose value is below the reserve cannot afford any slot and bids its
//! value (it is not eligible). In score space bidder `i`'s reserve is `R_i = r·e_i^q` and the
//! price of its slot is `max(s_{j+1}, R_i)`; the recursion becomes
//! `s_k = V_k − (α_k/α_{k−1}) (V_k − max(s_{k+1}, R_k))`, with `s_{k+1} := R_k` when no eligible
//! bidder is below `k`. Every bidder who can afford the reserve bids at least it. With a common
//! reserve in score space (equal qualities, or q = 0, or no reserve) GSP at these bids equals VCG
//! with reserve (the seller as a phantom bidder at the reserve) exactly.

use std::cmp::Ordering;

use super::dist::ValueDist;
use super::quadrature::integrate_values;
use crate::core::math;

/// The symmetric Bayes–Nash equilibrium bid per click of a first-price auction with `n` bidders
/// whose values are iid `dist`, reserve `reserve` per click, for a bidder with value `v`.
///
/// Computed in the cancellation-free form `b(v) = E[max(Y, r) | Y < v]`, `Y` the highest of
/// the `m = n − 1` other values (integrating `v − ∫_r^v (F/F(v))^m` by parts):
///
/// ```text
/// b(v) = r · (F(r)/F(v))^m + ∫_r^v x · m (F(x)/F(v))^{m−1} f(x)/F(v) dx
/// ```
///
/// by adaptive Gauss–Legendre quadrature (log-normal: in `ln x`), absolute error ≲ 1e-12 × min(v, mean).
/// Values below the reserve do not bid: the function returns `0.0` (never eligible) for
/// `v < reserve`. With one bidder the equilibrium bid is the reserve itself (`0.0` without a
/// reserve, which is not a bid). `n = 0` is treated as 1.
pub fn first_price_bne_bid(dist: &ValueDist, n: usize, reserve: f64, v: f64) -> f64 {
    let reserve = reserve.max(0.0);
    if v.is_nan() || v < reserve {
        return 0.0;
    }
    let m = n.max(1) - 1;
    if m == 0 {
        // Alone: win whenever v ≥ r, paying the least allowed bid.
        return reserve;
    }
    let lower = reserve.max(dist.support().0);
    if v <= lower {
        // F(v) = 0 at the bottom of the support: b(v) = v.
        return v;
    }
    let fv = dist.cdf(v);
    if fv.is_nan() || fv <= 0.0 {
        return v;
    }
    let head = reserve * pow_int(dist.cdf(reserve) / fv, m);
    let tol = quadrature_tolerance(m) * v.min(dist.mean());
    let body = integrate_values(
        dist,
        &|x: f64| bid_integrand(dist, m, fv, cutoff(m), x),
        lower,
        v,
        tol,
        4,
        integrand_noise(m),
    );
    (head + body).clamp(reserve, v)
}

/// `x · m (F(x)/F_v)^{m−1} f(x)/F_v`: the density of `Y` given `Y < v`, times `x`. Ratios
/// below `cutoff` (where the power is below 1e-290) give 0 without computing the power, which
/// would crawl through subnormal numbers.
#[inline]
fn bid_integrand(dist: &ValueDist, m: usize, fv: f64, cutoff: f64, x: f64) -> f64 {
    let ratio = dist.cdf(x) / fv;
    if ratio < cutoff {
        return 0.0;
    }
    let f = dist.pdf(x);
    if f <= 0.0 {
        return 0.0;
    }
    x * m as f64 * pow_int(ratio, m - 1) * f / fv
}

/// The ratio below which `ratio^{m−1} < e^{−667} ≈ 1e-290`.
fn cutoff(m: usize) -> f64 {
    if m <= 1 {
        0.0
    } else {
        math::exp(-667.0 / (m - 1) as f64)
    }
}

/// Relative rounding error of the bid integrand: `1e-14 · (1 + m)` (the power `m − 1` of a
/// CDF ratio multiplies the CDF's ~1e-15 relative error).
fn integrand_noise(m: usize) -> f64 {
    1e-14 * (1.0 + m as f64)
}

/// Relative tolerance of the bid integrals: `1e-13 · (1 + m)`, since the integrand
/// `(F(x)/F(v))^{m−1}` carries about `m` times the CDF's relative rounding error (~1e-15).
fn quadrature_tolerance(m: usize) -> f64 {
    1e-13 * (1.0 + m as f64)
}

/// `x^m` for a non-negative integer exponent.
#[inline]
fn pow_int(x: f64, m: usize) -> f64 {
    if m <= i32::MAX as usize {
        math::powi(x, m as i32)
    } else {
        math::pow(x, m as f64)
    }
}

/// The first-price Bayes–Nash bid function tabulated once on an adaptive grid, with cubic Hermite
/// interpolation (values and exact derivatives from the ODE) in between: the Monte Carlo lab's
/// fast path.
///
/// The grid variable is `y = v` (uniform, exponential) or `y = ln v` (log-normal, whose bids
/// are smooth in `ln v` over many decades). It starts at 33 points equally spaced in
/// probability between the reserve (or the `1e-12` quantile, log-normal) and the top of the
/// support (or the `1 − 1e-10` quantile) and bisects every interval whose Hermite midpoint misses
/// the computed bid by more than `1e-10 (1 + (n−1)/100) × max(b, 1e-3 × median)`. Grid bids are computed by
/// marching from the left neighbour, `b(v₂) = b(v₁)·(F(v₁)/F(v₂))^m + ∫_{v₁}^{v₂} x·m
/// (F(x)/F(v₂))^{m−1} f(x)/F(v₂) dx`, so each point costs a short integral. Values outside the
/// grid fall back to [`first_price_bne_bid`].
#[derive(Debug, Clone)]
pub struct FirstPriceBidTable {
    dist: ValueDist,
    n: usize,
    reserve: f64,
    log_space: bool,
    cutoff: f64,
    refine_tol: f64,
    /// Grid in `y` (strictly increasing).
    ys: Vec<f64>,
    /// Bids at the grid points (currency per click).
    bs: Vec<f64>,
    /// Derivatives `db/dy` at the grid points.
    ds: Vec<f64>,
}

/// Most grid points a table may have (bounds build time on pathological inputs).
const TABLE_MAX_POINTS: usize = 1 << 14;

/// A grid point: grid variable, value, CDF, bid, `db/dy`.
#[derive(Debug, Clone, Copy)]
struct Node {
    y: f64,
    v: f64,
    big_f: f64,
    b: f64,
    d: f64,
}

impl FirstPriceBidTable {
    /// Tabulate `b(·)` for `n` bidders with values from `dist` and reserve `reserve` per click.
    pub fn new(dist: &ValueDist, n: usize, reserve: f64) -> Self {
        let reserve = reserve.max(0.0);
        let log_space = matches!(dist, ValueDist::Lognormal { .. });
        let mut table = FirstPriceBidTable {
            dist: *dist,
            n: n.max(1),
            reserve,
            log_space,
            cutoff: cutoff(n.max(1) - 1),
            refine_tol: 1e-10 * (1.0 + (n.max(1) - 1) as f64 / 100.0),
            ys: Vec::new(),
            bs: Vec::new(),
            ds: Vec::new(),
        };
        if table.n == 1 {
            return table; // constant bid = reserve: no table needed
        }
        let (low, high) = dist.support();
        let lower = reserve.max(low);
        let v_lo = if log_space {
            lower.max(dist.quantile(1e-12))
        } else {
            lower
        };
        let v_hi = if high.is_finite() {
            high
        } else {
            dist.quantile(1.0 - 1e-10)
        };
        if v_hi.partial_cmp(&v_lo) != Some(Ordering::Greater) {
            return table;
        }
        let floor = 1e-3 * dist.quantile(0.5);
        let first = table.node(v_lo, first_price_bne_bid(dist, table.n, reserve, v_lo));
        let (p0, p1) = (dist.cdf(v_lo), dist.cdf(v_hi));
        let mut nodes = vec![first];
        let mut prev = first;
        for i in 1..=32 {
            let v = if i == 32 {
                v_hi
            } else {
                dist.quantile(p0 + (p1 - p0) * i as f64 / 32.0)
            };
            if table.value_to_y(v).partial_cmp(&prev.y) != Some(Ordering::Greater) || v > v_hi {
                continue;
            }
            let next = table.march(&prev, v);
            table.refine(prev, next, floor, 40, &mut nodes);
            prev = next;
        }
        for node in nodes {
            table.ys.push(node.y);
            table.bs.push(node.b);
            table.ds.push(node.d);
        }
        table
    }

    /// Number of grid points.
    pub fn len(&self) -> usize {
        self.ys.len()
    }

    /// Whether the table has no grid (one bidder, or a reserve above the support).
    pub fn is_empty(&self) -> bool {
        self.ys.is_empty()
    }

    #[inline]
    fn value_to_y(&self, v: f64) -> f64 {
        if self.log_space {
            math::ln(v)
        } else {
            v
        }
    }

    #[inline]
    fn y_to_value(&self, y: f64) -> f64 {
        if self.log_space {
            math::exp(y)
        } else {
            y
        }
    }

    /// A node at `v` with bid `b`; the derivative from the ODE
    /// `b'(v) = (n−1) f(v)/F(v) (v − b(v))`, times `dv/dy`.
    fn node(&self, v: f64, b: f64) -> Node {
        let m = (self.n - 1) as f64;
        let big_f = self.dist.cdf(v);
        let f = self.dist.pdf(v);
        let db_dv = if big_f > 0.0 {
            m * f / big_f * (v - b)
        } else if f > 0.0 {
            // Bottom of the support with a positive density: b ≈ v − (v − low)/n.
            m / (m + 1.0)
        } else {
            1.0
        };
        let dv_dy = if self.log_space { v } else { 1.0 };
        Node {
            y: self.value_to_y(v),
            v,
            big_f,
            b,
            d: db_dv * dv_dy,
        }
    }

    /// The node at `v > a.v`, marching from `a`:
    /// `b(v) = b(a)·(F(a)/F(v))^m + ∫_a^v x·m (F(x)/F(v))^{m−1} f(x)/F(v) dx`.
    fn march(&self, a: &Node, v: f64) -> Node {
        let m = self.n - 1;
        let fv = self.dist.cdf(v);
        let b = if fv > 0.0 {
            let carried = a.b * pow_int(a.big_f / fv, m);
            let tol = quadrature_tolerance(m) * a.b.max(1e-3 * v);
            let body = integrate_values(
                &self.dist,
                &|x: f64| bid_integrand(&self.dist, m, fv, self.cutoff, x),
                a.v,
                v,
                tol,
                1,
                integrand_noise(m),
            );
            (carried + body).clamp(self.reserve, v)
        } else {
            v
        };
        self.node(v, b)
    }

    /// Append the nodes after `a` up to and including `b`, bisecting (in `y`) while the Hermite
    /// midpoint misses the computed bid by more than `refine_tol × max(b, floor)`.
    fn refine(&self, a: Node, b: Node, floor: f64, depth: u32, out: &mut Vec<Node>) {
        let y_mid = 0.5 * (a.y + b.y);
        if depth > 0 && out.len() < TABLE_MAX_POINTS && y_mid > a.y && y_mid < b.y {
            let mid = self.march(&a, self.y_to_value(y_mid));
            let approx = hermite((a.y, a.b, a.d), (b.y, b.b, b.d), mid.y);
            if (approx - mid.b).abs() > self.refine_tol * mid.b.max(floor) {
                self.refine(a, mid, floor, depth - 1, out);
                self.refine(mid, b, floor, depth - 1, out);
                return;
            }
        }
        out.push(b);
    }

    /// The equilibrium bid per click for value `v` (0.0 below the reserve: no bid).
    #[inline]
    pub fn bid(&self, v: f64) -> f64 {
        if v.is_nan() || v < self.reserve {
            return 0.0;
        }
        let ys = &self.ys;
        let last = ys.len().wrapping_sub(1);
        if ys.len() < 2 {
            return first_price_bne_bid(&self.dist, self.n, self.reserve, v);
        }
        let y = self.value_to_y(v);
        if !(y >= ys[0] && y <= ys[last]) {
            return first_price_bne_bid(&self.dist, self.n, self.reserve, v);
        }
        let i = ys.partition_point(|&x| x < y).clamp(1, last);
        let a = (ys[i - 1], self.bs[i - 1], self.ds[i - 1]);
        let b = (ys[i], self.bs[i], self.ds[i]);
        hermite(a, b, y).clamp(self.reserve, v)
    }
}

/// Cubic Hermite interpolation between `(x0, y0, y0')` and `(x1, y1, y1')` at `x`.
#[inline]
fn hermite(a: (f64, f64, f64), b: (f64, f64, f64), x: f64) -> f64 {
    let h = b.0 - a.0;
    let t = (x - a.0) / h;
    let t2 = t * t;
    let s = 1.0 - t;
    let s2 = s * s;
    (1.0 + 2.0 * t) * s2 * a.1 + t * s2 * h * a.2 + t2 * (3.0 - 2.0 * t) * b.1 - t2 * s * h * b.2
}

/// Lowest symmetric Nash equilibrium (EOS / Varian) bids of GSP, without a reserve.
///
/// `values` are the bidders' values **in score space** (`V_i = v_i · e_i^q`, see the module
/// docs), sorted in decreasing order; `slot_ctrs` are `α₁ ≥ … ≥ α_K > 0`. Returns one score bid
/// per bidder, in the same order: `b₁ = v₁`, `b_k = v_k − (α_k/α_{k−1})(v_k − b_{k+1})` for
/// `k = K … 2` with `b_{K+1} = v_{K+1}` (or 0 when there are no more than K bidders), and
/// `b_k = v_k` for `k > K`.
pub fn eos_bids(values: &[f64], slot_ctrs: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(values.len());
    eos_bids_into(values, slot_ctrs, 0.0, &mut out);
    out
}

/// As [`eos_bids`] with a common reserve `reserve` in score space: bidders with `v < reserve`
/// bid their value (they cannot afford a slot), and when no eligible bidder is below slot `k`
/// the recursion uses `b_{k+1} = reserve`. Writes into `out` (cleared first): no allocation
/// once `out` has the capacity.
pub fn eos_bids_into(values: &[f64], slot_ctrs: &[f64], reserve: f64, out: &mut Vec<f64>) {
    out.clear();
    out.extend_from_slice(values);
    // With a common floor the participants are a prefix of the sorted values.
    let participants = values.iter().take_while(|&&v| v >= reserve).count();
    eos_recursion(values, slot_ctrs, participants, |_| reserve, |r| r, out);
}

/// As [`eos_bids`] with a reserve per bidder in score space (`floors[i] = r · e_i^q`): bidder
/// `i` takes part iff `values[i] ≥ floors[i]`, and the recursion runs over the participants in
/// order with `s_k = V_k − (α_k/α_{k−1})(V_k − max(s_{k+1}, R_k))`. Non-participants bid their
/// value. `floors` shorter than `values` count as 0 for the missing bidders.
pub fn eos_bids_with_floors(values: &[f64], slot_ctrs: &[f64], floors: &[f64]) -> Vec<f64> {
    let floor = |i: usize| floors.get(i).copied().unwrap_or(0.0);
    let order: Vec<usize> = (0..values.len())
        .filter(|&i| values[i] >= floor(i))
        .collect();
    let mut out = values.to_vec();
    eos_recursion(
        values,
        slot_ctrs,
        order.len(),
        floor,
        |r| order[r],
        &mut out,
    );
    out
}

/// The recursion over `participants` bidders; `idx(r)` is the index (into `values`/`out`) of the
/// participant ranked `r` (0-based), `floor(i)` bidder `i`'s reserve in score space.
fn eos_recursion(
    values: &[f64],
    slot_ctrs: &[f64],
    participants: usize,
    floor: impl Fn(usize) -> f64,
    idx: impl Fn(usize) -> usize,
    out: &mut [f64],
) {
    let winners = participants.min(slot_ctrs.len());
    // Ranks ≥ K (losers, including the first loser K+1 whose bid is b_{K+1} = v_{K+1}) and the
    // top bidder keep their values; ranks 1..winners−1 (0-based) follow the recursion upwards.
    for r in (1..winners).rev() {
        let i = idx(r);
        let v = values[i];
        let own_floor = floor(i);
        // Price of rank r's current slot in its score view: max(b_{r+1}, R_r).
        let below = if r + 1 < participants {
            out[idx(r + 1)].max(own_floor)
        } else {
            own_floor.max(0.0)
        };
        let ratio = if slot_ctrs[r - 1] > 0.0 {
            slot_ctrs[r] / slot_ctrs[r - 1]
        } else {
            1.0
        };
        // b_r = v_r − (α_r/α_{r−1}) (v_r − b_{r+1})
        out[i] = (v - ratio * (v - below)).max(own_floor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_bne_matches_closed_form() {
        let u = ValueDist::Uniform {
            low: 0.0,
            high: 1.0,
        };
        for n in [2usize, 3, 5, 10] {
            for v in [0.01, 0.3, 0.77, 1.0] {
                let b = first_price_bne_bid(&u, n, 0.0, v);
                let want = (n - 1) as f64 * v / n as f64;
                assert!((b - want).abs() < 1e-9, "n {n} v {v}: {b} vs {want}");
            }
        }
    }

    #[test]
    fn table_matches_exact() {
        for d in [
            ValueDist::Uniform {
                low: 0.0,
                high: 1.0,
            },
            ValueDist::Exponential { rate: 1.0 },
            ValueDist::Lognormal {
                mu: 0.0,
                sigma: 1.0,
            },
        ] {
            for (n, r) in [(2usize, 0.0), (5, 0.0), (5, 0.5)] {
                let t = FirstPriceBidTable::new(&d, n, r);
                assert!(
                    t.len() > 2 && t.len() < TABLE_MAX_POINTS,
                    "{d:?} {}",
                    t.len()
                );
                for p in [0.01, 0.2, 0.5, 0.8, 0.99, 0.9999] {
                    let v = d.quantile(p);
                    let exact = first_price_bne_bid(&d, n, r, v);
                    assert!((t.bid(v) - exact).abs() < 1e-9, "{d:?} n {n} r {r} v {v}");
                }
            }
        }
    }

    #[test]
    fn eos_small_case() {
        // α = (1, 0.5), values 3, 2, 1: b3 = 1, b2 = 2 − 0.5·(2 − 1) = 1.5, b1 = 3.
        let b = eos_bids(&[3.0, 2.0, 1.0], &[1.0, 0.5]);
        assert_eq!(b, vec![3.0, 1.5, 1.0]);
    }
}
