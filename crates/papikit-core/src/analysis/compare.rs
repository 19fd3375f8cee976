//! Side-by-side tables of the published results: [`compare_frame`] (chosen provinces, one column
//! each, on every measure of a year) and [`league_frame`] (a year's league table on one measure,
//! optionally within one region).

use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use crate::published::{DIMENSION_COLUMNS, measure, rows_frame, year_rows};
use crate::rank::{group_of_rank, rank_desc};
use crate::registry::{region_id, registry};
use polars::prelude::*;

/// What [`compare_frame`] puts in the province columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    Score,
    Rank,
}

impl Values {
    /// Parse "score" or "rank".
    pub fn parse(s: &str) -> Result<Values> {
        match s {
            "score" => Ok(Values::Score),
            "rank" => Ok(Values::Rank),
            _ => Err(PapiError::InvalidArgument {
                argument: "values".into(),
                message: format!("{s:?}; use \"score\" or \"rank\""),
            }),
        }
    }
}

/// Provinces side by side in `year`: one row per measure published that year (total, d1..d8),
/// one column per province (named in `lang`; score or national rank on that measure) and
/// `best_in_set`, the province of the set with the highest score (ties: the name sorting last).
/// A repeated province gives one column.
pub fn compare_frame(
    provinces: &[u16],
    year: i64,
    values: Values,
    lang: Lang,
) -> Result<DataFrame> {
    if provinces.is_empty() {
        return Err(PapiError::InvalidArgument {
            argument: "provinces".into(),
            message: "the list is empty; give at least one province".into(),
        });
    }
    let reg = registry()?;
    let rows = year_rows(year)?;
    let present: Vec<&str> = std::iter::once("total")
        .chain(DIMENSION_COLUMNS)
        .filter(|m| rows.iter().any(|r| measure(r, m).is_some()))
        .collect();
    let scores: Vec<Vec<Option<f64>>> = present
        .iter()
        .map(|m| rows.iter().map(|r| measure(r, m)).collect())
        .collect();
    let ranks: Vec<Vec<Option<u32>>> = scores.iter().map(|v| rank_desc(v)).collect();
    let mut codes: Vec<u16> = Vec::new();
    for &c in provinces {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    let mut cols = vec![frame::col_str(
        "measure",
        &present.iter().map(|m| Some(*m)).collect::<Vec<_>>(),
    )];
    let mut names = Vec::with_capacity(codes.len());
    let mut own: Vec<Vec<Option<f64>>> = Vec::with_capacity(codes.len());
    for &c in &codes {
        let p = reg.by_code(c).ok_or_else(|| PapiError::UnknownCode {
            kind: "province".into(),
            code: c.to_string(),
            known: "GSO codes of pk.provinces()".into(),
        })?;
        let i = rows.iter().position(|r| r.code == c);
        let no_data = || PapiError::NoData {
            province: p.name_vi.clone(),
            year: year as u16,
            what: "scores".into(),
        };
        let i = i.filter(|&i| rows[i].total.is_some()).ok_or_else(no_data)?;
        let name = lang.pick(&p.name_en, &p.name_vi).to_string();
        own.push(scores.iter().map(|v| v[i]).collect());
        cols.push(match values {
            Values::Score => Column::new(
                name.as_str().into(),
                scores.iter().map(|v| v[i]).collect::<Vec<_>>(),
            ),
            Values::Rank => Column::new(
                name.as_str().into(),
                ranks
                    .iter()
                    .map(|v| v[i].map(i64::from))
                    .collect::<Vec<_>>(),
            ),
        });
        names.push(name);
    }
    let best: Vec<Option<&str>> = (0..present.len())
        .map(|m| {
            own.iter()
                .zip(&names)
                .filter_map(|(v, n)| v[m].map(|s| (s, n.as_str())))
                .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)))
                .map(|x| x.1)
        })
        .collect();
    cols.push(frame::col_str("best_in_set", &best));
    frame::build(present.len(), cols)
}

