"""Drains: a burst of deliveries queues one task per account, which writes them in batches.

Processing one event at a time cost a dozen statements per event; a drain claims a
batch, writes each identification's newest record once, links and finishes the batch
in one transaction. These tests hold it to what one-at-a-time processing promised:
every event once, the newest state wins, the timeline shows every event that changed
the record, and no stored event is left without a drain that will take it.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from idvdash.providers.models import ProviderAccount
from idvdash.verifications import webhooks
from idvdash.verifications.models import Outcome, Verification, WebhookDrain, WebhookEvent
from idvdash.verifications.webhooks import processing
from tools.bench import deliveries

pytestmark = pytest.mark.django_db

SECRET = "whsec-drain-51c2"
FINAL_STEP = len(deliveries.LIFE) - 1


def idenfy_account(name: str = "idenfy-drains") -> ProviderAccount:
    return ProviderAccount.objects.create(
        name=name,
        kind="idenfy",
        base_url="http://127.0.0.1:9",  # never called: iDenfy's deliveries carry the record
        credentials={"api_key": "k", "api_secret": "s", "webhook_signing_key": SECRET},
    )


def deliver(account: ProviderAccount, *, scan: int, step: int) -> webhooks.Reply:
    request = deliveries.idenfy_delivery(f"/webhooks/{account.name}/", SECRET, scan=scan, step=step)
    return webhooks.receive(
        account_name=account.name, headers=request.headers, body=request.body.encode()
    )


def drains_queued() -> list[list]:
    return sorted(
        result["args"]
        for result in DBTaskResult.objects.filter(
            task_path__endswith=".drain_webhooks"
        ).values_list("args_kwargs", flat=True)
    )


def test_a_burst_queues_one_drain_per_account():
    first, second = idenfy_account("idenfy-one"), idenfy_account("idenfy-two")

    for scan in range(5):
        assert deliver(first, scan=scan, step=0).status == 200
    assert deliver(second, scan=0, step=0).status == 200

    assert drains_queued() == [[first.pk], [second.pk]]
    assert set(WebhookDrain.objects.values_list("account_id", flat=True)) == {first.pk, second.pk}


def test_a_delivery_after_the_drain_started_queues_the_next():
    account = idenfy_account()
    deliver(account, scan=1, step=0)

    assert webhooks.drain(account_id=account.pk) == (1, 0)
    assert not WebhookDrain.objects.exists()
    deliver(account, scan=1, step=1)

    assert drains_queued() == [[account.pk], [account.pk]]
    assert webhooks.drain(account_id=account.pk) == (1, 0)
    assert Verification.objects.get().outcome == Outcome.SUSPECTED


@pytest.mark.parametrize(
    ("order", "changed_by"),
    [
        # In order: the resubmission's preliminary result never replaces the decision.
        ((0, 1, 2, 3), 3),
        ((3, 2, 1, 0), 1),  # newest first: the older ones change nothing
        ((1, 0, 3, 2), 2),  # the decision, then the final decision
    ],
)
def test_one_batch_ends_at_the_newest_event_and_links_those_that_changed_it(order, changed_by):
    account = idenfy_account()
    for step in order:
        deliver(account, scan=7, step=step)

    assert webhooks.drain(account_id=account.pk) == (len(order), 0)

    row = Verification.objects.get()
    assert row.raw_status == deliveries.LIFE[FINAL_STEP][2]
    assert row.outcome == Outcome.APPROVED
    expected = deliveries.STARTED + 7 + deliveries.STEP_SECONDS * (FINAL_STEP + 1)
    assert row.provider_updated_at.timestamp() == expected
    assert row.webhook_events.count() == changed_by
    assert set(WebhookEvent.objects.values_list("state", "attempts")) == {("processed", 1)}


def test_a_batch_costs_the_same_statements_whatever_its_size():
    def statements(account: ProviderAccount, events: int) -> int:
        for i in range(events):
            deliver(account, scan=i // 4, step=i % 4)
        with CaptureQueriesContext(connection) as queries:
            assert webhooks.drain(account_id=account.pk) == (events, 0)
        return len(queries)

    assert statements(idenfy_account("small"), 8) == statements(idenfy_account("large"), 80)


def test_more_events_than_a_batch_are_all_drained(monkeypatch):
    monkeypatch.setattr(processing, "BATCH", 6)
    account = idenfy_account()
    for i in range(20):
        deliver(account, scan=i // 4, step=(i * 3) % 4)  # shuffled within each identification

    assert webhooks.drain(account_id=account.pk) == (20, 0)

    assert Verification.objects.count() == 5
    assert set(Verification.objects.values_list("outcome", flat=True)) == {Outcome.APPROVED}


def test_the_scheduler_queues_again_a_drain_that_was_lost():
    account = idenfy_account()
    deliver(account, scan=1, step=0)
    DBTaskResult.objects.all().delete()  # the task was lost with a dead worker

    assert webhooks.queue_due() == 0  # its marker is fresh: the drain may still come
    WebhookDrain.objects.update(queued_at=timezone.now() - webhooks.LEASE - timedelta(seconds=1))
    assert webhooks.queue_due() == 1
    assert drains_queued() == [[account.pk]]

    WebhookDrain.objects.all().delete()  # a drain that started, claimed nothing, then died
    assert webhooks.queue_due() == 1
    assert webhooks.drain(account_id=account.pk) == (1, 0)
    assert webhooks.queue_due() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers: a drain cannot start inside a receiver's transaction",
)
def test_a_drain_waits_for_a_receiver_that_found_it_queued():
    # Without the lock a drain could look for events between a receiver finding the
    # drain queued and that receiver's commit: the event would wait for no drain at all.
    account = idenfy_account()
    deliver(account, scan=1, step=0)  # queues the drain
    stored, go = threading.Event(), threading.Event()
    drained: list[tuple[int, int]] = []

    def receiver() -> None:
        try:
            with transaction.atomic():
                deliver(account, scan=2, step=0)  # finds the drain queued
                stored.set()
                go.wait(10)
        finally:
            connection.close()

    def worker() -> None:
        try:
            drained.append(webhooks.drain(account_id=account.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=receiver), threading.Thread(target=worker)]
    threads[0].start()
    assert stored.wait(10)
    threads[1].start()
    time.sleep(0.5)
    assert not drained, "the drain started while a receiver's event was uncommitted"
    go.set()
    for thread in threads:
        thread.join(10)

    assert drained == [(2, 0)]
    assert not WebhookEvent.objects.exclude(state=WebhookEvent.State.PROCESSED).exists()


def test_a_burst_reads_its_account_once():
    account = idenfy_account()
    deliver(account, scan=1, step=0)

    with CaptureQueriesContext(connection) as queries:
        for scan in range(2, 6):
            assert deliver(account, scan=scan, step=0).status == 200

    assert not [q for q in queries if "providers_provideraccount" in q["sql"]]
    assert WebhookEvent.objects.count() == 5


def test_a_rotated_secret_takes_effect_at_once():
    account = idenfy_account()
    assert deliver(account, scan=1, step=0).status == 200

    account.credentials = {**account.credentials, "webhook_signing_key": "whsec-rotated"}
    account.save()

    assert deliver(account, scan=2, step=0).status == 401


@pytest.mark.django_db(transaction=True)  # the foreign key is checked at the commit
def test_a_delivery_for_an_account_deleted_meanwhile_is_not_acknowledged():
    account = idenfy_account()
    webhooks.receiving_account(account.name)  # remembered by this process
    # Deleted by another process: this one hears no signal.
    ProviderAccount.objects.filter(pk=account.pk)._raw_delete(connection.alias)

    with pytest.raises(IntegrityError):
        deliver(account, scan=1, step=0)

    assert not WebhookEvent.objects.exists()
    assert webhooks.receiving_account(account.name) is None


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's one-statement path (SQLite: two)"
)
def test_during_a_burst_a_delivery_is_one_statement():
    account = idenfy_account()
    # Queues the drain, reads the account, and keeps the match keys of the person it
    # names (idvdash/people, in the event's transaction).
    deliver(account, scan=1, step=0)

    with CaptureQueriesContext(connection) as queries:
        assert deliver(account, scan=1, step=1).message == webhooks.STORED

    # The event in one statement, after one look at whether the delivery names anyone
    # or anything idvdash does not hold yet (it does not: nothing else is written).
    assert len(queries) == 2
    assert deliver(account, scan=1, step=1).message == webhooks.DUPLICATE
    assert WebhookEvent.objects.count() == 2
    assert drains_queued() == [[account.pk]]
