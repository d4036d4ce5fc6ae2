"""How long the first full picture of a large iDenfy account takes under its real limit.

"Full picture": every mirrored row with its client id and the provider's times. iDenfy's
list gives neither, so without webhooks a first sync makes one `/api/v2/status` call per
new identification (its client id) after each list page, and the backfill then reads
each one's full status (its times) within `BACKFILL_SHARE` of the budget. With webhooks
configured from the start, every identification's events taught both, and the sync
reads the list pages only.

The requests go, one after another as one client sends them, through idvdash's own rate
limiter (`providers/ratelimit.py`, the real code and its database table) on a simulated
clock: a request takes `REQUEST_MS` (a provider answering in 100 ms), and a spent budget
moves the clock to when the limiter admits the next one, instead of sleeping. Every
admitted request's time is kept, and the most requests in any window of the documented
limit is reported against that limit.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

from idvdash.providers.idenfy.client import MAX_PER_PAGE
from idvdash.providers.models import ProviderAccount
from idvdash.providers.ratelimit import (
    BACKGROUND_SHARE,
    Budget,
    Priority,
    _take,
    backfill_share,
)
from idvdash.providers.registry import provider
from idvdash.providers.spec import RateLimit

from .harness import Figure, ratio_figure

REQUEST_MS = 100
START_MS = 1_800_000_000_000  # any fixed instant: the limiter only compares times


@dataclass
class Phase:
    """One stretch of requests at one priority: how many, and the simulated time they took."""

    name: str
    requests: int
    priority: Priority
    hours: float = 0.0


class SimulatedClient:
    """One client sending requests back to back through the real limiter, on a simulated clock."""

    def __init__(self, account: ProviderAccount, limits: tuple[RateLimit, ...]) -> None:
        self.account = account
        self.limits = limits
        self.clock = START_MS
        self.sent = array("q")

    def send(self, requests: int, priority: Priority) -> float:
        """Send `requests` requests at `priority`; return the simulated hours they took."""
        budget = Budget(
            account_id=self.account.pk,
            account=self.account.name,
            provider="iDenfy",
            limits=self.limits,
            priority=priority,
        )
        started = self.clock
        for _ in range(requests):
            while wait := _take(budget, now_ms=self.clock):
                self.clock += wait
            self.sent.append(self.clock)
            self.clock += REQUEST_MS
        return (self.clock - started) / 3_600_000

    def busiest(self, limit: RateLimit) -> int:
        """The most requests sent in any `limit.seconds` window (two pointers over the times)."""
        window, most, first = limit.seconds * 1000, 0, 0
        for last, at in enumerate(self.sent):
            while at - self.sent[first] >= window:
                first += 1
            most = max(most, last - first + 1)
        return most


def plan(rows: int, *, webhooks: bool, per_page: int = MAX_PER_PAGE) -> list[Phase]:
    """The requests a first full picture of `rows` identifications takes."""
    pages = math.ceil(rows / per_page) + 1  # the last page says there is no next one
    if webhooks:
        return [Phase("list pages", pages, Priority.BACKGROUND)]
    return [
        Phase("list pages + a status call per new row", pages + rows, Priority.BACKGROUND),
        Phase("backfill: a full status per row", rows, Priority.BACKFILL),
    ]


def run(*, rows: int) -> tuple[list[Figure], dict]:
    limits = provider("idenfy").rate_limits
    (hourly,) = [limit for limit in limits if limit.seconds == 3600]
    figures: list[Figure] = []
    info: dict = {"rows": rows, "limits": [str(limit) for limit in limits]}
    for webhooks in (False, True):
        account = ProviderAccount.objects.create(
            name=f"picture-{'hooks' if webhooks else 'plain'}", kind="idenfy", credentials={}
        )
        client = SimulatedClient(account, limits)
        phases = plan(rows, webhooks=webhooks)
        for phase in phases:
            phase.hours = client.send(phase.requests, phase.priority)
        total = sum(phase.hours for phase in phases)
        requests = sum(phase.requests for phase in phases)
        floor = _least_hours(requests, limits)
        label = "with webhooks" if webhooks else "without webhooks"
        info[label] = {
            "phases": [
                {"name": p.name, "requests": p.requests, "hours": round(p.hours, 2)} for p in phases
            ],
            "hours": round(total, 2),
            "days": round(total / 24, 2),
        }
        figures.append(
            ratio_figure(
                f"first full picture {label} (h) ÷ limit's least",
                measured=total,
                baseline=floor,
                at_most=round(_expected_ratio(phases, hourly) * 1.15, 2),
                unit="h",
                note=f"{total / 24:.1f} days; {requests:,} requests",
            )
        )
        for limit in limits:
            busiest = client.busiest(limit)
            figures.append(
                ratio_figure(
                    f"most requests in {limit.seconds} s {label} ÷ limit",
                    measured=busiest,
                    baseline=limit.requests,
                    at_most=1.0,
                    unit="requests",
                )
            )
    return figures, info


def _least_hours(requests: int, limits: tuple[RateLimit, ...]) -> float:
    """The least time `requests` take: back to back, or at the documented limits' pace
    where they are more than a limit allows at once."""
    least = requests * REQUEST_MS / 3_600_000
    for limit in limits:
        if requests > limit.requests:
            least = max(least, requests / limit.requests * limit.seconds / 3600)
    return least


def _expected_ratio(phases: list[Phase], hourly: RateLimit) -> float:
    """The ratio the shares alone explain: background work may use 80% of the limit, the
    backfill `BACKFILL_SHARE`; the limiter's slots may leave up to a tenth more unused."""
    shares = {Priority.BACKGROUND: BACKGROUND_SHARE, Priority.BACKFILL: backfill_share() or 1.0}
    requests = sum(phase.requests for phase in phases)
    if requests <= hourly.requests * BACKGROUND_SHARE:
        return 1.0
    return sum(phase.requests / shares[phase.priority] for phase in phases) / requests
