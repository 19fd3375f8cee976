//! Responsible-agency view: which provincial departments own which PAPI dimensions and
//! sub-dimensions, and each agency's share of a province's gaps.
//!
//! The built-in table (data/agencies.csv) follows the Đắk Lắk plan "Nâng cao Chỉ số PAPI cấp tỉnh
//! năm 2024" (section II): each row assigns an agency to a dimension (`D1`..`D8`) and optionally a
//! sub-dimension id (as in data/papi_subdimensions.csv, e.g. `public_health`), with `role`
//! (`lead` = named alone or as "chủ trì"; `shared` = named jointly) and `source` quoting the plan
//! paragraph. Users may replace it with their own table (validated: unknown dimension,
//! sub-dimension or agency codes are an error naming them).
//!
//! Attribution in [`AgencyTable::by_agency`]: an agency is attributed the gap of each measure it
//! owns — the sub-dimension's gap when the gap table has sub-dimensions, otherwise the gap of the
//! dimension (several sub-dimension assignments in one dimension then collapse to one row). Several
//! agencies can own the same measure (`n_agencies_sharing`): responsibility is shared, so agencies'
//! shares are **not** additive across agencies.

use crate::analysis::gap::GapResult;
use crate::csv::Table;
use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

const AGENCIES_CSV: &str = include_str!("../../data/agencies.csv");
const SUBDIMENSIONS_CSV: &str = include_str!("../../data/papi_subdimensions.csv");

/// An agency (department, inspectorate, people's committee level ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Agency {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// One assignment of an agency to a dimension or sub-dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub agency: String,
    /// "d1".."d8".
    pub dimension: String,
    pub subdimension: Option<String>,
    pub role: String,
    pub source: String,
}

/// Agencies and their assignments.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyTable {
    pub agencies: Vec<Agency>,
    pub assignments: Vec<Assignment>,
}

/// Sub-dimension id -> dimension ("d1".."d8"), from the embedded sub-dimension table.
pub fn subdimension_dimensions() -> Result<BTreeMap<String, String>> {
    let t = Table::parse("papi_subdimensions.csv", SUBDIMENSIONS_CSV)?;
    let (ci, cd) = (t.col("id")?, t.col("dimension")?);
    Ok(t.rows
        .iter()
        .map(|r| (r[ci].clone(), r[cd].to_ascii_lowercase()))
        .collect())
}

fn dimension_code(s: &str) -> Option<String> {
    let c = s.trim().to_ascii_lowercase();
    crate::published::DIMENSION_COLUMNS
        .contains(&c.as_str())
        .then_some(c)
}

/// The part of a gap row the agency view needs.
struct AgencyGap {
    code: String,
    /// The parent measure's code (a sub-dimension's dimension), when known.
    parent: Option<String>,
    name: String,
    gap: Option<f64>,
    share: Option<f64>,
    significant: Option<bool>,
}

/// Roles, sub-dimensions and plan quotes of one (agency, measure) cell.
type Cell = (BTreeSet<String>, BTreeSet<String>, Vec<String>);

/// Raw rows: agency code, optional names, dimension, optional sub-dimension, role, source.
struct RawRow {
    agency: Option<String>,
    name_vi: Option<String>,
    name_en: Option<String>,
    dimension: Option<String>,
    subdimension: Option<String>,
    role: Option<String>,
    source: Option<String>,
    /// The names come from a one-language `agency` column: a known code keeps its own names.
    fallback_names: bool,
}

/// Problems found while validating the rows, reported together after the pass.
#[derive(Default)]
struct Problems {
    bad_dims: BTreeSet<String>,
    bad_subs: BTreeSet<String>,
    bad_agencies: BTreeSet<String>,
    mismatched: Vec<String>,
}

