//! Pipeline tests on the synthetic survey (seeded; see each test for what it shows).

use super::*;
use crate::frame::{build, col_f64, col_str};
use crate::framework::builtin;

fn papi_design() -> Design {
    Design::new("province")
        .strata("province")
        .psu("district")
        .weight("weight")
}

fn opts(method: Method, replicates: usize, level: f64) -> ScoreOptions {
    ScoreOptions {
        method,
        replicates,
        seed: 1,
        level,
        normalisation: Normalisation::Goalposts,
        year: Some(2023),
        units_2025: false,
        rank_all: false,
    }
}

#[test]
fn synthetic_2023_has_the_papi_shape() {
    let df = synthetic::synthetic_survey(2023, 0, 1.0).unwrap();
    // 57 x 3 x 4 x 23 + 4 x 6 x 4 x 23 + 2 x 6 x 4 x 34 = 19,572 (published n = 19,536).
    assert_eq!(df.height(), 19_572);
    let ix = IndexedDesign::new(&df, &papi_design()).unwrap();
    assert_eq!(ix.n_domains(), 63);
    assert_eq!(ix.n_psus(), 207);
    let fw = builtin(2023).unwrap();
    for (_, _, i) in fw.indicators() {
        for it in i.recipe.as_ref().unwrap().items() {
            assert!(df.column(it).is_ok(), "{it}");
        }
    }
    let again = synthetic::synthetic_survey(2023, 0, 1.0).unwrap();
    assert!(df.equals_missing(&again));
}

/// Published 2023 dimension scores fall inside the 95 % CI of the synthetic 2023 survey's scores in
/// >= 90 % of province x dimension cells (Taylor, per-province t with df = 2 or 5).
#[test]
fn published_2023_inside_95_ci() {
    let df = synthetic::synthetic_survey(2023, 0, 1.0).unwrap();
    let fw = builtin(2023).unwrap();
    let s = score(&df, &papi_design(), &fw, &opts(Method::Taylor, 200, 0.95)).unwrap();
    let (lo, hi) = s.ci(0.95).unwrap();
    let (mut inside, mut cells) = (0, 0);
    for (p, &code) in s.provinces.iter().enumerate() {
        let row = crate::published::row(code, 2023).unwrap();
        for k in 0..8 {
            if let Some(v) = row.dims[k] {
                cells += 1;
                if lo[[1 + k, p]] <= v && v <= hi[[1 + k, p]] {
                    inside += 1;
                }
            }
        }
    }
    let share = inside as f64 / cells as f64;
    eprintln!("published inside 95% CI: {inside}/{cells} = {share:.3}");
    assert!(cells >= 480);
    assert!(share >= 0.90, "{share}");
}

/// Coverage of nominal 90 % CIs of dimension scores for the known truth (the calibration targets)
/// over 63 x 8 cells and 3 seeds: within 85-95 %.
#[test]
fn coverage_of_90_ci_is_nominal() {
    let fw = builtin(2023).unwrap();
    let (codes, truth) = synthetic::targets(&fw, 2023).unwrap();
    for method in [Method::Taylor, Method::Bootstrap] {
        let (mut inside, mut cells) = (0, 0);
        for seed in [11u64, 12, 13] {
            let df = synthetic::synthetic_survey(2023, seed, 1.0).unwrap();
            let s = score(&df, &papi_design(), &fw, &opts(method, 200, 0.90)).unwrap();
            let (lo, hi) = s.ci(0.90).unwrap();
            for (p, code) in s.provinces.iter().enumerate() {
                let tp = codes.iter().position(|c| c == code).unwrap();
                for k in 0..8 {
                    cells += 1;
                    let t = truth[k][tp];
                    if lo[[1 + k, p]] <= t && t <= hi[[1 + k, p]] {
                        inside += 1;
                    }
                }
            }
        }
        let share = inside as f64 / cells as f64;
        eprintln!("{method:?} coverage of 90% CI: {inside}/{cells} = {share:.3}");
        assert!((0.85..=0.95).contains(&share), "{method:?} {share}");
    }
}

