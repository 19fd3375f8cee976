"""Progress lines on stderr for slow steps, shared by the command line and the report."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

__all__ = ["Progress"]


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
