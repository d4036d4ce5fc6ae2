"""The Sync page: each account's last run, live progress, and "Sync now" for admins."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from idvdash.core.http import HtmxHttpRequest
from idvdash.providers.models import ProviderAccount

from . import sync
from .models import SyncRun

VIEW_PERMISSION = "verifications.view_syncrun"
QUEUED_MESSAGE = "Sync of {account} queued; progress shows below."


def sync_overview() -> list[dict]:
    """Every account with its latest run and its latest successful run (three queries)."""
    latest = SyncRun.objects.filter(account=OuterRef("pk")).order_by("-queued_at", "-id")
    accounts = list(
        ProviderAccount.objects.annotate(
            latest_id=Subquery(latest.values("pk")[:1]),
            succeeded_id=Subquery(latest.filter(state=SyncRun.State.SUCCEEDED).values("pk")[:1]),
        )
    )
    runs = SyncRun.objects.in_bulk(
        [pk for a in accounts for pk in (a.latest_id, a.succeeded_id) if pk]
    )
    now = timezone.now()
    rows = []
    for account in accounts:
        last_ok = runs.get(account.succeeded_id)
        run = runs.get(account.latest_id)
        rows.append(
            {
                "account": account,
                "run": run,
                "since": now - (run.finished_at or run.started_at or run.queued_at)
                if run
                else None,
                "data_age": now - last_ok.finished_at if last_ok and last_ok.finished_at else None,
            }
        )
    return rows


@require_GET
@vary_on_headers("HX-Request")
def sync_status(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    rows = sync_overview()
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
def sync_now(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    account = get_object_or_404(ProviderAccount, pk=pk)
    try:
        sync.enqueue_run(account=account, trigger=f"button:{request.user.pk}")
        messages.success(request, QUEUED_MESSAGE.format(account=account.name))
    except sync.SyncRefused as err:
        messages.error(request, str(err))
    return redirect("sync:status")
