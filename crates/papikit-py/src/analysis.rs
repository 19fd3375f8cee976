//! Bindings for benchmarking and gap analysis: profiles, gaps, trends, 63->34 merging, agencies,
//! and a `ScoreTable` handle (published or hand-built/survey scores).

use crate::errors::{IntoPyResult, run};
use crate::frames::{self, GuardedFrame};
use crate::targets::{PyGroup, PyTargetRank, PyYear};
use numpy::{PyReadonlyArray2, PyReadonlyArray3};
use papikit_core::analysis::agency::AgencyTable;
use papikit_core::analysis::compare;
use papikit_core::analysis::gap::{self, Against, GapResult, RegionStat};
use papikit_core::analysis::merge::{Weights, merged_frames_at};
use papikit_core::analysis::profile::{Profile, profile as profile_of};
use papikit_core::analysis::review::{self as review_core, Goal, Review};
use papikit_core::analysis::trend;
use papikit_core::registry::registry;
use papikit_core::scores::{Level, Measure, Replicates, ScoreTable};
use papikit_core::{Lang, PapiError};
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;
use std::collections::HashMap;

/// Scores of provinces on a hierarchy of measures, with optional standard errors and replicates.
#[pyclass(name = "ScoreTable", module = "papikit._core", frozen, from_py_object)]
#[derive(Clone)]
pub struct PyScoreTable(pub ScoreTable);

fn nan_to_none(x: f64) -> Option<f64> {
    if x.is_finite() { Some(x) } else { None }
}

/// (code, level, parent, name_en, name_vi) -> measures without a range (no caps).
fn measures_of(
    measures: Vec<(String, String, Option<String>, String, String)>,
) -> papikit_core::Result<Vec<Measure>> {
    measures
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
        .collect()
}

/// Rows of a 2-D array, NaN = missing.
fn rows_of(a: numpy::ndarray::ArrayView2<'_, f64>) -> Vec<Vec<Option<f64>>> {
    a.outer_iter()
        .map(|r| r.iter().map(|&x| nan_to_none(x)).collect())
        .collect()
}

/// One (replicates x provinces) matrix per measure of a 3-D array.
fn draws_of(a: numpy::ndarray::ArrayView3<'_, f64>) -> Vec<ndarray::Array2<f64>> {
    a.outer_iter()
        .map(|m| {
            let (nr, np) = (m.shape()[0], m.shape()[1]);
            let mut out = ndarray::Array2::<f64>::zeros((nr, np));
            for ((i, j), v) in m.indexed_iter() {
                out[[i, j]] = *v;
            }
            out
        })
        .collect()
}

