"""R12: every provider fault ends in a readable failed run or a bounded-retry success.

Each test syncs once cleanly, then syncs again under one fault after another. The
sandbox's data does not change in between (records that vanish are left alone, never
deleted from the mirror), so whatever the outcome, the mirror must stay byte-identical
to the clean run.
"""

import itertools
import logging
import re
import socket

import pytest

from idvdash.providers.base import LOOPING_PAGES
from idvdash.providers.registry import client_for
from idvdash.verifications import listing, sync
from idvdash.verifications.models import Scan, SyncRun, Verification
from tests.plugins.samples import KINDS
from tests.plugins.sandbox import SMALL_PAGES

pytestmark = pytest.mark.django_db

LIST_ENDPOINT = {"idenfy": "list", "equals": "list", "swan": "graphql", "stora": "list"}
OK, FAILED = SyncRun.State.SUCCEEDED, SyncRun.State.FAILED
# (fault, parameters, expected state, the error must contain) — None: either outcome.
FAULTS = [
    ("reset", {"times": 1}, OK, ""),
    ("reset", {"times": None}, FAILED, "broke off its answer"),
    ("server_error", {"times": 2}, OK, ""),
    ("server_error", {"times": None, "status": 503}, FAILED, "failed on its side (HTTP 503"),
    ("malformed_json", {"times": None}, FAILED, "sent a body that is not JSON"),
    ("truncated_json", {"times": None, "skip": 1}, FAILED, "sent a body that is not JSON"),
    ("truncated_page", {"times": 1, "skip": 1}, OK, ""),
    ("truncated_page", {"times": None, "skip": 1}, None, "short"),
    ("duplicate_ids", {"times": None, "skip": 1}, OK, ""),
    ("rate_limit", {"times": 1, "retry_after": 0.2}, OK, ""),
    ("rate_limit", {"times": None, "retry_after": 0.05}, FAILED, "is rate limiting us (HTTP 429"),
]
LOOPING = {"idenfy", "swan", "stora"}  # Equals pages by offset: nothing can loop


def mirror(account) -> list[tuple]:
    return list(
        Verification.objects.filter(account=account)
        .order_by("external_id")
        .values_list(
            "external_id", "subject_ref", "outcome", "raw_status", "suspected", "reason_codes",
            "levels", "provider_created_at", "provider_updated_at", "raw", "fingerprint",
            "last_synced_at", "detail",
        )
    )  # fmt: skip


def run_sync(account, kind, *, full: bool = False):
    if full:  # Stora reads incrementally: start from the beginning so every page is read
        account.sync_checkpoint = {}
        account.save(update_fields=["sync_checkpoint"])
    return sync.sync_account(account=account, client=client_for(account, **SMALL_PAGES[kind]))


def assert_readable(run, account, expected: str) -> None:
    assert run.error, "a failed run says why"
    assert "\n" not in run.error
    assert "Traceback" not in run.error
    assert account.name in run.error
    assert expected in run.error, run.error


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


@pytest.fixture
def quick_http(settings):
    settings.PROVIDER_HTTP = {
        "RETRIES": 3,
        "BACKOFF": 0.01,
        "CONNECT_TIMEOUT": 0.5,
        "READ_TIMEOUT": 0.3,
    }


@pytest.mark.parametrize("kind", KINDS)
def test_faults_end_readably_and_leave_the_mirror_as_it_was(
    make_account, sandbox_faults, quick_http, kind
):
    account = make_account(kind)
    assert run_sync(account, kind).state == OK
    clean = mirror(account)
    assert len(clean) > 100

    for fault, params, expected, says in FAULTS:
        sandbox_faults.add(provider=kind, endpoint=LIST_ENDPOINT[kind], fault=fault, **params)
        run = run_sync(account, kind, full=True)
        sandbox_faults.clear()
        account.refresh_from_db()

        label = (fault, params)
        assert run.state in (OK, FAILED), label
        if expected is not None:
            assert run.state == expected, (label, run.error)
        if run.state == FAILED:
            assert_readable(run, account, says)
        assert mirror(account) == clean, label


