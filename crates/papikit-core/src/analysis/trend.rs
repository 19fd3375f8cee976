//! Trends of a province across years, with PAPI's structural breaks flagged.
//!
//! **Comparability rule** (documented; used by trends, profiles and year-on-year gaps): a measure
//! in year `y` is comparable with year `y - 1` when it exists in both years and neither its
//! sub-dimension composition (data/papi_subdimensions.csv) nor its construction changed between
//! them. The total is comparable only when the set of dimensions is the same and every dimension is
//! comparable. Breaks:
//!
//! * **2016**: D1, D3 and D5 re-constructed (2016 PAPI report p.57 compares 2011-2016 only for D2,
//!   D4, D6; D3 drops Community Investment Boards and adds Responsiveness to Citizens' Appeals).
//! * **2018**: D7 and D8 new (the total goes from 6 to 8 dimensions); D2 adds Access to Information;
//!   D3 replaces People's Inspection Boards with Access to Justice Services. D1, D4, D5 and D6 keep
//!   their sub-dimensions and stay comparable.
//! * **2019**: D8 adds E-Responsiveness (2 -> 3 sub-dimensions; secondary source, low confidence).
//! * **2021**: D5 loses Construction Permits (4 -> 3 sub-dimensions).
//!
//! D7 and D8 are never compared with years before 2018 (they did not exist).
//!
//! **Sub-dimensions** ([`subdimension_comparable`]): comparable when the sub-dimension sits in the
//! same dimension in both years' built-in frameworks, that dimension's membership did not change
//! (derived from the frameworks by [`membership_changes`]: a membership change rescales every
//! sub-dimension to 1/n..10/n of the new n) and the dimension is not in a break above. So in 2016
//! every D1, D3, D5 sub-dimension breaks; in 2018 every D2, D3 one (D7, D8 start); in 2019 every D8
//! one; in 2021 every D5 one.

use crate::error::{PapiError, Result};
use crate::frame;
use crate::framework::builtin;
use crate::lang::Lang;
use crate::published::{self, DIMENSION_COLUMNS, n_dimensions, stats};
use crate::rank::rank_desc;
use crate::registry::registry;
use crate::scores::{Level, ScoreTable};
use polars::prelude::*;
use std::collections::BTreeMap;

/// A structural break: measures whose construction changed in `year` (compared with `year - 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    pub year: u16,
    pub measures: &'static [&'static str],
    pub note_en: &'static str,
    pub note_vi: &'static str,
}

/// PAPI's structural breaks, in year order (the one list; see the module docs for sources).
pub const BREAKS: [Break; 4] = [
    Break {
        year: 2016,
        measures: &["d1", "d3", "d5"],
        note_en: "D1, D3, D5 re-constructed (compare only D2, D4, D6 with 2011-2015)",
        note_vi: "D1, D3, D5 thay đổi cách xây dựng (chỉ so sánh D2, D4, D6 với 2011-2015)",
    },
    Break {
        year: 2018,
        measures: &["d2", "d3", "d7", "d8"],
        note_en: "D7, D8 new (total of 8 dimensions); D2, D3 changed sub-dimensions",
        note_vi: "thêm D7, D8 (tổng 8 chỉ số nội dung); D2, D3 thay đổi nội dung thành phần",
    },
    Break {
        year: 2019,
        measures: &["d8"],
        note_en: "D8 adds E-Responsiveness (secondary source)",
        note_vi: "D8 thêm nội dung Phản hồi trên môi trường điện tử (nguồn thứ cấp)",
    },
    Break {
        year: 2021,
        measures: &["d5"],
        note_en: "D5 loses Construction Permits",
        note_vi: "D5 bỏ nội dung Cấp phép xây dựng",
    },
];

/// The years with a structural break.
pub fn break_years() -> Vec<u16> {
    BREAKS.iter().map(|b| b.year).collect()
}

/// The break in `year`, if any.
pub fn break_in(year: u16) -> Option<&'static Break> {
    BREAKS.iter().find(|b| b.year == year)
}

impl Break {
    /// The note without the year, in `lang`.
    pub fn note(&self, lang: Lang) -> &'static str {
        lang.pick(self.note_en, self.note_vi)
    }

    /// The note prefixed with the year ("2018: D7, D8 new ...").
    pub fn note_with_year(&self, lang: Lang) -> String {
        format!("{}: {}", self.year, self.note(lang))
    }
}

