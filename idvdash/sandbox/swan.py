"""Swan: OAuth2 client-credentials token and the partner GraphQL endpoint.

GraphQL is really executed (graphql-core) against `swan_schema`, so fragments on the
eight-member level union behave exactly as at Swan: an unselected member comes back as
`{}` (swan-stora.md §1.8). Token errors follow ORY Hydra (§1.2).
"""

import base64
import binascii
import email
import json
from urllib.parse import parse_qsl

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    execute,
    parse,
    validate,
)

from .credentials import SANDBOX_CREDENTIALS
from .limits import Refusal
from .swan_data import SwanCatalog
from .swan_resolvers import Resolvers
from .swan_schema import build
from .tokens import TokenStore
from .web import Request, Response, json_response

TOKEN_TTL = 3600
MAX_DEPTH = 15
MAX_TOP_LEVEL = 5


def graphql_failure(status: int, message: str, code: str | None = None) -> Response:
    """Return a GraphQL-shaped error response."""
    error: dict[str, object] = {"message": message}
    if code:
        error["extensions"] = {"code": code}
    return json_response(status, {"errors": [error]})


def hydra_error(status: int, error: str, description: str) -> Response:
    """Return an ORY Hydra-style OAuth2 error."""
    return json_response(
        status, {"error": error, "error_description": description, "status_code": status}
    )


class SwanApi:
    """The Swan endpoints, mounted under `/swan`."""

    name = "swan"
    prefix = "/swan"
    content_faults = {
        "token": frozenset({"expired_token"}),
        "graphql": frozenset(
            {
                "truncated_page",
                "duplicate_ids",
                "expired_token",
                "graphql_errors",
                "loop_cursor",
                "shrink",
            }
        ),
    }

    def __init__(self, catalog: SwanCatalog, tokens: TokenStore) -> None:
        self.catalog, self.tokens = catalog, tokens
        self.schema: GraphQLSchema = build()

    def endpoint(self, req: Request) -> str | None:
        """Name the endpoint a request targets (for fault matching)."""
        path = req.path.rstrip("/")
        return {"/oauth2/token": "token", "/graphql": "graphql"}.get(path)

    def throttled(self, req: Request, refusal: Refusal | None = None) -> Response:
        """Return Swan's 429."""
        if self.endpoint(req) == "token":
            return hydra_error(429, "too_many_requests", "Too many requests.")
        return graphql_failure(429, "Too many requests", "TooManyRequests")

    def server_error(self, req: Request) -> Response:
        """Return Swan's 500."""
        if self.endpoint(req) == "token":
            return hydra_error(
                500,
                "server_error",
                "The authorization server encountered an "
                "unexpected condition that prevented it from fulfilling the request.",
            )
        return graphql_failure(500, "Internal server error", "InternalServerError")

    def handle(self, req: Request) -> Response:
        """Serve one request."""
        endpoint = self.endpoint(req)
        if endpoint == "token":
            return self._token(req)
        if endpoint is None:
            return json_response(404, {"message": "Not Found"})
        if req.method != "POST":
            return graphql_failure(405, "Only POST is supported")
        denied = self._authorise(req)
        if denied:
            return denied
        if req.fault and req.fault.fault == "graphql_errors":
            return json_response(
                200,
                {
                    "errors": [
                        {"message": req.fault.message, "extensions": {"code": req.fault.code}}
                    ],
                    "data": None,
                },
            )
        return self._graphql(req)

    def _authorise(self, req: Request) -> Response | None:
        scheme, _, token = req.headers.get("authorization", "").partition(" ")
        grant = self.tokens.grant("swan", token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            return graphql_failure(401, "Unauthenticated", "Unauthenticated")
        if self.tokens.is_expired(grant) or (req.fault and req.fault.fault == "expired_token"):
            return graphql_failure(
                401, "Unauthenticated: the access token has expired", "Unauthenticated"
            )
        return None

    def _token(self, req: Request) -> Response:
        if req.method != "POST":
            return hydra_error(405, "invalid_request", "HTTP method is POST only.")
        form = _form(req)
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        scheme, _, encoded = req.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                client_id, _, client_secret = base64.b64decode(encoded).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                client_id = client_secret = None
        if not form.get("grant_type"):
            return hydra_error(
                400,
                "invalid_request",
                "The request is missing a required "
                "parameter, includes an invalid parameter value, includes a "
                "parameter more than once, or is otherwise malformed.",
            )
        if form["grant_type"] != "client_credentials":
            return hydra_error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        expected = SANDBOX_CREDENTIALS["swan"]
        if (client_id, client_secret) != (expected["client_id"], expected["client_secret"]):
            return hydra_error(
                401,
                "invalid_client",
                "Client authentication failed (e.g., "
                "unknown client, no client authentication included, or "
                "unsupported authentication method).",
            )
        expired = bool(req.fault and req.fault.fault == "expired_token")
        token = self.tokens.issue("swan", TOKEN_TTL, expired=expired, prefix="ory_at_")
        return json_response(
            200,
            {"access_token": token, "expires_in": TOKEN_TTL, "scope": "", "token_type": "bearer"},
        )

    def _graphql(self, req: Request) -> Response:
        try:
            payload = json.loads(req.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return graphql_failure(400, "POST body sent invalid JSON.")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return graphql_failure(400, "POST body must be a JSON object with a `query` string.")
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            return graphql_failure(400, "`variables` must be a JSON object.")
        try:
            document = parse(payload["query"])
        except GraphQLError as error:
            return json_response(200, {"errors": [error.formatted]})
        errors = validate(self.schema, document)
        if errors:
            return json_response(200, {"errors": [e.formatted for e in errors]})
        too_big = _limits(document, payload.get("operationName"))
        if too_big:
            return graphql_failure(400, too_big, "QueryTooComplex")
        resolvers = Resolvers(self.catalog, req.fault, req.shrink)
        result = execute(
            self.schema,
            document,
            root_value=resolvers.root(),
            variable_values=variables,
            operation_name=payload.get("operationName"),
        )
        body: dict[str, object] = {}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        if result.data is not None or not result.errors:
            body["data"] = result.data
        return json_response(200, body)


def _form(req: Request) -> dict[str, str]:
    content_type = req.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        message = email.message_from_bytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + req.body
        )
        fields = {}
        for part in message.walk():
            name = part.get_param("name", header="content-disposition")
            if name and not part.is_multipart():
                fields[str(name)] = part.get_payload(decode=True).decode()
        return fields
    if content_type.startswith("application/json"):
        try:
            data = json.loads(req.body or b"{}")
        except ValueError:
            return {}
        return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    return dict(parse_qsl(req.body.decode("utf-8", "replace")))


def _limits(document, operation_name: str | None) -> str | None:
    """Return why an operation breaks Swan's operation limits (§1.7), or None."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    for operation in operations:
        if len(_fields(operation.selection_set, fragments)) > MAX_TOP_LEVEL:
            return f"Operation has more than {MAX_TOP_LEVEL} top-level fields"
        if _depth(operation.selection_set, fragments, set()) > MAX_DEPTH:
            return f"Operation exceeds the maximum depth of {MAX_DEPTH}"
    return None


def _fields(selection_set: SelectionSetNode, fragments: dict) -> list[FieldNode]:
    found = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found += _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            found += _fields(fragments[selection.name.value].selection_set, fragments)
    return found


def _depth(selection_set: SelectionSetNode | None, fragments: dict, seen: set[str]) -> int:
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            deepest = max(deepest, 1 + _depth(selection.selection_set, fragments, seen))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                deepest = max(
                    deepest, _depth(fragments[name].selection_set, fragments, seen | {name})
                )
    return deepest
