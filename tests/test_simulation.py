"""Simulation, sensitivity, optimiser and Monte Carlo (issue 5). Expected values are computed here
from pk.published(2023) (the embedded official workbooks) and pk.rank, independently of the code
under test."""

from __future__ import annotations

import dataclasses
import itertools

import polars as pl
import pytest

import papikit as pk

DAK_LAK = 66


@pytest.fixture(scope="module")
def pub() -> pl.DataFrame:
    return pk.published(2023)


def _own(pub: pl.DataFrame, col: str = "total") -> float:
    return pub.filter(pl.col("province_code") == DAK_LAK)[col][0]


# ------------------------------------------------------------------------------------------ simulate


def test_dak_lak_plus_half_on_d4(pub: pl.DataFrame) -> None:
    s = pk.simulate(2023, {"Đắk Lắk": {"D4": 0.5}})
    row = s.table.filter(pl.col("province_code") == DAK_LAK).row(0, named=True)
    assert round(row["total_after"], 4) == 42.8265
    # independent: apply the same change to the published table and re-rank with pk.rank
    df = pub.drop("rank", "n_ranked", "group").with_columns(
        pl.when(pl.col("province_code") == DAK_LAK).then(pl.col("d4") + 0.5).otherwise(pl.col("d4")).alias("d4"),
        pl.when(pl.col("province_code") == DAK_LAK)
        .then(pl.col("total") + 0.5)
        .otherwise(pl.col("total"))
        .alias("total"),
    )
    expected = pk.rank(df).filter(pl.col("province_code") == DAK_LAK).row(0, named=True)
    assert row["rank_after"] == expected["rank"]
    assert row["group_after"] == expected["group"]
    assert row["rank_before"] == 31
    assert DAK_LAK in s.movers["province_code"].to_list()
    assert s.changes.height == 2  # d4 and total
    assert "<table" in s._repr_html_()


def test_caps_and_close_gap(pub: pl.DataFrame) -> None:
    s = pk.simulate(2023, {66: {"d4": 50.0}})
    assert s.table.filter(pl.col("province_code") == DAK_LAK)["d4_after"][0] == 10.0
    best = pub["d6"].max()
    s = pk.simulate(2023, {"Dak Lak": {"d6": pk.CloseGap(0.5)}})
    got = s.table.filter(pl.col("province_code") == DAK_LAK)["d6_after"][0]
    assert got == pytest.approx((_own(pub, "d6") + best) / 2, abs=1e-12)
    s = pk.simulate(2023, {"Dak Lak": {"d6": pk.CloseGap(1.0, to=8.0)}})
    assert s.table.filter(pl.col("province_code") == DAK_LAK)["d6_after"][0] == pytest.approx(8.0)


def test_others_national_average_moves_everyone() -> None:
    s = pk.simulate(2023, {"Dak Lak": {"d4": 0.5}}, others="national", years=1)
    moved = s.table.filter(pl.col("province_code") != DAK_LAK).drop_nulls("total_change")
    spread = moved["total_change"].max() - moved["total_change"].min()  # type: ignore[operator]
    assert spread < 1e-9  # everyone moves by the same national change (no cap binds)
    assert s.table.filter(pl.col("province_code") == DAK_LAK)["total_change"][0] == pytest.approx(0.5)
    s = pk.simulate(2023, {"Dak Lak": {"d4": 0.5}}, others="trend", years=3)
    assert s.movers.height > 1


# --------------------------------------------------------------------------------------- sensitivity


def test_sensitivity(pub: pl.DataFrame) -> None:
    s = pk.sensitivity("Đắk Lắk", 2023)
    assert s.rank == 31 and s.table.height == 8
    own = _own(pub)
    above = pub.filter(pl.col("total") > own + 1.0).height
    assert s.table["rank_after_unit"].to_list() == [above + 1] * 8
    nxt = pub.filter(pl.col("total") > own).sort("total")["total"][0]
    th = s.thresholds.row(0, named=True)
    assert th["gain_needed"] == pytest.approx(nxt - own + 1e-4)
    assert th["rank_reached"] == 30


# ------------------------------------------------------------------------------------------ optimise


