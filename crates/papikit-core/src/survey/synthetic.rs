//! A synthetic PAPI survey, shaped like the real one and calibrated to a year's published scores.
//!
//! **Design** (PAPI FAQ, see research/papi-methodology.md §3): 63 provinces; in each, the capital
//! district plus PPS districts — 3 districts in the 57 small provinces, 6 in Hà Nội, TP HCM, Thanh
//! Hóa, Nghệ An, An Giang and Tiền Giang; 2 communes per district, 2 villages per commune, 16
//! respondents per village (24 in Hà Nội and TP HCM). The published samples of 2021-2024 are larger
//! than these quotas give (13,632), so quotas are multiplied by `respondents(year) / 13,632` when the
//! year's sample size is known (2023: 19,536 -> 23 and 34 per village, 19,572 rows), then by `scale`
//! (`scale = 50` gives ~1M rows). Strata = province (`province`), PSU = district (`district`,
//! unique codes), `commune`/`village` ids, `district_type` ("capital"/"pps").
//!
//! **Answers**: every item the framework's recipes read. For a province with published score T on a
//! dimension, every indicator of that dimension has expected normalised (goalpost) value
//! u = (T - 1)/9, so the dimension's expected score is T. Answers are drawn with district and village
//! effects that keep the expectation exact (p -> p + a(2U - 1)min(p, 1 - p) at each level), so the
//! data are clustered like a real survey; 3 % "don't know" (98) answers where the recipe excludes 98.
//! Provinces without a published score take the national mean of that dimension.
//!
//! **Weights**: post-stratification-like — respondents fall in sex x age cells with a sample mix that
//! over-represents women and older people; weight = province adult population / province sample x
//! population share / sample share of the cell. Answers are independent of the cells, so weights do
//! not shift the expectation.
//!
//! Deterministic for a seed: province p uses ChaCha8 stream p.

use crate::error::{PapiError, Result};
use crate::frame;
use crate::framework::{Direction, Framework};
use crate::published;
use crate::recipe::Recipe;
use crate::registry::registry;
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

const BASE_SAMPLE: f64 = 13_632.0;
const LARGE: [u16; 2] = [1, 79];
const MEDIUM: [u16; 4] = [38, 40, 82, 89];
/// District and village effect sizes (see module docs).
const DISTRICT_EFFECT: f64 = 0.25;
const VILLAGE_EFFECT: f64 = 0.25;
const DONT_KNOW: f64 = 0.03;
/// (share in sample, share in population) of sex x age cells.
const SEX: [(f64, f64); 2] = [(0.45, 0.49), (0.55, 0.51)];
const AGE: [(f64, f64); 3] = [(0.25, 0.38), (0.45, 0.40), (0.30, 0.22)];

/// How one item's answers are drawn.
#[derive(Debug, Clone, PartialEq)]
enum Gen {
    /// `yes` with probability p, else `no`.
    Binary { yes: i64, no: i64, dk: bool },
    /// min + Binomial(k, q).
    Scale { min: i64, k: u32, dk: bool },
    /// min + (max - min) U^(1/q - 1) (continuous, mean min + q(max - min)).
    Continuous { min: f64, max: f64 },
}

#[derive(Debug, Clone, PartialEq)]
struct ItemSpec {
    name: String,
    draw: Gen,
    /// Dimension index whose target drives the item (None = a condition item, p = 0.7).
    dim: Option<usize>,
    /// Position of the recipe value in its range: value(u) = lo + frac(u) (hi - lo).
    flip: bool,
    /// Index of the condition item and its codes.
    cond: Option<(usize, Vec<i64>)>,
}

fn other_code(codes: &[i64], exclude: &[i64]) -> i64 {
    [2, 0, 3, 4, 5, 6, 7, 8, 9]
        .into_iter()
        .find(|c| !codes.contains(c) && !exclude.contains(c))
        .unwrap_or(-1)
}

