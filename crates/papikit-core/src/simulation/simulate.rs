//! What-if simulation on a [`ScoreTable`]: change some provinces' scores at any level of the index
//! and see every province's new total, rank and group.
//!
//! * A change is in the measure's own unit: points on a dimension (1..10) or sub-dimension, points on
//!   the total, or percentage points on an indicator; or "close x% of the gap" to the best score on
//!   that measure that year, or to a given score.
//! * Every score is capped at its measure's `[min, max]` range; the change that survives the cap is
//!   propagated up the hierarchy (indicator -> sub-dimension -> dimension -> total). PAPI is additive
//!   above the indicators (dimension = sum of sub-dimensions, total = sum of dimensions), so one point
//!   on a sub-dimension is one point on its dimension and on the total.
//! * Measures are named by code, by the number printed in that year's report ("6.1") or by name
//!   ([`ScoreTable::resolve_measure`]). Changes a cap cut short are listed in
//!   [`Simulation::capped`]. One province may not change a measure and a measure under it (or the
//!   same measure twice) in one request: a dimension change cannot be split over its
//!   sub-dimensions unambiguously, so `d6` with `6.1` is an `InvalidArgument` error.
//! * Indicators reach their parent through the framework's normalisation. Until the framework is
//!   wired in, the default is the linear fixed-anchor rule: an indicator's range `[min, max]` maps
//!   linearly onto its parent's range and the parent is the equal-weight mean of its indicators, so one
//!   unit of indicator moves the parent by `(parent.max - parent.min) / (ind.max - ind.min) / k` for
//!   `k` indicators. Other slopes can be given with [`Model::with_slopes`].
//! * `others`: the provinces without a change stay, follow their own linear trend over the last `k`
//!   published years (least-squares slope per dimension, one year ahead), or move by the national
//!   average annual change over the last `k` years (per dimension, provinces published in both years).

use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use crate::published::{DIMENSION_COLUMNS, panel};
use crate::rank::{Group, group_of_rank, rank_desc};
use crate::registry::registry;
use crate::scores::{Level, Measure, ScoreTable};
use polars::prelude::*;

/// Margin added to a competitor's score so that a new score is strictly above it, also at the 4
/// decimal places PAPI publishes (`round4(x + 1e-4) = round4(x) + 1e-4`).
pub const EPSILON: f64 = 1e-4;

/// The hierarchy of a score table: each measure's parent and how many points of the parent one unit
/// of the measure is worth.
#[derive(Debug, Clone)]
pub struct Model<'a> {
    pub table: &'a ScoreTable,
    /// Parent index of each measure (None for the total).
    pub parent: Vec<Option<usize>>,
    /// Points of the parent per unit of the measure.
    pub slope: Vec<f64>,
    /// Index of the total.
    pub total: usize,
}

fn invalid(argument: &str, message: String) -> PapiError {
    PapiError::InvalidArgument {
        argument: argument.into(),
        message,
    }
}

/// The table's shape (measures x provinces) and the index of its one total measure.
fn total_of(table: &ScoreTable) -> Result<usize> {
    let nm = table.measures.len();
    let np = table.provinces.len();
    if table.values.len() != nm || table.values.iter().any(|v| v.len() != np) {
        return Err(invalid(
            "score table",
            format!("values must be {nm} measures x {np} provinces"),
        ));
    }
    let totals: Vec<usize> = (0..nm)
        .filter(|&i| table.measures[i].level == Level::Total)
        .collect();
    let [total] = totals[..] else {
        return Err(invalid(
            "score table",
            format!("needs exactly one total measure, found {}", totals.len()),
        ));
    };
    Ok(total)
}

/// Parent index of each measure (a higher level; None for the total); every range must be valid.
fn parents(table: &ScoreTable, total: usize) -> Result<Vec<Option<usize>>> {
    let mut parent = vec![None; table.measures.len()];
    for (i, m) in table.measures.iter().enumerate() {
        // Infinite bounds (a hand-built table without ranges) mean "no cap".
        if m.min.partial_cmp(&m.max) != Some(std::cmp::Ordering::Less) {
            return Err(invalid(
                "score table",
                format!(
                    "measure {} has an invalid range {}..{}",
                    m.code, m.min, m.max
                ),
            ));
        }
        if i == total {
            continue;
        }
        let p = m
            .parent
            .as_deref()
            .ok_or_else(|| invalid("score table", format!("measure {} has no parent", m.code)))?;
        let pi = table.measure_index(p)?;
        if table.measures[pi].level >= m.level {
            return Err(invalid(
                "score table",
                format!(
                    "measure {} sits under {p}, which is not a higher level",
                    m.code
                ),
            ));
        }
        parent[i] = Some(pi);
    }
    Ok(parent)
}

/// 1 above indicators; an indicator gets its parent's range over its own range over the number of
/// indicators of the parent (NaN when that is not a finite non-zero number).
fn default_slopes(table: &ScoreTable, parent: &[Option<usize>]) -> Vec<f64> {
    let mut slope = vec![1.0; table.measures.len()];
    for (i, m) in table.measures.iter().enumerate() {
        if m.level == Level::Indicator
            && let Some(pi) = parent[i]
        {
            let pm = &table.measures[pi];
            let k = table
                .measures
                .iter()
                .filter(|x| x.level == Level::Indicator && x.parent == m.parent)
                .count()
                .max(1);
            let v = (pm.max - pm.min) / (m.max - m.min) / k as f64;
            slope[i] = if v.is_finite() && v != 0.0 {
                v
            } else {
                f64::NAN
            };
        }
    }
    slope
}

