"""Hypothesis fuzzers of the public API (issue 14): random frames of every polars dtype (nulls, NaN,
inf, -0.0), tiny and degenerate survey designs, random text for province and framework parsers,
random what-if changes.

The oracle: a call returns, or raises a ``pk.PapiError`` subclass that is not ``pk.InternalError`` (a
caught panic); anything else (``PanicException``, ``TypeError``, a polars error ...) fails the case,
and no input frame is modified. ``test_the_oracle_catches_a_planted_panic`` shows the fuzzers can
fail: the debug-only hook ``_core._debug_panic`` (PAPIKIT_TEST_HOOKS=1) is reached by a fuzzed input
and the fuzzer reports it.

Short mode (default, CI): ``SHORT`` examples per fuzzer, well under a minute in all. Long mode:
``PAPIKIT_FUZZ=long`` runs ``LONG`` examples per fuzzer (minutes).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import papikit as pk
from papikit import _core

SHORT = 40
LONG = 2_000
LONG_MODE = os.environ.get("PAPIKIT_FUZZ") == "long"
EXAMPLES = LONG if LONG_MODE else SHORT

fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not LONG_MODE,  # CI is reproducible; long mode explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


class OracleFailure(AssertionError):
    """A fuzzed call broke the contract."""


def typed(f: Callable[[], object]) -> object:
    """The oracle: ``f()``'s value, or None when it raised a typed papikit error."""
    try:
        return f()
    except pk.InternalError as e:
        raise OracleFailure(f"caught panic (InternalError): {e}") from e
    except pk.PapiError as e:
        if not str(e).strip():
            raise OracleFailure(f"{type(e).__name__} with an empty message") from e
        return None
    except BaseException as e:
        raise OracleFailure(f"untyped {type(e).__module__}.{type(e).__name__}: {e}") from e


# ---- strategies ---------------------------------------------------------------------------------

FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, -0.0, float("nan"), float("inf"), -float("inf"), 1.0, 1e308, -1e-308]),
)

DTYPES: list[tuple[str, Any]] = [
    ("Int8", pl.Int8),
    ("Int16", pl.Int16),
    ("Int32", pl.Int32),
    ("Int64", pl.Int64),
    ("UInt8", pl.UInt8),
    ("UInt16", pl.UInt16),
    ("UInt32", pl.UInt32),
    ("UInt64", pl.UInt64),
    ("Int128", pl.Int128),
    ("UInt128", getattr(pl, "UInt128", pl.Int128)),
    ("Float16", getattr(pl, "Float16", pl.Float32)),
    ("Float32", pl.Float32),
    ("Float64", pl.Float64),
    ("Decimal", pl.Decimal(12, 3)),
    ("Boolean", pl.Boolean),
    ("String", pl.String),
    ("Categorical", pl.Categorical),
    ("Enum", pl.Enum(["a", "b", "1", "2"])),
    ("Date", pl.Date),
    ("Datetime", pl.Datetime),
    ("Duration", pl.Duration),
    ("Time", pl.Time),
    ("Binary", pl.Binary),
    ("Null", pl.Null),
    ("List", pl.List(pl.Int64)),
    ("Array", pl.Array(pl.Int64, 2)),
    ("Struct", pl.Struct({"a": pl.Int64})),
]


def column(name: str, dtype_name: str, dtype: Any, n: int, data: st.DataObject) -> pl.Series:
    """A column of ``dtype`` with ``n`` values drawn from ``data`` (nulls included)."""
    ints = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 9)), min_size=n, max_size=n))
    floats = data.draw(st.lists(st.one_of(st.none(), FLOATS), min_size=n, max_size=n))
    if dtype_name in ("Float16", "Float32", "Float64", "Decimal"):
        vals = (
            floats if dtype_name != "Decimal" else [None if v is None or v != v or abs(v) > 1e6 else v for v in floats]
        )
        return pl.Series(name, vals, dtype=pl.Float64).cast(dtype, strict=False)
    if dtype_name in ("String", "Categorical", "Enum", "Binary"):
        s = pl.Series(
            name, [None if v is None else str(v % 3) if dtype_name == "Enum" else str(v) for v in ints], dtype=pl.String
        )
        if dtype_name == "Enum":
            s = s.replace({"0": "a"})
        return s.cast(dtype, strict=False) if dtype_name != "Binary" else s.cast(pl.Binary)
    if dtype_name == "Boolean":
        return pl.Series(name, [None if v is None else v % 2 == 0 for v in ints], dtype=pl.Boolean)
    if dtype_name in ("Date", "Datetime"):
        return pl.Series(name, [None if v is None else dt.date(2020, 1, 1 + v) for v in ints]).cast(dtype)
    if dtype_name == "Duration":
        return pl.Series(name, [None if v is None else dt.timedelta(days=v) for v in ints], dtype=pl.Duration)
    if dtype_name == "Time":
        return pl.Series(name, [None if v is None else dt.time(v) for v in ints], dtype=pl.Time)
    if dtype_name == "Null":
        return pl.Series(name, [None] * n, dtype=pl.Null)
    if dtype_name == "List":
        return pl.Series(name, [None if v is None else [v] for v in ints], dtype=pl.List(pl.Int64))
    if dtype_name == "Array":
        return pl.Series(name, [[v or 0, 1] for v in ints], dtype=pl.Array(pl.Int64, 2))
    if dtype_name == "Struct":
        return pl.Series(name, [{"a": v} for v in ints], dtype=pl.Struct({"a": pl.Int64}))
    return pl.Series(name, ints, dtype=pl.Int64).cast(dtype, strict=False)


