"""What admins maintain for case work: tags, decision categories, service levels and
shared saved views. The activity timeline is shown read-only: it is append-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Activity, DecisionCategory, SavedView, ServiceLevel, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)


@admin.register(DecisionCategory)
class DecisionCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "active")
    list_filter = ("active",)


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ("outcome", "hours")


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "shared", "created_at")
    list_filter = ("shared",)
    list_editable = ("shared",)
    search_fields = ("name",)
    raw_id_fields = ("owner",)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("verification_id", "kind", "actor", "at")
    list_filter = ("kind",)
    list_select_related = ("actor",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
