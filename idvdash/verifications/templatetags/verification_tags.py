"""Small display helpers for the reviewer pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.forms import Form

from idvdash.providers import registry, vocabulary
from idvdash.providers.outcomes import describe_outcome, last_decision
from idvdash.verifications.models import Outcome, Verification
from idvdash.verifications.querysets import Sort

register = template.Library()


@register.filter
def provider_label(value: str) -> str:
    return registry.label(value)


@register.filter
def time_not_given(kind: str) -> str:
    """What a page shows for a time the provider `kind` did not give."""
    return registry.time_not_given(kind)


@register.filter
def sort_time(verification: Verification, sort: Sort) -> datetime:
    """The row's time that `sort` orders by (one of idvdash's own)."""
    return getattr(verification, sort.column)


@register.filter
def outcome_label(value: str) -> str:
    try:
        return Outcome(value).label
    except ValueError:
        return value


@register.filter
def thousands(value: int) -> str:
    """Return an integer with thousands separators ("10,000")."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def field_label(name: str, form: Form) -> str:
    """Return the label of the form's field `name` (the name itself when there is none)."""
    field = form.fields.get(name)
    return str(field.label or name.replace("_", " ").capitalize()) if field else name


@register.filter
def outcome_meaning(value: str) -> str:
    return describe_outcome(value)


@register.filter
def status_meaning(verification: Verification) -> str:
    """Return what the provider's raw status means ("" when it is unknown)."""
    if not verification.raw_status:
        return ""
    meaning = vocabulary.explain(verification.provider, verification.raw_status, category="status")
    return meaning or ""


@register.filter
def deleted_decision(verification: Verification) -> str:
    """For a deleted or archived record, its last decision in words ("" otherwise)."""
    return last_decision(verification.outcome, verification.decisive_outcome)
