"""Simulation, sensitivity and the optimiser on the published sub-dimension scores (issue 10).

Expected values are computed here independently of the code under test, from the verified source
CSV ``../shared/data/papi/papi_subdimension_scores_2011_2024.csv`` (year, gso_code, dimension,
position, value; provenance in ../shared/README.md) and from ``pk.published`` (the panel). In 2023
D6 has four sub-dimensions at positions 1..4 = 6.1 public health .. 6.4; so one sub-dimension's
range is 10/4 = 2.5 at most.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import papikit as pk

DAK_LAK = 66
SOURCE = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "papi" / "papi_subdimension_scores_2011_2024.csv"
)
if not SOURCE.exists():  # worktrees live one level deeper than the repository root
    SOURCE = Path("/work/shared/data/papi/papi_subdimension_scores_2011_2024.csv")


@pytest.fixture(scope="module")
def csv() -> pl.DataFrame:
    return pl.read_csv(SOURCE, schema_overrides={"gso_code": pl.Int64})


def _value(csv: pl.DataFrame, year: int, code: int, dim: str, pos: int) -> float:
    return csv.filter(
        (pl.col("year") == year)
        & (pl.col("gso_code") == code)
        & (pl.col("dimension") == dim)
        & (pl.col("position") == pos)
    )["value"][0]


def _n_subs(csv: pl.DataFrame, year: int, dim: str) -> int:
    return csv.filter((pl.col("year") == year) & (pl.col("dimension") == dim))["position"].n_unique()


# ------------------------------------------------------------------------------------------ simulate


@pytest.mark.parametrize("measure", ["6.1", "public_health", "Public Health", "public_health"])
def test_subdimension_change_raises_d6_and_total_by_exactly_0_3(csv: pl.DataFrame, measure: str) -> None:
    s = pk.simulate(2023, {"Đắk Lắk": {measure: 0.3}})
    ch = {r["measure"]: r for r in s.changes.filter(pl.col("province_code") == DAK_LAK).iter_rows(named=True)}
    assert set(ch) == {"total", "d6", "public_health"}
    for m in ("total", "d6", "public_health"):
        assert ch[m]["change"] == pytest.approx(0.3, abs=1e-12)
    assert ch["public_health"]["before"] == _value(csv, 2023, DAK_LAK, "D6", 1)
    assert ch["total"]["before"] == pytest.approx(42.3265, abs=5e-5)
    assert s.capped.height == 0
    # the rank after: independent re-rank of the published totals with the moved total
    pub = pk.published(2023)
    after = ch["total"]["after"]
    above = pub.filter((pl.col("province_code") != DAK_LAK) & (pl.col("total") > after)).height
    row = s.table.filter(pl.col("province_code") == DAK_LAK).row(0, named=True)
    assert row["rank_after"] == above + 1
    assert row["d6_after"] == pytest.approx(_value_dim(pub, "d6") + 0.3, abs=1e-12)


def _value_dim(pub: pl.DataFrame, col: str) -> float:
    return pub.filter(pl.col("province_code") == DAK_LAK)[col][0]


def test_change_past_the_maximum_is_capped_and_reported(csv: pl.DataFrame) -> None:
    n = _n_subs(csv, 2023, "D6")
    assert n == 4
    top = 10 / n  # 2.5
    cur = _value(csv, 2023, DAK_LAK, "D6", 1)
    s = pk.simulate(2023, {"Đắk Lắk": {"6.1": 5.0}})
    assert s.capped.rows(named=True) == [
        {
            "province_code": DAK_LAK,
            "province_name": "Đắk Lắk",
            "province_name_en": "Dak Lak",
            "measure": "public_health",
            "requested": 5.0,
            "applied": pytest.approx(top - cur, abs=1e-12),
            "bound": top,
        }
    ]
    total = s.changes.filter(pl.col("measure") == "total")["change"][0]
    assert total == pytest.approx(top - cur, abs=1e-12)  # only what survived the cap propagates
    assert "capped by a range" in repr(s) and "capped" in s._repr_html_()
    low = pk.simulate(2023, {"Đắk Lắk": {"6.1": -5.0}})
    assert low.capped["bound"][0] == pytest.approx(1 / n)


def test_mixing_levels_is_an_error() -> None:
    with pytest.raises(pk.InvalidArgumentError, match=r"changes.*\"d6\".*public_health"):
        pk.simulate(2023, {"Đắk Lắk": {"d6": 0.2, "6.1": 0.1}})
    with pytest.raises(pk.InvalidArgumentError, match="overlap"):
        pk.simulate(2023, {"Đắk Lắk": {"6.1": 0.2, "public_health": 0.1}})
    # different dimensions, or different provinces, are fine
    s = pk.simulate(2023, {"Đắk Lắk": {"d1": 0.1, "6.1": 0.1}, "Hà Nội": {"d6": 0.1}})
    row = s.table.filter(pl.col("province_code") == DAK_LAK)
    assert row["total_change"][0] == pytest.approx(0.2, abs=1e-12)


# ------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("5.4", "5.4 exists in 2011-2020 only"),  # D5 has three sub-dimensions since 2021
        ("9.1", "no PAPI framework has a sub-dimension 9.1"),
        ("construction_permits", "2011-2020 only"),
        ("public healthcare", ""),
    ],
)
def test_unknown_or_absent_subdimension_names_it_and_the_choices(query: str, hint: str) -> None:
    for call in (
        lambda: pk.simulate(2023, {"Đắk Lắk": {query: 0.1}}),
        lambda: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15), level="subdimension", costs={query: 2.0}),
    ):
        with pytest.raises(pk.UnknownCodeError) as e:
            call()
        assert e.value.code == query  # type: ignore[attr-defined]
        assert "6.1 public_health" in e.value.known  # type: ignore[attr-defined]
        assert "5.3 commune_personal_procedures" in e.value.known  # type: ignore[attr-defined]
        assert hint in str(e.value) and "2023" in str(e.value)


def test_subdimension_of_another_year_is_valid_there() -> None:
    # 2018 D8 has two sub-dimensions; 8.3 appears in 2019
    pk.simulate(2018, {"Đắk Lắk": {"8.2": 0.1}})
    with pytest.raises(pk.UnknownCodeError, match=r"8\.3"):
        pk.simulate(2018, {"Đắk Lắk": {"8.3": 0.1}})
    pk.simulate(2019, {"Đắk Lắk": {"8.3": 0.1}})


def test_year_without_data_is_a_typed_error() -> None:
    with pytest.raises(pk.UnknownYearError, match="2030"):
        pk.simulate(2030, {"Đắk Lắk": {"6.1": 0.1}})
    with pytest.raises(pk.UnknownYearError, match="2010"):
        pk.optimize("Đắk Lắk", 2010, target=pk.TargetRank(15), level="subdimension")
    with pytest.raises(pk.UnknownYearError, match="2026"):
        pk.review("Đắk Lắk", 2026, goal=pk.TargetRank(20))


# ------------------------------------------------------------------------------------------ sensitivity


def test_sensitivity_at_subdimension_level(csv: pl.DataFrame) -> None:
    s = pk.sensitivity("Đắk Lắk", 2023, level="subdimension")
    t = s.table
    assert t.height == csv.filter(pl.col("year") == 2023).select("dimension", "position").unique().height == 28
    assert t["total_per_unit"].to_list() == [1.0] * 28
    # effort scale = the sample SD of the sub-dimension across provinces (from the source CSV)
    d61 = csv.filter((pl.col("year") == 2023) & (pl.col("dimension") == "D6") & (pl.col("position") == 1))
    row = t.filter(pl.col("measure") == "public_health").row(0, named=True)
    assert row["points_per_effort"] == pytest.approx(d61["value"].std(), rel=1e-12)
    # default on published results: the dimensions
    assert pk.sensitivity("Đắk Lắk", 2023).table.height == 8


# ------------------------------------------------------------------------------------------ optimise


def test_uniform_costs_subdimension_plan_equals_dimension_optimum() -> None:
    dims = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15), costs={"d1": 1.0})
    subs = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15), level="subdimension", costs={"6.1": 1.0})
    assert subs.level == "subdimension" and subs.cost_model == "linear"
    assert subs.items["gain"].sum() == pytest.approx(dims.items["gain"].sum(), abs=1e-9)
    assert subs.total_cost == pytest.approx(dims.total_cost, abs=1e-9)
    assert subs.rank_after == dims.rank_after == 15
    assert subs.items.height == 28


def test_subdimension_lp_equals_independent_knapsack(csv: pl.DataFrame) -> None:
    """Costs per sub-dimension: the exact LP optimum of a continuous knapsack fills the cheapest per
    point first up to its cap (the best observed on that sub-dimension); computed here from the
    source CSV (positions: 6.1 = D6/1, 6.2 = D6/2, 2.4 = D2/4, 4.4 = D4/4) and the panel."""
    costs = {"6.1": 3.0, "6.2": 2.0, "2.4": 0.5, "4.4": 1.5}
    at = {("D6", 1): 3.0, ("D6", 2): 2.0, ("D2", 4): 0.5, ("D4", 4): 1.5}
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(20), level="subdimension", costs=costs)
    pub = pk.published(2023)
    others = pub.filter((pl.col("province_code") != DAK_LAK) & pl.col("total").is_not_null()).sort(
        "total", descending=True
    )
    need = others["total"][19] - _value_dim(pub, "total") + 1e-4
    heads = []
    for (dim, pos), g in csv.filter(pl.col("year") == 2023).group_by("dimension", "position"):
        own = g.filter(pl.col("gso_code") == DAK_LAK)["value"]
        cap = g["value"].max()
        heads.append((at.get((str(dim), int(pos)), 1.0), max(0.0, float(cap) - own[0])))  # type: ignore[arg-type, call-overload]
    heads.sort(key=lambda h: h[0])
    left, cost = need, 0.0
    for c, u in heads:
        x = min(u, left)
        cost += c * x
        left -= x
    assert left <= 0
    assert plan.total_cost == pytest.approx(cost, abs=1e-9)
    assert plan.items["gain"].sum() == pytest.approx(need, abs=1e-9)
    assert plan.rank_after == 20


def test_plan_table_names_the_agencies_per_subdimension(csv: pl.DataFrame) -> None:
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15), level="subdimension")
    t = plan.plan_table(lang="vi")
    assert t.columns[:5] == ["dimension", "measure", "number", "name", "agencies"]
    by = dict(zip(t["number"], t["agencies"], strict=True))
    assert by["6.1"].startswith("Sở Y tế")
    assert by["6.2"].startswith("Sở Giáo dục và Đào tạo")
    assert t["gain"].sum() == pytest.approx(plan.required_gain, abs=1e-9)
    assert (t["target"] <= t["cap"] + 1e-12).all()
    for row in t.iter_rows(named=True):  # within the sub-dimension's own range 10/n
        assert row["cap"] <= 10 / _n_subs(csv, 2023, row["dimension"].upper()) + 1e-12, row
    en = plan.plan_table(lang="en")
    assert dict(zip(en["number"], en["agencies"], strict=True))["6.1"].startswith("Department of Health")
