"""Analyses of the published results one level down, at the 28 sub-dimensions (issue 10, item 2),
and population weights for the 34 units of 2025 (item 4).

Expected values are computed here with the csv module straight from the data files
(shared/data/papi, embedded verbatim in crates/papikit-core/data; the first test checks the copies
are identical when the shared folder is present), never from papikit's analysis code:

* papi_subdimension_scores_2011_2024.csv: year, gso_code, dimension, position, value. The printed
  number "k.p" is the position, except 2021-2024 D5, where positions 1, 3, 4 are 5.1, 5.2, 5.3
  (issue 10, item 1).
* papi_panel_2011_2024.csv: the published totals and dimensions.
* vn_population_2022_gso.csv and vn_merger_2025.csv: GSO 2022 population and the 63 -> 34 crosswalk.
"""

from __future__ import annotations

import csv
import statistics
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

import papikit as pk
import papikit.plot as pkp

DATA = Path(__file__).resolve().parents[1] / "crates" / "papikit-core" / "data"
SHARED = Path("/work/shared/data/papi")
DL, TTH = 66, 46
DIMS8 = [f"d{k}" for k in range(1, 9)]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _number(year: int, dimension: str, position: int) -> str:
    k = int(dimension.lstrip("D"))
    if k == 5 and year >= 2021:
        position = {1: 1, 3: 2, 4: 3}[position]
    return f"{k}.{position}"


def sub_csv(year: int) -> dict[tuple[int, str], float]:
    """(gso code, printed number) -> published value of `year`."""
    out = {}
    for r in _rows("papi_subdimension_scores_2011_2024.csv"):
        if int(r["year"]) == year:
            out[(int(r["gso_code"]), _number(year, r["dimension"], int(r["position"])))] = float(r["value"])
    return out


def panel_csv(year: int) -> dict[int, dict[str, float | None]]:
    out: dict[int, dict[str, float | None]] = {}
    for r in _rows("papi_panel_2011_2024.csv"):
        if int(r["year"]) == year:
            out[int(r["gso_code"])] = {
                k: (float(r[k]) if r[k] else None) for k in ["total", *[f"d{i}" for i in range(1, 9)]]
            }
    return out


def numbers_of(year: int) -> dict[str, str]:
    """measure code -> printed number in `year` (from the long published table)."""
    t = pk.published(year, level="all").filter(pl.col("province_code") == 1)
    return dict(zip(t["measure"].to_list(), t["number"].to_list(), strict=True))


@pytest.mark.skipif(not SHARED.exists(), reason="shared data folder not present")
def test_embedded_copies_are_the_shared_files() -> None:
    for name in ("papi_subdimension_scores_2011_2024.csv", "vn_population_2022_gso.csv", "papi_panel_2011_2024.csv"):
        assert (DATA / name).read_bytes() == (SHARED / name).read_bytes(), name


# ------------------------------------------------------------------ the published table, all levels


def test_published_all_levels() -> None:
    t = pk.published(2023, level="all")
    assert t.height == 63 * (1 + 8 + 28)
    assert t.columns[:10] == [
        "year",
        "province_code",
        "province_name",
        "province_name_en",
        "region",
        "level",
        "measure",
        "number",
        "parent",
        "name",
    ]
    subs = sub_csv(2023)
    s = t.filter(pl.col("level") == "subdimension")
    got = {(r["province_code"], r["number"]): r["score"] for r in s.iter_rows(named=True) if r["score"] is not None}
    assert got == subs  # verbatim, every value; missing stays missing (Quảng Ninh, Bình Dương)
    assert s.filter(pl.col("province_code") == 22)["score"].null_count() == 28
    ph = s.filter(pl.col("number") == "6.1").row(0, named=True)
    assert (ph["measure"], ph["parent"], ph["min"], ph["max"]) == ("public_health", "d6", 0.25, 2.5)
    d5 = pk.published(2024, level="all").filter((pl.col("province_code") == DL) & (pl.col("parent") == "d5"))
    assert d5["max"].to_list() == pytest.approx([10 / 3] * 3)
    with pytest.raises(pk.InvalidArgumentError, match="needs a year"):
        pk.published(None, level="all")


# ------------------------------------------------------------------ gaps: three identities


