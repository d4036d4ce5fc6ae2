"""Swan (GraphQL partner API): every user's identifications, with a cached project token."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from idvdash.core.values import as_dict, parse_timestamp
from idvdash.providers.base import (
    LOOPING_PAGES,
    LiveRead,
    OAuth2ClientCredentials,
    Page,
    RecentIds,
    VerificationRecord,
)
from idvdash.providers.errors import ProviderAuthError, ProviderError, ProviderResponseError
from idvdash.providers.http import Answer, ProviderHttp
from idvdash.providers.traits import NO_TRAITS, Traits

from .traits import USER_FIELDS, from_user, person

MAX_FIRST = 100
AUTH_WORDS = ("unauthenticated", "unauthorized", "unauthorised")

# Select every member of the level union: a member left out comes back as {} (swan-stora.md 1.8).
FRAGMENTS = """
fragment IdvdashIdentification on Identification {
  id process status createdAt updatedAt
  levels { expert { ...IdvdashLevel } qes { ...IdvdashLevel } pvid { ...IdvdashLevel } }
}
fragment IdvdashLevel on IdentificationLevelStatusInfo {
  __typename
  ... on NotSupportedIdentificationLevelStatusInfo { status }
  ... on NotStartedIdentificationLevelStatusInfo { status }
  ... on StartedIdentificationLevelStatusInfo { status }
  ... on PendingIdentificationLevelStatusInfo { status }
  ... on ValidIdentificationLevelStatusInfo { status }
  ... on InvalidIdentificationLevelStatusInfo { status reasons }
  ... on CanceledIdentificationLevelStatusInfo { status }
  ... on ExpiredIdentificationLevelStatusInfo { status expiredAt }
}
"""

USERS_QUERY = (
    """
query IdvdashUsers($first: Int!, $after: String, $idFirst: Int!) {
  users(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id %s
      identifications(first: $idFirst) {
        pageInfo { hasNextPage endCursor }
        edges { node { ...IdvdashIdentification } }
      }
    } }
  }
}
"""
    + FRAGMENTS
) % USER_FIELDS

USER_IDENTIFICATIONS_QUERY = (
    """
