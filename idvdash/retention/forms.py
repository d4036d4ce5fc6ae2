from django import forms

from .models import Erasure


class ForgetForm(forms.Form):
    """The reason an admin gives for forgetting a person (kept with the erasure)."""

    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Erasure._meta.get_field("reason").help_text,
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for forgetting this person.")
        return reason
