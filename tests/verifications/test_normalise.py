from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idvdash.providers.base import VerificationRecord
from idvdash.providers.equals import vocabulary as equals_codes
from idvdash.providers.idenfy import vocabulary as idenfy_codes
from idvdash.providers.stora import vocabulary as stora_codes
from idvdash.providers.swan import vocabulary as swan_codes
from idvdash.verifications import normalise
from idvdash.verifications.models import Outcome, Verification
from idvdash.verifications.normalise import to_fields

CREATED = datetime(2026, 3, 2, 9, 15, 22, tzinfo=UTC)
FIELDS = {
    "external_id",
    "subject_ref",
    "outcome",
    "raw_status",
    "suspected",
    "reason_codes",
    "levels",
    "process",
    "provider_created_at",
    "provider_updated_at",
    "raw",
}


def record(
    raw_status: str, payload: dict[str, Any] | None = None, **kwargs: Any
) -> VerificationRecord:
    values: dict[str, Any] = {
        "external_id": "ext-1",
        "subject_ref": "subject-1",
        "raw_status": raw_status,
        "created_at": CREATED,
        "updated_at": None,
        "payload": payload if payload is not None else {},
    }
    values.update(kwargs)
    return VerificationRecord(**values)


def test_fields_are_exactly_the_verification_model_fields():
    fields = to_fields("stora", record("succeeded", {"id": "idver_1"}))

    assert set(fields) == FIELDS
    model_fields = {f.name for f in Verification._meta.get_fields()}
    assert model_fields >= FIELDS


def test_updated_at_falls_back_to_created_at_and_raw_is_the_payload():
    payload = {"id": "idver_1", "status": "succeeded"}
    later = CREATED + timedelta(hours=1)

    without = to_fields("stora", record("succeeded", payload))
    with_update = to_fields("stora", record("succeeded", payload, updated_at=later))

    assert without["provider_updated_at"] == CREATED
    assert with_update["provider_updated_at"] == later
    assert with_update["provider_created_at"] == CREATED
    assert with_update["raw"] is payload


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        to_fields("nope", record("x"))


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


@pytest.mark.parametrize(
    ("table", "codes"),
    [
        (idenfy_codes.OUTCOMES, idenfy_codes.STATUSES),
        (swan_codes.OUTCOMES, swan_codes.STATUSES),
        (stora_codes.OUTCOMES, stora_codes.STATUSES),
    ],
)
def test_every_enumerated_status_has_exactly_one_mapping(table, codes):
    assert set(table) == set(codes)


def test_equals_table_covers_every_status_and_completed_result():
    statuses = {status for status, _ in equals_codes.OUTCOMES}
    results = {result for status, result in equals_codes.OUTCOMES if status == "completed"}

    assert statuses == equals_codes.STATUSES
    assert results == {*equals_codes.RESULTS, None}


def test_stora_failure_refinements_are_known_error_codes():
    assert set(stora_codes.FAILED_OUTCOMES) <= stora_codes.ERROR_CODES


def test_swan_risk_reasons_are_known_reasons():
    assert swan_codes.RISK_REASONS <= swan_codes.INVALID_REASONS


# Arbitrary JSON: what a provider could send at worst.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = {
    "idenfy": [
        "status",
        "suspected",
        "final",
        "fraudTags",
        "mismatchTags",
        "suspicionReasons",
        "suspection_reasons",
        "autoFace",
        "manualDocument",
        "document_validity",
    ],
    "equals": ["status", "result", "associatedPersonId"],
    "swan": ["status", "process", "levels", "userId"],
    "stora": ["status", "error_code", "contact"],
}
level_like = st.dictionaries(
    st.sampled_from(["status", "reasons", "expiredAt", "__typename"]), json_values, max_size=4
)


def payloads(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    known_keys = st.dictionaries(st.sampled_from(KEYS[kind]), json_values, max_size=6)
    levels = st.fixed_dictionaries(
        {},
        optional={
            "levels": st.dictionaries(
                st.sampled_from((*swan_codes.LEVELS, "x")), level_like | json_values
            )
        },
    )
    return st.one_of(
        st.dictionaries(st.text(max_size=12), json_values, max_size=5),
        known_keys,
        st.builds(lambda a, b: {**a, **b}, known_keys, levels),
    )


def raw_statuses(kind: str) -> st.SearchStrategy[str]:
    known = {
        "idenfy": idenfy_codes.STATUSES,
        "equals": equals_codes.STATUSES,
        "swan": swan_codes.STATUSES,
        "stora": stora_codes.STATUSES,
    }[kind]
    return st.sampled_from(sorted(known)) | st.text(max_size=80)


def check_total(kind: str, payload: dict[str, Any], raw_status: str) -> None:
    fields = to_fields(kind, record(raw_status, payload))

    assert set(fields) == FIELDS
    assert fields["outcome"] in Outcome.values
    assert isinstance(fields["suspected"], bool)
    assert isinstance(fields["reason_codes"], list)
    assert all(isinstance(code, str) and code for code in fields["reason_codes"])
    assert len(fields["reason_codes"]) == len(set(fields["reason_codes"]))
    assert isinstance(fields["process"], str)
    assert len(fields["raw_status"]) <= normalise.RAW_STATUS_LENGTH
    for name, level in fields["levels"].items():
        assert name in swan_codes.LEVELS
        assert set(level) == {"status", "reasons", "expiredAt"}
        assert isinstance(level["status"], str)
        assert level["status"]
        assert isinstance(level["reasons"], list)


FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.data())
def test_idenfy_never_raises_on_arbitrary_payloads(data):
    check_total("idenfy", data.draw(payloads("idenfy")), data.draw(raw_statuses("idenfy")))


@FUZZ
@given(data=st.data())
def test_equals_never_raises_on_arbitrary_payloads(data):
    check_total("equals", data.draw(payloads("equals")), data.draw(raw_statuses("equals")))


@FUZZ
@given(data=st.data())
def test_swan_never_raises_on_arbitrary_payloads(data):
    check_total("swan", data.draw(payloads("swan")), data.draw(raw_statuses("swan")))


@FUZZ
@given(data=st.data())
def test_stora_never_raises_on_arbitrary_payloads(data):
    check_total("stora", data.draw(payloads("stora")), data.draw(raw_statuses("stora")))
