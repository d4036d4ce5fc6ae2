"""Stora on the detail page: the error code and the contact."""

from __future__ import annotations

from typing import Any

from idvdash.core.values import as_dict

from .vocabulary import VOCABULARY


def context(verification: Any) -> dict[str, Any]:
    """What the detail page shows of a Stora row beyond the shared fields."""
    raw = as_dict(verification.raw)
    contact = as_dict(raw.get("contact"))
    error_code = raw.get("error_code")
    name = " ".join(str(contact[k]) for k in ("first_name", "last_name") if contact.get(k))
    facts = [
        (
            "Error code",
            VOCABULARY.describe(error_code, "error_code") if isinstance(error_code, str) else None,
        ),
        ("Contact", contact.get("id")),
        ("Contact name", name or None),
        ("Contact email", contact.get("email")),
    ]
    return {"facts": facts}
