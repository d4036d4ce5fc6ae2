"""Swan webhooks (swan-stora.md § 1.6): thin notices with a shared secret, never the data.

`x-swan-secret` carries the subscription's secret itself (no signature, no
timestamp): it is compared in constant time, and `eventId` is the idempotency key.
A `User.*` notice names a user: the mirror re-reads that user's identifications.
"""

from __future__ import annotations

from collections.abc import Mapping

from idvdash.core.values import parse_timestamp
from idvdash.providers.base import VerificationRecord
from idvdash.providers.webhooks import (
    Notice,
    header,
    json_object,
    required_text,
    same,
    unauthorised,
)

from .client import SwanClient

PROVIDER = "Swan"
CREDENTIAL = "webhook_secret"
SECRET_HEADER = "x-swan-secret"  # noqa: S105 - a header name


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: float) -> None:
    given = header(headers, SECRET_HEADER)
    if not given or not same(given, secret):
        raise unauthorised(PROVIDER, SECRET_HEADER)


def read(headers: Mapping[str, str], body: bytes, *, customer_ref_key: str = "") -> Notice:
    """The notice: a `User.*` one names the user (its `subject_ref`), never the person."""
    data = json_object(body, PROVIDER)
    event_type = required_text(data, "eventType", PROVIDER, limit=64)
    reference = required_text(data, "resourceId", PROVIDER)
    return Notice(
        key=required_text(data, "eventId", PROVIDER),
        event_type=event_type,
        reference=reference,
        occurred_at=parse_timestamp(data.get("eventDate")),
        subject_ref=reference if event_type.startswith("User.") else "",
    )


def learn(client: SwanClient, notice: Notice) -> list[VerificationRecord]:
    """Re-read the user's identifications; a notice about another resource teaches nothing."""
    if not notice.event_type.startswith("User."):
        return []
    return client.user_identifications(notice.reference)
