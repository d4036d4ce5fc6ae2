from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from idvdash.core.http import HtmxHttpRequest
from idvdash.figures import drawn as figures_drawn
from idvdash.figures import export, health, read
from idvdash.figures.forms import OverviewForm
from idvdash.verifications.views.access import reviewer_required

VIEW_VERIFICATIONS = "verifications.view_verification"
VIEW_SYNC = "verifications.view_syncrun"


@login_not_required
@require_GET
def healthz(request: HtmxHttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers; touches no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def overview(request: HtmxHttpRequest) -> TemplateResponse:
    """The Overview: the period's charts, each mark a link to the list of its records."""
    can_review = request.user.has_perm(VIEW_VERIFICATIONS)
    context: dict = {"can_review": can_review}
    if can_review:
        form = OverviewForm(request.GET or None)  # unbound: the defaults show as chosen
        form.is_valid()
        scope = form.scope()
        drawn = figures_drawn.drawn(scope)
        context |= {"form": form, "scope": scope, "drawn": drawn, "data": drawn.data}
        context |= {"cases": read.case_counts(scope), "selects": form.selects(scope)}
        if request.user.has_perm(VIEW_SYNC):
            context["health"] = _health(scope)
    return TemplateResponse(request, "core/overview.html", context)


@require_GET
@reviewer_required
def overview_csv(request: HtmxHttpRequest) -> HttpResponse:
    """Every chart's numbers for the same period and scope, one row per mark."""
    form = OverviewForm(request.GET)
    if not form.is_valid():
        fields = ", ".join(sorted(form.errors))
        return HttpResponse(f"Not valid: {fields}.", status=400, content_type="text/plain")
    scope = form.scope()
    text = export.csv_text(read.overview(scope), read.case_counts(scope))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"idvdash-overview-{scope.today.isoformat()}-{scope.days}d.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _health(scope: read.Scope) -> list:
    """Each account's last sync and its webhooks (one query)."""
    account_id = scope.account.pk if scope.account is not None else None
    return health.accounts(provider=scope.provider, account_id=account_id)
