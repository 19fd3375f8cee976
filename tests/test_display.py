"""A guessable API (issue 15 item 4): natural mistakes give the right answer or a typed error naming
the argument, and every result's repr shows its headline (province name, rounded values).

Numbers: Đắk Lắk 2024 total 43.0102, rank 39 of 61, Low average; 2023 42.3265, rank 31 of 61
(published PAPI results, crates/papikit-core/data/papi_panel_2011_2024.csv).
"""

from __future__ import annotations

import re

import polars as pl
import pytest

import papikit as pk

LONG_FLOAT = re.compile(r"\d\.\d{7,}")


# ------------------------------------------------------------------------------ natural mistakes


def test_compare_one_province_by_name() -> None:
    one = pk.compare("Đắk Lắk", 2023)
    assert one.equals(pk.compare(["Đắk Lắk"], 2023))
    assert one.columns[:2] == ["measure", "Dak Lak"]
    assert pk.compare(66, 2023).equals(one)
    with pytest.raises(pk.InvalidArgumentError, match="provinces"):
        pk.compare(3.5, 2023)  # type: ignore[arg-type]


def test_trend_with_one_year() -> None:
    t = pk.trend("Đắk Lắk", 2024)
    assert t["year"].unique().to_list() == [2024]
    assert t.equals(pk.trend("Đắk Lắk", [2024]))
    assert t.filter(pl.col("measure") == "total")["score"].round(4).to_list() == [43.0102]
    with pytest.raises(pk.InvalidArgumentError, match="years"):
        pk.trend("Đắk Lắk", "2024")  # type: ignore[arg-type]
    with pytest.raises(pk.InvalidArgumentError, match="years"):
        pk.trend("Đắk Lắk", [2023, "2024"])  # type: ignore[list-item]


def test_gaps_against_one_peer_by_name() -> None:
    one = pk.gaps("Đắk Lắk", 2023, against=["Gia Lai"]).total_gap
    assert one is not None
    assert pk.gaps("Đắk Lắk", 2023, against=[pk.province("Gia Lai")]).total_gap == one


def test_by_agency_reads_its_own_agency_table() -> None:
    g = pk.gaps("Đắk Lắk", 2024)
    base = g.by_agency()
    for lang in ("en", "vi"):
        assert g.by_agency(pk.agencies(lang=lang)).equals(base)  # built-in names kept in the result's language
    # a user table with one cell naming two agencies ("khcn, nn_mt")
    t = pl.DataFrame(
        {
            "agency_code": ["khcn, nn_mt", "y_te"],
            "agency_vi": ["Sở Khoa học và Công nghệ, Sở Nông nghiệp và Môi trường", None],
            "agency_en": ["Department of Science and Technology; Department of Agriculture and Environment", None],
            "dimension": ["D8", "D6"],
            "role": ["shared", "lead"],
        }
    )
    a = pk.agencies(t)
    assert a["agency_code"].to_list() == ["khcn", "nn_mt", "y_te"]
    out = g.by_agency(a)
    assert set(out["agency_code"]) == {"khcn", "nn_mt", "y_te"}
    d8 = g.to_polars().filter(pl.col("measure") == "d8")["gap"][0]
    # by_agency is at sub-dimension precision: an owner of D8 gets each of its sub-dimensions, whose
    # gaps add up to D8's (to the published rounding)
    nn_mt = out.filter(pl.col("agency_code") == "nn_mt")
    assert nn_mt.height == 3 and nn_mt["gap"].sum() == pytest.approx(d8, abs=1e-4)
    assert set(out.filter(pl.col("agency_code") == "khcn")["n_agencies_sharing"].to_list()) == {2}
    # and the output of pk.agencies on that table reads back again
    assert g.by_agency(pk.agencies(a)).equals(out)


def test_bare_int_target_refused() -> None:
    with pytest.raises(pk.InvalidArgumentError, match="target"):
        pk.optimize("Đắk Lắk", 2024, target=15)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- headlines


def test_profile_repr_shows_rank_and_group() -> None:
    r = repr(pk.profile("Đắk Lắk", 2024))
    head = r.splitlines()[0]
    assert "Dak Lak 2024" in head and "43.0102" in head and "rank 39/61" in head
    assert pk.group_label("low_average", "en") in head
    assert "…" not in head
    vi = repr(pk.profile("Đắk Lắk", 2024, lang="vi")).splitlines()[0]
    assert "Đắk Lắk" in vi and "43,0102" in vi and "Trung bình thấp" in vi


def test_gaps_repr() -> None:
    head = repr(pk.gaps("Đắk Lắk", 2023)).splitlines()[0]
    assert "Dak Lak 2023" in head and "Thua Thien Hue" in head and "3.7150" in head


