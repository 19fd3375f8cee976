//! A small RFC-4180 reader for the CSV files embedded in the crate (quoted fields, commas inside
//! quotes, doubled quotes). The embedded files are checked by tests, so errors here are bugs in the
//! shipped data, reported with file and line.

use crate::error::{PapiError, Result};
use std::collections::HashMap;

/// One parsed table: header plus rows of string fields.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    index: HashMap<String, usize>,
}

impl Table {
    /// Parse CSV text.
    pub fn parse(name: &'static str, text: &str) -> Result<Table> {
        let mut records = split_records(text);
        if records.is_empty() {
            return Err(PapiError::InvalidArgument {
                argument: name.into(),
                message: "empty CSV".into(),
            });
        }
        let header = records.remove(0);
        let index = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        for (i, r) in records.iter().enumerate() {
            if r.len() != header.len() {
                return Err(PapiError::InvalidArgument {
                    argument: name.into(),
                    message: format!(
                        "line {} has {} fields, header has {}",
                        i + 2,
                        r.len(),
                        header.len()
                    ),
                });
            }
        }
        Ok(Table {
            name,
            header,
            rows: records,
            index,
        })
    }

    /// Column position, or an error naming the column.
    pub fn col(&self, name: &str) -> Result<usize> {
        self.index
            .get(name)
            .copied()
            .ok_or_else(|| PapiError::MissingColumn {
                column: name.into(),
                available: self.header.join(", "),
            })
    }
}

fn split_records(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => in_quotes = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                if !(row.len() == 1 && row[0].is_empty()) {
                    out.push(std::mem::take(&mut row));
                } else {
                    row.clear();
                }
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        out.push(row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields() {
        let t = Table::parse("t", "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n1,\n").unwrap();
        assert_eq!(t.rows[0], vec!["x, y", "say \"hi\""]);
        assert_eq!(t.rows[1], vec!["1", ""]);
    }

    #[test]
    fn ragged_rows_are_errors() {
        assert!(Table::parse("t", "a,b\n1\n").is_err());
    }
}
