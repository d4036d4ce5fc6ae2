"""What every provider's webhook reader shares: the refusal, the notice, the checks.

A provider package's `webhooks.py` says three things about a delivery:
- `verify(headers, body, secret, now)`: is it from the provider? (raises `Refused`, 401);
- `read(headers, body, customer_ref_key=...)`: what does it announce? (a `Notice`;
  raises `Refused`, 400); `customer_ref_key` is the account's metadata key for the
  partner's customer reference, for providers whose deliveries carry a metadata map;
- `learn(client, notice)`: what does the mirror learn from it? (records for the one
  write path, read from the notice itself or re-read from the provider's API).

A Notice keeps only what the mirror keeps from a sync (ids, statuses, codes, times),
never a name or a document field: the delivery's body is not stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .traits import NO_TRAITS, Traits

# A delivery larger than this is refused (413) before it is read.
MAX_BODY = 1024 * 1024
KEY_LENGTH = 255


class Refused(Exception):
    """A delivery refused with an HTTP status and one sentence that quotes nothing from it."""

    def __init__(self, status: int, reason: str) -> None:
        self.status, self.reason = status, reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Notice:
    """One delivery, as far as idvdash keeps it.

    `key` is the provider's idempotency key (a second delivery with it changes
    nothing); `reference` names the record (or, for Swan, the user) it is about;
    `occurred_at` is the provider's time of the change where it gives one; `facts`
    are the non-personal fields the mirror learns from the notice itself.
    """

    key: str
    event_type: str
    reference: str
    occurred_at: datetime | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    # The person the delivery names (never stored: `idvdash/people` keeps keyed hashes).
    traits: Traits = NO_TRAITS
    # The provider's own id of that person where the delivery names it (iDenfy's
    # clientId, Equals' associatedPersonId, Swan's user id, Stora's contact id); "" if not.
    subject_ref: str = ""


def header(headers: Mapping[str, str], name: str) -> str:
    """Return a header's value whatever its case ("" when it is missing)."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), "")


def hmac_sha256(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def same(given: str, expected: str) -> bool:
    """Compare a presented signature or secret with the expected one in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())


def hex_signature(secret: str, message: bytes) -> str:
    return hmac_sha256(secret, message).hex()


def base64_signature(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac_sha256(secret, message)).decode("ascii")


def json_object(body: bytes, provider: str) -> dict[str, Any]:
    """Return the body as a JSON object, or refuse it (400) as not what `provider` sends."""
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, f"The body is not JSON, which {provider} always sends.") from None
    if not isinstance(value, dict):
        raise Refused(400, f"The body is not a JSON object, which {provider} always sends.")
    return value


def required_text(data: Mapping[str, Any], key: str, provider: str, *, limit: int = 255) -> str:
    """Return data[key] as a non-empty string of at most `limit` characters, or refuse (400)."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise Refused(400, f"The body has no usable '{key}', which {provider} always sends.")
    return value


def unauthorised(provider: str, what: str) -> Refused:
    return Refused(401, f"The delivery's {what} does not match this account's {provider} secret.")
