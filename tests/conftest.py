import polars as pl
import pytest

import papikit as pk


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict) -> None:
    doctest_namespace["pl"] = pl
    doctest_namespace["pk"] = pk
