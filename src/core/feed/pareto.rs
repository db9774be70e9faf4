//! The exact engagement-floor layout: a forward dynamic program over the states of
//! [`super::exact`] that keeps, per state, the Pareto frontier of (R, E) prefix pairs.
//!
//! Two prefixes in the same state (position, ads used, capped gap) have the same futures with the
//! same additive contributions, so a prefix dominated in both R and E is never needed (floating
//! point addition is monotone, so this holds exactly for the computed sums too). Each frontier is
//! stored sorted by R descending with E strictly ascending; a state has at most two predecessor
//! frontiers (organic from one or two gap values, or an ad), each shifted by a constant, so a
//! two-way merge builds it in linear time.
//!
//! Pruning (branch and bound): a prefix `(r, e)` in state `s` is dropped if its E plus the largest
//! engagement any completion can add stays below the floor, or if for some `λ ≥ 0`
//! `r + λ·(e − target) + V_λ(s)` — an upper bound on the R of any feasible completion, with
//! `V_λ(s)` the best `R + λ·E` of a completion ([`super::exact::backward_values`]) — is below the
//! R of a known feasible layout (the incumbent, from a Lagrangian line search and then from a
//! pass that keeps only the most promising prefixes per state). Both tests carry a `1e-9`
//! relative slack, so rounding never drops an optimal prefix.
//!
//! Sums run in position order, exactly as [`super::evaluate`], so the chosen pair is the
//! layout's (R, E) bit for bit and the floor test `E ≥ floor · E_noads` is consistent with it.

use super::exact::{self, backward_values, index, Cell};
use super::{evaluate, FeedScratch, Problem};

const NO_PARENT: usize = usize::MAX;

/// Multiples of the dual price λ* whose Lagrangian bounds prune prefixes (the tightest λ for a
/// prefix depends on its engagement surplus or deficit).
const LAMBDA_FACTORS: [f64; 9] = [0.0, 0.5, 0.8, 0.95, 1.0, 1.05, 1.25, 2.0, 4.0];
const NL: usize = LAMBDA_FACTORS.len();
/// Columns of the bound table: the NL Lagrangian bounds and the engagement bound.
const NB: usize = NL + 1;

/// One Pareto-optimal prefix: its sums, its predecessor node and whether its last position is an ad.
#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    r: f64,
    e: f64,
    parent: usize,
    ad: bool,
}

/// A predecessor frontier `nodes[start..end]` shifted by `(dr, de)`. A shift of `None` adds
/// nothing, exactly as [`super::evaluate`] adds nothing to R at organic positions and nothing to E
/// at empty positions, so the sums agree bit for bit.
#[derive(Clone, Copy)]
struct Source {
    start: usize,
    end: usize,
    dr: Option<f64>,
    de: Option<f64>,
    ad: bool,
}

impl Source {
    #[inline]
    fn pair(&self, nodes: &[Node], i: usize) -> (f64, f64) {
        let n = nodes[i];
        let r = self.dr.map_or(n.r, |d| n.r + d);
        let e = self.de.map_or(n.e, |d| n.e + d);
        (r, e)
    }
}

/// `(R, E)` of the exact Lagrangian layout for `lambda` (its positions are left in `layout`).
fn lagrangian(
    pb: &Problem,
    lambda: f64,
    cells: &mut Vec<Cell>,
    layout: &mut Vec<usize>,
) -> (f64, f64) {
    layout.clear();
    exact::solve(pb, lambda, cells, layout);
    evaluate(pb.organic, pb.ads, pb.length, pb.weights, layout)
}

