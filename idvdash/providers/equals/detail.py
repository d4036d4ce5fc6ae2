"""Equals Money on the detail page: the session's own facts."""

from __future__ import annotations

from typing import Any

from idvdash.core.values import as_dict

from .vocabulary import VOCABULARY


def context(verification: Any) -> dict[str, Any]:
    """What the detail page shows of an Equals row beyond the shared fields."""
    raw = as_dict(verification.raw)
    result = raw.get("result")
    facts = [
        ("Result", VOCABULARY.describe(result, "result") if isinstance(result, str) else None),
        ("Action URL", raw.get("actionUrl")),
        ("Application", raw.get("applicationId")),
        ("Associated person", raw.get("associatedPersonId")),
        ("Session", raw.get("id")),
        ("Correlation id", raw.get("correlationId")),
    ]
    return {"facts": facts}