/// League table of `year` on the measure `by` (total or d1..d8), optionally within one region
/// (id, English or Vietnamese name): `position` (within the table), `code, name_vi, name_en,
/// region`, the `by` score, `rank` (national, on `by`), `n_ranked`, `group` (national, on `by`).
/// Provinces without a score on `by` are left out; equal scores keep GSO code order.
pub fn league_frame(year: i64, by: &str, region: Option<&str>, lang: Lang) -> Result<DataFrame> {
    let reg = registry()?;
    let rows = year_rows(year)?;
    let by = by.to_lowercase();
    // the published table without its total ranks: an unknown column is a MissingColumn error
    let df = rows_frame(&rows, lang)?;
    if ["rank", "n_ranked", "group"].contains(&by.as_str()) {
        return Err(frame::missing(
            &df.drop_many(["rank", "n_ranked", "group"]),
            &by,
        ));
    }
    let scores = frame::f64_col(&df, &by)?;
    let ranks = rank_desc(&scores);
    let n = scores.iter().filter(|s| s.is_some()).count();
    let rid = region.map(region_id).transpose()?;
    let mut idx: Vec<usize> = (0..rows.len())
        .filter(|&i| scores[i].is_some())
        .filter(|&i| rid.is_none() || reg.by_code(rows[i].code).map(|p| p.region_id) == rid)
        .collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (scores[a].unwrap_or(f64::NAN), scores[b].unwrap_or(f64::NAN));
        y.total_cmp(&x)
    });
    let h = idx.len();
    let prov = |i: usize| reg.by_code(rows[i].code);
    let s = |f: &dyn Fn(usize) -> Option<String>| idx.iter().map(|&i| f(i)).collect::<Vec<_>>();
    frame::build(
        h,
        vec![
            frame::col_u32("position", (1..=h as u32).map(Some).collect()),
            Column::new(
                "code".into(),
                idx.iter().map(|&i| rows[i].code as i32).collect::<Vec<_>>(),
            ),
            frame::col_str("name_vi", &s(&|i| prov(i).map(|p| p.name_vi.clone()))),
            frame::col_str("name_en", &s(&|i| prov(i).map(|p| p.name_en.clone()))),
            frame::col_str(
                "region",
                &s(&|i| prov(i).map(|p| lang.pick(&p.region_en, &p.region_vi).to_string())),
            ),
            frame::col_f64(&by, idx.iter().map(|&i| scores[i]).collect()),
            frame::col_u32("rank", idx.iter().map(|&i| ranks[i]).collect()),
            frame::col_u32("n_ranked", idx.iter().map(|_| Some(n as u32)).collect()),
            frame::col_str(
                "group",
                &s(&|i| {
                    ranks[i]
                        .and_then(|r| group_of_rank(r, n))
                        .map(|g| g.label(lang).to_string())
                }),
            ),
        ],
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn compare_highlands() {
        let df = compare_frame(&[62, 64, 66, 67, 68], 2023, Values::Score, Lang::En).unwrap();
        assert_eq!(df.height(), 9);
        assert_eq!(df.width(), 7);
        let best = frame::str_col(&df, "best_in_set").unwrap();
        assert_eq!(best[0].as_deref(), Some("Dak Lak"));
        let r = compare_frame(&[66], 2023, Values::Rank, Lang::En).unwrap();
        assert_eq!(r.column("Dak Lak").unwrap().dtype(), &DataType::Int64);
        assert!(compare_frame(&[], 2023, Values::Score, Lang::En).is_err());
        assert!(matches!(
            compare_frame(&[22], 2023, Values::Score, Lang::En),
            Err(PapiError::NoData { .. })
        ));
    }

    #[test]
    fn league_region_and_errors() {
        let df = league_frame(2023, "total", Some("Central Highlands"), Lang::En).unwrap();
        assert_eq!(df.height(), 5);
        assert_eq!(
            frame::str_col(&df, "name_en").unwrap()[0].as_deref(),
            Some("Dak Lak")
        );
        assert_eq!(
            league_frame(2023, "total", None, Lang::En)
                .unwrap()
                .height(),
            61
        );
        assert!(matches!(
            league_frame(2023, "d9", None, Lang::En),
            Err(PapiError::MissingColumn { .. })
        ));
        assert!(matches!(
            league_frame(2023, "total", Some("Atlantis"), Lang::En),
            Err(PapiError::UnknownCode { .. })
        ));
    }
}