/// Is `code` ("total", "d1".."d8", a sub-dimension code of the built-in framework; other codes
/// are assumed stable) in `year` comparable with `year - 1`? `None` when the measure does not
/// exist in `year`. Sub-dimensions follow [`subdimension_comparable`].
pub fn comparable(code: &str, year: u16) -> Option<bool> {
    let c = code.to_ascii_lowercase();
    let dim = DIMENSION_COLUMNS.iter().position(|d| *d == c);
    if dim.is_none() && c != "total" && is_subdimension(&c) {
        return subdimension_comparable(&c, year);
    }
    let exists = |y: u16| match dim {
        Some(k) => k < n_dimensions(y),
        None => true,
    };
    if !exists(year) {
        return None;
    }
    if year <= published::FIRST_YEAR || !exists(year - 1) {
        return Some(year > published::FIRST_YEAR && exists(year - 1));
    }
    let changed = break_in(year).map(|b| b.measures).unwrap_or(&[]);
    if c == "total" {
        return Some(changed.is_empty() && n_dimensions(year) == n_dimensions(year - 1));
    }
    Some(!changed.contains(&c.as_str()))
}

type Membership = BTreeMap<String, Vec<String>>;

/// Sorted sub-dimension codes of each dimension of the built-in framework of `year` (built once
/// per published year).
fn membership(year: u16) -> Option<&'static Membership> {
    static CELL: std::sync::OnceLock<BTreeMap<u16, Membership>> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        (published::FIRST_YEAR..=published::LAST_YEAR)
            .filter_map(|y| {
                let fw = builtin(i64::from(y)).ok()?;
                Some((y, membership_in(&fw)))
            })
            .collect()
    })
    .get(&year)
}

/// Each dimension's sub-dimension codes (sorted) in a framework.
fn membership_in(fw: &crate::framework::Framework) -> Membership {
    fw.dimensions
        .iter()
        .map(|d| {
            let mut subs: Vec<String> = d.subdimensions.iter().map(|s| s.code.clone()).collect();
            subs.sort();
            (d.code.clone(), subs)
        })
        .collect()
}

/// [`membership`] of any year: a year after the embedded ones (loaded at run time, see
/// `crate::loaded`) reads the framework `builtin` gives it (the one loaded with it, or the latest
/// reused).
fn membership_of(year: u16) -> Option<std::borrow::Cow<'static, Membership>> {
    if let Some(m) = membership(year) {
        return Some(std::borrow::Cow::Borrowed(m));
    }
    if year <= published::LAST_YEAR {
        return None;
    }
    let fw = builtin(i64::from(year)).ok()?;
    Some(std::borrow::Cow::Owned(membership_in(&fw)))
}

/// Is `code` a sub-dimension of any year's built-in framework?
fn is_subdimension(code: &str) -> bool {
    (published::FIRST_YEAR..=published::LAST_YEAR)
        .filter_map(membership)
        .any(|m| m.values().any(|subs| subs.iter().any(|s| s == code)))
}

/// The dimensions whose sub-dimension membership in `year`'s built-in framework differs from
/// `year - 1`'s (a dimension new in `year` counts), derived from the frameworks. Every such
/// dimension is listed in [`BREAKS`] (a test checks it); a membership change rescales every
/// sub-dimension of the dimension (each ranges 1/n..10/n).
pub fn membership_changes(year: u16) -> Vec<String> {
    let (Some(now), Some(before)) = (membership(year), year.checked_sub(1).and_then(membership))
    else {
        return Vec::new();
    };
    now.iter()
        .filter(|(d, subs)| before.get(*d) != Some(subs))
        .map(|(d, _)| d.clone())
        .collect()
}

