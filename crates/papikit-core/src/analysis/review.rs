//! The yearly plan review on published results: what changed from `year - 1` to `year` on every
//! measure (total, dimensions, sub-dimensions), which departments' axes moved, whether the goal
//! was met, and **why the rank moved**.
//!
//! **Rank-change decomposition** (exact, an identity): a province's rank is 1 + the number of
//! provinces scored strictly higher. Between two years the places it lost are therefore
//! `entrants above + stayers that overtook it - leavers that were above - stayers it overtook`,
//! where *entrants* are provinces ranked this year but not last year, *leavers* the reverse, and
//! *stayers* are ranked both years. `Review::moves` lists every province in these four sets, so the
//! decomposition adds up to the places lost or won, province by province.
//!
//! Sub-dimension changes come from the published sub-dimension scores (`subdimension_scores`);
//! they add up to the dimension change, and the dimension changes to the total change, within the
//! rounding of the published values. The agency view credits each sub-dimension's change to every
//! agency assigned to it (or to its whole dimension); shared responsibility means agencies' sums
//! are not additive across agencies.

use crate::analysis::agency::AgencyTable;
use crate::analysis::trend::comparable;
use crate::error::{PapiError, Result};
use crate::frame;
use crate::framework::builtin;
use crate::labels;
use crate::lang::Lang;
use crate::published::{self, DIMENSION_COLUMNS, PublishedRow, n_dimensions};
use crate::rank::{Group, group_of_rank, rank_desc};
use crate::registry::registry;
use crate::scores::Level;
use crate::subdimension_scores;
use polars::prelude::*;
use std::collections::BTreeMap;

/// What the plan aimed at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// Improve the rank over the previous year (the default of provincial plans).
    ImproveRank,
    /// Rank `k` or better.
    Rank(u32),
    /// This performance group or better.
    Group(Group),
    /// A total score of at least this much.
    Score(f64),
}

impl Goal {
    /// Was the goal met, given the two years' rank and total?
    fn met(self, before: &Standing, after: &Standing) -> bool {
        match self {
            Goal::ImproveRank => after.rank < before.rank,
            Goal::Rank(k) => after.rank <= k,
            Goal::Group(g) => after.group.is_some_and(|a| a.index() <= g.index()),
            Goal::Score(x) => after.total >= x,
        }
    }

    /// The goal in words (texts from the label table).
    pub fn describe(self, before: &Standing, lang: Lang) -> String {
        let (key, args) = match self {
            Goal::ImproveRank => (
                "review.goal_improve",
                vec![("rank", before.rank.to_string())],
            ),
            Goal::Rank(k) => ("review.goal_rank", vec![("rank", k.to_string())]),
            Goal::Group(g) => (
                "review.goal_group",
                vec![("group", g.label(lang).to_string())],
            ),
            Goal::Score(x) => (
                "review.goal_score",
                vec![("score", crate::lang::format_number(x, 4, lang))],
            ),
        };
        labels::format(key, lang, &args).unwrap_or_else(|_| key.to_string())
    }
}

/// A province's total, rank and group in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub year: u16,
    pub total: f64,
    pub rank: u32,
    pub n_ranked: u32,
    pub group: Option<Group>,
}

/// One measure's change between the two years.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureChange {
    pub level: Level,
    /// "total", "d1".."d8" or the sub-dimension code.
    pub code: String,
    /// "6.1" for sub-dimensions, "D6" for dimensions, "" for the total.
    pub number: String,
    pub parent: Option<String>,
    pub name_en: String,
    pub name_vi: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// Rank among provinces on this measure (descending), each year.
    pub rank_before: Option<u32>,
    pub rank_after: Option<u32>,
    pub n_before: u32,
    pub n_after: u32,
    /// Comparable with the previous year (PAPI's comparability rule; sub-dimensions: the same
    /// sub-dimension exists in both years and its dimension is comparable).
    pub comparable: bool,
    /// Agencies assigned to it (lead first).
    pub agencies: Vec<String>,
}

impl MeasureChange {
    /// Change in points (`None` when either year is missing).
    pub fn change(&self) -> Option<f64> {
        Some(self.after? - self.before?)
    }
}

/// How one other province moved the reviewed province's rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MoveKind {
    /// Ranked this year, not last year, and above: costs a place.
    EnteredAbove,
    /// Below last year, above this year: costs a place.
    Overtook,
    /// Above last year, not ranked this year: wins a place.
    LeftFromAbove,
    /// Above last year, below this year: wins a place.
    Overtaken,
}

impl MoveKind {
    /// Places this move costs (+1 = one place lower).
    pub fn places(self) -> i32 {
        match self {
            MoveKind::EnteredAbove | MoveKind::Overtook => 1,
            MoveKind::LeftFromAbove | MoveKind::Overtaken => -1,
        }
    }

    fn key(self) -> &'static str {
        match self {
            MoveKind::EnteredAbove => "review.move_entered",
            MoveKind::Overtook => "review.move_overtook",
            MoveKind::LeftFromAbove => "review.move_left",
            MoveKind::Overtaken => "review.move_overtaken",
        }
    }
}

/// One province in the rank-change decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct RankMove {
    pub province: u16,
    pub kind: MoveKind,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// The review of one province's year.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub province: u16,
    pub before: Standing,
    pub after: Standing,
    pub goal: Goal,
    pub goal_met: bool,
    /// The total is comparable with the previous year.
    pub comparable: bool,
    /// Total, then dimensions, then sub-dimensions (framework order).
    pub measures: Vec<MeasureChange>,
    /// Every province that moved the rank, by kind then by this year's score.
    pub moves: Vec<RankMove>,
    /// Agency codes with the sub-dimension changes credited to them (code, name_en, name_vi,
    /// sub-dimension codes, lead sub-dimension codes).
    pub agencies: Vec<AgencyShare>,
    /// The review crosses the 2025 merger: the previous year is the 63-province results merged
    /// onto the 34 units (`analysis::era`, GSO 2022 population weights), and ranks (before and
    /// after) are among the units scored in both years.
    pub across_merger: bool,
    /// The unit combines several provinces of the previous year (its baseline is their
    /// population-weighted mean): "composition changed". Only across the merger.
    pub composition_changed: bool,
    /// Across the merger: the members of the unit (GSO codes) and their normalised weights in the
    /// baseline (sum 1). Empty otherwise.
    pub weights: Vec<(u16, f64)>,
}

