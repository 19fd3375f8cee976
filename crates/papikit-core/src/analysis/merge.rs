//! Published scores expressed on the 34 provincial units of 1 July 2025.
//!
//! A merged unit's score on each measure is the weighted mean of its member provinces' published
//! scores, `sum_i w_i x_i / sum_i w_i`. Weights are never guessed: either the user gives one per
//! member of every merged unit, or `Population` uses the shipped population table
//! (data/vn_population_2022_gso.csv: GSO average population 2022 of all 63 provinces, one source),
//! so each member's weight is its share of the unit's 2022 population, for every year. A population
//! year the table does not have is an error naming the years it has. A unit with a single member keeps that province's scores (weight 1,
//! source "single member"). When a member has no score in the year (e.g. Quảng Ninh 2023) the
//! unit's score is null and the member is listed in `missing_members`; weights are never silently
//! renormalised over the remaining members. Every measure of the year's published table is merged
//! the same way: the total, the dimensions and the sub-dimensions (a unit whose member lacks a
//! sub-dimension value has a null value for it, never 0).

use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use crate::published::{DIMENSION_COLUMNS, n_dimensions};
use crate::rank::{group_of_rank, rank_desc};
use crate::registry::{Registry, Unit2025, registry};
use crate::scores::{Measure, ScoreTable};
use polars::prelude::*;
use std::collections::HashMap;

/// How member provinces are weighted.
#[derive(Debug, Clone, PartialEq)]
pub enum Weights {
    /// Weight by GSO code, for every member of every merged unit.
    Explicit(HashMap<u16, f64>),
    /// Population of a year in the shipped table (`None`: the available year closest to the scores'
    /// year, the earlier on a tie).
    Population(Option<u16>),
}

/// One merged unit.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedUnit {
    pub code: u16,
    pub members: Vec<u16>,
    /// Normalised weights, one per member (sum 1).
    pub weights: Vec<f64>,
    /// "user", "population <year>" or "single member".
    pub weight_source: String,
    /// One per measure of the year's published table (`ScoreTable::from_published`): total,
    /// d1..d8 that exist, then the sub-dimensions of the year's framework.
    pub scores: Vec<Option<f64>>,
    /// Members without a total or dimension score (which make those values null).
    pub missing_members: Vec<u16>,
    /// Members without a score on each measure (aligned with `scores`).
    pub missing_by_measure: Vec<Vec<u16>>,
}

fn population_year(reg: &Registry, year: u16) -> Option<u16> {
    let mut years: Vec<u16> = reg.population.keys().map(|k| k.1).collect();
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .min_by_key(|&y| ((y as i32 - year as i32).abs(), y))
}

/// Total then the dimensions that exist in year `y`.
fn measures_of(y: u16) -> Vec<&'static str> {
    std::iter::once("total")
        .chain(DIMENSION_COLUMNS[..n_dimensions(y)].iter().copied())
        .collect()
}

/// Merge a published year onto the 34 units.
pub fn merged(year: i64, weights: &Weights) -> Result<Vec<MergedUnit>> {
    merged_with_measures(year, weights).map(|(_, u)| u)
}

/// Merge a published year onto the 34 units, every measure of its published table (total,
/// dimensions, sub-dimensions); the measures, in the order of each unit's `scores`.
pub fn merged_with_measures(
    year: i64,
    weights: &Weights,
) -> Result<(Vec<Measure>, Vec<MergedUnit>)> {
    let reg = registry()?;
    let y = crate::published::check_year(year)?;
    if crate::loaded::era_of(year) == crate::registry::Era::Units34 {
        return Err(PapiError::InvalidArgument {
            argument: "year".into(),
            message: format!(
                "{year} is already on the 34 units of 2025; merge a year of the 63 provinces (or read {year} with pk.published)"
            ),
        });
    }
    let base = ScoreTable::from_published(year)?;
    let n_top = measures_of(y).len();
    let (raw, source) = raw_weights(reg, y, weights)?;
    check_coverage(reg, &raw, weights, &source)?;
    let units = reg
        .units
        .iter()
        .map(|u| merge_unit(u, &raw, &source, &base, n_top))
        .collect::<Result<Vec<_>>>()?;
    Ok((base.measures, units))
}

