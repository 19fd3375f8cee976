"""Loading a year's published results (pk.load_published): the three layouts round-trip the
embedded 2023 results; a 34-unit 2025 table works in every analysis; bad files give typed, located
errors; the agency view of 2025 names today's departments.

Provenance: the embedded 2023 results (data/papi_panel_2011_2024.csv, official workbook values) are
the oracle of the round trip; the 2025 table is synthetic (merged 2024 scores + a seeded
perturbation), so only its structure and the merger arithmetic are asserted, never its numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import papikit as pk

xlsxwriter = pytest.importorskip("xlsxwriter")
pytest.importorskip("fastexcel")

DIMS = [f"d{k}" for k in range(1, 9)]


@pytest.fixture(autouse=True)
def _forget_loaded_years() -> Iterator[None]:
    """A loaded year lives for the process: forget every one after each test."""
    yield
    for y in pk.loaded_years():
        pk.unload_published(y)


def write_workbook(
    path: Path,
    year: int,
    scores: pl.DataFrame,
    *,
    sub: pl.DataFrame | None = None,
    matinh: bool = True,
    se: bool = True,
    name_col: str = "province_name",
) -> Path:
    """The official "provincial indicators" layout: one column per province, labelled rows."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(f"{year}_VIE_ENG")
    rows: list[list[object]] = [["Chỉ tiêu/Indicator", "Thang điểm/Scale", *scores[name_col].to_list()]]
    if matinh:
        rows.append(["Mã tỉnh", None, *[f"{c:02d}" for c in scores["province_code"].to_list()]])
    totals = scores["total"].to_list()
    rows.append([f"Tổng điểm PAPI {year} (không trọng số)/PAPI {year} total (unweighted)", "8-80", *totals])
    if se:
        rows.append(["Unweighted 95% CI Low", None, *[None if t is None else t - 0.3 for t in totals]])
        rows.append(["Unweighted 95% CI High", None, *[None if t is None else t + 0.3 for t in totals]])
        rows.append(["Unweighted Standard Error", None, *[None if t is None else 0.153 for t in totals]])
    for k in range(1, 9):
        rows.append([f"Dimension {k}: x", "1-10", *scores[f"d{k}"].to_list()])
        if sub is not None:
            for number in sorted(set(sub.filter(pl.col("dimension") == f"d{k}")["number"].to_list())):
                vals = dict(sub.filter(pl.col("number") == number).select("province_code", "score").iter_rows())
                rows.append([f"{number} label", None, *[vals.get(c) for c in scores["province_code"].to_list()]])
    rows.append(["Tỷ lệ biết Pháp lệnh THDCCS (%)", "0-100%", *[12.5] * scores.height])
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.close()
    return path


def tidy(scores: pl.DataFrame, key: str = "province_code") -> pl.DataFrame:
    return (
        scores.select(key, "total", *DIMS)
        .unpivot(index=key, variable_name="measure", value_name="score")
        .rename({key: "province"})
    )


def compare_gaps(a: int, b: int) -> None:
    cols = ["measure", "level", "own", "reference", "gap"]
    ga = pk.gaps("Đắk Lắk", a).to_polars()
    gb = pk.gaps("Đắk Lắk", b).to_polars()
    keep = pl.col("level").is_in(["total", "dimension"])
    ca = [c for c in cols if c in ga.columns]
    assert ga.filter(keep).select(ca).equals(gb.filter(keep).select(ca))


def same_as_2023(year: int) -> None:
    a = pk.published(2023).drop("year")
    b = pk.published(year).drop("year")
    assert a.select("province_code", *DIMS, "total", "rank", "n_ranked", "group", "status").equals(
        b.select("province_code", *DIMS, "total", "rank", "n_ranked", "group", "status")
    )
    compare_gaps(2023, year)
    cols = ["measure", "score", "rank", "n_ranked", "group", "distance_best"]
    lv = pl.col("level").is_in(["total", "dimension"])
    pa = pk.profile("Đắk Lắk", 2023).to_polars().filter(lv).select(cols)
    pb = pk.profile("Đắk Lắk", year).to_polars().filter(lv).select(cols)
    assert pa.equals(pb)


