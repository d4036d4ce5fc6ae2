"""What Swan says about a user (swan-stora.md § 1.3), as `Traits`.

A Swan user id is Swan's own; Swan carries no customer reference of the partner's.
The user's `firstName`, `lastName`, `birthDate`, `mobilePhoneNumber` and
`verifiedEmails` are selected with the user in the sync's query and in the re-read of
one user: they go to the records' `traits`, never into a payload. Webhooks are thin
(`resourceId` only) and say nothing about the person.
"""

from __future__ import annotations

from typing import Any

from idvdash.core.values import as_dict
from idvdash.providers.base import LiveRead
from idvdash.providers.person_facts import birth_date, email, full_name, listed, phone, traits
from idvdash.providers.traits import Traits

# The user's fields that describe the person (selected next to `id`).
USER_FIELDS = "firstName lastName birthDate mobilePhoneNumber verifiedEmails"
PERSON_KEYS = tuple(USER_FIELDS.split())


def person(user: object) -> dict[str, Any]:
    """The person fields of a user node, apart from everything a payload holds."""
    node = as_dict(user)
    return {key: node[key] for key in PERSON_KEYS if key in node}


def from_user(user: object) -> Traits:
    """A user node (or its `person` part): name, date of birth, phone and e-mails."""
    node = as_dict(user)
    return traits(
        names=[full_name(node.get("firstName"), node.get("lastName"))],
        birth_dates=[birth_date(node.get("birthDate"))],
        phones=[phone(node.get("mobilePhoneNumber"))],
        emails=[email(value) for value in listed(node.get("verifiedEmails"))],
    )


def live_traits(
    read: LiveRead, answer: dict[str, Any], customer_ref_key: str = ""
) -> tuple[str, Traits] | None:
    """(user id, traits) of a live full status (the re-read user), or None."""
    if read is not LiveRead.FULL_STATUS:
        return None
    body = as_dict(answer)
    user_id = body.get("userId")
    found = from_user(body.get("user"))
    if not found or not isinstance(user_id, str) or not user_id:
        return None
    return user_id, found
