"""What-if simulation, marginal values, least-cost plans to a target and their success probability.

* :func:`simulate` — change provinces' scores (points on the total / a dimension / a sub-dimension,
  percentage points on an indicator, or :class:`CloseGap`) and re-rank every province. Scores are
  capped at each measure's range and the change that survives the cap propagates up the hierarchy
  (sub-dimension -> dimension -> total).
* :func:`sensitivity` — points of total and ranks gained per unit of each measure and per unit of
  effort (one standard deviation of the measure across provinces, see docs/effort-model.md), the
  probability of reaching the next group gained per unit of effort (with SEs), and the nearest rank
  thresholds above.
* :func:`optimize` — the least-effort plan to reach ``pk.TargetRank(k)``, ``pk.Group(name)`` or a
  total score. Default cost: the effort model, ``sum (gain_m / sd_m)^2`` with ``sd_m`` the spread
  of the measure across provinces that year; the gain is spread so that the marginal effort per
  point of total is equal on every axis below its cap (solved exactly). With ``costs=`` (cost per
  unit), the exact linear plan (a continuous knapsack, cheapest per point first; ties to the measure
  listed first). ``others=`` lets the competitors stay, follow their trend or the national pace
  while the plan is carried out. Rank targets need the total strictly above the competitor's:
  ``gain = their score - own score + epsilon`` with ``epsilon = 1e-4``, so the new total is also
  strictly above at PAPI's 4 published decimals. With ``probability=p`` the plan reaches the target
  in at least a share ``p`` of Monte Carlo draws of all provinces' scores.
* :func:`success_probability` — P(reaching the target) for a plan, and every province's rank
  distribution, with normal draws around each total (seeded; identical for any thread count).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from papikit import _core, _rules
from papikit._display import Lang, TableResult, check_lang, check_year, frame_html
from papikit._format import number, province_name, rounded
from papikit._progress import track
from papikit.registry import province_arg
from papikit.targets import CloseGap as CloseGap  # re-exported: pk.CloseGap
from papikit.targets import Group, TargetRank

Target = TargetRank | Group | float
SE = float | Mapping[str, float] | None

EPSILON = 1e-4


def _number(what: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _core.InvalidArgumentError(f"invalid value for {what}: {v!r} is not a number")
    return float(v)


def _pairs(what: str, m: Mapping[str, float] | None) -> list[tuple[str, float]]:
    if m is None:
        return []
    if not isinstance(m, Mapping):
        raise _core.InvalidArgumentError(f"invalid value for {what}: expected a mapping of measure code -> number")
    return [(str(k), _number(f"{what}[{k!r}]", v)) for k, v in m.items()]


def _se(se: SE) -> dict[str, Any]:
    if se is None:
        return {}
    if isinstance(se, Mapping):
        return {"se_measures": _pairs("se", se)}
    return {"se_total": _number("se", se)}


def _target(target: object, score: object = None) -> Target:
    """``target`` or ``score=`` (exactly one); a bare int target is refused (it would read as a
    total score of that many points, almost never what is meant)."""
    if score is not None:
        if target is not None:
            raise _core.InvalidArgumentError("invalid value for score: give either target= or score=, not both")
        return _number("score", score)
    if target is None:
        raise _core.InvalidArgumentError(
            "invalid value for target: missing; use target=pk.TargetRank(k), target=pk.Group(name) or score=x"
        )
    if isinstance(target, int) and not isinstance(target, bool):
        raise _core.InvalidArgumentError(
            f"invalid value for target: {target!r} is a bare whole number; for a rank use "
            f"target=pk.TargetRank({target}), for a total score use score={target} (or target={target}.0)"
        )
    return target  # type: ignore[return-value]


def _source(source: object) -> Any:
    """The ``_core.ScoreTable`` behind ``source`` (None / "published" = published scores)."""
    if source is None or source == "published":
        return None
    from papikit.analysis import _table

    return _table(source)


# --------------------------------------------------------------------------------------------- simulate


@dataclass(frozen=True)
class Simulation(TableResult):
    """Result of :func:`simulate`: every province before and after, the movers and the changed measures.

    Read from the Rust result (``_core.SimulationResult``); the frames are in the ``lang`` of the call.
    """

    _result: _core.SimulationResult = field(repr=False, compare=False)
    table: pl.DataFrame = field(repr=False)
    movers: pl.DataFrame = field(repr=False)
    changes: pl.DataFrame = field(repr=False)
    #: Requested changes a range cap cut short: ``measure``, ``requested``, ``applied`` (what
    #: propagated to the dimension and the total) and the ``bound`` that stopped it.
    capped: pl.DataFrame = field(repr=False)
    lang: Lang = "en"

    @property
    def year(self) -> int:
        return self._result.year

    def headline(self) -> str:
        """One line per changed province: total and rank before -> after, group after."""
        name = _rules.province_name_column(self.lang)
        lines = []
        for r in self.table.filter(pl.col("changed")).iter_rows(named=True):
            lines.append(
                f"{r[name]}: {number(r['total_before'], lang=self.lang)} -> {number(r['total_after'], lang=self.lang)}"
                f" ({number(r['total_change'], lang=self.lang, sign=True)}), rank {r['rank_before']} -> "
                f"{r['rank_after']}, {r['group_before']} -> {r['group_after']}"
            )
        return f"Simulation {self.year}: " + ("; ".join(lines) or "no province changed")

    def __repr__(self) -> str:
        keep = [
            c
            for c in self.movers.columns
            if not c.endswith("_after") or c in ("total_after", "rank_after", "group_after")
        ]
        capped = f"\ncapped by a range:\n{rounded(self.capped)}" if self.capped.height else ""
        return f"{self.headline()}\n{rounded(self.movers.select(keep))}{capped}"

    def to_polars(self) -> pl.DataFrame:
        """One row per province: totals, ranks and groups before and after, dimension scores after."""
        return self.table

    def _repr_html_(self) -> str:
        html = frame_html(self.movers, title=self.headline(), lang=self.lang)
        if self.capped.height:
            html += frame_html(self.capped, title="capped", lang=self.lang)
        return html


def simulate(
    year: int,
    changes: Mapping[str | int, Mapping[str, float | CloseGap]],
    *,
    others: Literal["stay", "trend", "national"] = "stay",
    years: int = 3,
    source: object = None,
    lang: Lang = "en",
) -> Simulation:
    """Simulate changes of some provinces' scores and re-rank every province.

    Parameters
    ----------
    year
        Year of the published results the simulation starts from.
    changes
        ``{province: {measure: amount}}``; province as name or GSO code; measure ``total``, ``d1``..``d8``,
        a sub-dimension by its number in that year's report (``"6.1"``), its code
        (``"public_health"``) or its English/Vietnamese name, or an indicator code when the source has
        them; amount in the measure's units (points; percentage points for an indicator; may be
        negative) or a :class:`CloseGap`. A sub-dimension is capped to its own range (1/n..10/n for
        one of n sub-dimensions) and what survives the cap moves its dimension and the total by the
        same points; every cut is listed in ``capped``. One province may not change a measure and a
        measure under it in one request (``d6`` with ``6.1``: a dimension change cannot be split
        over its sub-dimensions unambiguously): that is an ``InvalidArgumentError``; an unknown
        sub-dimension, or one the year's framework does not have, an ``UnknownCodeError`` listing
        that year's choices.
    others
        What the provinces without a change do: ``"stay"``, ``"trend"`` (own least-squares trend per
        dimension over the last ``years`` published years, one year ahead) or ``"national"``
        (national average annual change per dimension over the last ``years`` years).
    source
        ``None``/``"published"`` (published total, dimension and sub-dimension scores), or a ``pk.ScoreTable`` / survey result
        (anything with ``.score_table()``) with sub-dimension and indicator scores, standard errors or
        replicates. Indicator changes go through the framework's normalisation (goalposts, direction).

    Examples
    --------
    >>> import papikit as pk
    >>> s = pk.simulate(2023, {"Đắk Lắk": {"d4": 0.5}})
    >>> row = s.movers.filter(pl.col("province_code") == 66).row(0, named=True)
    >>> round(row["total_after"], 4), row["rank_before"]
    (42.8265, 31)
    >>> s = pk.simulate(2023, {"Đắk Lắk": {"6.1": 0.3}})  # a sub-dimension: public health
    >>> s.changes.select("measure", pl.col("change").round(6)).rows()
    [('total', 0.3), ('d6', 0.3), ('public_health', 0.3)]
    >>> pk.simulate(2023, {"Đắk Lắk": {"6.1": 5.0}}).capped.select("measure", "requested", "bound").rows()
    [('public_health', 5.0, 2.5)]
    """
    year = check_year(year)
    table = _source(source)
    if not isinstance(changes, Mapping):
        raise _core.InvalidArgumentError("invalid value for changes: expected {province: {measure: amount}}")
    specs: list[tuple[str, str, float | CloseGap]] = []
    for prov, per in changes.items():
        if not isinstance(per, Mapping):
            raise _core.InvalidArgumentError(
                f"invalid value for changes[{prov!r}]: expected a mapping of measure -> amount"
            )
        specs += [(province_arg(prov), str(measure), amount) for measure, amount in per.items()]
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise _core.InvalidArgumentError(f"invalid value for years: {years!r}; use a whole number >= 1")
    result = _core.simulate(year, specs, others=others, years=years, table=table)
    lang = check_lang(lang)
    return Simulation(result, result.frame(lang), result.movers(lang), result.changes(), result.capped(), lang)


# ------------------------------------------------------------------------------------------ sensitivity


@dataclass(frozen=True)
class Sensitivity(TableResult):
    """Result of :func:`sensitivity`: marginal-value table and the thresholds above."""

    _result: _core.SensitivityResult = field(repr=False, compare=False)
    table: pl.DataFrame = field(repr=False)
    thresholds: pl.DataFrame = field(repr=False)
    lang: Lang = "en"

    @property
    def province(self) -> int:
        return self._result.province

    @property
    def province_code(self) -> int:
        """GSO code of the province (the same as ``province``; Profile and Gaps name it so)."""
        return self._result.province

    @property
    def province_name(self) -> str:
        """Name of the province in the result's language."""
        return province_name(self.province, self.lang)

    @property
    def year(self) -> int:
        return self._result.year

    @property
    def total(self) -> float:
        return self._result.total

    @property
    def rank(self) -> int:
        return self._result.rank

    @property
    def n_ranked(self) -> int:
        return self._result.n_ranked

    @property
    def probability_target(self) -> Target | None:
        """Target of the ``probability_gain`` column: the next better group (rank 1 from the top group)."""
        return self._result.probability_target

    @property
    def probability_now(self) -> float | None:
        """P(reaching ``probability_target``) with no change; None without standard errors."""
        return self._result.probability_now

    @property
    def se_source(self) -> str | None:
        """Where the SEs of the probability columns come from: ``"given"`` (``se=``), ``"source"``
        (the source's SEs or replicates), ``"model-based"`` (published scores, the model SEs of
        :func:`papikit.published_se`), None (no SEs: no probability columns)."""
        return self._result.se_source

    def headline(self) -> str:
        """Province, year, total and rank."""
        return (
            f"Sensitivity: {self.province_name} {self.year}, total {number(self.total, lang=self.lang)}, "
            f"rank {self.rank}/{self.n_ranked}"
        )

    def __repr__(self) -> str:
        cols = ["measure", "current", "total_per_unit", "points_per_effort", "ranks_per_effort", "effort_to_next_rank"]
        t = self.table.select([c for c in cols if c in self.table.columns] or self.table.columns)
        return f"{self.headline()}\n{rounded(t)}"

    def to_polars(self) -> pl.DataFrame:
        """One row per measure: points of total and ranks gained per unit and per unit of effort."""
        return self.table

    def _repr_html_(self) -> str:
        thresholds = _core.label("report.t_thresholds", self.lang)
        return frame_html(self.table, title=self.headline(), lang=self.lang) + frame_html(
            self.thresholds, title=thresholds, lang=self.lang
        )


