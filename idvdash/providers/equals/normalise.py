"""An Equals Money session -> the mirror's outcome and reasons."""

from __future__ import annotations

from typing import Any

from idvdash.providers.outcomes import Outcome

from .vocabulary import OUTCOMES


def fields(payload: dict[str, Any], raw_status: str) -> dict[str, Any]:
    result = payload.get("result")
    result = result if isinstance(result, str) and result else None
    outcome = OUTCOMES.get((raw_status, result))
    if outcome is None:
        # A result on a session that is not completed: the status still tells the state.
        outcome = OUTCOMES.get((raw_status, None), Outcome.UNKNOWN)
    return {"outcome": outcome, "reason_codes": [result] if result else []}
