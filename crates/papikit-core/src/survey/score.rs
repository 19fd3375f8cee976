//! The whole pipeline: microdata + design + framework -> indicator, sub-dimension, dimension and
//! total scores per province, each with SE, CI (t with per-domain df), rank intervals and
//! P(performance group).
//!
//! * `Taylor`: indicator means by linearisation; every higher level by linearising the (linear,
//!   goalpost) index, i.e. the PSU totals of a score's linearised variable are the Jacobian-weighted
//!   sums of the indicators' ones (exact for fixed goalposts; min-max / z-score need replicates).
//! * `Bootstrap` / `Jackknife` / `Supplied`: every replicate's indicator estimates go through the
//!   same normalisation and aggregation as the full sample, so every level carries replicates.
//! * Rank intervals and P(group) come from the bootstrap (or supplied) replicates; for Taylor and the
//!   jackknife, whose replicates are not draws from a sampling distribution, from normal draws
//!   `estimate + se * N(0, 1)` (seeded), independently per province.

use super::design::{Design, IndexedDesign};
use super::estimate::{self, CellSums};
use super::index::{self, Normalisation, Plan};
use super::replicate::{self, Method};
use crate::error::{PapiError, Result};
use crate::framework::Framework;
use crate::rank::{Group, group_of_rank, group_sizes, rank_desc};
use crate::registry::registry;
use crate::scores::{Level, Measure, Replicates, ScoreTable};
use ndarray::{Array2, Array3, Axis};
use polars::prelude::DataFrame;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

static EMPTY: std::sync::LazyLock<Array3<f64>> =
    std::sync::LazyLock::new(|| Array3::<f64>::zeros((0, 0, 0)));

/// Options of [`score`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreOptions {
    pub method: Method,
    pub replicates: usize,
    pub seed: u64,
    pub level: f64,
    pub normalisation: Normalisation,
    /// Survey year recorded in the result (default: the framework's last year).
    pub year: Option<u16>,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            method: Method::Bootstrap,
            replicates: 1000,
            seed: 1,
            level: 0.90,
            normalisation: Normalisation::Goalposts,
            year: None,
        }
    }
}

/// Scores of every province on every measure, with uncertainty. Measures are ordered total,
/// dimensions, sub-dimensions, indicators; arrays are (measures x provinces).
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyScores {
    pub year: u16,
    pub framework: String,
    pub method: Method,
    pub normalisation: Normalisation,
    pub level: f64,
    pub replicates: usize,
    pub seed: u64,
    pub provinces: Vec<u16>,
    pub domain_labels: Vec<String>,
    pub measures: Vec<Measure>,
    pub estimate: Array2<f64>,
    pub se: Array2<f64>,
    /// Degrees of freedom per province.
    pub df: Vec<f64>,
    /// Respondents: applicable ones for indicators, all for aggregates.
    pub n: Array2<u64>,
    /// Missing children (renormalised) per cell.
    pub missing: Array2<u32>,
    /// Replicate scores (replicates x measures x provinces); None for Taylor.
    pub draws: Option<Array3<f64>>,
    pub scale: f64,
    pub rscales: Vec<f64>,
    pub mse: bool,
    /// Ranks use normal draws (Taylor, jackknife) rather than `draws`; how many.
    pub normal_for_ranks: Option<usize>,
    /// Normal draws `estimate + se * N(0, 1)` (replicates x measures x provinces), made on first use.
    pub normal_draws: std::sync::OnceLock<Array3<f64>>,
    /// "bootstrap", "supplied" or "normal".
    pub rank_draws_kind: String,
}

