"""Neutral helpers for values that come from outside: provider JSON, times, codes.

Clients, normalisers, presenters and exports read provider data through these, so
every part of idvdash reads a time or a list of codes the same way. Everything here
is total: an odd value gives None or an empty result, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any


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


def as_dict(value: object) -> dict[str, Any]:
    """Return value when it is a JSON object, else an empty one (lenient reading)."""
    return value if isinstance(value, dict) else {}


def text(value: object) -> str:
    """Return value when it is a string, else an empty one."""
    return value if isinstance(value, str) else ""


def strings(value: object) -> list[str]:
    """Return the non-empty strings of a JSON list; a lone non-empty string is a list of one."""
    if isinstance(value, str):
        return [value] if value else []
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, str) and item]


def unique(items: Iterable[str]) -> list[str]:
    """Return items without repeats, in their first order."""
    return list(dict.fromkeys(items))


def facts(data: object) -> list[tuple[str, Any]]:
    """Return the non-empty scalar fields of a flat provider answer, labelled, in key order."""
    if not isinstance(data, dict):
        return []
    return [
        (label(key), value)
        for key, value in data.items()
        if value not in (None, "", [], {}) and not isinstance(value, dict | list)
    ]


def label(key: str) -> str:
    """Return a provider's field name as words: "dateOfBirth" / "date_of_birth" -> "Date of birth"."""
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in key).replace("_", " ")
    return words.strip().capitalize()
