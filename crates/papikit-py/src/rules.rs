//! Bindings of PAPI's rules and labels, each defined once in the core: structural breaks and the
//! comparability rule, published years, performance groups, the VN/EN label table, dimension
//! names, regions and map eras. Python reads these and never restates them.

use crate::errors::IntoPyResult;
use papikit_core::analysis::trend;
use papikit_core::rank::Group;
use papikit_core::{Lang, cite, columns, framework_names, labels, lang, published, registry};
use pyo3::prelude::*;

/// Years with a structural break (measures re-constructed compared with the year before).
#[pyfunction]
pub fn break_years() -> Vec<u16> {
    trend::break_years()
}

/// Note on the break in `year` (without the year), or None when `year` has no break.
#[pyfunction]
#[pyo3(signature = (year, *, lang="en"))]
pub fn break_note(year: u16, lang: &str) -> PyResult<Option<&'static str>> {
    let lang = Lang::parse(lang).py()?;
    Ok(trend::break_in(year).map(|b| b.note(lang)))
}

/// Is `measure` in `year` comparable with `year - 1`? None when the measure does not exist then.
#[pyfunction]
pub fn comparable(measure: &str, year: u16) -> Option<bool> {
    trend::comparable(measure, year)
}

/// First published PAPI year.
#[pyfunction]
pub fn first_year() -> u16 {
    published::FIRST_YEAR
}

/// Last published PAPI year.
#[pyfunction]
pub fn last_year() -> u16 {
    published::LAST_YEAR
}

/// Year of the provincial merger (34 units from 1 July).
#[pyfunction]
pub fn merger_year() -> u16 {
    registry::MERGER_YEAR
}

/// Number of units of a map era: 63 or 34 (also accepts the year before / of the merger).
#[pyfunction]
pub fn parse_era(era: i64) -> PyResult<u16> {
    registry::Era::parse(era).py().map(registry::Era::units)
}

/// Keys of the four performance groups, best first.
#[pyfunction]
pub fn group_keys() -> Vec<&'static str> {
    Group::ALL.iter().map(|g| g.key()).collect()
}

/// Labels of the four performance groups in `lang`, best first.
#[pyfunction]
#[pyo3(signature = (lang="en"))]
pub fn group_labels(lang: &str) -> PyResult<Vec<&'static str>> {
    let lang = Lang::parse(lang).py()?;
    Ok(Group::ALL.iter().map(|g| g.label(lang)).collect())
}

/// Position 0..3 (best first) of a group given by key or label (EN/VN, with or without diacritics).
#[pyfunction]
pub fn group_index(name: &str) -> PyResult<usize> {
    Group::parse(name).py().map(Group::index)
}

/// Label in `lang` of a group given by key or label in either language.
#[pyfunction]
#[pyo3(signature = (name, lang="en"))]
pub fn group_label(name: &str, lang: &str) -> PyResult<&'static str> {
    let lang = Lang::parse(lang).py()?;
    Group::parse(name).py().map(|g| g.label(lang))
}

/// Text of a label key (data/labels.csv) in `lang`.
#[pyfunction]
#[pyo3(signature = (key, lang="en"))]
pub fn label(key: &str, lang: &str) -> PyResult<&'static str> {
    let lang = Lang::parse(lang).py()?;
    labels::label(key, lang).py()
}

/// Every label under `prefix` as {rest of key: text in `lang`}.
#[pyfunction]
#[pyo3(signature = (prefix, lang="en"))]
pub fn labels_section(
    prefix: &str,
    lang: &str,
) -> PyResult<std::collections::HashMap<&'static str, &'static str>> {
    let lang = Lang::parse(lang).py()?;
    Ok(labels::section(prefix, lang).py()?.into_iter().collect())
}

/// (English, Vietnamese) name of dimension `k` (1-8) in `year`.
#[pyfunction]
pub fn dimension_name(k: usize, year: u16) -> PyResult<(&'static str, &'static str)> {
    framework_names::try_dimension_name(k, year).py()
}

/// (decimal separator, thousands separator) of numbers in `lang`.
#[pyfunction]
#[pyo3(signature = (lang="en"))]
pub fn number_separators(lang: &str) -> PyResult<(char, char)> {
    let lang = Lang::parse(lang).py()?;
    Ok((lang.decimal_separator(), lang.thousands_separator()))
}