def test_simulation_repr_shows_the_mover() -> None:
    s = pk.simulate(pk.LAST_YEAR, {"Đắk Lắk": {"d1": 0.72}})
    r = repr(s)
    row = s.to_polars().filter(pl.col("province_code") == 66).row(0, named=True)
    assert r.startswith(f"Simulation {pk.LAST_YEAR}: Dak Lak: ")
    assert f"rank {row['rank_before']} -> {row['rank_after']}" in r
    assert f"{row['total_after']:.4f}" in r
    assert "Dak Lak" in s._repr_html_()


def test_sensitivity_repr_shows_its_table() -> None:
    s = pk.sensitivity("Đắk Lắk", pk.LAST_YEAR)
    r = repr(s)
    lines = r.splitlines()
    assert (
        lines[0].startswith(f"Sensitivity: Dak Lak {pk.LAST_YEAR}, total ")
        and f"rank {s.rank}/{s.n_ranked}" in lines[0]
    )
    assert sum(1 for ln in lines if re.search(r"\bd[1-8]\b", ln)) == 8  # every dimension's row printed
    assert not LONG_FLOAT.search(r)


def test_plan_repr_names_the_province_and_rounds() -> None:
    p = pk.optimize("Đắk Lắk", pk.LAST_YEAR, target=pk.Group("high_average"))
    r = repr(p)
    assert "province=66" not in r and not LONG_FLOAT.search(r)
    head = r.splitlines()[0]
    assert head.startswith(f"Plan: Dak Lak {pk.LAST_YEAR} -> {pk.group_label('high_average', 'en')}")
    assert f"gain {p.required_gain:.4f}" in head and f"rank {p.rank_before} -> {p.rank_after}/{p.n_ranked}" in head
    assert p.province_name == "Dak Lak"
    assert "Dak Lak" in p._repr_html_() and not LONG_FLOAT.search(p._repr_html_())


def test_success_probability_repr() -> None:
    p = pk.optimize("Đắk Lắk", pk.LAST_YEAR, target=pk.Group("high_average"))
    sp = pk.success_probability(p, se=0.5, draws=200)
    assert repr(sp).startswith(f"SuccessProbability: P(target) = {sp.probability:.4f}")


def test_caterpillar_plots_scores_against_rank() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import papikit.plot as pkp

    df = pk.published(2023)
    ax = pkp.rank_caterpillar(df, "Đắk Lắk")
    xs = ax.collections[-1].get_offsets()[:, 0]
    ranked = df.filter(pl.col("rank").is_not_null()).sort("rank", "province_code")
    assert [round(float(x), 6) for x in xs] == [round(v, 6) for v in ranked["total"].to_list()]
    assert xs.min() > 30  # scores, not ranks
    pkp.close(ax)
    # with CIs and rank intervals (as survey results have them): the CI is drawn around the score
    ci = ranked.with_columns(
        ci_low=pl.col("total") - 0.5,
        ci_high=pl.col("total") + 0.5,
        rank_low=(pl.col("rank") - 2).clip(1),
        rank_high=pl.col("rank") + 2,
    )
    ax = pkp.rank_caterpillar(ci, 66)
    segs = ax.collections[0].get_segments()
    assert len(segs) == ci.height
    assert segs[30][0][0] == pytest.approx(42.3265 - 0.5, abs=1e-4) and segs[30][1][0] == pytest.approx(
        42.8265, abs=1e-4
    )
    assert ax.get_yticklabels()[30].get_text() == "31 [29-33]. Dak Lak"
    pkp.close(ax)


def test_year_arguments_are_checked_by_name() -> None:
    import numpy as np

    for call in (
        lambda: pk.profile("Đắk Lắk", "2024"),
        lambda: pk.gaps("Đắk Lắk", "2024"),
        lambda: pk.league("2024"),
        lambda: pk.published("2023"),
        lambda: pk.review("Đắk Lắk", "2024"),
        lambda: pk.compare(["Đắk Lắk", "Gia Lai"], [2023]),
        lambda: pk.sensitivity("Đắk Lắk", 2023.0),
        lambda: pk.simulate(True, {"Đắk Lắk": {"d1": 0.5}}),
    ):
        with pytest.raises(pk.InvalidArgumentError, match="invalid value for year"):
            call()  # type: ignore[no-untyped-call]
    assert pk.profile("Đắk Lắk", np.int64(2023)).year == 2023  # numpy ints are years too


def test_result_objects_name_the_province_alike() -> None:
    y = pk.LAST_YEAR
    results = [
        pk.profile("Đắk Lắk", y),
        pk.gaps("Đắk Lắk", y),
        pk.sensitivity("Đắk Lắk", y),
        pk.optimize("Đắk Lắk", y, target=pk.Group("high_average")),
    ]
    assert {r.province_code for r in results} == {66}
    assert {r.province_name for r in results} == {"Dak Lak"}


def test_review_repr_names_the_province() -> None:
    r = pk.review("Đắk Lắk", pk.LAST_YEAR, lang="vi")
    head = repr(r).splitlines()[0]
    assert "Đắk Lắk" in head and f"{r.rank_before}/{r.n_before} -> {r.rank_after}/{r.n_after}" in head
    assert "," in head.split(":")[1]  # Vietnamese decimals
