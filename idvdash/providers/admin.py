from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .clients.base import ProviderError
from .clients.registry import client_for
from .forms import ALL_CREDENTIAL_KEYS, ProviderAccountAdminForm
from .models import ProviderAccount


@admin.register(ProviderAccount)
class ProviderAccountAdmin(admin.ModelAdmin):
    form = ProviderAccountAdminForm
    list_display = ["name", "kind", "is_active", "base_url", "credentials_set", "sync_interval"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["credentials_set", "created_at", "updated_at"]
    actions = ["test_connection"]

    def get_fieldsets(self, request: HttpRequest, obj: ProviderAccount | None = None) -> list:
        credential_fields = [f"credential_{key}" for key in ALL_CREDENTIAL_KEYS]
        return [
            (None, {"fields": ["name", "kind", "is_active", "sync_interval"]}),
            ("Endpoints", {"fields": ["base_url", "token_url"]}),
            (
                "Credentials (write-only)",
                {
                    "fields": ["credentials_set", *credential_fields, "clear_credentials"],
                    "description": "Stored values are never shown. Fill a field to replace it.",
                },
            ),
            ("Record", {"fields": ["created_at", "updated_at"]}),
        ]

    @admin.display(description="Credentials set")
    def credentials_set(self, obj: ProviderAccount) -> str:
        if not obj.pk:
            return "—"
        if not obj.credentials_readable:
            return "Unreadable with the configured keys: enter them again"
        return ", ".join(obj.credential_keys_set()) or "none"

    @admin.action(description="Test connection to the provider")
    def test_connection(self, request: HttpRequest, queryset: QuerySet[ProviderAccount]) -> None:
        for account in queryset:
            try:
                client = client_for(account)
                try:
                    result = client.check_connection()
                finally:
                    client.close()
            except ProviderError as err:
                self.message_user(request, f"{account.name}: {err}", messages.ERROR)
            else:
                self.message_user(request, f"{account.name}: {result}", messages.SUCCESS)
