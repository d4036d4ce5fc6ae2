"""The reviewer list's filter bar: validates request.GET; a bad value drops only itself."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django import forms

from idvdash.providers import vocabulary
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import ProviderKind
from idvdash.reviews import queues
from idvdash.reviews.models import Review
from idvdash.reviews.queues import Queue, Sla

from .models import Outcome
from .queries import Cursor, Filters, Match, Sort
from .querysets import CONTAINS_MIN_LENGTH
from .widgets import PlainSelectMultiple

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

CREATED_HELP = (
    "The day the provider says it created the verification (UTC). Records whose provider "
    "gave no creation time (iDenfy's list gives none until a webhook, a live read or the "
    "backfill does) have no such day: choose “Not given” to see them."
)
CREATED_KNOWN_CHOICES = [("", "Any"), ("yes", "Given"), ("no", "Not given by the provider")]
UNKNOWN_HAS_NO_DAY = (
    "Records whose provider gave no creation time have no creation day; clear the dates "
    "or this choice."
)
REASON_HELP = (
    "Records carrying any of the chosen reason, tag or error codes (not all of them). "
    "Each code is listed with its meaning, by provider."
)
NOT_A_CODE = "“%(value)s” is not a reason code."
# Codes as providers write them: letters, digits and a few separators, never free text.
CODE_PATTERN = re.compile(r"^[\w.:/-]{1,100}$")
MAX_REASONS = 20
TOO_MANY_REASONS = f"Choose at most {MAX_REASONS} codes."
# Vocabulary categories that are statuses or results, not reasons a record carries.
NOT_REASONS = frozenset({"status", "level_status", "result"})

SUSPECTED_CHOICES = [("", "Any"), ("yes", "Suspected"), ("no", "Not suspected")]
HAS_NOTES_CHOICES = [("", "Any"), ("yes", "With notes"), ("no", "Without notes")]
QUEUE_CHOICES = [("", "Every record"), *((queue.value, queue.label) for queue in Queue)]
SLA_CHOICES = [("", "Any"), *((sla.value, sla.label) for sla in Sla)]
REVIEW_STATE_CHOICES = [("", "Any"), *Review.State.choices]
ME = "me"
SENIORS_ONLY_QUEUE = "Only senior reviewers approve decisions, so this queue is theirs."
SENIORS_ONLY_ASSIGNEE = "Only senior reviewers see other people's cases by assignee; choose “Me”."
NOT_A_REVIEWER = "Choose one of the reviewers."
SLA_HELP = (
    "Open cases whose provider outcome has a service level, timed from when idvdash's "
    "mirror saw that outcome (idvdash's time, not the provider's). Breached: older than "
    "the service level's hours; due soon: in the last quarter of them, not yet breached."
)
QUEUE_HELP = (
    "Unassigned: open cases of the outcomes with a service level. Mine: assigned to me "
    "and not closed."
)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProviderAccount) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


@cache
def reason_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every reason, tag and error code of every provider, with its meaning, grouped by
    provider and kind of code (the choices of the list's reason filter)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    seen: set[tuple[str, str]] = set()
    for term in vocabulary.terms():
        if term.category in NOT_REASONS or (term.kind, term.code) in seen:
            continue
        seen.add((term.kind, term.code))
        group = f"{ProviderKind(term.kind).label} — {term.category_label}"
        groups.setdefault(group, []).append((term.code, f"{term.code} — {term.meaning}"))
    return list(groups.items())


class ReasonField(forms.MultipleChoiceField):
    """Codes from the vocabularies, or any other code-shaped value: records carry codes
    no document lists, and the Overview links to them too."""

    def valid_value(self, value: str) -> bool:
        return bool(CODE_PATTERN.match(value))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > MAX_REASONS:
            raise forms.ValidationError(TOO_MANY_REASONS, code="too_many")


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
    created_from = forms.DateField(
        label="Created at the provider from",
        required=False,
        help_text=CREATED_HELP,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_to = forms.DateField(
        label="Created at the provider to",
        required=False,
        help_text=CREATED_HELP,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_known = forms.ChoiceField(
        label="Provider's creation time",
        required=False,
        choices=CREATED_KNOWN_CHOICES,
        help_text=CREATED_HELP,
    )
    reason = ReasonField(
        label="Reason codes (any of)",
        required=False,
        help_text=REASON_HELP,
        error_messages={"invalid_choice": NOT_A_CODE},
        widget=PlainSelectMultiple(attrs={"size": 6}),
    )
    queue = forms.ChoiceField(required=False, choices=QUEUE_CHOICES, help_text=QUEUE_HELP)
    sla = forms.ChoiceField(label="SLA", required=False, choices=SLA_CHOICES, help_text=SLA_HELP)
    review_state = forms.ChoiceField(
        label="Review state", required=False, choices=REVIEW_STATE_CHOICES
    )
    assignee = forms.ChoiceField(required=False, choices=[("", "Anyone"), (ME, "Me")])
    tag = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=[])
    has_notes = forms.ChoiceField(label="Notes", required=False, choices=HAS_NOTES_CHOICES)
    sort = forms.ChoiceField(
        required=False,
        choices=[(sort.value, sort.label) for sort in Sort],
        initial=Sort.UPDATED_DESC,
    )
    cursor = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        """`user` is whom "mine" and "me" mean; a senior reviewer may also pick others."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.senior = bool(user is not None and user.has_perm("reviews.approve_review"))
        self.tags = queues.tags()
        self.fields["tag"].choices = [("", "Any tag"), *((t.pk, t.name) for t in self.tags)]
        self.fields["reason"].choices = self._reason_choices()
        if self.senior:
            self.reviewers = list(queues.reviewers())
            people = [(str(person.pk), person.get_username()) for person in self.reviewers]
            self.fields["assignee"].choices += people
        else:
            self.reviewers = [user] if user is not None else []

    def _reason_choices(self) -> list:
        """The vocabularies' codes, and any other code asked for (so it shows as chosen)."""
        choices = reason_choices()
        known = {code for _, group in choices for code, _ in group}
        asked = self.data.getlist("reason") if hasattr(self.data, "getlist") else []
        other = [
            (code, f"{code} — no meaning documented")
            for code in dict.fromkeys(asked)
            if code not in known and CODE_PATTERN.match(code)
        ]
        return [*choices, ("Other codes", other)] if other else choices

    def clean_reason(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.cleaned_data.get("reason") or ()))

    def clean_queue(self) -> str:
        queue = self.cleaned_data.get("queue") or ""
        if queue and self.user is None:
            raise forms.ValidationError(NOT_A_REVIEWER, code="no_user")
        if queue and Queue(queue).seniors_only and not self.senior:
            raise forms.ValidationError(SENIORS_ONLY_QUEUE, code="seniors_only")
        return queue

    def clean_assignee(self) -> int | None:
        value = self.cleaned_data.get("assignee") or ""
        if not value:
            return None
        if value == ME:
            if self.user is None:
                raise forms.ValidationError(NOT_A_REVIEWER, code="no_user")
            return self.user.pk
        if not self.senior:
            raise forms.ValidationError(SENIORS_ONLY_ASSIGNEE, code="seniors_only")
        return int(value)

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
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", forms.ValidationError(BAD_DATE_RANGE, code="range"))
        if data.get("created_known") == "no" and (start or end):
            error = forms.ValidationError(UNKNOWN_HAS_NO_DAY, code="no_day")
            self.add_error("created_known", error)
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
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            created_known={"yes": True, "no": False}.get(data.get("created_known") or ""),
            reasons=tuple(data.get("reason") or ()),
            sort=self.sort_value(),
            viewer_id=self.user.pk if self.user is not None else None,
            queue=data.get("queue") or "",
            tag_id=data.get("tag"),
            has_notes={"yes": True, "no": False}.get(data.get("has_notes") or ""),
            review_state=data.get("review_state") or "",
            assignee_id=data.get("assignee"),
            sla=data.get("sla") or "",
        )

    def page_cursor(self) -> Cursor | None:
        return self.cleaned_data.get("cursor")
