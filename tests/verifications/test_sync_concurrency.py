"""R14: two syncs of one account at once, reviewers reading meanwhile (real threads, real DB)."""

import threading

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse

from idvdash.verifications import sync
from idvdash.verifications.models import SyncRun, Verification
from tests.plugins.sandbox import SMALL_PAGES

pytestmark = pytest.mark.django_db(transaction=True)

READERS = 4
READS_EACH = 10
REFUSAL_START = sync.REFUSED.split("{")[0]  # "A sync of "


def in_thread(target, results: list, *args) -> threading.Thread:
    def run():
        try:
            results.append(("ok", target(*args)))
        except Exception as err:  # collected and asserted on below
            results.append(("error", err))
        finally:
            connections.close_all()

    return threading.Thread(target=run)


@pytest.fixture
def reader(django_user_model):
    """A reviewer (a transactional test may run after a flush: the group is made here)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Reviewers")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["view_verification", "view_syncrun"])
    )
    user = django_user_model.objects.create_user("concurrent-reader")
    user.groups.add(group)
    return user


def test_one_sync_runs_the_other_is_refused_and_readers_are_served(
    make_account, sandbox_faults, reader
):
    from idvdash.providers.registry import client_for

    account = make_account("equals")
    # Every page takes a while, so the two syncs and the readers overlap.
    sandbox_faults.add(provider="equals", endpoint="list", fault="slow", times=None, delay=0.1)
    start = threading.Barrier(2)

    def one_sync():
        start.wait()
        return sync.sync_account(
            account=account, client=client_for(account, **SMALL_PAGES["equals"])
        )

    signed_in = Client()
    signed_in.force_login(reader)
    cookie = signed_in.cookies

    def read():
        client = Client()
        client.cookies = cookie
        statuses = []
        for _ in range(READS_EACH):
            statuses.append(client.get(reverse("sync:status")).status_code)
            statuses.append(client.get(reverse("verifications:list")).status_code)
        return statuses

    sync_results: list = []
    read_results: list = []
    threads = [in_thread(one_sync, sync_results) for _ in range(2)]
    threads += [in_thread(read, read_results) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcomes = sorted(kind for kind, _ in sync_results)
    assert outcomes == ["error", "ok"], sync_results
    refused = next(value for kind, value in sync_results if kind == "error")
    assert isinstance(refused, sync.SyncRefused), refused
    assert str(refused).startswith(REFUSAL_START)
    run = next(value for kind, value in sync_results if kind == "ok")
    assert run.state == SyncRun.State.SUCCEEDED, run.error
    assert SyncRun.objects.filter(account=account).count() == 1
    # No lost update: every row the run counted is there, exactly once.
    assert Verification.objects.filter(account=account).count() == run.created
    for kind, value in read_results:
        assert kind == "ok", value
        assert not isinstance(value, OperationalError)
        assert set(value) == {200}, value
