//! Replicate variance: delete-one-PSU jackknife (JKn), Rao-Wu rescaled bootstrap, and supplied
//! replicate weights.
//!
//! Both generated methods act per PSU, so a replicate is a vector of PSU weight factors and the
//! replicate domain sums are `factors[:, psus of d] . cells_d` — a (replicates x PSUs) x (PSUs x
//! items) product per domain on the cell sums, never a respondent-level product.
//!
//! * **JKn**: one replicate per PSU j of every stratum h with n_h >= 2: factor 0 for j, n_h/(n_h-1)
//!   for the other PSUs of h, 1 elsewhere; variance `sum_r (1-f_h)(n_h-1)/n_h (theta_r - theta)^2`
//!   centred at the full-sample estimate (R: `as.svrepdesign(type = "JKn", mse = TRUE)`).
//! * **Rao-Wu rescaled bootstrap** with m_h = n_h - 1: in every stratum with n_h >= 2 draw n_h - 1
//!   PSUs with replacement; factor = count * n_h/(n_h - 1). Variance `1/(R-1) sum_r (theta_r -
//!   mean)^2` (R: `as.svrepdesign(type = "subbootstrap")`). FPC is ignored (with-replacement).
//!   Replicate r uses its own ChaCha8 stream (seed, stream r), so replicates do not depend on the
//!   thread count or on how many replicates are asked for.
//! * Single-PSU strata keep factor 1 in every replicate (no variance contribution) for both methods.
//! * A replicate in which a domain item has no applicable weight left takes the full-sample estimate.

use super::design::IndexedDesign;
use super::estimate::CellSums;
use crate::error::{PapiError, Result};
use ndarray::{Array2, Array3, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::sync::Arc;

/// Replicate method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Taylor,
    Bootstrap,
    Jackknife,
    /// The design's supplied replicate weights.
    Supplied,
}

impl Method {
    pub fn parse(s: &str) -> Result<Method> {
        match crate::text::fold(s).as_str() {
            "taylor" | "linearization" | "linearisation" => Ok(Method::Taylor),
            "bootstrap" | "raowu" | "subbootstrap" => Ok(Method::Bootstrap),
            "jackknife" | "jkn" => Ok(Method::Jackknife),
            "supplied" | "replicate" | "replicates" => Ok(Method::Supplied),
            _ => Err(PapiError::InvalidArgument {
                argument: "method".into(),
                message: format!("{s:?}; use \"taylor\", \"bootstrap\" or \"jackknife\""),
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Taylor => "taylor",
            Method::Bootstrap => "bootstrap",
            Method::Jackknife => "jackknife",
            Method::Supplied => "supplied",
        }
    }
}

/// PSU weight factors of each replicate with the variance constants.
#[derive(Debug, Clone, PartialEq)]
pub struct Factors {
    /// replicates x PSUs
    pub factors: Array2<f64>,
    pub scale: f64,
    pub rscales: Vec<f64>,
    /// Centre at the full-sample estimate (true) or at the replicate mean.
    pub mse: bool,
}

/// Delete-one-PSU jackknife factors.
pub fn jackknife(design: &IndexedDesign) -> Result<Factors> {
    let p = design.n_psus();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    let mut rscales = Vec::new();
    for (h, ps) in design.stratum_psus.iter().enumerate() {
        let nh = ps.len();
        if nh < 2 {
            continue;
        }
        let nhf = nh as f64;
        for &j in ps {
            let mut f = vec![1.0; p];
            for &q in ps {
                f[q as usize] = if q == j { 0.0 } else { nhf / (nhf - 1.0) };
            }
            rows.push(f);
            rscales.push((1.0 - design.fraction[h]) * (nhf - 1.0) / nhf);
        }
    }
    if rows.is_empty() {
        return Err(PapiError::InvalidSurvey {
            location: "design".into(),
            message: "no stratum has two or more PSUs, so the jackknife has no replicates".into(),
        });
    }
    let r = rows.len();
    let flat: Vec<f64> = rows.into_iter().flatten().collect();
    let factors = Array2::from_shape_vec((r, p), flat).map_err(|e| PapiError::InvalidSurvey {
        location: "design".into(),
        message: e.to_string(),
    })?;
    Ok(Factors {
        factors,
        scale: 1.0,
        rscales,
        mse: true,
    })
}

/// Most replicates one request may ask for: their factors and draws (replicates x PSUs, replicates
/// x provinces per measure) must fit in memory, so a larger request is refused before anything is
/// allocated. 100,000 replicates of 207 PSUs take 166 MB; R `survey` users rarely go past 10,000.
pub const MAX_REPLICATES: usize = 100_000;

/// The number of generated replicates (bootstrap, normal rank draws): 2..=[`MAX_REPLICATES`].
pub fn check_replicates(replicates: usize) -> Result<()> {
    if (2..=MAX_REPLICATES).contains(&replicates) {
        return Ok(());
    }
    Err(PapiError::InvalidArgument {
        argument: "replicates".into(),
        message: format!(
            "{replicates}; use 2 to {MAX_REPLICATES} (typically 500-2000): more would not fit in memory"
        ),
    })
}

/// Rao-Wu rescaled bootstrap factors (m_h = n_h - 1), `replicates` of them, from `seed`.
pub fn bootstrap(design: &IndexedDesign, replicates: usize, seed: u64) -> Result<Factors> {
    check_replicates(replicates)?;
    let p = design.n_psus();
    let rows: Vec<Vec<f64>> = (0..replicates)
        .into_par_iter()
        .map(|r| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(r as u64);
            let mut f = vec![1.0; p];
            let mut counts: Vec<u32> = Vec::new();
            for ps in &design.stratum_psus {
                let nh = ps.len();
                if nh < 2 {
                    continue;
                }
                counts.clear();
                counts.resize(nh, 0);
                for _ in 0..nh - 1 {
                    counts[rng.random_range(0..nh)] += 1;
                }
                let k = nh as f64 / (nh as f64 - 1.0);
                for (i, &q) in ps.iter().enumerate() {
                    f[q as usize] = counts[i] as f64 * k;
                }
            }
            f
        })
        .collect();
    let flat: Vec<f64> = rows.into_iter().flatten().collect();
    let factors =
        Array2::from_shape_vec((replicates, p), flat).map_err(|e| PapiError::InvalidSurvey {
            location: "design".into(),
            message: e.to_string(),
        })?;
    Ok(Factors {
        factors,
        scale: 1.0 / (replicates as f64 - 1.0),
        rscales: vec![1.0; replicates],
        mse: false,
    })
}

/// Generated factors of `method` (bootstrap or jackknife).
pub fn factors(
    design: &IndexedDesign,
    method: Method,
    replicates: usize,
    seed: u64,
) -> Result<Factors> {
    match method {
        Method::Jackknife => jackknife(design),
        Method::Bootstrap => bootstrap(design, replicates, seed),
        _ => Err(PapiError::InvalidArgument {
            argument: "method".into(),
            message: format!(
                "{:?} has no generated replicate factors; use \"bootstrap\" or \"jackknife\"",
                method.as_str()
            ),
        }),
    }
}

/// A replicate design built once on a table's PSUs: the method, its PSU factors (bootstrap,
/// jackknife; none for supplied weights, which live in the table) and the PSU structure they were
/// built on, so [`super::score::score_with`] and [`super::domain_means_with`] reuse the factors.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateDesign {
    pub method: Method,
    /// Replicates asked for (bootstrap: R; jackknife: normal draws for rank intervals).
    pub replicates: usize,
    pub seed: u64,
    pub factors: Option<Arc<Factors>>,
    /// (stratum, PSU) labels of every PSU, in factor column order.
    psus: Vec<(String, String)>,
}