def test_round_trip_wide(tmp_path: Path) -> None:
    wide = pk.published(2023).select("province_code", *DIMS, "total")
    wide.write_parquet(tmp_path / "w.parquet")
    y = pk.load_published(tmp_path / "w.parquet", year=2051)
    assert (y.layout, y.units, y.n_scored) == ("wide", 63, 61)
    same_as_2023(2051)


def test_round_trip_tidy_csv_and_pandas(tmp_path: Path) -> None:
    t = tidy(pk.published(2023), key="province_name")
    t.write_csv(tmp_path / "t.csv")
    y = pk.load_published(tmp_path / "t.csv", year=2052)
    assert y.layout == "tidy"
    same_as_2023(2052)
    y = pk.load_published(t.to_pandas(), year=2052, replace=True)
    assert y.layout == "tidy"
    same_as_2023(2052)


def test_round_trip_workbook_with_se_subdimensions_and_indicators(tmp_path: Path) -> None:
    scores = pk.published(2023)
    sub = pk.published(2023, level="subdimension").filter(pl.col("score").is_not_null())
    path = write_workbook(tmp_path / "2053PAPI_ProvincialIndicators.xlsx", 2053, scores, sub=sub)
    y = pk.load_published(path, year=2053)
    assert (y.layout, y.units, y.has_se, y.n_indicators) == ("workbook", 63, True, 1)
    assert "public_health" in y.measures
    same_as_2023(2053)
    # Published SEs flow into the table: gaps get significance flags (SE 0.153 of both totals).
    g = pk.gaps("Đắk Lắk", 2053).to_polars()
    assert g.filter(pl.col("level") == "total")["significant"].item() is True
    ind = pk.published(2053, level="indicator")
    assert ind.filter(pl.col("province_code") == 66)["value"].to_list() == [12.5]


def merged_2025(seed: int = 7) -> pl.DataFrame:
    """The 34 units from 2024 (GSO 2022 population weights) plus a seeded perturbation."""
    w = pk.population_2022()
    m = pk.merged(2024, weights=w).scores.filter(pl.col("total").is_not_null())
    rng = np.random.default_rng(seed)
    dims = np.clip(m.select(DIMS).to_numpy() + rng.normal(0, 0.25, (m.height, 8)), 1.0, 10.0)
    out = pl.DataFrame({"province": m["province_name"], **{d: dims[:, k] for k, d in enumerate(DIMS)}})
    return out.with_columns(total=pl.sum_horizontal(DIMS), total_se=pl.lit(0.2))


