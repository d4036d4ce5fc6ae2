"""Queues from the list: next case, bulk actions, saved views, navigation counts."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from idvdash.core.http import HtmxHttpRequest
from idvdash.verifications import queries
from idvdash.verifications.forms import VerificationFilterForm
from idvdash.verifications.views.access import permission_required

from .. import bulk, queues, saved_views, services
from ..bulk import BulkForm, SavedViewForm

WORK = services.WORK_PERMISSION
NOTHING_LEFT = "No unassigned case is left in this filter. Widen the filters or try again later."
SAVED = "Saved the view “{name}”."
DELETED = "Deleted the saved view."

work_required = permission_required(WORK)


@require_GET
@work_required
@never_cache
def queue_counts_hx(request: HtmxHttpRequest) -> TemplateResponse:
    senior = services.actor_for(request.user).senior
    counts = queues.nav_counts(request.user, senior=senior)
    return TemplateResponse(request, "reviews/queue_counts.html", {"counts": counts})


@require_POST
@work_required
def next_case(request: HtmxHttpRequest) -> HttpResponse:
    form = VerificationFilterForm(request.POST, user=request.user)
    form.is_valid()
    filters = replace(form.filters(), queue=queues.Queue.UNASSIGNED.value)
    candidates = queries.filter_verifications(filters=filters)
    review = services.next_case(user=request.user, candidates=candidates)
    if review is None:
        messages.info(request, NOTHING_LEFT)
        return _redirect(request, list_url(bulk.filter_query(request.POST)))
    return _redirect(request, reverse("verifications:detail", args=[review.pk]))


@require_POST
@work_required
def bulk_action(request: HtmxHttpRequest) -> TemplateResponse:
    filter_form = VerificationFilterForm(request.POST, user=request.user)
    filter_form.is_valid()
    form = BulkForm(request.POST, user=request.user, filter_form=filter_form)
    context = {"form": form, "back": list_url(bulk.filter_query(request.POST))}
    context["filter_pairs"] = bulk.filter_pairs(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, "reviews/bulk.html", context, status=400)
    plan = bulk.plan(form=form, filter_form=filter_form)
    context["plan"] = plan
    if plan.refusal or not form.cleaned_data["confirm"]:
        return TemplateResponse(
            request, "reviews/bulk.html", context, status=400 if plan.refusal else 200
        )
    context["result"] = bulk.run(user=request.user, plan=plan)
    return TemplateResponse(request, "reviews/bulk.html", context)


@require_POST
@work_required
def saved_view_create(request: HtmxHttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        try:
            view = saved_views.save(user=request.user, name=form.cleaned_data["name"], query=query)
        except services.Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, SAVED.format(name=view.name))
            query = view.query
    else:
        messages.error(request, saved_views.NAME_NEEDED)
    return HttpResponseRedirect(list_url(query))


@require_POST
@work_required
def saved_view_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    try:
        saved_views.delete(user=request.user, pk=pk)
    except services.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, DELETED)
    return HttpResponseRedirect(reverse("verifications:list"))


@require_POST
@work_required
def saved_view_share(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_staff:
        return HttpResponse(saved_views.STAFF_ONLY, status=403, content_type="text/plain")
    try:
        view = saved_views.share(user=request.user, pk=pk, shared=request.POST.get("shared") == "1")
    except services.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"“{view.name}” is {'shared' if view.shared else 'yours only'}.")
    return HttpResponseRedirect(reverse("verifications:list"))


def list_url(query: str) -> str:
    url = reverse("verifications:list")
    return f"{url}?{query}" if query else url


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


urlpatterns = [
    path("queues/counts/", queue_counts_hx, name="queue_counts"),
    path("queues/next/", next_case, name="next_case"),
    path("queues/bulk/", bulk_action, name="bulk"),
    path("views/", saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/delete/", saved_view_delete, name="saved_view_delete"),
    path("views/<int:pk>/share/", saved_view_share, name="saved_view_share"),
]
