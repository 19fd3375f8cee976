//! The PAPI structure as versioned, validated data: Framework -> Dimension -> SubDimension ->
//! Indicator. Built-in frameworks for each period follow data/papi_dimensions.csv,
//! data/papi_subdimensions.csv and data/papi_indicators.csv; users can load their own (the official
//! indicator list is not public in machine-readable form) from JSON, TOML or a flat table, and
//! write them back. Every specification is validated once, and all problems are reported together
//! with their location.
//!
//! Score ranges: a dimension runs 1..10 and is the sum of its n sub-dimensions, each 1/n..10/n;
//! the total is the sum of the dimensions.

use crate::csv::Table;
use crate::error::{PapiError, Problem, Result};
use crate::recipe::Recipe;
use std::collections::{HashMap, HashSet};

const DIMENSIONS_CSV: &str = include_str!("../data/papi_dimensions.csv");
const SUBDIMENSIONS_CSV: &str = include_str!("../data/papi_subdimensions.csv");
const INDICATORS_CSV: &str = include_str!("../data/papi_indicators.csv");
const INDICATOR_NAMES_VI_CSV: &str = include_str!("../data/papi_indicator_names_vi.csv");
const SEED_ITEMS_CSV: &str = include_str!("../data/papi_seed_items.csv");

/// Whether a higher indicator value is better governance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher_is_better",
            Direction::LowerIsBetter => "lower_is_better",
        }
    }

    fn parse(s: &str) -> Option<Direction> {
        match crate::text::fold(s).as_str() {
            "higherisbetter" | "higher" | "positive" | "up" | "" => Some(Direction::HigherIsBetter),
            "lowerisbetter" | "lower" | "negative" | "down" => Some(Direction::LowerIsBetter),
            _ => None,
        }
    }
}

/// A survey item (question) with bilingual wording.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    #[serde(default)]
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
}

/// A measured indicator.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Indicator {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// share_pct, mean_scale_1_N, index_0_N, vnd, ...
    #[serde(default)]
    pub unit: String,
    pub direction: Direction,
    /// Survey items the indicator is computed from (may be empty).
    #[serde(default)]
    pub items: Vec<String>,
    /// verbatim / paraphrase / inferred / official / user.
    #[serde(default)]
    pub evidence: String,
    /// How to compute it from microdata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe: Option<Recipe>,
}

/// A sub-dimension (nội dung thành phần).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SubDimension {
    /// Stable code across periods, e.g. "public_health".
    pub code: String,
    /// Number printed in the report for this period, e.g. "6.1".
    #[serde(default)]
    pub number: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

/// A dimension (chỉ số nội dung), 1..10 points.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dimension {
    /// "d1".."d8".
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub subdimensions: Vec<SubDimension>,
}

/// A PAPI framework for a range of years.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Framework {
    pub name: String,
    pub first_year: u16,
    pub last_year: u16,
    pub dimensions: Vec<Dimension>,
    /// Catalogue of survey items referenced by indicators (bilingual wording).
    #[serde(default)]
    pub items: Vec<Item>,
}

/// The built-in periods.
pub const PERIODS: [(u16, u16); 5] = [
    (2011, 2015),
    (2016, 2017),
    (2018, 2018),
    (2019, 2020),
    (2021, crate::published::LAST_YEAR),
];

impl Dimension {
    /// Range of each of this dimension's sub-dimensions: (1/n, 10/n).
    pub fn subdimension_range(&self) -> (f64, f64) {
        let n = self.subdimensions.len().max(1) as f64;
        (1.0 / n, 10.0 / n)
    }
}

impl Framework {
    /// Total score range (n, 10 n) for n dimensions.
    pub fn total_range(&self) -> (f64, f64) {
        let n = self.dimensions.len() as f64;
        (n, 10.0 * n)
    }

    /// All sub-dimensions with their dimension.
    pub fn subdimensions(&self) -> impl Iterator<Item = (&Dimension, &SubDimension)> {
        self.dimensions
            .iter()
            .flat_map(|d| d.subdimensions.iter().map(move |s| (d, s)))
    }

    /// All indicators with their sub-dimension and dimension.
    pub fn indicators(&self) -> impl Iterator<Item = (&Dimension, &SubDimension, &Indicator)> {
        self.subdimensions()
            .flat_map(|(d, s)| s.indicators.iter().map(move |i| (d, s, i)))
    }

    /// Check the structure; returns every problem with its location.
    pub fn validate(&self) -> Result<()> {
        let mut problems = Vec::new();
        let mut codes = CodeCheck::default();
        if self.first_year > self.last_year {
            problems.push(Problem::new(
                "",
                "year_range",
                format!(
                    "first_year {} is after last_year {}",
                    self.first_year, self.last_year
                ),
            ));
        }
        if self.dimensions.is_empty() {
            problems.push(Problem::new(
                "dimensions",
                "no_dimensions",
                "the framework has no dimensions",
            ));
        }
        for (di, d) in self.dimensions.iter().enumerate() {
            validate_dimension(d, &format!("dimensions[{di}]"), &mut codes, &mut problems);
        }
        problems_to_result(problems)
    }

    /// Parse JSON and validate.
    pub fn from_json(text: &str) -> Result<Framework> {
        let raw: RawFramework =
            serde_json::from_str(text).map_err(|e| PapiError::FrameworkParse {
                format: "JSON".into(),
                message: e.to_string(),
                path: json_path_at(text, e.line(), e.column()),
            })?;
        raw.into_framework()
    }

