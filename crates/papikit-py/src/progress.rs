//! ProgressCounter: the core's progress counter (papikit_core::progress) for Python progress bars.
//! `with counter:` installs it on the calling thread; a compute call made inside the block (GIL
//! released) adds its work to it, and another Python thread reads `done`/`total` meanwhile.

use papikit_core::progress::{Counter, set_current};
use pyo3::prelude::*;
use std::sync::{Arc, Mutex};

#[pyclass(name = "ProgressCounter", module = "papikit._core", frozen)]
pub struct ProgressCounter {
    inner: Arc<Counter>,
    /// Counters replaced by `__enter__`, restored by `__exit__` (nested use).
    replaced: Mutex<Vec<Option<Arc<Counter>>>>,
}

#[pymethods]
impl ProgressCounter {
    #[new]
    fn new() -> Self {
        Self {
            inner: Arc::new(Counter::new()),
            replaced: Mutex::new(Vec::new()),
        }
    }

    /// Units of work finished so far (draws, replicates).
    #[getter]
    fn done(&self) -> u64 {
        self.inner.done()
    }

    /// Units of work announced so far (grows as each pass starts).
    #[getter]
    fn total(&self) -> u64 {
        self.inner.total()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        let me = slf.get();
        let prev = set_current(Some(me.inner.clone()));
        if let Ok(mut r) = me.replaced.lock() {
            r.push(prev);
        }
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        let prev = self
            .replaced
            .lock()
            .ok()
            .and_then(|mut r| r.pop())
            .flatten();
        set_current(prev);
        false
    }

    fn __repr__(&self) -> String {
        format!(
            "ProgressCounter(done={}, total={})",
            self.inner.done(),
            self.inner.total()
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ProgressCounter>()?;
    Ok(())
}