/// A cell naming several agencies ("khcn, nn_mt" or "khcn; nn_mt", as tables and plan exports
/// write them) is one row per agency: the codes split on "," / ";", the names too when they split
/// into as many parts (else the names are looked up by code), the role kept.
fn split_multi(rows: Vec<RawRow>) -> Vec<RawRow> {
    let parts = |s: &str| -> Vec<String> {
        s.split([',', ';'])
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let codes = r.agency.as_deref().map(parts).unwrap_or_default();
        if codes.len() < 2 {
            out.push(r);
            continue;
        }
        let names = |n: &Option<String>| -> Vec<Option<String>> {
            let p = n.as_deref().map(parts).unwrap_or_default();
            if p.len() == codes.len() {
                p.into_iter().map(Some).collect()
            } else {
                vec![None; codes.len()]
            }
        };
        let (vi, en) = (names(&r.name_vi), names(&r.name_en));
        for (k, code) in codes.iter().enumerate() {
            out.push(RawRow {
                agency: Some(code.clone()),
                name_vi: vi[k].clone(),
                name_en: en[k].clone(),
                dimension: r.dimension.clone(),
                subdimension: r.subdimension.clone(),
                role: r.role.clone(),
                source: r.source.clone(),
                fallback_names: r.fallback_names,
            });
        }
    }
    out
}

fn validate(rows: Vec<RawRow>, known: Option<&AgencyTable>) -> Result<AgencyTable> {
    let subs = subdimension_dimensions()?;
    let mut problems = Problems::default();
    let mut agencies: Vec<Agency> = Vec::new();
    let mut assignments = Vec::new();
    for (i, r) in split_multi(rows).into_iter().enumerate() {
        let code = agency_code(r.agency, i + 1)?;
        let raw_dim = r.dimension.unwrap_or_default();
        let Some(dim) = dimension_code(&raw_dim) else {
            problems.bad_dims.insert(if raw_dim.is_empty() {
                "<empty>".to_string()
            } else {
                raw_dim
            });
            continue;
        };
        let sub = r
            .subdimension
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if let Some(s) = &sub {
            check_subdimension(&subs, s, &dim, &mut problems);
        }
        let is_known = known.is_some_and(|k| k.agencies.iter().any(|a| a.code == code));
        let (name_vi, name_en) = if r.fallback_names && is_known {
            (None, None)
        } else {
            (r.name_vi, r.name_en)
        };
        add_agency(&code, name_vi, name_en, known, &mut agencies, &mut problems);
        assignments.push(Assignment {
            agency: code,
            dimension: dim,
            subdimension: sub,
            role: r
                .role
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "shared".into()),
            source: r.source.unwrap_or_default(),
        });
    }
    report(problems, &subs, known)?;
    if assignments.is_empty() {
        return Err(PapiError::InvalidArgument {
            argument: "agency table".into(),
            message: "the table has no rows".into(),
        });
    }
    Ok(AgencyTable {
        agencies,
        assignments,
    })
}

/// The row's agency code (required).
fn agency_code(agency: Option<String>, line: usize) -> Result<String> {
    agency
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| PapiError::InvalidArgument {
            argument: "agency table".into(),
            message: format!("row {line} has no agency_code"),
        })
}

/// A sub-dimension must exist and belong to the row's dimension.
fn check_subdimension(
    subs: &BTreeMap<String, String>,
    sub: &str,
    dim: &str,
    problems: &mut Problems,
) {
    match subs.get(sub) {
        None => {
            problems.bad_subs.insert(sub.to_string());
        }
        Some(d) if d != dim => problems.mismatched.push(format!(
            "{sub} belongs to {} not {}",
            d.to_uppercase(),
            dim.to_uppercase()
        )),
        _ => {}
    }
}

