//! Output language for labels.

use crate::error::{PapiError, Result};

/// Vietnamese or English labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Vi,
}

impl Lang {
    /// Parse "en"/"vi" (also "english", "vietnamese", "tiếng việt").
    pub fn parse(s: &str) -> Result<Lang> {
        match crate::text::fold(s).as_str() {
            "en" | "english" | "eng" => Ok(Lang::En),
            "vi" | "vn" | "vietnamese" | "tiengviet" => Ok(Lang::Vi),
            _ => Err(PapiError::InvalidArgument {
                argument: "lang".into(),
                message: format!("{s:?} is not a language; use \"en\" or \"vi\""),
            }),
        }
    }

    /// Decimal separator of numbers in this language: Vietnamese writes 43,0102, English 43.0102.
    pub fn decimal_separator(self) -> char {
        self.pick_char('.', ',')
    }

    /// Thousands separator in this language: Vietnamese writes 1.234, English 1,234.
    pub fn thousands_separator(self) -> char {
        self.pick_char(',', '.')
    }

    fn pick_char(self, en: char, vi: char) -> char {
        match self {
            Lang::En => en,
            Lang::Vi => vi,
        }
    }

    /// Pick the string in this language.
    pub fn pick<'a>(self, en: &'a str, vi: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Vi => vi,
        }
    }
}

/// Separators that replace every language's own in [`format_number`] (set by the facade's
/// `pk.Config`): (decimal, thousands), `None` keeps the language's.
static SEPARATORS: std::sync::RwLock<(Option<char>, Option<char>)> =
    std::sync::RwLock::new((None, None));

/// Override the decimal and/or thousands separator of [`format_number`] for every language
/// (`None` keeps each language's own); the texts the core writes (review sentences ...) follow it.
pub fn set_separators(decimal: Option<char>, thousands: Option<char>) {
    if let Ok(mut s) = SEPARATORS.write() {
        *s = (decimal, thousands);
    }
}

/// `x` with `digits` decimals, the language's separators unless [`set_separators`] overrides them
/// (see [`format_number_with`]).
pub fn format_number(x: f64, digits: usize, lang: Lang) -> String {
    let (d, t) = SEPARATORS.read().map(|s| *s).unwrap_or((None, None));
    format_number_with(
        x,
        digits,
        d.unwrap_or(lang.decimal_separator()),
        Some(t.unwrap_or(lang.thousands_separator())),
    )
}

/// `x` with `digits` decimals, `decimal` as the decimal mark and `thousands` (if any) between
/// groups of three integer digits; non-finite values as "NaN", "inf", "-inf".
pub fn format_number_with(x: f64, digits: usize, decimal: char, thousands: Option<char>) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = format!("{:.*}", digits, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let mut out = String::with_capacity(s.len() + int.len() / 3 + 1);
    // "-0.0000" prints as "0.0000": the sign only when a non-zero digit is shown
    if x.is_sign_negative() && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    let n = int.len();
    for (i, c) in int.chars().enumerate() {
        if let Some(t) = thousands
            && i > 0
            && (n - i) % 3 == 0
        {
            out.push(t);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(decimal);
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_by_language() {
        assert_eq!(format_number(43.0102, 4, Lang::Vi), "43,0102");
        assert_eq!(format_number(43.0102, 4, Lang::En), "43.0102");
        assert_eq!(format_number(1234.0, 0, Lang::Vi), "1.234");
        assert_eq!(format_number(1234.5, 1, Lang::En), "1,234.5");
        assert_eq!(format_number(-1234567.891, 2, Lang::Vi), "-1.234.567,89");
        assert_eq!(format_number(-0.00001, 4, Lang::En), "0.0000");
        assert_eq!(format_number(999.99996, 4, Lang::Vi), "1.000,0000");
        assert_eq!(format_number_with(0.5, 1, '.', None), "0.5");
        assert_eq!(format_number(f64::NAN, 2, Lang::Vi), "NaN");
        assert_eq!(Lang::parse("vi").unwrap().decimal_separator(), ',');
    }
}
