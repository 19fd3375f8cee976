//! Scores from survey microdata with design-based uncertainty.
//!
//! * [`design`]: the survey design (domain/province, strata, PSUs, weights, FPC, replicate weights)
//!   and its validation.
//! * [`estimate`]: domain ratio means from PSU-level cell sums with Taylor-linearisation SEs.
//! * [`replicate`]: JKn jackknife, Rao-Wu bootstrap and supplied replicate weights.
//! * [`index`]: indicator estimates -> normalised -> sub-dimension -> dimension -> total.
//! * [`score`]: the pipeline with uncertainty at every level, ranks and the `ScoreTable`.
//!
//! Domains (provinces, or subgroups) are always estimated within the full design: rows are never
//! filtered out, so a domain's variance sees every PSU of the strata it touches.

pub mod design;
pub mod estimate;
pub mod index;
pub mod replicate;
pub mod score;
pub mod synthetic;

pub use design::{Design, IndexedDesign, LonelyPsu};
pub use estimate::{CellSums, DomainMeans};
pub use index::Normalisation;
pub use replicate::Method;
pub use score::{ScoreOptions, SurveyScores, score};

use crate::error::Result;
use crate::frame;
use polars::prelude::DataFrame;

/// Cell sums of plain numeric item columns (nulls/NaN = not applicable).
pub fn item_cells(df: &DataFrame, design: &IndexedDesign, items: &[&str]) -> Result<CellSums> {
    // Check columns up front so the first missing one is reported.
    for it in items {
        frame::f64_col(df, it)?;
    }
    estimate::cell_sums(design, items.iter().map(|s| s.to_string()).collect(), |k| {
        Ok(frame::f64_col(df, items[k])?
            .into_iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect())
    })
}

/// Domain means of numeric item columns with SEs by `method` (R: `svyby(~items, ~domain, design,
/// svymean, na.rm = TRUE)`).
pub fn domain_means(
    df: &DataFrame,
    design: &Design,
    items: &[&str],
    method: Method,
    replicates: usize,
    seed: u64,
) -> Result<DomainMeans> {
    let ix = IndexedDesign::new(df, design)?;
    let cells = item_cells(df, &ix, items)?;
    if method == Method::Taylor {
        return Ok(estimate::taylor_means(&ix, &cells));
    }
    let full = cells.estimates();
    let (draws, scale, rscales, mse) = match method {
        Method::Supplied => {
            let s = ix
                .supplied
                .as_ref()
                .map(|s| (s.scale, s.mse))
                .unwrap_or((1.0, false));
            let d = replicate::supplied_estimates(&cells, &full)?;
            let r = d.shape()[0];
            (d, s.0, vec![1.0; r], s.1)
        }
        _ => {
            let f = if method == Method::Jackknife {
                replicate::jackknife(&ix)?
            } else {
                replicate::bootstrap(&ix, replicates, seed)?
            };
            let d = replicate::replicate_estimates(&cells, &f, &full);
            (d, f.scale, f.rscales, f.mse)
        }
    };
    let se = replicate::rep_se(&draws, &full, scale, &rscales, mse);
    Ok(DomainMeans {
        items: cells.items.clone(),
        domains: ix.domains.clone(),
        count: estimate::counts(&cells),
        estimate: full,
        se,
        df: estimate::domain_df(&ix, &cells),
        method: method.as_str().into(),
    })
}

#[cfg(test)]
mod golden_tests;

#[cfg(test)]
mod tests;
