"""papikit's exception hierarchy; every error derives from :class:`PapiError`.

Errors are data: each exception carries its fields as attributes (``e.province``,
``e.suggestions``, ``e.column``, ``e.year``, ``e.argument``, ``e.best_rank`` ...) and
``e.errors()`` lists located problems as ``{"loc", "kind", "message"}`` dicts, like pydantic.
A framework specification reports every problem it has; any other error gives one item.

Examples
--------
>>> import papikit as pk
>>> try:
...     pk.province("Dak Lek")
... except pk.UnknownProvinceError as e:
...     print(e.query, e.suggestions[0])
...     print(e.errors()[0]["kind"])
Dak Lek Đắk Lắk
unknown_province
"""

from __future__ import annotations

from typing import Any, TypedDict


class ErrorItem(TypedDict):
    """One located problem: where (``loc``), what kind (``kind``) and the message."""

    loc: str
    kind: str
    message: str


class PapiError(Exception):
    """Base class of every papikit error.

    Raised by papikit with the fields of the error as attributes; code may raise one with a
    message and keyword fields, e.g. ``InvalidArgumentError("invalid value for x: ...",
    argument="x")``.
    """

    _kind = "papi_error"

    def __init__(self, message: str = "", /, **fields: Any) -> None:
        super().__init__(message)
        for name, value in fields.items():
            setattr(self, name, value)

    def errors(self) -> list[ErrorItem]:
        """Every located problem as ``{"loc": ..., "kind": ..., "message": ...}``.

        An invalid framework lists each of its problems; any other error gives one item located
        at its culprit (province query, year, column, argument ...).
        """
        items = self.__dict__.get("_errors")
        if items is None:
            loc = next(
                (
                    str(self.__dict__[f])
                    for f in ("argument", "column", "province", "year", "path")
                    if f in self.__dict__
                ),
                "",
            )
            return [ErrorItem(loc=loc, kind=self._kind, message=str(self))]
        return [ErrorItem(loc=i["loc"], kind=i["kind"], message=i["message"]) for i in items]


class UnknownProvinceError(PapiError):
    """A province name or code that matches no province.

    Attributes: ``query`` (also ``province``): the name or code given; ``suggestions``: up to
    three closest province names.
    """

    _kind = "unknown_province"
    query: str
    province: str
    suggestions: list[str]


class UnknownYearError(PapiError):
    """A year without published PAPI data. Attributes: ``year``, ``first``, ``last``."""

    _kind = "unknown_year"
    year: int
    first: int
    last: int


class ColumnError(PapiError):
    """A missing column or a column of the wrong type.

    Attributes: ``column``; a missing column also ``available``, a wrong type ``found`` and
    ``expected``.
    """

    _kind = "column"
    column: str
    available: str
    found: str
    expected: str


class FrameworkError(PapiError):
    """An invalid or unparsable framework specification.

    Attributes: ``problems`` (each problem as printed, ``loc: message``) for an invalid
    specification, ``format``, ``message`` and ``path`` (the key path of the culprit, e.g.
    ``dimensions[2].subdimensions[0].code``; empty when unknown) for one that cannot be parsed.
    ``errors()`` gives every problem with its location (that key path) and kind.
    """

    _kind = "invalid_framework"
    problems: list[str]
    format: str
    message: str
    path: str


class UnknownCodeError(PapiError):
    """An unknown dimension, sub-dimension, indicator, group or agency code.

    Attributes: ``kind`` (what sort of code), ``code``, ``known``.
    """

    _kind = "unknown_code"
    kind: str
    code: str
    known: str


class NoDataError(PapiError):
    """A province without data for the requested year or measure.

    Attributes: ``province``, ``year``, ``what``.
    """

    _kind = "no_data"
    province: str
    year: int
    what: str


class InvalidArgumentError(PapiError):
    """An argument with an invalid value. Attributes: ``argument``, ``message``."""

    _kind = "invalid_argument"
    argument: str
    message: str


class SurveyError(PapiError):
    """Invalid survey microdata or design. Attributes: ``location``, ``message``."""

    _kind = "invalid_survey"
    location: str
    message: str


class InfeasibleError(PapiError):
    """A target that cannot be reached within the caps.

    Attributes: ``target``, ``best_rank`` (the best reachable rank), ``best_score``.
    """

    _kind = "infeasible"
    target: str
    best_rank: int
    best_score: float


class InternalError(PapiError):
    """A bug in papikit (a caught panic in the core); please report it with the code that
    triggered it."""

    _kind = "internal"


class ResourceLimitError(InvalidArgumentError):
    """A request whose estimated memory is over papikit's limit, refused before anything is
    allocated. Attributes: ``argument`` (the argument to lower), ``estimate`` and ``limit`` (bytes),
    ``what`` (what it would hold). The limit is ``pk.set_memory_limit(...)``, else the environment
    variable ``PAPIKIT_MEMORY_LIMIT`` (e.g. ``2G``), else half of the machine's memory."""

    _kind = "resource_limit"
    estimate: int
    limit: int
    what: str


class FileError(PapiError, OSError):
    """A file that cannot be read or written: missing, a directory, no permission, not writable,
    truncated or corrupt. Also an :class:`OSError`. Attributes: ``path``, ``operation`` ("read" or
    "write") and ``message`` (the operating system's or the reader's reason)."""

    _kind = "file"
    path: str
    operation: str

    def __init__(self, message: str = "", /, **fields: Any) -> None:
        PapiError.__init__(self, message, **fields)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self),), dict(self.__dict__))


class PublishedDataError(PapiError):
    """A table of published results with problems (a new year's file given to load_published).
    See :func:`papikit.load_published`. ``errors()`` lists every problem located at its cell (``sheet 2025_VIE_ENG!D14`` or
    ``row 12, column d4``). Attributes: ``source_name``, ``problems`` (as printed).
    """

    _kind = "invalid_published"
    source_name: str
    problems: list[str]


__all__ = [
    "ColumnError",
    "ErrorItem",
    "FileError",
    "FrameworkError",
    "InfeasibleError",
    "InternalError",
    "InvalidArgumentError",
    "NoDataError",
    "PapiError",
    "PublishedDataError",
    "ResourceLimitError",
    "SurveyError",
    "UnknownCodeError",
    "UnknownProvinceError",
    "UnknownYearError",
]
