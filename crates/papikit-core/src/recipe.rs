//! Indicator recipes: how an indicator is computed from survey items. Recipes are data (serde), so
//! a user can map their own variable names onto a framework.
//!
//! Codes are the numeric answer codes of the questionnaire. "Don't know"/refused codes listed in
//! `exclude` are dropped from numerator and denominator. `applies_if` restricts the denominator to
//! respondents the question applies to (e.g. users of a service); without it, the denominator is all
//! respondents with a valid answer.

/// Denominator restriction: respondents whose `item` has one of `codes`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Condition {
    pub item: String,
    pub codes: Vec<i64>,
}

/// How an indicator is computed from items. Every recipe yields one value per respondent (or
/// "not applicable"); the indicator is the weighted mean of that value over applicable respondents.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recipe {
    /// Share (0-100 %) of valid answers whose code is in `codes`.
    Share {
        item: String,
        codes: Vec<i64>,
        #[serde(default = "default_exclude")]
        exclude: Vec<i64>,
        #[serde(default)]
        applies_if: Option<Condition>,
    },
    /// Mean of a scale item running from `min` to `max`.
    Mean {
        item: String,
        min: f64,
        max: f64,
        #[serde(default = "default_exclude")]
        exclude: Vec<i64>,
        #[serde(default)]
        applies_if: Option<Condition>,
    },
    /// Number of `items` answered with a code in `yes` (0..items.len()), e.g. the 10 hospital items.
    CountYes {
        items: Vec<String>,
        yes: Vec<i64>,
        #[serde(default = "default_exclude")]
        exclude: Vec<i64>,
        #[serde(default)]
        applies_if: Option<Condition>,
    },
}

/// Default "don't know" / refused codes.
pub fn default_exclude() -> Vec<i64> {
    vec![98, 99]
}

impl Recipe {
    /// Survey items (column names) the recipe reads, including its condition item.
    pub fn items(&self) -> Vec<&str> {
        let (mut v, cond): (Vec<&str>, &Option<Condition>) = match self {
            Recipe::Share {
                item, applies_if, ..
            }
            | Recipe::Mean {
                item, applies_if, ..
            } => (vec![item.as_str()], applies_if),
            Recipe::CountYes {
                items, applies_if, ..
            } => (items.iter().map(String::as_str).collect(), applies_if),
        };
        if let Some(c) = cond {
            v.push(c.item.as_str());
        }
        v
    }

    /// Theoretical range of the indicator value (the default normalisation goalposts).
    pub fn range(&self) -> (f64, f64) {
        match self {
            Recipe::Share { .. } => (0.0, 100.0),
            Recipe::Mean { min, max, .. } => (*min, *max),
            Recipe::CountYes { items, .. } => (0.0, items.len() as f64),
        }
    }

    /// Rename survey items (for mapping a user's variable names).
    pub fn rename(&mut self, map: &dyn Fn(&str) -> Option<String>) {
        let swap = |s: &mut String| {
            if let Some(n) = map(s) {
                *s = n;
            }
        };
        match self {
            Recipe::Share {
                item, applies_if, ..
            }
            | Recipe::Mean {
                item, applies_if, ..
            } => {
                swap(item);
                if let Some(c) = applies_if {
                    swap(&mut c.item);
                }
            }
            Recipe::CountYes {
                items, applies_if, ..
            } => {
                items.iter_mut().for_each(swap);
                if let Some(c) = applies_if {
                    swap(&mut c.item);
                }
            }
        }
    }
}
