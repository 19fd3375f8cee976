"""The yearly plan review: did last year's plan work, which departments' axes moved, and why the
rank moved (``pk.review``). The analysis is in the Rust core (``papikit_core::analysis::review``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from papikit import _core
from papikit._display import Lang, TableResult, check_lang, check_year, frame_html
from papikit._files import guarded
from papikit._rules import label
from papikit.registry import Province, province_arg
from papikit.targets import Group, TargetRank

if TYPE_CHECKING:
    from papikit.simulation import Plan

__all__ = ["Review", "review"]


@dataclass(frozen=True)
class Review(TableResult):
    """A province's year reviewed against the previous year (see :func:`review`).

    ``measures`` has one row per measure (total, dimensions, sub-dimensions): before, after,
    change, share of the total change, ranks both years, comparability and the agencies assigned;
    ``agencies`` the change credited to each agency (shared responsibility: not additive across
    agencies); ``moves`` the rank-change decomposition (one row per province that moved the rank;
    ``places`` sums to the places lost).
    """

    _result: _core.Review = field(repr=False, compare=False)
    lang: Lang
    measures: pl.DataFrame = field(repr=False)
    agencies: pl.DataFrame = field(repr=False)
    moves: pl.DataFrame = field(repr=False)
    #: With ``plan=``: planned gain vs realised change per axis (total, dimensions and, for a
    #: sub-dimension plan, its sub-dimensions): ``planned``, ``realised``, ``difference``,
    #: ``reached``, ``comparable``, ``agencies``. None without a plan.
    plan: pl.DataFrame | None = field(default=None, repr=False)
    #: The plan against the result in one sentence (None without a plan).
    plan_sentence: str | None = None

    @property
    def province_code(self) -> int:
        return self._result.province

    @property
    def year(self) -> int:
        return self._result.year

    @property
    def previous_year(self) -> int:
        return self._result.previous_year

    @property
    def total_before(self) -> float:
        return self._result.total_before

    @property
    def total_after(self) -> float:
        return self._result.total_after

    @property
    def change(self) -> float:
        """Change of the total in points."""
        return self._result.change

    @property
    def rank_before(self) -> int:
        return self._result.rank_before

    @property
    def rank_after(self) -> int:
        return self._result.rank_after

    @property
    def n_before(self) -> int:
        return self._result.n_before

    @property
    def n_after(self) -> int:
        return self._result.n_after

    @property
    def places(self) -> int:
        """Places won (+) or lost (-) from the previous year."""
        return self._result.places

    @property
    def group_before(self) -> str | None:
        return self._result.group_before(self.lang)

    @property
    def group_after(self) -> str | None:
        return self._result.group_after(self.lang)

    @property
    def goal(self) -> str:
        """The goal in words."""
        return self._result.goal(self.lang)

    @property
    def goal_met(self) -> bool:
        return self._result.goal_met

    @property
    def comparable(self) -> bool:
        """The total is comparable with the previous year (PAPI's comparability rule)."""
        return self._result.comparable

    @property
    def across_merger(self) -> bool:
        """The review crosses the 2025 merger: the previous year is the 63-province results merged
        onto the 34 units (GSO 2022 population weights) and ranks are among the units scored in
        both years."""
        return self._result.across_merger

    @property
    def composition_changed(self) -> bool:
        """The unit combines several provinces of the previous year: its baseline is their
        population-weighted mean (see :attr:`weights`)."""
        return self._result.composition_changed

    @property
    def weights(self) -> dict[str, float]:
        """Across the merger: each member province (name) and its weight in the baseline (sum 1);
        empty otherwise."""
        from papikit._format import province_name

        return {province_name(c, self.lang): w for c, w in self._result.weights}

    @property
    def largest_gain(self) -> str | None:
        """Code of the comparable sub-dimension with the largest gain."""
        return self._result.extremes[0]

    @property
    def largest_loss(self) -> str | None:
        """Code of the comparable sub-dimension with the largest loss."""
        return self._result.extremes[1]

    @property
    def sentence(self) -> str:
        """Why the rank moved, in one plain sentence."""
        return self._result.sentence(self.lang)

    def to_polars(self) -> pl.DataFrame:
        """The measures table."""
        return self.measures

    @property
    def province_name(self) -> str:
        """Name of the province in the review's language."""
        from papikit._format import province_name

        return province_name(self.province_code, self.lang)

    def _headline(self) -> str:
        from papikit._format import number

        met = label("review.met" if self.goal_met else "review.not_met", self.lang)
        n = self.lang
        return (
            f"{self.province_name} {self.previous_year} -> {self.year}: {number(self.total_before, lang=n)} -> "
            f"{number(self.total_after, lang=n)} ({number(self.change, lang=n, sign=True)}), "
            f"{self.rank_before}/{self.n_before} -> {self.rank_after}/{self.n_after}; {self.goal}: {met}"
            + (f" [{label('review.composition_changed', self.lang)}]" if self.composition_changed else "")
        )

    def __repr__(self) -> str:
        return f"Review({self._headline()})\n{self.sentence}"

    def _repr_html_(self) -> str:
        plan = "" if self.plan is None else f"<p>{self.plan_sentence}</p>" + frame_html(self.plan)
        return (
            f"<p><b>{self._headline()}</b></p><p>{self.sentence}</p>"
            + frame_html(self.measures, lang=self.lang)
            + frame_html(self.agencies, lang=self.lang)
            + frame_html(self.moves, lang=self.lang)
            + plan
        )


def _read_table(path: str | os.PathLike[str], argument: str) -> pl.DataFrame:
    """A .csv / .xlsx / .parquet file as a DataFrame (read errors -> FileError naming the path)."""
    p = Path(path)
    suffix = p.suffix.lower()
    with guarded(path, "read"):
        if suffix in (".xlsx", ".xlsm", ".xls"):
            return pl.read_excel(p)
        if suffix == ".csv":
            return pl.read_csv(p)
        if suffix == ".parquet":
            return pl.read_parquet(p)
    raise _core.InvalidArgumentError(
        f"invalid value for {argument}: {os.fspath(path)!r}; use a .csv, .xlsx or .parquet file", argument=argument
    )


def _plan_rows(plan: object) -> list[tuple[str, float]]:
    """(measure, gain) rows of a plan given as a table or a file."""
    if isinstance(plan, (str, os.PathLike)):
        name = os.fspath(plan)
        if Path(name).suffix.lower() not in (".csv", ".xlsx", ".xlsm", ".xls", ".parquet"):
            raise _core.InvalidArgumentError(
                f"invalid value for plan: {name!r}; give a pk.Plan from pk.optimize, a DataFrame, or a path: "
                "use a .csv, .xlsx or .parquet file",
                argument="plan",
            )
        df = _read_table(plan, "plan")
    elif isinstance(plan, pl.DataFrame):
        name, df = "the plan table", plan
    else:
        raise _core.InvalidArgumentError(
            "invalid value for plan: expected a pk.Plan from pk.optimize, a DataFrame or a .csv/.xlsx/.parquet "
            f"path with columns measure and gain, got {type(plan).__name__}",
            argument="plan",
        )
    # Plan.to_polars() / a sub-dimension plan_table(): measure, gain; a dimension plan_table():
    # dimension, required_gain.
    mcol = next((c for c in ("measure", "dimension") if c in df.columns), None)
    gcol = next((c for c in ("gain", "required_gain") if c in df.columns), None)
    for c, found in (("measure", mcol), ("gain", gcol)):
        if found is None:
            raise _core.ColumnError(
                f"column {c!r} not found in {name} (columns: {', '.join(df.columns)}); a plan table has "
                "columns measure (dimension or sub-dimension) and gain (planned points)",
                column=c,
            )
    assert mcol is not None and gcol is not None
    df = df.select(pl.col(mcol).alias("measure"), pl.col(gcol).alias("gain"))
    if df.height == 0:
        raise _core.InvalidArgumentError(
            f"invalid value for plan: {name} has no rows; list the measures the plan moves with their gains",
            argument="plan",
        )
    rows: list[tuple[str, float]] = []
    for i, (m, g) in enumerate(df.select("measure", "gain").iter_rows(), start=1):
        try:
            rows.append((str(m), float(g)))
        except (TypeError, ValueError):
            raise _core.InvalidArgumentError(
                f"invalid value for plan: row {i} of {name} has gain {g!r} for {m!r}; gains are numbers",
                argument="plan",
            ) from None
        if m is None:
            raise _core.InvalidArgumentError(
                f"invalid value for plan: row {i} of {name} has no measure", argument="plan"
            )
    return rows


def review(
    province: str | int | Province,
    year: int,
    *,
    goal: TargetRank | Group | float | None = None,
    agencies: pl.DataFrame | None = None,
    plan: Plan | pl.DataFrame | str | os.PathLike[str] | None = None,
    lang: Lang = "en",
) -> Review:
    """Review ``province``'s ``year`` against ``year - 1`` on the published results.

    The change of the total, every dimension and every sub-dimension (points, rank, group), the
    share of the total change each sub-dimension contributed, the same by responsible agency (the
    built-in table of the Đắk Lắk plan, or ``agencies`` in the format of :func:`papikit.agencies`),
    whether the goal was met and **why the rank moved**: an exact decomposition of the rank change
    into provinces that overtook it or that it overtook, and provinces that entered or left the
    ranking above it (it adds up to the places lost or won), and one sentence saying so.

    Across the 2025 merger (a loaded year on the 34 units reviewed against the 63-province year
    before it) the baseline is the previous year merged onto the 34 units: each unit's member
    provinces combined with GSO 2022 population weights (:attr:`Review.weights`), ranks in both
    years among the units scored in both years, flagged :attr:`Review.composition_changed` (and
    in the sentence); agencies are named by their 2025 successors.

    Parameters
    ----------
    province
        Name, alias or GSO code.
    year
        The year reviewed (the previous year is the baseline).
    goal
        None (the plans' default: improve the rank over last year), ``pk.TargetRank(k)``,
        ``pk.Group(name)`` or a total score as a float.
    agencies
        An agency table (``agency_code``, ``dimension``, optional ``subdimension``, ``role`` ...).
    plan
        A plan from :func:`papikit.optimize` made on ``year - 1`` for this province: ``plan`` then
        sets its planned gain against the realised change per axis (the total, every dimension
        and, for ``level="subdimension"`` plans, every planned sub-dimension with its agencies),
        and ``goal`` defaults to the plan's target. Or a plan as a table (a DataFrame, or a
        .csv / .xlsx / .parquet file, e.g. ``Plan.plan_table()`` written out): columns ``measure``
        (a dimension or sub-dimension: code, number "6.1" / "D6" or name) and ``gain`` (planned
        points), or ``dimension`` and ``required_gain`` as a dimension plan's ``plan_table()``
        has them; sub-dimension gains add to their dimension and dimensions to the total.
    lang
        "en" or "vi".

    Examples
    --------
    >>> import papikit as pk
    >>> r = pk.review("Đắk Lắk", pk.LAST_YEAR)  # the latest year against the one before
    >>> round(r.change, 4), r.rank_before, r.rank_after, r.places, r.goal_met
    (0.6837, 31, 39, -8, False)
    >>> r.largest_loss, r.largest_gain
    ('public_primary_education', 'willingness_fight_corruption')
    >>> int(r.moves["places"].sum())
    8
    >>> plan = pk.optimize("Đắk Lắk", pk.LAST_YEAR - 1, target=pk.TargetRank(25), level="subdimension")
    >>> r = pk.review("Đắk Lắk", pk.LAST_YEAR, plan=plan)  # the plan made on the year before
    >>> r.goal, r.goal_met
    ('rank 25 or better', False)
    >>> row = r.plan.filter(pl.col("number") == "6.2").row(0, named=True)
    >>> row["planned"] > 0, round(row["realised"], 4), row["reached"]
    (True, -0.4517, False)
    """
    year = check_year(year)
    from papikit.simulation import Plan as _Plan

    rows = None if plan is None or isinstance(plan, _Plan) else _plan_rows(plan)
    if goal is None and isinstance(plan, _Plan):
        goal = plan.target
    res = _core.review(province_arg(province), year, goal=goal, table=agencies)
    lang = check_lang(lang)
    if plan is None:
        return Review(res, lang, res.measures(lang), res.agencies(lang), res.moves(lang))
    check = _core.review_plan(res, plan._plan) if isinstance(plan, _Plan) else _core.review_plan_rows(res, rows or [])
    return Review(
        res, lang, res.measures(lang), res.agencies(lang), res.moves(lang), check.frame(lang), check.sentence(lang)
    )
