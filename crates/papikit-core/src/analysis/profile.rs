//! Profile of one province in one year on every measure of a [`ScoreTable`].
//!
//! For each measure: score, rank and number ranked, rank within the region, performance group and
//! its score band, **distance to the next group up** (= lowest score inside the next better group
//! minus own score; null in the top group), distance to the best (best score minus own),
//! national mean and median and the score's distance from the median (`vs_median`, positive =
//! above), change from a previous year's table in points and places (places:
//! previous rank minus rank, positive = moved up; null when the measure is not comparable across
//! the years, see [`crate::analysis::trend::comparable`]).
//!
//! **Strengths and weaknesses rule**: a measure other than the total is a *strength* when its rank
//! is at least `margin` places better than the province's total rank (rank <= total rank - margin)
//! and a *weakness* when it is at least `margin` places worse (rank >= total rank + margin). The
//! default margin is 10 places (about one sixth of the field).

use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use crate::published::stats;
use crate::rank::{Group, bands, group_of_rank, rank_desc};
use crate::registry::registry;
use crate::scores::{Level, Measure, ScoreTable};
use polars::prelude::*;

/// Default margin (places) of the strengths/weaknesses rule.
pub const DEFAULT_MARGIN: u32 = 10;

/// One measure of a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    pub code: String,
    pub level: Level,
    pub name_en: String,
    pub name_vi: String,
    pub score: Option<f64>,
    pub rank: Option<u32>,
    pub n_ranked: u32,
    pub rank_region: Option<u32>,
    pub n_region: u32,
    pub group: Option<Group>,
    pub band_min: Option<f64>,
    pub band_max: Option<f64>,
    pub next_group: Option<Group>,
    pub next_group_min: Option<f64>,
    pub distance_next_group: Option<f64>,
    pub best: Option<f64>,
    pub best_province: Option<u16>,
    pub distance_best: Option<f64>,
    pub national_mean: Option<f64>,
    pub national_median: Option<f64>,
    /// Score minus national median (positive = above the median).
    pub vs_median: Option<f64>,
    pub previous_score: Option<f64>,
    pub change_points: Option<f64>,
    pub previous_rank: Option<u32>,
    /// Number of provinces ranked on the measure in the previous table.
    pub previous_n_ranked: Option<u32>,
    pub change_places: Option<i32>,
    pub comparable_with_previous: Option<bool>,
    /// "strength", "weakness" or None.
    pub flag: Option<&'static str>,
}

/// A province profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub province: u16,
    pub year: u16,
    pub previous_year: Option<u16>,
    pub source: String,
    pub margin: u32,
    pub rows: Vec<ProfileRow>,
    /// Source of the previous table (e.g. the merged basis across the 2025 merger).
    pub previous_source: Option<String>,
    /// The previous table is the 63-province year merged onto the 34 units (`analysis::era`) and
    /// this unit combines several provinces: its baseline is their population-weighted mean.
    pub composition_changed: bool,
}

/// Build the profile of `province` from `table`, with year-on-year change against `previous`.
pub fn profile(
    table: &ScoreTable,
    previous: Option<&ScoreTable>,
    province: u16,
    margin: u32,
) -> Result<Profile> {
    table.validate()?;
    let (p, ti) = own_total(table, province)?;
    let region = region_members(table, province)?;
    let mut rows = table
        .measures
        .iter()
        .enumerate()
        .map(|(m, meas)| profile_row(table, previous, province, p, &region, m, meas))
        .collect::<Vec<_>>();
    flag_rows(&mut rows, ti, margin);
    Ok(Profile {
        province,
        year: table.year,
        previous_year: previous.map(|p| p.year),
        source: table.source.clone(),
        margin,
        rows,
        previous_source: previous.map(|p| p.source.clone()),
        composition_changed: previous
            .is_some_and(|p| p.source.contains(crate::analysis::era::MERGED_BASIS))
            && crate::loaded::unit_of_key(province).is_some_and(|u| u.members.len() > 1),
    })
}

/// Indices of the province and of the total; the province must have a total.
fn own_total(table: &ScoreTable, province: u16) -> Result<(usize, usize)> {
    let p = table.province_index(province)?;
    let ti = table.measure_index("total")?;
    if table.values[ti][p].is_none() {
        return Err(PapiError::NoData {
            province: format!(
                "{} ({province})",
                registry()?
                    .by_code(province)
                    .map(|x| x.name_vi.clone())
                    .unwrap_or_else(|| province.to_string())
            ),
            year: table.year,
            what: if table.source == "published" {
                "PAPI score".into()
            } else {
                crate::analysis::gap::total_what(&table.source)
            },
        });
    }
    Ok((p, ti))
}

/// Indices of the provinces of the province's region (itself included).
fn region_members(table: &ScoreTable, province: u16) -> Result<Vec<usize>> {
    let reg = registry()?;
    let rid = reg.by_code(province).map(|x| x.region_id);
    Ok((0..table.provinces.len())
        .filter(|&i| reg.by_code(table.provinces[i]).map(|x| x.region_id) == rid)
        .collect())
}

