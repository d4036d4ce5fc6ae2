"""Simulated time: a fixed anchor plus whatever the tests or the operator advance."""

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

DEFAULT_ANCHOR = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


class SimClock:
    """Simulated "now": `anchor` + advanced seconds (+ real elapsed time when `realtime`)."""

    def __init__(self, anchor: datetime = DEFAULT_ANCHOR, *, realtime: bool = False) -> None:
        self.anchor = anchor.astimezone(UTC)
        self.anchor_ts = int(self.anchor.timestamp())
        self.realtime = realtime
        self._lock = threading.Lock()
        self._offset = 0.0
        self._started = time.monotonic()
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call `listener()` after every `advance` and `reset` (e.g. to send webhooks)."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def timestamp(self) -> int:
        """Return simulated now as whole Unix seconds."""
        with self._lock:
            offset = self._offset
        if self.realtime:
            offset += time.monotonic() - self._started
        return self.anchor_ts + int(offset)

    def now(self) -> datetime:
        """Return simulated now as an aware UTC datetime."""
        return datetime.fromtimestamp(self.timestamp(), UTC)

    @property
    def offset(self) -> float:
        """Seconds advanced since the anchor."""
        return self.timestamp() - self.anchor_ts

    def advance(self, seconds: float) -> datetime:
        """Move simulated time forward by `seconds` and return the new now."""
        if seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        with self._lock:
            self._offset += seconds
        self._changed()
        return self.now()

    def reset(self) -> datetime:
        """Go back to the anchor."""
        with self._lock:
            self._offset = 0.0
            self._started = time.monotonic()
        self._changed()
        return self.now()


def iso_z(ts: int, *, millis: bool = False) -> str:
    """Format Unix seconds as ISO 8601 UTC with a Z suffix."""
    text = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if millis:
        text += f".{(ts * 7919) % 1000:03d}"
    return text + "Z"


def naive(ts: int) -> str:
    """Format Unix seconds the way iDenfy's full-status does: `YYYY-MM-DD HH:MM:SS`."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def day(ts: int) -> str:
    """Format Unix seconds as a `YYYY-MM-DD` date."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def parse_iso(text: str) -> float | None:
    """Parse an ISO 8601 date-time (Z or offset; naive means UTC) into Unix seconds."""
    if "T" in text:
        # An unencoded "+01:00" in a query string arrives as " 01:00".
        text = text.replace(" ", "+")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()
