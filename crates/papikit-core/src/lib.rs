//! papikit-core: PAPI (Provincial Governance and Public Administration Performance Index) analytics.
//!
//! Pure Rust, no Python: the structure model, province registry, embedded published results and the
//! analytics built on them. The Python bindings (crate `papikit-py`) are a thin layer over this.

pub mod agency;
pub mod csv;
pub mod error;
pub mod frame;
pub mod framework;
pub mod framework_names;
pub mod gap;
pub mod lang;
pub mod merge;
pub mod montecarlo;
pub mod optimise;
pub mod profile;
pub mod published;
pub mod rank;
pub mod recipe;
pub mod registry;
pub mod scores;
pub mod sensitivity;
pub mod simulate;
pub mod survey;
pub mod text;
pub mod trend;

pub use error::{PapiError, Result};
pub use lang::Lang;

/// Crate version.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
