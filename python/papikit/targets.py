"""Small frozen reference/target values shared by gap analysis and simulation.

``pk.TargetRank(k)`` (a rank position, 1 = best), ``pk.Group("high")`` (a performance group) and
``pk.Year(y)`` (another PAPI year). Each validates its value on construction and exposes it under
its own name (``rank``, ``name``, ``year``) and as ``value``.
"""

from __future__ import annotations

from dataclasses import dataclass

from papikit import _core


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
        # the one group vocabulary lives in the Rust core (papikit_core::rank::Group::parse)
        object.__setattr__(self, "name", _core.group_key(str(self.name)))

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
