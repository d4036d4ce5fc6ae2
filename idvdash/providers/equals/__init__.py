"""Equals Money: REST with an API key; guided identity verification sessions."""

from datetime import timedelta

from idvdash.providers.spec import Credentials, Provider, ScanPolicy

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
    # Sessions are listed newest first (createdAt desc) and there is no changed-since
    # filter: recent pages often, the whole list (which finds deletions) less often.
    scans=ScanPolicy(recent_pages=3, full_every=timedelta(hours=6)),
    # Equals documents no rate limit (idenfy-equals.md §2.7): none unless an account sets one.
)
