"""A page's lookup of its stored rows stays a probe per id, whatever the statistics say."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from idvdash.people import keys, observe
from idvdash.people.models import Subject
from idvdash.verifications import sync
from idvdash.verifications.models import Verification
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


def rows_of(account, count: int, prefix: str) -> None:
    Verification.objects.bulk_create(
        VerificationFactory.build(account=account, external_id=f"{prefix}-{n:05d}")
        for n in range(count)
    )


def rows_read_and_dropped(sql: str) -> int:
    """Rows PostgreSQL read and then filtered away while answering the query (as sent,
    its parameters bound)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def dropped(node: dict) -> int:
        own = node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1)
        return own + sum(dropped(child) for child in node.get("Plans", []))

    return dropped(plan[0]["Plan"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_a_first_import_beside_an_analysed_account_probes_its_ids_not_the_whole_account():
    # The statistics know the first account and call the second nearly empty, as while
    # a new account's first import runs beside an established one.
    established, new = ProviderAccountFactory(), ProviderAccountFactory()
    rows_of(established, 3000, "old")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Verification._meta.db_table}")
    rows_of(new, 3000, "new")
    page = [f"new-{n:05d}" for n in range(2950, 3050)]  # 50 stored, 50 not yet

    with CaptureQueriesContext(connection) as queries:
        found = sync._stored(new, page)
    (query,) = queries.captured_queries

    assert sorted(row[0] for row in found) == page[:50]
    assert rows_read_and_dropped(query["sql"]) < 100


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_subjects_of_a_first_import_beside_an_analysed_account_are_probed_by_ref():
    established, new = ProviderAccountFactory(kind="swan"), ProviderAccountFactory(kind="swan")
    for account, prefix in ((established, "old"), (new, "new")):
        Subject.objects.bulk_create(
            Subject(account=account, provider=account.kind, ref=f"{prefix}-{n:05d}")
            for n in range(20000)
        )
        if account is established:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Subject._meta.db_table}")
    # Tables this size are read by index, not whole, when the plan is right.
    refs = [f"new-{n:05d}" for n in range(19950, 20050)]
    key_id = keys.keyring()[0][0]

    with CaptureQueriesContext(connection) as queries:
        known = observe._known(new, refs, key_id)
        keyed = observe._keyed(new, refs, key_id)
        ids = observe._subjects(new, refs[:10], now=timezone.now())

    assert sorted(known) == refs[:50]
    assert keyed == set()  # none holds a key yet
    assert sorted(ids) == refs[:10]
    lookups = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("INSERT")]
    assert len(lookups) == 3
    for sql in lookups:
        assert rows_read_and_dropped(sql) < 100, sql
