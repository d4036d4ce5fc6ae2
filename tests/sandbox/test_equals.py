"""The Equals Money simulator against seed 002 and idenfy-equals.md Part 2."""

from collections import Counter

import pytest

from .conftest import EQUALS_HEADERS, shape_matches
from .seed_examples import EQUALS_LIST, EQUALS_REQUIRED


def url(sandbox) -> str:
    return sandbox.base_urls["equals"] + "/applications/identity-verification-sessions"


def walk(http, sandbox, limit: int = 1000, **params) -> list[dict]:
    rows, offset = [], 0
    while True:
        body = http.get(
            url(sandbox),
            params={"limit": limit, "offset": offset, **params},
            headers=EQUALS_HEADERS,
            timeout=5,
        ).json()
        rows += body["rows"]
        offset += len(body["rows"])
        if not body["rows"] or offset >= body["count"]:
            return rows


def test_a_completed_business_row_has_the_seed_shape(sandbox, http):
    body = http.get(url(sandbox), headers=EQUALS_HEADERS, timeout=5).json()
    assert (body["limit"], body["offset"], body["count"]) == (100, 0, sandbox.dataset.size)
    full = next(r for r in body["rows"] if "result" in r and "associatedPersonId" in r)
    assert shape_matches({**body, "rows": [full]}, EQUALS_LIST) == []
    for row in body["rows"]:
        assert EQUALS_REQUIRED <= set(row) <= set(EQUALS_LIST["rows"][0])


def test_walking_offsets_returns_every_row_newest_first(sandbox, http):
    rows = walk(http, sandbox, limit=37)
    assert len(rows) == sandbox.dataset.size
    keys = [(r["id"], r["applicationId"]) for r in rows]
    assert len(set(keys)) == len(keys)
    created = [r["createdAt"] for r in rows]
    assert created == sorted(created, reverse=True)


def test_one_session_id_repeats_once_per_application(sandbox, http):
    rows = walk(http, sandbox)
    repeated = [sid for sid, n in Counter(r["id"] for r in rows).items() if n > 1]
    assert repeated
    for sid in repeated:
        pair = [r for r in rows if r["id"] == sid]
        assert len({r["applicationId"] for r in pair}) == len(pair)
        assert (
            len(
                {
                    (r["associatedPersonId"], r["status"], r.get("result"), r["actionUrl"])
                    for r in pair
                }
            )
            == 1
        )


def test_result_only_when_completed_and_personal_rows_lack_a_person(sandbox, http):
    rows = walk(http, sandbox)
    assert {r["status"] for r in rows} == {"to_be_completed", "in_progress", "completed", "expired"}
    assert {r["result"] for r in rows if "result" in r} == {
        "approved",
        "declined",
        "resubmission_requested",
    }
    assert all(("result" in r) == (r["status"] == "completed") for r in rows)
    assert any("associatedPersonId" not in r for r in rows)
    assert all(r["createdAt"].endswith("Z") and len(r["createdAt"]) == 20 for r in rows)


def test_filters_by_application_and_person(sandbox, http):
    rows = walk(http, sandbox)
    business = next(r for r in rows if "associatedPersonId" in r)
    by_app = walk(http, sandbox, applicationId=business["applicationId"])
    assert business in by_app
    assert {r["applicationId"] for r in by_app} == {business["applicationId"]}
    by_person = walk(http, sandbox, associatedPersonId=business["associatedPersonId"])
    assert business in by_person
    assert {r["associatedPersonId"] for r in by_person} == {business["associatedPersonId"]}
    expected = [r for r in rows if r.get("associatedPersonId") == business["associatedPersonId"]]
    assert by_person == expected


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"limit": "x"},
        {"offset": -1},
        {"applicationId": "not-a-uuid"},
    ],
)
def test_out_of_range_parameters_are_400(sandbox, http, params):
    response = http.get(url(sandbox), params=params, headers=EQUALS_HEADERS, timeout=5)
    assert response.status_code == 400
    assert response.json()["errors"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer 3d6f0a52-8c1e-4b7a-9f25-5a1c0e7d9b43"}, 403),
        ({"Authorization": "3d6f0a52-8c1e-4b7a-9f25-5a1c0e7d9b43"}, 403),
        ({"Authorization": "ApiKey wrong"}, 403),
    ],
)
def test_missing_header_is_401_and_any_bad_key_is_403(sandbox, http, headers, status):
    response = http.get(url(sandbox), headers=headers, timeout=5)
    assert response.status_code == status
    assert "message" in response.json()
