"""Small frozen reference/target values shared by gap analysis and simulation.

``pk.TargetRank(k)`` (a rank position, 1 = best), ``pk.Group("high")`` (a performance group) and
``pk.Year(y)`` (another PAPI year). Each validates its value on construction and exposes it under
its own name (``rank``, ``name``, ``year``) and as ``value``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from papikit import _core

_GROUPS = {
    "high": "high",
    "cao": "high",
    "top": "high",
    "1": "high",
    "highaverage": "high_average",
    "trungbinhcao": "high_average",
    "2": "high_average",
    "lowaverage": "low_average",
    "trungbinhthap": "low_average",
    "3": "low_average",
    "low": "low",
    "thap": "low",
    "4": "low",
}


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if c.isascii() and c.isalnum()).lower()


@dataclass(frozen=True)
class TargetRank:
    """Rank ``rank`` (1 = best) or better.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.TargetRank(15)
    TargetRank(rank=15)
    """

    rank: int

    def __post_init__(self) -> None:
        if isinstance(self.rank, bool) or not isinstance(self.rank, int) or self.rank < 1:
            raise _core.InvalidArgumentError(f"invalid value for TargetRank: {self.rank!r}; use a whole number >= 1")

    @property
    def value(self) -> int:
        return self.rank


@dataclass(frozen=True)
class Group:
    """A PAPI performance group: ``high``, ``high_average``, ``low_average`` or ``low``.

    English or Vietnamese labels with or without diacritics ("High average", "Trung bình cao") and
    1-4 (best first) are accepted; ``name`` holds the canonical snake_case name.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.Group("Trung bình cao")
    Group(name='high_average')
    >>> pk.Group("High average") == pk.Group("high_average")
    True
    """

    name: str

    def __post_init__(self) -> None:
        key = _fold(str(self.name))
        if key not in _GROUPS:
            raise _core.UnknownCodeError(
                f"unknown group code {self.name!r}; known codes: high, high_average, low_average, low "
                "(or Cao, Trung bình cao, Trung bình thấp, Thấp)"
            )
        object.__setattr__(self, "name", _GROUPS[key])

    @property
    def key(self) -> str:
        """Canonical name (same as ``name``)."""
        return self.name

    @property
    def value(self) -> str:
        return self.name


@dataclass(frozen=True)
class Year:
    """Another PAPI year, used as a reference (e.g. last year).

    Examples
    --------
    >>> import papikit as pk
    >>> pk.Year(2022)
    Year(year=2022)
    """

    year: int

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not 2000 <= self.year <= 2100:
            raise _core.InvalidArgumentError(f"invalid value for Year: {self.year!r}; use a year such as 2022")

    @property
    def value(self) -> int:
        return self.year
