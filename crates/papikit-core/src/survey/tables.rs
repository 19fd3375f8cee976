//! Tables of a [`SurveyScores`]: one level as a long table with CIs, rank tables, replicate arrays,
//! the shared `ScoreTable`, and the long table of domain means.

use super::estimate;
use super::replicate::Method;
use super::score::SurveyScores;
use crate::columns::MEASURE;
use crate::error::Result;
use crate::registry::registry;
use crate::scores::{Level, Replicates, ScoreTable};
use ndarray::{Array2, Array3, Axis};
use polars::prelude::{Column, DataFrame};

use super::ranks::RankStat;

impl SurveyScores {
    /// (low, high) CI bounds at `level`: estimate -/+ t(df of the province) * se.
    pub fn ci(&self, level: f64) -> Result<(Array2<f64>, Array2<f64>)> {
        let (m, nd) = self.estimate.dim();
        let mut lo = Array2::<f64>::from_elem((m, nd), f64::NAN);
        let mut hi = lo.clone();
        let mut cache: Vec<(f64, f64)> = Vec::new();
        for d in 0..nd {
            let t = match cache.iter().find(|(df, _)| *df == self.df[d]) {
                Some(&(_, t)) => t,
                None => {
                    let t = estimate::t_quantile(level, self.df[d])?;
                    cache.push((self.df[d], t));
                    t
                }
            };
            for j in 0..m {
                let (e, s) = (self.estimate[[j, d]], self.se[[j, d]]);
                if !e.is_nan() && !s.is_nan() {
                    lo[[j, d]] = e - t * s;
                    hi[[j, d]] = e + t * s;
                }
            }
        }
        Ok((lo, hi))
    }

    /// The shared `ScoreTable` shape with `se` and `replicates` filled (jackknife replicates are
    /// rescaled around the estimate so that `scale * sum (theta_r - estimate)^2` is the JKn
    /// variance; Taylor results carry the normal draws).
    pub fn to_score_table(&self) -> Result<ScoreTable> {
        let (m, nd) = self.estimate.dim();
        let opt = |a: &Array2<f64>| -> Vec<Vec<Option<f64>>> {
            (0..m)
                .map(|j| {
                    (0..nd)
                        .map(|d| {
                            let v = a[[j, d]];
                            (!v.is_nan()).then_some(v)
                        })
                        .collect()
                })
                .collect()
        };
        let reps = match (self.draws()?, self.method) {
            (Some(dr), Method::Bootstrap) | (Some(dr), Method::Supplied) if !self.mse => {
                Replicates {
                    draws: (0..m)
                        .map(|j| dr.index_axis(Axis(1), j).to_owned())
                        .collect(),
                    scale: self.scale,
                    centre_full: false,
                    method: self.method.as_str().into(),
                }
            }
            (Some(dr), _) => {
                let r = dr.shape()[0];
                Replicates {
                    draws: (0..m)
                        .map(|j| {
                            let mut a = Array2::<f64>::zeros((r, nd));
                            for i in 0..r {
                                let k = (self.scale * self.rscales.get(i).copied().unwrap_or(1.0))
                                    .sqrt();
                                for d in 0..nd {
                                    let e = self.estimate[[j, d]];
                                    a[[i, d]] = e + k * (dr[[i, j, d]] - e);
                                }
                            }
                            a
                        })
                        .collect(),
                    scale: 1.0,
                    centre_full: true,
                    method: self.method.as_str().into(),
                }
            }
            (None, _) => {
                let all: Vec<usize> = (0..m).collect();
                let (r, rows) = self.rank_rows(&all)?;
                Replicates {
                    draws: rows
                        .iter()
                        .map(|&(data, offset, stride)| {
                            Array2::from_shape_fn((r, nd), |(i, d)| data[offset + i * stride + d])
                        })
                        .collect(),
                    scale: 1.0 / (r.max(2) as f64 - 1.0),
                    centre_full: false,
                    method: "normal".into(),
                }
            }
        };
        Ok(ScoreTable {
            year: self.year,
            source: "survey".into(),
            provinces: self.provinces.clone(),
            measures: self.measures.clone(),
            values: opt(&self.estimate),
            se: Some(opt(&self.se)),
            replicates: Some(reps),
        })
    }
}

/// `province_code`, `province_name`, `province_name_en` of survey domains (codes of the 63
/// provinces, or of the 34 units of 2025 with `units_2025`); names null for an unknown code.
fn province_columns(codes: &[Option<u16>], units_2025: bool) -> Result<Vec<Column>> {
    let reg = registry()?;
    if !units_2025 {
        return Ok(crate::columns::province_columns(reg, codes, true));
    }
    let name = |c: &Option<u16>, vi: bool| {
        c.and_then(|c| reg.unit_by_code(c)).map(|u| {
            if vi {
                u.name_vi.clone()
            } else {
                u.name_en.clone()
            }
        })
    };
    Ok(crate::columns::province_columns_named(
        codes.iter().map(|c| c.map(i32::from)).collect(),
        &codes.iter().map(|c| name(c, true)).collect::<Vec<_>>(),
        Some(&codes.iter().map(|c| name(c, false)).collect::<Vec<_>>()),
    ))
}

