//! From indicator estimates to the PAPI index, with replicates pushed through every step.
//!
//! 1. **Normalise** each indicator to 0..1 (direction handled: a lower-is-better indicator is
//!    flipped, `1 - x`):
//!    * `Goalposts` (default): fixed goalposts from the recipe's theoretical range (0-100 % for
//!      shares, scale ends for means, 0..n for counts): `(v - lo)/(hi - lo)`;
//!    * `MinMax`: `(v - min)/(max - min)` across provinces (recomputed in every replicate);
//!    * `ZScore`: `Phi((v - mean)/sd)` across provinces (population sd, recomputed per replicate),
//!      i.e. the z-score mapped to 0..1 by the standard normal CDF.
//!
//!    **The official PAPI rescaling rule is not public**; fixed goalposts are an assumption.
//! 2. **Sub-dimension** (1/n..10/n, n = sub-dimensions of its dimension): `(1 + 9 * mean of its
//!    normalised indicators) / n`.
//! 3. **Dimension** (1..10): sum of its sub-dimensions; **total**: sum of the dimensions.
//! 4. **Missing**: an indicator without an estimate (no applicable respondent, or no recipe) is left
//!    out and its sub-dimension averages the others; a sub-dimension (dimension) with no children
//!    is missing and its parent is the mean of the others times the number of children
//!    (renormalised within the parent). The number of missing children is recorded per cell.

use crate::error::{PapiError, Result};
use crate::framework::{Direction, Framework};
use crate::recipe::Recipe;
use ndarray::{Array2, ArrayView2};
use statrs::distribution::{ContinuousCDF, Normal};

/// How indicator estimates are put on 0..1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    #[default]
    Goalposts,
    MinMax,
    ZScore,
}

impl Normalisation {
    pub fn parse(s: &str) -> Result<Normalisation> {
        match crate::text::fold(s).as_str() {
            "goalposts" | "fixed" | "theoretical" => Ok(Normalisation::Goalposts),
            "minmax" => Ok(Normalisation::MinMax),
            "zscore" | "z" => Ok(Normalisation::ZScore),
            _ => Err(PapiError::InvalidArgument {
                argument: "normalisation".into(),
                message: format!("{s:?}; use \"goalposts\", \"minmax\" or \"zscore\""),
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Normalisation::Goalposts => "goalposts",
            Normalisation::MinMax => "minmax",
            Normalisation::ZScore => "zscore",
        }
    }

    /// Is the index a linear function of the indicator estimates (so Taylor linearisation is exact)?
    pub fn is_linear(self) -> bool {
        self == Normalisation::Goalposts
    }
}

/// One indicator of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanIndicator {
    pub code: String,
    pub name_en: String,
    pub name_vi: String,
    pub sub: usize,
    pub recipe: Option<Recipe>,
    pub lo: f64,
    pub hi: f64,
    pub higher_is_better: bool,
}

/// One sub-dimension of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSub {
    pub code: String,
    pub name_en: String,
    pub name_vi: String,
    pub dim: usize,
    /// Number of sub-dimensions in its dimension.
    pub n_in_dim: usize,
}

/// One dimension of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDim {
    pub code: String,
    pub name_en: String,
    pub name_vi: String,
}

/// The index structure flattened for computation. Measure order: total, dimensions,
/// sub-dimensions, indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub dims: Vec<PlanDim>,
    pub subs: Vec<PlanSub>,
    pub indicators: Vec<PlanIndicator>,
}