def test_optimize_rank_15(pub: pl.DataFrame) -> None:
    # Unit costs passed explicitly (the linear model): the numbers below are the exact LP's.
    unit = {f"d{k}": 1.0 for k in range(1, 9)}
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15), level="dimension", costs=unit)
    assert plan.cost_model == "linear"
    r15 = pub.filter(pl.col("rank") == 15)["total"][0]
    own = _own(pub)
    expected = r15 - own + 1e-4
    gain = plan.items["gain"].sum()
    assert gain == pytest.approx(expected, abs=1e-9)
    assert gain == pytest.approx(r15 - 42.3265 + 1e-4, abs=5e-5)  # published total is rounded to 4 d.p.
    assert plan.total_cost == pytest.approx(expected, abs=1e-9)  # unit costs
    assert plan.rank_after == 15 and plan.epsilon == 1e-4
    # caps: the best observed score on each dimension that year, never above 10
    best = {d: pub[d].max() for d in plan.items["measure"]}
    for r in plan.items.iter_rows(named=True):
        assert r["cap"] == pytest.approx(best[r["measure"]])
        assert r["target"] <= r["cap"] + 1e-12 and r["gain"] >= 0
    t = plan.plan_table()
    assert t["required_gain"].sum() == pytest.approx(expected, abs=1e-9)
    assert t["share"].sum() == pytest.approx(1.0)
    assert "<table" in plan._repr_html_()


def _vertex_min(need: float, cost: list[float], room: list[float]) -> float:
    """Exact LP optimum (unit gains) by enumerating basic solutions: all at a bound but one."""
    n = len(cost)
    best = float("inf")
    for mask in itertools.product((0, 1), repeat=n):
        base = sum(room[i] for i in range(n) if mask[i])
        c = sum(cost[i] * room[i] for i in range(n) if mask[i])
        if base >= need - 1e-12:
            best = min(best, c)
        for j in (j for j in range(n) if not mask[j]):
            x = need - base
            if 0 <= x <= room[j] + 1e-12:
                best = min(best, c + cost[j] * x)
    return best


@pytest.mark.parametrize("costs", [[3, 1, 2, 5, 1.5, 4, 0.5, 2.5], [1, 1, 1, 1, 1, 1, 1, 1], [0, 9, 2, 2, 7, 1, 3, 3]])
def test_optimize_matches_brute_force(pub: pl.DataFrame, costs: list[float]) -> None:
    dims = [f"d{k}" for k in range(1, 9)]
    cost_map = dict(zip(dims, costs, strict=True))
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.Group("high"), costs=cost_map)
    n = pub["total"].drop_nulls().len()
    last_high = pk.group_sizes(n)[0]
    others = pub.filter(pl.col("province_code") != DAK_LAK)["total"].drop_nulls().sort(descending=True)
    need = others[last_high - 1] - _own(pub) + 1e-4
    room = [max(pub[d].max() - _own(pub, d), 0.0) for d in dims]
    assert plan.total_cost == pytest.approx(_vertex_min(need, costs, room), abs=1e-9)
    assert plan.group_after == "High"


def test_infeasible_reports_best_rank(pub: pl.DataFrame) -> None:
    dims = [f"d{k}" for k in range(1, 9)]
    caps = {d: _own(pub, d) for d in dims}
    caps["d1"] = _own(pub, "d1") + 0.5
    with pytest.raises(pk.InfeasibleError) as e:
        pk.optimize(66, 2023, target=pk.TargetRank(1), caps=caps)
    best = _own(pub) + 0.5
    assert e.value.best_rank == pub.filter(pl.col("total") > best).height + 1  # type: ignore[attr-defined]
    assert e.value.best_score == pytest.approx(best)  # type: ignore[attr-defined]
    assert "best reachable rank" in str(e.value)


# --------------------------------------------------------------------------------------- uncertainty


