"""Stora Public API 2025-09: OAuth2 token and identity verifications (list and show).

Errors use Stora's envelope `{"error": {"code", "details", "links", "message",
"request_id", "type"}}` (swan-stora.md §2.7); token errors follow Doorkeeper (§2.2).
"""

import json
import math
import re
import time
import uuid
from urllib.parse import parse_qsl

from .clock import parse_iso
from .credentials import SANDBOX_CREDENTIALS, SANDBOX_STORA_ACCESS_TOKEN
from .limits import Refusal
from .paging import window
from .sequences import ArithRun, OrderedIndices
from .shrink import Gone, vanished_indices
from .stora_data import StoraCatalog
from .tokens import TokenStore
from .vocab import STORA_SCOPES, STORA_STATUSES
from .web import Request, Response, json_response

VERSION = "/2025-09"
LIST_PATH = f"{VERSION}/identity_verifications"
DETAIL = re.compile(rf"^{LIST_PATH}/([^/]+)/?$")
TOKEN_TTL = 7200
CURIES = [
    {"name": "bo", "href": "https://app.stora.test{rel}", "templated": True, "title": "Backoffice"},
    {
        "name": "sf",
        "href": "https://acme.stora.test{rel}",
        "templated": True,
        "title": "Storefront",
    },
]
ERRORS = {  # code -> (HTTP status, type, message)
    "invalid_token": (401, "invalid_request_error", "The access token is invalid."),
    "forbidden": (403, "invalid_request_error", "You do not have access to this resource."),
    "resource_not_found": (404, "invalid_request_error", "The resource could not be found."),
    "invalid_endpoint": (404, "invalid_request_error", "The requested endpoint does not exist."),
    "invalid_url_param": (422, "invalid_request_error", "The request URL param is invalid."),
    "too_many_requests": (429, "invalid_request_error", "Too many requests."),
    "internal_server_error": (500, "api_error", "Something went wrong on our end."),
}


def stora_error(
    code: str, details: list[dict[str, str]] | None = None, message: str | None = None
) -> Response:
    """Return Stora's error envelope for `code`."""
    status, kind, default = ERRORS[code]
    return json_response(
        status,
        {
            "error": {
                "code": code,
                "details": details or [],
                "links": [
                    {
                        "kind": "open_api",
                        "name": "OpenAPI specification",
                        "url": "https://public-api.stora.co/2025-09/openapi.json",
                    },
                    {
                        "kind": "documentation",
                        "name": "Errors",
                        "url": "https://docs.stora.co/public-api#overview--errors",
                    },
                ],
                "message": message or default,
                "request_id": str(uuid.uuid4()),
                "type": kind,
            }
        },
    )


def _param_error(name: str, message: str) -> Response:
    return stora_error("invalid_url_param", [{"message": message, "pointer": f"/{name}"}])


def oauth_error(status: int, error: str, description: str) -> Response:
    """Return a Doorkeeper-style OAuth2 error."""
    return json_response(status, {"error": error, "error_description": description})


