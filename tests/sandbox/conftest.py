"""Helpers for the sandbox tests: an HTTP session and each provider's valid auth."""

from collections.abc import Iterator

import pytest
import requests

from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS, SANDBOX_STORA_ACCESS_TOKEN
from idvdash.sandbox.server import SandboxServer

IDENFY_AUTH = (
    SANDBOX_CREDENTIALS["idenfy"]["api_key"],
    SANDBOX_CREDENTIALS["idenfy"]["api_secret"],
)
EQUALS_HEADERS = {"Authorization": f"ApiKey {SANDBOX_CREDENTIALS['equals']['api_key']}"}
STORA_HEADERS = {"Authorization": f"Bearer {SANDBOX_STORA_ACCESS_TOKEN}"}


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """Yield a requests session that is closed after the test."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def swan_headers(sandbox: SandboxServer, http: requests.Session) -> dict[str, str]:
    """Return a bearer header with a fresh Swan project token."""
    response = http.post(
        sandbox.token_urls["swan"],
        data={**SANDBOX_CREDENTIALS["swan"], "grant_type": "client_credentials"},
        timeout=5,
    )
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def stora_walk(http: requests.Session, server: SandboxServer, **params: object) -> list[dict]:
    """Return every Stora identity verification, walking the pages (100 a page)."""
    rows, page = [], 1
    while page:
        body = http.get(
            server.base_urls["stora"] + "/2025-09/identity_verifications",
            params={"limit": 100, **params, "page": page},
            headers=STORA_HEADERS,
            timeout=5,
        ).json()
        rows += body["identity_verifications"]
        page = body["meta"]["pagination"]["next"]
    return rows


def shape_matches(actual: object, expected: object, path: str = "$") -> list[str]:
    """Compare two JSON values structurally; return the differences (empty if none)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {type(actual).__name__}"]
        problems = []
        if set(actual) != set(expected):
            problems.append(f"{path}: keys {sorted(set(actual) ^ set(expected))} differ")
        for key in set(actual) & set(expected):
            problems += shape_matches(actual[key], expected[key], f"{path}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected an array, got {type(actual).__name__}"]
        if expected and actual:
            return [p for item in actual for p in shape_matches(item, expected[0], f"{path}[]")]
        return []
    if expected is None or actual is None:
        return []
    if type(actual) is not type(expected):
        return [f"{path}: expected {type(expected).__name__}, got {type(actual).__name__}"]
    return []


# Each provider's list, and how a request to it authenticates.
LISTS: dict[str, tuple[str, dict[str, object]]] = {
    "stora": ("/2025-09/identity_verifications", {"headers": STORA_HEADERS}),
    "idenfy": ("/kyc/identifications/", {"auth": IDENFY_AUTH}),
    "equals": ("/applications/identity-verification-sessions", {"headers": EQUALS_HEADERS}),
}


def list_page(http, sandbox, kind: str, **params) -> requests.Response:
    """GET one page of `kind`'s list with valid credentials."""
    path, auth = LISTS[kind]
    return http.get(sandbox.base_urls[kind] + path, params=params, timeout=5, **auth)


def stora_list(http, sandbox, **params) -> requests.Response:
    return list_page(http, sandbox, "stora", **params)


def idenfy_list(http, sandbox, **params) -> requests.Response:
    return list_page(http, sandbox, "idenfy", **params)


def equals_list(http, sandbox, **params) -> requests.Response:
    return list_page(http, sandbox, "equals", **params)
