//! Gaps of one province to a reference, on every measure of a [`ScoreTable`] (total, dimensions
//! and, for survey results, sub-dimensions and indicators).
//!
//! **Sign**: `gap = reference - own`; a positive gap is the number of points the province is behind.
//!
//! **References** (`Against`):
//! * province references, chosen on the **total**, whose scores are then used on every measure:
//!   `Best` (highest total), `Group(g)` (the lowest total inside group `g`, i.e. the score that
//!   just gets a province into `g`), `TargetRank(k)` (the province at position `k` when totals are
//!   sorted descending; with ties its competition rank is <= k), `Region(Best)` (best regional
//!   peer, the province itself excluded). Because one province's scores are used everywhere, the
//!   dimension gaps add up to the total gap (up to the rounding of published totals, reported as
//!   `residual`).
//! * statistic references, computed per measure over a set of provinces with a score: `Mean`
//!   (all provinces, additive), `Median` (all provinces, **not** additive), `Region(Mean)` (regional
//!   peers, the province excluded), `Peers(list)` (mean of the listed provinces).
//! * `Year(table)`: the province's own scores in another year's table. A measure whose construction
//!   changed between the two years (see [`crate::analysis::trend::comparable`]) has a null gap and
//!   `comparable = false`; measures absent in one year (D7, D8 before 2018) are null.
//!
//! **Uncertainty** (when the table carries it):
//! * with replicate draws: the reference is recomputed in every replicate (province references are
//!   re-selected on the replicate totals), the difference `reference_r - own_r` is formed per
//!   replicate and its variance is `scale * sum_r (d_r - centre)^2`; the interval is
//!   `gap +/- z * se`;
//! * with standard errors only: a normal approximation treating the provinces' estimates as
//!   independent: the difference is a linear combination `sum_i c_i x_i` (the selected province,
//!   the mean's members with weight 1/n, the median's middle member(s)), `var = sum c_i^2 se_i^2`;
//! * `Year`: the two years are independent samples, `var = var_own(this year) + var_own(other)`.
//!
//! `significant` is true when the interval excludes zero.

use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use crate::rank::{Group, group_of_rank, rank_desc};
use crate::registry::registry;
use crate::scores::{DiffUncertainty, Level, Measure, Replicates, ScoreTable, z_for_level};
use polars::prelude::*;

/// Which regional statistic to compare with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionStat {
    Best,
    Mean,
}

/// The reference a province is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Against {
    Best,
    Median,
    Mean,
    Region(RegionStat),
    /// GSO codes of peer provinces (mean of the peers on every measure).
    Peers(Vec<u16>),
    Group(Group),
    TargetRank(u32),
    /// The province's own scores in another year's table.
    Year(Box<ScoreTable>),
}

/// One measure's gap.
#[derive(Debug, Clone, PartialEq)]
pub struct GapRow {
    pub code: String,
    pub level: Level,
    pub parent: Option<String>,
    pub name_en: String,
    pub name_vi: String,
    pub own: Option<f64>,
    pub reference: Option<f64>,
    pub gap: Option<f64>,
    /// gap / total gap (1 for the total; null when the total gap is 0 or unknown).
    pub share: Option<f64>,
    pub comparable: bool,
    pub uncertainty: Option<DiffUncertainty>,
}

/// Gaps of one province on every measure.
#[derive(Debug, Clone, PartialEq)]
pub struct GapResult {
    pub province: u16,
    pub year: u16,
    pub source: String,
    pub against_en: String,
    pub against_vi: String,
    /// The reference province when the reference is one province (chosen on the total).
    pub reference_province: Option<u16>,
    /// Do the dimension gaps add up to the total gap by construction?
    pub additive: bool,
    /// Total gap minus the sum of dimension gaps (rounding of published totals), when known.
    pub residual: Option<f64>,
    /// Total gap minus the sum of sub-dimension gaps (rounding of the published totals and
    /// sub-dimensions), when the table has sub-dimensions and every one of them has a gap.
    pub residual_subdimensions: Option<f64>,
    /// Confidence level of the intervals.
    pub level: f64,
    /// Total first, then each level ordered by gap (largest first).
    pub rows: Vec<GapRow>,
}

enum Resolved<'a> {
    Province(Selector),
    Stat { members: Vec<usize>, median: bool },
    Year(&'a ScoreTable),
}

