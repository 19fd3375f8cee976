//! One error type for the whole core. Every variant names the culprit and says what to do.
//!
//! Errors are data: [`PapiError::fields`] lists each variant's named fields (the Python binding
//! sets them as exception attributes) and [`PapiError::problems`] lists located problems (every
//! problem of a framework specification, or one item built from the fields).

use std::fmt;

use thiserror::Error;

/// Result alias used across the core.
pub type Result<T> = std::result::Result<T, PapiError>;

/// One located problem, like a pydantic validation error item.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where: a path into the input (`dimensions[2].subdimensions[0]`, `rows[3]`, a file name);
    /// empty when the problem concerns the whole input.
    pub loc: String,
    /// What kind of problem, a stable snake_case key (`duplicate_code`, `empty_code` ...).
    pub kind: &'static str,
    /// The human message, without the location.
    pub message: String,
}

impl Problem {
    /// A problem at `loc` of `kind`.
    pub fn new(loc: impl Into<String>, kind: &'static str, message: impl Into<String>) -> Self {
        Problem {
            loc: loc.into(),
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.loc.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.loc, self.message)
        }
    }
}

/// The value of one named field of an error, as the bindings expose it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Str(String),
    Int(i64),
    Float(f64),
    List(Vec<String>),
}

/// Everything that can go wrong in papikit's core, each variant with named fields and a remedy.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum PapiError {
    /// A province name or code that matches no province.
    #[error(
        "unknown province {query:?}; did you mean {}? Use a GSO code (e.g. 66), a name with or without diacritics (\"Đắk Lắk\", \"Dak Lak\") or see pk.provinces()",
        quoted(suggestions)
    )]
    UnknownProvince {
        query: String,
        suggestions: Vec<String>,
    },
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
    #[error("invalid framework specification ({} problem(s)):\n  - {}", problems.len(), joined(problems))]
    InvalidFramework { problems: Vec<Problem> },
    /// A framework file that cannot be parsed at all; `path` is the key path of the culprit
    /// (`dimensions[2].subdimensions[0].code`), empty when unknown.
    #[error("cannot parse framework {format}{}: {message}", at_path(.path))]
    FrameworkParse {
        format: String,
        message: String,
        path: String,
    },
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
    /// A request whose estimated memory exceeds the limit (refused before anything is allocated).
    #[error(
        "{argument} asks for about {} ({what}), over papikit's memory limit of {}; lower {argument}, or raise the limit with pk.set_memory_limit(...) / PAPIKIT_MEMORY_LIMIT",
        human_bytes(*estimate), human_bytes(*limit)
    )]
    ResourceLimit {
        argument: String,
        estimate: u64,
        limit: u64,
        what: String,
    },
    /// A file that cannot be read or written (missing, a directory, no permission, corrupt).
    #[error("cannot {operation} {path:?}: {message}")]
    File {
        path: String,
        operation: String,
        message: String,
    },
    /// A table of published results (a new year's file) with one or more problems, each located
    /// at its cell (`sheet 2025_VIE_ENG!D14`, `row 12, column d4`).
    #[error("invalid published results in {source_name} ({} problem(s)); fix the cells listed, or pass replace=True for a year already present:\n  - {}", problems.len(), joined(problems))]
    InvalidPublished {
        source_name: String,
        problems: Vec<Problem>,
    },
}

/// `1.5 GB`, `24.0 MB`, `512 bytes`.
pub fn human_bytes(b: u64) -> String {
    const UNITS: [(&str, f64); 4] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    for (u, f) in UNITS {
        if b as f64 >= f {
            return format!("{:.1} {u}", b as f64 / f);
        }
    }
    format!("{b} bytes")
}

/// `"a", "b", "c"` (the suggestion list as the message prints it).
fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The problems of a framework, one per line.
/// " at <path>" for a non-empty key path.
fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    }
}

fn joined(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("\n  - ")
}

fn s(v: &str) -> FieldValue {
    FieldValue::Str(v.to_string())
}

