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
//! * `count`: rank = 1 + #{strictly higher} by direct counting (n^2, vectorisable).
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
        let mut t = [0u128; 4];
        for _ in 0..passes {
            for (m, tm) in t.iter_mut().enumerate() {
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
        let per = |x: u128| x as f64 / (reps * passes) as f64;
        println!(
            "noise {noise:>4}: ns per draw of 63 (incl. histogram): keys+sort {:.0}, bucket {:.0}, insertion {:.0}, count {:.0}  [{}]",
            per(t[0]),
            per(t[1]),
            per(t[2]),
            per(t[3]),
            hist[1]
        );
    }
}
