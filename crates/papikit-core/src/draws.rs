//! The one place for ranking and random draws, shared by `rank` (point ranks), `survey` (rank
//! intervals from replicates or normal draws) and `simulation::montecarlo` (rank distributions):
//!
//! * [`Ranker`]: descending **competition** ranks (highest value = rank 1; equal values share the
//!   lowest rank: 1, 2, 2, 4). Values are sorted as integer keys (order-preserving bits of the value
//!   with the item in the lowest bits); items whose keys tie after that truncation are then ordered
//!   by their exact values, so ranks are exact for ties, near-ties and signed zeros (-0.0 ties with
//!   0.0). NaN is not ranked. (An adaptive insertion sort from the point-estimate order was tried
//!   and measured: `sort_unstable` on the integer keys was as fast or faster in every case.)
//! * [`normals`]: the seeded standard normal stream: Box-Muller (both outputs used, cosine first) on
//!   a `ChaCha8Rng` seeded with `seed`, stream `stream`.
//! * [`RankHistogram`]: counts of (item, rank) over draws; integer counts, so merging partial
//!   histograms in any order gives the same result (bit-identical for any thread count).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Fill `out` with standard normal draws from the ChaCha8 stream `stream` of `seed` (Box-Muller,
/// `r cos`, then `r sin`; an odd last position drops the sine).
pub fn normals(seed: u64, stream: u64, out: &mut [f64]) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    let mut i = 0;
    while i < out.len() {
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random::<f64>();
        let r = (-2.0 * u1.ln()).sqrt();
        let (s, c) = (std::f64::consts::TAU * u2).sin_cos();
        out[i] = r * c;
        if i + 1 < out.len() {
            out[i + 1] = r * s;
        }
        i += 2;
    }
}

/// Descending competition ranker with reusable buffers (see the module docs).
#[derive(Debug, Clone)]
pub struct Ranker {
    keys: Vec<u64>,
    /// Value of each item in the current draw (-0.0 folded into 0.0).
    vals: Vec<f64>,
    /// (item, rank) in rank order.
    ranked: Vec<(u32, u32)>,
    bits: u32,
}

impl Ranker {
    /// A ranker for items `0..n`.
    pub fn new(n: usize) -> Ranker {
        Ranker {
            keys: Vec::with_capacity(n),
            vals: vec![f64::NAN; n],
            ranked: Vec::with_capacity(n),
            bits: (u64::BITS - (n.max(2) as u64 - 1).leading_zeros()).max(1),
        }
    }

    /// Ranks of `row[i]` for the items `i` of `items` (each `< n`; NaN values are not ranked):
    /// (item, rank) in rank order. The order of `items` does not change the result.
    pub fn rank(&mut self, row: &[f64], items: impl IntoIterator<Item = usize>) -> &[(u32, u32)] {
        let mask = (1u64 << self.bits) - 1;
        self.keys.clear();
        for d in items {
            // + 0.0 turns -0.0 into 0.0, so equal values have equal keys.
            let v = row[d] + 0.0;
            self.vals[d] = v;
            if v.is_nan() {
                continue;
            }
            let b = v.to_bits();
            let ascending = if b >> 63 == 1 { !b } else { b | (1 << 63) };
            self.keys.push((!ascending & !mask) | d as u64);
        }
        self.keys.sort_unstable();
        self.order_near_ties();
        self.assign();
        &self.ranked
    }

    /// Ranks of every item `0..row.len()`.
    pub fn rank_all(&mut self, row: &[f64]) -> &[(u32, u32)] {
        self.rank(row, 0..row.len())
    }

    /// The result of the last [`Ranker::rank`].
    pub fn ranked(&self) -> &[(u32, u32)] {
        &self.ranked
    }

    /// Within runs of equal truncated keys, order by the exact value (descending).
    fn order_near_ties(&mut self) {
        let (bits, mask) = (self.bits, (1u64 << self.bits) - 1);
        let (keys, vals) = (&mut self.keys, &self.vals);
        let n = keys.len();
        let mut i = 0;
        while i < n {
            let mut e = i + 1;
            while e < n && keys[e] >> bits == keys[i] >> bits {
                e += 1;
            }
            for a in i + 1..e {
                let mut b = a;
                while b > i
                    && vals[(keys[b - 1] & mask) as usize]
                        .total_cmp(&vals[(keys[b] & mask) as usize])
                        == std::cmp::Ordering::Less
                {
                    keys.swap(b - 1, b);
                    b -= 1;
                }
            }
            i = e;
        }
    }

