"""iDenfy IVS: `GET /kyc/identifications/` and `POST /api/v2/{status,full-status,data,files}`.

Auth is HTTP Basic (API key : API secret). Errors follow idenfy-equals.md §1.6: auth
failures are DRF-style `{"detail": ...}` without `identifier`; request errors are
`{"identifier", "message"}`.
"""

import base64
import binascii
import math

from .credentials import SANDBOX_CREDENTIALS
from .idenfy_data import IdenfyCatalog
from .limits import Refusal
from .paging import window
from .shrink import newest_first, vanished_indices
from .web import Request, Response, json_response

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
LIST_PATH = "/kyc/identifications/"
RECORD_PATHS = {
    "/api/v2/status": "status",
    "/api/v2/full-status": "full-status",
    "/api/v2/data": "data",
    "/api/v2/files": "files",
}


def idenfy_error(status: int, identifier: str, message: str) -> Response:
    """Return iDenfy's standard error body."""
    return json_response(status, {"identifier": identifier, "message": message})


class IdenfyApi:
    """The iDenfy endpoints, mounted under `/idenfy`."""

    name = "idenfy"
    prefix = "/idenfy"
    content_faults = {
        "list": frozenset({"truncated_page", "duplicate_ids", "loop_cursor", "shrink"})
    }

    def __init__(self, catalog: IdenfyCatalog) -> None:
        self.catalog = catalog

    def endpoint(self, req: Request) -> str | None:
        """Name the endpoint a request targets (for fault matching)."""
        return "list" if req.path == LIST_PATH else RECORD_PATHS.get(req.path)

    def throttled(self, req: Request, refusal: Refusal | None = None) -> Response:
        """Return iDenfy's rate-limit answer."""
        return idenfy_error(429, "TOO_MANY_REQUESTS", "Too many requests. Try again later.")

    def server_error(self, req: Request) -> Response:
        """Return iDenfy's internal-error answer."""
        return idenfy_error(500, "INTERNAL_ERROR", "Internal server error.")

    def _authenticated(self, req: Request) -> Response | None:
        header = req.headers.get("authorization", "")
        challenge = [("WWW-Authenticate", 'Basic realm="api"')]
        if not header.lower().startswith("basic "):
            return json_response(
                401, {"detail": "Authentication credentials were not provided."}, challenge
            )
        try:
            user, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, password = "", ""
        expected = SANDBOX_CREDENTIALS["idenfy"]
        if (user, password) != (expected["api_key"], expected["api_secret"]):
            return json_response(401, {"detail": "Invalid authorization credentials"}, challenge)
        return None

    def handle(self, req: Request) -> Response:
        """Serve one request."""
        endpoint = self.endpoint(req)
        if endpoint is None:
            if req.path == LIST_PATH.rstrip("/") and req.method == "GET":
                location = req.url(self.prefix + LIST_PATH, req.query)
                return Response(301, b"", [("Location", location)])
            return json_response(404, {"detail": "Not found."})
        denied = self._authenticated(req)
        if denied:
            return denied
        if endpoint == "list":
            if req.method != "GET":
                return json_response(405, {"detail": f'Method "{req.method}" not allowed.'})
            return self._list(req)
        if req.method != "POST":
            return idenfy_error(405, "METHOD_NOT_ALLOWED", "Method not allowed.")
        return self._record(req, endpoint)

    def _list(self, req: Request) -> Response:
        catalog = self.catalog
        visible = catalog.visible()
        per_page = _positive_int(req.param("perPage"))
        per_page = min(per_page, MAX_PER_PAGE) if per_page else DEFAULT_PER_PAGE
        client_id = req.param("clientId")
        gone = newest_first(req.shrink, visible)
        if client_id is None:
            total = visible - gone.size
            indices = None
        else:
            local = catalog.local_from_customer_ref(client_id)
            found = catalog.person_indices(local, visible) if local is not None else range(0)
            vanished = vanished_indices(req.shrink, visible)
            indices = [i for i in reversed(found) if i not in vanished]
            total = len(indices)
        raw_page = req.param("page")
        page = 1 if raw_page in (None, "") else _positive_int(raw_page)
        pages = max(1, math.ceil(total / per_page))
        if page is None or page > pages:
            return json_response(404, {"detail": "Invalid page."})
        start, stop = (page - 1) * per_page, min(page * per_page, total)
        rows = []
        for pos in window(start, stop, req.fault):
            i = indices[pos] if indices is not None else visible - 1 - gone.position(pos)
            rows.append(catalog.list_row(i))
        looping = req.fault is not None and req.fault.fault == "loop_cursor"
        return json_response(
            200,
            {
                "count": total,
                "next": self._page_url(req, page if looping else page + 1)
                if page < pages
                else None,
                "previous": self._page_url(req, page - 1) if page > 1 else None,
                "results": rows,
            },
        )

    def _page_url(self, req: Request, page: int) -> str:
        # DRF drops `page` for the first page and keeps every other parameter.
        query = [(k, v) for k, v in req.query if k != "page"]
        if page > 1:
            query.append(("page", str(page)))
        return req.url(self.prefix + LIST_PATH, query)

    def _record(self, req: Request, endpoint: str) -> Response:
        try:
            payload = req.json()
        except (ValueError, UnicodeDecodeError):
            return idenfy_error(400, "JSON_ERROR", "Request body is not valid JSON.")
        if not isinstance(payload, dict) or not payload.get("scanRef"):
            return idenfy_error(400, "MISSING_VALUE", "Missing mandatory parameter: scanRef.")
        i = self.catalog.index_of(payload["scanRef"])
        if i is None:
            return idenfy_error(404, "BAD_VALUE", "Identification not found.")
        catalog = self.catalog
        if endpoint == "status":
            return json_response(200, catalog.status_body(i))
        if endpoint == "full-status":
            return json_response(200, catalog.full_status_body(i))
        if endpoint == "data":
            return json_response(200, catalog.data_body(i))
        return json_response(200, catalog.files_body(i, catalog.clock.timestamp()))


def _positive_int(text: str | None) -> int | None:
    if text is None or not text.strip().isdigit():
        return None
    value = int(text)
    return value if value > 0 else None
