"""read_report end to end: rejects, warnings, duplicates, discovery, big files, the whole corpus."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.ingest import (
    discover_report_files,
    partition_key_for,
    read_report,
)
from pipelines.ingest.discover import encode_key_part_path

NEWS = (
    "本报讯（记者 王明）昨日，市区多条道路迎来降雨，气象部门提醒市民出行注意安全。据了解，本次降雨"
    "将持续到周末，最高气温将下降至15摄氏度左右。交通部门表示，已安排人员在重点路段值守。"
) * 8
RECIPE = "番茄炒蛋的做法：准备番茄两个、鸡蛋三个，先将鸡蛋打散炒熟盛出，再炒番茄，最后混合加盐即可。" * 10
NEWS_ABOUT_A_REPORT = (
    "本报讯 1月20日上午，南京市第十七届人民代表大会第三次会议在人民大会堂开幕。市长代表市人民政府作政府工作报告。"
    "报告指出，今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。与会人员认真听取报告。"
) * 4
LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. " * 30


@pytest.mark.parametrize(
    "text",
    [NEWS, NEWS_ABOUT_A_REPORT, RECIPE, LOREM, "各位代表：\n谢谢。"],
    ids=["news", "news-about-a-report", "recipe", "lorem", "tiny"],
)
def test_not_a_report(tmp_path, text):
    path = tmp_path / "city" / "南京市" / "2024.txt"  # even under the convention
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    outcome = read_report(path, tmp_path)
    assert outcome.document is None
    issue = outcome.issues[0]
    assert issue.reason_code == "not_a_report"
    assert issue.severity == "rejected"
    assert (
        issue.first_chars == " ".join(text.split())[:80] or issue.first_chars == text.replace("\n", " ")[:80]
    )


def _assert_truncated(outcome):
    doc = outcome.document
    assert doc is not None
    assert "truncated" in doc.warnings
    (issue,) = outcome.issues
    assert (issue.reason_code, issue.severity) == ("truncated", "warning")
    return issue


def test_truncated_mid_sentence(tmp_path, sample_text):
    cut = sample_text[: len(sample_text) // 2]
    cut = cut[: cut.rindex("，") + 6]  # stop five characters after a comma
    path = tmp_path / "2024_part.txt"
    path.write_text(cut, encoding="utf-8")
    issue = _assert_truncated(read_report(path))
    assert "mid-sentence" in issue.reason


def test_truncated_short_without_closing(tmp_path, sample_text):
    head = sample_text[: sample_text.index("。", 1500) + 1]  # ends on a full stop, but ~1.5k chars
    path = tmp_path / "short.txt"
    path.write_text(head, encoding="utf-8")
    issue = _assert_truncated(read_report(path))
    assert "closing exhortation" in issue.reason


def test_complete_sample_not_truncated(tmp_path, sample_text):
    path = tmp_path / "city" / "南京市" / "2024.txt"
    path.parent.mkdir(parents=True)
    path.write_text(sample_text + "\n\n来源：南京日报\n责任编辑：张三\n【打印】【关闭】\n", encoding="utf-8")
    outcome = read_report(path, tmp_path)
    assert outcome.issues == [] and outcome.document.warnings == []


def test_duplicates_across_names(tmp_path, sample_text):
    a = tmp_path / "a" / "2024.txt"
    b = tmp_path / "b" / "南京2024（副本）.txt"
    c = tmp_path / "c.html"
    for p in (a, b):
        p.parent.mkdir(parents=True, exist_ok=True)
    a.write_text(sample_text, encoding="utf-8")
    b.write_bytes(sample_text.replace("\n", "\r\n\r\n").encode("gb18030"))
    c.write_text(
        "<html><body><div>"
        + "".join(f"<p>{x}</p>" for x in sample_text.split("\n"))
        + "</div></body></html>",
        encoding="utf-8",
    )
    other = tmp_path / "other.txt"
    other.write_text(sample_text.replace("南京", "苏州"), encoding="utf-8")
    docs = {p: read_report(p).document for p in (other, c, b, a)}
    assert all(docs.values())
    # the content hash (normalised text, whitespace removed) is what the pipeline finds duplicates by
    assert docs[a].content_sha256 == docs[b].content_sha256 == docs[c].content_sha256
    assert docs[other].content_sha256 != docs[a].content_sha256


def test_discover_and_partition_keys(tmp_path):
    files = {
        "city/南京市/2024.txt": "x",
        "city/南京市/2024.pdf": "x",
        "city/南京市/2023.HTML": "x",
        "county/江宁区/2020": "x",
        "province/a,b[1]/2021.docx": "x",
        ".hidden/x.txt": "x",
        "city/.DS_Store": "x",
        "city/南京市/~$2024.docx": "x",
        "notes.csv": "x",
        "img.png": "x",
    }
    for rel, content in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    found = [p.relative_to(tmp_path).as_posix() for p in discover_report_files(tmp_path)]
    assert found == [
        "city/南京市/2023.HTML",
        "city/南京市/2024.pdf",
        "city/南京市/2024.txt",
        "county/江宁区/2020",
        "province/a,b[1]/2021.docx",
    ]
    keys = [partition_key_for(tmp_path / f, tmp_path) for f in found]
    assert keys == [
        "city/南京市/2023",
        "city/南京市/2024.pdf",
        "city/南京市/2024",
        "county/江宁区/2020",
        "province/a%2Cb%5B1%5D/2021",
    ]
    assert len(set(keys)) == len(keys)
    assert discover_report_files(tmp_path / "missing") == []


def test_sanitise_partition_key():
    assert encode_key_part_path("a*b?c\nd...e") == "a%2Ab%3Fc%0Ad%2E%2E%2Ee"


def test_missing_file_does_not_raise(tmp_path):
    outcome = read_report(tmp_path / "nope.txt")
    assert outcome.document is None and outcome.issues[0].reason_code == "unreadable"


def test_large_file(tmp_path, sample_text):
    """A ~50 MB report (the sample repeated) reads in seconds and bounded memory."""
    data = sample_text.encode("utf-8")
    reps = (50 * 1024 * 1024) // len(data) + 1
    path = tmp_path / "city" / "南京市" / "2024.txt"
    path.parent.mkdir(parents=True)
    with path.open("wb") as fh:
        for _ in range(reps):
            fh.write(data)
    size = path.stat().st_size
    assert size >= 50 * 1024 * 1024
    start = time.perf_counter()
    tracemalloc.start()
    outcome = read_report(path, tmp_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    elapsed = time.perf_counter() - start
    assert outcome.document is not None and outcome.issues == []
    assert outcome.document.report_id == "city/南京市/2024"
    assert peak < 8 * size, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"
    assert elapsed < 60, elapsed


@pytest.mark.corpus
def test_whole_corpus_with_path_attribution(corpus_dir):
    """Every corpus text loads, attributed from its path, with no warnings."""
    files = discover_report_files(corpus_dir)
    assert len(files) >= 50
    for path in files:
        outcome = read_report(path, corpus_dir)
        doc = outcome.document
        assert doc is not None, (path, outcome.issues)
        rel = Path(path).relative_to(corpus_dir)
        assert doc.report_id == rel.with_suffix("").as_posix() == partition_key_for(path, corpus_dir)
        assert doc.attribution == "path"
        assert outcome.issues == [] and doc.warnings == [], (path, outcome.issues)
        assert "％" not in doc.text and "\r" not in doc.text
    hashes = [read_report(p, corpus_dir).document.content_sha256 for p in files]
    assert len(set(hashes)) == len(hashes)  # no duplicates in the corpus


@pytest.mark.corpus
def test_whole_html_corpus(html_dir):
    for path in discover_report_files(html_dir):
        outcome = read_report(path, html_dir)
        doc = outcome.document
        assert doc is not None, (path, outcome.issues)
        year, region = path.stem.split("_")
        assert (doc.region, doc.report_year, doc.source_format) == (region, int(year), "html")
        assert outcome.issues == []


def test_html_without_body_text_is_empty(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><head><script>var a = 1;</script><style>p{}</style></head><body> </body></html>")
    outcome = read_report(path)
    assert outcome.issues[0].reason_code == "empty_file"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".pdf", ".docx", ""]))
def test_read_report_never_raises(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    outcome = read_report(path)
    assert (outcome.document is None) == any(i.severity == "rejected" for i in outcome.issues)
    for issue in outcome.issues:
        assert issue.reason and "\n" not in issue.first_chars and len(issue.first_chars) <= 80


# A news rewrite of a report, in the style of the e-paper pages of city sessions (no speech frame).
NEWS_REWRITE = (
    "湖南日报1月6日讯（记者 徐亚平）今天上午，岳阳市第八届人民代表大会第一次会议开幕。"
    "市长在作《政府工作报告》时称，2017年主要预期目标是：GDP增长9%左右；规模工业增加值增长8%，"
    "公共财政预算收入增长10%左右，居民人均可支配收入增长9%。2016年，全市完成固定资产投资2400亿元，"
    "社会消费品零售总额达到1100亿元，开工项目124个。岳阳把2017年确定为全面建成小康社会的决胜之年，"
    "将围绕工业园区、优势产业、骨干企业谋划工业发展，全市要新增规模工业企业80家以上，"
    "完成三荷机场主体工程，规划建设航空口岸和空港产业区，突出抓好城陵矶新港二期等港口码头群建设。"
)


def test_news_rewrite_with_figures_is_a_fragment_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "city" / "岳阳市" / "2017.txt"
    path.parent.mkdir(parents=True)
    path.write_text(NEWS_REWRITE, encoding="utf-8")
    outcome = read_report(path, tmp_path)
    assert outcome.document is not None, outcome.issues
    assert "fragment" in outcome.document.warnings
    assert [i.reason_code for i in outcome.issues if i.severity == "warning"][0] == "fragment"


def test_news_rewrite_without_attribution_stays_refused(tmp_path: Path) -> None:
    path = tmp_path / "clipping.txt"  # no path convention, no hints: the frame is all we have
    path.write_text(NEWS_REWRITE, encoding="utf-8")
    outcome = read_report(path, tmp_path)
    assert outcome.document is None
    assert outcome.issues[0].reason_code == "not_a_report"


def test_traditional_news_rewrite_loads_with_hints(tmp_path: Path) -> None:
    text = ("東北網1月9日訊 在元月8日開幕的七臺河市第九屆人民代表大會第五次會議上,《政府工作報告》報告了2008年工作:"
            "預計地區生產總值實現187億元,增長26%。全口徑財政收入32.5億元,增長72.2%。社會消費品零售總額36億元,增長20%。"
            ) * 2
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    outcome = read_report(path, tmp_path, region="七台河市", region_level="city", report_year=2009)
    assert outcome.document is not None, outcome.issues
    assert "fragment" in outcome.document.warnings
