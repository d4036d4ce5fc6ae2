"""What Stora says about a contact (swan-stora.md § 2.4-2.6), as `Traits`.

A contact's `con_` id is Stora's own. An expanded contact (`expand=contact`, webhook
payloads, the live read) gives `full_name`, `email`, `phone_number` and `metadata`,
the operator's own key/values: the account names the key that holds its customer
reference (`ProviderAccount.customer_ref_key`), if it sets one. None of this is kept:
a payload holds the contact as `{"id": …}` only.
"""

from __future__ import annotations

from typing import Any

from idvdash.core.values import as_dict
from idvdash.providers.base import LiveRead
from idvdash.providers.person_facts import email, full_name, metadata_ref, phone, traits
from idvdash.providers.traits import NO_TRAITS, Traits


def contact_id(verification: object) -> str:
    """Return the verification's contact id, expanded or not ("" when it names none)."""
    data = as_dict(verification)
    found = as_dict(data.get("contact")).get("id") or data.get("contact_id")
    return found if isinstance(found, str) and 0 < len(found) <= 255 else ""


def from_contact(contact: object, customer_ref_key: str = "") -> Traits:
    """An expanded contact's name, e-mail, phone and (under the account's key) reference."""
    data = as_dict(contact)
    if set(data) <= {"id"}:
        return NO_TRAITS  # a stub: the list or event did not expand it
    return traits(
        names=[full_name(data.get("full_name"))],
        emails=[email(data.get("email"))],
        phones=[phone(data.get("phone_number"))],
        customer_refs=[metadata_ref(data.get("metadata"), customer_ref_key)],
    )


def from_verification(verification: object, customer_ref_key: str = "") -> Traits:
    """A verification whose contact may be expanded."""
    return from_contact(as_dict(verification).get("contact"), customer_ref_key)


def stub(row: dict[str, Any]) -> dict[str, Any]:
    """The row with an expanded contact reduced to `{"id": …}`, as the plain list gives it."""
    contact = row.get("contact")
    if not isinstance(contact, dict) or set(contact) <= {"id"}:
        return row
    reduced = {"id": contact["id"]} if "id" in contact else {}
    return {**row, "contact": reduced}


def live_traits(
    read: LiveRead, answer: dict[str, Any], customer_ref_key: str = ""
) -> tuple[str, Traits] | None:
    """(contact id, traits) of a live full status (read with the contact expanded), or None."""
    if read is not LiveRead.FULL_STATUS:
        return None
    found = from_verification(answer, customer_ref_key)
    subject = contact_id(answer)
    return (subject, found) if found and subject else None
