"""Fresh where it matters: the newest pages often, the whole list (which finds deletions) less often."""

from datetime import timedelta

import pytest
from django.utils import timezone

from idvdash.providers.registry import client_for
from idvdash.verifications import sync
from idvdash.verifications.models import Scan, SyncRun, Verification
from idvdash.verifications.schedule import schedule_due_syncs, scheduled_scope
from tests.plugins.sandbox import SMALL_PAGES

pytestmark = pytest.mark.django_db

FULL, RECENT = SyncRun.Scope.FULL, SyncRun.Scope.RECENT


def run(account, kind, scope):
    client = client_for(account, **SMALL_PAGES[kind])
    done = sync.sync_account(account=account, client=client, scope=scope)
    assert done.state == SyncRun.State.SUCCEEDED, done.error
    return done


@pytest.mark.parametrize("kind", ["idenfy", "equals", "stora"])
def test_a_schedule_reads_the_whole_list_first_then_the_newest_until_the_interval_passes(
    make_account, kind
):
    account = make_account(kind)
    now = timezone.now()
    assert scheduled_scope(account, now=now) == FULL

    first = run(account, kind, FULL)

    assert scheduled_scope(account, now=now) == RECENT
    every = account.scan_policy.full_every
    assert scheduled_scope(account, now=first.finished_at + every) == FULL


def test_an_account_can_ask_for_the_whole_list_every_time(make_account):
    account = make_account("equals", recent_pages=0)
    run(account, "equals", FULL)

    assert scheduled_scope(account, now=timezone.now()) == FULL


def test_an_account_can_shorten_the_full_scan_interval(make_account):
    account = make_account("equals", full_scan_interval=timedelta(minutes=5))
    first = run(account, "equals", FULL)

    assert scheduled_scope(account, now=first.finished_at + timedelta(minutes=4)) == RECENT
    assert scheduled_scope(account, now=first.finished_at + timedelta(minutes=5)) == FULL


def test_swan_is_read_whole_every_time_its_list_has_no_newest_end(make_account):
    account = make_account("swan")
    run(account, "swan", FULL)

    assert scheduled_scope(account, now=timezone.now()) == FULL


@pytest.mark.parametrize("kind", ["idenfy", "equals"])
def test_the_newest_pages_are_read_and_nothing_is_counted_missing(make_account, kind):
    account = make_account(kind, recent_pages=2)
    run(account, kind, FULL)
    gone = Verification.objects.filter(account=account).order_by("pk").first()
    Verification.objects.filter(pk=gone.pk).update(external_id="no-longer-listed")
    checkpoint = dict(account.__class__.objects.get(pk=account.pk).sync_checkpoint)

    recent = run(account, kind, RECENT)

    assert recent.pages == 2
    assert recent.missing == 0  # a part of the list says nothing of what it did not read
    assert not Scan.objects.filter(account=account).latest("finished_at").complete
    assert account.__class__.objects.get(pk=account.pk).sync_checkpoint == checkpoint
    assert run(account, kind, FULL).missing == 1  # the whole list does


def test_stora_reads_changes_often_and_its_whole_list_to_find_deletions(make_account):
    account = make_account("stora")
    run(account, "stora", FULL)
    gone = Verification.objects.filter(account=account).order_by("pk").first()
    Verification.objects.filter(pk=gone.pk).update(external_id="idver_gone")

    changes = run(account, "stora", RECENT)
    full = run(account, "stora", FULL)

    assert (changes.pages, changes.missing) <= (1, 0)  # nothing changed since
    assert full.missing == 1
    assert Scan.objects.filter(account=account).latest("finished_at").complete


def test_the_scheduler_queues_each_account_with_its_scope(
    make_account, django_capture_on_commit_callbacks
):
    make_account("equals", name="equals-fresh")
    synced = make_account("equals", name="equals-synced")
    run(synced, "equals", FULL)
    SyncRun.objects.filter(account=synced).update(queued_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks():
        queued = {run.account.name: run.scope for run in schedule_due_syncs()}

    assert queued == {"equals-fresh": FULL, "equals-synced": RECENT}
