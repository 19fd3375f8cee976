//! `ScoreTable`: the one shape every analysis reads. Scores of provinces on a hierarchy of measures
//! (total -> dimensions -> sub-dimensions -> indicators), with optional standard errors and replicate
//! draws. Published results give total + dimensions; survey results give every level with replicates.

use crate::error::{PapiError, Result};
use crate::lang::Lang;
use crate::published::{DIMENSION_COLUMNS, measure, n_dimensions, year_rows};
use crate::rank::rank_desc;
use ndarray::Array2;
use polars::prelude::{Column, DataFrame};

/// Level of a measure in the index.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Total,
    Dimension,
    Subdimension,
    Indicator,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Total => "total",
            Level::Dimension => "dimension",
            Level::Subdimension => "subdimension",
            Level::Indicator => "indicator",
        }
    }

    pub fn parse(s: &str) -> Result<Level> {
        match crate::text::fold(s).as_str() {
            "total" => Ok(Level::Total),
            "dimension" | "dimensions" | "axis" => Ok(Level::Dimension),
            "subdimension" | "subdimensions" => Ok(Level::Subdimension),
            "indicator" | "indicators" => Ok(Level::Indicator),
            _ => Err(PapiError::InvalidArgument {
                argument: "level".into(),
                message: format!("{s:?}; use total, dimension, subdimension or indicator"),
            }),
        }
    }
}

/// One measure (row of the hierarchy) with its score range.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Measure {
    /// "total", "d1", "d1_1" / sub-dimension id, indicator id.
    pub code: String,
    pub level: Level,
    /// Code of the parent measure (None for the total).
    pub parent: Option<String>,
    pub name_en: String,
    pub name_vi: String,
    /// Range of the score on this level (e.g. 1..10 for a dimension, 0.25..2.5 for one of four
    /// sub-dimensions).
    pub min: f64,
    pub max: f64,
}

impl Measure {
    /// A measure whose names are its code (hand-built tables, tests).
    pub fn named(code: &str, level: Level, parent: Option<&str>, min: f64, max: f64) -> Measure {
        Measure {
            code: code.into(),
            level,
            parent: parent.map(str::to_string),
            name_en: code.into(),
            name_vi: code.into(),
            min,
            max,
        }
    }
}

/// Replicate draws of every measure: `draws[m]` is (replicates x provinces). The variance of a
/// statistic is `scale * sum_r (theta_r - centre)^2` where centre is the full-sample estimate
/// (`centre_full = true`) or the replicate mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Replicates {
    pub draws: Vec<Array2<f64>>,
    pub scale: f64,
    pub centre_full: bool,
    /// "bootstrap", "jackknife", "supplied", "normal" ...
    pub method: String,
}

/// Scores of provinces on a hierarchy of measures.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreTable {
    pub year: u16,
    /// "published" or "survey".
    pub source: String,
    /// GSO codes, one per column.
    pub provinces: Vec<u16>,
    pub measures: Vec<Measure>,
    /// values[m][p]
    pub values: Vec<Vec<Option<f64>>>,
    /// se[m][p] where known.
    pub se: Option<Vec<Vec<Option<f64>>>>,
    pub replicates: Option<Replicates>,
}

