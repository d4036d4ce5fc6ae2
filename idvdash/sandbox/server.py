"""Serve the sandbox over HTTP from a background thread (or the foreground)."""

import socket
import struct
import sys
import threading
import time
from datetime import datetime
from socketserver import ThreadingMixIn
from types import TracebackType
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from .app import AbortConnection, SandboxApp
from .clock import DEFAULT_ANCHOR, SimClock
from .data import Dataset
from .faults import FaultController
from .limits import RateLimits
from .tokens import TokenStore
from .webhooks import WebhookSender


class _Handler(ServerHandler):
    """wsgiref's handler, plus a hard connection reset on `AbortConnection`."""

    request_handler: "WSGIRequestHandler"

    def handle_error(self) -> None:
        """Reset the connection for the `reset` fault; otherwise behave as wsgiref does."""
        if isinstance(sys.exc_info()[1], AbortConnection):
            self._reset()
            return
        super().handle_error()

    def _reset(self) -> None:
        conn = self.request_handler.connection
        try:
            self.request_handler.wfile.flush()
            # Give the client time to read the headers and the partial body.
            time.sleep(0.05)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        conn.close()
        self.request_handler.close_connection = True


class _RequestHandler(WSGIRequestHandler):
    """Quiet request handler using `_Handler`."""

    def log_message(self, format: str, *args: object) -> None:
        """Log nothing (tests and the demo stay quiet)."""

    def handle(self) -> None:
        """Handle one request (wsgiref's code, with our ServerHandler)."""
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536 or not self.parse_request():
            return
        handler = _Handler(
            self.rfile, self.wfile, self.get_stderr(), self.get_environ(), multithread=True
        )
        handler.request_handler = self
        handler.run(self.server.get_app())


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class SandboxServer:
    """The provider sandbox on one loopback port; start() serves it in a daemon thread."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        size: int = 200,
        seed: int = 1,
        anchor: datetime = DEFAULT_ANCHOR,
        realtime: bool = False,
        rate_limits: bool = False,
    ) -> None:
        self.host = host
        self.clock = SimClock(anchor, realtime=realtime)
        self.dataset = Dataset(size=size, seed=seed, clock=self.clock)
        self.faults = FaultController()
        self.tokens = TokenStore(self.clock)
        self._stopping = threading.Event()
        # Outgoing webhooks: `server.webhooks.target(kind, url, secret)` (see `webhooks/`).
        self.webhooks = WebhookSender(self.dataset, self.clock, self.faults)
        # Each provider's documented limits, enforced with `rate_limits` (see `limits.py`).
        self.rate_limits = RateLimits(enforce=rate_limits)
        self.app = SandboxApp(
            self.dataset,
            self.faults,
            self.clock,
            self.tokens,
            self._stopping,
            self.webhooks,
            self.rate_limits,
        )
        self._httpd = _ThreadingServer((host, port), _RequestHandler)
        self._httpd.set_app(self.app)
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the server root, e.g. `http://127.0.0.1:8001`."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_urls(self) -> dict[str, str]:
        """Return each provider kind's base_url as idvdash accounts store it."""
        return {
            "idenfy": f"{self.url}/idenfy",
            "equals": f"{self.url}/equals/v2",
            "swan": f"{self.url}/swan/graphql",
            "stora": f"{self.url}/stora",
        }

    @property
    def token_urls(self) -> dict[str, str]:
        """Return the OAuth2 token URLs of Swan and Stora."""
        return {"swan": f"{self.url}/swan/oauth2/token", "stora": f"{self.url}/stora/oauth2/token"}

    def start(self) -> "SandboxServer":
        """Serve (and send webhooks) in background daemon threads; return self."""
        self.webhooks.start()
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"sandbox-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (webhooks go from a daemon thread)."""
        self.webhooks.start()
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop sending webhooks and serving, and close the listening socket."""
        self._stopping.set()
        self.webhooks.stop()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