query IdvdashUserIdentifications($userId: String!, $first: Int!, $after: String) {
  user(id: $userId) {
    id %s
    identifications(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { ...IdvdashIdentification } }
    }
  }
}
"""
    + FRAGMENTS
) % USER_FIELDS

COUNT_QUERY = "query IdvdashCheck { users(first: 1) { totalCount } }"


class SwanClient(OAuth2ClientCredentials):
    """Read Swan identifications user by user with a project access token.

    Swan reaches an identification only through its user: its live full status is a
    re-read of that user's identifications.
    """

    kind = "swan"
    label = "Swan"
    # GraphQL queries and token requests are POSTs that only read.
    posts_are_reads = True
    token_lifetime = 3600.0
    live_reads = frozenset({LiveRead.FULL_STATUS})

    def __init__(
        self, *, users_per_page: int = 50, identifications_per_user: int = 20, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        # A GraphQL endpoint is used exactly as configured (no trailing-slash trimming).
        self.graphql_url = kwargs["base_url"]
        self.users_per_page = max(1, min(users_per_page, MAX_FIRST))
        self.identifications_per_user = max(1, min(identifications_per_user, MAX_FIRST))

    def iter_pages(self, *, checkpoint: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Walk users page by page; each Page holds all identifications of one page of users.

        A Relay cursor names the user it was taken from: pages carry no total (see Page).
        """
        after = (checkpoint or {}).get("after")
        after = after if isinstance(after, str) and after else None
        seen = RecentIds()
        cursors = {after}  # one short string per page: a cursor seen again is a loop
        while True:
            seen.next_page()
            variables = {
                "first": self.users_per_page,
                "after": after,
                "idFirst": self.identifications_per_user,
            }
            users = self._complete(
                lambda v=variables: _connection(self._query(USERS_QUERY, v), "users", self._http),
                self.users_per_page,
            )
            records: list[VerificationRecord] = []
            for edge in users["edges"]:
                user = _node(edge, self._http)
                user_id = user.get("id")
                if not isinstance(user_id, str) or not user_id:
                    raise self._http.error(ProviderResponseError, "listed a user without an id")
                connection = user.get("identifications")
                for record in self._user_records(user_id, connection, from_user(user)):
                    # A user shifted onto two pages repeats its identifications: keep one.
                    if seen.first_time(record.external_id):
                        records.append(record)
            page_info = as_dict(users.get("pageInfo"))
            # A null hasNextPage is read as false (swan-stora.md 1.4).
            cursor = page_info.get("endCursor")
            if page_info.get("hasNextPage") is not True or not isinstance(cursor, str):
                yield Page(records=records, checkpoint={})
                return
            if cursor in cursors:
                raise self._http.error(ProviderResponseError, LOOPING_PAGES)
            cursors.add(cursor)
            after = cursor
            yield Page(records=records, checkpoint={"after": after})

    def user_identifications(self, user_id: str) -> list[VerificationRecord]:
        """Re-read every identification of one user (what a `User.*` webhook asks for)."""
        return self._user_records(user_id, None)

    def user_and_identifications(
        self, user_id: str
    ) -> tuple[dict[str, Any], list[VerificationRecord]]:
        """Re-read one user: its person fields (never stored) and its identifications."""
        found: dict[str, Any] = {}
        records = self._user_records(user_id, None, found=found)
        return found, records

    def read_live(
        self, read: LiveRead, external_id: str, *, subject_ref: str = ""
    ) -> dict[str, Any]:
        """Re-read every identification of the record's user (the full status).

        Answers `{"userId": ..., "identifications": [payload, ...], "user": {...}}`, each
        payload as the list gives it (`record` reads it back); `user` holds the user's
        person fields for `traits.live_traits`, shown nowhere and never stored.
        """
        if read is not LiveRead.FULL_STATUS:
            return super().read_live(read, external_id)
        if not subject_ref:
            raise self._http.error(
                ProviderError, f"has no user known for identification {external_id}"
            )
        user, records = self.user_and_identifications(subject_ref)
        return {
            "userId": subject_ref,
            "identifications": [r.payload for r in records],
            "user": user,
        }

    def check_connection(self) -> str:
        """Return how many users have joined the project."""
        data = self._query(COUNT_QUERY, {})
        users = data.get("users") if isinstance(data, dict) else None
        count = users.get("totalCount") if isinstance(users, dict) else None
        if not isinstance(count, int):
            raise self._http.error(ProviderResponseError, "sent no user count")
        return f"OK: {count:,} users visible"

    def _user_records(
        self,
        user_id: str,
        connection: object,
        traits: Traits = NO_TRAITS,
        *,
        found: dict[str, Any] | None = None,
    ) -> list[VerificationRecord]:
        """Every identification of one user, each carrying the user's traits.

        `found` (when given) receives the person fields of the user as re-read.
        """
        found = {} if found is None else found
        if not isinstance(connection, dict) or _short(connection, self.identifications_per_user):
            # Missing or cut short inside the users page: read this user's list on its own.
            connection = self._user_identifications(user_id, None, found)
            traits = traits or from_user(found)
        records = []
        cursors: set[str] = set()
        while True:
            records += [
                self._record(user_id, _node(edge, self._http), traits)
                for edge in connection["edges"]
            ]
            page_info = as_dict(connection.get("pageInfo"))
            cursor = page_info.get("endCursor")
            if page_info.get("hasNextPage") is not True or not isinstance(cursor, str):
                return records
            if cursor in cursors:
                raise self._http.error(ProviderResponseError, LOOPING_PAGES)
            cursors.add(cursor)
            connection = self._user_identifications(user_id, cursor, found)

    def _user_identifications(
        self, user_id: str, after: str | None, found: dict[str, Any]
    ) -> dict[str, Any]:
        """One page of a user's identifications; the user's person fields go to `found`."""
        variables = {"userId": user_id, "first": self.identifications_per_user, "after": after}

        def read() -> dict[str, Any]:
            user = self._query(USER_IDENTIFICATIONS_QUERY, variables).get("user")
            found.update(person(user))
            connection = user.get("identifications") if isinstance(user, dict) else None
            if not isinstance(connection, dict) or not isinstance(connection.get("edges"), list):
                raise self._http.error(
                    ProviderResponseError, f"sent user {user_id} without identifications"
                )
            return connection

        return self._complete(read, self.identifications_per_user)

    def _complete(self, read: Callable[[], dict[str, Any]], first: int) -> dict[str, Any]:
        """Return a connection page; one cut short while more follow is read again, then refused."""
        for _attempt in (1, 2):
            connection = read()
            if not _short(connection, first):
                return connection
        raise self._http.error(
            ProviderResponseError, "sent a short page although more pages follow"
        )

    def record(
        self, user_id: str, node: dict[str, Any], traits: Traits = NO_TRAITS
    ) -> VerificationRecord:
        """One identification of a user, as the list gives it (a live answer holds these)."""
        return self._record(user_id, node, traits)

    def _record(
        self, user_id: str, node: dict[str, Any], traits: Traits = NO_TRAITS
    ) -> VerificationRecord:
        ident_id = node.get("id")
        created_at = parse_timestamp(node.get("createdAt"))
        if not isinstance(ident_id, str) or not ident_id or created_at is None:
            raise self._http.error(
                ProviderResponseError,
                f"sent an identification of user {user_id} without id/createdAt",
            )
        status = node.get("status")
        return VerificationRecord(
            external_id=ident_id,
            subject_ref=user_id,
            raw_status=status if isinstance(status, str) else "",
            created_at=created_at,
            updated_at=parse_timestamp(node.get("updatedAt")),
            # The identification's own fields: the user's person fields are traits only.
            payload={**node, "userId": user_id},
            traits=traits,
        )

    def _query(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """Run one GraphQL query; a refused token is renewed once, then the query fails."""
        operation = re.match(r"\s*query\s+(\w+)", query)
        # Reference: https://docs.swan.io/topics/users/identifications/
        answer = self._send_with_token(
            "POST",
            self.graphql_url,
            json={
                "query": query,
                "variables": variables,
                "operationName": operation and operation.group(1),
            },
        )
        if self._token_refused(answer):
            raise self._http.error(
                ProviderAuthError, "refused a fresh access token (HTTP 401)", answer=answer
            )
        return self._data(self._http.json(self._http.check(answer)), answer)

    def _token_refused(self, answer: Answer) -> bool:
        """401, or HTTP 200 whose GraphQL errors say the token was not accepted."""
        if answer.status == 401:
            return True
        return answer.status == 200 and b'"errors"' in answer.body and _auth_errors(answer)

    def _data(self, body: object, answer: Answer) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise self._http.error(
                ProviderResponseError, "sent a GraphQL answer that is not an object", answer=answer
            )
        errors = body.get("errors")
        if errors:
            # HTTP 200 with an errors array is a failure (swan-stora.md 1.7).
            first = errors[0] if isinstance(errors, list) and errors else {}
            message = first.get("message") if isinstance(first, dict) else None
            what = (
                f"answered with a GraphQL error: {str(message)[:200]}"
                if message
                else "answered with GraphQL errors"
            )
            raise self._http.error(ProviderResponseError, what, answer=answer)
        data = body.get("data")
        if not isinstance(data, dict):
            raise self._http.error(
                ProviderResponseError, "sent a GraphQL answer without data", answer=answer
            )
        return data

    def _request_token(self) -> Answer:
        # Reference: https://docs.swan.io/developers/using-api/authentication/
        return self._http.send(
            "POST",
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self._credentials["client_id"],
                "client_secret": self._credentials["client_secret"],
            },
        )


