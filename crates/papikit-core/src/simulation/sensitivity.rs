//! Marginal value of each measure for one province: points of total and ranks gained per unit of
//! improvement (competitors fixed), and the nearest rank thresholds above.

use crate::error::Result;
use crate::frame;
use crate::lang::Lang;
use crate::rank::{Group, group_of_rank, rank_desc, rank_of};
use crate::scores::{Level, ScoreTable};
use crate::simulation::simulate::{EPSILON, Model};
use polars::prelude::*;

/// Marginal value of one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginalRow {
    pub measure: usize,
    pub code: String,
    pub level: Level,
    pub name_en: String,
    pub name_vi: String,
    pub current: f64,
    /// Best score on the measure among provinces that year.
    pub best: f64,
    pub max: f64,
    /// Units left before the range's maximum.
    pub headroom: f64,
    /// Points of total per unit.
    pub total_per_unit: f64,
    /// Rank after +1 unit (capped at the range), others fixed.
    pub rank_after_unit: u32,
    /// Ranks gained by +1 unit.
    pub ranks_per_unit: i64,
    /// Units needed on this measure alone to pass the next province above (None if the range does
    /// not allow it or the province is first).
    pub units_to_next_rank: Option<f64>,
}

/// A score to beat above the province.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// Province to pass.
    pub code: u16,
    pub score: f64,
    /// Rank reached when passing it.
    pub rank: u32,
    pub group: Option<Group>,
    /// Points of total needed (score - own + EPSILON).
    pub gain: f64,
}

/// Sensitivity of one province.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub province: u16,
    pub year: u16,
    pub total: f64,
    pub rank: u32,
    pub n_ranked: usize,
    pub rows: Vec<MarginalRow>,
    pub thresholds: Vec<Threshold>,
}

/// Marginal values of every non-total measure (or only those of `level`) and the `n_thresholds`
/// nearest provinces above, plus the entry score of every better group.
pub fn sensitivity(
    table: &ScoreTable,
    province: u16,
    level: Option<Level>,
    n_thresholds: usize,
) -> Result<Sensitivity> {
    let model = Model::new(table)?;
    let t = table;
    let p = t.province_index(province)?;
    let totals = &t.values[model.total];
    let own = totals[p].ok_or_else(|| model.no_data(p, "total"))?;
    let others: Vec<(usize, f64)> = totals
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != p)
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let other_scores: Vec<f64> = others.iter().map(|o| o.1).collect();
    let n = others.len() + 1;
    let rank = rank_of(own, &other_scores);
    // Provinces above, nearest first.
    let mut above: Vec<(usize, f64)> = others.iter().copied().filter(|o| o.1 > own).collect();
    above.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut thresholds = provinces_above(t, totals, &above, n_thresholds, own, n);
    add_group_entries(t, &others, &mut thresholds, own, rank, n);
    thresholds.sort_by(|a, b| a.gain.total_cmp(&b.gain));
    let base = Base {
        p,
        own,
        rank,
        next_gain: above.first().map(|a| a.1 - own + EPSILON),
        other_scores: &other_scores,
    };
    let rows = (0..t.measures.len())
        .filter(|&m| m != model.total)
        .filter(|&m| level.is_none_or(|l| t.measures[m].level == l))
        .filter_map(|m| t.values[m][p].map(|v| (m, v)))
        .map(|(m, current)| marginal_row(&model, &base, m, current))
        .collect::<Result<Vec<_>>>()?;
    Ok(Sensitivity {
        province,
        year: t.year,
        total: own,
        rank,
        n_ranked: n,
        rows,
        thresholds,
    })
}

/// The `n_thresholds` nearest provinces above (`above`, nearest first).
fn provinces_above(
    t: &ScoreTable,
    totals: &[Option<f64>],
    above: &[(usize, f64)],
    n_thresholds: usize,
    own: f64,
    n: usize,
) -> Vec<Threshold> {
    let ranks = rank_desc(totals);
    above
        .iter()
        .take(n_thresholds)
        .map(|&(i, s)| {
            let r = ranks[i].unwrap_or(0);
            Threshold {
                code: t.provinces[i],
                score: s,
                rank: r,
                group: group_of_rank(r, n),
                gain: s - own + EPSILON,
            }
        })
        .collect()
}

/// Entry into each better group: pass the province at that group's last rank (once per province).
fn add_group_entries(
    t: &ScoreTable,
    others: &[(usize, f64)],
    thresholds: &mut Vec<Threshold>,
    own: f64,
    rank: u32,
    n: usize,
) {
    let mut sorted: Vec<(usize, f64)> = others.to_vec();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    for g in Group::ALL {
        let (from, to) = g.rank_range(n);
        if to < from || (to as u32) >= rank {
            continue;
        }
        let (i, s) = sorted[to - 1];
        if !thresholds.iter().any(|th| th.code == t.provinces[i]) {
            thresholds.push(Threshold {
                code: t.provinces[i],
                score: s,
                rank: to as u32,
                group: Some(g),
                gain: s - own + EPSILON,
            });
        }
    }
}

/// Where the province stands, shared by every measure's marginal row.
struct Base<'a> {
    p: usize,
    own: f64,
    rank: u32,
    /// Points of total to pass the next province above.
    next_gain: Option<f64>,
    other_scores: &'a [f64],
}

