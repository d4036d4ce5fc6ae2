"""Swan: GraphQL partner API with OAuth2 client credentials; identifications per user."""

from idvdash.providers.spec import Credentials, Provider, RateLimit

from . import detail, normalise, traits, webhooks
from .client import SwanClient
from .vocabulary import VOCABULARY

PROVIDER = Provider(
    kind=SwanClient.kind,
    label=SwanClient.label,
    client=SwanClient,
    base_url="https://api.swan.io/live-partner/graphql",
    token_url="https://oauth.swan.io/oauth2/token",  # noqa: S106 - a URL
    credentials=Credentials(
        required=(("client_id", "client_secret"),), optional=("webhook_secret",)
    ),
    normalise=normalise.fields,
    vocabulary=VOCABULARY,
    detail=detail.context,
    live_context=detail.LIVE_CONTEXT,
    live_records=detail.live_records,
    live_traits=traits.live_traits,
    webhooks=webhooks,
    # 2,000 requests per 5 minutes (swan-stora.md §1.7; Swan counts per IP and endpoint).
    rate_limits=(RateLimit(2_000, 300),),
)
