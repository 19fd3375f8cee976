//! papikit-core: PAPI (Provincial Governance and Public Administration Performance Index) analytics.
//!
//! Pure Rust, no Python: the structure model, province registry, embedded published results and the
//! analytics built on them. The Python bindings (crate `papikit-py`) are a thin layer over this.

pub mod cite;
pub mod columns;
pub mod csv;
pub mod draws;
pub mod error;
pub mod frame;
pub mod framework;
pub mod framework_names;
pub mod labels;
pub mod lang;
pub mod limits;
pub mod loaded;
pub mod progress;
pub mod published;
pub mod rank;
pub mod recipe;
pub mod registry;
pub mod scores;
pub mod subdimension_scores;
pub mod text;

// Layers (lower never imports higher): foundation (the modules above) -> survey -> analysis ->
// simulation. ARCHITECTURE.md states the rules.
pub mod analysis;
pub mod simulation;
pub mod survey;

pub use error::{FieldValue, PapiError, Problem, Result};
pub use lang::Lang;

/// Crate version.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
