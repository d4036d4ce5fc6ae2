"""Live reads for the detail page: the provider answers for one record, there and then.

A reviewer is waiting on these, so the HTTP budget is short (few retries, tight
timeouts). Failures come back as a plain sentence, never as an exception. A full
status either updates the mirror row through the sync's write path, where the
provider says how (`Provider.live_records`: Stora, Swan), or is stored as the row's
snapshot (iDenfy); when the provider fails, the row as last synced, or the snapshot,
is shown instead. Every other read is shown once and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from idvdash.people.observe import observe
from idvdash.providers.base import LiveRead, VerificationRecord
from idvdash.providers.errors import (
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)
from idvdash.providers.http import build_session
from idvdash.providers.ratelimit import Priority
from idvdash.providers.registry import PROVIDERS, client_for, label

from .models import Verification
from .sync import store_detail_snapshot, write_live_records

LIVE_RETRIES = 1
LIVE_TIMEOUT = (3.0, 10.0)
LIVE_MAX_RETRY_AFTER = 3.0

UNAVAILABLE = "{provider} could not be reached, did not answer in time, or reported a server error."
AUTH_FAILED = (
    "{provider} refused our credentials for this account; an administrator must check them."
)
RATE_LIMITED = "{provider} is limiting how often we may ask; try again in a minute."
BAD_ANSWER = "{provider} sent an answer we could not read."
FAILED = "The request to {provider} failed."
# An erased row is never read live: the provider's answer would bring back what was
# removed (names, document data), and nothing of it may be stored or shown again.
ERASED = (
    "idvdash removed this record's personal data on {day:%Y-%m-%d}; it is not read "
    "from {provider} again."
)

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


def offers(verification: Verification, read: LiveRead) -> bool:
    """Tell whether the row's provider answers this live read (and its page shows it)."""
    known = PROVIDERS.get(verification.provider)
    return known is not None and read in known.live_reads


def fetch(*, verification: Verification, read: LiveRead) -> LiveResult:
    """Ask the provider for `read` of the row now; a full status updates the row.

    Where the provider mirrors its full status, the fallback is the row itself, with the
    time it was last synced; otherwise it is the stored snapshot.
    """
    if verification.erased_at is not None:
        refused = ERASED.format(day=verification.erased_at, provider=label(verification.provider))
        return LiveResult(data=None, fetched_at=None, fresh=False, error=refused)
    mirrors = read is LiveRead.FULL_STATUS and _mirrors(verification)
    try:
        data, records = _call(verification, read, mirrors=mirrors)
    except ProviderError as err:
        failed = {"error": plain_error(err, verification.provider), "error_detail": str(err)}
        if mirrors:
            return LiveResult(
                data=None, fetched_at=verification.last_synced_at, fresh=False, **failed
            )
        if read is LiveRead.FULL_STATUS:
            stored = {"data": verification.detail, "fetched_at": verification.detail_fetched_at}
            return LiveResult(fresh=False, **stored, **failed)
        return LiveResult(data=None, fetched_at=None, fresh=False, **failed)
    _observe(verification, read, data)
    if mirrors:
        write_live_records(verification=verification, records=records)
        return LiveResult(data=data, fetched_at=timezone.now(), fresh=True)
    if read is LiveRead.FULL_STATUS:
        store_detail_snapshot(verification=verification, detail=data)
        return LiveResult(data=data, fetched_at=verification.detail_fetched_at, fresh=True)
    return LiveResult(data=data, fetched_at=timezone.now(), fresh=True)


def _observe(verification: Verification, read: LiveRead, data: dict[str, Any]) -> None:
    """Keep the match keys of the person a live answer names (`idvdash/people`), where
    the provider says how to read them (`Provider.live_traits`); never the answer."""
    live_traits = getattr(PROVIDERS[verification.provider], "live_traits", None)
    account = verification.account
    found = live_traits(read, data, account.customer_ref_key) if live_traits else None
    if found:
        subject_ref, traits = found
        subject = subject_ref or verification.subject_ref
        observe(account, [(subject, traits)], timezone.now())


def context(verification: Verification, read: LiveRead, result: LiveResult) -> dict[str, Any]:
    """The provider's shaping of a live answer (or of what was kept) for its fragment."""
    return PROVIDERS[verification.provider].live_context[read](verification, result.data)


def _mirrors(verification: Verification) -> bool:
    """Tell whether the row's provider writes its full status to the mirror row."""
    return PROVIDERS[verification.provider].live_records is not None


def plain_error(err: ProviderError, kind: str) -> str:
    """Return what happened, in words a reviewer understands."""
    provider = label(kind)
    for error, sentence in _PLAIN:
        if isinstance(err, error):
            return sentence.format(provider=provider)
    return FAILED.format(provider=provider)


def _call(
    verification: Verification, read: LiveRead, *, mirrors: bool
) -> tuple[dict[str, Any], list[VerificationRecord]]:
    """Return the provider's answer and, where it `mirrors`, the records to write."""
    account = verification.account
    provider = PROVIDERS[account.kind]
    session = build_session(
        provider=account.kind,
        retries=LIVE_RETRIES,
        timeout=LIVE_TIMEOUT,
        max_retry_after=LIVE_MAX_RETRY_AFTER,
        allowed_post=provider.client.posts_are_reads,
    )
    try:
        client = client_for(account, session=session, priority=Priority.LIVE)
        data = client.read_live(
            read, verification.external_id, subject_ref=verification.subject_ref
        )
        records = provider.live_records(client, data) if mirrors and provider.live_records else []
        return data, records
    finally:
        session.close()
