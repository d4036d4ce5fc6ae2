"""The link and unlink forms: which subject, to which person, and why (always)."""

from __future__ import annotations

from django import forms

from idvdash.verifications.querysets import MAX_PK

from .linking import NO_REASON, REASON_MAX


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        strip=True,
        error_messages={"required": NO_REASON},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class SubjectForm(ReasonForm):
    """A subject to link into, or unlink from, the person of the page."""

    subject = forms.IntegerField(min_value=1, max_value=MAX_PK)


class StartForm(ReasonForm):
    """From a record's page: link its subject to a person, or start one with it.

    `person` empty starts a new person; `with_subject` (a suggested subject) joins the
    new person too.
    """

    person = forms.IntegerField(min_value=1, max_value=MAX_PK, required=False)
    with_subject = forms.IntegerField(min_value=1, max_value=MAX_PK, required=False)


def first_error(form: forms.Form) -> str:
    """The first error, as one sentence for a message (field names are not shown)."""
    for errors in form.errors.values():
        return str(errors[0])
    return ""
