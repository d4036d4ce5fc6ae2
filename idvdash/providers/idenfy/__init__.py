"""iDenfy (IVS): REST with HTTP basic auth; list, status, and three live reads."""

from idvdash.providers.spec import Credentials, Provider

from . import detail, normalise, webhooks
from .client import IdenfyClient
from .vocabulary import VOCABULARY

PROVIDER = Provider(
    kind=IdenfyClient.kind,
    label=IdenfyClient.label,
    client=IdenfyClient,
    base_url="https://ivs.idenfy.com",
    token_url=None,
    credentials=Credentials(
        required=(("api_key", "api_secret"),), optional=("webhook_signing_key",)
    ),
    normalise=normalise.fields,
    vocabulary=VOCABULARY,
    detail=detail.context,
    reason_categories=detail.reason_categories,
    live_context=detail.LIVE_CONTEXT,
    times_from_detail=normalise.times_from_detail,
    webhooks=webhooks,
    superseded=webhooks.superseded,
    times_note="Not given by iDenfy's list — opening the record reads it from iDenfy",
)
