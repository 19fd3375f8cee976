//! Targets and references, parsed once here: `TargetRank`, `Group`, `Year` and `CloseGap` are
//! frozen values validated on construction and handed to gaps / simulate / optimize as objects
//! (no re-validation in Python or later in the glue).

use crate::errors::{IntoPyResult, invalid_argument};
use papikit_core::rank::Group;
use papikit_core::simulation::optimise::Target;
use papikit_core::simulation::simulate::{Amount, GapTo};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};
use std::hash::{Hash, Hasher};

/// A number (int or float, not bool) or an `InvalidArgumentError` naming `what`.
pub fn number(ob: &Bound<'_, PyAny>, what: &str) -> PyResult<f64> {
    if ob.is_instance_of::<PyBool>()
        || !(ob.is_instance_of::<PyInt>() || ob.is_instance_of::<PyFloat>())
    {
        return Err(invalid_argument(
            what,
            format!("{} is not a number", ob.repr()?),
        ));
    }
    ob.extract()
}

/// A whole number (int, not bool) in `lo..=hi`, or an `InvalidArgumentError` with `hint`.
fn whole(ob: &Bound<'_, PyAny>, what: &str, lo: i64, hi: i64, hint: &str) -> PyResult<i64> {
    let v = if ob.is_instance_of::<PyInt>() && !ob.is_instance_of::<PyBool>() {
        ob.extract::<i64>().ok().filter(|v| (lo..=hi).contains(v))
    } else {
        None
    };
    v.ok_or_else(|| {
        invalid_argument(
            what,
            match ob.repr() {
                Ok(r) => format!("{r}; {hint}"),
                Err(_) => hint.to_string(),
            },
        )
    })
}

/// Rank ``rank`` (1 = best) or better.
#[pyclass(
    name = "TargetRank",
    module = "papikit._core",
    frozen,
    eq,
    hash,
    skip_from_py_object
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyTargetRank {
    #[pyo3(get)]
    pub rank: u32,
}

#[pymethods]
impl PyTargetRank {
    #[new]
    fn new(rank: &Bound<'_, PyAny>) -> PyResult<Self> {
        let hint = "use a whole number >= 1";
        let rank = whole(rank, "TargetRank", 1, u32::MAX as i64, hint)? as u32;
        Ok(PyTargetRank { rank })
    }

    fn __repr__(&self) -> String {
        format!("TargetRank(rank={})", self.rank)
    }

    fn __getnewargs__(&self) -> (u32,) {
        (self.rank,)
    }
}

/// A PAPI performance group: ``high``, ``high_average``, ``low_average`` or ``low``.
///
/// English or Vietnamese labels with or without diacritics and 1-4 (best first) are accepted;
/// ``name`` holds the canonical snake_case name.
#[pyclass(
    name = "Group",
    module = "papikit._core",
    frozen,
    eq,
    hash,
    skip_from_py_object
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyGroup(pub Group);

#[pymethods]
impl PyGroup {
    #[new]
    fn new(name: &Bound<'_, PyAny>) -> PyResult<Self> {
        Group::parse(&name.str()?.to_string()).py().map(PyGroup)
    }

    /// Canonical snake_case name.
    #[getter]
    fn name(&self) -> &'static str {
        self.0.key()
    }

    fn __repr__(&self) -> String {
        format!("Group(name='{}')", self.0.key())
    }

    fn __getnewargs__(&self) -> (&'static str,) {
        (self.0.key(),)
    }
}

/// Another PAPI year, used as a reference (e.g. last year).
#[pyclass(
    name = "Year",
    module = "papikit._core",
    frozen,
    eq,
    hash,
    skip_from_py_object
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyYear {
    #[pyo3(get)]
    pub year: u16,
}

#[pymethods]
impl PyYear {
    #[new]
    fn new(year: &Bound<'_, PyAny>) -> PyResult<Self> {
        let year = whole(year, "Year", 2000, 2100, "use a year such as 2022")? as u16;
        Ok(PyYear { year })
    }

