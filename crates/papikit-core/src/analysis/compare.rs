//! Side-by-side tables of the published results: [`compare_frame`] (chosen provinces, one column
//! each, on every measure of a year) and [`league_frame`] (a year's league table on one measure,
//! optionally within one region).

use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use crate::rank::{group_of_rank, rank_desc};
use crate::registry::{region_id, registry};
use crate::scores::ScoreTable;
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

/// Provinces side by side in `year`: one row per measure published that year (total, d1..d8, then
/// the sub-dimensions of that year's framework), one column per province (named in `lang`; score
/// or national rank on that measure) and `best_in_set`, the province of the set with the highest
/// score (ties: the name sorting last). A repeated province gives one column.
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
    let t = ScoreTable::from_published(year)?;
    let present: Vec<usize> = (0..t.measures.len())
        .filter(|&m| t.values[m].iter().any(Option::is_some))
        .collect();
    let scores: Vec<&Vec<Option<f64>>> = present.iter().map(|&m| &t.values[m]).collect();
    let ranks: Vec<Vec<Option<u32>>> = scores.iter().map(|v| rank_desc(v)).collect();
    let ti = t.measure_index("total")?;
    let mut codes: Vec<u16> = Vec::new();
    for &c in provinces {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    let mut cols = vec![frame::col_str(
        crate::columns::MEASURE,
        &present
            .iter()
            .map(|&m| Some(t.measures[m].code.as_str()))
            .collect::<Vec<_>>(),
    )];
    let mut names = Vec::with_capacity(codes.len());
    let mut own: Vec<Vec<Option<f64>>> = Vec::with_capacity(codes.len());
    for &c in &codes {
        let p = reg.by_code(c).ok_or_else(|| PapiError::UnknownCode {
            kind: "province".into(),
            code: c.to_string(),
            known: "GSO codes of pk.provinces()".into(),
        })?;
        let no_data = || PapiError::NoData {
            province: p.name_vi.clone(),
            year: t.year,
            what: "scores".into(),
        };
        let i = t
            .provinces
            .iter()
            .position(|&x| x == c)
            .filter(|&i| t.values[ti][i].is_some())
            .ok_or_else(no_data)?;
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

/// League table of `year` on the measure `by`, optionally within one region (id, English or
/// Vietnamese name): `position` (within the table), `province_code, province_name, province_name_en, region`, the score
/// (column named by the measure's code), `rank` (national, on `by`), `n_ranked`, `group` (national,
/// on `by`). `by` is the total, a dimension ("d6", "D6") or a sub-dimension of that year's framework
/// by number ("6.1"), code ("public_health") or VN/EN name (diacritics and case ignored; see
/// [`ScoreTable::resolve_measure`]); anything else is an `UnknownCode` error listing the choices.
/// Provinces without a score on `by` are left out; equal scores keep GSO code order.
pub fn league_frame(year: i64, by: &str, region: Option<&str>, lang: Lang) -> Result<DataFrame> {
    let reg = registry()?;
    let t = ScoreTable::from_published(year)?;
    let m = t.resolve_measure(by)?;
    let by = t.measures[m].code.clone();
    let scores = &t.values[m];
    let ranks = rank_desc(scores);
    let n = scores.iter().filter(|s| s.is_some()).count();
    let rid = region.map(region_id).transpose()?;
    let mut idx: Vec<usize> = (0..t.provinces.len())
        .filter(|&i| scores[i].is_some())
        .filter(|&i| rid.is_none() || reg.by_code(t.provinces[i]).map(|p| p.region_id) == rid)
        .collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (scores[a].unwrap_or(f64::NAN), scores[b].unwrap_or(f64::NAN));
        y.total_cmp(&x).then(t.provinces[a].cmp(&t.provinces[b]))
    });
    let h = idx.len();
    let prov = |i: usize| reg.by_code(t.provinces[i]);
    let s = |f: &dyn Fn(usize) -> Option<String>| idx.iter().map(|&i| f(i)).collect::<Vec<_>>();
    let mut cols = vec![frame::col_u32(
        "position",
        (1..=h as u32).map(Some).collect(),
    )];
    cols.extend(crate::columns::province_columns_named(
        idx.iter()
            .map(|&i| Some(i32::from(t.provinces[i])))
            .collect(),
        &s(&|i| prov(i).map(|p| p.name_vi.clone())),
        Some(&s(&|i| prov(i).map(|p| p.name_en.clone()))),
    ));
    cols.extend([
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
    ]);
    frame::build(h, cols)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn compare_highlands() {
        let df = compare_frame(&[62, 64, 66, 67, 68], 2023, Values::Score, Lang::En).unwrap();
        assert_eq!(df.height(), 1 + 8 + 28);
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
            frame::str_col(&df, "province_name_en").unwrap()[0].as_deref(),
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
            Err(PapiError::UnknownCode { .. })
        ));
        assert!(matches!(
            league_frame(2023, "total", Some("Atlantis"), Lang::En),
            Err(PapiError::UnknownCode { .. })
        ));
    }

    /// League on 6.1 (2023): "6.1", the code and the VN name give the same table, ordered by the
    /// published sub-dimension scores; Hà Nội's 6.1 = 1.7029 (2023 report Table 3.6).
    #[test]
    fn league_on_a_subdimension() {
        let a = league_frame(2023, "6.1", None, Lang::En).unwrap();
        let b = league_frame(2023, "public_health", None, Lang::En).unwrap();
        let c = league_frame(2023, "y te cong lap", None, Lang::Vi).unwrap();
        assert_eq!(
            a.column("province_code").unwrap(),
            b.column("province_code").unwrap()
        );
        assert_eq!(
            a.column("province_code").unwrap(),
            c.column("province_code").unwrap()
        );
        let v = frame::f64_col(&a, "public_health").unwrap();
        assert!(v.windows(2).all(|w| w[0] >= w[1]));
        let codes = a.column("province_code").unwrap().i32().unwrap().clone();
        let hn = (0..a.height()).find(|&i| codes.get(i) == Some(1)).unwrap();
        assert!((v[hn].unwrap() - 1.7029).abs() < 5e-5);
        assert!(matches!(
            league_frame(2023, "construction_permits", None, Lang::En),
            Err(PapiError::UnknownCode { .. })
        ));
    }
}
