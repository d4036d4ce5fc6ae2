"""Each fault, armed in process and through `/_control/faults`."""

import json
from email.utils import parsedate_to_datetime

import pytest
import requests

from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS, SANDBOX_STORA_ACCESS_TOKEN

from .conftest import IDENFY_AUTH, STORA_HEADERS, equals_list, idenfy_list, stora_list


def test_rate_limit_with_retry_after_seconds_then_recovers(sandbox, http, sandbox_faults):
    sandbox_faults.add(
        provider="stora", endpoint="list", fault="rate_limit", times=2, retry_after=3
    )
    for _ in range(2):
        response = stora_list(http, sandbox)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3"
        assert response.headers["RateLimit-Limit"] == "60"
        assert int(response.headers["RateLimit-Reset"]) > 0
        assert response.json()["error"]["code"] == "too_many_requests"
    assert stora_list(http, sandbox).status_code == 200


def test_rate_limit_with_an_http_date(sandbox, http, sandbox_faults):
    sandbox_faults.add(
        provider="idenfy",
        endpoint="list",
        fault="rate_limit",
        retry_after=30,
        retry_after_format="http-date",
    )
    response = idenfy_list(http, sandbox)
    assert response.status_code == 429
    assert parsedate_to_datetime(response.headers["Retry-After"]).tzinfo is not None
    assert response.json()["identifier"] == "TOO_MANY_REQUESTS"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_bursts_then_recover(sandbox, http, sandbox_faults, status):
    sandbox_faults.add(
        provider="equals", endpoint="list", fault="server_error", times=3, status=status
    )
    assert [equals_list(http, sandbox).status_code for _ in range(4)] == [status] * 3 + [200]


