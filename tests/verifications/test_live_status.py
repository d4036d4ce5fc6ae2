"""Live iDenfy reads from the detail page, against the provider sandbox over real HTTP."""

import html as html_lib
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from idvdash.providers import vocabulary
from idvdash.verifications import live
from idvdash.verifications.models import AccessEvent, Verification
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def idenfy_account(sandbox_accounts):
    settings = sandbox_accounts["idenfy"]
    return ProviderAccountFactory(
        kind="idenfy", base_url=settings["base_url"], credentials=settings["credentials"]
    )


@pytest.fixture
def decided_index(sandbox):
    """An identification the person finished, so the full status has results and times."""
    catalog = sandbox.dataset.idenfy
    for i in range(catalog.visible()):
        body = catalog.full_status_body(i)
        if body["start_time"] and body["face_match_result"] and body["client"]["name"]:
            return i
    raise AssertionError("the sandbox has no finished identification")


@pytest.fixture
def verification(sandbox, idenfy_account, decided_index):
    catalog = sandbox.dataset.idenfy
    return VerificationFactory(
        account=idenfy_account,
        external_id=catalog.scan_ref(decided_index),
        subject_ref=catalog.client_id(decided_index),
    )


def get(client, name, v):
    response = client.get(reverse(f"verifications:{name}", args=[v.pk]), **HX)
    return response, html_lib.unescape(response.content.decode())


def test_full_status_is_fetched_shown_and_stored(
    reviewer_client, sandbox, sandbox_faults, verification, decided_index
):
    expected = sandbox.dataset.idenfy.full_status_body(decided_index)

    response, page = get(reviewer_client, "live_status", verification)

    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="live-status"')
    assert "Fetched from iDenfy just now." in page
    face = expected["face_match_result"]
    assert f"<code>{face}</code>" in page
    assert vocabulary.explain("idenfy", face, category="face_result") in page
    assert expected["client"]["name"] in page
    assert expected["client_identity_document"]["doc_surname"] in page
    assert expected["start_time"] in page
    assert f"<dt>Attempts</dt><dd>{expected['attempt_count']}</dd>" in page
    stored = Verification.objects.get(pk=verification.pk)
    assert stored.detail == expected
    assert stored.detail_fetched_at is not None
    assert "no-store" in response.headers["Cache-Control"]


def test_a_server_error_is_said_in_plain_words_with_the_stored_snapshot_and_a_retry(
    reviewer_client, sandbox_faults, verification
):
    verification.detail = {"face_match_result": "FACE_MATCH", "attempt_count": 4}
    verification.detail_fetched_at = timezone.now() - timedelta(hours=5)
    verification.save()
    sandbox_faults.add(provider="idenfy", endpoint="full-status", fault="server_error", times=None)

    response, page = get(reviewer_client, "live_status", verification)

    assert response.status_code == 200
    assert live.UNAVAILABLE.format(provider="iDenfy") in page
    assert "Showing the last stored snapshot" in page
    assert "(5 h ago)" in page
    assert "<dt>Attempts</dt><dd>4</dd>" in page
    assert ">Retry</button>" in page
    assert f'hx-get="{reverse("verifications:live_status", args=[verification.pk])}"' in page
    assert Verification.objects.get(pk=verification.pk).detail_fetched_at == (
        verification.detail_fetched_at
    )


def test_a_failure_without_a_stored_snapshot_says_there_is_none(
    reviewer_client, sandbox_faults, verification
):
    sandbox_faults.add(provider="idenfy", endpoint="full-status", fault="malformed_json")

    _, page = get(reviewer_client, "live_status", verification)

    assert live.BAD_ANSWER.format(provider="iDenfy") in page
    assert "No earlier snapshot is stored" in page


def test_refused_credentials_are_named_as_such(reviewer_client, sandbox_faults, verification):
    account = verification.account
    account.credentials = {"api_key": "wrong", "api_secret": "also-wrong"}
    account.save()

    _, page = get(reviewer_client, "live_status", verification)

    assert live.AUTH_FAILED.format(provider="iDenfy") in page
    assert "also-wrong" not in page


def test_a_provider_that_does_not_answer_in_time_is_reported(
    reviewer_client, sandbox_faults, verification, monkeypatch
):
    monkeypatch.setattr(live, "LIVE_TIMEOUT", (1.0, 0.3))
    monkeypatch.setattr(live, "LIVE_RETRIES", 0)
    sandbox_faults.add(provider="idenfy", endpoint="full-status", fault="slow", delay=1.0)

    _, page = get(reviewer_client, "live_status", verification)

    assert live.UNAVAILABLE.format(provider="iDenfy") in page


