//! Survey design: which columns hold the domain (province), strata, PSUs, weights, FPC and replicate
//! weights, and the validated, indexed form of a design on a table ([`IndexedDesign`]).
//!
//! Conventions (the same as R `survey`'s `svydesign(ids=~psu, strata=~strata, weights=~w,
//! fpc=~fpc, nest=TRUE)`):
//! * PSU labels are nested in strata: PSU "1" of stratum A and PSU "1" of stratum B are different.
//! * No strata column: one stratum. No PSU column: every row is its own PSU.
//! * FPC: a value <= 1 is the sampling fraction of PSUs in the stratum; a value > 1 is the number of
//!   PSUs in the stratum's population. It must be constant within a stratum.
//! * Single-PSU strata follow [`LonelyPsu`] (default `Adjust`, as R's
//!   `options(survey.lonely.psu = "adjust")`).

use crate::error::{PapiError, Result};
use crate::frame;
use polars::prelude::*;
use std::collections::HashMap;

/// What to do with a stratum that has a single PSU (its variance cannot be estimated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LonelyPsu {
    /// Centre the lonely PSU at the average of all PSU totals instead of its stratum mean
    /// (conservative; R's `"adjust"`). Replicate methods leave the stratum's weights unchanged.
    #[default]
    Adjust,
    /// The stratum contributes no variance (a self-representing / certainty unit; R's `"certainty"`).
    Certainty,
    /// A typed error naming the stratum (R's `"fail"`).
    Fail,
}

impl LonelyPsu {
    pub fn parse(s: &str) -> Result<LonelyPsu> {
        match crate::text::fold(s).as_str() {
            "adjust" => Ok(LonelyPsu::Adjust),
            "certainty" => Ok(LonelyPsu::Certainty),
            "fail" => Ok(LonelyPsu::Fail),
            _ => Err(PapiError::InvalidArgument {
                argument: "lonely_psu".into(),
                message: format!("{s:?}; use \"adjust\", \"certainty\" or \"fail\""),
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LonelyPsu::Adjust => "adjust",
            LonelyPsu::Certainty => "certainty",
            LonelyPsu::Fail => "fail",
        }
    }
}

/// Type of supplied replicate weights, as R's `svrepdesign(type =)`; it sets the variance
/// multiplier and whether the replicates are draws usable for rank intervals (bootstrap only).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicateType {
    /// Bootstrap replicates: scale 1/(R-1).
    Bootstrap,
    /// Delete-one-PSU jackknife of an unstratified design: scale (R-1)/R.
    Jk1,
    /// Stratified jackknife: scale 1, per-replicate `rscales` (1-f_h)(n_h-1)/n_h required.
    Jkn,
    /// Balanced repeated replication: scale 1/R.
    Brr,
    /// Fay's modified BRR with perturbation `rho`: scale 1/(R (1-rho)^2).
    Fay { rho: f64 },
    /// Any other scheme: `replicate_scale` (and optionally `replicate_rscales`) required.
    Other,
}

impl ReplicateType {
    /// Parse "bootstrap", "JK1", "JKn", "BRR", "Fay" (with `rho`) or "other".
    pub fn parse(s: &str, rho: Option<f64>) -> Result<ReplicateType> {
        let t = match crate::text::fold(s).as_str() {
            "bootstrap" => ReplicateType::Bootstrap,
            "jk1" => ReplicateType::Jk1,
            "jkn" => ReplicateType::Jkn,
            "brr" => ReplicateType::Brr,
            "fay" => {
                let rho = rho.ok_or_else(|| PapiError::InvalidArgument {
                    argument: "replicate_rho".into(),
                    message: "type \"Fay\" needs replicate_rho= (e.g. 0.5)".into(),
                })?;
                if !(rho.is_finite() && (0.0..1.0).contains(&rho)) {
                    return Err(PapiError::InvalidArgument {
                        argument: "replicate_rho".into(),
                        message: format!("{rho}; use a number in [0, 1)"),
                    });
                }
                ReplicateType::Fay { rho }
            }
            "other" => ReplicateType::Other,
            _ => {
                return Err(PapiError::InvalidArgument {
                    argument: "replicate_type".into(),
                    message: format!(
                        "{s:?}; use \"bootstrap\", \"JK1\", \"JKn\", \"BRR\", \"Fay\" or \"other\""
                    ),
                });
            }
        };
        Ok(t)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReplicateType::Bootstrap => "bootstrap",
            ReplicateType::Jk1 => "JK1",
            ReplicateType::Jkn => "JKn",
            ReplicateType::Brr => "BRR",
            ReplicateType::Fay { .. } => "Fay",
            ReplicateType::Other => "other",
        }
    }

