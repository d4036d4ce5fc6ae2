"""The webhook sender: one daemon thread per server that POSTs events like the providers.

Configure a target per provider kind (`target`), and events follow:

- **on the simulated clock**: whenever the clock moves (advance through the Python API
  or `POST /_control/clock`, or the passing of time when the clock runs in realtime),
  every change of a record between the last look and now (`changes.py`) becomes that
  provider's event(s), sent in the order the changes happened. Only the changes after
  the target was configured count. At most `limit` changes (1,000 by default) are sent
  per look at the clock; the rest of a huge advance is skipped (`truncated` counts it).
- **on demand**: `send(kind, external_id[, event])` sends the event for a record's
  current state now.

Delivery: a POST with a short `timeout`; a 2xx is delivered; anything else, a
connection error or a timeout is retried on the provider's documented schedule, each
delay divided by `retry_scale` (60 by default: seconds instead of minutes, so Equals'
"every 5 minutes" comes every 5 s, Swan's 30 s every 0.5 s), for at most
`max_attempts` attempts (8: the documented count for Swan and Stora, one retry for
iDenfy, and 8 instead of Equals' two weeks). `retry_delays` sets a kind's delays in
real seconds instead. Every attempt is logged (`deliveries`), never with the secret.

Webhook faults (`faults.py`: endpoint `webhook`) are taken when an event is queued.
"""

import heapq
import http.client
import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..clock import SimClock, iso_z
from ..credentials import SANDBOX_WEBHOOK_SECRETS
from ..data import Dataset
from ..faults import WEBHOOK, FaultController
from .base import Event, Hooks
from .changes import changes
from .equals import EqualsHooks
from .idenfy import IdenfyHooks
from .stora import StoraHooks
from .swan import SwanHooks

IDLE_WAIT = 0.25
LOG_SIZE = 10_000
# Each provider's limit on the secret's length, where one is documented.
SECRET_MAX = {"equals": 36, "swan": 36}


def mask(secret: str) -> str:
    """Return a secret with all but its last four characters hidden."""
    return "*" * max(4, len(secret) - 4) + secret[-4:] if len(secret) > 8 else "****"


@dataclass
class Target:
    """Where one provider kind's events go."""

    kind: str
    url: str
    secret: str
    seen: int  # simulated time up to which changes were turned into events

    def as_dict(self) -> dict[str, object]:
        """Return the target with its secret masked."""
        return {"kind": self.kind, "url": self.url, "secret": mask(self.secret)}


@dataclass
class Message:
    """An event on its way, with the fault it was armed with."""

    id: int
    event: Event
    fault: str | None = None


@dataclass(order=True)
class Job:
    """One attempt to make at `due` (monotonic seconds)."""

    due: float
    seq: int
    message: Message = field(compare=False)
    attempt: int = field(default=1, compare=False)
    duplicate: bool = field(default=False, compare=False)
    held: bool = field(default=False, compare=False)


