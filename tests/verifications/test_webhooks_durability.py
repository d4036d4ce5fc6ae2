"""A receiver killed in the middle of a burst loses no delivery it acknowledged.

gunicorn serves the test database (committed data: a transactional test) in a process
group of its own; a SIGKILL to the group stops the master and its workers at once, as
a crashed machine or an OOM-killed container would. A provider retries what was not
acknowledged; after a restart every delivery is then stored exactly once.
"""

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DatabaseError
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from idvdash.providers.models import ProviderAccount
from idvdash.verifications import tasks, webhooks
from idvdash.verifications.models import WebhookDrain, WebhookEvent
from tools.bench import deliveries
from tools.bench.list_bench import server_environment
from tools.bench.load import BASE, gunicorn_command
from tools.processes import free_port, wait_until_healthy

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "whsec-durability-3f9a"
DELIVERIES = 160
SENDERS = 4
KILL_AFTER = DELIVERIES // 3


@contextmanager
def receiver() -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn (production settings) on the test database, in its own process group."""
    port = free_port()
    env = {**os.environ, **server_environment()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(  # noqa: S603
        gunicorn_command(port=port, workers=2, threads=2),
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    root = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(f"{root}/healthz", process=process, name="gunicorn")
        yield root, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def stored_keys(account: ProviderAccount) -> list[str]:
    return list(WebhookEvent.objects.filter(account=account).values_list("key", flat=True))


def keys_stored_twice(account: ProviderAccount) -> list[str]:
    counted = WebhookEvent.objects.filter(account=account).values("key").annotate(n=Count("id"))
    return [row["key"] for row in counted if row["n"] > 1]


def test_a_receiver_killed_mid_burst_loses_no_acknowledged_delivery():
    account = ProviderAccount.objects.create(
        name="idenfy-durable",
        kind="idenfy",
        base_url="http://127.0.0.1:9",
        credentials={"api_key": "k", "api_secret": "s", "webhook_signing_key": SECRET},
    )
    requests = deliveries.burst(
        f"/webhooks/{account.name}/", SECRET, events=DELIVERIES, duplicates=0
    )
    keys = [deliveries.key_of(request) for request in requests]
    answers: dict[int, deliveries.Answer] = {}

    with receiver() as (root, process):
        burst = threading.Thread(
            target=deliveries.send_all,
            args=(root, requests),
            kwargs={"senders": SENDERS, "answers": answers},
        )
        burst.start()
        deadline = time.monotonic() + 15
        while len(answers) < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.005)
        os.killpg(process.pid, signal.SIGKILL)
        burst.join(timeout=60)

    acknowledged = {keys[i] for i, answer in answers.items() if answer.acknowledged}
    unacknowledged = [i for i in range(len(requests)) if not answers[i].acknowledged]
    assert len(acknowledged) >= KILL_AFTER - SENDERS
    assert unacknowledged, "the server was killed after the burst, not in it"
    stored = stored_keys(account)
    assert acknowledged <= set(stored), "an acknowledged delivery was lost"
    assert keys_stored_twice(account) == []

    with receiver() as (root, _):
        retried = deliveries.send_all(root, [requests[i] for i in unacknowledged], senders=SENDERS)

    assert all(answer.acknowledged for answer in retried.values())
    stored = stored_keys(account)
    assert sorted(stored) == sorted(keys)  # every key once
    # Every stored event waits for a queued drain: none waits for a task that never comes.
    queued = [
        args_kwargs["args"]
        for args_kwargs in DBTaskResult.objects.filter(
            task_path__endswith=".drain_webhooks"
        ).values_list("args_kwargs", flat=True)
    ]
    assert queued == [[account.pk]]
    assert WebhookDrain.objects.filter(account=account).exists()


def test_an_event_is_stored_only_together_with_its_queued_processing(monkeypatch):
    # Were the task queued after the event's commit, a receiver that died (or a queue
    # write that failed) in between would leave an event no worker ever takes, and the
    # provider's retry would be answered "Already received".
    account = ProviderAccount.objects.create(
        name="idenfy-queue",
        kind="idenfy",
        base_url="http://127.0.0.1:9",
        credentials={"api_key": "k", "api_secret": "s", "webhook_signing_key": SECRET},
    )
    request = deliveries.idenfy_delivery(f"/webhooks/{account.name}/", SECRET, scan=1, step=0)

    class Unavailable:
        def enqueue(self, *args: object) -> None:
            raise DatabaseError("the queue is unavailable")

    monkeypatch.setattr(tasks, "drain_webhooks", Unavailable())
    with pytest.raises(DatabaseError):
        webhooks.receive(
            account_name=account.name, headers=request.headers, body=request.body.encode()
        )

    assert not WebhookEvent.objects.exists()
