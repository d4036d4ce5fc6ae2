from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from idvdash.core.http import HtmxHttpRequest
from idvdash.verifications.models import Verification

VIEW_VERIFICATIONS = "verifications.view_verification"


@login_not_required
@require_GET
def healthz(request: HtmxHttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers; touches no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def overview(request: HtmxHttpRequest) -> TemplateResponse:
    can_review = request.user.has_perm(VIEW_VERIFICATIONS)
    totals = Verification.objects.outcome_totals() if can_review else []
    return TemplateResponse(
        request, "core/overview.html", {"can_review": can_review, "totals": totals}
    )
