"""The typed boundary between Python and Rust.

* every frame handed to Rust goes through one guard (Rust, before extraction): Decimal columns are
  cast to Float64, types the Rust side does not read raise ColumnError naming the column and the
  argument - never a PanicException from the FFI hand-over;
* `_core.pyi` declares every name of the compiled module with the parameters it really has;
* targets are Rust values: validated once, compared and hashed by value, picklable.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pickle
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import papikit as pk
from papikit import _core

# ------------------------------------------------------------------------------------- frame guard


def _decimal(values: list[float]) -> pl.Series:
    return pl.Series([Decimal(str(v)) for v in values], dtype=pl.Decimal(12, 4))


def _with(df: pl.DataFrame, name: str, s: pl.Series) -> pl.DataFrame:
    return df.with_columns(s.alias(name))


def _survey() -> pl.DataFrame:
    return pk.synthetic_survey(2023, seed=1, scale=0.1)


def _agency_table() -> pl.DataFrame:
    return pl.DataFrame({"agency_code": ["y_te", "noi_vu"], "dimension": ["d6", "d1"]})


def _gap_frame() -> pl.DataFrame:
    return pk.gaps("Đắk Lắk", 2023).table


def _published() -> pl.DataFrame:
    return pk.published(2023).drop("rank", "n_ranked", "group")


# (entry point, argument name, frame builder, call with the frame)
ENTRY_POINTS: list[tuple[str, str, Callable[[], pl.DataFrame], Callable[[pl.DataFrame], Any]]] = [
    ("rank_frame", "df", _published, lambda df: _core.rank_frame(df, "total")),
    ("group_bands", "df", _published, lambda df: _core.group_bands(df, "total")),
    (
        "framework_from_polars",
        "df",
        lambda: pk.framework(2023).to_polars(),
        lambda df: _core.framework_from_polars(df, "x", 2023, 2023),
    ),
    (
        "survey_score",
        "df",
        _survey,
        lambda df: pk.Survey(df, design=pk.PAPI_DESIGN).score(pk.framework(2023), method="taylor"),
    ),
    (
        "survey_domain_means",
        "df",
        _survey,
        lambda df: pk.Survey(df, design=pk.PAPI_DESIGN).means("d1_know_slogan_dan_biet"),
    ),
    (
        "survey_replicate",
        "df",
        _survey,
        lambda df: pk.Survey(df, design=pk.PAPI_DESIGN).replicate("jackknife"),
    ),
    ("agency_table", "table", _agency_table, lambda df: _core.agency_table(df)),
    ("review", "table", _agency_table, lambda df: _core.review("Đắk Lắk", 2024, table=df)),
    ("by_agency", "gaps", _gap_frame, lambda df: _core.by_agency(df)),
    ("by_agency", "table", _agency_table, lambda df: _core.by_agency(_gap_frame(), df)),
]


@pytest.mark.parametrize(
    ("entry", "argument", "build", "call"), ENTRY_POINTS, ids=[f"{e[0]}-{e[1]}" for e in ENTRY_POINTS]
)
def test_every_frame_entry_point_rejects_int128_naming_column_and_argument(
    entry: str, argument: str, build: Callable[[], pl.DataFrame], call: Callable[[pl.DataFrame], Any]
) -> None:
    df = build()
    bad = _with(df, "huge", pl.Series(range(df.height), dtype=pl.Int128))
    with pytest.raises(pk.ColumnError, match=rf"column \"huge\" has type Int128 \(in argument {argument}\)") as e:
        call(bad)
    assert not isinstance(e.value, pl.exceptions.PanicException)
    assert e.value.column == "huge"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("entry", "argument", "build", "call"), ENTRY_POINTS, ids=[f"{e[0]}-{e[1]}" for e in ENTRY_POINTS]
)
def test_every_frame_entry_point_casts_decimal(
    entry: str, argument: str, build: Callable[[], pl.DataFrame], call: Callable[[pl.DataFrame], Any]
) -> None:
    df = build()
    extra = _with(df, "money", _decimal([0.5] * df.height))
    call(extra)  # an extra Decimal column is read as Float64, not a panic


@pytest.mark.parametrize(
    ("name", "series"),
    [
        ("nested", pl.Series([{"a": 1}, {"a": 2}])),
        ("listed", pl.Series([[{"a": 1}], [{"a": 2}]])),
        ("fixed", pl.Series([[1, 2], [3, 4]], dtype=pl.Array(pl.Int64, 2))),
        ("obj", pl.Series([object(), object()], dtype=pl.Object)),
        ("dec_list", pl.Series([[Decimal("1.5")], [Decimal("2.5")]], dtype=pl.List(pl.Decimal(10, 2)))),
        ("unsigned", pl.Series([1, 2], dtype=pl.UInt128)),
    ],
)
def test_unsupported_types_including_nested_are_named(name: str, series: pl.Series) -> None:
    df = pl.DataFrame({"s": [1.0, 2.0]}).with_columns(series.alias(name))
    with pytest.raises(pk.ColumnError, match=rf"column \"{name}\" has type .* \(in argument df\)"):
        pk.rank(df, by="s")


def test_every_frame_parameter_of_the_core_is_covered_above() -> None:
    """Every `_core` function parameter typed as a DataFrame in the stub is exercised by the guard tests."""
    framed = set()
    for node in ast.parse(STUB.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            a = node.args
            for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
                if arg.annotation is not None and "pl.DataFrame" in ast.unparse(arg.annotation):
                    framed.add((node.name, arg.arg))
    assert framed == {(e[0], e[1]) for e in ENTRY_POINTS}


def test_decimal_values_arrive_as_floats() -> None:
    df = pl.DataFrame({"s": _decimal([1.25, 3.5, 2.0])})
    out = _core.rank_frame(df, "s")
    assert out.schema["s"] == pl.Float64
    assert out["s"].to_list() == [1.25, 3.5, 2.0]
    assert out["s_rank"].to_list() == [3, 1, 2]


def test_non_frames_are_invalid_arguments_naming_the_argument() -> None:
    with pytest.raises(pk.InvalidArgumentError, match="invalid value for df: expected a polars DataFrame, got dict"):
        _core.rank_frame({"s": [1.0]}, "s")  # type: ignore[arg-type]
    with pytest.raises(pk.InvalidArgumentError, match="invalid value for gaps"):
        _core.by_agency([1, 2])  # type: ignore[arg-type]


def test_frames_module_is_gone() -> None:
    assert not (Path(pk.__file__).parent / "_frames.py").exists()


# --------------------------------------------------------------------------------------- stub file

STUB = Path(pk.__file__).parent / "_core.pyi"


def _stub() -> dict[str, ast.stmt]:
    out: dict[str, ast.stmt] = {}
    for node in ast.parse(STUB.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = node
        elif isinstance(node, ast.ImportFrom):  # explicit re-exports: `from m import X as X`
            for alias in node.names:
                if alias.asname == alias.name:
                    out[alias.name] = node
    return out


def _stub_params(fn: ast.FunctionDef, *, method: bool) -> list[tuple[str, str, bool]]:
    """(name, kind, has default) of a stub function; `self` dropped for methods."""
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = [
        (p.arg, "POSITIONAL_ONLY" if i < len(a.posonlyargs) else "POSITIONAL_OR_KEYWORD", d is not None)
        for i, (p, d) in enumerate(zip(positional, defaults, strict=True))
    ]
    if a.vararg:
        out.append((a.vararg.arg, "VAR_POSITIONAL", False))
    out += [(p.arg, "KEYWORD_ONLY", d is not None) for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)]
    if a.kwarg:
        out.append((a.kwarg.arg, "VAR_KEYWORD", False))
    is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
    return out[1:] if method and not is_static else out


def _runtime_params(obj: Any, *, method: bool) -> list[tuple[str, str, bool]]:
    ps = list(inspect.signature(obj).parameters.values())
    if method and ps and ps[0].name == "self":
        ps = ps[1:]
    return [(p.name, p.kind.name, p.default is not inspect.Parameter.empty) for p in ps]


def _is_property(node: ast.stmt) -> bool:
    if isinstance(node, ast.AnnAssign):
        return True
    return isinstance(node, ast.FunctionDef) and any(
        isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list
    )


def _public_runtime_names() -> list[str]:
    return sorted(n for n in dir(_core) if not n.startswith("_") or n == "__version__")


def test_every_core_name_is_declared_in_the_stub() -> None:
    stub = _stub()
    missing = [n for n in _public_runtime_names() if n not in stub]
    assert missing == [], f"declare in _core.pyi: {missing}"
    stale = [n for n in stub if not hasattr(_core, n)]
    assert stale == [], f"_core.pyi declares names the module does not have: {stale}"


def test_core_functions_have_the_stub_signatures() -> None:
    stub = _stub()
    checked = 0
    for name in _public_runtime_names():
        obj = inspect.unwrap(getattr(_core, name))  # papikit._args wraps the functions
        node = stub[name]
        if inspect.isbuiltin(obj):
            assert isinstance(node, ast.FunctionDef), name
            assert _runtime_params(obj, method=False) == _stub_params(node, method=False), name
            checked += 1
    assert checked >= 20


def _class_members(cls: type) -> dict[str, Any]:
    return {n: v for n, v in vars(cls).items() if not n.startswith("_")}


def test_core_classes_have_the_stub_members_and_signatures() -> None:
    stub = _stub()
    classes = [n for n in _public_runtime_names() if inspect.isclass(getattr(_core, n))]
    assert {"TargetRank", "Group", "Year", "CloseGap", "GapResult", "PlanResult"} <= set(classes)
    for name in classes:
        cls = getattr(_core, name)
        node = stub[name]
        if isinstance(node, ast.ImportFrom):
            # re-exported from the Python module that defines it (papikit.errors): the same object
            assert node.module is not None, name
            assert getattr(importlib.import_module(node.module), name) is cls, name
            continue
        assert isinstance(node, ast.ClassDef), name
        if issubclass(cls, BaseException):
            bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
            assert bases == [cls.__base__.__name__], name
            continue
        declared = {
            (n.name if isinstance(n, ast.FunctionDef) else n.target.id): n  # type: ignore[union-attr]
            for n in node.body
            if isinstance(n, ast.FunctionDef) or (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
        }
        runtime = _class_members(cls)
        assert sorted(runtime) == sorted(n for n in declared if not n.startswith("_")), name
        for member, value in runtime.items():
            if inspect.isgetsetdescriptor(value):
                assert _is_property(declared[member]), f"{name}.{member} is a property"
            else:
                fn = declared[member]
                assert isinstance(fn, ast.FunctionDef) and not _is_property(fn), f"{name}.{member}"
                assert _runtime_params(getattr(cls, member), method=True) == _stub_params(fn, method=True), (
                    f"{name}.{member}"
                )
        if cls.__text_signature__ is not None:  # a constructor
            init = declared.get("__init__")
            assert isinstance(init, ast.FunctionDef), f"{name}.__init__"
            assert _runtime_params(cls, method=False) == _stub_params(init, method=True), f"{name}.__init__"
        else:
            assert "__init__" not in declared, f"{name} has no constructor"


# ----------------------------------------------------------------------------------------- targets


def test_targets_are_core_values_compared_and_hashed_by_value() -> None:
    assert pk.TargetRank is _core.TargetRank and pk.Group is _core.Group and pk.Year is _core.Year
    assert pk.CloseGap is _core.CloseGap
    assert {pk.Group("Trung bình cao"), pk.Group("high_average"), pk.Group(2)} == {pk.Group("High average")}
    assert pk.TargetRank(3) == pk.TargetRank(3) != pk.TargetRank(4)
    assert pk.Year(2022) != pk.TargetRank(2022)  # type: ignore[comparison-overlap]
    assert hash(pk.CloseGap(0.5)) == hash(pk.CloseGap(0.5, to="best"))
    assert pk.CloseGap(0.5, to=8) == pk.CloseGap(0.5, to=8.0) != pk.CloseGap(0.5)
    for t in (pk.TargetRank(15), pk.Group("low"), pk.Year(2020), pk.CloseGap(0.25, to=7.5), pk.CloseGap(1.0)):
        assert pickle.loads(pickle.dumps(t)) == t
        assert (
            eval(repr(t), {"TargetRank": pk.TargetRank, "Group": pk.Group, "Year": pk.Year, "CloseGap": pk.CloseGap})
            == t
        )


def test_group_exposes_one_field() -> None:
    g = pk.Group("Cao")
    assert g.name == "high"
    assert not hasattr(g, "key") and not hasattr(g, "value")


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: pk.TargetRank(0), pk.InvalidArgumentError),
        (lambda: pk.TargetRank(True), pk.InvalidArgumentError),
        (lambda: pk.TargetRank(2.0), pk.InvalidArgumentError),  # type: ignore[arg-type]
        (lambda: pk.Year(1999), pk.InvalidArgumentError),
        (lambda: pk.Year("2022"), pk.InvalidArgumentError),  # type: ignore[arg-type]
        (lambda: pk.Group("medium"), pk.UnknownCodeError),
        (lambda: pk.CloseGap(1.5), pk.InvalidArgumentError),
        (lambda: pk.CloseGap(True), pk.InvalidArgumentError),
        (lambda: pk.CloseGap(0.5, to="worst"), pk.InvalidArgumentError),  # type: ignore[arg-type]
    ],
)
def test_targets_validate_once_on_construction(make: Callable[[], object], error: type[Exception]) -> None:
    with pytest.raises(error):
        make()


def test_frozen_targets() -> None:
    t = pk.TargetRank(3)
    with pytest.raises(AttributeError):
        t.rank = 4  # type: ignore[misc]


def test_targets_go_to_rust_as_objects() -> None:
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.Group("Trung bình cao"))
    assert plan.target == pk.Group("high_average")
    assert pk.optimize("Đắk Lắk", 2023, target=45.0).target == 45.0
    with pytest.raises(pk.InvalidArgumentError, match="invalid value for target"):
        pk.optimize("Đắk Lắk", 2023, target=True)
    with pytest.raises(pk.InvalidArgumentError, match="invalid value for target"):
        pk.optimize("Đắk Lắk", 2023, target=pk.Year(2022))  # type: ignore[arg-type]
    with pytest.raises(pk.InvalidArgumentError, match="invalid value for against"):
        pk.gaps("Đắk Lắk", 2023, against="worst")
    with pytest.raises(pk.InvalidArgumentError, match="not a number"):
        pk.simulate(2023, {"Đắk Lắk": {"d1": "a lot"}})  # type: ignore[dict-item]


# ------------------------------------------------------------------------------------------ handles


def test_results_read_their_fields_from_the_rust_handles() -> None:
    g = pk.gaps("Đắk Lắk", 2023, lang="vi")
    assert isinstance(g._result, _core.GapResult)
    assert g.province == "Đắk Lắk" and g._result.province("en") == "Dak Lak"
    assert g.table.equals(g._result.frame("vi"))
    p = pk.profile("Đắk Lắk", 2023)
    assert isinstance(p._result, _core.ProfileResult) and p.previous_year == 2022 and p.region is not None
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15))
    assert isinstance(plan._plan, _core.PlanResult)
    assert plan.gains == tuple(plan._plan.gains) and plan.rank_after == 15
    s = pk.sensitivity("Đắk Lắk", 2023)
    assert isinstance(s._result, _core.SensitivityResult) and s.rank == 31
    sim = pk.simulate(2023, {"Đắk Lắk": {"d4": 0.5}})
    assert isinstance(sim._result, _core.SimulationResult) and sim.year == 2023
