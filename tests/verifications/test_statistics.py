"""A large import refreshes PostgreSQL's statistics of what its lookups read."""

import pytest
from django.db import connection

from idvdash.people.models import Subject
from idvdash.verifications import statistics
from tests.providers.factories import ProviderAccountFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statistics"
)


def estimated_rows(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return cursor.fetchone()[0]


def test_a_run_refreshes_at_1000_created_rows_then_at_ten_times_as_many():
    during = statistics.DuringRun()
    refreshed_at = []
    for created in range(100, 25_001, 100):
        before = during.next_at
        during.created_rows(100)
        if during.next_at != before:
            refreshed_at.append(created)

    assert refreshed_at == [1000, 10_000]
    assert during.refreshed == (2 if connection.vendor == "postgresql" else 0)


def test_one_page_past_several_thresholds_refreshes_once():
    during = statistics.DuringRun()
    during.created_rows(12_000)
    during.created_rows(500)

    assert during.next_at == 100_000
    assert during.refreshed == (1 if connection.vendor == "postgresql" else 0)


@postgresql_only
def test_a_refresh_gives_the_subjects_table_its_true_size():
    account = ProviderAccountFactory(kind="swan")
    Subject.objects.bulk_create(
        Subject(account=account, provider="swan", ref=f"s-{n}") for n in range(1234)
    )
    before = estimated_rows(Subject)

    statistics.DuringRun().created_rows(statistics.FIRST_AFTER)

    assert before != 1234
    assert estimated_rows(Subject) == 1234


@postgresql_only
def test_a_finished_run_refreshes_only_when_it_grew_the_mirror_by_a_tenth():
    statistics.refresh()  # the mirror is empty: any run of 1,000 grows it by a tenth

    assert statistics.after_run(created=999) is False
    assert statistics.after_run(created=1000) is True
