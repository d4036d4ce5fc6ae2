"""Keep each account under its provider's request limits, whichever process sends.

An account's limits (`Provider.rate_limits`, or the account's own `rate_limits`) are
sliding windows that all hold at once: Stora's "10 per second and 60 per minute" is two.
Every request an account's client sends, token requests and retries included, first
takes one request from each window (`Budget.acquire`); the web, the workers and the
scheduler share the count through the database.

How a window is counted. Requests are counted in slots of a tenth of the window, each
slot kept until a whole window (and half a second for requests in flight) has passed
after its end (`RateUse.expires_ms`). A request is taken only while the slots still
counted hold fewer than the limit, so no stretch of the window's length, wherever it
starts, ever holds more requests than the limit: a provider counting in fixed windows,
sliding windows or a token bucket accepts them all. The price is up to a tenth of the budget left unused (more for windows of a
few seconds, where half a second counts).

Across processes. Taking a request is one short transaction that first writes the
account's `RateBudget` row: on SQLite that transaction is IMMEDIATE (the settings), on
PostgreSQL the row stays locked until the commit, so two processes never both take the
last request. On PostgreSQL the budget has a connection of its own, so a request sent
inside a caller's transaction (a sync enriching a page before writing it) is counted
and committed at once, and never waits for, or is undone with, the caller's work.

Who goes first. Reviewer-facing live reads (`Priority.LIVE`) may use the whole limit;
background work (syncs, webhook re-reads) only `BACKGROUND_SHARE` of it, so a reviewer
finds requests left however busy the syncs are. A caller that finds its share spent
waits for the oldest slot to expire, but never longer than its priority allows
(`MAX_WAIT`): then it gets `BudgetSpent`, a rate-limit error that ends a sync with a
readable message instead of a hang.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from .errors import ProviderRateLimited
from .spec import RateLimit

SLOTS = 10
# A request reaches the provider a little after it is counted here, and not always
# equally late (a new connection, a TLS handshake, a busy process): each counts this
# much longer, so an early one that arrived late never shares a window with a later one.
IN_FLIGHT_MS = 500
BACKGROUND_SHARE = 0.8


class Priority(StrEnum):
    """Who is waiting for a request: a reviewer on a page, background work, or the
    backfill of what a provider's list leaves out (`verifications/backfill.py`)."""

    LIVE = "live"
    BACKGROUND = "background"
    BACKFILL = "backfill"


# Seconds a request may wait for its budget before it gives up. The backfill waits
# for short windows only: it stops, and goes on with the next sync.
MAX_WAIT = {Priority.LIVE: 5.0, Priority.BACKGROUND: 60.0, Priority.BACKFILL: 2.0}
SPENT = (
    "{provider} account '{account}' has used its request budget ({limit}{share}); "
    "the next request fits in {wait}, longer than {whose} waits"
)


class BudgetSpent(ProviderRateLimited):
    """idvdash's own budget for an account is spent for longer than the caller may wait."""


def parse_limits(value: object) -> tuple[RateLimit, ...]:
    """Return the limits of an account's override; raise ValueError saying what is wrong.

    The override is a list of `{"requests": n, "seconds": s}` (an empty list: no limit).
    """
    if not isinstance(value, list):
        raise ValueError('a list of {"requests": n, "seconds": s} objects ([] for no limit)')
    limits = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"requests", "seconds"}:
            raise ValueError('each limit is {"requests": n, "seconds": s}')
        numbers = [item["requests"], item["seconds"]]
        if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers):
            raise ValueError("requests and seconds are whole numbers of 1 or more")
        limits.append(RateLimit(item["requests"], item["seconds"]))
    if len({limit.seconds for limit in limits}) < len(limits):
        raise ValueError("one limit per number of seconds")
    return tuple(limits)


def validate_limits(value: object) -> None:
    """Model validator for an account's `rate_limits` override (None: the defaults)."""
    if value is None:
        return
    try:
        parse_limits(value)
    except ValueError as err:
        raise ValidationError(f"Rate limits: {err}.") from err


def as_json(limits: tuple[RateLimit, ...]) -> list[dict[str, int]]:
    """Return limits in the override's JSON shape."""
    return [{"requests": limit.requests, "seconds": limit.seconds} for limit in limits]


def limits_for(account: Any, *, defaults: tuple[RateLimit, ...]) -> tuple[RateLimit, ...]:
    """Return the account's own limits if it sets them, else the provider's `defaults`."""
    override = getattr(account, "rate_limits", None)
    return defaults if override is None else parse_limits(override)


@dataclass
class Budget:
    """One account's limits, as one kind of caller may spend them; `acquire` before a request."""

    account_id: int
    account: str
    provider: str
    limits: tuple[RateLimit, ...]
    priority: Priority = Priority.BACKGROUND
    max_wait: float | None = None

    def __call__(self) -> None:
        self.acquire()

    def acquire(self) -> None:
        """Take one request from every window, waiting while they are spent; or raise."""
        if not self.limits:
            return
        max_wait = MAX_WAIT[self.priority] if self.max_wait is None else self.max_wait
        deadline = time.monotonic() + max_wait
        while wait := _take_anew(self) / 1000:
            if time.monotonic() + wait > deadline:
                raise self._spent(wait)
            time.sleep(wait)

    def allowed(self, limit: RateLimit) -> int:
        """How many requests of `limit` this priority may use."""
        if self.priority is Priority.LIVE:
            return limit.requests
        share = backfill_share() if self.priority is Priority.BACKFILL else BACKGROUND_SHARE
        return max(1, math.floor(limit.requests * share))

    def _spent(self, wait: float) -> BudgetSpent:
        limit = " and ".join(str(limit) for limit in self.limits)
        share, whose = {
            Priority.LIVE: ("", "a reviewer's request"),
            Priority.BACKGROUND: (
                f", {BACKGROUND_SHARE:.0%} of it for background work",
                "background work",
            ),
            Priority.BACKFILL: (f", {backfill_share():.0%} of it for the backfill", "the backfill"),
        }[self.priority]
        return BudgetSpent(
            SPENT.format(
                provider=self.provider,
                account=self.account,
                limit=limit,
                share=share,
                wait=_readable(wait),
                whose=whose,
            )
            + ".",
            account=self.account,
            status=429,
        )


