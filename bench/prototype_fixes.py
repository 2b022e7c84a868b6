"""Quantify two fixes suggested by the profiles, without changing the pipeline code.

1. Ingest: ``attribution.is_traditional`` runs OpenCC's pure-Python t2s converter over a 2000-char
   probe, three times per report. A set of traditional-only characters (from OpenCC's own
   ``TSCharacters.txt``) answers the same question with one set lookup per character.
2. Extract: ``keywords.count_keywords`` segments the whole text with jieba. Counting only the
   curated terms needs no segmentation: one regex alternation, longest term first.

Run: ``.venv/bin/python bench/prototype_fixes.py [REPORTS_DIR]``. Prints timings and agreement.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import opencc

from pipelines import bench
from pipelines.ingest import attribution
from pipelines.keywords import count_keywords, curated_terms


def _median_time(fn, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def traditional_only_chars() -> frozenset[str]:
    """Characters OpenCC's t2s character table maps to a different character."""
    path = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    chars = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        src, targets = line.split("\t", 1)
        if len(src) == 1 and src not in targets.split():
            chars.add(src)
    return frozenset(chars)


def fast_is_traditional(text: str, trad: frozenset[str]) -> bool:
    """Same rule as ``attribution.is_traditional`` (>= 3 and >= 1% changed), by set lookups."""
    probe = text[: attribution._TRAD_PROBE]
    changed = sum(1 for c in probe if c in trad)
    return changed >= 3 and changed >= 0.01 * max(1, len(attribution._CJK_RE.findall(probe)))


def curated_counter(terms: tuple[str, ...]):
    """A function counting curated terms (leftmost-longest, non-overlapping) with one regex."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))

    def count(text: str) -> Counter[str]:
        return Counter(pattern.findall(text.replace("＋", "+")))

    return count


def main(argv: list[str]) -> int:
    """Print timings of the current and prototype implementations over the corpus."""
    root = Path(argv[0]) if argv else bench.default_corpus_dir()
    texts = [t.text for t in bench.load_corpus(root)]
    chars = sum(len(t) for t in texts)
    print(f"corpus {root}: {len(texts)} reports, {chars:,} chars")

    trad = traditional_only_chars()
    current = _median_time(lambda: [attribution.is_traditional(t) for t in texts])
    fast = _median_time(lambda: [fast_is_traditional(t, trad) for t in texts])
    agree = sum(attribution.is_traditional(t) == fast_is_traditional(t, trad) for t in texts)
    print(f"is_traditional: OpenCC {current * 1000 / len(texts):.2f} ms/report (called 3x per report in ingest), "
          f"set lookup {fast * 1000 / len(texts):.3f} ms/report; {current / fast:.0f}x; "
          f"agree on {agree}/{len(texts)}")

    count_keywords(texts[0])
    counter = curated_counter(curated_terms())
    full = _median_time(lambda: [count_keywords(t) for t in texts], rounds=3)
    regex = _median_time(lambda: [counter(t) for t in texts], rounds=3)
    same = 0
    for t in texts:
        want = {k.keyword: k.occurrences for k in count_keywords(t) if k.keyword_source == "curated"}
        got = {k: v for k, v in counter(t).items() if v}
        same += want == got
    print(f"count_keywords (jieba): {chars / full:,.0f} chars/s; curated terms by regex: {chars / regex:,.0f} chars/s "
          f"({full / regex:.0f}x); same curated counts on {same}/{len(texts)} reports "
          "(differences = jieba cutting a term inside a longer word)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