    /// The variance multiplier for `r` replicates (R's `svrepdesign` defaults); None where it must
    /// be given.
    pub fn scale(self, r: usize) -> Option<f64> {
        let rf = r as f64;
        match self {
            ReplicateType::Bootstrap => Some(1.0 / (rf.max(2.0) - 1.0)),
            ReplicateType::Jk1 => Some((rf - 1.0) / rf.max(1.0)),
            ReplicateType::Jkn => Some(1.0),
            ReplicateType::Brr => Some(1.0 / rf.max(1.0)),
            ReplicateType::Fay { rho } => Some(1.0 / (rf.max(1.0) * (1.0 - rho) * (1.0 - rho))),
            ReplicateType::Other => None,
        }
    }
}

/// A survey design: column names, as the user gives them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Design {
    /// Domain column (province, or any grouping estimated as domains of the full design).
    pub domain: String,
    pub strata: Option<String>,
    pub psu: Option<String>,
    /// Weight column; None = every row weighs 1.
    pub weight: Option<String>,
    pub fpc: Option<String>,
    /// User-supplied replicate weight columns (full weights, not factors).
    #[serde(default)]
    pub replicate_weights: Vec<String>,
    /// Type of the supplied replicates; None = "bootstrap", or "other" when `replicate_scale` is
    /// given.
    #[serde(default)]
    pub replicate_type: Option<ReplicateType>,
    /// Variance multiplier of supplied replicates (default: the type's, as R's `svrepdesign`).
    #[serde(default)]
    pub replicate_scale: Option<f64>,
    /// Per-replicate multipliers (`rscales`; required for "JKn", default 1).
    #[serde(default)]
    pub replicate_rscales: Option<Vec<f64>>,
    /// Centre supplied-replicate variances at the full-sample estimate (true) or replicate mean.
    #[serde(default)]
    pub replicate_mse: bool,
    #[serde(default)]
    pub lonely_psu: LonelyPsu,
}

impl Design {
    /// A design with a domain column only (one stratum, each row a PSU, unit weights).
    pub fn new(domain: &str) -> Design {
        Design {
            domain: domain.into(),
            strata: None,
            psu: None,
            weight: None,
            fpc: None,
            replicate_weights: Vec::new(),
            replicate_type: None,
            replicate_scale: None,
            replicate_rscales: None,
            replicate_mse: false,
            lonely_psu: LonelyPsu::Adjust,
        }
    }

    pub fn strata(mut self, c: &str) -> Self {
        self.strata = Some(c.into());
        self
    }
    pub fn psu(mut self, c: &str) -> Self {
        self.psu = Some(c.into());
        self
    }
    pub fn weight(mut self, c: &str) -> Self {
        self.weight = Some(c.into());
        self
    }
    pub fn fpc(mut self, c: &str) -> Self {
        self.fpc = Some(c.into());
        self
    }
    pub fn lonely(mut self, l: LonelyPsu) -> Self {
        self.lonely_psu = l;
        self
    }
}

/// Supplied replicate weights, indexed.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppliedReplicates {
    /// rows x replicates.
    pub weights: Vec<Vec<f64>>,
    pub names: Vec<String>,
    pub kind: ReplicateType,
    pub scale: f64,
    pub rscales: Vec<f64>,
    pub mse: bool,
}

