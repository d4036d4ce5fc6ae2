"""Stora verifications through the shared normaliser: statuses and error codes."""

import pytest

from idvdash.providers.stora import vocabulary as stora_codes
from idvdash.verifications.models import Outcome
from idvdash.verifications.normalise import to_fields
from tests.verifications.test_normalise import record


@pytest.mark.parametrize(
    ("status", "error_code", "outcome"),
    [
        ("succeeded", None, Outcome.APPROVED),
        ("processing", None, Outcome.IN_REVIEW),
        ("failed", "document_expired", Outcome.DECLINED),
        ("failed", "selfie_face_mismatch", Outcome.DECLINED),
        ("failed", None, Outcome.DECLINED),
        ("failed", "abandoned", Outcome.EXPIRED),
        ("failed", "consent_declined", Outcome.CANCELLED),
        ("cancelled", None, Outcome.CANCELLED),
        ("canceled", None, Outcome.UNKNOWN),
    ],
)
def test_stora_outcomes_follow_the_contract(status, error_code, outcome):
    payload = {"id": "idver_1", "status": status, "error_code": error_code}

    fields = to_fields("stora", record(status, payload))

    assert fields["outcome"] == outcome
    assert fields["reason_codes"] == ([error_code] if error_code else [])
    assert fields["suspected"] is False


def test_stora_failure_refinements_are_known_error_codes():
    assert set(stora_codes.FAILED_OUTCOMES) <= stora_codes.ERROR_CODES
