//! Ranks and the four PAPI performance groups, on any score vector or table.
//!
//! * Ranks are descending (highest score = rank 1) among provinces with a score; a null score is
//!   not ranked. Ties share the same, lowest rank number ("competition" ranking: 1, 2, 2, 4).
//! * Groups: sizes from the top are round(n/4), round(n/4), floor(n/4) and the remainder
//!   (63 -> 16/16/15/16, 61 -> 15/15/15/16, 60 -> 15/15/15/15). This rule is **inferred** from the
//!   published groupings (PAPI reports 2019-2023); PAPI does not document its algorithm. A province
//!   belongs to the group whose rank range contains its rank, so tied provinces share a group.

use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use polars::prelude::*;
use std::collections::HashMap;

/// The four PAPI performance groups, best first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    High,
    HighAverage,
    LowAverage,
    Low,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::High,
        Group::HighAverage,
        Group::LowAverage,
        Group::Low,
    ];

    /// Position 0..3, best first.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Label in the chosen language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Group::High, Lang::En) => "High",
            (Group::HighAverage, Lang::En) => "High average",
            (Group::LowAverage, Lang::En) => "Low average",
            (Group::Low, Lang::En) => "Low",
            (Group::High, Lang::Vi) => "Cao",
            (Group::HighAverage, Lang::Vi) => "Trung bình cao",
            (Group::LowAverage, Lang::Vi) => "Trung bình thấp",
            (Group::Low, Lang::Vi) => "Thấp",
        }
    }

    /// Canonical snake_case name: high, high_average, low_average, low.
    pub fn key(self) -> &'static str {
        match self {
            Group::High => "high",
            Group::HighAverage => "high_average",
            Group::LowAverage => "low_average",
            Group::Low => "low",
        }
    }

    /// Parse "high", "High average", "high_average", "Trung bình cao", "1".."4".
    pub fn parse(s: &str) -> Result<Group> {
        let k = crate::text::fold(s);
        Ok(match k.as_str() {
            "high" | "cao" | "1" | "top" => Group::High,
            "highaverage" | "trungbinhcao" | "2" => Group::HighAverage,
            "lowaverage" | "trungbinhthap" | "3" => Group::LowAverage,
            "low" | "thap" | "4" => Group::Low,
            _ => {
                return Err(PapiError::UnknownCode {
                    kind: "group".into(),
                    code: s.into(),
                    known: format!(
                        "{} (or {}; {})",
                        Group::ALL.map(Group::key).join(", "),
                        Group::ALL.map(|g| g.label(Lang::En)).join(", "),
                        Group::ALL.map(|g| g.label(Lang::Vi)).join(", ")
                    ),
                });
            }
        })
    }

    /// Ranks covered by this group when `n` provinces are ranked (inclusive, 1-based).
    pub fn rank_range(self, n: usize) -> (usize, usize) {
        let s = group_sizes(n);
        let start: usize = s[..self.index()].iter().sum::<usize>() + 1;
        (start, start + s[self.index()] - 1)
    }
}

/// Group sizes from the top: round(n/4), round(n/4), floor(n/4), remainder.
pub fn group_sizes(n: usize) -> [usize; 4] {
    let r = ((n as f64) / 4.0).round() as usize;
    let f = n / 4;
    let first = r.min(n);
    let second = r.min(n - first);
    let third = f.min(n - first - second);
    [first, second, third, n - first - second - third]
}

/// Group of a 1-based rank among `n` ranked provinces.
pub fn group_of_rank(rank: u32, n: usize) -> Option<Group> {
    let s = group_sizes(n);
    let mut upper = 0usize;
    for g in Group::ALL {
        upper += s[g.index()];
        if (rank as usize) <= upper {
            return Some(g);
        }
    }
    None
}

/// Descending competition ranks; `None` for missing (or NaN) scores. The one ranker of the crate:
/// [`crate::draws::Ranker`].
pub fn rank_desc(scores: &[Option<f64>]) -> Vec<Option<u32>> {
    crate::draws::competition_ranks(scores)
}

/// Rank of a single score against a field of scores (how many are strictly higher, plus one).
pub fn rank_of(score: f64, field: &[f64]) -> u32 {
    field.iter().filter(|&&s| s > score).count() as u32 + 1
}

/// Groups for each score (None where the score is missing).
pub fn groups(scores: &[Option<f64>]) -> Vec<Option<Group>> {
    let n = scores.iter().filter(|s| s.is_some()).count();
    rank_desc(scores)
        .into_iter()
        .map(|r| r.and_then(|r| group_of_rank(r, n)))
        .collect()
}

/// Score band of each group: (min, max) of the scores inside it, `None` for an empty group.
pub fn bands(scores: &[Option<f64>]) -> [Option<(f64, f64)>; 4] {
    let mut out = [None; 4];
    for (s, g) in scores.iter().zip(groups(scores)) {
        if let (Some(s), Some(g)) = (s, g) {
            let b: &mut Option<(f64, f64)> = &mut out[g.index()];
            *b = Some(match *b {
                None => (*s, *s),
                Some((lo, hi)) => (lo.min(*s), hi.max(*s)),
            });
        }
    }
    out
}

