"""Text normalisation: line ends, BOM, full-width ASCII, odd spaces, zero-width chars, blank lines.

Every step is idempotent and linear in the length of the text. Full NFKC is deliberately not used:
it would rewrite full-width punctuation (，；（）) that the extractor's patterns expect.
"""

from __future__ import annotations

import html
import re
import string

from pipelines.domain.script import fullwidth_table

# Zero-width and invisible format characters (removed). U+FEFF is the BOM / ZWNBSP.
_ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
# C0/C1 control characters other than TAB and LF (CR is handled first), removed.
_CONTROLS = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)) + "".join(
    chr(c) for c in range(0x7F, 0xA0) if c != 0x85
)
# Odd spaces that become a regular space (U+3000 handled separately: kept at line starts).
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"


def _build_table() -> dict[int, int | str | None]:
    table: dict[int, int | str | None] = {ord(c): None for c in _ZERO_WIDTH + _CONTROLS}
    for c in _SPACES:
        table[ord(c)] = " "
    # Full-width digits and letters -> ASCII; full-width percent sign -> '%'.
    table.update(fullwidth_table(only=string.ascii_letters + string.digits + "%"))
    return table


_TABLE = _build_table()
_MAP: dict[str, str] = {chr(k): (v if isinstance(v, str) else "") for k, v in _TABLE.items()}
# One character class of everything in the table: re.sub touches only those characters, which is
# several times faster than str.translate on long texts where few characters change.
_MAP_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_MAP)) + "]")
# Alternatives that each start with a literal let ``re`` scan for their first characters.
_NEWLINES = re.compile(r"\r\n?|\u0085|\u2028|\u2029")
# A run of U+3000: kept as a line's leading indentation, else each one -> regular space (``_ideo_space``).
_IDEO_SPACE = re.compile("\u3000+")
# A full-width full stop between ASCII digits is a decimal point ("９．１％" -> "9.1%").
# (The lookbehinds follow the literal so that ``re`` can scan for it: same matches, several times faster.)
_FW_DECIMAL = re.compile(r"\uff0e(?<=[0-9]\uff0e)(?=[0-9])")
# An ideographic full stop typed for a decimal point before a unit ("增长9。5%", "373。15亿元").
_CJK_DECIMAL = re.compile(r"。(?<=[0-9]。)(?=[0-9]{1,4}\s*(?:%|‰|个百分点|万亿|亿|万|元|倍))")
# Three or more blank (whitespace-only) lines -> one blank line.
_BLANK_RUN = re.compile(r"\n(?:[ \t\u3000]*\n){3,}")
# Web artefacts. Some portals print the pinyin of converted characters after them: 實(shí)現(xiàn), 會(huì ).
_PINYIN = re.compile(r"[(（](?<=[\u4e00-\u9fff][(（])\s?[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}\s?[)）]")
# HTML character references left in text (&nbsp; &amp; &#12289; &#x3001;).
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});")
# A GBK em dash pair read as ASCII (——  ->  ?D?D), and other runs of question marks from lost characters.
_LOST_DASH = re.compile(r"\?D\?D")
_QUESTION_RUN = re.compile(r"\?{2,}")


def normalise_text(text: str) -> str:
    """Normalise decoded report text; offsets of extracted facts refer to the result.

    - CRLF / CR / NEL / U+2028 / U+2029 -> LF; BOM and zero-width characters removed;
      other control characters (except TAB and LF) removed
    - full-width ASCII digits and letters and ％ -> ASCII (one char for one char);
      a full-width ．between digits -> '.'; so is 。 between digits before a unit (9。5% -> 9.5%)
    - NBSP and other odd spaces -> ' '; U+3000 kept only as leading indentation of a line
    - runs of three or more blank lines collapsed to one blank line
    - web artefacts: HTML character references decoded, pinyin printed in parentheses after a
      character removed (實(shí)現(xiàn) -> 實現), ``?D?D`` (a mis-decoded ——) restored, other runs of
      ``?`` (lost characters) replaced by a space

    Full-width punctuation (，；：（）) and traditional characters are kept as written.
    """
    text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    text = _MAP_RE.sub(lambda m: _MAP[m.group()], text)
    text = _PINYIN.sub("", text)
    text = _LOST_DASH.sub("——", text)
    text = _QUESTION_RUN.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    text = _IDEO_SPACE.sub(lambda m: _ideo_space(m, text), text)
    text = _FW_DECIMAL.sub(".", text)
    text = _CJK_DECIMAL.sub(".", text)
    return _BLANK_RUN.sub("\n\n", text)


def _ideo_space(match: re.Match, text: str) -> str:
    """A U+3000 run at a line start stays (indentation); inside a line each U+3000 becomes a space."""
    start = match.start()
    return match.group() if start == 0 or text[start - 1] == "\n" else " " * (match.end() - start)


_WS = re.compile(r"\s+")


def squeeze_whitespace(text: str) -> str:
    """Return ``text`` with all whitespace removed (the basis of the content hash)."""
    return _WS.sub("", text)
