"""Province report (HTML); being written on branch ``front``."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def report(
    province: str | int, *, year: int = 2024, lang: str = "en", out: str | Path | None = None, progress: Any = None
) -> Path:
    """Write the HTML report of ``province`` (in progress)."""
    raise NotImplementedError("the province report is in progress on branch front")
