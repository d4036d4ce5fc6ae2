from __future__ import annotations

from collections.abc import Callable

from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from idvdash.core.http import HtmxHttpRequest
from idvdash.providers.kinds import ProviderKind

from .. import audit, live, presenters
from ..models import Verification
from ..querysets import SAME_SUBJECT_LIMIT
from .access import refuse_without_audit, reviewer_required

DETAIL_TEMPLATE = "verifications/verification_detail.html"


def _verification_or_404(pk: int) -> Verification:
    verification = Verification.objects.for_detail(pk)
    if verification is None:
        raise Http404("No such verification.")
    return verification


def _idenfy_verification_or_404(pk: int) -> Verification:
    verification = Verification.objects.for_live(pk, provider=ProviderKind.IDENFY)
    if verification is None:
        raise Http404("No such iDenfy verification.")
    return verification


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def verification_detail(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    verification = _verification_or_404(pk)
    audit.record(user=request.user, action=audit.Action.VIEW, verification=verification)
    context = {
        "verification": verification,
        "reasons": presenters.reasons(verification),
        "same_subject": Verification.objects.same_subject_as(verification),
        "same_subject_limit": SAME_SUBJECT_LIMIT,
        "timeline": presenters.timeline(verification),
        "raw_json": presenters.pretty_json(verification.raw),
    }
    match verification.provider:
        case ProviderKind.IDENFY:
            context["checks"] = presenters.idenfy_checks(verification.raw)
        case ProviderKind.SWAN:
            context["levels"] = presenters.swan_levels(verification)
        case ProviderKind.EQUALS:
            context["facts"] = presenters.equals_facts(verification)
        case ProviderKind.STORA:
            context["facts"] = presenters.stora_facts(verification)
    return TemplateResponse(request, DETAIL_TEMPLATE, context)


def _live_fragment(
    request: HtmxHttpRequest,
    pk: int,
    *,
    action: audit.Action,
    fetch: Callable[..., live.LiveResult],
    partial: str,
    shown: Callable[[live.LiveResult], dict[str, object]],
) -> TemplateResponse:
    """Audit, then read live from iDenfy, then render one partial of the detail page."""
    verification = _idenfy_verification_or_404(pk)
    audit.record(user=request.user, action=action, verification=verification)
    result = fetch(verification=verification)
    context = {"verification": verification, "live": result, **shown(result)}
    return TemplateResponse(request, f"{DETAIL_TEMPLATE}#{partial}", context)


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def verification_live_status_hx(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    return _live_fragment(
        request,
        pk,
        action=audit.Action.FULL_STATUS,
        fetch=live.fetch_full_status,
        partial="live-status",
        shown=lambda result: {"full": presenters.full_status(result.data)},
    )


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def verification_data_hx(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    return _live_fragment(
        request,
        pk,
        action=audit.Action.DATA,
        fetch=live.fetch_data,
        partial="document-data",
        shown=lambda result: {"rows": presenters.facts(result.data)},
    )


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def verification_files_hx(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    return _live_fragment(
        request,
        pk,
        action=audit.Action.FILES,
        fetch=live.fetch_files,
        partial="files",
        shown=lambda result: {"links": presenters.file_links(result.data)},
    )
