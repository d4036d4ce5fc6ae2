"""Webhooks: receive, store, answer; then process through the sync's one write path.

Receiving never calls a provider and never writes the mirror: it checks the delivery
(size, account, secret, signature, shape), stores a WebhookEvent, and only then
answers 2xx. A worker processes the event: the provider's reader says which records
it teaches (from the notice itself, or re-read from the provider), and `sync.upsert_page`
writes them, as it writes every page of a sync.

Idempotent and ordered: a delivery whose provider key was seen before for the account
is answered 2xx and changes nothing; a record older than what the mirror holds
(provider times decide; a preliminary iDenfy result never replaces a final one) is
not written.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from idvdash.providers.base import Page, ProviderClient, VerificationRecord
from idvdash.providers.errors import ProviderError
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import PROVIDERS, client_for
from idvdash.providers.webhooks import MAX_BODY, Notice, Refused

from . import sync
from .models import Verification, WebhookEvent

log = logging.getLogger(__name__)

# A claimed event is another worker's for this long; then it is taken to have died.
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)

NO_ACCOUNT = "No provider account is called that."
UNCONFIGURED = (
    "This account has no webhook secret ({credential}); an administrator must set it "
    "before deliveries are accepted."
)
TOO_LARGE = f"The delivery is larger than {MAX_BODY // 1024} KiB."
STORED = "Stored."
DUPLICATE = "Already received; nothing changed."
UNEXPECTED = "Unexpected {error} while processing the event (reference: webhook event {pk})."
GAVE_UP = " Gave up after {attempts} attempts; use 'Process again' in the admin."


@dataclass(frozen=True, slots=True)
class Reply:
    """What the receiver answers: a status and one sentence that quotes nothing sent."""

    status: int
    message: str


def receive(
    *, account_name: str, headers: Mapping[str, str], body: bytes | None, now: float | None = None
) -> Reply:
    """Check one delivery and store it; `body` None means it was larger than MAX_BODY."""
    if body is None:
        return Reply(413, TOO_LARGE)
    account = ProviderAccount.objects.filter(name=account_name).first()
    known = PROVIDERS.get(account.kind) if account else None
    if account is None or known is None or known.webhooks is None:
        return Reply(404, NO_ACCOUNT)
    reader = known.webhooks
    secret = _secret(account, reader.CREDENTIAL)
    if not secret:
        return Reply(403, UNCONFIGURED.format(credential=reader.CREDENTIAL))
    try:
        reader.verify(headers, body, secret, time.time() if now is None else now)
        notice = reader.read(headers, body)
    except Refused as refused:
        return Reply(refused.status, refused.reason)
    return Reply(200, STORED if store(account=account, notice=notice) else DUPLICATE)


def store(*, account: ProviderAccount, notice: Notice) -> WebhookEvent | None:
    """Store a notice durably and queue its processing; None when its key was seen before."""
    from .tasks import process_webhook  # tasks imports this module

    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                account=account,
                key=notice.key,
                event_type=notice.event_type,
                reference=notice.reference,
                occurred_at=notice.occurred_at,
                facts=notice.facts,
            )
            # The queue is a table of the same database: the event and its task commit
            # together. Queued after the commit, a receiver that died in between (or a
            # queue write that failed) would leave an event no worker ever takes, and
            # the provider's retry would be answered "Already received".
            process_webhook.enqueue(event.pk)
    except IntegrityError:
        return None
    return event


def process_due(*, now: datetime | None = None, everything: bool = False) -> tuple[int, int]:
    """Process events that are due (every unfinished one with `everything`); return (ok, failed)."""
    now = now or timezone.now()
    due = WebhookEvent.objects.exclude(state=WebhookEvent.State.PROCESSED)
    if not everything:
        due = due.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        due = due.filter(attempts__lt=MAX_ATTEMPTS)
    ok = failed = 0
    for pk in due.order_by("received_at", "id").values_list("pk", flat=True).iterator():
        state = process(event_id=pk, now=now, force=everything)
        ok += state == WebhookEvent.State.PROCESSED
        failed += state == WebhookEvent.State.FAILED
    return ok, failed


def queue_due(*, now: datetime | None = None) -> int:
    """Queue processing of failed events whose retry is due (the scheduler calls this)."""
    from .tasks import process_webhook

    now = now or timezone.now()
    due = list(
        WebhookEvent.objects.exclude(state=WebhookEvent.State.PROCESSED)
        .filter(attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=now)
        .values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        process_webhook.enqueue(pk)
    return len(due)


def process(*, event_id: int, now: datetime | None = None, force: bool = False) -> str:
    """Process one event if it is free to take; return its state afterwards ("" if not taken)."""
    now = now or timezone.now()
    if not _claim(event_id, now=now, force=force):
        return ""
    event = WebhookEvent.objects.select_related("account").get(pk=event_id)
    try:
        written = apply(event)
    except ProviderError as err:
        _fail(event, str(err), now=now)
    except Exception as err:
        # The frames, not the message: an exception's text may quote provider data.
        log.error(
            "webhook event %s of account %s failed: unexpected %s (message withheld)\n%s",
            event.pk,
            event.account.name,
            type(err).__name__,
            "".join(traceback.format_tb(err.__traceback__)),
        )
        _fail(event, UNEXPECTED.format(error=type(err).__name__, pk=event.pk), now=now)
    else:
        with transaction.atomic():
            event.changed.add(*written)
            event.state = WebhookEvent.State.PROCESSED
            event.processed_at = timezone.now()
            event.next_attempt_at = None
            event.error = ""
            event.save(update_fields=["state", "processed_at", "next_attempt_at", "error"])
    return event.state


def apply(event: WebhookEvent) -> list[int]:
    """Learn the event's records and write the newer ones; return the pks written."""
    account = event.account
    reader = PROVIDERS[account.kind].webhooks
    notice = Notice(
        key=event.key,
        event_type=event.event_type,
        reference=event.reference,
        occurred_at=event.occurred_at,
        facts=event.facts,
    )
    client = ClientOnDemand(account)
    try:
        records = reader.learn(client, notice)
    finally:
        client.close()
    written: list[str] = []
    with transaction.atomic():
        # Compare and write under one lock per account: two workers holding events for
        # the same record must not both read the row before either writes it, or the
        # older event could win. (SQLite's IMMEDIATE transactions serialise writers
        # already; on PostgreSQL the account row is the lock.)
        list(ProviderAccount.objects.select_for_update().filter(pk=account.pk).values_list("pk"))
        fresh = _newer_than_stored(account, records)
        sync.upsert_page(
            account=account,
            page=Page(records=fresh, checkpoint={}),
            now=timezone.now(),
            written=written,
        )
    if not written:
        return []
    return list(
        Verification.objects.filter(account=account, external_id__in=written).values_list(
            "pk", flat=True
        )
    )


