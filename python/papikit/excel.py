"""Excel workbooks (.xlsx, written with polars' ``DataFrame.write_excel`` through xlsxwriter).

* ``result.to_excel(path)`` on every result object (profile, gaps with the agency view, review,
  simulation, sensitivity, plan, success probability, survey results, merged units);
* :func:`write_excel` for any polars table (e.g. ``pk.published(2023)``), several tables or a result;
* :func:`report_excel`: the province report as one workbook (``papikit report ... --format xlsx``).

Every workbook has one sheet per table with its header row frozen; headers in English (the column
names of ``to_polars()``) or Vietnamese (``lang="vi"``), both read from the core's label table;
numbers stored as numbers (scores shown with 4 decimals, shares and probabilities as percentages,
ranks as whole numbers with ``rank/number ranked`` as text in the column beside, e.g. "31/61");
column widths fitted to the text, Vietnamese included; and a "Nguồn"/"Sources" sheet with the
provenance. The report adds its charts as PNG images on a "Biểu đồ"/"Charts" sheet. The file is
written to a temporary file beside the target and renamed into place, so an error leaves no
half-written workbook.

Needs ``xlsxwriter`` (``pip install 'papikit[excel]'``).

Examples
--------
>>> import papikit as pk, tempfile, os
>>> d = tempfile.mkdtemp()
>>> pk.gaps("Đắk Lắk", 2023).to_excel(os.path.join(d, "gaps.xlsx"), lang="vi").name
'gaps.xlsx'
>>> pk.write_excel(pk.published(2023), os.path.join(d, "papi2023.xlsx")).suffix
'.xlsx'
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import os
import struct
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from papikit import _core
from papikit._display import Lang, check_lang
from papikit._progress import Progress, as_progress
from papikit._rules import LAST_YEAR, label
from papikit.registry import Province

__all__ = ["report_excel", "write_excel"]


#: (rank column, number-ranked column): the text column ``<rank>_of_n`` ("31/61") goes beside the rank.
RANK_PAIRS: tuple[tuple[str, str], ...] = (
    ("rank", "n_ranked"),
    ("rank_region", "n_region"),
    ("previous_rank", "previous_n_ranked"),
    ("rank_before", "n_before"),
    ("rank_after", "n_after"),
)
#: Number formats: decimals for scores and other reals, percent for shares and probabilities.
SCORE_FORMAT = "0.0000"
PERCENT_FORMAT = "0.00%"
INTEGER_FORMAT = "0"
_MAX_CHARS = 60
_HEADER_CHARS = 24  # longer headers wrap onto a second line


def _is_percent(column: str) -> bool:
    return "share" in column or column.startswith("p_") or column.startswith("probability")


def _need_xlsxwriter() -> Any:
    try:
        import xlsxwriter  # type: ignore[import-untyped]
    except ModuleNotFoundError as e:
        raise _core.InvalidArgumentError(
            "writing Excel needs xlsxwriter: pip install 'papikit[excel]' (or pip install xlsxwriter)"
        ) from e
    return xlsxwriter


def _x(key: str, lang: Lang, **kw: Any) -> str:
    return label(f"excel.{key}", lang, **kw)


@dataclass
class Book:
    """What a workbook holds: sheets (name, table), charts (PNG bytes, caption), sources (item, text)."""

    sheets: list[tuple[str, pl.DataFrame]] = field(default_factory=list)
    charts: list[tuple[bytes, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)


# ----------------------------------------------------------------------------------------- tables


def _prepare(df: pl.DataFrame) -> pl.DataFrame:
    """Cells Excel can hold (lists joined, nested/Null/object as text) and rank text columns."""
    fixes = []
    for c, dt in df.schema.items():
        if isinstance(dt, pl.List):
            fixes.append(pl.col(c).cast(pl.List(pl.String)).list.join(", ").alias(c))
        elif dt == pl.Null or isinstance(dt, (pl.Struct, pl.Array, pl.Object, pl.Categorical, pl.Enum)):
            fixes.append(pl.col(c).cast(pl.String, strict=False).alias(c))
        elif isinstance(dt, pl.Decimal):
            fixes.append(pl.col(c).cast(pl.Float64).alias(c))
    if fixes:
        df = df.with_columns(fixes)
    cols: list[pl.Expr] = []
    for c in df.columns:
        cols.append(pl.col(c))
        pair = next((n for r, n in RANK_PAIRS if r == c), None)
        if pair is not None and pair in df.columns and df.schema[c].is_integer() and f"{c}_of_n" not in df.columns:
            both = pl.col(c).is_not_null() & pl.col(pair).is_not_null()
            cols.append(pl.when(both).then(pl.format("{}/{}", pl.col(c), pl.col(pair))).alias(f"{c}_of_n"))
    return df.select(cols)


def _headers(columns: list[str], lang: Lang) -> dict[str, str]:
    """Column -> header in ``lang`` (the core's ``column.*`` labels; unknown names pass through);
    headers are made unique (Excel tables need unique headers)."""
    heads = _core.labels_section("column", lang)
    out: dict[str, str] = {}
    used: set[str] = set()
    for c in columns:
        h = heads.get(c, c)
        if h.casefold() in used:
            h = f"{h} ({c})"
        used.add(h.casefold())
        out[c] = h
    return out


def _chars(text: str) -> int:
    """Width of ``text`` in characters (Vietnamese letters composed: one character each)."""
    return len(unicodedata.normalize("NFC", text))


def _cell_text(v: Any, fmt: str | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if not math.isfinite(v):
            return "#NUM!"
        return f"{v * 100:.2f}%" if fmt == PERCENT_FORMAT else f"{v:.4f}"
    return str(v)


def _number_format(column: str, dtype: pl.DataType) -> str | None:
    if dtype.is_float():
        return PERCENT_FORMAT if _is_percent(column) else SCORE_FORMAT
    if dtype.is_integer():
        return INTEGER_FORMAT
    return None


def _width_chars(header: str, s: pl.Series, fmt: str | None) -> tuple[int, int]:
    """(column width, header lines) in characters: the longest cell (up to 60) and the header,
    which wraps after 24 characters."""
    cells = [_chars(_cell_text(v, fmt)) for v in s.head(5000).to_list()]
    longest = min(max(cells, default=0), _MAX_CHARS)
    head = _chars(header)
    width = max(longest, min(head, _HEADER_CHARS), 4) + 2
    lines = max(1, math.ceil(head / max(width - 1, 1)))
    return width, lines


def _write_table(wb: Any, name: str, df: pl.DataFrame, lang: Lang) -> None:
    df = _prepare(df)
    heads = _headers(df.columns, lang)
    formats = {c: _number_format(c, dt) for c, dt in df.schema.items()}
    sizes = {c: _width_chars(heads[c], df[c], formats[c]) for c in df.columns}
    out = df.rename(heads)
    out.write_excel(
        workbook=wb,
        worksheet=name,
        column_formats={heads[c]: f for c, f in formats.items() if f is not None},
        header_format={"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DCE6F1"},
        table_style="Table Style Light 1",
        autofilter=True,
        freeze_panes=(1, 0),
        float_precision=4,
    )
    ws = wb.get_worksheet_by_name(name)
    for i, c in enumerate(df.columns):
        ws.set_column(i, i, sizes[c][0])
    lines = max((n for _, n in sizes.values()), default=1)
    ws.set_row(0, 15 * lines + 3)


def _png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    w, h = struct.unpack(">II", png[16:24])
    return int(w), int(h)


def _write_charts(wb: Any, name: str, charts: list[tuple[bytes, str]]) -> None:
    ws = wb.add_worksheet(name)
    bold = wb.add_format({"bold": True, "font_size": 12})
    row = 0
    for i, (png, caption) in enumerate(charts):
        ws.write_string(row, 0, caption, bold)
        ws.insert_image(
            row + 1,
            0,
            f"chart{i + 1}.png",
            {"image_data": io.BytesIO(png), "object_position": 1, "description": caption},
        )
        row += 3 + math.ceil(_png_size(png)[1] / 20)
    ws.set_column(0, 0, 12)


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip().strip("'") or "Sheet"
    clean = clean[:31]
    base, k = clean, 2
    while clean.casefold() in used:
        suffix = f" {k}"
        clean = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(clean.casefold())
    return clean


def save(book: Book, path: str | os.PathLike[str], *, lang: Lang = "en") -> Path:
    """Write ``book`` to ``path`` (.xlsx) atomically: a temporary file beside it, renamed into place."""
    lang = check_lang(lang)
    xlsxwriter = _need_xlsxwriter()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".papikit-", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {"nan_inf_to_errors": True})
        try:
            used: set[str] = set()
            for name, df in book.sheets:
                if df.width:
                    _write_table(wb, _sheet_name(name, used), df, lang)
            if book.charts:
                _write_charts(wb, _sheet_name(_x("sheet_charts", lang), used), book.charts)
            sources = pl.DataFrame(
                {"item": [k for k, _ in book.sources], "value": [v for _, v in book.sources]},
                schema={"item": pl.String, "value": pl.String},
            )
            _write_table(wb, _sheet_name(_x("sheet_sources", lang), used), sources, lang)
        finally:
            wb.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the workbook normal permissions
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# ---------------------------------------------------------------------------------------- results


def _common_sources(lang: Lang) -> list[tuple[str, str]]:
    return [
        (_x("src_data", lang), _x("src_data_text", lang)),
        (_x("src_ranks", lang), _x("src_ranks_text", lang)),
        (_x("src_numbers", lang), _x("src_numbers_text", lang)),
        (_x("src_tool", lang), f"papikit {_core.__version__}"),
        (_x("src_date", lang), _dt.date.today().isoformat()),
    ]


def _province_name(code: int, lang: Lang) -> str:
    from papikit.registry import province

    return province(code).name(lang)


def book_of(obj: Any, *, lang: Lang) -> Book:
    """The sheets and sources of a result object, a table or a ``{sheet name: table}`` mapping."""
    from papikit.analysis import Gaps, Merged, Profile
    from papikit.review import Review
    from papikit.simulation import Plan, Sensitivity, Simulation, SuccessProbability
    from papikit.survey import SurveyResult

    def src(key: str, value: object) -> tuple[str, str]:
        return (_x(key, lang), str(value))

    if isinstance(obj, pl.DataFrame):
        return Book([(_x("sheet_table", lang), obj)], [], [*_common_sources(lang)])
    if isinstance(obj, Mapping):
        sheets = []
        for k, v in obj.items():
            if not isinstance(v, pl.DataFrame):
                raise _core.InvalidArgumentError(
                    f"invalid value for sheet {k!r}: expected a polars DataFrame, got {type(v).__name__}"
                )
            sheets.append((str(k), v))
        return Book(sheets, [], [*_common_sources(lang)])
    res = _x("src_result", lang)
    if isinstance(obj, Profile):
        return Book(
            [(_x("sheet_profile", lang), obj.to_polars())],
            [],
            [
                (res, "pk.profile"),
                src("src_province", obj.province),
                src("src_year", obj.year),
                src("src_scores", obj.source),
                *_common_sources(lang),
            ],
        )
    if isinstance(obj, Gaps):
        return Book(
            [(_x("sheet_gaps", lang), obj.to_polars()), (_x("sheet_agencies", lang), obj.by_agency())],
            [],
            [
                (res, "pk.gaps"),
                src("src_province", obj.province),
                src("src_year", obj.year),
                src("src_reference", obj.against),
                src("src_scores", obj.source),
                *_common_sources(lang),
            ],
        )
    if isinstance(obj, Review):
        met = label("review.met" if obj.goal_met else "review.not_met", obj.lang)
        return Book(
            [(_x("sheet_review", lang), obj.measures), (_x("sheet_review_agencies", lang), obj.agencies)],
            [],
            [
                (res, "pk.review"),
                src("src_province", _province_name(obj.province_code, obj.lang)),
                src("src_year", f"{obj.previous_year} -> {obj.year}"),
                src("src_goal", f"{obj.goal}: {met}"),
                src("src_summary", obj.sentence),
                *_common_sources(lang),
            ],
        )
    if isinstance(obj, Simulation):
        return Book(
            [(_x("sheet_simulation", lang), obj.to_polars())],
            [],
            [(res, "pk.simulate"), src("src_year", obj.year), *_common_sources(lang)],
        )
    if isinstance(obj, Sensitivity):
        return Book(
            [(_x("sheet_marginal", lang), obj.to_polars()), (_x("sheet_thresholds", lang), obj.thresholds)],
            [],
            [
                (res, "pk.sensitivity"),
                src("src_province", _province_name(obj.province, lang)),
                src("src_year", obj.year),
                *_common_sources(lang),
            ],
        )
    if isinstance(obj, Plan):
        return Book(
            [(_x("sheet_plan_dims", lang), obj.plan_table(lang=obj.lang)), (_x("sheet_plan", lang), obj.to_polars())],
            [],
            [
                (res, "pk.optimize"),
                src("src_province", _province_name(obj.province, obj.lang)),
                src("src_year", obj.year),
                src("src_target", obj.target),
                src("src_method", obj.cost_model),
                *_common_sources(lang),
            ],
        )
    if isinstance(obj, SuccessProbability):
        return Book(
            [(_x("sheet_probability", lang), obj.to_polars())],
            [],
            [
                (res, f"pk.success_probability: P = {obj.probability:.4f}"),
                src("src_draws", obj.draws),
                src("src_seed", obj.seed),
                *_common_sources(lang),
            ],
        )
    if isinstance(obj, SurveyResult):
        return Book(
            [
                (_x("sheet_totals", lang), obj.totals),
                (_x("sheet_ranks", lang), obj.ranks("total")),
                (_x("sheet_dimensions", lang), obj.dimensions),
                (_x("sheet_subdimensions", lang), obj.subdimensions),
                (_x("sheet_indicators", lang), obj.indicators),
            ],
            [],
            [
                (res, "pk.Survey.score"),
                src("src_year", obj.year),
                src("src_method", f"{obj.method}, {obj.normalisation}, {round(obj.level * 100)}% CI"),
                src("src_replicates", obj.n_replicates),
                *_common_sources(lang),
            ],
        )
    if isinstance(obj, Merged):
        return Book([(_x("sheet_table", lang), obj.to_polars())], [], [(res, "pk.merged"), *_common_sources(lang)])
    to_polars = getattr(obj, "to_polars", None)
    if callable(to_polars):
        table = to_polars()
        if isinstance(table, pl.DataFrame):
            return Book([(_x("sheet_table", lang), table)], [], [*_common_sources(lang)])
    raise _core.InvalidArgumentError(
        f"invalid value for data: cannot write {type(obj).__name__} to Excel; pass a polars DataFrame, "
        "a {sheet name: DataFrame} mapping or a papikit result object"
    )


def write_excel(data: Any, path: str | os.PathLike[str], *, lang: Lang | None = None) -> Path:
    """Write a table, several tables or a result object to one Excel workbook; returns its path.

    Parameters
    ----------
    data
        A polars DataFrame (e.g. ``pk.published(2023)``), a ``{sheet name: DataFrame}`` mapping or
        a papikit result object (what its ``to_excel`` writes).
    path
        The .xlsx file to write (replaced atomically if it exists).
    lang
        Language of the headers, sheet names and the sources sheet: "en" (the column names) or
        "vi"; default: the result's language, else "en". Cell contents stay as they are.

    Examples
    --------
    >>> import papikit as pk, tempfile, os
    >>> path = pk.write_excel({"2022": pk.published(2022), "2023": pk.published(2023)},
    ...                       os.path.join(tempfile.mkdtemp(), "papi.xlsx"), lang="vi")
    >>> path.name
    'papi.xlsx'
    """
    lang_ok = check_lang(lang if lang is not None else str(getattr(data, "lang", "en")))
    return save(book_of(data, lang=lang_ok), path, lang=lang_ok)


# ----------------------------------------------------------------------------------------- report


def report_book(
    province: str | int | Province,
    *,
    year: int = LAST_YEAR,
    lang: Lang = "en",
    progress: Progress | None = None,
    agencies: pl.DataFrame | str | None = None,
) -> Book:
    """The province report's tables, charts and sources (see :func:`report_excel`)."""
    from papikit.report import _AGENCY_COLS, _Steps, _t, _total, report_charts, report_results
    from papikit.report import _footer as _report_footer

    lang = check_lang(lang)
    steps = _Steps(progress)
    r = report_results(province, year=year, lang=lang, steps=steps, agencies=agencies)
    prof, p, name, year_df, panel, peers = r.prof, r.p, r.name, r.year_df, r.panel, r.peers
    g_best, agency, target_txt, g_next, sens, plan = r.g_best, r.agency, r.target_txt, r.g_next, r.sens, r.plan
    ref = g_best.reference_province or ""
    plan_txt = _t("plan_top", lang, name=name)
    if plan is not None:
        plan_txt = _t(
            "plan_summary",
            lang,
            gain=plan.required_gain,
            cost=plan.total_cost,
            before=plan.total_before,
            rb=plan.rank_before,
            after=plan.total_after,
            ra=plan.rank_after,
            n=plan.n_ranked,
            grp=plan.group_after or "-",
        )
    elif r.infeasible is not None:
        plan_txt = _t("infeasible", lang, msg=r.infeasible)

    def charts() -> list[tuple[bytes, str]]:
        return report_charts(
            prof, p.code, year, lang, year_df=year_df, panel=panel, peers=peers, gaps_best=g_best, plan=plan
        )

    figures = steps.run("charts", charts)
    sheets: list[tuple[str, pl.DataFrame]] = [(_x("sheet_profile", lang), prof.to_polars())]
    sheets.append((_x("sheet_gaps", lang), g_best.to_polars()))
    if g_next is not None:
        sheets.append((_x("sheet_gaps_next", lang), g_next.to_polars()))
    sheets.append((_x("sheet_agencies", lang), agency.select(_AGENCY_COLS)))
    sheets.append((_x("sheet_marginal", lang), sens.to_polars()))
    sheets.append((_x("sheet_thresholds", lang), sens.thresholds))
    if plan is not None:
        sheets.append((_x("sheet_plan_dims", lang), plan.plan_table(lang=lang)))
    t = _total(prof)
    sources = [
        (_x("src_result", lang), _t("title", lang, year=year)),
        (_x("src_province", lang), f"{name} ({p.code})"),
        (_x("src_year", lang), str(year)),
        (_t("score", lang), f"{t['score']:.4f}"),
        (_t("rank", lang), f"{t['rank']}/{t['n_ranked']}"),
        (_x("src_reference", lang), _t("t_gap_best", lang, ref=ref)),
        (_x("src_target", lang), target_txt or "-"),
        (_x("sheet_plan", lang), plan_txt),
        (_x("sheet_agencies", lang), _t("agency_note", lang)),
        *_common_sources(lang),
        (_x("src_summary", lang), _report_footer(year, lang, _dt.date.today().isoformat())),
    ]
    return Book(sheets, figures, sources)


def report_excel(
    province: str | int | Province,
    *,
    year: int = LAST_YEAR,
    lang: Lang = "en",
    out: str | os.PathLike[str] | None = None,
    progress: bool | Progress = True,
    agencies: pl.DataFrame | str | None = None,
) -> Path:
    """Write the province report as one Excel workbook and return its path.

    The tables of :func:`papikit.report` (profile with ranks "n/N", gaps to the best province and to
    the next group, gaps by agency, marginal values, thresholds, the cheapest plan by dimension), its
    charts as images on a "Biểu đồ"/"Charts" sheet and a "Nguồn"/"Sources" sheet. Nothing is written
    when the province or year is unknown; the default path is ``papi_<code>_<year>_<lang>.xlsx``
    (a directory gets that name inside it). ``progress``: a progress bar on a terminal or in a
    notebook (silent otherwise, or with ``False``).

    Examples
    --------
    >>> import papikit as pk, tempfile, os
    >>> path = pk.report("Đắk Lắk", year=2023, format="xlsx", out=tempfile.mkdtemp(), progress=False)
    >>> path.name
    'papi_66_2023_en.xlsx'
    """
    from papikit.registry import province as find

    lang = check_lang(lang)
    p = find(province)
    prog = as_progress(progress, total=8, desc="papikit report")
    book = report_book(province, year=year, lang=lang, progress=prog, agencies=agencies)
    default = f"papi_{p.code:02d}_{year}_{lang}.xlsx"
    path = Path(out) if out is not None else Path(default)
    if path.is_dir():
        path = path / default
    if prog is not None:
        prog.step("workbook")
    try:
        return save(book, path, lang=lang)
    finally:
        if prog is not None:
            prog.close()