/// The change of the sub-dimensions one agency is assigned to.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyShare {
    pub code: String,
    pub name_en: String,
    pub name_vi: String,
    pub subdimensions: Vec<String>,
    pub lead: Vec<String>,
    /// Sum of the changes of its sub-dimensions (points of the total).
    pub change: f64,
}

fn standing(row: &PublishedRow, province: u16) -> Result<Standing> {
    match (row.total, row.rank) {
        (Some(total), Some(rank)) => Ok(Standing {
            year: row.year,
            total,
            rank,
            n_ranked: row.n_ranked,
            group: group_of_rank(rank, row.n_ranked as usize),
        }),
        _ => Err(PapiError::NoData {
            province: crate::registry::name_vi(province),
            year: row.year,
            what: "total score".into(),
        }),
    }
}

/// The two years' rows, the province's standings and whether the review crosses the merger.
type Standings = (
    Vec<PublishedRow>,
    Vec<PublishedRow>,
    Standing,
    Standing,
    bool,
);

/// Step 1: the two years' rows and the province's standings.
fn standings(province: u16, year: i64) -> Result<Standings> {
    let y = published::check_year(year)?;
    if y <= published::FIRST_YEAR {
        return Err(PapiError::InvalidArgument {
            argument: "year".into(),
            message: format!(
                "{y} is the first published year; a review needs the previous year too (use {}-{})",
                published::FIRST_YEAR + 1,
                published::LAST_YEAR
            ),
        });
    }
    let across = crate::analysis::era::crosses_merger(i64::from(y), i64::from(y) - 1);
    let (prev, now): (Vec<PublishedRow>, Vec<PublishedRow>) = if across {
        merged_rows(y)?
    } else {
        (
            published::year_rows(i64::from(y) - 1)?
                .into_iter()
                .cloned()
                .collect(),
            published::year_rows(i64::from(y))?
                .into_iter()
                .cloned()
                .collect(),
        )
    };
    let pick = |rows: &[PublishedRow], year: u16| -> Result<Standing> {
        let row = rows
            .iter()
            .find(|r| r.code == province)
            .ok_or_else(|| PapiError::NoData {
                province: crate::registry::name_vi(province),
                year,
                what: "scores".into(),
            })?;
        standing(row, province)
    };
    let (before, after) = (pick(&prev, y - 1)?, pick(&now, y)?);
    Ok((prev, now, before, after, across))
}

/// Across the merger (`year` on the 34 units, `year - 1` on the 63 provinces): the previous year
/// merged onto the 34 units (`era::merged_table`), both years restricted to the units with a total
/// in both and ranked among them.
fn merged_rows(y: u16) -> Result<(Vec<PublishedRow>, Vec<PublishedRow>)> {
    use crate::loaded::era_of;
    use crate::registry::Era;
    if era_of(i64::from(y)) != Era::Units34 || era_of(i64::from(y) - 1) != Era::Provinces63 {
        return Err(PapiError::InvalidArgument {
            argument: "year".into(),
            message: format!(
                "{y} and {} are on different units and {y} is not on the 34 units of 2025; the review compares the same units (or a 34-unit year with the previous year merged onto the 34 units)",
                y - 1
            ),
        });
    }
    let t = crate::analysis::era::merged_table(i64::from(y) - 1)?;
    let col = |code: &str| t.measure_index(code).ok();
    let prev: Vec<PublishedRow> = t
        .provinces
        .iter()
        .enumerate()
        .map(|(j, &code)| {
            let mut dims = [None; 8];
            for (k, d) in DIMENSION_COLUMNS.iter().enumerate() {
                dims[k] = col(d).and_then(|i| t.values[i][j]);
            }
            PublishedRow {
                year: y - 1,
                code,
                dims,
                total: col("total").and_then(|i| t.values[i][j]),
                rank: None,
                n_ranked: 0,
                status: "merged".into(),
            }
        })
        .collect();
    let now: Vec<PublishedRow> = published::year_rows(i64::from(y))?
        .into_iter()
        .cloned()
        .collect();
    let scored = |rows: &[PublishedRow], code: u16| {
        rows.iter()
            .any(|r| r.code == code && r.total.is_some() && r.status != "absent_in_source_data")
    };
    let both: Vec<u16> = now
        .iter()
        .map(|r| r.code)
        .filter(|&c| scored(&now, c) && scored(&prev, c))
        .collect();
    let restrict = |rows: Vec<PublishedRow>| -> Vec<PublishedRow> {
        let mut v: Vec<PublishedRow> = rows
            .into_iter()
            .filter(|r| both.contains(&r.code))
            .collect();
        let ranks = rank_desc(&v.iter().map(|r| r.total).collect::<Vec<_>>());
        let n = v.len() as u32;
        for (r, k) in v.iter_mut().zip(ranks) {
            r.rank = k;
            r.n_ranked = n;
        }
        v
    };
    Ok((restrict(prev), restrict(now)))
}