#[derive(Clone)]
enum Selector {
    Best,
    Within(Vec<usize>),
    GroupLowest(Group),
    Position(u32),
}

/// What is missing, for `PapiError::NoData` ("total score", or "total score (survey)").
pub(crate) fn total_what(source: &str) -> String {
    if source == "published" {
        "total score".into()
    } else {
        format!("total score ({source})")
    }
}

/// Select the reference province on a score vector (full sample or one replicate).
fn select(sel: &Selector, scores: &[Option<f64>]) -> Result<Option<usize>> {
    let argmax = |idx: &mut dyn Iterator<Item = usize>| {
        let mut best: Option<(usize, f64)> = None;
        for i in idx {
            if let Some(v) = scores[i]
                && best.is_none_or(|(_, b)| v > b)
            {
                best = Some((i, v));
            }
        }
        best.map(|b| b.0)
    };
    Ok(match sel {
        Selector::Best => argmax(&mut (0..scores.len())),
        Selector::Within(members) => argmax(&mut members.iter().copied()),
        Selector::GroupLowest(g) => {
            let n = scores.iter().filter(|s| s.is_some()).count();
            let ranks = rank_desc(scores);
            let mut low: Option<(usize, f64)> = None;
            for (i, r) in ranks.iter().enumerate() {
                if let (Some(r), Some(v)) = (r, scores[i])
                    && group_of_rank(*r, n) == Some(*g)
                    && low.is_none_or(|(_, l)| v < l)
                {
                    low = Some((i, v));
                }
            }
            if low.is_none() {
                return Err(PapiError::InvalidArgument {
                    argument: "against".into(),
                    message: format!("group {:?} is empty when {n} provinces are ranked", g),
                });
            }
            low.map(|l| l.0)
        }
        Selector::Position(k) => {
            let mut idx: Vec<usize> = (0..scores.len()).filter(|&i| scores[i].is_some()).collect();
            let n = idx.len();
            if *k == 0 || *k as usize > n {
                return Err(PapiError::InvalidArgument {
                    argument: "against".into(),
                    message: format!("target rank {k} is outside 1..={n} (provinces ranked)"),
                });
            }
            idx.sort_by(|&a, &b| {
                scores[b]
                    .unwrap_or(f64::NAN)
                    .total_cmp(&scores[a].unwrap_or(f64::NAN))
                    .then(a.cmp(&b))
            });
            Some(idx[*k as usize - 1])
        }
    })
}

/// Mean or median over members with a value, plus the linear coefficients of the statistic (used
/// for the normal approximation).
fn stat(
    members: &[usize],
    values: &[Option<f64>],
    median: bool,
) -> Option<(f64, Vec<(usize, f64)>)> {
    let mut v: Vec<(usize, f64)> = members
        .iter()
        .filter_map(|&i| values[i].map(|x| (i, x)))
        .collect();
    if v.is_empty() {
        return None;
    }
    let n = v.len();
    if !median {
        let mean = v.iter().map(|x| x.1).sum::<f64>() / n as f64;
        return Some((mean, v.iter().map(|x| (x.0, 1.0 / n as f64)).collect()));
    }
    v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    if n % 2 == 1 {
        Some((v[n / 2].1, vec![(v[n / 2].0, 1.0)]))
    } else {
        let (a, b) = (v[n / 2 - 1], v[n / 2]);
        Some(((a.1 + b.1) / 2.0, vec![(a.0, 0.5), (b.0, 0.5)]))
    }
}

/// What every step of `gaps` needs: the table, the province (code and index), the total's index,
/// the normal quantile of the intervals and the replicates (when there are any).
struct Ctx<'a> {
    table: &'a ScoreTable,
    province: u16,
    p: usize,
    ti: usize,
    z: f64,
    reps: Option<&'a Replicates>,
}

