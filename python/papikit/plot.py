"""Charts for PAPI results (matplotlib): radar, dimension bars, rank caterpillar, gap waterfall,
trend lines with structural breaks, before/after of a simulation, a quartile tile map of the 63
provinces (or the 34 units of 2025) and an optional choropleth from the user's own GeoJSON.

Every function takes polars DataFrames in the shapes papikit returns, draws on ``ax=`` when given
(otherwise on a new figure) and returns the matplotlib ``Axes`` so you can restyle it
(``ax.figure`` is the Figure, ``ax.figure.savefig("chart.png")`` saves it). Labels are in English
or Vietnamese (``lang="vi"``); Vietnamese diacritics render with matplotlib's bundled DejaVu Sans.
Works headless (Agg) as well as inline in Jupyter.

Examples
--------
>>> import papikit as pk
>>> import papikit.plot as pkp
>>> ax = pkp.radar(pk.published(2023), "Đắk Lắk", peers=["Gia Lai"], lang="vi")
>>> ax.get_title()
'Đắk Lắk 2023: 8 lĩnh vực'
>>> pkp.close(ax)
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from papikit import _core, _rules
from papikit._display import GROUP_COLOURS, Lang, check_lang, group_colour
from papikit.registry import Province
from papikit.registry import province as _find

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "BREAK_YEARS",
    "before_after",
    "choropleth",
    "close",
    "dimension_bars",
    "dimension_label",
    "gap_waterfall",
    "radar",
    "rank_caterpillar",
    "subdimension_bars",
    "subdimension_heatmap",
    "tile_layout",
    "tile_map",
    "trend",
]

#: Years in which PAPI's structure changed (the core's list, see :func:`papikit.trend`). Trend
#: charts mark them.
BREAK_YEARS: tuple[int, ...] = _rules.BREAK_YEARS

DIMENSIONS: tuple[str, ...] = ("d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8")


def _t(key: str, lang: Lang) -> str:
    return _rules.label(f"plot.{key}", lang)


def _is_measure(name: str) -> bool:
    return name.lower() in _core.labels_section("dimension", "en")


def dimension_label(measure: str, lang: Lang = "en") -> str:
    """Short chart label of a measure (``"d1"``..``"d8"``, ``"total"``); other names pass through.

    Examples
    --------
    >>> import papikit.plot as pkp
    >>> pkp.dimension_label("d4", "vi"), pkp.dimension_label("D8")
    ('Kiểm soát tham nhũng', 'E-governance')
    """
    return _rules.dimension_label(measure, lang)


def _axis_label(measure: str, lang: Lang, width: int = 14) -> str:
    """``"D4\nKiểm soát\ntham nhũng"``: code on the first line, the short name wrapped below."""
    import textwrap

    if not _is_measure(measure):
        return "\n".join(textwrap.wrap(measure, width)) or measure
    name = "\n".join(textwrap.wrap(dimension_label(measure, lang), width))
    return f"{measure.upper()}\n{name}" if measure.lower() != "total" else name


def _group_key(g: object) -> str | None:
    """Key of a performance group given by label in either language (None if not a group)."""
    if not isinstance(g, str):
        return None
    try:
        return _rules.GROUP_KEYS[_rules.group_index(g)]
    except _core.PapiError:
        return None


def _group_label(g: str | None, lang: Lang) -> str | None:
    if g is None:
        return None
    key = _group_key(g)
    return g if key is None else _rules.group_label(key, lang)


def _plt() -> Any:
    # pyplot picks a GUI backend only when a display exists; headless sessions fall back to Agg.
    # matplotlib's default font, DejaVu Sans, has every Vietnamese glyph.
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - exercised only without the optional dependency
        raise ImportError(
            "papikit's charts and report need matplotlib: pip install 'papikit[plot]' (or pip install matplotlib)"
        ) from e
    return plt


def _axes(ax: Axes | None, figsize: tuple[float, float], *, polar: bool = False) -> Axes:
    if ax is not None:
        return ax
    plt = _plt()
    fig = plt.figure(figsize=figsize, layout="constrained")
    return fig.add_subplot(projection="polar" if polar else None)  # type: ignore[no-any-return]


def close(ax: Axes | Any) -> None:
    """Close the figure of ``ax`` (or a Figure) to free memory in loops and scripts."""
    plt = _plt()
    fig = getattr(ax, "figure", ax)
    plt.close(fig)


_CODE = _rules.PROVINCE_CODE
_NAME = _rules.PROVINCE_NAME
_NAME_EN = _rules.PROVINCE_NAME_EN


def _name_col(lang: Lang) -> str:
    return _rules.province_name_column(lang)


def _keyed(df: pl.DataFrame) -> pl.DataFrame:
    """A table with papikit's province columns: a table keyed by an older name (``code``, or an
    integer ``province`` of survey results before ``province_code``) and ``name_vi``/``name_en``
    is renamed, so the charts read one set of names."""
    ren: dict[str, str] = {}
    if _CODE not in df.columns:
        for alias in _rules.PROVINCE_CODE_ALIASES:
            if alias in df.columns and df.schema[alias].is_integer():
                ren[alias] = _CODE
                break
    for old, new in (("name_vi", _NAME), ("name_en", _NAME_EN)):
        if new not in df.columns and old in df.columns:
            ren[old] = new
    return df.rename(ren) if ren else df


def _frame(obj: Any, what: str) -> pl.DataFrame:
    """A DataFrame, or the ``to_polars()`` table of a papikit result object."""
    if isinstance(obj, pl.DataFrame):
        return _keyed(obj)
    to_polars = getattr(obj, "to_polars", None)
    out = to_polars() if callable(to_polars) else None
    if not isinstance(out, pl.DataFrame):
        from papikit import _core

        raise _core.InvalidArgumentError(
            f"{what}: expected a polars DataFrame or a papikit result, got {type(obj).__name__}"
        )
    return _keyed(out)


def _code_col(df: pl.DataFrame) -> str:
    """The province-code column (tables pass through :func:`_keyed` first)."""
    return _CODE


def _label_col(df: pl.DataFrame, lang: Lang) -> str | None:
    for c in (_name_col(lang), _NAME_EN, _NAME):
        if c in df.columns:
            return c
    return None


def _pick(df: pl.DataFrame, prov: str | int | Province) -> tuple[Province, dict[str, Any]]:
    p = _find(prov)
    rows = df.filter(pl.col(_CODE) == p.code)
    if rows.height == 0:
        from papikit import _core

        raise _core.NoDataError(f"no row for {p.name_vi} (code {p.code}) in the table given to the chart")
    return p, rows.row(0, named=True)


def _dims_present(df: pl.DataFrame, row: Mapping[str, Any] | None = None) -> list[str]:
    out = []
    for d in DIMENSIONS:
        if d not in df.columns:
            continue
        if row is not None and row.get(d) is None:
            continue
        if df[d].null_count() == df.height:
            continue
        out.append(d)
    return out


def _year_of(df: pl.DataFrame) -> int | None:
    if "year" in df.columns and df.height > 0:
        years = df["year"].unique().to_list()
        if len(years) == 1:
            return int(years[0])
    return None


# --------------------------------------------------------------------------------------- radar


def radar(
    df: pl.DataFrame | Any,
    province: str | int | Province,
    *,
    peers: Sequence[str | int | Province] = (),
    best: bool = True,
    median: bool = True,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """Radar of the dimension scores of one province against the best score on each axis, the
    national median and chosen peers.

    Parameters
    ----------
    df
        One year of scores with ``province_code`` and ``d1``..``d8`` columns, e.g. ``pk.published(2023)``.
        Dimensions missing that year (d7, d8 before 2018) are left out.
    province
        Name or code of the province to show.
    peers
        Other provinces drawn as thin lines.
    best, median
        Draw the best score on each axis (over all provinces) and the national median.
    lang
        "en" or "vi".
    ax
        A polar Axes to draw on.

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> ax = pkp.radar(pk.published(2023), "Dak Lak", peers=["Gia Lai", "Kon Tum"])
    >>> len(ax.get_lines()), len(ax.get_xticklabels())
    (5, 8)
    >>> pkp.close(ax)
    """
    lang = check_lang(lang)
    df = _frame(df, "radar")
    p, row = _pick(df, province)
    dims = _dims_present(df, row)
    n = len(dims)
    angles = [2 * math.pi * i / n for i in range(n)]
    closed = [*angles, angles[0]]
    ax = _axes(ax, (8.0, 7.5), polar=True)
    polar: Any = ax
    polar.set_theta_offset(math.pi / 2)
    polar.set_theta_direction(-1)

    def draw(values: list[float], label: str, **kw: Any) -> None:
        ax.plot(closed, [*values, values[0]], label=label, **kw)

    if best:
        draw([float(df[d].max()) for d in dims], _t("best", lang), color="#1a9641", ls="--", lw=1.2)  # type: ignore[arg-type]
    if median:
        draw([float(df[d].median()) for d in dims], _t("median", lang), color="#555555", ls=":", lw=1.5)  # type: ignore[arg-type]
    cmap = _plt().get_cmap("tab10")
    for i, peer in enumerate(peers):
        pp, prow = _pick(df, peer)
        vals = [prow[d] if prow[d] is not None else float("nan") for d in dims]
        draw(vals, pp.name(lang), color=cmap((i + 1) % 10), lw=1.0, alpha=0.9)
    own = [float(row[d]) for d in dims]
    ax.plot(closed, [*own, own[0]], color="#c0392b", lw=2.5, label=p.name(lang))
    ax.fill(closed, [*own, own[0]], color="#c0392b", alpha=0.12)
    ax.set_xticks(angles)
    ax.set_xticklabels([_axis_label(d, lang, 18) for d in dims], fontsize=8)
    lo = min(float(df[d].min()) for d in dims)  # type: ignore[arg-type]
    hi = max(float(df[d].max()) for d in dims)  # type: ignore[arg-type]
    ax.set_ylim(max(0.0, math.floor(lo) - 1), math.ceil(hi))
    ax.tick_params(axis="y", labelsize=7)
    year = _year_of(df)
    ax.set_title(f"{p.name(lang)} {year}: {_t('dims', lang)}" if year else f"{p.name(lang)}: {_t('dims', lang)}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=8, frameon=False)
    return ax


# ------------------------------------------------------------------------------ dimension bars


def dimension_bars(
    df: pl.DataFrame | Any,
    province: str | int | Province | None = None,
    *,
    label: str | None = None,
    value: str | None = None,
    reference: bool = True,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """Bars of dimension (or any level's) scores, with CI whiskers when the table has
    ``ci_low``/``ci_high``.

    Two input shapes:

    * **wide** (``pk.published(year)``): pass ``province``; bars are its ``d1``..``d8`` scores and,
      with ``reference=True``, the national median of each dimension is marked with a tick.
    * **long** (one row per level, e.g. a profile or survey result): columns ``value`` (default
      ``"score"``) and a label column (``label=``, default the first of ``label``, ``measure``,
      ``dimension``, ``level``), optional ``ci_low``/``ci_high`` and ``median``. ``value``
      defaults to ``score``, or ``estimate`` for survey results (``result.dimensions`` filtered to
      one province). A ``level`` column keeps the dimension rows, so ``pk.profile(...)`` works as is
      (its ``national_median`` is marked).

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> ax = pkp.dimension_bars(pk.published(2023), "Đắk Lắk", lang="vi")
    >>> len(ax.patches), ax.get_xticklabels()[3].get_text()
    (8, 'D4\\nKiểm soát tham\\nnhũng')
    >>> long = pl.DataFrame({"measure": ["d1", "d2"], "score": [5.1, 5.4],
    ...                      "ci_low": [4.9, 5.2], "ci_high": [5.3, 5.6]})
    >>> ax2 = pkp.dimension_bars(long)
    >>> len(ax2.patches), len(ax2.collections[0].get_segments())  # 2 bars, 2 whiskers
    (2, 2)
    >>> pkp.close(ax); pkp.close(ax2)
    """
    lang = check_lang(lang)
    df = _frame(df, "dimension_bars")
    title = ""
    medians: list[float] | None = None
    lows: list[float] | None = None
    highs: list[float] | None = None
    if province is not None:
        p, row = _pick(df, province)
        dims = _dims_present(df, row)
        labels = [_axis_label(d, lang) for d in dims]
        values = [float(row[d]) for d in dims]
        if reference:
            medians = [float(df[d].median()) for d in dims]  # type: ignore[arg-type]
        year = _year_of(df)
        title = f"{p.name(lang)}{' ' + str(year) if year else ''}: {_t('dim_scores', lang)}"
    else:
        from papikit import _core

        if "level" in df.columns and "measure" in df.columns:
            df = df.filter(pl.col("level") == "dimension")  # a profile or survey table: the dimension rows
        lab = label or next((c for c in ("label", "measure", "dimension") if c in df.columns), None)
        if value is None:
            value = "estimate" if "score" not in df.columns and "estimate" in df.columns else "score"
        if lab is None or value not in df.columns:
            raise _core.ColumnError(
                f"dimension_bars needs a label column and a {value!r} column (or a wide frame and a province); "
                f"got columns {df.columns}"
            )
        raw = [str(v) for v in df[lab].to_list()]
        labels = [_axis_label(r, lang) for r in raw]
        values = [float(v) if v is not None else float("nan") for v in df[value].to_list()]
        if "ci_low" in df.columns and "ci_high" in df.columns:
            lows = [float(v) if v is not None else float("nan") for v in df["ci_low"].to_list()]
            highs = [float(v) if v is not None else float("nan") for v in df["ci_high"].to_list()]
        med = next((c for c in ("median", "national_median") if c in df.columns), None)
        if reference and med is not None:
            medians = [float(v) if v is not None else float("nan") for v in df[med].to_list()]
        title = _t("dim_scores", lang).capitalize()
    ax = _axes(ax, (max(6.0, 1.0 * len(values) + 2), 4.5))
    xs = list(range(len(values)))
    yerr = None
    if lows is not None and highs is not None:
        yerr = [
            [max(0.0, v - lo) for v, lo in zip(values, lows, strict=True)],
            [max(0.0, hi - v) for v, hi in zip(values, highs, strict=True)],
        ]
    ax.bar(xs, values, color="#2c7fb8", yerr=yerr, capsize=4 if yerr else 0, ecolor="#333333", label=_t("score", lang))
    if medians is not None:
        ax.scatter(xs, medians, marker="_", s=700, color="#d95f0e", zorder=3, label=_t("median", lang))
        ax.legend(fontsize=8, frameon=False, loc="upper left", ncol=2, markerscale=0.5)
    ax.set_xticks(xs)
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylabel(_t("score", lang))
    finite = [v for v in values + (highs or []) if not math.isnan(v)]
    if finite and max(finite) <= 10:
        ax.set_ylim(0, 10)
    ax.set_title(title)
    return ax


# ------------------------------------------------------------------------------ sub-dimensions


def _subdimension_frame(df: pl.DataFrame | Any, what: str) -> pl.DataFrame:
    """The long sub-dimension table of one year (``pk.published(year, level="subdimension")`` or
    the sub-dimension rows of ``level="all"``)."""
    df = _frame(df, what)
    if "level" in df.columns and "measure" in df.columns:
        df = df.filter(pl.col("level") == "subdimension").rename({"measure": "subdimension"})
    need = [_CODE, "number", "subdimension", "score", "max"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise _core.ColumnError(
            f"{what} needs the long sub-dimension table (pk.published(year, level='subdimension')); "
            f"missing columns {missing}"
        )
    if _year_of(df) is None and "year" in df.columns:
        raise _core.InvalidArgumentError(f"{what}: the table has several years; filter it to one year")
    return df


def _number_key(n: str) -> tuple[int, ...]:
    return tuple(int(x) for x in n.split(".") if x.isdigit())


def subdimension_heatmap(
    df: pl.DataFrame | Any,
    province: str | int | Province,
    *,
    peers: Sequence[str | int | Province] | None = None,
    value: str = "rank",
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """Heat map of a province's sub-dimensions against its peers: one row per province (the
    province first), one column per sub-dimension (numbered as printed that year).

    ``df`` is ``pk.published(year, level="subdimension")`` (or ``level="all"``). Peers default to the
    province's region (the ``region`` column). ``value="rank"`` colours by national rank on the
    sub-dimension (green = near the top; the rank is written in each cell); ``value="score"``
    colours by the score as a share of the sub-dimension's maximum (10/n), since sub-dimensions of
    different dimensions have different ranges. Provinces without a published value are grey.

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> ax = pkp.subdimension_heatmap(pk.published(2023, level="subdimension"), "Đắk Lắk")
    >>> [t.get_text() for t in ax.get_yticklabels()][:2], len(ax.get_xticklabels())
    (['Dak Lak', 'Kon Tum'], 28)
    >>> pkp.close(ax)
    """
    import numpy as np

    lang = check_lang(lang)
    if value not in ("rank", "score"):
        raise _core.InvalidArgumentError(f'invalid value for value: {value!r}; use "rank" or "score"', argument="value")
    df = _subdimension_frame(df, "subdimension_heatmap")
    p = _find(province)
    own = df.filter(pl.col(_CODE) == p.code)
    if own.height == 0:
        raise _core.NoDataError(f"no row for {p.name_vi} (code {p.code}) in the table given to the chart")
    if peers is None:
        region = own["region"][0] if "region" in df.columns else None
        codes = sorted(set(df.filter(pl.col("region") == region)[_CODE].to_list()) - {p.code}) if region else []
    else:
        codes = [_find(q).code for q in peers if _find(q).code != p.code]
    rows = [p.code, *codes]
    numbers = sorted(set(df["number"].to_list()), key=_number_key)
    n_ranked = df.group_by("number").agg(pl.col("score").is_not_null().sum().alias("n"))
    n_of = dict(zip(n_ranked["number"].to_list(), n_ranked["n"].to_list(), strict=True))
    grid = np.full((len(rows), len(numbers)), np.nan)
    ranks = np.full((len(rows), len(numbers)), np.nan)
    col = {n: j for j, n in enumerate(numbers)}
    row_of = {c: i for i, c in enumerate(rows)}
    for r in df.filter(pl.col(_CODE).is_in(rows)).iter_rows(named=True):
        i, j = row_of[r[_CODE]], col[r["number"]]
        if r["score"] is None:
            continue
        if r.get("rank") is not None:
            ranks[i, j] = r["rank"]
        if value == "rank":
            n = max(int(n_of[r["number"]]), 2)
            grid[i, j] = 1.0 - (float(r["rank"]) - 1.0) / (n - 1.0)
        else:
            grid[i, j] = float(r["score"]) / float(r["max"])
    ax = _axes(ax, (max(7.0, 0.42 * len(numbers) + 2.5), max(2.5, 0.45 * len(rows) + 1.5)))
    cmap = _plt().get_cmap("RdYlGn").with_extremes(bad="#dddddd")
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(numbers)):
            if not np.isnan(ranks[i, j]):
                ax.text(j, i, str(int(ranks[i, j])), ha="center", va="center", fontsize=6)
    names = _unit_names(63, lang)
    ax.set_xticks(range(len(numbers)))
    ax.set_xticklabels(numbers, fontsize=7, rotation=90)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([names.get(c, str(c)) for c in rows], fontsize=8)
    year = _year_of(df)
    what = _t("sub_ranks", lang) if value == "rank" else _t("sub_scaled", lang)
    ax.set_title(f"{p.name(lang)}{' ' + str(year) if year else ''}: {what}")
    return ax


def subdimension_bars(
    df: pl.DataFrame | Any,
    province: str | int | Province,
    *,
    reference: bool = True,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """Bars of a province's sub-dimension scores (numbered as printed that year, coloured by
    dimension) with the national median of each sub-dimension marked.

    ``df`` is ``pk.published(year, level="subdimension")`` (or ``level="all"``); the median is over
    the provinces with a published value. Sub-dimension ranges differ (1/n..10/n for a dimension of
    n sub-dimensions); each bar's light outline shows its maximum.

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> ax = pkp.subdimension_bars(pk.published(2023, level="subdimension"), "Đắk Lắk", lang="vi")
    >>> len(ax.get_xticklabels()), ax.get_xticklabels()[19].get_text()
    (28, '6.2')
    >>> pkp.close(ax)
    """
    lang = check_lang(lang)
    df = _subdimension_frame(df, "subdimension_bars")
    p = _find(province)
    own = df.filter(pl.col(_CODE) == p.code)
    if own.height == 0 or own["score"].null_count() == own.height:
        raise _core.NoDataError(
            f"no sub-dimension scores for {p.name_vi} (code {p.code}) in the table given to the chart"
        )
    med = df.group_by("number").agg(pl.col("score").median().alias("median"))
    med_of = dict(zip(med["number"].to_list(), med["median"].to_list(), strict=True))
    rows = sorted(own.iter_rows(named=True), key=lambda r: _number_key(r["number"]))
    numbers = [r["number"] for r in rows]
    values = [float(r["score"]) if r["score"] is not None else float("nan") for r in rows]
    maxima = [float(r["max"]) for r in rows]
    cmap = _plt().get_cmap("tab10")
    colours = [cmap((_number_key(n)[0] - 1) % 10) for n in numbers]
    ax = _axes(ax, (max(8.0, 0.38 * len(rows) + 2), 4.5))
    xs = list(range(len(rows)))
    ax.bar(xs, maxima, color="none", edgecolor="#bbbbbb", lw=0.8)
    ax.bar(xs, values, color=colours, label=_t("score", lang))
    if reference:
        meds = [float(med_of[n]) if med_of.get(n) is not None else float("nan") for n in numbers]
        ax.scatter(xs, meds, marker="_", s=200, color="#222222", zorder=3, label=_t("median", lang))
        ax.legend(fontsize=8, frameon=False, loc="upper left", ncol=2, markerscale=0.8)
    ax.set_xticks(xs)
    ax.set_xticklabels(numbers, fontsize=7, rotation=90)
    ax.set_ylabel(_t("score", lang))
    year = _year_of(df)
    ax.set_title(f"{p.name(lang)}{' ' + str(year) if year else ''}: {_t('sub_scores', lang)}")
    return ax


# ---------------------------------------------------------------------------- rank caterpillar


def rank_caterpillar(
    df: pl.DataFrame | Any,
    highlight: str | int | Province | None = None,
    *,
    score: str | None = None,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """Every ranked province's score against its rank: one row per province ordered by rank (best
    at the top), the score on the x axis with its confidence interval (``ci_low``/``ci_high``) when
    the table has one, the rank interval (``rank_low``/``rank_high``) written beside the rank when the
    table has one, and one province highlighted.

    ``score`` is the score column (default: ``total``, else ``estimate``, else ``score``). Works on
    ``pk.published(year)`` and on survey rank tables (``result.ranks()``), both keyed by
    ``province_code``.

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> df = pk.published(2023)
    >>> ax = pkp.rank_caterpillar(df, "Đắk Lắk")
    >>> len(ax.get_yticklabels()), ax.get_yticklabels()[30].get_text(), ax.get_yticklabels()[30].get_color()
    (61, '31. Dak Lak', '#c0392b')
    >>> xs = ax.collections[-1].get_offsets()[:, 0]  # the scores, best first
    >>> round(float(xs[30]), 4), bool(xs[0] >= xs[30] >= xs[-1])
    (42.3265, True)
    >>> pkp.close(ax)
    """
    lang = check_lang(lang)
    df = _frame(df, "rank_caterpillar")
    cc = _code_col(df)
    if score is None:
        score = next((c for c in ("total", "estimate", "score") if c in df.columns), None)
    if score is None or score not in df.columns:
        raise _core.InvalidArgumentError(
            f"invalid value for score: {score!r}; the table has no score column (columns: {', '.join(df.columns)})"
        )
    d = df.filter(pl.col("rank").is_not_null() & pl.col(score).is_not_null()).sort("rank", cc)
    hl = _find(highlight).code if highlight is not None else None
    lab = _label_col(d, lang)
    names = [str(v) for v in d[lab].to_list()] if lab else [str(c) for c in d[cc]]
    if lang == "vi" and lab == _NAME_EN:
        names = [_find(int(c)).name_vi for c in d[cc].to_list()]
    ranks = [int(r) for r in d["rank"].to_list()]
    scores = [float(v) for v in d[score].to_list()]
    codes = d[cc].to_list()
    n = d.height
    ax = _axes(ax, (6.5, max(6.0, 0.17 * n + 1.5)))
    ys = list(range(n))
    colours = ["#c0392b" if c == hl else "#2c7fb8" for c in codes]
    if "ci_low" in d.columns and "ci_high" in d.columns:
        lo = [float(v) if v is not None else x for v, x in zip(d["ci_low"].to_list(), scores, strict=True)]
        hi = [float(v) if v is not None else x for v, x in zip(d["ci_high"].to_list(), scores, strict=True)]
        ax.hlines(ys, lo, hi, colors=colours, lw=[2.5 if c == hl else 1.2 for c in codes])
    ax.scatter(scores, ys, c=colours, s=[40 if c == hl else 14 for c in codes], zorder=3)
    ticks = [f"{r}. {nm}" for r, nm in zip(ranks, names, strict=True)]
    if "rank_low" in d.columns and "rank_high" in d.columns:
        ticks = [
            f"{r} [{lo}-{hi}]. {nm}" if lo is not None and hi is not None else f"{r}. {nm}"
            for r, lo, hi, nm in zip(ranks, d["rank_low"].to_list(), d["rank_high"].to_list(), names, strict=True)
        ]
    ax.set_yticks(ys)
    ax.set_yticklabels(ticks, fontsize=6)
    for tick, c in zip(ax.get_yticklabels(), codes, strict=True):
        if c == hl:
            tick.set_color("#c0392b")
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlabel(_t("total" if score == "total" else "score", lang))
    ax.set_ylabel(_t("rank", lang))
    ax.grid(axis="x", alpha=0.3)
    year = _year_of(df)
    ax.set_title(f"{_t('ranks', lang).capitalize()}{' ' + str(year) if year else ''} (n={n})")
    return ax


# ------------------------------------------------------------------------------- gap waterfall


def gap_waterfall(
    gaps: pl.DataFrame | Any,
    *,
    label: str | None = None,
    gap: str = "gap",
    level: str = "dimension",
    title: str | None = None,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """Waterfall of a total gap split into parts (dimensions, agencies ...): one floating bar per
    row of ``gaps`` (columns ``label`` and ``gap``; positive = behind the reference), then the total.

    ``gaps`` may also be the result of :func:`papikit.gaps` (or its ``to_polars()`` table): its rows of
    ``level`` (default ``"dimension"``) are drawn, labelled by ``measure``. Against the best province
    these parts add up to the total gap.

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> g = pl.DataFrame({"label": ["D1", "D4", "D8"], "gap": [0.5, 1.25, -0.25]})
    >>> ax = pkp.gap_waterfall(g, lang="vi")
    >>> len(ax.patches), [t.get_text() for t in ax.get_xticklabels()][-1]
    (4, 'Tổng khoảng cách')
    >>> ax2 = pkp.gap_waterfall(pk.gaps("Đắk Lắk", 2023, against="best"))
    >>> len(ax2.patches), round(float(ax2.patches[-1].get_height()), 4)
    (9, 3.715)
    >>> pkp.close(ax); pkp.close(ax2)
    """
    lang = check_lang(lang)
    from papikit import _core

    if not isinstance(gaps, pl.DataFrame):
        to_polars = getattr(gaps, "to_polars", None)
        if to_polars is None:
            raise _core.InvalidArgumentError(
                f"gap_waterfall: expected a DataFrame or a pk.gaps(...) result, got {type(gaps).__name__}"
            )
        gaps = to_polars()
    if "level" in gaps.columns and "measure" in gaps.columns:
        gaps = gaps.filter(pl.col("level") == level)
    if label is None:
        label = "label" if "label" in gaps.columns else "measure" if "measure" in gaps.columns else "label"
    for c in (label, gap):
        if c not in gaps.columns:
            raise _core.ColumnError(f"gap_waterfall: column {c!r} not found; columns are {gaps.columns}")
    labels = [str(v) for v in gaps[label].to_list()]
    labels = [_axis_label(lb, lang) for lb in labels]
    vals = [float(v) if v is not None else 0.0 for v in gaps[gap].to_list()]
    ax = _axes(ax, (max(6.0, 0.9 * len(vals) + 2.5), 4.5))
    start = 0.0
    for i, v in enumerate(vals):
        ax.bar(i, v, bottom=start, color="#d7191c" if v > 0 else "#1a9641", edgecolor="white")
        ax.text(
            i,
            start + v + (0.02 if v >= 0 else -0.02),
            f"{v:+.2f}",
            ha="center",
            va="bottom" if v >= 0 else "top",
            fontsize=7,
        )
        start += v
    total = start
    ax.bar(len(vals), total, color="#555555")
    ax.text(
        len(vals),
        total,
        f"{total:.2f}",
        ha="center",
        va="bottom" if total >= 0 else "top",
        fontsize=8,
        fontweight="bold",
    )
    ax.axhline(0, color="black", lw=0.8)
    ax.margins(y=0.12)
    ax.set_xticks(range(len(vals) + 1))
    ax.set_xticklabels(
        [*labels, _t("gap_total", lang)],
        fontsize=7,
        rotation=30 if len(vals) > 8 else 0,
        ha="right" if len(vals) > 8 else "center",
    )
    ax.set_ylabel(_t("gap", lang))
    ax.set_title(title or _t("gap_total", lang))
    return ax


# --------------------------------------------------------------------------------------- trend


def _not_comparable(measure: str, years: Sequence[int]) -> list[int]:
    """Years whose value of ``measure`` is not comparable with the year before (the core's rule, the
    same as :func:`papikit.trend`)."""
    return [y for y in years if _core.comparable(measure.lower(), int(y)) is False]


def _cut_lines(years: list[Any], vals: list[Any], cuts: Sequence[int]) -> tuple[list[float], list[float]]:
    xs: list[float] = []
    ys: list[float] = []
    for y, v in zip(years, vals, strict=True):
        if xs and any(xs[-1] < c <= y for c in cuts):
            xs.append(float("nan"))
            ys.append(float("nan"))
        xs.append(float(y))
        ys.append(float(v))
    return xs, ys


def trend(
    df: pl.DataFrame | Any,
    provinces: str | int | Province | Sequence[str | int | Province],
    *,
    measure: str = "total",
    national: bool = True,
    breaks: Iterable[int] = BREAK_YEARS,
    connect: bool = False,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """Scores over the years for one or more provinces, the national median beside them, and the
    structural breaks of PAPI (:data:`BREAK_YEARS`, and any other year the measure changed) marked
    as dashed vertical lines.

    ``df`` is a panel with ``year``, ``province_code`` and ``measure`` columns, e.g. ``pk.published()``.
    Lines are interrupted where the measure is not comparable with the year before, by the rule of
    :func:`papikit.trend` (the total at every break: the number of dimensions changed once, and any
    change to a dimension changes the total), unless ``connect=True``; those years are marked too.

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> ax = pkp.trend(pk.published(), ["Đắk Lắk", "Lâm Đồng"], lang="vi")
    >>> marks = sorted(int(t.get_text()) for t in ax.texts)  # 3 lines, one mark per break
    >>> len(ax.get_lines()), marks == sorted(pkp.BREAK_YEARS)
    (7, True)
    >>> pkp.close(ax)
    """
    lang = check_lang(lang)
    df = _frame(df, "trend")
    if isinstance(provinces, (str, int, Province)):
        provinces = [provinces]
    from papikit import _core

    if measure not in df.columns:
        raise _core.ColumnError(f"trend: column {measure!r} not found; columns are {df.columns}")
    ax = _axes(ax, (8.0, 4.5))
    cmap = _plt().get_cmap("tab10")
    years_all = sorted(int(y) for y in df["year"].unique().to_list())
    cuts = [] if connect else _not_comparable(measure, years_all[1:])
    if national:
        med = (
            df.filter(pl.col(measure).is_not_null())
            .group_by("year")
            .agg(pl.col(measure).median().alias("m"))
            .sort("year")
        )
        mx, my = _cut_lines(med["year"].to_list(), med["m"].to_list(), cuts)
        ax.plot(mx, my, color="#777777", ls=":", lw=1.5, label=_t("median", lang))
    for i, prov in enumerate(provinces):
        p = _find(prov)
        s = df.filter((pl.col(_CODE) == p.code) & pl.col(measure).is_not_null()).sort("year")
        xs, ys = _cut_lines(s["year"].to_list(), s[measure].to_list(), cuts)
        ax.plot(
            xs,
            ys,
            marker="o",
            ms=3.5,
            color="#c0392b" if i == 0 else cmap(i % 10),
            lw=2.2 if i == 0 else 1.4,
            label=p.name(lang),
        )
    marks = sorted(set(breaks) | set(cuts))
    for b in marks:
        if years_all and years_all[0] < b <= years_all[-1]:
            ax.axvline(b - 0.5, color="#999999", ls="--", lw=0.8)
            ax.text(b - 0.45, 1.0, f"{b}", transform=ax.get_xaxis_transform(), fontsize=7, va="top", color="#666666")
    ax.set_xlabel(_t("year", lang))
    ax.set_ylabel(_t("total", lang) if measure == "total" else f"{measure.upper()} {dimension_label(measure, lang)}")
    if years_all:
        ax.set_xticks(years_all)
        ax.tick_params(axis="x", labelsize=7, rotation=45)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(
        f"{dimension_label(measure, lang)}: {years_all[0]}-{years_all[-1]} "
        f"({_t('break', lang)}: {', '.join(str(b) for b in marks)})"
        if years_all
        else ""
    )
    ax.grid(alpha=0.3)
    return ax


# --------------------------------------------------------------------------------- before/after


def before_after(
    df: pl.DataFrame | Any,
    *,
    label: str | None = None,
    before: str = "before",
    after: str = "after",
    highlight: str | int | Province | None = None,
    top: int | None = None,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """Dumbbell chart of a simulation: one row per province (or axis) from ``before`` to ``after``.

    Takes a table with ``before``/``after`` columns, or the result of :func:`papikit.simulate` (its
    ``total_before``/``total_after``), e.g. ``pkp.before_after(pk.simulate(2023, {...}), top=10)``.

    ``label`` defaults to the province name column of ``lang`` (or ``label``/``measure``). ``top``
    keeps the rows that moved most. Rows are ordered by the ``after`` value.

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> sim = pl.DataFrame({"province_name_en": ["Dak Lak", "Gia Lai"], "province_name": ["Đắk Lắk", "Gia Lai"],
    ...                     "province_code": [66, 64], "before": [42.33, 41.9], "after": [42.83, 41.9]})
    >>> ax = pkp.before_after(sim, highlight="Dak Lak", lang="vi")
    >>> len(ax.collections), [t.get_text() for t in ax.get_yticklabels()]
    (3, ['Đắk Lắk', 'Gia Lai'])
    >>> pkp.close(ax)
    """
    lang = check_lang(lang)
    from papikit import _core

    if not isinstance(df, pl.DataFrame):
        to_polars = getattr(df, "to_polars", None)
        if to_polars is None:
            raise _core.InvalidArgumentError(
                f"before_after: expected a DataFrame or a pk.simulate(...) result, got {type(df).__name__}"
            )
        df = to_polars()
    df = _keyed(df)
    if before not in df.columns and f"total_{before}" in df.columns:
        before = f"total_{before}"
    if after not in df.columns and f"total_{after}" in df.columns:
        after = f"total_{after}"
    lab = label or next((c for c in (_name_col(lang), _NAME_EN, "label", "measure") if c in df.columns), None)
    for c in (lab, before, after):
        if c is None or c not in df.columns:
            raise _core.ColumnError(f"before_after: column {c!r} not found; columns are {df.columns}")
    assert lab is not None
    d = df.filter(pl.col(before).is_not_null() & pl.col(after).is_not_null())
    if top is not None:
        d = d.sort((pl.col(after) - pl.col(before)).abs(), descending=True).head(top)
    d = d.sort(after, descending=True)
    hl = _find(highlight).code if highlight is not None else None
    codes = d[_CODE].to_list() if _CODE in d.columns else [None] * d.height
    names = [str(v) for v in d[lab].to_list()]
    names = [dimension_label(nm, lang) if _is_measure(nm) else nm for nm in names]
    b = [float(v) for v in d[before].to_list()]
    a = [float(v) for v in d[after].to_list()]
    ax = _axes(ax, (7.0, max(3.0, 0.22 * d.height + 1.5)))
    ys = list(range(d.height))
    ax.hlines(ys, b, a, colors=["#c0392b" if c == hl and hl is not None else "#999999" for c in codes], lw=2)
    ax.scatter(b, ys, color="#bbbbbb", s=20, zorder=3, label=_t("before", lang))
    ax.scatter(a, ys, color="#2c7fb8", s=24, zorder=3, label=_t("after", lang))
    ax.set_yticks(ys)
    ax.set_yticklabels(names, fontsize=7 if d.height > 20 else 9)
    for tick, c in zip(ax.get_yticklabels(), codes, strict=True):
        if hl is not None and c == hl:
            tick.set_color("#c0392b")
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlabel(_t("score", lang))
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(_t("simulation", lang).capitalize())
    ax.grid(axis="x", alpha=0.3)
    return ax


# ------------------------------------------------------------------------------------ tile map


@lru_cache(maxsize=2)
def _layout(era: int) -> tuple[tuple[int, int, int], ...]:
    name = "tilemap_63.csv" if era == 63 else "tilemap_34.csv"
    text = resources.files("papikit").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return tuple((int(r["code"]), int(r["row"]), int(r["col"])) for r in csv.DictReader(text.splitlines()))


def tile_layout(era: int = 63) -> pl.DataFrame:
    """The grid-cartogram layout: one row per province (``era=63``) or 2025 unit (``era=34``) with
    ``province_code, row, col`` (row 0 is the north). Shipped as ``papikit/data/tilemap_{63,34}.csv``.

    Examples
    --------
    >>> import papikit.plot as pkp
    >>> lay = pkp.tile_layout(63)
    >>> lay.height, lay.select("row", "col").unique().height
    (63, 63)
    >>> pkp.tile_layout(34).height
    34
    """
    rows = _layout(_core.parse_era(era))
    return pl.DataFrame(
        {_CODE: [r[0] for r in rows], "row": [r[1] for r in rows], "col": [r[2] for r in rows]},
        schema={_CODE: pl.Int32, "row": pl.Int32, "col": pl.Int32},
    )


def _short(code: int, name: str, lang: Lang) -> str:
    short = _core.labels_section("short_name", lang).get(str(code))
    if short is not None:
        return short
    if name.startswith("Thành phố "):
        name = name[len("Thành phố ") :]
    return name.replace(" ", "\n", 1) if len(name) > 9 else name


def _unit_names(era: int, lang: Lang) -> dict[int, str]:
    from papikit import _core

    t = _core.provinces_63() if era == 63 else _core.units_2025()
    col = _name_col(lang)
    return {int(c): str(n) for c, n in zip(t[_CODE].to_list(), t[col].to_list(), strict=True)}


def tile_map(
    df: pl.DataFrame | Any,
    *,
    value: str = "group",
    era: int | None = None,
    highlight: str | int | Province | None = None,
    cmap: str = "RdYlGn",
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """Quartile tile map: a grid cartogram with every province (or 2025 unit) in a fixed square
    roughly where it lies, coloured by performance group (``value="group"``) or by any numeric
    column (continuous colour scale with a colour bar). Provinces without data are grey.

    ``era`` is 63 (provinces; codes as in ``pk.provinces()``) or 34 (units of July 2025; codes as in
    ``pk.provinces(era=2025)``); by default 34 when the table has at most 34 rows, else 63.

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> ax = pkp.tile_map(pk.published(2023), highlight="Đắk Lắk", lang="vi")
    >>> len(ax.patches), sorted(t.get_text() for t in ax.get_legend().get_texts())[:2]
    (63, ['Cao', 'Thấp'])
    >>> pkp.close(ax)
    """
    lang = check_lang(lang)
    df = _frame(df, "tile_map")
    from papikit import _core

    cc = _code_col(df)
    if value not in df.columns or cc not in df.columns:
        raise _core.ColumnError(f"tile_map needs columns {_CODE!r} and {value!r}; got {df.columns}", column=_CODE)
    if era is None:
        era = 34 if df.height <= 34 else 63
    lay = tile_layout(era)
    names = _unit_names(63 if lay.height == 63 else 34, lang)
    vals = {int(c): v for c, v in zip(df[cc].to_list(), df[value].to_list(), strict=True) if c is not None}
    if lay.height != 63:
        # Tables of the 34 units are keyed by the province whose name the unit carries (pk.load_published).
        key_to_unit = dict(_core.unit_key_codes())
        vals = {key_to_unit.get(c, c): v for c, v in vals.items()}
    hl = None
    if highlight is not None:
        p = _find(highlight)
        hl = p.code if lay.height == 63 else p.unit_2025
    numeric = df[value].dtype.is_numeric()
    plt = _plt()
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch, Rectangle

    norm = None
    cm = None
    if numeric:
        nums = [float(v) for v in vals.values() if v is not None]
        norm = Normalize(vmin=min(nums), vmax=max(nums)) if nums else Normalize(0, 1)
        cm = plt.get_cmap(cmap)
    nrows = int(lay["row"].max()) + 1  # type: ignore[arg-type]
    ncols = int(lay["col"].max()) + 1  # type: ignore[arg-type]
    ax = _axes(ax, (0.95 * ncols + 2.2, 0.62 * nrows + 0.8))
    for code, r, c in lay.iter_rows():
        v = vals.get(int(code))
        if v is None:
            colour: Any = "#dddddd"
        elif numeric and cm is not None and norm is not None:
            colour = cm(norm(float(v)))
        else:
            colour = group_colour(v) or "#dddddd"
        edge = "black" if code == hl else "white"
        ax.add_patch(Rectangle((c, -r), 0.95, 0.95, facecolor=colour, edgecolor=edge, lw=2.0 if code == hl else 0.5))
        ax.text(
            c + 0.475,
            -r + 0.475,
            _short(int(code), names.get(int(code), str(code)), lang),
            ha="center",
            va="center",
            fontsize=5.2,
            fontweight="bold" if code == hl else "normal",
        )
    ax.set_xlim(-0.2, ncols + 0.2)
    ax.set_ylim(-nrows + 0.8, 1.1)
    ax.set_aspect("equal")
    ax.axis("off")
    if numeric and cm is not None and norm is not None:
        from matplotlib.cm import ScalarMappable

        ax.figure.colorbar(ScalarMappable(norm=norm, cmap=cm), ax=ax, shrink=0.5, label=dimension_label(value, lang))
    else:
        present = {_group_key(v) for v in vals.values() if v is not None}
        handles = [
            Patch(facecolor=c, label=_group_label(g, lang) or g)
            for g, c in zip(_rules.GROUP_KEYS, GROUP_COLOURS, strict=True)
            if g in present
        ]
        if handles:
            ax.legend(
                handles=handles,
                loc="center left",
                bbox_to_anchor=(0.0, 0.55),
                fontsize=7,
                frameon=False,
                title=_t("groups", lang).capitalize(),
                title_fontsize=7,
            )
    year = _year_of(df)
    what = _t("provinces", lang) if lay.height == 63 else _t("units", lang)
    ax.set_title(f"{lay.height} {what}{' ' + str(year) if year else ''}", fontsize=10)
    return ax


# ---------------------------------------------------------------------------------- choropleth


def _rings(geom: Mapping[str, Any]) -> list[list[list[float]]]:
    kind = geom.get("type")
    coords = geom.get("coordinates") or []
    if kind == "Polygon":
        return [list(ring) for ring in coords[:1]]
    if kind == "MultiPolygon":
        return [list(poly[0]) for poly in coords if poly]
    if kind == "GeometryCollection":
        out: list[list[list[float]]] = []
        for g in geom.get("geometries") or []:
            out.extend(_rings(g))
        return out
    return []


def choropleth(
    df: pl.DataFrame | Any,
    geojson: str | Path | Mapping[str, Any],
    *,
    feature_key: str,
    value: str = "group",
    cmap: str = "RdYlGn",
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Axes:
    """A true choropleth from **your own** GeoJSON (papikit ships no boundaries). Polygons are filled
    with matplotlib (outer rings; holes are ignored), no geopandas needed.

    Parameters
    ----------
    df
        A table with ``province_code`` and the ``value`` column (``"group"`` or numeric).
    geojson
        Path to a GeoJSON file or an already-loaded FeatureCollection dict.
    feature_key
        The feature property naming the province: either its GSO code or a name that
        :func:`papikit.province` understands (diacritics and spelling variants are fine).

    Examples
    --------
    >>> import papikit as pk, papikit.plot as pkp
    >>> gj = {"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"ten": "Đắk Lắk"},
    ...      "geometry": {"type": "Polygon", "coordinates": [[[108, 12], [109, 12], [109, 13], [108, 12]]]}}]}
    >>> ax = pkp.choropleth(pk.published(2023), gj, feature_key="ten")
    >>> len(ax.patches)
    1
    >>> pkp.close(ax)
    """
    lang = check_lang(lang)
    df = _frame(df, "choropleth")
    from papikit import _core

    if isinstance(geojson, (str, Path)):
        try:
            gj = json.loads(Path(geojson).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise _core.InvalidArgumentError(f"cannot read GeoJSON {str(geojson)!r}: {e}") from e
    else:
        gj = geojson
    feats = gj.get("features") if isinstance(gj, Mapping) else None
    if not isinstance(feats, list):
        raise _core.InvalidArgumentError("GeoJSON must be a FeatureCollection with a 'features' list")
    cc = _code_col(df)
    if value not in df.columns or cc not in df.columns:
        raise _core.ColumnError(f"choropleth needs columns {_CODE!r} and {value!r}; got {df.columns}", column=_CODE)
    vals = {int(c): v for c, v in zip(df[cc].to_list(), df[value].to_list(), strict=True) if c is not None}
    numeric = df[value].dtype.is_numeric()
    plt = _plt()
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch, Polygon

    cm = plt.get_cmap(cmap)
    nums = [float(v) for v in vals.values() if v is not None] if numeric else []
    norm = Normalize(vmin=min(nums), vmax=max(nums)) if nums else Normalize(0, 1)
    ax = _axes(ax, (6.0, 9.0))
    xs: list[float] = []
    ys: list[float] = []
    drawn: set[str | None] = set()
    for f in feats:
        props = f.get("properties") or {}
        key = props.get(feature_key)
        if key is None:
            raise _core.InvalidArgumentError(f"a GeoJSON feature has no property {feature_key!r}")
        code = _find(str(key)).code
        v = vals.get(code)
        if v is None:
            colour: Any = "#dddddd"
        elif numeric:
            colour = cm(norm(float(v)))
        else:
            colour = group_colour(v) or "#dddddd"
        drawn.add(_group_key(v) if v is not None else None)
        for ring in _rings(f.get("geometry") or {}):
            pts = [(float(p[0]), float(p[1])) for p in ring]
            xs.extend(p[0] for p in pts)
            ys.extend(p[1] for p in pts)
            ax.add_patch(Polygon(pts, closed=True, facecolor=colour, edgecolor="white", lw=0.4))
    if xs:
        ax.set_xlim(min(xs), max(xs))
        ax.set_ylim(min(ys), max(ys))
    ax.set_aspect("equal")
    ax.axis("off")
    if numeric:
        from matplotlib.cm import ScalarMappable

        ax.figure.colorbar(ScalarMappable(norm=norm, cmap=cm), ax=ax, shrink=0.5, label=dimension_label(value, lang))
    else:
        handles = [
            Patch(facecolor=c, label=_group_label(g, lang) or g)
            for g, c in zip(_rules.GROUP_KEYS, GROUP_COLOURS, strict=True)
            if g in drawn
        ]
        if handles:
            ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=False)
    return ax
