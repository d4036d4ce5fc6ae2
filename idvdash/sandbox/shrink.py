"""The `shrink` fault: records that vanish from a list while a client pages through it.

A shrink removes the records at positions [at, at + vanish) of a provider's unfiltered
default listing (iDenfy, Equals and Stora: newest first; Swan: users in joining order),
from every listing of that endpoint, filtered or not. What the rest of the list does
then depends on how the provider pages:

- by offset or page number (iDenfy, Equals, Stora), positions count the rows that are
  left, so every row behind a vanished one moves up; rows slide onto pages already
  read, the total drops and a page that existed may now lie past the end;
- by Relay cursor (Swan), a cursor names the row it was taken from (`Gone` maps it
  back), so the walk resumes after that row: nothing left over is skipped, and only
  `totalCount` drops.

Nothing is materialised: a shrink is a few position ranges over the lazy listings.
"""

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from .faults import Fault


@dataclass(frozen=True)
class Gone:
    """Positions of one listing that vanished: sorted, disjoint [start, stop) ranges."""

    ranges: tuple[tuple[int, int], ...] = ()

    @classmethod
    def of(cls, ranges: list[tuple[int, int]]) -> "Gone":
        """Return the vanished positions from ranges in any order (empty ones dropped)."""
        return cls(tuple(sorted((start, stop) for start, stop in ranges if stop > start)))

    @property
    def size(self) -> int:
        """Return how many positions vanished."""
        return sum(stop - start for start, stop in self.ranges)

    def position(self, q: int) -> int:
        """Return the original position of the q-th (0-based) row that is left."""
        for start, stop in self.ranges:
            if q < start:
                break
            q += stop - start
        return q

    def left_before(self, p: int) -> int:
        """Count the rows left at original positions below `p`."""
        return p - sum(max(0, min(stop, p) - start) for start, stop in self.ranges)


def newest_first(shrink: Fault | None, visible: int) -> Gone:
    """Return what a shrink removes from a newest-first listing of `visible` records."""
    if shrink is None:
        return Gone()
    return Gone.of([(min(shrink.at, visible), min(shrink.at + shrink.vanish, visible))])


def vanished_indices(shrink: Fault | None, visible: int) -> range:
    """Return the catalog indices a shrink removes when the listing is newest first."""
    gone = newest_first(shrink, visible)
    if not gone.ranges:
        return range(0)
    [(start, stop)] = gone.ranges
    return range(visible - stop, visible - start)


def in_order(shrink: Fault | None, items: Sequence[int]) -> Gone:
    """Return what a shrink removes from ascending `items` (Swan users in joining order)."""
    if shrink is None:
        return Gone()
    start = bisect_left(items, shrink.at)
    return Gone.of([(start, bisect_left(items, shrink.at + shrink.vanish))])