    /// Competition ranks in key order; equal values have equal truncated keys, so values are
    /// compared only then.
    fn assign(&mut self) {
        let (bits, mask) = (self.bits, (1u64 << self.bits) - 1);
        self.ranked.clear();
        let (mut prev, mut prev_rank) = (u64::MAX, 0u32);
        for (pos, &k) in self.keys.iter().enumerate() {
            let d = (k & mask) as usize;
            let tie = pos > 0
                && k >> bits == prev >> bits
                && self.vals[d] == self.vals[(prev & mask) as usize];
            let rk = if tie { prev_rank } else { pos as u32 + 1 };
            prev = k;
            prev_rank = rk;
            self.ranked.push((d as u32, rk));
        }
    }
}

/// Draws a [`LaneRanker`] ranks at once: one column of keys per draw, so every compare-exchange
/// of the sorting network works on `LANES` draws side by side (vectorised by the compiler).
pub const LANES: usize = 32;

/// Most items the sorting network ranks; more fall back to [`Ranker`] draw by draw.
const NET_MAX: usize = 128;

/// The comparators `(i, j)`, `i < j`, of Batcher's odd-even merge sort of `n` (a power of two)
/// keys, in order: after them, every input is sorted ascending.
fn batcher(n: usize) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    let mut p = 1;
    while p < n {
        let mut k = p;
        while k >= 1 {
            let mut j = k % p;
            while j + k < n {
                for i in 0..k.min(n - j - k) {
                    if (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                        out.push(((i + j) as u16, (i + j + k) as u16));
                    }
                }
                j += 2 * k;
            }
            k /= 2;
        }
        p *= 2;
    }
    out
}

/// The [`Ranker`] rule for up to [`LANES`] draws at once (rank intervals rank thousands of draws
/// of the same items): identical results, about 1.6 times as fast on 63 items (benches/README.md).
///
/// Each value becomes a 32-bit key: the value rounded to `f32` (monotone), mapped to an
/// order-preserving integer, its lowest bits replaced by the item. A sorting network (Batcher's
/// odd-even merge sort of the next power of two; padding keys below every real key would never
/// move, so the comparators touching them are dropped and no padding is kept) sorts one column of
/// keys per draw with branch-free integer min/max. Walking each column from the top gives the rank
/// order; where adjacent keys tie after the truncation (near ties, about one draw in twenty on
/// PAPI totals) the run is ordered by exact value (then item, as [`Ranker`] does) and exactly equal
/// values share their competition rank. A draw with a NaN among the items is ranked by [`Ranker`].
#[derive(Debug, Clone)]
pub struct LaneRanker {
    /// Networks by item count (pruned of comparators on padding), built on first use.
    nets: Vec<Option<Vec<(u16, u16)>>>,
    keys: Vec<[i32; LANES]>,
    /// One draw's keys before they are written into its lane.
    column: Vec<i32>,
    ranked: Vec<(u32, u32)>,
    scalar: Ranker,
}

impl LaneRanker {
    /// A ranker for items `0..n`.
    pub fn new(n: usize) -> LaneRanker {
        LaneRanker {
            nets: Vec::new(),
            keys: Vec::new(),
            column: Vec::with_capacity(n),
            ranked: Vec::with_capacity(n),
            scalar: Ranker::new(n),
        }
    }

