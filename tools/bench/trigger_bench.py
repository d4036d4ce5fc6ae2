"""What the figures' version costs the write path: the same inserts into the mirror with
the figures' triggers as installed, and with the version's bump taken out, interleaved
in one run (the triggers are put back as installed at the end)."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from django.db import connection, transaction

from idvdash.figures import triggers
from idvdash.verifications.models import Verification

from . import seed
from .harness import Figure, ratio_figure


def _statements(*, with_version: bool) -> list[str]:
    if connection.vendor == "postgresql":
        function = triggers.PG_FUNCTION
        if not with_version:
            start = function.index("  -- The figures' version")
            end = function.index("  END IF;", start) + len("  END IF;")
            function = function[:start] + function[end:]
        return [*triggers.PG_REMOVE, function, *triggers.PG_INSTALL[1:]]
    return [
        *triggers.SQLITE_REMOVE,
        *(
            s if with_version else s.replace(triggers._SQLITE_BUMP, "")
            for s in triggers.SQLITE_INSTALL
        ),
    ]


def _run(statements: list[str], rows: list[tuple]) -> float:
    table = Verification._meta.db_table
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            seed._copy(table, iter(rows))  # COPY fires row triggers too
        else:
            seed._executemany(table, iter(rows))
    took = time.perf_counter() - started
    with connection.cursor() as cursor:  # emptied without the triggers, then counted afresh
        for statement in (
            triggers.PG_REMOVE if connection.vendor == "postgresql" else (triggers.SQLITE_REMOVE)
        ):
            cursor.execute(statement)
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 -- the model's table
    return took


def run(*, rows: int, reps: int) -> list[Figure]:
    accounts = seed.make_accounts()
    now = datetime.now(UTC).replace(microsecond=0)
    data = list(seed.generate(rows=rows, accounts=accounts, now=now, seed=3))
    with_version, without = [], []
    try:
        for rep in range(reps):  # which goes first alternates: neither pays for order
            for version in (True, False) if rep % 2 == 0 else (False, True):
                took = _run(_statements(with_version=version), data)
                (with_version if version else without).append(took)
    finally:
        triggers.install()
    return [
        ratio_figure(
            f"inserting {rows} rows: figures' triggers with the version ÷ without",
            measured=statistics.median(with_version),
            baseline=statistics.median(without),
            at_most=1.05,
        )
    ]