impl Plan {
    pub fn from_framework(fw: &Framework) -> Result<Plan> {
        let mut dims = Vec::new();
        let mut subs = Vec::new();
        let mut indicators = Vec::new();
        for d in &fw.dimensions {
            let di = dims.len();
            dims.push(PlanDim {
                code: d.code.clone(),
                name_en: d.name_en.clone(),
                name_vi: d.name_vi.clone(),
            });
            for s in &d.subdimensions {
                let si = subs.len();
                subs.push(PlanSub {
                    code: s.code.clone(),
                    name_en: s.name_en.clone(),
                    name_vi: s.name_vi.clone(),
                    dim: di,
                    n_in_dim: d.subdimensions.len(),
                });
                for i in &s.indicators {
                    let (lo, hi) = i.recipe.as_ref().map(Recipe::range).unwrap_or((0.0, 1.0));
                    if i.recipe.is_some() && (hi.is_nan() || lo.is_nan() || hi <= lo) {
                        return Err(PapiError::InvalidFramework {
                            problems: vec![format!(
                                "indicator {}: recipe range {lo}..{hi} is empty",
                                i.code
                            )],
                        });
                    }
                    indicators.push(PlanIndicator {
                        code: i.code.clone(),
                        name_en: i.name_en.clone(),
                        name_vi: i.name_vi.clone(),
                        sub: si,
                        recipe: i.recipe.clone(),
                        lo,
                        hi,
                        higher_is_better: i.direction == Direction::HigherIsBetter,
                    });
                }
            }
        }
        if indicators.iter().all(|i| i.recipe.is_none()) {
            return Err(PapiError::InvalidFramework {
                problems: vec![format!(
                    "framework {:?} has no indicator with a recipe, so nothing can be computed from microdata",
                    fw.name
                )],
            });
        }
        Ok(Plan {
            dims,
            subs,
            indicators,
        })
    }

    /// Number of measures: total + dimensions + sub-dimensions + indicators.
    pub fn n_measures(&self) -> usize {
        1 + self.dims.len() + self.subs.len() + self.indicators.len()
    }

    pub fn dim_offset(&self) -> usize {
        1
    }
    pub fn sub_offset(&self) -> usize {
        1 + self.dims.len()
    }
    pub fn ind_offset(&self) -> usize {
        1 + self.dims.len() + self.subs.len()
    }
}

/// Normalise indicator estimates (indicators x domains; NaN = missing) to 0..1.
pub fn normalise(plan: &Plan, est: ArrayView2<f64>, norm: Normalisation) -> Array2<f64> {
    let mut out = Vec::new();
    normalise_into(plan, est, norm, &mut out);
    Array2::from_shape_vec(est.dim(), out)
        .unwrap_or_else(|_| Array2::from_elem(est.dim(), f64::NAN))
}

/// [`normalise`] into a reused buffer (row-major, indicators x domains).
pub fn normalise_into(plan: &Plan, est: ArrayView2<f64>, norm: Normalisation, out: &mut Vec<f64>) {
    let (k, nd) = est.dim();
    out.clear();
    out.resize(k * nd, f64::NAN);
    let std_normal = Normal::standard();
    for (j, ind) in plan.indicators.iter().enumerate().take(k) {
        let row = est.row(j);
        let (a, b) = match norm {
            Normalisation::Goalposts => (ind.lo, ind.hi - ind.lo),
            Normalisation::MinMax => {
                let (mut mn, mut mx) = (f64::INFINITY, f64::NEG_INFINITY);
                for &v in row.iter().filter(|v| !v.is_nan()) {
                    mn = mn.min(v);
                    mx = mx.max(v);
                }
                (mn, mx - mn)
            }
            Normalisation::ZScore => {
                let vals: Vec<f64> = row.iter().copied().filter(|v| !v.is_nan()).collect();
                let n = vals.len().max(1) as f64;
                let mean = vals.iter().sum::<f64>() / n;
                let var = vals.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
                (mean, var.sqrt())
            }
        };
        for d in 0..nd {
            let v = row[d];
            if v.is_nan() {
                continue;
            }
            let x = match norm {
                Normalisation::ZScore => {
                    if b > 0.0 {
                        std_normal.cdf((v - a) / b)
                    } else {
                        0.5
                    }
                }
                _ => {
                    if b > 0.0 {
                        (v - a) / b
                    } else {
                        0.5
                    }
                }
            };
            out[j * nd + d] = if ind.higher_is_better { x } else { 1.0 - x };
        }
    }
}

