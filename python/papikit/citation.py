"""How to cite the source of papikit's numbers: the year's PAPI report (CECODES, RTA & UNDP)."""

from __future__ import annotations

from papikit import _core
from papikit._display import Lang, check_lang
from papikit._rules import LAST_YEAR

__all__ = ["cite"]


def cite(year: int = LAST_YEAR, *, lang: Lang = "en", short: bool = False) -> str:
    """The citation of the PAPI report on survey ``year`` (the source of every published number).

    The authors of record and the publication year (the spring after the survey year) are the
    core's (``crates/papikit-core/src/cite.rs``); ``short=True`` gives the one-line source note that
    the report and the command line print.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.cite(2022)[:65]
    'CECODES, VFF-CRT, RTA & UNDP (2023). The 2022 Viet Nam Governance'
    >>> pk.cite(2022, lang="vi", short=True)
    'Nguồn: CECODES, VFF-CRT, RTA và UNDP (2023), Báo cáo PAPI năm 2022 (papi.org.vn)'
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise _core.InvalidArgumentError(f"invalid value for year: {year!r}; use a PAPI year such as 2023")
    return _core.citation(year, lang=check_lang(lang), short=short)