/// Lagrangian line search for the dual `min_{λ ≥ 0} max_P R + λ·(E − target)`: returns the dual
/// minimiser `λ*` and the largest `R` of a layout found feasible on the way (−∞ if none).
///
/// Starts at λ = 0 (feasible: done), gives up if even the most engaging layout misses the floor,
/// brackets by multiplying λ by 4, then jumps to the
/// intersection of the two bracketing lines `R + λE`: if the exact layout there is no better
/// than the lines, the intersection is the minimiser, otherwise it replaces one bracket. Each step
/// uncovers a new vertex of the upper concave envelope, so this ends after a few steps.
fn line_search(
    pb: &Problem,
    target: f64,
    cells: &mut Vec<Cell>,
    layout: &mut Vec<usize>,
) -> (f64, f64) {
    let (r0, e0) = lagrangian(pb, 0.0, cells, layout);
    if e0 >= target {
        return (0.0, r0);
    }
    exact::backward(pb, 0.0, 1.0, cells);
    let e_max = cells[index(pb, 0, 0, pb.gap - 1)].value;
    if target > e_max + 1e-12 * (1.0 + e_max.abs()) {
        return (0.0, f64::NEG_INFINITY); // the floor is out of reach: no incumbent
    }
    let mut lo = (r0, e0);
    let mut lambda = 1.0;
    let mut hi = None;
    for _ in 0..40 {
        let (r, e) = lagrangian(pb, lambda, cells, layout);
        if e >= target {
            hi = Some((r, e));
            break;
        }
        lo = (r, e);
        lambda *= 4.0;
    }
    let Some(mut hi) = hi else {
        return (lambda, f64::NEG_INFINITY); // the floor is out of reach
    };
    let mut incumbent = hi.0;
    for _ in 0..60 {
        let ((rl, el), (rh, eh)) = (lo, hi);
        let mid = (rl - rh) / (eh - el);
        if !(mid.is_finite() && mid >= 0.0) {
            break;
        }
        lambda = mid;
        let (r, e) = lagrangian(pb, mid, cells, layout);
        let line = rl + mid * el;
        if r + mid * e <= line + 1e-12 * (1.0 + line.abs()) {
            break; // no layout above both lines: `mid` minimises the dual
        }
        if e >= target {
            hi = (r, e);
            incumbent = incumbent.max(r);
        } else {
            lo = (r, e);
        }
    }
    (lambda, incumbent)
}

/// Frontier cap of the heuristic first pass, which only looks for a good incumbent.
const BEAM: usize = 3;

/// Solves `max R s.t. E ≥ target`; falls back to the most engaging layout (ties: larger R) if no
/// layout reaches `target`. Positions (1-based) go to `out`.
pub(super) fn solve(pb: &Problem, target: f64, scratch: &mut FeedScratch, out: &mut Vec<usize>) {
    let g = pb.gap;
    let FeedScratch {
        cells,
        bounds,
        nodes,
        ranges,
        layout,
        potentials,
    } = scratch;
    let root = index(pb, 0, 0, g - 1);
    // A feasible layout to beat (the incumbent) and the dual price λ*, then the bound tables:
    // `bounds[s·NB + i]` = max of R + λ_i·E over completions from s (i < NL), and max of E
    // (i = NL).
    let (lambda_star, mut incumbent) = line_search(pb, target, cells, layout);
    let lambdas = LAMBDA_FACTORS.map(|f| f * lambda_star);
    let mut coefs = [(0.0, 1.0); NB];
    for (c, &lambda) in coefs.iter_mut().zip(&lambdas) {
        *c = (1.0, lambda);
    }
    backward_values(pb, &coefs, bounds);
    let v_root = bounds[root * NB..root * NB + NL]
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let e_best = bounds[root * NB + NL];
    let e_slack = 1e-9 * (1.0 + e_best.abs());
    let mut ctx = Pass {
        pb,
        target,
        lambdas,
        bounds,
        prune_below: target.min(e_best) - e_slack,
        e_slack,
        r_slack: 1e-9 * (1.0 + v_root + lambdas[NL - 1] * (target.abs() + e_best.abs())),
        incumbent,
        cap: BEAM,
    };
    // λ* = 0 means the revenue-maximising layout is feasible: the incumbent is optimal already.
    // Otherwise a capped pass (the BEAM prefixes with the best bounds per state) usually finds
    // the optimum, and the exact pass then prunes almost everything else.
    if lambda_star > 0.0 && incumbent > f64::NEG_INFINITY {
        if let Some(i) = ctx.run(nodes, ranges, potentials) {
            if nodes[i].e >= target {
                incumbent = incumbent.max(nodes[i].r);
            }
        }
    }
    ctx.incumbent = incumbent;
    ctx.cap = usize::MAX;
    let Some(mut i) = ctx.run(nodes, ranges, potentials) else {
        return; // unreachable: the engagement-maximising prefix is never pruned
    };
    for p in (1..=pb.length).rev() {
        let n = nodes[i];
        if n.ad {
            out.push(p);
        }
        i = n.parent;
        if i == NO_PARENT {
            break;
        }
    }
    out.reverse();
}

