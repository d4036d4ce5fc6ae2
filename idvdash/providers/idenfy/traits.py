"""What iDenfy's answers say about the person (idenfy-equals.md § 1.2-1.5), as `Traits`.

`clientId` is the partner's own customer id (set by the partner when it creates the
verification token): a customer reference, carried by `/api/v2/status`, `/api/v2/data`
and webhooks, not by the list or `/api/v2/full-status`. Names and the date of birth
come from the document as read (upper-case, latinised) and, in full-status, from what
the partner supplied (`client.name`, `surname`, `date_of_birth`).
"""

from __future__ import annotations

from typing import Any

from idvdash.core.values import as_dict
from idvdash.providers.base import LiveRead
from idvdash.providers.person_facts import birth_date, customer_ref, full_name, traits
from idvdash.providers.traits import Traits


def client_id(answer: object) -> str | None:
    """Return the usable clientId of a status, data or webhook body."""
    return customer_ref(as_dict(answer).get("clientId"))


def from_status(answer: object) -> Traits:
    """`/api/v2/status`: the customer reference only."""
    return traits(customer_refs=[client_id(answer)])


def from_data(answer: object, *, ref: str | None = None) -> Traits:
    """`/api/v2/data` (and a webhook's `data`): the document's names and date of birth."""
    data = as_dict(answer)
    return traits(
        names=[
            full_name(data.get("docFirstName"), data.get("docLastName")),
            full_name(data.get("fullName")),
            full_name(data.get("orgFirstName"), data.get("orgLastName")),
        ],
        birth_dates=[birth_date(data.get("docDob"))],
        customer_refs=[ref or client_id(data)],
    )


def from_webhook(body: object) -> Traits:
    """An `IdentificationWebhook` body: clientId, and the names in its `data`."""
    return from_data(as_dict(body).get("data"), ref=client_id(body))


def from_full_status(answer: object) -> Traits:
    """`/api/v2/full-status`: what the partner supplied and what the document says."""
    body = as_dict(answer)
    client = as_dict(body.get("client"))
    document = as_dict(body.get("client_identity_document"))
    return traits(
        names=[
            full_name(client.get("name"), client.get("surname")),
            full_name(document.get("doc_name"), document.get("doc_surname")),
            full_name(document.get("manual_name"), document.get("manual_surname")),
        ],
        birth_dates=[
            birth_date(client.get("date_of_birth")),
            birth_date(document.get("doc_date_of_birth")),
            birth_date(document.get("manual_date_of_birth")),
        ],
    )


def live_traits(
    read: LiveRead, answer: dict[str, Any], customer_ref_key: str = ""
) -> tuple[str, Traits] | None:
    """(clientId or "" where the answer names none, traits) of a live answer, or None.

    Full-status names no clientId: the caller takes the record's own subject then.
    """
    if read is LiveRead.DOCUMENT_DATA:
        found = from_data(answer)
    elif read is LiveRead.FULL_STATUS:
        found = from_full_status(answer)
    else:
        return None
    return (client_id(answer) or "", found) if found else None