/// Index of one set of indicator estimates: measures x domains (total, dims, subs, raw indicator
/// estimates) and the number of missing children per cell.
pub fn evaluate(
    plan: &Plan,
    est: ArrayView2<f64>,
    norm: Normalisation,
) -> (Array2<f64>, Array2<u32>) {
    let nd = est.ncols();
    let m = plan.n_measures();
    let mut out = Array2::<f64>::from_elem((m, nd), f64::NAN);
    let mut missing = Array2::<u32>::zeros((m, nd));
    let z = normalise(plan, est, norm);
    let (so, dof, io) = (plan.sub_offset(), plan.dim_offset(), plan.ind_offset());
    let mut sum = vec![0.0; plan.subs.len()];
    let mut cnt = vec![0u32; plan.subs.len()];
    let mut tot = vec![0u32; plan.subs.len()];
    let mut dsum = vec![0.0; plan.dims.len()];
    let mut dcnt = vec![0u32; plan.dims.len()];
    let n_sub: Vec<u32> = (0..plan.dims.len())
        .map(|k| plan.subs.iter().filter(|s| s.dim == k).count() as u32)
        .collect();
    for d in 0..nd {
        // Sub-dimensions.
        sum.fill(0.0);
        cnt.fill(0);
        tot.fill(0);
        dsum.fill(0.0);
        dcnt.fill(0);
        for (j, ind) in plan.indicators.iter().enumerate() {
            out[[io + j, d]] = est[[j, d]];
            tot[ind.sub] += 1;
            if !z[[j, d]].is_nan() {
                sum[ind.sub] += z[[j, d]];
                cnt[ind.sub] += 1;
            }
        }
        for (s, sub) in plan.subs.iter().enumerate() {
            missing[[so + s, d]] = tot[s] - cnt[s];
            if cnt[s] > 0 {
                let v = (1.0 + 9.0 * sum[s] / cnt[s] as f64) / sub.n_in_dim as f64;
                out[[so + s, d]] = v;
                dsum[sub.dim] += v;
                dcnt[sub.dim] += 1;
            }
        }
        let mut tsum = 0.0;
        let mut tcnt = 0u32;
        for (k, _) in plan.dims.iter().enumerate() {
            missing[[dof + k, d]] = n_sub[k] - dcnt[k];
            if dcnt[k] > 0 {
                let v = dsum[k] * n_sub[k] as f64 / dcnt[k] as f64;
                out[[dof + k, d]] = v;
                tsum += v;
                tcnt += 1;
            }
        }
        missing[[0, d]] = plan.dims.len() as u32 - tcnt;
        if tcnt > 0 {
            out[[0, d]] = tsum * plan.dims.len() as f64 / tcnt as f64;
        }
    }
    (out, missing)
}

/// Jacobian of the (linear) goalpost index of every domain with respect to its indicator
/// estimates: `jac[d]` is (measures x indicators). Computed by unit perturbation, exact up to
/// rounding because the map is linear for a fixed missing pattern.
pub fn jacobian(plan: &Plan, est: ArrayView2<f64>) -> Vec<Array2<f64>> {
    let (k, nd) = est.dim();
    let m = plan.n_measures();
    (0..nd)
        .map(|d| {
            let col = est.column(d).to_owned().insert_axis(ndarray::Axis(1));
            let (base, _) = evaluate(plan, col.view(), Normalisation::Goalposts);
            let mut jac = Array2::<f64>::zeros((m, k));
            for j in 0..k {
                if col[[j, 0]].is_nan() {
                    continue;
                }
                let step = (plan.indicators[j].hi - plan.indicators[j].lo)
                    .abs()
                    .max(1.0);
                let mut c2 = col.clone();
                c2[[j, 0]] += step;
                let (pert, _) = evaluate(plan, c2.view(), Normalisation::Goalposts);
                for i in 0..m {
                    let a = pert[[i, 0]];
                    let b = base[[i, 0]];
                    if !a.is_nan() && !b.is_nan() {
                        jac[[i, j]] = (a - b) / step;
                    }
                }
            }
            jac
        })
        .collect()
}

