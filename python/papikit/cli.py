"""Command line: ``python -m papikit profile|report PROVINCE [--year Y] [--lang en|vi]``.

``profile`` prints a short terminal benchmark; ``report`` writes a self-contained HTML report
(charts embedded). Errors (unknown province, a year without data ...) print one clear line to
stderr and exit with status 2; no file is written.
"""

from __future__ import annotations

import argparse
import sys
import threading
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
    """Progress lines on stderr for steps that take longer than ``threshold`` seconds.

    A step that is still running after ``threshold`` seconds announces itself
    (``papikit: charts ...``) and reports its duration when it ends (``papikit: charts done in 4.2 s``);
    quicker steps print nothing.
    """

    def __init__(self, stream: TextIO | None = None, *, threshold: float = 1.0, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.threshold = threshold
        self.enabled = enabled
        self._t0 = time.perf_counter()
        self._label: str | None = None
        self._timer: threading.Timer | None = None
        self._announced = False
        self._lock = threading.Lock()

    def _announce(self, label: str) -> None:
        with self._lock:
            if self._label == label and not self._announced:
                print(f"papikit: {label} ...", file=self.stream, flush=True)
                self._announced = True

    def step(self, label: str) -> None:
        """Close the previous step and start ``label``."""
        self.done()
        self._label = label
        self._announced = False
        self._t0 = time.perf_counter()
        if self.enabled:
            if self.threshold <= 0:
                self._announce(label)
            else:
                self._timer = threading.Timer(self.threshold, self._announce, args=(label,))
                self._timer.daemon = True
                self._timer.start()

    def done(self) -> None:
        """End the current step (prints its duration if it was announced)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        with self._lock:
            if self._label is not None and self.enabled:
                dt = time.perf_counter() - self._t0
                if self._announced or dt > self.threshold:
                    print(f"papikit: {self._label} done in {dt:.1f} s", file=self.stream, flush=True)
            self._label = None
            self._announced = False


_EXAMPLES: dict[str, str] = {
    "profile": '{prog} profile "Đắk Lắk" --year 2023 --lang vi',
    "report": '{prog} report "Đắk Lắk" --year 2023 --lang vi --out report.html',
}
_EXIT_CODES = "exit status: 0 ok; 2 user error (unknown province, year without data, bad option: one line on stderr); 1 internal error"


def _prog() -> str:
    """``papikit`` when run as the console script, ``python -m papikit`` otherwise."""
    name = sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1] if sys.argv and sys.argv[0] else ""
    return "papikit" if name in ("papikit", "papikit.exe") else "python -m papikit"


def _add_examples(ap: argparse.ArgumentParser, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Epilogs built from the registered commands: ``--help`` lists every command with an example."""
    lines = [f"  {_EXAMPLES.get(name, '{prog} ' + name + ' --help').format(prog=ap.prog)}" for name in sub.choices]
    ap.epilog = "examples:\n" + "\n".join(lines) + "\n\n" + _EXIT_CODES
    for name, cmd in sub.choices.items():
        if name in _EXAMPLES:
            cmd.epilog = "example:\n  " + _EXAMPLES[name].format(prog=ap.prog) + "\n\n" + _EXIT_CODES
            cmd.formatter_class = argparse.RawDescriptionHelpFormatter


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=_prog(),
        description="PAPI analytics for Viet Nam's provinces (published data 2011-2024, embedded).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--version", action="version", version=f"papikit {_core.__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    pp = sub.add_parser("profile", help="short terminal benchmark of a province")
    pp.add_argument("province", help='name or GSO code, e.g. "Đắk Lắk", "Dak Lak" or 66')
    pp.add_argument("--year", type=int, default=LATEST_YEAR, help=f"PAPI year (default {LATEST_YEAR})")
    pp.add_argument("--lang", choices=("en", "vi"), default="en", help="labels in English or Vietnamese")
    rp = sub.add_parser("report", help="self-contained HTML report of a province")
    rp.add_argument("province", help='name or GSO code, e.g. "Đắk Lắk"')
    rp.add_argument("--year", type=int, default=LATEST_YEAR, help=f"PAPI year (default {LATEST_YEAR})")
    rp.add_argument("--lang", choices=("en", "vi"), default="en", help="report language")
    rp.add_argument("--out", default=None, help="output file (default papi_<code>_<year>_<lang>.html)")
    rp.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    _add_examples(ap, sub)
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
            try:
                import matplotlib
            except ImportError:
                print(
                    "papikit: error: the report needs matplotlib; install it with pip install 'papikit[plot]'",
                    file=sys.stderr,
                )
                return 2
            matplotlib.use("Agg")  # a command writes files: never open a window
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