impl SurveyScores {
    /// Indices of the measures of a level, in order.
    pub fn level_measures(&self, level: Level) -> Vec<usize> {
        self.measures
            .iter()
            .enumerate()
            .filter(|(_, m)| m.level == level)
            .map(|(i, _)| i)
            .collect()
    }

    /// One level as a long table: province_code, province_name, province_name_en, measure, parent,
    /// estimate, se, ci_low, ci_high, df, n, n_missing (one row per province x measure, measures in framework order).
    pub fn frame(&self, level: Level, ci_level: f64, _lang: crate::Lang) -> Result<DataFrame> {
        let (lo, hi) = self.ci(ci_level)?;
        let ms = self.level_measures(level);
        let nd = self.provinces.len();
        let cap = ms.len() * nd;
        let (mut prov, mut code, mut parent) = (
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
        );
        let (mut est, mut se, mut cl, mut ch, mut df, mut n, mut miss) = (
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
        );
        let opt = |v: f64| (!v.is_nan()).then_some(v);
        for &j in &ms {
            for d in 0..nd {
                prov.push(Some(self.provinces[d]));
                code.push(Some(self.measures[j].code.clone()));
                parent.push(self.measures[j].parent.clone());
                est.push(opt(self.estimate[[j, d]]));
                se.push(opt(self.se[[j, d]]));
                cl.push(opt(lo[[j, d]]));
                ch.push(opt(hi[[j, d]]));
                df.push(Some(self.df[d]));
                n.push(Some(self.n[[j, d]] as u32));
                miss.push(Some(self.missing[[j, d]]));
            }
        }
        let mut cols = province_columns(&prov, self.units_2025)?;
        cols.extend([
            crate::frame::col_str(MEASURE, &code),
            crate::frame::col_str("parent", &parent),
            crate::frame::col_f64("estimate", est),
            crate::frame::col_f64("se", se),
            crate::frame::col_f64("ci_low", cl),
            crate::frame::col_f64("ci_high", ch),
            crate::frame::col_f64("df", df),
            crate::frame::col_u32("n", n),
            crate::frame::col_u32("n_missing", miss),
        ]);
        crate::frame::build(cap, cols)
    }

    /// Ranks of one level: province_code, province_name, province_name_en, measure, estimate, rank, rank_low, rank_high, group,
    /// p_group (and p_top when `top` is given).
    pub fn rank_frame(
        &self,
        level: Level,
        ci_level: f64,
        top: Option<u32>,
        lang: crate::Lang,
    ) -> Result<DataFrame> {
        let ms = self.level_measures(level);
        let stats = self.ranks_of(&ms, ci_level, top)?;
        let rows: Vec<&RankStat> = stats.iter().filter(|r| ms.contains(&r.measure)).collect();
        let h = rows.len();
        let u =
            |f: &dyn Fn(&RankStat) -> Option<u32>| rows.iter().map(|r| f(r)).collect::<Vec<_>>();
        let mut cols = province_columns(
            &rows
                .iter()
                .map(|r| Some(self.provinces[r.province]))
                .collect::<Vec<_>>(),
            self.units_2025,
        )?;
        cols.extend([
            crate::frame::col_str(
                MEASURE,
                &rows
                    .iter()
                    .map(|r| Some(self.measures[r.measure].code.clone()))
                    .collect::<Vec<_>>(),
            ),
            crate::frame::col_f64(
                "estimate",
                rows.iter()
                    .map(|r| {
                        let v = self.estimate[[r.measure, r.province]];
                        (!v.is_nan()).then_some(v)
                    })
                    .collect(),
            ),
            crate::frame::col_u32("rank", u(&|r| r.rank)),
            crate::frame::col_u32("rank_low", u(&|r| r.rank_low)),
            crate::frame::col_u32("rank_high", u(&|r| r.rank_high)),
            crate::frame::col_str(
                "group",
                &rows
                    .iter()
                    .map(|r| r.group.map(|g| g.label(lang).to_string()))
                    .collect::<Vec<_>>(),
            ),
            crate::frame::col_f64("p_group", rows.iter().map(|r| r.p_group).collect()),
        ]);
        if top.is_some() {
            cols.push(crate::frame::col_f64(
                "p_top",
                rows.iter().map(|r| r.p_top).collect(),
            ));
        }
        crate::frame::build(h, cols)
    }

    /// Replicate scores of one level: (codes, array replicates x measures x provinces). Taylor
    /// results give the normal draws used for ranks.
    pub fn replicate_array(&self, level: Level) -> Result<(Vec<String>, Array3<f64>)> {
        let ms = self.level_measures(level);
        let codes = ms.iter().map(|&j| self.measures[j].code.clone()).collect();
        // Jackknife: its own replicates; Taylor: the normal draws used for ranks.
        if self.normal_for_ranks.is_some()
            && let Some(d) = self.draws()?
        {
            return Ok((codes, d.select(Axis(1), &ms)));
        }
        let nd = self.estimate.ncols();
        let (r, rows) = self.rank_rows(&ms)?;
        let arr = Array3::from_shape_fn((r, ms.len(), nd), |(i, k, d)| {
            let (data, offset, stride) = rows[k];
            data[offset + i * stride + d]
        });
        Ok((codes, arr))
    }
}

