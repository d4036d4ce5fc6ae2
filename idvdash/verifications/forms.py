"""The reviewer list's filter bar: validates request.GET; a bad value drops only itself."""

from __future__ import annotations

from typing import Any

from django import forms

from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import ProviderKind

from .models import Outcome
from .queries import Cursor, Filters, Match, Sort
from .querysets import CONTAINS_MIN_LENGTH

MAX_STALE_DAYS = 3650
BAD_CURSOR = "That page link is not valid for this list; showing the first page instead."
BAD_DATE_RANGE = "The end date is before the start date; it was left out."
IGNORED = "Some filter values could not be used and were left out; see the marked fields."
TOO_SHORT_TO_CONTAIN = (
    f"Searching for text anywhere in an id needs at least {CONTAINS_MIN_LENGTH} characters; "
    "use “Starts with” for shorter text."
)

OUTCOME_HELP = (
    "The outcome the provider reports now. A record the provider deleted or archived is "
    "“Deleted”, and keeps its last decision visible: “Deleted at the provider — last "
    "decision: Approved”, or “no decision was made”."
)

STALE_HELP = (
    "Unchanged in idvdash's mirror for at least this many days: no change of status, "
    "outcome or reasons seen since (a time every record has; the providers' own "
    "update times are not given by every list)."
)

SUSPECTED_CHOICES = [("", "Any"), ("yes", "Suspected"), ("no", "Not suspected")]


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProviderAccount) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class VerificationFilterForm(forms.Form):
    ignored_message = IGNORED

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=255,
        help_text=(
            "Subject or external id, any case: the start of it, or with “Contains” "
            f"any part of at least {CONTAINS_MIN_LENGTH} characters."
        ),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Subject or external id"}),
    )
    match = forms.ChoiceField(
        label="Match",
        required=False,
        choices=[(match.value, match.label) for match in Match],
        initial=Match.PREFIX,
    )
    subject = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)
    provider = forms.ChoiceField(
        required=False, choices=[("", "All providers"), *ProviderKind.choices]
    )
    account = AccountChoiceField(
        required=False,
        queryset=ProviderAccount.objects.order_by("name"),
        empty_label="All accounts",
    )
    outcome = forms.MultipleChoiceField(
        required=False,
        choices=Outcome.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=OUTCOME_HELP,
    )
    suspected = forms.ChoiceField(required=False, choices=SUSPECTED_CHOICES)
    updated_from = forms.DateField(
        label="Changed in idvdash's mirror from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    updated_to = forms.DateField(
        label="Changed in idvdash's mirror to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    stale = forms.IntegerField(
        label="Stale for days",
        required=False,
        min_value=1,
        max_value=MAX_STALE_DAYS,
        help_text=STALE_HELP,
        widget=forms.NumberInput(attrs={"placeholder": "days", "inputmode": "numeric"}),
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(sort.value, sort.label) for sort in Sort],
        initial=Sort.UPDATED_DESC,
    )
    cursor = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_cursor(self) -> Cursor | None:
        token = self.cleaned_data.get("cursor")
        if not token:
            return None
        try:
            return Cursor.decode(token)
        except ValueError:
            raise forms.ValidationError(BAD_CURSOR, code="bad_cursor") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = (data.get("q") or "").strip()
        if self.match_value() is Match.CONTAINS and 0 < len(text) < CONTAINS_MIN_LENGTH:
            self.add_error("q", forms.ValidationError(TOO_SHORT_TO_CONTAIN, code="too_short"))
        start, end = data.get("updated_from"), data.get("updated_to")
        if start and end and end < start:
            self.add_error("updated_to", forms.ValidationError(BAD_DATE_RANGE, code="range"))
        cursor = data.get("cursor")
        if cursor is not None and cursor.sort != self.sort_value():
            self.add_error("cursor", forms.ValidationError(BAD_CURSOR, code="bad_cursor"))
        return data

    def match_value(self) -> Match:
        return Match(self.cleaned_data.get("match") or Match.PREFIX)

    def sort_value(self) -> Sort:
        return Sort(self.cleaned_data.get("sort") or Sort.UPDATED_DESC)

    def filters(self) -> Filters:
        """Return the filters of every field that validated (call after is_valid())."""
        data = self.cleaned_data
        account = data.get("account")
        suspected = data.get("suspected")
        return Filters(
            q=(data.get("q") or "").strip(),
            match=self.match_value(),
            subject=data.get("subject") or "",
            provider=data.get("provider") or "",
            account_id=account.pk if account else None,
            outcomes=tuple(data.get("outcome") or ()),
            suspected={"yes": True, "no": False}.get(suspected or ""),
            updated_from=data.get("updated_from"),
            updated_to=data.get("updated_to"),
            stale_days=data.get("stale"),
            sort=self.sort_value(),
        )

    def page_cursor(self) -> Cursor | None:
        return self.cleaned_data.get("cursor")