#[pymethods]
impl PyScoreTable {
    /// Published scores of a year (total, dimensions and sub-dimensions).
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
        let ms = measures_of(measures).py()?;
        let reps = replicates.map(|r| Replicates {
            draws: draws_of(r.as_array()),
            scale,
            centre_full,
            method: method.to_string(),
        });
        let t = ScoreTable {
            year,
            source: source.to_string(),
            provinces,
            measures: ms,
            values: rows_of(values.as_array()),
            se: se.map(|s| rows_of(s.as_array())),
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

fn province_name(code: u16, lang: Lang) -> String {
    let (vi, en) = province_names(code);
    lang.pick(&en, &vi).to_string()
}

/// Gaps of one province to a reference (result of `gaps`): typed fields and `frame(lang)`.
#[pyclass(name = "GapResult", module = "papikit._core", frozen)]
pub struct PyGapResult(pub GapResult);

#[pymethods]
impl PyGapResult {
    #[getter]
    fn province_code(&self) -> u16 {
        self.0.province
    }

    #[getter]
    fn year(&self) -> u16 {
        self.0.year
    }

    #[getter]
    fn source(&self) -> &str {
        &self.0.source
    }

    #[getter]
    fn reference_province_code(&self) -> Option<u16> {
        self.0.reference_province
    }

    #[getter]
    fn additive(&self) -> bool {
        self.0.additive
    }

    #[getter]
    fn residual(&self) -> Option<f64> {
        self.0.residual
    }

    #[getter]
    fn residual_subdimensions(&self) -> Option<f64> {
        self.0.residual_subdimensions
    }

    #[getter]
    fn level(&self) -> f64 {
        self.0.level
    }

    /// Name of the province in `lang`.
    #[pyo3(signature = (lang="en"))]
    fn province(&self, lang: &str) -> PyResult<String> {
        Ok(province_name(self.0.province, Lang::parse(lang).py()?))
    }

    /// Description of the reference in `lang`.
    #[pyo3(signature = (lang="en"))]
    fn against(&self, lang: &str) -> PyResult<String> {
        let lang = Lang::parse(lang).py()?;
        Ok(lang
            .pick(&self.0.against_en, &self.0.against_vi)
            .to_string())
    }

    /// Name of the reference province in `lang` (None when the reference is not one province).
    #[pyo3(signature = (lang="en"))]
    fn reference_province(&self, lang: &str) -> PyResult<Option<String>> {
        let lang = Lang::parse(lang).py()?;
        Ok(self.0.reference_province.map(|c| province_name(c, lang)))
    }

    /// The gap table.
    #[pyo3(signature = (lang="en"))]
    fn frame(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.frame(lang)).map(PyDataFrame)
    }
}

fn bad_against(message: String) -> PyErr {
    crate::errors::to_py(PapiError::InvalidArgument {
        argument: "against".into(),
        message,
    })
}

fn region_stat_of(s: &str) -> PyResult<RegionStat> {
    match s {
        "best" => Ok(RegionStat::Best),
        "mean" => Ok(RegionStat::Mean),
        s => Err(crate::errors::to_py(PapiError::InvalidArgument {
            argument: "region_stat".into(),
            message: format!("{s:?}; use \"best\" or \"mean\""),
        })),
    }
}

/// The other year's table of a `Year` reference: the given one, or the published year (only
/// when this year's scores are published too).
fn other_year_table(
    py: Python<'_>,
    year: u16,
    other_table: Option<ScoreTable>,
    published_source: bool,
    current: i64,
) -> PyResult<ScoreTable> {
    match other_table {
        Some(t) => Ok(t),
        None if !published_source => Err(bad_against(
            "a Year reference with a non-published source needs the other year's source: pk.Year(2022, source=...)".into(),
        )),
        // Across the 2025 merger the other year is merged onto the 34 units (analysis::era).
        None => py
            .detach(|| {
                papikit_core::analysis::era::previous_table(current, year as i64)?
                    .map_or_else(|| ScoreTable::from_published(year as i64), Ok)
            })
            .py(),
    }
}

/// `against` as passed by Python: "best" | "median" | "mean" | "region", a list of provinces,
/// `Group`, `TargetRank` or `Year` (the objects already validated on construction).
fn against_of(
    py: Python<'_>,
    against: &Bound<'_, PyAny>,
    region_stat: RegionStat,
    other_table: Option<ScoreTable>,
    published_source: bool,
    current: i64,
) -> PyResult<Against> {
    if let Ok(g) = against.cast::<PyGroup>() {
        return Ok(Against::Group(g.get().0));
    }
    if let Ok(r) = against.cast::<PyTargetRank>() {
        return Ok(Against::TargetRank(r.get().rank));
    }
    if let Ok(y) = against.cast::<PyYear>() {
        let t = other_year_table(py, y.get().year, other_table, published_source, current)?;
        return Ok(Against::Year(Box::new(t)));
    }
    if let Ok(kind) = against.extract::<String>() {
        return match kind.as_str() {
            "best" => Ok(Against::Best),
            "median" => Ok(Against::Median),
            "mean" => Ok(Against::Mean),
            "region" => Ok(Against::Region(region_stat)),
            k => Err(bad_against(format!(
                "{k:?}; use 'best', 'median', 'mean', 'region', a list of provinces, pk.Group(...), pk.TargetRank(k) or pk.Year(y)"
            ))),
        };
    }
    if let Ok(peers) = against.extract::<Vec<String>>() {
        let codes = peers.iter().map(|q| code_of(q)).collect::<PyResult<_>>()?;
        return Ok(Against::Peers(codes));
    }
    Err(bad_against(format!("{}", against.repr()?)))
}

/// Gaps of a province to a reference.
#[pyfunction]
#[pyo3(signature = (province, year, *, against, region_stat="best", level=0.95, table=None, other_table=None))]
#[allow(clippy::too_many_arguments)]
pub fn gaps<'py>(
    py: Python<'py>,
    province: &str,
    year: i64,
    against: &Bound<'py, PyAny>,
    region_stat: &str,
    level: f64,
    table: Option<Bound<'py, PyScoreTable>>,
    other_table: Option<Bound<'py, PyScoreTable>>,
) -> PyResult<PyGapResult> {
    let table = table.map(|t| t.get().0.clone());
    let other_table = other_table.map(|t| t.get().0.clone());
    let code = code_of(province)?;
    let region_stat = region_stat_of(region_stat)?;
    let against = against_of(py, against, region_stat, other_table, table.is_none(), year)?;
    run(py, || {
        let t = match table {
            Some(t) => t,
            None => ScoreTable::from_published(year)?,
        };
        gap::gaps(&t, code, &against, level)
    })
    .map(PyGapResult)
}

