//! The one set of column names for provinces and measures, used by every table the core builds and
//! by every reader of a user table (the Python facade reads them from here through the glue).
//!
//! Rule: every table with a province key has [`PROVINCE_CODE`] (Int32, the GSO code; for the 34
//! units of 2025 the code of the province whose name the unit carries) and [`PROVINCE_NAME`] (the
//! official Vietnamese name, with diacritics), and [`PROVINCE_NAME_EN`] where the table carries an
//! English name. The measure column is [`MEASURE`]. Readers of user tables accept the key under
//! [`PROVINCE_CODE`] and, for tables written before this rule, under [`PROVINCE_CODE_ALIASES`].

use crate::error::{PapiError, Result};
use crate::registry::Registry;
use polars::prelude::Column;

/// GSO code of the province (Int32).
pub const PROVINCE_CODE: &str = "province_code";
/// Official Vietnamese name of the province, with diacritics.
pub const PROVINCE_NAME: &str = "province_name";
/// English name of the province.
pub const PROVINCE_NAME_EN: &str = "province_name_en";
/// Measure code ("total", "d1", "public_health", an indicator or item).
pub const MEASURE: &str = "measure";
/// Older names of the province key that readers of user tables still accept.
pub const PROVINCE_CODE_ALIASES: &[&str] = &["code", "province"];

/// The column holding the province key among a table's `columns`: [`PROVINCE_CODE`], else the
/// first alias present; missing -> `MissingColumn` naming `province_code` and its accepted aliases
/// (the Python facade's readers of user tables call it through the glue).
pub fn province_key_of(columns: &[&str]) -> Result<&'static str> {
    std::iter::once(PROVINCE_CODE)
        .chain(PROVINCE_CODE_ALIASES.iter().copied())
        .find(|c| columns.contains(c))
        .ok_or_else(|| missing_key(columns))
}

/// The error for a table without a province key column.
fn missing_key(columns: &[&str]) -> PapiError {
    let cols = columns.join(", ");
    PapiError::MissingColumn {
        column: PROVINCE_CODE.into(),
        available: format!(
            "{cols}; the province key is read from {PROVINCE_CODE:?} or its aliases {}",
            PROVINCE_CODE_ALIASES
                .iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `province_code`, `province_name` (and `province_name_en` when `english`) for a list of codes;
/// names come from the registry (63 provinces, else the 34 units of 2025 by their code) and are
/// null for an unknown or missing code.
pub fn province_columns(reg: &Registry, codes: &[Option<u16>], english: bool) -> Vec<Column> {
    let names = |vi: bool| -> Vec<Option<String>> {
        codes
            .iter()
            .map(|c| {
                c.and_then(|c| match reg.by_code(c) {
                    Some(p) => Some(if vi { &p.name_vi } else { &p.name_en }.clone()),
                    None => reg
                        .unit_by_code(c)
                        .map(|u| if vi { &u.name_vi } else { &u.name_en }.clone()),
                })
            })
            .collect()
    };
    let mut cols = vec![
        Column::new(
            PROVINCE_CODE.into(),
            codes.iter().map(|c| c.map(i32::from)).collect::<Vec<_>>(),
        ),
        crate::frame::col_str(PROVINCE_NAME, &names(true)),
    ];
    if english {
        cols.push(crate::frame::col_str(PROVINCE_NAME_EN, &names(false)));
    }
    cols
}

/// [`province_columns`] with names given (for tables whose units are not looked up by code).
pub fn province_columns_named<S: AsRef<str>>(
    codes: Vec<Option<i32>>,
    name_vi: &[Option<S>],
    name_en: Option<&[Option<S>]>,
) -> Vec<Column> {
    let mut cols = vec![
        Column::new(PROVINCE_CODE.into(), codes),
        crate::frame::col_str(PROVINCE_NAME, name_vi),
    ];
    if let Some(en) = name_en {
        cols.push(crate::frame::col_str(PROVINCE_NAME_EN, en));
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn key_and_aliases() {
        assert_eq!(province_key_of(&["code", "x"]).unwrap(), "code");
        assert_eq!(
            province_key_of(&["province", PROVINCE_CODE]).unwrap(),
            PROVINCE_CODE
        );
        match province_key_of(&["x"]) {
            Err(PapiError::MissingColumn { column, available }) => {
                assert_eq!(column, "province_code");
                assert!(available.contains("\"code\", \"province\""), "{available}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_from_the_registry() {
        let reg = crate::registry::registry().unwrap();
        let cols = province_columns(reg, &[Some(66), None, Some(999)], true);
        let df = DataFrame::new(3, cols).unwrap();
        assert_eq!(df.column(PROVINCE_CODE).unwrap().dtype(), &DataType::Int32);
        let vi = crate::frame::str_col(&df, PROVINCE_NAME).unwrap();
        assert_eq!(vi, vec![Some("Đắk Lắk".to_string()), None, None]);
        let en = crate::frame::str_col(&df, PROVINCE_NAME_EN).unwrap();
        assert_eq!(en[0].as_deref(), Some("Dak Lak"));
    }
}
