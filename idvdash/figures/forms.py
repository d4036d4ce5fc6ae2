"""The Overview's period and scope: validated GET values; a bad one is a form error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import ProviderKind
from idvdash.verifications.forms import AccountChoiceField

from .read import DEFAULT_PERIOD, PERIODS, Scope

NOT_THIS_PROVIDER = "That account is not one of the chosen provider's; choose either."


class OverviewForm(forms.Form):
    period = forms.TypedChoiceField(
        label="Period",
        coerce=int,
        required=False,
        empty_value=DEFAULT_PERIOD,
        choices=[(days, f"Last {days} days") for days in PERIODS],
        initial=DEFAULT_PERIOD,
    )
    provider = forms.ChoiceField(
        required=False, choices=[("", "All providers"), *ProviderKind.choices]
    )
    account = AccountChoiceField(
        required=False,
        # Names and kinds only: loading a whole account decrypts its credentials.
        queryset=ProviderAccount.objects.only("pk", "name", "kind").order_by("name"),
        empty_label="All accounts",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        account, provider = data.get("account"), data.get("provider")
        if account is not None and provider and account.kind != provider:
            self.add_error("account", forms.ValidationError(NOT_THIS_PROVIDER, code="mismatch"))
        return data

    def selects(self, scope: Scope) -> list[dict[str, Any]]:
        """The three selects as plain options, the scope's chosen: the page renders them
        without Django's widget templates, which cost more than the charts."""
        account = scope.account.pk if scope.account is not None else ""
        chosen = {"period": str(scope.days), "provider": scope.provider, "account": str(account)}
        selects = []
        for name in ("period", "provider", "account"):
            field = self[name]
            options = [
                (str(value), label, str(value) == chosen[name])
                for value, label in field.field.choices
            ]
            selects.append(
                {"field": field, "name": name, "options": options, "errors": field.errors}
            )
        return selects

    def scope(self) -> Scope:
        """The scope of the fields that validated; the defaults for the others."""
        data = getattr(self, "cleaned_data", {})
        return Scope(
            days=data.get("period") or DEFAULT_PERIOD,
            today=timezone.now().date(),
            provider=data.get("provider") or "",
            account=data.get("account"),
        )