/// Is sub-dimension `code` in `year` comparable with `year - 1`? `None` when `code` is not a
/// sub-dimension of `year`'s built-in framework. Comparable when it belongs to the same dimension
/// in both years' frameworks, that dimension's membership is unchanged (else its range 1/n..10/n
/// and content moved: 2016 D3, 2018 D2/D3/D7/D8, 2019 D8, 2021 D5) and the dimension is not
/// re-constructed in a [`BREAKS`] entry (2016 D1, D5).
pub fn subdimension_comparable(code: &str, year: u16) -> Option<bool> {
    let now = membership_of(year)?;
    let dim = now
        .iter()
        .find(|(_, subs)| subs.iter().any(|s| s == code))
        .map(|(d, _)| d.clone())?;
    if year <= published::FIRST_YEAR {
        return Some(false);
    }
    let Some(before) = membership_of(year - 1) else {
        return Some(false);
    };
    let same_dimension = before
        .get(&dim)
        .is_some_and(|subs| subs.iter().any(|s| s == code));
    Some(
        same_dimension
            && before.get(&dim) == now.get(&dim)
            && comparable(&dim, year).unwrap_or(false),
    )
}

/// Which levels [`trend_frame_at`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendLevel {
    /// The total and the dimensions (d1..d8 that exist that year).
    Dimension,
    /// The sub-dimensions of each year's framework.
    Subdimension,
    /// Total, dimensions, then sub-dimensions.
    All,
}

impl TrendLevel {
    /// Parse "dimension", "subdimension" or "all".
    pub fn parse(s: &str) -> Result<TrendLevel> {
        match crate::text::fold(s).as_str() {
            "dimension" | "dimensions" => Ok(TrendLevel::Dimension),
            "subdimension" | "subdimensions" => Ok(TrendLevel::Subdimension),
            "all" => Ok(TrendLevel::All),
            _ => Err(PapiError::InvalidArgument {
                argument: "level".into(),
                message: format!("{s:?}; use \"dimension\", \"subdimension\" or \"all\""),
            }),
        }
    }

    fn keeps(self, level: Level) -> bool {
        match self {
            TrendLevel::Dimension => matches!(level, Level::Total | Level::Dimension),
            TrendLevel::Subdimension => level == Level::Subdimension,
            TrendLevel::All => true,
        }
    }
}

/// Trend table of one province: one row per year and measure (total, then d1..d8 that exist that
/// year): year, province_code, province_name, province_name_en, measure, score, rank, n_ranked, national mean and median, change in points and places from the
/// previous year (null when not comparable), comparable_with_previous, structural_break, break_note,
/// level, number.
pub fn trend_frame(province: u16, years: &[i64], lang: Lang) -> Result<DataFrame> {
    trend_frame_at(province, years, TrendLevel::Dimension, lang)
}

