"""How the mirror's table is stored: a re-scan's writes stay in their pages (PostgreSQL)."""

import pytest
from django.db import connection

from idvdash.verifications import sync
from idvdash.verifications.models import Verification

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="fillfactor and HOT updates are PostgreSQL's"
    ),
]


def updates_in_this_transaction() -> tuple[int, int]:
    """(rows updated, of which HOT) in the mirror's table in the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_updated(%s::regclass),"
            " pg_stat_get_xact_tuples_hot_updated(%s::regclass)",
            [Verification._meta.db_table] * 2,
        )
        return cursor.fetchone()


def test_the_mirror_leaves_room_in_each_page():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [Verification._meta.db_table]
        )
        (options,) = cursor.fetchone()
    assert "fillfactor=50" in (options or [])


def test_a_rescan_of_unchanged_rows_writes_them_in_place(make_account):
    account = make_account("equals")  # a full re-scan; every row is listed again unchanged
    sync.sync_account(account=account)
    before_updated, before_hot = updates_in_this_transaction()

    run = sync.sync_account(account=account)

    updated, hot = updates_in_this_transaction()
    stamped = updated - before_updated
    assert run.unchanged > 0
    assert stamped >= run.unchanged  # every row listed again was stamped
    # Packed full (fillfactor 100) none of them is HOT here; half-full pages take them all.
    assert (hot - before_hot) / stamped >= 0.9, (stamped, hot - before_hot)
