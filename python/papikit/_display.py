"""Shared display helpers: language option and compact HTML tables for Jupyter."""

from __future__ import annotations

import html
from typing import Any, Literal

import polars as pl

Lang = Literal["en", "vi"]

GROUP_COLOURS = {
    "High": "#1a9641",
    "Cao": "#1a9641",
    "High average": "#a6d96a",
    "Trung bình cao": "#a6d96a",
    "Low average": "#fdae61",
    "Trung bình thấp": "#fdae61",
    "Low": "#d7191c",
    "Thấp": "#d7191c",
}


def check_lang(lang: str) -> Lang:
    """Validate a ``lang=`` option."""
    from papikit import _core

    if lang not in ("en", "vi"):
        raise _core.InvalidArgumentError(f'invalid value for lang: {lang!r}; use "en" or "vi"')
    return lang  # type: ignore[return-value]


def frame_html(df: pl.DataFrame, *, title: str | None = None, max_rows: int = 70, digits: int = 4) -> str:
    """A compact HTML table; cells of a ``group`` column are coloured by performance group."""
    rows = []
    head = "".join(f"<th>{html.escape(c)}</th>" for c in df.columns)
    for rec in df.head(max_rows).iter_rows(named=True):
        cells = []
        for k, v in rec.items():
            txt = f"{v:.{digits}f}" if isinstance(v, float) else "" if v is None else str(v)
            style = ""
            if k.endswith("group") and isinstance(v, str) and v in GROUP_COLOURS:
                style = f' style="background:{GROUP_COLOURS[v]}"'
            cells.append(f"<td{style}>{html.escape(txt)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p>… {df.height - max_rows} more rows</p>" if df.height > max_rows else ""
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