/// Trend table of one province at `level` (see [`trend_frame`] for the columns); sub-dimension
/// rows follow each year's framework (a sub-dimension has rows only in the years it was measured)
/// and [`subdimension_comparable`]. `number` is "D6" / "6.1" as printed that year ("" for the total).
pub fn trend_frame_at(
    province: u16,
    years: &[i64],
    level: TrendLevel,
    lang: Lang,
) -> Result<DataFrame> {
    let reg = registry()?;
    let mut yv = Vec::new();
    let (mut mv, mut lv, mut nv) = (Vec::<Option<String>>::new(), Vec::new(), Vec::new());
    let (mut score, mut rank, mut nr) = (Vec::new(), Vec::new(), Vec::new());
    let (mut mean, mut median) = (Vec::new(), Vec::new());
    let (mut chg, mut chg_places, mut comp) = (Vec::new(), Vec::new(), Vec::new());
    let (mut brk, mut note) = (Vec::new(), Vec::<Option<String>>::new());
    for &y in years {
        let t = if level == TrendLevel::Dimension {
            ScoreTable::from_published_dimensions(y)?
        } else {
            ScoreTable::from_published(y)?
        };
        let y16 = t.year;
        let prev = if y16 > published::FIRST_YEAR {
            Some(ScoreTable::from_published(i64::from(y16) - 1)?)
        } else {
            None
        };
        let numbers = t.measure_numbers();
        let i = t.provinces.iter().position(|&c| c == province);
        for (m, meas) in t.measures.iter().enumerate() {
            if !level.keeps(meas.level) {
                continue;
            }
            let vals = &t.values[m];
            let ranks = rank_desc(vals);
            let own = i.and_then(|i| vals[i]);
            let own_rank = i.and_then(|i| ranks[i]);
            let st = stats(
                &t.provinces
                    .iter()
                    .zip(vals)
                    .filter_map(|(&c, v)| v.map(|v| (c, v)))
                    .collect::<Vec<_>>(),
            );
            let c = comparable(&meas.code, y16).unwrap_or(false);
            let (pv, pr) = match &prev {
                Some(prev) if c => match prev.measure_index(&meas.code) {
                    Ok(pm) => {
                        let pranks = rank_desc(&prev.values[pm]);
                        let j = prev.provinces.iter().position(|&c| c == province);
                        (
                            j.and_then(|j| prev.values[pm][j]),
                            j.and_then(|j| pranks[j]),
                        )
                    }
                    Err(_) => (None, None),
                },
                _ => (None, None),
            };
            yv.push(i32::from(y16));
            mv.push(Some(meas.code.clone()));
            lv.push(Some(meas.level.as_str().to_string()));
            nv.push(Some(numbers[m].clone()));
            score.push(own);
            rank.push(own_rank);
            nr.push(Some(vals.iter().filter(|v| v.is_some()).count() as u32));
            mean.push(st.as_ref().map(|s| s.mean));
            median.push(st.as_ref().map(|s| s.median));
            chg.push(match (own, pv) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            });
            chg_places.push(match (own_rank, pr) {
                (Some(a), Some(b)) => Some(b as i32 - a as i32),
                _ => None,
            });
            comp.push(c);
            let b = break_in(y16);
            brk.push(b.is_some());
            note.push(b.map(|b| b.note_with_year(lang)));
        }
    }
    let h = yv.len();
    let mut cols = vec![Column::new("year".into(), yv)];
    cols.extend(crate::columns::province_columns(
        reg,
        &vec![Some(province); h],
        true,
    ));
    cols.extend([
        frame::col_str(crate::columns::MEASURE, &mv),
        frame::col_f64("score", score),
        frame::col_u32("rank", rank),
        frame::col_u32("n_ranked", nr),
        frame::col_f64("national_mean", mean),
        frame::col_f64("national_median", median),
        frame::col_f64("change", chg),
        Column::new("change_places".into(), chg_places),
        Column::new("comparable_with_previous".into(), comp),
        Column::new("structural_break".into(), brk),
        frame::col_str("break_note", &note),
        frame::col_str("level", &lv),
        frame::col_str("number", &nv),
    ]);
    frame::build(h, cols)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn break_list() {
        assert_eq!(break_years(), vec![2016, 2018, 2019, 2021]);
        assert!(break_in(2017).is_none());
        assert!(
            break_in(2018)
                .unwrap()
                .note_with_year(Lang::En)
                .starts_with("2018: D7, D8")
        );
    }

    #[test]
    fn rule() {
        assert_eq!(comparable("d7", 2017), None);
        assert_eq!(comparable("d7", 2018), Some(false));
        assert_eq!(comparable("d7", 2019), Some(true));
        assert_eq!(comparable("d8", 2019), Some(false));
        assert_eq!(comparable("total", 2018), Some(false));
        assert_eq!(comparable("d1", 2018), Some(true));
        assert_eq!(comparable("d2", 2018), Some(false));
        assert_eq!(comparable("d3", 2018), Some(false));
        assert_eq!(comparable("d1", 2016), Some(false));
        assert_eq!(comparable("d2", 2016), Some(true));
        assert_eq!(comparable("d5", 2021), Some(false));
        assert_eq!(comparable("total", 2023), Some(true));
        assert_eq!(comparable("total", 2011), Some(false));
    }

    #[test]
    fn dak_lak_trend() {
        let df = trend_frame(66, &(2011..=2024).collect::<Vec<_>>(), Lang::En).unwrap();
        // 6 measures + total for 2011-2017, 9 for 2018-2024
        assert_eq!(df.height(), 7 * 7 + 7 * 9);
    }

    /// The membership changes derived from the built-in frameworks are exactly the dimensions whose
    /// sub-dimension set changed per data/papi_subdimensions.csv (years column), and each is in
    /// BREAKS: 2016 D3 (community investment boards out, responsiveness to appeals in), 2018 D2
    /// (access to information), D3 (access to justice), D7, D8 (new), 2019 D8 (e-responsiveness),
    /// 2021 D5 (construction permits out).
    #[test]
    fn membership_changes_are_breaks() {
        let mut all = Vec::new();
        for y in published::FIRST_YEAR..=published::LAST_YEAR {
            let ch = membership_changes(y);
            for d in &ch {
                let b = break_in(y).unwrap_or_else(|| panic!("{y}: {d} changed, no break"));
                assert!(b.measures.contains(&d.as_str()), "{y} {d} not in BREAKS");
            }
            all.extend(ch.into_iter().map(|d| (y, d)));
        }
        let want: Vec<(u16, String)> = [
            (2016, "d3"),
            (2018, "d2"),
            (2018, "d3"),
            (2018, "d7"),
            (2018, "d8"),
            (2019, "d8"),
            (2021, "d5"),
        ]
        .iter()
        .map(|(y, d)| (*y, d.to_string()))
        .collect();
        assert_eq!(all, want);
    }

    #[test]
    fn subdimension_rule() {
        let c = |code: &str, y: u16| comparable(code, y);
        // 6.1 never changed: comparable every year after the first
        assert_eq!(c("public_health", 2011), Some(false));
        assert!((2012..=2024).all(|y| c("public_health", y) == Some(true)));
        // D1 re-constructed in 2016 (BREAKS), D3 membership change in 2016
        assert_eq!(c("civic_knowledge", 2016), Some(false));
        assert_eq!(c("civic_knowledge", 2017), Some(true));
        assert_eq!(c("interactions_local_authorities", 2016), Some(false));
        // D2 gains access to information in 2018: every D2 sub-dimension breaks
        assert_eq!(c("poverty_lists", 2018), Some(false));
        assert_eq!(c("access_information", 2018), Some(false));
        assert_eq!(c("poverty_lists", 2019), Some(true));
        // D8: new 2018, 8.3 added 2019
        assert_eq!(c("internet_access", 2018), Some(false));
        assert_eq!(c("internet_access", 2019), Some(false));
        assert_eq!(c("internet_access", 2020), Some(true));
        assert_eq!(c("e_responsiveness", 2018), None);
        // D5 loses construction permits in 2021; the others rescale from 1/4 to 1/3
        assert_eq!(c("land_use_rights_certificates", 2021), Some(false));
        assert_eq!(c("land_use_rights_certificates", 2022), Some(true));
        assert_eq!(c("construction_permits", 2021), None);
        assert_eq!(c("construction_permits", 2020), Some(true));
        // D6 and D4 sub-dimensions stay comparable across 2018
        assert_eq!(c("willingness_fight_corruption", 2018), Some(true));
    }

    /// Sub-dimension trend of Đắk Lắk 6.2: rows every year; 2024 change = the published scores'
    /// difference (papi_subdimension_scores_2011_2024.csv: 1.4434 - 1.8951 = -0.4517).
    #[test]
    fn subdimension_trend() {
        let years: Vec<i64> = (2011..=2024).collect();
        let df = trend_frame_at(66, &years, TrendLevel::Subdimension, Lang::En).unwrap();
        let m = frame::str_col(&df, "measure").unwrap();
        let ch = frame::f64_col(&df, "change").unwrap();
        let comp = df
            .column("comparable_with_previous")
            .unwrap()
            .bool()
            .unwrap()
            .clone();
        let yr = df.column("year").unwrap().i32().unwrap().clone();
        let at = |code: &str, y: i32| {
            (0..df.height())
                .find(|&i| m[i].as_deref() == Some(code) && yr.get(i) == Some(y))
                .unwrap()
        };
        let i = at("public_primary_education", 2024);
        assert!((ch[i].unwrap() + 0.4517).abs() < 1e-4);
        let j = at("land_use_rights_certificates", 2021);
        assert_eq!((comp.get(j), ch[j]), (Some(false), None));
        // 22 sub-dimensions 2011-2017, 28 in 2018, 29 in 2019-2020, 28 in 2021-2024
        assert_eq!(df.height(), 22 * 7 + 28 + 29 * 2 + 28 * 4);
        let all = trend_frame_at(66, &[2023], TrendLevel::All, Lang::Vi).unwrap();
        assert_eq!(all.height(), 1 + 8 + 28);
        assert!(TrendLevel::parse("indicator").is_err());
    }
}
