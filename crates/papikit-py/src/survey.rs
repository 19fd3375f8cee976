//! Bindings for survey microdata: design-based domain means, index scores with uncertainty, and
//! the synthetic PAPI survey.

use crate::errors::{IntoPyResult, run};
use crate::framework::PyFramework;
use numpy::{IntoPyArray, PyArray3};
use papikit_core::scores::Level;
use papikit_core::survey::{
    self, Design, LonelyPsu, Method, Normalisation, ReplicateDesign, ReplicateType, ScoreOptions,
    SurveyScores,
};
use papikit_core::{Lang, PapiError};
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

/// The survey design as passed from Python: the items of `papikit.Design._kwargs()`.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct DesignArgs {
    domain: String,
    strata: Option<String>,
    psu: Option<String>,
    weight: Option<String>,
    fpc: Option<String>,
    replicate_weights: Option<Vec<String>>,
    replicate_scale: Option<f64>,
    replicate_mse: bool,
    lonely_psu: String,
    #[pyo3(default)]
    replicate_type: Option<String>,
    #[pyo3(default)]
    replicate_rho: Option<f64>,
    #[pyo3(default)]
    replicate_rscales: Option<Vec<f64>>,
}

fn design(a: DesignArgs) -> PyResult<Design> {
    Ok(Design {
        domain: a.domain,
        strata: a.strata,
        psu: a.psu,
        weight: a.weight,
        fpc: a.fpc,
        replicate_weights: a.replicate_weights.unwrap_or_default(),
        replicate_type: match &a.replicate_type {
            Some(t) => Some(ReplicateType::parse(t, a.replicate_rho).py()?),
            None => None,
        },
        replicate_scale: a.replicate_scale,
        replicate_rscales: a.replicate_rscales,
        replicate_mse: a.replicate_mse,
        lonely_psu: LonelyPsu::parse(&a.lonely_psu).py()?,
    })
}

fn seed(s: i64) -> PyResult<u64> {
    u64::try_from(s)
        .map_err(|_| PapiError::InvalidArgument {
            argument: "seed".into(),
            message: format!("{s}; use a non-negative integer"),
        })
        .py()
}

/// Scores of a survey (immutable).
#[pyclass(name = "SurveyScores", module = "papikit._core", frozen)]
pub struct PySurveyScores {
    inner: SurveyScores,
}

#[pymethods]
impl PySurveyScores {
    #[getter]
    fn year(&self) -> u16 {
        self.inner.year
    }
    /// Domain labels merged because they name the same province (one note per province).
    #[getter]
    fn domain_merges(&self) -> Vec<String> {
        self.inner.domain_merges.clone()
    }
    #[getter]
    fn framework(&self) -> String {
        self.inner.framework.clone()
    }
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }
    #[getter]
    fn normalisation(&self) -> &'static str {
        self.inner.normalisation.as_str()
    }
    #[getter]
    fn level(&self) -> f64 {
        self.inner.level
    }
    #[getter]
    fn n_replicates(&self) -> usize {
        self.inner.replicates
    }
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed
    }
    #[getter]
    fn rank_draws(&self) -> String {
        self.inner.rank_draws_kind.clone()
    }
    #[getter]
    fn provinces(&self) -> Vec<u16> {
        self.inner.provinces.clone()
    }

    #[pyo3(signature = (level, *, ci_level, lang="en"))]
    fn frame(
        &self,
        py: Python<'_>,
        level: &str,
        ci_level: f64,
        lang: &str,
    ) -> PyResult<PyDataFrame> {
        let level = Level::parse(level).py()?;
        let lang = Lang::parse(lang).py()?;
        let s = &self.inner;
        run(py, || s.frame(level, ci_level, lang)).map(PyDataFrame)
    }

    #[pyo3(signature = (level, *, ci_level, top=None, lang="en"))]
    fn ranks(
        &self,
        py: Python<'_>,
        level: &str,
        ci_level: f64,
        top: Option<u32>,
        lang: &str,
    ) -> PyResult<PyDataFrame> {
        let level = Level::parse(level).py()?;
        let lang = Lang::parse(lang).py()?;
        let s = &self.inner;
        run(py, || s.rank_frame(level, ci_level, top, lang)).map(PyDataFrame)
    }

    /// The shared `ScoreTable` (every level, with se and replicates) for gaps/simulation.
    fn score_table(&self, py: Python<'_>) -> PyResult<crate::analysis::PyScoreTable> {
        let s = &self.inner;
        run(py, || s.to_score_table()).map(crate::analysis::PyScoreTable)
    }

    fn replicates<'py>(
        &self,
        py: Python<'py>,
        level: &str,
    ) -> PyResult<(Vec<String>, Bound<'py, PyArray3<f64>>)> {
        let level = Level::parse(level).py()?;
        let s = &self.inner;
        let (codes, a) = run(py, || s.replicate_array(level))?;
        Ok((codes, a.into_pyarray(py)))
    }
}

/// Replicate factors built once on a table's PSUs (immutable), reused by score and means.
#[pyclass(name = "ReplicateDesign", module = "papikit._core", frozen)]
pub struct PyReplicateDesign {
    inner: ReplicateDesign,
}

#[pymethods]
impl PyReplicateDesign {
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }
    #[getter]
    fn n_replicates(&self) -> usize {
        self.inner.n_replicates()
    }
    #[getter]
    fn replicates(&self) -> usize {
        self.inner.replicates
    }
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed
    }
}

