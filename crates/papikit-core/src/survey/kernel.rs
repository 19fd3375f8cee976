//! The fused replicate kernel: for every replicate, domain sums `sum_c factor[psu_c] * cells` of
//! every item (PSUs with factor 0 skipped), ratio estimates, and the whole index, in one pass over
//! chunks of [`CHUNK`] replicates. The pass either keeps some measures' replicates and accumulates
//! the replicate SEs of every measure ([`ReplicateSource::run`]), or ranks the replicates of some
//! measures straight into rank histograms without keeping them ([`ReplicateSource::rank_counts`]).

use super::estimate::CellSums;
use super::index::{self, Affine, Normalisation};
use super::ranks::{Point, RankCounts};
use super::replicate;
use crate::draws::{LANES, LaneRanker};
use crate::error::{PapiError, Result};
use ndarray::{Array2, Array3};
use rayon::prelude::*;

/// Everything the replicate kernel needs: PSU-level cell sums, the PSU factors of every replicate,
/// the full-sample indicator estimates and the compiled index.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateSource {
    pub(crate) cells: CellSums,
    pub(crate) factors: std::sync::Arc<replicate::Factors>,
    /// Full-sample indicator estimates, domain-major (`[d * k + j]`).
    pub(crate) full: Vec<f64>,
    pub(crate) compiled: index::Compiled,
    pub(crate) norm: Normalisation,
}

/// Replicates per task of the kernel. Fixed (not derived from the thread count), and every sum
/// runs in replicate order within a chunk and in chunk order across chunks, so results are
/// bit-identical for any number of threads.
const CHUNK: usize = 32;

// A chunk's replicates are ranked together, one lane each.
const _: () = assert!(CHUNK <= LANES);

/// What [`ReplicateSource::run_ranked`] returns: kept replicates, SEs, rank histograms.
pub(crate) type RunOutput = (Array3<f64>, Option<Array2<f64>>, Option<Vec<RankCounts>>);

/// Variance accumulators of one chunk: sums of `x - c`, `rscale (x - c)` and `rscale (x - c)^2`
/// around the full-sample estimate `c`. With every rscale 1 (the bootstrap) `rscale (x - c)` is
/// `x - c` exactly, so `t1` is not kept (`s1` stands for it) and the pass moves a third less memory.
struct Accum {
    s1: Vec<f64>,
    t1: Vec<f64>,
    t2: Vec<f64>,
    unit: bool,
}

impl Accum {
    fn zeros(n: usize, unit: bool) -> Accum {
        Accum {
            s1: vec![0.0; n],
            t1: if unit { Vec::new() } else { vec![0.0; n] },
            t2: vec![0.0; n],
            unit,
        }
    }

    /// Adds `rs`-scaled deviations of `row` from `centre[at..]` at positions `at..` (a whole
    /// replicate at 0, or one measure's row).
    fn add(&mut self, at: usize, row: &[f64], centre: &[f64], rs: f64) {
        let cn = &centre[at..at + row.len()];
        if self.unit {
            let (s1, t2) = (
                &mut self.s1[at..at + row.len()],
                &mut self.t2[at..at + row.len()],
            );
            for ((s1, t2), (&x, &cc)) in s1.iter_mut().zip(t2.iter_mut()).zip(row.iter().zip(cn)) {
                let dx = x - cc;
                *s1 += dx;
                *t2 += dx * dx;
            }
            return;
        }
        for (idx, (&x, &cc)) in row.iter().zip(cn).enumerate() {
            let dx = x - cc;
            self.s1[at + idx] += dx;
            self.t1[at + idx] += rs * dx;
            self.t2[at + idx] += rs * dx * dx;
        }
    }

    fn merge(&mut self, a: &Accum) {
        for idx in 0..self.s1.len() {
            self.s1[idx] += a.s1[idx];
            self.t2[idx] += a.t2[idx];
        }
        for (t, &u) in self.t1.iter_mut().zip(&a.t1) {
            *t += u;
        }
    }

    /// The sum of `rscale (x - c)` at `idx`.
    fn t1(&self, idx: usize) -> f64 {
        if self.unit {
            self.s1[idx]
        } else {
            self.t1[idx]
        }
    }
}

