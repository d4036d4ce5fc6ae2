"""Tombstones: how a forgotten subject stays forgotten when a provider names it again.

A provider keeps its records after idvdash forgets a person; the next sync, webhook or
live read would bring the payload, the subject reference and the match keys back. Two
marks stop that, both checked in the one write path (`verifications/sync.plan_page`,
through `screen`):

- the erased row itself (`Verification.erased_at`): whatever the provider says of it
  later, only what the law keeps is written (outcome, status, suspicion, times). The
  upsert itself (`sync.write_rows`) also keeps an erased row's personal fields empty,
  for a page planned before the erasure committed;
- a tombstone per forgotten subject, for records idvdash has not seen yet (a new
  verification of the same person): an HMAC-SHA256 of the account and the subject
  reference under ERASURE_KEY, never the reference.

Webhook events are cleared of what they kept about either once processed
(`after_processing`); live reads of an erased row are refused (`verifications/live.py`).
The people code asks `forgotten_refs` before observing a subject.

The tombstone key is not one of MATCH_KEYS: those rotate, and the purge drops the
digests of a retired match key, which would make every tombstone unrecognisable.
ERASURE_KEY is set once and kept; if it changes, erased rows stay erased (their mark is
on the row) but a new record of a forgotten subject would be stored in full.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from idvdash.providers.models import ProviderAccount
    from idvdash.verifications.sync import PagePlan

# The fields a record of a forgotten subject or an erased row never writes, and what
# they hold instead. Kept: external id, provider, account, status, outcome, decisive
# outcome, suspicion, process, the provider's times and idvdash's own.
STRIPPED: dict[str, Any] = {
    "subject_ref": "",
    "raw": {},
    "reason_codes": [],
    "levels": {},
}


def _key() -> bytes:
    if settings.ERASURE_KEY:
        return settings.ERASURE_KEY.encode()
    # Derived, so a deployment without ERASURE_KEY still hashes under a secret.
    return hmac.new(settings.SECRET_KEY.encode(), b"idvdash tombstones", hashlib.sha256).digest()


def digest(account_id: int, ref: str, *, key: bytes | None = None) -> str:
    """The tombstone of one subject reference in one account (`key`: `_key()`, when the
    caller hashes many)."""
    message = f"{account_id}\x1f{ref}".encode()
    return hmac.new(key or _key(), message, hashlib.sha256).hexdigest()


def seal(fingerprint: str) -> str:
    """An erased row's fingerprint: the listed payload's hash, hashed again under the key.

    The plain hash of a payload that names the subject could confirm a guessed
    reference; the sealed one cannot without the key, and still recognises an
    unchanged listing, so a re-scan writes nothing for an erased row it lists again.
    """
    if not fingerprint:
        return ""
    return hmac.new(_key(), f"fp\x1f{fingerprint}".encode(), hashlib.sha256).hexdigest()


def forgotten_refs(account_id: int, refs: Iterable[str]) -> set[str]:
    """The references among `refs` of subjects forgotten in the account (one query, two
    when the account has tombstones).

    For the people code: a subject in this set is not observed, linked or keyed. An
    account that forgot nobody, the usual one, is answered by an index probe, before
    any hashing: the sync asks for every page it writes.
    """
    from .models import Tombstone

    refs = {ref for ref in refs if ref}
    if not refs or not Tombstone.objects.filter(account_id=account_id).exists():
        return set()
    key = _key()
    by_digest = {digest(account_id, ref, key=key): ref for ref in refs}
    found = Tombstone.objects.filter(account_id=account_id, digest__in=list(by_digest))
    return {by_digest[d] for d in found.values_list("digest", flat=True)}


def screen(*, account: ProviderAccount, plan: PagePlan, known: dict[str, tuple]) -> PagePlan:
    """Strip, in place, the page's rows that are erased or of a forgotten subject.

    `known` is plan_page's external id -> (pk, fingerprint, subject, decisive) of the
    stored rows. Costs nothing for a page with nothing to write, one query for a page
    that updates known rows, and one for a page whose rows name subjects.
    """
    from idvdash.verifications.models import Verification

    if not plan.rows:
        return plan
    pks = [known[row["external_id"]][0] for row in plan.rows if row["external_id"] in known]
    erased = {}
    if pks:
        erased = dict(
            Verification.objects.filter(pk__in=pks, erased_at__isnull=False).values_list(
                "pk", "fingerprint"
            )
        )
    refs = [
        row["subject_ref"]
        for row in plan.rows
        if row["subject_ref"] and known.get(row["external_id"], (None,))[0] not in erased
    ]
    forgotten = forgotten_refs(account.pk, refs) if refs else set()
    if not erased and not forgotten:
        return plan
    now = timezone.now()
    kept = []
    for row in plan.rows:
        pk = known.get(row["external_id"], (None,))[0]
        if pk not in erased and row["subject_ref"] not in forgotten:
            kept.append(row)
            continue
        row.update(STRIPPED, fingerprint=seal(row["fingerprint"]), erased_at=now)
        if pk in erased and row["fingerprint"] == erased[pk]:
            plan.unchanged.append(pk)  # listed again as it was: nothing to write
            continue
        kept.append(row)
    plan.rows = kept
    return plan


def after_processing(*, account_id: int, event_ids: list[int], external_ids: list[str]) -> int:
    """Clear what just-processed webhook events kept, where it is about an erased row or
    names a forgotten subject; return how many events were cleared.

    Called by webhook processing in the batch's transaction, after the events are marked
    processed: an event keeps its notice's facts until then (what a provider said is
    never lost before it is written), and not a moment longer once it is about someone
    forgotten, whether or not its record changed the row. Two queries per batch.
    """
    from idvdash.verifications.models import Verification, WebhookEvent

    erased = set(
        Verification.objects.filter(
            account_id=account_id, external_id__in=external_ids, erased_at__isnull=False
        ).values_list("external_id", flat=True)
    )
    events = list(
        WebhookEvent.objects.filter(pk__in=event_ids).values_list("pk", "reference", "facts")
    )
    named = {value for _pk, reference, facts in events for value in _strings(reference, facts)}
    forgotten = forgotten_refs(account_id, named - erased)
    gone = erased | forgotten
    if not gone:
        return 0
    cleared = [pk for pk, reference, facts in events if gone & set(_strings(reference, facts))]
    return WebhookEvent.objects.filter(pk__in=cleared).update(facts={}, reference="")


def _strings(reference: str, facts: Any) -> list[str]:
    """The reference and every text value of the facts, at any depth (ids are texts)."""
    found = [reference] if reference else []
    stack = [facts]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found
