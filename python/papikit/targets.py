"""Small frozen target classes: a rank, a performance group, a year."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from papikit._core import InvalidArgumentError

_GROUPS = {
    "high": "high",
    "cao": "high",
    "top": "high",
    "highaverage": "high_average",
    "trungbinhcao": "high_average",
    "lowaverage": "low_average",
    "trungbinhthap": "low_average",
    "low": "low",
    "thap": "low",
}


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if c.isalnum() and not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class TargetRank:
    """Reach rank ``rank`` (1 = best) or better.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.TargetRank(15)
    TargetRank(rank=15)
    """

    rank: int

    def __post_init__(self) -> None:
        if isinstance(self.rank, bool) or not isinstance(self.rank, int) or self.rank < 1:
            raise InvalidArgumentError(f"invalid value for rank: {self.rank!r}; use a whole number >= 1")


@dataclass(frozen=True)
class Group:
    """Reach a performance group: high, high_average, low_average, low (or Cao, Trung bình cao, ...).

    Examples
    --------
    >>> import papikit as pk
    >>> pk.Group("Trung bình cao").key
    'high_average'
    """

    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or _fold(self.name) not in _GROUPS:
            raise InvalidArgumentError(
                f"invalid value for group: {self.name!r}; use high, high_average, low_average, low "
                "(or Cao, Trung bình cao, Trung bình thấp, Thấp)"
            )

    @property
    def key(self) -> str:
        """Canonical name: high, high_average, low_average or low."""
        return _GROUPS[_fold(self.name)]


@dataclass(frozen=True)
class Year:
    """A PAPI year.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.Year(2023).year
    2023
    """

    year: int

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not 2000 <= self.year <= 2100:
            raise InvalidArgumentError(f"invalid value for year: {self.year!r}; use a year such as 2023")