fn layout() -> PapiError {
    PapiError::InvalidArgument {
        argument: "replicates".into(),
        message: "internal layout error in the replicate kernel".into(),
    }
}

/// The kernel bound to its source: contiguous views of the cell sums and the fixed normalisation.
struct Kernel<'a> {
    src: &'a ReplicateSource,
    /// Per domain: (PSUs, numerators, denominators), cells x items row-major.
    dom: Vec<(&'a [u32], &'a [f64], &'a [f64])>,
    /// Normalisation parameters of linear normalisations (from the full sample).
    fixed: Vec<Affine>,
    k: usize,
    m: usize,
    nd: usize,
}

/// Scratch buffers of one task; `slab` holds the last replicate's scores (`[j * nd + d]`);
/// `chunk` the scores of every replicate of the chunk being ranked, measure-major so that the
/// replicates of one measure are contiguous (`[(j * CHUNK + off) * nd + d]`, allocated on first use).
struct Workspace {
    theta: Vec<f64>,
    nv: Vec<f64>,
    wv: Vec<f64>,
    params: Vec<Affine>,
    slab: Vec<f64>,
    chunk: Vec<f64>,
}

impl Workspace {
    fn slab_or_chunk(&self, chunk_at: Option<usize>) -> &[f64] {
        if chunk_at.is_some() {
            &self.chunk
        } else {
            &self.slab
        }
    }
}

