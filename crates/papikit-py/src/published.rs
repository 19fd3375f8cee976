//! Bindings for published results, ranks and groups.

use crate::errors::{IntoPyResult, run};
use papikit_core::{Lang, published, rank};
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

#[pyfunction]
#[pyo3(signature = (year=None, *, lang="en"))]
pub fn published_frame(py: Python<'_>, year: Option<i64>, lang: &str) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || published::published_frame(year, lang)).map(PyDataFrame)
}

#[pyfunction]
#[pyo3(signature = (year, *, lang="en"))]
pub fn national_stats(py: Python<'_>, year: i64, lang: &str) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || published::national_stats_frame(year, lang)).map(PyDataFrame)
}

#[pyfunction]
#[pyo3(signature = (df, by, *, within=None, lang="en"))]
pub fn rank_frame(
    py: Python<'_>,
    #[pyo3(from_py_with = crate::frames::df)] df: crate::frames::GuardedFrame,
    by: &str,
    within: Option<&str>,
    lang: &str,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    let df = df.0;
    run(py, || rank::rank_frame(&df, by, within, lang)).map(PyDataFrame)
}

#[pyfunction]
#[pyo3(signature = (df, by, *, lang="en"))]
pub fn group_bands(
    py: Python<'_>,
    #[pyo3(from_py_with = crate::frames::df)] df: crate::frames::GuardedFrame,
    by: &str,
    lang: &str,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    let df = df.0;
    run(py, || rank::bands_frame(&df, by, lang)).map(PyDataFrame)
}

#[pyfunction]
pub fn group_sizes(n: usize) -> [usize; 4] {
    rank::group_sizes(n)
}

/// Canonical key of a performance group name (EN/VN, with or without diacritics, or 1-4).
#[pyfunction]
pub fn group_key(name: &str) -> PyResult<&'static str> {
    rank::Group::parse(name).py().map(rank::Group::key)
}

/// The published table of a year in long form at every level (total, dimensions, sub-dimensions).
#[pyfunction]
#[pyo3(signature = (year, *, lang="en"))]
pub fn published_long(py: Python<'_>, year: i64, lang: &str) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || {
        papikit_core::scores::ScoreTable::from_published(year)?.long_frame(lang)
    })
    .map(PyDataFrame)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(published_long, m)?)?;
    m.add_function(wrap_pyfunction!(published_frame, m)?)?;
    m.add_function(wrap_pyfunction!(national_stats, m)?)?;
    m.add_function(wrap_pyfunction!(rank_frame, m)?)?;
    m.add_function(wrap_pyfunction!(group_bands, m)?)?;
    m.add_function(wrap_pyfunction!(group_sizes, m)?)?;
    m.add_function(wrap_pyfunction!(group_key, m)?)?;
    Ok(())
}
