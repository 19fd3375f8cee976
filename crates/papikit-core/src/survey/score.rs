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
    /// Domains are the 34 provincial units of 1 July 2025 (domain labels are unit codes or names;
    /// a pre-merger province name resolves to the unit it joined) instead of the 63 provinces.
    pub units_2025: bool,
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
            units_2025: false,
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
    /// `provinces` holds codes of the 34 units of 2025 rather than of the 63 provinces.
    pub units_2025: bool,
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
    /// Replicate scores of the total and the dimensions (replicates x (1 + dimensions) x
    /// provinces), kept from the scoring pass for their rank intervals; None when ranks use normal
    /// draws or for supplied replicates (whose draws are all kept).
    pub head: Option<Array3<f64>>,
    /// Replicate scores of every measure (replicates x measures x provinces): kept at once for
    /// supplied replicates, otherwise recomputed from `source` on first use (same kernel, so
    /// bit-identical to the scoring pass). Empty for Taylor.
    pub all_draws: std::sync::OnceLock<Array3<f64>>,
    /// Cell sums and PSU factors of the bootstrap/jackknife, to recompute the replicates.
    pub source: Option<std::sync::Arc<ReplicateSource>>,
    pub scale: f64,
    pub rscales: Vec<f64>,
    pub mse: bool,
    /// Ranks use normal draws (Taylor, jackknife) rather than `draws`; how many.
    pub normal_for_ranks: Option<usize>,
    /// Normal draws `estimate + se * N(0, 1)` of each measure (replicates x provinces), made on
    /// first use of that measure from its own random stream, so they do not depend on which
    /// measures were asked for first.
    pub normal_draws: Vec<std::sync::OnceLock<Array2<f64>>>,
    /// "bootstrap", "supplied" or "normal".
    pub rank_draws_kind: String,
}

