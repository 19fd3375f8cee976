"""Benchmarking and gap analysis: profile, gaps (down to the indicator when the scores have it),
comparison tables, trends across structural breaks, the 34 units of 2025 and the agency view.

Everything works on a *score table*: the published results (dimension level, the default) or a
``ScoreTable``-backed result (survey results: every level with standard errors / replicates),
passed as ``source=``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from papikit import _core, _rules
from papikit._display import Lang, TableResult, check_lang, check_year, frame_html
from papikit._files import guarded
from papikit._format import number, rounded
from papikit._rules import FIRST_YEAR, LAST_YEAR, label
from papikit.registry import Province, province_arg
from papikit.targets import Group, TargetRank, Year

__all__ = [
    "Gaps",
    "Merged",
    "Profile",
    "agencies",
    "compare",
    "gaps",
    "league",
    "merged",
    "profile",
    "trend",
]

ScoreTable = _core.ScoreTable
Against = Literal["best", "median", "mean", "region"] | Sequence[str | int | Province] | Group | TargetRank | Year


def _table(source: Any) -> Any:
    """The ``_core.ScoreTable`` behind ``source`` (None = published scores)."""
    if source is None:
        return None
    if isinstance(source, _core.ScoreTable):
        return source
    st = getattr(source, "score_table", None)
    if st is not None:
        st = st() if callable(st) else st
        if isinstance(st, _core.ScoreTable):
            return st
    raise _core.InvalidArgumentError(
        f"invalid value for source: {type(source).__name__}; use None (published scores), a ScoreTable "
        "or a result object with a .score_table"
    )


@dataclass(frozen=True)
class Profile(TableResult):
    """Profile of one province in one year: one row per measure (see :func:`profile`).

    The fields are read from the Rust result (``_core.ProfileResult``); ``table`` is its frame in
    ``lang``.
    """

    _result: _core.ProfileResult = field(repr=False, compare=False)
    lang: Lang
    table: pl.DataFrame

    @property
    def province(self) -> str:
        return self._result.province(self.lang)

    @property
    def province_code(self) -> int:
        return self._result.province_code

    @property
    def province_name(self) -> str:
        """Name of the province in the result's language (the same as ``province``)."""
        return self._result.province(self.lang)

    @property
    def year(self) -> int:
        return self._result.year

    @property
    def previous_year(self) -> int | None:
        return self._result.previous_year

    @property
    def region(self) -> str | None:
        return self._result.region(self.lang)

    @property
    def source(self) -> str:
        return self._result.source

    @property
    def margin(self) -> int:
        return self._result.margin

    @property
    def previous_source(self) -> str | None:
        """Source of the previous year's table: across the 2025 merger the merged basis
        (members combined with GSO 2022 population weights, "composition changed")."""
        return self._result.previous_source

    @property
    def composition_changed(self) -> bool:
        """The previous year is the 63-province results merged onto the 34 units and this unit
        combines several provinces: ``previous_score`` and the changes use their
        population-weighted mean."""
        return self._result.composition_changed

    def to_polars(self) -> pl.DataFrame:
        """The profile table."""
        return self.table

    def strengths(self, level: Literal["dimension", "subdimension", "indicator"] | None = None) -> pl.DataFrame:
        """Measures whose rank is at least ``margin`` places better than the total rank (only those
        of ``level`` when given; the published results reach the sub-dimensions).

        Examples
        --------
        >>> import papikit as pk
        >>> p = pk.profile("Đắk Lắk", 2023)
        >>> p.strengths("subdimension")["level"].unique().to_list()
        ['subdimension']
        """
        return self._flagged("flag.strength", level)

    def weaknesses(self, level: Literal["dimension", "subdimension", "indicator"] | None = None) -> pl.DataFrame:
        """Measures whose rank is at least ``margin`` places worse than the total rank (only those
        of ``level`` when given)."""
        return self._flagged("flag.weakness", level)

    def _flagged(self, key: str, level: str | None) -> pl.DataFrame:
        t = self.table.filter(pl.col("flag") == label(key, self.lang))
        return t if level is None else t.filter(pl.col("level") == level)

    def headline(self) -> str:
        """Province, year, total score, rank n/N, group, place in the region and the change."""
        t = self.table.filter(pl.col("measure") == "total")
        if t.height == 0 or t["score"][0] is None:
            return f"Profile: {self.province} {self.year} ({self.source})"
        r = t.row(0, named=True)
        n = self.lang
        text = (
            f"Profile: {self.province} {self.year} ({self.source}): total {number(r['score'], lang=n)}, "
            f"rank {r['rank']}/{r['n_ranked']}, group {r['group']}, {self.region} {r['rank_region']}/{r['n_region']}"
        )
        if r.get("change_points") is not None and self.previous_year is not None:
            text += (
                f"; vs {self.previous_year}: {number(r['change_points'], lang=n, sign=True)}, "
                f"{r['change_places']:+d} places"
            )
        return text

    def _repr_html_(self) -> str:
        return frame_html(self.table, title=self.headline(), lang=self.lang)

    def __repr__(self) -> str:
        cols = ["measure", "name", "score", "rank", "n_ranked", "group", "change_points", "change_places", "flag"]
        return f"{self.headline()}\n{rounded(self.table.select([c for c in cols if c in self.table.columns]))}"


