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

The tokenizer is ``_RouteTokenizer``: jieba's own, except that the dynamic programme behind a no-HMM cut is
computed in one pass over precomputed log frequencies. It cuts every text exactly as ``jieba.Tokenizer`` does
(``tests/test_keywords.py`` compares the two over every corpus text) in about half the time, which
matters because keyword counting is most of the extraction step's CPU.
"""

from __future__ import annotations

import math
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

#: ASCII letters and digits: jieba (``re_eng``) glues runs of these single-character words into one token.
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ABSENT = object()

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


class _RouteTokenizer(jieba.Tokenizer):
    """A ``jieba.Tokenizer`` whose no-HMM cut of a Han block is the same as jieba's, computed faster.

    jieba 0.42.1 builds a dict of every word end for every position (``get_DAG``), then scores the
    routes with ``max`` over generated tuples, taking a ``log`` per candidate (``calc``). Here both happen
    in one backwards pass: the log frequency of every dictionary entry is computed once (``freeze``), and
    each position's best route is kept as the walk over its prefixes goes. The arithmetic is jieba's
    (``(log(freq) - log(total)) + route``, in that order) and ties go to the longer word as ``max`` over
    ``(score, end)`` tuples does, so the tokens are identical. Until ``freeze`` is called (while words are
    being added) jieba's own code runs.
    """

    _log_freq: dict[str, float | None] | None = None

    def freeze(self) -> None:
        """Precompute the log frequencies; call once the dictionary is final (no ``add_word`` after this)."""
        logtotal = math.log(self.total)
        by_freq: dict[int, float] = {}  # words share few distinct frequencies: share their float objects too
        self._log_freq = {
            word: (by_freq.setdefault(freq, math.log(freq) - logtotal) if freq else None)
            for word, freq in self.FREQ.items()
        }
        self._unknown = math.log(1) - logtotal  # what jieba scores a character that is no word of its own

    def _Tokenizer__cut_DAG_NO_HMM(self, sentence: str):  # noqa: N802 - overrides jieba's name-mangled method
        if self._log_freq is None:
            yield from super()._Tokenizer__cut_DAG_NO_HMM(sentence)
            return
        log_freq, unknown, absent = self._log_freq, self._unknown, _ABSENT
        n = len(sentence)
        score = [0.0] * (n + 1)
        end = list(range(n + 1))  # end[k]: last index of the best route's first word from k
        for k in range(n - 1, -1, -1):
            best = None
            i = k
            frag = sentence[k]
            while True:  # jieba's get_DAG walk: extend while the fragment is a word or a word's prefix
                lp = log_freq.get(frag, absent)
                if lp is absent:
                    break
                if lp is not None:
                    s = lp + score[i + 1]
                    if best is None or s >= best:
                        best = s
                        end[k] = i
                i += 1
                if i >= n:
                    break
                frag = sentence[k:i + 1]
            score[k] = unknown + score[k + 1] if best is None else best
        x = 0
        buf = ""
        while x < n:
            y = end[x] + 1
            if y - x == 1 and sentence[x] in _ASCII_ALNUM:
                buf += sentence[x]
            else:
                if buf:
                    yield buf
                    buf = ""
                yield sentence[x:y]
            x = y
        if buf:
            yield buf


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
            tokenizer = _RouteTokenizer()
            tokenizer.initialize()
            for term in terms:
                tokenizer.add_word(term, freq=max(tokenizer.suggest_freq(term), CURATED_TERM_FREQ))
            tokenizer.freeze()
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
