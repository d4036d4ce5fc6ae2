"""What Equals Money's answers say about the person (idenfy-equals.md § 2), as `Traits`.

The session list carries no person facts (only `associatedPersonId`, Equals' own id of
an associated person on a business application). The `IdentityVerificationRequest`
webhook names the person the session is for: `name` and `email`. Equals carries no
customer reference of the partner's.
"""

from __future__ import annotations

from idvdash.core.values import as_dict
from idvdash.providers.person_facts import email, full_name, one_text, traits
from idvdash.providers.traits import Traits


def person_id(body: object) -> str:
    """Return the associatedPersonId a row or webhook names ("" for a personal application)."""
    return one_text(as_dict(body).get("associatedPersonId"), 255) or ""


def from_webhook(body: object) -> Traits:
    """An onboarding webhook body: the person's name and e-mail, where it gives them."""
    data = as_dict(body)
    return traits(names=[full_name(data.get("name"))], emails=[email(data.get("email"))])
