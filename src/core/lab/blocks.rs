//! The Monte Carlo lab in blocks: where each auction's values come from, the fast kernel for the
//! common case, and the per-block statistics that make any number of threads give the same
//! bytes.
//!
//! ## Streams
//!
//! Auctions are grouped in blocks of [`BLOCK`]. Block `b` runs [`LANES`] xoshiro256++ streams
//! side by side, lane `l` being `rng::fast_stream(seed, Purpose::Lab, b, l)`. Auction `t` is
//! index `i = t mod BLOCK` of block `t / BLOCK`; it belongs to lane `i mod LANES` and is that
//! lane's `⌊i / LANES⌋`-th auction: its `n` values, in bidder order, are the lane's next `n`
//! values. A value takes one 64-bit word (uniform, exponential) or two (log-normal, Box–Muller),
//! turned into a number by [`draw_value`] with our own portable conversion [`unit()`]. Nothing
//! else is random, so runs with the same seed, distribution and number of bidders see the same
//! values auction by auction whatever the format, bidding, reserve or slots (common random
//! numbers), and any single auction can be replayed ([`auction_stream`]).
//!
//! ## Determinism
//!
//! A block's statistics depend on the configuration and the block index only: sums over a
//! block's auctions are accumulated in [`LANES`] partial sums (auction `i` into partial
//! `i mod LANES`) added up in lane order, and its mean and spread come from two passes over the
//! block's per-auction figures ([`Moments`]). Blocks are then combined in block order (Chan et
//! al.'s pairwise update). Threads take contiguous ranges of blocks; the result is bit for bit
//! the same for any number of threads, natively and in wasm.
//!
//! ## The fast kernel
//!
//! When every bidder bids its value (truthful bidding, or VCG, whose equilibrium is truthful),
//! values are uniform or exponential and there are at most [`FAST_MAX_RANKED`]` − 1` slots, an
//! auction only needs the `K + 1` highest eligible values: the kernel keeps them in a fixed
//! array per lane with a branch-free insertion (compare and swap down the array), then prices
//! every requested format from that one array with exactly the floating-point operations of
//! [`crate::core::auction::price`] (so prices, revenue and welfare equal the general path's bit
//! for bit), and writes the per-auction figures into the block's buffers. No allocation per
//! auction, and the lanes' arithmetic is the same for every lane, which the compiler turns into
//! vector instructions: with AVX2 (detected at run time) all four lanes run together, one lane
//! per 64-bit element of a 256-bit register; on other CPUs two lanes at a time, in two passes
//! over the block, so that a pass keeps its lanes' generators and top values in registers. In
//! wasm the draws and the ranking are written with wasm's 128-bit SIMD instructions (`simd128`,
//! which every current browser has), two lanes per register, the compare-and-swaps as vector
//! min/max: left to the vectoriser, scalar `f64` selects remained, and the browser compiles each
//! into a compare and a branch (x86 has no `f64` conditional move) that mispredicts about half
//! the time on random values — the wasm kernel ran 4–5 times slower. A lane's auctions and
//! partial sums are computed in the same order in every grouping and in the SIMD kernel: the
//! same bits.

use crate::core::auction::Format;
use crate::core::math;
use crate::core::rng::{self, FastRng, Purpose, Random};

use super::dist::ValueDist;

/// Auctions per block.
pub const BLOCK: u64 = 1024;
/// Streams side by side in a block.
pub const LANES: usize = 4;
/// Most ranked bidders (slots + 1) the fast kernel keeps per auction.
pub const FAST_MAX_RANKED: usize = 8;
/// Lanes the portable kernel runs together where there is no AVX2: two, as many as a 128-bit
/// vector holds, so that a pass keeps its lanes' generators and top values in registers.
#[cfg(not(target_arch = "wasm32"))]
const GROUP: usize = 2;

type Lane = [f64; LANES];

/// A 64-bit word as a uniform number on `[0, 1)`: its top 52 bits as the mantissa of a number in
/// `[1, 2)`, minus 1 (exact, and the same on every platform).
#[inline(always)]
pub fn unit(word: u64) -> f64 {
    f64::from_bits(0x3FF0_0000_0000_0000 | (word >> 12)) - 1.0
}

