"""Encodings and junk: every supported encoding of the Nanjing sample reads back the same text."""

from __future__ import annotations

import pytest

from pipelines.ingest import read_report
from pipelines.ingest.decode import IngestError, decode_bytes
from pipelines.ingest.normalise import normalise_text


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-16", "utf-16-le"),  # Python writes a BOM, little-endian here
        ("utf-16-be-bom", "utf-16-be"),
        ("utf-16-le", "utf-16-le"),  # no BOM: found by the NUL pattern
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_encodings_of_sample(tmp_path, sample_text, codec, expected):
    if codec == "utf-16-be-bom":
        data = b"\xfe\xff" + sample_text.encode("utf-16-be")
    else:
        data = sample_text.encode(codec)
    path = tmp_path / "city" / "南京市" / "2024.txt"
    path.parent.mkdir(parents=True)
    path.write_bytes(data.replace(b"\n", b"\r\n") if codec == "gb18030" else data)
    outcome = read_report(path, tmp_path)
    doc = outcome.document
    assert doc is not None, outcome.issues
    assert doc.encoding == expected
    assert doc.text == normalise_text(sample_text)
    assert doc.report_id == "city/南京市/2024"
    assert outcome.issues == []


def test_all_encodings_hash_the_same(tmp_path, sample_text):
    hashes = set()
    for i, codec in enumerate(("utf-8", "utf-8-sig", "gb18030", "utf-16")):
        path = tmp_path / f"r{i}.txt"
        path.write_bytes(sample_text.replace("\n", "\r\n").encode(codec))
        hashes.add(read_report(path).document.content_sha256)
    assert len(hashes) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"  \r\n\t\n   ", "empty_file"),
        ("\u3000\u3000\n".encode(), "empty_file"),
        (b"\x00\x01\x02\x03binary\x00\xff\xfe\x00" * 50, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (bytes([0x80, 0xFF, 0x81, 0x30]) * 500, "undecodable"),
    ],
)
def test_junk_rejected(tmp_path, data, code):
    path = tmp_path / "junk.txt"
    path.write_bytes(data)
    outcome = read_report(path)
    assert outcome.document is None
    (issue,) = outcome.issues
    assert issue.reason_code == code
    assert issue.severity == "rejected"
    assert issue.reason
    assert "\n" not in issue.first_chars and len(issue.first_chars) <= 80
    if code == "binary":
        assert issue.first_chars.startswith("b'")


def test_decode_bytes_cut_mid_character_keeps_text(sample_text):
    data = sample_text.encode("utf-8")[:-1]  # last character "！" cut in half
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert "decode_errors" in decoded.warnings


def test_decode_bytes_raises_ingest_error():
    with pytest.raises(IngestError) as info:
        decode_bytes(b"")
    assert info.value.reason_code == "empty_file"


def test_html_declared_gbk(tmp_path, sample_text):
    body = "".join(f"<p>{line}</p>\n" for line in sample_text.split("\n") if line.strip())
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>2024年南京市政府工作报告</title></head><body>{body}</body></html>"
    )
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("gb18030"))
    doc = read_report(path).document
    assert doc is not None
    assert doc.encoding == "gb18030" and doc.source_format == "html"
    assert (doc.region, doc.report_year) == ("南京市", 2024)
