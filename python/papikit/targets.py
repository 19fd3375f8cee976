"""Frozen reference/target values shared by gap analysis and simulation, parsed once in Rust.

``pk.TargetRank(k)`` (a rank position, 1 = best), ``pk.Group("high")`` (a performance group),
``pk.Year(y)`` (another PAPI year) and ``pk.CloseGap(share)`` (close part of a gap in a
simulation). Each is a ``papikit._core`` class that validates its value on construction and
exposes it under its own name (``rank``, ``name``, ``year``, ``share``/``to``); they compare and
hash by value and are passed to :func:`papikit.gaps`, :func:`papikit.optimize` and
:func:`papikit.simulate` as they are.

``Group`` accepts English or Vietnamese labels with or without diacritics ("High average",
"Trung bình cao") and 1-4 (best first); ``name`` holds the canonical snake_case name.

Examples
--------
>>> import papikit as pk
>>> pk.TargetRank(15)
TargetRank(rank=15)
>>> pk.Group("Trung bình cao")
Group(name='high_average')
>>> pk.Group("High average") == pk.Group("high_average"), pk.Group(2).name
(True, 'high_average')
>>> pk.Year(2022)
Year(year=2022)
>>> pk.CloseGap(0.5), pk.CloseGap(1.0, to=8.0).to
(CloseGap(share=0.5, to='best'), 8.0)
>>> try:
...     pk.TargetRank(0)
... except pk.InvalidArgumentError as e:
...     print(e)
invalid value for TargetRank: 0; use a whole number >= 1
"""

from __future__ import annotations

from papikit import _core

__all__ = ["CloseGap", "Group", "TargetRank", "Year"]

TargetRank = _core.TargetRank
Group = _core.Group
Year = _core.Year
CloseGap = _core.CloseGap
