"""The sandbox's outgoing webhooks: per-provider events, a sender thread, control routes."""

from .sender import WebhookSender

__all__ = ["WebhookSender"]
