"""What the detail page shows of a case: its panel (state, SLA, the actions open to the
reader now) and its activity timeline in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from idvdash.providers.outcomes import Outcome
from idvdash.verifications.models import Verification

from . import rules
from .models import Activity, DecisionCategory, Review, ServiceLevel, Tag
from .queues import reviewers
from .rules import Action, Actor, Refused
from .services import actor_for, case_of, needs_four_eyes

SYSTEM = "idvdash"
# The actions a panel may offer, in the order it offers them. ASSIGN is tried with a
# senior stand-in as target: whether *someone* could be assigned by this reader.
OFFERED = (
    Action.ASSIGN_TO_ME,
    Action.ASSIGN,
    Action.UNASSIGN,
    Action.ESCALATE,
    Action.PROPOSE,
    Action.WITHDRAW,
    Action.APPROVE,
    Action.REJECT,
)
_ANYONE = Actor(id=-1, reviewer=True, senior=True)


@dataclass(frozen=True, slots=True)
class ServiceLevelMark:
    hours: int
    due: datetime
    breached: bool

    @property
    def left(self) -> timedelta:
        return self.due - timezone.now()

    @property
    def over(self) -> timedelta:
        return timezone.now() - self.due


@dataclass
class Panel:
    """Everything the case panel renders, computed once per request."""

    verification: Verification
    review: Review | None
    four_eyes: bool
    actions: frozenset[str]
    service_level: ServiceLevelMark | None
    tags: list[Tag] = field(default_factory=list)
    other_tags: list[Tag] = field(default_factory=list)
    categories: list[DecisionCategory] = field(default_factory=list)
    assignable: list[AbstractBaseUser] = field(default_factory=list)
    can_work: bool = False

    @property
    def version(self) -> int:
        return self.review.version if self.review is not None else 0

    @property
    def state(self) -> str:
        return self.review.state if self.review is not None else Review.State.OPEN

    @property
    def state_label(self) -> str:
        return Review.State(self.state).label

    @property
    def closed(self) -> bool:
        return self.state == Review.State.CLOSED

    @property
    def awaiting(self) -> bool:
        return self.state == Review.State.AWAITING_APPROVAL


def allowed_actions(review: Review | None, user: AbstractBaseUser, *, four_eyes: bool) -> frozenset:
    """Return the actions `rules.apply` would let `user` take on this case now."""
    actor, case = actor_for(user), case_of(review)
    allowed = set()
    for action in OFFERED:
        target = _ANYONE if action is Action.ASSIGN else None
        try:
            rules.apply(action, case, actor, four_eyes=four_eyes, target=target)
        except Refused:
            continue
        allowed.add(action.value)
    return frozenset(allowed)


def service_level(verification: Verification) -> ServiceLevelMark | None:
    level = ServiceLevel.objects.filter(outcome=verification.outcome).first()
    if level is None or verification.changed_at is None:
        return None
    due = verification.changed_at + timedelta(hours=level.hours)
    return ServiceLevelMark(hours=level.hours, due=due, breached=timezone.now() > due)


def review_for_panel(pk: int) -> Review | None:
    return (
        Review.objects.select_related("assignee", "proposed_by", "approved_by", "category")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )


def assignable_users(*, seniors_only: bool = False) -> QuerySet:
    """Whom a case can be assigned to (`queues.reviewers`), loading only what a choice shows."""
    return reviewers(seniors_only=seniors_only).only("id", "username")


def panel(verification: Verification, user: AbstractBaseUser) -> Panel:
    """Build the case panel of `verification` as `user` sees it (a constant number of queries)."""
    review = review_for_panel(verification.pk)
    four_eyes = needs_four_eyes(verification)
    actions = allowed_actions(review, user, four_eyes=four_eyes)
    can_work = actor_for(user).reviewer
    tags = list(review.tags.all()) if review is not None else []
    result = Panel(
        verification=verification,
        review=review,
        four_eyes=four_eyes,
        actions=actions,
        service_level=service_level(verification),
        tags=tags,
        can_work=can_work,
    )
    if can_work:
        result.other_tags = list(Tag.objects.exclude(pk__in=[tag.pk for tag in tags]))
    if Action.PROPOSE in actions:
        result.categories = list(DecisionCategory.objects.filter(active=True))
    if Action.ASSIGN in actions:
        assignee = review.assignee_id if review is not None else None
        escalated = review is not None and review.state == Review.State.ESCALATED
        result.assignable = list(assignable_users(seniors_only=escalated).exclude(pk=assignee))
    return result


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the case timeline: who, when, what in words, and any written text."""

    who: str
    at: datetime
    what: str
    text: str = ""
    kind: str = ""


def _name(user: AbstractBaseUser | None) -> str:
    return user.get_username() if user is not None else SYSTEM


def _outcome(value: str) -> str:
    try:
        return Outcome(value).label
    except ValueError:
        return "an unknown outcome"


def _decision(details: dict) -> str:
    decision = details.get("decision", "")
    label = Review.Decision(decision).label if decision in Review.Decision.values else decision
    category = details.get("category", "")
    return f"{label} — {category}" if category else label


def describe(entry: Activity) -> Entry:
    """Say what one timeline entry records, in plain words."""
    Kind = Activity.Kind
    who, other, details = _name(entry.actor), _name(entry.other), entry.details or {}
    text = entry.text
    match entry.kind:
        case Kind.ASSIGNED if entry.other_id == entry.actor_id:
            what = f"{who} took the case"
        case Kind.ASSIGNED:
            what = f"{who} assigned the case to {other}"
        case Kind.UNASSIGNED if entry.other_id == entry.actor_id:
            what = f"{who} put the case back in the queue"
        case Kind.UNASSIGNED:
            what = f"{who} unassigned {other}"
        case Kind.NOTE:
            what = f"{who} added a note"
        case Kind.TAGGED:
            what = f"{who} tagged the case “{details.get('tag', '')}”"
        case Kind.UNTAGGED:
            what = f"{who} removed the tag “{details.get('tag', '')}”"
        case Kind.ESCALATED:
            what = f"{who} escalated the case"
        case Kind.PROPOSED:
            what = f"{who} proposed closing: {_decision(details)}"
        case Kind.CLOSED:
            what = f"{who} closed the case: {_decision(details)}"
        case Kind.APPROVED:
            what = f"{who} approved {other}'s proposal: {_decision(details)}"
        case Kind.REJECTED:
            what = f"{who} rejected {other}'s proposal"
        case Kind.WITHDRAWN if entry.actor_id is None:
            what, text = text, ""
        case Kind.WITHDRAWN:
            what = f"{who} withdrew the proposal to close"
        case Kind.REOPENED:
            what, text = text or f"Reopened by {who}", ""
        case Kind.PROVIDER_CHANGE:
            before, after = _outcome(details.get("before", "")), _outcome(details.get("after", ""))
            what = f"{SYSTEM}: the provider changed this verification from {before} to {after}"
        case _:
            what = f"{who}: {entry.get_kind_display()}"
    return Entry(who=who, at=entry.at, what=what, text=text, kind=entry.kind)


def activity(verification_id: int) -> list[Entry]:
    """The case's timeline, oldest first, in one query."""
    return [describe(entry) for entry in Activity.objects.timeline(verification_id)]


def last_change(verification_id: int) -> Entry | None:
    """The newest timeline entry: what someone did while the reader was looking."""
    entry = Activity.objects.timeline(verification_id).order_by("-at", "-id").first()
    return describe(entry) if entry is not None else None
