"""Where a province stands in one year on published data: the shared core of the ``profile``
terminal command and the province report (no matplotlib needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from papikit import _core
from papikit._display import Lang, check_lang
from papikit.published import national_stats, published
from papikit.ranking import rank
from papikit.registry import Province, province

DIMS = ("d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8")


@dataclass(frozen=True)
class Benchmark:
    """Headline figures and the per-dimension table of one province in one year."""

    province: Province
    year: int
    lang: Lang
    total: float
    rank: int
    n_ranked: int
    group: str
    region: str
    rank_region: int
    n_region: int
    prev_year: int | None
    prev_total: float | None
    prev_rank: int | None
    prev_n: int | None
    comparable_with_prev: bool
    #: one row per measure: measure, score, rank, n, median, best, best_province, diff_median
    table: pl.DataFrame
    #: the year's full (re-ranked) table with ``rank_within``/``n_within``
    frame: pl.DataFrame

    @property
    def change_points(self) -> float | None:
        return None if self.prev_total is None else self.total - self.prev_total

    @property
    def change_places(self) -> int | None:
        return None if self.prev_rank is None else self.prev_rank - self.rank


def _row(df: pl.DataFrame, code: int) -> dict[str, Any] | None:
    r = df.filter(pl.col("code") == code)
    return r.row(0, named=True) if r.height else None


def benchmark(query: str | int | Province, year: int, *, lang: Lang = "en") -> Benchmark:
    """Benchmark ``query`` in ``year`` on the published scores.

    Raises UnknownProvinceError, UnknownYearError, or NoDataError when the province has no score
    that year (e.g. Quảng Ninh 2023).
    """
    lang = check_lang(lang)
    p = province(query)
    df = published(year, lang=lang)
    row = _row(df, p.code)
    if row is None or row["total"] is None:
        status = row["status"] if row else "missing"
        raise _core.NoDataError(
            f"{p.name_vi} ({p.code}) has no published PAPI score in {year} (status: {status}); "
            f"try another year, e.g. {year - 1}"
        )
    ranked = rank(df.drop("rank", "n_ranked", "group"), by="total", within="region", lang=lang)
    ranked = rank(ranked, by=[d for d in DIMS if df[d].null_count() < df.height], lang=lang)
    me = _row(ranked, p.code)
    assert me is not None
    stats = national_stats(year, lang=lang)
    rows = []
    for m in [d for d in DIMS if me.get(d) is not None] + ["total"]:
        st = stats.filter(pl.col("measure") == m).row(0, named=True)
        rk = me["rank"] if m == "total" else me[f"{m}_rank"]
        n = me["n_ranked"] if m == "total" else me[f"{m}_n_ranked"]
        rows.append(
            {
                "measure": m,
                "score": float(me[m]),
                "rank": int(rk),
                "n": int(n),
                "median": float(st["median"]),
                "best": float(st["max"]),
                "best_province": str(st["max_province"]),
                "diff_median": float(me[m]) - float(st["median"]),
            }
        )
    table = pl.DataFrame(rows)
    prev_total = prev_rank = prev_n = None
    prev_year: int | None = year - 1
    try:
        prev = _row(published(year - 1, lang=lang), p.code)
    except _core.UnknownYearError:
        prev, prev_year = None, None
    if prev is not None and prev["total"] is not None:
        prev_total, prev_rank, prev_n = float(prev["total"]), int(prev["rank"]), int(prev["n_ranked"])
    return Benchmark(
        province=p,
        year=year,
        lang=lang,
        total=float(me["total"]),
        rank=int(me["rank"]),
        n_ranked=int(me["n_ranked"]),
        group=str(me["group"]),
        region=str(me["region"]),
        rank_region=int(me["rank_within"]),
        n_region=int(me["n_within"]),
        prev_year=prev_year if prev_total is not None else None,
        prev_total=prev_total,
        prev_rank=prev_rank,
        prev_n=prev_n,
        comparable_with_prev=year != 2018,
        table=table,
        frame=ranked,
    )
