"""The written summary at the top of the report, generated from the numbers: score, rank and its
change, group, place in the region, the largest gaps to the best province with the agencies that own
them, and what the least-effort plan to the next group needs. The sentences are the core's labels
(``summary.*`` in data/labels.csv), in Vietnamese or English.

Examples
--------
>>> import papikit as pk
>>> s = pk.summary("Đắk Lắk", 2023, lang="vi")
>>> s.startswith("Năm 2023, Đắk Lắk đạt 42,3265 điểm tổng hợp PAPI, xếp hạng 31/61")
True
>>> "42.3265 points" in pk.summary("Đắk Lắk", 2023)
True
"""

from __future__ import annotations

from typing import Any

import polars as pl

from papikit import _core
from papikit._display import Lang, check_lang
from papikit._format import number
from papikit._rules import GROUP_KEYS, dimension_label, group_index, group_label, label
from papikit.analysis import Gaps, Profile, gaps, profile
from papikit.registry import Province, province_arg
from papikit.simulation import Plan, optimize
from papikit.targets import Group, TargetRank, Year

__all__ = ["summary"]


def _s(key: str, lang: Lang, **kw: Any) -> str:
    return label(f"summary.{key}", lang, **kw)


def _dim(m: str, lang: Lang) -> str:
    return f"{m.upper()} {dimension_label(m, lang)}"


def _join(items: list[str], lang: Lang) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _s("gap_sep", lang).join(items[:-1]) + _s("gap_last", lang) + items[-1]


def next_target(p: Profile) -> Group | TargetRank | None:
    """The next performance group above the province (or the next rank inside the top group)."""
    t = p.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
    gi = group_index(t["group"])
    if gi > 0:
        return Group(GROUP_KEYS[gi - 1])
    return TargetRank(t["rank"] - 1) if t["rank"] > 1 else None


def target_text(target: Group | TargetRank, lang: Lang) -> str:
    """ "the High average group" / "nhóm Trung bình cao", "rank 14" / "hạng 14"."""
    if isinstance(target, Group):
        return label("report.group_target", lang, grp=group_label(target.name, lang))
    return label("report.rank_target", lang, k=target.rank)


def _se_source(g: Gaps, lang: Lang) -> str:
    return _s("se_model" if g.se_source == "model-based" else "se_table", lang)


def change_noise(prof: Profile, lang: Lang, *, level: float = 0.95) -> str | None:
    """Whether the total's change since the year before is within noise: the gap to the
    province's own previous year (:func:`papikit.gaps` with ``against=pk.Year(prev)``) carries the
    SE of the change (the two years' SEs combined as independent samples; model-based for published
    scores), its ``level`` CI and ``significant``. None where the total has no comparable previous
    year or no SE."""
    if prof.previous_year is None:
        return None
    try:
        g = gaps(prof.province_code, prof.year, against=Year(prof.previous_year), level=level, lang=lang)
    except _core.PapiError:
        return None
    row = g.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
    if row["gap"] is None or row["significant"] is None or row["ci_low"] is None or row["ci_high"] is None:
        return None
    # gap = previous - own; the change is its negative, and so is its interval
    return _s(
        "change_sig" if row["significant"] else "change_ns",
        lang,
        change=number(-row["gap"], lang=lang, sign=True),
        level=number(100 * level, 0, lang=lang),
        lo=number(-row["ci_high"], lang=lang, sign=True),
        hi=number(-row["ci_low"], lang=lang, sign=True),
        source=_se_source(g, lang),
    )


def _gap_noise(significant: bool | None, lang: Lang) -> str:
    return _s("gap_na" if significant is None else "gap_sig" if significant else "gap_ns", lang)


