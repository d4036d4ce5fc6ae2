"""Pages that write rows are written a few at a time, each group in one transaction with
its progress (`sync._Pending`), over real HTTP against the provider sandbox."""

import dataclasses
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from idvdash.providers import ratelimit
from idvdash.providers.registry import client_for
from idvdash.verifications import sync
from idvdash.verifications.models import ScanPage, SyncRun, Verification
from idvdash.verifications.signals import mirror_written
from tests.plugins.sandbox import SMALL_PAGES

pytestmark = pytest.mark.django_db

PER_PAGE = SMALL_PAGES["equals"]["limit"]


@pytest.fixture
def groups_of_two_pages(monkeypatch):
    """A group is written once it holds two small pages' rows, never for its age, on
    either engine (PostgreSQL, reading ahead, writes a page at a time by default)."""
    monkeypatch.setattr(sync, "WRITE_GROUP_ROWS", 2 * PER_PAGE)
    monkeypatch.setattr(sync, "WRITE_GROUP_ROWS_READING_AHEAD", 2 * PER_PAGE)
    monkeypatch.setattr(sync, "WRITE_GROUP_SECONDS", 3600.0)


def listed_ids(account) -> list[str]:
    client = client_for(account, **SMALL_PAGES[account.kind])
    try:
        return [r.external_id for page in client.iter_pages() for r in page.records]
    finally:
        client.close()


def saves(queries) -> int:
    """The progress saves among the captured statements: one ScanPage each."""
    table = ScanPage._meta.db_table
    return sum(1 for q in queries if q["sql"].startswith("INSERT") and f'"{table}"' in q["sql"])


def sync_failing(account, fails: Callable[[int], bool]) -> SyncRun:
    """Sync `account` in small pages, its write path failing on the calls (counted from
    1, one per page written) for which `fails` is true."""
    calls = 0

    def receiver(sender, **kwargs):
        nonlocal calls
        calls += 1
        if fails(calls):
            raise RuntimeError("the database went away")

    mirror_written.connect(receiver, dispatch_uid="test-groups")
    try:
        return sync.sync_account(
            account=account, client=client_for(account, **SMALL_PAGES[account.kind])
        )
    finally:
        mirror_written.disconnect(dispatch_uid="test-groups")


def test_a_first_import_commits_its_pages_a_group_at_a_time(make_account, groups_of_two_pages):
    account = make_account("equals")
    ids = listed_ids(account)
    pages = -(-len(ids) // PER_PAGE)
    assert pages >= 4  # enough pages to make groups of

    with CaptureQueriesContext(connection) as captured:
        run = sync.sync_account(
            account=account, client=client_for(account, **SMALL_PAGES["equals"])
        )

    assert run.state == SyncRun.State.SUCCEEDED, run.error
    assert run.created == len(set(ids))
    assert set(
        Verification.objects.filter(account=account).values_list("external_id", flat=True)
    ) == set(ids)
    # One transaction, so one progress save, per two pages that wrote rows.
    assert saves(captured.captured_queries) == -(-pages // 2)


def test_a_group_that_fails_to_commit_is_read_again_and_nothing_is_lost(
    make_account, groups_of_two_pages
):
    account = make_account("equals")
    ids = listed_ids(account)

    # From the second page of the second group on, every write fails, its retry too.
    failed = sync_failing(account, lambda call: call > 3)

    assert failed.state == SyncRun.State.FAILED
    # Only the first group committed, and only its pages are saved as read.
    assert failed.pages == 2
    assert Verification.objects.filter(account=account).count() == 2 * PER_PAGE
    account.refresh_from_db()
    assert account.sync_checkpoint["scan"]["pages"] == 2
    assert ScanPage.objects.filter(scan_id=account.sync_checkpoint["scan"]["id"]).count() == 1

    resumed = sync.sync_account(
        account=account, client=client_for(account, **SMALL_PAGES["equals"])
    )

    assert resumed.state == SyncRun.State.SUCCEEDED, resumed.error
    assert resumed.resumed
    assert failed.created + resumed.created == len(set(ids))
    assert set(
        Verification.objects.filter(account=account).values_list("external_id", flat=True)
    ) == set(ids)
    assert resumed.missing == 0


class ListMovedBetweenPages:
    """The real client, whose list gained a row at its top after the first page was
    read: the first page's last record is listed again at the top of the second."""

    def __init__(self, client) -> None:
        self._client = client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def iter_pages(self, *, checkpoint=None):
        last = None
        for number, page in enumerate(self._client.iter_pages(checkpoint=checkpoint)):
            if number == 1:
                page = dataclasses.replace(page, records=[last, *page.records])
            last = page.records[-1]
            yield page


def test_a_record_listed_again_on_a_later_page_is_compared_with_what_the_group_wrote(
    make_account, monkeypatch
):
    # One group would hold every page, were it not for the record listed twice.
    monkeypatch.setattr(sync, "WRITE_GROUP_ROWS", 10**6)
    monkeypatch.setattr(sync, "WRITE_GROUP_ROWS_READING_AHEAD", 10**6)
    monkeypatch.setattr(sync, "WRITE_GROUP_SECONDS", 3600.0)
    account = make_account("equals")
    ids = listed_ids(account)

    run = sync.sync_account(
        account=account,
        client=ListMovedBetweenPages(client_for(account, **SMALL_PAGES["equals"])),
    )

    assert run.state == SyncRun.State.SUCCEEDED, run.error
    # Created once, then found unchanged: not created twice.
    assert (run.created, run.updated, run.unchanged) == (len(set(ids)), 0, 1)
    assert Verification.objects.filter(account=account).count() == len(set(ids))


def test_a_group_written_on_the_second_try_counts_each_page_once(make_account, groups_of_two_pages):
    account = make_account("equals")

    # The second page of the second group fails once; the group is written again as
    # the run stops.
    failed = sync_failing(account, lambda call: call == 4)

    assert failed.state == SyncRun.State.FAILED
    assert (failed.pages, failed.created) == (4, 4 * PER_PAGE)
    assert Verification.objects.filter(account=account).count() == 4 * PER_PAGE
    account.refresh_from_db()
    assert account.sync_checkpoint["scan"]["pages"] == 4


def test_sqlite_groups_pages_and_an_engine_reading_ahead_writes_each_at_once(make_account):
    account = make_account("equals")
    ids = listed_ids(account)
    pages = -(-len(ids) // PER_PAGE)
    assert len(ids) < sync.WRITE_GROUP_ROWS  # the sandbox's rows make one group

    with CaptureQueriesContext(connection) as captured:
        run = sync.sync_account(
            account=account, client=client_for(account, **SMALL_PAGES["equals"])
        )

    assert run.state == SyncRun.State.SUCCEEDED, run.error
    expected = pages if ratelimit.budget_has_own_connection() else 1
    assert saves(captured.captured_queries) == expected