fn psu_keys(ix: &IndexedDesign) -> Vec<(String, String)> {
    ix.psu_labels
        .iter()
        .zip(&ix.psu_stratum)
        .map(|(l, &h)| (ix.strata[h as usize].clone(), l.clone()))
        .collect()
}

impl ReplicateDesign {
    /// Build the replicates of `method` ("bootstrap", "jackknife" or "supplied") on `df`.
    pub fn new(
        df: &polars::prelude::DataFrame,
        design: &super::design::Design,
        method: Method,
        replicates: usize,
        seed: u64,
    ) -> Result<ReplicateDesign> {
        let ix = IndexedDesign::new(df, design)?;
        let factors = match method {
            Method::Taylor => {
                return Err(PapiError::InvalidArgument {
                    argument: "method".into(),
                    message: "\"taylor\" has no replicates; use \"bootstrap\", \"jackknife\" or \"supplied\"".into(),
                });
            }
            Method::Supplied => {
                if ix.supplied.is_none() {
                    return Err(no_replicate_weights());
                }
                None
            }
            m => {
                if m == Method::Bootstrap {
                    check_replicates(replicates)?;
                }
                let reps = if m == Method::Jackknife {
                    ix.n_psus()
                } else {
                    replicates
                };
                crate::limits::check_memory(
                    "replicates",
                    crate::limits::f64_bytes(&[reps, ix.n_psus()]),
                    "replicate factors",
                )?;
                Some(Arc::new(factors(&ix, m, replicates, seed)?))
            }
        };
        Ok(ReplicateDesign {
            method,
            replicates,
            seed,
            factors,
            psus: psu_keys(&ix),
        })
    }

    /// Number of replicates built (0 for supplied weights: they are counted in the table).
    pub fn n_replicates(&self) -> usize {
        self.factors.as_ref().map_or(0, |f| f.factors.nrows())
    }

    /// The factors, checked against the PSUs of `ix` (the table scored must have the same PSUs).
    pub(crate) fn factors_for(&self, ix: &IndexedDesign) -> Result<Arc<Factors>> {
        let f = self.factors.clone().ok_or_else(no_replicate_weights)?;
        if psu_keys(ix) != self.psus {
            return Err(PapiError::InvalidArgument {
                argument: "replicate_design".into(),
                message: format!(
                    "it was built on {} PSUs that differ from this table's {}; build it on the same table and design (strata and PSU columns)",
                    self.psus.len(),
                    ix.n_psus()
                ),
            });
        }
        Ok(f)
    }
}

