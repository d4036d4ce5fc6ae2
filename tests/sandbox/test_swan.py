"""The Swan simulator against seed 003 and swan-stora.md Part 1."""

import pytest

from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS

from .seed_examples import SWAN_QUERY

LEVEL = """
fragment Level on IdentificationLevelStatusInfo {
  __typename
  ... on NotSupportedIdentificationLevelStatusInfo { status }
  ... on NotStartedIdentificationLevelStatusInfo { status }
  ... on StartedIdentificationLevelStatusInfo { status }
  ... on PendingIdentificationLevelStatusInfo { status }
  ... on ValidIdentificationLevelStatusInfo { status }
  ... on InvalidIdentificationLevelStatusInfo { status reasons }
  ... on CanceledIdentificationLevelStatusInfo { status }
  ... on ExpiredIdentificationLevelStatusInfo { status expiredAt }
}
"""
SYNC = (
    """
query Sync($first: Int!, $after: String) {
  users(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id firstName lastName birthDate nationalityCCA3 status joinedAt updatedAt
      identificationLevels { expert QES PVID }
      identifications(first: 100, orderBy: {field: updatedAt, direction: Desc}) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id process status createdAt updatedAt identityDocumentType
          levels { expert { ...Level } qes { ...Level } pvid { ...Level } } } }
      }
    } }
  }
}
"""
    + LEVEL
)


def gql(http, sandbox, headers, query, **variables):
    response = http.post(
        sandbox.base_urls["swan"],
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=10,
    )
    return response


def all_users(http, sandbox, headers, first=40):
    users, after = [], None
    while True:
        body = gql(http, sandbox, headers, SYNC, first=first, after=after).json()
        assert "errors" not in body
        page = body["data"]["users"]
        users += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return users, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


def test_sync_query_walks_every_user_and_identification(sandbox, http, swan_headers):
    users, total = all_users(http, sandbox, swan_headers)
    assert len(users) == total == len({u["id"] for u in users})
    idents = [e["node"] for u in users for e in u["identifications"]["edges"]]
    assert len(idents) == len({i["id"] for i in idents}) == sandbox.dataset.size
    statuses = {i["status"] for i in idents}
    assert statuses == {"Started", "Pending", "Valid", "Invalid", "Canceled", "Expired"}
    for ident in idents:
        levels = ident["levels"]
        assert all(
            info["status"] == info["__typename"].removesuffix("IdentificationLevelStatusInfo")
            for info in levels.values()
        )
        if ident["status"] == "Expired":
            assert any("expiredAt" in info for info in levels.values())
    assert all(i["updatedAt"].endswith("Z") and len(i["updatedAt"]) == 24 for i in idents)


def test_seed_query_returns_empty_objects_for_unselected_union_members(sandbox, http, swan_headers):
    users, _ = all_users(http, sandbox, swan_headers)
    user = next(
        u
        for u in users
        if any(e["node"]["process"] == "Expert" for e in u["identifications"]["edges"])
    )
    body = gql(http, sandbox, swan_headers, SWAN_QUERY.replace("$YOUR_USER_ID", user["id"])).json()
    assert "errors" not in body
    edges = body["data"]["user"]["identifications"]["edges"]
    assert body["data"]["user"]["identifications"]["totalCount"] == len(edges)
    for edge in edges:
        node = edge["node"]
        assert set(node) == {"process", "status", "updatedAt", "levels"}
        for level in ("qes", "pvid"):
            info = node["levels"][level]
            if info == {}:
                continue
            if info["__typename"] == "InvalidIdentificationLevelStatusInfo":
                assert info == {"__typename": "InvalidIdentificationLevelStatusInfo"}
            else:
                assert info == {
                    "__typename": "ValidIdentificationLevelStatusInfo",
                    "status": "Valid",
                }
        if node["process"] == "Expert":
            assert node["levels"]["pvid"] == {}
            assert node["levels"]["qes"] == {}