/// A design validated against a table: integer codes for domains, strata and PSUs in a canonical
/// (sorted) order, so every sum runs in the same order whatever the thread count.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedDesign {
    pub design: Design,
    pub n_rows: usize,
    /// Domain labels, sorted (numerically when all are integers).
    pub domains: Vec<String>,
    pub domain_of_row: Vec<u32>,
    pub strata: Vec<String>,
    /// PSU labels (within their stratum), PSUs sorted by (stratum, label).
    pub psu_labels: Vec<String>,
    pub psu_stratum: Vec<u32>,
    pub psu_of_row: Vec<u32>,
    /// PSUs of each stratum, ascending.
    pub stratum_psus: Vec<Vec<u32>>,
    /// Sampling fraction of PSUs per stratum (0 without FPC).
    pub fraction: Vec<f64>,
    pub weights: Vec<f64>,
    pub supplied: Option<SuppliedReplicates>,
}

/// A design column's values: integers (integer columns, and float columns whose values are all
/// integral, e.g. from Stata) or strings.
enum LabelCol {
    Int(Vec<Option<i64>>),
    Str(Vec<Option<String>>),
}

impl LabelCol {
    fn read(df: &DataFrame, name: &str) -> Result<LabelCol> {
        let c = df
            .column(name)
            .map_err(|_| crate::frame::missing(df, name))?;
        let dt = c.dtype();
        if dt.is_integer() {
            let s = c.as_materialized_series().cast(&DataType::Int64)?;
            return Ok(LabelCol::Int(s.i64()?.iter().collect()));
        }
        if dt.is_float() {
            let v = frame::f64_col(df, name)?;
            if v.iter()
                .flatten()
                .all(|x| x.fract() == 0.0 && x.abs() < 9e15)
            {
                return Ok(LabelCol::Int(
                    v.into_iter().map(|x| x.map(|x| x as i64)).collect(),
                ));
            }
            return Ok(LabelCol::Str(
                v.into_iter().map(|x| x.map(|x| format!("{x}"))).collect(),
            ));
        }
        Ok(LabelCol::Str(frame::str_col(df, name)?))
    }

    /// Row of the first missing value.
    fn first_missing(&self) -> Option<usize> {
        match self {
            LabelCol::Int(v) => v.iter().position(Option::is_none),
            LabelCol::Str(v) => v.iter().position(Option::is_none),
        }
    }
}

/// Sorted labels (numerically when all are integers) and each row's position among them. A missing
/// value is an error naming the column and row.
fn code_labels(values: &LabelCol, column: &str) -> Result<(Vec<String>, Vec<u32>)> {
    if let Some(i) = values.first_missing() {
        return Err(PapiError::InvalidSurvey {
            location: format!("column {column:?}, row {i}"),
            message: "missing value; every row needs a value in this design column".into(),
        });
    }
    match values {
        LabelCol::Int(v) => {
            let ints: Vec<i64> = v.iter().flatten().copied().collect();
            let mut uniq = ints.clone();
            uniq.sort_unstable();
            uniq.dedup();
            let codes = ints
                .iter()
                .map(|x| uniq.partition_point(|u| u < x) as u32)
                .collect();
            Ok((uniq.iter().map(i64::to_string).collect(), codes))
        }
        LabelCol::Str(v) => {
            let strs: Vec<&str> = v.iter().flatten().map(String::as_str).collect();
            let mut uniq: Vec<&str> = strs.clone();
            uniq.sort_unstable();
            uniq.dedup();
            let ints: Option<Vec<i64>> = uniq.iter().map(|s| s.trim().parse().ok()).collect();
            if let Some(ints) = ints {
                // Integer labels stored as text: numeric order.
                let mut order: Vec<usize> = (0..uniq.len()).collect();
                order.sort_by_key(|&i| (ints[i], uniq[i]));
                uniq = order.iter().map(|&i| uniq[i]).collect();
            }
            let pos: HashMap<&str, u32> = uniq
                .iter()
                .enumerate()
                .map(|(i, s)| (*s, i as u32))
                .collect();
            let codes = strs
                .iter()
                .map(|s| pos.get(s).copied().unwrap_or(0))
                .collect();
            Ok((uniq.iter().map(|s| s.to_string()).collect(), codes))
        }
    }
}