/// Record the agency once: defined by the row's names, or known from `known`.
fn add_agency(
    code: &str,
    name_vi: Option<String>,
    name_en: Option<String>,
    known: Option<&AgencyTable>,
    agencies: &mut Vec<Agency>,
    problems: &mut Problems,
) {
    let defined = match (name_vi, name_en) {
        (Some(vi), Some(en)) if !vi.is_empty() && !en.is_empty() => Some(Agency {
            code: code.to_string(),
            name_vi: vi,
            name_en: en,
        }),
        _ => match known.and_then(|k| k.agencies.iter().find(|a| a.code == code)) {
            Some(a) => Some(a.clone()),
            None => {
                problems.bad_agencies.insert(code.to_string());
                None
            }
        },
    };
    if let Some(a) = defined
        && !agencies.iter().any(|x| x.code == code)
    {
        agencies.push(a);
    }
}

/// The first kind of problem found, as an error naming every offending code.
fn report(
    problems: Problems,
    subs: &BTreeMap<String, String>,
    known: Option<&AgencyTable>,
) -> Result<()> {
    let join = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
    if !problems.bad_dims.is_empty() {
        return Err(PapiError::UnknownCode {
            kind: "dimension".into(),
            code: join(&problems.bad_dims),
            known: "D1, D2, D3, D4, D5, D6, D7, D8".into(),
        });
    }
    if !problems.bad_subs.is_empty() {
        return Err(PapiError::UnknownCode {
            kind: "sub-dimension".into(),
            code: join(&problems.bad_subs),
            known: subs.keys().cloned().collect::<Vec<_>>().join(", "),
        });
    }
    if !problems.mismatched.is_empty() {
        return Err(PapiError::InvalidArgument {
            argument: "agency table".into(),
            message: format!(
                "sub-dimension in the wrong dimension: {}",
                problems.mismatched.join("; ")
            ),
        });
    }
    if !problems.bad_agencies.is_empty() {
        return Err(PapiError::UnknownCode {
            kind: "agency".into(),
            code: join(&problems.bad_agencies),
            known: format!(
                "{} (or give agency_vi and agency_en columns to define new agencies)",
                known
                    .map(|k| k
                        .agencies
                        .iter()
                        .map(|a| a.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", "))
                    .unwrap_or_default()
            ),
        });
    }
    Ok(())
}

fn parse_builtin() -> Result<AgencyTable> {
    let t = Table::parse("agencies.csv", AGENCIES_CSV)?;
    let c = |n: &str| t.col(n);
    let (ca, cv, ce, cd, cs, cr, cq) = (
        c("agency_code")?,
        c("agency_vi")?,
        c("agency_en")?,
        c("dimension")?,
        c("subdimension")?,
        c("role")?,
        c("source")?,
    );
    let rows = t
        .rows
        .iter()
        .map(|r| RawRow {
            agency: Some(r[ca].clone()),
            name_vi: Some(r[cv].clone()),
            name_en: Some(r[ce].clone()),
            dimension: Some(r[cd].clone()),
            subdimension: Some(r[cs].clone()),
            role: Some(r[cr].clone()),
            source: Some(r[cq].clone()),
            fallback_names: false,
        })
        .collect();
    validate(rows, None)
}

static BUILTIN: OnceLock<std::result::Result<AgencyTable, PapiError>> = OnceLock::new();

/// The built-in table (Đắk Lắk plan 2024).
pub fn builtin() -> Result<&'static AgencyTable> {
    BUILTIN
        .get_or_init(parse_builtin)
        .as_ref()
        .map_err(Clone::clone)
}

