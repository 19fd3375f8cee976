//! Indicator recipes: how an indicator is computed from survey items. Recipes are data (serde), so
//! a user can map their own variable names onto a framework.
//!
//! Codes are the numeric answer codes of the questionnaire. "Don't know"/refused codes listed in
//! `exclude` are dropped from numerator and denominator. `applies_if` restricts the denominator to
//! respondents the question applies to (e.g. users of a service); without it, the denominator is all
//! respondents with a valid answer.

/// Denominator restriction: respondents whose `item` has one of `codes`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub item: String,
    pub codes: Vec<i64>,
}

/// How an indicator is computed from items. Every recipe yields one value per respondent (or
/// "not applicable"); the indicator is the weighted mean of that value over applicable respondents.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Recipe {
    /// Share (0-100 %) of valid answers whose code is in `codes`. A valid answer must be one of
    /// `codes` or the "no" codes (`no`, by default [`default_no`]); any other code is an error
    /// naming the column, row and code (declare it in `no` or `exclude`).
    Share {
        item: String,
        codes: Vec<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        no: Option<Vec<i64>>,
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
    /// Answers are checked like `Share`'s: a `yes` code, a "no" code (`no`, by default
    /// [`default_no`]) or an `exclude` code.
    CountYes {
        items: Vec<String>,
        yes: Vec<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        no: Option<Vec<i64>>,
        #[serde(default = "default_exclude")]
        exclude: Vec<i64>,
        #[serde(default)]
        applies_if: Option<Condition>,
    },
}

/// Default "no" codes of yes/no items when a recipe declares none: the questionnaire's 2 (and 0,
/// used by recoded files).
pub fn default_no() -> Vec<i64> {
    vec![0, 2]
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

/// A set of answer codes with a constant-time test for the usual small codes (0..=255).
struct CodeSet {
    small: [bool; 256],
    /// Codes outside 0..=255, as the f64 values they compare equal to.
    other: Vec<f64>,
}

impl CodeSet {
    fn new(codes: &[i64]) -> CodeSet {
        let mut small = [false; 256];
        let mut other = Vec::new();
        for &c in codes {
            match usize::try_from(c) {
                Ok(i) if i < 256 => small[i] = true,
                _ => other.push(c as f64),
            }
        }
        CodeSet { small, other }
    }

    /// Is `x` one of the codes? (NaN never is.)
    #[inline]
    fn contains(&self, x: f64) -> bool {
        if (0.0..256.0).contains(&x) {
            // (through i32: one instruction each way, where usize <-> f64 takes several)
            let i = x as i32;
            if f64::from(i) == x {
                return self.small[i as usize];
            }
        }
        self.other.contains(&x)
    }
}

/// What an answer is to a yes/no recipe. Precedence as in the recipe's rules: a missing answer,
/// then an excluded code, then a "yes" code, then a "no" code; anything else is undeclared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Missing,
    Excluded,
    Yes,
    No,
    Undeclared,
}

/// [`Answer`] of every code: one table lookup for the usual small codes (0..=255).
struct Classifier<'a> {
    small: [Answer; 256],
    exclude: &'a CodeSet,
    yes: CodeSet,
    no: CodeSet,
}