    /// Parse TOML and validate.
    pub fn from_toml(text: &str) -> Result<Framework> {
        let raw: RawFramework = toml::from_str(text).map_err(|e| PapiError::FrameworkParse {
            format: "TOML".into(),
            message: e.to_string(),
            path: e
                .span()
                .map(|r| toml_path_at(text, r.start))
                .unwrap_or_default(),
        })?;
        raw.into_framework()
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| PapiError::FrameworkParse {
            format: "JSON".into(),
            message: e.to_string(),
            path: String::new(),
        })
    }

    /// TOML.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| PapiError::FrameworkParse {
            format: "TOML".into(),
            message: e.to_string(),
            path: String::new(),
        })
    }

    /// Flat rows: one per dimension, sub-dimension and indicator.
    pub fn flat(&self) -> Vec<FlatRow> {
        let mut out = Vec::new();
        for d in &self.dimensions {
            out.push(FlatRow {
                code: d.code.clone(),
                parent: String::new(),
                level: "dimension".into(),
                number: d.code.trim_start_matches(['d', 'D']).to_string(),
                name_vi: d.name_vi.clone(),
                name_en: d.name_en.clone(),
                direction: String::new(),
                unit: String::new(),
                evidence: String::new(),
                items: String::new(),
                recipe: String::new(),
                min: 1.0,
                max: 10.0,
            });
            let (lo, hi) = d.subdimension_range();
            for s in &d.subdimensions {
                out.push(FlatRow {
                    code: s.code.clone(),
                    parent: d.code.clone(),
                    level: "subdimension".into(),
                    number: s.number.clone(),
                    name_vi: s.name_vi.clone(),
                    name_en: s.name_en.clone(),
                    direction: String::new(),
                    unit: String::new(),
                    evidence: String::new(),
                    items: String::new(),
                    recipe: String::new(),
                    min: lo,
                    max: hi,
                });
                for i in &s.indicators {
                    let (min, max) = i
                        .recipe
                        .as_ref()
                        .map(Recipe::range)
                        .unwrap_or((f64::NAN, f64::NAN));
                    out.push(FlatRow {
                        code: i.code.clone(),
                        parent: s.code.clone(),
                        level: "indicator".into(),
                        number: String::new(),
                        name_vi: i.name_vi.clone(),
                        name_en: i.name_en.clone(),
                        direction: i.direction.as_str().into(),
                        unit: i.unit.clone(),
                        evidence: i.evidence.clone(),
                        items: i.items.join(";"),
                        recipe: i
                            .recipe
                            .as_ref()
                            .and_then(|r| serde_json::to_string(r).ok())
                            .unwrap_or_default(),
                        min,
                        max,
                    });
                }
            }
        }
        out
    }

    /// Build from flat rows (code, parent, level, names, direction, unit ...). Rows may come in any
    /// order; children keep the order in which they appear.
    pub fn from_flat(
        name: &str,
        first_year: u16,
        last_year: u16,
        rows: &[FlatRow],
    ) -> Result<Framework> {
        let mut problems = Vec::new();
        let mut fw = Framework {
            name: name.into(),
            first_year,
            last_year,
            dimensions: Vec::new(),
            items: Vec::new(),
        };
        fw.add_flat_dimensions(rows, &mut problems);
        fw.add_flat_subdimensions(rows, &mut problems);
        fw.add_flat_indicators(rows, &mut problems);
        framework_or_problems(fw, problems)
    }

    /// Step 1 of `from_flat`: the dimension rows.
    fn add_flat_dimensions(&mut self, rows: &[FlatRow], problems: &mut Vec<Problem>) {
        for (i, r) in rows.iter().enumerate() {
            if crate::text::fold(&r.level) == "dimension" {
                if !r.parent.trim().is_empty() {
                    problems.push(Problem::new(
                        format!("rows[{i}]"),
                        "unexpected_parent",
                        format!(
                            "dimension {:?} must not have a parent (has {:?})",
                            r.code, r.parent
                        ),
                    ));
                }
                self.dimensions.push(Dimension {
                    code: r.code.clone(),
                    name_vi: r.name_vi.clone(),
                    name_en: r.name_en.clone(),
                    subdimensions: Vec::new(),
                });
            }
        }
    }

    /// Step 2 of `from_flat`: the sub-dimension rows, under their parent dimension.
    fn add_flat_subdimensions(&mut self, rows: &[FlatRow], problems: &mut Vec<Problem>) {
        for (i, r) in rows.iter().enumerate() {
            if crate::text::fold(&r.level) == "subdimension" {
                match self.dimensions.iter_mut().find(|d| d.code == r.parent) {
                    Some(d) => d.subdimensions.push(SubDimension {
                        code: r.code.clone(),
                        number: r.number.clone(),
                        name_vi: r.name_vi.clone(),
                        name_en: r.name_en.clone(),
                        indicators: Vec::new(),
                    }),
                    None => problems.push(Problem::new(
                        format!("rows[{i}]"),
                        "unknown_parent",
                        format!(
                            "sub-dimension {:?} has no parent dimension (parent {:?} is not a dimension code)",
                            r.code, r.parent
                        ),
                    )),
                }
            }
        }
    }

    /// Step 3 of `from_flat`: the indicator rows, under their parent sub-dimension; rows of an
    /// unknown level are problems.
    fn add_flat_indicators(&mut self, rows: &[FlatRow], problems: &mut Vec<Problem>) {
        for (i, r) in rows.iter().enumerate() {
            let lv = crate::text::fold(&r.level);
            if lv == "indicator" {
                let Some(ind) = flat_indicator(i, r, problems) else {
                    continue;
                };
                match self
                    .dimensions
                    .iter_mut()
                    .flat_map(|d| d.subdimensions.iter_mut())
                    .find(|s| s.code == r.parent)
                {
                    Some(s) => s.indicators.push(ind),
                    None => problems.push(Problem::new(
                        format!("rows[{i}]"),
                        "unknown_parent",
                        format!(
                            "indicator {:?} has no parent sub-dimension (parent {:?} is not a sub-dimension code)",
                            r.code, r.parent
                        ),
                    )),
                }
            } else if lv != "dimension" && lv != "subdimension" {
                problems.push(Problem::new(
                    format!("rows[{i}]"),
                    "unknown_level",
                    format!(
                        "unknown level {:?} for {:?}; use dimension, subdimension or indicator",
                        r.level, r.code
                    ),
                ));
            }
        }
    }

    /// Map survey items to a user's variable names: keys are item codes or indicator codes (an
    /// indicator code renames that indicator's single item).
    pub fn with_columns(&self, mapping: &HashMap<String, String>) -> Result<Framework> {
        let mut fw = self.clone();
        let known_items: HashSet<String> = fw
            .indicators()
            .flat_map(|(_, _, i)| i.items.clone())
            .collect();
        let mut item_map: HashMap<String, String> = HashMap::new();
        let mut unknown = Vec::new();
        let mut keys: Vec<(&String, &String)> = mapping.iter().collect();
        keys.sort();
        if let Some((k, _)) = keys.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(PapiError::InvalidArgument {
                argument: format!("mapping[{k:?}]"),
                message: "empty column name; map each code to the survey column that holds it"
                    .into(),
            });
        }
        for (k, v) in keys {
            if known_items.contains(k) {
                item_map.insert(k.clone(), v.clone());
            } else if let Some((_, _, ind)) = fw.indicators().find(|(_, _, i)| &i.code == k) {
                match ind.recipe.as_ref().map(|r| r.items()) {
                    Some(items) if items.len() == 1 => {
                        item_map.insert(items[0].to_string(), v.clone());
                    }
                    _ => unknown.push(format!(
                        "{k:?} (indicator with several items: map its items instead)"
                    )),
                }
            } else {
                unknown.push(format!("{k:?}"));
            }
        }
        if !unknown.is_empty() {
            return Err(PapiError::UnknownCode {
                kind: "item or indicator".into(),
                code: unknown.join(", "),
                known: "the codes in Framework.to_polars() (level indicator) and their items"
                    .into(),
            });
        }
        for d in &mut fw.dimensions {
            for s in &mut d.subdimensions {
                for i in &mut s.indicators {
                    for it in &mut i.items {
                        if let Some(n) = item_map.get(it) {
                            *it = n.clone();
                        }
                    }
                    if let Some(r) = &mut i.recipe {
                        r.rename(&|s: &str| item_map.get(s).cloned());
                    }
                }
            }
        }
        for it in &mut fw.items {
            if let Some(n) = item_map.get(&it.code) {
                it.code = n.clone();
            }
        }
        Ok(fw)
    }
}

