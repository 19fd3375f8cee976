//! Simulation: what-if changes, marginal values, the cheapest plan and Monte Carlo of ranks.
//!
//! The top layer: may use analysis and the foundation.

pub mod effort;
pub mod measures;
pub mod montecarlo;
pub mod optimise;
pub mod sensitivity;
pub mod simulate;
