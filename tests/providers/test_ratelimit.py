"""Each account's shared request budget (`providers/ratelimit.py`), against the real database
and, end to end, against a sandbox that enforces the providers' limits."""

import os
import re
import subprocess
import sys
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from idvdash.providers import ratelimit
from idvdash.providers.base import LiveRead
from idvdash.providers.models import ProviderAccount, RateBudget
from idvdash.providers.ratelimit import (
    Budget,
    BudgetSpent,
    Priority,
    limits_for,
    parse_limits,
)
from idvdash.providers.registry import PROVIDERS, client_for
from idvdash.providers.spec import RateLimit
from idvdash.sandbox.credentials import SANDBOX_STORA_ACCESS_TOKEN
from idvdash.verifications import live, sync
from idvdash.verifications.models import SyncRun, Verification


def budget(account: ProviderAccount, *limits: RateLimit, **options) -> Budget:
    return Budget(
        account_id=account.pk, account=account.name, provider="Stora", limits=limits, **options
    )


def sent(account: ProviderAccount) -> int:
    row = RateBudget.objects.filter(account_id=account.pk).first()
    return row.sent if row else 0


# --- the limits -------------------------------------------------------------------------


def test_each_provider_keeps_to_its_documented_limits_by_default():
    documented = {kind: provider.rate_limits for kind, provider in PROVIDERS.items()}

    assert documented == {
        "idenfy": (RateLimit(10_000, 3600),),
        "equals": (),
        "swan": (RateLimit(2_000, 300),),
        "stora": (RateLimit(10, 1), RateLimit(60, 60)),
    }
    assert str(RateLimit(2_000, 300)) == "2,000 requests per 5 minutes"


def test_an_account_may_set_its_own_limits_or_none():
    stora = PROVIDERS["stora"].rate_limits
    account = ProviderAccount(name="s", kind="stora")

    assert limits_for(account, defaults=stora) == stora
    account.rate_limits = [{"requests": 5, "seconds": 2}]
    assert limits_for(account, defaults=stora) == (RateLimit(5, 2),)
    account.rate_limits = []
    assert limits_for(account, defaults=stora) == ()


@pytest.mark.parametrize(
    "value",
    [
        {"requests": 5, "seconds": 1},
        [{"requests": 0, "seconds": 1}],
        [{"requests": 5}],
        [{"requests": 5, "seconds": 1, "burst": 2}],
        [{"requests": True, "seconds": 1}],
        [{"requests": 5, "seconds": 1.5}],
        [{"requests": 5, "seconds": 1}, {"requests": 9, "seconds": 1}],
    ],
)
def test_a_malformed_override_is_refused_with_a_reason(value):
    with pytest.raises(ValueError, match=r"\w"):
        parse_limits(value)
    account = ProviderAccount(name="s", kind="stora", rate_limits=value)
    with pytest.raises(ValidationError) as caught:
        account.clean_fields(exclude=["credentials"])
    assert "rate_limits" in caught.value.message_dict


# --- taking from a budget ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_beyond_the_limit_waits_for_the_window(make_account):
    account = make_account("stora")
    limited = budget(account, RateLimit(3, 1), priority=Priority.LIVE)

    started = time.monotonic()
    for _ in range(3):
        limited.acquire()
    quick = time.monotonic() - started
    limited.acquire()
    waited = time.monotonic() - started

    assert quick < 0.5
    # The first request's slot (a tenth of the window) counts for a window and the time
    # in flight after it ends.
    assert 1.4 <= waited <= 2.2
    assert sent(account) == 4


@pytest.mark.django_db
def test_background_work_leaves_a_share_for_live_reads(make_account):
    account = make_account("stora")
    minute = RateLimit(10, 60)
    background = budget(account, minute, max_wait=0)
    reviewer = budget(account, minute, priority=Priority.LIVE, max_wait=0)

    for _ in range(8):
        background.acquire()
    with pytest.raises(BudgetSpent):
        background.acquire()
    reviewer.acquire()
    reviewer.acquire()
    with pytest.raises(BudgetSpent):
        reviewer.acquire()

    assert sent(account) == 10