/// Rao-Wu bootstrap SEs agree with Taylor SEs in distribution: the median ratio over indicator x
/// province cells is within 15 % of 1 (scale 2 synthetic set, 400 replicates).
#[test]
fn bootstrap_se_agrees_with_taylor() {
    let df = synthetic::synthetic_survey(2023, 5, 2.0).unwrap();
    let d = papi_design();
    let fw = builtin(2023).unwrap();
    let items: Vec<String> = fw
        .indicators()
        .filter_map(|(_, _, i)| match &i.recipe {
            Some(crate::recipe::Recipe::Share { item, .. }) => Some(item.clone()),
            _ => None,
        })
        .take(12)
        .collect();
    let it: Vec<&str> = items.iter().map(String::as_str).collect();
    // Use 0/1 answers of share items: recode via recipes is not needed for SE comparison.
    let t = domain_means(&df, &d, &it, Method::Taylor, 0, 0).unwrap();
    let b = domain_means(&df, &d, &it, Method::Bootstrap, 400, 3).unwrap();
    let j = domain_means(&df, &d, &it, Method::Jackknife, 0, 0).unwrap();
    let mut rb: Vec<f64> = Vec::new();
    let mut rj: Vec<f64> = Vec::new();
    for (x, y) in b.se.iter().zip(t.se.iter()) {
        rb.push(x / y);
    }
    for (x, y) in j.se.iter().zip(t.se.iter()) {
        rj.push(x / y);
    }
    rb.sort_by(f64::total_cmp);
    rj.sort_by(f64::total_cmp);
    let mb = rb[rb.len() / 2];
    let mj = rj[rj.len() / 2];
    eprintln!("median SE ratio bootstrap/taylor {mb:.3}, jackknife/taylor {mj:.3}");
    assert!((mb - 1.0).abs() <= 0.15, "{mb}");
    assert!((mj - 1.0).abs() <= 0.15, "{mj}");
}

fn run_in(threads: usize, df: &DataFrame, method: Method) -> SurveyScores {
    let fw = builtin(2023).unwrap();
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| score(df, &papi_design(), &fw, &opts(method, 100, 0.9)).unwrap())
}

/// Bit-identical results with 1 and 2 threads and for the same seed.
#[test]
fn deterministic_across_threads_and_runs() {
    let df = synthetic::synthetic_survey(2023, 7, 0.5).unwrap();
    for method in [Method::Bootstrap, Method::Jackknife, Method::Taylor] {
        // 100 replicates = 3 full kernel chunks and a partial one.
        let a = run_in(1, &df, method);
        let b = run_in(2, &df, method);
        let c = run_in(3, &df, method);
        assert_eq!(a, b, "{method:?}");
        assert_eq!(b, c, "{method:?}");
        let ra = a.ranks(0.9, Some(10)).unwrap();
        let rb = b.ranks(0.9, Some(10)).unwrap();
        assert_eq!(ra, rb);
        // Draws recomputed on first use: same bits in any thread count.
        let da = a.draws().unwrap().cloned();
        let dc = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| c.draws().unwrap().cloned());
        assert_eq!(da, dc, "{method:?}");
    }
    let df2 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| synthetic::synthetic_survey(2023, 7, 0.5).unwrap());
    assert!(df.equals_missing(&df2));
}

