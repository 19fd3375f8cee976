//! How to cite the source of every number: the year's PAPI report.
//!
//! The report on survey year `y` is published the next spring: its publication year is read from
//! data/papi_sample_sizes.csv (`report_launch`, from the launch articles cited there), and is
//! `y + 1` for the years where that file has no launch date (every launch it records is in
//! `y + 1`). The authors of record changed over time:
//!
//! * VFF-CRT (Centre for Research and Training of the Viet Nam Fatherland Front) is a partner up to
//!   the 2022 report and no longer in the citation from the 2023 report, cited as
//!   "CECODES, RTA & UNDP (2024)" (research/papi-methodology.md, from the 2023 report:
//!   <https://fliphtml5.com/vfkvv/ipje/2023_PAPI_REPORT>);
//! * Real-Time Analytics (RTA) is listed from the report on survey year 2016 on: that report
//!   (published 24 March 2017) is cited as "CECODES, VFF-CRT, RTA & UNDP (2017)"
//!   (<https://fliphtml5.com/vfkvv/vzrr/THE_2016_PAPI_REPORT/57>), while the 2015 report
//!   (released 12 April 2016) is "a collaboration between CECODES, VFF-CRT and UNDP"
//!   (<https://e.vnexpress.net/news/business/data-speaks/how-citizens-view-vietnam-s-governance-in-2015-3385876.html>).
//!
//! The texts (EN/VN title, "&"/"và", the short source line) are labels (`cite.*` in
//! data/labels.csv).

use crate::csv::Table;
use crate::error::Result;
use crate::labels;
use crate::lang::Lang;
use crate::published;

const SAMPLE_SIZES_CSV: &str = include_str!("../data/papi_sample_sizes.csv");

/// (first survey year, last survey year, authors of the report in citation order).
const AUTHORS: &[(u16, u16, &[&str])] = &[
    (2009, 2015, &["CECODES", "VFF-CRT", "UNDP"]),
    (2016, 2022, &["CECODES", "VFF-CRT", "RTA", "UNDP"]),
    (2023, u16::MAX, &["CECODES", "RTA", "UNDP"]),
];

/// Authors of the report on survey year `year` (a published year), in citation order.
pub fn authors(year: i64) -> Result<&'static [&'static str]> {
    let y = published::check_year(year)?;
    Ok(AUTHORS
        .iter()
        .find(|(a, b, _)| (*a..=*b).contains(&y))
        .map_or(&[][..], |(_, _, names)| names))
}

/// Year the report on survey year `year` was published (`report_launch`, else `year + 1`).
pub fn published_in(year: i64) -> Result<u16> {
    let y = published::check_year(year)?;
    let t = Table::parse("papi_sample_sizes.csv", SAMPLE_SIZES_CSV)?;
    let (cy, cl) = (t.col("survey_year")?, t.col("report_launch")?);
    let launch = t
        .rows
        .iter()
        .find(|r| r[cy] == y.to_string())
        .and_then(|r| r[cl].get(..4))
        .and_then(|s| s.parse::<u16>().ok());
    Ok(launch.unwrap_or(y + 1))
}

/// "CECODES, RTA & UNDP" (EN) / "CECODES, RTA và UNDP" (VN).
fn author_list(year: i64, lang: Lang) -> Result<String> {
    let names = authors(year)?;
    let and = labels::label("cite.and", lang)?;
    Ok(match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {and} {last}", rest.join(", ")),
        _ => names.join(""),
    })
}

/// The full citation of the report on survey year `year` in `lang`.
pub fn citation(year: i64, lang: Lang) -> Result<String> {
    fill("cite.report", year, lang)
}

/// The one-line source note (CLI footer, tables): "Source: CECODES, RTA & UNDP (2025), ...".
pub fn source_line(year: i64, lang: Lang) -> Result<String> {
    fill("cite.source", year, lang)
}

fn fill(key: &str, year: i64, lang: Lang) -> Result<String> {
    let args = [
        ("authors", author_list(year, lang)?),
        ("published", published_in(year)?.to_string()),
        ("year", year.to_string()),
    ];
    labels::format(key, lang, &args)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn citation_of_the_2023_report() {
        // research/papi-methodology.md: the 2023 report is cited as "CECODES, RTA & UNDP (2024)"
        let en = citation(2023, Lang::En).unwrap();
        assert!(
            en.starts_with("CECODES, RTA & UNDP (2024). The 2023 "),
            "{en}"
        );
        let vi = citation(2023, Lang::Vi).unwrap();
        assert!(vi.starts_with("CECODES, RTA và UNDP (2024). "), "{vi}");
        assert!(vi.contains("năm 2023"), "{vi}");
        // up to the 2022 report VFF-CRT is a partner
        assert!(
            citation(2022, Lang::En)
                .unwrap()
                .starts_with("CECODES, VFF-CRT, RTA & UNDP (2023).")
        );
        assert!(
            citation(2011, Lang::En)
                .unwrap()
                .starts_with("CECODES, VFF-CRT & UNDP (2012).")
        );
        // RTA from the 2016 report (published 2017) on; the 2015 report has no RTA (sources in the
        // module docs)
        assert!(
            citation(2016, Lang::En)
                .unwrap()
                .starts_with("CECODES, VFF-CRT, RTA & UNDP (2017).")
        );
        assert!(
            citation(2015, Lang::En)
                .unwrap()
                .starts_with("CECODES, VFF-CRT & UNDP (2016).")
        );
        assert!(
            source_line(2024, Lang::Vi)
                .unwrap()
                .starts_with("Nguồn: CECODES, RTA và UNDP (2025)")
        );
        assert!(citation(2031, Lang::En).is_err());
    }

    #[test]
    fn every_launch_recorded_is_the_year_after() {
        for y in published::FIRST_YEAR..=published::LAST_YEAR {
            assert_eq!(published_in(i64::from(y)).unwrap(), y + 1);
        }
    }
}
