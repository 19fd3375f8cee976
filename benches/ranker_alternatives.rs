//! Standalone micro-benchmark behind benches/README.md ("Issue 13 target, 2026-12-02 (perf)"):
//! exact descending competition ranks of 63 values per draw, the cost that bounds the survey
//! pipeline with rank intervals of all 105 measures (1000 draws x 105 measures). Not part of the
//! build; run with `rustc -O benches/ranker_alternatives.rs -o /tmp/ranker && /tmp/ranker`.
//!
//! Compared in one process, alternating (so load affects both alike):
//! * `keys`: the shared `draws::Ranker` rule — integer keys (order-preserving value bits, item in
//!   the low bits), `sort_unstable`, exact competition ranks (ties by value);
//! * `bucket`: a counting sort into 2n buckets by `floor((v - min) * 2n / (max - min))` (monotone
//!   in floating point, so exact), then ranks from bucket starts plus in-bucket comparisons;
//! * `insertion`: insertion sort of the keys from the point-estimate order;
//! * `count`: rank = 1 + #{strictly higher} by direct counting (n^2, vectorisable);
//! * `lanes`: the rule of `draws::LaneRanker` (kept, 2026-12-02 fourth attempt): 32 draws at once,
//!   32-bit keys (value rounded to f32, order-preserving, item in the low bits) sorted by a Batcher
//!   odd-even merge network with branch-free integer min/max over the 32 lanes, exact fix-up of
//!   keys that tie after truncation.
//!
//! Draws: 63 values spaced 0.1 apart plus N(0, (noise * 0.1)^2); noise 3 is about the PAPI total
//! (SE ~0.3 against a spacing of ~0.1). Every method is checked against `count`.

use std::time::Instant;