/// Profile of one province in one year (result of `profile`): typed fields and `frame(lang)`.
#[pyclass(name = "ProfileResult", module = "papikit._core", frozen)]
pub struct PyProfileResult(pub Profile);

#[pymethods]
impl PyProfileResult {
    #[getter]
    fn province_code(&self) -> u16 {
        self.0.province
    }

    #[getter]
    fn year(&self) -> u16 {
        self.0.year
    }

    #[getter]
    fn previous_year(&self) -> Option<u16> {
        self.0.previous_year
    }

    #[getter]
    fn source(&self) -> &str {
        &self.0.source
    }

    #[getter]
    fn margin(&self) -> u32 {
        self.0.margin
    }

    /// Source of the previous table (the merged basis across the 2025 merger).
    #[getter]
    fn previous_source(&self) -> Option<&str> {
        self.0.previous_source.as_deref()
    }

    /// The previous year is merged onto the 34 units and this unit combines several provinces.
    #[getter]
    fn composition_changed(&self) -> bool {
        self.0.composition_changed
    }

    /// Name of the province in `lang`.
    #[pyo3(signature = (lang="en"))]
    fn province(&self, lang: &str) -> PyResult<String> {
        Ok(province_name(self.0.province, Lang::parse(lang).py()?))
    }

    /// Region of the province in `lang`.
    #[pyo3(signature = (lang="en"))]
    fn region(&self, lang: &str) -> PyResult<Option<String>> {
        let lang = Lang::parse(lang).py()?;
        Ok(registry()
            .py()?
            .by_code(self.0.province)
            .map(|p| lang.pick(&p.region_en, &p.region_vi).to_string()))
    }

    /// The profile table.
    #[pyo3(signature = (lang="en"))]
    fn frame(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.frame(lang)).map(PyDataFrame)
    }
}

