//! The one mapping from core errors to the Python exceptions of `papikit.errors` (rooted at
//! `PapiError`). The classes are defined in Python (`python/papikit/errors.py`, so they pickle and
//! document like any Python class); this module picks the class of each core variant, sets the
//! variant's fields (`PapiError::fields`) as attributes and its located problems
//! (`PapiError::problems`) as the list `errors()` returns.

use papikit_core::{FieldValue, PapiError as E};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The module that defines the exception classes.
const MODULE: &str = "papikit.errors";

/// The exception classes, in the order `_core` re-exports them.
const CLASSES: [&str; 14] = [
    "PapiError",
    "UnknownProvinceError",
    "UnknownYearError",
    "ColumnError",
    "FrameworkError",
    "UnknownCodeError",
    "NoDataError",
    "InvalidArgumentError",
    "SurveyError",
    "InfeasibleError",
    "InternalError",
    "ResourceLimitError",
    "FileError",
    "PublishedDataError",
];

/// The Python class of a core variant.
fn class_name(e: &E) -> &'static str {
    match e {
        E::UnknownProvince { .. } => "UnknownProvinceError",
        E::UnknownYear { .. } => "UnknownYearError",
        E::MissingColumn { .. } | E::ColumnType { .. } => "ColumnError",
        E::InvalidFramework { .. } | E::FrameworkParse { .. } => "FrameworkError",
        E::UnknownCode { .. } => "UnknownCodeError",
        E::NoData { .. } => "NoDataError",
        E::InvalidArgument { .. } => "InvalidArgumentError",
        E::InvalidSurvey { .. } => "SurveyError",
        E::Infeasible { .. } => "InfeasibleError",
        E::Polars { .. } => "PapiError",
        E::ResourceLimit { .. } => "ResourceLimitError",
        E::File { .. } => "FileError",
        E::InvalidPublished { .. } => "PublishedDataError",
    }
}

fn field_to_py<'py>(py: Python<'py>, v: FieldValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        FieldValue::Str(s) => s.into_pyobject(py)?.into_any(),
        FieldValue::Int(i) => i.into_pyobject(py)?.into_any(),
        FieldValue::Float(x) => x.into_pyobject(py)?.into_any(),
        FieldValue::List(l) => PyList::new(py, l)?.into_any(),
    })
}

/// Instantiate `papikit.errors.<class>(message)`.
fn new_exception<'py>(py: Python<'py>, class: &str, message: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import(MODULE)?.getattr(class)?.call1((message,))
}

/// The exception for a core error, with its fields and located problems attached.
fn build(py: Python<'_>, e: &E) -> PyResult<PyErr> {
    let exc = new_exception(py, class_name(e), &e.to_string())?;
    for (name, value) in e.fields() {
        exc.setattr(name, field_to_py(py, value)?)?;
    }
    let items = PyList::empty(py);
    for p in e.problems() {
        let d = PyDict::new(py);
        d.set_item("loc", p.loc)?;
        d.set_item("kind", p.kind)?;
        d.set_item("message", p.message)?;
        items.append(d)?;
    }
    exc.setattr("_errors", items)?;
    Ok(PyErr::from_value(exc))
}

/// Convert a core error into the matching Python exception.
pub fn to_py(e: E) -> PyErr {
    Python::attach(|py| build(py, &e)).unwrap_or_else(|failed| {
        // Only when papikit.errors cannot be imported (a broken installation).
        PyRuntimeError::new_err(format!("{e} (papikit.errors unavailable: {failed})"))
    })
}

/// `papikit.errors.InvalidArgumentError` for argument `argument` (checked in the glue before the
/// core sees it); `message` follows "invalid value for {argument}: ".
pub fn invalid_argument(argument: &str, message: impl Into<String>) -> PyErr {
    to_py(E::InvalidArgument {
        argument: argument.into(),
        message: message.into(),
    })
}

/// `papikit.errors.ColumnError` for a column of a type papikit does not read.
pub fn column_type(column: &str, found: String, expected: &str) -> PyErr {
    to_py(E::ColumnType {
        column: column.into(),
        found,
        expected: expected.into(),
    })
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

/// `papikit.errors.InternalError` for a caught panic: a bug, so the message asks for a report.
fn internal_error(py: Python<'_>, what: &str) -> PyErr {
    let message = format!(
        "internal error in papikit (a bug, not a problem with your input): {what}. Please file a \
         bug report with the papikit version ({}) and the code that triggered it.",
        papikit_core::version()
    );
    match new_exception(py, "InternalError", &message) {
        Ok(exc) => PyErr::from_value(exc),
        Err(failed) => PyRuntimeError::new_err(format!("{message} ({failed})")),
    }
}

/// Run core work with the GIL released; a panic (a bug) becomes `papikit.errors.InternalError`,
/// never a `PanicException`.
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
            internal_error(py, &what)
        })?
        .py()
}

/// Test hook: panic inside `run`, only when the environment sets `PAPIKIT_TEST_HOOKS=1`
/// (the tests run against the release wheel, so this is gated at run time, not compile time).
#[pyfunction]
fn _debug_panic(py: Python<'_>) -> PyResult<()> {
    if std::env::var("PAPIKIT_TEST_HOOKS").as_deref() != Ok("1") {
        return Err(to_py(E::InvalidArgument {
            argument: "PAPIKIT_TEST_HOOKS".into(),
            message: "_debug_panic is a test hook; set PAPIKIT_TEST_HOOKS=1 to use it".into(),
        }));
    }
    run(py, deliberate_panic)
}

#[allow(clippy::panic)] // the point of the test hook
fn deliberate_panic() -> papikit_core::Result<()> {
    panic!("deliberate panic from the _debug_panic test hook")
}

/// The memory limit in bytes (`None` restores the default: PAPIKIT_MEMORY_LIMIT or half of the
/// machine's memory).
#[pyfunction]
#[pyo3(signature = (limit))]
fn set_memory_limit(limit: Option<u64>) -> PyResult<()> {
    papikit_core::limits::set_memory_limit(limit).py()
}

/// The memory limit in force, in bytes.
#[pyfunction]
fn memory_limit() -> u64 {
    papikit_core::limits::memory_limit()
}

/// Re-export the classes of `papikit.errors` as `_core.<Name>` (the same class objects).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let errors = m.py().import(MODULE)?;
    for name in CLASSES {
        m.add(name, errors.getattr(name)?)?;
    }
    m.add_function(wrap_pyfunction!(_debug_panic, m)?)?;
    m.add_function(wrap_pyfunction!(set_memory_limit, m)?)?;
    m.add_function(wrap_pyfunction!(memory_limit, m)?)?;
    Ok(())
}