/// Step 2: every province that moved the rank (the decomposition).
fn rank_moves(
    province: u16,
    prev: &[&PublishedRow],
    now: &[&PublishedRow],
    before: &Standing,
    after: &Standing,
) -> Vec<RankMove> {
    let totals = |rows: &[&PublishedRow]| -> BTreeMap<u16, f64> {
        rows.iter()
            .filter(|r| r.rank.is_some())
            .filter_map(|r| Some((r.code, r.total?)))
            .collect()
    };
    let (t0, t1) = (totals(prev), totals(now));
    let codes: std::collections::BTreeSet<u16> = t0.keys().chain(t1.keys()).copied().collect();
    let mut moves = Vec::new();
    for code in codes.into_iter().filter(|&c| c != province) {
        let (b, a) = (t0.get(&code).copied(), t1.get(&code).copied());
        let above_before = b.is_some_and(|s| s > before.total);
        let above_after = a.is_some_and(|s| s > after.total);
        let kind = match (b, a) {
            (None, Some(_)) if above_after => Some(MoveKind::EnteredAbove),
            (Some(_), None) if above_before => Some(MoveKind::LeftFromAbove),
            (Some(_), Some(_)) if !above_before && above_after => Some(MoveKind::Overtook),
            (Some(_), Some(_)) if above_before && !above_after => Some(MoveKind::Overtaken),
            _ => None,
        };
        if let Some(kind) = kind {
            moves.push(RankMove {
                province: code,
                kind,
                before: b,
                after: a,
            });
        }
    }
    moves.sort_by(|x, y| {
        x.kind.cmp(&y.kind).then(
            y.after
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&x.after.unwrap_or(f64::NEG_INFINITY)),
        )
    });
    moves
}

/// Values of one measure for every province of a year's rows, ranked.
fn ranked(values: &[Option<f64>], i: Option<usize>) -> (Option<u32>, u32) {
    let ranks = rank_desc(values);
    let n = values.iter().flatten().count() as u32;
    (i.and_then(|i| ranks[i]), n)
}

/// Step 3: total and dimension changes.
fn dimension_changes(
    province: u16,
    prev: &[&PublishedRow],
    now: &[&PublishedRow],
    year: u16,
) -> Vec<MeasureChange> {
    let at = |rows: &[&PublishedRow]| rows.iter().position(|r| r.code == province);
    let (ip, inow) = (at(prev), at(now));
    let nd = n_dimensions(year).max(n_dimensions(year - 1));
    let mut codes = vec!["total".to_string()];
    codes.extend(DIMENSION_COLUMNS[..nd].iter().map(|c| (*c).to_string()));
    codes
        .into_iter()
        .enumerate()
        .map(|(k, code)| {
            let col = |rows: &[&PublishedRow]| -> Vec<Option<f64>> {
                rows.iter().map(|r| published::measure(r, &code)).collect()
            };
            let (v0, v1) = (col(prev), col(now));
            let (rank_before, n_before) = ranked(&v0, ip);
            let (rank_after, n_after) = ranked(&v1, inow);
            let (name_en, name_vi) = if k == 0 {
                ("PAPI total", "Tổng điểm PAPI")
            } else {
                crate::framework_names::dimension_name(k, year)
            };
            MeasureChange {
                level: if k == 0 {
                    Level::Total
                } else {
                    Level::Dimension
                },
                number: if k == 0 {
                    String::new()
                } else {
                    format!("D{k}")
                },
                parent: (k > 0).then(|| "total".to_string()),
                name_en: name_en.into(),
                name_vi: name_vi.into(),
                before: ip.and_then(|i| v0[i]),
                after: inow.and_then(|i| v1[i]),
                rank_before,
                rank_after,
                n_before,
                n_after,
                comparable: comparable(&code, year).unwrap_or(false),
                agencies: Vec::new(),
                code,
            }
        })
        .collect()
}

/// Sub-dimension values of every province (or unit) in `year`: code -> province -> value. A loaded
/// year gives the sub-dimensions its file has.
fn subdimension_values(year: u16) -> Result<BTreeMap<String, BTreeMap<u16, f64>>> {
    if let Some(l) = crate::loaded::get(i64::from(year)) {
        return Ok(subdimension_map(&l.table));
    }
    let mut out: BTreeMap<String, BTreeMap<u16, f64>> = BTreeMap::new();
    for s in subdimension_scores::of_year(year)? {
        out.entry(s.code.clone())
            .or_default()
            .insert(s.province, s.value);
    }
    Ok(out)
}

/// Sub-dimension values of a 63-province `year` merged onto the 34 units (`era::merged_table`:
/// GSO 2022 population weights, keyed by `loaded::unit_key`); a unit with a member lacking the
/// value has none.
fn merged_subdimension_values(year: u16) -> Result<BTreeMap<String, BTreeMap<u16, f64>>> {
    Ok(subdimension_map(&crate::analysis::era::merged_table(
        i64::from(year),
    )?))
}

/// The sub-dimension values of a score table: code -> province (or unit) -> value.
fn subdimension_map(t: &crate::scores::ScoreTable) -> BTreeMap<String, BTreeMap<u16, f64>> {
    let mut out: BTreeMap<String, BTreeMap<u16, f64>> = BTreeMap::new();
    for (m, meas) in t.measures.iter().enumerate() {
        if meas.level != Level::Subdimension {
            continue;
        }
        let e = out.entry(meas.code.clone()).or_default();
        for (j, &p) in t.provinces.iter().enumerate() {
            if let Some(v) = t.values[m][j] {
                e.insert(p, v);
            }
        }
    }
    out
}

/// Normalised population weights of `members` (a single member weighs 1).
fn member_weights(members: &[u16], pop: &std::collections::HashMap<u16, f64>) -> Vec<f64> {
    if members.len() == 1 {
        return vec![1.0];
    }
    let s: f64 = members.iter().filter_map(|m| pop.get(m)).sum();
    members
        .iter()
        .map(|m| pop.get(m).map_or(f64::NAN, |p| p / s))
        .collect()
}

