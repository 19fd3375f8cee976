"""papikit: analytics for Viet Nam's PAPI index (Chỉ số PAPI).

Examples
--------
>>> import papikit as pk
>>> pk.published(2023).filter(pl.col("name_en") == "Dak Lak")["rank"][0]
31
"""

from papikit._version_check import check_polars

check_polars()

import polars as pl  # noqa: E402

from papikit._core import __version__  # noqa: E402
from papikit.errors import (  # noqa: E402
    ColumnError,
    FrameworkError,
    InfeasibleError,
    InvalidArgumentError,
    NoDataError,
    PapiError,
    SurveyError,
    UnknownCodeError,
    UnknownProvinceError,
    UnknownYearError,
)
from papikit.framework import Framework, framework  # noqa: E402
from papikit.published import national_stats, published  # noqa: E402
from papikit.ranking import group_bands, group_sizes, rank  # noqa: E402
from papikit.registry import Province, Unit2025, crosswalk_2025, province, provinces, unit_2025  # noqa: E402
from papikit.survey import PAPI_DESIGN, Design, Survey, SurveyResult, read_survey, synthetic_survey  # noqa: E402

__all__ = [
    "ColumnError",
    "Framework",
    "FrameworkError",
    "InfeasibleError",
    "InvalidArgumentError",
    "NoDataError",
    "PapiError",
    "Province",
    "SurveyError",
    "Unit2025",
    "UnknownCodeError",
    "UnknownProvinceError",
    "UnknownYearError",
    "__version__",
    "crosswalk_2025",
    "framework",
    "group_bands",
    "group_sizes",
    "national_stats",
    "province",
    "provinces",
    "published",
    "rank",
    "unit_2025",
    "PAPI_DESIGN",
    "Design",
    "Survey",
    "SurveyResult",
    "read_survey",
    "synthetic_survey",
]
