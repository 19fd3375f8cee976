//! Bindings for what-if simulation, sensitivity, the least-cost optimiser and Monte Carlo.

use crate::errors::{IntoPyResult, invalid_argument, run};
use papikit_core::analysis::agency::{self, AgencyTable};
use papikit_core::analysis::review::PlanCheck;
use papikit_core::registry::province as lookup;
use papikit_core::scores::{Level, ScoreTable};
use papikit_core::simulation::montecarlo::{self, SeSpec};
use papikit_core::simulation::optimise::{self, OptimiseOptions, Plan, Target};
use papikit_core::simulation::sensitivity as sens;
use papikit_core::simulation::simulate::{
    Amount, Change, Model, Others, Simulation, simulate_with,
};
use papikit_core::{Lang, PapiError, Result};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};
use pyo3_polars::PyDataFrame;

use crate::analysis::{PyReview, PyScoreTable};
use crate::frames::{self, GuardedFrame};
use crate::targets::{PyCloseGap, number, target_of, target_to_py};

/// Run core work (GIL released, panics caught); errors map through the one mapper.
fn compute<T: Send, F: FnOnce() -> Result<T> + Send>(py: Python<'_>, f: F) -> PyResult<T> {
    run(py, f)
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
        // Published scores down to the sub-dimensions.
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

fn se_of(total: Option<f64>, measures: Option<Vec<(String, f64)>>) -> SeSpec {
    match (total, measures) {
        (Some(v), _) => SeSpec::Total(v),
        (None, Some(m)) => SeSpec::PerMeasure(m),
        (None, None) => SeSpec::Table,
    }
}

/// (province, measure, amount): amount a number (points) or a `CloseGap`.
type ChangeSpec<'py> = (String, String, Bound<'py, PyAny>);

fn changes_of(specs: &[ChangeSpec<'_>]) -> PyResult<Vec<Change>> {
    specs
        .iter()
        .map(|(p, m, amount)| {
            let amount = match amount.cast::<PyCloseGap>() {
                Ok(g) => g.get().amount(),
                Err(_) => Amount::Points(number(amount, &format!("changes[{p:?}][{m:?}]"))?),
            };
            Ok(Change {
                province: code_of(p).py()?,
                measure: m.clone(),
                amount,
            })
        })
        .collect()
}

/// Every province before and after a simulation (result of `simulate`).
#[pyclass(name = "SimulationResult", module = "papikit._core", frozen)]
pub struct PySimulationResult(pub Simulation);

#[pymethods]
impl PySimulationResult {
    #[getter]
    fn year(&self) -> u16 {
        self.0.year
    }

    /// One row per province: totals, ranks and groups before and after, dimension scores after.
    #[pyo3(signature = (lang="en"))]
    fn frame(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.frame(false, lang)).map(PyDataFrame)
    }

    /// The rows of `frame` whose rank or score changed.
    #[pyo3(signature = (lang="en"))]
    fn movers(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.frame(true, lang)).map(PyDataFrame)
    }

    /// One row per changed (province, measure).
    fn changes(&self, py: Python<'_>) -> PyResult<PyDataFrame> {
        run(py, || self.0.changes_frame()).map(PyDataFrame)
    }

    /// One row per requested change a range cap cut short (requested, applied, bound).
    fn capped(&self, py: Python<'_>) -> PyResult<PyDataFrame> {
        run(py, || self.0.capped_frame()).map(PyDataFrame)
    }
}

#[pyfunction]
#[pyo3(signature = (year, changes, *, others="stay", years=3, table=None))]
pub fn simulate(
    py: Python<'_>,
    year: i64,
    changes: Vec<ChangeSpec<'_>>,
    others: &str,
    years: u16,
    table: Source<'_>,
) -> PyResult<PySimulationResult> {
    let given = source(table);
    let others = Others::parse(others, years).py()?;
    let changes = changes_of(&changes)?;
    compute(py, || {
        let t = self::table(year, given)?;
        let m = model(&t)?;
        simulate_with(&m, &changes, others)
    })
    .map(PySimulationResult)
}

