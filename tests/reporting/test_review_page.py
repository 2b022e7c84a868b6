"""The review page: rendering rules, and the page driven in real headless Chromium (DevTools protocol).

The page is built from the correction scenario's published snapshot (tests/corrections/scenario.py):
a rejected, two corrected, one added and one orphaned correction, and conflicting affordable-housing facts.
"""

from __future__ import annotations

import re
import struct

import pytest

from pipelines.reporting.headless import Browser, find_chromium
from pipelines.reporting.review import format_number, render_review_html, sentence_spans, write_review
from pipelines.reporting.review_data import ReviewReport
from tests.corrections.scenario import ADDED_QUOTE, VALUE_SET
from tests.pipeline.helpers import query


def _fact(**overrides) -> dict:
    fact = {
        "fact_id": "f1", "report_id": "r", "indicator_id": "gdp_growth", "indicator_name_zh": "地区生产总值增速",
        "kind": "actual", "period_year": 2023, "measure": "growth_rate", "value": 4.6, "value_low": None,
        "value_high": None, "unit": "%", "qualifier": "exact", "subject": None, "quote": "增长4.6%",
        "char_start": 0, "char_end": 0, "corrected": False, "correction_action": None, "status": "extracted",
        "original": {}, "correction_note": None,
    }
    fact.update(overrides)
    return fact


def test_report_text_and_quotes_are_escaped():
    text = "第一句<script>alert('x')</script> & 地区生产总值增长4.6%。第二句</textarea>\"引号\""
    start = text.index("增长4.6%")
    report = ReviewReport("r", "某市", "city", 2024, "<b>标题</b>", text,
                          [_fact(char_start=start, char_end=start + 6, quote="增长4.6%<&>")])
    page = render_review_html([report])
    assert "<script>alert" not in page and "</textarea>" not in page and "<b>标题" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; 地区生产总值" in page
    assert 'title="增长4.6%&lt;&amp;&gt;"' in page
    assert re.search(r'<mark class="hl k-actual s-extracted" data-facts="f1" data-primary="f1">增长4\.6%</mark>', page)
    # self-contained: one inline script, no external src/href at all
    assert not re.search(r"\b(src|href)\s*=", page) and page.count("<script>") == 1


def test_sentences_cover_the_text_and_numbers_read_naturally():
    text = "一、回顾。增长5%；好！\n\n二、目标"
    spans = sentence_spans(text)
    assert "".join(text[a:b] for a, b in spans) == text
    assert [text[a:b] for a, b in spans] == ["一、回顾。", "增长5%；", "好！", "\n\n", "二、目标"]
    assert [format_number(v) for v in (4.6, 17400.0, 1.02, None, 0.125)] == ["4.6", "17400", "1.02", "", "0.125"]


def test_overlapping_facts_and_corrections_render(correction_scenario, tmp_path):
    out, reports, facts = write_review(correction_scenario.published, tmp_path / "review.html")
    page = out.read_text(encoding="utf-8")
    in_marts = query(correction_scenario.published, "SELECT count(*) FROM fct_indicator_facts")[0][0]
    assert (reports, facts) == (1, in_marts + 1)  # plus the rejected fact, shown struck through
    assert page.count("<tr id=\"row-") == facts
    value_set = correction_scenario.ids["value_set"]
    row = re.search(rf'<tr id="row-{value_set}".*?</tr>', page).group(0)
    assert '<del title="extracted">1</del> → <ins title="corrected">1.02</ins>' in row
    assert '<del title="extracted">over</del> → <ins title="corrected">exact</ins>' in row
    orphans = re.search(r'<div class="orphans report">.*?</div>', page).group(0)
    assert "1 correction(s) no longer apply" in orphans and correction_scenario.ids["orphaned"] in orphans


browser_needed = pytest.mark.skipif(
    find_chromium() is None, reason="chromium is not installed (apt-get install chromium; .ci/run tries)"
)


@pytest.fixture(scope="module")
def page(correction_scenario, tmp_path_factory):
    """The scenario's review page open in headless Chromium."""
    pytest.importorskip("websocket", reason="websocket-client is not installed (pip install -e '.[dev]')")
    if find_chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run tries)")
    out, _, _ = write_review(correction_scenario.published, tmp_path_factory.mktemp("review") / "review.html")
    with Browser() as browser:
        browser.open(out)
        yield browser