impl<'a> Kernel<'a> {
    fn new(src: &'a ReplicateSource) -> Result<Kernel<'a>> {
        let c = &src.compiled;
        let nd = src.cells.domains.len();
        let mut dom = Vec::with_capacity(nd);
        for dc in &src.cells.domains {
            dom.push((
                dc.psus.as_slice(),
                dc.num.as_slice().ok_or_else(layout)?,
                dc.den.as_slice().ok_or_else(layout)?,
            ));
        }
        let mut fixed = Vec::new();
        if src.norm.is_linear() {
            c.affine(src.norm, &src.full, nd, &mut fixed);
        }
        Ok(Kernel {
            src,
            dom,
            fixed,
            k: c.n_indicators(),
            m: c.n_measures(),
            nd,
        })
    }

    fn workspace(&self) -> Workspace {
        Workspace {
            theta: vec![0.0; self.nd * self.k],
            nv: vec![0.0; self.k],
            wv: vec![0.0; self.k],
            params: self.fixed.clone(),
            slab: vec![f64::NAN; self.m * self.nd],
            chunk: Vec::new(),
        }
    }

    /// Ranks the first `len` replicates kept in `ws.chunk` into the histograms of `measures`,
    /// all replicates of a measure at once (one lane each).
    fn rank_chunk(
        &self,
        len: usize,
        ws: &Workspace,
        (measures, points): (&[usize], &[Point]),
        rcs: &mut [RankCounts],
        lanes: &mut LaneRanker,
    ) {
        let nd = self.nd;
        for ((rc, p), &j) in rcs.iter_mut().zip(points).zip(measures) {
            let mut rows: [&[f64]; LANES] = [&[]; LANES];
            for (off, row) in rows.iter_mut().enumerate().take(len) {
                let at = (j * CHUNK + off) * nd;
                *row = &ws.chunk[at..at + nd];
            }
            lanes.rank_lanes(&rows[..len], &p.order, |_, ranked| rc.add(ranked, p));
        }
    }

    /// Replicate `i`: ratio estimates of every domain, then the index into `ws.slab`
    /// (`[j * nd + d]`), or with `Some(off)` straight into `ws.chunk` as replicate `off` of the
    /// chunk being ranked (`[(j * CHUNK + off) * nd + d]`, so no copy is made for ranking).
    fn replicate(&self, i: usize, ws: &mut Workspace, chunk_at: Option<usize>) {
        self.ratio_estimates(i, ws);
        let src = self.src;
        if !src.norm.is_linear() {
            src.compiled
                .affine(src.norm, &ws.theta, self.nd, &mut ws.params);
        }
        let (k, nd) = (self.k, self.nd);
        let zscore = src.norm == Normalisation::ZScore;
        let (out, base, stride) = match chunk_at {
            None => (&mut ws.slab, 0, nd),
            Some(off) => {
                if ws.chunk.len() < CHUNK * self.m * nd {
                    ws.chunk.resize(CHUNK * self.m * nd, f64::NAN);
                }
                (&mut ws.chunk, off * nd, CHUNK * nd)
            }
        };
        for d in 0..nd {
            src.compiled.eval_domain(
                &ws.theta[d * k..(d + 1) * k],
                &ws.params,
                zscore,
                &mut out[base + d..],
                stride,
                None,
            );
        }
    }

    /// Row `j` (the `nd` provinces of measure `j`) of the last replicate: from `ws.slab`, or
    /// replicate `off` of the chunk.
    fn row<'w>(&self, ws: &'w Workspace, chunk_at: Option<usize>, j: usize) -> &'w [f64] {
        let nd = self.nd;
        let at = match chunk_at {
            None => j * nd,
            Some(off) => (j * CHUNK + off) * nd,
        };
        &ws.slab_or_chunk(chunk_at)[at..at + nd]
    }

    /// `theta[d * k + j] = sum_c f[psu_c] num / sum_c f[psu_c] den` (the full-sample estimate
    /// where no applicable weight is left).
    fn ratio_estimates(&self, i: usize, ws: &mut Workspace) {
        let k = self.k;
        let fac = self.src.factors.factors.row(i);
        for (d, &(psus, num, den)) in self.dom.iter().enumerate() {
            ws.nv.fill(0.0);
            ws.wv.fill(0.0);
            for (cc, &p) in psus.iter().enumerate() {
                let x = fac[p as usize];
                if x == 0.0 {
                    continue;
                }
                let nrow = &num[cc * k..(cc + 1) * k];
                let drow = &den[cc * k..(cc + 1) * k];
                for (a, &y) in ws.nv.iter_mut().zip(nrow) {
                    *a += x * y;
                }
                for (b, &z) in ws.wv.iter_mut().zip(drow) {
                    *b += x * z;
                }
            }
            let th = &mut ws.theta[d * k..(d + 1) * k];
            let fl = &self.src.full[d * k..(d + 1) * k];
            let (nv, wv, fl) = (&ws.nv[..k], &ws.wv[..k], &fl[..k]);
            for j in 0..k {
                // divide first, then select: branch-free (a 0 denominator keeps the full estimate)
                let q = nv[j] / wv[j];
                th[j] = if wv[j] > 0.0 { q } else { fl[j] };
            }
        }
    }
}

impl ReplicateSource {
    pub(crate) fn n_replicates(&self) -> usize {
        self.factors.factors.nrows()
    }

    /// Whether every replicate's rscale is 1 (the bootstrap; an absent rscale is 1).
    fn unit_rscales(&self) -> bool {
        self.factors.rscales.iter().all(|&r| r == 1.0)
    }

    /// Keeps the first `keep` measures of every replicate (replicates x keep x provinces) and, with
    /// `centre` (the full-sample scores, measures x provinces), returns the replicate SEs of every
    /// measure. Memory: one (measures x provinces) slab per task plus what is kept.
    pub(crate) fn run(
        &self,
        keep: usize,
        centre: Option<&Array2<f64>>,
    ) -> Result<(Array3<f64>, Option<Array2<f64>>)> {
        let (kept, se, _) = self.run_ranked(keep, centre, None)?;
        Ok((kept, se))
    }