/// Marginal values and thresholds of one province (result of `sensitivity`).
#[pyclass(name = "SensitivityResult", module = "papikit._core", frozen)]
pub struct PySensitivityResult(pub sens::Sensitivity, pub Option<&'static str>);

#[pymethods]
impl PySensitivityResult {
    #[getter]
    fn province(&self) -> u16 {
        self.0.province
    }

    #[getter]
    fn year(&self) -> u16 {
        self.0.year
    }

    #[getter]
    fn total(&self) -> f64 {
        self.0.total
    }

    #[getter]
    fn rank(&self) -> u32 {
        self.0.rank
    }

    #[getter]
    fn n_ranked(&self) -> usize {
        self.0.n_ranked
    }

    /// Target of the `probability_gain` column: the next better group (rank 1 from the top group).
    #[getter]
    fn probability_target<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .probability_target
            .map(|t| target_to_py(py, &t))
            .transpose()
    }

    /// P(reaching `probability_target`) with no change (None without standard errors).
    #[getter]
    fn probability_now(&self) -> Option<f64> {
        self.0.probability_now
    }

    /// Where the SEs of the probability columns come from: "given" (`se=`), "source" (the
    /// table's own SEs or replicates), "model-based" (published scores), None (no SEs).
    #[getter]
    fn se_source(&self) -> Option<&'static str> {
        self.1
    }

    /// One row per measure: points of total and ranks gained per unit, units to the next rank.
    #[pyo3(signature = (lang="en"))]
    fn frame(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.frame(lang)).map(PyDataFrame)
    }

    /// The nearest provinces above and the entry score of every better group.
    #[pyo3(signature = (lang="en"))]
    fn thresholds(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.thresholds_frame(lang)).map(PyDataFrame)
    }
}

#[pyfunction]
#[pyo3(signature = (province, year, *, level=None, n_thresholds=5, se_total=None, se_measures=None, draws=10_000, seed=0, table=None))]
#[allow(clippy::too_many_arguments)]
pub fn sensitivity(
    py: Python<'_>,
    province: &str,
    year: i64,
    level: Option<&str>,
    n_thresholds: usize,
    se_total: Option<f64>,
    se_measures: Option<Vec<(String, f64)>>,
    draws: usize,
    seed: u64,
    table: Source<'_>,
) -> PyResult<PySensitivityResult> {
    let given = source(table);
    let has_se = given
        .as_ref()
        .is_some_and(|t| t.se.is_some() || t.replicates.is_some());
    // Published scores: the dimensions unless a level is asked for (survey tables: every level).
    let level = match level {
        Some(l) => Some(Level::parse(l).py()?),
        None if given.is_none() => Some(Level::Dimension),
        None => None,
    };
    let code = code_of(province).py()?;
    let se_given = se_total.is_some() || se_measures.is_some();
    let options = || sens::ProbabilityOptions {
        se: se_of(se_total, se_measures.clone()),
        draws,
        seed,
    };
    compute(py, || {
        let t = self::table(year, given)?;
        // No SE given and none in the table (published scores): the model-based SEs, as
        // `success_probability` does (the model exists for the embedded years only).
        let (t, src) = if se_given {
            (t, Some("given"))
        } else if has_se {
            (t, Some("source"))
        } else if papikit_core::survey::model_se::applies(&t) {
            let filled = papikit_core::survey::model_se::with_model_se(&t)?;
            let src = (!papikit_core::survey::model_se::applies(&filled)).then_some("model-based");
            (filled, src)
        } else {
            (t, None)
        };
        let probability = src.map(|_| options());
        sens::sensitivity_with(&model(&t)?, code, level, n_thresholds, probability.as_ref())
            .map(|s| PySensitivityResult(s, src))
    })
}

/// What a plan with `probability=p` adds: the gain scale, P(success) and the deterministic gain.
#[derive(Clone, Copy)]
struct Robust {
    scale: Option<f64>,
    probability: Option<f64>,
    deterministic_gain: f64,
}

