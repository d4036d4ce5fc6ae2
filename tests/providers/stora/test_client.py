import pytest

from idvdash.core.values import parse_timestamp
from idvdash.providers.base import LiveRead, LiveReadUnsupported
from idvdash.providers.errors import ProviderAuthError, ProviderResponseError
from idvdash.sandbox.credentials import SANDBOX_STORA_ACCESS_TOKEN
from tests.providers.conftest import ids, walk

LIST = "/2025-09/identity_verifications"
TOKEN = "/stora/oauth2/token"
STATIC = {"credentials": {"access_token": SANDBOX_STORA_ACCESS_TOKEN}}


def snapshot(records):
    return {r.external_id: r.payload for r in records}


def test_walks_everything_oldest_change_first_with_client_credentials(sandbox, make_client):
    client, log = make_client("stora", limit=25)

    records, pages = walk(client)

    assert len(records) == sandbox.dataset.stora.visible()
    assert len(set(ids(records))) == len(records)
    times = [r.updated_at for r in records]
    assert times == sorted(times)
    assert all(r.subject_ref.startswith("con_") for r in records)
    assert all(r.external_id.startswith("idver_") for r in records)
    last = pages[-1].checkpoint
    assert parse_timestamp(last["updated_after"]) == times[-1]
    assert last["page"] == 1
    assert log.count(TOKEN) == 1


def test_incremental_run_returns_only_what_changed(sandbox, make_client):
    client, _ = make_client("stora", limit=50)
    before, pages = walk(client)
    nothing_new, _ = walk(client, checkpoint=pages[-1].checkpoint)
    sandbox.clock.advance(6 * 3600)
    after, _ = walk(client)

    changed, _ = walk(client, checkpoint=pages[-1].checkpoint)

    old = snapshot(before)
    expected = {r.external_id for r in after if old.get(r.external_id) != r.payload}
    assert nothing_new == []
    assert expected, "six simulated hours bring new and changed verifications"
    assert set(ids(changed)) == expected
    assert len(ids(changed)) == len(expected)


def test_resumes_mid_walk_from_a_checkpoint(make_client):
    client, _ = make_client("stora", limit=20)
    everything, pages = walk(client)
    done = ids(pages[0].records) + ids(pages[1].records)

    rest, _ = walk(client, checkpoint=pages[1].checkpoint)

    assert done + ids(rest) == ids(everything)


def test_a_long_lived_access_token_needs_no_token_request(make_client):
    client, log = make_client("stora", account=STATIC)

    records, _ = walk(client)

    assert records
    assert log.count(TOKEN) == 0


def test_get_verification_expands_the_contact(make_client):
    client, _ = make_client("stora", limit=5)
    record = next(client.iter_pages()).records[0]

    detail = client.get_verification(record.external_id)

    assert detail["id"] == record.external_id
    assert detail["contact"]["id"] == record.subject_ref
    assert "full_name" in detail["contact"]


def test_an_unknown_id_is_a_response_error_with_the_request_id(make_client):
    client, _ = make_client("stora")

    with pytest.raises(ProviderResponseError, match="HTTP 404") as caught:
        client.get_verification("idver_0000000000000000")

    assert caught.value.request_id


@pytest.mark.parametrize(("fault", "times"), [("duplicate_ids", 3), ("truncated_page", 3)])
def test_paging_faults_lose_and_repeat_nothing(sandbox, make_client, fault, times):
    client, _ = make_client("stora", limit=30)
    expected, _ = walk(client)
    sandbox.faults.add(provider="stora", endpoint="list", fault=fault, times=times)

    records, _ = walk(client)

    assert ids(records) == ids(expected)


def test_an_expired_client_credentials_token_is_renewed_once(sandbox, make_client):
    client, log = make_client("stora")
    client.check_connection()
    sandbox.clock.advance(7200)

    assert client.check_connection().startswith("OK: ")
    assert log.count(TOKEN) == 2


def test_a_refused_access_token_is_an_auth_error_without_the_token(make_client):
    token = "revoked-stora-token-123"
    client, log = make_client(
        "stora", account={"name": "acme-stora", "credentials": {"access_token": token}}
    )

    with pytest.raises(ProviderAuthError) as caught:
        client.check_connection()

    message = str(caught.value)
    assert message == (
        "Stora account 'acme-stora' refused our credentials "
        "(HTTP 401: The access token is invalid.)."
    )
    assert token not in caught.value.body
    assert caught.value.request_id
    assert log.count(LIST) == 1  # a long-lived token is not renewed


def test_wrong_client_credentials_are_an_auth_error(make_client):
    secret = "wrong-stora-secret-77"
    client, _ = make_client(
        "stora",
        account={
            "name": "acme-stora",
            "credentials": {"client_id": "x-client", "client_secret": secret},
        },
    )

    with pytest.raises(
        ProviderAuthError, match="acme-stora' refused our client credentials"
    ) as caught:
        next(client.iter_pages())

    assert secret not in str(caught.value)
    assert caught.value.status == 401


def test_the_full_status_is_the_one_verification_re_read_with_its_contact(make_client):
    client, _ = make_client("stora")
    record = next(r for page in client.iter_pages() for r in page.records)

    assert client.live_reads == frozenset({LiveRead.FULL_STATUS})
    answer = client.read_live(LiveRead.FULL_STATUS, record.external_id)

    assert answer["id"] == record.external_id
    assert answer["contact"]["id"] == record.subject_ref
    assert answer["contact"]["full_name"]
    for read in set(LiveRead) - client.live_reads:
        with pytest.raises(LiveReadUnsupported):
            client.read_live(read, record.external_id)
