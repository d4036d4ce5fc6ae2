"""Reading what a provider says about a person into `Traits`, defensively.

Each provider package's `traits.py` names the fields its answers carry; this module
decides what is usable. Any field may be missing, null, of the wrong type or huge: an
unusable value is left out, never an error, and no value is logged or kept. Values stay
as given (case, spacing): `idvdash/people` normalises them into keyed hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .traits import NO_TRAITS, Traits

# Longest value read per kind; anything longer is not a real name, e-mail, phone or
# reference (iDenfy documents clientId as at most 100 characters).
NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 40
REF_MAX = 100
# At most this many values of one kind from one answer (Swan's verifiedEmails is a list).
MANY = 5
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def one_text(value: object, limit: int) -> str | None:
    """Return a non-blank string of at most `limit` characters, stripped, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if value and len(value) <= limit else None


def customer_ref(value: object) -> str | None:
    """Return a usable customer reference: a string, or an integer (legacy iDenfy types)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return one_text(value, REF_MAX)


def birth_date(value: object) -> str | None:
    """Return a date of birth given as YYYY-MM-DD (a datetime's date part), else None."""
    found = one_text(value, 40)
    if found is None or not DATE.match(found):
        return None
    return found[:10]


def email(value: object) -> str | None:
    """Return a string that looks like an e-mail address, else None."""
    found = one_text(value, EMAIL_MAX)
    return found if found and "@" in found.strip("@") else None


def phone(value: object) -> str | None:
    """Return a phone number with at least six digits, else None."""
    found = one_text(value, PHONE_MAX)
    return found if found and sum(c.isdigit() for c in found) >= 6 else None


def full_name(*parts: object) -> str | None:
    """Return the usable parts joined by a space ("Jonas" + "Petraitis"), else None."""
    words = [p for p in (one_text(part, NAME_MAX) for part in parts) if p]
    joined = " ".join(words)
    return joined if words and len(joined) <= NAME_MAX else None


def listed(value: object) -> list[object]:
    """Return a JSON list's items (at most MANY), a lone value as one, nothing else."""
    if isinstance(value, list | tuple):
        return list(value[:MANY])
    return [] if value is None else [value]


def traits(
    *,
    names: Iterable[str | None] = (),
    birth_dates: Iterable[str | None] = (),
    emails: Iterable[str | None] = (),
    phones: Iterable[str | None] = (),
    customer_refs: Iterable[str | None] = (),
) -> Traits:
    """Return Traits of the values already checked, without Nones and repeats."""

    def kept(values: Iterable[str | None]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for v in values if v))[:MANY]

    found = Traits(
        names=kept(names),
        birth_dates=kept(birth_dates),
        emails=kept(emails),
        phones=kept(phones),
        customer_refs=kept(customer_refs),
    )
    return found if found else NO_TRAITS


def metadata_ref(metadata: object, key: str) -> str | None:
    """Return the customer reference an operator keeps under `key` in a metadata map."""
    if not key or not isinstance(metadata, Mapping):
        return None
    return customer_ref_text(metadata.get(key))


def customer_ref_text(value: Any) -> str | None:
    """Return a customer reference given as a string only (a metadata map's values)."""
    return one_text(value, REF_MAX)
