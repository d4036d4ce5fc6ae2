"""Live reads from iDenfy for the detail page: full status, document data, file links.

A reviewer is waiting on these, so the HTTP budget is short (few retries, tight
timeouts). Failures come back as a plain sentence, never as an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from idvdash.providers.clients.base import (
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)
from idvdash.providers.clients.http import build_session
from idvdash.providers.clients.registry import client_for

from .models import Verification
from .sync import store_detail_snapshot

LIVE_RETRIES = 1
LIVE_TIMEOUT = (3.0, 10.0)
LIVE_MAX_RETRY_AFTER = 3.0

UNAVAILABLE = "iDenfy did not answer in time or reported a server error."
AUTH_FAILED = "iDenfy refused our credentials for this account; an administrator must check them."
RATE_LIMITED = "iDenfy is limiting how often we may ask; try again in a minute."
BAD_ANSWER = "iDenfy sent an answer we could not read."
FAILED = "The request to iDenfy failed."

_PLAIN = (
    (ProviderUnavailable, UNAVAILABLE),
    (ProviderAuthError, AUTH_FAILED),
    (ProviderRateLimited, RATE_LIMITED),
    (ProviderResponseError, BAD_ANSWER),
)


@dataclass(frozen=True, slots=True)
class LiveResult:
    """What a live read gave: fresh data, or the error and whatever was stored before."""

    data: dict[str, Any] | None
    fetched_at: datetime | None
    fresh: bool
    error: str = ""
    error_detail: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)


def fetch_full_status(*, verification: Verification) -> LiveResult:
    """Fetch iDenfy's full status, store it as the row's snapshot; fall back to the stored one."""
    try:
        detail = _call(verification, lambda client: client.get_detail(verification.external_id))
    except ProviderError as err:
        return LiveResult(
            data=verification.detail,
            fetched_at=verification.detail_fetched_at,
            fresh=False,
            error=plain_error(err),
            error_detail=str(err),
        )
    store_detail_snapshot(verification=verification, detail=detail)
    return LiveResult(data=detail, fetched_at=verification.detail_fetched_at, fresh=True)


def fetch_data(*, verification: Verification) -> LiveResult:
    """Fetch the document data iDenfy parsed (shown once, not stored)."""
    return _once(verification, lambda client: client.get_data(verification.external_id))


def fetch_files(*, verification: Verification) -> LiveResult:
    """Fetch the photo and video links (they expire after an hour: shown once, never stored)."""
    return _once(verification, lambda client: client.get_files(verification.external_id))


def plain_error(err: ProviderError) -> str:
    """Return what happened, in words a reviewer understands."""
    for kind, sentence in _PLAIN:
        if isinstance(err, kind):
            return sentence
    return FAILED


def _once(verification: Verification, call: Callable[[Any], dict[str, Any]]) -> LiveResult:
    try:
        data = _call(verification, call)
    except ProviderError as err:
        return LiveResult(
            data=None, fetched_at=None, fresh=False, error=plain_error(err), error_detail=str(err)
        )
    return LiveResult(data=data, fetched_at=timezone.now(), fresh=True)


def _call(verification: Verification, call: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    session = build_session(
        provider=verification.account.kind,
        retries=LIVE_RETRIES,
        timeout=LIVE_TIMEOUT,
        max_retry_after=LIVE_MAX_RETRY_AFTER,
        allowed_post=True,
    )
    try:
        client = client_for(verification.account, session=session)
        return call(client)
    finally:
        session.close()
