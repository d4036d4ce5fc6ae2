"""What a full status adds to a listed iDenfy identification: its times, nothing else.

iDenfy's list gives a status and nothing of when; its full status gives `created` and
`updated` along with the person's name and document data. Only the times are taken
from the answer; the rest is dropped here, never stored or logged.
"""

from __future__ import annotations

from typing import Any

from idvdash.providers.base import LiveRead

from .normalise import times_from_detail


def times(client: Any, external_id: str) -> dict[str, Any]:
    """The identification's creation and update times at iDenfy (empty if not given)."""
    return times_from_detail(client.read_live(LiveRead.FULL_STATUS, external_id))
