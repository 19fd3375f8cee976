//! The published PAPI results 2011-2024 (dimension scores and totals for 63 provinces x 14 years),
//! embedded in the crate exactly as in `data/papi_panel_2011_2024.csv` (see data/PROVENANCE.md).
//! Gaps (no score published) stay gaps: they are `None`, never filled.

use crate::csv::Table;
use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use crate::rank::{Group, group_of_rank};
use crate::registry::registry;
use polars::prelude::*;
use std::sync::OnceLock;

const PANEL_CSV: &str = include_str!("../data/papi_panel_2011_2024.csv");

/// First and last published year.
pub const FIRST_YEAR: u16 = 2011;
pub const LAST_YEAR: u16 = 2024;
/// Names of the score columns.
pub const DIMENSION_COLUMNS: [&str; 8] = ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"];

/// One province-year as published.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedRow {
    pub year: u16,
    pub code: u16,
    /// d1..d8 (d7, d8 exist from 2018).
    pub dims: [Option<f64>; 8],
    pub total: Option<f64>,
    /// Derived: descending total among provinces scored that year.
    pub rank: Option<u32>,
    pub n_ranked: u32,
    /// `ranked`, `partial_dimensions_no_total` or `absent_in_source_data`.
    pub status: String,
}

impl PublishedRow {
    /// Performance group of the total (from rank and n_ranked).
    pub fn group(&self) -> Option<Group> {
        self.rank
            .and_then(|r| group_of_rank(r, self.n_ranked as usize))
    }
}

fn parse_opt(s: &str, what: &str, line: usize) -> Result<Option<f64>> {
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>()
        .map(Some)
        .map_err(|_| PapiError::InvalidArgument {
            argument: "embedded panel".into(),
            message: format!("line {line}: {what} = {s:?} is not a number"),
        })
}

fn build_panel() -> Result<Vec<PublishedRow>> {
    let t = Table::parse("papi_panel_2011_2024.csv", PANEL_CSV)?;
    let dcols: Vec<usize> = DIMENSION_COLUMNS
        .iter()
        .map(|c| t.col(c))
        .collect::<Result<_>>()?;
    let (cy, cc, ct, cr, cn, cs) = (
        t.col("year")?,
        t.col("gso_code")?,
        t.col("total")?,
        t.col("rank")?,
        t.col("n_ranked")?,
        t.col("status")?,
    );
    let mut out = Vec::with_capacity(t.rows.len());
    for (i, r) in t.rows.iter().enumerate() {
        let line = i + 2;
        let bad = |what: &str| PapiError::InvalidArgument {
            argument: "embedded panel".into(),
            message: format!("line {line}: bad {what}"),
        };
        let mut dims = [None; 8];
        for (k, &c) in dcols.iter().enumerate() {
            dims[k] = parse_opt(&r[c], DIMENSION_COLUMNS[k], line)?;
        }
        out.push(PublishedRow {
            year: r[cy].parse().map_err(|_| bad("year"))?,
            code: r[cc].parse().map_err(|_| bad("gso_code"))?,
            dims,
            total: parse_opt(&r[ct], "total", line)?,
            rank: if r[cr].is_empty() {
                None
            } else {
                Some(r[cr].parse().map_err(|_| bad("rank"))?)
            },
            n_ranked: r[cn].parse().map_err(|_| bad("n_ranked"))?,
            status: r[cs].clone(),
        });
    }
    Ok(out)
}

static PANEL: OnceLock<std::result::Result<Vec<PublishedRow>, PapiError>> = OnceLock::new();

/// The whole embedded panel (882 province-years).
pub fn panel() -> Result<&'static [PublishedRow]> {
    PANEL
        .get_or_init(build_panel)
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// Check a year is published.
pub fn check_year(year: i64) -> Result<u16> {
    // Loaded years (crate::loaded) first: a year loaded at run time is published too.
    if let Some(l) = crate::loaded::get(year) {
        return Ok(l.year);
    }
    if (FIRST_YEAR as i64..=LAST_YEAR as i64).contains(&year) {
        Ok(year as u16)
    } else {
        Err(PapiError::UnknownYear {
            year,
            first: FIRST_YEAR,
            last: LAST_YEAR,
        })
    }
}

/// The 63 rows of one year, in GSO code order.
pub fn year_rows(year: i64) -> Result<Vec<&'static PublishedRow>> {
    if let Some(l) = crate::loaded::get(year) {
        return Ok(l.rows.iter().collect());
    }
    let y = check_year(year)?;
    let mut v: Vec<_> = panel()?.iter().filter(|r| r.year == y).collect();
    v.sort_by_key(|r| r.code);
    Ok(v)
}