#[pyfunction]
#[pyo3(signature = (df, *, design, method="bootstrap", replicates=1000, seed=1))]
pub fn survey_replicate(
    py: Python<'_>,
    #[pyo3(from_py_with = crate::frames::df)] df: crate::frames::GuardedFrame,
    design: DesignArgs,
    method: &str,
    replicates: usize,
    seed: i64,
) -> PyResult<PyReplicateDesign> {
    let d = self::design(design)?;
    let m = Method::parse(method).py()?;
    let sd = self::seed(seed)?;
    let df = df.0;
    run(py, || ReplicateDesign::new(&df, &d, m, replicates, sd))
        .map(|inner| PyReplicateDesign { inner })
}

#[pyfunction]
#[pyo3(signature = (df, framework, *, design, method="bootstrap", replicates=1000, seed=1, level=0.90, normalisation="goalposts", year=None,
    units_2025=false, replicate_design=None, ranks=None))]
#[allow(clippy::too_many_arguments)]
pub fn survey_score(
    py: Python<'_>,
    #[pyo3(from_py_with = crate::frames::df)] df: crate::frames::GuardedFrame,
    framework: PyFramework,
    design: DesignArgs,
    method: &str,
    replicates: usize,
    seed: i64,
    level: f64,
    normalisation: &str,
    year: Option<u16>,
    units_2025: bool,
    replicate_design: Option<PyRef<'_, PyReplicateDesign>>,
    ranks: Option<&str>,
) -> PyResult<PySurveyScores> {
    let d = self::design(design)?;
    let opts = ScoreOptions {
        method: Method::parse(method).py()?,
        replicates,
        seed: self::seed(seed)?,
        level,
        normalisation: Normalisation::parse(normalisation).py()?,
        year,
        units_2025,
        rank_all: survey::parse_rank_all(ranks).py()?,
    };
    let df = df.0;
    let fw = framework.inner;
    let rd = replicate_design.map(|r| r.inner.clone());
    run(py, || survey::score_with(&df, &d, &fw, &opts, rd.as_ref()))
        .map(|inner| PySurveyScores { inner })
}

#[pyfunction]
#[pyo3(signature = (df, items, *, design, method="taylor", replicates=1000, seed=1, level=0.90, replicate_design=None))]
#[allow(clippy::too_many_arguments)]
pub fn survey_domain_means(
    py: Python<'_>,
    #[pyo3(from_py_with = crate::frames::df)] df: crate::frames::GuardedFrame,
    items: Vec<String>,
    design: DesignArgs,
    method: &str,
    replicates: usize,
    seed: i64,
    level: f64,
    replicate_design: Option<PyRef<'_, PyReplicateDesign>>,
) -> PyResult<PyDataFrame> {
    let d = self::design(design)?;
    let m = Method::parse(method).py()?;
    let sd = self::seed(seed)?;
    let df = df.0;
    let rd = replicate_design.map(|r| r.inner.clone());
    let (frame, merges) = run(py, || {
        let it: Vec<&str> = items.iter().map(String::as_str).collect();
        let means = survey::domain_means_with(&df, &d, &it, m, replicates, sd, rd.as_ref())?;
        Ok((means.frame(level)?, means.domain_merges))
    })?;
    // same words as the warning of Survey.score (python/papikit/survey.py)
    let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
    for note in merges {
        let text = format!("domain labels of one province merged before grouping: {note}");
        PyErr::warn(
            py,
            &category,
            &std::ffi::CString::new(text).unwrap_or_default(),
            3,
        )?;
    }
    Ok(PyDataFrame(frame))
}

#[pyfunction]
#[pyo3(signature = (year, *, seed=0, scale=1.0))]
pub fn synthetic_survey(py: Python<'_>, year: i64, seed: i64, scale: f64) -> PyResult<PyDataFrame> {
    let s = self::seed(seed)?;
    run(py, || survey::synthetic::synthetic_survey(year, s, scale)).map(PyDataFrame)
}

/// Model-based SEs of the published measures of `year` (long table; see
/// `papikit_core::survey::model_se`).
#[pyfunction]
#[pyo3(signature = (year, *, subdimensions=false))]
pub fn published_se(py: Python<'_>, year: i64, subdimensions: bool) -> PyResult<PyDataFrame> {
    run(py, || {
        survey::model_se::published_se_frame(year, subdimensions)
    })
    .map(PyDataFrame)
}

/// Published scores of `year` with model-based SEs, as a ScoreTable.
#[pyfunction]
#[pyo3(signature = (year, *, subdimensions=false))]
pub fn published_model_table(
    py: Python<'_>,
    year: i64,
    subdimensions: bool,
) -> PyResult<crate::analysis::PyScoreTable> {
    run(py, || {
        survey::model_se::published_with_model_se(year, subdimensions)
    })
    .map(crate::analysis::PyScoreTable)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(published_se, m)?)?;
    m.add_function(wrap_pyfunction!(published_model_table, m)?)?;
    m.add_class::<PySurveyScores>()?;
    m.add_class::<PyReplicateDesign>()?;
    m.add_function(wrap_pyfunction!(survey_replicate, m)?)?;
    m.add_function(wrap_pyfunction!(survey_score, m)?)?;
    m.add_function(wrap_pyfunction!(survey_domain_means, m)?)?;
    m.add_function(wrap_pyfunction!(synthetic_survey, m)?)?;
    Ok(())
}
