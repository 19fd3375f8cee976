"""The one argument-conversion helper: every ``_core`` function is called through it.

PyO3 converts each argument before the Rust code runs; a value of the wrong type or out of range
(``year="2023"``, ``year=2023.0``, ``replicates=-1``, ``seed=10**30``, a lone surrogate in a name,
``None`` where text is needed, a ``Design`` whose ``domain`` is not text) fails there with a bare
``TypeError``/``OverflowError``/``UnicodeEncodeError`` that PyO3 tags with the argument's name (the
note ``while processing 'year'``). :func:`install` wraps the module functions of ``_core`` and the
static methods and methods of its classes (``ScoreTable.from_arrays``, ``Framework.with_columns``,
``SurveyScores.frame`` ...; the classes themselves stay the same objects, so ``isinstance`` and pickling
are untouched; the constructors validate their own arguments) so that such a failure becomes :class:`papikit.InvalidArgumentError` naming the argument (``e.argument``), with
the original error as its cause. Errors raised by papikit itself pass through unchanged.

Examples
--------
>>> import papikit as pk
>>> try:
...     pk.published("2023")
... except pk.InvalidArgumentError as e:
...     print(e.argument)
year
>>> try:
...     pk.ScoreTable.from_arrays(year="2023", provinces=[1], measures=["total"], values=[[1.0]])
... except pk.InvalidArgumentError as e:
...     print(e.argument)
year
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

from papikit.errors import InvalidArgumentError

_NOTE = re.compile(r"while processing '([^']+)'")
_FIELD = re.compile(r"failed to extract field \w+\.(\w+)")
_CONVERSION = (TypeError, OverflowError, ValueError, UnicodeError)

F = TypeVar("F", bound=Callable[..., Any])


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, UnicodeError):
        return "text that is not valid Unicode (a lone surrogate?); pass well-formed text"
    if isinstance(exc, OverflowError):
        return f"out of range ({text}); pass a non-negative integer of a sensible size"
    if "cannot be interpreted as an integer" in text or "'float' object" in text:
        return f"expected an integer ({text}); pass e.g. 2023, not '2023' or 2023.0"
    if "is not an instance of 'str'" in text or "'str'" in text:
        return f"expected text ({text})"
    return text


def conversion_error(exc: BaseException) -> InvalidArgumentError | None:
    """The :class:`InvalidArgumentError` for an argument-conversion failure, None for any other
    error (one that PyO3 did not tag with an argument name)."""
    argument = None
    for note in getattr(exc, "__notes__", ()):
        m = _NOTE.search(str(note))
        if m:
            argument = m.group(1)
    if argument is None:
        return None
    text = str(exc)
    field = _FIELD.search(text)
    if field:
        argument = f"{argument}.{field.group(1)}"
        cause = exc.__cause__
        text = str(cause) if cause is not None else text
        exc = cause if cause is not None else exc
    reason = _reason(exc) if not field else f"{_reason(exc)} (field {field.group(1)!r})"
    return InvalidArgumentError(f"invalid value for {argument}: {reason}", argument=argument, message=reason)


def bad_argument(argument: str, value: object, expected: str) -> InvalidArgumentError:
    """The :class:`InvalidArgumentError` for a Python-side check of ``argument`` (a value of the
    wrong type that the facade would otherwise fail on with a bare ``TypeError``)."""
    reason = f"expected {expected}, got {type(value).__name__} {value!r:.60}"
    return InvalidArgumentError(f"invalid value for {argument}: {reason}", argument=argument, message=reason)


def path_argument(argument: str, value: object) -> None:
    """Raise :func:`bad_argument` unless ``value`` is text or a path."""
    if not isinstance(value, str | os.PathLike):
        raise bad_argument(argument, value, "a path (str or pathlib.Path)")


def converted(f: F) -> F:
    """``f`` with argument-conversion failures raised as :class:`InvalidArgumentError`."""

    @functools.wraps(f)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except _CONVERSION as exc:
            err = conversion_error(exc)
            if err is None:
                raise
            raise err from exc

    return call  # type: ignore[return-value]


def _wrap(f: Callable[..., Any]) -> Callable[..., Any]:
    wrapped = converted(f)
    wrapped._papikit_converted = True  # type: ignore[attr-defined]
    return wrapped


def _install_class(cls: type) -> None:
    """Wrap the static methods and methods of a compiled class in place (the class object stays)."""
    for name, member in list(vars(cls).items()):
        if name.startswith("__"):
            continue  # constructors and protocol slots validate their own arguments
        kind = type(member).__name__
        if isinstance(member, staticmethod):
            inner = member.__func__
            if not getattr(inner, "_papikit_converted", False):
                setattr(cls, name, staticmethod(_wrap(inner)))
        elif isinstance(member, classmethod):
            inner = member.__func__
            if not getattr(inner, "_papikit_converted", False):
                setattr(cls, name, classmethod(_wrap(inner)))
        elif kind in ("method_descriptor", "classmethod_descriptor"):
            # a plain function wrapping the descriptor binds as a method like the descriptor did
            setattr(cls, name, _wrap(member))


def install(core: ModuleType) -> None:
    """Wrap every module-level function of ``core`` and the methods of its classes (idempotent)."""
    for name in dir(core):
        obj = getattr(core, name)
        if type(obj).__name__ == "builtin_function_or_method" and not getattr(obj, "_papikit_converted", False):
            setattr(core, name, _wrap(obj))
        elif isinstance(obj, type) and not issubclass(obj, BaseException) and obj.__module__.startswith("papikit"):
            _install_class(obj)