/// The previous year's table: the given one, or (published source only) the published
/// `previous_year` (default `year - 1`) when there is one.
fn previous_of(
    year: i64,
    previous_year: Option<i64>,
    previous_table: Option<ScoreTable>,
    published_source: bool,
) -> papikit_core::Result<Option<ScoreTable>> {
    match previous_table {
        Some(p) => Ok(Some(p)),
        // an explicit previous year must have published scores (1999 is an error, not nulls)
        None if published_source && previous_year.is_some() => {
            ScoreTable::from_published(previous_year.unwrap_or(year - 1)).map(Some)
        }
        None if published_source => {
            let y = year - 1;
            if y >= papikit_core::published::FIRST_YEAR as i64 {
                // Across the 2025 merger the previous year is merged onto the 34 units (flagged).
                papikit_core::analysis::era::previous_table(year, y)
            } else {
                Ok(None)
            }
        }
        None => Ok(None),
    }
}

/// Profile of a province.
#[pyfunction]
#[pyo3(signature = (province, year, *, previous_year=None, margin=10, table=None, previous_table=None))]
pub fn profile<'py>(
    py: Python<'py>,
    province: &str,
    year: i64,
    previous_year: Option<i64>,
    margin: u32,
    table: Option<Bound<'py, PyScoreTable>>,
    previous_table: Option<Bound<'py, PyScoreTable>>,
) -> PyResult<PyProfileResult> {
    let table = table.map(|t| t.get().0.clone());
    let previous_table = previous_table.map(|t| t.get().0.clone());
    let code = code_of(province)?;
    let published_source = table.is_none();
    run(py, || {
        let t = match table {
            Some(t) => t,
            None => ScoreTable::from_published(year)?,
        };
        let prev = previous_of(year, previous_year, previous_table, published_source)?;
        profile_of(&t, prev.as_ref(), code, margin)
    })
    .map(PyProfileResult)
}

#[pyfunction]
#[pyo3(signature = (province, years, *, level="dimension", lang="en"))]
pub fn trend_table(
    py: Python<'_>,
    province: &str,
    years: Vec<i64>,
    level: &str,
    lang: &str,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    let level = trend::TrendLevel::parse(level).py()?;
    let code = code_of(province)?;
    run(py, || trend::trend_frame_at(code, &years, level, lang)).map(PyDataFrame)
}

/// Provinces side by side: one row per measure, one column per province, best_in_set.
#[pyfunction]
#[pyo3(signature = (provinces, year, *, values="score", lang="en"))]
pub fn compare_table(
    py: Python<'_>,
    provinces: Vec<String>,
    year: i64,
    values: &str,
    lang: &str,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    let values = compare::Values::parse(values).py()?;
    let codes = provinces
        .iter()
        .map(|q| code_of(q))
        .collect::<PyResult<Vec<_>>>()?;
    run(py, || compare::compare_frame(&codes, year, values, lang)).map(PyDataFrame)
}

/// League table of a year on one measure, optionally within a region.
#[pyfunction]
#[pyo3(signature = (year, *, by="total", region=None, lang="en"))]
pub fn league_table(
    py: Python<'_>,
    year: i64,
    by: &str,
    region: Option<String>,
    lang: &str,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || {
        compare::league_frame(year, by, region.as_deref(), lang)
    })
    .map(PyDataFrame)
}

#[pyfunction]
#[pyo3(signature = (year, *, weights=None, population_year=None, level="dimension", lang="en"))]
pub fn merged_table(
    py: Python<'_>,
    year: i64,
    weights: Option<HashMap<String, f64>>,
    population_year: Option<u16>,
    level: &str,
    lang: &str,
) -> PyResult<(PyDataFrame, PyDataFrame)> {
    let lang = Lang::parse(lang).py()?;
    let w = match weights {
        Some(m) => {
            let pairs: Vec<(String, f64)> = m.into_iter().collect();
            papikit_core::analysis::merge::explicit_weights(&pairs).py()?
        }
        None => Weights::Population(population_year),
    };
    run(py, || merged_frames_at(year, &w, level, lang))
        .map(|(a, b)| (PyDataFrame(a), PyDataFrame(b)))
}

