"""Model-based uncertainty of published scores (issue 15).

Published PAPI results carry no standard errors. :func:`published_se` gives a default SE per
province and measure from a model of the PAPI sample: the survey engine (Rao-Wu bootstrap) run on
the synthetic survey calibrated to the year (:func:`papikit.synthetic_survey`), computed once per
year in the core and cached for the process. :func:`pk.gaps <papikit.gaps>` and
:func:`pk.success_probability <papikit.success_probability>` use it on published scores when no
SE is given. See the methodology page, "Model-based SEs of published scores".
"""

from __future__ import annotations

import polars as pl

from papikit import _core


def published_se(year: int, *, subdimensions: bool = False) -> pl.DataFrame:
    """Model-based SEs of the published scores of ``year``: one row per province and measure.

    Columns ``year, province_code, province_name, province_name_en, measure, level, se, se_source`` (``se_source`` is
    ``"model-based"``): the SE the survey engine gives each province and measure on the synthetic
    survey calibrated to ``year`` (the year's PAPI design and sample sizes; 500 bootstrap
    replicates, fixed seeds). The total and the dimensions, with ``subdimensions=True`` the
    sub-dimensions too. Computed on first use of a year (a fraction of a second), then cached.

    Examples
    --------
    >>> import papikit as pk
    >>> t = pk.published_se(2023)
    >>> t.columns
    ['year', 'province_code', 'province_name', 'province_name_en', 'measure', 'level', 'se', 'se_source']
    >>> t["measure"].unique(maintain_order=True).to_list()[:3], t["se_source"].unique().to_list()
    (['total', 'd1', 'd2'], ['model-based'])
    >>> 0.1 < t.filter(pl.col("measure") == "total")["se"].median() < 0.6
    True
    """
    return _core.published_se(year, subdimensions=subdimensions)


def published_with_se(year: int, *, subdimensions: bool = False) -> _core.ScoreTable:
    """The published scores of ``year`` as a ScoreTable carrying the model-based SEs of
    :func:`published_se` (pass it as ``source=`` wherever a ScoreTable is accepted).

    Examples
    --------
    >>> import papikit as pk
    >>> g = pk.gaps("Đắk Lắk", 2023, against="best", source=pk.published_with_se(2023))
    >>> g.table["se"].null_count() == 0
    True
    """
    return _core.published_model_table(year, subdimensions=subdimensions)
