//! Analysis of scores: where a province stands and how far it is from a reference.
//!
//! Built on the foundation (registry, published, rank, scores); never imports `simulation`.

pub mod agency;
pub mod agency_era;
pub mod compare;
pub mod era;
pub mod gap;
pub mod merge;
pub mod profile;
pub mod review;
pub mod trend;
