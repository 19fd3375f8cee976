//! Bindings for the province registry.

use crate::errors::{IntoPyResult, run};
use papikit_core::registry::{Province, registry};
use papikit_core::{columns, frame};
use polars::prelude::*;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

/// A province as a Python dict.
fn province_dict<'py>(py: Python<'py>, p: &Province) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    let d = pyo3::types::PyDict::new(py);
    d.set_item("code", p.code)?;
    d.set_item("name_vi", &p.name_vi)?;
    d.set_item("name_en", &p.name_en)?;
    d.set_item("region_id", p.region_id)?;
    d.set_item("region_en", &p.region_en)?;
    d.set_item("region_vi", &p.region_vi)?;
    d.set_item("unit_2025", p.unit_2025)?;
    Ok(d)
}

#[pyfunction]
pub fn province<'py>(py: Python<'py>, query: &str) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    let p = papikit_core::registry::province(query).py()?;
    province_dict(py, p)
}

#[pyfunction]
pub fn unit_2025<'py>(py: Python<'py>, query: &str) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    let u = registry().py()?.lookup_unit(query).py()?;
    let d = pyo3::types::PyDict::new(py);
    d.set_item("code", u.code)?;
    d.set_item("name_vi", &u.name_vi)?;
    d.set_item("name_en", &u.name_en)?;
    d.set_item("members", u.members.clone())?;
    d.set_item("region_id", u.region_id)?;
    d.set_item("region_en", &u.region_en)?;
    d.set_item("region_vi", &u.region_vi)?;
    Ok(d)
}

#[pyfunction]
pub fn provinces_63(py: Python<'_>) -> PyResult<PyDataFrame> {
    run(py, || {
        let r = registry()?;
        let ps = &r.provinces;
        let n = ps.len();
        let s = |f: &dyn Fn(&Province) -> &str| {
            ps.iter()
                .map(|p| Some(f(p).to_string()))
                .collect::<Vec<_>>()
        };
        let units: Vec<Option<String>> = ps
            .iter()
            .map(|p| r.unit_by_code(p.unit_2025).map(|u| u.name_vi.clone()))
            .collect();
        frame::build(
            n,
            vec![
                Column::new(
                    columns::PROVINCE_CODE.into(),
                    ps.iter().map(|p| p.code as i32).collect::<Vec<_>>(),
                ),
                frame::col_str(columns::PROVINCE_NAME, &s(&|p| &p.name_vi)),
                frame::col_str(columns::PROVINCE_NAME_EN, &s(&|p| &p.name_en)),
                Column::new(
                    "region_id".into(),
                    ps.iter().map(|p| p.region_id as i32).collect::<Vec<_>>(),
                ),
                frame::col_str("region_en", &s(&|p| &p.region_en)),
                frame::col_str("region_vi", &s(&|p| &p.region_vi)),
                Column::new(
                    "unit_2025_code".into(),
                    ps.iter().map(|p| p.unit_2025 as i32).collect::<Vec<_>>(),
                ),
                frame::col_str("unit_2025_name_vi", &units),
            ],
        )
    })
    .map(PyDataFrame)
}

#[pyfunction]
pub fn units_2025(py: Python<'_>) -> PyResult<PyDataFrame> {
    run(py, || {
        let r = registry()?;
        let us = &r.units;
        let members: Vec<Option<String>> = us
            .iter()
            .map(|u| {
                Some(
                    u.members
                        .iter()
                        .filter_map(|c| r.by_code(*c))
                        .map(|p| p.name_vi.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
            .collect();
        frame::build(
            us.len(),
            vec![
                Column::new(
                    columns::PROVINCE_CODE.into(),
                    us.iter().map(|u| u.code as i32).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    columns::PROVINCE_NAME,
                    &us.iter()
                        .map(|u| Some(u.name_vi.clone()))
                        .collect::<Vec<_>>(),
                ),
                frame::col_str(
                    columns::PROVINCE_NAME_EN,
                    &us.iter()
                        .map(|u| Some(u.name_en.clone()))
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "region_id".into(),
                    us.iter().map(|u| u.region_id as i32).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "region_en",
                    &us.iter()
                        .map(|u| Some(u.region_en.clone()))
                        .collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "region_vi",
                    &us.iter()
                        .map(|u| Some(u.region_vi.clone()))
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "n_members".into(),
                    us.iter()
                        .map(|u| u.members.len() as i32)
                        .collect::<Vec<_>>(),
                ),
                frame::col_str("members_vi", &members),
            ],
        )
    })
    .map(PyDataFrame)
}

#[pyfunction]
pub fn crosswalk_2025(py: Python<'_>) -> PyResult<PyDataFrame> {
    run(py, || {
        let r = registry()?;
        let ps = &r.provinces;
        let unit_name = |c: u16| r.unit_by_code(c).map(|u| u.name_vi.clone());
        frame::build(
            ps.len(),
            vec![
                Column::new(
                    columns::PROVINCE_CODE.into(),
                    ps.iter().map(|p| p.code as i32).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    columns::PROVINCE_NAME,
                    &ps.iter()
                        .map(|p| Some(p.name_vi.clone()))
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "unit_code".into(),
                    ps.iter().map(|p| p.unit_2025 as i32).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "unit_name_vi",
                    &ps.iter()
                        .map(|p| unit_name(p.unit_2025))
                        .collect::<Vec<_>>(),
                ),
            ],
        )
    })
    .map(PyDataFrame)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(province, m)?)?;
    m.add_function(wrap_pyfunction!(unit_2025, m)?)?;
    m.add_function(wrap_pyfunction!(provinces_63, m)?)?;
    m.add_function(wrap_pyfunction!(units_2025, m)?)?;
    m.add_function(wrap_pyfunction!(crosswalk_2025, m)?)?;
    Ok(())
}