fn weight_col(
    df: &DataFrame,
    name: &str,
    domains: Option<(&[String], &[u32])>,
) -> Result<Vec<f64>> {
    let v = frame::f64_col(df, name)?;
    let mut out = Vec::with_capacity(v.len());
    for (i, x) in v.iter().enumerate() {
        let dom = || {
            domains
                .map(|(l, c)| format!(" (domain {})", l[c[i] as usize]))
                .unwrap_or_default()
        };
        match x {
            None => {
                return Err(PapiError::InvalidSurvey {
                    location: format!("weight column {name:?}, row {i}{}", dom()),
                    message: "missing or NaN weight; drop the row or give it weight 0".into(),
                });
            }
            Some(w) if !w.is_finite() || *w < 0.0 => {
                return Err(PapiError::InvalidSurvey {
                    location: format!("weight column {name:?}, row {i}{}", dom()),
                    message: format!("weight {w} is negative or infinite; weights must be >= 0"),
                });
            }
            Some(w) => out.push(*w),
        }
    }
    if !out.iter().any(|&w| w > 0.0) {
        return Err(PapiError::InvalidSurvey {
            location: format!("weight column {name:?}"),
            message: "all weights are zero".into(),
        });
    }
    Ok(out)
}

/// Type, scale and rscales of `r` supplied replicates: the declared type's (R's `svrepdesign`
/// defaults), `replicate_scale` overriding the scale.
fn supplied_constants(design: &Design, r: usize) -> Result<(ReplicateType, f64, Vec<f64>)> {
    let kind = design
        .replicate_type
        .unwrap_or(match design.replicate_scale {
            Some(_) => ReplicateType::Other,
            None => ReplicateType::Bootstrap,
        });
    let scale = design
        .replicate_scale
        .or_else(|| kind.scale(r))
        .ok_or_else(|| PapiError::InvalidArgument {
            argument: "replicate_scale".into(),
            message: "replicate_type \"other\" needs replicate_scale=".into(),
        })?;
    if !(scale.is_finite() && scale > 0.0) {
        return Err(PapiError::InvalidArgument {
            argument: "replicate_scale".into(),
            message: format!("{scale}; must be a positive number"),
        });
    }
    let rscales = match &design.replicate_rscales {
        Some(v) if v.len() != r => {
            return Err(PapiError::InvalidArgument {
                argument: "replicate_rscales".into(),
                message: format!("{} values for {r} replicate weight columns", v.len()),
            });
        }
        Some(v) if v.iter().any(|x| !(x.is_finite() && *x >= 0.0)) => {
            return Err(PapiError::InvalidArgument {
                argument: "replicate_rscales".into(),
                message: "every rscale must be a number >= 0".into(),
            });
        }
        Some(v) => v.clone(),
        None if kind == ReplicateType::Jkn => {
            return Err(PapiError::InvalidArgument {
                argument: "replicate_rscales".into(),
                message: "type \"JKn\" needs replicate_rscales= ((1 - f_h)(n_h - 1)/n_h of each replicate's stratum)".into(),
            });
        }
        None => vec![1.0; r],
    };
    Ok((kind, scale, rscales))
}

/// PSUs nested in strata: PSU key = (stratum, label), ordered by stratum, then label.
struct PsuIndex {
    labels: Vec<String>,
    stratum: Vec<u32>,
    of_row: Vec<u32>,
    /// PSUs of each stratum, ascending.
    by_stratum: Vec<Vec<u32>>,
}