/// 64-bit words one value of `dist` takes.
pub fn words_per_value(dist: &ValueDist) -> u64 {
    match dist {
        ValueDist::Lognormal { .. } => 2,
        _ => 1,
    }
}

/// One value from `dist`: uniform `low + (high − low)·u`; exponential `−ln(1 − u)/λ`;
/// log-normal `exp(μ + σ·z)` with `z` by Box–Muller from two words.
#[inline]
pub fn draw_value<R: Random>(dist: &ValueDist, rng: &mut R) -> f64 {
    match *dist {
        ValueDist::Uniform { low, high } => low + (high - low) * unit(rng.next_u64()),
        ValueDist::Exponential { rate } => -math::ln(1.0 - unit(rng.next_u64())) / rate,
        ValueDist::Lognormal { mu, sigma } => {
            let u1 = 1.0 - unit(rng.next_u64());
            let u2 = unit(rng.next_u64());
            let z = (-2.0 * math::ln(u1)).sqrt() * math::cos(std::f64::consts::TAU * u2);
            math::exp(mu + sigma * z)
        }
    }
}

/// Lane `lane`'s stream in block `block`.
pub fn lane_stream(seed: u64, block: u64, lane: usize) -> FastRng {
    rng::fast_stream(seed, Purpose::Lab, block, lane as u64)
}

/// Where auction `t` is: `(block, lane, step)` — its values come from lane `lane` of block
/// `block`, after `step` earlier auctions of that lane.
pub fn locate(t: u64) -> (u64, usize, u64) {
    let i = t % BLOCK;
    (t / BLOCK, (i % LANES as u64) as usize, i / LANES as u64)
}

/// The stream positioned at auction `t`'s first value (for replaying one auction).
pub fn auction_stream(seed: u64, dist: &ValueDist, bidders: usize, t: u64) -> FastRng {
    let (block, lane, step) = locate(t);
    let mut rng = lane_stream(seed, block, lane);
    for _ in 0..step * bidders as u64 * words_per_value(dist) {
        rng.next_u64();
    }
    rng
}

/// Mean and sum of squared deviations of a set of figures.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Moments {
    /// How many.
    pub n: u64,
    /// Their mean.
    pub mean: f64,
    /// `Σ (x − mean)²`.
    pub m2: f64,
}

impl Moments {
    /// Two passes over `xs` with lane-interleaved sums (see the module docs).
    pub fn of(xs: &[f64]) -> Moments {
        if xs.is_empty() {
            return Moments::default();
        }
        let mean = lane_sum(xs, |x| x) / xs.len() as f64;
        let m2 = lane_sum(xs, |x| (x - mean) * (x - mean));
        Moments {
            n: xs.len() as u64,
            mean,
            m2,
        }
    }

    /// Adds `other`'s figures (Chan, Golub & LeVeque's pairwise update).
    pub fn merge(&mut self, other: &Moments) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n = self.n + other.n;
        let (na, nb) = (self.n as f64, other.n as f64);
        let d = other.mean - self.mean;
        self.mean += d * (nb / n as f64);
        self.m2 += other.m2 + d * d * (na * nb / n as f64);
        self.n = n;
    }

    /// Standard error of the mean, `s/√n` (0 for fewer than two figures).
    pub fn se(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            (self.m2 / (self.n - 1) as f64 / self.n as f64).sqrt()
        }
    }
}

/// `Σ f(x)` accumulated in [`LANES`] interleaved partial sums, added in lane order.
fn lane_sum(xs: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut part = [0.0; LANES];
    let chunks = xs.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..LANES {
            part[l] += f(c[l]);
        }
    }
    for (l, &x) in rest.iter().enumerate() {
        part[l] += f(x);
    }
    part.iter().fold(0.0, |a, &b| a + b)
}

/// One format's statistics over one block (or, merged, over a run).
#[derive(Debug, Clone, PartialEq)]
pub struct FormatStats {
    /// Revenue per auction.
    pub revenue: Moments,
    /// Welfare per auction.
    pub welfare: Moments,
    /// Auctions with at least one slot sold.
    pub sales: u64,
    /// Per slot: auctions in which it sold.
    pub slot_sold: Vec<u64>,
    /// Per slot: the sum of its prices per click over those auctions.
    pub price_sum: Vec<f64>,
}