/// Points of total and ranks one unit of measure `m` brings, and the units to the next rank.
fn marginal_row(model: &Model, base: &Base<'_>, m: usize, current: f64) -> Result<MarginalRow> {
    let t = model.table;
    let meas = &t.measures[m];
    let mut vals = t.values.clone();
    let d = model.apply(&mut vals, m, base.p, 1.0)?;
    let r1 = rank_of(base.own + d, base.other_scores);
    let a = model.total_per_unit(m);
    let headroom = meas.max - current;
    let units_to_next_rank = base
        .next_gain
        .map(|g| g / a)
        .filter(|u| *u <= headroom + 1e-12);
    Ok(MarginalRow {
        measure: m,
        code: meas.code.clone(),
        level: meas.level,
        name_en: meas.name_en.clone(),
        name_vi: meas.name_vi.clone(),
        current,
        best: model.best(m).unwrap_or(current),
        max: meas.max,
        headroom,
        total_per_unit: a,
        rank_after_unit: r1,
        ranks_per_unit: base.rank as i64 - r1 as i64,
        units_to_next_rank,
    })
}

impl Sensitivity {
    /// The marginal-value table.
    pub fn frame(&self, lang: Lang) -> Result<DataFrame> {
        let r = &self.rows;
        let f = |g: fn(&MarginalRow) -> f64| r.iter().map(|x| Some(g(x))).collect::<Vec<_>>();
        frame::build(
            r.len(),
            vec![
                frame::col_str(
                    "measure",
                    &r.iter().map(|x| Some(x.code.clone())).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "level",
                    &r.iter().map(|x| Some(x.level.as_str())).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "name",
                    &r.iter()
                        .map(|x| Some(lang.pick(&x.name_en, &x.name_vi).to_string()))
                        .collect::<Vec<_>>(),
                ),
                frame::col_f64("current", f(|x| x.current)),
                frame::col_f64("best", f(|x| x.best)),
                frame::col_f64("max", f(|x| x.max)),
                frame::col_f64("headroom", f(|x| x.headroom)),
                frame::col_f64("total_per_unit", f(|x| x.total_per_unit)),
                frame::col_u32(
                    "rank_after_unit",
                    r.iter().map(|x| Some(x.rank_after_unit)).collect(),
                ),
                Column::new(
                    "ranks_per_unit".into(),
                    r.iter().map(|x| x.ranks_per_unit).collect::<Vec<_>>(),
                ),
                frame::col_f64(
                    "units_to_next_rank",
                    r.iter().map(|x| x.units_to_next_rank).collect(),
                ),
            ],
        )
    }

    /// The thresholds above: province, score, rank reached, group, points of total needed.
    pub fn thresholds_frame(&self, lang: Lang) -> Result<DataFrame> {
        let th = &self.thresholds;
        let reg = crate::registry::registry()?;
        frame::build(
            th.len(),
            vec![
                Column::new(
                    "code".into(),
                    th.iter().map(|x| x.code as i32).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "name_vi",
                    &th.iter()
                        .map(|x| reg.by_code(x.code).map(|p| p.name_vi.clone()))
                        .collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "name_en",
                    &th.iter()
                        .map(|x| reg.by_code(x.code).map(|p| p.name_en.clone()))
                        .collect::<Vec<_>>(),
                ),
                frame::col_f64("score", th.iter().map(|x| Some(x.score)).collect()),
                frame::col_u32("rank_reached", th.iter().map(|x| Some(x.rank)).collect()),
                frame::col_str(
                    "group_reached",
                    &th.iter()
                        .map(|x| x.group.map(|g| g.label(lang)))
                        .collect::<Vec<_>>(),
                ),
                frame::col_f64("gain_needed", th.iter().map(|x| Some(x.gain)).collect()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulation::simulate::tests::toy_table;

    #[test]
    fn dak_lak_2023() {
        let t = ScoreTable::from_published(2023).unwrap();
        let s = sensitivity(&t, 66, None, 5).unwrap();
        assert_eq!(s.rank, 31);
        assert_eq!(s.rows.len(), 8);
        // +1 point on any dimension = +1 point of total; the rank after it is 1 + the number of
        // published totals above 43.32653 (computed here from the raw values).
        let above = t.values[0]
            .iter()
            .flatten()
            .filter(|&&v| v > s.total + 1.0)
            .count() as u32;
        for r in &s.rows {
            assert_eq!(r.total_per_unit, 1.0);
            assert_eq!(r.rank_after_unit, above + 1);
        }
        // nearest threshold: the province at rank 30
        let th = &s.thresholds[0];
        assert_eq!(th.rank, 30);
        assert!(th.gain > 0.0);
        assert!(s.thresholds.iter().any(|t| t.group == Some(Group::High)));
        assert_eq!(s.frame(Lang::Vi).unwrap().height(), 8);
        assert!(s.thresholds_frame(Lang::En).unwrap().height() >= 5);
    }

    #[test]
    fn indicator_rows() {
        let s = sensitivity(&toy_table(), 66, Some(Level::Indicator), 3).unwrap();
        assert_eq!(s.rows.len(), 2);
        assert!((s.rows[0].total_per_unit - 0.0225).abs() < 1e-15);
    }
}
