"""Load a year's published results at run time (2025 on the 34 units, and every later year).

The file is read here (polars: .xlsx through the fastexcel engine, .csv, .parquet; or a polars /
pandas DataFrame) into text cells; the layout is detected, every rule is checked and the year is
stored by the core (``papikit._core.load_published``). Python restates no rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from papikit import _core
from papikit._display import TableResult, frame_html
from papikit.framework import Framework

__all__ = [
    "LoadedYear",
    "agency_successions",
    "load_published",
    "loaded_years",
    "population_2022",
    "unload_published",
]


@dataclass(frozen=True)
class LoadedYear(TableResult):
    """A year loaded by :func:`load_published`: what was detected, and its published table."""

    year: int
    units: int
    layout: Literal["tidy", "wide", "workbook"]
    source: str
    framework: str
    n_scored: int
    measures: tuple[str, ...]
    has_se: bool
    n_indicators: int
    ignored: tuple[str, ...] = field(repr=False)
    table: pl.DataFrame = field(repr=False, compare=False)

    def to_polars(self) -> pl.DataFrame:
        """The loaded year as :func:`papikit.published` gives it."""
        return self.table

    def _repr_html_(self) -> str:
        return frame_html(
            self.table.head(12),
            title=f"PAPI {self.year} loaded from {self.source}: {self.layout} layout, {self.units} units, "
            f"{self.n_scored} scored",
        )


def _cells(df: pl.DataFrame, *, header: bool) -> list[list[str | None]]:
    s = df.select(pl.all().cast(pl.String))
    rows = [list(r) for r in s.iter_rows()]
    return [list(s.columns), *rows] if header else rows


def _frame(source: Any) -> pl.DataFrame | None:
    if isinstance(source, pl.DataFrame):
        return source
    mod = type(source).__module__
    if mod.startswith("pandas"):
        return pl.from_pandas(source)
    return None


def _pick_sheet(sheets: dict[str, pl.DataFrame], year: int) -> str:
    names = list(sheets)
    for n in names:
        if n.strip().upper() == f"{year}_VIE_ENG":
            return n
    for n in names:
        if re.match(rf"^{year}", n.strip()):
            return n
    return names[0]


def _read_excel(path: Path, year: int, sheet: str | None) -> tuple[str, list[list[str | None]]]:
    opts: dict[str, Any] = {
        "engine": "calamine",
        "has_header": False,
        "infer_schema_length": 0,
        "drop_empty_rows": False,
        "drop_empty_cols": False,
        "raise_if_empty": False,
    }
    if sheet is not None:
        return sheet, _cells(pl.read_excel(path, sheet_name=sheet, **opts), header=False)
    sheets = pl.read_excel(path, sheet_id=0, **opts)
    name = _pick_sheet(sheets, year)
    return name, _cells(sheets[name], header=False)


def load_published(
    source: pl.DataFrame | Any | str | Path,
    *,
    year: int,
    units: int | None = None,
    replace: bool = False,
    framework: Framework | None = None,
    sheet: str | None = None,
) -> LoadedYear:
    """Load a year's published PAPI results; from then on every papikit function accepts the year.

    ``source`` is a polars or pandas DataFrame or a path: ``.xlsx`` (read with polars' Excel reader,
    fastexcel engine), ``.csv`` or ``.parquet``. Three layouts are detected (reported as ``layout``):

    * **tidy**: columns ``province_code`` (or ``province``/``code``: a name, alias or GSO code),
      ``measure`` (``total``, ``d1``..``d8``, ``"6.1"`` or a sub-dimension code), ``score``, optional
      ``se``, ``ci_low``, ``ci_high``;
    * **wide**: one row per province with ``total``, ``d1``..``d8`` and sub-dimension columns (and
      optional ``<measure>_se`` / ``_ci_low`` / ``_ci_high``);
    * **workbook**: the official "provincial indicators" sheet (``2025_VIE_ENG``): one column per
      province under a header row of names and a ``Mã tỉnh`` row of GSO codes, one row per measure
      (the total with its CI low/high and standard-error rows, ``Dimension n``, ``n.m``
      sub-dimensions, then indicator rows, kept as ``pk.published(year, level="indicator")``) and a
      ``Thang điểm/Scale`` column. Rows and columns are found by their labels.

    The units are the 63 provinces or the 34 units of 2025, detected from the names and codes
    (``units=63`` / ``34`` forces). Every problem is reported at once as
    :class:`papikit.PublishedDataError` whose ``errors()`` locate each one (``sheet 2025_VIE_ENG!D14``,
    ``row 12, column d4``): dimensions not summing to the total or sub-dimensions to their dimension
    (within 5e-4), scores outside their range, unknown or duplicated provinces, a missing ``Mã tỉnh``
    row, an empty sheet, a year already present (embedded or loaded) without ``replace=True``. A year
    after the last embedded one reuses the latest framework unless ``framework`` is passed.

    Published SEs (or CIs, turned into SEs) become the table's ``se``: gaps get ``significant`` flags
    and :func:`papikit.success_probability` needs no ``se=``. Ranks and the four groups are among the
    units scored, with the core's group sizes (:func:`papikit.group_sizes`: round(n/4), round(n/4),
    floor(n/4), remainder — inferred from the published groupings of the 63 provinces, not a
    published rule for 34 units; ``group_sizes(34)`` = (9, 9, 8, 8)). A 34-unit table is keyed by the
    GSO code of the province whose name the unit carries (Lào Cai: 10), so names and lookups resolve
    as usual; the official unit codes (Lào Cai: 15) are accepted in the file. Year-on-year changes of
    a 2025 unit compare with the previous year's results of its member provinces combined with GSO 2022
    population weights (:func:`papikit.population_2022`), see ``pk.trend(unit, era=34)``.

    Examples
    --------
    >>> import papikit as pk
    >>> wide = pk.published(2023).select("province_code", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "total")
    >>> y = pk.load_published(wide, year=2031)
    >>> y.layout, y.units, y.n_scored
    ('wide', 63, 61)
    >>> pk.published(2031).filter(pl.col("province_code") == 66)["rank"].item()
    31
    >>> pk.unload_published(2031)
    True
    """
    df = _frame(source)
    sheet_name: str | None = None
    if df is not None:
        cells = _cells(df, header=True)
        name = "DataFrame"
    elif isinstance(source, (str, Path)):
        path = Path(source)
        name = path.name
        if not path.exists():
            raise _core.InvalidArgumentError(
                f"invalid value for source: {str(path)!r} does not exist", argument="source"
            )
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm", ".xls"):
            sheet_name, cells = _read_excel(path, year, sheet)
        elif suffix == ".csv":
            cells = _cells(pl.read_csv(path, infer_schema=False), header=True)
        elif suffix == ".parquet":
            cells = _cells(pl.read_parquet(path), header=True)
        else:
            raise _core.InvalidArgumentError(
                f"invalid value for source: {name!r}; use .xlsx, .csv or .parquet", argument="source"
            )
    else:
        raise _core.InvalidArgumentError(
            f"invalid value for source: {type(source).__name__}; pass a DataFrame or a path to .xlsx, .csv or .parquet",
            argument="source",
        )
    info = _core.load_published(
        cells,
        year=year,
        sheet=sheet_name,
        units=units,
        replace=replace,
        framework=None if framework is None else framework._native,
        source=name,
    )
    return LoadedYear(
        year=info["year"],
        units=info["units"],
        layout=info["layout"],
        source=info["source"],
        framework=info["framework"],
        n_scored=info["n_scored"],
        measures=tuple(info["measures"]),
        has_se=info["has_se"],
        n_indicators=info["n_indicators"],
        ignored=tuple(info["ignored"]),
        table=_core.published_frame(year, lang="en"),
    )


def loaded_years() -> list[int]:
    """Years loaded in this process (ascending).

    Examples
    --------
    >>> import papikit as pk
    >>> isinstance(pk.loaded_years(), list)
    True
    """
    return list(_core.loaded_years())


def unload_published(year: int) -> bool:
    """Forget a loaded year (an embedded year then uses its embedded data again); True if it was loaded.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.unload_published(2099)
    False
    """
    return bool(_core.unload_published(year))


def agency_successions(*, lang: Literal["en", "vi"] = "en") -> pl.DataFrame:
    """Who took over what in 2025: every agency of the built-in plan with its successor after the
    provincial departments were merged (from March 2025) and the district level abolished (1 July
    2025), each with its public source.

    Examples
    --------
    >>> import papikit as pk
    >>> s = pk.agency_successions(lang="vi")
    >>> s.filter(pl.col("agency_code") == "tnmt")["successor"].item()
    'Sở Nông nghiệp và Môi trường'
    """
    return _core.agency_successions(lang=lang)


def population_2022() -> dict[int, float]:
    """GSO 2022 average population by GSO code (63 provinces): the weights with which papikit puts
    the years of the 63 provinces on the 34 units (``pk.trend(..., era=34)``, year-on-year changes
    across the merger). Pass it to :func:`papikit.merged` as ``weights``.

    Examples
    --------
    >>> import papikit as pk
    >>> w = pk.population_2022()
    >>> len(w), w[66] > w[54]
    (63, True)
    """
    return dict(_core.population_2022())
