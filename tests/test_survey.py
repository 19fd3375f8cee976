"""Survey microdata -> index scores with design-based uncertainty (issue 3).

The statistical claims (R golden values, CI coverage, published-in-CI, bit-identical across thread
counts) are tested in Rust (crates/papikit-core/src/survey/{golden_tests,tests}.rs); here the Python
API, its errors, immutability and the thread-count invariance through the GIL-released path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import papikit as pk

GOLDEN = Path(__file__).parent / "golden" / "survey"


@pytest.fixture(scope="module")
def small() -> pl.DataFrame:
    return pk.synthetic_survey(2023, seed=3, scale=0.3)


@pytest.fixture(scope="module")
def fw() -> pk.Framework:
    return pk.framework(2023)


def test_synthetic_shape() -> None:
    df = pk.synthetic_survey(2023)
    assert df.height == 19572
    assert df["province"].n_unique() == 63
    assert df["district"].n_unique() == 207
    assert {"weight", "commune", "village", "district_type", "sex", "age_group"} <= set(df.columns)
    assert pk.synthetic_survey(2023).equals(df)
    assert not pk.synthetic_survey(2023, seed=1).equals(df)


def test_score_levels_and_columns(small: pl.DataFrame, fw: pk.Framework) -> None:
    res = pk.Survey(small, design=pk.PAPI_DESIGN).score(fw, method="bootstrap", replicates=60, seed=2)
    cols = [
        "province_code",
        "province_name",
        "province_name_en",
        "measure",
        "parent",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "df",
        "n",
        "n_missing",
    ]
    for t, n_codes in ((res.totals, 1), (res.dimensions, 8), (res.subdimensions, 28), (res.indicators, 68)):
        assert t.columns == cols
        assert t.height == 63 * n_codes
        assert (t["ci_low"] <= t["estimate"]).all() and (t["estimate"] <= t["ci_high"]).all()
    dims = res.dimensions.group_by("province_code").agg(pl.col("estimate").sum())
    tot = res.totals.select("province_code", "estimate").join(dims, on="province_code")
    assert (tot["estimate"] - tot["estimate_right"]).abs().max() < 1e-9  # type: ignore[operator]
    r = res.ranks("total", top=10)
    assert {"rank", "rank_low", "rank_high", "group", "p_group", "p_top"} <= set(r.columns)
    assert (r["rank_low"] <= r["rank"]).all() and (r["rank"] <= r["rank_high"]).all()
    codes, arr = res.replicates("dimension")
    assert codes == [f"d{k}" for k in range(1, 9)]
    assert arr.shape == (60, 8, 63)
    assert "bootstrap" in res._repr_html_()
    assert res.to_polars().height == 63 * (1 + 8 + 28 + 68)
    with pytest.raises(AttributeError):
        res.lang = "vi"  # type: ignore[misc]


def test_replicates_of_every_level_reproduce_the_reported_se(small: pl.DataFrame, fw: pk.Framework) -> None:
    """Scoring keeps only total/dimension replicates and accumulates SEs on the fly; the replicates of
    the other levels are recomputed on demand. Both must agree with the textbook bootstrap SE
    sqrt(sum (x_r - mean)^2 / (R - 1)) computed here with numpy from the returned arrays."""
    import numpy as np

    res = pk.Survey(small, design=pk.PAPI_DESIGN).score(fw, method="bootstrap", replicates=90, seed=5)
    for level, table in (
        ("total", res.totals),
        ("dimension", res.dimensions),
        ("subdimension", res.subdimensions),
        ("indicator", res.indicators),
    ):
        codes, arr = res.replicates(level)  # type: ignore[arg-type]
        assert arr.shape == (90, len(codes), 63)
        se = np.sqrt(((arr - arr.mean(axis=0)) ** 2).sum(axis=0) / 89)  # codes x provinces
        want = table.sort(["measure", "province_code"])  # same order as codes x provinces below
        order = {c: i for i, c in enumerate(codes)}
        prov = {p: i for i, p in enumerate(res.provinces)}
        got = np.array([se[order[c], prov[p]] for c, p in zip(want["measure"], want["province_code"], strict=True)])
        assert np.allclose(got, want["se"].to_numpy(), rtol=1e-10, atol=0), level
    # Kept dimension replicates (from the scoring pass) = sums of the recomputed sub-dimension
    # replicates of the same draw; kept total = sum of kept dimensions.
    dcodes, dims = res.replicates("dimension")
    scodes, subs = res.replicates("subdimension")
    _, tot = res.replicates("total")
    parent = dict(res.subdimensions.select("measure", "parent").unique().iter_rows())
    for k, d in enumerate(dcodes):
        members = [i for i, c in enumerate(scodes) if parent[c] == d]
        assert np.abs(subs[:, members, :].sum(axis=1) - dims[:, k, :]).max() < 1e-9
    assert np.abs(dims.sum(axis=1) - tot[:, 0, :]).max() < 1e-9


def test_same_seed_same_result_and_methods(small: pl.DataFrame, fw: pk.Framework) -> None:
    s = pk.Survey(small, design=pk.PAPI_DESIGN)
    a = s.score(fw, method="bootstrap", replicates=40, seed=9).to_polars()
    b = s.score(fw, method="bootstrap", replicates=40, seed=9).to_polars()
    assert a.equals(b)
    t = s.score(fw, method="taylor", level=0.95)
    j = s.score(fw, method="jackknife")
    assert t.method == "taylor" and j.method == "jackknife" and t.level == 0.95
    mm = s.score(fw, method="bootstrap", replicates=30, normalisation="minmax")
    assert mm.normalisation == "minmax"
    with pytest.raises(pk.InvalidArgumentError):
        s.score(fw, method="taylor", normalisation="zscore")


def test_means_match_r_golden() -> None:
    df = pl.read_csv(GOLDEN / "data.csv")
    gold = pl.read_csv(GOLDEN / "golden_means.csv").filter(pl.col("design") == "taylor")
    s = pk.Survey(df, design=pk.Design(domain="province", strata="stratum", psu="psu", weight="weight"))
    m = s.means(["y1", "y2", "y3"]).with_columns(pl.col("domain").cast(pl.Int64))
    j = gold.join(m, left_on=["province", "item"], right_on=["domain", "measure"])
    assert j.height == 12
    assert ((j["estimate"] - j["mean"]).abs() / j["mean"].abs()).max() <= 1e-9  # type: ignore[operator]
    assert ((j["se_right"] - j["se"]).abs() / j["se"]).max() <= 1e-9  # type: ignore[operator]


def test_bad_inputs_are_typed(small: pl.DataFrame, fw: pk.Framework) -> None:
    with pytest.raises(pk.ColumnError, match="nope"):
        pk.Survey(small, design=pk.Design(domain="province", weight="nope")).score(fw, method="taylor")
    neg = small.with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(-1.0).otherwise(pl.col("weight")).alias("weight")
    )
    with pytest.raises(pk.SurveyError, match="row 5"):
        pk.Survey(neg, design=pk.PAPI_DESIGN).score(fw, method="taylor")
    with pytest.raises(pk.SurveyError, match="all weights are zero"):
        pk.Survey(small.with_columns(pl.lit(0.0).alias("weight")), design=pk.PAPI_DESIGN).score(fw, method="taylor")
    zero_hn = small.with_columns(pl.when(pl.col("province") == 1).then(0.0).otherwise(pl.col("weight")).alias("weight"))
    with pytest.raises(pk.SurveyError, match="domain 1 "):
        pk.Survey(zero_hn, design=pk.PAPI_DESIGN).score(fw, method="taylor")
    txt = small.with_columns(pl.col("weight").cast(pl.String))
    with pytest.raises(pk.ColumnError, match="weight"):
        pk.Survey(txt, design=pk.PAPI_DESIGN).score(fw, method="taylor")
    one = small.with_columns(pl.lit(1).alias("district"))
    with pytest.raises(pk.SurveyError, match="single PSU"):
        pk.Survey(
            one,
            design=pk.Design(domain="province", strata="province", psu="district", weight="weight", lonely_psu="fail"),
        ).score(fw, method="taylor")
    ok = pk.Survey(
        one,
        design=pk.Design(domain="province", strata="province", psu="district", weight="weight", lonely_psu="certainty"),
    ).score(fw, method="taylor")
    assert ok.totals.height == 63
    with pytest.raises(pk.InvalidArgumentError):
        pk.Survey(small, design=pk.PAPI_DESIGN).score(fw, method="bogus")  # type: ignore[arg-type]
    with pytest.raises(pk.InvalidArgumentError):
        pk.Survey(small, design=pk.PAPI_DESIGN).score(fw, level=1.5)
    with pytest.raises(pk.InvalidArgumentError):
        pk.Survey(small, design=pk.PAPI_DESIGN).score(fw, seed=-1)
    with pytest.raises(pk.InvalidArgumentError):
        pk.Survey(small.to_dict(), design=pk.PAPI_DESIGN)  # type: ignore[arg-type]
    with pytest.raises(pk.InvalidArgumentError):
        pk.read_survey("x.xlsx")


def test_read_survey_csv_parquet(tmp_path: Path) -> None:
    df = pk.synthetic_survey(2023, scale=0.1)
    df.write_parquet(tmp_path / "s.parquet")
    df.write_csv(tmp_path / "s.csv")
    assert pk.read_survey(tmp_path / "s.parquet").equals(df)
    assert pk.read_survey(tmp_path / "s.csv").height == df.height


def test_user_column_names_via_with_columns(small: pl.DataFrame, fw: pk.Framework) -> None:
    ind = fw.indicators().row(0, named=True)
    item = ind["items"].split(",")[0] if isinstance(ind["items"], str) else ind["code"]
    renamed = small.rename({item: "their_var"})
    with pytest.raises(pk.ColumnError):
        pk.Survey(renamed, design=pk.PAPI_DESIGN).score(fw, method="taylor")
    fw2 = fw.with_columns({ind["code"]: "their_var"})
    res = pk.Survey(renamed, design=pk.PAPI_DESIGN).score(fw2, method="taylor")
    base = pk.Survey(small, design=pk.PAPI_DESIGN).score(fw, method="taylor")
    assert res.totals["estimate"].equals(base.totals["estimate"])


_THREADS_SCRIPT = """
import papikit as pk, hashlib
df = pk.synthetic_survey(2023, seed=4, scale=0.3)
r = pk.Survey(df, design=pk.PAPI_DESIGN).score(pk.framework(2023), method="bootstrap", replicates=50, seed=3)
codes, arr = r.replicates("subdimension")
h = hashlib.sha256(arr.tobytes())
h.update(r.to_polars().write_csv().encode())
h.update(r.ranks("dimension").write_csv().encode())
print(h.hexdigest())
"""


def test_bit_identical_for_1_and_2_threads() -> None:
    out = []
    for n in ("1", "2"):
        env = dict(os.environ, RAYON_NUM_THREADS=n)
        p = subprocess.run([sys.executable, "-c", _THREADS_SCRIPT], env=env, capture_output=True, text=True, check=True)
        out.append(p.stdout.strip())
    assert out[0] == out[1] and len(out[0]) == 64


def test_units_2025_are_re_estimated_as_domains() -> None:
    """Issue 4 item 5: the 34 units of 2025 re-estimated from microdata as domains of the same design.
    A unit with one member (Hà Nội) reproduces that province exactly; a merged unit's indicator
    estimate is a weighted mean of its members' and so lies between them."""
    df = pk.synthetic_survey(2023, seed=3, scale=0.5)
    s = pk.Survey(df, design=pk.PAPI_DESIGN)
    fw = pk.framework(2023)
    p63 = s.score(fw, method="taylor", year=2023)
    p34 = s.score(fw, method="taylor", year=2023, units=34)
    assert p34.totals.height == 34
    assert set(p34.totals["province_code"].to_list()) == set(pk.provinces(era=2025)["province_code"].to_list())
    hn63 = p63.totals.filter(pl.col("province_code") == 1)["estimate"][0]
    hn34 = p34.totals.filter(pl.col("province_code") == 1)["estimate"][0]
    assert hn34 == pytest.approx(hn63, rel=1e-12)
    ind63, ind34 = p63.indicators, p34.indicators
    for code in ("d8_internet_at_home", "d4_bribe_needed_state_job"):
        members = ind63.filter((pl.col("measure") == code) & pl.col("province_code").is_in([54, 66]))["estimate"]
        unit = ind34.filter((pl.col("measure") == code) & (pl.col("province_code") == 66))["estimate"][0]
        assert members.min() - 1e-9 <= unit <= members.max() + 1e-9  # type: ignore[operator]
    with pytest.raises(pk.InvalidArgumentError):
        s.score(fw, units=35)  # type: ignore[arg-type]