def profile(
    province: str | int | Province,
    year: int,
    *,
    source: Any = None,
    previous: int | Any | None = None,
    margin: int = 10,
    lang: Lang = "en",
) -> Profile:
    """Where a province stands on the total and every measure.

    Columns: ``measure, level, name, score, rank, n_ranked, rank_region, n_region, group, band_min,
    band_max, next_group, next_group_min, distance_next_group, best, best_province, distance_best,
    national_mean, national_median, previous_score, change_points, previous_rank, change_places,
    comparable_with_previous, flag, baseline_merged``.

    * ``baseline_merged``: the previous year's values (``previous_score`` and the changes) are the
      63-province results merged onto the 34 units for a unit of several provinces (the
      :attr:`Profile.composition_changed` flag on every row); null without a previous year.
    * ``distance_next_group`` = lowest score inside the next better group minus own score (null in
      the top group); ``distance_best`` = best score minus own score.
    * Year-on-year: ``change_places`` = previous rank minus rank (positive = moved up); both changes
      are null where the measure is not comparable across the years (structural breaks, see
      :func:`trend`).
    * **Strengths/weaknesses rule**: a measure is a ``strength`` when its rank is at least ``margin``
      (default 10) places better than the total rank, a ``weakness`` when at least ``margin``
      places worse.

    Parameters
    ----------
    source
        None for the published scores, or a ``ScoreTable`` (or a result object with
        ``.score_table``) for survey results.
    previous
        Year to compare with (published; default ``year - 1``), or a ScoreTable-backed source.

    Examples
    --------
    >>> import papikit as pk
    >>> p = pk.profile("Đắk Lắk", 2023)
    >>> t = p.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
    >>> t["rank"], t["n_ranked"], t["rank_region"], t["n_region"], t["next_group"]
    (31, 61, 1, 5, 'High average')
    >>> round(t["change_points"], 4), t["previous_rank"], t["change_places"]
    (1.2042, 41, 10)
    """
    year = check_year(year)
    lang = check_lang(lang)
    prev_table = None
    prev_year = None
    if previous is not None and not isinstance(previous, int):
        prev_table = _table(previous)
    elif isinstance(previous, int):
        prev_year = previous
    result = _core.profile(
        province_arg(province),
        year,
        previous_year=prev_year,
        margin=margin,
        table=_table(source),
        previous_table=prev_table,
    )
    return Profile(result, lang, result.frame(lang))