/// The indicator of flat row `i`; `None` (and a problem) when its direction is unknown.
fn flat_indicator(i: usize, r: &FlatRow, problems: &mut Vec<Problem>) -> Option<Indicator> {
    let loc = format!("rows[{i}]");
    let Some(direction) = Direction::parse(&r.direction) else {
        problems.push(Problem::new(
            loc,
            "unknown_direction",
            format!(
                "indicator {:?} has unknown direction {:?}; use higher_is_better or lower_is_better",
                r.code, r.direction
            ),
        ));
        return None;
    };
    let recipe = if r.recipe.trim().is_empty() {
        None
    } else {
        match serde_json::from_str::<Recipe>(&r.recipe) {
            Ok(rc) => Some(rc),
            Err(e) => {
                problems.push(Problem::new(
                    loc,
                    "unreadable_recipe",
                    format!("indicator {:?} has an unreadable recipe: {e}", r.code),
                ));
                None
            }
        }
    };
    Some(Indicator {
        code: r.code.clone(),
        name_vi: r.name_vi.clone(),
        name_en: r.name_en.clone(),
        unit: r.unit.clone(),
        direction,
        items: r
            .items
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        evidence: r.evidence.clone(),
        recipe,
    })
}

/// Codes seen so far in a framework (all levels share one namespace).
#[derive(Default)]
struct CodeCheck {
    seen: HashMap<String, String>,
}

impl CodeCheck {
    /// An empty or duplicate `code` at `loc` is a problem; otherwise remember where it is used.
    fn check(&mut self, code: &str, loc: &str, problems: &mut Vec<Problem>) {
        if code.trim().is_empty() {
            problems.push(Problem::new(loc, "empty_code", "empty code"));
        } else if code.trim().eq_ignore_ascii_case("total") {
            problems.push(Problem::new(
                loc,
                "reserved_code",
                "code \"total\" is reserved for the PAPI total; choose another code",
            ));
        } else if let Some(first) = self.seen.get(code) {
            problems.push(Problem::new(
                loc,
                "duplicate_code",
                format!("duplicate code {code:?} (first used at {first})"),
            ));
        } else {
            self.seen.insert(code.to_string(), loc.to_string());
        }
    }
}

fn validate_dimension(d: &Dimension, dl: &str, codes: &mut CodeCheck, problems: &mut Vec<Problem>) {
    codes.check(&d.code, dl, problems);
    if d.name_vi.trim().is_empty() || d.name_en.trim().is_empty() {
        problems.push(Problem::new(
            dl,
            "missing_name",
            format!("dimension {:?} needs both name_vi and name_en", d.code),
        ));
    }
    if d.subdimensions.is_empty() {
        problems.push(Problem::new(
            dl,
            "no_subdimensions",
            format!("dimension {:?} has no sub-dimensions", d.code),
        ));
    }
    for (si, s) in d.subdimensions.iter().enumerate() {
        validate_subdimension(s, &format!("{dl}.subdimensions[{si}]"), codes, problems);
    }
}

