"""The daily purge: each kind of data goes when its retention has passed, and only then."""

import io
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from idvdash.people.models import Subject, SubjectKey
from idvdash.retention import purge
from idvdash.retention.models import PurgeRun
from idvdash.signin.models import SignInEvent
from idvdash.verifications import listing
from idvdash.verifications.models import (
    AccessEvent,
    Outcome,
    Scan,
    SyncRun,
    Verification,
    WebhookEvent,
)
from idvdash.verifications.schedule import schedule_due_syncs
from tests.core.test_settings import ROOT
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
SNAPSHOT = {"client": {"name": "Yara", "surname": "Ortega"}, "docNumber": "IE9196168"}


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def run_twice() -> tuple[PurgeRun, PurgeRun]:
    return purge.run(now=NOW), purge.run(now=NOW)


def test_snapshots_older_than_their_retention_are_cleared(settings):
    settings.DETAIL_SNAPSHOT_RETENTION_DAYS = 30
    old = VerificationFactory(detail=SNAPSHOT, detail_fetched_at=ago(31))
    recent = VerificationFactory(detail=SNAPSHOT, detail_fetched_at=ago(29))

    first, second = run_twice()

    assert (first.counts["snapshots"], second.counts["snapshots"]) == (1, 0)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.detail, old.detail_fetched_at) == (None, None)
    assert old.raw  # the mirrored list fields stay
    assert recent.detail == SNAPSHOT


def event(account, key: str, *, days: float, state=WebhookEvent.State.PROCESSED) -> WebhookEvent:
    made = WebhookEvent.objects.create(
        account=account, key=key, event_type="x", reference=key, facts={"id": key}, state=state
    )
    WebhookEvent.objects.filter(pk=made.pk).update(received_at=ago(days))
    return made


def test_webhook_facts_and_then_events_go_and_unfinished_events_stay(settings):
    settings.WEBHOOK_FACTS_RETENTION_DAYS = 30
    settings.WEBHOOK_EVENT_RETENTION_DAYS = 400
    account = ProviderAccountFactory()
    recent = event(account, "recent", days=29)
    facts_gone = event(account, "facts-gone", days=31)
    deleted = event(account, "deleted", days=401)
    failed = event(account, "failed", days=500, state=WebhookEvent.State.FAILED)
    pending = event(account, "pending", days=500, state=WebhookEvent.State.PENDING)

    first, second = run_twice()

    assert first.counts["webhook_facts"] == 2  # then deleted in the next step
    assert first.counts["webhook_events"] == 1
    assert (second.counts["webhook_facts"], second.counts["webhook_events"]) == (0, 0)
    assert not WebhookEvent.objects.filter(pk=deleted.pk).exists()
    assert WebhookEvent.objects.get(pk=facts_gone.pk).facts == {}
    assert WebhookEvent.objects.get(pk=facts_gone.pk).key == "facts-gone"
    assert WebhookEvent.objects.get(pk=recent.pk).facts == {"id": "recent"}
    for kept in (failed, pending):  # not yet written: never lost
        assert WebhookEvent.objects.get(pk=kept.pk).facts == {"id": kept.key}


def test_access_and_signin_events_go_after_their_retention(settings, reviewer):
    settings.ACCESS_EVENT_RETENTION_DAYS = 400
    settings.SIGNIN_EVENT_RETENTION_DAYS = 400
    row = VerificationFactory()
    for days in (401, 399):
        access = AccessEvent.objects.create(user=reviewer, verification=row, action="view")
        AccessEvent.objects.filter(pk=access.pk).update(at=ago(days))
        signin = SignInEvent.objects.create(kind="signed_in", user=reviewer, username="rita")
        SignInEvent.objects.filter(pk=signin.pk).update(at=ago(days))

    first, second = run_twice()

    assert (first.counts["access_events"], first.counts["signin_events"]) == (1, 1)
    assert (second.counts["access_events"], second.counts["signin_events"]) == (0, 0)
    assert AccessEvent.objects.get().at > ago(400)
    assert SignInEvent.objects.get().at > ago(400)
    assert Verification.objects.filter(pk=row.pk).exists()


def sync_run(account, *, days: float, scope="recent", state="succeeded") -> SyncRun:
    run = SyncRun.objects.create(account=account, scope=scope, state=state, finished_at=ago(days))
    SyncRun.objects.filter(pk=run.pk).update(queued_at=ago(days))
    return run


