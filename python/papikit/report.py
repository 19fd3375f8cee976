"""The province report: one self-contained HTML file (charts embedded as PNG) with the headline
figures, at least six charts, the gap tables by dimension and by agency, the marginal-value table
and the optimiser's cheapest plan to the next performance group.

From the command line::

    python -m papikit report "Đắk Lắk" --year 2023 --lang vi --out report.html

Examples
--------
>>> import papikit as pk
>>> html = pk.report_html("Đắk Lắk", year=2023, progress=False)
>>> "42.3265" in html, "31/61" in html, html.count("data:image/png;base64,") >= 6
(True, True, True)
>>> vi = pk.report_html("Đắk Lắk", year=2023, lang="vi", progress=False)
>>> "42,3265" in vi, pk.cite(2023, lang="vi", short=True) in vi
(True, True)
"""

from __future__ import annotations

import base64
import html as _html
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import polars as pl

from papikit import _core, _rules
from papikit._display import Lang, check_lang, group_colour
from papikit._files import guarded
from papikit._format import Config, number
from papikit._progress import Progress, as_progress
from papikit._rules import GROUP_KEYS, LAST_YEAR, dimension_label, group_index, group_label, label
from papikit.analysis import Profile, gaps, profile
from papikit.published import published
from papikit.registry import Province
from papikit.registry import province as _find
from papikit.simulation import Plan, optimize, sensitivity, simulate
from papikit.targets import Group, TargetRank

__all__ = ["report", "report_html"]

T = TypeVar("T")

