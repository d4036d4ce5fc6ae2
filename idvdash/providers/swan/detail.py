"""Swan on the detail page: the expert / QES / PVID level breakdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from idvdash.core.values import parse_timestamp, strings
from idvdash.providers.codes import Code

from .vocabulary import VOCABULARY

LEVEL_NAMES = (("expert", "Expert"), ("qes", "QES"), ("pvid", "PVID"))


@dataclass(frozen=True, slots=True)
class Level:
    """One Swan level: absent levels are not applicable to the identification's process."""

    name: str
    applicable: bool
    status: Code | None = None
    reasons: list[Code] = field(default_factory=list)
    expired_at: datetime | None = None


def context(verification: Any) -> dict[str, Any]:
    """What the detail page shows of a Swan row beyond the shared fields."""
    return {"levels": levels(verification.levels)}


def levels(stored: object) -> list[Level]:
    """Return expert, QES and PVID from a row's stored levels; unreported ones are not applicable."""
    stored = stored if isinstance(stored, dict) else {}
    rows = []
    for key, name in LEVEL_NAMES:
        level = stored.get(key)
        if not isinstance(level, dict) or not level.get("status"):
            rows.append(Level(name=name, applicable=False))
            continue
        status = str(level["status"])
        rows.append(
            Level(
                name=name,
                applicable=status != "NotSupported",
                status=VOCABULARY.describe(status, "level_status"),
                reasons=[
                    VOCABULARY.describe(r, "invalid_reason") for r in strings(level.get("reasons"))
                ],
                expired_at=parse_timestamp(level.get("expiredAt")),
            )
        )
    return rows