fn province_codes(labels: &[String], column: &str, units_2025: bool) -> Result<Vec<u16>> {
    let reg = registry()?;
    labels
        .iter()
        .map(|l| {
            let found = if units_2025 {
                reg.lookup_unit(l).ok().map(|u| u.code)
            } else {
                match l.trim().parse::<u16>() {
                    Ok(c) => reg.by_code(c).map(|p| p.code),
                    Err(_) => reg.lookup(l).ok().map(|p| p.code),
                }
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

/// The draws of one measure: (contiguous data, offset of draw 0, stride between draws).
type DrawRows<'a> = (&'a [f64], usize, usize);

/// Normal draws `estimate + se * N(0, 1)` of measure `j` (replicates x provinces; a NaN SE counts
/// as 0), from the ChaCha8 stream `j` of the seed; Box-Muller, both outputs used.
fn normal_draws(est: &Array2<f64>, se: &Array2<f64>, j: usize, r: usize, seed: u64) -> Array2<f64> {
    let nd = est.ncols();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_0f4a_4e4b);
    rng.set_stream(j as u64);
    let mut z = Vec::with_capacity(r * nd + 1);
    while z.len() < r * nd {
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random::<f64>();
        let rad = (-2.0 * u1.ln()).sqrt();
        let (sn, cs) = (std::f64::consts::TAU * u2).sin_cos();
        z.push(rad * cs);
        z.push(rad * sn);
    }
    Array2::from_shape_fn((r, nd), |(i, d)| {
        let s = if se[[j, d]].is_nan() { 0.0 } else { se[[j, d]] };
        est[[j, d]] + s * z[i * nd + d]
    })
}

/// Everything the replicate kernel needs: PSU-level cell sums, the PSU factors of every replicate,
/// the full-sample indicator estimates and the compiled index.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateSource {
    cells: CellSums,
    factors: replicate::Factors,
    /// Full-sample indicator estimates, domain-major (`[d * k + j]`).
    full: Vec<f64>,
    compiled: index::Compiled,
    norm: Normalisation,
}

/// Replicates per task of the kernel. Fixed (not derived from the thread count), and every sum
/// runs in replicate order within a chunk and in chunk order across chunks, so results are
/// bit-identical for any number of threads.
const CHUNK: usize = 32;

/// Variance accumulators of one chunk: sums of `x - c`, `rscale (x - c)` and `rscale (x - c)^2`
/// around the full-sample estimate `c`.
struct Accum {
    s1: Vec<f64>,
    t1: Vec<f64>,
    t2: Vec<f64>,
}

impl Accum {
    fn zeros(n: usize) -> Accum {
        Accum {
            s1: vec![0.0; n],
            t1: vec![0.0; n],
            t2: vec![0.0; n],
        }
    }
}

impl ReplicateSource {
    fn n_replicates(&self) -> usize {
        self.factors.factors.nrows()
    }

    /// The fused replicate kernel. For every replicate: domain sums `sum_c factor[psu_c] * cells`
    /// of every item (PSUs with factor 0 skipped), ratio estimates, and the whole index. Keeps the
    /// first `keep` measures of every replicate (replicates x keep x provinces) and, with `centre`
    /// (the full-sample scores, measures x provinces), returns the replicate SEs of every measure.
    /// Memory: one (measures x provinces) slab per task plus what is kept.
    fn run(
        &self,
        keep: usize,
        centre: Option<&Array2<f64>>,
    ) -> Result<(Array3<f64>, Option<Array2<f64>>)> {
        let c = &self.compiled;
        let (k, m) = (c.n_indicators(), c.n_measures());
        let nd = self.cells.domains.len();
        let r = self.n_replicates();
        let layout = || PapiError::InvalidArgument {
            argument: "replicates".into(),
            message: "internal layout error in the replicate kernel".into(),
        };
        let mut dom: Vec<(&[u32], &[f64], &[f64])> = Vec::with_capacity(nd);
        for dc in &self.cells.domains {
            dom.push((
                dc.psus.as_slice(),
                dc.num.as_slice().ok_or_else(layout)?,
                dc.den.as_slice().ok_or_else(layout)?,
            ));
        }
        let centre = match centre {
            Some(cn) => Some(cn.as_slice().ok_or_else(layout)?),
            None => None,
        };
        let zscore = self.norm == Normalisation::ZScore;
        let mut fixed = Vec::new();
        if self.norm.is_linear() {
            c.affine(self.norm, &self.full, nd, &mut fixed);
        }
        let mut kept = Array3::<f64>::zeros((r, keep, nd));
        let kept_buf = kept.as_slice_mut().ok_or_else(layout)?;
        let per_rep = keep * nd;
        let n_chunks = r.div_ceil(CHUNK);
        let chunk_of = |ci: usize| ci * CHUNK..((ci + 1) * CHUNK).min(r);
        let body = |ci: usize, dst: &mut [f64]| -> Option<Accum> {
            let mut theta = vec![0.0; nd * k];
            let (mut nv, mut wv) = (vec![0.0; k], vec![0.0; k]);
            let mut params = fixed.clone();
            let mut slab = vec![f64::NAN; m * nd];
            let mut acc = centre.map(|_| Accum::zeros(m * nd));
            for (off, i) in chunk_of(ci).enumerate() {
                let fac = self.factors.factors.row(i);
                for (d, &(psus, num, den)) in dom.iter().enumerate() {
                    nv.fill(0.0);
                    wv.fill(0.0);
                    for (cc, &p) in psus.iter().enumerate() {
                        let x = fac[p as usize];
                        if x == 0.0 {
                            continue;
                        }
                        let nrow = &num[cc * k..(cc + 1) * k];
                        let drow = &den[cc * k..(cc + 1) * k];
                        for (a, &y) in nv.iter_mut().zip(nrow) {
                            *a += x * y;
                        }
                        for (b, &z) in wv.iter_mut().zip(drow) {
                            *b += x * z;
                        }
                    }
                    let th = &mut theta[d * k..(d + 1) * k];
                    let fl = &self.full[d * k..(d + 1) * k];
                    for (((t, &a), &b), &f) in th.iter_mut().zip(&nv).zip(&wv).zip(fl) {
                        *t = if b > 0.0 { a / b } else { f };
                    }
                }
                if !self.norm.is_linear() {
                    c.affine(self.norm, &theta, nd, &mut params);
                }
                for d in 0..nd {
                    c.eval_domain(
                        &theta[d * k..(d + 1) * k],
                        &params,
                        zscore,
                        &mut slab[d..],
                        nd,
                        None,
                    );
                }
                dst[off * per_rep..(off + 1) * per_rep].copy_from_slice(&slab[..per_rep]);
                if let (Some(a), Some(cn)) = (acc.as_mut(), centre) {
                    let rs = self.factors.rscales.get(i).copied().unwrap_or(1.0);
                    for (idx, (&x, &cc)) in slab.iter().zip(cn).enumerate() {
                        let dx = x - cc;
                        a.s1[idx] += dx;
                        a.t1[idx] += rs * dx;
                        a.t2[idx] += rs * dx * dx;
                    }
                }
            }
            acc
        };
        let accs: Vec<Option<Accum>> = if per_rep == 0 {
            (0..n_chunks)
                .into_par_iter()
                .map(|ci| body(ci, &mut []))
                .collect()
        } else {
            kept_buf
                .par_chunks_mut(CHUNK * per_rep)
                .enumerate()
                .map(|(ci, dst)| body(ci, dst))
                .collect()
        };
        let se = match centre {
            None => None,
            Some(cn) => {
                let mut tot = Accum::zeros(m * nd);
                for a in accs.iter().flatten() {
                    for idx in 0..m * nd {
                        tot.s1[idx] += a.s1[idx];
                        tot.t1[idx] += a.t1[idx];
                        tot.t2[idx] += a.t2[idx];
                    }
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
                        // sum rs (x - centre)^2 with centre = the full estimate (mse) or the
                        // replicate mean c + d, from the sums around c.
                        let v = if f.mse {
                            tot.t2[idx]
                        } else {
                            let d = tot.s1[idx] / r.max(1) as f64;
                            tot.t2[idx] - 2.0 * d * tot.t1[idx] + d * d * rsum
                        };
                        (f.scale * v).max(0.0).sqrt()
                    })
                    .collect();
                Some(Array2::from_shape_vec((m, nd), se).map_err(|_| layout())?)
            }
        };
        Ok((kept, se))
    }
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
    let provinces = province_codes(&ix.domains, &design.domain, opts.units_2025)?;
    let plan = Plan::from_framework(fw)?;
    let cells = indicator_cells(df, &ix, &plan)?;
    let full_ind = cells.estimates();
    let counts = estimate::counts(&cells);
    let dom_df = estimate::domain_df(&ix, &cells);
    let (estimate, missing) = index::evaluate(&plan, full_ind.view(), opts.normalisation)?;
    let (m, nd) = estimate.dim();
    let mut se = Array2::<f64>::from_elem((m, nd), f64::NAN);
    let (mut head, all_draws, mut source) = (None, std::sync::OnceLock::new(), None);
    let (mut scale, mut rscales, mut mse) = (1.0, Vec::new(), true);
    let mut n_reps = 0;
    match opts.method {
        Method::Taylor => {
            let jac = index::jacobian(&plan, full_ind.view())?;
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
        Method::Supplied => {
            let sup = ix
                .supplied
                .as_ref()
                .ok_or_else(replicate::no_replicate_weights)?;
            scale = sup.scale;
            mse = sup.mse;
            let rep_ind = replicate::supplied_estimates(&cells, &full_ind)?;
            let r = rep_ind.shape()[0];
            rscales = vec![1.0; r];
            let slabs: Vec<Array2<f64>> = (0..r)
                .into_par_iter()
                .map(|i| {
                    index::evaluate(&plan, rep_ind.index_axis(Axis(0), i), opts.normalisation)
                        .map(|x| x.0)
                })
                .collect::<Result<_>>()?;
            let dr = stack(&slabs, m, nd);
            se = replicate::rep_se(&dr, &estimate, scale, &rscales, mse);
            n_reps = r;
            let _ = all_draws.set(dr);
        }
        method => {
            let f = if method == Method::Jackknife {
                replicate::jackknife(&ix)?
            } else {
                replicate::bootstrap(&ix, opts.replicates, opts.seed)?
            };
            scale = f.scale;
            rscales = f.rscales.clone();
            mse = f.mse;
            n_reps = f.factors.nrows();
            let src = ReplicateSource {
                compiled: index::Compiled::new(&plan)?,
                full: full_ind.t().iter().copied().collect(),
                cells,
                factors: f,
                norm: opts.normalisation,
            };
            // Bootstrap replicates are draws of the sampling distribution: keep those of the total
            // and dimensions for their rank intervals (jackknife ranks use normal draws).
            let keep = if method == Method::Bootstrap {
                1 + plan.dims.len()
            } else {
                0
            };
            let (kept, rep_se) = src.run(keep, Some(&estimate))?;
            if let Some(x) = rep_se {
                se = x;
            }
            if keep > 0 {
                head = Some(kept);
            }
            source = Some(std::sync::Arc::new(src));
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
    let (normal, rank_draws_kind) = if boot_like && n_reps > 0 {
        (None, opts.method.as_str().to_string())
    } else {
        (Some(opts.replicates), "normal".to_string())
    };
    // n: applicable respondents for indicators, all respondents for aggregates.
    let mut rows = vec![0u64; nd];
    for &d in &ix.domain_of_row {
        rows[d as usize] += 1;
    }
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
        replicates: n_reps,
        seed: opts.seed,
        provinces,
        units_2025: opts.units_2025,
        domain_labels: ix.domains.clone(),
        measures: measures(&plan),
        df: dom_df,
        estimate,
        se,
        n,
        missing,
        head,
        all_draws,
        source,
        scale,
        rscales,
        mse,
        normal_for_ranks: normal,
        normal_draws: (0..m).map(|_| std::sync::OnceLock::new()).collect(),
        rank_draws_kind,
    })
}

/// Ranks of one draw of one measure, descending, ties sharing the lowest rank. Values are sorted
/// as integer keys (order-preserving bits of the value with the province in the lowest bits);
/// provinces whose keys tie after that truncation are then ordered by their exact values, so the
/// ranks are exact.
struct Ranker {
    keys: Vec<u64>,
    /// Value of each province in the current draw.
    vals: Vec<f64>,
    /// (province, rank) in rank order.
    ranked: Vec<(u32, u32)>,
    bits: u32,
}

impl Ranker {
    fn new(nd: usize) -> Ranker {
        Ranker {
            keys: Vec::with_capacity(nd),
            vals: vec![f64::NAN; nd],
            ranked: Vec::with_capacity(nd),
            bits: (u64::BITS - (nd.max(2) as u64 - 1).leading_zeros()).max(1),
        }
    }

    fn rank(&mut self, row: &[f64], valid: &[usize]) {
        let bits = self.bits;
        let mask = (1u64 << bits) - 1;
        self.keys.clear();
        self.ranked.clear();
        for &d in valid {
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
        // Equal values have equal truncated keys, so values are compared only then.
        let (mut prev, mut prev_rank) = (u64::MAX, 0u32);
        for (pos, &k) in keys.iter().enumerate() {
            let d = (k & mask) as usize;
            let tie =
                pos > 0 && k >> bits == prev >> bits && vals[d] == vals[(prev & mask) as usize];
            let rk = if tie { prev_rank } else { pos as u32 + 1 };
            prev = k;
            prev_rank = rk;
            self.ranked.push((d as u32, rk));
        }
    }
}

/// Rank histogram (province x rank) summed over draws. P(rank <= k) and P(in the point-estimate
/// group) are read off the histogram at the end; the group's rank range depends on how many
/// provinces a draw ranks, so a draw that ranks fewer than the point estimate does (a missing
/// value) is corrected for in `adj`.
struct RankCounts {
    hist: Vec<u32>,
    /// Per province: draws in its group minus those the histogram rule counts (other-size draws).
    adj: Vec<i64>,
    w: usize,
    /// Rank range of each province's group when `n_main` provinces are ranked ((1, 0) = none).
    main: Vec<(u32, u32)>,
    n_main: usize,
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
    fn new(nd: usize, w: usize, groups: &[Option<Group>], n_main: usize) -> RankCounts {
        RankCounts {
            hist: vec![0; nd * w],
            adj: vec![0; nd],
            w,
            main: group_ranges(groups, n_main),
            n_main,
        }
    }

    fn add(&mut self, ranker: &Ranker, groups: &[Option<Group>]) {
        let w = self.w;
        for &(d, rk) in &ranker.ranked {
            self.hist[d as usize * w + rk as usize] += 1;
        }
        let nr = ranker.ranked.len();
        if nr != self.n_main {
            let other = group_ranges(groups, nr);
            for &(d, rk) in &ranker.ranked {
                let d = d as usize;
                let inside = |(lo, hi): (u32, u32)| i64::from(rk >= lo && rk <= hi);
                self.adj[d] += inside(other[d]) - inside(self.main[d]);
            }
        }
    }

    fn merge(&mut self, o: &RankCounts) {
        for (a, b) in self.hist.iter_mut().zip(&o.hist) {
            *a += b;
        }
        for (a, b) in self.adj.iter_mut().zip(&o.adj) {
            *a += b;
        }
    }

    /// Draws in which province `d` is in its point-estimate group.
    fn in_group(&self, d: usize) -> u64 {
        let (lo, hi) = self.main[d];
        let h = &self.hist[d * self.w..(d + 1) * self.w];
        let mut n: i64 = self.adj[d];
        for (rk, &c) in h.iter().enumerate() {
            if rk as u32 >= lo && rk as u32 <= hi {
                n += i64::from(c);
            }
        }
        n.max(0) as u64
    }

    /// Draws in which province `d` ranks `top` or better.
    fn in_top(&self, d: usize, top: u32) -> u64 {
        let h = &self.hist[d * self.w..(d + 1) * self.w];
        h.iter()
            .enumerate()
            .filter(|(rk, _)| *rk as u32 <= top)
            .map(|(_, &c)| u64::from(c))
            .sum()
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

    /// Where the rank draws of each of `measures` live: (contiguous data, offset of draw 0,
    /// stride between draws); draw `i` of the measure is `data[offset + i * stride..][..provinces]`.
    /// Bootstrap or supplied replicates (the kept total/dimension ones when they suffice), or
    /// normal draws made per measure.
    fn rank_rows(&self, measures: &[usize]) -> Result<(usize, Vec<DrawRows<'_>>)> {
        let nd = self.estimate.ncols();
        let m = self.measures.len();
        let layout = || PapiError::InvalidArgument {
            argument: "draws".into(),
            message: "internal layout error: draws are not contiguous".into(),
        };
        if let Some(&bad) = measures.iter().find(|&&j| j >= m) {
            return Err(PapiError::InvalidArgument {
                argument: "measures".into(),
                message: format!("measure index {bad}; there are {m} measures"),
            });
        }
        if let Some(r) = self.normal_for_ranks {
            // Make the missing ones in parallel (each from its own stream).
            measures.par_iter().for_each(|&j| {
                let _ = self.normal_of(j, r);
            });
            let mut rows = Vec::with_capacity(measures.len());
            for &j in measures {
                let a = self.normal_of(j, r).ok_or_else(layout)?;
                rows.push((a.as_slice().ok_or_else(layout)?, 0, nd));
            }
            return Ok((r, rows));
        }
        let draws = match &self.head {
            Some(h) if measures.iter().all(|&j| j < h.shape()[1]) => h,
            // Empty only if score() set neither (not reachable); keeps the function total.
            _ => self.draws()?.unwrap_or(&EMPTY),
        };
        let (r, mm) = (draws.shape()[0], draws.shape()[1]);
        let flat = draws.as_slice().ok_or_else(layout)?;
        Ok((
            r,
            measures.iter().map(|&j| (flat, j * nd, mm * nd)).collect(),
        ))
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

    /// [`SurveyScores::ranks`] for some measures only (by index). Work is split over (measure,
    /// chunk of draws); counts are integers, so the result does not depend on the split.
    pub fn ranks_of(
        &self,
        measures: &[usize],
        level: f64,
        top: Option<u32>,
    ) -> Result<Vec<RankStat>> {
        estimate::t_quantile(level, 10.0)?;
        let nd = self.estimate.ncols();
        let (r, rows) = self.rank_rows(measures)?;
        struct Point {
            ranks: Vec<Option<u32>>,
            groups: Vec<Option<Group>>,
            valid: Vec<usize>,
        }
        let points: Vec<Point> = measures
            .iter()
            .map(|&j| {
                let point: Vec<Option<f64>> = self
                    .estimate
                    .row(j)
                    .iter()
                    .map(|&v| (!v.is_nan()).then_some(v))
                    .collect();
                let n_ranked = point.iter().filter(|v| v.is_some()).count();
                let ranks = rank_desc(&point);
                let groups = ranks
                    .iter()
                    .map(|r| r.and_then(|r| group_of_rank(r, n_ranked)))
                    .collect();
                let valid = (0..nd).filter(|&d| point[d].is_some()).collect();
                Point {
                    ranks,
                    groups,
                    valid,
                }
            })
            .collect();
        const RANK_CHUNK: usize = 125;
        let n_chunks = r.div_ceil(RANK_CHUNK).max(1);
        let w = nd + 2;
        let tasks: Vec<(usize, usize)> = (0..measures.len())
            .flat_map(|mi| (0..n_chunks).map(move |c| (mi, c)))
            .collect();
        let counted: Vec<RankCounts> = tasks
            .par_iter()
            .map(|&(mi, c)| {
                let p = &points[mi];
                let mut rc = RankCounts::new(nd, w, &p.groups, p.valid.len());
                let mut ranker = Ranker::new(nd);
                for i in c * RANK_CHUNK..((c + 1) * RANK_CHUNK).min(r) {
                    let (data, offset, stride) = rows[mi];
                    let at = offset + i * stride;
                    ranker.rank(&data[at..at + nd], &p.valid);
                    rc.add(&ranker, &p.groups);
                }
                rc
            })
            .collect();
        let mut out = Vec::with_capacity(measures.len() * nd);
        for (mi, &j) in measures.iter().enumerate() {
            let p = &points[mi];
            let mut tot = RankCounts::new(nd, w, &p.groups, p.valid.len());
            for rc in &counted[mi * n_chunks..(mi + 1) * n_chunks] {
                tot.merge(rc);
            }
            for d in 0..nd {
                let h = &tot.hist[d * w..(d + 1) * w];
                let total: u32 = h.iter().sum();
                // Nearest-rank quantile of the sorted draws: element round(p (n - 1)).
                let q = |pr: f64| -> Option<u32> {
                    if total == 0 {
                        return None;
                    }
                    let target = (pr * (total - 1) as f64).round() as u32;
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
                let rank = p.ranks[d];
                out.push(RankStat {
                    measure: j,
                    province: d,
                    rank,
                    rank_low: rank.and(q((1.0 - level) / 2.0)),
                    rank_high: rank.and(q((1.0 + level) / 2.0)),
                    group: p.groups[d],
                    p_group: rank.map(|_| tot.in_group(d) as f64 / cnt),
                    p_top: match (top, rank) {
                        (Some(t), Some(_)) => Some(tot.in_top(d, t) as f64 / cnt),
                        _ => None,
                    },
                });
            }
        }
        Ok(out)
    }

    /// The shared `ScoreTable` shape with `se` and `replicates` filled (jackknife replicates are
    /// rescaled around the estimate so that `scale * sum (theta_r - estimate)^2` is the JKn
    /// variance; Taylor results carry the normal draws).
    pub fn to_score_table(&self) -> Result<ScoreTable> {
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
        let reps = match (self.draws()?, self.method) {
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
            (None, _) => {
                let all: Vec<usize> = (0..m).collect();
                let (r, rows) = self.rank_rows(&all)?;
                Replicates {
                    draws: rows
                        .iter()
                        .map(|&(data, offset, stride)| {
                            Array2::from_shape_fn((r, nd), |(i, d)| data[offset + i * stride + d])
                        })
                        .collect(),
                    scale: 1.0 / (r.max(2) as f64 - 1.0),
                    centre_full: false,
                    method: "normal".into(),
                }
            }
        };
        Ok(ScoreTable {
            year: self.year,
            source: "survey".into(),
            provinces: self.provinces.clone(),
            measures: self.measures.clone(),
            values: opt(&self.estimate),
            se: Some(opt(&self.se)),
            replicates: Some(reps),
        })
    }
}

fn province_names(codes: &[u16], units_2025: bool, lang: crate::Lang) -> Vec<Option<String>> {
    let reg = registry().ok();
    let pick = |vi: &str, en: &str| match lang {
        crate::Lang::Vi => vi.to_string(),
        crate::Lang::En => en.to_string(),
    };
    codes
        .iter()
        .map(|&c| {
            if units_2025 {
                reg.and_then(|r| r.unit_by_code(c))
                    .map(|u| pick(&u.name_vi, &u.name_en))
            } else {
                reg.and_then(|r| r.by_code(c))
                    .map(|p| pick(&p.name_vi, &p.name_en))
            }
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
        let names = province_names(&self.provinces, self.units_2025, lang);
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
        let names = province_names(&self.provinces, self.units_2025, lang);
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
    pub fn replicate_array(&self, level: Level) -> Result<(Vec<String>, Array3<f64>)> {
        let ms = self.level_measures(level);
        let codes = ms.iter().map(|&j| self.measures[j].code.clone()).collect();
        // Jackknife: its own replicates; Taylor: the normal draws used for ranks.
        if self.normal_for_ranks.is_some()
            && let Some(d) = self.draws()?
        {
            return Ok((codes, d.select(Axis(1), &ms)));
        }
        let nd = self.estimate.ncols();
        let (r, rows) = self.rank_rows(&ms)?;
        let arr = Array3::from_shape_fn((r, ms.len(), nd), |(i, k, d)| {
            let (data, offset, stride) = rows[k];
            data[offset + i * stride + d]
        });
        Ok((codes, arr))
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
