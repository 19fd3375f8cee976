//! Model-based standard errors for published scores (issue 15): published PAPI results carry no
//! SEs, so a default SE per province and measure comes from a model of the PAPI sample — the
//! survey engine (Rao-Wu bootstrap, [`MODEL_REPLICATES`] replicates, seed [`MODEL_SEED`]) run on
//! the synthetic survey calibrated to the year ([`synthetic::synthetic_survey`]`(year, 0, 1.0)`:
//! the year's PAPI sampling plan — 63 province strata, district PSUs, the year's sample sizes per
//! province, design weights — answering with the published scores as expected values).
//!
//! Computed once per year on first use and cached in-process (about 0.2-0.5 s per year, then
//! free): deterministic (fixed seeds; the engine is bit-identical for any thread count), and it
//! follows the engine and the synthetic calibration when either changes, where an embedded table
//! would go stale. A table that carries its own SEs or replicates (a survey result, a table with
//! published CIs loaded as SEs) keeps them: the model only fills a table that has none.
//!
//! What it is and is not: the SE a province's score would have under the PAPI design if its
//! sample looked like the synthetic one. With about three district PSUs per province the design
//! SE of one sample has about two degrees of freedom, so the province-to-province differences of
//! the model mostly reflect the synthetic sample's districts; its level (median over provinces)
//! is the realistic part. docs/methodology.md ("Model-based SEs of published scores").

use super::synthetic;
use super::{Design, Method, ScoreOptions, score};
use crate::error::{PapiError, Result};
use crate::scores::ScoreTable;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Bootstrap replicates of the model run (Monte Carlo error of an SE about 1/sqrt(2R) = 3 %).
pub const MODEL_REPLICATES: usize = 500;
/// Seed of the model's bootstrap replicates.
pub const MODEL_SEED: u64 = 15;
/// Seed of the synthetic survey the model runs on (`pk.synthetic_survey`'s default).
pub const MODEL_SURVEY_SEED: u64 = 0;
/// What the SEs are, for tables and result objects.
pub const MODEL_KIND: &str = "model-based";

/// Model SEs of one year: `se[measure][province]` for `codes` x `provinces` (GSO codes).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSe {
    pub year: u16,
    pub provinces: Vec<u16>,
    /// Measure codes (lower case): total, dimensions, sub-dimensions, indicators of the year's
    /// framework.
    pub codes: Vec<String>,
    pub se: Vec<Vec<f64>>,
}

impl ModelSe {
    /// Model SE of `measure` (case-insensitive) for province `code`; None if unknown or NaN.
    pub fn get(&self, measure: &str, code: u16) -> Option<f64> {
        let m = measure.to_ascii_lowercase();
        let j = self.codes.iter().position(|c| *c == m)?;
        let p = self.provinces.iter().position(|&q| q == code)?;
        let v = self.se[j][p];
        (v.is_finite()).then_some(v)
    }
}

impl ModelSe {
    /// Long table of `measures`: `year, province_code, province_name, province_name_en, measure,
    /// level, se, se_source` ("model-based"), one row per province and measure.
    pub fn frame(&self, measures: &[crate::scores::Measure]) -> Result<polars::prelude::DataFrame> {
        use crate::columns::{MEASURE, province_columns};
        use crate::frame::{build, col_f64, col_str, col_u32};
        let (mut prov, mut meas, mut lev, mut se) = (vec![], vec![], vec![], vec![]);
        for m in measures {
            for &p in &self.provinces {
                prov.push(Some(p));
                meas.push(Some(m.code.clone()));
                lev.push(Some(m.level.as_str().to_string()));
                se.push(self.get(&m.code, p));
            }
        }
        let n = prov.len();
        let mut cols = vec![col_u32("year", vec![Some(u32::from(self.year)); n])];
        cols.extend(province_columns(crate::registry::registry()?, &prov, true));
        cols.extend([
            col_str(MEASURE, &meas),
            col_str("level", &lev),
            col_f64("se", se),
            col_str("se_source", &vec![Some(MODEL_KIND); n]),
        ]);
        build(n, cols)
    }
}

type Cache = Mutex<HashMap<u16, Arc<ModelSe>>>;
static CACHE: OnceLock<Cache> = OnceLock::new();

/// The PAPI design of the synthetic survey: province strata and domains, district PSUs, weights.
fn papi_design() -> Design {
    Design::new("province")
        .strata("province")
        .psu("district")
        .weight("weight")
}

/// Run the model for `year` (not cached).
pub fn compute(year: i64) -> Result<ModelSe> {
    let y = crate::published::check_year(year)?;
    let fw = crate::framework::builtin(i64::from(y))?;
    let df = synthetic::synthetic_with(&fw, i64::from(y), MODEL_SURVEY_SEED, 1.0)?;
    let opts = ScoreOptions {
        method: Method::Bootstrap,
        replicates: MODEL_REPLICATES,
        seed: MODEL_SEED,
        level: 0.95,
        year: Some(y),
        ..ScoreOptions::default()
    };
    let s = score(&df, &papi_design(), &fw, &opts)?;
    let (m, nd) = s.se.dim();
    Ok(ModelSe {
        year: y,
        provinces: s.provinces.clone(),
        codes: s
            .measures
            .iter()
            .map(|x| x.code.to_ascii_lowercase())
            .collect(),
        se: (0..m)
            .map(|j| (0..nd).map(|d| s.se[[j, d]]).collect())
            .collect(),
    })
}