impl PapiError {
    /// A stable snake_case key of the variant (`unknown_province`, `infeasible` ...).
    pub fn kind(&self) -> &'static str {
        match self {
            PapiError::UnknownProvince { .. } => "unknown_province",
            PapiError::UnknownYear { .. } => "unknown_year",
            PapiError::MissingColumn { .. } => "missing_column",
            PapiError::ColumnType { .. } => "column_type",
            PapiError::InvalidFramework { .. } => "invalid_framework",
            PapiError::FrameworkParse { .. } => "framework_parse",
            PapiError::UnknownCode { .. } => "unknown_code",
            PapiError::NoData { .. } => "no_data",
            PapiError::InvalidArgument { .. } => "invalid_argument",
            PapiError::InvalidSurvey { .. } => "invalid_survey",
            PapiError::Infeasible { .. } => "infeasible",
            PapiError::Polars { .. } => "polars",
            PapiError::ResourceLimit { .. } => "resource_limit",
            PapiError::File { .. } => "file",
            PapiError::InvalidPublished { .. } => "invalid_published",
        }
    }

    /// Every named field of the variant with its value (the bindings set them as attributes).
    /// `UnknownProvince` also gives its query as `province`; `InvalidFramework` gives its
    /// problems as printed (`loc: message`), the structured list is [`PapiError::problems`].
    pub fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        use FieldValue::{Float, Int, List};
        match self {
            PapiError::UnknownProvince { query, suggestions } => vec![
                ("query", s(query)),
                ("province", s(query)),
                ("suggestions", List(suggestions.clone())),
            ],
            PapiError::UnknownYear { year, first, last } => vec![
                ("year", Int(*year)),
                ("first", Int(i64::from(*first))),
                ("last", Int(i64::from(*last))),
            ],
            PapiError::MissingColumn { column, available } => {
                vec![("column", s(column)), ("available", s(available))]
            }
            PapiError::ColumnType {
                column,
                found,
                expected,
            } => vec![
                ("column", s(column)),
                ("found", s(found)),
                ("expected", s(expected)),
            ],
            PapiError::InvalidFramework { problems } => vec![(
                "problems",
                List(problems.iter().map(Problem::to_string).collect()),
            )],
            PapiError::FrameworkParse {
                format,
                message,
                path,
            } => {
                vec![
                    ("format", s(format)),
                    ("message", s(message)),
                    ("path", s(path)),
                ]
            }
            PapiError::UnknownCode { kind, code, known } => {
                vec![("kind", s(kind)), ("code", s(code)), ("known", s(known))]
            }
            PapiError::NoData {
                province,
                year,
                what,
            } => vec![
                ("province", s(province)),
                ("year", Int(i64::from(*year))),
                ("what", s(what)),
            ],
            PapiError::InvalidArgument { argument, message } => {
                vec![("argument", s(argument)), ("message", s(message))]
            }
            PapiError::InvalidSurvey { location, message } => {
                vec![("location", s(location)), ("message", s(message))]
            }
            PapiError::Infeasible {
                target,
                best_rank,
                best_score,
            } => vec![
                ("target", s(target)),
                ("best_rank", Int(i64::from(*best_rank))),
                ("best_score", Float(*best_score)),
            ],
            PapiError::Polars { message } => vec![("message", s(message))],
            PapiError::ResourceLimit {
                argument,
                estimate,
                limit,
                what,
            } => vec![
                ("argument", s(argument)),
                (
                    "estimate",
                    Int(i64::try_from(*estimate).unwrap_or(i64::MAX)),
                ),
                ("limit", Int(i64::try_from(*limit).unwrap_or(i64::MAX))),
                ("what", s(what)),
            ],
            PapiError::File {
                path,
                operation,
                message,
            } => vec![
                ("path", s(path)),
                ("operation", s(operation)),
                ("message", s(message)),
            ],
            PapiError::InvalidPublished {
                source_name,
                problems,
            } => vec![
                ("source_name", s(source_name)),
                (
                    "problems",
                    List(problems.iter().map(Problem::to_string).collect()),
                ),
            ],
        }
    }

    /// The located problems: every problem of an invalid framework, otherwise one item located
    /// at the culprit (province query, year, column, code, argument, survey location, target).
    pub fn problems(&self) -> Vec<Problem> {
        let loc = match self {
            PapiError::InvalidFramework { problems }
            | PapiError::InvalidPublished { problems, .. } => return problems.clone(),
            PapiError::UnknownProvince { query, .. } => query.clone(),
            PapiError::UnknownYear { year, .. } => year.to_string(),
            PapiError::MissingColumn { column, .. } | PapiError::ColumnType { column, .. } => {
                column.clone()
            }
            PapiError::FrameworkParse { format, path, .. } => {
                if path.is_empty() {
                    format.clone()
                } else {
                    path.clone()
                }
            }
            PapiError::UnknownCode { code, .. } => code.clone(),
            PapiError::NoData { province, year, .. } => format!("{province}/{year}"),
            PapiError::InvalidArgument { argument, .. } => argument.clone(),
            PapiError::InvalidSurvey { location, .. } => location.clone(),
            PapiError::Infeasible { target, .. } => target.clone(),
            PapiError::Polars { .. } => String::new(),
            PapiError::ResourceLimit { argument, .. } => argument.clone(),
            PapiError::File { path, .. } => path.clone(),
        };
        vec![Problem::new(loc, self.kind(), self.to_string())]
    }
}

