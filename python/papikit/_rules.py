"""PAPI's rules and labels as Python reads them from the core (``papikit._core``), where each is
defined once: published years, structural breaks and the comparability rule, performance groups,
the VN/EN label table (``data/labels.csv`` of the core) and short dimension names.

Examples
--------
>>> from papikit import _rules
>>> _rules.FIRST_YEAR, _rules.LAST_YEAR > _rules.FIRST_YEAR
(2011, True)
>>> _rules.label("cli.yoy", "vi", prev=2022), _rules.dimension_label("d4", "vi")
('So với 2022', 'Kiểm soát tham nhũng')
>>> _rules.group_label("low_average", "en") == _rules.group_labels("en")[2]
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from papikit import _core
from papikit._display import Lang

__all__ = [
    "BREAK_YEARS",
    "FIRST_YEAR",
    "GROUP_KEYS",
    "LAST_YEAR",
    "MEASURE",
    "MERGER_YEAR",
    "PROVINCE_CODE",
    "PROVINCE_CODE_ALIASES",
    "PROVINCE_NAME",
    "PROVINCE_NAME_EN",
    "dimension_label",
    "group_index",
    "group_label",
    "group_labels",
    "label",
    "province_key",
    "province_name_column",
]

#: First and last published PAPI year.
FIRST_YEAR: int = _core.first_year()
LAST_YEAR: int = _core.last_year()
#: From 1 July of this year Viet Nam has 34 provincial units.
MERGER_YEAR: int = _core.merger_year()
#: Years in which PAPI's structure changed (the core's list; see :func:`papikit.trend`).
BREAK_YEARS: tuple[int, ...] = tuple(_core.break_years())
#: Keys of the four performance groups, best first.
GROUP_KEYS: tuple[str, ...] = tuple(_core.group_keys())

_COLUMNS = _core.column_names()
#: Column names of every table with a province key (the core's ``columns.rs``): GSO code (Int32),
#: official Vietnamese name, English name; the measure column; older names of the key that
#: readers of user tables still accept.
PROVINCE_CODE: str = _COLUMNS[0]
PROVINCE_NAME: str = _COLUMNS[1]
PROVINCE_NAME_EN: str = _COLUMNS[2]
MEASURE: str = _COLUMNS[3]
PROVINCE_CODE_ALIASES: tuple[str, ...] = tuple(_COLUMNS[4])


def province_name_column(lang: Lang) -> str:
    """The column holding province names in ``lang`` (``province_name`` in Vietnamese,
    ``province_name_en`` in English)."""
    return PROVINCE_NAME if lang == "vi" else PROVINCE_NAME_EN


def province_key(columns: Sequence[str]) -> str:
    """The column of a user table holding the province key: ``province_code``, else one of its
    accepted aliases; missing -> ColumnError naming ``province_code`` and the aliases (the core's
    rule, ``columns::province_key_of``)."""
    return _core.province_key(list(columns))


def label(key: str, lang: Lang, **kw: Any) -> str:
    """The text of ``key`` in the core's label table, formatted with ``kw``."""
    text = _core.label(key, lang)
    return text.format(**kw) if kw else text


def group_labels(lang: Lang) -> tuple[str, ...]:
    """Labels of the four performance groups in ``lang``, best first."""
    return tuple(_core.group_labels(lang))


def group_index(name: str) -> int:
    """Position 0..3 (best first) of a group given by key or label in either language."""
    return _core.group_index(name)


def group_label(name: str, lang: Lang) -> str:
    """Label in ``lang`` of a group given by key or label in either language."""
    return _core.group_label(name, lang)


def dimension_label(measure: str, lang: Lang = "en") -> str:
    """Short label of ``"d1"``..``"d8"`` or ``"total"``; any other name passes through."""
    return _core.labels_section("dimension", lang).get(measure.lower(), measure)