fn index_psus(
    df: &DataFrame,
    design: &Design,
    stratum_of_row: &[u32],
    n_strata: usize,
) -> Result<PsuIndex> {
    let n = stratum_of_row.len();
    let (psu_names, psu_code): (Vec<String>, Vec<u32>) = match &design.psu {
        Some(c) => {
            let col = LabelCol::read(df, c)?;
            if let Some(i) = col.first_missing() {
                return Err(PapiError::InvalidSurvey {
                    location: format!("column {c:?}, row {i}"),
                    message: "missing PSU".into(),
                });
            }
            code_labels(&col, c)?
        }
        None => (
            (0..n).map(|i| i.to_string()).collect(),
            (0..n as u32).collect(),
        ),
    };
    let mut keys: Vec<(u32, u32)> = stratum_of_row
        .iter()
        .zip(psu_code.iter())
        .map(|(&s, &p)| (s, p))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let of_row: Vec<u32> = stratum_of_row
        .iter()
        .zip(psu_code.iter())
        .map(|(&s, &p)| keys.partition_point(|k| *k < (s, p)) as u32)
        .collect();
    let stratum: Vec<u32> = keys.iter().map(|k| k.0).collect();
    let labels: Vec<String> = keys
        .iter()
        .map(|k| psu_names[k.1 as usize].clone())
        .collect();
    let mut by_stratum: Vec<Vec<u32>> = vec![Vec::new(); n_strata];
    for (p, &s) in stratum.iter().enumerate() {
        by_stratum[s as usize].push(p as u32);
    }
    Ok(PsuIndex {
        labels,
        stratum,
        of_row,
        by_stratum,
    })
}

/// A single-PSU stratum is an error under [`LonelyPsu::Fail`].
fn check_lonely(design: &Design, strata: &[String], by_stratum: &[Vec<u32>]) -> Result<()> {
    for (h, ps) in by_stratum.iter().enumerate() {
        if ps.len() == 1 && design.lonely_psu == LonelyPsu::Fail {
            return Err(PapiError::InvalidSurvey {
                location: format!(
                    "stratum {} (column {:?})",
                    strata[h],
                    design.strata.as_deref().unwrap_or("-")
                ),
                message: "the stratum has a single PSU, so its variance cannot be estimated; use lonely_psu=\"adjust\" or \"certainty\", or merge it with a similar stratum".into(),
            });
        }
    }
    Ok(())
}

/// Every domain needs respondents with positive weight.
fn check_domain_weights(
    design: &Design,
    domains: &[String],
    domain_of_row: &[u32],
    weights: &[f64],
) -> Result<()> {
    let mut wsum = vec![0.0; domains.len()];
    for (i, &d) in domain_of_row.iter().enumerate() {
        wsum[d as usize] += weights[i];
    }
    if let Some(d) = wsum.iter().position(|&w| w <= 0.0) {
        return Err(PapiError::InvalidSurvey {
            location: format!("domain {} (column {:?})", domains[d], design.domain),
            message: "no respondents with a positive weight in this domain".into(),
        });
    }
    Ok(())
}

/// Sampling fraction of PSUs per stratum from the FPC column (constant within a stratum).
fn fpc_fractions(
    df: &DataFrame,
    c: &str,
    strata: &[String],
    stratum_of_row: &[u32],
    by_stratum: &[Vec<u32>],
) -> Result<Vec<f64>> {
    let v = frame::f64_col(df, c)?;
    let mut f: Vec<Option<f64>> = vec![None; strata.len()];
    for (i, x) in v.iter().enumerate() {
        let h = stratum_of_row[i] as usize;
        let x = x.ok_or_else(|| PapiError::InvalidSurvey {
            location: format!("fpc column {c:?}, row {i}"),
            message: "missing FPC value".into(),
        })?;
        let nh = by_stratum[h].len() as f64;
        let frac = if x <= 1.0 { x } else { nh / x };
        if !(0.0..=1.0).contains(&frac) || !x.is_finite() || x < 0.0 {
            return Err(PapiError::InvalidSurvey {
                location: format!("fpc column {c:?}, stratum {}", strata[h]),
                message: format!(
                    "FPC {x} is invalid: give a sampling fraction in [0, 1] or a population number of PSUs >= the {nh} sampled"
                ),
            });
        }
        match f[h] {
            None => f[h] = Some(frac),
            Some(g) if (g - frac).abs() > 1e-12 => {
                return Err(PapiError::InvalidSurvey {
                    location: format!("fpc column {c:?}, stratum {}", strata[h]),
                    message: "FPC differs between rows of one stratum".into(),
                });
            }
            _ => {}
        }
    }
    Ok(f.into_iter().map(|x| x.unwrap_or(0.0)).collect())
}