/// Step 4: sub-dimension changes (codes and names of the review year's framework).
fn subdimension_changes(province: u16, year: u16, across: bool) -> Result<Vec<MeasureChange>> {
    let fw = builtin(i64::from(year))?;
    let prev_fw = builtin(i64::from(year) - 1)?;
    let v0 = if across {
        merged_subdimension_values(year - 1)?
    } else {
        subdimension_values(year - 1)?
    };
    let v1 = subdimension_values(year)?;
    let ranked_in = |m: Option<&BTreeMap<u16, f64>>| -> (Option<f64>, Option<u32>, u32) {
        let Some(m) = m else { return (None, None, 0) };
        let codes: Vec<u16> = m.keys().copied().collect();
        let vals: Vec<Option<f64>> = m.values().map(|v| Some(*v)).collect();
        let i = codes.iter().position(|&c| c == province);
        let (r, n) = ranked(&vals, i);
        (i.and_then(|i| vals[i]), r, n)
    };
    let mut out = Vec::new();
    for d in &fw.dimensions {
        let dim_comparable = comparable(&d.code, year).unwrap_or(false);
        for s in &d.subdimensions {
            let existed = prev_fw
                .subdimensions()
                .any(|(pd, ps)| ps.code == s.code && pd.code == d.code);
            let (before, rank_before, n_before) = ranked_in(v0.get(s.code.as_str()));
            let (after, rank_after, n_after) = ranked_in(v1.get(s.code.as_str()));
            out.push(MeasureChange {
                level: Level::Subdimension,
                code: s.code.clone(),
                number: s.number.clone(),
                parent: Some(d.code.clone()),
                name_en: s.name_en.clone(),
                name_vi: s.name_vi.clone(),
                before: if existed { before } else { None },
                after,
                rank_before: if existed { rank_before } else { None },
                rank_after,
                n_before: if existed { n_before } else { 0 },
                n_after,
                comparable: existed && dim_comparable,
                agencies: Vec::new(),
            });
        }
    }
    Ok(out)
}

/// Agencies owning a dimension (`sub` None: every assignment to it) or one of its sub-dimensions
/// (assignments to that sub-dimension or to the whole dimension): `(shared, agency code)`, each
/// agency once (as lead if any of its assignments leads), lead agencies first.
pub fn owners<'a>(
    table: &'a AgencyTable,
    dimension: &str,
    sub: Option<&str>,
) -> Vec<(bool, &'a str)> {
    let mut shared_by: BTreeMap<&str, bool> = BTreeMap::new();
    for a in table.assignments.iter().filter(|a| {
        a.dimension.eq_ignore_ascii_case(dimension)
            && sub.is_none_or(|code| a.subdimension.as_ref().is_none_or(|s| s == code))
    }) {
        let shared = shared_by.entry(a.agency.as_str()).or_insert(true);
        *shared &= a.role != "lead";
    }
    let mut out: Vec<(bool, &str)> = shared_by.into_iter().map(|(c, s)| (s, c)).collect();
    out.sort();
    out
}

/// Step 5: agencies of each measure (lead first) and each agency's credited change.
fn attach_agencies(measures: &mut [MeasureChange], table: &AgencyTable) -> Vec<AgencyShare> {
    let mut shares: BTreeMap<&str, AgencyShare> = BTreeMap::new();
    for m in measures
        .iter_mut()
        .filter(|m| m.level == Level::Subdimension)
    {
        let parent = m.parent.clone().unwrap_or_default();
        let owners = owners(table, &parent, Some(&m.code));
        for &(shared, code) in &owners {
            let e = shares.entry(code).or_insert_with(|| {
                let ag = table.agencies.iter().find(|a| a.code == code);
                AgencyShare {
                    code: code.to_string(),
                    name_en: ag.map_or(code, |a| &a.name_en).to_string(),
                    name_vi: ag.map_or(code, |a| &a.name_vi).to_string(),
                    subdimensions: Vec::new(),
                    lead: Vec::new(),
                    change: 0.0,
                }
            });
            e.subdimensions.push(m.code.clone());
            if !shared {
                e.lead.push(m.code.clone());
            }
            e.change += m.change().unwrap_or(0.0);
        }
        m.agencies = owners.iter().map(|(_, c)| (*c).to_string()).collect();
    }
    let mut v: Vec<AgencyShare> = shares.into_values().collect();
    v.sort_by(|a, b| a.change.total_cmp(&b.change));
    v
}

/// Review `province` (GSO code) in `year` against `year - 1` on the published results.
pub fn review(province: u16, year: i64, goal: Goal, agencies: &AgencyTable) -> Result<Review> {
    let (prev, now, before, after, across) = standings(province, year)?;
    let y = after.year;
    let (prev, now): (Vec<&PublishedRow>, Vec<&PublishedRow>) =
        (prev.iter().collect(), now.iter().collect());
    let moves = rank_moves(province, &prev, &now, &before, &after);
    let mut measures = dimension_changes(province, &prev, &now, y);
    measures.extend(subdimension_changes(province, y, across)?);
    let agencies = attach_agencies(&mut measures, agencies);
    let members = if across {
        crate::loaded::unit_of_key(province).map_or_else(|| vec![province], |u| u.members.clone())
    } else {
        Vec::new()
    };
    let w = member_weights(&members, &crate::analysis::era::population_2022()?);
    Ok(Review {
        across_merger: across,
        composition_changed: members.len() > 1,
        weights: members.into_iter().zip(w).collect(),
        province,
        goal_met: goal.met(&before, &after),
        comparable: comparable("total", y).unwrap_or(false),
        before,
        after,
        goal,
        measures,
        moves,
        agencies,
    })
}

impl Review {
    /// Places won (+) or lost (-) from last year to this year.
    pub fn places(&self) -> i32 {
        self.before.rank as i32 - self.after.rank as i32
    }

    /// Change of the total in points.
    pub fn change(&self) -> f64 {
        self.after.total - self.before.total
    }

    fn count(&self, kind: MoveKind) -> usize {
        self.moves.iter().filter(|m| m.kind == kind).count()
    }

