"""The sync service end to end, over real HTTP against the provider sandbox."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from idvdash.providers.base import Page, VerificationRecord
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import client_for
from idvdash.verifications import sync
from idvdash.verifications.management.commands.sync import summary
from idvdash.verifications.models import SyncRun, Verification
from tests.plugins.sandbox import SMALL_PAGES

pytestmark = pytest.mark.django_db

KINDS = ["idenfy", "equals", "swan", "stora"]
LIST_ENDPOINT = {"idenfy": "list", "equals": "list", "swan": "graphql", "stora": "list"}


def provider_ids(account: ProviderAccount) -> set[str]:
    """Every external id the provider lists, fetched directly through the client."""
    client = client_for(account)
    try:
        return {r.external_id for page in client.iter_pages() for r in page.records}
    finally:
        client.close()


def mirror(account: ProviderAccount) -> dict[str, tuple]:
    """The account's rows as stored, for byte-for-byte comparisons."""
    return {
        row[0]: row
        for row in Verification.objects.filter(account=account)
        .order_by("external_id")
        .values_list(
            "external_id",
            "subject_ref",
            "outcome",
            "raw_status",
            "suspected",
            "reason_codes",
            "levels",
            "provider_created_at",
            "provider_updated_at",
            "raw",
            "fingerprint",
            "last_synced_at",
        )
    }


@pytest.mark.parametrize("kind", KINDS)
def test_a_first_sync_mirrors_every_verification_the_provider_lists(make_account, kind):
    account = make_account(kind)

    run = sync.sync_account(account=account)

    assert run.state == SyncRun.State.SUCCEEDED, run.error
    assert set(mirror(account)) == provider_ids(account)
    assert run.created == len(mirror(account)) > 0
    assert run.updated == 0
    assert run.pages >= 1
    assert not Verification.objects.filter(account=account, outcome="").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_second_sync_finds_everything_unchanged_and_writes_nothing(make_account, kind):
    account = make_account(kind)
    sync.sync_account(account=account)
    before = mirror(account)

    run = sync.sync_account(account=account)

    assert run.state == SyncRun.State.SUCCEEDED, run.error
    assert run.created == run.updated == 0
    assert mirror(account) == before
    if kind != "stora":  # Stora is incremental: unchanged rows are not even fetched
        assert run.unchanged == len(before)


def test_idenfy_rows_know_their_client_id(make_account):
    account = make_account("idenfy")

    sync.sync_account(account=account)

    assert not Verification.objects.filter(account=account, subject_ref="").exists()


def test_equals_repeated_session_id_gives_one_row_per_application(make_account):
    account = make_account("equals")

    sync.sync_account(account=account)

    rows = Verification.objects.filter(account=account)
    session_ids = [row.raw["id"] for row in rows]
    assert len(session_ids) > len(set(session_ids)), "the sandbox repeats some session ids"
    assert rows.count() == len({(row.raw["id"], row.raw["applicationId"]) for row in rows})


def test_no_swan_level_is_ever_stored_empty(make_account):
    account = make_account("swan")

    sync.sync_account(account=account)

    levels = [row.levels for row in Verification.objects.filter(account=account)]
    assert any(levels)
    for by_name in levels:
        for name, level in by_name.items():
            assert name in {"expert", "qes", "pvid"}
            assert level != {}
            assert "status" in level


def test_wrong_credentials_end_in_a_readable_error_and_the_mirror_is_untouched(make_account):
    account = make_account("stora")
    sync.sync_account(account=account)
    before = mirror(account)
    account.credentials = {"access_token": "not-the-token-123"}
    account.save()

    run = sync.sync_account(account=account)

    assert run.state == SyncRun.State.FAILED
    assert "stora-test" in run.error
    assert "not-the-token-123" not in run.error
    assert mirror(account) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_page_keeps_the_mirror_and_the_next_sync_resumes(make_account, sandbox, kind):
    account = make_account(kind)
    full = provider_ids(account)
    # Serve one page, then fail every later request to the list endpoint.
    sandbox.faults.add(
        provider=kind,
        endpoint=LIST_ENDPOINT[kind],
        fault="server_error",
        status=503,
        skip=1,
        times=None,
    )

    failed = sync.sync_account(account=account, client=client_for(account, **SMALL_PAGES[kind]))

    assert failed.state == SyncRun.State.FAILED
    assert failed.error
    assert failed.pages == 1
    kept = mirror(account)
    assert 0 < len(kept) < len(full)

    sandbox.faults.clear()
    resumed = sync.sync_account(account=account, client=client_for(account, **SMALL_PAGES[kind]))

    assert resumed.state == SyncRun.State.SUCCEEDED, resumed.error
    assert resumed.resumed
    assert set(mirror(account)) == full
    assert {k: v for k, v in mirror(account).items() if k in kept} == kept


