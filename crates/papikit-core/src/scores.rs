//! `ScoreTable`: the one shape every analysis reads. Scores of provinces on a hierarchy of measures
//! (total -> dimensions -> sub-dimensions -> indicators), with optional standard errors and replicate
//! draws. Published results give total + dimensions; survey results give every level with replicates.

use crate::error::{PapiError, Result};
use crate::published::{DIMENSION_COLUMNS, measure, n_dimensions, year_rows};
use crate::rank::rank_desc;
use crate::registry::registry;
use ndarray::Array2;

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

impl ScoreTable {
    /// Published results of a year: total and the dimensions that existed that year.
    pub fn from_published(year: i64) -> Result<ScoreTable> {
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

    /// Column of a province (by GSO code).
    pub fn province_index(&self, code: u16) -> Result<usize> {
        self.provinces
            .iter()
            .position(|&p| p == code)
            .ok_or_else(|| PapiError::NoData {
                province: registry()
                    .ok()
                    .and_then(|r| r.by_code(code))
                    .map(|p| p.name_vi.clone())
                    .unwrap_or_else(|| code.to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_2023_table() {
        let t = ScoreTable::from_published(2023).unwrap();
        assert_eq!(t.measures.len(), 9);
        assert_eq!(t.provinces.len(), 63);
        let v = t.value("total", 66).unwrap().unwrap();
        assert!((v - 42.3265).abs() < 5e-5);
        let i = t.measure_index("total").unwrap();
        assert_eq!(t.ranks(i)[t.province_index(66).unwrap()], Some(31));
        assert_eq!(t.children("total").len(), 8);
        assert_eq!(ScoreTable::from_published(2015).unwrap().measures.len(), 7);
    }
}
