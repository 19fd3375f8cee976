"""Command line: ``python -m papikit profile|report PROVINCE [--year Y] [--lang en|vi]``.

``profile`` prints a short terminal benchmark; ``report`` writes a self-contained HTML report
(charts embedded). Errors (unknown province, a year without data ...) print one clear line to
stderr and exit with status 2; no file is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from papikit import _core
from papikit._benchmark import Benchmark, benchmark
from papikit._display import Lang

LATEST_YEAR = 2024

_L: dict[str, tuple[str, str]] = {
    "title": ("PAPI {year}", "PAPI {year}"),
    "total": ("Total score", "Điểm tổng hợp"),
    "rank": ("Rank", "Xếp hạng"),
    "group": ("Group", "Nhóm"),
    "region": ("Region", "Vùng"),
    "yoy": ("Change vs {prev}", "So với {prev}"),
    "points": ("points", "điểm"),
    "places": ("places", "bậc"),
    "not_comp": (
        "(not comparable: 2018 structural break, 6 -> 8 dimensions)",
        "(không so sánh được: thay đổi cấu trúc 2018, 6 -> 8 lĩnh vực)",
    ),
    "no_prev": ("no score the previous year", "không có điểm năm trước"),
    "measure": ("Measure", "Chỉ tiêu"),
    "score": ("Score", "Điểm"),
    "median": ("Median", "Trung vị"),
    "vs_med": ("vs med.", "so TV"),
    "best": ("Best (province)", "Cao nhất (tỉnh)"),
}


def _l(key: str, lang: Lang, **kw: Any) -> str:
    en, vi = _L[key]
    return (vi if lang == "vi" else en).format(**kw)


def _measure_name(m: str, lang: Lang) -> str:
    from papikit.plot import dimension_label

    return f"{m.upper()} {dimension_label(m, lang)}" if m != "total" else dimension_label(m, lang)


def format_profile(b: Benchmark) -> str:
    """The terminal benchmark of :func:`papikit._benchmark.benchmark`, as text."""
    lang = b.lang
    out = [f"{b.province.name(lang)} — {_l('title', lang, year=b.year)}"]
    out.append(
        f"{_l('total', lang)}: {b.total:.4f}   {_l('rank', lang)}: {b.rank}/{b.n_ranked}   "
        f"{_l('group', lang)}: {b.group}   {_l('region', lang)} ({b.region}): {b.rank_region}/{b.n_region}"
    )
    if b.prev_total is not None and b.prev_rank is not None and b.prev_year is not None:
        dp = b.change_points or 0.0
        dr = b.change_places or 0
        line = (
            f"{_l('yoy', lang, prev=b.prev_year)}: {dp:+.4f} {_l('points', lang)}, {dr:+d} {_l('places', lang)} "
            f"({b.prev_rank}/{b.prev_n} -> {b.rank}/{b.n_ranked})"
        )
        if not b.comparable_with_prev:
            line += " " + _l("not_comp", lang)
        out.append(line)
    else:
        out.append(f"{_l('yoy', lang, prev=b.year - 1)}: {_l('no_prev', lang)}")
    out.append("")
    w = max(len(_measure_name(m, lang)) for m in b.table["measure"]) + 1
    head = (
        f"{_l('measure', lang):<{w}} {_l('score', lang):>8} {_l('rank', lang):>8} {_l('median', lang):>8} "
        f"{_l('vs_med', lang):>8}  {_l('best', lang)}"
    )
    out.append(head)
    out.append("-" * len(head))
    for r in b.table.iter_rows(named=True):
        rk = f"{r['rank']}/{r['n']}"
        out.append(
            f"{_measure_name(r['measure'], lang):<{w}} {r['score']:>8.4f} {rk:>8} {r['median']:>8.4f} "
            f"{r['diff_median']:>+8.4f}  {r['best']:.4f} ({r['best_province']})"
        )
    return "\n".join(out)


class Progress:
    """Progress lines on stderr for steps that take longer than ``threshold`` seconds."""

    def __init__(self, stream: TextIO | None = None, *, threshold: float = 1.0, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.threshold = threshold
        self.enabled = enabled
        self._t0 = time.perf_counter()
        self._label: str | None = None

    def step(self, label: str) -> None:
        """Close the previous step (reporting it if it took > threshold) and start ``label``."""
        self.done()
        self._label = label
        self._t0 = time.perf_counter()

    def done(self) -> None:
        if self._label is not None and self.enabled:
            dt = time.perf_counter() - self._t0
            if dt > self.threshold:
                print(f"papikit: {self._label} ... {dt:.1f} s", file=self.stream, flush=True)
        self._label = None


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m papikit",
        description="PAPI analytics for Viet Nam's provinces (published data 2011-2024, embedded).",
    )
    sub = ap.add_subparsers(dest="command", required=True)
    pp = sub.add_parser("profile", help="short terminal benchmark of a province")
    pp.add_argument("province", help='name or GSO code, e.g. "Đắk Lắk", "Dak Lak" or 66')
    pp.add_argument("--year", type=int, default=LATEST_YEAR, help=f"PAPI year (default {LATEST_YEAR})")
    pp.add_argument("--lang", choices=("en", "vi"), default="en")
    rp = sub.add_parser("report", help="self-contained HTML report of a province")
    rp.add_argument("province", help='name or GSO code, e.g. "Đắk Lắk"')
    rp.add_argument("--year", type=int, default=LATEST_YEAR, help=f"PAPI year (default {LATEST_YEAR})")
    rp.add_argument("--lang", choices=("en", "vi"), default="en")
    rp.add_argument("--out", default=None, help="output file (default papi_<province>_<year>.html)")
    rp.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 bad input)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "profile":
            b = benchmark(args.province, args.year, lang=args.lang)
            print(format_profile(b))
            return 0
        if args.command == "report":
            from papikit.report import report

            path = report(
                args.province,
                year=args.year,
                lang=args.lang,
                out=args.out,
                progress=Progress(enabled=not args.quiet),
            )
            print(str(path))
            return 0
    except _core.PapiError as e:
        print(f"papikit: error: {e}", file=sys.stderr)
        return 2
    return 2  # pragma: no cover - argparse enforces a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
