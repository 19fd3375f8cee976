//! Small helpers to read and build polars tables with papikit's typed errors (dtype checked before
//! any cast, so a wrong column type is an error naming the column, never a panic).

use crate::error::{PapiError, Result};
use polars::prelude::*;

/// The "column not found" error, listing the table's columns.
pub fn missing(df: &DataFrame, name: &str) -> PapiError {
    PapiError::MissingColumn {
        column: name.to_string(),
        available: df
            .get_column_names()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Does the table have this column?
pub fn has(df: &DataFrame, name: &str) -> bool {
    df.column(name).is_ok()
}

/// A numeric column cast to Float64, after checking its type (ints and floats accepted).
fn numeric_f64(df: &DataFrame, name: &str) -> Result<Series> {
    let c = df.column(name).map_err(|_| missing(df, name))?;
    let dt = c.dtype();
    if !(dt.is_primitive_numeric() || dt.is_null()) {
        return Err(PapiError::ColumnType {
            column: name.into(),
            found: dt.to_string(),
            expected: "a number (Float64 or integer)".into(),
        });
    }
    Ok(c.as_materialized_series().cast(&DataType::Float64)?)
}

/// A numeric column as `Option<f64>` values (ints and floats accepted; NaN becomes null).
pub fn f64_col(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let s = numeric_f64(df, name)?;
    Ok(s.f64()?.iter().map(|v| v.filter(|x| !x.is_nan())).collect())
}

/// A numeric column as plain `f64` with null (and NaN) as NaN: the fast path for large survey
/// tables (no `Option` per value; a single-chunk column without nulls is copied straight from its
/// buffer).
pub fn f64_nan_col(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    // Int32/Int64 (the usual survey code columns) are converted straight from their buffers.
    if let Ok(c) = df.column(name) {
        let s = c.as_materialized_series();
        match c.dtype() {
            DataType::Int32 => return Ok(ints_as_f64(s.i32()?, f64::from)),
            DataType::Int64 => return Ok(ints_as_f64(s.i64()?, |x| x as f64)),
            _ => {}
        }
    }
    let s = numeric_f64(df, name)?;
    let ca = s.f64()?;
    if ca.null_count() == 0
        && let Ok(slice) = ca.cont_slice()
    {
        return Ok(slice.to_vec());
    }
    Ok(ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// An integer column's values as f64 (null = NaN), straight from its buffer when it has one.
fn ints_as_f64<T: PolarsNumericType>(ca: &ChunkedArray<T>, f: fn(T::Native) -> f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        let start = out.len();
        out.extend(arr.values().iter().map(|&x| f(x)));
        if let Some(valid) = arr.validity().filter(|v| v.unset_bits() > 0) {
            for (o, ok) in out[start..].iter_mut().zip(valid.iter()) {
                if !ok {
                    *o = f64::NAN;
                }
            }
        }
    }
    out
}

/// A string column (nulls kept). Categorical/Enum are accepted and read as strings.
pub fn str_col(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let c = df.column(name).map_err(|_| missing(df, name))?;
    let dt = c.dtype();
    let s = match dt {
        DataType::String => c.as_materialized_series().clone(),
        DataType::Categorical(..) | DataType::Enum(..) => {
            c.as_materialized_series().cast(&DataType::String)?
        }
        dt if dt.is_integer() => c.as_materialized_series().cast(&DataType::String)?,
        _ => {
            return Err(PapiError::ColumnType {
                column: name.into(),
                found: dt.to_string(),
                expected: "String".into(),
            });
        }
    };
    Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// Build a table from columns (all must have `height` rows).
pub fn build(height: usize, columns: Vec<Column>) -> Result<DataFrame> {
    Ok(DataFrame::new(height, columns)?)
}

/// A nullable float column.
pub fn col_f64(name: &str, v: Vec<Option<f64>>) -> Column {
    Column::new(name.into(), v)
}

/// A nullable unsigned column.
pub fn col_u32(name: &str, v: Vec<Option<u32>>) -> Column {
    Column::new(name.into(), v)
}

/// A nullable string column.
pub fn col_str<S: AsRef<str>>(name: &str, v: &[Option<S>]) -> Column {
    let v: Vec<Option<&str>> = v.iter().map(|s| s.as_ref().map(AsRef::as_ref)).collect();
    Column::new(name.into(), v)
}

/// Replace or append columns.
pub fn with_columns(mut df: DataFrame, cols: Vec<Column>) -> Result<DataFrame> {
    for c in cols {
        df.with_column(c)?;
    }
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integer answer codes with nulls, in several chunks, read as f64 with NaN for null.
    #[test]
    fn integer_codes_with_nulls_in_chunks() {
        let a = Series::new("q".into(), &[Some(1i64), None, Some(3)]);
        let b = Series::new("q".into(), &[None, Some(98i64)]);
        let mut s = a.clone();
        s.append(&b).expect("same dtype");
        assert_eq!(s.n_chunks(), 2);
        let df = DataFrame::new(5, vec![s.into()]).expect("one column");
        let got = f64_nan_col(&df, "q").expect("integer column");
        let want = [1.0, f64::NAN, 3.0, f64::NAN, 98.0];
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!(g == &w || (g.is_nan() && w.is_nan()), "{got:?}");
        }
        let i32s = Series::new("r".into(), &[Some(7i32), None]);
        let df = DataFrame::new(2, vec![i32s.into()]).expect("one column");
        let got = f64_nan_col(&df, "r").expect("integer column");
        assert!(got[0] == 7.0 && got[1].is_nan());
    }
}
