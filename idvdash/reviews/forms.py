"""The case panel's forms: they validate what a browser sends before a service sees it."""

from __future__ import annotations

from django import forms

from .models import DecisionCategory, Review, Tag
from .presenters import assignable_users
from .rules import Action
from .services import NOTE_MAX, REASON_MAX

# What the panel's generic form may ask for; ASSIGN_TO_ME has its own URL.
PANEL_ACTIONS = [
    (Action.ASSIGN, "Assign"),
    (Action.UNASSIGN, "Unassign"),
    (Action.ESCALATE, "Escalate"),
    (Action.PROPOSE, "Close"),
    (Action.WITHDRAW, "Withdraw proposal"),
    (Action.APPROVE, "Approve"),
    (Action.REJECT, "Reject"),
]


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ActForm(VersionForm):
    action = forms.ChoiceField(choices=PANEL_ACTIONS)
    reason = forms.CharField(required=False, max_length=REASON_MAX, widget=forms.Textarea)
    decision = forms.ChoiceField(required=False, choices=Review.Decision.choices)
    category = forms.ModelChoiceField(
        required=False, queryset=DecisionCategory.objects.filter(active=True)
    )
    target = forms.ModelChoiceField(required=False, queryset=assignable_users())

    def clean(self):
        data = super().clean()
        if data.get("action") == Action.ASSIGN and not data.get("target"):
            self.add_error("target", "Choose whom to assign the case to.")
        return data


class NoteForm(forms.Form):
    text = forms.CharField(max_length=NOTE_MAX, widget=forms.Textarea)


class TagForm(forms.Form):
    tag = forms.ModelChoiceField(queryset=Tag.objects.all())


def error_text(form: forms.Form) -> str:
    """All of a form's errors in one sentence for the panel's message line."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
