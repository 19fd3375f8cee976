"""Benchmark: PAPI index from survey microdata with 1000 bootstrap replicates (issue 3).

Workload: synthetic 2023 survey (19,572 rows, 207 district PSUs in 63 province strata), the full
2023 framework (68 indicators -> 28 sub-dimensions -> 8 dimensions -> total), Rao-Wu bootstrap with
1000 replicates, CIs at every level; rank intervals of the total and dimensions (the pipeline), and
separately of every level.

Compared, in one run on the same machine:
1. papikit: ``Survey.score(...)`` + the four level tables + ``ranks()`` of the total and dimensions (the
   pipeline), and the same with ``ranks()`` of every level.
2. The naive respondent-level replicate GEMM of the same shapes in numpy/BLAS:
   (1000 x N replicate weights) @ (N x 2K weighted values and indicators), numerators and
   denominators of K = 68 indicators, with the weight matrix built beforehand (not timed).
3. svy (PyPI) computing only the 63-province domain means of the same 68 indicator variables with
   1000 Rao-Wu bootstrap replicates (replicate creation timed separately).
4. papikit at scale=50 (~1M rows): time and peak RSS (measured in a fresh subprocess).

Run: ``python benches/survey_bench.py [--skip-svy] [--svy-items K]``. Not a test.
"""

from __future__ import annotations

import argparse
import inspect
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

import papikit as pk

R = 1000


def best_of(fn, n: int = 3) -> float:  # type: ignore[no-untyped-def]
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return min(ts)


def indicator_values(df: pl.DataFrame, fw: pk.Framework) -> pl.DataFrame:
    """Per-respondent indicator values (null = not applicable) from the framework's recipes."""
    flat = fw.indicators()
    exprs = []
    for row in flat.iter_rows(named=True):
        rec = json.loads(row["recipe"]) if row["recipe"] else None
        if rec is None:
            continue
        exc = [float(x) for x in rec.get("exclude", [98, 99])]
        if rec["kind"] == "share":
            c = pl.col(rec["item"]).cast(pl.Float64)
            yes = [float(x) for x in rec["codes"]]
            e = pl.when(c.is_in(exc) | c.is_null()).then(None).otherwise(c.is_in(yes).cast(pl.Float64) * 100)
        elif rec["kind"] == "mean":
            c = pl.col(rec["item"]).cast(pl.Float64)
            e = pl.when(c.is_in(exc) | c.is_null()).then(None).otherwise(c)
        else:
            yes = [float(x) for x in rec["yes"]]
            parts = [pl.col(i).cast(pl.Float64).is_in(yes).cast(pl.Float64) for i in rec["items"]]
            bad = pl.any_horizontal([pl.col(i).cast(pl.Float64).is_in(exc) | pl.col(i).is_null() for i in rec["items"]])
            e = pl.when(bad).then(None).otherwise(pl.sum_horizontal(parts))
        exprs.append(e.alias(f"v_{row['code']}"))
    return df.select("province", "district", "weight", *exprs)


LEVELS = ("total", "dimension", "subdimension", "indicator")


# ``Survey.score(..., ranks="all")`` (ranking every measure in the scoring pass); absent in older builds.
HAS_RANKS_ALL = "ranks" in inspect.signature(pk.Survey.score).parameters


def papikit_run(
    df: pl.DataFrame, fw: pk.Framework, rank_levels: tuple[str, ...] = LEVELS, *, ranks_all: bool = False
) -> None:
    kw = {"ranks": "all"} if ranks_all and HAS_RANKS_ALL else {}
    res = pk.Survey(df, design=pk.PAPI_DESIGN).score(fw, method="bootstrap", replicates=R, seed=1, level=0.90, **kw)
    for lv in LEVELS:
        res.table(lv)  # type: ignore[arg-type]
    for lv in rank_levels:
        res.ranks(lv)  # type: ignore[arg-type]


def naive_gemm(vals: pl.DataFrame, rng: np.random.Generator) -> float:
    w = vals["weight"].to_numpy()
    v = vals.drop("province", "district", "weight").to_numpy()
    ok = ~np.isnan(v)
    y = np.concatenate([np.where(ok, v, 0.0), ok.astype(np.float64)], axis=1)  # N x 2K
    # Rao-Wu factors per PSU expanded to respondents (built once, not timed).
    psu = vals["district"].to_numpy()
    _, idx = np.unique(psu, return_inverse=True)
    f = rng.poisson(1.0, size=(R, idx.max() + 1)).astype(np.float64)
    wr = f[:, idx] * w[None, :]  # R x N
    return best_of(lambda: wr @ y)


