"""On-demand faults, per provider and endpoint.

Add one in process with `server.faults.add(provider=..., endpoint=..., fault=..., times=...)`
or out of process with `POST /_control/faults` and the same keys as JSON. A fault fires on
the next `times` matching requests (`times=None` or `0`: forever), then disappears.
`provider` and `endpoint` accept `"*"`. When several faults match, the oldest fires.
Every fault also takes `skip`: let that many matching requests through first (e.g.
`skip=1` fails every page after the first). `error` is accepted for `server_error`, and
Swan's `list` for `graphql`. `shrink` is the exception to "oldest fires, then goes":
records deleted do not come back, so once it fires it stays in effect until cleared
(`times` does not apply), and it never hides another fault armed for the same request.

Endpoints: idenfy `list`, `status`, `full-status`, `data`, `files`; equals `list`;
swan `token`, `graphql`; stora `token`, `list`, `detail`; and `webhook` for each
provider: the events the sandbox sends (see `webhooks/`), where only the webhook
faults below apply, one per event, taken when the event is queued.

| fault            | effect                                                           | parameters |
|------------------|------------------------------------------------------------------|------------|
| `rate_limit`     | 429 with the provider's throttling body and `Retry-After`        | `retry_after` seconds (1), `retry_after_format` `seconds` or `http-date` |
|                  | (Stora also sends `RateLimit-Limit` / `RateLimit-Reset`)         | |
| `server_error`   | that status with the provider's error body (502/503 come as the  | `status` 500, 502 or 503 (500) |
|                  | HTML page of a gateway)                                          | |
| `slow`           | wait, then answer normally (to trip client read timeouts)        | `delay` seconds (2.0) |
| `reset`          | send the status line, headers and part of the body, then reset   | — |
|                  | the TCP connection (RST)                                         | |
| `malformed_json` | 200, complete body with a correct Content-Length, but not JSON   | — |
|                  | (a trailing comma before the final brace)                        | |
| `truncated_json` | 200, the JSON text cut in half; Content-Length matches the cut   | — |
|                  | body, so HTTP is valid and only JSON parsing fails               | |
| `truncated_page` | valid JSON, but the page lacks the second half of its rows while | — |
|                  | count/next/hasNextPage stay as for the full page                 | |
| `duplicate_ids`  | the page repeats the previous page's last row at its top, as if  | — |
|                  | a row had been inserted while paging (a first page repeats its   | |
|                  | own first row at the end); nothing is lost                       | |
| `expired_token`  | on `token`: tokens are issued already expired, so the API        | — |
|                  | answers 401 (expired); on an API endpoint: the bearer token sent |            |
|                  | is treated as expired                                            |            |
| `graphql_errors` | Swan only: HTTP 200 with `{"errors": [...], "data": null}`       | `message`, `code` |
| `loop_cursor`    | list pages only: the page's cursor points back at itself (iDenfy | — |
|                  | `next` = this page, Swan `endCursor` = the cursor asked with,    | |
|                  | Stora ignores `page` and keeps `next` set); use `skip=1` so the  | |
|                  | first page is normal. Equals pages by offset: no cursor to loop  | |
| `bad_signature`  | `webhook` only: the event is signed with a wrong key (Swan: a     | — |
|                  | wrong `x-swan-secret`), on every attempt                         | |
| `duplicate`      | `webhook` only: the same event (same body and id) is delivered   | — |
|                  | twice                                                            | |
| `out_of_order`   | `webhook` only: the event is held back until the next event for  | `delay` seconds it is |
|                  | the same record has been tried, then delivered                   | held at most (2.0) |
| `delay`          | `webhook` only: the event waits before its first attempt         | `delay` seconds (2.0) |
| `shrink`         | list pages only: records vanish between two page requests of one | `vanish` how many (10), |
|                  | walk, as when they are deleted or archived while a client pages  | `at` where they sit in  |
|                  | (see `shrink.py`). iDenfy, Equals, Stora: later pages move up,   | the unfiltered default  |
|                  | rows slide onto pages already read, the total drops, and a page  | listing, from its top   |
|                  | past the new end is iDenfy's 404 `Invalid page.` or Stora's 422; | (0); `skip` = pages     |
|                  | Swan: cursors stay valid and the walk goes on after the row it   | served in full first    |
|                  | had reached, only `totalCount` drops                             | |
"""

import threading
from dataclasses import asdict, dataclass, field

PROVIDERS = ("idenfy", "equals", "swan", "stora")
ENDPOINTS = {
    "idenfy": ("list", "status", "full-status", "data", "files"),
    "equals": ("list",),
    "swan": ("token", "graphql"),
    "stora": ("token", "list", "detail"),
}
WEBHOOK = "webhook"
FAULT_ALIASES = {"error": "server_error"}
ENDPOINT_ALIASES = {("swan", "list"): "graphql"}
FAULTS = (
    "rate_limit",
    "server_error",
    "slow",
    "reset",
    "malformed_json",
    "truncated_json",
    "truncated_page",
    "duplicate_ids",
    "expired_token",
    "graphql_errors",
    "loop_cursor",
    "shrink",
    "bad_signature",
    "duplicate",
    "out_of_order",
    "delay",
)
# Faults of the events the sandbox sends, never of the requests it answers.
WEBHOOK_FAULTS = {"bad_signature", "duplicate", "out_of_order", "delay"}
# Faults that change a response body rather than replace it: the provider applies them.
CONTENT_FAULTS = {
    "truncated_page",
    "duplicate_ids",
    "expired_token",
    "graphql_errors",
    "loop_cursor",
    "shrink",
}


