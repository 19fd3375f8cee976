//! Marginal value of each measure for one province: points of total and ranks gained per unit of
//! the measure and per unit of effort (competitors fixed), the probability of reaching the next
//! group gained by one unit of effort (when standard errors are known), and the nearest rank
//! thresholds above.
//!
//! A unit of effort on a measure is one standard deviation of that measure across provinces that
//! year ([`crate::simulation::effort`]): the axes then compare in one unit. Per measure unit, every
//! dimension of the published table is worth the same (one point of total); per unit of effort they
//! differ by their spread.

use crate::error::Result;
use crate::frame;
use crate::lang::Lang;
use crate::rank::{Group, group_of_rank, rank_desc, rank_of};
use crate::scores::{Level, ScoreTable};
use crate::simulation::effort::spread_scale;
use crate::simulation::montecarlo::{SeSpec, success_probability};
use crate::simulation::optimise::Target;
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
    /// Units of the measure per unit of effort: its standard deviation across provinces (None if
    /// fewer than two provinces or no spread).
    pub scale: Option<f64>,
    /// Points of total gained by one unit of effort (capped at the range).
    pub points_per_effort: Option<f64>,
    /// Rank after one unit of effort, others fixed.
    pub rank_after_effort: Option<u32>,
    /// Ranks gained by one unit of effort.
    pub ranks_per_effort: Option<i64>,
    /// Units of effort on this measure alone to pass the next province above.
    pub effort_to_next_rank: Option<f64>,
    /// P(reaching `Sensitivity::probability_target`) after one unit of effort minus before (Monte
    /// Carlo with the same draws; None without standard errors).
    pub probability_gain: Option<f64>,
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
    /// Target of `probability_gain` (the next better group; rank 1 from the top group).
    pub probability_target: Option<Target>,
    /// P(reaching it) with no change (None without standard errors).
    pub probability_now: Option<f64>,
}

/// Monte Carlo settings for the probability gained per unit of effort.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbabilityOptions {
    pub se: SeSpec,
    pub draws: usize,
    pub seed: u64,
}

/// Marginal values of every non-total measure (or only those of `level`) and the `n_thresholds`
/// nearest provinces above, plus the entry score of every better group.
pub fn sensitivity(
    table: &ScoreTable,
    province: u16,
    level: Option<Level>,
    n_thresholds: usize,
) -> Result<Sensitivity> {
    sensitivity_with(&Model::new(table)?, province, level, n_thresholds, None)
}

