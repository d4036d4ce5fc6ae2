"""The backfill: what iDenfy's list leaves out, read once per record within its share."""

import json

import pytest

from idvdash.providers.base import LiveRead
from idvdash.providers.models import RateUse
from idvdash.providers.registry import client_for
from idvdash.verifications import backfill, sync
from idvdash.verifications.models import SyncRun, Verification

pytestmark = pytest.mark.django_db


def full_status_times(account, external_id):
    client = client_for(account)
    try:
        return client.read_live(LiveRead.FULL_STATUS, external_id)
    finally:
        client.close()


def test_a_sync_ends_by_learning_each_listed_records_times_once(make_account, settings):
    settings.BACKFILL_SECONDS = 30
    account = make_account("idenfy")

    run = sync.sync_account(account=account)

    rows = Verification.objects.filter(account=account)
    assert run.state == SyncRun.State.SUCCEEDED, run.error
    assert run.backfilled == rows.count() == 200
    assert not rows.filter(backfilled_at=None).exists()
    row = rows.order_by("?").first()
    detail = full_status_times(account, row.external_id)
    assert row.provider_created_at.strftime("%Y-%m-%d %H:%M:%S") == detail["created"][:19].replace(
        "T", " "
    )
    assert sync.sync_account(account=account).backfilled == 0  # read once, never again


def test_the_backfill_keeps_nothing_personal(make_account, settings):
    settings.BACKFILL_SECONDS = 30
    account = make_account("idenfy")
    sync.sync_account(account=account)
    row = Verification.objects.filter(account=account).first()
    detail = full_status_times(account, row.external_id)

    stored = json.dumps(list(Verification.objects.values("raw", "detail")), default=str)

    personal = [detail["client"]["name"], detail["client_identity_document"]["doc_document_number"]]
    assert [value for value in personal if value and value in stored] == []


# Transactional: the budget counts on a connection of its own (PostgreSQL), which would
# wait for ever on the rate-use rows this test clears if that clearing stayed uncommitted.
@pytest.mark.django_db(transaction=True)
def test_it_reads_newest_first_within_its_share_of_the_budget_then_stops(make_account):
    account = make_account("idenfy")
    sync.sync_account(account=account)
    RateUse.objects.filter(account=account).delete()  # a new hour
    account.rate_limits = [{"requests": 20, "seconds": 3600}]
    account.save()
    newest = list(backfill.due(account).values_list("pk", flat=True)[:10])

    result = backfill.run(account=account, seconds=30)

    assert result.stopped == backfill.BUDGET_SPENT
    assert result.read == 10  # half of 20: the rest stays for syncs and reviewers
    read = Verification.objects.filter(account=account).exclude(backfilled_at=None)
    assert sorted(read.values_list("pk", flat=True)) == sorted(newest)


def test_a_row_a_webhook_or_a_live_read_explained_is_not_read(make_account):
    account = make_account("idenfy")
    sync.sync_account(account=account)
    Verification.objects.filter(account=account).update(provider_updated_at="2026-01-01T00:00:00Z")

    assert backfill.run(account=account, seconds=30) == backfill.Result()


def test_providers_whose_lists_give_their_times_need_no_backfill(make_account, settings):
    settings.BACKFILL_SECONDS = 30
    account = make_account("equals")

    assert sync.sync_account(account=account).backfilled == 0


def test_the_sync_page_says_what_the_backfill_read(make_account, settings, reviewer_client):
    settings.BACKFILL_SECONDS = 30
    sync.sync_account(account=make_account("idenfy"))

    page = reviewer_client.get("/sync/").content.decode()

    assert "reads the whole list; backfilled 200 records" in page


def test_a_share_of_nothing_turns_the_backfill_off(make_account, settings):
    settings.BACKFILL_SECONDS = 30
    settings.BACKFILL_SHARE = 0
    account = make_account("idenfy")

    assert sync.sync_account(account=account).backfilled == 0
    assert backfill.due(account).count() == 200
