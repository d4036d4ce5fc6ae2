"""What idvdash knows of one provider, in one object: each provider package builds one.

The registry (`registry.py`) lists them by kind; the rest of idvdash asks it and never
branches on a provider's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from .base import LiveRead, ProviderClient, VerificationRecord
from .codes import Vocabulary
from .traits import Traits
from .webhooks import Notice


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `requests` requests in any `seconds` seconds, for one account."""

    requests: int
    seconds: int

    def __str__(self) -> str:
        noun = "request" if self.requests == 1 else "requests"
        return f"{self.requests:,} {noun} per {_duration(self.seconds)}"


def _duration(seconds: int) -> str:
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return unit if count == 1 else f"{count} {unit}s"
    return "second" if seconds == 1 else f"{seconds} seconds"


@dataclass(frozen=True)
class Credentials:
    """The credential keys of a kind: accepted sets of required keys, and optional ones."""

    # Each inner tuple is one accepted set of required keys (Stora accepts two).
    required: tuple[tuple[str, ...], ...]
    optional: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key this kind understands, required ones first, in a stable order."""
        seen: dict[str, None] = {}
        for option in self.required:
            seen.update(dict.fromkeys(option))
        seen.update(dict.fromkeys(self.optional))
        return tuple(seen)

    def problems(self, credentials: dict[str, Any]) -> list[str]:
        """Return what is wrong with a credentials object for this kind (empty if nothing)."""
        problems = []
        unknown = sorted(set(credentials) - set(self.keys))
        if unknown:
            problems.append(f"unknown key(s): {', '.join(unknown)}")
        not_text = sorted(k for k, v in credentials.items() if not isinstance(v, str))
        if not_text:
            problems.append(f"value(s) must be strings: {', '.join(not_text)}")
        present = {k for k, v in credentials.items() if isinstance(v, str) and v.strip()}
        if not any(set(option) <= present for option in self.required):
            choices = " or ".join(" + ".join(option) for option in self.required)
            problems.append(f"required: {choices}")
        return problems


class WebhookReader(Protocol):
    """A provider package's `webhooks` module (see `providers/webhooks.py`)."""

    CREDENTIAL: str  # the credential key that holds the webhook secret

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str, now: float) -> None: ...

    def read(
        self, headers: Mapping[str, str], body: bytes, *, customer_ref_key: str = ""
    ) -> Notice: ...

    def learn(self, client: Any, notice: Notice) -> list[VerificationRecord]: ...


@dataclass(frozen=True, slots=True)
class MirroredStatus:
    """A full status that lives in the mirror row (`Provider.live_records`), ready to render.

    `facts` and `times` are read from the row; `levels` too, where the provider has them.
    `shown_once` holds what only the live answer gives and the mirror never keeps (the
    contact's name): empty when the provider did not answer.
    """

    facts: list[tuple[str, Any]]
    times: list[tuple[str, datetime | None]]
    levels: list[Any] = field(default_factory=list)
    shown_once: list[tuple[str, Any]] = field(default_factory=list)


# How a live answer is shown: (the row, the answer or None when the provider failed) -> context.
LiveContext = Callable[[Any, Any], dict[str, Any]]
# A full status re-read -> the records the sync's write path takes: (client, answer) -> records.
LiveRecords = Callable[[Any, dict[str, Any]], list[VerificationRecord]]
# What a live answer says about the person: (read, answer, the account's customer
# reference key) -> (the provider's subject id, "" where the answer names none; traits),
# or None when it says nothing usable.
LiveTraits = Callable[[LiveRead, dict[str, Any], str], "tuple[str, Traits] | None"]


def _nothing(_: object) -> dict[str, Any]:
    return {}


def _no_traits(read: LiveRead, answer: dict[str, Any], customer_ref_key: str) -> None:
    return None


def _never(stored: Mapping[str, Any], record: VerificationRecord) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class ScanPolicy:
    """How scheduled syncs read a provider's list, unless an account says otherwise.

    Between full scans (every `full_every`), a scheduled sync of a list read by position
    reads only its first `recent_pages` pages, where new and changing records are (0:
    every sync reads the whole list). A provider read incrementally reads what changed
    since its last sync instead, and a full scan reads its list from the start: the
    only way to notice records deleted at the provider.
    """

    recent_pages: int = 0
    full_every: timedelta = timedelta(0)


@dataclass(frozen=True)
class Provider:
    """One provider's pieces.

    - `client`: reads the provider's API (`ProviderClient`).
    - `normalise(payload, raw_status)`: the mirror's outcome, suspicion, reasons (and
      Swan's levels) for one record; total, never raises.
    - `vocabulary`: its codes and their meanings.
    - `detail(verification)`: extra context for the detail page (`checks`, `levels`,
      `facts`); `reason_categories(raw)`: which list each reason code came from.
    - `live_context`: for each live read the client offers, how its answer is shown:
      `(verification, answer or None) -> context`.
    - `live_records(client, answer)`: where set, a full status is written to the mirror
      row through the sync's write path (reduced to what a sync keeps) instead of being
      stored as a snapshot; the row itself is then the last-known state.
    - `times_from_detail(detail)`: the provider's own times found in a full record.
    - `webhooks`: how its webhook deliveries are verified, read and learned from.
    - `superseded(stored, record)`: whether a pushed record must not replace the stored
      row (`outcome`, `raw`) even though its time is not older.
    - `scans`: how scheduled syncs read its list (`ScanPolicy`).
    - `rate_limits`: the provider's documented request limits per account, all of which
      hold at once (`providers/ratelimit.py` keeps every account under them); an account
      may override them.
    - `backfill(client, external_id)`: where set, what one read of a listed record adds
      that its list leaves out (its times), never anything personal; the backfill
      (`verifications/backfill.py`) asks it once per record, within a share of the budget.
    - `times_note`: for a provider whose list leaves times out, how pages say so and
      how the time can be learned; `time_not_given` is what pages show.
    - `live_traits(read, answer, customer_ref_key)`: what a live answer says about the
      person, as (subject id or "", `Traits`), or None; held in passing, never stored.
    - `metadata_refs`: whether the provider's subjects carry an operator-set metadata
      map, where an account may name the key holding its customer reference
      (`ProviderAccount.customer_ref_key`).
    """

    kind: str
    label: str
    client: type[ProviderClient]
    base_url: str
    token_url: str | None
    credentials: Credentials
    normalise: Callable[[dict[str, Any], str], dict[str, Any]]
    vocabulary: Vocabulary
    detail: Callable[[Any], dict[str, Any]] = _nothing
    reason_categories: Callable[[object], dict[str, str]] = _nothing
    live_context: Mapping[LiveRead, LiveContext] = field(default_factory=dict)
    live_records: LiveRecords | None = None
    times_from_detail: Callable[[object], dict[str, Any]] = _nothing
    webhooks: WebhookReader | None = None
    superseded: Callable[[Mapping[str, Any], VerificationRecord], bool] = _never
    scans: ScanPolicy = field(default_factory=ScanPolicy)
    rate_limits: tuple[RateLimit, ...] = ()
    times_note: str = ""
    backfill: Callable[[Any, str], dict[str, Any]] | None = None
    live_traits: LiveTraits = _no_traits
    metadata_refs: bool = False

    @property
    def time_not_given(self) -> str:
        """What a page shows for a time the provider did not give."""
        return self.times_note or f"Not given by {self.label}"

    @property
    def live_reads(self) -> frozenset[LiveRead]:
        """The live reads a reviewer can open on this provider's records."""
        return self.client.live_reads & frozenset(self.live_context)
