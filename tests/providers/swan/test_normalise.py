"""Swan identifications through the shared normaliser: statuses, levels, reasons."""

import pytest

from idvdash.providers.swan import vocabulary as swan_codes
from idvdash.verifications.models import Outcome
from idvdash.verifications.normalise import to_fields
from tests.verifications.test_normalise import record


@pytest.mark.parametrize(
    ("raw", "outcome"),
    [
        ("Valid", Outcome.APPROVED),
        ("Invalid", Outcome.DECLINED),
        ("Pending", Outcome.IN_REVIEW),
        ("Started", Outcome.PENDING),
        ("NotStarted", Outcome.PENDING),
        ("Canceled", Outcome.CANCELLED),
        ("Expired", Outcome.EXPIRED),
        ("NotSupported", Outcome.UNKNOWN),
        ("Cancelled", Outcome.UNKNOWN),
    ],
)
def test_swan_outcomes_follow_the_contract(raw, outcome):
    assert to_fields("swan", record(raw, {"status": raw}))["outcome"] == outcome


def test_swan_levels_are_full_dicts_and_reasons_use_one_spelling():
    payload = {
        "id": "ident-1",
        "process": "QES",
        "status": "Invalid",
        "levels": {
            "expert": {
                "__typename": "InvalidIdentificationLevelStatusInfo",
                "status": "Invalid",
                "reasons": ["BadDocumentLightning", "SanctionsListHit"],
            },
            "qes": {
                "__typename": "InvalidIdentificationLevelStatusInfo",
                "status": "Invalid",
                "reasons": ["BadDocumentLighting", "SanctionListHit", "NewReason"],
            },
            "pvid": {
                "__typename": "NotSupportedIdentificationLevelStatusInfo",
                "status": "NotSupported",
            },
        },
        "userId": "user-1",
    }

    fields = to_fields("swan", record("Invalid", payload))

    assert fields["levels"] == {
        "expert": {
            "status": "Invalid",
            "reasons": ["BadDocumentLighting", "SanctionListHit"],
            "expiredAt": None,
        },
        "qes": {
            "status": "Invalid",
            "reasons": ["BadDocumentLighting", "SanctionListHit", "NewReason"],
            "expiredAt": None,
        },
        "pvid": {"status": "NotSupported", "reasons": [], "expiredAt": None},
    }
    assert fields["reason_codes"] == ["BadDocumentLighting", "SanctionListHit", "NewReason"]
    assert fields["process"] == "QES"
    assert fields["suspected"] is True  # a sanctions hit is a risk reason


def test_swan_reasons_come_only_from_invalid_levels_and_expiry_is_kept():
    payload = {
        "status": "Expired",
        "process": "Expert",
        "levels": {
            "expert": {
                "status": "Expired",
                "expiredAt": "2024-01-24",
                "reasons": ["FraudDetected"],
            },
            "qes": {"status": "NotSupported"},
        },
    }

    fields = to_fields("swan", record("Expired", payload))

    assert fields["reason_codes"] == []
    assert fields["suspected"] is False
    assert fields["levels"]["expert"] == {
        "status": "Expired",
        "reasons": ["FraudDetected"],
        "expiredAt": "2024-01-24",
    }
    assert "pvid" not in fields["levels"]


def test_swan_seed_payload_with_empty_levels_omits_them():
    # The documented guide's answer: unselected union members come back as {} or without status.
    payload = {
        "process": "QES",
        "status": "Invalid",
        "levels": {
            "expert": {
                "__typename": "InvalidIdentificationLevelStatusInfo",
                "reasons": ["BadDocumentLightning"],
                "status": "Invalid",
            },
            "qes": {"__typename": "InvalidIdentificationLevelStatusInfo"},
            "pvid": {},
        },
    }

    fields = to_fields("swan", record("Invalid", payload))

    assert set(fields["levels"]) == {"expert"}
    assert fields["reason_codes"] == ["BadDocumentLighting"]


def test_swan_risk_reasons_are_known_reasons():
    assert swan_codes.RISK_REASONS <= swan_codes.INVALID_REASONS
