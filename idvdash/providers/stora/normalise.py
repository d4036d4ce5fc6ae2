"""A Stora identity verification -> the mirror's outcome and reasons."""

from __future__ import annotations

from typing import Any

from idvdash.providers.outcomes import Outcome

from .vocabulary import FAILED_OUTCOMES, OUTCOMES


def fields(payload: dict[str, Any], raw_status: str) -> dict[str, Any]:
    error_code = payload.get("error_code")
    error_code = error_code if isinstance(error_code, str) and error_code else None
    outcome = OUTCOMES.get(raw_status, Outcome.UNKNOWN)
    if raw_status == "failed" and error_code in FAILED_OUTCOMES:
        outcome = FAILED_OUTCOMES[error_code]
    # Stora has no suspicion signal on verifications (swan-stora.md 3.2): suspected stays False.
    return {"outcome": outcome, "reason_codes": [error_code] if error_code else []}
