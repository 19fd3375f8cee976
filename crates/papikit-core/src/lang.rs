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

    /// Pick the string in this language.
    pub fn pick<'a>(self, en: &'a str, vi: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Vi => vi,
        }
    }
}
