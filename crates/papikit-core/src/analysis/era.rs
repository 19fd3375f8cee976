//! Across the 2025 merger: results of the 63 provinces combined onto the 34 units of 2025, so a
//! unit's trend and year-on-year change can be read on one basis, with the composition change
//! flagged, never silently mixed.
//!
//! A year of the 63 provinces becomes a 34-unit table by population-weighted means of the member
//! provinces (`merge::merged` with the GSO 2022 average population, data/vn_population_2022_gso.csv).
//! The 34-unit tables are keyed like loaded 34-unit years (`loaded::unit_key`: the code of the
//! member province whose name the unit carries). A single-member unit keeps its province's score.

use crate::analysis::merge::{MergedUnit, Weights, merged};
use crate::csv::Table;
use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use crate::loaded::{era_of, unit_key};
use crate::rank::rank_desc;
use crate::registry::{Era, registry};
use crate::scores::ScoreTable;
use polars::prelude::*;
use std::collections::HashMap;

const POPULATION_2022_CSV: &str = include_str!("../../data/vn_population_2022_gso.csv");

/// Basis of a merged table (the text reported with every merged value).
pub const MERGED_BASIS: &str = "merged: population-weighted mean of member provinces (GSO 2022)";

/// GSO 2022 average population by province code.
pub fn population_2022() -> Result<HashMap<u16, f64>> {
    let t = Table::parse("vn_population_2022_gso.csv", POPULATION_2022_CSV)?;
    let (cc, cp) = (t.col("gso_code")?, t.col("population")?);
    t.rows
        .iter()
        .map(|r| {
            let bad = || PapiError::InvalidArgument {
                argument: "embedded population 2022".into(),
                message: format!("bad row {r:?}"),
            };
            Ok((
                r[cc].parse::<u16>().map_err(|_| bad())?,
                r[cp].parse::<f64>().map_err(|_| bad())?,
            ))
        })
        .collect()
}

/// A 63-province year merged onto the 34 units (GSO 2022 population weights).
pub fn merged_units(year: i64) -> Result<Vec<MergedUnit>> {
    merged(year, &Weights::Explicit(population_2022()?))
}

/// A 63-province year as a 34-unit table (total, dimensions and sub-dimensions, each the
/// population-weighted mean of the members' published values; null where a member has none),
/// keyed by `loaded::unit_key`; `source` names the basis.
pub fn merged_table(year: i64) -> Result<ScoreTable> {
    let (measures, units) =
        crate::analysis::merge::merged_with_measures(year, &Weights::Explicit(population_2022()?))?;
    let y = crate::published::check_year(year)?;
    let reg = registry()?;
    let mut keyed: Vec<(u16, &MergedUnit)> = units
        .iter()
        .filter_map(|m| reg.unit_by_code(m.code).map(|u| (unit_key(u), m)))
        .collect();
    keyed.sort_by_key(|k| k.0);
    let values = (0..measures.len())
        .map(|m| keyed.iter().map(|(_, u)| u.scores[m]).collect())
        .collect();
    Ok(ScoreTable {
        year: y,
        source: format!("published, {MERGED_BASIS}; composition changed"),
        provinces: keyed.iter().map(|k| k.0).collect(),
        measures,
        values,
        se: None,
        replicates: None,
    })
}

/// The table `year` is compared with: `previous` (default `year - 1`) in the era of `year`; when
/// `year` is on the 34 units and `previous` on the 63 provinces, the merged table (flagged in its
/// `source`). `None` when `previous` has no results (e.g. a loaded year after a gap).
pub fn previous_table(year: i64, previous: i64) -> Result<Option<ScoreTable>> {
    if crate::published::check_year(previous).is_err() {
        return Ok(None);
    }
    if era_of(year) == Era::Units34 && era_of(previous) == Era::Provinces63 {
        merged_table(previous).map(Some)
    } else {
        ScoreTable::from_published(previous).map(Some)
    }
}

/// Whether the comparison of `year` with `previous` crosses the merger (composition changed).
pub fn crosses_merger(year: i64, previous: i64) -> bool {
    era_of(year) != era_of(previous)
}

/// Trend of one 2025 unit on the 34-unit basis: one row per year and measure (total, d1..d8):
/// year, province_code, province_name, province_name_en (the unit), measure, score,
/// rank and n_ranked among the 34 units, change from the previous year (null when the measure is
/// not comparable), basis ("published (34 units)" or the merged basis), composition_changed (the
/// value combines several 2008-2025 provinces, or its change is measured against such a value),
/// members and the weights used.
pub fn trend_34_frame(unit_query: &str, years: &[i64], lang: Lang) -> Result<DataFrame> {
    trend_34_frame_at(unit_query, years, "dimension", lang)
}

