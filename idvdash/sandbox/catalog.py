"""The index -> record engine every provider's data builds on.

Record `i` of a provider is a pure function of (seed, provider, i) and simulated time:

- creation time is strictly increasing in `i`; the first `size` records are spread over
  the half year before the clock's anchor, records `size, size+1, ...` are created after
  the anchor, one every `ARRIVAL` simulated seconds (so advancing the clock adds rows);
- the final outcome class of record `i` is `pattern[i % PERIOD]`, a seeded shuffle of a
  weighted class table, so "how many records of class X lie in [lo, hi)" is arithmetic;
- each record follows a plan: a list of (time, state) transitions. Settled records
  (all but the last few before the anchor) finish their plan in less than half the gap
  to the next record, so their `updated` order equals their index order;
- "in flight" records (the last few before the anchor) and new records finish after the
  anchor, and every `LATE_EVERY` simulated seconds one seeded settled record changes
  again (a late change). Together these form the small "dynamic" set that the list
  endpoints handle explicitly.
- the subject of record `i` is local person `i % persons`; local people map onto a
  shared universe with a per-provider offset, so humans recur across providers. As
  with real providers, each provider names its people with its own ids (made from the
  local number under the provider's own codec tag); only the partner's customer
  reference (`Person.customer_ref`) is the same wherever a provider carries it.
"""

import math
import threading
from collections.abc import Sequence
from functools import lru_cache

from .clock import SimClock
from .ids import IdCodec, digest, unit
from .people import People, Person

PERIOD = 100
SPAN = 183 * 86400
ARRIVAL = 900
LATE_EVERY = 1200
MAX_IN_FLIGHT = 30

type State = dict[str, object]
type Plan = list[tuple[int, State]]