/// The generated items of one recipe and how each is drawn.
fn recipe_items(r: &Recipe) -> Vec<(&str, Gen)> {
    match r {
        Recipe::Share {
            item,
            codes,
            exclude,
            ..
        } => vec![(
            item.as_str(),
            Gen::Binary {
                yes: codes.first().copied().unwrap_or(1),
                no: other_code(codes, exclude),
                dk: exclude.contains(&98),
            },
        )],
        Recipe::Mean {
            item,
            min,
            max,
            exclude,
            ..
        } => {
            let k = max - min;
            let draw = if min.fract() == 0.0 && k.fract() == 0.0 && (1.0..=20.0).contains(&k) {
                Gen::Scale {
                    min: *min as i64,
                    k: k as u32,
                    dk: exclude.contains(&98) && *max < 98.0,
                }
            } else {
                Gen::Continuous {
                    min: *min,
                    max: *max,
                }
            };
            vec![(item.as_str(), draw)]
        }
        Recipe::CountYes {
            items,
            yes,
            exclude,
            ..
        } => items
            .iter()
            .map(|it| {
                (
                    it.as_str(),
                    Gen::Binary {
                        yes: yes.first().copied().unwrap_or(1),
                        no: other_code(yes, exclude),
                        dk: false,
                    },
                )
            })
            .collect(),
    }
}

fn applies_if(r: &Recipe) -> Option<&crate::recipe::Condition> {
    match r {
        Recipe::Share { applies_if, .. }
        | Recipe::Mean { applies_if, .. }
        | Recipe::CountYes { applies_if, .. } => applies_if.as_ref(),
    }
}

fn item_specs(fw: &Framework) -> Vec<ItemSpec> {
    let mut specs: Vec<ItemSpec> = Vec::new();
    let mut conds: Vec<(String, Vec<i64>)> = Vec::new();
    for (di, d) in fw.dimensions.iter().enumerate() {
        for s in &d.subdimensions {
            for ind in &s.indicators {
                let Some(r) = &ind.recipe else { continue };
                let flip = ind.direction == Direction::LowerIsBetter;
                let cond = applies_if(r);
                if let Some(c) = cond {
                    conds.push((c.item.clone(), c.codes.clone()));
                }
                for (name, draw) in recipe_items(r) {
                    if !specs.iter().any(|x| x.name == name) {
                        specs.push(ItemSpec {
                            name: name.to_string(),
                            draw,
                            dim: Some(di),
                            flip,
                            cond: cond.map(|c| (usize::MAX, c.codes.clone())),
                        });
                    }
                }
            }
        }
    }
    add_condition_items(&mut specs, &conds);
    resolve_conditions(fw, &mut specs);
    specs
}

/// Condition items not produced by an indicator: yes (first code) with p = 0.7, drawn first.
fn add_condition_items(specs: &mut Vec<ItemSpec>, conds: &[(String, Vec<i64>)]) {
    for (item, codes) in conds {
        if !specs.iter().any(|x| &x.name == item) {
            specs.insert(
                0,
                ItemSpec {
                    name: item.clone(),
                    draw: Gen::Binary {
                        yes: codes.first().copied().unwrap_or(1),
                        no: other_code(codes, &[]),
                        dk: false,
                    },
                    dim: None,
                    flip: false,
                    cond: None,
                },
            );
        }
    }
}

/// Resolve condition item positions; the condition must be drawn before the item (else none).
fn resolve_conditions(fw: &Framework, specs: &mut [ItemSpec]) {
    let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    let cond_items: Vec<(usize, String)> = fw
        .indicators()
        .filter_map(|(_, _, i)| {
            let r = i.recipe.as_ref()?;
            let c = applies_if(r)?;
            let first = r.items().first().map(|s| s.to_string())?;
            Some((names.iter().position(|n| *n == first)?, c.item.clone()))
        })
        .collect();
    for (pos, citem) in cond_items {
        let ci = names.iter().position(|n| *n == citem);
        if let (Some(ci), Some(spec)) = (ci, specs.get_mut(pos)) {
            if ci < pos {
                if let Some(c) = spec.cond.as_mut() {
                    c.0 = ci;
                }
            } else {
                spec.cond = None;
            }
        }
    }
    for s in specs.iter_mut() {
        if s.cond.as_ref().is_some_and(|c| c.0 == usize::MAX) {
            s.cond = None;
        }
    }
}

