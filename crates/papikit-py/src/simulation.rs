//! Bindings for what-if simulation, sensitivity, the least-cost optimiser and Monte Carlo.

use crate::errors::{IntoPyResult, run, to_py};
use papikit_core::rank::Group;
use papikit_core::registry::province as lookup;
use papikit_core::scores::{Level, ScoreTable};
use papikit_core::simulation::montecarlo::{self, SeSpec};
use papikit_core::simulation::optimise::{self, OptimiseOptions, Plan, Target};
use papikit_core::simulation::sensitivity as sens;
use papikit_core::simulation::simulate::{Amount, Change, GapTo, Model, Others, simulate_with};
use papikit_core::{Lang, PapiError, Result};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_polars::PyDataFrame;

use crate::analysis::PyScoreTable;

/// Map a core error; an `Infeasible` error carries `best_rank` and `best_score` attributes.
fn map_err(py: Python<'_>, e: PapiError) -> PyErr {
    let best = match &e {
        PapiError::Infeasible {
            best_rank,
            best_score,
            ..
        } => Some((*best_rank, *best_score)),
        _ => None,
    };
    let err = to_py(e);
    if let Some((r, s)) = best {
        let v = err.value(py);
        let _ = v.setattr("best_rank", r);
        let _ = v.setattr("best_score", s);
    }
    err
}

/// Run core work (GIL released, panics caught), keeping the typed error for `map_err`.
fn compute<T: Send, F: FnOnce() -> Result<T> + Send>(py: Python<'_>, f: F) -> PyResult<T> {
    run(py, || Ok(f()))?.map_err(|e| map_err(py, e))
}

/// The given table (survey or hand-built) or the published scores of `year`.
fn table(year: i64, given: Option<ScoreTable>) -> Result<ScoreTable> {
    match given {
        Some(t) => {
            if t.year as i64 != year {
                return Err(PapiError::InvalidArgument {
                    argument: "source".into(),
                    message: format!("the source holds {} scores, not {year}", t.year),
                });
            }
            Ok(t)
        }
        None => ScoreTable::from_published(year),
    }
}

/// Model with the framework's indicator slopes when a built-in framework exists for the year.
fn model(t: &ScoreTable) -> Result<Model<'_>> {
    match papikit_core::framework::builtin(t.year as i64) {
        Ok(fw) => Model::from_framework(t, &fw),
        Err(_) => Model::new(t),
    }
}

type Source<'py> = Option<Bound<'py, PyScoreTable>>;

fn source(s: Source<'_>) -> Option<ScoreTable> {
    s.map(|t| t.get().0.clone())
}

fn code_of(query: &str) -> Result<u16> {
    Ok(lookup(query)?.code)
}

fn target_of(kind: &str, value: f64, group: Option<&str>) -> Result<Target> {
    match kind {
        "rank" => {
            if value.fract() != 0.0 || value < 1.0 || value > u32::MAX as f64 {
                return Err(PapiError::InvalidArgument {
                    argument: "target".into(),
                    message: format!("rank {value} must be a whole number >= 1"),
                });
            }
            Ok(Target::Rank(value as u32))
        }
        "group" => Ok(Target::Group(Group::parse(group.unwrap_or(""))?)),
        "score" => Ok(Target::Score(value)),
        _ => Err(PapiError::InvalidArgument {
            argument: "target".into(),
            message: format!("{kind:?}; use pk.TargetRank(k), pk.Group(name) or a score"),
        }),
    }
}

fn se_of(total: Option<f64>, measures: Option<Vec<(String, f64)>>) -> SeSpec {
    match (total, measures) {
        (Some(v), _) => SeSpec::Total(v),
        (None, Some(m)) => SeSpec::PerMeasure(m),
        (None, None) => SeSpec::Table,
    }
}

/// (province, measure, kind, value, to): kind "points", "gap_best" or "gap_score" (to = score).
type ChangeSpec = (String, String, String, f64, Option<f64>);