/// Compute the gaps of `province` (GSO code) against a reference. `level` is the confidence level
/// of the intervals (e.g. 0.95).
pub fn gaps(table: &ScoreTable, province: u16, against: &Against, level: f64) -> Result<GapResult> {
    table.validate()?;
    let z = z_for_level(level)?;
    let (p, ti) = own_total(table, province)?;
    let cx = Ctx {
        table,
        province,
        p,
        ti,
        z,
        reps: table.replicates.as_ref().filter(|r| r.n() > 0),
    };
    let (resolved, label_en, label_vi) = resolve(&cx, against)?;
    let (selected, label_en, label_vi) = select_reference(&cx, &resolved, label_en, label_vi)?;
    let mut rows = table
        .measures
        .iter()
        .enumerate()
        .map(|(m, meas)| gap_row(&cx, &resolved, selected, m, meas))
        .collect::<Result<Vec<_>>>()?;
    keep_year_references(&cx, &resolved, &mut rows)?;
    let total_gap = add_shares(&mut rows, &table.measures[ti].code);
    let residual_subdimensions = residual_at(&rows, total_gap, Level::Subdimension);
    let residual = residual(&rows, total_gap);
    sort_rows(&mut rows);
    Ok(GapResult {
        province,
        year: table.year,
        source: table.source.clone(),
        against_en: label_en,
        against_vi: label_vi,
        reference_province: selected.map(|j| table.provinces[j]),
        additive: !matches!(resolved, Resolved::Stat { median: true, .. }),
        residual,
        residual_subdimensions,
        level,
        rows,
    })
}

/// Indices of the province and of the total; the province must have a total.
fn own_total(table: &ScoreTable, province: u16) -> Result<(usize, usize)> {
    let p = table.province_index(province)?;
    let ti = table.measure_index("total")?;
    if table.values[ti][p].is_none() {
        return Err(PapiError::NoData {
            province: crate::registry::name_vi(province),
            year: table.year,
            what: total_what(&table.source),
        });
    }
    Ok((p, ti))
}

/// The other provinces of the province's region.
fn region_peers(cx: &Ctx<'_>) -> Result<Vec<usize>> {
    let reg = registry()?;
    let rid = reg.by_code(cx.province).map(|x| x.region_id);
    Ok((0..cx.table.provinces.len())
        .filter(|&i| i != cx.p && reg.by_code(cx.table.provinces[i]).map(|x| x.region_id) == rid)
        .collect())
}

/// Indices of the peers (each must have a total; duplicates dropped).
fn peer_members(cx: &Ctx<'_>, codes: &[u16]) -> Result<Vec<usize>> {
    let table = cx.table;
    if codes.is_empty() {
        return Err(PapiError::InvalidArgument {
            argument: "against".into(),
            message: "the peer list is empty; give at least one province".into(),
        });
    }
    let mut members = Vec::new();
    for &c in codes {
        let i = table.province_index(c)?;
        if table.values[cx.ti][i].is_none() {
            return Err(PapiError::NoData {
                province: crate::registry::name_vi(c),
                year: table.year,
                what: format!("{} (peer)", total_what(&table.source)),
            });
        }
        if !members.contains(&i) {
            members.push(i);
        }
    }
    Ok(members)
}

/// The reference as members / a selector / another year, with its EN and VI labels.
fn resolve<'a>(cx: &Ctx<'_>, against: &'a Against) -> Result<(Resolved<'a>, String, String)> {
    let all = || (0..cx.table.provinces.len()).collect::<Vec<usize>>();
    let pname = crate::registry::name_vi(cx.province);
    let out = match against {
        Against::Best => (
            Resolved::Province(Selector::Best),
            "best province".to_string(),
            "tỉnh cao nhất".to_string(),
        ),
        Against::Median => (
            Resolved::Stat {
                members: all(),
                median: true,
            },
            "national median".into(),
            "trung vị toàn quốc".into(),
        ),
        Against::Mean => (
            Resolved::Stat {
                members: all(),
                median: false,
            },
            "national mean".into(),
            "trung bình toàn quốc".into(),
        ),
        Against::Region(RegionStat::Best) => (
            Resolved::Province(Selector::Within(region_peers(cx)?)),
            "best regional peer".into(),
            "tỉnh cao nhất trong vùng".into(),
        ),
        Against::Region(RegionStat::Mean) => (
            Resolved::Stat {
                members: region_peers(cx)?,
                median: false,
            },
            "mean of regional peers".into(),
            "trung bình các tỉnh cùng vùng".into(),
        ),
        Against::Peers(codes) => {
            let members = peer_members(cx, codes)?;
            let names: Vec<String> = codes.iter().map(|&c| crate::registry::name_vi(c)).collect();
            (
                Resolved::Stat {
                    members,
                    median: false,
                },
                format!("mean of peers ({})", names.join(", ")),
                format!("trung bình nhóm so sánh ({})", names.join(", ")),
            )
        }
        Against::Group(g) => (
            Resolved::Province(Selector::GroupLowest(*g)),
            format!("lowest total in group {:?}", g.label(Lang::En)),
            format!("điểm thấp nhất nhóm {:?}", g.label(Lang::Vi)),
        ),
        Against::TargetRank(k) => (
            Resolved::Province(Selector::Position(*k)),
            format!("province at rank {k}"),
            format!("tỉnh xếp hạng {k}"),
        ),
        Against::Year(other) => {
            other.validate()?;
            let op = other.province_index(cx.province)?;
            let oti = other.measure_index("total")?;
            if other.values[oti][op].is_none() {
                return Err(PapiError::NoData {
                    province: pname,
                    year: other.year,
                    what: total_what(&other.source),
                });
            }
            (
                Resolved::Year(other),
                format!("{} {}", crate::registry::name_en(cx.province), other.year),
                format!("{} năm {}", pname, other.year),
            )
        }
    };
    if let Resolved::Stat { members, .. } = &out.0
        && members.is_empty()
    {
        return Err(PapiError::InvalidArgument {
            argument: "against".into(),
            message: format!("no peer province to compare {pname} with"),
        });
    }
    Ok(out)
}

