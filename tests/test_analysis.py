"""Benchmarking and gap analysis (issue 4).

Expected numbers are computed here from the published table (pk.published, i.e. the embedded
papi_panel_2011_2024.csv) with plain polars/numpy, never copied from the analysis code. The issue
states the headline figures: Thừa Thiên Huế 46.0415 best in 2023, Đắk Lắk 42.3265 (31st of 61),
gap 3.7150, 2022 -> 2023 +1.2042 points and 41st -> 31st.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

import papikit as pk

DL = 66
DIMS8 = [f"d{k}" for k in range(1, 9)]


def pub(year: int) -> pl.DataFrame:
    return pk.published(year)


def row(year: int, code: int) -> dict:
    return pub(year).filter(pl.col("province_code") == code).row(0, named=True)


def gap_of(g: pk.Gaps, measure: str) -> float:
    return g.to_polars().filter(pl.col("measure") == measure)["gap"][0]


# ---------------------------------------------------------------- must-show numbers (published 2023)


def test_gap_to_best_2023_is_3_7150_and_dimensions_add_up() -> None:
    df = pub(2023).filter(pl.col("total").is_not_null())
    best = df.sort("total", descending=True).row(0, named=True)
    own = row(2023, DL)
    assert best["province_name"] == "Thừa Thiên Huế" and round(best["total"], 4) == 46.0415
    assert round(own["total"], 4) == 42.3265
    expected = best["total"] - own["total"]
    assert f"{expected:.4f}" == "3.7150"

    g = pk.gaps("Đắk Lắk", 2023, against="best")
    assert g.reference_province == "Thua Thien Hue"
    assert g.total_gap == pytest.approx(expected, abs=1e-12)
    t = g.to_polars()
    dims = t.filter(pl.col("level") == "dimension")
    assert dims.height == 8
    for d in DIMS8:
        assert gap_of(g, d) == pytest.approx(best[d] - own[d], abs=1e-12)
    # Per-dimension gaps sum to the total gap: exactly up to the published rounding of totals
    # (|total - sum of dims| <= 5e-6 in the 2023 rows), which the result reports as `residual`.
    s = dims["gap"].sum()
    assert f"{s:.4f}" == "3.7150"
    assert s + g.residual == pytest.approx(g.total_gap, abs=1e-12)
    assert abs(g.residual) < 1e-5
    assert g.additive
    # shares of the total gap and ordering by contribution
    assert dims["gap"].to_list() == sorted(dims["gap"].to_list(), reverse=True)
    for r in dims.iter_rows(named=True):
        assert r["share_of_total_gap"] == pytest.approx(r["gap"] / expected, rel=1e-12)
    # published scores carry no uncertainty of their own: gaps use the model-based SEs (issue 15;
    # tests/test_model_se.py checks their values)
    assert g.se_source == "model-based"
    assert t["se"].null_count() == 0 and t["significant"].null_count() == 0


def test_regional_rank_and_distance_to_high_average() -> None:
    df = pub(2023).filter(pl.col("total").is_not_null())
    own = row(2023, DL)
    region = df.filter(pl.col("region") == own["region"]).sort("total", descending=True)
    assert region.height == 5
    assert region["province_code"].to_list().index(DL) + 1 == 1
    totals = sorted(df["total"].to_list(), reverse=True)
    sizes = (
        round(len(totals) / 4 + 1e-9),
        round(len(totals) / 4 + 1e-9),
        len(totals) // 4,
    )  # 15, 15, 15 of 61
    lowest_high_average = totals[sizes[0] + sizes[1] - 1]

    p = pk.profile("Dak Lak", 2023)
    t = p.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
    assert (t["rank_region"], t["n_region"]) == (1, 5)
    assert (t["rank"], t["n_ranked"], t["group"], t["next_group"]) == (
        31,
        61,
        "Low average",
        "High average",
    )
    assert t["next_group_min"] == lowest_high_average
    assert t["distance_next_group"] == pytest.approx(lowest_high_average - 42.32653, abs=1e-12)
    assert t["distance_best"] == pytest.approx(totals[0] - own["total"], abs=1e-12)
    g = pk.gaps(DL, 2023, against=pk.Group("High average"))
    assert g.total_gap == pytest.approx(lowest_high_average - own["total"], abs=1e-12)


def test_year_on_year_2022_2023() -> None:
    a, b = row(2022, DL), row(2023, DL)
    assert (b["rank"], a["rank"]) == (31, 41)
    diff = b["total"] - a["total"]
    assert f"{diff:+.4f}" == "+1.2042"
    t = pk.profile(DL, 2023).to_polars().filter(pl.col("measure") == "total").row(0, named=True)
    assert t["change_points"] == pytest.approx(diff, abs=1e-12)
    assert (t["previous_rank"], t["change_places"]) == (41, 10)
    g = pk.gaps(DL, 2023, against=pk.Year(2022))
    assert g.total_gap == pytest.approx(-diff, abs=1e-12)
    for d in DIMS8:
        assert gap_of(g, d) == pytest.approx(a[d] - b[d], abs=1e-12)


@pytest.mark.parametrize("k", [1, 2, 15, 16, 30, 31, 45, 61])
def test_target_rank_consistent_with_pk_rank(k: int) -> None:
    r = pk.rank(pub(2023).drop("rank", "n_ranked", "group"))
    own = r.filter(pl.col("province_code") == DL).row(0, named=True)
    g = pk.gaps(DL, 2023, against=pk.TargetRank(k))
    ref = r.filter(pl.col("province_name_en") == g.reference_province).row(0, named=True)
    assert ref["rank"] == k  # no ties among 2023 totals
    assert g.total_gap == pytest.approx(ref["total"] - own["total"], abs=1e-12)
    assert (g.total_gap > 0) == (k < own["rank"])


@pytest.mark.parametrize("group", ["High", "High average", "Low average", "Low"])
def test_group_reference_consistent_with_pk_rank(group: str) -> None:
    r = pk.rank(pub(2023).drop("rank", "n_ranked", "group"))
    members = r.filter(pl.col("group") == group)
    lowest = members.sort("total").row(0, named=True)
    own = r.filter(pl.col("province_code") == DL).row(0, named=True)
    g = pk.gaps(DL, 2023, against=pk.Group(group))
    assert g.reference_province == lowest["province_name_en"]
    assert g.total_gap == pytest.approx(lowest["total"] - own["total"], abs=1e-12)
    # reaching the reference score puts the province inside the group by pk.rank's rule
    bumped = r.with_columns(
        pl.when(pl.col("province_code") == DL)
        .then(pl.lit(lowest["total"] + 1e-9))
        .otherwise(pl.col("total"))
        .alias("total")
    ).drop("rank", "n_ranked", "group")
    assert pk.rank(bumped).filter(pl.col("province_code") == DL)["group"][0] in {
        group,
        *_better(group),
    }


def _better(group: str) -> list[str]:
    order = ["High", "High average", "Low average", "Low"]
    return order[: order.index(group)]


def test_other_references() -> None:
    df = pub(2023).filter(pl.col("total").is_not_null())
    own = row(2023, DL)
    assert pk.gaps(DL, 2023, against="mean").total_gap == pytest.approx(df["total"].mean() - own["total"], abs=1e-9)
    gm = pk.gaps(DL, 2023, against="median")
    assert gm.total_gap == pytest.approx(df["total"].median() - own["total"], abs=1e-12)
    assert not gm.additive
    peers = df.filter((pl.col("region") == own["region"]) & (pl.col("province_code") != DL))
    gr = pk.gaps(DL, 2023, against="region")
    assert gr.total_gap == pytest.approx(peers["total"].max() - own["total"], abs=1e-12)
    assert gr.total_gap < 0  # first in its region
    grm = pk.gaps(DL, 2023, against="region", region_stat="mean")
    assert grm.total_gap == pytest.approx(peers["total"].mean() - own["total"], abs=1e-9)
    gp = pk.gaps(DL, 2023, against=["Gia Lai", 62])
    two = df.filter(pl.col("province_code").is_in([64, 62]))
    assert gp.total_gap == pytest.approx(two["total"].mean() - own["total"], abs=1e-12)
    assert gp.to_polars()["share_of_total_gap"][0] == 1.0


# ---------------------------------------------------------------- trends and structural breaks


def test_trend_flags_2017_2018_break() -> None:
    t = pk.trend("Đắk Lắk")
    assert set(t["year"].unique().to_list()) == set(range(2011, 2025))
    assert t.filter((pl.col("year") < 2018) & pl.col("measure").is_in(["d7", "d8"])).height == 0
    y18 = {r["measure"]: r for r in t.filter(pl.col("year") == 2018).iter_rows(named=True)}
    assert all(r["structural_break"] for r in y18.values())
    assert all("2018" in r["break_note"] for r in y18.values())
    expected = {
        "total": False,
        "d1": True,
        "d2": False,
        "d3": False,
        "d4": True,
        "d5": True,
        "d6": True,
    }
    expected |= {"d7": False, "d8": False}
    assert {m: r["comparable_with_previous"] for m, r in y18.items()} == expected
    for m, r in y18.items():
        if expected[m]:
            assert r["change"] == pytest.approx(r["score"] - row(2017, DL)[m], abs=1e-12)
        else:
            assert r["change"] is None and r["change_places"] is None
    assert not t.filter(pl.col("year") == 2017)["structural_break"].any()
    # national mean and median beside the province
    n23 = pub(2023)["total"].drop_nulls()
    r23 = t.filter((pl.col("year") == 2023) & (pl.col("measure") == "total")).row(0, named=True)
    assert r23["national_mean"] == pytest.approx(n23.mean(), abs=1e-9)
    assert r23["national_median"] == pytest.approx(n23.median(), abs=1e-12)
    assert r23["change_places"] == 10


def test_trend_other_breaks_and_missing_years() -> None:
    t = pk.trend("Quảng Ninh", years=[2016, 2021, 2022, 2023], lang="vi")
    c = {(r["year"], r["measure"]): r["comparable_with_previous"] for r in t.iter_rows(named=True)}
    assert (c[(2016, "d1")], c[(2016, "d2")], c[(2016, "d3")], c[(2016, "d5")]) == (
        False,
        True,
        False,
        False,
    )
    assert (c[(2021, "d5")], c[(2021, "d6")], c[(2021, "total")]) == (
        False,
        True,
        False,
    )
    assert t.filter(pl.col("year") == 2023)["score"].null_count() == 9  # no published scores in 2023


def test_year_reference_across_a_break_is_not_compared() -> None:
    g = pk.gaps(DL, 2018, against=pk.Year(2017)).to_polars()
    d = {r["measure"]: r for r in g.iter_rows(named=True)}
    assert d["d7"]["gap"] is None and d["d7"]["reference"] is None and not d["d7"]["comparable"]
    assert d["d2"]["gap"] is None and not d["d2"]["comparable"]
    assert d["total"]["gap"] is None
    assert d["d4"]["comparable"] and d["d4"]["gap"] == pytest.approx(row(2017, DL)["d4"] - row(2018, DL)["d4"])


# ---------------------------------------------------------------- 63 -> 34


def _explicit_weights() -> dict[int, float]:
    units = pk.provinces(era=2025).filter(pl.col("n_members") > 1)
    cw = pk.crosswalk_2025().filter(pl.col("unit_code").is_in(units["province_code"].to_list()))
    return {c: float(c % 7 + 1) for c in cw["province_code"].to_list()}


def test_merged_explicit_weights_are_the_weighted_mean() -> None:
    w = _explicit_weights()
    m = pk.merged(2023, weights=w)
    assert m.weight_source == "user" and m.scores.height == 34
    p = pub(2023)
    for unit in (66, 46):  # Đắk Lắk (+ Phú Yên); Huế stays alone
        members = pk.unit_2025(unit).members
        u = m.scores.filter(pl.col("province_code") == unit).row(0, named=True)
        if len(members) == 1:
            assert u["total"] == p.filter(pl.col("province_code") == unit)["total"][0]
            assert u["weight_source"] == "single member"
            continue
        for meas in ["total", *DIMS8]:
            vals = [p.filter(pl.col("province_code") == c)[meas][0] for c in members]
            expected = sum(w[c] * v for c, v in zip(members, vals, strict=True)) / sum(w[c] for c in members)
            assert u[meas] == pytest.approx(expected, abs=1e-12)
        used = m.weights.filter(pl.col("unit_code") == unit)
        assert used["province_code"].to_list() == list(members)
        assert used["weight"].to_list() == pytest.approx([w[c] / sum(w[c] for c in members) for c in members])
        assert "Phú Yên" in u["weights"]
    # a DataFrame of weights gives the same result
    wdf = pl.DataFrame({"province_code": list(w), "weight": list(w.values())})
    assert pk.merged(2023, weights=wdf).scores.equals(m.scores)


def test_merged_without_weights_is_an_error() -> None:
    with pytest.raises(pk.InvalidArgumentError, match="weights"):
        pk.merged(2023)
    w = _explicit_weights()
    del w[54]
    with pytest.raises(pk.InvalidArgumentError, match="Phú Yên"):
        pk.merged(2023, weights=w)
    # population weights work now (GSO 2022, 63/63; see test_subdimensions.py); a population year
    # the table does not have is the error
    with pytest.raises(pk.InvalidArgumentError, match="2022"):
        pk.merged(2023, weights="population", population_year=2019)


# ---------------------------------------------------------------- errors naming the culprit


def test_typed_errors() -> None:
    with pytest.raises(pk.NoDataError, match="Quảng Ninh"):
        pk.gaps("Quảng Ninh", 2023)
    with pytest.raises(pk.NoDataError, match="Quảng Ninh"):
        pk.profile("Quang Ninh", 2023)
    with pytest.raises(pk.NoDataError, match="Quảng Ninh"):
        pk.gaps(DL, 2023, against=["Quảng Ninh"])
    with pytest.raises(pk.InvalidArgumentError, match="empty"):
        pk.gaps(DL, 2023, against=[])
    with pytest.raises(pk.UnknownProvinceError, match="Dak Lek"):
        pk.gaps(DL, 2023, against=["Dak Lek"])
    with pytest.raises(pk.InvalidArgumentError, match="62"):
        pk.gaps(DL, 2023, against=pk.TargetRank(62))
    with pytest.raises(pk.UnknownCodeError, match="medium"):
        pk.Group("medium")
    with pytest.raises(pk.InvalidArgumentError):
        pk.TargetRank(0)
    with pytest.raises(pk.UnknownYearError):
        pk.gaps(DL, 2030)
    with pytest.raises(pk.InvalidArgumentError):
        pk.gaps(DL, 2023, against="worst")  # type: ignore[arg-type]


def test_agency_table_validation() -> None:
    bad = pl.DataFrame({"agency_code": ["y_te", "so_xyz", "gddt"], "dimension": ["D6", "D6", "D9"]})
    with pytest.raises(pk.UnknownCodeError, match="D9"):
        pk.agencies(bad)
    bad = pl.DataFrame({"agency_code": ["y_te", "so_xyz"], "dimension": ["D6", "D6"]})
    with pytest.raises(pk.UnknownCodeError, match="so_xyz"):
        pk.agencies(bad)
    bad = pl.DataFrame({"agency_code": ["y_te"], "dimension": ["D6"], "subdimension": ["hospitals"]})
    with pytest.raises(pk.UnknownCodeError, match="hospitals"):
        pk.agencies(bad)
    bad = pl.DataFrame(
        {
            "agency_code": ["y_te"],
            "dimension": ["D4"],
            "subdimension": ["public_health"],
        }
    )
    with pytest.raises(pk.InvalidArgumentError, match="public_health"):
        pk.agencies(bad)
    ok = pl.DataFrame(
        {
            "agency_code": ["so_moi"],
            "agency_vi": ["Sở Mới"],
            "agency_en": ["New Department"],
            "dimension": ["d8"],
            "subdimension": ["internet_access"],
        }
    )
    t = pk.agencies(ok, lang="vi")
    assert t.row(0, named=True)["agency"] == "Sở Mới"
    a = pk.gaps(DL, 2023).by_agency(ok)
    # the published gaps reach the sub-dimensions (issue 10): the agency gets its sub-dimension
    assert a["measure"].to_list() == ["internet_access"]


def test_builtin_agencies_follow_the_plan() -> None:
    a = pk.agencies()
    assert set(a["dimension"].unique().to_list()) == {f"D{k}" for k in range(1, 9)}
    sub_ids = set(pl.read_csv("crates/papikit-core/data/papi_subdimensions.csv")["id"].to_list())
    assert set(a["subdimension"].drop_nulls().to_list()) <= sub_ids
    owners = {r["subdimension"]: r["agency_code"] for r in a.filter(pl.col("role") == "lead").iter_rows(named=True)}
    assert owners["public_health"] == "y_te"
    assert owners["public_primary_education"] == "gddt"
    assert owners["law_and_order"] == "cong_an"
    assert owners["poverty_lists"] == "ldtbxh"
    assert a["source"].str.starts_with("II.").all()
    vi = pk.agencies(lang="vi")
    assert "Sở Tài nguyên và Môi trường" in vi["agency"].to_list()


def test_by_agency_shares() -> None:
    g = pk.gaps(DL, 2023)
    a = g.by_agency()
    total = g.total_gap
    assert total is not None
    for r in a.iter_rows(named=True):
        assert r["share_of_total_gap"] == pytest.approx(r["gap"] / total)
    health = a.filter(pl.col("agency_code") == "y_te")
    # at sub-dimension precision (issue 10): 4.2 (shared) and 6.1 (lead), not the whole of D4 and D6
    assert set(health["measure"].to_list()) == {"limits_corruption_service_delivery", "public_health"}
    assert health["agency_share_of_total_gap"][0] == pytest.approx(health["share_of_total_gap"].sum())
    shares = a.unique("agency_code", keep="first", maintain_order=True)["agency_share_of_total_gap"].to_list()
    assert shares == sorted(shares, reverse=True)


# ---------------------------------------------------------------- survey-shaped ScoreTable (se / replicates)


def _toy(se: bool, reps: bool) -> pk.ScoreTable:
    d1 = np.array([5.0, 6.0, 4.0, 7.0])
    d2 = np.array([5.0, 5.5, 5.0, 4.0])
    values = np.vstack([d1 + d2, d1, d2])
    measures = [
        ("total", "total", None, "Total", "Tổng"),
        ("d1", "dimension", "total", "D1", "D1"),
        ("d2", "dimension", "total", "D2", "D2"),
    ]
    kw: dict = {}
    if se:
        kw["se"] = np.array([[0.3, 0.4, 0.5, 0.2]] * 3)
    if reps:
        rng = np.random.default_rng(7)
        r1 = d1 + rng.normal(0, 0.3, size=(20, 4))
        r2 = d2 + rng.normal(0, 0.3, size=(20, 4))
        kw["replicates"] = np.stack([r1 + r2, r1, r2])
        kw["scale"] = 1 / 19
        kw["centre_full"] = False
    return pk.ScoreTable.from_arrays(2030, [62, 64, 66, 67], measures, values, **kw)


def test_gaps_with_replicates_have_ci_from_replicate_differences() -> None:
    t = _toy(se=False, reps=True)
    assert t.has_replicates
    g = pk.gaps(DL, 2030, against="best", source=t)
    # independent recomputation: in every replicate re-select the best total, difference to own
    rng = np.random.default_rng(7)
    d1 = np.array([5.0, 6.0, 4.0, 7.0])
    d2 = np.array([5.0, 5.5, 5.0, 4.0])
    r1 = d1 + rng.normal(0, 0.3, size=(20, 4))
    r2 = d2 + rng.normal(0, 0.3, size=(20, 4))
    tot = r1 + r2
    own = 2
    d_total = tot.max(axis=1) - tot[:, own]
    gap = (d1 + d2).max() - (d1 + d2)[own]
    se = math.sqrt(np.var(d_total, ddof=1))
    row_ = g.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
    assert row_["gap"] == pytest.approx(gap)
    assert row_["se"] == pytest.approx(se, rel=1e-9)
    assert row_["ci_low"] == pytest.approx(gap - 1.959963984540054 * se, rel=1e-9)
    assert row_["significant"] == (abs(gap) > 1.959963984540054 * se)
    best = tot.argmax(axis=1)
    d_d2 = r2[np.arange(20), best] - r2[:, own]
    se2 = math.sqrt(np.var(d_d2, ddof=1))
    row2 = g.to_polars().filter(pl.col("measure") == "d2").row(0, named=True)
    assert row2["se"] == pytest.approx(se2, rel=1e-9)
    assert row2["significant"] is False  # 5.5 - 5.0 = 0.5 with replicate noise
    # agency view carries the significance flag
    assert pk.gaps(DL, 2030, source=t).by_agency()["significant"].null_count() == 0


def test_gaps_with_se_use_normal_approximation() -> None:
    t = _toy(se=True, reps=False)
    g = pk.gaps(DL, 2030, against="best", source=t).to_polars()
    r = g.filter(pl.col("measure") == "total").row(0, named=True)
    se = math.sqrt(0.5**2 + 0.4**2)  # own (66) and the best province (64) independent
    assert r["gap"] == pytest.approx(2.5) and r["se"] == pytest.approx(se)
    assert r["ci_high"] == pytest.approx(2.5 + 1.959963984540054 * se)
    assert r["significant"] is True
    gm = pk.gaps(DL, 2030, against="mean", source=t).to_polars().row(0, named=True)
    var = (0.25 - 1) ** 2 * 0.25 + 0.25**2 * (0.09 + 0.16 + 0.04)
    assert gm["se"] == pytest.approx(math.sqrt(var))
    p = pk.profile(DL, 2030, source=t).to_polars()
    assert p.filter(pl.col("measure") == "total")["rank"][0] == 4


# ---------------------------------------------------------------- tables and display


def test_compare_and_league() -> None:
    hl = ["Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng"]
    c = pk.compare(hl, 2023, lang="vi")
    assert c.columns == [
        "measure",
        "Kon Tum",
        "Gia Lai",
        "Đắk Lắk",
        "Đắk Nông",
        "Lâm Đồng",
        "best_in_set",
    ]
    assert c.height == 1 + 8 + 28  # total, d1..d8, the 28 sub-dimensions of 2023
    assert c.filter(pl.col("measure") == "total")["Đắk Lắk"][0] == row(2023, DL)["total"]
    cr = pk.compare(hl, 2023, values="rank")
    assert cr.filter(pl.col("measure") == "total")["Dak Lak"][0] == 31
    with pytest.raises(pk.InvalidArgumentError):
        pk.compare([], 2023)
    lg = pk.league(2023, region="Tây Nguyên", lang="vi")
    assert lg.height == 5 and lg["rank"].to_list() == sorted(lg["rank"].to_list())
    assert pk.league(2023).height == 61
    with pytest.raises(pk.UnknownCodeError, match="Atlantis"):
        pk.league(2023, region="Atlantis")
    with pytest.raises(pk.UnknownCodeError, match="d9"):
        pk.league(2023, by="d9")


def test_results_are_frozen_and_render() -> None:
    g = pk.gaps(DL, 2023, lang="vi")
    with pytest.raises(AttributeError):
        g.year = 2020  # type: ignore[misc]
    assert "<table" in g._repr_html_() and "Đắk Lắk" in g.province
    p = pk.profile(DL, 2023, lang="vi")
    assert "<table" in p._repr_html_()
    assert p.to_polars()["name"][0] == "Tổng điểm PAPI"
    assert "<table" in pk.merged(2023, weights=_explicit_weights())._repr_html_()
    assert pk.Group("Cao") == pk.Group(1)  # type: ignore[arg-type]
    prof = pk.profile(DL, 2023)
    flagged = prof.strengths().vstack(prof.weaknesses())
    tr = prof.to_polars().filter(pl.col("measure") == "total")["rank"][0]
    for r in prof.to_polars().filter(pl.col("level") == "dimension").iter_rows(named=True):
        expect = "strength" if r["rank"] <= tr - 10 else "weakness" if r["rank"] >= tr + 10 else None
        assert r["flag"] == expect
    assert flagged.height == prof.to_polars()["flag"].drop_nulls().len()