def test_gaps_add_up_at_subdimension_level_dak_lak_2023() -> None:
    subs, panel = sub_csv(2023), panel_csv(2023)
    g = pk.gaps("Đắk Lắk", 2023, against="best")
    assert g.reference_province == "Thua Thien Hue"
    t = g.to_polars()
    num = numbers_of(2023)
    own_total, best_total = panel[DL]["total"], panel[TTH]["total"]
    assert own_total is not None and best_total is not None
    total_gap = best_total - own_total
    assert g.total_gap == pytest.approx(total_gap, abs=1e-12)
    st = t.filter(pl.col("level") == "subdimension")
    assert st.height == 28
    for r in st.iter_rows(named=True):
        n = num[r["measure"]]
        assert r["gap"] == pytest.approx(subs[(TTH, n)] - subs[(DL, n)], abs=1e-12), n
    # total gap = sum of dimension gaps = sum of sub-dimension gaps, up to the published rounding,
    # which the result reports (residual, residual_subdimensions)
    dim_sum = t.filter(pl.col("level") == "dimension")["gap"].sum()
    sub_sum = st["gap"].sum()
    expected_sub_sum = sum(subs[(TTH, num[m])] - subs[(DL, num[m])] for m in st["measure"])
    assert sub_sum == pytest.approx(expected_sub_sum, abs=1e-12)
    assert g.residual is not None and g.residual_subdimensions is not None
    assert dim_sum + g.residual == pytest.approx(total_gap, abs=1e-12)
    assert sub_sum + g.residual_subdimensions == pytest.approx(total_gap, abs=1e-12)
    assert abs(g.residual) < 1e-5 and abs(g.residual_subdimensions) < 2e-5
    assert f"{sub_sum:.4f}" == f"{total_gap:.4f}" == "3.7150"
    # each dimension's gap = the sum of its sub-dimensions' gaps (sub-dimensions sum to their
    # dimension within 2e-6 per province)
    for d in [f"d{k}" for k in range(1, 9)]:
        dg = t.filter(pl.col("measure") == d)["gap"][0]
        assert st.filter(pl.col("parent") == d)["gap"].sum() == pytest.approx(dg, abs=4e-6), d
    # shares: the sub-dimension shares sum to 1 minus the residual's share
    assert st["share_of_total_gap"].sum() == pytest.approx(1 - g.residual_subdimensions / total_gap, abs=1e-12)


def test_by_agency_at_subdimension_precision() -> None:
    subs = sub_csv(2023)
    g = pk.gaps("Đắk Lắk", 2023)
    a = g.by_agency()
    gd = a.filter(pl.col("agency_code") == "gddt")
    # Sở GD&ĐT: public primary education (6.2, lead) and service-delivery corruption (4.2, shared)
    assert sorted(gd["measure"].to_list()) == ["limits_corruption_service_delivery", "public_primary_education"]
    ppe = gd.filter(pl.col("measure") == "public_primary_education").row(0, named=True)
    assert ppe["gap"] == pytest.approx(subs[(TTH, "6.2")] - subs[(DL, "6.2")], abs=1e-12)
    # no dimension rows, and construction permits (not measured since 2021) is nobody's gap in 2023
    assert a["measure"].str.starts_with("d").sum() == 0
    assert "construction_permits" not in a["measure"].to_list()
    assert "xay_dung" not in a["agency_code"].to_list()
    # the Office of the PPC owns all of D5 (dimension-wide) and 5.3 as well: credited once per
    # sub-dimension; its D5 rows are the three 2023 D5 sub-dimensions
    d5_codes = ["certification_procedures", "land_use_rights_certificates", "commune_personal_procedures"]
    vp = a.filter(pl.col("agency_code") == "vp_ubnd")
    assert sorted(vp.filter(pl.col("measure").is_in(d5_codes))["measure"].to_list()) == sorted(d5_codes)
    assert vp["measure"].is_duplicated().sum() == 0
    total_gap = g.total_gap
    assert total_gap is not None
    t = g.to_polars()
    owned = t.filter(pl.col("measure").is_in(vp["measure"].to_list()))["gap"].sum()
    assert vp["agency_share_of_total_gap"][0] == pytest.approx(owned / total_gap, abs=1e-12)
    d5 = sum(subs[(TTH, f"5.{k}")] - subs[(DL, f"5.{k}")] for k in (1, 2, 3))
    assert vp.filter(pl.col("measure").is_in(d5_codes))["gap"].sum() == pytest.approx(d5, abs=1e-12)