def test_34_units_2025(tmp_path: Path) -> None:
    t = merged_2025()
    y = pk.load_published(t, year=2025, replace=True)
    assert (y.layout, y.units) == ("wide", 34)
    p = pk.profile("Đắk Lắk", 2025)
    top = p.to_polars().row(0, named=True)
    assert top["measure"] == "total" and top["n_ranked"] == t.height <= 34
    assert 1 <= top["rank"] <= 34 and top["group"] is not None
    pub = pk.published(2025)
    assert pub.height == 34 and pub["n_ranked"][0] == t.height
    sizes = pub.filter(pl.col("rank").is_not_null()).group_by("group").len()
    assert sorted(sizes["len"].to_list(), reverse=True) == sorted(pk.group_sizes(t.height), reverse=True)
    g = pk.gaps("Đắk Lắk", 2025)
    assert g.total_gap is not None and g.total_gap >= 0
    # 2024 -> 2025 on one basis: the 2024 baseline is the population-weighted mean of Đắk Lắk and Phú Yên.
    w = pk.population_2022()
    d24 = pk.published(2024).filter(pl.col("province_code").is_in([66, 54])).select("province_code", "total")
    tot = dict(d24.iter_rows())
    base = (w[66] * tot[66] + w[54] * tot[54]) / (w[66] + w[54])
    tr = pk.trend("Đắk Lắk", era=34)
    assert tr["year"].min() == pk.FIRST_YEAR and tr["year"].max() == 2025
    row = tr.filter((pl.col("year") == 2025) & (pl.col("measure") == "total")).row(0, named=True)
    own = pub.filter(pl.col("province_code") == 66)["total"].item()
    assert row["change"] == pytest.approx(own - base, abs=1e-9)
    assert row["composition_changed"] is True and "Phú Yên" in row["weights"]
    assert top["previous_score"] == pytest.approx(base)
    # gaps to the previous year use the same merged baseline
    gy = pk.gaps("Đắk Lắk", 2025, against=pk.Year(2024)).to_polars()
    assert gy.filter(pl.col("measure") == "total")["reference"].item() == pytest.approx(base)
    # the profile flags its merged baseline; a single-member unit's is not a composition change
    assert p.composition_changed and "composition changed" in (p.previous_source or "")
    assert not pk.profile("Hà Nội", 2025).composition_changed
    assert not pk.profile("Đắk Lắk", 2024).composition_changed
    # ... and as a column of its table (and of strengths/weaknesses, filtered from it)
    assert p.to_polars()["baseline_merged"].to_list() == [True] * p.to_polars().height
    assert set(p.strengths()["baseline_merged"]) <= {True} and set(p.weaknesses()["baseline_merged"]) <= {True}
    assert set(pk.profile("Hà Nội", 2025).to_polars()["baseline_merged"]) == {False}
    assert set(pk.profile("Đắk Lắk", 2024).to_polars()["baseline_merged"]) == {False}
    assert pk.profile("Đắk Lắk", 2011).to_polars()["baseline_merged"].null_count() > 0  # no previous year
    # the report says so, and its footer names the loaded file (not "embedded in the package")
    t.write_csv(tmp_path / "papi2025.csv")
    pk.load_published(tmp_path / "papi2025.csv", year=2025, replace=True)
    out = pk.report("Đắk Lắk", year=2025, out=tmp_path / "r.html", progress=False)
    html = out.read_text(encoding="utf-8")
    assert "Dak Lak" in html and "2025" in html
    assert "Composition changed: the 2024 baseline of Dak Lak" in html
    footer = html[html.index("<footer>") :]
    assert "2025 results were loaded from papi2025.csv" in footer
    vi = pk.report("Đắk Lắk", year=2025, out=tmp_path / "r_vi.html", progress=False, lang="vi").read_text(
        encoding="utf-8"
    )
    assert "được nạp từ papi2025.csv" in vi and "Thay đổi thành phần" in vi
    embedded = pk.report("Đắk Lắk", year=2024, out=tmp_path / "r24.html", progress=False).read_text(encoding="utf-8")
    assert "loaded from" not in embedded[embedded.index("<footer>") :]
    # Lào Cai (unit code 15, Yên Bái's) is found by name and keeps its name.
    assert pk.profile("Lào Cai", 2025).province == "Lao Cai"


def test_across_the_merger_at_subdimension_level() -> None:
    """A 34-unit 2025 table with sub-dimensions (the merged 2024 table, Đắk Lắk's 6.1, D6 and total
    raised by 0.1): the profile, the review and the 34-unit trend read the merged 2024 baseline of
    every sub-dimension, so the 2024 -> 2025 change of 6.1 is the 0.1 planted and of 6.2 is 0."""
    m = pk.merged(2024, weights="population", level="all").scores.filter(pl.col("score").is_not_null())
    t = m.select(
        province=pl.col("province_name"),
        measure=pl.when(pl.col("number") == "").then(pl.col("measure")).otherwise(pl.col("number")),
        score="score",
    )
    bump = (pl.col("province") == "Đắk Lắk") & pl.col("measure").is_in(["6.1", "D6", "total"])
    pk.load_published(t.with_columns(score=pl.when(bump).then(pl.col("score") + 0.1).otherwise("score")), year=2025)
    p = pk.profile("Đắk Lắk", 2025).to_polars()
    ph = p.filter(pl.col("measure") == "public_health").row(0, named=True)
    base = m.filter((pl.col("province_code") == 66) & (pl.col("measure") == "public_health"))["score"].item()
    assert ph["previous_score"] == base
    assert ph["change_points"] == pytest.approx(0.1, abs=1e-9) and ph["comparable_with_previous"] is True
    r = pk.review("Đắk Lắk", 2025).measures
    ch = dict(zip(r["number"], r["change"], strict=True))
    assert ch["6.1"] == pytest.approx(0.1, abs=1e-9) and ch["6.2"] == pytest.approx(0.0, abs=1e-12)
    tr = pk.trend("Đắk Lắk", [2024, 2025], era=34, level="subdimension")
    row = tr.filter((pl.col("year") == 2025) & (pl.col("measure") == "public_health")).row(0, named=True)
    assert row["change"] == pytest.approx(0.1, abs=1e-9) and row["composition_changed"] is True