/// Unnormalised weight by GSO code and the weight source ("user" / "population <year>").
fn raw_weights(reg: &Registry, y: u16, weights: &Weights) -> Result<(HashMap<u16, f64>, String)> {
    match weights {
        Weights::Explicit(w) => {
            check_explicit(reg, w)?;
            Ok((w.clone(), "user".into()))
        }
        Weights::Population(py) => {
            let py = match py {
                Some(p) if reg.population.keys().any(|k| k.1 == *p) => *p,
                Some(p) => {
                    let mut have: Vec<u16> = reg.population.keys().map(|k| k.1).collect();
                    have.sort_unstable();
                    have.dedup();
                    return Err(PapiError::InvalidArgument {
                        argument: "population_year".into(),
                        message: format!(
                            "{p}: the shipped population table has {}; leave population_year unset or pass one of these",
                            have.iter()
                                .map(u16::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
                None => population_year(reg, y).ok_or_else(|| PapiError::InvalidArgument {
                    argument: "weights".into(),
                    message: "the shipped population table is empty".into(),
                })?,
            };
            let w = reg
                .provinces
                .iter()
                .filter_map(|p| reg.population.get(&(p.code, py)).map(|v| (p.code, *v)))
                .collect();
            Ok((w, format!("population {py}")))
        }
    }
}

/// Explicit weights from (province name or code, weight) pairs: every key is resolved to its
/// province, and two keys naming the same province ("Hà Nội" and "1") are an error naming both (a
/// map would keep one of them depending on its iteration order).
pub fn explicit_weights(pairs: &[(String, f64)]) -> Result<Weights> {
    let reg = crate::registry::registry()?;
    let mut sorted: Vec<&(String, f64)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut seen: HashMap<u16, &str> = HashMap::new();
    let mut out = HashMap::new();
    for (k, v) in sorted {
        let p = reg.lookup(k)?;
        if let Some(first) = seen.insert(p.code, k) {
            return Err(PapiError::InvalidArgument {
                argument: format!("weights[{k:?}]"),
                message: format!(
                    "{first:?} and {k:?} both name {} (code {}); give each province once",
                    p.name_vi, p.code
                ),
            });
        }
        out.insert(p.code, *v);
    }
    Ok(Weights::Explicit(out))
}

/// User weights: known provinces, finite and >= 0.
fn check_explicit(reg: &Registry, w: &HashMap<u16, f64>) -> Result<()> {
    for (c, v) in w {
        if reg.by_code(*c).is_none() {
            return Err(PapiError::UnknownProvince {
                query: c.to_string(),
                suggestions: Vec::new(),
            });
        }
        if !(v.is_finite() && *v >= 0.0) {
            return Err(PapiError::InvalidArgument {
                argument: "weights".into(),
                message: format!(
                    "weight of {} is {v}; weights must be finite and >= 0",
                    crate::registry::name_vi(*c)
                ),
            });
        }
    }
    Ok(())
}

/// Every member of every merged unit has a weight, and no unit's weights sum to 0.
fn check_coverage(
    reg: &Registry,
    raw: &HashMap<u16, f64>,
    weights: &Weights,
    source: &str,
) -> Result<()> {
    let mut missing_w: Vec<String> = Vec::new();
    for u in reg.units.iter().filter(|u| u.members.len() > 1) {
        let lacking: Vec<String> = u
            .members
            .iter()
            .filter(|m| !raw.contains_key(m))
            .map(|&m| crate::registry::name_vi(m))
            .collect();
        if !lacking.is_empty() {
            missing_w.push(format!("{} (unit {})", lacking.join(", "), u.name_vi));
        } else if u.members.iter().map(|m| raw[m]).sum::<f64>() <= 0.0 {
            return Err(PapiError::InvalidArgument {
                argument: "weights".into(),
                message: format!("the weights of the members of {} sum to 0", u.name_vi),
            });
        }
    }
    if missing_w.is_empty() {
        return Ok(());
    }
    let what = match weights {
        Weights::Explicit(_) => "no weight given for".to_string(),
        Weights::Population(_) => format!("the shipped table has no {source} for"),
    };
    Err(PapiError::InvalidArgument {
        argument: "weights".into(),
        message: format!(
            "{what}: {}. Give a weight for every member of each merged unit, e.g. weights={{\"Phú Yên\": 0.4, \"Đắk Lắk\": 0.6, ...}}; papikit never falls back to equal weights",
            missing_w.join("; ")
        ),
    })
}

/// One unit's weighted means over every measure of `base` (null on a measure where a member has
/// no score); `missing_members` lists the members lacking one of the first `n_top` measures (total
/// and dimensions).
fn merge_unit(
    u: &Unit2025,
    raw: &HashMap<u16, f64>,
    source: &str,
    base: &ScoreTable,
    n_top: usize,
) -> Result<MergedUnit> {
    let single = u.members.len() == 1;
    let w: Vec<f64> = if single {
        vec![1.0]
    } else {
        let s: f64 = u.members.iter().map(|m| raw[m]).sum();
        u.members.iter().map(|m| raw[m] / s).collect()
    };
    let cols: Vec<Option<usize>> = u
        .members
        .iter()
        .map(|&c| base.province_index(c).ok())
        .collect();
    let mut missing = Vec::new();
    let mut scores = Vec::with_capacity(base.measures.len());
    let mut missing_by_measure = Vec::with_capacity(base.measures.len());
    for (m, row) in base.values.iter().enumerate() {
        let mut acc = Some(0.0);
        let mut lacking = Vec::new();
        for (k, &c) in u.members.iter().enumerate() {
            match cols[k].and_then(|j| row[j]) {
                Some(v) => acc = acc.map(|a| a + w[k] * v),
                None => {
                    acc = None;
                    lacking.push(c);
                    if m < n_top && !missing.contains(&c) {
                        missing.push(c);
                    }
                }
            }
        }
        scores.push(acc);
        missing_by_measure.push(lacking);
    }
    Ok(MergedUnit {
        code: u.code,
        members: u.members.clone(),
        weights: w,
        weight_source: if single {
            "single member".into()
        } else {
            source.to_string()
        },
        scores,
        missing_members: missing,
        missing_by_measure,
    })
}

/// Merged scores (one row per unit: year, province_code, province_name,
/// province_name_en, region, members, total, d1..d8 that exist,
/// rank, n_ranked, group, weights, weight_source, missing_members) and the weights used (one row
/// per member: unit_code, unit_name_vi, province_code, province_name, weight, weight_source).
pub fn merged_frames(year: i64, weights: &Weights, lang: Lang) -> Result<(DataFrame, DataFrame)> {
    let reg = registry()?;
    let y = crate::published::check_year(year)?;
    let units = merged(year, weights)?;
    Ok((
        scores_frame(reg, &units, y, lang)?,
        weights_frame(reg, &units)?,
    ))
}

/// The merged year at a level, as `published` gives it: "dimension" (one row per unit, see
/// [`merged_frames`]), "subdimension" (one row per unit and sub-dimension: year, code, name_vi,
/// name_en, region, dimension, number, subdimension, name, score, rank, n_ranked, min, max,
/// weight_source, missing_members) or "all" (one row per unit and measure, total -> dimensions ->
/// sub-dimensions: year, code, name_vi, name_en, region, level, measure, number, parent, name,
/// score, rank, n_ranked, min, max, weight_source, missing_members). Ranks are among the 34 units;
/// `missing_members` names the members without a value on that row's measure (its score is null).
/// The second frame is the weights used.
pub fn merged_frames_at(
    year: i64,
    weights: &Weights,
    level: &str,
    lang: Lang,
) -> Result<(DataFrame, DataFrame)> {
    match level {
        "dimension" => merged_frames(year, weights, lang),
        "subdimension" | "all" => {
            let reg = registry()?;
            let (measures, units) = merged_with_measures(year, weights)?;
            let y = crate::published::check_year(year)?;
            let long = long_frame(reg, &measures, &units, y, lang)?;
            let long = if level == "all" {
                long
            } else {
                subdimension_rows(long)?
            };
            Ok((long, weights_frame(reg, &units)?))
        }
        other => Err(PapiError::InvalidArgument {
            argument: "level".into(),
            message: format!("{other:?}; use \"dimension\", \"subdimension\" or \"all\""),
        }),
    }
}

/// Every measure of every unit in long form (`ScoreTable::long_frame` on the unit codes, with the
/// units' names and regions), plus weight_source and missing_members.
fn long_frame(
    reg: &Registry,
    measures: &[Measure],
    units: &[MergedUnit],
    y: u16,
    lang: Lang,
) -> Result<DataFrame> {
    let table = ScoreTable {
        year: y,
        source: "merged".into(),
        provinces: units.iter().map(|u| u.code).collect(),
        measures: measures.to_vec(),
        values: (0..measures.len())
            .map(|m| units.iter().map(|u| u.scores[m]).collect())
            .collect(),
        se: None,
        replicates: None,
    };
    let df = table.long_frame(lang)?;
    // long_frame orders rows by measure, then by code: the same order here.
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&i| units[i].code);
    let rows = || (0..measures.len()).flat_map(|m| order.iter().map(move |&i| (m, i)));
    let unit = |i: usize| reg.unit_by_code(units[i].code);
    let text = |name: &str, f: &dyn Fn(usize, usize) -> Option<String>| {
        frame::col_str(name, &rows().map(|(m, i)| f(m, i)).collect::<Vec<_>>())
    };
    frame::with_columns(
        df,
        vec![
            text(crate::columns::PROVINCE_NAME, &|_, i| {
                unit(i).map(|u| u.name_vi.clone())
            }),
            text(crate::columns::PROVINCE_NAME_EN, &|_, i| {
                unit(i).map(|u| u.name_en.clone())
            }),
            text("region", &|_, i| {
                unit(i).map(|u| lang.pick(&u.region_en, &u.region_vi).to_string())
            }),
            text("weight_source", &|_, i| {
                Some(units[i].weight_source.clone())
            }),
            text("missing_members", &|m, i| {
                let l = &units[i].missing_by_measure[m];
                (!l.is_empty()).then(|| names(reg, l))
            }),
        ],
    )
}

/// The sub-dimension rows of a long merged frame, in the columns of the published sub-dimension
/// table (parent -> dimension, measure -> subdimension).
fn subdimension_rows(long: DataFrame) -> Result<DataFrame> {
    let mask = long.column("level")?.str()?.equal("subdimension");
    let mut sub = long.filter(&mask)?;
    sub.rename("parent", "dimension".into())?;
    sub.rename(crate::columns::MEASURE, "subdimension".into())?;
    Ok(sub.select([
        "year",
        crate::columns::PROVINCE_CODE,
        crate::columns::PROVINCE_NAME,
        crate::columns::PROVINCE_NAME_EN,
        "region",
        "dimension",
        "number",
        "subdimension",
        "name",
        "score",
        "rank",
        "n_ranked",
        "min",
        "max",
        "weight_source",
        "missing_members",
    ])?)
}

fn province_name_vi(reg: &Registry, c: u16) -> String {
    reg.by_code(c)
        .map(|p| p.name_vi.clone())
        .unwrap_or_default()
}

/// "name, name, ..." of some member provinces.
fn names(reg: &Registry, codes: &[u16]) -> String {
    codes
        .iter()
        .map(|&c| province_name_vi(reg, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// year, province_code, province_name, province_name_en, region, members of each unit.
fn unit_columns(reg: &Registry, units: &[MergedUnit], y: u16, lang: Lang) -> Vec<Column> {
    let unit = |c: u16| reg.unit_by_code(c);
    let n = units.len();
    let mut cols = vec![Column::new("year".into(), vec![y as i32; n])];
    cols.extend(crate::columns::province_columns_named(
        units.iter().map(|u| Some(u.code as i32)).collect(),
        &units
            .iter()
            .map(|u| unit(u.code).map(|x| x.name_vi.clone()))
            .collect::<Vec<_>>(),
        Some(
            &units
                .iter()
                .map(|u| unit(u.code).map(|x| x.name_en.clone()))
                .collect::<Vec<_>>(),
        ),
    ));
    cols.extend([
        frame::col_str(
            "region",
            &units
                .iter()
                .map(|u| unit(u.code).map(|x| lang.pick(&x.region_en, &x.region_vi).to_string()))
                .collect::<Vec<_>>(),
        ),
        frame::col_str(
            "members",
            &units
                .iter()
                .map(|u| Some(names(reg, &u.members)))
                .collect::<Vec<_>>(),
        ),
    ]);
    cols
}

/// rank, n_ranked and group of the units' totals.
fn rank_columns(units: &[MergedUnit], lang: Lang) -> Vec<Column> {
    let totals: Vec<Option<f64>> = units.iter().map(|u| u.scores[0]).collect();
    let ranks = rank_desc(&totals);
    let nr = totals.iter().filter(|t| t.is_some()).count();
    vec![
        frame::col_u32("rank", ranks.clone()),
        frame::col_u32(
            "n_ranked",
            totals.iter().map(|t| t.map(|_| nr as u32)).collect(),
        ),
        frame::col_str(
            "group",
            &ranks
                .iter()
                .map(|r| r.and_then(|r| group_of_rank(r, nr)).map(|g| g.label(lang)))
                .collect::<Vec<_>>(),
        ),
    ]
}

/// The merged scores, one row per unit.
fn scores_frame(reg: &Registry, units: &[MergedUnit], y: u16, lang: Lang) -> Result<DataFrame> {
    let mut cols = unit_columns(reg, units, y, lang);
    for (k, m) in measures_of(y).iter().enumerate() {
        cols.push(frame::col_f64(
            m,
            units.iter().map(|u| u.scores[k]).collect(),
        ));
    }
    cols.extend(rank_columns(units, lang));
    cols.push(frame::col_str(
        "weights",
        &units
            .iter()
            .map(|u| {
                Some(
                    u.members
                        .iter()
                        .zip(&u.weights)
                        .map(|(&c, w)| format!("{} {:.4}", province_name_vi(reg, c), w))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })
            .collect::<Vec<_>>(),
    ));
    cols.push(frame::col_str(
        "weight_source",
        &units
            .iter()
            .map(|u| Some(u.weight_source.clone()))
            .collect::<Vec<_>>(),
    ));
    cols.push(frame::col_str(
        "missing_members",
        &units
            .iter()
            .map(|u| (!u.missing_members.is_empty()).then(|| names(reg, &u.missing_members)))
            .collect::<Vec<_>>(),
    ));
    frame::build(units.len(), cols)
}

/// The weights used, one row per member of each unit.
fn weights_frame(reg: &Registry, units: &[MergedUnit]) -> Result<DataFrame> {
    let mut uc = Vec::new();
    let mut un = Vec::new();
    let mut pc = Vec::new();
    let mut pn = Vec::new();
    let mut wv = Vec::new();
    let mut ws = Vec::new();
    for u in units {
        for (&c, &w) in u.members.iter().zip(&u.weights) {
            uc.push(u.code as i32);
            un.push(reg.unit_by_code(u.code).map(|x| x.name_vi.clone()));
            pc.push(c as i32);
            pn.push(Some(province_name_vi(reg, c)));
            wv.push(Some(w));
            ws.push(Some(u.weight_source.clone()));
        }
    }
    frame::build(
        uc.len(),
        vec![
            Column::new("unit_code".into(), uc),
            frame::col_str("unit_name_vi", &un),
            Column::new(crate::columns::PROVINCE_CODE.into(), pc),
            frame::col_str(crate::columns::PROVINCE_NAME, &pn),
            frame::col_f64("weight", wv),
            frame::col_str("weight_source", &ws),
        ],
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::published::row;

    #[test]
    fn explicit_weights_are_the_weighted_mean() {
        let reg = registry().unwrap();
        let mut w = HashMap::new();
        for u in reg.units.iter().filter(|u| u.members.len() > 1) {
            for (k, &m) in u.members.iter().enumerate() {
                w.insert(m, (k + 1) as f64);
            }
        }
        let units = merged(2023, &Weights::Explicit(w)).unwrap();
        assert_eq!(units.len(), 34);
        let dl = units.iter().find(|u| u.code == 66).unwrap();
        assert_eq!(dl.members, vec![54, 66]);
        // Phú Yên weight 1, Đắk Lắk weight 2 (normalised 1/3, 2/3)
        let py = row(54, 2023).unwrap().total.unwrap();
        let dk = row(66, 2023).unwrap().total.unwrap();
        assert!((dl.scores[0].unwrap() - (py + 2.0 * dk) / 3.0).abs() < 1e-12);
        assert_eq!(dl.weight_source, "user");
    }

    #[test]
    fn missing_weights_are_an_error() {
        let e = merged(2023, &Weights::Explicit(HashMap::new())).unwrap_err();
        assert!(e.to_string().contains("Phú Yên"), "{e}");
        // the 2022 table has no other year: naming the year it has
        let e = merged(2023, &Weights::Population(Some(2019))).unwrap_err();
        assert!(e.to_string().contains("2022"), "{e}");
    }

    /// Population weights (behaviour changed: the old partial table made this an error): 34
    /// units for every year, each member weighted by its share of the unit's 2022 population.
    /// Expected figures from data/vn_population_2022_gso.csv: Phú Yên (54) 876,620, Đắk Lắk (66)
    /// 1,918,440; the GSO total 99,474,320.
    #[test]
    fn population_weights_are_2022_shares() {
        let reg = registry().unwrap();
        assert_eq!(reg.population.len(), 63);
        let sum: f64 = reg.population.values().sum();
        assert_eq!(sum, 99_474_320.0);
        for y in 2011..=2024 {
            let units = merged(y, &Weights::Population(None)).unwrap();
            assert_eq!(units.len(), 34);
        }
        let units = merged(2023, &Weights::Population(None)).unwrap();
        let dl = units.iter().find(|u| u.code == 66).unwrap();
        assert_eq!(dl.weight_source, "population 2022");
        let (py, dk) = (876_620.0, 1_918_440.0);
        assert_eq!(dl.weights, vec![py / (py + dk), dk / (py + dk)]);
        let t54 = row(54, 2023).unwrap().total.unwrap();
        let t66 = row(66, 2023).unwrap().total.unwrap();
        let want = (py * t54 + dk * t66) / (py + dk);
        assert!((dl.scores[0].unwrap() - want).abs() < 1e-12);
        for u in &units {
            assert!((u.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }
}
