"""Excel out (issue 12 item 1), read back with an independent reader (openpyxl).

Golden values: Đắk Lắk 2023 total 42.3265, rank 31 of 61 (published PAPI 2023, papi.org.vn; the
embedded panel, crates/papikit-core/data/PROVENANCE.md), best province Thừa Thiên Huế 46.0415, so
the 8 dimension gaps to the best sum to the total gap 3.7150 (PAPI 2023 totals are the workbook
totals, equal to the sum of the dimensions within 5e-4).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

import papikit as pk
from papikit import _core
from papikit.cli import main

VI_HEADERS = set(_core.labels_section("column", "vi").values())


def _sheets(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: ws for ws in wb.worksheets}


def _rows(ws: Any) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    return [dict(zip(head, r, strict=True)) for r in rows[1:]]


def _width(ws: Any, index: int) -> float:
    """Width of column ``index`` (1-based); xlsxwriter writes one <col> for a run of equal columns."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= dim.max:
            return float(dim.width)
    raise AssertionError(f"{ws.title}: column {index} has no width set")


def _header(ws: Any) -> list[str]:
    return [c.value for c in ws[1]]


def _cell(ws: Any, column: str, where: tuple[str, object]) -> Any:
    """The cell of ``column`` in the first row whose ``where[0]`` column equals ``where[1]``."""
    head = _header(ws)
    ci, wi = head.index(column), head.index(where[0])
    for row in ws.iter_rows(min_row=2):
        if row[wi].value == where[1]:
            return row[ci]
    raise AssertionError(f"no row with {where}")


@pytest.fixture(scope="module")
def report_vi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "dak_lak_2023_vi.xlsx"
    status = main(["report", "Đắk Lắk", "--year", "2023", "--lang", "vi", "--format", "xlsx", "--out", str(out)])
    assert status == 0 and out.exists()
    return out


def test_report_workbook_vi_has_the_numbers(report_vi: Path) -> None:
    sheets = _sheets(report_vi)
    assert next(iter(sheets)) == "Hồ sơ"
    assert "Biểu đồ" in sheets and "Nguồn" in sheets
    prof = sheets["Hồ sơ"]
    head = _header(prof)
    # VN headers (from the core's label table), rank as a number with "31/61" as text beside it
    assert {"Lĩnh vực nội dung", "Điểm", "Hạng", "Hạng/Số tỉnh", "Số tỉnh xếp hạng", "Nhóm"} <= set(head)
    assert head.index("Hạng/Số tỉnh") == head.index("Hạng") + 1
    score = _cell(prof, "Điểm", ("Lĩnh vực nội dung", "total"))
    assert isinstance(score.value, float) and round(score.value, 4) == 42.3265
    assert score.number_format == "0.0000"
    rank = _cell(prof, "Hạng", ("Lĩnh vực nội dung", "total"))
    assert rank.value == 31 and isinstance(rank.value, int) and rank.number_format == "0"
    assert _cell(prof, "Hạng/Số tỉnh", ("Lĩnh vực nội dung", "total")).value == "31/61"
    assert _cell(prof, "Số tỉnh xếp hạng", ("Lĩnh vực nội dung", "total")).value == 61
    # the 8 dimension gaps to the best province sum to 3.7150
    gaps = sheets["Khoảng cách"]
    assert {"Khoảng cách", "Tham chiếu", "Điểm của tỉnh", "Cấp"} <= set(_header(gaps))
    dims = [r for r in _rows(gaps) if r["Cấp"] == "dimension"]
    assert len(dims) == 8
    assert all(isinstance(r["Khoảng cách"], float) for r in dims)
    assert round(sum(r["Khoảng cách"] for r in dims), 4) == 3.7150
    total_gap = [r["Khoảng cách"] for r in _rows(gaps) if r["Cấp"] == "total"]
    assert round(total_gap[0], 4) == 3.7150
    assert _cell(gaps, "Khoảng cách", ("Cấp", "total")).number_format == "0.0000"


def test_report_workbook_vi_headers_charts_sources(report_vi: Path) -> None:
    sheets = _sheets(report_vi)
    tables = [ws for name, ws in sheets.items() if name != "Biểu đồ"]
    assert len(tables) >= 7
    for ws in tables:
        head = _header(ws)
        # every header is a Vietnamese label of the core's table
        assert set(head) <= VI_HEADERS, (ws.title, set(head) - VI_HEADERS)
        assert ws.freeze_panes == "A2", ws.title
    # charts: PNG images on the Biểu đồ sheet, each under its caption
    charts = sheets["Biểu đồ"]
    images = charts._images
    assert len(images) >= 6
    for img in images:
        assert img._data()[:8] == b"\x89PNG\r\n\x1a\n"
    captions = [c.value for c in charts["A"] if c.value]
    assert len(captions) == len(images)
    assert any("Thừa Thiên Huế" in c for c in captions)  # the waterfall names the best province
    with zipfile.ZipFile(report_vi) as z:
        assert sum(n.startswith("xl/media/") and n.endswith(".png") for n in z.namelist()) == len(images)
    # sources: provenance of the data and the tool
    src = {r["Mục"]: r["Nội dung"] for r in _rows(sheets["Nguồn"])}
    text = "\n".join(src.values())
    assert "papi.org.vn" in text and "PROVENANCE.md" in text
    assert f"papikit {pk.__version__}" in text
    assert src[_core.label("report.rank", "vi")] == "31/61"


