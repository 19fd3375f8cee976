//! Bindings for benchmarking and gap analysis: profiles, gaps, trends, 63->34 merging, agencies,
//! and a `ScoreTable` handle (published or hand-built/survey scores).

use crate::errors::{IntoPyResult, run};
use numpy::{PyReadonlyArray2, PyReadonlyArray3};
use papikit_core::analysis::agency::{self, AgencyTable};
use papikit_core::analysis::gap::{Against, RegionStat, gaps};
use papikit_core::analysis::merge::{Weights, merged_frames};
use papikit_core::analysis::profile::profile;
use papikit_core::analysis::trend;
use papikit_core::rank::Group;
use papikit_core::registry::registry;
use papikit_core::scores::{Level, Measure, Replicates, ScoreTable};
use papikit_core::{Lang, PapiError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_polars::PyDataFrame;
use std::collections::HashMap;

/// Scores of provinces on a hierarchy of measures, with optional standard errors and replicates.
#[pyclass(name = "ScoreTable", module = "papikit._core", frozen, from_py_object)]
#[derive(Clone)]
pub struct PyScoreTable(pub ScoreTable);

fn nan_to_none(x: f64) -> Option<f64> {
    if x.is_finite() { Some(x) } else { None }
}

#[pymethods]
impl PyScoreTable {
    /// Published scores of a year (total and dimensions).
    #[staticmethod]
    fn published(py: Python<'_>, year: i64) -> PyResult<Self> {
        run(py, || ScoreTable::from_published(year)).map(PyScoreTable)
    }

    /// Build a table from arrays: `measures` = list of (code, level, parent, name_en, name_vi),
    /// `values` (measures x provinces, NaN = missing), optional `se` (same shape) and
    /// `replicates` (measures x replicates x provinces) with `scale` and `centre_full`.
    #[staticmethod]
    #[pyo3(signature = (year, provinces, measures, values, *, se=None, replicates=None, scale=1.0, centre_full=true, method="supplied", source="survey"))]
    #[allow(clippy::too_many_arguments)]
    fn from_arrays(
        year: u16,
        provinces: Vec<u16>,
        measures: Vec<(String, String, Option<String>, String, String)>,
        values: PyReadonlyArray2<'_, f64>,
        se: Option<PyReadonlyArray2<'_, f64>>,
        replicates: Option<PyReadonlyArray3<'_, f64>>,
        scale: f64,
        centre_full: bool,
        method: &str,
        source: &str,
    ) -> PyResult<Self> {
        let ms = measures
            .into_iter()
            .map(|(code, level, parent, name_en, name_vi)| {
                Ok(Measure {
                    code,
                    level: Level::parse(&level)?,
                    parent,
                    name_en,
                    name_vi,
                    min: f64::NEG_INFINITY,
                    max: f64::INFINITY,
                })
            })
            .collect::<papikit_core::Result<Vec<_>>>()
            .py()?;
        let to_rows = |a: numpy::ndarray::ArrayView2<'_, f64>| -> Vec<Vec<Option<f64>>> {
            a.outer_iter()
                .map(|r| r.iter().map(|&x| nan_to_none(x)).collect())
                .collect()
        };
        let reps = replicates.map(|r| {
            let a = r.as_array();
            let draws = a
                .outer_iter()
                .map(|m| {
                    let (nr, np) = (m.shape()[0], m.shape()[1]);
                    let mut out = ndarray::Array2::<f64>::zeros((nr, np));
                    for ((i, j), v) in m.indexed_iter() {
                        out[[i, j]] = *v;
                    }
                    out
                })
                .collect();
            Replicates {
                draws,
                scale,
                centre_full,
                method: method.to_string(),
            }
        });
        let t = ScoreTable {
            year,
            source: source.to_string(),
            provinces,
            measures: ms,
            values: to_rows(values.as_array()),
            se: se.map(|s| to_rows(s.as_array())),
            replicates: reps,
        };
        t.validate().py()?;
        Ok(PyScoreTable(t))
    }

    #[getter]
    fn year(&self) -> u16 {
        self.0.year
    }

    #[getter]
    fn source(&self) -> String {
        self.0.source.clone()
    }

    #[getter]
    fn provinces(&self) -> Vec<u16> {
        self.0.provinces.clone()
    }

    #[getter]
    fn measures(&self) -> Vec<String> {
        self.0.measures.iter().map(|m| m.code.clone()).collect()
    }

    #[getter]
    fn has_replicates(&self) -> bool {
        self.0.has_replicates()
    }

    #[getter]
    fn has_se(&self) -> bool {
        self.0.se.is_some()
    }

    fn __repr__(&self) -> String {
        format!(
            "ScoreTable(year={}, source={:?}, provinces={}, measures={}, se={}, replicates={})",
            self.0.year,
            self.0.source,
            self.0.provinces.len(),
            self.0.measures.len(),
            self.0.se.is_some(),
            self.0.replicates.as_ref().map(|r| r.n()).unwrap_or(0)
        )
    }
}

