//! Loaded years: published results a user loads at run time (a new year's workbook, a tidy or wide
//! table), validated once and kept in a process-wide store that the published-data access path
//! (`published::check_year` / `year_rows` / `row`, `ScoreTable::from_published`) consults first,
//! so every analysis accepts a loaded year like an embedded one, on the 63 provinces or the 34
//! units of 2025.
//!
//! Input is a grid of text cells (the Python facade reads .xlsx / .csv / .parquet / DataFrames into
//! it): for tables the first row is the header; for the official workbook the sheet as it is.
//! Three layouts are detected: tidy (`province, measure, score[, se, ci_low, ci_high]`), wide (one
//! row per province, measure columns) and the official "provincial indicators" workbook (one column
//! per province, a header row of names, a "Mã tỉnh" row of GSO codes, one row per measure, a
//! "Thang điểm/Scale" column). Rows and columns of the workbook are found by their labels.
//!
//! A loaded year lives for the rest of the process: its rows are leaked once (`Box::leak`) so the
//! access path can hand out `&'static` rows like the embedded panel's; replacing a year leaks the
//! old copy (a few kilobytes per load).

use crate::columns::PROVINCE_CODE;
use crate::error::{PapiError, Problem, Result};
use crate::framework::Framework;
use crate::published::{FIRST_YEAR, LAST_YEAR, PublishedRow};
use crate::rank::rank_desc;
use crate::registry::{Era, registry};
use crate::scores::{Level, Measure, ScoreTable};
use crate::text::fold;
use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

/// Tolerance of the sum checks (dimensions -> total, sub-dimensions -> dimension).
pub const SUM_TOLERANCE: f64 = 5e-4;
/// Tolerance of the range checks: official sub-dimension values lie up to 1.6e-3 below their
/// nominal minimum 1/3 (2020 Phú Yên 8.1 = 0.33174181, 2022 Bến Tre 8.1 = 0.332350254, kept verbatim
/// in data/papi_subdimension_scores_2011_2024.csv), so a real file with them must load.
pub const RANGE_TOLERANCE: f64 = 5e-3;
/// z of a two-sided 95% interval, to turn a published CI into an SE when no SE row is given.
const Z95: f64 = 1.959_963_984_540_054;

/// The layout a table was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Tidy,
    Wide,
    Workbook,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Tidy => "tidy",
            Layout::Wide => "wide",
            Layout::Workbook => "workbook",
        }
    }
}

/// Text cells of one sheet or table. `sheet` is set for a workbook sheet (locations are then
/// `sheet NAME!D14`); otherwise the first row is the header (`row 12, column d4`).
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub sheet: Option<String>,
    pub cells: Vec<Vec<Option<String>>>,
}

/// Options of [`load`].
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub year: i64,
    /// Force the 63 provinces or the 34 units (detected when `None`).
    pub units: Option<Era>,
    /// Replace a year already present (embedded or loaded).
    pub replace: bool,
    /// The framework of the year (default: the year's own, or the latest for a later year).
    pub framework: Option<Framework>,
    /// Name of the source for messages (file name or "DataFrame").
    pub source: String,
}

/// One indicator row of a workbook: label, scale and one value per unit (aligned with
/// `LoadedYear::table.provinces`).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub label: String,
    pub scale: Option<String>,
    pub values: Vec<Option<f64>>,
    pub loc: String,
}

/// A validated loaded year.
#[derive(Debug, Clone)]
pub struct LoadedYear {
    pub year: u16,
    pub era: Era,
    pub layout: Layout,
    pub source: String,
    pub framework: Framework,
    /// "given", "builtin <year>" or "latest (<first>-<last>)".
    pub framework_note: String,
    /// One row per unit (all 63 provinces or all 34 units, absent ones with status
    /// `absent_in_source_data`), in code order.
    pub rows: Vec<PublishedRow>,
    /// Total, dimensions, sub-dimensions present in the file; SEs where the file has them.
    pub table: ScoreTable,
    pub indicators: Vec<IndicatorRow>,
    /// Headers/labels that were read but not used (weighted statistic rows, extra columns).
    pub ignored: Vec<String>,
}

type Store = BTreeMap<u16, &'static LoadedYear>;
static STORE: RwLock<Store> = RwLock::new(BTreeMap::new());

fn store_read() -> std::sync::RwLockReadGuard<'static, Store> {
    STORE
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The loaded year `year`, if any.
pub fn get(year: i64) -> Option<&'static LoadedYear> {
    let y = u16::try_from(year).ok()?;
    store_read().get(&y).copied()
}

/// Years loaded in this process, ascending.
pub fn years() -> Vec<u16> {
    store_read().keys().copied().collect()
}

/// The last year with results: the embedded `LAST_YEAR` or a later loaded year.
pub fn last_year() -> u16 {
    years()
        .into_iter()
        .max()
        .unwrap_or(LAST_YEAR)
        .max(LAST_YEAR)
}

/// The loaded table of `year` (the hook of `ScoreTable::from_published`).
pub fn score_table(year: i64) -> Option<ScoreTable> {
    get(year).map(|l| l.table.clone())
}

/// Era of a year: the loaded year's own, else the 63 provinces (embedded years).
pub fn era_of(year: i64) -> Era {
    get(year).map_or(Era::Provinces63, |l| l.era)
}

