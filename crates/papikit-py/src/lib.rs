//! papikit._core: thin PyO3 glue over papikit-core. One file per core area; each has `register`.
//! Errors map through `errors::to_py`; compute runs through `errors::run` (GIL released, panics
//! caught).

use pyo3::prelude::*;

mod analysis;
mod errors;
mod frames;
mod framework;
mod loaded;
mod progress;
mod published;
mod registry;
mod rules;
mod simulation;
mod survey;
mod targets;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", papikit_core::version())?;
    errors::register(m)?;
    registry::register(m)?;
    rules::register(m)?;
    published::register(m)?;
    targets::register(m)?;
    framework::register(m)?;
    analysis::register(m)?;
    simulation::register(m)?;
    survey::register(m)?;
    progress::register(m)?;
    loaded::register(m)?;
    Ok(())
}