/// The supplied replicate weight columns, checked, with their type's constants.
fn supplied_replicates(df: &DataFrame, design: &Design) -> Result<Option<SuppliedReplicates>> {
    if design.replicate_weights.is_empty() {
        return Ok(None);
    }
    let r = design.replicate_weights.len();
    let mut cols = Vec::with_capacity(r);
    for c in &design.replicate_weights {
        let v = frame::f64_col(df, c)?;
        let mut col = Vec::with_capacity(v.len());
        for (i, x) in v.iter().enumerate() {
            match x {
                Some(w) if w.is_finite() && *w >= 0.0 => col.push(*w),
                _ => {
                    return Err(PapiError::InvalidSurvey {
                        location: format!("replicate weight column {c:?}, row {i}"),
                        message: "missing, negative or infinite replicate weight".into(),
                    });
                }
            }
        }
        cols.push(col);
    }
    let (kind, scale, rscales) = supplied_constants(design, r)?;
    Ok(Some(SuppliedReplicates {
        weights: cols,
        names: design.replicate_weights.clone(),
        kind,
        scale,
        rscales,
        mse: design.replicate_mse,
    }))
}

impl IndexedDesign {
    /// Validate `design` against `df` and index it: domains, strata, PSUs nested in strata, the
    /// single-PSU rule, weights, FPC and supplied replicate weights.
    pub fn new(df: &DataFrame, design: &Design) -> Result<IndexedDesign> {
        let n = df.height();
        if n == 0 {
            return Err(PapiError::InvalidSurvey {
                location: "table".into(),
                message: "the survey table has no rows".into(),
            });
        }
        let (domains, domain_of_row) =
            code_labels(&LabelCol::read(df, &design.domain)?, &design.domain)?;
        let (strata, stratum_of_row) = match &design.strata {
            Some(c) => code_labels(&LabelCol::read(df, c)?, c)?,
            None => (vec!["all".to_string()], vec![0u32; n]),
        };
        let psus = index_psus(df, design, &stratum_of_row, strata.len())?;
        check_lonely(design, &strata, &psus.by_stratum)?;
        let weights = match &design.weight {
            Some(c) => weight_col(df, c, Some((&domains, &domain_of_row)))?,
            None => vec![1.0; n],
        };
        check_domain_weights(design, &domains, &domain_of_row, &weights)?;
        let fraction = match &design.fpc {
            None => vec![0.0; strata.len()],
            Some(c) => fpc_fractions(df, c, &strata, &stratum_of_row, &psus.by_stratum)?,
        };
        let supplied = supplied_replicates(df, design)?;
        Ok(IndexedDesign {
            design: design.clone(),
            n_rows: n,
            domains,
            domain_of_row,
            strata,
            psu_labels: psus.labels,
            psu_stratum: psus.stratum,
            psu_of_row: psus.of_row,
            stratum_psus: psus.by_stratum,
            fraction,
            weights,
            supplied,
        })
    }

    pub fn n_psus(&self) -> usize {
        self.psu_stratum.len()
    }

    pub fn n_domains(&self) -> usize {
        self.domains.len()
    }
}