/// One forward pass of the Pareto DP with its pruning rules.
struct Pass<'a> {
    pb: &'a Problem<'a>,
    target: f64,
    /// The λ_i of the bound tables.
    lambdas: [f64; NL],
    /// `bounds[s·NB + i]`: max of `R + λ_i·E` (i < NL), of `E` (i = NL) over the completions
    /// from state `s`.
    bounds: &'a [f64],
    /// Prefixes whose best completion stays below this E are dropped.
    prune_below: f64,
    e_slack: f64,
    r_slack: f64,
    /// R of a known feasible layout (−∞ if none).
    incumbent: f64,
    /// Most prefixes kept per state (`usize::MAX`: exact).
    cap: usize,
}

impl Pass<'_> {
    /// Upper bound on the final R of a feasible completion of prefix `(r, e)` in state `s`:
    /// a feasible completion has `R ≤ r + R_suf + λ·(e + E_suf − target) ≤ r + λ·(e − target) +
    /// V_λ(s)` for every λ ≥ 0.
    #[inline]
    fn bound(&self, s: usize, r: f64, e: f64) -> f64 {
        let v = &self.bounds[s * NB..s * NB + NL];
        let mut b = f64::INFINITY;
        for (&lambda, &v) in self.lambdas.iter().zip(v) {
            b = b.min(r + lambda * (e - self.target) + v);
        }
        b
    }

    /// Runs the pass into `nodes`/`ranges`; returns the best final node: feasible with the
    /// largest R (ties: larger E, then fewer ads), else the largest E (ties: larger R, fewer ads).
    fn run(
        &self,
        nodes: &mut Vec<Node>,
        ranges: &mut Vec<(usize, usize)>,
        potentials: &mut Vec<f64>,
    ) -> Option<usize> {
        let pb = self.pb;
        let (l, g, kmax) = (pb.length, pb.gap, pb.kmax);
        let r_floor = self.incumbent - self.r_slack;
        let feasible_known = self.incumbent > f64::NEG_INFINITY;
        ranges.clear();
        ranges.resize((l + 1) * (kmax + 1) * g, (0, 0));
        nodes.clear();
        nodes.push(Node {
            r: 0.0,
            e: 0.0,
            parent: NO_PARENT,
            ad: false,
        });
        ranges[index(pb, 0, 0, g - 1)] = (0, 1);

        for p in 0..l {
            let w = pb.weights[p];
            let ad_position_ok = p + 1 >= pb.top_slot;
            for k in 0..=kmax.min(p + 1) {
                for c in 0..g {
                    let mut sources = [None, None];
                    let mut n_src = 0;
                    if k <= p {
                        // Organic at position p + 1: rank p − k, from gap c − 1 (and from G − 1
                        // if c is the cap); with G = 1 every state has c = 0.
                        let de = pb.organic.get(p - k).map(|&u| w * u); // None: empty position
                        let from: &[usize] = if g == 1 {
                            &[0]
                        } else if c == 0 {
                            &[]
                        } else if c == g - 1 {
                            &[g - 2, g - 1]
                        } else {
                            &[c - 1]
                        };
                        for &c0 in from {
                            let (start, end) = ranges[index(pb, p, k, c0)];
                            if start < end {
                                sources[n_src] = Some(Source {
                                    start,
                                    end,
                                    dr: None,
                                    de,
                                    ad: false,
                                });
                                n_src += 1;
                            }
                        }
                    }
                    if c == 0 && k >= 1 && ad_position_ok {
                        let (start, end) = ranges[index(pb, p, k - 1, g - 1)];
                        if start < end {
                            let ad = pb.ads[k - 1];
                            debug_assert!(n_src < 2);
                            sources[n_src] = Some(Source {
                                start,
                                end,
                                dr: Some(w * ad.revenue),
                                de: Some(w * ad.engagement),
                                ad: true,
                            });
                            n_src += 1;
                        }
                    }
                    if n_src == 0 {
                        continue;
                    }
                    let s = index(pb, p + 1, k, c);
                    let e_more = self.bounds[s * NB + NL];
                    // Drop a prefix that cannot reach the floor, or cannot beat the incumbent.
                    let keep = |r: f64, e: f64| {
                        e + e_more >= self.prune_below && self.bound(s, r, e) >= r_floor
                    };
                    // With every ad shown the rest of the feed is fixed: the first (largest-R)
                    // prefix that surely meets the floor beats every later one.
                    let stop = |_r: f64, e: f64| {
                        feasible_known && k == kmax && e + e_more >= self.target + self.e_slack
                    };
                    let start = nodes.len();
                    merge(nodes, &sources, keep, stop);
                    if nodes.len() - start > self.cap {
                        self.truncate(s, nodes, start, potentials);
                    }
                    ranges[s] = (start, nodes.len());
                }
            }
        }

        let mut best: Option<(usize, bool, f64, f64)> = None; // (node, feasible, r, e)
        for k in 0..=kmax {
            for c in 0..g {
                let (start, end) = ranges[index(pb, l, k, c)];
                for (i, n) in nodes.iter().enumerate().take(end).skip(start) {
                    let feasible = n.e >= self.target;
                    let better = match best {
                        None => true,
                        Some((_, bf, br, be)) => match (feasible, bf) {
                            (true, false) => true,
                            (false, true) => false,
                            (true, true) => n.r > br || (n.r == br && n.e > be),
                            (false, false) => n.e > be || (n.e == be && n.r > br),
                        },
                    };
                    if better {
                        best = Some((i, feasible, n.r, n.e));
                    }
                }
            }
        }
        best.map(|(i, ..)| i)
    }

    /// Keeps the `cap` prefixes of `nodes[start..]` with the largest bounds (the first ones on
    /// ties), in their order.
    fn truncate(&self, s: usize, nodes: &mut Vec<Node>, start: usize, potentials: &mut Vec<f64>) {
        potentials.clear();
        potentials.extend(nodes[start..].iter().map(|n| self.bound(s, n.r, n.e)));
        let n = potentials.len();
        let (_, nth, _) = potentials.select_nth_unstable_by(self.cap - 1, |a, b| b.total_cmp(a));
        let threshold = *nth;
        let mut kept = 0;
        let mut write = start;
        for read in start..start + n {
            let b = self.bound(s, nodes[read].r, nodes[read].e);
            if kept < self.cap && b.total_cmp(&threshold).is_ge() {
                nodes[write] = nodes[read];
                write += 1;
                kept += 1;
            }
        }
        nodes.truncate(write);
    }
}