/// The model SEs of `year`, computed on first use and cached for the process.
pub fn model_se(year: i64) -> Result<Arc<ModelSe>> {
    let y = crate::published::check_year(year)?;
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&y).cloned()) {
        return Ok(hit);
    }
    // Computed outside the lock (another year may be asked meanwhile); the first insert wins, so
    // every caller sees the same table (the computation is deterministic anyway).
    let fresh = Arc::new(compute(i64::from(y))?);
    let mut c = cache.lock().map_err(|_| PapiError::InvalidArgument {
        argument: "year".into(),
        message: "the model-SE cache was poisoned by an earlier panic; restart the process".into(),
    })?;
    Ok(c.entry(y).or_insert(fresh).clone())
}

/// True when `t` carries no uncertainty of its own (no SE anywhere, no replicates).
pub fn lacks_se(t: &ScoreTable) -> bool {
    t.replicates.is_none()
        && t.se
            .as_ref()
            .is_none_or(|se| se.iter().all(|row| row.iter().all(Option::is_none)))
}

/// True when the model SEs stand in for `t`'s uncertainty: published scores (source
/// "published") without SEs or replicates of their own. Hand-built and survey tables never get
/// them (their values are not the published ones the model describes).
pub fn applies(t: &ScoreTable) -> bool {
    t.source == "published" && lacks_se(t)
}

/// `t` with model SEs of its year where it carries none (see [`lacks_se`]): every measure the
/// model knows gets the model SE of each province that has a value; other cells stay `None`.
/// A table with SEs or replicates is returned unchanged.
pub fn with_model_se(t: &ScoreTable) -> Result<ScoreTable> {
    // The model exists for the embedded years only (the synthetic survey is calibrated to them); a
    // year loaded at run time keeps its own SEs, or none.
    let embedded = (crate::published::FIRST_YEAR..=crate::published::LAST_YEAR).contains(&t.year);
    if !lacks_se(t) || !embedded || crate::loaded::get(i64::from(t.year)).is_some() {
        return Ok(t.clone());
    }
    let model = model_se(i64::from(t.year))?;
    let se = t
        .measures
        .iter()
        .zip(&t.values)
        .map(|(m, vals)| {
            t.provinces
                .iter()
                .zip(vals)
                .map(|(&p, v)| v.and_then(|_| model.get(&m.code, p)))
                .collect()
        })
        .collect();
    let mut out = t.clone();
    out.se = Some(se);
    Ok(out)
}

/// Published results of `year` (total and dimensions; with `subdimensions`, down to the
/// sub-dimensions) with model SEs.
pub fn published_with_model_se(year: i64, subdimensions: bool) -> Result<ScoreTable> {
    let t = if subdimensions {
        ScoreTable::from_published(year)?
    } else {
        ScoreTable::from_published_dimensions(year)?
    };
    with_model_se(&t)
}

/// Model SEs of the published measures of `year` (as [`published_with_model_se`]) as a long
/// table ([`ModelSe::frame`]).
pub fn published_se_frame(year: i64, subdimensions: bool) -> Result<polars::prelude::DataFrame> {
    let t = if subdimensions {
        ScoreTable::from_published(year)?
    } else {
        ScoreTable::from_published_dimensions(year)?
    };
    model_se(year)?.frame(&t.measures)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every published total and dimension score of 2023 gets a positive model SE, equal to the
    /// engine's SE on the synthetic survey for that province and measure; the cache hands out one
    /// table; a table with SEs is left alone.
    #[test]
    fn published_2023_gets_the_engines_se() {
        let t = published_with_model_se(2023, false).unwrap();
        let m = model_se(2023).unwrap();
        assert!(Arc::ptr_eq(&m, &model_se(2023).unwrap()));
        let se = t.se.as_ref().unwrap();
        let mut filled = 0;
        for (j, meas) in t.measures.iter().enumerate() {
            for (p, &code) in t.provinces.iter().enumerate() {
                match t.values[j][p] {
                    Some(_) => {
                        let s = se[j][p].unwrap();
                        assert!(s > 0.0 && s < 2.0, "{} {code}: {s}", meas.code);
                        assert_eq!(Some(s), m.get(&meas.code, code));
                        filled += 1;
                    }
                    None => assert!(se[j][p].is_none()),
                }
            }
        }
        // 61 provinces with published 2023 scores x (total + 8 dimensions)
        assert_eq!(filled, 61 * 9);
        let again = with_model_se(&t).unwrap();
        assert_eq!(again, t);
        // Only published tables without uncertainty of their own get the model.
        let bare = ScoreTable::from_published(2023).unwrap();
        assert!(applies(&bare) && !applies(&t));
        let mut custom = bare.clone();
        custom.source = "custom".into();
        assert!(!applies(&custom));
        // The total's SE is not the dimensions' root sum of squares (they are correlated): the
        // model keeps what the engine estimates.
        assert!(m.get("total", 1).unwrap() > 0.0);
    }

    /// The model is bit-identical for 1 and 2 threads (what the cache holds does not depend on
    /// the machine's thread count).
    #[test]
    fn bit_identical_for_any_thread_count() {
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| compute(2016).unwrap())
        };
        let (a, b) = (run(1), run(2));
        assert_eq!(a.codes, b.codes);
        for (x, y) in a.se.iter().zip(&b.se) {
            assert_eq!(
                x.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                y.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn unknown_year_is_an_error() {
        assert!(model_se(1999).is_err());
    }
}
