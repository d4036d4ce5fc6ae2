"""What every provider client returns and raises: records, pages, the protocol, errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

EXCERPT_LENGTH = 500
REDACTED = "[redacted]"
# A provider whose paging leads back to a page already read would be walked forever.
LOOPING_PAGES = "sent a next-page cursor that leads back to a page already read"


@dataclass(frozen=True, slots=True)
class VerificationRecord:
    """One verification as a provider lists it, parsed at the boundary."""

    external_id: str
    subject_ref: str
    raw_status: str
    created_at: datetime
    updated_at: datetime | None
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Page:
    """Records from one provider page and the checkpoint that resumes after it.

    Lists read by position (offset or page number) also carry `total`, the length the
    provider gave for the whole list with this page: rows removed behind the walk move
    later rows onto pages already read, and a drop in `total` is how that shows.
    `past_end` marks a page the provider had announced but no longer has: the list
    shrank under the walk too. Lists whose paging cannot skip rows that way (cursors
    that name a row, `updated_after` windows) leave `total` as None.
    """

    records: list[VerificationRecord]
    checkpoint: dict[str, Any]
    total: int | None = None
    past_end: bool = False


class VerificationClient(Protocol):
    kind: str
    incremental: bool

    def iter_pages(self, *, checkpoint: Mapping[str, Any] | None = None) -> Iterator[Page]: ...

    def enrich(self, record: VerificationRecord) -> VerificationRecord: ...

    def get_detail(self, external_id: str) -> dict[str, Any]: ...

    def check_connection(self) -> str: ...

    def close(self) -> None: ...


class RecentIds:
    """The external ids of the current and the previous page.

    A row shifted across a page boundary (a new row arrived, one was removed) shows
    up twice in a row of pages; remembering two pages catches that with memory that
    stays flat however long the walk.
    """

    def __init__(self) -> None:
        self._previous: set[str] = set()
        self._current: set[str] = set()

    def first_time(self, external_id: str) -> bool:
        """Return True, and remember the id, unless one of the two pages had it."""
        if external_id in self._current or external_id in self._previous:
            return False
        self._current.add(external_id)
        return True

    def next_page(self) -> None:
        """Start a new page: forget the page before the one just finished."""
        self._previous, self._current = self._current, set()


class ProviderError(Exception):
    """A provider call failed; str() is one sentence that names the account, never a secret."""

    def __init__(
        self,
        message: str,
        *,
        account: str,
        status: int | None = None,
        request_id: str | None = None,
        body: str = "",
        secrets: Iterable[str] = (),
    ) -> None:
        self.account = account
        self.status = status
        self.request_id = request_id
        self.body = redact(body, secrets)[:EXCERPT_LENGTH]
        self.message = redact(message, secrets)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ProviderUnavailable(ProviderError):
    """Network failure, timeout, or 5xx after the retries ran out."""


class ProviderAuthError(ProviderError):
    """Credentials missing, unreadable, or refused (401/403)."""


class ProviderRateLimited(ProviderError):
    """429 after the retries ran out."""


class ProviderResponseError(ProviderError):
    """An answer we cannot use: bad JSON, unexpected shape, GraphQL errors, other 4xx."""


def redact(text: str, secrets: Iterable[str]) -> str:
    """Return text with every secret value (of four characters or more) replaced."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def parse_timestamp(value: object) -> datetime | None:
    """Return an aware UTC datetime for an ISO 8601-ish string or Unix seconds, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            # Naive provider times (iDenfy full-status) have no documented zone: read as UTC.
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def format_timestamp(value: datetime) -> str:
    """Return an ISO 8601 UTC string with a Z suffix (fractions only when present)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def read_credentials(
    account: ProviderAccountLike, *, provider: str, required: Iterable[Iterable[str]]
) -> dict[str, str]:
    """Return the account's credentials; raise ProviderAuthError if unreadable or incomplete.

    required lists the accepted sets of keys (Stora: access_token, or client_id + secret).
    """
    try:
        raw = dict(account.credentials.items())
    except Exception as err:  # CredentialsUnreadable, or anything that is not a mapping
        raise ProviderAuthError(
            f"{provider} account '{account.name}' has credentials that cannot be read; "
            "enter them again.",
            account=account.name,
        ) from err
    values = {k: v.strip() for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
    present = {k for k, v in values.items() if v}
    options = [tuple(option) for option in required]
    if not any(set(option) <= present for option in options):
        wanted = " or ".join(" + ".join(option) for option in options)
        raise ProviderAuthError(
            f"{provider} account '{account.name}' is missing credentials (needs {wanted}).",
            account=account.name,
        )
    return values


class ProviderAccountLike(Protocol):
    name: str
    kind: str
    base_url: str
    token_url: str
    credentials: Any


def as_dict(value: object) -> dict[str, Any]:
    """Return value when it is a JSON object, else an empty one (lenient reading)."""
    return value if isinstance(value, dict) else {}
