import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from .errors import ProviderError
from .forms import ProviderAccountAdminForm, credential_keys
from .models import ProviderAccount
from .ratelimit import BACKGROUND_SHARE, Priority, as_json
from .registry import PROVIDERS, client_for


def _scans_help(kind: str | None) -> str:
    """Say how an account of `kind` is read when it sets nothing of its own."""
    known = PROVIDERS.get(kind or "")
    if known is None:
        return "Empty fields: the provider's defaults."
    policy = known.scans
    if known.client.incremental:
        pages = "reads what changed since the last sync"
    elif policy.recent_pages:
        pages = f"reads its {policy.recent_pages} newest pages"
    else:
        pages = "reads the whole list"
    full = (
        f"; the whole list every {policy.full_every}"
        if policy.full_every and (policy.recent_pages or known.client.incremental)
        else ""
    )
    return f"Empty fields: each scheduled sync of {known.label} {pages}{full}."


def _limits_help(kind: str | None) -> str:
    """Say which limits an account of `kind` keeps to when it sets none of its own."""
    known = PROVIDERS.get(kind or "")
    if known is None:
        return "Empty: the provider's documented limits."
    if not known.rate_limits:
        return f"Empty: no limit ({known.label} documents none)."
    documented = " and ".join(str(limit) for limit in known.rate_limits)
    return format_html(
        "Empty: {provider}'s documented limits, {documented}: <code>{json}</code>. "
        "Every process (web, workers, scheduler) shares them; background work uses at most "
        "{share}, the rest is kept for reviewers' live reads.",
        provider=known.label,
        documented=documented,
        json=json.dumps(as_json(known.rate_limits)),
        share=f"{BACKGROUND_SHARE:.0%}",
    )


def _people_fieldset(kind: str | None) -> list[tuple[str, dict]]:
    """The customer reference key, for providers whose people carry a metadata map."""
    known = PROVIDERS.get(kind or "")
    if known is None or not known.metadata_refs:
        return []
    return [
        (
            "People",
            {
                "fields": ["customer_ref_key"],
                "description": (
                    f"{known.label} keeps a map of your own keys and values on each person. "
                    "Name the key that holds your customer reference, if you set one."
                ),
            },
        )
    ]


@admin.register(ProviderAccount)
class ProviderAccountAdmin(admin.ModelAdmin):
    form = ProviderAccountAdminForm
    list_display = ["name", "kind", "is_active", "base_url", "credentials_set", "sync_interval"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["credentials_set", "created_at", "updated_at"]
    actions = ["test_connection"]

    def get_readonly_fields(self, request: HttpRequest, obj: ProviderAccount | None = None):
        # An account's rows belong to its provider: the kind is chosen once, when adding.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "kind"] if obj is not None else fields

    def get_fieldsets(self, request: HttpRequest, obj: ProviderAccount | None = None) -> list:
        kind = obj.kind if obj is not None else request.POST.get("kind", request.GET.get("kind"))
        credential_fields = [f"credential_{key}" for key in credential_keys(kind)]
        return [
            (None, {"fields": ["name", "kind", "is_active", "sync_interval"]}),
            (
                "Scans",
                {
                    "fields": ["recent_pages", "full_scan_interval"],
                    "description": _scans_help(kind),
                },
            ),
            ("Endpoints", {"fields": ["base_url", "token_url"]}),
            *_people_fieldset(kind),
            (
                "Credentials (write-only)",
                {
                    "fields": ["credentials_set", *credential_fields, "clear_credentials"],
                    "description": "Stored values are never shown. Fill a field to replace it.",
                },
            ),
            ("Webhooks", {"fields": [], "description": self._webhook_help(request, obj)}),
            ("Rate limits", {"fields": ["rate_limits"], "description": _limits_help(kind)}),
            ("Record", {"fields": ["created_at", "updated_at"]}),
        ]

    def _webhook_help(self, request: HttpRequest, obj: ProviderAccount | None) -> str:
        """Where the provider must send this account's webhooks, and whether they can be checked."""
        if obj is None:
            return "Save the account to see the address its provider's webhooks go to."
        known = PROVIDERS.get(obj.kind)
        if known is None or known.webhooks is None:
            return "This provider sends no webhooks idvdash can receive."
        credential = known.webhooks.CREDENTIAL
        url = request.build_absolute_uri(reverse("webhook", args=[obj.name]))
        secret_set = credential in obj.credential_keys_set()
        state = (
            "is set: deliveries are checked with it and accepted."
            if secret_set
            else "is not set: every delivery is refused (403) until it is."
        )
        return format_html(
            "Paste this address into {provider}'s webhook settings: <code>{url}</code>"
            "<br>The webhook secret ({credential}) {state}",
            provider=known.label,
            url=url,
            credential=credential,
            state=state,
        )

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """Ask for the provider first, so the form offers only that provider's keys."""
        if request.method == "GET" and request.GET.get("kind") not in PROVIDERS:
            if not self.has_add_permission(request):
                raise PermissionDenied
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Add provider account: which provider?",
                "providers": PROVIDERS.values(),
            }
            return TemplateResponse(request, "admin/providers/choose_kind.html", context)
        return super().add_view(request, form_url, extra_context)

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
                # An admin is waiting on the answer: a live read's priority.
                client = client_for(account, priority=Priority.LIVE)
                try:
                    result = client.check_connection()
                finally:
                    client.close()
            except ProviderError as err:
                self.message_user(request, f"{account.name}: {err}", messages.ERROR)
            else:
                self.message_user(request, f"{account.name}: {result}", messages.SUCCESS)
