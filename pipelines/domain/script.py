"""Script conversion: traditional -> simplified characters (OpenCC) and full-width ASCII -> ASCII.

OpenCC's character table (``TSCharacters.txt``, shipped as text by opencc-python-reimplemented) is
read once; :func:`t2s_characters` and :func:`traditional_characters` are two views of it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_TRAD_PROBE = 2000  # characters of a text's opening examined by is_traditional
_CJK = re.compile(r"[\u4e00-\u9fff]")
# U+FF01..U+FF5E are ASCII U+0021..U+007E written full-width
FULLWIDTH_ASCII: dict[str, str] = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}


def fullwidth_table(keep: str = "", only: str | None = None) -> dict[int, str]:
    """A ``str.translate`` table folding full-width ASCII to ASCII (``８％`` -> ``8%``).

    ``keep``: full-width characters left as they are (Chinese punctuation such as ``，；（）``);
    ``only``: when given, fold only the characters whose ASCII form is in it.
    """
    return {
        ord(wide): narrow
        for wide, narrow in FULLWIDTH_ASCII.items()
        if wide not in keep and (only is None or narrow in only)
    }


@lru_cache(maxsize=1)
def _ts_characters() -> dict[str, list[str]]:
    """OpenCC's traditional -> simplified character table: each character with its candidates."""
    import opencc

    path = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    table: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        src, _, targets = line.partition("\t")
        if len(src) == 1 and targets:
            table[src] = targets.split(" ")
    return table


@lru_cache(maxsize=1)
def t2s_characters() -> dict[str, str]:
    """One character to one character: traditional -> its first simplified candidate, where it differs."""
    return {src: dst[0] for src, dst in _ts_characters().items() if len(dst[0]) == 1 and dst[0] != src}


@lru_cache(maxsize=1)
def traditional_characters() -> frozenset[str]:
    """Characters that OpenCC's table never leaves as they are (written only in traditional script)."""
    return frozenset(src for src, dst in _ts_characters().items() if src not in dst)


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones (OpenCC t2s, phrase by phrase), for matching only."""
    return _t2s().convert(text)


def is_traditional(text: str) -> bool:
    """True when the opening of ``text`` is written in traditional characters.

    Counts characters that t2s would change (one set lookup each: running the pure-Python
    converter here cost half of ingestion time).
    """
    probe = text[:_TRAD_PROBE]
    traditional = traditional_characters()
    changed = sum(1 for c in probe if c in traditional)
    return changed >= 3 and changed >= 0.01 * max(1, len(_CJK.findall(probe)))
