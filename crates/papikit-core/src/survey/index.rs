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
                            problems: vec![crate::error::Problem::new(
                                format!("indicator {}", i.code),
                                "empty_range",
                                format!("recipe range {lo}..{hi} is empty"),
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
                problems: vec![crate::error::Problem::new(
                    "",
                    "no_recipes",
                    format!(
                        "framework {:?} has no indicator with a recipe, so nothing can be computed from microdata",
                        fw.name
                    ),
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

/// The plan compiled for evaluation: the indicators of each sub-dimension and the sub-dimensions
/// of each dimension as contiguous ranges (the plan lists them in framework order).
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    /// Indicators of sub-dimension s: `sub_start[s]..sub_start[s + 1]`.
    sub_start: Vec<usize>,
    /// Sub-dimensions of dimension k: `dim_start[k]..dim_start[k + 1]`.
    dim_start: Vec<usize>,
    /// Number of sub-dimensions in the dimension of each sub-dimension.
    n_in_dim: Vec<f64>,
    /// Goalposts of each indicator and its direction.
    lo: Vec<f64>,
    hi: Vec<f64>,
    higher_is_better: Vec<bool>,
}

/// How one indicator is put on 0..1 in one evaluation: `x = (v - a) * inv_b` (then `Phi(x)` for the
/// z-score), or 0.5 when `inv_b` is 0 (no spread across provinces).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affine {
    pub a: f64,
    pub inv_b: f64,
}

impl Compiled {
    pub fn new(plan: &Plan) -> Result<Compiled> {
        let (ns, ndim) = (plan.subs.len(), plan.dims.len());
        let ordered = plan.indicators.windows(2).all(|w| w[0].sub <= w[1].sub)
            && plan.subs.windows(2).all(|w| w[0].dim <= w[1].dim)
            && plan.indicators.iter().all(|i| i.sub < ns)
            && plan.subs.iter().all(|s| s.dim < ndim);
        if !ordered {
            return Err(PapiError::InvalidFramework {
                problems: vec![crate::error::Problem::new(
                    "",
                    "unordered_plan",
                    "the index plan must list indicators grouped by sub-dimension and sub-dimensions grouped by dimension; build it with Plan::from_framework",
                )],
            });
        }
        let starts = |n: usize, parents: &mut dyn Iterator<Item = usize>| {
            let mut st = vec![0usize; n + 1];
            for p in parents {
                st[p + 1] += 1;
            }
            for i in 0..n {
                st[i + 1] += st[i];
            }
            st
        };
        let sub_start = starts(ns, &mut plan.indicators.iter().map(|i| i.sub));
        let dim_start = starts(ndim, &mut plan.subs.iter().map(|s| s.dim));
        Ok(Compiled {
            sub_start,
            dim_start,
            n_in_dim: plan.subs.iter().map(|s| s.n_in_dim as f64).collect(),
            lo: plan.indicators.iter().map(|i| i.lo).collect(),
            hi: plan.indicators.iter().map(|i| i.hi).collect(),
            higher_is_better: plan.indicators.iter().map(|i| i.higher_is_better).collect(),
        })
    }

    pub fn n_indicators(&self) -> usize {
        self.lo.len()
    }

    pub fn n_measures(&self) -> usize {
        1 + (self.dim_start.len() - 1) + (self.sub_start.len() - 1) + self.lo.len()
    }

    /// Normalisation of every indicator for one set of estimates. `theta` is domain-major
    /// (`theta[d * k + j]`, NaN = missing); only min-max and z-score look at it.
    pub fn affine(&self, norm: Normalisation, theta: &[f64], nd: usize, out: &mut Vec<Affine>) {
        let k = self.n_indicators();
        out.clear();
        for j in 0..k {
            let (a, b) = match norm {
                Normalisation::Goalposts => (self.lo[j], self.hi[j] - self.lo[j]),
                Normalisation::MinMax => {
                    let (mut mn, mut mx) = (f64::INFINITY, f64::NEG_INFINITY);
                    for d in 0..nd {
                        let v = theta[d * k + j];
                        if !v.is_nan() {
                            mn = mn.min(v);
                            mx = mx.max(v);
                        }
                    }
                    (mn, mx - mn)
                }
                Normalisation::ZScore => {
                    let (mut s, mut n) = (0.0, 0usize);
                    for d in 0..nd {
                        let v = theta[d * k + j];
                        if !v.is_nan() {
                            s += v;
                            n += 1;
                        }
                    }
                    let mean = s / n.max(1) as f64;
                    let mut ss = 0.0;
                    for d in 0..nd {
                        let v = theta[d * k + j];
                        if !v.is_nan() {
                            ss += (v - mean) * (v - mean);
                        }
                    }
                    (mean, (ss / n.max(1) as f64).sqrt())
                }
            };
            out.push(Affine {
                a,
                inv_b: if b > 0.0 { 1.0 / b } else { 0.0 },
            });
        }
    }

    /// Normalised value (0..1, direction applied) of indicator `j`; NaN stays NaN.
    #[inline]
    fn normalised(&self, j: usize, v: f64, p: Affine, zscore: bool) -> f64 {
        let x = if p.inv_b == 0.0 {
            0.5
        } else if zscore {
            phi((v - p.a) * p.inv_b)
        } else {
            (v - p.a) * p.inv_b
        };
        if self.higher_is_better[j] { x } else { 1.0 - x }
    }

    /// The index of one domain from its indicator estimates `theta` (k values, NaN = missing):
    /// measure `j` is written to `out[j * stride]` (total, dimensions, sub-dimensions, then the
    /// raw indicator estimates) and, when given, its number of missing children to
    /// `missing[j * stride]`.
    #[inline]
    pub fn eval_domain(
        &self,
        theta: &[f64],
        params: &[Affine],
        zscore: bool,
        out: &mut [f64],
        stride: usize,
        mut missing: Option<&mut [u32]>,
    ) {
        let ns = self.sub_start.len() - 1;
        let ndim = self.dim_start.len() - 1;
        let (so, io) = (1 + ndim, 1 + ndim + ns);
        let (mut tsum, mut tcnt) = (0.0, 0u32);
        for k in 0..ndim {
            let (s0, s1) = (self.dim_start[k], self.dim_start[k + 1]);
            let (mut dsum, mut dcnt) = (0.0, 0u32);
            for s in s0..s1 {
                let (i0, i1) = (self.sub_start[s], self.sub_start[s + 1]);
                let (mut sum, mut cnt) = (0.0, 0u32);
                for j in i0..i1 {
                    let v = theta[j];
                    out[(io + j) * stride] = v;
                    if !v.is_nan() {
                        sum += self.normalised(j, v, params[j], zscore);
                        cnt += 1;
                    }
                }
                let v = if cnt > 0 {
                    let v = (1.0 + 9.0 * sum / cnt as f64) / self.n_in_dim[s];
                    dsum += v;
                    dcnt += 1;
                    v
                } else {
                    f64::NAN
                };
                out[(so + s) * stride] = v;
                if let Some(m) = missing.as_deref_mut() {
                    m[(so + s) * stride] = (i1 - i0) as u32 - cnt;
                }
            }
            let n_sub = (s1 - s0) as f64;
            let v = if dcnt > 0 {
                let v = dsum * n_sub / dcnt as f64;
                tsum += v;
                tcnt += 1;
                v
            } else {
                f64::NAN
            };
            out[(1 + k) * stride] = v;
            if let Some(m) = missing.as_deref_mut() {
                m[(1 + k) * stride] = (s1 - s0) as u32 - dcnt;
            }
        }
        out[0] = if tcnt > 0 {
            tsum * ndim as f64 / tcnt as f64
        } else {
            f64::NAN
        };
        if let Some(m) = missing {
            m[0] = ndim as u32 - tcnt;
        }
    }
}

fn phi(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// Indicator estimates (indicators x domains) as a domain-major vector.
fn domain_major(est: ArrayView2<f64>) -> Vec<f64> {
    let (k, nd) = est.dim();
    let mut t = vec![f64::NAN; k * nd];
    for j in 0..k {
        for d in 0..nd {
            t[d * k + j] = est[[j, d]];
        }
    }
    t
}

/// Index of one set of indicator estimates: measures x domains (total, dims, subs, raw indicator
/// estimates) and the number of missing children per cell. The replicate kernel evaluates every
/// replicate with the same [`Compiled::eval_domain`], so full-sample and replicate scores share
/// their arithmetic.
pub fn evaluate(
    plan: &Plan,
    est: ArrayView2<f64>,
    norm: Normalisation,
) -> Result<(Array2<f64>, Array2<u32>)> {
    let c = Compiled::new(plan)?;
    let (k, nd) = est.dim();
    let m = c.n_measures();
    let theta = domain_major(est);
    let mut params = Vec::new();
    c.affine(norm, &theta, nd, &mut params);
    let mut out = vec![f64::NAN; m * nd];
    let mut missing = vec![0u32; m * nd];
    for d in 0..nd {
        c.eval_domain(
            &theta[d * k..(d + 1) * k],
            &params,
            norm == Normalisation::ZScore,
            &mut out[d..],
            nd,
            Some(&mut missing[d..]),
        );
    }
    let shape_err = |e: ndarray::ShapeError| PapiError::InvalidArgument {
        argument: "estimates".into(),
        message: format!("internal layout error: {e}"),
    };
    Ok((
        Array2::from_shape_vec((m, nd), out).map_err(shape_err)?,
        Array2::from_shape_vec((m, nd), missing).map_err(shape_err)?,
    ))
}

/// Jacobian of the (linear) goalpost index of every domain with respect to its indicator
/// estimates: `jac[d]` is (measures x indicators). Computed by unit perturbation, exact up to
/// rounding because the map is linear for a fixed missing pattern.
pub fn jacobian(plan: &Plan, est: ArrayView2<f64>) -> Result<Vec<Array2<f64>>> {
    let c = Compiled::new(plan)?;
    let (k, nd) = est.dim();
    let m = c.n_measures();
    let theta = domain_major(est);
    let mut params = Vec::new();
    c.affine(Normalisation::Goalposts, &theta, nd, &mut params);
    let mut base = vec![0.0; m];
    let mut pert = vec![0.0; m];
    Ok((0..nd)
        .map(|d| {
            let mut col = theta[d * k..(d + 1) * k].to_vec();
            c.eval_domain(&col, &params, false, &mut base, 1, None);
            let mut jac = Array2::<f64>::zeros((m, k));
            for j in 0..k {
                let v = col[j];
                if v.is_nan() {
                    continue;
                }
                let step = (plan.indicators[j].hi - plan.indicators[j].lo)
                    .abs()
                    .max(1.0);
                col[j] = v + step;
                c.eval_domain(&col, &params, false, &mut pert, 1, None);
                col[j] = v;
                for i in 0..m {
                    let (a, b) = (pert[i], base[i]);
                    if !a.is_nan() && !b.is_nan() {
                        jac[[i, j]] = (a - b) / step;
                    }
                }
            }
            jac
        })
        .collect())
}