impl<'a> Classifier<'a> {
    fn new(yes: &[i64], no: &[i64], exclude: &'a CodeSet) -> Classifier<'a> {
        let (yes, no) = (CodeSet::new(yes), CodeSet::new(no));
        let mut small = [Answer::Undeclared; 256];
        for (i, a) in small.iter_mut().enumerate() {
            *a = Self::slow(i as f64, exclude, &yes, &no);
        }
        Classifier {
            small,
            exclude,
            yes,
            no,
        }
    }

    fn slow(x: f64, exclude: &CodeSet, yes: &CodeSet, no: &CodeSet) -> Answer {
        if x.is_nan() {
            Answer::Missing
        } else if exclude.contains(x) {
            Answer::Excluded
        } else if yes.contains(x) {
            Answer::Yes
        } else if no.contains(x) {
            Answer::No
        } else {
            Answer::Undeclared
        }
    }

    #[inline]
    fn of(&self, x: f64) -> Answer {
        match Self::slot(x) {
            Some(NAN_SLOT) => Answer::Missing,
            Some(k) => self.small[k],
            None => Self::slow(x, self.exclude, &self.yes, &self.no),
        }
    }

    /// The table slot of `x`: its code for 0..=255, [`NAN_SLOT`] for NaN (missing), None for any
    /// other value. Branch-free for the usual codes (answers are a random mix of yes, no and
    /// missing, so branching on them mispredicts).
    #[inline]
    fn slot(x: f64) -> Option<usize> {
        // (through i32: one instruction each way, where usize <-> f64 takes several)
        let i = x as i32;
        let small = f64::from(i) == x && (0..256).contains(&i);
        let k = if small { i as usize } else { NAN_SLOT };
        (small || x.is_nan()).then_some(k)
    }

    /// A per-slot table of `f(answer)` (slot [`NAN_SLOT`]: a missing answer).
    fn table<T: Copy>(&self, f: impl Fn(Answer) -> T) -> [T; NAN_SLOT + 1] {
        let mut t = [f(Answer::Missing); NAN_SLOT + 1];
        for (o, &a) in t.iter_mut().zip(&self.small) {
            *o = f(a);
        }
        t
    }
}

/// The slot of a missing answer in a [`Classifier`] table.
const NAN_SLOT: usize = 256;

/// Answer codes of an item; a missing answer is NaN.
fn read_codes(df: &polars::prelude::DataFrame, item: &str) -> crate::error::Result<Vec<f64>> {
    crate::frame::f64_nan_col(df, item)
}

/// A valid answer: present and not an excluded ("don't know"/refused) code.
#[inline]
fn valid(x: f64, exclude: &CodeSet) -> Option<f64> {
    (!x.is_nan() && !exclude.contains(x)).then_some(x)
}

impl Recipe {
    /// Per-respondent value of the indicator (NaN = not applicable: missing answer, an `exclude`
    /// code, or outside `applies_if`). Shares are 0 or 100; `CountYes` needs every item answered
    /// (listwise), so its value runs 0..items.len(). A `Mean` answer outside `min..max` that is not an
    /// `exclude` code is an error naming the column and row.
    pub fn values(&self, df: &polars::prelude::DataFrame) -> crate::error::Result<Vec<f64>> {
        let (cond, exclude_codes) = self.filters();
        let exclude = &CodeSet::new(exclude_codes);
        let applies = applies(df, cond)?;
        let mut out = match self {
            Recipe::Share {
                item, codes, no, ..
            } => share_values(df, item, codes, &no_codes(codes, no), exclude)?,
            Recipe::Mean { item, min, max, .. } => {
                mean_values(df, item, (*min, *max), exclude, exclude_codes)?
            }
            Recipe::CountYes { items, yes, no, .. } => {
                count_yes_values(df, items, yes, &no_codes(yes, no), exclude)?
            }
        };
        if let Some(a) = applies {
            for (o, ok) in out.iter_mut().zip(a) {
                if !ok {
                    *o = f64::NAN;
                }
            }
        }
        Ok(out)
    }

