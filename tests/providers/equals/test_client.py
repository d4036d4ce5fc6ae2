from collections import defaultdict

import pytest

from idvdash.providers.base import LiveRead, LiveReadUnsupported
from idvdash.providers.equals.client import external_id
from idvdash.providers.errors import ProviderAuthError, ProviderResponseError
from tests.providers.conftest import ids, walk


def test_walks_every_row_once_with_limit_and_offset(sandbox, make_client):
    client, log = make_client("equals", limit=40)

    records, pages = walk(client)

    assert len(records) == sandbox.dataset.equals.visible()
    assert len(set(ids(records))) == len(records)
    assert [page.checkpoint for page in pages[:-1]] == [
        {"offset": 40 * n} for n in range(1, len(pages))
    ]
    assert pages[-1].checkpoint == {}
    assert log.count("/identity-verification-sessions") == len(pages)


def test_a_repeated_session_id_gives_one_record_per_application(make_client):
    client, _ = make_client("equals", limit=1000)
    records, _ = walk(client)

    by_session = defaultdict(set)
    for record in records:
        by_session[record.payload["id"]].add(record.payload["applicationId"])
    repeated = {sid: apps for sid, apps in by_session.items() if len(apps) > 1}

    assert repeated, "the sandbox data set has people on several applications"
    for session_id, applications in repeated.items():
        assert {external_id(session_id, app) for app in applications} <= set(ids(records))


def test_subject_is_the_associated_person_else_the_application(make_client):
    client, _ = make_client("equals", limit=1000)
    records, _ = walk(client)

    personal = [r for r in records if not r.payload.get("associatedPersonId")]
    business = [r for r in records if r.payload.get("associatedPersonId")]

    assert personal
    assert business
    assert all(r.subject_ref == r.payload["applicationId"] for r in personal)
    assert all(r.subject_ref == r.payload["associatedPersonId"] for r in business)
    assert all(r.updated_at is not None and r.updated_at >= r.created_at for r in records)


def test_resumes_mid_walk_from_a_checkpoint(make_client):
    client, _ = make_client("equals", limit=50)
    everything, pages = walk(client)

    rest, _ = walk(client, checkpoint=pages[0].checkpoint)

    assert ids(rest) == ids(everything)[50:]


@pytest.mark.parametrize("fault", ["duplicate_ids", "truncated_page"])
def test_paging_faults_lose_and_repeat_nothing(sandbox, make_client, fault):
    client, _ = make_client("equals", limit=30)
    expected, _ = walk(client)
    sandbox.faults.add(provider="equals", endpoint="list", fault=fault, times=3)

    records, _ = walk(client)

    assert sorted(ids(records)) == sorted(ids(expected))


def test_pages_report_the_count_they_were_served_with(sandbox, make_client):
    client, _ = make_client("equals", limit=50)
    everything, _ = walk(client)
    sandbox.faults.add(provider="equals", endpoint="list", fault="shrink", skip=1, vanish=5)

    records, pages = walk(client)

    assert [page.total for page in pages] == [200, 195, 195, 195]
    # The five newest vanished after the first page: five rows slid onto it unread.
    assert ids(records) == ids(everything)[:50] + ids(everything)[55:]


def test_offers_no_live_read_of_one_session(make_client):
    # Equals has no single-session endpoint: a page says when the row was last listed.
    client, log = make_client("equals", limit=10)
    record = next(client.iter_pages()).records[0]
    calls = sum(log.calls.values())

    assert client.live_reads == frozenset()
    for read in LiveRead:
        with pytest.raises(LiveReadUnsupported):
            client.read_live(read, record.external_id)
    assert sum(log.calls.values()) == calls


def test_check_connection_counts_rows(sandbox, make_client):
    client, _ = make_client("equals")

    assert (
        client.check_connection()
        == f"OK: {sandbox.dataset.equals.visible():,} verifications visible"
    )


def test_an_invalid_key_is_an_auth_error_without_the_key(make_client):
    key = "00000000-0000-4000-8000-000000000000"
    client, _ = make_client(
        "equals", account={"name": "acme-equals", "credentials": {"api_key": key}}
    )

    with pytest.raises(ProviderAuthError) as caught:
        client.check_connection()

    assert str(caught.value).startswith(
        "Equals Money account 'acme-equals' refused our credentials"
    )
    assert "HTTP 403" in str(caught.value)
    assert key not in str(caught.value)


def test_an_out_of_range_limit_is_a_response_error(make_client):
    client, _ = make_client("equals")
    client.limit = 5000  # bypass the clamp to see the provider's validation

    with pytest.raises(ProviderResponseError, match="HTTP 400: limit must be between 1 and 1000"):
        next(client.iter_pages())
