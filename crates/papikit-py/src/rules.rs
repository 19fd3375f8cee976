//! Bindings of PAPI's rules and labels, each defined once in the core: structural breaks and the
//! comparability rule, published years, performance groups, the VN/EN label table, dimension
//! names, regions and map eras. Python reads these and never restates them.

use crate::errors::IntoPyResult;
use papikit_core::analysis::trend;
use papikit_core::rank::Group;
use papikit_core::{Lang, framework_names, labels, published, registry};
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

/// The six socio-economic regions: (id, English name, Vietnamese name).
#[pyfunction]
pub fn regions() -> PyResult<Vec<(u8, String, String)>> {
    registry::regions().py()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
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
    Ok(())
}
