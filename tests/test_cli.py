"""Command line: ``python -m papikit profile`` (terminal benchmark) and its error handling."""

from __future__ import annotations

import subprocess
import sys

import pytest

from papikit.cli import Progress, main


def test_profile_dak_lak_2023(capsys):
    assert main(["profile", "Đắk Lắk", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    # published 2023 workbook: total 42.3265, rank 31 of 61, Low average, first of 5 in the region
    assert "Total score: 42.3265" in out
    assert "Rank: 31/61" in out
    assert "Group: Low average" in out
    assert "Region (Central Highlands): 1/5" in out
    # issue 4 numbers: +1.2042 points, +10 places since 2022 (41st -> 31st)
    assert "+1.2042 points, +10 places (41/61 -> 31/61)" in out
    assert "Total                          42.3265    31/61" in out
    assert "46.0415 (Thua Thien Hue)" in out
    assert sum(line[:1] == "D" and line[1:2].isdigit() for line in out.splitlines()) == 8


def test_profile_vietnamese(capsys):
    assert main(["profile", "dak lak", "--year", "2023", "--lang", "vi"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Đắk Lắk — PAPI 2023")
    assert "Nhóm: Trung bình thấp" in out
    assert "Vùng (Tây Nguyên): 1/5" in out
    assert "D4 Kiểm soát tham nhũng" in out
    assert "(Thừa Thiên Huế)" in out


def test_profile_break_year_flagged(capsys):
    assert main(["profile", "66", "--year", "2018"]) == 0
    assert "not comparable: 2018 structural break" in capsys.readouterr().out


def test_profile_six_dimensions_2015(capsys):
    assert main(["profile", "66", "--year", "2015"]) == 0
    out = capsys.readouterr().out
    assert "D6 " in out and "D7 " not in out


@pytest.mark.parametrize(
    "args,needle",
    [
        (["profile", "Atlantis"], 'unknown province "Atlantis"'),
        (["profile", "Quảng Ninh", "--year", "2023"], "Quảng Ninh (22) has no published PAPI score in 2023"),
        (["profile", "Dak Lak", "--year", "2031"], "no PAPI data for year 2031"),
    ],
)
def test_profile_errors(capsys, args, needle):
    assert main(args) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert needle in cap.err
    assert cap.err.startswith("papikit: error:")


def test_module_entry_point():
    r = subprocess.run(
        [sys.executable, "-m", "papikit", "profile", "Dak Lak", "--year", "2023"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "Rank: 31/61" in r.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "papikit", "profile", "Atlantis"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2


def test_progress_reports_only_slow_steps():
    import io

    buf = io.StringIO()
    p = Progress(buf, threshold=0.0)
    p.step("charts")
    p.done()
    lines = buf.getvalue().splitlines()
    assert lines[0] == "papikit: charts ..."
    assert lines[1].startswith("papikit: charts done in ")
    quiet = io.StringIO()
    q = Progress(quiet, threshold=1e9)
    q.step("fast")
    q.done()
    assert quiet.getvalue() == ""


def test_profile_2019_break_is_not_a_change(capsys):
    # D8 changed in 2019, so pk.profile calls the total not comparable with 2018; the CLI used to
    # print a change in points anyway (it only knew the 2018 break)
    assert main(["profile", "66", "--year", "2019"]) == 0
    yoy = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Change vs 2018"))
    assert "not comparable: 2019 structural break" in yoy
    assert "points" not in yoy and "places" not in yoy


def test_profile_default_year_is_the_last_published(capsys):
    import papikit as pk

    assert main(["profile", "66"]) == 0
    assert f"PAPI {pk.LAST_YEAR}" in capsys.readouterr().out.splitlines()[0]


def test_profile_first_year_has_no_previous(capsys):
    import papikit as pk

    assert main(["profile", "66", "--year", str(pk.FIRST_YEAR)]) == 0
    assert "no score the previous year" in capsys.readouterr().out


def test_review_plan_file_csv_xlsx_parquet(tmp_path, capsys):
    """``papikit review --plan FILE``: a plan table written from pk.optimize (made on 2023) set
    against 2024, read from .csv, .xlsx and .parquet: the same plan check as pk.review(plan=plan)."""
    import polars as pl

    import papikit as pk

    plan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), level="subdimension")
    table = plan.plan_table()
    want = pk.review("Đắk Lắk", 2024, plan=plan).plan
    assert want is not None
    paths = [tmp_path / "plan.csv", tmp_path / "plan.xlsx", tmp_path / "plan.parquet"]
    table.write_csv(paths[0])
    table.write_excel(paths[1])
    table.write_parquet(paths[2])
    for path in paths:
        got = pk.review("Đắk Lắk", 2024, plan=path).plan
        assert got is not None
        assert got["measure"].to_list() == want["measure"].to_list(), path
        assert got["realised"].to_list() == want["realised"].to_list()
        # the plan's own total sums its items' gains in another order: equal to rounding
        assert got["planned"].to_list() == pytest.approx(want["planned"].to_list(), abs=1e-12)
        assert main(["review", "Đắk Lắk", "--year", "2024", "--plan", str(path)]) == 0
        out = capsys.readouterr().out
        total = want.filter(pl.col("measure") == "total").row(0, named=True)
        assert "Plan vs result" in out
        assert f"{total['planned']:+.4f}" in out and f"{total['realised']:+.4f}" in out
        assert "6.2" in out
    # a dimension plan's plan_table() (columns dimension, required_gain) works the same way
    dplan = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25))
    dplan.plan_table().write_csv(tmp_path / "dims.csv")
    dwant, dgot = (pk.review("Đắk Lắk", 2024, plan=p).plan for p in (dplan, tmp_path / "dims.csv"))
    assert dwant is not None and dgot is not None
    assert dgot["planned"].to_list() == pytest.approx(dwant["planned"].to_list(), abs=1e-12)
    # without --plan: no plan section
    assert main(["review", "Đắk Lắk", "--year", "2024"]) == 0
    assert "Plan vs result" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("plan.csv", "measure,points\n6.1,0.2\n", "column 'gain' not found"),
        ("plan.csv", "measure,gain\n9.9,0.2\n", "9.9"),
        ("plan.csv", "measure,gain\ntotal,0.2\n", "plan row 1"),
        ("plan.csv", "measure,gain\n", "has no rows"),
        ("plan.csv", "measure,gain\nd6,0.2\n6.1,0.1\n", "plan row 2"),
        ("plan.xlsx", "not a workbook", "plan.xlsx"),
        ("plan.txt", "measure,gain\n6.1,0.2\n", "use a .csv, .xlsx or .parquet file"),
        ("missing.csv", None, "missing.csv"),
    ],
)
def test_review_bad_plan_file_is_one_line_exit_2(tmp_path, capsys, name, content, needle):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["review", "Đắk Lắk", "--year", "2024", "--plan", str(path)]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert cap.err.startswith("papikit: error:") and cap.err.count("\n") == 1, cap.err
    assert needle in cap.err, cap.err