    fn names(&self, kind: MoveKind, lang: Lang) -> Vec<String> {
        let reg = registry().ok();
        self.moves
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| {
                reg.and_then(|r| r.by_code(m.province))
                    .map_or(m.province.to_string(), |p| {
                        lang.pick(&p.name_en, &p.name_vi).to_string()
                    })
            })
            .collect()
    }

    /// Sub-dimension with the largest gain and the largest loss (comparable ones only).
    pub fn extremes(&self) -> (Option<&MeasureChange>, Option<&MeasureChange>) {
        let subs = || {
            self.measures
                .iter()
                .filter(|m| m.level == Level::Subdimension && m.comparable && m.change().is_some())
        };
        let by = |a: &&MeasureChange, b: &&MeasureChange| {
            a.change()
                .unwrap_or(0.0)
                .total_cmp(&b.change().unwrap_or(0.0))
        };
        (subs().max_by(by), subs().min_by(by))
    }

    /// The label key of a text that names the ranked subjects: on the 34 units of 2025 (the
    /// reviewed year is a 34-unit year) its `_units` variant, which says "unit(s)" / "đơn vị"
    /// where the 63-province text says "province(s)" / "tỉnh".
    fn noun_key(&self, key: &str) -> String {
        if crate::loaded::era_of(i64::from(self.after.year)) == crate::registry::Era::Units34 {
            format!("{key}_units")
        } else {
            key.to_string()
        }
    }

    /// One plain sentence on why the rank moved (text from the label table).
    pub fn sentence(&self, lang: Lang) -> Result<String> {
        let name = registry()
            .ok()
            .and_then(|r| r.by_code(self.province))
            .map_or(self.province.to_string(), |p| {
                lang.pick(&p.name_en, &p.name_vi).to_string()
            });
        let (b, a) = (&self.before, &self.after);
        let dp = self.change();
        let list = |k: MoveKind| {
            let n = self.names(k, lang);
            if n.is_empty() {
                String::new()
            } else {
                format!(" ({})", n.join(", "))
            }
        };
        let (ov, ent, left, passed) = (
            self.count(MoveKind::Overtook),
            self.count(MoveKind::EnteredAbove),
            self.count(MoveKind::LeftFromAbove),
            self.count(MoveKind::Overtaken),
        );
        let direction = if dp >= 0.0 {
            "review.rose"
        } else {
            "review.fell"
        };
        let args = [
            ("name", name),
            ("direction", labels::label(direction, lang)?.to_string()),
            ("change", crate::lang::format_number(dp.abs(), 4, lang)),
            ("before", crate::lang::format_number(b.total, 4, lang)),
            ("after", crate::lang::format_number(a.total, 4, lang)),
            ("rank_before", format!("{}/{}", b.rank, b.n_ranked)),
            ("rank_after", format!("{}/{}", a.rank, a.n_ranked)),
            ("places", format!("{:+}", self.places())),
            ("overtook", ov.to_string()),
            ("entered", ent.to_string()),
            ("overtaken", passed.to_string()),
            ("left", left.to_string()),
            ("prev", b.year.to_string()),
            ("year", a.year.to_string()),
            ("entered_names", list(MoveKind::EnteredAbove)),
            ("left_names", list(MoveKind::LeftFromAbove)),
        ];
        let s = labels::format(&self.noun_key("review.sentence"), lang, &args)?;
        if !self.across_merger {
            return Ok(s);
        }
        Ok(format!("{s} {}", self.merger_sentence(lang)?))
    }

    /// Across the merger: the flag ("Composition changed (2025 merger)" for a unit of several
    /// provinces), the baseline's members and weights, and the ranking basis, in one sentence.
    pub fn merger_sentence(&self, lang: Lang) -> Result<String> {
        let reg = registry()?;
        let name_of = |c: u16| {
            reg.by_code(c).map_or(c.to_string(), |p| {
                lang.pick(&p.name_en, &p.name_vi).to_string()
            })
        };
        let flag = if self.composition_changed {
            "review.composition_changed"
        } else {
            "review.across_merger"
        };
        let weights = self
            .weights
            .iter()
            .map(|&(c, w)| format!("{} {}", name_of(c), crate::lang::format_number(w, 4, lang)))
            .collect::<Vec<_>>()
            .join(", ");
        let args = [
            ("flag", labels::label(flag, lang)?.to_string()),
            ("prev", self.before.year.to_string()),
            ("name", name_of(self.province)),
            ("weights", weights),
            ("n", self.after.n_ranked.to_string()),
        ];
        labels::format("review.merger_sentence", lang, &args)
    }

    /// One row per measure: level, measure, number, parent, name, before, after, change,
    /// share_of_total_change, rank_before, rank_after, n_before, n_after, comparable, agencies.
    pub fn measures_frame(&self, lang: Lang) -> Result<DataFrame> {
        let ms = &self.measures;
        let total = self.change();
        let s = |f: &dyn Fn(&MeasureChange) -> Option<String>| -> Vec<Option<String>> {
            ms.iter().map(f).collect()
        };
        let n = ms.len();
        frame::build(
            n,
            vec![
                frame::col_str("level", &s(&|m| Some(m.level.as_str().to_string()))),
                frame::col_str(crate::columns::MEASURE, &s(&|m| Some(m.code.clone()))),
                frame::col_str("number", &s(&|m| Some(m.number.clone()))),
                frame::col_str("parent", &s(&|m| m.parent.clone())),
                frame::col_str(
                    "name",
                    &s(&|m| Some(lang.pick(&m.name_en, &m.name_vi).to_string())),
                ),
                frame::col_f64("before", ms.iter().map(|m| m.before).collect()),
                frame::col_f64("after", ms.iter().map(|m| m.after).collect()),
                frame::col_f64("change", ms.iter().map(MeasureChange::change).collect()),
                frame::col_f64(
                    "share_of_total_change",
                    ms.iter()
                        .map(|m| {
                            (m.level != Level::Total && total != 0.0)
                                .then(|| m.change().map(|c| c / total))
                                .flatten()
                        })
                        .collect(),
                ),
                frame::col_u32("rank_before", ms.iter().map(|m| m.rank_before).collect()),
                frame::col_u32("rank_after", ms.iter().map(|m| m.rank_after).collect()),
                frame::col_u32("n_before", ms.iter().map(|m| Some(m.n_before)).collect()),
                frame::col_u32("n_after", ms.iter().map(|m| Some(m.n_after)).collect()),
                Column::new(
                    "comparable".into(),
                    ms.iter().map(|m| m.comparable).collect::<Vec<_>>(),
                ),
                frame::col_str("agencies", &s(&|m| Some(m.agencies.join(", ")))),
            ],
        )
    }

    /// One row per agency: code, name, subdimensions, lead, change, share_of_total_change.
    pub fn agencies_frame(&self, lang: Lang) -> Result<DataFrame> {
        let a = &self.agencies;
        let total = self.change();
        frame::build(
            a.len(),
            vec![
                frame::col_str(
                    "agency",
                    &a.iter().map(|x| Some(x.code.clone())).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "name",
                    &a.iter()
                        .map(|x| Some(lang.pick(&x.name_en, &x.name_vi).to_string()))
                        .collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "subdimensions",
                    &a.iter()
                        .map(|x| Some(x.subdimensions.join(", ")))
                        .collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "lead",
                    &a.iter()
                        .map(|x| Some(x.lead.join(", ")))
                        .collect::<Vec<_>>(),
                ),
                frame::col_f64("change", a.iter().map(|x| Some(x.change)).collect()),
                frame::col_f64(
                    "share_of_total_change",
                    a.iter()
                        .map(|x| (total != 0.0).then(|| x.change / total))
                        .collect(),
                ),
            ],
        )
    }

    /// The rank-change decomposition: one row per province that moved the rank (kind, places,
    /// scores both years); `places` sums to the places lost (+) or won (-).
    pub fn moves_frame(&self, lang: Lang) -> Result<DataFrame> {
        let reg = registry()?;
        let m = &self.moves;
        let mut cols = crate::columns::province_columns(
            reg,
            &m.iter().map(|x| Some(x.province)).collect::<Vec<_>>(),
            true,
        );
        cols.extend([
            frame::col_str(
                "kind",
                &m.iter()
                    .map(|x| labels::label(&self.noun_key(x.kind.key()), lang).map(Some))
                    .collect::<Result<Vec<_>>>()?,
            ),
            Column::new(
                "places".into(),
                m.iter().map(|x| x.kind.places()).collect::<Vec<_>>(),
            ),
            frame::col_f64("before", m.iter().map(|x| x.before).collect()),
            frame::col_f64("after", m.iter().map(|x| x.after).collect()),
        ]);
        frame::build(m.len(), cols)
    }
}

