"""Span look-ups in O(log n) instead of a scan per item, so a sentence with many figures stays linear.

A sentence of 20,000 figures (``地区生产总值增长1.1%，`` repeated) used to rescan every mention and
quantity of the sentence for every clause and every figure: quadratic. These helpers answer the
same questions from sorted offsets and prefix sums.
"""

from __future__ import annotations

from bisect import bisect_left
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
    """Which offsets in ``[lo, hi)`` some span covers, with O(1) range queries (prefix sums)."""

    def __init__(self, lo: int, hi: int, spans: Iterable[tuple[int, int]]) -> None:
        self.lo = lo
        n = max(0, hi - lo)
        diff = [0] * (n + 1)
        for a, b in spans:
            a, b = max(a, lo) - lo, min(b, hi) - lo
            if a < b:
                diff[a] += 1
                diff[b] -= 1
        self._prefix = [0] * (n + 1)
        depth = covered = 0
        for i in range(n):
            depth += diff[i]
            covered += depth > 0
            self._prefix[i + 1] = covered
        self._n = n

    def covered(self, i: int) -> bool:
        """True when offset ``i`` lies inside some span."""
        j = i - self.lo
        return 0 <= j < self._n and self._prefix[j + 1] > self._prefix[j]

    def any_covered(self, a: int, b: int) -> bool:
        """True when some offset in ``[a, b)`` lies inside some span."""
        a, b = max(a - self.lo, 0), min(b - self.lo, self._n)
        return a < b and self._prefix[b] > self._prefix[a]
