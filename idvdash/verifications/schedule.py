"""Periodic syncing: queue every active account whose interval has elapsed.

Each scheduled run reads what its account's scan policy says is due: the whole list
every `full_every`, and in between only the newest pages (or, for a provider read
incrementally, what changed since the last sync).
"""

from datetime import datetime

from django.db.models import Max, Min
from django.utils import timezone

from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import provider

from . import sync
from .models import SyncRun


def due_accounts() -> list[ProviderAccount]:
    """Active accounts with no active run whose last run was queued an interval ago or more."""
    now = timezone.now()
    accounts = ProviderAccount.objects.filter(is_active=True).annotate(
        last_queued=Max("sync_runs__queued_at")
    )
    busy = set(
        SyncRun.objects.filter(state__in=SyncRun.ACTIVE_STATES).values_list("account_id", flat=True)
    )
    return [
        account
        for account in accounts
        if account.pk not in busy
        and (account.last_queued is None or now - account.last_queued >= account.sync_interval)
    ]


def scheduled_scope(account: ProviderAccount, *, now: datetime) -> str:
    """A full scan when the account's full-scan interval has passed since its last one
    (or it reads its whole list every time); its newest pages, or what changed, if not."""
    policy = account.scan_policy
    incremental = provider(account.kind).client.incremental
    if not incremental and not policy.recent_pages:
        return SyncRun.Scope.FULL
    last_full = (
        SyncRun.objects.filter(
            account=account, scope=SyncRun.Scope.FULL, state=SyncRun.State.SUCCEEDED
        )
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last_full is None and incremental:
        # Its first sync reads everything anyway; the next full scan is an interval away.
        last_full = account.sync_runs.filter(state=SyncRun.State.SUCCEEDED).aggregate(
            first=Min("finished_at")
        )["first"]
    if last_full is None or now - last_full >= policy.full_every:
        return SyncRun.Scope.FULL
    return SyncRun.Scope.RECENT


def schedule_due_syncs() -> list[SyncRun]:
    """Queue a sync for every due account; safe to call every minute from several places.

    Also queues the day's purge (`idvdash.retention.purge`) the first time it is called
    on a UTC day, so retention needs no cron line of its own, and folds the figures'
    version rows into one (`idvdash.figures.version`), so reading it stays one small sum.
    """
    from idvdash.figures import version  # these apps build on this one
    from idvdash.retention import purge

    purge.queue_daily()
    version.compact()
    queued = []
    now = timezone.now()
    for account in due_accounts():
        scope = scheduled_scope(account, now=now)
        try:
            queued.append(sync.enqueue_run(account=account, trigger="schedule", scope=scope))
        except sync.SyncRefused:
            continue  # another scheduler got there first
    return queued