#[test]
fn every_level_has_se_ci_and_ranks_and_a_score_table() {
    let df = synthetic::synthetic_survey(2023, 2, 1.0).unwrap();
    let fw = builtin(2023).unwrap();
    let s = score(&df, &papi_design(), &fw, &opts(Method::Bootstrap, 100, 0.9)).unwrap();
    assert_eq!(s.measures.len(), 1 + 8 + 28 + 68);
    assert!(s.se.iter().all(|v| v.is_finite() && *v > 0.0));
    // Dimension = sum of sub-dimensions; total = sum of dimensions.
    for p in 0..63 {
        let dims: f64 = (1..9).map(|k| s.estimate[[k, p]]).sum();
        assert!((dims - s.estimate[[0, p]]).abs() < 1e-9);
    }
    let ranks = s.ranks(0.9, None).unwrap();
    for r in ranks.iter().filter(|r| r.measure == 0) {
        let (rk, lo, hi) = (r.rank.unwrap(), r.rank_low.unwrap(), r.rank_high.unwrap());
        assert!(lo <= hi && (1..=63).contains(&rk), "{r:?}");
        assert!((0.0..=1.0).contains(&r.p_group.unwrap()));
    }
    let t = s.to_score_table().unwrap();
    assert_eq!(t.replicates.as_ref().unwrap().draws.len(), t.measures.len());
    assert_eq!(t.replicates.as_ref().unwrap().draws[0].dim(), (100, 63));
    assert_eq!(t.children("d6").len(), 4);
    // Jackknife ScoreTable replicates reproduce the JKn SE.
    let j = score(&df, &papi_design(), &fw, &opts(Method::Jackknife, 100, 0.9)).unwrap();
    let tj = j.to_score_table().unwrap();
    let r = tj.replicates.unwrap();
    let v: f64 = (0..r.draws[3].nrows())
        .map(|i| (r.draws[3][[i, 5]] - tj.values[3][5].unwrap()).powi(2))
        .sum::<f64>()
        * r.scale;
    assert!((v.sqrt() - j.se[[3, 5]]).abs() < 1e-9 * j.se[[3, 5]]);
    // min-max and z-score normalisations are recorded and need replicates.
    let mut o = opts(Method::Bootstrap, 50, 0.9);
    o.normalisation = Normalisation::MinMax;
    let mm = score(&df, &papi_design(), &fw, &o).unwrap();
    assert_eq!(mm.normalisation, Normalisation::MinMax);
    o.normalisation = Normalisation::ZScore;
    assert!(score(&df, &papi_design(), &fw, &o).is_ok());
    o.method = Method::Taylor;
    assert!(matches!(
        score(&df, &papi_design(), &fw, &o),
        Err(crate::PapiError::InvalidArgument { .. })
    ));
}

#[test]
fn missing_indicator_is_renormalised_and_recorded() {
    let mut df = synthetic::synthetic_survey(2023, 3, 0.5).unwrap();
    let fw = builtin(2023).unwrap();
    let (_, _, ind) = fw.indicators().next().unwrap();
    let item = ind.recipe.as_ref().unwrap().items()[0].to_string();
    // Blank the item in Hà Nội (code 1) only.
    let prov = crate::frame::f64_col(&df, "province").unwrap();
    let vals = crate::frame::f64_col(&df, &item).unwrap();
    let v: Vec<Option<f64>> = vals
        .iter()
        .zip(prov.iter())
        .map(|(v, p)| if *p == Some(1.0) { None } else { *v })
        .collect();
    df.with_column(col_f64(&item, v)).unwrap();
    let s = score(&df, &papi_design(), &fw, &opts(Method::Taylor, 10, 0.9)).unwrap();
    let p = s.provinces.iter().position(|&c| c == 1).unwrap();
    let sub = s
        .measures
        .iter()
        .position(|m| {
            Some(&m.code)
                == s.measures
                    .iter()
                    .find(|m| m.code == ind.code)
                    .and_then(|m| m.parent.as_ref())
        })
        .unwrap();
    assert_eq!(s.missing[[sub, p]], 1);
    assert!(s.estimate[[sub, p]].is_finite());
    assert!(
        s.estimate[[
            s.measures.iter().position(|m| m.code == ind.code).unwrap(),
            p
        ]]
        .is_nan()
    );
}