/// Forget a loaded year (the embedded data of that year, if any, is used again). True if it was loaded.
pub fn unload(year: i64) -> bool {
    let Ok(y) = u16::try_from(year) else {
        return false;
    };
    STORE
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .remove(&y)
        .is_some()
}

// ---------------------------------------------------------------------------------------------
// Reading cells into (unit, measure, statistic, value) entries.

/// What a value is of its measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Stat {
    Score,
    Se,
    CiLow,
    CiHigh,
    /// An indicator row of a workbook (kept apart, never a score).
    Indicator,
}

/// Dimension numbers above this are never PAPI dimensions ("12.5 ..." is an indicator label).
const MAX_DIMENSIONS: usize = 8;

/// A measure as the file labels it, resolved against the framework later.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum MeasureKey {
    Total,
    Dimension(usize),
    /// "n.m"
    Sub(usize, usize),
    /// A sub-dimension code (tidy / wide).
    SubCode(String),
}

/// One unit column (workbook) or row (tables) as written.
#[derive(Debug, Clone)]
struct UnitRef {
    query: String,
    code_hint: Option<String>,
    loc: String,
}

#[derive(Debug, Clone)]
struct Entry {
    unit: usize,
    measure: MeasureKey,
    stat: Stat,
    value: f64,
    loc: String,
}

/// An indicator row as read: label, scale, (unit, value), location.
type RawIndicator = (String, Option<String>, Vec<(usize, f64)>, String);

#[derive(Default)]
struct Parsed {
    units: Vec<UnitRef>,
    entries: Vec<Entry>,
    indicators: Vec<RawIndicator>,
    ignored: Vec<String>,
    /// A tidy/wide table without a recognised province column: the header of the first column,
    /// read as the province key instead (named in a problem if its values are not provinces).
    guessed_key: Option<String>,
}

/// The header names of a tidy/wide table's province key column (first match wins), or None:
/// then the first column is read as the key and `guessed_key` remembers its header.
fn province_column(h: &[String], p: &mut Parsed) -> usize {
    find_col(h, &PROVINCE_COLUMNS).unwrap_or_else(|| {
        p.guessed_key = Some(h.first().cloned().unwrap_or_default());
        0
    })
}

fn text(c: &Option<String>) -> Option<&str> {
    c.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Excel column letters of a 0-based index (0 -> A, 26 -> AA).
pub fn column_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn sheet_loc(sheet: &str, r: usize, c: usize) -> String {
    format!("sheet {sheet}!{}{}", column_letters(c), r + 1)
}

/// Parse a number; `None` for an empty / NA cell; `Err` for text.
fn number(s: Option<&str>) -> std::result::Result<Option<f64>, String> {
    let Some(t) = s else { return Ok(None) };
    let f = fold(t);
    if matches!(f.as_str(), "" | "na" | "nan" | "null" | "none" | "-" | "x") || t == "-" {
        return Ok(None);
    }
    let t2 = t.replace(',', ".");
    match t2.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(t.to_string()),
    }
}

/// Digits right after `prefix` in a folded label ("dimension3abc" -> 3).
fn number_after(f: &str, prefix: &str) -> Option<usize> {
    let rest = f.strip_prefix(prefix)?;
    let d: String = rest.chars().take_while(char::is_ascii_digit).collect();
    d.parse().ok()
}

/// "6.1 Public health" -> (6, 1); the label must start with "n.m".
fn leading_sub(label: &str) -> Option<(usize, usize)> {
    let t = label.trim();
    let a: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest = t[a.len()..].strip_prefix('.')?;
    let b: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = rest[b.len()..].chars().next();
    if a.is_empty() || b.is_empty() || after.is_some_and(|c| c == '.' || c.is_ascii_digit()) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Statistic of a row/column label, from its words ("Unweighted 95% CI Low", "Standard Error").
fn stat_of(label: &str) -> Option<Stat> {
    let f = fold(label);
    if f.contains("standarderror") || f.contains("saisochuan") || f.ends_with("_se") || f == "se" {
        Some(Stat::Se)
    } else if f.contains("cilow") || f.contains("lowerbound") || f.contains("cilower") {
        Some(Stat::CiLow)
    } else if f.contains("cihigh") || f.contains("upperbound") || f.contains("ciupper") {
        Some(Stat::CiHigh)
    } else {
        None
    }
}

/// A measure from a short code (tidy/wide): total, d4, D4, 6.1, a sub-dimension code.
fn measure_code(s: &str) -> Option<MeasureKey> {
    let t = s.trim();
    let f = fold(t);
    if matches!(
        f.as_str(),
        "total" | "tong" | "tongdiem" | "papi" | "papitotal"
    ) {
        return Some(MeasureKey::Total);
    }
    if let Some(n) = number_after(&f, "d").filter(|_| f.len() <= 3) {
        return Some(MeasureKey::Dimension(n));
    }
    if let Some(n) = number_after(&f, "dimension").filter(|_| f.len() <= 11) {
        return Some(MeasureKey::Dimension(n));
    }
    if let Some((a, b)) = leading_sub(t).filter(|_| t.len() <= 5) {
        return Some(MeasureKey::Sub(a, b));
    }
    None
}

/// A workbook row label -> measure: the total, "Dimension n" / "Chỉ số nội dung n", "n.m ...".
fn measure_label(label: &str) -> Option<MeasureKey> {
    let f = fold(label);
    if let Some(n) = number_after(&f, "dimension").or_else(|| number_after(&f, "chisonoidung")) {
        return Some(MeasureKey::Dimension(n));
    }
    if let Some((a, b)) = leading_sub(label) {
        return Some(MeasureKey::Sub(a, b));
    }
    if f.contains("total") || f.starts_with("tongdiem") || f.starts_with("chisopapi") {
        return Some(MeasureKey::Total);
    }
    measure_code(label)
}

fn is_weighted_only(label: &str) -> bool {
    let f = fold(label);
    (f.contains("weighted") && !f.contains("unweighted"))
        || (f.contains("cotrongso") && !f.contains("khongtrongso"))
}

fn is_empty_grid(g: &Grid) -> bool {
    g.cells.iter().all(|r| r.iter().all(|c| text(c).is_none()))
}

fn find_matinh(g: &Grid) -> Option<(usize, usize)> {
    for (r, row) in g.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // `province_code` (papikit's column name) heads the key column of a tidy/wide table,
            // not the workbook's row of codes.
            if let Some(t) = text(cell).filter(|t| !t.trim().eq_ignore_ascii_case(PROVINCE_CODE)) {
                let f = fold(t);
                if f.starts_with("matinh") || f == "gsocode" || f.starts_with("provincecode") {
                    return Some((r, c));
                }
            }
        }
    }
    None
}