/// Per-province target dimension scores used to generate a year's synthetic survey ("truth"):
/// published where available, else the national mean of the dimension. (codes, dims x provinces).
pub fn targets(fw: &Framework, year: i64) -> Result<(Vec<u16>, Vec<Vec<f64>>)> {
    let rows = published::year_rows(year)?;
    let nd = fw.dimensions.len();
    let codes: Vec<u16> = rows.iter().map(|r| r.code).collect();
    let mut t = vec![vec![f64::NAN; codes.len()]; nd];
    for (k, tk) in t.iter_mut().enumerate() {
        let vals: Vec<f64> = rows
            .iter()
            .filter_map(|r| r.dims.get(k).copied().flatten())
            .collect();
        let mean = if vals.is_empty() {
            5.0
        } else {
            vals.iter().sum::<f64>() / vals.len() as f64
        };
        for (p, r) in rows.iter().enumerate() {
            tk[p] = r.dims.get(k).copied().flatten().unwrap_or(mean);
        }
    }
    Ok((codes, t))
}

fn perturb(p: f64, a: f64, rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = rng.random();
    p + a * (2.0 * u - 1.0) * p.min(1.0 - p)
}

/// A synthetic survey for `year` (published years) with the built-in framework of that year.
pub fn synthetic_survey(year: i64, seed: u64, scale: f64) -> Result<DataFrame> {
    let fw = crate::framework::builtin(year)?;
    synthetic_with(&fw, year, seed, scale)
}

/// A synthetic survey answering the items of `fw`, calibrated to `year`'s published scores.
pub fn synthetic_with(fw: &Framework, year: i64, seed: u64, scale: f64) -> Result<DataFrame> {
    if !(scale.is_finite() && scale > 0.0 && scale <= 1000.0) {
        return Err(PapiError::InvalidArgument {
            argument: "scale".into(),
            message: format!(
                "{scale}; use a positive number (1 = the real sample size, 50 = ~1M rows)"
            ),
        });
    }
    let y = published::check_year(year)?;
    let (codes, target) = targets(fw, year)?;
    let specs = item_specs(fw);
    if specs.is_empty() {
        return Err(PapiError::InvalidFramework {
            problems: vec![crate::error::Problem::new(
                "",
                "no_recipes",
                format!(
                    "framework {:?} has no recipes to generate answers for",
                    fw.name
                ),
            )],
        });
    }
    let factor = sample_factor(y)?;
    let per_prov: Vec<Province> = codes
        .par_iter()
        .enumerate()
        .map(|(pi, &code)| {
            let per_village = {
                let quota = if LARGE.contains(&code) { 24.0 } else { 16.0 };
                ((quota * factor * scale).round() as usize).max(1)
            };
            generate_province(
                code,
                &specs,
                &province_base(&specs, &target, pi),
                seed,
                per_village,
            )
        })
        .collect();
    assemble(&per_prov, &specs, y)
}

/// The year's published sample size relative to the base design (at least 1).
fn sample_factor(y: u16) -> Result<f64> {
    let sample = crate::csv::Table::parse(
        "papi_sample_sizes.csv",
        include_str!("../../data/papi_sample_sizes.csv"),
    )?;
    let (cy, cr) = (sample.col("survey_year")?, sample.col("respondents")?);
    Ok(sample
        .rows
        .iter()
        .find(|r| r[cy] == y.to_string())
        .and_then(|r| r[cr].parse::<f64>().ok())
        .map(|n| n / BASE_SAMPLE)
        .unwrap_or(1.0)
        .max(1.0))
}

