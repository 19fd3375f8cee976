"""Shared display helpers: language option and compact HTML tables for Jupyter."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any, Literal

import polars as pl

Lang = Literal["en", "vi"]

#: Colour of each performance group, best first (the groups' keys and labels come from the core).
GROUP_COLOURS: tuple[str, ...] = ("#1a9641", "#a6d96a", "#fdae61", "#d7191c")


def group_colour(label: object) -> str | None:
    """Colour of a performance group given by key or label in either language (None if not one)."""
    from papikit import _core

    if not isinstance(label, str):
        return None
    try:
        return GROUP_COLOURS[_core.group_index(label)]
    except _core.PapiError:
        return None


def check_lang(lang: str) -> Lang:
    """Validate a ``lang=`` option."""
    from papikit import _core

    if lang not in ("en", "vi"):
        raise _core.InvalidArgumentError(f'invalid value for lang: {lang!r}; use "en" or "vi"')
    return lang  # type: ignore[return-value]


def check_year(year: object, argument: str = "year") -> int:
    """Validate a year argument: an int (not a bool, str or float), else an error naming it."""
    import numbers

    from papikit import _core

    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        kind = type(year).__name__
        raise _core.InvalidArgumentError(
            f"invalid value for {argument}: {year!r} (a {kind}); use a PAPI year as an int, e.g. 2023",
            argument=argument,
        )
    return int(year)


def frame_html(
    df: pl.DataFrame, *, title: str | None = None, max_rows: int = 70, digits: int = 4, lang: Lang = "en"
) -> str:
    """A compact HTML table; cells of a ``group`` column are coloured by performance group.

    Numbers use ``lang``'s separators (or :class:`papikit.Config`'s); in Vietnamese the headers,
    levels, booleans and roles are written in Vietnamese (the core's labels)."""
    from papikit._format import cell, header

    rows = []
    head = "".join(f"<th>{html.escape(header(c, lang))}</th>" for c in df.columns)
    for rec in df.head(max_rows).iter_rows(named=True):
        cells = []
        for k, v in rec.items():
            txt = cell(k, v, lang, digits=digits)
            style = ""
            colour = group_colour(v) if k.endswith("group") else None
            if colour is not None:
                style = f' style="background:{colour}"'
            cells.append(f"<td{style}>{html.escape(txt)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    from papikit import _core

    more_rows = _core.label("display.more_rows", lang).format(n=df.height - max_rows)
    more = f"<p>… {html.escape(more_rows)}</p>" if df.height > max_rows else ""
    cap = f"<caption>{html.escape(title)}</caption>" if title else ""
    return f'<table class="papikit">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'


class TableResult:
    """Mixin for result objects that have ``to_polars()``: adds ``to_pandas()``."""

    __slots__ = ()

    def to_polars(self) -> pl.DataFrame:  # pragma: no cover - overridden
        raise NotImplementedError

    def to_pandas(self) -> Any:
        """The result as a pandas DataFrame (needs ``pandas`` and ``pyarrow`` installed)."""
        try:
            return self.to_polars().to_pandas()
        except ModuleNotFoundError as e:
            from papikit import _core

            raise _core.InvalidArgumentError(
                f"to_pandas() needs pandas and pyarrow ({e.name} is missing): pip install pandas pyarrow"
            ) from e

    def to_excel(self, path: str | os.PathLike[str], *, lang: Lang | None = None) -> Path:
        """Write the result's tables to an Excel workbook (one sheet per table, a sources sheet) and
        return its path; ``lang`` sets headers and sheet names (default: the result's language).
        See :func:`papikit.write_excel`; needs ``xlsxwriter`` (``pip install 'papikit[excel]'``)."""
        from papikit.excel import write_excel

        return write_excel(self, path, lang=lang)