def test_old_sync_runs_go_but_each_accounts_latest_and_last_full_scan_stay(settings):
    settings.SYNC_RUN_RETENTION_DAYS = 90
    busy, quiet = ProviderAccountFactory(), ProviderAccountFactory()
    last_full = sync_run(busy, days=200, scope="full")
    old = [sync_run(busy, days=150), sync_run(busy, days=120, state="failed")]
    recent = sync_run(busy, days=10)
    only = sync_run(quiet, days=300)

    first, second = run_twice()

    assert (first.counts["sync_runs"], second.counts["sync_runs"]) == (2, 0)
    assert set(SyncRun.objects.values_list("pk", flat=True)) == {last_full.pk, recent.pk, only.pk}
    assert not SyncRun.objects.filter(pk__in=[run.pk for run in old]).exists()


def test_rows_the_provider_stopped_listing_are_reduced_to_the_bare_record(settings):
    settings.UNLISTED_ROW_RETENTION_DAYS = 1826
    account = ProviderAccountFactory()
    gone = VerificationFactory(
        account=account,
        last_seen_at=ago(1900),
        detail=SNAPSHOT,
        detail_fetched_at=ago(1900),
        reason_codes=["DOC_EXPIRED"],
        outcome=Outcome.DECLINED,
        decisive_outcome=Outcome.DECLINED,
    )
    listed_lately = VerificationFactory(account=account, last_seen_at=ago(1900))
    written_lately = VerificationFactory(account=account, last_seen_at=ago(10))
    scan = Scan.objects.create(
        account=account,
        started_at=ago(5),
        finished_at=ago(5),
        complete=True,
        listed=listing.Bitmap.of(lambda: [listed_lately.pk, written_lately.pk]).dump(),
    )
    assert scan.pk

    first, second = run_twice()

    assert (first.counts["unlisted_rows"], second.counts["unlisted_rows"]) == (1, 0)
    gone.refresh_from_db()
    assert gone.erased_at == NOW
    assert gone.erased_by_retention
    assert (gone.raw, gone.detail, gone.subject_ref, gone.reason_codes) == ({}, None, "", [])
    assert (gone.outcome, gone.decisive_outcome) == (Outcome.DECLINED, Outcome.DECLINED)
    for kept in (listed_lately, written_lately):
        kept.refresh_from_db()
        assert kept.erased_at is None
        assert kept.subject_ref


def test_match_keys_of_subjects_without_rows_and_of_retired_keys_go(settings):
    settings.MATCH_KEYS = ["new:secret-new", "old:secret-old"]
    account = ProviderAccountFactory()
    VerificationFactory(account=account, subject_ref="client-with-rows")
    with_rows = Subject.objects.create(account=account, provider="idenfy", ref="client-with-rows")
    without = Subject.objects.create(account=account, provider="idenfy", ref="client-gone")

    def key(subject, key_id: str, digest: str) -> SubjectKey:
        return SubjectKey.objects.create(
            subject=subject, kind="email", key_id=key_id, digest=digest, seen_at=NOW
        )

    kept = [key(with_rows, "new", "a"), key(with_rows, "old", "b")]
    key(with_rows, "retired", "c")
    key(without, "new", "d")

    first, second = run_twice()

    assert (first.counts["match_keys"], second.counts["match_keys"]) == (2, 0)
    assert set(SubjectKey.objects.values_list("pk", flat=True)) == {k.pk for k in kept}


def test_a_failing_step_is_reported_and_the_others_still_run(
    settings, monkeypatch, caplog, reviewer
):
    settings.DETAIL_SNAPSHOT_RETENTION_DAYS = 30
    row = VerificationFactory(detail=SNAPSHOT, detail_fetched_at=ago(31))
    AccessEvent.objects.create(user=reviewer, verification=row, action="view")
    message = " ".join(SNAPSHOT["client"].values())  # an exception quoting personal data

    def broken(now):
        AccessEvent.objects.all().delete()  # undone with the step's transaction
        raise RuntimeError(message)

    monkeypatch.setitem(purge.STEPS, "access_events", broken)
    with caplog.at_level(logging.INFO, logger="idvdash.retention.purge"):
        done = purge.run(now=NOW)

    assert set(done.errors) == {"access_events"}
    assert "RuntimeError" in done.errors["access_events"]
    assert "access_events" not in done.counts
    assert AccessEvent.objects.count() == 1
    assert done.counts["snapshots"] == 1
    assert set(done.counts) == set(purge.STEPS) - {"access_events"}
    row.refresh_from_db()
    assert row.detail is None
    assert "Ortega" not in caplog.text  # counts only; an error's message is withheld
    assert "Ortega" not in str(done.errors)


