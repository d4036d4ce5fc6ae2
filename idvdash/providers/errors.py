"""The errors every provider call raises: one family, messages safe to show and log."""

from __future__ import annotations

from collections.abc import Iterable

EXCERPT_LENGTH = 500
REDACTED = "[redacted]"


class ProviderError(Exception):
    """A provider call failed; str() is one sentence that names the account, never a secret."""

    def __init__(
        self,
        message: str,
        *,
        account: str,
        status: int | None = None,
        request_id: str | None = None,
        body: str = "",
        secrets: Iterable[str] = (),
    ) -> None:
        self.account = account
        self.status = status
        self.request_id = request_id
        self.body = redact(body, secrets)[:EXCERPT_LENGTH]
        self.message = redact(message, secrets)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ProviderUnavailable(ProviderError):
    """Network failure, timeout, or 5xx after the retries ran out."""


class ProviderAuthError(ProviderError):
    """Credentials missing, unreadable, or refused (401/403)."""


class ProviderRateLimited(ProviderError):
    """429 after the retries ran out."""


class ProviderResponseError(ProviderError):
    """An answer we cannot use: bad JSON, unexpected shape, GraphQL errors, other 4xx."""


def redact(text: str, secrets: Iterable[str]) -> str:
    """Return text with every secret value (of four characters or more) replaced."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text