impl super::estimate::DomainMeans {
    /// Long table: domain (the label as given), province_code and province_name (when every
    /// domain label is a province, as `score` resolves them; null otherwise), measure (the item),
    /// estimate, se, ci_low, ci_high, df, n.
    pub fn frame(&self, ci_level: f64) -> Result<DataFrame> {
        let codes: Vec<Option<u16>> =
            match super::score::province_codes(&self.domains, "domain", false) {
                Ok(c) => c.into_iter().map(Some).collect(),
                Err(_) => vec![None; self.domains.len()],
            };
        let (k, nd) = self.estimate.dim();
        let mut dom = Vec::new();
        let mut item = Vec::new();
        let (mut e, mut s, mut lo, mut hi, mut df, mut n) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        for j in 0..k {
            for d in 0..nd {
                let t = estimate::t_quantile(ci_level, self.df[d])?;
                let (ev, sv) = (self.estimate[[j, d]], self.se[[j, d]]);
                let ok = !ev.is_nan() && !sv.is_nan();
                dom.push(Some(self.domains[d].clone()));
                item.push(Some(self.items[j].clone()));
                e.push((!ev.is_nan()).then_some(ev));
                s.push((!sv.is_nan()).then_some(sv));
                lo.push(ok.then_some(ev - t * sv));
                hi.push(ok.then_some(ev + t * sv));
                df.push(Some(self.df[d]));
                n.push(Some(self.count[[j, d]] as u32));
            }
        }
        // rows are item-major: the domains' codes repeat once per item
        let prov: Vec<Option<u16>> = (0..k).flat_map(|_| codes.iter().copied()).collect();
        let mut cols = vec![crate::frame::col_str("domain", &dom)];
        cols.extend(crate::columns::province_columns(registry()?, &prov, false));
        cols.extend([
            crate::frame::col_str(MEASURE, &item),
            crate::frame::col_f64("estimate", e),
            crate::frame::col_f64("se", s),
            crate::frame::col_f64("ci_low", lo),
            crate::frame::col_f64("ci_high", hi),
            crate::frame::col_f64("df", df),
            crate::frame::col_u32("n", n),
        ]);
        crate::frame::build(k * nd, cols)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use crate::columns::{MEASURE, PROVINCE_CODE, PROVINCE_NAME, PROVINCE_NAME_EN};
    use crate::scores::Level;
    use crate::survey::{Design, Method, Normalisation, ScoreOptions, score, synthetic};
    use polars::prelude::DataType;

    /// Survey result tables carry the core's column names: province_code (Int32), the VN and EN
    /// names whatever the language, and `measure`; domain means name the provinces too.
    #[test]
    fn result_tables_use_the_core_column_names() {
        let df = synthetic::synthetic_survey(2023, 3, 0.2).unwrap();
        let design = Design::new("province")
            .strata("province")
            .psu("district")
            .weight("weight");
        let fw = crate::framework::builtin(2023).unwrap();
        let opts = ScoreOptions {
            method: Method::Taylor,
            replicates: 50,
            seed: 1,
            level: 0.9,
            normalisation: Normalisation::Goalposts,
            year: Some(2023),
            units_2025: false,
            rank_all: false,
        };
        let res = score(&df, &design, &fw, &opts).unwrap();
        for t in [
            res.frame(Level::Dimension, 0.9, crate::Lang::En).unwrap(),
            res.rank_frame(Level::Total, 0.9, None, crate::Lang::En)
                .unwrap(),
        ] {
            let names: Vec<&str> = t.get_column_names().iter().map(|c| c.as_str()).collect();
            assert_eq!(
                names[..4],
                [PROVINCE_CODE, PROVINCE_NAME, PROVINCE_NAME_EN, MEASURE]
            );
            assert_eq!(t.column(PROVINCE_CODE).unwrap().dtype(), &DataType::Int32);
            let code = t.column(PROVINCE_CODE).unwrap().i32().unwrap().clone();
            let name = crate::frame::str_col(&t, PROVINCE_NAME).unwrap();
            let i = (0..t.height()).find(|&i| code.get(i) == Some(66)).unwrap();
            assert_eq!(name[i].as_deref(), Some("Đắk Lắk"));
        }
        let means = crate::survey::domain_means(
            &df,
            &design,
            &["d8_internet_at_home"],
            Method::Taylor,
            0,
            1,
        )
        .unwrap()
        .frame(0.9)
        .unwrap();
        let names: Vec<&str> = means
            .get_column_names()
            .iter()
            .map(|c| c.as_str())
            .collect();
        assert_eq!(
            names[..4],
            ["domain", PROVINCE_CODE, PROVINCE_NAME, MEASURE]
        );
        assert_eq!(means.column(PROVINCE_CODE).unwrap().null_count(), 0);
    }
}