def test_success_probability_converges_and_is_monotone() -> None:
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15))
    se = {f"d{k}": 0.2 for k in range(1, 9)}
    a = pk.success_probability(plan, se=se, draws=10_000, seed=0).probability
    b = pk.success_probability(plan, se=se, draws=10_000, seed=1).probability
    assert abs(a - b) < 0.02  # 4 binomial SDs at n = 10,000
    assert pk.success_probability(plan, se=se, draws=10_000, seed=0).probability == a  # seeded
    probs = []
    for scale in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0):
        scaled = dataclasses.replace(plan, gains=tuple((c, g * scale) for c, g in plan.gains))
        probs.append(pk.success_probability(scaled, se=se, draws=10_000, seed=0).probability)
    assert probs == sorted(probs)
    assert probs[0] < 0.05 and probs[-1] > 0.9
    r = pk.success_probability(plan, se=0.5, draws=1000)
    assert r.ranks.height == 61
    sums = r.distribution.group_by("province_code").agg(pl.col("probability").sum())["probability"]
    assert all(abs(x - 1) < 1e-9 for x in sums)


def test_plan_with_probability() -> None:
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15), probability=0.8, se=0.5, seed=3)
    assert plan.probability is not None and plan.probability >= 0.8
    assert plan.scale is not None and plan.scale > 1
    again = pk.success_probability(plan, se=0.5, draws=10_000, seed=3)
    assert again.probability == plan.probability


# -------------------------------------------------------------------------------------- typed errors


def test_typed_errors() -> None:
    with pytest.raises(pk.UnknownProvinceError):
        pk.simulate(2023, {"Atlantis": {"d1": 1.0}})
    with pytest.raises(pk.UnknownCodeError):
        pk.simulate(2023, {"Dak Lak": {"d9": 1.0}})
    with pytest.raises(pk.InvalidArgumentError):
        pk.simulate(2023, {"Dak Lak": {"d1": 1.0}}, others="sideways")
    with pytest.raises(pk.InvalidArgumentError):
        pk.optimize("Dak Lak", 2023, target=pk.TargetRank(15), level="district")
    with pytest.raises(pk.InvalidArgumentError):
        pk.optimize("Dak Lak", 2023, target=pk.TargetRank(15), level="indicator")  # published: none
    with pytest.raises(pk.InvalidArgumentError):
        pk.optimize("Dak Lak", 2023, target=pk.TargetRank(15), costs={"d1": -1.0})
    with pytest.raises(pk.InvalidArgumentError):
        pk.optimize("Dak Lak", 2023, target=pk.TargetRank(15), caps={"d1": 10.5})
    with pytest.raises(pk.UnknownCodeError):
        pk.optimize("Dak Lak", 2023, target=pk.TargetRank(15), caps={"d9": 5.0})
    with pytest.raises(pk.InvalidArgumentError):
        pk.TargetRank(0)
    with pytest.raises(pk.UnknownCodeError):
        pk.Group("medium")
    with pytest.raises(pk.InvalidArgumentError):
        pk.CloseGap(1.5)
    plan = pk.optimize("Dak Lak", 2023, target=pk.TargetRank(15))
    with pytest.raises(pk.InvalidArgumentError):
        pk.success_probability(plan, se=-1.0)
    # published results carry no SE of their own: the model-based SEs are used (issue 15)
    assert pk.success_probability(plan, draws=500).se_source == "model-based"


def test_plan_table_with_agencies() -> None:
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.Group("Trung bình cao"))
    agencies = pl.DataFrame(
        {
            "dimension": ["D1", "D1", "D6"],
            "agency_en": ["Department of Home Affairs", "Commune People's Committees", "Department of Health"],
            "agency_vi": ["Sở Nội vụ", "UBND cấp xã", "Sở Y tế"],
        }
    )
    t = plan.plan_table(agencies)
    assert (
        t.filter(pl.col("dimension") == "d1")["agencies"][0]
        == "Department of Home Affairs; Commune People's Committees"
    )
    assert t.filter(pl.col("dimension") == "d2")["agencies"][0] is None
    assert plan.plan_table(agencies, lang="vi").filter(pl.col("dimension") == "d6")["agencies"][0] == "Sở Y tế"


# ------------------------------------------------------------------- survey source (every level, SEs)


@pytest.fixture(scope="module")
def survey_result() -> object:
    df = pk.synthetic_survey(2023, seed=3, scale=0.3)
    return pk.Survey(df, design=pk.PAPI_DESIGN).score(
        pk.framework(2023), method="bootstrap", replicates=60, seed=2, year=2023
    )


