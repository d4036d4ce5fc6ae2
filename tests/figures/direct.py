"""Figures counted the slow way, in Python, straight from the mirror: what the
triggers' figures must always equal."""

from collections import Counter
from datetime import UTC

from idvdash.figures.models import UNKNOWN_DAY, DailyFigure, ReasonFigure, VerificationReason
from idvdash.verifications.models import Verification


def _day(created):
    return created.astimezone(UTC).date() if created is not None else UNKNOWN_DAY


def direct_counts() -> tuple[Counter, Counter, set]:
    daily, reasons, codes = Counter(), Counter(), set()
    rows = Verification.objects.values_list(
        "id", "account_id", "outcome", "provider_created_at", "reason_codes"
    )
    for pk, account, outcome, created, reason_codes in rows:
        day = _day(created)
        daily[(day, account, outcome)] += 1
        carried = (
            {c for c in reason_codes if isinstance(c, str)}
            if isinstance(reason_codes, list)
            else set()
        )
        for code in carried:
            reasons[(day, account, code)] += 1
            codes.add((pk, code))
    return daily, reasons, codes


def kept_counts() -> tuple[Counter, Counter, set]:
    daily = Counter(
        {
            (f.day, f.account_id, f.outcome): f.records
            for f in DailyFigure.objects.exclude(records=0)
        }
    )
    reasons = Counter(
        {(f.day, f.account_id, f.code): f.records for f in ReasonFigure.objects.exclude(records=0)}
    )
    codes = set(VerificationReason.objects.values_list("verification_id", "code"))
    return daily, reasons, codes


def assert_figures_equal_the_mirror() -> None:
    assert not DailyFigure.objects.filter(records__lt=0).exists()
    assert not ReasonFigure.objects.filter(records__lt=0).exists()
    direct, kept = direct_counts(), kept_counts()
    assert kept[0] == direct[0], "daily figures differ from the mirror"
    assert kept[1] == direct[1], "reason figures differ from the mirror"
    assert kept[2] == direct[2], "the reason filter's codes differ from the mirror"
