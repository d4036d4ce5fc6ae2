"""Processing stored events: drains claim a batch, learn its records, write the newest.

A batch is written in one transaction under the account's lock: each record is
compared with the newest state so far, as processing the events one by one would,
and only each id's final state goes through `sync.upsert_page`. An event that fails
is retried with backoff and stays visible; nothing is dropped silently.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from idvdash.providers.base import Page, ProviderClient, VerificationRecord
from idvdash.providers.errors import ProviderError
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import PROVIDERS, client_for
from idvdash.providers.webhooks import Notice
from idvdash.retention import tombstones

from .. import normalise, sync
from ..models import Verification, WebhookDrain, WebhookEvent
from .drains import hold_drain_lock, queue_drain

log = logging.getLogger(__name__)

# A claimed event is another worker's for this long; then it is taken to have died.
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 10
# Events a drain claims and writes at once: one upsert, one link insert, one update.
BATCH = 500
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)

UNEXPECTED = "Unexpected {error} while processing the event (reference: webhook event {pk})."
GAVE_UP = " Gave up after {attempts} attempts; use 'Process again' in the admin."


def drain(*, account_id: int) -> tuple[int, int]:
    """Process the account's due events, a batch at a time, until none is due; (ok, failed).

    The drain's marker is removed first (under the exclusive drain lock), so an event
    stored from then on queues the next drain, and every event stored before is seen by
    this one's claims.
    """
    with transaction.atomic():
        hold_drain_lock(account_id)
        WebhookDrain.objects.filter(account_id=account_id).delete()
    ok = failed = 0
    while batch := _claim(account_id=account_id, now=timezone.now()):
        done, not_done = _process_batch(batch)
        ok, failed = ok + done, failed + not_done
    return ok, failed


def process_due(*, now: datetime | None = None, everything: bool = False) -> tuple[int, int]:
    """Process events that are due (every unfinished one with `everything`); return (ok, failed)."""
    now = now or timezone.now()
    due = _due(WebhookEvent.objects.all(), now=now, force=everything)
    pks = list(due.order_by("received_at", "id").values_list("pk", flat=True))
    ok = failed = 0
    for start in range(0, len(pks), BATCH):
        batch = _claim(event_ids=pks[start : start + BATCH], now=now, force=everything)
        done, not_done = _process_batch(batch)
        ok, failed = ok + done, failed + not_done
    return ok, failed


def queue_due(*, now: datetime | None = None) -> int:
    """Queue a drain for each account with due events and no live drain; return how many.

    The scheduler calls this: it starts the retries whose backoff has passed, and recovers
    events whose drain was lost (a worker that died before starting it).
    """
    now = now or timezone.now()
    due = _due(WebhookEvent.objects.all(), now=now)
    accounts = due.order_by("account_id").values_list("account_id", flat=True).distinct()
    queued = 0
    for account_id in list(accounts):
        with transaction.atomic():
            queued += queue_drain(account_id, now=now, stale_after=LEASE)
    return queued


def process(*, event_id: int, now: datetime | None = None, force: bool = False) -> str:
    """Process one event if it is free to take; return its state afterwards ("" if not taken)."""
    batch = _claim(event_ids=[event_id], now=now or timezone.now(), force=force)
    if not batch:
        return ""
    _process_batch(batch)
    return WebhookEvent.objects.values_list("state", flat=True).get(pk=event_id)


def _process_batch(events: list[WebhookEvent]) -> tuple[int, int]:
    """Learn each event's records, then write the batch's newest in one transaction."""
    ok = failed = 0
    by_account: dict[int, list[WebhookEvent]] = {}
    for event in events:
        by_account.setdefault(event.account_id, []).append(event)
    for batch in by_account.values():
        account = batch[0].account
        learned = _learn(account, batch)
        failed += len(batch) - len(learned)
        if not learned:
            continue
        try:
            _write(account, learned)
        except Exception as err:
            _log_unexpected(err, account=account, what=f"a batch of {len(learned)} events")
            for event, _records in learned:
                _fail(event, UNEXPECTED.format(error=type(err).__name__, pk=event.pk))
            failed += len(learned)
        else:
            ok += len(learned)
    return ok, failed


Learned = list[tuple[WebhookEvent, list[VerificationRecord]]]


def _learn(account: ProviderAccount, events: list[WebhookEvent]) -> Learned:
    """Each event's records, from the notice or re-read; an event that fails is failed."""
    reader = PROVIDERS[account.kind].webhooks
    client = ClientOnDemand(account)
    learned: Learned = []
    try:
        for event in events:
            try:
                learned.append((event, reader.learn(client, _notice(event))))
            except ProviderError as err:
                _fail(event, str(err))
            except Exception as err:
                _log_unexpected(err, account=account, what=f"webhook event {event.pk}")
                _fail(event, UNEXPECTED.format(error=type(err).__name__, pk=event.pk))
    finally:
        client.close()
    return learned


