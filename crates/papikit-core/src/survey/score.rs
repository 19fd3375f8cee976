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

use super::design::{Design, IndexedDesign, ReplicateType};
use super::estimate::{self, CellSums};
use super::index::{self, Normalisation, Plan};
use super::kernel::ReplicateSource;
use super::ranks::{Point, RankCounts};
use super::replicate::{self, Method, ReplicateDesign};
use crate::error::{PapiError, Result};
use crate::framework::Framework;
use crate::registry::registry;
use crate::scores::{Level, Measure};
use ndarray::{Array2, Array3, Axis};
use polars::prelude::DataFrame;
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

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
    /// Rank the bootstrap replicates of every measure into their rank histograms during the
    /// scoring pass (opt-in: it costs ~100,000 rankings), so rank intervals of every level
    /// afterwards need no second pass over the replicates. Ignored where ranks use normal draws.
    pub rank_all: bool,
}

/// The `ranks` argument of scoring: `None` (rank on demand; the total and dimensions are kept)
/// or `"all"` (rank every measure in the scoring pass, see [`ScoreOptions::rank_all`]).
pub fn parse_rank_all(ranks: Option<&str>) -> Result<bool> {
    match ranks {
        None => Ok(false),
        Some("all") => Ok(true),
        Some(other) => Err(PapiError::InvalidArgument {
            argument: "ranks".into(),
            message: format!(
                "{other:?} is not a ranks option; use ranks=\"all\" to rank every level while scoring, or leave it out"
            ),
        }),
    }
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
            rank_all: false,
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
    /// Domain labels that resolved to the same province and were merged into one domain before
    /// grouping, one note per province (`"Ha Noi", "Hà Nội" -> province 1`); empty when none were.
    pub domain_merges: Vec<String>,
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
    pub all_draws: OnceLock<Array3<f64>>,
    /// Cell sums and PSU factors of the bootstrap/jackknife, to recompute the replicates.
    pub source: Option<Arc<ReplicateSource>>,
    pub scale: f64,
    pub rscales: Vec<f64>,
    pub mse: bool,
    /// Ranks use normal draws (Taylor, jackknife) rather than `draws`; how many.
    pub normal_for_ranks: Option<usize>,
    /// Normal draws `estimate + se * N(0, 1)` of each measure (replicates x provinces), made on
    /// first use of that measure from its own random stream, so they do not depend on which
    /// measures were asked for first.
    pub normal_draws: Vec<OnceLock<Array2<f64>>>,
    /// Rank histogram of each measure over the rank draws, counted on first use.
    pub rank_counts: Vec<OnceLock<RankCounts>>,
    /// "bootstrap", "supplied" or "normal".
    pub rank_draws_kind: String,
}