@dataclass(frozen=True)
class Gaps(TableResult):
    """Gaps of one province to a reference (see :func:`gaps`).

    The fields are read from the Rust result (``_core.GapResult``); ``table`` is its frame in
    ``lang``.
    """

    _result: _core.GapResult = field(repr=False, compare=False)
    lang: Lang
    table: pl.DataFrame
    #: ``"model-based"`` when the SEs are the model-based SEs of published scores
    #: (:func:`papikit.published_se`), None when they come from the source.
    se_source: str | None = None

    @property
    def province(self) -> str:
        return self._result.province(self.lang)

    @property
    def province_code(self) -> int:
        return self._result.province_code

    @property
    def province_name(self) -> str:
        """Name of the province in the result's language (the same as ``province``)."""
        return self._result.province(self.lang)

    @property
    def year(self) -> int:
        return self._result.year

    @property
    def source(self) -> str:
        return self._result.source

    @property
    def against(self) -> str:
        return self._result.against(self.lang)

    @property
    def reference_province(self) -> str | None:
        return self._result.reference_province(self.lang)

    @property
    def additive(self) -> bool:
        return self._result.additive

    @property
    def residual(self) -> float | None:
        """Total gap minus the sum of the dimension gaps (rounding of published totals)."""
        return self._result.residual

    @property
    def residual_subdimensions(self) -> float | None:
        """Total gap minus the sum of the sub-dimension gaps (rounding of the published totals and
        sub-dimensions); None without sub-dimensions or when one of them has no gap."""
        return self._result.residual_subdimensions

    @property
    def level(self) -> float:
        return self._result.level

    @property
    def total_gap(self) -> float | None:
        """Gap on the total (reference minus own)."""
        s = self.table.filter(pl.col("level") == "total")["gap"]
        return s[0] if s.len() else None

    def to_polars(self) -> pl.DataFrame:
        """The gap table (total first, then each level ordered by gap, largest first)."""
        return self.table

    def by_agency(self, agencies: pl.DataFrame | str | None = None) -> pl.DataFrame:
        """Each responsible agency's gaps and their weight in the total gap.

        One row per (agency, measure): ``agency_code, agency, role, measure, measure_name,
        subdimensions, gap, share_of_total_gap, n_agencies_sharing, agency_share_of_total_gap,
        significant, source``. At sub-dimension precision (the published results and survey results
        have sub-dimensions): an agency owning a sub-dimension gets that sub-dimension's gap (none in
        a year it was not measured), an agency owning a whole dimension gets each of its
        sub-dimensions; without sub-dimensions, the dimension's gap. Responsibility is shared, so
        shares do not add up across agencies.

        Examples
        --------
        >>> import papikit as pk
        >>> a = pk.gaps("Đắk Lắk", 2023).by_agency()
        >>> sorted(a.filter(pl.col("agency_code") == "y_te")["measure"].to_list())
        ['limits_corruption_service_delivery', 'public_health']
        """
        return _core.by_agency(self.table, _agency_frame(agencies), lang=self.lang, year=self.year)

    def headline(self) -> str:
        """Province, year, reference and the gap on the total."""
        tg = self.total_gap
        gap = "" if tg is None else f": total gap {number(tg, lang=self.lang)}"
        return f"Gaps: {self.province} {self.year} to {self.against}{gap}"

    def _repr_html_(self) -> str:
        return frame_html(self.table, title=self.headline(), lang=self.lang)

    def __repr__(self) -> str:
        cols = ["measure", "level", "name", "own", "reference", "gap", "share_of_total_gap", "significant"]
        return f"{self.headline()}\n{rounded(self.table.select([c for c in cols if c in self.table.columns]))}"


