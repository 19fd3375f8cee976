"""Determinism (issue 14): the same seed gives bit-identical results for 1 and 2 threads and across
processes, for every randomised function: ``synthetic_survey``, ``Survey.score`` (bootstrap,
jackknife, Taylor with normal rank draws), ``Survey.means`` (bootstrap), ``Survey.replicate``,
``sensitivity`` and ``optimize`` with probabilities (Monte Carlo draws), ``success_probability``.

Each function's outputs are reduced to a SHA-256 of their exact bytes (floats as IEEE-754 bits) in a
fresh process with ``RAYON_NUM_THREADS`` set to 1 and to 2; the digests must agree with each other and
with the digest computed in this process. A different seed must change the digest (so the test can
fail).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable

import numpy as np
import polars as pl
import pytest

import papikit as pk


def digest_frame(df: pl.DataFrame) -> str:
    h = hashlib.sha256()
    for name in df.columns:
        s = df.get_column(name)
        h.update(name.encode())
        if s.dtype.is_numeric():
            h.update(s.cast(pl.Float64).fill_null(float("-inf")).to_numpy().astype("<f8").tobytes())
            h.update(s.is_null().to_numpy().tobytes())
        else:
            h.update(repr(s.to_list()).encode())
    return h.hexdigest()


def _survey(seed: int = 5) -> pk.Survey:
    return pk.Survey(pk.synthetic_survey(2023, seed=seed, scale=0.08), design=pk.PAPI_DESIGN)


def _score(method: str, seed: int) -> list[pl.DataFrame]:
    r = _survey().score(pk.framework(2023), method=method, replicates=60, seed=seed)  # type: ignore[arg-type]
    _codes, reps = r.replicates("dimension") if method != "taylor" else ([], np.zeros(0))
    return [r.table("dimension"), r.ranks("total"), pl.DataFrame({"r": np.asarray(reps, dtype=float).ravel()})]


FUNCTIONS: dict[str, Callable[[int], list[pl.DataFrame]]] = {
    "synthetic_survey": lambda seed: [pk.synthetic_survey(2023, seed=seed, scale=0.05)],
    "score-bootstrap": lambda seed: _score("bootstrap", seed),
    "score-jackknife": lambda seed: _score("jackknife", seed) if seed == 1 else _score("bootstrap", seed),
    "score-taylor-ranks": lambda seed: _score("taylor", seed),
    "means-bootstrap": lambda seed: [
        _survey().means(
            ["d8_internet_at_home", "d1_know_slogan_dan_biet"], method="bootstrap", replicates=80, seed=seed
        )
    ],
    "replicate": lambda seed: [
        _survey().replicate("bootstrap", replicates=40, seed=seed).score(pk.framework(2023)).table("total")
    ],
    "sensitivity": lambda seed: [pk.sensitivity("Đắk Lắk", 2023, se=0.6, draws=3000, seed=seed).table],
    "optimize": lambda seed: [
        pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25), probability=0.6, se=0.6, draws=2000, seed=seed).items
    ],
    "success_probability": lambda seed: [
        pk.success_probability(
            pk.optimize("Đắk Lắk", 2023, target=pk.TargetRank(25)), se=0.6, draws=3000, seed=seed
        ).ranks
    ],
}


def digest(name: str, seed: int) -> str:
    return hashlib.sha256("".join(digest_frame(f) for f in FUNCTIONS[name](seed)).encode()).hexdigest()


_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import test_determinism as t
for name in sys.argv[1:]:
    print(name, t.digest(name, 1))
"""


def _in_subprocess(threads: int) -> dict[str, str]:
    env = {**os.environ, "RAYON_NUM_THREADS": str(threads), "POLARS_MAX_THREADS": str(threads)}
    script = _SCRIPT.format(tests=os.path.dirname(os.path.abspath(__file__)))
    r = subprocess.run([sys.executable, "-c", script, *FUNCTIONS], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return dict(line.split() for line in r.stdout.strip().splitlines())


@pytest.fixture(scope="module")
def by_threads() -> dict[int, dict[str, str]]:
    return {t: _in_subprocess(t) for t in (1, 2)}


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_same_seed_is_bit_identical_for_1_and_2_threads_and_across_processes(
    name: str, by_threads: dict[int, dict[str, str]]
) -> None:
    here = digest(name, 1)
    assert by_threads[1][name] == by_threads[2][name], f"{name}: 1 thread != 2 threads"
    assert by_threads[1][name] == here, f"{name}: subprocess != this process"


@pytest.mark.parametrize("name", [n for n in FUNCTIONS if n != "score-jackknife"])
def test_another_seed_changes_the_result(name: str) -> None:
    assert digest(name, 1) != digest(name, 2), f"{name}: the seed is ignored"