/// One province-year.
pub fn row(code: u16, year: i64) -> Result<&'static PublishedRow> {
    if let Some(l) = crate::loaded::get(year) {
        return l
            .rows
            .iter()
            .find(|r| r.code == code)
            .ok_or_else(|| PapiError::NoData {
                province: crate::registry::name_vi(code),
                year: l.year,
                what: "scores".into(),
            });
    }
    let y = check_year(year)?;
    panel()?
        .iter()
        .find(|r| r.year == y && r.code == code)
        .ok_or_else(|| PapiError::NoData {
            province: crate::registry::name_vi(code),
            year: y,
            what: "scores".into(),
        })
}

/// Number of dimensions in the index in a year (6 until 2017, 8 from 2018).
pub fn n_dimensions(year: u16) -> usize {
    if let Some(n) = crate::loaded::n_dimensions(year) {
        return n;
    }
    if year >= 2018 { 8 } else { 6 }
}

/// Published results as a table: one row per province and year, columns year, province_code,
/// province_name, province_name_en, region (in `lang`), d1..d8, total, rank, n_ranked, group (in `lang`), status.
pub fn published_frame(year: Option<i64>, lang: Lang) -> Result<DataFrame> {
    let rows: Vec<&PublishedRow> = match year {
        Some(y) => year_rows(y)?,
        None => {
            let mut v: Vec<_> = panel()?.iter().collect();
            v.sort_by_key(|r| (r.year, r.code));
            v
        }
    };
    rows_frame(&rows, lang)
}

/// Build the published-results table for any list of rows.
pub fn rows_frame(rows: &[&PublishedRow], lang: Lang) -> Result<DataFrame> {
    let reg = registry()?;
    let n = rows.len();
    let mut name_vi = Vec::with_capacity(n);
    let mut name_en = Vec::with_capacity(n);
    let mut region = Vec::with_capacity(n);
    for r in rows {
        let p = reg
            .by_code(r.code)
            .ok_or_else(|| PapiError::InvalidArgument {
                argument: "embedded panel".into(),
                message: format!("unknown code {}", r.code),
            })?;
        name_vi.push(Some(p.name_vi.as_str()));
        name_en.push(Some(p.name_en.as_str()));
        region.push(Some(lang.pick(&p.region_en, &p.region_vi)));
    }
    let mut cols = vec![Column::new(
        "year".into(),
        rows.iter().map(|r| r.year as i32).collect::<Vec<_>>(),
    )];
    cols.extend(crate::columns::province_columns_named(
        rows.iter().map(|r| Some(r.code as i32)).collect(),
        &name_vi,
        Some(&name_en),
    ));
    cols.push(frame::col_str("region", &region));
    for (k, name) in DIMENSION_COLUMNS.iter().enumerate() {
        cols.push(frame::col_f64(
            name,
            rows.iter().map(|r| r.dims[k]).collect(),
        ));
    }
    cols.push(frame::col_f64(
        "total",
        rows.iter().map(|r| r.total).collect(),
    ));
    cols.push(frame::col_u32(
        "rank",
        rows.iter().map(|r| r.rank).collect(),
    ));
    cols.push(frame::col_u32(
        "n_ranked",
        rows.iter().map(|r| Some(r.n_ranked)).collect(),
    ));
    let groups: Vec<Option<&str>> = rows
        .iter()
        .map(|r| r.group().map(|g| g.label(lang)))
        .collect();
    cols.push(frame::col_str("group", &groups));
    let status: Vec<Option<&str>> = rows.iter().map(|r| Some(r.status.as_str())).collect();
    cols.push(frame::col_str("status", &status));
    frame::build(n, cols)
}

/// Summary statistics of one measure across provinces.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub n: usize,
    pub mean: f64,
    pub median: f64,
    pub min: f64,
    pub min_code: u16,
    pub max: f64,
    pub max_code: u16,
    /// Population standard deviation (divisor n).
    pub std_pop: f64,
}