def svy_run(vals: pl.DataFrame, k: int) -> tuple[float, float]:
    import svy  # type: ignore[import-not-found,unused-ignore]

    cols = [c for c in vals.columns if c.startswith("v_")][:k]
    sample = svy.Sample(vals, svy.Design(stratum="province", psu="district", wgt="weight"))
    t = time.perf_counter()
    rep = sample.weighting.create_bs_wgts(R, rstate=1)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    for c in cols:
        rep.estimation.mean(c, by="province", method="replication", drop_nulls=True)
    return t_build, time.perf_counter() - t


def child_make50(path: str) -> None:
    t = time.perf_counter()
    df = pk.synthetic_survey(2023, seed=0, scale=50.0)
    df.write_parquet(path)
    print(json.dumps({"rows": df.height, "gen_s": time.perf_counter() - t}))


def child_scale50(path: str) -> None:
    fw = pk.framework(2023)
    df = pl.read_parquet(path)
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    papikit_run(df, fw, ("total", "dimension"))
    t_run = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    papikit_run(df, fw)
    t_all = time.perf_counter() - t
    rss_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "score_s": t_run,
                "all_s": t_all,
                "peak_rss_mb": rss,
                "peak_rss_all_mb": rss_all,
                "rss_after_load_mb": rss_data,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-svy", action="store_true")
    ap.add_argument("--svy-items", type=int, default=68)
    ap.add_argument("--child-make50")
    ap.add_argument("--child-scale50")
    a = ap.parse_args()
    if a.child_make50:
        child_make50(a.child_make50)
        return
    if a.child_scale50:
        child_scale50(a.child_scale50)
        return
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next((ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if ln.startswith("Model name")), "?")
    print(f"machine: {model}; {platform.python_version()}; numpy {np.__version__}; polars {pl.__version__}")
    fw = pk.framework(2023)
    df = pk.synthetic_survey(2023, seed=0)
    print(f"data: {df.height} rows, {df['district'].n_unique()} PSUs, {fw.n_indicators} indicators")
    papikit_run(df, fw)  # warm-up
    t_pk = best_of(lambda: papikit_run(df, fw))
    t_pka = best_of(lambda: papikit_run(df, fw, ranks_all=True)) if HAS_RANKS_ALL else float("nan")
    t_pk0 = best_of(lambda: papikit_run(df, fw, ()))
    t_pk2 = best_of(lambda: papikit_run(df, fw, ("total", "dimension")))
    print(f"papikit score + SE/CI at 4 levels, no ranks: {t_pk0 * 1000:.1f} ms")
    print(
        f"papikit pipeline: score + SE/CI at 4 levels + rank intervals and P(group) of total and dimensions: "
        f"{t_pk2 * 1000:.1f} ms"
    )
    print(f"papikit the same + rank intervals of every sub-dimension and indicator too (R={R}): {t_pk * 1000:.1f} ms")
    print(f"papikit the same, every level ranked in the scoring pass (score(..., ranks='all')): {t_pka * 1000:.1f} ms")
    vals = indicator_values(df, fw)
    t_gemm = naive_gemm(vals, np.random.default_rng(0))
    print(
        f"naive respondent-level GEMM ({R} x {df.height}) @ ({df.height} x {2 * (vals.width - 3)}): {t_gemm * 1000:.1f} ms"
        f" -> GEMM / papikit pipeline = {t_gemm / t_pk2:.2f}x; GEMM / all-level ranks = {t_gemm / t_pk:.2f}x"
        f"; GEMM / all-level ranks with ranks='all' = {t_gemm / t_pka:.2f}x"
    )
    if not a.skip_svy:
        t_b, t_m = svy_run(vals, a.svy_items)
        per = t_m / a.svy_items
        t_svy = t_b + per * 68
        print(
            f"svy: build {R} Rao-Wu replicates {t_b:.2f} s; domain means of {a.svy_items} items: {t_m:.2f} s "
            f"({per * 1000:.0f} ms/item, {per * 68:.1f} s for 68); svy / papikit pipeline = {t_svy / t_pk2:.0f}x; "
            f"svy / all-level ranks = {t_svy / t_pk:.0f}x"
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "synthetic_2023_x50.parquet")
        run = [sys.executable, __file__]
        mk = subprocess.run([*run, "--child-make50", path], capture_output=True, text=True, check=True)
        m50 = json.loads(mk.stdout.strip().splitlines()[-1])
        sc = subprocess.run([*run, "--child-scale50", path], capture_output=True, text=True, check=True)
        s50 = json.loads(sc.stdout.strip().splitlines()[-1])
    print(
        f"scale=50: {m50['rows']} rows; synthetic generation {m50['gen_s']:.1f} s (separate process); "
        f"papikit pipeline {s50['score_s']:.2f} s (peak RSS {s50['peak_rss_mb']:.0f} MB); with rank intervals at "
        f"every level {s50['all_s']:.2f} s (peak RSS {s50['peak_rss_all_mb']:.0f} MB); "
        f"{s50['rss_after_load_mb']:.0f} MB after importing and reading the data"
    )


if __name__ == "__main__":
    main()