def test_column_widths_fit_vietnamese_text(report_vi: Path) -> None:
    for ws in _sheets(report_vi).values():
        if ws.title == "Biểu đồ":
            continue
        for col in ws.iter_cols():
            letter = col[0].column_letter
            width = _width(ws, col[0].column)
            longest = (
                max(
                    (len(f"{c.value:.4f}") if isinstance(c.value, float) else len(str(c.value)))
                    for c in col[1:]
                    if c.value is not None
                )
                if any(c.value is not None for c in col[1:])
                else 0
            )
            assert width >= min(longest, 60), (ws.title, letter, col[0].value, width, longest)
            assert width >= min(len(str(col[0].value)), 24), (ws.title, col[0].value, width)


def test_report_workbook_en_and_python_m(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "papikit",
            "report",
            "Dak Lak",
            "--year",
            "2023",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    out = tmp_path / "papi_66_2023_en.xlsx"  # a directory gets the default name inside it
    assert r.stdout.strip() == str(out)
    assert r.stderr == ""  # stderr is not a terminal: no progress bar
    sheets = _sheets(out)
    assert "Charts" in sheets and "Sources" in sheets and "Profile" in sheets
    prof = sheets["Profile"]
    assert {"measure", "score", "rank", "rank_of_n", "n_ranked"} <= set(_header(prof))
    assert _cell(prof, "rank_of_n", ("measure", "total")).value == "31/61"
    assert len(sheets["Charts"]._images) >= 6


def test_html_stays_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import papikit.excel as ex

    assert main(["report", "66", "--year", "2023", "--out", str(tmp_path / "r.html"), "--quiet"]) == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # xlsx when asked for, or when --out ends in .xlsx
    calls: list[object] = []
    monkeypatch.setattr(ex, "report_excel", lambda *a, **k: calls.append(k["out"]) or Path(str(k["out"])))
    assert main(["report", "66", "--year", "2023", "--out", str(tmp_path / "r.XLSX"), "--quiet"]) == 0
    pk.report(66, year=2023, out=tmp_path, format="xlsx", progress=False)
    assert calls == [str(tmp_path / "r.XLSX"), tmp_path]
    with pytest.raises(pk.InvalidArgumentError, match="format"):
        pk.report(66, year=2023, out=tmp_path, progress=False, format="pdf")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import papikit.excel as ex

    # an unknown province: exit 2, one line, no file
    assert main(["report", "Atlantis", "--year", "2023", "--format", "xlsx", "--out", str(tmp_path / "a.xlsx")]) == 2
    assert "Atlantis" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    # an error while writing the workbook (the second sheet): the previous file stays as it was,
    # no temporary file is left
    target = tmp_path / "keep.xlsx"
    target.write_bytes(b"previous")
    write_table = ex._write_table
    written: list[str] = []

    def second_fails(wb: object, name: str, df: pl.DataFrame, lang: str) -> None:
        if written:
            raise RuntimeError("disk full")
        written.append(name)
        write_table(wb, name, df, lang)  # type: ignore[arg-type]

    monkeypatch.setattr(ex, "_write_table", second_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        pk.gaps(66, 2023).to_excel(target)
    assert written == ["Gaps"]
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.xlsx"]


def test_missing_xlsxwriter_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)
    with pytest.raises(pk.InvalidArgumentError, match=r"papikit\[excel\]"):
        pk.profile(66, 2023).to_excel(tmp_path / "p.xlsx")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------ every result object


def _results() -> dict[str, Any]:
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(20), lang="vi")
    survey = pk.Survey(pk.synthetic_survey(2023, seed=1, scale=0.2), design=pk.PAPI_DESIGN)
    return {
        "profile": pk.profile("Đắk Lắk", 2023, lang="vi"),
        "gaps": pk.gaps("Đắk Lắk", 2023, lang="vi"),
        "review": pk.review("Đắk Lắk", pk.LAST_YEAR, lang="vi"),
        "simulation": pk.simulate(2023, {66: {"d1": 0.5}}, lang="vi"),
        "sensitivity": pk.sensitivity("Đắk Lắk", 2023, lang="vi"),
        "plan": plan,
        "success": pk.success_probability(plan, se=0.5, draws=500),
        "survey": survey.score(pk.framework(2023), replicates=20, year=2023, lang="vi"),
        "merged": pk.merged(2023, weights={c: 1.0 for c in pk.provinces()["province_code"].to_list()}),
    }