fn validate_subdimension(
    s: &SubDimension,
    sl: &str,
    codes: &mut CodeCheck,
    problems: &mut Vec<Problem>,
) {
    codes.check(&s.code, sl, problems);
    if s.name_vi.trim().is_empty() || s.name_en.trim().is_empty() {
        problems.push(Problem::new(
            sl,
            "missing_name",
            format!("sub-dimension {:?} needs both name_vi and name_en", s.code),
        ));
    }
    for (ii, ind) in s.indicators.iter().enumerate() {
        validate_indicator(ind, &format!("{sl}.indicators[{ii}]"), codes, problems);
    }
}

fn validate_indicator(
    ind: &Indicator,
    il: &str,
    codes: &mut CodeCheck,
    problems: &mut Vec<Problem>,
) {
    codes.check(&ind.code, il, problems);
    if ind.name_vi.trim().is_empty() && ind.name_en.trim().is_empty() {
        problems.push(Problem::new(
            il,
            "missing_name",
            format!("indicator {:?} has no name", ind.code),
        ));
    }
    if let Some(r) = &ind.recipe {
        if let Recipe::Mean { min, max, .. } = r
            && min.partial_cmp(max) != Some(std::cmp::Ordering::Less)
        {
            problems.push(Problem::new(
                il,
                "recipe_scale",
                format!("recipe scale min {min} must be below max {max}"),
            ));
        }
        let no_yes = match r {
            Recipe::Share { codes, .. } => codes.is_empty(),
            Recipe::CountYes { yes, items, .. } => yes.is_empty() || items.is_empty(),
            Recipe::Mean { .. } => false,
        };
        if no_yes {
            problems.push(Problem::new(
                il,
                "recipe_no_yes_codes",
                "recipe has no \"yes\" codes (or no items): it would score 0 everywhere; list the answer codes that count",
            ));
        }
        if r.items().iter().any(|i| i.trim().is_empty()) {
            problems.push(Problem::new(il, "empty_item", "recipe names an empty item"));
        }
    }
}

/// `Ok(fw)` without problems, otherwise every problem in one error.
fn framework_or_problems(fw: Framework, mut problems: Vec<Problem>) -> Result<Framework> {
    if let Err(PapiError::InvalidFramework { problems: more }) = fw.validate() {
        problems.extend(more);
    }
    problems_to_result(problems).map(|()| fw)
}

fn problems_to_result(problems: Vec<Problem>) -> Result<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(PapiError::InvalidFramework { problems })
    }
}

/// A row of the flat table form.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct FlatRow {
    pub code: String,
    pub parent: String,
    pub level: String,
    pub number: String,
    pub name_vi: String,
    pub name_en: String,
    pub direction: String,
    pub unit: String,
    pub evidence: String,
    /// Items joined by ";".
    pub items: String,
    /// Recipe as JSON.
    pub recipe: String,
    pub min: f64,
    pub max: f64,
}

// ---- user specifications: parsed leniently, then validated with locations ----

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_vi: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    items: Vec<String>,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    recipe: Option<serde_json::Value>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSub {
    #[serde(default)]
    code: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    name_vi: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    indicators: Vec<RawIndicator>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDim {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_vi: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    subdimensions: Vec<RawSub>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    #[serde(default)]
    name: String,
    #[serde(default)]
    first_year: Option<u16>,
    #[serde(default)]
    last_year: Option<u16>,
    #[serde(default)]
    dimensions: Vec<RawDim>,
    #[serde(default)]
    items: Vec<Item>,
}

impl RawFramework {
    fn into_framework(self) -> Result<Framework> {
        let mut problems = Vec::new();
        let (first_year, last_year) = match (self.first_year, self.last_year) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a, a),
            _ => {
                problems.push(Problem::new(
                    "first_year",
                    "missing",
                    "missing (the first year the framework applies to)",
                ));
                (0, 0)
            }
        };
        let dimensions = self
            .dimensions
            .into_iter()
            .enumerate()
            .map(|(di, d)| d.into_dimension(di, &mut problems))
            .collect();
        let fw = Framework {
            name: if self.name.is_empty() {
                "user".into()
            } else {
                self.name
            },
            first_year,
            last_year,
            dimensions,
            items: self.items,
        };
        framework_or_problems(fw, problems)
    }
}

impl RawDim {
    fn into_dimension(self, di: usize, problems: &mut Vec<Problem>) -> Dimension {
        Dimension {
            code: self.code,
            name_vi: self.name_vi,
            name_en: self.name_en,
            subdimensions: self
                .subdimensions
                .into_iter()
                .enumerate()
                .map(|(si, s)| s.into_subdimension(di, si, problems))
                .collect(),
        }
    }
}

impl RawSub {
    fn into_subdimension(self, di: usize, si: usize, problems: &mut Vec<Problem>) -> SubDimension {
        SubDimension {
            code: self.code,
            number: self.number,
            name_vi: self.name_vi,
            name_en: self.name_en,
            indicators: self
                .indicators
                .into_iter()
                .enumerate()
                .map(|(ii, i)| {
                    let loc = format!("dimensions[{di}].subdimensions[{si}].indicators[{ii}]");
                    i.into_indicator(loc, problems)
                })
                .collect(),
        }
    }
}

