"""The bad-input battery (issue 14): every public function, every argument, every file reader and the
CLI, given hostile input. Each case asserts the EXACT exception class (a ``pk.PapiError`` subclass,
never a ``PanicException``, ``TypeError`` or polars error) and that the message names the culprit
(the argument, column, province, year, path or code). Every case runs in-process; the resource
cases (``replicates=10**9``) run in a subprocess so that a failure could not take pytest down.

The tables below are built from small generators (bad years x functions taking a year, bad
provinces x functions taking a province, ...); ``test_battery_size`` pins the count (>= 300).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import papikit as pk
from papikit import cli

Case = Any  # pytest.param(fn, exception class, culprit)
CASES: list[Case] = []


def case(cid: str, fn: Callable[[], object], exc: type[BaseException], culprit: str) -> None:
    CASES.append(pytest.param(fn, exc, culprit, id=cid))


# ---- shared inputs (built once, lazily) ------------------------------------------------------

_cache: dict[str, Any] = {}


def small_survey() -> pl.DataFrame:
    if "s" not in _cache:
        _cache["s"] = pk.synthetic_survey(2023, seed=3, scale=0.05)
    return _cache["s"]


def survey() -> pk.Survey:
    return pk.Survey(small_survey(), design=pk.PAPI_DESIGN)


def fw() -> pk.Framework:
    return pk.framework(2023)


def spec() -> dict[str, Any]:
    return json.loads(pk.framework(2023).to_json())


def toy() -> pl.DataFrame:
    return pl.DataFrame({"d": [1, 1, 2, 2], "p": [1, 2, 3, 4], "y": [1.0, 2.0, 3.0, 4.0]})


def toy_design(**kw: Any) -> pk.Design:
    return pk.Design(**{"domain": "d", "psu": "p", **kw})


def plan() -> pk.Plan:
    if "plan" not in _cache:
        _cache["plan"] = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25))
    return _cache["plan"]


# ---- 1. years: every function that takes a year ----------------------------------------------

YEAR_FUNCS: dict[str, Callable[[Any], object]] = {
    "published": lambda y: pk.published(y),
    "national_stats": lambda y: pk.national_stats(y),
    "framework": lambda y: pk.framework(y),
    "league": lambda y: pk.league(y),
    "compare": lambda y: pk.compare(["Hà Nội", "Đắk Lắk"], y),
    "merged": lambda y: pk.merged(y, weights="population"),
    "profile": lambda y: pk.profile("Đắk Lắk", y),
    "gaps": lambda y: pk.gaps("Đắk Lắk", y),
    "sensitivity": lambda y: pk.sensitivity("Đắk Lắk", y),
    "simulate": lambda y: pk.simulate(y, {"Đắk Lắk": {"d1": 0.1}}),
    "optimize": lambda y: pk.optimize("Đắk Lắk", y, target=pk.TargetRank(25)),
    "review": lambda y: pk.review("Đắk Lắk", y),
    "report_html": lambda y: pk.report_html("Đắk Lắk", year=y, progress=False),
    "synthetic_survey": lambda y: pk.synthetic_survey(y, scale=0.05),
}
# (value, expected class, culprit in the message)
BAD_YEARS: list[tuple[str, Any, type[BaseException], str]] = [
    ("str", "2023", pk.InvalidArgumentError, "year"),
    ("float", 2023.0, pk.InvalidArgumentError, "year"),
    ("huge", 10**30, pk.InvalidArgumentError, "year"),
    ("none_list", [2023], pk.InvalidArgumentError, "year"),
    ("1999", 1999, pk.UnknownYearError, "1999"),
    ("2031", 2031, pk.UnknownYearError, "2031"),
]
for fname, f in YEAR_FUNCS.items():
    for vid, value, exc, culprit in BAD_YEARS:
        case(f"year-{fname}-{vid}", lambda f=f, value=value: f(value), exc, culprit)

# ---- 2. provinces: every function that takes a province --------------------------------------

PROVINCE_FUNCS: dict[str, Callable[[Any], object]] = {
    "province": lambda p: pk.province(p),
    "profile": lambda p: pk.profile(p, 2023),
    "gaps": lambda p: pk.gaps(p, 2023),
    "trend": lambda p: pk.trend(p),
    "sensitivity": lambda p: pk.sensitivity(p, 2023),
    "optimize": lambda p: pk.optimize(p, 2023, target=pk.TargetRank(25)),
    "review": lambda p: pk.review(p, 2023),
    "report_html": lambda p: pk.report_html(p, year=2023, progress=False),
    "compare": lambda p: pk.compare([p, "Hà Nội"], 2023),
    "simulate": lambda p: pk.simulate(2023, {p: {"d1": 0.1}}),
}
BAD_PROVINCES: list[tuple[str, Any, type[BaseException], str]] = [
    ("typo", "Dak Lek", pk.UnknownProvinceError, "Dak Lek"),
    ("code999", 999, pk.UnknownProvinceError, "999"),
    ("empty", "", pk.UnknownProvinceError, '""'),
    ("surrogate", "\ud800", pk.InvalidArgumentError, "rovince"),
]
# a lone surrogate fails in conversion: the message names the argument that carried it
SURROGATE_ARGUMENT = {"province": "query", "simulate": "changes"}
for fname, f in PROVINCE_FUNCS.items():
    for vid, value, exc, culprit in BAD_PROVINCES:
        if vid == "surrogate":
            culprit = SURROGATE_ARGUMENT.get(fname, "province")
        case(f"province-{fname}-{vid}", lambda f=f, value=value: f(value), exc, culprit)

case("unit_2025-typo", lambda: pk.unit_2025("Dak Lek"), pk.UnknownProvinceError, "Dak Lek")
case("unit_2025-999", lambda: pk.unit_2025(999), pk.UnknownProvinceError, "999")
case("unit_2025-surrogate", lambda: pk.unit_2025("\ud800"), pk.InvalidArgumentError, "query")

# ---- 3. languages and choices ----------------------------------------------------------------

LANG_FUNCS: dict[str, Callable[[str], object]] = {
    "published": lambda lg: pk.published(2023, lang=lg),
    "national_stats": lambda lg: pk.national_stats(2023, lang=lg),
    "league": lambda lg: pk.league(2023, lang=lg),
    "compare": lambda lg: pk.compare(["Hà Nội", "Đắk Lắk"], 2023, lang=lg),
    "profile": lambda lg: pk.profile("Đắk Lắk", 2023, lang=lg),
    "gaps": lambda lg: pk.gaps("Đắk Lắk", 2023, lang=lg),
    "trend": lambda lg: pk.trend("Đắk Lắk", lang=lg),
    "merged": lambda lg: pk.merged(2023, weights="population", lang=lg),
    "agencies": lambda lg: pk.agencies(lang=lg),
    "sensitivity": lambda lg: pk.sensitivity("Đắk Lắk", 2023, lang=lg),
    "simulate": lambda lg: pk.simulate(2023, {"Đắk Lắk": {"d1": 0.1}}, lang=lg),
    "review": lambda lg: pk.review("Đắk Lắk", 2023, lang=lg),
    "group_labels": lambda lg: pk.group_labels(lg),  # type: ignore[arg-type]
    "group_label": lambda lg: pk.group_label("high", lg),  # type: ignore[arg-type]
    "rank": lambda lg: pk.rank(pk.published(2023), lang=lg),
    "group_bands": lambda lg: pk.group_bands(pk.published(2023), lang=lg),
}
for fname, f in LANG_FUNCS.items():
    case(f"lang-{fname}-fr", lambda f=f: f("fr"), pk.InvalidArgumentError, "fr")

CHOICES: list[tuple[str, Callable[[], object], type[BaseException], str]] = [
    ("published-level", lambda: pk.published(2023, level="indicator"), pk.InvalidArgumentError, "level"),
    ("league-by", lambda: pk.league(2023, by="d9"), pk.UnknownCodeError, "d9"),
    ("league-region", lambda: pk.league(2023, region="Atlantis"), pk.UnknownCodeError, "Atlantis"),
    ("compare-values", lambda: pk.compare(["Hà Nội"], 2023, values="x"), pk.InvalidArgumentError, "values"),  # type: ignore[arg-type]
    ("gaps-against", lambda: pk.gaps("Đắk Lắk", 2023, against="moon"), pk.InvalidArgumentError, "moon"),  # type: ignore[arg-type]
    ("gaps-region_stat", lambda: pk.gaps("Đắk Lắk", 2023, region_stat="x"), pk.InvalidArgumentError, "region_stat"),  # type: ignore[arg-type]
    ("gaps-level0", lambda: pk.gaps("Đắk Lắk", 2023, level=0.0), pk.InvalidArgumentError, "level"),
    ("gaps-level2", lambda: pk.gaps("Đắk Lắk", 2023, level=2.0), pk.InvalidArgumentError, "level"),
    ("gaps-level-nan", lambda: pk.gaps("Đắk Lắk", 2023, level=float("nan")), pk.InvalidArgumentError, "level"),
    ("sensitivity-level", lambda: pk.sensitivity("Đắk Lắk", 2023, level="x"), pk.InvalidArgumentError, "x"),  # type: ignore[arg-type]
    (
        "sensitivity-indicator-published",
        lambda: pk.sensitivity("Đắk Lắk", 2023, level="indicator"),
        pk.InvalidArgumentError,
        "level",
    ),
    (
        "optimize-level",
        lambda: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), level="x"),
        pk.InvalidArgumentError,
        "x",
    ),  # type: ignore[arg-type]
    (
        "optimize-others",
        lambda: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), others="x"),
        pk.InvalidArgumentError,
        "x",
    ),  # type: ignore[arg-type]
    ("simulate-others", lambda: pk.simulate(2023, {"Đắk Lắk": {"d1": 0.1}}, others="x"), pk.InvalidArgumentError, "x"),  # type: ignore[arg-type]
    ("simulate-measure", lambda: pk.simulate(2023, {"Đắk Lắk": {"d9": 0.1}}), pk.UnknownCodeError, "d9"),
    ("provinces-era", lambda: pk.provinces(50), pk.InvalidArgumentError, "50"),
    ("group_label-name", lambda: pk.group_label("superb"), pk.UnknownCodeError, "superb"),
    ("group_sizes-neg", lambda: pk.group_sizes(-1), pk.InvalidArgumentError, "n"),
    ("group_sizes-str", lambda: pk.group_sizes("63"), pk.InvalidArgumentError, "n"),  # type: ignore[arg-type]
    ("profile-previous-1999", lambda: pk.profile("Đắk Lắk", 2023, previous=1999), pk.UnknownYearError, "1999"),
    ("profile-margin-neg", lambda: pk.profile("Đắk Lắk", 2023, margin=-1), pk.InvalidArgumentError, "margin"),
    ("profile-margin-huge", lambda: pk.profile("Đắk Lắk", 2023, margin=10**20), pk.InvalidArgumentError, "margin"),
    ("profile-margin-str", lambda: pk.profile("Đắk Lắk", 2023, margin="10"), pk.InvalidArgumentError, "margin"),  # type: ignore[arg-type]
    ("trend-years-bad", lambda: pk.trend("Đắk Lắk", [1999]), pk.UnknownYearError, "1999"),
    ("trend-years-str", lambda: pk.trend("Đắk Lắk", ["2023"]), pk.InvalidArgumentError, "years"),  # type: ignore[list-item]
]
for cid, fn, exc, culprit in CHOICES:
    case(f"choice-{cid}", fn, exc, culprit)

# ---- 4. counts and seeds: draws, seed, n_thresholds, years -----------------------------------

COUNT_FUNCS: dict[str, Callable[..., object]] = {
    "sensitivity": lambda **k: pk.sensitivity("Đắk Lắk", 2023, se=0.5, **k),
    "optimize": lambda **k: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), probability=0.5, se=0.5, **k),
    "success_probability": lambda **k: pk.success_probability(plan(), se=0.5, **k),
}
BAD_COUNTS: list[tuple[str, str, Any, type[BaseException]]] = [
    ("draws", "neg", -1, pk.InvalidArgumentError),
    ("draws", "zero", 0, pk.InvalidArgumentError),
    ("draws", "huge", 10**30, pk.InvalidArgumentError),
    ("draws", "float", 100.0, pk.InvalidArgumentError),
    ("seed", "neg", -1, pk.InvalidArgumentError),
    ("seed", "huge", 2**70, pk.InvalidArgumentError),
    ("seed", "str", "1", pk.InvalidArgumentError),
]
for fname, f in COUNT_FUNCS.items():
    for arg, vid, value, exc in BAD_COUNTS:
        case(f"count-{fname}-{arg}-{vid}", lambda f=f, arg=arg, value=value: f(**{arg: value}), exc, arg)

for vid, value in [("neg", -1), ("huge", 10**20), ("str", "3")]:
    case(
        f"count-sensitivity-n_thresholds-{vid}",
        lambda v=value: pk.sensitivity("Đắk Lắk", 2023, n_thresholds=v),
        pk.InvalidArgumentError,
        "n_thresholds",
    )
    case(
        f"count-simulate-years-{vid}",
        lambda v=value: pk.simulate(2023, {"Đắk Lắk": {"d1": 0.1}}, others="trend", years=v),
        pk.InvalidArgumentError,
        "years",
    )
    case(
        f"count-optimize-years-{vid}",
        lambda v=value: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), others="trend", years=v),
        pk.InvalidArgumentError,
        "years",
    )
for vid, value in [("neg", -0.5), ("nan", float("nan")), ("str", "0.5")]:
    case(
        f"count-sensitivity-se-{vid}",
        lambda v=value: pk.sensitivity("Đắk Lắk", 2023, se=v),
        pk.InvalidArgumentError,
        "se",
    )
    case(
        f"count-success_probability-se-{vid}",
        lambda v=value: pk.success_probability(plan(), se=v),
        pk.InvalidArgumentError,
        "se",
    )
for vid, value in [("neg", -0.1), ("over1", 1.5), ("nan", float("nan"))]:
    case(
        f"count-optimize-probability-{vid}",
        lambda v=value: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), probability=v, se=0.5),
        pk.InvalidArgumentError,
        "probability",
    )

# ---- 5. targets, goals, changes, caps, costs --------------------------------------------------

TARGETS: list[tuple[str, Callable[[], object], type[BaseException], str]] = [
    ("TargetRank-0", lambda: pk.TargetRank(0), pk.InvalidArgumentError, "rank"),
    ("TargetRank-neg", lambda: pk.TargetRank(-3), pk.InvalidArgumentError, "rank"),
    ("TargetRank-str", lambda: pk.TargetRank("5"), pk.InvalidArgumentError, "rank"),  # type: ignore[arg-type]
    ("TargetRank-huge", lambda: pk.TargetRank(10**30), pk.InvalidArgumentError, "rank"),
    ("Group-name", lambda: pk.Group("superb"), pk.UnknownCodeError, "superb"),
    ("Group-none", lambda: pk.Group(None), pk.UnknownCodeError, "None"),  # type: ignore[arg-type]
    ("Year-1999", lambda: pk.Year(1999), pk.InvalidArgumentError, "1999"),
    ("Year-str", lambda: pk.Year("2023"), pk.InvalidArgumentError, "year"),  # type: ignore[arg-type]
    ("CloseGap-neg", lambda: pk.CloseGap(-0.5), pk.InvalidArgumentError, "share"),
    ("CloseGap-over", lambda: pk.CloseGap(1.5), pk.InvalidArgumentError, "share"),
    ("CloseGap-nan", lambda: pk.CloseGap(float("nan")), pk.InvalidArgumentError, "share"),
    ("CloseGap-to", lambda: pk.CloseGap(0.5, to="moon"), pk.InvalidArgumentError, "moon"),
    ("optimize-int-target", lambda: pk.optimize("Đắk Lắk", 2023, target=5), pk.InvalidArgumentError, "target"),  # type: ignore[arg-type]
    ("optimize-no-target", lambda: pk.optimize("Đắk Lắk", 2023), pk.InvalidArgumentError, "target"),
    (
        "optimize-caps-neg",
        lambda: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), caps={"d1": -1.0}),
        pk.InvalidArgumentError,
        "d1",
    ),
    (
        "optimize-caps-code",
        lambda: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), caps={"d9": 1.0}),
        pk.UnknownCodeError,
        "d9",
    ),
    (
        "optimize-costs-neg",
        lambda: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), costs={"d1": -1.0}),
        pk.InvalidArgumentError,
        "d1",
    ),
    (
        "optimize-costs-code",
        lambda: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), costs={"d9": 1.0}),
        pk.UnknownCodeError,
        "d9",
    ),
    (
        "optimize-cap-below-range",
        lambda: pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(1), caps={"d1": 0.01}),
        pk.InvalidArgumentError,
        "d1",
    ),
    ("simulate-nan", lambda: pk.simulate(2023, {"Đắk Lắk": {"d1": float("nan")}}), pk.InvalidArgumentError, "d1"),
    ("simulate-inf", lambda: pk.simulate(2023, {"Đắk Lắk": {"d1": float("inf")}}), pk.InvalidArgumentError, "d1"),
    ("simulate-province", lambda: pk.simulate(2023, {"Dak Lek": {"d1": 0.1}}), pk.UnknownProvinceError, "Dak Lek"),
    ("review-goal", lambda: pk.review("Đắk Lắk", 2023, goal="top"), pk.InvalidArgumentError, "goal"),  # type: ignore[arg-type]
    ("review-2011", lambda: pk.review("Đắk Lắk", 2011), pk.InvalidArgumentError, "2011"),
    (
        "review-agencies-missing-col",
        lambda: pk.review("Đắk Lắk", 2023, agencies=pl.DataFrame({"x": [1]})),
        pk.ColumnError,
        "agency",
    ),
]
for cid, fn, exc, culprit in TARGETS:
    case(f"target-{cid}", fn, exc, culprit)

# ---- 6. merged weights -----------------------------------------------------------------------


def _all_weights(**over: float) -> dict[str | int, float]:
    w: dict[str | int, float] = {str(c): 1.0 for c in pk.provinces()["province_code"].to_list()}
    w.update(over)
    return w


MERGED: list[tuple[str, Callable[[], object], type[BaseException], str]] = [
    (
        "dup-name-code",
        lambda: pk.merged(2023, weights=_all_weights(**{"Hà Nội": 2.0})),
        pk.InvalidArgumentError,
        "Hà Nội",
    ),
    (
        "dup-alias",
        lambda: pk.merged(2023, weights=_all_weights(**{"Dak Lak": 2.0})),
        pk.InvalidArgumentError,
        "Dak Lak",
    ),
    (
        "unknown",
        lambda: pk.merged(2023, weights=_all_weights(**{"Atlantis": 2.0})),
        pk.UnknownProvinceError,
        "Atlantis",
    ),
    ("negative", lambda: pk.merged(2023, weights=_all_weights(**{"66": -1.0})), pk.InvalidArgumentError, "weights"),
    ("nan", lambda: pk.merged(2023, weights=_all_weights(**{"66": float("nan")})), pk.InvalidArgumentError, "weights"),
    ("missing", lambda: pk.merged(2023, weights={"66": 1.0}), pk.InvalidArgumentError, "weights"),
    ("none", lambda: pk.merged(2023), pk.InvalidArgumentError, "weights"),
    ("str-weight", lambda: pk.merged(2023, weights={"66": "x"}), pk.InvalidArgumentError, "weights"),  # type: ignore[dict-item]
    (
        "population_year",
        lambda: pk.merged(2023, weights="population", population_year=1800),
        pk.InvalidArgumentError,
        "1800",
    ),
    ("weights-string", lambda: pk.merged(2023, weights="equal"), pk.InvalidArgumentError, "equal"),  # type: ignore[arg-type]
]
for cid, fn, exc, culprit in MERGED:
    case(f"merged-{cid}", fn, exc, culprit)

# ---- 7. frames: rank, group_bands, agencies, ScoreTable --------------------------------------


def _pub() -> pl.DataFrame:
    return pk.published(2023)


FRAME_FUNCS: dict[str, Callable[[pl.DataFrame], object]] = {
    "rank": lambda df: pk.rank(df, "total"),
    "group_bands": lambda df: pk.group_bands(df, "total"),
    "agencies": lambda df: pk.agencies(df),
    "survey-means": lambda df: pk.Survey(df, design=toy_design()).means(["y"]),
}
BAD_FRAMES: list[tuple[str, Callable[[], Any], type[BaseException], str]] = [
    (
        "int128",
        lambda: toy().with_columns(total=pl.lit(1, dtype=pl.Int128), x=pl.lit(1, dtype=pl.Int128)),
        pk.ColumnError,
        "x",
    ),
    ("struct", lambda: toy().with_columns(total=pl.lit(1.0), x=pl.struct(pl.col("y"))), pk.ColumnError, "x"),
    (
        "array",
        lambda: toy().with_columns(total=pl.lit(1.0), x=pl.concat_list("y", "y").list.to_array(2)),
        pk.ColumnError,
        "x",
    ),
    (
        "object",
        lambda: toy().with_columns(total=pl.lit(1.0), x=pl.Series([object()] * 4, dtype=pl.Object)),
        pk.ColumnError,
        "x",
    ),
    (
        "list-decimal",
        lambda: toy().with_columns(total=pl.lit(1.0), x=pl.concat_list(pl.col("y").cast(pl.Decimal(10, 2)))),
        pk.ColumnError,
        "x",
    ),
    ("not-a-frame", lambda: {"total": [1.0]}, pk.InvalidArgumentError, "dict"),
    ("pandas-like", lambda: [1, 2, 3], pk.InvalidArgumentError, "list"),
]
for fname, f in FRAME_FUNCS.items():
    for vid, make, exc, culprit in BAD_FRAMES:
        case(f"frame-{fname}-{vid}", lambda f=f, make=make: f(make()), exc, culprit)

MORE_FRAMES: list[tuple[str, Callable[[], object], type[BaseException], str]] = [
    ("rank-missing-by", lambda: pk.rank(_pub(), "score"), pk.ColumnError, "score"),
    ("rank-str-by", lambda: pk.rank(_pub(), "name_en"), pk.ColumnError, "name_en"),
    ("rank-within-missing", lambda: pk.rank(_pub(), "total", within="zone"), pk.ColumnError, "zone"),
    ("rank-by-none", lambda: pk.rank(_pub(), None), pk.InvalidArgumentError, "by"),  # type: ignore[arg-type]
    ("group_bands-missing", lambda: pk.group_bands(_pub(), "score"), pk.ColumnError, "score"),
    ("agencies-missing-file", lambda: pk.agencies("/nonexistent-papikit/agencies.csv"), pk.FileError, "agencies.csv"),
    ("agencies-missing-col", lambda: pk.agencies(pl.DataFrame({"x": [1]})), pk.ColumnError, "agency"),
    ("from_arrays-999", lambda: _from_arrays([999, 66]), pk.InvalidArgumentError, "999"),
    ("from_arrays-dup", lambda: _from_arrays([66, 66]), pk.InvalidArgumentError, "66"),
    ("from_arrays-shape", lambda: _from_arrays([66]), pk.InvalidArgumentError, "provinces"),
]
for cid, fn, exc, culprit in MORE_FRAMES:
    case(f"frame-{cid}", fn, exc, culprit)


def _from_arrays(provinces: list[int], year: Any = 2023) -> object:
    import numpy as np

    return pk.ScoreTable.from_arrays(year, provinces, [("total", "total", None, "Total", "Tổng")], np.ones((1, 2)))


# ---- 8. surveys: design, options, data ----------------------------------------------------------

SURVEY: list[tuple[str, Callable[[], object], type[BaseException], str]] = [
    (
        "design-domain-missing",
        lambda: pk.Survey(toy(), design=pk.Design(domain="zzz", psu="p")).means(["y"]),
        pk.ColumnError,
        "zzz",
    ),
    ("design-psu-missing", lambda: pk.Survey(toy(), design=toy_design(psu="zzz")).means(["y"]), pk.ColumnError, "zzz"),
    (
        "design-strata-missing",
        lambda: pk.Survey(toy(), design=toy_design(strata="zzz")).means(["y"]),
        pk.ColumnError,
        "zzz",
    ),
    (
        "design-weight-missing",
        lambda: pk.Survey(toy(), design=toy_design(weight="zzz")).means(["y"]),
        pk.ColumnError,
        "zzz",
    ),
    ("design-fpc-missing", lambda: pk.Survey(toy(), design=toy_design(fpc="zzz")).means(["y"]), pk.ColumnError, "zzz"),
    (
        "design-domain-int",
        lambda: pk.Survey(toy(), design=pk.Design(domain=3, psu="p")).means(["y"]),
        pk.InvalidArgumentError,
        "domain",
    ),  # type: ignore[arg-type]
    ("design-psu-int", lambda: pk.Survey(toy(), design=toy_design(psu=3)).means(["y"]), pk.InvalidArgumentError, "psu"),  # type: ignore[arg-type]
    (
        "design-lonely",
        lambda: pk.Survey(toy(), design=toy_design(lonely_psu="x")).means(["y"]),
        pk.InvalidArgumentError,
        "x",
    ),  # type: ignore[arg-type]
    ("design-not-design", lambda: pk.Survey(toy(), design="d"), pk.InvalidArgumentError, "design"),  # type: ignore[arg-type]
    ("item-missing", lambda: pk.Survey(toy(), design=toy_design()).means(["zzz"]), pk.ColumnError, "zzz"),
    (
        "item-str-col",
        lambda: pk.Survey(toy().with_columns(s=pl.lit("a")), design=toy_design()).means(["s"]),
        pk.ColumnError,
        "s",
    ),
    (
        "domain-null",
        lambda: pk.Survey(toy().with_columns(d=pl.Series([1, None, 2, 2])), design=toy_design()).means(["y"]),
        pk.SurveyError,
        "row 1",
    ),
    (
        "weight-neg",
        lambda: pk.Survey(toy().with_columns(w=pl.lit(-1.0)), design=toy_design(weight="w")).means(["y"]),
        pk.SurveyError,
        "w",
    ),
    (
        "weight-nan",
        lambda: pk.Survey(toy().with_columns(w=pl.lit(float("nan"))), design=toy_design(weight="w")).means(["y"]),
        pk.SurveyError,
        "w",
    ),
    (
        "weight-inf",
        lambda: pk.Survey(toy().with_columns(w=pl.lit(float("inf"))), design=toy_design(weight="w")).means(["y"]),
        pk.SurveyError,
        "w",
    ),
    ("empty-frame", lambda: pk.Survey(toy().head(0), design=toy_design()).means(["y"]), pk.SurveyError, "no rows"),
    (
        "means-method",
        lambda: pk.Survey(toy(), design=toy_design()).means(["y"], method="magic"),
        pk.InvalidArgumentError,
        "magic",
    ),  # type: ignore[arg-type]
    (
        "means-level",
        lambda: pk.Survey(toy(), design=toy_design()).means(["y"], level=1.5),
        pk.InvalidArgumentError,
        "level",
    ),
    (
        "means-supplied",
        lambda: pk.Survey(toy(), design=toy_design()).means(["y"], method="supplied"),
        pk.InvalidArgumentError,
        "replicate_weights",
    ),
    (
        "score-domain-not-province",
        lambda: pk.Survey(small_survey().with_columns(province=pl.lit("Atlantis")), design=pk.PAPI_DESIGN).score(
            fw(), method="taylor"
        ),
        pk.SurveyError,
        "Atlantis",
    ),
    ("score-framework-none", lambda: survey().score(None, method="taylor"), pk.InvalidArgumentError, "framework"),  # type: ignore[arg-type]
    ("score-framework-str", lambda: survey().score("PAPI 2023", method="taylor"), pk.InvalidArgumentError, "framework"),  # type: ignore[arg-type]
    ("score-year-1999", lambda: survey().score(fw(), method="taylor", year=1999), pk.InvalidArgumentError, "1999"),
    ("score-year-str", lambda: survey().score(fw(), method="taylor", year="2023"), pk.InvalidArgumentError, "year"),  # type: ignore[arg-type]
    ("score-units", lambda: survey().score(fw(), method="taylor", units=35), pk.InvalidArgumentError, "35"),  # type: ignore[arg-type]
    ("score-method", lambda: survey().score(fw(), method="magic"), pk.InvalidArgumentError, "magic"),  # type: ignore[arg-type]
    ("score-normalisation", lambda: survey().score(fw(), normalisation="magic"), pk.InvalidArgumentError, "magic"),  # type: ignore[arg-type]
    (
        "score-taylor-minmax",
        lambda: survey().score(fw(), method="taylor", normalisation="minmax"),
        pk.InvalidArgumentError,
        "method",
    ),
    ("score-level-0", lambda: survey().score(fw(), method="taylor", level=0.0), pk.InvalidArgumentError, "level"),
    ("score-lang", lambda: survey().score(fw(), method="taylor", lang="fr"), pk.InvalidArgumentError, "fr"),
    (
        "score-undeclared-code",
        lambda: pk.Survey(small_survey().with_columns(d1_know_slogan_dan_biet=pl.lit(7)), design=pk.PAPI_DESIGN).score(
            fw(), method="taylor"
        ),
        pk.SurveyError,
        "d1_know_slogan_dan_biet",
    ),
    (
        "score-item-missing",
        lambda: pk.Survey(small_survey().drop("d1_know_slogan_dan_biet"), design=pk.PAPI_DESIGN).score(
            fw(), method="taylor"
        ),
        pk.ColumnError,
        "d1_know_slogan_dan_biet",
    ),
    ("synthetic-scale-0", lambda: pk.synthetic_survey(2023, scale=0.0), pk.InvalidArgumentError, "scale"),
    ("synthetic-scale-nan", lambda: pk.synthetic_survey(2023, scale=float("nan")), pk.InvalidArgumentError, "scale"),
    ("synthetic-scale-huge", lambda: pk.synthetic_survey(2023, scale=1e9), pk.InvalidArgumentError, "scale"),
    ("synthetic-seed-neg", lambda: pk.synthetic_survey(2023, seed=-1), pk.InvalidArgumentError, "seed"),
    ("synthetic-seed-str", lambda: pk.synthetic_survey(2023, seed="1"), pk.InvalidArgumentError, "seed"),  # type: ignore[arg-type]
    ("replicate-taylor", lambda: survey().replicate("taylor"), pk.InvalidArgumentError, "method"),  # type: ignore[arg-type]
    ("replicate-supplied", lambda: survey().replicate("supplied"), pk.InvalidArgumentError, "replicate_weights"),
]
SURVEY_COUNTS: dict[str, Callable[..., object]] = {
    "score": lambda **k: survey().score(fw(), method="bootstrap", **k),
    "score-taylor": lambda **k: survey().score(fw(), method="taylor", **k),
    "means": lambda **k: pk.Survey(toy(), design=toy_design()).means(["y"], method="bootstrap", **k),
    "replicate": lambda **k: survey().replicate("bootstrap", **k),
}
for fname, f in SURVEY_COUNTS.items():
    for arg, vid, value in [
        ("replicates", "neg", -1),
        ("replicates", "zero", 0),
        ("replicates", "one", 1),
        ("replicates", "huge", 2**70),
        ("replicates", "float", 100.0),
        ("replicates", "over-cap", 100_001),
        ("seed", "neg", -1),
        ("seed", "huge", 2**70),
    ]:
        SURVEY.append(
            (f"{fname}-{arg}-{vid}", lambda f=f, arg=arg, value=value: f(**{arg: value}), pk.InvalidArgumentError, arg)
        )
for cid, fn, exc, culprit in SURVEY:
    case(f"survey-{cid}", fn, exc, culprit)

# ---- 9. frameworks: specifications and mappings ------------------------------------------------


def _spec_with(edit: Callable[[dict[str, Any]], None]) -> str:
    s = spec()
    edit(s)
    return json.dumps(s)


def _ind(s: dict[str, Any]) -> dict[str, Any]:
    ind: dict[str, Any] = s["dimensions"][0]["subdimensions"][0]["indicators"][0]
    return ind


SPEC_EDITS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("unknown-top", lambda s: s.update(indicatorz=[]), "indicatorz"),
    ("unknown-dimension", lambda s: s["dimensions"][0].update(indicatorz=[]), "indicatorz"),
    ("unknown-sub", lambda s: s["dimensions"][0]["subdimensions"][0].update(indicatorz=[]), "indicatorz"),
    ("unknown-indicator", lambda s: _ind(s).update(directon="up"), "directon"),
    ("unknown-recipe", lambda s: _ind(s)["recipe"].update(kodes=[1]), "kodes"),
    (
        "unknown-item",
        lambda s: s["items"][0].update(wording="x") if s["items"] else s.update(items=[{"code": "q", "wording": "x"}]),
        "wording",
    ),
    ("recipe-kind", lambda s: _ind(s)["recipe"].update(kind="median"), "median"),
    # serde names the offending value and its line/column
    ("year-str", lambda s: s.update(first_year="2021"), '"2021"'),
    ("year-neg", lambda s: s.update(first_year=-1), "-1"),
    ("dimensions-str", lambda s: s.update(dimensions="d1"), '"d1"'),
]
for cid, edit, culprit in SPEC_EDITS:
    case(f"spec-parse-{cid}", lambda edit=edit: pk.Framework.from_json(_spec_with(edit)), pk.FrameworkError, culprit)

SPEC_INVALID: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("dimension-total", lambda s: s["dimensions"][0].update(code="total"), "total"),
    ("sub-total", lambda s: s["dimensions"][0]["subdimensions"][0].update(code="Total"), "total"),
    ("indicator-total", lambda s: _ind(s).update(code="total"), "total"),
    ("empty-dimension-code", lambda s: s["dimensions"][0].update(code=""), "dimensions[0]"),
    ("empty-indicator-code", lambda s: _ind(s).update(code="  "), "indicators[0]"),
    ("share-no-yes", lambda s: _ind(s)["recipe"].update(codes=[]), "yes"),
    ("dup-code", lambda s: s["dimensions"][1].update(code=s["dimensions"][0]["code"]), "duplicate"),
    ("no-subdimensions", lambda s: s["dimensions"][0].update(subdimensions=[]), "dimensions[0]"),
    ("no-dimensions", lambda s: s.update(dimensions=[]), "dimensions"),
    ("years-reversed", lambda s: s.update(first_year=2024, last_year=2021), "first_year"),
    ("direction", lambda s: _ind(s).update(direction="sideways"), "sideways"),
    ("missing-name", lambda s: s["dimensions"][0].update(name_en=""), "name"),
    ("empty-item", lambda s: _ind(s)["recipe"].update(item=""), "item"),
]
for cid, edit, culprit in SPEC_INVALID:
    case(f"spec-invalid-{cid}", lambda edit=edit: pk.Framework.from_json(_spec_with(edit)), pk.FrameworkError, culprit)

FRAMEWORK: list[tuple[str, Callable[[], object], type[BaseException], str]] = [
    ("json-garbage", lambda: pk.Framework.from_json("{not json"), pk.FrameworkError, "JSON"),
    ("json-none", lambda: pk.Framework.from_json(None), pk.InvalidArgumentError, "text"),  # type: ignore[arg-type]
    ("json-surrogate", lambda: pk.Framework.from_json('{"name": "\ud800"}'), pk.InvalidArgumentError, "text"),
    ("json-empty", lambda: pk.Framework.from_json(""), pk.FrameworkError, "JSON"),
    ("json-list", lambda: pk.Framework.from_json("[]"), pk.FrameworkError, "first_year"),
    ("toml-garbage", lambda: pk.Framework.from_toml("= = ="), pk.FrameworkError, "TOML"),
    ("toml-none", lambda: pk.Framework.from_toml(None), pk.InvalidArgumentError, "text"),  # type: ignore[arg-type]
    (
        "toml-unknown",
        lambda: pk.Framework.from_toml(fw().to_toml() + "\nindicatorz = 1\n"),
        pk.FrameworkError,
        "indicatorz",
    ),
    (
        "polars-missing-cols",
        lambda: pk.Framework.from_polars(pl.DataFrame({"x": [1]}), name="x", first_year=2023),
        pk.ColumnError,
        "code",
    ),
    (
        "polars-level",
        lambda: pk.Framework.from_polars(
            fw().to_polars().with_columns(level=pl.lit("galaxy")), name="x", first_year=2023
        ),
        pk.FrameworkError,
        "galaxy",
    ),
    (
        "polars-year-str",
        lambda: pk.Framework.from_polars(fw().to_polars(), name="x", first_year="2023"),
        pk.InvalidArgumentError,
        "first_year",
    ),  # type: ignore[arg-type]
    (
        "with_columns-empty",
        lambda: fw().with_columns({"d1_know_slogan_dan_biet": ""}),
        pk.InvalidArgumentError,
        "d1_know_slogan_dan_biet",
    ),
    (
        "with_columns-blank",
        lambda: fw().with_columns({"d1_know_slogan_dan_biet": "   "}),
        pk.InvalidArgumentError,
        "d1_know_slogan_dan_biet",
    ),
    ("with_columns-unknown", lambda: fw().with_columns({"nope": "x"}), pk.UnknownCodeError, "nope"),
    (
        "with_columns-none",
        lambda: fw().with_columns({"d1_know_slogan_dan_biet": None}),
        pk.InvalidArgumentError,
        "mapping",
    ),  # type: ignore[dict-item]
    ("with_columns-frame", lambda: fw().with_columns(pl.DataFrame({"x": ["a"]})), pk.ColumnError, "code"),
]
for cid, fn, exc, culprit in FRAMEWORK:
    case(f"framework-{cid}", fn, exc, culprit)

# ---- 10. files: every reader and writer --------------------------------------------------------

FILES_DIR = Path(os.environ.get("PAPIKIT_BATTERY_TMP", "/tmp")) / f"papikit-battery-{os.getpid()}"


def _file(name: str, content: bytes) -> Path:
    FILES_DIR.mkdir(parents=True, exist_ok=True)
    p = FILES_DIR / name
    p.write_bytes(content)
    return p


def _dir(name: str) -> Path:
    p = FILES_DIR / name
    p.mkdir(parents=True, exist_ok=True)
    return p


MISSING = "/nonexistent-papikit/x"
FILES: list[tuple[str, Callable[[], object], type[BaseException], str]] = [
    ("read_survey-missing-parquet", lambda: pk.read_survey(MISSING + ".parquet"), pk.FileError, MISSING),
    ("read_survey-missing-csv", lambda: pk.read_survey(MISSING + ".csv"), pk.FileError, MISSING),
    ("read_survey-dir-parquet", lambda: pk.read_survey(_dir("d.parquet")), pk.FileError, "d.parquet"),
    ("read_survey-dir-csv", lambda: pk.read_survey(_dir("d.csv")), pk.FileError, "d.csv"),
    (
        "read_survey-trunc-parquet",
        lambda: pk.read_survey(_file("t.parquet", b"PAR1\x00\x00")),
        pk.FileError,
        "t.parquet",
    ),
    (
        "read_survey-garbage-parquet",
        lambda: pk.read_survey(_file("g.parquet", b"hello world, not parquet" * 10)),
        pk.FileError,
        "g.parquet",
    ),
    ("read_survey-binary-csv", lambda: pk.read_survey(_file("b.csv", b"a,b\n\xff\xfe,\x00\n")), pk.FileError, "b.csv"),
    ("read_survey-suffix", lambda: pk.read_survey(_file("x.xlsx", b"")), pk.InvalidArgumentError, "x.xlsx"),
    ("read_survey-dir", lambda: pk.read_survey(FILES_DIR), pk.InvalidArgumentError, "path"),
    ("read_survey-none", lambda: pk.read_survey(None), pk.InvalidArgumentError, "path"),  # type: ignore[arg-type]
    ("Framework.read-missing-json", lambda: pk.Framework.read(MISSING + ".json"), pk.FileError, MISSING),
    ("Framework.read-missing-toml", lambda: pk.Framework.read(MISSING + ".toml"), pk.FileError, MISSING),
    ("Framework.read-missing-csv", lambda: pk.Framework.read(MISSING + ".csv", first_year=2023), pk.FileError, MISSING),
    ("Framework.read-dir-json", lambda: pk.Framework.read(_dir("f.json")), pk.FileError, "f.json"),
    (
        "Framework.read-binary-json",
        lambda: pk.Framework.read(_file("bin.json", b"\xff\xfe\x00")),
        pk.FileError,
        "bin.json",
    ),
    ("Framework.read-bad-json", lambda: pk.Framework.read(_file("bad.json", b"{")), pk.FrameworkError, "JSON"),
    ("Framework.read-suffix", lambda: pk.Framework.read(_file("f.yaml", b"")), pk.InvalidArgumentError, "f.yaml"),
    (
        "Framework.read-csv-no-year",
        lambda: pk.Framework.read(_file("f.csv", b"code\n")),
        pk.InvalidArgumentError,
        "first_year",
    ),
    ("Framework.write-missing-dir-json", lambda: fw().write(MISSING + ".json"), pk.FileError, MISSING),
    ("Framework.write-missing-dir-toml", lambda: fw().write(MISSING + ".toml"), pk.FileError, MISSING),
    ("Framework.write-missing-dir-csv", lambda: fw().write(MISSING + ".csv"), pk.FileError, MISSING),
    ("Framework.write-dir", lambda: fw().write(_dir("w.json")), pk.FileError, "w.json"),
    ("Framework.write-suffix", lambda: fw().write(FILES_DIR / "w.yaml"), pk.InvalidArgumentError, "w.yaml"),
    (
        "report-out-under-file",
        lambda: pk.report("Đắk Lắk", year=2023, out=_file("plain", b"x") / "r.html", progress=False),
        pk.FileError,
        "plain",
    ),
    (
        "report-out-dev",
        lambda: pk.report("Đắk Lắk", year=2023, out="/proc/papikit/r.html", progress=False),
        pk.FileError,
        "/proc/papikit",
    ),
]
for cid, fn, exc, culprit in FILES:
    case(f"file-{cid}", fn, exc, culprit)

# ---- 11. rank within a group with nulls --------------------------------------------------------


def test_within_null_region_is_not_ranked() -> None:
    df = pl.DataFrame({"province": [1, 2, 3, 4], "total": [1.0, 2.0, 3.0, 4.0], "region": [None, None, "a", "a"]})
    out = pk.rank(df, "total", within="region")
    within = next(c for c in out.columns if c.endswith("rank_within"))
    assert out[within].to_list() == [None, None, 2, 1]


# ---- 13. methods and static methods of the classes -------------------------------------------


def _scored() -> Any:
    if "scored" not in _cache:
        _cache["scored"] = survey().score(fw(), method="bootstrap", replicates=4, seed=1)
    return _cache["scored"]


def _rep() -> Any:
    if "rep" not in _cache:
        _cache["rep"] = survey().replicate(method="bootstrap", replicates=4, seed=1)
    return _cache["rep"]


_MEASURES = [("total", "total", None, "Total", "Tổng")]

METHODS: list[tuple[str, Callable[[], object], str]] = [
    ("ScoreTable.from_arrays-year-str", lambda: _from_arrays([1, 2], year="2023"), "year"),
    ("ScoreTable.from_arrays-year-float", lambda: _from_arrays([1, 2], year=2023.0), "year"),
    (
        "ScoreTable.from_arrays-kw-year-str",
        lambda: pk.ScoreTable.from_arrays(year="2023", provinces=[1], measures=_MEASURES, values=[[1.0]]),
        "year",
    ),
    (
        "ScoreTable.from_arrays-provinces-str",
        lambda: pk.ScoreTable.from_arrays(2023, ["x"], _MEASURES, [[1.0]]),  # type: ignore[list-item]
        "provinces",
    ),
    (
        "ScoreTable.from_arrays-provinces-negative",
        lambda: pk.ScoreTable.from_arrays(2023, [-1], _MEASURES, [[1.0]]),
        "provinces",
    ),
    (
        "ScoreTable.from_arrays-measures-int",
        lambda: pk.ScoreTable.from_arrays(2023, [1], 5, [[1.0]]),  # type: ignore[arg-type]
        "measures",
    ),
    ("ScoreTable.published-year-str", lambda: pk.ScoreTable.published("2023"), "year"),  # type: ignore[arg-type]
    ("ScoreTable.published-year-float", lambda: pk.ScoreTable.published(2023.0), "year"),  # type: ignore[arg-type]
    ("ScoreTable.published-year-huge", lambda: pk.ScoreTable.published(10**30), "year"),
    ("Framework.with_columns-int", lambda: fw().with_columns(5), "mapping"),  # type: ignore[arg-type]
    ("Framework.with_columns-list", lambda: fw().with_columns(["a"]), "mapping"),  # type: ignore[arg-type]
    ("Framework.with_columns-int-key", lambda: fw().with_columns({1: "x"}), "mapping"),  # type: ignore[dict-item]
    ("Framework.with_columns-none-value", lambda: fw().with_columns({"d101": None}), "mapping"),  # type: ignore[dict-item]
    ("Framework.read-int", lambda: pk.Framework.read(5), "path"),  # type: ignore[arg-type]
    ("Framework.read-none", lambda: pk.Framework.read(None), "path"),  # type: ignore[arg-type]
    ("Framework.write-int", lambda: fw().write(5), "path"),  # type: ignore[arg-type]
    ("Framework.from_json-int", lambda: pk.Framework.from_json(5), "text"),  # type: ignore[arg-type]
    ("Framework.from_toml-none", lambda: pk.Framework.from_toml(None), "text"),  # type: ignore[arg-type]
    (
        "Framework.from_polars-first_year-str",
        lambda: pk.Framework.from_polars(fw().to_polars(), first_year="2023"),  # type: ignore[arg-type]
        "first_year",
    ),
    ("Survey.means-items-int", lambda: survey().means(5), "items"),  # type: ignore[arg-type]
    ("Survey.means-items-mixed", lambda: survey().means(["d101", 3]), "items"),  # type: ignore[list-item]
    ("Survey.means-replicates-neg", lambda: survey().means("d101", method="bootstrap", replicates=-1), "replicates"),
    ("Survey.means-seed-str", lambda: survey().means("d101", method="bootstrap", seed="1"), "seed"),  # type: ignore[arg-type]
    ("Survey.means-level-str", lambda: survey().means("d101", level="90%"), "level"),  # type: ignore[arg-type]
    ("Survey.score-year-str", lambda: survey().score(fw(), year="2023"), "year"),  # type: ignore[arg-type]
    ("Survey.score-replicates-float", lambda: survey().score(fw(), method="bootstrap", replicates=2.5), "replicates"),  # type: ignore[arg-type]
    ("Survey.replicate-replicates-neg", lambda: survey().replicate(method="bootstrap", replicates=-1), "replicates"),
    ("Survey.replicate-seed-huge", lambda: survey().replicate(method="bootstrap", seed=10**30), "seed"),
    ("ReplicateSurvey.means-items-int", lambda: _rep().means(5), "items"),  # type: ignore[arg-type]
    ("ReplicateSurvey.means-level-str", lambda: _rep().means("d101", level="x"), "level"),  # type: ignore[arg-type]
    ("SurveyResult.table-level-int", lambda: _scored().table(5), "level"),  # type: ignore[arg-type]
    ("SurveyResult.table-ci_level-str", lambda: _scored().table("total", ci_level="x"), "ci_level"),  # type: ignore[arg-type]
    ("SurveyResult.ranks-top-str", lambda: _scored().ranks(top="3"), "top"),  # type: ignore[arg-type]
    ("SurveyResult.ranks-top-neg", lambda: _scored().ranks(top=-3), "top"),
    ("SurveyResult.ranks-level-none", lambda: _scored().ranks(None), "level"),  # type: ignore[arg-type]
    ("SurveyResult.replicates-level-int", lambda: _scored().replicates(5), "level"),  # type: ignore[arg-type]
]
for cid, fn, culprit in METHODS:
    case(f"method-{cid}", fn, pk.InvalidArgumentError, culprit)


def test_wrapped_classes_stay_the_same_objects() -> None:
    from papikit import _core

    t = pk.ScoreTable.published(2023)
    assert type(t) is _core.ScoreTable and isinstance(t, pk.ScoreTable)
    assert isinstance(_scored().score_table(), _core.ScoreTable)
    assert isinstance(fw()._native, _core.Framework)
    assert pk.ScoreTable.from_arrays.__wrapped__ is not None  # type: ignore[attr-defined]
    for target in (pk.TargetRank(3), pk.Group("low"), pk.Year(2022), pk.CloseGap(0.5)):
        assert pickle.loads(pickle.dumps(target)) == target


def test_method_errors_name_the_argument_attribute() -> None:
    with pytest.raises(pk.InvalidArgumentError) as info:
        pk.ScoreTable.from_arrays(year="2023", provinces=[1], measures=_MEASURES, values=[[1.0]])  # type: ignore[arg-type]
    assert info.value.argument == "year"
    assert isinstance(info.value.__cause__, TypeError)
    with pytest.raises(pk.InvalidArgumentError) as info:
        _scored().ranks(top="3")  # type: ignore[arg-type]
    assert info.value.argument == "top"


# ---- the battery ------------------------------------------------------------------------------


def _names_culprit(e: BaseException, culprit: str) -> bool:
    text = str(e)
    attrs = " ".join(
        str(getattr(e, a, "")) for a in ("argument", "column", "province", "query", "year", "path", "code")
    )
    return culprit.lower() in text.lower() or culprit.lower() in attrs.lower()


@pytest.mark.parametrize(("fn", "exc", "culprit"), CASES)
def test_bad_input(fn: Callable[[], object], exc: type[BaseException], culprit: str) -> None:
    with pytest.raises(BaseException) as info:
        fn()
    e = info.value
    assert type(e) is exc, f"expected {exc.__name__}, got {type(e).__module__}.{type(e).__name__}: {e}"
    assert isinstance(e, pk.PapiError)
    assert not isinstance(e, pk.InternalError)
    assert _names_culprit(e, culprit), f"message does not name {culprit!r}: {e}"


def test_battery_size() -> None:
    assert len(CASES) + len(CLI_CASES) >= 300, len(CASES) + len(CLI_CASES)


# ---- 12. the CLI: one line on stderr, exit 2 ---------------------------------------------------

CLI_CASES = [
    pytest.param(["profile", "Dak Lek"], "Dak Lek", id="cli-profile-province"),
    pytest.param(["profile", "Đắk Lắk", "--year", "1999"], "1999", id="cli-profile-year"),
    pytest.param(["profile", "Đắk Lắk", "--year", "99999999999999999999999"], "year", id="cli-profile-absurd-year"),
    pytest.param(["profile", "Đắk Lắk", "--year", "-5"], "-5", id="cli-profile-negative-year"),
    pytest.param(["review", "Dak Lek"], "Dak Lek", id="cli-review-province"),
    pytest.param(["review", "Đắk Lắk", "--year", "2011"], "2011", id="cli-review-first-year"),
    pytest.param(["review", "Đắk Lắk", "--year", "99999999999999999999999"], "year", id="cli-review-absurd-year"),
    pytest.param(["report", "Dak Lek", "--quiet"], "Dak Lek", id="cli-report-province"),
    pytest.param(["report", "Đắk Lắk", "--year", "1999", "--quiet"], "1999", id="cli-report-year"),
    pytest.param(
        ["report", "Đắk Lắk", "--year", "2023", "--quiet", "--out", "/proc/papikit/r.html"],
        "/proc/papikit",
        id="cli-report-unwritable",
    ),
]


@pytest.mark.parametrize(("argv", "culprit"), CLI_CASES)
def test_cli_bad_input(argv: list[str], culprit: str, capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert status == 2
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("[")]
    assert len(lines) == 1, err
    assert lines[0].startswith("papikit: error: ")
    assert culprit.lower() in lines[0].lower(), lines[0]
    assert "Traceback" not in err


# ---- 13. resources: the 10**9 requests in a subprocess -----------------------------------------

RESOURCE_SCRIPT = r"""
import sys, papikit as pk, polars as pl
kind = sys.argv[1]
s = pk.Survey(pk.synthetic_survey(2023, scale=0.05), design=pk.PAPI_DESIGN)
try:
    if kind == "taylor-ranks":
        s.score(pk.framework(2023), method="taylor", replicates=10**9).ranks()
    elif kind == "bootstrap-means":
        s.means(["d8_internet_at_home"], method="bootstrap", replicates=10**9)
    elif kind == "replicate":
        s.replicate("bootstrap", replicates=10**9)
    elif kind == "limit-score":
        pk.set_memory_limit(1_000_000)
        s.score(pk.framework(2023), method="bootstrap", replicates=5_000)
    elif kind == "limit-means":
        s.means(["d8_internet_at_home"], method="bootstrap", replicates=50_000)
    elif kind == "limit-replicate":
        s.replicate("bootstrap", replicates=50_000)