fn code_of(query: &str) -> PyResult<u16> {
    Ok(papikit_core::registry::province(query).py()?.code)
}

fn province_names(code: u16) -> (String, String) {
    registry()
        .ok()
        .and_then(|r| r.by_code(code))
        .map(|p| (p.name_vi.clone(), p.name_en.clone()))
        .unwrap_or_else(|| (code.to_string(), code.to_string()))
}

/// Gaps of a province; returns (table, metadata).
#[pyfunction]
#[pyo3(signature = (province, year, *, kind, peers=None, group=None, target_rank=None, other_year=None, region_stat="best", level=0.95, lang="en", table=None, other_table=None))]
#[allow(clippy::too_many_arguments)]
pub fn gap_table<'py>(
    py: Python<'py>,
    province: &str,
    year: i64,
    kind: &str,
    peers: Option<Vec<String>>,
    group: Option<&str>,
    target_rank: Option<u32>,
    other_year: Option<i64>,
    region_stat: &str,
    level: f64,
    lang: &str,
    table: Option<Bound<'py, PyScoreTable>>,
    other_table: Option<Bound<'py, PyScoreTable>>,
) -> PyResult<(PyDataFrame, Bound<'py, PyDict>)> {
    let table = table.map(|t| t.get().0.clone());
    let other_table = other_table.map(|t| t.get().0.clone());
    let lang = Lang::parse(lang).py()?;
    let code = code_of(province)?;
    let bad = |m: String| {
        crate::errors::to_py(PapiError::InvalidArgument {
            argument: "against".into(),
            message: m,
        })
    };
    let against = match kind {
        "best" => Against::Best,
        "median" => Against::Median,
        "mean" => Against::Mean,
        "region" => Against::Region(match region_stat {
            "best" => RegionStat::Best,
            "mean" => RegionStat::Mean,
            s => {
                return Err(crate::errors::to_py(PapiError::InvalidArgument {
                    argument: "region_stat".into(),
                    message: format!("{s:?}; use \"best\" or \"mean\""),
                }));
            }
        }),
        "peers" => Against::Peers(
            peers
                .unwrap_or_default()
                .iter()
                .map(|q| code_of(q))
                .collect::<PyResult<Vec<_>>>()?,
        ),
        "group" => Against::Group(Group::parse(group.unwrap_or("")).py()?),
        "target_rank" => {
            Against::TargetRank(target_rank.ok_or_else(|| bad("target rank missing".into()))?)
        }
        "year" => {
            let t = match other_table {
                Some(t) => t,
                None => {
                    let y = other_year.ok_or_else(|| bad("year missing".into()))?;
                    if table.is_some() {
                        return Err(bad(
                            "a Year reference with a non-published source needs the other year's source: pk.Year(2022, source=...)".into(),
                        ));
                    }
                    py.detach(|| ScoreTable::from_published(y)).py()?
                }
            };
            Against::Year(Box::new(t))
        }
        k => return Err(bad(format!("unknown reference kind {k:?}"))),
    };
    let (df, res) = run(py, || {
        let t = match table {
            Some(t) => t,
            None => ScoreTable::from_published(year)?,
        };
        let r = gaps(&t, code, &against, level)?;
        Ok((r.frame(lang)?, r))
    })?;
    let d = PyDict::new(py);
    let (vi, en) = province_names(code);
    d.set_item("province_code", code)?;
    d.set_item("province", lang.pick(&en, &vi))?;
    d.set_item("year", res.year)?;
    d.set_item("source", &res.source)?;
    d.set_item("against", lang.pick(&res.against_en, &res.against_vi))?;
    d.set_item(
        "reference_province",
        res.reference_province.map(|c| {
            let (vi, en) = province_names(c);
            lang.pick(&en, &vi).to_string()
        }),
    )?;
    d.set_item("additive", res.additive)?;
    d.set_item("residual", res.residual)?;
    d.set_item("level", res.level)?;
    Ok((PyDataFrame(df), d))
}