impl RawIndicator {
    /// The indicator; an unknown direction (read as higher-is-better) or an unreadable recipe
    /// (dropped) is a problem at `loc`.
    fn into_indicator(self, loc: String, problems: &mut Vec<Problem>) -> Indicator {
        let direction = Direction::parse(&self.direction).unwrap_or_else(|| {
            problems.push(Problem::new(
                loc.clone(),
                "unknown_direction",
                format!(
                    "unknown direction {:?} for {:?}; use higher_is_better or lower_is_better",
                    self.direction, self.code
                ),
            ));
            Direction::HigherIsBetter
        });
        let recipe = match self.recipe {
            None => None,
            Some(v) => match serde_json::from_value::<Recipe>(v) {
                Ok(r) => Some(r),
                Err(e) => {
                    problems.push(Problem::new(
                        loc,
                        "unreadable_recipe",
                        format!("unreadable recipe for {:?}: {e}", self.code),
                    ));
                    None
                }
            },
        };
        Indicator {
            code: self.code,
            name_vi: self.name_vi,
            name_en: self.name_en,
            unit: self.unit,
            direction,
            items: self.items,
            evidence: self.evidence,
            recipe,
        }
    }
}

// ---- built-in frameworks ----

/// "2011-2024" -> (2011, 2024); "2018" -> (2018, 2018).
/// The key path (`dimensions[2].subdimensions[0].code`) at 1-based `line`/`column` (bytes) of a
/// JSON text, as serde_json reports an error: a scan of the text up to there that follows the
/// objects' keys and the arrays' indices. Empty at the top level or past the text.
pub fn json_path_at(text: &str, line: usize, column: usize) -> String {
    enum Frame {
        Object { key: Option<String>, in_value: bool },
        Array(usize),
    }
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let end = (start + column).min(text.len());
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                in_value: false,
            }),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { in_value, .. }) = stack.last_mut() {
                    *in_value = true;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, in_value }) => {
                    *key = None;
                    *in_value = false;
                }
                Some(Frame::Array(k)) => *k += 1,
                None => {}
            },
            b'"' => {
                let from = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object {
                    key,
                    in_value: false,
                }) = stack.last_mut()
                {
                    *key = Some(text.get(from..i.min(text.len())).unwrap_or("").to_string());
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut out = String::new();
    for f in &stack {
        match f {
            Frame::Object { key: Some(k), .. } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array(k) => out.push_str(&format!("[{k}]")),
        }
    }
    out
}

/// The key path (`dimensions[2].subdimensions[0].code`) at byte `offset` of a TOML framework
/// text: the last table header before it (`[[dimensions.subdimensions]]`, each array of tables
/// counted, a parent's new entry restarting its children's count) and the key of the line. Inline
/// tables and arrays are not followed (the path stops at their key).
pub fn toml_path_at(text: &str, offset: usize) -> String {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut header: Vec<String> = Vec::new();
    let mut key: Option<String> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let (from, to) = (at, at + line.len());
        at = to;
        let t = line.trim();
        let name = |s: &str| s.trim().trim_matches('"').to_string();
        if let Some(h) = t.strip_prefix("[[").and_then(|h| h.split("]]").next()) {
            let parts: Vec<String> = h.split('.').map(name).collect();
            let full = parts.join(".");
            *counts.entry(full.clone()).or_insert(0) += 1;
            counts.retain(|k, _| !k.starts_with(&format!("{full}.")));
            header = parts;
            key = None;
        } else if let Some(h) = t.strip_prefix('[').and_then(|h| h.split(']').next()) {
            header = h.split('.').map(name).collect();
            key = None;
        } else if let Some((k, _)) = t.split_once('=') {
            key = (offset < to).then(|| name(k));
        }
        if offset < to || from > offset {
            break;
        }
    }
    let mut out = String::new();
    for (k, part) in header.iter().enumerate() {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(part);
        if let Some(n) = counts.get(&header[..=k].join(".")) {
            out.push_str(&format!("[{}]", n - 1));
        }
    }
    if let Some(k) = key {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&k);
    }
    out
}

fn parse_years(s: &str) -> Option<(u16, u16)> {
    let s = s.trim();
    match s.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => s.parse().ok().map(|y| (y, y)),
    }
}

/// Pick the sub-dimension number valid in `year` from strings like "3.2 (2011-15); 3.3 (2016-17)"
/// or "5.3 (2018-20); 5.2 (2021-)".
fn number_for_year(spec: &str, year: u16) -> Option<String> {
    for part in spec.split(';') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (num, range) = match part.split_once('(') {
            Some((n, r)) => (n.trim(), Some(r.trim_end_matches(')').trim())),
            None => (part, None),
        };
        let num = num.split_whitespace().next().unwrap_or(num);
        let Some(range) = range else {
            return Some(num.to_string());
        };
        let (a, b) = range.split_once('-').unwrap_or((range, range));
        let expand = |x: &str, default: u16| -> u16 {
            let x = x.trim();
            match x.len() {
                0 => default,
                2 => 2000 + x.parse::<u16>().unwrap_or(0),
                _ => x.parse().unwrap_or(default),
            }
        };
        let lo = expand(a, 0);
        let hi = if b.trim().chars().all(|c| c.is_ascii_digit()) && !b.trim().is_empty() {
            expand(b, 9999)
        } else {
            9999
        };
        if (lo..=hi).contains(&year) {
            return Some(num.to_string());
        }
    }
    None
}

fn number_key(n: &str) -> (u32, u32) {
    let mut it = n.split('.');
    let a = it.next().and_then(|x| x.trim().parse().ok()).unwrap_or(99);
    let b = it.next().and_then(|x| x.trim().parse().ok()).unwrap_or(99);
    (a, b)
}

