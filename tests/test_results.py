"""Every result object is an immutable value that shows itself in Jupyter and converts to tables."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

import papikit as pk


def _results() -> list[object]:
    survey = pk.Survey(pk.synthetic_survey(2023, seed=2, scale=0.3), design=pk.PAPI_DESIGN)
    return [
        pk.framework(2023),
        pk.profile("Đắk Lắk", 2023),
        pk.gaps("Đắk Lắk", 2023),
        pk.merged(2023, weights={c: 1.0 for c in pk.provinces()["province_code"].to_list()}),
        survey.score(pk.framework(2023), replicates=30, year=2023),
        pk.simulate(2023, {"Đắk Lắk": {"d4": 0.5}}),
        pk.sensitivity("Đắk Lắk", 2023),
        pk.optimize("Đắk Lắk", 2023, target=pk.Group("high")),
        pk.success_probability(pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(15)), se=0.2, draws=500),
    ]


@pytest.mark.parametrize("i", range(9))
def test_result_protocol(i: int) -> None:
    r = _results()[i]
    html = r._repr_html_()  # type: ignore[attr-defined]
    assert "<table" in html
    assert isinstance(r.to_polars(), pl.DataFrame)  # type: ignore[attr-defined]
    pdf = r.to_pandas()  # type: ignore[attr-defined]
    assert len(pdf) == r.to_polars().height  # type: ignore[attr-defined]
    assert repr(r)
    if dataclasses.is_dataclass(r):
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.year = 1999  # type: ignore[misc]