/// The respondents of one province, column by column.
struct Province {
    code: u16,
    cols: Vec<Vec<Option<f64>>>,
    district: Vec<i32>,
    district_type: Vec<&'static str>,
    commune: Vec<i32>,
    village: Vec<i32>,
    sex: Vec<&'static str>,
    age: Vec<&'static str>,
    cellw: Vec<f64>,
}

/// Province-level answer probability of each item.
fn province_base(specs: &[ItemSpec], target: &[Vec<f64>], pi: usize) -> Vec<f64> {
    specs
        .iter()
        .map(|s| match s.dim {
            None => 0.7,
            Some(k) => {
                let u = ((target[k][pi] - 1.0) / 9.0).clamp(0.01, 0.99);
                if s.flip { 1.0 - u } else { u }
            }
        })
        .collect()
}

/// Districts (PSUs) x 2 communes x 2 villages x `per_village` respondents of province `code`, from
/// stream `code` of the seed (district and village effects, then respondent by respondent).
fn generate_province(
    code: u16,
    specs: &[ItemSpec],
    base: &[f64],
    seed: u64,
    per_village: usize,
) -> Province {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(code as u64);
    let n_dist = if LARGE.contains(&code) || MEDIUM.contains(&code) {
        6
    } else {
        3
    };
    let n = n_dist * 4 * per_village;
    let mut pv = Province {
        code,
        cols: vec![Vec::with_capacity(n); specs.len()],
        district: Vec::with_capacity(n),
        district_type: Vec::with_capacity(n),
        commune: Vec::with_capacity(n),
        village: Vec::with_capacity(n),
        sex: Vec::with_capacity(n),
        age: Vec::with_capacity(n),
        cellw: Vec::with_capacity(n),
    };
    for dist in 0..n_dist {
        let pd: Vec<f64> = base
            .iter()
            .map(|&p| perturb(p, DISTRICT_EFFECT, &mut rng))
            .collect();
        for com in 0..2 {
            for vil in 0..2 {
                let pvil: Vec<f64> = pd
                    .iter()
                    .map(|&p| perturb(p, VILLAGE_EFFECT, &mut rng))
                    .collect();
                for _ in 0..per_village {
                    let d = code as i32 * 100 + dist as i32 + 1;
                    pv.district.push(d);
                    pv.district_type
                        .push(if dist == 0 { "capital" } else { "pps" });
                    pv.commune.push(d * 10 + com + 1);
                    pv.village.push(d * 100 + com * 10 + vil + 1);
                    respondent(&mut pv, specs, &pvil, &mut rng);
                }
            }
        }
    }
    pv
}

/// One respondent: sex, age group (their cell weight) and every item's answer.
fn respondent(pv: &mut Province, specs: &[ItemSpec], pvil: &[f64], rng: &mut ChaCha8Rng) {
    let us: f64 = rng.random();
    let (si, sex) = if us < SEX[0].0 {
        (0, "male")
    } else {
        (1, "female")
    };
    let ua: f64 = rng.random();
    let (ai, age) = if ua < AGE[0].0 {
        (0, "18-35")
    } else if ua < AGE[0].0 + AGE[1].0 {
        (1, "36-55")
    } else {
        (2, "56-70")
    };
    pv.sex.push(sex);
    pv.age.push(age);
    pv.cellw
        .push((SEX[si].1 / SEX[si].0) * (AGE[ai].1 / AGE[ai].0));
    let mut row: Vec<Option<f64>> = vec![None; specs.len()];
    for (j, s) in specs.iter().enumerate() {
        if let Some((ci, codes)) = &s.cond {
            let ok = row[*ci].is_some_and(|x| codes.iter().any(|&c| c as f64 == x));
            if !ok {
                continue;
            }
        }
        row[j] = Some(answer(&s.draw, pvil[j], rng));
    }
    for (j, v) in row.into_iter().enumerate() {
        pv.cols[j].push(v);
    }
}

