"""Span look-ups in O(log n) instead of a scan per item, so a sentence with many figures stays linear.

A sentence of 20,000 figures (``地区生产总值增长1.1%，`` repeated) used to rescan every mention and
quantity of the sentence for every clause and every figure: quadratic. These helpers answer the
same questions from sorted offsets (bisection over merged spans).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Any


class ByStart:
    """Items with a ``start`` offset, found by ``lo <= start < hi`` in their original order."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = items
        self._order = sorted(range(len(items)), key=lambda i: items[i].start)
        self._starts = [items[i].start for i in self._order]

    def between(self, lo: int, hi: int) -> list[Any]:
        """Items whose ``start`` lies in ``[lo, hi)``, in the order of the original sequence."""
        a, b = bisect_left(self._starts, lo), bisect_left(self._starts, hi)
        return [self.items[i] for i in sorted(self._order[a:b])]

    def any_between(self, lo: int, hi: int) -> bool:
        """True when some item starts in ``[lo, hi)``."""
        return bisect_left(self._starts, lo) < bisect_left(self._starts, hi)


class Coverage:
    """Which offsets some span covers: the spans merged and sorted once, each query a bisection."""

    def __init__(self, lo: int, hi: int, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted((max(a, lo), min(b, hi)) for a, b in spans):
            if a >= b:
                continue
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self._starts = [a for a, _ in merged]
        self._ends = [b for _, b in merged]

    def covered(self, i: int) -> bool:
        """True when offset ``i`` lies inside some span."""
        k = bisect_right(self._starts, i) - 1
        return k >= 0 and i < self._ends[k]

    def any_covered(self, a: int, b: int) -> bool:
        """True when some offset in ``[a, b)`` lies inside some span."""
        if a >= b:
            return False
        k = bisect_right(self._starts, a) - 1
        if k >= 0 and a < self._ends[k]:
            return True
        j = bisect_left(self._starts, a)
        return j < len(self._starts) and self._starts[j] < b
