"""papikit.plot: each chart returns Axes with the expected artists and labels (no pixel snapshots)."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import polars as pl
import pytest

import papikit as pk

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import papikit.plot as pkp  # noqa: E402


@pytest.fixture(autouse=True)
def _close_all():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def y2023() -> pl.DataFrame:
    return pk.published(2023)


def texts(labels) -> list[str]:
    return [t.get_text() for t in labels]


def test_radar_vietnamese(y2023):
    ax = pkp.radar(y2023, "Đắk Lắk", peers=["Gia Lai", "Kon Tum", "Lâm Đồng"], lang="vi")
    # best + median + 3 peers + the province itself
    assert len(ax.get_lines()) == 6
    ticks = texts(ax.get_xticklabels())
    assert len(ticks) == 8
    assert ticks[3].startswith("D4\nKiểm soát")
    legend = texts(ax.get_legend().get_texts())
    assert legend == ["Cao nhất mỗi lĩnh vực", "Trung vị cả nước", "Gia Lai", "Kon Tum", "Lâm Đồng", "Đắk Lắk"]
    assert ax.get_title() == "Đắk Lắk 2023: 8 lĩnh vực"
    assert ax.name == "polar"


def test_radar_six_dimensions_before_2018():
    ax = pkp.radar(pk.published(2015), "Dak Lak", best=False, median=False)
    assert len(ax.get_xticklabels()) == 6
    assert len(ax.get_lines()) == 1


def test_radar_values_are_the_published_ones(y2023):
    ax = pkp.radar(y2023, 66, best=False, median=False)
    ys = ax.get_lines()[0].get_ydata()
    row = y2023.filter(pl.col("province_code") == 66).row(0, named=True)
    assert list(ys[:8]) == [row[f"d{i}"] for i in range(1, 9)]
    assert ys[8] == ys[0]  # closed polygon


def test_radar_unknown_or_missing_province(y2023):
    with pytest.raises(pk.UnknownProvinceError):
        pkp.radar(y2023, "Atlantis")
    with pytest.raises(pk.NoDataError):
        pkp.radar(y2023.filter(pl.col("province_code") != 66), "Đắk Lắk")


def test_dimension_bars_wide(y2023):
    ax = pkp.dimension_bars(y2023, "Đắk Lắk", lang="vi")
    assert len(ax.patches) == 8
    assert texts(ax.get_xticklabels())[7] == "D8\nQuản trị điện\ntử"
    assert sorted(texts(ax.get_legend().get_texts())) == ["Trung vị cả nước", "Điểm"]
    heights = [p.get_height() for p in ax.patches]
    assert heights[3] == pytest.approx(y2023.filter(pl.col("province_code") == 66)["d4"][0])


def test_dimension_bars_long_with_ci():
    df = pl.DataFrame(
        {
            "measure": ["d1", "d2", "d3"],
            "score": [5.0, 5.5, 4.2],
            "ci_low": [4.8, 5.1, 4.0],
            "ci_high": [5.3, 5.8, 4.5],
        }
    )
    ax = pkp.dimension_bars(df, lang="vi")
    assert len(ax.patches) == 3
    from matplotlib.container import ErrorbarContainer

    (err,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    segs = err.lines[2][0].get_segments()
    assert len(segs) == 3
    assert segs[0][0][1] == pytest.approx(4.8) and segs[0][1][1] == pytest.approx(5.3)
    assert texts(ax.get_xticklabels())[0] == "D1\nTham gia"


def test_dimension_bars_bad_columns():
    with pytest.raises(pk.ColumnError):
        pkp.dimension_bars(pl.DataFrame({"x": [1.0]}))


def test_rank_caterpillar(y2023):
    ax = pkp.rank_caterpillar(y2023, "Đắk Lắk", lang="vi")
    labels = ax.get_yticklabels()
    assert len(labels) == 61  # two provinces unranked in 2023
    assert labels[30].get_text() == "31. Đắk Lắk"
    assert labels[30].get_color() == "#c0392b"
    assert len(ax.collections) == 1  # points only: no CIs in published data
    xs = ax.collections[0].get_offsets()[:, 0]  # scores on the x axis, not ranks
    assert round(float(xs[30]), 4) == 42.3265 and list(xs) == sorted(xs, reverse=True)


def test_rank_caterpillar_with_intervals(y2023):
    df = y2023.with_columns(rank_low=pl.col("rank") - 2, rank_high=pl.col("rank") + 3)
    ax = pkp.rank_caterpillar(df, 66)
    assert len(ax.collections) == 1  # points; the rank interval is written beside the rank
    assert ax.get_yticklabels()[30].get_text() == "31 [29-34]. Dak Lak"
    assert round(float(ax.collections[0].get_offsets()[30][0]), 4) == 42.3265


def test_gap_waterfall():
    g = pl.DataFrame({"label": ["d1", "d4", "Sở Nội vụ"], "gap": [0.5, 1.25, -0.25]})
    ax = pkp.gap_waterfall(g, lang="vi", title="Đắk Lắk → Thừa Thiên Huế")
    assert len(ax.patches) == 4
    assert texts(ax.get_xticklabels()) == ["D1\nTham gia", "D4\nKiểm soát tham\nnhũng", "Sở Nội vụ", "Tổng khoảng cách"]
    assert ax.patches[-1].get_height() == pytest.approx(1.5)
    assert ax.patches[2].get_y() == pytest.approx(1.75)  # floats from the running total
    assert ax.get_title() == "Đắk Lắk → Thừa Thiên Huế"
    with pytest.raises(pk.ColumnError):
        pkp.gap_waterfall(g.rename({"gap": "x"}))


def test_trend_breaks_and_lines():
    panel = pk.published()
    ax = pkp.trend(panel, ["Đắk Lắk", "Gia Lai"], lang="vi")
    assert len(ax.get_lines()) == 3 + 4  # median + 2 provinces + 4 break lines
    # the total changed in 2016, 2018, 2019 (D8) and 2021: pk.trend's comparability rule
    assert sorted(t.get_text() for t in ax.texts) == ["2016", "2018", "2019", "2021"]
    assert texts(ax.get_legend().get_texts()) == ["Trung vị cả nước", "Đắk Lắk", "Gia Lai"]
    xs = list(ax.get_lines()[1].get_xdata())
    # the total is not comparable across 2018 (6 vs 8 dimensions): the line is interrupted
    k = xs.index(2018.0)
    assert xs[k - 1] != xs[k - 1]  # NaN
    ax2 = pkp.trend(panel, "Đắk Lắk", connect=True)
    assert all(x == x for x in ax2.get_lines()[1].get_xdata())
    assert len(ax2.get_lines()[1].get_xdata()) == 14


def test_before_after():
    y = pk.published(2023)
    sim = y.select(
        "province_code",
        "province_name",
        "province_name_en",
        before=pl.col("total"),
        after=pl.col("total") + pl.when(pl.col("province_code") == 66).then(0.5).otherwise(0.0),
    )
    ax = pkp.before_after(sim, highlight="Đắk Lắk", lang="vi")
    labels = ax.get_yticklabels()
    assert len(labels) == 61
    hl = [t for t in labels if t.get_color() == "#c0392b"]
    assert [t.get_text() for t in hl] == ["Đắk Lắk"]
    assert texts(ax.get_legend().get_texts()) == ["Trước", "Sau"]
    ax2 = pkp.before_after(sim, top=5)
    assert len(ax2.get_yticklabels()) == 5


@pytest.mark.parametrize("era,n", [(63, 63), (34, 34)])
def test_tile_layout_cells_distinct(era, n):
    lay = pkp.tile_layout(era)
    assert lay.height == n
    assert lay["province_code"].n_unique() == n
    assert lay.select("row", "col").unique().height == n, "two provinces share a cell"
    assert lay["row"].min() >= 0 and lay["col"].min() >= 0


def test_tile_layout_covers_registry():
    assert set(pkp.tile_layout(63)["province_code"].to_list()) == set(pk.provinces()["province_code"].to_list())
    assert set(pkp.tile_layout(34)["province_code"].to_list()) == set(pk.provinces(era=2025)["province_code"].to_list())


def test_tile_layout_roughly_geographic():
    lay = {c: (r, k) for c, r, k in pkp.tile_layout(63).iter_rows()}
    # north above south: Hà Giang (02) above Hà Nội (01) above Đắk Lắk (66) above Cà Mau (96)
    assert lay[2][0] < lay[1][0] < lay[66][0] < lay[96][0]
    # Hải Phòng (31) east of Hà Nội (01); An Giang (89) west of TP HCM (79)
    assert lay[31][1] > lay[1][1] and lay[89][1] < lay[79][1]
    with pytest.raises(pk.InvalidArgumentError):
        pkp.tile_layout(50)


def test_tile_map_63(y2023):
    ax = pkp.tile_map(y2023, highlight="Đắk Lắk", lang="vi")
    assert len(ax.patches) == 63
    assert len(ax.texts) == 63
    assert "Đắk Lắk" in texts(ax.texts)
    assert texts(ax.get_legend().get_texts()) == ["Cao", "Trung bình cao", "Trung bình thấp", "Thấp"]
    grey = [p for p in ax.patches if mpl.colors.to_hex(p.get_facecolor()) == "#dddddd"]
    assert len(grey) == 2  # Quảng Ninh and Bình Dương have no 2023 score


def test_tile_map_34_units():
    units = pk.provinces(era=2025).with_columns(total=pl.Series([40.0 + i / 10 for i in range(34)]))
    ax = pkp.tile_map(units, value="total", highlight="Phú Yên", lang="vi")
    assert len(ax.patches) == 34
    assert any(t.get_text() == "Đắk Lắk" and t.get_fontweight() == "bold" for t in ax.texts)
    assert len(ax.figure.axes) == 2  # map + colour bar


def test_choropleth_from_user_geojson(tmp_path, y2023):
    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ten": "Đắk Lắk"},
                "geometry": {"type": "Polygon", "coordinates": [[[108, 12], [109, 12], [109, 13], [108, 12]]]},
            },
            {
                "type": "Feature",
                "properties": {"ten": "Gia Lai"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [[[108, 13], [109, 13], [109, 14], [108, 13]]],
                        [[[107, 13], [107.5, 13], [107.5, 13.5], [107, 13]]],
                    ],
                },
            },
        ],
    }
    import json

    p = tmp_path / "vn.geojson"
    p.write_text(json.dumps(gj), encoding="utf-8")
    ax = pkp.choropleth(y2023, p, feature_key="ten", lang="vi")
    assert len(ax.patches) == 3
    assert texts(ax.get_legend().get_texts()) == ["Trung bình thấp", "Thấp"]
    with pytest.raises(pk.InvalidArgumentError):
        pkp.choropleth(y2023, {"type": "Feature"}, feature_key="ten")


def test_labels_english(y2023):
    ax = pkp.dimension_bars(y2023, "Dak Lak")
    assert texts(ax.get_xticklabels())[0] == "D1\nParticipation"
    assert pkp.dimension_label("total", "vi") == "Tổng"


def test_invalid_lang(y2023):
    with pytest.raises(pk.InvalidArgumentError):
        pkp.radar(y2023, "Dak Lak", lang="fr")  # type: ignore[arg-type]


def test_survey_shaped_tables():
    # survey results: ``province_code`` holds the GSO code, ``measure`` the measure, ``estimate`` the score
    ranks = pl.DataFrame(
        {
            "province_code": [66, 64, 62],
            "province_name_en": ["Dak Lak", "Gia Lai", "Kon Tum"],
            "measure": ["total"] * 3,
            "estimate": [42.3, 41.0, 40.2],
            "rank": [1, 2, 3],
            "rank_low": [1, 1, 2],
            "rank_high": [2, 3, 3],
            "group": ["High", "High average", "Low"],
        }
    )
    ax = pkp.rank_caterpillar(ranks, "Đắk Lắk", lang="vi")
    assert texts(ax.get_yticklabels()) == ["1 [1-2]. Đắk Lắk", "2 [1-3]. Gia Lai", "3 [2-3]. Kon Tum"]
    assert [round(float(x), 1) for x in ax.collections[0].get_offsets()[:, 0]] == [42.3, 41.0, 40.2]
    ax2 = pkp.tile_map(ranks, era=63)
    coloured = [p for p in ax2.patches if mpl.colors.to_hex(p.get_facecolor()) != "#dddddd"]
    assert len(coloured) == 3
    dims = pl.DataFrame(
        {
            "province_code": [66, 66],
            "measure": ["d1", "d2"],
            "estimate": [4.8, 5.3],
            "ci_low": [4.6, 5.0],
            "ci_high": [5.0, 5.6],
        }
    )
    ax3 = pkp.dimension_bars(dims)
    assert [p.get_height() for p in ax3.patches] == [4.8, 5.3]


def test_gap_waterfall_takes_pk_gaps_result():
    g = pk.gaps("Đắk Lắk", 2023, against="best")
    ax = pkp.gap_waterfall(g, lang="vi")
    assert len(ax.patches) == 8 + 1
    # against the best province the dimension gaps add up to the total gap: 3.7150 (issue 4)
    assert ax.patches[-1].get_height() == pytest.approx(3.715, abs=5e-4)
    assert texts(ax.get_xticklabels())[0].startswith("D4\n")  # ordered by contribution


def test_before_after_takes_pk_simulate_result():
    s = pk.simulate(2023, {"Đắk Lắk": {"d4": 0.5}})
    ax = pkp.before_after(s, highlight="Đắk Lắk", top=3, lang="vi")
    labels = texts(ax.get_yticklabels())
    assert "Đắk Lắk" in labels and len(labels) == 3
    assert ax.collections[-1].get_offsets()[labels.index("Đắk Lắk")][0] == pytest.approx(42.8265, abs=5e-4)


def test_charts_take_papikit_results():
    prof = pk.profile("Đắk Lắk", 2023)
    ax = pkp.dimension_bars(prof, lang="vi")
    assert len(ax.patches) == 8  # the dimension rows only, not the total
    assert texts(ax.get_legend().get_texts())[0] == "Trung vị cả nước"
    merged = pk.merged(2023, weights={c: 1.0 for c in pk.provinces()["province_code"].to_list()})
    ax2 = pkp.tile_map(merged, highlight="Phú Yên")
    assert len(ax2.patches) == 34
    with pytest.raises(pk.InvalidArgumentError):
        pkp.tile_map([1, 2, 3])


def test_vietnamese_glyphs_render_without_warnings(y2023):
    import io
    import warnings

    ax = pkp.tile_map(y2023, highlight="Đắk Lắk", lang="vi")
    ax2 = pkp.radar(y2023, "Thừa Thiên Huế", peers=["Quảng Ngãi", "Bạc Liêu"], lang="vi")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font" otherwise
        for a in (ax, ax2):
            a.figure.savefig(io.BytesIO(), format="png", dpi=50)


def test_tile_layout_34_roughly_geographic():
    lay = {c: (r, k) for c, r, k in pkp.tile_layout(34).iter_rows()}
    # Cao Bằng (04) north of Hà Nội (01) north of Đắk Lắk (66) north of Cà Mau (96)
    assert lay[4][0] < lay[1][0] < lay[66][0] < lay[96][0]
    assert lay[31][1] > lay[1][1]  # Hải Phòng east of Hà Nội


def test_break_years_and_labels_come_from_the_core():
    from papikit import _core

    assert tuple(_core.break_years()) == pkp.BREAK_YEARS
    assert 2019 in pkp.BREAK_YEARS  # plot used to keep its own list without 2019
    assert pkp.dimension_label("d4", "vi") == _core.label("dimension.d4", "vi")
    assert pkp.dimension_label("not a measure") == "not a measure"
