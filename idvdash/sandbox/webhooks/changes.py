"""Which records changed in a window of simulated time.

A record's history is its plan plus its late changes (`catalog.py`). Settled records
finish their plans before the anchor, so after the anchor only three groups change:
the in-flight records, the records created after the anchor, and the late changes.
"""

from dataclasses import dataclass, field

from ..catalog import Catalog, State

# Longer than any plan of a record created after the anchor (iDenfy's deletion of a
# decided record, the longest, comes within 75 days of its creation).
HORIZON = 90 * 86400
# How often (in records) the scan of new records checks whether it may stop early.
CHECK_EVERY = 64


@dataclass(frozen=True, order=True)
class Change:
    """Step `step` of record `index`'s history, which happened at `at`."""

    at: int
    index: int
    step: int
    state: State = field(compare=False)
    previous: State | None = field(compare=False)


def changes(catalog: Catalog, t0: int, t1: int, limit: int) -> tuple[list[Change], bool]:
    """Return the steps with `t0 < time <= t1`, oldest first, at most `limit` of them.

    The second value tells whether steps were left out because of `limit`. The scan of
    records created after the anchor stops as soon as no later record can change
    before the `limit`-th step found, so a huge window costs about `limit` records.
    """
    found: list[Change] = []
    late = catalog.late_changes(t1)

    def add(i: int) -> None:
        steps = catalog.plan(i) + late.get(i, [])
        for n, (at, state) in enumerate(steps):
            if t0 < at <= t1:
                found.append(Change(at, i, n, state, steps[n - 1][1] if n else None))

    for i in late:
        add(i)
    for i in range(catalog.settled_end, catalog.size):
        add(i)
    hi = catalog.visible(t1)
    lo = max(catalog.size, catalog.first_created_at_or_after(t0 - HORIZON, hi))
    for i in range(lo, hi):
        if (i - lo) % CHECK_EVERY == 0 and len(found) >= limit:
            kth = sorted(c.at for c in found)[limit - 1]
            if catalog.created(i) > kth:
                found.sort()
                return found[:limit], True
        add(i)
    found.sort()
    return found[:limit], len(found) > limit
