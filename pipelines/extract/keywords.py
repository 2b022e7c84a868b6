"""Policy keyword frequencies of a report text, counted with jieba (no Dagster / DuckDB imports).

Two kinds of rows come back:

* ``curated``: the policy terms listed in ``keyword_terms.txt`` (新质生产力, 高质量发展, 人工智能+, ...), reported
  when they occur at least once. Each term is added to a private jieba dictionary so it is cut out as a single
  token and then counted as a token; where curated terms nest, the longest one present wins (“人工智能+”
  counts as 人工智能+, not also as 人工智能), the way a reader would count them.
* ``top``: the ``top_n`` most frequent other tokens of length >= 2 that contain a Chinese character, are not
  numerals (三年, 十大, 2024) and are not in ``keyword_stopwords.txt`` (我们, 推进, 加快, 坚持, ...).

A private ``jieba.Tokenizer`` is built lazily once per process and shared (thread-safe initialisation); the
global ``jieba.dt`` dictionary is never modified. jieba's dictionary ships inside the package.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import jieba

TERMS_FILE = Path(__file__).with_name("keyword_terms.txt")
STOPWORDS_FILE = Path(__file__).with_name("keyword_stopwords.txt")

#: jieba frequency floor for curated terms, so that a term is cut out whole inside running text.
CURATED_TERM_FREQ = 20000

_HAN = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"[0-9０-９]")
_NUMERAL = re.compile(
    r"^[零〇一二两三四五六七八九十百千万亿几多半第]+[年个项大次条家批种类点方面倍成季月天]?$"
)
# Normalise the few variants a curated term may be written in (full-width plus of 人工智能＋).
_NORMALISE = str.maketrans({"＋": "+"})

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_curated: tuple[str, ...] = ()
_stopwords: frozenset[str] = frozenset()


@dataclass(frozen=True)
class KeywordCount:
    """How often ``keyword`` occurs in one report; ``keyword_source`` is ``curated`` or ``top``."""

    keyword: str
    keyword_source: str
    occurrences: int

    def to_dict(self) -> dict:
        """Return the count as a plain dict."""
        return asdict(self)


def _read_list(path: Path) -> list[str]:
    """Whitespace-separated entries of a word list, ignoring ``#`` comments, in file order without repeats."""
    items: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        for item in line.split("#", 1)[0].split():
            item = item.translate(_NORMALISE)
            if item not in items:
                items.append(item)
    return items


def curated_terms() -> tuple[str, ...]:
    """The curated policy terms, in file order."""
    _ensure_tokenizer()
    return _curated


def stopwords() -> frozenset[str]:
    """Tokens never reported as ``top`` keywords."""
    _ensure_tokenizer()
    return _stopwords


def _ensure_tokenizer() -> jieba.Tokenizer:
    """Build the private tokenizer with the curated terms on first use (once per process)."""
    global _tokenizer, _curated, _stopwords
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            terms = tuple(_read_list(TERMS_FILE))
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for term in terms:
                tokenizer.add_word(term, freq=max(tokenizer.suggest_freq(term), CURATED_TERM_FREQ))
            _curated = terms
            _stopwords = frozenset(_read_list(STOPWORDS_FILE))
            _tokenizer = tokenizer
    return _tokenizer


def tokenize(text: str) -> list[str]:
    """The jieba tokens of ``text`` (private dictionary with the curated terms, no HMM new-word guessing)."""
    tokenizer = _ensure_tokenizer()
    return [tok for tok in tokenizer.lcut(text.translate(_NORMALISE), HMM=False) if tok.strip()]


def _is_top_candidate(token: str, curated: frozenset[str], stop: frozenset[str]) -> bool:
    return (
        len(token) >= 2
        and token not in curated
        and token not in stop
        and _HAN.search(token) is not None
        and _DIGIT.search(token) is None
        and _NUMERAL.match(token) is None
    )


def count_keywords(text: str, top_n: int = 30) -> list[KeywordCount]:
    """Count curated policy terms (those present) and the ``top_n`` most frequent other terms of ``text``.

    Curated rows come first (most frequent first, then by term), then the top terms (most frequent first,
    ties broken by the term so the result is deterministic).
    """
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    tokens = Counter(tokenize(text))
    curated = frozenset(_curated)
    rows = [KeywordCount(term, "curated", tokens[term]) for term in _curated if tokens.get(term, 0) > 0]
    rows.sort(key=lambda r: (-r.occurrences, r.keyword))
    others = [(tok, n) for tok, n in tokens.items() if _is_top_candidate(tok, curated, _stopwords)]
    others.sort(key=lambda item: (-item[1], item[0]))
    rows.extend(KeywordCount(tok, "top", n) for tok, n in others[:top_n])
    return rows
