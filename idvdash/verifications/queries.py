"""What the reviewer list asks for: its filters, keyset pages and capped counts.

The filters themselves are VerificationQuerySet methods (querysets.py, which says
how each walks an index); here a validated Filters value becomes one chained
queryset, and its rows are cut into keyset pages over `(sort column, id)`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime
from typing import Self

from django.db.models import QuerySet

from .models import Verification
from .querysets import MAX_PK, Match, Sort, VerificationQuerySet

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
    sort: Sort = Sort.UPDATED_DESC

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
            )
        )


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


def filter_verifications(*, filters: Filters) -> VerificationQuerySet:
    """Return the rows the filters select, in the filters' sort order (ending on id)."""
    qs = Verification.objects.for_list()
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
    return qs.ordered(filters.sort)


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
