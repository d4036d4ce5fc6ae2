"""iDenfy on the detail page: face and document checks, and its three live reads shaped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from idvdash.core.values import facts, parse_timestamp, strings
from idvdash.providers.base import LiveRead
from idvdash.providers.codes import Code

from .normalise import sources_of
from .vocabulary import VOCABULARY

CHECKS = (
    ("Automatic face", "face_result", ("autoFace", "face_match_result")),
    ("Automatic document", "document_result", ("autoDocument", "document_validity")),
    ("Manual face", "face_result", ("manualFace", "manual_face_match_result")),
    ("Manual document", "document_result", ("manualDocument", "manual_document_validity")),
)
TAGS = (
    ("fraudTags", "fraud_tag"),
    ("mismatchTags", "mismatch_tag"),
    ("suspicionReasons", "suspicion_reason"),
    ("suspection_reasons", "suspicion_reason"),
)
FULL_STATUS_TIMES = (
    ("Started", "start_time"),
    ("Automatic decision", "finish_time"),
    ("Manual review", "review_time"),
    ("Created at iDenfy", "created"),
    ("Updated at iDenfy", "updated"),
)
# iDenfy's client_identity_document has each field three times: doc_, mrz_ and manual_.
DOCUMENT_FIELDS = (
    ("Name", "name"),
    ("Surname", "surname"),
    ("Date of birth", "date_of_birth"),
    ("Sex", "sex"),
    ("Nationality", "nationality"),
    ("Country", "country"),
    ("Document type", "document_type"),
    ("Document number", "document_number"),
    ("Personal code", "personal_code"),
    ("Date of issue", "date_of_issue"),
    ("Expiry date", "expiry_date"),
)


@dataclass(frozen=True, slots=True)
class FullStatus:
    """iDenfy's /api/v2/full-status, ready to render."""

    checks: list[tuple[str, Code | None]]
    suspicion_reasons: list[Code]
    attempt_count: Any
    times: list[tuple[str, datetime | None]]
    client: list[tuple[str, Any]]
    document: list[tuple[str, Any, Any, Any]]
    document_extra: list[tuple[str, Any]]


def context(verification: Any) -> dict[str, Any]:
    """What the detail page shows of an iDenfy row beyond the shared fields."""
    return {"checks": checks(verification.raw)}


def checks(payload: object) -> list[tuple[str, Code | None]]:
    """Return the automatic and manual face and document results in an iDenfy answer."""
    source = payload if isinstance(payload, dict) else {}
    rows = []
    for label, category, keys in CHECKS:
        value = next((source[k] for k in keys if isinstance(source.get(k), str) and source[k]), "")
        rows.append((label, VOCABULARY.describe(value, category) if value else None))
    return rows


def reason_categories(raw: object) -> dict[str, str]:
    """Map each code in an iDenfy payload to the list it came from (webhooks nest them)."""
    if not isinstance(raw, dict):
        return {}
    sources = sources_of(raw)
    found: dict[str, str] = {}
    for source in sources:
        for key, category in TAGS:
            for code in strings(source.get(key)):
                found.setdefault(code, category)
    for _, category, keys in CHECKS:
        for key in keys:
            for source in sources:
                if isinstance(source.get(key), str) and source[key]:
                    found.setdefault(source[key], category)
    return found


def full_status(detail: object) -> FullStatus | None:
    """Return iDenfy's full status shaped for the page, or None when there is none."""
    if not isinstance(detail, dict):
        return None
    document_rows, document_extra = identity_document(detail.get("client_identity_document"))
    return FullStatus(
        checks=checks(detail),
        suspicion_reasons=[
            VOCABULARY.describe(code, "suspicion_reason")
            for code in strings(detail.get("suspection_reasons"))
        ],
        attempt_count=detail.get("attempt_count"),
        times=[(label, parse_timestamp(detail.get(key))) for label, key in FULL_STATUS_TIMES],
        client=facts(detail.get("client")),
        document=document_rows,
        document_extra=document_extra,
    )


def identity_document(
    data: object,
) -> tuple[list[tuple[str, Any, Any, Any]], list[tuple[str, Any]]]:
    """Return (field, document, MRZ, manual) rows side by side, and the fields left over."""
    source = data if isinstance(data, dict) else {}
    used: set[str] = set()
    rows = []
    for label, name in DOCUMENT_FIELDS:
        keys = (f"doc_{name}", f"mrz_{name}", f"manual_{name}")
        used.update(keys)
        values = [source.get(key) or None for key in keys]
        if any(values):
            rows.append((label, *values))
    rest = {key: value for key, value in source.items() if key not in used}
    return rows, facts(rest)


def file_links(data: object) -> list[tuple[str, str]]:
    """Return (kind, url) for each photo or video link iDenfy gave, skipping empty ones."""
    if not isinstance(data, dict):
        return []
    return [(kind, url) for kind, url in data.items() if isinstance(url, str) and url]


# What each live read's answer becomes in its fragment's context.
LIVE_CONTEXT: dict[LiveRead, Callable[[Any, Any], dict[str, Any]]] = {
    LiveRead.FULL_STATUS: lambda _row, data: {"full": full_status(data)},
    LiveRead.DOCUMENT_DATA: lambda _row, data: {"rows": facts(data)},
    LiveRead.FILE_LINKS: lambda _row, data: {"links": file_links(data)},
}
