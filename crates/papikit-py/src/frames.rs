//! The input-frame guard: every glue entry point that takes a polars DataFrame takes it through
//! here. The Python frame's schema is read BEFORE pyo3-polars extracts it, because extracting a
//! dtype the Rust side was not built for (Int128, UInt128, Struct, Array, Object) fails inside the
//! FFI hand-over. Decimal columns are cast to Float64; the others are rejected with a
//! `ColumnError` naming the column and the argument.

use crate::errors::{column_type, invalid_argument};
use polars::prelude::DataFrame;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

/// Type names (and prefixes of parametrised ones) the Rust side does not read.
const UNSUPPORTED: [&str; 5] = ["Int128", "UInt128", "Struct", "Array", "Object"];

/// A polars DataFrame checked by the guard, extracted as a Rust `DataFrame`.
pub struct GuardedFrame(pub DataFrame);

/// What the guard does with one column.
enum Verdict {
    Keep,
    /// Cast to the named polars type (a lossless widening the Rust side reads).
    Cast(&'static str),
    Reject,
}

/// Types the Rust side is not built for but that widen losslessly: (type name, target).
const WIDEN: [(&str, &str); 3] = [
    ("UInt8", "Int32"),
    ("UInt16", "Int32"),
    ("Float16", "Float64"),
];

fn verdict(dtype: &Bound<'_, PyAny>) -> PyResult<Verdict> {
    let full = dtype.str()?.to_string();
    let base = dtype.call_method0("base_type")?.str()?.to_string();
    if base.starts_with("Decimal") {
        return Ok(Verdict::Cast("Float64"));
    }
    if let Some((_, target)) = WIDEN.iter().find(|(w, _)| base == *w) {
        return Ok(Verdict::Cast(target));
    }
    // nested types name their children in their repr (List(Struct(...)), List(Decimal(...)))
    let nested_unsupported = full.contains("Decimal")
        || WIDEN.iter().any(|(w, _)| full.contains(&format!("({w}")))
        || UNSUPPORTED
            .iter()
            .any(|u| full.starts_with(u) || full.contains(&format!("({u}")));
    Ok(if nested_unsupported {
        Verdict::Reject
    } else {
        Verdict::Keep
    })
}

impl GuardedFrame {
    /// Check `ob` (the value of argument `argument`) and extract it.
    pub fn extract(ob: &Bound<'_, PyAny>, argument: &str) -> PyResult<Self> {
        let py = ob.py();
        let pl = py.import("polars")?;
        if !ob.is_instance(&pl.getattr("DataFrame")?)? {
            return Err(invalid_argument(
                argument,
                format!(
                    "expected a polars DataFrame, got {}; convert with pl.from_pandas(...) or \
                     pl.DataFrame(...)",
                    ob.get_type().name()?
                ),
            ));
        }
        let mut casts = Vec::new();
        for item in ob.getattr("schema")?.call_method0("items")?.try_iter()? {
            let (name, dtype): (String, Bound<'_, PyAny>) = item?.extract()?;
            match verdict(&dtype)? {
                Verdict::Keep => {}
                Verdict::Cast(target) => casts.push((name, target)),
                Verdict::Reject => {
                    return Err(column_type(
                        &name,
                        format!("{} (in argument {argument})", dtype.str()?),
                        "a type papikit reads (numbers, strings, booleans, dates)",
                    ));
                }
            }
        }
        let ready = if casts.is_empty() {
            ob.clone()
        } else {
            let exprs = casts
                .iter()
                .map(|(c, target)| {
                    pl.call_method1("col", (c,))?
                        .call_method1("cast", (pl.getattr(*target)?,))
                })
                .collect::<PyResult<Vec<_>>>()?;
            ob.call_method1("with_columns", (exprs,))?
        };
        Ok(GuardedFrame(ready.extract::<PyDataFrame>()?.0))
    }
}

/// `from_py_with` helpers: one per argument name, so the error names the argument.
pub fn df(ob: &Bound<'_, PyAny>) -> PyResult<GuardedFrame> {
    GuardedFrame::extract(ob, "df")
}

pub fn gaps(ob: &Bound<'_, PyAny>) -> PyResult<GuardedFrame> {
    GuardedFrame::extract(ob, "gaps")
}

/// `table=None` or a guarded frame.
pub fn opt_table(ob: &Bound<'_, PyAny>) -> PyResult<Option<GuardedFrame>> {
    if ob.is_none() {
        Ok(None)
    } else {
        GuardedFrame::extract(ob, "table").map(Some)
    }
}