def test_identification_filters_and_paging(sandbox, http, swan_headers):
    users, _ = all_users(http, sandbox, swan_headers)
    user = max(users, key=lambda u: u["identifications"]["totalCount"])
    query = """query($id: String, $after: String) { user(id: $id) {
      identifications(first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } } }"""
    seen, after = [], None
    while True:
        page = gql(http, sandbox, swan_headers, query, id=user["id"], after=after).json()
        conn = page["data"]["user"]["identifications"]
        seen += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(e["node"]["id"] for e in user["identifications"]["edges"])
    process = user["identifications"]["edges"][0]["node"]["process"]
    filtered = gql(
        http,
        sandbox,
        swan_headers,
        f"""{{ user(id: "{user["id"]}") {{
      identifications(filters: {{processes: {process}}}) {{ edges {{ node {{ process }} }} }}
    }} }}""",
    ).json()
    nodes = filtered["data"]["user"]["identifications"]["edges"]
    assert nodes
    assert {n["node"]["process"] for n in nodes} == {process}


@pytest.mark.parametrize(
    "query",
    [
        "{ users(first: 1) { edges { node { identificationStatus } } } }",
        "{ users(first: 1) { edges { node { status(x: 1) } } } }",
        "{ users(first: 1 { totalCount } }",
        "{ users(filters: {status: [Sleeping]}) { totalCount } }",
    ],
)
def test_invalid_queries_get_an_errors_array_and_no_data(sandbox, http, swan_headers, query):
    response = gql(http, sandbox, swan_headers, query)
    assert response.status_code == 200
    body = response.json()
    assert body["errors"]
    assert "message" in body["errors"][0]
    assert "data" not in body


def test_first_above_100_and_unknown_user_are_field_errors(sandbox, http, swan_headers):
    body = gql(http, sandbox, swan_headers, "{ users(first: 101) { totalCount } }").json()
    assert body["errors"][0]["path"] == ["users"]
    body = gql(http, sandbox, swan_headers, '{ user(id: "nope") { id } }').json()
    assert body["data"] == {"user": None}
    assert body["errors"][0]["extensions"]["code"] == "Identity_NotFound"


def test_more_than_five_top_level_fields_is_400(sandbox, http, swan_headers):
    query = "{ " + " ".join(f"u{n}: users(first: 1) {{ totalCount }}" for n in range(6)) + " }"
    assert gql(http, sandbox, swan_headers, query).status_code == 400


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}])
def test_graphql_without_a_valid_token_is_401(sandbox, http, headers):
    response = gql(http, sandbox, headers, "{ users { totalCount } }")
    assert response.status_code == 401
    assert "Unauthenticated" in response.json()["errors"][0]["message"]


def test_token_expires_after_an_hour_of_simulated_time(sandbox, http, swan_headers, sandbox_faults):
    assert gql(http, sandbox, swan_headers, "{ users { totalCount } }").status_code == 200
    sandbox.clock.advance(3600)
    assert gql(http, sandbox, swan_headers, "{ users { totalCount } }").status_code == 401


def test_token_accepts_multipart_and_basic_and_rejects_bad_clients(sandbox, http):
    creds = SANDBOX_CREDENTIALS["swan"]
    multipart = http.post(
        sandbox.token_urls["swan"],
        timeout=5,
        files={
            "client_id": (None, creds["client_id"]),
            "client_secret": (None, creds["client_secret"]),
            "grant_type": (None, "client_credentials"),
        },
    )
    assert multipart.status_code == 200
    assert set(multipart.json()) == {"access_token", "token_type", "expires_in", "scope"}
    assert multipart.json()["expires_in"] == 3600
    basic = http.post(
        sandbox.token_urls["swan"],
        data={"grant_type": "client_credentials"},
        auth=(creds["client_id"], creds["client_secret"]),
        timeout=5,
    )
    assert basic.status_code == 200
    bad = http.post(
        sandbox.token_urls["swan"],
        timeout=5,
        data={**creds, "client_secret": "wrong", "grant_type": "client_credentials"},
    )
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_client"
    no_grant = http.post(sandbox.token_urls["swan"], data=creds, timeout=5)
    assert (no_grant.status_code, no_grant.json()["error"]) == (400, "invalid_request")