/// One axis of a plan made on the previous year's scores, as plain numbers (the simulation layer
/// builds it from its `Plan`; the analysis layer never sees the optimiser).
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedAxis {
    pub level: Level,
    pub code: String,
    pub parent: Option<String>,
    pub name_en: String,
    pub name_vi: String,
    /// Planned gain in points of this measure.
    pub gain: f64,
}

impl PlannedAxis {
    /// The planned `gain` on measure `m`.
    pub fn of(m: &crate::scores::Measure, gain: f64) -> PlannedAxis {
        PlannedAxis {
            level: m.level,
            code: m.code.clone(),
            parent: m.parent.clone(),
            name_en: m.name_en.clone(),
            name_vi: m.name_vi.clone(),
            gain,
        }
    }
}

/// What a plan asked for: the total, every dimension and (for a sub-dimension plan) every
/// sub-dimension of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedGains {
    pub province: u16,
    /// Year of the scores the plan was made on.
    pub year: u16,
    /// Level the plan moves ("dimension", "subdimension", ...).
    pub level: Level,
    /// Planned points of total.
    pub total: f64,
    /// Dimensions, then (sub-dimension plans) the plan's sub-dimensions.
    pub axes: Vec<PlannedAxis>,
}

impl PlannedGains {
    /// A plan given as a table (one row per measure it moves, `(measure, gain)`: a dimension or a
    /// sub-dimension by code, number "6.1"/"D6" or name, with its planned gain in points), made
    /// on the published scores of `year` for `province`. A sub-dimension's gain adds to its
    /// dimension and every dimension's to the total (published scores are sums: total = sum of the
    /// dimensions, a dimension = sum of its sub-dimensions). The total, an unknown measure, a
    /// measure listed twice, a measure with one under it, or a gain that is not finite is an
    /// error naming the row.
    pub fn from_rows(province: u16, year: i64, rows: &[(String, f64)]) -> Result<PlannedGains> {
        let t = crate::scores::ScoreTable::from_published(year)?;
        let bad = |i: usize, message: String| PapiError::InvalidArgument {
            argument: format!("plan row {}", i + 1),
            message,
        };
        let mut picked: Vec<(usize, f64)> = Vec::new();
        for (i, (query, gain)) in rows.iter().enumerate() {
            let m = t.resolve_measure(query)?;
            let meas = &t.measures[m];
            if !matches!(meas.level, Level::Dimension | Level::Subdimension) {
                return Err(bad(
                    i,
                    format!(
                        "{query:?} is the {}; a plan lists the dimensions or sub-dimensions it moves (the total follows)",
                        meas.level.as_str()
                    ),
                ));
            }
            if !gain.is_finite() {
                return Err(bad(
                    i,
                    format!("gain of {query:?} is {gain}; give a finite number of points"),
                ));
            }
            if let Some((j, _)) = picked.iter().find(|(j, _)| {
                *j == m
                    || t.measures[*j].parent.as_deref() == Some(meas.code.as_str())
                    || meas.parent.as_deref() == Some(t.measures[*j].code.as_str())
            }) {
                return Err(bad(
                    i,
                    format!(
                        "{query:?} and {} are both in the plan (the same measure, or one under the other); list each axis once, at one level",
                        t.measures[*j].code
                    ),
                ));
            }
            picked.push((m, *gain));
        }
        let subs = picked
            .iter()
            .any(|(m, _)| t.measures[*m].level == Level::Subdimension);
        let mut axes: Vec<PlannedAxis> = Vec::new();
        for (d, meas) in t.measures.iter().enumerate() {
            if meas.level != Level::Dimension {
                continue;
            }
            let gain = picked
                .iter()
                .filter(|(m, _)| {
                    *m == d || t.measures[*m].parent.as_deref() == Some(meas.code.as_str())
                })
                .map(|(_, g)| g)
                .sum();
            axes.push(PlannedAxis::of(meas, gain));
        }
        let total = axes.iter().map(|a| a.gain).sum();
        if subs {
            axes.extend(
                picked
                    .iter()
                    .filter(|(m, _)| t.measures[*m].level == Level::Subdimension)
                    .map(|(m, g)| PlannedAxis::of(&t.measures[*m], *g)),
            );
        }
        Ok(PlannedGains {
            province,
            year: t.year,
            level: if subs {
                Level::Subdimension
            } else {
                Level::Dimension
            },
            total,
            axes,
        })
    }
}

