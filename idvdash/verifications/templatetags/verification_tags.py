"""Small display helpers for the reviewer pages."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django import template
from django.forms import Form
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from idvdash.core.templatetags.idvdash_tags import timedelta_short
from idvdash.providers import registry, vocabulary
from idvdash.providers.outcomes import describe_outcome, last_decision
from idvdash.verifications.models import Outcome, Verification
from idvdash.verifications.querysets import Sort

register = template.Library()

_SENTINEL = 987_654_321


@lru_cache(maxsize=16)
def _around_pk(name: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    """The reversed URL of `name` on either side of its one integer argument."""
    head, tail = reverse(name, args=[_SENTINEL], urlconf=urlconf).split(str(_SENTINEL))
    return head, tail


def url_with_pk(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL whose one argument is an integer: reversed
    once per script prefix, then joined; a list page links every row, and reversing
    each cost more than the rest of the row."""
    head, tail = _around_pk(name, get_script_prefix(), get_urlconf())
    return f"{head}{int(pk)}{tail}"


@register.filter
def detail_url(pk: int) -> str:
    return url_with_pk("verifications:detail", pk)


@register.filter
def person_url(pk: int) -> str:
    return url_with_pk("people:detail", pk)


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


SLA_FLAGS = {
    "breached": ' <strong class="sla-flag">⚠ SLA breached</strong>',
    "due_soon": ' <strong class="sla-flag soon">SLA due soon</strong>',
}


@register.filter
def case_cells(case) -> str:
    """A list row's two case cells (state, assignee, tags; time in queue, SLA), built in
    Python: a template include per row cost a list page more than its query."""
    if not case:
        return mark_safe('<td class="case">—</td><td class="when queue-time">—</td>')
    assignee = format_html(' <span class="sub">· {}</span>', case.assignee) if case.assignee else ""
    tags = format_html_join("", ' <span class="tag">{}</span>', ((tag,) for tag in case.tags))
    return format_html(
        '<td class="case"><span class="badge state-{}">{}</span>{}{}</td>'
        '<td class="when queue-time">{}{}</td>',
        case.state,
        case.state_label,
        assignee,
        tags,
        timedelta_short(case.waited),
        mark_safe(SLA_FLAGS.get(case.sla or "", "")),  # noqa: S308 (constant markup)
    )