impl AgencyTable {
    /// A user table from a DataFrame with columns `agency_code`, `dimension` and optionally
    /// `subdimension`, `role`, `source`, `agency_vi`, `agency_en`. Agency codes without names
    /// must be built-in codes.
    pub fn from_frame(df: &DataFrame) -> Result<AgencyTable> {
        let opt = |n: &str| -> Result<Option<Vec<Option<String>>>> {
            if frame::has(df, n) {
                frame::str_col(df, n).map(Some)
            } else {
                Ok(None)
            }
        };
        let agency = frame::str_col(df, "agency_code")?;
        let dimension = frame::str_col(df, "dimension")?;
        // `agency` (the name in one language, as `frame` writes it) names both when the table
        // has no `agency_vi` / `agency_en`: the table's own output reads back
        let one = opt("agency")?;
        let (sub, role, source) = (opt("subdimension")?, opt("role")?, opt("source")?);
        let (vi, en) = (opt("agency_vi")?, opt("agency_en")?);
        let fallback = vi.is_none() && en.is_none() && one.is_some();
        let (vi, en) = if fallback {
            (one.clone(), one)
        } else {
            (vi, en)
        };
        let get = |c: &Option<Vec<Option<String>>>, i: usize| c.as_ref().and_then(|v| v[i].clone());
        let rows = (0..df.height())
            .map(|i| RawRow {
                agency: agency[i].clone(),
                name_vi: get(&vi, i),
                name_en: get(&en, i),
                dimension: dimension[i].clone(),
                subdimension: get(&sub, i),
                role: get(&role, i),
                source: get(&source, i),
                fallback_names: fallback,
            })
            .collect();
        validate(rows, Some(builtin()?))
    }

