"""Benchmark the webhook receiver and its processing against baselines of the same run.

A burst of signed iDenfy deliveries (they need no provider call to process: the record
is in the body) from concurrent senders against gunicorn as production configures it:

- receive p95 ÷ `/healthz` p95, same senders and concurrency, `/healthz` measured
  before and after the burst and pooled;
- every acknowledged (2xx) delivery is a stored WebhookEvent, none is stored twice;
- `manage.py db_worker` processes (the production path: the burst queued one drain of
  the account) run until the queue is empty: every event processed once (one attempt,
  at most one row changed), every identification mirrored at its newest event;
  their wall time ÷ a sync of the same number of iDenfy rows from the sandbox.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db.models import Count
from django.test import override_settings

from idvdash.providers.models import ProviderAccount
from idvdash.verifications import sync
from idvdash.verifications.models import Verification, WebhookEvent
from tools.processes import MANAGE, free_port, sandbox_process

from . import deliveries, load
from .deliveries import LIFE, STARTED, STEP_SECONDS, Answer, Request
from .harness import Figure, count_figure, ratio_figure, timed
from .list_bench import production_like, server_environment
from .sync_bench import make_account

SECRET = "bench-webhook-signing-key"  # noqa: S105 (a throw-away account's)
ACCOUNT = "bench-webhooks"
PROCESSING_TIMEOUT = 3600.0


@dataclass
class Burst:
    requests: list[Request]
    answers: list[Answer]
    healthz: list[Answer]
    seconds: float
    keys: list[str]

    @property
    def acknowledged_keys(self) -> set[str]:
        return {k for k, a in zip(self.keys, self.answers, strict=True) if a.acknowledged}


def send_from_own_process(root: str, requests: list[Request], senders: int) -> list[Answer]:
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        f.write(deliveries.as_json(requests))
        f.flush()
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "tools.bench.deliveries", root, f.name, str(senders)],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=PROCESSING_TIMEOUT,
        )
    return deliveries.answers_from_json(out.stdout)


def receive_burst(*, events: int, senders: int) -> Burst:
    account = ProviderAccount.objects.create(
        name=ACCOUNT,
        kind="idenfy",
        base_url="http://127.0.0.1:9",  # never called: iDenfy's deliveries carry the record
        credentials={"api_key": "bench", "api_secret": "bench", "webhook_signing_key": SECRET},
    )
    path = f"/webhooks/{account.name}/"
    requests = deliveries.burst(path, SECRET, events=events, duplicates=max(1, events // 100))
    health = [Request("GET", "/healthz", {})] * min(events, 2000)
    with (
        production_like(),
        load.production_server(port=free_port(), environment=server_environment()) as root,
    ):
        before = send_from_own_process(root, health, senders)
        seconds, answers = timed(partial(send_from_own_process, root, requests, senders))
        after = send_from_own_process(root, health, senders)
    keys = [deliveries.key_of(r) for r in requests]
    return Burst(requests, answers, before + after, seconds, keys)


def receive_figures(burst: Burst, senders: int) -> list[Figure]:
    account = ProviderAccount.objects.get(name=ACCOUNT)
    events = WebhookEvent.objects.filter(account=account)
    stored = set(events.values_list("key", flat=True))
    acknowledged = burst.acknowledged_keys
    twice = events.values("key").annotate(n=Count("id")).filter(n__gt=1).count()
    unanswered = [a for a in burst.answers if not a.acknowledged]
    said = [a.text for a in burst.answers if a.acknowledged]
    return [
        ratio_figure(
            f"receive p95 ÷ /healthz p95 ({senders} senders, gunicorn)",
            measured=deliveries.p95([a.seconds for a in burst.answers if a.acknowledged]),
            baseline=deliveries.p95([a.seconds for a in burst.healthz if a.acknowledged]),
            at_most=3.0,
            note=f"{len(burst.answers)} deliveries; not 2xx: {len(unanswered)}",
        ),
        count_figure(
            "acknowledged deliveries not stored (lost)",
            len(acknowledged - stored),
            len(acknowledged),
            unit="keys",
            note=f"'Stored.' {said.count('Stored.')}, 'Already received' "
            f"{sum(t.startswith('Already') for t in said)}",
        ),
        count_figure("keys stored twice", twice, len(stored), unit="keys"),
    ]


def worker_command(worker_id: str) -> list[str]:
    return [
        sys.executable,
        MANAGE,
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.05",
        "--worker-id",
        worker_id,
        "--verbosity",
        "0",
    ]


def run_workers(count: int) -> float:
    """Run `count` db_worker processes until the queue is empty; return their wall time."""
    env = {**os.environ, **server_environment()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.perf_counter()
        workers = [
            subprocess.Popen(  # noqa: S603
                worker_command(f"bench-{i}"), env=env, stdout=subprocess.DEVNULL, stderr=errors
            )
            for i in range(count)
        ]
        codes = [worker.wait(timeout=PROCESSING_TIMEOUT) for worker in workers]
        elapsed = time.perf_counter() - started
        if any(codes):
            errors.seek(0)
            raise RuntimeError(f"db_worker exited with {codes}: {errors.read()[-2000:]}")
    return elapsed


def processing_checks(events: int) -> list[Figure]:
    account = ProviderAccount.objects.get(name=ACCOUNT)
    stored = WebhookEvent.objects.filter(account=account)
    total = stored.count()
    unprocessed = stored.exclude(state=WebhookEvent.State.PROCESSED).count()
    retried = stored.filter(attempts__gt=1).count()
    # An iDenfy event is about one identification: it changes one row at most.
    rewritten = stored.annotate(n=Count("changed")).filter(n__gt=1).count()
    steps = len(LIFE)
    newest_event, newest_status = STEP_SECONDS * steps, LIFE[-1][2]
    rows = Verification.objects.filter(account=account)
    identifications = (events + steps - 1) // steps
    stale = sum(
        raw_status != newest_status
        or updated.timestamp() != STARTED + int(external_id.rsplit("-", 1)[1]) + newest_event
        for external_id, raw_status, updated in rows.values_list(
            "external_id", "raw_status", "provider_updated_at"
        )
    )
    missing = identifications - rows.count()
    return [
        count_figure(
            "stored events not processed", unprocessed, total, unit="events", note="db_worker"
        ),
        count_figure(
            "events processed more than once",
            retried + rewritten,
            total,
            unit="events",
            note=f"attempts > 1: {retried}; more than one row changed: {rewritten}",
        ),
        count_figure(
            "identifications not at their newest event",
            stale + missing,
            identifications,
            unit="rows",
            note=f"missing rows: {missing}; older state: {stale}",
        ),
    ]


@override_settings(BACKFILL_SECONDS=0)  # what polling the rows costs, not the backfill after
def sync_baseline(rows: int) -> tuple[float, int]:
    """Wall time of a sync of `rows` iDenfy rows from the sandbox; the rows it wrote."""
    with sandbox_process(size=rows) as root:
        account = make_account(name="bench-webhooks-sync", kind="idenfy", root=root)
        seconds, run = timed(partial(sync.sync_account, account=account))
        if run.state != "succeeded":
            raise RuntimeError(f"the baseline sync {run.state}: {run.error}")
    return seconds, Verification.objects.filter(account=account).count()


def run(*, events: int, senders: int, workers: int) -> tuple[list[Figure], dict]:
    """`events` is rounded down to whole identifications (len(LIFE) events each)."""
    started = time.perf_counter()
    events -= events % len(LIFE)
    burst = receive_burst(events=events, senders=senders)
    figures = receive_figures(burst, senders)
    processing = run_workers(workers)
    figures += processing_checks(events)
    baseline, rows = sync_baseline(events)
    figures.append(
        ratio_figure(
            f"processing {events} events ÷ sync of {rows} iDenfy rows",
            measured=processing,
            baseline=baseline,
            at_most=2.0,
            note=f"{workers} db_worker process(es)",
        )
    )
    info = {
        "events": events,
        "deliveries": len(burst.requests),
        "senders": senders,
        "workers": workers,
        "deliveries_per_second": round(len(burst.requests) / burst.seconds, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    return figures, info


def failed(figures: list[Figure]) -> list[Figure]:
    """The checks that fail the run: something lost, stored twice or processed twice."""
    return [f for f in figures if f.target == "0" and not f.passed]
