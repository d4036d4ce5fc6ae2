from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.http import HttpRequest

from .audit import record_admin_reset
from .models import SignInEvent


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """The sign-in audit: admins read it; nobody adds, changes or deletes an entry."""

    list_display = ["at", "kind", "username", "method", "ip_address", "detail"]
    list_filter = ["kind", "method", "at"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in SignInEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# allauth's own admin shows an authenticator's data (its encrypted secret): ours does not.
# Deleting one here is how an admin resets a second factor (a lost phone); the person
# is then asked to enrol a new one at the next sign-in.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    raw_id_fields = ["user"]
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    exclude = ["data"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        record_admin_reset(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        record_admin_reset(request, list(queryset.select_related("user")))
        super().delete_queryset(request, queryset)
