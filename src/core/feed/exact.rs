//! The exact Lagrangian layout: backward dynamic programming over (position, ads used, gap).
//!
//! State before position `p + 1` (0-based layer `p`): `k` ads already shown (so the next organic
//! has 0-based rank `p − k`) and `c` = distance from the last ad to position `p + 1`, capped at
//! `G`, stored 0-based as `c − 1` (`G − 1` also means "no ad yet"). An ad may go at `p + 1` iff
//! `c = G`, `p + 1 ≥ top_slot` and `k < K`. `F[p][k][c]` is the best value of positions
//! `p + 1..=L` as the lexicographic pair (value, −ads); the decision is stored with it and replayed
//! forwards. On an exact tie of value and ad count the ad is placed (earliest ad).

use super::Problem;

/// One DP cell: the best suffix value, its ad count, and whether the best move places an ad.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Cell {
    pub(super) value: f64,
    pub(super) ads: u32,
    pub(super) place_ad: bool,
}

/// Flat index of state (layer `p`, ads `k`, 0-based capped gap `c`).
#[inline]
pub(super) fn index(pb: &Problem, p: usize, k: usize, c: usize) -> usize {
    (p * (pb.kmax + 1) + k) * pb.gap + c
}

/// Fills `cells` with the backward DP of `Σ_ad w·(alpha·r + beta·u_ad) + Σ_org w·beta·u_org`.
pub(super) fn backward(pb: &Problem, alpha: f64, beta: f64, cells: &mut Vec<Cell>) {
    let (l, g, kmax) = (pb.length, pb.gap, pb.kmax);
    let n = (l + 1) * (kmax + 1) * g;
    if cells.len() < n {
        cells.resize(n, Cell::default());
    }
    let last_layer = index(pb, l, 0, 0);
    cells[last_layer..n].fill(Cell::default());
    for p in (0..l).rev() {
        let w = pb.weights[p];
        let ad_position_ok = p + 1 >= pb.top_slot;
        for k in 0..=kmax.min(p) {
            let organic_gain = w * (beta * pb.organic_utility(p - k));
            let ad_gain = if ad_position_ok && k < kmax {
                let ad = pb.ads[k];
                Some((
                    w * (alpha * ad.revenue + beta * ad.engagement),
                    cells[index(pb, p + 1, k + 1, 0)],
                ))
            } else {
                None
            };
            for c in 0..g {
                let next = cells[index(pb, p + 1, k, (c + 1).min(g - 1))];
                let mut best = Cell {
                    value: organic_gain + next.value,
                    ads: next.ads,
                    place_ad: false,
                };
                if c == g - 1 {
                    if let Some((gain, next_ad)) = ad_gain {
                        let value = gain + next_ad.value;
                        let ads = next_ad.ads + 1;
                        if value > best.value || (value == best.value && ads <= best.ads) {
                            best = Cell {
                                value,
                                ads,
                                place_ad: true,
                            };
                        }
                    }
                }
                cells[index(pb, p, k, c)] = best;
            }
        }
    }
}

/// The layout maximising `R + λ·E`; positions (1-based) go to `out`.
pub(super) fn solve(pb: &Problem, lambda: f64, cells: &mut Vec<Cell>, out: &mut Vec<usize>) {
    backward(pb, 1.0, lambda, cells);
    let g = pb.gap;
    let (mut k, mut c) = (0, g - 1);
    for p in 0..pb.length {
        if cells[index(pb, p, k, c)].place_ad {
            out.push(p + 1);
            k += 1;
            c = 0;
        } else {
            c = (c + 1).min(g - 1);
        }
    }
}

/// Values only, for `N` objectives in one sweep: `out[s · N + i]` is the best value of
/// `Σ_ad w·(α_i·r + β_i·u_ad) + Σ_org w·β_i·u_org` over the completions from state `s`, with
/// `(α_i, β_i) = coefs[i]`. Used for the bound tables of the engagement-floor solver.
pub(super) fn backward_values<const N: usize>(
    pb: &Problem,
    coefs: &[(f64, f64); N],
    out: &mut Vec<f64>,
) {
    let (l, g, kmax) = (pb.length, pb.gap, pb.kmax);
    let n = (l + 1) * (kmax + 1) * g;
    if out.len() < n * N {
        out.resize(n * N, 0.0);
    }
    out[index(pb, l, 0, 0) * N..n * N].fill(0.0);
    for p in (0..l).rev() {
        let w = pb.weights[p];
        let ad_position_ok = p + 1 >= pb.top_slot;
        for k in 0..=kmax.min(p) {
            let org = pb.organic_utility(p - k);
            let mut organic_gain = [0.0; N];
            for (gain, &(_, beta)) in organic_gain.iter_mut().zip(coefs) {
                *gain = w * (beta * org);
            }
            let ad = (ad_position_ok && k < kmax).then(|| {
                let ad = pb.ads[k];
                let mut gain = [0.0; N];
                for (gain, &(alpha, beta)) in gain.iter_mut().zip(coefs) {
                    *gain = w * (alpha * ad.revenue + beta * ad.engagement);
                }
                (gain, index(pb, p + 1, k + 1, 0) * N)
            });
            for c in 0..g {
                let next = index(pb, p + 1, k, (c + 1).min(g - 1)) * N;
                let here = index(pb, p, k, c) * N;
                let mut v = [0.0; N];
                for i in 0..N {
                    v[i] = organic_gain[i] + out[next + i];
                }
                if c == g - 1 {
                    if let Some((gain, next_ad)) = ad {
                        for i in 0..N {
                            v[i] = v[i].max(gain[i] + out[next_ad + i]);
                        }
                    }
                }
                out[here..here + N].copy_from_slice(&v);
            }
        }
    }
}
