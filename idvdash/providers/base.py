"""What every provider client is, returns and shares: records, pages, the client base.

A client implements only what its provider has: `iter_pages` and `check_connection`
always; `enrich` when the list leaves out something a record needs; `read_live` for
the live reads its provider offers (`live_reads`). The base holds the shared set-up
(session, error mapping, `close()`), and `OAuth2ClientCredentials` the token cache with
the retry-once-after-401 rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

import requests

from .errors import ProviderAuthError
from .http import Answer, CachedToken, ProviderHttp
from .traits import NO_TRAITS, Traits

# A provider whose paging leads back to a page already read would be walked forever.
LOOPING_PAGES = "sent a next-page cursor that leads back to a page already read"


@dataclass(frozen=True, slots=True)
class VerificationRecord:
    """One verification as a provider lists it, parsed at the boundary."""

    external_id: str
    subject_ref: str
    raw_status: str
    # The provider's own times, None where it did not give one (iDenfy's list gives
    # none); nothing stands in for a missing time.
    created_at: datetime | None
    updated_at: datetime | None
    payload: dict[str, Any]
    # What the provider said about the person (names, birth date, contacts, the
    # partner's customer reference), never part of `payload`: the write path derives
    # match keys from it and drops it (`idvdash/people`).
    traits: Traits = NO_TRAITS

    @property
    def times_given(self) -> bool:
        """Whether the provider gave any time for the record (the mirror keeps stored
        times a record does not give; see `verifications/sync.py`)."""
        return self.created_at is not None or self.updated_at is not None


@dataclass(frozen=True, slots=True)
class Page:
    """Records from one provider page and the checkpoint that resumes after it.

    `total` is the length the provider gave for the whole list with this page, on
    lists read by position (offset or page number); `past_end` marks a page the
    provider had announced but no longer has. The sync reads both to tell that a list
    shrank under the walk (the rule and its reasons: `verifications/sync.py`). Lists
    whose paging cannot skip rows (cursors that name a row, `updated_after` windows)
    leave `total` as None.
    """

    records: list[VerificationRecord]
    checkpoint: dict[str, Any]
    total: int | None = None
    past_end: bool = False


class LiveRead(StrEnum):
    """A read a reviewer triggers on one record, answered by the provider there and then."""

    # The record in full: stored as the row's snapshot, or, where the provider says how
    # (`Provider.live_records`), written to the mirror row through the sync's write path.
    FULL_STATUS = "full_status"
    DOCUMENT_DATA = "data"  # what was read from the identity document; shown once
    FILE_LINKS = "files"  # short-lived photo and video links; shown once


class LiveReadUnsupported(LookupError):
    """The provider offers no such live read (callers check `live_reads` first)."""


class ProviderAccountLike(Protocol):
    name: str
    kind: str
    base_url: str
    token_url: str
    credentials: Any


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


class ProviderClient:
    """The shared part of every client: one account, one session, one error vocabulary.

    Subclasses set `kind` and `label` (the provider's name in messages) and implement `iter_pages`
    and `check_connection`. `incremental` says whether `iter_pages` reads only what
    changed since its checkpoint (then a scan cannot count missing rows); POSTs are
    retried like GETs only where `posts_are_reads`.
    """

    kind: ClassVar[str]
    label: ClassVar[str]
    incremental: ClassVar[bool] = False
    posts_are_reads: ClassVar[bool] = False
    live_reads: ClassVar[frozenset[LiveRead]] = frozenset()

    def __init__(
        self,
        *,
        account_name: str,
        base_url: str,
        credentials: Mapping[str, str],
        session: requests.Session,
        owns_session: bool = False,
        token_url: str = "",
        throttle: Callable[[], None] | None = None,
        customer_ref_key: str = "",
    ) -> None:
        self.account_name = account_name
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url
        self._credentials = dict(credentials)
        self._session = session
        self._owns_session = owns_session
        # The account's metadata key for the partner's customer reference ("" for none).
        self.customer_ref_key = customer_ref_key
        self._http = ProviderHttp(session, account_name, self.label, self._secrets)
        if throttle is not None:
            # Every request, token requests and retries included, passes the account's budget.
            self._http.throttle = throttle

    def iter_pages(self, *, checkpoint: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Yield the provider's list page by page, starting after `checkpoint`."""
        raise NotImplementedError

    def check_connection(self) -> str:
        """Return one line saying what the credentials can see; raise ProviderError if nothing."""
        raise NotImplementedError

    def enrich(self, record: VerificationRecord) -> VerificationRecord:
        """Complete a newly seen record the list left incomplete (default: it is complete)."""
        return record

    def read_live(
        self, read: LiveRead, external_id: str, *, subject_ref: str = ""
    ) -> dict[str, Any]:
        """Answer one of `live_reads` for one record, from the provider, now.

        `subject_ref` is the record's subject as mirrored, for providers that reach a
        record only through its subject (Swan: an identification through its user).
        """
        raise LiveReadUnsupported(f"{self.label} offers no {read} read.")

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

    def _secrets(self) -> Iterable[str]:
        """Every value that must never appear in an error message."""
        return self._credentials.values()


class OAuth2ClientCredentials(ProviderClient):
    """A client that sends an OAuth2 client-credentials token, cached until shortly before expiry.

    A token the provider refuses (it may have been revoked or expired early) is renewed
    once and the request sent again; a second refusal is the provider's final word.
    Subclasses say how to ask for a token (`_request_token`) and may widen what counts
    as a refusal (`_token_refused`).
    """

    token_lifetime: ClassVar[float] = 3600.0

    def __init__(self, **kwargs: Any) -> None:
        self._token = CachedToken()
        super().__init__(**kwargs)

    def _request_token(self) -> Answer:
        """Ask the token endpoint for a new access token."""
        raise NotImplementedError

    def _token_refused(self, answer: Answer) -> bool:
        return answer.status == 401

    def _token_renewable(self) -> bool:
        return True

    def _access_token(self) -> str:
        if not self._token.fresh():
            self._token.take_answer(
                self._http, self._request_token(), default_lifetime=self.token_lifetime
            )
        return self._token.value

    def _send_with_token(self, method: str, url: str, **kwargs: Any) -> Answer:
        """Send with the access token; renew a refused token once and send again."""
        for attempt in (1, 2):
            answer = self._http.send(
                method, url, headers={"Authorization": f"Bearer {self._access_token()}"}, **kwargs
            )
            if attempt == 1 and self._token_refused(answer) and self._token_renewable():
                self._token.clear()
                continue
            return answer
        raise AssertionError("unreachable")

    def _secrets(self) -> Iterable[str]:
        return (*super()._secrets(), self._token.value)


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
