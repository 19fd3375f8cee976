//! Domain (province) ratio means with design-based standard errors.
//!
//! One pass over the respondents builds, for every (domain, PSU) cell and every item, the weighted
//! sums `num = sum w*y` and `den = sum w` over respondents the item applies to. Everything else works
//! on these cell sums:
//! * the estimate of a domain mean is `sum num / sum den` (a ratio estimator);
//! * Taylor linearisation: the PSU totals of the linearised variable are `(num - est*den)/D`, and the
//!   variance is `sum_h (1 - f_h) n_h/(n_h - 1) sum_j (z_hj - zbar_h)^2` over **all** PSUs of every
//!   stratum (PSUs without domain members contribute zeros), i.e. the domain is estimated within the
//!   full design, never by filtering rows (R `survey`: `svyby(~y, ~domain, design, svymean)`);
//! * replicate methods multiply cell sums by per-PSU weight factors (see `replicate`).
//!
//! Degrees of freedom per domain: PSUs with respondents in the domain minus strata with respondents
//! in the domain (at least 1), used for t-quantiles.

use super::design::{IndexedDesign, LonelyPsu};
use crate::error::{PapiError, Result};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Cell sums of one domain: one row per PSU holding domain respondents (ascending PSU index).
#[derive(Debug, Clone, PartialEq)]
pub struct DomainCells {
    pub psus: Vec<u32>,
    /// cells x items: sum of w*y over applicable respondents.
    pub num: Array2<f64>,
    /// cells x items: sum of w over applicable respondents.
    pub den: Array2<f64>,
    /// Sum of weights of all respondents of the cell (any item).
    pub wsum: Vec<f64>,
    /// Applicable respondents per item (unweighted).
    pub count: Vec<u64>,
}

/// Cell sums of every domain.
#[derive(Debug, Clone, PartialEq)]
pub struct CellSums {
    pub items: Vec<String>,
    pub domains: Vec<DomainCells>,
    /// Supplied-replicate sums, per item: (replicates x domains) numerators and denominators.
    pub supplied: Option<Vec<(Array2<f64>, Array2<f64>)>>,
}

/// The (domain, PSU) cells: sorted unique keys, the first cell of each domain (`nd + 1` offsets)
/// and each row's cell.
struct Cells {
    keys: Vec<(u32, u32)>,
    start: Vec<usize>,
    of_row: Vec<u32>,
}

fn index_cells(design: &IndexedDesign) -> Cells {
    let nd = design.n_domains();
    let mut keys: Vec<(u32, u32)> = design
        .domain_of_row
        .iter()
        .zip(design.psu_of_row.iter())
        .map(|(&d, &p)| (d, p))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut start = vec![0usize; nd + 1];
    for &(d, _) in &keys {
        start[d as usize + 1] += 1;
    }
    for d in 0..nd {
        start[d + 1] += start[d];
    }
    let of_row: Vec<u32> = design
        .domain_of_row
        .iter()
        .zip(design.psu_of_row.iter())
        .map(|(&d, &p)| {
            let lo = start[d as usize];
            let hi = start[d as usize + 1];
            let off = keys[lo..hi].partition_point(|k| k.1 < p);
            (lo + off) as u32
        })
        .collect();
    Cells {
        keys,
        start,
        of_row,
    }
}

/// Sums of one item: per-cell numerators and denominators, applicable respondents per domain,
/// and the supplied-replicate (replicates x domains) sums.
type ItemSums = (
    Vec<f64>,
    Vec<f64>,
    Vec<u64>,
    Option<(Array2<f64>, Array2<f64>)>,
);

/// One pass over the rows for one item (`v`: NaN = not applicable), in row order.
fn item_sums(design: &IndexedDesign, cells: &Cells, v: &[f64]) -> ItemSums {
    let (nd, nc) = (design.n_domains(), cells.keys.len());
    let mut num = vec![0.0; nc];
    let mut den = vec![0.0; nc];
    let mut cnt = vec![0u64; nd];
    for (i, &y) in v.iter().enumerate() {
        if y.is_nan() {
            continue;
        }
        let c = cells.of_row[i] as usize;
        let w = design.weights[i];
        num[c] += w * y;
        den[c] += w;
        cnt[design.domain_of_row[i] as usize] += 1;
    }
    let sup = design.supplied.as_ref().map(|s| {
        let r = s.weights.len();
        let mut sn = Array2::<f64>::zeros((r, nd));
        let mut sd = Array2::<f64>::zeros((r, nd));
        for (j, wr) in s.weights.iter().enumerate() {
            for (i, &y) in v.iter().enumerate() {
                if y.is_nan() {
                    continue;
                }
                let d = design.domain_of_row[i] as usize;
                sn[[j, d]] += wr[i] * y;
                sd[[j, d]] += wr[i];
            }
        }
        (sn, sd)
    });
    (num, den, cnt, sup)
}