/// Planned gain against realised change on one axis.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub level: Level,
    pub code: String,
    /// "6.1" / "D6" / "" (total), in the review year's numbering.
    pub number: String,
    pub name_en: String,
    pub name_vi: String,
    pub planned: f64,
    /// Realised change year-1 -> year (None: no score one of the years, or the axis no longer
    /// exists).
    pub realised: Option<f64>,
    pub comparable: bool,
    pub agencies: Vec<String>,
}

impl PlanRow {
    /// realised - planned.
    pub fn difference(&self) -> Option<f64> {
        Some(self.realised? - self.planned)
    }

    /// The realised change reached the planned gain (None without a realised change).
    pub fn reached(&self) -> Option<bool> {
        Some(self.realised? >= self.planned)
    }
}

/// The plan against what happened: total first, then every axis the plan lists.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanCheck {
    pub plan_year: u16,
    pub level: Level,
    pub rows: Vec<PlanRow>,
}

impl Review {
    /// Planned gain vs realised change per axis. The plan must be the reviewed province's and made
    /// on the previous year's scores (the baseline of this review).
    pub fn check_plan(&self, plan: &PlannedGains) -> Result<PlanCheck> {
        if plan.province != self.province {
            return Err(PapiError::InvalidArgument {
                argument: "plan".into(),
                message: format!(
                    "the plan is for {}, the review for {}; pass a plan from pk.optimize for {}",
                    crate::registry::name_vi(plan.province),
                    crate::registry::name_vi(self.province),
                    crate::registry::name_vi(self.province)
                ),
            });
        }
        if plan.year != self.before.year {
            return Err(PapiError::InvalidArgument {
                argument: "plan".into(),
                message: format!(
                    "the plan was made on the {} scores; a review of {} needs a plan made on {} (pk.optimize(..., {}, ...))",
                    plan.year, self.after.year, self.before.year, self.before.year
                ),
            });
        }
        let find = |code: &str| self.measures.iter().find(|m| m.code == code);
        let total = find("total");
        let mut rows = vec![PlanRow {
            level: Level::Total,
            code: "total".into(),
            number: String::new(),
            name_en: total.map_or("PAPI total".into(), |m| m.name_en.clone()),
            name_vi: total.map_or("Tổng điểm PAPI".into(), |m| m.name_vi.clone()),
            planned: plan.total,
            realised: total.and_then(MeasureChange::change),
            comparable: self.comparable,
            agencies: Vec::new(),
        }];
        for a in &plan.axes {
            let now = find(&a.code).filter(|m| m.parent == a.parent || a.level == Level::Dimension);
            rows.push(PlanRow {
                level: a.level,
                code: a.code.clone(),
                number: now.map_or(String::new(), |m| m.number.clone()),
                name_en: now.map_or(a.name_en.clone(), |m| m.name_en.clone()),
                name_vi: now.map_or(a.name_vi.clone(), |m| m.name_vi.clone()),
                planned: a.gain,
                realised: now.and_then(|m| if m.comparable { m.change() } else { None }),
                comparable: now.is_some_and(|m| m.comparable),
                agencies: now.map_or(Vec::new(), |m| m.agencies.clone()),
            });
        }
        Ok(PlanCheck {
            plan_year: plan.year,
            level: plan.level,
            rows,
        })
    }
}

impl PlanCheck {
    /// Axes (below the total) with a positive planned gain, and how many of them the realised
    /// change reached.
    pub fn reached(&self) -> (usize, usize) {
        let planned: Vec<&PlanRow> = self
            .rows
            .iter()
            .filter(|r| r.level != Level::Total && r.level == self.level && r.planned > 0.0)
            .collect();
        let n = planned.len();
        (
            planned.iter().filter(|r| r.reached() == Some(true)).count(),
            n,
        )
    }

    /// One row per axis: level, measure, number, name, planned, realised, difference, reached,
    /// comparable, agencies.
    pub fn frame(&self, lang: Lang) -> Result<DataFrame> {
        let r = &self.rows;
        let s = |f: &dyn Fn(&PlanRow) -> Option<String>| -> Vec<Option<String>> {
            r.iter().map(f).collect()
        };
        frame::build(
            r.len(),
            vec![
                frame::col_str("level", &s(&|x| Some(x.level.as_str().to_string()))),
                frame::col_str(crate::columns::MEASURE, &s(&|x| Some(x.code.clone()))),
                frame::col_str("number", &s(&|x| Some(x.number.clone()))),
                frame::col_str(
                    "name",
                    &s(&|x| Some(lang.pick(&x.name_en, &x.name_vi).to_string())),
                ),
                frame::col_f64("planned", r.iter().map(|x| Some(x.planned)).collect()),
                frame::col_f64("realised", r.iter().map(|x| x.realised).collect()),
                frame::col_f64("difference", r.iter().map(PlanRow::difference).collect()),
                Column::new(
                    "reached".into(),
                    r.iter().map(PlanRow::reached).collect::<Vec<_>>(),
                ),
                Column::new(
                    "comparable".into(),
                    r.iter().map(|x| x.comparable).collect::<Vec<_>>(),
                ),
                frame::col_str("agencies", &s(&|x| Some(x.agencies.join(", ")))),
            ],
        )
    }

