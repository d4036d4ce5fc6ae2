"""Migration 0014: the times stood in for iDenfy's are cleared; changed_at is filled in."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from idvdash.verifications.models import Verification
from idvdash.verifications.querysets import contains_condition

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("verifications", "0013_scan_scope")]
AFTER = [("verifications", "0014_provider_times_unknown")]
SYNCED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
LATER_SYNC = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
REAL = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def latest_afterwards():
    """Leave the database migrated to the end, even when a test stops half-way."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_stood_in_idenfy_times_are_cleared_and_sourced_ones_kept():
    apps = migrate(BEFORE)
    account_model = apps.get_model("providers", "ProviderAccount")
    old = apps.get_model("verifications", "Verification")
    idenfy = account_model.objects.create(name="idf", kind="idenfy", credentials={})
    stora = account_model.objects.create(name="st", kind="stora", credentials={})

    def row(account, external_id, *, created, updated, **fields):
        made = old.objects.create(
            account=account,
            provider=account.kind,
            external_id=external_id,
            provider_created_at=created,
            provider_updated_at=updated,
            last_synced_at=LATER_SYNC,
            last_seen_at=LATER_SYNC,
            **fields,
        )
        old.objects.filter(pk=made.pk).update(first_seen_at=SYNCED)

    # Listed only: both times were the syncs' (the update one: the status change).
    row(idenfy, "listed", created=SYNCED, updated=LATER_SYNC, raw={"status": "APPROVED"})
    row(
        idenfy,
        "webhooked",
        created=REAL,
        updated=REAL,
        raw={"status": "APPROVED", "startTime": int(REAL.timestamp()), "finishTime": None},
    )
    row(
        idenfy,
        "opened",
        created=SYNCED,
        updated=SYNCED,
        raw={"status": "APPROVED"},
        detail={"created": "2026-02-01 08:00:00", "updated": "2026-02-01 08:30:00"},
    )
    row(stora, "idver_1", created=REAL, updated=REAL, raw={"status": "succeeded"})

    new = migrate(AFTER).get_model("verifications", "Verification")

    times = {
        v.external_id: (v.provider_created_at, v.provider_updated_at, v.changed_at)
        for v in new.objects.all()
    }
    assert times["listed"] == (None, None, LATER_SYNC)
    assert times["webhooked"] == (REAL, None, SYNCED)
    assert times["opened"] == (REAL, datetime(2026, 2, 1, 8, 30, tzinfo=UTC), SYNCED)
    assert times["idver_1"] == (REAL, REAL, SYNCED)


def test_search_indexes_and_triggers_outlive_the_table_rebuilds(make_account):
    migrate(BEFORE)
    migrate(AFTER)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # and what came after
    account = make_account("idenfy")

    Verification.objects.create(
        account=account,
        provider="idenfy",
        external_id="scan-after-0014",
        changed_at=SYNCED,
        last_synced_at=SYNCED,
        last_seen_at=SYNCED,
    )

    found = Verification.objects.filter(contains_condition("after-00"))
    assert [v.external_id for v in found] == ["scan-after-0014"]
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, Verification._meta.db_table))
    assert {"verif_subject_ref_lower", "verif_external_id_lower", "verif_changed"} <= names