@pytest.mark.django_db
def test_every_window_must_have_room(make_account):
    account = make_account("stora")
    limited = budget(account, RateLimit(10, 1), RateLimit(4, 60), priority=Priority.LIVE)
    limited.max_wait = 0

    for _ in range(4):
        limited.acquire()
    with pytest.raises(BudgetSpent):
        limited.acquire()


@pytest.mark.django_db
def test_background_work_gives_up_at_once_with_a_readable_error_when_the_wait_is_long(
    make_account,
):
    account = make_account("idenfy", name="idenfy-main")
    hourly = Budget(
        account_id=account.pk,
        account=account.name,
        provider="iDenfy",
        limits=(RateLimit(1, 3600),),
    )
    hourly.acquire()

    started = time.monotonic()
    with pytest.raises(BudgetSpent) as caught:
        hourly.acquire()

    assert time.monotonic() - started < 1
    assert caught.value.status == 429
    assert re.fullmatch(
        r"iDenfy account 'idenfy-main' has used its request budget \(1 request per hour, "
        r"80% of it for background work\); the next request fits in 6\d min, longer than "
        r"background work waits\.",
        str(caught.value),
    )


def test_no_limits_is_no_budget():
    Budget(account_id=1, account="a", provider="Equals", limits=()).acquire()


@pytest.mark.django_db(transaction=True)
def test_threads_sharing_one_budget_never_exceed_it(make_account):
    """Each thread has its own database connection, as separate processes would."""
    account = make_account("stora")
    taken: list[bool] = []
    lock = threading.Lock()

    def spend() -> None:
        mine = budget(account, RateLimit(25, 60), priority=Priority.LIVE, max_wait=0)
        try:
            for _ in range(10):
                try:
                    mine.acquire()
                    ok = True
                except BudgetSpent:
                    ok = False
                with lock:
                    taken.append(ok)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(taken) == 60
    assert taken.count(True) == 25
    assert sent(account) == 25


# A process of its own that takes from account argv[1]'s budget of 60 requests a minute,
# forty times in turn with the others, from the moment argv[2] (a Unix time); it prints
# how many it was given.
TAKER = """
import sys, time, django
django.setup()
from idvdash.providers.ratelimit import Budget, BudgetSpent, Priority
from idvdash.providers.spec import RateLimit
budget = Budget(account_id=int(sys.argv[1]), account="shared", provider="Stora",
                limits=(RateLimit(60, 60),), priority=Priority.LIVE, max_wait=0)
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
given = 0
for _ in range(40):
    try:
        budget.acquire()
        given += 1
    except BudgetSpent:
        pass
    time.sleep(0.01)  # let the other processes in between
print(given)
"""


def database_url() -> str:
    """The test database as a URL another process can open."""
    db = connections["default"].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_processes_sharing_one_budget_never_exceed_it(make_account):
    account = make_account("stora")
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "idvdash.settings",
    }
    start = str(time.time() + 4)  # once every process has started Django
    takers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", TAKER, str(account.pk), start],
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    given = [int(taker.communicate(timeout=60)[0]) for taker in takers]

    assert sum(given) == 60, given
    assert min(given) > 0, f"the processes did not overlap: {given}"
    assert sent(account) == 60


@pytest.mark.django_db
def test_the_budget_counts_requests_made_inside_a_callers_transaction_that_fails(
    make_account,
):
    from django.db import transaction

    account = make_account("stora")
    limited = budget(account, RateLimit(5, 60), priority=Priority.LIVE)

    def callers_work() -> None:
        with transaction.atomic():
            limited.acquire()
            raise RuntimeError("the caller's work failed after its request was sent")

    with pytest.raises(RuntimeError):
        callers_work()
    limited.acquire()

    if connections["default"].vendor == "postgresql":
        assert sent(account) == 2
    else:
        # SQLite has one connection that writes: the count is undone with the caller's.
        assert sent(account) == 1


@pytest.mark.django_db
def test_a_lost_connection_of_the_budget_is_replaced(make_account):
    if connections["default"].vendor != "postgresql":
        pytest.skip("on SQLite the budget counts on the caller's connection")
    account = make_account("stora")
    limited = budget(account, RateLimit(5, 60), priority=Priority.LIVE)
    limited.acquire()

    ratelimit._own_connection().connection.close()  # as when the server restarts
    limited.acquire()

    assert sent(account) == 2