def test_the_command_runs_it_now_and_prints_each_kind(settings):
    settings.DETAIL_SNAPSHOT_RETENTION_DAYS = 5
    VerificationFactory(detail=SNAPSHOT, detail_fetched_at=timezone.now() - timedelta(days=10))
    out = io.StringIO()

    call_command("purge", stdout=out)

    lines = out.getvalue().splitlines()
    assert "snapshots: 1" in lines
    assert set(purge.STEPS) == {line.split(":")[0] for line in lines}
    assert PurgeRun.objects.get().trigger == "command"


def test_the_command_exits_1_when_a_step_failed(monkeypatch):
    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setitem(purge.STEPS, "sync_runs", broken)

    with pytest.raises(CommandError, match="1 purge step"):
        call_command("purge", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_scheduler_queues_the_purge_once_a_day(django_capture_on_commit_callbacks):
    def queued() -> int:
        return DBTaskResult.objects.filter(task_path__endswith=".run_purge").count()

    with django_capture_on_commit_callbacks(execute=True):
        schedule_due_syncs()
        schedule_due_syncs()

    assert queued() == 1
    today = PurgeRun.objects.get()
    assert (today.day, today.trigger) == (timezone.now().astimezone(UTC).date(), "schedule")
    with django_capture_on_commit_callbacks(execute=True):
        assert purge.queue_daily(now=timezone.now() + timedelta(days=1)) is not None
    assert queued() == 2


def test_a_purge_whose_task_was_lost_is_queued_again(django_capture_on_commit_callbacks):
    def queued() -> int:
        return DBTaskResult.objects.filter(task_path__endswith=".run_purge").count()

    with django_capture_on_commit_callbacks(execute=True):
        today = purge.queue_daily()
    DBTaskResult.objects.all().delete()  # the worker died with it

    with django_capture_on_commit_callbacks(execute=True):
        purge.queue_daily(now=timezone.now() + timedelta(minutes=30))
    assert queued() == 0  # not yet given up on
    with django_capture_on_commit_callbacks(execute=True):
        purge.queue_daily(now=timezone.now() + purge.LOST_AFTER + timedelta(minutes=1))

    assert queued() == 1
    assert PurgeRun.objects.get().pk == today.pk


def test_the_worker_runs_a_queued_purge_once():
    from idvdash.retention.tasks import run_purge

    queued = PurgeRun.objects.create(day=NOW.date(), trigger="schedule")

    assert run_purge.call(queued.pk) == "done"
    assert run_purge.call(queued.pk) == "skipped"
    queued.refresh_from_db()
    assert queued.finished_at is not None
    assert set(queued.counts) == set(purge.STEPS)


@pytest.mark.parametrize("value", ["0", "-3", "thirty"])
def test_a_retention_of_zero_or_less_stops_start_up(value):
    result = subprocess.run(
        [sys.executable, "-c", "import idvdash.settings"],
        cwd=ROOT,
        env={"PATH": "", "SYNC_RUN_RETENTION_DAYS": value},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "SYNC_RUN_RETENTION_DAYS must be a whole number of days, 1 or more" in result.stderr


def test_retentions_come_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import idvdash.settings as s; print(s.ACCESS_EVENT_RETENTION_DAYS)",
        ],
        cwd=ROOT,
        env={"PATH": "", "ACCESS_EVENT_RETENTION_DAYS": "7"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "7"


def test_the_defaults():
    from idvdash import settings as defaults

    assert defaults.UNLISTED_ROW_RETENTION_DAYS == 1826
    assert defaults.DETAIL_SNAPSHOT_RETENTION_DAYS == 30
    assert defaults.WEBHOOK_FACTS_RETENTION_DAYS == 30
    assert defaults.WEBHOOK_EVENT_RETENTION_DAYS == 400
    assert defaults.ACCESS_EVENT_RETENTION_DAYS == 400
    assert defaults.SIGNIN_EVENT_RETENTION_DAYS == 400
    assert defaults.SYNC_RUN_RETENTION_DAYS == 90