/// The reference province of a province reference (on the full-sample totals), named in the labels.
fn select_reference(
    cx: &Ctx<'_>,
    resolved: &Resolved<'_>,
    label_en: String,
    label_vi: String,
) -> Result<(Option<usize>, String, String)> {
    let Resolved::Province(sel) = resolved else {
        return Ok((None, label_en, label_vi));
    };
    let table = cx.table;
    let j = select(sel, &table.values[cx.ti])?.ok_or_else(|| PapiError::InvalidArgument {
        argument: "against".into(),
        message: format!(
            "no reference province with a total for {}",
            crate::registry::name_vi(cx.province)
        ),
    })?;
    let code = table.provinces[j];
    Ok((
        Some(j),
        format!("{label_en}: {}", crate::registry::name_en(code)),
        format!("{label_vi}: {}", crate::registry::name_vi(code)),
    ))
}

/// One measure's row: own score, reference, gap and its uncertainty (share filled in later).
fn gap_row(
    cx: &Ctx<'_>,
    resolved: &Resolved<'_>,
    selected: Option<usize>,
    m: usize,
    meas: &Measure,
) -> Result<GapRow> {
    let own = cx.table.values[m][cx.p];
    let (reference, uncertainty, comparable) = match resolved {
        Resolved::Province(sel) => {
            let (r, u) = province_reference(cx, sel, selected.unwrap_or(cx.p), m, own);
            (r, u, true)
        }
        Resolved::Stat { members, median } => {
            let (r, u) = stat_reference(cx, members, *median, m, own);
            (r, u, true)
        }
        Resolved::Year(other) => year_reference(cx, other, m, meas, own)?,
    };
    let gap = match (own, reference) {
        (Some(o), Some(r)) => Some(r - o),
        _ => None,
    };
    Ok(GapRow {
        code: meas.code.clone(),
        level: meas.level,
        parent: meas.parent.clone(),
        name_en: meas.name_en.clone(),
        name_vi: meas.name_vi.clone(),
        own,
        reference,
        gap,
        share: None,
        comparable,
        uncertainty,
    })
}

/// Reference = province `j`'s score; with replicates the province is re-selected in each one.
fn province_reference(
    cx: &Ctx<'_>,
    sel: &Selector,
    j: usize,
    m: usize,
    own: Option<f64>,
) -> (Option<f64>, Option<DiffUncertainty>) {
    let (table, p, z) = (cx.table, cx.p, cx.z);
    let reference = table.values[m][j];
    let unc = match (own, reference) {
        (Some(o), Some(r)) => {
            let gap = r - o;
            if let Some(reps) = cx.reps {
                let d: Vec<Option<f64>> = (0..reps.n())
                    .map(|r| {
                        let tot = table.replicate_values(cx.ti, r)?;
                        let vals = table.replicate_values(m, r)?;
                        let jr = select(sel, &tot).ok()??;
                        Some(vals[jr]? - vals[p]?)
                    })
                    .collect();
                reps.variance(&d, gap)
                    .map(|v| DiffUncertainty::normal(gap, v.sqrt(), z, "replicates"))
            } else if j == p {
                table
                    .se_at(m, p)
                    .map(|_| DiffUncertainty::normal(gap, 0.0, z, "se"))
            } else {
                match (table.se_at(m, p), table.se_at(m, j)) {
                    (Some(a), Some(b)) => Some(DiffUncertainty::normal(
                        gap,
                        (a * a + b * b).sqrt(),
                        z,
                        "se",
                    )),
                    _ => None,
                }
            }
        }
        _ => None,
    };
    (reference, unc)
}

