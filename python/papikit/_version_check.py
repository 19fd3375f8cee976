"""Guard the installed Python polars version: papikit hands frames to Rust polars 0.55 through
pyo3-polars, which uses private polars APIs tested only within this range."""

from __future__ import annotations

MIN_POLARS = (1, 43, 2)
MAX_POLARS_EXCLUSIVE = (2, 2, 0)


def _parse(v: str) -> tuple[int, ...]:
    parts: list[int] = []
    for p in v.split(".")[:3]:
        digits = "".join(ch for ch in p if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    while len(parts) < 3:
        parts.append(0)
    return tuple(parts)


def check_polars() -> None:
    try:
        import polars
    except ImportError as e:  # pragma: no cover - polars is a dependency
        raise ImportError("papikit needs polars: pip install 'polars>=1.43.2,<2.2'") from e
    v = _parse(polars.__version__)
    if not (MIN_POLARS <= v < MAX_POLARS_EXCLUSIVE):
        raise ImportError(
            f"papikit needs polars >=1.43.2,<2.2 but polars {polars.__version__} is installed. "
            "Fix: pip install 'polars>=1.43.2,<2.2'"
        )
