//! The one mapping from core errors to the Python exception hierarchy rooted at `PapiError`.

use papikit_core::PapiError as E;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    papikit._core,
    PapiError,
    PyException,
    "Base class of every papikit error."
);
create_exception!(
    papikit._core,
    UnknownProvinceError,
    PapiError,
    "A province name or code that matches no province."
);
create_exception!(
    papikit._core,
    UnknownYearError,
    PapiError,
    "A year without published PAPI data."
);
create_exception!(
    papikit._core,
    ColumnError,
    PapiError,
    "A missing column or a column of the wrong type."
);
create_exception!(
    papikit._core,
    FrameworkError,
    PapiError,
    "An invalid or unparsable framework specification."
);
create_exception!(
    papikit._core,
    UnknownCodeError,
    PapiError,
    "An unknown dimension, sub-dimension, indicator, group or agency code."
);
create_exception!(
    papikit._core,
    NoDataError,
    PapiError,
    "A province without data for the requested year or measure."
);
create_exception!(
    papikit._core,
    InvalidArgumentError,
    PapiError,
    "An argument with an invalid value."
);
create_exception!(
    papikit._core,
    SurveyError,
    PapiError,
    "Invalid survey microdata or design."
);
create_exception!(
    papikit._core,
    InfeasibleError,
    PapiError,
    "A target that cannot be reached within the caps."
);

/// Convert a core error into the matching Python exception.
pub fn to_py(e: E) -> PyErr {
    let msg = e.to_string();
    match e {
        E::UnknownProvince { .. } => UnknownProvinceError::new_err(msg),
        E::UnknownYear { .. } => UnknownYearError::new_err(msg),
        E::MissingColumn { .. } | E::ColumnType { .. } => ColumnError::new_err(msg),
        E::InvalidFramework { .. } | E::FrameworkParse { .. } => FrameworkError::new_err(msg),
        E::UnknownCode { .. } => UnknownCodeError::new_err(msg),
        E::NoData { .. } => NoDataError::new_err(msg),
        E::InvalidArgument { .. } => InvalidArgumentError::new_err(msg),
        E::InvalidSurvey { .. } => SurveyError::new_err(msg),
        E::Infeasible { .. } => InfeasibleError::new_err(msg),
        E::Polars { .. } => PapiError::new_err(msg),
    }
}

/// `.py()?` on core results.
pub trait IntoPyResult<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for papikit_core::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// Run core work with the GIL released; a panic (a bug) becomes a `PapiError`, never a
/// `PanicException`.
pub fn run<T: Send, F: FnOnce() -> papikit_core::Result<T> + Send>(
    py: Python<'_>,
    f: F,
) -> PyResult<T> {
    py.detach(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)))
        .map_err(|p| {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            PapiError::new_err(format!("internal error (please report): {what}"))
        })?
        .py()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("PapiError", py.get_type::<PapiError>())?;
    m.add(
        "UnknownProvinceError",
        py.get_type::<UnknownProvinceError>(),
    )?;
    m.add("UnknownYearError", py.get_type::<UnknownYearError>())?;
    m.add("ColumnError", py.get_type::<ColumnError>())?;
    m.add("FrameworkError", py.get_type::<FrameworkError>())?;
    m.add("UnknownCodeError", py.get_type::<UnknownCodeError>())?;
    m.add("NoDataError", py.get_type::<NoDataError>())?;
    m.add(
        "InvalidArgumentError",
        py.get_type::<InvalidArgumentError>(),
    )?;
    m.add("SurveyError", py.get_type::<SurveyError>())?;
    m.add("InfeasibleError", py.get_type::<InfeasibleError>())?;
    Ok(())
}
