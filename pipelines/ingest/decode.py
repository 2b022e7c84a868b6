"""Bytes -> str: BOMs, UTF-16 without BOM, UTF-8, GB18030, and detection of binary junk."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field


class IngestError(Exception):
    """A file cannot be loaded; ``reason_code`` is one of the quarantine reason codes."""

    def __init__(self, reason_code: str, reason: str, encoding: str | None = None):
        super().__init__(reason)
        self.reason_code = reason_code
        self.reason = reason
        self.encoding = encoding


@dataclass
class Decoded:
    """Decoded text and the encoding it was read with."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 1 << 16
# Bytes that never occur in text files (C0 controls except TAB LF VT FF CR ESC).
_BAD_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B))
_BAD_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffd]")
_PLAUSIBLE = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_CHARSET_DECL = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """Guess UTF-16 LE/BE for text without a BOM, or None.

    Only tried when the sample has NUL bytes (UTF-16 puts one in every ASCII character: newlines,
    digits). The byte order whose decoding is (almost) all plausible text characters wins.
    """
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) // 2 * 2]
    best, best_ratio = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        text = sample.decode(enc, errors="replace")
        ratio = len(_PLAUSIBLE.findall(text)) / max(1, len(text))
        if ratio > best_ratio:
            best, best_ratio = enc, ratio
    return best if best_ratio >= 0.9 else None


def _bad_ratio(text: str) -> float:
    if not text:
        return 0.0
    return len(_BAD_CHARS.findall(text)) / len(text)


def _declared_charset(data: bytes) -> str | None:
    m = _CHARSET_DECL.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _first_chars_of_bytes(data: bytes) -> str:
    return repr(data[:60])[:80]


def decode_bytes(data: bytes) -> Decoded:
    """Decode report bytes to text, or raise :class:`IngestError`.

    Order: BOM (UTF-8/16/32) -> UTF-16 by NUL pattern -> binary check -> charset declared in an
    HTML ``<meta>`` -> strict UTF-8 -> strict GB18030 (a superset of GBK/GB2312) -> UTF-8 with a
    handful of bad bytes (e.g. a file cut in the middle of a character; warning ``decode_errors``).

    Reason codes: ``empty_file`` (no bytes or only whitespace), ``binary`` (NUL bytes or a high
    share of control characters), ``undecodable`` (no supported encoding fits).
    """
    if not data.strip():
        raise IngestError("empty_file", f"the file is empty ({len(data)} bytes, no text)")
    sample = data[:_SAMPLE]
    enc: str | None = None
    start = 0
    bom = _bom_encoding(data)
    if bom:
        enc, start = bom
    else:
        enc = _utf16_without_bom(sample)
    if enc:
        try:
            text = data[start:].decode(enc.replace("-sig", "") if start else enc)
        except UnicodeDecodeError as exc:
            raise IngestError("undecodable", f"looks like {enc} but does not decode: {exc}", enc) from exc
        return _checked(text, enc)

    bad = len(sample) - len(sample.translate(None, _BAD_BYTES))  # one pass, not one per byte
    if b"\x00" in sample or bad > 0.02 * len(sample):
        raise IngestError(
            "binary",
            f"binary content, not text: {bad} NUL/control bytes in the first {len(sample)} bytes",
        )
    candidates = ["utf-8", "gb18030"]
    declared = _declared_charset(sample)
    if declared in ("gbk", "gb2312", "gb18030", "big5", "cp936", "hz"):
        candidates = ["gb18030" if declared != "big5" else "big5", "utf-8"]
    for cand in candidates:
        try:
            return _checked(data.decode(cand), cand)
        except UnicodeDecodeError:
            continue
    # Mostly UTF-8 with a few broken bytes (e.g. cut mid-character): keep it, with a warning.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(3, len(text) // 10000):
        return _checked(text, "utf-8", ["decode_errors"])
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") <= max(3, len(text) // 10000):
        return _checked(text, "gb18030", ["decode_errors"])
    raise IngestError(
        "undecodable",
        "the bytes are not valid UTF-8, UTF-16 or GB18030/GBK text "
        f"(first bytes {_first_chars_of_bytes(data)})",
    )


def _checked(text: str, enc: str, warnings: list[str] | None = None) -> Decoded:
    if not text.strip():
        raise IngestError("empty_file", "the file contains only whitespace", enc)
    if _bad_ratio(text[:_SAMPLE]) > 0.05:
        raise IngestError(
            "binary",
            f"decoded as {enc} but more than 5% of the characters are control or replacement characters",
            enc,
        )
    return Decoded(text=text, encoding=enc, warnings=list(warnings or []))
