"""iDenfy rows through the shared normaliser: statuses, the suspected flag, reasons."""

import pytest

from idvdash.verifications.models import Outcome
from idvdash.verifications.normalise import to_fields
from tests.verifications.test_normalise import record


@pytest.mark.parametrize(
    ("raw", "outcome"),
    [
        ("APPROVED", Outcome.APPROVED),
        ("DENIED", Outcome.DECLINED),
        ("SUSPECTED", Outcome.SUSPECTED),
        ("REVIEWING", Outcome.IN_REVIEW),
        ("ACTIVE", Outcome.PENDING),
        ("EXPIRED", Outcome.EXPIRED),
        ("EXPIRED-DELETED", Outcome.EXPIRED),
        ("DELETED", Outcome.DELETED),
        ("ARCHIVED", Outcome.DELETED),
        ("CANCELLED", Outcome.UNKNOWN),
        ("", Outcome.UNKNOWN),
    ],
)
def test_idenfy_outcomes_follow_the_contract(raw, outcome):
    assert to_fields("idenfy", record(raw, {"scanRef": "s", "status": raw}))["outcome"] == outcome


def test_idenfy_suspected_flag_is_kept_apart_from_the_status():
    flagged = to_fields("idenfy", record("APPROVED", {"status": "APPROVED", "suspected": True}))
    by_status = to_fields(
        "idenfy", record("SUSPECTED", {"status": "SUSPECTED", "suspected": False})
    )
    clean = to_fields("idenfy", record("APPROVED", {"status": "APPROVED", "suspected": False}))

    assert (flagged["outcome"], flagged["suspected"]) == (Outcome.APPROVED, True)
    assert by_status["suspected"] is True
    assert clean["suspected"] is False


def test_idenfy_reasons_gather_tags_and_failed_checks_from_an_enriched_row():
    payload = {
        "scanRef": "s",
        "status": "SUSPECTED",
        "suspected": True,
        "clientId": "client-1",
        "autoFace": "FACE_MATCH",
        "manualFace": "FACE_MATCH",
        "autoDocument": "DOC_EXPIRED",
        "manualDocument": "",
        "fraudTags": ["DUPLICATE_FACE"],
        "mismatchTags": ["NAME", "DUPLICATE_FACE"],
        "suspection_reasons": ["DEV_TOOLS_OPENED"],
    }

    fields = to_fields("idenfy", record("SUSPECTED", payload))

    assert fields["reason_codes"] == ["DUPLICATE_FACE", "DEV_TOOLS_OPENED", "NAME", "DOC_EXPIRED"]
    assert fields["levels"] == {}
    assert fields["process"] == ""


def test_idenfy_webhook_shape_and_preliminary_result():
    payload = {
        "final": False,
        "status": {"overall": "APPROVED", "fraudTags": ["VIRTUAL_CAMERA"], "mismatchTags": []},
    }

    fields = to_fields("idenfy", record("APPROVED", payload))

    assert fields["outcome"] == Outcome.IN_REVIEW
    assert fields["reason_codes"] == ["VIRTUAL_CAMERA"]


@pytest.mark.parametrize("event", ["IDENTIFICATION_CANCELLED", "IDENTIFICATION_CANCELED"])
def test_a_cancelling_webhook_event_cancels_whatever_the_status_says(event):
    fields = to_fields("idenfy", record("ACTIVE", {"eventType": event}))

    assert fields["outcome"] == Outcome.CANCELLED


@pytest.mark.parametrize("odd", [[], {}, 7, None, ["IDENTIFICATION_CANCELLED"]])
def test_an_event_type_that_is_not_text_is_ignored(odd):
    fields = to_fields("idenfy", record("ACTIVE", {"eventType": odd}))

    assert fields["outcome"] == Outcome.PENDING