def test_year_comes_from_the_data() -> None:
    df = pk.synthetic_survey(2022, seed=4, scale=0.3)
    assert df["year"].unique().to_list() == [2022]
    s = pk.Survey(df, design=pk.PAPI_DESIGN)
    assert s.score(pk.framework(2022), method="taylor").year == 2022
    assert s.score(pk.framework(2022), method="taylor", year=2021).year == 2021
    assert pk.Survey(df.drop("year"), design=pk.PAPI_DESIGN).score(pk.framework(2022), method="taylor").year == 2024


@pytest.mark.parametrize("suffix", [".dta", ".sav"])
def test_read_stata_and_spss_keep_codes_and_labels(tmp_path: Path, suffix: str) -> None:
    """Stata/SPSS files written by pyreadstat (the reader the PAPI team's files would go through)
    come back with numeric answer codes (what recipes use) and a ``<var>__label`` column."""
    pyreadstat = pytest.importorskip("pyreadstat")
    df = pk.synthetic_survey(2023, seed=5, scale=0.1)
    item = "d8_internet_at_home"
    cols = ["province", "district", "weight", item]
    pdf = df.select(cols).to_pandas()
    path = tmp_path / f"papi{suffix}"
    labels = {item: {1: "Có", 2: "Không", 98: "Không biết"}}
    writer = pyreadstat.write_dta if suffix == ".dta" else pyreadstat.write_sav
    writer(pdf, str(path), variable_value_labels=labels)
    back = pk.read_survey(path)
    assert back.select(pl.col(item).cast(pl.Int64)).to_series().to_list() == df[item].cast(pl.Int64).to_list()
    lab = back.filter(pl.col(item) == 1)[f"{item}__label"].unique().to_list()
    assert lab == ["Có"]
    # the codes feed the estimator exactly as the original table does
    m1 = pk.Survey(df, design=pk.PAPI_DESIGN).means([item])
    m2 = pk.Survey(back.with_columns(pl.col(item).cast(pl.Float64)), design=pk.PAPI_DESIGN).means([item])
    assert m1["estimate"].to_list() == pytest.approx(m2["estimate"].to_list(), rel=1e-12)


