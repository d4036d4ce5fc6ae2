"""Equals Money webhooks (idenfy-equals.md § 2.5): signed notices of a session's change.

`x-em-signature` is the Base64 HMAC-SHA256 of the raw body with the webhook's shared
secret; `messageId` is the idempotency key (Equals retries every 5 minutes for two
weeks with the same one). A status event lacks the session id, so the mirror re-reads
the application's sessions: what it then writes is Equals' current state, whatever
order the events came in.
"""

from __future__ import annotations

from collections.abc import Mapping

from idvdash.core.values import parse_timestamp, text
from idvdash.providers.base import VerificationRecord
from idvdash.providers.webhooks import (
    Notice,
    base64_signature,
    header,
    json_object,
    required_text,
    same,
    unauthorised,
)

from . import traits
from .client import EqualsClient

PROVIDER = "Equals Money"
CREDENTIAL = "webhook_secret"
SIGNATURE = "x-em-signature"
# Events about an identity verification session; the others concern the application.
SESSION_EVENTS = frozenset(
    {
        "IdentityVerificationStatusUpdated",
        "IdentityVerificationRequest",
        "IdentityVerificationRequested",
    }
)


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: float) -> None:
    given = header(headers, SIGNATURE).strip()
    if not given or not same(given, base64_signature(secret, body)):
        raise unauthorised(PROVIDER, SIGNATURE)


def read(headers: Mapping[str, str], body: bytes, *, customer_ref_key: str = "") -> Notice:
    """The notice; `traits` hold the request event's name and e-mail (never `facts`)."""
    data = json_object(body, PROVIDER)
    message_id = required_text(data, "messageId", PROVIDER)
    event_type = required_text(data, "webhookEventTypeName", PROVIDER, limit=64)
    application_id = text(data.get("applicationId"))[:255]
    return Notice(
        key=message_id,
        event_type=event_type,
        reference=application_id,
        occurred_at=parse_timestamp(data.get("eventTime")),
        facts={
            "applicationId": application_id,
            "status": text(data.get("status")),
            "result": text(data.get("result")),
        },
        subject_ref=traits.person_id(data),
        traits=traits.from_webhook(data),
    )


def learn(client: EqualsClient, notice: Notice) -> list[VerificationRecord]:
    """Re-read the application's sessions; a notice about anything else teaches nothing."""
    if notice.event_type not in SESSION_EVENTS or not notice.reference:
        return []
    return client.application_sessions(notice.reference)