impl<'a> Model<'a> {
    /// Check the table's shape and hierarchy; default slopes (1 above indicators, linear anchors for
    /// indicators).
    pub fn new(table: &'a ScoreTable) -> Result<Model<'a>> {
        Model::with_slopes(table, &[])
    }

    /// As [`Model::new`], with explicit slopes (points of parent per unit) for some measures, e.g. the
    /// framework's normalisation of indicators.
    pub fn with_slopes(table: &'a ScoreTable, slopes: &[(String, f64)]) -> Result<Model<'a>> {
        let m = Model::build(table, slopes)?;
        if let Some(i) = (0..m.slope.len()).find(|&i| !m.slope[i].is_finite()) {
            return Err(invalid(
                "score table",
                format!(
                    "indicator {} has no finite range to normalise with; give its slope (points of parent per unit) or a framework",
                    table.measures[i].code
                ),
            ));
        }
        Ok(m)
    }

    fn build(table: &'a ScoreTable, slopes: &[(String, f64)]) -> Result<Model<'a>> {
        let total = total_of(table)?;
        let parent = parents(table, total)?;
        let mut slope = default_slopes(table, &parent);
        for (code, s) in slopes {
            let i = table.measure_index(code)?;
            if !(s.is_finite() && *s != 0.0) {
                return Err(invalid(
                    "slopes",
                    format!("slope of {code} must be a non-zero number, got {s}"),
                ));
            }
            slope[i] = *s;
        }
        Ok(Model {
            table,
            parent,
            slope,
            total,
        })
    }

    /// As [`Model::new`], with the indicator slopes of a framework: an indicator of the table whose code
    /// is one of the framework's indicators gets `(sub.max - sub.min) / (hi - lo) / k`, where `hi, lo`
    /// are its recipe's goalposts ([`crate::recipe::Recipe::range`]; the measure's own range without a
    /// recipe), `k` the number of indicators of its sub-dimension in the framework, and a negative sign
    /// for lower-is-better indicators (a rise in, say, bribe-paying lowers the sub-dimension).
    pub fn from_framework(
        table: &'a ScoreTable,
        fw: &crate::framework::Framework,
    ) -> Result<Model<'a>> {
        let base = Model::build(table, &[])?;
        let mut slopes = Vec::new();
        for (_, sub, ind) in fw.indicators() {
            let Ok(m) = table.measure_index(&ind.code) else {
                continue;
            };
            let meas = &table.measures[m];
            if meas.level != Level::Indicator {
                continue;
            }
            let Some(pi) = base.parent[m] else { continue };
            let pm = &table.measures[pi];
            if !(pm.max - pm.min).is_finite() {
                continue;
            }
            let (lo, hi) = ind
                .recipe
                .as_ref()
                .map(|r| r.range())
                .unwrap_or((meas.min, meas.max));
            if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
                continue;
            }
            let k = sub.indicators.len().max(1) as f64;
            let sign = match ind.direction {
                crate::framework::Direction::HigherIsBetter => 1.0,
                crate::framework::Direction::LowerIsBetter => -1.0,
            };
            slopes.push((meas.code.clone(), sign * (pm.max - pm.min) / (hi - lo) / k));
        }
        Model::with_slopes(table, &slopes)
    }

    /// The same hierarchy and slopes on another table of the same shape (e.g. the table after the
    /// other provinces moved).
    pub fn on<'b>(&self, table: &'b ScoreTable) -> Model<'b> {
        Model {
            table,
            parent: self.parent.clone(),
            slope: self.slope.clone(),
            total: self.total,
        }
    }

    /// Points of total per unit of a measure (product of slopes up the hierarchy).
    pub fn total_per_unit(&self, m: usize) -> f64 {
        let mut s = 1.0;
        let mut cur = Some(m);
        while let Some(i) = cur {
            if i == self.total {
                break;
            }
            s *= self.slope[i];
            cur = self.parent[i];
        }
        s
    }

    /// Index of the dimension a measure belongs to (itself for a dimension; None for the total).
    pub fn dimension_of(&self, m: usize) -> Option<usize> {
        let mut cur = Some(m);
        while let Some(i) = cur {
            if self.table.measures[i].level == Level::Dimension {
                return Some(i);
            }
            cur = self.parent[i];
        }
        None
    }

    /// Points of the ancestor `a` per unit of measure `m` (None if `a` is not an ancestor of `m`).
    pub fn per_unit_of_ancestor(&self, m: usize, a: usize) -> Option<f64> {
        let mut s = 1.0;
        let mut cur = m;
        loop {
            if cur == a {
                return Some(s);
            }
            s *= self.slope[cur];
            cur = self.parent[cur]?;
        }
    }

    /// Add `delta` units to measure `m` of province column `p`, capped at the range, and propagate the
    /// surviving change to the ancestors. Returns the change of the total.
    pub fn apply(
        &self,
        values: &mut [Vec<Option<f64>>],
        m: usize,
        p: usize,
        delta: f64,
    ) -> Result<f64> {
        let mut cur = m;
        let mut d = delta;
        loop {
            let meas = &self.table.measures[cur];
            let old = values[cur][p].ok_or_else(|| self.no_data(p, &meas.code))?;
            let new = (old + d).clamp(meas.min, meas.max);
            values[cur][p] = Some(new);
            let actual = new - old;
            match self.parent[cur] {
                None => return Ok(actual),
                Some(pi) => {
                    d = actual * self.slope[cur];
                    cur = pi;
                }
            }
        }
    }

    /// Error for a province without a score on a measure.
    pub fn no_data(&self, p: usize, code: &str) -> PapiError {
        PapiError::NoData {
            province: province_name(self.table.provinces[p]),
            year: self.table.year,
            what: format!("{} score on {code}", self.table.source),
        }
    }

    /// Best (highest) score on a measure among provinces.
    pub fn best(&self, m: usize) -> Option<f64> {
        self.table.values[m]
            .iter()
            .flatten()
            .copied()
            .max_by(f64::total_cmp)
    }
}