    /// The recipe's denominator restriction and excluded codes.
    fn filters(&self) -> (&Option<Condition>, &Vec<i64>) {
        match self {
            Recipe::Share {
                applies_if,
                exclude,
                ..
            }
            | Recipe::Mean {
                applies_if,
                exclude,
                ..
            }
            | Recipe::CountYes {
                applies_if,
                exclude,
                ..
            } => (applies_if, exclude),
        }
    }
}

/// Whether each respondent is in the denominator (`None`: everyone).
fn applies(
    df: &polars::prelude::DataFrame,
    cond: &Option<Condition>,
) -> crate::error::Result<Option<Vec<bool>>> {
    let Some(c) = cond else {
        return Ok(None);
    };
    let set = CodeSet::new(&c.codes);
    Ok(Some(
        read_codes(df, &c.item)?
            .into_iter()
            .map(|x| set.contains(x))
            .collect(),
    ))
}

/// The declared "no" codes (default [`default_no`] minus the yes codes).
fn no_codes(yes: &[i64], no: &Option<Vec<i64>>) -> Vec<i64> {
    match no {
        Some(n) => n.clone(),
        None => default_no()
            .into_iter()
            .filter(|c| !yes.contains(c))
            .collect(),
    }
}

/// An answer that is neither a yes, a no nor an excluded code.
fn undeclared(item: &str, row: usize, x: f64, yes: &[i64], no: &[i64]) -> crate::error::PapiError {
    crate::error::PapiError::InvalidSurvey {
        location: format!("column {item:?}, row {row}"),
        message: format!(
            "answer code {x} is not a declared code of the recipe (yes {yes:?}, no {no:?}, or exclude); declare it in the recipe's \"no\" or \"exclude\" codes, or recode it"
        ),
    }
}

/// `Share`: 100 for a valid answer in `codes`, 0 for a "no" code, NaN otherwise; any other
/// answer is an error.
fn share_values(
    df: &polars::prelude::DataFrame,
    item: &str,
    yes: &[i64],
    no: &[i64],
    exclude: &CodeSet,
) -> crate::error::Result<Vec<f64>> {
    let class = Classifier::new(yes, no, exclude);
    let value = |a: Answer| match a {
        Answer::Yes => 100.0,
        Answer::No => 0.0,
        Answer::Missing | Answer::Excluded | Answer::Undeclared => f64::NAN,
    };
    let (values, bad) = (class.table(value), class.table(|a| a == Answer::Undeclared));
    let mut out = read_codes(df, item)?;
    for (i, o) in out.iter_mut().enumerate() {
        let v = *o;
        let (x, b) = match Classifier::slot(v) {
            Some(k) => (values[k], bad[k]),
            None => {
                let a = class.of(v);
                (value(a), a == Answer::Undeclared)
            }
        };
        if b {
            return Err(undeclared(item, i, v, yes, no));
        }
        *o = x;
    }
    Ok(out)
}

/// `Mean`: the valid answer; an answer outside `min..max` is an error naming column and row.
fn mean_values(
    df: &polars::prelude::DataFrame,
    item: &str,
    (min, max): (f64, f64),
    exclude: &CodeSet,
    exclude_codes: &[i64],
) -> crate::error::Result<Vec<f64>> {
    let mut out = vec![f64::NAN; df.height()];
    for (i, v) in read_codes(df, item)?.into_iter().enumerate() {
        if let Some(x) = valid(v, exclude) {
            if x < min || x > max {
                return Err(crate::error::PapiError::InvalidSurvey {
                    location: format!("column {item:?}, row {i}"),
                    message: format!(
                        "answer {x} is outside the scale {min}..{max} and not an excluded code {exclude_codes:?}; recode it or add it to the recipe's exclude list"
                    ),
                });
            }
            out[i] = x;
        }
    }
    Ok(out)
}

/// `CountYes`: how many `items` are answered with a `yes` code, NaN unless every item is valid.
fn count_yes_values(
    df: &polars::prelude::DataFrame,
    items: &[String],
    yes_codes: &[i64],
    no: &[i64],
    exclude: &CodeSet,
) -> crate::error::Result<Vec<f64>> {
    let n = df.height();
    let class = Classifier::new(yes_codes, no, exclude);
    let count = |a: Answer| if a == Answer::Yes { 1.0 } else { 0.0 };
    let answered_of = |a: Answer| matches!(a, Answer::Yes | Answer::No);
    let (yes, answered) = (class.table(count), class.table(answered_of));
    let bad = class.table(|a| a == Answer::Undeclared);
    let mut cnt = vec![0.0; n];
    let mut ok = vec![true; n];
    for item in items {
        for (i, v) in read_codes(df, item)?.into_iter().enumerate() {
            let (y, valid, b) = match Classifier::slot(v) {
                Some(k) => (yes[k], answered[k], bad[k]),
                None => {
                    let a = class.of(v);
                    (count(a), answered_of(a), a == Answer::Undeclared)
                }
            };
            if b {
                return Err(undeclared(item, i, v, yes_codes, no));
            }
            cnt[i] += y;
            ok[i] &= valid;
        }
    }
    Ok(cnt
        .into_iter()
        .zip(ok)
        .map(|(c, ok)| if ok { c } else { f64::NAN })
        .collect())
}
