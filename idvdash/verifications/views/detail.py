from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from idvdash.core.http import HtmxHttpRequest
from idvdash.people import linking as people_linking
from idvdash.people import queries as people
from idvdash.providers.base import LiveRead
from idvdash.reviews import presenters as case_presenters

from .. import audit, listing, live, presenters
from ..models import Verification, WebhookEvent
from .access import refuse_without_audit, reviewer_required

DETAIL_TEMPLATE = "verifications/verification_detail.html"
WEBHOOK_EVENTS_SHOWN = 10


def _verification_or_404(pk: int) -> Verification:
    verification = Verification.objects.for_detail(pk)
    if verification is None:
        raise Http404("No such verification.")
    return verification


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def verification_detail(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    verification = _verification_or_404(pk)
    audit.record(user=request.user, action=audit.Action.VIEW, verification=verification)
    last_listed = listing.last_listed(verification)
    context = {
        "verification": verification,
        "reasons": presenters.reasons(verification),
        "person_panel": people.panel(verification),
        "may_link": people_linking.may_link(request.user),
        "timeline": presenters.timeline(verification, last_listed=last_listed),
        "last_listed": last_listed,
        "webhook_events": WebhookEvent.objects.changed(verification, limit=WEBHOOK_EVENTS_SHOWN),
        "webhook_events_limit": WEBHOOK_EVENTS_SHOWN,
        "raw_json": presenters.pretty_json(verification.raw),
        "live_reads": {read.value for read in LiveRead if live.offers(verification, read)},
        "case": case_presenters.panel(verification, request.user),
        "case_activity": case_presenters.activity(verification.pk),
        **presenters.provider_context(verification),
    }
    return TemplateResponse(request, DETAIL_TEMPLATE, context)


# Each live read: the audit action it is recorded as, and the partial that shows it.
LIVE_FRAGMENTS = {
    LiveRead.FULL_STATUS: (audit.Action.FULL_STATUS, "live-status"),
    LiveRead.DOCUMENT_DATA: (audit.Action.DATA, "document-data"),
    LiveRead.FILE_LINKS: (audit.Action.FILES, "files"),
}


def _live_fragment(request: HtmxHttpRequest, pk: int, read: LiveRead) -> TemplateResponse:
    """Audit, then read live from the provider, then render one partial of the detail page.

    A record whose provider offers no such read is a 404: no provider call, no audit row.
    """
    verification = Verification.objects.for_live(pk)
    if verification is None or not live.offers(verification, read):
        raise Http404("No such live read for this verification.")
    action, partial = LIVE_FRAGMENTS[read]
    audit.record(user=request.user, action=action, verification=verification)
    result = live.fetch(verification=verification, read=read)
    context = {
        "verification": verification,
        "live": result,
        **live.context(verification, read, result),
    }
    return TemplateResponse(request, f"{DETAIL_TEMPLATE}#{partial}", context)


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def verification_live_status_hx(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    return _live_fragment(request, pk, LiveRead.FULL_STATUS)


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def verification_data_hx(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    return _live_fragment(request, pk, LiveRead.DOCUMENT_DATA)


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def verification_files_hx(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    return _live_fragment(request, pk, LiveRead.FILE_LINKS)