    fn agency(&self, code: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.code == code)
    }

    /// The table: agency_code, agency, dimension, subdimension, role, source.
    pub fn frame(&self, lang: Lang) -> Result<DataFrame> {
        let a = &self.assignments;
        let s = |f: &dyn Fn(&Assignment) -> Option<String>| a.iter().map(f).collect::<Vec<_>>();
        frame::build(
            a.len(),
            vec![
                frame::col_str("agency_code", &s(&|x| Some(x.agency.clone()))),
                frame::col_str(
                    "agency",
                    &s(&|x| {
                        self.agency(&x.agency)
                            .map(|g| lang.pick(&g.name_en, &g.name_vi).to_string())
                    }),
                ),
                frame::col_str("dimension", &s(&|x| Some(x.dimension.to_uppercase()))),
                frame::col_str("subdimension", &s(&|x| x.subdimension.clone())),
                frame::col_str("role", &s(&|x| Some(x.role.clone()))),
                frame::col_str("source", &s(&|x| Some(x.source.clone()))),
            ],
        )
    }

    /// Each agency's gaps: one row per (agency, measure) with the gap, its share of the total gap,
    /// the number of agencies sharing the measure, the agency's summed share, ordered by agency
    /// (largest summed share first) then gap.
    pub fn by_agency(&self, gaps: &GapResult, lang: Lang) -> Result<DataFrame> {
        let rows: Vec<AgencyGap> = gaps
            .rows
            .iter()
            .map(|r| AgencyGap {
                code: r.code.clone(),
                parent: r.parent.clone(),
                name: lang.pick(&r.name_en, &r.name_vi).to_string(),
                gap: r.gap,
                share: r.share,
                significant: r.uncertainty.map(|u| u.significant),
            })
            .collect();
        self.by_agency_rows(&rows, lang)
    }

    /// [`AgencyTable::by_agency`] on a gap table as returned by [`GapResult::frame`] (columns
    /// measure, name, gap, share_of_total_gap and optionally significant).
    pub fn by_agency_frame(&self, gaps: &DataFrame, lang: Lang) -> Result<DataFrame> {
        let code = frame::str_col(gaps, "measure")?;
        let name = frame::str_col(gaps, "name")?;
        let gap = frame::f64_col(gaps, "gap")?;
        let share = frame::f64_col(gaps, "share_of_total_gap")?;
        let parent: Vec<Option<String>> = match gaps.column("parent") {
            Ok(c) if c.dtype() == &DataType::String => frame::str_col(gaps, "parent")?,
            _ => vec![None; gaps.height()],
        };
        let sig: Vec<Option<bool>> = match gaps.column("significant") {
            Ok(c) if c.dtype() == &DataType::Boolean => c.bool()?.iter().collect(),
            _ => vec![None; gaps.height()],
        };
        let rows: Vec<AgencyGap> = (0..gaps.height())
            .filter_map(|i| {
                code[i].clone().map(|c| AgencyGap {
                    code: c,
                    parent: parent[i].clone(),
                    name: name[i].clone().unwrap_or_default(),
                    gap: gap[i],
                    share: share[i],
                    significant: sig[i],
                })
            })
            .collect();
        self.by_agency_rows(&rows, lang)
    }

    fn by_agency_rows(&self, gaps: &[AgencyGap], lang: Lang) -> Result<DataFrame> {
        let cells = self.cells(gaps);
        let sharing = sharing_counts(&cells);
        let agency_share = agency_shares(&cells, gaps);
        let keys = ordered_keys(&cells, &agency_share, gaps);
        let n = keys.len();
        let mut cols: Vec<Vec<Option<String>>> = (0..7).map(|_| Vec::with_capacity(n)).collect();
        let (mut gap, mut share, mut ashare, mut nshare) = (vec![], vec![], vec![], vec![]);
        let mut sig = Vec::with_capacity(n);
        for k in keys {
            let (roles, subs, sources) = &cells[k];
            let row = find(gaps, &k.1);
            cols[0].push(Some(k.0.clone()));
            cols[1].push(
                self.agency(&k.0)
                    .map(|g| lang.pick(&g.name_en, &g.name_vi).to_string()),
            );
            cols[2].push(Some(if roles.contains("lead") {
                "lead".into()
            } else {
                roles.iter().cloned().collect::<Vec<_>>().join(", ")
            }));
            cols[3].push(Some(k.1.clone()));
            cols[4].push(row.map(|r| r.name.clone()));
            cols[5].push(
                (!subs.is_empty()).then(|| subs.iter().cloned().collect::<Vec<_>>().join(", ")),
            );
            gap.push(row.and_then(|r| r.gap));
            share.push(row.and_then(|r| r.share));
            ashare.push(agency_share.get(k.0.as_str()).copied());
            nshare.push(Some(sharing[k.1.as_str()]));
            sig.push(row.and_then(|r| r.significant));
            cols[6].push(Some(sources.join(" | ")));
        }
        frame::build(
            n,
            vec![
                frame::col_str("agency_code", &cols[0]),
                frame::col_str("agency", &cols[1]),
                frame::col_str("role", &cols[2]),
                frame::col_str("measure", &cols[3]),
                frame::col_str("measure_name", &cols[4]),
                frame::col_str("subdimensions", &cols[5]),
                frame::col_f64("gap", gap),
                frame::col_f64("share_of_total_gap", share),
                frame::col_u32("n_agencies_sharing", nshare),
                frame::col_f64("agency_share_of_total_gap", ashare),
                Column::new("significant".into(), sig),
                frame::col_str("source", &cols[6]),
            ],
        )
    }

    /// (agency, measure) -> (roles, sub-dimensions, sources). When the gaps have sub-dimensions
    /// (sub-dimension precision): a sub-dimension assignment goes to that sub-dimension's gap (none
    /// when it was not measured that year, e.g. construction permits after 2020), a dimension-wide
    /// assignment to each sub-dimension of the dimension, so an agency owning a dimension and one
    /// of its sub-dimensions is credited once per sub-dimension. Without sub-dimensions every
    /// assignment goes to its dimension's gap (skipped without it).
    fn cells(&self, gaps: &[AgencyGap]) -> BTreeMap<(String, String), Cell> {
        let mut cells: BTreeMap<(String, String), Cell> = BTreeMap::new();
        for a in &self.assignments {
            let subs_of_dim: Vec<&AgencyGap> = gaps
                .iter()
                .filter(|g| {
                    g.parent
                        .as_deref()
                        .is_some_and(|p| p.eq_ignore_ascii_case(&a.dimension))
                })
                .collect();
            let targets: Vec<(String, Option<String>)> = if subs_of_dim.is_empty() {
                match find(gaps, &a.dimension) {
                    Some(r) => vec![(r.code.clone(), a.subdimension.clone())],
                    None => continue,
                }
            } else {
                match a.subdimension.as_deref() {
                    Some(s) => match find(gaps, s) {
                        Some(r) => vec![(r.code.clone(), Some(r.code.clone()))],
                        None => continue,
                    },
                    None => subs_of_dim
                        .iter()
                        .map(|r| (r.code.clone(), Some(r.code.clone())))
                        .collect(),
                }
            };
            for (measure, sub) in targets {
                let e = cells.entry((a.agency.clone(), measure)).or_default();
                e.0.insert(a.role.clone());
                if let Some(s) = sub {
                    e.1.insert(s);
                }
                if !e.2.contains(&a.source) {
                    e.2.push(a.source.clone());
                }
            }
        }
        cells
    }
}

