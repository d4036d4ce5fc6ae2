from django.contrib import admin

from .models import Erasure, PurgeRun


class ReadOnly(admin.ModelAdmin):
    """Records of what idvdash did: read, never changed (or added) by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PurgeRun)
class PurgeRunAdmin(ReadOnly):
    list_display = ["queued_at", "trigger", "started_at", "finished_at", "counts", "errors"]
    list_filter = ["trigger"]
    date_hierarchy = "queued_at"


@admin.register(Erasure)
class ErasureAdmin(ReadOnly):
    list_display = ["at", "by", "subjects", "verifications", "counts"]
    fields = ["at", "by", "person", "reason", "subjects", "verifications", "counts"]
    readonly_fields = fields