def test_slow_response_trips_a_client_read_timeout(sandbox, http, sandbox_faults):
    sandbox_faults.add(provider="idenfy", endpoint="list", fault="slow", delay=1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.get(
            sandbox.base_urls["idenfy"] + "/kyc/identifications/",
            auth=IDENFY_AUTH,
            timeout=(2, 0.2),
        )
    assert idenfy_list(http, sandbox).status_code == 200


def test_reset_breaks_the_connection_mid_body(sandbox, http, sandbox_faults):
    sandbox_faults.add(provider="stora", endpoint="list", fault="reset")
    with pytest.raises(
        (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)
    ):
        stora_list(http, sandbox, limit=100)
    assert stora_list(http, sandbox).status_code == 200


@pytest.mark.parametrize("fault", ["malformed_json", "truncated_json"])
def test_broken_json_bodies_with_valid_http(sandbox, http, sandbox_faults, fault):
    sandbox_faults.add(provider="equals", endpoint="list", fault=fault)
    response = equals_list(http, sandbox)
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert equals_list(http, sandbox).json()["count"] == sandbox.dataset.size


def test_truncated_page_claims_more_than_it_carries(sandbox, http, sandbox_faults):
    sandbox_faults.add(provider="idenfy", endpoint="list", fault="truncated_page")
    short = idenfy_list(http, sandbox, perPage=10).json()
    full = idenfy_list(http, sandbox, perPage=10).json()
    assert len(short["results"]) == 5
    assert len(full["results"]) == 10
    assert short["results"] == full["results"][:5]
    assert (short["count"], short["next"]) == (full["count"], full["next"])


def test_duplicate_ids_repeat_the_previous_pages_last_row(sandbox, http, sandbox_faults):
    first = stora_list(http, sandbox, limit=10, page=1).json()["identity_verifications"]
    sandbox_faults.add(provider="stora", endpoint="list", fault="duplicate_ids")
    second = stora_list(http, sandbox, limit=10, page=2).json()["identity_verifications"]
    assert len(second) == 11
    assert second[0] == first[-1]
    ids = [r["id"] for r in first + second]
    assert len(ids) - len(set(ids)) == 1


def test_expired_token_fault_on_the_token_endpoint(sandbox, http, sandbox_faults):
    sandbox_faults.add(provider="swan", endpoint="token", fault="expired_token")
    body = {**SANDBOX_CREDENTIALS["swan"], "grant_type": "client_credentials"}
    stale = http.post(sandbox.token_urls["swan"], data=body, timeout=5).json()["access_token"]
    fresh = http.post(sandbox.token_urls["swan"], data=body, timeout=5).json()["access_token"]
    query = {"query": "{ users(first: 1) { totalCount } }"}
    for token, status in ((stale, 401), (fresh, 200)):
        response = http.post(
            sandbox.base_urls["swan"],
            json=query,
            timeout=5,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == status


def test_expired_token_fault_on_an_api_endpoint(sandbox, http, sandbox_faults):
    sandbox_faults.add(provider="stora", endpoint="detail", fault="expired_token")
    row = stora_list(http, sandbox, limit=1).json()["identity_verifications"][0]
    detail = sandbox.base_urls["stora"] + f"/2025-09/identity_verifications/{row['id']}"
    response = http.get(
        detail, headers={"Authorization": f"Bearer {SANDBOX_STORA_ACCESS_TOKEN}"}, timeout=5
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert http.get(detail, headers=STORA_HEADERS, timeout=5).status_code == 200


def test_graphql_errors_with_http_200(sandbox, http, sandbox_faults, swan_headers):
    sandbox_faults.add(
        provider="swan",
        endpoint="graphql",
        fault="graphql_errors",
        message="Upstream timeout",
        code="UpstreamTimeout",
    )
    response = http.post(
        sandbox.base_urls["swan"],
        json={"query": "{ users { totalCount } }"},
        headers=swan_headers,
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": "Upstream timeout", "extensions": {"code": "UpstreamTimeout"}}],
        "data": None,
    }


def test_swan_connection_faults_hit_the_users_page(sandbox, http, sandbox_faults, swan_headers):
    query = {"query": "{ users(first: 10) { pageInfo { hasNextPage } edges { node { id } } } }"}
    sandbox_faults.add(provider="swan", endpoint="graphql", fault="truncated_page")
    short = http.post(sandbox.base_urls["swan"], json=query, headers=swan_headers, timeout=5)
    page = short.json()["data"]["users"]
    assert len(page["edges"]) == 5
    assert page["pageInfo"]["hasNextPage"] is True


def test_faults_can_be_forever_and_are_cleared(sandbox, http, sandbox_faults):
    sandbox_faults.add(provider="*", fault="server_error", times=None)
    assert [equals_list(http, sandbox).status_code for _ in range(3)] == [500] * 3
    assert idenfy_list(http, sandbox).status_code == 500
    sandbox_faults.clear()
    assert equals_list(http, sandbox).status_code == 200


@pytest.mark.parametrize(
    "spec",
    [
        {"provider": "nobody", "fault": "slow"},
        {"provider": "stora", "fault": "explode"},
        {"provider": "stora", "endpoint": "graphql", "fault": "slow"},
        {"provider": "stora", "fault": "server_error", "status": 404},
        {"provider": "idenfy", "fault": "shrink", "times": 2},
        {"provider": "idenfy", "fault": "shrink", "vanish": 0},
        {"provider": "equals", "fault": "shrink", "at": -1},
    ],
)
def test_invalid_fault_specs_are_rejected(sandbox_faults, spec):
    with pytest.raises(ValueError, match=r"."):
        sandbox_faults.add(**spec)


def test_control_endpoint_arms_lists_and_clears_faults(sandbox, http, sandbox_faults):
    control = sandbox.url + "/_control/faults"
    armed = http.post(
        control,
        json=[
            {
                "provider": "stora",
                "endpoint": "list",
                "fault": "rate_limit",
                "times": 1,
                "retry_after": 2,
                "retry_after_format": "http-date",
            },
            {"provider": "equals", "endpoint": "list", "fault": "server_error", "status": 503},
        ],
        timeout=5,
    )
    assert armed.status_code == 201
    assert len(http.get(control, timeout=5).json()["faults"]) == 2
    response = stora_list(http, sandbox)
    assert response.status_code == 429
    parsedate_to_datetime(response.headers["Retry-After"])
    assert len(http.get(control, timeout=5).json()["faults"]) == 1
    assert http.delete(control, timeout=5).json() == {"faults": []}
    assert equals_list(http, sandbox).status_code == 200
    bad = http.post(control, json={"provider": "stora", "fault": "nope"}, timeout=5)
    assert bad.status_code == 400
    assert "unknown fault" in bad.json()["error"]


def test_fault_specs_from_the_command_line(sandbox_faults):
    forever = sandbox_faults.add_spec("swan:graphql:graphql_errors")
    twice = sandbox_faults.add_spec("idenfy:list:rate_limit:2")
    assert (forever.times, twice.times) == (None, 2)
    assert sandbox_faults.take("idenfy", "list") is twice
    assert sandbox_faults.take("swan", "token") is None  # graphql_errors needs the endpoint
    with pytest.raises(ValueError, match="provider:endpoint:fault"):
        sandbox_faults.add_spec("stora:list")


def scan_refs(body):
    return [row["scanRef"] for row in body["results"]]


def session_keys(body):
    return [(row["id"], row["applicationId"]) for row in body["rows"]]


def test_shrink_moves_later_idenfy_pages_up_and_lowers_the_count(sandbox, http, sandbox_faults):
    clean = scan_refs(idenfy_list(http, sandbox, perPage=100).json())
    sandbox_faults.add(provider="idenfy", endpoint="list", fault="shrink", vanish=5, skip=1)

    first = idenfy_list(http, sandbox, perPage=20).json()
    second = idenfy_list(http, sandbox, perPage=20, page=2).json()

    assert (first["count"], scan_refs(first)) == (200, clean[:20])
    assert second["count"] == 195
    # The five newest vanished: rows 20-24 slid onto page 1, which was already read.
    assert scan_refs(second) == clean[25:45]


def test_shrink_puts_an_announced_idenfy_page_past_the_end(sandbox, http, sandbox_faults):
    third = idenfy_list(http, sandbox, perPage=50, page=3).json()
    assert third["next"].endswith("page=4")
    sandbox_faults.add(provider="idenfy", endpoint="list", fault="shrink", vanish=50)

    fourth = idenfy_list(http, sandbox, perPage=50, page=4)

    assert fourth.status_code == 404
    assert fourth.json() == {"detail": "Invalid page."}
    assert idenfy_list(http, sandbox, perPage=50, page=3).json()["next"] is None


def test_shrink_moves_equals_offsets_over_rows_not_yet_read(sandbox, http, sandbox_faults):
    clean = session_keys(equals_list(http, sandbox, limit=100).json())
    sandbox_faults.add(provider="equals", endpoint="list", fault="shrink", vanish=3, at=10)

    head = equals_list(http, sandbox, limit=20).json()
    later = equals_list(http, sandbox, limit=20, offset=20).json()

    assert head["count"] == later["count"] == 197
    assert session_keys(head) == clean[:10] + clean[13:23]
    assert session_keys(later) == clean[23:43]


def stora_ids(http, sandbox, **params):
    body = stora_list(http, sandbox, **params).json()
    return [row["id"] for row in body["identity_verifications"]], body["meta"]["pagination"]


def stora_by_update(http, sandbox):
    ids = []
    for page in (1, 2):
        ids += stora_ids(
            http, sandbox, limit=100, page=page, sort_by="updated_at", sort_direction="ASC"
        )[0]
    return ids


def test_shrink_removes_stora_rows_from_every_ordering(sandbox, http, sandbox_faults):
    newest = stora_ids(http, sandbox, limit=30)[0]
    clean = stora_by_update(http, sandbox)
    sandbox_faults.add(provider="stora", endpoint="list", fault="shrink", vanish=4, at=2)

    second, pagination = stora_ids(http, sandbox, limit=10, page=2)
    shrunk = stora_by_update(http, sandbox)
    past = stora_list(http, sandbox, limit=49, page=5)

    assert pagination["count"] == 196
    assert second == newest[14:24]
    assert shrunk == [i for i in clean if i not in newest[2:6]]
    assert past.status_code == 422
    assert past.json()["error"]["details"][0]["pointer"] == "/page"


def test_shrink_keeps_swan_cursors_valid(sandbox, http, sandbox_faults, swan_headers):
    def users(**variables):
        query = (
            "query($after: String) { users(first: 10, after: $after) { totalCount "
            "pageInfo { endCursor } edges { cursor node { id } } } }"
        )
        response = http.post(
            sandbox.base_urls["swan"],
            json={"query": query, "variables": variables},
            headers=swan_headers,
            timeout=5,
        )
        return response.json()["data"]["users"]

    def user_ids(page):
        return [edge["node"]["id"] for edge in page["edges"]]

    first = users()
    second = users(after=first["pageInfo"]["endCursor"])
    sandbox_faults.add(provider="swan", endpoint="graphql", fault="shrink", vanish=3)

    again = users(after=first["pageInfo"]["endCursor"])
    head = users()
    # A cursor taken from a user who has since vanished still says where to go on.
    after_vanished = users(after=first["edges"][1]["cursor"])

    assert again == {**second, "totalCount": second["totalCount"] - 3}
    assert user_ids(head)[:7] == user_ids(first)[3:]
    assert user_ids(after_vanished)[:7] == user_ids(first)[3:]
    lookup = http.post(
        sandbox.base_urls["swan"],
        json={"query": f'{{ user(id: "{user_ids(first)[0]}") {{ id }} }}'},
        headers=swan_headers,
        timeout=5,
    ).json()
    assert lookup["errors"][0]["extensions"]["code"] == "Identity_NotFound"


def test_shrink_stays_in_effect_until_cleared_and_hides_no_other_fault(
    sandbox, http, sandbox_faults
):
    control = sandbox.url + "/_control/faults"
    armed = http.post(
        control,
        json={"provider": "equals", "endpoint": "list", "fault": "shrink", "vanish": 5, "skip": 1},
        timeout=5,
    )
    assert armed.status_code == 201
    fault = armed.json()["faults"][0]
    assert (fault["fault"], fault["vanish"], fault["at"], fault["times"]) == ("shrink", 5, 0, None)
    assert [equals_list(http, sandbox).json()["count"] for _ in range(3)] == [200, 195, 195]
    sandbox_faults.add(provider="equals", endpoint="list", fault="server_error")
    assert equals_list(http, sandbox).status_code == 500
    assert equals_list(http, sandbox).json()["count"] == 195
    assert [f["fault"] for f in http.get(control, timeout=5).json()["faults"]] == ["shrink"]

    http.delete(control, timeout=5)

    assert equals_list(http, sandbox).json()["count"] == 200
    bad = http.post(control, json={"provider": "equals", "fault": "shrink", "times": 3}, timeout=5)
    assert bad.status_code == 400
    assert "shrink stays in effect" in bad.json()["error"]
