"""Region / level / year: path convention, text cues, traditional characters, the national corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from opencc import OpenCC

from pipelines.ingest import read_report
from pipelines.ingest.attribution import attribute_from_path, attribute_from_text, level_for_region

BODY = (
    "各位代表：\n现在，我代表{region}人民政府向大会报告工作，请予审议，并请各位政协委员提出意见。\n"
    "一、{prev}年工作回顾\n过去一年，全市经济运行稳中向好，地区生产总值增长5%。\n"
    "二、{year}年主要任务\n今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。\n"
    "各位代表，让我们团结奋斗，为全面建设社会主义现代化国家而努力奋斗！\n"
)


def _report(region: str, year: int, head: str = "") -> str:
    return head + BODY.format(region=region, year=year, prev=year - 1) * 12


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("北京市", "province"),
        ("重庆市", "province"),
        ("江苏省", "province"),
        ("广西壮族自治区", "province"),
        ("南京市", "city"),
        ("恩施土家族苗族自治州", "city"),
        ("海拉尔区", "county"),
        ("昆山县", "county"),
        ("鄂托克旗", "county"),
        ("国务院", "national"),
        ("某某", None),
    ],
)
def test_level_for_region(name, level):
    assert level_for_region(name) == level


def test_path_convention(tmp_path):
    root = tmp_path
    assert attribute_from_path(root / "city" / "南京市" / "2024.txt", root) == ("city", "南京市", 2024)
    assert attribute_from_path(root / "x" / "province" / "浙江省" / "2026.html", root) == (
        "province",
        "浙江省",
        2026,
    )
    assert attribute_from_path(root / "misc" / "南京市" / "2024.txt", root) is None
    assert attribute_from_path(root / "city" / "南京市" / "report.txt", root) is None
    assert attribute_from_path(Path("/elsewhere/city/南京市/2024.txt"), root) is None
    assert attribute_from_path(root / "city" / "南京市" / "2024.txt", None) is None


@pytest.mark.parametrize(
    ("head", "region", "level", "year"),
    [
        ("2024年南京市政府工作报告\n", "南京市", "city", 2024),
        ("南京市2024年政府工作报告\n", "南京市", "city", 2024),
        ("政府工作报告\n——2025年1月14日在杭州市第十四届人民代表大会第五次会议上\n", "杭州市", "city", 2025),
        (
            "政府工作报告\n——二〇二三年一月十日在昆山县十七届人民代表大会第二次会议上\n",
            "昆山县",
            "county",
            2023,
        ),
    ],
)
def test_title_and_session_lines(head, region, level, year):
    # the body says "我代表X人民政府" with a generic X so the head has to carry the region
    text = head + _report("市", year)
    attr = attribute_from_text(text)
    assert (attr.region, attr.region_level, attr.report_year) == (region, level, year)


def test_opening_and_review_heading():
    attr = attribute_from_text(_report("苏州市", 2019))
    assert (attr.region, attr.region_level, attr.report_year) == ("苏州市", "city", 2019)
    assert "review heading" in attr.evidence["report_year"]


def test_national_cues():
    text = "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n一、2023年工作回顾\n过去一年……"
    attr = attribute_from_text(text)
    assert (attr.region, attr.region_level, attr.report_year) == ("国务院", "national", 2024)
    five_years = "各位代表：\n现在，我代表国务院，向大会报告过去五年的政府工作。\n一、过去五年工作回顾\n第十二届全国人民代表大会第一次会议以来的五年，……"
    assert attribute_from_text(five_years).report_year == 2018


def test_traditional_characters(tmp_path, sample_text):
    """A traditional-character text keeps its script but is attributed with simplified names."""
    traditional = OpenCC("s2t").convert("2024年南京市政府工作报告\n" + sample_text)
    assert "政府工作報告" in traditional and "現在，我代表南京市人民政府" in traditional
    path = tmp_path / "nanjing_trad.txt"
    path.write_text(traditional, encoding="utf-8")
    outcome = read_report(path)
    doc = outcome.document
    assert doc is not None, outcome.issues
    assert (doc.region, doc.region_level, doc.report_year) == ("南京市", "city", 2024)
    assert "政府工作報告" in doc.text  # stored as written
    assert "traditional_script" in doc.warnings
    assert outcome.issues == []


def test_traditional_region_name(tmp_path):
    text = OpenCC("s2t").convert(_report("广东省", 2022))
    assert "廣東省" in text
    path = tmp_path / "gd.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_report(path).document
    assert (doc.region, doc.region_level, doc.report_year) == ("广东省", "province", 2022)


def test_hints_override(tmp_path, sample_text):
    path = tmp_path / "city" / "南京市" / "2024.txt"
    path.parent.mkdir(parents=True)
    path.write_text(sample_text, encoding="utf-8")
    doc = read_report(path, tmp_path, region="江宁区", report_year=2025).document
    assert (doc.region, doc.region_level, doc.report_year) == ("江宁区", "county", 2025)
    assert doc.report_id == "county/江宁区/2025"
    assert doc.attribution == "hint"
    doc = read_report(path, tmp_path, region_level="province").document
    assert doc.region_level == "province" and doc.attribution == "path+hint"


def test_unattributed(tmp_path):
    text = (
        "各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议。\n一、过去一年工作回顾\n"
        "经济运行稳中向好，各项事业取得新进展。\n" * 20 + "让我们团结奋斗，为建设现代化城市而努力奋斗！\n"
    )
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    outcome = read_report(path)
    assert outcome.document is None
    issue = outcome.issues[0]
    assert issue.reason_code == "unattributed"
    assert "region" in issue.reason and "report_year" in issue.reason
    # hints rescue it
    assert read_report(path, region="南通市", report_year=2020).document.report_id == "city/南通市/2020"


def test_invalid_level_hint_is_unattributed(tmp_path, sample_text):
    path = tmp_path / "r.txt"
    path.write_text(sample_text, encoding="utf-8")
    outcome = read_report(path, region_level="galaxy")
    assert outcome.issues[0].reason_code == "unattributed"


@pytest.mark.corpus
def test_national_year_from_text_only(tmp_path, corpus_dir):
    """All 22 State Council texts, copied outside the path convention, get region and year from text."""
    files = sorted((corpus_dir / "national" / "国务院").glob("*.txt"))
    assert len(files) == 22
    right, wrong = 0, []
    for i, src in enumerate(files):
        dst = tmp_path / f"doc{i}.txt"
        shutil.copy(src, dst)
        doc = read_report(dst, None).document
        ok = doc is not None and (doc.region, doc.region_level, doc.report_year) == (
            "国务院",
            "national",
            int(src.stem),
        )
        right += ok
        if not ok:
            wrong.append((src.stem, doc and doc.report_year))
    assert right == 22, wrong


@pytest.mark.corpus
def test_national_year_from_body_only(corpus_dir):
    """Harder: drop any title / session-date lines (start at 各位代表) — headings alone decide."""
    from pipelines.ingest.normalise import normalise_text

    right = 0
    for src in sorted((corpus_dir / "national" / "国务院").glob("*.txt")):
        text = normalise_text(src.read_text(encoding="utf-8"))
        attr = attribute_from_text(text[text.index("各位代表") :])
        right += (attr.region, attr.report_year) == ("国务院", int(src.stem))
    assert right == 22


@pytest.mark.corpus
def test_whole_corpus_text_only(tmp_path, corpus_dir):
    """Every corpus text, outside the path convention: year and level from the text match the path."""
    mismatches = []
    for i, src in enumerate(sorted(corpus_dir.rglob("*.txt"))):
        level, region, year = src.relative_to(corpus_dir).parts[0], src.parent.name, int(src.stem)
        dst = tmp_path / f"doc{i}.txt"
        shutil.copy(src, dst)
        doc = read_report(dst).document
        got = doc and (doc.region_level, doc.report_year)
        # region: the county texts name the district only (海拉尔区 for 呼伦贝尔市海拉尔区)
        if got != (level, year) or not region.endswith(doc.region):
            mismatches.append((str(src.relative_to(corpus_dir)), doc and doc.report_id))
    assert mismatches == []