    /// One sentence: the planned and the realised total change, and how many axes reached their
    /// planned gain (text from the label table).
    pub fn sentence(&self, lang: Lang) -> Result<String> {
        let total = &self.rows[0];
        let (reached, n) = self.reached();
        let args = [
            ("prev", self.plan_year.to_string()),
            ("planned", signed(total.planned, lang)),
            (
                "realised",
                total.realised.map_or("-".to_string(), |x| signed(x, lang)),
            ),
            ("reached", reached.to_string()),
            ("n", n.to_string()),
            (
                "level",
                labels::label(&format!("review.level_{}", self.level.as_str()), lang)?.to_string(),
            ),
        ];
        labels::format("review.plan_sentence", lang, &args)
    }
}

/// `x` with 4 decimals in `lang`'s separators and always a sign ("+0,6837", "-1,2042").
fn signed(x: f64, lang: Lang) -> String {
    let s = crate::lang::format_number(x, 4, lang);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::agency::builtin as agencies;

    fn dak_lak_2024() -> Review {
        review(66, 2024, Goal::ImproveRank, agencies().unwrap()).unwrap()
    }

    /// Đắk Lắk 2023 -> 2024: total +0.6837 yet rank 31 -> 39 of 61 (panel); the goal "improve the
    /// rank" is not met.
    #[test]
    fn dak_lak_total_rose_rank_fell() {
        let r = dak_lak_2024();
        assert!((r.change() - 0.6837).abs() < 5e-5, "{}", r.change());
        assert_eq!((r.before.rank, r.after.rank), (31, 39));
        assert_eq!((r.before.n_ranked, r.after.n_ranked), (61, 61));
        assert_eq!(r.places(), -8);
        assert!(!r.goal_met);
        assert!(r.comparable);
        assert!(
            review(66, 2024, Goal::Rank(40), agencies().unwrap())
                .unwrap()
                .goal_met
        );
        assert!(
            !review(66, 2024, Goal::Score(43.1), agencies().unwrap())
                .unwrap()
                .goal_met
        );
    }

    /// The decomposition is an identity: its places add up to the rank change, and it is
    /// recomputed here independently from the panel (strictly-above counts per year).
    #[test]
    fn decomposition_adds_up_and_names_the_reentrants() {
        let r = dak_lak_2024();
        let lost: i32 = r.moves.iter().map(|m| m.kind.places()).sum();
        assert_eq!(lost, -r.places());
        let above = |y: i64, t: f64| {
            published::year_rows(y)
                .unwrap()
                .iter()
                .filter(|p| p.rank.is_some() && p.total.is_some_and(|s| s > t))
                .count() as i32
        };
        assert_eq!(
            above(2024, r.after.total) - above(2023, r.before.total),
            -r.places()
        );
        let entered: Vec<u16> = r
            .moves
            .iter()
            .filter(|m| m.kind == MoveKind::EnteredAbove)
            .map(|m| m.province)
            .collect();
        assert_eq!(entered, vec![22, 74]); // Quảng Ninh, Bình Dương (by 2024 score)
        let s = r.sentence(Lang::En).unwrap();
        assert!(
            s.contains("Quang Ninh, Binh Duong") && s.contains("(-8 places)"),
            "{s}"
        );
        assert!(
            s.contains("8 province(s) below it in 2023 overtook it"),
            "{s}"
        );
        let vi = r.sentence(Lang::Vi).unwrap();
        assert!(vi.contains("Quảng Ninh") && vi.contains("-8 bậc"), "{vi}");
    }

    /// Sub-dimension changes sum to the total change (published rounding, 1e-5); the largest
    /// loss is 6.2 primary education 1.8951 -> 1.4434 owned by Sở GD&ĐT; the largest gain 4.4.
    #[test]
    fn subdimensions_explain_the_total() {
        let r = dak_lak_2024();
        let subs: f64 = r
            .measures
            .iter()
            .filter(|m| m.level == Level::Subdimension)
            .filter_map(MeasureChange::change)
            .sum();
        assert!((subs - r.change()).abs() < 1e-5, "{subs} vs {}", r.change());
        let (gain, loss) = r.extremes();
        let loss = loss.unwrap();
        assert_eq!(loss.code, "public_primary_education");
        assert!((loss.before.unwrap() - 1.8951).abs() < 5e-5);
        assert!((loss.after.unwrap() - 1.4434).abs() < 5e-5);
        assert!(
            loss.agencies.iter().any(|a| a == "gddt"),
            "{:?}",
            loss.agencies
        );
        let gain = gain.unwrap();
        assert_eq!(gain.code, "willingness_fight_corruption");
        assert!((gain.change().unwrap() - 0.1963).abs() < 5e-5);
        let df = r.measures_frame(Lang::Vi).unwrap();
        assert_eq!(df.height(), 1 + 8 + 28);
        // each agency's credited change = the sum of its (distinct) sub-dimensions' changes
        for a in &r.agencies {
            let mut subs = a.subdimensions.clone();
            subs.sort();
            subs.dedup();
            assert_eq!(subs.len(), a.subdimensions.len(), "{} twice", a.code);
            let sum: f64 = r
                .measures
                .iter()
                .filter(|m| subs.contains(&m.code))
                .filter_map(MeasureChange::change)
                .sum();
            assert!((sum - a.change).abs() < 1e-12, "{}", a.code);
        }
    }

    /// Across the 2018 break the review still runs, and says the total is not comparable; the
    /// first year and a province without a score are typed errors.
    #[test]
    fn breaks_and_errors() {
        let r = review(66, 2018, Goal::ImproveRank, agencies().unwrap()).unwrap();
        assert!(!r.comparable);
        assert!(
            r.measures
                .iter()
                .any(|m| m.code == "environmental_protection"
                    && !m.comparable
                    && m.before.is_none())
        );
        assert!(matches!(
            review(66, 2011, Goal::ImproveRank, agencies().unwrap()),
            Err(PapiError::InvalidArgument { .. })
        ));
        assert!(matches!(
            review(22, 2024, Goal::ImproveRank, agencies().unwrap()),
            Err(PapiError::NoData { .. })
        ));
    }
}
