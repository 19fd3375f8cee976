//! Bindings of loaded years (`papikit_core::loaded`), the 34-unit trend across the merger and the
//! agency successions of 2025. Argument parsing only.

use crate::errors::{IntoPyResult, run};
use crate::framework::PyFramework;
use papikit_core::analysis::{agency_era, era};
use papikit_core::loaded::{self, Grid, LoadOptions};
use papikit_core::registry::Era;
use papikit_core::{Lang, frame};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_polars::PyDataFrame;

/// Load a year's published results from a grid of text cells (row 0 = header for tables; the
/// sheet as it is for a workbook, `sheet` set). Returns a summary dict.
#[pyfunction]
#[pyo3(signature = (cells, *, year, sheet=None, units=None, replace=false, framework=None, source="DataFrame"))]
#[allow(clippy::too_many_arguments)]
pub fn load_published<'py>(
    py: Python<'py>,
    cells: Vec<Vec<Option<String>>>,
    year: i64,
    sheet: Option<String>,
    units: Option<i64>,
    replace: bool,
    framework: Option<PyRef<'py, PyFramework>>,
    source: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let units = units.map(Era::parse).transpose().py()?;
    let opts = LoadOptions {
        year,
        units,
        replace,
        framework: framework.map(|f| f.inner.clone()),
        source: source.to_string(),
    };
    let grid = Grid { sheet, cells };
    let l = run(py, move || loaded::load(&grid, opts))?;
    let d = PyDict::new(py);
    d.set_item("year", l.year)?;
    d.set_item("units", l.era.units())?;
    d.set_item("layout", l.layout.as_str())?;
    d.set_item("source", &l.source)?;
    d.set_item("framework", &l.framework_note)?;
    d.set_item(
        "n_scored",
        l.rows.iter().filter(|r| r.total.is_some()).count(),
    )?;
    d.set_item(
        "measures",
        l.table
            .measures
            .iter()
            .map(|m| m.code.clone())
            .collect::<Vec<_>>(),
    )?;
    d.set_item("has_se", l.table.se.is_some())?;
    d.set_item("n_indicators", l.indicators.len())?;
    d.set_item("ignored", l.ignored.clone())?;
    Ok(d)
}

/// Years loaded in this process.
#[pyfunction]
pub fn loaded_years() -> Vec<u16> {
    loaded::years()
}

/// Forget a loaded year; True if it was loaded.
#[pyfunction]
pub fn unload_published(year: i64) -> bool {
    loaded::unload(year)
}

/// Units of a year: 63 or 34.
#[pyfunction]
pub fn year_units(year: i64) -> u16 {
    loaded::era_of(year).units()
}

/// The indicator rows of a loaded workbook: label, scale, code, value (one row per unit).
#[pyfunction]
pub fn loaded_indicators(py: Python<'_>, year: i64) -> PyResult<PyDataFrame> {
    run(py, || {
        let l = loaded::get(year).ok_or_else(|| papikit_core::PapiError::InvalidArgument {
            argument: "level".into(),
            message: format!(
                "\"indicator\" for {year}: indicator rows exist only for a year loaded with pk.load_published from a workbook that has them; the embedded results go down to level=\"subdimension\""
            ),
        })?;
        let (mut label, mut scale, mut code, mut value) = (vec![], vec![], vec![], vec![]);
        for ind in &l.indicators {
            for (i, v) in ind.values.iter().enumerate() {
                label.push(Some(ind.label.clone()));
                scale.push(ind.scale.clone());
                code.push(Some(l.table.provinces[i]));
                value.push(*v);
            }
        }
        let n = label.len();
        let mut cols = vec![
            frame::col_str("indicator", &label),
            frame::col_str("scale", &scale),
        ];
        cols.extend(papikit_core::columns::province_columns(
            papikit_core::registry::registry()?,
            &code,
            false,
        ));
        cols.push(frame::col_f64("value", value));
        frame::build(n, cols)
    })
    .map(PyDataFrame)
}

/// Trend of a 2025 unit on the 34-unit basis (merged years flagged).
#[pyfunction]
#[pyo3(signature = (unit, years, *, level="dimension", lang="en"))]
pub fn trend_34(
    py: Python<'_>,
    unit: &str,
    years: Vec<i64>,
    level: &str,
    lang: &str,
) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || era::trend_34_frame_at(unit, &years, level, lang)).map(PyDataFrame)
}

/// The 2025 successions of the plan's agencies.
#[pyfunction]
#[pyo3(signature = (*, lang="en"))]
pub fn agency_successions(py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
    let lang = Lang::parse(lang).py()?;
    run(py, || agency_era::successions_frame(lang)).map(PyDataFrame)
}

/// (key, official unit code) of the 34 units: tables of 34 units are keyed by the code of the
/// province whose name the unit carries.
#[pyfunction]
pub fn unit_key_codes() -> PyResult<Vec<(u16, u16)>> {
    let reg = papikit_core::registry::registry().py()?;
    Ok(reg
        .units
        .iter()
        .map(|u| (loaded::unit_key(u), u.code))
        .collect())
}

/// GSO 2022 average population by province code (the weights of the 34-unit basis).
#[pyfunction]
pub fn population_2022() -> PyResult<std::collections::HashMap<u16, f64>> {
    era::population_2022().py()
}

/// Source (file name or "DataFrame") of a loaded year; None for an embedded year.
#[pyfunction]
pub fn loaded_source(year: i64) -> Option<String> {
    loaded::get(year).map(|l| l.source.clone())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(loaded_source, m)?)?;
    m.add_function(wrap_pyfunction!(load_published, m)?)?;
    m.add_function(wrap_pyfunction!(loaded_years, m)?)?;
    m.add_function(wrap_pyfunction!(unload_published, m)?)?;
    m.add_function(wrap_pyfunction!(year_units, m)?)?;
    m.add_function(wrap_pyfunction!(loaded_indicators, m)?)?;
    m.add_function(wrap_pyfunction!(trend_34, m)?)?;
    m.add_function(wrap_pyfunction!(agency_successions, m)?)?;
    m.add_function(wrap_pyfunction!(unit_key_codes, m)?)?;
    m.add_function(wrap_pyfunction!(population_2022, m)?)?;
    Ok(())
}
