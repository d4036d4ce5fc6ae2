"""The one HTTP layer every provider client uses: session, retries, timeouts, error mapping."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from idvdash import __version__

from .errors import (
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
# RateLimit-Reset above this is a Unix time (Stora), below it a delay in seconds (IETF draft).
EPOCH_THRESHOLD = 1_000_000_000
MESSAGE_LENGTH = 200
REQUEST_ID_HEADERS = ("X-Request-Id", "Request-Id", "X-Stora-Request-Id", "X-Swan-Request-Id")

# What the request being sent must pass before each attempt (the account's budget,
# `ratelimit.py`): set by ProviderHttp.send, read by ProviderRetry before a retry, so
# the retries urllib3 makes inside one session call are counted like the first try.
_THROTTLE: ContextVar[Callable[[], None] | None] = ContextVar("provider_throttle", default=None)


def user_agent(provider: str) -> str:
    """Return the User-Agent idvdash sends to a provider."""
    return f"idvdash/{__version__} ({provider})"


class ProviderRetry(Retry):
    """urllib3 Retry that also honours RateLimit-Reset and never fails on a bad header."""

    def get_retry_after(self, response: Any) -> float | None:
        """Return the server's requested delay in seconds (capped), or None."""
        header = response.headers.get("Retry-After")
        if header is not None:
            try:
                return self.parse_retry_after(header)
            except Exception:
                return None
        reset = response.headers.get("RateLimit-Reset")
        if reset is None:
            return None
        try:
            seconds = float(reset)
        except ValueError:
            return None
        if math.isnan(seconds):  # "nan" parses, but no wait can be made of it
            return None
        if seconds > EPOCH_THRESHOLD:
            seconds -= time.time()
        return min(max(seconds, 0.0), float(self.retry_after_max))

    def sleep(self, response: Any = None) -> None:
        """Wait as urllib3 does, then pass the account's budget before the retry is sent."""
        super().sleep(response)
        if (throttle := _THROTTLE.get()) is not None:
            throttle()


class TimeoutAdapter(HTTPAdapter):
    """HTTPAdapter that applies a default (connect, read) timeout to every request."""

    def __init__(self, *, timeout: float | tuple[float, float], **kwargs: Any) -> None:
        self.default_timeout = timeout
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().send(request, **kwargs)