/// A least-cost plan (result of `optimize`), with the table it was computed on.
#[pyclass(name = "PlanResult", module = "papikit._core", frozen)]
pub struct PyPlanResult {
    plan: Plan,
    table: ScoreTable,
    /// The table after the other provinces moved as the plan's `others` says (None: `stay`).
    field: Option<ScoreTable>,
    /// The table was given (survey / hand-built), not the published scores.
    given: bool,
    robust: Option<Robust>,
}

#[pymethods]
impl PyPlanResult {
    #[getter]
    fn province(&self) -> u16 {
        self.plan.province
    }

    #[getter]
    fn year(&self) -> u16 {
        self.plan.year
    }

    #[getter]
    fn level(&self) -> &'static str {
        self.plan.level.as_str()
    }

    /// `TargetRank`, `Group` or the total score.
    #[getter]
    fn target<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        target_to_py(py, &self.plan.target)
    }

    #[getter]
    fn target_rank(&self) -> Option<u32> {
        self.plan.requirement.rank
    }

    #[getter]
    fn threshold(&self) -> f64 {
        self.plan.requirement.threshold
    }

    #[getter]
    fn required_gain(&self) -> f64 {
        self.plan.requirement.gain
    }

    #[getter]
    fn epsilon(&self) -> f64 {
        self.plan.epsilon
    }

    /// "effort" (default: spread-scaled quadratic effort) or "linear" (user costs).
    #[getter]
    fn cost_model(&self) -> &'static str {
        self.plan.cost_model.as_str()
    }

    /// What the other provinces do under the plan: "stay", "trend" or "national".
    #[getter]
    fn others(&self) -> &'static str {
        match self.plan.others {
            Others::Stay => "stay",
            Others::Trend { .. } => "trend",
            Others::NationalAverage { .. } => "national",
        }
    }

    #[getter]
    fn total_cost(&self) -> f64 {
        self.plan.total_cost
    }

    #[getter]
    fn total_before(&self) -> f64 {
        self.plan.total_before
    }

    #[getter]
    fn total_after(&self) -> f64 {
        self.plan.total_after
    }

    #[getter]
    fn rank_before(&self) -> u32 {
        self.plan.rank_before
    }

    #[getter]
    fn rank_after(&self) -> u32 {
        self.plan.rank_after
    }

    #[getter]
    fn n_ranked(&self) -> usize {
        self.plan.n_ranked
    }

    /// (measure code, units of gain) of every measure the plan moves.
    #[getter]
    fn gains(&self) -> Vec<(String, f64)> {
        self.plan.gains()
    }

    #[getter]
    fn scale(&self) -> Option<f64> {
        self.robust.and_then(|r| r.scale)
    }

    #[getter]
    fn probability(&self) -> Option<f64> {
        self.robust.and_then(|r| r.probability)
    }

    #[getter]
    fn deterministic_gain(&self) -> Option<f64> {
        self.robust.map(|r| r.deterministic_gain)
    }

    /// The table the plan was computed on when it was given (None: published scores).
    #[getter]
    fn source(&self) -> Option<PyScoreTable> {
        self.given.then(|| PyScoreTable(self.table.clone()))
    }

    /// Label of the group reached, in `lang`.
    #[pyo3(signature = (lang="en"))]
    fn group_after(&self, lang: &str) -> PyResult<Option<&'static str>> {
        let lang = Lang::parse(lang).py()?;
        Ok(self.plan.group_after.map(|g| g.label(lang)))
    }

    /// One row per measure of the plan.
    #[pyo3(signature = (lang="en"))]
    fn frame(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.plan.frame(lang)).map(PyDataFrame)
    }

    /// One row per plan measure with the responsible agencies (built-in table or `table`).
    #[pyo3(signature = (lang="en", *, table=None))]
    fn agency_table(
        &self,
        py: Python<'_>,
        lang: &str,
        #[pyo3(from_py_with = frames::opt_table)] table: Option<GuardedFrame>,
    ) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        let df = table.map(|t| t.0);
        run(py, || {
            let user;
            let agencies = match &df {
                Some(df) => {
                    user = AgencyTable::from_frame(df)?;
                    &user
                }
                None => agency::builtin()?,
            };
            self.plan.agency_table(&model(&self.table)?, agencies, lang)
        })
        .map(PyDataFrame)
    }

    /// Per dimension: current score and rank, target, required gain, share of effort, cost.
    #[pyo3(signature = (lang="en"))]
    fn dimensions(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.plan.dimension_table(&model(&self.table)?, lang)).map(PyDataFrame)
    }
}