/// Years in which some built-in framework satisfies `pred`, as ranges ("2011-2020, 2023").
fn years_with(pred: impl Fn(&crate::framework::Framework) -> bool) -> String {
    let years: Vec<u16> = (crate::published::FIRST_YEAR..=crate::published::LAST_YEAR)
        .filter(|&y| crate::framework::builtin(i64::from(y)).is_ok_and(|fw| pred(&fw)))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            years[i].to_string()
        } else {
            format!("{}-{}", years[i], years[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

impl ScoreTable {
    /// Published results of a year: the total, the dimensions and the sub-dimensions of that year's
    /// framework (see [`ScoreTable::from_published_subdimensions`]).
    pub fn from_published(year: i64) -> Result<ScoreTable> {
        ScoreTable::from_published_subdimensions(year)
    }

    /// Published results of a year: total and the dimensions that existed that year (no
    /// sub-dimensions).
    pub fn from_published_dimensions(year: i64) -> Result<ScoreTable> {
        let rows = year_rows(year)?;
        let y = rows.first().map(|r| r.year).unwrap_or(year as u16);
        let nd = n_dimensions(y);
        let mut measures = vec![Measure {
            code: "total".into(),
            level: Level::Total,
            parent: None,
            name_en: "PAPI total".into(),
            name_vi: "Tổng điểm PAPI".into(),
            min: nd as f64,
            max: 10.0 * nd as f64,
        }];
        for (k, c) in DIMENSION_COLUMNS[..nd].iter().enumerate() {
            let (en, vi) = crate::framework_names::dimension_name(k + 1, y);
            measures.push(Measure {
                code: (*c).to_string(),
                level: Level::Dimension,
                parent: Some("total".into()),
                name_en: en.into(),
                name_vi: vi.into(),
                min: 1.0,
                max: 10.0,
            });
        }
        let values = measures
            .iter()
            .map(|m| rows.iter().map(|r| measure(r, &m.code)).collect())
            .collect();
        Ok(ScoreTable {
            year: y,
            source: "published".into(),
            provinces: rows.iter().map(|r| r.code).collect(),
            measures,
            values,
            se: None,
            replicates: None,
        })
    }

    /// Published results of a year down to the sub-dimensions: the total, the dimensions and the
    /// sub-dimensions of that year's framework (range 1/n..10/n each), values from the published
    /// sub-dimension scores. A sub-dimension a province has no published value for stays `None`.
    pub fn from_published_subdimensions(year: i64) -> Result<ScoreTable> {
        // A year loaded at run time (crate::loaded): its table as loaded (with SEs, sub-dimensions).
        if let Some(t) = crate::loaded::score_table(year) {
            return Ok(t);
        }
        let mut t = ScoreTable::from_published_dimensions(year)?;
        let fw = crate::framework::builtin(i64::from(t.year))?;
        let published: std::collections::HashMap<(u16, &str), f64> =
            crate::subdimension_scores::of_year(t.year)?
                .into_iter()
                .map(|s| ((s.province, s.code.as_str()), s.value))
                .collect();
        for d in &fw.dimensions {
            let (min, max) = d.subdimension_range();
            for s in &d.subdimensions {
                t.values.push(
                    t.provinces
                        .iter()
                        .map(|&p| published.get(&(p, s.code.as_str())).copied())
                        .collect(),
                );
                t.measures.push(Measure {
                    code: s.code.clone(),
                    level: Level::Subdimension,
                    parent: Some(d.code.clone()),
                    name_en: s.name_en.clone(),
                    name_vi: s.name_vi.clone(),
                    min,
                    max,
                });
            }
        }
        Ok(t)
    }

    /// Index of a measure by code (case-insensitive; "D4" = "d4").
    pub fn measure_index(&self, code: &str) -> Result<usize> {
        let c = code.to_ascii_lowercase();
        self.measures
            .iter()
            .position(|m| m.code.to_ascii_lowercase() == c)
            .ok_or_else(|| PapiError::UnknownCode {
                kind: "measure".into(),
                code: code.into(),
                known: self
                    .measures
                    .iter()
                    .map(|m| m.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Index of the measure a person means by `query`: its code ("public_health", "d6", "D6",
    /// "total"), the number printed in that year's report ("6.1", "D6", "6") or its English or
    /// Vietnamese name, with diacritics, case, spacing and punctuation ignored (the folding used
    /// for provinces); a unique folded prefix or part of a name also matches. An unknown query is an
    /// `UnknownCode` error listing the valid choices of the table; a sub-dimension that exists in
    /// another year's framework but not in this table's says when it was measured.
    pub fn resolve_measure(&self, query: &str) -> Result<usize> {
        if let Ok(i) = self.measure_index(query.trim()) {
            return Ok(i);
        }
        let q = crate::text::fold(query);
        let numbers = self.measure_numbers();
        let exact = |m: usize| {
            let meas = &self.measures[m];
            let n = &numbers[m];
            (!n.is_empty() && crate::text::fold(n) == q)
                || crate::text::fold(&meas.code) == q
                || crate::text::fold(&meas.name_en) == q
                || crate::text::fold(&meas.name_vi) == q
                || (meas.level == Level::Dimension && n.strip_prefix('D').is_some_and(|d| d == q))
        };
        if let Some(i) = (0..self.measures.len()).find(|&m| exact(m)) {
            return Ok(i);
        }
        if q.len() >= 3 {
            let partial: Vec<usize> = (0..self.measures.len())
                .filter(|&m| {
                    let meas = &self.measures[m];
                    [&meas.name_en, &meas.name_vi, &meas.code]
                        .iter()
                        .any(|n| crate::text::fold(n).contains(&q))
                })
                .collect();
            if let [i] = partial.as_slice() {
                return Ok(*i);
            }
        }
        Err(self.unknown_measure(query, &q))
    }

    /// The number each measure is printed with in this table's year: "" for the total, "D6" for a
    /// dimension, "6.1" for a sub-dimension of the built-in framework (otherwise "").
    pub fn measure_numbers(&self) -> Vec<String> {
        let fw = crate::framework::builtin(i64::from(self.year)).ok();
        self.measures
            .iter()
            .map(|m| match m.level {
                Level::Dimension => m
                    .code
                    .strip_prefix('d')
                    .map(|d| format!("D{d}"))
                    .unwrap_or_default(),
                Level::Subdimension => fw
                    .as_ref()
                    .and_then(|f| f.subdimensions().find(|(_, s)| s.code == m.code))
                    .map(|(_, s)| s.number.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .collect()
    }

    /// The error for a query no measure matches: the valid choices of the table, and, when the
    /// query names a sub-dimension of another period's framework, the years it was measured.
    fn unknown_measure(&self, query: &str, folded: &str) -> PapiError {
        let numbers = self.measure_numbers();
        let number = query
            .trim()
            .split_once('.')
            .and_then(|(k, p)| Some((k.parse::<u8>().ok()?, p.parse::<u8>().ok()?)));
        let known = self
            .measures
            .iter()
            .zip(&numbers)
            .map(|(m, n)| match m.level {
                Level::Subdimension if !n.is_empty() => format!("{n} {} ({})", m.code, m.name_en),
                _ => m.code.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut seen: Vec<(String, String, u16, u16)> = Vec::new();
        for &(a, b) in &crate::framework::PERIODS {
            let Ok(fw) = crate::framework::builtin(i64::from(a)) else {
                continue;
            };
            for (_, s) in fw.subdimensions() {
                let hit = [&s.code, &s.number, &s.name_en, &s.name_vi]
                    .iter()
                    .any(|x| crate::text::fold(x) == folded);
                if !hit || self.measures.iter().any(|m| m.code == s.code) {
                    continue;
                }
                match seen.iter_mut().find(|x| x.0 == s.code) {
                    Some(x) => {
                        x.2 = x.2.min(a);
                        x.3 = x.3.max(b);
                    }
                    None => seen.push((s.code.clone(), s.name_en.clone(), a, b)),
                }
            }
        }
        if let Some((k, p)) = number {
            // A printed number "k.p": the years any built-in framework had it.
            let want = format!("{k}.{p}");
            let years = years_with(|fw| fw.subdimensions().any(|(_, s)| s.number == want));
            let was: Vec<String> = seen.iter().map(|x| format!("{}, {}", x.0, x.1)).collect();
            let note = if years.is_empty() {
                format!("no PAPI framework has a sub-dimension {want}")
            } else {
                format!("{want} exists in {years} only: {}", was.join("; "))
            };
            return PapiError::UnknownCode {
                kind: format!("measure in {} ({note})", self.year),
                code: query.into(),
                known,
            };
        }
        match seen.first() {
            Some((code, name, a, b)) => PapiError::UnknownCode {
                kind: format!(
                    "measure in {} (sub-dimension {code}, {name}: in the frameworks of {a}-{b} only)",
                    self.year
                ),
                code: query.into(),
                known,
            },
            None => PapiError::UnknownCode {
                kind: format!("measure in {}", self.year),
                code: query.into(),
                known,
            },
        }
    }

    /// Column of a province (by GSO code).
    pub fn province_index(&self, code: u16) -> Result<usize> {
        self.provinces
            .iter()
            .position(|&p| p == code)
            .ok_or_else(|| PapiError::NoData {
                province: crate::registry::name_vi(code),
                year: self.year,
                what: format!("{} scores", self.source),
            })
    }

    /// Score of a province on a measure.
    pub fn value(&self, measure: &str, province: u16) -> Result<Option<f64>> {
        Ok(self.values[self.measure_index(measure)?][self.province_index(province)?])
    }

    /// Measures whose parent is `code`.
    pub fn children(&self, code: &str) -> Vec<usize> {
        self.measures
            .iter()
            .enumerate()
            .filter(|(_, m)| m.parent.as_deref() == Some(code))
            .map(|(i, _)| i)
            .collect()
    }

    /// Descending ranks of all provinces on a measure.
    pub fn ranks(&self, measure_index: usize) -> Vec<Option<u32>> {
        rank_desc(&self.values[measure_index])
    }
}

impl ScoreTable {
    /// The table in long form, one row per measure and province (measure order: total,
    /// dimensions, sub-dimensions; provinces in GSO order): year, province_code (GSO),
    /// province_name, province_name_en, region, level, measure (code), number ("D6", "6.1"; "" for the total), parent, name (in
    /// `lang`), score, rank (among provinces with a score, descending), n_ranked, min, max. A
    /// province without a score has a null score and rank.
    pub fn long_frame(&self, lang: Lang) -> Result<DataFrame> {
        let reg = crate::registry::registry()?;
        let numbers = self.measure_numbers();
        let mut order: Vec<usize> = (0..self.provinces.len()).collect();
        order.sort_by_key(|&i| self.provinces[i]);
        let n = self.measures.len() * order.len();
        let (mut year, mut code) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut strs: Vec<Vec<Option<String>>> = (0..8).map(|_| Vec::with_capacity(n)).collect();
        let (mut score, mut rank, mut nr) = (Vec::new(), Vec::new(), Vec::new());
        let (mut lo, mut hi) = (Vec::new(), Vec::new());
        for (m, meas) in self.measures.iter().enumerate() {
            let ranks = rank_desc(&self.values[m]);
            let n_ranked = self.values[m].iter().flatten().count() as u32;
            for &i in &order {
                let p = reg.by_code(self.provinces[i]);
                year.push(i32::from(self.year));
                code.push(Some(i32::from(self.provinces[i])));
                strs[0].push(p.map(|p| p.name_vi.clone()));
                strs[1].push(p.map(|p| p.name_en.clone()));
                strs[2].push(p.map(|p| lang.pick(&p.region_en, &p.region_vi).to_string()));
                strs[3].push(Some(meas.level.as_str().to_string()));
                strs[4].push(Some(meas.code.clone()));
                strs[5].push(Some(numbers[m].clone()));
                strs[6].push(meas.parent.clone());
                strs[7].push(Some(lang.pick(&meas.name_en, &meas.name_vi).to_string()));
                score.push(self.values[m][i]);
                rank.push(ranks[i]);
                nr.push(Some(n_ranked));
                lo.push(Some(meas.min));
                hi.push(Some(meas.max));
            }
        }
        let names = [
            "region",
            "level",
            crate::columns::MEASURE,
            "number",
            "parent",
            "name",
        ];
        let mut cols = vec![Column::new("year".into(), year)];
        cols.extend(crate::columns::province_columns_named(
            code,
            &strs[0],
            Some(&strs[1]),
        ));
        cols.extend(
            names
                .iter()
                .zip(&strs[2..])
                .map(|(name, v)| crate::frame::col_str(name, v)),
        );
        cols.extend([
            crate::frame::col_f64("score", score),
            crate::frame::col_u32("rank", rank),
            crate::frame::col_u32("n_ranked", nr),
            crate::frame::col_f64("min", lo),
            crate::frame::col_f64("max", hi),
        ]);
        crate::frame::build(n, cols)
    }
}

/// Sampling uncertainty of a difference (reference minus own), from replicate differences or from
/// standard errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiffUncertainty {
    pub se: f64,
    pub lo: f64,
    pub hi: f64,
    /// True when the confidence interval excludes zero.
    pub significant: bool,
    /// "replicates" or "se".
    pub method: &'static str,
}

impl DiffUncertainty {
    /// Normal interval `estimate +/- z * se`.
    pub fn normal(estimate: f64, se: f64, z: f64, method: &'static str) -> DiffUncertainty {
        let lo = estimate - z * se;
        let hi = estimate + z * se;
        DiffUncertainty {
            se,
            lo,
            hi,
            significant: lo > 0.0 || hi < 0.0,
            method,
        }
    }
}

/// Two-sided normal quantile for a confidence level (0.95 -> 1.959964).
pub fn z_for_level(level: f64) -> Result<f64> {
    use statrs::distribution::{ContinuousCDF, Normal};
    if !(level > 0.0 && level < 1.0) {
        return Err(PapiError::InvalidArgument {
            argument: "level".into(),
            message: format!(
                "{level} is not a confidence level; use a number in (0, 1), e.g. 0.95"
            ),
        });
    }
    let n = Normal::standard();
    Ok(n.inverse_cdf(0.5 + level / 2.0))
}

impl Replicates {
    /// Number of replicate draws.
    pub fn n(&self) -> usize {
        self.draws.first().map(|d| d.nrows()).unwrap_or(0)
    }

    /// Replicate variance of a statistic with replicate values `thetas` and full-sample value
    /// `full`: `scale * sum_r (theta_r - centre)^2`. `None` if a replicate value is missing.
    pub fn variance(&self, thetas: &[Option<f64>], full: f64) -> Option<f64> {
        let v: Vec<f64> = thetas.iter().copied().collect::<Option<Vec<f64>>>()?;
        if v.is_empty() || v.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let centre = if self.centre_full {
            full
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        };
        Some(self.scale * v.iter().map(|t| (t - centre).powi(2)).sum::<f64>())
    }
}

impl ScoreTable {
    /// Do replicate draws exist?
    pub fn has_replicates(&self) -> bool {
        self.replicates.as_ref().is_some_and(|r| r.n() > 0)
    }

    /// Does the table carry standard errors or replicates?
    pub fn has_uncertainty(&self) -> bool {
        self.has_replicates() || self.se.is_some()
    }

    /// Standard error of a measure for a province, if known.
    pub fn se_at(&self, m: usize, p: usize) -> Option<f64> {
        self.se
            .as_ref()
            .and_then(|s| s.get(m))
            .and_then(|row| row.get(p).copied().flatten())
            .filter(|x| x.is_finite())
    }

    /// Scores of all provinces on measure `m` in replicate `r` (NaN draws become `None`).
    pub fn replicate_values(&self, m: usize, r: usize) -> Option<Vec<Option<f64>>> {
        let reps = self.replicates.as_ref()?;
        let d = reps.draws.get(m)?;
        if r >= d.nrows() || d.ncols() != self.provinces.len() {
            return None;
        }
        Some(
            d.row(r)
                .iter()
                .map(|&x| if x.is_finite() { Some(x) } else { None })
                .collect(),
        )
    }

    /// Sampling variance of one province's score on measure `m`: from replicates when present,
    /// else `se^2`.
    pub fn variance_at(&self, m: usize, p: usize) -> Option<f64> {
        if let Some(reps) = self.replicates.as_ref().filter(|r| r.n() > 0) {
            let full = self.values.get(m)?.get(p).copied().flatten()?;
            let thetas: Vec<Option<f64>> = (0..reps.n())
                .map(|r| self.replicate_values(m, r).and_then(|v| v[p]))
                .collect();
            return reps.variance(&thetas, full);
        }
        self.se_at(m, p).map(|s| s * s)
    }

    /// Check the shapes of values, se and replicate draws against measures and provinces.
    pub fn validate(&self) -> Result<()> {
        let bad = |message: String| PapiError::InvalidArgument {
            argument: "score table".into(),
            message,
        };
        let (nm, np) = (self.measures.len(), self.provinces.len());
        let reg = crate::registry::registry()?;
        let mut seen = std::collections::HashSet::new();
        for (i, &c) in self.provinces.iter().enumerate() {
            if reg.by_code(c).is_none() && reg.unit_by_code(c).is_none() {
                return Err(PapiError::InvalidArgument {
                    argument: format!("provinces[{i}]"),
                    message: format!(
                        "{c} is not a GSO province code (see pk.provinces()) nor a code of a 2025 unit"
                    ),
                });
            }
            if !seen.insert(c) {
                return Err(PapiError::InvalidArgument {
                    argument: format!("provinces[{i}]"),
                    message: format!("province {c} appears twice; give each province once"),
                });
            }
        }
        if self.values.len() != nm || self.values.iter().any(|v| v.len() != np) {
            return Err(bad(format!(
                "values must be {nm} measures x {np} provinces"
            )));
        }
        if let Some(se) = &self.se
            && (se.len() != nm || se.iter().any(|v| v.len() != np))
        {
            return Err(bad(format!("se must be {nm} measures x {np} provinces")));
        }
        if let Some(r) = &self.replicates {
            if r.draws.len() != nm {
                return Err(bad(format!(
                    "replicates: {} draw matrices for {nm} measures",
                    r.draws.len()
                )));
            }
            let n = r.n();
            if let Some((i, d)) = r
                .draws
                .iter()
                .enumerate()
                .find(|(_, d)| d.nrows() != n || d.ncols() != np)
            {
                return Err(bad(format!(
                    "replicates of measure {:?} are {}x{}, expected {n}x{np}",
                    self.measures[i].code,
                    d.nrows(),
                    d.ncols()
                )));
            }
            if !(r.scale.is_finite() && r.scale > 0.0) {
                return Err(bad(format!("replicate scale {} must be > 0", r.scale)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_2023_table() {
        let t = ScoreTable::from_published_dimensions(2023).unwrap();
        assert_eq!(t.measures.len(), 9);
        assert_eq!(ScoreTable::from_published(2023).unwrap().measures.len(), 37);
        assert_eq!(t.provinces.len(), 63);
        let v = t.value("total", 66).unwrap().unwrap();
        assert!((v - 42.3265).abs() < 5e-5);
        let i = t.measure_index("total").unwrap();
        assert_eq!(t.ranks(i)[t.province_index(66).unwrap()], Some(31));
        assert_eq!(t.children("total").len(), 8);
        assert_eq!(
            ScoreTable::from_published_dimensions(2015)
                .unwrap()
                .measures
                .len(),
            7
        );
        assert_eq!(
            ScoreTable::from_published(2015).unwrap().measures.len(),
            7 + 22
        );
    }

    /// The published table down to sub-dimensions: 1 + 8 + 28 measures in 2023; each dimension's
    /// sub-dimensions sum to it (published rounding); Hà Nội 6.1 = 1.7029 (2023 report Table 3.6);
    /// Quảng Ninh (no 2023 score) has no sub-dimension values.
    #[test]
    fn published_down_to_subdimensions() {
        let t = ScoreTable::from_published_subdimensions(2023).unwrap();
        assert_eq!(t.measures.len(), 1 + 8 + 28);
        let hn = t.province_index(1).unwrap();
        let ph = t.measure_index("public_health").unwrap();
        assert!((t.values[ph][hn].unwrap() - 1.7029).abs() < 5e-5);
        assert_eq!((t.measures[ph].min, t.measures[ph].max), (0.25, 2.5));
        for (m, meas) in t.measures.iter().enumerate() {
            if meas.level != Level::Dimension {
                continue;
            }
            for p in 0..t.provinces.len() {
                let subs: Option<f64> = t
                    .measures
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.parent.as_deref() == Some(meas.code.as_str()))
                    .map(|(k, _)| t.values[k][p])
                    .sum();
                if let (Some(d), Some(s)) = (t.values[m][p], subs) {
                    assert!((d - s).abs() < 7e-4, "{} {}", meas.code, t.provinces[p]);
                }
            }
        }
        let qn = t.province_index(22).unwrap();
        assert!(t.values[ph][qn].is_none());
    }

    /// A measure by code, printed number or VN/EN name (folded); unknown and not-that-year
    /// sub-dimensions are typed errors listing the valid choices.
    #[test]
    fn resolve_measures() {
        let t = ScoreTable::from_published(2023).unwrap();
        let code = |q: &str| t.measures[t.resolve_measure(q).unwrap()].code.clone();
        assert_eq!(code("6.1"), "public_health");
        assert_eq!(code("public_health"), "public_health");
        assert_eq!(code("Public Health"), "public_health");
        assert_eq!(code("Y tế công lập"), "public_health");
        assert_eq!(code("giao duc tieu hoc"), "public_primary_education");
        assert_eq!(code("D6"), "d6");
        assert_eq!(code("5.2"), "land_use_rights_certificates");
        assert_eq!(code("TOTAL"), "total");
        match t.resolve_measure("9.1") {
            Err(PapiError::UnknownCode { code, known, .. }) => {
                assert_eq!(code, "9.1");
                assert!(known.contains("6.1 public_health"), "{known}");
            }
            other => panic!("{other:?}"),
        }
        match t.resolve_measure("construction_permits") {
            Err(PapiError::UnknownCode { kind, code, known }) => {
                assert!(kind.starts_with("measure in 2023"), "{kind}");
                assert_eq!(code, "construction_permits");
                assert!(kind.contains("2011-2020"), "{kind}");
                assert!(known.contains("5.2 land_use_rights_certificates"));
            }
            other => panic!("{other:?}"),
        }
        let t18 = ScoreTable::from_published(2018).unwrap();
        assert!(matches!(
            t18.resolve_measure("8.3"),
            Err(PapiError::UnknownCode { kind, code, .. })
                if code == "8.3" && kind.contains("e_responsiveness")
        ));
    }

    /// The long form of the 2023 published table: 37 measures x 63 provinces; Hà Nội 6.1 =
    /// 1.7029 with number "6.1", parent "d6" and range 0.25..2.5; Quảng Ninh (no 2023 score) null.
    #[test]
    fn long_form() {
        let t = ScoreTable::from_published(2023).unwrap();
        let df = t.long_frame(Lang::En).unwrap();
        assert_eq!(df.height(), 37 * 63);
        let code: Vec<Option<i32>> = df
            .column("province_code")
            .unwrap()
            .i32()
            .unwrap()
            .iter()
            .collect();
        let number = crate::frame::str_col(&df, "number").unwrap();
        let parent = crate::frame::str_col(&df, "parent").unwrap();
        let score = crate::frame::f64_col(&df, "score").unwrap();
        let at = |c: i32, n: &str| {
            (0..df.height())
                .find(|&i| code[i] == Some(c) && number[i].as_deref() == Some(n))
                .unwrap()
        };
        let i = at(1, "6.1");
        assert!((score[i].unwrap() - 1.7029).abs() < 5e-5);
        assert_eq!(parent[i].as_deref(), Some("d6"));
        assert!(score[at(22, "6.1")].is_none());
        assert!(score[at(22, "D6")].is_none());
    }
    #[test]
    fn measures_by_number_code_and_name() {
        let t = ScoreTable::from_published(2023).unwrap();
        let i = t.resolve_measure("6.1").unwrap();
        assert_eq!(t.measures[i].code, "public_health");
        assert_eq!(t.resolve_measure("public_health").unwrap(), i);
        assert_eq!(
            t.resolve_measure(&t.measures[i].name_vi.clone()).unwrap(),
            i
        );
        assert_eq!(
            t.resolve_measure(&t.measures[i].name_en.to_uppercase())
                .unwrap(),
            i
        );
        assert_eq!(t.measures[t.resolve_measure("D6").unwrap()].code, "d6");
        // 5.4 existed before the 2021 framework (D5 has 3 sub-dimensions since).
        let Err(PapiError::UnknownCode { kind, code, known }) = t.resolve_measure("5.4") else {
            panic!("5.4 must be unknown in 2023")
        };
        assert!(
            kind.contains("2023") && kind.contains("5.4 exists in 2011-2020 only"),
            "{kind}"
        );
        assert_eq!(code, "5.4");
        assert!(known.contains("6.1 public_health"), "{known}");
        let Err(PapiError::UnknownCode { kind, .. }) = t.resolve_measure("9.9") else {
            panic!()
        };
        assert!(kind.contains("no PAPI framework"), "{kind}");
        let t18 = ScoreTable::from_published(2018).unwrap();
        // 2018 D8 has two sub-dimensions.
        assert!(t18.resolve_measure("8.2").is_ok());
        assert!(matches!(
            t18.resolve_measure("8.3"),
            Err(PapiError::UnknownCode { .. })
        ));
    }
}
