"""Ranks and the four PAPI performance groups on any score table."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from papikit import _core
from papikit._display import Lang, check_lang


def rank(
    df: pl.DataFrame,
    by: str | Sequence[str] = "total",
    *,
    within: str | None = None,
    lang: Lang = "en",
) -> pl.DataFrame:
    """Rank provinces on one or more score columns and assign PAPI performance groups.

    Ranks are descending (highest score = 1) among rows with a score; rows whose score is null are
    not ranked (null rank and group). **Ties share the same, lowest rank number** (1, 2, 2, 4).
    Groups are the four PAPI performance groups, best first (labels in English or Vietnamese from
    :func:`papikit.group_labels`) with sizes from the top round(n/4), round(n/4), floor(n/4), remainder — a rule *inferred*
    from published PAPI groupings (63 -> 16/16/15/16, 61 -> 15/15/15/16); PAPI does not publish its
    algorithm.

    For ``by="total"`` the new columns are ``rank, n_ranked, group``; for any other column ``c``
    they are ``c_rank, c_n_ranked, c_group``. With ``within="region"`` also ``rank_within`` and
    ``n_within`` (prefixed likewise).

    Examples
    --------
    >>> import papikit as pk
    >>> import polars as pl
    >>> df = pk.published(2023).drop("rank", "n_ranked", "group")
    >>> r = pk.rank(df, by="total", within="region")
    >>> r.filter(pl.col("province_code") == 66).select("rank", "n_ranked", "rank_within").row(0)
    (31, 61, 1)
    >>> r.filter(pl.col("province_code") == 66)["group"][0] == pk.group_labels()[2]
    True
    >>> "d4_rank" in pk.rank(df, by=["d1", "d4"]).columns
    True
    """
    lang = check_lang(lang)
    if not isinstance(by, (str, list, tuple)) or not all(
        isinstance(c, str) for c in ([by] if isinstance(by, str) else by)
    ):
        raise _core.InvalidArgumentError(
            f"invalid value for by: {by!r}; pass a column name or a list of column names", argument="by"
        )
    cols = [by] if isinstance(by, str) else list(by)
    out = df
    for c in cols:
        out = _core.rank_frame(out, c, within=within, lang=lang)
    return out


def group_bands(df: pl.DataFrame, by: str = "total", *, lang: Lang = "en") -> pl.DataFrame:
    """One row per performance group: size, rank range and the lowest/highest score inside it.

    Examples
    --------
    >>> import papikit as pk
    >>> b = pk.group_bands(pk.published(2023))
    >>> b["n"].to_list(), b["group"].to_list() == list(pk.group_labels())
    ([15, 15, 15, 16], True)
    """
    return _core.group_bands(df, by, lang=check_lang(lang))


def group_sizes(n: int) -> tuple[int, int, int, int]:
    """Group sizes from the top for ``n`` ranked provinces: round(n/4), round(n/4), floor(n/4), rest.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.group_sizes(63), pk.group_sizes(61)
    ((16, 16, 15, 16), (15, 15, 15, 16))
    """
    a, b, c, d = _core.group_sizes(n)
    return (a, b, c, d)


def group_labels(lang: Lang = "en") -> tuple[str, str, str, str]:
    """Labels of the four PAPI performance groups, best first, in ``lang`` (from the core).

    Examples
    --------
    >>> import papikit as pk
    >>> len(pk.group_labels("vi")), pk.group_labels()[0]
    (4, 'High')
    """
    a, b, c, d = _core.group_labels(check_lang(lang))
    return (a, b, c, d)


def group_label(group: str, lang: Lang = "en") -> str:
    """Label in ``lang`` of a performance group given by key (``"high_average"``), label in either
    language (with or without diacritics) or number 1-4.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.group_label("high_average") == pk.group_labels()[1], pk.group_label("Cao", "en")
    (True, 'High')
    """
    return _core.group_label(group, check_lang(lang))
