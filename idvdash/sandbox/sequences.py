"""Ordered views over record indices that never materialise the whole catalog."""

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from .catalog import Catalog


class ArithRun:
    """Indices in [lo, hi) whose class is in `names`, minus a small sorted `excluded` list."""

    def __init__(
        self, catalog: Catalog, lo: int, hi: int, names: frozenset[str], excluded: list[int]
    ) -> None:
        self.catalog, self.lo, self.hi, self.names = catalog, lo, max(lo, hi), names
        self.excluded = sorted(
            x for x in excluded if self.lo <= x < self.hi and catalog.cls(x) in names
        )
        self.total = self.count_below(self.hi)

    def count_below(self, x: int) -> int:
        """Count members smaller than `x`."""
        x = min(max(x, self.lo), self.hi)
        return self.catalog.count_classes(self.lo, x, self.names) - bisect_left(self.excluded, x)

    def nth(self, k: int) -> int:
        """Return the k-th (0-based) smallest member."""
        return _smallest(self.lo, self.hi, lambda x: self.count_below(x + 1) > k)


def _smallest(lo: int, hi: int, predicate: Callable[[int], bool]) -> int:
    """Return the smallest x in [lo, hi) with a monotone predicate true."""
    while lo < hi:
        mid = (lo + hi) // 2
        if predicate(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


class OrderedIndices:
    """Run A plus explicit indices B, in index order (`merge`) or A then B (`concat`)."""

    def __init__(self, run: ArithRun, extra: list[int], *, merge: bool, upper: int) -> None:
        self.run, self.extra, self.merge, self.upper = run, extra, merge, upper
        self.merged_extra = sorted(extra) if merge else extra
        self.total = run.total + len(extra)

    def at(self, p: int) -> int:
        """Return the index at ascending position `p`."""
        if not self.merge:
            return self.run.nth(p) if p < self.run.total else self.extra[p - self.run.total]
        extra = self.merged_extra
        return _smallest(
            0, self.upper, lambda x: self.run.count_below(x + 1) + bisect_right(extra, x) > p
        )

    def ranges_between(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Return the ascending positions of the members with index in [lo, hi), as ranges."""
        run = self.run
        if self.merge:

            def below(x: int) -> int:
                return run.count_below(x) + bisect_left(self.merged_extra, x)

            return [(below(lo), below(hi))]
        ranges = [(run.count_below(lo), run.count_below(hi))]
        for k, i in enumerate(self.extra):
            if lo <= i < hi:
                ranges.append((run.total + k, run.total + k + 1))
        return ranges
