"""The review state machine, with no database: who may do what to a case, and what follows.

    open ──assign──▶ in progress ──propose (four-eyes)──▶ waiting for approval ──approve──▶ closed
      ▲                 │  ▲  │                               │ reject / withdraw / provider change
      │                 │  │  └──close (no four-eyes)──────────┼──────────────────────────▶ closed
      └──unassign───────┘  └───────────────────────────────────┘
    in progress ──escalate──▶ escalated (seniors only from here) ──propose / close──▶ …
    closed ──provider change──▶ open (a system entry says why)

`services.py` applies a transition to the stored review only if the review is still
the one this module judged (a compare-and-set on its version), so a rule checked here
holds when two people act at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from .models import Review

State = Review.State


class Action(StrEnum):
    ASSIGN_TO_ME = "assign_to_me"
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    ESCALATE = "escalate"
    PROPOSE = "propose"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    # Only idvdash itself: the provider changed the verification.
    PROVIDER_CHANGE = "provider_change"


class Refused(Exception):
    """The action is not allowed now; str() says why, for people."""


class Forbidden(Refused):
    """Refused because of who asks (their role, or their own proposal), not the case's state."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a reviewer works cases; a senior also approves, reassigns, handles escalations."""

    id: int
    reviewer: bool = True
    senior: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    """What the rules look at of a review: its state, assignee and proposer."""

    state: str = State.OPEN
    assignee: int | None = None
    proposed_by: int | None = None

    @property
    def closed(self) -> bool:
        return self.state == State.CLOSED


SENIOR_ONLY = "Only a senior reviewer can {what}."
NOT_NOW = "This case is {state}; it cannot be {what} now."
NOT_YOURS = "This case is assigned to someone else; a senior reviewer can reassign it."
OWN_PROPOSAL = "Nobody approves or rejects their own proposal: another senior reviewer must."
WORK_FIRST = "Assign the case to yourself before you {what} it."
NOT_A_REVIEWER = "Cases can be assigned only to reviewers."
ALREADY_YOURS = "This case is already assigned to you."
NOBODY = "This case is not assigned to anyone."


def _state_label(state: str) -> str:
    return State(state).label.lower()


def apply(
    action: Action,
    case: Case,
    actor: Actor | None,
    *,
    four_eyes: bool = False,
    target: Actor | None = None,
) -> Case:
    """Return the case after `actor` does `action`, or raise Refused saying why not.

    `four_eyes` says whether closing needs a second person (the provider marked the
    verification suspected or declined); `target` is whom ASSIGN assigns to. `actor`
    is None only for PROVIDER_CHANGE.
    """
    if action is Action.PROVIDER_CHANGE:
        return _provider_change(case)
    if actor is None or not actor.reviewer:
        raise Forbidden("Only reviewers work cases.")
    handler = _HANDLERS[action]
    return handler(case, actor, four_eyes=four_eyes, target=target)


def _assign_to_me(case: Case, actor: Actor, **_: object) -> Case:
    if case.state in (State.CLOSED, State.AWAITING_APPROVAL):
        raise Refused(NOT_NOW.format(state=_state_label(case.state), what="assigned"))
    if case.assignee == actor.id:
        raise Refused(ALREADY_YOURS)
    if case.state == State.ESCALATED and not actor.senior:
        raise Forbidden(SENIOR_ONLY.format(what="take an escalated case"))
    if case.assignee is not None and not actor.senior:
        raise Refused(NOT_YOURS)
    state = State.ESCALATED if case.state == State.ESCALATED else State.IN_PROGRESS
    return replace(case, state=state, assignee=actor.id)


def _assign(case: Case, actor: Actor, *, target: Actor | None = None, **_: object) -> Case:
    if not actor.senior:
        raise Forbidden(SENIOR_ONLY.format(what="assign a case to someone else"))
    if target is None or not target.reviewer:
        raise Refused(NOT_A_REVIEWER)
    if target.id == actor.id:
        return _assign_to_me(case, actor)
    if case.state in (State.CLOSED, State.AWAITING_APPROVAL):
        raise Refused(NOT_NOW.format(state=_state_label(case.state), what="assigned"))
    if case.assignee == target.id:
        raise Refused("This case is already assigned to that reviewer.")
    if case.state == State.ESCALATED and not target.senior:
        raise Refused("An escalated case can be assigned only to a senior reviewer.")
    state = State.ESCALATED if case.state == State.ESCALATED else State.IN_PROGRESS
    return replace(case, state=state, assignee=target.id)


