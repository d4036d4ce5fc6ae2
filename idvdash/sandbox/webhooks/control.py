"""`/_control/webhooks*`: configure the sandbox's webhooks from another process.

- `GET /_control/webhooks` → `{"targets": [{"kind", "url", "secret" (masked)}], "settings",
  "pending"}`
- `POST /_control/webhooks` with `{"kind", "url"[, "secret"]}` → 201 `{"target"}`; the
  secret defaults to `SANDBOX_WEBHOOK_SECRETS[kind]`
- `DELETE /_control/webhooks[?kind=]` → remove every target (or one kind's) and the
  events still waiting for it
- `POST /_control/webhooks/send` with `{"kind", "external_id"[, "event"][,
  "application_id"]}` → 202 `{"queued": [{"kind", "event", "key", "record"}]}`; 404 for
  an unknown record, 400 for anything else wrong (no target, unknown event)
- `GET /_control/webhooks/deliveries[?kind=]` → `{"deliveries": [...]}`, one per attempt;
  `DELETE /_control/webhooks/deliveries` empties the log
- `GET /_control/webhooks/settings` → the delivery settings; `POST` with any of
  `retry_scale`, `max_attempts`, `timeout`, `limit`, `retry_delays` (`{kind: [seconds]}`)
"""

from ..web import Request, Response, json_object, json_response
from .sender import WebhookSender


def handle_webhooks(sender: WebhookSender, req: Request, path: str) -> Response:
    """Serve one `/_control/webhooks*` request (`path` is what follows `/webhooks`)."""
    route = (req.method, path)
    if route == ("GET", ""):
        return json_response(
            200,
            {
                "targets": sender.targets(),
                "settings": sender.settings(),
                "pending": sender.pending(),
            },
        )
    if route == ("DELETE", ""):
        sender.clear(req.param("kind") or None)
        return json_response(200, {"targets": sender.targets()})
    if route == ("GET", "/deliveries"):
        return json_response(200, {"deliveries": sender.deliveries(req.param("kind") or None)})
    if route == ("DELETE", "/deliveries"):
        sender.clear_deliveries()
        return json_response(200, {"deliveries": []})
    if route == ("GET", "/settings"):
        return json_response(200, sender.settings())
    if req.method != "POST" or path not in ("", "/send", "/settings"):
        return json_response(404, {"error": f"no control endpoint {req.method} {req.path}"})
    body = json_object(req)
    if isinstance(body, Response):
        return body
    try:
        if path == "/settings":
            return json_response(200, sender.configure(**body))
        if path == "/send":
            options = (
                {"application_id": body.pop("application_id")} if "application_id" in body else {}
            )
            try:
                queued = sender.send(**body, **options)
            except LookupError as exc:
                return json_response(404, {"error": str(exc)})
            return json_response(202, {"queued": queued})
        return json_response(201, {"target": sender.target(**body)})
    except (TypeError, ValueError) as exc:
        return json_response(400, {"error": str(exc)})
