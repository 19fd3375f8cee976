"""Vietnamese deliverables (issue 15 item 3): numbers as each language writes them (VN 42,3265 and
1.234; EN 42.3265), no English left in the VN report's tables, PAPI's own VN terms, dates written
out, a summary paragraph generated from the numbers, and the source's citation on every deliverable.

Provenance of the numbers: Đắk Lắk's 2023 total 42.3265 (rank 31 of 61) is the published PAPI 2023
result (crates/papikit-core/data/papi_panel_2011_2024.csv; the Đắk Lắk plan in shared/seed quotes
it); the citation form "CECODES, RTA & UNDP (2024)" for the 2023 report is from
shared/research/papi-methodology.md.
"""

from __future__ import annotations

import re

import polars as pl
import pytest

import papikit as pk
from papikit._format import number
from papikit.cli import main

ASCII_WORDS = {"total", "dimension", "subdimension", "sub-dimension", "indicator", "True", "False", "true", "false"}
ASCII_WORDS |= {"shared", "lead", "code", "yes", "no"}


def _cells(html: str) -> list[str]:
    return re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", html)


@pytest.fixture(scope="module")
def vi() -> str:
    return pk.report_html("Đắk Lắk", year=2023, lang="vi", progress=False)


@pytest.fixture(scope="module")
def en() -> str:
    return pk.report_html("Đắk Lắk", year=2023, lang="en", progress=False)


def test_numbers_follow_the_language() -> None:
    assert number(42.3265, lang="vi") == "42,3265" and number(42.3265, lang="en") == "42.3265"
    assert number(1234.0, 0, lang="vi") == "1.234" and number(1234.0, 0, lang="en") == "1,234"
    assert number(-0.5, 2, lang="vi", sign=True) == "-0,50" and number(0.5, 2, lang="vi", sign=True) == "+0,50"
    with pk.Config(decimal=".", thousands=","):
        assert number(1234.5, 1, lang="vi") == "1,234.5"
    assert number(1234.5, 1, lang="vi") == "1.234,5"  # the override ends with the block
    with pytest.raises(pk.InvalidArgumentError, match="decimal"):
        pk.Config.set(decimal="..")


def test_vietnamese_report(vi: str) -> None:
    assert "42,3265" in vi and "42.3265" not in vi
    cells = _cells(vi)
    english = sorted({c for c in cells if c.strip() in ASCII_WORDS})
    assert english == [], english
    # headers: no snake_case column name left
    heads = re.findall(r"<th>([^<]*)</th>", vi)
    assert not [h for h in heads if re.fullmatch(r"[a-z_]+", h)], heads
    # the dimension column is headed by PAPI's term for a dimension, never "Chỉ tiêu" (indicator)
    assert heads[0] == "Lĩnh vực nội dung"
    assert "Chỉ tiêu" not in heads
    # the summary paragraph, generated from the numbers
    summary = re.search(r'<p class="summary">([^<]*)</p>', vi)
    assert summary is not None
    text = summary.group(1)
    assert text.startswith("Năm 2023, Đắk Lắk đạt 42,3265 điểm tổng hợp PAPI, xếp hạng 31/61")
    assert "Trung bình thấp" in text and "Tây Nguyên" in text
    assert "Thừa Thiên Huế" in text  # the best province, reference of the largest gaps
    assert "Trung bình cao" in text  # the plan's target: the next group
    # the citation, short at the top and in full at the end; the date written out
    assert "Nguồn: CECODES, RTA và UNDP (2024), Báo cáo PAPI năm 2023" in vi
    assert "CECODES, RTA và UNDP (2024). Báo cáo Chỉ số Hiệu quả quản trị và Hành chính công cấp tỉnh" in vi
    assert re.search(r"ngày \d{1,2} tháng \d{1,2} năm \d{4}", vi)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", vi)


def test_english_report(en: str) -> None:
    assert "42.3265" in en and "42,3265" not in en
    summary = re.search(r'<p class="summary">([^<]*)</p>', en)
    assert summary is not None
    assert summary.group(1).startswith("In 2023 Dak Lak scored 42.3265 points on the PAPI total: rank 31 of 61")
    assert "Source: CECODES, RTA &amp; UNDP (2024), The 2023 PAPI Report" in en
    assert "CECODES, RTA &amp; UNDP (2024). The 2023 Viet Nam Governance" in en


def test_report_decimal_override() -> None:
    html = pk.report_html("Đắk Lắk", year=2023, lang="vi", progress=False, decimal=".")
    assert "42.3265" in html and "42,3265" not in html
    assert pk.Config.state() == {"decimal": None, "thousands": None}


def test_summary_reads_the_numbers() -> None:
    for year in (2022, 2023):
        p = pk.profile("Đắk Lắk", year)
        t = p.to_polars().filter(pl.col("measure") == "total").row(0, named=True)
        s = pk.summary("Đắk Lắk", year)
        assert f"scored {t['score']:.4f} points" in s
        assert f"rank {t['rank']} of {t['n_ranked']}" in s
        if t["change_points"] is not None:
            assert f"by {abs(t['change_points']):.4f} points" in s
    # the largest gap to the best province is named first, with its lead agency
    g = pk.gaps("Đắk Lắk", 2023).to_polars().filter(pl.col("level") == "dimension").sort("gap", descending=True)
    first = g["measure"][0].upper()
    s = pk.summary("Đắk Lắk", 2023)
    assert s.index(f"{first} ") < s.index(f"{g['measure'][1].upper()} ")


