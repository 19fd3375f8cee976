"""API contract and golden values for the foundation: registry, published results, ranks, groups.

Golden numbers come from the official PAPI 2023/2024 provincial workbooks (values in
crates/papikit-core/data/papi_panel_2011_2024.csv; see data/PROVENANCE.md) and the Đắk Lắk
People's Committee's statement "42,3265 điểm, xếp vị thứ 31/61/63 ... (Đắk Lắk: 31; Lâm Đồng: 45;
Gia Lai: 51, Kon Tum: 56; Đắk Nông: 61)" (https://vietnam.vn/daklak/?p=587096).
"""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import papikit as pk


def test_every_published_total_is_the_sum_of_its_dimensions() -> None:
    df = pk.published()
    assert df.height == 882
    with_total = df.filter(pl.col("total").is_not_null())
    assert with_total.height == 869
    dims = [f"d{i}" for i in range(1, 9)]
    sums = with_total.select(pl.sum_horizontal(dims).alias("s"), "total")
    assert (sums["s"] - sums["total"]).abs().max() <= 5e-4  # type: ignore[operator]


def test_gaps_stay_null() -> None:
    df = pk.published(2023)
    qn = df.filter(pl.col("province_name_en") == "Quang Ninh").row(0, named=True)
    assert qn["total"] is None and qn["rank"] is None and qn["group"] is None
    old = pk.published(2015)
    assert old["d7"].null_count() == 63 and old["d8"].null_count() == 63


def test_dak_lak_2023_and_2024_golden() -> None:
    r = pk.published(2023).filter(pl.col("province_code") == 66).row(0, named=True)
    assert f"{r['total']:.4f}" == "42.3265"
    assert (r["rank"], r["n_ranked"], r["group"]) == (31, 61, "Low average")
    r24 = pk.published(2024).filter(pl.col("province_code") == 66).row(0, named=True)
    assert f"{r24['total']:.4f}" == "43.0102" and r24["rank"] == 39


def test_central_highlands_ranks_2023() -> None:
    df = pk.published(2023).filter(pl.col("region") == "Central Highlands").sort("rank")
    got = dict(zip(df["province_name"], df["rank"], strict=True))
    assert got == {"Đắk Lắk": 31, "Lâm Đồng": 45, "Gia Lai": 51, "Kon Tum": 56, "Đắk Nông": 61}
    ranked = pk.rank(df.drop("rank", "n_ranked", "group"), within="region")
    assert ranked.filter(pl.col("province_code") == 66)["rank_within"][0] == 1


def test_vietnamese_labels() -> None:
    r = pk.published(2023, lang="vi").filter(pl.col("province_code") == 66).row(0, named=True)
    assert r["group"] == "Trung bình thấp" and r["region"] == "Tây Nguyên"
    with pytest.raises(pk.InvalidArgumentError):
        pk.published(2023, lang="fr")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "q", ["Đắk Lắk", "Dak Lak", "daklak", "DAK LAK", "Đắc Lắc", 66, "66", "tỉnh Đắk Lắk", "  dak-lak "]
)
def test_dak_lak_aliases(q: str | int) -> None:
    assert pk.province(q).code == 66


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("TP HCM", 79),
        ("HCMC", 79),
        ("Ho Chi Minh City", 79),
        ("TP. Hồ Chí Minh", 79),
        ("Sài Gòn", 79),
        ("Huế", 46),
        ("Thừa Thiên Huế", 46),
        ("BR-VT", 77),
        ("Bà Rịa - Vũng Tàu", 77),
        ("Hà Nội", 1),
        ("ha noi", 1),
        ("Đà Nẵng", 48),
        ("Kon Tum", 62),
        ("Đắk Nông", 67),
    ],
)
def test_aliases(q: str, code: int) -> None:
    assert pk.province(q).code == code


def test_unknown_province_suggests() -> None:
    with pytest.raises(pk.UnknownProvinceError, match="Đắk Lắk"):
        pk.province("Dak Lek")
    with pytest.raises(pk.PapiError):
        pk.province(999)


def test_every_name_resolves_to_itself() -> None:
    for row in pk.provinces().iter_rows(named=True):
        assert pk.province(row["province_name"]).code == row["province_code"]
        assert pk.province(row["province_name_en"]).code == row["province_code"]
        assert pk.province(row["province_name"].upper()).code == row["province_code"]


