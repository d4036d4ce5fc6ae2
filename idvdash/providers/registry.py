"""Every provider idvdash knows, by kind: the one place that lists them.

Adding a provider means adding its package (`idvdash/providers/<kind>/`, building a
`Provider`) and one line in PROVIDERS below. Everything else asks this module.
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.db import models

from . import equals, idenfy, stora, swan
from .base import ProviderAccountLike, ProviderClient, read_credentials
from .errors import ProviderResponseError
from .http import build_session
from .ratelimit import Budget, Priority, limits_for
from .spec import Provider

PROVIDERS: dict[str, Provider] = {
    provider.kind: provider
    for provider in (idenfy.PROVIDER, equals.PROVIDER, swan.PROVIDER, stora.PROVIDER)
}

# The kinds as model choices (ProviderKind.IDENFY == "idenfy", .label == "iDenfy").
ProviderKind = models.TextChoices(
    "ProviderKind", [(kind.upper(), (kind, p.label)) for kind, p in PROVIDERS.items()]
)


def provider(kind: str) -> Provider:
    """Return the provider of `kind`; KeyError for a kind idvdash does not know."""
    return PROVIDERS[kind]


def label(kind: str) -> str:
    """Return the provider's name for people; an unknown kind is shown as it is."""
    known = PROVIDERS.get(kind)
    return known.label if known else kind


def time_not_given(kind: str) -> str:
    """Return how a page says that the provider did not give a time (and how to learn it)."""
    known = PROVIDERS.get(kind)
    return known.time_not_given if known else f"Not given by {kind}"


def client_for(
    account: ProviderAccountLike,
    *,
    session: requests.Session | None = None,
    priority: Priority = Priority.BACKGROUND,
    **options: Any,
) -> ProviderClient:
    """Return a client for the account; blank URLs fall back to the kind's documented defaults.

    Without a session the client builds one and closes it in close(). options are
    passed to the client (page sizes, e.g. per_page for iDenfy). Every request of a
    saved account passes its shared budget (`ratelimit.py`) with `priority`: LIVE for
    a reviewer waiting on the answer, BACKGROUND for everything else.
    """
    spec = PROVIDERS.get(account.kind)
    if spec is None:
        raise ProviderResponseError(
            f"Account '{account.name}' has an unknown provider kind {account.kind!r}.",
            account=account.name,
        )
    credentials = read_credentials(account, provider=spec.label, required=spec.credentials.required)
    owns_session = session is None
    if session is None:
        session = build_session(
            provider=account.kind,
            allowed_post=spec.client.posts_are_reads,
            retries=settings.PROVIDER_HTTP["RETRIES"],
            backoff=settings.PROVIDER_HTTP["BACKOFF"],
            timeout=(
                settings.PROVIDER_HTTP["CONNECT_TIMEOUT"],
                settings.PROVIDER_HTTP["READ_TIMEOUT"],
            ),
        )
    throttle = None
    if getattr(account, "pk", None) is not None:
        throttle = Budget(
            account_id=account.pk,
            account=account.name,
            provider=spec.label,
            limits=limits_for(account, defaults=spec.rate_limits),
            priority=priority,
        )
    return spec.client(
        account_name=account.name,
        throttle=throttle,
        base_url=account.base_url or spec.base_url,
        token_url=account.token_url or spec.token_url or "",
        credentials=credentials,
        session=session,
        owns_session=owns_session,
        customer_ref_key=_customer_ref_key(account),
        **options,
    )


def _customer_ref_key(account: ProviderAccountLike) -> str:
    """The account's metadata key for its customer reference ("" for none).

    A caller that loaded the account with only some columns (a live read) and left this
    one out gets "": the client never costs a query of its own for it.
    """
    if isinstance(account, models.Model) and "customer_ref_key" in account.get_deferred_fields():
        return ""
    key = getattr(account, "customer_ref_key", "")
    return key if isinstance(key, str) else ""