/// Reference = mean / median of `members`; SE from replicates or the linear coefficients.
fn stat_reference(
    cx: &Ctx<'_>,
    members: &[usize],
    median: bool,
    m: usize,
    own: Option<f64>,
) -> (Option<f64>, Option<DiffUncertainty>) {
    let (table, p, z) = (cx.table, cx.p, cx.z);
    let st = stat(members, &table.values[m], median);
    let reference = st.as_ref().map(|s| s.0);
    let unc = match (own, &st) {
        (Some(o), Some((r, coef))) => {
            let gap = r - o;
            if let Some(reps) = cx.reps {
                let d: Vec<Option<f64>> = (0..reps.n())
                    .map(|r| {
                        let vals = table.replicate_values(m, r)?;
                        let (s, _) = stat(members, &vals, median)?;
                        Some(s - vals[p]?)
                    })
                    .collect();
                reps.variance(&d, gap)
                    .map(|v| DiffUncertainty::normal(gap, v.sqrt(), z, "replicates"))
            } else {
                let mut c: Vec<(usize, f64)> = coef.clone();
                match c.iter_mut().find(|x| x.0 == p) {
                    Some(x) => x.1 -= 1.0,
                    None => c.push((p, -1.0)),
                }
                c.iter()
                    .filter(|x| x.1 != 0.0)
                    .map(|&(i, w)| table.se_at(m, i).map(|s| w * w * s * s))
                    .sum::<Option<f64>>()
                    .map(|v| DiffUncertainty::normal(gap, v.sqrt(), z, "se"))
            }
        }
        _ => None,
    };
    (reference, unc)
}

/// Reference = the province's own score in the other year; null (not comparable) across a
/// structural break of the measure.
fn year_reference(
    cx: &Ctx<'_>,
    other: &ScoreTable,
    m: usize,
    meas: &Measure,
    own: Option<f64>,
) -> Result<(Option<f64>, Option<DiffUncertainty>, bool)> {
    let (table, p) = (cx.table, cx.p);
    let om = other.measure_index(&meas.code).ok();
    let op = other.province_index(cx.province)?;
    let reference = om.and_then(|om| other.values[om][op]);
    let (a, b) = (table.year.min(other.year), table.year.max(other.year));
    let comparable = om.is_some()
        && (a + 1..=b).all(|y| crate::analysis::trend::comparable(&meas.code, y).unwrap_or(false));
    let unc = match (own, reference, om) {
        (Some(o), Some(r), Some(om)) if comparable => {
            match (table.variance_at(m, p), other.variance_at(om, op)) {
                (Some(v1), Some(v2)) => {
                    let method = if table.has_replicates() && other.has_replicates() {
                        "replicates"
                    } else {
                        "se"
                    };
                    Some(DiffUncertainty::normal(
                        r - o,
                        (v1 + v2).sqrt(),
                        cx.z,
                        method,
                    ))
                }
                _ => None,
            }
        }
        _ => None,
    };
    Ok((reference.filter(|_| comparable), unc, comparable))
}

/// Reference values of a non-comparable Year row are kept for display (their gap stays null).
fn keep_year_references(cx: &Ctx<'_>, resolved: &Resolved<'_>, rows: &mut [GapRow]) -> Result<()> {
    if let Resolved::Year(other) = resolved {
        let op = other.province_index(cx.province)?;
        for r in rows.iter_mut().filter(|r| !r.comparable) {
            r.reference = other
                .measure_index(&r.code)
                .ok()
                .and_then(|om| other.values[om][op]);
        }
    }
    Ok(())
}

/// Each row's share of the total gap; returns the total gap.
fn add_shares(rows: &mut [GapRow], total_code: &str) -> Option<f64> {
    let total_gap = rows
        .iter()
        .find(|r| r.code == total_code)
        .and_then(|r| r.gap);
    for r in rows.iter_mut() {
        r.share = match (r.gap, total_gap) {
            (Some(g), Some(t)) if t != 0.0 => Some(g / t),
            _ => None,
        };
    }
    total_gap
}

