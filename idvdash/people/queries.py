"""What the pages read of people: a person's subjects and records, a record's person,
the persons of a list page's rows, and the person a search text names.

Each reader costs a fixed number of queries whatever the number of linked subjects:
the records of several subjects are one query with one condition per subject
(`(account, subject_ref)`, which the mirror's indexes serve).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, Value

from idvdash.providers import vocabulary
from idvdash.providers.codes import Code
from idvdash.reviews.models import Review
from idvdash.verifications.models import Verification
from idvdash.verifications.querysets import LIST_COLUMNS, MAX_PK, Sort

from . import keys, lookup, suggestions
from .models import LinkEvent, Person, Subject, SubjectKey

TIMELINE_LIMIT = 200
HISTORY_LIMIT = 100
OTHERS_LIMIT = 10


def records_of(subjects: Iterable[Subject]) -> Any:
    """Every verification of these subjects, newest change first (a queryset)."""
    pairs = [Q(account_id=s.account_id, subject_ref=s.ref) for s in subjects]
    if not pairs:
        return Verification.objects.none()
    return Verification.objects.filter(reduce(or_, pairs)).ordered(Sort.UPDATED_DESC)


@dataclass
class Entry:
    """One verification on the person page, with what case work says of it."""

    verification: Verification
    reasons: list[Code]
    review: Review | None

    @property
    def review_state(self) -> str:
        return self.review.get_state_display() if self.review else Review.State.OPEN.label

    @property
    def assignee(self) -> Any:
        return self.review.assignee if self.review else None


@dataclass
class PersonPage:
    person: Person
    subjects: list[Subject]
    entries: list[Entry]
    suggestions: list[suggestions.Suggestion]
    history: list[LinkEvent]
    more: bool = False
    shown: list[int] = field(default_factory=list)


def person_page(pk: int) -> PersonPage | None:
    """Everything the person page shows, or None for no such person (five queries)."""
    if not 0 < pk <= MAX_PK:
        return None
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        return None
    subjects = list(
        Subject.objects.filter(person=person).select_related("account").order_by("provider", "pk")
    )
    rows = list(
        records_of(subjects)
        .select_related("account", "review__assignee")
        .only(*LIST_COLUMNS, "account__kind", "review__state", "review__assignee__username")[
            : TIMELINE_LIMIT + 1
        ]
    )
    entries = [
        Entry(
            verification=v,
            reasons=[vocabulary.describe(v.provider, code) for code in v.reason_codes],
            review=_review(v),
        )
        for v in rows[:TIMELINE_LIMIT]
    ]
    return PersonPage(
        person=person,
        subjects=subjects,
        entries=entries,
        suggestions=suggestions.for_subjects([s.pk for s in subjects]) if subjects else [],
        history=list(
            LinkEvent.objects.filter(person=person).select_related("by", "subject__account")[
                :HISTORY_LIMIT
            ]
        ),
        more=len(rows) > TIMELINE_LIMIT,
        shown=[e.verification.pk for e in entries],
    )


def _review(verification: Verification) -> Review | None:
    try:
        return verification.review
    except Review.DoesNotExist:
        return None


@dataclass
class Panel:
    """The detail page's person panel: the record's subject, its person and their records."""

    subject: Subject | None
    others: list[Verification]
    suggestions: list[suggestions.Suggestion]
    limit: int = OTHERS_LIMIT


def panel(verification: Verification) -> Panel:
    """The record's person and its other records, or, unlinked, its own subject's other
    records and what idvdash suggests (three queries)."""
    if not verification.subject_ref:
        return Panel(subject=None, others=[], suggestions=[])
    subject = (
        Subject.objects.filter(account_id=verification.account_id, ref=verification.subject_ref)
        .select_related("person")
        .first()
    )
    if subject is not None and subject.person_id is not None:
        # The person's subjects first, then their records by (account, ref): each pair
        # walks the mirror's subject index, however large the mirror.
        records = records_of(Subject.objects.filter(person_id=subject.person_id))
        found = []
    else:
        records = Verification.objects.filter(
            account_id=verification.account_id, subject_ref=verification.subject_ref
        )
        found = suggestions.for_subjects([subject.pk]) if subject is not None else []
    others = list(
        records.exclude(pk=verification.pk).for_list().ordered(Sort.UPDATED_DESC)[:OTHERS_LIMIT]
    )
    return Panel(subject=subject, others=others, suggestions=found)


def persons_of_rows(rows: list[Verification], *, search: str = "") -> Person | None:
    """Set `person_id` on each row whose subject is linked; return the person `search`
    names (a linked subject's ref, or a customer reference idvdash holds), if any.

    One query for the whole page and the search together; none when neither asks.
    """
    refs: dict[int, set[str]] = {}
    for row in rows:
        row.person_id = None
        if row.subject_ref:
            refs.setdefault(row.account_id, set()).add(row.subject_ref)
    condition = Q()  # a condition per account (a few), not per row: compiling is the cost
    for account_id, account_refs in refs.items():
        condition |= Q(account_id=account_id, ref__in=sorted(account_refs))
    text = search.strip()
    if not condition and not text:
        return None
    found = Subject.objects.filter(person__isnull=False)
    if text:
        named = Q(ref=text)
        if (held := lookup.matching(keys.lookups(keys.Kind.CUSTOMER_REF, text))) is not None:
            named |= Q(pk__in=SubjectKey.objects.filter(held).values("subject_id"))
        found = found.filter(condition | named).annotate(
            named=ExpressionWrapper(named, output_field=BooleanField())
        )
    else:
        found = found.filter(condition).annotate(named=Value(False))
    found = found.select_related("person").order_by("pk")
    person_of: dict[tuple[int, str], int] = {}
    searched: Person | None = None
    for subject in found:
        person_of[(subject.account_id, subject.ref)] = subject.person_id
        if subject.named and searched is None:
            searched = subject.person
    for row in rows:
        row.person_id = person_of.get((row.account_id, row.subject_ref))
    return searched
