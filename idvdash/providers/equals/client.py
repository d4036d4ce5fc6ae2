"""Equals Money: guided identity verification sessions, one record per (session, application)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from idvdash.core.values import parse_timestamp
from idvdash.providers.base import Page, ProviderClient, RecentIds, VerificationRecord
from idvdash.providers.errors import ProviderResponseError

SESSIONS_PATH = "/applications/identity-verification-sessions"
MAX_LIMIT = 1000
SEPARATOR = ":"


def external_id(session_id: str, application_id: str) -> str:
    """Return the mirror key of one session row: the session id repeats per application."""
    return f"{session_id}{SEPARATOR}{application_id}"


class EqualsClient(ProviderClient):
    """Read Equals Money guided-ID sessions with an `ApiKey` Authorization header.

    Equals has no read of one session (only the list, filtered): it offers no live read.
    """

    kind = "equals"
    label = "Equals Money"

    def __init__(self, *, limit: int = MAX_LIMIT, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._headers = {"Authorization": f"ApiKey {self._credentials['api_key']}"}
        self.limit = max(1, min(limit, MAX_LIMIT))

    def iter_pages(self, *, checkpoint: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Walk the sessions with limit/offset until offset + rows reaches count.

        Read by position: each Page carries the `count` it was served with as its total.
        """
        offset = (checkpoint or {}).get("offset", 0)
        offset = offset if isinstance(offset, int) and offset >= 0 else 0
        seen = RecentIds()
        while True:
            seen.next_page()
            body = self._list(limit=self.limit, offset=offset)
            rows, count = body["rows"], body["count"]
            records = []
            for row in rows:
                record = self.record(row)
                if seen.first_time(record.external_id):
                    records.append(record)
            # A short page (rows lost on the way) resumes right after its last row; a page
            # longer than asked for repeats a row shifted in by a new session (createdAt
            # desc) and advances by the limit. De-duplication absorbs the repeats.
            offset += min(len(rows), self.limit)
            done = not rows or offset >= count
            yield Page(records=records, checkpoint={} if done else {"offset": offset}, total=count)
            if done:
                return

    def application_sessions(self, application_id: str) -> list[VerificationRecord]:
        """Re-read the sessions of one application (the list, filtered: no single-session read)."""
        rows = self._list(limit=MAX_LIMIT, offset=0, applicationId=application_id)["rows"]
        return [self.record(row) for row in rows]

    def check_connection(self) -> str:
        """Return how many sessions the key can see."""
        count = self._list(limit=1, offset=0)["count"]
        return f"OK: {count:,} verifications visible"

    def _list(self, *, limit: int, offset: int, **filters: str) -> dict[str, Any]:
        # Reference: https://docs.equalsmoney.com/pages/accounts/track-guided-id-status
        body = self._http.fetch(
            "GET",
            f"{self.base_url}{SESSIONS_PATH}",
            params={"limit": limit, "offset": offset, **filters},
            headers=self._headers,
        )
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("rows"), list)
            or not isinstance(body.get("count"), int)
        ):
            raise self._http.error(ProviderResponseError, "sent a session list without rows/count")
        return body

    def record(self, row: object) -> VerificationRecord:
        if not isinstance(row, dict):
            raise self._http.error(ProviderResponseError, "listed a session that is not an object")
        session_id, application_id = row.get("id"), row.get("applicationId")
        created_at = parse_timestamp(row.get("createdAt"))
        if not (isinstance(session_id, str) and session_id and isinstance(application_id, str)):
            raise self._http.error(
                ProviderResponseError, "listed a session without id/applicationId"
            )
        if created_at is None:
            raise self._http.error(
                ProviderResponseError, f"listed session {session_id} without a readable createdAt"
            )
        person = row.get("associatedPersonId")
        status = row.get("status")
        return VerificationRecord(
            external_id=external_id(session_id, application_id),
            # Personal applications have no associated person: the application is the subject.
            subject_ref=person if isinstance(person, str) and person else application_id,
            raw_status=status if isinstance(status, str) else "",
            created_at=created_at,
            updated_at=parse_timestamp(row.get("updatedAt")),
            payload=row,
        )