@pytest.mark.parametrize(
    ("label", "prefix", "rtype", "rho"),
    [("JK1", "jk1_", "JK1", None), ("BRR", "brr_", "BRR", None), ("Fay", "fay_", "Fay", 0.5)],
)
def test_supplied_replicate_types_match_r_svrepdesign(label: str, prefix: str, rtype: str, rho: float | None) -> None:
    # R: svrepdesign(repweights=..., type=label) on weights made by as.svrepdesign (make_golden.R)
    df = pl.read_csv(GOLDEN / "data_repweights.csv")
    gold = pl.read_csv(GOLDEN / "golden_repweights.csv").filter(pl.col("type") == label)
    cols = tuple(c for c in df.columns if c.startswith(prefix))
    design = pk.Design(
        domain="province", weight="weight", replicate_weights=cols, replicate_type=rtype, replicate_rho=rho
    )  # type: ignore[arg-type]
    s = pk.Survey(df, design=design)
    for m in (s.means(["y1", "y2", "y3"], method="supplied"), s.replicate("supplied").means(["y1", "y2", "y3"])):
        j = gold.join(
            m.with_columns(pl.col("domain").cast(pl.Int64)),
            left_on=["province", "item"],
            right_on=["domain", "measure"],
        )
        assert j.height == 12
        assert ((j["estimate"] - j["mean"]).abs() / j["mean"].abs()).max() <= 1e-9  # type: ignore[operator]
        assert ((j["se_right"] - j["se"]).abs() / j["se"]).max() <= 1e-9  # type: ignore[operator]