# ------------------------------------------------------------------ league, compare, profile


def test_league_by_6_1_matches_the_csv_ordering_2023() -> None:
    subs = sub_csv(2023)
    ph = sorted(((v, c) for (c, n), v in subs.items() if n == "6.1"), key=lambda x: (-x[0], x[1]))
    lg = pk.league(2023, by="6.1")
    assert lg.columns[5] == "public_health"
    assert lg["province_code"].to_list() == [c for _, c in ph]
    assert lg["public_health"].to_list() == [v for v, _ in ph]
    assert lg.height == 61 and lg["n_ranked"].unique().to_list() == [61]
    # competition ranks: 1 + the number of provinces with a higher score
    vals = [v for v, _ in ph]
    assert lg["rank"].to_list() == [1 + sum(w > v for w in vals) for v in vals]
    for by in ("public_health", "Public Health", "y te cong lap", "Y TẾ CÔNG LẬP"):
        assert pk.league(2023, by=by)["province_code"].to_list() == lg["province_code"].to_list(), by
    hl = pk.league(2023, by="6.2", region="Tây Nguyên")
    expected = sorted(
        ((subs[(c, "6.2")], c) for c in (62, 64, 66, 67, 68) if (c, "6.2") in subs), key=lambda x: (-x[0], x[1])
    )
    assert hl["province_code"].to_list() == [c for _, c in expected]


def test_compare_and_profile_go_one_level_down() -> None:
    subs = sub_csv(2023)
    num = numbers_of(2023)
    c = pk.compare(["Đắk Lắk", "Gia Lai"], 2023)
    for r in c.filter(pl.col("measure").is_in(list(num))).iter_rows(named=True):
        n = num[r["measure"]]
        if n.count(".") == 1:
            assert r["Dak Lak"] == subs[(DL, n)] and r["Gia Lai"] == subs[(64, n)]
            assert r["best_in_set"] == ("Dak Lak" if subs[(DL, n)] >= subs[(64, n)] else "Gia Lai")
    p = pk.profile("Đắk Lắk", 2023)
    t = p.to_polars()
    s = t.filter(pl.col("level") == "subdimension")
    assert s.height == 28
    total_rank = t.filter(pl.col("measure") == "total")["rank"][0]
    for r in s.iter_rows(named=True):
        n = num[r["measure"]]
        col = [v for (_, m), v in subs.items() if m == n]
        assert r["rank"] == 1 + sum(v > subs[(DL, n)] for v in col), n
        assert r["national_median"] == pytest.approx(statistics.median(col), abs=1e-12)
    # strengths/weaknesses reach the sub-dimensions (rule: >= 10 places better/worse than the total)
    flagged = {r["measure"] for r in p.weaknesses().iter_rows(named=True)} | {
        r["measure"] for r in p.strengths().iter_rows(named=True)
    }
    expected = {
        r["measure"] for r in t.iter_rows(named=True) if r["level"] != "total" and abs(r["rank"] - total_rank) >= 10
    }
    assert flagged == expected
    assert any(m not in {f"d{k}" for k in range(1, 9)} for m in flagged)
    subs_flagged = p.strengths("subdimension")["measure"].to_list() + p.weaknesses("subdimension")["measure"].to_list()
    assert sorted(subs_flagged) == sorted(m for m in expected if m in set(s["measure"].to_list()))
    assert p.weaknesses("subdimension")["level"].unique().to_list() == ["subdimension"]
    # year-on-year at sub-dimension level: 6.2 2022 -> 2023 from the CSV
    prev = sub_csv(2022)
    ppe = s.filter(pl.col("measure") == "public_primary_education").row(0, named=True)
    assert ppe["change_points"] == pytest.approx(subs[(DL, "6.2")] - prev[(DL, "6.2")], abs=1e-12)


# ------------------------------------------------------------------ trend: breaks per sub-dimension