def test_the_sync_command_prints_one_line_per_account_and_fails_if_any_failed(make_account):
    make_account("equals")
    make_account("stora", name="stora-broken", credentials={"access_token": "wrong-token-xyz"})
    out = io.StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("sync", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("equals-test: ok (")
    assert lines[1].startswith("stora-broken: FAILED (")
    assert "wrong-token-xyz" not in out.getvalue()
    assert excinfo.value.returncode == 1


def test_the_sync_commands_line_carries_a_succeeded_runs_note(make_account):
    run = SyncRun(
        account=make_account("equals"), state=SyncRun.State.SUCCEEDED, note="The list shrank."
    )

    assert summary(run).startswith("equals-test: ok (")
    assert summary(run).endswith("): The list shrank.")


def test_the_sync_command_refuses_unknown_names():
    with pytest.raises(CommandError, match="no such account: nope"):
        call_command("sync", "nope")


def listed(scan_ref: str, status: str) -> VerificationRecord:
    return VerificationRecord(
        external_id=scan_ref,
        subject_ref="client-1",
        raw_status=status,
        created_at=None,
        updated_at=None,
        payload={"scanRef": scan_ref, "status": status, "suspected": False},
    )


def test_a_deleted_verification_keeps_its_last_decision_visible():
    account = ProviderAccount.objects.create(name="idf", kind="idenfy", credentials={})
    now = timezone.now()

    sync.upsert_page(account=account, page=Page([listed("scan-1", "APPROVED")], {}), now=now)
    counts = sync.upsert_page(
        account=account, page=Page([listed("scan-1", "DELETED")], {}), now=now
    )

    row = Verification.objects.get(account=account, external_id="scan-1")
    assert counts == {"created": 0, "updated": 1, "unchanged": 0}
    assert row.outcome == "deleted"
    assert row.raw_status == "DELETED"
    assert row.decisive_outcome == "approved"


def test_a_page_that_lists_a_row_twice_writes_it_once():
    account = ProviderAccount.objects.create(name="idf", kind="idenfy", credentials={})
    page = Page([listed("scan-1", "ACTIVE"), listed("scan-1", "APPROVED")], {})

    counts = sync.upsert_page(account=account, page=page, now=timezone.now())

    assert counts == {"created": 1, "updated": 0, "unchanged": 0}
    assert Verification.objects.get().raw_status == "APPROVED"


def test_stora_syncs_incrementally_and_finds_changes_as_time_passes(make_account, sandbox):
    account = make_account("stora")
    first = sync.sync_account(account=account)
    assert ProviderAccount.objects.get(pk=account.pk).sync_checkpoint["next"]["updated_after"]

    sandbox.clock.advance(6 * 3600)
    second = sync.sync_account(account=ProviderAccount.objects.get(pk=account.pk))

    assert second.state == SyncRun.State.SUCCEEDED, second.error
    assert second.created + second.updated > 0
    assert second.pages < first.pages
    assert set(mirror(account)) == provider_ids(account)


def test_a_full_scan_counts_rows_the_provider_no_longer_lists(make_account):
    account = make_account("equals")
    sync.sync_account(account=account)
    gone = Verification.objects.filter(account=account).first()
    Verification.objects.filter(pk=gone.pk).update(external_id="no-longer-listed")

    run = sync.sync_account(account=account)

    assert run.missing == 1
    assert Verification.objects.filter(external_id="no-longer-listed").exists()


def test_rows_gone_before_a_full_scan_starts_are_counted_missing_and_kept(make_account, sandbox):
    account = make_account("equals")
    sync.sync_account(account=account, client=client_for(account, **SMALL_PAGES["equals"]))
    sandbox.faults.add(provider="equals", endpoint="list", fault="shrink", vanish=5)

    run = sync.sync_account(account=account, client=client_for(account, **SMALL_PAGES["equals"]))

    # The list was shorter but steady through the scan: the scan is complete.
    assert run.state == SyncRun.State.SUCCEEDED, run.error
    assert run.error == ""
    assert run.missing == 5
    assert Verification.objects.filter(account=account).count() == 200


def test_a_list_that_shrank_while_a_scan_was_interrupted_is_noticed_on_resume(
    make_account, sandbox
):
    account = make_account("equals")
    small = SMALL_PAGES["equals"]
    sync.sync_account(account=account, client=client_for(account, **small))
    sandbox.faults.add(provider="equals", endpoint="list", fault="server_error", skip=1, times=None)
    failed = sync.sync_account(account=account, client=client_for(account, **small))
    assert (failed.state, failed.pages) == (SyncRun.State.FAILED, 1)
    sandbox.faults.clear()
    sandbox.faults.add(provider="equals", endpoint="list", fault="shrink", vanish=5)

    resumed = sync.sync_account(account=account, client=client_for(account, **small))

    assert resumed.state == SyncRun.State.SUCCEEDED, resumed.error
    assert resumed.resumed
    assert resumed.missing == 0
    how = sync.SHRANK_COUNT.format(before=200, after=195)
    assert resumed.note == sync.SHRANK.format(account=account.name, how=how)
    assert ProviderAccount.objects.get(pk=account.pk).sync_checkpoint == {"next": {}}


# The worker closes database connections between tasks, as in production: run it
# outside the test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_a_queued_sync_runs_in_the_background_worker(
    make_account, django_capture_on_commit_callbacks
):
    account = make_account("swan")
    with django_capture_on_commit_callbacks(execute=True):
        queued = sync.enqueue_run(account=account, trigger="button")

    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--interval",
        "0",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    queued.refresh_from_db()
    assert queued.state == SyncRun.State.SUCCEEDED, queued.error
    assert queued.created == Verification.objects.filter(account=account).count() > 0