def _auth_errors(answer: Answer) -> bool:
    """Return True when the answer's GraphQL errors say the token was not accepted."""
    try:
        body = json.loads(answer.body)
    except ValueError:
        return False
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return False
    for error in body["errors"]:
        if not isinstance(error, dict):
            continue
        extensions = error.get("extensions") if isinstance(error.get("extensions"), dict) else {}
        response = (
            extensions.get("response") if isinstance(extensions.get("response"), dict) else {}
        )
        message = str(error.get("message", "")).lower()
        if response.get("status") == 401 or any(word in message for word in AUTH_WORDS):
            return True
    return False


def _short(connection: dict[str, Any], first: int) -> bool:
    """Return True for a page with fewer edges than asked for although more pages follow."""
    page_info = as_dict(connection.get("pageInfo"))
    edges = connection.get("edges")
    return page_info.get("hasNextPage") is True and isinstance(edges, list) and len(edges) < first


def _connection(data: dict[str, Any], key: str, http: ProviderHttp) -> dict[str, Any]:
    connection = data.get(key)
    if not isinstance(connection, dict) or not isinstance(connection.get("edges"), list):
        raise http.error(ProviderResponseError, f"sent no '{key}' connection")
    return connection


def _node(edge: object, http: ProviderHttp) -> dict[str, Any]:
    node = edge.get("node") if isinstance(edge, dict) else None
    if not isinstance(node, dict):
        raise http.error(ProviderResponseError, "sent an edge without a node")
    return node
