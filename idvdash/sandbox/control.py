"""`/_control/*`: drive faults and the simulated clock from another process.

- `GET /_control/health` → `{"status": "ok", "now", "size", "seed", "faults"}`
- `GET /_control/faults` → the armed faults
- `POST /_control/faults` with one fault object (or a list) using the keys of
  `FaultController.add` → 201 with the armed faults; 400 `{"error"}` if invalid
- `DELETE /_control/faults` → disarm every fault
- `GET /_control/clock` → `{"now", "offset"}`
- `POST /_control/clock` with `{"advance": seconds}` or `{"reset": true}` → the new time
- `POST /_control/reset` → disarm every fault and reset the clock
- `/_control/webhooks`, `/_control/webhooks/send`, `/_control/webhooks/deliveries`,
  `/_control/webhooks/settings`: point each provider's webhooks at a URL, send an event
  now, read the delivery log, tune retries (see `webhooks/control.py`); webhook faults
  are armed through `/_control/faults` with endpoint `webhook`
"""

from .clock import SimClock, iso_z
from .data import Dataset
from .faults import FaultController
from .limits import RateLimits
from .web import Request, Response, json_object, json_response
from .webhooks import WebhookSender
from .webhooks.control import handle_webhooks


class ControlApi:
    """The control endpoints, mounted under `/_control`."""

    prefix = "/_control"

    def __init__(
        self,
        dataset: Dataset,
        faults: FaultController,
        clock: SimClock,
        webhooks: WebhookSender | None = None,
        limits: RateLimits | None = None,
    ) -> None:
        self.dataset, self.faults, self.clock = dataset, faults, clock
        self.webhooks = webhooks
        self.limits = limits or RateLimits()

    def _clock_body(self) -> dict[str, object]:
        return {"now": iso_z(self.clock.timestamp()), "offset": self.clock.offset}

    def handle(self, req: Request) -> Response:
        """Serve one control request."""
        route = (req.method, req.path.rstrip("/"))
        if self.webhooks is not None and route[1].split("/")[:2] == ["", "webhooks"]:
            return handle_webhooks(self.webhooks, req, route[1].removeprefix("/webhooks"))
        if route == ("GET", "/health"):
            return json_response(
                200,
                {
                    "status": "ok",
                    "size": self.dataset.size,
                    "seed": self.dataset.seed,
                    "faults": len(self.faults.active()),
                    **self._clock_body(),
                },
            )
        if route == ("GET", "/faults"):
            return json_response(200, {"faults": [f.as_dict() for f in self.faults.active()]})
        if route == ("DELETE", "/faults"):
            self.faults.clear()
            return json_response(200, {"faults": []})
        if route == ("POST", "/faults"):
            return self._add_faults(req)
        if route == ("GET", "/clock"):
            return json_response(200, self._clock_body())
        if route == ("POST", "/clock"):
            return self._move_clock(req)
        if route == ("GET", "/rate_limits"):
            return json_response(200, self.limits.as_dict())
        if route == ("POST", "/rate_limits"):
            return self._set_limits(req)
        if route == ("DELETE", "/rate_limits"):
            self.limits.reset()
            return json_response(200, self.limits.as_dict())
        if route == ("POST", "/reset"):
            self.faults.clear()
            self.clock.reset()
            self.limits.reset()
            return json_response(200, {"faults": [], **self._clock_body()})
        return json_response(404, {"error": f"no control endpoint {req.method} {req.path}"})

    def _add_faults(self, req: Request) -> Response:
        try:
            payload = req.json()
        except (ValueError, UnicodeDecodeError):
            return json_response(400, {"error": "body must be JSON"})
        items = payload if isinstance(payload, list) else [payload]
        armed = []
        for item in items:
            if not isinstance(item, dict):
                return json_response(400, {"error": "each fault must be a JSON object"})
            try:
                armed.append(self.faults.add(**item))
            except (TypeError, ValueError) as exc:
                return json_response(400, {"error": str(exc)})
        return json_response(201, {"faults": [f.as_dict() for f in armed]})

    def _move_clock(self, req: Request) -> Response:
        payload = json_object(req)
        if isinstance(payload, Response):
            return payload
        if payload.get("reset"):
            self.clock.reset()
        elif isinstance(payload.get("advance"), int | float) and payload["advance"] >= 0:
            self.clock.advance(payload["advance"])
        else:
            return json_response(400, {"error": 'send {"advance": seconds} or {"reset": true}'})
        return json_response(200, self._clock_body())

    def _set_limits(self, req: Request) -> Response:
        payload = json_object(req)
        if isinstance(payload, Response):
            return payload
        unknown = set(payload) - {"enforce", "limits"}
        limits = payload.get("limits")
        if unknown or not payload or not isinstance(limits, dict | None):
            return json_response(
                400, {"error": 'send {"enforce": bool, "limits": {kind: [...]}} (either key)'}
            )
        try:
            self.limits.configure(enforce=payload.get("enforce"), limits=limits)
        except ValueError as exc:
            return json_response(400, {"error": str(exc)})
        return json_response(200, self.limits.as_dict())
