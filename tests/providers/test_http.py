import socket
import time

import pytest
from urllib3 import HTTPResponse

from idvdash.providers.errors import (
    ProviderAuthError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)
from idvdash.providers.http import ProviderRetry, build_session, user_agent

LIST = "/kyc/identifications/"


def first_scan_ref(client):
    return next(client.iter_pages()).records[0].external_id


def test_every_request_carries_our_user_agent(make_client):
    client, log = make_client("idenfy")

    client.check_connection()

    assert log.agents == [user_agent("idenfy")]
    assert log.agents[0].startswith("idvdash/")
    assert log.agents[0].endswith(" (idenfy)")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_until_success(sandbox, make_client, status):
    client, log = make_client("idenfy")
    sandbox.faults.add(
        provider="idenfy", endpoint="list", fault="server_error", status=status, times=2
    )

    assert client.check_connection().startswith("OK: ")
    assert log.count(LIST) == 1  # retries happen below the client


def test_server_errors_that_persist_are_unavailable_after_bounded_retries(sandbox, make_client):
    client, _ = make_client("idenfy", account={"name": "acme-idenfy"})
    fault = sandbox.faults.add(provider="idenfy", endpoint="list", fault="server_error", times=None)

    with pytest.raises(ProviderUnavailable) as caught:
        client.check_connection()

    assert str(caught.value) == (
        "iDenfy account 'acme-idenfy' failed on its side (HTTP 500: Internal server error.)."
    )
    assert caught.value.status == 500
    assert '"INTERNAL_ERROR"' in caught.value.body
    assert fault.fired == 3  # the first try and two retries


def test_posts_are_retried_only_when_the_session_allows_it(sandbox, make_client):
    reads, _ = make_client("idenfy")
    strict, _ = make_client("idenfy", session_options={"allowed_post": False})
    scan_ref = first_scan_ref(reads)

    sandbox.faults.add(provider="idenfy", endpoint="status", fault="server_error", times=1)
    assert reads.get_status(scan_ref)["scanRef"] == scan_ref
    sandbox.faults.add(provider="idenfy", endpoint="status", fault="server_error", times=1)
    with pytest.raises(ProviderUnavailable):
        strict.get_status(scan_ref)


@pytest.mark.parametrize(
    ("retry_after", "fmt", "at_least"), [(1, "seconds", 0.9), (2, "http-date", 1.0)]
)
def test_retry_after_is_honoured(sandbox, make_client, retry_after, fmt, at_least):
    client, _ = make_client("equals")
    sandbox.faults.add(
        provider="equals",
        endpoint="list",
        fault="rate_limit",
        retry_after=retry_after,
        retry_after_format=fmt,
    )

    started = time.monotonic()
    assert client.check_connection().startswith("OK: ")
    elapsed = time.monotonic() - started

    assert at_least <= elapsed < retry_after + 1.5


def test_retry_after_is_capped(sandbox, make_client):
    client, _ = make_client("equals", session_options={"max_retry_after": 0.2})
    sandbox.faults.add(provider="equals", endpoint="list", fault="rate_limit", retry_after=30)

    started = time.monotonic()
    client.check_connection()

    assert time.monotonic() - started < 2


def test_stora_rate_limit_is_waited_out(sandbox, make_client):
    client, _ = make_client("stora")
    sandbox.faults.add(provider="stora", endpoint="list", fault="rate_limit", times=1)

    started = time.monotonic()
    assert client.check_connection().startswith("OK: ")
    assert time.monotonic() - started >= 0.9


def test_ratelimit_reset_is_read_as_unix_time_or_delay():
    retry = ProviderRetry(total=1, retry_after_max=60)
    soon = HTTPResponse(headers={"RateLimit-Reset": str(int(time.time()) + 5)})
    delay = HTTPResponse(headers={"RateLimit-Reset": "3"})
    far = HTTPResponse(headers={"RateLimit-Reset": "3600"})
    past = HTTPResponse(headers={"RateLimit-Reset": "1000000001"})
    junk = HTTPResponse(headers={"RateLimit-Reset": "soon", "X": "1"})
    not_a_number = HTTPResponse(headers={"RateLimit-Reset": "NaN"})
    bad_retry_after = HTTPResponse(headers={"Retry-After": "whenever"})

    assert 3.5 <= retry.get_retry_after(soon) <= 5
    assert retry.get_retry_after(delay) == 3
    assert retry.get_retry_after(far) == 60
    assert retry.get_retry_after(past) == 0
    assert retry.get_retry_after(junk) is None
    assert retry.get_retry_after(not_a_number) is None
    assert retry.get_retry_after(bad_retry_after) is None


