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
