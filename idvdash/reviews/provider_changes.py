"""A provider change reaches the cases: on the timeline, and by reopening what it undoes.

The mirror's write path sends `mirror_written` with the ids it wrote. Among them, a case
whose verification changed state (its `changed_at` moved past what the review last took
account of) gets a "provider change" entry; a closed case reopens and a proposal that
waits for approval is void, each with a system entry saying why. Rows without a review
cost nothing but the one lookup, and rows the write created not even that.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime

from django.db import connection
from django.db.models import F

from idvdash.providers.outcomes import Outcome

from . import rules
from .models import Activity, Review
from .services import case_of

REOPENED = (
    "Reopened by idvdash: the provider changed this verification from {before} to {after} "
    "after the case was closed."
)
PROPOSAL_VOID = (
    "The proposal to close was withdrawn by idvdash: the provider changed this verification "
    "from {before} to {after} while it waited for approval. Propose again if it still holds."
)


def follow(
    sender: object, *, pks: list[int], now: datetime, new: Set[int] = frozenset(), **_: object
) -> int:
    """Record provider changes on the cases among `pks`; return how many cases changed.

    A row the write created (`new`) has no case yet: a first import costs no lookup.
    """
    pks = [pk for pk in pks if pk not in new]
    if not pks:
        return 0
    reviews = Review.objects.all()
    if connection.in_atomic_block:
        # Hold the cases while they change, so a reviewer acting at this moment is
        # refused as stale (their compare-and-set fails) rather than overwritten.
        reviews = reviews.select_for_update(of=("self",))
    moved = list(
        reviews.filter(pk__in=pks, verification__changed_at__gt=F("provider_seen_at"))
        .select_related("verification")
        .only(
            "verification_id",
            "state",
            "assignee_id",
            "proposed_by_id",
            "version",
            "seen_outcome",
            "verification__outcome",
            "verification__changed_at",
        )
    )
    entries = []
    for review in moved:
        verification = review.verification
        before_label, after_label = _label(review.seen_outcome), _label(verification.outcome)
        before, after = (
            case_of(review),
            rules.apply(rules.Action.PROVIDER_CHANGE, case_of(review), None),
        )
        fields = {
            "provider_seen_at": verification.changed_at,
            "seen_outcome": verification.outcome,
        }
        entries.append(
            Activity(
                verification_id=review.pk,
                kind=Activity.Kind.PROVIDER_CHANGE,
                at=now,
                details={"before": review.seen_outcome, "after": verification.outcome},
            )
        )
        if after != before:
            fields |= {
                "state": after.state,
                "assignee_id": after.assignee,
                "proposed_by_id": after.proposed_by,
                "decision": "",
                "category_id": None,
                "reason": "",
                "proposed_at": None,
                "version": F("version") + 1,
                "updated_at": now,
            }
            if before.closed:
                fields |= {"closed_at": None, "approved_by_id": None}
            template = REOPENED if before.closed else PROPOSAL_VOID
            entries.append(
                Activity(
                    verification_id=review.pk,
                    kind=Activity.Kind.REOPENED if before.closed else Activity.Kind.WITHDRAWN,
                    at=now,
                    text=template.format(before=before_label, after=after_label),
                    details={"from": before.state, "to": after.state},
                )
            )
        Review.objects.filter(pk=review.pk).update(**fields)
    Activity.objects.bulk_create(entries)
    return len(moved)


def _label(outcome: str) -> str:
    try:
        return Outcome(outcome).label
    except ValueError:
        return "an unknown outcome"
