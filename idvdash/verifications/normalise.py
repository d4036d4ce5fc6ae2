"""Provider record -> Verification fields, through the provider's own normaliser.

Everything here is total: odd provider input gives Outcome.UNKNOWN or empty values,
never an exception, so one strange row cannot stop a sync.
"""

from __future__ import annotations

from typing import Any

from idvdash.core.values import text
from idvdash.providers.base import VerificationRecord
from idvdash.providers.outcomes import Outcome
from idvdash.providers.registry import PROVIDERS

RAW_STATUS_LENGTH = 64


def to_fields(kind: str, record: VerificationRecord) -> dict[str, Any]:
    """Return the Verification model fields for one provider record."""
    payload = record.payload if isinstance(record.payload, dict) else {}
    raw_status = text(record.raw_status)
    fields = PROVIDERS[kind].normalise(payload, raw_status)
    return {
        "external_id": record.external_id,
        "subject_ref": record.subject_ref,
        "outcome": fields.get("outcome", Outcome.UNKNOWN),
        "raw_status": raw_status[:RAW_STATUS_LENGTH],
        "suspected": fields.get("suspected", False),
        "reason_codes": fields.get("reason_codes", []),
        "levels": fields.get("levels", {}),
        "process": fields.get("process", "")[:RAW_STATUS_LENGTH],
        "provider_created_at": record.created_at,
        "provider_updated_at": record.updated_at,
        "raw": record.payload,
    }


def times_from_detail(kind: str, detail: object) -> dict[str, Any]:
    """Return the provider's own creation / update times found in a live detail, if any."""
    return PROVIDERS[kind].times_from_detail(detail)