def gaps(
    province: str | int | Province,
    year: int,
    *,
    against: Against = "best",
    region_stat: Literal["best", "mean"] = "best",
    level: float = 0.95,
    source: Any = None,
    previous_source: Any = None,
    lang: Lang = "en",
) -> Gaps:
    """Gaps of a province to a reference on the total and every measure.

    ``gap = reference - own`` (positive: points behind). Output columns: ``measure, level, parent,
    name, own, reference, gap, share_of_total_gap, comparable, se, ci_low, ci_high, significant``;
    total first, then each level ordered by gap (largest contribution first).

    ``against``:

    * ``"best"`` — the province with the highest total (its scores on every measure, so dimension
      gaps and sub-dimension gaps each add up to the total gap; ``residual`` and
      ``residual_subdimensions`` report the rounding of the published scores);
    * ``"median"`` / ``"mean"`` — national median / mean per measure (median gaps are not additive);
    * ``"region"`` — regional peers (the province excluded): ``region_stat="best"`` (best peer) or
      ``"mean"``;
    * a list of provinces — the mean of those peers;
    * ``pk.Group("high")`` — the lowest total inside that group (the score that just enters it);
    * ``pk.TargetRank(k)`` — the province at position k when totals are sorted;
    * ``pk.Year(y)`` — the province's own scores in year y (published, or ``previous_source``);
      measures not comparable across a structural break have a null gap.

    With a source that has replicates, each gap has a CI from replicate differences; with standard
    errors only, a normal approximation for independent estimates; ``significant`` is True when the
    CI excludes 0. Published scores (no ``source``) use the model-based SEs of
    :func:`papikit.published_se` (``se_source == "model-based"`` on the result).

    Raises
    ------
    NoDataError
        The province (or a peer) has no score in that year, e.g. Quảng Ninh 2023.
    InvalidArgumentError
        Empty peer list, target rank out of range.

    Examples
    --------
    >>> import papikit as pk
    >>> g = pk.gaps("Đắk Lắk", 2023, against="best")
    >>> g.reference_province, round(g.total_gap, 4)
    ('Thua Thien Hue', 3.715)
    >>> round(pk.gaps("Đắk Lắk", 2023, against=pk.Year(2022)).total_gap, 4)
    -1.2042
    """
    year = check_year(year)
    lang = check_lang(lang)
    ref: Any = against
    if not isinstance(against, (str, Group, TargetRank, Year)) and isinstance(against, Iterable):
        ref = _province_list(against, "against")
    # Published scores (no source) carry the model-based SEs (papikit.uncertainty).
    model = source is None
    table = _core.published_model_table(year, subdimensions=True) if model else _table(source)
    other = None
    if isinstance(against, Year):
        if previous_source is not None or not model:
            other = _table(previous_source)
        elif _core.year_units(against.year) == _core.year_units(year):
            other = _core.published_model_table(against.year, subdimensions=True)
        else:  # across the 2025 merger the core puts the other year on this year's units
            table = None
    result = _core.gaps(
        province_arg(province),
        year,
        against=ref,
        region_stat=region_stat,
        level=level,
        table=table,
        other_table=other,
    )
    return Gaps(result, lang, result.frame(lang), se_source="model-based" if model else None)


def compare(
    provinces: Sequence[str | int | Province] | str | int | Province,
    year: int,
    *,
    values: Literal["score", "rank"] = "score",
    lang: Lang = "en",
) -> pl.DataFrame:
    """Provinces side by side: one row per measure published that year (total, d1..d8, then the
    sub-dimensions of that year's framework by code), one column per province (score or national
    rank), plus ``best_in_set``.

    ``provinces`` is a list of names or GSO codes; a single name or code is one province (a string
    is never split into letters).

    Examples
    --------
    >>> import papikit as pk
    >>> highlands = ["Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng"]
    >>> t = pk.compare(highlands, 2023)
    >>> t.columns[:3], t.filter(pl.col("measure") == "total")["best_in_set"][0]
    (['measure', 'Kon Tum', 'Gia Lai'], 'Dak Lak')
    """
    year = check_year(year)
    return _core.compare_table(_province_list(provinces), year, values=values, lang=check_lang(lang))


def _province_list(provinces: object, argument: str = "provinces") -> list[str]:
    """A list of provinces: one name/code/Province is a list of one; anything else not iterable is
    an error naming ``argument``."""
    if isinstance(provinces, (str, int, Province)) and not isinstance(provinces, bool):
        return [province_arg(provinces)]
    if not isinstance(provinces, Iterable) or isinstance(provinces, (bytes, Mapping)):
        raise _core.InvalidArgumentError(
            f"invalid value for {argument}: {type(provinces).__name__}; use a list of province names or GSO codes"
        )
    return [province_arg(p) for p in provinces]


