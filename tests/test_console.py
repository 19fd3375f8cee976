"""The installed ``papikit`` console script (``[project.scripts]``): help, exit codes, one-line errors.

Runs the script of the venv the tests run in (``<venv>/bin/papikit``) as a subprocess, the way a user
types it; ``python -m papikit`` stays the same program.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import papikit as pk
from papikit import cli

SCRIPT = Path(sys.executable).parent / ("papikit.exe" if os.name == "nt" else "papikit")


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    assert SCRIPT.exists(), f"no console script at {SCRIPT}: install papikit (pip install .) into this venv"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=env, timeout=300
    )


def _commands() -> list[str]:
    ap = cli._parser()
    sub = next(a for a in ap._actions if isinstance(a, __import__("argparse")._SubParsersAction))
    return list(sub.choices)


def test_help_lists_every_command_with_an_example() -> None:
    r = _run("--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: papikit ")  # the script's own name, not "python -m papikit"
    commands = _commands()
    assert {"profile", "report"} <= set(commands)
    examples = r.stdout.split("examples:", 1)[1]
    for name in commands:
        # an example that runs the command on a province, not a bare "--help" placeholder
        line = next((ln for ln in examples.splitlines() if ln.strip().startswith(f"papikit {name} ")), None)
        assert line is not None, f"no example for {name!r} in papikit --help"
        assert not line.strip().endswith("--help"), f"placeholder example for {name!r}: {line!r}"
    assert "0 ok" in r.stdout and "2 user error" in r.stdout and "1 internal error" in r.stdout


def test_report_unknown_province_exits_2_with_one_line(tmp_path: Path) -> None:
    r = _run("report", "Atlantis", "--year", "2023", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    line = lines[0]
    assert line.startswith("papikit: error:") and "Atlantis" in line
    names = set(pk.provinces()["province_name"].to_list()) | set(pk.provinces()["province_name_en"].to_list())
    named = [n for n in names if n in line]
    assert named, f"no province named in {line!r}"
    assert list(tmp_path.iterdir()) == []  # no file written


def test_profile_runs_and_bad_option_exits_2() -> None:
    r = _run("profile", "Dak Lak", "--year", "2023")
    assert r.returncode == 0, r.stderr
    assert "42.3265" in r.stdout and "31/61" in r.stdout
    bad = _run("profile", "Dak Lak", "--lang", "fr")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_report_writes_the_file(tmp_path: Path) -> None:
    r = _run("report", "Đắk Lắk", "--year", "2023", "--quiet", "--out", "r.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("r.html")
    assert "42.3265" in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("argv0,prog", [("/x/bin/papikit", "papikit"), ("/x/papikit/__main__.py", "python -m papikit")])
def test_prog_name_follows_how_it_was_started(monkeypatch: pytest.MonkeyPatch, argv0: str, prog: str) -> None:
    monkeypatch.setattr(sys, "argv", [argv0])
    assert cli._parser().prog == prog


def test_python_m_papikit_is_the_same_program() -> None:
    r = subprocess.run([sys.executable, "-m", "papikit", "--help"], capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0
    assert r.stdout.startswith("usage: python -m papikit ")
    assert 'python -m papikit report "Đắk Lắk"' in r.stdout