def _unassign(case: Case, actor: Actor, **_: object) -> Case:
    if case.state not in (State.IN_PROGRESS, State.ESCALATED):
        raise Refused(NOT_NOW.format(state=_state_label(case.state), what="unassigned"))
    if case.assignee is None:
        raise Refused(NOBODY)
    if case.assignee != actor.id and not actor.senior:
        raise Refused(NOT_YOURS)
    state = State.ESCALATED if case.state == State.ESCALATED else State.OPEN
    return replace(case, state=state, assignee=None)


def _escalate(case: Case, actor: Actor, **_: object) -> Case:
    if case.state != State.IN_PROGRESS:
        raise Refused(NOT_NOW.format(state=_state_label(case.state), what="escalated"))
    if case.assignee != actor.id:
        raise Refused(WORK_FIRST.format(what="escalate"))
    return replace(case, state=State.ESCALATED, assignee=None)


def _propose(case: Case, actor: Actor, *, four_eyes: bool = False, **_: object) -> Case:
    if case.state not in (State.IN_PROGRESS, State.ESCALATED):
        raise Refused(NOT_NOW.format(state=_state_label(case.state), what="closed"))
    if case.assignee != actor.id:
        raise Refused(WORK_FIRST.format(what="close"))
    if case.state == State.ESCALATED and not actor.senior:
        raise Forbidden(SENIOR_ONLY.format(what="close an escalated case"))
    if four_eyes:
        return replace(case, state=State.AWAITING_APPROVAL, proposed_by=actor.id)
    return Case(state=State.CLOSED, assignee=case.assignee, proposed_by=None)


def _approve(case: Case, actor: Actor, **_: object) -> Case:
    _check_second_person(case, actor, what="approve a decision")
    return Case(state=State.CLOSED, assignee=case.assignee, proposed_by=case.proposed_by)


def _reject(case: Case, actor: Actor, **_: object) -> Case:
    _check_second_person(case, actor, what="reject a proposal")
    # Back to the person who proposed it, with the reason on the timeline.
    return Case(state=State.IN_PROGRESS, assignee=case.proposed_by, proposed_by=None)


def _withdraw(case: Case, actor: Actor, **_: object) -> Case:
    if case.state != State.AWAITING_APPROVAL:
        raise Refused(NOT_NOW.format(state=_state_label(case.state), what="withdrawn"))
    if case.proposed_by != actor.id:
        raise Refused("Only the person who proposed closing can withdraw the proposal.")
    return Case(state=State.IN_PROGRESS, assignee=actor.id, proposed_by=None)


def _check_second_person(case: Case, actor: Actor, *, what: str) -> None:
    if case.state != State.AWAITING_APPROVAL:
        raise Refused("This case has no proposal waiting for approval.")
    if not actor.senior:
        raise Forbidden(SENIOR_ONLY.format(what=what))
    if case.proposed_by == actor.id:
        raise Forbidden(OWN_PROPOSAL)


def _provider_change(case: Case) -> Case:
    """A closed case reopens (unassigned, back in the queue); a waiting proposal is void,
    because it was made about a state the provider has since changed."""
    if case.state == State.CLOSED:
        return Case(state=State.OPEN)
    if case.state == State.AWAITING_APPROVAL:
        return Case(state=State.IN_PROGRESS, assignee=case.proposed_by)
    return case


_HANDLERS = {
    Action.ASSIGN_TO_ME: _assign_to_me,
    Action.ASSIGN: _assign,
    Action.UNASSIGN: _unassign,
    Action.ESCALATE: _escalate,
    Action.PROPOSE: _propose,
    Action.APPROVE: _approve,
    Action.REJECT: _reject,
    Action.WITHDRAW: _withdraw,
}


def invariant_holds(case: Case) -> bool:
    """What every reachable case satisfies (the Hypothesis tests check it after each step)."""
    if case.state == State.OPEN:
        return case.assignee is None and case.proposed_by is None
    if case.state == State.IN_PROGRESS:
        return case.assignee is not None and case.proposed_by is None
    if case.state == State.ESCALATED:
        return case.proposed_by is None
    if case.state == State.AWAITING_APPROVAL:
        return case.proposed_by is not None and case.assignee == case.proposed_by
    return case.state == State.CLOSED