def test_trend_of_a_subdimension_flags_the_breaks() -> None:
    t = pk.trend("Đắk Lắk", level="subdimension")
    by = {(r["year"], r["measure"]): r for r in t.iter_rows(named=True)}

    def comparable(measure: str) -> dict[int, bool]:
        return {y: r["comparable_with_previous"] for (y, m), r in by.items() if m == measure}

    # what changed (issue 10; data/papi_subdimensions.csv years; 2016 PAPI report p.57)
    all_years = range(2011, 2025)
    expect = {
        # D6 never changed
        "public_health": {y: y > 2011 for y in all_years},
        # D5: re-constructed 2016, construction permits dropped 2021 (every D5 sub-dimension rescaled)
        "certification_procedures": {y: y not in (2011, 2016, 2021) for y in all_years},
        # D2: access to information added 2018
        "poverty_lists": {y: y not in (2011, 2018) for y in all_years},
        # D3: membership changed 2016 and 2018
        "interactions_local_authorities": {y: y not in (2011, 2016, 2018) for y in all_years},
        # D8: new in 2018, e-responsiveness added 2019
        "internet_access": {y: y >= 2020 for y in range(2018, 2025)},
        "e_responsiveness": {y: y >= 2020 for y in range(2019, 2025)},
        # D4: untouched by every break
        "willingness_fight_corruption": {y: y > 2011 for y in all_years},
        # construction permits: measured 2011-2020 only
        "construction_permits": {y: y not in (2011, 2016) for y in range(2011, 2021)},
    }
    for m, e in expect.items():
        assert comparable(m) == e, m
    # changes are the CSV differences where comparable, null where not
    num_by_year = {y: numbers_of(y) for y in (2020, 2021, 2023, 2024)}
    for y in (2021, 2024):
        now, before = sub_csv(y), sub_csv(y - 1)
        for m in ("public_health", "certification_procedures", "public_primary_education"):
            r = by[(y, m)]
            n0, n1 = num_by_year[y - 1][m], num_by_year[y][m]
            if r["comparable_with_previous"]:
                assert r["change"] == pytest.approx(now[(DL, n1)] - before[(DL, n0)], abs=1e-12)
            else:
                assert r["change"] is None and r["change_places"] is None
    assert by[(2024, "public_primary_education")]["change"] == pytest.approx(1.4434 - 1.8951, abs=1e-4)
    assert by[(2021, "land_use_rights_certificates")]["number"] == "5.2"
    assert by[(2020, "land_use_rights_certificates")]["number"] == "5.3"
    # the dimension-level trend is unchanged and "all" has both
    both = pk.trend("Đắk Lắk", years=[2023], level="all")
    assert both.height == 1 + 8 + 28
    assert pk.trend("Đắk Lắk", years=[2023]).height == 9


# ------------------------------------------------------------------ population weights (item 4)


def test_merged_population_weights_are_2022_shares() -> None:
    pop = {int(r["gso_code"]): float(r["population"]) for r in _rows("vn_population_2022_gso.csv")}
    assert len(pop) == 63
    units: dict[int, list[int]] = defaultdict(list)
    for r in _rows("vn_merger_2025.csv"):
        units[int(r["new_code"])].append(int(r["old_gso_code"]))
    assert len(units) == 34
    m = pk.merged(2023, weights="population")
    assert m.scores.height == 34 and m.weight_source == "population"
    w = m.weights
    assert w.height == 63
    for r in w.iter_rows(named=True):
        members = units[r["unit_code"]]
        share = pop[r["province_code"]] / sum(pop[c] for c in members)
        assert r["weight"] == pytest.approx(share if len(members) > 1 else 1.0, abs=1e-15)
        assert r["weight_source"] == ("population 2022" if len(members) > 1 else "single member")
    # the merged score is the weighted mean of the published scores (Đắk Lắk + Phú Yên 2023)
    panel = panel_csv(2023)
    dl = m.scores.filter(pl.col("province_code") == DL).row(0, named=True)
    a, b = pop[54], pop[66]
    t54, t66 = panel[54]["total"], panel[66]["total"]
    assert t54 is not None and t66 is not None
    assert dl["total"] == pytest.approx((a * t54 + b * t66) / (a + b), abs=1e-12)
    # every year works (the old partial table failed for all of them)
    for year in range(pk.FIRST_YEAR, pk.LAST_YEAR + 1):
        assert pk.merged(year, weights="population").scores.height == 34