def _frames(name: str, r: Any) -> list[pl.DataFrame]:
    """The tables each result's workbook must hold, in sheet order."""
    return {
        "profile": lambda: [r.to_polars()],
        "gaps": lambda: [r.to_polars(), r.by_agency()],
        "review": lambda: [r.measures, r.agencies],
        "simulation": lambda: [r.to_polars()],
        "sensitivity": lambda: [r.to_polars(), r.thresholds],
        "plan": lambda: [r.plan_table(lang="vi"), r.to_polars()],
        "success": lambda: [r.to_polars()],
        "survey": lambda: [r.totals, r.ranks("total"), r.dimensions, r.subdimensions, r.indicators],
        "merged": lambda: [r.to_polars()],
    }[name]()


def _same(a: Any, b: Any) -> bool:
    if isinstance(b, float):
        # a number (Excel writes 0.0 as 0), equal to 15 significant digits
        num = isinstance(a, (int, float)) and not isinstance(a, bool)
        return num and (a == b or abs(a - b) <= 1e-12 * max(1.0, abs(b)))
    if b is None or b == "":
        return a is None or a == ""  # an empty cell
    return bool(a == b)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_to_excel_on_every_result(tmp_path: Path, lang: str) -> None:
    heads_of = _core.labels_section("column", lang)  # type: ignore[arg-type]
    for name, r in _results().items():
        path = r.to_excel(tmp_path / f"{name}.xlsx", lang=lang)
        assert path == tmp_path / f"{name}.xlsx"
        sheets = _sheets(path)
        frames = _frames(name, r)
        tables = list(sheets.values())
        assert tables[-1].title == ("Nguồn" if lang == "vi" else "Sources")
        assert len(tables) == len(frames) + 1, (name, list(sheets))
        for ws, df in zip(tables, frames, strict=False):
            head = _header(ws)
            assert ws.freeze_panes == "A2"
            # every column is there, under its label (no column without a VN label)
            for c in df.columns:
                assert c in heads_of, f"{name}: column {c!r} has no column.{c} label"
                assert heads_of[c] in head, (name, c)
            rows = list(ws.iter_rows(min_row=2, values_only=True))
            assert len(rows) == df.height, (name, ws.title)
            for c in df.columns:
                ci = head.index(heads_of[c])
                got = [row[ci] for row in rows]
                want = df[c].to_list()
                if df[c].dtype == pl.List(pl.String):
                    continue
                assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (name, c, got[:3], want[:3])
                cell = ws.cell(row=2, column=ci + 1) if df.height else None
                if cell is not None and df[c].dtype.is_float() and cell.value is not None:
                    assert cell.number_format in ("0.0000", "0.00%"), (name, c, cell.number_format)
                if cell is not None and df[c].dtype.is_integer() and cell.value is not None:
                    assert cell.number_format == "0" and isinstance(cell.value, int), (name, c)
            # ranks: "n/N" beside every rank that has its number ranked
            for rc, nc in (("rank", "n_ranked"), ("rank_before", "n_before"), ("rank_after", "n_after")):
                if rc in df.columns and nc in df.columns:
                    ci = head.index(heads_of[f"{rc}_of_n"])
                    assert head[ci - 1] == heads_of[rc]
                    for row, (k, n) in zip(rows, df.select(rc, nc).iter_rows(), strict=True):
                        assert row[ci] == (f"{k}/{n}" if k is not None and n is not None else None)


def test_write_excel_tables_and_mappings(tmp_path: Path) -> None:
    pub = pk.published(2023)
    path = pk.write_excel(pub, tmp_path / "pub.xlsx", lang="vi")
    sheets = _sheets(path)
    assert list(sheets) == ["Bảng", "Nguồn"]
    rows = _rows(sheets["Bảng"])
    dl = next(r for r in rows if r["Mã tỉnh"] == 66)
    assert round(dl["Điểm tổng hợp"], 4) == 42.3265 and dl["Hạng/Số tỉnh"] == "31/61" and dl["Hạng"] == 31
    assert sum(r["D1"] is not None for r in rows) == pub["d1"].count()
    # several tables: one sheet each, names made valid for Excel
    path = pk.write_excel({"2022": pk.published(2022), "a/b:c": pub}, tmp_path / "two.xlsx")
    assert list(_sheets(path)) == ["2022", "a b c", "Sources"]
    with pytest.raises(pk.InvalidArgumentError, match="DataFrame"):
        pk.write_excel({"x": [1, 2]}, tmp_path / "bad.xlsx")
    with pytest.raises(pk.InvalidArgumentError, match="Excel"):
        pk.write_excel(object(), tmp_path / "bad.xlsx")
    with pytest.raises(pk.InvalidArgumentError, match="lang"):
        pk.write_excel(pub, tmp_path / "bad.xlsx", lang="fr")  # type: ignore[arg-type]
    assert not (tmp_path / "bad.xlsx").exists()
