# ruff: noqa: S608 -- the statement is built from this module's constants; values go as parameters
"""Each account's sync and webhook health for the Overview, in one query.

The Sync page reads the same facts through the ORM (`SyncRun.objects.overview()`, two
queries); the Overview is read every morning by everyone, so its share is one
hand-written statement whose correlated subqueries each walk an index of their own
(`syncrun_account_recent`, `webhook_account_recent`, `webhook_unfinished`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

RUN = (
    "SELECT {column} FROM verifications_syncrun r WHERE r.account_id = a.id {extra} "
    "ORDER BY r.queued_at DESC, r.id DESC LIMIT 1"
)
UNFINISHED = (
    "SELECT COUNT(*) FROM verifications_webhookevent e WHERE e.account_id = a.id "
    "AND e.state = '{state}'"
)
SQL = (
    "SELECT a.id, a.name, a.kind, a.is_active, "
    f"({RUN.format(column='r.state', extra='')}), "
    f"({RUN.format(column='r.error', extra='')}), "
    f"({RUN.format(column='COALESCE(r.finished_at, r.started_at, r.queued_at)', extra='')}), "
    f"({RUN.format(column='r.finished_at', extra="AND r.state = 'succeeded'")}), "
    f"({UNFINISHED.format(state='failed')}), "
    f"({UNFINISHED.format(state='pending')}), "
    "(SELECT e.received_at FROM verifications_webhookevent e WHERE e.account_id = a.id "
    "ORDER BY e.received_at DESC LIMIT 1) "
    "FROM providers_provideraccount a WHERE (%s = '' OR a.kind = %s) AND (%s = 0 OR a.id = %s) "
    "ORDER BY a.name"
)


@dataclass(frozen=True, slots=True)
class AccountHealth:
    account_id: int
    name: str
    kind: str
    active: bool
    state: str | None  # of the latest run; None: never synced
    error: str
    since: timedelta | None  # since the latest run finished (or started, or was queued)
    data_age: timedelta | None  # since the latest successful run finished
    webhooks_failed: int
    webhooks_pending: int
    webhook_age: timedelta | None

    @property
    def kind_label(self) -> str:
        from idvdash.providers.registry import ProviderKind

        try:
            return ProviderKind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def state_label(self) -> str:
        return (self.state or "").capitalize()


def accounts(*, provider: str = "", account_id: int | None = None) -> list[AccountHealth]:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(SQL, [provider, provider, account_id or 0, account_id or 0])
        rows = cursor.fetchall()
    return [
        AccountHealth(
            account_id=pk,
            name=name,
            kind=kind,
            active=bool(active),
            state=state,
            error=error or "",
            since=_age(now, last),
            data_age=_age(now, succeeded),
            webhooks_failed=failed or 0,
            webhooks_pending=pending or 0,
            webhook_age=_age(now, received),
        )
        for pk, name, kind, active, state, error, last, succeeded, failed, pending, received in rows
    ]


def _age(now: datetime, value: datetime | str | None) -> timedelta | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back text
        value = parse_datetime(value)
        if value is None:
            return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return now - value
