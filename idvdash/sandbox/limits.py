"""The providers' documented request limits, enforced when asked.

With enforcement on, a request beyond a provider's limit is answered with that
provider's own 429 (`throttled` of its simulator: iDenfy's `TOO_MANY_REQUESTS` body,
Stora's envelope with `RateLimit-Limit` and `RateLimit-Reset`, Swan's bare 429) and
counted, so a test can ask how many 429s it caused (`GET /_control/rate_limits`).

Each limit is a strict sliding window (no stretch of `seconds` holds more than
`requests` accepted requests): the strictest way a provider may count, so a client that
passes here passes however the provider counts. Refused requests do not count. The
sandbox accepts one set of credentials per provider, so the budget is per provider.
Windows run on the wall clock, as the clients' own budgets do; the simulated clock
only moves the data.

Enforcement is off unless asked for (`SandboxServer(rate_limits=True)`,
`runsandbox --rate-limits`, or the control API), and the limits can be changed,
e.g. scaled down so a test reaches them in a second rather than an hour:

    POST /_control/rate_limits {"enforce": true,
                                "limits": {"stora": [{"requests": 5, "seconds": 1}]}}
    GET /_control/rate_limits     → {"enforce", "limits", "throttled": {kind: count}}
    DELETE /_control/rate_limits  → the start-up state, counts at zero
"""

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

# (requests, seconds) per provider, from ../shared/providers: iDenfy §1.7, Swan §1.7,
# Stora §2.8. Equals documents none.
DOCUMENTED: dict[str, tuple[tuple[int, float], ...]] = {
    "idenfy": ((10_000, 3600),),
    "equals": (),
    "swan": ((2_000, 300),),
    "stora": ((10, 1), (60, 60)),
}


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: the window's limit, and when it next has room (Unix time)."""

    limit: int
    reset_at: float


class RateLimits:
    """Thread-safe request windows per provider."""

    def __init__(self, *, enforce: bool = False) -> None:
        self._lock = threading.Lock()
        self._start_enforce = enforce
        self.reset()

    def reset(self) -> None:
        """Return to the start-up state: documented limits, counts at zero."""
        with self._lock:
            self.enforce = self._start_enforce
            self.limits = dict(DOCUMENTED)
            self._sent: dict[tuple[str, float], deque[float]] = {}
            self.throttled: Counter[str] = Counter()

    def configure(
        self, *, enforce: bool | None = None, limits: dict[str, object] | None = None
    ) -> None:
        """Switch enforcement and replace providers' limits; ValueError if malformed."""
        if enforce is not None and not isinstance(enforce, bool):
            raise ValueError("enforce must be true or false")
        parsed = {kind: _parse(kind, value) for kind, value in (limits or {}).items()}
        with self._lock:
            if enforce is not None:
                self.enforce = enforce
            self.limits.update(parsed)
            for kind in parsed:
                self._sent = {key: log for key, log in self._sent.items() if key[0] != kind}

    def take(self, provider: str, now: float | None = None) -> Refusal | None:
        """Count one request to `provider`; return a Refusal instead if a window is full."""
        now = time.time() if now is None else now
        with self._lock:
            if not self.enforce:
                return None
            logs = []
            refusal: Refusal | None = None
            for requests, seconds in self.limits.get(provider, ()):
                log = self._sent.setdefault((provider, seconds), deque())
                while log and log[0] <= now - seconds:
                    log.popleft()
                if len(log) >= requests:
                    reset_at = log[0] + seconds
                    if refusal is None or reset_at > refusal.reset_at:
                        refusal = Refusal(requests, reset_at)
                logs.append(log)
            if refusal is not None:
                self.throttled[provider] += 1
                return refusal
            for log in logs:
                log.append(now)
            return None

    def as_dict(self) -> dict[str, object]:
        """Return the state for the control API."""
        with self._lock:
            return {
                "enforce": self.enforce,
                "limits": {
                    kind: [{"requests": r, "seconds": s} for r, s in windows]
                    for kind, windows in self.limits.items()
                },
                "throttled": {kind: self.throttled[kind] for kind in DOCUMENTED},
            }


def _parse(kind: str, value: object) -> tuple[tuple[int, float], ...]:
    if kind not in DOCUMENTED:
        raise ValueError(f"unknown provider {kind!r}; choose from {tuple(DOCUMENTED)}")
    if not isinstance(value, list):
        raise ValueError(f'{kind}: a list of {{"requests": n, "seconds": s}}')
    windows = []
    for item in value:
        numbers = [item.get("requests"), item.get("seconds")] if isinstance(item, dict) else []
        requests, seconds = numbers or (None, None)
        if not (_positive(requests, int) and _positive(seconds, int | float)):
            raise ValueError(f"{kind}: requests must be a positive integer, seconds positive")
        windows.append((requests, seconds))
    return tuple(windows)


def _positive(value: object, kind: type | object) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool) and value > 0  # type: ignore[arg-type,operator]