fn province_codes(labels: &[String], column: &str) -> Result<Vec<u16>> {
    let reg = registry()?;
    labels
        .iter()
        .map(|l| {
            let found = match l.trim().parse::<u16>() {
                Ok(c) => reg.by_code(c).map(|p| p.code),
                Err(_) => reg.lookup(l).ok().map(|p| p.code),
            };
            found.ok_or_else(|| PapiError::InvalidSurvey {
                location: format!("domain {l:?} (column {column:?})"),
                message: "not a province (GSO code or name); index scores need province domains — estimate other groups with domain means".into(),
            })
        })
        .collect()
}

fn measures(plan: &Plan) -> Vec<Measure> {
    let nd = plan.dims.len() as f64;
    let mut out = vec![Measure {
        code: "total".into(),
        level: Level::Total,
        parent: None,
        name_en: "PAPI total".into(),
        name_vi: "Tổng điểm PAPI".into(),
        min: nd,
        max: 10.0 * nd,
    }];
    for d in &plan.dims {
        out.push(Measure {
            code: d.code.clone(),
            level: Level::Dimension,
            parent: Some("total".into()),
            name_en: d.name_en.clone(),
            name_vi: d.name_vi.clone(),
            min: 1.0,
            max: 10.0,
        });
    }
    for s in &plan.subs {
        let n = s.n_in_dim as f64;
        out.push(Measure {
            code: s.code.clone(),
            level: Level::Subdimension,
            parent: Some(plan.dims[s.dim].code.clone()),
            name_en: s.name_en.clone(),
            name_vi: s.name_vi.clone(),
            min: 1.0 / n,
            max: 10.0 / n,
        });
    }
    for i in &plan.indicators {
        out.push(Measure {
            code: i.code.clone(),
            level: Level::Indicator,
            parent: Some(plan.subs[i.sub].code.clone()),
            name_en: i.name_en.clone(),
            name_vi: i.name_vi.clone(),
            min: i.lo,
            max: i.hi,
        });
    }
    out
}