@pytest.mark.parametrize("kind", sorted(LOOPING))
def test_a_looping_cursor_is_detected(make_account, sandbox_faults, kind):
    account = make_account(kind)
    assert run_sync(account, kind).state == OK
    clean = mirror(account)
    sandbox_faults.add(
        provider=kind, endpoint=LIST_ENDPOINT[kind], fault="loop_cursor", times=None, skip=1
    )

    run = run_sync(account, kind, full=True)

    assert run.state == FAILED
    assert_readable(run, account, LOOPING_PAGES)
    assert mirror(account) == clean


def listed_ids(account, kind) -> set[str]:
    """Every external id the provider lists right now, read past the sync."""
    client = client_for(account, **SMALL_PAGES[kind])
    try:
        return {r.external_id for page in client.iter_pages() for r in page.records}
    finally:
        client.close()


def unseen_ids(account, run) -> set[str]:
    """The rows the run's scan did not list."""
    scan = Scan.objects.filter(account=account).latest("finished_at")
    assert scan.finished_at >= run.started_at
    listed = listing.Bitmap.load(scan.listed)
    rows = Verification.objects.filter(account=account).values_list("pk", "external_id")
    return {external_id for pk, external_id in rows if pk not in listed}


# Five records vanish once the first page of the re-scan has been read: the newest
# (read already) where lists run newest first, Swan's users 20-24 (a later page), and
# Stora's newest (its walk by update time reaches them last).
SHRINK_AT = {"idenfy": 0, "equals": 0, "swan": 20, "stora": 0}
BY_POSITION = {"idenfy", "equals"}  # page numbers and offsets: later rows move up


@pytest.mark.parametrize("kind", KINDS)
def test_a_list_that_shrinks_mid_run_is_not_taken_for_a_complete_scan(
    make_account, sandbox_faults, kind
):
    account = make_account(kind)
    assert run_sync(account, kind).state == OK
    clean = mirror(account)
    sandbox_faults.add(
        provider=kind,
        endpoint=LIST_ENDPOINT[kind],
        fault="shrink",
        skip=1,
        vanish=5,
        at=SHRINK_AT[kind],
    )

    run = run_sync(account, kind, full=True)

    assert run.state == OK, run.error
    assert mirror(account) == clean  # nothing deleted, blanked or rewritten
    unseen, listed = unseen_ids(account, run), listed_ids(account, kind)
    if kind in BY_POSITION:
        # Rows that slid onto the page already read were skipped, yet still exist.
        assert len(unseen) == 5
        assert unseen <= listed
        assert run.missing == 0
        how = sync.SHRANK_COUNT.format(before=200, after=195)
        assert run.note == sync.SHRANK.format(account=account.name, how=how)
        assert run.error == ""
    else:
        # Cursors and update windows skip nothing: only the vanished rows went unseen.
        assert unseen
        assert not unseen & listed
        assert len(listed) == len(clean) - len(unseen)
        # A complete full scan counts them; Stora reads incrementally and never does.
        assert run.missing == (len(unseen) if kind == "swan" else 0)
        assert run.error == ""


def test_an_idenfy_page_gone_mid_run_ends_the_scan_as_incomplete(make_account, sandbox_faults):
    account = make_account("idenfy")
    assert run_sync(account, "idenfy").state == OK
    clean = mirror(account)
    # 200 rows, 40 a page: once 40 vanish after page 4, the announced page 5 is 404.
    sandbox_faults.add(provider="idenfy", endpoint="list", fault="shrink", skip=4, vanish=40)

    run = run_sync(account, "idenfy", full=True)

    assert run.state == OK, run.error
    assert run.note == sync.SHRANK.format(account=account.name, how=sync.SHRANK_PAGE)
    assert run.error == ""
    assert run.missing == 0
    assert run.pages == 5
    assert mirror(account) == clean
    unseen = unseen_ids(account, run)
    assert len(unseen) == 40
    assert unseen <= listed_ids(account, "idenfy")


