"""A Swan identification -> the mirror's outcome, suspicion, reasons and levels."""

from __future__ import annotations

from typing import Any

from idvdash.core.values import strings, unique
from idvdash.providers.outcomes import Outcome

from .vocabulary import ALIASES, LEVELS, OUTCOMES, RISK_REASONS


def fields(payload: dict[str, Any], raw_status: str) -> dict[str, Any]:
    levels = levels_of(payload.get("levels"))
    reasons = unique(
        reason
        for level in levels.values()
        if level["status"] == "Invalid"
        for reason in level["reasons"]
    )
    process = payload.get("process")
    return {
        "outcome": OUTCOMES.get(raw_status, Outcome.UNKNOWN),
        "suspected": any(reason in RISK_REASONS for reason in reasons),
        "reason_codes": reasons,
        "levels": levels,
        "process": process if isinstance(process, str) else "",
    }


def levels_of(levels: object) -> dict[str, dict[str, Any]]:
    """Return {level: {"status", "reasons", "expiredAt"}} for every level Swan reported.

    A level Swan reported with a status is always a full dict, `NotSupported` included
    (that is the explicit "not applicable to this process" mark). A level missing, `{}`
    or without a status is omitted. Reasons use one spelling per code.
    """
    if not isinstance(levels, dict):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for name in LEVELS:
        level = levels.get(name)
        if not isinstance(level, dict):
            continue
        status = level.get("status")
        if not isinstance(status, str) or not status:
            continue
        expired_at = level.get("expiredAt")
        out[name] = {
            "status": status,
            "reasons": unique(ALIASES.get(code, code) for code in strings(level.get("reasons"))),
            "expiredAt": expired_at if isinstance(expired_at, str) else None,
        }
    return out
