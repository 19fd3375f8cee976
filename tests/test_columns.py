"""One name for the province key and one for the measure in every table papikit returns (issue 15,
item 4).

Rule (``crates/papikit-core/src/columns.rs``, ARCHITECTURE.md "Column names"): a table with a
province key has ``province_code`` (Int32, GSO code) and ``province_name`` (official Vietnamese
name) and, where it names provinces in English too, ``province_name_en``; no table keeps ``code``,
``name_vi``, ``name_en`` or a ``province`` column; the measure column is ``measure``. Single-province
results (profile, gaps, sensitivity, plan) are tables of measures: they carry ``measure`` and none of
the old names. Readers of user tables accept ``province_code`` and the legacy ``code``/``province``.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest

import papikit as pk
from papikit import _core

FORBIDDEN = {"code", "name_vi", "name_en", "province", "item"}
# Survey microdata columns are the user's, not papikit's: the synthetic survey mimics the raw PAPI
# dataset (``province`` = GSO code); it is input, not a result table, and stays as it is.


@pytest.fixture(scope="module")
def survey() -> pk.SurveyResult:
    df = pk.synthetic_survey(2023, seed=3, scale=0.2)
    return pk.Survey(df, design=pk.PAPI_DESIGN).score(pk.framework(2023), method="taylor", progress=False)


@pytest.fixture(scope="module")
def plan() -> pk.Plan:
    return pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25))


def _province_tables(survey: pk.SurveyResult, plan: pk.Plan) -> Iterator[tuple[str, pl.DataFrame]]:
    sim = pk.simulate(2023, {"Đắk Lắk": {"d1": 0.5, "6.1": 50.0}})
    sens = pk.sensitivity("Đắk Lắk", 2023)
    sp = pk.success_probability(plan, se=0.5, draws=500)
    rv = pk.review("Đắk Lắk", 2023)
    merged = pk.merged(2023, weights="population")
    yield "published", pk.published(2023)
    yield "published(panel)", pk.published()
    yield "published(level=all)", pk.published(2023, level="all")
    yield "published(level=subdimension)", pk.published(2023, level="subdimension")
    yield "league", pk.league(2023, by="d4")
    yield "merged.scores", merged.scores
    yield "merged.weights", merged.weights
    yield "merged(level=all).scores", pk.merged(2023, weights="population", level="all").scores
    yield "merged(level=subdimension).scores", pk.merged(2023, weights="population", level="subdimension").scores
    yield "trend", pk.trend("Đắk Lắk", years=[2022, 2023])
    yield "trend(subdimensions)", pk.trend("Đắk Lắk", years=[2022, 2023], level="subdimension")
    yield "trend(era=34)", pk.trend("Đắk Lắk", years=[2023, 2024], era=34)
    yield "simulate.table", sim.table
    yield "simulate.movers", sim.movers
    yield "simulate.changes", sim.changes
    yield "simulate.capped", sim.capped
    yield "sensitivity.thresholds", sens.thresholds
    yield "success_probability.ranks", sp.ranks
    yield "success_probability.distribution", sp.distribution
    yield "review.moves", rv.moves
    yield "published_se", pk.published_se(2023)
    yield "survey.totals", survey.totals
    yield "survey.dimensions", survey.dimensions
    yield "survey.to_polars", survey.to_polars()
    yield "survey.ranks", survey.ranks("total")
    yield "provinces", pk.provinces()
    yield "provinces(era=2025)", pk.provinces(era=2025)
    yield "crosswalk_2025", pk.crosswalk_2025()


def _measure_tables(survey: pk.SurveyResult, plan: pk.Plan) -> Iterator[tuple[str, pl.DataFrame]]:
    rv = pk.review("Đắk Lắk", 2023)
    yield "profile", pk.profile("Đắk Lắk", 2023).to_polars()
    yield "gaps", pk.gaps("Đắk Lắk", 2023).to_polars()
    yield "sensitivity", pk.sensitivity("Đắk Lắk", 2023).table
    yield "optimize.items", plan.to_polars()
    yield "compare", pk.compare(["Đắk Lắk", "Gia Lai"], 2023)
    yield "review.measures", rv.to_polars()
    yield "national_stats", pk.national_stats(2023)
    yield (
        "survey.means",
        pk.Survey(pk.synthetic_survey(2023, seed=3, scale=0.2), design=pk.PAPI_DESIGN).means(["d8_internet_at_home"]),
    )
    yield "survey.totals", survey.totals
    yield "survey.ranks", survey.ranks("dimension")
    yield "published_se", pk.published_se(2023)
    yield "trend", pk.trend("Đắk Lắk", years=[2023])


def _check_province(name: str, df: pl.DataFrame) -> None:
    assert "province_code" in df.columns, f"{name}: no province_code in {df.columns}"
    assert df.schema["province_code"] == pl.Int32, f"{name}: province_code is {df.schema['province_code']}"
    assert "province_name" in df.columns, f"{name}: no province_name in {df.columns}"
    assert df.schema["province_name"] == pl.String, name
    bad = FORBIDDEN & set(df.columns)
    assert not bad, f"{name}: old column names {sorted(bad)} in {df.columns}"


def test_province_tables_use_one_key(survey: pk.SurveyResult, plan: pk.Plan) -> None:
    seen = 0
    for name, df in _province_tables(survey, plan):
        _check_province(name, df)
        seen += 1
    assert seen == 28


def test_province_names_are_the_official_vietnamese_names(survey: pk.SurveyResult) -> None:
    row = pk.published(2023).filter(pl.col("province_code") == 66).row(0, named=True)
    assert (row["province_name"], row["province_name_en"]) == ("Đắk Lắk", "Dak Lak")
    # survey results in English still carry the Vietnamese name in province_name
    t = survey.totals.filter(pl.col("province_code") == 66)
    assert t["province_name"].to_list() == ["Đắk Lắk"] and t["province_name_en"].to_list() == ["Dak Lak"]
    vi = pk.trend("Đắk Lắk", years=[2023], lang="en")
    assert vi["province_name"].unique().to_list() == ["Đắk Lắk"]


def test_measure_column_is_measure(survey: pk.SurveyResult, plan: pk.Plan) -> None:
    for name, df in _measure_tables(survey, plan):
        assert "measure" in df.columns, f"{name}: no measure column in {df.columns}"
        bad = {"code", "item", "name_vi", "name_en", "province"} & set(df.columns)
        assert not bad, f"{name}: old column names {sorted(bad)} in {df.columns}"


def test_survey_means_name_the_provinces() -> None:
    df = pk.synthetic_survey(2023, seed=3, scale=0.2)
    m = pk.Survey(df, design=pk.PAPI_DESIGN).means("d8_internet_at_home")
    assert m.schema["province_code"] == pl.Int32
    assert m.filter(pl.col("province_code") == 66)["province_name"].to_list() == ["Đắk Lắk"]
    # a domain that is not a province: no code, no name
    other = pk.Survey(df, design=pk.Design(domain="sex", strata="province", psu="district", weight="weight"))
    m2 = other.means("d8_internet_at_home")
    assert m2["province_code"].null_count() == m2.height and m2["province_name"].null_count() == m2.height


def test_review_plan_check_and_agencies_use_measure(plan: pk.Plan) -> None:
    rv = pk.review("Đắk Lắk", 2024, plan=pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25)))
    assert rv.plan is not None
    assert "measure" in rv.plan.columns and "code" not in rv.plan.columns
    assert not ({"code", "province", "name_vi", "name_en"} & set(rv.agencies.columns))


def test_the_names_come_from_the_core() -> None:
    code, name, name_en, measure, aliases = _core.column_names()
    assert (code, name, name_en, measure) == ("province_code", "province_name", "province_name_en", "measure")
    assert list(aliases) == ["code", "province"]


@pytest.mark.parametrize("key", ["province_code", "code", "province"])
def test_readers_accept_the_key_and_its_aliases(key: str) -> None:
    m = pk.merged(2023, weights="population")
    wdf = m.weights.select(pl.col("province_code").alias(key), "weight")
    assert (
        pk.merged(2023, weights=wdf)
        .scores.drop("weight_source", strict=False)
        .equals(m.scores.drop("weight_source", strict=False))
    )


def test_missing_key_names_province_code_and_its_aliases() -> None:
    with pytest.raises(pk.ColumnError) as e:
        pk.merged(2023, weights=pl.DataFrame({"unit": [1], "weight": [1.0]}))
    assert e.value.column == "province_code"
    assert "code" in str(e.value) and "province" in str(e.value)


@pytest.mark.parametrize("key", ["province_code", "code", "province"])
def test_load_published_round_trip(key: str) -> None:
    wide = pk.published(2023).select("province_code", *[f"d{k}" for k in range(1, 9)], "total")
    try:
        pk.load_published(wide.rename({"province_code": key}), year=2033)
        back = pk.published(2033)
        _check_province(f"load_published({key})", back)
        orig = pk.published(2023).filter(pl.col("total").is_not_null()).sort("province_code")
        got = back.filter(pl.col("total").is_not_null()).sort("province_code")
        assert got["province_code"].to_list() == orig["province_code"].to_list()
        assert got["rank"].to_list() == orig["rank"].to_list()
    finally:
        pk.unload_published(2033)


def test_load_published_without_a_key_names_province_code() -> None:
    wide = pk.published(2023).select(*[f"d{k}" for k in range(1, 9)], "total")
    bad = wide.with_columns(row_id=pl.format("r{}", pl.int_range(pl.len()))).select("row_id", pl.exclude("row_id"))
    with pytest.raises(pk.PublishedDataError) as e:
        pk.load_published(bad, year=2034)
    missing = [x for x in e.value.errors() if x["kind"] == "missing_column"]
    assert len(missing) == 1 and missing[0]["loc"] == "column row_id"
    assert '"province_code"' in missing[0]["message"] and '"code", "province"' in missing[0]["message"]
    assert 2034 not in pk.loaded_years()