# --- every request passes the budget ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fault",
    [
        {"fault": "rate_limit", "retry_after": 0},  # retried by the session (urllib3)
        {"fault": "reset"},  # a broken body, asked for again by ProviderHttp
    ],
)
def test_a_request_sent_again_takes_from_the_budget_too(make_account, sandbox_faults, fault):
    account = make_account(
        "stora",
        credentials={"access_token": SANDBOX_STORA_ACCESS_TOKEN},
        rate_limits=[{"requests": 2, "seconds": 3600}],
    )
    sandbox_faults.add(provider="stora", endpoint="list", **fault)
    client = client_for(account, priority=Priority.LIVE)
    try:
        next(client.iter_pages())
        assert sent(account) == 2
        with pytest.raises(BudgetSpent):
            next(client.iter_pages())
    finally:
        client.close()

    assert sent(account) == 2


@pytest.mark.django_db
def test_token_requests_take_from_the_budget(make_account):
    account = make_account("stora", rate_limits=[{"requests": 100, "seconds": 60}])
    client = client_for(account)
    try:
        client.check_connection()
    finally:
        client.close()

    assert sent(account) == 2  # the token, then the list


# --- end to end: the documented limits hold ---------------------------------------------

# Each provider's limits scaled down so a test reaches them within seconds; the account
# and the enforcing sandbox are given the same ones.
SCALED = {
    "idenfy": [{"requests": 60, "seconds": 1}],
    "swan": [{"requests": 3, "seconds": 1}],
    "stora": [{"requests": 3, "seconds": 1}, {"requests": 6, "seconds": 3}],
}
LIVE_READS = 3


def sync_while_reviewers_read(account: ProviderAccount) -> tuple[SyncRun, list]:
    """Sync the account in a thread; meanwhile read records live as they arrive."""
    runs: list[SyncRun] = []

    def run_sync() -> None:
        try:
            runs.append(sync.sync_account(account=account))
        finally:
            connections.close_all()

    syncing = threading.Thread(target=run_sync)
    syncing.start()
    results = []
    deadline = time.monotonic() + 30
    while len(results) < LIVE_READS and time.monotonic() < deadline:
        rows = Verification.objects.filter(account=account).order_by("pk")[len(results) :]
        for row in rows[: LIVE_READS - len(results)]:
            results.append(live.fetch(verification=row, read=LiveRead.FULL_STATUS))
        time.sleep(0.05)
    syncing.join(timeout=120)
    return runs[0], results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", sorted(SCALED))
def test_a_full_sync_with_backfill_and_live_reads_meets_no_429_from_an_enforcing_provider(
    kind, make_account, sandbox_rate_limits, settings
):
    settings.BACKFILL_SECONDS = 5  # iDenfy's: its list leaves the times out
    sandbox_rate_limits.configure(enforce=True, limits={kind: SCALED[kind]})
    account = make_account(kind, rate_limits=SCALED[kind])

    run, reads = sync_while_reviewers_read(account)

    assert sandbox_rate_limits.as_dict()["throttled"][kind] == 0
    assert run.state == SyncRun.State.SUCCEEDED, run.error
    assert (run.backfilled > 0) == (kind == "idenfy")
    assert [result.error for result in reads] == [""] * LIVE_READS
    # More requests went than the tightest window holds: the budget made them wait.
    assert sent(account) > min(limit["requests"] for limit in SCALED[kind])


@pytest.mark.django_db(transaction=True)
def test_a_budget_above_the_providers_limit_meets_its_429s(make_account, sandbox_rate_limits):
    """The check above can fail: the sandbox refuses a client that does not keep to it."""
    sandbox_rate_limits.configure(enforce=True, limits={"idenfy": SCALED["idenfy"]})
    account = make_account("idenfy", rate_limits=[{"requests": 1000, "seconds": 1}])

    sync.sync_account(account=account)

    assert sandbox_rate_limits.as_dict()["throttled"]["idenfy"] > 0