fn small() -> DataFrame {
    build(
        6,
        vec![
            col_str(
                "province",
                &[
                    Some("1"),
                    Some("1"),
                    Some("1"),
                    Some("66"),
                    Some("66"),
                    Some("66"),
                ],
            ),
            col_f64(
                "stratum",
                vec![
                    Some(1.0),
                    Some(1.0),
                    Some(1.0),
                    Some(2.0),
                    Some(2.0),
                    Some(2.0),
                ],
            ),
            col_f64(
                "psu",
                vec![
                    Some(1.0),
                    Some(2.0),
                    Some(2.0),
                    Some(1.0),
                    Some(2.0),
                    Some(3.0),
                ],
            ),
            col_f64(
                "w",
                vec![
                    Some(1.0),
                    Some(2.0),
                    Some(1.0),
                    Some(1.0),
                    Some(1.0),
                    Some(1.0),
                ],
            ),
            col_str(
                "wtext",
                &[
                    Some("a"),
                    Some("b"),
                    Some("c"),
                    Some("d"),
                    Some("e"),
                    Some("f"),
                ],
            ),
            col_f64(
                "y",
                vec![Some(1.0), Some(2.0), Some(3.0), Some(4.0), None, Some(6.0)],
            ),
        ],
    )
    .unwrap()
}