def test_cli_numbers_and_citation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "Đắk Lắk", "--year", "2023", "--lang", "vi"]) == 0
    out = capsys.readouterr().out
    assert "42,3265" in out and "42.3265" not in out
    assert "Lĩnh vực nội dung" in out and "Chỉ tiêu" not in out
    assert out.rstrip().splitlines()[-1] == pk.cite(2023, lang="vi", short=True)
    assert main(["profile", "Đắk Lắk", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert "42.3265" in out and out.rstrip().splitlines()[-1].startswith("Source: CECODES, RTA & UNDP (2024)")


def test_repr_html_follows_the_language() -> None:
    html = pk.profile("Đắk Lắk", 2023, lang="vi")._repr_html_()
    assert "42,3265" in html
    assert not {c for c in _cells(html) if c in ASCII_WORDS}
    assert "42.3265" in pk.profile("Đắk Lắk", 2023)._repr_html_()


def test_cite() -> None:
    assert pk.cite(2023).startswith("CECODES, RTA & UNDP (2024). The 2023 Viet Nam Governance")
    assert pk.cite(2023, lang="vi").startswith("CECODES, RTA và UNDP (2024). Báo cáo Chỉ số")
    assert pk.cite(2022).startswith("CECODES, VFF-CRT, RTA & UNDP (2023).")  # VFF-CRT up to the 2022 report
    assert pk.cite().startswith("CECODES, RTA & UNDP") and f"({pk.LAST_YEAR + 1})" in pk.cite()
    with pytest.raises(pk.UnknownYearError):
        pk.cite(1999)
    with pytest.raises(pk.InvalidArgumentError, match="year"):
        pk.cite("2023")  # type: ignore[arg-type]


def test_change_and_gaps_say_whether_they_are_within_noise(vi: str, en: str) -> None:
    """Issue 15 item 2 in the report: the year-on-year change and the largest gaps are set against
    their noise, from the SEs the gaps carry (published scores: model-based, docs/methodology.md).
    Đắk Lắk's total rose 1.2042 points 2022 -> 2023 (published 41.1223 -> 42.3265) and 0.6837
    points 2023 -> 2024; the model SEs of the two years' totals combine to an SE of the change of
    0.414 (2023) and 0.641 (2024), so the first change is beyond its 95% noise and the second within."""
    expected = {}
    for year in (2023, 2024):
        row = (
            pk.gaps("Đắk Lắk", year, against=pk.Year(year - 1))
            .to_polars()
            .filter(pl.col("measure") == "total")
            .row(0, named=True)
        )
        expected[year] = (-row["gap"], -row["ci_high"], -row["ci_low"], row["significant"])
    assert expected[2023][3] is True and expected[2024][3] is False
    ch, lo, hi, _ = expected[2023]
    assert round(ch, 4) == 1.2042 and 0 < lo < ch < hi
    sentence = (
        f"The change of +{ch:.4f} points is larger than its noise (95% CI +{lo:.4f} to +{hi:.4f}, model-based SEs)."
    )
    assert sentence in pk.summary("Đắk Lắk", 2023)
    ch, lo, hi, _ = expected[2024]
    assert lo < 0 < hi
    s24 = pk.summary("Đắk Lắk", 2024)
    assert f"The change of +{ch:.4f} points is within noise (95% CI {lo:.4f} to +{hi:.4f}, model-based SEs)." in s24
    vi24 = pk.summary("Đắk Lắk", 2024, lang="vi")
    assert f"Mức thay đổi {number(ch, lang='vi', sign=True)} điểm nằm trong phạm vi sai số ngẫu nhiên" in vi24
    assert "khoảng tin cậy 95%: " + number(lo, lang="vi") in vi24 and "sai số chuẩn theo mô hình" in vi24
    # the report's summary carries the same sentence, in the language of the report
    assert sentence in en
    assert f"Mức thay đổi {number(expected[2023][0], lang='vi', sign=True)} điểm lớn hơn sai số ngẫu nhiên" in vi
    # the largest gaps to the best province: each with its noise verdict from the gaps' significant
    g = pk.gaps("Đắk Lắk", 2023).to_polars().filter(pl.col("level") == "dimension").sort("gap", descending=True)
    for m, gap, sig in g.select("measure", "gap", "significant").head(2).iter_rows():
        word = "larger than its noise" if sig else "within noise"
        assert f"{m.upper()} " in en and f"({gap:.4f} points, {word};" in en
    assert g["significant"][0] is True  # D4: 0.9567 points, 95% CI 0.7536 to 1.1598
    assert "điểm, lớn hơn sai số ngẫu nhiên;" in vi


def test_summary_names_the_agencies_and_a_plan_needing_no_gain() -> None:
    """The gap items name the agencies that lead on the dimension's sub-dimensions (the agency view
    of a gaps table with sub-dimensions is by sub-dimension): D4 2023 -> the Provincial Inspectorate
    (data/agencies.csv: thanh_tra leads limits_corruption_local_gov, plan II.5.d). Where the others'
    projected trend alone puts the province in the target group (Đắk Lắk 2023 -> High average under
    others="trend": required_gain 0, rank 31 -> 29), the plan sentence says so instead of quoting a
    gain of 0."""
    s = pk.summary("Đắk Lắk", 2023)
    assert "; )" not in s and "larger than its noise; Provincial Inspectorate)" in s
    assert "Thanh tra tỉnh)" in pk.summary("Đắk Lắk", 2023, lang="vi")
    plan = pk.optimize("Đắk Lắk", 2023, target=pk.Group("high average"), others="trend")
    assert plan.required_gain == 0.0 and plan.gains == ()
    assert "Dak Lak reaches the High average group if the other provinces keep their recent trend without" in s
    assert f"rank {plan.rank_before} → {plan.rank_after} of {plan.n_ranked}" in s
    assert "0.0000 more points" not in s