def test_survey_source_all_levels(survey_result: object) -> None:
    st = survey_result.score_table()  # type: ignore[attr-defined]
    for level in ("dimension", "subdimension", "indicator"):
        plan = pk.optimize(66, 2023, target=pk.TargetRank(10), level=level, source=survey_result)
        assert plan.level == level
        assert plan.items["gain"].sum() >= 0
        assert plan.rank_after <= 10
    # the plan's success probability uses the survey's own replicate SEs (no se= needed)
    plan = pk.optimize(66, 2023, target=pk.TargetRank(10), level="subdimension", source=st)
    p = pk.success_probability(plan, draws=2000).probability
    assert 0.0 <= p <= 1.0
    sens = pk.sensitivity(66, 2023, level="indicator", source=st)
    assert sens.table.height > 0 and (sens.table["level"] == "indicator").all()
    ind = sens.table.filter(pl.col("total_per_unit") > 0)["measure"][0]
    s = pk.simulate(2023, {66: {ind: 5.0}}, source=st)
    ch = s.changes.filter(pl.col("province_code") == 66)
    assert set(ch["level"]) >= {"indicator", "subdimension", "dimension", "total"}


# ------------------------------------------------------------------------------- effort model (#15)


@pytest.fixture(scope="module")
def pub24() -> pl.DataFrame:
    return pk.published(2024)


def test_effort_plan_dak_lak_2024(pub24: pl.DataFrame) -> None:
    """Đắk Lắk 2024 -> High average. Unit costs put the whole +0.7188 on d1 (the LP's tie rule);
    the effort model spreads it: gain_d = mu * sd_d^2 / 2 below the caps, sd_d the sample SD of d
    across the 2024 provinces (computed here from pk.published, independently of the code)."""
    target = pk.Group("high average")
    unit = pk.optimize("Đắk Lắk", 2024, target=target, costs={f"d{k}": 1.0 for k in range(1, 9)})
    assert [m for m, _ in unit.gains] == ["d1"]
    assert unit.required_gain == pytest.approx(0.7188, abs=1e-4)
    plan = pk.optimize("Đắk Lắk", 2024, target=target)
    assert plan.cost_model == "effort" and plan.others == "stay"
    assert plan.required_gain == pytest.approx(unit.required_gain, abs=1e-12)
    assert plan.group_after == "High average"
    items = plan.items
    assert (items["gain"] > 0).sum() == 8  # every dimension moves, none reaches its cap here
    sd = {d: pub24[d].drop_nulls().std() for d in items["measure"]}  # polars std: ddof=1
    assert items["scale"].to_list() == pytest.approx([sd[d] for d in items["measure"]], rel=1e-12)
    # Closed form with no cap binding: gain_d = G * sd_d^2 / sum(sd^2).
    s2 = sum(v * v for v in sd.values())
    expected = [plan.required_gain * sd[d] ** 2 / s2 for d in items["measure"]]
    assert items["gain"].to_list() == pytest.approx(expected, rel=1e-9)
    # The axes are ranked by spread: d1 (widest) gets most, d3 (tightest) least.
    order = items.sort("gain", descending=True)["measure"].to_list()
    assert order == sorted(sd, key=lambda d: -sd[d])
    assert order[0] == "d1" and order[-1] == "d3"
    # Equal marginal effort per point: 2 gain / sd^2.
    mc = items["marginal_cost"].to_list()
    assert max(mc) - min(mc) < 1e-9
    assert plan.total_cost == pytest.approx(
        sum((g / sd[d]) ** 2 for d, g in zip(items["measure"], items["gain"], strict=True))
    )
    # The plan beats spreading the same gain equally, or putting it all on d1 (same effort model).
    gain = plan.required_gain
    assert plan.total_cost < sum((gain / 8 / sd[d]) ** 2 for d in sd)
    assert plan.total_cost < (gain / sd["d1"]) ** 2