fn changes_of(specs: &[ChangeSpec]) -> Result<Vec<Change>> {
    specs
        .iter()
        .map(|(p, m, kind, v, to)| {
            let amount = match kind.as_str() {
                "points" => Amount::Points(*v),
                "gap_best" => Amount::CloseGap {
                    share: *v,
                    to: GapTo::Best,
                },
                "gap_score" => Amount::CloseGap {
                    share: *v,
                    to: GapTo::Score(to.unwrap_or(f64::NAN)),
                },
                _ => {
                    return Err(PapiError::InvalidArgument {
                        argument: "changes".into(),
                        message: format!("unknown change kind {kind:?}"),
                    });
                }
            };
            Ok(Change {
                province: code_of(p)?,
                measure: m.clone(),
                amount,
            })
        })
        .collect()
}

#[pyfunction]
#[pyo3(signature = (year, changes, *, others="stay", years=3, lang="en", table=None))]
pub fn simulate(
    py: Python<'_>,
    year: i64,
    changes: Vec<ChangeSpec>,
    others: &str,
    years: u16,
    lang: &str,
    table: Source<'_>,
) -> PyResult<(PyDataFrame, PyDataFrame, PyDataFrame)> {
    let given = source(table);
    let lang = Lang::parse(lang).py()?;
    let others = Others::parse(others, years).py()?;
    compute(py, || {
        let t = self::table(year, given)?;
        let m = model(&t)?;
        let s = simulate_with(&m, &changes_of(&changes)?, others)?;
        Ok((
            s.frame(false, lang)?,
            s.frame(true, lang)?,
            s.changes_frame()?,
        ))
    })
    .map(|(a, b, c)| (PyDataFrame(a), PyDataFrame(b), PyDataFrame(c)))
}

#[pyfunction]
#[pyo3(signature = (province, year, *, level=None, n_thresholds=5, lang="en", table=None))]
pub fn sensitivity<'py>(
    py: Python<'py>,
    province: &str,
    year: i64,
    level: Option<&str>,
    n_thresholds: usize,
    lang: &str,
    table: Source<'py>,
) -> PyResult<(PyDataFrame, PyDataFrame, Bound<'py, PyDict>)> {
    let given = source(table);
    let lang = Lang::parse(lang).py()?;
    let level = level.map(Level::parse).transpose().py()?;
    let code = code_of(province).py()?;
    let s = compute(py, || {
        let t = self::table(year, given)?;
        let s = sens::sensitivity(&t, code, level, n_thresholds)?;
        Ok((s.frame(lang)?, s.thresholds_frame(lang)?, s))
    })?;
    let d = PyDict::new(py);
    d.set_item("province", s.2.province)?;
    d.set_item("year", s.2.year)?;
    d.set_item("total", s.2.total)?;
    d.set_item("rank", s.2.rank)?;
    d.set_item("n_ranked", s.2.n_ranked)?;
    Ok((PyDataFrame(s.0), PyDataFrame(s.1), d))
}

fn plan_dict<'py>(
    py: Python<'py>,
    plan: &Plan,
    items: polars::prelude::DataFrame,
    dims: polars::prelude::DataFrame,
    lang: Lang,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("province", plan.province)?;
    d.set_item("year", plan.year)?;
    d.set_item("level", plan.level.as_str())?;
    d.set_item("target_rank", plan.requirement.rank)?;
    d.set_item("threshold", plan.requirement.threshold)?;
    d.set_item("required_gain", plan.requirement.gain)?;
    d.set_item("epsilon", plan.epsilon)?;
    d.set_item("total_cost", plan.total_cost)?;
    d.set_item("total_before", plan.total_before)?;
    d.set_item("total_after", plan.total_after)?;
    d.set_item("rank_before", plan.rank_before)?;
    d.set_item("rank_after", plan.rank_after)?;
    d.set_item("n_ranked", plan.n_ranked)?;
    d.set_item("group_after", plan.group_after.map(|g| g.label(lang)))?;
    d.set_item("gains", plan.gains())?;
    d.set_item("items", PyDataFrame(items))?;
    d.set_item("dimensions", PyDataFrame(dims))?;
    Ok(d)
}

