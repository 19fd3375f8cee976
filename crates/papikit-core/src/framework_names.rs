//! Dimension names by period, read from data/papi_dimensions.csv (the one place they are written),
//! used where only published dimension scores are at hand. A name cell is either one name for
//! every year or periods `"Old name (2011-2017) / New name (2018-)"`.

use crate::csv::Table;
use crate::error::{PapiError, Result};
use std::sync::OnceLock;

const DIMENSIONS_CSV: &str = include_str!("../data/papi_dimensions.csv");

/// One period of a name: (first year, last year or None = open-ended, name).
type Period = (u16, Option<u16>, String);

/// Split `"A (2011-2017) / B (2018-)"` into periods; a name without years covers every year.
fn periods(cell: &str, line: usize) -> Result<Vec<Period>> {
    let bad = || PapiError::InvalidArgument {
        argument: "papi_dimensions.csv".into(),
        message: format!("line {line}: cannot read the periods of {cell:?}"),
    };
    let mut out = Vec::new();
    for part in cell.split(" / ") {
        let part = part.trim();
        let Some(open) = part.rfind(" (").filter(|_| part.ends_with(')')) else {
            out.push((0, None, part.to_string()));
            continue;
        };
        let range = &part[open + 2..part.len() - 1];
        let (a, b) = range.split_once('-').ok_or_else(bad)?;
        let from: u16 = a.parse().map_err(|_| bad())?;
        let to: Option<u16> = if b.is_empty() {
            None
        } else {
            Some(b.parse().map_err(|_| bad())?)
        };
        out.push((from, to, part[..open].to_string()));
    }
    Ok(out)
}

/// (English periods, Vietnamese periods) per dimension number 1..8 (index 0 = D1).
type Names = Vec<(Vec<Period>, Vec<Period>)>;

fn build() -> Result<Names> {
    let t = Table::parse("papi_dimensions.csv", DIMENSIONS_CSV)?;
    let (cc, ce, cv) = (t.col("code")?, t.col("name_en")?, t.col("name_vi")?);
    let mut out: Names = vec![(Vec::new(), Vec::new()); 8];
    for (i, r) in t.rows.iter().enumerate() {
        let k: usize = r[cc]
            .trim_start_matches(['D', 'd'])
            .parse()
            .ok()
            .filter(|k| (1..=8).contains(k))
            .ok_or_else(|| PapiError::InvalidArgument {
                argument: "papi_dimensions.csv".into(),
                message: format!("line {}: bad dimension code {:?}", i + 2, r[cc]),
            })?;
        out[k - 1] = (periods(&r[ce], i + 2)?, periods(&r[cv], i + 2)?);
    }
    Ok(out)
}

fn names() -> Result<&'static Names> {
    static CELL: OnceLock<std::result::Result<Names, String>> = OnceLock::new();
    CELL.get_or_init(|| build().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|m| PapiError::InvalidArgument {
            argument: "papi_dimensions.csv".into(),
            message: m.clone(),
        })
}

fn pick(ps: &'static [Period], year: u16) -> &'static str {
    ps.iter()
        .find(|(from, to, _)| year >= *from && to.is_none_or(|t| year <= t))
        .or_else(|| ps.last())
        .map_or("", |p| p.2.as_str())
}

/// (English, Vietnamese) name of dimension `k` (1-based) in `year`.
pub fn try_dimension_name(k: usize, year: u16) -> Result<(&'static str, &'static str)> {
    let n = names()?;
    let (en, vi) =
        k.checked_sub(1)
            .and_then(|i| n.get(i))
            .ok_or_else(|| PapiError::InvalidArgument {
                argument: "dimension".into(),
                message: format!("{k} is not a PAPI dimension; use 1-8"),
            })?;
    Ok((pick(en, year), pick(vi, year)))
}

/// (English, Vietnamese) name of dimension `k` (1-based) in `year`; empty strings for a number
/// outside 1-8 (the embedded table is checked by the tests below).
pub fn dimension_name(k: usize, year: u16) -> (&'static str, &'static str) {
    try_dimension_name(k, year).unwrap_or(("", ""))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn names_by_period() {
        assert_eq!(dimension_name(2, 2017).0, "Transparency");
        assert_eq!(
            dimension_name(2, 2018),
            (
                "Transparency in Local Decision-making",
                "Công khai, minh bạch trong việc ra quyết định ở địa phương"
            )
        );
        assert_eq!(
            dimension_name(3, 2015).1,
            "Trách nhiệm giải trình với người dân"
        );
        assert_eq!(
            dimension_name(4, 2023).0,
            "Control of Corruption in the Public Sector"
        );
        assert_eq!(
            dimension_name(8, 2023),
            ("E-Governance", "Quản trị điện tử")
        );
        for k in 1..=8 {
            for y in [2011, 2017, 2018, 2023] {
                let (en, vi) = try_dimension_name(k, y).unwrap();
                assert!(
                    !en.is_empty() && !vi.is_empty() && !en.contains('('),
                    "{k} {y}"
                );
            }
        }
        assert!(try_dimension_name(9, 2023).is_err());
    }
}
