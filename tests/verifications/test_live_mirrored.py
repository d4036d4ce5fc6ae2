"""Live full status of Stora and Swan: a re-read written to the mirror through the sync's
write path, over real HTTP to the provider sandbox; Equals says when it last listed a row."""

import html as html_lib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from idvdash.verifications import live
from idvdash.verifications.models import AccessEvent, Outcome, Verification
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
SYNCED = timedelta(hours=5)


def get(client, name, v):
    response = client.get(reverse(f"verifications:{name}", args=[v.pk]), **HX)
    return response, html_lib.unescape(response.content.decode())


def stale_row(account, external_id, subject_ref, raw_status):
    """A row as an old sync left it: still in progress, synced hours ago."""
    return VerificationFactory(
        account=account,
        external_id=external_id,
        subject_ref=subject_ref,
        outcome=Outcome.PENDING,
        raw_status=raw_status,
        raw={"id": external_id, "status": raw_status},
        levels={},
        last_synced_at=timezone.now() - SYNCED,
        last_seen_at=timezone.now() - SYNCED,
    )


@pytest.fixture
def stora(sandbox, make_account):
    catalog = sandbox.dataset.stora
    i = next(i for i in range(catalog.visible()) if catalog.verification(i)["status"] == "failed")
    answer = catalog.verification(i, expand_contact=True)
    row = stale_row(make_account("stora"), answer["id"], answer["contact"]["id"], "processing")
    return row, answer


@pytest.fixture
def swan(sandbox, make_account):
    catalog = sandbox.dataset.swan
    i = next(
        i for i in range(catalog.visible()) if catalog.identification(i)["status"] == "Invalid"
    )
    answer = catalog.identification(i)
    user = catalog.user_id(catalog.local_person(i))
    return stale_row(make_account("swan"), answer["id"], user, "Started"), answer


def audited(v) -> int:
    return AccessEvent.objects.filter(verification=v, action="full_status").count()


def test_opening_a_stora_record_re_reads_it_into_the_mirror(reviewer_client, stora):
    row, answer = stora

    response, page = get(reviewer_client, "live_status", row)

    assert response.status_code == 200
    assert "Fetched from Stora just now." in page
    stored = Verification.objects.get(pk=row.pk)
    assert stored.raw_status == "failed"
    assert stored.outcome != Outcome.PENDING
    assert stored.raw["error_code"] == answer["error_code"]
    assert stored.raw["contact"] == {"id": answer["contact"]["id"]}
    assert stored.last_synced_at > row.last_synced_at
    assert stored.detail is None  # the row is the full status: no snapshot
    assert f"<code>{answer['error_code']}</code>" in page
    assert "<code>failed</code>" in page
    assert answer["contact"]["id"] in page
    assert audited(row) == 1


def test_the_stora_contact_name_is_shown_once_and_never_stored(reviewer_client, stora):
    row, answer = stora
    contact = answer["contact"]

    _, page = get(reviewer_client, "live_status", row)

    assert "<dt>Contact full name</dt><dd>" + contact["full_name"] in page
    assert page.count(contact["full_name"]) == 1
    stored = Verification.objects.get(pk=row.pk)
    kept = str(stored.raw) + str(stored.detail) + str(stored.levels)
    for personal in (contact["full_name"], contact["email"], contact["phone_number"]):
        assert personal is None or personal not in kept


def test_the_stora_record_page_has_no_row_that_is_empty_by_design(reviewer_client, stora):
    row, _ = stora
    page = reviewer_client.get(reverse("verifications:detail", args=[row.pk])).content.decode()

    assert "Contact name" not in page
    assert "Contact email" not in page
    assert 'id="live-status"' in page
    assert reverse("verifications:live_status", args=[row.pk]) in page


def test_opening_a_swan_record_re_reads_the_users_identifications(reviewer_client, swan):
    row, answer = swan

    response, page = get(reviewer_client, "live_status", row)

    assert response.status_code == 200
    assert "Fetched from Swan just now." in page
    stored = Verification.objects.get(pk=row.pk)
    assert stored.raw_status == "Invalid"
    assert stored.process == answer["process"]
    assert stored.levels  # the levels the re-read reported
    assert stored.last_synced_at > row.last_synced_at
    assert "<code>Invalid</code>" in page
    assert '<table class="grid levels">' in page
    for level in stored.levels.values():
        assert f"<code>{level['status']}</code>" in page
    assert audited(row) == 1


@pytest.mark.parametrize(
    ("kind", "label", "endpoint"),
    [("stora", "Stora", "detail"), ("swan", "Swan", "graphql")],
)
def test_a_provider_failure_says_so_and_shows_the_row_as_last_synced(
    request, reviewer_client, sandbox_faults, kind, label, endpoint
):
    row, _ = request.getfixturevalue(kind)
    sandbox_faults.add(provider=kind, endpoint=endpoint, fault="server_error", times=None)

    response, page = get(reviewer_client, "live_status", row)

    assert response.status_code == 200
    assert live.UNAVAILABLE.format(provider=label) in page
    assert "Showing the record as idvdash last mirrored it" in page
    assert "(5 h ago)" in page
    assert f"<code>{row.raw_status}</code>" in page
    assert "From this answer only" not in page  # nothing live to show once
    assert ">Retry</button>" in page
    stored = Verification.objects.get(pk=row.pk)
    assert (stored.raw_status, stored.last_synced_at) == (row.raw_status, row.last_synced_at)
    assert audited(row) == 1


def test_a_mirrored_time_the_provider_did_not_give_says_so(reviewer_client, sandbox_faults, stora):
    row, _ = stora
    Verification.objects.filter(pk=row.pk).update(provider_updated_at=None)
    sandbox_faults.add(provider="stora", endpoint="detail", fault="server_error", times=None)

    _, page = get(reviewer_client, "live_status", row)

    assert "<dt>Updated at Stora</dt><dd>" in page
    assert "Not given by Stora</span>" in page


def test_an_equals_record_says_when_it_was_last_listed(reviewer_client, make_account):
    seen = timezone.now() - timedelta(days=2)
    row = VerificationFactory(account=make_account("equals"), last_seen_at=seen)

    page = reviewer_client.get(reverse("verifications:detail", args=[row.pk])).content.decode()

    assert "Last listed by Equals Money:" in page
    assert f'<time datetime="{timezone.localtime(seen).isoformat()}"' in page
    assert 'id="live-status"' not in page
