//! Issue 14's reproducers, fixed in the core: each gives a typed error naming the culprit, or a
//! documented result (domains of one province merged, with a note).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use papikit_core::analysis::merge::explicit_weights;
use papikit_core::framework::{Framework, builtin};
use papikit_core::rank::rank_frame;
use papikit_core::recipe::Recipe;
use papikit_core::scores::{Level, ScoreTable};
use papikit_core::simulation::sensitivity::sensitivity;
use papikit_core::survey::synthetic::synthetic_survey;
use papikit_core::survey::{Design, Method, ScoreOptions, score};
use papikit_core::{Lang, PapiError};
use polars::prelude::*;

fn spec() -> serde_json::Value {
    serde_json::from_str(&builtin(2023).unwrap().to_json().unwrap()).unwrap()
}

fn kinds(e: &PapiError) -> Vec<&'static str> {
    e.problems().iter().map(|p| p.kind).collect()
}

#[test]
fn misspelt_keys_are_parse_errors_naming_the_key() {
    let mut s = spec();
    s["dimensions"][0]["subdimensions"][0]["indicatorz"] = serde_json::json!([]);
    let e = Framework::from_json(&s.to_string()).unwrap_err();
    assert!(matches!(e, PapiError::FrameworkParse { .. }), "{e:?}");
    assert!(e.to_string().contains("indicatorz"), "{e}");
}

#[test]
fn total_code_and_share_without_yes_codes_are_rejected() {
    let mut s = spec();
    s["dimensions"][0]["code"] = "total".into();
    s["dimensions"][1]["subdimensions"][0]["indicators"][0]["recipe"]["codes"] =
        serde_json::json!([]);
    let e = Framework::from_json(&s.to_string()).unwrap_err();
    let k = kinds(&e);
    assert!(k.contains(&"reserved_code"), "{k:?}");
    assert!(k.contains(&"recipe_no_yes_codes"), "{k:?}");
}

#[test]
fn undeclared_answer_codes_are_errors_naming_column_and_row() {
    let r: Recipe = serde_json::from_str(r#"{"kind":"share","item":"q","codes":[1]}"#).unwrap();
    let df = df!("q" => [1.0, 2.0, 98.0, 7.0]).unwrap();
    match r.values(&df).unwrap_err() {
        PapiError::InvalidSurvey { location, message } => {
            assert_eq!(location, "column \"q\", row 3");
            assert!(message.contains("answer code 7"), "{message}");
        }
        e => panic!("{e:?}"),
    }
    // a declared "no" code counts as no
    let r: Recipe =
        serde_json::from_str(r#"{"kind":"share","item":"q","codes":[1],"no":[2,7]}"#).unwrap();
    let v = r.values(&df).unwrap();
    assert_eq!((v[0], v[1], v[3]), (100.0, 0.0, 0.0));
    assert!(v[2].is_nan());
}

#[test]
fn a_province_named_twice_in_weights_is_an_error_naming_both() {
    let e = explicit_weights(&[("Hà Nội".into(), 1.0), ("1".into(), 2.0)]).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("Hà Nội") && text.contains("\"1\""), "{text}");
    // the same answer whatever the order
    let e2 = explicit_weights(&[("1".into(), 2.0), ("Hà Nội".into(), 1.0)]).unwrap_err();
    assert_eq!(e, e2);
}

fn papi_design() -> Design {
    let mut d = Design::new("province");
    d.strata = Some("district".into());
    d.psu = Some("commune".into());
    d.weight = Some("weight".into());
    d
}

fn taylor() -> ScoreOptions {
    ScoreOptions {
        method: Method::Taylor,
        replicates: 50,
        ..ScoreOptions::default()
    }
}

#[test]
fn score_year_outside_the_framework_is_an_error() {
    let df = synthetic_survey(2023, 1, 0.05).unwrap();
    let opts = ScoreOptions {
        year: Some(1999),
        ..taylor()
    };
    match score(&df, &papi_design(), &builtin(2023).unwrap(), &opts).unwrap_err() {
        PapiError::InvalidArgument { argument, message } => {
            assert_eq!(argument, "year");
            assert!(message.contains("1999"));
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn labels_of_one_province_are_merged_before_grouping() {
    let df = synthetic_survey(2023, 1, 0.05).unwrap();
    let n = df.height();
    let codes: Vec<i64> = df
        .column("province")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let labels: Vec<String> = codes
        .iter()
        .enumerate()
        .map(|(i, &c)| match (c, i % 2) {
            (1, 0) => "Hà Nội".to_string(),
            (1, _) => "Ha Noi".to_string(),
            (2, 0) => " 2".to_string(),
            _ => c.to_string(),
        })
        .collect();
    let mut df = df;
    df.with_column(Column::new("province".into(), labels))
        .unwrap();
    assert_eq!(df.height(), n);
    let fw = builtin(2023).unwrap();
    let s = score(&df, &papi_design(), &fw, &taylor()).unwrap();
    assert_eq!(s.provinces.len(), 63);
    let mut p = s.provinces.clone();
    p.sort_unstable();
    p.dedup();
    assert_eq!(p.len(), 63);
    assert_eq!(s.domain_merges.len(), 2, "{:?}", s.domain_merges);
    assert!(
        s.domain_merges
            .iter()
            .any(|m| m.contains("Ha Noi") && m.ends_with("province 1"))
    );
    assert!(
        s.domain_merges
            .iter()
            .any(|m| m.contains("\" 2\"") && m.ends_with("province 2"))
    );
}

#[test]
fn sensitivity_at_a_level_the_table_lacks_is_an_error() {
    let t = ScoreTable::from_published(2023).unwrap();
    match sensitivity(&t, 66, Some(Level::Indicator), 3).unwrap_err() {
        PapiError::InvalidArgument { argument, .. } => assert_eq!(argument, "level"),
        e => panic!("{e:?}"),
    }
}

#[test]
fn score_tables_check_their_province_codes() {
    let mut t = ScoreTable::from_published(2023).unwrap();
    t.provinces[0] = 999;
    match t.validate().unwrap_err() {
        PapiError::InvalidArgument { argument, message } => {
            assert_eq!(argument, "provinces[0]");
            assert!(message.contains("999"));
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn rows_without_a_group_are_not_ranked_within_groups() {
    let df = df!(
        "total" => [1.0, 2.0, 3.0, 4.0],
        "region" => [None, None, Some("a"), Some("a")]
    )
    .unwrap();
    let out = rank_frame(&df, "total", Some("region"), Lang::En).unwrap();
    let within = out
        .get_column_names()
        .into_iter()
        .find(|c| c.ends_with("rank_within"))
        .unwrap()
        .to_string();
    let r: Vec<Option<u32>> = out
        .column(&within)
        .unwrap()
        .cast(&DataType::UInt32)
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(r, vec![None, None, Some(2), Some(1)]);
}