    /// Ranks `rows[l][i]` for the items `i` of `items` (each `< n`, no repeats) in each draw `l`
    /// (at most [`LANES`] draws), calling `each(l, ranked)` in draw order with what
    /// [`Ranker::rank`] returns for that draw: (item, rank) in rank order.
    pub fn rank_lanes(
        &mut self,
        rows: &[&[f64]],
        items: &[usize],
        mut each: impl FnMut(usize, &[(u32, u32)]),
    ) {
        let n = items.len();
        if !(2..=NET_MAX).contains(&n) || rows.len() > LANES {
            for (l, row) in rows.iter().enumerate() {
                each(l, self.scalar.rank(row, items.iter().copied()));
            }
            return;
        }
        let np = n.next_power_of_two();
        let pad = np - n;
        if self.nets.len() <= n {
            self.nets.resize(n + 1, None);
        }
        let net = self.nets[n].get_or_insert_with(|| {
            batcher(np)
                .into_iter()
                .filter(|&(i, _)| usize::from(i) >= pad)
                .collect()
        });
        // Rows `pad..np` are overwritten lane by lane (lanes past `rows.len()` keep stale keys,
        // sorted but never read); the padding rows `..pad` are never read: the pruned network
        // only compares rows `pad..`.
        self.keys.resize(np, [i32::MIN; LANES]);
        self.keys.truncate(np);
        // Keys carry the item itself in their low bits; with every item ranked (the usual case)
        // the row is read in its own order, which the compiler vectorises.
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(0).max(n);
        let bits = u32::BITS - (width.max(2) as u32 - 1).leading_zeros();
        let mask = (1i32 << bits) - 1;
        let key = |v: f64, d: usize| {
            // + 0.0 turns -0.0 into 0.0 (they tie); f32 rounding keeps the order (ties aside)
            let b = ((v + 0.0) as f32).to_bits() as i32;
            let t = b ^ ((b >> 31) & i32::MAX);
            (t & !mask) | d as i32
        };
        self.column.resize(n, 0);
        let mut has_nan = [false; LANES];
        for (l, row) in rows.iter().enumerate() {
            let mut nan = false;
            if row.len() == n {
                for (d, (c, &v)) in self.column.iter_mut().zip(row.iter()).enumerate() {
                    nan |= v.is_nan();
                    *c = key(v, d);
                }
            } else {
                for (c, &d) in self.column.iter_mut().zip(items) {
                    let v = row[d];
                    nan |= v.is_nan();
                    *c = key(v, d);
                }
            }
            has_nan[l] = nan;
            for (kr, &c) in self.keys[pad..].iter_mut().zip(&self.column) {
                kr[l] = c;
            }
        }
        for &(i, j) in net.iter() {
            let (lo, hi) = self.keys.split_at_mut(usize::from(j));
            let (a, b) = (&mut lo[usize::from(i)], &mut hi[0]);
            for (x, y) in a.iter_mut().zip(b.iter_mut()) {
                let (p, q) = (*x, *y);
                *x = p.min(q);
                *y = p.max(q);
            }
        }
        for (l, row) in rows.iter().enumerate() {
            if has_nan[l] {
                each(l, self.scalar.rank(row, items.iter().copied()));
                continue;
            }
            // Rank order from the top of the column; ranks are positions unless two adjacent
            // keys tie after truncation (then the run is put in exact order below).
            let col = &self.keys[pad..];
            self.ranked.resize(n, (0, 0));
            self.ranked.truncate(n);
            let mut near = false;
            // (no real key truncates to i32::MIN's bucket: keys of -inf are above it)
            let mut prev = i32::MIN;
            for (pos, (kr, out)) in col.iter().rev().zip(self.ranked.iter_mut()).enumerate() {
                let k = kr[l];
                near |= (k & !mask) == (prev & !mask);
                *out = ((k & mask) as u32, pos as u32 + 1);
                prev = k;
            }
            if near {
                order_near_ties(&mut self.ranked, row, |pos| col[n - 1 - pos][l] & !mask);
            }
            each(l, &self.ranked);
        }
    }
}

/// Puts runs of `ranked` whose keys tie after truncation (`trunc(pos)`) in exact order (value
/// descending, then item), and gives exactly equal values one competition rank.
fn order_near_ties(ranked: &mut [(u32, u32)], row: &[f64], trunc: impl Fn(usize) -> i32) {
    let value = |e: (u32, u32)| row[e.0 as usize] + 0.0;
    let before = |a: (u32, u32), b: (u32, u32)| {
        let (va, vb) = (value(a), value(b));
        va > vb || (va == vb && a.0 < b.0)
    };
    let mut start = 0;
    for pos in 1..ranked.len() {
        if trunc(pos) != trunc(pos - 1) {
            start = pos;
            continue;
        }
        let mut b = pos;
        while b > start && before(ranked[b], ranked[b - 1]) {
            ranked.swap(b - 1, b);
            b -= 1;
        }
    }
    for pos in 0..ranked.len() {
        let tie = pos > 0 && value(ranked[pos]) == value(ranked[pos - 1]);
        ranked[pos].1 = if tie {
            ranked[pos - 1].1
        } else {
            pos as u32 + 1
        };
    }
}

/// Descending competition ranks of `scores`; `None` for missing (or NaN) scores.
pub fn competition_ranks(scores: &[Option<f64>]) -> Vec<Option<u32>> {
    let row: Vec<f64> = scores.iter().map(|s| s.unwrap_or(f64::NAN)).collect();
    let mut out = vec![None; scores.len()];
    for &(d, rk) in Ranker::new(scores.len()).rank_all(&row) {
        out[d as usize] = Some(rk);
    }
    out
}

