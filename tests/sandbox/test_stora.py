"""The Stora simulator against seed 004 and swan-stora.md Part 2."""

import pytest

from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS
from idvdash.sandbox.vocab import STORA_SCOPES

from .conftest import STORA_HEADERS, shape_matches, stora_walk
from .seed_examples import STORA_LIST


def url(sandbox, suffix: str = "") -> str:
    return sandbox.base_urls["stora"] + "/2025-09/identity_verifications" + suffix


def token(http, sandbox, **overrides) -> object:
    payload = {
        "grant_type": "client_credentials",
        **SANDBOX_CREDENTIALS["stora"],
        "scope": " ".join(STORA_SCOPES),
        **overrides,
    }
    return http.post(sandbox.token_urls["stora"], json=payload, timeout=5)


def test_list_has_the_seed_shape(sandbox, http):
    body = http.get(url(sandbox), headers=STORA_HEADERS, timeout=5).json()
    assert shape_matches(body, STORA_LIST) == []
    pagination = body["meta"]["pagination"]
    assert pagination == {
        "count": 200,
        "last": 4,
        "limit": 50,
        "next": 2,
        "page": 1,
        "pages": 4,
        "prev": None,
    }
    assert next(list(r) for r in body["identity_verifications"]) == list(
        STORA_LIST["identity_verifications"][0]
    )


def test_walk_to_next_null_returns_each_id_once_in_default_order(sandbox, http):
    rows = stora_walk(http, sandbox)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == sandbox.dataset.size
    created = [r["created_at"] for r in rows]
    assert created == sorted(created, reverse=True)
    assert all(r["id"].startswith("idver_") and len(r["id"]) == 22 for r in rows)
    assert {r["status"] for r in rows} == {"processing", "succeeded", "failed", "cancelled"}
    assert all((r["error_code"] is None) == (r["status"] != "failed") for r in rows)


def test_sort_by_updated_at_ascending(sandbox, http):
    rows = stora_walk(http, sandbox, sort_by="updated_at", sort_direction="ASC")
    assert len(rows) == sandbox.dataset.size
    updated = [r["updated_at"] for r in rows]
    assert updated == sorted(updated)


def test_status_and_contact_filters_accept_every_array_form(sandbox, http):
    everything = stora_walk(http, sandbox)
    wanted = {"failed", "cancelled"}
    expected = [r for r in everything if r["status"] in wanted]
    assert stora_walk(http, sandbox, status="failed,cancelled") == expected
    assert stora_walk(http, sandbox, **{"status[]": ["failed", "cancelled"]}) == expected
    assert stora_walk(http, sandbox, status=["failed", "cancelled"]) == expected
    contact = everything[0]["contact"]["id"]
    mine = [r for r in everything if r["contact"]["id"] == contact]
    assert len(mine) >= 2
    assert stora_walk(http, sandbox, contact_id=contact) == mine


def test_date_bounds_are_inclusive_after_and_exclusive_before(sandbox, http):
    everything = stora_walk(http, sandbox)
    pivot = everything[50]["created_at"]
    after = stora_walk(http, sandbox, created_after=pivot)
    before = stora_walk(http, sandbox, created_before=pivot)
    assert [r for r in everything if r["created_at"] >= pivot] == after
    assert [r for r in everything if r["created_at"] < pivot] == before
    assert everything[50] in after
    assert everything[50] not in before
    upivot = sorted(r["updated_at"] for r in everything)[120]
    updated = stora_walk(http, sandbox, updated_after=upivot, sort_by="updated_at")
    assert sorted(r["id"] for r in updated) == sorted(
        r["id"] for r in everything if r["updated_at"] >= upivot
    )
    assert len(stora_walk(http, sandbox, updated_before=upivot)) == sum(
        r["updated_at"] < upivot for r in everything
    )


def test_expand_contact_and_show_one(sandbox, http):
    row = http.get(
        url(sandbox), params={"limit": 1, "expand": "contact"}, headers=STORA_HEADERS, timeout=5
    ).json()["identity_verifications"][0]
    assert {"id", "full_name", "email", "identity_check", "tenancies_count"} <= set(row["contact"])
    shown = http.get(url(sandbox, f"/{row['id']}"), headers=STORA_HEADERS, timeout=5).json()
    assert set(shown) == {"identity_verification", "meta"}
    assert set(shown["meta"]) == {"request_id", "curies"}
    assert shown["identity_verification"]["contact"] == {"id": row["contact"]["id"]}
    missing = http.get(url(sandbox, "/idver_0000000000000000"), headers=STORA_HEADERS, timeout=5)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "resource_not_found"


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"limit": 101}, "/limit"),
        ({"limit": 0}, "/limit"),
        ({"page": 0}, "/page"),
        ({"page": 99}, "/page"),
        ({"sort_by": "status"}, "/sort_by"),
        ({"sort_direction": "up"}, "/sort_direction"),
        ({"status": "done"}, "/status"),
        ({"created_after": "yesterday"}, "/created_after"),
    ],
)
def test_invalid_params_are_422_in_storas_envelope(sandbox, http, params, pointer):
    response = http.get(url(sandbox), params=params, headers=STORA_HEADERS, timeout=5)
    assert response.status_code == 422
    error = response.json()["error"]
    assert {"code", "type", "message", "details", "request_id"} <= set(error)
    assert error["code"] == "invalid_url_param"
    assert error["details"][0]["pointer"] == pointer


def test_client_credentials_token_works_and_lasts_two_hours(sandbox, http, sandbox_faults):
    response = token(http, sandbox)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "created_at"}
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 7200)
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert http.get(url(sandbox), headers=headers, timeout=5).status_code == 200
    sandbox.clock.advance(7200)
    expired = http.get(url(sandbox), headers=headers, timeout=5)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize(
    ("overrides", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"scope": "public.everything:write"}, 400, "invalid_scope"),
    ],
)
def test_token_endpoint_errors(sandbox, http, overrides, status, error):
    response = token(http, sandbox, **overrides)
    assert response.status_code == status
    assert response.json()["error"] == error


def test_scopes_are_enforced(sandbox, http):
    narrow = token(http, sandbox, scope=STORA_SCOPES[0]).json()["access_token"]
    headers = {"Authorization": f"Bearer {narrow}"}
    assert http.get(url(sandbox), headers=headers, timeout=5).status_code == 200
    expanded = http.get(url(sandbox), params={"expand": "contact"}, headers=headers, timeout=5)
    assert expanded.status_code == 403
    assert expanded.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic Zm9vOmJhcg=="])
def test_bad_bearer_is_401_invalid_token(sandbox, http, header):
    headers = {"Authorization": header} if header else {}
    response = http.get(url(sandbox), headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
