import pytest

from idvdash.providers.base import LiveRead
from idvdash.providers.errors import ProviderAuthError, ProviderResponseError
from idvdash.verifications.normalise import to_fields
from tests.providers.conftest import ids, walk

LIST = "/kyc/identifications/"


def test_walks_every_page_once_without_duplicates(sandbox, make_client):
    client, log = make_client("idenfy", per_page=25)

    records, pages = walk(client)

    assert len(records) == sandbox.dataset.idenfy.visible()
    assert len(set(ids(records))) == len(records)
    assert len(pages) == -(-len(records) // 25)
    assert [page.checkpoint for page in pages[:-1]] == [
        {"page": n, "perPage": 25} for n in range(2, len(pages) + 1)
    ]
    assert pages[-1].checkpoint == {}
    assert log.count("/api/v2/status") == 0  # the walk alone never polls status
    first = records[0]
    assert first.subject_ref == ""
    assert first.updated_at is None
    assert first.created_at is None  # the list gives no times, and none is stood in
    assert first.times_given is False
    assert set(first.payload) >= {"scanRef", "status", "suspected"}


def test_resumes_mid_walk_from_a_checkpoint(make_client):
    client, _ = make_client("idenfy", per_page=30)
    everything, pages = walk(client)

    rest, _ = walk(client, checkpoint=pages[1].checkpoint)

    assert ids(rest) == ids(everything)[60:]


def test_checkpoint_past_the_end_starts_over_next_time(make_client):
    client, _ = make_client("idenfy", per_page=30)

    records, pages = walk(client, checkpoint={"page": 10_000, "perPage": 30})

    assert records == []
    assert [page.checkpoint for page in pages] == [{}]
    assert pages[0].past_end


def test_pages_report_the_count_and_a_page_gone_mid_walk_ends_it(sandbox, make_client):
    client, _ = make_client("idenfy", per_page=50)
    everything, clean = walk(client)
    assert [(page.total, page.past_end) for page in clean] == [(200, False)] * 4
    # After three pages, 50 rows vanish: the page 4 that page 3 announced is gone.
    sandbox.faults.add(provider="idenfy", endpoint="list", fault="shrink", skip=3, vanish=50)

    records, pages = walk(client)

    assert ids(records) == ids(everything)[:150]
    assert [(page.total, page.past_end) for page in pages] == [(200, False)] * 3 + [(None, True)]
    assert pages[-1].checkpoint == {}


def test_enrich_learns_the_client_id_with_one_status_call_each(make_client):
    client, log = make_client("idenfy", per_page=10)
    records = next(client.iter_pages()).records

    enriched = [client.enrich(record) for record in records]

    assert log.count("/api/v2/status", "POST") == len(records)
    assert all(record.subject_ref for record in enriched)
    for before, after in zip(records, enriched, strict=True):
        assert after.external_id == before.external_id
        assert after.payload["clientId"] == after.subject_ref
        assert after.payload["scanRef"] == before.external_id


def test_enriched_suspected_rows_carry_their_tags_into_normalisation(make_client):
    client, _ = make_client("idenfy", per_page=100)
    records, _ = walk(client)
    suspected = [r for r in records if r.raw_status == "SUSPECTED"][:3]
    assert suspected, "the sandbox data set has suspected rows"

    for record in suspected:
        fields = to_fields("idenfy", client.enrich(record))

        assert fields["outcome"] == "suspected"
        assert fields["suspected"] is True
        assert fields["reason_codes"], "SUSPECTED never comes without a fraud or mismatch tag"


def test_reads_one_identification_on_demand(make_client):
    client, _ = make_client("idenfy", per_page=5)
    scan_ref = next(client.iter_pages()).records[0].external_id

    status = client.get_status(scan_ref)
    detail = client.read_live(LiveRead.FULL_STATUS, scan_ref)
    data = client.read_live(LiveRead.DOCUMENT_DATA, scan_ref)
    files = client.read_live(LiveRead.FILE_LINKS, scan_ref)

    assert status["scanRef"] == scan_ref
    assert "suspection_reasons" in detail
    assert isinstance(data, dict)
    assert isinstance(files, dict)


def test_unknown_scan_ref_is_a_response_error(make_client):
    client, _ = make_client("idenfy")

    with pytest.raises(ProviderResponseError, match="HTTP 404: Identification not found") as caught:
        client.read_live(LiveRead.FULL_STATUS, "no-such-scan-ref")

    assert caught.value.status == 404


def test_check_connection_counts_what_is_visible(sandbox, make_client):
    client, _ = make_client("idenfy")

    assert (
        client.check_connection()
        == f"OK: {sandbox.dataset.idenfy.visible():,} verifications visible"
    )


def test_wrong_secret_is_an_auth_error_naming_the_account_without_secrets(make_client):
    secret = "wrong-secret-value-42"
    client, _ = make_client(
        "idenfy",
        account={
            "name": "acme-idenfy",
            "credentials": {"api_key": "k-987654", "api_secret": secret},
        },
    )

    with pytest.raises(ProviderAuthError) as caught:
        next(client.iter_pages())

    message = str(caught.value)
    assert "acme-idenfy" in message
    assert "HTTP 401" in message
    assert secret not in message
    assert "k-987654" not in message
    assert secret not in caught.value.body
    assert caught.value.status == 401


@pytest.mark.parametrize(("fault", "times"), [("duplicate_ids", 3), ("truncated_page", 1)])
def test_paging_faults_lose_and_repeat_nothing(sandbox, make_client, fault, times):
    client, log = make_client("idenfy", per_page=20)
    expected, pages = walk(client)
    sandbox.faults.add(provider="idenfy", endpoint="list", fault=fault, times=times)

    records, _ = walk(client)

    assert sorted(ids(records)) == sorted(ids(expected))
    # A truncated page is read once more; duplicates cost nothing extra.
    extra = 1 if fault == "truncated_page" else 0
    assert log.count(LIST) == 2 * len(pages) + extra


def test_a_page_that_stays_short_is_refused(sandbox, make_client):
    client, _ = make_client("idenfy", per_page=20)
    sandbox.faults.add(provider="idenfy", endpoint="list", fault="truncated_page", times=None)

    with pytest.raises(ProviderResponseError, match="short list page"):
        walk(client)