/// Index and score of the best province on a measure (the first one on ties).
fn best_of(vals: &[Option<f64>]) -> Option<(usize, f64)> {
    vals.iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .fold(None::<(usize, f64)>, |acc, (i, v)| match acc {
            Some((_, b)) if b >= v => acc,
            _ => Some((i, v)),
        })
}

/// A measure in the previous table: score, rank, number ranked, comparable across the years.
struct Previous {
    score: Option<f64>,
    rank: Option<u32>,
    n_ranked: Option<u32>,
    comparable: Option<bool>,
}

/// The measure `code` of `province` in the previous table.
fn previous_of(
    table: &ScoreTable,
    previous: Option<&ScoreTable>,
    province: u16,
    code: &str,
) -> Previous {
    let Some(prev) = previous else {
        return Previous {
            score: None,
            rank: None,
            n_ranked: None,
            comparable: None,
        };
    };
    let c = (prev.year.min(table.year) + 1..=prev.year.max(table.year))
        .all(|y| crate::analysis::trend::comparable(code, y).unwrap_or(false));
    match (prev.measure_index(code), prev.province_index(province)) {
        (Ok(pm), Ok(pp)) => Previous {
            score: prev.values[pm][pp],
            rank: rank_desc(&prev.values[pm])[pp],
            n_ranked: Some(prev.values[pm].iter().filter(|v| v.is_some()).count() as u32),
            comparable: Some(c),
        },
        _ => Previous {
            score: None,
            rank: None,
            n_ranked: None,
            comparable: Some(c),
        },
    }
}

/// One measure of the profile (flag set later by `flag_rows`).
fn profile_row(
    table: &ScoreTable,
    previous: Option<&ScoreTable>,
    province: u16,
    p: usize,
    region: &[usize],
    m: usize,
    meas: &Measure,
) -> ProfileRow {
    let vals = &table.values[m];
    let score = vals[p];
    let ranks = rank_desc(vals);
    let n = vals.iter().filter(|v| v.is_some()).count();
    let rank = ranks[p];
    let rvals: Vec<Option<f64>> = region.iter().map(|&i| vals[i]).collect();
    let rranks = rank_desc(&rvals);
    let rpos = region.iter().position(|&i| i == p);
    let group = rank.and_then(|r| group_of_rank(r, n));
    let b = bands(vals);
    let band = group.and_then(|g| b[g.index()]);
    let next_group = group
        .filter(|g| g.index() > 0)
        .map(|g| Group::ALL[g.index() - 1]);
    let next_group_min = next_group.and_then(|g| b[g.index()]).map(|x| x.0);
    let best = best_of(vals);
    let st = stats(
        &vals
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (table.provinces[i], v)))
            .collect::<Vec<_>>(),
    );
    let Previous {
        score: previous_score,
        rank: previous_rank,
        n_ranked: previous_n_ranked,
        comparable,
    } = previous_of(table, previous, province, &meas.code);
    let c = comparable.unwrap_or(false);
    let diff = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    ProfileRow {
        code: meas.code.clone(),
        level: meas.level,
        name_en: meas.name_en.clone(),
        name_vi: meas.name_vi.clone(),
        score,
        rank,
        n_ranked: n as u32,
        rank_region: rpos.and_then(|k| rranks[k]),
        n_region: rvals.iter().filter(|v| v.is_some()).count() as u32,
        group,
        band_min: band.map(|x| x.0),
        band_max: band.map(|x| x.1),
        next_group,
        next_group_min,
        distance_next_group: diff(next_group_min, score),
        best: best.map(|x| x.1),
        best_province: best.map(|x| table.provinces[x.0]),
        distance_best: diff(best.map(|x| x.1), score),
        national_mean: st.as_ref().map(|s| s.mean),
        national_median: st.as_ref().map(|s| s.median),
        vs_median: diff(score, st.as_ref().map(|s| s.median)),
        previous_score,
        change_points: if c { diff(score, previous_score) } else { None },
        previous_rank,
        previous_n_ranked,
        change_places: match (c, rank, previous_rank) {
            (true, Some(a), Some(b)) => Some(b as i32 - a as i32),
            _ => None,
        },
        comparable_with_previous: comparable,
        flag: None,
    }
}

/// The strengths/weaknesses rule: rank at least `margin` places better / worse than the total's.
fn flag_rows(rows: &mut [ProfileRow], ti: usize, margin: u32) {
    let total_rank = rows[ti].rank;
    for r in rows.iter_mut().filter(|r| r.level != Level::Total) {
        if let (Some(tr), Some(rk)) = (total_rank, r.rank) {
            if rk + margin <= tr {
                r.flag = Some("strength");
            } else if rk >= tr + margin {
                r.flag = Some("weakness");
            }
        }
    }
}

