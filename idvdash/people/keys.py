"""Match keys: keyed hashes of personal facts, so idvdash compares people without
keeping what it compares.

A value is normalised (`normalise`), then hashed with HMAC-SHA256 under a key from the
environment (`MATCH_KEYS`: "id:secret" pairs, comma-separated, the first one current).
Keys are rotatable: new keys are written under the current key only; lookups compute
the digest under every configured key, so rows hashed under an older key still match
until the purge drops the keys of a key that is no longer configured.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from idvdash.providers.traits import Traits


class Kind(StrEnum):
    NAME = "name"
    BIRTH_DATE = "birth_date"
    EMAIL = "email"
    PHONE = "phone"
    CUSTOMER_REF = "customer_ref"


@dataclass(frozen=True, slots=True)
class MatchKey:
    kind: Kind
    key_id: str
    digest: str


_NOT_LETTERS = re.compile(r"[^\w]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalise(kind: Kind, value: str) -> str:
    """The form in which two spellings of one fact compare equal; "" if unusable.

    Names: accents removed, case folded, words sorted ("JONAS PETRAITIS" and
    "Petraitis Jonas" agree). Dates: YYYY-MM-DD only. E-mails: trimmed, case folded.
    Phones: digits only, at least 7 of them. Customer references: trimmed, exact.
    """
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if kind is Kind.NAME:
        plain = unicodedata.normalize("NFKD", value)
        plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
        words = sorted(w for w in _NOT_LETTERS.split(plain.replace("_", " ")) if w)
        return " ".join(words) if len(words) >= 2 else ""
    if kind is Kind.BIRTH_DATE:
        return value[:10] if _DATE.match(value[:10]) else ""
    if kind is Kind.EMAIL:
        value = value.casefold()
        return value if "@" in value.strip("@") else ""
    if kind is Kind.PHONE:
        digits = "".join(c for c in value if c.isdigit())
        return digits if len(digits) >= 7 else ""
    return value


def keyring() -> list[tuple[str, bytes]]:
    """(key id, secret) pairs from settings.MATCH_KEYS, the current key first."""
    ring = []
    for item in settings.MATCH_KEYS:
        key_id, _, secret = item.partition(":")
        if not key_id or not secret:
            raise ImproperlyConfigured('MATCH_KEYS holds "id:secret" pairs, comma-separated.')
        ring.append((key_id.strip(), secret.strip().encode()))
    if not ring:
        raise ImproperlyConfigured("MATCH_KEYS needs at least one key.")
    return ring


def digest(secret: bytes, kind: Kind, normalised: str) -> str:
    message = f"{kind}\x1f{normalised}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _values(traits: Traits) -> list[tuple[Kind, str]]:
    given = (
        (Kind.NAME, traits.names),
        (Kind.BIRTH_DATE, traits.birth_dates),
        (Kind.EMAIL, traits.emails),
        (Kind.PHONE, traits.phones),
        (Kind.CUSTOMER_REF, traits.customer_refs),
    )
    found = []
    for kind, values in given:
        for value in values:
            if normalised := normalise(kind, value):
                found.append((kind, normalised))
    return found


def derive(traits: Traits) -> set[MatchKey]:
    """The match keys to store for `traits`: under the current key only."""
    key_id, secret = keyring()[0]
    return {MatchKey(kind, key_id, digest(secret, kind, value)) for kind, value in _values(traits)}


def lookups(kind: Kind, value: str) -> set[MatchKey]:
    """Every key one value may be stored under (one per configured key)."""
    normalised = normalise(kind, value)
    if not normalised:
        return set()
    return {
        MatchKey(kind, key_id, digest(secret, kind, normalised)) for key_id, secret in keyring()
    }
