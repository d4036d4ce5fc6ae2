"""How the mirror's table is stored and written, seen from PostgreSQL's own counters."""

import pytest
from django.db import connection

from idvdash.verifications import sync
from idvdash.verifications.models import Verification

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="fillfactor and tuple counters are PostgreSQL's"
    ),
]


def tuples_written_in_this_transaction() -> tuple[int, int, int]:
    """(inserted, updated, deleted) tuples of the mirror's table in this transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_inserted(%s::regclass),"
            " pg_stat_get_xact_tuples_updated(%s::regclass),"
            " pg_stat_get_xact_tuples_deleted(%s::regclass)",
            [Verification._meta.db_table] * 3,
        )
        return cursor.fetchone()


def test_the_mirror_leaves_room_in_each_page():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [Verification._meta.db_table]
        )
        (options,) = cursor.fetchone()
    assert "fillfactor=50" in (options or [])


def test_a_rescan_of_unchanged_rows_touches_no_tuple_of_the_mirror(make_account):
    account = make_account("equals")  # a full re-scan; every row is listed again unchanged
    sync.sync_account(account=account)
    before = tuples_written_in_this_transaction()

    run = sync.sync_account(account=account)

    assert run.unchanged == 200
    # Not even a "last seen" stamp: the scan's own record says what it listed.
    assert tuples_written_in_this_transaction() == before
