"""Guard for frames handed to Rust: dtypes the Rust side was not built for (Decimal, Int128,
Struct, Array, Object) would otherwise fail inside the FFI hand-over. They are rejected here with
an error naming the column, or (Decimal) cast to Float64."""

from __future__ import annotations

import polars as pl

from papikit import _core

_UNSUPPORTED = ("Int128", "UInt128", "Struct", "Array", "Object")


def to_core(df: pl.DataFrame) -> pl.DataFrame:
    """Return ``df`` ready for the Rust side, or raise :class:`papikit.ColumnError`."""
    if not isinstance(df, pl.DataFrame):
        raise _core.InvalidArgumentError(
            f"invalid value for df: expected a polars DataFrame, got {type(df).__name__}; "
            "convert with pl.from_pandas(...) or pl.DataFrame(...)"
        )
    casts = {}
    for name, dtype in df.schema.items():
        base = dtype.base_type() if hasattr(dtype, "base_type") else dtype
        tname = str(base)
        if tname.startswith("Decimal"):
            casts[name] = pl.Float64
        elif any(tname.startswith(u) for u in _UNSUPPORTED):
            raise _core.ColumnError(
                f"column {name!r} has type {dtype}, which papikit does not read; "
                f"drop it or cast it (e.g. pl.col({name!r}).cast(pl.Float64))"
            )
    return df.with_columns([pl.col(c).cast(t) for c, t in casts.items()]) if casts else df
