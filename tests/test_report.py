"""The province report: ``python -m papikit report`` and ``pk.report`` (issue 6 acceptance checks)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

import papikit as pk
from papikit.cli import main

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def html_vi(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("r") / "report_vi.html"
    assert main(["report", "Đắk Lắk", "--year", "2023", "--lang", "vi", "--out", str(out), "--quiet"]) == 0
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def html_en(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("r") / "report_en.html"
    assert main(["report", "Dak Lak", "--year", "2023", "--lang", "en", "--out", str(out), "--quiet"]) == 0
    return out.read_text(encoding="utf-8")


def n_images(html: str) -> int:
    return len(re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', html))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_headline_and_charts(lang, html_vi, html_en):
    html = html_vi if lang == "vi" else html_en
    # published 2023: total 42.3265, rank 31 of 61 ranked provinces, first of 5 in the Central Highlands
    # (written 42,3265 in Vietnamese: issue 15)
    dec = "," if lang == "vi" else "."
    assert f"42{dec}3265" in html
    assert "31/61" in html
    assert "1/5" in html
    assert f"+1{dec}2042" in html  # vs 2022 (issue 4)
    assert n_images(html) >= 6
    assert html.startswith("<!DOCTYPE html>")
    assert "http://" not in html.split("<footer>")[0] and "<script" not in html  # self-contained


def test_report_vietnamese_sections(html_vi):
    assert "Đắk Lắk — Báo cáo PAPI 2023 cấp tỉnh" in html_vi
    assert "Trung bình thấp" in html_vi
    assert "Khoảng cách theo cơ quan chịu trách nhiệm" in html_vi
    assert "Giá trị biên" in html_vi
    assert "Phương án ít tốn kém nhất để đạt nhóm Trung bình cao" in html_vi


def test_report_tables_english(html_en):
    # gap to the best province: Thua Thien Hue, 3.7150 points in total (issue 4)
    assert "Gaps by dimension: to the best province (Thua Thien Hue)" in html_en
    assert "3.7150" in html_en
    # the agency table lists agencies from the built-in Đắk Lắk plan assignments
    agency = html_en.split("Gaps by responsible agency")[1].split("<h2>")[0]
    assert agency.count("<tr>") >= 5
    assert "Marginal value" in html_en
    assert "Cheapest plan to reach the High average group" in html_en
    plan = html_en.split("Cheapest plan to reach")[1]
    assert "Required gain" in plan and "rank 31" in plan


def test_pk_report_default_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = pk.report("Lâm Đồng", year=2024, progress=False)
    assert path == Path("papi_68_2024_en.html")
    text = path.read_text(encoding="utf-8")
    assert "Lam Dong" in text and n_images(text) >= 6


def test_report_into_a_directory(tmp_path):
    path = pk.report(66, year=2023, lang="vi", out=tmp_path, progress=False)
    assert path == tmp_path / "papi_66_2023_vi.html" and path.exists()


def test_report_top_province_has_no_next_group(tmp_path):
    # the best province in 2023 (Thừa Thiên Huế) is ranked first: no plan is needed
    html = pk.report_html("Thừa Thiên Huế", year=2023, progress=False)
    assert "already ranked first" in html


@pytest.mark.parametrize(
    "args,needle",
    [
        (["Atlantis", "--year", "2023"], 'unknown province "Atlantis"'),
        (["Quảng Ninh", "--year", "2023"], "Quảng Ninh (22) has no published PAPI score in 2023"),
        (["Đắk Lắk", "--year", "2030"], "no PAPI data for year 2030"),
    ],
)
def test_report_errors_write_no_file(tmp_path, capsys, args, needle):
    out = tmp_path / "r.html"
    assert main(["report", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_report_progress_lines(tmp_path, capsys):
    from papikit.cli import Progress

    out = tmp_path / "r.html"
    pk.report("Đắk Lắk", year=2023, out=out, progress=Progress(threshold=0.0))
    err = capsys.readouterr().err
    assert "papikit: charts ...\npapikit: charts done in " in err
    assert "papikit: optimiser ..." in err


def test_report_headline_follows_pk_profile_across_breaks():
    from papikit.report import _headline

    for year, comparable in ((2018, False), (2019, False), (2021, False), (2022, True)):
        p = pk.profile("Đắk Lắk", year)
        total = p.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
        assert total["comparable_with_previous"] is comparable
        card = _headline(p, "en")
        assert ("not comparable" in card) is (not comparable)
        assert ("points" in card) is comparable


def test_progress_moved_out_of_the_cli():
    import sys

    import papikit._progress
    import papikit.cli

    assert papikit.cli.Progress is papikit._progress.Progress
    src = Path(sys.modules["papikit.report"].__file__ or "").read_text(encoding="utf-8")
    assert "papikit.cli" not in src  # no cli <-> report import cycle