/// `x` with `digits` decimals and the separators of `lang` (or the ones given).
/// Separators for the numbers the core writes into its texts (pk.Config sets them).
#[pyfunction]
#[pyo3(signature = (decimal=None, thousands=None))]
pub fn set_number_separators(decimal: Option<char>, thousands: Option<char>) {
    lang::set_separators(decimal, thousands);
}

#[pyfunction]
#[pyo3(signature = (x, digits=4, *, lang="en", decimal=None, thousands=None))]
pub fn format_number(
    x: f64,
    digits: usize,
    lang: &str,
    decimal: Option<char>,
    thousands: Option<char>,
) -> PyResult<String> {
    let l = Lang::parse(lang).py()?;
    Ok(lang::format_number_with(
        x,
        digits,
        decimal.unwrap_or(l.decimal_separator()),
        Some(thousands.unwrap_or(l.thousands_separator())),
    ))
}

/// A date written out in `lang` ("ngày 1 tháng 12 năm 2026", "1 December 2026").
#[pyfunction]
#[pyo3(signature = (year, month, day, *, lang="en"))]
pub fn format_date(year: i32, month: u32, day: u32, lang: &str) -> PyResult<String> {
    let lang = Lang::parse(lang).py()?;
    labels::format_date(year, month, day, lang).py()
}

/// Citation of the PAPI report on survey year `year` (full, or the one-line source note).
#[pyfunction]
#[pyo3(signature = (year, *, lang="en", short=false))]
pub fn citation(year: i64, lang: &str, short: bool) -> PyResult<String> {
    let lang = Lang::parse(lang).py()?;
    if short {
        cite::source_line(year, lang).py()
    } else {
        cite::citation(year, lang).py()
    }
}

/// The six socio-economic regions: (id, English name, Vietnamese name).
#[pyfunction]
pub fn regions() -> PyResult<Vec<(u8, String, String)>> {
    registry::regions().py()
}

/// The core's column names for provinces and measures (`papikit_core::columns`):
/// (province_code, province_name, province_name_en, measure, aliases of province_code).
#[pyfunction]
pub fn column_names() -> (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Vec<&'static str>,
) {
    (
        columns::PROVINCE_CODE,
        columns::PROVINCE_NAME,
        columns::PROVINCE_NAME_EN,
        columns::MEASURE,
        columns::PROVINCE_CODE_ALIASES.to_vec(),
    )
}

/// The province key among `columns`: `province_code`, else its first alias present; none ->
/// ColumnError naming `province_code` and the aliases (the core's `columns::province_key_of`).
#[pyfunction]
pub fn province_key(columns: Vec<String>) -> PyResult<&'static str> {
    let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
    columns::province_key_of(&cols).py()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(column_names, m)?)?;
    m.add_function(wrap_pyfunction!(province_key, m)?)?;
    m.add_function(wrap_pyfunction!(break_years, m)?)?;
    m.add_function(wrap_pyfunction!(break_note, m)?)?;
    m.add_function(wrap_pyfunction!(comparable, m)?)?;
    m.add_function(wrap_pyfunction!(first_year, m)?)?;
    m.add_function(wrap_pyfunction!(last_year, m)?)?;
    m.add_function(wrap_pyfunction!(merger_year, m)?)?;
    m.add_function(wrap_pyfunction!(parse_era, m)?)?;
    m.add_function(wrap_pyfunction!(group_keys, m)?)?;
    m.add_function(wrap_pyfunction!(group_labels, m)?)?;
    m.add_function(wrap_pyfunction!(group_index, m)?)?;
    m.add_function(wrap_pyfunction!(group_label, m)?)?;
    m.add_function(wrap_pyfunction!(label, m)?)?;
    m.add_function(wrap_pyfunction!(labels_section, m)?)?;
    m.add_function(wrap_pyfunction!(dimension_name, m)?)?;
    m.add_function(wrap_pyfunction!(regions, m)?)?;
    m.add_function(wrap_pyfunction!(number_separators, m)?)?;
    m.add_function(wrap_pyfunction!(format_number, m)?)?;
    m.add_function(wrap_pyfunction!(set_number_separators, m)?)?;
    m.add_function(wrap_pyfunction!(format_date, m)?)?;
    m.add_function(wrap_pyfunction!(citation, m)?)?;
    Ok(())
}
