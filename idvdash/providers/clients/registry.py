"""Build the right client for a ProviderAccount."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings

from idvdash.providers.kinds import SPECS, ProviderKind

from .base import ProviderAccountLike, ProviderResponseError, VerificationClient, read_credentials
from .equals import EqualsClient
from .http import build_session
from .idenfy import IdenfyClient
from .stora import StoraClient
from .swan import SwanClient

CLIENTS: dict[str, type] = {
    ProviderKind.IDENFY: IdenfyClient,
    ProviderKind.EQUALS: EqualsClient,
    ProviderKind.SWAN: SwanClient,
    ProviderKind.STORA: StoraClient,
}

# Every POST these clients send is a read: iDenfy retrieval endpoints, GraphQL queries,
# OAuth2 token requests. Equals is read with GET only.
POSTS_ARE_READS = frozenset({ProviderKind.IDENFY, ProviderKind.SWAN, ProviderKind.STORA})


def client_for(
    account: ProviderAccountLike,
    *,
    session: requests.Session | None = None,
    **options: Any,
) -> VerificationClient:
    """Return a client for the account; blank URLs fall back to the kind's documented defaults.

    Without a session the client builds one and closes it in close(). options are
    passed to the client (page sizes, e.g. per_page for iDenfy).
    """
    spec = SPECS.get(account.kind)
    if spec is None:
        raise ProviderResponseError(
            f"Account '{account.name}' has an unknown provider kind {account.kind!r}.",
            account=account.name,
        )
    label = ProviderKind(account.kind).label
    credentials = read_credentials(account, provider=label, required=spec.required)
    owns_session = session is None
    if session is None:
        session = build_session(
            provider=account.kind,
            allowed_post=account.kind in POSTS_ARE_READS,
            retries=settings.PROVIDER_HTTP["RETRIES"],
            backoff=settings.PROVIDER_HTTP["BACKOFF"],
            timeout=(
                settings.PROVIDER_HTTP["CONNECT_TIMEOUT"],
                settings.PROVIDER_HTTP["READ_TIMEOUT"],
            ),
        )
    return CLIENTS[account.kind](
        account_name=account.name,
        base_url=account.base_url or spec.base_url,
        token_url=account.token_url or spec.token_url or "",
        credentials=credentials,
        session=session,
        owns_session=owns_session,
        **options,
    )
