//! The one VN/EN label table (data/labels.csv: key,en,vi) for every user-facing text outside the
//! data tables: terminal profile (`cli.*`), report (`report.*`), report column headers
//! (`column.*`), chart text (`plot.*`), short dimension names (`dimension.*`), short province names
//! for crowded charts (`short_name.<code>`) and profile flags (`flag.*`). Group labels live with
//! [`crate::rank::Group`]; break notes with [`crate::analysis::trend::BREAKS`].

use crate::csv::Table;
use crate::error::{PapiError, Result};
use crate::lang::Lang;
use std::sync::OnceLock;

const LABELS_CSV: &str = include_str!("../data/labels.csv");

/// One label: key, English and Vietnamese text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub key: String,
    pub en: String,
    pub vi: String,
}

fn build() -> Result<Vec<Label>> {
    let t = Table::parse("labels.csv", LABELS_CSV)?;
    let (ck, ce, cv) = (t.col("key")?, t.col("en")?, t.col("vi")?);
    let mut out: Vec<Label> = Vec::with_capacity(t.rows.len());
    for (i, r) in t.rows.iter().enumerate() {
        if r[ck].is_empty() || out.iter().any(|l| l.key == r[ck]) {
            return Err(PapiError::InvalidArgument {
                argument: "labels.csv".into(),
                message: format!("line {}: empty or repeated key {:?}", i + 2, r[ck]),
            });
        }
        out.push(Label {
            key: r[ck].clone(),
            en: r[ce].clone(),
            vi: r[cv].clone(),
        });
    }
    Ok(out)
}

/// Every label, in file order.
pub fn labels() -> Result<&'static [Label]> {
    static CELL: OnceLock<std::result::Result<Vec<Label>, String>> = OnceLock::new();
    CELL.get_or_init(|| build().map_err(|e| e.to_string()))
        .as_deref()
        .map_err(|m| PapiError::InvalidArgument {
            argument: "labels.csv".into(),
            message: m.clone(),
        })
}

/// The text of `key` in `lang`; an unknown key is an error naming the keys that share its prefix.
pub fn label(key: &str, lang: Lang) -> Result<&'static str> {
    let all = labels()?;
    match all.iter().find(|l| l.key == key) {
        Some(l) => Ok(lang.pick(&l.en, &l.vi)),
        None => {
            let prefix = key.split('.').next().unwrap_or("");
            let known: Vec<&str> = all
                .iter()
                .filter(|l| l.key.split('.').next() == Some(prefix))
                .map(|l| l.key.as_str())
                .collect();
            Err(PapiError::UnknownCode {
                kind: "label".into(),
                code: key.into(),
                known: if known.is_empty() {
                    "see data/labels.csv".into()
                } else {
                    known.join(", ")
                },
            })
        }
    }
}

/// The text of `key` in `lang` with its `{name}` placeholders filled from `args`.
pub fn format(key: &str, lang: Lang, args: &[(&str, String)]) -> Result<String> {
    let mut text = label(key, lang)?.to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    Ok(text)
}

/// A date written out: "1 December 2026" (EN), "ngày 1 tháng 12 năm 2026" (VN).
pub fn format_date(year: i32, month: u32, day: u32, lang: Lang) -> Result<String> {
    let month_name = label(&format!("month.{month}"), lang)?.to_string();
    format(
        "date.long",
        lang,
        &[
            ("day", day.to_string()),
            ("month", month.to_string()),
            ("month_name", month_name),
            ("year", year.to_string()),
        ],
    )
}

/// Every label whose key starts with `prefix` followed by a dot, as (rest of key, text in `lang`).
pub fn section(prefix: &str, lang: Lang) -> Result<Vec<(&'static str, &'static str)>> {
    Ok(labels()?
        .iter()
        .filter_map(|l| {
            l.key
                .strip_prefix(prefix)
                .and_then(|k| k.strip_prefix('.'))
                .map(|k| (k, lang.pick(&l.en, &l.vi)))
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_looks_up() {
        assert!(labels().unwrap().len() > 100);
        assert_eq!(
            label("dimension.d4", Lang::Vi).unwrap(),
            "Kiểm soát tham nhũng"
        );
        assert_eq!(label("cli.total", Lang::En).unwrap(), "Total score");
        let e = label("cli.nope", Lang::En).unwrap_err().to_string();
        assert!(e.contains("cli.nope") && e.contains("cli.total"), "{e}");
        let dims = section("dimension", Lang::En).unwrap();
        assert_eq!(dims.len(), 9);
        assert_eq!(dims[0], ("d1", "Participation"));
    }

    #[test]
    fn dates_written_out() {
        assert_eq!(
            format_date(2026, 12, 1, Lang::Vi).unwrap(),
            "ngày 1 tháng 12 năm 2026"
        );
        assert_eq!(
            format_date(2026, 12, 1, Lang::En).unwrap(),
            "1 December 2026"
        );
        assert!(format_date(2026, 13, 1, Lang::En).is_err());
    }

    #[test]
    fn every_label_has_both_languages() {
        for l in labels().unwrap() {
            assert!(!l.en.is_empty() && !l.vi.is_empty(), "{}", l.key);
        }
    }
}