impl FormatStats {
    fn new(slots: usize) -> Self {
        FormatStats {
            revenue: Moments::default(),
            welfare: Moments::default(),
            sales: 0,
            slot_sold: vec![0; slots],
            price_sum: vec![0.0; slots],
        }
    }

    /// Adds a later block's statistics.
    pub fn merge(&mut self, other: &FormatStats) {
        self.revenue.merge(&other.revenue);
        self.welfare.merge(&other.welfare);
        self.sales += other.sales;
        for (a, b) in self.slot_sold.iter_mut().zip(&other.slot_sold) {
            *a += b;
        }
        for (a, b) in self.price_sum.iter_mut().zip(&other.price_sum) {
            *a += b;
        }
    }
}

/// Per-auction figures of the block being run, per format, and its running counts.
#[derive(Debug, Clone)]
pub struct BlockAcc {
    slots: usize,
    revenue: Vec<Vec<f64>>,
    welfare: Vec<Vec<f64>>,
    sales: Vec<u64>,
    slot_sold: Vec<Vec<u64>>,
    /// Per format and slot, lane partial sums of prices.
    price_lanes: Vec<Vec<Lane>>,
}

impl BlockAcc {
    /// Buffers for `formats` formats and `slots` slots.
    pub fn new(formats: usize, slots: usize) -> Self {
        BlockAcc {
            slots,
            revenue: vec![vec![0.0; BLOCK as usize]; formats],
            welfare: vec![vec![0.0; BLOCK as usize]; formats],
            sales: vec![0; formats],
            slot_sold: vec![vec![0; slots]; formats],
            price_lanes: vec![vec![[0.0; LANES]; slots]; formats],
        }
    }

    /// Records auction `i` of the block for format `f` (general path).
    pub fn record(&mut self, f: usize, i: usize, revenue: f64, welfare: f64, prices: &[f64]) {
        self.revenue[f][i] = revenue;
        self.welfare[f][i] = welfare;
        if !prices.is_empty() {
            self.sales[f] += 1;
        }
        for (k, &p) in prices.iter().enumerate() {
            self.slot_sold[f][k] += 1;
            self.price_lanes[f][k][i % LANES] += p;
        }
    }

    /// The statistics of the block's first `count` auctions; resets the counts.
    pub fn finish(&mut self, count: usize) -> Vec<FormatStats> {
        let mut out = Vec::with_capacity(self.revenue.len());
        for f in 0..self.revenue.len() {
            let mut s = FormatStats::new(self.slots);
            s.revenue = Moments::of(&self.revenue[f][..count]);
            s.welfare = Moments::of(&self.welfare[f][..count]);
            s.sales = std::mem::take(&mut self.sales[f]);
            for k in 0..self.slots {
                s.slot_sold[k] = std::mem::take(&mut self.slot_sold[f][k]);
                let lanes = std::mem::replace(&mut self.price_lanes[f][k], [0.0; LANES]);
                s.price_sum[k] = lanes.iter().fold(0.0, |a, &b| a + b);
            }
            out.push(s);
        }
        out
    }
}

/// The value distributions the fast kernel draws from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FastDist {
    Uniform { low: f64, width: f64 },
    Exponential { rate: f64 },
}

/// A run the fast kernel can do: every bidder bids its value.
#[derive(Debug, Clone, PartialEq)]
pub struct FastPlan {
    formats: Vec<Format>,
    dist: FastDist,
    bidders: usize,
    slot_ctrs: Vec<f64>,
    /// `α_j − α_{j+1}` (with `α_{K+1} = 0`), as `price_into` computes it.
    drops: Vec<f64>,
    reserve: f64,
    seed: u64,
}