/// The gap row of a measure (case-insensitive code).
fn find<'a>(gaps: &'a [AgencyGap], code: &str) -> Option<&'a AgencyGap> {
    gaps.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Number of agencies sharing each measure.
fn sharing_counts(cells: &BTreeMap<(String, String), Cell>) -> BTreeMap<&str, u32> {
    let mut sharing: BTreeMap<&str, u32> = BTreeMap::new();
    for (_, m) in cells.keys() {
        *sharing.entry(m.as_str()).or_default() += 1;
    }
    sharing
}

/// Each agency's summed share of the total gap.
fn agency_shares<'a>(
    cells: &'a BTreeMap<(String, String), Cell>,
    gaps: &[AgencyGap],
) -> BTreeMap<&'a str, f64> {
    let mut agency_share: BTreeMap<&str, f64> = BTreeMap::new();
    for (a, m) in cells.keys() {
        if let Some(s) = find(gaps, m).and_then(|r| r.share) {
            *agency_share.entry(a.as_str()).or_default() += s;
        }
    }
    agency_share
}

/// Agencies by summed share (largest first, then code), each agency's measures by gap.
fn ordered_keys<'a>(
    cells: &'a BTreeMap<(String, String), Cell>,
    agency_share: &BTreeMap<&str, f64>,
    gaps: &[AgencyGap],
) -> Vec<&'a (String, String)> {
    let mut keys: Vec<&(String, String)> = cells.keys().collect();
    keys.sort_by(|x, y| {
        let sx = agency_share
            .get(x.0.as_str())
            .copied()
            .unwrap_or(f64::NEG_INFINITY);
        let sy = agency_share
            .get(y.0.as_str())
            .copied()
            .unwrap_or(f64::NEG_INFINITY);
        sy.total_cmp(&sx).then(x.0.cmp(&y.0)).then_with(|| {
            let gx = find(gaps, &x.1)
                .and_then(|r| r.gap)
                .unwrap_or(f64::NEG_INFINITY);
            let gy = find(gaps, &y.1)
                .and_then(|r| r.gap)
                .unwrap_or(f64::NEG_INFINITY);
            gy.total_cmp(&gx)
        })
    });
    keys
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::analysis::gap::{Against, gaps};
    use crate::scores::ScoreTable;

    #[test]
    fn builtin_covers_every_dimension_and_quotes_the_plan() {
        let t = builtin().unwrap();
        let dims: BTreeSet<&str> = t.assignments.iter().map(|a| a.dimension.as_str()).collect();
        assert_eq!(dims.len(), 8);
        assert!(t.assignments.iter().all(|a| a.source.starts_with("II.")));
        assert!(t.agencies.iter().any(|a| a.name_vi == "Sở Y tế"));
        let health: Vec<&Assignment> = t
            .assignments
            .iter()
            .filter(|a| a.subdimension.as_deref() == Some("public_health"))
            .collect();
        assert_eq!(health.len(), 1);
        assert_eq!(health[0].agency, "y_te");
    }

    #[test]
    fn multi_agency_cells_are_one_row_per_agency() {
        let df = df!(
            "agency_code" => ["khcn, nn_mt", "y_te"],
            "agency_vi" => [Some("Sở KH&CN; Sở NN&MT"), None],
            "agency_en" => [Some("Dept. of Science and Technology; Dept. of Agriculture and Environment"), None],
            "dimension" => ["D7", "D6"],
            "role" => ["shared", "lead"]
        )
        .unwrap();
        let t = AgencyTable::from_frame(&df).unwrap();
        let codes: Vec<&str> = t.assignments.iter().map(|a| a.agency.as_str()).collect();
        assert_eq!(codes, ["khcn", "nn_mt", "y_te"]);
        assert_eq!(t.agency("nn_mt").unwrap().name_vi, "Sở NN&MT");
        // the table's own output (names in one language, column `agency`) reads back
        let again = AgencyTable::from_frame(&t.frame(Lang::Vi).unwrap()).unwrap();
        assert_eq!(again.assignments, t.assignments);
        assert_eq!(again.agency("khcn").unwrap().name_vi, "Sở KH&CN");
    }

    #[test]
    fn user_table_errors_name_codes() {
        let df = df!(
            "agency_code" => ["y_te", "nobody"],
            "dimension" => ["D6", "D9"],
        )
        .unwrap();
        let e = AgencyTable::from_frame(&df).unwrap_err();
        assert!(
            matches!(&e, PapiError::UnknownCode { kind, code, .. } if kind == "dimension" && code == "D9"),
            "{e}"
        );
        let df = df!("agency_code" => ["y_te", "nobody"], "dimension" => ["D6", "D6"]).unwrap();
        let e = AgencyTable::from_frame(&df).unwrap_err();
        assert!(
            matches!(&e, PapiError::UnknownCode { kind, code, .. } if kind == "agency" && code == "nobody"),
            "{e}"
        );
        let df =
            df!("agency_code" => ["y_te"], "dimension" => ["D6"], "subdimension" => ["health"])
                .unwrap();
        assert!(
            AgencyTable::from_frame(&df)
                .unwrap_err()
                .to_string()
                .contains("health")
        );
    }

    #[test]
    fn by_agency_on_published() {
        let t = ScoreTable::from_published(2023).unwrap();
        let g = gaps(&t, 66, &Against::Best, 0.95).unwrap();
        let df = builtin().unwrap().by_agency(&g, Lang::Vi).unwrap();
        assert!(df.height() > 17);
        // sub-dimension precision: every row is a 2023 sub-dimension (no dimension rows, no
        // construction permits, dropped in 2021)
        let m = frame::str_col(&df, "measure").unwrap();
        let subs: BTreeSet<String> = t
            .measures
            .iter()
            .filter(|x| x.level == crate::scores::Level::Subdimension)
            .map(|x| x.code.clone())
            .collect();
        assert!(
            m.iter()
                .all(|m| m.as_ref().is_some_and(|m| subs.contains(m)))
        );
        // Sở Y tế (lead on 6.1, shared on 4.2): its share = the two sub-dimensions' gaps / total gap
        let codes = frame::str_col(&df, "agency_code").unwrap();
        let share = frame::f64_col(&df, "agency_share_of_total_gap").unwrap();
        let i = codes
            .iter()
            .position(|c| c.as_deref() == Some("y_te"))
            .unwrap();
        let gap_of = |c: &str| g.rows.iter().find(|r| r.code == c).unwrap().gap.unwrap();
        let total = gap_of("total");
        let want = (gap_of("public_health") + gap_of("limits_corruption_service_delivery")) / total;
        assert!((share[i].unwrap() - want).abs() < 1e-12);
        // the dimension-level table (no sub-dimensions) still attributes dimensions
        let td = ScoreTable::from_published_dimensions(2023).unwrap();
        let gd = gaps(&td, 66, &Against::Best, 0.95).unwrap();
        let dd = builtin().unwrap().by_agency(&gd, Lang::Vi).unwrap();
        let md = frame::str_col(&dd, "measure").unwrap();
        assert!(
            md.iter()
                .all(|m| m.as_deref().is_some_and(|m| m.starts_with('d')))
        );
    }
}