def build_session(
    *,
    provider: str,
    retries: int = 3,
    backoff: float = 0.5,
    max_retry_after: float = MAX_RETRY_AFTER,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    allowed_post: bool = False,
) -> requests.Session:
    """Return a Session with bounded retries, backoff with jitter, timeouts and our User-Agent.

    Set allowed_post only for clients whose POSTs are reads (GraphQL queries, token
    requests, iDenfy retrieval endpoints): urllib3 retries no POST otherwise.
    """
    methods = set(Retry.DEFAULT_ALLOWED_METHODS)
    if allowed_post:
        methods.add("POST")
    retry = ProviderRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        allowed_methods=frozenset(methods),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff,
        backoff_jitter=backoff,
        backoff_max=max(backoff * 8, backoff),
        retry_after_max=int(max_retry_after),
        respect_retry_after_header=True,
        # Return the last response so the error carries its status and body.
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = TimeoutAdapter(timeout=timeout, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent(provider)
    session.headers["Accept"] = "application/json"
    return session


@dataclass(frozen=True, slots=True)
class Answer:
    """A provider response, read and closed."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class ProviderHttp:
    """Send requests for one account and turn failures into the ProviderError family."""

    session: requests.Session
    account: str
    provider: str
    secrets: Callable[[], Iterable[str]] = field(default=lambda: ())
    body_retries: int = 2
    # Called before every attempt, retries included; raises to stop the request unsent.
    throttle: Callable[[], None] = field(default=lambda: None)

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        """Send one request and read its body; raise on transport failure.

        The session retries connecting and error statuses; an answer that breaks off
        while its body is read (after the session's retries are done) is asked for again
        here, up to body_retries times: every request these clients send is a read.
        """
        for attempt in range(self.body_retries + 1):
            self.throttle()
            passing = _THROTTLE.set(self.throttle)
            try:
                with self.session.request(method, url, **kwargs) as response:
                    return Answer(response.status_code, dict(response.headers), response.content)
            except requests.exceptions.ChunkedEncodingError as err:
                if attempt == self.body_retries:
                    raise self._transport_error(err, url) from err
            except requests.RequestException as err:
                raise self._transport_error(err, url) from err
            finally:
                _THROTTLE.reset(passing)
        raise AssertionError("unreachable")

    def check(self, answer: Answer) -> Answer:
        """Return a 2xx answer unchanged; raise the matching ProviderError otherwise."""
        if 200 <= answer.status < 300:
            return answer
        status = answer.status
        said = self._said(answer)
        if status in (401, 403):
            cls: type[ProviderError] = ProviderAuthError
            what = f"refused our credentials (HTTP {status}{said})"
        elif status == 429:
            cls, what = ProviderRateLimited, f"is rate limiting us (HTTP 429{said})"
        elif status >= 500:
            cls, what = ProviderUnavailable, f"failed on its side (HTTP {status}{said})"
        else:
            cls, what = ProviderResponseError, f"rejected the request (HTTP {status}{said})"
        raise self.error(cls, what, answer=answer)

    def json(self, answer: Answer) -> Any:
        """Return the JSON body of a checked answer; raise ProviderResponseError if it is not."""
        try:
            return json.loads(answer.body)
        except ValueError as err:
            raise self.error(
                ProviderResponseError, "sent a body that is not JSON", answer=answer
            ) from err

    def fetch(self, method: str, url: str, **kwargs: Any) -> Any:
        """Send, check and parse in one step."""
        return self.json(self.check(self.send(method, url, **kwargs)))

    def error(
        self, cls: type[ProviderError], what: str, *, answer: Answer | None = None
    ) -> ProviderError:
        """Build an error whose message reads '<Provider> account '<name>' <what>.'."""
        return cls(
            f"{self.provider} account '{self.account}' {what.rstrip('.')}.",
            account=self.account,
            status=answer.status if answer else None,
            request_id=request_id(answer) if answer else None,
            body=answer.text if answer else "",
            secrets=list(self.secrets()),
        )

    def _said(self, answer: Answer) -> str:
        message = provider_message(answer)
        return f": {message}" if message else ""

    def _transport_error(self, err: requests.RequestException, url: str) -> ProviderError:
        host = urlsplit(url).netloc or url
        if isinstance(err, requests.Timeout) or _caused_by(err, ReadTimeoutError):
            what = f"did not answer in time ({host})"
        elif isinstance(err, requests.exceptions.ChunkedEncodingError):
            what = f"broke off its answer ({host})"
        elif isinstance(err, requests.ConnectionError):
            what = f"could not be reached ({host})"
        else:
            what = f"could not be called ({host}: {type(err).__name__})"
        return self.error(ProviderUnavailable, what)


def _caused_by(err: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    stack: list[object] = [err]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return True
        stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return False


def _loads(answer: Answer) -> Any:
    try:
        return json.loads(answer.body)
    except ValueError:
        return None


def provider_message(answer: Answer) -> str:
    """Return the provider's own short error text from a body, if it has one."""
    body = _loads(answer)
    candidates: list[object] = []
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            candidates += [error.get("message"), error.get("code")]
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            candidates.append(errors[0].get("message"))
        candidates += [
            body.get("message"),
            body.get("detail"),
            body.get("error_description"),
            error if isinstance(error, str) else None,
        ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return " ".join(candidate.split())[:MESSAGE_LENGTH]
    return ""


def request_id(answer: Answer) -> str | None:
    """Return the provider's request id from headers or an error/meta body, if sent."""
    lowered = {key.lower(): value for key, value in answer.headers.items()}
    for header in REQUEST_ID_HEADERS:
        if value := lowered.get(header.lower()):
            return value
    body = _loads(answer)
    if isinstance(body, dict):
        for key in ("error", "meta"):
            section = body.get(key)
            if isinstance(section, dict) and isinstance(section.get("request_id"), str):
                return section["request_id"]
    return None


@dataclass
class CachedToken:
    """An OAuth2 access token kept until shortly before it expires."""

    value: str = ""
    expires_at: float = 0.0

    def fresh(self) -> bool:
        """Return True while the token can still be used."""
        return bool(self.value) and time.monotonic() < self.expires_at

    def store(self, value: str, expires_in: object, *, default_lifetime: float) -> None:
        """Keep a new token; renew it a minute (at most a tenth of its life) before expiry."""
        lifetime = (
            float(expires_in)
            if isinstance(expires_in, int | float) and not isinstance(expires_in, bool)
            else default_lifetime
        )
        lifetime = max(lifetime, 0.0)
        self.value = value
        self.expires_at = time.monotonic() + lifetime - min(60.0, lifetime / 10)

    def take_answer(self, http: ProviderHttp, answer: Answer, *, default_lifetime: float) -> str:
        """Keep the token from an OAuth2 token endpoint's answer and return it."""
        if answer.status in (400, 401, 403):
            raise http.error(
                ProviderAuthError,
                f"refused our client credentials at the token endpoint (HTTP {answer.status})",
                answer=answer,
            )
        body = http.json(http.check(answer))
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise http.error(
                ProviderResponseError, "sent a token answer without access_token", answer=answer
            )
        self.store(token, body.get("expires_in"), default_lifetime=default_lifetime)
        return token

    def clear(self) -> None:
        """Forget the token (after a 401)."""
        self.value, self.expires_at = "", 0.0
