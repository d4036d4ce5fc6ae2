"""How long idvdash keeps what it fetched live or was pushed: both expire.

iDenfy's full status (names, document data) is stored on the row when a reviewer
opens it. After DETAIL_SNAPSHOT_RETENTION_DAYS it is cleared; the list fields the
sync mirrors stay. Webhook deliveries' bodies are never stored; what an event keeps
(`facts`: ids, statuses, codes, times) is cleared on the same schedule once it is
processed, leaving the event's key, type, reference and times for the record's
history and for recognising a late repeat.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Verification, WebhookEvent

log = logging.getLogger(__name__)

PURGED = "Cleared %d detail snapshot(s) fetched before %s (retention %d days)."


def purge_snapshots(*, days: int | None = None, now: datetime | None = None) -> int:
    """Clear detail snapshots fetched more than `days` ago; return how many were cleared."""
    days = settings.DETAIL_SNAPSHOT_RETENTION_DAYS if days is None else days
    if days < 0:
        raise ValueError("the retention must be 0 days or more")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    cleared = Verification.objects.filter(detail_fetched_at__lt=cutoff).update(
        detail=None, detail_fetched_at=None
    )
    log.info(PURGED, cleared, cutoff.isoformat(timespec="seconds"), days)
    return cleared


def purge_webhook_facts(*, days: int | None = None, now: datetime | None = None) -> int:
    """Clear the facts of processed webhook events received more than `days` ago."""
    days = settings.DETAIL_SNAPSHOT_RETENTION_DAYS if days is None else days
    if days < 0:
        raise ValueError("the retention must be 0 days or more")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return (
        WebhookEvent.objects.filter(state=WebhookEvent.State.PROCESSED, received_at__lt=cutoff)
        .exclude(facts={})
        .update(facts={})
    )
