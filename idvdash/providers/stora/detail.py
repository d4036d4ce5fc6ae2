"""Stora on the detail page: the error code and the contact, and its live full status."""

from __future__ import annotations

from typing import Any

from idvdash.core.values import as_dict
from idvdash.providers.base import LiveRead, VerificationRecord
from idvdash.providers.spec import MirroredStatus

from .client import StoraClient
from .traits import from_verification
from .vocabulary import VOCABULARY
from .webhooks import KEPT, kept


def context(verification: Any) -> dict[str, Any]:
    """What the detail page shows of a Stora row beyond the shared fields.

    The mirror keeps the contact's id only: its name, e-mail and phone are never stored,
    so they are no rows here (the live status shows the name once).
    """
    raw = as_dict(verification.raw)
    return {"facts": [("Error code", error_code(raw)), ("Contact", contact_id(raw))]}


def error_code(raw: dict[str, Any]) -> Any:
    code = raw.get("error_code")
    return VOCABULARY.describe(code, "error_code") if isinstance(code, str) else None


def contact_id(raw: dict[str, Any]) -> str | None:
    """The contact's id, as the list gives it (`contact.id`) or a webhook kept it (`contact_id`)."""
    found = as_dict(raw.get("contact")).get("id") or raw.get("contact_id")
    return found if isinstance(found, str) and found else None


def live_records(client: StoraClient, answer: dict[str, Any]) -> list[VerificationRecord]:
    """The re-read verification as the list gives it: the contact reduced to its id.

    Shaped like a listed row, so an unchanged verification keeps its fingerprint and
    neither this read nor the next sync rewrites it.
    """
    facts = kept(answer)
    listed = {key: facts[key] for key in KEPT if key in facts}
    if "contact_id" in facts:
        listed["contact"] = {"id": facts["contact_id"]}
    return [client.record(listed, from_verification(answer, client.customer_ref_key))]


def live_status(verification: Any, answer: Any) -> dict[str, Any]:
    """The mirrored row after the re-read (or as last synced), and the contact's name once."""
    raw = as_dict(verification.raw)
    status = verification.raw_status
    name = as_dict(as_dict(answer).get("contact")).get("full_name")
    return {
        "mirrored": MirroredStatus(
            facts=[
                ("Status", VOCABULARY.describe(status, "status") if status else None),
                ("Error code", error_code(raw)),
                ("Contact", contact_id(raw)),
            ],
            times=[
                ("Created at Stora", verification.provider_created_at),
                ("Updated at Stora", verification.provider_updated_at),
            ],
            shown_once=[("Contact full name", name)] if isinstance(name, str) and name else [],
        )
    }


LIVE_CONTEXT = {LiveRead.FULL_STATUS: live_status}