/// Vietnamese name of a province code (the code itself if unknown).
pub fn province_name(code: u16) -> String {
    crate::registry::name_vi(code)
}

/// What the gap is closed towards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GapTo {
    /// The best score on that measure among all provinces that year.
    Best,
    /// A given score on that measure.
    Score(f64),
}

/// Size of a change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    /// Units of the measure (points, or percentage points for an indicator); may be negative.
    Points(f64),
    /// Close `share` (0..=1) of the gap between the current score and `to` (no change if already there).
    CloseGap { share: f64, to: GapTo },
}

/// One change: a province, a measure code (total, d4, a sub-dimension or indicator code) and an amount.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub province: u16,
    pub measure: String,
    pub amount: Amount,
}

/// What the provinces without a change do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Others {
    #[default]
    Stay,
    /// Own least-squares trend over the last `years` published years, one year ahead.
    Trend { years: u16 },
    /// National average annual change over the last `years` years.
    NationalAverage { years: u16 },
}

impl Others {
    /// Parse "stay", "trend", "national" (with the number of years).
    pub fn parse(s: &str, years: u16) -> Result<Others> {
        if years == 0 {
            return Err(invalid("years", "must be at least 1".into()));
        }
        match crate::text::fold(s).as_str() {
            "stay" | "none" => Ok(Others::Stay),
            "trend" | "owntrend" => Ok(Others::Trend { years }),
            "national" | "nationalaverage" | "average" => Ok(Others::NationalAverage { years }),
            _ => Err(invalid(
                "others",
                format!("{s:?}; use \"stay\", \"trend\" or \"national\""),
            )),
        }
    }
}

/// Result of a simulation: before/after values of every measure and the re-ranked totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    pub year: u16,
    pub provinces: Vec<u16>,
    pub measures: Vec<Measure>,
    pub total: usize,
    pub before: Vec<Vec<Option<f64>>>,
    pub after: Vec<Vec<Option<f64>>>,
    /// Province had an explicit change.
    pub changed: Vec<bool>,
    pub rank_before: Vec<Option<u32>>,
    pub rank_after: Vec<Option<u32>>,
    pub group_before: Vec<Option<Group>>,
    pub group_after: Vec<Option<Group>>,
    /// Requested changes cut short by their measure's range (reported, never silent).
    pub capped: Vec<Capped>,
}

/// Ranks and groups of a total vector.
pub fn ranks_groups(totals: &[Option<f64>]) -> (Vec<Option<u32>>, Vec<Option<Group>>) {
    let r = rank_desc(totals);
    let n = totals.iter().filter(|t| t.is_some()).count();
    let g = r
        .iter()
        .map(|r| r.and_then(|r| group_of_rank(r, n)))
        .collect();
    (r, g)
}

/// Units of change on measure `m` of province column `p` for an amount.
pub fn resolve_amount(model: &Model, m: usize, p: usize, amount: Amount) -> Result<f64> {
    let meas = &model.table.measures[m];
    let cur = model.table.values[m][p].ok_or_else(|| model.no_data(p, &meas.code))?;
    match amount {
        Amount::Points(x) => {
            if x.is_finite() {
                Ok(x)
            } else {
                Err(invalid(
                    "changes",
                    format!("change on {} is not a number", meas.code),
                ))
            }
        }
        Amount::CloseGap { share, to } => {
            if !(0.0..=1.0).contains(&share) {
                return Err(invalid(
                    "changes",
                    format!(
                        "share of the gap on {} must be in 0..1, got {share}",
                        meas.code
                    ),
                ));
            }
            let target = match to {
                GapTo::Best => model.best(m).unwrap_or(cur),
                GapTo::Score(s) => {
                    if !(meas.min..=meas.max).contains(&s) {
                        return Err(invalid(
                            "changes",
                            format!(
                                "target score {s} on {} is outside its range {}..{}",
                                meas.code, meas.min, meas.max
                            ),
                        ));
                    }
                    s
                }
            };
            Ok(share * (target - cur).max(0.0))
        }
    }
}