#[pyfunction]
#[pyo3(signature = (table=None, *, lang="en", year=None))]
pub fn agency_table(
    py: Python<'_>,
    #[pyo3(from_py_with = frames::opt_table)] table: Option<GuardedFrame>,
    lang: &str,
    year: Option<i64>,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || match table {
        Some(df) => AgencyTable::from_frame(&df.0)?.frame(lang),
        None => papikit_core::analysis::agency_era::for_year(year)?.frame(lang),
    })
    .map(PyDataFrame)
}

#[pyfunction]
#[pyo3(signature = (gaps, table=None, *, lang="en", year=None))]
pub fn by_agency(
    py: Python<'_>,
    #[pyo3(from_py_with = frames::gaps)] gaps: GuardedFrame,
    #[pyo3(from_py_with = frames::opt_table)] table: Option<GuardedFrame>,
    lang: &str,
    year: Option<i64>,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || {
        let t = match table {
            Some(df) => AgencyTable::from_frame(&df.0)?,
            None => papikit_core::analysis::agency_era::for_year(year)?.clone(),
        };
        t.by_agency_frame(&gaps.0, lang)
    })
    .map(PyDataFrame)
}

/// The yearly plan review of a province (published results, year - 1 -> year).
#[pyclass(name = "Review", module = "papikit._core", frozen)]
pub struct PyReview(pub Review);

#[pymethods]
impl PyReview {
    #[getter]
    fn province(&self) -> u16 {
        self.0.province
    }
    #[getter]
    fn year(&self) -> u16 {
        self.0.after.year
    }
    #[getter]
    fn previous_year(&self) -> u16 {
        self.0.before.year
    }
    #[getter]
    fn total_before(&self) -> f64 {
        self.0.before.total
    }
    #[getter]
    fn total_after(&self) -> f64 {
        self.0.after.total
    }
    #[getter]
    fn change(&self) -> f64 {
        self.0.change()
    }
    #[getter]
    fn rank_before(&self) -> u32 {
        self.0.before.rank
    }
    #[getter]
    fn rank_after(&self) -> u32 {
        self.0.after.rank
    }
    #[getter]
    fn n_before(&self) -> u32 {
        self.0.before.n_ranked
    }
    #[getter]
    fn n_after(&self) -> u32 {
        self.0.after.n_ranked
    }
    /// Places won (+) or lost (-).
    #[getter]
    fn places(&self) -> i32 {
        self.0.places()
    }
    #[getter]
    fn goal_met(&self) -> bool {
        self.0.goal_met
    }
    #[getter]
    fn comparable(&self) -> bool {
        self.0.comparable
    }
    /// The review crosses the 2025 merger (previous year merged onto the 34 units).
    #[getter]
    fn across_merger(&self) -> bool {
        self.0.across_merger
    }
    /// The unit combines several provinces of the previous year (its baseline is merged).
    #[getter]
    fn composition_changed(&self) -> bool {
        self.0.composition_changed
    }
    /// Across the merger: (member GSO code, normalised GSO 2022 population weight).
    #[getter]
    fn weights(&self) -> Vec<(u16, f64)> {
        self.0.weights.clone()
    }
    /// The goal in words.
    #[pyo3(signature = (lang="en"))]
    fn goal(&self, lang: &str) -> PyResult<String> {
        Ok(self
            .0
            .goal
            .describe(&self.0.before, Lang::parse(lang).py()?))
    }
    #[pyo3(signature = (lang="en"))]
    fn group_before(&self, lang: &str) -> PyResult<Option<String>> {
        group_label(self.0.before.group, lang)
    }
    #[pyo3(signature = (lang="en"))]
    fn group_after(&self, lang: &str) -> PyResult<Option<String>> {
        group_label(self.0.after.group, lang)
    }
    /// Codes of the comparable sub-dimensions with the largest gain and the largest loss.
    #[getter]
    fn extremes(&self) -> (Option<String>, Option<String>) {
        let (g, l) = self.0.extremes();
        (g.map(|m| m.code.clone()), l.map(|m| m.code.clone()))
    }
    /// Why the rank moved, in one sentence.
    #[pyo3(signature = (lang="en"))]
    fn sentence(&self, lang: &str) -> PyResult<String> {
        self.0.sentence(Lang::parse(lang).py()?).py()
    }
    #[pyo3(signature = (lang="en"))]
    fn measures(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.measures_frame(lang)).map(PyDataFrame)
    }
    #[pyo3(signature = (lang="en"))]
    fn agencies(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.agencies_frame(lang)).map(PyDataFrame)
    }
    #[pyo3(signature = (lang="en"))]
    fn moves(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.moves_frame(lang)).map(PyDataFrame)
    }
}