def test_effort_plan_with_moving_competitors() -> None:
    """others="trend": the plan is larger than with "stay" and reaches the group when re-simulated
    with pk.simulate under the same trend (the independent check)."""
    target = pk.Group("high average")
    stay = pk.optimize("Đắk Lắk", 2024, target=target)
    for others in ("trend", "national"):
        plan = pk.optimize("Đắk Lắk", 2024, target=target, others=others)
        assert plan.others == others
        sim = pk.simulate(2024, {"Đắk Lắk": dict(plan.gains)}, others=others).to_polars()
        row = sim.filter(pl.col("province_code") == DAK_LAK).row(0, named=True)
        assert row["group_after"] == "High average"
        assert row["rank_after"] == plan.rank_after <= 30
        if others == "trend":
            assert plan.required_gain > stay.required_gain
        # The "stay" plan is not enough when the others move (issue 15: rank 30 -> 33/34).
        sim0 = pk.simulate(2024, {"Đắk Lắk": dict(stay.gains)}, others=others).to_polars()
        assert sim0.filter(pl.col("province_code") == DAK_LAK)["rank_after"][0] > 30
    # Robust mode consistent with others=: P(success) is measured against the moved field.
    robust = pk.optimize("Đắk Lắk", 2024, target=target, others="trend", probability=0.8, se=0.3, draws=4000, seed=2)
    assert robust.probability is not None and robust.probability >= 0.8
    trend = pk.optimize("Đắk Lắk", 2024, target=target, others="trend")
    assert robust.required_gain > trend.required_gain
    assert robust.deterministic_gain == pytest.approx(trend.required_gain)
    again = pk.success_probability(robust, se=0.3, draws=4000, seed=2).probability
    assert again == robust.probability


def test_sensitivity_rows_differ_per_effort(pub24: pl.DataFrame) -> None:
    s = pk.sensitivity("Đắk Lắk", 2024, se=0.5, draws=4000, seed=1)
    t = s.table
    assert t["total_per_unit"].to_list() == [1.0] * 8  # per point: all alike ...
    assert t["points_per_effort"].n_unique() == 8  # ... per unit of effort: all differ
    sd = [pub24[d].drop_nulls().std() for d in t["measure"]]
    assert t["points_per_effort"].to_list() == pytest.approx(sd, rel=1e-12)
    assert t["effort_to_next_rank"].to_list() == pytest.approx(
        [u / v for u, v in zip(t["units_to_next_rank"], sd, strict=True)], rel=1e-12
    )
    assert t["ranks_per_effort"].n_unique() > 1
    assert s.probability_target == pk.Group("high average")
    assert s.probability_now is not None and 0 < s.probability_now < 1
    by = dict(zip(t["measure"], t["probability_gain"], strict=True))
    assert by["d1"] > by["d3"] >= 0
    assert s.se_source == "given"
    # no se=: the published scores' model-based SEs (tests/test_model_se.py), as success_probability
    assert pk.sensitivity("Đắk Lắk", 2024, draws=2000).table["probability_gain"].null_count() == 0


def test_bare_int_target_refused() -> None:
    with pytest.raises(pk.InvalidArgumentError, match=r"target.*TargetRank\(15\)"):
        pk.optimize("Đắk Lắk", 2024, target=15)
    with pytest.raises(pk.InvalidArgumentError, match=r"target.*TargetRank\(15\)"):
        pk._core.optimize("Đắk Lắk", 2024, target=15)  # the glue refuses it too
    with pytest.raises(pk.InvalidArgumentError, match=r"target.*score=15"):
        pk.optimize("Đắk Lắk", 2024, target=15)
    assert pk.optimize("Đắk Lắk", 2024, target=45.0).target == 45.0  # a float is a score
    assert pk.optimize("Đắk Lắk", 2024, score=45).target == 45.0
    with pytest.raises(pk.InvalidArgumentError, match="score"):
        pk.optimize("Đắk Lắk", 2024, target=pk.TargetRank(15), score=45.0)
    with pytest.raises(pk.InvalidArgumentError, match="target"):
        pk.optimize("Đắk Lắk", 2024)
    with pytest.raises(pk.InvalidArgumentError, match=r"plan.*TargetRank\(15\)"):
        pk.success_probability(15, se=0.5)
