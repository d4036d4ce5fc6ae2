"""Equals Money: REST with an API key; guided identity verification sessions."""

from idvdash.providers.spec import Credentials, Provider

from . import detail, normalise, webhooks
from .client import EqualsClient
from .vocabulary import VOCABULARY

PROVIDER = Provider(
    kind=EqualsClient.kind,
    label=EqualsClient.label,
    client=EqualsClient,
    base_url="https://api.equalsmoney.com/v2",
    token_url=None,
    credentials=Credentials(required=(("api_key",),), optional=("webhook_secret",)),
    normalise=normalise.fields,
    vocabulary=VOCABULARY,
    detail=detail.context,
    webhooks=webhooks,
    # Equals documents no rate limit (idenfy-equals.md §2.7): none unless an account sets one.
)
