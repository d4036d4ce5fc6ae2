"""Bearer tokens issued by the Swan and Stora token endpoints, expiring on simulated time."""

import secrets
import threading
from dataclasses import dataclass

from .clock import SimClock


@dataclass(frozen=True)
class Grant:
    """One issued access token."""

    provider: str
    expires_at: int
    scopes: tuple[str, ...]


class TokenStore:
    """Issue and check opaque access tokens (thread-safe)."""

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._grants: dict[str, Grant] = {}

    def issue(
        self,
        provider: str,
        ttl: int,
        scopes: tuple[str, ...] = (),
        *,
        expired: bool = False,
        prefix: str = "",
    ) -> str:
        """Issue a token; with `expired` it is already expired when handed out."""
        token = prefix + secrets.token_urlsafe(32)
        expires = self.clock.timestamp() + (-1 if expired else ttl)
        with self._lock:
            self._grants[token] = Grant(provider, expires, scopes)
        return token

    def grant(self, provider: str, token: str) -> Grant | None:
        """Return the grant for a token of `provider`, or None if unknown."""
        with self._lock:
            grant = self._grants.get(token)
        return grant if grant and grant.provider == provider else None

    def is_expired(self, grant: Grant) -> bool:
        """Tell whether a grant has expired on the simulated clock."""
        return self.clock.timestamp() >= grant.expires_at
