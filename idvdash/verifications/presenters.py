"""Shape a Verification for the detail page: codes with meanings, times, the raw payload.

Every code keeps its raw value beside its plain-language meaning; an unknown code has
no meaning and is shown verbatim. What only one provider has (iDenfy's checks, Swan's
levels, Equals' and Stora's facts) comes from that provider's `detail` module.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from idvdash.providers import registry, vocabulary
from idvdash.providers.codes import Code

from .models import Verification


def provider_context(verification: Verification) -> dict[str, Any]:
    """What the row's provider adds to the detail page (nothing for an unknown kind)."""
    known = registry.PROVIDERS.get(verification.provider)
    return known.detail(verification) if known else {}


def reasons(verification: Verification) -> list[Code]:
    """Return the row's reason codes, each with its meaning and the kind of code it is."""
    known = registry.PROVIDERS.get(verification.provider)
    where = known.reason_categories(verification.raw) if known else {}
    return [
        vocabulary.describe(verification.provider, code, where.get(code))
        for code in verification.reason_codes
    ]


def timeline(
    verification: Verification, *, last_listed: datetime | None
) -> list[tuple[str, datetime | None, str]]:
    """Return (label, time, what to show when there is no time) for the detail page.

    The provider's times are the ones it gave, or say that it gave none; the others are
    idvdash's own, and every row has them. `last_listed` comes from the scans that listed
    the row (`listing.last_listed`).
    """
    provider = registry.label(verification.provider)
    not_given = registry.time_not_given(verification.provider)
    return [
        (f"Created at {provider}", verification.provider_created_at, not_given),
        (f"Last updated at {provider}", verification.provider_updated_at, not_given),
        ("First seen by idvdash", verification.first_seen_at, ""),
        ("Last changed in idvdash's mirror", verification.changed_at, ""),
        ("Last synced", verification.last_synced_at, ""),
        (f"Last listed by {provider} (seen by idvdash)", last_listed, ""),
    ]


def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