fn default_recipe(code: &str, unit: &str, items: &[String]) -> Option<Recipe> {
    let item = items.first().cloned().unwrap_or_else(|| code.to_string());
    match unit {
        "share_pct" => Some(Recipe::Share {
            item,
            codes: vec![1],
            no: None,
            exclude: crate::recipe::default_exclude(),
            applies_if: None,
        }),
        "mean_scale_1_N" => Some(Recipe::Mean {
            item,
            min: 1.0,
            max: 5.0,
            exclude: crate::recipe::default_exclude(),
            applies_if: None,
        }),
        "index_0_N" if items.len() > 1 => Some(Recipe::CountYes {
            items: items.to_vec(),
            yes: vec![1],
            no: None,
            exclude: crate::recipe::default_exclude(),
            applies_if: None,
        }),
        "index_0_N" => Some(Recipe::Mean {
            item,
            min: 0.0,
            max: 10.0,
            exclude: crate::recipe::default_exclude(),
            applies_if: None,
        }),
        // Bribe amounts in VND: no theoretical range; the recipe records a plausible scale (0-10 million)
        // that users should replace with the official one.
        "vnd" => Some(Recipe::Mean {
            item,
            min: 0.0,
            max: 10_000_000.0,
            exclude: crate::recipe::default_exclude(),
            applies_if: None,
        }),
        _ => None,
    }
}

/// The name valid in year `y` from "Transparency (2011-2017) / Transparency in Local
/// Decision-making (2018-)"; a name without periods is used as is.
fn pick_for_year(s: &str, y: u16) -> String {
    let parts: Vec<&str> = s.split(" / ").collect();
    if parts.len() == 1 {
        return s.trim().to_string();
    }
    for p in &parts {
        if let Some(open) = p.rfind('(') {
            let range = p[open + 1..].trim_end_matches(')');
            let (a, b) = range.split_once('-').unwrap_or((range, range));
            let lo: u16 = a.trim().parse().unwrap_or(0);
            let hi: u16 = b.trim().parse().unwrap_or(9999);
            if (lo..=hi).contains(&y) {
                return p[..open].trim().to_string();
            }
        }
    }
    parts[0].trim().to_string()
}

/// Indicator code -> Vietnamese name (papi_indicator_names_vi.csv).
fn indicator_names_vi(nt: &Table) -> Result<HashMap<String, String>> {
    let (c_id, c_vi) = (nt.col("indicator_id")?, nt.col("name_vi")?);
    Ok(nt
        .rows
        .iter()
        .map(|r| (r[c_id].clone(), r[c_vi].clone()))
        .collect())
}

/// Indicator code -> its survey items (papi_seed_items.csv), in file order.
fn seed_items(seed: &Table) -> Result<HashMap<String, Vec<Item>>> {
    let (c_ind, c_code, c_vi, c_en) = (
        seed.col("indicator_id")?,
        seed.col("item")?,
        seed.col("name_vi")?,
        seed.col("name_en")?,
    );
    let mut out: HashMap<String, Vec<Item>> = HashMap::new();
    for r in &seed.rows {
        out.entry(r[c_ind].clone()).or_default().push(Item {
            code: r[c_code].clone(),
            name_vi: r[c_vi].clone(),
            name_en: r[c_en].clone(),
        });
    }
    Ok(out)
}

/// The built-in data for one period: the CSV tables the builder reads. The builder steps collect
/// the item catalogue in `catalogue`.
struct Builtin {
    first: u16,
    last: u16,
    dt: Table,
    st: Table,
    it: Table,
    names_vi: HashMap<String, String>,
    seed_items: HashMap<String, Vec<Item>>,
}

impl Builtin {
    fn load(first: u16, last: u16) -> Result<Builtin> {
        let dt = Table::parse("papi_dimensions.csv", DIMENSIONS_CSV)?;
        let st = Table::parse("papi_subdimensions.csv", SUBDIMENSIONS_CSV)?;
        let it = Table::parse("papi_indicators.csv", INDICATORS_CSV)?;
        let nt = Table::parse("papi_indicator_names_vi.csv", INDICATOR_NAMES_VI_CSV)?;
        let seed = Table::parse("papi_seed_items.csv", SEED_ITEMS_CSV)?;
        Ok(Builtin {
            first,
            last,
            names_vi: indicator_names_vi(&nt)?,
            seed_items: seed_items(&seed)?,
            dt,
            st,
            it,
        })
    }

    /// Whether a years cell ("2011-2024", "2018") covers the whole period.
    fn covers(&self, years: &str) -> bool {
        parse_years(years).is_some_and(|(a, b)| a <= self.first && self.last <= b)
    }

    fn dimensions(&self, catalogue: &mut Vec<Item>) -> Result<Vec<Dimension>> {
        let (d_code, d_en, d_vi, d_years) = (
            self.dt.col("code")?,
            self.dt.col("name_en")?,
            self.dt.col("name_vi")?,
            self.dt.col("in_index_years")?,
        );
        let y = self.first;
        let mut dims = Vec::new();
        for dr in self.dt.rows.iter().filter(|dr| self.covers(&dr[d_years])) {
            dims.push(Dimension {
                code: dr[d_code].to_ascii_lowercase(),
                name_vi: pick_for_year(&dr[d_vi], y),
                name_en: pick_for_year(&dr[d_en], y),
                subdimensions: self.subdimensions(&dr[d_code], catalogue)?,
            });
        }
        Ok(dims)
    }

