"""iDenfy webhooks (idenfy-equals.md § 1.5): signed results that carry the whole record.

`Idenfy-Signature` is the hex HMAC-SHA256 of the raw body with the account's signing
key. iDenfy gives no delivery id and no timestamp: a delivery is the same one when it
names the same identification, event type, `final` flag and overall status.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from idvdash.core.values import as_dict, parse_timestamp, strings, text
from idvdash.providers.base import VerificationRecord
from idvdash.providers.outcomes import DECISIVE_OUTCOMES
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
from .client import IdenfyClient

PROVIDER = "iDenfy"
CREDENTIAL = "webhook_signing_key"
SIGNATURE = "Idenfy-Signature"
EVENT_TYPE = "Idenfy-Event-Type"
LEGACY_EVENT = "IDENTIFICATION"
# The status fields a sync keeps; names, document data and file links are never kept.
STATUS_KEYS = (
    "overall",
    "fraudTags",
    "mismatchTags",
    "suspicionReasons",
    "autoFace",
    "manualFace",
    "autoDocument",
    "manualDocument",
)


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: float) -> None:
    given = header(headers, SIGNATURE).strip().lower()
    if not given or not same(given, hex_signature(secret, body)):
        raise unauthorised(PROVIDER, SIGNATURE)


def read(headers: Mapping[str, str], body: bytes, *, customer_ref_key: str = "") -> Notice:
    """The notice; `subject_ref` and `traits` name the client (clientId is always the
    partner's customer reference, so `customer_ref_key` is not needed here)."""
    data = json_object(body, PROVIDER)
    scan_ref = required_text(data, "scanRef", PROVIDER)
    event_type = header(headers, EVENT_TYPE).strip()[:64] or LEGACY_EVENT
    status = as_dict(data.get("status"))
    if "status" in data and not isinstance(data["status"], dict):
        raise Refused(400, f"The body's 'status' is not an object, which {PROVIDER} sends.")
    kept_status = {key: status[key] for key in STATUS_KEYS if key in status}
    client_id = data.get("clientId")
    facts = {
        "scanRef": scan_ref,
        "clientId": client_id if isinstance(client_id, str) else None,
        "final": data.get("final") if isinstance(data.get("final"), bool) else None,
        "status": kept_status,
        "startTime": data.get("startTime"),
        "finishTime": data.get("finishTime"),
        "eventType": event_type,
    }
    overall = text(kept_status.get("overall"))
    return Notice(
        key=f"{scan_ref}|{event_type}|{facts['final']}|{overall}"[:255],
        event_type=event_type,
        reference=scan_ref,
        occurred_at=_time(data.get("finishTime")) or _time(data.get("startTime")),
        facts=facts,
        subject_ref=traits.client_id(data) or "",
        traits=traits.from_webhook(data),
    )


def learn(client: IdenfyClient, notice: Notice) -> list[VerificationRecord]:
    """The record as the webhook gives it: no status call is needed.

    A delivery without an overall status (a document-expiry notice) teaches nothing.
    """
    facts = notice.facts
    overall = text(as_dict(facts.get("status")).get("overall"))
    if not overall:
        return []
    started = _time(facts.get("startTime"))
    finished = _time(facts.get("finishTime"))
    return [
        VerificationRecord(
            external_id=notice.reference,
            subject_ref=text(facts.get("clientId")),
            raw_status=overall,
            created_at=started,
            updated_at=finished,
            payload={**facts, "status": overall, **_flat_status(facts)},
            traits=notice.traits,
        )
    ]


def superseded(stored: Mapping[str, Any], record: VerificationRecord) -> bool:
    """A preliminary result (`final: false`) never replaces a decision already mirrored."""
    raw = as_dict(stored.get("raw"))
    return (
        record.payload.get("final") is False
        and stored.get("outcome") in DECISIVE_OUTCOMES
        and raw.get("final") is not False
    )


def _flat_status(facts: dict[str, Any]) -> dict[str, Any]:
    """The status fields at the top level, as iDenfy's status answers have them."""
    status = as_dict(facts.get("status"))
    flat: dict[str, Any] = {key: status[key] for key in STATUS_KEYS[1:] if key in status}
    for key in ("fraudTags", "mismatchTags", "suspicionReasons"):
        if key in flat:
            flat[key] = strings(flat[key])
    return flat


def _time(value: object) -> datetime | None:
    """iDenfy's webhook times are Unix seconds; anything else is no time."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return parse_timestamp(value)
