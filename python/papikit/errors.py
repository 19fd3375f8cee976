"""papikit's exception hierarchy; every error derives from :class:`PapiError`."""

from papikit._core import (
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

__all__ = [
    "ColumnError",
    "FrameworkError",
    "InfeasibleError",
    "InvalidArgumentError",
    "NoDataError",
    "PapiError",
    "SurveyError",
    "UnknownCodeError",
    "UnknownProvinceError",
    "UnknownYearError",
]