class Catalog:
    """Deterministic, lazily generated records of one provider."""

    provider = ""
    provider_no = 0
    tag = 10
    #: (class name, weight per PERIOD) — weights must sum to PERIOD.
    classes: Sequence[tuple[str, int]] = ()

    def __init__(
        self, *, seed: int, size: int, clock: SimClock, people: People, codec: IdCodec
    ) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.seed, self.size, self.clock, self.people, self.codec = seed, size, clock, people, codec
        self.anchor = clock.anchor_ts
        self.step = SPAN / size
        self.in_flight = min(MAX_IN_FLIGHT, size // 8)
        self.settled_end = size - self.in_flight
        self.persons = self._person_count(size)
        self.universe = 2 * self.persons + 1
        # Overlapping windows of the universe: a sixth of the people are customers at all
        # four providers (a Swan user who also passed iDenfy and rents from Stora, say).
        self.person_offset = (
            0,
            self.persons // 3,
            self.persons * 2 // 3,
            self.persons * 5 // 6,
        )[self.provider_no % 4]
        self.pattern = self._shuffle()
        self._late_lock = threading.Lock()
        self._late: dict[int, Plan] = {}
        self._late_k = 0
        self.plan = lru_cache(maxsize=65536)(self._plan)

    @staticmethod
    def _person_count(size: int) -> int:
        count = max(1, size * 10 // 23)
        while math.gcd(count, PERIOD) != 1 and count > 1:
            count += 1
        return count

    def _shuffle(self) -> list[str]:
        table = [name for name, weight in self.classes for _ in range(weight)]
        if len(table) != PERIOD:
            raise ValueError(f"{self.provider} class weights must sum to {PERIOD}")
        order = sorted(range(PERIOD), key=lambda s: digest(self.seed, self.provider, "slot", s))
        return [table[s] for s in order]

    # -- time and visibility -------------------------------------------------------------

    def created(self, i: int) -> int:
        """Return the creation time of record `i` (strictly increasing in `i`)."""
        if i < self.size:
            base = self.anchor - SPAN + i * self.step
            return int(base + unit(self.seed, self.provider, "jitter", i) * self.step * 0.5)
        return self.anchor + (i - self.size + 1) * ARRIVAL

    def visible(self, now: int | None = None) -> int:
        """Return how many records exist at `now` (records 0 .. n-1)."""
        now = self.clock.timestamp() if now is None else now
        return self.size + max(0, (now - self.anchor) // ARRIVAL)

    def first_created_at_or_after(self, ts: float, hi: int) -> int:
        """Return the smallest index < hi created at or after `ts` (hi if none)."""
        lo = 0
        while lo < hi:
            mid = (lo + hi) // 2
            if self.created(mid) < ts:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def first_settled_updated_at_or_after(self, ts: float) -> int:
        """Return the smallest settled index whose base `updated` is at or after `ts`."""
        lo, hi = 0, self.settled_end
        while lo < hi:
            mid = (lo + hi) // 2
            if self.plan(mid)[-1][0] < ts:
                lo = mid + 1
            else:
                hi = mid
        return lo

    # -- classes ----------------------------------------------------------------------------

    def cls(self, i: int) -> str:
        """Return the outcome class of record `i`."""
        return self.pattern[i % PERIOD]

    def class_rank(self, i: int) -> int:
        """Return how many earlier records share record `i`'s class (to rotate vocabularies)."""
        name = self.cls(i)
        per = self._slots(frozenset([name]))
        return (i // PERIOD) * len(per) + per.index(i % PERIOD)

    @lru_cache(maxsize=256)  # noqa: B019 - one catalog per server, bounded cache
    def _slots(self, names: frozenset[str]) -> tuple[int, ...]:
        return tuple(s for s in range(PERIOD) if self.pattern[s] in names)

    def count_classes(self, lo: int, hi: int, names: frozenset[str]) -> int:
        """Count indices in [lo, hi) whose class is in `names`."""
        return self._below(hi, names) - self._below(lo, names) if hi > lo else 0

    @lru_cache(maxsize=256)  # noqa: B019 - one catalog per server, bounded cache
    def _prefix(self, names: frozenset[str]) -> tuple[int, ...]:
        counts = [0]
        for s in range(PERIOD):
            counts.append(counts[-1] + (self.pattern[s] in names))
        return tuple(counts)

    def _below(self, x: int, names: frozenset[str]) -> int:
        prefix = self._prefix(names)
        return (x // PERIOD) * prefix[-1] + prefix[x % PERIOD]

    def nth_class(self, lo: int, k: int, names: frozenset[str]) -> int:
        """Return the k-th (0-based) index >= lo whose class is in `names`."""
        slots = self._slots(names)
        target = self._below(lo, names) + k
        cycles, rest = divmod(target, len(slots))
        return cycles * PERIOD + slots[rest]

    # -- people -------------------------------------------------------------------------------

    def local_person(self, i: int) -> int:
        """Return the provider-local person number of record `i`."""
        return i % self.persons

    def global_person(self, local: int) -> int:
        """Map a local person number to the shared universe."""
        return (local + self.person_offset) % self.universe

    def local_from_global(self, g: int) -> int | None:
        """Map a shared person back to this provider's local number (None if absent)."""
        local = (g - self.person_offset) % self.universe
        return local if local < self.persons and 0 <= g < self.universe else None

    def person(self, i: int) -> Person:
        """Return the person record `i` is about."""
        return self.people.get(self.global_person(self.local_person(i)))

    def local_from_customer_ref(self, text: object) -> int | None:
        """Return the local person the partner knows by a customer reference (or None)."""
        g = self.people.from_customer_ref(text)
        return self.local_from_global(g) if g is not None else None

    def own_uuid(self, tag: int, local: int) -> str:
        """Return this provider's own UUID for a local person (`tag` is the provider's)."""
        return self.codec.uuid(tag, local)

    def local_from_own_uuid(self, text: object, tag: int) -> int | None:
        """Return the local person of one of this provider's person UUIDs, or None."""
        local = self.codec.from_uuid(text, tag) if isinstance(text, str) else None
        return local if local is not None and local < self.persons else None

    def person_indices(self, local: int, visible: int) -> range:
        """Return the indices of one local person's records (oldest first)."""
        return range(local, visible, self.persons)

    # -- plans and states ---------------------------------------------------------------------

    def build(self, i: int, cls: str) -> list[tuple[int, State]]:
        """Return the provider's (realistic gap in seconds, state) steps; the first gap is 0."""
        raise NotImplementedError

    def late(self, i: int, final: State, k: int) -> list[tuple[int, State]]:
        """Return (gap, state) steps for a late change of settled record `i` (may be empty)."""
        return []

    def _plan(self, i: int) -> Plan:
        steps = self.build(i, self.cls(i))
        created = self.created(i)
        gaps = [gap for gap, _ in steps]
        total = sum(gaps) or 1
        times, clock = [], created
        if i < self.settled_end:
            scale = min(1.0, self.step * 0.45 / total)
            for gap in gaps:
                clock += int(gap * scale)
                times.append(clock)
        elif i < self.size:
            split = 1 + digest(self.seed, self.provider, "split", i) % max(1, len(steps) - 1)
            room = max(0, self.anchor - created - 1)
            before = sum(gaps[:split]) or 1
            clock = created
            for n, gap in enumerate(gaps):
                if n < split:
                    clock += int(gap * min(1.0, room / before))
                else:
                    clock = max(clock, self.anchor) + gap
                times.append(clock)
        else:
            for gap in gaps:
                clock += gap
                times.append(clock)
        return [(t, state) for t, (_, state) in zip(times, steps, strict=True)]

    def late_changes(self, now: int | None = None) -> dict[int, Plan]:
        """Return the late changes scheduled up to `now`: index -> extra steps."""
        now = self.clock.timestamp() if now is None else now
        upto = max(0, (now - self.anchor) // LATE_EVERY)
        if self.settled_end == 0:
            return {}
        with self._late_lock:
            while self._late_k < upto:
                self._late_k += 1
                k = self._late_k
                i = digest(self.seed, self.provider, "late", k) % self.settled_end
                history = self.plan(i) + self._late.get(i, [])
                extra = self.late(i, history[-1][1], k)
                at = self.anchor + k * LATE_EVERY
                steps = []
                for gap, state in extra:
                    at += gap
                    steps.append((at, state))
                if steps:
                    self._late[i] = self._late.get(i, []) + steps
            return dict(self._late)

    def history(self, i: int, now: int | None = None) -> Plan:
        """Return the steps of record `i` that have happened by `now`."""
        now = self.clock.timestamp() if now is None else now
        steps = self.plan(i) + self.late_changes(now).get(i, [])
        return [(t, s) for t, s in steps if t <= now]

    def state(self, i: int, now: int | None = None) -> tuple[State, int]:
        """Return (current state, updated time) of record `i`; it must be visible."""
        steps = self.history(i, now)
        return steps[-1][1], steps[-1][0]

    def dynamic(self, now: int | None = None) -> list[int]:
        """Return the sorted indices whose state may differ from their settled base."""
        now = self.clock.timestamp() if now is None else now
        late = [i for i, steps in self.late_changes(now).items() if steps[0][0] <= now]
        return sorted(set(late) | set(range(self.settled_end, self.visible(now))))

    def is_index(self, i: int | None, now: int | None = None) -> bool:
        """Tell whether `i` names a record visible at `now`."""
        return i is not None and 0 <= i < self.visible(now)