def test_rate_limiting_is_reported(reviewer_client, sandbox_faults, verification):
    sandbox_faults.add(
        provider="idenfy", endpoint="full-status", fault="rate_limit", times=None, retry_after=0
    )

    _, page = get(reviewer_client, "live_status", verification)

    assert live.RATE_LIMITED.format(provider="iDenfy") in page


def test_retry_after_a_failure_shows_the_fresh_status(
    reviewer_client, sandbox_faults, verification
):
    sandbox_faults.add(provider="idenfy", endpoint="full-status", fault="server_error", times=2)
    _, failed = get(reviewer_client, "live_status", verification)

    _, retried = get(reviewer_client, "live_status", verification)

    assert live.UNAVAILABLE.format(provider="iDenfy") in failed
    assert "Fetched from iDenfy just now." in retried


def test_document_data_is_loaded_on_demand_and_not_stored(
    reviewer_client, sandbox, sandbox_faults, verification, decided_index
):
    expected = sandbox.dataset.idenfy.data_body(decided_index)

    response, page = get(reviewer_client, "data", verification)

    assert page.lstrip().startswith('<section id="document-data"')
    assert expected["docLastName"] in page
    assert expected["docNumber"] in page
    assert Verification.objects.get(pk=verification.pk).detail is None
    assert "no-store" in response.headers["Cache-Control"]


def test_file_links_are_shown_and_never_stored(
    reviewer_client, sandbox, sandbox_faults, verification
):
    response, page = get(reviewer_client, "files", verification)

    assert page.lstrip().startswith('<section id="files"')
    assert 'href="https://s3.eu-west-1.amazonaws.com/' in page
    assert 'rel="noopener noreferrer"' in page
    stored = Verification.objects.get(pk=verification.pk)
    assert "amazonaws" not in str(stored.detail) + str(stored.raw)
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("endpoint", ["data", "files"])
def test_on_demand_failures_are_said_in_plain_words(
    reviewer_client, sandbox_faults, verification, endpoint
):
    sandbox_faults.add(provider="idenfy", endpoint=endpoint, fault="server_error", times=None)

    _, page = get(reviewer_client, endpoint, verification)

    assert live.UNAVAILABLE.format(provider="iDenfy") in page
    assert ">Retry</button>" in page


@pytest.mark.parametrize(
    ("name", "action"),
    [("live_status", "full_status"), ("data", "data"), ("files", "files")],
)
def test_each_live_read_is_audited_once_even_when_the_provider_fails(
    reviewer_client, reviewer, sandbox_faults, verification, name, action
):
    endpoint = {"live_status": "full-status"}.get(name, name)
    sandbox_faults.add(provider="idenfy", endpoint=endpoint, fault="server_error", times=None)

    get(reviewer_client, name, verification)

    event = AccessEvent.objects.get()
    assert (event.user, event.verification, event.action) == (reviewer, verification, action)


def test_opening_the_same_status_again_rewrites_only_the_fetch_time(
    reviewer_client, sandbox_faults, verification, django_assert_num_queries
):
    get(reviewer_client, "live_status", verification)
    first = Verification.objects.get(pk=verification.pk)

    # session, user, permissions, the row, the audit row (in a savepoint), the fetch time,
    # what idvdash holds of the person the answer names (idvdash/people: nothing new, so
    # nothing written); on SQLite the request's place in the account's budget is taken
    # on this connection too (providers/ratelimit.py: a savepoint, the budget row, its
    # slots, a slot, the count), where PostgreSQL has a connection of its own for it
    budget = 6 if connection.vendor == "sqlite" else 0
    with django_assert_num_queries(9 + budget) as again:
        response, _ = get(reviewer_client, "live_status", verification)

    assert response.status_code == 200
    (update,) = [
        q["sql"]
        for q in again.captured_queries
        if q["sql"].startswith('UPDATE "verifications_verification"')
    ]
    assert '"detail_fetched_at"' in update
    for column in ('"detail" =', '"provider_created_at"', '"provider_updated_at"'):
        assert column not in update
    second = Verification.objects.get(pk=verification.pk)
    assert second.detail == first.detail
    assert second.detail_fetched_at > first.detail_fetched_at
