# ruff: noqa: S608 -- the table name is a constant of this module, never input
"""The figures' version: a number that changes whenever a committed write moves a figure.

The triggers that keep the figures also count their writes into `FiguresChange`
(triggers.py); the version is the sum of its rows. Reading it is one small query,
so a page can tell whether figures it drew before are still the figures now.

Why it is exact, though it is read in its own statement before the figures: a
transaction's figure changes and its version row commit together. A reader that
sees the same sum as an earlier one sees no commit the earlier one missed, and what
the earlier one read afterwards is at least that new. The sum is never read back
lower in production (a restored backup aside, which is why kept drawings also
expire); a test database's rollback does, so tests forget kept drawings.
"""

from __future__ import annotations

from django.db import connection

from .models import FiguresChange

TABLE = FiguresChange._meta.db_table


def current() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(changes), 0) FROM {TABLE}")
        (total,) = cursor.fetchone()
    return int(total)


def compact() -> None:
    """Fold the version's rows into one, keeping their sum (PostgreSQL appends a row per
    writing statement; SQLite keeps one row). Rows of transactions still running are
    not visible here and stay as they are; readers see the sum before or after, the same."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {TABLE} LIMIT 2) AS rows")
        if cursor.fetchone()[0] < 2:
            return  # already one row: nothing to fold, nothing to write
        cursor.execute(
            f"WITH gone AS (DELETE FROM {TABLE} RETURNING changes) "
            f"INSERT INTO {TABLE} (changes) SELECT COALESCE(SUM(changes), 0) FROM gone"
        )
