"""Shape a Verification for the detail page: codes with meanings, times, the raw payload.

Every code keeps its raw value beside its plain-language meaning; an unknown code has
no meaning and is shown verbatim. What only one provider has (iDenfy's checks, Swan's
levels, Equals' and Stora's facts) comes from that provider's `detail` module.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from idvdash.providers import vocabulary
from idvdash.providers.codes import Code
from idvdash.providers.registry import PROVIDERS

from .models import Verification


def provider_context(verification: Verification) -> dict[str, Any]:
    """What the row's provider adds to the detail page (nothing for an unknown kind)."""
    known = PROVIDERS.get(verification.provider)
    return known.detail(verification) if known else {}


def reasons(verification: Verification) -> list[Code]:
    """Return the row's reason codes, each with its meaning and the kind of code it is."""
    known = PROVIDERS.get(verification.provider)
    where = known.reason_categories(verification.raw) if known else {}
    return [
        vocabulary.describe(verification.provider, code, where.get(code))
        for code in verification.reason_codes
    ]


def timeline(
    verification: Verification, *, last_listed: datetime | None
) -> list[tuple[str, datetime | None]]:
    return [
        ("Created at the provider", verification.provider_created_at),
        ("Last updated at the provider", verification.provider_updated_at),
        ("First seen by idvdash", verification.first_seen_at),
        ("Last synced", verification.last_synced_at),
        ("Last listed by the provider", last_listed),
    ]


def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
