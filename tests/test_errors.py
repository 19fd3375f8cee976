"""Errors as data: fields as attributes, located problems from ``errors()``, the hierarchy in
``papikit.errors``, pickling, and a caught panic as ``pk.InternalError``."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import polars as pl
import pytest

import papikit as pk
import papikit.errors as errors
from papikit import _core

ALL = [
    "PapiError",
    "UnknownProvinceError",
    "UnknownYearError",
    "ColumnError",
    "FrameworkError",
    "UnknownCodeError",
    "NoDataError",
    "InvalidArgumentError",
    "SurveyError",
    "InfeasibleError",
    "InternalError",
    "ResourceLimitError",
    "FileError",
]


def _three_problem_spec() -> str:
    spec = json.loads(pk.framework(2023).to_json())
    spec["dimensions"][0]["subdimensions"][0]["indicators"][0]["direction"] = "sideways"
    spec["dimensions"][1]["subdimensions"] = []
    spec["dimensions"][2]["subdimensions"][0]["code"] = spec["dimensions"][0]["subdimensions"][0]["code"]
    return json.dumps(spec)


def test_framework_errors_lists_three_located_items() -> None:
    with pytest.raises(pk.FrameworkError) as e:
        pk.Framework.from_json(_three_problem_spec())
    items = e.value.errors()
    assert len(items) == 3
    assert all(set(i) == {"loc", "kind", "message"} for i in items)
    located = {(i["loc"], i["kind"]) for i in items}
    assert located == {
        ("dimensions[0].subdimensions[0].indicators[0]", "unknown_direction"),
        ("dimensions[1]", "no_subdimensions"),
        ("dimensions[2].subdimensions[0]", "duplicate_code"),
    }
    dup = next(i for i in items if i["kind"] == "duplicate_code")
    assert dup["message"].startswith('duplicate code "civic_knowledge" (first used at dimensions[0]')
    assert "3 problem(s)" in str(e.value)
    assert len(e.value.problems) == 3
    assert f"{dup['loc']}: {dup['message']}" in e.value.problems


def test_framework_file_with_three_problems(tmp_path: object) -> None:
    from pathlib import Path

    p = Path(str(tmp_path)) / "fw.json"
    p.write_text(_three_problem_spec(), encoding="utf-8")
    with pytest.raises(pk.FrameworkError) as e:
        pk.Framework.read(p)
    assert [i["loc"] for i in e.value.errors()] == [
        "dimensions[0].subdimensions[0].indicators[0]",
        "dimensions[1]",
        "dimensions[2].subdimensions[0]",
    ]


def test_flat_table_problems_are_located_by_row() -> None:
    df = pl.DataFrame(
        {
            "code": ["d1", "s1", "x"],
            "parent": [None, "d9", None],
            "level": ["dimension", "subdimension", "nonsense"],
            "name_vi": ["a", "b", "c"],
            "name_en": ["a", "b", "c"],
        }
    )
    with pytest.raises(pk.FrameworkError) as e:
        pk.Framework.from_polars(df, first_year=2023)
    kinds = {(i["loc"], i["kind"]) for i in e.value.errors()}
    assert ("rows[1]", "unknown_parent") in kinds
    assert ("rows[2]", "unknown_level") in kinds


def test_unknown_province_attributes() -> None:
    with pytest.raises(pk.UnknownProvinceError) as e:
        pk.province("Dak Lek")
    err = e.value
    assert err.query == "Dak Lek"
    assert err.province == "Dak Lek"
    assert isinstance(err.suggestions, list)
    assert 1 <= len(err.suggestions) <= 3
    assert err.suggestions[0] == "Đắk Lắk"
    assert err.errors() == [{"loc": "Dak Lek", "kind": "unknown_province", "message": str(err)}]


def test_column_error_attributes() -> None:
    df = pl.DataFrame({"p": ["a", "b"], "score": [1.0, 2.0]})
    with pytest.raises(pk.ColumnError) as e:
        pk.rank(df, by="nope")
    assert e.value.column == "nope"
    assert e.value.errors()[0]["loc"] == "nope"
    with pytest.raises(pk.ColumnError) as e:
        pk.rank(df, by="p")
    assert e.value.column == "p"
    assert e.value.errors()[0]["kind"] == "column_type"


def test_unknown_year_attributes() -> None:
    with pytest.raises(pk.UnknownYearError) as e:
        pk.published(2009)
    assert e.value.year == 2009
    assert e.value.first < e.value.last
    assert f"{e.value.first}-{e.value.last}" in str(e.value)
    assert e.value.errors()[0] == {"loc": "2009", "kind": "unknown_year", "message": str(e.value)}


def test_infeasible_attributes() -> None:
    pub = pk.published(2023)
    own = pub.filter(pl.col("province_code") == 66)
    caps = {f"d{k}": float(own[f"d{k}"][0]) for k in range(1, 9)}
    with pytest.raises(pk.InfeasibleError) as e:
        pk.optimize(66, 2023, target=pk.TargetRank(1), caps=caps)
    best = float(own["total"][0])
    assert isinstance(e.value.best_rank, int)
    assert e.value.best_rank == pub.filter(pl.col("total") > best).height + 1
    assert e.value.best_score == pytest.approx(best)
    assert e.value.errors()[0]["kind"] == "infeasible"


def test_invalid_argument_attributes() -> None:
    with pytest.raises(pk.InvalidArgumentError) as e:
        pk.merged(2023, weights={})
    assert e.value.argument == "weights"
    assert e.value.message in str(e.value)
    assert e.value.errors()[0]["loc"] == "weights"
    # population weights work since the GSO 2022 table (63/63); a year it lacks names the argument
    with pytest.raises(pk.InvalidArgumentError) as e2:
        pk.merged(2023, weights="population", population_year=2019)
    assert e2.value.argument == "population_year"
    assert e2.value.errors()[0]["loc"] == "population_year"


def test_hierarchy_lives_in_papikit_errors() -> None:
    for name in ALL:
        cls = getattr(errors, name)
        assert cls.__module__ == "papikit.errors"
        assert issubclass(cls, pk.PapiError)
        assert issubclass(cls, Exception)
        assert getattr(pk, name) is cls
        assert getattr(_core, name) is cls
    assert set(ALL) <= set(errors.__all__)


def test_pickle_round_trip_keeps_fields() -> None:
    with pytest.raises(pk.UnknownProvinceError) as e:
        pk.province("Dak Lek")
    back = pickle.loads(pickle.dumps(e.value))
    assert type(back) is pk.UnknownProvinceError
    assert str(back) == str(e.value)
    assert back.suggestions == e.value.suggestions
    assert back.errors() == e.value.errors()
    with pytest.raises(pk.FrameworkError) as f:
        pk.Framework.from_json(_three_problem_spec())
    assert pickle.loads(pickle.dumps(f.value)).errors() == f.value.errors()


def test_python_raised_errors_have_one_item() -> None:
    err = pk.InvalidArgumentError("invalid value for share: 2; use a number in 0..1", argument="share")
    assert err.argument == "share"
    assert err.errors() == [{"loc": "share", "kind": "invalid_argument", "message": str(err)}]
    assert pickle.loads(pickle.dumps(err)).argument == "share"
    assert pk.PapiError("x").errors() == [{"loc": "", "kind": "papi_error", "message": "x"}]


def test_panic_hook_is_off_without_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPIKIT_TEST_HOOKS", raising=False)
    with pytest.raises(pk.InvalidArgumentError) as e:
        _core._debug_panic()
    assert e.value.argument == "PAPIKIT_TEST_HOOKS"


def test_caught_panic_is_internal_error_and_process_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPIKIT_TEST_HOOKS", "1")
    with pytest.raises(pk.InternalError) as e:
        _core._debug_panic()
    assert type(e.value) is pk.InternalError
    assert isinstance(e.value, pk.PapiError)
    assert "bug report" in str(e.value)
    assert "deliberate panic" in str(e.value)
    # the process and the extension still work after the panic
    assert pk.province("Dak Lak").code == 66


def test_panic_in_a_fresh_process_exits_cleanly() -> None:
    code = (
        "import papikit as pk\n"
        "from papikit import _core\n"
        "try:\n"
        "    _core._debug_panic()\n"
        "except pk.InternalError as e:\n"
        "    print('internal', type(e).__module__)\n"
        "print(pk.province(66).name_en)\n"
    )
    env = {**os.environ, "PAPIKIT_TEST_HOOKS": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["internal papikit.errors", "Dak Lak"]


def test_file_and_resource_errors_are_data_and_pickle() -> None:
    with pytest.raises(pk.FileError) as e:
        pk.Framework.read("/nonexistent-papikit/f.json")
    assert isinstance(e.value, OSError)
    assert e.value.path == "/nonexistent-papikit/f.json" and e.value.operation == "read"
    assert e.value.errors()[0]["loc"] == "/nonexistent-papikit/f.json"
    back = pickle.loads(pickle.dumps(e.value))
    assert type(back) is pk.FileError and back.path == e.value.path and str(back) == str(e.value)
    assert issubclass(pk.ResourceLimitError, pk.InvalidArgumentError)
