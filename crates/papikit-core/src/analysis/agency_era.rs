//! Departments of the new era: from March 2025 provincial departments were merged (Nghị định
//! 45/2025/NĐ-CP) and from 1 July 2025 the district level no longer exists. The succession table
//! (data/agency_successors_2025.csv, every row cited) maps each agency of the 2024 plan
//! (data/agencies.csv) to its successor, so an analysis of 2025 or later names today's departments.

use crate::analysis::agency::{Agency, AgencyTable, Assignment, builtin};
use crate::csv::Table;
use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use polars::prelude::*;
use std::sync::OnceLock;

const SUCCESSORS_CSV: &str = include_str!("../../data/agency_successors_2025.csv");

/// First year whose agency view uses the successors (the first PAPI survey after the reforms).
pub const SUCCESSION_YEAR: u16 = 2025;

/// One agency of the 2024 plan and its successor.
#[derive(Debug, Clone, PartialEq)]
pub struct Succession {
    pub agency: String,
    pub agency_vi: String,
    pub successor: String,
    pub successor_vi: String,
    pub successor_en: String,
    pub effective: String,
    pub change: String,
    pub source: String,
}

fn parse() -> Result<Vec<Succession>> {
    let t = Table::parse("agency_successors_2025.csv", SUCCESSORS_CSV)?;
    let c = |n: &str| t.col(n);
    let (a, av, s, sv, se, ef, ch, so) = (
        c("agency_code")?,
        c("agency_vi")?,
        c("successor_code")?,
        c("successor_vi")?,
        c("successor_en")?,
        c("effective")?,
        c("change")?,
        c("source")?,
    );
    Ok(t.rows
        .iter()
        .map(|r| Succession {
            agency: r[a].clone(),
            agency_vi: r[av].clone(),
            successor: r[s].clone(),
            successor_vi: r[sv].clone(),
            successor_en: r[se].clone(),
            effective: r[ef].clone(),
            change: r[ch].clone(),
            source: r[so].clone(),
        })
        .collect())
}

static SUCCESSIONS: OnceLock<std::result::Result<Vec<Succession>, PapiError>> = OnceLock::new();

/// The succession table.
pub fn successions() -> Result<&'static [Succession]> {
    SUCCESSIONS
        .get_or_init(parse)
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// `table` with every agency replaced by its successor (assignments of merged agencies joined,
/// each source noting whom the successor took over from). Agencies without a succession row stay.
pub fn succeeded(table: &AgencyTable) -> Result<AgencyTable> {
    let succ = successions()?;
    let of = |code: &str| succ.iter().find(|s| s.agency == code);
    let mut agencies: Vec<Agency> = Vec::new();
    let mut assignments: Vec<Assignment> = Vec::new();
    for a in &table.assignments {
        let (code, note) = match of(&a.agency) {
            Some(s) if s.successor != a.agency => (
                s.successor.clone(),
                format!(
                    " [2025: {} -> {}: {}]",
                    s.agency_vi, s.successor_vi, s.change
                ),
            ),
            _ => (a.agency.clone(), String::new()),
        };
        if !agencies.iter().any(|g| g.code == code) {
            let g = match of(&a.agency) {
                Some(s) => Agency {
                    code: code.clone(),
                    name_vi: s.successor_vi.clone(),
                    name_en: s.successor_en.clone(),
                },
                None => table
                    .agencies
                    .iter()
                    .find(|g| g.code == code)
                    .cloned()
                    .unwrap_or(Agency {
                        code: code.clone(),
                        name_vi: code.clone(),
                        name_en: code.clone(),
                    }),
            };
            agencies.push(g);
        }
        match assignments.iter_mut().find(|x| {
            x.agency == code && x.dimension == a.dimension && x.subdimension == a.subdimension
        }) {
            Some(x) => {
                if a.role == "lead" {
                    x.role = a.role.clone();
                }
                x.source = format!("{} | {}{note}", x.source, a.source);
            }
            None => assignments.push(Assignment {
                agency: code,
                dimension: a.dimension.clone(),
                subdimension: a.subdimension.clone(),
                role: a.role.clone(),
                source: format!("{}{note}", a.source),
            }),
        }
    }
    Ok(AgencyTable {
        agencies,
        assignments,
    })
}

static SUCCEEDED: OnceLock<std::result::Result<AgencyTable, PapiError>> = OnceLock::new();

/// The built-in agency view of a year: the 2024 plan's agencies before [`SUCCESSION_YEAR`], their
/// successors from it.
pub fn for_year(year: Option<i64>) -> Result<&'static AgencyTable> {
    match year {
        Some(y) if y >= i64::from(SUCCESSION_YEAR) => SUCCEEDED
            .get_or_init(|| succeeded(builtin()?))
            .as_ref()
            .map_err(Clone::clone),
        _ => builtin(),
    }
}

/// Who took over what: one row per agency of the 2024 plan (agency_code, agency, successor_code,
/// successor, effective, change, source).
pub fn successions_frame(lang: Lang) -> Result<DataFrame> {
    let s = successions()?;
    let base = builtin()?;
    let name = |code: &str, vi: &str| -> String {
        base.agencies
            .iter()
            .find(|g| g.code == code)
            .map_or(vi.to_string(), |g| {
                lang.pick(&g.name_en, &g.name_vi).to_string()
            })
    };
    let col = |f: &dyn Fn(&Succession) -> String| -> Vec<Option<String>> {
        s.iter().map(|x| Some(f(x))).collect()
    };
    frame::build(
        s.len(),
        vec![
            frame::col_str("agency_code", &col(&|x| x.agency.clone())),
            frame::col_str("agency", &col(&|x| name(&x.agency, &x.agency_vi))),
            frame::col_str("successor_code", &col(&|x| x.successor.clone())),
            frame::col_str(
                "successor",
                &col(&|x| lang.pick(&x.successor_en, &x.successor_vi).to_string()),
            ),
            frame::col_str("effective", &col(&|x| x.effective.clone())),
            frame::col_str("change", &col(&|x| x.change.clone())),
            frame::col_str("source", &col(&|x| x.source.clone())),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_agency_has_a_cited_successor() {
        let s = successions().unwrap();
        for a in &builtin().unwrap().agencies {
            let row = s.iter().find(|x| x.agency == a.code);
            assert!(row.is_some(), "{} has no succession row", a.code);
            assert!(row.unwrap().source.contains("http"), "{}", a.code);
        }
    }

    #[test]
    fn view_of_2025_names_todays_departments() {
        let t = for_year(Some(2025)).unwrap();
        let codes: Vec<&str> = t.agencies.iter().map(|a| a.code.as_str()).collect();
        for gone in ["tnmt", "nnptnt", "tttt", "gtvt", "ldtbxh", "ubnd_huyen"] {
            assert!(!codes.contains(&gone), "{gone} still named");
        }
        assert!(codes.contains(&"nn_mt"));
        let land = t
            .assignments
            .iter()
            .find(|a| a.subdimension.as_deref() == Some("land_use_plans"))
            .or_else(|| t.assignments.iter().find(|a| a.agency == "nn_mt"))
            .unwrap();
        assert_eq!(land.agency, "nn_mt");
        // before 2025 the plan's own agencies
        assert!(
            for_year(Some(2023))
                .unwrap()
                .agencies
                .iter()
                .any(|a| a.code == "tnmt")
        );
    }
}
