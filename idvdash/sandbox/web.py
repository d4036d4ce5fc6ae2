"""Minimal WSGI request/response helpers (no framework, no database)."""

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

if TYPE_CHECKING:
    from .faults import Fault


@dataclass
class Request:
    """The parts of a WSGI request the simulators read."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    root: str
    fault: "Fault | None" = None
    # A `shrink` in effect: it lasts, and may come together with a one-off `fault`.
    shrink: "Fault | None" = None

    @classmethod
    def from_environ(cls, environ: dict) -> "Request":
        """Build a Request from a WSGI environ."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=environ.get("PATH_INFO", "") or "/",
            query=parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            headers=headers,
            body=body,
            root=f"{environ.get('wsgi.url_scheme', 'http')}://{host}",
        )

    def param(self, name: str) -> str | None:
        """Return the last value of a query parameter, or None."""
        values = [v for k, v in self.query if k == name]
        return values[-1] if values else None

    def params(self, name: str) -> list[str]:
        """Return every value of an array parameter (`a=x,y`, `a[]=x&a[]=y`, `a=x&a=y`)."""
        values = []
        for key, value in self.query:
            if key in (name, f"{name}[]"):
                values.extend(part.strip() for part in value.split(",") if part.strip())
        return values

    def url(self, path: str, query: list[tuple[str, str]]) -> str:
        """Return an absolute URL on this server."""
        return f"{self.root}{path}" + (f"?{urlencode(query)}" if query else "")

    def json(self) -> object:
        """Parse the body as JSON (raises ValueError)."""
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Response:
    """A complete response, possibly reshaped by a fault before it is sent."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Set by the `reset` fault: send this many body bytes, then reset the connection.
    abort_after: int | None = None

    @property
    def status_line(self) -> str:
        """Return the WSGI status line."""
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Unknown"
        return f"{self.status} {phrase}"

    def header(self, name: str) -> str | None:
        """Return a header value, or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def json_response(
    status: int,
    payload: object,
    headers: list[tuple[str, str]] | None = None,
) -> Response:
    """Return a JSON response."""
    body = json.dumps(payload, separators=(", ", ": ")).encode()
    return Response(status, body, [("Content-Type", "application/json"), *(headers or [])])


def json_object(req: Request) -> dict | Response:
    """Return the request body's JSON object, or the 400 response to send instead."""
    try:
        payload = req.json()
    except (ValueError, UnicodeDecodeError):
        return json_response(400, {"error": "body must be JSON"})
    if not isinstance(payload, dict):
        return json_response(400, {"error": "body must be a JSON object"})
    return payload


def text_response(status: int, text: str, content_type: str = "text/plain") -> Response:
    """Return a plain-text (or HTML) response."""
    return Response(status, text.encode(), [("Content-Type", f"{content_type}; charset=utf-8")])