    /// [`ReplicateSource::run`] that also ranks the replicates of `ranked` (measure indices, with
    /// their point ranks in `points`) straight into rank histograms in the same pass, so rank
    /// intervals of those measures need no second pass. Histograms are integer counts (identical
    /// to [`ReplicateSource::rank_counts`]'s for any split); SE accumulators stay one per chunk of
    /// [`CHUNK`] replicates, merged in chunk order, so SEs are bit-identical with or without
    /// ranking and for any thread count. Memory: one set of histograms per rayon piece (at most
    /// `2 x threads` pieces).
    pub(crate) fn run_ranked(
        &self,
        keep: usize,
        centre: Option<&Array2<f64>>,
        ranked: Option<(&[usize], &[Point])>,
    ) -> Result<RunOutput> {
        let kern = Kernel::new(self)?;
        let (m, nd) = (kern.m, kern.nd);
        let r = self.n_replicates();
        let centre = match centre {
            Some(cn) => Some(cn.as_slice().ok_or_else(layout)?),
            None => None,
        };
        let mut kept = Array3::<f64>::zeros((r, keep, nd));
        let kept_buf = kept.as_slice_mut().ok_or_else(layout)?;
        let per_rep = keep * nd;
        let n_chunks = r.div_ceil(CHUNK);
        // Progress (write-only, looked up on the calling thread): one unit per replicate, advanced
        // as each chunk finishes.
        let progress = crate::progress::current();
        if let Some(p) = &progress {
            p.add_total(r as u64);
        }
        let fresh = || -> Option<Vec<RankCounts>> {
            ranked.map(|(_, pts)| pts.iter().map(|p| RankCounts::new(nd, p)).collect())
        };
        let unit = self.unit_rscales();
        // One piece's state: (chunk, SE accumulator) pairs, histograms, scratch.
        type Piece = (Vec<(usize, Option<Accum>)>, Option<Vec<RankCounts>>);
        let body = |ci: usize,
                    dst: &mut [f64],
                    ws: &mut Workspace,
                    lanes: &mut LaneRanker,
                    rcs: &mut Option<Vec<RankCounts>>|
         -> Option<Accum> {
            let mut acc = centre.map(|_| Accum::zeros(m * nd, unit));
            let span = ci * CHUNK..((ci + 1) * CHUNK).min(r);
            let n_in_chunk = span.len() as u64;
            for (off, i) in span.enumerate() {
                // ranking: the replicate goes straight into the chunk, read row by row below
                let at = rcs.is_some().then_some(off);
                kern.replicate(i, ws, at);
                for j in 0..keep {
                    let to = off * per_rep + j * nd;
                    dst[to..to + nd].copy_from_slice(kern.row(ws, at, j));
                }
                if let (Some(a), Some(cn)) = (acc.as_mut(), centre) {
                    let rs = self.factors.rscales.get(i).copied().unwrap_or(1.0);
                    if at.is_none() {
                        a.add(0, &ws.slab, cn, rs);
                    } else {
                        for j in 0..m {
                            a.add(j * nd, kern.row(ws, at, j), cn, rs);
                        }
                    }
                }
            }
            if let (Some(rcs), Some(rk)) = (rcs.as_mut(), ranked) {
                kern.rank_chunk(n_in_chunk as usize, ws, rk, rcs, lanes);
            }
            if let Some(p) = &progress {
                p.advance(n_in_chunk);
            }
            acc
        };
        // With histograms, a few large pieces (each holds histograms of every ranked measure).
        let min_len = if ranked.is_some() {
            n_chunks.div_ceil(2 * rayon::current_num_threads()).max(1)
        } else {
            1
        };
        let fold_piece = |mut st: (Piece, Workspace, LaneRanker),
                          (ci, dst): (usize, &mut [f64])| {
            let ((accs, rcs), ws, lanes) = &mut st;
            let a = body(ci, dst, ws, lanes, rcs);
            accs.push((ci, a));
            st
        };
        let start = || ((Vec::new(), fresh()), kern.workspace(), LaneRanker::new(nd));
        let merge = |mut a: Piece, b: Piece| -> Piece {
            a.0.extend(b.0);
            if let (Some(x), Some(y)) = (a.1.as_mut(), b.1.as_ref()) {
                for (p, q) in x.iter_mut().zip(y) {
                    p.merge(q);
                }
            }
            a
        };
        let (mut accs, rcs): Piece = if per_rep == 0 {
            (0..n_chunks)
                .into_par_iter()
                .with_min_len(min_len)
                .map(|ci| (ci, &mut [] as &mut [f64]))
                .fold(start, fold_piece)
                .map(|(p, _, _)| p)
                .reduce(|| (Vec::new(), fresh()), merge)
        } else {
            kept_buf
                .par_chunks_mut(CHUNK * per_rep)
                .enumerate()
                .with_min_len(min_len)
                .fold(start, fold_piece)
                .map(|(p, _, _)| p)
                .reduce(|| (Vec::new(), fresh()), merge)
        };
        // SE accumulators in chunk order, whatever the pieces were.
        accs.sort_by_key(|&(ci, _)| ci);
        let accs: Vec<Option<Accum>> = accs.into_iter().map(|(_, a)| a).collect();
        let se = match centre {
            None => None,
            Some(cn) => Some(self.finish_se(&accs, cn, m, nd)?),
        };
        Ok((kept, se, rcs))
    }