struct Lcg(u64);
impl Lcg {
    fn u(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (1.0 - self.u(), self.u());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

fn key(v: f64, d: usize) -> u64 {
    let b = (v + 0.0).to_bits();
    let asc = if b >> 63 == 1 { !b } else { b | (1 << 63) };
    (!asc & !63) | d as u64
}

fn assign(row: &[f64], keys: &[u64], out: &mut [u32]) {
    let (mut prev, mut pr) = (u64::MAX, 0u32);
    for (pos, &k) in keys.iter().enumerate() {
        let d = (k & 63) as usize;
        // (the library also orders keys that tie after truncation by exact value; never needed
        // on these draws, so left out of every method alike)
        let tie = pos > 0 && k >> 6 == prev >> 6 && row[d] == row[(prev & 63) as usize];
        let rk = if tie { pr } else { pos as u32 + 1 };
        (prev, pr) = (k, rk);
        out[d] = rk;
    }
}

fn by_keys(row: &[f64], keys: &mut Vec<u64>, out: &mut [u32]) {
    keys.clear();
    keys.extend(row.iter().enumerate().map(|(d, &v)| key(v, d)));
    keys.sort_unstable();
    assign(row, keys, out);
}

fn by_insertion(row: &[f64], keys: &mut Vec<u64>, out: &mut [u32]) {
    keys.clear();
    for (d, &v) in row.iter().enumerate() {
        let k = key(v, d);
        keys.push(k);
        let mut p = keys.len() - 1;
        while p > 0 && keys[p - 1] > k {
            keys[p] = keys[p - 1];
            p -= 1;
        }
        keys[p] = k;
    }
    assign(row, keys, out);
}

fn by_count(row: &[f64], out: &mut [u32]) {
    for (i, &v) in row.iter().enumerate() {
        out[i] = 1 + row.iter().filter(|&&w| w > v).count() as u32;
    }
}

struct Buckets {
    bucket: Vec<u16>,
    bounds: Vec<u32>,
    sorted: Vec<f64>,
}

fn by_buckets(row: &[f64], b: &mut Buckets, out: &mut [u32]) {
    let n = row.len();
    let nb = (2 * n).next_power_of_two();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in row {
        lo = if v < lo { v } else { lo };
        hi = if v > hi { v } else { hi };
    }
    let scale = nb as f64 / (hi - lo);
    let top = (nb - 1) as f64;
    b.bounds.clear();
    b.bounds.resize(nb + 2, 0);
    b.bucket.clear();
    for &v in row {
        let k = nb as u32 - 1 - ((v - lo) * scale).min(top) as u32;
        b.bucket.push(k as u16);
        b.bounds[k as usize + 1] += 1;
    }
    let mut acc = 0;
    for c in b.bounds[1..=nb].iter_mut() {
        acc += *c;
        *c = acc;
    }
    b.bounds[nb + 1] = n as u32;
    b.sorted.resize(n, 0.0);
    for (&k, &v) in b.bucket.iter().zip(row) {
        let at = &mut b.bounds[k as usize + 1];
        *at -= 1;
        b.sorted[*at as usize] = v;
    }
    for (d, (&k, &v)) in b.bucket.iter().zip(row).enumerate() {
        let (s, e) = (b.bounds[k as usize + 1], b.bounds[k as usize + 2]);
        let mut r = s + 1;
        for &w in &b.sorted[s as usize..e as usize] {
            r += u32::from(w > v);
        }
        out[d] = r;
    }
}

/// Batcher's odd-even merge sort comparators for n = 2^k (as in `draws::batcher`).
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

const LANES: usize = 32;

/// The comparators over all lanes: branch-free integer min/max, vectorised.
#[inline(never)]
fn network(keys: &mut [[i32; LANES]], net: &[(u16, u16)]) {
    for &(i, j) in net {
        let (lo, hi) = keys.split_at_mut(j as usize);
        let (a, b) = (&mut lo[i as usize], &mut hi[0]);
        for l in 0..LANES {
            let (p, q) = (a[l], b[l]);
            a[l] = p.min(q);
            b[l] = p.max(q);
        }
    }
}

#[inline(never)]
/// Ranks up to 32 draws (`rows`) of n <= 64 values into `hist` (the `draws::LaneRanker` rule).
fn by_lanes(rows: &[Vec<f64>], keys: &mut Vec<[i32; LANES]>, net: &[(u16, u16)], hist: &mut [u32]) {
    let n = rows[0].len();
    let np = n.next_power_of_two();
    let pad = np - n;
    keys.clear();
    keys.resize(np, [i32::MIN; LANES]);
    let mut col = [0i32; 64];
    for (l, r) in rows.iter().enumerate() {
        for (d, (c, &v)) in col.iter_mut().zip(r).enumerate() {
            let b = ((v + 0.0) as f32).to_bits() as i32;
            *c = ((b ^ ((b >> 31) & i32::MAX)) & !63) | d as i32;
        }
        for (kr, &c) in keys[pad..].iter_mut().zip(&col[..n]) {
            kr[l] = c;
        }
    }
    network(keys, net);
    let mut ranked = [(0u32, 0u32); 64];
    for (l, r) in rows.iter().enumerate() {
        let col = &keys[pad..];
        let (mut near, mut prev) = (false, i32::MIN);
        for (pos, (kr, out)) in col.iter().rev().zip(ranked.iter_mut()).enumerate() {
            let k = kr[l];
            near |= (k & !63) == (prev & !63);
            *out = ((k & 63) as u32, pos as u32 + 1);
            prev = k;
        }
        if near {
            // runs of equal truncated keys in exact order, equal values one rank
            let mut start = 0;
            for pos in 1..n {
                if col[n - 1 - pos][l] & !63 != col[n - pos][l] & !63 {
                    start = pos;
                    continue;
                }
                let mut b = pos;
                while b > start && r[ranked[b].0 as usize] > r[ranked[b - 1].0 as usize] {
                    ranked.swap(b - 1, b);
                    b -= 1;
                }
            }
            for pos in 0..n {
                let tie = pos > 0 && r[ranked[pos].0 as usize] == r[ranked[pos - 1].0 as usize];
                ranked[pos].1 = if tie { ranked[pos - 1].1 } else { pos as u32 + 1 };
            }
        }
        for &(d, rk) in &ranked[..n] {
            hist[d as usize * (n + 1) + rk as usize] += 1;
        }
    }
}

fn main() {
    let (n, reps, passes) = (63usize, 20_000usize, 10usize);
    for noise in [1.0, 3.0, 10.0] {
        let mut rng = Lcg(7);
        let base: Vec<f64> = (0..n)
            .map(|i| 40.0 + (n - i) as f64 * 0.1 + rng.u() * 0.05)
            .collect();
        let rows: Vec<Vec<f64>> = (0..reps)
            .map(|_| base.iter().map(|&b| b + noise * 0.1 * rng.normal()).collect())
            .collect();
        let mut keys = Vec::with_capacity(n);
        let mut bk = Buckets { bucket: vec![], bounds: vec![], sorted: vec![] };
        let (mut out, mut want) = (vec![0u32; n], vec![0u32; n]);
        let mut hist = vec![0u32; n * (n + 1)];
        let mut t = [0u128; 5];
        let net: Vec<(u16, u16)> = batcher(64)
            .into_iter()
            .filter(|&(i, _)| usize::from(i) >= 64 - n)
            .collect();
        let mut lane_keys = Vec::new();
        let (mut h_keys, mut h_lanes) = (vec![0u32; n * (n + 1)], vec![0u32; n * (n + 1)]);
        for _ in 0..passes {
            let s = Instant::now();
            for c in rows.chunks(LANES) {
                by_lanes(c, &mut lane_keys, &net, &mut h_lanes);
            }
            t[4] += s.elapsed().as_nanos();
            for r in &rows {
                by_keys(r, &mut keys, &mut out);
                for (d, &rk) in out.iter().enumerate() {
                    h_keys[d * (n + 1) + rk as usize] += 1;
                }
            }
            for (m, tm) in t[..4].iter_mut().enumerate() {
                let s = Instant::now();
                for r in &rows {
                    match m {
                        0 => by_keys(r, &mut keys, &mut out),
                        1 => by_buckets(r, &mut bk, &mut out),
                        2 => by_insertion(r, &mut keys, &mut out),
                        _ => by_count(r, &mut out),
                    }
                    for (d, &rk) in out.iter().enumerate() {
                        hist[d * (n + 1) + rk as usize] += 1;
                    }
                }
                *tm += s.elapsed().as_nanos();
            }
        }
        for r in rows.iter().take(2000) {
            by_count(r, &mut want);
            by_keys(r, &mut keys, &mut out);
            assert_eq!(out, want);
            by_buckets(r, &mut bk, &mut out);
            assert_eq!(out, want);
            by_insertion(r, &mut keys, &mut out);
            assert_eq!(out, want);
        }
        assert_eq!(h_keys, h_lanes, "lanes must give the key sort's histogram");
        let per = |x: u128| x as f64 / (reps * passes) as f64;
        println!(
            "noise {noise:>4}: ns per draw of 63 (incl. histogram): keys+sort {:.0}, bucket {:.0}, insertion {:.0}, count {:.0}, lanes {:.0}  [{}]",
            per(t[0]),
            per(t[1]),
            per(t[2]),
            per(t[3]),
            per(t[4]),
            hist[1]
        );
    }
}
