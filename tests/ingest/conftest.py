"""Fixtures for ingestion tests: the shipped Nanjing sample, ../shared, and fixture generators."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from tests.paths import NANJING_2024, SHARED_HTML, SHARED_REPORTS, require


@pytest.fixture(scope="session")
def sample_text() -> str:
    """The Nanjing 2024 report shipped with the project (UTF-8)."""
    return NANJING_2024.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """``../shared/corpus/reports``; skips the test when ``../shared`` is absent."""
    return require(SHARED_REPORTS)


@pytest.fixture(scope="session")
def html_dir() -> Path:
    """``../shared/corpus/html``; skips the test when ``../shared`` is absent."""
    return require(SHARED_HTML)


def make_cjk_pdf(paragraphs: list[str], per_page: int = 40) -> bytes:
    """A PDF whose text layer holds ``paragraphs`` (any BMP characters), one per line.

    No CJK font is installed here, so the font is a non-embedded CID font (Identity-H) with a
    ToUnicode CMap: a PDF reader extracts the exact characters, while rendering would need a
    system font. It exercises pypdf's text-layer extraction, not glyph rendering.
    """
    chars = sorted({c for p in paragraphs for c in p if ord(c) < 0x10000})
    bfchar = []
    for i in range(0, len(chars), 100):
        block = chars[i : i + 100]
        bfchar.append(f"{len(block)} beginbfchar\n")
        bfchar.extend(f"<{ord(c):04X}> <{ord(c):04X}>\n" for c in block)
        bfchar.append("endbfchar\n")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "".join(bfchar)
        + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")
    pages = [paragraphs[i : i + per_page] for i in range(0, len(paragraphs), per_page)] or [[]]
    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    catalog = add(b"")  # placeholder, filled below
    pages_id = add(b"")
    font_id = add(b"")
    descendant_id = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
    )
    cmap_data = zlib.compress(cmap)
    tounicode_id = add(
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(cmap_data) + cmap_data + b"\nendstream"
    )
    objects[font_id - 1] = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (descendant_id, tounicode_id)
    )
    page_ids = []
    for lines in pages:
        ops = []
        for n, line in enumerate(lines):
            hexs = "".join(f"{ord(c):04X}" for c in line if ord(c) < 0x10000)
            ops.append(f"BT /F1 10 Tf 20 {800 - 18 * n} Td <{hexs}> Tj ET")
        content = zlib.compress("\n".join(ops).encode("ascii"))
        content_id = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"
        )
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (pages_id, font_id, content_id)
            )
        )
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


@pytest.fixture
def cjk_pdf():
    """The :func:`make_cjk_pdf` generator."""
    return make_cjk_pdf
