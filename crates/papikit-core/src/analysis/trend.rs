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

use crate::error::Result;
use crate::frame;
use crate::lang::Lang;
use crate::published::{self, DIMENSION_COLUMNS, measure, n_dimensions, stats, year_rows};
use crate::rank::rank_desc;
use crate::registry::registry;
use polars::prelude::*;

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

/// Is `code` ("total", "d1".."d8"; other codes are assumed stable) in `year` comparable with
/// `year - 1`? `None` when the measure does not exist in `year`.
pub fn comparable(code: &str, year: u16) -> Option<bool> {
    let c = code.to_ascii_lowercase();
    let dim = DIMENSION_COLUMNS.iter().position(|d| *d == c);
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

/// Trend table of one province: one row per year and measure (total, then d1..d8 that exist that
/// year): score, rank, n_ranked, national mean and median, change in points and places from the
/// previous year (null when not comparable), comparable_with_previous, structural_break, break_note.
pub fn trend_frame(province: u16, years: &[i64], lang: Lang) -> Result<DataFrame> {
    let reg = registry()?;
    let pname = reg
        .by_code(province)
        .map(|p| lang.pick(&p.name_en, &p.name_vi).to_string());
    let mut yv = Vec::new();
    let mut mv: Vec<Option<String>> = Vec::new();
    let (mut score, mut rank, mut nr) = (Vec::new(), Vec::new(), Vec::new());
    let (mut mean, mut median) = (Vec::new(), Vec::new());
    let (mut chg, mut chg_places, mut comp) = (Vec::new(), Vec::new(), Vec::new());
    let (mut brk, mut note) = (Vec::new(), Vec::<Option<String>>::new());
    for &y in years {
        let rows = year_rows(y)?;
        let y16 = rows.first().map(|r| r.year).unwrap_or(y as u16);
        let prev = if y16 > published::FIRST_YEAR {
            Some(year_rows(y - 1)?)
        } else {
            None
        };
        let codes: Vec<&str> = std::iter::once("total")
            .chain(DIMENSION_COLUMNS[..n_dimensions(y16)].iter().copied())
            .collect();
        for code in codes {
            let vals: Vec<Option<f64>> = rows.iter().map(|r| measure(r, code)).collect();
            let ranks = rank_desc(&vals);
            let i = rows.iter().position(|r| r.code == province);
            let own = i.and_then(|i| vals[i]);
            let own_rank = i.and_then(|i| ranks[i]);
            let st = stats(
                &rows
                    .iter()
                    .filter_map(|r| measure(r, code).map(|v| (r.code, v)))
                    .collect::<Vec<_>>(),
            );
            let c = comparable(code, y16).unwrap_or(false);
            let (pv, pr) = match &prev {
                Some(prev) if c => {
                    let pvals: Vec<Option<f64>> = prev.iter().map(|r| measure(r, code)).collect();
                    let pranks = rank_desc(&pvals);
                    let j = prev.iter().position(|r| r.code == province);
                    (j.and_then(|j| pvals[j]), j.and_then(|j| pranks[j]))
                }
                _ => (None, None),
            };
            yv.push(y16 as i32);
            mv.push(Some(code.to_string()));
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
    frame::build(
        h,
        vec![
            Column::new("year".into(), yv),
            frame::col_str("province", &vec![pname; h]),
            frame::col_str("measure", &mv),
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
        ],
    )
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
}
