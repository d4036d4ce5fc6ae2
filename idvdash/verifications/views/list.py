from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from idvdash.core.http import HtmxHttpRequest
from idvdash.people.queries import persons_of_rows
from idvdash.reviews import bulk, queues, saved_views
from idvdash.reviews.services import WORK_PERMISSION

from .. import audit, exports, queries
from ..forms import VerificationFilterForm
from .access import refuse_without_audit, reviewer_required

LIST_TEMPLATE = "verifications/verification_list.html"
CASE_FIELDS = ("queue", "sla", "review_state", "assignee", "tag", "has_notes")
EXPORT_REFUSED = "The export was not started because some filters are not valid"


@require_GET
@reviewer_required
@vary_on_headers("HX-Request")
@never_cache
def verification_list(request: HtmxHttpRequest) -> TemplateResponse:
    form = VerificationFilterForm(request.GET, user=request.user)
    form.is_valid()
    filters = form.filters()
    levels = queues.service_levels()
    qs = queries.filter_verifications(filters=filters, levels=levels)
    cursor = form.page_cursor()
    page = queries.page_after(qs, cursor=cursor, size=queries.PAGE_SIZE)
    queues.mark_rows(page.rows, levels=levels)
    # The rows' persons, and the person a searched ref names (one query).
    searched_person = persons_of_rows(page.rows, search=filters.q or filters.subject)
    if cursor is None and page.next_cursor is None:
        total, capped = len(page.rows), False  # the whole result is on this page
    else:
        total, capped = queries.count_capped(qs, cap=queries.COUNT_CAP)
    template_name = LIST_TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        template_name += "#results"
    context = {"form": form, "filters": filters, "page": page, "cursor": cursor}
    context |= {"searched_person": searched_person}
    context |= {"total": total, "capped": capped, "cap": queries.COUNT_CAP}
    context |= {"saved_views": saved_views.visible_to(request.user), "senior": form.senior}
    context |= {
        "can_work": request.user.has_perm(WORK_PERMISSION),
        "case_fields": [form[name] for name in CASE_FIELDS],
        "filter_pairs": bulk.filter_pairs(request.GET),
    }
    return TemplateResponse(request, template_name, context)


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def verification_export(request: HtmxHttpRequest) -> HttpResponse:
    form = VerificationFilterForm(request.GET, user=request.user)
    if not form.is_valid() and set(form.errors) - {"cursor"}:
        fields = ", ".join(sorted(set(form.errors) - {"cursor"}))
        return HttpResponse(f"{EXPORT_REFUSED}: {fields}.", status=400, content_type="text/plain")
    qs = queries.filter_verifications(filters=form.filters())
    event = audit.record(user=request.user, action=audit.Action.EXPORT)
    lines = exports.csv_lines(qs, on_done=lambda rows: audit.set_rows(event, rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    name = exports.filename(timezone.now())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
