"""Shape a Verification (and iDenfy's live answers) for the detail page: codes with meanings.

Every code keeps its raw value beside its plain-language meaning; an unknown code has
no meaning and is shown verbatim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from idvdash.providers.clients.base import parse_timestamp

from . import vocabulary
from .models import Verification

SWAN_LEVELS = (("expert", "Expert"), ("qes", "QES"), ("pvid", "PVID"))
IDENFY_CHECKS = (
    ("Automatic face", "face_result", ("autoFace", "face_match_result")),
    ("Automatic document", "document_result", ("autoDocument", "document_validity")),
    ("Manual face", "face_result", ("manualFace", "manual_face_match_result")),
    ("Manual document", "document_result", ("manualDocument", "manual_document_validity")),
)
IDENFY_TAGS = (
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
class Code:
    """A provider code, what it means (None: unknown, show verbatim) and its kind of code."""

    code: str
    meaning: str | None
    category: str = ""


@dataclass(frozen=True, slots=True)
class Level:
    """One Swan level: absent levels are not applicable to the identification's process."""

    name: str
    applicable: bool
    status: Code | None = None
    reasons: list[Code] = field(default_factory=list)
    expired_at: datetime | None = None


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


def explain(kind: str, code: str, category: str | None = None) -> Code:
    """Return the code with its meaning, looked up in `category` when given."""
    label = vocabulary.CATEGORY_LABELS.get(category or "", "") or _categories(kind).get(code, "")
    meaning = vocabulary.explain(kind, code, category=category) if category else None
    return Code(code=code, meaning=meaning or vocabulary.explain(kind, code), category=label)


def reasons(verification: Verification) -> list[Code]:
    """Return the row's reason codes, each with its meaning and the kind of code it is."""
    where = _idenfy_tag_categories(verification.raw) if verification.provider == "idenfy" else {}
    return [
        explain(verification.provider, code, where.get(code)) for code in verification.reason_codes
    ]


def idenfy_checks(payload: object) -> list[tuple[str, Code | None]]:
    """Return the automatic and manual face and document results in an iDenfy answer."""
    source = payload if isinstance(payload, dict) else {}
    rows = []
    for label, category, keys in IDENFY_CHECKS:
        value = next((source[k] for k in keys if isinstance(source.get(k), str) and source[k]), "")
        rows.append((label, explain("idenfy", value, category) if value else None))
    return rows


def swan_levels(verification: Verification) -> list[Level]:
    """Return expert, QES and PVID; levels Swan did not report are not applicable."""
    levels = verification.levels if isinstance(verification.levels, dict) else {}
    rows = []
    for key, name in SWAN_LEVELS:
        level = levels.get(key)
        if not isinstance(level, dict) or not level.get("status"):
            rows.append(Level(name=name, applicable=False))
            continue
        status = str(level["status"])
        rows.append(
            Level(
                name=name,
                applicable=status != "NotSupported",
                status=explain("swan", status, "level_status"),
                reasons=[
                    explain("swan", r, "invalid_reason") for r in _strings(level.get("reasons"))
                ],
                expired_at=parse_timestamp(level.get("expiredAt")),
            )
        )
    return rows


def equals_facts(verification: Verification) -> list[tuple[str, Any]]:
    raw = verification.raw if isinstance(verification.raw, dict) else {}
    result = raw.get("result")
    return [
        ("Result", explain("equals", result, "result") if isinstance(result, str) else None),
        ("Action URL", raw.get("actionUrl")),
        ("Application", raw.get("applicationId")),
        ("Associated person", raw.get("associatedPersonId")),
        ("Session", raw.get("id")),
        ("Correlation id", raw.get("correlationId")),
    ]


def stora_facts(verification: Verification) -> list[tuple[str, Any]]:
    raw = verification.raw if isinstance(verification.raw, dict) else {}
    contact = raw.get("contact") if isinstance(raw.get("contact"), dict) else {}
    error_code = raw.get("error_code")
    name = " ".join(str(contact[k]) for k in ("first_name", "last_name") if contact.get(k))
    return [
        (
            "Error code",
            explain("stora", error_code, "error_code") if isinstance(error_code, str) else None,
        ),
        ("Contact", contact.get("id")),
        ("Contact name", name or None),
        ("Contact email", contact.get("email")),
    ]


def timeline(verification: Verification) -> list[tuple[str, datetime | None]]:
    return [
        ("Created at the provider", verification.provider_created_at),
        ("Last updated at the provider", verification.provider_updated_at),
        ("First seen by idvdash", verification.first_seen_at),
        ("Last synced", verification.last_synced_at),
        ("Last listed by the provider", verification.last_seen_at),
    ]


def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def full_status(detail: object) -> FullStatus | None:
    """Return iDenfy's full status shaped for the page, or None when there is none."""
    if not isinstance(detail, dict):
        return None
    document_rows, document_extra = identity_document(detail.get("client_identity_document"))
    return FullStatus(
        checks=idenfy_checks(detail),
        suspicion_reasons=[
            explain("idenfy", code, "suspicion_reason")
            for code in _strings(detail.get("suspection_reasons"))
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


def facts(data: object) -> list[tuple[str, Any]]:
    """Return the non-empty scalar fields of a flat provider answer, labelled, in key order."""
    if not isinstance(data, dict):
        return []
    return [
        (_label(key), value)
        for key, value in data.items()
        if value not in (None, "", [], {}) and not isinstance(value, dict | list)
    ]


def _label(key: str) -> str:
    text = "".join(f" {c.lower()}" if c.isupper() else c for c in key).replace("_", " ")
    return text.strip().capitalize()


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item]


def _idenfy_tag_categories(raw: object) -> dict[str, str]:
    """Map each tag in an iDenfy payload to the list it came from (webhooks nest them)."""
    if not isinstance(raw, dict):
        return {}
    nested = raw.get("status") if isinstance(raw.get("status"), dict) else {}
    found: dict[str, str] = {}
    for source in (raw, nested):
        for key, category in IDENFY_TAGS:
            for code in _strings(source.get(key)):
                found.setdefault(code, category)
    for _, category, keys in IDENFY_CHECKS:
        for key in keys:
            for source in (raw, nested):
                if isinstance(source.get(key), str) and source[key]:
                    found.setdefault(source[key], category)
    return found


@cache
def _categories(kind: str) -> dict[str, str]:
    """The first category label each known code of a provider appears under."""
    labels: dict[str, str] = {}
    for term in vocabulary.terms(kind):
        labels.setdefault(term.code, term.category_label)
    return labels