def _year_list(years: object) -> list[int]:
    """``years`` as a list of ints: one year is a list of one; anything else is an error naming it."""
    if isinstance(years, int) and not isinstance(years, bool):
        return [years]
    if isinstance(years, (str, bytes)) or not isinstance(years, Iterable):
        raise _core.InvalidArgumentError(
            f"invalid value for years: {years!r}; use a year (2023), a list of years or a range"
        )
    out = list(years)
    bad = [y for y in out if isinstance(y, bool) or not isinstance(y, int)]
    if bad:
        raise _core.InvalidArgumentError(f"invalid value for years: {bad[0]!r} is not a year; use ints such as 2023")
    return out


def league(
    year: int,
    *,
    by: str = "total",
    region: str | int | None = None,
    lang: Lang = "en",
) -> pl.DataFrame:
    """League table of a year on any measure, optionally within one region.

    Columns: ``position`` (within the table), ``province_code, province_name, province_name_en, region``, the score (column
    named by the measure's code), ``rank`` (national, on ``by``), ``n_ranked``, ``group``
    (national, on ``by``).

    ``by``: ``"total"``, a dimension (``"d6"``, ``"D6"``) or a sub-dimension of that year's
    framework by number (``"6.1"``), code (``"public_health"``) or Vietnamese/English name
    (diacritics and case ignored, a unique part of a name is enough). An unknown measure, or a
    sub-dimension not measured that year, raises ``UnknownCodeError`` listing the valid choices.

    Examples
    --------
    >>> import papikit as pk
    >>> t = pk.league(2023, region="Central Highlands")
    >>> t.select("position", "province_name_en", "rank").row(0)
    (1, 'Dak Lak', 31)
    >>> pk.league(2023, by="d6").row(0, named=True)["province_name_en"]
    'Thua Thien Hue'
    >>> pk.league(2023, by="Y tế công lập").columns[5]
    'public_health'
    """
    year = check_year(year)
    return _core.league_table(year, by=by, region=None if region is None else str(region), lang=check_lang(lang))


def trend(
    province: str | int | Province,
    years: Iterable[int] | int | None = None,
    *,
    level: Literal["dimension", "subdimension", "all"] = "dimension",
    era: int | None = None,
    lang: Lang = "en",
) -> pl.DataFrame:
    """A province's scores across years with structural breaks flagged.

    One row per year and measure (``level="dimension"``: total, d1..d8 that exist that year;
    ``"subdimension"``: the sub-dimensions of each year's framework; ``"all"``: both): ``year,
    province_code, province_name, province_name_en, measure, score, rank, n_ranked, national_mean, national_median, change,
    change_places, comparable_with_previous, structural_break, break_note, level, number``
    (``number`` = "D6" / "6.1" as printed that year).

    **Comparability rule**: a measure is comparable with the previous year when it exists in both
    years and its sub-dimension composition and construction are unchanged; the total only when every
    dimension is and the number of dimensions is the same. The break years and what changed in each
    are the core's (``papikit.plot.BREAK_YEARS``; each row's ``break_note``). ``change`` and
    ``change_places`` are null where not comparable; D7/D8 have no rows before they existed. A
    sub-dimension is comparable when it sits in the same dimension in both years' frameworks and
    that dimension is comparable and kept its sub-dimensions (a membership change rescales every
    sub-dimension of the dimension); the core derives the membership changes from its frameworks.
    ``years`` may be one year (``pk.trend("Đắk Lắk", 2023)``), a list or a range.

    ``era=34`` gives the trend of a 2025 unit on the 34 units (default years: 2011 to the last loaded
    year that follows the embedded ones): years of the 63 provinces are the member provinces'
    results combined with GSO 2022 population weights (``weights``, ``basis``), flagged
    ``composition_changed``; ranks are among the 34 units. ``level`` works as on the 63 provinces
    (sub-dimensions merged like the dimensions; null where a member has no value).

    Examples
    --------
    >>> import papikit as pk
    >>> t = pk.trend("Đắk Lắk", years=[2017, 2018])
    >>> t.filter(pl.col("year") == 2018).select("measure", "comparable_with_previous").rows()[:4]
    [('total', False), ('d1', True), ('d2', False), ('d3', False)]
    >>> s = pk.trend("Đắk Lắk", years=[2020, 2021], level="subdimension")
    >>> s.filter((pl.col("year") == 2021) & pl.col("number").is_in(["5.2", "6.2"])).select(
    ...     "number", "comparable_with_previous").rows()
    [('5.2', False), ('6.2', True)]
    """
    if era is not None and _core.parse_era(era) == 34:
        # On the 34 units of 2025: years of the 63 provinces merged with population weights.
        loaded = set(_core.loaded_years())
        last = LAST_YEAR
        while last + 1 in loaded:  # the embedded years, then the loaded years that follow them
            last += 1
        ys34 = list(range(FIRST_YEAR, last + 1)) if years is None else _year_list(years)
        return _core.trend_34(province_arg(province), ys34, level=level, lang=check_lang(lang))
    ys = _year_list(range(FIRST_YEAR, LAST_YEAR + 1) if years is None else years)
    if not ys:
        raise _core.InvalidArgumentError("invalid value for years: empty")
    return _core.trend_table(province_arg(province), ys, level=level, lang=check_lang(lang))