def sensitivity(
    province: str | int,
    year: int,
    *,
    level: Literal["dimension", "subdimension", "indicator"] | None = None,
    n_thresholds: int = 5,
    se: SE = None,
    draws: int = 10_000,
    seed: int = 0,
    source: object = None,
    lang: Lang = "en",
    progress: bool = True,
) -> Sensitivity:
    """Marginal value of each measure for a province, competitors fixed.

    Per unit of the measure: ``total_per_unit`` is the points of total one unit adds (1 for
    dimensions and sub-dimensions), ``ranks_per_unit`` the ranks gained by +1 unit (capped at the
    range), ``units_to_next_rank`` the units needed on that measure alone to pass the next province
    above. These are alike for every dimension; per unit of **effort** they are not. One unit of
    effort is one standard deviation of the measure across provinces that year (``scale``; see
    docs/effort-model.md): ``points_per_effort``, ``ranks_per_effort`` (``rank_after_effort``) and
    ``effort_to_next_rank``. With standard errors (``se=``: one number for every total, or
    ``{measure: se}``; or a source carrying SEs/replicates), ``probability_gain`` is the probability
    of reaching the next better group (``probability_target``) gained by one unit of effort, from
    ``draws`` seeded Monte Carlo draws (the same draws for every row). Published scores without
    ``se=`` use the model-based SEs of :func:`papikit.published_se`, as
    :func:`success_probability` does (``se_source`` on the result says which SEs were used). ``thresholds`` lists the
    nearest provinces above and the entry score of every better group, with the points of total
    needed (their score - own + 1e-4). ``progress``: a bar over the Monte Carlo draws on a terminal
    or in a notebook (same numbers either way).

    ``level``: on published results the dimensions by default; ``level="subdimension"`` gives the
    published sub-dimensions of that year (one unit = one point of the sub-dimension, effort scale =
    its spread across provinces). With a survey ``source``, ``None`` means every level.

    Examples
    --------
    >>> import papikit as pk
    >>> s = pk.sensitivity("Đắk Lắk", 2023)
    >>> s.rank, s.table.height, s.thresholds["rank_reached"][0]
    (31, 8, 30)
    >>> s = pk.sensitivity("Đắk Lắk", pk.LAST_YEAR, se=0.5, draws=2000)
    >>> s.table["points_per_effort"].n_unique(), s.probability_target
    (8, Group(name='high_average'))
    >>> s.se_source, pk.sensitivity("Đắk Lắk", 2023, draws=2000).se_source
    ('given', 'model-based')
    >>> pk.sensitivity("Đắk Lắk", 2023, level="subdimension").table.height  # the 2023 framework's 28
    28
    """
    year = check_year(year)
    if isinstance(n_thresholds, bool) or not isinstance(n_thresholds, int) or n_thresholds < 0:
        raise _core.InvalidArgumentError(f"invalid value for n_thresholds: {n_thresholds!r}")
    with track("Monte Carlo", progress, unit="draws"):
        result = _core.sensitivity(
            province_arg(province),
            year,
            level=level,
            n_thresholds=n_thresholds,
            draws=draws,
            seed=seed,
            table=_source(source),
            **_se(se),
        )
    lang = check_lang(lang)
    return Sensitivity(result, result.frame(lang), result.thresholds(lang), lang)