def test_provinces_and_merger() -> None:
    p63, p34 = pk.provinces(era=2024), pk.provinces(era=2025)
    assert p63.height == 63 and p34.height == 34
    assert p34["n_members"].sum() == 63
    assert set(pk.crosswalk_2025()["unit_code"]) == set(p34["province_code"])
    u = pk.unit_2025("Phú Yên")
    assert (u.code, u.name_vi, u.members) == (66, "Đắk Lắk", (54, 66))
    with pytest.raises(pk.InvalidArgumentError):
        pk.provinces(era=2030)  # type: ignore[arg-type]


def test_years_outside_range() -> None:
    for y in (2010, 2025):
        with pytest.raises(pk.UnknownYearError, match="2011-2024"):
            pk.published(y)
        with pytest.raises(pk.UnknownYearError):
            pk.framework(y)


def test_national_stats_match_shipped_cross_check() -> None:
    s = pk.national_stats(2023).filter(pl.col("measure") == "total").row(0, named=True)
    # shared/data/papi/papi_national_stats_computed.csv, 2023 total: n 61, max Thua Thien Hue 46.0415
    assert s["n_provinces"] == 61 and s["max_province"] == "Thua Thien Hue"
    assert math.isclose(s["max"], 46.0415, abs_tol=5e-5)


def test_rank_any_table_and_errors() -> None:
    df = pl.DataFrame({"p": ["a", "b", "c", "d", "e"], "score": [3.0, None, 5.0, 3.0, 1.0]})
    r = pk.rank(df, by="score")
    assert r["score_rank"].to_list() == [2, None, 1, 2, 4]
    assert r["score_n_ranked"].to_list() == [4, None, 4, 4, 4]
    with pytest.raises(pk.ColumnError, match="nope"):
        pk.rank(df, by="nope")
    with pytest.raises(pk.ColumnError, match="p"):
        pk.rank(df, by="p")


def test_group_bands_2023() -> None:
    b = pk.group_bands(pk.published(2023)).rows(named=True)
    assert [x["n"] for x in b] == [15, 15, 15, 16]
    # research notes §2.3: 2023 Low-avg 40.9044-42.3265 (Lâm Đồng ... Đắk Lắk)
    assert math.isclose(b[2]["max"], 42.3265, abs_tol=5e-5) and math.isclose(b[2]["min"], 40.9044, abs_tol=5e-5)


def test_per_dimension_ranks_reproduce_published_d6_groups() -> None:
    df = pk.rank(pk.published(2022), by="d6")
    assert df["d6_n_ranked"].drop_nulls()[0] == 63 - df["d6"].null_count()


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=80, unique=True))
def test_ranks_are_a_permutation_for_distinct_scores(xs: list[float]) -> None:
    r = pk.rank(pl.DataFrame({"s": xs}), by="s")["s_rank"].to_list()
    assert sorted(r) == list(range(1, len(xs) + 1))


@given(st.integers(0, 1000))
def test_group_sizes_sum_to_n(n: int) -> None:
    sizes = pk.group_sizes(n)
    assert sum(sizes) == n
    assert sizes[0] == sizes[1] and sizes[2] <= sizes[0] and min(sizes) >= 0


def test_group_sizes_published_cases() -> None:
    assert pk.group_sizes(63) == (16, 16, 15, 16)
    assert pk.group_sizes(61) == (15, 15, 15, 16)
    assert pk.group_sizes(60) == (15, 15, 15, 15)


def test_unsupported_dtypes_are_named_not_panics() -> None:
    from decimal import Decimal

    df = pl.DataFrame({"s": [Decimal("1.5"), Decimal("2.5")]}, schema={"s": pl.Decimal(10, 2)})
    assert pk.rank(df, by="s")["s_rank"].to_list() == [2, 1]
    bad = pl.DataFrame({"s": [1.0, 2.0], "nested": [{"a": 1}, {"a": 2}]})
    with pytest.raises(pk.ColumnError, match="nested"):
        pk.rank(bad, by="s")
    with pytest.raises(pk.InvalidArgumentError):
        pk.rank({"s": [1.0]}, by="s")  # type: ignore[arg-type]


def test_categorical_and_integer_scores() -> None:
    df = pl.DataFrame({"region": ["a", "a", "b"], "s": [1, 3, 2]}).with_columns(pl.col("region").cast(pl.Categorical))
    r = pk.rank(df, by="s", within="region")
    assert r["s_rank"].to_list() == [3, 1, 2] and r["s_rank_within"].to_list() == [2, 1, 1]


def test_polars_version_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    import polars

    from papikit import _version_check

    monkeypatch.setattr(polars, "__version__", "1.20.0")
    with pytest.raises(ImportError, match=r"polars >=1.43.2,<2.2 .* 1.20.0 is installed"):
        _version_check.check_polars()
    monkeypatch.setattr(polars, "__version__", "2.1.0")
    _version_check.check_polars()
