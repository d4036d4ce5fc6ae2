"""What every provider's webhooks module offers the sender."""

import json
from dataclasses import dataclass, field
from typing import Protocol

from ..catalog import Catalog
from .changes import Change


@dataclass
class Event:
    """One event as the provider would POST it, before signing."""

    kind: str
    event: str
    # The provider's id of this message (Equals messageId, Swan eventId, Stora event.id);
    # iDenfy has none, so `scanRef:event:final`.
    key: str
    # The record it is about: scanRef, Equals correlationId, Swan user id, Stora idver_ id.
    record: str
    payload: dict[str, object]
    at: int
    body: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.body = json.dumps(self.payload, separators=(",", ":")).encode()

    def summary(self) -> dict[str, object]:
        """Return what the control API shows of a queued event."""
        return {"kind": self.kind, "event": self.event, "key": self.key, "record": self.record}


class NoSuchRecord(LookupError):
    """The external id names no record of this provider."""


class Hooks(Protocol):
    """One provider's webhooks: events for changes and records, and their headers."""

    kind: str
    events: tuple[str, ...]
    # The documented delays between attempts, in seconds (before `retry_scale`).
    retry_delays: tuple[float, ...]
    catalog: Catalog

    def for_change(self, change: Change) -> list[Event]: ...
    def for_record(self, external_id: str, event: str | None, **options: str) -> list[Event]: ...
    def headers(self, event: Event, secret: str) -> list[tuple[str, str]]: ...


def check_event(event: str | None, default: str | None, known: tuple[str, ...]) -> str:
    """Return the event to send for a direct trigger, or raise ValueError."""
    chosen = event or default
    if chosen is None:
        raise ValueError(f"no event follows from this record's state; name one of {known}")
    if chosen not in known:
        raise ValueError(f"unknown event {chosen!r}; choose from {known}")
    return chosen
