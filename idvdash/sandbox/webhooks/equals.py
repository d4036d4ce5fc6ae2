"""Equals Money webhooks (idenfy-equals.md § 2.5).

Every body carries `webhookEventTypeName` and a `messageId` (a UUID, new per message;
retries and duplicates repeat it). Header `x-em-signature` = Base64 HMAC-SHA256 of the
raw body with the webhook's shared secret. A new row (session on an application) sends
`IdentityVerificationRequest`; each later change of its session sends
`IdentityVerificationStatusUpdated` for every application the session is on, with the
row's `correlationId` and `applicationId`. As documented, the event does not carry the
session `id` or `actionUrl`: a receiver re-reads the list filtered by `applicationId`.
Retries: every 5 minutes for two weeks.
"""

import base64
import hashlib
import hmac
import uuid

from ..catalog import State
from ..clock import iso_z
from ..equals_data import TAG_SESSION, EqualsCatalog
from .base import Event, NoSuchRecord, check_event
from .changes import Change

REQUEST, UPDATED = "IdentityVerificationRequest", "IdentityVerificationStatusUpdated"
EVENTS = (UPDATED, REQUEST)


def sign_base64(secret: str, message: bytes) -> str:
    """Return the Base64 HMAC-SHA256 of `message` keyed with `secret`."""
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


class EqualsHooks:
    """Equals Money's onboarding events for the sandbox's guided-ID session rows."""

    kind = "equals"
    events = EVENTS
    retry_delays = (300.0,) * (14 * 24 * 12)

    def __init__(self, catalog: EqualsCatalog) -> None:
        self.catalog = catalog

    def _rows(self, session: int, at: int) -> list[int]:
        """Return the rows showing a session at `at` (its own and a linked one)."""
        rows, catalog = [session], self.catalog
        if catalog.kind(session + 1) == "linked" and catalog.created(session + 1) <= at:
            rows.append(session + 1)
        return rows

    def for_change(self, change: Change) -> list[Event]:
        """Return the events for one step of a row's plan."""
        i, at = change.index, change.at
        if change.step == 0:
            return [self._event(i, REQUEST, at)]
        if self.catalog.kind(i) == "linked":
            return []  # a linked row shows the session of the row before
        return [self._event(row, UPDATED, at, change.state) for row in self._rows(i, at)]

    def for_record(self, external_id: str, event: str | None, **options: str) -> list[Event]:
        """Return the event for each row of a session id (or only `application_id`'s)."""
        catalog = self.catalog
        session = catalog.codec.from_uuid(external_id, TAG_SESSION)
        if not catalog.is_index(session) or catalog.kind(session) == "linked":
            raise NoSuchRecord(f"no identity verification session {external_id!r}")
        now = catalog.clock.timestamp()
        chosen = check_event(event, UPDATED, EVENTS)
        rows = [r for r in self._rows(session, now) if catalog.is_index(r)]
        wanted = options.get("application_id")
        if wanted:
            rows = [r for r in rows if catalog.row(r)["applicationId"] == wanted]
            if not rows:
                raise NoSuchRecord(f"session {external_id!r} is not on application {wanted!r}")
        state, _ = catalog.state(session)
        return [self._event(row, chosen, now, state) for row in rows]

    def _event(self, i: int, event: str, at: int, state: State | None = None) -> Event:
        row = self.catalog.row(i)
        payload: dict[str, object] = {"webhookEventTypeName": event, "messageId": str(uuid.uuid4())}
        if event == REQUEST:
            person = self.catalog.person(i)
            payload |= {
                "applicationId": row["applicationId"],
                "associatedPersonId": row.get("associatedPersonId"),
                "name": person.full_name,
                "email": person.email,
                "actionUrl": row["actionUrl"],
            }
        else:
            state = state or {"status": row["status"], "result": row.get("result")}
            payload |= {
                "correlationId": row["correlationId"],
                "applicationId": row["applicationId"],
                "associatedPersonId": row.get("associatedPersonId"),
                "status": state["status"],
            }
            if state["status"] == "completed":
                payload["result"] = state["result"]
        payload["eventTime"] = iso_z(at, millis=True)
        record = str(row["correlationId"])
        return Event(self.kind, event, str(payload["messageId"]), record, payload, at)

    def headers(self, event: Event, secret: str) -> list[tuple[str, str]]:
        """Return the delivery headers, signed over the raw body."""
        return [
            ("Content-Type", "application/json"),
            ("x-em-signature", sign_base64(secret, event.body)),
        ]
