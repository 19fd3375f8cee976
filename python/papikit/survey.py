"""Scores from survey microdata with design-based uncertainty, and a synthetic PAPI survey.

A :class:`Survey` is a polars DataFrame of respondents plus a :class:`Design` (province/domain,
strata, PSU, weight, optional FPC, or supplied replicate weights). :meth:`Survey.score` computes
every indicator of a framework from its recipe, then sub-dimension (1/n..10/n), dimension (1..10)
and total scores per province, each with a standard error, a t confidence interval (per-province
degrees of freedom = PSUs - strata), rank intervals and P(performance group).

Methods: ``"taylor"`` (linearisation; exact through the index for fixed goalposts), ``"bootstrap"``
(Rao-Wu rescaled, m_h = n_h - 1), ``"jackknife"`` (delete-one-PSU JKn) or ``"supplied"`` (the
design's replicate weights). Replicates are pushed through normalisation and aggregation, so every
level carries them. Single-PSU strata follow ``lonely_psu`` ("adjust" as R's
``survey.lonely.psu = "adjust"``, "certainty", or "fail").

Normalisation of indicators to 0..1 (recorded in the result): ``"goalposts"`` (default, the
recipe's theoretical range: 0-100 % for shares, scale ends for means), ``"minmax"`` or ``"zscore"``
(mapped to 0..1 by the normal CDF) across provinces. **The official PAPI rescaling rule is not
public**: scores from microdata approximate, but need not equal, the published ones.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from papikit import _core, _rules
from papikit._args import bad_argument
from papikit._display import Lang, TableResult, check_lang, frame_html
from papikit._files import file_error, guarded
from papikit._progress import track
from papikit.errors import PapiError
from papikit.framework import Framework
from papikit.registry import province

if TYPE_CHECKING:
    import numpy as np

Method = Literal["taylor", "bootstrap", "jackknife", "supplied"]
Normalisation = Literal["goalposts", "minmax", "zscore"]
LevelName = Literal["total", "dimension", "subdimension", "indicator"]
ReplicateType = Literal["bootstrap", "JK1", "JKn", "BRR", "Fay", "other"]


@dataclass(frozen=True)
class Design:
    """Which columns describe the survey design.

    Parameters
    ----------
    domain
        Domain column (province: GSO code or name for index scores; any grouping for
        :meth:`Survey.means`). Domains are estimated within the full design, never by filtering.
    strata, psu, weight, fpc
        Strata, primary sampling unit (nested in strata), weight and finite population correction
        (a fraction <= 1 or the number of PSUs in the stratum population) columns.
    replicate_weights
        Supplied replicate weight columns (use ``method="supplied"``).
    replicate_type
        Their type, as R's ``svrepdesign(type=)``: ``"bootstrap"`` (scale 1/(R-1); the default),
        ``"JK1"`` ((R-1)/R), ``"JKn"`` (1, with ``replicate_rscales`` per replicate), ``"BRR"``
        (1/R), ``"Fay"`` (1/(R (1-rho)^2), with ``replicate_rho``) or ``"other"`` (give
        ``replicate_scale``). Only bootstrap replicates are used as draws for rank intervals;
        the others rank from normal draws.
    replicate_scale, replicate_rscales, replicate_rho, replicate_mse
        Override of the type's variance multiplier, per-replicate multipliers, Fay's rho, and
        centring at the full-sample estimate (default: at the replicate mean, as R).
    lonely_psu
        Rule for strata with a single PSU: "adjust", "certainty" or "fail".

    Examples
    --------
    >>> import papikit as pk
    >>> pk.Design(domain="province", strata="province", psu="district", weight="weight").psu
    'district'
    """

    domain: str = "province"
    strata: str | None = None
    psu: str | None = None
    weight: str | None = None
    fpc: str | None = None
    replicate_weights: tuple[str, ...] | None = None
    replicate_scale: float | None = None
    replicate_mse: bool = False
    lonely_psu: Literal["adjust", "certainty", "fail"] = "adjust"
    replicate_type: ReplicateType | None = None
    replicate_rho: float | None = None
    replicate_rscales: tuple[float, ...] | None = None

    def _kwargs(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "strata": self.strata,
            "psu": self.psu,
            "weight": self.weight,
            "fpc": self.fpc,
            "replicate_weights": list(self.replicate_weights) if self.replicate_weights else None,
            "replicate_scale": self.replicate_scale,
            "replicate_mse": self.replicate_mse,
            "lonely_psu": self.lonely_psu,
            "replicate_type": self.replicate_type,
            "replicate_rho": self.replicate_rho,
            "replicate_rscales": list(self.replicate_rscales) if self.replicate_rscales else None,
        }


#: The design of :func:`synthetic_survey` data: strata = province, PSU = district.
PAPI_DESIGN = Design(domain="province", strata="province", psu="district", weight="weight")


@dataclass(frozen=True)
class SurveyResult(TableResult):
    """Scores of every province on every level, with uncertainty (an immutable value).

    ``indicators``, ``subdimensions``, ``dimensions`` and ``totals`` are polars tables with columns
    ``province_code, province_name, province_name_en, measure, parent, estimate, se, ci_low, ci_high,
    df, n, n_missing`` at the
    result's confidence ``level`` (``n_missing``: children left out and renormalised).
    """

    _native: _core.SurveyScores = field(repr=False)
    lang: Lang = "en"

    @property
    def method(self) -> str:
        return str(self._native.method)

    @property
    def normalisation(self) -> str:
        return str(self._native.normalisation)

    @property
    def level(self) -> float:
        return float(self._native.level)

    @property
    def year(self) -> int:
        return int(self._native.year)

    @property
    def n_replicates(self) -> int:
        return int(self._native.n_replicates)

    def table(self, level: LevelName, *, ci_level: float | None = None) -> pl.DataFrame:
        """One level as a long table (see class docs); ``ci_level`` overrides the result's level."""
        lvl = self.level if ci_level is None else ci_level
        return self._native.frame(level, ci_level=lvl, lang=self.lang)

    @property
    def indicators(self) -> pl.DataFrame:
        return self.table("indicator")

    @property
    def subdimensions(self) -> pl.DataFrame:
        return self.table("subdimension")

    @property
    def dimensions(self) -> pl.DataFrame:
        return self.table("dimension")

    @property
    def totals(self) -> pl.DataFrame:
        return self.table("total")

    def ranks(
        self,
        level: LevelName = "total",
        *,
        ci_level: float | None = None,
        top: int | None = None,
        progress: bool = True,
    ) -> pl.DataFrame:
        """Ranks with equal-tailed rank intervals, performance group and P(group).

        Columns ``province_code, province_name, province_name_en, measure, estimate, rank, rank_low,
        rank_high, group, p_group``
        (+ ``p_top`` = P(rank <= top) when ``top`` is given). Intervals come from the bootstrap
        replicates; for Taylor and jackknife results from normal draws estimate + se * N(0, 1).

        ``progress``: a bar over the draws ranked (one per replicate or normal draw of each
        measure of the level) on a terminal or in a notebook, as in :meth:`Survey.score` (never when
        stderr is not a terminal, or with ``False``; same numbers either way). A level already
        ranked (by an earlier call, or ``score(..., ranks="all")``) has no work left and shows none.
        """
        lvl = self.level if ci_level is None else ci_level
        with track("survey ranks", progress, unit="draws"):
            return self._native.ranks(level, ci_level=lvl, top=top, lang=self.lang)

    def replicates(self, level: LevelName = "dimension") -> tuple[list[str], np.ndarray]:
        """Replicate scores of a level: (codes, array of shape replicates x codes x provinces).

        Scoring keeps the total and dimension replicates; those of sub-dimensions and indicators
        are recomputed from the kept PSU-level sums on first use (same numbers, bit for bit).
        """
        codes, arr = self._native.replicates(level)
        return list(codes), arr

    @property
    def provinces(self) -> list[int]:
        return list(self._native.provinces)

    def score_table(self) -> _core.ScoreTable:
        """The shared ``ScoreTable`` (all levels with SEs and replicates): pass it to
        :func:`papikit.gaps`, :func:`papikit.simulate` and the other analyses as their source."""
        return self._native.score_table()

    def to_polars(self) -> pl.DataFrame:
        """All levels stacked, with a ``level`` column."""
        return pl.concat(
            [
                self.table(lv).with_columns(pl.lit(lv).alias("level"))
                for lv in ("total", "dimension", "subdimension", "indicator")
            ]
        )

    def _repr_html_(self) -> str:
        title = (
            f"PAPI {self.year} from microdata — {self.method}"
            f"{f' ({self.n_replicates} replicates)' if self.n_replicates else ''}, "
            f"{self.normalisation} normalisation, {round(self.level * 100)}% CI"
        )
        wide = self.totals.select(
            _rules.PROVINCE_CODE, _rules.province_name_column(self.lang), "estimate", "se", "ci_low", "ci_high", "n"
        )
        return frame_html(wide.sort("estimate", descending=True), title=title)

    def __repr__(self) -> str:
        from papikit._format import rounded

        head = (
            f"SurveyResult(year={self.year}, method={self.method!r}, normalisation={self.normalisation!r}, "
            f"level={self.level}, provinces={len(self.provinces)})"
        )
        wide = self.totals.select(
            _rules.PROVINCE_CODE, _rules.province_name_column(self.lang), "estimate", "se", "ci_low", "ci_high", "n"
        )
        return f"{head}\n{rounded(wide.sort('estimate', descending=True))}"


