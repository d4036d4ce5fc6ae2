"""Acting on cases: every change to a review goes through here, with its timeline entry
and its audit event, in one transaction.

A form carries the version of the review it was drawn from; the change is written only
if the stored review still has that version (a compare-and-set in the UPDATE itself), so
two people acting on one case at once never lose an update: the second is told what
happened meanwhile (Conflict) and sees the current state. This holds on SQLite and on
PostgreSQL alike, without relying on row locks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from idvdash.providers.outcomes import Outcome
from idvdash.verifications import audit
from idvdash.verifications.models import Verification

from . import rules
from .models import Activity, DecisionCategory, Review, Tag
from .rules import Action, Actor, Case, Forbidden, Refused

__all__ = [
    "Action",
    "Conflict",
    "Forbidden",
    "Refused",
    "act",
    "actor_for",
    "add_note",
    "bulk_assign",
    "bulk_tag",
    "case_of",
    "needs_four_eyes",
    "next_case",
    "remove_tag",
    "tag",
]

WORK_PERMISSION = "reviews.work_review"
SENIOR_PERMISSION = "reviews.approve_review"
NOTE_MAX = 5000
REASON_MAX = 2000
CONFLICT = (
    "Someone changed this case while you were looking at it{what}. "
    "Nothing you sent was applied; here is its current state."
)
REASON_NEEDED = "Write a reason: it goes on the case's timeline."
NOTE_EMPTY = "A note needs some text."
TOO_LONG = "That text is longer than {limit:,} characters."
BAD_DECISION = "Choose “Cleared” or “Actioned”."
BAD_CATEGORY = "Choose one of the decision categories."
# Actions whose written reason is required, and the timeline entry each leaves.
NEEDS_REASON = {Action.ESCALATE, Action.PROPOSE, Action.REJECT}
FOUR_EYES_OUTCOMES = frozenset({Outcome.SUSPECTED, Outcome.DECLINED})


class Conflict(Refused):
    """The review changed since the form was drawn; `review` is its current state."""

    def __init__(self, message: str, review: Review | None) -> None:
        super().__init__(message)
        self.review = review


@dataclass(frozen=True, slots=True)
class Proposal:
    """What closing a case records beside its written reason: the decision and its category."""

    decision: str
    category: DecisionCategory


def actor_for(user: AbstractBaseUser) -> Actor:
    return Actor(
        id=user.pk,
        reviewer=user.is_active and user.has_perm(WORK_PERMISSION),
        senior=user.is_active and user.has_perm(SENIOR_PERMISSION),
    )


def needs_four_eyes(verification: Verification) -> bool:
    """Closing needs a second person when the provider marked the record suspected or declined."""
    return verification.outcome in FOUR_EYES_OUTCOMES or verification.suspected


def case_of(review: Review | None) -> Case:
    if review is None:
        return Case()
    return Case(state=review.state, assignee=review.assignee_id, proposed_by=review.proposed_by_id)


def act(
    *,
    user: AbstractBaseUser,
    verification_id: int,
    action: Action,
    version: int,
    target: AbstractBaseUser | None = None,
    reason: str = "",
    decision: str = "",
    category_id: int | None = None,
) -> Review:
    """Do `action` to the case of one verification, as `user`; return the review after it.

    Raises Refused (the rules say no, or an input is missing) or Conflict (the review is
    no longer at `version`). Nothing is written unless everything is.
    """
    actor = actor_for(user)
    reason = _reason(action, reason)
    with transaction.atomic():
        verification = _verification(verification_id)
        review = Review.objects.select_related("category").filter(pk=verification_id).first()
        current = review.version if review is not None else 0
        if version != current:
            raise Conflict(CONFLICT.format(what=""), review)
        before = case_of(review)
        after = rules.apply(
            action,
            before,
            actor,
            four_eyes=needs_four_eyes(verification),
            target=actor_for(target) if target is not None else None,
        )
        proposal = _proposal(decision, category_id) if action is Action.PROPOSE else None
        now = timezone.now()
        fields = _fields(
            action, before, after, proposal=proposal, reason=reason, actor=actor, now=now
        )
        review = _write(verification, review, version=version, fields=fields, now=now)
        Activity.objects.create(
            verification_id=verification_id,
            actor=user,
            **_entry(action, before, after, review=review, proposal=proposal, reason=reason),
            at=now,
        )
        audit.record(user=user, action=audit.Action.REVIEW, verification=verification)
    return review


def add_note(*, user: AbstractBaseUser, verification_id: int, text: str) -> Activity:
    """Append a note to the case (a correction is a new note; notes are never edited)."""
    if not actor_for(user).reviewer:
        raise Forbidden("Only reviewers add notes.")
    text = text.strip()
    if not text:
        raise Refused(NOTE_EMPTY)
    if len(text) > NOTE_MAX:
        raise Refused(TOO_LONG.format(limit=NOTE_MAX))
    with transaction.atomic():
        verification = _verification(verification_id)
        _ensure_reviews([verification])
        Review.objects.filter(pk=verification_id, has_notes=False).update(has_notes=True)
        entry = Activity.objects.create(
            verification=verification,
            actor=user,
            kind=Activity.Kind.NOTE,
            text=text,
            at=timezone.now(),
        )
        audit.record(user=user, action=audit.Action.REVIEW, verification=verification)
    return entry


def tag(*, user: AbstractBaseUser, verification_id: int, tag: Tag) -> bool:
    """Put a team tag on the case; return False if it had it already."""
    return bulk_tag(user=user, verification_ids=[verification_id], tag=tag).done == 1


def remove_tag(*, user: AbstractBaseUser, verification_id: int, tag: Tag) -> bool:
    """Take a tag off the case; return False if it did not have it."""
    if not actor_for(user).reviewer:
        raise Forbidden("Only reviewers tag cases.")
    with transaction.atomic():
        verification = _verification(verification_id)
        removed, _ = Review.tags.through.objects.filter(
            review_id=verification_id, tag_id=tag.pk
        ).delete()
        if removed:
            Activity.objects.create(
                verification=verification,
                actor=user,
                kind=Activity.Kind.UNTAGGED,
                details={"tag": tag.name},
                at=timezone.now(),
            )
            audit.record(user=user, action=audit.Action.REVIEW, verification=verification)
    return bool(removed)


@dataclass
class BulkResult:
    """What a bulk action did: how many cases it changed, and why it left the others."""

    done: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def bulk_tag(*, user: AbstractBaseUser, verification_ids: Iterable[int], tag: Tag) -> BulkResult:
    """Tag many cases in a few statements; one timeline entry per case that gained the tag."""
    if not actor_for(user).reviewer:
        raise Forbidden("Only reviewers tag cases.")
    ids = sorted(set(verification_ids))
    result = BulkResult()
    through = Review.tags.through
    with transaction.atomic():
        verifications = list(Verification.objects.filter(pk__in=ids).only("id", "changed_at"))
        _ensure_reviews(verifications)
        had = set(
            through.objects.filter(review_id__in=ids, tag_id=tag.pk).values_list(
                "review_id", flat=True
            )
        )
        fresh = [verification.pk for verification in verifications if verification.pk not in had]
        through.objects.bulk_create(
            [through(review_id=pk, tag_id=tag.pk) for pk in fresh], ignore_conflicts=True
        )
        now = timezone.now()
        Activity.objects.bulk_create(
            Activity(
                verification_id=pk,
                actor=user,
                kind=Activity.Kind.TAGGED,
                details={"tag": tag.name},
                at=now,
            )
            for pk in fresh
        )
        if fresh:
            audit.record(
                user=user,
                action=audit.Action.REVIEW,
                verification=verifications[0] if len(verifications) == 1 else None,
                rows=None if len(verifications) == 1 else len(fresh),
            )
    result.done = len(fresh)
    if had:
        result.skipped["already had the tag"] = len(had)
    return result


def bulk_assign(
    *,
    user: AbstractBaseUser,
    verification_ids: Iterable[int],
    target: AbstractBaseUser,
) -> BulkResult:
    """Assign many cases to `target` (yourself, or anyone if you are a senior reviewer).

    Each case goes through the same rules and compare-and-set as a single assignment;
    a case the rules refuse (closed, someone else's, waiting for approval) is left
    alone and counted with the reason.
    """
    action = Action.ASSIGN_TO_ME if target.pk == user.pk else Action.ASSIGN
    result = BulkResult()
    versions = dict(
        Review.objects.filter(pk__in=list(verification_ids)).values_list("pk", "version")
    )
    for pk in sorted(set(verification_ids)):
        try:
            act(
                user=user,
                verification_id=pk,
                action=action,
                version=versions.get(pk, 0),
                target=None if action is Action.ASSIGN_TO_ME else target,
            )
        except Conflict:
            result.skip("changed meanwhile")
        except Refused as refusal:
            result.skip(str(refusal))
        else:
            result.done += 1
    return result


NEXT_CASE_TRIES = 20


def next_case(*, user: AbstractBaseUser, candidates) -> Review | None:
    """Take the oldest unassigned case of `candidates` and assign it to `user`, in one step.

    `candidates` is a Verification queryset already narrowed to the unassigned queue and
    the list's filters. Two reviewers pressing "Next case" at the same moment get two
    different cases: each claim is an INSERT (no review yet: the primary key lets one
    through) or an UPDATE ... WHERE state = 'open' (one of the two finds it taken), and
    the loser moves on to the next candidate.
    """
    actor = actor_for(user)
    if not actor.reviewer:
        raise Forbidden("Only reviewers take cases.")
    tried: set[int] = set()
    for _ in range(3):
        rows = list(
            candidates.exclude(pk__in=tried)
            .order_by("changed_at", "id")
            .values_list("id", "changed_at", "outcome")[:NEXT_CASE_TRIES]
        )
        if not rows:
            return None
        for pk, changed_at, outcome in rows:
            tried.add(pk)
            review = _claim(user, pk, changed_at=changed_at, outcome=outcome)
            if review is not None:
                return review
    return None


def _claim(user: AbstractBaseUser, pk: int, *, changed_at, outcome: str) -> Review | None:
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    verification_id=pk,
                    state=Review.State.IN_PROGRESS,
                    assignee=user,
                    version=1,
                    provider_seen_at=changed_at,
                    seen_outcome=outcome,
                )
        except IntegrityError:
            taken = Review.objects.filter(pk=pk, state=Review.State.OPEN).update(
                state=Review.State.IN_PROGRESS,
                assignee=user,
                version=F("version") + 1,
                updated_at=now,
            )
            if not taken:
                return None
            review = Review.objects.get(pk=pk)
        Activity.objects.create(
            verification_id=pk,
            actor=user,
            other=user,
            kind=Activity.Kind.ASSIGNED,
            details={"from": Review.State.OPEN, "to": Review.State.IN_PROGRESS, "via": "next"},
            at=now,
        )
        audit.record(user=user, action=audit.Action.REVIEW, verification=Verification(pk=pk))
    return review


def _verification(pk: int) -> Verification:
    try:
        return Verification.objects.only("id", "outcome", "suspected", "changed_at").get(pk=pk)
    except Verification.DoesNotExist:
        raise Refused("No such verification.") from None


def _ensure_reviews(verifications: list[Verification]) -> None:
    """Give each verification a review row (an open, unassigned case) if it has none."""
    Review.objects.bulk_create(
        [
            Review(
                verification_id=verification.pk,
                provider_seen_at=verification.changed_at,
                seen_outcome=getattr(verification, "outcome", ""),
            )
            for verification in verifications
        ],
        ignore_conflicts=True,
    )


def _reason(action: Action, reason: str) -> str:
    reason = (reason or "").strip()
    if action in NEEDS_REASON and not reason:
        raise Refused(REASON_NEEDED)
    if len(reason) > REASON_MAX:
        raise Refused(TOO_LONG.format(limit=REASON_MAX))
    return reason


def _proposal(decision: str, category_id: int | None) -> Proposal:
    if decision not in Review.Decision.values:
        raise Refused(BAD_DECISION)
    category = DecisionCategory.objects.filter(pk=category_id, active=True).first()
    if category is None:
        raise Refused(BAD_CATEGORY)
    return Proposal(decision=decision, category=category)


def _fields(
    action: Action,
    before: Case,
    after: Case,
    *,
    proposal: Proposal | None,
    reason: str,
    actor: Actor,
    now,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "state": after.state,
        "assignee_id": after.assignee,
        "proposed_by_id": after.proposed_by,
    }
    if action is Action.PROPOSE:
        assert proposal is not None
        fields |= {
            "decision": proposal.decision,
            "category_id": proposal.category.pk,
            "reason": reason,
            "proposed_at": now,
            "approved_by_id": None,
        }
    if after.state == Review.State.CLOSED:
        fields["closed_at"] = now
        if action is Action.APPROVE:
            fields["approved_by_id"] = actor.id
    elif before.state == Review.State.AWAITING_APPROVAL:
        # Rejected or withdrawn: the proposal is gone; the timeline keeps what it said.
        fields |= {"decision": "", "category_id": None, "reason": "", "proposed_at": None}
    return fields


def _write(
    verification: Verification,
    review: Review | None,
    *,
    version: int,
    fields: dict[str, Any],
    now,
) -> Review:
    if review is None:
        try:
            with transaction.atomic():
                return Review.objects.create(
                    verification_id=verification.pk,
                    version=1,
                    provider_seen_at=verification.changed_at,
                    seen_outcome=verification.outcome,
                    **fields,
                )
        except IntegrityError:
            raise Conflict(
                CONFLICT.format(what=""), Review.objects.filter(pk=verification.pk).first()
            ) from None
    written = Review.objects.filter(pk=review.pk, version=version).update(
        **fields, version=version + 1, updated_at=now
    )
    if not written:
        raise Conflict(CONFLICT.format(what=""), Review.objects.filter(pk=review.pk).first())
    for name, value in fields.items():
        setattr(review, name, value)
    review.version = version + 1
    return review


def _entry(
    action: Action,
    before: Case,
    after: Case,
    *,
    review: Review,
    proposal: Proposal | None,
    reason: str,
) -> dict[str, Any]:
    """The timeline entry an action leaves: its kind, whom it concerned, its text and details."""
    details: dict[str, Any] = {"from": before.state, "to": after.state}
    other = None
    kind = {
        Action.ASSIGN_TO_ME: Activity.Kind.ASSIGNED,
        Action.ASSIGN: Activity.Kind.ASSIGNED,
        Action.UNASSIGN: Activity.Kind.UNASSIGNED,
        Action.ESCALATE: Activity.Kind.ESCALATED,
        Action.PROPOSE: Activity.Kind.PROPOSED,
        Action.APPROVE: Activity.Kind.APPROVED,
        Action.REJECT: Activity.Kind.REJECTED,
        Action.WITHDRAW: Activity.Kind.WITHDRAWN,
    }[action]
    if action in (Action.ASSIGN_TO_ME, Action.ASSIGN):
        other = after.assignee
    elif action is Action.UNASSIGN:
        other = before.assignee
    elif action in (Action.APPROVE, Action.REJECT):
        other = before.proposed_by
    if action is Action.PROPOSE:
        assert proposal is not None
        if after.state == Review.State.CLOSED:
            kind = Activity.Kind.CLOSED
        details |= {"decision": proposal.decision, "category": proposal.category.name}
    if action is Action.APPROVE:
        details |= {"decision": review.decision, "category": getattr(review.category, "name", "")}
    return {"kind": kind, "other_id": other, "text": reason, "details": details}