class StoraApi:
    """The Stora endpoints, mounted under `/stora`."""

    name = "stora"
    prefix = "/stora"
    content_faults = {
        "token": frozenset({"expired_token"}),
        "list": frozenset(
            {"truncated_page", "duplicate_ids", "expired_token", "loop_cursor", "shrink"}
        ),
        "detail": frozenset({"expired_token"}),
    }

    def __init__(self, catalog: StoraCatalog, tokens: TokenStore) -> None:
        self.catalog, self.tokens = catalog, tokens

    def endpoint(self, req: Request) -> str | None:
        """Name the endpoint a request targets (for fault matching)."""
        if req.path.rstrip("/") == "/oauth2/token":
            return "token"
        if req.path.rstrip("/") == LIST_PATH:
            return "list"
        return "detail" if DETAIL.match(req.path) else None

    def throttled(self, req: Request, refusal: Refusal | None = None) -> Response:
        """Return Stora's 429 with its rate-limit headers (§2.8): the full window's limit
        and the Unix time it has room again (a fault's: 60, and the next second)."""
        response = stora_error("too_many_requests")
        limit, reset = (refusal.limit, refusal.reset_at) if refusal else (60, time.time() + 1)
        response.headers += [
            ("RateLimit-Limit", str(limit)),
            ("RateLimit-Reset", str(math.ceil(reset))),
        ]
        return response

    def server_error(self, req: Request) -> Response:
        """Return Stora's 500."""
        return stora_error("internal_server_error")

    def handle(self, req: Request) -> Response:
        """Serve one request."""
        endpoint = self.endpoint(req)
        if endpoint == "token":
            return self._token(req)
        if endpoint is None or req.method != "GET":
            return stora_error("invalid_endpoint")
        scopes, denied = self._authorise(req)
        if denied:
            return denied
        if STORA_SCOPES[0] not in scopes:
            return stora_error("forbidden", message=f"Missing scope {STORA_SCOPES[0]}.")
        expand = req.params("expand")
        if "contact" in expand and STORA_SCOPES[1] not in scopes:
            return stora_error("forbidden", message=f"Missing scope {STORA_SCOPES[1]}.")
        if endpoint == "detail":
            i = self.catalog.index_of(DETAIL.match(req.path).group(1))
            if i is None:
                return stora_error("resource_not_found")
            body = self.catalog.verification(i, expand_contact="contact" in expand)
            return json_response(200, {"identity_verification": body, "meta": self._meta()})
        return self._list(req, expand_contact="contact" in expand)

    @staticmethod
    def _meta() -> dict[str, object]:
        return {"request_id": str(uuid.uuid4()), "curies": CURIES}

    def _authorise(self, req: Request) -> tuple[tuple[str, ...], Response | None]:
        header = req.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return (), stora_error("invalid_token")
        if req.fault and req.fault.fault == "expired_token":
            return (), stora_error("invalid_token", message="The access token expired.")
        if token == SANDBOX_STORA_ACCESS_TOKEN:
            return STORA_SCOPES, None
        grant = self.tokens.grant("stora", token)
        if grant is None:
            return (), stora_error("invalid_token")
        if self.tokens.is_expired(grant):
            return (), stora_error("invalid_token", message="The access token expired.")
        return grant.scopes, None

    def _token(self, req: Request) -> Response:
        if req.method != "POST":
            return stora_error("invalid_endpoint")
        if req.headers.get("content-type", "").startswith("application/json"):
            try:
                payload = json.loads(req.body or b"{}")
            except ValueError:
                return oauth_error(400, "invalid_request", "The request body is not valid JSON.")
        else:
            payload = dict(parse_qsl(req.body.decode("utf-8", "replace")))
        if not isinstance(payload, dict):
            return oauth_error(400, "invalid_request", "The request body must be an object.")
        for field in ("grant_type", "client_id", "client_secret"):
            if not payload.get(field):
                if field == "grant_type":
                    return oauth_error(
                        400, "invalid_request", "Missing required parameter: grant_type."
                    )
                return self._bad_client()
        if payload["grant_type"] != "client_credentials":
            return oauth_error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        expected = SANDBOX_CREDENTIALS["stora"]
        if (payload["client_id"], payload["client_secret"]) != (
            expected["client_id"],
            expected["client_secret"],
        ):
            return self._bad_client()
        scopes = tuple(str(payload.get("scope") or "").split())
        if not scopes or not set(scopes) <= set(STORA_SCOPES):
            return oauth_error(
                400, "invalid_scope", "The requested scope is invalid, unknown, or malformed."
            )
        expired = bool(req.fault and req.fault.fault == "expired_token")
        token = self.tokens.issue("stora", TOKEN_TTL, scopes, expired=expired)
        return json_response(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": TOKEN_TTL,
                "scope": " ".join(scopes),
                "created_at": self.tokens.clock.timestamp(),
            },
        )

    @staticmethod
    def _bad_client() -> Response:
        return oauth_error(
            401,
            "invalid_client",
            "Client authentication failed due to unknown client, no client "
            "authentication included, or unsupported authentication method.",
        )

    def _list(self, req: Request, *, expand_contact: bool) -> Response:
        page, limit = req.param("page") or "1", req.param("limit") or "50"
        if not page.isdigit() or int(page) < 1:
            return _param_error("page", "value at `/page` must be >= 1")
        if not limit.isdigit() or not 1 <= int(limit) <= 100:
            return _param_error("limit", "value at `/limit` must be >= 1 and <= 100")
        page_no, per = int(page), int(limit)
        looping = req.fault is not None and req.fault.fault == "loop_cursor"
        if looping:
            page_no = 1  # `page` is ignored: the same page comes back, `next` stays set
        sort_by = req.param("sort_by") or "created_at"
        direction = req.param("sort_direction") or "DESC"
        if sort_by not in ("created_at", "updated_at"):
            return _param_error(
                "sort_by", "value at `/sort_by` must be one of: created_at, updated_at"
            )
        if direction not in ("ASC", "DESC"):
            return _param_error(
                "sort_direction", "value at `/sort_direction` must be one of: ASC, DESC"
            )
        statuses = req.params("status")
        if any(s not in STORA_STATUSES for s in statuses):
            return _param_error(
                "status", "value at `/status` must be one of: " + ", ".join(STORA_STATUSES)
            )
        bounds: dict[str, float] = {}
        for name in ("created_after", "created_before", "updated_after", "updated_before"):
            raw = req.param(name)
            if raw is None:
                continue
            value = parse_iso(raw)
            if value is None:
                return _param_error(name, f"value at `/{name}` must be an ISO 8601 date-time")
            bounds[name] = value
        order = self._select(
            bounds, frozenset(statuses or STORA_STATUSES), req.params("contact_id"), sort_by
        )
        listed = order.total
        gone = self._gone(req, order, descending=direction == "DESC")
        total = listed - gone.size
        pages = max(1, math.ceil(total / per))
        if page_no > pages:
            return _param_error("page", f"value at `/page` must be <= {pages}")
        start, stop = (page_no - 1) * per, min(page_no * per, total)
        rows = []
        for pos in window(start, stop, req.fault):
            at = gone.position(pos)
            asc = at if direction == "ASC" else listed - 1 - at
            rows.append(self.catalog.verification(order.at(asc), expand_contact=expand_contact))
        meta = self._meta()
        meta["pagination"] = {
            "count": total,
            "last": pages,
            "limit": per,
            "next": page_no + 1 if page_no < pages or looping else None,
            "page": page_no,
            "pages": pages,
            "prev": page_no - 1 if page_no > 1 else None,
        }
        return json_response(200, {"identity_verifications": rows, "meta": meta})

    def _gone(self, req: Request, order: OrderedIndices, *, descending: bool) -> Gone:
        """Return the positions of this listing that a shrink removed."""
        vanished = vanished_indices(req.shrink, self.catalog.visible())
        if not vanished:
            return Gone()
        ranges = order.ranges_between(vanished.start, vanished.stop)
        if descending:
            ranges = [(order.total - stop, order.total - start) for start, stop in ranges]
        return Gone.of(ranges)

    def _select(
        self, bounds: dict[str, float], statuses: frozenset[str], contacts: list[str], sort_by: str
    ) -> OrderedIndices:
        """Return the matching indices in ascending `sort_by` order."""
        catalog = self.catalog
        now = catalog.clock.timestamp()
        visible = catalog.visible(now)
        lo = catalog.first_created_at_or_after(bounds.get("created_after", -math.inf), visible)
        hi = catalog.first_created_at_or_after(bounds.get("created_before", math.inf), visible)

        def matches(i: int) -> bool:
            state, updated = catalog.state(i, now)
            return (
                state["status"] in statuses
                and bounds.get("updated_after", -math.inf) <= updated
                and updated < bounds.get("updated_before", math.inf)
            )

        def by_updated(i: int) -> tuple[int, int]:
            return catalog.state(i, now)[1], i

        if contacts:
            locals_ = {catalog.local_from_contact(c) for c in contacts} - {None}
            found = sorted(
                i
                for local in locals_
                for i in catalog.person_indices(local, visible)
                if lo <= i < hi and matches(i)
            )
            empty = ArithRun(catalog, 0, 0, statuses, [])
            extra = found if sort_by == "created_at" else sorted(found, key=by_updated)
            return OrderedIndices(empty, extra, merge=False, upper=visible)
        dynamic = catalog.dynamic(now)
        settled_lo = max(
            lo, catalog.first_settled_updated_at_or_after(bounds.get("updated_after", -math.inf))
        )
        settled_hi = min(
            hi,
            catalog.settled_end,
            catalog.first_settled_updated_at_or_after(bounds.get("updated_before", math.inf)),
        )
        run = ArithRun(catalog, settled_lo, settled_hi, statuses, dynamic)
        extra = [i for i in dynamic if lo <= i < hi and matches(i)]
        if sort_by == "updated_at":
            return OrderedIndices(run, sorted(extra, key=by_updated), merge=False, upper=visible)
        return OrderedIndices(run, extra, merge=True, upper=visible)
