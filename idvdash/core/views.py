from django.db.models import Count
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from idvdash.core.http import HtmxHttpRequest
from idvdash.verifications.models import Verification

VIEW_VERIFICATIONS = "verifications.view_verification"


@require_GET
def overview(request: HtmxHttpRequest) -> TemplateResponse:
    can_review = request.user.has_perm(VIEW_VERIFICATIONS)
    totals = []
    if can_review:
        totals = list(
            Verification.objects.values("provider", "outcome")
            .annotate(n=Count("id"))
            .order_by("provider", "outcome")
        )
    return TemplateResponse(
        request, "core/overview.html", {"can_review": can_review, "totals": totals}
    )
