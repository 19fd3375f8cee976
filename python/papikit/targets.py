"""Small, frozen reference/target values shared by gap analysis and simulation.

``pk.Group("high")`` (a performance group), ``pk.TargetRank(k)`` (a rank position) and
``pk.Year(y)`` (another PAPI year). Each holds one validated ``value``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from papikit import _core

_GROUPS = {
    "high": "high",
    "cao": "high",
    "1": "high",
    "top": "high",
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
    return "".join(c for c in s.lower() if c.isascii() and c.isalnum())


@dataclass(frozen=True)
class Group:
    """A PAPI performance group: ``high``, ``high_average``, ``low_average`` or ``low``.

    Accepts English or Vietnamese labels with or without diacritics ("High average",
    "Trung bình cao") and 1-4 (best first); ``value`` is the canonical snake_case name.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.Group("High average").value, pk.Group("Trung bình cao") == pk.Group("high_average")
    ('high_average', True)
    """

    value: str

    def __post_init__(self) -> None:
        key = _fold(str(self.value))
        if key not in _GROUPS:
            raise _core.UnknownCodeError(
                f"unknown group code {self.value!r}; known codes: high, high_average, low_average, low "
                "(or Cao, Trung bình cao, Trung bình thấp, Thấp)"
            )
        object.__setattr__(self, "value", _GROUPS[key])


@dataclass(frozen=True)
class TargetRank:
    """A rank position (1 = best).

    Examples
    --------
    >>> import papikit as pk
    >>> pk.TargetRank(20).value
    20
    """

    value: int

    def __post_init__(self) -> None:
        if (
            isinstance(self.value, bool)
            or not isinstance(self.value, int)
            or self.value < 1
        ):
            raise _core.InvalidArgumentError(
                f"invalid value for TargetRank: {self.value!r}; use an integer >= 1"
            )


@dataclass(frozen=True)
class Year:
    """Another PAPI year (e.g. the previous one), used as a reference.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.Year(2022).value
    2022
    """

    value: int

    def __post_init__(self) -> None:
        if (
            isinstance(self.value, bool)
            or not isinstance(self.value, int)
            or not 2000 <= self.value <= 2100
        ):
            raise _core.InvalidArgumentError(
                f"invalid value for Year: {self.value!r}; use a year such as 2022"
            )