@browser_needed
def test_highlights_and_rows_are_in_the_page(page, correction_scenario):
    n_rows = page.evaluate("document.querySelectorAll('tr[data-fact-id]').length")
    in_marts = query(correction_scenario.published, "SELECT count(*) FROM fct_indicator_facts")[0][0]
    assert n_rows == in_marts + 1
    marked = page.evaluate("new Set([].concat(...Array.from(document.querySelectorAll('mark[data-facts]'))"
                           ".map(m => m.dataset.facts.split(' ')))).size")
    assert marked == n_rows  # every fact, rejected included, is highlighted somewhere in the text
    assert page.evaluate("document.querySelectorAll('tr.conflict').length") == 4  # affordable housing 2×2
    assert page.evaluate("document.querySelectorAll('tr.conflict .b-chosen').length") == 2
    subject_set = correction_scenario.ids["subject_set"]
    assert page.evaluate(f"document.querySelector('mark[data-primary=\"{subject_set}\"]').classList.contains('part')")


@browser_needed
def test_clicking_a_row_flashes_its_sentence(page, correction_scenario):
    fact_id = correction_scenario.ids["value_set"]
    page.click(f'tr[data-fact-id="{fact_id}"]')
    assert page.evaluate("document.body.dataset.selected") == fact_id
    flashed = page.evaluate("Array.from(document.querySelectorAll('.sent.flash.selected')).map(s => s.textContent)")
    assert len(flashed) == 1 and VALUE_SET[2] in flashed[0] and flashed[0].endswith("。")
    assert page.evaluate(f"Array.from(document.querySelectorAll('mark.selected')).every("
                         f"m => m.dataset.facts.split(' ').includes('{fact_id}'))")
    # the sentence was scrolled into the text pane's view
    visible = page.evaluate(
        "(function(){var s=document.querySelector('.sent.flash').getBoundingClientRect();"
        "var p=document.querySelector('.text').getBoundingClientRect();"
        "return s.top >= p.top && s.bottom <= p.bottom;})()")
    assert visible


@browser_needed
def test_clicking_a_highlight_selects_its_row(page, correction_scenario):
    added = correction_scenario.ids["added"]
    page.click(f'mark[data-primary="{added}"]')
    assert page.evaluate("Array.from(document.querySelectorAll('tr.selected')).map(r => r.dataset.factId)") == [added]
    assert page.evaluate(f"document.querySelector('mark[data-primary=\"{added}\"]').textContent") == ADDED_QUOTE


@browser_needed
def test_keyboard_enter_on_a_row_selects_it(page, correction_scenario):
    fact_id = correction_scenario.ids["subject_set"]
    page.press(f'tr[data-fact-id="{fact_id}"]', "Enter")
    assert page.evaluate("document.body.dataset.selected") == fact_id
    assert page.evaluate("document.querySelector('.sent.flash.selected').textContent").find("4.7%") >= 0


@browser_needed
def test_filter_box_narrows_rows(page, tmp_path):
    page.evaluate("(function(){var b=document.getElementById('filter'); b.value='affordable';"
                  "b.dispatchEvent(new Event('input'));})()")
    shown = page.evaluate("Array.from(document.querySelectorAll('tr[data-fact-id]')).filter(r => !r.hidden).length")
    assert shown == 4
    assert page.evaluate("document.getElementById('shown').textContent").startswith("4 of ")
    page.evaluate("(function(){var b=document.getElementById('filter'); b.value='保障性租赁住房';"
                  "b.dispatchEvent(new Event('input'));})()")
    assert page.evaluate("Array.from(document.querySelectorAll('tr[data-fact-id]')).filter(r => !r.hidden).length") == 2
    png = page.screenshot(tmp_path / "review.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1400, 900)


def test_review_command_filters_by_indicator(correction_scenario, tmp_path, capsys):
    from pipelines import cli

    out = tmp_path / "housing.html"
    code = cli.main(["review", "--warehouse", str(correction_scenario.published), "--region", "南京市",
                     "--year", "2024", "--indicator", "affordable_housing_units", "--out", str(out)])
    assert code == 0 and capsys.readouterr().out.strip() == f"wrote {out} (1 reports, 4 facts)"
    assert out.read_text(encoding="utf-8").count('<tr id="row-') == 4
    assert cli.main(["review", "--warehouse", str(correction_scenario.published), "--region", "无此市",
                     "--out", str(out)]) == 0
    assert "No report matches these filters." in out.read_text(encoding="utf-8")
    assert cli.main(["review", "--warehouse", str(tmp_path / "missing.duckdb"), "--out", str(out)]) == 1
    assert "govreport review: error:" in capsys.readouterr().err
