"""Numbers, dates and table cells as each language writes them.

The rules (Vietnamese writes 43,0102 and 1.234, English 43.0102 and 1,234; dates as "ngày 1 tháng
12 năm 2026" / "1 December 2026"; the VN/EN words for levels, booleans and roles) live in the core
(``Lang`` separators, ``labels::format_date``, the label table); this module applies them and lets
the user override the separators with :class:`Config`.

Examples
--------
>>> from papikit._format import number
>>> number(43.0102, lang="vi"), number(43.0102, lang="en"), number(1234.0, 0, lang="vi")
('43,0102', '43.0102', '1.234')
>>> import papikit as pk
>>> with pk.Config(decimal="."):
...     number(43.0102, lang="vi")
'43.0102'
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, ClassVar

from papikit import _core
from papikit._display import Lang

__all__ = ["Config", "cell", "date", "header", "number"]


class Config:
    """Number format of papikit's outputs (report, CLI, ``_repr_html_``).

    By default each language uses its own separators (from the core): Vietnamese ``43,0102`` and
    ``1.234``, English ``43.0102`` and ``1,234``. ``decimal=`` / ``thousands=`` override them for
    every language: set them for the session with :meth:`set` (undo with :meth:`reset`) or for a
    block with ``with pk.Config(decimal="."):``.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.Config.set(decimal=".", thousands=" ")
    >>> pk.Config.state()
    {'decimal': '.', 'thousands': ' '}
    >>> pk.Config.reset()
    >>> pk.Config.state()
    {'decimal': None, 'thousands': None}
    """

    _decimal: ClassVar[str | None] = None
    _thousands: ClassVar[str | None] = None

    def __init__(self, *, decimal: str | None = None, thousands: str | None = None) -> None:
        _check("decimal", decimal)
        _check("thousands", thousands)
        self._new = (decimal, thousands)
        self._old: tuple[str | None, str | None] = (None, None)

    def __enter__(self) -> Config:
        self._old = (Config._decimal, Config._thousands)
        Config.set(decimal=self._new[0], thousands=self._new[1])
        return self

    def __exit__(self, *exc: object) -> None:
        Config._decimal, Config._thousands = self._old
        _core.set_number_separators(*self._old)

    @classmethod
    def set(cls, *, decimal: str | None = None, thousands: str | None = None) -> None:
        """Override the decimal and/or thousands separator (None keeps the language's own)."""
        _check("decimal", decimal)
        _check("thousands", thousands)
        cls._decimal, cls._thousands = decimal, thousands
        _core.set_number_separators(decimal, thousands)

    @classmethod
    def reset(cls) -> None:
        """Back to each language's own separators."""
        cls._decimal = cls._thousands = None
        _core.set_number_separators(None, None)

    @classmethod
    def state(cls) -> dict[str, str | None]:
        """The current overrides."""
        return {"decimal": cls._decimal, "thousands": cls._thousands}


def _check(name: str, sep: object) -> None:
    if sep is not None and not (isinstance(sep, str) and len(sep) == 1):
        raise _core.InvalidArgumentError(f"invalid value for {name}: {sep!r}; use one character such as ',' or '.'")


def number(x: float, digits: int = 4, *, lang: Lang = "en", sign: bool = False) -> str:
    """``x`` with ``digits`` decimals and the language's separators (``sign``: "+" before positives)."""
    s = _core.format_number(float(x), digits, lang=lang, decimal=Config._decimal, thousands=Config._thousands)
    if sign and x > 0 and any(c in "123456789" for c in s):
        s = "+" + s
    return s


def date(d: _dt.date | None = None, *, lang: Lang = "en") -> str:
    """A date written out: "ngày 1 tháng 12 năm 2026" / "1 December 2026" (default: today)."""
    d = d or _dt.date.today()
    return _core.format_date(d.year, d.month, d.day, lang=lang)


def header(column: str, lang: Lang) -> str:
    """A column header in ``lang`` (the core's ``column.*`` labels; English keeps the name)."""
    if lang == "en":
        return column
    return _core.labels_section("column", lang).get(column, column)


def cell(column: str, value: Any, lang: Lang, *, digits: int = 4) -> str:
    """A table cell as text: numbers with the language's separators; in Vietnamese, levels
    (total/dimension/...), booleans, roles (lead/shared) and the measure "total" in words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _core.label(f"bool.{str(value).lower()}", lang) if lang != "en" else str(value)
    if isinstance(value, float):
        return number(value, digits, lang=lang)
    if lang != "en" and isinstance(value, str):
        key = None
        if column == "level" or column.endswith("_level"):
            key = f"level.{value.replace('-', '')}"
        elif column == "role":
            key = f"role.{value}"
        elif column in ("measure", "parent") and value == "total":
            key = "dimension.total"
        if key is not None:
            try:
                return _core.label(key, lang)
            except _core.UnknownCodeError:
                return value
    return str(value)


def rounded(df: Any, digits: int = 4) -> Any:
    """``df`` (a polars DataFrame) with every float column rounded to ``digits`` for printing."""
    import polars as pl
    import polars.selectors as cs

    if not isinstance(df, pl.DataFrame):
        return df
    return df.with_columns(cs.float().round(digits))


def province_name(code: int, lang: Lang) -> str:
    """Name of the province with GSO ``code`` in ``lang`` (the code itself if unknown)."""
    from papikit.registry import province

    try:
        return province(code).name(lang)
    except _core.PapiError:
        return str(code)