def test_gaps_by_agency_2025_names_todays_departments() -> None:
    pk.load_published(merged_2025(), year=2025, replace=True)
    a25 = pk.gaps("Đắk Lắk", 2025).by_agency()
    a23 = pk.gaps("Đắk Lắk", 2023).by_agency()
    pk_vi = set(pk.agencies(year=2025, lang="vi")["agency"])
    assert "Sở Nông nghiệp và Môi trường" in pk_vi and "UBND cấp huyện" not in pk_vi
    assert "Department of Agriculture and Environment" in set(a25["agency"])
    assert "Department of Natural Resources and Environment" in set(a23["agency"])
    assert "District People's Committees" in set(a23["agency"])
    assert "District People's Committees" not in set(a25["agency"])
    # a user table still replaces the built-in one
    user = pl.DataFrame({"agency_code": ["noi_vu"], "dimension": ["D1"]})
    assert set(pk.gaps("Đắk Lắk", 2025).by_agency(user)["agency_code"]) == {"noi_vu"}


def errors_of(e: pytest.ExceptionInfo[pk.PublishedDataError]) -> list[tuple[str, str]]:
    return [(x["kind"], x["loc"]) for x in e.value.errors()]


def test_bad_table_reports_every_problem_located() -> None:
    # keyed by the legacy name "code" (accepted as an alias of province_code)
    wide = pk.published(2023).select(pl.col("province_code").alias("code"), *DIMS, "total").sort("code")
    wide = wide.with_columns(
        d4=pl.when(pl.col("code") == 1).then(pl.col("d4") + 1).otherwise(pl.col("d4")),
        d2=pl.when(pl.col("code") == 2).then(11.5).otherwise(pl.col("d2")),
    ).with_columns(pl.col("code").cast(pl.String))
    wide = wide.with_columns(
        code=pl.when(pl.int_range(pl.len()) == 2)
        .then(pl.lit("Atlantis"))
        .when(pl.int_range(pl.len()) == 3)
        .then(pl.lit("Hà Nội"))
        .otherwise(pl.col("code"))
    )
    with pytest.raises(pk.PublishedDataError) as e:
        pk.load_published(wide, year=2054)
    got = errors_of(e)
    assert ("dimensions_do_not_sum", "row 1, column total") in got
    assert ("out_of_range", "row 2, column d2") in got
    assert ("unknown_province", "row 3, column code") in got
    assert ("duplicate_province", "row 4, column code") in got
    assert isinstance(e.value, pk.PapiError) and 2054 not in pk.loaded_years()


def test_bad_workbook_missing_matinh_empty_sheet_and_embedded_year(tmp_path: Path) -> None:
    scores = pk.published(2023)
    path = write_workbook(tmp_path / "a.xlsx", 2055, scores, matinh=False)
    with pytest.raises(pk.PublishedDataError) as e:
        pk.load_published(path, year=2055)
    assert errors_of(e) == [("missing_row", "sheet 2055_VIE_ENG")]
    # a dimension not summing, located at its workbook cell (Hà Nội is column C, the total row 3)
    bad = scores.with_columns(
        d1=pl.when(pl.col("province_code") == 1).then(pl.col("d1") + 0.01).otherwise(pl.col("d1"))
    )
    path = write_workbook(tmp_path / "b.xlsx", 2055, bad, se=False)
    with pytest.raises(pk.PublishedDataError) as e:
        pk.load_published(path, year=2055)
    assert errors_of(e) == [("dimensions_do_not_sum", "sheet 2055_VIE_ENG!C3")]
    wb = xlsxwriter.Workbook(str(tmp_path / "empty.xlsx"))
    wb.add_worksheet("2055_VIE_ENG")
    wb.close()
    with pytest.raises(pk.PublishedDataError) as e:
        pk.load_published(tmp_path / "empty.xlsx", year=2055)
    assert errors_of(e) == [("empty", "sheet 2055_VIE_ENG")]
    with pytest.raises(pk.PublishedDataError) as e:
        pk.load_published(scores.select("province_code", *DIMS, "total"), year=2023)
    assert errors_of(e)[0][0] == "year_present"


