"""The sandbox WSGI application: routes by provider prefix and applies armed faults."""

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from email.utils import formatdate
from typing import Protocol

from .clock import SimClock
from .control import ControlApi
from .data import Dataset
from .equals import EqualsApi
from .faults import Fault, FaultController
from .idenfy import IdenfyApi
from .limits import RateLimits, Refusal
from .stora import StoraApi
from .swan import SwanApi
from .tokens import TokenStore
from .web import Request, Response, json_response, text_response
from .webhooks import WebhookSender

GATEWAY_PAGE = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {phrase}</h1></center>\r\n</body>\r\n</html>\r\n"
)


class AbortConnection(Exception):
    """Raised mid-body to make the server reset the connection."""


class ProviderApi(Protocol):
    """What each provider simulator offers the dispatcher."""

    name: str
    prefix: str
    content_faults: dict[str, frozenset[str]]

    def endpoint(self, req: Request) -> str | None: ...
    def handle(self, req: Request) -> Response: ...
    def throttled(self, req: Request, refusal: Refusal | None = None) -> Response: ...
    def server_error(self, req: Request) -> Response: ...


class SandboxApp:
    """A WSGI callable serving the four provider simulators and `/_control`."""

    def __init__(
        self,
        dataset: Dataset,
        faults: FaultController,
        clock: SimClock,
        tokens: TokenStore,
        stopping: threading.Event | None = None,
        webhooks: WebhookSender | None = None,
        limits: RateLimits | None = None,
    ) -> None:
        self.dataset, self.faults, self.clock, self.tokens = dataset, faults, clock, tokens
        self.limits = limits or RateLimits()
        self.stopping = stopping or threading.Event()
        self.apis: list[ProviderApi] = [
            IdenfyApi(dataset.idenfy),
            EqualsApi(dataset.equals),
            SwanApi(dataset.swan, tokens),
            StoraApi(dataset.stora, tokens),
        ]
        self.control = ControlApi(dataset, faults, clock, webhooks, self.limits)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Serve one WSGI request."""
        req = Request.from_environ(environ)
        response = self.respond(req)
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(response.status_line, headers)
        if response.abort_after is not None:
            return self._aborting(response.body[: response.abort_after])
        return [response.body]

    @staticmethod
    def _aborting(part: bytes) -> Iterator[bytes]:
        yield part
        raise AbortConnection

    def respond(self, req: Request) -> Response:
        """Route a request and apply any armed fault."""
        if req.path == "/_control" or req.path.startswith("/_control/"):
            req.path = req.path.removeprefix(ControlApi.prefix) or "/"
            return self.control.handle(req)
        api = next((a for a in self.apis if req.path.startswith(a.prefix + "/")), None)
        if api is None:
            return json_response(404, {"detail": "Not found."})
        req.path = req.path.removeprefix(api.prefix)
        if refusal := self.limits.take(api.name):
            return api.throttled(req, refusal)
        endpoint = api.endpoint(req)
        fault = None
        if endpoint is not None:
            content = api.content_faults.get(endpoint, frozenset())
            req.shrink = self.faults.shrunk(api.name, endpoint, content)
            fault = self.faults.take(api.name, endpoint, content)
        if fault and fault.fault == "slow":
            self.stopping.wait(fault.delay)
            fault = None
        if fault and fault.fault == "rate_limit":
            return self._throttled(api, req, fault)
        if fault and fault.fault == "server_error":
            if fault.status == 500:
                return api.server_error(req)
            phrase = "Bad Gateway" if fault.status == 502 else "Service Temporarily Unavailable"
            return text_response(
                fault.status, GATEWAY_PAGE.format(code=fault.status, phrase=phrase), "text/html"
            )
        req.fault = fault
        response = api.handle(req)
        return self._reshape(response, fault)

    def _throttled(self, api: ProviderApi, req: Request, fault: Fault) -> Response:
        response = api.throttled(req)
        wait = max(0, int(-(-fault.retry_after // 1)))
        if fault.retry_after_format == "http-date":
            value = formatdate(time.time() + wait, usegmt=True)
        else:
            value = str(wait)
        response.headers.append(("Retry-After", value))
        return response

    @staticmethod
    def _reshape(response: Response, fault: Fault | None) -> Response:
        if fault is None:
            return response
        if fault.fault == "malformed_json":
            body = response.body.rstrip()
            response.body = body[:-1] + b",}" if body.endswith(b"}") else body + b",}"
        elif fault.fault == "truncated_json":
            response.body = response.body[: max(1, len(response.body) // 2)]
        elif fault.fault == "reset":
            response.abort_after = max(1, len(response.body) // 3)
        return response
