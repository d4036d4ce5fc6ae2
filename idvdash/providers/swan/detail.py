"""Swan on the detail page: the expert / QES / PVID level breakdown, and its live full status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from idvdash.core.values import as_dict, parse_timestamp, strings
from idvdash.providers.base import LiveRead, VerificationRecord
from idvdash.providers.codes import Code
from idvdash.providers.spec import MirroredStatus

from .client import SwanClient
from .traits import from_user
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


def live_records(client: SwanClient, answer: dict[str, Any]) -> list[VerificationRecord]:
    """Every identification of the user, re-read: each one as the list gives it."""
    user_id = str(answer.get("userId") or "")
    nodes = answer.get("identifications")
    traits = from_user(answer.get("user"))
    return [client.record(user_id, as_dict(node), traits) for node in nodes or []]


def live_status(verification: Any, answer: Any) -> dict[str, Any]:
    """The identification as mirrored after the re-read (or as last synced): status, levels."""
    status = verification.raw_status
    return {
        "mirrored": MirroredStatus(
            facts=[
                ("Status", VOCABULARY.describe(status, "status") if status else None),
                ("Process", verification.process or None),
            ],
            times=[
                ("Created at Swan", verification.provider_created_at),
                ("Updated at Swan", verification.provider_updated_at),
            ],
            levels=levels(verification.levels),
        )
    }


LIVE_CONTEXT = {LiveRead.FULL_STATUS: live_status}
