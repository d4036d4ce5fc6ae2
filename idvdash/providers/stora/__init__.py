"""Stora (Public API 2025-09): REST with a bearer token; read incrementally by update time."""

from datetime import timedelta

from idvdash.providers.spec import Credentials, Provider, RateLimit, ScanPolicy

from . import detail, normalise, traits, webhooks
from .client import StoraClient
from .vocabulary import VOCABULARY

PROVIDER = Provider(
    kind=StoraClient.kind,
    label=StoraClient.label,
    client=StoraClient,
    base_url="https://public-api.stora.co",
    token_url="https://public-api.stora.co/oauth2/token",  # noqa: S106 - a URL
    credentials=Credentials(
        required=(("access_token",), ("client_id", "client_secret")),
        optional=("webhook_secret",),
    ),
    normalise=normalise.fields,
    vocabulary=VOCABULARY,
    detail=detail.context,
    live_context=detail.LIVE_CONTEXT,
    live_records=detail.live_records,
    live_traits=traits.live_traits,
    # A contact's metadata holds the operator's own keys: one may be its customer reference.
    metadata_refs=True,
    webhooks=webhooks,
    # Read incrementally by update time; a full read from the start finds deletions.
    scans=ScanPolicy(full_every=timedelta(hours=24)),
    # 10 requests per second and 60 per minute, both at once (swan-stora.md §2.8).
    rate_limits=(RateLimit(10, 1), RateLimit(60, 60)),
)