pub(crate) fn province_codes(
    labels: &[String],
    column: &str,
    units_2025: bool,
) -> Result<Vec<u16>> {
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

/// Merge the domains whose labels resolve to the same province ("Hà Nội" and "Ha Noi", " 1" and
/// "1") into one domain before anything is grouped, so that a province is never scored (and ranked)
/// twice. Returns the design, the province of each domain and one note per merged province.
pub(crate) fn merge_domains(
    mut ix: IndexedDesign,
    codes: &[u16],
) -> (IndexedDesign, Vec<u16>, Vec<String>) {
    let mut provinces: Vec<u16> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut new_of_old = vec![0u32; codes.len()];
    for (old, &c) in codes.iter().enumerate() {
        let at = match provinces.iter().position(|&p| p == c) {
            Some(at) => at,
            None => {
                provinces.push(c);
                members.push(Vec::new());
                provinces.len() - 1
            }
        };
        members[at].push(old);
        new_of_old[old] = at as u32;
    }
    if provinces.len() == codes.len() {
        return (ix, provinces, Vec::new());
    }
    let notes = members
        .iter()
        .zip(&provinces)
        .filter(|(m, _)| m.len() > 1)
        .map(|(m, c)| {
            let labels: Vec<String> = m.iter().map(|&o| format!("{:?}", ix.domains[o])).collect();
            format!("{} -> province {c}", labels.join(", "))
        })
        .collect();
    ix.domains = members.iter().map(|m| ix.domains[m[0]].clone()).collect();
    for d in &mut ix.domain_of_row {
        *d = new_of_old[*d as usize];
    }
    (ix, provinces, notes)
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
    score_with(df, design, fw, opts, None)
}

fn check_options(opts: &ScoreOptions) -> Result<()> {
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
    super::replicate::check_replicates(opts.replicates)
}

/// The full sample: design, cell sums and the index of the point estimates.
struct FullSample {
    ix: IndexedDesign,
    plan: Plan,
    cells: CellSums,
    full_ind: Array2<f64>,
    estimate: Array2<f64>,
    missing: Array2<u32>,
}

/// Variance of every measure: SEs plus what the rank intervals need.
struct Variance {
    se: Array2<f64>,
    head: Option<Array3<f64>>,
    all_draws: OnceLock<Array3<f64>>,
    source: Option<Arc<ReplicateSource>>,
    scale: f64,
    rscales: Vec<f64>,
    mse: bool,
    n_reps: usize,
    /// Replicates are draws of the sampling distribution (bootstrap), usable for rank intervals.
    draws_for_ranks: bool,
    /// Rank histograms of every measure counted in the scoring pass (`rank_all`).
    rank_counts: Option<Vec<RankCounts>>,
}

impl Variance {
    fn empty(m: usize, nd: usize) -> Variance {
        Variance {
            se: Array2::<f64>::from_elem((m, nd), f64::NAN),
            head: None,
            all_draws: OnceLock::new(),
            source: None,
            scale: 1.0,
            rscales: Vec::new(),
            mse: true,
            n_reps: 0,
            draws_for_ranks: false,
            rank_counts: None,
        }
    }
}

/// Taylor SEs: the PSU totals of each measure's linearised variable are the Jacobian-weighted sums
/// of the indicators' ones.
fn taylor_variance(fs: &FullSample) -> Result<Variance> {
    let (m, nd) = fs.estimate.dim();
    let mut v = Variance::empty(m, nd);
    let jac = index::jacobian(&fs.plan, fs.full_ind.view())?;
    let cols: Vec<Vec<f64>> = (0..nd)
        .into_par_iter()
        .map(|d| {
            let z = fs.cells.linearised(d, &fs.full_ind);
            let zm = z.dot(&jac[d].t());
            estimate::taylor_var(&fs.ix, &fs.cells.domains[d], zm.view())
        })
        .collect();
    for (d, var) in cols.iter().enumerate() {
        for (j, &x) in var.iter().enumerate().take(m) {
            if !fs.estimate[[j, d]].is_nan() {
                v.se[[j, d]] = x.max(0.0).sqrt();
            }
        }
    }
    Ok(v)
}

/// Supplied replicate weights: every replicate through the index, all kept.
fn supplied_variance(fs: &FullSample, norm: Normalisation) -> Result<Variance> {
    let (m, nd) = fs.estimate.dim();
    let sup = fs
        .ix
        .supplied
        .as_ref()
        .ok_or_else(replicate::no_replicate_weights)?;
    let rep_ind = replicate::supplied_estimates(&fs.cells, &fs.full_ind)?;
    let r = rep_ind.shape()[0];
    let slabs: Vec<Array2<f64>> = (0..r)
        .into_par_iter()
        .map(|i| index::evaluate(&fs.plan, rep_ind.index_axis(Axis(0), i), norm).map(|x| x.0))
        .collect::<Result<_>>()?;
    let dr = stack(&slabs, m, nd);
    let rscales = sup.rscales.clone();
    let mut v = Variance::empty(m, nd);
    v.se = replicate::rep_se(&dr, &fs.estimate, sup.scale, &rscales, sup.mse);
    v.scale = sup.scale;
    v.mse = sup.mse;
    v.rscales = rscales;
    v.n_reps = r;
    v.draws_for_ranks = sup.kind == ReplicateType::Bootstrap;
    let _ = v.all_draws.set(dr);
    Ok(v)
}

/// Bootstrap / jackknife: one fused kernel pass accumulates the SEs of every measure and keeps
/// the total and dimension replicates of the bootstrap for their rank intervals.
fn generated_variance(
    fs: FullSample,
    opts: &ScoreOptions,
    factors: Arc<replicate::Factors>,
) -> Result<(FullSample, Variance)> {
    let (m, nd) = fs.estimate.dim();
    let mut v = Variance::empty(m, nd);
    v.scale = factors.scale;
    v.rscales = factors.rscales.clone();
    v.mse = factors.mse;
    v.n_reps = factors.factors.nrows();
    v.draws_for_ranks = opts.method == Method::Bootstrap;
    let FullSample {
        ix,
        plan,
        cells,
        full_ind,
        estimate,
        missing,
    } = fs;
    let src = ReplicateSource {
        compiled: index::Compiled::new(&plan)?,
        full: full_ind.t().iter().copied().collect(),
        cells,
        factors,
        norm: opts.normalisation,
    };
    // Bootstrap replicates are draws of the sampling distribution: keep those of the total and
    // dimensions for their rank intervals (jackknife ranks use normal draws).
    let keep = if v.draws_for_ranks {
        1 + plan.dims.len()
    } else {
        0
    };
    // Progress (write-only): the kernel pass advances the counter per chunk of replicates.
    let rank_all = opts.rank_all && v.draws_for_ranks;
    let all: Vec<usize> = if rank_all {
        (0..m).collect()
    } else {
        Vec::new()
    };
    let points: Vec<Point> = all.iter().map(|&j| Point::of(estimate.row(j))).collect();
    let ranked = rank_all.then_some((all.as_slice(), points.as_slice()));
    let (kept, rep_se, counts) = src.run_ranked(keep, Some(&estimate), ranked)?;
    v.rank_counts = counts;
    if let Some(x) = rep_se {
        v.se = x;
    }
    if keep > 0 {
        v.head = Some(kept);
    }
    // The cells now live in the source; the full sample keeps an empty stand-in.
    let cells = CellSums {
        items: Vec::new(),
        domains: Vec::new(),
        supplied: None,
    };
    v.source = Some(Arc::new(src));
    Ok((
        FullSample {
            ix,
            plan,
            cells,
            full_ind,
            estimate,
            missing,
        },
        v,
    ))
}

/// Respondents per cell: applicable ones for indicators, all respondents for aggregates.
fn respondents(ix: &IndexedDesign, plan: &Plan, counts: &Array2<u64>, m: usize) -> Array2<u64> {
    let nd = ix.n_domains();
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
    n
}

/// [`score`] with a replicate design built once (its factors are reused; its method, replicates
/// and seed replace those of `opts`).
pub fn score_with(
    df: &DataFrame,
    design: &Design,
    fw: &Framework,
    opts: &ScoreOptions,
    rd: Option<&ReplicateDesign>,
) -> Result<SurveyScores> {
    let mut opts = opts.clone();
    if let Some(rd) = rd {
        opts.method = rd.method;
        opts.replicates = rd.replicates.max(2);
        opts.seed = rd.seed;
    }
    let opts = &opts;
    check_options(opts)?;
    if let Some(y) = opts.year
        && !(fw.first_year..=fw.last_year).contains(&y)
    {
        return Err(PapiError::InvalidArgument {
            argument: "year".into(),
            message: format!(
                "{y} is outside the years of framework {:?} ({}-{}); score with pk.framework({y}) or a year it covers",
                fw.name, fw.first_year, fw.last_year
            ),
        });
    }
    let ix = IndexedDesign::new(df, design)?;
    let codes = province_codes(&ix.domains, &design.domain, opts.units_2025)?;
    let (ix, provinces, domain_merges) = merge_domains(ix, &codes);
    let plan = Plan::from_framework(fw)?;
    let reps = match opts.method {
        Method::Supplied => 0,
        // jackknife: one replicate per PSU (and normal rank draws of `replicates`)
        Method::Jackknife => ix.n_psus().max(opts.replicates),
        _ => opts.replicates,
    };
    crate::limits::check_memory(
        "replicates",
        crate::limits::f64_bytes(&[reps, ix.n_psus() + measures(&plan).len() * ix.n_domains()]),
        "replicate factors and draws of every measure",
    )?;
    let cells = indicator_cells(df, &ix, &plan)?;
    let full_ind = cells.estimates();
    let counts = estimate::counts(&cells);
    let dom_df = estimate::domain_df(&ix, &cells);
    let (estimate, missing) = index::evaluate(&plan, full_ind.view(), opts.normalisation)?;
    let fs = FullSample {
        ix,
        plan,
        cells,
        full_ind,
        estimate,
        missing,
    };
    let (fs, v) = match opts.method {
        Method::Taylor => {
            let v = taylor_variance(&fs)?;
            (fs, v)
        }
        Method::Supplied => {
            let v = supplied_variance(&fs, opts.normalisation)?;
            (fs, v)
        }
        method => {
            let factors = match rd {
                Some(rd) => rd.factors_for(&fs.ix)?,
                None => Arc::new(replicate::factors(
                    &fs.ix,
                    method,
                    opts.replicates,
                    opts.seed,
                )?),
            };
            generated_variance(fs, opts, factors)?
        }
    };
    let m = fs.estimate.nrows();
    let (normal, rank_draws_kind) = if v.draws_for_ranks && v.n_reps > 0 {
        (None, opts.method.as_str().to_string())
    } else {
        (Some(opts.replicates), "normal".to_string())
    };
    Ok(SurveyScores {
        year: opts.year.unwrap_or(fw.last_year),
        framework: fw.name.clone(),
        method: opts.method,
        normalisation: opts.normalisation,
        level: opts.level,
        replicates: v.n_reps,
        seed: opts.seed,
        provinces,
        units_2025: opts.units_2025,
        domain_labels: fs.ix.domains.clone(),
        domain_merges,
        measures: measures(&fs.plan),
        df: dom_df,
        n: respondents(&fs.ix, &fs.plan, &counts, m),
        estimate: fs.estimate,
        se: v.se,
        missing: fs.missing,
        head: v.head,
        all_draws: v.all_draws,
        source: v.source,
        scale: v.scale,
        rscales: v.rscales,
        mse: v.mse,
        normal_for_ranks: normal,
        normal_draws: (0..m).map(|_| OnceLock::new()).collect(),
        rank_counts: match v.rank_counts {
            Some(counts) if normal.is_none() => counts.into_iter().map(OnceLock::from).collect(),
            _ => (0..m).map(|_| OnceLock::new()).collect(),
        },
        rank_draws_kind,
    })
}