class WebhookSender:
    """Sends the sandbox's webhook events from a background thread."""

    def __init__(
        self,
        dataset: Dataset,
        clock: SimClock,
        faults: FaultController,
        *,
        retry_scale: float = 60.0,
        max_attempts: int = 8,
        timeout: float = 3.0,
        limit: int = 1000,
    ) -> None:
        self.clock, self.faults = clock, faults
        self.hooks: dict[str, Hooks] = {
            "idenfy": IdenfyHooks(dataset.idenfy),
            "equals": EqualsHooks(dataset.equals),
            "swan": SwanHooks(dataset.swan),
            "stora": StoraHooks(dataset.stora),
        }
        self.retry_scale, self.max_attempts = retry_scale, max_attempts
        self.timeout, self.limit = timeout, limit
        self.retry_delays: dict[str, tuple[float, ...]] = {}
        self.truncated: dict[str, int] = dict.fromkeys(self.hooks, 0)
        self._cond = threading.Condition()
        self._targets: dict[str, Target] = {}
        self._jobs: list[Job] = []
        self._held: dict[tuple[str, str], list[tuple[float, Job]]] = {}
        self._in_flight = 0
        self._log: deque[dict[str, object]] = deque(maxlen=LOG_SIZE)
        self._ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._woken = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        clock.subscribe(self.wake)

    # -- configuration ------------------------------------------------------------------

    def target(self, kind: str, url: str, secret: str | None = None) -> dict[str, object]:
        """Send `kind`'s events to `url`, signed with `secret` (default: the sandbox's)."""
        if kind not in self.hooks:
            raise ValueError(f"unknown kind {kind!r}; choose from {tuple(self.hooks)}")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url must be an absolute http(s) URL")
        secret = SANDBOX_WEBHOOK_SECRETS[kind] if secret is None else secret
        if not isinstance(secret, str) or not secret:
            raise ValueError("secret must be a non-empty string")
        if len(secret) > SECRET_MAX.get(kind, len(secret)):
            raise ValueError(f"{kind} secrets are at most {SECRET_MAX[kind]} characters")
        with self._cond:
            self._targets[kind] = Target(kind, url, secret, self.clock.timestamp())
            self._cond.notify_all()
            return self._targets[kind].as_dict()

    def targets(self) -> list[dict[str, object]]:
        """Return the targets, secrets masked."""
        with self._cond:
            return [t.as_dict() for t in self._targets.values()]

    def clear(self, kind: str | None = None) -> None:
        """Remove one kind's target (or all) and drop the events still waiting for it."""
        with self._cond:
            for name in [kind] if kind else list(self._targets):
                self._targets.pop(name, None)
            self._jobs = [j for j in self._jobs if j.message.event.kind in self._targets]
            heapq.heapify(self._jobs)
            self._held = {k: v for k, v in self._held.items() if k[0] in self._targets}

    def configure(
        self,
        *,
        retry_scale: float | None = None,
        max_attempts: int | None = None,
        timeout: float | None = None,
        limit: int | None = None,
        retry_delays: dict[str, list[float]] | None = None,
    ) -> dict[str, object]:
        """Change delivery settings; `retry_delays` (real seconds) replaces a kind's schedule."""
        for name, value, least in (
            ("retry_scale", retry_scale, 0),
            ("timeout", timeout, 0),
            ("max_attempts", max_attempts, 1),
            ("limit", limit, 1),
        ):
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
                    raise ValueError(f"{name} must be a number of at least {least}")
                if name in ("max_attempts", "limit") and not isinstance(value, int):
                    raise ValueError(f"{name} must be an integer")
                if name == "retry_scale" and value == 0:
                    raise ValueError("retry_scale must be positive")
                setattr(self, name, value)
        for kind, delays in (retry_delays or {}).items():
            if kind not in self.hooks or not all(
                isinstance(d, int | float) and d >= 0 for d in delays
            ):
                raise ValueError("retry_delays maps a kind to a list of seconds")
            self.retry_delays[kind] = tuple(float(d) for d in delays)
        return self.settings()

    def settings(self) -> dict[str, object]:
        """Return the delivery settings and each kind's effective retry delays."""
        return {
            "retry_scale": self.retry_scale,
            "max_attempts": self.max_attempts,
            "timeout": self.timeout,
            "limit": self.limit,
            "retry_delays": {kind: list(self.delays(kind)[:10]) for kind in self.hooks},
            "truncated": dict(self.truncated),
        }

    def delays(self, kind: str) -> tuple[float, ...]:
        """Return the real seconds before each retry of `kind` (attempts - 1 of them)."""
        if kind in self.retry_delays:
            delays = self.retry_delays[kind]
        else:
            delays = tuple(d / self.retry_scale for d in self.hooks[kind].retry_delays)
        return delays[: self.max_attempts - 1]

    # -- events ---------------------------------------------------------------------------

    def send(
        self, kind: str, external_id: str, event: str | None = None, **options: str
    ) -> list[dict[str, object]]:
        """Send the event for a record's current state now; return what was queued.

        Raises ValueError (unknown kind or event, no target) or LookupError (no record).
        """
        if kind not in self.hooks:
            raise ValueError(f"unknown kind {kind!r}; choose from {tuple(self.hooks)}")
        with self._cond:
            if kind not in self._targets:
                raise ValueError(f"no webhook target for {kind}")
        events = self.hooks[kind].for_record(external_id, event, **options)
        self._queue(events)
        return [e.summary() for e in events]

    def deliveries(self, kind: str | None = None) -> list[dict[str, object]]:
        """Return the delivery log, oldest first (optionally one kind's)."""
        with self._cond:
            return [dict(d) for d in self._log if kind in (None, d["kind"])]

    def clear_deliveries(self) -> None:
        """Empty the delivery log."""
        with self._cond:
            self._log.clear()

    def pending(self) -> int:
        """Return how many attempts are waiting, held back or under way."""
        with self._cond:
            return len(self._jobs) + sum(map(len, self._held.values())) + self._in_flight

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is pending and the clock has been looked at; True if so."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                now = self.clock.timestamp()
                looked = all(t.seen == now for t in self._targets.values())
            if looked and not self._woken and self.pending() == 0:
                return True
            time.sleep(0.01)
        return False

    def wake(self) -> None:
        """Make the thread look at the clock and the queue now."""
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    # -- the thread -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the sender thread (once)."""
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the sender thread; events not yet delivered are dropped."""
        self._stopping.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 2)
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._scan()
            job = self._next_job()
            if job is not None:
                self._attempt(job)
                continue
            with self._cond:
                if not self._woken and not self._stopping.is_set():
                    self._cond.wait(self._idle_wait())
                self._woken = False

    def _idle_wait(self) -> float:
        due = [self._jobs[0].due] if self._jobs else []
        due += [deadline for held in self._held.values() for deadline, _ in held]
        wait = min(due, default=time.monotonic() + IDLE_WAIT) - time.monotonic()
        return max(0.0, min(IDLE_WAIT, wait))

    def _scan(self) -> None:
        """Turn the changes since each target's last look into events."""
        now = self.clock.timestamp()
        with self._cond:
            self._woken = False
            targets = list(self._targets.values())
        for target in targets:
            if now > target.seen:
                hooks = self.hooks[target.kind]
                found, truncated = changes(hooks.catalog, target.seen, now, self.limit)
                self.truncated[target.kind] += truncated
                self._queue([event for change in found for event in hooks.for_change(change)])
            target.seen = now

    def _queue(self, events: list[Event]) -> None:
        now = time.monotonic()
        for event in events:
            armed = self.faults.take(event.kind, WEBHOOK)
            message = Message(next(self._ids), event, armed.fault if armed else None)
            with self._cond:
                if event.kind not in self._targets:
                    continue
                job = Job(now, next(self._seq), message)
                if message.fault == "delay":
                    job.due = now + armed.delay
                if message.fault == "out_of_order":
                    job.held = True
                    held = self._held.setdefault((event.kind, event.record), [])
                    held.append((now + armed.delay, job))
                else:
                    heapq.heappush(self._jobs, job)
                if message.fault == "duplicate":
                    heapq.heappush(self._jobs, Job(now, next(self._seq), message, duplicate=True))
                self._cond.notify_all()

    def _next_job(self) -> Job | None:
        now = time.monotonic()
        with self._cond:
            for key, held in list(self._held.items()):
                for deadline, job in [h for h in held if h[0] <= now]:
                    held.remove((deadline, job))
                    job.due = now
                    heapq.heappush(self._jobs, job)
                if not held:
                    del self._held[key]
            if self._jobs and self._jobs[0].due <= now:
                self._in_flight += 1
                return heapq.heappop(self._jobs)
        return None

    def _attempt(self, job: Job) -> None:
        event = job.message.event
        try:
            with self._cond:
                target = self._targets.get(event.kind)
            if target is None:
                return
            secret = target.secret
            if job.message.fault == "bad_signature":
                secret = "wrong-" + secret[::-1]
            headers = self.hooks[event.kind].headers(event, secret)
            status, error = self._post(target.url, event.body, headers)
            delivered = status is not None and 200 <= status < 300
            delays = self.delays(event.kind)
            retry_in = None if delivered or job.attempt > len(delays) else delays[job.attempt - 1]
            self._record(job, status, error, delivered, retry_in)
            with self._cond:
                if retry_in is not None and event.kind in self._targets:
                    job.attempt += 1
                    job.due = time.monotonic() + retry_in
                    heapq.heappush(self._jobs, job)
                if job.attempt == 1 and not job.held:
                    self._release((event.kind, event.record))
        finally:
            with self._cond:
                self._in_flight -= 1

    def _release(self, key: tuple[str, str]) -> None:
        """Let the events held back for a record go (the lock is held)."""
        for _, held in self._held.pop(key, []):
            held.due = time.monotonic()
            heapq.heappush(self._jobs, held)

    def _post(
        self, url: str, body: bytes, headers: list[tuple[str, str]]
    ) -> tuple[int | None, str | None]:
        parts = urlsplit(url)
        kind = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        conn = kind(parts.hostname or "", parts.port, timeout=self.timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request("POST", path, body=body, headers=dict(headers))
            response = conn.getresponse()
            response.read()
            return response.status, None
        except Exception as exc:  # any failure (refused, reset, timeout) is a failed attempt
            return None, f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()

    def _record(
        self,
        job: Job,
        status: int | None,
        error: str | None,
        delivered: bool,
        retry_in: float | None,
    ) -> None:
        event = job.message.event
        entry = {
            "kind": event.kind,
            "event": event.event,
            "key": event.key,
            "record": event.record,
            "message": job.message.id,
            "attempt": job.attempt,
            "duplicate": job.duplicate,
            "fault": job.message.fault,
            "status": status,
            "error": error,
            "delivered": delivered,
            "retry_in": retry_in,
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "sim_time": iso_z(self.clock.timestamp()),
        }
        with self._cond:
            self._log.append(entry)
