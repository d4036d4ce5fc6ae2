"""Equals Money: `GET /v2/applications/identity-verification-sessions`.

Auth header `Authorization: ApiKey <key>`: missing → 401, anything else → 403
(idenfy-equals.md §2.1). The error body is undocumented; the sandbox answers
`{"message": ..., "errors": [...]}` as the note proposes (§2.6).
"""

import uuid

from .credentials import SANDBOX_CREDENTIALS
from .equals_data import EqualsCatalog
from .limits import Refusal
from .paging import window
from .shrink import newest_first, vanished_indices
from .web import Request, Response, json_response

LIST_PATH = "/v2/applications/identity-verification-sessions"


def equals_error(
    status: int,
    message: str,
    errors: list[dict[str, str]] | None = None,
) -> Response:
    """Return the sandbox's Equals error body."""
    return json_response(status, {"message": message, "errors": errors or []})


class EqualsApi:
    """The Equals endpoint, mounted under `/equals`."""

    name = "equals"
    prefix = "/equals"
    content_faults = {"list": frozenset({"truncated_page", "duplicate_ids", "shrink"})}

    def __init__(self, catalog: EqualsCatalog) -> None:
        self.catalog = catalog

    def endpoint(self, req: Request) -> str | None:
        """Name the endpoint a request targets (for fault matching)."""
        return "list" if req.path.rstrip("/") == LIST_PATH else None

    def throttled(self, req: Request, refusal: Refusal | None = None) -> Response:
        """Return the rate-limit answer."""
        return equals_error(429, "Too Many Requests")

    def server_error(self, req: Request) -> Response:
        """Return the internal-error answer."""
        return equals_error(500, "Internal Server Error")

    def handle(self, req: Request) -> Response:
        """Serve one request."""
        if self.endpoint(req) is None:
            return equals_error(404, "Not Found")
        header = req.headers.get("authorization")
        if not header:
            return equals_error(401, "Unauthorized", [{"message": "Missing Authorization header"}])
        scheme, _, key = header.partition(" ")
        if scheme != "ApiKey" or key.strip() != SANDBOX_CREDENTIALS["equals"]["api_key"]:
            return equals_error(403, "Forbidden", [{"message": "Invalid API key"}])
        if req.method != "GET":
            return equals_error(405, "Method Not Allowed")
        return self._list(req)

    def _list(self, req: Request) -> Response:
        problems = []
        limit = _int(req.param("limit"), 100)
        if limit is None or not 1 <= limit <= 1000:
            problems.append({"field": "limit", "message": "limit must be between 1 and 1000"})
        offset = _int(req.param("offset"), 0)
        if offset is None or offset < 0:
            problems.append({"field": "offset", "message": "offset must be 0 or greater"})
        filters = {}
        for name in ("applicationId", "associatedPersonId"):
            value = req.param(name)
            if value is None:
                continue
            if not _is_uuid(value):
                problems.append({"field": name, "message": f"{name} must be a valid uuid"})
            filters[name] = value
        if problems:
            return equals_error(400, "Validation failed", problems)
        catalog = self.catalog
        visible = catalog.visible()
        gone = newest_first(req.shrink, visible)
        rows: list[int] | None = None
        if "applicationId" in filters:
            rows = catalog.application_rows(filters["applicationId"], visible)
        if "associatedPersonId" in filters:
            person_rows = catalog.person_rows(filters["associatedPersonId"], visible)
            rows = person_rows if rows is None else [r for r in rows if r in set(person_rows)]
        if rows is not None:
            vanished = vanished_indices(req.shrink, visible)
            rows = [r for r in rows if r not in vanished]
        count = visible - gone.size if rows is None else len(rows)
        stop = min(offset + limit, count)
        out = []
        for pos in window(offset, stop, req.fault) if offset < count else []:
            i = rows[pos] if rows is not None else visible - 1 - gone.position(pos)
            out.append(catalog.row(i))
        return json_response(200, {"limit": limit, "offset": offset, "count": count, "rows": out})


def _int(text: str | None, default: int) -> int | None:
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        return None


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36
