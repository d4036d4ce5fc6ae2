"""Periodic syncing: queue every active account whose interval has elapsed."""

from django.db.models import Max
from django.utils import timezone

from idvdash.providers.models import ProviderAccount

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


def schedule_due_syncs() -> list[SyncRun]:
    """Queue a sync for every due account; safe to call every minute from several places."""
    queued = []
    for account in due_accounts():
        try:
            queued.append(sync.enqueue_run(account=account, trigger="schedule"))
        except sync.SyncRefused:
            continue  # another scheduler got there first
    return queued
