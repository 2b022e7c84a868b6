"""PDF (text layer via pypdf) and .docx (python-docx) inputs, including broken ones."""

from __future__ import annotations

import io

import docx
from pypdf import PdfWriter

from pipelines.ingest import read_report


def _paragraphs(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def test_pdf_with_cjk_text_layer(tmp_path, sample_text, cjk_pdf):
    """A generated PDF (non-embedded CID font + ToUnicode map) yields the report text exactly."""
    path = tmp_path / "nanjing_2024.pdf"
    path.write_bytes(cjk_pdf(_paragraphs(sample_text)))
    outcome = read_report(path)  # no root: attributed from the text
    doc = outcome.document
    assert doc is not None, outcome.issues
    assert doc.source_format == "pdf" and doc.encoding == "pdf"
    assert (doc.region, doc.region_level, doc.report_year) == ("南京市", "city", 2024)
    assert "".join(doc.text.split()) == "".join(sample_text.split())
    assert outcome.issues == []
    txt = tmp_path / "nanjing_2024.txt"
    txt.write_text(sample_text, encoding="utf-8")
    assert read_report(txt).document.content_sha256 == doc.content_sha256


def test_pdf_without_text_layer(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    path = tmp_path / "scan.pdf"
    path.write_bytes(buf.getvalue())
    outcome = read_report(path)
    assert outcome.document is None
    assert outcome.issues[0].reason_code == "no_text_layer"
    assert "OCR" in outcome.issues[0].reason


def test_corrupt_pdf_is_parse_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage \x00\x01 trailer <<>>")
    outcome = read_report(path)
    assert outcome.document is None
    issue = outcome.issues[0]
    assert issue.reason_code in ("parse_error", "no_text_layer")
    assert issue.reason


def test_docx(tmp_path, sample_text):
    document = docx.Document()
    document.core_properties.title = "2024年南京市政府工作报告"
    paragraphs = _paragraphs(sample_text)
    for p in paragraphs[:5]:
        document.add_paragraph(p)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "指标", "增长"
    table.cell(1, 0).text, table.cell(1, 1).text = "地区生产总值", "4.6%"
    for p in paragraphs[5:]:
        document.add_paragraph(p)
    path = tmp_path / "report.docx"
    document.save(path)
    outcome = read_report(path)
    doc = outcome.document
    assert doc is not None, outcome.issues
    assert doc.source_format == "docx"
    assert doc.title == "2024年南京市政府工作报告"
    assert (doc.region, doc.report_year) == ("南京市", 2024)
    assert "地区生产总值\t4.6%" in doc.text
    assert paragraphs[-1] in doc.text


def test_corrupt_docx_is_parse_error(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00not really a zip" * 20)
    outcome = read_report(path)
    assert outcome.document is None
    assert outcome.issues[0].reason_code == "parse_error"
    assert "docx" in outcome.issues[0].reason


def test_legacy_doc_rejected(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    outcome = read_report(path)
    assert outcome.issues[0].reason_code == "binary"
    assert ".docx" in outcome.issues[0].reason
