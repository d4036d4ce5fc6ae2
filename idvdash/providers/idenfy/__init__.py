"""iDenfy (IVS): REST with HTTP basic auth; list, status, and three live reads."""

from datetime import timedelta

from idvdash.providers.spec import Credentials, Provider, RateLimit, ScanPolicy

from . import backfill, detail, normalise, traits, webhooks
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
    # 10,000 requests per hour per account (idenfy-equals.md §1.7).
    rate_limits=(RateLimit(10_000, 3600),),
    superseded=webhooks.superseded,
    # Its list's order is not documented (newest first in practice); its webhooks carry
    # every change, and a full scan of a large account spends its hourly request budget.
    scans=ScanPolicy(recent_pages=3, full_every=timedelta(hours=24)),
    times_note="Not given by iDenfy's list — opening the record reads it from iDenfy",
    # Its list gives no times; one full status per record does (backfill.py).
    backfill=backfill.times,
    live_traits=traits.live_traits,
)