@dataclass(frozen=True)
class Merged(TableResult):
    """Published scores on the 34 units of July 2025 and the weights used."""

    year: int
    weight_source: str
    scores: pl.DataFrame
    weights: pl.DataFrame
    level: str = "dimension"

    def to_polars(self) -> pl.DataFrame:
        """The merged scores (one row per unit; per unit and measure below the dimensions)."""
        return self.scores

    def _repr_html_(self) -> str:
        return frame_html(
            self.scores,
            title=f"PAPI {self.year} on the 34 units (weights: {self.weight_source})",
        )

    def __repr__(self) -> str:
        return f"Merged({self.year}, weights={self.weight_source!r})\n{rounded(self.scores)}"


def merged(
    year: int,
    *,
    weights: Mapping[str | int, float] | pl.DataFrame | Literal["population"] | None = None,
    population_year: int | None = None,
    level: Literal["dimension", "subdimension", "all"] = "dimension",
    lang: Lang = "en",
) -> Merged:
    """Express a published year on the 34 provincial units of 1 July 2025.

    A merged unit's score = weighted mean of its members' scores. ``weights``: a mapping
    province -> weight (names or GSO codes) or a DataFrame with columns ``province_code`` (or the
    older ``code``/``province``) and ``weight``, covering every member of every merged unit; or ``"population"``: each member's
    share of its unit's population in the shipped table (GSO average population 2022 of all 63
    provinces, one source; see the provenance page), for any year; ``population_year`` other than
    the table's year is an error naming it. The weights used are in ``.weights`` (``weight``,
    ``weight_source`` = "population 2022"). Weights are normalised within each unit and never
    guessed: no weights is an error. Single-member units keep their province's scores. A member without a score
    that year makes the unit's score null (``missing_members``).

    ``level`` as in :func:`papikit.published`: "dimension" (default: one row per unit, total and
    d1..d8), "subdimension" (one row per unit and sub-dimension of the year's framework: ``year,
    code, name_vi, name_en, region, dimension, number, subdimension, name, score, rank, n_ranked,
    min, max, weight_source, missing_members``) or "all" (total -> dimensions -> sub-dimensions in
    long form: ``year, code, name_vi, name_en, region, level, measure, number, parent, name, score,
    rank, n_ranked, min, max, weight_source, missing_members``). Every level is merged with the same
    weights; a member without a value on a measure makes that row's score null, never 0.

    Examples
    --------
    >>> import papikit as pk
    >>> try:
    ...     pk.merged(2023)
    ... except pk.InvalidArgumentError as e:
    ...     print("never uses equal weights" in str(e))
    True
    >>> w = {c: 1.0 for c in pk.crosswalk_2025()["province_code"]}
    >>> m = pk.merged(2023, weights=w)
    >>> m.scores.height, m.weights.filter(pl.col("unit_code") == 66)["weight"].to_list()
    (34, [0.5, 0.5])
    >>> p = pk.merged(2023, weights="population")
    >>> p.weight_source, p.weights.filter(pl.col("unit_code") == 66)["weight"].round(4).to_list()
    ('population', [0.3136, 0.6864])
    >>> a = pk.merged(pk.LAST_YEAR, weights="population", level="all")
    >>> a.scores.filter((pl.col("province_code") == 66) & (pl.col("number") == "6.1"))["score"].round(4).to_list()
    [1.9699]
    """
    year = check_year(year)
    lang = check_lang(lang)
    if weights is None:
        raise _core.InvalidArgumentError(
            "invalid value for weights: None. Merging needs weights for every member of each merged unit: "
            "pass weights={province: weight, ...}, a DataFrame (province_code, weight) or weights='population' "
            "(GSO 2022 population shares); papikit never uses equal weights"
        )
    w: dict[str, float] | None
    if isinstance(weights, str):
        if weights != "population":
            raise _core.InvalidArgumentError(f"invalid value for weights: {weights!r}; use a mapping or 'population'")
        w = None
    elif isinstance(weights, pl.DataFrame):
        key = _rules.province_key(weights.columns)
        if "weight" not in weights.columns:
            raise _core.ColumnError(
                f"column 'weight' not found in the weights table (columns: {', '.join(weights.columns)}); "
                f"weights need columns {_rules.PROVINCE_CODE} and weight",
                column="weight",
            )
        rows = weights.select(key, "weight").iter_rows()
        try:
            pairs = [(str(k), float(v)) for k, v in rows]
        except (TypeError, ValueError) as e:
            raise _core.InvalidArgumentError(
                f"invalid value for weights: {e}; weights are numbers", argument="weights"
            ) from None
        w = dict(pairs)
        if len(w) != len(pairs):
            dup = next(k for i, (k, _) in enumerate(pairs) if any(k == q for q, _ in pairs[:i]))
            raise _core.InvalidArgumentError(
                f"invalid value for weights: province {dup!r} appears twice; give each province once",
                argument="weights",
            )
    else:
        try:
            w = {province_arg(k): float(v) for k, v in weights.items()}
        except (TypeError, ValueError) as e:
            raise _core.InvalidArgumentError(
                f"invalid value for weights: {e}; weights are numbers", argument="weights"
            ) from None
    scores, wdf = _core.merged_table(year, weights=w, population_year=population_year, level=level, lang=lang)
    src = "user" if w is not None else "population"
    return Merged(year=year, weight_source=src, scores=scores, weights=wdf, level=level)


