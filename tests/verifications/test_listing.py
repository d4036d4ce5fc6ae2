"""Scans record what they listed: a re-scan in which nothing changed writes no mirror row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from idvdash.providers.registry import client_for
from idvdash.verifications import listing, sync
from idvdash.verifications.models import Scan, ScanPage, SyncRun, Verification
from tests.plugins.sandbox import SMALL_PAGES

pytestmark = pytest.mark.django_db

MIRROR_TABLE = Verification._meta.db_table


def writes_to_the_mirror(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if MIRROR_TABLE in q["sql"] and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]


@given(st.sets(st.integers(min_value=1, max_value=2**40), max_size=300))
def test_a_page_of_row_ids_packs_and_unpacks_exactly(pks):
    assert list(listing.unpack(listing.pack(pks))) == sorted(pks)


@given(
    st.integers(min_value=1, max_value=2**40),
    st.sets(st.integers(min_value=0, max_value=400), max_size=100),
)
def test_a_page_of_close_row_ids_packs_and_unpacks_exactly(first, offsets):
    # Rows written together have ids a few apart: every gap but the first is one byte.
    pks = {first + offset for offset in offsets}

    assert list(listing.unpack(listing.pack(pks))) == sorted(pks)


@given(
    st.lists(st.integers(min_value=1, max_value=50_000), max_size=400),
    st.lists(st.integers(min_value=0, max_value=60_000), max_size=100),
)
def test_a_bitmap_holds_exactly_the_ids_put_in(pks, probes):
    bitmap = listing.Bitmap.load(listing.Bitmap.of(lambda: iter(pks)).dump())

    assert len(bitmap) == len(set(pks))
    for pk in [*pks, *probes]:
        assert (pk in bitmap) == (pk in set(pks))
    assert bitmap.count_absent(probes) == sum(pk not in set(pks) for pk in probes)


@pytest.mark.parametrize("kind", ["idenfy", "equals", "swan", "stora"])
def test_a_rescan_in_which_nothing_changed_writes_no_mirror_row(make_account, kind):
    account = make_account(kind)
    first = sync.sync_account(account=account, client=client_for(account, **SMALL_PAGES[kind]))
    before = list(Verification.objects.filter(account=account).order_by("pk").values())

    with CaptureQueriesContext(connection) as queries:
        again = sync.sync_account(account=account, client=client_for(account, **SMALL_PAGES[kind]))

    assert again.state == SyncRun.State.SUCCEEDED, again.error
    assert (again.created, again.updated, again.missing) == (0, 0, 0)
    assert writes_to_the_mirror(queries) == []
    assert list(Verification.objects.filter(account=account).order_by("pk").values()) == before
    scan = Scan.objects.filter(account=account).latest("finished_at")
    assert scan.rows == again.unchanged
    # Stora's walk by update time reads only what changed since: never a complete scan.
    assert scan.complete == (kind != "stora")
    if kind != "stora":
        assert again.unchanged == first.created == len(before)
    assert not ScanPage.objects.exists()  # folded into the scan's bitmap


def test_last_listed_comes_from_the_newest_scan_that_listed_the_row(make_account, admin_client_):
    account = make_account("equals")
    sync.sync_account(account=account)
    row = Verification.objects.filter(account=account).first()
    written_at = row.last_seen_at

    sync.sync_account(account=account)  # nothing changed: the row is not written again
    row.refresh_from_db()
    newest = Scan.objects.filter(account=account).latest("finished_at")

    assert row.last_seen_at == written_at
    assert listing.last_listed(row) == newest.finished_at > written_at
    page = admin_client_.get(reverse("verifications:detail", args=[row.pk])).content.decode()
    assert newest.finished_at.strftime("%Y-%m-%d %H:%M") in page


def test_a_row_no_scan_listed_is_last_listed_when_it_was_last_written(make_account):
    account = make_account("equals")
    sync.sync_account(account=account)
    row = Verification.objects.filter(account=account).first()
    Verification.objects.filter(pk=row.pk).update(external_id="no-longer-listed")

    run = sync.sync_account(account=account)

    row.refresh_from_db()
    assert run.missing == 1
    assert (
        listing.last_listed(row)
        < Scan.objects.filter(account=account).latest("finished_at").finished_at
    )


def test_only_the_newest_scans_are_kept_and_the_newest_complete_one(make_account, monkeypatch):
    monkeypatch.setattr(listing, "KEEP_SCANS", 2)
    account = make_account("equals", recent_pages=1)

    for _ in range(3):
        sync.sync_account(account=account)
    assert Scan.objects.filter(account=account).count() == 2
    complete = Scan.objects.filter(account=account).latest("finished_at")
    for _ in range(3):
        sync.sync_account(account=account, scope=SyncRun.Scope.RECENT)

    kept = Scan.objects.filter(account=account)
    assert kept.count() == 3  # two newest partial ones, and the newest complete one
    assert kept.filter(pk=complete.pk, complete=True).exists()


def test_a_scan_resumed_without_its_record_counts_nothing_missing(make_account, sandbox):
    account = make_account("equals")
    small = SMALL_PAGES["equals"]
    sync.sync_account(account=account, client=client_for(account, **small))
    sandbox.faults.add(provider="equals", endpoint="list", fault="server_error", skip=1, times=None)
    failed = sync.sync_account(account=account, client=client_for(account, **small))
    assert failed.state == SyncRun.State.FAILED
    sandbox.faults.clear()
    Scan.objects.filter(finished_at=None).delete()  # its first page's record is gone

    resumed = sync.sync_account(account=account, client=client_for(account, **small))

    assert resumed.state == SyncRun.State.SUCCEEDED, resumed.error
    assert resumed.resumed
    assert resumed.missing == 0  # not 40: the first page's rows were listed, just not recorded
    assert not Scan.objects.filter(account=account).latest("finished_at").complete


def test_an_unchanged_rescan_saves_its_progress_once_not_per_page(make_account):
    account = make_account("equals")
    client = client_for(account, **SMALL_PAGES["equals"])
    sync.sync_account(account=account, client=client)

    with CaptureQueriesContext(connection) as queries:
        again = sync.sync_account(
            account=account, client=client_for(account, **SMALL_PAGES["equals"])
        )

    def statements(prefix: str) -> int:
        return sum(q["sql"].startswith(prefix) for q in queries.captured_queries)

    assert again.pages == 5
    assert statements('INSERT INTO "verifications_scanpage"') == 1
    assert statements('UPDATE "verifications_syncrun" SET "pages"') == 1
