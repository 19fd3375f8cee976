"""Command line: ``papikit profile|report|review PROVINCE [--year Y] [--lang en|vi]`` (also
``python -m papikit ...``).

``profile`` prints a short terminal benchmark; ``report`` writes a self-contained HTML report
(charts embedded); ``review`` reviews a year against the previous one (changes down to
sub-dimensions, departments, why the rank moved). Errors (unknown province, a year without data ...) print one clear line to
stderr and exit with status 2; no file is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import polars as pl

from papikit import _core
from papikit._display import Lang
from papikit._format import number
from papikit._progress import Progress
from papikit._rules import FIRST_YEAR, LAST_YEAR, dimension_label, label
from papikit.analysis import Profile, profile
from papikit.registry import province
from papikit.review import Review

__all__ = ["Progress", "format_profile", "main"]


def _l(key: str, lang: Lang, **kw: Any) -> str:
    return label(f"cli.{key}", lang, **kw)


def _measure_name(m: str, lang: Lang) -> str:
    return f"{m.upper()} {dimension_label(m, lang)}" if m != "total" else dimension_label(m, lang)


def yoy_line(p: Profile, lang: Lang) -> str:
    """The year-on-year line of the terminal profile: the change in points and places where
    :func:`papikit.profile` calls the total comparable with the year before, else why not."""
    t = p.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
    prev = p.previous_year if p.previous_year is not None else p.year - 1
    head = _l("yoy", lang, prev=prev)
    if p.previous_year is None or t["previous_score"] is None or t["previous_rank"] is None:
        return f"{head}: {_l('no_prev', lang)}"
    if not t["comparable_with_previous"]:
        note = _core.break_note(p.year, lang=lang) or "-"
        return f"{head}: {_l('not_comp', lang, year=p.year, note=note)}"
    change = number(t["change_points"], lang=lang, sign=True)
    return (
        f"{head}: {change} {_l('points', lang)}, {t['change_places']:+d} {_l('places', lang)} "
        f"({t['previous_rank']}/{t['previous_n_ranked']} -> {t['rank']}/{t['n_ranked']})"
    )


def format_profile(p: Profile, lang: Lang = "en") -> str:
    """The terminal benchmark of a :func:`papikit.profile` (published scores), as text."""
    df = p.to_polars()
    t = df.filter(pl.col("measure") == "total").row(0, named=True)
    out = [f"{p.province} — {_l('title', lang, year=p.year)}"]
    out.append(
        f"{_l('total', lang)}: {number(t['score'], lang=lang)}   {_l('rank', lang)}: {t['rank']}/{t['n_ranked']}   "
        f"{_l('group', lang)}: {t['group']}   {_l('region', lang)} ({p.region}): {t['rank_region']}/{t['n_region']}"
    )
    out.append(yoy_line(p, lang))
    out.append("")
    rows = [
        r
        for r in df.iter_rows(named=True)
        if r["measure"] != "total" and r["score"] is not None and r["level"] != "subdimension"
    ] + [t]
    w = max(len(_measure_name(r["measure"], lang)) for r in rows) + 1
    head = (
        f"{_l('measure', lang):<{w}} {_l('score', lang):>8} {_l('rank', lang):>8} {_l('median', lang):>8} "
        f"{_l('vs_med', lang):>8}  {_l('best', lang)}"
    )
    out.append(head)
    out.append("-" * len(head))
    for r in rows:
        rk = f"{r['rank']}/{r['n_ranked']}"
        score, median = number(r["score"], lang=lang), number(r["national_median"], lang=lang)
        vs, best = number(r["vs_median"], lang=lang, sign=True), number(r["best"], lang=lang)
        if not vs.startswith(("+", "-")):
            vs = "+" + vs  # a zero difference prints as +0.0000, as before
        out.append(
            f"{_measure_name(r['measure'], lang):<{w}} {score:>8} {rk:>8} {median:>8} {vs:>8}  {best} ({r['best_province']})"
        )
    out.append("")
    out.append(_core.citation(p.year, lang=lang, short=True))
    return "\n".join(out)


def format_review(r: Review, *, top: int = 3) -> str:
    """The terminal plan review of :func:`papikit.review`, as text."""
    lang = r.lang
    name = province(r.province_code).name(lang)
    out = [label("review.title", lang, province=name, prev=r.previous_year, year=r.year)]
    out.append(
        f"{label('review.total', lang)}: {number(r.total_before, lang=lang)} -> {number(r.total_after, lang=lang)} "
        f"({number(r.change, lang=lang, sign=True)}); "
        f"{label('cli.rank', lang)} {r.rank_before}/{r.n_before} -> {r.rank_after}/{r.n_after} "
        f"({r.places:+d} {label('cli.places', lang)}); {label('review.group', lang)} {r.group_before} -> {r.group_after}"
    )
    if not r.comparable:
        out.append(label("review.not_comparable", lang, prev=r.previous_year))
    met = label("review.met" if r.goal_met else "review.not_met", lang)
    out.append(f"{label('review.goal', lang)}: {r.goal}: {met}")
    out.append(f"{label('review.why', lang)}: {r.sentence}")
    subs = r.measures.filter(
        (pl.col("level") == "subdimension") & pl.col("comparable") & pl.col("change").is_not_null()
    )
    for key, part in (
        ("review.gains", subs.sort("change", descending=True).head(top)),
        ("review.losses", subs.sort("change").head(top)),
    ):
        out.append("")
        out.append(label(key, lang) + ":")
        for m in part.iter_rows(named=True):
            out.append(
                f"  {m['number']:<4} {m['name']}: {number(m['before'], lang=lang)} -> {number(m['after'], lang=lang)} "
                f"({number(m['change'], lang=lang, sign=True)})"
                f"  [{m['agencies']}]"
            )
    if r.plan is not None:
        out.append("")
        out.append(f"{label('review.plan', lang)}: {r.plan_sentence}")
        for m in r.plan.iter_rows(named=True):
            realised = "-" if m["realised"] is None else number(m["realised"], lang=lang, sign=True)
            mark = "" if m["reached"] is None else (" ✓" if m["reached"] else " ✗")
            out.append(
                f"  {m['number'] or label('review.total', lang):<5} {number(m['planned'], lang=lang, sign=True):>8} -> {realised:>8}{mark}"
            )
    out.append("")
    out.append(label("review.by_agency", lang) + ":")
    for a in r.agencies.sort("change").iter_rows(named=True):
        out.append(f"  {number(a['change'], lang=lang, sign=True):>8}  {a['name']}")
    out.append("")
    out.append(_core.citation(r.year, lang=lang, short=True))
    return "\n".join(out)


_EXIT_CODES = "exit status: 0 ok; 2 user error (unknown province, year without data, bad option: one line on stderr); 1 internal error"


def _example(command: str, prog: str) -> str:
    """One runnable example of ``command`` (the reviewed year is the latest one)."""
    options = {
        "profile": "--year 2023 --lang vi",
        "report": "--year 2023 --lang vi --out report.html",
        "review": f"--year {LAST_YEAR} --lang vi",
    }
    return f'{prog} {command} "Đắk Lắk" {options[command]}' if command in options else f"{prog} {command} --help"


def _prog() -> str:
    """``papikit`` when run as the console script, ``python -m papikit`` otherwise."""
    name = sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1] if sys.argv and sys.argv[0] else ""
    return "papikit" if name in ("papikit", "papikit.exe") else "python -m papikit"


def _add_examples(ap: argparse.ArgumentParser, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Epilogs built from the registered commands: ``--help`` lists every command with an example."""
    ap.epilog = "examples:\n" + "\n".join(f"  {_example(name, ap.prog)}" for name in sub.choices) + "\n\n" + _EXIT_CODES
    for name, cmd in sub.choices.items():
        cmd.epilog = "example:\n  " + _example(name, ap.prog) + "\n\n" + _EXIT_CODES
        cmd.formatter_class = argparse.RawDescriptionHelpFormatter


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=_prog(),
        description=f"PAPI analytics for Viet Nam's provinces (published data {FIRST_YEAR}-{LAST_YEAR}, embedded).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--version", action="version", version=f"papikit {_core.__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    pp = sub.add_parser("profile", help="short terminal benchmark of a province")
    pp.add_argument("province", help='name or GSO code, e.g. "Đắk Lắk", "Dak Lak" or 66')
    pp.add_argument("--year", type=int, default=LAST_YEAR, help=f"PAPI year (default {LAST_YEAR})")
    pp.add_argument("--lang", choices=("en", "vi"), default="en", help="labels in English or Vietnamese")
    rp = sub.add_parser("report", help="self-contained HTML report of a province (or an Excel workbook)")
    rp.add_argument("province", help='name or GSO code, e.g. "Đắk Lắk"')
    rp.add_argument("--year", type=int, default=LAST_YEAR, help=f"PAPI year (default {LAST_YEAR})")
    rp.add_argument("--lang", choices=("en", "vi"), default="en", help="report language")
    rp.add_argument("--out", default=None, help="output file (default papi_<code>_<year>_<lang>.html or .xlsx)")
    rp.add_argument(
        "--format",
        choices=("html", "xlsx"),
        default=None,
        help="html (default; xlsx when --out ends in .xlsx): self-contained HTML or an Excel workbook",
    )
    rp.add_argument("--quiet", action="store_true", help="no progress bar (none either when stderr is not a terminal)")
    vp = sub.add_parser("review", help="last year's plan reviewed: changes, departments, why the rank moved")
    vp.add_argument("province", help='name or GSO code, e.g. "Đắk Lắk"')
    vp.add_argument("--year", type=int, default=LAST_YEAR, help=f"the year reviewed (default {LAST_YEAR})")
    vp.add_argument("--lang", choices=("en", "vi"), default="en", help="labels in English or Vietnamese")
    vp.add_argument(
        "--plan",
        default=None,
        metavar="FILE",
        help="last year's plan (.csv, .xlsx or .parquet with columns measure, gain; e.g. a plan table "
        "written from pk.optimize) set against what happened",
    )
    for sp in (pp, rp, vp):
        sp.add_argument(
            "--data",
            default=None,
            metavar="FILE",
            help="load a year's published results first (.xlsx workbook, .csv or .parquet; see pk.load_published)",
        )
        sp.add_argument("--data-year", type=int, default=None, help="year of --data (default: --year)")
        sp.add_argument("--replace", action="store_true", help="--data replaces a year already embedded")
    for sp in (rp, vp):
        sp.add_argument("--agencies", default=None, metavar="FILE", help="agency table CSV (see pk.agencies)")
    _add_examples(ap, sub)
    return ap