/// Counts of (item, rank) over draws; ranks 1..=`max_rank`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankHistogram {
    counts: Vec<u32>,
    /// Row width: `max_rank + 1` (column 0 unused).
    w: usize,
}

impl RankHistogram {
    pub fn new(items: usize, max_rank: usize) -> RankHistogram {
        RankHistogram {
            counts: vec![0; items * (max_rank + 1)],
            w: max_rank + 1,
        }
    }

    /// Count one ranked draw.
    pub fn add(&mut self, ranked: &[(u32, u32)]) {
        for &(d, rk) in ranked {
            self.counts[d as usize * self.w + rk as usize] += 1;
        }
    }

    pub fn merge(&mut self, o: &RankHistogram) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
    }

    /// Counts of item `d` indexed by rank (index 0 is always 0).
    pub fn row(&self, d: usize) -> &[u32] {
        &self.counts[d * self.w..(d + 1) * self.w]
    }

    /// Draws in which item `d` has rank `rank`.
    pub fn count(&self, d: usize, rank: u32) -> u32 {
        self.row(d).get(rank as usize).copied().unwrap_or(0)
    }

    /// Draws that rank item `d`.
    pub fn total(&self, d: usize) -> u64 {
        self.row(d).iter().map(|&c| u64::from(c)).sum()
    }

    /// Draws in which item `d` ranks `top` or better.
    pub fn at_most(&self, d: usize, top: u32) -> u64 {
        let h = self.row(d);
        h[..h.len().min(top as usize + 1)]
            .iter()
            .map(|&c| u64::from(c))
            .sum()
    }

    /// Draws in which item `d` ranks within `lo..=hi`.
    pub fn within(&self, d: usize, lo: u32, hi: u32) -> u64 {
        let h = self.row(d);
        let end = (hi as usize).saturating_add(1).min(h.len());
        let start = (lo as usize).min(end);
        h[start..end].iter().map(|&c| u64::from(c)).sum()
    }

    /// The smallest rank whose cumulative count exceeds `target` (0-based position in the sorted
    /// ranks of item `d`); None past the end.
    pub fn rank_at(&self, d: usize, target: u64) -> Option<u32> {
        let mut cum = 0u64;
        for (rk, &c) in self.row(d).iter().enumerate() {
            cum += u64::from(c);
            if cum > target {
                return Some(rk as u32);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference rule: 1 + the number of strictly higher values.
    fn naive(row: &[f64]) -> Vec<Option<u32>> {
        row.iter()
            .map(|&v| (!v.is_nan()).then(|| row.iter().filter(|&&w| w > v).count() as u32 + 1))
            .collect()
    }

    fn ranks(row: &[f64]) -> Vec<Option<u32>> {
        let mut out = vec![None; row.len()];
        for &(d, rk) in Ranker::new(row.len()).rank_all(row) {
            out[d as usize] = Some(rk);
        }
        out
    }

    #[test]
    fn ties_near_ties_and_signed_zeros_are_exact() {
        let a = 1.0f64;
        let b = f64::from_bits(a.to_bits() + 1); // the next double: a near-tie the key truncates
        let row = [a, b, -0.0, 0.0, f64::NAN, a, -1.0, f64::INFINITY];
        assert_eq!(ranks(&row), naive(&row));
        assert_eq!(
            ranks(&row),
            vec![
                Some(3),
                Some(2),
                Some(5),
                Some(5),
                None,
                Some(3),
                Some(7),
                Some(1)
            ]
        );
    }

    #[test]
    fn normals_are_the_box_muller_stream() {
        let mut a = vec![0.0; 7];
        normals(3, 2, &mut a);
        let mut b = vec![0.0; 8];
        normals(3, 2, &mut b);
        assert_eq!(a[..], b[..7]);
        let m = {
            let mut z = vec![0.0; 20_000];
            normals(1, 0, &mut z);
            z.iter().sum::<f64>() / z.len() as f64
        };
        assert!(m.abs() < 0.05, "{m}");
    }

    #[test]
    fn histogram_reads() {
        let mut h = RankHistogram::new(2, 3);
        h.add(&[(1, 1), (0, 2)]);
        h.add(&[(0, 1), (1, 1)]);
        assert_eq!(h.count(0, 2), 1);
        assert_eq!(h.total(1), 2);
        assert_eq!(h.at_most(0, 1), 1);
        assert_eq!(h.within(0, 1, 2), 2);
        assert_eq!(h.rank_at(0, 0), Some(1));
        assert_eq!(h.rank_at(0, 1), Some(2));
        assert_eq!(h.rank_at(0, 2), None);
    }

    /// Values the lane ranker must handle like the scalar one.
    const SPECIALS: [f64; 10] = [
        0.0,
        -0.0,
        1e300,
        -1e300,
        1e-300,
        -1e-300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        5e-324,
    ];

    proptest! {
        #[test]
        fn matches_the_naive_rule(v in prop::collection::vec(prop_oneof![
            -3i32..3i32,
            Just(i32::MIN),
        ], 0..90), scale in prop_oneof![Just(1.0), Just(1e-300), Just(1e300)]) {
            let row: Vec<f64> = v.iter().map(|&x| if x == i32::MIN { f64::NAN } else {
                // near-ties: values one ulp apart
                let base = f64::from(x) * scale;
                if x % 2 == 0 { base } else { f64::from_bits(base.to_bits() + 1) }
            }).collect();
            prop_assert_eq!(ranks(&row), naive(&row));
        }

        /// The lane ranker gives what the scalar ranker gives, draw by draw: ties, near ties
        /// (one ulp, and below f32 precision), signed zeros, NaN draws, infinities, values past
        /// the f32 range, any item subset and order, 1..=LANES draws, 0..=NET_MAX+10 items.
        #[test]
        fn lane_ranker_equals_the_ranker(
            n in 0usize..140,
            lanes in 1usize..=LANES,
            seed in any::<u64>(),
            kind in 0u8..5,
            drop in 0usize..4,
        ) {
            use rand::Rng;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let draw = |rng: &mut ChaCha8Rng| -> f64 {
                match kind {
                    // coarse values: many exact ties
                    0 => f64::from(rng.random_range(-3i32..3)),
                    // one-ulp and sub-f32 near ties around 40
                    1 => {
                        let b = 40.0 + f64::from(rng.random_range(0i32..4)) * 1e-9;
                        f64::from_bits(b.to_bits() + rng.random_range(0u64..3))
                    }
                    // specials
                    2 => *SPECIALS.get(rng.random_range(0usize..SPECIALS.len())).unwrap_or(&0.0),
                    // PAPI-like: spaced values plus noise
                    3 => 40.0 + rng.random::<f64>() * 10.0,
                    _ if rng.random_range(0u32..200) == 0 => f64::NAN,
                    _ => rng.random::<f64>() - 0.5,
                }
            };
            let rows: Vec<Vec<f64>> =
                (0..lanes).map(|_| (0..n).map(|_| draw(&mut rng)).collect()).collect();
            // items: every item but every (drop+1)-th when drop > 0, in a shuffled order
            let mut items: Vec<usize> =
                (0..n).filter(|i| drop == 0 || i % (drop + 1) != 0).collect();
            for i in (1..items.len()).rev() {
                let j = rng.random_range(0..=i);
                items.swap(i, j);
            }
            let refs: Vec<&[f64]> = rows.iter().map(|r| r.as_slice()).collect();
            let mut lr = LaneRanker::new(n);
            let mut sc = Ranker::new(n);
            // twice on one ranker (buffers reused, as the kernel does measure after measure):
            // all draws and items, then fewer draws of the last items only
            let fewer = lanes.div_ceil(2);
            let tail = &items[items.len() / 3..];
            for (draws, its) in [(&refs[..], &items[..]), (&refs[..fewer], tail)] {
                let mut got = Vec::new();
                lr.rank_lanes(draws, its, |l, ranked| got.push((l, ranked.to_vec())));
                let want: Vec<(usize, Vec<(u32, u32)>)> = draws
                    .iter()
                    .enumerate()
                    .map(|(l, r)| (l, sc.rank(r, its.iter().copied()).to_vec()))
                    .collect();
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn order_of_items_does_not_matter(v in prop::collection::vec(-50i32..50, 1..70), rot in 0usize..70) {
            let row: Vec<f64> = v.iter().map(|&x| f64::from(x) / 7.0).collect();
            let n = row.len();
            let mut r = Ranker::new(n);
            let a = r.rank(&row, 0..n).to_vec();
            let b = r.rank(&row, (0..n).map(|i| (i + rot) % n).rev()).to_vec();
            prop_assert_eq!(a, b);
        }
    }
}
