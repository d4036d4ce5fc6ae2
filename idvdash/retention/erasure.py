"""Erasure on request ("forget this person", GDPR art. 17): remove every stored personal
field of a person's subjects, keep what the law asks to keep, and record the erasure.

Removed, for every subject linked to the person: each verification's payload, detail
snapshot, subject reference, reason codes and levels (they describe the person's face,
documents and checks); what webhook events kept about those records (facts and
reference); the subject's match keys; the subject's reference itself (the Subject row
stays, as "forgotten", so the person page still counts it); and free text others wrote
about the person: notes and written reasons on the case timeline and in the review,
and the reasons given for linking or unlinking the subject.

Kept, because anti-money-laundering record keeping asks for it: that each verification
existed (provider, account, external id), its status, outcome and decisive outcome,
suspicion and process, the provider's and idvdash's times, and every decision entry of
the case (who assigned, escalated, proposed, approved or closed, when, with which
decision and category). An `Erasure` row records who forgot, when, why and how much.

Nothing comes back: each forgotten subject leaves a tombstone and each row its
`erased_at` (`tombstones.py`), which the one write path checks.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from idvdash.people.models import LinkEvent, Person, Subject, SubjectKey
from idvdash.reviews.models import Activity, Review
from idvdash.verifications.models import Verification, WebhookEvent

from . import tombstones
from .models import Erasure, Tombstone

log = logging.getLogger(__name__)

# What a redacted free text says instead (it is idvdash's own sentence, labelled so).
REDACTED = "[Removed by idvdash when the person was forgotten.]"


@dataclass
class Scope:
    """What forgetting would touch, counted before anything is changed (the confirmation)."""

    subjects: list[Subject] = field(default_factory=list)
    verifications: int = 0

    @property
    def empty(self) -> bool:
        return not self.subjects


def scope_of(person: Person) -> Scope:
    subjects = list(person.subjects.select_related("account").order_by("pk"))
    return Scope(subjects=subjects, verifications=_rows(subjects).count())


def _rows(subjects: list[Subject]):
    """The verifications of these subjects (the mirror's (account, subject_ref))."""
    match = Q(pk__in=[])
    for subject in subjects:
        if not subject_is_forgotten(subject):
            match |= Q(account_id=subject.account_id, subject_ref=subject.ref)
    return Verification.objects.filter(match)


FORGOTTEN_PREFIX = "forgotten:"


def subject_is_forgotten(subject: Subject) -> bool:
    return subject.ref.startswith(FORGOTTEN_PREFIX)


def forget(*, person: Person, by, reason: str) -> Erasure:
    """Forget every subject linked to `person`; return the erasure's record."""
    return _forget(
        person=person, subjects=list(person.subjects.order_by("pk")), by=by, reason=reason
    )


def forget_subject(*, subject: Subject, by, reason: str) -> Erasure:
    """Forget one subject, linked to a person or not (the person's other subjects stay)."""
    return _forget(person=subject.person, subjects=[subject], by=by, reason=reason)


def _forget(*, person: Person | None, subjects: list[Subject], by, reason: str) -> Erasure:
    reason = reason.strip()
    if not reason:
        raise ValueError("An erasure needs a reason.")
    now = timezone.now()
    with transaction.atomic():
        erasure = Erasure.objects.create(by=by, person=person, reason=reason)
        counts: dict[str, int] = {}
        rows = _rows(subjects)
        row_ids = list(rows.values_list("pk", flat=True))
        external = list(rows.values_list("account_id", "external_id"))
        counts["snapshots"] = Verification.objects.filter(
            pk__in=row_ids, detail__isnull=False
        ).count()
        for row in Verification.objects.filter(pk__in=row_ids).only("pk", "fingerprint"):
            Verification.objects.filter(pk=row.pk).update(
                **tombstones.STRIPPED,
                fingerprint=tombstones.seal(row.fingerprint),
                detail=None,
                detail_fetched_at=None,
                erased_at=now,
                erased_by_retention=False,
            )
        counts["webhook_events"] = _clear_events(row_ids, external, subjects)
        counts["match_keys"] = SubjectKey.objects.filter(subject__in=subjects).delete()[0]
        with timeline_edits():
            counts["notes"] = _redact_case_text(row_ids)
        counts["link_reasons"] = (
            LinkEvent.objects.filter(
                Q(subject__in=subjects) | Q(person=person) if person else Q(subject__in=subjects)
            )
            .exclude(reason="")
            .update(reason=REDACTED)
        )
        for subject in subjects:
            if subject_is_forgotten(subject):
                continue
            Tombstone.objects.get_or_create(
                account_id=subject.account_id,
                digest=tombstones.digest(subject.account_id, subject.ref),
                defaults={"erasure": erasure},
            )
            subject.ref = f"{FORGOTTEN_PREFIX}{subject.pk}"
            subject.save(update_fields=["ref"])
        erasure.subjects = len(subjects)
        erasure.verifications = len(row_ids)
        erasure.counts = counts
        erasure.save(update_fields=["subjects", "verifications", "counts"])
    # Counts only: the log names no person, reference or reason.
    log.info(
        "erasure %s: %d subject(s), %d verification(s), %s",
        erasure.pk,
        erasure.subjects,
        erasure.verifications,
        ", ".join(f"{n} {what}" for what, n in counts.items()),
    )
    return erasure


def _clear_events(
    row_ids: list[int], external: list[tuple[int, str]], subjects: list[Subject]
) -> int:
    """Clear facts and reference of the events about the rows or naming the subjects.

    Events still waiting to be processed keep their facts (what the provider said must
    not be lost before it is written); `tombstones.screen` clears them once processed.
    """
    about = Q(changed__pk__in=row_ids)
    for account_id, external_id in external:
        about |= Q(account_id=account_id, reference=external_id)
    for subject in subjects:
        if not subject_is_forgotten(subject):
            about |= Q(account_id=subject.account_id, reference=subject.ref)
    pks = set(
        WebhookEvent.objects.filter(about, state=WebhookEvent.State.PROCESSED).values_list(
            "pk", flat=True
        )
    )
    return WebhookEvent.objects.filter(pk__in=pks).update(facts={}, reference="")


def _redact_case_text(row_ids: list[int]) -> int:
    """Redact what people wrote on the cases (notes, written reasons); keep every entry."""
    texts = Activity._base_manager.filter(verification_id__in=row_ids).exclude(text="")
    redacted = texts.exclude(text=REDACTED).update(text=REDACTED)
    Review.objects.filter(verification_id__in=row_ids).exclude(reason="").update(reason=REDACTED)
    return redacted


@contextlib.contextmanager
def timeline_edits() -> Iterator[None]:
    """Lift the case timeline's append-only guard inside this transaction only.

    PostgreSQL: the trigger of reviews migration 0002 lets a transaction that set
    `idvdash.erasing` through (SET LOCAL ends with the transaction). SQLite: the trigger
    of reviews migration 0004 lets an update through while `reviews_activity_erasing`
    holds a row; the row is inserted and removed inside this transaction, so no other
    connection ever sees it.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL idvdash.erasing = 'on'")
            try:
                yield
            finally:
                cursor.execute("SET LOCAL idvdash.erasing = 'off'")
            return
        cursor.execute("INSERT INTO reviews_activity_erasing (erasing) VALUES (1)")
        try:
            yield
        finally:
            cursor.execute("DELETE FROM reviews_activity_erasing")