def _write(account: ProviderAccount, learned: Learned) -> None:
    """Write the newest record of each id, link the events that changed a row, finish them.

    The events are taken in the order they were received and each record is compared
    with the newest state so far (the stored row, then the batch's own accepted records),
    as processing them one by one would; only each id's final state is written.
    """
    now = timezone.now()
    superseded = PROVIDERS[account.kind].superseded
    with transaction.atomic():
        # Compare and write under one lock per account: two drains holding events for
        # the same record must not both read the row before either writes it, or the
        # older event could win. (SQLite's IMMEDIATE transactions serialise writers
        # already; on PostgreSQL the account row is the lock.)
        list(ProviderAccount.objects.select_for_update().filter(pk=account.pk).values_list("pk"))
        ids = {record.external_id for _event, records in learned for record in records}
        newest: dict[str, Mapping[str, Any]] = {
            row["external_id"]: row
            for row in Verification.objects.filter(
                account=account, external_id__in=list(ids)
            ).values("external_id", "provider_updated_at", "outcome", "raw")
        }
        final: dict[str, VerificationRecord] = {}
        changers: dict[str, list[int]] = {}
        for event, records in learned:
            for record in records:
                row = newest.get(record.external_id)
                if row is not None and (_older(record, row) or superseded(row, record)):
                    continue
                newest[record.external_id] = _as_row(account.kind, record, row)
                final[record.external_id] = record
                changers.setdefault(record.external_id, []).append(event.pk)
        written: list[str] = []
        sync.upsert_page(
            account=account,
            page=Page(records=list(final.values()), checkpoint={}),
            now=now,
            written=written,
        )
        pks = dict(
            Verification.objects.filter(account=account, external_id__in=written).values_list(
                "external_id", "pk"
            )
        )
        link = WebhookEvent.changed.through
        link.objects.bulk_create(
            [
                link(webhookevent_id=event_pk, verification_id=pks[external_id])
                for external_id in written
                for event_pk in changers[external_id]
            ],
            ignore_conflicts=True,
        )
        done = [event.pk for event, _records in learned]
        WebhookEvent.objects.filter(pk__in=done).update(
            state=WebhookEvent.State.PROCESSED, processed_at=now, next_attempt_at=None, error=""
        )
        # Nothing an event kept about a forgotten person outlives its processing.
        tombstones.after_processing(account_id=account.pk, event_ids=done, external_ids=list(ids))


def _older(record: VerificationRecord, row: Mapping[str, Any]) -> bool:
    """Whether the provider's own times say the record is older than the row."""
    stored = row["provider_updated_at"]
    return (
        record.times_given
        and record.updated_at is not None
        and stored is not None
        and record.updated_at < stored
    )


def _as_row(
    kind: str, record: VerificationRecord, row: Mapping[str, Any] | None
) -> Mapping[str, Any]:
    """The row a record becomes, in the shape `_older` and `superseded` compare against."""
    fields = normalise.to_fields(kind, record)
    updated = fields["provider_updated_at"]
    if updated is None and row is not None and row["outcome"] == fields["outcome"]:
        updated = row["provider_updated_at"]  # the write keeps it while the state holds
    return {
        "external_id": record.external_id,
        "provider_updated_at": updated,
        "outcome": fields["outcome"],
        "raw": fields["raw"],
    }


def _notice(event: WebhookEvent) -> Notice:
    return Notice(
        key=event.key,
        event_type=event.event_type,
        reference=event.reference,
        occurred_at=event.occurred_at,
        facts=event.facts,
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


def _due(events: QuerySet[WebhookEvent], *, now: datetime, force: bool = False) -> QuerySet:
    """The unfinished events a worker may take now (every unfinished one with `force`)."""
    due = events.exclude(state=WebhookEvent.State.PROCESSED)
    if force:
        return due
    return due.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), attempts__lt=MAX_ATTEMPTS
    )


def _claim(
    *,
    now: datetime,
    account_id: int | None = None,
    event_ids: list[int] | None = None,
    force: bool = False,
) -> list[WebhookEvent]:
    """Take up to BATCH due events, oldest first, for this worker for a lease.

    One transaction: on PostgreSQL rows another worker is claiming are skipped (SKIP
    LOCKED); SQLite's IMMEDIATE transactions let one claim run at a time. A claimed
    event is not due again until its lease ends, so two workers never both take it.
    """
    events = WebhookEvent.objects.all()
    if account_id is not None:
        events = events.filter(account_id=account_id)
    if event_ids is not None:
        events = events.filter(pk__in=event_ids)
    due = _due(events, now=now, force=force).order_by("received_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    with transaction.atomic():
        pks = list(due.values_list("pk", flat=True)[:BATCH])
        WebhookEvent.objects.filter(pk__in=pks).update(
            attempts=F("attempts") + 1, next_attempt_at=now + LEASE
        )
    return list(
        WebhookEvent.objects.filter(pk__in=pks)
        .select_related("account")
        .order_by("received_at", "id")
    )


def _log_unexpected(err: Exception, *, account: ProviderAccount, what: str) -> None:
    # The frames, not the message: an exception's text may quote provider data.
    log.error(
        "%s of account %s failed: unexpected %s (message withheld)\n%s",
        what,
        account.name,
        type(err).__name__,
        "".join(traceback.format_tb(err.__traceback__)),
    )


def _fail(event: WebhookEvent, error: str) -> None:
    now = timezone.now()
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