    /// The sub-dimensions of dimension `dim` in the period, ordered by their printed number.
    fn subdimensions(&self, dim: &str, catalogue: &mut Vec<Item>) -> Result<Vec<SubDimension>> {
        let (s_id, s_dim, s_n1, s_n2, s_en, s_vi, s_years) = (
            self.st.col("id")?,
            self.st.col("dimension")?,
            self.st.col("number_2011_2017")?,
            self.st.col("number_2018_2024")?,
            self.st.col("name_en")?,
            self.st.col("name_vi_working")?,
            self.st.col("years")?,
        );
        let y = self.first;
        let mut subs: Vec<(String, SubDimension)> = Vec::new();
        for sr in self
            .st
            .rows
            .iter()
            .filter(|r| r[s_dim] == dim && self.covers(&r[s_years]))
        {
            let spec = if y >= 2018 { &sr[s_n2] } else { &sr[s_n1] };
            let number = number_for_year(spec, y).unwrap_or_default();
            subs.push((
                number.clone(),
                SubDimension {
                    code: sr[s_id].clone(),
                    number,
                    name_vi: sr[s_vi].clone(),
                    name_en: pick_for_year(&sr[s_en], y),
                    indicators: self.indicators(&sr[s_id], catalogue)?,
                },
            ));
        }
        subs.sort_by_key(|(n, _)| number_key(n));
        Ok(subs.into_iter().map(|(_, s)| s).collect())
    }

    /// The indicators of sub-dimension `sub` in the period; their items join the catalogue.
    fn indicators(&self, sub: &str, catalogue: &mut Vec<Item>) -> Result<Vec<Indicator>> {
        let (i_years, i_sub, i_id, i_en, i_unit, i_dir, i_ev) = (
            self.it.col("framework_years")?,
            self.it.col("subdimension_id")?,
            self.it.col("indicator_id")?,
            self.it.col("name_en")?,
            self.it.col("unit")?,
            self.it.col("direction")?,
            self.it.col("evidence")?,
        );
        let mut inds = Vec::new();
        for ir in self
            .it
            .rows
            .iter()
            .filter(|r| r[i_sub] == sub && self.covers(&r[i_years]))
        {
            let code = ir[i_id].clone();
            let direction =
                Direction::parse(&ir[i_dir]).ok_or_else(|| PapiError::InvalidFramework {
                    problems: vec![Problem::new(
                        format!("papi_indicators.csv: {code}"),
                        "unknown_direction",
                        format!("direction {:?}", ir[i_dir]),
                    )],
                })?;
            let items = self.items_of(&code, catalogue);
            let unit = ir[i_unit].clone();
            inds.push(Indicator {
                recipe: default_recipe(&code, &unit, &items),
                name_vi: self.names_vi.get(&code).cloned().unwrap_or_default(),
                name_en: ir[i_en].clone(),
                unit,
                direction,
                items,
                evidence: ir[i_ev].clone(),
                code,
            });
        }
        Ok(inds)
    }

    /// The item codes of indicator `code` (its seed items, added to the catalogue once, or the
    /// indicator's own code).
    fn items_of(&self, code: &str, catalogue: &mut Vec<Item>) -> Vec<String> {
        match self.seed_items.get(code) {
            Some(v) => {
                for item in v {
                    if !catalogue.iter().any(|i| i.code == item.code) {
                        catalogue.push(item.clone());
                    }
                }
                v.iter().map(|i| i.code.clone()).collect()
            }
            None => vec![code.to_string()],
        }
    }
}

fn build_builtin(first: u16, last: u16) -> Result<Framework> {
    let mut catalogue = Vec::new();
    let dimensions = Builtin::load(first, last)?.dimensions(&mut catalogue)?;
    let fw = Framework {
        name: format!("PAPI {first}-{last}"),
        first_year: first,
        last_year: last,
        dimensions,
        items: catalogue,
    };
    fw.validate()?;
    Ok(fw)
}