_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:1100px;margin:2em auto;color:#222;padding:0 1em}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #2c7fb8;padding-bottom:.2em;margin-top:1.6em}
.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}
.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;min-width:150px}
.card .k{font-size:.8em;color:#666}.card .v{font-size:1.5em;font-weight:bold}
figure{margin:1em 0;text-align:center}figure img{max-width:100%}figcaption{font-size:.9em;color:#555}
table.papikit{border-collapse:collapse;font-size:.85em;margin:.6em 0}
table.papikit th,table.papikit td{border:1px solid #ddd;padding:3px 6px;text-align:right}
table.papikit th{background:#f0f4f8}table.papikit caption{text-align:left;font-weight:bold;padding:.3em 0}
.note{font-size:.85em;color:#555}.summary{font-size:1.05em;line-height:1.5;background:#f6f8fa;padding:.6em 1em;border-left:4px solid #2c7fb8}.cite{font-size:.85em;color:#444}footer{margin-top:2em;font-size:.8em;color:#777}
"""


def _t(key: str, lang: Lang, **kw: Any) -> str:
    return label(f"report.{key}", lang, **kw)


def _esc(s: object) -> str:
    return _html.escape(str(s))


def _png_bytes(ax: Any, dpi: int = 96) -> bytes:
    from papikit.plot import close

    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    close(ax)
    return buf.getvalue()


def _png(ax: Any, dpi: int = 96) -> str:
    return base64.b64encode(_png_bytes(ax, dpi)).decode("ascii")


def _table(df: pl.DataFrame, *, lang: Lang, title: str | None = None, digits: int = 4) -> str:
    """A compact HTML table: all-null columns dropped, headers in the report's language."""
    from papikit._display import frame_html

    other_name = _rules.PROVINCE_NAME_EN if lang == "vi" else _rules.PROVINCE_NAME
    keep = [c for c in df.columns if df[c].null_count() < df.height and c != other_name]
    df = df.select(keep)
    return frame_html(df, title=title, max_rows=100, digits=digits, lang=lang)


_AGENCY_COLS = (
    "agency",
    "role",
    "measure",
    "measure_name",
    "gap",
    "share_of_total_gap",
    "n_agencies_sharing",
    "agency_share_of_total_gap",
)


def _fig(b64: str, caption: str) -> str:
    return (
        f'<figure><img src="data:image/png;base64,{b64}" alt="{_esc(caption)}">'
        f"<figcaption>{_esc(caption)}</figcaption></figure>"
    )


class _Steps:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def run(self, label: str, fn: Callable[[], T]) -> T:
        if self.progress is not None:
            self.progress.step(label)
        try:
            return fn()
        finally:
            if self.progress is not None:
                self.progress.done()


def _total(p: Profile) -> dict[str, Any]:
    row: dict[str, Any] = p.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
    return row


def _footer(year: int, lang: Lang, d: str) -> str:
    """The footer: the data's origin (the loaded file for a year loaded with pk.load_published)."""
    src = _core.loaded_source(year)
    if src is None:
        return _t("footer", lang, v=_core.__version__, d=d)
    return _t("footer_loaded", lang, v=_core.__version__, d=d, year=year, src=src)


def _composition_note(p: Profile, lang: Lang) -> str:
    """Across the 2025 merger: the year-on-year change uses a merged baseline (composition changed)."""
    if not p.composition_changed or p.previous_year is None:
        return ""
    return f'<p class="note">{_esc(_t("composition_changed", lang, prev=p.previous_year, name=p.province))}</p>'


def _headline(p: Profile, lang: Lang) -> str:
    """Headline cards of a :func:`papikit.profile`: score, rank, group, regional rank and the
    year-on-year change where the profile calls the total comparable with the year before."""
    t = _total(p)
    cards = [
        (_t("score", lang), number(t["score"], lang=lang)),
        (_t("rank", lang), f"{t['rank']}/{t['n_ranked']}"),
        (_t("group", lang), t["group"]),
        (f"{_t('region_rank', lang)} ({p.region})", f"{t['rank_region']}/{t['n_region']}"),
    ]
    prev = p.previous_year if p.previous_year is not None else p.year - 1
    if p.previous_year is None or t["previous_score"] is None or t["previous_rank"] is None:
        cards.append((_t("yoy", lang, prev=prev), _t("no_prev", lang)))
    elif not t["comparable_with_previous"]:
        cards.append((_t("yoy", lang, prev=prev), _t("not_comp", lang, year=p.year)))
    else:
        change = number(t["change_points"], lang=lang, sign=True)
        yoy = f"{change} {_t('points', lang)}, {t['change_places']:+d} {_t('places', lang)}"
        cards.append((_t("yoy", lang, prev=prev), yoy))
    out = []
    for i, (k, v) in enumerate(cards):
        colour = group_colour(t["group"]) or "#ccc"
        style = f' style="border-left:6px solid {colour}"' if i == 2 else ""
        out.append(f'<div class="card"{style}><div class="k">{_esc(k)}</div><div class="v">{_esc(v)}</div></div>')
    return '<div class="cards">' + "".join(out) + "</div>"


def _target_for(p: Profile, lang: Lang) -> tuple[Group | TargetRank | None, str]:
    t = _total(p)
    gi = group_index(t["group"])
    if gi > 0:
        nxt = GROUP_KEYS[gi - 1]
        return Group(nxt), _t("group_target", lang, grp=group_label(nxt, lang))
    if t["rank"] > 1:
        return TargetRank(t["rank"] - 1), _t("rank_target", lang, k=t["rank"] - 1)
    return None, ""


def _dims_table(p: Profile, lang: Lang) -> pl.DataFrame:
    """Dimensions then the total: score, rank n/N, national median, best (province), vs median."""
    t = p.to_polars()
    t = pl.concat(
        [
            t.filter((pl.col("measure") != "total") & pl.col("score").is_not_null()),
            t.filter(pl.col("measure") == "total"),
        ]
    )
    names = [
        f"{m.upper()} {dimension_label(m, lang)}" if m != "total" else dimension_label(m, lang)
        for m in t["measure"].to_list()
    ]
    return t.select(
        pl.Series("measure", names),
        "score",
        pl.format("{}/{}", pl.col("rank"), pl.col("n_ranked")).alias("rank"),
        "national_median",
        "best",
        "best_province",
        "vs_median",
    )


def _last_plan_section(code: int, year: int, lang: Lang) -> list[str]:
    """ "Last year's plan": the cheapest sub-dimension plan on ``year - 1`` to the then-next group
    (the rule of this report's own plan), set against ``year`` by :func:`papikit.review` — planned
    gain vs realised change per axis, with the responsible agencies. Texts from the label table."""
    from papikit.review import review

    prev = year - 1
    head = f"<h2>{_esc(_t('t_last_plan', lang, prev=prev, year=year))}</h2>"
    try:
        target, target_txt = _target_for(profile(code, prev, lang=lang), lang)
        if target is None:
            return [head, f"<p>{_esc(_t('plan_top', lang, name=_find(code).name(lang)))}</p>"]
        plan = optimize(code, prev, target=target, level="subdimension", lang=lang)
        r = review(code, year, plan=plan, lang=lang)
    except _core.PapiError as e:
        return [head, f"<p>{_esc(_t('no_last_plan', lang, msg=str(e)))}</p>"]
    assert r.plan is not None and r.plan_sentence is not None
    cols = ["level", "number", "name", "planned", "realised", "difference", "reached", "agencies"]
    return [
        head,
        f'<p class="note">{_esc(_t("last_plan_note", lang, prev=prev, year=year, target=target_txt))}</p>',
        f"<p>{_esc(r.plan_sentence)}</p>",
        f"<p>{_esc(r.sentence)}</p>",
        _table(r.plan.select(cols), lang=lang),
    ]


def report_charts(
    prof: Profile,
    code: int,
    year: int,
    lang: Lang,
    *,
    year_df: pl.DataFrame,
    panel: pl.DataFrame,
    peers: list[int],
    gaps_best: Any,
    plan: Plan | None,
) -> list[tuple[bytes, str]]:
    """The province report's charts as (PNG bytes, caption), in report order: radar, dimension
    bars, rank caterpillar, gap waterfall to the best, trend, tile map and (with a plan) the
    before/after of the plan. Shared by the HTML report (:func:`report_html`, inline images) and the
    workbook (:func:`papikit.excel.report_excel`, the charts sheet)."""
    import papikit.plot as pkp

    name = _find(code).name(lang)
    ref = gaps_best.reference_province or ""
    out: list[tuple[bytes, str]] = []
    n_dims = prof.to_polars().filter((pl.col("level") == "dimension") & pl.col("score").is_not_null()).height
    out.append((_png_bytes(pkp.radar(year_df, code, peers=peers[:4], lang=lang)), _t("c_radar", lang, n=n_dims)))
    out.append((_png_bytes(pkp.dimension_bars(year_df, code, lang=lang)), _t("c_bars", lang)))
    out.append((_png_bytes(pkp.rank_caterpillar(year_df, code, lang=lang)), _t("c_cat", lang, name=name)))
    wf = pkp.gap_waterfall(gaps_best, lang=lang, title=f"{name} → {ref}")
    out.append((_png_bytes(wf), _t("c_wf", lang, ref=ref)))
    y0 = int(panel["year"].min())  # type: ignore[arg-type]
    tr = pkp.trend(panel.filter(pl.col("year") <= year), [code, *peers[:2]], lang=lang)
    out.append((_png_bytes(tr), _t("c_trend", lang, y0=y0, y1=year)))
    out.append((_png_bytes(pkp.tile_map(year_df, highlight=code, lang=lang), dpi=80), _t("c_tile", lang, year=year)))
    if plan is not None:
        sim = simulate(year, {code: dict(plan.gains)}, lang=lang).to_polars()
        near = sim.filter(
            (pl.col("rank_before") >= plan.rank_after - 3) & (pl.col("rank_before") <= plan.rank_before + 2)
            | (pl.col(_rules.PROVINCE_CODE) == code)
        )
        out.append((_png_bytes(pkp.before_after(near, highlight=code, lang=lang)), _t("c_plan", lang, name=name)))
    return out


@dataclass(frozen=True)
class ReportResults:
    """What the province report is built from (HTML and Excel alike): the profile, the year's and all
    years' published tables, the regional peers, the gaps to the best (and to the next group), the
    agency view, the marginal values and the least-effort plan to the next group (``infeasible``:
    why there is none)."""

    prof: Profile
    p: Province
    name: str
    year_df: pl.DataFrame
    panel: pl.DataFrame
    peers: list[int]
    g_best: Any
    agency: pl.DataFrame
    target: Group | TargetRank | None
    target_txt: str
    g_next: Any
    sens: Any
    plan: Plan | None
    infeasible: str | None


def report_results(
    province: str | int | Province,
    *,
    year: int,
    lang: Lang,
    steps: _Steps,
    agencies: pl.DataFrame | str | None = None,
) -> ReportResults:
    """Compute everything the report shows, once, as named steps (see :class:`ReportResults`)."""
    prof = steps.run("profile", lambda: profile(province, year, lang=lang))
    p = _find(prof.province_code)
    year_df = published(year, lang=lang)
    peers = [
        c
        for c in year_df.filter((pl.col("region") == prof.region) & pl.col("total").is_not_null())[_rules.PROVINCE_CODE]
        if c != p.code
    ]
    g_best = steps.run("gaps", lambda: gaps(p.code, year, against="best", lang=lang))
    agency = steps.run("agency view", lambda: g_best.by_agency(agencies))
    target, target_txt = _target_for(prof, lang)
    g_next = None
    if isinstance(target, Group):
        tgt = target
        g_next = steps.run("gaps to next group", lambda: gaps(p.code, year, against=tgt, lang=lang))
    sens = steps.run("marginal values", lambda: sensitivity(p.code, year, lang=lang, progress=False))
    plan: Plan | None = None
    infeasible: str | None = None
    if target is not None:
        tg = target
        try:
            plan = steps.run("optimiser", lambda: optimize(p.code, year, target=tg, lang=lang, progress=False))
        except _core.InfeasibleError as e:
            infeasible = str(e)
    return ReportResults(
        prof,
        p,
        p.name(lang),
        year_df,
        published(lang=lang),
        peers,
        g_best,
        agency,
        target,
        target_txt,
        g_next,
        sens,
        plan,
        infeasible,
    )


def report_html(
    province: str | int | Province,
    *,
    year: int = LAST_YEAR,
    lang: Lang = "en",
    progress: bool | Progress = True,
    decimal: str | None = None,
    agencies: pl.DataFrame | str | None = None,
) -> str:
    """The province report as one self-contained HTML string (see :func:`report`)."""
    lang = check_lang(lang)
    if decimal is not None:
        with Config(decimal=decimal, thousands="," if decimal == "." else "."):
            return report_html(province, year=year, lang=lang, progress=progress)
    prog = as_progress(progress, total=7, desc="papikit report")  # a bar on a terminal/notebook
    steps = _Steps(prog)
    r = report_results(province, year=year, lang=lang, steps=steps, agencies=agencies)
    prof, p, name, year_df, panel, peers = r.prof, r.p, r.name, r.year_df, r.panel, r.peers
    g_best, agency, target, target_txt, g_next, sens, plan = (
        r.g_best,
        r.agency,
        r.target,
        r.target_txt,
        r.g_next,
        r.sens,
        r.plan,
    )
    g_table = g_best.to_polars()
    ref = g_best.reference_province or ""
    plan_msg = ""
    if target is None:
        plan_msg = _t("plan_top", lang, name=name)
    elif r.infeasible is not None:
        plan_msg = _t("infeasible", lang, msg=r.infeasible)

    def charts() -> list[str]:
        pngs = report_charts(
            prof, p.code, year, lang, year_df=year_df, panel=panel, peers=peers, gaps_best=g_best, plan=plan
        )
        return [_fig(base64.b64encode(png).decode("ascii"), caption) for png, caption in pngs]

    figures = steps.run("charts", charts)
    if prog is not None:
        prog.close()

    parts: list[str] = []
    parts.append(f"<h1>{_esc(name)} — {_esc(_t('title', lang, year=year))}</h1>")
    parts.append(_headline(prof, lang))
    parts.append(_composition_note(prof, lang))
    from papikit.summary import _plan, summary_text

    realistic = plan
    if target is not None:
        tg2 = target  # the summary's plan: the other provinces keep their recent trend
        realistic = steps.run(
            "optimiser (others follow their trend)", lambda: _plan(str(p.code), year, tg2, "trend", lang)
        )
    summary_par = summary_text(prof, g_best, agency, realistic, target, lang=lang)
    parts.append(f'<p class="summary">{_esc(summary_par)}</p>')
    parts.append(f'<p class="cite">{_esc(_core.citation(year, lang=lang, short=True))}</p>')
    parts.append(f"<h2>{_esc(_t('t_dims', lang))}</h2>")
    parts.append(_table(_dims_table(prof, lang), lang=lang))
    parts.append(f"<h2>{_esc(_t('charts', lang))}</h2>")
    parts.extend(figures)
    parts.append(f"<h2>{_esc(_t('t_gap_best', lang, ref=ref))}</h2>")
    parts.append(_table(g_table, lang=lang))
    if g_next is not None:
        nxt = GROUP_KEYS[group_index(_total(prof)["group"]) - 1]
        parts.append(f"<h2>{_esc(_t('t_gap_next', lang, grp=group_label(nxt, lang)))}</h2>")
        parts.append(_table(g_next.to_polars(), lang=lang))
    parts.append(f"<h2>{_esc(_t('t_agency', lang))}</h2>")
    parts.append(_table(agency.select(_AGENCY_COLS), lang=lang))
    parts.append(f'<p class="note">{_esc(_t("agency_note", lang))}</p>')
    parts.append(f"<h2>{_esc(_t('t_marginal', lang))}</h2>")
    parts.append(_table(sens.to_polars(), lang=lang))
    parts.append(_table(sens.thresholds, lang=lang, title=_t("t_thresholds", lang)))
    parts.append(f"<h2>{_esc(_t('t_plan', lang, target=target_txt or '-'))}</h2>")
    if plan is not None:
        parts.append(
            "<p>"
            + _esc(
                _t(
                    "plan_summary",
                    lang,
                    gain=number(plan.required_gain, lang=lang),
                    cost=number(plan.total_cost, lang=lang),
                    before=number(plan.total_before, lang=lang),
                    rb=plan.rank_before,
                    after=number(plan.total_after, lang=lang),
                    ra=plan.rank_after,
                    n=plan.n_ranked,
                    grp=plan.group_after or "-",
                )
            )
            + "</p>"
        )
        parts.append(_table(plan.plan_table(lang=lang), lang=lang))
    else:
        parts.append(f"<p>{_esc(plan_msg)}</p>")
    parts.extend(steps.run("last year's plan", lambda: _last_plan_section(p.code, year, lang)))
    from papikit._format import date as _date

    parts.append(f"<h2>{_esc(label('cite.heading', lang))}</h2>")
    parts.append(f'<p class="cite">{_esc(_core.citation(year, lang=lang))}</p>')
    parts.append("<footer>" + _esc(_footer(year, lang, _date(lang=lang))) + "</footer>")
    title = f"{name} — {_t('title', lang, year=year)}"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def report(
    province: str | int | Province,
    *,
    year: int = LAST_YEAR,
    lang: Lang = "en",
    out: str | os.PathLike[str] | None = None,
    progress: bool | Progress = True,
    decimal: str | None = None,
    format: Literal["html", "xlsx"] | None = None,
    agencies: pl.DataFrame | str | None = None,
) -> Path:
    """Write the province report: one self-contained HTML file (charts embedded) and return its path.

    Contents: headline score, rank n/N, group, regional rank and year-on-year change; a written
    summary generated from the numbers (:func:`papikit.summary`) and the source's citation
    (:func:`papikit.cite`, also in full at the end); the dimension
    table; charts (radar, dimension bars, rank caterpillar, gap waterfall, trend with structural
    breaks, tile map, before/after of the plan); the gap tables by dimension (to the best province
    and to the next group) and by agency; the marginal-value table; the optimiser's cheapest plan to
    the next performance group (competitors fixed, unit costs, caps at the best observed score).

    Nothing is written when the province or year is unknown or the province has no score that year
    (the error names the culprit). ``progress``: a progress bar on a terminal or in a notebook
    (silent when stderr is not a terminal, or with ``False``).

    ``format="xlsx"`` writes the same report as an Excel workbook instead
    (:func:`papikit.excel.report_excel`: a sheet per table, charts on a "Charts" sheet, sources);
    by default the format follows ``out``'s suffix (``.xlsx``), else HTML.

    Parameters
    ----------
    province
        Name (any spelling, with or without diacritics) or GSO code.
    year
        PAPI year (default: the last published year, ``pk.LAST_YEAR``).
    lang
        "en" or "vi".
    decimal
        Decimal separator to use instead of the language's own (Vietnamese ``43,0102``, English
        ``43.0102``); the thousands separator becomes the other of "," and ".". See also
        :class:`papikit.Config`.
    out
        Output path (default ``papi_<code>_<year>_<lang>.html`` in the working directory; a directory
        gets that name inside it).
    agencies
        The agency table of the agency view (a DataFrame or CSV path, as :func:`papikit.agencies`
        reads it); default: the built-in plan's agencies, their 2025 successors from 2025.

    Examples
    --------
    >>> import papikit as pk, tempfile, os
    >>> path = pk.report("Đắk Lắk", year=2023, out=os.path.join(tempfile.mkdtemp(), "r.html"), progress=False)
    >>> path.name, "31/61" in path.read_text(encoding="utf-8")
    ('r.html', True)
    """
    fmt = (
        format
        if format is not None
        else ("xlsx" if out is not None and Path(out).suffix.lower() == ".xlsx" else "html")
    )
    if fmt == "xlsx":
        from papikit.excel import report_excel

        if decimal is not None:
            with Config(decimal=decimal, thousands="," if decimal == "." else "."):
                return report_excel(province, year=year, lang=lang, out=out, progress=progress, agencies=agencies)
        return report_excel(province, year=year, lang=lang, out=out, progress=progress, agencies=agencies)
    if fmt != "html":
        raise _core.InvalidArgumentError(f'invalid value for format: {format!r}; use "html" or "xlsx"')
    html = report_html(province, year=year, lang=lang, progress=progress, decimal=decimal, agencies=agencies)
    p = _find(province)
    default = f"papi_{p.code:02d}_{year}_{lang}.html"
    path = Path(out) if out is not None else Path(default)
    if path.is_dir():
        path = path / default
    # Atomic: the report goes to a temporary file beside ``path`` and is renamed over it only when
    # complete, so a failed write (disk full, I/O error) leaves no half-written report and keeps an
    # earlier one intact. Every OS error of the write is a FileError naming ``path``.
    with guarded(path, "write"):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".papikit-", suffix=".html", dir=path.parent)
    try:
        with guarded(path, "write"):
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(html)
                f.flush()
                os.fsync(f.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the report normal file permissions
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