def test_merged_carries_subdimensions_dak_lak_2024_6_1() -> None:
    """Golden: the 2025 unit Đắk Lắk (Đắk Lắk + Phú Yên) on 2024 sub-dimension 6.1 is the
    population-weighted mean of its members' published 6.1 scores. Weights from
    crates/papikit-core/data/vn_population_2022_gso.csv (GSO average population 2022: Đắk Lắk (66)
    1,918,440, Phú Yên (54) 876,620 -> 0.6864 / 0.3136); scores from
    crates/papikit-core/data/papi_subdimension_scores_2011_2024.csv (2024, D6 position 1)."""
    pop = {int(r["gso_code"]): float(r["population"]) for r in _rows("vn_population_2022_gso.csv")}
    w66 = pop[66] / (pop[66] + pop[54])
    assert round(w66, 4) == 0.6864 and round(1 - w66, 4) == 0.3136
    sub = sub_csv(2024)
    want = w66 * sub[(66, "6.1")] + (1 - w66) * sub[(54, "6.1")]
    every = pk.merged(2024, weights="population", level="all")
    assert every.level == "all"
    row = every.scores.filter((pl.col("province_code") == DL) & (pl.col("number") == "6.1")).row(0, named=True)
    assert row["score"] == pytest.approx(want, abs=1e-12)
    assert round(row["score"], 4) == 1.9699
    assert (row["level"], row["parent"], row["weight_source"]) == ("subdimension", "d6", "population 2022")
    # the same columns as pk.published(level="all") (plus the merge's own), 34 units x 37 measures
    pub_cols = pk.published(2024, level="all").columns
    assert every.scores.columns[: len(pub_cols)] == pub_cols
    assert every.scores.height == 34 * 37
    # the total and dimensions of the long form are those of the wide merged table
    wide = pk.merged(2024, weights="population").scores.filter(pl.col("province_code") == DL).row(0, named=True)
    top = every.scores.filter((pl.col("province_code") == DL) & (pl.col("level") != "subdimension"))
    assert dict(zip(top["measure"], top["score"], strict=True)) == {k: wide[k] for k in ["total", *DIMS8]}
    # level="subdimension" mirrors pk.published's sub-dimension table
    subs = pk.merged(2024, weights="population", level="subdimension").scores
    assert subs.columns[:14] == pk.published(2024, level="subdimension").columns
    assert subs.filter((pl.col("province_code") == DL) & (pl.col("number") == "6.1"))["score"].item() == row["score"]
    # ranks among the 34 units
    assert subs["n_ranked"].max() <= 34
    # missing stays missing: Vĩnh Phúc (26) has no 2024 sub-dimension scores, so the unit Phú Thọ
    # (Phú Thọ + Vĩnh Phúc + Hòa Bình) has none either, never a silent 0, and names the member.
    assert not any(code == 26 for code, _ in sub)
    pt = subs.filter(pl.col("province_code") == 25)
    assert pt.height == 28 and pt["score"].null_count() == 28
    assert set(pt["missing_members"]) == {"Vĩnh Phúc"}
    assert pt["rank"].null_count() == 28
    # equal (user) weights work the same way
    eq = pk.merged(2024, weights={c: 1.0 for c in pk.crosswalk_2025()["province_code"]}, level="subdimension").scores
    got = eq.filter((pl.col("province_code") == DL) & (pl.col("number") == "6.1"))["score"].item()
    assert got == pytest.approx((sub[(66, "6.1")] + sub[(54, "6.1")]) / 2, abs=1e-12)
    with pytest.raises(pk.InvalidArgumentError, match="level"):
        pk.merged(2024, weights="population", level="indicator")  # type: ignore[arg-type]


def test_trend_34_at_subdimension_level() -> None:
    """pk.trend(era=34, level="subdimension"): the merged sub-dimension values, flagged."""
    t = pk.trend("Đắk Lắk", [2023, 2024], era=34, level="subdimension")
    assert set(t["measure"]) >= {"public_health", "willingness_fight_corruption"}
    assert "total" not in set(t["measure"])
    m = pk.merged(2024, weights="population", level="all").scores
    want = m.filter((pl.col("province_code") == DL) & (pl.col("measure") == "public_health"))["score"].item()
    r = t.filter((pl.col("year") == 2024) & (pl.col("measure") == "public_health")).row(0, named=True)
    assert r["score"] == want and r["composition_changed"] is True
    m23 = pk.merged(2023, weights="population", level="all").scores
    before = m23.filter((pl.col("province_code") == DL) & (pl.col("measure") == "public_health"))["score"].item()
    assert r["change"] == pytest.approx(want - before, abs=1e-12)
    assert pk.trend("Đắk Lắk", [2024], era=34, level="all").height == 1 + 8 + 28