impl FastPlan {
    /// The plan for pricing the same auctions by `formats`, when every bidder bids its value
    /// (`truthful`, or the formats are all VCG), the values are uniform or exponential and
    /// `slots + 1 ≤` [`FAST_MAX_RANKED`]; `None` otherwise.
    pub fn new(
        formats: &[Format],
        bids_are_values: bool,
        dist: &ValueDist,
        bidders: usize,
        slot_ctrs: &[f64],
        reserve: f64,
        seed: u64,
    ) -> Option<Self> {
        let dist = match *dist {
            ValueDist::Uniform { low, high } => FastDist::Uniform {
                low,
                width: high - low,
            },
            ValueDist::Exponential { rate } => FastDist::Exponential { rate },
            ValueDist::Lognormal { .. } => return None,
        };
        if !bids_are_values
            || formats.is_empty()
            || slot_ctrs.is_empty()
            || slot_ctrs.len() + 1 > FAST_MAX_RANKED
        {
            return None;
        }
        let k = slot_ctrs.len();
        let drops = (0..k)
            .map(|j| {
                let next = if j + 1 < k { slot_ctrs[j + 1] } else { 0.0 };
                slot_ctrs[j] - next
            })
            .collect();
        Some(FastPlan {
            formats: formats.to_vec(),
            dist,
            bidders,
            slot_ctrs: slot_ctrs.to_vec(),
            drops,
            reserve,
            seed,
        })
    }