/// Least-squares slope of (year, value) points; 0 with fewer than two points.
fn ls_slope(pts: &[(f64, f64)]) -> f64 {
    if pts.len() < 2 {
        return 0.0;
    }
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx > 0.0 { sxy / sxx } else { 0.0 }
}

/// Measures moved by `others` (dimensions that are published columns; else the total alone) with
/// the published column index.
fn moved_measures(table: &ScoreTable) -> Vec<(usize, Option<usize>)> {
    let dims: Vec<(usize, Option<usize>)> = table
        .measures
        .iter()
        .enumerate()
        .filter(|(_, m)| m.level == Level::Dimension)
        .filter_map(|(i, m)| {
            DIMENSION_COLUMNS
                .iter()
                .position(|c| *c == m.code.to_ascii_lowercase())
                .map(|k| (i, Some(k)))
        })
        .collect();
    if dims.is_empty() {
        table
            .measures
            .iter()
            .position(|m| m.level == Level::Total)
            .map(|i| vec![(i, None)])
            .unwrap_or_default()
    } else {
        dims
    }
}

/// Change per year of each moved measure for one province under `others` (published panel).
fn others_deltas(table: &ScoreTable, code: u16, others: Others) -> Result<Vec<(usize, f64)>> {
    let y = table.year as i64;
    let rows = panel()?;
    let get = |r: &crate::published::PublishedRow, k: Option<usize>| match k {
        Some(k) => r.dims[k],
        None => r.total,
    };
    let mut out = Vec::new();
    for (m, k) in moved_measures(table) {
        let d = match others {
            Others::Stay => 0.0,
            Others::Trend { years } => {
                let from = y - years as i64;
                let pts: Vec<(f64, f64)> = rows
                    .iter()
                    .filter(|r| r.code == code && (from..=y).contains(&(r.year as i64)))
                    .filter_map(|r| get(r, k).map(|v| (r.year as f64, v)))
                    .collect();
                ls_slope(&pts)
            }
            Others::NationalAverage { years } => {
                let from = (y - years as i64).max(crate::published::FIRST_YEAR as i64);
                let span = (y - from) as f64;
                if span <= 0.0 {
                    0.0
                } else {
                    let mut sum = 0.0;
                    let mut n = 0usize;
                    for r in rows.iter().filter(|r| r.year as i64 == y) {
                        let old = rows
                            .iter()
                            .find(|o| o.code == r.code && o.year as i64 == from)
                            .and_then(|o| get(o, k));
                        if let (Some(a), Some(b)) = (get(r, k), old) {
                            sum += a - b;
                            n += 1;
                        }
                    }
                    if n > 0 { sum / n as f64 / span } else { 0.0 }
                }
            }
        };
        out.push((m, d));
    }
    Ok(out)
}

/// Simulate changes on a table (default model) with `others`.
pub fn simulate(table: &ScoreTable, changes: &[Change], others: Others) -> Result<Simulation> {
    simulate_with(&Model::new(table)?, changes, others)
}

/// Simulate changes with an explicit model (slopes).
pub fn simulate_with(model: &Model, changes: &[Change], others: Others) -> Result<Simulation> {
    let table = model.table;
    let np = table.provinces.len();
    // Resolve every change against the table before anything moves.
    let mut resolved: Vec<(usize, usize, f64)> = Vec::with_capacity(changes.len());
    let mut changed = vec![false; np];
    for c in changes {
        let p = table.province_index(c.province)?;
        let m = table.resolve_measure(&c.measure)?;
        check_not_nested(model, &resolved, changes, m, p)?;
        let units = resolve_amount(model, m, p, c.amount)?;
        changed[p] = true;
        resolved.push((m, p, units));
    }
    let before = table.values.clone();
    let mut after = table.values.clone();
    if others != Others::Stay {
        for p in (0..np).filter(|&p| !changed[p]) {
            for (m, d) in others_deltas(table, table.provinces[p], others)? {
                if after[m][p].is_some() && d != 0.0 {
                    model.apply(&mut after, m, p, d)?;
                }
            }
        }
    }
    let mut capped = Vec::new();
    for (m, p, units) in resolved {
        let old = after[m][p];
        model.apply(&mut after, m, p, units)?;
        if let (Some(o), Some(n)) = (old, after[m][p]) {
            let applied = n - o;
            if (applied - units).abs() > CAP_TOLERANCE {
                let meas = &table.measures[m];
                capped.push(Capped {
                    province: table.provinces[p],
                    measure: meas.code.clone(),
                    requested: units,
                    applied,
                    bound: if units > 0.0 { meas.max } else { meas.min },
                });
            }
        }
    }
    let (rank_before, group_before) = ranks_groups(&before[model.total]);
    let (rank_after, group_after) = ranks_groups(&after[model.total]);
    Ok(Simulation {
        year: table.year,
        provinces: table.provinces.clone(),
        measures: table.measures.clone(),
        total: model.total,
        before,
        after,
        changed,
        rank_before,
        rank_after,
        group_before,
        group_after,
        capped,
    })
}

/// Changes smaller than this that a cap took away are not reported (rounding).
const CAP_TOLERANCE: f64 = 1e-12;