/// The built-in framework for a year (2011-2024). Years outside the published range are an error,
/// so a user never silently gets a guessed structure.
pub fn builtin(year: i64) -> Result<Framework> {
    // A year loaded at run time (crate::loaded) has the framework it was loaded with.
    if let Some(l) = crate::loaded::get(year) {
        return Ok(l.framework.clone());
    }
    let y = crate::published::check_year(year)?;
    let (a, b) = PERIODS
        .iter()
        .copied()
        .find(|(a, b)| (*a..=*b).contains(&y))
        .unwrap_or(PERIODS[PERIODS.len() - 1]);
    build_builtin(a, b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parse_errors_carry_the_key_path() {
        let text = "{\n \"dimensions\": [\n  {\"code\": \"d1\"},\n  {\"code\": \"d2\", \"subdimensions\": [{\"code\": 5}]}\n ]\n}";
        let e = Framework::from_json(text).unwrap_err();
        let PapiError::FrameworkParse { path, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(path, "dimensions[1].subdimensions[0].code");
        assert_eq!(e.problems()[0].loc, "dimensions[1].subdimensions[0].code");
        // escaped quotes and brackets inside strings do not move the path
        let t = r#"{"name": "a \"[{,", "dimensions": [{"code": "d1", "name_en": 3}]}"#;
        assert_eq!(
            json_path_at(t, 1, t.find('3').unwrap() + 1),
            "dimensions[0].name_en"
        );
        let toml_text = "name = \"x\"\n[[dimensions]]\ncode = \"d1\"\n[[dimensions]]\ncode = \"d2\"\n[[dimensions.subdimensions]]\ncode = 5\n";
        let e = Framework::from_toml(toml_text).unwrap_err();
        assert_eq!(
            e.problems()[0].loc,
            "dimensions[1].subdimensions[0].code",
            "{e}"
        );
        // any position of any text: no panic
        for t in ["", "{", "\"", "[\"\\", "{\"a\":[1,{\"b\""] {
            for c in 0..8 {
                let _ = json_path_at(t, 1, c);
                let _ = toml_path_at(t, c);
            }
        }
        assert_eq!(json_path_at("{\"a\": 1}", 0, 0), "");
    }

    use super::*;

    fn counts(y: i64) -> (usize, usize) {
        let f = builtin(y).unwrap();
        (f.dimensions.len(), f.subdimensions().count())
    }

    #[test]
    fn builtin_periods_have_published_shape() {
        assert_eq!(counts(2013), (6, 22));
        assert_eq!(counts(2015), (6, 22));
        assert_eq!(counts(2016), (6, 22));
        assert_eq!(counts(2018), (8, 28));
        assert_eq!(counts(2019), (8, 29));
        assert_eq!(counts(2023), (8, 28));
        assert!(builtin(2010).is_err());
    }

    #[test]
    fn numbering_follows_period() {
        let f = builtin(2016).unwrap();
        let d3: Vec<&str> = f.dimensions[2]
            .subdimensions
            .iter()
            .map(|s| s.code.as_str())
            .collect();
        assert_eq!(
            d3,
            [
                "interactions_local_authorities",
                "responsiveness_citizen_appeals",
                "peoples_inspection_boards"
            ]
        );
        let f = builtin(2023).unwrap();
        let d5: Vec<&str> = f.dimensions[4]
            .subdimensions
            .iter()
            .map(|s| s.number.as_str())
            .collect();
        assert_eq!(d5, ["5.1", "5.2", "5.3"]);
        assert_eq!(
            f.dimensions[1].name_en,
            "Transparency in Local Decision-making"
        );
        assert_eq!(builtin(2012).unwrap().dimensions[1].name_en, "Transparency");
    }

    #[test]
    fn every_name_is_bilingual_and_hospital_items_are_there() {
        let f = builtin(2023).unwrap();
        for (_, _, i) in f.indicators() {
            assert!(!i.name_vi.is_empty() && !i.name_en.is_empty(), "{}", i.code);
        }
        let (_, _, h) = f
            .indicators()
            .find(|(_, _, i)| i.code == "d6_district_hospital_quality")
            .unwrap();
        assert_eq!(h.items.len(), 10);
        assert!(matches!(&h.recipe, Some(Recipe::CountYes { items, .. }) if items.len() == 10));
        let (_, _, s) = f
            .indicators()
            .find(|(_, _, i)| i.code == "d6_primary_school_quality")
            .unwrap();
        assert_eq!(s.items.len(), 8);
    }

    #[test]
    fn json_toml_and_flat_round_trip() {
        let f = builtin(2019).unwrap();
        assert_eq!(Framework::from_json(&f.to_json().unwrap()).unwrap(), f);
        assert_eq!(Framework::from_toml(&f.to_toml().unwrap()).unwrap(), f);
        let mut g = Framework::from_flat(&f.name, f.first_year, f.last_year, &f.flat()).unwrap();
        g.items = f.items.clone();
        assert_eq!(g, f);
    }

    #[test]
    fn every_problem_is_reported_with_location() {
        let text = r#"{"first_year": 2023, "dimensions": [
            {"code": "d1", "name_vi": "a", "name_en": "a", "subdimensions": [{"code": "d1_1", "name_vi": "x", "name_en": "x",
               "indicators": [{"code": "i1", "name_en": "i", "direction": "sideways"}]}]},
            {"code": "d2", "name_vi": "b", "name_en": "b", "subdimensions": []},
            {"code": "d3", "name_vi": "c", "name_en": "c", "subdimensions": [{"code": "d1_1", "name_vi": "y", "name_en": "y"}]}
        ]}"#;
        let PapiError::InvalidFramework { problems } = Framework::from_json(text).unwrap_err()
        else {
            panic!()
        };
        let located: Vec<(&str, &str)> =
            problems.iter().map(|p| (p.loc.as_str(), p.kind)).collect();
        assert!(
            located.contains(&("dimensions[1]", "no_subdimensions")),
            "{located:?}"
        );
        assert!(
            located.contains(&("dimensions[2].subdimensions[0]", "duplicate_code")),
            "{located:?}"
        );
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            problems.iter().any(|p| p
                .starts_with("dimensions[0].subdimensions[0].indicators[0]: unknown direction")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("dimensions[1]: dimension \"d2\" has no sub-dimensions")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("dimensions[2].subdimensions[0]: duplicate code \"d1_1\"")),
            "{problems:?}"
        );
    }

    #[test]
    fn flat_rows_need_parents() {
        let rows = vec![
            FlatRow {
                code: "d1".into(),
                level: "dimension".into(),
                name_vi: "a".into(),
                name_en: "a".into(),
                ..Default::default()
            },
            FlatRow {
                code: "s1".into(),
                parent: "d9".into(),
                level: "subdimension".into(),
                name_vi: "s".into(),
                name_en: "s".into(),
                ..Default::default()
            },
        ];
        let PapiError::InvalidFramework { problems } =
            Framework::from_flat("x", 2023, 2023, &rows).unwrap_err()
        else {
            panic!()
        };
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("sub-dimension \"s1\" has no parent")),
            "{problems:?}"
        );
    }

    #[test]
    fn mapping_user_columns() {
        let f = builtin(2023).unwrap();
        let m: HashMap<String, String> =
            [("d8_internet_at_home".to_string(), "q_internet".to_string())].into();
        let g = f.with_columns(&m).unwrap();
        let (_, _, i) = g
            .indicators()
            .find(|(_, _, i)| i.code == "d8_internet_at_home")
            .unwrap();
        assert_eq!(i.recipe.as_ref().unwrap().items(), vec!["q_internet"]);
        assert!(
            f.with_columns(&[("nope".to_string(), "x".to_string())].into())
                .is_err()
        );
    }
}
