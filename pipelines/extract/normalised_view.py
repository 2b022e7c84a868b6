"""Internal text normalisation with an offset map back to the text the extractor was given.

The extractor never changes the caller's text. It builds a *normalised view* in which

* full-width ASCII (digits, letters, ``％``, ``．``, ``：``, ``－``, ``～``) becomes ASCII,
  ``∶`` (U+2236) becomes ``:`` and ``‰`` is kept;
* traditional characters are mapped to simplified ones character by character (OpenCC's
  ``TSCharacters`` table, first candidate, one character to one character);
* spaces (ASCII, NBSP, U+3000, tabs) and carriage returns are dropped, so ``8 ．8 ％`` reads ``8.8%``;
* a line break inside a sentence (the previous line does not end in sentence punctuation) is
  dropped, so ``主要预期目标\\n是：`` reads ``主要预期目标是：``; other line breaks are kept as ``\\n``.

``Normalised.offsets[i]`` is the index in the original text of normalised character ``i``;
``Normalised.span(a, b)`` maps a normalised span back to an original span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from pipelines.domain.script import fullwidth_table, t2s_characters

_SPACES = frozenset(" \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff\r\u2028\u2029\x0b\x0c")
_DROP_RE = re.compile("[" + re.escape("".join(sorted(_SPACES))) + "\n]+")
_SENTENCE_END = frozenset("。；;！!？?：:…”」』）)")
_JOINING_END = frozenset("的和与及、，,（(“《—-")
_CONTINUING_START = frozenset("是为的和与及、，,:：;；)）%％")
_UNIT_START = frozenset("万亿千百元%％个家人")
_INVISIBLE = "\u200b\ufeff\u2060"
_EXTRA = {"\u2236": ":"}  # RATIO COLON, not full-width ASCII


@dataclass(frozen=True)
class Normalised:
    """A normalised view of a text and the map from its characters to original offsets."""

    text: str
    offsets: list[int]
    original_length: int

    @cached_property
    def lost_percent(self) -> bool:
        """True when a text with growth figures has no % sign at all (a page that lost them)."""
        return "%" not in self.text and "增长" in self.text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised half-open span ``[start, end)`` to the original text."""
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else self.original_length
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


@lru_cache(maxsize=1)
def _translation() -> dict[int, str]:
    """One-to-one character map: full-width ASCII -> ASCII, ``∶`` -> ``:``, traditional -> simplified."""
    table: dict[int, str] = {ord(k): v for k, v in t2s_characters().items()}
    # keep full-width Chinese punctuation that folding would turn into ASCII look-alikes
    table.update(fullwidth_table(keep="，；（）！？［］"))
    for k, v in _EXTRA.items():
        table[ord(k)] = v
    return table


def _map_chars(text: str) -> str:
    """Apply :func:`_translation` (one character to one character, so offsets are unchanged)."""
    table = _translation()
    present = [c for c in set(text) if ord(c) in table]
    if not present:
        return text
    if len(present) > 24:
        return text.translate(table)
    for c in present:
        text = text.replace(c, table[ord(c)])
    return text


def _line_breaks_to_keep(text: str) -> set[int]:
    """Indices of ``\\n`` characters that end a paragraph (others are joined)."""
    keep: set[int] = set()
    pending = ""
    prev_line_start = 0
    n = len(text)
    i = text.find("\n")
    while i != -1:
        line = text[prev_line_start:i].strip("".join(_SPACES))
        if not line and pending:
            line, pending = pending, ""
        nxt_end = text.find("\n", i + 1)
        nxt_raw = text[i + 1 : nxt_end if nxt_end != -1 else n]
        nxt = nxt_raw.strip("".join(_SPACES))
        if nxt_raw and not nxt and not nxt_raw.strip(_INVISIBLE) and line and line[-1] not in _SENTENCE_END:
            # a line holding only a zero-width character inside a sentence ("74.4\n\u200b\n万亿元")
            pending = line
            prev_line_start = i + 1
            i = text.find("\n", i + 1)
            continue
        if not line or not nxt:
            keep.add(i)
        elif line[-1] in _SENTENCE_END:
            keep.add(i)
        elif (line[-1] in _JOINING_END or len(line) <= 3 or len(nxt) <= 3 or nxt[0] in _CONTINUING_START
              or (line[-1].isdigit() and nxt[0] in _UNIT_START)):
            pass  # a token or subscript split across lines: join
        elif len(line) <= 40:
            keep.add(i)  # a heading or title line
        prev_line_start = i + 1
        i = text.find("\n", i + 1)
    return keep


def normalise(text: str) -> Normalised:
    """Build the normalised view of ``text`` (see module docstring)."""
    mapped = _map_chars(text)
    keep = _line_breaks_to_keep(text) if "\n" in text else set()
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _DROP_RE.finditer(text):
        a = m.start()
        if a > pos:
            pieces.append(mapped[pos:a])
            offsets.extend(range(pos, a))
        for i in range(a, m.end()):
            if text[i] == "\n" and i in keep and pieces and not pieces[-1].endswith("\n"):
                pieces.append("\n")
                offsets.append(i)
        pos = m.end()
    if pos < len(text):
        pieces.append(mapped[pos:])
        offsets.extend(range(pos, len(text)))
    return Normalised("".join(pieces), offsets, len(text))
