//! Fuzzers (proptest) for the parsers and validators that read user input: framework JSON, TOML
//! and flat tables, recipes, design indexing, weight mappings and the province lookup.
//!
//! The oracle is the same everywhere: a call returns `Ok` or a typed `PapiError`; it never panics
//! (a panic fails the case). Short mode (default, CI) runs `SHORT` cases per property; set
//! `PAPIKIT_FUZZ=long` for `LONG` cases (minutes). `planted_panic_is_caught` shows the oracle can
//! fail: a planted panic is found and reported by the same runner.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use papikit_core::analysis::merge::{explicit_weights, merged};
use papikit_core::framework::{FlatRow, Framework, builtin};
use papikit_core::recipe::Recipe;
use papikit_core::registry::registry;
use papikit_core::survey::{Design, IndexedDesign, Method, domain_means};
use papikit_core::{PapiError, Result};
use polars::prelude::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::panic::{AssertUnwindSafe, catch_unwind};

const SHORT: u32 = 48;
const LONG: u32 = 5_000;

fn cases() -> u32 {
    if std::env::var("PAPIKIT_FUZZ").as_deref() == Ok("long") {
        LONG
    } else {
        SHORT
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The oracle: `f` returns `Ok` or a typed error; a panic fails the case.
fn typed<T>(f: impl FnOnce() -> Result<T>) -> std::result::Result<Option<T>, TestCaseError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(Some(v)),
        Ok(Err(e)) => {
            // every error names something and says what to do: never an empty message
            prop_assert!(!e.to_string().trim().is_empty(), "empty message: {e:?}");
            Ok(None)
        }
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(TestCaseError::fail(format!("panic: {what}")))
        }
    }
}

fn builtin_json() -> String {
    builtin(2023).unwrap().to_json().unwrap()
}

