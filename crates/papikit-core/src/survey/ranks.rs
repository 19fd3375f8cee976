//! Rank intervals and P(performance group) of every measure from rank draws: the bootstrap (or
//! supplied bootstrap) replicates, or normal draws `estimate + se * N(0, 1)` (Taylor, jackknife and
//! non-bootstrap supplied replicates). Every draw is ranked by the shared rule of
//! [`crate::draws::Ranker`], 32 draws at a time ([`crate::draws::LaneRanker`]), and counted in a rank histogram per measure; intervals, P(group) and P(top) are read off the
//! histograms, which are cached (they depend only on the draws), so asking again, or at another
//! level or `top`, costs nothing.
//!
//! Sub-dimension and indicator replicates of the bootstrap are not kept by the scoring pass: their
//! histograms come from one fused pass of the replicate kernel that recomputes and ranks the
//! replicates of every measure not yet counted, without storing them.

use super::estimate;
use super::score::SurveyScores;
use crate::draws::{LANES, LaneRanker, RankHistogram, normals};
use crate::error::{PapiError, Result};
use crate::rank::{Group, group_of_rank, group_sizes, rank_desc};
use ndarray::{Array2, Array3};
use rayon::prelude::*;

static EMPTY: std::sync::LazyLock<Array3<f64>> =
    std::sync::LazyLock::new(|| Array3::<f64>::zeros((0, 0, 0)));

/// The draws of one measure: (contiguous data, offset of draw 0, stride between draws).
pub(crate) type DrawRows<'a> = (&'a [f64], usize, usize);

/// Normal draws `estimate + se * N(0, 1)` of measure `j` (replicates x provinces; a NaN SE counts
/// as 0), from stream `j` of the shared normal stream of the seed.
fn normal_draws(est: &Array2<f64>, se: &Array2<f64>, j: usize, r: usize, seed: u64) -> Array2<f64> {
    let nd = est.ncols();
    let mut z = vec![0.0; r * nd];
    normals(seed ^ 0x5eed_0f4a_4e4b, j as u64, &mut z);
    Array2::from_shape_fn((r, nd), |(i, d)| {
        let s = if se[[j, d]].is_nan() { 0.0 } else { se[[j, d]] };
        est[[j, d]] + s * z[i * nd + d]
    })
}

/// Point ranks of one measure: rank and group of every province, the provinces with an estimate,
/// and those in point-rank order (the order the ranker receives them in: near-sorted keys).
pub(crate) struct Point {
    pub(crate) ranks: Vec<Option<u32>>,
    pub(crate) groups: Vec<Option<Group>>,
    pub(crate) valid: usize,
    pub(crate) order: Vec<usize>,
}

impl Point {
    pub(crate) fn of(row: ndarray::ArrayView1<'_, f64>) -> Point {
        let point: Vec<Option<f64>> = row.iter().map(|&v| (!v.is_nan()).then_some(v)).collect();
        let valid = point.iter().filter(|v| v.is_some()).count();
        let ranks = rank_desc(&point);
        let groups = ranks
            .iter()
            .map(|r| r.and_then(|r| group_of_rank(r, valid)))
            .collect();
        let mut order: Vec<usize> = (0..point.len()).filter(|&d| point[d].is_some()).collect();
        order.sort_by_key(|&d| (ranks[d], d));
        Point {
            ranks,
            groups,
            valid,
            order,
        }
    }
}

/// Rank histogram (province x rank) of one measure summed over draws. P(rank <= k) and P(in the
/// point-estimate group) are read off the histogram at the end; the group's rank range depends on
/// how many provinces a draw ranks, so a draw that ranks fewer than the point estimate does (a
/// missing value) is corrected for in `adj`.
#[derive(Debug, Clone, PartialEq)]
pub struct RankCounts {
    hist: RankHistogram,
    /// Per province: draws in its group minus those the histogram rule counts (other-size draws).
    adj: Vec<i64>,
    /// Rank range of each province's group when `n_main` provinces are ranked ((1, 0) = none).
    main: Vec<(u32, u32)>,
    n_main: usize,
    groups: Vec<Option<Group>>,
}

