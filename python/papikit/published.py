"""The published PAPI results (``FIRST_YEAR`` to ``LAST_YEAR``, from the core), embedded (offline),
and national statistics."""

from __future__ import annotations

import polars as pl

from papikit import _core
from papikit._display import Lang, check_lang
from papikit._rules import FIRST_YEAR, LAST_YEAR

__all__ = ["FIRST_YEAR", "LAST_YEAR", "national_stats", "published"]


def published(year: int | None = None, *, lang: Lang = "en") -> pl.DataFrame:
    """Published PAPI results: one row per province (and year).

    Columns: ``year, code, name_vi, name_en, region, d1..d8, total, rank, n_ranked, group, status``.
    Values are exactly those of the official provincial workbooks; a dimension that did not exist
    (d7, d8 before 2018) or was not published is null, never filled. ``rank``/``n_ranked`` are
    derived (descending total among provinces scored that year) and ``group`` follows
    :func:`papikit.group_sizes`.

    Parameters
    ----------
    year
        ``FIRST_YEAR`` to ``LAST_YEAR`` (``pk.FIRST_YEAR``, ``pk.LAST_YEAR``), or None for the whole
        panel (882 rows).
    lang
        Language of ``region`` and ``group`` ("en" or "vi").

    Examples
    --------
    >>> import papikit as pk
    >>> import polars as pl
    >>> df = pk.published(2023)
    >>> row = df.filter(pl.col("code") == 66).row(0, named=True)
    >>> round(row["total"], 4), row["rank"], row["n_ranked"], row["group"] == pk.group_label("low_average")
    (42.3265, 31, 61, True)
    """
    return _core.published_frame(year, lang=check_lang(lang))


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
    return _core.national_stats(year, lang=check_lang(lang))