def _one_line(e: BaseException) -> str:
    """The error's message on one line (a file of published results with many problems: their
    number and the first one, located)."""
    from papikit.errors import PublishedDataError

    if isinstance(e, PublishedDataError) and getattr(e, "problems", None):
        n = len(e.problems)
        first = " ".join(str(e.problems[0]).split())
        return (
            f"invalid published results in {e.source_name} ({n} problem{'s' if n != 1 else ''}; first: {first}); "
            "pk.load_published(FILE, year=...) lists every problem"
        )
    return " ".join(str(e).split())


def _load_data(args: argparse.Namespace) -> None:
    """``--data FILE``: load the file's year before the command runs."""
    if getattr(args, "data", None) is None:
        return
    from papikit.loading import load_published

    year = args.data_year if args.data_year is not None else args.year
    load_published(args.data, year=year, replace=args.replace)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 bad input)."""
    args = _parser().parse_args(argv)
    try:
        _load_data(args)
        if args.command == "profile":
            print(format_profile(profile(args.province, args.year, lang=args.lang), args.lang))
            return 0
        if args.command == "review":
            from papikit.analysis import _agency_frame
            from papikit.review import review

            agencies = _agency_frame(args.agencies)
            r = review(args.province, args.year, lang=args.lang, agencies=agencies, plan=args.plan)
            print(format_review(r))
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
                progress=not args.quiet,
                format=args.format,
                agencies=args.agencies,
            )
            print(str(path))
            return 0
    except (_core.PapiError, OSError) as e:
        print(f"papikit: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except Exception as e:  # every error is one line and exit 2, never a traceback
        print(f"papikit: error: {type(e).__name__}: {_one_line(e)}", file=sys.stderr)
        return 2
    return 2  # pragma: no cover - argparse enforces a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