/// Rank range of each province's point-estimate group when `n` provinces are ranked.
fn group_ranges(groups: &[Option<Group>], n: usize) -> Vec<(u32, u32)> {
    let mut edges = [0u32; 5];
    for (k, g) in group_sizes(n).iter().enumerate().take(4) {
        edges[k + 1] = edges[k] + *g as u32;
    }
    groups
        .iter()
        .map(|g| match g {
            Some(g) => {
                let k = g.index().min(3);
                (edges[k] + 1, if k == 3 { u32::MAX } else { edges[k + 1] })
            }
            None => (1, 0),
        })
        .collect()
}

impl RankCounts {
    pub(crate) fn new(nd: usize, p: &Point) -> RankCounts {
        RankCounts {
            hist: RankHistogram::new(nd, nd),
            adj: vec![0; nd],
            main: group_ranges(&p.groups, p.valid),
            n_main: p.valid,
            groups: p.groups.clone(),
        }
    }

    /// Count one ranked draw ((province, rank) pairs).
    pub(crate) fn add(&mut self, ranked: &[(u32, u32)], p: &Point) {
        self.hist.add(ranked);
        let nr = ranked.len();
        if nr != self.n_main {
            let other = group_ranges(&p.groups, nr);
            for &(d, rk) in ranked {
                let d = d as usize;
                let inside = |(lo, hi): (u32, u32)| i64::from(rk >= lo && rk <= hi);
                self.adj[d] += inside(other[d]) - inside(self.main[d]);
            }
        }
    }

    pub(crate) fn merge(&mut self, o: &RankCounts) {
        self.hist.merge(&o.hist);
        for (a, b) in self.adj.iter_mut().zip(&o.adj) {
            *a += b;
        }
    }

    /// Draws in which province `d` is in its point-estimate group.
    fn in_group(&self, d: usize) -> u64 {
        let (lo, hi) = self.main[d];
        (self.hist.within(d, lo, hi) as i64 + self.adj[d]).max(0) as u64
    }

    /// Nearest-rank quantile of the sorted rank draws of province `d`: element round(p (n - 1)).
    fn quantile(&self, d: usize, pr: f64) -> Option<u32> {
        let total = self.hist.total(d);
        if total == 0 {
            return None;
        }
        self.hist
            .rank_at(d, (pr * (total - 1) as f64).round() as u64)
    }
}

/// Rank statistics of one province on one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct RankStat {
    pub measure: usize,
    pub province: usize,
    pub rank: Option<u32>,
    pub rank_low: Option<u32>,
    pub rank_high: Option<u32>,
    pub group: Option<Group>,
    /// Share of draws in which the province falls in its point-estimate group.
    pub p_group: Option<f64>,
    /// P(rank <= top) when asked for.
    pub p_top: Option<f64>,
}

fn draws_layout() -> PapiError {
    PapiError::InvalidArgument {
        argument: "draws".into(),
        message: "internal layout error: draws are not contiguous".into(),
    }
}

impl SurveyScores {
    /// Replicate scores of every measure (replicates x measures x provinces): the supplied
    /// replicates, or the bootstrap/jackknife replicates recomputed from the kept cell sums and
    /// PSU factors on first use (the scoring pass keeps only the total and dimensions); None for
    /// Taylor.
    pub fn draws(&self) -> Result<Option<&Array3<f64>>> {
        if let Some(d) = self.all_draws.get() {
            return Ok(Some(d));
        }
        let Some(src) = &self.source else {
            return Ok(None);
        };
        let (d, _) = src.run(self.measures.len(), None)?;
        let _ = self.all_draws.set(d);
        Ok(self.all_draws.get())
    }

    /// Normal draws of measure `j` (replicates x provinces), made on first use.
    fn normal_of(&self, j: usize, r: usize) -> Option<&Array2<f64>> {
        let cell = self.normal_draws.get(j)?;
        Some(cell.get_or_init(|| normal_draws(&self.estimate, &self.se, j, r, self.seed)))
    }

