"""The times the sync writes: the provider's as given (or none), and idvdash's own.

Issue 14: a time the provider did not give is stored as nothing; `changed_at` moves only
when the mirror sees the verification's state change.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from idvdash.providers.base import Page, VerificationRecord
from idvdash.providers.models import ProviderAccount
from idvdash.verifications import sync
from idvdash.verifications.models import Verification

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
STARTED = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
FINISHED = datetime(2026, 2, 1, 8, 30, tzinfo=UTC)


def idenfy_account() -> ProviderAccount:
    return ProviderAccount.objects.create(name="idf", kind="idenfy", credentials={})


def record(
    status: str,
    *,
    created: datetime | None = None,
    updated: datetime | None = None,
    external_id: str = "scan-1",
    **payload,
) -> VerificationRecord:
    return VerificationRecord(
        external_id=external_id,
        subject_ref="client-1",
        raw_status=status,
        created_at=created,
        updated_at=updated,
        payload={"scanRef": external_id, "status": status, **payload},
    )


def write(account: ProviderAccount, *records: VerificationRecord, at: datetime) -> Verification:
    with time_machine.travel(at, tick=False):
        sync.upsert_page(account=account, page=Page(list(records), {}), now=at)
    return Verification.objects.get(account=account, external_id=records[0].external_id)


def test_a_listed_row_without_times_stores_none_and_idvdashs_own_times():
    row = write(idenfy_account(), record("ACTIVE"), at=T0)

    assert (row.provider_created_at, row.provider_updated_at) == (None, None)
    assert row.first_seen_at == row.changed_at == row.last_synced_at == T0


def test_changed_at_moves_only_when_the_state_changes():
    account = idenfy_account()
    write(account, record("ACTIVE"), at=T0)

    rescanned = write(account, record("ACTIVE", extra="payload differs"), at=T0 + timedelta(days=1))
    decided = write(account, record("APPROVED"), at=T0 + timedelta(days=2))

    assert rescanned.changed_at == T0
    assert rescanned.last_synced_at == T0 + timedelta(days=1)
    assert decided.changed_at == T0 + timedelta(days=2)
    assert decided.first_seen_at == T0


def test_times_a_webhook_taught_survive_a_timeless_rescan_of_the_same_state():
    account = idenfy_account()
    write(account, record("APPROVED", created=STARTED, updated=FINISHED, final=True), at=T0)

    row = write(account, record("APPROVED"), at=T0 + timedelta(days=1))

    assert (row.provider_created_at, row.provider_updated_at) == (STARTED, FINISHED)


def test_a_state_change_without_a_time_keeps_creation_and_forgets_the_update_time():
    account = idenfy_account()
    write(account, record("REVIEWING", created=STARTED, updated=FINISHED), at=T0)

    row = write(account, record("APPROVED"), at=T0 + timedelta(days=1))

    assert row.provider_created_at == STARTED
    assert row.provider_updated_at is None  # iDenfy changed it at a time it did not say
    assert row.changed_at == T0 + timedelta(days=1)


def test_times_a_provider_gives_are_stored_as_given():
    account = ProviderAccount.objects.create(name="st", kind="stora", credentials={})
    given = record("processing", created=STARTED, updated=FINISHED, external_id="idver_1")
    later = record(
        "succeeded", created=STARTED, updated=FINISHED + timedelta(hours=2), external_id="idver_1"
    )

    first = write(account, given, at=T0)
    second = write(account, later, at=T0 + timedelta(hours=3))

    assert (first.provider_created_at, first.provider_updated_at) == (STARTED, FINISHED)
    assert second.provider_updated_at == FINISHED + timedelta(hours=2)
    assert second.changed_at == T0 + timedelta(hours=3)


def test_an_idenfy_snapshot_fills_in_times_without_moving_changed_at():
    account = idenfy_account()
    row = write(account, record("APPROVED"), at=T0)

    sync.store_detail_snapshot(
        verification=row,
        detail={"status": "APPROVED", "created": "2026-05-02 13:11:21"},
        fetched_at=T0 + timedelta(days=1),
    )

    row.refresh_from_db()
    assert row.provider_created_at == datetime(2026, 5, 2, 13, 11, 21, tzinfo=UTC)
    assert row.provider_updated_at is None  # the snapshot had no update time
    assert row.changed_at == T0
