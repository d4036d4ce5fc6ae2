"""Bulk assign and bulk tag from the list: what is asked, what it would touch, and doing it.

A first POST (ticked rows, or every row of the current filter) only counts: the page
asks "Assign 1,234 cases to rita?" and carries the exact ids it counted, so the
confirmed POST acts on those and nothing else. More than BULK_CAP cases is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import QueryDict

from idvdash.verifications.models import Verification

from . import services
from .models import Tag
from .services import BulkResult

BULK_CAP = 1000
ASSIGN, TAG = "assign", "tag"
ME = "me"
NOTHING_CHOSEN = "Tick some rows, or “every row of this filter”."
TOO_MANY = (
    "That is more than {cap:,} cases; narrow the filter so that one action changes at most "
    "{cap:,} cases."
)
BAD_FILTERS = "Some filters are not valid ({fields}); fix them before acting on every row."
NO_TAG = "Choose a tag."
NO_TARGET = "Choose whom to assign the cases to."
# Fields of the list's query string that the bulk form brings along (the rest are its own).
OWN_FIELDS = {"csrfmiddlewaretoken", "ids", "every", "action", "assign_to", "apply_tag", "confirm"}


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[(ASSIGN, "Assign"), (TAG, "Tag")])
    assign_to = forms.ChoiceField(required=False, choices=[(ME, "Me")])
    apply_tag = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=[])
    ids = forms.TypedMultipleChoiceField(required=False, coerce=int)
    every = forms.BooleanField(required=False, label="Every row of this filter")
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, user: AbstractBaseUser, filter_form: Any, **kwargs: Any):
        """Reviewers assign to themselves; senior reviewers to any reviewer."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["apply_tag"].choices = [("", "—"), *((t.pk, t.name) for t in filter_form.tags)]
        if filter_form.senior:
            self.fields["assign_to"].choices += [
                (str(person.pk), person.get_username()) for person in filter_form.reviewers
            ]
        # Any number is a valid id here; which exist is decided when counting.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit() and len(str(value)) < 19

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("ids") and not data.get("every"):
            raise forms.ValidationError(NOTHING_CHOSEN, code="nothing")
        if data.get("action") == TAG and data.get("apply_tag") is None:
            self.add_error("apply_tag", forms.ValidationError(NO_TAG, code="required"))
        if data.get("action") == ASSIGN and not data.get("assign_to"):
            self.add_error("assign_to", forms.ValidationError(NO_TARGET, code="required"))
        if len(data.get("ids") or ()) > BULK_CAP:
            raise forms.ValidationError(TOO_MANY.format(cap=BULK_CAP), code="too_many")
        return data


@dataclass
class Plan:
    """What a bulk action would do: to which cases, with which target or tag."""

    action: str
    ids: list[int] = field(default_factory=list)
    target: AbstractBaseUser | None = None
    tag: Tag | None = None
    refusal: str = ""

    @property
    def count(self) -> int:
        return len(self.ids)


def plan(*, form: BulkForm, filter_form: Any) -> Plan:
    """Resolve the rows to act on (the ticked ones, or every row of the filter, capped)."""
    from idvdash.verifications import queries

    data = form.cleaned_data
    result = Plan(action=data["action"])
    if data["action"] == ASSIGN:
        target = data["assign_to"]
        result.target = form.user if target == ME else get_user_model().objects.get(pk=target)
    else:
        result.tag = next(tag for tag in filter_form.tags if tag.pk == data["apply_tag"])
    if data.get("every") and not data.get("ids"):
        errors = sorted(set(filter_form.errors) - {"cursor"})
        if errors:
            result.refusal = BAD_FILTERS.format(fields=", ".join(errors))
            return result
        qs = queries.filter_verifications(filters=filter_form.filters())
        ids = list(qs.order_by().values_list("pk", flat=True)[: BULK_CAP + 1])
    else:
        ids = list(Verification.objects.filter(pk__in=data["ids"]).values_list("pk", flat=True))
    if len(ids) > BULK_CAP:
        result.refusal = TOO_MANY.format(cap=BULK_CAP)
        return result
    result.ids = sorted(ids)
    return result


def run(*, user: AbstractBaseUser, plan: Plan) -> BulkResult:
    """Do the confirmed action through the services (rules, timeline, audit)."""
    if plan.action == ASSIGN:
        assert plan.target is not None
        return services.bulk_assign(user=user, verification_ids=plan.ids, target=plan.target)
    assert plan.tag is not None
    return services.bulk_tag(user=user, verification_ids=plan.ids, tag=plan.tag)


def filter_pairs(data: QueryDict) -> list[tuple[str, str]]:
    """The list's filters carried in a query string or POST, without the page: (key, value)."""
    return [
        (key, value)
        for key in data
        if key not in OWN_FIELDS and key != "cursor"
        for value in data.getlist(key)
        if value
    ]


def filter_query(data: QueryDict) -> str:
    """The list's query string carried in a POST (its filters, without the page)."""
    return urlencode(filter_pairs(data))


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=60, strip=True)