fn find_scale(g: &Grid) -> Option<usize> {
    for row in &g.cells {
        for (c, cell) in row.iter().enumerate() {
            if let Some(t) = text(cell) {
                let f = fold(t);
                if f.starts_with("thangdiem") || f == "scale" {
                    return Some(c);
                }
            }
        }
    }
    None
}

/// Whether a sheet is in the official workbook layout.
fn looks_like_workbook(g: &Grid) -> bool {
    let named = g.sheet.as_deref().is_some_and(|s| {
        let f = fold(s);
        f.len() >= 4 && f[..4].chars().all(|c| c.is_ascii_digit()) && f.contains("vie")
    });
    named || find_matinh(g).is_some() || find_scale(g).is_some()
}

fn parse_workbook(g: &Grid, problems: &mut Vec<Problem>) -> Parsed {
    let sheet = g.sheet.clone().unwrap_or_else(|| "sheet".into());
    let mut p = Parsed::default();
    let Some((mr, lc)) = find_matinh(g) else {
        problems.push(Problem::new(
            format!("sheet {sheet}"),
            "missing_row",
            "no row labelled \"Mã tỉnh\" (the GSO codes of the province columns); add it under the header row of province names",
        ));
        return p;
    };
    let scale_col = find_scale(g);
    let width = g.cells.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |r: usize, c: usize| g.cells.get(r).and_then(|row| row.get(c)).and_then(text);
    // The header row of names: the nearest row above "Mã tỉnh" with text right of the labels.
    let header = (0..mr).rev().find(|&r| {
        (lc + 1..width)
            .filter(|&c| Some(c) != scale_col)
            .any(|c| cell(r, c).is_some())
    });
    let mut cols = Vec::new();
    for c in lc + 1..width {
        if Some(c) == scale_col {
            continue;
        }
        let name = header.and_then(|h| cell(h, c));
        let code = cell(mr, c);
        if name.is_none() && code.is_none() {
            continue; // separator column
        }
        cols.push(c);
        p.units.push(UnitRef {
            query: name.or(code).unwrap_or_default().to_string(),
            code_hint: code.map(str::to_string),
            loc: sheet_loc(&sheet, header.unwrap_or(mr), c),
        });
    }
    if cols.is_empty() {
        problems.push(Problem::new(
            sheet_loc(&sheet, mr, lc),
            "no_provinces",
            "no province columns right of the \"Mã tỉnh\" label",
        ));
        return p;
    }
    // An indicator row: kept with its scale and values; returns the "skip" marker.
    let indicator_row = |p: &mut Parsed,
                         problems: &mut Vec<Problem>,
                         label: &str,
                         r: usize|
     -> (MeasureKey, Stat) {
        let scale = scale_col.and_then(|c| cell(r, c)).map(str::to_string);
        let mut vals = Vec::new();
        for (u, &c) in cols.iter().enumerate() {
            match number(cell(r, c)) {
                Ok(Some(v)) => vals.push((u, v)),
                Ok(None) => {}
                Err(t) => problems.push(Problem::new(
                    sheet_loc(&sheet, r, c),
                    "not_a_number",
                    format!("{t:?} is not a number"),
                )),
            }
        }
        p.indicators
            .push((label.to_string(), scale, vals, sheet_loc(&sheet, r, lc)));
        (MeasureKey::Total, Stat::Indicator)
    };
    let mut last: Option<MeasureKey> = None;
    let mut seen_measure = false;
    for r in mr + 1..g.cells.len() {
        let Some(label) = cell(r, lc) else { continue };
        if is_weighted_only(label) {
            p.ignored
                .push(format!("{} {label:?}", sheet_loc(&sheet, r, lc)));
            continue;
        }
        let (key, stat) = match stat_of(label) {
            Some(st) => match &last {
                Some(k) => (k.clone(), st),
                None => {
                    p.ignored
                        .push(format!("{} {label:?}", sheet_loc(&sheet, r, lc)));
                    continue;
                }
            },
            None => match measure_label(label) {
                // "12.5 ..." after the measures is an indicator label, not sub-dimension 12.5.
                Some(MeasureKey::Sub(a, _)) if seen_measure && a > MAX_DIMENSIONS => {
                    indicator_row(&mut p, problems, label, r)
                }
                Some(k) if !matches!(k, MeasureKey::Total) || !seen_measure => (k, Stat::Score),
                _ if seen_measure => indicator_row(&mut p, problems, label, r),
                _ => {
                    p.ignored
                        .push(format!("{} {label:?}", sheet_loc(&sheet, r, lc)));
                    continue;
                }
            },
        };
        if stat == Stat::Indicator {
            last = None;
            continue;
        }
        seen_measure = true;
        if stat == Stat::Score {
            last = Some(key.clone());
        }
        for (u, &c) in cols.iter().enumerate() {
            let loc = sheet_loc(&sheet, r, c);
            match number(cell(r, c)) {
                Ok(Some(v)) => p.entries.push(Entry {
                    unit: u,
                    measure: key.clone(),
                    stat,
                    value: v,
                    loc,
                }),
                Ok(None) => {}
                Err(t) => problems.push(Problem::new(
                    loc,
                    "not_a_number",
                    format!("{t:?} is not a number"),
                )),
            }
        }
    }
    p
}