#[test]
fn bad_inputs_are_typed_errors_naming_the_culprit() {
    use crate::PapiError as E;
    let df = small();
    let d = Design::new("province")
        .strata("stratum")
        .psu("psu")
        .weight("w");
    assert!(domain_means(&df, &d, &["y"], Method::Taylor, 0, 0).is_ok());
    // Missing column.
    let e = domain_means(&df, &d.clone().weight("nope"), &["y"], Method::Taylor, 0, 0).unwrap_err();
    assert!(
        matches!(&e, E::MissingColumn { column, .. } if column == "nope"),
        "{e}"
    );
    let e = domain_means(&df, &d, &["zz"], Method::Taylor, 0, 0).unwrap_err();
    assert!(
        matches!(&e, E::MissingColumn { column, .. } if column == "zz"),
        "{e}"
    );
    // Non-numeric weights.
    let e = domain_means(
        &df,
        &d.clone().weight("wtext"),
        &["y"],
        Method::Taylor,
        0,
        0,
    )
    .unwrap_err();
    assert!(
        matches!(&e, E::ColumnType { column, .. } if column == "wtext"),
        "{e}"
    );
    // Negative weight: names the column, row and province.
    let mut neg = df.clone();
    neg.with_column(col_f64(
        "w",
        vec![
            Some(1.0),
            Some(-2.0),
            Some(1.0),
            Some(1.0),
            Some(1.0),
            Some(1.0),
        ],
    ))
    .unwrap();
    let e = domain_means(&neg, &d, &["y"], Method::Taylor, 0, 0).unwrap_err();
    assert!(
        matches!(&e, E::InvalidSurvey { location, .. } if location.contains("\"w\"") && location.contains("row 1") && location.contains("domain 1")),
        "{e}"
    );
    // All-zero weights.
    let mut zero = df.clone();
    zero.with_column(col_f64("w", vec![Some(0.0); 6])).unwrap();
    let e = domain_means(&zero, &d, &["y"], Method::Taylor, 0, 0).unwrap_err();
    assert!(
        matches!(&e, E::InvalidSurvey { message, .. } if message.contains("all weights are zero")),
        "{e}"
    );
    // A province with no respondents (all its weights zero).
    let mut dom0 = df.clone();
    dom0.with_column(col_f64(
        "w",
        vec![
            Some(1.0),
            Some(1.0),
            Some(1.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
        ],
    ))
    .unwrap();
    let e = domain_means(&dom0, &d, &["y"], Method::Taylor, 0, 0).unwrap_err();
    assert!(
        matches!(&e, E::InvalidSurvey { location, .. } if location.contains("domain 66")),
        "{e}"
    );
    // NaN / null weight.
    let mut nul = df.clone();
    nul.with_column(col_f64(
        "w",
        vec![Some(1.0), None, Some(1.0), Some(1.0), Some(1.0), Some(1.0)],
    ))
    .unwrap();
    assert!(matches!(
        domain_means(&nul, &d, &["y"], Method::Taylor, 0, 0),
        Err(E::InvalidSurvey { .. })
    ));
    // Single-PSU stratum: "fail" is an error naming the stratum; "adjust"/"certainty" work.
    let mut one = df.clone();
    one.with_column(col_f64("psu", vec![Some(1.0); 6])).unwrap();
    let e = domain_means(
        &one,
        &d.clone().lonely(LonelyPsu::Fail),
        &["y"],
        Method::Taylor,
        0,
        0,
    )
    .unwrap_err();
    assert!(e.to_string().contains("stratum 1"), "{e}");
    for l in [LonelyPsu::Adjust, LonelyPsu::Certainty] {
        let m = domain_means(&one, &d.clone().lonely(l), &["y"], Method::Taylor, 0, 0).unwrap();
        assert!(m.se.iter().all(|s| s.is_finite()));
        let m = domain_means(&one, &d.clone().lonely(l), &["y"], Method::Bootstrap, 20, 1).unwrap();
        assert!(m.se.iter().all(|s| s.is_finite()));
    }
    assert!(matches!(
        domain_means(&one, &d, &["y"], Method::Jackknife, 0, 0),
        Err(E::InvalidSurvey { .. })
    ));
    // Missing design values.
    let mut nd = df.clone();
    nd.with_column(col_str(
        "province",
        &[
            Some("1"),
            None,
            Some("1"),
            Some("66"),
            Some("66"),
            Some("66"),
        ],
    ))
    .unwrap();
    let e = domain_means(&nd, &d, &["y"], Method::Taylor, 0, 0).unwrap_err();
    assert!(
        e.to_string().contains("province") && e.to_string().contains("row 1"),
        "{e}"
    );
    // Bad options.
    assert!(matches!(
        domain_means(&df, &d, &["y"], Method::Bootstrap, 1, 0),
        Err(E::InvalidArgument { .. })
    ));
    assert!(Method::parse("bogus").is_err());
    assert!(LonelyPsu::parse("bogus").is_err());
    assert!(estimate::t_quantile(1.5, 3.0).is_err());
    // FPC not constant in a stratum.
    let mut f = df.clone();
    f.with_column(col_f64(
        "fpc",
        vec![
            Some(10.0),
            Some(11.0),
            Some(10.0),
            Some(5.0),
            Some(5.0),
            Some(5.0),
        ],
    ))
    .unwrap();
    assert!(matches!(
        domain_means(&f, &d.clone().fpc("fpc"), &["y"], Method::Taylor, 0, 0),
        Err(E::InvalidSurvey { .. })
    ));
}

#[test]
fn scoring_errors_name_columns_and_domains() {
    use crate::PapiError as E;
    let fw = builtin(2023).unwrap();
    let df = synthetic::synthetic_survey(2023, 0, 0.3).unwrap();
    // A framework item column that is missing.
    let first = fw.indicators().next().unwrap().2.items[0].clone();
    let less = df.drop(&first).unwrap();
    let e = score(&less, &papi_design(), &fw, &opts(Method::Taylor, 10, 0.9)).unwrap_err();
    assert!(
        matches!(&e, E::MissingColumn { column, .. } if column.contains(&first)),
        "{e}"
    );
    // A domain that is not a province.
    let mut bad = df.clone();
    let n = bad.height();
    bad.with_column(col_str("region", &vec![Some("north"); n]))
        .unwrap();
    let e = score(
        &bad,
        &papi_design().clone_with_domain("region"),
        &fw,
        &opts(Method::Taylor, 10, 0.9),
    )
    .unwrap_err();
    assert!(e.to_string().contains("north"), "{e}");
    // An out-of-scale answer in a mean item.
    let mean_item = fw.indicators().find_map(|(_, _, i)| match &i.recipe {
        Some(crate::recipe::Recipe::Mean { item, max, .. }) if *max < 50.0 => Some(item.clone()),
        _ => None,
    });
    if let Some(item) = mean_item {
        let mut m = df.clone();
        let mut v = crate::frame::f64_col(&m, &item).unwrap();
        v[3] = Some(77.0);
        m.with_column(col_f64(&item, v)).unwrap();
        let e = score(&m, &papi_design(), &fw, &opts(Method::Taylor, 10, 0.9)).unwrap_err();
        assert!(
            e.to_string().contains(&item) && e.to_string().contains("row 3"),
            "{e}"
        );
    }
}

impl Design {
    fn clone_with_domain(&self, d: &str) -> Design {
        let mut x = self.clone();
        x.domain = d.into();
        x.strata = None;
        x
    }
}

/// The fused replicate kernel (PSU factors -> ratio estimates -> index, variance accumulated on
/// the fly around the full-sample estimate) against the plain path: replicate indicator estimates
/// from (R x PSU) . (PSU x item) products per province (`replicate::replicate_estimates`), each
/// replicate put through `index::evaluate`, SEs from the stored draws (`replicate::rep_se`, two
/// passes). Also: the kept total/dimension draws are the first measures of the recomputed draws,
/// bit for bit.
#[test]
fn replicate_kernel_matches_the_plain_path() {
    let df = synthetic::synthetic_survey(2023, 3, 0.3).unwrap();
    let fw = builtin(2023).unwrap();
    let design = papi_design();
    let ix = IndexedDesign::new(&df, &design).unwrap();
    let plan = index::Plan::from_framework(&fw).unwrap();
    let cells = score::indicator_cells(&df, &ix, &plan).unwrap();
    let full = cells.estimates();
    for (method, norm) in [
        (Method::Bootstrap, Normalisation::Goalposts),
        (Method::Bootstrap, Normalisation::MinMax),
        (Method::Bootstrap, Normalisation::ZScore),
        (Method::Jackknife, Normalisation::Goalposts),
    ] {
        let mut o = opts(method, 70, 0.9);
        o.normalisation = norm;
        let s = score(&df, &design, &fw, &o).unwrap();
        let f = match method {
            Method::Jackknife => replicate::jackknife(&ix).unwrap(),
            _ => replicate::bootstrap(&ix, 70, 1).unwrap(),
        };
        let rep_ind = replicate::replicate_estimates(&cells, &f, &full);
        let r = rep_ind.shape()[0];
        let draws = s.draws().unwrap().unwrap();
        assert_eq!(draws.shape(), &[r, s.measures.len(), 63]);
        let mut max_diff = 0.0f64;
        for i in 0..r {
            let (e, _) =
                index::evaluate(&plan, rep_ind.index_axis(ndarray::Axis(0), i), norm).unwrap();
            for (x, y) in e.iter().zip(draws.index_axis(ndarray::Axis(0), i).iter()) {
                assert_eq!(x.is_nan(), y.is_nan());
                if !x.is_nan() {
                    max_diff = max_diff.max((x - y).abs() / x.abs().max(1.0));
                }
            }
        }
        assert!(max_diff < 1e-12, "{method:?} {norm:?}: {max_diff}");
        let se = replicate::rep_se(draws, &s.estimate, f.scale, &f.rscales, f.mse);
        for (a, b) in se.iter().zip(s.se.iter()) {
            assert!(
                (a - b).abs() <= 1e-10 * a.abs().max(1e-12),
                "{method:?} {norm:?}: {a} {b}"
            );
        }
        if let Some(h) = &s.head {
            assert_eq!(h.shape()[1], 9);
            for i in 0..r {
                for j in 0..9 {
                    for d in 0..63 {
                        assert_eq!(h[[i, j, d]].to_bits(), draws[[i, j, d]].to_bits());
                    }
                }
            }
        } else {
            assert_eq!(method, Method::Jackknife);
        }
    }
}

/// Rank statistics from the integer-key ranker equal a direct count (rank = 1 + number of
/// provinces with a strictly higher value) on draws with exact ties, near-ties and missing values:
/// rank intervals, P(rank <= 20) and P(in the point-estimate group, with the group sizes of the
/// provinces ranked in that draw).
#[test]
fn ranks_are_exact_with_ties_and_near_ties() {
    let df = synthetic::synthetic_survey(2023, 5, 0.3).unwrap();
    let fw = builtin(2023).unwrap();
    let mut s = score(&df, &papi_design(), &fw, &opts(Method::Bootstrap, 40, 0.9)).unwrap();
    // Plant ties and values one ulp apart in the kept total draws.
    let h = s.head.as_mut().unwrap();
    for i in 0..40 {
        let base = h[[i, 0, 0]];
        h[[i, 0, 1]] = base;
        h[[i, 0, 2]] = f64::from_bits(base.to_bits() + 1);
        h[[i, 0, 3]] = f64::from_bits(base.to_bits() - 1);
        h[[i, 0, 4]] = h[[i, 0, 5]];
        // Signed zeros are equal values (a tie).
        h[[i, 0, 6]] = 0.0;
        h[[i, 0, 7]] = -0.0;
        // Some draws miss four provinces: the others are ranked among 59, whose group sizes
        // (15/15/14/15) differ from those of 63 (16/16/15/16).
        if i % 7 == 0 {
            for q in 9..13 {
                h[[i, 0, q]] = f64::NAN;
            }
        }
    }
    let stats = s.ranks_of(&[0], 0.9, Some(20)).unwrap();
    let h = s.head.as_ref().unwrap();
    let point: Vec<Option<f64>> = (0..63).map(|p| Some(s.estimate[[0, p]])).collect();
    let point_rank = crate::rank::rank_desc(&point);
    for d in 0..63 {
        let point_group = crate::rank::group_of_rank(point_rank[d].unwrap(), 63);
        let (mut ranks, mut in_group) = (Vec::new(), 0);
        for i in 0..40 {
            let v = h[[i, 0, d]];
            if v.is_nan() {
                continue;
            }
            let nr = (0..63).filter(|&q| !h[[i, 0, q]].is_nan()).count();
            let rk = 1 + (0..63).filter(|&q| h[[i, 0, q]] > v).count() as u32;
            if crate::rank::group_of_rank(rk, nr) == point_group {
                in_group += 1;
            }
            ranks.push(rk);
        }
        let n = ranks.len();
        let top = ranks.iter().filter(|&&r| r <= 20).count() as f64 / n as f64;
        ranks.sort_unstable();
        let st = &stats[d];
        let q = |p: f64| Some(ranks[(p * (n - 1) as f64).round() as usize]);
        assert_eq!(st.rank_low, q(0.05), "{d}");
        assert_eq!(st.rank_high, q(0.95), "{d}");
        assert_eq!(st.p_top, Some(top), "{d}");
        assert_eq!(st.p_group, Some(in_group as f64 / n as f64), "{d}");
    }
}

/// Taylor/jackknife rank draws are made per measure from the measure's own stream: the rank
/// statistics of a measure do not depend on which measures were asked for before, and only the
/// asked-for measures get draws.
#[test]
fn normal_rank_draws_are_per_measure_and_order_free() {
    let df = synthetic::synthetic_survey(2023, 2, 0.3).unwrap();
    let fw = builtin(2023).unwrap();
    let a = score(&df, &papi_design(), &fw, &opts(Method::Taylor, 200, 0.9)).unwrap();
    let b = a.clone();
    let total_first = a.ranks_of(&[0], 0.9, Some(5)).unwrap();
    assert_eq!(
        a.normal_draws.iter().filter(|c| c.get().is_some()).count(),
        1
    );
    let all = b.ranks(0.9, Some(5)).unwrap();
    assert_eq!(
        b.normal_draws.iter().filter(|c| c.get().is_some()).count(),
        a.measures.len()
    );
    assert_eq!(total_first, all[..63].to_vec());
    let d = a.normal_draws[0].get().unwrap();
    assert_eq!(d.dim(), (200, 63));
    // Centred on the estimate with the SE as spread (200 draws: within 4 standard errors).
    for p in 0..63 {
        let col: Vec<f64> = (0..200).map(|i| d[[i, p]]).collect();
        let mean = col.iter().sum::<f64>() / 200.0;
        assert!((mean - a.estimate[[0, p]]).abs() < 4.0 * a.se[[0, p]] / 200f64.sqrt());
    }
}

/// Rank intervals of the bootstrap counted in the fused kernel pass (replicates recomputed and
/// ranked, never stored) equal those counted from the stored replicates, in any thread count;
/// asking level by level gives what asking for all at once gives (the histograms are cached).
#[test]
fn fused_rank_pass_equals_ranking_stored_replicates() {
    let df = synthetic::synthetic_survey(2023, 11, 0.3).unwrap();
    let fw = builtin(2023).unwrap();
    let fresh = score(&df, &papi_design(), &fw, &opts(Method::Bootstrap, 70, 0.9)).unwrap();
    let stored = fresh.clone();
    stored.draws().unwrap();
    let want = stored.ranks(0.9, Some(12)).unwrap();
    assert!(stored.all_draws.get().is_some());
    for threads in [1, 2, 3] {
        let s = fresh.clone();
        let got = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let mut all = Vec::new();
                for lv in [
                    crate::scores::Level::Total,
                    crate::scores::Level::Dimension,
                    crate::scores::Level::Subdimension,
                    crate::scores::Level::Indicator,
                ] {
                    all.extend(s.ranks_of(&s.level_measures(lv), 0.9, Some(12)).unwrap());
                }
                all
            });
        // The fused pass stores no replicates.
        assert!(s.all_draws.get().is_none(), "{threads}");
        assert_eq!(got, want, "{threads} threads");
        // Cached: the same again, and at another level / top read off the same histograms.
        assert_eq!(s.ranks(0.9, Some(12)).unwrap(), want);
        assert_eq!(
            s.ranks(0.8, None).unwrap(),
            stored.ranks(0.8, None).unwrap()
        );
    }
    // The rank draws are what the SEs are made of: some indicator ranks vary.
    assert!(want.iter().any(|r| r.rank_low != r.rank_high));
}