fn group_label(group: Option<papikit_core::rank::Group>, lang: &str) -> PyResult<Option<String>> {
    let lang = Lang::parse(lang).py()?;
    Ok(group.map(|g| g.label(lang).to_string()))
}

/// The goal of a review: None (improve the rank), TargetRank, Group or a float score.
fn goal_of(goal: Option<&Bound<'_, PyAny>>) -> PyResult<Goal> {
    let Some(g) = goal else {
        return Ok(Goal::ImproveRank);
    };
    if let Ok(r) = g.cast::<PyTargetRank>() {
        return Ok(Goal::Rank(r.get().rank));
    }
    if let Ok(gr) = g.cast::<PyGroup>() {
        return Ok(Goal::Group(gr.get().0));
    }
    if g.is_instance_of::<pyo3::types::PyFloat>() {
        return Ok(Goal::Score(g.extract()?));
    }
    Err(crate::errors::invalid_argument(
        "goal",
        format!(
            "{}; use None (improve the rank over last year), pk.TargetRank(k), pk.Group(name) or a \
             total score as a float (e.g. 43.0)",
            g.repr()?
        ),
    ))
}

/// Review `province`'s `year` against `year - 1` (published results, down to sub-dimensions).
#[pyfunction]
#[pyo3(signature = (province, year, *, goal=None, table=None))]
pub fn review(
    py: Python<'_>,
    province: &str,
    year: i64,
    goal: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = frames::opt_table)] table: Option<GuardedFrame>,
) -> PyResult<PyReview> {
    let code = code_of(province)?;
    let goal = goal_of(goal)?;
    let table = table.map(|t| t.0);
    run(py, || {
        let user;
        let agencies = match &table {
            Some(df) => {
                user = AgencyTable::from_frame(df)?;
                &user
            }
            None => papikit_core::analysis::agency_era::for_year(Some(year))?,
        };
        review_core::review(code, year, goal, agencies)
    })
    .map(PyReview)
}

/// The published sub-dimension scores of a year, one row per province and sub-dimension.
#[pyfunction]
#[pyo3(signature = (year, *, lang="en"))]
pub fn subdimension_table(py: Python<'_>, year: i64, lang: &str) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || papikit_core::subdimension_scores::frame(year, lang)).map(PyDataFrame)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScoreTable>()?;
    m.add_class::<PyReview>()?;
    m.add_function(wrap_pyfunction!(review, m)?)?;
    m.add_function(wrap_pyfunction!(subdimension_table, m)?)?;
    m.add_class::<PyGapResult>()?;
    m.add_class::<PyProfileResult>()?;
    m.add_function(wrap_pyfunction!(gaps, m)?)?;
    m.add_function(wrap_pyfunction!(profile, m)?)?;
    m.add_function(wrap_pyfunction!(trend_table, m)?)?;
    m.add_function(wrap_pyfunction!(compare_table, m)?)?;
    m.add_function(wrap_pyfunction!(league_table, m)?)?;
    m.add_function(wrap_pyfunction!(merged_table, m)?)?;
    m.add_function(wrap_pyfunction!(agency_table, m)?)?;
    m.add_function(wrap_pyfunction!(by_agency, m)?)?;
    Ok(())
}
