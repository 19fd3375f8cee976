//! Which measure a user means: the simulation layer accepts a measure by its code (`"d6"`,
//! `"public_health"`), by the number printed in the PAPI report for the table's year (`"6.1"`,
//! `"D6"`) or by its English or Vietnamese name (case and diacritics ignored), and the one
//! published table the simulation layer starts from.
//!
//! A sub-dimension number or code that the table's year does not have is a typed error
//! ([`PapiError::UnknownCode`]) naming it, the years in which it existed, and the valid choices of
//! that year ("5.4" in 2023: D5 has three sub-dimensions since 2021).

use crate::error::{PapiError, Result};
use crate::framework::{Framework, builtin};
use crate::published::{FIRST_YEAR, LAST_YEAR};
use crate::scores::{Level, ScoreTable};
use crate::text::fold;

/// The published scores of `year` as the simulation layer uses them: total, dimensions and
/// sub-dimensions.
///
/// SWITCH POINT (issue 10): `ScoreTable::from_published` does not carry the sub-dimensions yet
/// (branch subana adds them); until it does, the simulation layer loads
/// [`ScoreTable::from_published_subdimensions`]. After that merge this can call
/// `ScoreTable::from_published` again (both give the same table).
pub fn published_table(year: i64) -> Result<ScoreTable> {
    ScoreTable::from_published_subdimensions(year)
}

/// Is `q` a printed sub-dimension number "k.p"?
fn as_number(q: &str) -> Option<(u8, u8)> {
    let (k, p) = q.trim().split_once('.')?;
    Some((k.parse().ok()?, p.parse().ok()?))
}

/// Years in which a sub-dimension (by number "k.p" or by code) existed in the built-in frameworks,
/// as "2011-2020" ranges.
fn years_with(pred: impl Fn(&Framework) -> bool) -> String {
    let years: Vec<u16> = (FIRST_YEAR..=LAST_YEAR)
        .filter(|&y| builtin(i64::from(y)).is_ok_and(|fw| pred(&fw)))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            years[i].to_string()
        } else {
            format!("{}-{}", years[i], years[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

/// "1.1 civic_knowledge, 1.2 ..." of the table's sub-dimensions (numbers of its year's framework).
fn choices(table: &ScoreTable, fw: Option<&Framework>) -> String {
    let number = |code: &str| {
        fw.and_then(|fw| {
            fw.subdimensions()
                .find(|(_, s)| s.code == code)
                .map(|(_, s)| s.number.clone())
        })
    };
    table
        .measures
        .iter()
        .map(|m| match (m.level, number(&m.code)) {
            (Level::Subdimension, Some(n)) => format!("{n} {}", m.code),
            _ => m.code.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown(table: &ScoreTable, fw: Option<&Framework>, query: &str, note: String) -> PapiError {
    PapiError::UnknownCode {
        kind: format!("{} {} measure{note}", table.source, table.year),
        code: query.to_string(),
        known: choices(table, fw),
    }
}

/// Index of the measure `query` names in `table`: its code, its printed number ("6.1", "D6") in the
/// table's year, or its English / Vietnamese name.
pub fn resolve(table: &ScoreTable, query: &str) -> Result<usize> {
    if let Ok(i) = table.measure_index(query.trim()) {
        return Ok(i);
    }
    let fw = builtin(i64::from(table.year)).ok();
    let q = query.trim();
    if let Some((k, p)) = as_number(q) {
        let want = format!("{k}.{p}");
        let code = fw.as_ref().and_then(|fw| {
            fw.subdimensions()
                .find(|(_, s)| s.number == want)
                .map(|(_, s)| s.code.clone())
        });
        return match code.and_then(|c| table.measure_index(&c).ok()) {
            Some(i) => Ok(i),
            None => {
                let when = years_with(|fw| fw.subdimensions().any(|(_, s)| s.number == want));
                let note = if when.is_empty() {
                    format!(" (no PAPI framework has a sub-dimension {want})")
                } else {
                    format!(" ({want} exists in {when} only)")
                };
                Err(unknown(table, fw.as_ref(), q, note))
            }
        };
    }
    let folded = fold(q);
    let by_name: Vec<usize> = (0..table.measures.len())
        .filter(|&i| {
            let m = &table.measures[i];
            fold(&m.name_en) == folded || fold(&m.name_vi) == folded
        })
        .collect();
    if let [i] = by_name[..] {
        return Ok(i);
    }
    // A sub-dimension code of another year's framework.
    let when = years_with(|fw| fw.subdimensions().any(|(_, s)| s.code == q));
    let note = if when.is_empty() {
        String::new()
    } else {
        format!(" ({q} is a sub-dimension of {when} only)")
    };
    Err(unknown(table, fw.as_ref(), q, note))
}

/// The printed number of a sub-dimension code in `year`'s framework ("public_health" -> "6.1").
pub fn number_of(year: u16, code: &str) -> Option<String> {
    builtin(i64::from(year)).ok().and_then(|fw| {
        fw.subdimensions()
            .find(|(_, s)| s.code == code)
            .map(|(_, s)| s.number.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_codes_and_names() {
        let t = published_table(2023).unwrap();
        let i = resolve(&t, "6.1").unwrap();
        assert_eq!(t.measures[i].code, "public_health");
        assert_eq!(resolve(&t, "public_health").unwrap(), i);
        assert_eq!(resolve(&t, &t.measures[i].name_vi.clone()).unwrap(), i);
        assert_eq!(
            resolve(&t, &t.measures[i].name_en.to_uppercase()).unwrap(),
            i
        );
        assert_eq!(t.measures[resolve(&t, "D6").unwrap()].code, "d6");
        assert_eq!(number_of(2023, "public_health").as_deref(), Some("6.1"));
    }

    #[test]
    fn unknown_and_not_that_year() {
        let t = published_table(2023).unwrap();
        // 5.4 existed before the 2021 framework (D5 has 3 sub-dimensions since).
        let Err(PapiError::UnknownCode { kind, code, known }) = resolve(&t, "5.4") else {
            panic!("5.4 must be unknown in 2023")
        };
        assert_eq!(code, "5.4");
        assert!(
            kind.contains("2023") && kind.contains("5.4 exists in"),
            "{kind}"
        );
        assert!(known.contains("6.1 public_health"), "{known}");
        let Err(PapiError::UnknownCode { kind, .. }) = resolve(&t, "9.9") else {
            panic!()
        };
        assert!(kind.contains("no PAPI framework"), "{kind}");
        let Err(PapiError::UnknownCode { kind, .. }) = resolve(&t, "construction_permits") else {
            panic!()
        };
        assert!(
            kind.contains("2023") && kind.contains("2011-2020"),
            "{kind}"
        );
        let t18 = published_table(2018).unwrap();
        // 2018 D8 has two sub-dimensions.
        assert!(resolve(&t18, "8.2").is_ok());
        assert!(matches!(
            resolve(&t18, "8.3"),
            Err(PapiError::UnknownCode { .. })
        ));
    }
}