def summary_text(
    prof: Profile,
    best: Gaps,
    agency: pl.DataFrame,
    plan: Plan | None,
    target: Group | TargetRank | None,
    *,
    lang: Lang,
    top: int = 2,
) -> str:
    """The summary paragraph from results already computed (the report's)."""
    t = prof.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
    name = prof.province
    parts = [
        _s(
            "lead",
            lang,
            year=prof.year,
            name=name,
            score=number(t["score"], lang=lang),
            rank=t["rank"],
            n=t["n_ranked"],
            group=t["group"],
            rank_region=t["rank_region"],
            n_region=t["n_region"],
            region=prof.region or "-",
        )
    ]
    prev = prof.previous_year if prof.previous_year is not None else prof.year - 1
    if prof.previous_year is None or t["previous_score"] is None or t["previous_rank"] is None:
        parts.append(_s("no_prev", lang, prev=prev))
    elif not t["comparable_with_previous"]:
        parts.append(_s("not_comp", lang, prev=prev, year=prof.year))
    else:
        ch = t["change_points"]
        direction = _s("up" if ch > 0 else "down" if ch < 0 else "flat", lang)
        parts.append(
            _s(
                "change",
                lang,
                prev=prev,
                direction=direction,
                change=number(abs(ch), lang=lang),
                rank_prev=t["previous_rank"],
                rank=t["rank"],
                places=f"{t['change_places']:+d}",
            )
        )
        noise = change_noise(prof, lang)
        if noise is not None:
            parts.append(noise)
    table = best.to_polars()
    dims = table.filter((pl.col("level") == "dimension") & (pl.col("gap") > 0)).sort("gap", descending=True)
    items = []
    for r in dims.head(top).iter_rows(named=True):
        # the agency view is by dimension or, for a table with sub-dimensions, by sub-dimension
        below = table.filter(pl.col("parent") == r["measure"])["measure"].to_list()
        own = agency.filter(pl.col("measure").is_in([r["measure"], *below]))
        lead = own.filter(pl.col("role") == "lead")
        names = (lead if lead.height else own)["agency"].unique(maintain_order=True).to_list()
        items.append(
            _s(
                "gap_item",
                lang,
                dim=_dim(r["measure"], lang),
                gap=number(r["gap"], lang=lang),
                noise=_gap_noise(r.get("significant"), lang),
                agencies=", ".join(names),
            )
        )
    if items:
        parts.append(_s("gaps", lang, ref=best.reference_province or "-", items=_join(items, lang)))
    if target is None:
        parts.append(_s("plan_top", lang, name=name))
    elif plan is None:
        parts.append(_s("plan_none", lang, target=target_text(target, lang)))
    elif plan.required_gain <= 0 and not any(g > 0 for _, g in plan.gains):
        # the others' projected movement alone puts the province in the target: no gain is needed
        parts.append(
            _s(
                "plan_free",
                lang,
                name=name,
                target=target_text(target, lang),
                others=_s(f"others_{plan.others}", lang),
                before=number(plan.total_before, lang=lang),
                after=number(plan.total_after, lang=lang),
                rank_before=plan.rank_before,
                rank_after=plan.rank_after,
                n=plan.n_ranked,
            )
        )
    else:
        gains = sorted(plan.gains, key=lambda kv: -kv[1])
        axes = ", ".join(f"{_dim(m, lang)} {number(g, lang=lang, sign=True)}" for m, g in gains[:3] if g > 0)
        parts.append(
            _s(
                "plan",
                lang,
                target=target_text(target, lang),
                others=_s(f"others_{plan.others}", lang),
                gain=number(plan.required_gain, lang=lang),
                axes=axes or "-",
                before=number(plan.total_before, lang=lang),
                after=number(plan.total_after, lang=lang),
                rank_before=plan.rank_before,
                rank_after=plan.rank_after,
                n=plan.n_ranked,
            )
        )
    return " ".join(parts)


def _plan(code: str, year: int, target: Group | TargetRank, others: str, lang: Lang) -> Plan | None:
    """The least-effort plan with the others moving as ``others`` says; where their movement cannot
    be projected (a province without the earlier scores a trend needs), with the others staying."""
    try:
        return optimize(code, year, target=target, others=others, lang=lang)  # type: ignore[arg-type]
    except _core.InfeasibleError:
        return None
    except _core.NoDataError:
        if others == "stay":
            raise
        return _plan(code, year, target, "stay", lang)


def summary(
    province: str | int | Province,
    year: int,
    *,
    others: str = "trend",
    lang: Lang = "en",
) -> str:
    """A paragraph summing up a province's PAPI year from the numbers (the report's first lines).

    Score, rank n/N, group and regional place; the change since the year before (or why it is not
    comparable); the two largest gaps to the best province and the agencies that lead on them
    (:func:`papikit.agencies`); what the least-effort plan to the next group needs with the other
    provinces moving as ``others`` says (``"trend"``: their recent trend, the realistic default).

    Examples
    --------
    >>> import papikit as pk
    >>> s = pk.summary("Đắk Lắk", 2023, lang="vi")
    >>> "Thừa Thiên Huế" in s and "Trung bình cao" in s
    True
    """
    lang = check_lang(lang)
    code = province_arg(province)
    prof = profile(code, year, lang=lang)
    best = gaps(code, year, against="best", lang=lang)
    target = next_target(prof)
    plan = None
    if target is not None:
        plan = _plan(code, year, target, others, lang)
    return summary_text(prof, best, best.by_agency(), plan, target, lang=lang)