/// One answer drawn as `g` with probability `p`.
fn answer(g: &Gen, p: f64, rng: &mut ChaCha8Rng) -> f64 {
    match g {
        Gen::Binary { yes, no, dk } => {
            if *dk && rng.random::<f64>() < DONT_KNOW {
                98.0
            } else if rng.random::<f64>() < p {
                *yes as f64
            } else {
                *no as f64
            }
        }
        Gen::Scale { min, k, dk } => {
            if *dk && rng.random::<f64>() < DONT_KNOW {
                98.0
            } else {
                let mut x = *min;
                for _ in 0..*k {
                    if rng.random::<f64>() < p {
                        x += 1;
                    }
                }
                x as f64
            }
        }
        Gen::Continuous { min, max } => {
            let q = p.clamp(1e-6, 1.0 - 1e-6);
            let u: f64 = rng.random();
            min + (max - min) * u.powf(1.0 / q - 1.0)
        }
    }
}

/// The table: design columns, weights (adult population (or population) / sample, times the
/// cell factor) and one column per item.
fn assemble(per_prov: &[Province], specs: &[ItemSpec], y: u16) -> Result<DataFrame> {
    let reg = registry()?;
    let mut n_total = 0usize;
    let mut province = Vec::new();
    let mut province_name: Vec<Option<String>> = Vec::new();
    let mut weight = Vec::new();
    for pv in per_prov {
        let n = pv.district.len();
        n_total += n;
        let pop = reg
            .population
            .get(&(pv.code, y))
            .copied()
            .or_else(|| {
                reg.population
                    .iter()
                    .filter(|((c, _), _)| *c == pv.code)
                    .max_by_key(|((_, yy), _)| *yy)
                    .map(|(_, v)| *v)
            })
            .unwrap_or(1_500_000.0)
            * 0.7;
        let mean_cell = pv.cellw.iter().sum::<f64>() / n as f64;
        let name = reg.by_code(pv.code).map(|p| p.name_vi.clone());
        for &c in &pv.cellw {
            province.push(Some(pv.code as i32));
            province_name.push(name.clone());
            weight.push(Some(pop / n as f64 * c / mean_cell));
        }
    }
    let cat = |f: &dyn Fn(&Province) -> Vec<Option<String>>| -> Vec<Option<String>> {
        per_prov.iter().flat_map(f).collect()
    };
    let int = |f: &dyn Fn(&Province) -> &Vec<i32>| -> Vec<Option<i32>> {
        per_prov
            .iter()
            .flat_map(|p| f(p).iter().map(|&x| Some(x)))
            .collect()
    };
    let mut cols: Vec<Column> = vec![
        Column::new("province".into(), province),
        frame::col_str("province_name", &province_name),
        Column::new("district".into(), int(&|p| &p.district)),
        frame::col_str(
            "district_type",
            &cat(&|p| {
                p.district_type
                    .iter()
                    .map(|s| Some(s.to_string()))
                    .collect()
            }),
        ),
        Column::new("commune".into(), int(&|p| &p.commune)),
        Column::new("village".into(), int(&|p| &p.village)),
        frame::col_str(
            "sex",
            &cat(&|p| p.sex.iter().map(|s| Some(s.to_string())).collect()),
        ),
        frame::col_str(
            "age_group",
            &cat(&|p| p.age.iter().map(|s| Some(s.to_string())).collect()),
        ),
        Column::new("weight".into(), weight),
    ];
    for (j, s) in specs.iter().enumerate() {
        match s.draw {
            Gen::Continuous { .. } => {
                let v: Vec<Option<f64>> = per_prov
                    .iter()
                    .flat_map(|p| p.cols[j].iter().copied())
                    .collect();
                cols.push(Column::new(s.name.as_str().into(), v));
            }
            _ => {
                let v: Vec<Option<i32>> = per_prov
                    .iter()
                    .flat_map(|p| p.cols[j].iter().map(|x| x.map(|x| x as i32)))
                    .collect();
                cols.push(Column::new(s.name.as_str().into(), v));
            }
        }
    }
    frame::build(n_total, cols)
}