def _agency_frame(table: pl.DataFrame | str | None) -> pl.DataFrame | None:
    if table is None or isinstance(table, pl.DataFrame):
        return table
    if not isinstance(table, (str, os.PathLike)):
        raise _core.InvalidArgumentError(
            f"invalid value for table: expected a polars DataFrame or a CSV path, got {type(table).__name__}",
            argument="table",
        )
    with guarded(table, "read"):
        return pl.read_csv(table, infer_schema=False)


def agencies(table: pl.DataFrame | str | None = None, *, year: int | None = None, lang: Lang = "en") -> pl.DataFrame:
    """The agency table: which department owns which PAPI dimension / sub-dimension.

    Built in: the assignments of the Đắk Lắk People's Committee plan to raise its PAPI (section
    II), each with a ``source`` quoting the plan paragraph. Pass ``table`` (a DataFrame or CSV path with columns ``agency_code, dimension`` and optionally ``subdimension, role, source,
    agency_vi, agency_en``) to load and validate your own: unknown dimension, sub-dimension or agency
    codes raise ``UnknownCodeError`` naming them. ``year`` 2025 or later gives the departments of
    the new era: each agency of the plan replaced by its successor after the 2025 mergers (see
    :func:`papikit.agency_successions`), the district level gone.

    Examples
    --------
    >>> import papikit as pk
    >>> a = pk.agencies(lang="vi")
    >>> a.filter(pl.col("subdimension") == "public_health")["agency"].to_list()
    ['Sở Y tế']
    >>> sorted(set(pk.agencies(year=2025, lang="vi")["agency"]) & {"Sở Nông nghiệp và Môi trường", "UBND cấp huyện"})
    ['Sở Nông nghiệp và Môi trường']
    """
    return _core.agency_table(_agency_frame(table), lang=check_lang(lang), year=year)