/// Replicate estimates (replicates x items x domains) from cell sums and PSU factors. One
/// (R x cells) . (cells x items) product per domain; domains run in parallel.
pub fn replicate_estimates(cells: &CellSums, f: &Factors, full: &Array2<f64>) -> Array3<f64> {
    let r = f.factors.nrows();
    let k = cells.n_items();
    let nd = cells.domains.len();
    let per_domain: Vec<Array2<f64>> = cells
        .domains
        .par_iter()
        .enumerate()
        .map(|(d, dc)| {
            let idx: Vec<usize> = dc.psus.iter().map(|&p| p as usize).collect();
            let m = f.factors.select(Axis(1), &idx);
            let num = m.dot(&dc.num);
            let den = m.dot(&dc.den);
            let mut out = Array2::<f64>::zeros((r, k));
            for i in 0..r {
                for j in 0..k {
                    out[[i, j]] = if den[[i, j]] > 0.0 {
                        num[[i, j]] / den[[i, j]]
                    } else {
                        full[[j, d]]
                    };
                }
            }
            out
        })
        .collect();
    let mut out = Array3::<f64>::zeros((r, k, nd));
    for (d, a) in per_domain.iter().enumerate() {
        out.index_axis_mut(Axis(2), d).assign(a);
    }
    out
}

/// The error for `method="supplied"` without replicate weights in the design.
pub(crate) fn no_replicate_weights() -> PapiError {
    PapiError::InvalidArgument {
        argument: "method".into(),
        message: "\"supplied\" needs replicate_weights= in the design".into(),
    }
}

/// Replicate estimates from supplied replicate weights (respondent-level sums done in `cell_sums`).
pub fn supplied_estimates(cells: &CellSums, full: &Array2<f64>) -> Result<Array3<f64>> {
    let sup = cells.supplied.as_ref().ok_or_else(no_replicate_weights)?;
    let k = cells.n_items();
    let nd = cells.domains.len();
    let r = sup.first().map(|x| x.0.nrows()).unwrap_or(0);
    let mut out = Array3::<f64>::zeros((r, k, nd));
    for (j, (sn, sd)) in sup.iter().enumerate() {
        for i in 0..r {
            for d in 0..nd {
                out[[i, j, d]] = if sd[[i, d]] > 0.0 {
                    sn[[i, d]] / sd[[i, d]]
                } else {
                    full[[j, d]]
                };
            }
        }
    }
    Ok(out)
}

/// Replicate variance of one statistic: `scale * sum_r rscale_r (theta_r - centre)^2`.
pub fn rep_var(
    draws: impl Iterator<Item = f64> + Clone,
    full: f64,
    scale: f64,
    rscales: &[f64],
    mse: bool,
) -> f64 {
    let centre = if mse {
        full
    } else {
        let (s, n) = draws
            .clone()
            .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
        s / n.max(1) as f64
    };
    let v: f64 = draws
        .zip(rscales.iter())
        .map(|(x, &rs)| rs * (x - centre) * (x - centre))
        .sum();
    scale * v
}

/// Replicate SEs of every cell of a (replicates x rows x cols) array, two passes over contiguous
/// replicate slabs (mean, then squared deviations): `sqrt(scale * sum_r rscale_r (x_r - c)^2)`.
/// Cells whose full-sample value is NaN get NaN.
pub fn rep_se(
    draws: &Array3<f64>,
    full: &Array2<f64>,
    scale: f64,
    rscales: &[f64],
    mse: bool,
) -> Array2<f64> {
    let r = draws.shape()[0];
    let (m, nd) = full.dim();
    // One measure per task; each sums over replicates in order, so threads do not change results.
    let rows: Vec<Vec<f64>> = (0..m)
        .into_par_iter()
        .map(|j| {
            let centre: Vec<f64> = if mse {
                full.row(j).to_vec()
            } else {
                let mut s = vec![0.0; nd];
                for i in 0..r {
                    let row = draws.index_axis(Axis(0), i);
                    for (a, &x) in s.iter_mut().zip(row.row(j).iter()) {
                        *a += x;
                    }
                }
                s.iter().map(|x| x / r.max(1) as f64).collect()
            };
            let mut v = vec![0.0; nd];
            for i in 0..r {
                let rs = rscales.get(i).copied().unwrap_or(1.0);
                let row = draws.index_axis(Axis(0), i);
                for ((a, &x), &c) in v.iter_mut().zip(row.row(j).iter()).zip(centre.iter()) {
                    *a += rs * (x - c) * (x - c);
                }
            }
            v.iter()
                .zip(full.row(j).iter())
                .map(|(&v, &f)| {
                    if f.is_nan() {
                        f64::NAN
                    } else {
                        (scale * v).max(0.0).sqrt()
                    }
                })
                .collect()
        })
        .collect();
    let mut out = Array2::<f64>::zeros((m, nd));
    for (j, row) in rows.iter().enumerate() {
        for (d, &x) in row.iter().enumerate() {
            out[[j, d]] = x;
        }
    }
    out
}
