//! Scores from survey microdata with design-based uncertainty.
//!
//! * [`design`]: the survey design (domain/province, strata, PSUs, weights, FPC, replicate weights)
//!   and its validation.
//! * [`estimate`]: domain ratio means from PSU-level cell sums with Taylor-linearisation SEs.
//! * [`replicate`]: JKn jackknife, Rao-Wu bootstrap and supplied replicate weights.
//! * [`index`]: indicator estimates -> normalised -> sub-dimension -> dimension -> total.
//! * [`score`]: the pipeline (design, cell sums, index, variance by method) -> [`SurveyScores`].
//! * [`kernel`]: the fused replicate kernel (replicate sums, ratio estimates, index; SEs or ranks).
//! * [`ranks`]: rank intervals and P(group) from rank histograms (shared `draws` ranker).
//! * [`tables`]: level, rank and replicate tables, the `ScoreTable`, domain-mean tables.
//!
//! Domains (provinces, or subgroups) are always estimated within the full design: rows are never
//! filtered out, so a domain's variance sees every PSU of the strata it touches.

pub mod design;
pub mod estimate;
pub mod index;
pub mod kernel;
pub mod model_se;
pub mod ranks;
pub mod replicate;
pub mod score;
pub mod synthetic;
pub mod tables;

pub use design::{Design, IndexedDesign, LonelyPsu, ReplicateType};
pub use estimate::{CellSums, DomainMeans};
pub use index::Normalisation;
pub use ranks::RankStat;
pub use replicate::{Method, ReplicateDesign};
pub use score::{ScoreOptions, SurveyScores, parse_rank_all, score, score_with};

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
    domain_means_with(df, design, items, method, replicates, seed, None)
}

/// [`domain_means`] with a replicate design built once (its method and factors are used).
pub fn domain_means_with(
    df: &DataFrame,
    design: &Design,
    items: &[&str],
    method: Method,
    replicates: usize,
    seed: u64,
    rd: Option<&ReplicateDesign>,
) -> Result<DomainMeans> {
    let method = rd.map_or(method, |r| r.method);
    let ix = IndexedDesign::new(df, design)?;
    // Domains that are provinces (every label a GSO code or a province name) are resolved like
    // `score` does, so that "Hà Nội" and "Ha Noi" (or " 1" and "1") are one domain, with a note.
    let (ix, domain_merges) = match score::province_codes(&ix.domains, &design.domain, false) {
        Ok(codes) => {
            let (ix, _, notes) = score::merge_domains(ix, &codes);
            (ix, notes)
        }
        Err(_) => (ix, Vec::new()),
    };
    if matches!(method, Method::Bootstrap | Method::Jackknife) && rd.is_none() {
        let reps = if method == Method::Jackknife {
            ix.n_psus()
        } else {
            replicate::check_replicates(replicates)?;
            replicates
        };
        crate::limits::check_memory(
            "replicates",
            crate::limits::f64_bytes(&[reps, ix.n_psus() + 2 * items.len() * ix.n_domains()]),
            "replicate factors and replicate means",
        )?;
    }
    let cells = item_cells(df, &ix, items)?;
    if method == Method::Taylor {
        let mut out = estimate::taylor_means(&ix, &cells);
        out.domain_merges = domain_merges;
        return Ok(out);
    }
    let full = cells.estimates();
    let (draws, scale, rscales, mse) = match method {
        Method::Supplied => {
            let s = ix
                .supplied
                .as_ref()
                .ok_or_else(replicate::no_replicate_weights)?;
            let d = replicate::supplied_estimates(&cells, &full)?;
            (d, s.scale, s.rscales.clone(), s.mse)
        }
        _ => {
            let f = match rd {
                Some(rd) => rd.factors_for(&ix)?,
                None => std::sync::Arc::new(replicate::factors(&ix, method, replicates, seed)?),
            };
            let d = replicate::replicate_estimates(&cells, &f, &full);
            (d, f.scale, f.rscales.clone(), f.mse)
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
        domain_merges,
    })
}

#[cfg(test)]
mod golden_tests;

#[cfg(test)]
mod tests;