@dataclass
class Fault:
    """One armed fault."""

    provider: str
    endpoint: str
    fault: str
    times: int | None = 1
    retry_after: float = 1
    retry_after_format: str = "seconds"
    status: int = 500
    delay: float = 2.0
    message: str = "Internal server error"
    code: str = "InternalServerError"
    vanish: int = 10
    at: int = 0
    skip: int = 0
    id: int = 0
    fired: int = field(default=0)

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready description."""
        return asdict(self)


class FaultController:
    """Thread-safe registry of armed faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(
        self,
        *,
        provider: str,
        fault: str,
        endpoint: str = "*",
        times: int | None = 1,
        **params: object,
    ) -> Fault:
        """Arm a fault for the next `times` matching requests (None or 0: forever)."""
        fault = FAULT_ALIASES.get(fault, fault)
        endpoint = ENDPOINT_ALIASES.get((provider, endpoint), endpoint)
        if provider != "*" and provider not in PROVIDERS:
            raise ValueError(f"unknown provider {provider!r}; choose from {PROVIDERS}")
        known = {e for names in ENDPOINTS.values() for e in names} | {WEBHOOK}
        own = ENDPOINTS.get(provider)
        if endpoint != "*" and endpoint not in ((*own, WEBHOOK) if own else known):
            raise ValueError(f"unknown endpoint {endpoint!r} for {provider}")
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; choose from {FAULTS}")
        if fault in WEBHOOK_FAULTS:
            endpoint = WEBHOOK
        elif endpoint == WEBHOOK:
            raise ValueError(f"{fault!r} is not a webhook fault; choose from {WEBHOOK_FAULTS}")
        if times is not None and (not isinstance(times, int) or times < 0):
            raise ValueError("times must be a non-negative integer or None")
        allowed = {
            "retry_after",
            "retry_after_format",
            "status",
            "delay",
            "message",
            "code",
            "skip",
            "vanish",
            "at",
        }
        if set(params) - allowed:
            raise ValueError(f"unknown parameter(s): {sorted(set(params) - allowed)}")
        for name, least in (("skip", 0), ("vanish", 1), ("at", 0)):
            value = params.get(name, least)
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise ValueError(f"{name} must be an integer of at least {least}")
        if fault == "shrink":
            if times not in (None, 0, 1):
                raise ValueError("shrink stays in effect once it fires; arm it without times")
            times = None
        if params.get("retry_after_format", "seconds") not in ("seconds", "http-date"):
            raise ValueError("retry_after_format must be 'seconds' or 'http-date'")
        if fault == "server_error" and params.get("status", 500) not in (500, 502, 503):
            raise ValueError("server_error status must be 500, 502 or 503")
        with self._lock:
            armed = Fault(provider, endpoint, fault, times or None, id=self._next_id, **params)  # type: ignore[arg-type]
            self._next_id += 1
            self._faults.append(armed)
        return armed

    def add_spec(self, spec: str) -> Fault:
        """Arm a fault from `provider:endpoint:fault[:times]` (as `runsandbox --fault`)."""
        parts = spec.split(":")
        if len(parts) not in (3, 4):
            raise ValueError("a fault spec is provider:endpoint:fault[:times]")
        times = int(parts[3]) if len(parts) == 4 else None
        return self.add(provider=parts[0], endpoint=parts[1], fault=parts[2], times=times)

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        """Return the armed faults, oldest first."""
        with self._lock:
            return list(self._faults)

    def take(
        self,
        provider: str,
        endpoint: str,
        content: frozenset[str] = frozenset(),
    ) -> Fault | None:
        """Fire the oldest fault matching this request, counting it down.

        `content` names the content faults this endpoint can apply; others are skipped.
        """
        with self._lock:
            for armed in self._faults:
                if armed.fault == "shrink" or (armed.fault in WEBHOOK_FAULTS) != (
                    endpoint == WEBHOOK
                ):
                    continue
                if armed.fault in CONTENT_FAULTS and armed.fault not in content:
                    continue
                if armed.provider in ("*", provider) and armed.endpoint in ("*", endpoint):
                    if armed.skip > 0:
                        armed.skip -= 1
                        continue
                    armed.fired += 1
                    if armed.times is not None and armed.fired >= armed.times:
                        self._faults.remove(armed)
                    return armed
        return None

    def shrunk(
        self,
        provider: str,
        endpoint: str,
        content: frozenset[str] = frozenset(),
    ) -> Fault | None:
        """Return the shrink in effect for this request (the oldest), counting down its skip.

        A shrink is state, not a one-off answer: it is returned for every matching request
        once its `skip` is used up, and `take` never fires it.
        """
        if "shrink" not in content:
            return None
        with self._lock:
            for armed in self._faults:
                if armed.fault != "shrink" or armed.provider not in ("*", provider):
                    continue
                if armed.endpoint not in ("*", endpoint):
                    continue
                if armed.skip > 0:
                    armed.skip -= 1
                    return None
                armed.fired += 1
                return armed
        return None