@st.composite
def frames(draw: st.DrawFn, names: tuple[str, ...] = ("d", "p", "y", "x")) -> pl.DataFrame:
    n = draw(st.integers(0, 8))
    data = draw(st.data())
    cols = []
    for name in names:
        dname, dtype = draw(st.sampled_from(DTYPES))
        cols.append(column(name, dname, dtype, n, data))
    return pl.DataFrame(cols)


def unchanged(df: pl.DataFrame, f: Callable[[], object]) -> object:
    before = df.clone()
    out = typed(f)
    assert df.schema == before.schema and df.equals(before, null_equal=True), "the input frame was modified"
    return out


# ---- fuzzers --------------------------------------------------------------------------------------


@fuzz
@given(frames(("province", "total", "region", "x")))
def test_rank_and_bands_on_any_frame(df: pl.DataFrame) -> None:
    unchanged(df, lambda: pk.rank(df, "total"))
    unchanged(df, lambda: pk.rank(df, "total", within="region"))
    unchanged(df, lambda: pk.group_bands(df, "total"))


@fuzz
@given(frames(("agency", "code", "d", "x")))
def test_agencies_on_any_frame(df: pl.DataFrame) -> None:
    unchanged(df, lambda: pk.agencies(df))


@fuzz
@given(
    frames(),
    st.sampled_from(["taylor", "bootstrap", "jackknife"]),
    st.booleans(),
    st.booleans(),
)
def test_survey_means_on_any_frame_and_tiny_designs(df: pl.DataFrame, method: str, strata: bool, weight: bool) -> None:
    design = pk.Design(domain="d", psu="p", strata="x" if strata else None, weight="x" if weight else None)
    unchanged(df, lambda: pk.Survey(df, design=design).means(["y"], method=method, replicates=20, seed=1))  # type: ignore[arg-type]


@fuzz
@given(
    n=st.integers(1, 12),
    data=st.data(),
    method=st.sampled_from(["taylor", "bootstrap", "jackknife"]),
)
def test_degenerate_numeric_designs(n: int, data: st.DataObject, method: str) -> None:
    """Numeric designs that are legal in type but degenerate in shape: one PSU per stratum, one row
    per domain, zero/negative/NaN weights, constant or infinite answers."""
    df = pl.DataFrame(
        {
            "d": data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)),
            "p": data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)),
            "s": data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)),
            "w": data.draw(st.lists(FLOATS, min_size=n, max_size=n)),
            "y": data.draw(st.lists(st.one_of(st.none(), FLOATS), min_size=n, max_size=n)),
        }
    )
    lonely = data.draw(st.sampled_from(["adjust", "certainty", "fail"]))
    design = pk.Design(domain="d", psu="p", strata="s", weight="w", lonely_psu=lonely)  # type: ignore[arg-type]
    out = unchanged(df, lambda: pk.Survey(df, design=design).means(["y"], method=method, replicates=10, seed=2))  # type: ignore[arg-type]
    if isinstance(out, pl.DataFrame):
        assert out.height <= df["d"].n_unique()


@fuzz
@given(st.one_of(st.text(max_size=20), st.integers(-(2**70), 2**70), st.none(), st.floats()))
def test_province_lookup_on_any_value(query: Any) -> None:
    typed(lambda: pk.province(query))
    typed(lambda: pk.unit_2025(query))


_SPEC = json.loads(pk.framework(2023).to_json())


@st.composite
def edited_specs(draw: st.DrawFn) -> str:
    text = json.dumps(_SPEC)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["del", "ins", "key"]))
        if op == "del":
            text = text[:i] + text[i + 1 :]
        elif op == "ins":
            text = (
                text[:i]
                + draw(st.sampled_from(['"', "{", "}", "[", "]", ",", ":", "0", "-", "\ud800", "z"]))
                + text[i:]
            )
        else:
            text = text.replace('"code"', '"codez"', 1) if draw(st.booleans()) else text.replace('"kind"', '"knd"', 1)
    return text


@fuzz
@given(edited_specs())
def test_framework_json_edits(text: str) -> None:
    fw = typed(lambda: pk.Framework.from_json(text))
    if fw is not None:
        assert isinstance(fw, pk.Framework) and fw.n_indicators > 0


@fuzz
@given(st.text(max_size=60))
def test_framework_text_parsers_on_any_text(text: str) -> None:
    typed(lambda: pk.Framework.from_json(text))
    typed(lambda: pk.Framework.from_toml(text))


@fuzz
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(["Đắk Lắk", "Ha Noi", "66", "Atlantis", ""]), st.integers(-5, 120)),
        st.dictionaries(st.sampled_from(["d1", "d2", "total", "d9", "civic_knowledge", ""]), FLOATS, max_size=3),
        max_size=3,
    ),
    st.sampled_from(["stay", "trend", "national", "x"]),
)
def test_simulate_on_any_changes(changes: dict[Any, dict[str, float]], others: str) -> None:
    typed(lambda: pk.simulate(2023, changes, others=others))  # type: ignore[arg-type]


@fuzz
@given(st.one_of(st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=4), st.none()))
def test_year_arguments_on_any_value(year: Any) -> None:
    typed(lambda: pk.published(year))
    typed(lambda: pk.league(year))
    typed(lambda: pk.framework(year))


def test_the_oracle_catches_a_planted_panic(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fuzzed input reaching the debug-only panic hook fails the fuzzer."""
    monkeypatch.setenv("PAPIKIT_TEST_HOOKS", "1")

    def target(x: int) -> None:
        if x > 1000:  # the planted bug, reached only by some inputs
            _core._debug_panic()

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(st.integers(0, 10_000))
    def fuzzer(x: int) -> None:
        typed(lambda: target(x))

    with pytest.raises(OracleFailure, match="caught panic"):
        fuzzer()
