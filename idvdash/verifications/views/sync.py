"""The Sync page: each account's last run, live progress, and "Sync now" for admins."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from idvdash.core.http import HtmxHttpRequest
from idvdash.providers.models import ProviderAccount

from .. import sync
from ..models import SyncRun
from .access import permission_required, staff_required

SYNC_VIEW_PERMISSION = "verifications.view_syncrun"
QUEUED_MESSAGE = "Sync of {account} queued; progress shows below."


@require_GET
@permission_required(SYNC_VIEW_PERMISSION)
@vary_on_headers("HX-Request")
def sync_status(request: HtmxHttpRequest) -> HttpResponse:
    rows = SyncRun.objects.overview()
    template = "verifications/sync_status.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#sync-status"
    return TemplateResponse(
        request,
        template,
        {
            "rows": rows,
            "active": any(row["run"] and row["run"].is_active for row in rows),
            "can_run": request.user.is_staff,
        },
    )


@require_POST
@staff_required
def sync_now(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(ProviderAccount, pk=pk)
    try:
        sync.enqueue_run(account=account, trigger=f"button:{request.user.pk}")
        messages.success(request, QUEUED_MESSAGE.format(account=account.name))
    except sync.SyncRefused as err:
        messages.error(request, str(err))
    return redirect("sync:status")
