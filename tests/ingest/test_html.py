"""HTML pages: real portal pages from ../shared and a generated page full of chrome."""

from __future__ import annotations

import shutil

import pytest

from pipelines.ingest import read_report
from pipelines.ingest.html import html_to_text, looks_like_html

JUNK = (
    "function(",
    "jQuery",
    "$(",
    "var ",
    "当前位置",
    "字号：",
    "分享到",
    "微信扫一扫",
    "【打印】",
    "【关闭】",
    "版权所有",
    "ICP备",
    "{",
    "}",
    "<",
    ">",
)

REAL_PAGES = [
    # file, region, year, a sentence of the report body
    ("2026_上海市.html", "上海市", 2026, "现在，我代表上海市人民政府，向大会报告工作，请予审议。"),
    (
        "2026_北京市.html",
        "北京市",
        2026,
        "现在，我代表北京市人民政府，向大会报告政府工作，请予审议，并请市政协委员提出意见。",
    ),
    ("2026_浙江省.html", "浙江省", 2026, "2025年是极不平凡的一年"),
]


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "region", "year", "sentence"), REAL_PAGES)
def test_real_portal_pages(tmp_path, html_dir, name, region, year, sentence):
    path = tmp_path / name  # outside the <level>/<region>/<year> convention: attributed from the page
    shutil.copy(html_dir / name, path)
    outcome = read_report(path)
    doc = outcome.document
    assert doc is not None, outcome.issues
    assert doc.source_format == "html"
    assert (doc.region, doc.region_level, doc.report_year) == (region, "province", year)
    assert doc.attribution == "text"
    assert sentence in doc.text
    for junk in JUNK:
        assert junk not in doc.text, junk
    assert outcome.issues == []  # not truncated


@pytest.mark.corpus
def test_real_page_body_matches_plain_text(html_dir, corpus_dir):
    """The Beijing page body equals the staged plain text apart from page chrome lines."""
    doc = read_report(html_dir / "2026_北京市.html").document
    plain = read_report(corpus_dir / "province" / "北京市" / "2026.txt", corpus_dir).document
    body = plain.text[plain.text.index("各位代表") :]
    assert "".join(body.split()) in "".join(doc.text.split())


def _page(body: str) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>2024年南京市政府工作报告_南京市人民政府</title>
<style>.nav {{ color: red }} body {{ font: 14px }}</style>
<script>var _hmt = _hmt || []; function share() {{ jQuery('#x').show(); }}</script>
</head><body>
<div class="header"><a href="/">首页</a><a href="/zw">政务公开</a></div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news">新闻中心</a></li></ul></nav>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; 政府工作报告</div>
<div class="article">
  <h1>2024年南京市政府工作报告</h1>
  <div class="info">发布时间：2024-01-20 字号：<a>大</a><a>中</a><a>小</a></div>
  <div class="TRS_Editor">{body}</div>
  <div class="bdshare share-box">分享到：<a>微信</a><a>微博</a><img src="qr.png">微信扫一扫</div>
  <div class="print-close"><a>【打印】</a><a>【关闭】</a></div>
</div>
<script type="text/javascript">$(function(){{ $('.nav').hide(); }});</script>
<div id="footer">版权所有：南京市人民政府 主办单位 苏ICP备 12345 号</div>
</body></html>"""


def test_generated_page_drops_chrome(tmp_path, sample_text):
    paragraphs = [line for line in sample_text.split("\n") if line.strip()]
    body = "\n".join(f"<p>&nbsp;&nbsp;{p}</p>" for p in paragraphs)
    path = tmp_path / "nanjing.html"
    path.write_text(_page(body), encoding="utf-8")
    outcome = read_report(path)
    doc = outcome.document
    assert doc is not None, outcome.issues
    assert (doc.region, doc.region_level, doc.report_year) == ("南京市", "city", 2024)
    assert doc.title == "2024年南京市政府工作报告"
    for junk in JUNK:
        assert junk not in doc.text, junk
    assert "".join(doc.text.split()) == "".join(sample_text.split())
    assert outcome.issues == []


def test_html_in_txt_is_sniffed(tmp_path, sample_text):
    body = "<br>".join(line for line in sample_text.split("\n") if line.strip())
    path = tmp_path / "saved_from_browser.txt"
    path.write_text(_page(body), encoding="utf-8")
    doc = read_report(path).document
    assert doc.source_format == "html"
    assert doc.text.startswith("各位代表：\n现在，我代表南京市人民政府")


def test_inline_tags_do_not_break_lines():
    out = html_to_text(
        "<html><body><div class='TRS_Editor'><p>国内生产总值<span>增长</span><b>5.2%</b>。</p>"
        + "<p>"
        + "各位代表" * 200
        + "</p></div></body></html>"
    )
    assert out.text.split("\n")[0] == "国内生产总值增长5.2%。"


def test_looks_like_html():
    assert looks_like_html("<!DOCTYPE html><html>")
    assert looks_like_html("\n  <html lang='zh'>")
    assert not looks_like_html("各位代表：<p>")