def _to_units_2025(df: pl.DataFrame, kwargs: dict[str, Any]) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Map the domain column (province codes or names) to the code of the 2025 unit."""
    col = kwargs["domain"]
    if col not in df.columns:
        raise _core.ColumnError(f"column {col!r} not found in the table; it is the design's domain column")
    values = df.get_column(col).unique().drop_nulls().to_list()
    mapping = {v: province(v).unit_2025 for v in values}
    unit_col = f"{col}_unit_2025"
    out = df.with_columns(pl.col(col).replace_strict(mapping, return_dtype=pl.Int32, default=None).alias(unit_col))
    return out, {**kwargs, "domain": unit_col}


def _items_argument(items: object) -> list[str]:
    """``items`` of :meth:`Survey.means` as a list of column names (one name or a sequence of names)."""
    if isinstance(items, str):
        return [items]
    if isinstance(items, list | tuple) and all(isinstance(i, str) for i in items):
        return list(items)
    raise bad_argument("items", items, "a column name or a list of column names")


class Survey:
    """Survey microdata with its design.

    Examples
    --------
    >>> import papikit as pk
    >>> df = pk.synthetic_survey(2023, seed=1, scale=0.25)
    >>> s = pk.Survey(df, design=pk.Design(domain="province", strata="province", psu="district", weight="weight"))
    >>> res = s.score(pk.framework(2023), method="taylor")
    >>> res.dimensions.columns[:7]
    ['province_code', 'province_name', 'province_name_en', 'measure', 'parent', 'estimate', 'se']
    >>> res.totals.height
    63
    """

    __slots__ = ("_design", "_df")
    _df: pl.DataFrame
    _design: Design

    def __init__(self, df: pl.DataFrame, *, design: Design) -> None:
        if not isinstance(df, pl.DataFrame):
            raise _core.InvalidArgumentError(
                f"invalid value for df: expected a polars DataFrame, got {type(df).__name__}; "
                "convert pandas with pl.from_pandas(df)",
                argument="df",
            )
        if not isinstance(design, Design):
            raise _core.InvalidArgumentError(
                f"invalid value for design: expected a pk.Design (e.g. pk.PAPI_DESIGN), got {type(design).__name__}",
                argument="design",
            )
        object.__setattr__(self, "_df", df)
        object.__setattr__(self, "_design", design)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Survey is immutable")

    @property
    def data(self) -> pl.DataFrame:
        return self._df

    @property
    def design(self) -> Design:
        return self._design

    def score(
        self,
        framework: Framework,
        *,
        method: Method = "bootstrap",
        replicates: int = 1000,
        seed: int = 1,
        level: float = 0.90,
        normalisation: Normalisation = "goalposts",
        year: int | None = None,
        units: Literal[63, 34] = 63,
        lang: Lang = "en",
        progress: bool = True,
        ranks: Literal["all"] | None = None,
    ) -> SurveyResult:
        """Indicator, sub-dimension, dimension and total scores per province with uncertainty.

        ``year`` (recorded in the result, and checked by gaps/simulation on it) defaults to the
        single value of a ``year`` column when the data has one (``pk.synthetic_survey`` adds it),
        otherwise to the framework's last year.

        ``units=34`` re-estimates everything on the 34 provincial units of 1 July 2025: each
        respondent's province is mapped to the unit it joined, and the units are estimated as
        domains of the same design (strata and PSUs unchanged), so no weights need to be chosen.

        ``ranks="all"``: rank every measure's bootstrap replicates while scoring, so
        ``ranks()`` of the sub-dimensions and indicators then costs no second pass over the
        replicates (same numbers; worth it only when rank intervals of every level are wanted).

        ``progress``: a bar over the replicates on a terminal or in a notebook (never when stderr is
        not a terminal, or with ``False``; same numbers either way). The replicate pass reports as
        one block when it ends.

        Examples
        --------
        >>> import papikit as pk
        >>> s = pk.Survey(pk.synthetic_survey(2023, seed=1, scale=0.3), design=pk.PAPI_DESIGN)
        >>> r = s.score(pk.framework(2023), replicates=50, year=2023, units=34)
        >>> r.totals.height, "Đắk Lắk" in s.score(pk.framework(2023), replicates=50, units=34, lang="vi").totals["province_name"]
        (34, True)
        >>> fw = pk.framework(2023)
        >>> eager = s.score(fw, replicates=50, year=2023, ranks="all")  # every level ranked while scoring
        >>> eager.ranks("indicator").equals(s.score(fw, replicates=50, year=2023).ranks("indicator"))
        True
        """
        return self._score(
            framework,
            method=method,
            replicates=replicates,
            seed=seed,
            level=level,
            normalisation=normalisation,
            year=year,
            units=units,
            lang=lang,
            replicate_design=None,
            progress=progress,
            ranks=ranks,
        )

    def _score(
        self,
        framework: Framework,
        *,
        method: Method,
        replicates: int,
        seed: int,
        level: float,
        normalisation: Normalisation,
        year: int | None,
        units: Literal[63, 34],
        lang: Lang,
        replicate_design: _core.ReplicateDesign | None,
        progress: bool = True,
        ranks: Literal["all"] | None = None,
    ) -> SurveyResult:
        if not isinstance(framework, Framework):
            raise _core.InvalidArgumentError(
                f"invalid value for framework: expected a pk.Framework (e.g. pk.framework(2023)), got {type(framework).__name__}",
                argument="framework",
            )
        df, kwargs = self._df, self._design._kwargs()
        if year is None and "year" in df.columns:
            years = df.get_column("year").drop_nulls().unique().to_list()
            if len(years) == 1 and isinstance(years[0], int):
                year = years[0]
        if units == 34:
            df, kwargs = _to_units_2025(df, kwargs)
        elif units != 63:
            raise _core.InvalidArgumentError(
                f"invalid value for units: {units!r}; use 63 (provinces) or 34 (2025 units)"
            )
        with track("survey scoring", progress and method != "taylor", unit="replicates"):
            native = _core.survey_score(
                df,
                framework._native,
                design=kwargs,
                method=method,
                replicates=replicates,
                seed=seed,
                level=level,
                normalisation=normalisation,
                year=year,
                units_2025=units == 34,
                replicate_design=replicate_design,
                ranks=ranks,
            )
        for note in native.domain_merges:
            warnings.warn(f"domain labels of one province merged before grouping: {note}", UserWarning, stacklevel=3)
        return SurveyResult(native, check_lang(lang))

    def replicate(
        self,
        method: Literal["bootstrap", "jackknife", "supplied"] = "bootstrap",
        *,
        replicates: int = 1000,
        seed: int = 1,
    ) -> ReplicateSurvey:
        """Build the replicates once: Rao-Wu bootstrap or JKn jackknife PSU factors (or the design's
        supplied replicate weights); :meth:`ReplicateSurvey.score` and :meth:`ReplicateSurvey.means`
        reuse them (same numbers as ``score``/``means`` with the same method, replicates and seed).

        Examples
        --------
        >>> import papikit as pk
        >>> s = pk.Survey(pk.synthetic_survey(2023, seed=1, scale=0.25), design=pk.PAPI_DESIGN)
        >>> rep = s.replicate("bootstrap", replicates=50, seed=1)
        >>> rep.n_replicates, rep.score(pk.framework(2023)).n_replicates
        (50, 50)
        >>> rep.means("d8_internet_at_home").columns[:5]
        ['domain', 'province_code', 'province_name', 'measure', 'estimate']
        """
        native = _core.survey_replicate(
            self._df, design=self._design._kwargs(), method=method, replicates=replicates, seed=seed
        )
        return ReplicateSurvey(self, native)

    def means(
        self,
        items: list[str] | str,
        *,
        method: Method = "taylor",
        replicates: int = 1000,
        seed: int = 1,
        level: float = 0.90,
    ) -> pl.DataFrame:
        """Weighted domain means of numeric columns (nulls = not applicable), with SE and CI.

        Columns ``domain, province_code, province_name, measure, estimate, se, ci_low, ci_high, df, n``
        (``province_code``/``province_name`` null unless every domain is a province; R: ``svyby(~y,
        ~domain, design, svymean, na.rm = TRUE)``).
        """
        its = _items_argument(items)
        return _core.survey_domain_means(
            self._df,
            its,
            design=self._design._kwargs(),
            method=method,
            replicates=replicates,
            seed=seed,
            level=level,
        )

    def _means_with(self, items: list[str] | str, level: float, rd: _core.ReplicateDesign) -> pl.DataFrame:
        its = _items_argument(items)
        return _core.survey_domain_means(self._df, its, design=self._design._kwargs(), level=level, replicate_design=rd)

    def __repr__(self) -> str:
        return f"Survey({self._df.height} rows, design={self._design!r})"


@dataclass(frozen=True)
class ReplicateSurvey:
    """A :class:`Survey` with its replicates built once (by :meth:`Survey.replicate`)."""

    survey: Survey
    _native: _core.ReplicateDesign = field(repr=False)

    @property
    def method(self) -> str:
        return str(self._native.method)

    @property
    def n_replicates(self) -> int:
        """Replicates built (0 for supplied weights, which live in the table)."""
        return int(self._native.n_replicates)

    @property
    def seed(self) -> int:
        return int(self._native.seed)

    def score(
        self,
        framework: Framework,
        *,
        level: float = 0.90,
        normalisation: Normalisation = "goalposts",
        year: int | None = None,
        units: Literal[63, 34] = 63,
        lang: Lang = "en",
        progress: bool = True,
        ranks: Literal["all"] | None = None,
    ) -> SurveyResult:
        """:meth:`Survey.score` with these replicates (see there for the options)."""
        m = self.method
        return self.survey._score(
            framework,
            method="bootstrap" if m == "bootstrap" else "jackknife" if m == "jackknife" else "supplied",
            replicates=int(self._native.replicates),
            seed=self.seed,
            level=level,
            normalisation=normalisation,
            year=year,
            units=units,
            lang=lang,
            replicate_design=self._native,
            progress=progress,
            ranks=ranks,
        )

    def means(self, items: list[str] | str, *, level: float = 0.90) -> pl.DataFrame:
        """:meth:`Survey.means` with these replicates."""
        return self.survey._means_with(items, level, self._native)

    def __repr__(self) -> str:
        return f"ReplicateSurvey(method={self.method!r}, n_replicates={self.n_replicates}, seed={self.seed})"


def synthetic_survey(year: int, *, seed: int = 0, scale: float = 1.0) -> pl.DataFrame:
    """A synthetic PAPI survey for ``year``, calibrated to that year's published dimension scores.

    63 provinces; districts = the capital + PPS (3, or 6 in the six large/medium provinces); 2
    communes per district, 2 villages per commune; 16 respondents per village (24 in Hà Nội and TP
    HCM), scaled to the year's published sample size (2023: 19,572 rows) and by ``scale``
    (50 -> ~1M rows). Columns: ``province`` (GSO code), ``province_name``, ``district`` (PSU),
    ``district_type``, ``commune``, ``village``, ``sex``, ``age_group``, ``weight``
    (post-stratification-like) and one column per item of the year's framework recipes. Scoring it
    with the default framework reproduces the published dimension scores in expectation. Use
    :data:`PAPI_DESIGN` as its design.

    Examples
    --------
    >>> import papikit as pk
    >>> df = pk.synthetic_survey(2023)
    >>> df.height, df["province"].n_unique(), df["district"].n_unique()
    (19572, 63, 207)
    """
    df = _core.synthetic_survey(year, seed=seed, scale=scale)
    return df.with_columns(pl.lit(year, dtype=pl.Int32).alias("year"))


def read_survey(path: str | Path, *, keep_labels: bool = True) -> pl.DataFrame:
    """Read survey microdata: Parquet or CSV (polars), Stata ``.dta`` or SPSS ``.sav`` (pyreadstat).

    For Stata/SPSS files the answer codes are kept as numbers (recipes use codes); with
    ``keep_labels`` the value labels are attached as ``df.attrs``-like metadata: the returned frame
    gets one extra column ``<var>__label`` per labelled variable holding the label text.
    pyreadstat is an optional dependency (``pip install pyreadstat``).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise _core.InvalidArgumentError(
            f"invalid value for path: expected a file path, got {type(path).__name__}", argument="path"
        )
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        with guarded(p, "read"):
            return pl.read_parquet(p)
    if suffix in (".csv", ".txt"):
        with guarded(p, "read"):
            return pl.read_csv(p, infer_schema_length=10000)
    if suffix in (".dta", ".sav", ".zsav"):
        try:
            import pyreadstat  # type: ignore[import-not-found,unused-ignore]
        except ImportError as e:
            raise _core.InvalidArgumentError(
                f"reading {suffix} files needs the optional dependency pyreadstat: pip install pyreadstat ({e})"
            ) from None
        reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
        with guarded(p, "read"):
            try:
                pdf, meta = reader(str(p), apply_value_formats=False)
            except (OSError, PapiError):
                raise
            except Exception as e:  # pyreadstat's own errors on a corrupt file
                raise file_error(p, "read", f"unreadable, truncated or corrupt file ({e})") from e
        df = pl.from_pandas(pdf)
        if keep_labels:
            labels: dict[str, dict[Any, str]] = getattr(meta, "variable_value_labels", {}) or {}
            extra = []
            for var, mapping in labels.items():
                if var in df.columns:
                    m = {float(k): str(v) for k, v in mapping.items()}
                    extra.append(
                        pl.col(var)
                        .cast(pl.Float64)
                        .replace_strict(m, default=None, return_dtype=pl.String)
                        .alias(f"{var}__label")
                    )
            if extra:
                df = df.with_columns(extra)
        return df
    raise _core.InvalidArgumentError(f"invalid value for path: {str(p)!r}; use a .parquet, .csv, .dta or .sav file")
