"""Resource limits: a request whose memory estimate is over the limit is refused before anything
is allocated, with :class:`papikit.ResourceLimitError` naming the argument and the estimate.

Examples
--------
>>> import papikit as pk
>>> pk.set_memory_limit(2_000_000_000)
>>> pk.memory_limit()
2000000000
>>> pk.set_memory_limit(None)  # back to PAPIKIT_MEMORY_LIMIT or half of the machine's memory
"""

from __future__ import annotations

from papikit import _core


def set_memory_limit(limit: int | None) -> None:
    """Set papikit's memory limit in bytes for this process (``None``: the default, which is the
    environment variable ``PAPIKIT_MEMORY_LIMIT`` (bytes or e.g. ``"2G"``), else half of the
    machine's physical memory). Requests estimated above it raise
    :class:`papikit.ResourceLimitError`."""
    _core.set_memory_limit(limit)


def memory_limit() -> int:
    """The memory limit in force, in bytes (see :func:`set_memory_limit`)."""
    return int(_core.memory_limit())
