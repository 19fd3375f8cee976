"""Each PAPI rule once, in the core (issue 13 item 1).

* The year-on-year comparability printed by ``papikit profile`` and shown in the report equals
  ``pk.profile``'s, for every province and every year after the first published one.
* The break-year list, the group labels and the last published year are written nowhere in
  ``python/papikit`` and exactly once in the core's non-test Rust code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polars as pl
import pytest

import papikit as pk
from papikit import _core, _rules
from papikit.cli import main

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / "python" / "papikit"
CORE = ROOT / "crates" / "papikit-core" / "src"

NOT_COMP = {"en": "not comparable", "vi": "không so sánh được"}


def _profile_or_none(code: int, year: int) -> pk.Profile | None:
    try:
        return pk.profile(code, year)
    except pk.NoDataError:
        return None


@pytest.mark.parametrize("year", range(2012, 2025))
def test_cli_and_report_comparability_equal_pk_profile(year: int, capsys: pytest.CaptureFixture[str]) -> None:
    from papikit.report import _headline

    codes = pk.provinces()["province_code"].to_list()
    seen = {True: 0, False: 0}
    for code in codes:
        p = _profile_or_none(code, year)
        status = main(["profile", str(code), "--year", str(year)])
        out = capsys.readouterr().out
        if p is None:  # no published score that year: the CLI refuses it as well
            assert status == 2 and out == ""
            continue
        assert status == 0
        t = p.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
        has_prev = t["previous_score"] is not None
        comparable = t["comparable_with_previous"]
        assert comparable == _core.comparable("total", year)
        yoy = next(line for line in out.splitlines() if line.startswith(f"Change vs {year - 1}"))
        # the CLI prints a change exactly when pk.profile has one, and says "not comparable" exactly
        # when pk.profile calls the years not comparable
        assert (NOT_COMP["en"] in yoy) == (has_prev and comparable is False), (code, year, yoy)
        assert ("points" in yoy) == (t["change_points"] is not None), (code, year, yoy)
        if t["change_points"] is not None:
            assert f"{t['change_points']:+.4f} points, {t['change_places']:+d} places" in yoy
        card = _headline(p, "en")
        assert (NOT_COMP["en"] in card) == (has_prev and comparable is False), (code, year)
        assert ("points" in card) == (t["change_points"] is not None), (code, year)
        if has_prev:
            seen[bool(comparable)] += 1
    # every year has provinces with a previous score; breaks are exactly the core's break years
    assert seen[True] + seen[False] > 50
    assert (seen[False] > 0) == (year in _rules.BREAK_YEARS)


def test_vietnamese_output_follows_the_same_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from papikit.report import _headline

    for year in (2018, 2019, 2023):
        assert main(["profile", "66", "--year", str(year), "--lang", "vi"]) == 0
        out = capsys.readouterr().out
        p = pk.profile(66, year, lang="vi")
        comparable = p.to_polars().filter(pl.col("measure") == "total")["comparable_with_previous"][0]
        assert (NOT_COMP["vi"] in out) == (not comparable)
        assert (NOT_COMP["vi"] in _headline(p, "vi")) == (not comparable)


# ------------------------------------------------------------------------------ one place only


def _python_text() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(PY.rglob("*.py")) + sorted(PY.rglob("*.pyi"))}


def _core_code() -> dict[Path, str]:
    """Non-test Rust code of the core: `#[cfg(test)]` modules, test-only files (`tests.rs`,
    `*_tests.rs`) and comment lines (`//`, `//!`, `///`) are left out."""
    out = {}
    for p in sorted(CORE.rglob("*.rs")):
        if p.name == "tests.rs" or p.name.endswith("_tests.rs"):
            continue
        text = p.read_text(encoding="utf-8").split("#[cfg(test)]")[0]
        lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
        out[p] = "\n".join(lines)
    return out


# a list of break years as written in code: 2016 and 2018 next to each other ("2016, 2018",
# "(2016, 2018, ...", "'2016', '2018'"); a year range like "2016-2018" is not a list
BREAK_LIST = re.compile(r"\b2016\b['\"]?\s*,\s*['\"]?2018\b")
GROUP_LABELS = ("Trung bình thấp", "Low average")
LAST_YEAR = re.compile(r"\b2024\b")


def test_python_restates_no_rule() -> None:
    texts = _python_text()
    assert len(texts) > 15
    for path, text in texts.items():
        rel = path.relative_to(ROOT)
        assert not BREAK_LIST.search(text), f"{rel} lists break years; read _core.break_years()"
        for g in GROUP_LABELS:
            assert g not in text, f"{rel} writes the group label {g!r}; read _core.group_labels()"
        m = LAST_YEAR.search(text)
        assert m is None, f"{rel} writes 2024: {text[max(0, m.start() - 60) : m.end() + 20]!r}"
    # and no VN/EN dictionaries: no tuple or dict literal in the package's code holds Vietnamese
    # text (labels come from the core's table; docstrings and doctests are not literals)
    vi = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.IGNORECASE)
    for path, text in texts.items():
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.Tuple, ast.Dict)):
                elts = node.elts if isinstance(node, ast.Tuple) else node.values
                strs = [e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                assert not any(vi.search(x) for x in strs), f"{path.relative_to(ROOT)}:{node.lineno} VN label literal"


def test_core_states_each_rule_once() -> None:
    code = _core_code()
    joined = "\n".join(code.values())
    # the break list: one `year: 2016` ... `year: 2021` table in analysis/trend.rs
    break_decls = [p for p, t in code.items() if re.search(r"year:\s*2016\b", t)]
    assert [p.relative_to(CORE).as_posix() for p in break_decls] == ["analysis/trend.rs"]
    assert len(re.findall(r"\byear:\s*(\d{4})\b", code[CORE / "analysis" / "trend.rs"])) == len(pk.plot.BREAK_YEARS)
    for g in GROUP_LABELS:
        assert joined.count(f'"{g}"') == 1, g
    hits = [
        (p.relative_to(CORE).as_posix(), ln) for p, t in code.items() for ln in t.splitlines() if LAST_YEAR.search(ln)
    ]
    assert len(hits) == 1 and hits[0][0] == "published.rs" and "LAST_YEAR" in hits[0][1], hits


def test_python_reads_the_rules_from_the_core() -> None:
    assert pk.plot.BREAK_YEARS == tuple(_core.break_years()) == _rules.BREAK_YEARS
    assert 2019 in pk.plot.BREAK_YEARS  # the copy in plot.py used to leave it out
    assert (_core.first_year(), _core.last_year()) == (pk.FIRST_YEAR, pk.LAST_YEAR)
    assert pk.published(pk.LAST_YEAR).height == 63
    with pytest.raises(pk.UnknownYearError):
        pk.published(pk.LAST_YEAR + 1)
    from papikit.cli import _parser

    assert _parser().parse_args(["profile", "66"]).year == pk.LAST_YEAR
    assert pk.group_labels("vi")[2] == "Trung bình thấp"
    assert [pk.group_label(k, "en") for k in _core.group_keys()] == list(pk.group_labels("en"))
    assert pk.provinces(era=63).height == pk.provinces(era=_core.merger_year() - 1).height == 63
    assert pk.provinces(era=34).height == pk.provinces(era=_core.merger_year()).height == 34
    with pytest.raises(pk.InvalidArgumentError, match="era"):
        pk.provinces(era=12)
    # dimension names: the core reads them from data/papi_dimensions.csv
    assert _core.dimension_name(2, 2017)[0] == "Transparency"
    assert _core.dimension_name(2, 2018)[0] == "Transparency in Local Decision-making"
    # one label table: an unknown key names its neighbours
    with pytest.raises(pk.UnknownCodeError, match=r"cli\.total"):
        _core.label("cli.nope", "en")


def test_compare_and_league_come_from_the_core() -> None:
    hl = ["Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng"]
    c = pk.compare(hl, 2023, values="rank")
    assert c.schema["Dak Lak"] == pl.Int64 and c.schema["measure"] == pl.String
    ranked = pk.rank(pk.published(2023).drop("rank", "n_ranked", "group"), by=["total", "d4"])
    dl = ranked.filter(pl.col("province_code") == 66).row(0, named=True)
    assert c.filter(pl.col("measure") == "d4")["Dak Lak"][0] == dl["d4_rank"]
    s = pk.compare(hl, 2023)
    for r in s.iter_rows(named=True):
        vals = {n: r[n] for n in ["Kon Tum", "Gia Lai", "Dak Lak", "Dak Nong", "Lam Dong"] if r[n] is not None}
        assert r["best_in_set"] == max(vals, key=lambda n: (vals[n], n))
    lg = pk.league(2023, by="D4", region=5)
    assert lg.columns == [
        "position",
        "province_code",
        "province_name",
        "province_name_en",
        "region",
        "d4",
        "rank",
        "n_ranked",
        "group",
    ]
    assert lg["position"].to_list() == list(range(1, lg.height + 1))
    assert lg["d4"].to_list() == sorted(lg["d4"].to_list(), reverse=True)
    assert lg.schema["position"] == pl.UInt32 and lg.schema["province_code"] == pl.Int32
    d4 = ranked.filter(pl.col("province_code").is_in(lg["province_code"].to_list())).sort("d4", descending=True)
    assert lg["rank"].to_list() == d4["d4_rank"].to_list()
