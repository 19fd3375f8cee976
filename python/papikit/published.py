"""The published PAPI results (``FIRST_YEAR`` to ``LAST_YEAR``, from the core), embedded (offline),
and national statistics."""

from __future__ import annotations

import polars as pl

from papikit import _core
from papikit._display import Lang, check_lang, check_year
from papikit._rules import FIRST_YEAR, LAST_YEAR

__all__ = ["FIRST_YEAR", "LAST_YEAR", "national_stats", "published"]


def published(year: int | None = None, *, level: str = "dimension", lang: Lang = "en") -> pl.DataFrame:
    """Published PAPI results: one row per province (and year), or per province and sub-dimension.

    Columns: ``year, province_code, province_name, province_name_en, region, d1..d8, total, rank,
    n_ranked, group, status``.
    Values are exactly those of the official provincial workbooks; a dimension that did not exist
    (d7, d8 before 2018) or was not published is null, never filled. ``rank``/``n_ranked`` are
    derived (descending total among provinces scored that year) and ``group`` follows
    :func:`papikit.group_sizes`.

    Parameters
    ----------
    year
        ``FIRST_YEAR`` to ``LAST_YEAR`` (``pk.FIRST_YEAR``, ``pk.LAST_YEAR``), or None for the whole
        panel (882 rows).
    level
        "dimension" (default: the total and d1..d8 side by side), "subdimension": the published
        sub-dimension scores of ``year`` (columns ``year, province_code, province_name, province_name_en, region, dimension,
        number, subdimension, name, score, rank, n_ranked, min, max``; a province without a published
        value has a null score), mapped to the codes of that year's framework, or "all": the
        published table of ``year`` in long form at every level, total -> dimensions ->
        sub-dimensions (columns ``year, province_code, province_name, province_name_en, region, level, measure, number,
        parent, name, score, rank, n_ranked, min, max``; ``number`` is "D6" / "6.1" as printed that
        year), the table every analysis of published results reads.
    lang
        Language of ``region`` and ``group`` ("en" or "vi").

    Examples
    --------
    >>> import papikit as pk
    >>> import polars as pl
    >>> df = pk.published(2023)
    >>> row = df.filter(pl.col("province_code") == 66).row(0, named=True)
    >>> round(row["total"], 4), row["rank"], row["n_ranked"], row["group"] == pk.group_label("low_average")
    (42.3265, 31, 61, True)
    >>> sub = pk.published(2023, level="subdimension")
    >>> sub.filter((pl.col("province_code") == 1) & (pl.col("number") == "6.1"))["score"].round(4).to_list()
    [1.7029]
    >>> every = pk.published(2023, level="all")
    >>> every.filter(pl.col("province_code") == 1)["level"].value_counts(sort=True).rows()
    [('subdimension', 28), ('dimension', 8), ('total', 1)]
    """
    if year is not None:
        year = check_year(year)
    lang = check_lang(lang)
    if level == "dimension":
        return _core.published_frame(year, lang=lang)
    if level == "indicator":
        # The indicator rows of a loaded workbook (pk.load_published).
        if year is None:
            raise _core.InvalidArgumentError(
                'invalid value for year: None; level="indicator" needs a year', argument="year"
            )
        return _core.loaded_indicators(year)
    if level in ("subdimension", "all"):
        if year is None:
            raise _core.InvalidArgumentError(
                f'invalid value for year: None; level="{level}" needs a year', argument="year"
            )
        if level == "all":
            return _core.published_long(year, lang=lang)
        return _core.subdimension_table(year, lang=lang)
    raise _core.InvalidArgumentError(
        f'invalid value for level: {level!r}; use "dimension", "subdimension" or "all"', argument="level"
    )


def national_stats(year: int, *, lang: Lang = "en") -> pl.DataFrame:
    """Mean, median, min, max (with province) and population SD over provinces, per measure.

    Examples
    --------
    >>> import papikit as pk
    >>> import polars as pl
    >>> s = pk.national_stats(2023)
    >>> s.filter(pl.col("measure") == "total")["max_province"][0]
    'Thua Thien Hue'
    """
    year = check_year(year)
    return _core.national_stats(year, lang=check_lang(lang))
