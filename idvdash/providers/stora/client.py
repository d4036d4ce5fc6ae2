"""Stora (Public API 2025-09): identity verifications, read incrementally by updated_at.

The list is read with `expand=contact` so each row names the person (their name,
e-mail, phone and the operator's metadata go to the record's `traits`); the contact is
reduced to `{"id": …}` before the record is built, so payloads and fingerprints are
those of the plain list. A token without `public.contact:read` is answered 403 for
the expansion: the walk goes on without it (and without traits).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from idvdash.core.values import as_dict, format_timestamp, parse_timestamp
from idvdash.providers.base import (
    LOOPING_PAGES,
    LiveRead,
    OAuth2ClientCredentials,
    Page,
    VerificationRecord,
)
from idvdash.providers.errors import ProviderResponseError
from idvdash.providers.http import Answer
from idvdash.providers.traits import NO_TRAITS, Traits

from .traits import from_verification, stub

logger = logging.getLogger(__name__)

VERSION = "2025-09"
SCOPE = "public.identity_verification:read public.contact:read"
MAX_LIMIT = 100


class StoraClient(OAuth2ClientCredentials):
    """Read Stora identity verifications with a long-lived token or client credentials."""

    kind = "stora"
    label = "Stora"
    incremental = True
    # Only the token request is a POST, and it only reads.
    posts_are_reads = True
    token_lifetime = 7200.0
    live_reads = frozenset({LiveRead.FULL_STATUS})

    def __init__(self, *, limit: int = MAX_LIMIT, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._static_token = self._credentials.get("access_token", "")
        self.limit = max(1, min(limit, MAX_LIMIT))
        # Whether the list is asked to expand contacts; cleared when the token may not.
        self.expand_contacts = True

    def iter_pages(self, *, checkpoint: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Read verifications updated since the checkpoint, oldest change first.

        The checkpoint is a high-water mark: `updated_after` (inclusive, so boundary rows
        come back and are skipped by id via `seen`) and a page number used only while
        more than a page of rows share one updated_at. The last page's checkpoint is
        where the next run starts. Each request starts a fresh window after the rows
        read: pages carry no total (see Page).
        """
        state = _State.load(checkpoint)
        emitted: set[tuple[str, datetime]] = set()
        previous: list[tuple[str, datetime]] = []
        while True:
            params: dict[str, Any] = {
                "limit": self.limit,
                "page": state.page,
                "sort_by": "updated_at",
                "sort_direction": "ASC",
            }
            if state.updated_after is not None:
                params["updated_after"] = format_timestamp(state.updated_after)
            body = self._list(params)
            rows = body.get("identity_verifications")
            if not isinstance(rows, list):
                raise self._http.error(
                    ProviderResponseError, "sent a list without identity_verifications"
                )
            records = [self.record(row) for row in rows]
            versions = [(record.external_id, _changed_at(record)) for record in records]
            if versions and versions == previous:
                # The very rows of the page before, although we asked for the next one.
                raise self._http.error(ProviderResponseError, LOOPING_PAGES)
            previous = versions
            fresh = []
            for record in records:
                # A row changed again during the walk comes back newer: that one is kept.
                version = (record.external_id, _changed_at(record))
                if not state.already_read(record) and version not in emitted:
                    emitted.add(version)
                    fresh.append(record)
            state.advance(records)
            if state.updated_after is not None:
                # Rows older than the mark are never listed again (the list starts at the
                # mark): only versions at it are kept, so the walk's memory stays flat.
                mark = state.updated_after
                emitted = {v for v in emitted if v[1] is None or v[1] >= mark}
            pagination = as_dict(as_dict(body.get("meta")).get("pagination"))
            done = not rows or pagination.get("next") in (None, "", 0)
            if done:
                state.page = 1
            yield Page(records=fresh, checkpoint=state.dump())
            if done:
                return

    def _list(self, params: dict[str, Any]) -> dict[str, Any]:
        """One list page, its contacts expanded where the token may read contacts."""
        path = f"{self.base_url}/{VERSION}/identity_verifications"
        if self.expand_contacts:
            # Reference: https://docs.stora.co/2025-09/guides/responses (expand)
            answer = self._send_with_token("GET", path, params={**params, "expand": "contact"})
            if answer.status != 403:
                return self._object(answer)
            # Missing public.contact:read: list without the people, and say so once.
            self.expand_contacts = False
            logger.warning(
                "Stora account %s: the token may not read contacts (public.contact:read); "
                "listing without the contacts' details, so no person facts are read.",
                self.account_name,
            )
        # Reference: https://docs.stora.co/2025-09/api-reference/identity-verifications/list-all-identity-verifications
        return self._get(f"/{VERSION}/identity_verifications", params)

    def get_verification(self, external_id: str) -> dict[str, Any]:
        """Return one verification with its contact expanded."""
        # Reference: https://docs.stora.co/2025-09/api-reference/identity-verifications/show-an-identity-verification
        body = self._get(
            f"/{VERSION}/identity_verifications/{quote(external_id, safe='')}",
            {"expand": "contact"},
        )
        detail = body.get("identity_verification")
        if not isinstance(detail, dict):
            raise self._http.error(ProviderResponseError, "sent no identity_verification")
        return detail

    def read_live(
        self, read: LiveRead, external_id: str, *, subject_ref: str = ""
    ) -> dict[str, Any]:
        """Re-read one verification, its contact expanded (the full status)."""
        if read is not LiveRead.FULL_STATUS:
            return super().read_live(read, external_id)
        return self.get_verification(external_id)

    def check_connection(self) -> str:
        """Return how many verifications the token can see."""
        # Reference: https://docs.stora.co/2025-09/api-reference/identity-verifications/list-all-identity-verifications
        body = self._get(f"/{VERSION}/identity_verifications", {"limit": 1, "page": 1})
        count = (as_dict(as_dict(body.get("meta")).get("pagination"))).get("count")
        if not isinstance(count, int):
            raise self._http.error(ProviderResponseError, "sent a list without a count")
        return f"OK: {count:,} verifications visible"

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        return self._object(self._send_with_token("GET", f"{self.base_url}{path}", params=params))

    def _object(self, answer: Answer) -> dict[str, Any]:
        body = self._http.json(self._http.check(answer))
        if not isinstance(body, dict):
            raise self._http.error(ProviderResponseError, "sent an answer that is not an object")
        return body

    def _access_token(self) -> str:
        return self._static_token or super()._access_token()

    def _token_renewable(self) -> bool:
        """A client-credentials token may have expired early; a long-lived one is final."""
        return not self._static_token

    def _request_token(self) -> Answer:
        # Reference: https://docs.stora.co/2025-09/api-reference/oauth-2/retrieve-an-access-token
        return self._http.send(
            "POST",
            self.token_url,
            json={
                "grant_type": "client_credentials",
                "client_id": self._credentials["client_id"],
                "client_secret": self._credentials["client_secret"],
                "scope": SCOPE,
            },
        )

    def record(self, row: object, traits: Traits = NO_TRAITS) -> VerificationRecord:
        """The verification as the plain list gives it; an expanded contact becomes traits.

        `traits` are used where the row's contact is not expanded (a webhook's kept facts).
        """
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not row["id"]:
            raise self._http.error(ProviderResponseError, "listed a verification without an id")
        created_at = parse_timestamp(row.get("created_at"))
        if created_at is None:
            raise self._http.error(
                ProviderResponseError,
                f"listed verification {row['id']} without a readable created_at",
            )
        traits = from_verification(row, self.customer_ref_key) or traits
        row = stub(row)
        contact = row.get("contact")
        contact_id = contact.get("id") if isinstance(contact, dict) else row.get("contact_id")
        status = row.get("status")
        return VerificationRecord(
            external_id=row["id"],
            subject_ref=contact_id if isinstance(contact_id, str) else "",
            raw_status=status if isinstance(status, str) else "",
            created_at=created_at,
            updated_at=parse_timestamp(row.get("updated_at")),
            payload=row,
            traits=traits,
        )