except pk.PapiError as e:
    print(type(e).__name__, getattr(e, "argument", ""), getattr(e, "estimate", ""))
    print("alive")
"""


@pytest.mark.parametrize(
    ("kind", "exc", "env"),
    [
        ("taylor-ranks", "InvalidArgumentError", {}),
        ("bootstrap-means", "InvalidArgumentError", {}),
        ("replicate", "InvalidArgumentError", {}),
        ("limit-score", "ResourceLimitError", {}),
        ("limit-means", "ResourceLimitError", {"PAPIKIT_MEMORY_LIMIT": "1M"}),
        ("limit-replicate", "ResourceLimitError", {"PAPIKIT_MEMORY_LIMIT": "1M"}),
    ],
)
def test_resource_requests_are_refused_and_the_process_lives(kind: str, exc: str, env: dict[str, str]) -> None:
    r = subprocess.run(
        [sys.executable, "-c", RESOURCE_SCRIPT, kind],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )
    assert r.returncode == 0, r.stderr[-2000:]
    first, alive = r.stdout.strip().splitlines()[-2:]
    assert alive == "alive"
    name, argument, *estimate = first.split()
    assert name == exc
    assert argument == "replicates"
    if exc == "ResourceLimitError":
        assert int(estimate[0]) > 1_000_000


def test_memory_limit_is_configurable() -> None:
    before = pk.memory_limit()
    try:
        pk.set_memory_limit(123_456_789)
        assert pk.memory_limit() == 123_456_789
        with pytest.raises(pk.InvalidArgumentError) as e:
            pk.set_memory_limit(0)
        assert e.value.argument == "limit"
        with pytest.raises(pk.InvalidArgumentError) as e:
            pk.set_memory_limit(-1)
        assert e.value.argument == "limit"
    finally:
        pk.set_memory_limit(None)
    assert pk.memory_limit() == before


def test_domain_labels_of_one_province_are_merged_and_reported() -> None:
    s = small_survey()
    one = s.with_columns(
        province=pl.when(pl.col("province") == 1)
        .then(pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("Hà Nội")).otherwise(pl.lit("Ha Noi")))
        .otherwise(pl.col("province").cast(pl.String))
    )
    with pytest.warns(UserWarning, match="Ha Noi"):
        r = pk.Survey(one, design=pk.PAPI_DESIGN).score(fw(), method="taylor")
    assert r.totals.height == 63
    assert r.totals["province_code"].n_unique() == 63
    spaced = s.with_columns(
        province=pl.when(pl.col("province") == 1).then(pl.lit(" 1")).otherwise(pl.col("province").cast(pl.String))
    )
    # " 1" is one label for province 1 here (no second label), so nothing merges
    assert pk.Survey(spaced, design=pk.PAPI_DESIGN).score(fw(), method="taylor").totals.height == 63


def test_means_merge_domain_labels_of_one_province_like_score() -> None:
    s = small_survey()
    items = ["d8_internet_at_home"]
    base = pk.Survey(s, design=pk.PAPI_DESIGN).means(items)
    one = s.with_columns(
        province=pl.when(pl.col("province") == 1)
        .then(pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("Hà Nội")).otherwise(pl.lit("Ha Noi")))
        .otherwise(pl.col("province").cast(pl.String))
    )
    for method in ("taylor", "bootstrap"):
        with pytest.warns(UserWarning, match="Ha Noi.*province 1"):
            out = pk.Survey(one, design=pk.PAPI_DESIGN).means(items, method=method, replicates=20)
        assert out.height == base.height == 63
        assert out["domain"].n_unique() == 63
    # the merged domain holds every respondent of province 1: the same estimate as the clean survey
    hanoi = out.filter(pl.col("domain").is_in(["Hà Nội", "Ha Noi"]))
    assert hanoi.height == 1
    assert hanoi["estimate"][0] == pytest.approx(base.filter(pl.col("domain") == "1")["estimate"][0], rel=1e-12)
    spaced = s.with_columns(
        province=pl.when((pl.col("province") == 1) & (pl.int_range(pl.len()) % 2 == 0))
        .then(pl.lit(" 1"))
        .otherwise(pl.col("province").cast(pl.String))
    )
    with pytest.warns(UserWarning, match="province 1"):
        assert pk.Survey(spaced, design=pk.PAPI_DESIGN).means(items).height == 63
    # domains that are not provinces are left alone (no warning, labels kept)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = pk.Survey(s, design=pk.Design(domain="sex", psu="district", strata="province", weight="weight")).means(
            items
        )
    assert out.height == s["sex"].n_unique()


def test_report_write_failure_is_a_file_error_and_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    report_module = sys.modules["papikit.report"]  # (pk.report is the function)

    out = tmp_path / "r.html"
    out.write_text("earlier report", encoding="utf-8")
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd: int, *a: Any, **kw: Any) -> None:
            self._f = real_fdopen(fd, *a, **kw)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self._f.close()

        def write(self, text: str) -> int:
            self._f.write(text[: len(text) // 2])  # half of it lands, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report_module.os, "fdopen", Full)
    with pytest.raises(pk.FileError) as info:
        pk.report("Đắk Lắk", year=2023, out=out, progress=False)
    assert info.value.path == str(out) and info.value.operation == "write"
    assert "No space left" in str(info.value)
    assert out.read_text(encoding="utf-8") == "earlier report"  # the earlier report is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]  # no temporary file left
    monkeypatch.undo()
    assert pk.report("Đắk Lắk", year=2023, out=out, progress=False) == out
    assert out.read_text(encoding="utf-8").startswith("<!")