#[pyfunction]
#[pyo3(signature = (province, year, *, target, costs=vec![], caps=vec![], level="dimension", others="stay", years=3, probability=None, se_total=None, se_measures=None, draws=10_000, seed=0, table=None))]
#[allow(clippy::too_many_arguments)]
pub fn optimize<'py>(
    py: Python<'py>,
    province: &str,
    year: i64,
    target: &Bound<'py, PyAny>,
    costs: Vec<(String, f64)>,
    caps: Vec<(String, f64)>,
    level: &str,
    others: &str,
    years: u16,
    probability: Option<f64>,
    se_total: Option<f64>,
    se_measures: Option<Vec<(String, f64)>>,
    draws: usize,
    seed: u64,
    table: Source<'py>,
) -> PyResult<PyPlanResult> {
    let given = source(table);
    let was_given = given.is_some();
    let level = Level::parse(level).py()?;
    let target = plan_target(target)?;
    let code = code_of(province).py()?;
    let others = Others::parse(others, years).py()?;
    let opts = OptimiseOptions {
        level,
        costs,
        caps,
        others,
    };
    let se = se_of(se_total, se_measures);
    let (plan, robust, table, field) = compute(py, || {
        let t = self::table(year, given)?;
        let m = model(&t)?;
        let p = t.province_index(code)?;
        let field = optimise::field_table(&m, p, others)?;
        let (plan, robust) = plan_on(&m, code, target, &opts, probability, &se, draws, seed)?;
        Ok((plan, robust, t, field))
    })?;
    Ok(PyPlanResult {
        plan,
        table,
        field,
        given: was_given,
        robust,
    })
}

/// The plan's target; a bare int is refused (it reads as a score of that many points, almost never
/// what is meant).
fn plan_target(ob: &Bound<'_, PyAny>) -> PyResult<Target> {
    if ob.is_instance_of::<PyInt>() && !ob.is_instance_of::<PyBool>() {
        let v = ob.repr()?;
        return Err(invalid_argument(
            "target",
            format!(
                "{v} is a bare whole number; for a rank use target=pk.TargetRank({v}), for a \
                 total score use score={v} in pk.optimize (or target={v}.0)"
            ),
        ));
    }
    target_of(ob)
}

/// The least-cost plan; with `probability`, the robust plan reaching the target that often.
#[allow(clippy::too_many_arguments)]
fn plan_on(
    m: &Model<'_>,
    code: u16,
    target: Target,
    opts: &OptimiseOptions,
    probability: Option<f64>,
    se: &SeSpec,
    draws: usize,
    seed: u64,
) -> Result<(Plan, Option<Robust>)> {
    Ok(match probability {
        None => (optimise::optimise_with(m, code, target, opts)?, None),
        Some(p) => {
            let r = montecarlo::robust_plan(m, code, target, opts, se, p, draws, seed)?;
            let robust = Robust {
                scale: r.scale,
                probability: r.distribution.probability(),
                deterministic_gain: r.deterministic.requirement.gain,
            };
            (r.plan, Some(robust))
        }
    })
}