    fn __repr__(&self) -> String {
        format!("Year(year={})", self.year)
    }

    fn __getnewargs__(&self) -> (u16,) {
        (self.year,)
    }
}

/// Close ``share`` (0..1) of the gap to the best score on that measure (``to="best"``) or to a
/// score.
#[pyclass(
    name = "CloseGap",
    module = "papikit._core",
    frozen,
    eq,
    hash,
    skip_from_py_object
)]
#[derive(Clone, PartialEq)]
pub struct PyCloseGap {
    pub share: f64,
    /// None = the best score on the measure.
    pub to: Option<f64>,
}

impl Hash for PyCloseGap {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.share.to_bits().hash(state);
        self.to.map(f64::to_bits).hash(state);
    }
}

impl PyCloseGap {
    pub fn amount(&self) -> Amount {
        Amount::CloseGap {
            share: self.share,
            to: self.to.map(GapTo::Score).unwrap_or(GapTo::Best),
        }
    }
}

#[pymethods]
impl PyCloseGap {
    #[new]
    #[pyo3(signature = (share, to=None), text_signature = "(share, to='best')")]
    fn new(share: &Bound<'_, PyAny>, to: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let bad_share = || {
            invalid_argument(
                "share",
                format!(
                    "{}; use a number in 0..1",
                    share.repr().map(|r| r.to_string()).unwrap_or_default()
                ),
            )
        };
        let s = number(share, "share").map_err(|_| bad_share())?;
        if !(0.0..=1.0).contains(&s) {
            return Err(bad_share());
        }
        let to = match to {
            None => None,
            Some(t) if t.is_instance_of::<PyString>() && t.extract::<String>()? == "best" => None,
            Some(t) => Some(number(t, "to").map_err(|_| {
                invalid_argument(
                    "to",
                    format!(
                        "{}; use \"best\" or a score",
                        t.repr().map(|r| r.to_string()).unwrap_or_default()
                    ),
                )
            })?),
        };
        Ok(PyCloseGap { share: s, to })
    }

    #[getter]
    fn share(&self) -> f64 {
        self.share
    }

    /// ``"best"`` or the score to close the gap to.
    #[getter]
    fn to<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self.to {
            None => PyString::new(py, "best").into_any(),
            Some(v) => PyFloat::new(py, v).into_any(),
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let share = PyFloat::new(py, self.share).repr()?;
        let to = self.to(py)?.repr()?;
        Ok(format!("CloseGap(share={share}, to={to})"))
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<(f64, Bound<'py, PyAny>)> {
        Ok((self.share, self.to(py)?))
    }
}

/// An optimisation target: `TargetRank`, `Group` or a total score (not bool).
pub fn target_of(ob: &Bound<'_, PyAny>) -> PyResult<Target> {
    if let Ok(r) = ob.cast::<PyTargetRank>() {
        return Ok(Target::Rank(r.get().rank));
    }
    if let Ok(g) = ob.cast::<PyGroup>() {
        return Ok(Target::Group(g.get().0));
    }
    number(ob, "target").map(Target::Score).map_err(|_| {
        invalid_argument(
            "target",
            format!(
                "{}; use pk.TargetRank(k), pk.Group(name) or a total score",
                ob.repr().map(|r| r.to_string()).unwrap_or_default()
            ),
        )
    })
}

/// The Python value of a core target (the inverse of `target_of`).
pub fn target_to_py<'py>(py: Python<'py>, t: &Target) -> PyResult<Bound<'py, PyAny>> {
    Ok(match t {
        Target::Rank(k) => Bound::new(py, PyTargetRank { rank: *k })?.into_any(),
        Target::Group(g) => Bound::new(py, PyGroup(*g))?.into_any(),
        Target::Score(s) => PyFloat::new(py, *s).into_any(),
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTargetRank>()?;
    m.add_class::<PyGroup>()?;
    m.add_class::<PyYear>()?;
    m.add_class::<PyCloseGap>()?;
    Ok(())
}