/// Appends to `nodes` the Pareto frontier of the union of the shifted `sources` (R descending,
/// E strictly ascending), keeping only pairs that pass `keep`, and stopping after the first kept
/// pair that passes `stop`. Exact ties keep the earlier source (organic before ad).
fn merge(
    nodes: &mut Vec<Node>,
    sources: &[Option<Source>; 2],
    keep: impl Fn(f64, f64) -> bool,
    stop: impl Fn(f64, f64) -> bool,
) {
    let mut idx = [0usize; 2];
    let mut best_e = f64::NEG_INFINITY;
    loop {
        // Next candidate: largest R, then largest E, then the first source.
        let mut pick: Option<(usize, f64, f64)> = None;
        for (s, src) in sources.iter().enumerate() {
            let Some(src) = src else { continue };
            let i = src.start + idx[s];
            if i >= src.end {
                continue;
            }
            let (r, e) = src.pair(nodes, i);
            let better = match pick {
                None => true,
                Some((_, pr, pe)) => r > pr || (r == pr && e > pe),
            };
            if better {
                pick = Some((s, r, e));
            }
        }
        let Some((s, r, e)) = pick else { break };
        let Some(src) = sources[s] else { break };
        let parent = src.start + idx[s];
        idx[s] += 1;
        if e > best_e && keep(r, e) {
            best_e = e;
            nodes.push(Node {
                r,
                e,
                parent,
                ad: src.ad,
            });
            if stop(r, e) {
                break;
            }
        }
    }
}