/// P(the plan's province reaches the plan's target) with `gains` (default: the plan's) when
/// every province's total is uncertain; returns (probability, ranks, long distribution).
#[pyfunction]
#[pyo3(signature = (plan, gains, *, se_total=None, se_measures=None, draws=10_000, seed=0))]
pub fn success_probability(
    py: Python<'_>,
    plan: Bound<'_, PyPlanResult>,
    gains: Vec<(String, f64)>,
    se_total: Option<f64>,
    se_measures: Option<Vec<(String, f64)>>,
    draws: usize,
    seed: u64,
) -> PyResult<(f64, PyDataFrame, PyDataFrame)> {
    let p = plan.get();
    let se = se_of(se_total, se_measures);
    let (code, target) = (p.plan.province, p.plan.target);
    // The competitors as the plan assumed them (moved under `others`), SEs from the source table.
    let t = &p.table;
    let moved = p.field.as_ref();
    compute(py, || {
        // No SE given and none in the table (published scores): the model-based SEs.
        let filled;
        let t = if matches!(se, SeSpec::Table) && papikit_core::survey::model_se::applies(t) {
            filled = papikit_core::survey::model_se::with_model_se(t)?;
            &filled
        } else {
            t
        };
        let base = model(t)?;
        let m = match moved {
            Some(f) => base.on(f),
            None => base,
        };
        let d = montecarlo::success_probability(&m, code, &gains, target, &se, draws, seed)?;
        Ok((
            d.probability().unwrap_or(f64::NAN),
            d.frame()?,
            d.long_frame()?,
        ))
    })
    .map(|(p, a, b)| (p, PyDataFrame(a), PyDataFrame(b)))
}

/// A plan set against what happened the year after (result of `review_plan`).
#[pyclass(name = "PlanCheck", module = "papikit._core", frozen)]
pub struct PyPlanCheck(pub PlanCheck);

#[pymethods]
impl PyPlanCheck {
    #[getter]
    fn plan_year(&self) -> u16 {
        self.0.plan_year
    }

    #[getter]
    fn level(&self) -> &'static str {
        self.0.level.as_str()
    }

    /// (axes of the plan's level that reached their planned gain, axes with a planned gain).
    #[getter]
    fn reached(&self) -> (usize, usize) {
        self.0.reached()
    }

    /// Planned gain vs realised change, one row per axis (total first).
    #[pyo3(signature = (lang="en"))]
    fn frame(&self, py: Python<'_>, lang: &str) -> PyResult<PyDataFrame> {
        let lang = Lang::parse(lang).py()?;
        run(py, || self.0.frame(lang)).map(PyDataFrame)
    }

    /// The plan against the result in one sentence.
    #[pyo3(signature = (lang="en"))]
    fn sentence(&self, lang: &str) -> PyResult<String> {
        self.0.sentence(Lang::parse(lang).py()?).py()
    }
}

/// Planned gain vs realised change per axis: a review (year) against a plan made on year - 1.
#[pyfunction]
pub fn review_plan(
    py: Python<'_>,
    review: Bound<'_, PyReview>,
    plan: Bound<'_, PyPlanResult>,
) -> PyResult<PyPlanCheck> {
    let (r, p) = (review.get(), plan.get());
    run(py, || {
        let planned = p.plan.planned_gains(&model(&p.table)?);
        r.0.check_plan(&planned)
    })
    .map(PyPlanCheck)
}

/// Planned gain vs realised change per axis: a review (year) against a plan given as a table of
/// (measure, gain) rows made on year - 1 (`PlannedGains::from_rows`).
#[pyfunction]
pub fn review_plan_rows(
    py: Python<'_>,
    review: Bound<'_, PyReview>,
    rows: Vec<(String, f64)>,
) -> PyResult<PyPlanCheck> {
    let r = review.get();
    run(py, || {
        let planned = papikit_core::analysis::review::PlannedGains::from_rows(
            r.0.province,
            i64::from(r.0.before.year),
            &rows,
        )?;
        r.0.check_plan(&planned)
    })
    .map(PyPlanCheck)
}

/// True when `success_probability(plan)` without `se` uses the model-based SEs (the plan's table
/// is published scores carrying no SE or replicates of their own).
#[pyfunction]
pub fn plan_uses_model_se(plan: Bound<'_, PyPlanResult>) -> bool {
    papikit_core::survey::model_se::applies(&plan.get().table)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPlanCheck>()?;
    m.add_function(wrap_pyfunction!(review_plan, m)?)?;
    m.add_function(wrap_pyfunction!(review_plan_rows, m)?)?;
    m.add_function(wrap_pyfunction!(plan_uses_model_se, m)?)?;
    m.add_class::<PySimulationResult>()?;
    m.add_class::<PySensitivityResult>()?;
    m.add_class::<PyPlanResult>()?;
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(optimize, m)?)?;
    m.add_function(wrap_pyfunction!(success_probability, m)?)?;
    Ok(())
}