    fn check_measures(&self, measures: &[usize]) -> Result<()> {
        let m = self.measures.len();
        match measures.iter().find(|&&j| j >= m) {
            Some(&bad) => Err(PapiError::InvalidArgument {
                argument: "measures".into(),
                message: format!("measure index {bad}; there are {m} measures"),
            }),
            None => Ok(()),
        }
    }

    /// Where the rank draws of each of `measures` live: (contiguous data, offset of draw 0,
    /// stride between draws); draw `i` of the measure is `data[offset + i * stride..][..provinces]`.
    /// Bootstrap or supplied replicates (the kept total/dimension ones when they suffice), or
    /// normal draws made per measure.
    pub(crate) fn rank_rows(&self, measures: &[usize]) -> Result<(usize, Vec<DrawRows<'_>>)> {
        let nd = self.estimate.ncols();
        self.check_measures(measures)?;
        if let Some(r) = self.normal_for_ranks {
            // Make the missing ones in parallel (each from its own stream).
            measures.par_iter().for_each(|&j| {
                let _ = self.normal_of(j, r);
            });
            let mut rows = Vec::with_capacity(measures.len());
            for &j in measures {
                let a = self.normal_of(j, r).ok_or_else(draws_layout)?;
                rows.push((a.as_slice().ok_or_else(draws_layout)?, 0, nd));
            }
            return Ok((r, rows));
        }
        let draws = match &self.head {
            Some(h) if measures.iter().all(|&j| j < h.shape()[1]) => h,
            // Empty only if score() set neither (not reachable); keeps the function total.
            _ => self.draws()?.unwrap_or(&EMPTY),
        };
        let (r, mm) = (draws.shape()[0], draws.shape()[1]);
        let flat = draws.as_slice().ok_or_else(draws_layout)?;
        Ok((
            r,
            measures.iter().map(|&j| (flat, j * nd, mm * nd)).collect(),
        ))
    }

    /// Rank intervals (equal-tailed at `level`), group and P(group) for every measure x province.
    pub fn ranks(&self, level: f64, top: Option<u32>) -> Result<Vec<RankStat>> {
        let all: Vec<usize> = (0..self.measures.len()).collect();
        self.ranks_of(&all, level, top)
    }

    /// [`SurveyScores::ranks`] for some measures only (by index): count the draws of the
    /// measures not yet counted, then read every measure's statistics off its histogram.
    pub fn ranks_of(
        &self,
        measures: &[usize],
        level: f64,
        top: Option<u32>,
    ) -> Result<Vec<RankStat>> {
        estimate::t_quantile(level, 10.0)?;
        self.check_measures(measures)?;
        self.count_ranks(measures)?;
        let nd = self.estimate.ncols();
        let mut out = Vec::with_capacity(measures.len() * nd);
        for &j in measures {
            let counts = self.rank_counts[j].get().ok_or_else(draws_layout)?;
            out.extend(self.read_ranks(j, counts, level, top));
        }
        Ok(out)
    }

    /// Statistics of every province on measure `j` from its histogram.
    fn read_ranks(
        &self,
        j: usize,
        tot: &RankCounts,
        level: f64,
        top: Option<u32>,
    ) -> Vec<RankStat> {
        let nd = self.estimate.ncols();
        let point = Point::of(self.estimate.row(j));
        (0..nd)
            .map(|d| {
                let cnt = tot.hist.total(d).max(1) as f64;
                let rank = point.ranks[d];
                RankStat {
                    measure: j,
                    province: d,
                    rank,
                    rank_low: rank.and(tot.quantile(d, (1.0 - level) / 2.0)),
                    rank_high: rank.and(tot.quantile(d, (1.0 + level) / 2.0)),
                    group: tot.groups[d],
                    p_group: rank.map(|_| tot.in_group(d) as f64 / cnt),
                    p_top: match (top, rank) {
                        (Some(t), Some(_)) => Some(tot.hist.at_most(d, t) as f64 / cnt),
                        _ => None,
                    },
                }
            })
            .collect()
    }