/// Total gap minus the sum of the dimension gaps (None without dimensions or with a null gap).
fn residual(rows: &[GapRow], total_gap: Option<f64>) -> Option<f64> {
    residual_at(rows, total_gap, Level::Dimension)
}

/// Total gap minus the sum of the gaps of `level` (None without such rows or with a null gap).
fn residual_at(rows: &[GapRow], total_gap: Option<f64>, level: Level) -> Option<f64> {
    let d: Vec<&GapRow> = rows.iter().filter(|r| r.level == level).collect();
    let dim_gaps = if d.is_empty() {
        None
    } else {
        d.iter().map(|r| r.gap).sum::<Option<f64>>()
    };
    match (total_gap, dim_gaps) {
        (Some(t), Some(s)) => Some(t - s),
        _ => None,
    }
}

/// Total first, then each level ordered by gap (largest first, nulls last).
fn sort_rows(rows: &mut [GapRow]) {
    rows.sort_by(|a, b| {
        a.level.cmp(&b.level).then_with(|| match (a.gap, b.gap) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    });
}

impl GapResult {
    /// The gap table: measure, level, parent, name, own, reference, gap, share_of_total_gap,
    /// comparable, se, ci_low, ci_high, significant.
    pub fn frame(&self, lang: Lang) -> Result<DataFrame> {
        let r = &self.rows;
        let s = |f: &dyn Fn(&GapRow) -> Option<String>| r.iter().map(f).collect::<Vec<_>>();
        let f = |f: &dyn Fn(&GapRow) -> Option<f64>| r.iter().map(f).collect::<Vec<_>>();
        frame::build(
            r.len(),
            vec![
                frame::col_str("measure", &s(&|x| Some(x.code.clone()))),
                frame::col_str("level", &s(&|x| Some(x.level.as_str().to_string()))),
                frame::col_str("parent", &s(&|x| x.parent.clone())),
                frame::col_str(
                    "name",
                    &s(&|x| Some(lang.pick(&x.name_en, &x.name_vi).to_string())),
                ),
                frame::col_f64("own", f(&|x| x.own)),
                frame::col_f64("reference", f(&|x| x.reference)),
                frame::col_f64("gap", f(&|x| x.gap)),
                frame::col_f64("share_of_total_gap", f(&|x| x.share)),
                Column::new(
                    "comparable".into(),
                    r.iter().map(|x| x.comparable).collect::<Vec<_>>(),
                ),
                frame::col_f64("se", f(&|x| x.uncertainty.map(|u| u.se))),
                frame::col_f64("ci_low", f(&|x| x.uncertainty.map(|u| u.lo))),
                frame::col_f64("ci_high", f(&|x| x.uncertainty.map(|u| u.hi))),
                Column::new(
                    "significant".into(),
                    r.iter()
                        .map(|x| x.uncertainty.map(|u| u.significant))
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
    use crate::scores::{Measure, Replicates};
    use ndarray::Array2;

    fn row<'a>(g: &'a GapResult, code: &str) -> &'a GapRow {
        g.rows.iter().find(|r| r.code == code).unwrap()
    }

    #[test]
    fn dak_lak_2023_gap_to_best_is_tth() {
        // Expected numbers: papi_panel_2011_2024.csv, 2023 rows of Thừa Thiên Huế (46) and Đắk Lắk
        // (66): totals 46.041542 and 42.32653.
        let t = ScoreTable::from_published(2023).unwrap();
        let g = gaps(&t, 66, &Against::Best, 0.95).unwrap();
        assert_eq!(g.reference_province, Some(46));
        let tot = row(&g, "total");
        assert_eq!(format!("{:.4}", tot.gap.unwrap()), "3.7150");
        let dims: f64 = g
            .rows
            .iter()
            .filter(|r| r.level == Level::Dimension)
            .map(|r| r.gap.unwrap())
            .sum();
        assert!((dims + g.residual.unwrap() - tot.gap.unwrap()).abs() < 1e-12);
        assert!(g.residual.unwrap().abs() < 5e-4);
        assert!(tot.uncertainty.is_none());
        // ordered by contribution
        let d: Vec<f64> = g
            .rows
            .iter()
            .filter(|r| r.level == Level::Dimension)
            .map(|r| r.gap.unwrap())
            .collect();
        assert!(d.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn errors_name_the_culprit() {
        let t = ScoreTable::from_published(2023).unwrap();
        let e = gaps(&t, 22, &Against::Best, 0.95).unwrap_err();
        assert!(
            matches!(&e, PapiError::NoData { province, year: 2023, .. } if province == "Quảng Ninh"),
            "{e}"
        );
        let e = gaps(&t, 66, &Against::Peers(vec![]), 0.95).unwrap_err();
        assert!(matches!(e, PapiError::InvalidArgument { .. }));
        let e = gaps(&t, 66, &Against::Peers(vec![22]), 0.95).unwrap_err();
        assert!(e.to_string().contains("Quảng Ninh"), "{e}");
        assert!(gaps(&t, 66, &Against::TargetRank(62), 0.95).is_err());
    }

    /// A hand-built table: 4 provinces (codes 62, 64, 66, 67: all Central Highlands), measures
    /// total + d1 + d2.
    fn toy(se: bool, reps: bool) -> ScoreTable {
        let m = |code: &str, level, parent: Option<&str>| {
            Measure::named(code, level, parent, 0.0, 20.0)
        };
        let d1 = [5.0, 6.0, 4.0, 7.0];
        let d2 = [5.0, 5.5, 5.0, 4.0];
        let tot: Vec<f64> = d1.iter().zip(d2).map(|(a, b)| a + b).collect();
        let vals = vec![
            tot.iter().map(|&x| Some(x)).collect(),
            d1.iter().map(|&x| Some(x)).collect(),
            d2.iter().map(|&x| Some(x)).collect(),
        ];
        let replicates = reps.then(|| {
            // two replicates: +delta and -delta around the estimates (jackknife-like scale 1/2)
            let delta = [[0.2, -0.1, 0.3, 0.0], [0.1, 0.1, -0.2, 0.1]];
            let mk = |base: &[f64], k: usize| {
                let mut a = Array2::<f64>::zeros((2, 4));
                for p in 0..4 {
                    a[[0, p]] = base[p] + delta[k][p];
                    a[[1, p]] = base[p] - delta[k][p];
                }
                a
            };
            let a1 = mk(&d1, 0);
            let a2 = mk(&d2, 1);
            let at = &a1 + &a2;
            Replicates {
                draws: vec![at, a1, a2],
                scale: 0.5,
                centre_full: true,
                method: "supplied".into(),
            }
        });
        ScoreTable {
            year: 2030,
            source: "survey".into(),
            provinces: vec![62, 64, 66, 67],
            measures: vec![
                m("total", Level::Total, None),
                m("d1", Level::Dimension, Some("total")),
                m("d2", Level::Dimension, Some("total")),
            ],
            values: vals,
            se: se.then(|| vec![vec![Some(0.3), Some(0.4), Some(0.5), Some(0.2)]; 3]),
            replicates,
        }
    }

    #[test]
    fn se_path_normal_approximation() {
        let t = toy(true, false);
        // Best total: province 64 (11.5) vs own 66 (9.0): gap 2.5, se sqrt(0.5^2 + 0.4^2)
        let g = gaps(&t, 66, &Against::Best, 0.95).unwrap();
        let u = row(&g, "total").uncertainty.unwrap();
        let se = (0.25f64 + 0.16).sqrt();
        assert!((u.se - se).abs() < 1e-12);
        assert!((u.lo - (2.5 - 1.959963984540054 * se)).abs() < 1e-9);
        assert!(u.significant);
        // d2 gap to province 64: 5.5 - 5 = 0.5 < 1.96 * 0.64 -> not significant
        let u = row(&g, "d2").uncertainty.unwrap();
        assert!(!u.significant);
        // Mean of all four includes own: c_own = 1/4 - 1, others 1/4
        let g = gaps(&t, 66, &Against::Mean, 0.95).unwrap();
        let v = (0.75f64 * 0.75) * 0.25 + 0.0625 * (0.09 + 0.16 + 0.04);
        assert!((row(&g, "total").uncertainty.unwrap().se - v.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn replicate_path_uses_replicate_differences() {
        let t = toy(false, true);
        let g = gaps(&t, 66, &Against::Best, 0.95).unwrap();
        // full sample: best total is 64 (6 + 5.5 = 11.5), own 66 = 9.0, gap 2.5
        // replicate 0: totals 62: 10.3, 64: 11.5, 66: 9.1, 67: 11.1 -> best 64, d = 2.4
        // replicate 1: totals 62: 9.7, 64: 11.5, 66: 8.9, 67: 10.9 -> best 64, d = 2.6
        let tot = row(&g, "total");
        assert_eq!(g.reference_province, Some(64));
        assert!((tot.gap.unwrap() - 2.5).abs() < 1e-12);
        let u = tot.uncertainty.unwrap();
        assert_eq!(u.method, "replicates");
        // var = 0.5 * (0.1^2 + 0.1^2) = 0.01 -> se 0.1
        assert!((u.se - 0.1).abs() < 1e-12);
        // d1: 64 vs 66: reps d = (6-0.1)-(4+0.3)=1.6, (6+0.1)-(4-0.3)=2.4; gap 2 -> var 0.5*(0.16+0.16)
        let u = row(&g, "d1").uncertainty.unwrap();
        assert!((u.se - (0.5f64 * 0.32).sqrt()).abs() < 1e-12);
        assert!(u.significant);
        // Year comparison of two independent survey tables
        let mut prev = toy(false, true);
        prev.year = 2029;
        let g = gaps(&t, 66, &Against::Year(Box::new(prev)), 0.95).unwrap();
        assert!(row(&g, "d1").gap.unwrap().abs() < 1e-12);
        let u = row(&g, "d1").uncertainty.unwrap();
        assert!(!u.significant);
        assert!((u.se - (2.0 * 0.5 * 2.0 * 0.09f64).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn year_reference_respects_breaks() {
        let t = ScoreTable::from_published(2018).unwrap();
        let p = ScoreTable::from_published(2017).unwrap();
        let g = gaps(&t, 66, &Against::Year(Box::new(p)), 0.95).unwrap();
        assert!(row(&g, "d7").gap.is_none() && !row(&g, "d7").comparable);
        assert!(row(&g, "d2").gap.is_none() && !row(&g, "d2").comparable);
        assert!(row(&g, "total").gap.is_none());
        assert!(row(&g, "d4").gap.is_some() && row(&g, "d4").comparable);
    }

    /// Published 2023, Đắk Lắk against the best (Thừa Thiên Huế): total gap = sum of the dimension
    /// gaps + residual = sum of the sub-dimension gaps + residual_subdimensions; each dimension's gap
    /// is the sum of its sub-dimensions' gaps within the source's 2e-6 per province (x2 for a
    /// difference); a sub-dimension gap is the difference of the two published values.
    #[test]
    fn subdimension_gaps_add_up() {
        let t = ScoreTable::from_published(2023).unwrap();
        let g = gaps(&t, 66, &Against::Best, 0.95).unwrap();
        let total = row(&g, "total").gap.unwrap();
        let sum = |level: Level| -> f64 {
            g.rows
                .iter()
                .filter(|r| r.level == level)
                .map(|r| r.gap.unwrap())
                .sum()
        };
        let (rd, rs) = (g.residual.unwrap(), g.residual_subdimensions.unwrap());
        assert!((sum(Level::Dimension) + rd - total).abs() < 1e-12);
        assert!((sum(Level::Subdimension) + rs - total).abs() < 1e-12);
        assert!(rd.abs() < 1e-5 && rs.abs() < 2e-5, "{rd} {rs}");
        for d in g.rows.iter().filter(|r| r.level == Level::Dimension) {
            let s: f64 = g
                .rows
                .iter()
                .filter(|r| r.parent.as_deref() == Some(d.code.as_str()))
                .map(|r| r.gap.unwrap())
                .sum();
            assert!((s - d.gap.unwrap()).abs() <= 4e-6 + 1e-12, "{}", d.code);
        }
        let v = |p: u16| {
            crate::subdimension_scores::value(p, 2023, "public_primary_education")
                .unwrap()
                .unwrap()
        };
        assert_eq!(row(&g, "public_primary_education").gap, Some(v(46) - v(66)));
        // the dimension-only table has no sub-dimension residual
        let td = ScoreTable::from_published_dimensions(2023).unwrap();
        assert!(
            gaps(&td, 66, &Against::Best, 0.95)
                .unwrap()
                .residual_subdimensions
                .is_none()
        );
    }
}
