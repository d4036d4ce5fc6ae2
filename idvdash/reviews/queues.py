"""The work queues of the reviewer list: which cases each holds, their SLA, and counts.

A verification without a Review row is an open, unassigned case, so every condition on
the review allows for a missing row (a LEFT JOIN on the review's primary key, which is
the verification's id). Time in queue is idvdash's own: measured from
`Verification.changed_at`, when the mirror saw the provider's current state.

Nothing here imports the list's modules at load time (verifications.queries calls in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from idvdash.verifications.querysets import NotIndexed, Sort, updated_for

from .models import Review, ServiceLevel, Tag
from .roles import REVIEWERS, SENIOR_REVIEWERS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from idvdash.verifications.models import Verification

# Counts in the navigation stop here ("999+"): each is one LIMITed subquery.
NAV_COUNT_CAP = 999
# "Due soon" is the last quarter of a service level's hours.
DUE_SOON_SHARE = 0.25
NOT_CLOSED = (
    Review.State.OPEN,
    Review.State.IN_PROGRESS,
    Review.State.ESCALATED,
    Review.State.AWAITING_APPROVAL,
)
# What a list row shows of its case (added to the list's `only()` columns).
CASE_COLUMNS = (
    "review__state",
    "review__has_notes",
    "review__decision",
    "review__assignee__username",
)


class Queue(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    ESCALATED = "escalated"
    APPROVAL = "approval"

    @property
    def label(self) -> str:
        return QUEUE_LABELS[self]

    @property
    def seniors_only(self) -> bool:
        return self is Queue.APPROVAL


QUEUE_LABELS = {
    Queue.MINE: "My cases",
    Queue.UNASSIGNED: "Unassigned",
    Queue.ESCALATED: "Escalated",
    Queue.APPROVAL: "Waiting for my approval",
}


class Sla(StrEnum):
    BREACHED = "breached"
    DUE_SOON = "due_soon"

    @property
    def label(self) -> str:
        return "Breached" if self is Sla.BREACHED else "Due soon"


Levels = Mapping[str, int]


def service_levels() -> dict[str, int]:
    """Return {outcome: hours} of every service level (one query)."""
    return dict(ServiceLevel.objects.values_list("outcome", "hours"))


# "No review, or a review in state x" is written as NOT EXISTS (a review in another
# state): PostgreSQL answers it with an anti-join on the primary keys that stops at a
# page or a count's cap, where the LEFT JOIN with an OR hashed every review first.


def open_case() -> Q:
    """Q for verifications whose case is open and unassigned (no review row, or state open)."""
    worked = Review.objects.filter(verification_id=OuterRef("pk")).exclude(state=Review.State.OPEN)
    return ~Exists(worked)


def not_closed() -> Q:
    """Q for verifications whose case is not closed (no review row counts as open)."""
    closed = Review.objects.filter(verification_id=OuterRef("pk"), state=Review.State.CLOSED)
    return ~Exists(closed)


def in_queue(qs: QuerySet, queue: Queue, *, viewer_id: int | None, levels: Levels) -> QuerySet:
    """Keep the verifications of `queue`, as seen by the user `viewer_id`."""
    if queue is Queue.MINE:
        return qs.filter(review__assignee_id=viewer_id, review__state__in=NOT_CLOSED)
    if queue is Queue.UNASSIGNED:
        return qs.filter(_outcome_in(levels), open_case())
    if queue is Queue.ESCALATED:
        return qs.filter(review__state=Review.State.ESCALATED)
    return qs.filter(review__state=Review.State.AWAITING_APPROVAL).exclude(
        review__proposed_by_id=viewer_id
    )


def with_sla(
    qs: QuerySet,
    sla: Sla,
    *,
    levels: Levels,
    now: datetime | None = None,
    sort: Sort = Sort.UPDATED_DESC,
) -> QuerySet:
    """Keep open cases past their service level (breached) or in its last quarter (due soon).

    Each outcome has its own deadline: the exact bound per outcome is on a changed_at no
    SQLite index serves (else SQLite reads each outcome's range and sorts their union).
    Due soon also bounds changed_at from below for every outcome at once, on the index,
    so a page walks that window in the list's order. Breached leaves the index to the
    keyset cursor: a second upper bound on changed_at would be the one SQLite picks,
    and a deep page would walk every row from the deadline down to the cursor. (The
    first page skips the rows changed since the tightest deadline: a day's changes.)
    PostgreSQL keeps the tighter of two bounds itself.
    """
    if not levels:
        return qs.none()
    now = now or timezone.now()
    changed = updated_for(sort)
    exact = _not_indexed(changed)
    condition = Q()
    if sla is Sla.BREACHED:
        coarse = Q(LessThan(exact, now - timedelta(hours=min(levels.values()))))
        for outcome, hours in levels.items():
            condition |= Q(outcome=outcome) & Q(LessThan(exact, now - timedelta(hours=hours)))
    else:
        start = now - timedelta(hours=max(levels.values()))
        end = now - timedelta(hours=min(levels.values()) * (1 - DUE_SOON_SHARE))
        coarse = Q(GreaterThanOrEqual(changed, start)) & Q(LessThan(exact, end))
        for outcome, hours in levels.items():
            deadline = now - timedelta(hours=hours)
            warned = now - timedelta(hours=hours * (1 - DUE_SOON_SHARE))
            condition |= (
                Q(outcome=outcome)
                & Q(GreaterThanOrEqual(exact, deadline))
                & Q(LessThan(exact, warned))
            )
    return qs.filter(_outcome_in(levels), coarse, condition).filter(not_closed())


def in_state(qs: QuerySet, state: str) -> QuerySet:
    """Keep cases in review state `state` (open includes verifications without a review)."""
    if state == Review.State.OPEN:
        return qs.filter(open_case())
    return qs.filter(review__state=state)


def with_notes(qs: QuerySet, flag: bool) -> QuerySet:
    if flag:
        return qs.filter(review__has_notes=True)
    return qs.filter(Q(review__isnull=True) | Q(review__has_notes=False))


def tagged(qs: QuerySet, tag_id: int) -> QuerySet:
    through = Review.tags.through.objects.filter(tag_id=tag_id)
    return qs.filter(pk__in=through.values("review_id"))


def assigned_to(qs: QuerySet, user_id: int) -> QuerySet:
    return qs.filter(review__assignee_id=user_id)


def with_cases(qs: QuerySet, columns: Iterable[str]) -> QuerySet:
    """The review and its assignee joined, its tags in one query per page (or export chunk)."""
    return (
        qs.select_related("review__assignee")
        .only(*columns, *CASE_COLUMNS)
        .prefetch_related("review__tags")
    )


@dataclass(frozen=True, slots=True)
class RowCase:
    """What a list row shows of its case."""

    state: str
    state_label: str
    assignee: str
    tags: tuple[str, ...]
    waited: timedelta
    sla: Sla | None
    due_at: datetime | None


def row_case(verification: Verification, *, levels: Levels, now: datetime) -> RowCase:
    """The case of one list row: its review (if any), time in queue and SLA standing."""
    review = _review_of(verification)
    state = review.state if review is not None else Review.State.OPEN
    hours = levels.get(verification.outcome)
    waited = now - verification.changed_at
    sla, due_at = None, None
    if hours is not None and state != Review.State.CLOSED:
        due_at = verification.changed_at + timedelta(hours=hours)
        if waited > timedelta(hours=hours):
            sla = Sla.BREACHED
        elif waited > timedelta(hours=hours * (1 - DUE_SOON_SHARE)):
            sla = Sla.DUE_SOON
    return RowCase(
        state=state,
        state_label=Review.State(state).label,
        assignee=review.assignee.get_username() if review and review.assignee else "",
        tags=tuple(tag.name for tag in review.tags.all()) if review is not None else (),
        waited=waited,
        sla=sla,
        due_at=due_at,
    )


def mark_rows(rows: list[Verification], *, levels: Levels, now: datetime | None = None) -> None:
    """Attach `case` (a RowCase) to each row of a list page."""
    now = now or timezone.now()
    for row in rows:
        row.case = row_case(row, levels=levels, now=now)


def nav_counts(user: AbstractBaseUser, *, senior: bool, cap: int | None = None) -> list[dict]:
    """Each queue the user may open with its count, capped: [{"queue", "count", "capped"}]."""
    from idvdash.verifications.models import Verification
    from idvdash.verifications.queries import count_capped

    cap = cap or NAV_COUNT_CAP
    levels = service_levels()
    counts = []
    for queue in Queue:
        if queue.seniors_only and not senior:
            continue
        qs = _countable(queue, user_id=user.pk, levels=levels, verifications=Verification.objects)
        count, capped = count_capped(qs, cap=cap)
        counts.append({"queue": queue, "count": count, "capped": capped})
    return counts


def _countable(queue: Queue, *, user_id: int, levels: Levels, verifications) -> QuerySet:
    """What to count for a queue: its reviews alone where a review defines it (a review
    index, no join), the verifications for the unassigned queue (most have no review)."""
    reviews = Review.objects.all()
    if queue is Queue.MINE:
        return reviews.filter(assignee_id=user_id, state__in=NOT_CLOSED)
    if queue is Queue.ESCALATED:
        return reviews.filter(state=Review.State.ESCALATED)
    if queue is Queue.APPROVAL:
        return reviews.filter(state=Review.State.AWAITING_APPROVAL).exclude(proposed_by_id=user_id)
    return in_queue(verifications.all(), queue, viewer_id=user_id, levels=levels)


def reviewers(*, seniors_only: bool = False) -> QuerySet:
    """Active people in either reviewer group, by username (whom a case can be assigned to);
    only the senior reviewers for an escalated case."""
    groups = [SENIOR_REVIEWERS] if seniors_only else [REVIEWERS, SENIOR_REVIEWERS]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=groups)
        .distinct()
        .order_by("username")
    )


def tags() -> list[Tag]:
    return list(Tag.objects.all())


def _outcome_in(levels: Levels) -> Q:
    outcomes = sorted(levels)
    if len(outcomes) == 1:
        return Q(outcome=outcomes[0])
    return Q(outcome__in=outcomes)


def _not_indexed(changed):
    """changed_at that no index serves, on SQLite (PostgreSQL plans with its statistics)."""
    if connection.vendor == "sqlite":
        return NotIndexed(F("changed_at"))
    return changed


def _review_of(verification: Verification) -> Review | None:
    try:
        return verification.review
    except Review.DoesNotExist:
        return None
