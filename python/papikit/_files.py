"""Operating-system and reader errors on a path -> :class:`papikit.FileError` naming the path.

Examples
--------
>>> import papikit as pk
>>> try:
...     pk.Framework.read("/nonexistent/framework.json")
... except pk.FileError as e:
...     print(e.path, e.operation)
/nonexistent/framework.json read
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl

from papikit.errors import FileError, PapiError


def file_error(path: str | os.PathLike[str], operation: str, reason: str) -> FileError:
    """The :class:`FileError` for ``operation`` ("read"/"write") on ``path``."""
    p = os.fspath(path)
    return FileError(f"cannot {operation} {p!r}: {reason}", path=p, operation=operation, message=reason)


@contextmanager
def guarded(path: str | os.PathLike[str], operation: str) -> Iterator[None]:
    """Raise OS errors (and, when reading, parse errors of a truncated or corrupt file) met inside
    the block as :class:`FileError` naming ``path``; papikit's own errors pass through."""
    if operation == "read" and os.path.isdir(path):
        raise file_error(path, operation, "it is a directory; give a file")
    try:
        yield
    except PapiError:
        raise
    except OSError as e:
        raise file_error(path, operation, e.strerror or str(e)) from e
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise file_error(path, operation, f"unreadable, truncated or corrupt file ({first})") from e