/// Accumulate cell sums. `values(k)` returns item k for every row; NaN = the item does not apply to
/// that respondent (missing, excluded code or outside the question's denominator). Items are
/// evaluated in parallel, each summed in row order, so results do not depend on the thread count.
pub fn cell_sums<F>(design: &IndexedDesign, items: Vec<String>, values: F) -> Result<CellSums>
where
    F: Fn(usize) -> Result<Vec<f64>> + Sync,
{
    let nd = design.n_domains();
    let cells = index_cells(design);
    let mut wsum = vec![0.0; cells.keys.len()];
    for (i, &c) in cells.of_row.iter().enumerate() {
        wsum[c as usize] += design.weights[i];
    }
    let n_items = items.len();
    let per_item: Vec<ItemSums> = (0..n_items)
        .into_par_iter()
        .map(|k| -> Result<ItemSums> {
            let v = values(k)?;
            if v.len() != design.n_rows {
                return Err(PapiError::InvalidSurvey {
                    location: format!("item {}", items[k]),
                    message: format!("{} values for {} rows", v.len(), design.n_rows),
                });
            }
            Ok(item_sums(design, &cells, &v))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut domains = Vec::with_capacity(nd);
    for d in 0..nd {
        let (lo, hi) = (cells.start[d], cells.start[d + 1]);
        let mut num = Array2::<f64>::zeros((hi - lo, n_items));
        let mut den = Array2::<f64>::zeros((hi - lo, n_items));
        for (k, (n, de, _, _)) in per_item.iter().enumerate() {
            for c in lo..hi {
                num[[c - lo, k]] = n[c];
                den[[c - lo, k]] = de[c];
            }
        }
        domains.push(DomainCells {
            psus: cells.keys[lo..hi].iter().map(|k| k.1).collect(),
            num,
            den,
            wsum: wsum[lo..hi].to_vec(),
            count: per_item.iter().map(|x| x.2[d]).collect(),
        });
    }
    let supplied = if design.supplied.is_some() {
        Some(per_item.into_iter().filter_map(|x| x.3).collect::<Vec<_>>())
    } else {
        None
    };
    Ok(CellSums {
        items,
        domains,
        supplied,
    })
}

impl CellSums {
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    /// Full-sample estimates (items x domains); NaN where no respondent applies.
    pub fn estimates(&self) -> Array2<f64> {
        let mut e = Array2::<f64>::from_elem((self.n_items(), self.domains.len()), f64::NAN);
        for (d, dc) in self.domains.iter().enumerate() {
            for k in 0..self.n_items() {
                let n: f64 = dc.num.column(k).iter().sum();
                let w: f64 = dc.den.column(k).iter().sum();
                if w > 0.0 {
                    e[[k, d]] = n / w;
                }
            }
        }
        e
    }

    /// Linearised PSU totals of the item means of domain `d` (cells x items): (num - est*den)/D.
    pub fn linearised(&self, d: usize, est: &Array2<f64>) -> Array2<f64> {
        let dc = &self.domains[d];
        let mut z = Array2::<f64>::zeros(dc.num.raw_dim());
        for k in 0..self.n_items() {
            let w: f64 = dc.den.column(k).iter().sum();
            let e = est[[k, d]];
            if w.is_nan() || w <= 0.0 || e.is_nan() {
                continue;
            }
            for c in 0..dc.psus.len() {
                z[[c, k]] = (dc.num[[c, k]] - e * dc.den[[c, k]]) / w;
            }
        }
        z
    }
}

/// Degrees of freedom of each domain: PSUs with positively-weighted domain respondents minus their
/// strata (at least 1).
pub fn domain_df(design: &IndexedDesign, cells: &CellSums) -> Vec<f64> {
    cells
        .domains
        .iter()
        .map(|dc| {
            let mut npsu = 0usize;
            let mut strata: Vec<u32> = Vec::new();
            for (c, &p) in dc.psus.iter().enumerate() {
                if dc.wsum[c] > 0.0 {
                    npsu += 1;
                    strata.push(design.psu_stratum[p as usize]);
                }
            }
            strata.dedup();
            (npsu.saturating_sub(strata.len())).max(1) as f64
        })
        .collect()
}

/// Taylor (with-replacement, optional FPC) variance of linearised PSU totals `z` (cells x measures)
/// of one domain. PSUs of touched strata without domain respondents count as zeros.
///
/// Single-PSU strata: `Certainty` adds nothing; `Adjust` centres the PSU total at the grand mean of
/// all PSU totals, which is 0 for a linearised mean, so it adds `(1 - f) z^2` (R's `"adjust"`).
pub fn taylor_var(design: &IndexedDesign, cells: &DomainCells, z: ArrayView2<f64>) -> Vec<f64> {
    let m = z.ncols();
    let mut var = vec![0.0; m];
    let mut c = 0usize;
    let nc = cells.psus.len();
    while c < nc {
        let h = design.psu_stratum[cells.psus[c] as usize] as usize;
        let mut e = c;
        while e < nc && design.psu_stratum[cells.psus[e] as usize] as usize == h {
            e += 1;
        }
        let nh = design.stratum_psus[h].len();
        let f = design.fraction[h];
        for (j, v) in var.iter_mut().enumerate() {
            if nh >= 2 {
                let nhf = nh as f64;
                let mut s = 0.0;
                for cc in c..e {
                    s += z[[cc, j]];
                }
                let mean = s / nhf;
                // Sum over all n_h PSUs of (z - mean)^2; PSUs outside the domain have z = 0.
                let mut dev = 0.0;
                for cc in c..e {
                    dev += (z[[cc, j]] - mean).powi(2);
                }
                dev += (nhf - (e - c) as f64) * mean * mean;
                *v += (1.0 - f) * nhf / (nhf - 1.0) * dev;
            } else if design.design.lonely_psu == LonelyPsu::Adjust {
                *v += (1.0 - f) * z[[c, j]] * z[[c, j]];
            }
        }
        c = e;
    }
    var
}

/// Two-sided t-quantile for a confidence `level` with `df` degrees of freedom.
pub fn t_quantile(level: f64, df: f64) -> Result<f64> {
    if !(level > 0.0 && level < 1.0) {
        return Err(PapiError::InvalidArgument {
            argument: "level".into(),
            message: format!("{level}; use a confidence level between 0 and 1, e.g. 0.90 or 0.95"),
        });
    }
    let t = StudentsT::new(0.0, 1.0, df.max(1.0)).map_err(|e| PapiError::InvalidArgument {
        argument: "df".into(),
        message: e.to_string(),
    })?;
    Ok(t.inverse_cdf(0.5 + level / 2.0))
}

/// Domain means of items with SEs.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainMeans {
    pub items: Vec<String>,
    pub domains: Vec<String>,
    /// items x domains
    pub estimate: Array2<f64>,
    pub se: Array2<f64>,
    pub count: Array2<u64>,
    pub df: Vec<f64>,
    pub method: String,
    /// One note per province whose domain labels were merged ("Hà Nội", "Ha Noi" -> province 1);
    /// empty when the domains are not provinces or no two labels name the same province.
    pub domain_merges: Vec<String>,
}

/// Taylor-linearisation domain means of all items.
pub fn taylor_means(design: &IndexedDesign, cells: &CellSums) -> DomainMeans {
    let est = cells.estimates();
    let k = cells.n_items();
    let nd = cells.domains.len();
    let cols: Vec<Vec<f64>> = (0..nd)
        .into_par_iter()
        .map(|d| {
            let z = cells.linearised(d, &est);
            taylor_var(design, &cells.domains[d], z.view())
        })
        .collect();
    let mut se = Array2::<f64>::from_elem((k, nd), f64::NAN);
    for (d, v) in cols.iter().enumerate() {
        for j in 0..k {
            if !est[[j, d]].is_nan() {
                se[[j, d]] = v[j].max(0.0).sqrt();
            }
        }
    }
    DomainMeans {
        items: cells.items.clone(),
        domains: design.domains.clone(),
        count: counts(cells),
        estimate: est,
        se,
        df: domain_df(design, cells),
        method: "taylor".into(),
        domain_merges: Vec::new(),
    }
}

pub(crate) fn counts(cells: &CellSums) -> Array2<u64> {
    let mut c = Array2::<u64>::zeros((cells.n_items(), cells.domains.len()));
    for (d, dc) in cells.domains.iter().enumerate() {
        for (k, &n) in dc.count.iter().enumerate() {
            c[[k, d]] = n;
        }
    }
    c
}
