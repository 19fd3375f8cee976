"""Framework model: built-in periods, ranges, IO round trips, validation errors with locations."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import papikit as pk


@pytest.mark.parametrize(
    ("year", "dims", "subs"),
    [
        (2011, 6, 22),
        (2015, 6, 22),
        (2016, 6, 22),
        (2017, 6, 22),
        (2018, 8, 28),
        (2019, 8, 29),
        (2020, 8, 29),
        (2021, 8, 28),
        (2023, 8, 28),
        (2024, 8, 28),
    ],
)
def test_builtin_shapes(year: int, dims: int, subs: int) -> None:
    fw = pk.framework(year)
    assert (fw.n_dimensions, fw.n_subdimensions) == (dims, subs)


@pytest.mark.parametrize("year", [2015, 2018, 2019, 2023])
def test_subdimension_ranges_are_1_over_n(year: int) -> None:
    flat = pk.framework(year).to_polars()
    subs = flat.filter(pl.col("level") == "subdimension")
    for d, g in subs.group_by("parent"):
        n = g.height
        assert all(abs(v - 1 / n) < 1e-12 for v in g["min"]), d
        assert all(abs(v - 10 / n) < 1e-12 for v in g["max"]), d


def test_indicators_are_bilingual_with_direction_and_seed_items() -> None:
    fw = pk.framework(2023)
    ind = fw.indicators()
    assert ind["name_vi"].str.len_chars().min() > 0  # type: ignore[operator]
    assert set(ind["direction"]) == {"higher_is_better", "lower_is_better"}
    items = fw.items()
    assert items.height == 18
    assert "Người bệnh không phải nằm chung giường" in items["name_vi"].to_list()
    hosp = ind.filter(pl.col("code") == "d6_district_hospital_quality")["items"][0]
    assert len(hosp.split(";")) == 10


@pytest.mark.parametrize("suffix", [".json", ".toml", ".csv"])
def test_round_trip_files(tmp_path: Path, suffix: str) -> None:
    fw = pk.framework(2019)
    p = tmp_path / f"fw{suffix}"
    fw.write(p)
    back = pk.Framework.read(p, first_year=2019, last_year=2020)
    assert back.to_polars().drop("min", "max").equals(fw.to_polars().drop("min", "max"))
    if suffix != ".csv":
        assert back == fw


def _spec() -> dict:
    return json.loads(pk.framework(2023).to_json())


def test_duplicate_code_is_located() -> None:
    spec = _spec()
    spec["dimensions"][2]["subdimensions"][0]["code"] = spec["dimensions"][0]["subdimensions"][0]["code"]
    with pytest.raises(
        pk.FrameworkError, match=r"dimensions\[2\]\.subdimensions\[0\]: duplicate code \"civic_knowledge\""
    ):
        pk.Framework.from_json(json.dumps(spec))


def test_all_problems_reported_together() -> None:
    spec = _spec()
    spec["dimensions"][0]["subdimensions"][0]["indicators"][0]["direction"] = "sideways"
    spec["dimensions"][1]["subdimensions"] = []
    with pytest.raises(pk.FrameworkError) as e:
        pk.Framework.from_json(json.dumps(spec))
    msg = str(e.value)
    assert "2 problem(s)" in msg
    assert 'dimensions[0].subdimensions[0].indicators[0]: unknown direction "sideways"' in msg
    assert 'dimensions[1]: dimension "d2" has no sub-dimensions' in msg


def test_all_problems_are_located_items() -> None:
    spec = _spec()
    spec["dimensions"][0]["subdimensions"][0]["indicators"][0]["direction"] = "sideways"
    spec["dimensions"][1]["subdimensions"] = []
    with pytest.raises(pk.FrameworkError) as e:
        pk.Framework.from_json(json.dumps(spec))
    assert [(i["loc"], i["kind"]) for i in e.value.errors()] == [
        ("dimensions[0].subdimensions[0].indicators[0]", "unknown_direction"),
        ("dimensions[1]", "no_subdimensions"),
    ]
    assert e.value.errors()[1]["message"] == 'dimension "d2" has no sub-dimensions'


def test_flat_table_orphan_subdimension() -> None:
    df = pl.DataFrame(
        {
            "code": ["d1", "s1"],
            "parent": [None, "d9"],
            "level": ["dimension", "subdimension"],
            "name_vi": ["a", "b"],
            "name_en": ["a", "b"],
        }
    )
    with pytest.raises(pk.FrameworkError, match=r"sub-dimension \"s1\" has no parent"):
        pk.Framework.from_polars(df, first_year=2023)


def test_unparsable_files() -> None:
    with pytest.raises(pk.FrameworkError, match="JSON"):
        pk.Framework.from_json("{not json")
    with pytest.raises(pk.FrameworkError, match="TOML"):
        pk.Framework.from_toml("= nope")


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_parse_errors_name_the_key_path(tmp_path: Path, fmt: str) -> None:
    """A wrong type deep inside a spec: the located item's loc is the key path, not "JSON"/"TOML"
    (the message keeps line and column)."""
    fw = pk.framework(2023)
    spec = json.loads((lambda p: (fw.write(p), p.read_text(encoding="utf-8"))[1])(tmp_path / "f.json"))
    dims = spec["dimensions"]
    cases = [
        ((2, "subdimensions", 0, "code"), 5, "dimensions[2].subdimensions[0].code", "invalid type"),
        (
            (0, "subdimensions", 1, "indicators", 2, "direction"),
            1.5,
            "dimensions[0].subdimensions[1].indicators[2].direction",
            "",
        ),
        ((7, "name_en"), ["x"], "dimensions[7].name_en", "invalid type"),
    ]
    for (di, *rest), bad, path, needle in cases:
        s = json.loads(json.dumps(spec))
        node = s["dimensions"][di]
        for k in rest[:-1]:
            node = node[k]
        node[rest[-1]] = bad
        if fmt == "json":
            text = json.dumps(s, indent=2, ensure_ascii=False)
            with pytest.raises(pk.FrameworkError) as e:
                pk.Framework.from_json(text)
        else:
            # the TOML of the spec with the one wrong value (written by the library, then edited)
            p = tmp_path / "ok.toml"
            pk.Framework.from_json(json.dumps(spec)).write(p)
            text = _toml_with(p.read_text(encoding="utf-8"), path, bad)
            with pytest.raises(pk.FrameworkError) as e:
                pk.Framework.from_toml(text)
        item = e.value.errors()[0]
        assert item["loc"] == path, (fmt, item)
        assert e.value.path == path  # type: ignore[attr-defined]
        assert item["kind"] == "framework_parse" and f"at {path}" in str(e.value)
        assert "line" in str(e.value) and needle in str(e.value)
    assert len(dims) == 8
    # an unknown key is located at that key
    s = json.loads(json.dumps(spec))
    s["dimensions"][3]["subdimensions"][2]["indicatorz"] = []
    with pytest.raises(pk.FrameworkError) as e:
        pk.Framework.from_json(json.dumps(s, indent=1))
    assert e.value.errors()[0]["loc"] == "dimensions[3].subdimensions[2].indicatorz"
    # a syntax error at the top level keeps the format as its loc
    with pytest.raises(pk.FrameworkError) as e:
        pk.Framework.from_json("{not json")
    assert e.value.errors()[0]["loc"] == "JSON"


def _toml_with(text: str, path: str, value: object) -> str:
    """``text`` (TOML written by Framework.write) with the key at ``path`` set to ``value``: the
    n-th ``[[...]]`` header of each level is found by counting, then the key below it replaced."""
    import re

    parts = re.findall(r"(\w+)(?:\[(\d+)\])?", path)
    lines = text.split("\n")
    pos, prefix = 0, ""
    for name, idx in parts[:-1]:
        prefix = f"{prefix}.{name}" if prefix else name
        header, seen = f"[[{prefix}]]", -1
        while True:
            if lines[pos].strip() == header:
                seen += 1
                if seen == int(idx):
                    break
            pos += 1
    key = parts[-1][0]
    while not lines[pos].startswith(f"{key} ="):
        pos += 1
    lines[pos] = f"{key} = {json.dumps(value)}"
    return "\n".join(lines)


def test_with_columns_mapping_table() -> None:
    fw = pk.framework(2023)
    m = pl.DataFrame({"code": ["d8_internet_at_home", "d6_hosp_clean_toilets"], "column": ["q1", "q2"]})
    g = fw.with_columns(m)
    items = ";".join(g.to_polars()["items"].drop_nulls())
    assert "q1" in items and "q2" in items and "d6_hosp_clean_toilets" not in items
    with pytest.raises(pk.UnknownCodeError, match="nope"):
        fw.with_columns({"nope": "x"})
    assert fw != g


def test_immutable() -> None:
    fw = pk.framework(2023)
    with pytest.raises(AttributeError):
        fw.name = "x"  # type: ignore[misc]


def test_published_subdimension_scores_fit_the_framework() -> None:
    """Published sub-dimension scores (PAPI 2015/2019/2023 reports, crates/papikit-core/data/
    papi_subdimension_samples.csv) add up to the published dimension score (4 d.p.) and lie inside the
    framework's 1/n..10/n range for that dimension and year."""
    samples = pl.read_csv("crates/papikit-core/data/papi_subdimension_samples.csv", infer_schema_length=0)
    published = {(r["year"], r["province_name_en"]): r for r in pk.published().iter_rows(named=True)}
    checked = matched = 0
    for r in samples.iter_rows(named=True):
        year, dim = int(r["year"]), r["dimension"].lower()
        subs = [float(r[f"sub_{k}"]) for k in range(1, 5) if r[f"sub_{k}"]]
        if not subs:  # a province without published scores that year (Quảng Ninh 2023)
            continue
        fw = pk.framework(year).subdimensions().filter(pl.col("parent") == dim)
        assert fw.height == len(subs), (year, dim, r["province"])
        # rounding: values are printed with 2 (2019) or 4 decimals; each of n+1 numbers is off by <= half a unit
        decimals = len(r["dimension_score"].split(".")[1])
        tol = (len(subs) + 1) * 0.5 * 10**-decimals + 1e-12
        assert abs(sum(subs) - float(r["dimension_score"])) <= tol, (year, dim, r["province"])
        for s, lo, hi in zip(subs, fw["min"], fw["max"], strict=True):
            assert lo <= s <= hi
        pub = published.get((year, r["province"]))
        if pub is not None and pub[dim] is not None:
            matched += 1
            assert abs(pub[dim] - float(r["dimension_score"])) <= 0.5 * 10**-decimals + 1e-9, (year, dim, r["province"])
        checked += 1
    assert checked >= 40 and matched >= 40