/// Mixing levels: a change on a measure and one on its ancestor or descendant (e.g. `d6` and
/// `6.1`) for the same province is refused, and so is the same measure named twice (`6.1` and
/// `public_health`): a dimension change cannot be split over its sub-dimensions unambiguously.
fn check_not_nested(
    model: &Model,
    resolved: &[(usize, usize, f64)],
    changes: &[Change],
    m: usize,
    p: usize,
) -> Result<()> {
    let t = model.table;
    let related = |a: usize, b: usize| {
        a == b
            || model.per_unit_of_ancestor(a, b).is_some()
            || model.per_unit_of_ancestor(b, a).is_some()
    };
    if let Some(k) = resolved
        .iter()
        .position(|&(m2, p2, _)| p2 == p && related(m, m2))
    {
        let (a, b) = (&changes[k].measure, &changes[resolved.len()].measure);
        let (ca, cb) = (&t.measures[resolved[k].0].code, &t.measures[m].code);
        return Err(invalid(
            "changes",
            format!(
                "{}: {a:?} ({ca}) and {b:?} ({cb}) overlap; change a measure or the measures \
                 under it, not both in one request (a dimension change cannot be split over its \
                 sub-dimensions unambiguously); run two simulations or add the points to one of them",
                province_name(t.provinces[p])
            ),
        ));
    }
    Ok(())
}

/// A requested change that a range cap cut short.
#[derive(Debug, Clone, PartialEq)]
pub struct Capped {
    pub province: u16,
    /// Measure code.
    pub measure: String,
    /// Units requested.
    pub requested: f64,
    /// Units that survived the cap (what propagated up).
    pub applied: f64,
    /// The bound that stopped it (the measure's max for a rise, min for a fall).
    pub bound: f64,
}

impl Simulation {
    /// Provinces whose rank or group changed, or that had a change.
    pub fn movers(&self) -> Vec<usize> {
        (0..self.provinces.len())
            .filter(|&p| {
                self.changed[p]
                    || self.rank_before[p] != self.rank_after[p]
                    || self.group_before[p] != self.group_after[p]
            })
            .collect()
    }

    /// One row per province (or only the movers): code, names, changed, total/rank/group before and
    /// after, change of total and of rank (positive = climbed), and the after value of every
    /// dimension.
    pub fn frame(&self, movers_only: bool, lang: Lang) -> Result<DataFrame> {
        let rows: Vec<usize> = if movers_only {
            self.movers()
        } else {
            (0..self.provinces.len()).collect()
        };
        let mut cols = self.province_columns(&rows)?;
        cols.extend(self.total_columns(&rows, lang));
        for (m, meas) in self.measures.iter().enumerate() {
            if meas.level == Level::Dimension {
                cols.push(frame::col_f64(
                    &format!("{}_after", meas.code),
                    rows.iter().map(|&p| self.after[m][p]).collect(),
                ));
            }
        }
        frame::build(rows.len(), cols)
    }

    /// province_code, province_name, province_name_en, changed of the `rows` provinces.
    fn province_columns(&self, rows: &[usize]) -> Result<Vec<Column>> {
        let reg = registry()?;
        let mut cols = crate::columns::province_columns(
            reg,
            &rows
                .iter()
                .map(|&p| Some(self.provinces[p]))
                .collect::<Vec<_>>(),
            true,
        );
        cols.extend([Column::new(
            "changed".into(),
            rows.iter().map(|&p| self.changed[p]).collect::<Vec<_>>(),
        )]);
        Ok(cols)
    }

    /// Total, rank and group before and after, and the changes of total and rank.
    fn total_columns(&self, rows: &[usize], lang: Lang) -> Vec<Column> {
        let t = self.total;
        let grp = |g: &[Option<Group>]| -> Vec<Option<&str>> {
            rows.iter().map(|&p| g[p].map(|g| g.label(lang))).collect()
        };
        vec![
            frame::col_f64(
                "total_before",
                rows.iter().map(|&p| self.before[t][p]).collect(),
            ),
            frame::col_f64(
                "total_after",
                rows.iter().map(|&p| self.after[t][p]).collect(),
            ),
            frame::col_f64(
                "total_change",
                rows.iter()
                    .map(|&p| Some(self.after[t][p]? - self.before[t][p]?))
                    .collect(),
            ),
            frame::col_u32(
                "rank_before",
                rows.iter().map(|&p| self.rank_before[p]).collect(),
            ),
            frame::col_u32(
                "rank_after",
                rows.iter().map(|&p| self.rank_after[p]).collect(),
            ),
            Column::new(
                "rank_change".into(),
                rows.iter()
                    .map(|&p| Some(self.rank_before[p]? as i32 - self.rank_after[p]? as i32))
                    .collect::<Vec<Option<i32>>>(),
            ),
            frame::col_str("group_before", &grp(&self.group_before)),
            frame::col_str("group_after", &grp(&self.group_after)),
        ]
    }

