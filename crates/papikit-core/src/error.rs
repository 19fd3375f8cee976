//! One error type for the whole core. Every variant names the culprit and says what to do.

use thiserror::Error;

/// Result alias used across the core.
pub type Result<T> = std::result::Result<T, PapiError>;

/// Everything that can go wrong in papikit's core, each variant with named fields and a remedy.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum PapiError {
    /// A province name or code that matches no province.
    #[error(
        "unknown province {query:?}; did you mean {suggestions}? Use a GSO code (e.g. 66), a name with or without diacritics (\"Đắk Lắk\", \"Dak Lak\") or see pk.provinces()"
    )]
    UnknownProvince { query: String, suggestions: String },
    /// A year outside the published range or without data.
    #[error("no PAPI data for year {year}; published years are {first}-{last}")]
    UnknownYear { year: i64, first: u16, last: u16 },
    /// A column that a function needs is missing from a table.
    #[error(
        "column {column:?} not found in the table (columns: {available}); pass by=/... with an existing column"
    )]
    MissingColumn { column: String, available: String },
    /// A column has the wrong type.
    #[error(
        "column {column:?} has type {found}, expected {expected}; cast it first (e.g. pl.col({column:?}).cast(pl.Float64))"
    )]
    ColumnType {
        column: String,
        found: String,
        expected: String,
    },
    /// A framework specification with one or more problems, each with its location.
    #[error("invalid framework specification ({} problem(s)):\n  - {}", problems.len(), problems.join("\n  - "))]
    InvalidFramework { problems: Vec<String> },
    /// A framework file that cannot be parsed at all.
    #[error("cannot parse framework {format}: {message}")]
    FrameworkParse { format: String, message: String },
    /// A code (dimension, sub-dimension, indicator, agency ...) that is not known.
    #[error("unknown {kind} code {code:?}; known codes: {known}")]
    UnknownCode {
        kind: String,
        code: String,
        known: String,
    },
    /// A province that has no data in a given year.
    #[error(
        "{province} has no published {what} in {year}; choose another year (see pk.published({year}))"
    )]
    NoData {
        province: String,
        year: u16,
        what: String,
    },
    /// A generic invalid argument, with the argument's name.
    #[error("invalid value for {argument}: {message}")]
    InvalidArgument { argument: String, message: String },
    /// Invalid survey input (microdata or design).
    #[error("invalid survey input in {location}: {message}")]
    InvalidSurvey { location: String, message: String },
    /// A target that cannot be reached within the caps.
    #[error(
        "target {target} is unreachable within the caps; best reachable rank is {best_rank} (score {best_score:.4})"
    )]
    Infeasible {
        target: String,
        best_rank: u32,
        best_score: f64,
    },
    /// An error raised by polars while building or reading a table.
    #[error("table operation failed: {message}")]
    Polars { message: String },
}

impl From<polars::error::PolarsError> for PapiError {
    fn from(e: polars::error::PolarsError) -> Self {
        PapiError::Polars {
            message: e.to_string(),
        }
    }
}