/// Text edits: delete, insert or replace a character at a position.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, char),
    Replace(usize, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    let c = prop_oneof![
        Just('"'),
        Just('{'),
        Just('}'),
        Just('['),
        Just(']'),
        Just(','),
        Just(':'),
        Just('0'),
        Just('-'),
        Just('z'),
        Just('='),
        Just('\n'),
        any::<char>(),
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), c.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (any::<usize>(), c).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len().max(1);
        match *e {
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i % chars.len());
            }
            Edit::Insert(i, c) => chars.insert(i % (n + 1).min(chars.len() + 1), c),
            Edit::Replace(i, c) if !chars.is_empty() => {
                let k = i % chars.len();
                chars[k] = c;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn framework_json_never_panics(text in ".{0,200}") {
        typed(|| Framework::from_json(&text))?;
    }

    #[test]
    fn framework_toml_never_panics(text in ".{0,200}") {
        typed(|| Framework::from_toml(&text))?;
    }

    /// A valid framework with random edits: parsed and validated, or a typed error. Whatever parses
    /// also validates (no half-checked framework gets out).
    #[test]
    fn edited_framework_json_is_parsed_or_rejected(edits in prop::collection::vec(edit(), 1..6)) {
        let text = apply(&builtin_json(), &edits);
        if let Some(fw) = typed(|| Framework::from_json(&text))? {
            prop_assert!(fw.validate().is_ok());
            prop_assert!(fw.indicators().count() > 0);
        }
    }

    #[test]
    fn edited_framework_toml_is_parsed_or_rejected(edits in prop::collection::vec(edit(), 1..6)) {
        let toml = builtin(2023).unwrap().to_toml().unwrap();
        let text = apply(&toml, &edits);
        if let Some(fw) = typed(|| Framework::from_toml(&text))? {
            prop_assert!(fw.validate().is_ok());
        }
    }

    /// A misspelt key anywhere is an error, never silently dropped.
    #[test]
    fn unknown_keys_are_errors(pos in any::<usize>()) {
        let json = builtin_json();
        let keys: Vec<usize> = json.match_indices("\"code\":").map(|(i, _)| i).collect();
        let at = keys[pos % keys.len()];
        let text = format!("{}\"codez\":\"x\",{}", &json[..at], &json[at..]);
        let r = Framework::from_json(&text);
        prop_assert!(matches!(r, Err(PapiError::FrameworkParse { .. })), "{r:?}");
    }

    #[test]
    fn flat_tables_never_panic(rows in prop::collection::vec(flat_row(), 0..12), a in 1990u16..2040, b in 1990u16..2040) {
        typed(|| Framework::from_flat("fuzz", a, b, &rows))?;
    }

    /// Recipes from arbitrary JSON, evaluated on random answers: values are NaN or in the range.
    #[test]
    fn recipes_are_parsed_and_evaluated_or_rejected(
        kind in prop_oneof![Just("share"), Just("mean"), Just("count_yes"), Just("other")],
        codes in prop::collection::vec(-3i64..120, 0..4),
        no in prop::option::of(prop::collection::vec(-3i64..120, 0..3)),
        min in -5.0f64..5.0, span in -1.0f64..20.0,
        answers in prop::collection::vec(prop_oneof![Just(f64::NAN), -2.0f64..110.0, Just(98.0), Just(1.0), Just(2.0)], 1..30),
        extra in prop::option::of("[a-z]{1,6}"),
    ) {
        let mut v = serde_json::json!({"kind": kind, "item": "q", "items": ["q", "q2"], "codes": codes,
            "yes": codes, "min": min, "max": min + span});
        if let Some(n) = &no { v["no"] = serde_json::json!(n); }
        if let Some(k) = &extra { v[k.as_str()] = serde_json::json!(1); }
        let Ok(recipe) = serde_json::from_value::<Recipe>(v) else { return Ok(()); };
        let df = df!("q" => answers.clone(), "q2" => answers.clone()).unwrap();
        if let Some(vals) = typed(|| recipe.values(&df))? {
            let (lo, hi) = recipe.range();
            prop_assert_eq!(vals.len(), answers.len());
            for x in vals {
                prop_assert!(x.is_nan() || (lo <= x && x <= hi), "{x} outside {lo}..{hi}");
            }
        }
    }

    /// Design indexing and domain means on tiny, degenerate tables (nulls, one PSU, NaN/negative/inf
    /// weights, text or float labels).
    #[test]
    fn design_indexing_never_panics(
        n in 1usize..14,
        dom in prop::collection::vec(prop::option::of(0i64..4), 14),
        psu in prop::collection::vec(0i64..5, 14),
        strata in prop::collection::vec(0i64..3, 14),
        w in prop::collection::vec(prop_oneof![Just(f64::NAN), Just(-1.0), Just(0.0), Just(f64::INFINITY), 0.1f64..5.0, Just(-0.0)], 14),
        y in prop::collection::vec(prop_oneof![Just(f64::NAN), -1e300f64..1e300, Just(0.0)], 14),
        text_domain in any::<bool>(),
        use_strata in any::<bool>(),
        use_weight in any::<bool>(),
        method in prop_oneof![Just(Method::Taylor), Just(Method::Bootstrap), Just(Method::Jackknife), Just(Method::Supplied)],
    ) {
        let d = Series::new("d".into(), &dom[..n]);
        let d = if text_domain { d.cast(&DataType::String).unwrap() } else { d };
        let df = DataFrame::new_infer_height(vec![
            d.into(),
            Series::new("p".into(), &psu[..n]).into(),
            Series::new("s".into(), &strata[..n]).into(),
            Series::new("w".into(), &w[..n]).into(),
            Series::new("y".into(), &y[..n]).into(),
        ]).unwrap();
        let mut design = Design::new("d");
        design.psu = Some("p".into());
        if use_strata { design.strata = Some("s".into()); }
        if use_weight { design.weight = Some("w".into()); }
        if let Some(ix) = typed(|| IndexedDesign::new(&df, &design))? {
            prop_assert_eq!(ix.domain_of_row.len(), n);
            prop_assert!(ix.domain_of_row.iter().all(|&d| (d as usize) < ix.n_domains()));
        }
        typed(|| domain_means(&df, &design, &["y"], method, 20, 7))?;
    }

    /// Weight mappings: names, codes, aliases and garbage with any weight; two keys naming one
    /// province are always an error.
    #[test]
    fn weight_mappings_never_panic(
        keys in prop::collection::vec(prop_oneof![
            Just("Hà Nội".to_string()), Just("Ha Noi".to_string()), Just("1".to_string()),
            Just("Phú Yên".to_string()), Just("54".to_string()), Just("Đắk Lắk".to_string()),
            Just("66".to_string()), Just("999".to_string()), Just("".to_string()), ".{0,8}"], 0..8),
        weights in prop::collection::vec(prop_oneof![Just(f64::NAN), Just(-1.0), Just(f64::INFINITY), 0.0f64..10.0], 8),
    ) {
        let pairs: Vec<(String, f64)> = keys.iter().cloned().zip(weights).collect();
        let reg = registry().unwrap();
        let codes: Vec<u16> = keys.iter().filter_map(|k| reg.lookup(k).ok().map(|p| p.code)).collect();
        let mut uniq = codes.clone();
        uniq.sort_unstable();
        uniq.dedup();
        let all_known = codes.len() == keys.len();
        match typed(|| explicit_weights(&pairs))? {
            Some(w) => {
                prop_assert!(uniq.len() == codes.len() && all_known);
                typed(|| merged(2023, &w))?;
            }
            None => prop_assert!(uniq.len() != codes.len() || !all_known),
        }
    }

    /// The lookup never panics; a province's name in any case, with or without diacritics, and its
    /// code all resolve to that province.
    #[test]
    fn province_lookup(query in ".{0,24}", i in 0usize..63, upper in any::<bool>()) {
        let reg = registry().unwrap();
        typed(|| reg.lookup(&query).map(|p| p.code))?;
        typed(|| reg.lookup_unit(&query).map(|u| u.code))?;
        let p = &reg.provinces[i % reg.provinces.len()];
        let name = if upper { p.name_vi.to_uppercase() } else { p.name_en.to_lowercase() };
        prop_assert_eq!(reg.lookup(&name).unwrap().code, p.code);
        prop_assert_eq!(reg.lookup(&p.code.to_string()).unwrap().code, p.code);
    }
}