    /// One row per requested change a range cap cut short: province_code, province_name,
    /// province_name_en, measure, requested, applied, bound.
    pub fn capped_frame(&self) -> Result<DataFrame> {
        let c = &self.capped;
        let mut cols = crate::columns::province_columns(
            registry()?,
            &c.iter().map(|x| Some(x.province)).collect::<Vec<_>>(),
            true,
        );
        cols.extend([
            frame::col_str(
                "measure",
                &c.iter()
                    .map(|x| Some(x.measure.clone()))
                    .collect::<Vec<_>>(),
            ),
            frame::col_f64("requested", c.iter().map(|x| Some(x.requested)).collect()),
            frame::col_f64("applied", c.iter().map(|x| Some(x.applied)).collect()),
            frame::col_f64("bound", c.iter().map(|x| Some(x.bound)).collect()),
        ]);
        frame::build(c.len(), cols)
    }

    /// Long table of every measure that moved: province_code, province_name, province_name_en,
    /// measure, level, before, after, change.
    pub fn changes_frame(&self) -> Result<DataFrame> {
        let mut code = Vec::new();
        let mut meas = Vec::new();
        let mut level = Vec::new();
        let mut b = Vec::new();
        let mut a = Vec::new();
        for (m, mm) in self.measures.iter().enumerate() {
            for p in 0..self.provinces.len() {
                if let (Some(x), Some(y)) = (self.before[m][p], self.after[m][p])
                    && x != y
                {
                    code.push(Some(self.provinces[p]));
                    meas.push(Some(mm.code.clone()));
                    level.push(Some(mm.level.as_str()));
                    b.push(Some(x));
                    a.push(Some(y));
                }
            }
        }
        let d: Vec<Option<f64>> = a.iter().zip(&b).map(|(a, b)| Some((*a)? - (*b)?)).collect();
        let h = code.len();
        let mut cols = crate::columns::province_columns(registry()?, &code, true);
        cols.extend([
            frame::col_str(crate::columns::MEASURE, &meas),
            frame::col_str("level", &level),
            frame::col_f64("before", b),
            frame::col_f64("after", a),
            frame::col_f64("change", d),
        ]);
        frame::build(h, cols)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scores::ScoreTable;

    /// A hand-built survey-like table: 3 provinces, total -> d1, d2 -> d1 has sub-dimensions s11, s12
    /// (0.5..5 each) -> s11 has indicators i1, i2 (percent, 0..100).
    pub fn toy_table() -> ScoreTable {
        let m = Measure::named;
        let measures = vec![
            m("total", Level::Total, None, 2.0, 20.0),
            m("d1", Level::Dimension, Some("total"), 1.0, 10.0),
            m("d2", Level::Dimension, Some("total"), 1.0, 10.0),
            m("s11", Level::Subdimension, Some("d1"), 0.5, 5.0),
            m("s12", Level::Subdimension, Some("d1"), 0.5, 5.0),
            m("i1", Level::Indicator, Some("s11"), 0.0, 100.0),
            m("i2", Level::Indicator, Some("s11"), 0.0, 100.0),
        ];
        // s11 = 0.5 + 4.5 * mean(i)/100
        let i1 = [40.0, 60.0, 80.0];
        let i2 = [50.0, 20.0, 90.0];
        let s11: Vec<f64> = (0..3)
            .map(|p| 0.5 + 4.5 * (i1[p] + i2[p]) / 200.0)
            .collect();
        let s12 = [2.0, 3.0, 1.5];
        let d1: Vec<f64> = (0..3).map(|p| s11[p] + s12[p]).collect();
        let d2 = [5.0, 4.0, 6.5];
        let total: Vec<f64> = (0..3).map(|p| d1[p] + d2[p]).collect();
        let o = |v: &[f64]| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
        ScoreTable {
            year: 2023,
            source: "survey".into(),
            provinces: vec![66, 1, 79],
            measures,
            values: vec![o(&total), o(&d1), o(&d2), o(&s11), o(&s12), o(&i1), o(&i2)],
            se: None,
            replicates: None,
        }
    }

    fn pts(p: u16, m: &str, x: f64) -> Change {
        Change {
            province: p,
            measure: m.into(),
            amount: Amount::Points(x),
        }
    }

    #[test]
    fn dak_lak_plus_half_on_d4_2023() {
        // Expected total: published 2023 total 42.32653 + 0.5 (panel CSV). Expected rank: count of
        // provinces whose published total is above 42.82653, plus one (independent of rank_desc).
        let t = ScoreTable::from_published(2023).unwrap();
        let s = simulate(&t, &[pts(66, "D4", 0.5)], Others::Stay).unwrap();
        let p = t.province_index(66).unwrap();
        let after = s.after[s.total][p].unwrap();
        assert!((after - 42.8265).abs() < 5e-5);
        let above = t.values[0].iter().flatten().filter(|&&v| v > after).count() as u32;
        assert_eq!(s.rank_after[p], Some(above + 1));
        assert_eq!(s.rank_before[p], Some(31));
        let df = s.frame(true, Lang::En).unwrap();
        assert!(df.height() >= 1);
        assert!(s.changes_frame().unwrap().height() == 2);
    }

    #[test]
    fn caps_and_propagation() {
        let t = ScoreTable::from_published(2023).unwrap();
        let s = simulate(&t, &[pts(66, "d4", 100.0)], Others::Stay).unwrap();
        let p = t.province_index(66).unwrap();
        let d4 = t.measure_index("d4").unwrap();
        assert_eq!(s.after[d4][p], Some(10.0));
        let gain = 10.0 - t.values[d4][p].unwrap();
        assert!((s.after[0][p].unwrap() - t.values[0][p].unwrap() - gain).abs() < 1e-12);
    }

    #[test]
    fn indicator_change_goes_through_normalisation() {
        let t = toy_table();
        // +10 pp on i1 of province 66: s11 += 4.5 * 10 / 100 / 2 = 0.225, d1 and total likewise.
        let s = simulate(&t, &[pts(66, "i1", 10.0)], Others::Stay).unwrap();
        let before = t.values[0][0].unwrap();
        assert!((s.after[0][0].unwrap() - before - 0.225).abs() < 1e-12);
        assert!((s.after[3][0].unwrap() - t.values[3][0].unwrap() - 0.225).abs() < 1e-12);
        // indicator capped at 100
        let s = simulate(&t, &[pts(79, "i2", 50.0)], Others::Stay).unwrap();
        assert_eq!(s.after[6][2], Some(100.0));
        assert!((s.after[0][2].unwrap() - t.values[0][2].unwrap() - 0.225).abs() < 1e-12);
        // the toy's indicators reproduce its sub-dimension
        let m = Model::new(&t).unwrap();
        assert!((m.total_per_unit(5) - 0.0225).abs() < 1e-15);
    }

    #[test]
    fn framework_slopes_for_indicators() {
        // Relabel the toy's indicators as two framework indicators of D2 poverty_lists (2023 builtin),
        // one of them lower-is-better: slope = (sub range) / (goalposts) / k with the framework's k.
        let fw = crate::framework::builtin(2023).unwrap();
        let (_, sub, _) = fw
            .indicators()
            .find(|(_, _, i)| i.code == "d2_nonpoor_on_poverty_list")
            .unwrap();
        let k = sub.indicators.len() as f64;
        let mut t = toy_table();
        t.measures[5].code = "d2_nonpoor_on_poverty_list".into();
        let m = Model::from_framework(&t, &fw).unwrap();
        let (lo, hi) = fw
            .indicators()
            .find(|(_, _, i)| i.code == "d2_nonpoor_on_poverty_list")
            .and_then(|(_, _, i)| i.recipe.as_ref().map(|r| r.range()))
            .unwrap_or((0.0, 100.0));
        assert!((m.slope[5] + 4.5 / (hi - lo) / k).abs() < 1e-12);
        // +10 pp of a lower-is-better indicator lowers the total.
        let s = simulate_with(
            &m,
            &[pts(66, "d2_nonpoor_on_poverty_list", 10.0)],
            Others::Stay,
        )
        .unwrap();
        assert!(s.after[0][0].unwrap() < t.values[0][0].unwrap());
        // i2 is not in the framework: default linear anchors.
        assert!((m.slope[6] - 0.0225).abs() < 1e-15);
    }

    #[test]
    fn close_gap() {
        let t = ScoreTable::from_published(2023).unwrap();
        let d4 = t.measure_index("d4").unwrap();
        let p = t.province_index(66).unwrap();
        let best = t.values[d4]
            .iter()
            .flatten()
            .copied()
            .fold(f64::MIN, f64::max);
        let cur = t.values[d4][p].unwrap();
        let c = Change {
            province: 66,
            measure: "d4".into(),
            amount: Amount::CloseGap {
                share: 0.5,
                to: GapTo::Best,
            },
        };
        let s = simulate(&t, &[c], Others::Stay).unwrap();
        assert!((s.after[d4][p].unwrap() - (cur + best) / 2.0).abs() < 1e-12);
        let bad = Change {
            province: 66,
            measure: "d4".into(),
            amount: Amount::CloseGap {
                share: 1.5,
                to: GapTo::Best,
            },
        };
        assert!(matches!(
            simulate(&t, &[bad], Others::Stay),
            Err(PapiError::InvalidArgument { .. })
        ));
    }

    #[test]
    fn others_move() {
        let t = ScoreTable::from_published(2023).unwrap();
        let s = simulate(&t, &[], Others::NationalAverage { years: 1 }).unwrap();
        // national average change of the total 2022 -> 2023 over provinces published in both years
        // equals the mean of the after-before differences (no cap binds).
        let p22 = crate::published::year_rows(2022).unwrap();
        let mut diffs = Vec::new();
        for (p, &code) in t.provinces.iter().enumerate() {
            if p22.iter().any(|r| r.code == code && r.total.is_some()) && t.values[0][p].is_some() {
                diffs.push(s.after[0][p].unwrap() - s.before[0][p].unwrap());
            }
        }
        assert!(diffs.windows(2).all(|w| (w[0] - w[1]).abs() < 1e-9));
        let s = simulate(&t, &[pts(66, "d1", 0.1)], Others::Trend { years: 3 }).unwrap();
        let p = t.province_index(66).unwrap();
        assert!((s.after[0][p].unwrap() - s.before[0][p].unwrap() - 0.1).abs() < 1e-12);
        assert!(s.movers().len() > 1);
    }

    #[test]
    fn typed_errors() {
        let t = ScoreTable::from_published(2023).unwrap();
        assert!(matches!(
            simulate(&t, &[pts(66, "d9", 1.0)], Others::Stay),
            Err(PapiError::UnknownCode { .. })
        ));
        assert!(matches!(
            simulate(&t, &[pts(999, "d1", 1.0)], Others::Stay),
            Err(PapiError::NoData { .. })
        ));
        assert!(Others::parse("sideways", 3).is_err());
        assert_eq!(
            Others::parse("trend", 3).unwrap(),
            Others::Trend { years: 3 }
        );
    }

    /// Issue 10: a sub-dimension change on the published 2023 scores moves its dimension and the
    /// total by exactly the same points; the sub-dimension's value is read independently from the
    /// embedded CSV (subdimension_scores::value).
    #[test]
    fn subdimension_change_propagates_2023() {
        let t = ScoreTable::from_published(2023).unwrap();
        let p = t.province_index(66).unwrap();
        let (s61, d6) = (
            t.measure_index("public_health").unwrap(),
            t.measure_index("d6").unwrap(),
        );
        let csv = crate::subdimension_scores::value(66, 2023, "public_health")
            .unwrap()
            .unwrap();
        assert_eq!(t.values[s61][p], Some(csv));
        for q in ["6.1", "public_health"] {
            let s = simulate(&t, &[pts(66, q, 0.3)], Others::Stay).unwrap();
            for m in [s61, d6, s.total] {
                let d = s.after[m][p].unwrap() - s.before[m][p].unwrap();
                assert!((d - 0.3).abs() < 1e-12, "{} moved {d}", t.measures[m].code);
            }
            assert!(s.capped.is_empty());
            // every other dimension and sub-dimension stays
            let moved = (0..t.measures.len())
                .filter(|&m| s.after[m][p] != s.before[m][p])
                .count();
            assert_eq!(moved, 3);
        }
    }

    /// A change past the sub-dimension's maximum (10/4 = 2.5 for one of D6's four) is capped there,
    /// only what survives the cap reaches d6 and the total, and the cap is reported.
    #[test]
    fn subdimension_cap_reported() {
        let t = ScoreTable::from_published(2023).unwrap();
        let p = t.province_index(66).unwrap();
        let s61 = t.measure_index("public_health").unwrap();
        assert_eq!(t.measures[s61].max, 2.5);
        assert_eq!(t.measures[s61].min, 0.25);
        let cur = t.values[s61][p].unwrap();
        let s = simulate(&t, &[pts(66, "6.1", 5.0)], Others::Stay).unwrap();
        assert_eq!(s.after[s61][p], Some(2.5));
        let total = s.after[s.total][p].unwrap() - s.before[s.total][p].unwrap();
        assert!((total - (2.5 - cur)).abs() < 1e-12);
        assert_eq!(s.capped.len(), 1);
        let c = &s.capped[0];
        assert_eq!(
            (c.province, c.measure.as_str(), c.bound),
            (66, "public_health", 2.5)
        );
        assert_eq!(c.requested, 5.0);
        assert!((c.applied - (2.5 - cur)).abs() < 1e-12);
        assert_eq!(s.capped_frame().unwrap().height(), 1);
        // a fall below the minimum is capped at the minimum
        let s = simulate(&t, &[pts(66, "6.1", -5.0)], Others::Stay).unwrap();
        assert_eq!(s.after[s61][p], Some(0.25));
        assert_eq!(s.capped[0].bound, 0.25);
    }

    /// Mixing levels for one province (d6 and 6.1), or naming one measure twice, is refused;
    /// different dimensions, or the same measure for different provinces, are fine.
    #[test]
    fn mixing_levels_refused() {
        let t = ScoreTable::from_published(2023).unwrap();
        let e = simulate(&t, &[pts(66, "d6", 0.1), pts(66, "6.1", 0.1)], Others::Stay);
        let Err(PapiError::InvalidArgument { argument, message }) = e else {
            panic!("{e:?}")
        };
        assert_eq!(argument, "changes");
        assert!(
            message.contains("\"d6\"") && message.contains("public_health"),
            "{message}"
        );
        assert!(
            simulate(
                &t,
                &[pts(66, "6.1", 0.1), pts(66, "public_health", 0.1)],
                Others::Stay
            )
            .is_err()
        );
        assert!(
            simulate(
                &t,
                &[pts(66, "total", 0.1), pts(66, "6.2", 0.1)],
                Others::Stay
            )
            .is_err()
        );
        let ok = simulate(
            &t,
            &[pts(66, "d1", 0.1), pts(66, "6.1", 0.1), pts(1, "6.1", 0.1)],
            Others::Stay,
        )
        .unwrap();
        let p = t.province_index(66).unwrap();
        let d = ok.after[ok.total][p].unwrap() - ok.before[ok.total][p].unwrap();
        assert!((d - 0.2).abs() < 1e-12);
        // unknown and not-that-year sub-dimensions name themselves
        for q in ["5.4", "9.1", "construction_permits", "public health care"] {
            let e = simulate(&t, &[pts(66, q, 0.1)], Others::Stay);
            assert!(
                matches!(&e, Err(PapiError::UnknownCode { code, .. }) if code == q),
                "{e:?}"
            );
        }
    }
}
