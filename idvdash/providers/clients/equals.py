"""Equals Money: guided identity verification sessions, one record per (session, application)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import requests

from .base import Page, ProviderResponseError, RecentIds, VerificationRecord, parse_timestamp
from .http import ProviderHttp

PROVIDER = "Equals Money"
SESSIONS_PATH = "/applications/identity-verification-sessions"
MAX_LIMIT = 1000
SEPARATOR = ":"


def external_id(session_id: str, application_id: str) -> str:
    """Return the mirror key of one session row: the session id repeats per application."""
    return f"{session_id}{SEPARATOR}{application_id}"


class EqualsClient:
    """Read Equals Money guided-ID sessions with an `ApiKey` Authorization header."""

    kind = "equals"
    incremental = False

    def __init__(
        self,
        *,
        account_name: str,
        base_url: str,
        credentials: Mapping[str, str],
        session: requests.Session,
        owns_session: bool = False,
        limit: int = MAX_LIMIT,
        **_: Any,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = credentials["api_key"]
        self._headers = {"Authorization": f"ApiKey {self._key}"}
        self._session = session
        self._owns_session = owns_session
        self.limit = max(1, min(limit, MAX_LIMIT))
        self._http = ProviderHttp(session, account_name, PROVIDER, lambda: (self._key,))

    def iter_pages(self, *, checkpoint: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Walk the sessions with limit/offset until offset + rows reaches count.

        Pages carry the `count` they were served with: sessions removed behind the
        offset move later ones onto pages already read, and only the count shows it.
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
                record = self._record(row)
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

    def enrich(self, record: VerificationRecord) -> VerificationRecord:
        """Return the record unchanged: list rows are complete."""
        return record

    def get_detail(self, external_id: str) -> dict[str, Any]:
        """Re-read one session row (there is no single-session endpoint: filter by application)."""
        session_id, _, application_id = external_id.partition(SEPARATOR)
        body = self._list(limit=MAX_LIMIT, offset=0, applicationId=application_id)
        for row in body["rows"]:
            if isinstance(row, dict) and row.get("id") == session_id:
                return row
        raise self._http.error(ProviderResponseError, f"has no session {external_id}")

    def check_connection(self) -> str:
        """Return how many sessions the key can see."""
        count = self._list(limit=1, offset=0)["count"]
        return f"OK: {count:,} verifications visible"

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

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

    def _record(self, row: object) -> VerificationRecord:
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
