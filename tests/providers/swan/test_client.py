import pytest

from idvdash.providers.base import LiveRead, LiveReadUnsupported
from idvdash.providers.errors import (
    ProviderAuthError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)
from idvdash.verifications.normalise import to_fields
from tests.providers.conftest import ids, walk

GRAPHQL = "/swan/graphql"
TOKEN = "/swan/oauth2/token"


def test_walks_every_user_and_identification_once(sandbox, make_client):
    client, log = make_client("swan", users_per_page=20, identifications_per_user=2)

    records, pages = walk(client)

    assert len(records) == sandbox.dataset.swan.visible()
    assert len(set(ids(records))) == len(records)
    assert pages[-1].checkpoint == {}
    assert all(set(page.checkpoint) == {"after"} for page in pages[:-1])
    assert all(r.subject_ref and r.payload["userId"] == r.subject_ref for r in records)
    assert log.count(TOKEN) == 1  # the token is cached across every query


def test_every_level_comes_back_as_a_full_dict(make_client):
    client, _ = make_client("swan", users_per_page=100, identifications_per_user=100)
    records, _ = walk(client)

    statuses = set()
    for record in records:
        raw_levels = record.payload["levels"]
        assert set(raw_levels) == {"expert", "qes", "pvid"}
        assert all(level.get("status") for level in raw_levels.values()), record.payload
        levels = to_fields("swan", record)["levels"]
        assert set(levels) == {"expert", "qes", "pvid"}
        for level in levels.values():
            assert set(level) == {"status", "reasons", "expiredAt"}
            statuses.add(level["status"])
            if level["status"] == "Expired":
                assert level["expiredAt"]
    assert {"Valid", "Invalid", "NotSupported"} <= statuses


def test_invalid_identifications_carry_their_level_reasons(make_client):
    client, _ = make_client("swan", users_per_page=100, identifications_per_user=100)
    records, _ = walk(client)

    invalid = [to_fields("swan", r) for r in records if r.raw_status == "Invalid"]

    assert invalid
    assert all(fields["outcome"] == "declined" for fields in invalid)
    assert any(fields["reason_codes"] for fields in invalid)


def test_resumes_mid_walk_from_a_checkpoint(make_client):
    client, _ = make_client("swan", users_per_page=15)
    everything, pages = walk(client)
    done = sum(len(page.records) for page in pages[:2])

    rest, _ = walk(client, checkpoint=pages[1].checkpoint)

    assert ids(rest) == ids(everything)[done:]


@pytest.mark.parametrize(("fault", "times"), [("duplicate_ids", 3), ("truncated_page", 1)])
def test_paging_faults_lose_and_repeat_nothing(sandbox, make_client, fault, times):
    client, _ = make_client("swan", users_per_page=20, identifications_per_user=3)
    expected, _ = walk(client)
    sandbox.faults.add(provider="swan", endpoint="graphql", fault=fault, times=times)

    records, _ = walk(client)

    assert sorted(ids(records)) == sorted(ids(expected))


def test_users_vanishing_mid_walk_move_no_one_past_the_cursor(sandbox, make_client):
    client, _ = make_client("swan", users_per_page=10)
    expected, _ = walk(client)
    # Users 10-24 (pages 2 and 3) vanish once page 1 has been read.
    gone = {sandbox.dataset.swan.user_id(local) for local in range(10, 25)}
    sandbox.faults.add(
        provider="swan", endpoint="graphql", fault="shrink", skip=1, vanish=15, at=10
    )

    records, pages = walk(client)

    assert gone & {r.subject_ref for r in expected}
    assert ids(records) == [r.external_id for r in expected if r.subject_ref not in gone]
    assert all(page.total is None for page in pages)


def test_an_expired_token_is_renewed_once(sandbox, make_client):
    client, log = make_client("swan")
    assert client.check_connection().startswith("OK: ")
    sandbox.clock.advance(3600)  # the cached token is now expired at Swan

    assert client.check_connection().startswith("OK: ")
    assert log.count(TOKEN) == 2
    assert log.count(GRAPHQL) == 3


def test_a_token_refused_twice_is_an_auth_error(sandbox, make_client):
    client, log = make_client("swan", account={"name": "acme-swan"})
    sandbox.faults.add(provider="swan", endpoint="graphql", fault="expired_token", times=None)

    with pytest.raises(ProviderAuthError, match="acme-swan") as caught:
        client.check_connection()

    assert caught.value.status == 401
    assert log.count(TOKEN) == 2
    assert log.count(GRAPHQL) == 2


def test_a_token_issued_expired_is_replaced(sandbox, make_client):
    client, log = make_client("swan")
    sandbox.faults.add(provider="swan", endpoint="token", fault="expired_token", times=1)

    assert client.check_connection().startswith("OK: ")
    assert log.count(TOKEN) == 2


def test_graphql_errors_with_http_200_are_a_failure(sandbox, make_client):
    client, _ = make_client("swan")
    sandbox.faults.add(
        provider="swan", endpoint="graphql", fault="graphql_errors", message="Boom", code="X"
    )

    with pytest.raises(ProviderResponseError, match="GraphQL error: Boom") as caught:
        next(client.iter_pages())

    assert caught.value.status == 200


def test_a_wrong_client_secret_is_an_auth_error_without_the_secret(make_client):
    secret = "not-the-swan-secret-99"
    client, _ = make_client(
        "swan",
        account={
            "name": "acme-swan",
            "credentials": {"client_id": "SANDBOX_idvdash", "client_secret": secret},
        },
    )

    with pytest.raises(ProviderAuthError) as caught:
        client.check_connection()

    assert "Swan account 'acme-swan' refused our client credentials" in str(caught.value)
    assert secret not in str(caught.value)
    assert secret not in caught.value.body


@pytest.mark.parametrize(
    ("fault", "params", "error"),
    [
        ("rate_limit", {"retry_after": 0}, ProviderRateLimited),
        ("server_error", {"status": 502}, ProviderUnavailable),
    ],
)
def test_token_endpoint_failures_that_persist_keep_their_class(
    sandbox, make_client, fault, params, error
):
    client, _ = make_client("swan")
    sandbox.faults.add(provider="swan", endpoint="token", fault=fault, times=None, **params)

    with pytest.raises(error):
        client.check_connection()


def test_offers_only_the_full_status_re_read_through_the_user(make_client):
    # Swan reaches an identification only through its user: no document data, no files.
    client, log = make_client("swan")

    assert client.live_reads == frozenset({LiveRead.FULL_STATUS})
    for read in set(LiveRead) - client.live_reads:
        with pytest.raises(LiveReadUnsupported):
            client.read_live(read, "any", subject_ref="any-user")
    assert not log.calls


def test_the_full_status_re_reads_every_identification_of_the_user(make_client):
    client, _ = make_client("swan")
    record = next(r for page in client.iter_pages() for r in page.records)

    answer = client.read_live(
        LiveRead.FULL_STATUS, record.external_id, subject_ref=record.subject_ref
    )

    assert answer["userId"] == record.subject_ref
    ids = [client.record(answer["userId"], node).external_id for node in answer["identifications"]]
    assert record.external_id in ids
