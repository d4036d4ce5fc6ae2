"""The iDenfy simulator against seeds 000/001 and idenfy-equals.md Part 1."""

import pytest

from idvdash.sandbox.vocab import IDENFY_DOC_FAIL, IDENFY_FACE_FAIL

from .conftest import IDENFY_AUTH, shape_matches
from .seed_examples import (
    IDENFY_FULL_STATUS_KEYS,
    IDENFY_LIST,
    IDENFY_LIST_STATUSES,
    IDENFY_STATUS_KEYS,
)


def list_url(sandbox) -> str:
    return sandbox.base_urls["idenfy"] + "/kyc/identifications/"


def test_list_page_has_the_seed_shape(sandbox, http):
    response = http.get(list_url(sandbox), auth=IDENFY_AUTH, timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert shape_matches(body, IDENFY_LIST) == []
    assert body["previous"] is None
    assert len(body["results"]) == 20  # default perPage
    assert {row["status"] for row in body["results"]} <= IDENFY_LIST_STATUSES


def test_walking_next_links_returns_every_scan_ref_once(sandbox, http):
    url, seen, pages = list_url(sandbox) + "?perPage=30", [], 0
    while url:
        body = http.get(url, auth=IDENFY_AUTH, timeout=5).json()
        assert body["next"] is None or body["next"].startswith(sandbox.url)
        seen += [row["scanRef"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert body["count"] == sandbox.dataset.size == len(seen) == len(set(seen))
    assert pages == 7


def test_next_and_previous_keep_the_query_and_drop_page_one(sandbox, http):
    body = http.get(
        list_url(sandbox), params={"perPage": 5, "page": 2}, auth=IDENFY_AUTH, timeout=5
    ).json()
    assert body["next"] == f"{list_url(sandbox)}?perPage=5&page=3"
    assert body["previous"] == f"{list_url(sandbox)}?perPage=5"


def test_per_page_is_capped_at_100(sandbox, http):
    body = http.get(list_url(sandbox), params={"perPage": 500}, auth=IDENFY_AUTH, timeout=5).json()
    assert len(body["results"]) == 100


@pytest.mark.parametrize("page", ["11", "0", "abc"])
def test_a_page_past_the_end_or_invalid_is_404(sandbox, http, page):
    response = http.get(
        list_url(sandbox), params={"perPage": 20, "page": page}, auth=IDENFY_AUTH, timeout=5
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_client_id_filter_lists_that_clients_verifications(sandbox, http):
    first = http.get(list_url(sandbox), auth=IDENFY_AUTH, timeout=5).json()["results"][0]
    status = http.post(
        sandbox.base_urls["idenfy"] + "/api/v2/status",
        json={"scanRef": first["scanRef"]},
        auth=IDENFY_AUTH,
        timeout=5,
    ).json()
    body = http.get(
        list_url(sandbox), params={"clientId": status["clientId"]}, auth=IDENFY_AUTH, timeout=5
    ).json()
    refs = [row["scanRef"] for row in body["results"]]
    assert first["scanRef"] in refs
    assert body["count"] == len(refs) >= 2  # people verify more than once
    for ref in refs:
        other = http.post(
            sandbox.base_urls["idenfy"] + "/api/v2/status",
            json={"scanRef": ref},
            auth=IDENFY_AUTH,
            timeout=5,
        ).json()
        assert other["clientId"] == status["clientId"]


def test_unknown_client_id_gives_an_empty_page(sandbox, http):
    body = http.get(
        list_url(sandbox), params={"clientId": "nobody"}, auth=IDENFY_AUTH, timeout=5
    ).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_status_and_full_status_have_the_documented_fields(sandbox, http):
    refs = [
        r["scanRef"]
        for r in http.get(
            list_url(sandbox), params={"perPage": 100}, auth=IDENFY_AUTH, timeout=5
        ).json()["results"]
    ]
    for ref in refs[:25]:
        status = http.post(
            sandbox.base_urls["idenfy"] + "/api/v2/status",
            json={"scanRef": ref},
            auth=IDENFY_AUTH,
            timeout=5,
        ).json()
        assert set(status) >= IDENFY_STATUS_KEYS
        assert set(status) - IDENFY_STATUS_KEYS == {
            "autoDocument",
            "autoFace",
            "manualDocument",
            "manualFace",
            "fraudTags",
            "mismatchTags",
        }
        full = http.post(
            sandbox.base_urls["idenfy"] + "/api/v2/full-status",
            json={"scanRef": ref},
            auth=IDENFY_AUTH,
            timeout=5,
        ).json()
        assert set(full) == IDENFY_FULL_STATUS_KEYS
        assert full["id"] == ref
        assert full["face_match_result"] in {None, "FACE_MATCH", *IDENFY_FACE_FAIL}
        assert full["document_validity"] in {None, "DOC_VALIDATED", *IDENFY_DOC_FAIL}
        if status["status"] == "SUSPECTED":
            assert status["fraudTags"] or status["mismatchTags"]


def test_data_and_files_answer_per_scan_ref(sandbox, http):
    rows = http.get(
        list_url(sandbox), params={"perPage": 100, "page": 2}, auth=IDENFY_AUTH, timeout=5
    ).json()["results"]
    approved = next(r for r in rows if r["status"] == "APPROVED")
    data = http.post(
        sandbox.base_urls["idenfy"] + "/api/v2/data",
        json={"scanRef": approved["scanRef"]},
        auth=IDENFY_AUTH,
        timeout=5,
    ).json()
    assert data["scanRef"] == approved["scanRef"]
    assert data["docFirstName"]
    assert data["docType"] in {
        "ID_CARD",
        "PASSPORT",
        "RESIDENCE_PERMIT",
        "DRIVER_LICENSE",
    }
    assert data["fullName"] == f"{data['docFirstName']} {data['docLastName']}"
    files = http.post(
        sandbox.base_urls["idenfy"] + "/api/v2/files",
        json={"scanRef": approved["scanRef"]},
        auth=IDENFY_AUTH,
        timeout=5,
    ).json()
    assert set(files) == {"FRONT", "BACK", "FACE", "FRONT_VIDEO", "BACK_VIDEO", "FACE_VIDEO"}
    assert files["FRONT"].startswith("https://")
    assert "Expires=" in files["FRONT"]


@pytest.mark.parametrize(
    ("auth", "detail"),
    [
        (None, "Authentication credentials were not provided."),
        (("sandbox-idenfy-key", "wrong"), "Invalid authorization credentials"),
    ],
)
def test_auth_failures_are_401_without_identifier(sandbox, http, auth, detail):
    for response in (
        http.get(list_url(sandbox), auth=auth, timeout=5),
        http.post(
            sandbox.base_urls["idenfy"] + "/api/v2/status",
            json={"scanRef": "x"},
            auth=auth,
            timeout=5,
        ),
    ):
        assert response.status_code == 401
        assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("body", "status", "identifier"),
    [
        (b"{not json", 400, "JSON_ERROR"),
        (b"{}", 400, "MISSING_VALUE"),
        (b'{"scanRef": "3f9c2a6e-9d41-11ef-8d0b-0242ac120002"}', 404, "BAD_VALUE"),
    ],
)
def test_record_endpoint_errors_carry_an_identifier(sandbox, http, body, status, identifier):
    response = http.post(
        sandbox.base_urls["idenfy"] + "/api/v2/status",
        data=body,
        headers={"Content-Type": "application/json"},
        auth=IDENFY_AUTH,
        timeout=5,
    )
    assert response.status_code == status
    assert response.json()["identifier"] == identifier
    assert set(response.json()) == {"identifier", "message"}


def test_record_endpoints_are_post_only(sandbox, http):
    response = http.get(sandbox.base_urls["idenfy"] + "/api/v2/data", auth=IDENFY_AUTH, timeout=5)
    assert response.status_code == 405
    assert response.json()["identifier"] == "METHOD_NOT_ALLOWED"