    /// Fill the histogram cache of `measures`. Kept or cached draws are ranked where they lie; the
    /// bootstrap replicates of measures the scoring pass did not keep are recomputed and ranked in
    /// one fused kernel pass, for every measure not yet counted (so a later level costs nothing).
    fn count_ranks(&self, measures: &[usize]) -> Result<()> {
        let todo: Vec<usize> = measures
            .iter()
            .copied()
            .filter(|&j| self.rank_counts[j].get().is_none())
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        let kept = self.head.as_ref().map_or(0, |h| h.shape()[1]);
        let fused = self.normal_for_ranks.is_none()
            && self.all_draws.get().is_none()
            && todo.iter().any(|&j| j >= kept);
        if let (true, Some(src)) = (fused, &self.source) {
            let rest: Vec<usize> = (kept..self.measures.len())
                .filter(|&j| self.rank_counts[j].get().is_none())
                .collect();
            let points: Vec<Point> = rest
                .iter()
                .map(|&j| Point::of(self.estimate.row(j)))
                .collect();
            for (j, rc) in rest.iter().zip(src.rank_counts(&rest, &points)?) {
                let _ = self.rank_counts[*j].set(rc);
            }
        }
        let todo: Vec<usize> = todo
            .into_iter()
            .filter(|&j| self.rank_counts[j].get().is_none())
            .collect();
        if !todo.is_empty() {
            for (j, rc) in todo.iter().zip(self.count_from_draws(&todo)?) {
                let _ = self.rank_counts[*j].set(rc);
            }
        }
        Ok(())
    }

    /// Histograms of `measures` from their stored draws; work is split over (measure, chunk of
    /// draws); counts are integers, so the result does not depend on the split.
    fn count_from_draws(&self, measures: &[usize]) -> Result<Vec<RankCounts>> {
        let nd = self.estimate.ncols();
        let (r, rows) = self.rank_rows(measures)?;
        let points: Vec<Point> = measures
            .iter()
            .map(|&j| Point::of(self.estimate.row(j)))
            .collect();
        const RANK_CHUNK: usize = 125;
        let n_chunks = r.div_ceil(RANK_CHUNK).max(1);
        let tasks: Vec<(usize, usize)> = (0..measures.len())
            .flat_map(|mi| (0..n_chunks).map(move |c| (mi, c)))
            .collect();
        // Progress (write-only): one unit per draw of a measure ranked, per task.
        let progress = crate::progress::current();
        if let Some(p) = &progress {
            p.add_total((r * measures.len()) as u64);
        }
        let counted: Vec<RankCounts> = tasks
            .par_iter()
            .map(|&(mi, c)| {
                let p = &points[mi];
                let mut rc = RankCounts::new(nd, p);
                let mut lanes = LaneRanker::new(nd);
                let (data, offset, stride) = rows[mi];
                let span: Vec<usize> = (c * RANK_CHUNK..((c + 1) * RANK_CHUNK).min(r)).collect();
                for group in span.chunks(LANES) {
                    let mut draws: [&[f64]; LANES] = [&[]; LANES];
                    for (row, &i) in draws.iter_mut().zip(group) {
                        let at = offset + i * stride;
                        *row = &data[at..at + nd];
                    }
                    lanes.rank_lanes(&draws[..group.len()], &p.order, |_, ranked| {
                        rc.add(ranked, p)
                    });
                }
                if let Some(pr) = &progress {
                    pr.advance((((c + 1) * RANK_CHUNK).min(r) - c * RANK_CHUNK) as u64);
                }
                rc
            })
            .collect();
        Ok(points
            .iter()
            .enumerate()
            .map(|(mi, p)| {
                let mut tot = RankCounts::new(nd, p);
                for rc in &counted[mi * n_chunks..(mi + 1) * n_chunks] {
                    tot.merge(rc);
                }
                tot
            })
            .collect())
    }
}
