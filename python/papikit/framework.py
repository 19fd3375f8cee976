"""The PAPI structure model: Framework -> Dimension -> SubDimension -> Indicator, versioned by period.

Built-in frameworks: 2011-2015 and 2016-2017 (6 dimensions, 22 sub-dimensions), 2018 (8, 28),
2019-2020 (8, 29), 2021 onwards (8, 28). Indicators come from a graded catalogue (``evidence`` =
verbatim / paraphrase / inferred) because the official indicator list is not public in
machine-readable form: load the official list with :meth:`Framework.read` when you have it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from papikit import _core
from papikit._args import bad_argument, converted, path_argument
from papikit._display import TableResult, frame_html
from papikit._files import guarded


class Framework(TableResult):
    """A validated, immutable PAPI framework.

    Examples
    --------
    >>> import papikit as pk
    >>> import polars as pl
    >>> fw = pk.framework(2023)
    >>> fw.n_dimensions, fw.n_subdimensions
    (8, 28)
    >>> flat = fw.to_polars()
    >>> flat.filter(pl.col("code") == "public_health").select("parent", "number", "min", "max").row(0)
    ('d6', '6.1', 0.25, 2.5)
    """

    __slots__ = ("_native",)
    _native: _core.Framework

    def __init__(self, native: _core.Framework) -> None:
        object.__setattr__(self, "_native", native)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Framework is immutable; use with_columns() or build a new one")

    # ---- properties ----
    @property
    def name(self) -> str:
        return self._native.name

    @property
    def first_year(self) -> int:
        return self._native.first_year

    @property
    def last_year(self) -> int:
        return self._native.last_year

    @property
    def n_dimensions(self) -> int:
        return self._native.n_dimensions

    @property
    def n_subdimensions(self) -> int:
        return self._native.n_subdimensions

    @property
    def n_indicators(self) -> int:
        return self._native.n_indicators

    # ---- views ----
    def to_polars(self) -> pl.DataFrame:
        """The flat table: one row per dimension, sub-dimension and indicator, with columns
        ``code, parent, level, number, name_vi, name_en, direction, unit, evidence, items, recipe,
        min, max`` (``min``/``max``: the score range of that level; for indicators the recipe's
        theoretical range)."""
        return self._native.to_polars()

    def items(self) -> pl.DataFrame:
        """Catalogue of named survey items (e.g. the 10 district-hospital items) with VN/EN wording."""
        return self._native.items_frame()

    def dimensions(self) -> pl.DataFrame:
        """Rows of level ``dimension`` of :meth:`to_polars`."""
        return self.to_polars().filter(pl.col("level") == "dimension")

    def subdimensions(self) -> pl.DataFrame:
        """Rows of level ``subdimension`` of :meth:`to_polars`."""
        return self.to_polars().filter(pl.col("level") == "subdimension")

    def indicators(self) -> pl.DataFrame:
        """Rows of level ``indicator`` of :meth:`to_polars`."""
        return self.to_polars().filter(pl.col("level") == "indicator")

    # ---- transformation ----
    def with_columns(self, mapping: Mapping[str, str] | pl.DataFrame) -> Framework:
        """Map survey items to your own variable names.

        ``mapping`` is a dict ``{item_or_indicator_code: your_column}`` or a DataFrame with columns
        ``code`` and ``column``. An indicator code renames that indicator's single item.

        Examples
        --------
        >>> import papikit as pk
        >>> fw = pk.framework(2023).with_columns({"d8_internet_at_home": "q_internet"})
        >>> "q_internet" in fw.to_polars()["items"].to_list()
        True
        """
        if not isinstance(mapping, Mapping | pl.DataFrame):
            raise bad_argument("mapping", mapping, "a dict {code: column} or a DataFrame with code, column")
        if isinstance(mapping, pl.DataFrame):
            missing = {"code", "column"} - set(mapping.columns)
            if missing:
                raise _core.ColumnError(f"mapping table needs columns 'code' and 'column'; missing {sorted(missing)}")
            mapping = dict(zip(mapping["code"].to_list(), mapping["column"].to_list(), strict=True))
        return Framework(converted(self._native.with_columns)(dict(mapping)))

    # ---- IO ----
    def to_json(self) -> str:
        """The framework as JSON (round-trips through :meth:`from_json`)."""
        return self._native.to_json()

    def to_toml(self) -> str:
        """The framework as TOML (round-trips through :meth:`from_toml`)."""
        return self._native.to_toml()

    @staticmethod
    def from_json(text: str) -> Framework:
        """Parse and validate a JSON specification; every problem is reported with its location."""
        return Framework(_core.framework_from_json(text))

    @staticmethod
    def from_toml(text: str) -> Framework:
        """Parse and validate a TOML specification."""
        return Framework(_core.framework_from_toml(text))

    @staticmethod
    def from_polars(
        df: pl.DataFrame, *, name: str = "user", first_year: int, last_year: int | None = None
    ) -> Framework:
        """Build from a flat table with columns ``code, parent, level, name_vi, name_en`` and
        optionally ``direction, unit, number, evidence, items (';'-joined), recipe (JSON)``."""
        return Framework(_core.framework_from_polars(df, name, first_year, last_year or first_year))

    @staticmethod
    def read(path: str | Path, *, first_year: int | None = None, last_year: int | None = None) -> Framework:
        """Read a framework from ``.json``, ``.toml`` or a flat ``.csv`` table."""
        path_argument("path", path)
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".json":
            with guarded(p, "read"):
                text = p.read_text(encoding="utf-8")
            return Framework.from_json(text)
        if suffix == ".toml":
            with guarded(p, "read"):
                text = p.read_text(encoding="utf-8")
            return Framework.from_toml(text)
        if suffix == ".csv":
            if first_year is None:
                raise _core.InvalidArgumentError("invalid value for first_year: a flat CSV needs first_year=")
            with guarded(p, "read"):
                df = pl.read_csv(p, infer_schema=False)
            return Framework.from_polars(df, name=p.stem, first_year=first_year, last_year=last_year)
        raise _core.InvalidArgumentError(f"invalid value for path: {p.name!r}; use a .json, .toml or .csv file")

    def write(self, path: str | Path) -> None:
        """Write to ``.json``, ``.toml`` or flat ``.csv`` (chosen by the suffix)."""
        path_argument("path", path)
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".json":
            text = self.to_json()
        elif suffix == ".toml":
            text = self.to_toml()
        elif suffix == ".csv":
            with guarded(p, "write"):
                self.to_polars().drop("min", "max").write_csv(p)
            return
        else:
            raise _core.InvalidArgumentError(f"invalid value for path: {p.name!r}; use a .json, .toml or .csv file")
        with guarded(p, "write"):
            p.write_text(text, encoding="utf-8")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Framework) and self._native == other._native

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        return repr(self._native)

    def _repr_html_(self) -> str:
        df = (
            self.to_polars()
            .filter(pl.col("level") != "indicator")
            .select("code", "parent", "number", "name_vi", "name_en", "min", "max")
        )
        return frame_html(df, title=repr(self), max_rows=60)


def framework(year: int) -> Framework:
    """The built-in PAPI framework in force in ``year`` (``pk.FIRST_YEAR`` to ``pk.LAST_YEAR``).

    Examples
    --------
    >>> import papikit as pk
    >>> pk.framework(2015).n_subdimensions, pk.framework(2019).n_subdimensions
    (22, 29)
    """
    return Framework(_core.framework_builtin(year))