class ClientOnDemand:
    """The account's client, built the first time a reader calls it.

    iDenfy's and most of Stora's events carry their record: learning them needs no
    session, no credentials and no provider call, so none is made.
    """

    def __init__(self, account: ProviderAccount) -> None:
        self._account = account
        self._client: ProviderClient | None = None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            self._client = client_for(self._account)
        return getattr(self._client, name)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def _newer_than_stored(
    account: ProviderAccount, records: list[VerificationRecord]
) -> list[VerificationRecord]:
    """Drop records older than the row the mirror holds (an out-of-order delivery)."""
    stored = {
        row["external_id"]: row
        for row in Verification.objects.filter(
            account=account, external_id__in=[r.external_id for r in records]
        ).values("external_id", "provider_updated_at", "outcome", "raw")
    }
    superseded = PROVIDERS[account.kind].superseded
    fresh = []
    for record in records:
        row = stored.get(record.external_id)
        if row is not None and (
            (
                record.times_given
                and record.updated_at is not None
                and record.updated_at < row["provider_updated_at"]
            )
            or superseded(row, record)
        ):
            continue
        fresh.append(record)
    return fresh


def _claim(event_id: int, *, now: datetime, force: bool) -> bool:
    """Take the event for this worker: one UPDATE, so two workers never both take it."""
    free = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    takeable = WebhookEvent.objects.filter(pk=event_id).exclude(state=WebhookEvent.State.PROCESSED)
    if not force:
        takeable = takeable.filter(free)
    return bool(takeable.update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE))


def _fail(event: WebhookEvent, error: str, *, now: datetime) -> None:
    event.refresh_from_db(fields=["attempts"])
    event.state = WebhookEvent.State.FAILED
    if event.attempts >= MAX_ATTEMPTS:
        event.next_attempt_at = None
        error += GAVE_UP.format(attempts=event.attempts)
    else:
        event.next_attempt_at = now + min(BACKOFF_BASE * 2 ** (event.attempts - 1), BACKOFF_MAX)
    event.error = error
    event.save(update_fields=["state", "next_attempt_at", "error"])
    log.warning("webhook event %s of %s failed: %s", event.pk, event.account.name, error)


def _secret(account: ProviderAccount, credential: str) -> str:
    try:
        value = account.credentials.get(credential, "")
    except Exception:  # unreadable credentials: as good as none
        return ""
    return value.strip() if isinstance(value, str) else ""