/// `rank_all`: every measure's replicates ranked into its histogram during the scoring pass give
/// the same histograms (hence rank intervals) as ranking on demand afterwards, and scores, SEs and
/// kept replicates bit-identical to scoring without it, in any thread count; no second pass.
#[test]
fn ranking_in_the_scoring_pass_equals_ranking_on_demand() {
    let df = synthetic::synthetic_survey(2023, 5, 0.3).unwrap();
    let fw = builtin(2023).unwrap();
    let plain = score(&df, &papi_design(), &fw, &opts(Method::Bootstrap, 70, 0.9)).unwrap();
    let want = plain.ranks(0.9, Some(12)).unwrap();
    for threads in [1, 2, 3] {
        let o = ScoreOptions {
            rank_all: true,
            ..opts(Method::Bootstrap, 70, 0.9)
        };
        let s = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| score(&df, &papi_design(), &fw, &o).unwrap());
        // Counted while scoring: every histogram is there before any ranks() call.
        assert!(s.rank_counts.iter().all(|c| c.get().is_some()), "{threads}");
        // Same estimates, SEs, kept replicates and histograms (the whole result) as on demand.
        assert_eq!(s, plain, "{threads} threads");
        assert_eq!(s.ranks(0.9, Some(12)).unwrap(), want);
        assert!(s.all_draws.get().is_none());
    }
    // Normal rank draws (jackknife): the option changes nothing.
    let jk = ScoreOptions {
        rank_all: true,
        ..opts(Method::Jackknife, 70, 0.9)
    };
    let a = score(&df, &papi_design(), &fw, &jk).unwrap();
    assert!(a.rank_counts.iter().all(|c| c.get().is_none()));
    assert!(super::parse_rank_all(Some("all")).unwrap());
    assert!(!super::parse_rank_all(None).unwrap());
    match super::parse_rank_all(Some("every")) {
        Err(crate::PapiError::InvalidArgument { argument, .. }) => assert_eq!(argument, "ranks"),
        other => panic!("{other:?}"),
    }
}

/// Issue 14: a request whose replicates would not fit in memory is refused, naming the argument,
/// before anything is allocated (10^9 bootstrap replicates of 207 PSUs would need 1.6 TB; Taylor
/// rank draws 504 GB).
#[test]
fn huge_replicate_requests_are_refused_before_allocating() {
    use crate::survey::replicate::{MAX_REPLICATES, check_replicates};
    assert!(check_replicates(MAX_REPLICATES).is_ok());
    for n in [0, 1, MAX_REPLICATES + 1, 1_000_000_000] {
        match check_replicates(n) {
            Err(crate::PapiError::InvalidArgument { argument, .. }) => {
                assert_eq!(argument, "replicates")
            }
            other => panic!("{n}: {other:?}"),
        }
    }
}
