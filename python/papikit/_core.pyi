# Type stubs for the Rust extension papikit._core (crate papikit-py). Keep in step with the glue.
from typing import Any

import polars as pl

__version__: str

class PapiError(Exception): ...
class UnknownProvinceError(PapiError): ...
class UnknownYearError(PapiError): ...
class ColumnError(PapiError): ...
class FrameworkError(PapiError): ...
class UnknownCodeError(PapiError): ...
class NoDataError(PapiError): ...
class InvalidArgumentError(PapiError): ...
class SurveyError(PapiError): ...
class InfeasibleError(PapiError): ...

# registry
def province(query: str) -> dict[str, Any]: ...
def unit_2025(query: str) -> dict[str, Any]: ...
def provinces_63() -> pl.DataFrame: ...
def units_2025() -> pl.DataFrame: ...
def crosswalk_2025() -> pl.DataFrame: ...

# published, ranks
def published_frame(year: int | None = None, *, lang: str = "en") -> pl.DataFrame: ...
def national_stats(year: int, *, lang: str = "en") -> pl.DataFrame: ...
def rank_frame(df: pl.DataFrame, by: str, *, within: str | None = None, lang: str = "en") -> pl.DataFrame: ...
def group_bands(df: pl.DataFrame, by: str, *, lang: str = "en") -> pl.DataFrame: ...
def group_sizes(n: int) -> list[int]: ...
def group_key(name: str) -> str: ...

# framework
class Framework:
    name: str
    first_year: int
    last_year: int
    n_dimensions: int
    n_subdimensions: int
    n_indicators: int
    def to_polars(self) -> pl.DataFrame: ...
    def items_frame(self) -> pl.DataFrame: ...
    def to_json(self) -> str: ...
    def to_toml(self) -> str: ...
    def with_columns(self, mapping: dict[str, str]) -> Framework: ...

def framework_builtin(year: int) -> Framework: ...
def framework_from_json(text: str) -> Framework: ...
def framework_from_toml(text: str) -> Framework: ...
def framework_from_polars(df: pl.DataFrame, name: str, first_year: int, last_year: int) -> Framework: ...

# analysis (gaps, profile, trend, merge, agencies)
class ScoreTable:
    @staticmethod
    def published(year: int) -> ScoreTable: ...
    @staticmethod
    def from_arrays(
        year: int,
        provinces: list[int],
        measures: list[tuple[str, str, str | None, str, str]],
        values: Any,
        *,
        se: Any = None,
        replicates: Any = None,
        scale: float = 1.0,
        centre_full: bool = True,
        method: str = "supplied",
        source: str = "survey",
    ) -> ScoreTable: ...
    @property
    def year(self) -> int: ...
    @property
    def source(self) -> str: ...
    @property
    def provinces(self) -> list[int]: ...
    @property
    def measures(self) -> list[str]: ...
    @property
    def has_replicates(self) -> bool: ...
    @property
    def has_se(self) -> bool: ...

def gap_table(
    province: str,
    year: int,
    *,
    kind: str,
    peers: list[str] | None = None,
    group: str | None = None,
    target_rank: int | None = None,
    other_year: int | None = None,
    region_stat: str = "best",
    level: float = 0.95,
    lang: str = "en",
    table: ScoreTable | None = None,
    other_table: ScoreTable | None = None,
) -> tuple[pl.DataFrame, dict[str, Any]]: ...
def profile_table(
    province: str,
    year: int,
    *,
    previous_year: int | None = None,
    margin: int = 10,
    lang: str = "en",
    table: ScoreTable | None = None,
    previous_table: ScoreTable | None = None,
) -> tuple[pl.DataFrame, dict[str, Any]]: ...
def trend_table(province: str, years: list[int], *, lang: str = "en") -> pl.DataFrame: ...
def comparable_with_previous(measure: str, year: int) -> bool | None: ...
def merged_table(
    year: int, *, weights: dict[str, float] | None = None, population_year: int | None = None, lang: str = "en"
) -> tuple[pl.DataFrame, pl.DataFrame]: ...
def agency_table(table: pl.DataFrame | None = None, *, lang: str = "en") -> pl.DataFrame: ...
def by_agency(gaps: pl.DataFrame, table: pl.DataFrame | None = None, *, lang: str = "en") -> pl.DataFrame: ...

# simulation, sensitivity, optimiser, Monte Carlo
def simulate(
    year: int,
    changes: list[tuple[str, str, str, float, float | None]],
    *,
    others: str = "stay",
    years: int = 3,
    lang: str = "en",
    table: ScoreTable | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]: ...
def sensitivity(
    province: str,
    year: int,
    *,
    level: str | None = None,
    n_thresholds: int = 5,
    lang: str = "en",
    table: ScoreTable | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]: ...
def optimize(
    province: str,
    year: int,
    *,
    target_kind: str,
    target_value: float = 0.0,
    target_group: str | None = None,
    costs: list[tuple[str, float]] = ...,
    caps: list[tuple[str, float]] = ...,
    level: str = "dimension",
    probability: float | None = None,
    se_total: float | None = None,
    se_measures: list[tuple[str, float]] | None = None,
    draws: int = 10000,
    seed: int = 0,
    lang: str = "en",
    table: ScoreTable | None = None,
) -> dict[str, Any]: ...
def success_probability(
    province: str,
    year: int,
    gains: list[tuple[str, float]],
    *,
    target_kind: str,
    target_value: float = 0.0,
    target_group: str | None = None,
    se_total: float | None = None,
    se_measures: list[tuple[str, float]] | None = None,
    draws: int = 10000,
    seed: int = 0,
    lang: str = "en",
    table: ScoreTable | None = None,
) -> tuple[float, pl.DataFrame, pl.DataFrame]: ...

# survey
class SurveyScores:
    year: int
    framework: str
    method: str
    normalisation: str
    level: float
    n_replicates: int
    seed: int
    rank_draws: str
    provinces: list[int]
    def frame(self, level: str, *, ci_level: float, lang: str = "en") -> pl.DataFrame: ...
    def ranks(self, level: str, *, ci_level: float, top: int | None = None, lang: str = "en") -> pl.DataFrame: ...
    def replicates(self, level: str) -> tuple[list[str], Any]: ...
    def score_table(self) -> ScoreTable: ...

class ReplicateDesign:
    method: str
    n_replicates: int
    replicates: int
    seed: int

def survey_replicate(
    df: pl.DataFrame,
    *,
    design: dict[str, Any],
    method: str = "bootstrap",
    replicates: int = 1000,
    seed: int = 1,
) -> ReplicateDesign: ...
def survey_score(
    df: pl.DataFrame,
    framework: Framework,
    *,
    design: dict[str, Any],
    method: str = "bootstrap",
    replicates: int = 1000,
    seed: int = 1,
    level: float = 0.9,
    normalisation: str = "goalposts",
    year: int | None = None,
    units_2025: bool = False,
    replicate_design: ReplicateDesign | None = None,
) -> SurveyScores: ...
def survey_domain_means(
    df: pl.DataFrame,
    items: list[str],
    *,
    design: dict[str, Any],
    method: str = "taylor",
    replicates: int = 1000,
    seed: int = 1,
    level: float = 0.9,
    replicate_design: ReplicateDesign | None = None,
) -> pl.DataFrame: ...
def synthetic_survey(year: int, *, seed: int = 0, scale: float = 1.0) -> pl.DataFrame: ...