# ------------------------------------------------------------------ bad input


def test_bad_subdimension_input_is_a_typed_error() -> None:
    with pytest.raises(pk.UnknownCodeError) as e:
        pk.league(2023, by="9.9")
    assert e.value.code == "9.9"  # type: ignore[attr-defined]
    assert "6.1 public_health" in e.value.known  # type: ignore[attr-defined]
    # a sub-dimension that did not exist that year: named, with when it was measured
    with pytest.raises(pk.UnknownCodeError, match="construction_permits") as e2:
        pk.league(2023, by="construction_permits")
    assert "2011-2020" in e2.value.kind  # type: ignore[attr-defined]
    assert "5.2 land_use_rights_certificates" in e2.value.known  # type: ignore[attr-defined]
    with pytest.raises(pk.UnknownCodeError, match="e_responsiveness"):
        pk.league(2018, by="8.3")
    with pytest.raises(pk.UnknownCodeError, match="2019-2024"):
        pk.league(2018, by="E-Responsiveness")
    with pytest.raises(pk.InvalidArgumentError) as e3:
        pk.trend("Đắk Lắk", level="indicator")  # type: ignore[arg-type]
    assert e3.value.argument == "level"  # type: ignore[attr-defined]


# ------------------------------------------------------------------ charts


def test_subdimension_charts() -> None:
    subs = sub_csv(2023)
    df = pk.published(2023, level="subdimension")
    ax = pkp.subdimension_bars(df, "Đắk Lắk")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) == 28 and labels[:2] == ["1.1", "1.2"]
    # the median markers are the national medians of the CSV
    offsets = ax.collections[0].get_offsets()
    for k, n in enumerate(labels):
        col = [v for (_, m), v in subs.items() if m == n]
        assert offsets[k][1] == pytest.approx(statistics.median(col), abs=1e-12), n
    # the bars: the province's scores
    heights = [p.get_height() for p in ax.patches[28:]]
    assert heights == pytest.approx([subs[(DL, n)] for n in labels], abs=1e-12)
    pkp.close(ax)
    hm = pkp.subdimension_heatmap(pk.published(2023, level="all"), "Đắk Lắk", peers=["Gia Lai", "Kon Tum"], lang="vi")
    assert [t.get_text() for t in hm.get_yticklabels()] == ["Đắk Lắk", "Gia Lai", "Kon Tum"]
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in hm.texts}
    col = [v for (_, m), v in subs.items() if m == "6.1"]
    j = [t.get_text() for t in hm.get_xticklabels()].index("6.1")
    assert texts[(0, j)] == str(1 + sum(v > subs[(DL, "6.1")] for v in col))
    pkp.close(hm)
    with pytest.raises(pk.ColumnError):
        pkp.subdimension_bars(pk.published(2023), "Đắk Lắk")
    with pytest.raises(pk.NoDataError):
        pkp.subdimension_bars(df, "Quảng Ninh")


def test_year_gaps_respect_subdimension_breaks() -> None:
    # 2020 -> 2021: D5 lost construction permits, so every D5 sub-dimension is rescaled (1/4 -> 1/3)
    # and has no year-on-year gap; D6 sub-dimensions keep theirs (CSV differences)
    now, before = sub_csv(2021), sub_csv(2020)
    t = pk.gaps("Đắk Lắk", 2021, against=pk.Year(2020)).to_polars()
    d5 = t.filter(pl.col("parent") == "d5")
    assert d5.height == 3 and not d5["comparable"].any() and d5["gap"].null_count() == 3
    ph = t.filter(pl.col("measure") == "public_health").row(0, named=True)
    assert ph["comparable"] and ph["gap"] == pytest.approx(before[(DL, "6.1")] - now[(DL, "6.1")], abs=1e-12)
