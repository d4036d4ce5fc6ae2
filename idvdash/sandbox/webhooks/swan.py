"""Swan webhooks: thin notices (swan-stora.md § 1.6).

The body is `{eventType, eventId, eventDate, projectId, resourceId}` and never the
resource; `resourceId` is the user's id, so a receiver re-reads `user(id:)`. Header
`x-swan-secret` carries the subscription's secret itself (no signature). Swan documents
no identification event; the sandbox sends `User.Updated` for the user whenever one of
its identifications changes. Retries: every 30 s, up to 7 times.
"""

import uuid

from ..clock import iso_z
from ..credentials import SANDBOX_CREDENTIALS
from ..swan_data import TAG_IDENTIFICATION, SwanCatalog
from .base import Event, NoSuchRecord, check_event
from .changes import Change

EVENTS = ("User.Updated", "User.Joined", "User.Deactivated")
# Swan's client ids are `SANDBOX_<project id>` / `LIVE_<project id>`.
PROJECT_ID = SANDBOX_CREDENTIALS["swan"]["client_id"].removeprefix("SANDBOX_")


class SwanHooks:
    """Swan's user notices for the sandbox's identifications."""

    kind = "swan"
    events = EVENTS
    retry_delays = (30.0,) * 7

    def __init__(self, catalog: SwanCatalog) -> None:
        self.catalog = catalog

    def for_change(self, change: Change) -> list[Event]:
        """Return `User.Updated` for the user of the identification that changed."""
        local = self.catalog.local_person(change.index)
        return [self._event(self.catalog.user_id(local), EVENTS[0], change.at)]

    def for_record(self, external_id: str, event: str | None, **options: str) -> list[Event]:
        """Return a notice for a user id or for the user of an identification id."""
        catalog = self.catalog
        i = catalog.codec.from_uuid(external_id, TAG_IDENTIFICATION)
        if catalog.is_index(i):
            local: int | None = catalog.local_person(i)
        else:
            local = catalog.user_from_id(external_id)
        if local is None:
            raise NoSuchRecord(f"no user or identification with id {external_id!r}")
        chosen = check_event(event, EVENTS[0], EVENTS)
        return [self._event(catalog.user_id(local), chosen, catalog.clock.timestamp())]

    def _event(self, user_id: str, event: str, at: int) -> Event:
        event_id = str(uuid.uuid4())
        payload = {
            "eventType": event,
            "eventId": event_id,
            "eventDate": iso_z(at, millis=True),
            "projectId": PROJECT_ID,
            "resourceId": user_id,
        }
        return Event(self.kind, event, event_id, user_id, payload, at)

    def headers(self, event: Event, secret: str) -> list[tuple[str, str]]:
        """Return the delivery headers: the shared secret itself."""
        return [("Content-Type", "application/json"), ("x-swan-secret", secret)]
