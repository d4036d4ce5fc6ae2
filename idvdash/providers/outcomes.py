"""The shared outcome every provider status maps to (providers/CONTRACTS.md), and its meaning."""

from django.db import models


class Outcome(models.TextChoices):
    """The shared vocabulary every provider status maps to."""

    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    SUSPECTED = "suspected", "Suspected"
    IN_REVIEW = "in_review", "In review"
    PENDING = "pending", "Pending"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"
    DELETED = "deleted", "Deleted"
    UNKNOWN = "unknown", "Unknown"


# The outcomes that are a decision about the person; the last one a record had stays
# visible after the provider deletes or archives it.
DECISIVE_OUTCOMES = frozenset({Outcome.APPROVED, Outcome.DECLINED, Outcome.SUSPECTED})

OUTCOME_MEANINGS: dict[str, str] = {
    Outcome.APPROVED: "The provider verified this person's identity.",
    Outcome.DECLINED: "The provider could not verify this person's identity.",
    Outcome.SUSPECTED: (
        "The checks may have passed, but the provider flagged fraud or data mismatches "
        "and left the decision to us."
    ),
    Outcome.IN_REVIEW: "The person has done their part; the provider is still checking.",
    Outcome.PENDING: "Waiting for the person to start, finish or redo the verification.",
    Outcome.EXPIRED: "The verification was never finished in time; nothing was decided.",
    Outcome.CANCELLED: "The verification was cancelled or refused; nothing was decided.",
    Outcome.DELETED: "The provider has deleted or archived this verification's data.",
    Outcome.UNKNOWN: "The provider reported a status idvdash does not recognise; see the raw value.",
}


def describe_outcome(outcome: str) -> str:
    """Return the plain-language meaning of a shared outcome."""
    return OUTCOME_MEANINGS.get(outcome, OUTCOME_MEANINGS[Outcome.UNKNOWN])


DELETED_AT_PROVIDER = "Deleted at the provider"
NO_DECISION = "no decision was made"


def last_decision(outcome: str, decisive_outcome: str) -> str:
    """Say what a deleted or archived record had been decided ("" for any other record).

    "Deleted at the provider — last decision: Approved", or "— no decision was made".
    """
    if outcome != Outcome.DELETED:
        return ""
    try:
        decision = f"last decision: {Outcome(decisive_outcome).label}"
    except ValueError:
        decision = NO_DECISION
    return f"{DELETED_AT_PROVIDER} — {decision}"