/// Cell sums of the framework's indicators (indicators without a recipe are all-NaN).
pub fn indicator_cells(df: &DataFrame, ix: &IndexedDesign, plan: &Plan) -> Result<CellSums> {
    let mut missing: Vec<String> = Vec::new();
    for ind in &plan.indicators {
        if let Some(r) = &ind.recipe {
            for it in r.items() {
                if !crate::frame::has(df, it) && !missing.iter().any(|m| m == it) {
                    missing.push(it.to_string());
                }
            }
        }
    }
    if !missing.is_empty() {
        let n = missing.len();
        return Err(PapiError::MissingColumn {
            column: missing.join(", "),
            available: format!(
                "{} item column(s) of the framework are not in the table; map your names with framework.with_columns({{indicator: column}}) (table columns: {})",
                n,
                df.get_column_names()
                    .iter()
                    .take(30)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let n = ix.n_rows;
    estimate::cell_sums(
        ix,
        plan.indicators.iter().map(|i| i.code.clone()).collect(),
        |k| match &plan.indicators[k].recipe {
            Some(r) => r.values(df),
            None => Ok(vec![f64::NAN; n]),
        },
    )
}

fn normal_draws(est: &Array2<f64>, se: &Array2<f64>, r: usize, seed: u64) -> Array3<f64> {
    let (m, nd) = est.dim();
    let slabs: Vec<Array2<f64>> = (0..r)
        .into_par_iter()
        .map(|i| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_0f4a_4e4b);
            rng.set_stream(i as u64);
            let mut a = Array2::<f64>::zeros((m, nd));
            for j in 0..m {
                for d in 0..nd {
                    // Box-Muller.
                    let u1: f64 = 1.0 - rng.random::<f64>();
                    let u2: f64 = rng.random::<f64>();
                    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                    let s = if se[[j, d]].is_nan() { 0.0 } else { se[[j, d]] };
                    a[[j, d]] = est[[j, d]] + s * z;
                }
            }
            a
        })
        .collect();
    stack(&slabs, m, nd)
}

/// Fused replicate kernel: for each replicate (in parallel, each writing its own contiguous slab),
/// the domain sums `sum_c factor[psu_c] * cells` of every item, the ratio estimates, and the whole
/// index. Memory: the (replicates x measures x provinces) result only.
fn replicate_scores(
    cells: &CellSums,
    f: &replicate::Factors,
    full: &Array2<f64>,
    plan: &Plan,
    norm: Normalisation,
    m: usize,
) -> Result<Array3<f64>> {
    let r = f.factors.nrows();
    let (k, nd) = full.dim();
    let mut out = Array3::<f64>::zeros((r, m, nd));
    let slab = m * nd;
    let buf = out
        .as_slice_mut()
        .ok_or_else(|| PapiError::InvalidArgument {
            argument: "replicates".into(),
            message: "internal layout error".into(),
        })?;
    // Per-domain cell sums as contiguous (cells x items) slices.
    let dom: Vec<(&[u32], Vec<f64>, Vec<f64>)> = cells
        .domains
        .iter()
        .map(|dc| {
            (
                dc.psus.as_slice(),
                dc.num.iter().copied().collect(),
                dc.den.iter().copied().collect(),
            )
        })
        .collect();
    buf.par_chunks_mut(slab.max(1)).enumerate().for_each_init(
        || {
            (
                Array2::<f64>::zeros((k, nd)),
                vec![0.0; k],
                vec![0.0; k],
                index::Scratch::default(),
            )
        },
        |(theta, nv, wv, scratch), (i, dst)| {
            let fac = f.factors.row(i);
            for (d, (psus, num, den)) in dom.iter().enumerate() {
                nv.fill(0.0);
                wv.fill(0.0);
                for (c, &p) in psus.iter().enumerate() {
                    let x = fac[p as usize];
                    let nrow = &num[c * k..(c + 1) * k];
                    let drow = &den[c * k..(c + 1) * k];
                    for ((a, b), (&y, &z)) in nv
                        .iter_mut()
                        .zip(wv.iter_mut())
                        .zip(nrow.iter().zip(drow.iter()))
                    {
                        *a += x * y;
                        *b += x * z;
                    }
                }
                for kk in 0..k {
                    theta[[kk, d]] = if wv[kk] > 0.0 {
                        nv[kk] / wv[kk]
                    } else {
                        full[[kk, d]]
                    };
                }
            }
            index::evaluate_into(plan, theta.view(), norm, dst, scratch);
        },
    );
    Ok(out)
}

fn stack(slabs: &[Array2<f64>], m: usize, nd: usize) -> Array3<f64> {
    let mut out = Array3::<f64>::zeros((slabs.len(), m, nd));
    for (i, s) in slabs.iter().enumerate() {
        out.index_axis_mut(Axis(0), i).assign(s);
    }
    out
}

/// Score a survey with a framework.
pub fn score(
    df: &DataFrame,
    design: &Design,
    fw: &Framework,
    opts: &ScoreOptions,
) -> Result<SurveyScores> {
    estimate::t_quantile(opts.level, 10.0)?;
    if opts.method == Method::Taylor && !opts.normalisation.is_linear() {
        return Err(PapiError::InvalidArgument {
            argument: "method".into(),
            message: format!(
                "Taylor linearisation needs the linear \"goalposts\" normalisation; {:?} normalises across provinces, so use method=\"bootstrap\" or \"jackknife\"",
                opts.normalisation.as_str()
            ),
        });
    }
    if opts.replicates < 2 {
        return Err(PapiError::InvalidArgument {
            argument: "replicates".into(),
            message: format!("{}; use at least 2 (typically 1000)", opts.replicates),
        });
    }
    let ix = IndexedDesign::new(df, design)?;
    let provinces = province_codes(&ix.domains, &design.domain)?;
    let plan = Plan::from_framework(fw)?;
    let cells = indicator_cells(df, &ix, &plan)?;
    let full_ind = cells.estimates();
    let (estimate, missing) = index::evaluate(&plan, full_ind.view(), opts.normalisation);
    let (m, nd) = estimate.dim();
    let mut se = Array2::<f64>::from_elem((m, nd), f64::NAN);
    let mut draws = None;
    let (mut scale, mut rscales, mut mse) = (1.0, Vec::new(), true);
    match opts.method {
        Method::Taylor => {
            let jac = index::jacobian(&plan, full_ind.view());
            let cols: Vec<Vec<f64>> = (0..nd)
                .into_par_iter()
                .map(|d| {
                    let z = cells.linearised(d, &full_ind);
                    let zm = z.dot(&jac[d].t());
                    estimate::taylor_var(&ix, &cells.domains[d], zm.view())
                })
                .collect();
            for (d, v) in cols.iter().enumerate() {
                for j in 0..m {
                    if !estimate[[j, d]].is_nan() {
                        se[[j, d]] = v[j].max(0.0).sqrt();
                    }
                }
            }
        }
        method => {
            let dr = match method {
                Method::Supplied => {
                    let sup = ix
                        .supplied
                        .as_ref()
                        .ok_or_else(|| PapiError::InvalidArgument {
                            argument: "method".into(),
                            message: "\"supplied\" needs replicate_weights= in the design".into(),
                        })?;
                    scale = sup.scale;
                    mse = sup.mse;
                    let rep_ind = replicate::supplied_estimates(&cells, &full_ind)?;
                    let r = rep_ind.shape()[0];
                    rscales = vec![1.0; r];
                    let slabs: Vec<Array2<f64>> = (0..r)
                        .into_par_iter()
                        .map(|i| {
                            index::evaluate(
                                &plan,
                                rep_ind.index_axis(Axis(0), i),
                                opts.normalisation,
                            )
                            .0
                        })
                        .collect();
                    stack(&slabs, m, nd)
                }
                _ => {
                    let f = if method == Method::Jackknife {
                        replicate::jackknife(&ix)?
                    } else {
                        replicate::bootstrap(&ix, opts.replicates, opts.seed)?
                    };
                    scale = f.scale;
                    rscales = f.rscales.clone();
                    mse = f.mse;
                    replicate_scores(&cells, &f, &full_ind, &plan, opts.normalisation, m)?
                }
            };
            se = replicate::rep_se(&dr, &estimate, scale, &rscales, mse);
            draws = Some(dr);
        }
    }
    let boot_like = match opts.method {
        Method::Bootstrap => true,
        Method::Supplied => {
            let r = rscales.len() as f64;
            !mse && (scale * (r - 1.0) - 1.0).abs() < 1e-9
        }
        _ => false,
    };
    let (normal, rank_draws_kind) = match (&draws, boot_like) {
        (Some(_), true) => (None, opts.method.as_str().to_string()),
        _ => (Some(opts.replicates), "normal".to_string()),
    };
    // n: applicable respondents for indicators, all respondents for aggregates.
    let mut rows = vec![0u64; nd];
    for &d in &ix.domain_of_row {
        rows[d as usize] += 1;
    }
    let counts = estimate::counts(&cells);
    let io = plan.ind_offset();
    let mut n = Array2::<u64>::zeros((m, nd));
    for j in 0..m {
        for d in 0..nd {
            n[[j, d]] = if j >= io {
                counts[[j - io, d]]
            } else {
                rows[d]
            };
        }
    }
    Ok(SurveyScores {
        year: opts.year.unwrap_or(fw.last_year),
        framework: fw.name.clone(),
        method: opts.method,
        normalisation: opts.normalisation,
        level: opts.level,
        replicates: draws.as_ref().map(|d| d.shape()[0]).unwrap_or(0),
        seed: opts.seed,
        provinces,
        domain_labels: ix.domains.clone(),
        measures: measures(&plan),
        df: estimate::domain_df(&ix, &cells),
        estimate,
        se,
        n,
        missing,
        draws,
        scale,
        rscales,
        mse,
        normal_for_ranks: normal,
        normal_draws: std::sync::OnceLock::new(),
        rank_draws_kind,
    })
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

impl SurveyScores {
    /// Draws used for rank statistics (replicates x measures x provinces).
    pub fn rank_draws(&self) -> &Array3<f64> {
        match (self.normal_for_ranks, &self.draws) {
            (Some(r), _) => self
                .normal_draws
                .get_or_init(|| normal_draws(&self.estimate, &self.se, r, self.seed)),
            (None, Some(d)) => d,
            // Unreachable by construction (score() sets one of them); an empty array keeps it total.
            (None, None) => &EMPTY,
        }
    }

    /// (low, high) CI bounds at `level`: estimate -/+ t(df of the province) * se.
    pub fn ci(&self, level: f64) -> Result<(Array2<f64>, Array2<f64>)> {
        let (m, nd) = self.estimate.dim();
        let mut lo = Array2::<f64>::from_elem((m, nd), f64::NAN);
        let mut hi = lo.clone();
        let mut cache: Vec<(f64, f64)> = Vec::new();
        for d in 0..nd {
            let t = match cache.iter().find(|(df, _)| *df == self.df[d]) {
                Some(&(_, t)) => t,
                None => {
                    let t = estimate::t_quantile(level, self.df[d])?;
                    cache.push((self.df[d], t));
                    t
                }
            };
            for j in 0..m {
                let (e, s) = (self.estimate[[j, d]], self.se[[j, d]]);
                if !e.is_nan() && !s.is_nan() {
                    lo[[j, d]] = e - t * s;
                    hi[[j, d]] = e + t * s;
                }
            }
        }
        Ok((lo, hi))
    }

    /// Rank intervals (equal-tailed at `level`), group and P(group) for every measure x province.
    pub fn ranks(&self, level: f64, top: Option<u32>) -> Result<Vec<RankStat>> {
        let all: Vec<usize> = (0..self.measures.len()).collect();
        self.ranks_of(&all, level, top)
    }

    /// [`SurveyScores::ranks`] for some measures only (by index).
    pub fn ranks_of(
        &self,
        measures: &[usize],
        level: f64,
        top: Option<u32>,
    ) -> Result<Vec<RankStat>> {
        estimate::t_quantile(level, 10.0)?;
        let nd = self.estimate.ncols();
        let draws = self.rank_draws();
        let r = draws.shape()[0];
        let per_measure: Vec<Vec<RankStat>> = measures
            .par_iter()
            .map(|&j| {
                let point: Vec<Option<f64>> = self
                    .estimate
                    .row(j)
                    .iter()
                    .map(|&v| (!v.is_nan()).then_some(v))
                    .collect();
                let n_ranked = point.iter().filter(|v| v.is_some()).count();
                let ranks = rank_desc(&point);
                let groups: Vec<Option<Group>> = ranks
                    .iter()
                    .map(|r| r.and_then(|r| group_of_rank(r, n_ranked)))
                    .collect();
                let valid: Vec<usize> = (0..nd).filter(|&d| point[d].is_some()).collect();
                // hist[d * (nd + 2) + rank] = number of draws with that rank.
                let w = nd + 2;
                let mut hist = vec![0u32; nd * w];
                let mut in_group = vec![0usize; nd];
                let mut in_top = vec![0usize; nd];
                let mut pairs: Vec<(f64, u32)> = Vec::with_capacity(nd);
                let mut bounds_for = usize::MAX;
                let mut bounds = [0u32; 4];
                for i in 0..r {
                    pairs.clear();
                    let slab = draws.index_axis(Axis(0), i);
                    let row = slab.row(j);
                    for &d in &valid {
                        let v = row[d];
                        if !v.is_nan() {
                            pairs.push((v, d as u32));
                        }
                    }
                    pairs.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
                    let nr = pairs.len();
                    if nr != bounds_for {
                        let gs = group_sizes(nr);
                        let mut acc = 0u32;
                        for (k, g) in gs.iter().enumerate() {
                            acc += *g as u32;
                            bounds[k] = acc;
                        }
                        bounds_for = nr;
                    }
                    let mut prev = f64::NAN;
                    let mut prev_rank = 0u32;
                    for (pos, &(v, d)) in pairs.iter().enumerate() {
                        let d = d as usize;
                        let rk = if pos > 0 && v == prev {
                            prev_rank
                        } else {
                            pos as u32 + 1
                        };
                        prev = v;
                        prev_rank = rk;
                        hist[d * w + rk as usize] += 1;
                        if let Some(g) = groups[d] {
                            let gi = bounds.iter().position(|&u| rk <= u).unwrap_or(3);
                            if gi == g.index() {
                                in_group[d] += 1;
                            }
                        }
                        if top.is_some_and(|t| rk <= t) {
                            in_top[d] += 1;
                        }
                    }
                }
                (0..nd)
                    .map(|d| {
                        let h = &hist[d * w..(d + 1) * w];
                        let total: u32 = h.iter().sum();
                        // Nearest-rank quantile of the sorted draws: element round(p (n - 1)).
                        let q = |p: f64| -> Option<u32> {
                            if total == 0 {
                                return None;
                            }
                            let target = (p * (total - 1) as f64).round() as u32;
                            let mut cum = 0u32;
                            for (rk, &c) in h.iter().enumerate() {
                                cum += c;
                                if cum > target {
                                    return Some(rk as u32);
                                }
                            }
                            None
                        };
                        let cnt = total.max(1) as f64;
                        RankStat {
                            measure: j,
                            province: d,
                            rank: ranks[d],
                            rank_low: ranks[d].and(q((1.0 - level) / 2.0)),
                            rank_high: ranks[d].and(q((1.0 + level) / 2.0)),
                            group: groups[d],
                            p_group: ranks[d].map(|_| in_group[d] as f64 / cnt),
                            p_top: top.and(ranks[d]).map(|_| in_top[d] as f64 / cnt),
                        }
                    })
                    .collect()
            })
            .collect();
        Ok(per_measure.into_iter().flatten().collect())
    }

    /// The shared `ScoreTable` shape with `se` and `replicates` filled (jackknife replicates are
    /// rescaled around the estimate so that `scale * sum (theta_r - estimate)^2` is the JKn
    /// variance; Taylor results carry the normal draws).
    pub fn to_score_table(&self) -> ScoreTable {
        let (m, nd) = self.estimate.dim();
        let opt = |a: &Array2<f64>| -> Vec<Vec<Option<f64>>> {
            (0..m)
                .map(|j| {
                    (0..nd)
                        .map(|d| {
                            let v = a[[j, d]];
                            (!v.is_nan()).then_some(v)
                        })
                        .collect()
                })
                .collect()
        };
        let reps = match (&self.draws, self.method) {
            (Some(dr), Method::Bootstrap) | (Some(dr), Method::Supplied) if !self.mse => {
                Replicates {
                    draws: (0..m)
                        .map(|j| dr.index_axis(Axis(1), j).to_owned())
                        .collect(),
                    scale: self.scale,
                    centre_full: false,
                    method: self.method.as_str().into(),
                }
            }
            (Some(dr), _) => {
                let r = dr.shape()[0];
                Replicates {
                    draws: (0..m)
                        .map(|j| {
                            let mut a = Array2::<f64>::zeros((r, nd));
                            for i in 0..r {
                                let k = (self.scale * self.rscales.get(i).copied().unwrap_or(1.0))
                                    .sqrt();
                                for d in 0..nd {
                                    let e = self.estimate[[j, d]];
                                    a[[i, d]] = e + k * (dr[[i, j, d]] - e);
                                }
                            }
                            a
                        })
                        .collect(),
                    scale: 1.0,
                    centre_full: true,
                    method: self.method.as_str().into(),
                }
            }
            (None, _) => Replicates {
                draws: (0..m)
                    .map(|j| self.rank_draws().index_axis(Axis(1), j).to_owned())
                    .collect(),
                scale: 1.0 / (self.rank_draws().shape()[0].max(2) as f64 - 1.0),
                centre_full: false,
                method: "normal".into(),
            },
        };
        ScoreTable {
            year: self.year,
            source: "survey".into(),
            provinces: self.provinces.clone(),
            measures: self.measures.clone(),
            values: opt(&self.estimate),
            se: Some(opt(&self.se)),
            replicates: Some(reps),
        }
    }
}

fn province_names(codes: &[u16], lang: crate::Lang) -> Vec<Option<String>> {
    let reg = registry().ok();
    codes
        .iter()
        .map(|&c| {
            reg.and_then(|r| r.by_code(c)).map(|p| match lang {
                crate::Lang::Vi => p.name_vi.clone(),
                crate::Lang::En => p.name_en.clone(),
            })
        })
        .collect()
}

impl SurveyScores {
    /// Indices of the measures of a level, in order.
    pub fn level_measures(&self, level: Level) -> Vec<usize> {
        self.measures
            .iter()
            .enumerate()
            .filter(|(_, m)| m.level == level)
            .map(|(i, _)| i)
            .collect()
    }

    /// One level as a long table: province, name, code, parent, estimate, se, ci_low, ci_high, df,
    /// n, n_missing (one row per province x measure, measures in framework order).
    pub fn frame(&self, level: Level, ci_level: f64, lang: crate::Lang) -> Result<DataFrame> {
        let (lo, hi) = self.ci(ci_level)?;
        let names = province_names(&self.provinces, lang);
        let ms = self.level_measures(level);
        let nd = self.provinces.len();
        let cap = ms.len() * nd;
        let (mut prov, mut name, mut code, mut parent) = (
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
        );
        let (mut est, mut se, mut cl, mut ch, mut df, mut n, mut miss) = (
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
        );
        let opt = |v: f64| (!v.is_nan()).then_some(v);
        for &j in &ms {
            for d in 0..nd {
                prov.push(Some(self.provinces[d] as u32));
                name.push(names[d].clone());
                code.push(Some(self.measures[j].code.clone()));
                parent.push(self.measures[j].parent.clone());
                est.push(opt(self.estimate[[j, d]]));
                se.push(opt(self.se[[j, d]]));
                cl.push(opt(lo[[j, d]]));
                ch.push(opt(hi[[j, d]]));
                df.push(Some(self.df[d]));
                n.push(Some(self.n[[j, d]] as u32));
                miss.push(Some(self.missing[[j, d]]));
            }
        }
        crate::frame::build(
            cap,
            vec![
                crate::frame::col_u32("province", prov),
                crate::frame::col_str("name", &name),
                crate::frame::col_str("code", &code),
                crate::frame::col_str("parent", &parent),
                crate::frame::col_f64("estimate", est),
                crate::frame::col_f64("se", se),
                crate::frame::col_f64("ci_low", cl),
                crate::frame::col_f64("ci_high", ch),
                crate::frame::col_f64("df", df),
                crate::frame::col_u32("n", n),
                crate::frame::col_u32("n_missing", miss),
            ],
        )
    }

    /// Ranks of one level: province, name, code, estimate, rank, rank_low, rank_high, group,
    /// p_group (and p_top when `top` is given).
    pub fn rank_frame(
        &self,
        level: Level,
        ci_level: f64,
        top: Option<u32>,
        lang: crate::Lang,
    ) -> Result<DataFrame> {
        let ms = self.level_measures(level);
        let stats = self.ranks_of(&ms, ci_level, top)?;
        let names = province_names(&self.provinces, lang);
        let rows: Vec<&RankStat> = stats.iter().filter(|r| ms.contains(&r.measure)).collect();
        let h = rows.len();
        let u =
            |f: &dyn Fn(&RankStat) -> Option<u32>| rows.iter().map(|r| f(r)).collect::<Vec<_>>();
        let mut cols = vec![
            crate::frame::col_u32("province", u(&|r| Some(self.provinces[r.province] as u32))),
            crate::frame::col_str(
                "name",
                &rows
                    .iter()
                    .map(|r| names[r.province].clone())
                    .collect::<Vec<_>>(),
            ),
            crate::frame::col_str(
                "code",
                &rows
                    .iter()
                    .map(|r| Some(self.measures[r.measure].code.clone()))
                    .collect::<Vec<_>>(),
            ),
            crate::frame::col_f64(
                "estimate",
                rows.iter()
                    .map(|r| {
                        let v = self.estimate[[r.measure, r.province]];
                        (!v.is_nan()).then_some(v)
                    })
                    .collect(),
            ),
            crate::frame::col_u32("rank", u(&|r| r.rank)),
            crate::frame::col_u32("rank_low", u(&|r| r.rank_low)),
            crate::frame::col_u32("rank_high", u(&|r| r.rank_high)),
            crate::frame::col_str(
                "group",
                &rows
                    .iter()
                    .map(|r| r.group.map(|g| g.label(lang).to_string()))
                    .collect::<Vec<_>>(),
            ),
            crate::frame::col_f64("p_group", rows.iter().map(|r| r.p_group).collect()),
        ];
        if top.is_some() {
            cols.push(crate::frame::col_f64(
                "p_top",
                rows.iter().map(|r| r.p_top).collect(),
            ));
        }
        crate::frame::build(h, cols)
    }

    /// Replicate scores of one level: (codes, array replicates x measures x provinces). Taylor
    /// results give the normal draws used for ranks.
    pub fn replicate_array(&self, level: Level) -> (Vec<String>, Array3<f64>) {
        let ms = self.level_measures(level);
        let src = self.draws.as_ref().unwrap_or(self.rank_draws());
        let codes = ms.iter().map(|&j| self.measures[j].code.clone()).collect();
        (codes, src.select(Axis(1), &ms))
    }
}

impl super::estimate::DomainMeans {
    /// Long table: domain, item, estimate, se, ci_low, ci_high, df, n.
    pub fn frame(&self, ci_level: f64) -> Result<DataFrame> {
        let (k, nd) = self.estimate.dim();
        let mut dom = Vec::new();
        let mut item = Vec::new();
        let (mut e, mut s, mut lo, mut hi, mut df, mut n) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        for j in 0..k {
            for d in 0..nd {
                let t = estimate::t_quantile(ci_level, self.df[d])?;
                let (ev, sv) = (self.estimate[[j, d]], self.se[[j, d]]);
                let ok = !ev.is_nan() && !sv.is_nan();
                dom.push(Some(self.domains[d].clone()));
                item.push(Some(self.items[j].clone()));
                e.push((!ev.is_nan()).then_some(ev));
                s.push((!sv.is_nan()).then_some(sv));
                lo.push(ok.then_some(ev - t * sv));
                hi.push(ok.then_some(ev + t * sv));
                df.push(Some(self.df[d]));
                n.push(Some(self.count[[j, d]] as u32));
            }
        }
        crate::frame::build(
            k * nd,
            vec![
                crate::frame::col_str("domain", &dom),
                crate::frame::col_str("item", &item),
                crate::frame::col_f64("estimate", e),
                crate::frame::col_f64("se", s),
                crate::frame::col_f64("ci_low", lo),
                crate::frame::col_f64("ci_high", hi),
                crate::frame::col_f64("df", df),
                crate::frame::col_u32("n", n),
            ],
        )
    }
}
