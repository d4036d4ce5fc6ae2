"""Equals Money's codes: session statuses and results, what they mean, and their outcome."""

from idvdash.providers.codes import Vocabulary, codes
from idvdash.providers.outcomes import Outcome

# The enumerations the research notes give; every code has a meaning below and
# nothing else does (tests/providers check both ways).
STATUSES = codes("to_be_completed in_progress completed expired")
RESULTS = codes("approved declined resubmission_requested")

ENUMERATIONS: dict[str, frozenset[str]] = {
    "status": STATUSES,
    "result": RESULTS,
}

# The outcome depends on status *and* result; result is present only once completed.
OUTCOMES: dict[tuple[str, str | None], Outcome] = {
    ("to_be_completed", None): Outcome.PENDING,
    ("in_progress", None): Outcome.PENDING,
    ("expired", None): Outcome.EXPIRED,
    ("completed", "approved"): Outcome.APPROVED,
    ("completed", "declined"): Outcome.DECLINED,
    # Not a final decline: the person has to act again, so it waits on them.
    ("completed", "resubmission_requested"): Outcome.PENDING,
    # Defensive: completed without a result should not happen; the provider still owes us one.
    ("completed", None): Outcome.IN_REVIEW,
}

MEANINGS: dict[str, dict[str, str]] = {
    "status": {
        "to_be_completed": "The verification link was sent; the person has not started.",
        "in_progress": "The person opened the link and started, but has not finished.",
        "completed": "The person finished; the result gives the decision.",
        "expired": "The verification link lapsed before the person finished.",
    },
    "result": {
        "approved": "The person's identity was verified.",
        "declined": "The verification failed.",
        "resubmission_requested": (
            "The person must redo the verification; this is not a final decline."
        ),
    },
}

VOCABULARY = Vocabulary(kind="equals", meanings=MEANINGS, enumerations=ENUMERATIONS)
