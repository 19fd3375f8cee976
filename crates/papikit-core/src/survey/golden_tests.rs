//! Golden tests against R `survey` 4.1.1 (R 4.2.2): tests/golden/survey/make_golden.R writes the
//! dataset (data.csv) and `svyby(~y, ~province, design, svymean, na.rm = TRUE)` means and SEs for
//! Taylor (with and without FPC, single-PSU strata "adjust"/"certainty") and JKn replicate designs
//! (golden_means.csv), and `svrepdesign(type = "JK1" | "BRR" | "Fay")` means and SEs from supplied
//! replicate weights made by R's `as.svrepdesign` (data_repweights.csv -> golden_repweights.csv).
//! Means and SEs must agree to 1e-9 relative.

use super::*;
use crate::csv::Table;
use crate::frame::{build, col_f64};

const DATA: &str = include_str!("../../../../tests/golden/survey/data.csv");
const GOLDEN: &str = include_str!("../../../../tests/golden/survey/golden_means.csv");
const REP_DATA: &str = include_str!("../../../../tests/golden/survey/data_repweights.csv");
const REP_GOLDEN: &str = include_str!("../../../../tests/golden/survey/golden_repweights.csv");

fn data() -> DataFrame {
    parse_data("data.csv", DATA)
}

fn parse_data(name: &'static str, text: &str) -> DataFrame {
    let t = Table::parse(name, text).unwrap();
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
    golden_in("golden_means.csv", GOLDEN, design)
}

fn golden_in(name: &'static str, text: &str, design: &str) -> Vec<(String, String, f64, f64)> {
    let t = Table::parse(name, text).unwrap();
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
    check_against(&data(), golden(label), label, design, method);
}

fn check_against(
    df: &DataFrame,
    g: Vec<(String, String, f64, f64)>,
    label: &str,
    design: &Design,
    method: Method,
) {
    let m = domain_means(df, design, &["y1", "y2", "y3"], method, 0, 0).unwrap();
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

/// Supplied replicate weights declared as R's `svrepdesign(type =)`: JK1 (delete-one-PSU of an
/// unstratified design, scale (R-1)/R), BRR (scale 1/R) and Fay with rho = 0.5 (scale
/// 1/(R (1-rho)^2)), centred at the replicate mean (R's default `mse = FALSE`). The weights were
/// made by R (`as.svrepdesign`) and are read back from data_repweights.csv.
#[test]
fn supplied_replicate_types_match_r_svrepdesign() {
    let df = parse_data("data_repweights.csv", REP_DATA);
    for (label, prefix, kind) in [
        ("JK1", "jk1_", ReplicateType::Jk1),
        ("BRR", "brr_", ReplicateType::Brr),
        ("Fay", "fay_", ReplicateType::Fay { rho: 0.5 }),
    ] {
        let mut d = Design::new("province").weight("weight");
        d.replicate_weights = df
            .get_column_names()
            .iter()
            .filter(|c| c.starts_with(prefix))
            .map(|c| c.to_string())
            .collect();
        d.replicate_type = Some(kind);
        assert!(d.replicate_weights.len() >= 8, "{label}");
        let g = golden_in("golden_repweights.csv", REP_GOLDEN, label);
        check_against(&df, g, label, &d, Method::Supplied);
        // The same design built once as a ReplicateDesign gives the same numbers.
        let rd = ReplicateDesign::new(&df, &d, Method::Supplied, 0, 0).unwrap();
        let a = domain_means(&df, &d, &["y1"], Method::Supplied, 0, 0).unwrap();
        let b = domain_means_with(&df, &d, &["y1"], Method::Taylor, 0, 0, Some(&rd)).unwrap();
        assert_eq!(a, b);
    }
    // Guessing is gone: the BRR weights read as bootstrap give other SEs than R's BRR.
    let mut d = Design::new("province").weight("weight");
    d.replicate_weights = (1..=8).map(|i| format!("brr_{i:02}")).collect();
    let boot = domain_means(&df, &d, &["y1"], Method::Supplied, 0, 0).unwrap();
    d.replicate_type = Some(ReplicateType::Brr);
    let brr = domain_means(&df, &d, &["y1"], Method::Supplied, 0, 0).unwrap();
    assert!((boot.se[[0, 0]] / brr.se[[0, 0]] - (8.0f64 / 7.0).sqrt()).abs() < 1e-12);
}
