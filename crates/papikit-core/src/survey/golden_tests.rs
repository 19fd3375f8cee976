//! Golden tests against R `survey` 4.1.1 (R 4.2.2): tests/golden/survey/make_golden.R writes the
//! dataset (data.csv) and `svyby(~y, ~province, design, svymean, na.rm = TRUE)` means and SEs for
//! Taylor (with and without FPC, single-PSU strata "adjust"/"certainty") and JKn replicate designs
//! (golden_means.csv). Means and SEs must agree to 1e-9 relative.

use super::*;
use crate::csv::Table;
use crate::frame::{build, col_f64};

const DATA: &str = include_str!("../../../../tests/golden/survey/data.csv");
const GOLDEN: &str = include_str!("../../../../tests/golden/survey/golden_means.csv");

fn data() -> DataFrame {
    let t = Table::parse("data.csv", DATA).unwrap();
    let cols = t
        .header
        .iter()
        .enumerate()
        .map(|(j, h)| {
            col_f64(
                h.trim_matches('"'),
                t.rows.iter().map(|r| r[j].parse::<f64>().ok()).collect(),
            )
        })
        .collect();
    build(t.rows.len(), cols).unwrap()
}

fn golden(design: &str) -> Vec<(String, String, f64, f64)> {
    let t = Table::parse("golden_means.csv", GOLDEN).unwrap();
    t.rows
        .iter()
        .filter(|r| r[0] == design)
        .map(|r| {
            (
                r[1].trim().to_string(),
                r[2].clone(),
                r[3].parse().unwrap(),
                r[4].parse().unwrap(),
            )
        })
        .collect()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

fn check(label: &str, design: &Design, method: Method) {
    let df = data();
    let m = domain_means(&df, design, &["y1", "y2", "y3"], method, 0, 0).unwrap();
    let g = golden(label);
    assert_eq!(g.len(), 12, "{label}");
    for (prov, item, mean, se) in g {
        let d = m.domains.iter().position(|x| *x == prov).unwrap();
        let k = m.items.iter().position(|x| *x == item).unwrap();
        let (em, es) = (m.estimate[[k, d]], m.se[[k, d]]);
        assert!(
            rel(em, mean) <= 1e-9,
            "{label} {prov} {item}: mean {em} vs R {mean}"
        );
        assert!(
            rel(es, se) <= 1e-9,
            "{label} {prov} {item}: se {es} vs R {se}"
        );
    }
}

fn base() -> Design {
    Design::new("province")
        .strata("stratum")
        .psu("psu")
        .weight("weight")
}

#[test]
fn taylor_matches_r_survey() {
    check("taylor", &base(), Method::Taylor);
}

#[test]
fn taylor_fpc_matches_r_survey() {
    check("taylor_fpc", &base().fpc("fpc"), Method::Taylor);
}

#[test]
fn jackknife_matches_r_survey() {
    check("jkn", &base(), Method::Jackknife);
}

#[test]
fn lonely_psu_rules_match_r_survey() {
    let d = Design::new("province")
        .strata("stratum")
        .psu("psu_lonely")
        .weight("weight");
    check(
        "taylor_lonely_adjust",
        &d.clone().lonely(LonelyPsu::Adjust),
        Method::Taylor,
    );
    check(
        "taylor_lonely_certainty",
        &d.clone().lonely(LonelyPsu::Certainty),
        Method::Taylor,
    );
    let err = IndexedDesign::new(&data(), &d.lonely(LonelyPsu::Fail)).unwrap_err();
    assert!(err.to_string().contains("stratum 5"), "{err}");
}