    /// SEs from the chunk accumulators (summed in chunk order).
    fn finish_se(
        &self,
        accs: &[Option<Accum>],
        cn: &[f64],
        m: usize,
        nd: usize,
    ) -> Result<Array2<f64>> {
        let r = self.n_replicates();
        let mut tot = Accum::zeros(m * nd, self.unit_rscales());
        for a in accs.iter().flatten() {
            tot.merge(a);
        }
        let f = &self.factors;
        let rsum: f64 = (0..r)
            .map(|i| f.rscales.get(i).copied().unwrap_or(1.0))
            .sum();
        let se: Vec<f64> = (0..m * nd)
            .map(|idx| {
                if cn[idx].is_nan() {
                    return f64::NAN;
                }
                // sum rs (x - centre)^2 with centre = the full estimate (mse) or the replicate mean
                // c + d, from the sums around c.
                let v = if f.mse {
                    tot.t2[idx]
                } else {
                    let d = tot.s1[idx] / r.max(1) as f64;
                    tot.t2[idx] - 2.0 * d * tot.t1(idx) + d * d * rsum
                };
                (f.scale * v).max(0.0).sqrt()
            })
            .collect();
        Array2::from_shape_vec((m, nd), se).map_err(|_| layout())
    }

    /// Rank histograms of `measures` (indices, with their point ranks/groups in `points`) over
    /// every replicate, without keeping the replicates: each task recomputes its replicates and
    /// ranks them at once. Counts are integers, so the result does not depend on the split (nor on
    /// the thread count, which only sets how the chunks are grouped).
    pub(crate) fn rank_counts(
        &self,
        measures: &[usize],
        points: &[Point],
    ) -> Result<Vec<RankCounts>> {
        let kern = Kernel::new(self)?;
        let nd = kern.nd;
        let r = self.n_replicates();
        let fresh =
            || -> Vec<RankCounts> { points.iter().map(|p| RankCounts::new(nd, p)).collect() };
        // A few large pieces: each holds histograms of every measure (~16 kB each).
        let n_chunks = r.div_ceil(CHUNK);
        let min_len = n_chunks.div_ceil(2 * rayon::current_num_threads()).max(1);
        // Progress (write-only): one unit per replicate recomputed and ranked, per chunk.
        let progress = crate::progress::current();
        if let Some(p) = &progress {
            p.add_total(r as u64);
        }
        let counted = (0..n_chunks)
            .into_par_iter()
            .with_min_len(min_len)
            .fold(
                || (fresh(), kern.workspace(), LaneRanker::new(nd)),
                |(mut rcs, mut ws, mut lanes), ci| {
                    let span = ci * CHUNK..((ci + 1) * CHUNK).min(r);
                    let len = span.len();
                    for (off, i) in span.enumerate() {
                        kern.replicate(i, &mut ws, Some(off));
                    }
                    kern.rank_chunk(len, &ws, (measures, points), &mut rcs, &mut lanes);
                    if let Some(p) = &progress {
                        p.advance((((ci + 1) * CHUNK).min(r) - ci * CHUNK) as u64);
                    }
                    (rcs, ws, lanes)
                },
            )
            .map(|(rcs, _, _)| rcs)
            .reduce(fresh, |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    x.merge(y);
                }
                a
            });
        Ok(counted)
    }
}