@pytest.mark.parametrize("kind", KINDS)
def test_a_read_timeout_fails_readably(make_account, sandbox_faults, quick_http, kind):
    account = make_account(kind)
    sandbox_faults.add(
        provider=kind, endpoint=LIST_ENDPOINT[kind], fault="slow", times=None, delay=0.6
    )

    run = run_sync(account, kind)

    assert run.state == FAILED
    assert_readable(run, account, "did not answer in time")


@pytest.mark.parametrize("kind", KINDS)
def test_an_unreachable_provider_fails_readably(make_account, quick_http, kind):
    port = closed_port()
    account = make_account(
        kind,
        base_url=f"http://127.0.0.1:{port}/api",
        token_url=f"http://127.0.0.1:{port}/token" if kind in ("swan", "stora") else "",
    )

    run = sync.sync_account(account=account)

    assert run.state == FAILED
    assert_readable(run, account, f"could not be reached (127.0.0.1:{port})")


@pytest.mark.parametrize("kind", KINDS)
def test_refused_credentials_fail_readably_and_touch_nothing(make_account, kind):
    account = make_account(kind)
    assert run_sync(account, kind).state == OK
    clean = mirror(account)
    account.credentials = {key: f"wrong-{key}" for key in account.credentials}
    account.save()

    run = run_sync(account, kind)

    assert run.state == FAILED
    assert_readable(run, account, "refused our")
    assert mirror(account) == clean


# The 429 response and the next answer, as urllib3 logs every response it gets.
RESPONSE_LINE = re.compile(r'"(GET|POST) \S+ HTTP/1\.1" (\d{3})')


def waits_after_429(records) -> list[float]:
    answers = [
        (record.created, int(match.group(2)))
        for record in records
        if record.name.startswith("urllib3")
        and (match := RESPONSE_LINE.search(record.getMessage()))
    ]
    return [later - at for (at, status), (later, _) in itertools.pairwise(answers) if status == 429]


@pytest.mark.parametrize(
    ("kind", "header"), [*((kind, "seconds") for kind in KINDS), ("equals", "http-date")]
)
def test_retry_after_is_honoured(make_account, sandbox_faults, caplog, kind, header):
    asked = 1.0 if header == "seconds" else 2.0  # an HTTP date has whole seconds
    account = make_account(kind)
    sandbox_faults.add(
        provider=kind,
        endpoint=LIST_ENDPOINT[kind],
        fault="rate_limit",
        times=1,
        retry_after=asked,
        retry_after_format=header,
    )
    caplog.set_level(logging.DEBUG, logger="urllib3")

    run = run_sync(account, kind)

    assert run.state == OK, run.error
    waits = waits_after_429(caplog.records)
    assert len(waits) == 1
    ratio = waits[0] / asked
    # Seconds are waited in full; an HTTP date loses up to one second to rounding.
    low = 0.9 if header == "seconds" else 0.45
    assert low <= ratio <= 1.5, ratio


def test_a_retry_after_beyond_the_cap_is_cut_to_it(make_account, sandbox_faults, caplog):
    from idvdash.providers.http import build_session

    account = make_account("equals")
    sandbox_faults.add(
        provider="equals", endpoint="list", fault="rate_limit", times=1, retry_after=120
    )
    caplog.set_level(logging.DEBUG, logger="urllib3")
    session = build_session(provider="equals", retries=2, backoff=0.01, max_retry_after=0.5)

    run = sync.sync_account(account=account, client=client_for(account, session=session))

    assert run.state == OK, run.error
    [wait] = waits_after_429(caplog.records)
    assert wait / 0.5 <= 1.5  # the cap, not the two minutes asked for