/// Scratch buffers for [`evaluate_into`].
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    z: Vec<f64>,
    /// Number of sub-dimensions of each dimension (filled on first use).
    n_sub: Vec<f64>,
    sum: Vec<f64>,
    cnt: Vec<u32>,
    dsum: Vec<f64>,
    dcnt: Vec<u32>,
}

/// [`evaluate`] without the missing counts, on flat row-major slices: `est` is (indicators x
/// domains), `out` is (measures x domains). Same arithmetic in the same order as `evaluate`.
pub fn evaluate_into(
    plan: &Plan,
    est: ArrayView2<f64>,
    norm: Normalisation,
    out: &mut [f64],
    s: &mut Scratch,
) {
    let nd = est.ncols();
    let (ns, ndim) = (plan.subs.len(), plan.dims.len());
    normalise_into(plan, est, norm, &mut s.z);
    if s.n_sub.len() != ndim {
        s.n_sub = (0..ndim)
            .map(|k| plan.subs.iter().filter(|x| x.dim == k).count() as f64)
            .collect();
    }
    let (so, io) = (plan.sub_offset(), plan.ind_offset());
    out.fill(f64::NAN);
    // Row-major passes (contiguous in `out` and `z`); every cell sums its children in the same
    // order as `evaluate` (indicators, then sub-dimensions, then dimensions, each ascending), so
    // results are bit-identical.
    s.sum.clear();
    s.sum.resize(ns * nd, 0.0);
    s.cnt.clear();
    s.cnt.resize(ns * nd, 0);
    s.dsum.clear();
    s.dsum.resize(ndim * nd, 0.0);
    s.dcnt.clear();
    s.dcnt.resize(ndim * nd, 0);
    for (j, ind) in plan.indicators.iter().enumerate() {
        let row = est.row(j);
        let dst = &mut out[(io + j) * nd..(io + j + 1) * nd];
        for (o, &v) in dst.iter_mut().zip(row.iter()) {
            *o = v;
        }
        let z = &s.z[j * nd..(j + 1) * nd];
        let sum = &mut s.sum[ind.sub * nd..(ind.sub + 1) * nd];
        let cnt = &mut s.cnt[ind.sub * nd..(ind.sub + 1) * nd];
        for ((a, c), &zz) in sum.iter_mut().zip(cnt.iter_mut()).zip(z) {
            if !zz.is_nan() {
                *a += zz;
                *c += 1;
            }
        }
    }
    for (k, sub) in plan.subs.iter().enumerate() {
        let n_in_dim = sub.n_in_dim as f64;
        for d in 0..nd {
            let c = s.cnt[k * nd + d];
            if c > 0 {
                let v = (1.0 + 9.0 * s.sum[k * nd + d] / c as f64) / n_in_dim;
                out[(so + k) * nd + d] = v;
                s.dsum[sub.dim * nd + d] += v;
                s.dcnt[sub.dim * nd + d] += 1;
            }
        }
    }
    let mut tsum = vec![0.0; nd];
    let mut tcnt = vec![0u32; nd];
    for k in 0..ndim {
        for d in 0..nd {
            let c = s.dcnt[k * nd + d];
            if c > 0 {
                let v = s.dsum[k * nd + d] * s.n_sub[k] / c as f64;
                out[(1 + k) * nd + d] = v;
                tsum[d] += v;
                tcnt[d] += 1;
            }
        }
    }
    for d in 0..nd {
        if tcnt[d] > 0 {
            out[d] = tsum[d] * ndim as f64 / tcnt[d] as f64;
        }
    }
}
