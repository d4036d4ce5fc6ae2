"""What the reviewer list asks for: its filters, keyset pages and capped counts.

The filters themselves are VerificationQuerySet methods (querysets.py, which says
how each walks an index); here a validated Filters value becomes one chained
queryset, and its rows are cut into keyset pages over `(sort column, id)`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Self

from django.db.models import QuerySet

from idvdash.reviews import queues

from .models import Verification
from .querysets import LIST_COLUMNS, MAX_PK, Match, Sort, VerificationQuerySet

PAGE_SIZE = 50
COUNT_CAP = 10_000
# 2: the sorts moved from the provider's times to idvdash's own (changed_at, first_seen_at).
CURSOR_VERSION = "2"

__all__ = [
    "COUNT_CAP",
    "PAGE_SIZE",
    "Cursor",
    "Filters",
    "ListPage",
    "Match",
    "Sort",
    "count_capped",
    "filter_verifications",
    "page_after",
]


@dataclass(frozen=True, slots=True)
class Filters:
    """The list's filters, already validated (VerificationFilterForm.filters() builds them)."""

    q: str = ""
    match: Match = Match.PREFIX
    subject: str = ""
    provider: str = ""
    account_id: int | None = None
    outcomes: tuple[str, ...] = ()
    suspected: bool | None = None
    updated_from: date | None = None
    updated_to: date | None = None
    stale_days: int | None = None
    # The provider's creation time (the Overview's day): a UTC day range, or whether the
    # provider gave one at all; and reason / tag codes, any of them.
    created_from: date | None = None
    created_to: date | None = None
    created_known: bool | None = None
    reasons: tuple[str, ...] = ()
    sort: Sort = Sort.UPDATED_DESC
    # Case work (idvdash.reviews.queues): whose "mine" and "me" these are, and the rest.
    viewer_id: int | None = None
    queue: str = ""
    tag_id: int | None = None
    has_notes: bool | None = None
    review_state: str = ""
    assignee_id: int | None = None
    sla: str = ""

    @property
    def active(self) -> bool:
        """True when anything narrows the list (the sort alone does not)."""
        return any(
            (
                self.q,
                self.subject,
                self.provider,
                self.account_id is not None,
                self.outcomes,
                self.suspected is not None,
                self.updated_from,
                self.updated_to,
                self.stale_days is not None,
                self.created_from,
                self.created_to,
                self.created_known is not None,
                self.reasons,
                self.queue,
                self.tag_id is not None,
                self.has_notes is not None,
                self.review_state,
                self.assignee_id is not None,
                self.sla,
            )
        )

    @property
    def needs_levels(self) -> bool:
        """True when the filters read the service levels (the unassigned queue, SLA)."""
        return self.queue == "unassigned" or bool(self.sla)


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a keyset page starts: the sort it belongs to and the last row's (value, id)."""

    sort: Sort
    value: datetime
    pk: int

    def encode(self) -> str:
        text = f"{CURSOR_VERSION}|{self.sort.value}|{self.value.isoformat()}|{self.pk}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Self:
        """Return the cursor a token stands for; raise ValueError for anything else."""
        try:
            padded = token + "=" * (-len(token) % 4)
            text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
            version, sort, value, pk = text.split("|")
            parsed = datetime.fromisoformat(value)
            number = int(pk)
        except (ValueError, UnicodeError, binascii.Error) as err:
            raise ValueError("not a cursor") from err
        if version != CURSOR_VERSION or parsed.tzinfo is None or not 0 < number <= MAX_PK:
            raise ValueError("not a cursor")
        return cls(sort=Sort(sort), value=parsed, pk=number)


@dataclass(frozen=True, slots=True)
class ListPage:
    """One keyset page of list rows, the cursor of the next (if any) and their sort."""

    rows: list[Verification]
    next_cursor: str | None
    sort: Sort = Sort.UPDATED_DESC


def filter_verifications(
    *, filters: Filters, levels: Mapping[str, int] | None = None
) -> VerificationQuerySet:
    """Return the rows the filters select, in the filters' sort order (ending on id).

    Each row comes with its case (review, assignee, tags). `levels` are the service
    levels ({outcome: hours}); read here (one query) when a filter needs them and the
    caller has not.
    """
    qs = queues.with_cases(Verification.objects.for_list(), LIST_COLUMNS)
    if filters.q:
        qs = qs.matching(filters.q, filters.match)
    if filters.subject:
        qs = qs.for_subject(filters.subject)
    if filters.provider:
        qs = qs.for_provider(filters.provider)
    if filters.account_id is not None:
        qs = qs.for_account(filters.account_id)
    if filters.outcomes:
        qs = qs.with_outcomes(filters.outcomes)
    if filters.suspected is not None:
        qs = qs.suspicious(filters.suspected)
    if filters.updated_from or filters.updated_to:
        qs = qs.updated_between(filters.updated_from, filters.updated_to, sort=filters.sort)
    if filters.stale_days is not None:
        qs = qs.stale(filters.stale_days, sort=filters.sort)
    if filters.created_from or filters.created_to:
        qs = qs.created_between(filters.created_from, filters.created_to)
    if filters.created_known is not None:
        qs = qs.created_known(filters.created_known)
    if filters.reasons:
        qs = qs.with_reasons(filters.reasons)
    return _case_filters(qs, filters, levels).ordered(filters.sort)


def _case_filters(
    qs: VerificationQuerySet, filters: Filters, levels: Mapping[str, int] | None
) -> VerificationQuerySet:
    if levels is None and filters.needs_levels:
        levels = queues.service_levels()
    if filters.queue:
        qs = queues.in_queue(
            qs, queues.Queue(filters.queue), viewer_id=filters.viewer_id, levels=levels or {}
        )
    if filters.sla:
        qs = queues.with_sla(qs, queues.Sla(filters.sla), levels=levels or {}, sort=filters.sort)
    if filters.review_state:
        qs = queues.in_state(qs, filters.review_state)
    if filters.has_notes is not None:
        qs = queues.with_notes(qs, filters.has_notes)
    if filters.tag_id is not None:
        qs = queues.tagged(qs, filters.tag_id)
    if filters.assignee_id is not None:
        qs = queues.assigned_to(qs, filters.assignee_id)
    return qs


def page_after(
    qs: VerificationQuerySet, *, cursor: Cursor | None, size: int = PAGE_SIZE
) -> ListPage:
    """Return `size` rows after `cursor` (from the start without one) and the next cursor.

    `qs` must already be ordered by the cursor's sort (filter_verifications does that).
    """
    sort = cursor.sort if cursor is not None else _sort_of(qs)
    if cursor is not None:
        qs = qs.after(cursor)
    rows = list(qs[: size + 1])
    if len(rows) <= size:
        return ListPage(rows=rows, next_cursor=None, sort=sort)
    rows = rows[:size]
    last = rows[-1]
    cursor = Cursor(sort=sort, value=getattr(last, sort.column), pk=last.pk)
    return ListPage(rows=rows, next_cursor=cursor.encode(), sort=sort)


def count_capped(qs: QuerySet, *, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Return (rows, capped): counts at most cap + 1 rows through a LIMITed subquery."""
    counted = qs.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap


def _sort_of(qs: QuerySet) -> Sort:
    first = qs.query.order_by[0] if qs.query.order_by else "-changed_at"
    for sort in Sort:
        if first == ("-" if sort.descending else "") + sort.column:
            return sort
    return Sort.UPDATED_DESC
