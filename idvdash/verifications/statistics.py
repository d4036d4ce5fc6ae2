"""PostgreSQL: fresh statistics for what a sync's lookups read, while a large import runs.

Each page of a sync looks its rows up by provider id in the mirror, and its subjects by
ref in the people tables. PostgreSQL plans those lookups on its statistics, and plans a
table whose statistics are missing or far behind (never analysed: autovacuum off, or
not round yet) as if it were small: a page then reads the whole table, and a first
import grows with the square of its rows. A run that creates many rows therefore
refreshes them itself, for the lookups' columns only (ANALYZE reads a sample: a
fraction of a second at millions of rows): once it has created 1,000 rows, 10,000,
100,000 and so on, and at its end when it grew the mirror by a tenth.
"""

from django.db import connection, models

from idvdash.people.models import Subject, SubjectKey

from .models import Verification

# Rows created by a run before its first refresh; each next one after ten times as many.
FIRST_AFTER = 1000

# The tables a page's lookups read, and the columns they look up by.
LOOKED_UP: list[tuple[type[models.Model], tuple[str, ...]]] = [
    (Verification, ("account_id", "external_id")),
    (Subject, ("ref", "account_id")),
    (SubjectKey, ("subject_id", "key_id")),
]


class DuringRun:
    """Counts a run's created rows and refreshes the statistics at each threshold."""

    def __init__(self) -> None:
        self.created = 0
        self.next_at = FIRST_AFTER
        self.refreshed = 0

    def created_rows(self, count: int) -> None:
        self.created += count
        if self.created < self.next_at:
            return
        while self.next_at <= self.created:
            self.next_at *= 10
        if connection.vendor == "postgresql":
            refresh()
            self.refreshed += 1


def after_run(*, created: int) -> bool:
    """Refresh the statistics if a finished run grew the mirror by a tenth; say if it did."""
    if created < FIRST_AFTER or connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [Verification._meta.db_table],
        )
        (estimated,) = cursor.fetchone()
    if created < 0.1 * max(estimated, 0):
        return False
    refresh()
    return True


def refresh() -> None:
    """ANALYZE the looked-up columns of the tables a page's lookups read."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, columns in LOOKED_UP:
            names = ", ".join(quote(column) for column in columns)
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)} ({names})")