def test_rate_limits_that_persist_are_rate_limited_errors(sandbox, make_client):
    client, _ = make_client("idenfy", account={"name": "acme-idenfy"})
    sandbox.faults.add(
        provider="idenfy", endpoint="list", fault="rate_limit", retry_after=0, times=None
    )

    with pytest.raises(ProviderRateLimited, match="acme-idenfy' is rate limiting us") as caught:
        client.check_connection()

    assert caught.value.status == 429


@pytest.mark.parametrize("endpoint", ["list", "status"])
def test_a_slow_answer_is_retried(sandbox, make_client, endpoint):
    client, _ = make_client("idenfy", session_options={"timeout": (2.0, 0.3)})
    scan_ref = first_scan_ref(client)
    sandbox.faults.add(provider="idenfy", endpoint=endpoint, fault="slow", delay=1.0)

    if endpoint == "list":
        assert client.check_connection().startswith("OK: ")
    else:
        assert client.get_status(scan_ref)["scanRef"] == scan_ref


def test_a_read_timeout_that_persists_is_unavailable(sandbox, make_client):
    client, _ = make_client("equals", session_options={"timeout": (2.0, 0.2), "retries": 1})
    sandbox.faults.add(provider="equals", endpoint="list", fault="slow", delay=1.0, times=None)

    started = time.monotonic()
    with pytest.raises(ProviderUnavailable, match="did not answer in time") as caught:
        client.check_connection()

    assert time.monotonic() - started < 1.5
    assert caught.value.status is None


def test_a_connection_reset_mid_body_is_read_again(sandbox, make_client):
    client, _ = make_client("stora")
    sandbox.faults.add(provider="stora", endpoint="list", fault="reset", times=2)

    assert client.check_connection().startswith("OK: ")


def test_a_connection_reset_that_persists_is_unavailable(sandbox, make_client):
    client, _ = make_client("equals")
    sandbox.faults.add(provider="equals", endpoint="list", fault="reset", times=None)

    with pytest.raises(ProviderUnavailable, match="broke off its answer"):
        client.check_connection()


@pytest.mark.parametrize("fault", ["malformed_json", "truncated_json"])
def test_a_body_that_is_not_json_is_a_response_error(sandbox, make_client, fault):
    client, _ = make_client("stora")
    sandbox.faults.add(provider="stora", endpoint="list", fault=fault)

    with pytest.raises(ProviderResponseError, match="sent a body that is not JSON") as caught:
        client.check_connection()

    assert caught.value.status == 200
    assert caught.value.body


def test_a_closed_port_is_unavailable(make_client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client, _ = make_client("equals", account={"base_url": f"http://127.0.0.1:{port}/equals/v2"})

    with pytest.raises(ProviderUnavailable, match=rf"could not be reached \(127.0.0.1:{port}\)"):
        client.check_connection()


def test_a_session_builds_with_defaults_and_closes():
    session = build_session(provider="swan", allowed_post=True)
    try:
        adapter = session.get_adapter("https://api.swan.io/")
        assert adapter.default_timeout == (5.0, 30.0)
        assert "POST" in adapter.max_retries.allowed_methods
        assert adapter.max_retries.retry_after_max == 60
        assert session.headers["User-Agent"] == user_agent("swan")
    finally:
        session.close()


def test_auth_errors_are_not_retried(sandbox, make_client):
    client, log = make_client("equals", account={"credentials": {"api_key": "nope-nope"}})

    with pytest.raises(ProviderAuthError):
        client.check_connection()

    assert log.count("/identity-verification-sessions") == 1
