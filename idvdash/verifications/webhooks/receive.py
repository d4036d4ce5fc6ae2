"""Receiving a delivery: check it, store it with its drain queued, then answer.

Nothing here calls a provider or writes the mirror; the answer quotes nothing sent.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from idvdash.people.observe import news as people_news
from idvdash.people.observe import observe
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import PROVIDERS
from idvdash.providers.webhooks import MAX_BODY, Notice, Refused

from ..models import WebhookDrain, WebhookEvent
from .drains import lock_key, queue_drain

# How long a receiving process trusts the account it read (see receiving_account).
ACCOUNT_TTL = 5.0
_accounts: dict[str, tuple[float, ProviderAccount]] = {}

NO_ACCOUNT = "No provider account is called that."
UNCONFIGURED = (
    "This account has no webhook secret ({credential}); an administrator must set it "
    "before deliveries are accepted."
)
TOO_LARGE = f"The delivery is larger than {MAX_BODY // 1024} KiB."
STORED = "Stored."
DUPLICATE = "Already received; nothing changed."


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
    account = receiving_account(account_name)
    known = PROVIDERS.get(account.kind) if account else None
    if account is None or known is None or known.webhooks is None:
        return Reply(404, NO_ACCOUNT)
    reader = known.webhooks
    secret = _secret(account, reader.CREDENTIAL)
    if not secret:
        return Reply(403, UNCONFIGURED.format(credential=reader.CREDENTIAL))
    try:
        reader.verify(headers, body, secret, time.time() if now is None else now)
        notice = reader.read(headers, body, customer_ref_key=account.customer_ref_key)
    except Refused as refused:
        return Reply(refused.status, refused.reason)
    return Reply(200, STORED if store(account=account, notice=notice) else DUPLICATE)


def receiving_account(name: str) -> ProviderAccount | None:
    """The account called `name`, read once per ACCOUNT_TTL per process during a burst.

    Only existing accounts are remembered (a stream of made-up names grows nothing). An
    account saved or deleted is forgotten at once in the process that changed it, and
    within ACCOUNT_TTL in every other: a rotated secret takes effect within seconds.
    """
    now = time.monotonic()
    cached = _accounts.get(name)
    if cached is not None and cached[0] > now:
        return cached[1]
    account = ProviderAccount.objects.filter(name=name).first()
    if account is None:
        _accounts.pop(name, None)
    else:
        _accounts[name] = (now + ACCOUNT_TTL, account)
    return account


def forget_accounts(**_signal: object) -> None:
    """Drop every remembered account (connected to ProviderAccount's save and delete)."""
    _accounts.clear()


def store(*, account: ProviderAccount, notice: Notice) -> WebhookEvent | None:
    """Store a notice durably and see its processing queued; None when its key was seen before.

    A notice that names a person (`notice.traits`) leaves its match keys in the same
    transaction as the event (`idvdash/people`); the traits themselves are not stored.
    One query first asks whether it says anything new, so a burst of deliveries about
    people idvdash knows keeps the one-statement path.
    """
    subject_ref = getattr(notice, "subject_ref", "")
    if not people_news(account, subject_ref, notice.traits):
        return _store(account=account, notice=notice)
    try:
        with transaction.atomic():
            event = _store(account=account, notice=notice)
            if event is not None:
                observe(account, [(subject_ref, notice.traits)], event.received_at)
    except IntegrityError:
        forget_accounts()  # the account went meanwhile (its key is checked at the commit)
        raise
    return event


def _store(*, account: ProviderAccount, notice: Notice) -> WebhookEvent | None:
    event = WebhookEvent(
        account=account,
        key=notice.key,
        event_type=notice.event_type,
        reference=notice.reference,
        occurred_at=notice.occurred_at,
        facts=notice.facts,
        received_at=timezone.now(),
    )
    if connection.vendor == "postgresql":
        queued, pk = _insert_behind_queued_drain(event)
        if queued:
            event.pk = pk
            return event if pk is not None else None
    try:
        with transaction.atomic():
            _insert(event)
            # The queue is a table of the same database: the event and its drain commit
            # together. Queued after the commit, a receiver that died in between (or a
            # queue write that failed) would leave an event no worker ever takes, and
            # the provider's retry would be answered "Already received".
            queue_drain(account.pk, now=event.received_at)
    except IntegrityError:
        if WebhookEvent.objects.filter(account_id=account.pk, key=notice.key).exists():
            return None
        # Not a repeated key (an account deleted meanwhile): not stored, so not a 2xx.
        forget_accounts()
        raise
    return event


def _insert_behind_queued_drain(event: WebhookEvent) -> tuple[bool, int | None]:
    """PostgreSQL, during a burst: store the event in one statement if a drain is queued.

    Returns (whether a drain was queued, the new event's id or None for a repeated key);
    with no drain queued nothing is stored, and `store` takes the transaction that
    queues one. One statement is its own transaction: it holds the drain lock shared
    (see `drains.queue_drain`) until its event is committed, so a drain that starts
    meanwhile waits for it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_behind_drain_sql(),
            [*lock_key(event.account_id), event.account_id, *_values(event)],
        )
        queued, pk = cursor.fetchone()
    return bool(queued), pk


@functools.cache
def _insert_behind_drain_sql() -> str:
    quote = connection.ops.quote_name
    columns, marks = _columns_and_marks()
    events, pk = quote(WebhookEvent._meta.db_table), quote(WebhookEvent._meta.pk.column)
    drains = quote(WebhookDrain._meta.db_table)
    return (
        "WITH held AS (SELECT pg_advisory_xact_lock_shared(%s, %s)), "  # noqa: S608 (names from the models)
        f"queued AS (SELECT d.account_id FROM {drains} d, held WHERE d.account_id = %s), "
        f"stored AS (INSERT INTO {events} ({columns}) SELECT {marks} FROM queued "
        f"ON CONFLICT (account_id, {quote('key')}) DO NOTHING RETURNING {pk}) "
        f"SELECT (SELECT count(*) FROM queued), (SELECT {pk} FROM stored)"
    )


def _insert(event: WebhookEvent) -> None:
    """INSERT the event in one prepared statement (the receiver's hot path: the ORM's
    `create` compiles the statement anew for every delivery, half its cost here)."""
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), _values(event))
        event.pk = cursor.fetchone()[0]


@functools.cache
def _event_fields() -> list[Field]:
    return [field for field in WebhookEvent._meta.concrete_fields if not field.primary_key]


def _values(event: WebhookEvent) -> list[Any]:
    """The event's column values, in `_event_fields` order, as the database takes them."""
    return [
        field.get_db_prep_save(getattr(event, field.attname), connection)
        for field in _event_fields()
    ]


@functools.cache
def _columns_and_marks() -> tuple[str, str]:
    """The event's quoted column list and as many placeholders."""
    fields = _event_fields()
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return columns, ", ".join(["%s"] * len(fields))


@functools.cache
def _insert_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns, marks = _columns_and_marks()
    table, pk = quote(WebhookEvent._meta.db_table), quote(WebhookEvent._meta.pk.column)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608 (names from the model)


def _secret(account: ProviderAccount, credential: str) -> str:
    try:
        value = account.credentials.get(credential, "")
    except Exception:  # unreadable credentials: as good as none
        return ""
    return value.strip() if isinstance(value, str) else ""
