"""The daily purge: every kind of data idvdash keeps for a limited time, removed when its
retention (settings, README "Retention and erasure") has passed.

One function runs every step; each step runs in its own transaction, so a step that
fails leaves its own data as it was and the others still run. A `PurgeRun` records
what each step removed and the error of each that failed; the log gets counts only.
The scheduler (`schedule_due_syncs`, every minute) queues the day's run once
(`queue_daily`, unique per UTC day) and the worker runs it; `manage.py purge` runs it now.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from idvdash.people.models import SubjectKey
from idvdash.signin.models import SignInEvent
from idvdash.verifications import listing
from idvdash.verifications.models import AccessEvent, Scan, SyncRun, Verification, WebhookEvent

from . import tombstones
from .models import PurgeRun

log = logging.getLogger(__name__)

# A day's purge queued this long ago and not started is queued again.
LOST_AFTER = timedelta(hours=2)
FAILED = "Unexpected {error}; nothing of this kind was removed (see the log for where)."


def _cutoff(now: datetime, days: int) -> datetime:
    if days < 1:
        raise ValueError("a retention must be 1 day or more")
    return now - timedelta(days=days)


def purge_snapshots(now: datetime) -> int:
    """Clear iDenfy full-status snapshots fetched more than DETAIL_SNAPSHOT_RETENTION_DAYS ago."""
    cutoff = _cutoff(now, settings.DETAIL_SNAPSHOT_RETENTION_DAYS)
    return Verification.objects.filter(detail_fetched_at__lt=cutoff).update(
        detail=None, detail_fetched_at=None
    )


def purge_webhook_facts(now: datetime) -> int:
    """Clear what processed webhook events kept (facts) after WEBHOOK_FACTS_RETENTION_DAYS.

    Pending and failed events keep theirs: what a provider said is never lost before it
    is written.
    """
    cutoff = _cutoff(now, settings.WEBHOOK_FACTS_RETENTION_DAYS)
    return (
        WebhookEvent.objects.filter(state=WebhookEvent.State.PROCESSED, received_at__lt=cutoff)
        .exclude(facts={})
        .update(facts={})
    )


def purge_webhook_events(now: datetime) -> int:
    """Delete processed webhook events received more than WEBHOOK_EVENT_RETENTION_DAYS ago.

    Their links to the rows they changed go with them (the record's timeline then shows
    fewer events); unfinished events are never deleted.
    """
    cutoff = _cutoff(now, settings.WEBHOOK_EVENT_RETENTION_DAYS)
    old = WebhookEvent.objects.filter(state=WebhookEvent.State.PROCESSED, received_at__lt=cutoff)
    return _delete_counting(old, WebhookEvent)


def purge_access_events(now: datetime) -> int:
    cutoff = _cutoff(now, settings.ACCESS_EVENT_RETENTION_DAYS)
    return _delete_counting(AccessEvent.objects.filter(at__lt=cutoff), AccessEvent)


def purge_signin_events(now: datetime) -> int:
    cutoff = _cutoff(now, settings.SIGNIN_EVENT_RETENTION_DAYS)
    return _delete_counting(SignInEvent.objects.filter(at__lt=cutoff), SignInEvent)


def purge_sync_runs(now: datetime) -> int:
    """Delete finished sync runs queued before SYNC_RUN_RETENTION_DAYS, keeping per account
    its latest run and its latest successful full scan (the scheduler's next scope
    depends on when that was)."""
    cutoff = _cutoff(now, settings.SYNC_RUN_RETENTION_DAYS)
    keep = set(
        SyncRun.objects.values("account_id").annotate(last=Max("pk")).values_list("last", flat=True)
    )
    for account_id in SyncRun.objects.values_list("account_id", flat=True).distinct():
        last_full = (
            SyncRun.objects.filter(
                account_id=account_id, scope=SyncRun.Scope.FULL, state=SyncRun.State.SUCCEEDED
            )
            .order_by("-finished_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        keep.add(last_full)
    old = (
        SyncRun.objects.filter(queued_at__lt=cutoff)
        .exclude(state__in=SyncRun.ACTIVE_STATES)
        .exclude(pk__in=[pk for pk in keep if pk is not None])
    )
    return _delete_counting(old, SyncRun)


def purge_unlisted_rows(now: datetime) -> int:
    """Reduce rows the provider has not listed for UNLISTED_ROW_RETENTION_DAYS to the bare
    record, as an erasure does (outcome, decision, times; no payload, subject, reasons).

    Not deleted: access events and the case (its review and append-only timeline) point
    at the row and are kept for as long as their own retention says, and the decision
    it records must stay answerable. "Last listed" is what `listing.last_listed` says:
    the newest kept scan that listed the row, or the last time a sync wrote it.
    """
    cutoff = _cutoff(now, settings.UNLISTED_ROW_RETENTION_DAYS)
    candidates = Verification.objects.filter(last_seen_at__lt=cutoff, erased_at__isnull=True)
    reduced = 0
    for account_id in list(candidates.values_list("account_id", flat=True).distinct()):
        recent = [
            listing.Bitmap.load(bytes(listed))
            for listed in Scan.objects.filter(
                account_id=account_id, finished_at__gte=cutoff
            ).values_list("listed", flat=True)
        ]
        rows = candidates.filter(account_id=account_id).values_list("pk", "fingerprint")
        for pk, fingerprint in rows.iterator(chunk_size=2000):
            if any(pk in bitmap for bitmap in recent):
                continue
            reduced += Verification.objects.filter(pk=pk, erased_at__isnull=True).update(
                **tombstones.STRIPPED,
                fingerprint=tombstones.seal(fingerprint),
                detail=None,
                detail_fetched_at=None,
                erased_at=now,
                erased_by_retention=True,
            )
    return reduced


def purge_match_keys(now: datetime) -> int:
    """Delete match keys of subjects with no rows left, and of keys no longer configured.

    A key of a subject with no verification in the mirror compares a person idvdash no
    longer holds anything of; a digest under a retired MATCH_KEYS key matches nothing.
    """
    from idvdash.people.keys import keyring

    configured = [key_id for key_id, _secret in keyring()]
    has_rows = Verification.objects.filter(
        account_id=OuterRef("subject__account_id"), subject_ref=OuterRef("subject__ref")
    )
    stale = SubjectKey.objects.filter(~Q(key_id__in=configured) | ~Exists(has_rows))
    return _delete_counting(stale, SubjectKey)


def _delete_counting(queryset, model) -> int:
    """Delete and return how many rows of `model` itself went (not what cascaded)."""
    _total, per_model = queryset.delete()
    return per_model.get(model._meta.label, 0)


# Every step, in the order the purge runs them: {kind: step}.
STEPS: dict[str, Callable[[datetime], int]] = {
    "unlisted_rows": purge_unlisted_rows,
    "snapshots": purge_snapshots,
    "webhook_facts": purge_webhook_facts,
    "webhook_events": purge_webhook_events,
    "access_events": purge_access_events,
    "signin_events": purge_signin_events,
    "sync_runs": purge_sync_runs,
    "match_keys": purge_match_keys,
}


def run(*, purge: PurgeRun | None = None, now: datetime | None = None) -> PurgeRun:
    """Run every step (each in its own transaction); record and return the counts."""
    now = now or timezone.now()
    if purge is None:
        purge = PurgeRun.objects.create(trigger="command")
    purge.started_at = timezone.now()
    purge.save(update_fields=["started_at"])
    counts, errors = {}, {}
    for kind, step in STEPS.items():
        try:
            with transaction.atomic():
                counts[kind] = step(now)
        except Exception as err:
            # The frames, not the message: an exception's text may quote data.
            log.error(
                "purge step %s failed: unexpected %s (message withheld)\n%s",
                kind,
                type(err).__name__,
                "".join(traceback.format_tb(err.__traceback__)),
            )
            errors[kind] = FAILED.format(error=type(err).__name__)
    purge.counts, purge.errors, purge.finished_at = counts, errors, timezone.now()
    purge.save(update_fields=["counts", "errors", "finished_at"])
    log.info(
        "purge %s: %s%s",
        purge.pk,
        ", ".join(f"{n} {kind}" for kind, n in counts.items()),
        f"; failed: {', '.join(errors)}" if errors else "",
    )
    return purge


def queue_daily(*, now: datetime | None = None) -> PurgeRun | None:
    """Queue today's purge (UTC) for the worker unless it was queued already; the run, or None.

    Called by the scheduler every minute, from one machine or several: the unique day
    lets exactly one of them queue it.
    """
    from .tasks import run_purge

    now = now or timezone.now()
    day = now.astimezone(UTC).date()
    queued = PurgeRun.objects.filter(day=day).first()
    if queued is not None:
        # Queued but never started (its task was lost with a worker): queue it again;
        # the task claims a run once, so a late first task changes nothing.
        lost = PurgeRun.objects.filter(
            pk=queued.pk, started_at=None, queued_at__lt=now - LOST_AFTER
        ).update(queued_at=now)
        if lost:
            transaction.on_commit(lambda: run_purge.enqueue(queued.pk))
        return None
    try:
        with transaction.atomic():
            purge = PurgeRun.objects.create(day=day, trigger="schedule")
            transaction.on_commit(lambda: run_purge.enqueue(purge.pk))
    except IntegrityError:
        return None  # another scheduler got there first
    return purge
