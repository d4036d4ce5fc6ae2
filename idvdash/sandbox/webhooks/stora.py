"""Stora webhooks (swan-stora.md § 2.6).

The body is `{"event": {id, type, api_version, created_at, data, meta}}`;
`data.identity_verification` is the full verification with its contact expanded, as at
the change. Headers `User-Agent: Stora-Webhooks/1.0`, `X-Stora-Request-Id` (new per
attempt) and `X-Stora-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw
body>">`, signed afresh at each attempt. Event types follow the status:
`identity_verification.processing` / `.succeeded` (documented) and `.failed` /
`.cancelled` (the documents expect them by symmetry). Retries: up to 6, after 1 min,
5 min, 30 min (documented), then 2 h, 5 h, 10 h (the rest of the table is missing from
every copy; these follow the common schedule Stora's scheme resembles).
"""

import secrets
import time
import uuid

from ..catalog import State
from ..clock import iso_z
from ..stora import CURIES, VERSION
from ..stora_data import StoraCatalog
from .base import Event, NoSuchRecord, check_event
from .changes import Change
from .idenfy import sign_hex

EVENTS = tuple(
    f"identity_verification.{status}"
    for status in ("processing", "succeeded", "failed", "cancelled")
)


class StoraHooks:
    """Stora's identity verification events."""

    kind = "stora"
    events = EVENTS
    retry_delays = (60.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0)

    def __init__(self, catalog: StoraCatalog) -> None:
        self.catalog = catalog

    def for_change(self, change: Change) -> list[Event]:
        """Return the event named after the verification's new status."""
        return [self._event(change.index, change.state, change.at)]

    def for_record(self, external_id: str, event: str | None, **options: str) -> list[Event]:
        """Return the event for an `idver_` id's current state (or the type named)."""
        i = self.catalog.index_of(external_id)
        if i is None:
            raise NoSuchRecord(f"no identity verification {external_id!r}")
        state, _ = self.catalog.state(i)
        chosen = check_event(event, f"identity_verification.{state['status']}", EVENTS)
        return [self._event(i, state, self.catalog.clock.timestamp(), chosen)]

    def _event(self, i: int, state: State, at: int, event: str | None = None) -> Event:
        event = event or f"identity_verification.{state['status']}"
        resource = self.catalog.verification(i, expand_contact=True, now=at)
        event_id = "evt_" + secrets.token_hex(8)
        payload = {
            "event": {
                "id": event_id,
                "type": event,
                "api_version": VERSION.strip("/"),
                "created_at": iso_z(at),
                "data": {"identity_verification": resource},
                "meta": {"curies": CURIES[:1]},
            }
        }
        return Event(self.kind, event, event_id, str(resource["id"]), payload, at)

    def headers(self, event: Event, secret: str) -> list[tuple[str, str]]:
        """Return the delivery headers, signed now over `t.body`."""
        t = str(int(time.time()))
        signature = sign_hex(secret, t.encode() + b"." + event.body)
        return [
            ("Content-Type", "application/json"),
            ("User-Agent", "Stora-Webhooks/1.0"),
            ("X-Stora-Signature", f"t={t},v1={signature}"),
            ("X-Stora-Request-Id", str(uuid.uuid4())),
        ]