/// As [`sensitivity`] with an explicit model and, with `probability`, the probability of reaching
/// the next better group gained by one unit of effort on each measure.
pub fn sensitivity_with(
    model: &Model,
    province: u16,
    level: Option<Level>,
    n_thresholds: usize,
    probability: Option<&ProbabilityOptions>,
) -> Result<Sensitivity> {
    let t = model.table;
    if let Some(l) = level
        && !t.measures.iter().any(|m| m.level == l)
    {
        return Err(crate::error::PapiError::InvalidArgument {
            argument: "level".into(),
            message: format!(
                "{:?}: the table has no measures at this level (published scores go down to sub-dimensions); use a coarser level or a survey's score table",
                l.as_str()
            ),
        });
    }
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
        .map(|(m, current)| marginal_row(model, &base, m, current))
        .collect::<Result<Vec<_>>>()?;
    let mut out = Sensitivity {
        province,
        year: t.year,
        total: own,
        rank,
        n_ranked: n,
        rows,
        thresholds,
        probability_target: next_target(rank, n),
        probability_now: None,
    };
    if let (Some(opts), Some(target)) = (probability, out.probability_target) {
        let p = |gains: &[(String, f64)]| -> Result<Option<f64>> {
            Ok(success_probability(
                model, province, gains, target, &opts.se, opts.draws, opts.seed,
            )?
            .probability())
        };
        let now = p(&[])?;
        out.probability_now = now;
        for r in &mut out.rows {
            // Lower-is-better indicators (negative points per unit) are not raised.
            if let (Some(s), Some(now), true) = (r.scale, now, r.total_per_unit > 0.0) {
                r.probability_gain = p(&[(r.code.clone(), s)])?.map(|x| x - now);
            }
        }
    }
    Ok(out)
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

/// The next better group for a province at `rank` of `n` (rank 1 inside the top group; None at 1).
fn next_target(rank: u32, n: usize) -> Option<Target> {
    let better: Vec<Group> = Group::ALL
        .iter()
        .copied()
        .filter(|g| {
            let (from, to) = g.rank_range(n);
            to >= from && (to as u32) < rank
        })
        .collect();
    match better.last() {
        Some(g) => Some(Target::Group(*g)),
        None if rank > 1 => Some(Target::Rank(1)),
        None => None,
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
    let scale = spread_scale(t, m);
    let per_effort = match scale {
        Some(s) => {
            let mut v = t.values.clone();
            let d = model.apply(&mut v, m, base.p, s)?;
            Some((d, rank_of(base.own + d, base.other_scores)))
        }
        None => None,
    };
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
        scale,
        points_per_effort: per_effort.map(|x| x.0),
        rank_after_effort: per_effort.map(|x| x.1),
        ranks_per_effort: per_effort.map(|x| base.rank as i64 - x.1 as i64),
        effort_to_next_rank: units_to_next_rank.zip(scale).map(|(u, s)| u / s),
        probability_gain: None,
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
                frame::col_f64("scale", r.iter().map(|x| x.scale).collect()),
                frame::col_f64(
                    "points_per_effort",
                    r.iter().map(|x| x.points_per_effort).collect(),
                ),
                frame::col_u32(
                    "rank_after_effort",
                    r.iter().map(|x| x.rank_after_effort).collect(),
                ),
                Column::new(
                    "ranks_per_effort".into(),
                    r.iter().map(|x| x.ranks_per_effort).collect::<Vec<_>>(),
                ),
                frame::col_f64(
                    "effort_to_next_rank",
                    r.iter().map(|x| x.effort_to_next_rank).collect(),
                ),
                frame::col_f64(
                    "probability_gain",
                    r.iter().map(|x| x.probability_gain).collect(),
                ),
            ],
        )
    }

    /// The thresholds above: province_code, province_name, province_name_en, score, rank reached, group, points of total needed.
    pub fn thresholds_frame(&self, lang: Lang) -> Result<DataFrame> {
        let th = &self.thresholds;
        let reg = crate::registry::registry()?;
        let mut cols = crate::columns::province_columns(
            reg,
            &th.iter().map(|x| Some(x.code)).collect::<Vec<_>>(),
            true,
        );
        cols.extend([
            frame::col_f64("score", th.iter().map(|x| Some(x.score)).collect()),
            frame::col_u32("rank_reached", th.iter().map(|x| Some(x.rank)).collect()),
            frame::col_str(
                "group_reached",
                &th.iter()
                    .map(|x| x.group.map(|g| g.label(lang)))
                    .collect::<Vec<_>>(),
            ),
            frame::col_f64("gain_needed", th.iter().map(|x| Some(x.gain)).collect()),
        ]);
        frame::build(th.len(), cols)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulation::simulate::tests::toy_table;

    #[test]
    fn dak_lak_2023() {
        let t = ScoreTable::from_published(2023).unwrap();
        let s = sensitivity(&t, 66, Some(Level::Dimension), 5).unwrap();
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
    fn dak_lak_2024_rows_differ_per_effort() {
        // Per measure unit the eight dimensions are alike (1 point of total each); per unit of
        // effort (one SD across provinces) they differ, and d1 (widest spread) beats d3 (tightest).
        let t = ScoreTable::from_published(2024).unwrap();
        let m = Model::new(&t).unwrap();
        let opts = ProbabilityOptions {
            se: SeSpec::Total(0.5),
            draws: 4000,
            seed: 1,
        };
        let s = sensitivity_with(&m, 66, Some(Level::Dimension), 5, Some(&opts)).unwrap();
        assert_eq!(s.rows.len(), 8);
        assert!(s.rows.iter().all(|r| r.total_per_unit == 1.0));
        let pts: Vec<f64> = s
            .rows
            .iter()
            .map(|r| r.points_per_effort.unwrap())
            .collect();
        for (r, p) in s.rows.iter().zip(&pts) {
            assert!(
                (p - crate::simulation::effort::spread_scale(&t, r.measure).unwrap()).abs() < 1e-12
            );
        }
        let mut sorted = pts.clone();
        sorted.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        assert_eq!(sorted.len(), 8);
        let d1 = &s.rows[0];
        let d3 = &s.rows[2];
        assert!(d1.points_per_effort > d3.points_per_effort);
        assert!(d1.ranks_per_effort.unwrap() >= d3.ranks_per_effort.unwrap());
        assert!(d1.effort_to_next_rank.unwrap() < d3.effort_to_next_rank.unwrap());
        // Probability of the next group (High average) rises more per unit of effort on d1.
        assert_eq!(
            s.probability_target,
            Some(Target::Group(Group::HighAverage))
        );
        let now = s.probability_now.unwrap();
        assert!(now > 0.0 && now < 1.0);
        let g1 = d1.probability_gain.unwrap();
        let g3 = d3.probability_gain.unwrap();
        assert!(g1 > g3 && g3 >= 0.0, "{g1} {g3}");
        assert!(s.frame(Lang::En).unwrap().height() == 8);
        // Without SEs: no probability.
        let s = sensitivity(&t, 66, None, 5).unwrap();
        assert!(s.rows.iter().all(|r| r.probability_gain.is_none()));
    }

    #[test]
    fn indicator_rows() {
        let s = sensitivity(&toy_table(), 66, Some(Level::Indicator), 3).unwrap();
        assert_eq!(s.rows.len(), 2);
        assert!((s.rows[0].total_per_unit - 0.0225).abs() < 1e-15);
    }
}
