"""The shared normaliser, to_fields: the fields it gives and that it never raises on any payload.

Each provider's mapping is tested beside it, in tests/providers/<kind>/test_normalise.py.
"""

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


def test_times_are_only_the_ones_given_and_raw_is_the_payload():
    payload = {"id": "idver_1", "status": "succeeded"}
    later = CREATED + timedelta(hours=1)

    without = to_fields("stora", record("succeeded", payload))
    with_update = to_fields("stora", record("succeeded", payload, updated_at=later))
    timeless = to_fields("idenfy", record("APPROVED", {}, created_at=None))

    assert without["provider_updated_at"] is None
    assert without["provider_created_at"] == CREATED
    assert (timeless["provider_created_at"], timeless["provider_updated_at"]) == (None, None)
    assert with_update["provider_updated_at"] == later
    assert with_update["provider_created_at"] == CREATED
    assert with_update["raw"] is payload


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        to_fields("nope", record("x"))


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