class _State:
    """Where an incremental walk stands: high-water mark, page within it, ids seen at it."""

    def __init__(self, updated_after: datetime | None, page: int, seen: set[str]) -> None:
        self.updated_after = updated_after
        self.page = page
        self.seen = seen

    @classmethod
    def load(cls, checkpoint: Mapping[str, Any] | None) -> _State:
        checkpoint = checkpoint or {}
        updated_after = parse_timestamp(checkpoint.get("updated_after"))
        page = checkpoint.get("page", 1)
        seen = checkpoint.get("seen", [])
        return cls(
            updated_after,
            page if isinstance(page, int) and page >= 1 and updated_after else 1,
            {s for s in seen if isinstance(s, str)}
            if isinstance(seen, list) and updated_after
            else set(),
        )

    def already_read(self, record: VerificationRecord) -> bool:
        """Tell whether a boundary row (updated exactly at the mark) was read before."""
        return _changed_at(record) == self.updated_after and record.external_id in self.seen

    def advance(self, records: list[VerificationRecord]) -> None:
        if not records:
            return
        times = {r.external_id: _changed_at(r) for r in records}
        newest = max(times.values())
        if self.updated_after is None or newest > self.updated_after:
            # Progress: restart from the new mark; rows at the mark will be skipped by id.
            self.updated_after, self.page = newest, 1
            self.seen = {rid for rid, at in times.items() if at == newest}
        else:
            # A whole page shares the mark: move on by page number within it.
            self.page += 1
            self.seen |= set(times)

    def dump(self) -> dict[str, Any]:
        if self.updated_after is None:
            return {}
        return {
            "updated_after": format_timestamp(self.updated_after),
            "page": self.page,
            "seen": sorted(self.seen),
        }


def _changed_at(record: VerificationRecord) -> datetime:
    return record.updated_at or record.created_at
