"""Drains: one queued task per account with events waiting, not one per event.

A `WebhookDrain` row exists while an account's drain is queued and not started. A
receiver queues a drain only when it creates that row; a drain deletes it as it
starts, so a delivery stored from then on queues the next.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection

from ..models import WebhookDrain

# The advisory lock class of drains (PostgreSQL), with the account's id as the key.
DRAIN_LOCK = 0x1D7D


def lock_key(account_id: int) -> list[int]:
    """The two-integer key of an account's drain lock (`pg_advisory_xact_lock*`)."""
    return [DRAIN_LOCK, account_id % 2**31]


def queue_drain(account_id: int, *, now: datetime, stale_after: timedelta | None = None) -> bool:
    """Queue a drain of the account's events unless one is queued; call in a transaction.

    Receivers hold the drain lock shared, a starting drain holds it exclusively: a
    receiver that finds a drain queued commits its event before that drain can start
    claiming, so no event is left behind a drain that has already looked.
    """
    from ..tasks import drain_webhooks  # tasks imports this package

    table = connection.ops.quote_name(WebhookDrain._meta.db_table)
    values = [account_id, connection.ops.adapt_datetimefield_value(now)]
    if connection.vendor == "postgresql":
        # The shared lock is taken in the same statement: one round trip per delivery.
        rows = "SELECT %s, %s FROM (SELECT pg_advisory_xact_lock_shared(%s, %s)) AS held"
        values += lock_key(account_id)
    else:
        rows = "VALUES (%s, %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (account_id, queued_at) {rows} "
            "ON CONFLICT (account_id) DO NOTHING",
            values,
        )
        created = cursor.rowcount == 1
    if not created and stale_after is not None:
        # A drain queued this long ago and never started: its task was lost.
        created = bool(
            WebhookDrain.objects.filter(
                account_id=account_id, queued_at__lt=now - stale_after
            ).update(queued_at=now)
        )
    if created:
        drain_webhooks.enqueue(account_id)
    return created


def hold_drain_lock(account_id: int) -> None:
    """PostgreSQL: the account's drain lock, exclusively, until the transaction ends.

    Receivers hold it shared while they store (see queue_drain). SQLite serialises
    writers, so there is nothing to hold.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_key(account_id))
