"""Progress bars (issue 12 item 5): tqdm bars on a terminal or in a notebook, fed by the Rust loops
through ``_core.ProgressCounter``; silent when stderr is not a terminal or with ``progress=False``;
the numbers are the same bit for bit with and without a bar."""

from __future__ import annotations

import io
import threading
import time
import types
from pathlib import Path
from typing import Any

import pytest

import papikit as pk
from papikit import _core, _progress


@pytest.fixture
def bars_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force bars (stderr is not a terminal under pytest) and show them at once."""
    monkeypatch.setenv("PAPIKIT_PROGRESS", "1")
    monkeypatch.setattr(_progress, "_DELAY", 0.0)


@pytest.fixture(scope="module")
def plan() -> pk.Plan:
    return pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(20))


def test_counter_counts_every_draw(plan: pk.Plan) -> None:
    c = _core.ProgressCounter()
    with c:
        pk.success_probability(plan, se=0.5, draws=10_000, progress=False)
    assert (c.done, c.total) == (10_000, 10_000)
    # the robust plan runs two passes over the draws (gain needed per draw, then its distribution)
    c = _core.ProgressCounter()
    with c:
        pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(20), probability=0.8, se=0.5, draws=3000, progress=False)
    assert (c.done, c.total) == (6000, 6000)
    # sensitivity: one pass now + one per measure raised
    c = _core.ProgressCounter()
    with c:
        s = pk.sensitivity("Đắk Lắk", 2023, se=0.5, draws=1000, progress=False)
    raised = s.table["probability_gain"].is_not_null().sum()
    assert c.done == c.total == 1000 * (1 + raised) and raised > 0
    # outside the block nothing is counted
    pk.success_probability(plan, se=0.5, draws=1000, progress=False)
    assert c.done == 1000 * (1 + raised)


def test_counter_is_read_while_the_rust_loop_runs(plan: pk.Plan) -> None:
    c = _core.ProgressCounter()
    seen: list[tuple[int, int]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            seen.append((c.done, c.total))
            time.sleep(0.005)

    t = threading.Thread(target=poll)
    t.start()
    try:
        with c:
            pk.success_probability(plan, se=0.5, draws=400_000, progress=False)
    finally:
        stop.set()
        t.join()
    # the GIL is released: the poller saw the draws advance, not only the end
    assert any(0 < d < 400_000 for d, _ in seen), seen[:5]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_counter_belongs_to_its_thread(plan: pk.Plan) -> None:
    c = _core.ProgressCounter()
    with c:
        t = threading.Thread(target=lambda: pk.success_probability(plan, se=0.5, draws=2000, progress=False))
        t.start()
        t.join()
    assert (c.done, c.total) == (0, 0)


def test_same_numbers_with_and_without_a_bar(plan: pk.Plan, bars_on: None, capsys: pytest.CaptureFixture[str]) -> None:
    with_bar = pk.success_probability(plan, se=0.5, draws=50_000, seed=3, progress=True)
    err = capsys.readouterr().err
    assert "Monte Carlo" in err and "draws" in err and "50000/50000" in err
    without = pk.success_probability(plan, se=0.5, draws=50_000, seed=3, progress=False)
    assert capsys.readouterr().err == ""
    assert with_bar.probability == without.probability
    assert with_bar.ranks.equals(without.ranks) and with_bar.distribution.equals(without.distribution)
    a = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(20), probability=0.8, se=0.5, draws=4000, progress=True)
    assert "8000/8000" in capsys.readouterr().err
    b = pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(20), probability=0.8, se=0.5, draws=4000, progress=False)
    assert a.gains == b.gains and a.probability == b.probability and a.to_polars().equals(b.to_polars())
    s1 = pk.sensitivity("Đắk Lắk", 2023, se=0.5, draws=2000, progress=True)
    s2 = pk.sensitivity("Đắk Lắk", 2023, se=0.5, draws=2000, progress=False)
    assert s1.to_polars().equals(s2.to_polars())


def test_survey_scoring_bar_and_determinism(bars_on: None, capsys: pytest.CaptureFixture[str]) -> None:
    s = pk.Survey(pk.synthetic_survey(2023, seed=2, scale=0.3), design=pk.PAPI_DESIGN)
    fw = pk.framework(2023)
    c = _core.ProgressCounter()
    with c:
        quiet = s.score(fw, replicates=200, seed=5, progress=False)
    assert (c.done, c.total) == (200, 200)
    assert capsys.readouterr().err == ""
    shown = s.score(fw, replicates=200, seed=5, progress=True)
    err = capsys.readouterr().err
    assert "survey scoring" in err and "200/200" in err and "replicates" in err
    for level in ("total", "dimension", "subdimension", "indicator"):
        assert shown.table(level).equals(quiet.table(level)), level
    _, a = shown.replicates("total")
    _, b = quiet.replicates("total")
    assert (a == b).all()
    assert shown.ranks("total").equals(quiet.ranks("total"))
    capsys.readouterr()  # the rank pass has its own bar (test_survey_ranks_bar_and_determinism)
    # Taylor linearisation has no replicate loop: no bar
    s.score(fw, method="taylor", progress=True)
    assert capsys.readouterr().err == ""


def test_report_bar_over_its_steps(bars_on: None, capsys: pytest.CaptureFixture[str]) -> None:
    html = pk.report_html("Đắk Lắk", year=2023, progress=True)
    err = capsys.readouterr().err
    # one bar over the report's steps, none nested (its Monte Carlo-capable calls run without)
    assert "papikit report" in err and "7/7" in err and "Monte Carlo" not in err
    assert html.count("data:image/png;base64,") >= 6


def test_silent_off_a_terminal(
    plan: pk.Plan, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PAPIKIT_PROGRESS", raising=False)
    monkeypatch.setattr(_progress, "_DELAY", 0.0)
    pk.success_probability(plan, se=0.5, draws=20_000)  # progress=True by default
    pk.sensitivity("Đắk Lắk", 2023, se=0.5, draws=2000)
    assert _progress.as_progress(True) is None  # the report's steps: no bar either
    assert capsys.readouterr().err == ""


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_where_a_bar_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPIKIT_PROGRESS", raising=False)
    monkeypatch.delitem(__import__("sys").modules, "IPython", raising=False)
    assert _progress.interactive(_Stream(True)) == "terminal"
    assert _progress.interactive(_Stream(False)) is None
    monkeypatch.setenv("PAPIKIT_PROGRESS", "0")
    assert _progress.interactive(_Stream(True)) is None
    monkeypatch.setenv("PAPIKIT_PROGRESS", "1")
    assert _progress.interactive(_Stream(False)) == "terminal"
    monkeypatch.delenv("PAPIKIT_PROGRESS")
    # inside a Jupyter kernel (IPython with an IPKernelApp config): the notebook bar
    shell: Any = types.SimpleNamespace(config={"IPKernelApp": {}})
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "IPython", fake)
    assert _progress.interactive(_Stream(False)) == "notebook"
    shell.config = {}  # plain IPython in a terminal: the terminal rule
    assert _progress.interactive(_Stream(False)) is None
    # as_progress: a given Progress passes through; True -> a bar only where one can show
    p = _progress.Progress(_Stream(False))
    assert _progress.as_progress(p) is p
    assert _progress.as_progress(False) is None
    assert _progress.as_progress(True) is None


def test_bar_closes_at_its_total(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(_progress.sys, "stderr", out)
    monkeypatch.setattr(_progress, "_DELAY", 0.0)
    bar = _progress.Bar(total=4, desc="steps")
    for name in ("a", "b", "c"):
        bar.step(name)
        bar.done()
    bar.close()  # a step that did not run still ends the bar at 4/4
    assert "4/4" in out.getvalue()


def test_bar_in_a_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a Jupyter kernel (stderr is not a terminal there) Monte Carlo shows a bar: the widget with
    ipywidgets, else tqdm's text bar in the cell's stderr output; progress=False shows none."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.delenv("PAPIKIT_PROGRESS", raising=False)
    code = (
        "import papikit as pk, papikit._progress as pp\n"
        "pp._DELAY = 0.0\n"
        "plan = pk.optimize('Đắk Lắk', 2023, target=pk.TargetRank(20))\n"
        "p1 = pk.success_probability(plan, se=0.5, draws=20000).probability\n"
    )
    quiet = "p2 = pk.success_probability(plan, se=0.5, draws=20000, progress=False).probability\nprint(p1 == p2)\n"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell(quiet)])
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    first, second = nb.cells[0].outputs, nb.cells[1].outputs
    widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in first)
    text = "".join(o.get("text", "") for o in first if o.get("name") == "stderr")
    assert widget or ("Monte Carlo" in text and "20000/20000" in text), first
    assert [o.get("text") for o in second] == ["True\n"]


def _poll_while(c: Any, work: Any) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            seen.append((c.done, c.total))
            time.sleep(0.0005)

    t = threading.Thread(target=poll)
    t.start()
    try:
        with c:
            work()
    finally:
        stop.set()
        t.join()
    seen.append((c.done, c.total))
    return seen


def test_survey_replicate_pass_advances_per_chunk() -> None:
    """The bootstrap scoring pass and the rank pass advance the counter chunk by chunk (32
    replicates), not in one block at the end; the numbers stay the same bit for bit."""
    s = pk.Survey(pk.synthetic_survey(2023, seed=2, scale=0.3), design=pk.PAPI_DESIGN)
    fw = pk.framework(2023)
    reps = 3000
    c = _core.ProgressCounter()
    out: dict[str, Any] = {}
    seen = _poll_while(c, lambda: out.setdefault("r", s.score(fw, replicates=reps, seed=5, progress=False)))
    assert seen[-1] == (reps, reps)
    partial = {d for d, tot in seen if 0 < d < tot}
    assert len(partial) >= 2, sorted(set(seen))[:10]  # several intermediate steps, not one block
    # whole chunks: 32 replicates each, the last one reps % 32 (it may finish before others)
    assert all(d % 32 in (0, reps % 32) for d in partial), sorted(partial)
    # the rank pass of a level whose replicates were not kept (sub-dimensions: recomputed, ranked)
    c2 = _core.ProgressCounter()
    with c2:
        ranked = out["r"].ranks("subdimension")
    assert c2.total > 0 and c2.done == c2.total
    plain = s.score(fw, replicates=reps, seed=5, progress=False)
    assert out["r"].totals.equals(plain.totals) and out["r"].dimensions.equals(plain.dimensions)
    assert ranked.equals(plain.ranks("subdimension"))


def test_survey_ranks_bar_and_determinism(bars_on: None, capsys: pytest.CaptureFixture[str]) -> None:
    """``SurveyResult.ranks(progress=)``: a bar over the draws ranked (bootstrap replicates of a
    level not kept by the scoring pass: sub-dimensions, recomputed and ranked), silent with
    ``progress=False``; the ranks bit-identical either way (separate results: ranks are cached)."""
    s = pk.Survey(pk.synthetic_survey(2023, seed=2, scale=0.3), design=pk.PAPI_DESIGN)
    fw = pk.framework(2023)
    shown_r, quiet_r = (s.score(fw, replicates=200, seed=5, progress=False) for _ in range(2))
    assert capsys.readouterr().err == ""
    quiet = quiet_r.ranks("subdimension", progress=False)
    assert capsys.readouterr().err == ""
    shown = shown_r.ranks("subdimension", progress=True)
    err = capsys.readouterr().err
    # the fused pass recomputes the 200 replicates of every sub-dimension and ranks them: 200 units
    assert "survey ranks" in err and "200/200" in err and "draws" in err, err
    assert shown.equals(quiet)
    # the total (its replicates kept by the scoring pass) and normal draws of a Taylor result
    assert shown_r.ranks("total", top=10, progress=True).equals(quiet_r.ranks("total", top=10, progress=False))
    assert "survey ranks" in capsys.readouterr().err
    t1, t2 = (s.score(fw, method="taylor", progress=False) for _ in range(2))
    assert t1.ranks("dimension", progress=True).equals(t2.ranks("dimension", progress=False))
    # keyword-only
    with pytest.raises(TypeError):
        quiet_r.ranks("total", None, None, False)  # type: ignore[misc]