/// Profile of a province; returns (table, metadata).
#[pyfunction]
#[pyo3(signature = (province, year, *, previous_year=None, margin=10, lang="en", table=None, previous_table=None))]
#[allow(clippy::too_many_arguments)]
pub fn profile_table<'py>(
    py: Python<'py>,
    province: &str,
    year: i64,
    previous_year: Option<i64>,
    margin: u32,
    lang: &str,
    table: Option<Bound<'py, PyScoreTable>>,
    previous_table: Option<Bound<'py, PyScoreTable>>,
) -> PyResult<(PyDataFrame, Bound<'py, PyDict>)> {
    let table = table.map(|t| t.get().0.clone());
    let previous_table = previous_table.map(|t| t.get().0.clone());
    let lang = Lang::parse(lang).py()?;
    let code = code_of(province)?;
    let published_source = table.is_none();
    let (df, pr) = run(py, || {
        let t = match table {
            Some(t) => t,
            None => ScoreTable::from_published(year)?,
        };
        let prev = match previous_table {
            Some(p) => Some(p),
            None if published_source => {
                let py_ = previous_year.unwrap_or(year - 1);
                if py_ >= papikit_core::published::FIRST_YEAR as i64 {
                    Some(ScoreTable::from_published(py_)?)
                } else {
                    None
                }
            }
            None => None,
        };
        let p = profile(&t, prev.as_ref(), code, margin)?;
        Ok((p.frame(lang)?, p))
    })?;
    let d = PyDict::new(py);
    let (vi, en) = province_names(code);
    d.set_item("province_code", code)?;
    d.set_item("province", lang.pick(&en, &vi))?;
    d.set_item("year", pr.year)?;
    d.set_item("previous_year", pr.previous_year)?;
    d.set_item("source", &pr.source)?;
    d.set_item("margin", pr.margin)?;
    if let Some(p) = registry().py()?.by_code(code) {
        d.set_item("region", lang.pick(&p.region_en, &p.region_vi))?;
    }
    Ok((PyDataFrame(df), d))
}

#[pyfunction]
#[pyo3(signature = (province, years, *, lang="en"))]
pub fn trend_table(
    py: Python<'_>,
    province: &str,
    years: Vec<i64>,
    lang: &str,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    let code = code_of(province)?;
    run(py, || trend::trend_frame(code, &years, lang)).map(PyDataFrame)
}

/// Comparability rule: is `measure` in `year` comparable with `year - 1`? (None: not measured.)
#[pyfunction]
pub fn comparable_with_previous(measure: &str, year: u16) -> Option<bool> {
    trend::comparable(measure, year)
}

#[pyfunction]
#[pyo3(signature = (year, *, weights=None, population_year=None, lang="en"))]
pub fn merged_table(
    py: Python<'_>,
    year: i64,
    weights: Option<HashMap<String, f64>>,
    population_year: Option<u16>,
    lang: &str,
) -> PyResult<(PyDataFrame, PyDataFrame)> {
    let lang = Lang::parse(lang).py()?;
    let w = match weights {
        Some(m) => {
            let mut out = HashMap::new();
            for (k, v) in m {
                out.insert(code_of(&k)?, v);
            }
            Weights::Explicit(out)
        }
        None => Weights::Population(population_year),
    };
    run(py, || merged_frames(year, &w, lang)).map(|(a, b)| (PyDataFrame(a), PyDataFrame(b)))
}

#[pyfunction]
#[pyo3(signature = (table=None, *, lang="en"))]
pub fn agency_table(
    py: Python<'_>,
    table: Option<PyDataFrame>,
    lang: &str,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || match table {
        Some(df) => AgencyTable::from_frame(&df.0)?.frame(lang),
        None => agency::builtin()?.frame(lang),
    })
    .map(PyDataFrame)
}

#[pyfunction]
#[pyo3(signature = (gaps, table=None, *, lang="en"))]
pub fn by_agency(
    py: Python<'_>,
    gaps: PyDataFrame,
    table: Option<PyDataFrame>,
    lang: &str,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || {
        let t = match table {
            Some(df) => AgencyTable::from_frame(&df.0)?,
            None => agency::builtin()?.clone(),
        };
        t.by_agency_frame(&gaps.0, lang)
    })
    .map(PyDataFrame)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScoreTable>()?;
    m.add_function(wrap_pyfunction!(gap_table, m)?)?;
    m.add_function(wrap_pyfunction!(profile_table, m)?)?;
    m.add_function(wrap_pyfunction!(trend_table, m)?)?;
    m.add_function(wrap_pyfunction!(comparable_with_previous, m)?)?;
    m.add_function(wrap_pyfunction!(merged_table, m)?)?;
    m.add_function(wrap_pyfunction!(agency_table, m)?)?;
    m.add_function(wrap_pyfunction!(by_agency, m)?)?;
    Ok(())
}
