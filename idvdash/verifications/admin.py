"""Read-only admin for the mirror, its sync runs and the audit trail.

Rows are written by the sync service and the reviewer views only; here admins look.
Opening a verification in the admin shows personal data, so it is audited like the
reviewer detail page.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from . import audit, webhooks
from .models import AccessEvent, SyncRun, Verification, WebhookEvent
from .querysets import search_condition


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = [
        "external_id",
        "provider",
        "account",
        "subject_ref",
        "outcome",
        "raw_status",
        "suspected",
        "provider_updated_at",
        "changed_at",
    ]
    list_filter = ["provider", "outcome", "suspected", "account"]
    list_select_related = ["account"]
    search_fields = ["external_id", "subject_ref"]
    search_help_text = "Subject or external id: exact or the start of it, any case."
    ordering = ["-changed_at", "-id"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # The reviewer list's search, which walks the indexes (admin's icontains cannot).
        return queryset.filter(search_condition(search_term)), False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        verification = self.get_object(request, object_id)
        if verification is not None and self.has_view_permission(request, verification):
            audit.record(user=request.user, action=audit.Action.VIEW, verification=verification)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = [
        "account",
        "state",
        "trigger",
        "queued_at",
        "started_at",
        "finished_at",
        "pages",
        "created",
        "updated",
        "unchanged",
    ]
    list_filter = ["state", "account", "trigger"]
    list_select_related = ["account"]
    search_fields = ["account__name", "error", "note"]
    ordering = ["-queued_at", "-id"]


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "verification", "rows"]
    list_filter = ["action", "at", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "verification"]
    search_fields = ["user__username", "=verification__external_id"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    raw_id_fields = ["verification", "user"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "account",
        "event_type",
        "reference",
        "state",
        "attempts",
        "next_attempt_at",
        "error",
    ]
    list_filter = ["state", "account", "event_type"]
    list_select_related = ["account"]
    search_fields = ["=key", "=reference"]
    ordering = ["-received_at", "-id"]
    exclude = ["changed"]
    actions = ["process_again"]

    @admin.action(description="Process again now")
    def process_again(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        states = [
            webhooks.process(event_id=pk, force=True)
            for pk in queryset.values_list("pk", flat=True)
        ]
        done = states.count(WebhookEvent.State.PROCESSED)
        failed = states.count(WebhookEvent.State.FAILED)
        level = messages.ERROR if failed else messages.SUCCESS
        self.message_user(request, f"{done} processed, {failed} failed again.", level)