def test_replicate_type_errors_are_typed() -> None:
    df = pl.read_csv(GOLDEN / "data_repweights.csv")
    cols = tuple(c for c in df.columns if c.startswith("fay_"))
    with pytest.raises(pk.InvalidArgumentError, match="replicate_rho"):
        pk.Survey(
            df, design=pk.Design(domain="province", weight="weight", replicate_weights=cols, replicate_type="Fay")
        ).means("y1", method="supplied")
    with pytest.raises(pk.InvalidArgumentError, match="replicate_rscales"):
        pk.Survey(
            df, design=pk.Design(domain="province", weight="weight", replicate_weights=cols, replicate_type="JKn")
        ).means("y1", method="supplied")
    with pytest.raises(pk.InvalidArgumentError, match="replicate_type"):
        pk.Survey(
            df, design=pk.Design(domain="province", weight="weight", replicate_weights=cols, replicate_type="nope")
        ).means("y1", method="supplied")  # type: ignore[arg-type]


def test_replicate_design_built_once_gives_the_same_numbers(small: pl.DataFrame, fw: pk.Framework) -> None:
    s = pk.Survey(small, design=pk.PAPI_DESIGN)
    for method, kw in (("bootstrap", {"replicates": 40, "seed": 9}), ("jackknife", {"replicates": 40, "seed": 9})):
        rep = s.replicate(method, **kw)  # type: ignore[arg-type]
        assert rep.method == method
        direct = s.score(fw, method=method, **kw)  # type: ignore[arg-type]
        reused = rep.score(fw)
        assert reused.to_polars().equals(direct.to_polars())
        assert reused.ranks("indicator").equals(direct.ranks("indicator"))
        items = ["d8_internet_at_home"]
        assert rep.means(items).equals(s.means(items, method=method, **kw))  # type: ignore[arg-type]
        # the 34 units of 2025 keep the PSUs, so the same factors serve them
        assert rep.score(fw, units=34).to_polars().equals(s.score(fw, method=method, units=34, **kw).to_polars())  # type: ignore[arg-type]
    assert s.replicate("bootstrap", replicates=40, seed=9).n_replicates == 40
    # factors built on other PSUs are refused
    other = pk.Survey(pk.synthetic_survey(2023, seed=4, scale=0.1), design=pk.PAPI_DESIGN)
    rep = other.replicate("bootstrap", replicates=20)
    with pytest.raises(pk.InvalidArgumentError, match="replicate_design"):
        pk.Survey(small.filter(pl.col("province") != 1), design=pk.PAPI_DESIGN)._score(
            fw,
            method="bootstrap",
            replicates=20,
            seed=1,
            level=0.9,
            normalisation="goalposts",
            year=None,
            units=63,
            lang="en",
            replicate_design=rep._native,
        )
    with pytest.raises(pk.InvalidArgumentError, match="taylor"):
        s.replicate("taylor")  # type: ignore[arg-type]


def test_huge_replicate_requests_are_refused_before_allocating() -> None:
    """Issue 14: 10**9 replicates (1.6 TB of bootstrap factors, 504 GB of Taylor rank draws) end in a
    typed error naming ``replicates`` instead of an aborted process."""
    s = pk.Survey(pk.synthetic_survey(2023, scale=0.05), design=pk.PAPI_DESIGN)
    calls = [
        lambda: s.score(pk.framework(2023), method="taylor", replicates=10**9),
        lambda: s.score(pk.framework(2023), method="bootstrap", replicates=10**9),
        lambda: s.means(["d1_know_slogan_dan_biet"], method="bootstrap", replicates=10**9),
        lambda: s.replicate("bootstrap", replicates=10**9),
    ]
    for call in calls:
        with pytest.raises(pk.InvalidArgumentError) as e:
            call()
        assert e.value.argument == "replicates"  # type: ignore[attr-defined]