/// Column names of a table (first row), folded for matching.
fn header(g: &Grid) -> Vec<String> {
    g.cells
        .first()
        .map(|r| {
            r.iter()
                .map(|c| text(c).unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn find_col(h: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| h.iter().position(|c| fold(c) == fold(n)))
}

/// Header names of the province column, first match wins: the key (`province_code`, then its
/// aliases), then name columns.
const PROVINCE_COLUMNS: [&str; 13] = [
    PROVINCE_CODE,
    "province",
    "unit",
    "tinh",
    "tỉnh",
    "code",
    "gso_code",
    "mã tỉnh",
    "name_vi",
    "name_en",
    crate::columns::PROVINCE_NAME,
    crate::columns::PROVINCE_NAME_EN,
    "name",
];

/// The province cell (column `pc`, named `col`) of table row `i`; a row with other cells but no
/// province is a located `empty_province` problem (an empty row is skipped silently).
fn row_province<'r>(
    row: &'r [Option<String>],
    i: usize,
    pc: usize,
    col: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'r str> {
    let q = row.get(pc).and_then(text);
    if q.is_none() && row.iter().any(|c| text(c).is_some()) {
        problems.push(Problem::new(
            table_loc(i, col),
            "empty_province",
            "empty province",
        ));
    }
    q
}

fn table_loc(r: usize, col: &str) -> String {
    format!("row {r}, column {col}")
}

fn parse_tidy(g: &Grid, h: &[String], problems: &mut Vec<Problem>) -> Parsed {
    let mut p = Parsed::default();
    let pc = province_column(h, &mut p);
    let mc = find_col(h, &["measure"]).unwrap_or(1);
    let sc = find_col(h, &["score", "value"]).unwrap_or(2);
    let stats: Vec<(usize, Stat)> = [
        (["se", "standard_error"], Stat::Se),
        (["ci_low", "lower"], Stat::CiLow),
        (["ci_high", "upper"], Stat::CiHigh),
    ]
    .iter()
    .filter_map(|(n, s)| find_col(h, n).map(|c| (c, *s)))
    .chain(std::iter::once((sc, Stat::Score)))
    .collect();
    let mut unit_of: HashMap<String, usize> = HashMap::new();
    for (i, row) in g.cells.iter().enumerate().skip(1) {
        let get = |c: usize| row.get(c).and_then(text);
        let Some(q) = row_province(row, i, pc, &h[pc], problems) else {
            continue;
        };
        let u = *unit_of.entry(fold(q)).or_insert_with(|| {
            p.units.push(UnitRef {
                query: q.to_string(),
                code_hint: None,
                loc: table_loc(i, &h[pc]),
            });
            p.units.len() - 1
        });
        let Some(ml) = get(mc) else {
            problems.push(Problem::new(
                table_loc(i, &h[mc]),
                "empty_measure",
                "empty measure",
            ));
            continue;
        };
        let key = measure_code(ml).unwrap_or_else(|| MeasureKey::SubCode(ml.to_string()));
        for &(c, st) in &stats {
            let loc = table_loc(i, &h[c]);
            match number(get(c)) {
                Ok(Some(v)) => p.entries.push(Entry {
                    unit: u,
                    measure: key.clone(),
                    stat: st,
                    value: v,
                    loc,
                }),
                Ok(None) => {}
                Err(t) => problems.push(Problem::new(
                    loc,
                    "not_a_number",
                    format!("{t:?} is not a number"),
                )),
            }
        }
    }
    p
}

/// A wide column -> (measure, statistic): "d4", "total_se", "6.1_ci_low", a sub-dimension code.
fn wide_column(name: &str, sub_codes: &[String]) -> Option<(MeasureKey, Stat)> {
    let n = name.trim();
    for (suffix, st) in [
        ("_se", Stat::Se),
        ("_ci_low", Stat::CiLow),
        ("_ci_high", Stat::CiHigh),
    ] {
        if let Some(base) = n.strip_suffix(suffix) {
            return wide_column(base, sub_codes)
                .filter(|(_, s)| *s == Stat::Score)
                .map(|(k, _)| (k, st));
        }
    }
    if let Some(k) = measure_code(n) {
        return Some((k, Stat::Score));
    }
    sub_codes
        .iter()
        .any(|c| c == n)
        .then(|| (MeasureKey::SubCode(n.to_string()), Stat::Score))
}

fn parse_wide(g: &Grid, h: &[String], fw: &Framework, problems: &mut Vec<Problem>) -> Parsed {
    let mut p = Parsed::default();
    let sub_codes: Vec<String> = fw.subdimensions().map(|(_, s)| s.code.clone()).collect();
    let pc = province_column(h, &mut p);
    let mut cols = Vec::new();
    for (c, name) in h.iter().enumerate() {
        if c == pc {
            continue;
        }
        match wide_column(name, &sub_codes) {
            Some(k) => cols.push((c, k)),
            None => p.ignored.push(format!("column {name}")),
        }
    }
    for (i, row) in g.cells.iter().enumerate().skip(1) {
        let get = |c: usize| row.get(c).and_then(text);
        let Some(q) = row_province(row, i, pc, &h[pc], problems) else {
            continue;
        };
        p.units.push(UnitRef {
            query: q.to_string(),
            code_hint: None,
            loc: table_loc(i, &h[pc]),
        });
        let u = p.units.len() - 1;
        for (c, (key, st)) in &cols {
            let loc = table_loc(i, &h[*c]);
            match number(get(*c)) {
                Ok(Some(v)) => p.entries.push(Entry {
                    unit: u,
                    measure: key.clone(),
                    stat: *st,
                    value: v,
                    loc,
                }),
                Ok(None) => {}
                Err(t) => problems.push(Problem::new(
                    loc,
                    "not_a_number",
                    format!("{t:?} is not a number"),
                )),
            }
        }
    }
    p
}

// ---------------------------------------------------------------------------------------------
// Resolution and validation.

/// The key of a 2025 unit in a 34-unit table: the GSO code of the member province whose name the
/// unit carries (Lào Cai -> 10, not the unit's official code 15, which was Yên Bái's), so names,
/// regions and lookups resolve through the 63-province registry. Falls back to the unit's code.
pub fn unit_key(u: &crate::registry::Unit2025) -> u16 {
    let reg = registry().ok();
    let name = fold(&u.name_vi);
    u.members
        .iter()
        .copied()
        .find(|&m| {
            reg.and_then(|r| r.by_code(m))
                .is_some_and(|p| fold(&p.name_vi) == name || name.ends_with(&fold(&p.name_vi)))
        })
        .unwrap_or(u.code)
}

/// The 34 unit keys (see [`unit_key`]) in code order.
pub fn unit_keys() -> Result<Vec<u16>> {
    let mut v: Vec<u16> = registry()?.units.iter().map(unit_key).collect();
    v.sort_unstable();
    Ok(v)
}

/// The 2025 unit whose key is `key`.
pub fn unit_of_key(key: u16) -> Option<&'static crate::registry::Unit2025> {
    registry().ok()?.units.iter().find(|u| unit_key(u) == key)
}

/// The framework of a loaded year: the one given, the year's builtin, or the latest builtin.
fn framework_for(year: i64, given: Option<Framework>) -> Result<(Framework, String)> {
    if let Some(f) = given {
        return Ok((f, "given".into()));
    }
    if (i64::from(FIRST_YEAR)..=i64::from(LAST_YEAR)).contains(&year) {
        return Ok((crate::framework::builtin(year)?, format!("builtin {year}")));
    }
    if year > i64::from(LAST_YEAR) {
        let f = crate::framework::builtin(i64::from(LAST_YEAR))?;
        let note = format!(
            "latest ({}-{}), reused for {year}: pass framework= if the structure changed",
            f.first_year, f.last_year
        );
        return Ok((f, note));
    }
    Err(PapiError::InvalidArgument {
        argument: "framework".into(),
        message: format!(
            "no PAPI framework is known for {year} (PAPI starts in {FIRST_YEAR}); pass framework="
        ),
    })
}

/// Resolve every unit: by name (or code) in the era, the code hint checked against the name.
fn resolve_units(
    units: &[UnitRef],
    era: Era,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Option<u16>>> {
    let reg = registry()?;
    let one = |q: &str| -> Option<u16> {
        match era {
            Era::Provinces63 => reg.lookup(q).ok().map(|p| p.code),
            Era::Units34 => reg.lookup_unit(q).ok().map(unit_key),
        }
    };
    let mut out = Vec::with_capacity(units.len());
    let mut first_at: HashMap<u16, &str> = HashMap::new();
    for u in units {
        let by_name = one(&u.query);
        let by_code = u.code_hint.as_deref().and_then(one);
        let code = match (by_name, by_code) {
            (Some(a), Some(b)) if a != b => {
                problems.push(Problem::new(
                    u.loc.clone(),
                    "code_mismatch",
                    format!(
                        "{:?} is {} but its \"Mã tỉnh\" code {:?} is {}",
                        u.query,
                        crate::registry::name_vi(a),
                        u.code_hint.as_deref().unwrap_or_default(),
                        crate::registry::name_vi(b)
                    ),
                ));
                None
            }
            (Some(a), _) => Some(a),
            (None, Some(b)) => Some(b),
            (None, None) => {
                let sugg = reg.suggestions(&u.query);
                problems.push(Problem::new(
                    u.loc.clone(),
                    "unknown_province",
                    format!(
                        "unknown {} {:?}; did you mean {}?",
                        if era == Era::Units34 {
                            "unit"
                        } else {
                            "province"
                        },
                        u.query,
                        sugg.join(", ")
                    ),
                ));
                None
            }
        };
        if let Some(c) = code {
            if let Some(prev) = first_at.get(&c) {
                problems.push(Problem::new(
                    u.loc.clone(),
                    "duplicate_province",
                    format!(
                        "{:?} is {} again (first at {prev})",
                        u.query,
                        crate::registry::name_vi(c)
                    ),
                ));
                out.push(None);
                continue;
            }
            first_at.insert(c, &u.loc);
        }
        out.push(code);
    }
    Ok(out)
}

/// 34 when every unit resolves to a distinct unit of 2025 that is not a merged-away province,
/// and there are at most 34 of them; otherwise 63.
fn detect_era(units: &[UnitRef]) -> Result<Era> {
    let reg = registry()?;
    if units.is_empty() || units.len() > 34 {
        return Ok(Era::Provinces63);
    }
    // A unit is named by its own name (its key province) or given by its official code.
    let is_unit = |q: &str| -> bool {
        let Ok(unit) = reg.lookup_unit(q) else {
            return false;
        };
        let q = q.trim();
        if !q.is_empty() && q.chars().all(|c| c.is_ascii_digit()) {
            return q
                .parse::<u16>()
                .is_ok_and(|c| c == unit.code || c == unit_key(unit));
        }
        reg.lookup(q).is_ok_and(|p| p.code == unit_key(unit))
    };
    let all_units = units
        .iter()
        .all(|u| is_unit(&u.query) || u.code_hint.as_deref().is_some_and(is_unit));
    Ok(if all_units {
        Era::Units34
    } else {
        Era::Provinces63
    })
}

/// Measure code in the framework, or a problem.
fn measure_in(fw: &Framework, key: &MeasureKey) -> std::result::Result<String, String> {
    let nd = fw.dimensions.len();
    match key {
        MeasureKey::Total => Ok("total".into()),
        MeasureKey::Dimension(n) if (1..=nd).contains(n) => Ok(fw.dimensions[n - 1].code.clone()),
        MeasureKey::Dimension(n) => Err(format!(
            "dimension {n} is not in the framework ({nd} dimensions)"
        )),
        MeasureKey::Sub(a, b) => fw
            .dimensions
            .get(a.wrapping_sub(1))
            .and_then(|d| {
                let num = format!("{a}.{b}");
                d.subdimensions
                    .iter()
                    .find(|s| s.number == num)
                    .or_else(|| d.subdimensions.get(b.wrapping_sub(1)))
            })
            .map(|s| s.code.clone())
            .ok_or_else(|| format!("sub-dimension {a}.{b} is not in the framework")),
        MeasureKey::SubCode(c) => fw
            .subdimensions()
            .find(|(_, s)| s.code == *c || s.number == *c)
            .map(|(_, s)| s.code.clone())
            .ok_or_else(|| {
                format!(
                    "unknown measure {c:?}; use total, d1..d{nd}, \"n.m\" or a sub-dimension code"
                )
            }),
    }
}

/// Score range of a measure code in the framework.
fn range_of(fw: &Framework, code: &str) -> (f64, f64) {
    if code == "total" {
        return fw.total_range();
    }
    if fw.dimensions.iter().any(|d| d.code == code) {
        return (1.0, 10.0);
    }
    fw.dimensions
        .iter()
        .find(|d| d.subdimensions.iter().any(|s| s.code == code))
        .map_or((f64::NEG_INFINITY, f64::INFINITY), |d| {
            d.subdimension_range()
        })
}

/// Values of one statistic: (measure code, unit code) -> (value, location).
type Values = HashMap<(String, u16), (f64, String)>;

struct Collected {
    by_stat: HashMap<Stat, Values>,
}

fn collect(
    p: &Parsed,
    codes: &[Option<u16>],
    fw: &Framework,
    problems: &mut Vec<Problem>,
) -> Collected {
    let mut by_stat: HashMap<Stat, Values> = HashMap::new();
    let mut bad_measures: BTreeMap<String, String> = BTreeMap::new();
    for e in &p.entries {
        let Some(unit) = codes.get(e.unit).copied().flatten() else {
            continue;
        };
        let code = match measure_in(fw, &e.measure) {
            Ok(c) => c,
            Err(msg) => {
                bad_measures.entry(msg).or_insert_with(|| e.loc.clone());
                continue;
            }
        };
        let slot = by_stat.entry(e.stat).or_default();
        if let Some((_, first)) = slot.get(&(code.clone(), unit)) {
            problems.push(Problem::new(
                e.loc.clone(),
                "duplicate_value",
                format!(
                    "a second {code} value for {} (first at {first})",
                    crate::registry::name_vi(unit)
                ),
            ));
            continue;
        }
        slot.insert((code, unit), (e.value, e.loc.clone()));
    }
    for (msg, loc) in bad_measures {
        problems.push(Problem::new(loc, "unknown_measure", msg));
    }
    Collected { by_stat }
}

fn check_values(c: &Collected, fw: &Framework, problems: &mut Vec<Problem>) {
    let empty = Values::new();
    let scores = c.by_stat.get(&Stat::Score).unwrap_or(&empty);
    let mut sorted: Vec<_> = scores.iter().collect();
    sorted.sort_by(|a, b| a.1.1.cmp(&b.1.1));
    for ((code, _), (v, loc)) in &sorted {
        let (lo, hi) = range_of(fw, code);
        if *v < lo - RANGE_TOLERANCE || *v > hi + RANGE_TOLERANCE {
            problems.push(Problem::new(
                loc.clone(),
                "out_of_range",
                format!("{code} = {v} is outside its range {lo:.4}..{hi:.4}"),
            ));
        }
    }
    if let Some(se) = c.by_stat.get(&Stat::Se) {
        for (v, loc) in se.values() {
            if *v < 0.0 {
                problems.push(Problem::new(
                    loc.clone(),
                    "negative_se",
                    format!("standard error {v} is negative"),
                ));
            }
        }
    }
    // Sums: dimensions -> total, sub-dimensions -> their dimension (only when all parts are given).
    let units: std::collections::BTreeSet<u16> = scores.keys().map(|k| k.1).collect();
    for u in units {
        let get = |m: &str| scores.get(&(m.to_string(), u));
        let parts: Vec<Option<f64>> = fw
            .dimensions
            .iter()
            .map(|d| get(&d.code).map(|x| x.0))
            .collect();
        if let (Some((t, loc)), true) = (get("total"), parts.iter().all(Option::is_some)) {
            let s: f64 = parts.iter().flatten().sum();
            if (s - t).abs() > SUM_TOLERANCE {
                problems.push(Problem::new(
                    loc.clone(),
                    "dimensions_do_not_sum",
                    format!(
                        "the dimensions of {} sum to {s:.6} but the total is {t:.6} (difference {:.6} > {SUM_TOLERANCE})",
                        crate::registry::name_vi(u),
                        (s - t).abs()
                    ),
                ));
            }
        }
        for d in &fw.dimensions {
            let subs: Vec<Option<f64>> = d
                .subdimensions
                .iter()
                .map(|s| get(&s.code).map(|x| x.0))
                .collect();
            if subs.is_empty() || !subs.iter().all(Option::is_some) {
                continue;
            }
            if let Some((v, loc)) = get(&d.code) {
                let s: f64 = subs.iter().flatten().sum();
                if (s - v).abs() > SUM_TOLERANCE {
                    problems.push(Problem::new(
                        loc.clone(),
                        "subdimensions_do_not_sum",
                        format!(
                            "the sub-dimensions of {} of {} sum to {s:.6} but the dimension is {v:.6}",
                            d.code,
                            crate::registry::name_vi(u)
                        ),
                    ));
                }
            }
        }
    }
}

fn build(
    year: u16,
    era: Era,
    fw: &Framework,
    c: &Collected,
) -> Result<(ScoreTable, Vec<PublishedRow>)> {
    let reg = registry()?;
    let provinces: Vec<u16> = match era {
        Era::Provinces63 => reg.provinces.iter().map(|p| p.code).collect(),
        Era::Units34 => unit_keys()?,
    };
    let empty = Values::new();
    let scores = c.by_stat.get(&Stat::Score).unwrap_or(&empty);
    let nd = fw.dimensions.len();
    let (tmin, tmax) = fw.total_range();
    let mut measures = vec![Measure {
        code: "total".into(),
        level: Level::Total,
        parent: None,
        name_en: "PAPI total".into(),
        name_vi: "Tổng điểm PAPI".into(),
        min: tmin,
        max: tmax,
    }];
    for d in &fw.dimensions {
        measures.push(Measure {
            code: d.code.clone(),
            level: Level::Dimension,
            parent: Some("total".into()),
            name_en: d.name_en.clone(),
            name_vi: d.name_vi.clone(),
            min: 1.0,
            max: 10.0,
        });
    }
    for d in &fw.dimensions {
        let any = d
            .subdimensions
            .iter()
            .any(|s| scores.keys().any(|k| k.0 == s.code));
        if !any {
            continue;
        }
        let (min, max) = d.subdimension_range();
        for s in &d.subdimensions {
            measures.push(Measure {
                code: s.code.clone(),
                level: Level::Subdimension,
                parent: Some(d.code.clone()),
                name_en: s.name_en.clone(),
                name_vi: s.name_vi.clone(),
                min,
                max,
            });
        }
    }
    let grid = |vals: &Values| -> Vec<Vec<Option<f64>>> {
        measures
            .iter()
            .map(|m| {
                provinces
                    .iter()
                    .map(|&p| vals.get(&(m.code.clone(), p)).map(|x| x.0))
                    .collect()
            })
            .collect()
    };
    let values = grid(scores);
    let se_given = c.by_stat.get(&Stat::Se).map(grid);
    let lo = c.by_stat.get(&Stat::CiLow).map(grid);
    let hi = c.by_stat.get(&Stat::CiHigh).map(grid);
    let se = if se_given.is_some() || (lo.is_some() && hi.is_some()) {
        let mut out = vec![vec![None; provinces.len()]; measures.len()];
        for (m, row) in out.iter_mut().enumerate() {
            for (p, cell) in row.iter_mut().enumerate() {
                let given = se_given.as_ref().and_then(|g| g[m][p]);
                let from_ci = match (&lo, &hi) {
                    (Some(l), Some(h)) => match (l[m][p], h[m][p]) {
                        (Some(a), Some(b)) => Some((b - a) / (2.0 * Z95)),
                        _ => None,
                    },
                    _ => None,
                };
                *cell = given.or(from_ci);
            }
        }
        Some(out)
    } else {
        None
    };
    let table = ScoreTable {
        year,
        source: "published".into(),
        provinces: provinces.clone(),
        measures,
        values,
        se,
        replicates: None,
    };
    table.validate()?;
    let totals = &table.values[0];
    let ranks = rank_desc(totals);
    let n_ranked = totals.iter().filter(|v| v.is_some()).count() as u32;
    let rows = provinces
        .iter()
        .enumerate()
        .map(|(i, &code)| {
            let mut dims = [None; 8];
            for (k, d) in dims.iter_mut().enumerate().take(nd.min(8)) {
                *d = table.values[k + 1][i];
            }
            let total = totals[i];
            let status = if total.is_some() {
                "ranked"
            } else if dims.iter().any(Option::is_some) {
                "partial_dimensions_no_total"
            } else {
                "absent_in_source_data"
            };
            PublishedRow {
                year,
                code,
                dims,
                total,
                rank: ranks[i],
                n_ranked,
                status: status.into(),
            }
        })
        .collect();
    Ok((table, rows))
}

fn invalid(source: &str, problems: Vec<Problem>) -> PapiError {
    PapiError::InvalidPublished {
        source_name: source.to_string(),
        problems,
    }
}

/// Read, validate and store a year. Every problem of the file is reported together in one
/// [`PapiError::InvalidPublished`], each located at its cell.
pub fn load(grid: &Grid, opts: LoadOptions) -> Result<&'static LoadedYear> {
    let source = opts.source.clone();
    let where_ = grid
        .sheet
        .as_ref()
        .map_or_else(|| source.clone(), |s| format!("sheet {s}"));
    let year = u16::try_from(opts.year)
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| PapiError::InvalidArgument {
            argument: "year".into(),
            message: format!("{}; pass the survey year, e.g. year=2025", opts.year),
        })?;
    let embedded = (FIRST_YEAR..=LAST_YEAR).contains(&year);
    if (embedded || get(opts.year).is_some()) && !opts.replace {
        return Err(invalid(
            &source,
            vec![Problem::new(
                format!("year {year}"),
                "year_present",
                format!(
                    "{year} is already {} ; pass replace=True to use this file instead for the rest of the process",
                    if embedded { "embedded" } else { "loaded" }
                ),
            )],
        ));
    }
    if is_empty_grid(grid) {
        return Err(invalid(
            &source,
            vec![Problem::new(
                where_,
                "empty",
                "the sheet/table has no cells with values",
            )],
        ));
    }
    let (fw, framework_note) = framework_for(opts.year, opts.framework.clone())?;
    let mut problems = Vec::new();
    let (layout, parsed) = if looks_like_workbook(grid) {
        (Layout::Workbook, parse_workbook(grid, &mut problems))
    } else {
        let h = header(grid);
        if find_col(&h, &["measure"]).is_some() && find_col(&h, &["score", "value"]).is_some() {
            (Layout::Tidy, parse_tidy(grid, &h, &mut problems))
        } else {
            (Layout::Wide, parse_wide(grid, &h, &fw, &mut problems))
        }
    };
    if parsed.units.is_empty() && problems.is_empty() {
        problems.push(Problem::new(
            where_.clone(),
            "no_provinces",
            "no province rows/columns found",
        ));
    }
    let era = match opts.units {
        Some(e) => e,
        None => detect_era(&parsed.units)?,
    };
    let codes = resolve_units(&parsed.units, era, &mut problems)?;
    if let Some(first) = &parsed.guessed_key
        && problems.iter().any(|p| p.kind == "unknown_province")
    {
        problems.push(Problem::new(
            format!("column {first}"),
            "missing_column",
            format!(
                "no province column: expected {PROVINCE_CODE:?} (or its aliases {}, or a column of province names); the first column {first:?} was read as the province",
                crate::columns::PROVINCE_CODE_ALIASES
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let collected = collect(&parsed, &codes, &fw, &mut problems);
    check_values(&collected, &fw, &mut problems);
    if collected
        .by_stat
        .get(&Stat::Score)
        .is_none_or(|v| v.is_empty())
        && problems.is_empty()
    {
        problems.push(Problem::new(
            where_,
            "no_scores",
            "no scores found (expected total, d1..d8 or n.m measures)",
        ));
    }
    if !problems.is_empty() {
        return Err(invalid(&source, problems));
    }
    let (table, rows) = build(year, era, &fw, &collected)?;
    let units: Vec<u16> = table.provinces.clone();
    let indicators = parsed
        .indicators
        .into_iter()
        .map(|(label, scale, vals, loc)| {
            let mut values = vec![None; units.len()];
            for (u, v) in vals {
                if let Some(code) = codes.get(u).copied().flatten()
                    && let Some(i) = units.iter().position(|&c| c == code)
                {
                    values[i] = Some(v);
                }
            }
            IndicatorRow {
                label,
                scale,
                values,
                loc,
            }
        })
        .collect();
    let loaded: &'static LoadedYear = Box::leak(Box::new(LoadedYear {
        year,
        era,
        layout,
        source,
        framework: fw,
        framework_note,
        rows,
        table,
        indicators,
        ignored: parsed.ignored,
    }));
    STORE
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(year, loaded);
    Ok(loaded)
}

/// Number of dimensions of a loaded year (its framework's), if loaded.
pub fn n_dimensions(year: u16) -> Option<usize> {
    get(i64::from(year)).map(|l| l.framework.dimensions.len())
}

#[cfg(test)]
mod tests;