impl From<polars::error::PolarsError> for PapiError {
    fn from(e: polars::error::PolarsError) -> Self {
        PapiError::Polars {
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each variant; the match below fails to compile when a variant is added, so the
    /// new variant must be added here too (and so is checked by the tests below).
    fn every_variant() -> Vec<PapiError> {
        let all = vec![
            PapiError::UnknownProvince {
                query: "Dak Lac".into(),
                suggestions: vec!["Đắk Lắk".into(), "Đắk Nông".into()],
            },
            PapiError::UnknownYear {
                year: 2009,
                first: 2011,
                last: 2024,
            },
            PapiError::MissingColumn {
                column: "score".into(),
                available: "a, b".into(),
            },
            PapiError::ColumnType {
                column: "score".into(),
                found: "str".into(),
                expected: "f64".into(),
            },
            PapiError::InvalidFramework {
                problems: vec![
                    Problem::new("dimensions[0]", "empty_code", "empty code"),
                    Problem::new("", "no_dimensions", "the framework has no dimensions"),
                ],
            },
            PapiError::FrameworkParse {
                format: "JSON".into(),
                message: "eof".into(),
                path: String::new(),
            },
            PapiError::UnknownCode {
                kind: "dimension".into(),
                code: "d9".into(),
                known: "d1, d2".into(),
            },
            PapiError::NoData {
                province: "Hà Nội".into(),
                year: 2010,
                what: "scores".into(),
            },
            PapiError::InvalidArgument {
                argument: "draws".into(),
                message: "must be positive".into(),
            },
            PapiError::InvalidSurvey {
                location: "column \"w\" row 1".into(),
                message: "negative weight".into(),
            },
            PapiError::Infeasible {
                target: "top 10".into(),
                best_rank: 12,
                best_score: 45.5,
            },
            PapiError::Polars {
                message: "boom".into(),
            },
            PapiError::ResourceLimit {
                argument: "replicates".into(),
                estimate: 24_000_000_000,
                limit: 4_000_000_000,
                what: "replicate factors".into(),
            },
            PapiError::File {
                path: "/tmp/x.json".into(),
                operation: "read".into(),
                message: "No such file or directory".into(),
            },
            PapiError::InvalidPublished {
                source_name: "x.xlsx".into(),
                problems: vec![Problem::new(
                    "sheet 2025_VIE_ENG!D14",
                    "dimensions_do_not_sum",
                    "d1..d8 do not sum to the total",
                )],
            },
        ];
        for e in &all {
            match e {
                PapiError::UnknownProvince { .. }
                | PapiError::UnknownYear { .. }
                | PapiError::MissingColumn { .. }
                | PapiError::ColumnType { .. }
                | PapiError::InvalidFramework { .. }
                | PapiError::FrameworkParse { .. }
                | PapiError::UnknownCode { .. }
                | PapiError::NoData { .. }
                | PapiError::InvalidArgument { .. }
                | PapiError::InvalidSurvey { .. }
                | PapiError::Infeasible { .. }
                | PapiError::Polars { .. }
                | PapiError::ResourceLimit { .. }
                | PapiError::File { .. }
                | PapiError::InvalidPublished { .. } => {}
            }
        }
        all
    }

    /// The named fields of a variant as its derived `Debug` prints them (`V { a: .., b: .. }`).
    fn debug_field_names(e: &PapiError) -> Vec<String> {
        let text = format!("{e:?}");
        let Some(open) = text.find('{') else {
            return Vec::new();
        };
        let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
        let mut names = Vec::new();
        let mut word = String::new();
        for c in text[open + 1..].chars() {
            if in_str {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_str = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_str = true,
                '{' | '[' | '(' => depth += 1,
                '}' | ']' | ')' => depth = depth.saturating_sub(1),
                ':' if depth == 0 && !word.is_empty() => names.push(word.clone()),
                _ => {}
            }
            if c.is_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                word.clear();
            }
        }
        names
    }

    #[test]
    fn every_variant_yields_all_its_fields() {
        let variants = every_variant();
        assert_eq!(variants.len(), 15);
        for e in &variants {
            let declared = debug_field_names(e);
            assert!(!declared.is_empty(), "{e:?}");
            let given: Vec<&str> = e.fields().iter().map(|(n, _)| *n).collect();
            for name in &declared {
                assert!(given.contains(&name.as_str()), "{e:?} lacks field {name}");
            }
        }
    }

    #[test]
    fn field_values_carry_the_data() {
        let v = every_variant();
        assert!(v[0].fields().contains(&(
            "suggestions",
            FieldValue::List(vec!["Đắk Lắk".into(), "Đắk Nông".into()])
        )));
        assert!(v[10].fields().contains(&("best_rank", FieldValue::Int(12))));
        assert!(
            v[10]
                .fields()
                .contains(&("best_score", FieldValue::Float(45.5)))
        );
        assert!(v[1].fields().contains(&("first", FieldValue::Int(2011))));
    }

    #[test]
    fn problems_are_located() {
        for e in every_variant() {
            let p = e.problems();
            assert!(!p.is_empty());
            assert!(
                p.iter()
                    .all(|p| !p.kind.is_empty() && !p.message.is_empty())
            );
        }
        let v = every_variant();
        assert_eq!(v[4].problems().len(), 2);
        assert_eq!(v[4].problems()[0].loc, "dimensions[0]");
        assert_eq!(v[8].problems()[0].loc, "draws");
        assert_eq!(v[8].problems()[0].kind, "invalid_argument");
    }

    #[test]
    fn messages_are_unchanged() {
        let v = every_variant();
        assert!(v[0].to_string().starts_with(
            "unknown province \"Dak Lac\"; did you mean \"Đắk Lắk\", \"Đắk Nông\"? Use a GSO code"
        ));
        assert_eq!(
            v[4].to_string(),
            "invalid framework specification (2 problem(s)):\n  - dimensions[0]: empty code\n  - the framework has no dimensions"
        );
    }
}