/// Unweighted statistics over provinces with a value; `None` if no province has one.
pub fn stats(values: &[(u16, f64)]) -> Option<Stats> {
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    let mean = values.iter().map(|v| v.1).sum::<f64>() / n as f64;
    let mut sorted: Vec<f64> = values.iter().map(|v| v.1).collect();
    sorted.sort_by(f64::total_cmp);
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    let (min_code, min) = values.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1))?;
    let (max_code, max) = values.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let std_pop = (values.iter().map(|v| (v.1 - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    Some(Stats {
        n,
        mean,
        median,
        min,
        min_code,
        max,
        max_code,
        std_pop,
    })
}

/// Measure of a row by name (d1..d8 or total).
pub fn measure(r: &PublishedRow, m: &str) -> Option<f64> {
    if m == "total" {
        return r.total;
    }
    DIMENSION_COLUMNS
        .iter()
        .position(|c| *c == m)
        .and_then(|k| r.dims[k])
}

/// National statistics for a year: one row per measure (d1..d8 that exist, total).
pub fn national_stats_frame(year: i64, lang: Lang) -> Result<DataFrame> {
    let rows = year_rows(year)?;
    let reg = registry()?;
    let name = |c: u16| {
        reg.by_code(c)
            .map(|p| lang.pick(&p.name_en, &p.name_vi).to_string())
    };
    let mut measure_col = Vec::new();
    let mut out: Vec<Stats> = Vec::new();
    for m in DIMENSION_COLUMNS.iter().chain(std::iter::once(&"total")) {
        let vals: Vec<(u16, f64)> = rows
            .iter()
            .filter_map(|r| measure(r, m).map(|v| (r.code, v)))
            .collect();
        if let Some(s) = stats(&vals) {
            measure_col.push(Some(*m));
            out.push(s);
        }
    }
    let h = out.len();
    frame::build(
        h,
        vec![
            Column::new("year".into(), vec![year as i32; h]),
            frame::col_str("measure", &measure_col),
            frame::col_u32(
                "n_provinces",
                out.iter().map(|s| Some(s.n as u32)).collect(),
            ),
            frame::col_f64("mean", out.iter().map(|s| Some(s.mean)).collect()),
            frame::col_f64("median", out.iter().map(|s| Some(s.median)).collect()),
            frame::col_f64("min", out.iter().map(|s| Some(s.min)).collect()),
            frame::col_str(
                "min_province",
                &out.iter().map(|s| name(s.min_code)).collect::<Vec<_>>(),
            ),
            frame::col_f64("max", out.iter().map(|s| Some(s.max)).collect()),
            frame::col_str(
                "max_province",
                &out.iter().map(|s| name(s.max_code)).collect::<Vec<_>>(),
            ),
            frame::col_f64("std_pop", out.iter().map(|s| Some(s.std_pop)).collect()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::rank_desc;

    #[test]
    fn panel_is_complete_and_totals_add_up() {
        let p = panel().unwrap();
        assert_eq!(p.len(), 882);
        let with_total: Vec<_> = p.iter().filter(|r| r.total.is_some()).collect();
        assert_eq!(with_total.len(), 869);
        for r in with_total {
            let n = n_dimensions(r.year);
            let sum: f64 = r.dims[..n].iter().map(|d| d.unwrap()).sum();
            assert!(
                (sum - r.total.unwrap()).abs() <= 5e-4,
                "{} {}: {} vs {:?}",
                r.year,
                r.code,
                sum,
                r.total
            );
            assert!(r.dims[n..].iter().all(Option::is_none));
        }
    }

    #[test]
    fn dak_lak_2023_golden() {
        let r = row(66, 2023).unwrap();
        assert_eq!(format!("{:.4}", r.total.unwrap()), "42.3265");
        assert_eq!((r.rank, r.n_ranked), (Some(31), 61));
        assert_eq!(r.group(), Some(Group::LowAverage));
        let r24 = row(66, 2024).unwrap();
        assert_eq!(
            (format!("{:.4}", r24.total.unwrap()), r24.rank),
            ("43.0102".to_string(), Some(39))
        );
    }

    #[test]
    fn derived_ranks_match_our_ranking() {
        for y in FIRST_YEAR..=LAST_YEAR {
            let rows = year_rows(y as i64).unwrap();
            let ranks = rank_desc(&rows.iter().map(|r| r.total).collect::<Vec<_>>());
            for (r, k) in rows.iter().zip(ranks) {
                assert_eq!(r.rank, k, "{y} {}", r.code);
            }
        }
    }

    #[test]
    fn years_outside_range_are_errors() {
        assert!(matches!(
            year_rows(2010),
            Err(PapiError::UnknownYear { .. })
        ));
        assert!(matches!(row(22, 2023), Ok(r) if r.total.is_none()));
    }
}