# -------------------------------------------------------------------------------------------- optimise


def _target_str(t: object, lang: Lang) -> str:
    """A target as people say it: the group's label, "rank 15", else its repr."""
    if isinstance(t, Group):
        return _core.group_label(t.name, lang)
    if isinstance(t, TargetRank):
        return f"rank {t.rank}"
    return repr(t)


@dataclass(frozen=True)
class Plan(TableResult):
    """A least-cost improvement plan (result of :func:`optimize`)."""

    _plan: _core.PlanResult = field(repr=False, compare=False)
    lang: Lang
    gains: tuple[tuple[str, float], ...]
    items: pl.DataFrame = field(repr=False)
    dimensions: pl.DataFrame = field(repr=False)

    @property
    def province(self) -> int:
        return self._plan.province

    @property
    def province_code(self) -> int:
        """GSO code of the province (the same as ``province``; Profile and Gaps name it so)."""
        return self._plan.province

    @property
    def province_name(self) -> str:
        """Name of the province in the plan's language."""
        return province_name(self.province, self.lang)

    @property
    def year(self) -> int:
        return self._plan.year

    @property
    def level(self) -> str:
        return self._plan.level

    @property
    def target(self) -> Target:
        return self._plan.target

    @property
    def target_rank(self) -> int | None:
        return self._plan.target_rank

    @property
    def threshold(self) -> float:
        return self._plan.threshold

    @property
    def required_gain(self) -> float:
        return self._plan.required_gain

    @property
    def epsilon(self) -> float:
        return self._plan.epsilon

    @property
    def cost_model(self) -> str:
        """``"effort"`` (default: sum of (gain / spread)^2) or ``"linear"`` (user ``costs=``)."""
        return self._plan.cost_model

    @property
    def others(self) -> str:
        """What the other provinces do under the plan: ``"stay"``, ``"trend"`` or ``"national"``."""
        return self._plan.others

    @property
    def total_cost(self) -> float:
        return self._plan.total_cost

    @property
    def total_before(self) -> float:
        return self._plan.total_before

    @property
    def total_after(self) -> float:
        return self._plan.total_after

    @property
    def rank_before(self) -> int:
        return self._plan.rank_before

    @property
    def rank_after(self) -> int:
        return self._plan.rank_after

    @property
    def n_ranked(self) -> int:
        return self._plan.n_ranked

    @property
    def group_after(self) -> str | None:
        return self._plan.group_after(self.lang)

    @property
    def probability(self) -> float | None:
        return self._plan.probability

    @property
    def scale(self) -> float | None:
        return self._plan.scale

    @property
    def deterministic_gain(self) -> float | None:
        return self._plan.deterministic_gain

    @property
    def source(self) -> Any:
        """The score table the plan was computed on when one was given (None: published)."""
        return self._plan.source

    def headline(self) -> str:
        """Province, target, total and rank before -> after, gain, cost, how the others move."""
        n = self.lang
        text = (
            f"Plan: {self.province_name} {self.year} -> {_target_str(self.target, n)}: total {number(self.total_before, lang=n)} -> "
            f"{number(self.total_after, lang=n)} (gain {number(self.required_gain, lang=n)}), rank {self.rank_before} "
            f"-> {self.rank_after}/{self.n_ranked}, {self.cost_model} cost {number(self.total_cost, lang=n)}, "
            f"others {self.others}"
        )
        if self.probability is not None:
            text += f", P(success) {number(self.probability, 3, lang=n)}"
        return text

    def __repr__(self) -> str:
        return f"{self.headline()}\n{rounded(self.dimensions)}"

    def to_polars(self) -> pl.DataFrame:
        """One row per measure of the plan: current, cap, gain, target, cost, share of the gain."""
        return self.items

    def plan_table(self, agencies: pl.DataFrame | None = None, *, lang: Lang = "en") -> pl.DataFrame:
        """Per dimension: responsible agencies, current score and rank, target score, required gain,
        share of effort, cost — the table a provincial plan needs (export with ``write_csv``/``write_excel``).

        A plan below the dimensions (``level="subdimension"``) gets one row per sub-dimension
        instead: ``dimension``, ``measure`` (code), ``number`` ("6.1"), ``name``, ``agencies`` (the
        departments assigned to that sub-dimension or to its whole dimension, lead first),
        ``current``, ``current_rank``, ``cap``, ``gain``, ``target``, ``share``, ``cost``.

        ``agencies`` defaults to :func:`papikit.agencies` (the Đắk Lắk plan's assignments); pass your
        own table with columns ``dimension`` and ``agency`` (or ``agency_en``/``agency_vi``), and
        optionally ``role`` (``lead`` agencies are listed first).

        Examples
        --------
        >>> import papikit as pk
        >>> import polars as pl
        >>> plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15))
        >>> t = plan.plan_table()
        >>> t.columns[:7], round(t["required_gain"].sum(), 4) == round(plan.required_gain, 4)
        (['dimension', 'name', 'agencies', 'current', 'current_rank', 'target', 'required_gain'], True)
        >>> "Sở Y tế" in plan.plan_table(lang="vi").filter(pl.col("dimension") == "d6")["agencies"][0]
        True
        >>> sub = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15), level="subdimension")
        >>> sub.plan_table(lang="vi").filter(pl.col("number") == "6.2")["agencies"][0]
        'Sở Giáo dục và Đào tạo'
        """
        from papikit.analysis import agencies as default_agencies

        lang = check_lang(lang)
        if self.level != "dimension":
            return self._plan.agency_table(lang, table=agencies)
        out = self.dimensions
        if agencies is None:
            agencies = default_agencies(lang=lang)
        name = "agency" if "agency" in agencies.columns else ("agency_vi" if lang == "vi" else "agency_en")
        for c in ("dimension", name):
            if c not in agencies.columns:
                raise _core.ColumnError(f"column {c!r} not found in the agency table (columns: {agencies.columns})")
        order = pl.col("role") != "lead" if "role" in agencies.columns else pl.lit(0)
        agg = (
            agencies.with_columns(pl.col("dimension").cast(pl.String).str.to_lowercase(), order.alias("_order"))
            .sort("_order", maintain_order=True)
            .group_by("dimension", maintain_order=True)
            .agg(pl.col(name).unique(maintain_order=True).str.join("; ").alias("agencies"))
        )
        joined = out.join(agg, on="dimension", how="left")
        return joined.select(
            "dimension", "name", "agencies", *[c for c in out.columns if c not in ("dimension", "name")]
        )

    def _repr_html_(self) -> str:
        return frame_html(self.dimensions, title=self.headline(), lang=self.lang)