    /// Runs the first `count` auctions of block `block` into `acc` (whose formats are the
    /// plan's, in order).
    pub fn run_block(&self, block: u64, count: usize, acc: &mut BlockAcc) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { self.run_block_avx2(block, count, acc) };
            return;
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.run_block_simd128(block, count, acc);
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.run_block_portable::<GROUP>(block, count, acc);
    }

    /// The kernel compiled for AVX2 (four lanes in one vector register). The same operations
    /// in the same order as [`FastPlan::run_block_portable`]: the same bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn run_block_avx2(&self, block: u64, count: usize, acc: &mut BlockAcc) {
        self.run_block_portable::<LANES>(block, count, acc);
    }

    /// The kernel in wasm's 128-bit SIMD: two lanes in one vector register, two passes over
    /// the block (see [`simd128`]).
    #[cfg(target_arch = "wasm32")]
    #[target_feature(enable = "simd128")]
    fn run_block_simd128(&self, block: u64, count: usize, acc: &mut BlockAcc) {
        for first in (0..LANES).step_by(2) {
            let lanes = Lanes::<2>::new(self.seed, block, first);
            match self.slot_ctrs.len() + 1 {
                2 => self.kernel_simd128::<2>(lanes, count, acc),
                3 => self.kernel_simd128::<3>(lanes, count, acc),
                4 => self.kernel_simd128::<4>(lanes, count, acc),
                5 => self.kernel_simd128::<5>(lanes, count, acc),
                6 => self.kernel_simd128::<6>(lanes, count, acc),
                7 => self.kernel_simd128::<7>(lanes, count, acc),
                _ => self.kernel_simd128::<8>(lanes, count, acc),
            }
        }
    }

    /// [`FastPlan::kernel`] for two lanes written with wasm's SIMD instructions: the same
    /// operations on each lane in the same order, so the same bits.
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    fn kernel_simd128<const M: usize>(&self, lanes: Lanes<2>, count: usize, acc: &mut BlockAcc) {
        use simd128::*;
        debug_assert_eq!(M, self.slot_ctrs.len() + 1);
        let first = lanes.first;
        let mut rng = Xoshiro2::new(&lanes);
        let reserve = f64x2_splat(self.reserve);
        let zero = f64x2_splat(0.0);
        for step in 0..count.div_ceil(LANES) {
            let mut top = [zero; M];
            for _ in 0..self.bidders {
                let words = rng.next();
                let v = match self.dist {
                    FastDist::Uniform { low, width } => uniform(words, low, width),
                    // The logarithm is scalar (the core's portable `ln`), lane by lane.
                    FastDist::Exponential { rate } => {
                        let [w0, w1] = lanes_u64(words);
                        let value = |w| -math::ln(1.0 - unit(w)) / rate;
                        f64x2(value(w0), value(w1))
                    }
                };
                // Not eligible (below the reserve, or a zero bid): never ranked.
                let x = v128_and(v, v128_and(f64x2_ge(v, reserve), f64x2_gt(v, zero)));
                insert2(&mut top, x);
            }
            let top: [[f64; 2]; M] = std::array::from_fn(|k| lanes_f64(top[k]));
            let base = step * LANES;
            let valid: [bool; 2] = std::array::from_fn(|l| base + first + l < count);
            self.price_step(&top, base, first, valid, acc);
        }
    }

    /// The block's lanes `W` at a time (`W` divides [`LANES`]).
    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn run_block_portable<const W: usize>(&self, block: u64, count: usize, acc: &mut BlockAcc) {
        for first in (0..LANES).step_by(W) {
            let mut lanes = Lanes::<W>::new(self.seed, block, first);
            match self.slot_ctrs.len() + 1 {
                2 => self.run_m::<2, W>(&mut lanes, count, acc),
                3 => self.run_m::<3, W>(&mut lanes, count, acc),
                4 => self.run_m::<4, W>(&mut lanes, count, acc),
                5 => self.run_m::<5, W>(&mut lanes, count, acc),
                6 => self.run_m::<6, W>(&mut lanes, count, acc),
                7 => self.run_m::<7, W>(&mut lanes, count, acc),
                _ => self.run_m::<8, W>(&mut lanes, count, acc),
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn run_m<const M: usize, const W: usize>(
        &self,
        lanes: &mut Lanes<W>,
        count: usize,
        acc: &mut BlockAcc,
    ) {
        match self.dist {
            FastDist::Uniform { low, width } => {
                self.kernel::<M, W>(lanes, count, acc, |w| low + width * unit(w))
            }
            FastDist::Exponential { rate } => {
                self.kernel::<M, W>(lanes, count, acc, |w| -math::ln(1.0 - unit(w)) / rate)
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn kernel<const M: usize, const W: usize>(
        &self,
        lanes: &mut Lanes<W>,
        count: usize,
        acc: &mut BlockAcc,
        value: impl Fn(u64) -> f64,
    ) {
        debug_assert_eq!(M, self.slot_ctrs.len() + 1);
        let r = self.reserve;
        let first = lanes.first;
        for step in 0..count.div_ceil(LANES) {
            let mut top = [[0.0; W]; M];
            for _ in 0..self.bidders {
                let words = lanes.next();
                let mut x = [0.0; W];
                for l in 0..W {
                    let v = value(words[l]);
                    // Not eligible (below the reserve, or a zero bid): never ranked.
                    x[l] = if v >= r && v > 0.0 { v } else { 0.0 };
                }
                insert(&mut top, x);
            }
            let base = step * LANES;
            let valid: [bool; W] = std::array::from_fn(|l| base + first + l < count);
            self.price_step(&top, base, first, valid, acc);
        }
    }

    /// Prices one step's auctions in lanes `first..first + W` (auction `base + first + l` in
    /// lane `first + l`) from their top `K + 1` eligible values, sorted in decreasing order with
    /// 0 for "nobody".
    #[inline(always)]
    fn price_step<const M: usize, const W: usize>(
        &self,
        top: &[[f64; W]; M],
        base: usize,
        first: usize,
        valid: [bool; W],
        acc: &mut BlockAcc,
    ) {
        let k_slots = M - 1;
        let r = self.reserve;
        // `price_into`'s VCG floor `(w_rev·e^q·r + bonus).max(0)` with unit weights, no bonus.
        let floor = (1.0 * r + 0.0).max(0.0);
        let mut welfare = [0.0; W];
        for (alpha, row) in self.slot_ctrs.iter().zip(top) {
            for l in 0..W {
                welfare[l] += alpha * row[l];
            }
        }
        for (f, &format) in self.formats.iter().enumerate() {
            let mut revenue = [0.0; W];
            for k in 0..k_slots {
                let alpha = self.slot_ctrs[k];
                // `price_into`'s competitor level with unit weights and no bonus (values are
                // non-negative numbers, so these selects are `f64::max`/`min`).
                let raw: [f64; W] = match format {
                    Format::FirstPrice => top[k],
                    Format::Gsp => top[k + 1],
                    Format::Vcg => {
                        let mut externality = [0.0; W];
                        for j in k..k_slots {
                            let drop = self.drops[j];
                            for l in 0..W {
                                let below = top[j + 1][l];
                                let below = if below > floor { below } else { floor };
                                externality[l] += drop * below;
                            }
                        }
                        std::array::from_fn(|l| externality[l] / alpha)
                    }
                };
                let mut price = [0.0; W];
                for l in 0..W {
                    let bid = top[k][l];
                    let p = if raw[l] > r { raw[l] } else { r };
                    let p = if p < bid { p } else { bid };
                    price[l] = if bid > 0.0 { p } else { 0.0 };
                    revenue[l] += alpha * price[l];
                }
                let sums = &mut acc.price_lanes[f][k];
                let mut sold = 0;
                for l in 0..W {
                    let ok = valid[l] && top[k][l] > 0.0;
                    sums[first + l] += if ok { price[l] } else { 0.0 };
                    sold += u64::from(ok);
                }
                acc.slot_sold[f][k] += sold;
            }
            let mut sales = 0;
            for l in 0..W {
                if valid[l] {
                    acc.revenue[f][base + first + l] = revenue[l];
                    acc.welfare[f][base + first + l] = welfare[l];
                    sales += u64::from(top[0][l] > 0.0);
                }
            }
            acc.sales[f] += sales;
        }
    }
}

/// Inserts one value per lane into the lanes' sorted top arrays (largest first), dropping the
/// smallest: compare and swap down the array, without branches.
#[inline(always)]
fn insert<const M: usize, const W: usize>(top: &mut [[f64; W]; M], mut x: [f64; W]) {
    for row in top.iter_mut() {
        for l in 0..W {
            let (t, v) = (row[l], x[l]);
            row[l] = if v > t { v } else { t };
            x[l] = if t < v { t } else { v };
        }
    }
}

/// Prices of one auction by the fast kernel's code from its values (every bidder bids its
/// value): per slot, the price per click of each sold slot, then revenue and welfare. For
/// checking the kernel against [`crate::core::auction::price`] auction by auction.
pub fn fast_auction(
    values: &[f64],
    slot_ctrs: &[f64],
    reserve: f64,
    format: Format,
) -> Option<(Vec<f64>, f64, f64)> {
    let plan = FastPlan::new(
        &[format],
        true,
        &ValueDist::Uniform {
            low: 0.0,
            high: 1.0,
        },
        values.len(),
        slot_ctrs,
        reserve,
        0,
    )?;
    let mut acc = BlockAcc::new(1, slot_ctrs.len());
    match slot_ctrs.len() + 1 {
        2 => plan.one::<2>(values, &mut acc),
        3 => plan.one::<3>(values, &mut acc),
        4 => plan.one::<4>(values, &mut acc),
        5 => plan.one::<5>(values, &mut acc),
        6 => plan.one::<6>(values, &mut acc),
        7 => plan.one::<7>(values, &mut acc),
        _ => plan.one::<8>(values, &mut acc),
    }
    let prices = acc.price_lanes[0]
        .iter()
        .zip(&acc.slot_sold[0])
        .take_while(|(_, &sold)| sold > 0)
        .map(|(p, _)| p[0])
        .collect();
    Some((prices, acc.revenue[0][0], acc.welfare[0][0]))
}

impl FastPlan {
    fn one<const M: usize>(&self, values: &[f64], acc: &mut BlockAcc) {
        let r = self.reserve;
        let mut top = [[0.0; LANES]; M];
        for &v in values {
            let mut x = [0.0; LANES];
            x[0] = if v >= r && v > 0.0 { v } else { 0.0 };
            insert(&mut top, x);
        }
        let mut valid = [false; LANES];
        valid[0] = true;
        self.price_step(&top, 0, 0, valid, acc);
    }
}

/// `W` of a block's [`LANES`] xoshiro256++ generators, lanes `first..first + W`, stepped
/// together (state word `w` of lane `first + l` in `s[w][l]`); lane `first + l` gives exactly
/// the outputs of its [`FastRng`].
#[derive(Debug, Clone)]
struct Lanes<const W: usize> {
    s: [[u64; W]; 4],
    first: usize,
}

impl<const W: usize> Lanes<W> {
    fn new(seed: u64, block: u64, first: usize) -> Self {
        let mut s = [[0u64; W]; 4];
        for l in 0..W {
            let state = lane_stream(seed, block, first + l).state();
            for (row, word) in s.iter_mut().zip(state) {
                row[l] = word;
            }
        }
        Lanes { s, first }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn next(&mut self) -> [u64; W] {
        let [s0, s1, s2, s3] = &mut self.s;
        let mut out = [0u64; W];
        for l in 0..W {
            out[l] = s0[l]
                .wrapping_add(s3[l])
                .rotate_left(23)
                .wrapping_add(s0[l]);
            let t = s1[l] << 17;
            s2[l] ^= s0[l];
            s3[l] ^= s1[l];
            s1[l] ^= s2[l];
            s0[l] ^= s3[l];
            s2[l] ^= t;
            s3[l] = s3[l].rotate_left(45);
        }
        out
    }
}

/// The fast kernel's draws and ranking in wasm's 128-bit SIMD, two lanes per register.
///
/// Written with the instructions themselves rather than left to the compiler's vectoriser, which
/// vectorised the portable kernel only in part (and differently from one build to another): in
/// wasm every scalar `f64` select that remains becomes a compare and a branch in the browser's
/// code (x86 has no `f64` conditional move), mispredicted about half the time on random values.
/// Each operation is the portable kernel's, lane by lane: `f64x2.pmax(t, x)` is
/// `if x > t { x } else { t }` and `f64x2.pmin(x, t)` is `if t < x { t } else { x }`, exactly,
/// and masking a value with an all-ones or all-zeros comparison gives it or `+0.0`.
#[cfg(target_arch = "wasm32")]
mod simd128 {
    use core::arch::wasm32::*;

    pub use core::arch::wasm32::{f64x2, f64x2_ge, f64x2_gt, f64x2_splat, v128, v128_and};

    use super::Lanes;

    /// Two lanes' xoshiro256++ generators, state word `w` of both lanes in `s[w]`.
    pub struct Xoshiro2 {
        s: [v128; 4],
    }

    impl Xoshiro2 {
        #[inline(always)]
        pub fn new(lanes: &Lanes<2>) -> Self {
            Xoshiro2 {
                s: lanes.s.map(|[a, b]| u64x2(a, b)),
            }
        }

        /// Both lanes' next words ([`Lanes::next`]).
        #[inline(always)]
        pub fn next(&mut self) -> v128 {
            let [s0, s1, s2, s3] = &mut self.s;
            let out = i64x2_add(rotl(i64x2_add(*s0, *s3), 23), *s0);
            let t = i64x2_shl(*s1, 17);
            *s2 = v128_xor(*s2, *s0);
            *s3 = v128_xor(*s3, *s1);
            *s1 = v128_xor(*s1, *s2);
            *s0 = v128_xor(*s0, *s3);
            *s2 = v128_xor(*s2, t);
            *s3 = rotl(*s3, 45);
            out
        }
    }

    #[inline(always)]
    fn rotl(x: v128, k: u32) -> v128 {
        v128_or(i64x2_shl(x, k), u64x2_shr(x, 64 - k))
    }

    /// `low + width · unit(w)` in both lanes ([`super::unit`]).
    #[inline(always)]
    pub fn uniform(words: v128, low: f64, width: f64) -> v128 {
        let one = u64x2_splat(0x3FF0_0000_0000_0000);
        let u = f64x2_sub(v128_or(u64x2_shr(words, 12), one), f64x2_splat(1.0));
        f64x2_add(f64x2_splat(low), f64x2_mul(f64x2_splat(width), u))
    }

    /// [`super::insert`] for two lanes.
    #[inline(always)]
    pub fn insert2<const M: usize>(top: &mut [v128; M], mut x: v128) {
        for row in top.iter_mut() {
            let t = *row;
            *row = f64x2_pmax(t, x);
            x = f64x2_pmin(x, t);
        }
    }

    #[inline(always)]
    pub fn lanes_u64(x: v128) -> [u64; 2] {
        [u64x2_extract_lane::<0>(x), u64x2_extract_lane::<1>(x)]
    }

    #[inline(always)]
    pub fn lanes_f64(x: v128) -> [f64; 2] {
        [f64x2_extract_lane::<0>(x), f64x2_extract_lane::<1>(x)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The portable kernel is native only (wasm runs `kernel_simd128`: tests/wasm_lab.rs).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn lanes_step_like_their_streams() {
        let mut all = Lanes::<LANES>::new(5, 3, 0);
        let mut pair = Lanes::<2>::new(5, 3, 2);
        let mut one: Vec<FastRng> = (0..LANES).map(|l| lane_stream(5, 3, l)).collect();
        for _ in 0..50 {
            let words = all.next();
            let pair_words = pair.next();
            for l in 0..LANES {
                assert_eq!(words[l], one[l].next_u64());
            }
            assert_eq!(pair_words, [words[2], words[3]]);
        }
    }

    // The portable kernel is native only (wasm runs `kernel_simd128`: tests/wasm_lab.rs).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_lane_grouping_gives_the_same_bits_as_the_dispatched_kernel() {
        // Natively on a CPU with AVX2 `run_block` runs all four lanes together (AVX2 build);
        // wasm (simd128) and CPUs without AVX2 run them two by two. Whatever the grouping, each
        // lane's auctions and partial sums are computed in the same order: the same bits.
        for (dist, ctrs, reserve) in [
            (
                ValueDist::Uniform {
                    low: 0.0,
                    high: 1.0,
                },
                vec![1.0, 0.6, 0.3],
                0.0,
            ),
            (
                ValueDist::Exponential { rate: 1.5 },
                vec![0.5, 0.5, 0.2, 0.1],
                0.4,
            ),
        ] {
            let formats = [Format::Gsp, Format::Vcg, Format::FirstPrice];
            let plan = FastPlan::new(&formats, true, &dist, 10, &ctrs, reserve, 3).unwrap();
            let mut dispatched = BlockAcc::new(3, ctrs.len());
            let mut by_one = BlockAcc::new(3, ctrs.len());
            let mut by_two = BlockAcc::new(3, ctrs.len());
            let mut by_four = BlockAcc::new(3, ctrs.len());
            // A whole block, and partial blocks ending in each lane.
            for (block, count) in [(0, 1024), (5, 1001), (6, 1002), (7, 1003), (8, 3)] {
                plan.run_block(block, count, &mut dispatched);
                plan.run_block_portable::<1>(block, count, &mut by_one);
                plan.run_block_portable::<2>(block, count, &mut by_two);
                plan.run_block_portable::<4>(block, count, &mut by_four);
                let x = dispatched.finish(count);
                for other in [&mut by_one, &mut by_two, &mut by_four] {
                    let y = other.finish(count);
                    assert_eq!(x, y, "block {block}, {count} auctions");
                    for (p, q) in x.iter().zip(&y) {
                        assert_eq!(p.revenue.m2.to_bits(), q.revenue.m2.to_bits());
                        assert_eq!(p.welfare.mean.to_bits(), q.welfare.mean.to_bits());
                        for (a, b) in p.price_sum.iter().zip(&q.price_sum) {
                            assert_eq!(a.to_bits(), b.to_bits());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn unit_is_on_the_unit_interval() {
        assert_eq!(unit(0), 0.0);
        assert_eq!(unit(u64::MAX), 1.0 - f64::EPSILON);
        assert_eq!(unit(1 << 63), 0.5);
    }

    #[test]
    fn moments_merge_like_one_pass() {
        let xs: Vec<f64> = (0..37).map(|i| ((i * 7919) % 101) as f64 / 10.0).collect();
        let whole = Moments::of(&xs);
        let mut parts = Moments::of(&xs[..10]);
        parts.merge(&Moments::of(&xs[10..]));
        assert_eq!(parts.n, whole.n);
        assert!((parts.mean - whole.mean).abs() < 1e-12);
        assert!((parts.m2 - whole.m2).abs() < 1e-9);
        let mean = xs.iter().sum::<f64>() / 37.0;
        let m2: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        assert!((whole.m2 - m2).abs() < 1e-9);
    }

    #[test]
    fn replayed_streams_start_at_the_auction() {
        let dist = ValueDist::Uniform {
            low: 0.0,
            high: 1.0,
        };
        // Auction 4100 = block 4, index 4, lane 0, step 1: after lane 0's first auction.
        assert_eq!(locate(4100), (4, 0, 1));
        let mut a = auction_stream(9, &dist, 3, 4100);
        let mut b = lane_stream(9, 4, 0);
        for _ in 0..3 {
            b.next_u64();
        }
        assert_eq!(a.next_u64(), b.next_u64());
    }
}