def test_cli_takes_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from papikit.cli import main

    merged_2025(seed=3).write_csv(tmp_path / "p2025.csv")
    assert main(["profile", "Đắk Lắk", "--year", "2025", "--data", str(tmp_path / "p2025.csv"), "--replace"]) == 0
    assert "2025" in capsys.readouterr().out


def test_cli_bad_data_file_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad --data file: one line naming the file, the number of problems and the first one
    (located), exit status 2, no traceback (like every CLI error, tests/test_bad_inputs.py)."""
    from papikit.cli import main

    bad = pk.published(2023).select("province_code", *DIMS, "total").sort("province_code")
    bad = bad.with_columns(
        d4=pl.when(pl.col("province_code").is_in([1, 2, 4])).then(pl.col("d4") + 1).otherwise(pl.col("d4"))
    )
    bad.write_csv(tmp_path / "bad2057.csv")
    status = main(["profile", "Đắk Lắk", "--year", "2057", "--data", str(tmp_path / "bad2057.csv")])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("papikit: error: invalid published results in bad2057.csv (3 problems; first: ")
    assert "row 1, column total" in lines[0]
    assert 2057 not in pk.loaded_years()


def test_every_function_accepts_a_34_unit_year() -> None:
    import papikit.plot as pkp

    t = merged_2025()
    pk.load_published(t, year=2025, replace=True)
    assert pk.compare(["Đắk Lắk", "Gia Lai", "Lâm Đồng"], 2025).columns[1:4] == ["Dak Lak", "Gia Lai", "Lam Dong"]
    assert pk.league(2025).height == t.height
    assert pk.simulate(2025, {"Đắk Lắk": {"d4": 0.5}}).to_polars().height == 34
    assert pk.sensitivity("Đắk Lắk", 2025).to_polars().height == 8
    plan = pk.optimize("Đắk Lắk", 2025, target=pk.TargetRank(5))
    # the file's SEs (total_se) are used: no se= needed
    assert 0.0 < pk.success_probability(plan, draws=2000).probability < 1.0
    ax = pkp.tile_map(pk.published(2025), era=34, highlight="Đắk Lắk")
    grey = sum(1 for p in ax.patches if tuple(p.get_facecolor()[:3]) == (0xDD / 255,) * 3)
    assert len(ax.patches) == 34 and grey == 34 - t.height
    pkp.close(ax)
    # 2025 -> 2026 on the same units: no merger flag
    pk.load_published(merged_2025(seed=8), year=2026)
    r = pk.review("Đắk Lắk", 2026)
    assert (r.n_before, r.n_after) == (t.height, t.height)
    assert not r.across_merger and not r.composition_changed and r.weights == {}


def test_review_across_the_merger() -> None:
    """pk.review(unit, 2025): the 2024 baseline is the members' population-weighted mean (GSO
    2022), ranks among the units scored in both years, flagged, weights reported, agencies by
    their 2025 successors."""
    t = merged_2025()
    pk.load_published(t, year=2025, replace=True)
    r = pk.review("Đắk Lắk", 2025)
    w = pk.population_2022()
    d24 = dict(
        pk.published(2024).filter(pl.col("province_code").is_in([66, 54])).select("province_code", "total").iter_rows()
    )
    base = (w[66] * d24[66] + w[54] * d24[54]) / (w[66] + w[54])
    assert (r.previous_year, r.year) == (2024, 2025)
    assert r.total_before == pytest.approx(base, abs=1e-12)
    own = pk.published(2025).filter(pl.col("province_code") == 66)["total"].item()
    assert r.change == pytest.approx(own - base, abs=1e-12)
    assert r.across_merger and r.composition_changed
    assert r.weights == pytest.approx({"Dak Lak": w[66] / (w[66] + w[54]), "Phu Yen": w[54] / (w[66] + w[54])})
    assert "Composition changed" in r.sentence and "Phu Yen" in r.sentence and "[Composition changed" in repr(r)
    vi = pk.review("Đắk Lắk", 2025, lang="vi")
    assert "Thay đổi thành phần" in vi.sentence and "Phú Yên" in vi.sentence
    # ranks among the units scored in both years, recomputed independently from the merged 2024 table
    m24 = pk.merged(2024, weights=w).scores.filter(pl.col("total").is_not_null())
    both = set(m24["province_name"]) & set(t["province"])
    assert r.n_before == r.n_after == len(both)
    before = m24.filter(pl.col("province_name").is_in(list(both)))
    assert r.rank_before == 1 + before.filter(pl.col("total") > base + 1e-9).height  # itself excluded
    assert int(r.moves["places"].sum()) == r.rank_after - r.rank_before
    totals = r.measures.filter(pl.col("level") != "subdimension")
    assert totals.height == 9 and totals["comparable"].all()
    # agencies named by the 2025 successors, no district-level committee
    names = set(r.agencies["name"])
    assert not any("District" in a for a in names)
    # a single-member unit crosses the merger without a composition change
    hn = pk.review("Hà Nội", 2025)
    assert hn.across_merger and not hn.composition_changed and hn.weights == {"Ha Noi": 1.0}
    assert "Across the 2025 merger" in hn.sentence


def test_framework_and_units_can_be_forced() -> None:
    # A six-dimension year read with the 2015 framework passed explicitly (total range 6..60).
    six = pk.published(2015).select("province_code", "d1", "d2", "d3", "d4", "d5", "d6", "total")
    y = pk.load_published(six, year=2061, framework=pk.framework(2015))
    assert y.measures == ("total", "d1", "d2", "d3", "d4", "d5", "d6")
    assert pk.published(2061)["rank"].to_list() == pk.published(2015)["rank"].to_list()
    # without framework= a later year reuses the latest (eight dimensions): d7, d8 stay null
    y = pk.load_published(six, year=2062)
    assert "latest" in y.framework and y.measures[-2:] == ("d7", "d8")
    assert pk.published(2062)["d7"].null_count() == 63
    # units=34 forces the 34-unit reading: the 63 provinces then collide inside merged units
    with pytest.raises(pk.PublishedDataError) as e:
        pk.load_published(pk.published(2023).select("province_code", *DIMS, "total"), year=2063, units=34)
    assert "duplicate_province" in {k for k, _ in errors_of(e)}


def test_cli_agencies_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from papikit.cli import main

    pl.DataFrame({"agency_code": ["noi_vu"], "dimension": ["D1"]}).write_csv(tmp_path / "a.csv")
    assert main(["review", "Đắk Lắk", "--year", "2024", "--agencies", str(tmp_path / "a.csv")]) == 0
    out = capsys.readouterr().out
    assert "Home Affairs" in out or "Nội vụ" in out
    # a bad --data file: one stderr line naming the problem, exit 2
    pl.DataFrame({"province": ["Atlantis"], "total": [50.0]}).write_csv(tmp_path / "bad.csv")
    assert main(["profile", "66", "--year", "2027", "--data", str(tmp_path / "bad.csv")]) == 2
    assert 'row 1, column province: unknown province "Atlantis"' in capsys.readouterr().err


def test_review_sentence_names_units_after_the_merger() -> None:
    """On the 34 units of 2025 the review says "unit(s)" / "đơn vị" (labels review.*_units of
    data/labels.csv), not "province(s)" / "tỉnh"; a 63-province year keeps "province(s)"."""
    pk.load_published(merged_2025(), year=2025)
    en = pk.review("Đắk Lắk", 2025)
    assert "unit(s) below it in 2024" in en.sentence and "province(s)" not in en.sentence
    vi = pk.review("Đắk Lắk", 2025, lang="vi")
    assert "đơn vị đứng dưới năm 2024" in vi.sentence and "tỉnh đứng dưới" not in vi.sentence
    kinds = set(en.moves["kind"])
    assert kinds and not any("province" in k for k in kinds), kinds
    assert not any("bị tỉnh" in k for k in vi.moves["kind"])
    before = pk.review("Đắk Lắk", 2024)
    assert "province(s) below it in 2023" in before.sentence and "unit(s)" not in before.sentence
    assert "tỉnh đứng dưới năm 2023" in pk.review("Đắk Lắk", 2024, lang="vi").sentence
