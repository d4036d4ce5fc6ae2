"""Equals sessions through the shared normaliser: status and result, and the table behind them."""

import pytest

from idvdash.providers.equals import vocabulary as equals_codes
from idvdash.verifications.models import Outcome
from idvdash.verifications.normalise import to_fields
from tests.verifications.test_normalise import record


@pytest.mark.parametrize(
    ("status", "result", "outcome", "reasons"),
    [
        ("to_be_completed", None, Outcome.PENDING, []),
        ("in_progress", None, Outcome.PENDING, []),
        ("expired", None, Outcome.EXPIRED, []),
        ("completed", "approved", Outcome.APPROVED, ["approved"]),
        ("completed", "declined", Outcome.DECLINED, ["declined"]),
        ("completed", "resubmission_requested", Outcome.PENDING, ["resubmission_requested"]),
        ("completed", None, Outcome.IN_REVIEW, []),
        ("completed", "mystery", Outcome.IN_REVIEW, ["mystery"]),
        ("in_progress", "approved", Outcome.PENDING, ["approved"]),
        ("archived", None, Outcome.UNKNOWN, []),
    ],
)
def test_equals_outcome_depends_on_status_and_result(status, result, outcome, reasons):
    payload = {"id": "s", "applicationId": "a", "status": status}
    if result is not None:
        payload["result"] = result

    fields = to_fields("equals", record(status, payload))

    assert (fields["outcome"], fields["reason_codes"], fields["suspected"]) == (
        outcome,
        reasons,
        False,
    )


def test_equals_table_covers_every_status_and_completed_result():
    statuses = {status for status, _ in equals_codes.OUTCOMES}
    results = {result for status, result in equals_codes.OUTCOMES if status == "completed"}

    assert statuses == equals_codes.STATUSES
    assert results == {*equals_codes.RESULTS, None}