fn flat_row() -> impl Strategy<Value = FlatRow> {
    let word = prop_oneof![
        Just(String::new()),
        Just("d1".to_string()),
        Just("s1".to_string()),
        Just("total".to_string()),
        "[a-z0-9_]{1,5}"
    ];
    let level = prop_oneof![
        Just("dimension".to_string()),
        Just("subdimension".to_string()),
        Just("indicator".to_string()),
        ".{0,6}"
    ];
    let recipe = prop_oneof![
        Just(String::new()),
        Just(r#"{"kind":"share","item":"q","codes":[1]}"#.to_string()),
        Just(r#"{"kind":"share","item":"q","codes":[]}"#.to_string()),
        Just(r#"{"kind":"mean","item":"q","min":5,"max":1}"#.to_string()),
        ".{0,20}"
    ];
    (
        word.clone(),
        word.clone(),
        level,
        word,
        ".{0,6}",
        recipe,
        -5.0f64..20.0,
    )
        .prop_map(|(code, parent, level, number, name, recipe, min)| FlatRow {
            code,
            parent,
            level,
            number,
            name_vi: name.clone(),
            name_en: name,
            direction: "higher_is_better".into(),
            unit: "share_pct".into(),
            evidence: String::new(),
            items: "q".into(),
            recipe,
            min,
            max: min + 1.0,
        })
}

/// A function with a planted panic (only for inputs above 1000), standing in for a bug.
fn planted(x: u32) -> Result<u32> {
    if x > 1000 {
        panic!("planted panic for {x}");
    }
    Ok(x)
}

/// The oracle can fail: the runner finds the planted panic and reports the case.
#[test]
fn planted_panic_is_caught() {
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = runner.run(&(0u32..100_000), |x| typed(|| planted(x)).map(|_| ()));
    std::panic::set_hook(prev);
    let err = r.expect_err("the fuzzer must catch the planted panic");
    assert!(err.to_string().contains("planted panic"), "{err}");
}