/// Names of the output columns for a ranked score column.
pub struct RankColumns {
    pub rank: String,
    pub n_ranked: String,
    pub group: String,
    pub rank_within: String,
    pub n_within: String,
}

impl RankColumns {
    /// `total` keeps the bare names (rank, n_ranked, group); other columns get a prefix (d1_rank ...).
    pub fn for_column(by: &str) -> RankColumns {
        let p = if by == "total" {
            String::new()
        } else {
            format!("{by}_")
        };
        RankColumns {
            rank: format!("{p}rank"),
            n_ranked: format!("{p}n_ranked"),
            group: format!("{p}group"),
            rank_within: format!("{p}rank_within"),
            n_within: format!("{p}n_within"),
        }
    }
}

/// Add rank, n_ranked and group columns for `by` (and rank within `within`, e.g. "region").
pub fn rank_frame(df: &DataFrame, by: &str, within: Option<&str>, lang: Lang) -> Result<DataFrame> {
    let scores = frame::f64_col(df, by)?;
    let names = RankColumns::for_column(by);
    let ranks = rank_desc(&scores);
    let n = scores.iter().filter(|s| s.is_some()).count();
    let n_col: Vec<Option<u32>> = scores.iter().map(|s| s.map(|_| n as u32)).collect();
    let grp: Vec<Option<&str>> = ranks
        .iter()
        .map(|r| r.and_then(|r| group_of_rank(r, n)).map(|g| g.label(lang)))
        .collect();
    let mut cols = vec![
        frame::col_u32(&names.rank, ranks),
        frame::col_u32(&names.n_ranked, n_col),
        frame::col_str(&names.group, &grp),
    ];
    if let Some(w) = within {
        let keys = frame::str_col(df, w)?;
        let mut members: HashMap<Option<String>, Vec<usize>> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            members.entry(k.clone()).or_default().push(i);
        }
        let mut r_within = vec![None; scores.len()];
        let mut n_within = vec![None; scores.len()];
        // a row without a group (null `within`) is not ranked within any group
        for idx in members
            .iter()
            .filter_map(|(k, idx)| k.as_ref().map(|_| idx))
        {
            let sub: Vec<Option<f64>> = idx.iter().map(|&i| scores[i]).collect();
            let m = sub.iter().filter(|s| s.is_some()).count() as u32;
            for (j, r) in rank_desc(&sub).into_iter().enumerate() {
                r_within[idx[j]] = r;
                n_within[idx[j]] = r.map(|_| m);
            }
        }
        cols.push(frame::col_u32(&names.rank_within, r_within));
        cols.push(frame::col_u32(&names.n_within, n_within));
    }
    frame::with_columns(df.clone(), cols)
}

/// One row per group: label, number of provinces, lowest and highest score, rank range.
pub fn bands_frame(df: &DataFrame, by: &str, lang: Lang) -> Result<DataFrame> {
    let scores = frame::f64_col(df, by)?;
    let n = scores.iter().filter(|s| s.is_some()).count();
    let b = bands(&scores);
    let sizes = group_sizes(n);
    let labels: Vec<Option<&str>> = Group::ALL.iter().map(|g| Some(g.label(lang))).collect();
    let ranges: Vec<(usize, usize)> = Group::ALL.iter().map(|g| g.rank_range(n)).collect();
    frame::build(
        4,
        vec![
            frame::col_str("group", &labels),
            frame::col_u32("n", sizes.iter().map(|&s| Some(s as u32)).collect()),
            frame::col_u32(
                "rank_from",
                ranges.iter().map(|r| Some(r.0 as u32)).collect(),
            ),
            frame::col_u32("rank_to", ranges.iter().map(|r| Some(r.1 as u32)).collect()),
            frame::col_f64("min", b.iter().map(|x| x.map(|v| v.0)).collect()),
            frame::col_f64("max", b.iter().map(|x| x.map(|v| v.1)).collect()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sizes_match_published_groupings() {
        assert_eq!(group_sizes(63), [16, 16, 15, 16]);
        assert_eq!(group_sizes(61), [15, 15, 15, 16]);
        assert_eq!(group_sizes(60), [15, 15, 15, 15]);
        assert_eq!(group_sizes(0), [0, 0, 0, 0]);
        assert_eq!(group_sizes(1), [0, 0, 0, 1]);
        assert_eq!(group_sizes(2), [1, 1, 0, 0]);
    }

    #[test]
    fn ties_share_lowest_rank_and_nulls_are_unranked() {
        let r = rank_desc(&[Some(3.0), None, Some(5.0), Some(3.0), Some(1.0)]);
        assert_eq!(r, vec![Some(2), None, Some(1), Some(2), Some(4)]);
    }

    proptest! {
        #[test]
        fn sizes_sum_to_n(n in 0usize..500) {
            prop_assert_eq!(group_sizes(n).iter().sum::<usize>(), n);
        }

        #[test]
        fn distinct_scores_rank_as_permutation(v in prop::collection::hash_set(-1_000_000i64..1_000_000, 0..80)) {
            let scores: Vec<Option<f64>> = v.iter().map(|&x| Some(x as f64)).collect();
            let mut r: Vec<u32> = rank_desc(&scores).into_iter().flatten().collect();
            r.sort_unstable();
            prop_assert_eq!(r, (1..=scores.len() as u32).collect::<Vec<_>>());
        }
    }
}