impl Profile {
    /// The profile as a table (one row per measure).
    pub fn frame(&self, lang: Lang) -> Result<DataFrame> {
        let reg = registry()?;
        let r = &self.rows;
        let f = |f: &dyn Fn(&ProfileRow) -> Option<f64>| r.iter().map(f).collect::<Vec<_>>();
        let u = |f: &dyn Fn(&ProfileRow) -> Option<u32>| r.iter().map(f).collect::<Vec<_>>();
        let s = |f: &dyn Fn(&ProfileRow) -> Option<String>| r.iter().map(f).collect::<Vec<_>>();
        let gl = |g: Option<Group>| g.map(|g| g.label(lang).to_string());
        let flags = crate::labels::section("flag", lang)?;
        let flag = |x: &ProfileRow| {
            x.flag.map(|f| {
                flags
                    .iter()
                    .find(|(k, _)| *k == f)
                    .map_or(f, |(_, t)| *t)
                    .to_string()
            })
        };
        frame::build(
            r.len(),
            vec![
                frame::col_str("measure", &s(&|x| Some(x.code.clone()))),
                frame::col_str("level", &s(&|x| Some(x.level.as_str().into()))),
                frame::col_str(
                    "name",
                    &s(&|x| Some(lang.pick(&x.name_en, &x.name_vi).into())),
                ),
                frame::col_f64("score", f(&|x| x.score)),
                frame::col_u32("rank", u(&|x| x.rank)),
                frame::col_u32("n_ranked", u(&|x| Some(x.n_ranked))),
                frame::col_u32("rank_region", u(&|x| x.rank_region)),
                frame::col_u32("n_region", u(&|x| Some(x.n_region))),
                frame::col_str("group", &s(&|x| gl(x.group))),
                frame::col_f64("band_min", f(&|x| x.band_min)),
                frame::col_f64("band_max", f(&|x| x.band_max)),
                frame::col_str("next_group", &s(&|x| gl(x.next_group))),
                frame::col_f64("next_group_min", f(&|x| x.next_group_min)),
                frame::col_f64("distance_next_group", f(&|x| x.distance_next_group)),
                frame::col_f64("best", f(&|x| x.best)),
                frame::col_str(
                    "best_province",
                    &s(&|x| {
                        x.best_province
                            .and_then(|c| reg.by_code(c))
                            .map(|p| lang.pick(&p.name_en, &p.name_vi).to_string())
                    }),
                ),
                frame::col_f64("distance_best", f(&|x| x.distance_best)),
                frame::col_f64("national_mean", f(&|x| x.national_mean)),
                frame::col_f64("national_median", f(&|x| x.national_median)),
                frame::col_f64("vs_median", f(&|x| x.vs_median)),
                frame::col_f64("previous_score", f(&|x| x.previous_score)),
                frame::col_f64("change_points", f(&|x| x.change_points)),
                frame::col_u32("previous_rank", u(&|x| x.previous_rank)),
                frame::col_u32("previous_n_ranked", u(&|x| x.previous_n_ranked)),
                Column::new(
                    "change_places".into(),
                    r.iter().map(|x| x.change_places).collect::<Vec<_>>(),
                ),
                Column::new(
                    "comparable_with_previous".into(),
                    r.iter()
                        .map(|x| x.comparable_with_previous)
                        .collect::<Vec<_>>(),
                ),
                frame::col_str("flag", &s(&flag)),
                // The baseline of the change columns is the previous year merged onto the 34 units
                // for a unit of several provinces (= `composition_changed`); null without a
                // previous year.
                Column::new(
                    "baseline_merged".into(),
                    r.iter()
                        .map(|_| self.previous_year.map(|_| self.composition_changed))
                        .collect::<Vec<_>>(),
                ),
            ],
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn dak_lak_2023() {
        let t = ScoreTable::from_published(2023).unwrap();
        let prev = ScoreTable::from_published(2022).unwrap();
        let pr = profile(&t, Some(&prev), 66, DEFAULT_MARGIN).unwrap();
        let tot = &pr.rows[0];
        assert_eq!(tot.code, "total");
        assert_eq!((tot.rank, tot.n_ranked), (Some(31), 61));
        assert_eq!((tot.rank_region, tot.n_region), (Some(1), 5));
        assert_eq!(tot.next_group, Some(Group::HighAverage));
        assert_eq!(format!("{:.4}", tot.change_points.unwrap()), "1.2042");
        assert_eq!((tot.previous_rank, tot.change_places), (Some(41), Some(10)));
        assert_eq!(tot.previous_n_ranked, Some(61));
        assert_eq!(
            tot.vs_median,
            Some(tot.score.unwrap() - tot.national_median.unwrap())
        );
        assert_eq!(tot.best_province, Some(46));
        // lowest score of High average (ranks 16-30 of 61) = the score ranked 30th
        let mut v: Vec<f64> = t.values[0].iter().flatten().copied().collect();
        v.sort_by(|a, b| b.total_cmp(a));
        assert_eq!(tot.next_group_min, Some(v[29]));
        assert_eq!(pr.frame(Lang::Vi).unwrap().height(), 1 + 8 + 28);
    }
}