def optimize(
    province: str | int,
    year: int,
    *,
    target: Target | None = None,
    score: float | None = None,
    costs: Mapping[str, float] | None = None,
    caps: Mapping[str, float] | None = None,
    level: Literal["dimension", "subdimension", "indicator"] = "dimension",
    others: Literal["stay", "trend", "national"] = "stay",
    years: int = 3,
    probability: float | None = None,
    se: SE = None,
    draws: int = 10_000,
    seed: int = 0,
    source: object = None,
    lang: Lang = "en",
    progress: bool = True,
) -> Plan:
    """The least-effort plan for a province to reach a target.

    Parameters
    ----------
    target
        ``pk.TargetRank(k)`` (rank k or better), ``pk.Group("high")`` (into that group) or a total
        score (a float; a bare int such as ``15`` is refused: use ``pk.TargetRank(15)`` or
        ``score=15``).
    score
        A total score to reach, instead of ``target`` (``score=45`` is ``target=45.0``).
    costs
        Without it (default), the effort model: one unit of effort on a measure is one standard
        deviation of it across provinces that year, effort is quadratic, ``sum (gain / sd)^2``, and
        the plan spreads the gain so the marginal effort per point of total is equal on every
        measure below its cap (exact, unique; see docs/effort-model.md). With it: cost per unit of
        each measure (unlisted measures cost 1; must be >= 0), the exact linear plan (cheapest per
        point first; equal cost per point goes to the measure listed first).
    caps
        Highest score allowed per measure (default: the best score observed on it that year); must
        lie inside the measure's range.
    level
        Measures the plan may move: ``"dimension"``, ``"subdimension"`` (published results carry
        both: the year's sub-dimensions, each capped at the best observed score on it and within
        its range 1/n..10/n; ``costs``/``caps`` by number ``"6.1"``, code or name) or
        ``"indicator"`` (needs survey results). ``plan_table()`` names the responsible agencies.
    others, years
        What the other provinces do meanwhile, as in :func:`simulate`: ``"stay"``, ``"trend"`` (own
        trend over the last ``years`` years, one year ahead) or ``"national"`` (national pace). The
        plan reaches the target against the moved field, checked by re-simulating it with
        :func:`simulate` under the same ``others`` (``rank_after`` is that simulation's).
    probability, se, draws, seed
        With ``probability=p``: the cheapest plan whose total gain reaches the target in at least a
        share p of ``draws`` Monte Carlo draws of every province's total (SEs from ``se``: one number
        for every total, or ``{measure: se}`` combined as sqrt(sum se^2)), centred on the field
        moved as ``others`` says. ``progress``: a bar over the draws on a terminal or in a
        notebook (same numbers either way).

    Raises
    ------
    InfeasibleError
        When the caps do not allow the target; its ``best_rank`` and ``best_score`` attributes give
        the best the caps allow.

    Examples
    --------
    >>> import papikit as pk
    >>> plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15))
    >>> plan.rank_after, round(plan.required_gain, 4), plan.epsilon, plan.cost_model
    (15, 1.6339, 0.0001, 'effort')
    >>> plan = pk.optimize("Đắk Lắk", pk.LAST_YEAR, target=pk.Group("high average"))
    >>> [(m, round(g, 4)) for m, g in plan.gains][:3]
    [('d1', 0.1872), ('d2', 0.109), ('d3', 0.0178)]
    >>> pk.optimize("Đắk Lắk", pk.LAST_YEAR, target=pk.Group("high average"), others="trend").required_gain > plan.required_gain
    True
    """
    year = check_year(year)
    lang = check_lang(lang)
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise _core.InvalidArgumentError(f"invalid value for years: {years!r}; use a whole number >= 1")
    with track("Monte Carlo", progress and probability is not None, unit="draws"):
        plan = _core.optimize(
            province_arg(province),
            year,
            target=_target(target, score),
            costs=_pairs("costs", costs),
            caps=_pairs("caps", caps),
            level=level,
            others=others,
            years=years,
            probability=None if probability is None else _number("probability", probability),
            draws=draws,
            seed=seed,
            table=_source(source),
            **_se(se),
        )
    return Plan(plan, lang, tuple(plan.gains), plan.frame(lang), plan.dimensions(lang))


