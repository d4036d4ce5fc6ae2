"""Stora webhooks (swan-stora.md § 2.6): signed events that carry the verification.

`X-Stora-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`; a
timestamp more than five minutes from now is refused as a replay. `event.id` is the
idempotency key. The verification in `event.data` is trusted over the event's name;
an event that carries only a reference is followed by a re-read of that verification.
"""

from __future__ import annotations

from collections.abc import Mapping

from idvdash.core.values import as_dict, parse_timestamp, text
from idvdash.providers.base import VerificationRecord
from idvdash.providers.webhooks import (
    Notice,
    Refused,
    header,
    hex_signature,
    json_object,
    required_text,
    same,
    unauthorised,
)

from . import traits
from .client import StoraClient

PROVIDER = "Stora"
CREDENTIAL = "webhook_secret"
SIGNATURE = "X-Stora-Signature"
TOLERANCE = 300  # seconds either side of now
# The verification's fields a sync keeps (the contact's name, e-mail, phone are not).
KEPT = ("id", "status", "error_code", "created_at", "updated_at")


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: float) -> None:
    parts = dict(
        part.strip().split("=", 1) for part in header(headers, SIGNATURE).split(",") if "=" in part
    )
    stamp, given = parts.get("t", ""), parts.get("v1", "").lower()
    if not stamp.isdigit() or not given:
        raise unauthorised(PROVIDER, SIGNATURE)
    if abs(now - int(stamp)) > TOLERANCE:
        raise Refused(401, f"The delivery's {SIGNATURE} timestamp is more than five minutes off.")
    if not same(given, hex_signature(secret, stamp.encode() + b"." + body)):
        raise unauthorised(PROVIDER, SIGNATURE)


def read(headers: Mapping[str, str], body: bytes, *, customer_ref_key: str = "") -> Notice:
    """The notice; the expanded contact gives `subject_ref` and `traits`, never `facts`."""
    event = as_dict(json_object(body, PROVIDER).get("event"))
    if not event:
        raise Refused(400, f"The body has no 'event' object, which {PROVIDER} always sends.")
    data = as_dict(event.get("data"))
    verification = as_dict(data.get("identity_verification"))
    reference = text(verification.get("id") or data.get("identity_verification_id"))[:255]
    return Notice(
        key=required_text(event, "id", PROVIDER),
        event_type=required_text(event, "type", PROVIDER, limit=64),
        reference=reference,
        occurred_at=parse_timestamp(verification.get("updated_at") or event.get("created_at")),
        facts=kept(verification),
        subject_ref=traits.contact_id(verification),
        traits=traits.from_verification(verification, customer_ref_key),
    )


def learn(client: StoraClient, notice: Notice) -> list[VerificationRecord]:
    """The verification as the event gives it, or as Stora answers it now."""
    if not notice.event_type.startswith("identity_verification") or not notice.reference:
        return []
    facts = notice.facts
    if isinstance(facts.get("status"), str) and parse_timestamp(facts.get("created_at")):
        return [client.record(facts, notice.traits)]
    answer = client.get_verification(notice.reference)
    found = traits.from_verification(answer, client.customer_ref_key)
    return [client.record(kept(answer), found)]


def kept(verification: dict) -> dict:
    """The fields of a verification the mirror keeps, with the contact reduced to its id."""
    facts = {key: verification[key] for key in KEPT if key in verification}
    contact = verification.get("contact")
    contact_id = contact.get("id") if isinstance(contact, dict) else verification.get("contact_id")
    if isinstance(contact_id, str) and contact_id:
        facts["contact_id"] = contact_id
    return facts