/// [`trend_34_frame`] at a level: "dimension" (total and d1..d8), "subdimension" (the
/// sub-dimensions of each year's framework, merged like the dimensions: null where a member has no
/// value) or "all" (both).
pub fn trend_34_frame_at(
    unit_query: &str,
    years: &[i64],
    level: &str,
    _lang: Lang,
) -> Result<DataFrame> {
    use crate::scores::Level as L;
    let wanted = |l: L| match level {
        "subdimension" => l == L::Subdimension,
        "all" => matches!(l, L::Total | L::Dimension | L::Subdimension),
        _ => matches!(l, L::Total | L::Dimension),
    };
    if !matches!(level, "dimension" | "subdimension" | "all") {
        return Err(PapiError::InvalidArgument {
            argument: "level".into(),
            message: format!("{level:?}; use \"dimension\", \"subdimension\" or \"all\""),
        });
    }
    let reg = registry()?;
    let unit = reg.lookup_unit(unit_query)?;
    let key = unit_key(unit);
    let pop = population_2022()?;
    let wsum: f64 = unit.members.iter().filter_map(|m| pop.get(m)).sum();
    let weights_text = unit
        .members
        .iter()
        .map(|m| {
            format!(
                "{} {:.4}",
                crate::registry::name_vi(*m),
                pop.get(m).map_or(f64::NAN, |p| p / wsum)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let multi = unit.members.len() > 1;
    let mut out_year = Vec::new();
    let mut out_measure: Vec<Option<String>> = Vec::new();
    let (mut score, mut rank, mut nr, mut change) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut comp, mut basis, mut changed) = (Vec::new(), Vec::<Option<String>>::new(), Vec::new());
    let mut prev: Option<(i64, ScoreTable)> = None;
    for &y in years {
        let native = era_of(y) == Era::Units34;
        let t = if native {
            ScoreTable::from_published(y)?
        } else {
            merged_table(y)?
        };
        let p = t.province_index(key)?;
        let prev_native = prev.as_ref().map(|(py, _)| era_of(*py) == Era::Units34);
        for (m, meas) in t.measures.iter().enumerate() {
            if !wanted(meas.level) {
                continue;
            }
            let ranks = rank_desc(&t.values[m]);
            let v = t.values[m][p];
            let comparable = prev
                .as_ref()
                .filter(|(py, _)| *py == y - 1)
                .and_then(|_| crate::analysis::trend::comparable(&meas.code, y as u16));
            let before = prev
                .as_ref()
                .filter(|_| comparable == Some(true))
                .and_then(|(_, pt)| {
                    let i = pt.measure_index(&meas.code).ok()?;
                    let j = pt.province_index(key).ok()?;
                    pt.values[i][j]
                });
            out_year.push(y as i32);
            out_measure.push(Some(meas.code.clone()));
            score.push(v);
            rank.push(ranks[p]);
            nr.push(Some(
                t.values[m].iter().filter(|x| x.is_some()).count() as u32
            ));
            change.push(v.zip(before).map(|(a, b)| a - b));
            comp.push(comparable);
            basis.push(Some(if native {
                "published (34 units)".to_string()
            } else if multi {
                MERGED_BASIS.to_string()
            } else {
                "published (single-member unit)".to_string()
            }));
            changed.push(Some(multi && (!native || prev_native == Some(false))));
        }
        prev = Some((y, t));
    }
    let n = out_year.len();
    let members = unit
        .members
        .iter()
        .map(|m| crate::registry::name_vi(*m))
        .collect::<Vec<_>>()
        .join(", ");
    let mut cols = vec![Column::new("year".into(), out_year)];
    cols.extend(crate::columns::province_columns_named(
        vec![Some(i32::from(unit.code)); n],
        &vec![Some(unit.name_vi.as_str()); n],
        Some(&vec![Some(unit.name_en.as_str()); n]),
    ));
    cols.extend([
        frame::col_str(crate::columns::MEASURE, &out_measure),
        frame::col_f64("score", score),
        frame::col_u32("rank", rank),
        frame::col_u32("n_ranked", nr),
        frame::col_f64("change", change),
        Column::new("comparable_with_previous".into(), comp),
        frame::col_str("basis", &basis),
        Column::new("composition_changed".into(), changed),
        frame::col_str("members", &vec![Some(members.as_str()); n]),
        frame::col_str("weights", &vec![Some(weights_text.as_str()); n]),
    ]);
    frame::build(n, cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_2024_dak_lak_is_the_population_weighted_mean() {
        let t = merged_table(2024).unwrap();
        assert_eq!(t.provinces.len(), 34);
        let pop = population_2022().unwrap();
        let (dl, py) = (pop[&66], pop[&54]);
        let a = crate::published::row(66, 2024).unwrap().total.unwrap();
        let b = crate::published::row(54, 2024).unwrap().total.unwrap();
        let want = (dl * a + py * b) / (dl + py);
        let got = t.value("total", 66).unwrap().unwrap();
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        assert!(t.source.contains("composition changed"));
        // Lào Cai is keyed by its own name province (10), not the unit code 15 (Yên Bái's).
        assert!(t.provinces.contains(&10) && !t.provinces.contains(&15));
    }

    /// Sub-dimensions are merged like the dimensions; a member without a value makes the unit's
    /// value null (Phú Thọ = Phú Thọ + Vĩnh Phúc + Hòa Bình: Vĩnh Phúc has no 2024 sub-dimension
    /// scores in data/papi_subdimension_scores_2011_2024.csv), never 0.
    #[test]
    fn merged_table_carries_subdimensions_missing_stays_null() {
        let t = merged_table(2024).unwrap();
        let pop = population_2022().unwrap();
        let (dl, py) = (pop[&66], pop[&54]);
        let a = crate::subdimension_scores::value(66, 2024, "public_health")
            .unwrap()
            .unwrap();
        let b = crate::subdimension_scores::value(54, 2024, "public_health")
            .unwrap()
            .unwrap();
        let got = t.value("public_health", 66).unwrap().unwrap();
        assert!((got - (dl * a + py * b) / (dl + py)).abs() < 1e-12);
        assert_eq!(
            crate::subdimension_scores::value(26, 2024, "public_health").unwrap(),
            None
        );
        assert_eq!(t.value("public_health", 25).unwrap(), None);
    }

    #[test]
    fn trend_34_flags_composition() {
        let df = trend_34_frame("Đắk Lắk", &[2023, 2024], Lang::En).unwrap();
        assert_eq!(df.height(), 18);
        let flags = df.column("composition_changed").unwrap();
        let b = flags.bool().unwrap();
        assert!((0..b.len()).all(|i| b.get(i) == Some(true)));
        let nr = df.column("n_ranked").unwrap().u32().unwrap().get(0);
        assert!(nr.unwrap() <= 34);
    }
}
