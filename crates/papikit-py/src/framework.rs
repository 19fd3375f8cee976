//! Bindings for the framework model.

use crate::errors::{IntoPyResult, run};
use papikit_core::frame;
use papikit_core::framework::{self, FlatRow, Framework};
use polars::prelude::*;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;
use std::collections::HashMap;

/// A validated PAPI framework (immutable).
#[pyclass(name = "Framework", module = "papikit._core", frozen, from_py_object)]
#[derive(Clone)]
pub struct PyFramework {
    pub inner: Framework,
}

fn flat_frame(f: &Framework) -> papikit_core::Result<DataFrame> {
    let rows = f.flat();
    let s = |g: &dyn Fn(&FlatRow) -> &str| {
        rows.iter()
            .map(|r| Some(g(r).to_string()))
            .collect::<Vec<_>>()
    };
    let nonempty = |g: &dyn Fn(&FlatRow) -> &str| {
        rows.iter()
            .map(|r| Some(g(r)).filter(|v| !v.is_empty()).map(String::from))
            .collect::<Vec<_>>()
    };
    frame::build(
        rows.len(),
        vec![
            frame::col_str("code", &s(&|r| &r.code)),
            frame::col_str("parent", &nonempty(&|r| &r.parent)),
            frame::col_str("level", &s(&|r| &r.level)),
            frame::col_str("number", &nonempty(&|r| &r.number)),
            frame::col_str("name_vi", &s(&|r| &r.name_vi)),
            frame::col_str("name_en", &s(&|r| &r.name_en)),
            frame::col_str("direction", &nonempty(&|r| &r.direction)),
            frame::col_str("unit", &nonempty(&|r| &r.unit)),
            frame::col_str("evidence", &nonempty(&|r| &r.evidence)),
            frame::col_str("items", &nonempty(&|r| &r.items)),
            frame::col_str("recipe", &nonempty(&|r| &r.recipe)),
            frame::col_f64(
                "min",
                rows.iter()
                    .map(|r| Some(r.min).filter(|v| v.is_finite()))
                    .collect(),
            ),
            frame::col_f64(
                "max",
                rows.iter()
                    .map(|r| Some(r.max).filter(|v| v.is_finite()))
                    .collect(),
            ),
        ],
    )
}

fn rows_from_frame(df: &DataFrame) -> papikit_core::Result<Vec<FlatRow>> {
    let req = |c: &str| frame::str_col(df, c);
    let opt = |c: &str| {
        if frame::has(df, c) {
            frame::str_col(df, c)
        } else {
            Ok(vec![None; df.height()])
        }
    };
    let (code, level, name_vi, name_en) = (
        req("code")?,
        req("level")?,
        req("name_vi")?,
        req("name_en")?,
    );
    let (parent, number, direction, unit, evidence, items, recipe) = (
        opt("parent")?,
        opt("number")?,
        opt("direction")?,
        opt("unit")?,
        opt("evidence")?,
        opt("items")?,
        opt("recipe")?,
    );
    let g = |v: &Vec<Option<String>>, i: usize| v[i].clone().unwrap_or_default();
    Ok((0..df.height())
        .map(|i| FlatRow {
            code: g(&code, i),
            parent: g(&parent, i),
            level: g(&level, i),
            number: g(&number, i),
            name_vi: g(&name_vi, i),
            name_en: g(&name_en, i),
            direction: g(&direction, i),
            unit: g(&unit, i),
            evidence: g(&evidence, i),
            items: g(&items, i),
            recipe: g(&recipe, i),
            min: f64::NAN,
            max: f64::NAN,
        })
        .collect())
}

#[pymethods]
impl PyFramework {
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }
    #[getter]
    fn first_year(&self) -> u16 {
        self.inner.first_year
    }
    #[getter]
    fn last_year(&self) -> u16 {
        self.inner.last_year
    }
    #[getter]
    fn n_dimensions(&self) -> usize {
        self.inner.dimensions.len()
    }
    #[getter]
    fn n_subdimensions(&self) -> usize {
        self.inner.subdimensions().count()
    }
    #[getter]
    fn n_indicators(&self) -> usize {
        self.inner.indicators().count()
    }
    fn to_polars(&self, py: Python<'_>) -> PyResult<PyDataFrame> {
        let f = &self.inner;
        run(py, || flat_frame(f)).map(PyDataFrame)
    }
    fn items_frame(&self) -> PyResult<PyDataFrame> {
        let it = &self.inner.items;
        frame::build(
            it.len(),
            vec![
                frame::col_str(
                    "item",
                    &it.iter().map(|i| Some(i.code.clone())).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "name_vi",
                    &it.iter()
                        .map(|i| Some(i.name_vi.clone()))
                        .collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "name_en",
                    &it.iter()
                        .map(|i| Some(i.name_en.clone()))
                        .collect::<Vec<_>>(),
                ),
            ],
        )
        .py()
        .map(PyDataFrame)
    }
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().py()
    }
    fn to_toml(&self) -> PyResult<String> {
        self.inner.to_toml().py()
    }
    fn with_columns(&self, mapping: HashMap<String, String>) -> PyResult<PyFramework> {
        Ok(PyFramework {
            inner: self.inner.with_columns(&mapping).py()?,
        })
    }
    fn __eq__(&self, other: &PyFramework) -> bool {
        self.inner == other.inner
    }
    fn __repr__(&self) -> String {
        format!(
            "Framework({:?}, years {}-{}, {} dimensions, {} sub-dimensions, {} indicators)",
            self.inner.name,
            self.inner.first_year,
            self.inner.last_year,
            self.inner.dimensions.len(),
            self.inner.subdimensions().count(),
            self.inner.indicators().count()
        )
    }
}

#[pyfunction]
pub fn framework_builtin(year: i64) -> PyResult<PyFramework> {
    Ok(PyFramework {
        inner: framework::builtin(year).py()?,
    })
}

#[pyfunction]
pub fn framework_from_json(text: &str) -> PyResult<PyFramework> {
    Ok(PyFramework {
        inner: Framework::from_json(text).py()?,
    })
}

#[pyfunction]
pub fn framework_from_toml(text: &str) -> PyResult<PyFramework> {
    Ok(PyFramework {
        inner: Framework::from_toml(text).py()?,
    })
}

#[pyfunction]
pub fn framework_from_polars(
    #[pyo3(from_py_with = crate::frames::df)] df: crate::frames::GuardedFrame,
    name: &str,
    first_year: u16,
    last_year: u16,
) -> PyResult<PyFramework> {
    let rows = rows_from_frame(&df.0).py()?;
    Ok(PyFramework {
        inner: Framework::from_flat(name, first_year, last_year, &rows).py()?,
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFramework>()?;
    m.add_function(wrap_pyfunction!(framework_builtin, m)?)?;
    m.add_function(wrap_pyfunction!(framework_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(framework_from_toml, m)?)?;
    m.add_function(wrap_pyfunction!(framework_from_polars, m)?)?;
    Ok(())
}