def test_an_idenfy_snapshot_brings_the_providers_own_times():
    account = ProviderAccount.objects.create(name="idf", kind="idenfy", credentials={})
    sync.upsert_page(
        account=account, page=Page([listed("scan-1", "APPROVED")], {}), now=timezone.now()
    )
    row = Verification.objects.get()

    sync.store_detail_snapshot(
        verification=row,
        detail={
            "status": "APPROVED",
            "created": "2026-05-02 13:11:21",
            "updated": "2026-05-02 19:46:37",
        },
    )

    row.refresh_from_db()
    assert row.provider_created_at.isoformat() == "2026-05-02T13:11:21+00:00"
    assert row.provider_updated_at.isoformat() == "2026-05-02T19:46:37+00:00"
    assert row.detail["status"] == "APPROVED"
    assert row.detail_fetched_at is not None


def test_a_write_without_a_subject_never_blanks_the_one_a_row_has(make_account):
    # A page planned before a webhook taught the row its client id is written after.
    account = make_account("equals")
    sync.sync_account(account=account)
    row = Verification.objects.filter(account=account).exclude(subject_ref="").first()
    fields = {
        name: getattr(row, name)
        for name in ["external_id", *sync.UPDATE_FIELDS, "provider_created_at"]
        if name not in ("changed_at", "last_synced_at", "last_seen_at", "provider")
    }

    sync.write_rows(
        account=account, rows=[{**fields, "subject_ref": "", "raw_status": "x"}], now=timezone.now()
    )

    row.refresh_from_db()
    assert (row.subject_ref != "", row.raw_status) == (True, "x")


def test_a_write_says_which_rows_it_created(make_account):
    account = make_account("equals")
    sync.sync_account(account=account)
    row = Verification.objects.filter(account=account).first()
    fields = {
        name: getattr(row, name)
        for name in ["external_id", *sync.UPDATE_FIELDS, "provider_created_at"]
        if name not in ("changed_at", "last_synced_at", "last_seen_at", "provider")
    }
    new = {**fields, "external_id": "not-listed-yet"}

    written = sync.write_rows(account=account, rows=[fields, new], now=timezone.now())

    created = Verification.objects.get(account=account, external_id="not-listed-yet")
    assert written == {row.pk: False, created.pk: True}
    assert sync.write_rows(account=account, rows=[new], now=timezone.now()) == {created.pk: False}