#[pyfunction]
#[pyo3(signature = (province, year, *, target_kind, target_value=0.0, target_group=None, costs=vec![], caps=vec![], level="dimension", probability=None, se_total=None, se_measures=None, draws=10_000, seed=0, lang="en", table=None))]
#[allow(clippy::too_many_arguments)]
pub fn optimize<'py>(
    py: Python<'py>,
    province: &str,
    year: i64,
    target_kind: &str,
    target_value: f64,
    target_group: Option<&str>,
    costs: Vec<(String, f64)>,
    caps: Vec<(String, f64)>,
    level: &str,
    probability: Option<f64>,
    se_total: Option<f64>,
    se_measures: Option<Vec<(String, f64)>>,
    draws: usize,
    seed: u64,
    lang: &str,
    table: Source<'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let given = source(table);
    let lang = Lang::parse(lang).py()?;
    let level = Level::parse(level).py()?;
    let target = target_of(target_kind, target_value, target_group).py()?;
    let code = code_of(province).py()?;
    let opts = OptimiseOptions { level, costs, caps };
    let se = se_of(se_total, se_measures);
    let (plan, items, dims, extra) = compute(py, || {
        let t = self::table(year, given)?;
        let m = model(&t)?;
        let (plan, extra) = match probability {
            None => (optimise::optimise_with(&m, code, target, &opts)?, None),
            Some(p) => {
                let r = montecarlo::robust_plan(&m, code, target, &opts, &se, p, draws, seed)?;
                let prob = r.distribution.probability();
                (
                    r.plan,
                    Some((r.scale, prob, r.deterministic.requirement.gain)),
                )
            }
        };
        let items = plan.frame(lang)?;
        let dims = plan.dimension_table(&m, lang)?;
        Ok((plan, items, dims, extra))
    })?;
    let d = plan_dict(py, &plan, items, dims, lang)?;
    if let Some((scale, prob, det)) = extra {
        d.set_item("scale", scale)?;
        d.set_item("probability", prob)?;
        d.set_item("deterministic_gain", det)?;
    }
    Ok(d)
}

#[pyfunction]
#[pyo3(signature = (province, year, gains, *, target_kind, target_value=0.0, target_group=None, se_total=None, se_measures=None, draws=10_000, seed=0, lang="en", table=None))]
#[allow(clippy::too_many_arguments)]
pub fn success_probability(
    py: Python<'_>,
    province: &str,
    year: i64,
    gains: Vec<(String, f64)>,
    target_kind: &str,
    target_value: f64,
    target_group: Option<&str>,
    se_total: Option<f64>,
    se_measures: Option<Vec<(String, f64)>>,
    draws: usize,
    seed: u64,
    lang: &str,
    table: Source<'_>,
) -> PyResult<(f64, PyDataFrame, PyDataFrame)> {
    let given = source(table);
    let lang = Lang::parse(lang).py()?;
    let target = target_of(target_kind, target_value, target_group).py()?;
    let code = code_of(province).py()?;
    let se = se_of(se_total, se_measures);
    compute(py, || {
        let t = self::table(year, given)?;
        let m = model(&t)?;
        let d = montecarlo::success_probability(&m, code, &gains, target, &se, draws, seed)?;
        Ok((
            d.probability().unwrap_or(f64::NAN),
            d.frame(lang)?,
            d.long_frame()?,
        ))
    })
    .map(|(p, a, b)| (p, PyDataFrame(a), PyDataFrame(b)))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(optimize, m)?)?;
    m.add_function(wrap_pyfunction!(success_probability, m)?)?;
    Ok(())
}
