"""An iDenfy identification -> the mirror's outcome, suspicion and reasons."""

from __future__ import annotations

from typing import Any

from idvdash.core.values import parse_timestamp, strings, text, unique
from idvdash.providers.outcomes import DECISIVE_OUTCOMES, Outcome

from .vocabulary import CLEAN_RESULTS, OUTCOMES

# Webhook events that cancel the identification whatever its status says (CONTRACTS.md).
CANCELLED_EVENTS = frozenset({"IDENTIFICATION_CANCELLED", "IDENTIFICATION_CANCELED"})
TAG_KEYS = ("fraudTags", "suspicionReasons", "suspection_reasons", "mismatchTags")
RESULT_KEYS = (
    "manualFace",
    "manualDocument",
    "autoFace",
    "autoDocument",
    "manual_face_match_result",
    "manual_document_validity",
    "face_match_result",
    "document_validity",
)


def fields(payload: dict[str, Any], raw_status: str) -> dict[str, Any]:
    outcome = OUTCOMES.get(raw_status, Outcome.UNKNOWN)
    if text(payload.get("eventType")) in CANCELLED_EVENTS:
        outcome = Outcome.CANCELLED
    # A preliminary (webhook final: false) decision is not one yet.
    if payload.get("final") is False and outcome in DECISIVE_OUTCOMES:
        outcome = Outcome.IN_REVIEW
    sources = sources_of(payload)
    tags = unique(
        code for key in TAG_KEYS for source in sources for code in strings(source.get(key))
    )
    results = unique(
        value
        for key in RESULT_KEYS
        for source in sources
        if isinstance(value := source.get(key), str) and value
    )
    concerns = [code for code in results if code not in CLEAN_RESULTS]
    return {
        "outcome": outcome,
        "suspected": payload.get("suspected") is True or raw_status == "SUSPECTED",
        "reason_codes": unique([*tags, *concerns]),
    }


def sources_of(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The payload and its nested `status` object: webhooks nest the tags there,
    status / full-status answers keep them flat."""
    nested = payload.get("status")
    return payload, nested if isinstance(nested, dict) else {}


def times_from_detail(detail: object) -> dict[str, Any]:
    """Return iDenfy's own creation / update times from a full status, if it has them.

    iDenfy's list carries no times (the mirror stores none for a listed row); its full
    status has `created` and `updated`.
    """
    if not isinstance(detail, dict):
        return {}
    created = parse_timestamp(detail.get("created"))
    updated = parse_timestamp(detail.get("updated"))
    times = {"provider_created_at": created, "provider_updated_at": updated}
    if created is not None and updated is not None:
        times["provider_updated_at"] = max(created, updated)
    return {name: value for name, value in times.items() if value is not None}
