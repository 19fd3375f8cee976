"""Progress for long work: lines on stderr for slow steps (:class:`Progress`), progress bars on a
terminal or in a notebook (:class:`Bar`, :func:`track`; tqdm), shared by the command line, the
report, Monte Carlo and survey scoring."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

__all__ = ["Bar", "Progress", "as_progress", "interactive", "track"]


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

    def close(self) -> None:
        """End the last step (a bar also closes)."""
        self.done()


# ------------------------------------------------------------------------------------ progress bars
#
# Bars (tqdm) show on a terminal (stderr is a TTY) and in a Jupyter notebook (tqdm.auto picks the
# notebook widget when ipywidgets is installed, else a text bar), and nowhere else: not in logs,
# pipes or tests, and never with ``progress=False``. PAPIKIT_PROGRESS=1 forces them on (e.g. to see
# them in a CI log), PAPIKIT_PROGRESS=0 off. Rust loops report through ``_core.ProgressCounter``:
# the counter is written by the work and only read by the bar, so results are the same bit for bit.

_DELAY = 0.5  # seconds before a bar appears: quick calls print nothing
_POLL = 0.1  # seconds between reads of a Rust counter


def interactive(stream: TextIO | None = None) -> str | None:
    """Where a bar can show: ``"notebook"`` in a Jupyter kernel, ``"terminal"`` when ``stream``
    (default stderr) is a TTY, else ``None``; ``PAPIKIT_PROGRESS=1``/``0`` forces it on/off."""
    import os

    forced = os.environ.get("PAPIKIT_PROGRESS", "").strip().lower()
    if forced in ("0", "false", "no", "off"):
        return None
    ipython = sys.modules.get("IPython")
    if ipython is not None:
        try:
            shell = ipython.get_ipython()
        except Exception:  # pragma: no cover - a broken IPython install
            shell = None
        if shell is not None and "IPKernelApp" in getattr(shell, "config", {}):
            return "notebook"
    s = stream if stream is not None else sys.stderr
    try:
        tty = bool(s.isatty())
    except (AttributeError, ValueError):
        tty = False
    if tty or forced in ("1", "true", "yes", "on"):
        return "terminal"
    return None


def new_bar(mode: str, *, total: float | None, desc: str, unit: str) -> Any:
    """A tqdm bar on stderr; in a notebook the widget (tqdm.auto) when ipywidgets is installed, else
    the text bar (which notebooks show as well)."""
    from tqdm import tqdm as text_bar  # type: ignore[import-untyped]

    kw: dict[str, Any] = {"total": total, "desc": desc, "unit": unit, "delay": _DELAY}
    if mode == "notebook":
        import importlib.util

        if importlib.util.find_spec("ipywidgets") is not None:  # else tqdm.auto warns and uses text
            try:
                from tqdm.auto import tqdm as auto_bar  # type: ignore[import-untyped]

                return auto_bar(**kw)
            except ImportError:  # an ipywidgets tqdm cannot use: the text bar
                pass
    return text_bar(file=sys.stderr, dynamic_ncols=True, **kw)


class Bar(Progress):
    """A progress bar over named steps (the report): one tick per finished step, the step's name
    beside the bar."""

    def __init__(self, *, total: int | None = None, desc: str = "papikit", mode: str = "terminal") -> None:
        super().__init__(enabled=False)
        self.total = total
        self.bar = new_bar(mode, total=total, desc=desc, unit="step")
        self._current: str | None = None

    def step(self, label: str) -> None:
        self.done()
        self._current = label
        self.bar.set_postfix_str(label, refresh=False)

    def done(self) -> None:
        if self._current is not None:
            self.bar.update(1)
            self._current = None

    def close(self) -> None:
        self.done()
        if self.total is not None and self.bar.n < self.total:
            self.bar.update(self.total - self.bar.n)  # optional steps that did not run
        self.bar.close()


def as_progress(
    progress: bool | Progress | None, *, total: int | None = None, desc: str = "papikit"
) -> Progress | None:
    """``progress=`` of a long call: a given :class:`Progress` as is; ``True``: a :class:`Bar` where
    one can show (terminal, notebook), else nothing; ``False``/``None``: nothing."""
    if isinstance(progress, Progress):
        return progress
    if not progress:
        return None
    mode = interactive()
    return None if mode is None else Bar(total=total, desc=desc, mode=mode)


@contextmanager
def track(desc: str, progress: bool = True, *, unit: str = "draws") -> Iterator[None]:
    """Show a bar fed by the Rust loops of a compute call made inside the ``with`` block.

    The block installs a ``_core.ProgressCounter`` on this thread (Monte Carlo draws and survey
    replicates add their work to it) and a thread reads it every 0.1 s while the call runs with the
    GIL released. Nothing at all happens when no bar can show or ``progress`` is false.
    """
    mode = interactive() if progress else None
    if mode is None:
        yield
        return
    from papikit import _core

    counter = _core.ProgressCounter()
    bars: list[Any] = []  # created when the first loop announces its work (none if none does)
    stop = threading.Event()

    def sync() -> None:
        total, done = counter.total, counter.done
        if not total:
            return
        if not bars:
            bars.append(new_bar(mode, total=total, desc=desc, unit=unit))
        bar = bars[0]
        if bar.total != total:
            bar.total = total
        if done > bar.n:
            bar.update(done - bar.n)

    def poll() -> None:
        while not stop.wait(_POLL):
            sync()

    poller = threading.Thread(target=poll, name="papikit-progress", daemon=True)
    poller.start()
    try:
        with counter:
            yield
    finally:
        stop.set()
        poller.join()
        sync()
        for bar in bars:
            bar.close()