# ------------------------------------------------------------------------------------------ uncertainty


@dataclass(frozen=True)
class SuccessProbability(TableResult):
    """Result of :func:`success_probability`."""

    probability: float
    draws: int
    seed: int
    ranks: pl.DataFrame = field(repr=False)
    distribution: pl.DataFrame = field(repr=False)
    #: Where the SEs came from: ``"given"`` (``se=``), ``"source"`` (the plan's table) or
    #: ``"model-based"`` (published scores: :func:`papikit.published_se`).
    se_source: str = "source"

    def to_polars(self) -> pl.DataFrame:
        """One row per province: mean and SE of the total, rank quantiles, group probabilities."""
        return self.ranks

    def headline(self) -> str:
        """P(target) with the number of draws and the seed."""
        return f"P(target) = {self.probability:.4f} ({self.draws} draws, seed {self.seed})"

    def __repr__(self) -> str:
        return f"SuccessProbability: {self.headline()}\n{rounded(self.ranks)}"

    def _repr_html_(self) -> str:
        return frame_html(self.ranks, title=f"{self.headline()}; SE {self.se_source}")


def success_probability(
    plan: Plan,
    *,
    se: SE = None,
    draws: int = 10_000,
    seed: int = 0,
    progress: bool = True,
) -> SuccessProbability:
    """P(the plan's province reaches its target) when every province's total is uncertain.

    Each draw gives every ranked province ``total + se * z`` (independent normals; the plan's gains
    added to its province) and ranks the draw. ``se``: one SE for every total, or ``{measure: se}``
    (e.g. one per dimension, combined as sqrt(sum se^2)); ``None`` uses the plan's source's SEs or
    replicates, and for published results (which carry none) the model-based SEs of
    :func:`papikit.published_se` (``se_source == "model-based"``). The competitors are
    where the plan assumed them (moved by its ``others``). Seeded (ChaCha8),
    bit-identical for any number of threads. The rank table names provinces in both languages
    (``province_name``, ``province_name_en``). ``progress``: a bar over the draws on a terminal or in a notebook
    (never when stderr is not a terminal, or with ``False``; same numbers either way).

    Examples
    --------
    >>> import papikit as pk
    >>> plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15))
    >>> r = pk.success_probability(plan, se=0.5, draws=2000)
    >>> 0.0 < r.probability < 1.0, r.ranks.height
    (True, 61)
    >>> pk.success_probability(plan, draws=2000).se_source
    'model-based'
    """
    if isinstance(plan, int) and not isinstance(plan, bool):
        raise _core.InvalidArgumentError(
            f"invalid value for plan: {plan!r} is a bare whole number; build the plan first, e.g. "
            f"pk.success_probability(pk.optimize(province, year, target=pk.TargetRank({plan})), se=...)"
        )
    if not isinstance(plan, Plan):
        raise _core.InvalidArgumentError(f"invalid value for plan: expected a pk.Plan, got {type(plan).__name__}")
    with track("Monte Carlo", progress, unit="draws"):
        p, ranks, dist = _core.success_probability(plan._plan, list(plan.gains), draws=draws, seed=seed, **_se(se))
    uses_model = se is None and _core.plan_uses_model_se(plan._plan)
    src = "given" if se is not None else ("model-based" if uses_model else "source")
    return SuccessProbability(probability=p, draws=draws, seed=seed, ranks=ranks, distribution=dist, se_source=src)
