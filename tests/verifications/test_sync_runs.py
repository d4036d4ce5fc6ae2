"""Run bookkeeping: one active sync per account, stale runs, the schedule."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from idvdash.verifications import sync
from idvdash.verifications.models import SyncRun
from idvdash.verifications.schedule import due_accounts, schedule_due_syncs
from tests.providers.factories import ProviderAccountFactory

pytestmark = pytest.mark.django_db


def test_a_second_sync_of_the_same_account_is_refused_with_a_message():
    account = ProviderAccountFactory(name="acme")
    first = sync.start_run(account=account, trigger="command")

    with pytest.raises(sync.SyncRefused, match=r"A sync of acme is already running \(since"):
        sync.start_run(account=account, trigger="command")

    assert first.state == SyncRun.State.RUNNING
    assert SyncRun.objects.filter(account=account).count() == 1


def test_queueing_twice_is_refused_and_leaves_one_queued_run(django_capture_on_commit_callbacks):
    account = ProviderAccountFactory(name="acme")
    with django_capture_on_commit_callbacks():
        sync.enqueue_run(account=account, trigger="schedule")

    with pytest.raises(sync.SyncRefused, match="already queued"):
        sync.enqueue_run(account=account, trigger="button")

    assert list(SyncRun.objects.values_list("state", flat=True)) == ["queued"]


def test_the_database_itself_allows_one_active_run_per_account():
    account = ProviderAccountFactory()
    SyncRun.objects.create(account=account, state=SyncRun.State.RUNNING)

    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRun.objects.create(account=account, state=SyncRun.State.QUEUED)


def test_other_accounts_sync_at_the_same_time():
    sync.start_run(account=ProviderAccountFactory(), trigger="command")

    run = sync.start_run(account=ProviderAccountFactory(), trigger="command")

    assert run.state == SyncRun.State.RUNNING


def test_a_foreground_sync_takes_over_a_queued_run_and_the_worker_then_skips_it(
    django_capture_on_commit_callbacks,
):
    account = ProviderAccountFactory()
    with django_capture_on_commit_callbacks():
        queued = sync.enqueue_run(account=account, trigger="schedule")

    run = sync.start_run(account=account, trigger="command")

    assert run.pk == queued.pk
    assert run.state == SyncRun.State.RUNNING
    assert sync.claim_queued(run_id=queued.pk) is None


def test_a_run_without_progress_for_too_long_is_failed_and_no_longer_blocks():
    account = ProviderAccountFactory(name="acme")
    dead = sync.start_run(account=account, trigger="command")

    with time_machine.travel(timezone.now() + sync.STALE_AFTER + timedelta(seconds=1)):
        run = sync.start_run(account=account, trigger="command")

    dead.refresh_from_db()
    assert dead.state == SyncRun.State.FAILED
    assert dead.error.startswith("Interrupted: no progress since")
    assert run.state == SyncRun.State.RUNNING


def test_schedule_queues_due_accounts_once(django_capture_on_commit_callbacks):
    due = ProviderAccountFactory(name="due", sync_interval=timedelta(minutes=5))
    ProviderAccountFactory(name="inactive", is_active=False)

    with django_capture_on_commit_callbacks():
        first = schedule_due_syncs()
        second = schedule_due_syncs()

    assert [run.account for run in first] == [due]
    assert second == []


def test_an_account_is_due_again_when_its_interval_has_elapsed():
    account = ProviderAccountFactory(sync_interval=timedelta(minutes=5))
    run = SyncRun.objects.create(account=account, state=SyncRun.State.SUCCEEDED)
    SyncRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - timedelta(minutes=4))
    assert due_accounts() == []

    SyncRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - timedelta(minutes=5))

    assert due_accounts() == [account]