def backfill_share() -> float:
    """The share of an account's limits the backfill may use (`BACKFILL_SHARE`), between
    none (the backfill is off) and background work's."""
    return min(max(float(getattr(settings, "BACKFILL_SHARE", 0.5)), 0.0), BACKGROUND_SHARE)


def _readable(seconds: float) -> str:
    if seconds < 90:
        return f"{math.ceil(seconds)} s"
    return f"{math.ceil(seconds / 60)} min"


def _take_anew(budget: Budget) -> int:
    """`_take` now; once more on a fresh connection if the budget's own one was lost."""
    try:
        return _take(budget, now_ms=int(time.time() * 1000))
    except (InterfaceError, OperationalError):
        if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
            raise  # the caller's connection, or a lock held too long: not ours to retry
        return _take(budget, now_ms=int(time.time() * 1000))


def _take(budget: Budget, *, now_ms: int) -> int:
    """Take one request from every window of `budget` now; return 0, or ms to wait."""
    from .models import RateBudget, RateUse

    budgets, uses = RateBudget._meta.db_table, RateUse._meta.db_table
    account = budget.account_id
    with _transaction() as cursor:
        # Writing the budget row first queues every other taker of this account behind us.
        cursor.execute(
            f"INSERT INTO {budgets} (account_id, sent) VALUES (%s, 0) "  # noqa: S608 - table names
            f"ON CONFLICT (account_id) DO UPDATE SET sent = {budgets}.sent",
            [account],
        )
        cursor.execute(
            f"SELECT window_ms, expires_ms, used FROM {uses} WHERE account_id = %s",  # noqa: S608
            [account],
        )
        counted: dict[int, tuple[int, int]] = {}
        expired = False
        for window, expires, used in cursor.fetchall():
            if expires <= now_ms:
                expired = True
                continue
            total, oldest = counted.get(window, (0, expires))
            counted[window] = (total + used, min(oldest, expires))
        if expired:
            cursor.execute(
                f"DELETE FROM {uses} WHERE account_id = %s AND expires_ms <= %s",  # noqa: S608
                [account, now_ms],
            )
        wait = 0
        for limit in budget.limits:
            used, oldest = counted.get(limit.seconds * 1000, (0, now_ms))
            if used >= budget.allowed(limit):
                wait = max(wait, oldest - now_ms)
        if wait:
            return wait
        for limit in budget.limits:
            window = limit.seconds * 1000
            slot = max(1, window // SLOTS)
            cursor.execute(
                f"INSERT INTO {uses} (account_id, window_ms, expires_ms, used) "  # noqa: S608
                f"VALUES (%s, %s, %s, 1) ON CONFLICT (account_id, window_ms, expires_ms) "
                f"DO UPDATE SET used = {uses}.used + 1",
                [account, window, (now_ms // slot + 1) * slot + window + IN_FLIGHT_MS],
            )
        cursor.execute(
            f"UPDATE {budgets} SET sent = sent + 1 WHERE account_id = %s",  # noqa: S608
            [account],
        )
    return 0


_local = threading.local()
_own_connections: list[BaseDatabaseWrapper] = []


@contextmanager
def _transaction() -> Iterator[Any]:
    """Yield a cursor in a transaction that commits when the block ends."""
    shared = connections[DEFAULT_DB_ALIAS]
    if shared.vendor == "sqlite":
        # One writer at a time: a second connection would wait for this thread's own
        # open transaction, so the caller's connection is the one that can write.
        with transaction.atomic(), shared.cursor() as cursor:
            yield cursor
        return
    connection = _own_connection()
    try:
        connection.set_autocommit(False)
        with connection.cursor() as cursor:
            yield cursor
        connection.commit()
    except BaseException as err:
        if isinstance(err, InterfaceError | OperationalError):
            _drop_own_connection()
            raise
        connection.rollback()
        raise
    finally:
        if connection.connection is not None:
            connection.set_autocommit(True)


def _own_connection() -> BaseDatabaseWrapper:
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = connections.create_connection(DEFAULT_DB_ALIAS)
        connection.inc_thread_sharing()  # so close_own_connections may close it from any thread
        _local.connection = connection
        _own_connections.append(connection)
    return connection


def _drop_own_connection() -> None:
    connection = getattr(_local, "connection", None)
    if connection is not None:
        _local.connection = None
        _own_connections.remove(connection)
        connection.close()


def close_own_connections() -> None:
    """Close the budget's own database connections (before a test database is dropped)."""
    while _own_connections:
        _own_connections.pop().close()


def budget_has_own_connection() -> bool:
    """Whether a thread may take from the budget apart from the caller's connection
    (PostgreSQL); on SQLite it is taken on the caller's connection (`_transaction`)."""
    return connections[DEFAULT_DB_ALIAS].vendor != "sqlite"


def release_thread_connection() -> None:
    """Close the budget's own connection of the calling thread, if it opened one (call
    when a thread that sent requests ends)."""
    _drop_own_connection()
