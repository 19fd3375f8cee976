"""papikit: analytics for Viet Nam's PAPI index (Chỉ số PAPI).

Examples
--------
>>> import papikit as pk
>>> import polars as pl
>>> pk.published(2023).filter(pl.col("province_name_en") == "Dak Lak")["rank"][0]
31
"""

from papikit._version_check import check_polars

check_polars()


from papikit import (  # noqa: E402
    _args,
    _core,
    plot,
)
from papikit._core import __version__  # noqa: E402
from papikit._format import Config  # noqa: E402

_args.install(_core)
from papikit.analysis import (  # noqa: E402
    Gaps,
    Merged,
    Profile,
    ScoreTable,
    agencies,
    compare,
    gaps,
    league,
    merged,
    profile,
    trend,
)
from papikit.citation import cite  # noqa: E402
from papikit.errors import (  # noqa: E402
    ColumnError,
    FileError,
    FrameworkError,
    InfeasibleError,
    InternalError,
    InvalidArgumentError,
    NoDataError,
    PapiError,
    PublishedDataError,
    ResourceLimitError,
    SurveyError,
    UnknownCodeError,
    UnknownProvinceError,
    UnknownYearError,
)
from papikit.excel import write_excel  # noqa: E402
from papikit.framework import Framework, framework  # noqa: E402
from papikit.limits import memory_limit, set_memory_limit  # noqa: E402
from papikit.loading import (  # noqa: E402
    LoadedYear,
    agency_successions,
    load_published,
    loaded_years,
    population_2022,
    unload_published,
)
from papikit.published import FIRST_YEAR, LAST_YEAR, national_stats, published  # noqa: E402
from papikit.ranking import group_bands, group_label, group_labels, group_sizes, rank  # noqa: E402
from papikit.registry import (  # noqa: E402
    Province,
    Unit2025,
    crosswalk_2025,
    province,
    provinces,
    unit_2025,
)
from papikit.report import report, report_html  # noqa: E402
from papikit.review import Review, review  # noqa: E402
from papikit.simulation import (  # noqa: E402
    CloseGap,
    Plan,
    Sensitivity,
    Simulation,
    SuccessProbability,
    optimize,
    sensitivity,
    simulate,
    success_probability,
)
from papikit.summary import summary  # noqa: E402
from papikit.survey import (  # noqa: E402
    PAPI_DESIGN,
    Design,
    ReplicateSurvey,
    Survey,
    SurveyResult,
    read_survey,
    synthetic_survey,
)
from papikit.targets import Group, TargetRank, Year  # noqa: E402
from papikit.uncertainty import published_se, published_with_se  # noqa: E402

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "PAPI_DESIGN",
    "CloseGap",
    "ColumnError",
    "Config",
    "Design",
    "FileError",
    "Framework",
    "FrameworkError",
    "Gaps",
    "Group",
    "InfeasibleError",
    "InternalError",
    "InvalidArgumentError",
    "LoadedYear",
    "Merged",
    "NoDataError",
    "PapiError",
    "Plan",
    "Profile",
    "Province",
    "PublishedDataError",
    "ReplicateSurvey",
    "ResourceLimitError",
    "Review",
    "ScoreTable",
    "Sensitivity",
    "Simulation",
    "SuccessProbability",
    "Survey",
    "SurveyError",
    "SurveyResult",
    "TargetRank",
    "Unit2025",
    "UnknownCodeError",
    "UnknownProvinceError",
    "UnknownYearError",
    "Year",
    "__version__",
    "agencies",
    "agency_successions",
    "cite",
    "compare",
    "crosswalk_2025",
    "framework",
    "gaps",
    "group_bands",
    "group_label",
    "group_labels",
    "group_sizes",
    "league",
    "load_published",
    "loaded_years",
    "memory_limit",
    "merged",
    "national_stats",
    "optimize",
    "plot",
    "population_2022",
    "profile",
    "province",
    "provinces",
    "published",
    "published_se",
    "published_with_se",
    "rank",
    "read_survey",
    "report",
    "report_html",
    "review",
    "sensitivity",
    "set_memory_limit",
    "simulate",
    "success_probability",
    "summary",
    "synthetic_survey",
    "trend",
    "unit_2025",
    "unload_published",
    "write_excel",
]
